/* lib/restconf/http.c and errors.c: which paths and server-given references devconf requests
 * (never another host, never with user information, never out of the root), and how device text
 * is made safe for a one-line message. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "restconf/restconf_p.h"
#include "test_util.h"

START_TEST(paths_devconf_builds_are_accepted)
{
    const char *ok[] = { "/restconf", "/restconf/data/ietf-interfaces:interfaces/interface=ge-0%2F0%2F1%2Cx%3Dy",
                         "/restconf/data?content=config&depth=2&fields=a%3Bb", "/yang/mod@2020-01-01.yang",
                         "/.well-known/host-meta", "/a/..b/c.", "/" };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        const char *why = devconf__rc_path_problem(ok[i], true);
        ck_assert_msg(why == NULL, "%s: %s", ok[i], why);
    }
}
END_TEST

START_TEST(paths_that_leave_the_root_or_the_server_are_refused)
{
    const char *bad[] = { "", "restconf", "@localhost:1/restconf", "//localhost:1/restconf", "/a/../b", "/a/./b",
                          "/a/%2e%2E/b", "/..", "/a#frag", "/a b", "/a\nb", "/a\x7f", "/a\xc2\x9b", "/a%0Ab", "/a%zz",
                          "/a\\b", "/a\"b", "/a?b?c", "/a<b" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(devconf__rc_path_problem(bad[i], true) != NULL, "accepted: %s", bad[i]);
    }
    ck_assert_ptr_nonnull(devconf__rc_path_problem("/restconf?x=1", false)); /* a root has no query */
}
END_TEST

static devconf_session sess;
static devconf__rc_state st;

static void fake_session(void)
{
    memset(&sess, 0, sizeof sess);
    memset(&st, 0, sizeof st);
    st.scheme = "https";
    st.url_host = "127.0.0.1";
    st.port = 8443;
    st.base = "https://127.0.0.1:8443";
    sess.tp_data = &st;
    sess.host = "127.0.0.1";
}

START_TEST(server_references_on_the_session_origin_are_followed)
{
    fake_session();
    const char *ok[][2] = { { "/restconf/", "/restconf" },
                            { "https://127.0.0.1:8443/restconf", "/restconf" },
                            { "HTTPS://127.0.0.1:8443/yang/m.yang?x=1", "/yang/m.yang?x=1" },
                            { "https://127.0.0.1:8443", "/" } };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char *path = NULL;
        int r = devconf__rc_same_origin(&sess, ok[i][0], "test", true, &path);
        ck_assert_msg(r == 0, "%s: %s", ok[i][0], devconf_error_message(devconf_error_last()));
        ck_assert_str_eq(path, ok[i][1]);
        free(path);
    }
}
END_TEST

START_TEST(server_references_elsewhere_are_refused_naming_them)
{
    fake_session();
    const char *bad[][2] = {
        { "@localhost:9/restconf", "neither" },
        { "https://127.0.0.1:8443@localhost:9/x", "user information" },
        { "https://user:pw@127.0.0.1:8443/x", "user information" },
        { "https://127.0.0.1:9/restconf", "another port" },
        { "https://127.0.0.1/restconf", "another port" }, /* 443 */
        { "http://127.0.0.1:8443/restconf", "another scheme" },
        { "https://localhost:8443/restconf", "another host" },
        { "https://127.0.0.2:8443/restconf", "another host" },
        { "//localhost:9/restconf", "protocol-relative" },
        { "https:/127.0.0.1:8443/x", "authority" },
        { "file:///etc/passwd", "another" },
        { "https://127.0.0.1:8443/a/../../x", "'..'" },
        { "https://127.0.0.1:8443/x#f", "fragment" },
        { "/rest\x1b[2Jconf", "control character" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *path = NULL;
        int r = devconf__rc_same_origin(&sess, bad[i][0], "the test reference", true, &path);
        const char *m = devconf_error_message(devconf_error_last());
        ck_assert_msg(r == DEVCONF_EPROTO, "accepted %s", bad[i][0]);
        ck_assert_ptr_null(path);
        ck_assert_msg(strstr(m, bad[i][1]) && strstr(m, "the test reference '"), "%s: %s", bad[i][0], m);
        ck_assert_msg(!strchr(m, '\x1b'), "%s", m);
    }
}
END_TEST

START_TEST(device_text_is_escaped_for_a_message)
{
    devconf__buf b = { 0 };
    devconf__rc_buf_clean(&b, "ok \xc3\xa9 \x1b[2J\xc2\x9b\x7f line\nbreak \xff\xfe end", 1000);
    ck_assert_str_eq(b.data, "ok \xc3\xa9 \\u001B[2J\\u009B\\u007F line break \\xFF\\xFE end");
    devconf__buf_dispose(&b);
    devconf__rc_buf_clean(&b, "abcdefghij", 4);
    ck_assert_str_eq(b.data, "abcd...");
    devconf__buf_dispose(&b);
    ck_assert_uint_eq(devconf__rc_utf8_check("a\xc3\xa9z", 4), 4);
    ck_assert_uint_eq(devconf__rc_utf8_check("ab\xed\xa0\x80", 5), 2); /* a surrogate */
    ck_assert_uint_eq(devconf__rc_utf8_check("abc\xc3", 4), 3);        /* cut sequence */
    ck_assert_uint_eq(devconf__rc_utf8_check("\xc0\xaf", 2), 0);       /* overlong '/' */
}
END_TEST

/* tests/fuzz/fuzz_restconf_errors: devconf__rc_utf8_check(s, len) read up to three bytes past
 * s + len when s ended inside a sequence (here in a buffer of exactly len bytes, no NUL after it,
 * so that AddressSanitizer sees such a read). */
START_TEST(utf8_check_reads_only_the_given_bytes)
{
    static const char *const cases[] = { "abc\xc3", "ab\xe2\x82", "a\xf0\x9f\x98", "\xf4" };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = strlen(cases[i]);
        char *exact = malloc(n);
        ck_assert_ptr_nonnull(exact);
        memcpy(exact, cases[i], n);
        size_t lead = strcspn(cases[i], "\xc3\xe2\xf0\xf4");
        ck_assert_uint_eq(devconf__rc_utf8_check(exact, n), lead); /* a cut sequence is not UTF-8 */
        free(exact);
    }
}
END_TEST

int main(void)
{
    Suite *su = suite_create("restconf-urls");
    TCase *tc = tcase_create("urls");
    tcase_add_test(tc, paths_devconf_builds_are_accepted);
    tcase_add_test(tc, paths_that_leave_the_root_or_the_server_are_refused);
    tcase_add_test(tc, server_references_on_the_session_origin_are_followed);
    tcase_add_test(tc, server_references_elsewhere_are_refused_naming_them);
    tcase_add_test(tc, device_text_is_escaped_for_a_message);
    tcase_add_test(tc, utf8_check_reads_only_the_given_bytes);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
