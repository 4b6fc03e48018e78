/* RESTCONF edits: an edit-config payload turned into a plan of resource operations (PATCH, PUT,
 * POST, DELETE), sent at once or staged in the client-side candidate. */
#include "restconf_p.h"

#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

/* Whether a subtree has anything to write: a merge of non-presence containers holding nothing
 * changes nothing (what is left of a payload whose deletions were taken out). */
static bool has_data(const struct lyd_node *n)
{
    if (!n->schema || n->schema->nodetype != LYS_CONTAINER || (n->schema->flags & LYS_PRESENCE)) {
        return true;
    }
    for (const struct lyd_node *c = lyd_child(n); c; c = c->next) {
        if (has_data(c)) {
            return true;
        }
    }
    return false;
}

/* Sends node (a resource of its own) with method to path. */
static int send_node(devconf_session *s, const char *method, const char *path, struct lyd_node *node,
                     const char *what, const char *if_match)
{
    struct lyd_node *one[1] = { node };
    devconf__rc_data d = { one, 1, false };
    devconf__rc_resp resp;
    int r = devconf__rc_request_body(s, method, path, devconf__rc_data_body, &d, &resp, what, if_match);
    if (r == 0) {
        devconf__rc_resp_dispose(&resp);
    }
    return r;
}

/* Creates a missing top-level node: POST on the datastore resource (RFC 8040 4.4.1). */
static int create_top(devconf_session *s, const char *root, struct lyd_node *node, const char *what)
{
    if (!devconf__rc_st(s)->profile->datastore_post) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "%s: %s (%s profile) cannot create a missing top-level node: a POST on its "
                                  "datastore resource breaks the connection; nothing was sent", what, s->host,
                                  devconf__rc_st(s)->profile->name);
    }
    return send_node(s, "POST", root, node, what, NULL);
}

/* Merge of one top-level subtree on a server without PATCH: read it, merge locally, write it
 * back whole (PUT), or create it (POST) when it does not exist. Not atomic: reported as such in
 * the documentation of the profile. */
static int merge_top(devconf_session *s, const char *root, struct lyd_node *edit, const char *what)
{
    devconf__rc_state *st = devconf__rc_st(s);
    char *res = NULL;
    int r = devconf__rc_node_resource(s, edit, &res);
    if (r < 0) {
        return r;
    }
    char *path = NULL;
    r = asprintf(&path, "%s%s", root, res);
    free(res);
    if (r < 0) {
        return devconf__error_oom();
    }
    devconf__rc_resp resp;
    r = devconf__rc_request(s, "GET", path, NULL, NULL, &resp, what, NULL);
    struct lyd_node *cur = NULL;
    if (r == DEVCONF_ERPC && devconf_error_http_status(devconf_error_last()) == 404) {
        devconf__error_clear();
        free(path);
        return create_top(s, root, edit, what);
    }
    if (r < 0) {
        free(path);
        return r;
    }
    char *xp = lyd_path(edit, LYD_PATH_STD, NULL, 0);
    r = xp ? devconf__rc_parse_resource(s, &resp, xp, false, &cur, NULL, NULL) : devconf__error_oom();
    free(xp);
    devconf__rc_resp_dispose(&resp);
    if (r < 0) {
        free(path);
        return r;
    }
    if (lyd_merge_siblings(&cur, edit, 0) != LY_SUCCESS) {
        lyd_free_all(cur);
        free(path);
        return devconf__yang_error(st->ly, DEVCONF_EYANG, "cannot merge the edit into the device's data");
    }
    r = send_node(s, "PUT", path, cur, what, st->if_match);
    lyd_free_all(cur);
    free(path);
    return r;
}

void devconf__rc_plan_free(devconf__rc_plan *p)
{
    while (p) {
        devconf__rc_plan *next = p->next;
        for (size_t i = 0; i < p->n; i++) {
            free(p->acts[i].target);
        }
        free(p->acts);
        lyd_free_all(p->tree);
        free(p);
        p = next;
    }
}

static int plan_add(devconf__rc_plan *p, devconf__rc_act_op op, char *target, struct lyd_node *node)
{
    devconf__rc_action *a = realloc(p->acts, (p->n + 1) * sizeof *a);
    if (!a) {
        free(target);
        return devconf__error_oom();
    }
    p->acts = a;
    a[p->n++] = (devconf__rc_action){ op, target, node };
    return 0;
}

/* The per-node operation of elem, its metadata taken off (copied into buf, "" for none): the
 * nc:operation of an edit, or the yang:operation of a libyang diff (create, replace and none
 * become merge there: the diff holds the values to write; every yang: annotation goes). */
static const char *take_op(struct lyd_node *elem, bool diff, char *buf, size_t len)
{
    buf[0] = '\0';
    if (!diff) {
        struct lyd_meta *m = lyd_find_meta(elem->meta, NULL, "ietf-netconf:operation");
        if (m) {
            snprintf(buf, len, "%s", lyd_get_meta_value(m));
            if (!strcmp(buf, "merge")) {
                lyd_free_meta_single(m);
            }
        }
        return buf;
    }
    struct lyd_meta *m = elem->meta, *next;
    for (; m; m = next) {
        next = m->next;
        if (!strcmp(m->annotation->module->name, "yang")) {
            if (!strcmp(m->name, "operation")) {
                snprintf(buf, len, "%s", !strcmp(lyd_get_meta_value(m), "delete") ? "delete" : "");
            }
            lyd_free_meta_single(m);
        }
    }
    return buf;
}

/* The plan of p->tree: an edit (nc:operation, default operation dflt), or a libyang diff (diff). */
static int plan_tree(devconf_session *s, devconf__rc_plan *p, devconf_edit_operation dflt, bool diff)
{
    int r = 0;
    struct lyd_node *elem;
    /* collect deletions first (they are written last); as many as the payload has */
    struct deletion {
        struct lyd_node *node;
        devconf__rc_act_op op;
        char *target;
    } *del = NULL;
    size_t nd = 0;
    for (struct lyd_node *top = p->tree; top && r == 0; top = top->next) {
        LYD_TREE_DFS_BEGIN(top, elem) {
            char opbuf[32];
            const char *op = take_op(elem, diff, opbuf, sizeof opbuf);
            if (!strcmp(op, "delete") || !strcmp(op, "remove")) {
                struct deletion *more = realloc(del, (nd + 1) * sizeof *del);
                if (!more) {
                    r = devconf__error_oom();
                    break;
                }
                del = more;
                del[nd++] = (struct deletion){ elem, !strcmp(op, "delete") ? DEVCONF_RC_DELETE : DEVCONF_RC_REMOVE,
                                               NULL };
                LYD_TREE_DFS_continue = 1;
            } else if (*op && strcmp(op, "merge")) {
                r = devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                       "edit-config: the per-node operation '%s' is not supported over RESTCONF yet "
                                       "(merge, delete and remove are)", op);
                break;
            }
            LYD_TREE_DFS_END(top, elem);
        }
    }
    for (size_t i = 0; r == 0 && i < nd; i++) {
        r = devconf__rc_node_resource(s, del[i].node, &del[i].target);
    }
    /* the deleted subtrees are not written */
    for (size_t i = nd; r == 0 && i > 0; i--) {
        if (del[i - 1].node == p->tree) {
            p->tree = p->tree->next;
        }
        lyd_free_tree(del[i - 1].node);
    }
    for (struct lyd_node *top = r == 0 ? p->tree : NULL; top && r == 0; top = top->next) {
        if (dflt == DEVCONF_EDIT_NONE) {
            break;
        }
        devconf__rc_act_op op = dflt == DEVCONF_EDIT_REPLACE ? DEVCONF_RC_REPLACE : DEVCONF_RC_MERGE;
        if (op == DEVCONF_RC_MERGE && !has_data(top)) {
            continue; /* only the parents of deletions: nothing to merge */
        }
        char *res = NULL;
        if ((r = devconf__rc_node_resource(s, top, &res)) == 0) {
            r = plan_add(p, op, res, top);
        }
    }
    for (size_t i = 0; i < nd; i++) {
        if (r == 0) {
            r = plan_add(p, del[i].op, del[i].target, NULL);
        } else {
            free(del[i].target);
        }
    }
    free(del);
    return r;
}

static int make_plan(devconf_session *s, const struct devconf__edit_req *req, devconf__rc_plan **out)
{
    *out = NULL;
    devconf__rc_plan *p = calloc(1, sizeof *p);
    if (!p) {
        return devconf__error_oom();
    }
    int r = devconf__config_parse(devconf__rc_st(s)->ly, req->config, req->format, &p->tree);
    if (r == 0) {
        r = plan_tree(s, p, req->default_operation, false);
    }
    if (r < 0) {
        devconf__rc_plan_free(p);
        return r;
    }
    *out = p;
    return 0;
}

int devconf__rc_plan_diff(devconf_session *s, const struct lyd_node *from, const struct lyd_node *to,
                          devconf__rc_plan **out)
{
    *out = NULL;
    devconf__rc_plan *p = calloc(1, sizeof *p);
    if (!p) {
        return devconf__error_oom();
    }
    int r = 0;
    if (lyd_diff_siblings(from, to, 0, &p->tree) != LY_SUCCESS) {
        r = devconf__yang_error(devconf__rc_st(s)->ly, DEVCONF_ERROR, "cannot compute the difference");
    }
    if (r == 0) {
        r = plan_tree(s, p, DEVCONF_EDIT_MERGE, true);
    }
    if (r < 0) {
        devconf__rc_plan_free(p);
        return r;
    }
    *out = p;
    return 0;
}

/* How many merges from acts[i] on go into one plain PATCH of the datastore resource (0 when
 * acts[i] is not such a merge). */
static size_t patch_run(const devconf_session *s, const devconf__rc_plan *p, size_t i)
{
    size_t n = 0;
    while (devconf__rc_st(s)->profile->has_patch && i + n < p->n && p->acts[i + n].op == DEVCONF_RC_MERGE) {
        n++;
    }
    return n;
}

/* The requests send_actions() makes for a plan. */
static size_t plan_requests(const devconf_session *s, const devconf__rc_plan *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n; n++) {
        size_t run = patch_run(s, p, i);
        i += run ? run : 1;
    }
    return n;
}

/* Sends a plan's actions one request each (no YANG Patch): not atomic. Merges go together, as
 * one plain PATCH of the datastore resource (atomic on its own). */
static int send_actions(devconf_session *s, const char *root, const devconf__rc_plan *p, const char *what)
{
    devconf__rc_state *st = devconf__rc_st(s);
    int r = 0;
    for (size_t i = 0; r == 0 && i < p->n; i++) {
        const devconf__rc_action *a = &p->acts[i];
        devconf__rc_resp resp;
        size_t run = patch_run(s, p, i);
        if (run) {
            struct lyd_node **nodes = calloc(run, sizeof *nodes);
            if (!nodes) {
                return devconf__error_oom();
            }
            for (size_t k = 0; k < run; k++) {
                nodes[k] = p->acts[i + k].node;
            }
            devconf__rc_data d = { nodes, run, true };
            r = devconf__rc_request_body(s, "PATCH", root, devconf__rc_data_body, &d, &resp, what, st->if_match);
            free(nodes);
            if (r == 0) {
                devconf__rc_resp_dispose(&resp);
            }
            i += run - 1;
            continue;
        }
        char *path = NULL;
        if (asprintf(&path, "%s%s", root, a->target) < 0) {
            return devconf__error_oom();
        }
        if (a->op == DEVCONF_RC_MERGE) {
            r = merge_top(s, root, a->node, what);
        } else if (a->op == DEVCONF_RC_REPLACE) {
            r = send_node(s, "PUT", path, a->node, what, st->if_match);
            if (r == DEVCONF_ERPC && devconf_error_http_status(devconf_error_last()) == 404 &&
                !st->profile->put_creates) {
                /* PUT cannot create here: create with POST */
                devconf__error_clear();
                r = create_top(s, root, a->node, what);
            }
        } else {
            r = devconf__rc_request(s, "DELETE", path, NULL, NULL, &resp, what, st->if_match);
            if (r == 0) {
                devconf__rc_resp_dispose(&resp);
            } else if (r == DEVCONF_ERPC && a->op == DEVCONF_RC_REMOVE &&
                       devconf_error_http_status(devconf_error_last()) == 404) {
                devconf__error_clear();
                r = 0;
            }
        }
        free(path);
    }
    return r;
}

static bool has_yang_patch(const devconf_session *s)
{
    return devconf_session_has_capability(s, "urn:ietf:params:restconf:capability:yang-patch:1.0");
}

/* Sends plans to the server: one YANG Patch when the server has it and there is more than one
 * request to make; else one request per action, in order. */
int devconf__rc_send_plans(devconf_session *s, const char *root, const devconf__rc_plan *plans, const char *what)
{
    size_t total = 0;
    for (const devconf__rc_plan *p = plans; p; p = p->next) {
        total += plan_requests(s, p);
    }
    if (total > 1 && has_yang_patch(s)) {
        return devconf__rc_send_yang_patch(s, root, plans, what);
    }
    if (total > 1) {
        devconf__log(s->ctx, DEVCONF_LOG_WARNING, "restconf",
                     "%s: %s has no YANG Patch: %zu requests are sent one by one, NOT atomically", what, s->host,
                     total);
    }
    for (const devconf__rc_plan *p = plans; p; p = p->next) {
        int r = send_actions(s, root, p, what);
        if (r < 0) {
            return r;
        }
    }
    return 0;
}

int devconf__rc_edit(devconf_session *s, const struct devconf__edit_req *req)
{
    devconf__rc_state *st = devconf__rc_st(s);
    const char *what = "edit-config";
    devconf__rc_begin_call(s);
    if (req->target != DEVCONF_DS_RUNNING && req->target != DEVCONF_DS_CANDIDATE) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "edit-config: target must be running or candidate");
    }
    if (req->test_option != DEVCONF_TEST_DEVICE || req->error_option == DEVCONF_ERROR_OPTION_CONTINUE) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "%s: test-option and continue-on-error have no RESTCONF equivalent", what);
    }
    if (req->if_match && !devconf_session_etag(s)) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "%s: If-Match needs the ETag of a previous read of the resource, and %s sent none",
                                  what, s->host);
    }
    devconf__rc_plan *p = NULL;
    int r = make_plan(s, req, &p);
    if (r < 0) {
        return r;
    }
    if (req->target == DEVCONF_DS_CANDIDATE && !st->profile->commit_rpc) {
        /* client-side candidate: staged in the session, sent by commit */
        devconf__rc_plan **tail = &st->staged;
        while (*tail) {
            tail = &(*tail)->next;
        }
        *tail = p;
        devconf__log(s->ctx, DEVCONF_LOG_DEBUG, "restconf", "%s: %zu change(s) staged in the session's candidate",
                     what, p->n);
        return 0;
    }
    char *root = NULL;
    /* on a staging server, the edits go to the staging area (then commit for running) */
    r = devconf__rc_data_root(s, st->profile->commit_rpc ? DEVCONF_DS_CANDIDATE : DEVCONF_DS_RUNNING, &root, what);
    st->if_match = req->if_match ? s->etag : NULL;
    if (r == 0) {
        r = devconf__rc_send_plans(s, root, p, what);
    }
    free(root);
    st->if_match = NULL;
    devconf__rc_plan_free(p);
    if (r == 0 && req->target == DEVCONF_DS_RUNNING && st->profile->commit_rpc) {
        devconf__rc_resp resp;
        r = devconf__rc_post_operation(s, st->profile->commit_rpc, &resp, "edit-config on running (commit)");
        if (r == 0) {
            devconf__rc_resp_dispose(&resp);
        }
    }
    return r;
}

int devconf__rc_edit_data(devconf_session *s, const struct devconf__edit_req *req)
{
    devconf__rc_state *st = devconf__rc_st(s);
    const char *what = "edit-data";
    devconf__rc_begin_call(s);
    char *root = NULL;
    int r = devconf__rc_ds_root(s, req->target, &root, what);
    if (r < 0) {
        return r;
    }
    if (req->if_match && !devconf_session_etag(s)) {
        free(root);
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "%s: If-Match needs the ETag of a previous read of the resource, and %s sent none",
                                  what, s->host);
    }
    devconf__rc_plan *p = NULL;
    if ((r = make_plan(s, req, &p)) == 0) {
        /* straight to the datastore resource: an NMDA server's candidate is its own (RFC 8527 3.1) */
        st->if_match = req->if_match ? s->etag : NULL;
        r = devconf__rc_send_plans(s, root, p, what);
        st->if_match = NULL;
        devconf__rc_plan_free(p);
    }
    free(root);
    return r;
}
