/* A NETCONF session over a byte stream (RFC 6241, RFC 6242): hello exchange, requests with
 * message-ids, replies matched to them, rpc-errors, close. Every wait is bounded by the caller's
 * deadline; a reply that arrives after its request timed out is recognised by its message-id and
 * skipped, so a timeout leaves the session usable. */
#include "netconf/netconf_p.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#define READ_CHUNK 65536

struct devconf__ncc {
    devconf__nc_stream *st;
    devconf__framer fr;
    char *in;               /* bytes read and not yet framed */
    size_t in_len, in_off;
    uint64_t next_id;
    uint64_t answered;      /* the highest message-id whose reply has been read */
    int call_timeout_ms;    /* the timeout of the call under way, for messages; 0: unknown */
    uint32_t session_id;
    char **caps;
    size_t ncaps;
    bool broken;            /* framing lost or a request half sent: nothing more can be exchanged */
    devconf__nc_stream closed; /* what st points to once broken: the connection is released at once */
    char *host;
    const devconf_ctx *ctx; /* for DEBUG lines (every message sent) */
    /* I/O lock: held for a whole request (send and read) and for a pull's read (devconf__ncc_pump),
     * so that a subscription may be read on another thread than the session's requests. */
    pthread_mutex_t io;
    int io_wanted;          /* requests waiting for the lock (atomic): a pull's read gives way */
    devconf__ncc_sink sink; /* where notifications go, or NULL: dropped; changed with io and sink_mu held */
    void *sink_payload;
    pthread_mutex_t sink_mu; /* taken after io (or without it, to wake a pull): the sink stays while used */
};

/* ---- a broken session lets go of its connection ---- */

static long closed_read(devconf__nc_stream *st, char *buf, size_t n, int64_t deadline, const devconf__cancel *cancel)
{
    (void)st, (void)buf, (void)n, (void)deadline, (void)cancel;
    return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ECONNECT, "the NETCONF session is closed");
}

static int closed_write(devconf__nc_stream *st, const char *buf, size_t n, int64_t deadline,
                        const devconf__cancel *cancel)
{
    (void)st, (void)buf, (void)n, (void)deadline, (void)cancel;
    return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ECONNECT, "the NETCONF session is closed");
}

static bool closed_alive(const devconf__nc_stream *st)
{
    (void)st;
    return false;
}

static void closed_free(devconf__nc_stream *st)
{
    (void)st;
}

static const devconf__nc_stream_ops closed_ops = { closed_read, closed_write, closed_alive, closed_free };

/* The session cannot go on (framing lost, a request half sent, the connection broken or closed by
 * the device): the connection is closed now, not when the session is freed, so a device that broke
 * the protocol keeps no connection open; every later call fails at once with DEVCONF_ECONNECT. */
static void set_broken(devconf__ncc *c)
{
    c->broken = true;
    if (c->st != &c->closed) {
        c->st->ops->free(c->st);
        c->closed.ops = &closed_ops;
        c->st = &c->closed;
    }
}

static int closed_error(const devconf__ncc *c, const char *what)
{
    return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ECONNECT,
                              "%s: the session to %s is closed (the device ended it or the connection broke)", what,
                              c->host);
}

/* The device closed the session: in the middle of a message, that is said (the reply is lost, not
 * merely the session). Returns DEVCONF_ECONNECT. */
static int closed_while_reading(const devconf__ncc *c, const char *what)
{
    uint64_t got = 0;
    if (devconf__framer_partial(&c->fr, &got)) {
        return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ECONNECT,
                                  "%s: %s closed the NETCONF session in the middle of a reply (%llu bytes of it "
                                  "received, no end of message)", what, c->host, (unsigned long long)got);
    }
    return closed_error(c, what);
}

/* Reads one framed message. On a timeout the framer keeps its state: the next read goes on with
 * the same message. */
static int read_message(devconf__ncc *c, int64_t started, int64_t deadline, const devconf__cancel *cancel,
                        const char *what, char **msg, size_t *len)
{
    *msg = NULL;
    for (;;) {
        while (c->in_off < c->in_len) {
            bool done = false;
            long used = devconf__framer_feed(&c->fr, c->in + c->in_off, c->in_len - c->in_off, &done);
            if (used < 0) {
                set_broken(c);
                devconf__error_set_message("%s: %s from %s", what, devconf_error_message(devconf_error_last()),
                                           c->host);
                return DEVCONF_EPROTO;
            }
            c->in_off += (size_t)used;
            if (done) {
                *msg = devconf__framer_take(&c->fr, len);
                if (!*msg) {
                    if (devconf_error_code(devconf_error_last()) == DEVCONF_ENOMEM) {
                        return DEVCONF_ENOMEM;
                    }
                    return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EPROTO,
                                              "%s: the reply from %s is %zu bytes, more than the session's limit of "
                                              "%llu bytes (max_reply_bytes); it was dropped", what, c->host, *len,
                                              (unsigned long long)c->fr.max);
                }
                return 0;
            }
        }
        c->in_off = c->in_len = 0;
        if (devconf__cancelled(cancel)) {
            return devconf__error_canceled(what);
        }
        if (!c->st->ops->alive(c->st)) {
            set_broken(c);
            return closed_while_reading(c, what);
        }
        long n = c->st->ops->read(c->st, c->in, READ_CHUNK, deadline, cancel);
        if (n < 0) {
            int code = devconf_error_code(devconf_error_last());
            if (code != DEVCONF_ETIMEOUT && code != DEVCONF_ECANCELED) {
                set_broken(c);
            }
            uint64_t got;
            if (code == DEVCONF_ECONNECT && devconf__framer_partial(&c->fr, &got)) {
                return closed_while_reading(c, what);
            }
            devconf__error_set_message("%s: %s", what, devconf_error_message(devconf_error_last()));
            return code;
        }
        if (n == 0) {
            /* the call's own timeout when known: it is what the caller set, and the deadline
             * holds end to end (deadline - started is what was left when the request went out) */
            int label = __atomic_load_n(&c->call_timeout_ms, __ATOMIC_RELAXED);
            long long ms = label > 0 && label >= deadline - started ? label : (long long)(deadline - started);
            return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ETIMEOUT, "%s: no reply from %s within %lld ms",
                                      what, c->host, ms);
        }
        c->in_len = (size_t)n;
    }
}

static int send_message(devconf__ncc *c, const char *msg, size_t len, int64_t deadline,
                        const devconf__cancel *cancel, const char *what)
{
    devconf__buf b = { 0 };
    devconf__framer_frame(&b, c->fr.chunked, msg, len);
    if (b.failed) {
        devconf__buf_dispose(&b);
        return devconf__error_oom();
    }
    int r = c->st->ops->write(c->st, b.data, b.len, deadline, cancel);
    devconf__buf_dispose(&b);
    if (r < 0) {
        set_broken(c); /* half a message may have gone out */
        devconf__error_set_message("%s: %s", what, devconf_error_message(devconf_error_last()));
    }
    return r;
}

static const char HELLO[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<hello xmlns=\"" DEVCONF_NC_BASE_NS "\"><capabilities>"
    "<capability>urn:ietf:params:netconf:base:1.0</capability>"
    "<capability>urn:ietf:params:netconf:base:1.1</capability>"
    "</capabilities></hello>";

/* The capabilities and session-id of a <hello>, read through libyang's XML parser (opaque nodes). */
static int parse_hello(devconf__ncc *c, const char *msg)
{
    struct lyd_node *tree = NULL;
    devconf__log_capture_begin();
    LY_ERR lr = devconf__lyd_parse_xml(devconf__yang_boot(), msg, LYD_PARSE_ONLY | LYD_PARSE_OPAQ, &tree);
    const char *why = devconf__log_capture_end();
    if (lr != LY_SUCCESS || !tree) {
        int r = devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EPROTO, "%s sent a malformed <hello>%s%s", c->host,
                                   why ? ": " : "", why ? why : "");
        lyd_free_all(tree);
        return r;
    }
    const struct lyd_node *caps = devconf__child_named(tree, "capabilities");
    const char *sid = devconf__child_value(tree, "session-id");
    size_t n = 0;
    for (const struct lyd_node *cap = caps ? lyd_child(caps) : NULL; cap; cap = cap->next) {
        n++;
    }
    int r = 0;
    if (!(c->caps = calloc(n ? n : 1, sizeof *c->caps))) {
        r = devconf__error_oom();
    }
    bool base10 = false, base11 = false;
    for (const struct lyd_node *cap = caps ? lyd_child(caps) : NULL; cap && r == 0; cap = cap->next) {
        if (strcmp(devconf__node_name(cap), "capability")) {
            continue;
        }
        const char *v = cap->schema ? NULL : ((const struct lyd_node_opaq *)cap)->value;
        /* white space around a capability is not part of it */
        while (v && (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')) {
            v++;
        }
        size_t vlen = v ? strlen(v) : 0;
        while (vlen && strchr(" \t\r\n", v[vlen - 1])) {
            vlen--;
        }
        if (!vlen) {
            continue;
        }
        if (!(c->caps[c->ncaps] = strndup(v, vlen))) {
            r = devconf__error_oom();
            break;
        }
        base10 = base10 || !strcmp(c->caps[c->ncaps], "urn:ietf:params:netconf:base:1.0");
        base11 = base11 || !strcmp(c->caps[c->ncaps], "urn:ietf:params:netconf:base:1.1");
        c->ncaps++;
    }
    if (r == 0 && !base10 && !base11) {
        r = devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EPROTO,
                               "%s sent a <hello> without the base:1.0 or base:1.1 capability: not a NETCONF server "
                               "devconf can talk to", c->host);
    }
    if (r == 0) {
        char *end = NULL;
        unsigned long id = sid ? strtoul(sid, &end, 10) : 0;
        if (!sid || !end || *end || !id || id > 0xffffffffUL) {
            r = devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EPROTO,
                                   "%s sent a <hello> without a valid session-id", c->host);
        }
        c->session_id = (uint32_t)id;
        c->fr.chunked = base11; /* RFC 6242 4.1: both sides announce base:1.1 */
    }
    lyd_free_all(tree);
    return r;
}

int devconf__ncc_open(devconf__ncc **out, const devconf_ctx *ctx, devconf__nc_stream *stream, const char *host,
                      uint64_t max_bytes, int64_t deadline, const devconf__cancel *cancel)
{
    *out = NULL;
    devconf__ncc *c = calloc(1, sizeof *c);
    if (!c || !(c->host = devconf__strdup(host)) || !(c->in = malloc(READ_CHUNK))) {
        if (c) {
            free(c->host);
        }
        free(c);
        stream->ops->free(stream);
        return devconf__error_oom();
    }
    c->st = stream;
    c->ctx = ctx;
    c->next_id = 1;
    pthread_mutex_init(&c->io, NULL);
    pthread_mutex_init(&c->sink_mu, NULL);
    devconf__framer_init(&c->fr, max_bytes);
    const char *what = "NETCONF hello";
    int r = send_message(c, HELLO, sizeof HELLO - 1, deadline, cancel, what);
    char *msg = NULL;
    size_t len = 0;
    if (r == 0 && (r = read_message(c, devconf__now_ms(), deadline, cancel, what, &msg, &len)) == DEVCONF_ETIMEOUT) {
        r = devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ETIMEOUT, "%s sent no <hello> in time", host);
    }
    if (r == 0) {
        devconf__nc_env env;
        if ((r = devconf__nc_env_scan(msg, len, &env)) < 0) {
            devconf__error_set_message("%s sent a malformed <hello>: %s", host,
                                       devconf_error_message(devconf_error_last()));
        } else if (env.kind != DEVCONF_NC_MSG_HELLO) {
            r = devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EPROTO,
                                   "%s sent something else than a <hello> to start the session", host);
        } else {
            r = parse_hello(c, msg);
        }
        devconf__nc_env_dispose(&env);
    }
    free(msg);
    if (r < 0) {
        devconf__ncc_close(c, 0);
        return r;
    }
    *out = c;
    return 0;
}

void devconf__ncc_close(devconf__ncc *c, int64_t deadline)
{
    if (!c) {
        return;
    }
    /* A request still unanswered (its wait timed out or was cancelled) means the device is busy with
     * it, or dripping its reply: the answer to <close-session> would queue behind it. Dropping the
     * connection ends the session on the device as well (RFC 6241 7.8), without a wait past the
     * caller's timeout. */
    bool pending = c->next_id > 1 && c->answered < c->next_id - 1;
    if (pending) {
        devconf__log(c->ctx, DEVCONF_LOG_INFO, "netconf",
                     "%s has not answered message-id %llu yet: the connection is closed without <close-session>",
                     c->host, (unsigned long long)(c->answered + 1));
    }
    if (!pending && !c->broken && c->session_id && deadline > devconf__now_ms() && c->st->ops->alive(c->st)) {
        char *reply = NULL;
        size_t len = 0;
        devconf__nc_env env;
        devconf_error *saved = NULL;
        devconf_error_dup(&saved, devconf_error_last());
        if (devconf__ncc_call(c, "<close-session/>", "close-session", deadline, NULL, &reply, &len, &env) == 0) {
            devconf__nc_env_dispose(&env);
        }
        free(reply);
        devconf__error_restore(saved); /* a failed close is not the caller's error */
    }
    c->st->ops->free(c->st);
    devconf__framer_dispose(&c->fr);
    pthread_mutex_destroy(&c->io);
    pthread_mutex_destroy(&c->sink_mu);
    for (size_t i = 0; i < c->ncaps; i++) {
        free(c->caps[i]);
    }
    free(c->caps);
    free(c->in);
    free(c->host);
    free(c);
}

const char *const *devconf__ncc_caps(const devconf__ncc *c, size_t *count)
{
    *count = c->ncaps;
    return (const char *const *)c->caps;
}

void devconf__ncc_set_call_timeout(devconf__ncc *c, int ms)
{
    __atomic_store_n(&c->call_timeout_ms, ms, __ATOMIC_RELAXED); /* a pull on another thread may read it */
}

uint32_t devconf__ncc_session_id(const devconf__ncc *c)
{
    return c->session_id;
}

uint64_t devconf__ncc_max_bytes(const devconf__ncc *c)
{
    return c->fr.max;
}

bool devconf__ncc_alive(const devconf__ncc *c)
{
    return c && !c->broken && c->st->ops->alive(c->st);
}

/* A notification read by a request or a pull: to the sink (which takes msg), else dropped. */
static void route_notification(devconf__ncc *c, char *msg, size_t len)
{
    if (c->sink) {
        c->sink(c->sink_payload, msg, len);
    } else {
        devconf__log(c->ctx, DEVCONF_LOG_DEBUG, "netconf", "notification from %s dropped: no subscription",
                     c->host);
        free(msg);
    }
}

static int call_locked(devconf__ncc *c, const char *body, const char *what, int64_t deadline,
                       const devconf__cancel *cancel, char **reply, size_t *len, devconf__nc_env *env)
{
    *reply = NULL;
    memset(env, 0, sizeof *env);
    if (c->broken || !c->st->ops->alive(c->st)) {
        set_broken(c);
        return closed_error(c, what);
    }
    if (devconf__cancelled(cancel)) {
        return devconf__error_canceled(what); /* nothing sent */
    }
    int64_t started = devconf__now_ms();
    uint64_t id = c->next_id++;
    devconf__buf b = { 0 };
    devconf__buf_printf(&b, "<rpc message-id=\"%llu\" xmlns=\"" DEVCONF_NC_BASE_NS "\">%s</rpc>",
                        (unsigned long long)id, body);
    if (b.failed) {
        devconf__buf_dispose(&b);
        return devconf__error_oom();
    }
    devconf__log(c->ctx, DEVCONF_LOG_DEBUG, "netconf", "%s sent to %s (message-id %llu): %.4000s%s", what, c->host,
                 (unsigned long long)id, b.data, b.len > 4000 ? "..." : "");
    int r = send_message(c, b.data, b.len, deadline, cancel, what);
    devconf__buf_dispose(&b);
    if (r < 0) {
        return r;
    }
    for (;;) {
        char *msg = NULL;
        size_t mlen = 0;
        if ((r = read_message(c, started, deadline, cancel, what, &msg, &mlen)) < 0) {
            return r;
        }
        if ((r = devconf__nc_env_scan(msg, mlen, env)) < 0) {
            free(msg);
            /* the message was framed correctly: the session goes on */
            devconf__error_set_message("%s: %s sent a malformed reply: %s", what, c->host,
                                       devconf_error_message(devconf_error_last()));
            return r;
        }
        if (env->kind == DEVCONF_NC_MSG_NOTIFICATION) {
            devconf__nc_env_dispose(env);
            route_notification(c, msg, mlen); /* :interleave: it arrived while we wait for the reply */
            continue;
        }
        if (env->kind != DEVCONF_NC_MSG_REPLY) {
            devconf__nc_env_dispose(env);
            free(msg);
            return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EPROTO,
                                      "%s: %s sent something else than an <rpc-reply>", what, c->host);
        }
        unsigned long long got = env->has_msgid && !env->msgid_invalid ? strtoull(env->msgid, NULL, 10) : 0;
        if (got && got < id) {
            /* the reply of a request that timed out earlier */
            if (got > c->answered) {
                c->answered = got;
            }
            devconf__nc_env_dispose(env);
            free(msg);
            continue;
        }
        if (got != id) {
            devconf__nc_env_dispose(env);
            free(msg);
            return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EPROTO,
                                      "%s: %s sent a reply with a missing or wrong message-id", what, c->host);
        }
        c->answered = id;
        *reply = msg;
        *len = mlen;
        return 0;
    }
}

static void io_lock(devconf__ncc *c)
{
    __atomic_add_fetch(&c->io_wanted, 1, __ATOMIC_SEQ_CST);
    pthread_mutex_lock(&c->io);
    __atomic_sub_fetch(&c->io_wanted, 1, __ATOMIC_SEQ_CST);
}

/* Releases the I/O lock and tells a pull waiting on another thread that it may read now. */
static void io_unlock(devconf__ncc *c)
{
    pthread_mutex_unlock(&c->io);
    pthread_mutex_lock(&c->sink_mu);
    if (c->sink) {
        c->sink(c->sink_payload, NULL, 0);
    }
    pthread_mutex_unlock(&c->sink_mu);
}

int devconf__ncc_call(devconf__ncc *c, const char *body, const char *what, int64_t deadline,
                      const devconf__cancel *cancel, char **reply, size_t *len, devconf__nc_env *env)
{
    io_lock(c);
    int r = call_locked(c, body, what, deadline, cancel, reply, len, env);
    io_unlock(c);
    return r;
}

void devconf__ncc_set_sink(devconf__ncc *c, devconf__ncc_sink sink, void *payload)
{
    io_lock(c); /* a delivery in progress on another thread ends first */
    pthread_mutex_lock(&c->sink_mu);
    c->sink = sink;
    c->sink_payload = payload;
    pthread_mutex_unlock(&c->sink_mu);
    pthread_mutex_unlock(&c->io);
}

/* A pull's read stops when a request wants the connection. */
static int io_wanted_cb(void *payload)
{
    devconf__ncc *c = payload;
    return __atomic_load_n(&c->io_wanted, __ATOMIC_SEQ_CST) > 0;
}

int devconf__ncc_pump(devconf__ncc *c, int64_t deadline)
{
    if (__atomic_load_n(&c->io_wanted, __ATOMIC_SEQ_CST) > 0 || pthread_mutex_trylock(&c->io) != 0) {
        return 1; /* a request is reading: it delivers what comes */
    }
    const char *what = "waiting for notifications";
    int r = 0;
    if (c->broken || !c->st->ops->alive(c->st)) {
        set_broken(c);
        r = closed_error(c, what);
        pthread_mutex_unlock(&c->io);
        return r;
    }
    devconf__cancel yield = { io_wanted_cb, c };
    char *msg = NULL;
    size_t mlen = 0;
    r = read_message(c, devconf__now_ms(), deadline, &yield, what, &msg, &mlen);
    if (r == DEVCONF_ETIMEOUT || r == DEVCONF_ECANCELED) {
        devconf__error_clear(); /* nothing yet, or a request wants the connection: not a failure */
        r = 0;
    } else if (r == 0) {
        devconf__nc_env env;
        if (devconf__nc_env_scan(msg, mlen, &env) < 0) {
            devconf__log(c->ctx, DEVCONF_LOG_WARNING, "netconf", "%s: %s sent a malformed message, skipped: %s",
                         what, c->host, devconf_error_message(devconf_error_last()));
            devconf__error_clear();
            free(msg);
        } else if (env.kind == DEVCONF_NC_MSG_NOTIFICATION) {
            route_notification(c, msg, mlen);
        } else {
            unsigned long long got =
                env.kind == DEVCONF_NC_MSG_REPLY && env.has_msgid && !env.msgid_invalid ? strtoull(env.msgid, NULL, 10)
                                                                                        : 0;
            if (got && got < c->next_id && got > c->answered) {
                c->answered = got; /* the late reply of a request that timed out */
            } else {
                devconf__log(c->ctx, DEVCONF_LOG_WARNING, "netconf",
                             "%s: %s sent a message that is neither a notification nor an expected reply; skipped",
                             what, c->host);
            }
            free(msg);
        }
        devconf__nc_env_dispose(&env);
    }
    pthread_mutex_unlock(&c->io);
    return r;
}

/* ---- rpc-error ---- */

/* Collects the <rpc-error> elements of a reply into the thread's error object; returns how many
 * have severity error (warnings are logged), or -1 when out of memory. */
static int collect_rpc_errors(const devconf_ctx *ctx, const char *host, const struct lyd_node *envp,
                              const char *what)
{
    int errors = 0;
    const struct lyd_node *first = NULL;
    devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ERPC, "%s", what);
    size_t kept = 0;
    for (const struct lyd_node *e = envp ? lyd_child(envp) : NULL; e; e = e->next) {
        if (strcmp(devconf__node_name(e), "rpc-error")) {
            continue;
        }
        struct devconf_rpc_error r = { 0 };
        r.type = (char *)devconf__child_value(e, "error-type");
        r.tag = (char *)devconf__child_value(e, "error-tag");
        r.severity = (char *)devconf__child_value(e, "error-severity");
        r.app_tag = (char *)devconf__child_value(e, "error-app-tag");
        r.path = (char *)devconf__child_value(e, "error-path");
        r.message = (char *)devconf__child_value(e, "error-message");
        const struct lyd_node *msg = devconf__child_named(e, "error-message");
        if (msg && !msg->schema) {
            for (const struct lyd_attr *a = ((const struct lyd_node_opaq *)msg)->attr; a; a = a->next) {
                if (!strcmp(a->name.name, "lang")) {
                    r.lang = (char *)a->value;
                }
            }
        }
        bool warning = r.severity && !strcmp(r.severity, "warning");
        if (!warning) {
            errors++;
            if (!first) {
                first = e;
            }
        } else {
            devconf__log(ctx, DEVCONF_LOG_WARNING, "netconf", "%s: warning from %s: %s", what, host,
                         r.message ? r.message : r.tag ? r.tag : "(no message)");
        }
        if (kept >= DEVCONF_MAX_RPC_ERRORS) {
            continue; /* counted, not kept */
        }
        char *info = NULL;
        const struct lyd_node *in = devconf__child_named(e, "error-info");
        if (in) {
            lyd_print_mem(&info, in, LYD_XML, LYD_PRINT_SHRINK);
            r.info_xml = info;
        }
        int rc = devconf__error_add_rpc_error(&r);
        free(info);
        if (rc < 0) {
            return -1;
        }
        kept++;
    }
    if (first) {
        const char *m = devconf__child_value(first, "error-message");
        const char *tag = devconf__child_value(first, "error-tag");
        const char *path = devconf__child_value(first, "error-path");
        const char *info_bad = NULL;
        const struct lyd_node *in = devconf__child_named(first, "error-info");
        if (in) {
            info_bad = devconf__child_value(in, "bad-element");
        }
        char more[64] = "";
        if (errors > 1) {
            snprintf(more, sizeof more, " and %d more error%s", errors - 1, errors > 2 ? "s" : "");
        }
        devconf__error_set_message("%s: %s refused it: %s (%s%s%s%s%s)%s", what, host, m ? m : tag ? tag : "no message",
                                   tag ? tag : "no tag", path ? ", path " : "", path ? path : "",
                                   info_bad ? ", bad-element " : "", info_bad ? info_bad : "", more);
    }
    return errors;
}

int devconf__ncc_reply_status(const devconf_ctx *ctx, const char *host, const char *what, const char *reply,
                              size_t len, const devconf__nc_env *env, bool data_expected)
{
    (void)len;
    if (!env->has_error) {
        if (!env->has_ok && !data_expected && (env->has_other || env->has_data)) {
            return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EPROTO,
                                      "%s: %s answered with data where <ok/> was expected", what, host);
        }
        if (!env->has_ok && !env->has_data && !env->has_other) {
            return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EPROTO,
                                      "%s: %s sent an empty <rpc-reply> (neither <ok/>, data nor <rpc-error>)", what,
                                      host);
        }
        return 0;
    }
    struct lyd_node *tree = NULL;
    devconf__log_capture_begin();
    LY_ERR lr = devconf__lyd_parse_xml(devconf__yang_boot(), reply, LYD_PARSE_ONLY | LYD_PARSE_OPAQ, &tree);
    const char *why = devconf__log_capture_end();
    if (lr != LY_SUCCESS || !tree) {
        int r = devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EPROTO, "%s: malformed rpc-error from %s%s%s", what,
                                   host, why ? ": " : "", why ? why : "");
        lyd_free_all(tree);
        return r;
    }
    int errs = collect_rpc_errors(ctx, host, tree, what);
    lyd_free_all(tree);
    if (errs < 0) {
        return devconf__error_oom();
    }
    if (errs == 0) {
        devconf__error_clear(); /* warnings only */
        return 0;
    }
    return DEVCONF_ERPC;
}

int devconf__nc_reply_text(const char *reply, char **out)
{
    *out = NULL;
    struct lyd_node *tree = NULL;
    devconf__log_capture_begin();
    LY_ERR lr = devconf__lyd_parse_xml(devconf__yang_boot(), reply, LYD_PARSE_ONLY | LYD_PARSE_OPAQ, &tree);
    const char *why = devconf__log_capture_end();
    const struct lyd_node *data = lr == LY_SUCCESS && tree ? devconf__child_named(tree, "data") : NULL;
    const char *v = data && !data->schema ? ((const struct lyd_node_opaq *)data)->value : NULL;
    if (!v) {
        int r = devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EPROTO, "the reply's <data> is not text%s%s",
                                   why ? ": " : "", why ? why : "");
        lyd_free_all(tree);
        return r;
    }
    *out = devconf__strdup(v);
    lyd_free_all(tree);
    return *out ? 0 : DEVCONF_ENOMEM;
}
