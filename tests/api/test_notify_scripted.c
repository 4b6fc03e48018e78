/* Notifications against the scripted NETCONF server (tests/fixtures/netconf/scripted/nc_notif.py):
 * what netconfd cannot show. RFC 5277 (--notifications): XPath filters (netconfd 2.13 aborts on
 * them), a notification no schema describes (--notif-vendor), replay on a device that announces
 * :replay, a start time in the future refused by the device. RFC 8639 (--subscribed-notifications):
 * establish-subscription with its id, replay and replay-completed, stop-time and
 * subscription-completed, subscription-terminated with its reason, delete-subscription when freed,
 * filters. Another session commits changes: each is a netconf-config-change event. */
#include <check.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <devconf/devconf.h>

#include "test_scripted.h"
#include "test_util.h"

#define IF_NS "urn:ietf:params:xml:ns:yang:ietf-interfaces"
#define CONFIG_CHANGE "ietf-netconf-notifications:netconf-config-change"
#define NCN_NS "urn:ietf:params:xml:ns:yang:ietf-netconf-notifications"
#define WAIT_MS 30000

static test_scripted srv;
static devconf_ctx *ctx;
static devconf_session *s, *other;
static devconf_subscription *sub;

static void start_5277(void)
{
    static const char *const args[] = { "--announce", "hello", "--notifications", "--notif-vendor", NULL };
    test_scripted_start(&srv, args);
}

static void start_8639(void)
{
    static const char *const args[] = { "--announce", "hello", "--notifications", "--subscribed-notifications", NULL };
    test_scripted_start(&srv, args);
}

static void server_down(void)
{
    test_scripted_stop(&srv);
}

static devconf_session *open_session(void)
{
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = test_scripted_known_hosts(&srv);
    o.private_key = test_scripted_key(&srv);
    o.rpc_timeout_ms = WAIT_MS;
    o.connect_timeout_ms = WAIT_MS;
    devconf_session *ss = NULL;
    int r = devconf_session_open(&ss, ctx, test_scripted_uri(&srv), &o);
    ck_assert_msg(r == 0, "open failed: %d %s", r, devconf_error_message(devconf_error_last()));
    return ss;
}

static void sessions_up(void)
{
    test_ctx_up(&ctx, test_scripted_cache_dir(&srv), NULL);
    s = open_session();
    other = open_session();
}

static void sessions_down(void)
{
    devconf_subscription_free(sub);
    sub = NULL;
    devconf_session_free(s);
    devconf_session_free(other);
    s = other = NULL;
    test_ctx_down(&ctx, 0);
}

static void commit_change(const char *name, const char *description)
{
    ASSERT_OK(test_commit_description(other, name, description));
}

static void subscribe(const devconf_subscribe_options *o)
{
    int r = devconf_subscribe(&sub, s, o);
    ck_assert_msg(r == 0, "subscribe failed: %d %s", r, devconf_error_message(devconf_error_last()));
}

static devconf_notification *next(void)
{
    devconf_notification *n = NULL;
    int r = devconf_subscription_next(&n, sub, WAIT_MS);
    ck_assert_msg(r == 0 && n, "next failed: %d %s", r, devconf_error_message(devconf_error_last()));
    return n;
}

/* Pulls until a notification whose text contains needle. */
static devconf_notification *next_containing(const char *needle)
{
    for (;;) {
        devconf_notification *n = next();
        if (strstr(devconf_notification_text(n), needle)) {
            return n;
        }
        devconf_notification_free(n);
    }
}

/* A get on the subscribed session: everything sent before its reply is read into the queue. */
static void sync_session(void)
{
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "<interfaces xmlns=\"" IF_NS "\"/>", NULL));
    devconf_free(out);
}

static void time_text(char *buf, size_t len, long delta)
{
    time_t now = time(NULL) + delta;
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- RFC 5277 ---- */

START_TEST(an_xpath_filter_selects_only_config_changes)
{
    ck_assert(devconf_session_has_capability(s, "urn:ietf:params:netconf:capability:xpath:1.0"));
    devconf_subscribe_options o = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    o.filter = "/ietf-netconf-notifications:netconf-config-change";
    subscribe(&o);
    commit_change("eth0", "xpath filtered"); /* a vendor event, then the config change */
    devconf_notification *n = next();
    ck_assert_str_eq(devconf_notification_name(n), CONFIG_CHANGE);
    devconf_notification_free(n);
    sync_session();
    ck_assert_int_eq(devconf_subscription_next(&n, sub, 0), DEVCONF_ETIMEOUT); /* the vendor event was filtered */
    ck_assert_uint_eq(devconf_subscription_received(sub), 1);
}
END_TEST

START_TEST(an_xpath_filter_naming_nothing_is_refused_before_sending)
{
    devconf_subscribe_options o = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    o.filter = "/ietf-netconf-notifications:no-such-notification";
    long before = test_scripted_stat(&srv, 0, "rpcs.create-subscription");
    int r = devconf_subscribe(&sub, s, &o);
    ck_assert_msg(r == DEVCONF_EYANG, "%d %s", r, devconf_error_message(devconf_error_last()));
    ck_assert_int_eq(test_scripted_stat(&srv, 0, "rpcs.create-subscription"), before);
    ck_assert_ptr_null(sub);
}
END_TEST

START_TEST(an_undescribed_notification_is_delivered_as_sent_in_xml)
{
    subscribe(NULL);
    commit_change("eth0", "vendor xml");
    devconf_notification *n = next();
    ck_assert_ptr_null(devconf_notification_name(n));
    const char *x = devconf_notification_text(n);
    ck_assert_msg(strstr(x, "vendor-event") && strstr(x, "urn:example:ncserver-vendor") &&
                  strstr(x, "configuration changed"), "text: %s", x);
    ck_assert_ptr_nonnull(devconf_notification_event_time(n));
    devconf_notification_free(n);
    ck_assert(test_log_contains("not described by its schemas"));
    n = next();
    ck_assert_str_eq(devconf_notification_name(n), CONFIG_CHANGE);
    devconf_notification_free(n);
    ck_assert_uint_eq(devconf_subscription_rejected(sub), 0);
}
END_TEST

START_TEST(an_undescribed_notification_is_rejected_and_counted_in_json)
{
    devconf_subscribe_options o = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    o.format = DEVCONF_FORMAT_JSON;
    subscribe(&o);
    commit_change("eth0", "vendor json");
    devconf_notification *n = next(); /* the vendor event is skipped */
    ck_assert_str_eq(devconf_notification_name(n), CONFIG_CHANGE);
    ck_assert_ptr_nonnull(strstr(devconf_notification_text(n), "\"" CONFIG_CHANGE "\""));
    devconf_notification_free(n);
    ck_assert_uint_eq(devconf_subscription_rejected(sub), 1);
    ck_assert_uint_eq(devconf_subscription_received(sub), 2);
    ck_assert(test_log_contains("JSON needs the schema"));
}
END_TEST

START_TEST(replay_on_a_device_that_announces_it)
{
    ck_assert(devconf_session_has_capability(s, "urn:ietf:params:netconf:capability:replay:1.0"));
    char start[40];
    time_text(start, sizeof start, -2);
    commit_change("r5277", "logged before the subscription");
    devconf_subscribe_options o = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    o.start_time = start;
    o.filter = "<netconf-config-change xmlns=\"" NCN_NS "\"/>";
    subscribe(&o);
    devconf_notification *n = next_containing("r5277");
    devconf_notification_free(n);
    n = next();
    ck_assert_msg(strstr(devconf_notification_text(n), "replayComplete"), "%s", devconf_notification_text(n));
    devconf_notification_free(n);
}
END_TEST

START_TEST(the_device_refuses_a_start_time_in_the_future)
{
    char future[40];
    time_text(future, sizeof future, 3600);
    devconf_subscribe_options o = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    o.start_time = future;
    ASSERT_FAILS(devconf_subscribe(&sub, s, &o), DEVCONF_ERPC);
    const devconf_error *e = devconf_error_last();
    ck_assert_str_eq(devconf_rpc_error_tag(devconf_error_rpc_error(e, 0)), "bad-element");
    ck_assert_ptr_null(sub);
    ck_assert_uint_eq(devconf_subscription_id(NULL), 0);
}
END_TEST

START_TEST(a_broken_connection_fails_a_waiting_pull)
{
    subscribe(NULL);
    devconf_notification *n = NULL;
    ASSERT_FAILS(devconf_subscription_next(&n, sub, 0), DEVCONF_ETIMEOUT);
    ck_assert_uint_eq(devconf_subscription_id(sub), 0); /* RFC 5277: no id */
    test_scripted_stop(&srv); /* the peer goes away while the subscription waits */
    ASSERT_FAILS(devconf_subscription_next(&n, sub, WAIT_MS), DEVCONF_ECONNECT);
    ASSERT_FAILS(devconf_subscription_next(&n, sub, 0), DEVCONF_ECONNECT);
    start_5277(); /* for the tests after this one */
}
END_TEST

/* ---- RFC 8639 ---- */

START_TEST(establish_subscription_is_used_and_answers_an_id)
{
    ck_assert(devconf_session_has_capability(s, "ietf-subscribed-notifications"));
    long before = test_scripted_stat(&srv, 0, "rpcs.establish-subscription");
    subscribe(NULL);
    ck_assert_uint_gt(devconf_subscription_id(sub), 0);
    ck_assert_int_eq(test_scripted_stat(&srv, 0, "rpcs.establish-subscription"), before + 1);
    ck_assert_int_eq(test_scripted_stat(&srv, 0, "rpcs.create-subscription"), 0);
    commit_change("eth0", "8639 live");
    devconf_notification *n = next();
    ck_assert_str_eq(devconf_notification_name(n), CONFIG_CHANGE);
    devconf_notification_free(n);
    /* freeing it sends delete-subscription */
    long deletes = test_scripted_stat(&srv, 0, "rpcs.delete-subscription");
    devconf_subscription_free(sub);
    sub = NULL;
    ck_assert_int_eq(test_scripted_stat(&srv, 0, "rpcs.delete-subscription"), deletes + 1);
    ck_assert(!test_log_contains("delete-subscription") || !test_log_contains("failed"));
    /* the device stopped sending: a new subscription sees only its own events */
    subscribe(NULL);
    commit_change("eth0", "after the delete");
    n = next();
    ck_assert_ptr_nonnull(strstr(devconf_notification_text(n), "netconf-config-change"));
    devconf_notification_free(n);
    sync_session();
    ck_assert_int_eq(devconf_subscription_next(&n, sub, 0), DEVCONF_ETIMEOUT);
}
END_TEST

START_TEST(a_second_subscription_on_the_session_is_refused_with_the_reason)
{
    subscribe(NULL);
    devconf_subscription *second = NULL;
    ASSERT_FAILS(devconf_subscribe(&second, s, NULL), DEVCONF_EINVAL);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "RFC 8640"));
    ck_assert_ptr_null(second);
    /* another session may subscribe */
    devconf_subscription *on_other = NULL;
    ASSERT_OK(devconf_subscribe(&on_other, other, NULL));
    ck_assert_uint_ne(devconf_subscription_id(on_other), devconf_subscription_id(sub));
    devconf_subscription_free(on_other);
}
END_TEST

START_TEST(replay_then_replay_completed_then_stop_time_completes)
{
    char start[40], stop[40];
    time_text(start, sizeof start, -2);
    commit_change("r8639", "logged");
    time_text(stop, sizeof stop, 2);
    devconf_subscribe_options o = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    o.start_time = start;
    o.stop_time = stop;
    o.filter = "<netconf-config-change xmlns=\"" NCN_NS "\"/>";
    subscribe(&o);
    devconf_notification *n = next_containing("r8639");
    devconf_notification_free(n);
    n = next();
    ck_assert_str_eq(devconf_notification_name(n), "ietf-subscribed-notifications:replay-completed");
    devconf_notification_free(n);
    /* subscription-completed at the stop time: 0 with NULL, and again */
    int r;
    do {
        n = NULL;
        r = devconf_subscription_next(&n, sub, WAIT_MS);
        ck_assert_msg(r == 0, "next: %d %s", r, devconf_error_message(devconf_error_last()));
        devconf_notification_free(n);
    } while (n);
    ck_assert_int_eq(devconf_subscription_next(&n, sub, 0), 0);
    ck_assert_ptr_null(n);
    long deletes = test_scripted_stat(&srv, 0, "rpcs.delete-subscription");
    devconf_subscription_free(sub); /* completed: nothing to delete */
    sub = NULL;
    sync_session();
    ck_assert_int_eq(test_scripted_stat(&srv, 0, "rpcs.delete-subscription"), deletes);
}
END_TEST

START_TEST(subscription_terminated_fails_pulls_with_the_reason)
{
    subscribe(NULL);
    commit_change("eth1", "ncserver:terminate-subscriptions");
    devconf_notification *n = NULL;
    int r;
    do {
        devconf_notification_free(n);
        n = NULL;
        r = devconf_subscription_next(&n, sub, WAIT_MS);
    } while (r == 0 && n);
    ck_assert_int_eq(r, DEVCONF_ERPC);
    const char *m = devconf_error_message(devconf_error_last());
    ck_assert_msg(strstr(m, "terminated") && strstr(m, "stream-unavailable"), "message: %s", m);
    ASSERT_FAILS(devconf_subscription_next(&n, sub, 0), DEVCONF_ERPC);
    long deletes = test_scripted_stat(&srv, 0, "rpcs.delete-subscription");
    devconf_subscription_free(sub);
    sub = NULL;
    sync_session();
    ck_assert_int_eq(test_scripted_stat(&srv, 0, "rpcs.delete-subscription"), deletes);
    commit_change("eth1", "terminated no more");
}
END_TEST

START_TEST(an_xpath_stream_filter_over_8639)
{
    devconf_subscribe_options o = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    o.filter = "/ietf-netconf-notifications:netconf-config-change";
    subscribe(&o);
    commit_change("eth0", "8639 xpath");
    devconf_notification *n = next();
    ck_assert_str_eq(devconf_notification_name(n), CONFIG_CHANGE);
    devconf_notification_free(n);
}
END_TEST

START_TEST(the_device_refuses_a_bad_establish_subscription)
{
    devconf_subscribe_options o = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    o.stream = "NO-SUCH-STREAM";
    ASSERT_FAILS(devconf_subscribe(&sub, s, &o), DEVCONF_ERPC);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "establish-subscription"));
    ck_assert_ptr_null(sub);
    subscribe(NULL); /* the session can still subscribe */
}
END_TEST

int main(void)
{
    Suite *su = suite_create("api-notify-scripted");
    TCase *t1 = tcase_create("rfc5277");
    tcase_set_timeout(t1, 600);
    tcase_add_unchecked_fixture(t1, start_5277, server_down);
    tcase_add_checked_fixture(t1, sessions_up, sessions_down);
    tcase_add_test(t1, an_xpath_filter_selects_only_config_changes);
    tcase_add_test(t1, an_xpath_filter_naming_nothing_is_refused_before_sending);
    tcase_add_test(t1, an_undescribed_notification_is_delivered_as_sent_in_xml);
    tcase_add_test(t1, an_undescribed_notification_is_rejected_and_counted_in_json);
    tcase_add_test(t1, replay_on_a_device_that_announces_it);
    tcase_add_test(t1, the_device_refuses_a_start_time_in_the_future);
    tcase_add_test(t1, a_broken_connection_fails_a_waiting_pull);
    suite_add_tcase(su, t1);
    TCase *t2 = tcase_create("rfc8639");
    tcase_set_timeout(t2, 600);
    tcase_add_unchecked_fixture(t2, start_8639, server_down);
    tcase_add_checked_fixture(t2, sessions_up, sessions_down);
    tcase_add_test(t2, establish_subscription_is_used_and_answers_an_id);
    tcase_add_test(t2, a_second_subscription_on_the_session_is_refused_with_the_reason);
    tcase_add_test(t2, replay_then_replay_completed_then_stop_time_completes);
    tcase_add_test(t2, subscription_terminated_fails_pulls_with_the_reason);
    tcase_add_test(t2, an_xpath_stream_filter_over_8639);
    tcase_add_test(t2, the_device_refuses_a_bad_establish_subscription);
    suite_add_tcase(su, t2);
    return test_run_suite(su);
}
