/* A small JSON reader for the few structures devconf reads without a YANG schema: RESTCONF
 * `errors` bodies and `yang-patch-status` (RFC 8040 7.1, RFC 8072 2.3). Data governed by YANG
 * is parsed with libyang instead. */
#include "devconf_p.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

struct parser {
    const char *p;
    const char *start;
    char *err;
    size_t errlen;
    size_t max_items; /* elements kept per array; 0: all */
};

static void fail(struct parser *ps, const char *what)
{
    if (ps->err && !ps->err[0]) {
        snprintf(ps->err, ps->errlen, "%s at offset %ld", what, (long)(ps->p - ps->start));
    }
}

static void skip_ws(struct parser *ps)
{
    while (*ps->p && isspace((unsigned char)*ps->p)) {
        ps->p++;
    }
}

static void put_utf8(devconf__buf *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    devconf__buf_append(b, u, n);
}

static int hex4(const char *s, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

static char *parse_string(struct parser *ps)
{
    if (*ps->p != '"') {
        fail(ps, "expected a string");
        return NULL;
    }
    ps->p++;
    devconf__buf b = { 0 };
    while (*ps->p != '"') {
        unsigned char c = (unsigned char)*ps->p;
        if (!c || c < 0x20) {
            fail(ps, "unterminated string or control character in string");
            devconf__buf_dispose(&b);
            return NULL;
        }
        if (c == '\\') {
            ps->p++;
            char e = *ps->p;
            const char *map = "\"\"\\\\//b\bf\fn\nr\rt\t";
            const char *m = e ? strchr(map, e) : NULL;
            if (e == 'u') {
                unsigned cp;
                if (hex4(ps->p + 1, &cp) < 0) {
                    fail(ps, "bad \\u escape");
                    devconf__buf_dispose(&b);
                    return NULL;
                }
                ps->p += 4;
                if (cp >= 0xD800 && cp < 0xDC00 && ps->p[1] == '\\' && ps->p[2] == 'u') {
                    unsigned lo;
                    if (hex4(ps->p + 3, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        ps->p += 6;
                    }
                }
                if (cp == 0) {
                    fail(ps, "NUL character in string");
                    devconf__buf_dispose(&b);
                    return NULL;
                }
                put_utf8(&b, cp);
            } else if (m && (m - map) % 2 == 0) {
                devconf__buf_append(&b, m + 1, 1);
            } else {
                fail(ps, "bad escape in string");
                devconf__buf_dispose(&b);
                return NULL;
            }
            ps->p++;
        } else {
            devconf__buf_append(&b, ps->p, 1);
            ps->p++;
        }
    }
    ps->p++;
    if (b.failed) {
        devconf__buf_dispose(&b);
        fail(ps, "out of memory");
        return NULL;
    }
    char *s = b.data ? b.data : strdup("");
    return s;
}

static devconf__json *parse_value(struct parser *ps, int depth);

/* Checks a value like parse_value without building it; -1 with the reason in ps on failure. */
static int skip_value(struct parser *ps, int depth)
{
    if (depth > MAX_DEPTH) {
        fail(ps, "nested too deeply");
        return -1;
    }
    skip_ws(ps);
    char c = *ps->p;
    if (c == '"') {
        for (ps->p++; *ps->p != '"'; ps->p++) {
            unsigned char u = (unsigned char)*ps->p;
            if (!u || u < 0x20) {
                fail(ps, "unterminated string or control character in string");
                return -1;
            }
            if (u == '\\') {
                ps->p++;
                if (!*ps->p || !strchr("\"\\/bfnrtu", *ps->p)) {
                    fail(ps, "bad escape in string");
                    return -1;
                }
            }
        }
        ps->p++;
        return 0;
    }
    if (c == '{' || c == '[') {
        bool object = c == '{';
        ps->p++;
        skip_ws(ps);
        if (*ps->p == (object ? '}' : ']')) {
            ps->p++;
            return 0;
        }
        for (;;) {
            skip_ws(ps);
            if (object) {
                if (*ps->p != '"' || skip_value(ps, depth + 1) < 0) {
                    fail(ps, "expected a string");
                    return -1;
                }
                skip_ws(ps);
                if (*ps->p != ':') {
                    fail(ps, "expected ':'");
                    return -1;
                }
                ps->p++;
            }
            if (skip_value(ps, depth + 1) < 0) {
                return -1;
            }
            skip_ws(ps);
            if (*ps->p == ',') {
                ps->p++;
                continue;
            }
            if (*ps->p == (object ? '}' : ']')) {
                ps->p++;
                return 0;
            }
            fail(ps, object ? "expected ',' or '}'" : "expected ',' or ']'");
            return -1;
        }
    }
    devconf__json *scalar = parse_value(ps, depth); /* a number or a word: small */
    devconf__json_free(scalar);
    return scalar ? 0 : -1;
}

static devconf__json *new_node(devconf__json_type t)
{
    devconf__json *j = calloc(1, sizeof *j);
    if (j) {
        j->type = t;
    }
    return j;
}

static devconf__json *parse_container(struct parser *ps, int depth, bool object)
{
    devconf__json *j = new_node(object ? DEVCONF_JSON_OBJECT : DEVCONF_JSON_ARRAY);
    if (!j) {
        fail(ps, "out of memory");
        return NULL;
    }
    ps->p++;
    skip_ws(ps);
    devconf__json **tail = &j->child;
    if (*ps->p == (object ? '}' : ']')) {
        ps->p++;
        return j;
    }
    for (;;) {
        char *key = NULL;
        skip_ws(ps);
        if (object) {
            if (!(key = parse_string(ps))) {
                goto error;
            }
            skip_ws(ps);
            if (*ps->p != ':') {
                free(key);
                fail(ps, "expected ':'");
                goto error;
            }
            ps->p++;
        }
        if (!object && ps->max_items && j->count == ps->max_items) {
            /* past the cap: checked, not kept (and nothing allocated for it) */
            if (skip_value(ps, depth + 1) < 0) {
                goto error;
            }
            j->dropped++;
        } else {
            devconf__json *v = parse_value(ps, depth + 1);
            if (!v) {
                free(key);
                goto error;
            }
            v->key = key;
            *tail = v;
            tail = &v->next;
            j->count++;
        }
        skip_ws(ps);
        if (*ps->p == ',') {
            ps->p++;
            continue;
        }
        if (*ps->p == (object ? '}' : ']')) {
            ps->p++;
            return j;
        }
        fail(ps, object ? "expected ',' or '}'" : "expected ',' or ']'");
        goto error;
    }
error:
    devconf__json_free(j);
    return NULL;
}

static devconf__json *parse_value(struct parser *ps, int depth)
{
    if (depth > MAX_DEPTH) {
        fail(ps, "nested too deeply");
        return NULL;
    }
    skip_ws(ps);
    char c = *ps->p;
    if (c == '{' || c == '[') {
        return parse_container(ps, depth, c == '{');
    }
    if (c == '"') {
        char *s = parse_string(ps);
        devconf__json *j = s ? new_node(DEVCONF_JSON_STRING) : NULL;
        if (!j) {
            free(s);
            return NULL;
        }
        j->str = s;
        return j;
    }
    static const struct { const char *word; devconf__json_type t; } words[] = {
        { "true", DEVCONF_JSON_TRUE }, { "false", DEVCONF_JSON_FALSE }, { "null", DEVCONF_JSON_NULL },
    };
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(words[i].word);
        if (!strncmp(ps->p, words[i].word, n)) {
            ps->p += n;
            return new_node(words[i].t);
        }
    }
    if (c == '-' || isdigit((unsigned char)c)) {
        const char *s = ps->p;
        if (*ps->p == '-') {
            ps->p++;
        }
        while (isdigit((unsigned char)*ps->p) || strchr(".eE+-", *ps->p)) {
            if (!*ps->p) {
                break;
            }
            ps->p++;
        }
        devconf__json *j = new_node(DEVCONF_JSON_NUMBER);
        if (!j || !(j->str = strndup(s, (size_t)(ps->p - s)))) {
            free(j);
            fail(ps, "out of memory");
            return NULL;
        }
        return j;
    }
    fail(ps, c ? "unexpected character" : "unexpected end of text");
    return NULL;
}

int devconf__json_parse(const char *text, devconf__json **out, char *err, size_t errlen)
{
    return devconf__json_parse_limited(text, 0, out, err, errlen);
}

int devconf__json_parse_limited(const char *text, size_t max_items, devconf__json **out, char *err, size_t errlen)
{
    *out = NULL;
    if (err && errlen) {
        err[0] = '\0';
    }
    struct parser ps = { text, text, err, errlen, max_items };
    devconf__json *j = parse_value(&ps, 0);
    if (!j) {
        return -1;
    }
    skip_ws(&ps);
    if (*ps.p) {
        fail(&ps, "trailing characters after the value");
        devconf__json_free(j);
        return -1;
    }
    *out = j;
    return 0;
}

void devconf__json_free(devconf__json *j)
{
    while (j) {
        devconf__json *next = j->next;
        devconf__json_free(j->child);
        free(j->key);
        free(j->str);
        free(j);
        j = next;
    }
}

const devconf__json *devconf__json_get(const devconf__json *obj, const char *key)
{
    if (!obj || obj->type != DEVCONF_JSON_OBJECT) {
        return NULL;
    }
    for (const devconf__json *c = obj->child; c; c = c->next) {
        if (!strcmp(c->key, key)) {
            return c;
        }
    }
    /* a member name may be module-qualified ("ietf-restconf:errors") or not */
    for (const devconf__json *c = obj->child; c; c = c->next) {
        const char *colon = strchr(c->key, ':');
        const char *kc = strchr(key, ':');
        if (colon && !kc && !strcmp(colon + 1, key)) {
            return c;
        }
        if (kc && !colon && !strcmp(kc + 1, c->key)) {
            return c;
        }
    }
    return NULL;
}

const char *devconf__json_str(const devconf__json *obj, const char *key)
{
    const devconf__json *v = devconf__json_get(obj, key);
    return v && (v->type == DEVCONF_JSON_STRING || v->type == DEVCONF_JSON_NUMBER) ? v->str : NULL;
}

static void print(devconf__buf *b, const devconf__json *j)
{
    switch (j->type) {
    case DEVCONF_JSON_NULL: devconf__buf_puts(b, "null"); break;
    case DEVCONF_JSON_TRUE: devconf__buf_puts(b, "true"); break;
    case DEVCONF_JSON_FALSE: devconf__buf_puts(b, "false"); break;
    case DEVCONF_JSON_NUMBER: devconf__buf_puts(b, j->str); break;
    case DEVCONF_JSON_STRING:
        devconf__buf_puts(b, "\"");
        for (const unsigned char *p = (const unsigned char *)j->str; *p; p++) {
            if (*p == '"' || *p == '\\') {
                devconf__buf_printf(b, "\\%c", *p);
            } else if (*p < 0x20) {
                devconf__buf_printf(b, "\\u%04x", *p);
            } else {
                devconf__buf_append(b, (const char *)p, 1);
            }
        }
        devconf__buf_puts(b, "\"");
        break;
    case DEVCONF_JSON_ARRAY:
    case DEVCONF_JSON_OBJECT:
        devconf__buf_puts(b, j->type == DEVCONF_JSON_OBJECT ? "{" : "[");
        for (const devconf__json *c = j->child; c; c = c->next) {
            if (j->type == DEVCONF_JSON_OBJECT) {
                devconf__json k = { .type = DEVCONF_JSON_STRING, .str = c->key };
                print(b, &k);
                devconf__buf_puts(b, ":");
            }
            print(b, c);
            if (c->next) {
                devconf__buf_puts(b, ",");
            }
        }
        devconf__buf_puts(b, j->type == DEVCONF_JSON_OBJECT ? "}" : "]");
        break;
    }
}

char *devconf__json_print(const devconf__json *j)
{
    devconf__buf b = { 0 };
    print(&b, j);
    return devconf__buf_steal(&b);
}
