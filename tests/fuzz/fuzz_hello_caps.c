/* lib/yang/modset.c devconf__modset_from_hello and devconf__modset_netconf_features: the module
 * set a NETCONF device announces in its <hello> capabilities (RFC 6020 5.6.4:
 * NS?module=M&revision=R&features=a,b&deviations=d), and lib/netconf/profiles.c, the server quirks
 * chosen by them.
 *
 * Input: the capabilities, one a line (as parse_hello hands them over: trimmed, non-empty).
 * Checked: 0 with entries of YANG identifiers and dates, implemented, with their namespace, or an
 * error with a message; a profile is always chosen. */
#include "fuzz_common.h"

#include <string.h>

#include "netconf/netconf_p.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* each capability in a buffer of its own: a read before or after it is caught */
    char **caps = NULL;
    size_t n = 0;
    for (size_t i = 0; i < size;) {
        const uint8_t *nl = memchr(data + i, '\n', size - i);
        size_t len = nl ? (size_t)(nl - (data + i)) : size - i;
        if (len && !memchr(data + i, '\0', len)) {
            caps = realloc(caps, (n + 1) * sizeof *caps);
            FUZZ_CHECK(caps);
            caps[n++] = fuzz_cstr(data + i, len);
        }
        i += len + 1;
    }
    devconf__modset set = { 0 };
    int r = devconf__modset_from_hello(&set, (const char *const *)caps, n);
    if (r == 0) {
        r = devconf__modset_netconf_features(&set, (const char *const *)caps, n);
    }
    if (r < 0) {
        FUZZ_CHECK(devconf_error_code(devconf_error_last()) == r);
        FUZZ_CHECK(*devconf_error_message(devconf_error_last()));
    } else {
        for (size_t i = 0; i < set.n; i++) {
            FUZZ_CHECK(devconf__yang_valid_name(set.m[i].name));
            FUZZ_CHECK(!set.m[i].revision || devconf__yang_valid_revision(set.m[i].revision));
            FUZZ_CHECK(set.m[i].implemented && set.m[i].ns);
            for (size_t k = 0; k < set.m[i].nfeatures; k++) {
                FUZZ_CHECK(devconf__yang_valid_name(set.m[i].features[k]));
            }
            for (size_t k = 0; k < set.m[i].ndeviations; k++) {
                FUZZ_CHECK(devconf__yang_valid_name(set.m[i].deviations[k]));
            }
        }
    }
    const devconf__nc_profile *p = devconf__nc_profile_for((const char *const *)caps, n);
    FUZZ_CHECK(p && p->name);
    (void)devconf__nc_profile_no_get_schema(p, "ietf-netconf");
    devconf__modset_dispose(&set);
    for (size_t i = 0; i < n; i++) {
        free(caps[i]);
    }
    free(caps);
    devconf__error_clear();
    return 0;
}
