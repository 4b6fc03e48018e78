/* Notifications over NETCONF (RFC 5277) against a real device: yuma123 netconfd, started by the
 * suite. A second session commits changes; the subscribed session receives RFC 6470
 * netconf-config-change on the NETCONF stream, with :interleave (requests on the subscribed
 * session meanwhile), a bounded queue that overflows and counts, timeouts on a quiet stream, and
 * subscriptions freed mid-stream. */
#include <check.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <devconf/devconf.h>

#include "test_server.h"
#include "test_util.h"

static test_server srv;
static devconf_ctx *ctx;
static devconf_session *s;     /* subscribed */
static devconf_session *other; /* commits */
static devconf_subscription *sub;

#define IF_NS "urn:ietf:params:xml:ns:yang:ietf-interfaces"
#define CONFIG_CHANGE "ietf-netconf-notifications:netconf-config-change"
/* generous: the device is shared with a CI run on a small machine; never a timing assertion */
#define WAIT_MS 30000

static void server_up(void)
{
    test_server_start(&srv);
}

static void server_down(void)
{
    test_server_stop(&srv);
}

static devconf_session *open_session(void)
{
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = srv.known_hosts;
    o.private_key = srv.key;
    o.rpc_timeout_ms = WAIT_MS;
    o.connect_timeout_ms = WAIT_MS;
    devconf_session *ss = NULL;
    int r = devconf_session_open(&ss, ctx, srv.uri, &o);
    ck_assert_msg(r == 0, "open %s failed: %d %s", srv.uri, r, devconf_error_message(devconf_error_last()));
    return ss;
}

static void sessions_up(void)
{
    test_ctx_up(&ctx, srv.cache_dir, NULL);
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

/* The other session changes an interface's description and commits it. */
static void commit_change(const char *name, const char *description)
{
    ASSERT_OK(test_commit_description(other, name, description));
}

static void subscribe(const devconf_subscribe_options *o)
{
    int r = devconf_subscribe(&sub, s, o);
    ck_assert_msg(r == 0, "subscribe failed: %d %s", r, devconf_error_message(devconf_error_last()));
}

/* The next netconf-config-change (other notifications, such as session events, are skipped). */
static devconf_notification *next_config_change(void)
{
    for (;;) {
        devconf_notification *n = NULL;
        int r = devconf_subscription_next(&n, sub, WAIT_MS);
        ck_assert_msg(r == 0, "next failed: %d %s", r, devconf_error_message(devconf_error_last()));
        ck_assert_ptr_nonnull(n);
        const char *name = devconf_notification_name(n);
        if (name && !strcmp(name, CONFIG_CHANGE)) {
            return n;
        }
        devconf_notification_free(n);
    }
}

/* ---- refused locally ---- */

START_TEST(subscribe_options_init_rejects_unknown_versions)
{
    devconf_subscribe_options o;
    ASSERT_FAILS(devconf_subscribe_options_init(&o, 0), DEVCONF_EINVAL);
    ASSERT_FAILS(devconf_subscribe_options_init(&o, DEVCONF_SUBSCRIBE_OPTIONS_VERSION + 1), DEVCONF_EINVAL);
    ASSERT_FAILS(devconf_subscribe_options_init(NULL, DEVCONF_SUBSCRIBE_OPTIONS_VERSION), DEVCONF_EINVAL);
    ASSERT_OK(devconf_subscribe_options_init(&o, DEVCONF_SUBSCRIBE_OPTIONS_VERSION));
    ck_assert_ptr_null(o.stream);
    ck_assert_uint_eq(o.queue_capacity, 0);
}
END_TEST

START_TEST(subscribe_refuses_bad_arguments_before_sending)
{
    devconf_subscribe_options o = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    ASSERT_FAILS(devconf_subscribe(NULL, s, NULL), DEVCONF_EINVAL);
    ASSERT_FAILS(devconf_subscribe(&sub, NULL, NULL), DEVCONF_EINVAL);
    o.stop_time = "2030-01-01T00:00:00Z";
    ASSERT_FAILS(devconf_subscribe(&sub, s, &o), DEVCONF_EINVAL);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "start time"));
    o = (devconf_subscribe_options)DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    o.queue_capacity = (size_t)-1;
    ASSERT_FAILS(devconf_subscribe(&sub, s, &o), DEVCONF_EINVAL);
    o = (devconf_subscribe_options)DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    o.filter = "<unclosed";
    ASSERT_FAILS(devconf_subscribe(&sub, s, &o), DEVCONF_EYANG);
    ck_assert_ptr_null(sub);
    devconf_notification *n = NULL;
    ASSERT_FAILS(devconf_subscription_next(&n, NULL, 0), DEVCONF_EINVAL);
    ASSERT_FAILS(devconf_subscription_dispatch(NULL, 0), DEVCONF_EINVAL);
    ck_assert_uint_eq(devconf_subscription_dropped(NULL), 0);
    ck_assert_ptr_null(devconf_notification_text(NULL));
}
END_TEST

START_TEST(a_second_subscription_on_a_session_is_refused)
{
    subscribe(NULL);
    devconf_subscription *second = NULL;
    ASSERT_FAILS(devconf_subscribe(&second, s, NULL), DEVCONF_EINVAL);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "already has a subscription"));
    ck_assert_ptr_null(second);
    devconf_notification *n = NULL;
    ASSERT_FAILS(devconf_subscription_dispatch(sub, 0), DEVCONF_EINVAL); /* no callback: pull */
    ASSERT_FAILS(devconf_subscription_next(&n, sub, -1), DEVCONF_EINVAL);
}
END_TEST

/* ---- against the device ---- */

START_TEST(config_change_arrives_with_event_time_and_path)
{
    subscribe(NULL);
    commit_change("eth0", "notify xml");
    devconf_notification *n = next_config_change();
    const char *t = devconf_notification_event_time(n);
    ck_assert_msg(t && strlen(t) >= 19 && t[4] == '-' && t[10] == 'T', "event time '%s'", t ? t : "(null)");
    const char *x = devconf_notification_text(n);
    ck_assert_msg(strstr(x, "<netconf-config-change") && strstr(x, "<target") && strstr(x, "interface"),
                  "no changed path: %s", x);
    ck_assert_uint_eq(devconf_notification_dropped_before(n), 0);
    devconf_notification_free(n);
    ck_assert_uint_ge(devconf_subscription_received(sub), 1);
    ck_assert_uint_eq(devconf_subscription_dropped(sub), 0);
}
END_TEST

START_TEST(config_change_in_json)
{
    devconf_subscribe_options o = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    o.format = DEVCONF_FORMAT_JSON;
    o.stream = "NETCONF";
    subscribe(&o);
    commit_change("eth0", "notify json");
    devconf_notification *n = next_config_change();
    const char *j = devconf_notification_text(n);
    ck_assert_msg(strstr(j, "\"" CONFIG_CHANGE "\"") && strstr(j, "\"target\"") && strstr(j, "interface"),
                  "JSON: %s", j);
    devconf_notification_free(n);
}
END_TEST

START_TEST(requests_on_the_subscribed_session_keep_working)
{
    subscribe(NULL);
    commit_change("eth0", "interleave one");
    /* the notification is read by this request (it comes before the reply) and queued */
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "<interfaces xmlns=\"" IF_NS "\"/>", NULL));
    ck_assert_ptr_nonnull(strstr(out, "interleave one"));
    devconf_free(out);
    devconf_notification *n = next_config_change();
    devconf_notification_free(n);
    ASSERT_OK(devconf_discard_changes(s, NULL));
    commit_change("eth0", "interleave two");
    n = next_config_change();
    devconf_notification_free(n);
}
END_TEST

START_TEST(a_full_queue_drops_counts_and_reports_the_gap)
{
    devconf_subscribe_options o = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    o.queue_capacity = 1;
    o.filter = "<netconf-config-change xmlns=\"urn:ietf:params:xml:ns:yang:ietf-netconf-notifications\"/>";
    subscribe(&o);
    commit_change("eth0", "overflow 1");
    commit_change("eth0", "overflow 2");
    commit_change("eth0", "overflow 3");
    /* requests on the session read what came before their replies into the queue: one is kept */
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "<interfaces xmlns=\"" IF_NS "\"/>", NULL));
    devconf_free(out);
    ck_assert_uint_eq(devconf_subscription_received(sub), 3);
    ck_assert_uint_eq(devconf_subscription_dropped(sub), 2);
    ck_assert(test_log_contains("the queue is full"));
    devconf_notification *n = next_config_change();
    ck_assert_uint_eq(devconf_notification_dropped_before(n), 0); /* the first was kept */
    devconf_notification_free(n);
    commit_change("eth0", "overflow 4");
    n = next_config_change();
    ck_assert_uint_eq(devconf_notification_dropped_before(n), 2); /* the gap before it */
    devconf_notification_free(n);
    ck_assert_uint_eq(devconf_subscription_dropped(sub), 2);
}
END_TEST

START_TEST(a_quiet_stream_times_out_and_goes_on)
{
    devconf_subscribe_options o = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    o.filter = "<netconf-config-change xmlns=\"urn:ietf:params:xml:ns:yang:ietf-netconf-notifications\"/>";
    subscribe(&o);
    devconf_notification *n = NULL;
    ASSERT_FAILS(devconf_subscription_next(&n, sub, 0), DEVCONF_ETIMEOUT);
    ASSERT_FAILS(devconf_subscription_next(&n, sub, 200), DEVCONF_ETIMEOUT);
    ck_assert_ptr_null(n);
    commit_change("eth0", "after the quiet");
    n = next_config_change();
    devconf_notification_free(n);
}
END_TEST

static int count_cb(const devconf_notification *n, void *payload)
{
    if (devconf_notification_name(n) && !strcmp(devconf_notification_name(n), CONFIG_CHANGE)) {
        ++*(int *)payload;
    }
    return 0;
}

START_TEST(dispatch_calls_the_callback)
{
    int seen = 0;
    devconf_subscribe_options o = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    o.callback = count_cb;
    o.callback_payload = &seen;
    subscribe(&o);
    devconf_notification *n = NULL;
    ASSERT_FAILS(devconf_subscription_next(&n, sub, 0), DEVCONF_EINVAL); /* a callback: dispatch */
    commit_change("eth0", "dispatched");
    while (!seen) {
        int r = devconf_subscription_dispatch(sub, WAIT_MS);
        ck_assert_msg(r > 0, "dispatch: %d %s", r, devconf_error_message(devconf_error_last()));
    }
    ck_assert_int_eq(seen, 1);
}
END_TEST

struct puller {
    devconf_subscription *sub;
    int code;
    char *text;
};

static void *pull_config_change(void *arg)
{
    struct puller *p = arg;
    for (;;) {
        devconf_notification *n = NULL;
        p->code = devconf_subscription_next(&n, p->sub, WAIT_MS);
        if (p->code < 0 || !n) {
            break;
        }
        const char *name = devconf_notification_name(n);
        if (name && !strcmp(name, CONFIG_CHANGE)) {
            p->text = strdup(devconf_notification_text(n));
            devconf_notification_free(n);
            break;
        }
        devconf_notification_free(n);
    }
    devconf_thread_cleanup();
    return NULL;
}

START_TEST(a_pull_on_another_thread_while_requests_run)
{
    subscribe(NULL);
    struct puller p = { sub, 0, NULL };
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, pull_config_change, &p), 0);
    for (int i = 0; i < 5; i++) {
        char *out = NULL;
        ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "<interfaces xmlns=\"" IF_NS "\"/>", NULL));
        devconf_free(out);
    }
    commit_change("eth0", "threaded");
    for (int i = 0; i < 5; i++) {
        char *out = NULL;
        ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "<interfaces xmlns=\"" IF_NS "\"/>", NULL));
        devconf_free(out);
    }
    pthread_join(th, NULL);
    ck_assert_msg(p.code == 0 && p.text, "puller: %d", p.code);
    ck_assert_ptr_nonnull(strstr(p.text, "netconf-config-change"));
    free(p.text);
}
END_TEST

START_TEST(freeing_a_subscription_mid_stream_is_clean)
{
    subscribe(NULL);
    commit_change("eth0", "freed 1");
    commit_change("eth0", "freed 2");
    devconf_subscription_free(sub); /* notifications on the wire, some maybe queued */
    sub = NULL;
    char *out = NULL; /* the session goes on; what arrives now is dropped */
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "<interfaces xmlns=\"" IF_NS "\"/>", NULL));
    devconf_free(out);
    commit_change("eth0", "freed 3");
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "<interfaces xmlns=\"" IF_NS "\"/>", NULL));
    devconf_free(out);
}
END_TEST

START_TEST(a_subscription_outliving_its_session_fails_cleanly)
{
    subscribe(NULL);
    commit_change("eth0", "session gone");
    devconf_session_free(s);
    s = NULL;
    devconf_notification *n = NULL;
    ASSERT_FAILS(devconf_subscription_next(&n, sub, 0), DEVCONF_ECONNECT);
    ck_assert_ptr_null(n);
}
END_TEST

/* ---- replay, stop time, filters, a broken session ---- */

#define SESSION_START "ietf-netconf-notifications:netconf-session-start"
#define REPLAY_COMPLETE "nc-notifications:replayComplete"

/* The device's current time, as RFC 3339 text in UTC, shifted by delta seconds (the device runs
 * on this machine: one clock). */
static void time_text(char *buf, size_t len, long delta)
{
    time_t now = time(NULL) + delta;
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Pulls until a notification whose text contains needle; returns it (event order kept in *seen). */
static devconf_notification *next_containing(const char *needle)
{
    for (;;) {
        devconf_notification *n = NULL;
        int r = devconf_subscription_next(&n, sub, WAIT_MS);
        ck_assert_msg(r == 0 && n, "next failed: %d %s", r, devconf_error_message(devconf_error_last()));
        if (strstr(devconf_notification_text(n), needle)) {
            return n;
        }
        devconf_notification_free(n);
    }
}

START_TEST(replay_returns_earlier_events_in_order_with_their_times)
{
    /* netconfd 2.13 keeps a replay log (replaySupport true in /netconf/streams) but does not announce
     * :replay in its hello: devconf asks the stream list before refusing a start time */
    ck_assert(!devconf_session_has_capability(s, "urn:ietf:params:netconf:capability:replay:1.0"));
    char start[40];
    time_text(start, sizeof start, -2);
    commit_change("replay-a", "replay a");
    commit_change("replay-b", "replay b");
    sleep(1); /* the subscription's own time is after the events' (whole seconds in the device's log) */
    char before[40];
    time_text(before, sizeof before, 0);
    devconf_subscribe_options o = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    o.start_time = start;
    subscribe(&o);
    devconf_notification *a = next_containing("replay-a");
    devconf_notification *b = next_containing("replay-b");
    const char *ta = devconf_notification_event_time(a), *tb = devconf_notification_event_time(b);
    /* original event times: not later than the subscription, in order (same-format RFC 3339 text) */
    ck_assert_msg(strcmp(ta, tb) <= 0, "out of order: %s then %s", ta, tb);
    ck_assert_msg(strncmp(tb, before, 19) <= 0, "event time %s is not before the subscription (%s)", tb, before);
    ck_assert_msg(strncmp(ta, start, 19) >= 0, "event time %s is before the start time %s", ta, start);
    devconf_notification_free(a);
    devconf_notification_free(b);
    /* then the end of the replay, and live events after it */
    devconf_notification *rc = NULL;
    for (;;) {
        ck_assert_int_eq(devconf_subscription_next(&rc, sub, WAIT_MS), 0);
        ck_assert_ptr_nonnull(rc);
        if (devconf_notification_name(rc) && !strcmp(devconf_notification_name(rc), REPLAY_COMPLETE)) {
            break;
        }
        devconf_notification_free(rc);
    }
    devconf_notification_free(rc);
    commit_change("replay-c", "live after replay");
    devconf_notification *c = next_containing("replay-c");
    devconf_notification_free(c);
}
END_TEST

START_TEST(a_stop_time_ends_the_subscription)
{
    char start[40], stop[40];
    time_text(start, sizeof start, -2);
    commit_change("stop-a", "before the stop time");
    sleep(1);
    time_text(stop, sizeof stop, 0);
    sleep(1);
    devconf_subscribe_options o = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    o.start_time = start;
    o.stop_time = stop;
    subscribe(&o);
    devconf_notification *a = next_containing("stop-a");
    devconf_notification_free(a);
    /* replayComplete may come, then notificationComplete ends it: 0 with NULL, and again */
    bool replay_complete = false;
    for (;;) {
        devconf_notification *n = NULL;
        int r = devconf_subscription_next(&n, sub, WAIT_MS);
        ck_assert_msg(r == 0, "next failed: %d %s", r, devconf_error_message(devconf_error_last()));
        if (!n) {
            break;
        }
        const char *name = devconf_notification_name(n);
        ck_assert_msg(!strstr(devconf_notification_text(n), "stop-b"), "an event after the stop time");
        replay_complete |= name && !strcmp(name, REPLAY_COMPLETE);
        devconf_notification_free(n);
    }
    ck_assert(replay_complete);
    devconf_notification *n = (devconf_notification *)1;
    ck_assert_int_eq(devconf_subscription_next(&n, sub, 0), 0);
    ck_assert_ptr_null(n);
    ck_assert_int_eq(devconf_subscription_next(&n, sub, 100), 0);
    ck_assert_ptr_null(n);
    /* the session goes on */
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "<interfaces xmlns=\"" IF_NS "\"/>", NULL));
    devconf_free(out);
}
END_TEST

START_TEST(bad_replay_times_are_refused)
{
    char past[40], future[40];
    time_text(past, sizeof past, -3600);
    time_text(future, sizeof future, 3600);
    devconf_subscribe_options o = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    /* a stop time before the start time: refused locally (RFC 5277 2.1.1), nothing sent */
    o.start_time = future;
    o.stop_time = past;
    ASSERT_FAILS(devconf_subscribe(&sub, s, &o), DEVCONF_EINVAL);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "later than"));
    /* not RFC 3339 text: refused locally */
    o.start_time = "yesterday";
    o.stop_time = NULL;
    ASSERT_FAILS(devconf_subscribe(&sub, s, &o), DEVCONF_EINVAL);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "RFC 3339"));
    /* a start time in the future: only the device knows its clock; its rpc-error is surfaced */
    o.start_time = future;
    int r = devconf_subscribe(&sub, s, &o);
    ck_assert_msg(r == DEVCONF_ERPC, "start time in the future: %d %s", r, devconf_error_message(devconf_error_last()));
    ck_assert_ptr_null(sub);
    ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), "create-subscription"), "%s",
                  devconf_error_message(devconf_error_last()));
    /* the session can still subscribe */
    o.start_time = past;
    subscribe(&o);
}
END_TEST

/* XPath filters are tested against the scripted server (test_notify_scripted.c): netconfd 2.13
 * aborts on an assertion (agt_acm.c:2603, 'cache is NULL!') when it evaluates an XPath-filtered
 * subscription against an event.
 *
 * Subscribed with filter: a third session opens (session-start) and commits (config-change); only
 * what the filter selects arrives. */
static void only_session_starts_arrive(void)
{
    devconf_session *third = open_session();
    commit_change("eth0", "filtered out");
    devconf_notification *n = NULL;
    ck_assert_int_eq(devconf_subscription_next(&n, sub, WAIT_MS), 0);
    ck_assert_ptr_nonnull(n);
    ck_assert_str_eq(devconf_notification_name(n), SESSION_START);
    devconf_notification_free(n);
    devconf_session_free(third);
    /* a get on the subscribed session reads everything the device sent before its reply */
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "<interfaces xmlns=\"" IF_NS "\"/>", NULL));
    devconf_free(out);
    ck_assert_int_eq(devconf_subscription_next(&n, sub, 0), DEVCONF_ETIMEOUT);
    ck_assert_uint_eq(devconf_subscription_received(sub), 1);
}

START_TEST(a_subtree_filter_selects_some_events)
{
    devconf_subscribe_options o = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    o.filter = "<netconf-session-start xmlns=\"urn:ietf:params:xml:ns:yang:ietf-netconf-notifications\"/>";
    subscribe(&o);
    only_session_starts_arrive();
}
END_TEST

static void *pull_once(void *arg)
{
    struct puller *p = arg;
    devconf_notification *n = NULL;
    do {
        devconf_notification_free(n);
        n = NULL;
        p->code = devconf_subscription_next(&n, p->sub, WAIT_MS);
    } while (p->code == 0 && n);
    devconf_notification_free(n);
    if (p->code < 0) {
        p->text = strdup(devconf_error_message(devconf_error_last()));
    }
    devconf_thread_cleanup();
    return NULL;
}

START_TEST(a_session_killed_while_a_pull_waits_fails_the_pull)
{
    devconf_subscribe_options o = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    o.filter = "<netconf-config-change xmlns=\"urn:ietf:params:xml:ns:yang:ietf-netconf-notifications\"/>";
    subscribe(&o);
    struct puller p = { sub, 0, NULL };
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, pull_once, &p), 0);
    usleep(300 * 1000); /* let the pull start waiting (the outcome is the same if it has not yet) */
    ASSERT_OK(devconf_kill_session(other, devconf_session_id(s), NULL)); /* the device ends it */
    pthread_join(th, NULL);
    ck_assert_msg(p.code == DEVCONF_ECONNECT, "pull: %d %s", p.code, p.text ? p.text : "");
    free(p.text);
    devconf_notification *n = NULL;
    ASSERT_FAILS(devconf_subscription_next(&n, sub, 0), DEVCONF_ECONNECT); /* and keeps saying so */
}
END_TEST

int main(void)
{
    Suite *su = suite_create("api-notify");
    TCase *tc = tcase_create("notify");
    tcase_set_timeout(tc, 600);
    tcase_add_unchecked_fixture(tc, server_up, server_down);
    tcase_add_checked_fixture(tc, sessions_up, sessions_down);
    tcase_add_test(tc, subscribe_options_init_rejects_unknown_versions);
    tcase_add_test(tc, subscribe_refuses_bad_arguments_before_sending);
    tcase_add_test(tc, a_second_subscription_on_a_session_is_refused);
    tcase_add_test(tc, config_change_arrives_with_event_time_and_path);
    tcase_add_test(tc, config_change_in_json);
    tcase_add_test(tc, requests_on_the_subscribed_session_keep_working);
    tcase_add_test(tc, a_full_queue_drops_counts_and_reports_the_gap);
    tcase_add_test(tc, a_quiet_stream_times_out_and_goes_on);
    tcase_add_test(tc, dispatch_calls_the_callback);
    tcase_add_test(tc, a_pull_on_another_thread_while_requests_run);
    tcase_add_test(tc, freeing_a_subscription_mid_stream_is_clean);
    tcase_add_test(tc, a_subscription_outliving_its_session_fails_cleanly);
    tcase_add_test(tc, replay_returns_earlier_events_in_order_with_their_times);
    tcase_add_test(tc, a_stop_time_ends_the_subscription);
    tcase_add_test(tc, bad_replay_times_are_refused);
    tcase_add_test(tc, a_subtree_filter_selects_some_events);
    tcase_add_test(tc, a_session_killed_while_a_pull_waits_fails_the_pull);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
