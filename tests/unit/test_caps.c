/* Unit tests for capability matching in lib/session.c, on sessions built by hand (no device). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devconf_p.h"
#include "test_util.h"

/* What netconfd (yuma123) announces, trimmed to the interesting entries. */
static const char *const netconfd_caps[] = {
    "urn:ietf:params:netconf:base:1.0",
    "urn:ietf:params:netconf:base:1.1",
    "urn:ietf:params:netconf:capability:candidate:1.0",
    "urn:ietf:params:netconf:capability:confirmed-commit:1.1",
    "urn:ietf:params:netconf:capability:rollback-on-error:1.0",
    "urn:ietf:params:netconf:capability:validate:1.1",
    "urn:ietf:params:netconf:capability:url:1.0?scheme=file",
    "urn:ietf:params:netconf:capability:xpath:1.0",
    "urn:ietf:params:netconf:capability:notification:1.0",
    "urn:ietf:params:netconf:capability:interleave:1.0",
    "urn:ietf:params:netconf:capability:with-defaults:1.0?basic-mode=explicit&also-supported=report-all,"
    "report-all-tagged,trim",
    "urn:ietf:params:netconf:capability:yang-library:1.0?revision=2016-06-21&module-set-id=2956",
    "urn:ietf:params:xml:ns:yang:ietf-interfaces?module=ietf-interfaces&revision=2014-05-08",
    "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring?module=ietf-netconf-monitoring&revision=2010-10-04",
    "http://netconfcentral.org/ns/yuma-proc?revision=2012-10-10&module=yuma-proc",
};
#define N_NETCONFD_CAPS (sizeof netconfd_caps / sizeof netconfd_caps[0])

static devconf_session *session_with_caps(const char *const *caps, size_t count)
{
    devconf_session *s = calloc(1, sizeof *s);
    ck_assert_ptr_nonnull(s);
    s->tp = &devconf__netconf_ssh_transport;
    s->host = strdup("router1.example.net");
    ck_assert_ptr_nonnull(s->host);
    ck_assert_int_eq(devconf__session_set_caps(s, caps, count), 0);
    return s;
}

/* Frees by hand what session_with_caps() allocated: the session never had a transport connection. */
static void session_dispose(devconf_session *s)
{
    for (size_t i = 0; i < s->cap_count; i++) {
        free(s->caps[i]);
    }
    free(s->caps);
    free(s->host);
    free(s);
}

static devconf_session *sess;

static void setup(void)
{
    sess = session_with_caps(netconfd_caps, N_NETCONFD_CAPS);
}

static void teardown(void)
{
    session_dispose(sess);
    sess = NULL;
    devconf__error_clear();
}

#define HAS(name) devconf_session_has_capability(sess, (name))

START_TEST(caps_are_copied_and_listed_in_order)
{
    ck_assert_uint_eq(devconf_session_capability_count(sess), N_NETCONFD_CAPS);
    for (size_t i = 0; i < N_NETCONFD_CAPS; i++) {
        const char *c = devconf_session_capability(sess, i);
        ck_assert_str_eq(c, netconfd_caps[i]);
        ck_assert_ptr_ne(c, netconfd_caps[i]);
    }
    ck_assert_ptr_null(devconf_session_capability(sess, N_NETCONFD_CAPS));
    ck_assert_ptr_null(devconf_session_capability(sess, (size_t)-1));
}
END_TEST

START_TEST(caps_short_names_match_announced_capabilities)
{
    ck_assert_int_eq(HAS("candidate"), 1);
    ck_assert_int_eq(HAS("confirmed-commit"), 1);
    ck_assert_int_eq(HAS("validate"), 1);
    ck_assert_int_eq(HAS("with-defaults"), 1);
    ck_assert_int_eq(HAS("rollback-on-error"), 1);
    ck_assert_int_eq(HAS("xpath"), 1);
    ck_assert_int_eq(HAS("url"), 1);
    ck_assert_int_eq(HAS("notification"), 1);
    ck_assert_int_eq(HAS("interleave"), 1);
    ck_assert_int_eq(HAS("yang-library"), 1);
}
END_TEST

START_TEST(caps_short_names_absent_do_not_match)
{
    ck_assert_int_eq(HAS("startup"), 0);
    ck_assert_int_eq(HAS("writable-running"), 0);
    /* A prefix of an announced short name is a different capability. */
    ck_assert_int_eq(HAS("confirmed"), 0);
    ck_assert_int_eq(HAS("cand"), 0);
    ck_assert_int_eq(HAS("with"), 0);
    ck_assert_int_eq(HAS("rollback"), 0);
}
END_TEST

START_TEST(caps_full_uri_without_parameters_matches_exactly)
{
    ck_assert_int_eq(HAS("urn:ietf:params:netconf:base:1.1"), 1);
    ck_assert_int_eq(HAS("urn:ietf:params:netconf:capability:candidate:1.0"), 1);
    ck_assert_int_eq(HAS("urn:ietf:params:netconf:capability:confirmed-commit:1.1"), 1);
    ck_assert_int_eq(HAS("urn:ietf:params:netconf:capability:validate:1.1"), 1);
    /* Other versions, and truncated URIs, are not the same capability. */
    ck_assert_int_eq(HAS("urn:ietf:params:netconf:capability:candidate:1.1"), 0);
    ck_assert_int_eq(HAS("urn:ietf:params:netconf:capability:confirmed-commit:1.0"), 0);
    ck_assert_int_eq(HAS("urn:ietf:params:netconf:capability:validate:1.0"), 0);
    ck_assert_int_eq(HAS("urn:ietf:params:netconf:capability:candidate"), 0);
    ck_assert_int_eq(HAS("urn:ietf:params:netconf:capability:startup:1.0"), 0);
    ck_assert_int_eq(HAS("urn:ietf:params:netconf:base:1.2"), 0);
}
END_TEST

START_TEST(caps_full_uri_ignores_announced_parameters_when_name_has_none)
{
    ck_assert_int_eq(HAS("urn:ietf:params:netconf:capability:with-defaults:1.0"), 1);
    ck_assert_int_eq(HAS("urn:ietf:params:netconf:capability:url:1.0"), 1);
    ck_assert_int_eq(HAS("urn:ietf:params:xml:ns:yang:ietf-interfaces"), 1);
    ck_assert_int_eq(HAS("urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"), 1);
    ck_assert_int_eq(HAS("http://netconfcentral.org/ns/yuma-proc"), 1);
    ck_assert_int_eq(HAS("urn:ietf:params:xml:ns:yang:ietf-interface"), 0);
    ck_assert_int_eq(HAS("urn:ietf:params:xml:ns:yang:ietf-routing"), 0);
}
END_TEST

START_TEST(caps_full_uri_with_parameters_must_match_them)
{
    ck_assert_int_eq(HAS("urn:ietf:params:netconf:capability:with-defaults:1.0?basic-mode=explicit&also-supported="
                         "report-all,report-all-tagged,trim"),
                     1);
    ck_assert_int_eq(HAS("urn:ietf:params:xml:ns:yang:ietf-interfaces?module=ietf-interfaces&revision=2014-05-08"), 1);
    ck_assert_int_eq(HAS("urn:ietf:params:netconf:capability:with-defaults:1.0?basic-mode=trim"), 0);
    ck_assert_int_eq(HAS("urn:ietf:params:xml:ns:yang:ietf-interfaces?module=ietf-interfaces&revision=2018-02-20"), 0);
}
END_TEST

START_TEST(caps_module_names_match_module_parameter)
{
    ck_assert_int_eq(HAS("ietf-interfaces"), 1);
    ck_assert_int_eq(HAS("ietf-netconf-monitoring"), 1);
    ck_assert_int_eq(HAS("yuma-proc"), 1); /* module= after another parameter */
    ck_assert_int_eq(HAS("ietf-routing"), 0);
}
END_TEST

START_TEST(caps_module_name_prefix_does_not_match_longer_module)
{
    /* Prefixes of announced modules are not announced. */
    ck_assert_int_eq(HAS("ietf-interface"), 0);
    ck_assert_int_eq(HAS("ietf"), 0);
    ck_assert_int_eq(HAS("ietf-netconf"), 0);
    ck_assert_int_eq(HAS("yuma"), 0);
    /* A longer name whose prefix is announced is not announced either. */
    ck_assert_int_eq(HAS("ietf-interfaces-foo"), 0);

    /* And the other way round: a device with only ietf-interfaces-foo lacks ietf-interfaces. */
    static const char *const foo_caps[] = {
        "urn:ietf:params:netconf:base:1.1",
        "urn:example:ietf-interfaces-foo?module=ietf-interfaces-foo&revision=2024-01-01",
    };
    devconf_session *foo = session_with_caps(foo_caps, 2);
    ck_assert_int_eq(devconf_session_has_capability(foo, "ietf-interfaces-foo"), 1);
    ck_assert_int_eq(devconf_session_has_capability(foo, "ietf-interfaces"), 0);
    session_dispose(foo);
}
END_TEST

START_TEST(caps_module_set_id_parameter_is_not_a_module)
{
    /* yang-library's "module-set-id=2956" must not be read as a module named "-set-id..." or "2956". */
    ck_assert_int_eq(HAS("2956"), 0);
    ck_assert_int_eq(HAS("set-id=2956"), 0);
}
END_TEST

START_TEST(caps_null_or_empty_name_is_absent)
{
    ck_assert_int_eq(HAS(NULL), 0);
    ck_assert_int_eq(HAS(""), 0);
    ck_assert_int_eq(devconf_session_has_capability(NULL, "candidate"), 0);
    ck_assert_int_eq(devconf_session_has_capability(NULL, NULL), 0);
}
END_TEST

START_TEST(caps_session_without_capabilities_has_none)
{
    devconf_session *empty = session_with_caps(NULL, 0);
    ck_assert_uint_eq(devconf_session_capability_count(empty), 0);
    ck_assert_ptr_null(devconf_session_capability(empty, 0));
    ck_assert_int_eq(devconf_session_has_capability(empty, "candidate"), 0);
    ck_assert_int_eq(devconf_session_has_capability(empty, "urn:ietf:params:netconf:base:1.1"), 0);
    session_dispose(empty);
}
END_TEST

START_TEST(require_cap_passes_when_announced)
{
    devconf__error_clear();
    ck_assert_int_eq(devconf__require_cap(sess, "candidate", "commit"), 0);
    ck_assert_int_eq(devconf__require_cap(sess, "ietf-netconf-monitoring", "get-schema"), 0);
    ck_assert_int_eq(devconf_error_code(devconf_error_last()), DEVCONF_OK);
}
END_TEST

START_TEST(require_cap_fails_with_eunsupported_naming_the_capability)
{
    int r = devconf__require_cap(sess, "startup", "copy-config to startup");
    ck_assert_int_eq(r, DEVCONF_EUNSUPPORTED);
    const devconf_error *e = devconf_error_last();
    ck_assert_int_eq(devconf_error_code(e), DEVCONF_EUNSUPPORTED);
    ck_assert_int_eq(devconf_error_origin(e), DEVCONF_ORIGIN_NETCONF);
    const char *msg = devconf_error_message(e);
    ck_assert_msg(strstr(msg, "'startup'") != NULL, "message does not name the capability: %s", msg);
    ck_assert_msg(strstr(msg, "copy-config to startup") != NULL, "message does not name the operation: %s", msg);
    ck_assert_msg(strstr(msg, "router1.example.net") != NULL, "message does not name the device: %s", msg);
}
END_TEST

START_TEST(session_accessors_on_hand_built_session)
{
    sess->session_id = 42;
    ck_assert_int_eq(devconf_session_protocol(sess), DEVCONF_PROTO_NETCONF);
    ck_assert_uint_eq(devconf_session_id(sess), 42);
    ck_assert_str_eq(devconf_session_host(sess), "router1.example.net");
    ck_assert_int_eq(devconf_session_is_connected(sess), 0); /* no transport state */
}
END_TEST

START_TEST(session_accessors_tolerate_null)
{
    ck_assert_int_eq(devconf_session_protocol(NULL), 0);
    ck_assert_uint_eq(devconf_session_id(NULL), 0);
    ck_assert_ptr_null(devconf_session_host(NULL));
    ck_assert_uint_eq(devconf_session_capability_count(NULL), 0);
    ck_assert_ptr_null(devconf_session_capability(NULL, 0));
    ck_assert_int_eq(devconf_session_is_connected(NULL), 0);
}
END_TEST

static Suite *caps_suite(void)
{
    Suite *s = suite_create("caps");

    TCase *tc = tcase_create("has_capability");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, caps_are_copied_and_listed_in_order);
    tcase_add_test(tc, caps_short_names_match_announced_capabilities);
    tcase_add_test(tc, caps_short_names_absent_do_not_match);
    tcase_add_test(tc, caps_full_uri_without_parameters_matches_exactly);
    tcase_add_test(tc, caps_full_uri_ignores_announced_parameters_when_name_has_none);
    tcase_add_test(tc, caps_full_uri_with_parameters_must_match_them);
    tcase_add_test(tc, caps_module_names_match_module_parameter);
    tcase_add_test(tc, caps_module_name_prefix_does_not_match_longer_module);
    tcase_add_test(tc, caps_module_set_id_parameter_is_not_a_module);
    tcase_add_test(tc, caps_null_or_empty_name_is_absent);
    tcase_add_test(tc, caps_session_without_capabilities_has_none);
    suite_add_tcase(s, tc);

    tc = tcase_create("require_cap");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, require_cap_passes_when_announced);
    tcase_add_test(tc, require_cap_fails_with_eunsupported_naming_the_capability);
    suite_add_tcase(s, tc);

    tc = tcase_create("accessors");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, session_accessors_on_hand_built_session);
    tcase_add_test(tc, session_accessors_tolerate_null);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(caps_suite());
}
