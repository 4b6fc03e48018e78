/* The scripted NETCONF server (tests/fixtures/netconf/scripted) works with today's devconf: in its
 * classic-hello mode (--announce hello; its RFC 8525-only and RFC 7895 modes are exercised by
 * integration-schemas and integration-fleet-sim) devconf opens, reads, edits the
 * candidate, commits and discards, logs in with the per-run random password and keyboard-interactive,
 * and gets DEVCONF_EAUTH for a wrong password; the counters in stats.json follow; with --ports each
 * port is a device of its own. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <devconf/devconf.h>

#include "test_scripted.h"
#include "test_server.h"
#include "test_util.h"

#define IF_NS "urn:ietf:params:xml:ns:yang:ietf-interfaces"

static test_scripted srv;
static devconf_ctx *ctx;

static void server_up(void)
{
    static const char *const args[] = {"--announce", "hello", NULL};
    test_scripted_start(&srv, args);
}

static void three_devices_up(void)
{
    static const char *const args[] = {"--announce", "hello", "--ports", "3", NULL};
    test_scripted_start(&srv, args);
}

static void server_down(void)
{
    test_scripted_stop(&srv);
}

static void ctx_up(void)
{
    ck_assert_int_ge(devconf_init(), 1);
    ck_assert_int_eq(devconf_ctx_new(&ctx), 0);
    ck_assert_int_eq(devconf_ctx_set_cache_dir(ctx, test_scripted_cache_dir(&srv)), 0);
    devconf_ctx_set_log_callback(ctx, DEVCONF_LOG_DEBUG, test_log_capture, NULL);
    test_log_reset();
}

static void ctx_down(void)
{
    devconf_ctx_free(ctx);
    ctx = NULL;
    devconf_deinit();
    test_log_reset();
}

static devconf_session *open_port(size_t i)
{
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = test_scripted_known_hosts(&srv);
    o.private_key = test_scripted_key(&srv);
    o.connect_timeout_ms = 30000;
    o.rpc_timeout_ms = 30000;
    devconf_session *s = NULL;
    int r = devconf_session_open(&s, ctx, test_scripted_uri_at(&srv, i), &o);
    ck_assert_msg(r == 0, "open failed: %d %s", r, devconf_error_message(devconf_error_last()));
    return s;
}

static int cfg_contains(devconf_session *s, devconf_datastore ds, const char *needle)
{
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, ds, "/ietf-interfaces:interfaces", NULL));
    int r = strstr(out, needle) != NULL;
    devconf_free(out);
    return r;
}

static void set_description(devconf_session *s, const char *name, const char *description)
{
    char x[512];
    snprintf(x, sizeof x,
             "<interfaces xmlns=\"" IF_NS "\"><interface><name>%s</name><description>%s</description>"
             "</interface></interfaces>", name, description);
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE, x, NULL));
}

/* The server's log never holds the secret. */
static void assert_not_in_server_log(const char *secret)
{
    char *text = test_read_file(test_scripted_log_path(&srv));
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(strstr(text, secret) == NULL, "the secret appeared in server.log");
    free(text);
}

START_TEST(open_get_edit_commit_discard)
{
    devconf_session *s = open_port(0);
    ck_assert_int_eq(devconf_session_has_capability(s, "candidate"), 1);
    ck_assert(cfg_contains(s, DEVCONF_DS_RUNNING, "devconf test interface 0"));

    set_description(s, "eth0", "committed by the fixture test");
    ck_assert(cfg_contains(s, DEVCONF_DS_CANDIDATE, "committed by the fixture test"));
    ck_assert(!cfg_contains(s, DEVCONF_DS_RUNNING, "committed by the fixture test"));
    ASSERT_OK(devconf_commit(s, NULL));
    ck_assert(cfg_contains(s, DEVCONF_DS_RUNNING, "committed by the fixture test"));

    set_description(s, "eth1", "never committed");
    ck_assert(cfg_contains(s, DEVCONF_DS_CANDIDATE, "never committed"));
    ASSERT_OK(devconf_discard_changes(s, NULL));
    ck_assert(!cfg_contains(s, DEVCONF_DS_CANDIDATE, "never committed"));
    ck_assert(!cfg_contains(s, DEVCONF_DS_RUNNING, "never committed"));
    devconf_session_free(s);

    /* the server counted what it served (written before each reply) */
    ck_assert_int_ge(test_scripted_stat(&srv, 0, "connections"), 1);
    ck_assert_int_ge(test_scripted_stat(&srv, 0, "rpcs.commit"), 1);
    ck_assert_int_ge(test_scripted_stat(&srv, 0, "rpcs.discard-changes"), 1);
    ck_assert_int_ge(test_scripted_stat(&srv, 0, "rpcs.edit-config"), 2);
    ck_assert_int_eq(test_scripted_stat(&srv, 0, "rpcs.no-such-rpc"), 0);
    ck_assert_int_eq(test_scripted_stat(&srv, 1, "connections"), -1); /* there is no second port */
}
END_TEST

START_TEST(get_schema_is_counted)
{
    long before = test_scripted_stat(&srv, 0, "get_schema");
    ck_assert_int_ge(before, 0);
    devconf_session *s = open_port(0);
    char *text = NULL;
    ASSERT_OK(devconf_get_schema(&text, s, "ietf-ip", "2014-06-16", NULL, NULL));
    ck_assert_ptr_nonnull(strstr(text, "module ietf-ip"));
    devconf_free(text);
    devconf_session_free(s);
    ck_assert_int_ge(test_scripted_stat(&srv, 0, "get_schema"), before + 1);
    ck_assert_int_ge(test_scripted_stat(&srv, 0, "get_schema_modules.ietf-ip@2014-06-16"), 1);
}
END_TEST

START_TEST(password_login_works_and_is_never_logged)
{
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = test_scripted_known_hosts(&srv);
    o.password = test_scripted_password(&srv);
    devconf_session *s = NULL;
    ASSERT_OK(devconf_session_open(&s, ctx, test_scripted_uri(&srv), &o));
    ck_assert_uint_gt(devconf_session_id(s), 0);
    ck_assert(cfg_contains(s, DEVCONF_DS_RUNNING, "eth0"));
    devconf_session_free(s);
    ck_assert_msg(!test_log_contains(test_scripted_password(&srv)), "the password appeared in a log line");
    assert_not_in_server_log(test_scripted_password(&srv));
}
END_TEST

static int kbdint_answer(const char *name, const char *instruction, const char *prompt, int echo, char *answer,
                         size_t size, void *payload)
{
    (void)name;
    (void)instruction;
    ck_assert_int_eq(echo, 0);
    ck_assert_ptr_nonnull(strstr(prompt, "assword"));
    int *calls = payload;
    (*calls)++;
    snprintf(answer, size, "%s", test_scripted_password(&srv));
    return 0;
}

START_TEST(keyboard_interactive_login_works)
{
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = test_scripted_known_hosts(&srv);
    int calls = 0;
    o.kbdint_cb = kbdint_answer;
    o.kbdint_payload = &calls;
    devconf_session *s = NULL;
    ASSERT_OK(devconf_session_open(&s, ctx, test_scripted_uri(&srv), &o));
    ck_assert_int_ge(calls, 1);
    devconf_session_free(s);
    ck_assert(!test_log_contains(test_scripted_password(&srv)));
}
END_TEST

START_TEST(wrong_password_is_eauth)
{
    long failures = test_scripted_stat(&srv, 0, "auth_failures");
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = test_scripted_known_hosts(&srv);
    o.password = "wrong-secret-123";
    devconf_session *s = NULL;
    ASSERT_FAILS(devconf_session_open(&s, ctx, test_scripted_uri(&srv), &o), DEVCONF_EAUTH);
    ck_assert_ptr_null(s);
    const devconf_error *e = devconf_error_last();
    ck_assert_int_eq(devconf_error_origin(e), DEVCONF_ORIGIN_SSH);
    ck_assert_ptr_null(strstr(devconf_error_message(e), "wrong-secret-123"));
    ck_assert(!test_log_contains("wrong-secret-123"));
    assert_not_in_server_log("wrong-secret-123");
    ck_assert_int_gt(test_scripted_stat(&srv, 0, "auth_failures"), failures);
}
END_TEST

START_TEST(each_port_is_a_device_of_its_own)
{
    ck_assert_uint_eq(test_scripted_port_count(&srv), 3);
    for (size_t i = 1; i < 3; i++) {
        ck_assert_uint_eq(test_scripted_port(&srv, i), test_scripted_port(&srv, 0) + i);
    }
    ck_assert_uint_eq(test_scripted_port(&srv, 3), 0);
    ck_assert_ptr_null(test_scripted_uri_at(&srv, 3));

    devconf_session *s0 = open_port(0);
    devconf_session *s2 = open_port(2);
    set_description(s0, "eth0", "only on the first device");
    ck_assert(cfg_contains(s0, DEVCONF_DS_CANDIDATE, "only on the first device"));
    ck_assert(!cfg_contains(s2, DEVCONF_DS_CANDIDATE, "only on the first device"));
    ASSERT_OK(devconf_discard_changes(s0, NULL));
    devconf_session_free(s0);
    devconf_session_free(s2);
    ck_assert_int_eq(test_scripted_stat(&srv, 0, "connections"), 1);
    ck_assert_int_eq(test_scripted_stat(&srv, 1, "connections"), 0);
    ck_assert_int_eq(test_scripted_stat(&srv, 2, "connections"), 1);
}
END_TEST

static Suite *scripted_suite(void)
{
    Suite *su = suite_create("scripted");

    TCase *tc = tcase_create("hello-mode");
    tcase_add_unchecked_fixture(tc, server_up, server_down);
    tcase_add_checked_fixture(tc, ctx_up, ctx_down);
    tcase_add_test(tc, open_get_edit_commit_discard);
    tcase_add_test(tc, get_schema_is_counted);
    tcase_add_test(tc, password_login_works_and_is_never_logged);
    tcase_add_test(tc, keyboard_interactive_login_works);
    tcase_add_test(tc, wrong_password_is_eauth);
    suite_add_tcase(su, tc);

    tc = tcase_create("ports");
    tcase_add_unchecked_fixture(tc, three_devices_up, server_down);
    tcase_add_checked_fixture(tc, ctx_up, ctx_down);
    tcase_add_test(tc, each_port_is_a_device_of_its_own);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return test_run_suite(scripted_suite());
}
