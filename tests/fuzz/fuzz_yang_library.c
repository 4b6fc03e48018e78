/* lib/yang/library.c devconf__yang_library_parse: a device's YANG library, RFC 8525 yang-library
 * or RFC 7895 modules-state, XML or JSON, through libyang's ietf-yang-library (bootstrap context);
 * then what the schema layer does with the module set (sort, content key).
 *
 * Input: byte 0 chooses XML or JSON; the rest is the document. Checked: 0 with a module set whose
 * names are YANG identifiers and revisions dates, 1 when the text holds neither library, or an
 * error with a message. */
#include "fuzz_common.h"

#include <string.h>

#include "yang/yang_p.h"

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
    devconf_format fmt = fuzz_byte(&in) & 1 ? DEVCONF_FORMAT_JSON : DEVCONF_FORMAT_XML;
    char *text = fuzz_cstr(in.p, in.n);
    devconf__modset set = { 0 };
    char *set_id = NULL;
    int r = devconf__yang_library_parse(text, fmt, &set, &set_id);
    if (r < 0) {
        FUZZ_CHECK(devconf_error_code(devconf_error_last()) == r);
        FUZZ_CHECK(*devconf_error_message(devconf_error_last()));
    } else {
        FUZZ_CHECK(r == 0 || r == 1);
        for (size_t i = 0; i < set.n; i++) {
            FUZZ_CHECK(devconf__yang_valid_name(set.m[i].name));
            FUZZ_CHECK(!set.m[i].revision || devconf__yang_valid_revision(set.m[i].revision));
            for (size_t k = 0; k < set.m[i].nfeatures; k++) {
                FUZZ_CHECK(devconf__yang_valid_name(set.m[i].features[k]));
            }
        }
        for (size_t i = 0; i < set.n; i++) {
            memset(set.m[i].hash, 'a', 64); /* as if resolved: the key covers every entry */
            set.m[i].hash[64] = '\0';
        }
        char key[65];
        FUZZ_CHECK(devconf__modset_key(&set, key) == 0 && strlen(key) == 64);
        devconf__modset_sort(&set);
    }
    devconf__modset_dispose(&set);
    free(set_id);
    free(text);
    devconf__error_clear();
    return 0;
}
