/* lib/yang/bridge.c: payload unwrapping: devconf__unwrap_element (<config>/<data> wrappers, any
 * prefix, an XML declaration before them), devconf__config_is_empty, and devconf__config_parse,
 * which copies the wrapper's prefixed namespace declarations onto each top-level element
 * (unwrap_config) before a strict parse against a schema context.
 *
 * Input: byte 0 chooses the wrapper name and the format hint; the rest is the payload (a user's
 * file, or a device's <data> reply for "data"). Checked: the content span lies inside the text
 * (issue 11: `<data>/>` gave a length of (size_t)-1); text that is not wrapped comes back whole. */
#include "fuzz_common.h"

#include <string.h>

#include <libyang/libyang.h>

#include "devconf_p.h"

static const devconf_format hints[3] = { DEVCONF_FORMAT_AUTO, DEVCONF_FORMAT_XML, DEVCONF_FORMAT_JSON };

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
    char *text = fuzz_cstr(in.p, in.n);
    size_t tlen = strlen(text);
    const char *wrapper = cfg & 1 ? "data" : "config";

    size_t len = 12345;
    const char *content = devconf__unwrap_element(text, wrapper, &len);
    FUZZ_CHECK(content >= text && content <= text + tlen);
    FUZZ_CHECK(len <= (size_t)(text + tlen - content));
    if (content == text) {
        FUZZ_CHECK(len == tlen);
    }

    (void)devconf__config_is_empty(text);

    devconf_format hint = hints[(cfg >> 1) % 3];
    struct lyd_node *tree = NULL;
    int r = devconf__config_parse(fuzz_example_ctx(), text, hint, &tree);
    if (r < 0) {
        FUZZ_CHECK(!tree && devconf_error_code(devconf_error_last()) == r);
    }
    lyd_free_all(tree);
    free(text);
    devconf__error_clear();
    return 0;
}
