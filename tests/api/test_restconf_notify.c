/* RESTCONF event streams (RFC 8040 section 6) against the scripted responder
 * (tests/fixtures/restconf/responder.py, scenarios responder/events.json and events-xml.json):
 * streams found in ietf-restconf-monitoring, Server-Sent Events in JSON and XML, requests on the
 * subscribed session meanwhile, the bounded queue, quiet streams, the end of a stream with and
 * without a stop time, hostile stream locations, filters and times as query parameters, local
 * refusals and an over-long event. Jetconf has no event streams: the responder is the peer. */
#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <devconf/devconf.h>

#include "test_responder.h"
#include "test_server.h"
#include "test_util.h"

/* generous: a CI run on a small machine; never a timing assertion */
#define WAIT_MS 30000
#define ALARM "devconf-test-events:alarm"
#define RESTARTED "devconf-test-events:restarted"

static devconf_ctx *ctx;

static void setup(void)
{
    test_ctx_up_tmp(&ctx, "/tmp/devconf-rcnotify-cache-XXXXXX", NULL);
}

static void teardown(void)
{
    test_ctx_down(&ctx, 1);
}

static devconf_session *open_with(const test_responder *r, uint64_t max_reply_bytes)
{
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.rpc_timeout_ms = WAIT_MS;
    o.connect_timeout_ms = WAIT_MS;
    o.max_reply_bytes = max_reply_bytes;
    devconf_session *s = NULL;
    int rc = devconf_session_open(&s, ctx, r->uri, &o);
    ck_assert_msg(rc == 0, "open: %d %s", rc, devconf_error_message(devconf_error_last()));
    return s;
}

static devconf_session *open_rfc(const test_responder *r)
{
    return open_with(r, 0);
}

static devconf_subscription *subscribe(devconf_session *s, const char *stream, devconf_format format, size_t cap)
{
    devconf_subscribe_options o = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    o.stream = stream;
    o.format = format;
    o.queue_capacity = cap;
    devconf_subscription *sub = NULL;
    ASSERT_OK(devconf_subscribe(&sub, s, &o));
    ck_assert_ptr_nonnull(sub);
    return sub;
}

/* The next notification, which must come; the caller frees it. */
static devconf_notification *next(devconf_subscription *sub)
{
    devconf_notification *n = NULL;
    ASSERT_OK(devconf_subscription_next(&n, sub, WAIT_MS));
    ck_assert_ptr_nonnull(n);
    return n;
}

static void expect(devconf_subscription *sub, const char *name, const char *time, const char *piece)
{
    devconf_notification *n = next(sub);
    if (name) {
        ck_assert_ptr_nonnull(devconf_notification_name(n));
        ck_assert_str_eq(devconf_notification_name(n), name);
    } else {
        ck_assert_ptr_null(devconf_notification_name(n));
    }
    ck_assert_str_eq(devconf_notification_event_time(n), time);
    ck_assert_msg(strstr(devconf_notification_text(n), piece), "'%s' not in %s", piece, devconf_notification_text(n));
    devconf_notification_free(n);
}

/* A request on the subscribed session (the responder's signal to send what follows). */
static void read_settings(devconf_session *s)
{
    char *out = NULL;
    ASSERT_OK(devconf_get(&out, s, "/devconf-example:settings", NULL));
    ck_assert_msg(strstr(out, "r1"), "%s", out);
    free(out);
}

START_TEST(json_events_interleaved)
{
    test_responder r;
    test_responder_start(&r, "events.json");
    devconf_session *s = open_rfc(&r);
    devconf_subscription *sub = subscribe(s, NULL, DEVCONF_FORMAT_JSON, 0); /* the NETCONF stream */
    /* a comment first, then an event */
    expect(sub, ALARM, "2026-12-02T10:00:00Z", "{\"devconf-test-events:alarm\":{\"severity\":\"major\"");
    /* split across two writes, lines ended by CRLF */
    expect(sub, RESTARTED, "2026-12-02T10:00:01Z", "\"reason\":\"upgrade\"");
    /* a keep-alive comment, then a notification the schemas do not describe (skipped in JSON), then
     * an event with event: and id: fields */
    expect(sub, ALARM, "2026-12-02T10:00:03Z", "\"resource\":\"psu1\"");
    ck_assert_uint_eq(devconf_subscription_rejected(sub), 1);
    ck_assert(test_log_contains("not described by its schemas"));
    /* the stream is quiet until the responder sees the GET below */
    devconf_notification *n = NULL;
    ASSERT_FAILS(devconf_subscription_next(&n, sub, 0), DEVCONF_ETIMEOUT);
    ck_assert_ptr_null(n);
    ASSERT_FAILS(devconf_subscription_next(&n, sub, 200), DEVCONF_ETIMEOUT);
    ck_assert_ptr_null(n);
    /* a request on the subscribed session, and the subscription goes on */
    read_settings(s);
    expect(sub, ALARM, "2026-12-02T10:00:04Z", "\"resource\":\"late\"");
    ck_assert_uint_eq(devconf_subscription_received(sub), 5);
    ck_assert_uint_eq(devconf_subscription_dropped(sub), 0);
    read_settings(s);
    devconf_subscription_free(sub);
    read_settings(s); /* the session goes on after the subscription */
    devconf_session_free(s);
    char *reqs = test_responder_stop(&r);
    ck_assert_int_eq(test_count(reqs, "\"unexpected\""), 0);
    ck_assert_int_eq(test_count(reqs, "\"path\": \"/restconf/data/ietf-restconf-monitoring:restconf-state/streams\""),
                     1);
    /* the location was an absolute URL of the session's server; the stream asked for events */
    ck_assert_int_eq(test_count(reqs, "\"path\": \"/streams/netconf-json\""), 1);
    ck_assert_int_eq(test_count(reqs, "\"Accept\": \"text/event-stream\""), 1);
    free(reqs);
}
END_TEST

struct puller {
    devconf_subscription *sub;
    int rc;
    devconf_notification *n;
};

static void *pull_thread(void *arg)
{
    struct puller *p = arg;
    p->rc = devconf_subscription_next(&p->n, p->sub, WAIT_MS);
    return NULL;
}

START_TEST(pull_on_another_thread_while_requests_run)
{
    test_responder r;
    test_responder_start(&r, "events.json");
    devconf_session *s = open_rfc(&r);
    devconf_subscription *sub = subscribe(s, "NETCONF", DEVCONF_FORMAT_JSON, 0);
    for (int i = 0; i < 3; i++) {
        devconf_notification_free(next(sub));
    }
    /* a pull waits on the quiet stream on one thread; this thread's request is not held up by it,
     * and the event the request makes the responder send reaches the pull */
    struct puller p = { sub, 1, NULL };
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, pull_thread, &p), 0);
    read_settings(s);
    read_settings(s);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    ck_assert_msg(p.rc == 0 && p.n, "pull on the other thread: %d", p.rc);
    ck_assert_str_eq(devconf_notification_event_time(p.n), "2026-12-02T10:00:04Z");
    devconf_notification_free(p.n);
    devconf_subscription_free(sub);
    devconf_session_free(s);
    free(test_responder_stop(&r));
}
END_TEST

static int on_notification(const devconf_notification *n, void *payload)
{
    int *seen = payload;
    ck_assert_ptr_nonnull(devconf_notification_event_time(n));
    (*seen)++;
    return 0;
}

START_TEST(xml_events_and_xml_streams_list)
{
    test_responder r;
    test_responder_start(&r, "events-xml.json");
    devconf_session *s = open_rfc(&r);
    devconf_subscription *sub = subscribe(s, "NETCONF", DEVCONF_FORMAT_XML, 0);
    /* one event in two data: lines, joined by \n */
    expect(sub, ALARM, "2026-12-02T11:00:00Z", "<alarm xmlns=\"urn:devconf:test-events\"><severity>major</severity>");
    /* not in the schemas: delivered as sent, without a name */
    expect(sub, NULL, "2026-12-02T11:00:01Z", "<thing xmlns=\"urn:example:unknown\">");
    expect(sub, RESTARTED, "2026-12-02T11:00:02Z", "<reason>power</reason>");
    ck_assert_uint_eq(devconf_subscription_rejected(sub), 0);
    read_settings(s);
    devconf_subscription_free(sub);
    /* the same stream again, dispatched to a callback (a session holds one subscription at a time) */
    int seen = 0;
    devconf_subscribe_options o = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    o.callback = on_notification;
    o.callback_payload = &seen;
    ASSERT_OK(devconf_subscribe(&sub, s, &o));
    devconf_subscription *second = NULL;
    ASSERT_FAILS(devconf_subscribe(&second, s, NULL), DEVCONF_EINVAL);
    while (seen < 3) {
        int got = devconf_subscription_dispatch(sub, WAIT_MS);
        ck_assert_msg(got > 0, "dispatch: %d %s", got, devconf_error_message(devconf_error_last()));
    }
    ck_assert_int_eq(seen, 3);
    devconf_subscription_free(sub);
    devconf_session_free(s);
    char *reqs = test_responder_stop(&r);
    ck_assert_int_eq(test_count(reqs, "\"unexpected\""), 0);
    ck_assert_int_eq(test_count(reqs, "\"path\": \"/streams/netconf-xml\""), 2);
    free(reqs);
}
END_TEST

START_TEST(queue_overflow)
{
    test_responder r;
    test_responder_start(&r, "events.json");
    devconf_session *s = open_rfc(&r);
    devconf_subscription *sub = subscribe(s, "burst", DEVCONF_FORMAT_JSON, 1);
    /* three events in one write: the queue of one keeps the first */
    devconf_notification *n = next(sub);
    ck_assert_str_eq(devconf_notification_event_time(n), "2026-12-02T13:00:00Z");
    ck_assert_uint_eq(devconf_notification_dropped_before(n), 0);
    devconf_notification_free(n);
    ck_assert_uint_eq(devconf_subscription_dropped(sub), 2);
    ck_assert(test_log_contains("the queue is full"));
    read_settings(s);
    n = next(sub);
    ck_assert_str_eq(devconf_notification_event_time(n), "2026-12-02T13:00:03Z");
    ck_assert_uint_eq(devconf_notification_dropped_before(n), 2);
    devconf_notification_free(n);
    ck_assert_uint_eq(devconf_subscription_received(sub), 4);
    devconf_subscription_free(sub);
    devconf_session_free(s);
    free(test_responder_stop(&r));
}
END_TEST

START_TEST(replay_with_stop_time_ends)
{
    test_responder r;
    test_responder_start(&r, "events.json");
    devconf_session *s = open_rfc(&r);
    devconf_subscribe_options o = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    o.stream = "replay";
    o.format = DEVCONF_FORMAT_JSON;
    o.filter = "/dcte:alarm[severity='major']";
    o.start_time = "2026-12-01T00:00:00Z";
    o.stop_time = "2026-12-01T02:00:00+01:00";
    devconf_subscription *sub = NULL;
    ASSERT_OK(devconf_subscribe(&sub, s, &o));
    expect(sub, ALARM, "2026-12-01T00:00:01Z", "\"r1\"");
    expect(sub, ALARM, "2026-12-01T00:00:02Z", "\"r2\"");
    /* the server closed the stream after the stop time: the end of the subscription */
    devconf_notification *n = NULL;
    ASSERT_OK(devconf_subscription_next(&n, sub, WAIT_MS));
    ck_assert_ptr_null(n);
    ASSERT_OK(devconf_subscription_next(&n, sub, WAIT_MS));
    ck_assert_ptr_null(n);
    devconf_subscription_free(sub);
    devconf_session_free(s);
    char *reqs = test_responder_stop(&r);
    /* the filter and the times, percent-encoded query parameters (RFC 8040 4.8.4, 4.8.7, 4.8.8) */
    const char *want = "\"path\": \"/streams/replay-json?filter=%2Fdcte%3Aalarm%5Bseverity%3D%27major%27%5D"
                       "&start-time=2026-12-01T00%3A00%3A00Z&stop-time=2026-12-01T02%3A00%3A00%2B01%3A00\"";
    ck_assert_msg(test_count(reqs, want) == 1, "%s", reqs);
    free(reqs);
}
END_TEST

START_TEST(stream_closed_without_stop_time)
{
    test_responder r;
    test_responder_start(&r, "events.json");
    devconf_session *s = open_rfc(&r);
    devconf_subscription *sub = subscribe(s, "broken", DEVCONF_FORMAT_JSON, 0);
    expect(sub, ALARM, "2026-12-02T12:00:00Z", "\"b1\"");
    devconf_notification *n = NULL;
    ASSERT_FAILS(devconf_subscription_next(&n, sub, WAIT_MS), DEVCONF_ECONNECT);
    ck_assert_ptr_null(n);
    ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), "closed the stream"), "%s",
                  devconf_error_message(devconf_error_last()));
    ASSERT_FAILS(devconf_subscription_next(&n, sub, 0), DEVCONF_ECONNECT);
    read_settings(s); /* the session is fine */
    devconf_subscription_free(sub);
    /* a subscription outliving its session */
    sub = subscribe(s, "NETCONF", DEVCONF_FORMAT_JSON, 0);
    devconf_session_free(s);
    int got;
    while ((got = devconf_subscription_next(&n, sub, 0)) == 0 && n) {
        devconf_notification_free(n); /* what had arrived before the session was freed */
    }
    ck_assert_int_eq(got, DEVCONF_ECONNECT);
    ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), "closed"), "%s",
                  devconf_error_message(devconf_error_last()));
    devconf_subscription_free(sub);
    free(test_responder_stop(&r));
}
END_TEST

START_TEST(hostile_locations_refused)
{
    test_responder r;
    test_responder_start(&r, "events.json");
    devconf_session_options so = DEVCONF_SESSION_OPTIONS_INIT;
    so.username = "admin";
    so.password = "sekrit-pw";
    so.rpc_timeout_ms = WAIT_MS;
    devconf_session *s = NULL;
    ASSERT_OK(devconf_session_open(&s, ctx, r.uri, &so));
    const char *streams[][2] = { { "evil-host", "another host" },
                                 { "evil-user", "user information" },
                                 { "evil-scheme", "another scheme" },
                                 { "evil-dots", "'..'" } };
    for (size_t i = 0; i < sizeof streams / sizeof streams[0]; i++) {
        devconf_subscribe_options o = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
        o.stream = streams[i][0];
        o.format = DEVCONF_FORMAT_JSON;
        devconf_subscription *sub = NULL;
        ASSERT_FAILS(devconf_subscribe(&sub, s, &o), DEVCONF_EPROTO);
        ck_assert_ptr_null(sub);
        const char *msg = devconf_error_message(devconf_error_last());
        ck_assert_msg(strstr(msg, streams[i][1]) && strstr(msg, "nothing was sent there"), "%s: %s", streams[i][0],
                      msg);
        ck_assert_msg(!strstr(msg, "sekrit"), "%s", msg);
    }
    ck_assert(!test_log_contains("sekrit-pw"));
    read_settings(s);
    devconf_session_free(s);
    char *reqs = test_responder_stop(&r);
    ck_assert_int_eq(test_count(reqs, "evil-json"), 0);
    free(reqs);
}
END_TEST

START_TEST(refused_locally_and_by_the_server)
{
    test_responder r;
    test_responder_start(&r, "events.json");
    devconf_session *s = open_rfc(&r);
    devconf_subscription *sub = NULL;
    devconf_subscribe_options o = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    /* RESTCONF takes XPath only */
    o.filter = "<alarm xmlns=\"urn:devconf:test-events\"/>";
    ASSERT_FAILS(devconf_subscribe(&sub, s, &o), DEVCONF_EUNSUPPORTED);
    ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), "XPath"), "%s",
                  devconf_error_message(devconf_error_last()));
    o.filter = "/dcte:alarm";
    o.filter_type = DEVCONF_FILTER_SUBTREE;
    ASSERT_FAILS(devconf_subscribe(&sub, s, &o), DEVCONF_EUNSUPPORTED);
    o.filter_type = DEVCONF_FILTER_AUTO;
    o.filter = NULL;
    o.start_time = "yesterday";
    ASSERT_FAILS(devconf_subscribe(&sub, s, &o), DEVCONF_EINVAL);
    char *reqs = test_responder_requests(&r);
    ck_assert_int_eq(test_count(reqs, "restconf-state/streams"), 0); /* nothing was sent */
    free(reqs);
    /* the NETCONF stream here has no replay log */
    o.start_time = "2026-12-01T00:00:00Z";
    ASSERT_FAILS(devconf_subscribe(&sub, s, &o), DEVCONF_EUNSUPPORTED);
    ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), "replay-support"), "%s",
                  devconf_error_message(devconf_error_last()));
    o.start_time = NULL;
    /* no such stream; no JSON location; the server refuses the stream */
    o.stream = "nope";
    ASSERT_FAILS(devconf_subscribe(&sub, s, &o), DEVCONF_ERPC);
    o.stream = "xml-only";
    o.format = DEVCONF_FORMAT_JSON;
    ASSERT_FAILS(devconf_subscribe(&sub, s, &o), DEVCONF_EUNSUPPORTED);
    ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), "no json encoding"), "%s",
                  devconf_error_message(devconf_error_last()));
    o.stream = "refused";
    ASSERT_FAILS(devconf_subscribe(&sub, s, &o), DEVCONF_EAUTH);
    ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), "no event streams for you"), "%s",
                  devconf_error_message(devconf_error_last()));
    /* a 200 that is no event stream (and never ends): refused at its headers */
    o.stream = "not-sse";
    ASSERT_FAILS(devconf_subscribe(&sub, s, &o), DEVCONF_EPROTO);
    ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), "not text/event-stream"), "%s",
                  devconf_error_message(devconf_error_last()));
    ck_assert_ptr_null(sub);
    read_settings(s);
    devconf_session_free(s);
    reqs = test_responder_stop(&r);
    ck_assert_int_eq(test_count(reqs, "\"path\": \"/streams/refused-json\""), 1);
    ck_assert_int_eq(test_count(reqs, "\"path\": \"/streams/netconf-xml\""), 0);
    free(reqs);
}
END_TEST

START_TEST(over_long_event_breaks_the_stream)
{
    test_responder r;
    test_responder_start(&r, "events.json");
    devconf_session *s = open_with(&r, 65536);
    devconf_subscription *sub = subscribe(s, "big", DEVCONF_FORMAT_JSON, 0);
    expect(sub, ALARM, "2026-12-02T14:00:00Z", "\"small\"");
    devconf_notification *n = NULL;
    ASSERT_FAILS(devconf_subscription_next(&n, sub, WAIT_MS), DEVCONF_EPROTO);
    ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), "max_reply_bytes"), "%s",
                  devconf_error_message(devconf_error_last()));
    ASSERT_FAILS(devconf_subscription_next(&n, sub, 0), DEVCONF_EPROTO);
    read_settings(s);
    devconf_subscription_free(sub);
    devconf_session_free(s);
    free(test_responder_stop(&r));
}
END_TEST

int main(void)
{
    Suite *su = suite_create("restconf-notify");
    TCase *tc = tcase_create("events");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, json_events_interleaved);
    tcase_add_test(tc, pull_on_another_thread_while_requests_run);
    tcase_add_test(tc, xml_events_and_xml_streams_list);
    tcase_add_test(tc, queue_overflow);
    tcase_add_test(tc, replay_with_stop_time_ends);
    tcase_add_test(tc, stream_closed_without_stop_time);
    tcase_add_test(tc, hostile_locations_refused);
    tcase_add_test(tc, refused_locally_and_by_the_server);
    tcase_add_test(tc, over_long_event_breaks_the_stream);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
