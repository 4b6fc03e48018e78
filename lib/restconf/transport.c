/* The RESTCONF entry of the transport table: opening a session (curl handle, discovery, schemas,
 * capabilities) and closing it; the operations live in read.c, edit.c and ops.c. */
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

const devconf__transport devconf__restconf_transport = {
    .name = "restconf",
    .protocol = DEVCONF_PROTO_RESTCONF,
    .open = rc_open,
    .close = rc_close,
    .is_connected = rc_is_connected,
    .read = devconf__rc_read,
    .edit = devconf__rc_edit,
    .commit = devconf__rc_commit,
    .discard = devconf__rc_discard,
    .get_schema = devconf__rc_get_schema,
    .rpc = devconf__rc_rpc,
    .yang_ctx = rc_yang_ctx,
};
