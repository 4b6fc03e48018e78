/* NMDA over NETCONF (RFC 8526) against real devices: yuma123 netconfd started with --with-nmda=true, and
 * the suite's ordinary netconfd (no NMDA) for the refusals. netconfd 2.13's NMDA is partial: its get-data
 * answers everything with the whole operational datastore and its edit-data changes nothing; tests marked
 * "server bug" detect that behaviour on the wire (through devconf_rpc) so that a fixed netconfd makes them
 * fail, and check that devconf refuses what the server would answer wrongly. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <devconf/devconf.h>

#include "test_server.h"
#include "test_util.h"

static test_server nmda_srv;  /* netconfd --with-nmda=true */
static test_server plain_srv; /* netconfd without NMDA */
static devconf_ctx *ctx;
static devconf_session *s;     /* to nmda_srv */

#define IF_FILTER "<interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\"/>"
#define NMDA_ATTRS "xmlns=\"urn:ietf:params:xml:ns:yang:ietf-netconf-nmda\" " \
                   "xmlns:ds=\"urn:ietf:params:xml:ns:yang:ietf-datastores\""

static void servers_up(void)
{
    test_server_start_args(&nmda_srv, "--with-nmda=true");
    test_server_start(&plain_srv);
}

static void servers_down(void)
{
    test_server_stop(&nmda_srv);
    test_server_stop(&plain_srv);
}

static devconf_session *open_to(test_server *t)
{
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = t->known_hosts;
    o.private_key = t->key;
    o.rpc_timeout_ms = 30000;
    o.connect_timeout_ms = 30000;
    devconf_session *ss = NULL;
    int r = devconf_session_open(&ss, ctx, t->uri, &o);
    ck_assert_msg(r == 0, "open %s failed: %d %s", t->uri, r, devconf_error_message(devconf_error_last()));
    return ss;
}

static void session_up(void)
{
    ck_assert_int_ge(devconf_init(), 1);
    ck_assert_int_eq(devconf_ctx_new(&ctx), 0);
    ck_assert_int_eq(devconf_ctx_set_cache_dir(ctx, nmda_srv.cache_dir), 0);
    devconf_ctx_set_log_callback(ctx, DEVCONF_LOG_DEBUG, test_log_capture, NULL);
    test_log_reset();
    s = open_to(&nmda_srv);
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

/* The call fails with code, nothing is sent (no get-data/edit-data RPC in the debug log), and the
 * message names needle. */
#define ASSERT_REFUSED(call, code, needle)                                                                      \
    do {                                                                                                        \
        test_log_reset();                                                                                       \
        ASSERT_FAILS(call, code);                                                                               \
        ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), (needle)) != NULL,                    \
                      "message '%s' does not name '%s'", devconf_error_message(devconf_error_last()), (needle)); \
    } while (0)

/* ---- options and capability ---- */

START_TEST(get_data_options_init_rejects_unknown_versions)
{
    devconf_get_data_options o;
    ASSERT_FAILS(devconf_get_data_options_init(&o, 0), DEVCONF_EINVAL);
    ASSERT_FAILS(devconf_get_data_options_init(&o, DEVCONF_GET_DATA_OPTIONS_VERSION + 1), DEVCONF_EINVAL);
    ASSERT_FAILS(devconf_get_data_options_init(NULL, DEVCONF_GET_DATA_OPTIONS_VERSION), DEVCONF_EINVAL);
    ASSERT_OK(devconf_get_data_options_init(&o, DEVCONF_GET_DATA_OPTIONS_VERSION));
    ck_assert_uint_eq(o.version, DEVCONF_GET_DATA_OPTIONS_VERSION);
    ck_assert_int_eq(o.config_filter, DEVCONF_CONFIG_FILTER_ANY);
    ck_assert_ptr_null(o.origins);
    ck_assert_str_eq(devconf_datastore_name(DEVCONF_DS_INTENDED), "intended");
    ck_assert_str_eq(devconf_datastore_name(DEVCONF_DS_OPERATIONAL), "operational");
}
END_TEST

START_TEST(nmda_capability_follows_ietf_netconf_nmda)
{
    ck_assert_int_eq(devconf_session_has_capability(s, "nmda"), 1);
    ck_assert_int_eq(devconf_session_has_capability(s, "ietf-netconf-nmda"), 1);
    devconf_session *plain = open_to(&plain_srv);
    ck_assert_int_eq(devconf_session_has_capability(plain, "nmda"), 0);
    devconf_session_free(plain);
}
END_TEST

/* ---- what netconfd answers correctly: the operational datastore, with and without origin ---- */

START_TEST(get_data_operational_xml_without_origin)
{
    char *out = NULL;
    ASSERT_OK(devconf_get_data(&out, s, DEVCONF_DS_OPERATIONAL, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(out, "<interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\">"));
    ck_assert_ptr_nonnull(strstr(out, "<name>eth0</name>"));
    ck_assert_ptr_nonnull(strstr(out, "<netconf-state")); /* state data: it is operational */
    /* netconfd sends or:origin on every list entry even unasked; devconf removes it */
    ck_assert_msg(strstr(out, ":origin=") == NULL, "origin metadata not asked for: %.400s", out);
    devconf_free(out);
}
END_TEST

START_TEST(get_data_operational_with_origin_xml_and_json)
{
    devconf_get_data_options o = gd_opts();
    o.with_origin = 1;
    char *out = NULL;
    ASSERT_OK(devconf_get_data(&out, s, DEVCONF_DS_OPERATIONAL, NULL, &o));
    ck_assert_msg(strstr(out, "or:origin=\"or:intended\"") != NULL, "no origin: %.600s", out);
    ck_assert_ptr_nonnull(strstr(out, "xmlns:or=\"urn:ietf:params:xml:ns:yang:ietf-origin\""));
    devconf_free(out);
    o.format = DEVCONF_FORMAT_JSON;
    ASSERT_OK(devconf_get_data(&out, s, DEVCONF_DS_OPERATIONAL, NULL, &o));
    ck_assert_msg(strstr(out, "\"ietf-origin:origin\": \"ietf-origin:intended\"") != NULL, "no origin: %.600s", out);
    ck_assert_ptr_nonnull(strstr(out, "\"ietf-interfaces:interfaces\""));
    devconf_free(out);
    o.with_origin = 0;
    ASSERT_OK(devconf_get_data(&out, s, DEVCONF_DS_OPERATIONAL, NULL, &o));
    ck_assert_ptr_null(strstr(out, "ietf-origin:origin"));
    devconf_free(out);
}
END_TEST

/* ---- refused locally: the caller's mistakes, on any NMDA device ---- */

START_TEST(get_data_refuses_bad_datastores_and_options)
{
    char *out = (char *)"x";
    ASSERT_REFUSED(devconf_get_data(&out, s, DEVCONF_DS_CONFIG, NULL, NULL), DEVCONF_EINVAL, "datastore");
    ck_assert_ptr_null(out);
    ASSERT_REFUSED(devconf_get_data(&out, s, (devconf_datastore)99, NULL, NULL), DEVCONF_EINVAL, "datastore");
    ASSERT_FAILS(devconf_get_data(NULL, s, DEVCONF_DS_OPERATIONAL, NULL, NULL), DEVCONF_EINVAL);
    devconf_get_data_options o = gd_opts();
    o.with_origin = 1;
    ASSERT_REFUSED(devconf_get_data(&out, s, DEVCONF_DS_RUNNING, NULL, &o), DEVCONF_EINVAL, "only for the operational");
    o = gd_opts();
    const char *origins[] = { "intended" };
    o.origins = origins;
    o.origin_count = 1;
    ASSERT_REFUSED(devconf_get_data(&out, s, DEVCONF_DS_INTENDED, NULL, &o), DEVCONF_EINVAL, "origin filter");
    o = gd_opts();
    o.max_depth = 65536;
    ASSERT_REFUSED(devconf_get_data(&out, s, DEVCONF_DS_OPERATIONAL, NULL, &o), DEVCONF_EINVAL, "max-depth");
    o = gd_opts();
    o.negate_origins = 1;
    ASSERT_REFUSED(devconf_get_data(&out, s, DEVCONF_DS_OPERATIONAL, NULL, &o), DEVCONF_EINVAL, "negate_origins");
    o = gd_opts();
    o.origin_count = 2;
    ASSERT_REFUSED(devconf_get_data(&out, s, DEVCONF_DS_OPERATIONAL, NULL, &o), DEVCONF_EINVAL, "NULL origins");
    o = gd_opts();
    o.config_filter = (devconf_config_filter)7;
    ASSERT_REFUSED(devconf_get_data(&out, s, DEVCONF_DS_OPERATIONAL, NULL, &o), DEVCONF_EINVAL, "options");
    o = gd_opts();
    o.version = 0;
    ASSERT_FAILS(devconf_get_data(&out, s, DEVCONF_DS_OPERATIONAL, NULL, &o), DEVCONF_EINVAL);
    ck_assert_int_eq(devconf_session_is_connected(s), 1);
}
END_TEST

START_TEST(get_data_refuses_filters_and_origins_the_schemas_do_not_know)
{
    char *out = NULL;
    ASSERT_REFUSED(devconf_get_data(&out, s, DEVCONF_DS_OPERATIONAL, "<nope xmlns=\"urn:nowhere\"/>", NULL),
                   DEVCONF_EYANG, "urn:nowhere");
    ASSERT_REFUSED(devconf_get_data(&out, s, DEVCONF_DS_OPERATIONAL, "<interfaces", NULL), DEVCONF_EYANG,
                   "well-formed");
    ASSERT_REFUSED(devconf_get_data(&out, s, DEVCONF_DS_OPERATIONAL, "/ietf-interfaces:nothing-here", NULL),
                   DEVCONF_EYANG, "XPath");
    devconf_get_data_options o = gd_opts();
    const char *bogus[] = { "intended", "bogus" };
    o.origins = bogus;
    o.origin_count = 2;
    ASSERT_REFUSED(devconf_get_data(&out, s, DEVCONF_DS_OPERATIONAL, NULL, &o), DEVCONF_EYANG, "'bogus'");
    const char *base[] = { "ietf-origin:origin" };
    o.origins = base;
    o.origin_count = 1;
    ASSERT_REFUSED(devconf_get_data(&out, s, DEVCONF_DS_OPERATIONAL, NULL, &o), DEVCONF_EYANG,
                   "not an origin identity");
    const char *nomod[] = { "no-such-module:intended" };
    o.origins = nomod;
    ASSERT_REFUSED(devconf_get_data(&out, s, DEVCONF_DS_OPERATIONAL, NULL, &o), DEVCONF_EYANG, "no-such-module");
    ck_assert_ptr_null(out);
}
END_TEST

START_TEST(edit_data_refuses_read_only_datastores_and_edit_config_options)
{
    const char *cfg = "<interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\"/>";
    ASSERT_REFUSED(devconf_edit_data(s, DEVCONF_DS_OPERATIONAL, cfg, NULL), DEVCONF_EINVAL, "read-only");
    ASSERT_REFUSED(devconf_edit_data(s, DEVCONF_DS_INTENDED, cfg, NULL), DEVCONF_EINVAL, "read-only");
    ASSERT_REFUSED(devconf_edit_data(s, DEVCONF_DS_CANDIDATE, NULL, NULL), DEVCONF_EINVAL, "NULL");
    devconf_edit_options eo = DEVCONF_EDIT_OPTIONS_INIT;
    eo.test_option = DEVCONF_TEST_ONLY;
    ASSERT_REFUSED(devconf_edit_data(s, DEVCONF_DS_CANDIDATE, cfg, &eo), DEVCONF_EINVAL, "test-option");
    eo = (devconf_edit_options)DEVCONF_EDIT_OPTIONS_INIT;
    eo.error_option = DEVCONF_ERROR_OPTION_ROLLBACK;
    ASSERT_REFUSED(devconf_edit_data(s, DEVCONF_DS_CANDIDATE, cfg, &eo), DEVCONF_EINVAL, "error-option");
}
END_TEST

/* ---- a device without NMDA: refused locally, the module named ---- */

START_TEST(nmda_calls_on_a_device_without_nmda_are_refused_naming_the_module)
{
    devconf_session *plain = open_to(&plain_srv);
    char *out = NULL;
    ASSERT_REFUSED(devconf_get_data(&out, plain, DEVCONF_DS_OPERATIONAL, NULL, NULL), DEVCONF_EUNSUPPORTED,
                   "ietf-netconf-nmda");
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "nothing was sent"));
    ck_assert_ptr_null(out);
    ASSERT_REFUSED(devconf_edit_data(plain, DEVCONF_DS_CANDIDATE, "<interfaces xmlns=\"urn:ietf:params:xml:ns:"
                                     "yang:ietf-interfaces\"/>", NULL), DEVCONF_EUNSUPPORTED, "ietf-netconf-nmda");
    /* the session is intact: a plain get-config still works */
    ASSERT_OK(devconf_get_config(&out, plain, DEVCONF_DS_RUNNING, IF_FILTER, NULL));
    ck_assert_ptr_nonnull(strstr(out, "eth0"));
    devconf_free(out);
    devconf_session_free(plain);
}
END_TEST

/* ---- netconfd 2.13's NMDA bugs: detected on the wire, refused by devconf ---- */

/* Server bug: get-data of running with a subtree filter for interfaces answers with the operational
 * datastore: state data of other modules, and origin metadata nobody asked for. */
START_TEST(server_bug_netconfd_get_data_ignores_datastore_and_filter)
{
    char *out = NULL;
    ASSERT_OK(devconf_rpc(&out, s,
                          "<get-data " NMDA_ATTRS "><datastore>ds:running</datastore><subtree-filter>" IF_FILTER
                          "</subtree-filter><config-filter>true</config-filter><max-depth>1</max-depth></get-data>",
                          NULL));
    ck_assert_msg(strstr(out, "netconf-state") != NULL && strstr(out, "or:origin") != NULL,
                  "netconfd now honours get-data's datastore and filter: drop DEVCONF__QUIRK_NMDA_GET_DATA_IGNORES_"
                  "INPUT from its profile (lib/netconf/profiles.c): %.400s", out);
    devconf_free(out);
}
END_TEST

/* Server bug: edit-data with <config> is refused as a missing choice (its parser does not see the
 * anydata), so nothing can be written through it. */
START_TEST(server_bug_netconfd_edit_data_refuses_config)
{
    char *out = NULL;
    int r = devconf_rpc(&out, s,
                        "<edit-data " NMDA_ATTRS "><datastore>ds:candidate</datastore><config>"
                        "<interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\"><interface><name>eth0</name>"
                        "<description>via edit-data</description></interface></interfaces></config></edit-data>",
                        NULL);
    ck_assert_msg(r == DEVCONF_ERPC, "netconfd now takes edit-data (%d, %s): drop DEVCONF__QUIRK_NMDA_NO_EDIT_DATA",
                  r, devconf_error_message(devconf_error_last()));
    const devconf_error *e = devconf_error_last();
    ck_assert_uint_ge(devconf_error_rpc_error_count(e), 1);
    ck_assert_str_eq(devconf_rpc_error_tag(devconf_error_rpc_error(e, 0)), "data-missing");
    devconf_free(out);
    /* nothing reached the candidate */
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_CANDIDATE, IF_FILTER, NULL));
    ck_assert_ptr_null(strstr(out, "via edit-data"));
    devconf_free(out);
}
END_TEST

START_TEST(get_data_refuses_what_netconfd_would_ignore)
{
    char *out = NULL;
    ASSERT_REFUSED(devconf_get_data(&out, s, DEVCONF_DS_RUNNING, NULL, NULL), DEVCONF_EUNSUPPORTED, "server bug");
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "yuma123 netconfd"));
    ASSERT_REFUSED(devconf_get_data(&out, s, DEVCONF_DS_OPERATIONAL, IF_FILTER, NULL), DEVCONF_EUNSUPPORTED,
                   "ignores the filter");
    ASSERT_REFUSED(devconf_get_data(&out, s, DEVCONF_DS_OPERATIONAL, "/ietf-interfaces:interfaces", NULL),
                   DEVCONF_EUNSUPPORTED, "ignores the filter");
    devconf_get_data_options o = gd_opts();
    o.config_filter = DEVCONF_CONFIG_FILTER_NONCONFIG;
    ASSERT_REFUSED(devconf_get_data(&out, s, DEVCONF_DS_OPERATIONAL, NULL, &o), DEVCONF_EUNSUPPORTED,
                   "config-filter");
    o = gd_opts();
    const char *origins[] = { "system" };
    o.origins = origins;
    o.origin_count = 1;
    ASSERT_REFUSED(devconf_get_data(&out, s, DEVCONF_DS_OPERATIONAL, NULL, &o), DEVCONF_EUNSUPPORTED, "origin filter");
    o = gd_opts();
    o.max_depth = 2;
    ASSERT_REFUSED(devconf_get_data(&out, s, DEVCONF_DS_OPERATIONAL, NULL, &o), DEVCONF_EUNSUPPORTED, "max-depth");
    o = gd_opts();
    o.with_defaults = DEVCONF_WD_REPORT_ALL;
    ASSERT_REFUSED(devconf_get_data(&out, s, DEVCONF_DS_OPERATIONAL, NULL, &o), DEVCONF_EUNSUPPORTED, "with-defaults");
    ck_assert_ptr_null(out);
}
END_TEST

START_TEST(edit_data_refused_on_netconfd_and_nothing_changes)
{
    ASSERT_REFUSED(devconf_edit_data(s, DEVCONF_DS_CANDIDATE,
                                     "<interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\"><interface>"
                                     "<name>eth0</name><description>nmda edit</description></interface></interfaces>",
                                     NULL),
                   DEVCONF_EUNSUPPORTED, "edit-config");
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_CANDIDATE, IF_FILTER, NULL));
    ck_assert_ptr_null(strstr(out, "nmda edit"));
    devconf_free(out);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("api-netconf-nmda");
    TCase *tc = tcase_create("nmda");
    tcase_add_unchecked_fixture(tc, servers_up, servers_down);
    tcase_add_checked_fixture(tc, session_up, session_down);
    tcase_add_test(tc, get_data_options_init_rejects_unknown_versions);
    tcase_add_test(tc, nmda_capability_follows_ietf_netconf_nmda);
    tcase_add_test(tc, get_data_operational_xml_without_origin);
    tcase_add_test(tc, get_data_operational_with_origin_xml_and_json);
    tcase_add_test(tc, get_data_refuses_bad_datastores_and_options);
    tcase_add_test(tc, get_data_refuses_filters_and_origins_the_schemas_do_not_know);
    tcase_add_test(tc, edit_data_refuses_read_only_datastores_and_edit_config_options);
    tcase_add_test(tc, nmda_calls_on_a_device_without_nmda_are_refused_naming_the_module);
    tcase_add_test(tc, server_bug_netconfd_get_data_ignores_datastore_and_filter);
    tcase_add_test(tc, server_bug_netconfd_edit_data_refuses_config);
    tcase_add_test(tc, get_data_refuses_what_netconfd_would_ignore);
    tcase_add_test(tc, edit_data_refused_on_netconfd_and_nothing_changes);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
