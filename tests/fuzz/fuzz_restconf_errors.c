/* lib/restconf/errors.c: the body of a refused RESTCONF request: ietf-restconf:errors (JSON, and
 * XML through libyang's opaque parser) and ietf-yang-patch:yang-patch-status, made into the
 * rpc-error entries and the one-line message of the error object; device text made safe to print.
 *
 * Input: byte 0 chooses the HTTP status, byte 1 whether the session has its schema context yet
 * (XML bodies are read only then); the rest is the body. Checked: the error has the status's code
 * (DEVCONF_EAUTH for 401/403, else DEVCONF_ERPC) and HTTP status, at most 1000 entries, entries of
 * valid UTF-8, and a message without raw control characters (C0, DEL, C1). On the side: the
 * text cleaner and the UTF-8 check on the body itself (an exact-size buffer, no NUL after it). */
#include "fuzz_common.h"

#include <string.h>

#include "restconf/restconf_p.h"
#include "yang/yang_p.h"

static const long statuses[8] = { 400, 401, 403, 404, 409, 412, 500, 503 };

static void check_utf8(const char *s)
{
    if (s) {
        FUZZ_CHECK(devconf__rc_utf8_check(s, strlen(s)) == strlen(s));
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    (void)devconf__yang_boot();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = { data, size };
    long status = statuses[fuzz_byte(&in) & 7];
    bool have_ly = fuzz_byte(&in) & 1;

    /* the UTF-8 check reads s[0..len) only */
    char *exact = malloc(in.n ? in.n : 1);
    FUZZ_CHECK(exact);
    memcpy(exact, in.p, in.n);
    size_t ok = devconf__rc_utf8_check(exact, in.n);
    FUZZ_CHECK(ok <= in.n);
    free(exact);

    char *body = fuzz_cstr(in.p, in.n);
    devconf__buf clean = { 0 };
    devconf__rc_buf_clean(&clean, body, 300);
    FUZZ_CHECK(!clean.data || fuzz_printable(clean.data));
    FUZZ_CHECK(!clean.data || clean.len <= 300 + 8 + 3); /* one escape or character past the cut, "..." */
    devconf__buf_dispose(&clean);

    devconf__rc_state st = { 0 };
    st.ly = have_ly ? devconf__yang_boot() : NULL;
    devconf_session s = { 0 };
    s.host = "device.example";
    s.tp_data = &st;
    devconf__rc_resp resp = { 0 };
    resp.status = status;
    devconf__buf_append(&resp.body, body, strlen(body));
    int code = devconf__rc_status_error(&s, &resp, "fuzz request");
    const devconf_error *e = devconf_error_last();
    int want = status == 401 || status == 403 ? DEVCONF_EAUTH : DEVCONF_ERPC;
    FUZZ_CHECK(code == want || code == DEVCONF_ENOMEM);
    FUZZ_CHECK(devconf_error_code(e) == code);
    if (code == want) {
        FUZZ_CHECK(devconf_error_http_status(e) == status);
        FUZZ_CHECK(fuzz_printable(devconf_error_message(e)));
        size_t n = devconf_error_rpc_error_count(e);
        FUZZ_CHECK(n <= DEVCONF_RC_MAX_RPC_ERRORS);
        for (size_t i = 0; i < n; i++) {
            const devconf_rpc_error *re = devconf_error_rpc_error(e, i);
            FUZZ_CHECK(re);
            check_utf8(devconf_rpc_error_type(re));
            check_utf8(devconf_rpc_error_tag(re));
            check_utf8(devconf_rpc_error_app_tag(re));
            check_utf8(devconf_rpc_error_path(re));
            check_utf8(devconf_rpc_error_message(re));
            check_utf8(devconf_rpc_error_info_xml(re));
        }
    }
    devconf__buf_dispose(&resp.body);
    free(body);
    devconf__error_clear();
    return 0;
}
