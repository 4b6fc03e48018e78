/* Opening a RESTCONF session: root discovery (RFC 8040 3.1, /.well-known/host-meta), the profile
 * of the server and the capabilities it announces. */
#include "restconf_p.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

/* The value of attribute name inside the tag [tag, end), entity-decoded, or NULL. */
static char *attr_value(const char *tag, const char *end, const char *name)
{
    size_t nlen = strlen(name);
    for (const char *p = tag; p + nlen + 2 < end; p++) {
        if ((p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n' || p[-1] == '\r') && !strncmp(p, name, nlen)) {
            const char *q = p + nlen;
            while (q < end && (*q == ' ' || *q == '\t')) {
                q++;
            }
            if (q >= end || *q != '=') {
                continue;
            }
            q++;
            while (q < end && (*q == ' ' || *q == '\t')) {
                q++;
            }
            if (q >= end || (*q != '\'' && *q != '"')) {
                return NULL;
            }
            const char *v = q + 1, *ve = memchr(v, *q, (size_t)(end - v));
            if (!ve) {
                return NULL;
            }
            /* the five predefined entities and character references */
            devconf__buf b = { 0 };
            static const char *const ents[][2] = { { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" },
                                                   { "&quot;", "\"" }, { "&apos;", "'" } };
            while (v < ve) {
                size_t k = 0;
                while (k < 5 && strncmp(v, ents[k][0], strlen(ents[k][0]))) {
                    k++;
                }
                if (k < 5) {
                    devconf__buf_puts(&b, ents[k][1]);
                    v += strlen(ents[k][0]);
                } else if (v[0] == '&' && v[1] == '#') {
                    char *semi = NULL;
                    unsigned long cp = v[2] == 'x' ? strtoul(v + 3, &semi, 16) : strtoul(v + 2, &semi, 10);
                    /* anything but printable ASCII becomes a byte the path check refuses */
                    char c = cp >= 0x20 && cp < 0x7F ? (char)cp : '\x01';
                    devconf__buf_append(&b, &c, 1);
                    v = semi && *semi == ';' ? semi + 1 : ve;
                } else {
                    devconf__buf_append(&b, v++, 1);
                }
            }
            return devconf__buf_steal(&b);
        }
    }
    return NULL;
}

/* RFC 8040 3.1 (RFC 6415): the href of <Link rel='restconf' href='/restconf'/> in
 * /.well-known/host-meta. 0 with *root NULL when the server has no such link (or no host-meta). */
static int discover_root(devconf_session *s, char **root)
{
    *root = NULL;
    devconf__rc_resp r;
    int rc = devconf__rc_request(s, "GET", "/.well-known/host-meta", NULL, NULL, &r, "RESTCONF root discovery", NULL);
    if (rc == DEVCONF_ERPC) {
        devconf__log(s->ctx, DEVCONF_LOG_INFO, "restconf", "no host-meta (%s): trying /restconf",
                     devconf_error_message(devconf_error_last()));
        devconf__error_clear();
        return 0;
    }
    if (rc < 0) {
        return rc; /* could not talk to the server at all */
    }
    char *href = NULL;
    for (const char *p = r.body.data; p && (p = strstr(p, "<Link")) && !href; p++) {
        const char *end = strchr(p, '>');
        if (!end) {
            break;
        }
        char *rel = attr_value(p + 5, end, "rel");
        if (rel && !strcmp(rel, "restconf")) {
            href = attr_value(p + 5, end, "href");
        }
        free(rel);
    }
    devconf__rc_resp_dispose(&r);
    if (!href) {
        return 0;
    }
    char what[300];
    snprintf(what, sizeof what, "RESTCONF root discovery: the host-meta of %s links to", s->host);
    rc = devconf__rc_same_origin(s, href, what, false, root);
    free(href);
    return rc;
}

int devconf__rc_discover(devconf_session *s, const devconf__uri *uri, devconf__buf *caps_out)
{
    devconf__rc_state *st = devconf__rc_st(s);
    int r;
    /* root: given, or discovered */
    if (uri->path) {
        const char *bad = devconf__rc_path_problem(uri->path, false);
        if (bad) {
            return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "the RESTCONF root of the URI %s", bad);
        }
        size_t n = strlen(uri->path);
        while (n > 1 && uri->path[n - 1] == '/') {
            n--;
        }
        st->root = strndup(uri->path, n);
    } else {
        if ((r = discover_root(s, &st->root)) < 0) {
            return r;
        }
        if (!st->root) {
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
    if (rr.content_type && !devconf__rc_is_json(rr.content_type) && strstr(rr.content_type, "xml")) {
        /* asked for JSON first, answered in XML: a server without JSON (RFC 8040 allows either) */
        st->xml_bodies = true;
        devconf__log(s->ctx, DEVCONF_LOG_INFO, "restconf", "%s answers in XML although JSON was preferred: "
                     "request bodies go in XML", s->host);
    }
    bool is_restconf = strstr(rr.body.data ? rr.body.data : "", "restconf") != NULL;
    /* which YANG library the server has (RFC 8040 3.3.3) */
    devconf__json *root = NULL;
    if (devconf__rc_is_json(rr.content_type) && devconf__json_parse(rr.body.data ? rr.body.data : "", &root, NULL, 0) == 0) {
        const char *v = devconf__json_str(devconf__json_get(root, "ietf-restconf:restconf"), "yang-library-version");
        if (v && strlen(v) == 10 && !(st->yang_library_version = devconf__strdup(v))) {
            devconf__json_free(root);
            devconf__rc_resp_dispose(&rr);
            return DEVCONF_ENOMEM;
        }
    } else if (rr.body.data && strstr(rr.body.data, "<yang-library-version>")) {
        const char *v = strstr(rr.body.data, "<yang-library-version>") + 22;
        if (strlen(v) >= 10 && v[10] == '<') {
            st->yang_library_version = strndup(v, 10);
        }
    }
    devconf__json_free(root);
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
    if (!st->profile->commit_rpc) {
        /* a confirmed commit kept by this client (confirm.c), not by the device */
        devconf__buf_puts(caps_out, "urn:devconf:restconf:client-confirmed-commit");
        devconf__buf_append(caps_out, "", 1);
    }
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
    char *cpath = NULL;
    if (asprintf(&cpath, "%s/data/ietf-restconf-monitoring:restconf-state/capabilities", st->root) < 0) {
        return devconf__error_oom();
    }
    r = devconf__rc_request(s, "GET", cpath, NULL, NULL, &rr, "reading ietf-restconf-monitoring", NULL);
    free(cpath);
    if (r == 0 && rr.body.data && !devconf__rc_is_json(rr.content_type) && *devconf__skip_ws(rr.body.data) == '<') {
        /* <capabilities xmlns="..."><capability>URI</capability>...</capabilities> */
        for (const char *p = rr.body.data; (p = strstr(p, "<capability>")); ) {
            p += strlen("<capability>");
            const char *e = strstr(p, "</capability>");
            if (!e) {
                break;
            }
            const char *v = devconf__skip_ws(p);
            const char *ve = e;
            while (ve > v && strchr(" \t\r\n", ve[-1])) {
                ve--;
            }
            char *cap = strndup(v, (size_t)(ve - v));
            if (!cap) {
                devconf__rc_resp_dispose(&rr);
                return devconf__error_oom();
            }
            /* the only entity a capability URI holds */
            for (char *amp; (amp = strstr(cap, "&amp;"));) {
                memmove(amp + 1, amp + 5, strlen(amp + 5) + 1);
            }
            devconf__buf_puts(caps_out, cap);
            devconf__buf_append(caps_out, "", 1);
            free(cap);
            p = e;
        }
        devconf__rc_resp_dispose(&rr);
    } else if (r == 0) {
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
