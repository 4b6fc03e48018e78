/* The bridge to libyang: payload parsing against the device's schemas, printing, and the
 * translation of libyang errors into devconf errors. */
#include "devconf_p.h"
#include "yang/yang_p.h"

#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

int devconf__detect_format(const char *text, devconf_format hint, devconf_format *out)
{
    const char *p = devconf__skip_ws(text);
    if (!p || !*p) {
        return devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EYANG, "empty payload");
    }
    if (hint == DEVCONF_FORMAT_XML || hint == DEVCONF_FORMAT_JSON) {
        *out = hint;
        return 0;
    }
    if (*p == '<') {
        *out = DEVCONF_FORMAT_XML;
    } else if (*p == '{') {
        *out = DEVCONF_FORMAT_JSON;
    } else {
        return devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EYANG,
                                  "payload is neither XML (starts with '<') nor JSON (starts with '{'): '%.20s'", p);
    }
    return 0;
}

int devconf__yang_error(const struct ly_ctx *ctx, int code, const char *what)
{
    const struct ly_err_item *e = ctx ? ly_err_last(ctx) : NULL;
    const char *captured = devconf__log_capture_last();
    if (e && e->msg) {
        if (e->path) {
            devconf__error_set(DEVCONF_ORIGIN_YANG, code, "%s: %s (data path %s)", what, e->msg, e->path);
        } else {
            devconf__error_set(DEVCONF_ORIGIN_YANG, code, "%s: %s", what, e->msg);
        }
    } else if (captured) {
        devconf__error_set(DEVCONF_ORIGIN_YANG, code, "%s: %s", what, captured);
    } else {
        devconf__error_set(DEVCONF_ORIGIN_YANG, code, "%s", what);
    }
    if (ctx) {
        ly_err_clean((struct ly_ctx *)ctx, NULL);
    }
    return code;
}

/* Unwraps <NAME ...>content</NAME> (any prefix): returns a pointer into text (and the length) of
 * the content, or text itself (length strlen(text)) when the root element is not NAME. */
const char *devconf__unwrap_element(const char *text, const char *wrapper, size_t *len)
{
    size_t wlen = strlen(wrapper);
    const char *p = devconf__skip_ws(text);
    *len = strlen(text);
    /* skip an XML declaration */
    if (strncmp(p, "<?xml", 5) == 0) {
        const char *e = strstr(p, "?>");
        if (!e) {
            return text;
        }
        p = devconf__skip_ws(e + 2);
    }
    const char *name = p + 1;
    if (*p != '<') {
        return text;
    }
    const char *colon = name + strcspn(name, ":> \t\r\n/");
    if (*colon == ':') {
        name = colon + 1;
    }
    if (strncmp(name, wrapper, wlen) != 0 || !strchr("> \t\r\n/", name[wlen])) {
        return text;
    }
    const char *gt = strchr(name, '>');
    if (!gt) {
        return text;
    }
    if (gt[-1] == '/') { /* <config/> */
        *len = 0;
        return gt + 1;
    }
    const char *end = text + *len;
    while (end > gt && strchr(" \t\r\n", end[-1])) {
        end--;
    }
    if (end <= gt || end[-1] != '>') {
        return text;
    }
    const char *close = end - 1;
    while (close > gt && *close != '<') {
        close--;
    }
    /* no '<' after the start tag ("<data>/>", "<config>/>"): no end tag, not a wrapper; the content
     * would end before it starts */
    if (close <= gt || close[1] != '/') {
        return text;
    }
    *len = (size_t)(close - (gt + 1));
    return gt + 1;
}

/* The end of the tag starting at p ('<'), quotes respected: the '>' or NULL. */
static const char *tag_end(const char *p)
{
    char q = 0;
    for (; *p; p++) {
        if (q) {
            if (*p == q) {
                q = 0;
            }
        } else if (*p == '"' || *p == '\'') {
            q = *p;
        } else if (*p == '>') {
            return p;
        }
    }
    return NULL;
}

/* Content of a <config> wrapper with the wrapper's prefixed namespace declarations
 * (xmlns:nc="..." for nc:operation, ...) copied onto each top-level element, as ncclient
 * scripts declare them on the wrapper. NULL with an error set on failure. */
static char *unwrap_config(const char *text, const char *content, size_t len)
{
    const char *start = devconf__skip_ws(text);
    if (!strncmp(start, "<?xml", 5)) {
        start = devconf__skip_ws(strstr(start, "?>") + 2);
    }
    const char *wend = tag_end(start);
    devconf__buf decls = { 0 };
    for (const char *a = start; wend && (a = strstr(a, "xmlns:")) && a < wend; a++) {
        const char *eq = strchr(a, '=');
        if (!eq || eq > wend || (eq[1] != '"' && eq[1] != '\'')) {
            continue;
        }
        const char *close = strchr(eq + 2, eq[1]);
        if (!close || close > wend) {
            continue;
        }
        devconf__buf_puts(&decls, " ");
        devconf__buf_append(&decls, a, (size_t)(close + 1 - a));
    }
    devconf__buf out = { 0 };
    const char *p = content, *end = content + len;
    int depth = 0;
    while (p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        if (!lt) {
            devconf__buf_append(&out, p, (size_t)(end - p));
            break;
        }
        devconf__buf_append(&out, p, (size_t)(lt - p));
        const char *skip_to = NULL;
        if (!strncmp(lt, "<!--", 4)) {
            skip_to = strstr(lt, "-->");
            skip_to = skip_to ? skip_to + 3 : end;
        } else if (!strncmp(lt, "<![CDATA[", 9)) {
            skip_to = strstr(lt, "]]>");
            skip_to = skip_to ? skip_to + 3 : end;
        } else if (lt[1] == '?' || lt[1] == '!') {
            skip_to = tag_end(lt);
            skip_to = skip_to ? skip_to + 1 : end;
        }
        if (skip_to) {
            devconf__buf_append(&out, lt, (size_t)(skip_to - lt));
            p = skip_to;
            continue;
        }
        const char *te = tag_end(lt);
        if (!te || te >= end) {
            devconf__buf_append(&out, lt, (size_t)(end - lt));
            break;
        }
        if (lt[1] == '/') {
            depth--;
        } else {
            bool self_closing = te[-1] == '/';
            if (depth == 0 && decls.data) {
                size_t name = strcspn(lt + 1, " \t\r\n/>");
                devconf__buf_append(&out, lt, name + 1);
                devconf__buf_puts(&out, decls.data);
                devconf__buf_append(&out, lt + 1 + name, (size_t)(te + 1 - (lt + 1 + name)));
                p = te + 1;
                if (!self_closing) {
                    depth++;
                }
                continue;
            }
            if (!self_closing) {
                depth++;
            }
        }
        devconf__buf_append(&out, lt, (size_t)(te + 1 - lt));
        p = te + 1;
    }
    devconf__buf_dispose(&decls);
    return devconf__buf_steal(&out);
}

int devconf__config_parse(struct ly_ctx *ctx, const char *text, devconf_format fmt, struct lyd_node **tree_out)
{
    *tree_out = NULL;
    devconf_format f;
    int r = devconf__detect_format(text, fmt, &f);
    if (r < 0) {
        return r;
    }
    char *owned = NULL;
    const char *content = text;
    if (f == DEVCONF_FORMAT_XML) {
        size_t len;
        /* ncclient-style payloads wrap the configuration in <config>...</config> */
        content = devconf__unwrap_element(text, "config", &len);
        if (content != text) {
            if (!(owned = unwrap_config(text, content, len))) {
                return DEVCONF_ENOMEM;
            }
            content = owned;
        }
        if (!*devconf__skip_ws(content)) {
            free(owned);
            return devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EYANG, "empty configuration payload");
        }
    }
    struct lyd_node *tree = NULL;
    devconf__log_capture_begin();
    LY_ERR lr = lyd_parse_data_mem(ctx, content, f == DEVCONF_FORMAT_XML ? LYD_XML : LYD_JSON,
                                   LYD_PARSE_ONLY | LYD_PARSE_STRICT | LYD_PARSE_NO_STATE, 0, &tree);
    free(owned);
    if (lr != LY_SUCCESS) {
        r = devconf__yang_error(ctx, DEVCONF_EYANG, "configuration payload refused, nothing sent");
        devconf__log_capture_end();
        lyd_free_all(tree);
        return r;
    }
    devconf__log_capture_end();
    if (!tree) {
        return devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EYANG, "configuration payload has no data nodes");
    }
    *tree_out = tree;
    return 0;
}

bool devconf__config_is_empty(const char *text)
{
    const char *p = devconf__skip_ws(text);
    if (!p || !*p) {
        return false;
    }
    if (*p == '{') {
        p = devconf__skip_ws(p + 1);
        return *p == '}' && !*devconf__skip_ws(p + 1);
    }
    size_t len;
    const char *content = devconf__unwrap_element(text, "config", &len);
    if (content == text) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (!strchr(" \t\r\n", content[i])) {
            return false;
        }
    }
    return true;
}

int devconf__config_to_xml(struct ly_ctx *ctx, const char *text, devconf_format fmt, char **xml_out)
{
    *xml_out = NULL;
    struct lyd_node *tree = NULL;
    int r = devconf__config_parse(ctx, text, fmt, &tree);
    if (r < 0) {
        return r;
    }
    if (lyd_print_mem(xml_out, tree, LYD_XML, LYD_PRINT_WITHSIBLINGS | LYD_PRINT_SHRINK | LYD_PRINT_WD_ALL) !=
        LY_SUCCESS) {
        lyd_free_all(tree);
        return devconf__yang_error(ctx, DEVCONF_ERROR, "cannot print the configuration payload");
    }
    lyd_free_all(tree);
    return 0;
}

int devconf__rpc_parse(struct ly_ctx *ctx, const char *text, devconf_format fmt, struct lyd_node **tree_out,
                       devconf_format *detected)
{
    *tree_out = NULL;
    devconf_format f;
    int r = devconf__detect_format(text, fmt, &f);
    if (r < 0) {
        return r;
    }
    *detected = f;
    struct ly_in *in = NULL;
    if (ly_in_new_memory(text, &in) != LY_SUCCESS) {
        return devconf__error_oom();
    }
    struct lyd_node *tree = NULL, *op = NULL;
    devconf__log_capture_begin();
    LY_ERR lr = lyd_parse_op(ctx, NULL, in, f == DEVCONF_FORMAT_XML ? LYD_XML : LYD_JSON, LYD_TYPE_RPC_YANG, &tree,
                             &op);
    ly_in_free(in, 0);
    if (lr != LY_SUCCESS || !op) {
        r = devconf__yang_error(ctx, DEVCONF_EYANG, "RPC refused, nothing sent");
        devconf__log_capture_end();
        lyd_free_all(tree);
        return r;
    }
    if (op->schema && op->schema->nodetype == LYS_RPC &&
        lyd_validate_op(tree, NULL, LYD_TYPE_RPC_YANG, NULL) != LY_SUCCESS) {
        r = devconf__yang_error(ctx, DEVCONF_EYANG, "RPC input invalid, nothing sent");
        devconf__log_capture_end();
        lyd_free_all(tree);
        return r;
    }
    devconf__log_capture_end();
    *tree_out = tree;
    return 0;
}

int devconf__print_data(const struct lyd_node *tree, devconf_format fmt, bool wd_tagged, char **out)
{
    return devconf__print_data_ex(tree, fmt, wd_tagged, false, out);
}

int devconf__print_data_ex(const struct lyd_node *tree, devconf_format fmt, bool wd_tagged, bool keep_empty,
                           char **out)
{
    *out = NULL;
    if (!tree) {
        *out = devconf__strdup(fmt == DEVCONF_FORMAT_JSON ? "{}" : "");
        return *out ? 0 : DEVCONF_ENOMEM;
    }
    uint32_t opts = LYD_PRINT_WITHSIBLINGS | (wd_tagged ? LYD_PRINT_WD_ALL_TAG : LYD_PRINT_WD_ALL) |
                    (keep_empty ? LYD_PRINT_KEEPEMPTYCONT : 0);
    if (lyd_print_mem(out, tree, fmt == DEVCONF_FORMAT_JSON ? LYD_JSON : LYD_XML, opts) != LY_SUCCESS) {
        return devconf__yang_error(LYD_CTX(tree), DEVCONF_ERROR, "cannot print the reply data");
    }
    if (!*out) {
        *out = devconf__strdup(fmt == DEVCONF_FORMAT_JSON ? "{}" : "");
        return *out ? 0 : DEVCONF_ENOMEM;
    }
    return 0;
}

/* Removes every ietf-origin `origin` annotation from a data tree (siblings and descendants). */
static void strip_origin(struct lyd_node *tree)
{
    for (struct lyd_node *top = tree; top; top = top->next) {
        struct lyd_node *n;
        LYD_TREE_DFS_BEGIN(top, n) {
            struct lyd_meta *m = n->meta;
            while (m) {
                struct lyd_meta *next = m->next;
                if (m->annotation && m->annotation->module && !strcmp(m->annotation->module->name, "ietf-origin") &&
                    !strcmp(m->name, "origin")) {
                    lyd_free_meta_single(m);
                }
                m = next;
            }
            LYD_TREE_DFS_END(top, n);
        }
    }
}

/* RFC 6243's XML attribute namespace of with-defaults' `default` tag, and the namespace of the
 * YANG module whose annotation libyang 2.1.30 reads and prints it as (it does not know the former:
 * "Unknown (or not implemented) YANG module ... for metadata wd:default"). */
#define WD_ATTR_NS "urn:ietf:params:xml:ns:netconf:default:1.0"
#define WD_YANG_NS "urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults"

/* A copy of XML text in which every namespace declaration (xmlns:P="from", in a start tag) whose
 * value is exactly `from` declares `to` instead; text content, attribute values other than those
 * declarations, comments, CDATA and processing instructions are copied unchanged. NULL when
 * nothing was declared so (the caller keeps its text) or out of memory (*oom set). */
char *devconf__xml_map_ns(const char *text, size_t len, const char *from, const char *to, size_t *out_len, bool *oom)
{
    *oom = false;
    size_t flen = strlen(from);
    if (!memmem(text, len, from, flen)) {
        return NULL;
    }
    devconf__buf b = { 0 };
    size_t i = 0, copied = 0;
    bool changed = false;
    while (i < len) {
        if (text[i] != '<') {
            i++;
            continue;
        }
        static const struct { const char *open, *close; } skip[] = {
            { "<!--", "-->" }, { "<![CDATA[", "]]>" }, { "<?", "?>" }, { "<!", ">" },
        };
        bool skipped = false;
        for (size_t k = 0; k < sizeof skip / sizeof skip[0]; k++) {
            size_t ol = strlen(skip[k].open);
            if (len - i >= ol && !memcmp(text + i, skip[k].open, ol)) {
                const char *end = memmem(text + i + ol, len - i - ol, skip[k].close, strlen(skip[k].close));
                i = end ? (size_t)(end - text) + strlen(skip[k].close) : len;
                skipped = true;
                break;
            }
        }
        if (skipped) {
            continue;
        }
        /* a start or end tag: attributes up to '>', values quoted */
        i++;
        while (i < len && text[i] != '>') {
            if (text[i] != '"' && text[i] != '\'') {
                i++;
                continue;
            }
            char q = text[i];
            size_t vstart = i + 1;
            const char *vend = memchr(text + vstart, q, len - vstart);
            if (!vend) {
                i = len;
                break;
            }
            size_t vlen = (size_t)(vend - text) - vstart;
            /* the attribute's name: back from '=' over spaces to the name's start */
            size_t e = i;
            while (e > 0 && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\n' || text[e - 1] == '\r')) {
                e--;
            }
            if (e > 0 && text[e - 1] == '=') {
                e--;
                while (e > 0 && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\n' || text[e - 1] == '\r')) {
                    e--;
                }
                size_t n = e;
                while (n > 0 && !strchr(" \t\n\r<", text[n - 1])) {
                    n--;
                }
                if (e - n > 6 && !memcmp(text + n, "xmlns:", 6) && vlen == flen && !memcmp(text + vstart, from, flen)) {
                    devconf__buf_append(&b, text + copied, vstart - copied);
                    devconf__buf_puts(&b, to);
                    copied = vstart + vlen;
                    changed = true;
                }
            }
            i = vstart + vlen + 1;
        }
        i++;
    }
    if (!changed) {
        devconf__buf_dispose(&b);
        return NULL;
    }
    if (copied < len) {
        devconf__buf_append(&b, text + copied, len - copied);
    }
    if (b.failed) {
        devconf__buf_dispose(&b);
        *oom = true;
        return NULL;
    }
    *out_len = b.len;
    return devconf__buf_steal(&b);
}

static int from_device(devconf_session *s, char *text, size_t len, devconf_format format, bool wd_tagged,
                       bool no_origin, bool keep_empty, const char *what, char **out)
{
    *out = NULL;
    if (!*devconf__skip_ws(text)) {
        free(text);
        *out = devconf__strdup(format == DEVCONF_FORMAT_JSON ? "{}" : "");
        return *out ? 0 : DEVCONF_ENOMEM;
    }
    struct ly_ctx *ly = s->tp->yang_ctx(s);
    struct lyd_node *tree = NULL;
    bool oom = false;
    size_t mapped_len = 0;
    /* report-all-tagged: RFC 6243's wd:default read as the annotation of ietf-netconf-with-defaults */
    char *mapped = wd_tagged ? devconf__xml_map_ns(text, len, WD_ATTR_NS, WD_YANG_NS, &mapped_len, &oom) : NULL;
    if (oom) {
        free(text);
        return devconf__error_oom();
    }
    devconf__log_capture_begin();
    LY_ERR lr = lyd_parse_data_mem(ly, mapped ? mapped : text, LYD_XML, LYD_PARSE_ONLY | LYD_PARSE_STRICT, 0, &tree);
    free(mapped);
    if (lr != LY_SUCCESS) {
        const struct ly_err_item *e = ly_err_last(ly);
        const char *why = e && e->msg ? e->msg : devconf__log_capture_last();
        devconf__log_capture_end();
        lyd_free_all(tree);
        if (format != DEVCONF_FORMAT_JSON) {
            /* XML the schemas do not describe: returned as the device sent it */
            devconf__log(s->ctx, DEVCONF_LOG_INFO, "yang", "%s: %zu bytes of data from %s returned as sent: %s", what,
                         len, s->host, why ? why : "not described by its schemas");
            ly_err_clean(ly, NULL);
            *out = text;
            return 0;
        }
        const char *unavailable = s->schemas ? devconf__yctx_unavailable(s->schemas) : "";
        int r = devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EYANG,
                                   "%s: the data from %s does not match its schemas, so it cannot be printed as JSON "
                                   "(ask for XML to get it as sent): %s%s%s", what, s->host,
                                   why ? why : "unknown data", *unavailable ? "; modules that could not be loaded: " : "",
                                   unavailable);
        ly_err_clean(ly, NULL);
        free(text);
        return r;
    }
    devconf__log_capture_end();
    free(text);
    if (no_origin) {
        strip_origin(tree);
    }
    int r = devconf__print_data_ex(tree, format, wd_tagged, keep_empty, out);
    lyd_free_all(tree);
    if (r == 0 && wd_tagged && format != DEVCONF_FORMAT_JSON) {
        /* and printed as RFC 6243 has it for NETCONF, whatever libyang calls it */
        size_t n = 0;
        char *back = devconf__xml_map_ns(*out, strlen(*out), WD_YANG_NS, WD_ATTR_NS, &n, &oom);
        if (oom) {
            free(*out);
            *out = NULL;
            return devconf__error_oom();
        }
        if (back) {
            free(*out);
            *out = back;
        }
    }
    return r;
}

int devconf__data_from_device(devconf_session *s, char *text, size_t len, devconf_format format, bool config_only,
                              bool wd_tagged, const char *what, char **out)
{
    (void)config_only;
    return from_device(s, text, len, format, wd_tagged, false, false, what, out);
}

int devconf__data_from_device_origin(devconf_session *s, char *text, size_t len, devconf_format format,
                                     bool wd_tagged, bool keep_origin, bool depth_cut, const char *what, char **out)
{
    return from_device(s, text, len, format, wd_tagged, !keep_origin, depth_cut, what, out);
}

const char *devconf__node_name(const struct lyd_node *n)
{
    if (n->schema) {
        return n->schema->name;
    }
    return ((const struct lyd_node_opaq *)n)->name.name;
}

static const char *node_value(const struct lyd_node *n)
{
    if (n->schema) {
        return lyd_get_value(n);
    }
    return ((const struct lyd_node_opaq *)n)->value;
}

const struct lyd_node *devconf__child_named(const struct lyd_node *parent, const char *name)
{
    for (const struct lyd_node *c = lyd_child(parent); c; c = c->next) {
        if (!strcmp(devconf__node_name(c), name)) {
            return c;
        }
    }
    return NULL;
}

const char *devconf__child_value(const struct lyd_node *parent, const char *name)
{
    const struct lyd_node *c = devconf__child_named(parent, name);
    const char *v = c ? node_value(c) : NULL;
    return v && *v ? v : NULL;
}

struct lyd_node *devconf__find_op(struct lyd_node *tree)
{
    struct lyd_node *elem;
    LYD_TREE_DFS_BEGIN(tree, elem) {
        if (elem->schema && (elem->schema->nodetype & (LYS_RPC | LYS_ACTION))) {
            return elem;
        }
        LYD_TREE_DFS_END(tree, elem);
    }
    return NULL;
}

int devconf__print_rpc_output(const struct lyd_node *act, devconf_format format, char **out)
{
    *out = NULL;
    if (!act || !lyd_child(act)) {
        /* <ok/> or an empty output */
        *out = devconf__strdup("");
        return *out ? 0 : DEVCONF_ENOMEM;
    }
    if (format != DEVCONF_FORMAT_JSON) {
        return devconf__print_data(lyd_child(act), DEVCONF_FORMAT_XML, false, out);
    }
    char *text = NULL;
    if (lyd_print_mem(&text, act, LYD_JSON, LYD_PRINT_WD_ALL) != LY_SUCCESS || !text) {
        free(text);
        return devconf__yang_error(LYD_CTX(act), DEVCONF_ERROR, "cannot print the reply");
    }
    /* RFC 8040 section 3.6.2: the output object is named "module:output" */
    char key[2 * 256 + 8]; /* two YANG identifiers (at most 255 bytes each), quotes and colon */
    snprintf(key, sizeof key, "\"%s:%s\"", act->schema->module->name, act->schema->name);
    char *k = strstr(text, key);
    if (!k) {
        *out = text;
        return 0;
    }
    devconf__buf b = { 0 };
    devconf__buf_append(&b, text, (size_t)(k - text));
    devconf__buf_printf(&b, "\"%s:output\"", act->schema->module->name);
    devconf__buf_puts(&b, k + strlen(key));
    free(text);
    *out = devconf__buf_steal(&b);
    return *out ? 0 : DEVCONF_ENOMEM;
}

void devconf__strip_state(struct lyd_node **tree)
{
    struct lyd_node *doomed[256];
    size_t n;
    do {
        n = 0;
        struct lyd_node *elem;
        for (struct lyd_node *top = *tree; top && n < 256; top = top->next) {
            LYD_TREE_DFS_BEGIN(top, elem) {
                if (elem->schema && (elem->schema->flags & LYS_CONFIG_R) && n < 256) {
                    doomed[n++] = elem;
                    LYD_TREE_DFS_continue = 1;
                }
                LYD_TREE_DFS_END(top, elem);
            }
        }
        for (size_t i = 0; i < n; i++) {
            if (doomed[i] == *tree) {
                *tree = (*tree)->next;
            }
            lyd_free_tree(doomed[i]);
        }
    } while (n == 256);
}

bool devconf__xml_undeclares_ns(const char *text)
{
    static const char ws[] = " \t\r\n";
    for (const char *p = text; p && (p = strchr(p, '<'));) {
        p++;
        if (!strncmp(p, "!--", 3) || !strncmp(p, "![CDATA[", 8)) {
            const char *e = strstr(p, p[1] == '-' ? "-->" : "]]>");
            p = e ? e + 3 : NULL;
            continue;
        }
        if (*p == '?' || *p == '!' || *p == '/') {
            continue;
        }
        p += strcspn(p, " \t\r\n/>"); /* the element's name */
        for (;;) {                       /* its attributes */
            p += strspn(p, ws);
            if (!*p || *p == '>' || *p == '/') {
                break;
            }
            const char *name = p;
            p += strcspn(p, " \t\r\n=/>");
            size_t nlen = (size_t)(p - name);
            p += strspn(p, ws);
            if (*p != '=') {
                break; /* not well-formed: libyang refuses it */
            }
            p++;
            p += strspn(p, ws);
            if (*p != '"' && *p != '\'') {
                break;
            }
            const char *e = strchr(p + 1, *p);
            if (!e) {
                return false;
            }
            if (nlen == 5 && !strncmp(name, "xmlns", 5) && e == p + 1) {
                return true;
            }
            p = e + 1;
        }
    }
    return false;
}

int devconf__lyd_parse_xml(const struct ly_ctx *ly, const char *text, uint32_t parse_opts, struct lyd_node **tree)
{
    *tree = NULL;
    if (devconf__xml_undeclares_ns(text)) {
        return LY_EVALID;
    }
    return lyd_parse_data_mem(ly, text, LYD_XML, parse_opts, 0, tree);
}
