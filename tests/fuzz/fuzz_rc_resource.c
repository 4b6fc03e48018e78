/* lib/restconf/read.c devconf__rc_parse_resource: a RESTCONF data resource body from the server
 * (JSON or XML, by Content-Type or, without one, by its first character): NUL bytes, UTF-8 and
 * nesting checked before libyang sees it, the datastore wrapper ({"ietf-restconf:data": ...} or
 * <data>) taken off textually, the parents of a filtered resource built, then a strict parse
 * against the session's schemas (here yang-models/devconf-example.yang).
 *
 * Input: byte 0 chooses the Content-Type, the filter (none, or one of a few data paths) and
 * whether the read was depth-limited (opaque nodes allowed); the rest is the body. Checked: 0 with
 * a tree or an error with a message without raw control characters; the raw span it reports lies
 * inside the body. */
#include "fuzz_common.h"

#include <string.h>

#include <libyang/libyang.h>

#include "restconf/restconf_p.h"

static const char *const types[4] = { NULL, DEVCONF_RC_MT_JSON, DEVCONF_RC_MT_XML, "text/html" };
static const char *const filters[4] = {
    NULL,
    "/devconf-example:settings",
    "/devconf-example:items/item[name='a b']",
    "/devconf-example:items/item[name='x']/description",
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    (void)fuzz_example_ctx();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = { data, size };
    uint8_t cfg = fuzz_byte(&in);
    devconf__rc_state st = { 0 };
    st.ly = fuzz_example_ctx();
    devconf_session s = { 0 };
    s.host = "device.example";
    s.tp_data = &st;
    devconf__rc_resp resp = { 0 };
    resp.status = 200;
    resp.content_type = (char *)types[cfg & 3];
    /* the body as curl collects it: any bytes, NUL-terminated after len */
    if (in.n) {
        devconf__buf_append(&resp.body, (const char *)in.p, in.n);
    }
    const char *filter = filters[(cfg >> 2) & 3];
    bool partial = cfg & 16;
    struct lyd_node *tree = NULL;
    const char *raw = NULL;
    size_t raw_len = 0;
    int r = devconf__rc_parse_resource(&s, &resp, filter, partial, &tree, &raw, &raw_len);
    if (r < 0) {
        FUZZ_CHECK(!tree);
        FUZZ_CHECK(devconf_error_code(devconf_error_last()) == r);
        FUZZ_CHECK(fuzz_printable(devconf_error_message(devconf_error_last())));
    }
    if (raw && resp.body.data) {
        FUZZ_CHECK(raw >= resp.body.data && raw + raw_len <= resp.body.data + resp.body.len);
    }
    lyd_free_all(tree);
    devconf__buf_dispose(&resp.body);
    devconf__error_clear();
    return 0;
}
