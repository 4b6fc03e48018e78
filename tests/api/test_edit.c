/* Local edits against the device's own data and schemas: diff (exact text and as an edit),
 * dry run, XML <-> JSON conversion; on NETCONF (netconfd) and RESTCONF (Jetconf). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <devconf/devconf.h>

#include "test_server.h"
#include "test_util.h"

static test_server nc_srv;
static test_restconf rc_srv;
static devconf_ctx *ctx;
static devconf_session *s;

static void servers_up(void)
{
    test_server_start(&nc_srv);
    test_restconf_start(&rc_srv);
}

static void servers_down(void)
{
    test_server_stop(&nc_srv);
    test_restconf_stop(&rc_srv);
}

static void open_nc(void)
{
    ck_assert_int_ge(devconf_init(), 1);
    ASSERT_OK(devconf_ctx_new(&ctx));
    ASSERT_OK(devconf_ctx_set_cache_dir(ctx, nc_srv.cache_dir));
    devconf_ctx_set_log_callback(ctx, DEVCONF_LOG_DEBUG, test_log_capture, NULL);
    test_log_reset();
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = nc_srv.known_hosts;
    o.private_key = nc_srv.key;
    ASSERT_OK(devconf_session_open(&s, ctx, nc_srv.uri, &o));
}

static void open_rc(void)
{
    ck_assert_int_ge(devconf_init(), 1);
    ASSERT_OK(devconf_ctx_new(&ctx));
    ASSERT_OK(devconf_ctx_set_cache_dir(ctx, rc_srv.cache_dir));
    ASSERT_OK(devconf_ctx_add_search_dir(ctx, "/usr/share/yuma/modules/ietf"));
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.ca_file = rc_srv.ca;
    o.client_cert = rc_srv.cert;
    o.client_key = rc_srv.key;
    ASSERT_OK(devconf_session_open(&s, ctx, rc_srv.uri, &o));
}

static void close_all(void)
{
    devconf_session_free(s);
    s = NULL;
    devconf_ctx_free(ctx);
    ctx = NULL;
    devconf_deinit();
    test_log_reset();
}

#define EDIT_ETH1_AND_NEW                                                                             \
    "{\"ietf-interfaces:interfaces\":{\"interface\":[{\"name\":\"eth1\",\"description\":\"changed\"}," \
    "{\"name\":\"eth7\",\"type\":\"iana-if-type:ethernetCsmacd\"}]}}"

START_TEST(netconf_unified_diff_is_exact_and_nothing_is_written)
{
    char *out = NULL;
    ASSERT_OK(devconf_diff(&out, s, DEVCONF_DS_RUNNING, EDIT_ETH1_AND_NEW, NULL, DEVCONF_DIFF_UNIFIED));
    const char *expected =
        "--- running\n"
        "+++ running (after the edit)\n"
        "@@ -7,8 +7,12 @@\n"
        "   </interface>\n"
        "   <interface>\n"
        "     <name>eth1</name>\n"
        "-    <description>devconf test interface 1</description>\n"
        "+    <description>changed</description>\n"
        "     <type xmlns:ianaift=\"urn:ietf:params:xml:ns:yang:iana-if-type\">ianaift:ethernetCsmacd</type>\n"
        "     <enabled>false</enabled>\n"
        "   </interface>\n"
        "+  <interface>\n"
        "+    <name>eth7</name>\n"
        "+    <type xmlns:ianaift=\"urn:ietf:params:xml:ns:yang:iana-if-type\">ianaift:ethernetCsmacd</type>\n"
        "+  </interface>\n"
        " </interfaces>\n";
    ck_assert_str_eq(out, expected);
    devconf_free(out);
    /* nothing was written */
    ck_assert(!test_log_contains("edit-config sent"));
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/ietf-interfaces:interfaces", NULL));
    ck_assert_ptr_null(strstr(out, "eth7"));
    devconf_free(out);
    /* an edit that changes nothing diffs to nothing */
    ASSERT_OK(devconf_diff(&out, s, DEVCONF_DS_RUNNING,
                           "{\"ietf-interfaces:interfaces\":{\"interface\":[{\"name\":\"eth0\",\"enabled\":true}]}}",
                           NULL, DEVCONF_DIFF_UNIFIED));
    ck_assert_str_eq(out, "");
    devconf_free(out);
}
END_TEST

START_TEST(netconf_diff_as_edit_applies_to_the_same_result)
{
    char *edit = NULL;
    ASSERT_OK(devconf_diff(&edit, s, DEVCONF_DS_CANDIDATE, EDIT_ETH1_AND_NEW, NULL, DEVCONF_DIFF_EDIT_XML));
    ck_assert_msg(strstr(edit, "nc:operation=\"replace\">changed</description>") &&
                  strstr(edit, "nc:operation=\"create\""), "%s", edit);
    /* the edit the diff produced, sent with default operation none, gives what the original would */
    ASSERT_OK(devconf_discard_changes(s, NULL));
    devconf_edit_options eo = DEVCONF_EDIT_OPTIONS_INIT;
    eo.default_operation = DEVCONF_EDIT_NONE;
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE, edit, &eo));
    char *after = NULL;
    ASSERT_OK(devconf_diff(&after, s, DEVCONF_DS_CANDIDATE, EDIT_ETH1_AND_NEW, NULL, DEVCONF_DIFF_UNIFIED));
    ck_assert_str_eq(after, "");
    devconf_free(after);
    devconf_free(edit);
    ASSERT_OK(devconf_discard_changes(s, NULL));
    /* JSON form carries RFC 7951 metadata */
    ASSERT_OK(devconf_diff(&edit, s, DEVCONF_DS_RUNNING, EDIT_ETH1_AND_NEW, NULL, DEVCONF_DIFF_EDIT_JSON));
    ck_assert_msg(strstr(edit, "\"ietf-netconf:operation\": \"create\""), "%s", edit);
    devconf_free(edit);
}
END_TEST

START_TEST(netconf_dry_run_catches_leafref_and_mandatory)
{
    ASSERT_FAILS(devconf_dry_run(s, DEVCONF_DS_RUNNING, "{\"devconf-example:settings\":{\"default-item\":\"nope\"}}",
                                 NULL),
                 DEVCONF_EYANG);
    const devconf_error *e = devconf_error_last();
    ck_assert_ptr_nonnull(strstr(devconf_error_message(e), "leafref"));
    ck_assert_uint_ge(devconf_error_rpc_error_count(e), 1);
    ck_assert_str_eq(devconf_rpc_error_app_tag(devconf_error_rpc_error(e, 0)), "instance-required");
    ck_assert_ptr_nonnull(strstr(devconf_rpc_error_path(devconf_error_rpc_error(e, 0)), "default-item"));

    ASSERT_FAILS(devconf_dry_run(s, DEVCONF_DS_RUNNING,
                                 "{\"ietf-interfaces:interfaces\":{\"interface\":[{\"name\":\"eth9\"}]}}", NULL),
                 DEVCONF_EYANG);
    ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), "Mandatory node \"type\""), "%s",
                  devconf_error_message(devconf_error_last()));
    /* valid: the leafref target is created by the same edit */
    ASSERT_OK(devconf_dry_run(s, DEVCONF_DS_RUNNING,
                              "{\"devconf-example:items\":{\"item\":[{\"name\":\"x\"}]},"
                              "\"devconf-example:settings\":{\"default-item\":\"x\"}}", NULL));
    /* the edit itself cannot apply */
    devconf_edit_options eo = DEVCONF_EDIT_OPTIONS_INIT;
    eo.default_operation = DEVCONF_EDIT_NONE;
    ASSERT_FAILS(devconf_dry_run(s, DEVCONF_DS_RUNNING,
                                 "<interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\" "
                                 "xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><interface nc:operation=\"delete\">"
                                 "<name>eth9</name></interface></interfaces>", &eo),
                 DEVCONF_EYANG);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "delete of missing data"));
}
END_TEST

START_TEST(netconf_convert_both_ways)
{
    char *xml = NULL, *json = NULL;
    ASSERT_OK(devconf_convert(&xml, s, "{\"devconf-example:settings\":{\"mtu\":1400}}", DEVCONF_FORMAT_XML));
    ck_assert_str_eq(xml, "<settings xmlns=\"urn:devconf:example\">\n  <mtu>1400</mtu>\n</settings>\n");
    ASSERT_OK(devconf_convert(&json, s, xml, DEVCONF_FORMAT_JSON));
    ck_assert_str_eq(json, "{\n  \"devconf-example:settings\": {\n    \"mtu\": 1400\n  }\n}\n");
    devconf_free(xml);
    devconf_free(json);
    ASSERT_FAILS(devconf_convert(&xml, s, "{\"devconf-example:settings\":{\"mtu\":\"big\"}}", DEVCONF_FORMAT_XML),
                 DEVCONF_EYANG);
    ASSERT_FAILS(devconf_convert(&xml, s, "<x/>", DEVCONF_FORMAT_AUTO), DEVCONF_EINVAL);
}
END_TEST

START_TEST(restconf_diff_and_dry_run_work_the_same)
{
    char *out = NULL;
    ASSERT_OK(devconf_diff(&out, s, DEVCONF_DS_RUNNING, "{\"devconf-example:settings\":{\"mtu\":1400}}", NULL,
                           DEVCONF_DIFF_UNIFIED));
    ck_assert_msg(strstr(out, "+  <mtu>1400</mtu>"), "%s", out);
    devconf_free(out);
    ASSERT_FAILS(devconf_dry_run(s, DEVCONF_DS_RUNNING, "{\"devconf-example:settings\":{\"default-item\":\"nope\"}}",
                                 NULL),
                 DEVCONF_EYANG);
    ASSERT_OK(devconf_dry_run(s, DEVCONF_DS_RUNNING, "{\"devconf-example:settings\":{\"default-item\":\"alpha\"}}",
                              NULL));
}
END_TEST

int main(void)
{
    Suite *su = suite_create("edit");
    TCase *tc = tcase_create("netconf");
    tcase_add_unchecked_fixture(tc, servers_up, servers_down);
    tcase_add_checked_fixture(tc, open_nc, close_all);
    tcase_add_test(tc, netconf_unified_diff_is_exact_and_nothing_is_written);
    tcase_add_test(tc, netconf_diff_as_edit_applies_to_the_same_result);
    tcase_add_test(tc, netconf_dry_run_catches_leafref_and_mandatory);
    tcase_add_test(tc, netconf_convert_both_ways);
    suite_add_tcase(su, tc);
    tc = tcase_create("restconf");
    tcase_add_unchecked_fixture(tc, servers_up, servers_down);
    tcase_add_checked_fixture(tc, open_rc, close_all);
    tcase_add_test(tc, restconf_diff_and_dry_run_work_the_same);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
