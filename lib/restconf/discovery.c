/* Opening a RESTCONF session: root discovery (RFC 8040 3.1, /.well-known/host-meta), the profile
 * of the server and the capabilities it announces. */
#include "restconf_p.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

/* RFC 8040 3.1: <Link rel='restconf' href='/restconf'/> in /.well-known/host-meta. */
static char *discover_root(devconf_session *s)
{
    devconf__rc_resp r;
    if (devconf__rc_request(s, "GET", "/.well-known/host-meta", NULL, NULL, &r, "RESTCONF root discovery", NULL) < 0) {
        return NULL;
    }
    char *root = NULL;
    const char *link = r.body.data ? strstr(r.body.data, "restconf") : NULL;
    const char *href = link ? strstr(r.body.data, "href=") : NULL;
    if (href && (href[5] == '\'' || href[5] == '"')) {
        const char *end = strchr(href + 6, href[5]);
        if (end && end > href + 6) {
            root = strndup(href + 6, (size_t)(end - href - 6));
        }
    }
    devconf__rc_resp_dispose(&r);
    return root;
}


int devconf__rc_discover(devconf_session *s, const devconf__uri *uri, devconf__buf *caps_out)
{
    devconf__rc_state *st = devconf__rc_st(s);
    int r;
    /* root: given, or discovered */
    if (uri->path) {
        size_t n = strlen(uri->path);
        while (n > 1 && uri->path[n - 1] == '/') {
            n--;
        }
        st->root = strndup(uri->path, n);
    } else {
        st->root = discover_root(s);
        if (!st->root) {
            int code = devconf_error_code(devconf_error_last());
            if (code != DEVCONF_ERPC && code != 0) {
                return code; /* could not talk to the server at all */
            }
            devconf__error_clear();
            st->root = strdup("/restconf");
        }
    }
    if (!st->root) {
        return devconf__error_oom();
    }
    /* the media type of the API root selects the server's profile */
    devconf__rc_resp rr;
    if ((r = devconf__rc_request(s, "GET", st->root, NULL, NULL, &rr, "reading the RESTCONF root", NULL)) < 0) {
        return r;
    }
    st->profile = devconf__rc_profile_for_root(rr.content_type);
    bool is_restconf = strstr(rr.body.data ? rr.body.data : "", "restconf") != NULL;
    devconf__rc_resp_dispose(&rr);
    if (!is_restconf) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EPROTO,
                                  "%s%s does not look like a RESTCONF root (no ietf-restconf:restconf resource)",
                                  st->base, st->root);
    }
    devconf__log(s->ctx, DEVCONF_LOG_INFO, "restconf", "RESTCONF root %s%s, profile %s, %s", st->base, st->root,
                 st->profile->name, st->http2 ? "HTTP/2" : "HTTP/1.1");
    /* a candidate: the server's staging area where the profile has one, else the session's own
     * client-side candidate (edits staged, sent by commit) */
    devconf__buf_puts(caps_out, "urn:ietf:params:netconf:capability:candidate:1.0");
    devconf__buf_append(caps_out, "", 1);
    devconf__buf_printf(caps_out, "urn:devconf:restconf:profile:%s", st->profile->name);
    devconf__buf_append(caps_out, "", 1);
    if (st->profile->atomic_commit) {
        /* a commit applies all staged edits or none (read by txn.c) */
        devconf__buf_puts(caps_out, "urn:devconf:restconf:atomic-commit");
        devconf__buf_append(caps_out, "", 1);
    }
    if (st->http2) {
        devconf__buf_puts(caps_out, "urn:devconf:http:2");
        devconf__buf_append(caps_out, "", 1);
    }
    /* capabilities the server advertises (RFC 8040 9.1) */
    char cpath[300];
    snprintf(cpath, sizeof cpath, "%s/data/ietf-restconf-monitoring:restconf-state/capabilities", st->root);
    if (devconf__rc_request(s, "GET", cpath, NULL, NULL, &rr, "reading ietf-restconf-monitoring", NULL) == 0) {
        devconf__json *j = NULL;
        if (devconf__json_parse(rr.body.data ? rr.body.data : "", &j, NULL, 0) == 0) {
            const devconf__json *list = devconf__json_get(devconf__json_get(j, "capabilities"), "capability");
            for (const devconf__json *c = list ? list->child : NULL; c; c = c->next) {
                if (c->str) {
                    devconf__buf_puts(caps_out, c->str);
                    devconf__buf_append(caps_out, "", 1);
                }
            }
        }
        devconf__json_free(j);
        devconf__rc_resp_dispose(&rr);
    } else {
        devconf__log(s->ctx, DEVCONF_LOG_INFO, "restconf", "%s: no ietf-restconf-monitoring capabilities (%s)",
                     s->host, devconf_error_message(devconf_error_last()));
        devconf__error_clear();
    }
    return caps_out->failed ? devconf__error_oom() : 0;
}
