/* RESTCONF against a server that lists its modules only in the RFC 8525 YANG library (issue 10):
 * the root says yang-library-version 2019-01-04, there is no RFC 7895 modules-state and no
 * ietf-restconf-monitoring, and the module texts come from the library's location URLs. A
 * scripted responder (tests/fixtures/restconf/responder/rfc8525.json): no real peer here serves
 * RFC 8525 over RESTCONF. Cold and warm caches; the unfiltered get-config that once printed
 * nothing; local validation against the modules the library named. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <devconf/devconf.h>

#include "test_responder.h"
#include "test_server.h"
#include "test_util.h"

static test_responder responder;
static char cache[300];
static devconf_ctx *ctx;

static void setup(void)
{
    /* every module from the device: no trusted directory that would take precedence */
    unsetenv("DEVCONF_YANG_PATH");
    test_responder_start_in(&responder, "rfc8525.json", "/tmp/devconf-rfc8525-XXXXXX");
    ck_assert_int_ge(devconf_init(), 1);
    ASSERT_OK(devconf_ctx_new(&ctx));
    snprintf(cache, sizeof cache, "%s/cache", responder.dir);
    ASSERT_OK(devconf_ctx_set_cache_dir(ctx, cache));
    devconf_ctx_set_log_callback(ctx, DEVCONF_LOG_DEBUG, test_log_capture, NULL);
    test_log_reset();
}

static void teardown(void)
{
    devconf_ctx_free(ctx);
    ctx = NULL;
    devconf_deinit();
    free(test_responder_stop(&responder));
    test_log_reset();
}

static devconf_session *open_session(void)
{
    devconf_session *s = NULL;
    int rc = devconf_session_open(&s, ctx, responder.uri, NULL);
    ck_assert_msg(rc == 0, "open: %d %s", rc, devconf_error_message(devconf_error_last()));
    return s;
}

START_TEST(modules_from_the_rfc8525_library_cold_then_warm)
{
    devconf_session *s = open_session();
    /* the three modules the library names, each from its location URL */
    ck_assert_uint_eq(devconf_session_schema_requests(s), 3);
    char *reqs = test_responder_requests(&responder);
    ck_assert_int_eq(test_count(reqs, "\"path\": \"/restconf/data/ietf-yang-library:yang-library\""), 1);
    ck_assert_int_eq(test_count(reqs, "\"path\": \"/yang/ietf-interfaces.yang\""), 1);
    ck_assert_int_eq(test_count(reqs, "\"path\": \"/yang/devconf-example.yang\""), 1);
    /* RFC 7895 is not asked for once the root says 2019-01-04 */
    ck_assert_int_eq(test_count(reqs, "modules-state"), 0);
    ck_assert_int_eq(test_count(reqs, "\"matched\": \"unexpected\""), 0);
    free(reqs);
    char id[80];
    snprintf(id, sizeof id, "%s", devconf_session_schema_id(s));
    devconf_session_free(s);

    /* warm: the library is read again (its content-id decides), no schema downloaded */
    s = open_session();
    ck_assert_uint_eq(devconf_session_schema_requests(s), 0);
    ck_assert_str_eq(devconf_session_schema_id(s), id);
    reqs = test_responder_requests(&responder);
    ck_assert_int_eq(test_count(reqs, "\"path\": \"/yang/ietf-interfaces.yang\""), 1);
    free(reqs);
    devconf_session_free(s);
}
END_TEST

START_TEST(an_unfiltered_read_gives_all_the_data)
{
    /* issue 10: with RFC 8525 only, an unfiltered get-config printed nothing and succeeded */
    devconf_session *s = open_session();
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, NULL, NULL));
    ck_assert_msg(strstr(out, "<name>eth0</name>") && strstr(out, "<name>eth1</name>") &&
                  strstr(out, "<hostname>rfc8525-device</hostname>") && strstr(out, "<mtu>9000</mtu>"),
                  "%s", out);
    devconf_free(out);
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    ro.format = DEVCONF_FORMAT_JSON;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/ietf-interfaces:interfaces", &ro));
    ck_assert_msg(strstr(out, "\"ietf-interfaces:interfaces\"") && strstr(out, "\"description\": \"to the lab\""),
                  "%s", out);
    ck_assert_ptr_null(strstr(out, "hostname"));
    devconf_free(out);
    devconf_session_free(s);
}
END_TEST

START_TEST(edits_are_checked_against_the_library_modules)
{
    devconf_session *s = open_session();
    char *before = test_responder_requests(&responder);
    int sent_before = test_count(before, "\"method\": \"PATCH\"") + test_count(before, "\"method\": \"PUT\"") +
                      test_count(before, "\"method\": \"POST\"");
    free(before);
    /* out of range for devconf-example's mtu, an unknown node of ietf-interfaces: refused locally */
    ASSERT_FAILS(devconf_edit_config(s, DEVCONF_DS_RUNNING, "{\"devconf-example:settings\":{\"mtu\":10}}", NULL),
                 DEVCONF_EYANG);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "mtu"));
    ASSERT_FAILS(devconf_edit_config(s, DEVCONF_DS_RUNNING,
                                     "{\"ietf-interfaces:interfaces\":{\"interface\":[{\"name\":\"eth0\","
                                     "\"speed\":1}]}}", NULL),
                 DEVCONF_EYANG);
    char *after = test_responder_requests(&responder);
    int sent_after = test_count(after, "\"method\": \"PATCH\"") + test_count(after, "\"method\": \"PUT\"") +
                     test_count(after, "\"method\": \"POST\"");
    free(after);
    ck_assert_int_eq(sent_after, sent_before); /* nothing sent */
    devconf_session_free(s);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("restconf-rfc8525");
    TCase *tc = tcase_create("rfc8525");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, modules_from_the_rfc8525_library_cold_then_warm);
    tcase_add_test(tc, an_unfiltered_read_gives_all_the_data);
    tcase_add_test(tc, edits_are_checked_against_the_library_modules);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
