/* Subtree filters (RFC 6241 6) over RESTCONF: RESTCONF has none, so a filter is translated into
 * what RESTCONF can say: a resource path (containers, and list entries selected by all their keys)
 * plus a `fields` expression (RFC 8040 4.8.3) for the selection below the target. What it cannot
 * say (a content match on a non-key leaf, several entries of one list, a content match inside a
 * larger selection, attributes) is refused before anything is sent, with a message that says what
 * to write instead. The filter's elements are checked against the device's schemas. */
#include "restconf_p.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

/* Deeper filters than this are refused (a filter follows the schema: a few levels). */
#define MAX_DEPTH 64

/* ---- a small XML reader: elements, namespaces, text; comments and declarations skipped ---- */

struct ns_decl {
    char *prefix; /* NULL: the default namespace */
    char *uri;
    struct ns_decl *next;
};

struct fnode {
    char *ns, *name;
    char *text; /* trimmed text content, NULL when there is none */
    bool has_attrs;
    struct fnode *child, *next;
    const struct lysc_node *schema;
};

static void fnode_free(struct fnode *n)
{
    while (n) {
        struct fnode *next = n->next;
        fnode_free(n->child);
        free(n->ns);
        free(n->name);
        free(n->text);
        free(n);
        n = next;
    }
}

struct reader {
    const char *p;
    const char *err; /* what is wrong, static text */
};

static bool name_char(char c)
{
    return c && !strchr(" \t\r\n/>=<\"'", c);
}

/* Appends the text of [s, e) with the five entities and character references decoded. */
static bool decode(devconf__buf *b, const char *s, const char *e)
{
    static const char *const ents[][2] = { { "&lt;", "<" }, { "&gt;", ">" }, { "&amp;", "&" }, { "&quot;", "\"" },
                                           { "&apos;", "'" } };
    while (s < e) {
        if (*s != '&') {
            devconf__buf_append(b, s++, 1);
            continue;
        }
        size_t k = 0;
        while (k < 5 && strncmp(s, ents[k][0], strlen(ents[k][0]))) {
            k++;
        }
        if (k < 5) {
            devconf__buf_puts(b, ents[k][1]);
            s += strlen(ents[k][0]);
        } else if (s[1] == '#') {
            char *end = NULL;
            unsigned long cp = s[2] == 'x' ? strtoul(s + 3, &end, 16) : strtoul(s + 2, &end, 10);
            if (!end || *end != ';' || !cp || cp > 0x10FFFF) {
                return false;
            }
            char u[4];
            size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (n == 1) {
                u[0] = (char)cp;
            } else {
                for (size_t i = n - 1; i > 0; i--, cp >>= 6) {
                    u[i] = (char)(0x80 | (cp & 0x3F));
                }
                u[0] = (char)((n == 2 ? 0xC0 : n == 3 ? 0xE0 : 0xF0) | cp);
            }
            devconf__buf_append(b, u, n);
            s = end + 1;
        } else {
            return false;
        }
    }
    return true;
}

static void skip_misc(struct reader *rd)
{
    for (;;) {
        rd->p = devconf__skip_ws(rd->p);
        if (!strncmp(rd->p, "<!--", 4)) {
            const char *e = strstr(rd->p, "-->");
            rd->p = e ? e + 3 : rd->p + strlen(rd->p);
        } else if (!strncmp(rd->p, "<?", 2)) {
            const char *e = strstr(rd->p, "?>");
            rd->p = e ? e + 2 : rd->p + strlen(rd->p);
        } else {
            return;
        }
    }
}

static const char *ns_lookup(const struct ns_decl *d, const char *prefix, size_t plen)
{
    for (; d; d = d->next) {
        if (plen ? d->prefix && strlen(d->prefix) == plen && !strncmp(d->prefix, prefix, plen) : !d->prefix) {
            return d->uri;
        }
    }
    return NULL;
}

static struct fnode *read_element(struct reader *rd, const struct ns_decl *scope, int depth);

/* Reads the siblings up to the parent's end tag (or the end of text at the top). */
static struct fnode *read_children(struct reader *rd, const struct ns_decl *scope, int depth, devconf__buf *text)
{
    struct fnode *first = NULL, **tail = &first;
    for (;;) {
        const char *start = rd->p;
        const char *lt = strchr(rd->p, '<');
        const char *end = lt ? lt : rd->p + strlen(rd->p);
        if (text && !decode(text, start, end)) {
            rd->err = "an unknown entity";
            break;
        }
        rd->p = end;
        if (!lt || lt[1] == '/') {
            break;
        }
        if (!strncmp(lt, "<!--", 4) || !strncmp(lt, "<?", 2)) {
            skip_misc(rd);
            continue;
        }
        if (!strncmp(lt, "<!", 2)) {
            rd->err = "CDATA or a declaration";
            break;
        }
        struct fnode *n = read_element(rd, scope, depth + 1);
        if (!n) {
            break;
        }
        *tail = n;
        tail = &n->next;
    }
    if (rd->err) {
        fnode_free(first);
        return NULL;
    }
    return first;
}

static struct fnode *read_element(struct reader *rd, const struct ns_decl *scope, int depth)
{
    if (depth > MAX_DEPTH) {
        rd->err = "nesting too deep";
        return NULL;
    }
    const char *p = rd->p + 1; /* after '<' */
    const char *qn = p;
    while (name_char(*p)) {
        p++;
    }
    size_t qlen = (size_t)(p - qn);
    if (!qlen) {
        rd->err = "an element without a name";
        return NULL;
    }
    struct fnode *n = calloc(1, sizeof *n);
    struct ns_decl *local = NULL; /* declarations of this element, in front of scope */
    struct ns_decl *last = NULL;  /* the last of them, linked to scope while the element is read */
    if (!n) {
        rd->err = "out of memory";
        return NULL;
    }
    /* attributes */
    for (;;) {
        p = devconf__skip_ws(p);
        if (*p == '>' || (p[0] == '/' && p[1] == '>') || !*p) {
            break;
        }
        const char *an = p;
        while (name_char(*p)) {
            p++;
        }
        size_t alen = (size_t)(p - an);
        p = devconf__skip_ws(p);
        if (!alen || *p != '=') {
            rd->err = "a malformed attribute";
            goto fail;
        }
        p = devconf__skip_ws(p + 1);
        char q = *p;
        const char *ve = q == '"' || q == '\'' ? strchr(p + 1, q) : NULL;
        if (!ve) {
            rd->err = "an unquoted attribute value";
            goto fail;
        }
        if ((alen == 5 && !strncmp(an, "xmlns", 5)) || (alen > 6 && !strncmp(an, "xmlns:", 6))) {
            struct ns_decl *d = calloc(1, sizeof *d);
            devconf__buf v = { 0 };
            if (!d || !decode(&v, p + 1, ve) || !(d->uri = devconf__buf_steal(&v)) ||
                (alen > 6 && !(d->prefix = strndup(an + 6, alen - 6)))) {
                if (d) {
                    free(d->uri);
                    free(d);
                }
                devconf__buf_dispose(&v);
                rd->err = "a bad namespace declaration";
                goto fail;
            }
            d->next = local;
            local = d;
        } else {
            n->has_attrs = true; /* an attribute match expression (RFC 6241 6.2.4) */
        }
        p = ve + 1;
    }
    /* the namespace: this element's declarations first, then its ancestors' */
    last = local;
    while (last && last->next) {
        last = last->next;
    }
    if (last) {
        last->next = (struct ns_decl *)scope;
    }
    const struct ns_decl *in_scope = local ? local : scope;
    const char *colon = memchr(qn, ':', qlen);
    const char *uri = colon ? ns_lookup(in_scope, qn, (size_t)(colon - qn)) : ns_lookup(in_scope, NULL, 0);
    n->name = colon ? strndup(colon + 1, qlen - (size_t)(colon - qn) - 1) : strndup(qn, qlen);
    n->ns = uri ? strdup(uri) : NULL;
    if (!n->name || (uri && !n->ns)) {
        rd->err = "out of memory";
        goto fail;
    }
    if (!*p) {
        rd->err = "an unterminated tag";
        goto fail;
    }
    if (*p == '/') {
        rd->p = p + 2;
    } else {
        rd->p = p + 1;
        devconf__buf text = { 0 };
        n->child = read_children(rd, in_scope, depth, &text);
        if (rd->err) {
            devconf__buf_dispose(&text);
            goto fail;
        }
        /* </qname> */
        if (strncmp(rd->p, "</", 2) || strncmp(rd->p + 2, qn, qlen) ||
            *devconf__skip_ws(rd->p + 2 + qlen) != '>') {
            devconf__buf_dispose(&text);
            rd->err = "a missing or mismatched end tag";
            goto fail;
        }
        rd->p = devconf__skip_ws(rd->p + 2 + qlen) + 1;
        /* text content counts for leaves only: the whitespace between elements is layout */
        const char *t = text.data ? devconf__skip_ws(text.data) : "";
        if (*t && !n->child) {
            size_t tl = strlen(t);
            while (tl && strchr(" \t\r\n", t[tl - 1])) {
                tl--;
            }
            n->text = strndup(t, tl);
        } else if (*t) {
            devconf__buf_dispose(&text);
            rd->err = "text mixed with elements";
            goto fail;
        }
        devconf__buf_dispose(&text);
    }
    if (last) {
        last->next = NULL;
    }
    while (local) {
        struct ns_decl *next = local->next;
        free(local->prefix);
        free(local->uri);
        free(local);
        local = next;
    }
    return n;
fail:
    if (last) {
        last->next = NULL;
    }
    while (local) {
        struct ns_decl *next = local->next;
        free(local->prefix);
        free(local->uri);
        free(local);
        local = next;
    }
    fnode_free(n);
    return NULL;
}

/* ---- translation ---- */

struct xlate {
    devconf_session *s;
    devconf__buf xpath;  /* the target, as a data path */
    devconf__buf fields; /* the selection below it, or empty */
    bool fields_ok;      /* the server announces the fields capability */
};

static bool is_key(const struct lysc_node *sn)
{
    return sn->nodetype == LYS_LEAF && lysc_is_key(sn);
}

/* Fails with what RESTCONF cannot say and what to write instead. */
static int refuse(const char *why, const char *instead)
{
    return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                              "subtree filter over RESTCONF: %s; RESTCONF can only address a resource (containers, "
                              "and list entries by all their keys) and select below it with 'fields'. Write "
                              "instead: %s. Nothing was sent", why, instead);
}

/* Finds the schema of every element (unknown ones are a YANG error, nothing sent). */
static int bind_schema(struct xlate *x, struct fnode *n, const struct lysc_node *parent, const char *where)
{
    struct ly_ctx *ly = devconf__rc_st(x->s)->ly;
    for (; n; n = n->next) {
        const struct lys_module *mod = n->ns ? ly_ctx_get_module_implemented_ns(ly, n->ns) : NULL;
        if (!n->ns && parent) {
            mod = parent->module; /* no namespace in scope: the parent's (lenient, as NETCONF servers are) */
        }
        n->schema = mod ? lys_find_child(parent, mod, n->name, 0, 0, 0) : NULL;
        if (!n->schema) {
            return devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EYANG,
                                      "subtree filter: no node '%s'%s%s in the device's schemas under %s; "
                                      "nothing was sent", n->name, n->ns ? " in namespace " : " (no namespace)",
                                      n->ns ? n->ns : "", where);
        }
        if (n->has_attrs) {
            return refuse("an attribute match expression", "a filter without attributes");
        }
        if (n->text && n->schema->nodetype != LYS_LEAF && n->schema->nodetype != LYS_LEAFLIST) {
            return devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EYANG,
                                      "subtree filter: '%s' has text content but is not a leaf; nothing was sent",
                                      n->name);
        }
        if (n->child) {
            char *path = lysc_path(n->schema, LYSC_PATH_DATA, NULL, 0);
            int r = path ? bind_schema(x, n->child, n->schema, path) : devconf__error_oom();
            free(path);
            if (r < 0) {
                return r;
            }
        }
    }
    return 0;
}

/* The name of sn as RESTCONF writes it below parent: module-qualified when the module changes. */
static void put_name(devconf__buf *b, const struct lysc_node *sn, const struct lysc_node *parent)
{
    if (!parent || parent->module != sn->module) {
        devconf__buf_printf(b, "%s:", sn->module->name);
    }
    devconf__buf_puts(b, sn->name);
}

/* The data path of a list entry's predicate: [k='v'], quoted so that v may hold quotes. */
static int put_pred(devconf__buf *b, const struct fnode *k)
{
    const char *v = k->text ? k->text : "";
    if (strchr(v, '\'') && strchr(v, '"')) {
        return refuse("a key value holding both kinds of quote", "read the whole list");
    }
    char q = strchr(v, '\'') ? '"' : '\'';
    devconf__buf_printf(b, "[%s=%c%s%c]", k->schema->name, q, v, q);
    return 0;
}

static bool several(const struct fnode *list, const struct fnode *n)
{
    for (const struct fnode *o = list; o; o = o->next) {
        if (o != n && o->schema == n->schema && n->schema->nodetype == LYS_LIST) {
            return true;
        }
    }
    return false;
}

/* The fields expression of the elements nodes below parent (RFC 8040 4.8.3); list keys are
 * always selected, so that the reply's entries can be told apart (and parsed). */
static int put_fields(devconf__buf *b, const struct fnode *nodes, const struct lysc_node *parent)
{
    bool first = true;
    if (parent && parent->nodetype == LYS_LIST) {
        for (const struct lysc_node *k = lysc_node_child(parent); k && lysc_is_key(k); k = k->next) {
            bool given = false;
            for (const struct fnode *n = nodes; n; n = n->next) {
                given = given || n->schema == k;
            }
            if (!given) {
                devconf__buf_printf(b, "%s%s", first ? "" : ";", k->name);
                first = false;
            }
        }
    }
    for (const struct fnode *n = nodes; n; n = n->next) {
        if (n->text) {
            return refuse("a content match (a value to select by) inside a larger selection",
                          "one read per list entry, its path naming all its keys, such as "
                          "/module:list[key='value'], or a read of the whole subtree filtered locally");
        }
        if (several(nodes, n)) {
            return refuse("several entries of one list", "one read per entry, or a read of the whole list");
        }
        devconf__buf_puts(b, first ? "" : ";");
        first = false;
        put_name(b, n->schema, parent);
        if (n->child) {
            devconf__buf_puts(b, "(");
            int r = put_fields(b, n->child, n->schema);
            if (r < 0) {
                return r;
            }
            devconf__buf_puts(b, ")");
        }
    }
    return 0;
}

/* Whether the content matches among n's children select one entry of list n by all its keys (and
 * by nothing else); *keys_out counts them. A content match on a non-key is refused. */
static int entry_keys(const struct fnode *n, int *keys_out)
{
    int keys = 0, nkeys = 0;
    for (const struct lysc_node *k = lysc_node_child(n->schema); k && lysc_is_key(k); k = k->next) {
        nkeys++;
    }
    for (const struct fnode *c = n->child; c; c = c->next) {
        if (!c->text) {
            continue;
        }
        if (!is_key(c->schema)) {
            char *lp = lysc_path(n->schema, LYSC_PATH_DATA, NULL, 0);
            char instead[600];
            snprintf(instead, sizeof instead,
                     "a read of %s (all entries) and the selection of the entries whose %s is '%s' on your side",
                     lp ? lp : n->name, c->name, c->text);
            free(lp);
            return refuse("a content match on a leaf that is not a list key", instead);
        }
        keys++;
    }
    if (keys && keys != nkeys) {
        return refuse("a list entry selected by some of its keys only",
                      "all the keys of the entry, or none (every entry)");
    }
    *keys_out = keys;
    return 0;
}

int devconf__rc_subtree_translate(devconf_session *s, const char *filter, char **xpath, char **fields)
{
    *xpath = *fields = NULL;
    struct xlate x = { .s = s, .fields_ok = devconf_session_has_capability(s, "fields") };
    struct reader rd = { filter, NULL };
    skip_misc(&rd);
    devconf__buf outside = { 0 };
    struct fnode *tops = read_children(&rd, NULL, 0, &outside);
    skip_misc(&rd);
    if (!rd.err && *rd.p) {
        rd.err = "an end tag without its start";
    } else if (!rd.err && outside.data && *devconf__skip_ws(outside.data)) {
        rd.err = "text outside the elements";
    }
    devconf__buf_dispose(&outside);
    if (rd.err) {
        fnode_free(tops);
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EYANG,
                                  "subtree filter: not well-formed XML (%s at offset %zu); nothing was sent", rd.err,
                                  (size_t)(rd.p - filter));
    }
    int r = tops ? bind_schema(&x, tops, NULL, "the top level") : 0;
    if (r < 0) {
        fnode_free(tops);
        return r;
    }
    if (!tops) {
        fnode_free(tops);
        return 1; /* an empty filter selects nothing: no read at all */
    }
    if (tops->next) {
        /* several top-level nodes: the datastore resource, with fields naming them */
        for (const struct fnode *t = tops; t && r == 0; t = t->next) {
            if (t->schema->nodetype == LYS_LIST) {
                r = refuse("a top-level list among several top-level nodes",
                           "one read per top-level node");
            }
        }
        if (r == 0 && !x.fields_ok) {
            r = refuse("several top-level nodes need the fields capability, which the device does not announce",
                       "one read per top-level node, such as a data path /module:container");
        }
        if (r == 0) {
            r = put_fields(&x.fields, tops, NULL);
        }
        goto out;
    }
    /* one top: down the path as long as it names one container or one entry by its keys */
    const struct fnode *n = tops;
    const struct lysc_node *prev = NULL;
    for (;;) {
        if (n->text) {
            r = refuse("a content match on a leaf at the top of the selection",
                       "a path to the leaf's parent, or to the leaf itself without a value");
            break;
        }
        devconf__buf_puts(&x.xpath, "/");
        put_name(&x.xpath, n->schema, prev);
        prev = n->schema;
        int keys = 0;
        const struct fnode *rest = n->child;
        for (const struct fnode *c = n->child; c && n->schema->nodetype != LYS_LIST; c = c->next) {
            if (c->text) {
                char instead[600];
                snprintf(instead, sizeof instead, "a read of %s and the comparison of its %s with '%s' on your side",
                         x.xpath.data ? x.xpath.data : "", c->name, c->text);
                r = refuse("a content match on a leaf that is not a list key", instead);
                break;
            }
        }
        if (r < 0) {
            break;
        }
        if (n->schema->nodetype == LYS_LIST) {
            if ((r = entry_keys(n, &keys)) < 0) {
                break;
            }
            for (const struct fnode *c = n->child; c && r == 0; c = c->next) {
                r = c->text ? put_pred(&x.xpath, c) : 0;
            }
            if (r < 0) {
                break;
            }
        }
        /* what is below the target, key matches left out */
        size_t nrest = 0;
        const struct fnode *only = NULL;
        for (const struct fnode *c = rest; c; c = c->next) {
            if (!c->text) {
                nrest++;
                only = c;
            }
        }
        if (!nrest) {
            break; /* the whole node */
        }
        bool descend = nrest == 1 && only->child &&
                       (only->schema->nodetype == LYS_CONTAINER || only->schema->nodetype == LYS_LIST);
        if (descend && only->schema->nodetype == LYS_LIST) {
            int k = 0;
            if ((r = entry_keys(only, &k)) < 0) {
                break;
            }
            descend = k > 0;
        }
        if (!descend && nrest == 1 && !only->child && !x.fields_ok &&
            !(only->schema->nodetype == LYS_LIST)) {
            descend = true; /* a single selected leaf or container, without fields: its own resource */
        }
        if (descend) {
            n = only;
            continue;
        }
        if (!x.fields_ok) {
            char instead[600];
            snprintf(instead, sizeof instead, "a read of %s (the whole subtree)", x.xpath.data ? x.xpath.data : "");
            r = refuse("the selection below the target needs the fields capability, which the device does "
                           "not announce", instead);
            break;
        }
        /* the rest as fields, key matches excluded */
        struct fnode *sel = NULL, **tail = &sel;
        for (const struct fnode *c = rest; c; c = c->next) {
            if (!c->text) {
                struct fnode *cp = calloc(1, sizeof *cp);
                if (!cp) {
                    r = devconf__error_oom();
                    break;
                }
                *cp = *c;
                cp->next = NULL;
                *tail = cp;
                tail = &cp->next;
            }
        }
        if (r == 0) {
            r = put_fields(&x.fields, sel, n->schema);
        }
        while (sel) { /* shallow copies: the children belong to tops */
            struct fnode *next = sel->next;
            free(sel);
            sel = next;
        }
        break;
    }
out:
    fnode_free(tops);
    if (r == 0 && (x.xpath.failed || x.fields.failed)) {
        r = devconf__error_oom();
    }
    if (r < 0) {
        devconf__buf_dispose(&x.xpath);
        devconf__buf_dispose(&x.fields);
        return r;
    }
    *xpath = x.xpath.len ? devconf__buf_steal(&x.xpath) : NULL;
    *fields = x.fields.len ? devconf__buf_steal(&x.fields) : NULL;
    devconf__buf_dispose(&x.xpath);
    devconf__buf_dispose(&x.fields);
    return 0;
}
