/* RESTCONF event streams (RFC 8040 section 6): the stream found in ietf-restconf-monitoring (9.2),
 * its access location checked to be on the session's own server, one long GET read as Server-Sent
 * Events (W3C EventSource, text/event-stream) on a curl handle and connection of its own, and each
 * event's data handed to lib/notify.c (devconf__sub_message), like NETCONF's notifications.
 *
 * No thread of its own: the stream is read by pump, that is by a pull (devconf_subscription_next or
 * dispatch) on whichever thread makes it, through a curl multi handle waited on up to the pull's
 * deadline. The session's requests use the session's own handle meanwhile. */
#include "restconf_p.h"
#include "yang/yang_p.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libyang/libyang.h>

#define MON_STREAMS "/data/ietf-restconf-monitoring:restconf-state/streams"
#define SSE_MT "text/event-stream"
/* A single wait of the stream is at most this long: a pull's deadline is checked between waits. */
#define POLL_SLICE_MS 1000

struct devconf__rc_stream {
    pthread_mutex_t mu;        /* held by the pump reading the stream; the pumps of other threads wait */
    devconf_session *s;
    devconf_subscription *sub;
    devconf_format enc;        /* of each event's data: XML or JSON */
    bool stop_time;            /* a stop time was given: the server ending the stream ends the subscription */
    char *name;                /* of the stream, for messages */
    CURLM *multi;
    CURL *easy;
    CURLU *url;
    struct curl_slist *hdr;
    char errbuf[CURL_ERROR_SIZE];
    uint64_t limit;            /* the session's max_reply_bytes: of the headers, an event, an error body */
    /* the response */
    long status;               /* of the final response (not 1xx), 0 until its status line */
    bool headers_done;
    uint64_t header_bytes;
    char *content_type;
    devconf__buf error_body;   /* of a response that is not an event stream, bounded by limit */
    devconf__sse sse;          /* the event-stream parser */
    unsigned events;           /* events read by the current pump */
    const char *too_long;      /* set when the write callback stopped the transfer: what was too long */
    bool done;
    CURLcode result;
    int end_code;              /* once the stream ended (<0) */
};

/* ---- reading the event stream ---- */

static bool is_event_stream(const char *ct)
{
    if (!ct) {
        return false;
    }
    size_t n = strcspn(ct, "; \t");
    return n == strlen(SSE_MT) && !strncasecmp(ct, SSE_MT, n);
}

static bool streaming(const struct devconf__rc_stream *st)
{
    return st->status == 200 && is_event_stream(st->content_type);
}

/* One complete line of the stream (in p->line, NUL-terminated), W3C EventSource "interpret". */
static void end_line(devconf__sse *p)
{
    const char *l = p->line.data ? p->line.data : "";
    if (!*l) {
        /* a blank line dispatches the event: its data lines joined by \n */
        if (p->data.len) {
            p->data.data[--p->data.len] = '\0'; /* the last \n */
            p->on_event(p->arg, p->data.data, p->data.len);
        }
        devconf__buf_dispose(&p->data);
    } else if (*l != ':') { /* ':' starts a comment (keep-alives) */
        const char *colon = strchr(l, ':');
        size_t flen = colon ? (size_t)(colon - l) : strlen(l);
        const char *v = colon ? colon + 1 : "";
        if (*v == ' ') {
            v++;
        }
        if (flen == 4 && !strncmp(l, "data", 4)) {
            devconf__buf_puts(&p->data, v);
            devconf__buf_append(&p->data, "\n", 1);
        }
        /* event, id, retry and unknown fields do not matter here */
    }
    p->line.len = 0;
    if (p->line.data) {
        p->line.data[0] = '\0';
    }
}

size_t devconf__sse_feed(devconf__sse *p, const char *data, size_t len)
{
    size_t i = 0;
    /* the byte order mark byte by byte: a curl write may end inside it */
    static const char bom[] = "\xEF\xBB\xBF";
    while (!p->started && i < len) {
        if (data[i] == bom[p->bom]) {
            i++;
            p->started = ++p->bom == 3;
            continue;
        }
        /* no byte order mark: the bytes of one taken so far (no CR, no LF) start the line */
        if (p->bom) {
            devconf__buf_append(&p->line, bom, p->bom);
        }
        p->started = true;
    }
    while (i < len) {
        char c = data[i];
        if (c == '\n' && p->cr) {
            p->cr = false;
            i++;
            continue;
        }
        p->cr = false;
        if (c == '\r' || c == '\n') {
            p->cr = c == '\r';
            end_line(p);
            i++;
            continue;
        }
        size_t run = i;
        while (run < len && data[run] != '\r' && data[run] != '\n') {
            run++;
        }
        devconf__buf_append(&p->line, data + i, run - i);
        i = run;
        if (p->line.len + p->data.len > p->limit) {
            p->too_long = "an event";
            return 0; /* curl stops the transfer */
        }
        if (p->line.failed || p->data.failed) {
            p->too_long = "memory";
            return 0;
        }
    }
    return len;
}

void devconf__sse_dispose(devconf__sse *p)
{
    devconf__buf_dispose(&p->line);
    devconf__buf_dispose(&p->data);
}

/* An event of the stream: its data is a notification message. */
static void on_event(void *arg, char *data, size_t len)
{
    struct devconf__rc_stream *st = arg;
    (void)len;
    devconf__sub_message(st->sub, devconf__rc_st(st->s)->ly, data, st->enc, "restconf");
    st->events++;
}

static size_t on_data(char *data, size_t size, size_t n, void *arg)
{
    struct devconf__rc_stream *st = arg;
    size_t len = size * n;
    if (streaming(st)) {
        size_t r = devconf__sse_feed(&st->sse, data, len);
        if (r != len) {
            st->too_long = st->sse.too_long;
        }
        return r;
    }
    /* an error page (or a body that is no event stream): kept, bounded, for the error message */
    if (st->error_body.len + len > st->limit) {
        st->too_long = "the reply";
        return 0;
    }
    devconf__buf_append(&st->error_body, data, len);
    return st->error_body.failed ? 0 : len;
}

static size_t on_header(char *line, size_t size, size_t n, void *arg)
{
    struct devconf__rc_stream *st = arg;
    size_t len = size * n;
    st->header_bytes += len;
    if (st->header_bytes > st->limit) {
        st->too_long = "the headers";
        return 0;
    }
    if (len > 5 && !strncmp(line, "HTTP/", 5)) {
        const char *sp = memchr(line, ' ', len);
        st->status = sp ? strtol(sp + 1, NULL, 10) : 0;
        free(st->content_type);
        st->content_type = NULL;
        st->headers_done = false;
        return len;
    }
    if ((len == 2 && line[0] == '\r') || (len == 1 && line[0] == '\n')) {
        st->headers_done = st->status >= 200; /* after a 1xx the final response follows */
        return len;
    }
    if (len > 13 && !strncasecmp(line, "Content-Type:", 13)) {
        const char *v = line + 13, *e = line + len;
        while (v < e && isspace((unsigned char)*v)) {
            v++;
        }
        while (e > v && isspace((unsigned char)e[-1])) {
            e--;
        }
        free(st->content_type);
        st->content_type = strndup(v, (size_t)(e - v));
    }
    return len;
}

/* ---- the stream's life ---- */

static void stream_free(struct devconf__rc_stream *st)
{
    if (!st) {
        return;
    }
    pthread_mutex_lock(&st->mu); /* a pump on another thread finishes first */
    if (st->multi && st->easy) {
        curl_multi_remove_handle(st->multi, st->easy);
    }
    if (st->easy) {
        curl_easy_cleanup(st->easy);
    }
    if (st->multi) {
        curl_multi_cleanup(st->multi);
    }
    curl_url_cleanup(st->url);
    curl_slist_free_all(st->hdr);
    free(st->content_type);
    free(st->name);
    devconf__buf_dispose(&st->error_body);
    devconf__sse_dispose(&st->sse);
    pthread_mutex_unlock(&st->mu);
    pthread_mutex_destroy(&st->mu);
    free(st);
}

/* The error of a stream that ended (the transfer is done, or the write callback stopped it). */
static int stream_end_error(struct devconf__rc_stream *st)
{
    devconf__rc_state *rs = devconf__rc_st(st->s);
    if (st->too_long && strcmp(st->too_long, "memory")) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EPROTO,
                                  "event stream '%s' of %s: %s exceeded the session's max_reply_bytes limit of "
                                  "%" PRIu64 " bytes; the stream was closed", st->name, rs->base, st->too_long,
                                  st->limit);
    }
    if (st->too_long) {
        return devconf__error_oom();
    }
    if (st->result == CURLE_OK) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_ECONNECT,
                                  "event stream '%s' of %s: the server closed the stream (no stop time was given, "
                                  "so the subscription had not ended)", st->name, rs->base);
    }
    return devconf__error_set(DEVCONF_ORIGIN_HTTP, DEVCONF_ECONNECT, "event stream '%s' of %s broke: %s", st->name,
                              rs->base, st->errbuf[0] ? st->errbuf : curl_easy_strerror(st->result));
}

/* Reads what the stream has, waiting up to deadline. Returns 0 once events were read or the
 * deadline passed; with headers_only, once the response's headers are in (or the deadline
 * passed). <0 on a failure of curl itself; st->done tells when the transfer ended. */
static int drive(devconf_session *s, struct devconf__rc_stream *st, int64_t deadline, bool headers_only)
{
    st->events = 0;
    for (;;) {
        int running = 0;
        CURLMcode mc = curl_multi_perform(st->multi, &running);
        if (mc != CURLM_OK) {
            return devconf__error_set(DEVCONF_ORIGIN_HTTP, DEVCONF_ECONNECT, "event stream '%s': %s", st->name,
                                      curl_multi_strerror(mc));
        }
        int q = 0;
        for (CURLMsg *m; (m = curl_multi_info_read(st->multi, &q));) {
            if (m->msg == CURLMSG_DONE) {
                st->done = true;
                st->result = m->data.result;
            }
        }
        if (st->done || st->events || (headers_only && st->headers_done)) {
            return 0;
        }
        if (headers_only && devconf__cancelled(&s->cancel)) {
            return devconf__error_canceled("subscribe");
        }
        int64_t left = deadline - devconf__now_ms();
        if (left <= 0) {
            return 0;
        }
        mc = curl_multi_poll(st->multi, NULL, 0, (int)(left < POLL_SLICE_MS ? left : POLL_SLICE_MS), NULL);
        if (mc != CURLM_OK) {
            return devconf__error_set(DEVCONF_ORIGIN_HTTP, DEVCONF_ECONNECT, "event stream '%s': %s", st->name,
                                      curl_multi_strerror(mc));
        }
    }
}

/* The stream's transfer is done: the end of the subscription (stop time given, the server closed
 * the stream) or its failure. 0 or the error, remembered for later pumps. */
static int stream_ended(struct devconf__rc_stream *st)
{
    if (st->end_code) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, st->end_code, "event stream '%s' has ended", st->name);
    }
    if (!st->too_long && st->result == CURLE_OK && st->stop_time) {
        devconf__log(st->s->ctx, DEVCONF_LOG_INFO, "restconf", "event stream '%s' of %s ended (stop time)", st->name,
                     devconf__rc_st(st->s)->base);
        devconf__sub_complete(st->sub);
        return 0;
    }
    int r = stream_end_error(st);
    st->end_code = r;
    devconf__sub_end(st->sub, r, devconf_error_message(devconf_error_last()));
    return r;
}

int devconf__rc_pump(devconf_session *s, int64_t deadline)
{
    devconf__rc_state *rs = devconf__rc_st(s);
    struct devconf__rc_stream *st = rs ? rs->stream : NULL;
    if (!st) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_ECONNECT, "the event stream is closed");
    }
    if (pthread_mutex_trylock(&st->mu)) {
        return 1; /* another thread's pull reads it, and wakes this one */
    }
    int r = drive(s, st, deadline, false);
    if (r == 0 && st->done) {
        r = stream_ended(st);
    }
    pthread_mutex_unlock(&st->mu);
    devconf__sub_wake(st->sub);
    return r;
}

/* ---- finding the stream (RFC 8040 9.2) ---- */

static void note_encoding(devconf__rc_stream_info *si, const char *enc, const char *loc, const char *want)
{
    if (!enc) {
        return;
    }
    devconf__buf b = { 0 };
    if (si->encodings) {
        devconf__buf_printf(&b, "%s, ", si->encodings);
    }
    devconf__buf_append(&b, enc, strnlen(enc, 40));
    free(si->encodings);
    si->encodings = devconf__buf_steal(&b);
    if (loc && !si->location && !strcasecmp(enc, want)) {
        si->location = devconf__strdup(loc);
    }
}

static void streams_json(const char *body, const char *name, const char *want, devconf__rc_stream_info *si)
{
    devconf__json *j = NULL;
    if (devconf__json_parse(body, &j, NULL, 0) < 0) {
        return;
    }
    const devconf__json *list = devconf__json_get(devconf__json_get(j, "ietf-restconf-monitoring:streams"), "stream");
    for (const devconf__json *e = list && list->type == DEVCONF_JSON_ARRAY ? list->child : NULL; e && !si->found;
         e = e->next) {
        const char *n = devconf__json_str(e, "name");
        if (!n || strcmp(n, name)) {
            continue;
        }
        si->found = true;
        const devconf__json *rp = devconf__json_get(e, "replay-support");
        si->replay = rp && (rp->type == DEVCONF_JSON_TRUE || (rp->str && !strcmp(rp->str, "true")));
        const devconf__json *acc = devconf__json_get(e, "access");
        for (const devconf__json *a = acc && acc->type == DEVCONF_JSON_ARRAY ? acc->child : NULL; a; a = a->next) {
            note_encoding(si, devconf__json_str(a, "encoding"), devconf__json_str(a, "location"), want);
        }
    }
    devconf__json_free(j);
}

static void streams_xml(const char *body, const char *name, const char *want, devconf__rc_stream_info *si)
{
    struct lyd_node *tree = NULL;
    devconf__log_capture_begin();
    LY_ERR lr = devconf__lyd_parse_xml(devconf__yang_boot(), body, LYD_PARSE_ONLY | LYD_PARSE_OPAQ, &tree);
    devconf__log_capture_end();
    if (lr != LY_SUCCESS) {
        lyd_free_all(tree);
        return;
    }
    for (const struct lyd_node *top = tree; top; top = top->next) {
        if (strcmp(devconf__node_name(top), "streams")) {
            continue;
        }
        for (const struct lyd_node *e = lyd_child(top); e && !si->found; e = e->next) {
            const char *n = devconf__child_value(e, "name");
            if (strcmp(devconf__node_name(e), "stream") || !n || strcmp(n, name)) {
                continue;
            }
            si->found = true;
            const char *rp = devconf__child_value(e, "replay-support");
            si->replay = rp && !strcmp(rp, "true");
            for (const struct lyd_node *a = lyd_child(e); a; a = a->next) {
                if (!strcmp(devconf__node_name(a), "access")) {
                    note_encoding(si, devconf__child_value(a, "encoding"), devconf__child_value(a, "location"),
                                  want);
                }
            }
        }
    }
    lyd_free_all(tree);
}

void devconf__rc_streams_parse(const char *body, const char *name, const char *want, devconf__rc_stream_info *si)
{
    if (*devconf__skip_ws(body) == '<') {
        streams_xml(body, name, want, si);
    } else {
        streams_json(body, name, want, si);
    }
}

/* The path (and query) of the stream's location for the wanted encoding, checked to be on the
 * session's server; *replay says whether the stream keeps a replay log. */
static int find_stream(devconf_session *s, const char *name, const char *want, char **path, bool *replay)
{
    devconf__rc_state *rs = devconf__rc_st(s);
    *path = NULL;
    char *mpath = NULL;
    if (asprintf(&mpath, "%s" MON_STREAMS, rs->root) < 0) {
        return devconf__error_oom();
    }
    devconf__rc_resp r;
    int rc = devconf__rc_request(s, "GET", mpath, NULL, NULL, &r, "subscribe: reading the event streams", NULL);
    free(mpath);
    if (rc < 0) {
        return rc;
    }
    devconf__rc_stream_info si = { 0 };
    const char *body = r.body.data ? r.body.data : "";
    devconf__rc_streams_parse(body, name, want, &si);
    devconf__rc_resp_dispose(&r);
    if (!si.found) {
        devconf__buf shown = { 0 };
        devconf__rc_buf_clean(&shown, name, 100);
        rc = devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_ERPC,
                                "subscribe: %s has no event stream '%s' in ietf-restconf-monitoring (RFC 8040 9.2)",
                                rs->base, shown.data ? shown.data : "");
        devconf__buf_dispose(&shown);
    } else if (!si.location) {
        devconf__buf shown = { 0 };
        devconf__rc_buf_clean(&shown, si.encodings ? si.encodings : "none", 200);
        rc = devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                "subscribe: event stream '%s' of %s has no %s encoding (it offers: %s)", name,
                                rs->base, want, shown.data ? shown.data : "");
        devconf__buf_dispose(&shown);
    } else {
        char what[200];
        snprintf(what, sizeof what, "subscribe: the location of event stream '%.60s' is", name);
        rc = devconf__rc_same_origin(s, si.location, what, true, path);
        *replay = si.replay;
    }
    free(si.location);
    free(si.encodings);
    return rc;
}

/* ---- subscribing ---- */

/* What the options ask that RESTCONF cannot say, refused before anything is sent. */
static int check_options(const devconf_subscribe_options *o, devconf_filter_type *ft)
{
    *ft = o->filter_type;
    if (o->filter && *ft == DEVCONF_FILTER_AUTO) {
        *ft = *devconf__skip_ws(o->filter) == '<' ? DEVCONF_FILTER_SUBTREE : DEVCONF_FILTER_XPATH;
    }
    if (o->filter && *ft == DEVCONF_FILTER_SUBTREE) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EUNSUPPORTED,
                                  "subscribe: RESTCONF event streams take XPath filters only (RFC 8040 4.8.4 "
                                  "filter=); a subtree filter cannot be sent: write it as an XPath expression; "
                                  "nothing was sent");
    }
    if (o->filter && !*devconf__skip_ws(o->filter)) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "subscribe: the XPath filter is empty; "
                                  "nothing was sent");
    }
    if (o->stream && (!*o->stream || strlen(o->stream) > 1024)) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "subscribe: the stream name is %s",
                                  *o->stream ? "longer than 1024 bytes" : "empty");
    }
    /* the start and stop times were checked by devconf_subscribe() (lib/notify.c) */
    return 0;
}

/* Query parameters of the stream's GET, built from parts and percent-encoded. */
static char *stream_query(const char *path, const devconf_subscribe_options *o)
{
    devconf__buf b = { 0 };
    devconf__buf_puts(&b, path);
    char sep = strchr(path, '?') ? '&' : '?';
    const char *params[3][2] = { { "filter", o->filter }, { "start-time", o->start_time },
                                 { "stop-time", o->stop_time } };
    for (int i = 0; i < 3; i++) {
        if (params[i][1]) {
            devconf__buf_printf(&b, "%c%s=", sep, params[i][0]);
            devconf__rc_pct_encode(&b, params[i][1]);
            sep = '&';
        }
    }
    return devconf__buf_steal(&b);
}

/* The stream's curl handle: the session's (its TLS, credentials, one scheme, no redirects),
 * duplicated, then made a GET of path with no overall timeout. */
static int stream_open(devconf_session *s, struct devconf__rc_stream *st, const char *path)
{
    devconf__rc_state *rs = devconf__rc_st(s);
    int r = devconf__rc_session_url(s, path, "subscribe", &st->url);
    if (r < 0) {
        return r;
    }
    if (!(st->multi = curl_multi_init()) || !(st->easy = curl_easy_duphandle(rs->curl))) {
        return devconf__error_oom();
    }
    struct curl_slist *h = curl_slist_append(NULL, "Accept: " SSE_MT);
    if (!h || !(st->hdr = curl_slist_append(h, "Cache-Control: no-cache"))) {
        curl_slist_free_all(h);
        return devconf__error_oom();
    }
    CURL *c = st->easy;
    int64_t left = rs->deadline_ms - devconf__now_ms();
    if (left <= 0) {
        left = 1;
    }
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, st->errbuf);
    curl_easy_setopt(c, CURLOPT_CURLU, st->url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, st->hdr);
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, st);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, st);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 1L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, NULL);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, NULL);
    /* an open stream may stay quiet for ever: no overall timeout, the subscribe's deadline bounds
     * the connect and the response headers (drive), TCP keep-alives find a dead peer */
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 0L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)(s->connect_timeout_ms < left ? s->connect_timeout_ms : left));
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, NULL); /* events are read as they come, never buffered for a decoder */
    st->errbuf[0] = '\0';
    if (curl_multi_add_handle(st->multi, c) != CURLM_OK) {
        return devconf__error_oom();
    }
    devconf__log(s->ctx, DEVCONF_LOG_DEBUG, "http", "GET %s%s (%s)", rs->base, path, SSE_MT);
    /* the response's headers, by the subscribe's deadline */
    if ((r = drive(s, st, rs->deadline_ms, true)) < 0) {
        return r;
    }
    if (st->headers_done && streaming(st)) {
        /* subscribed; events that came with the headers are queued, and a stream that has already
         * ended (or broke) says so to the pulls, after them */
        devconf__log(s->ctx, DEVCONF_LOG_INFO, "restconf", "subscribed to event stream '%s' of %s (%s)", st->name,
                     rs->base, st->enc == DEVCONF_FORMAT_JSON ? "json" : "xml");
        return 0;
    }
    if (st->headers_done && st->status >= 200 && st->status < 300) {
        devconf__buf shown = { 0 };
        devconf__rc_buf_clean(&shown, st->content_type ? st->content_type : "none", 100);
        r = devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EPROTO,
                               "subscribe: event stream '%s' of %s answered %ld with Content-Type %s, not " SSE_MT,
                               st->name, rs->base, st->status, shown.data ? shown.data : "");
        devconf__buf_dispose(&shown);
        return r;
    }
    if (st->headers_done) {
        /* an error page: read it whole (bounded) for its RESTCONF errors */
        while (!st->done && devconf__now_ms() < rs->deadline_ms) {
            if ((r = drive(s, st, rs->deadline_ms, false)) < 0) {
                return r;
            }
        }
    }
    if (!st->done || st->result == CURLE_OPERATION_TIMEDOUT) {
        return devconf__error_set(DEVCONF_ORIGIN_HTTP, DEVCONF_ETIMEOUT,
                                  "subscribe: no answer from %s within %d ms (%s)", rs->base, rs->op_timeout_ms,
                                  rs->op_timeout_label ? rs->op_timeout_label : "the RPC timeout");
    }
    if (st->result != CURLE_OK || !st->headers_done) {
        return stream_end_error(st); /* connection refused or broken, a reply over the limit */
    }
    devconf__rc_resp resp = { .status = st->status, .body = st->error_body, .content_type = st->content_type,
                              .limit = st->limit };
    return devconf__rc_status_error(s, &resp, "subscribe");
}

static int subscribe_locked(devconf_session *s, devconf_subscription *sub, const devconf_subscribe_options *o)
{
    devconf__rc_state *rs = devconf__rc_st(s);
    devconf_filter_type ft;
    int r;
    if (rs->sub) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "subscribe: this session already has a subscription; free it, or open another "
                                  "session");
    }
    if ((r = check_options(o, &ft)) < 0) {
        return r;
    }
    devconf__rc_begin_call(s);
    const char *name = o->stream ? o->stream : "NETCONF";
    const char *want = sub->format == DEVCONF_FORMAT_JSON ? "json" : "xml";
    char *path = NULL;
    bool replay = false;
    if ((r = find_stream(s, name, want, &path, &replay)) < 0) {
        return r;
    }
    if (o->start_time && !replay) {
        free(path);
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "subscribe with a start time: event stream '%s' of %s has no replay-support "
                                  "(RFC 8040 4.8.7); nothing was sent to the stream", name, rs->base);
    }
    char *full = stream_query(path, o);
    free(path);
    if (!full) {
        return DEVCONF_ENOMEM;
    }
    struct devconf__rc_stream *st = calloc(1, sizeof *st);
    if (!st) {
        free(full);
        return devconf__error_oom();
    }
    pthread_mutex_init(&st->mu, NULL);
    st->s = s;
    st->sub = sub;
    st->enc = sub->format;
    st->stop_time = o->stop_time != NULL;
    st->limit = s->max_reply_bytes;
    st->sse.limit = st->limit;
    st->sse.on_event = on_event;
    st->sse.arg = st;
    if (!(st->name = devconf__strdup(name))) {
        free(full);
        stream_free(st);
        return DEVCONF_ENOMEM;
    }
    /* attached first: events that come with the headers are queued at once */
    rs->sub = sub;
    rs->stream = st;
    r = stream_open(s, st, full);
    free(full);
    if (r < 0) {
        rs->sub = NULL;
        rs->stream = NULL;
        stream_free(st);
    }
    return r;
}

int devconf__rc_subscribe(devconf_session *s, devconf_subscription *sub, const devconf_subscribe_options *o)
{
    devconf__rc_state *rs = devconf__rc_st(s);
    pthread_mutex_lock(&rs->lock);
    int r = subscribe_locked(s, sub, o);
    pthread_mutex_unlock(&rs->lock);
    return r;
}

void devconf__rc_unsubscribe(devconf_session *s, devconf_subscription *sub)
{
    devconf__rc_state *rs = devconf__rc_st(s);
    if (rs && rs->sub == sub) {
        struct devconf__rc_stream *st = rs->stream;
        rs->sub = NULL;
        rs->stream = NULL;
        stream_free(st); /* closes the stream's connection: the server sees the end */
    }
}

void devconf__rc_notify_close(devconf_session *s)
{
    devconf__rc_state *rs = devconf__rc_st(s);
    if (rs && rs->sub) {
        devconf_subscription *sub = rs->sub;
        devconf__rc_unsubscribe(s, sub);
        devconf__sub_detach(sub);
    }
}
