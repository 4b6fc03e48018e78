/* Unit tests for lib/uri.c: devconf__uri_parse() and devconf__uri_dispose(). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devconf_p.h"
#include "test_util.h"

/* Parses a URI that must be valid; the caller disposes of u. */
static void parse_ok(devconf__uri *u, const char *uri)
{
    int r = devconf__uri_parse(u, uri);
    ck_assert_msg(r == 0, "parsing '%s' failed with %d: %s", uri, r, devconf_error_message(devconf_error_last()));
    ck_assert_ptr_nonnull(u->host);
}

/* Parses a URI that must be rejected with DEVCONF_EINVAL and a message containing want. Checks
 * that the out struct holds no allocation afterwards. */
static void parse_fails(const char *uri, const char *want)
{
    devconf__uri u;
    memset(&u, 0xA5, sizeof u); /* garbage: the parser must not trust it */
    devconf__error_clear();
    int r = devconf__uri_parse(&u, uri);
    if (r == 0) {
        devconf__uri_dispose(&u); /* no leak when the assertion below fails */
    }
    const devconf_error *e = devconf_error_last();
    ck_assert_msg(r == DEVCONF_EINVAL, "'%s': expected DEVCONF_EINVAL, got %d (%s)", uri ? uri : "(null)", r,
                  devconf_error_message(e));
    ck_assert_int_eq(devconf_error_code(e), DEVCONF_EINVAL);
    ck_assert_int_eq(devconf_error_origin(e), DEVCONF_ORIGIN_NONE);
    const char *msg = devconf_error_message(e);
    ck_assert_msg(strstr(msg, want) != NULL, "'%s': message '%s' does not mention '%s'", uri ? uri : "(null)", msg,
                  want);
    ck_assert_ptr_null(u.user);
    ck_assert_ptr_null(u.host);
    ck_assert_ptr_null(u.path);
    devconf__uri_dispose(&u); /* harmless on a failed parse */
}

static void teardown(void)
{
    devconf__error_clear();
}

/* ---- schemes and default ports ---- */

START_TEST(uri_netconf_defaults_to_ssh_port_830)
{
    devconf__uri u;
    parse_ok(&u, "netconf://router1");
    ck_assert_int_eq(u.scheme, DEVCONF_SCHEME_NETCONF_SSH);
    ck_assert_uint_eq(u.port, 830);
    ck_assert_str_eq(u.host, "router1");
    ck_assert_ptr_null(u.user);
    ck_assert_ptr_null(u.path);
    devconf__uri_dispose(&u);
}
END_TEST

START_TEST(uri_netconf_ssh_defaults_to_port_830)
{
    devconf__uri u;
    parse_ok(&u, "netconf+ssh://router1");
    ck_assert_int_eq(u.scheme, DEVCONF_SCHEME_NETCONF_SSH);
    ck_assert_uint_eq(u.port, 830);
    devconf__uri_dispose(&u);
}
END_TEST

START_TEST(uri_netconf_tls_defaults_to_port_6513)
{
    devconf__uri u;
    parse_ok(&u, "netconf+tls://router1");
    ck_assert_int_eq(u.scheme, DEVCONF_SCHEME_NETCONF_TLS);
    ck_assert_uint_eq(u.port, 6513);
    devconf__uri_dispose(&u);
}
END_TEST

START_TEST(uri_restconf_defaults_to_https_port_443)
{
    devconf__uri u;
    parse_ok(&u, "restconf://router1");
    ck_assert_int_eq(u.scheme, DEVCONF_SCHEME_RESTCONF_HTTPS);
    ck_assert_uint_eq(u.port, 443);
    devconf__uri_dispose(&u);
}
END_TEST

START_TEST(uri_restconf_https_defaults_to_port_443)
{
    devconf__uri u;
    parse_ok(&u, "restconf+https://router1");
    ck_assert_int_eq(u.scheme, DEVCONF_SCHEME_RESTCONF_HTTPS);
    ck_assert_uint_eq(u.port, 443);
    devconf__uri_dispose(&u);
}
END_TEST

START_TEST(uri_restconf_http_defaults_to_port_80)
{
    devconf__uri u;
    parse_ok(&u, "restconf+http://router1");
    ck_assert_int_eq(u.scheme, DEVCONF_SCHEME_RESTCONF_HTTP);
    ck_assert_uint_eq(u.port, 80);
    devconf__uri_dispose(&u);
}
END_TEST

START_TEST(uri_scheme_is_case_insensitive)
{
    devconf__uri u;
    parse_ok(&u, "NETCONF+SSH://router1");
    ck_assert_int_eq(u.scheme, DEVCONF_SCHEME_NETCONF_SSH);
    ck_assert_uint_eq(u.port, 830);
    devconf__uri_dispose(&u);
}
END_TEST

/* ---- authority ---- */

START_TEST(uri_user_host_and_port_are_split)
{
    devconf__uri u;
    parse_ok(&u, "netconf://admin@192.0.2.1:2022");
    ck_assert_str_eq(u.user, "admin");
    ck_assert_str_eq(u.host, "192.0.2.1");
    ck_assert_uint_eq(u.port, 2022);
    ck_assert_ptr_null(u.path);
    devconf__uri_dispose(&u);
}
END_TEST

START_TEST(uri_accepts_highest_port_65535)
{
    devconf__uri u;
    parse_ok(&u, "netconf://h.example.com:65535");
    ck_assert_str_eq(u.host, "h.example.com");
    ck_assert_uint_eq(u.port, 65535);
    devconf__uri_dispose(&u);
}
END_TEST

START_TEST(uri_ipv6_literal_without_port_gets_default_port)
{
    devconf__uri u;
    parse_ok(&u, "netconf://[2001:db8::1]");
    ck_assert_str_eq(u.host, "2001:db8::1");
    ck_assert_uint_eq(u.port, 830);
    devconf__uri_dispose(&u);
}
END_TEST

START_TEST(uri_ipv6_literal_with_user_and_port)
{
    devconf__uri u;
    parse_ok(&u, "netconf://admin@[2001:db8::1]:2022");
    ck_assert_str_eq(u.user, "admin");
    ck_assert_str_eq(u.host, "2001:db8::1");
    ck_assert_uint_eq(u.port, 2022);
    devconf__uri_dispose(&u);
}
END_TEST

START_TEST(uri_user_is_percent_decoded)
{
    devconf__uri u;
    parse_ok(&u, "netconf://first%20last%40corp@host");
    ck_assert_str_eq(u.user, "first last@corp");
    ck_assert_str_eq(u.host, "host");
    devconf__uri_dispose(&u);

    parse_ok(&u, "netconf://ad%6Din@host"); /* upper and lower case hex */
    ck_assert_str_eq(u.user, "admin");
    devconf__uri_dispose(&u);
    parse_ok(&u, "netconf://ad%6din@host");
    ck_assert_str_eq(u.user, "admin");
    devconf__uri_dispose(&u);
}
END_TEST

START_TEST(uri_restconf_keeps_path)
{
    devconf__uri u;
    parse_ok(&u, "restconf://admin@device:8443/restconf/data");
    ck_assert_str_eq(u.host, "device");
    ck_assert_uint_eq(u.port, 8443);
    ck_assert_str_eq(u.path, "/restconf/data");
    devconf__uri_dispose(&u);
}
END_TEST

START_TEST(uri_lone_slash_gives_no_path)
{
    devconf__uri u;
    parse_ok(&u, "restconf+http://device/");
    ck_assert_str_eq(u.host, "device");
    ck_assert_ptr_null(u.path);
    devconf__uri_dispose(&u);
}
END_TEST

START_TEST(uri_dispose_zeroes_and_tolerates_null)
{
    devconf__uri u;
    parse_ok(&u, "netconf://admin@host/x");
    devconf__uri_dispose(&u);
    ck_assert_ptr_null(u.user);
    ck_assert_ptr_null(u.host);
    ck_assert_ptr_null(u.path);
    devconf__uri_dispose(&u); /* twice is harmless */
    devconf__uri_dispose(NULL);
}
END_TEST

/* ---- errors ---- */

START_TEST(uri_rejects_null_and_empty)
{
    parse_fails(NULL, "empty device URI");
    parse_fails("", "empty device URI");
}
END_TEST

START_TEST(uri_rejects_missing_scheme)
{
    parse_fails("192.0.2.1", "scheme://host");
    parse_fails("admin@192.0.2.1:830", "scheme://host");
}
END_TEST

START_TEST(uri_rejects_unknown_scheme)
{
    parse_fails("ftp://host", "unknown scheme 'ftp'");
    parse_fails("netconf+ws://host", "unknown scheme 'netconf+ws'");
    parse_fails("://host", "unknown scheme ''");
}
END_TEST

START_TEST(uri_rejects_empty_host)
{
    parse_fails("netconf://", "no host");
    parse_fails("netconf://admin@", "no host");
    parse_fails("netconf://:830", "no host");
    parse_fails("netconf://[]", "no host");
    parse_fails("restconf:///restconf", "no host");
}
END_TEST

START_TEST(uri_rejects_empty_user)
{
    parse_fails("netconf://@host", "empty user name");
}
END_TEST

START_TEST(uri_rejects_port_0)
{
    parse_fails("netconf://host:0", "port must be a number from 1 to 65535");
    parse_fails("netconf://host:00000", "port must be a number from 1 to 65535");
}
END_TEST

START_TEST(uri_rejects_port_65536)
{
    parse_fails("netconf://host:65536", "port must be a number from 1 to 65535");
    parse_fails("netconf://host:99999999999999999999999", "port must be a number from 1 to 65535");
}
END_TEST

START_TEST(uri_rejects_non_numeric_port)
{
    parse_fails("netconf://host:ssh", "port must be a number from 1 to 65535");
    parse_fails("netconf://host:83a", "port must be a number from 1 to 65535");
    parse_fails("netconf://host:-1", "port must be a number from 1 to 65535");
    parse_fails("netconf://host:+830", "port must be a number from 1 to 65535");
    parse_fails("netconf://[::1]:x", "port must be a number from 1 to 65535");
}
END_TEST

START_TEST(uri_rejects_empty_port)
{
    parse_fails("netconf://host:", "empty port");
    parse_fails("netconf://[::1]:", "empty port");
    parse_fails("restconf://host:/restconf", "empty port");
}
END_TEST

START_TEST(uri_rejects_bad_percent_escape)
{
    parse_fails("netconf://ad%zzmin@host", "bad percent-escape in the user name");
    parse_fails("netconf://admin%4@host", "bad percent-escape in the user name");
    parse_fails("netconf://admin%@host", "bad percent-escape in the user name");
    parse_fails("netconf://ad%00min@host", "NUL byte in the user name");
}
END_TEST

START_TEST(uri_rejects_password_in_userinfo)
{
    parse_fails("netconf://admin:Sup3rSecretPW@host", "password");
    const char *msg = devconf_error_message(devconf_error_last());
    ck_assert_msg(strstr(msg, "Sup3rSecretPW") == NULL, "message leaks the password: %s", msg);
    ck_assert_msg(strstr(msg, "options") != NULL, "message does not say where the password goes: %s", msg);

    parse_fails("netconf://admin:@host", "password"); /* empty password is still a password field */
}
END_TEST

/* Checks that parsing each URI fails and that no error message quotes its password. */
static void check_no_password_in_errors(const char *const *uris, size_t n, const char *secret)
{
    char leaks[2048] = "";
    for (size_t i = 0; i < n; i++) {
        devconf__uri u;
        devconf__error_clear();
        int r = devconf__uri_parse(&u, uris[i]);
        devconf__uri_dispose(&u);
        ck_assert_msg(r == DEVCONF_EINVAL, "URI #%zu was not rejected (%d)", i, r);
        const char *msg = devconf_error_message(devconf_error_last());
        if (strstr(msg, secret)) {
            size_t len = strlen(leaks);
            snprintf(leaks + len, sizeof leaks - len, "\n  URI #%zu gives: %s", i, msg);
        }
    }
    ck_assert_msg(leaks[0] == '\0', "error messages leak the password:%s", leaks);
}

/* Other errors quote the URI: any password in it must be masked there. */
START_TEST(uri_error_messages_mask_the_password)
{
    static const char *const uris[] = {
        "ftp://admin:Sup3rSecretPW@host",          /* unknown scheme */
        "netconf://admin:Sup3rSecretPW@host?x=1",  /* query */
        "netconf://admin:Sup3rSecretPW@host#frag", /* fragment */
        "netconf://admin:Sup3rSecretPW@host:0",    /* port (rejected for the password first) */
    };
    check_no_password_in_errors(uris, sizeof uris / sizeof uris[0], "Sup3rSecretPW");
}
END_TEST

/* A password with a reserved character the user did not percent-encode ('/', '?', '#') ends the
 * authority early, but it is still a password and error text must never contain it (error.h). */
START_TEST(uri_error_messages_mask_password_with_reserved_characters)
{
    static const char *const uris[] = {
        "netconf://admin:pass/Sup3rSecretPW@host",
        "netconf://admin:pass?Sup3rSecretPW@host",
        "netconf://admin:pass#Sup3rSecretPW@host",
    };
    check_no_password_in_errors(uris, sizeof uris / sizeof uris[0], "Sup3rSecretPW");
}
END_TEST

START_TEST(uri_rejects_query_and_fragment)
{
    parse_fails("netconf://host?timeout=5", "query and fragment are not allowed");
    parse_fails("netconf://host:830#top", "query and fragment are not allowed");
    parse_fails("restconf://admin@host?x", "query and fragment are not allowed");
}
END_TEST

/* A query or fragment after the path is no more allowed than one right after the authority:
 * it must not end up inside the RESTCONF root path. */
START_TEST(uri_rejects_query_and_fragment_after_path)
{
    parse_fails("restconf://host/restconf?depth=1", "query and fragment are not allowed");
    parse_fails("restconf://host/restconf#x", "query and fragment are not allowed");
    parse_fails("netconf://host/?x", "query and fragment are not allowed");
}
END_TEST

START_TEST(uri_rejects_junk_after_ipv6_bracket)
{
    parse_fails("netconf://[2001:db8::1]x", "junk after ']'");
    parse_fails("netconf://[2001:db8::1]830", "junk after ']'");
}
END_TEST

START_TEST(uri_rejects_unterminated_ipv6_bracket)
{
    parse_fails("netconf://[2001:db8::1", "unterminated '['");
    parse_fails("netconf://[2001:db8::1:830", "unterminated '['");
}
END_TEST

START_TEST(uri_rejects_invalid_host_character)
{
    parse_fails("netconf://bad host", "invalid character ' ' in host");
    parse_fails("netconf://a@b@host", "invalid character '@' in host");
}
END_TEST

static Suite *uri_suite(void)
{
    Suite *s = suite_create("uri");

    TCase *tc = tcase_create("parse");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, uri_netconf_defaults_to_ssh_port_830);
    tcase_add_test(tc, uri_netconf_ssh_defaults_to_port_830);
    tcase_add_test(tc, uri_netconf_tls_defaults_to_port_6513);
    tcase_add_test(tc, uri_restconf_defaults_to_https_port_443);
    tcase_add_test(tc, uri_restconf_https_defaults_to_port_443);
    tcase_add_test(tc, uri_restconf_http_defaults_to_port_80);
    tcase_add_test(tc, uri_scheme_is_case_insensitive);
    tcase_add_test(tc, uri_user_host_and_port_are_split);
    tcase_add_test(tc, uri_accepts_highest_port_65535);
    tcase_add_test(tc, uri_ipv6_literal_without_port_gets_default_port);
    tcase_add_test(tc, uri_ipv6_literal_with_user_and_port);
    tcase_add_test(tc, uri_user_is_percent_decoded);
    tcase_add_test(tc, uri_restconf_keeps_path);
    tcase_add_test(tc, uri_lone_slash_gives_no_path);
    tcase_add_test(tc, uri_dispose_zeroes_and_tolerates_null);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, uri_rejects_null_and_empty);
    tcase_add_test(tc, uri_rejects_missing_scheme);
    tcase_add_test(tc, uri_rejects_unknown_scheme);
    tcase_add_test(tc, uri_rejects_empty_host);
    tcase_add_test(tc, uri_rejects_empty_user);
    tcase_add_test(tc, uri_rejects_port_0);
    tcase_add_test(tc, uri_rejects_port_65536);
    tcase_add_test(tc, uri_rejects_non_numeric_port);
    tcase_add_test(tc, uri_rejects_empty_port);
    tcase_add_test(tc, uri_rejects_bad_percent_escape);
    tcase_add_test(tc, uri_rejects_password_in_userinfo);
    tcase_add_test(tc, uri_error_messages_mask_the_password);
    tcase_add_test(tc, uri_error_messages_mask_password_with_reserved_characters);
    tcase_add_test(tc, uri_rejects_query_and_fragment);
    tcase_add_test(tc, uri_rejects_query_and_fragment_after_path);
    tcase_add_test(tc, uri_rejects_junk_after_ipv6_bracket);
    tcase_add_test(tc, uri_rejects_unterminated_ipv6_bracket);
    tcase_add_test(tc, uri_rejects_invalid_host_character);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(uri_suite());
}
