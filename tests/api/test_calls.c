/* Per-call options against the scripted NETCONF server: a call's own timeout ends a stalled call
 * while the session's longer RPC timeout would still wait; a cancel callback stops a call (and one
 * that says stop before anything is sent sends nothing); the session stays usable afterwards; an
 * options struct of an unknown version is refused; every _options_init() fills the defaults. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <devconf/devconf.h>

#include "test_scripted.h"
#include "test_util.h"

static test_scripted srv;
static devconf_ctx *ctx;

/* A device that answers the first request named rpc slowly (its reply dripped a byte at a time over
 * a few seconds), every later request at once. */
static devconf_session *open_stalling(const char *rpc)
{
    const char *const args[] = { "--announce", "hello", "--scenario", "drip", "--scenario-rpc", rpc,
                                 "--drip-interval", "0.003", NULL };
    test_scripted_start(&srv, args);
    ck_assert_int_ge(devconf_init(), 1);
    ASSERT_OK(devconf_ctx_new(&ctx));
    ASSERT_OK(devconf_ctx_set_cache_dir(ctx, test_scripted_cache_dir(&srv)));
    devconf_ctx_set_log_callback(ctx, DEVCONF_LOG_DEBUG, test_log_capture, NULL);
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = test_scripted_known_hosts(&srv);
    o.private_key = test_scripted_key(&srv);
    o.rpc_timeout_ms = 60000; /* what the calls below must not wait for */
    devconf_session *s = NULL;
    ASSERT_OK(devconf_session_open(&s, ctx, test_scripted_uri(&srv), &o));
    return s;
}

static void finish(devconf_session *s)
{
    devconf_session_free(s);
    devconf_ctx_free(ctx);
    ctx = NULL;
    devconf_deinit();
    test_scripted_stop(&srv);
}

START_TEST(a_calls_own_timeout_ends_a_stalled_call)
{
    devconf_session *s = open_stalling("get-config");
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    ro.timeout_ms = 300;
    char *out = NULL;
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, NULL, &ro), DEVCONF_ETIMEOUT);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "within 300 ms"));
    ck_assert_ptr_null(out);
    /* the session goes on: the rest of the late reply is read and skipped (its message-id is an
     * old one), then the answer to this request */
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, NULL, NULL));
    devconf_free(out);
    ck_assert(devconf_session_is_connected(s));
    finish(s);
}
END_TEST

struct counter {
    int calls, stop_after;
};

static int cancel_after(void *payload)
{
    struct counter *c = payload;
    return ++c->calls > c->stop_after;
}

START_TEST(a_cancel_callback_stops_a_call)
{
    devconf_session *s = open_stalling("lock");
    struct counter c = { 0, 3 };
    devconf_call_options co = DEVCONF_CALL_OPTIONS_INIT;
    co.cancel_cb = cancel_after;
    co.cancel_payload = &c;
    ASSERT_FAILS(devconf_lock(s, DEVCONF_DS_CANDIDATE, &co), DEVCONF_ECANCELED);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "cancel"));
    ck_assert_int_gt(c.calls, 3); /* asked while waiting, until it said stop */
    /* a callback that says stop at once: nothing is sent */
    test_log_reset();
    struct counter now = { 0, 0 };
    co.cancel_payload = &now;
    ASSERT_FAILS(devconf_discard_changes(s, &co), DEVCONF_ECANCELED);
    ck_assert_ptr_null(strstr(test_log_text(), "discard-changes sent"));
    /* and the session goes on, the late reply to the cancelled lock skipped by its message-id */
    ASSERT_OK(devconf_discard_changes(s, NULL));
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, NULL, NULL));
    devconf_free(out);
    finish(s);
}
END_TEST

START_TEST(options_of_unknown_versions_are_refused_and_init_fills_defaults)
{
    devconf_call_options co;
    ck_assert_int_eq(devconf_call_options_init(&co, DEVCONF_CALL_OPTIONS_VERSION), 0);
    ck_assert_uint_eq(co.version, DEVCONF_CALL_OPTIONS_VERSION);
    ck_assert_int_eq(co.timeout_ms, 0);
    ck_assert_ptr_null(co.cancel_cb);
    ASSERT_FAILS(devconf_call_options_init(&co, DEVCONF_CALL_OPTIONS_VERSION + 1), DEVCONF_EINVAL);
    ASSERT_FAILS(devconf_call_options_init(NULL, 1), DEVCONF_EINVAL);
    devconf_read_options ro;
    ck_assert_int_eq(devconf_read_options_init(&ro, 1), 0); /* an old caller's version */
    ck_assert_uint_eq(ro.version, 1);
    ASSERT_FAILS(devconf_read_options_init(&ro, 0), DEVCONF_EINVAL);
    devconf_edit_options eo;
    ck_assert_int_eq(devconf_edit_options_init(&eo, DEVCONF_EDIT_OPTIONS_VERSION), 0);
    ck_assert_int_eq(eo.default_operation, DEVCONF_EDIT_MERGE);
    devconf_commit_options cm;
    ck_assert_int_eq(devconf_commit_options_init(&cm, DEVCONF_COMMIT_OPTIONS_VERSION), 0);
    ck_assert_int_eq(cm.confirmed, 0);
    devconf_rpc_options rp;
    ck_assert_int_eq(devconf_rpc_options_init(&rp, DEVCONF_RPC_OPTIONS_VERSION), 0);
    ck_assert_int_eq(rp.format, DEVCONF_FORMAT_AUTO);
    devconf_txn_commit_options tc;
    ck_assert_int_eq(devconf_txn_commit_options_init(&tc, DEVCONF_TXN_COMMIT_OPTIONS_VERSION), 0);
    ck_assert_uint_eq(tc.revert_seconds, 0);
    /* a struct of an unknown version reaches no device */
    devconf_session *s = open_stalling("kill-session");
    co.version = 99;
    ASSERT_FAILS(devconf_lock(s, DEVCONF_DS_CANDIDATE, &co), DEVCONF_EINVAL);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "version 99"));
    co.version = DEVCONF_CALL_OPTIONS_VERSION;
    co.timeout_ms = -1;
    ASSERT_FAILS(devconf_lock(s, DEVCONF_DS_CANDIDATE, &co), DEVCONF_EINVAL);
    finish(s);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("calls");
    TCase *tc = tcase_create("calls");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, a_calls_own_timeout_ends_a_stalled_call);
    tcase_add_test(tc, a_cancel_callback_stops_a_call);
    tcase_add_test(tc, options_of_unknown_versions_are_refused_and_init_fills_defaults);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
