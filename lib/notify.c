/* Subscriptions, device-agnostic: options, the bounded queue, pulls and dispatch, and the parsing
 * of each notification message. The transports (lib/netconf/notify.c, lib/restconf/notify.c) send
 * the subscription and hand over what arrives; see docs/notifications.md for the threading design. */
#include "devconf_p.h"
#include "yang/yang_p.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libyang/libyang.h>

static const size_t subscribe_sizes[] = { sizeof(devconf_subscribe_options) };

/* A bound on the queue: past it a caller's mistake (a size_t from a negative int) is likelier than a need. */
#define MAX_QUEUE_CAPACITY (1u << 24)

/* An RFC 3339 date-time (yang:date-and-time) as seconds since the epoch plus nanoseconds: 0, or -1
 * when the text is not one. Days are checked against the month (leap years too). */
static int parse_time(const char *t, int64_t *secs, long *nanos)
{
    int y, mo, d, h, mi, se, n = 0;
    if (sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) != 6 || n != 19) {
        return -1;
    }
    static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 ||
        se > 60) {
        return -1;
    }
    const char *p = t + 19;
    long ns = 0, scale = 100000000L;
    if (*p == '.') {
        if (!(p[1] >= '0' && p[1] <= '9')) {
            return -1;
        }
        for (p++; *p >= '0' && *p <= '9'; p++) {
            ns += (*p - '0') * scale;
            scale /= 10;
        }
    }
    int off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5 || oh > 23 || om > 59) {
            return -1;
        }
        off = (*p == '-' ? -1 : 1) * (oh * 3600 + om * 60);
        p += 6;
    } else {
        return -1;
    }
    if (*p) {
        return -1;
    }
    /* days from the civil date (Howard Hinnant's algorithm), no time zone of this process involved */
    int yy = y - (mo <= 2);
    int era = (yy >= 0 ? yy : yy - 399) / 400;
    int yoe = yy - era * 400;
    int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = (int64_t)era * 146097 + doe - 719468;
    *secs = days * 86400 + h * 3600 + mi * 60 + se - off;
    *nanos = ns;
    return 0;
}

/* Start and stop times: RFC 3339 text, and the stop time later than the start time (RFC 5277
 * section 2.1.1, RFC 8639 section 2.4.2), checked before anything is sent. */
static int check_times(const char *start, const char *stop)
{
    int64_t s0 = 0, s1 = 0;
    long n0 = 0, n1 = 0;
    const char *bad = start && parse_time(start, &s0, &n0) < 0 ? start : stop && parse_time(stop, &s1, &n1) < 0 ? stop : NULL;
    if (bad) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "devconf_subscribe: %s time '%.64s' is not an RFC 3339 date-time "
                                  "(e.g. 2026-01-31T12:00:00Z)", bad == start ? "the start" : "the stop", bad);
    }
    if (start && stop && (s1 < s0 || (s1 == s0 && n1 <= n0))) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "devconf_subscribe: the stop time %.64s must be later than the start time %.64s "
                                  "(RFC 5277 section 2.1.1)", stop, start);
    }
    return 0;
}

DEVCONF_API int devconf_subscribe_options_init(devconf_subscribe_options *opts, unsigned int version)
{
    devconf_subscribe_options d = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    return devconf__opts_init(opts, &d, version, subscribe_sizes, 1, "subscribe options");
}

void devconf__notification_free(devconf_notification *n)
{
    if (n) {
        free(n->event_time);
        free(n->name);
        free(n->text);
        free(n);
    }
}

static void sub_free_queue(devconf_subscription *sub)
{
    while (sub->head) {
        devconf_notification *n = sub->head;
        sub->head = n->next;
        devconf__notification_free(n);
    }
    sub->tail = NULL;
    sub->len = 0;
}

DEVCONF_API int devconf_subscribe(devconf_subscription **out, devconf_session *s,
                                  const devconf_subscribe_options *opts)
{
    devconf__error_clear();
    if (!out) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_subscribe: NULL out");
    }
    *out = NULL;
    devconf_subscribe_options o = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    int r = devconf__opts_copy(&o, sizeof o, opts, subscribe_sizes, 1, "subscribe options");
    if (r < 0) {
        return r;
    }
    if (o.format != DEVCONF_FORMAT_AUTO && o.format != DEVCONF_FORMAT_XML && o.format != DEVCONF_FORMAT_JSON) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_subscribe: unknown format %d",
                                  (int)o.format);
    }
    if ((unsigned)o.filter_type > DEVCONF_FILTER_XPATH) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_subscribe: unknown filter type %d",
                                  (int)o.filter_type);
    }
    if (o.queue_capacity > MAX_QUEUE_CAPACITY) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "devconf_subscribe: queue_capacity %zu is more than the limit of %u notifications",
                                  o.queue_capacity, MAX_QUEUE_CAPACITY);
    }
    if (o.stop_time && !o.start_time) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "devconf_subscribe: a stop time needs a start time (RFC 5277 section 2.1.1)");
    }
    if ((r = check_times(o.start_time, o.stop_time)) < 0) {
        return r;
    }
    struct devconf__call call = { o.timeout_ms, o.cancel_cb, o.cancel_payload };
    const struct devconf_ctx *prev;
    if ((r = devconf__call_enter(s, "devconf_subscribe", &prev, &call)) < 0) {
        return r;
    }
    if (!s->tp->subscribe) {
        r = devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EUNSUPPORTED,
                               "notifications are not available over %s yet", s->tp->name);
        return devconf__call_leave(s, prev, r);
    }
    devconf_subscription *sub = calloc(1, sizeof *sub);
    if (!sub) {
        return devconf__call_leave(s, prev, devconf__error_oom());
    }
    pthread_mutex_init(&sub->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&sub->cv, &ca);
    pthread_condattr_destroy(&ca);
    sub->s = s;
    sub->format = o.format == DEVCONF_FORMAT_JSON ? DEVCONF_FORMAT_JSON : DEVCONF_FORMAT_XML;
    sub->cb = o.callback;
    sub->cb_payload = o.callback_payload;
    sub->cap = o.queue_capacity ? o.queue_capacity : DEVCONF_DEFAULT_QUEUE_CAPACITY;
    if ((r = s->tp->subscribe(s, sub, &o)) < 0) {
        sub->s = NULL;
        devconf_subscription_free(sub);
        return devconf__call_leave(s, prev, r);
    }
    *out = sub;
    return devconf__call_leave(s, prev, 0);
}

/* ---- what the transports call ---- */

void devconf__sub_deliver(devconf_subscription *sub, devconf_notification *n)
{
    pthread_mutex_lock(&sub->mu);
    sub->received++;
    if (sub->len >= sub->cap) {
        if (sub->dropped++ == 0 && sub->s) {
            devconf__log(sub->s->ctx, DEVCONF_LOG_WARNING, "devconf",
                         "notifications from %s: the queue is full (%zu); new ones are dropped and counted until "
                         "the consumer catches up", sub->s->host, sub->cap);
        }
        sub->gap++;
        pthread_mutex_unlock(&sub->mu);
        devconf__notification_free(n);
        return;
    }
    n->dropped_before = sub->gap;
    sub->gap = 0;
    n->next = NULL;
    if (sub->tail) {
        sub->tail->next = n;
    } else {
        sub->head = n;
    }
    sub->tail = n;
    sub->len++;
    pthread_cond_broadcast(&sub->cv);
    pthread_mutex_unlock(&sub->mu);
}

void devconf__sub_reject(devconf_subscription *sub)
{
    pthread_mutex_lock(&sub->mu);
    sub->received++;
    sub->rejected++;
    pthread_mutex_unlock(&sub->mu);
}

void devconf__sub_complete(devconf_subscription *sub)
{
    pthread_mutex_lock(&sub->mu);
    sub->complete = true;
    pthread_cond_broadcast(&sub->cv);
    pthread_mutex_unlock(&sub->mu);
}

void devconf__sub_end(devconf_subscription *sub, int code, const char *msg)
{
    pthread_mutex_lock(&sub->mu);
    if (!sub->end_code) {
        sub->end_code = code;
        sub->end_msg = devconf__strdup(msg);
    }
    pthread_cond_broadcast(&sub->cv);
    pthread_mutex_unlock(&sub->mu);
}

void devconf__sub_detach(devconf_subscription *sub)
{
    devconf__sub_end(sub, DEVCONF_ECONNECT, "the session of this subscription was closed");
    pthread_mutex_lock(&sub->mu);
    sub->s = NULL;
    pthread_mutex_unlock(&sub->mu);
}

void devconf__sub_wake(devconf_subscription *sub)
{
    pthread_mutex_lock(&sub->mu);
    pthread_cond_broadcast(&sub->cv);
    pthread_mutex_unlock(&sub->mu);
}

/* ---- each notification message, shared by the transports ---- */

static char *node_name(const struct lyd_node *n)
{
    devconf__buf b = { 0 };
    devconf__buf_printf(&b, "%s:%s", n->schema->module->name, n->schema->name);
    if (b.failed) {
        devconf__buf_dispose(&b);
        return NULL;
    }
    return b.data;
}

/* Fills n from the notification node op of a parsed tree: its name and its text in the
 * subscription's format (the top-level node holding it, for a nested notification). */
static int fill_from_op(devconf_subscription *sub, const struct lyd_node *op, const char *event_time,
                        devconf_notification *n, bool *complete)
{
    const struct lyd_node *top = op;
    while (top->parent && top->parent->schema) {
        top = lyd_parent(top);
    }
    *complete = !strcmp(op->schema->name, "notificationComplete");
    n->event_time = devconf__strdup(event_time ? event_time : "");
    n->name = node_name(op);
    lyd_print_mem(&n->text, top, sub->format == DEVCONF_FORMAT_JSON ? LYD_JSON : LYD_XML, LYD_PRINT_SHRINK);
    return n->event_time && n->name && n->text ? 0 : DEVCONF_ENOMEM;
}

/* An XML <notification> envelope (RFC 5277; RESTCONF's XML encoding is the same) as the schemas
 * describe it: 0 with n filled, DEVCONF_EYANG when they do not describe it. */
static int parse_known_xml(devconf_subscription *sub, struct ly_ctx *ly, const char *msg, devconf_notification *n,
                           bool *complete)
{
    struct ly_in *in = NULL;
    struct lyd_node *env = NULL, *op = NULL;
    if (ly_in_new_memory(msg, &in) != LY_SUCCESS) {
        return DEVCONF_ENOMEM;
    }
    devconf__log_capture_begin();
    LY_ERR lr = lyd_parse_op(ly, NULL, in, LYD_XML, LYD_TYPE_NOTIF_NETCONF, &env, &op);
    devconf__log_capture_end();
    ly_in_free(in, 0);
    int r = DEVCONF_EYANG;
    struct lyd_node *op_top = op;
    while (op_top && op_top->parent) {
        op_top = lyd_parent(op_top);
    }
    if (lr == LY_SUCCESS && op && op->schema) {
        r = fill_from_op(sub, op, env ? devconf__child_value(env, "eventTime") : NULL, n, complete);
    }
    if (op_top && op_top != env) {
        lyd_free_all(op_top);
    }
    lyd_free_all(env);
    return r;
}

/* XML the schemas do not describe: the notification's content as the device sent it. */
static int parse_unknown_xml(const char *msg, devconf_notification *n, bool *complete)
{
    struct lyd_node *tree = NULL;
    devconf__log_capture_begin();
    LY_ERR lr = devconf__lyd_parse_xml(devconf__yang_boot(), msg, LYD_PARSE_ONLY | LYD_PARSE_OPAQ, &tree);
    devconf__log_capture_end();
    int r = DEVCONF_EPROTO;
    if (lr == LY_SUCCESS && tree) {
        const char *t = devconf__child_value(tree, "eventTime");
        for (const struct lyd_node *c = lyd_child(tree); c; c = c->next) {
            if (strcmp(devconf__node_name(c), "eventTime")) {
                *complete = !strcmp(devconf__node_name(c), "notificationComplete");
                n->event_time = devconf__strdup(t ? t : "");
                lyd_print_mem(&n->text, c, LYD_XML, LYD_PRINT_SHRINK);
                r = n->event_time && n->text ? 0 : DEVCONF_ENOMEM;
                break;
            }
        }
    }
    lyd_free_all(tree);
    return r;
}

/* A member name "module:name" with YANG identifier characters only (it is printed into JSON text). */
static bool qualified_name(const char *k)
{
    const char *colon = strchr(k, ':');
    if (!colon || colon == k || !colon[1] || strchr(colon + 1, ':')) {
        return false;
    }
    for (const char *p = k; *p; p++) {
        if (!(*p == ':' || *p == '-' || *p == '_' || *p == '.' || (*p >= '0' && *p <= '9') ||
              ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'))) {
            return false;
        }
    }
    return true;
}

/* RESTCONF JSON (RFC 8040 6.4): {"ietf-restconf:notification": {"eventTime": T, "module:name": {...}}}.
 * libyang 2.1.30 has no RESTCONF envelope type: the envelope is read here (schema-less), the
 * notification member parsed as a YANG notification. DEVCONF_EPROTO for a body that is not such an
 * envelope, DEVCONF_EYANG for a notification the schemas do not describe. */
static int parse_json(devconf_subscription *sub, struct ly_ctx *ly, const char *msg, devconf_notification *n,
                      bool *complete)
{
    devconf__json *j = NULL;
    if (devconf__json_parse(msg, &j, NULL, 0) < 0) {
        return DEVCONF_EPROTO;
    }
    const devconf__json *env = devconf__json_get(j, "ietf-restconf:notification");
    const char *t = devconf__json_str(env, "eventTime");
    const devconf__json *member = NULL;
    for (const devconf__json *c = env && env->type == DEVCONF_JSON_OBJECT ? env->child : NULL; c; c = c->next) {
        if (strcmp(c->key, "eventTime") && strcmp(c->key, "ietf-restconf:eventTime")) {
            member = c;
            break;
        }
    }
    if (!member || !t || !qualified_name(member->key)) {
        devconf__json_free(j);
        return DEVCONF_EPROTO;
    }
    devconf__json one = *member, wrap = { .type = DEVCONF_JSON_OBJECT, .child = &one, .count = 1 };
    one.next = NULL;
    char *text = devconf__json_print(&wrap);
    if (!text) {
        devconf__json_free(j);
        return DEVCONF_ENOMEM;
    }
    struct ly_in *in = NULL;
    struct lyd_node *tree = NULL, *op = NULL;
    int r = DEVCONF_EYANG;
    if (ly_in_new_memory(text, &in) != LY_SUCCESS) {
        r = DEVCONF_ENOMEM;
    } else {
        devconf__log_capture_begin();
        LY_ERR lr = lyd_parse_op(ly, NULL, in, LYD_JSON, LYD_TYPE_NOTIF_YANG, &tree, &op);
        devconf__log_capture_end();
        ly_in_free(in, 0);
        if (lr == LY_SUCCESS && op && op->schema) {
            r = fill_from_op(sub, op, t, n, complete);
        }
    }
    lyd_free_all(tree);
    free(text);
    devconf__json_free(j);
    return r;
}

static void clear_notification(devconf_notification *n)
{
    free(n->event_time);
    free(n->name);
    free(n->text);
    memset(n, 0, sizeof *n);
}

void devconf__sub_message(devconf_subscription *sub, struct ly_ctx *ly, const char *msg, devconf_format enc,
                          const char *origin)
{
    devconf_notification *n = calloc(1, sizeof *n);
    bool complete = false;
    bool json = enc == DEVCONF_FORMAT_JSON;
    int r = !n                                ? DEVCONF_ENOMEM
            : json                            ? parse_json(sub, ly, msg, n, &complete)
            : devconf__xml_undeclares_ns(msg) ? DEVCONF_EPROTO /* libyang would crash on it */
                                              : parse_known_xml(sub, ly, msg, n, &complete);
    const char *host = sub->s ? sub->s->host : "the device";
    const struct devconf_ctx *ctx = sub->s ? sub->s->ctx : NULL;
    if (r == DEVCONF_EYANG) {
        clear_notification(n);
        if (!json && sub->format == DEVCONF_FORMAT_XML) {
            r = parse_unknown_xml(msg, n, &complete);
        }
        devconf__log(ctx, DEVCONF_LOG_WARNING, origin,
                     "a notification from %s is not described by its schemas%s: %.200s", host,
                     r == 0 ? " (delivered as sent)" : "; skipped (JSON needs the schema)", msg);
    } else if (r == DEVCONF_EPROTO) {
        devconf__log(ctx, DEVCONF_LOG_WARNING, origin, "a notification from %s is not a notification message%s; "
                     "skipped: %.200s", host, json ? " ({\"ietf-restconf:notification\": {\"eventTime\": ..., "
                     "\"module:name\": ...}})" : "", msg);
    }
    if (r == 0 && complete) {
        devconf__notification_free(n);
        devconf__sub_complete(sub);
        return;
    }
    if (r < 0) {
        devconf__notification_free(n);
        devconf__sub_reject(sub);
        return;
    }
    devconf__sub_deliver(sub, n);
}

/* ---- pulls ---- */

static void wait_until(devconf_subscription *sub, int64_t deadline)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t left = deadline - devconf__now_ms();
    if (left <= 0) {
        return;
    }
    ts.tv_sec += left / 1000;
    ts.tv_nsec += (left % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&sub->cv, &sub->mu, &ts);
}

/* The next notification (0 with *out set), 0 with *out NULL at the end of the subscription, or an
 * error; sub->mu is not held on entry or exit. */
static int take(devconf_subscription *sub, int timeout_ms, devconf_notification **out, const char *fn)
{
    *out = NULL;
    int64_t deadline = devconf__now_ms() + timeout_ms;
    pthread_mutex_lock(&sub->mu);
    for (;;) {
        if (sub->head) {
            devconf_notification *n = sub->head;
            if (!(sub->head = n->next)) {
                sub->tail = NULL;
            }
            sub->len--;
            n->next = NULL;
            *out = n;
            pthread_mutex_unlock(&sub->mu);
            return 0;
        }
        if (sub->complete) {
            pthread_mutex_unlock(&sub->mu);
            return 0;
        }
        if (sub->end_code || !sub->s) {
            int code = sub->end_code ? sub->end_code : DEVCONF_ECONNECT;
            int r = devconf__error_set(DEVCONF_ORIGIN_NONE, code, "%s: %s", fn,
                                       sub->end_msg ? sub->end_msg : "the session of this subscription is closed");
            pthread_mutex_unlock(&sub->mu);
            return r;
        }
        if (devconf__now_ms() >= deadline) {
            pthread_mutex_unlock(&sub->mu);
            return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_ETIMEOUT,
                                      "%s: no notification from %s within %d ms", fn, sub->s->host, timeout_ms);
        }
        devconf_session *s = sub->s;
        pthread_mutex_unlock(&sub->mu);
        /* read the connection ourselves, unless another thread's request is reading it */
        const struct devconf_ctx *prev = devconf__log_enter(s->ctx);
        int r = s->tp->pump(s, deadline);
        devconf__log_leave(prev);
        pthread_mutex_lock(&sub->mu);
        if (r < 0 && !sub->end_code) {
            sub->end_code = r;
            sub->end_msg = devconf__strdup(devconf_error_message(devconf_error_last()));
        }
        if (r == 1 && !sub->head && !sub->complete && !sub->end_code) {
            wait_until(sub, deadline); /* woken by a delivery or when the request ends */
        }
    }
}

DEVCONF_API int devconf_subscription_next(devconf_notification **out, devconf_subscription *sub, int timeout_ms)
{
    devconf__error_clear();
    if (!out) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_subscription_next: NULL out");
    }
    *out = NULL;
    if (!sub || timeout_ms < 0) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_subscription_next: %s",
                                  !sub ? "NULL subscription" : "a negative timeout");
    }
    if (sub->cb) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "devconf_subscription_next: this subscription has a callback: use "
                                  "devconf_subscription_dispatch()");
    }
    return take(sub, timeout_ms, out, "devconf_subscription_next");
}

DEVCONF_API int devconf_subscription_dispatch(devconf_subscription *sub, int timeout_ms)
{
    devconf__error_clear();
    if (!sub || timeout_ms < 0) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_subscription_dispatch: %s",
                                  !sub ? "NULL subscription" : "a negative timeout");
    }
    if (!sub->cb) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "devconf_subscription_dispatch: this subscription has no callback: use "
                                  "devconf_subscription_next()");
    }
    int delivered = 0;
    for (;;) {
        devconf_notification *n = NULL;
        int r = take(sub, delivered ? 0 : timeout_ms, &n, "devconf_subscription_dispatch");
        if (r == DEVCONF_ETIMEOUT || (r == 0 && !n)) {
            devconf__error_clear();
            return delivered;
        }
        if (r < 0) {
            return delivered ? delivered : r; /* the failure repeats on the next call */
        }
        int stop = sub->cb(n, sub->cb_payload);
        devconf__notification_free(n);
        delivered++;
        if (stop) {
            return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EUSER,
                                      "devconf_subscription_dispatch: the callback stopped the dispatch (%d)", stop);
        }
    }
}

static uint64_t counter(const devconf_subscription *sub, const uint64_t *field)
{
    if (!sub) {
        return 0;
    }
    devconf_subscription *m = (devconf_subscription *)sub;
    pthread_mutex_lock(&m->mu);
    uint64_t v = *field;
    pthread_mutex_unlock(&m->mu);
    return v;
}

DEVCONF_API uint32_t devconf_subscription_id(const devconf_subscription *sub)
{
    return sub ? sub->id : 0;
}

DEVCONF_API uint64_t devconf_subscription_dropped(const devconf_subscription *sub)
{
    return sub ? counter(sub, &sub->dropped) : 0;
}

DEVCONF_API uint64_t devconf_subscription_received(const devconf_subscription *sub)
{
    return sub ? counter(sub, &sub->received) : 0;
}

DEVCONF_API uint64_t devconf_subscription_rejected(const devconf_subscription *sub)
{
    return sub ? counter(sub, &sub->rejected) : 0;
}

DEVCONF_API void devconf_subscription_free(devconf_subscription *sub)
{
    if (!sub) {
        return;
    }
    if (sub->s && sub->s->tp->unsubscribe) {
        const struct devconf_ctx *prev = devconf__log_enter(sub->s->ctx);
        sub->s->tp->unsubscribe(sub->s, sub); /* waits for a delivery in progress on another thread */
        devconf__log_leave(prev);
    }
    sub_free_queue(sub);
    free(sub->end_msg);
    pthread_cond_destroy(&sub->cv);
    pthread_mutex_destroy(&sub->mu);
    free(sub);
}

/* ---- notifications ---- */

DEVCONF_API const char *devconf_notification_event_time(const devconf_notification *n)
{
    return n ? n->event_time : NULL;
}

DEVCONF_API const char *devconf_notification_name(const devconf_notification *n)
{
    return n ? n->name : NULL;
}

DEVCONF_API const char *devconf_notification_text(const devconf_notification *n)
{
    return n ? n->text : NULL;
}

DEVCONF_API uint64_t devconf_notification_dropped_before(const devconf_notification *n)
{
    return n ? n->dropped_before : 0;
}

DEVCONF_API void devconf_notification_free(devconf_notification *n)
{
    devconf__notification_free(n);
}
