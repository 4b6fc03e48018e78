/* lib/restconf/paths.c and the path rules of lib/restconf/http.c: resource paths built from data
 * paths (filters: a caller's, or a device's error-path), the parent of a data path, percent
 * encoding, and the checks on references a server gives (host-meta href, schema URL):
 * devconf__rc_path_problem and devconf__rc_same_origin (run here on a session state without
 * curl: it only parses the reference with libcurl's URL API, nothing is sent).
 *
 * Input: byte 0 chooses the session's scheme and port; the rest is the path or reference.
 * Checked: a path accepted by devconf__rc_path_problem is absolute, printable ASCII, without a
 * fragment, a '.' or '..' segment (also percent-encoded) or an encoded control character; a
 * reference devconf__rc_same_origin accepts yields such a path; a resource path only holds
 * unreserved characters, '/', ':', '=', ',' and %XX escapes; percent encoding leaves unreserved
 * characters only. */
#include "fuzz_common.h"

#include <ctype.h>
#include <string.h>

#include <libyang/libyang.h>

#include "restconf/restconf_p.h"

/* The rules, written out again: the reference devconf__rc_path_problem must agree with. */
static bool path_ok(const char *p, bool query_ok)
{
    if (p[0] != '/' || p[1] == '/') {
        return false;
    }
    const char *q = strchr(p, '?');
    if (q && (!query_ok || strchr(q + 1, '?'))) {
        return false;
    }
    for (const unsigned char *c = (const unsigned char *)p; *c; c++) {
        if (*c <= 0x20 || *c >= 0x7f || *c == '#') {
            return false;
        }
        if (*c == '%') {
            if (!isxdigit(c[1]) || !isxdigit(c[2])) {
                return false;
            }
            int v = (isdigit(c[1]) ? c[1] - '0' : (tolower(c[1]) - 'a' + 10)) * 16 +
                    (isdigit(c[2]) ? c[2] - '0' : (tolower(c[2]) - 'a' + 10));
            if (v < 0x20 || v == 0x7f) {
                return false;
            }
            c += 2;
        } else if (!isalnum(*c) && !strchr("-._~!$&'()*+,;=:@/?", *c)) {
            return false;
        }
    }
    /* segments of the path part: none is "." or ".." (%2e counts as a dot) */
    size_t plen = q ? (size_t)(q - p) : strlen(p);
    for (size_t i = 1; i <= plen;) {
        size_t j = i, dots = 0;
        bool other = false;
        while (j < plen && p[j] != '/') {
            if (p[j] == '.') {
                dots++, j++;
            } else if (p[j] == '%' && j + 2 < plen && p[j + 1] == '2' && (p[j + 2] | 0x20) == 'e') {
                dots++, j += 3;
            } else {
                other = true, j++;
            }
        }
        if (!other && (dots == 1 || dots == 2)) {
            return false;
        }
        i = j + 1;
    }
    return true;
}

static bool resource_chars(const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '%') {
            if (!isxdigit(c[1]) || !isxdigit(c[2])) {
                return false;
            }
            c += 2;
        } else if (!isalnum(*c) && !strchr("-._~/:=,", *c)) {
            return false;
        }
    }
    return true;
}

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

    for (int q = 0; q < 2; q++) {
        const char *why = devconf__rc_path_problem(text, q);
        if ((why == NULL) != path_ok(text, q)) {
            fprintf(stderr, "path '%s' (query %s): devconf says %s\n", text, q ? "allowed" : "refused",
                    why ? why : "fine");
            FUZZ_CHECK(!"devconf__rc_path_problem agrees with the rules");
        }
    }

    devconf__rc_state st = { 0 };
    st.scheme = cfg & 1 ? "http" : "https";
    st.url_host = cfg & 2 ? "[::1]" : "device.example";
    st.port = cfg & 4 ? 8443 : (cfg & 1 ? 80 : 443);
    st.base = "https://device.example:8443";
    st.ly = fuzz_example_ctx();
    devconf_session s = { 0 };
    s.host = "device.example";
    s.tp_data = &st;
    char *path = NULL;
    int r = devconf__rc_same_origin(&s, text, "fuzz: the server links to", cfg & 8, &path);
    if (r == 0) {
        FUZZ_CHECK(path && path_ok(path, cfg & 8));
    } else {
        FUZZ_CHECK(!path && r == DEVCONF_EPROTO);
        FUZZ_CHECK(fuzz_printable(devconf_error_message(devconf_error_last())));
    }
    free(path);
    devconf__error_clear();

    char *parent = devconf__rc_parent_xpath(text);
    FUZZ_CHECK(!parent || strlen(parent) < strlen(text));
    free(parent);

    char *res = NULL;
    r = devconf__rc_resource_path(st.ly, text, &res);
    if (r == 0) {
        FUZZ_CHECK(res && res[0] == '/' && resource_chars(res));
    } else {
        FUZZ_CHECK(!res);
        FUZZ_CHECK(devconf_error_code(devconf_error_last()) == r);
    }
    free(res);
    devconf__error_clear();

    devconf__buf b = { 0 };
    devconf__rc_pct_encode(&b, text);
    FUZZ_CHECK(!b.data || resource_chars(b.data));
    FUZZ_CHECK(!b.data || (!strpbrk(b.data, "/:=,") && b.len <= 3 * strlen(text)));
    devconf__buf_dispose(&b);
    free(text);
    return 0;
}
