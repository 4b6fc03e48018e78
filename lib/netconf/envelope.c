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

/* Offset of the first byte of s that is not part of well-formed UTF-8 (RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF) or is NUL (never allowed in XML; it would also cut the
 * text short for every C string reader after devconf); len when there is none. ASCII goes eight
 * bytes at a time. */
static size_t utf8_check(const char *s, size_t len, bool *nul)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    *nul = false;
    while (p < end) {
        if (end - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            /* no byte >= 0x80 and no zero byte: eight ASCII characters */
            if (!(w & 0x8080808080808080ull) && !((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull)) {
                p += 8;
                continue;
            }
        }
        unsigned char c = *p;
        if (c < 0x80) {
            if (!c) {
                *nul = true;
                break;
            }
            p++;
            continue;
        }
        size_t n;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
            lo = c == 0xE0 ? 0xA0 : 0x80;
            hi = c == 0xED ? 0x9F : 0xBF;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
            lo = c == 0xF0 ? 0x90 : 0x80;
            hi = c == 0xF4 ? 0x8F : 0xBF;
        } else {
            break;
        }
        if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi) {
            break;
        }
        size_t i = 2;
        while (i < n && p[i] >= 0x80 && p[i] <= 0xBF) {
            i++;
        }
        if (i < n) {
            break;
        }
        p += n;
    }
    return (size_t)(p - (const unsigned char *)s);
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
    if (env->ns_count == env->ns_cap) {
        size_t cap = env->ns_cap ? env->ns_cap * 2 : 16;
        devconf__nc_nsdecl *d = realloc(env->ns, cap * sizeof *d);
        if (!d) {
            return devconf__error_oom();
        }
        env->ns = d;
        env->ns_cap = cap;
    }
    devconf__nc_nsdecl *d = env->ns;
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
    bool nul;
    size_t valid = utf8_check(msg, len, &nul);
    if (valid < len) {
        /* XML is UTF-8 here (RFC 6241 section 3): anything else is no XML, and never passed on */
        return bad(nul ? "a NUL byte, not allowed in XML" : "bytes that are not UTF-8", valid);
    }
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
    if (r < 0) {
        devconf__nc_env_dispose(out);
    }
    return r;
}

void devconf__nc_env_dispose(devconf__nc_env *env)
{
    free(env->ns);
    env->ns = NULL;
    env->ns_count = env->ns_cap = 0;
}

/* ---- the <data> content as self-contained text ---- */

/* A prefix as written: (pointer, length); the default namespace has length 0. */
static int prefix_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    return c ? c : (alen > blen) - (alen < blen);
}

/* Declarations ordered by prefix, the innermost (the later one) first among equal prefixes. */
static int decl_ptr_cmp(const void *x, const void *y)
{
    const devconf__nc_nsdecl *a = *(const devconf__nc_nsdecl *const *)x, *b = *(const devconf__nc_nsdecl *const *)y;
    int c = prefix_cmp(a->prefix, a->prefix_len, b->prefix, b->prefix_len);
    return c ? c : (a < b) - (a > b);
}

/* Innermost first: the order the declarations are written in. */
static int decl_pos_cmp(const void *x, const void *y)
{
    const devconf__nc_nsdecl *a = *(const devconf__nc_nsdecl *const *)x, *b = *(const devconf__nc_nsdecl *const *)y;
    return (a < b) - (a > b);
}

/* The prefixes a start tag declares itself (grown as needed). */
struct own_decls {
    devconf__nc_nsdecl *d;
    size_t n, cap;
};

static int collect_own(void *arg, const char *a, const char *a_end, const char *name, size_t name_len, const char *v,
                       size_t vlen)
{
    (void)a;
    (void)a_end;
    (void)v;
    (void)vlen;
    struct own_decls *o = arg;
    if (!is_nsdecl(name, name_len)) {
        return 0;
    }
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 16;
        devconf__nc_nsdecl *d = realloc(o->d, cap * sizeof *d);
        if (!d) {
            return devconf__error_oom();
        }
        o->d = d;
        o->cap = cap;
    }
    o->d[o->n].prefix = name_len > 6 ? name + 6 : name + 5;
    o->d[o->n].prefix_len = name_len > 6 ? name_len - 6 : 0;
    o->n++;
    return 0;
}

static int own_cmp(const void *x, const void *y)
{
    const devconf__nc_nsdecl *a = x, *b = y;
    return prefix_cmp(a->prefix, a->prefix_len, b->prefix, b->prefix_len);
}

/* Every step here is O(n log n) or linear in what is written: a device controls how many
 * declarations the envelope holds (one reply of a few MB can hold 100,000) and how many top-level
 * elements the data has, and the text written (declarations times elements) is bounded by max. */
char *devconf__nc_env_data(const char *msg, const devconf__nc_env *env, uint64_t max, size_t *len)
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
    const devconf__nc_nsdecl **inherit = NULL;
    size_t ni = 0;
    if (env->ns_count) {
        if (!(inherit = malloc(env->ns_count * sizeof *inherit))) {
            devconf__error_oom();
            return NULL;
        }
        for (size_t i = 0; i < env->ns_count; i++) {
            inherit[i] = &env->ns[i];
        }
        qsort(inherit, env->ns_count, sizeof *inherit, decl_ptr_cmp);
        for (size_t i = 0; i < env->ns_count; i++) {
            if (!ni || prefix_cmp(inherit[ni - 1]->prefix, inherit[ni - 1]->prefix_len, inherit[i]->prefix,
                                  inherit[i]->prefix_len)) {
                inherit[ni++] = inherit[i];
            }
        }
        qsort(inherit, ni, sizeof *inherit, decl_pos_cmp);
    }
    struct own_decls own = { 0 };
    devconf__buf b = { 0 };
    int depth = 0;
    bool fail = false;
    while (p < end && !fail) {
        if (b.len > max) {
            devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EPROTO,
                               "the data grows past the session's limit of %llu bytes (max_reply_bytes) once each of "
                               "its top-level elements declares the %zu namespace prefixes it inherits from the "
                               "reply", (unsigned long long)max, ni);
            fail = true;
            break;
        }
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
        own.n = 0;
        int r = parse_tag(msg, lt, end, &t, depth == 0 && ni ? collect_own : NULL, &own);
        if (r < 0 && devconf_error_code(devconf_error_last()) == DEVCONF_ENOMEM) {
            fail = true;
            break;
        }
        if (r < 0) {
            devconf__error_clear(); /* scanned before: cannot happen; copy the rest as is */
            devconf__buf_append(&b, lt, (size_t)(end - lt));
            break;
        }
        if (depth == 0 && ni) {
            devconf__buf_append(&b, lt, (size_t)(t.name + t.name_len - lt));
            if (own.n) {
                qsort(own.d, own.n, sizeof *own.d, own_cmp);
            }
            for (size_t k = 0; k < ni; k++) {
                if (!own.n || !bsearch(inherit[k], own.d, own.n, sizeof *own.d, own_cmp)) {
                    devconf__buf_puts(&b, " ");
                    devconf__buf_append(&b, inherit[k]->attr, inherit[k]->attr_len);
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
    free(own.d);
    free(inherit);
    if (!fail && b.len > max) {
        devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EPROTO,
                           "the data grows past the session's limit of %llu bytes (max_reply_bytes) once each of "
                           "its top-level elements declares the %zu namespace prefixes it inherits from the reply",
                           (unsigned long long)max, ni);
        fail = true;
    }
    if (fail) {
        devconf__buf_dispose(&b);
        return NULL;
    }
    if (b.len) {
        devconf__buf_puts(&b, "\n"); /* as libyang prints: a final newline */
    }
    if (!b.data && !b.failed) {
        devconf__buf_puts(&b, "");
    }
    *len = b.len;
    return devconf__buf_steal(&b);
}
