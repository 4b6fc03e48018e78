/* RESTCONF error bodies: ietf-restconf:errors (JSON and XML, RFC 8040 7.1) and yang-patch-status
 * (RFC 8072 2.3) turned into the rpc-error entries and the one-line message of the error object;
 * at most DEVCONF_RC_MAX_RPC_ERRORS entries are kept, and device text is made safe to print. */
#include "restconf_p.h"
#include "yang/yang_p.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

/* ---- device text ---- */

/* Length of the valid UTF-8 sequence at p (1 to 4), or 0 when p does not start one. */
static size_t utf8_len(const unsigned char *p)
{
    if (p[0] < 0x80) {
        return 1;
    }
    unsigned char lo = 0x80, hi = 0xBF;
    size_t n;
    if (p[0] >= 0xC2 && p[0] <= 0xDF) {
        n = 2;
    } else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        n = 3;
        lo = p[0] == 0xE0 ? 0xA0 : 0x80;
        hi = p[0] == 0xED ? 0x9F : 0xBF;
    } else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        n = 4;
        lo = p[0] == 0xF0 ? 0x90 : 0x80;
        hi = p[0] == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (p[1] < lo || p[1] > hi) {
        return 0;
    }
    for (size_t i = 2; i < n; i++) {
        if (p[i] < 0x80 || p[i] > 0xBF) {
            return 0;
        }
    }
    return n;
}

void devconf__rc_buf_clean(devconf__buf *b, const char *text, size_t max)
{
    size_t start = b->len;
    for (const unsigned char *p = (const unsigned char *)text; *p;) {
        if (b->len - start >= max) {
            devconf__buf_puts(b, "...");
            return;
        }
        size_t n = utf8_len(p);
        unsigned cp = n == 2 ? (unsigned)((p[0] & 0x1F) << 6 | (p[1] & 0x3F)) : p[0];
        if (n == 0) {
            devconf__buf_printf(b, "\\x%02X", p[0]); /* not UTF-8 */
            p++;
        } else if (n == 1 && (*p == '\n' || *p == '\r' || *p == '\t')) {
            devconf__buf_puts(b, " "); /* one line */
            p++;
        } else if ((n == 1 && (cp < 0x20 || cp == 0x7F)) || (n == 2 && cp >= 0x80 && cp <= 0x9F)) {
            devconf__buf_printf(b, "\\u%04X", cp); /* C0, DEL, C1: never raw to a terminal */
            p += n;
        } else {
            devconf__buf_append(b, (const char *)p, n);
            p += n;
        }
    }
}

size_t devconf__rc_utf8_check(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        /* utf8_len reads up to 4 bytes: near the end, from a copy padded with NULs (never UTF-8
         * continuation bytes, so a sequence cut by the end is not UTF-8) */
        unsigned char tail[4] = { 0 };
        if (end - p < 4) {
            memcpy(tail, p, (size_t)(end - p));
        }
        size_t n = utf8_len(end - p < 4 ? tail : p);
        if (!n || n > (size_t)(end - p)) {
            return (size_t)(p - (const unsigned char *)s);
        }
        p += n;
    }
    return len;
}

/* A copy of s with every byte that is not UTF-8 replaced by U+FFFD, or NULL when s is valid. */
static char *utf8_repaired(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p && utf8_len(p)) {
        p += utf8_len(p);
    }
    if (!*p) {
        return NULL;
    }
    devconf__buf b = { 0 };
    for (p = (const unsigned char *)s; *p;) {
        size_t n = utf8_len(p);
        if (n) {
            devconf__buf_append(&b, (const char *)p, n);
            p += n;
        } else {
            devconf__buf_puts(&b, "\xEF\xBF\xBD");
            p++;
        }
    }
    return devconf__buf_steal(&b);
}

/* Counts what one reply carried: entries kept, and entries past the cap. */
struct tally {
    size_t kept, dropped;
};

/* Adds one entry (fields may be NULL; text that is not UTF-8 is repaired) unless the cap is
 * reached; returns -1 on allocation failure. */
static int add_entry(struct tally *t, const char *type, const char *tag, const char *app_tag, const char *path,
                     const char *message, const char *info)
{
    if (t->kept >= DEVCONF_RC_MAX_RPC_ERRORS) {
        t->dropped++;
        return 0;
    }
    const char *in[] = { type, tag, app_tag, path, message, info };
    char *fixed[6] = { 0 };
    for (size_t i = 0; i < 6; i++) {
        fixed[i] = in[i] ? utf8_repaired(in[i]) : NULL;
    }
    struct devconf_rpc_error re = {
        .type = fixed[0] ? fixed[0] : (char *)type,
        .tag = fixed[1] ? fixed[1] : (char *)tag,
        .app_tag = fixed[2] ? fixed[2] : (char *)app_tag,
        .path = fixed[3] ? fixed[3] : (char *)path,
        .message = fixed[4] ? fixed[4] : (char *)message,
        .info_xml = fixed[5] ? fixed[5] : (char *)info,
        .severity = "error",
    };
    int r = devconf__error_add_rpc_error(&re);
    for (size_t i = 0; i < 6; i++) {
        free(fixed[i]);
    }
    if (r < 0) {
        return -1;
    }
    t->kept++;
    return 0;
}

/* ---- JSON ---- */

/* An error object of a JSON errors list. */
static int add_json_error(struct tally *t, const devconf__json *e)
{
    char *info = NULL;
    const devconf__json *ij = devconf__json_get(e, "error-info");
    if (ij && t->kept < DEVCONF_RC_MAX_RPC_ERRORS && !(info = devconf__json_print(ij))) {
        return -1;
    }
    /* error-info stays JSON text: the encoding the device used */
    int r = add_entry(t, devconf__json_str(e, "error-type"), devconf__json_str(e, "error-tag"),
                      devconf__json_str(e, "error-app-tag"), devconf__json_str(e, "error-path"),
                      devconf__json_str(e, "error-message"), info);
    free(info);
    return r;
}

/* The entries of an "error" member (a list, or one object); its dropped elements count too. */
static int add_json_errors(struct tally *t, const devconf__json *errs)
{
    if (!errs) {
        return 0;
    }
    if (errs->type != DEVCONF_JSON_ARRAY) {
        return add_json_error(t, errs);
    }
    for (const devconf__json *e = errs->child; e; e = e->next) {
        if (add_json_error(t, e) < 0) {
            return -1;
        }
    }
    t->dropped += errs->dropped;
    return 0;
}

/* The errors of a yang-patch-status body: global ones, then each edit's. */
static int add_patch_status(struct tally *t, const devconf__json *st)
{
    if (add_json_errors(t, devconf__json_get(devconf__json_get(st, "errors"), "error")) < 0) {
        return -1;
    }
    const devconf__json *edits = devconf__json_get(devconf__json_get(st, "edit-status"), "edit");
    for (const devconf__json *ed = edits ? edits->child : NULL; ed; ed = ed->next) {
        if (add_json_errors(t, devconf__json_get(devconf__json_get(ed, "errors"), "error")) < 0) {
            return -1;
        }
    }
    return 0;
}

/* ---- XML ---- */

/* When an XML errors body holds more than the cap of <error> elements: a copy cut after the last
 * one kept and closed again (so libyang never builds a tree of all of them), and how many the
 * body had. NULL when the body is within the cap (or has no recognisable root). */
static char *xml_cut(const char *body, size_t *total)
{
    *total = 0;
    const char *p = body;
    while ((p = strchr(p, '<')) && (p[1] == '?' || p[1] == '!')) {
        p = strchr(p, '>');
        if (!p) {
            return NULL;
        }
    }
    if (!p) {
        return NULL;
    }
    size_t rootlen = strcspn(p + 1, " \t\r\n/>");
    const char *cut = NULL;
    /* one pass over the body (no strstr per tag: linear whatever the body holds) */
    for (const char *c = p; *c; c++) {
        if (c[0] != '<' || c[1] != '/') {
            continue;
        }
        const char *name = c + 2, *end = name, *local = name;
        while (*end && *end != '>' && *end != ' ' && *end != '\t' && *end != '\r' && *end != '\n') {
            if (*end++ == ':') {
                local = end;
            }
        }
        if (end - local == 5 && !strncmp(local, "error", 5) && ++*total == DEVCONF_RC_MAX_RPC_ERRORS) {
            cut = strchr(end, '>');
        }
        c = end - 1;
    }
    if (*total <= DEVCONF_RC_MAX_RPC_ERRORS || !cut) {
        return NULL;
    }
    devconf__buf out = { 0 };
    devconf__buf_append(&out, body, (size_t)(cut + 1 - body));
    devconf__buf_puts(&out, "</");
    devconf__buf_append(&out, p + 1, rootlen);
    devconf__buf_puts(&out, ">");
    return devconf__buf_steal(&out);
}

static int add_xml_errors(devconf_session *s, struct tally *t, const char *body)
{
    struct ly_ctx *ly = devconf__rc_st(s)->ly;
    if (!ly) {
        return 0; /* still opening: no context to parse XML with yet */
    }
    size_t total = 0;
    char *cut = xml_cut(body, &total);
    struct lyd_node *tree = NULL;
    int r = 0;
    if (devconf__lyd_parse_xml(ly, cut ? cut : body, LYD_PARSE_ONLY | LYD_PARSE_OPAQ, &tree) == LY_SUCCESS && tree) {
        for (const struct lyd_node *e = lyd_child(tree); e && r == 0; e = e->next) {
            if (strcmp(devconf__node_name(e), "error")) {
                continue;
            }
            char *info = NULL;
            const struct lyd_node *in = devconf__child_named(e, "error-info");
            if (in) {
                lyd_print_mem(&info, in, LYD_XML, LYD_PRINT_SHRINK);
            }
            r = add_entry(t, devconf__child_value(e, "error-type"), devconf__child_value(e, "error-tag"),
                          devconf__child_value(e, "error-app-tag"), devconf__child_value(e, "error-path"),
                          devconf__child_value(e, "error-message"), info);
            free(info);
        }
        if (cut && t->kept) {
            t->dropped += total - t->kept;
        }
    }
    ly_err_clean(ly, NULL);
    lyd_free_all(tree);
    free(cut);
    return r;
}

/* ---- the error of a reply ---- */

/* Adds the entries of an error body (JSON or XML errors, or a yang-patch-status). */
static void collect(devconf_session *s, const devconf__rc_resp *r, struct tally *t)
{
    const char *body = r->body.data ? devconf__skip_ws(r->body.data) : "";
    if (*body == '{') {
        devconf__json *j = NULL;
        if (devconf__json_parse_limited(body, DEVCONF_RC_MAX_RPC_ERRORS, &j, NULL, 0) < 0) {
            return;
        }
        const devconf__json *st = devconf__json_get(j, "ietf-yang-patch:yang-patch-status");
        if (st) {
            add_patch_status(t, st);
        } else {
            add_json_errors(t, devconf__json_get(devconf__json_get(j, "ietf-restconf:errors"), "error"));
        }
        devconf__json_free(j);
    } else if (*body == '<') {
        add_xml_errors(s, t, body);
    }
}

int devconf__rc_status_error(devconf_session *s, const devconf__rc_resp *r, const char *what)
{
    int code = r->status == 401 || r->status == 403 ? DEVCONF_EAUTH : DEVCONF_ERPC;
    devconf__error_set(DEVCONF_ORIGIN_RESTCONF, code, "%s", what);
    devconf__error_set_http_status((int)r->status);
    struct tally t = { 0 };
    collect(s, r, &t);
    if (devconf_error_code(devconf_error_last()) != code) {
        return devconf_error_code(devconf_error_last()); /* out of memory */
    }
    const devconf_rpc_error *first = devconf_error_rpc_error(devconf_error_last(), 0);
    devconf__buf m = { 0 };
    if (first) {
        const char *msg = devconf_rpc_error_message(first), *tag = devconf_rpc_error_tag(first);
        const char *path = devconf_rpc_error_path(first);
        devconf__buf_printf(&m, "%s: %s refused it with HTTP %ld: ", what, s->host, r->status);
        devconf__rc_buf_clean(&m, msg ? msg : tag ? tag : "no message", 500);
        devconf__buf_puts(&m, " (");
        devconf__rc_buf_clean(&m, tag ? tag : "no tag", 100);
        if (path) {
            devconf__buf_puts(&m, ", path ");
            devconf__rc_buf_clean(&m, path, 300);
        }
        devconf__buf_puts(&m, ")");
        size_t more = t.kept + t.dropped - 1;
        if (more) {
            devconf__buf_printf(&m, " and %zu more error%s", more, more > 1 ? "s" : "");
        }
        if (t.dropped) {
            devconf__buf_printf(&m, " (only the first %d are kept: %zu dropped)", DEVCONF_RC_MAX_RPC_ERRORS,
                                t.dropped);
        }
    } else {
        /* not a RESTCONF error body: quote the start of whatever came */
        devconf__buf_printf(&m, "%s: %s answered HTTP %ld without a RESTCONF error body", what, s->host, r->status);
        if (r->body.data && *devconf__skip_ws(r->body.data)) {
            devconf__buf_puts(&m, ": ");
            devconf__rc_buf_clean(&m, devconf__skip_ws(r->body.data), 160);
        }
    }
    if (!m.failed && m.data) {
        devconf__error_set_message("%s", m.data);
    }
    devconf__buf_dispose(&m);
    return code;
}
