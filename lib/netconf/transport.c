/* NETCONF over SSH through libnetconf2. The only file that sees libnetconf2's types. */
#include "devconf_p.h"

#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libyang/libyang.h>
#include <nc_client.h>
#include <libssh/libssh.h>

#define NC_PREFIX "urn:ietf:params:netconf:capability:"

struct nc_state {
    struct nc_session *nc;
    devconf__yang_pool_entry *pool; /* the shared schema context of this device */
    ssh_session ssh;                /* owned by nc; the bulk-read channel opens on it */
    devconf__nc_raw *raw;           /* the bulk-read channel, once a read opened it */
    bool raw_unavailable;           /* the device cannot serve one: reads take libnetconf2 */
    char *checked_filter;           /* the last filter check_filter() accepted, and its type: */
    devconf_filter_type checked_type; /* the same filter again is not parsed again */
};

static struct nc_session *NC(const devconf_session *s)
{
    const struct nc_state *st = s->tp_data;
    return st ? st->nc : NULL;
}

static NC_DATASTORE nc_ds(devconf_datastore ds)
{
    switch (ds) {
    case DEVCONF_DS_RUNNING: return NC_DATASTORE_RUNNING;
    case DEVCONF_DS_CANDIDATE: return NC_DATASTORE_CANDIDATE;
    case DEVCONF_DS_STARTUP: return NC_DATASTORE_STARTUP;
    case DEVCONF_DS_CONFIG: return NC_DATASTORE_CONFIG;
    }
    return NC_DATASTORE_ERROR;
}

/* Fails with EUNSUPPORTED when the device lacks the datastore ds. */
static int require_ds(devconf_session *s, devconf_datastore ds, const char *what)
{
    switch (ds) {
    case DEVCONF_DS_RUNNING: return 0;
    case DEVCONF_DS_CANDIDATE: return devconf__require_cap(s, "candidate", what);
    case DEVCONF_DS_STARTUP: return devconf__require_cap(s, "startup", what);
    default:
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "%s: invalid datastore %d", what, (int)ds);
    }
}

/* ---- opening and closing ---- */

/* libnetconf2 waits up to NC_READ_ACT_TIMEOUT (300 s) for the replies it needs while it builds a
 * session's schema context, and takes no timeout from us. The watchdog enforces the caller's
 * connect timeout anyway: past the deadline it shuts the socket down, so every wait inside
 * libnetconf2 fails at once and the open returns ETIMEOUT. */
struct watchdog {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool done, fired;
    int fd;
    int64_t deadline_ms;
    pthread_t thread;
};

static void *watchdog_main(void *arg)
{
    struct watchdog *w = arg;
    pthread_mutex_lock(&w->lock);
    while (!w->done) {
        int64_t left = w->deadline_ms - devconf__now_ms();
        if (left <= 0) {
            w->fired = true;
            shutdown(w->fd, SHUT_RDWR);
            break;
        }
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_sec += left / 1000;
        ts.tv_nsec += (left % 1000) * 1000000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&w->cond, &w->lock, &ts);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

static int watchdog_start(struct watchdog *w, int fd, int64_t deadline_ms)
{
    memset(w, 0, sizeof *w);
    w->fd = fd;
    w->deadline_ms = deadline_ms;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->cond, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&w->lock, NULL);
    if (pthread_create(&w->thread, NULL, watchdog_main, w) != 0) {
        pthread_cond_destroy(&w->cond);
        pthread_mutex_destroy(&w->lock);
        return devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_ERROR, "cannot start the connect watchdog thread");
    }
    return 0;
}

/* Stops the watchdog; returns true when it fired. */
static bool watchdog_stop(struct watchdog *w)
{
    pthread_mutex_lock(&w->lock);
    w->done = true;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    return w->fired;
}

static char *default_user(void)
{
    const char *u = getenv("USER");
    if (u && *u) {
        return devconf__strdup(u);
    }
    struct passwd pw, *res = NULL;
    char buf[1024];
    if (getpwuid_r(getuid(), &pw, buf, sizeof buf, &res) == 0 && res) {
        return devconf__strdup(res->pw_name);
    }
    devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "no user name: give one in the URI or the options");
    return NULL;
}

/* A fresh private directory under the cache for one connect's downloads; NULL with the error set. */
static char *staging_dir_new(const char *cache_dir)
{
    char *dir = NULL;
    if (asprintf(&dir, "%s/.incoming-XXXXXX", cache_dir) < 0) {
        devconf__error_oom();
        return NULL;
    }
    if (!mkdtemp(dir)) {
        devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_ERROR, "cannot create a directory in the schema cache %s: %s",
                           cache_dir, strerror(errno));
        free(dir);
        return NULL;
    }
    return dir;
}

/* Moves every file of the staging directory into the cache (rename: atomic, never a rewrite in
 * place), removes the directory and frees its name. Best effort: a file that cannot be moved is
 * only not cached. */
static void staging_dir_publish(const char *cache_dir, char *staging)
{
    DIR *d = opendir(staging);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d))) {
            if (de->d_name[0] == '.') {
                continue;
            }
            char *from = NULL, *to = NULL;
            if (asprintf(&from, "%s/%s", staging, de->d_name) >= 0 && asprintf(&to, "%s/%s", cache_dir, de->d_name) >= 0
                && rename(from, to) != 0) {
                unlink(from);
            }
            free(from);
            free(to);
        }
        closedir(d);
    }
    rmdir(staging);
    free(staging);
}

static int nc_open(devconf_session *s, const devconf__uri *uri, const devconf_session_options *opts)
{
    char *user = opts->username ? devconf__strdup(opts->username)
                 : uri->user    ? devconf__strdup(uri->user)
                                : default_user();
    if (!user) {
        return devconf_error_code(devconf_error_last());
    }
    if (uri->path) {
        free(user);
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "a netconf:// URI has no path: give scheme://[user@]host[:port]");
    }
    int r = devconf__mkdir_p(s->ctx->cache_dir, 0700);
    if (r < 0) {
        free(user);
        return r;
    }
    int64_t start = devconf__now_ms();
    ssh_session ssh = NULL;
    r = devconf__ssh_connect(&ssh, s->ctx, uri->host, uri->port, user, opts, s->connect_timeout_ms);
    if (r < 0) {
        free(user);
        return r;
    }
    /* libnetconf2 client settings are per thread: set them right here, on the connecting
     * thread. libnetconf2 writes the schemas a device sends with fopen("w") into its search path,
     * in place; another context (thread or process) may have that very file mmap()ed by libyang
     * at the time, and a file truncated under a mapping is a SIGBUS. So it writes into a private
     * staging directory, and what it wrote is rename()d into the cache afterwards: a reader keeps
     * the old inode, the next one finds the new file. */
    char *staging = staging_dir_new(s->ctx->cache_dir);
    if (!staging) {
        ssh_disconnect(ssh);
        ssh_free(ssh);
        free(user);
        return devconf_error_code(devconf_error_last());
    }
    nc_client_set_schema_searchpath(staging);
    struct watchdog wd;
    if ((r = watchdog_start(&wd, ssh_get_fd(ssh), start + s->connect_timeout_ms)) < 0) {
        staging_dir_publish(s->ctx->cache_dir, staging);
        ssh_disconnect(ssh);
        ssh_free(ssh);
        free(user);
        return r;
    }
    /* the schema context shared by the sessions to this device; libnetconf2 fills it (from the
     * cache, else with get-schema) under the write lock */
    char key[300];
    snprintf(key, sizeof key, "%s:%u", uri->host, (unsigned)uri->port);
    devconf__yang_pool_entry *pe = NULL;
    if ((r = devconf__yang_pool_get(s->ctx, key, &pe)) < 0) {
        watchdog_stop(&wd);
        staging_dir_publish(s->ctx->cache_dir, staging);
        ssh_disconnect(ssh);
        ssh_free(ssh);
        free(user);
        return r;
    }
    pthread_rwlock_wrlock(&pe->lock);
    devconf__log_capture_begin();
    devconf__log_quiet(true);
    struct nc_session *nc = nc_connect_libssh(ssh, pe->ly); /* takes ssh, even on failure */
    devconf__log_quiet(false);
    const char *why = devconf__log_capture_end();
    nc_client_set_schema_searchpath(NULL);
    staging_dir_publish(s->ctx->cache_dir, staging);
    if (nc) {
        devconf__yang_pool_save(s->ctx, pe);
    }
    pthread_rwlock_unlock(&pe->lock);
    bool timed_out = watchdog_stop(&wd);
    if (nc && timed_out) {
        /* it made it just as the watchdog fired: the socket is gone, so is the session */
        nc_session_free(nc, NULL);
        nc = NULL;
    }
    if (!nc) {
        timed_out = timed_out || devconf__now_ms() - start >= s->connect_timeout_ms;
        if (timed_out) {
            r = devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ETIMEOUT,
                                   "NETCONF session setup with %s@%s port %u (hello and schema download) did not "
                                   "finish within the connect timeout of %d ms", user, uri->host,
                                   (unsigned)uri->port, s->connect_timeout_ms);
        } else {
            r = devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ECONNECT,
                                   "NETCONF session setup with %s@%s port %u failed%s%s", user, uri->host,
                                   (unsigned)uri->port, why ? ": " : "", why ? why : "");
        }
        free(user);
        devconf__yang_pool_put(s->ctx, pe);
        return r;
    }
    free(user);
    struct nc_state *st = calloc(1, sizeof *st);
    if (!st) {
        nc_session_free(nc, NULL);
        devconf__yang_pool_put(s->ctx, pe);
        return devconf__error_oom();
    }
    st->nc = nc;
    st->pool = pe;
    st->ssh = ssh;
    s->tp_data = st;
    s->yang_lock = &pe->lock;
    s->session_id = nc_session_get_id(nc);
    const char *const *caps = nc_session_get_cpblts(nc);
    size_t n = 0;
    while (caps && caps[n]) {
        n++;
    }
    if ((r = devconf__session_set_caps(s, caps, n)) < 0) {
        return r;
    }
    devconf__log(s->ctx, DEVCONF_LOG_INFO, "devconf", "NETCONF session %u with %s: %zu capabilities, %lld ms",
                 (unsigned)s->session_id, s->host, n, (long long)(devconf__now_ms() - start));
    return 0;
}

static void nc_close(devconf_session *s)
{
    struct nc_state *st = s->tp_data;
    if (!st) {
        return;
    }
    devconf__nc_raw_close(st->raw); /* before libnetconf2 frees the SSH session it lives on */
    free(st->checked_filter);
    pthread_rwlock_rdlock(&st->pool->lock);
    nc_session_free(st->nc, NULL); /* the shared context stays */
    pthread_rwlock_unlock(&st->pool->lock);
    devconf__yang_pool_put(s->ctx, st->pool);
    s->yang_lock = NULL;
    free(st);
    s->tp_data = NULL;
}

static int nc_is_connected(const devconf_session *s)
{
    return NC(s) && nc_session_get_status(NC(s)) == NC_STATUS_RUNNING;
}

/* ---- rpc-error ---- */

/* Collects the <rpc-error> elements of a reply envelope into the thread's error object and
 * returns how many there were (errors with severity "error"; warnings are logged). */
static int collect_rpc_errors(devconf_session *s, const struct lyd_node *envp, const char *what)
{
    int errors = 0, count = 0;
    const struct lyd_node *first = NULL;
    devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ERPC, "%s", what);
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
        count++;
        if (!r.severity || strcmp(r.severity, "warning")) {
            errors++;
            if (!first) {
                first = e;
            }
        } else {
            devconf__log(s->ctx, DEVCONF_LOG_WARNING, "netconf", "%s: warning from %s: %s", what, s->host,
                         r.message ? r.message : r.tag ? r.tag : "(no message)");
        }
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
        devconf__error_set_message("%s: %s refused it: %s (%s%s%s%s%s)%s", what, s->host,
                                   m ? m : tag ? tag : "no message",
                                   tag ? tag : "no tag", path ? ", path " : "", path ? path : "",
                                   info_bad ? ", bad-element " : "", info_bad ? info_bad : "",
                                   errors > 1 ? " and more errors" : "");
    }
    (void)count;
    return errors;
}

/* ---- the request/reply exchange ---- */

/* Sends rpc and waits for its reply, bounded by the session's RPC timeout. On success *op_out
 * (if given) receives the parsed output (may be NULL for <ok/>); the caller frees it. */
static int nc_call(devconf_session *s, struct nc_rpc *rpc, const char *what, struct lyd_node **op_out)
{
    if (op_out) {
        *op_out = NULL;
    }
    if (!rpc) {
        const char *why = devconf__log_capture_last();
        return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ERROR, "%s: libnetconf2 could not build the request%s%s",
                                  what, why ? ": " : "", why ? why : "");
    }
    struct nc_session *nc = NC(s);
    if (!nc_is_connected(s)) {
        nc_rpc_free(rpc);
        return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ECONNECT,
                                  "%s: the session to %s is closed (the device ended it or the connection broke)",
                                  what, s->host);
    }
    int64_t deadline = devconf__now_ms() + s->rpc_timeout_ms;
    uint64_t msgid = 0;
    devconf__log_capture_begin();
    NC_MSG_TYPE mt = nc_send_rpc(nc, rpc, s->rpc_timeout_ms, &msgid);
    if (mt != NC_MSG_RPC) {
        const char *why = devconf__log_capture_end();
        nc_rpc_free(rpc);
        if (mt == NC_MSG_WOULDBLOCK) {
            return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ETIMEOUT, "%s: timed out sending to %s after %d ms",
                                      what, s->host, s->rpc_timeout_ms);
        }
        return devconf__error_set(DEVCONF_ORIGIN_NETCONF,
                                  nc_is_connected(s) ? DEVCONF_ERROR : DEVCONF_ECONNECT,
                                  "%s: cannot send to %s%s%s", what, s->host, why ? ": " : "", why ? why : "");
    }
    devconf__log(s->ctx, DEVCONF_LOG_DEBUG, "netconf", "%s sent to %s (message-id %llu)", what, s->host,
                 (unsigned long long)msgid);
    int r = 0;
    for (;;) {
        int64_t left = deadline - devconf__now_ms();
        struct lyd_node *envp = NULL, *op = NULL;
        mt = nc_recv_reply(nc, rpc, msgid, left > 0 ? (int)left : 0, &envp, &op);
        if (mt == NC_MSG_NOTIF) {
            lyd_free_tree(envp);
            lyd_free_tree(op);
            continue;
        }
        if (mt == NC_MSG_REPLY) {
            int errs = collect_rpc_errors(s, envp, what);
            if (errs < 0) {
                r = DEVCONF_ENOMEM;
            } else if (errs > 0) {
                r = DEVCONF_ERPC;
            } else {
                devconf__error_clear();
                if (op_out) {
                    *op_out = op;
                    op = NULL;
                }
            }
            lyd_free_tree(envp);
            lyd_free_all(op);
            break;
        }
        const char *why = devconf__log_capture_last();
        lyd_free_tree(envp);
        lyd_free_all(op);
        if (mt == NC_MSG_WOULDBLOCK) {
            r = devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ETIMEOUT,
                                   "%s: no reply from %s within %d ms", what, s->host, s->rpc_timeout_ms);
        } else if (mt == NC_MSG_REPLY_ERR_MSGID) {
            r = devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EPROTO,
                                   "%s: %s sent a reply with a missing or wrong message-id", what, s->host);
        } else if (!nc_is_connected(s)) {
            r = devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ECONNECT,
                                   "%s: connection to %s lost while waiting for the reply%s%s", what, s->host,
                                   why ? ": " : "", why ? why : "");
        } else {
            r = devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EPROTO, "%s: malformed reply from %s%s%s", what,
                                   s->host, why ? ": " : "", why ? why : "");
        }
        break;
    }
    devconf__log_capture_end();
    nc_rpc_free(rpc);
    return r;
}

static int nc_call_ok(devconf_session *s, struct nc_rpc *rpc, const char *what)
{
    return nc_call(s, rpc, what, NULL);
}

/* ---- reads ---- */

static NC_WD_MODE nc_wd(devconf_with_defaults wd)
{
    switch (wd) {
    case DEVCONF_WD_REPORT_ALL: return NC_WD_ALL;
    case DEVCONF_WD_REPORT_ALL_TAGGED: return NC_WD_ALL_TAG;
    case DEVCONF_WD_TRIM: return NC_WD_TRIM;
    case DEVCONF_WD_EXPLICIT: return NC_WD_EXPLICIT;
    default: return NC_WD_UNKNOWN;
    }
}

/* Checks a filter before it is sent: a subtree filter must be well-formed XML whose top-level
 * elements the device's schemas know; an XPath must compile against them. */
static int check_filter(devconf_session *s, const char *filter, devconf_filter_type type, const char *what)
{
    struct ly_ctx *ly = nc_session_get_ctx(NC(s));
    const char *p = devconf__skip_ws(filter);
    if (type == DEVCONF_FILTER_AUTO) {
        type = *p == '<' ? DEVCONF_FILTER_SUBTREE : DEVCONF_FILTER_XPATH;
    }
    if (type == DEVCONF_FILTER_SUBTREE) {
        if (*p != '<') {
            return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                      "%s: a subtree filter is XML and starts with '<'", what);
        }
        struct lyd_node *tree = NULL;
        devconf__log_capture_begin();
        LY_ERR lr = lyd_parse_data_mem(ly, p, LYD_XML, LYD_PARSE_ONLY | LYD_PARSE_OPAQ, 0, &tree);
        if (lr != LY_SUCCESS) {
            int r = devconf__yang_error(ly, DEVCONF_EYANG, "subtree filter is not well-formed XML, nothing sent");
            devconf__log_capture_end();
            lyd_free_all(tree);
            return r;
        }
        devconf__log_capture_end();
        for (const struct lyd_node *n = tree; n; n = n->next) {
            if (!n->schema) {
                const struct lyd_node_opaq *o = (const struct lyd_node_opaq *)n;
                const char *ns = o->name.module_ns;
                if (!ns || !ly_ctx_get_module_implemented_ns(ly, ns)) {
                    int r = devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EYANG,
                                               "subtree filter selects <%s> in namespace '%s', which no module of "
                                               "%s defines; nothing sent", o->name.name, ns ? ns : "(none)",
                                               s->host);
                    lyd_free_all(tree);
                    return r;
                }
                if (!lys_find_child(NULL, ly_ctx_get_module_implemented_ns(ly, ns), o->name.name, 0, 0, 0)) {
                    int r = devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EYANG,
                                               "subtree filter selects <%s>, which module %s does not define; "
                                               "nothing sent", o->name.name,
                                               ly_ctx_get_module_implemented_ns(ly, ns)->name);
                    lyd_free_all(tree);
                    return r;
                }
            }
        }
        lyd_free_all(tree);
        return 0;
    }
    if (*p == '<') {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "%s: an XPath filter cannot start with '<'",
                                  what);
    }
    int r = devconf__require_cap(s, "xpath", what);
    if (r < 0) {
        return r;
    }
    struct ly_set *set = NULL;
    devconf__log_capture_begin();
    LY_ERR lr = lys_find_xpath(ly, NULL, p, 0, &set);
    ly_set_free(set, NULL);
    if (lr != LY_SUCCESS) {
        r = devconf__yang_error(ly, DEVCONF_EYANG, "XPath filter refused (use module names as prefixes, for "
                                "example /ietf-interfaces:interfaces), nothing sent");
        devconf__log_capture_end();
        return r;
    }
    devconf__log_capture_end();
    return 0;
}

/* Whether the session's own NETCONF session still runs, as far as the SSH connection has told
 * us. The bulk-read channel is a NETCONF session of its own: when the device ends the main one
 * (kill-session), a read on the bulk channel alone would not notice. libssh has processed every
 * packet that came before the bulk reply, so a zero-timeout look at the main channel sees its end
 * when the device sent that first (a device may close the channel a little later: then the next
 * read sees it). */
static bool main_session_alive(devconf_session *s)
{
    struct lyd_node *envp = NULL, *op = NULL;
    devconf__log_quiet(true);
    nc_recv_notif(NC(s), 0, &envp, &op); /* WOULDBLOCK when all is well; a reply would be kept */
    devconf__log_quiet(false);
    lyd_free_tree(envp);
    lyd_free_all(op);
    return nc_is_connected(s);
}

/* A read with device_text: the request goes out on the bulk-read channel (lib/nc_raw.c) and the
 * <data> comes back as the device's text, without the libyang parse and print of libnetconf2's
 * path. Returns 1 when the read takes the usual path instead: not asked, an XPath filter
 * (libnetconf2 declares the namespaces of its prefixes), a device without the channel, or a reply
 * that is not plain <data> (an rpc-error: sent again through libnetconf2, which reports every
 * field of it). */
static int fast_read(devconf_session *s, char **out, const struct devconf__read_req *req, const char *filter,
                     const char *what)
{
    struct nc_state *st = s->tp_data;
    if (!req->device_text || req->format != DEVCONF_FORMAT_XML || st->raw_unavailable ||
        (filter && (*filter != '<' || filter[1] == '?')) || !nc_is_connected(s)) {
        return 1; /* a closed session: the usual path says so */
    }
    int r;
    if (!st->raw) {
        r = devconf__nc_raw_open(&st->raw, st->ssh, s->host, s->rpc_timeout_ms);
        if (r == DEVCONF_ETIMEOUT) {
            return r; /* a stalled device, not a missing feature: the next read tries again */
        }
        if (r != 0) {
            devconf__log(s->ctx, DEVCONF_LOG_INFO, "netconf", "%s: no bulk-read channel (%s); reads parse every reply",
                         s->host, r < 0 ? devconf_error_message(devconf_error_last()) : "no :base:1.0 framing");
            devconf__error_clear();
            st->raw_unavailable = true;
            return 1;
        }
    }
    devconf__buf body = { 0 };
    devconf__buf_printf(&body, "<%s>", what);
    if (req->source) {
        devconf__buf_printf(&body, "<source><%s/></source>", devconf_datastore_name(req->source));
    }
    if (filter) {
        devconf__buf_printf(&body, "<filter type=\"subtree\">%s</filter>", filter);
    }
    if (devconf__wd_name(req->with_defaults)) {
        devconf__buf_printf(&body, "<with-defaults xmlns=\"urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults\">"
                                   "%s</with-defaults>", devconf__wd_name(req->with_defaults));
    }
    devconf__buf_printf(&body, "</%s>", what);
    if (body.failed) {
        devconf__buf_dispose(&body);
        return devconf__error_oom();
    }
    char *reply = NULL;
    size_t len = 0;
    r = devconf__nc_raw_call(st->raw, body.data, s->rpc_timeout_ms, what, &reply, &len);
    devconf__buf_dispose(&body);
    if (r < 0) {
        /* the channel's state is unknown now: drop it; the next read opens a new one */
        devconf__nc_raw_close(st->raw);
        st->raw = NULL;
        return r;
    }
    devconf__log(s->ctx, DEVCONF_LOG_DEBUG, "netconf", "%s: %zu reply bytes from %s on the bulk-read channel", what,
                 len, s->host);
    if (!main_session_alive(s)) {
        free(reply);
        devconf__nc_raw_close(st->raw);
        st->raw = NULL;
        return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ECONNECT,
                                  "%s: the session to %s is closed (the device ended it or the connection broke)",
                                  what, s->host);
    }
    if (devconf__nc_raw_take_data(reply, len, &len) != 0) {
        free(reply);
        return 1;
    }
    *out = reply;
    return 0;
}

/* check_filter(), skipped for the filter it accepted last time on this session (a poller sends
 * the same filter again and again; the schemas of a session only ever gain modules, so a filter
 * once accepted stays valid). */
static int check_filter_once(devconf_session *s, const char *filter, devconf_filter_type type, const char *what)
{
    struct nc_state *st = s->tp_data;
    if (st->checked_filter && st->checked_type == type && !strcmp(st->checked_filter, filter)) {
        return 0;
    }
    int r = check_filter(s, filter, type, what);
    if (r == 0) {
        free(st->checked_filter);
        st->checked_filter = strdup(filter); /* NULL (no memory) only means no shortcut */
        st->checked_type = type;
    }
    return r;
}

static int nc_read(devconf_session *s, char **out, const struct devconf__read_req *req)
{
    const char *what = req->source ? "get-config" : "get";
    int r;
    if (req->depth || req->fields) {
        return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EUNSUPPORTED,
                                  "%s: NETCONF has no %s parameter; select with a subtree or XPath filter instead",
                                  what, req->depth ? "depth" : "fields");
    }
    if (req->source && (r = require_ds(s, req->source, what)) < 0) {
        return r;
    }
    if (req->source == DEVCONF_DS_CONFIG) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "get-config: source must be a datastore");
    }
    if (req->with_defaults && (r = devconf__require_cap(s, "with-defaults", what)) < 0) {
        return r;
    }
    const char *filter = req->filter && *devconf__skip_ws(req->filter) ? devconf__skip_ws(req->filter) : NULL;
    if (filter && (r = check_filter_once(s, filter, req->filter_type, what)) < 0) {
        return r;
    }
    if ((r = fast_read(s, out, req, filter, what)) <= 0) {
        return r;
    }
    struct nc_rpc *rpc = req->source ? nc_rpc_getconfig(nc_ds(req->source), filter, nc_wd(req->with_defaults),
                                                        NC_PARAMTYPE_CONST)
                                     : nc_rpc_get(filter, nc_wd(req->with_defaults), NC_PARAMTYPE_CONST);
    struct lyd_node *op = NULL;
    if ((r = nc_call(s, rpc, what, &op)) < 0) {
        return r;
    }
    const struct lyd_node *data = NULL;
    const struct lyd_node *dn = op ? devconf__child_named(op, "data") : NULL;
    if (dn && dn->schema && (dn->schema->nodetype & LYD_NODE_ANY)) {
        const struct lyd_node_any *any = (const struct lyd_node_any *)dn;
        if (any->value_type == LYD_ANYDATA_DATATREE) {
            data = any->value.tree;
        } else if (any->value.str && *any->value.str) {
            /* Not parsed as a tree (unknown modules): return the text as the device sent it. */
            char *text = NULL;
            if (lyd_any_value_str(dn, &text) != LY_SUCCESS) {
                lyd_free_all(op);
                return devconf__error_oom();
            }
            lyd_free_all(op);
            if (req->format == DEVCONF_FORMAT_JSON) {
                free(text);
                return devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EYANG,
                                          "%s: the reply holds data the device's schemas do not describe; ask "
                                          "for XML", what);
            }
            *out = text;
            return 0;
        }
    }
    r = devconf__print_data(data, req->format, req->with_defaults == DEVCONF_WD_REPORT_ALL_TAGGED, out);
    lyd_free_all(op);
    return r;
}

/* ---- edits and the commit family ---- */

static int nc_edit(devconf_session *s, const struct devconf__edit_req *req)
{
    int r;
    if (req->if_match) {
        return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EUNSUPPORTED,
                                  "edit-config: NETCONF has no entity tags for If-Match; lock the datastore instead");
    }
    if (req->target != DEVCONF_DS_RUNNING && req->target != DEVCONF_DS_CANDIDATE) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "edit-config: target must be running or candidate");
    }
    if (req->target == DEVCONF_DS_CANDIDATE && (r = devconf__require_cap(s, "candidate", "edit-config")) < 0) {
        return r;
    }
    if (req->target == DEVCONF_DS_RUNNING &&
        (r = devconf__require_cap(s, "writable-running", "edit-config on running")) < 0) {
        return r;
    }
    if ((req->test_option == DEVCONF_TEST_THEN_SET || req->test_option == DEVCONF_TEST_SET) &&
        (r = devconf__require_cap(s, "validate", "edit-config test-option")) < 0) {
        return r;
    }
    if (req->test_option == DEVCONF_TEST_ONLY &&
        (r = devconf__require_cap(s, NC_PREFIX "validate:1.1", "edit-config test-only")) < 0) {
        return r;
    }
    if (req->error_option == DEVCONF_ERROR_OPTION_ROLLBACK &&
        (r = devconf__require_cap(s, "rollback-on-error", "edit-config rollback-on-error")) < 0) {
        return r;
    }
    char *xml = NULL;
    if ((r = devconf__config_to_xml(nc_session_get_ctx(NC(s)), req->config, req->format, &xml)) < 0) {
        return r;
    }
    static const NC_RPC_EDIT_DFLTOP dflt[] = { NC_RPC_EDIT_DFLTOP_UNKNOWN, NC_RPC_EDIT_DFLTOP_REPLACE,
                                               NC_RPC_EDIT_DFLTOP_NONE };
    static const NC_RPC_EDIT_TESTOPT test[] = { NC_RPC_EDIT_TESTOPT_UNKNOWN, NC_RPC_EDIT_TESTOPT_TESTSET,
                                                NC_RPC_EDIT_TESTOPT_SET, NC_RPC_EDIT_TESTOPT_TEST };
    static const NC_RPC_EDIT_ERROPT erropt[] = { NC_RPC_EDIT_ERROPT_UNKNOWN, NC_RPC_EDIT_ERROPT_STOP,
                                                 NC_RPC_EDIT_ERROPT_CONTINUE, NC_RPC_EDIT_ERROPT_ROLLBACK };
    struct nc_rpc *rpc = nc_rpc_edit(nc_ds(req->target), dflt[req->default_operation], test[req->test_option],
                                     erropt[req->error_option], xml, NC_PARAMTYPE_FREE);
    if (!rpc) {
        free(xml);
    }
    return nc_call_ok(s, rpc, "edit-config");
}

static int nc_commit(devconf_session *s, const devconf_commit_options *o)
{
    int r;
    if ((r = devconf__require_cap(s, "candidate", "commit")) < 0) {
        return r;
    }
    if ((o->confirmed || o->persist || o->persist_id) &&
        (r = devconf__require_cap(s, "confirmed-commit", "confirmed commit")) < 0) {
        return r;
    }
    if ((o->persist || o->persist_id) &&
        (r = devconf__require_cap(s, NC_PREFIX "confirmed-commit:1.1", "commit with persist")) < 0) {
        return r;
    }
    struct nc_rpc *rpc = nc_rpc_commit(o->confirmed ? 1 : 0, o->confirmed ? o->confirm_timeout : 0, o->persist,
                                       o->persist_id, NC_PARAMTYPE_CONST);
    return nc_call_ok(s, rpc, o->confirmed ? "confirmed commit" : "commit");
}

static int nc_cancel_commit(devconf_session *s, const char *persist_id)
{
    int r = devconf__require_cap(s, NC_PREFIX "confirmed-commit:1.1", "cancel-commit");
    if (r < 0) {
        return r;
    }
    return nc_call_ok(s, nc_rpc_cancel(persist_id, NC_PARAMTYPE_CONST), "cancel-commit");
}

static int nc_discard(devconf_session *s)
{
    int r = devconf__require_cap(s, "candidate", "discard-changes");
    if (r < 0) {
        return r;
    }
    return nc_call_ok(s, nc_rpc_discard(), "discard-changes");
}

static int nc_lock(devconf_session *s, devconf_datastore ds, bool lock)
{
    const char *what = lock ? "lock" : "unlock";
    int r = require_ds(s, ds, what);
    if (r < 0) {
        return r;
    }
    return nc_call_ok(s, lock ? nc_rpc_lock(nc_ds(ds)) : nc_rpc_unlock(nc_ds(ds)), what);
}

static int nc_validate(devconf_session *s, devconf_datastore source, const char *config)
{
    int r = devconf__require_cap(s, "validate", "validate");
    if (r < 0) {
        return r;
    }
    if (source == DEVCONF_DS_CONFIG) {
        char *xml = NULL;
        if ((r = devconf__config_to_xml(nc_session_get_ctx(NC(s)), config, DEVCONF_FORMAT_AUTO, &xml)) < 0) {
            return r;
        }
        struct nc_rpc *rpc = nc_rpc_validate(NC_DATASTORE_CONFIG, xml, NC_PARAMTYPE_FREE);
        if (!rpc) {
            free(xml);
        }
        return nc_call_ok(s, rpc, "validate");
    }
    if ((r = require_ds(s, source, "validate")) < 0) {
        return r;
    }
    return nc_call_ok(s, nc_rpc_validate(nc_ds(source), NULL, NC_PARAMTYPE_CONST), "validate");
}

static int nc_copy(devconf_session *s, devconf_datastore target, devconf_datastore source, const char *config)
{
    int r;
    if (target == DEVCONF_DS_CONFIG) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "copy-config: target must be a datastore");
    }
    if ((r = require_ds(s, target, "copy-config")) < 0) {
        return r;
    }
    if (target == DEVCONF_DS_RUNNING && (r = devconf__require_cap(s, "writable-running", "copy-config to running")) < 0) {
        return r;
    }
    char *xml = NULL;
    if (source == DEVCONF_DS_CONFIG) {
        if (devconf__config_is_empty(config)) {
            /* an empty configuration is a valid source (RFC 6241 7.3) */
            if (!(xml = strdup(""))) {
                return devconf__error_oom();
            }
        } else if ((r = devconf__config_to_xml(nc_session_get_ctx(NC(s)), config, DEVCONF_FORMAT_AUTO, &xml)) < 0) {
            return r;
        }
    } else if ((r = require_ds(s, source, "copy-config")) < 0) {
        return r;
    }
    struct nc_rpc *rpc = nc_rpc_copy(nc_ds(target), NULL, nc_ds(source), xml, NC_WD_UNKNOWN, NC_PARAMTYPE_FREE);
    if (!rpc) {
        free(xml);
    }
    return nc_call_ok(s, rpc, "copy-config");
}

static int nc_delete(devconf_session *s, devconf_datastore target)
{
    int r = require_ds(s, target, "delete-config");
    if (r < 0) {
        return r;
    }
    return nc_call_ok(s, nc_rpc_delete(nc_ds(target), NULL, NC_PARAMTYPE_CONST), "delete-config");
}

static int nc_get_schema(devconf_session *s, char **out, const char *id, const char *version, const char *format)
{
    int r = devconf__require_cap(s, "ietf-netconf-monitoring", "get-schema");
    if (r < 0) {
        return r;
    }
    struct lyd_node *op = NULL;
    r = nc_call(s, nc_rpc_getschema(id, version, format ? format : "yang", NC_PARAMTYPE_CONST), "get-schema", &op);
    if (r < 0) {
        return r;
    }
    const struct lyd_node *data = op ? devconf__child_named(op, "data") : NULL;
    char *text = NULL;
    if (!data || lyd_any_value_str(data, &text) != LY_SUCCESS || !text) {
        lyd_free_all(op);
        free(text);
        return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EPROTO, "get-schema: the reply from %s has no data",
                                  s->host);
    }
    lyd_free_all(op);
    *out = text;
    return 0;
}

static int nc_kill(devconf_session *s, uint32_t id)
{
    return nc_call_ok(s, nc_rpc_kill(id), "kill-session");
}

static int nc_generic_rpc(devconf_session *s, char **out, const char *text, devconf_format format)
{
    struct ly_ctx *ly = nc_session_get_ctx(NC(s));
    struct lyd_node *tree = NULL;
    devconf_format in_fmt;
    int r = devconf__rpc_parse(ly, text, DEVCONF_FORMAT_AUTO, &tree, &in_fmt);
    if (r < 0) {
        return r;
    }
    if (format == DEVCONF_FORMAT_AUTO) {
        format = in_fmt;
    }
    struct lyd_node *req = devconf__find_op(tree);
    char what[128];
    snprintf(what, sizeof what, "%s %s", req && req->schema->nodetype == LYS_ACTION ? "action" : "rpc",
             req ? req->schema->name : "(unknown)");
    /* XML goes out as the caller wrote it (validated above): anyxml content such as a <filter>
     * survives unchanged; JSON goes out as the parsed tree */
    struct nc_rpc *rpc;
    if (in_fmt == DEVCONF_FORMAT_XML) {
        lyd_free_all(tree);
        rpc = nc_rpc_act_generic_xml(devconf__skip_ws(text), NC_PARAMTYPE_CONST);
    } else {
        rpc = nc_rpc_act_generic(tree, NC_PARAMTYPE_FREE);
        if (!rpc) {
            lyd_free_all(tree);
        }
    }
    if (!rpc) {
        return devconf__error_oom();
    }
    struct lyd_node *op = NULL;
    if ((r = nc_call(s, rpc, what, &op)) < 0) {
        return r;
    }
    r = devconf__print_rpc_output(devconf__find_op(op), format, out);
    lyd_free_all(op);
    return r;
}

static struct ly_ctx *nc_yang_ctx(devconf_session *s)
{
    return nc_session_get_ctx(NC(s));
}

const devconf__transport devconf__netconf_ssh_transport = {
    .name = "netconf+ssh",
    .protocol = DEVCONF_PROTO_NETCONF,
    .open = nc_open,
    .close = nc_close,
    .is_connected = nc_is_connected,
    .read = nc_read,
    .edit = nc_edit,
    .commit = nc_commit,
    .cancel_commit = nc_cancel_commit,
    .discard = nc_discard,
    .lock = nc_lock,
    .validate = nc_validate,
    .copy = nc_copy,
    .delete_config = nc_delete,
    .get_schema = nc_get_schema,
    .kill = nc_kill,
    .rpc = nc_generic_rpc,
    .yang_ctx = nc_yang_ctx,
};
