/* RESTCONF reads: get and get-config as GET on a data resource, with query parameters, parsed
 * against the schemas. */
#include "restconf_p.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

/* ---- reads ---- */

/* Path prefix of the data resource of a datastore view. */
int devconf__rc_data_root(devconf_session *s, devconf_datastore ds, char *buf, size_t n, const char *what)
{
    devconf__rc_state *st = devconf__rc_st(s);
    switch ((int)ds) {
    case 0: /* <get>: everything, as the device runs it */
    case DEVCONF_DS_RUNNING:
        snprintf(buf, n, "%s/data", st->profile->running_root ? st->profile->running_root : st->root);
        return 0;
    case DEVCONF_DS_CANDIDATE:
        if (st->profile->commit_rpc) {
            snprintf(buf, n, "%s/data", st->root);
            return 0;
        }
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "%s: %s has no staging area and the client-side candidate is not implemented yet; "
                                  "use running", what, s->host);
    default:
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "%s: RESTCONF has no %s datastore", what, devconf_datastore_name(ds));
    }
}

/* Parses a data resource body into a tree rooted at the top level: the target's parents are
 * created from the filter path so the result reads like a NETCONF <data>. */
int devconf__rc_parse_resource(devconf_session *s, const devconf__rc_resp *r, const char *filter, bool partial,
                          struct lyd_node **out)
{
    devconf__rc_state *st = devconf__rc_st(s);
    *out = NULL;
    struct lyd_node *top = NULL, *parent = NULL;
    char *pxp = filter ? devconf__rc_parent_xpath(filter) : NULL;
    if (pxp && lyd_new_path2(NULL, st->ly, pxp, NULL, 0, 0, 0, &top, &parent) != LY_SUCCESS) {
        free(pxp);
        return devconf__yang_error(st->ly, DEVCONF_EYANG, "cannot build the parents of the requested resource");
    }
    free(pxp);
    /* the datastore resource comes wrapped: {"ietf-restconf:data": {...}} or <data xmlns=...> */
    const char *body = r->body.data ? r->body.data : "{}";
    char *unwrapped = NULL;
    if (!filter && *devconf__skip_ws(body) == '{') {
        devconf__json *j = NULL;
        if (devconf__json_parse(body, &j, NULL, 0) == 0 && j->count == 1 &&
            devconf__json_get(j, "ietf-restconf:data")) {
            unwrapped = devconf__json_print(devconf__json_get(j, "ietf-restconf:data"));
        }
        devconf__json_free(j);
    } else if (!filter) {
        size_t len;
        const char *inner = devconf__unwrap_element(body, "data", &len);
        if (inner != body) {
            unwrapped = strndup(inner, len);
        }
    }
    struct ly_in *in = NULL;
    if (ly_in_new_memory(unwrapped ? unwrapped : body, &in) != LY_SUCCESS) {
        free(unwrapped);
        lyd_free_all(top);
        return devconf__error_oom();
    }
    struct lyd_node *tree = NULL;
    devconf__log_capture_begin();
    /* data of modules the session has no schema for is left out (it could not be printed as XML) */
    /* a depth-limited reply leaves out what is deeper, list keys included: keep such nodes opaque */
    LY_ERR lr = lyd_parse_data(st->ly, parent, in, devconf__rc_is_json(r->content_type) ? LYD_JSON : LYD_XML,
                               LYD_PARSE_ONLY | (partial ? LYD_PARSE_OPAQ : 0), 0, parent ? NULL : &tree);
    ly_in_free(in, 0);
    free(unwrapped);
    if (lr != LY_SUCCESS) {
        int rc = devconf__yang_error(st->ly, DEVCONF_EPROTO, "the device's data does not match its schemas");
        devconf__log_capture_end();
        lyd_free_all(top);
        lyd_free_all(tree);
        return rc;
    }
    devconf__log_capture_end();
    *out = top ? top : tree;
    return 0;
}

int devconf__rc_read(devconf_session *s, char **out, const struct devconf__read_req *req)
{
    devconf__rc_state *st = devconf__rc_st(s);
    const char *what = req->source ? "get-config" : "get";
    char root[256];
    int r = devconf__rc_data_root(s, req->source, root, sizeof root, what);
    if (r < 0) {
        return r;
    }
    const char *filter = req->filter && *devconf__skip_ws(req->filter) ? req->filter : NULL;
    if (filter && (req->filter_type == DEVCONF_FILTER_SUBTREE || *devconf__skip_ws(filter) == '<')) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "%s: subtree filters are not supported over RESTCONF yet; give a data path such as "
                                  "/ietf-interfaces:interfaces", what);
    }
    if (req->fields && !devconf_session_has_capability(s, "fields")) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "%s: %s does not announce the fields capability; nothing was sent", what, s->host);
    }
    if (req->depth && !devconf_session_has_capability(s, "depth") && !st->profile->depth_without_capability) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "%s: %s does not announce the depth capability; nothing was sent", what, s->host);
    }
    char *rpath = NULL;
    if (filter && (r = devconf__rc_resource_path(st->ly, filter, &rpath)) < 0) {
        return r;
    }
    devconf__buf url = { 0 };
    devconf__buf_puts(&url, root);
    devconf__buf_puts(&url, rpath ? rpath : "");
    char sep = '?';
    if (req->source) {
        devconf__buf_printf(&url, "%ccontent=config", sep);
        sep = '&';
    }
    if (devconf__wd_name(req->with_defaults)) {
        devconf__buf_printf(&url, "%cwith-defaults=%s", sep, devconf__wd_name(req->with_defaults));
        sep = '&';
    }
    if (req->depth) {
        devconf__buf_printf(&url, "%cdepth=%u", sep, req->depth);
        sep = '&';
    }
    if (req->fields) {
        devconf__buf_printf(&url, "%cfields=", sep);
        devconf__rc_pct_encode(&url, req->fields);
    }
    free(rpath);
    char *path = devconf__buf_steal(&url);
    if (!path) {
        return DEVCONF_ENOMEM;
    }
    devconf__rc_resp resp;
    r = devconf__rc_request(s, "GET", path, NULL, NULL, &resp, what, NULL);
    free(path);
    if (r == DEVCONF_ERPC && devconf_error_http_status(devconf_error_last()) == 404) {
        /* the path is in the schemas (checked above): no instance, an empty result as on NETCONF */
        devconf__error_clear();
        return devconf__print_data(NULL, req->format, false, out);
    }
    if (r < 0) {
        return r;
    }
    snprintf(s->etag, sizeof s->etag, "%s", resp.etag);
    snprintf(s->last_modified, sizeof s->last_modified, "%s", resp.last_modified);
    struct lyd_node *tree = NULL;
    r = devconf__rc_parse_resource(s, &resp, filter, req->depth != 0, &tree);
    if (r == 0 && req->source) {
        /* configuration only: some servers (Jetconf) ignore content=config */
        devconf__strip_state(&tree);
    }
    devconf__rc_resp_dispose(&resp);
    if (r < 0) {
        return r;
    }
    r = devconf__print_data(tree, req->format, req->with_defaults == DEVCONF_WD_REPORT_ALL_TAGGED, out);
    lyd_free_all(tree);
    return r;
}
