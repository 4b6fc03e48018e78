/* lib/uri.c: device URIs (scheme://[user@]host[:port][/path]), from a user, a configuration file
 * or a script.
 *
 * Input: the URI text. Checked: a parsed URI has a known scheme, a non-empty host of URI
 * characters, a port 1-65535, a path that starts with '/' when there is one; a refused one has a
 * DEVCONF_EINVAL error. The same text with a password put in after "://" is always refused, and
 * the password never shows in the message. */
#include "fuzz_common.h"

#include <string.h>

#include "devconf_p.h"

#define SECRET "Sekr1tPw"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    devconf__uri u;
    int r = devconf__uri_parse(&u, text);
    if (r == 0) {
        FUZZ_CHECK(u.scheme >= DEVCONF_SCHEME_NETCONF_SSH && u.scheme <= DEVCONF_SCHEME_RESTCONF_HTTP);
        FUZZ_CHECK(u.host && *u.host && u.port != 0);
        FUZZ_CHECK(strspn(u.host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._:%") ==
                   strlen(u.host));
        FUZZ_CHECK(!u.path || u.path[0] == '/');
        FUZZ_CHECK(!u.user || *u.user);
    } else {
        FUZZ_CHECK(r == DEVCONF_EINVAL || r == DEVCONF_ENOMEM);
        FUZZ_CHECK(devconf_error_code(devconf_error_last()) == r);
        FUZZ_CHECK(*devconf_error_message(devconf_error_last()));
    }
    devconf__uri_dispose(&u);
    devconf__error_clear();

    const char *sep = strstr(text, "://");
    if (sep && !strstr(text, SECRET)) {
        devconf__buf b = { 0 };
        devconf__buf_append(&b, text, (size_t)(sep + 3 - text));
        devconf__buf_puts(&b, "admin:" SECRET "@");
        devconf__buf_puts(&b, sep + 3);
        FUZZ_CHECK(!b.failed);
        r = devconf__uri_parse(&u, b.data);
        FUZZ_CHECK(r == DEVCONF_EINVAL);
        FUZZ_CHECK(!strstr(devconf_error_message(devconf_error_last()), SECRET));
        devconf__uri_dispose(&u);
        devconf__buf_dispose(&b);
        devconf__error_clear();
    }
    free(text);
    return 0;
}
