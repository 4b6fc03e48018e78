/* RESTCONF reads: get and get-config as GET on a data resource, with query parameters, parsed
 * strictly against the schemas. Nothing is dropped silently: a 404 is an error, data the schemas
 * do not know is returned as the device sent it (when the caller asked for the device's
 * encoding) or refused naming it, and absurd nesting is refused before any parser sees it. */
#include "restconf_p.h"
#include "yang/yang_p.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

/* Deeper nesting than this is refused (YANG data rarely goes past 20 levels; libyang's own limit
 * is 500, and data it cannot parse may be handed back as it came). */
#define MAX_NESTING 256

int devconf__rc_data_root(devconf_session *s, devconf_datastore ds, char **out, const char *what)
{
    devconf__rc_state *st = devconf__rc_st(s);
    *out = NULL;
    const char *root;
    switch ((int)ds) {
    case 0: /* <get>: everything, as the device runs it */
    case DEVCONF_DS_RUNNING:
        root = st->profile->running_root ? st->profile->running_root : st->root;
        break;
    case DEVCONF_DS_CANDIDATE:
        if (st->profile->commit_rpc) {
            root = st->root;
            break;
        }
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "%s: %s has no staging area and the client-side candidate is not implemented yet; "
                                  "use running", what, s->host);
    default:
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "%s: RESTCONF has no %s datastore", what, devconf_datastore_name(ds));
    }
    if (asprintf(out, "%s/data", root) < 0) {
        *out = NULL;
        return devconf__error_oom();
    }
    return 0;
}

/* How deeply JSON text nests objects and arrays, stopping past max (strings skipped). */
static size_t json_nesting(const char *p, size_t max)
{
    size_t depth = 0, deepest = 0;
    for (; *p && deepest <= max; p++) {
        if (*p == '"') {
            for (p++; *p && *p != '"'; p++) {
                if (*p == '\\' && p[1]) {
                    p++;
                }
            }
            if (!*p) {
                break;
            }
        } else if (*p == '{' || *p == '[') {
            if (++depth > deepest) {
                deepest = depth;
            }
        } else if ((*p == '}' || *p == ']') && depth) {
            depth--;
        }
    }
    return deepest;
}

/* How deeply XML text nests elements, stopping past max (comments, declarations and CDATA are
 * skipped roughly: the estimate errs towards deeper). */
static size_t xml_nesting(const char *p, size_t max)
{
    size_t depth = 0, deepest = 0;
    while ((p = strchr(p, '<')) && deepest <= max) {
        if (p[1] == '/' || p[1] == '?' || p[1] == '!') {
            if (p[1] == '/' && depth) {
                depth--;
            }
            p += 2;
            continue;
        }
        const char *q = p + 1;
        for (char quote = 0; *q && (quote || *q != '>'); q++) {
            if (quote) {
                quote = *q == quote ? 0 : quote;
            } else if (*q == '"' || *q == '\'') {
                quote = *q;
            }
        }
        if (!*q) {
            break;
        }
        if (q[-1] != '/' && ++depth > deepest) {
            deepest = depth;
        }
        p = q + 1;
    }
    return deepest;
}

/* {"ietf-restconf:data": X}: the span of X, or NULL when body is not that wrapper. Textual, so
 * that neither a huge nor a deep body is parsed twice. */
static const char *json_unwrap(const char *body, size_t *len)
{
    static const char key[] = "\"ietf-restconf:data\"";
    const char *p = devconf__skip_ws(body);
    if (*p != '{') {
        return NULL;
    }
    p = devconf__skip_ws(p + 1);
    if (strncmp(p, key, sizeof key - 1)) {
        return NULL;
    }
    p = devconf__skip_ws(p + sizeof key - 1);
    if (*p != ':') {
        return NULL;
    }
    p = devconf__skip_ws(p + 1);
    const char *end = p + strlen(p);
    while (end > p && isspace((unsigned char)end[-1])) {
        end--;
    }
    if (end == p || end[-1] != '}') {
        return NULL;
    }
    end--; /* the wrapper's own closing brace */
    while (end > p && isspace((unsigned char)end[-1])) {
        end--;
    }
    *len = (size_t)(end - p);
    return p;
}

/* The end of the JSON string starting at p ('"'): just past its closing quote, or NULL. */
static const char *json_string_end(const char *p, const char *end)
{
    for (p++; p < end; p++) {
        if (*p == '\\') {
            p++;
        } else if (*p == '"') {
            return p + 1;
        }
    }
    return NULL;
}

/* The end of the JSON value starting at p (after whitespace): the first byte past it, or NULL. */
static const char *json_value_end(const char *p, const char *end)
{
    int depth = 0;
    while (p < end) {
        char c = *p;
        if (c == '"') {
            if (!(p = json_string_end(p, end))) {
                return NULL;
            }
            if (!depth) {
                return p;
            }
            continue;
        }
        if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (!depth) {
                return p; /* the enclosing object's end: a scalar ended here */
            }
            if (!--depth) {
                return p + 1;
            }
        } else if (c == ',' && !depth) {
            return p;
        }
        p++;
    }
    return depth ? NULL : p;
}

/* See restconf_p.h. libyang 2.1.30 dereferences NULL on any top-level "@" member when it parses
 * JSON into a parent node (a resource below the datastore): found by fuzz_rc_resource. */
char *devconf__rc_json_drop_top_metadata(const char *text, size_t len, size_t *out_len, size_t *dropped, bool *oom)
{
    *oom = false;
    *dropped = 0;
    const char *end = text + len, *p = text;
    while (p < end && isspace((unsigned char)*p)) {
        p++;
    }
    if (p == end || *p != '{' || !memchr(text, '@', len)) {
        return NULL;
    }
    devconf__buf b = { 0 };
    devconf__buf_append(&b, text, (size_t)(p - text) + 1);
    p++;
    bool first = true;
    for (;;) {
        const char *m = p;
        while (p < end && isspace((unsigned char)*p)) {
            p++;
        }
        if (p == end || *p != '"') {
            break; /* '}' or malformed: the rest as it is, for the parser to judge */
        }
        const char *kend = json_string_end(p, end);
        const char *v = kend;
        bool meta = p + 1 < end && p[1] == '@';
        while (v && v < end && isspace((unsigned char)*v)) {
            v++;
        }
        if (!v || v == end || *v != ':') {
            if (meta) {
                goto malformed_meta;
            }
            break;
        }
        v++;
        while (v < end && isspace((unsigned char)*v)) {
            v++;
        }
        const char *vend = json_value_end(v, end);
        if (!vend) {
            if (meta) {
                goto malformed_meta;
            }
            break;
        }
        const char *next = vend;
        while (next < end && isspace((unsigned char)*next)) {
            next++;
        }
        bool comma = next < end && *next == ',';
        if (meta) {
            (*dropped)++;
        } else {
            if (!first) {
                devconf__buf_puts(&b, ",");
            }
            devconf__buf_append(&b, m, (size_t)(vend - m));
            first = false;
        }
        p = comma ? next + 1 : next;
        if (!comma) {
            break;
        }
    }
    if (!*dropped) {
        devconf__buf_dispose(&b);
        return NULL;
    }
    devconf__buf_append(&b, p, (size_t)(end - p));
    if (b.failed) {
        devconf__buf_dispose(&b);
        *oom = true;
        return NULL;
    }
    *out_len = b.len;
    return devconf__buf_steal(&b);
malformed_meta:
    /* a top-level "@" member whose end cannot be found: libyang would crash on it before seeing
     * that the text is malformed (found by fuzz_rc_resource) */
    devconf__buf_dispose(&b);
    *dropped = SIZE_MAX;
    return NULL;
}

/* Makes the current error's message safe to print (libyang quotes device text in its messages). */
static int clean_message(int code)
{
    devconf__buf b = { 0 };
    devconf__rc_buf_clean(&b, devconf_error_message(devconf_error_last()), 2000);
    if (!b.failed && b.data) {
        devconf__error_set_message("%s", b.data);
    }
    devconf__buf_dispose(&b);
    return code;
}

int devconf__rc_parse_resource(devconf_session *s, const devconf__rc_resp *r, const char *filter, bool partial,
                               struct lyd_node **out, const char **raw, size_t *raw_len)
{
    devconf__rc_state *st = devconf__rc_st(s);
    *out = NULL;
    /* no Content-Type (a crude HTTP/1.0 server): the first character tells */
    bool json = r->content_type ? devconf__rc_is_json(r->content_type)
                                : *devconf__skip_ws(r->body.data ? r->body.data : "") == '{';
    const char *body = r->body.data ? r->body.data : json ? "{}" : "";
    size_t blen = r->body.data ? r->body.len : strlen(body);
    if (strlen(body) != blen) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EPROTO,
                                  "the data from %s holds a NUL byte at offset %zu", s->host, strlen(body));
    }
    size_t bad = devconf__rc_utf8_check(body, blen);
    if (bad < blen) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EPROTO,
                                  "the data from %s is not UTF-8 (byte 0x%02X at offset %zu)", s->host,
                                  (unsigned char)body[bad], bad);
    }
    if ((json ? json_nesting(body, MAX_NESTING) : xml_nesting(body, MAX_NESTING)) > MAX_NESTING) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EPROTO,
                                  "the %s data from %s is nested more than %d levels deep: refused",
                                  json ? "JSON" : "XML", s->host, MAX_NESTING);
    }
    /* the datastore resource comes wrapped: {"ietf-restconf:data": {...}} or <data xmlns=...> */
    const char *text = body;
    size_t tlen = blen;
    if (!filter) {
        const char *inner = json ? json_unwrap(body, &tlen) : devconf__unwrap_element(body, "data", &tlen);
        text = inner ? inner : body;
        tlen = !inner ? blen : tlen > (size_t)(body + blen - inner) ? 0 : tlen; /* <data/> */
    }
    if (raw) {
        *raw = text;
        *raw_len = tlen;
    }
    struct lyd_node *top = NULL, *parent = NULL;
    char *pxp = filter ? devconf__rc_parent_xpath(filter) : NULL;
    if (pxp && lyd_new_path2(NULL, st->ly, pxp, NULL, 0, 0, 0, &top, &parent) != LY_SUCCESS) {
        free(pxp);
        return devconf__yang_error(st->ly, DEVCONF_EYANG, "cannot build the parents of the requested resource");
    }
    free(pxp);
    char *copy = NULL;
    if (json && parent) {
        size_t dropped = 0, clen = 0;
        bool oom = false;
        copy = devconf__rc_json_drop_top_metadata(text, tlen, &clen, &dropped, &oom);
        if (oom) {
            lyd_free_all(top);
            return devconf__error_oom();
        }
        if (dropped == SIZE_MAX) {
            lyd_free_all(top);
            return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EPROTO,
                                      "the JSON data from %s is malformed: a top-level annotation (\"@...\") has "
                                      "no well-formed value", s->host);
        }
        if (copy) {
            devconf__log(s->ctx, DEVCONF_LOG_INFO, "restconf",
                         "%zu annotation(s) of the requested resource itself from %s left out (libyang 2.1.30 "
                         "cannot read top-level metadata below the datastore)", dropped, s->host);
        }
    }
    if (!copy) {
        copy = strndup(text, tlen);
    }
    if (copy && partial && !json && devconf__xml_undeclares_ns(copy)) {
        free(copy);
        lyd_free_all(top);
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EPROTO, "the device's data does not match its "
                                  "schemas: it has elements without a namespace (xmlns=\"\")");
    }
    struct ly_in *in = NULL;
    if (!copy || ly_in_new_memory(copy, &in) != LY_SUCCESS) {
        free(copy);
        lyd_free_all(top);
        return devconf__error_oom();
    }
    struct lyd_node *tree = NULL;
    devconf__log_capture_begin();
    /* strict: data the schemas do not know is an error, never left out in silence; a depth-limited
     * reply leaves out what is deeper, list keys included: keep such nodes opaque instead */
    LY_ERR lr = lyd_parse_data(st->ly, parent, in, json ? LYD_JSON : LYD_XML,
                               LYD_PARSE_ONLY | (partial ? LYD_PARSE_OPAQ : LYD_PARSE_STRICT), 0,
                               parent ? NULL : &tree);
    ly_in_free(in, 0);
    free(copy);
    if (lr != LY_SUCCESS) {
        const struct ly_err_item *e = ly_err_last(st->ly);
        bool unknown = e && e->vecode == LYVE_REFERENCE;
        int rc = devconf__yang_error(st->ly, unknown ? DEVCONF_EYANG : DEVCONF_EPROTO,
                                     unknown ? "the device's data has nodes its schemas do not define"
                                             : "the device's data does not match its schemas");
        devconf__log_capture_end();
        lyd_free_all(top);
        lyd_free_all(tree);
        return clean_message(rc);
    }
    devconf__log_capture_end();
    *out = top ? top : tree;
    return 0;
}

/* A depth- or fields-limited reply parsed keeping what the schemas cannot place as opaque nodes:
 * only list entries are allowed to be (a depth cut before their keys, RFC 8040 4.8.2: the keys
 * are one level deeper than the entry); anything else opaque is data that does not match the
 * schemas (a leaf with a value its type refuses, a node the schemas do not have), an error naming
 * the node, its value, and where it is. */
static int check_cut(devconf_session *s, const struct lyd_node *tree, bool *cut)
{
    *cut = false;
    for (const struct lyd_node *top = tree; top; top = top->next) {
        const struct lyd_node *elem;
        LYD_TREE_DFS_BEGIN(top, elem) {
            if (!elem->schema) {
                const struct lyd_node_opaq *o = (const struct lyd_node_opaq *)elem;
                const struct lyd_node *par = lyd_parent(elem);
                const struct lysc_node *sn = NULL;
                if (par && par->schema) {
                    sn = lys_find_child(par->schema, par->schema->module, o->name.name, 0, LYS_LIST, 0);
                    if (!sn) {
                        /* an augment's list: any child of that name */
                        for (const struct lysc_node *c = lysc_node_child(par->schema); c && !sn; c = c->next) {
                            sn = c->nodetype == LYS_LIST && !strcmp(c->name, o->name.name) ? c : NULL;
                        }
                    }
                }
                if (!sn) {
                    char *path = lyd_path(elem, LYD_PATH_STD, NULL, 0);
                    devconf__buf v = { 0 };
                    devconf__rc_buf_clean(&v, path ? path : o->name.name, 300);
                    devconf__buf_puts(&v, "' (value '");
                    devconf__rc_buf_clean(&v, o->value ? o->value : "", 200);
                    free(path);
                    int r = v.failed ? devconf__error_oom()
                                     : devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EPROTO,
                                                          "the data from %s does not match its schemas: '%s') is "
                                                          "not a node its schemas have there with a value of its "
                                                          "type", s->host, v.data);
                    devconf__buf_dispose(&v);
                    return r;
                }
                *cut = true;
                LYD_TREE_DFS_continue = 1; /* what the cut entry holds is the device's */
            }
            LYD_TREE_DFS_END(top, elem);
        }
    }
    return 0;
}

/* Prints a read's result; a depth-limited one keeps its empty containers (depth=1 is the target
 * with nothing inside, and that is what the device said). */
static int print_read(const struct lyd_node *tree, const struct devconf__read_req *req, char **out)
{
    if (!req->depth || !tree) {
        return devconf__print_data(tree, req->format, req->with_defaults == DEVCONF_WD_REPORT_ALL_TAGGED, out);
    }
    uint32_t opts = LYD_PRINT_WITHSIBLINGS | LYD_PRINT_KEEPEMPTYCONT |
                    (req->with_defaults == DEVCONF_WD_REPORT_ALL_TAGGED ? LYD_PRINT_WD_ALL_TAG : LYD_PRINT_WD_ALL);
    *out = NULL;
    if (lyd_print_mem(out, tree, req->format == DEVCONF_FORMAT_JSON ? LYD_JSON : LYD_XML, opts) != LY_SUCCESS) {
        return devconf__yang_error(LYD_CTX(tree), DEVCONF_ERROR, "cannot print the reply data");
    }
    if (!*out) {
        *out = devconf__strdup(req->format == DEVCONF_FORMAT_JSON ? "{}" : "");
        return *out ? 0 : DEVCONF_ENOMEM;
    }
    return 0;
}

/* A 404 on a read: the resource does not exist (or the root is wrong); never empty success. */
static int not_found(devconf_session *s, const char *what, const char *path)
{
    struct devconf_error *e = devconf__error_current();
    const char *detail = devconf_error_message(e);
    size_t wl = strlen(what);
    if (!strncmp(detail, what, wl) && !strncmp(detail + wl, ": ", 2)) {
        detail += wl + 2;
    }
    char *d = strdup(detail);
    e->code = DEVCONF_ENOTFOUND;
    devconf__error_set_message("%s: %s does not exist on %s (HTTP 404; %s)", what, path, s->host,
                               d ? d : "no detail");
    free(d);
    return DEVCONF_ENOTFOUND;
}

static void keep(char **slot, const char *value)
{
    free(*slot);
    *slot = value ? strdup(value) : NULL;
}

/* Where a read goes and what it adds to RFC 8040's query: a datastore resource (RFC 8527) or the
 * data resource, content=, with-origin, and whether state is dropped from the result. */
struct rc_view {
    const char *root;     /* ".../data" or ".../ds/ietf-datastores:NAME" */
    const char *content;  /* "config", "nonconfig" or NULL */
    bool with_origin;
    bool config_only;     /* drop state nodes, whatever the server sent */
};

static int read_filtered(devconf_session *s, char **out, const struct devconf__read_req *req, const char *what,
                         const struct rc_view *view, const char *filter, const char *fields);

/* A read, its subtree filter turned into a resource path and fields where they say the same. */
static int read_view(devconf_session *s, char **out, const struct devconf__read_req *req, const char *what,
                     const struct rc_view *view)
{
    int r;
    const char *filter = req->filter && *devconf__skip_ws(req->filter) ? req->filter : NULL;
    const char *fields = req->fields;
    char *sub_xpath = NULL, *sub_fields = NULL;
    if (filter && (req->filter_type == DEVCONF_FILTER_SUBTREE || *devconf__skip_ws(filter) == '<')) {
        /* RESTCONF has no subtree filter: a resource path and fields where they say the same */
        if (req->fields) {
            return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                      "%s: give either a subtree filter or fields, not both", what);
        }
        int t = devconf__rc_subtree_translate(s, filter, &sub_xpath, &sub_fields);
        if (t < 0) {
            return t;
        }
        if (t == 1) {
            /* a filter without elements selects nothing (RFC 6241 6.4.2) */
            *out = devconf__strdup(req->format == DEVCONF_FORMAT_JSON ? "{}" : "");
            return *out ? 0 : DEVCONF_ENOMEM;
        }
        devconf__log(s->ctx, DEVCONF_LOG_DEBUG, "restconf", "%s: the subtree filter reads %s%s%s", what,
                     sub_xpath ? sub_xpath : "the datastore", sub_fields ? " with fields=" : "",
                     sub_fields ? sub_fields : "");
        filter = sub_xpath;
        fields = sub_fields;
    }
    r = read_filtered(s, out, req, what, view, filter, fields);
    free(sub_xpath);
    free(sub_fields);
    return r;
}

int devconf__rc_read(devconf_session *s, char **out, const struct devconf__read_req *req)
{
    const char *what = req->source ? "get-config" : "get";
    devconf__rc_begin_call(s);
    char *root = NULL;
    int r = devconf__rc_data_root(s, req->source, &root, what);
    if (r < 0) {
        return r;
    }
    struct rc_view view = { root, req->source ? "config" : NULL, false, req->source != 0 };
    r = read_view(s, out, req, what, &view);
    free(root);
    return r;
}

/* A read of the resource filter names (NULL: the datastore) with fields (or NULL). */
static int read_filtered(devconf_session *s, char **out, const struct devconf__read_req *req, const char *what,
                         const struct rc_view *view, const char *filter, const char *fields)
{
    devconf__rc_state *st = devconf__rc_st(s);
    int r;
    if (fields && !devconf_session_has_capability(s, "fields")) {
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
    devconf__buf_puts(&url, view->root);
    devconf__buf_puts(&url, rpath ? rpath : "");
    free(rpath);
    size_t path_len = url.len;
    char sep = '?';
    if (view->content) {
        devconf__buf_printf(&url, "%ccontent=%s", sep, view->content);
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
    if (fields) {
        devconf__buf_printf(&url, "%cfields=", sep);
        devconf__rc_pct_encode(&url, fields);
        sep = '&';
    }
    if (view->with_origin) {
        devconf__buf_printf(&url, "%cwith-origin", sep); /* RFC 8527 3.2.2: no value */
    }
    char *path = devconf__buf_steal(&url);
    if (!path) {
        return DEVCONF_ENOMEM;
    }
    devconf__rc_resp resp;
    r = devconf__rc_request(s, "GET", path, NULL, NULL, &resp, what, NULL);
    if (r == DEVCONF_ERPC && devconf_error_http_status(devconf_error_last()) == 404) {
        path[path_len] = '\0';
        r = not_found(s, what, path);
    }
    free(path);
    if (r < 0) {
        return r;
    }
    keep(&s->etag, resp.etag);
    keep(&s->last_modified, resp.last_modified);
    struct lyd_node *tree = NULL;
    const char *raw = NULL;
    size_t raw_len = 0;
    r = devconf__rc_parse_resource(s, &resp, filter, false, &tree, &raw, &raw_len);
    bool json = resp.content_type ? devconf__rc_is_json(resp.content_type)
                                  : *devconf__skip_ws(resp.body.data ? resp.body.data : "") == '{';
    bool cut = false;
    if (r == DEVCONF_EPROTO && (req->depth || fields)) {
        /* a limited reply may hold list entries without their keys: again, keeping those opaque;
         * anything else that does not parse is still the strict parse's error */
        devconf_error *strict = NULL;
        devconf_error_dup(&strict, devconf_error_last());
        r = devconf__rc_parse_resource(s, &resp, filter, true, &tree, &raw, &raw_len);
        if (r < 0 && strict) {
            devconf__error_restore(strict); /* the problem as the strict parse saw it */
            strict = NULL;
            r = DEVCONF_EPROTO;
        } else if (r == 0 && (r = check_cut(s, tree, &cut)) == 0 && cut && !json && req->format == DEVCONF_FORMAT_JSON) {
            /* libyang prints XML entries it could not type as JSON objects, not arrays */
            r = devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                   "%s: %s cut list entries before their keys (depth %u%s) and sent XML, which "
                                   "cannot be turned into JSON without them; ask for XML, or a depth that reaches "
                                   "the keys", what, s->host, req->depth, fields ? ", fields" : "");
        }
        devconf_error_free(strict);
        if (r < 0) {
            lyd_free_all(tree);
            tree = NULL;
        }
    }
    if (r == DEVCONF_EYANG && raw && json == (req->format == DEVCONF_FORMAT_JSON)) {
        /* data the schemas do not know, asked for in the device's own encoding: as it was sent */
        devconf__log(s->ctx, DEVCONF_LOG_WARNING, "restconf",
                     "%s: returning the data of %s as the device sent it, not checked against its schemas (%s)",
                     what, s->host, devconf_error_message(devconf_error_last()));
        devconf__error_clear();
        *out = strndup(raw, raw_len);
        devconf__rc_resp_dispose(&resp);
        return *out ? 0 : devconf__error_oom();
    }
    if (r == 0 && view->config_only) {
        /* configuration only, whatever the server sent: some ignore content=config (profiles.c) */
        devconf__strip_state(&tree);
    }
    devconf__rc_resp_dispose(&resp);
    if (r < 0) {
        return r;
    }
    r = print_read(tree, req, out);
    lyd_free_all(tree);
    return r;
}

/* ---- NMDA datastore resources (RFC 8527) ---- */

int devconf__rc_ds_root(devconf_session *s, devconf_datastore ds, char **out, const char *what)
{
    devconf__rc_state *st = devconf__rc_st(s);
    *out = NULL;
    if (!st->nmda) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "%s: %s does not implement the NMDA datastore resources (RFC 8527 needs the RFC 8525 "
                                  "YANG library; its yang-library-version is %s); nothing was sent. Use %s", what,
                                  s->host, st->yang_library_version ? st->yang_library_version : "not given",
                                  !strcmp(what, "get-data") ? "get or get-config" : "edit-config");
    }
    /* the identity names come from devconf, never from the device */
    if (asprintf(out, "%s/ds/ietf-datastores:%s", st->root, devconf_datastore_name(ds)) < 0) {
        *out = NULL;
        return devconf__error_oom();
    }
    return 0;
}

int devconf__rc_get_data(devconf_session *s, char **out, const struct devconf__get_data_req *req)
{
    const char *what = "get-data";
    devconf__rc_begin_call(s);
    if (req->origin_count) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "%s: RESTCONF has no origin filter (RFC 8527 has with-origin only); read with "
                                  "with-origin and select by origin locally. Nothing was sent", what);
    }
    if (req->with_origin && !devconf_session_has_capability(s, "with-origin")) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "%s: %s does not announce the with-origin capability "
                                  "(urn:ietf:params:restconf:capability:with-origin:1.0); nothing was sent", what,
                                  s->host);
    }
    if (req->with_defaults && !devconf_session_has_capability(s, "defaults")) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "%s: %s does not announce the defaults capability (with-defaults); nothing was sent",
                                  what, s->host);
    }
    char *root = NULL;
    int r = devconf__rc_ds_root(s, req->ds, &root, what);
    if (r < 0) {
        return r;
    }
    const char *content = req->config_filter == DEVCONF_CONFIG_FILTER_CONFIG      ? "config"
                          : req->config_filter == DEVCONF_CONFIG_FILTER_NONCONFIG ? "nonconfig"
                                                                                  : NULL;
    /* conventional datastores hold configuration only (RFC 8342 5.1); operational, what content= says */
    bool config_only = req->ds != DEVCONF_DS_OPERATIONAL || req->config_filter == DEVCONF_CONFIG_FILTER_CONFIG;
    struct rc_view view = { root, content, req->with_origin, config_only };
    struct devconf__read_req rr = { 0 };
    rr.filter = req->filter;
    rr.filter_type = req->filter_type;
    rr.with_defaults = req->with_defaults;
    rr.format = req->format;
    rr.depth = req->max_depth;
    r = read_view(s, out, &rr, what, &view);
    free(root);
    return r;
}
