/* RFC 5277 notifications over NETCONF: <create-subscription>, and each <notification> read on the
 * session (by a request under way, :interleave, or by a pull) parsed against the session's schemas
 * and handed to the subscription's queue (lib/notify.c). */
#include "netconf/netconf_p.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#define NOTIF_NS "urn:ietf:params:xml:ns:netconf:notification:1.0"

/* XML text that must go into a request as character data. */
static void put_text(devconf__buf *b, const char *v)
{
    for (; *v; v++) {
        switch (*v) {
        case '<': devconf__buf_puts(b, "&lt;"); break;
        case '>': devconf__buf_puts(b, "&gt;"); break;
        case '&': devconf__buf_puts(b, "&amp;"); break;
        default: devconf__buf_printf(b, "%c", *v); break;
        }
    }
}

/* A subtree filter must at least be well-formed XML: checked here, before anything is sent. */
static int check_subtree(const char *filter)
{
    struct lyd_node *tree = NULL;
    devconf__log_capture_begin();
    LY_ERR lr = devconf__lyd_parse_xml(devconf__yang_boot(), filter, LYD_PARSE_ONLY | LYD_PARSE_OPAQ, &tree);
    const char *why = devconf__log_capture_end();
    lyd_free_all(tree);
    if (lr != LY_SUCCESS) {
        return devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EYANG,
                                  "subscribe: the subtree filter is not well-formed XML%s%s; nothing was sent",
                                  why ? ": " : "", why ? why : "");
    }
    return 0;
}

/* Replay without the :replay capability: some servers (yuma123 netconfd 2.13) keep a replay log and
 * say so in the RFC 5277 stream list (/netconf/streams/stream/replaySupport) but leave :replay out of
 * their hello. 1 when the stream's replaySupport is true, 0 when not (or no list), <0 on failure. */
static int stream_replays(devconf_session *s, const char *stream)
{
    devconf__buf b = { 0 };
    devconf__buf_puts(&b, "<get><filter type=\"subtree\"><netconf xmlns=\"urn:ietf:params:xml:ns:netmod:notification\">"
                          "<streams><stream><name>");
    put_text(&b, stream);
    devconf__buf_puts(&b, "</name></stream></streams></netconf></filter></get>");
    char *text = NULL;
    size_t len = 0;
    int r = devconf__nc_data_call(s, &b, "get", &text, &len);
    if (r < 0) {
        return r == DEVCONF_ERPC ? 0 : r;
    }
    int yes = devconf__nc_stream_replays_parse(text, stream);
    free(text);
    return yes;
}

int devconf__nc_stream_replays_parse(const char *text, const char *stream)
{
    struct lyd_node *tree = NULL;
    devconf__log_capture_begin();
    LY_ERR lr = devconf__lyd_parse_xml(devconf__yang_boot(), text, LYD_PARSE_ONLY | LYD_PARSE_OPAQ, &tree);
    devconf__log_capture_end();
    int yes = 0;
    for (const struct lyd_node *top = lr == LY_SUCCESS ? tree : NULL; top && !yes; top = top->next) {
        for (const struct lyd_node *ss = lyd_child(top); ss && !yes; ss = ss->next) {
            for (const struct lyd_node *st = lyd_child(ss); st && !yes; st = st->next) {
                const char *name = devconf__child_value(st, "name"), *rs = devconf__child_value(st, "replaySupport");
                yes = name && rs && !strcmp(name, stream) && !strcmp(rs, "true");
            }
        }
    }
    lyd_free_all(tree);
    return yes;
}

/* An XPath filter must compile against the schemas and name something (an event or a node in one). */
static int check_xpath(devconf_session *s, const char *xpath)
{
    struct ly_ctx *ly = devconf__nc_ly(s);
    struct ly_set *set = NULL;
    devconf__log_capture_begin();
    LY_ERR lr = lys_find_xpath(ly, NULL, xpath, 0, &set);
    bool empty = lr == LY_SUCCESS && (!set || !set->count);
    ly_set_free(set, NULL);
    if (lr != LY_SUCCESS) {
        int r = devconf__yang_error(ly, DEVCONF_EYANG, "subscribe: XPath filter refused (use module names as "
                                    "prefixes, e.g. /ietf-netconf-notifications:netconf-config-change), nothing sent");
        devconf__log_capture_end();
        return r;
    }
    devconf__log_capture_end();
    return empty ? devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EYANG, "subscribe: XPath filter '%.200s' names no "
                                      "node of %s's schemas (a typo?), nothing sent", xpath, s->host)
                 : 0;
}

/* ---- each notification: parsed and queued by lib/notify.c ---- */

/* The client's sink: a notification message (taken), or NULL when the connection is free again. */
static void sink(void *payload, char *msg, size_t len)
{
    devconf_subscription *sub = payload;
    (void)len;
    if (!msg) {
        devconf__sub_wake(sub);
        return;
    }
    devconf__sub_message(sub, devconf__nc_ly(sub->s), msg, DEVCONF_FORMAT_XML, "netconf");
    free(msg);
}

/* ---- RFC 8639 dynamic subscriptions (establish-subscription) ----
 * Kept in a list per session, routed by id; one open at a time (see subscribe8639). */

#define SN_NS "urn:ietf:params:xml:ns:yang:ietf-subscribed-notifications"

/* Guards every session's list of RFC 8639 subscriptions; taken by the sink (I/O lock held) before a
 * subscription's lock, never while waiting for the I/O lock. */
static pthread_mutex_t subs_mu = PTHREAD_MUTEX_INITIALIZER;

/* An unsigned 32-bit number as text, or -1. */
static int64_t parse_u32(const char *v)
{
    if (!v || *v < '0' || *v > '9' || strlen(v) > 10) {
        return -1;
    }
    char *end = NULL;
    unsigned long long n = strtoull(v, &end, 10);
    return *end || n > UINT32_MAX ? -1 : (int64_t)n;
}

struct lyd_node *devconf__nc_sn_read(const char *msg, int64_t *id, const char **name, const char **reason)
{
    struct lyd_node *tree = NULL;
    devconf__log_capture_begin();
    LY_ERR lr = devconf__lyd_parse_xml(devconf__yang_boot(), msg, LYD_PARSE_ONLY | LYD_PARSE_OPAQ, &tree);
    devconf__log_capture_end();
    const struct lyd_node *ev = NULL;
    for (const struct lyd_node *c = lr == LY_SUCCESS && tree ? lyd_child(tree) : NULL; c && !ev; c = c->next) {
        ev = strcmp(devconf__node_name(c), "eventTime") ? c : NULL;
    }
    const struct lyd_node_opaq *o = ev && !ev->schema ? (const struct lyd_node_opaq *)ev : NULL;
    *id = o && o->name.module_ns && !strcmp(o->name.module_ns, SN_NS) ? parse_u32(devconf__child_value(ev, "id")) : -1;
    *name = o ? o->name.name : "";
    *reason = ev ? devconf__child_value(ev, "reason") : NULL;
    return tree;
}

/* Routes each notification of a session with RFC 8639 subscriptions: the state notifications name
 * their subscription (<id>); events do not (the RFC 5277 envelope of RFC 8640 has no id) and go to
 * every open subscription of the session (one, as subscribe8639 keeps it). */
static void sink8639(void *payload, char *msg, size_t len)
{
    devconf_session *s = payload;
    struct devconf__nc_state *st = s->tp_data;
    pthread_mutex_lock(&subs_mu);
    if (!msg) {
        for (devconf_subscription *x = st->subs8639; x; x = x->next) {
            devconf__sub_wake(x);
        }
        pthread_mutex_unlock(&subs_mu);
        return;
    }
    const char *name = "", *why = NULL;
    int64_t id = -1;
    struct lyd_node *tree = devconf__nc_sn_read(msg, &id, &name, &why);
    if (id >= 0) {
        devconf_subscription *x = st->subs8639;
        while (x && x->id != (uint32_t)id) {
            x = x->next;
        }
        /* before the establish-subscription reply: the one being made (never its end: that may be a
         * late one of a subscription already deleted) */
        bool ending = !strcmp(name, "subscription-completed") || !strcmp(name, "subscription-terminated");
        for (devconf_subscription *p = st->subs8639; !x && !ending && p; p = p->next) {
            x = p->id ? NULL : p;
        }
        if (!x) {
            devconf__log(s->ctx, DEVCONF_LOG_DEBUG, "netconf", "%s from %s for subscription %lld, not one of this "
                         "session's: dropped", name, s->host, (long long)id);
        } else if (!strcmp(name, "subscription-completed")) {
            x->ended = true;
            devconf__sub_complete(x);
        } else if (!strcmp(name, "subscription-terminated")) {
            char text[256];
            snprintf(text, sizeof text, "subscription %lld was terminated by %s (RFC 8639 subscription-terminated, "
                     "reason %.120s)", (long long)id, s->host, why ? why : "not given");
            x->ended = true;
            devconf__sub_end(x, DEVCONF_ERPC, text);
        } else {
            sink(x, devconf__strdup(msg), len); /* replay-completed, subscription-modified... */
        }
    } else {
        for (devconf_subscription *x = st->subs8639; x; x = x->next) {
            if (!x->ended) {
                char *copy = devconf__strdup(msg);
                if (copy) {
                    sink(x, copy, len);
                }
            }
        }
    }
    pthread_mutex_unlock(&subs_mu);
    lyd_free_all(tree);
    free(msg);
}

static void list_remove(struct devconf__nc_state *st, devconf_subscription *sub)
{
    for (devconf_subscription **p = &st->subs8639; *p; p = &(*p)->next) {
        if (*p == sub) {
            *p = sub->next;
            sub->next = NULL;
            break;
        }
    }
}

static int subscribe8639(devconf_session *s, devconf_subscription *sub, const devconf_subscribe_options *o,
                         devconf_filter_type ft)
{
    struct devconf__nc_state *st = s->tp_data;
    devconf__buf b = { 0 };
    devconf__buf_puts(&b, "<establish-subscription xmlns=\"" SN_NS "\"><stream>");
    put_text(&b, o->stream ? o->stream : "NETCONF");
    devconf__buf_puts(&b, "</stream>");
    if (o->filter && ft == DEVCONF_FILTER_SUBTREE) {
        devconf__buf_printf(&b, "<stream-subtree-filter>%s</stream-subtree-filter>", o->filter);
    } else if (o->filter) {
        devconf__nc_xpath_element(&b, devconf__nc_ly(s), o->filter, "stream-xpath-filter");
    }
    if (o->start_time) {
        devconf__buf_puts(&b, "<replay-start-time>");
        put_text(&b, o->start_time);
        devconf__buf_puts(&b, "</replay-start-time>");
    }
    if (o->stop_time) {
        devconf__buf_puts(&b, "<stop-time>");
        put_text(&b, o->stop_time);
        devconf__buf_puts(&b, "</stop-time>");
    }
    devconf__buf_puts(&b, "</establish-subscription>");
    if (b.failed) {
        devconf__buf_dispose(&b);
        return devconf__error_oom();
    }
    /* listed (id 0: no state notification names it yet) before the request: a replay may come first */
    sub->rfc8639 = true;
    pthread_mutex_lock(&subs_mu);
    bool open8639 = false;
    for (devconf_subscription *x = st->subs8639; x; x = x->next) {
        open8639 |= !x->ended;
    }
    if (open8639) {
        pthread_mutex_unlock(&subs_mu);
        devconf__buf_dispose(&b);
        sub->rfc8639 = false;
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "subscribe: this session already has a subscription; RFC 8639 allows several, but "
                                  "over NETCONF (RFC 8640) an event does not say which subscription it is for, so "
                                  "devconf keeps one open per session: free it, or open another session");
    }
    bool first = !st->subs8639;
    sub->next = st->subs8639;
    st->subs8639 = sub;
    pthread_mutex_unlock(&subs_mu);
    if (first) {
        devconf__ncc_set_sink(st->client, sink8639, s);
    }
    char *reply = NULL;
    size_t len = 0;
    devconf__nc_env env;
    int r = devconf__ncc_call(devconf__nc_client(s), b.data, "establish-subscription", devconf__nc_deadline(s),
                              &s->cancel, &reply, &len, &env);
    devconf__buf_dispose(&b);
    if (r == 0) {
        r = devconf__ncc_reply_status(s->ctx, s->host, "establish-subscription", reply, len, &env, true);
        devconf__nc_env_dispose(&env);
    }
    int64_t id = -1;
    if (r == 0) {
        struct lyd_node *tree = NULL;
        devconf__log_capture_begin();
        LY_ERR lr = devconf__lyd_parse_xml(devconf__yang_boot(), reply, LYD_PARSE_ONLY | LYD_PARSE_OPAQ, &tree);
        devconf__log_capture_end();
        id = lr == LY_SUCCESS && tree ? parse_u32(devconf__child_value(tree, "id")) : -1;
        lyd_free_all(tree);
        if (id < 0) {
            r = devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EPROTO, "establish-subscription: the reply from %s "
                                   "has no valid subscription <id> (RFC 8639)", s->host);
        }
    }
    free(reply);
    pthread_mutex_lock(&subs_mu);
    if (r == 0) {
        sub->id = (uint32_t)id;
    } else {
        list_remove(st, sub);
    }
    bool none = !st->subs8639;
    pthread_mutex_unlock(&subs_mu);
    if (r < 0 && none) {
        devconf__ncc_set_sink(st->client, NULL, NULL);
    }
    if (r == 0) {
        devconf__log(s->ctx, DEVCONF_LOG_DEBUG, "netconf", "%s: RFC 8639 subscription %u established", s->host,
                     sub->id);
    }
    return r;
}

/* Freeing an RFC 8639 subscription: off the list, then delete-subscription unless the device ended
 * it (bounded by the session's RPC timeout; a failure is logged, the subscription is freed anyway). */
static void unsubscribe8639(devconf_session *s, devconf_subscription *sub)
{
    struct devconf__nc_state *st = s->tp_data;
    pthread_mutex_lock(&subs_mu);
    list_remove(st, sub);
    bool none = !st->subs8639;
    bool delete = !sub->ended && sub->id;
    pthread_mutex_unlock(&subs_mu);
    if (none) {
        devconf__ncc_set_sink(st->client, NULL, NULL);
    }
    if (!delete || !devconf__ncc_alive(st->client)) {
        return;
    }
    char body[160];
    snprintf(body, sizeof body, "<delete-subscription xmlns=\"" SN_NS "\"><id>%u</id></delete-subscription>",
             (unsigned)sub->id);
    devconf__cancel none_cancel = { 0 };
    char *reply = NULL;
    size_t len = 0;
    devconf__nc_env env;
    devconf__ncc_set_call_timeout(st->client, s->rpc_timeout_ms);
    int r = devconf__ncc_call(st->client, body, "delete-subscription", devconf__now_ms() + s->rpc_timeout_ms,
                              &none_cancel, &reply, &len, &env);
    if (r == 0) {
        r = devconf__ncc_reply_status(s->ctx, s->host, "delete-subscription", reply, len, &env, false);
        devconf__nc_env_dispose(&env);
    }
    free(reply);
    if (r < 0) {
        devconf__log(s->ctx, DEVCONF_LOG_WARNING, "netconf", "delete-subscription %u on %s failed: %s",
                     (unsigned)sub->id, s->host, devconf_error_message(devconf_error_last()));
    }
}

void devconf__nc_subs_detach(devconf_session *s)
{
    struct devconf__nc_state *st = s->tp_data;
    pthread_mutex_lock(&subs_mu);
    devconf_subscription *list = st->subs8639;
    st->subs8639 = NULL;
    pthread_mutex_unlock(&subs_mu);
    if (list) {
        devconf__ncc_set_sink(st->client, NULL, NULL);
    }
    while (list) {
        devconf_subscription *x = list;
        list = x->next;
        x->next = NULL;
        devconf__sub_detach(x);
    }
}

/* ---- the transport's entries ---- */

int devconf__nc_subscribe(devconf_session *s, devconf_subscription *sub, const devconf_subscribe_options *o)
{
    struct devconf__nc_state *st = s->tp_data;
    int r;
    bool rfc8639 = devconf_session_has_capability(s, "ietf-subscribed-notifications");
    if (st->sub && !rfc8639) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "subscribe: this session already has a subscription (RFC 5277: one per NETCONF "
                                  "session); free it, or open another session");
    }
    if (!rfc8639 && (r = devconf__require_cap(s, "notification", "subscribe")) < 0) {
        return r;
    }
    if (o->start_time && !rfc8639 && !devconf_session_has_capability(s, "replay")) {
        int yes = stream_replays(s, o->stream ? o->stream : "NETCONF");
        if (yes <= 0) {
            return yes < 0 ? yes : devconf__require_cap(s, "replay", "subscribe with a start time (replay)");
        }
        devconf__log(s->ctx, DEVCONF_LOG_DEBUG, "netconf", "%s does not announce :replay but its stream list says "
                     "the stream replays: sending the start time", s->host);
    }
    devconf_filter_type ft = o->filter_type;
    if (o->filter && ft == DEVCONF_FILTER_AUTO) {
        ft = *devconf__skip_ws(o->filter) == '<' ? DEVCONF_FILTER_SUBTREE : DEVCONF_FILTER_XPATH;
    }
    if (o->filter && ft == DEVCONF_FILTER_SUBTREE && (r = check_subtree(o->filter)) < 0) {
        return r;
    }
    if (o->filter && ft == DEVCONF_FILTER_XPATH && (r = check_xpath(s, o->filter)) < 0) {
        return r;
    }
    if (rfc8639) {
        return subscribe8639(s, sub, o, ft);
    }
    if (o->filter && ft == DEVCONF_FILTER_XPATH && (r = devconf__require_cap(s, "xpath", "subscribe with an XPath "
                                                                                         "filter")) < 0) {
        return r;
    }
    devconf__buf b = { 0 };
    devconf__buf_puts(&b, "<create-subscription xmlns=\"" NOTIF_NS "\">");
    if (o->stream) {
        devconf__buf_puts(&b, "<stream>");
        put_text(&b, o->stream);
        devconf__buf_puts(&b, "</stream>");
    }
    if (o->filter && ft == DEVCONF_FILTER_SUBTREE) {
        devconf__buf_printf(&b, "<filter type=\"subtree\">%s</filter>", o->filter);
    } else if (o->filter) {
        devconf__nc_xpath_filter(&b, devconf__nc_ly(s), o->filter);
    }
    if (o->start_time) {
        devconf__buf_puts(&b, "<startTime>");
        put_text(&b, o->start_time);
        devconf__buf_puts(&b, "</startTime>");
    }
    if (o->stop_time) {
        devconf__buf_puts(&b, "<stopTime>");
        put_text(&b, o->stop_time);
        devconf__buf_puts(&b, "</stopTime>");
    }
    devconf__buf_puts(&b, "</create-subscription>");
    if (b.failed) {
        devconf__buf_dispose(&b);
        return devconf__error_oom();
    }
    /* the sink is set before the request: a replay may start before its <ok/> arrives */
    st->sub = sub;
    devconf__ncc_set_sink(st->client, sink, sub);
    r = devconf__nc_call_ok(s, b.data, "create-subscription");
    devconf__buf_dispose(&b);
    if (r < 0) {
        devconf__ncc_set_sink(st->client, NULL, NULL);
        st->sub = NULL;
    }
    return r;
}

int devconf__nc_pump(devconf_session *s, int64_t deadline)
{
    devconf__ncc *c = devconf__nc_client(s);
    return c ? devconf__ncc_pump(c, deadline) : devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ECONNECT,
                                                                   "the session is closed");
}

void devconf__nc_unsubscribe(devconf_session *s, devconf_subscription *sub)
{
    struct devconf__nc_state *st = s->tp_data;
    if (st && sub->rfc8639) {
        unsubscribe8639(s, sub);
        return;
    }
    if (st && st->sub == sub) {
        devconf__ncc_set_sink(st->client, NULL, NULL);
        st->sub = NULL;
    }
}
