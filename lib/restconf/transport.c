/* The RESTCONF entry of the transport table: opening a session (curl handle, discovery, schemas,
 * capabilities) and closing it; the operations live in read.c, edit.c, ops.c and notify.c. */
#include "restconf_p.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

static int rc_open(devconf_session *s, const devconf__uri *uri, const devconf_session_options *opts)
{
    bool https = uri->scheme == DEVCONF_SCHEME_RESTCONF_HTTPS;
    devconf__rc_state *st = calloc(1, sizeof *st);
    if (!st) {
        return devconf__error_oom();
    }
    if (devconf__rc_confirm_init(st) < 0) {
        free(st);
        return DEVCONF_ENOMEM;
    }
    s->tp_data = st;
    st->profile = devconf__rc_profile_default();
    int r = devconf__rc_http_setup(s, st, uri, opts);
    if (r < 0) {
        return r;
    }
    /* the whole open (discovery, capabilities, schemas) ends within both timeouts */
    devconf__rc_begin(s, s->connect_timeout_ms + s->rpc_timeout_ms, "the connect timeout plus the RPC timeout");
    if (!https) {
        devconf__log(s->ctx, DEVCONF_LOG_WARNING, "http", "RESTCONF over plain HTTP to %s: nothing is encrypted",
                     s->host);
    }
    devconf__buf caps = { 0 };
    if ((r = devconf__rc_discover(s, uri, &caps)) < 0) {
        devconf__buf_dispose(&caps);
        return r;
    }
    if ((r = devconf__rc_load_schemas(s, &caps, st->deadline_ms)) < 0) {
        devconf__buf_dispose(&caps);
        return r;
    }
    if (caps.failed) {
        devconf__buf_dispose(&caps);
        return devconf__error_oom();
    }
    size_t n = 0;
    for (size_t off = 0; off < caps.len; off += strlen(caps.data + off) + 1) {
        n++;
    }
    const char **list = calloc(n ? n : 1, sizeof *list);
    if (!list) {
        devconf__buf_dispose(&caps);
        return devconf__error_oom();
    }
    n = 0;
    for (size_t off = 0; off < caps.len; off += strlen(caps.data + off) + 1) {
        list[n++] = caps.data + off;
    }
    r = devconf__session_set_caps(s, list, n);
    free(list);
    devconf__buf_dispose(&caps);
    return r;
}

static void rc_close(devconf_session *s)
{
    devconf__rc_state *st = devconf__rc_st(s);
    if (!st) {
        return;
    }
    devconf__rc_confirm_close(s); /* reverts a confirmed commit not confirmed; stops the timer */
    devconf__rc_notify_close(s);  /* closes the event stream; later pulls fail */
    if (st->curl) {
        curl_easy_cleanup(st->curl);
    }
    devconf__rc_plan_free(st->staged);
    free(st->yang_library_version);
    free(st->url_host);
    free(st->base);
    free(st->root);
    free(st);
    s->tp_data = NULL;
}

static int rc_is_connected(const devconf_session *s)
{
    return devconf__rc_st(s) && devconf__rc_st(s)->curl != NULL;
}

static struct ly_ctx *rc_yang_ctx(devconf_session *s)
{
    return devconf__rc_st(s)->ly;
}

/* Every operation holds the session's lock: the revert timer of a confirmed commit (confirm.c)
 * uses the session from a thread of its own. */
#define LOCKED(call)                                       \
    do {                                                   \
        pthread_mutex_lock(&devconf__rc_st(s)->lock);      \
        int r_ = (call);                                   \
        pthread_mutex_unlock(&devconf__rc_st(s)->lock);    \
        return r_;                                         \
    } while (0)

static int rc_read(devconf_session *s, char **out, const struct devconf__read_req *req)
{
    LOCKED(devconf__rc_read(s, out, req));
}

static int rc_edit(devconf_session *s, const struct devconf__edit_req *req)
{
    LOCKED(devconf__rc_edit(s, req));
}

static int rc_get_data(devconf_session *s, char **out, const struct devconf__get_data_req *req)
{
    LOCKED(devconf__rc_get_data(s, out, req));
}

static int rc_edit_data(devconf_session *s, const struct devconf__edit_req *req)
{
    LOCKED(devconf__rc_edit_data(s, req));
}

static bool rc_has_nmda(const devconf_session *s)
{
    const devconf__rc_state *st = s->tp_data;
    return st && st->nmda;
}

static int rc_commit(devconf_session *s, const devconf_commit_options *o)
{
    LOCKED(devconf__rc_commit(s, o));
}

static int rc_cancel_commit(devconf_session *s, const char *persist_id)
{
    LOCKED(devconf__rc_cancel_commit(s, persist_id));
}

static int rc_discard(devconf_session *s)
{
    LOCKED(devconf__rc_discard(s));
}

static int rc_get_schema(devconf_session *s, char **out, const char *id, const char *version, const char *format)
{
    LOCKED(devconf__rc_get_schema(s, out, id, version, format));
}

static int rc_rpc(devconf_session *s, char **out, const char *text, devconf_format format)
{
    LOCKED(devconf__rc_rpc(s, out, text, format));
}

const devconf__transport devconf__restconf_transport = {
    .name = "restconf",
    .protocol = DEVCONF_PROTO_RESTCONF,
    .open = rc_open,
    .close = rc_close,
    .is_connected = rc_is_connected,
    .read = rc_read,
    .edit = rc_edit,
    .commit = rc_commit,
    .cancel_commit = rc_cancel_commit,
    .discard = rc_discard,
    .get_schema = rc_get_schema,
    .rpc = rc_rpc,
    .get_data = rc_get_data,
    .edit_data = rc_edit_data,
    .has_nmda = rc_has_nmda,
    .yang_ctx = rc_yang_ctx,
    .subscribe = devconf__rc_subscribe,
    .pump = devconf__rc_pump,
    .unsubscribe = devconf__rc_unsubscribe,
};
