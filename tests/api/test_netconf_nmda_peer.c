/* NMDA (RFC 8526) against a server that honours get-data and edit-data: the scripted NETCONF server
 * with --nmda (tests/fixtures/netconf/scripted/nc_nmda.py). Its operational datastore is running's
 * configuration (origin intended) plus interface lo (origin system), address 192.0.2.10/24 on eth0
 * (origin learned) and /interfaces-state (oper-status up for eth0 and lo, down for eth1). This is a
 * generic server: none of netconfd's NMDA quirks applies, so devconf sends what the caller asks and
 * the answers below are what the filters select. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <devconf/devconf.h>

#include "test_scripted.h"
#include "test_server.h"
#include "test_util.h"

#define IF_NS "urn:ietf:params:xml:ns:yang:ietf-interfaces"
#define IF_OPEN "<interfaces xmlns=\"" IF_NS "\">"

static test_scripted srv;
static devconf_ctx *ctx;
static devconf_session *s;

static void server_up(void)
{
    static const char *const args[] = { "--announce", "hello", "--nmda", "--writable-running", NULL };
    test_scripted_start(&srv, args);
}

static void server_down(void)
{
    test_scripted_stop(&srv);
}

static void session_up(void)
{
    ck_assert_int_ge(devconf_init(), 1);
    ck_assert_int_eq(devconf_ctx_new(&ctx), 0);
    ck_assert_int_eq(devconf_ctx_set_cache_dir(ctx, test_scripted_cache_dir(&srv)), 0);
    devconf_ctx_set_log_callback(ctx, DEVCONF_LOG_DEBUG, test_log_capture, NULL);
    test_log_reset();
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = test_scripted_known_hosts(&srv);
    o.private_key = test_scripted_key(&srv);
    o.connect_timeout_ms = 30000;
    o.rpc_timeout_ms = 30000;
    int r = devconf_session_open(&s, ctx, test_scripted_uri(&srv), &o);
    ck_assert_msg(r == 0, "open failed: %d %s", r, devconf_error_message(devconf_error_last()));
}

static void session_down(void)
{
    devconf_session_free(s);
    s = NULL;
    devconf_ctx_free(ctx);
    ctx = NULL;
    devconf_deinit();
    test_log_reset();
}

static devconf_get_data_options gd_opts(void)
{
    devconf_get_data_options o;
    ck_assert_int_eq(devconf_get_data_options_init(&o, DEVCONF_GET_DATA_OPTIONS_VERSION), 0);
    return o;
}

/* get-data of ds with filter and opts; fails the test unless it succeeds. Free with devconf_free(). */
static char *gd(devconf_datastore ds, const char *filter, const devconf_get_data_options *o)
{
    char *out = NULL;
    ASSERT_OK(devconf_get_data(&out, s, ds, filter, o));
    ck_assert_ptr_nonnull(out);
    return out;
}

#define HAS(out, needle) ck_assert_msg(strstr((out), (needle)) != NULL, "'%s' missing from: %.1500s", (needle), (out))
#define LACKS(out, needle) ck_assert_msg(strstr((out), (needle)) == NULL, "'%s' present in: %.1500s", (needle), (out))

START_TEST(nmda_is_announced_and_no_quirk_applies)
{
    ck_assert_int_eq(devconf_session_has_capability(s, "nmda"), 1);
    /* each of these is refused locally on netconfd 2.13; here they reach the server */
    char *out = gd(DEVCONF_DS_RUNNING, NULL, NULL);
    devconf_free(out);
    devconf_get_data_options o = gd_opts();
    o.max_depth = 3;
    o.config_filter = DEVCONF_CONFIG_FILTER_CONFIG;
    o.with_defaults = DEVCONF_WD_EXPLICIT;
    out = gd(DEVCONF_DS_OPERATIONAL, IF_OPEN "</interfaces>", &o);
    devconf_free(out);
    ck_assert_ptr_null(strstr(test_log_text(), "server bug"));
    ck_assert_ptr_nonnull(strstr(test_log_text(), "get-data"));
}
END_TEST

START_TEST(conventional_datastores_hold_configuration_only)
{
    static const devconf_datastore dss[] = { DEVCONF_DS_RUNNING, DEVCONF_DS_INTENDED, DEVCONF_DS_CANDIDATE };
    for (size_t i = 0; i < sizeof dss / sizeof *dss; i++) {
        char *out = gd(dss[i], NULL, NULL);
        HAS(out, "<name>eth0</name>");
        HAS(out, "<name>eth1</name>");
        LACKS(out, "<name>lo</name>");
        LACKS(out, "interfaces-state");
        LACKS(out, "netconf-state");
        devconf_free(out);
    }
    char *out = gd(DEVCONF_DS_OPERATIONAL, NULL, NULL);
    HAS(out, "<name>lo</name>");
    HAS(out, "<interfaces-state");
    HAS(out, "<oper-status>up</oper-status>");
    HAS(out, "<netconf-state");
    LACKS(out, "or:origin");
    devconf_free(out);
}
END_TEST

START_TEST(subtree_and_xpath_filters_select)
{
    char *out = gd(DEVCONF_DS_OPERATIONAL,
                   "<interfaces-state xmlns=\"" IF_NS "\"><interface><name>eth1</name></interface></interfaces-state>",
                   NULL);
    HAS(out, "<name>eth1</name>");
    HAS(out, "<oper-status>down</oper-status>");
    LACKS(out, "eth0");
    LACKS(out, "<name>lo</name>");
    LACKS(out, "<description>");
    LACKS(out, "netconf-state");
    ck_assert_int_eq(test_count(out, "<interface>"), 1);
    devconf_free(out);

    out = gd(DEVCONF_DS_RUNNING, "/ietf-interfaces:interfaces/interface[name='eth0']", NULL);
    HAS(out, "<description>devconf test interface 0</description>");
    LACKS(out, "eth1");
    ck_assert_int_eq(test_count(out, "<interface>"), 1);
    devconf_free(out);

    devconf_get_data_options o = gd_opts();
    o.format = DEVCONF_FORMAT_JSON;
    out = gd(DEVCONF_DS_OPERATIONAL, "/ietf-interfaces:interfaces-state/interface[name='lo']/oper-status", &o);
    HAS(out, "\"ietf-interfaces:interfaces-state\"");
    HAS(out, "\"oper-status\": \"up\"");
    LACKS(out, "eth0");
    LACKS(out, "\"type\"");
    devconf_free(out);
}
END_TEST

START_TEST(config_filter_false_returns_state_only)
{
    devconf_get_data_options o = gd_opts();
    o.config_filter = DEVCONF_CONFIG_FILTER_NONCONFIG;
    char *out = gd(DEVCONF_DS_OPERATIONAL, NULL, &o);
    HAS(out, "<interfaces-state");
    HAS(out, "<netconf-state");
    HAS(out, "<oper-status>");
    LACKS(out, "<interfaces xmlns");
    LACKS(out, "<description>");
    devconf_free(out);
    o.config_filter = DEVCONF_CONFIG_FILTER_CONFIG;
    out = gd(DEVCONF_DS_OPERATIONAL, NULL, &o);
    HAS(out, IF_OPEN);
    HAS(out, "<name>lo</name>");
    HAS(out, "<ip>192.0.2.10</ip>");
    LACKS(out, "interfaces-state");
    LACKS(out, "<oper-status>");
    devconf_free(out);
}
END_TEST

START_TEST(origin_filters_and_their_negation)
{
    devconf_get_data_options o = gd_opts();
    o.config_filter = DEVCONF_CONFIG_FILTER_CONFIG;
    const char *sys[] = { "system" };
    o.origins = sys;
    o.origin_count = 1;
    char *out = gd(DEVCONF_DS_OPERATIONAL, NULL, &o);
    HAS(out, "<name>lo</name>");
    LACKS(out, "eth0");
    LACKS(out, "eth1");
    devconf_free(out);

    const char *learned[] = { "ietf-origin:learned" };
    o.origins = learned;
    out = gd(DEVCONF_DS_OPERATIONAL, NULL, &o);
    HAS(out, "<name>eth0</name>"); /* the key of the learned address's interface */
    HAS(out, "<ip>192.0.2.10</ip>");
    LACKS(out, "<description>");
    LACKS(out, "eth1");
    LACKS(out, "<name>lo</name>");
    devconf_free(out);

    const char *both[] = { "intended", "learned" };
    o.origins = both;
    o.origin_count = 2;
    o.negate_origins = 1;
    out = gd(DEVCONF_DS_OPERATIONAL, NULL, &o);
    HAS(out, "<name>lo</name>");
    LACKS(out, "eth0");
    LACKS(out, "eth1");
    devconf_free(out);

    /* state is not filtered by origin */
    o.config_filter = DEVCONF_CONFIG_FILTER_ANY;
    out = gd(DEVCONF_DS_OPERATIONAL, NULL, &o);
    HAS(out, "<interfaces-state");
    ck_assert_int_eq(test_count(out, "<oper-status>"), 3);
    devconf_free(out);
}
END_TEST

START_TEST(max_depth_one_returns_the_top_nodes_only)
{
    devconf_get_data_options o = gd_opts();
    o.max_depth = 1;
    char *out = gd(DEVCONF_DS_OPERATIONAL, NULL, &o);
    HAS(out, "<interfaces xmlns=\"" IF_NS "\"/>");
    HAS(out, "<interfaces-state xmlns=\"" IF_NS "\"/>");
    LACKS(out, "<interface>");
    LACKS(out, "<name>");
    devconf_free(out);
    o.max_depth = 2;
    out = gd(DEVCONF_DS_RUNNING, NULL, &o);
    ck_assert_int_eq(test_count(out, "<interface>"), 2); /* the entries, with their keys */
    HAS(out, "<name>eth0</name>");
    LACKS(out, "<description>");
    devconf_free(out);
}
END_TEST

START_TEST(with_origin_in_xml_and_json)
{
    devconf_get_data_options o = gd_opts();
    o.with_origin = 1;
    o.config_filter = DEVCONF_CONFIG_FILTER_CONFIG;
    char *out = gd(DEVCONF_DS_OPERATIONAL, NULL, &o);
    HAS(out, "xmlns:or=\"urn:ietf:params:xml:ns:yang:ietf-origin\"");
    HAS(out, "or:origin=\"or:intended\"");
    HAS(out, "or:origin=\"or:system\"");
    HAS(out, "or:origin=\"or:learned\"");
    devconf_free(out);
    o.format = DEVCONF_FORMAT_JSON;
    out = gd(DEVCONF_DS_OPERATIONAL, NULL, &o);
    HAS(out, "\"ietf-origin:origin\": \"ietf-origin:intended\"");
    HAS(out, "\"ietf-origin:origin\": \"ietf-origin:system\"");
    HAS(out, "\"ietf-origin:origin\": \"ietf-origin:learned\"");
    devconf_free(out);
    o.with_origin = 0;
    out = gd(DEVCONF_DS_OPERATIONAL, NULL, &o);
    LACKS(out, "ietf-origin:origin");
    devconf_free(out);
}
END_TEST

START_TEST(with_defaults_report_all_tagged_and_trim)
{
    devconf_get_data_options o = gd_opts();
    o.config_filter = DEVCONF_CONFIG_FILTER_CONFIG;
    o.with_defaults = DEVCONF_WD_EXPLICIT;
    char *out = gd(DEVCONF_DS_OPERATIONAL, NULL, &o);
    ck_assert_int_eq(test_count(out, "<enabled>true</enabled>"), 1); /* eth0 only: lo's is not set */
    devconf_free(out);
    o.with_defaults = DEVCONF_WD_REPORT_ALL;
    out = gd(DEVCONF_DS_OPERATIONAL, NULL, &o);
    ck_assert_int_eq(test_count(out, "<enabled>true</enabled>"), 2); /* eth0 and lo */
    devconf_free(out);
    /* report-all-tagged: RFC 6243's wd:default on both (a value equal to its default is tagged, set or
     * not: RFC 6243 3.4), parsed (devconf's ncwd prefix) */
    o.with_defaults = DEVCONF_WD_REPORT_ALL_TAGGED;
    out = gd(DEVCONF_DS_OPERATIONAL, NULL, &o);
    ck_assert_int_eq(test_count(out, "ncwd:default=\"true\""), 2);
    HAS(out, "xmlns:ncwd=\"urn:ietf:params:xml:ns:netconf:default:1.0\"");
    devconf_free(out);
    o.format = DEVCONF_FORMAT_JSON;
    out = gd(DEVCONF_DS_OPERATIONAL, NULL, &o);
    ck_assert_int_eq(test_count(out, "\"ietf-netconf-with-defaults:default\""), 2);
    devconf_free(out);
    o.format = DEVCONF_FORMAT_AUTO;
    o.with_defaults = DEVCONF_WD_TRIM;
    out = gd(DEVCONF_DS_RUNNING, NULL, &o);
    LACKS(out, "<enabled>true</enabled>");
    HAS(out, "<enabled>false</enabled>");
    devconf_free(out);
}
END_TEST

START_TEST(server_errors_come_back_as_rpc_errors)
{
    /* startup is not announced: refused locally, nothing sent */
    char *out = NULL;
    ASSERT_FAILS(devconf_get_data(&out, s, DEVCONF_DS_STARTUP, NULL, NULL), DEVCONF_EUNSUPPORTED);
    ck_assert_ptr_null(out);
    /* what the device refuses comes back with its error-tag */
    ASSERT_FAILS(devconf_edit_data(s, DEVCONF_DS_RUNNING,
                                   IF_OPEN "<interface xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\" "
                                   "nc:operation=\"delete\"><name>nope0</name></interface></interfaces>", NULL),
                 DEVCONF_ERPC);
    ck_assert_str_eq(devconf_rpc_error_tag(devconf_error_rpc_error(devconf_error_last(), 0)), "data-missing");
    ck_assert_int_eq(devconf_session_is_connected(s), 1);
}
END_TEST

START_TEST(edit_data_candidate_commit_then_get_data_running)
{
    ASSERT_OK(devconf_edit_data(s, DEVCONF_DS_CANDIDATE,
                                IF_OPEN "<interface><name>eth0</name><description>nmda via candidate</description>"
                                "</interface></interfaces>", NULL));
    char *out = gd(DEVCONF_DS_CANDIDATE, NULL, NULL);
    HAS(out, "nmda via candidate");
    devconf_free(out);
    out = gd(DEVCONF_DS_RUNNING, NULL, NULL);
    LACKS(out, "nmda via candidate");
    devconf_free(out);
    ASSERT_OK(devconf_commit(s, NULL));
    out = gd(DEVCONF_DS_RUNNING, NULL, NULL);
    HAS(out, "nmda via candidate");
    devconf_free(out);
    devconf_get_data_options o = gd_opts();
    o.with_origin = 1;
    out = gd(DEVCONF_DS_OPERATIONAL, "/ietf-interfaces:interfaces/interface[name='eth0']/description", &o);
    HAS(out, "nmda via candidate");
    HAS(out, "or:origin=\"or:intended\"");
    devconf_free(out);
}
END_TEST

START_TEST(edit_data_running_directly_json_and_delete)
{
    ck_assert_int_eq(devconf_session_has_capability(s, "writable-running"), 1);
    devconf_edit_options eo = DEVCONF_EDIT_OPTIONS_INIT;
    eo.format = DEVCONF_FORMAT_JSON;
    ASSERT_OK(devconf_edit_data(s, DEVCONF_DS_RUNNING,
                                "{\"ietf-interfaces:interfaces\": {\"interface\": [{\"name\": \"eth7\", \"type\": "
                                "\"iana-if-type:ethernetCsmacd\", \"description\": \"nmda json\"}]}}", &eo));
    char *out = gd(DEVCONF_DS_RUNNING, "/ietf-interfaces:interfaces/interface[name='eth7']", NULL);
    HAS(out, "<description>nmda json</description>");
    devconf_free(out);
    out = gd(DEVCONF_DS_OPERATIONAL, "/ietf-interfaces:interfaces-state/interface[name='eth7']", NULL);
    HAS(out, "<oper-status>up</oper-status>");
    devconf_free(out);
    ASSERT_OK(devconf_edit_data(s, DEVCONF_DS_RUNNING,
                                IF_OPEN "<interface xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\" "
                                "nc:operation=\"delete\"><name>eth7</name></interface></interfaces>", NULL));
    out = gd(DEVCONF_DS_RUNNING, NULL, NULL);
    LACKS(out, "eth7");
    HAS(out, "<name>eth1</name>");
    devconf_free(out);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("api-netconf-nmda-peer");
    TCase *tc = tcase_create("nmda-peer");
    tcase_add_unchecked_fixture(tc, server_up, server_down);
    tcase_add_checked_fixture(tc, session_up, session_down);
    tcase_add_test(tc, nmda_is_announced_and_no_quirk_applies);
    tcase_add_test(tc, conventional_datastores_hold_configuration_only);
    tcase_add_test(tc, subtree_and_xpath_filters_select);
    tcase_add_test(tc, config_filter_false_returns_state_only);
    tcase_add_test(tc, origin_filters_and_their_negation);
    tcase_add_test(tc, max_depth_one_returns_the_top_nodes_only);
    tcase_add_test(tc, with_origin_in_xml_and_json);
    tcase_add_test(tc, with_defaults_report_all_tagged_and_trim);
    tcase_add_test(tc, server_errors_come_back_as_rpc_errors);
    /* these change the device: last */
    tcase_add_test(tc, edit_data_candidate_commit_then_get_data_running);
    tcase_add_test(tc, edit_data_running_directly_json_and_delete);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
