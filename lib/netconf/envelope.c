/* The envelope of a NETCONF message, read without building a tree: what the root is, its
 * message-id, what a reply holds (<ok/>, <rpc-error>, <data>, output), where the <data> content
 * lies and which namespace declarations it inherits. The whole message is checked on the way:
 * balanced tags, nesting bounded, no DTD (no entity expansion, no external entities). The bytes come
 * from the device: every access is bounded by the message's length. No I/O: fuzzed on its own. */
#include "netconf/netconf_p.h"

#include <stdlib.h>
#include <string.h>

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool name_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.' || c == ':' || c >= 0x80;
}

static int bad(const char *what, size_t offset)
{
    return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EPROTO, "malformed NETCONF message: %s (at byte %zu)",
                              what, offset);
}

typedef struct tag {
    const char *name;       /* qualified name */
    size_t name_len;
    const char *end;        /* the '>' */
    bool self_closing;
} tag;

/* Called for each attribute of a start tag: full attribute text [a, a_end), its name and value. */
typedef int (*attr_cb)(void *arg, const char *a, const char *a_end, const char *name, size_t name_len,
                       const char *value, size_t value_len);

/* Parses the start tag at lt ('<' then a name) up to its '>'. */
static int parse_tag(const char *base, const char *lt, const char *end, tag *t, attr_cb cb, void *arg)
{
    const char *p = lt + 1;
    t->name = p;
    while (p < end && name_char((unsigned char)*p)) {
        p++;
    }
    t->name_len = (size_t)(p - t->name);
    if (!t->name_len || t->name[0] == '-' || t->name[0] == '.' || (t->name[0] >= '0' && t->name[0] <= '9')) {
        return bad("a start tag without a valid name", (size_t)(lt - base));
    }
    for (;;) {
        const char *ws = p;
        while (p < end && is_ws(*p)) {
            p++;
        }
        if (p >= end) {
            return bad("a start tag that never ends", (size_t)(lt - base));
        }
        if (*p == '>') {
            t->end = p;
            t->self_closing = false;
            return 0;
        }
        if (*p == '/') {
            if (p + 1 >= end || p[1] != '>') {
                return bad("'/' inside a start tag", (size_t)(p - base));
            }
            t->end = p + 1;
            t->self_closing = true;
            return 0;
        }
        if (p == ws) {
            return bad("attributes must be separated by white space", (size_t)(p - base));
        }
        const char *a = p;
        while (p < end && name_char((unsigned char)*p)) {
            p++;
        }
        size_t alen = (size_t)(p - a);
        if (!alen) {
            return bad("an attribute without a name", (size_t)(p - base));
        }
        while (p < end && is_ws(*p)) {
            p++;
        }
        if (p >= end || *p != '=') {
            return bad("an attribute without a value", (size_t)(p - base));
        }
        p++;
        while (p < end && is_ws(*p)) {
            p++;
        }
        if (p >= end || (*p != '"' && *p != '\'')) {
            return bad("an attribute value without quotes", (size_t)(p - base));
        }
        char q = *p++;
        const char *v = p;
        const char *close = memchr(p, q, (size_t)(end - p));
        if (!close) {
            return bad("an attribute value that never ends", (size_t)(v - base));
        }
        if (memchr(v, '<', (size_t)(close - v))) {
            return bad("'<' inside an attribute value", (size_t)(v - base));
        }
        p = close + 1;
        if (cb) {
            int r = cb(arg, a, p, a, alen, v, (size_t)(close - v));
            if (r < 0) {
                return r;
            }
        }
    }
}

static size_t local_len(const char *name, size_t len, const char **local)
{
    const char *c = memchr(name, ':', len);
    *local = c ? c + 1 : name;
    return c ? len - (size_t)(c + 1 - name) : len;
}

static bool local_is(const tag *t, const char *want)
{
    const char *l;
    size_t n = local_len(t->name, t->name_len, &l);
    return n == strlen(want) && !memcmp(l, want, n);
}

struct scan_state {
    devconf__nc_env *env;
    int depth;
    bool collect_ns;
};

static int add_ns(devconf__nc_env *env, const char *a, const char *a_end, const char *name, size_t name_len)
{
    /* room doubles at 8, 16, 32...: a million declarations cost no million copies */
    devconf__nc_nsdecl *d = env->ns;
    size_t n = env->ns_count;
    if (n < 8 ? !n : !(n & (n - 1))) {
        if (!(d = realloc(env->ns, (n < 8 ? 8 : 2 * n) * sizeof *d))) {
            return devconf__error_oom();
        }
        env->ns = d;
    }
    d[env->ns_count].attr = a;
    d[env->ns_count].attr_len = (size_t)(a_end - a);
    d[env->ns_count].prefix = name_len > 6 ? name + 6 : name + 5;
    d[env->ns_count].prefix_len = name_len > 6 ? name_len - 6 : 0;
    env->ns_count++;
    return 0;
}

static bool is_nsdecl(const char *name, size_t len)
{
    return (len == 5 && !memcmp(name, "xmlns", 5)) || (len > 6 && !memcmp(name, "xmlns:", 6));
}

/* ---- the declarations the <data> content inherits ----
 *
 * Each top-level element of the content gets the innermost declaration of every prefix in scope
 * that it does not declare itself. Built on the heap and found by binary search (a device may put
 * a million declarations on the envelope), and bounded: the copies may add at most four times the
 * message's own size plus 1 MiB (linear in the reply, whose size max_reply_bytes bounds), or one
 * long declaration copied onto many small elements would turn a small reply into gigabytes. */

#define MAX_COPIED(len) ((uint64_t)(len) * 4 + (1u << 20))

typedef struct inherit {
    const devconf__nc_nsdecl **d; /* the innermost declaration of each prefix, in the order copied */
    size_t n;
    size_t *by_prefix;            /* indices into d, sorted by prefix */
    size_t *seen;                 /* per entry: the last element that declares that prefix itself */
    size_t element;               /* the element being looked at (1, 2, ...) */
    uint64_t all;                 /* bytes of all the copies (" " and the declaration) */
    uint64_t declared;            /* of those, the bytes the element makes unnecessary */
} inherit;

static int prefix_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    return c ? c : (alen > blen) - (alen < blen);
}

struct decl_ref {
    const devconf__nc_nsdecl *d;
    size_t index; /* in env->ns: later is inner */
};

static int decl_ref_cmp(const void *a, const void *b)
{
    const struct decl_ref *x = a, *y = b;
    int c = prefix_cmp(x->d->prefix, x->d->prefix_len, y->d->prefix, y->d->prefix_len);
    return c ? c : (x->index < y->index) - (x->index > y->index); /* the inner one first */
}

static void inherit_dispose(inherit *h)
{
    free(h->d);
    free(h->by_prefix);
    free(h->seen);
    memset(h, 0, sizeof *h);
}

static int inherit_init(inherit *h, const devconf__nc_env *env)
{
    memset(h, 0, sizeof *h);
    size_t n = env->ns_count;
    if (!n) {
        return 0;
    }
    struct decl_ref *refs = malloc(n * sizeof *refs);
    size_t *pos = malloc(n * sizeof *pos);
    h->d = malloc(n * sizeof *h->d);
    h->by_prefix = malloc(n * sizeof *h->by_prefix);
    h->seen = calloc(n, sizeof *h->seen);
    if (!refs || !pos || !h->d || !h->by_prefix || !h->seen) {
        free(refs);
        free(pos);
        inherit_dispose(h);
        return devconf__error_oom();
    }
    for (size_t i = 0; i < n; i++) {
        refs[i] = (struct decl_ref){ &env->ns[i], i };
        pos[i] = SIZE_MAX;
    }
    qsort(refs, n, sizeof *refs, decl_ref_cmp);
    /* the first of each prefix is the innermost: kept */
    for (size_t i = 0; i < n; i++) {
        if (!i || prefix_cmp(refs[i].d->prefix, refs[i].d->prefix_len, refs[i - 1].d->prefix,
                             refs[i - 1].d->prefix_len)) {
            pos[refs[i].index] = 0;
        }
    }
    /* in the order copied: <data>'s first, then the root's, each right to left (as before) */
    for (size_t i = n; i-- > 0;) {
        if (pos[i] == 0) {
            pos[i] = h->n;
            h->d[h->n++] = &env->ns[i];
            h->all += 1 + env->ns[i].attr_len;
        }
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (pos[refs[i].index] != SIZE_MAX) {
            h->by_prefix[k++] = pos[refs[i].index];
        }
    }
    free(refs);
    free(pos);
    return 0;
}

/* Attribute callback: marks the inherited declarations the element declares itself. */
static int inherit_mark(void *arg, const char *a, const char *a_end, const char *name, size_t name_len,
                        const char *v, size_t vlen)
{
    (void)a;
    (void)a_end;
    (void)v;
    (void)vlen;
    inherit *h = arg;
    if (!is_nsdecl(name, name_len)) {
        return 0;
    }
    const char *prefix = name_len > 6 ? name + 6 : name + 5;
    size_t plen = name_len > 6 ? name_len - 6 : 0;
    size_t lo = 0, hi = h->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const devconf__nc_nsdecl *d = h->d[h->by_prefix[mid]];
        int c = prefix_cmp(d->prefix, d->prefix_len, prefix, plen);
        if (c == 0) {
            size_t k = h->by_prefix[mid];
            if (h->seen[k] != h->element) {
                h->seen[k] = h->element;
                h->declared += 1 + h->d[k]->attr_len;
            }
            return 0;
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return 0;
}

/* Looks at the start tag at lt of a top-level element of the content: which inherited declarations
 * it lacks (h->seen) and how many bytes copying them adds. */
static uint64_t inherit_element(inherit *h, const char *base, const char *lt, const char *end)
{
    tag t;
    h->element++;
    h->declared = 0;
    if (parse_tag(base, lt, end, &t, inherit_mark, h) < 0) {
        devconf__error_clear(); /* scanned before: cannot happen */
    }
    return h->all - h->declared;
}

static int scan_attr(void *arg, const char *a, const char *a_end, const char *name, size_t name_len,
                     const char *value, size_t value_len)
{
    struct scan_state *st = arg;
    devconf__nc_env *env = st->env;
    if (st->depth == 0 && name_len == 10 && !memcmp(name, "message-id", 10)) {
        env->has_msgid = true;
        bool digits = value_len > 0 && value_len < sizeof env->msgid;
        for (size_t i = 0; digits && i < value_len; i++) {
            digits = value[i] >= '0' && value[i] <= '9';
        }
        if (digits) {
            memcpy(env->msgid, value, value_len);
            env->msgid[value_len] = '\0';
        } else {
            env->msgid_invalid = true;
        }
    }
    if (st->collect_ns && is_nsdecl(name, name_len)) {
        return add_ns(env, a, a_end, name, name_len);
    }
    return 0;
}

int devconf__nc_env_scan(const char *msg, size_t len, devconf__nc_env *out)
{
    memset(out, 0, sizeof *out);
    const char *p = msg, *end = msg + len;
    /* the open elements: offsets of their names (qualified), to check end tags */
    struct open {
        const char *name;
        size_t len;
    } *stack = NULL;
    size_t cap = 0;
    int depth = 0, r = 0;
    bool root_seen = false, root_closed = false, in_data = false;
    struct scan_state st = { out, 0, false };
    inherit h = { 0 };
    bool h_ready = false;
    uint64_t copied = 0; /* bytes devconf__nc_env_data will add to the content */
    while (p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        const char *text_end = lt ? lt : end;
        if (depth == 0) {
            for (const char *q = p; q < text_end; q++) {
                if (!is_ws(*q) && !(q == msg && text_end - q >= 3 && !memcmp(q, "\xef\xbb\xbf", 3))) {
                    r = bad(root_closed ? "text after the root element" : "text before the root element",
                            (size_t)(q - msg));
                    goto out;
                }
                if (q == msg && text_end - q >= 3 && !memcmp(q, "\xef\xbb\xbf", 3)) {
                    q += 2; /* a byte order mark */
                }
            }
        }
        if (!lt) {
            break;
        }
        size_t rest = (size_t)(end - lt);
        if (rest >= 4 && !memcmp(lt, "<!--", 4)) {
            const char *c = memmem(lt + 4, rest - 4, "-->", 3);
            if (!c) {
                r = bad("a comment that never ends", (size_t)(lt - msg));
                goto out;
            }
            p = c + 3;
        } else if (rest >= 9 && !memcmp(lt, "<![CDATA[", 9)) {
            const char *c = memmem(lt + 9, rest - 9, "]]>", 3);
            if (!c || depth == 0) {
                r = bad(c ? "CDATA outside the root element" : "a CDATA section that never ends", (size_t)(lt - msg));
                goto out;
            }
            p = c + 3;
        } else if (rest >= 2 && lt[1] == '?') {
            const char *c = memmem(lt + 2, rest - 2, "?>", 2);
            if (!c) {
                r = bad("a processing instruction that never ends", (size_t)(lt - msg));
                goto out;
            }
            p = c + 2;
        } else if (rest >= 2 && lt[1] == '!') {
            r = bad("a DTD or declaration (not allowed in NETCONF)", (size_t)(lt - msg));
            goto out;
        } else if (rest >= 2 && lt[1] == '/') {
            const char *n = lt + 2, *q = n;
            while (q < end && name_char((unsigned char)*q)) {
                q++;
            }
            size_t nlen = (size_t)(q - n);
            while (q < end && is_ws(*q)) {
                q++;
            }
            if (q >= end || *q != '>' || !nlen) {
                r = bad("a malformed end tag", (size_t)(lt - msg));
                goto out;
            }
            if (depth == 0 || stack[depth - 1].len != nlen || memcmp(stack[depth - 1].name, n, nlen)) {
                r = bad("an end tag that does not match its start tag", (size_t)(lt - msg));
                goto out;
            }
            depth--;
            if (depth == 1 && in_data) {
                out->data_end = (size_t)(lt - msg);
                in_data = false;
            }
            if (depth == 0) {
                root_closed = true;
            }
            p = q + 1;
        } else {
            if (root_closed) {
                r = bad("a second root element", (size_t)(lt - msg));
                goto out;
            }
            tag t;
            st.depth = depth;
            /* namespace declarations matter on the root and on the reply's <data> */
            st.collect_ns = depth == 0;
            if (depth == 1 && !out->has_data && out->kind == DEVCONF_NC_MSG_REPLY) {
                tag peek;
                if ((r = parse_tag(msg, lt, end, &peek, NULL, NULL)) < 0) {
                    goto out;
                }
                st.collect_ns = local_is(&peek, "data");
            }
            if ((r = parse_tag(msg, lt, end, &t, scan_attr, &st)) < 0) {
                goto out;
            }
            if (depth == 2 && in_data && out->ns_count) {
                /* a top-level element of the <data> content: the declarations copied onto it */
                if (!h_ready && (r = inherit_init(&h, out)) < 0) {
                    goto out;
                }
                h_ready = true;
                copied += inherit_element(&h, msg, lt, end);
                if (copied > MAX_COPIED(len)) {
                    r = bad("the namespace declarations the <data> content inherits would be copied onto its "
                            "elements past four times the message's size", (size_t)(lt - msg));
                    goto out;
                }
            }
            if (depth == 0) {
                root_seen = true;
                out->kind = local_is(&t, "rpc-reply")      ? DEVCONF_NC_MSG_REPLY
                            : local_is(&t, "notification") ? DEVCONF_NC_MSG_NOTIFICATION
                            : local_is(&t, "hello")        ? DEVCONF_NC_MSG_HELLO
                                                           : DEVCONF_NC_MSG_OTHER;
            } else if (depth == 1 && out->kind == DEVCONF_NC_MSG_REPLY) {
                if (local_is(&t, "ok")) {
                    out->has_ok = true;
                } else if (local_is(&t, "rpc-error")) {
                    out->has_error = true;
                } else if (local_is(&t, "data") && !out->has_data) {
                    out->has_data = true;
                    out->data_start = (size_t)(t.end + 1 - msg);
                    out->data_end = out->data_start;
                    in_data = !t.self_closing;
                } else {
                    out->has_other = true;
                }
            }
            if (!t.self_closing) {
                if (depth >= DEVCONF_NC_MAX_DEPTH) {
                    r = bad("elements nested deeper than 1000 levels", (size_t)(lt - msg));
                    goto out;
                }
                if ((size_t)depth == cap) {
                    size_t ncap = cap ? cap * 2 : 32;
                    struct open *s = realloc(stack, ncap * sizeof *s);
                    if (!s) {
                        r = devconf__error_oom();
                        goto out;
                    }
                    stack = s;
                    cap = ncap;
                }
                stack[depth].name = t.name;
                stack[depth].len = t.name_len;
                depth++;
            } else if (depth == 0) {
                root_closed = true;
            }
            p = t.end + 1;
        }
    }
    if (!root_seen) {
        r = bad("no element", len);
    } else if (depth) {
        r = bad("the message ends inside an element (truncated)", len);
    }
out:
    free(stack);
    inherit_dispose(&h);
    if (r < 0) {
        devconf__nc_env_dispose(out);
    }
    return r;
}

void devconf__nc_env_dispose(devconf__nc_env *env)
{
    free(env->ns);
    env->ns = NULL;
    env->ns_count = 0;
}

/* ---- the <data> content as self-contained text ---- */

char *devconf__nc_env_data(const char *msg, const devconf__nc_env *env, size_t *len)
{
    *len = 0;
    const char *p = msg + env->data_start, *end = msg + env->data_end;
    while (p < end && is_ws(*p)) {
        p++;
    }
    while (end > p && is_ws(end[-1])) {
        end--;
    }
    /* the innermost declaration of each prefix (the root's come first, then data's) */
    inherit h;
    if (inherit_init(&h, env) < 0) {
        return NULL;
    }
    devconf__buf b = { 0 };
    int depth = 0;
    while (p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        if (!lt) {
            devconf__buf_append(&b, p, (size_t)(end - p));
            break;
        }
        devconf__buf_append(&b, p, (size_t)(lt - p));
        size_t rest = (size_t)(end - lt);
        const char *skip = NULL;
        if (rest >= 4 && !memcmp(lt, "<!--", 4)) {
            skip = memmem(lt + 4, rest - 4, "-->", 3);
            skip = skip ? skip + 3 : end;
        } else if (rest >= 9 && !memcmp(lt, "<![CDATA[", 9)) {
            skip = memmem(lt + 9, rest - 9, "]]>", 3);
            skip = skip ? skip + 3 : end;
        } else if (rest >= 2 && lt[1] == '?') {
            skip = memmem(lt + 2, rest - 2, "?>", 2);
            skip = skip ? skip + 2 : end;
        } else if (rest >= 2 && lt[1] == '/') {
            skip = memchr(lt, '>', rest);
            skip = skip ? skip + 1 : end;
            depth--;
        }
        if (skip) {
            devconf__buf_append(&b, lt, (size_t)(skip - lt));
            p = skip;
            continue;
        }
        tag t;
        if (parse_tag(msg, lt, end, &t, NULL, NULL) < 0) {
            devconf__error_clear(); /* scanned before: cannot happen; copy the rest as is */
            devconf__buf_append(&b, lt, (size_t)(end - lt));
            break;
        }
        if (depth == 0 && h.n) {
            devconf__buf_append(&b, lt, (size_t)(t.name + t.name_len - lt));
            inherit_element(&h, msg, lt, end);
            for (size_t k = 0; k < h.n; k++) {
                if (h.seen[k] != h.element) {
                    devconf__buf_puts(&b, " ");
                    devconf__buf_append(&b, h.d[k]->attr, h.d[k]->attr_len);
                }
            }
            devconf__buf_append(&b, t.name + t.name_len, (size_t)(t.end + 1 - (t.name + t.name_len)));
        } else {
            devconf__buf_append(&b, lt, (size_t)(t.end + 1 - lt));
        }
        if (!t.self_closing) {
            depth++;
        }
        p = t.end + 1;
    }
    if (b.len) {
        devconf__buf_puts(&b, "\n"); /* as libyang prints: a final newline */
    }
    if (!b.data && !b.failed) {
        devconf__buf_puts(&b, "");
    }
    inherit_dispose(&h);
    *len = b.len;
    return devconf__buf_steal(&b);
}
