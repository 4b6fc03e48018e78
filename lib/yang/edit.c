/* Local edits: NETCONF edit-config semantics applied to a data tree with libyang, and what
 * follows from them: diff (unified text, or the edit that expresses exactly the change), dry run
 * (validate the whole result locally), and XML/JSON conversion. Nothing here talks to a device
 * except through the public read calls. */
#include "devconf_p.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

enum eop { EOP_MERGE, EOP_REPLACE, EOP_CREATE, EOP_DELETE, EOP_REMOVE, EOP_NONE };

static enum eop node_op(const struct lyd_node *e, enum eop inherited)
{
    struct lyd_meta *m = lyd_find_meta(e->meta, NULL, "ietf-netconf:operation");
    if (!m) {
        return inherited;
    }
    const char *v = lyd_get_meta_value(m);
    static const char *const names[] = { "merge", "replace", "create", "delete", "remove", "none" };
    for (int i = 0; i < 6; i++) {
        if (!strcmp(v, names[i])) {
            return (enum eop)i;
        }
    }
    return inherited;
}

static void strip_ops(struct lyd_node *tree)
{
    struct lyd_node *elem;
    LYD_TREE_DFS_BEGIN(tree, elem) {
        struct lyd_meta *m = lyd_find_meta(elem->meta, NULL, "ietf-netconf:operation");
        if (m) {
            lyd_free_meta_single(m);
        }
        LYD_TREE_DFS_END(tree, elem);
    }
}

/* Inserts node under parent, or among the top-level siblings *top. */
static int insert(struct lyd_node *parent, struct lyd_node **top, struct lyd_node *node)
{
    LY_ERR lr = parent ? lyd_insert_child(parent, node) : lyd_insert_sibling(*top, node, top);
    return lr == LY_SUCCESS ? 0 : -1;
}

static int edit_error(const struct lyd_node *e, const char *what)
{
    char *path = lyd_path(e, LYD_PATH_STD, NULL, 0);
    int r = devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EYANG, "the edit cannot apply: %s %s", what,
                               path ? path : "?");
    free(path);
    return r;
}

static int apply_siblings(struct lyd_node *parent, struct lyd_node **top, const struct lyd_node *edits,
                          enum eop inherited);

static int apply_one(struct lyd_node *parent, struct lyd_node **top, const struct lyd_node *e, enum eop inherited)
{
    enum eop op = node_op(e, inherited);
    struct lyd_node *first = parent ? lyd_child(parent) : *top;
    struct lyd_node *match = NULL;
    if (first) {
        if (e->schema && e->schema->nodetype == LYS_LEAF) {
            /* A leaf by its schema node only: lyd_find_sibling_first() compares a leaf's value too
             * when the siblings have no hash table (fewer than 4 of them), so a changed value would
             * not be found and the leaf would end up twice. */
            lyd_find_sibling_val(first, e->schema, NULL, 0, &match);
        } else {
            lyd_find_sibling_first(first, e, &match);
        }
    }
    struct lyd_node *dup = NULL;
    switch (op) {
    case EOP_DELETE:
    case EOP_REMOVE:
        if (!match) {
            return op == EOP_DELETE ? edit_error(e, "delete of missing data") : 0;
        }
        if (!parent && match == *top) {
            *top = (*top)->next;
        }
        lyd_free_tree(match);
        return 0;
    case EOP_CREATE:
        if (match) {
            return edit_error(e, "create of existing data");
        }
        /* fall through */
    case EOP_REPLACE:
        if (match) {
            if (!parent && match == *top) {
                *top = (*top)->next;
            }
            lyd_free_tree(match);
        }
        if (lyd_dup_single(e, NULL, LYD_DUP_RECURSIVE, &dup) != LY_SUCCESS) {
            return devconf__error_oom();
        }
        strip_ops(dup);
        return insert(parent, top, dup) < 0 ? edit_error(e, "cannot insert") : 0;
    case EOP_MERGE:
    case EOP_NONE:
        if (e->schema && (e->schema->nodetype & LYD_NODE_TERM)) {
            if (match) {
                if (op == EOP_MERGE && e->schema->nodetype == LYS_LEAF &&
                    lyd_change_term(match, lyd_get_value(e)) == LY_EINVAL) {
                    return edit_error(e, "invalid value for");
                }
                return 0;
            }
            if (op == EOP_NONE) {
                return 0;
            }
            if (lyd_dup_single(e, NULL, 0, &dup) != LY_SUCCESS) {
                return devconf__error_oom();
            }
            strip_ops(dup);
            return insert(parent, top, dup) < 0 ? edit_error(e, "cannot insert") : 0;
        }
        if (!match) {
            /* the node itself (a list entry with its keys), then its children by their own ops */
            if (lyd_dup_single(e, NULL, 0, &dup) != LY_SUCCESS) {
                return devconf__error_oom();
            }
            strip_ops(dup);
            if (insert(parent, top, dup) < 0) {
                lyd_free_tree(dup);
                return edit_error(e, "cannot insert");
            }
            match = dup;
        }
        return apply_siblings(match, NULL, lyd_child(e), op);
    }
    return 0;
}

static int apply_siblings(struct lyd_node *parent, struct lyd_node **top, const struct lyd_node *edits,
                          enum eop inherited)
{
    for (const struct lyd_node *e = edits; e; e = e->next) {
        if (e->schema && lysc_is_key(e->schema)) {
            continue; /* keys came with their list entry */
        }
        int r = apply_one(parent, top, e, inherited);
        if (r < 0) {
            return r;
        }
    }
    return 0;
}

int devconf__apply_edit(struct lyd_node **data, const struct lyd_node *edit, devconf_edit_operation dflt)
{
    enum eop op = dflt == DEVCONF_EDIT_REPLACE ? EOP_REPLACE : dflt == DEVCONF_EDIT_NONE ? EOP_NONE : EOP_MERGE;
    return apply_siblings(NULL, data, edit, op);
}

/* ---- unified diff of two texts (Myers' O(ND) algorithm on lines) ---- */

struct lines {
    const char **l;
    size_t *len;
    int n;
};

static int split_lines(const char *text, struct lines *out)
{
    out->n = 0;
    out->l = NULL;
    out->len = NULL;
    size_t cap = 0;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if ((size_t)out->n == cap) {
            cap = cap ? cap * 2 : 64;
            const char **l = realloc(out->l, cap * sizeof *l);
            size_t *ln = realloc(out->len, cap * sizeof *ln);
            if (!l || !ln) {
                free(l ? (void *)l : (void *)out->l);
                free(ln ? ln : out->len);
                return devconf__error_oom();
            }
            out->l = l;
            out->len = ln;
        }
        out->l[out->n] = p;
        out->len[out->n++] = len;
        p += len + (nl ? 1 : 0);
    }
    return 0;
}

static bool line_eq(const struct lines *a, int i, const struct lines *b, int j)
{
    return a->len[i] == b->len[j] && !memcmp(a->l[i], b->l[j], a->len[i]);
}

/* Edit script as a per-line mark: for a, 1 = deleted; for b, 1 = inserted. */
static int myers(const struct lines *a, const struct lines *b, char *da, char *db)
{
    int n = a->n, m = b->n, max = n + m;
    int *v = calloc((size_t)(2 * max + 2), sizeof *v);
    int **trace = calloc((size_t)max + 1, sizeof *trace);
    if (!v || !trace) {
        free(v);
        free(trace);
        return devconf__error_oom();
    }
    int off = max + 1, dfinal = -1;
    for (int d = 0; d <= max && dfinal < 0; d++) {
        if (!(trace[d] = malloc((size_t)(2 * max + 2) * sizeof(int)))) {
            for (int k = 0; k < d; k++) {
                free(trace[k]);
            }
            free(trace);
            free(v);
            return devconf__error_oom();
        }
        for (int k = -d; k <= d; k += 2) {
            int x = (k == -d || (k != d && v[off + k - 1] < v[off + k + 1])) ? v[off + k + 1] : v[off + k - 1] + 1;
            int y = x - k;
            while (x < n && y < m && line_eq(a, x, b, y)) {
                x++;
                y++;
            }
            v[off + k] = x;
            if (x >= n && y >= m) {
                dfinal = d;
                break;
            }
        }
        memcpy(trace[d], v, (size_t)(2 * max + 2) * sizeof(int));
    }
    /* walk back */
    int x = n, y = m;
    for (int d = dfinal; d > 0; d--) {
        int *pv = trace[d - 1];
        int k = x - y;
        int pk = (k == -d || (k != d && pv[off + k - 1] < pv[off + k + 1])) ? k + 1 : k - 1;
        int px = pv[off + pk], py = px - pk;
        while (x > px && y > py) {
            x--;
            y--;
        }
        if (x == px) {
            db[--y] = 1; /* insertion */
        } else {
            da[--x] = 1; /* deletion */
        }
    }
    for (int d = 0; d <= dfinal; d++) {
        free(trace[d]);
    }
    free(trace);
    free(v);
    return 0;
}

int devconf__unified_diff(const char *before, const char *after, const char *label_a, const char *label_b,
                          char **out)
{
    *out = NULL;
    struct lines a, b;
    int r = split_lines(before, &a);
    if (r < 0) {
        return r;
    }
    if ((r = split_lines(after, &b)) < 0) {
        free(a.l);
        free(a.len);
        return r;
    }
    char *da = calloc((size_t)a.n + 1, 1), *db = calloc((size_t)b.n + 1, 1);
    devconf__buf o = { 0 };
    if (!da || !db || (r = myers(&a, &b, da, db)) < 0) {
        r = r < 0 ? r : devconf__error_oom();
        goto out;
    }
    const int ctx_lines = 3;
    int i = 0, j = 0;
    bool header = false;
    while (i < a.n || j < b.n) {
        /* find the next change */
        int ci = i, cj = j;
        while (ci < a.n && cj < b.n && !da[ci] && !db[cj]) {
            ci++;
            cj++;
        }
        if (ci >= a.n && cj >= b.n) {
            break;
        }
        /* hunk start with context */
        int hs_a = ci - ctx_lines < i ? i : ci - ctx_lines;
        int hs_b = cj - (ci - hs_a);
        /* extend the hunk while changes are within 2*context */
        int ea = ci, eb = cj;
        for (;;) {
            while (ea < a.n && da[ea]) {
                ea++;
            }
            while (eb < b.n && db[eb]) {
                eb++;
            }
            int run = 0;
            while (ea + run < a.n && eb + run < b.n && !da[ea + run] && !db[eb + run]) {
                run++;
            }
            if ((ea + run >= a.n && eb + run >= b.n) || run > 2 * ctx_lines) {
                int tail = run < ctx_lines ? run : ctx_lines;
                ea += tail;
                eb += tail;
                break;
            }
            ea += run;
            eb += run;
        }
        if (!header) {
            devconf__buf_printf(&o, "--- %s\n+++ %s\n", label_a, label_b);
            header = true;
        }
        devconf__buf_printf(&o, "@@ -%d,%d +%d,%d @@\n", ea > hs_a ? hs_a + 1 : hs_a, ea - hs_a,
                            eb > hs_b ? hs_b + 1 : hs_b, eb - hs_b);
        int x = hs_a, y = hs_b;
        while (x < ea || y < eb) {
            if (x < ea && da[x]) {
                devconf__buf_puts(&o, "-");
                devconf__buf_append(&o, a.l[x], a.len[x]);
                devconf__buf_puts(&o, "\n");
                x++;
            } else if (y < eb && db[y]) {
                devconf__buf_puts(&o, "+");
                devconf__buf_append(&o, b.l[y], b.len[y]);
                devconf__buf_puts(&o, "\n");
                y++;
            } else {
                devconf__buf_puts(&o, " ");
                devconf__buf_append(&o, a.l[x], a.len[x]);
                devconf__buf_puts(&o, "\n");
                x++;
                y++;
            }
        }
        i = ea;
        j = eb;
    }
    *out = devconf__buf_steal(&o);
    r = *out ? 0 : DEVCONF_ENOMEM;
out:
    free(da);
    free(db);
    free(a.l);
    free(a.len);
    free(b.l);
    free(b.len);
    return r;
}

/* ---- the public calls ---- */

/* Reads a whole datastore as a tree in the session's schema context. */
int devconf__read_tree(devconf_session *s, devconf_datastore ds, struct lyd_node **out)
{
    *out = NULL;
    struct devconf__read_req req = { ds, NULL, DEVCONF_FILTER_AUTO, DEVCONF_WD_DEVICE, DEVCONF_FORMAT_XML, 0, NULL, false };
    char *text = NULL;
    int r = s->tp->read(s, &text, &req);
    if (r < 0) {
        return r;
    }
    struct ly_ctx *ly = s->tp->yang_ctx(s);
    devconf__log_capture_begin();
    LY_ERR lr = lyd_parse_data_mem(ly, text, LYD_XML, LYD_PARSE_ONLY, 0, out);
    free(text);
    if (lr != LY_SUCCESS) {
        r = devconf__yang_error(ly, DEVCONF_EPROTO, "the device's configuration does not parse against its schemas");
        devconf__log_capture_end();
        lyd_free_all(*out);
        *out = NULL;
        return r;
    }
    devconf__log_capture_end();
    /* configuration only: some servers (Jetconf) return state data with content=config */
    devconf__strip_state(out);
    return 0;
}

/* before: the datastore as read; after: with the edit applied locally. */
static int before_after(devconf_session *s, devconf_datastore target, const char *config,
                        const devconf_edit_options *o, struct lyd_node **before, struct lyd_node **after)
{
    *before = *after = NULL;
    struct lyd_node *edit = NULL;
    int r = devconf__config_parse(s->tp->yang_ctx(s), config, o->format, &edit);
    if (r < 0) {
        return r;
    }
    if ((r = devconf__read_tree(s, target, before)) < 0) {
        lyd_free_all(edit);
        return r;
    }
    if (*before && lyd_dup_siblings(*before, NULL, LYD_DUP_RECURSIVE, after) != LY_SUCCESS) {
        lyd_free_all(edit);
        return devconf__error_oom();
    }
    r = devconf__apply_edit(after, edit, o->default_operation);
    lyd_free_all(edit);
    return r;
}

static int check_edit_opts(const devconf_edit_options *in, devconf_edit_options *o, const char *fn)
{
    int r = devconf__edit_options_copy(o, in, fn);
    if (r < 0) {
        return r;
    }
    if ((unsigned)o->default_operation > DEVCONF_EDIT_NONE) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "%s: invalid default operation", fn);
    }
    return 0;
}

/* Turns a libyang diff tree into an edit-config payload: yang:operation becomes nc:operation. */
static int diff_to_edit(struct lyd_node *diff)
{
    struct lyd_node *elem;
    for (struct lyd_node *top = diff; top; top = top->next) {
        LYD_TREE_DFS_BEGIN(top, elem) {
            const char *op = NULL;
            struct lyd_meta *m = elem->meta, *next;
            for (; m; m = next) {
                next = m->next;
                if (!strcmp(m->annotation->module->name, "yang")) {
                    if (!strcmp(m->name, "operation")) {
                        op = lyd_get_meta_value(m);
                    }
                    lyd_free_meta_single(m);
                }
            }
            if (op && strcmp(op, "none")) {
                const char *nc = !strcmp(op, "create") ? "create" : !strcmp(op, "delete") ? "delete" : "replace";
                if (lyd_new_meta(LYD_CTX(elem), elem, NULL, "ietf-netconf:operation", nc, 0, NULL) != LY_SUCCESS) {
                    return devconf__yang_error(LYD_CTX(elem), DEVCONF_ERROR,
                                               "cannot express the change as edit-config (is ietf-netconf loaded?)");
                }
            }
            LYD_TREE_DFS_END(top, elem);
        }
    }
    return 0;
}

int devconf__diff_trees(const struct lyd_node *before, const struct lyd_node *after, const char *label,
                        devconf_diff_format format, char **out)
{
    *out = NULL;
    if (format == DEVCONF_DIFF_UNIFIED) {
        char *ta = NULL, *tb = NULL;
        uint32_t po = LYD_PRINT_WITHSIBLINGS | LYD_PRINT_WD_EXPLICIT;
        if ((before && lyd_print_mem(&ta, before, LYD_XML, po) != LY_SUCCESS) ||
            (after && lyd_print_mem(&tb, after, LYD_XML, po) != LY_SUCCESS)) {
            free(ta);
            free(tb);
            return devconf__error_oom();
        }
        char lb[96];
        snprintf(lb, sizeof lb, "%s (after the edit)", label);
        int r = devconf__unified_diff(ta ? ta : "", tb ? tb : "", label, lb, out);
        free(ta);
        free(tb);
        return r;
    }
    struct lyd_node *diff = NULL;
    const struct lyd_node *any = before ? before : after;
    if (lyd_diff_siblings(before, after, 0, &diff) != LY_SUCCESS) {
        return devconf__yang_error(any ? LYD_CTX(any) : NULL, DEVCONF_ERROR, "cannot compute the difference");
    }
    int r = diff_to_edit(diff);
    if (r == 0) {
        r = devconf__print_data(diff, format == DEVCONF_DIFF_EDIT_JSON ? DEVCONF_FORMAT_JSON : DEVCONF_FORMAT_XML, false,
                                out);
    }
    lyd_free_all(diff);
    return r;
}

DEVCONF_API int devconf_diff(char **out, devconf_session *s, devconf_datastore target, const char *config,
                             const devconf_edit_options *opts, devconf_diff_format format)
{
    if (out) {
        *out = NULL;
    }
    if (!out || !config || (unsigned)format > DEVCONF_DIFF_EDIT_JSON) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "diff: NULL out or config, or unknown format");
    }
    if (target != DEVCONF_DS_RUNNING && target != DEVCONF_DS_CANDIDATE) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "diff: target must be running or candidate");
    }
    devconf_edit_options o;
    int r = check_edit_opts(opts, &o, "diff");
    if (r < 0) {
        return r;
    }
    const struct devconf_ctx *prev;
    struct devconf__call call = { o.timeout_ms, o.cancel_cb, o.cancel_payload };
    if ((r = devconf__call_enter(s, "diff", &prev, &call)) < 0) {
        return r;
    }
    struct lyd_node *before = NULL, *after = NULL;
    if ((r = before_after(s, target, config, &o, &before, &after)) < 0) {
        goto out;
    }
    r = devconf__diff_trees(before, after, devconf_datastore_name(target), format, out);
out:
    lyd_free_all(before);
    lyd_free_all(after);
    return devconf__call_leave(s, prev, r);
}

DEVCONF_API int devconf_dry_run(devconf_session *s, devconf_datastore target, const char *config,
                                const devconf_edit_options *opts)
{
    if (!config || (target != DEVCONF_DS_RUNNING && target != DEVCONF_DS_CANDIDATE)) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "dry run: NULL config, or target not running or candidate");
    }
    devconf_edit_options o;
    int r = check_edit_opts(opts, &o, "dry run");
    if (r < 0) {
        return r;
    }
    const struct devconf_ctx *prev;
    struct devconf__call call = { o.timeout_ms, o.cancel_cb, o.cancel_payload };
    if ((r = devconf__call_enter(s, "dry run", &prev, &call)) < 0) {
        return r;
    }
    struct lyd_node *before = NULL, *after = NULL;
    if ((r = before_after(s, target, config, &o, &before, &after)) < 0) {
        goto out;
    }
    struct ly_ctx *ly = s->tp->yang_ctx(s);
    uint32_t all = LY_LOLOG | LY_LOSTORE, *saved = NULL;
    (void)saved;
    ly_err_clean(ly, NULL);
    ly_temp_log_options(&all);
    devconf__log_capture_begin();
    LY_ERR lr = lyd_validate_all(&after, ly, LYD_VALIDATE_NO_STATE, NULL);
    devconf__log_capture_end();
    if (lr != LY_SUCCESS) {
        devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EYANG, "dry run");
        devconf__buf msg = { 0 };
        int n = 0;
        for (const struct ly_err_item *e = ly_err_first(ly); e; e = e->next) {
            if (e->level != LY_LLERR) {
                continue;
            }
            struct devconf_rpc_error re = { 0 };
            re.type = "application";
            re.tag = "invalid-value";
            re.severity = "error";
            re.app_tag = e->apptag;
            re.path = e->path;
            re.message = e->msg;
            devconf__error_add_rpc_error(&re);
            if (n < 3) {
                devconf__buf_printf(&msg, "%s%s%s%s%s", n ? "; " : "", e->msg, e->path ? " (" : "",
                                    e->path ? e->path : "", e->path ? ")" : "");
            }
            n++;
        }
        devconf__error_set_message("dry run: the %s configuration after this edit would be invalid: %s%s",
                                   devconf_datastore_name(target), msg.data ? msg.data : "see the errors",
                                   n > 3 ? " and more" : "");
        devconf__buf_dispose(&msg);
        r = DEVCONF_EYANG;
    }
    ly_temp_log_options(NULL);
    devconf__log_leave(prev); /* re-establish the thread's options */
    prev = devconf__log_enter(s->ctx);
    ly_err_clean(ly, NULL);
out:
    lyd_free_all(before);
    lyd_free_all(after);
    return devconf__call_leave(s, prev, r);
}

DEVCONF_API int devconf_convert(char **out, devconf_session *s, const char *data, devconf_format to)
{
    if (out) {
        *out = NULL;
    }
    if (!out || !data || (to != DEVCONF_FORMAT_XML && to != DEVCONF_FORMAT_JSON)) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "convert: NULL out or data, or a target format other than XML or JSON");
    }
    const struct devconf_ctx *prev;
    int r = devconf__call_enter(s, "convert", &prev, NULL);
    if (r < 0) {
        return r;
    }
    struct lyd_node *tree = NULL;
    if ((r = devconf__config_parse(s->tp->yang_ctx(s), data, DEVCONF_FORMAT_AUTO, &tree)) == 0) {
        r = devconf__print_data(tree, to, false, out);
        lyd_free_all(tree);
    }
    return devconf__call_leave(s, prev, r);
}
