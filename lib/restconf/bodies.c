/* Request bodies in the encoding the server takes: JSON (RFC 7951) by default, XML for a server
 * that takes only XML. Which one is learnt from the server: a RESTCONF root answered in XML
 * although JSON was preferred (discovery.c), or a 415 Unsupported Media Type on a JSON body, after
 * which the same request is sent again in XML and the session keeps sending XML. */
#include "restconf_p.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#define RC_NS "urn:ietf:params:xml:ns:yang:ietf-restconf"

char *devconf__rc_node_text(const struct lyd_node *node, bool xml)
{
    char *text = NULL;
    if (lyd_print_mem(&text, node, xml ? LYD_XML : LYD_JSON, LYD_PRINT_SHRINK | LYD_PRINT_WD_EXPLICIT) !=
            LY_SUCCESS || !text) {
        free(text);
        devconf__error_oom();
        return NULL;
    }
    return text;
}

/* Copies of nodes as siblings (so that entries of one top-level list share one JSON array). */
static struct lyd_node *dup_siblings(struct lyd_node *const *nodes, size_t n)
{
    struct lyd_node *copy = NULL;
    for (size_t i = 0; i < n; i++) {
        struct lyd_node *d = NULL;
        if (lyd_dup_single(nodes[i], NULL, LYD_DUP_RECURSIVE, &d) != LY_SUCCESS ||
            lyd_insert_sibling(copy, d, &copy) != LY_SUCCESS) {
            lyd_free_all(d);
            lyd_free_all(copy);
            devconf__error_oom();
            return NULL;
        }
    }
    return copy;
}

int devconf__rc_data_body(devconf_session *s, const void *arg, bool xml, char **body, const char **content_type)
{
    const devconf__rc_data *d = arg;
    *body = NULL;
    *content_type = xml ? DEVCONF_RC_MT_XML : devconf__rc_st(s)->profile->media_json;
    if (!d->datastore) {
        *body = devconf__rc_node_text(d->nodes[0], xml);
        return *body ? 0 : DEVCONF_ENOMEM;
    }
    /* RFC 8040 4.6.1: the datastore's message-body is its "data" node; bare top-level members are
     * unknown elements to a strict server */
    struct lyd_node *copy = dup_siblings(d->nodes, d->n);
    if (!copy) {
        return DEVCONF_ENOMEM;
    }
    char *text = NULL;
    LY_ERR lr = lyd_print_mem(&text, copy, xml ? LYD_XML : LYD_JSON,
                              LYD_PRINT_SHRINK | LYD_PRINT_WITHSIBLINGS | LYD_PRINT_WD_EXPLICIT);
    lyd_free_all(copy);
    int r = lr == LY_SUCCESS && text && (xml ? asprintf(body, "<data xmlns=\"" RC_NS "\">%s</data>", text)
                                             : asprintf(body, "{\"ietf-restconf:data\":%s}", text)) >= 0;
    free(text);
    if (!r) {
        *body = NULL;
        return devconf__error_oom();
    }
    return 0;
}

int devconf__rc_request_body(devconf_session *s, const char *method, const char *path, devconf__rc_body_fn fn,
                             const void *arg, devconf__rc_resp *resp, const char *what, const char *if_match)
{
    devconf__rc_state *st = devconf__rc_st(s);
    bool xml = st->xml_bodies;
    char *body = NULL;
    const char *ct = NULL;
    int r = fn(s, arg, xml, &body, &ct);
    if (r < 0) {
        return r;
    }
    r = devconf__rc_request(s, method, path, body, ct, resp, what, if_match);
    free(body);
    if (r != DEVCONF_ERPC || xml || devconf_error_http_status(devconf_error_last()) != 415) {
        return r;
    }
    /* 415 Unsupported Media Type on JSON: nothing was done; the same in XML, and XML from now on
     * unless the server refuses that too */
    devconf__log(s->ctx, DEVCONF_LOG_INFO, "restconf", "%s: %s refused a JSON body (HTTP 415): sending XML", what,
                 s->host);
    devconf_error *first = NULL;
    devconf_error_dup(&first, devconf_error_last());
    devconf__error_clear();
    if ((r = fn(s, arg, true, &body, &ct)) < 0) {
        devconf_error_free(first);
        return r;
    }
    r = devconf__rc_request(s, method, path, body, ct, resp, what, if_match);
    free(body);
    if (r == DEVCONF_ERPC && devconf_error_http_status(devconf_error_last()) == 415) {
        devconf__error_restore(first); /* neither encoding: the media type is not the problem */
        return DEVCONF_ERPC;
    }
    devconf_error_free(first);
    if (r == 0 || r == DEVCONF_ERPC) {
        /* answered, and not with 415: the server took the XML */
        st->xml_bodies = true;
        devconf__log(s->ctx, DEVCONF_LOG_INFO, "restconf", "%s takes XML request bodies only: XML from now on",
                     s->host);
    }
    return r;
}
