/* NETCONF reads: <get> and <get-config> with subtree or XPath filters (checked against the device's
 * schemas before anything is sent), with-defaults, and the reply's <data> parsed once with libyang or
 * returned as the device sent it (device_text). */
#include "netconf/netconf_p.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

/* Checks a filter before it is sent: a subtree filter must be well-formed XML whose top-level
 * elements the device's schemas know; an XPath must compile against them and select something. */
static int check_filter(devconf_session *s, const char *filter, devconf_filter_type type, const char *what)
{
    struct ly_ctx *ly = devconf__nc_ly(s);
    const char *p = devconf__skip_ws(filter);
    if (type == DEVCONF_FILTER_AUTO) {
        type = *p == '<' ? DEVCONF_FILTER_SUBTREE : DEVCONF_FILTER_XPATH;
    }
    if (type == DEVCONF_FILTER_SUBTREE) {
        if (*p != '<') {
            return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                      "%s: a subtree filter is XML and starts with '<'", what);
        }
        struct lyd_node *tree = NULL;
        devconf__log_capture_begin();
        LY_ERR lr = devconf__lyd_parse_xml(ly, p, LYD_PARSE_ONLY | LYD_PARSE_OPAQ, &tree);
        if (lr != LY_SUCCESS) {
            int r = devconf__yang_error(ly, DEVCONF_EYANG, "subtree filter is not well-formed XML, nothing sent");
            devconf__log_capture_end();
            lyd_free_all(tree);
            return r;
        }
        devconf__log_capture_end();
        for (const struct lyd_node *n = tree; n; n = n->next) {
            if (!n->schema) {
                const struct lyd_node_opaq *o = (const struct lyd_node_opaq *)n;
                const char *ns = o->name.module_ns;
                const struct lys_module *mod = ns ? ly_ctx_get_module_implemented_ns(ly, ns) : NULL;
                if (!mod) {
                    int r = devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EYANG,
                                               "subtree filter selects <%s> in namespace '%s', which no module of "
                                               "%s defines; nothing sent", o->name.name, ns ? ns : "(none)",
                                               s->host);
                    lyd_free_all(tree);
                    return r;
                }
                if (!lys_find_child(NULL, mod, o->name.name, 0, 0, 0)) {
                    int r = devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EYANG,
                                               "subtree filter selects <%s>, which module %s does not define; "
                                               "nothing sent", o->name.name, mod->name);
                    lyd_free_all(tree);
                    return r;
                }
            }
        }
        lyd_free_all(tree);
        return 0;
    }
    if (*p == '<') {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "%s: an XPath filter cannot start with '<'",
                                  what);
    }
    int r = devconf__require_cap(s, "xpath", what);
    if (r < 0) {
        return r;
    }
    struct ly_set *set = NULL;
    devconf__log_capture_begin();
    LY_ERR lr = lys_find_xpath(ly, NULL, p, 0, &set);
    bool empty = lr == LY_SUCCESS && (!set || !set->count);
    ly_set_free(set, NULL);
    if (lr != LY_SUCCESS) {
        r = devconf__yang_error(ly, DEVCONF_EYANG, "XPath filter refused (use module names as prefixes, for "
                                "example /ietf-interfaces:interfaces), nothing sent");
        devconf__log_capture_end();
        return r;
    }
    devconf__log_capture_end();
    if (empty) {
        return devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EYANG,
                                  "XPath filter '%s' names no node of %s's schemas (a typo?), nothing sent", p,
                                  s->host);
    }
    return 0;
}

/* check_filter(), skipped for the filter it accepted last time on this session (a poller sends
 * the same filter again and again; a session's schemas never change). */
int devconf__nc_check_filter(devconf_session *s, const char *filter, devconf_filter_type type, const char *what)
{
    struct devconf__nc_state *st = s->tp_data;
    if (st->checked_filter && st->checked_type == type && !strcmp(st->checked_filter, filter)) {
        return 0;
    }
    int r = check_filter(s, filter, type, what);
    if (r == 0) {
        free(st->checked_filter);
        st->checked_filter = strdup(filter); /* NULL (no memory) only means no shortcut */
        st->checked_type = type;
    }
    return r;
}

/* <filter type="xpath" select="..."> for an XPath written with module names as prefixes (the
 * JSON style, /ietf-interfaces:interfaces): each module name becomes the module's own prefix,
 * declared on the filter, as libyang prints an xpath1.0 value in XML (some servers, yuma123's
 * netconfd among them, resolve a prefix through the module that defines it). When two modules used
 * share a prefix, their names are kept as prefixes (declared too). */
void devconf__nc_xpath_filter(devconf__buf *b, struct ly_ctx *ly, const char *xpath)
{
    devconf__nc_xpath_element(b, ly, xpath, NULL);
}

void devconf__nc_xpath_element(devconf__buf *b, struct ly_ctx *ly, const char *xpath, const char *element)
{
    const struct lys_module **used = NULL; /* every module the expression names, once */
    size_t nused = 0, cap = 0;
    bool clash = false;
    for (int pass = 0; pass < 2; pass++) {
        devconf__buf sel = { 0 };
        char q = 0;
        const char *copied = xpath;
        for (const char *p = xpath; *p; p++) {
            if (q) {
                q = *p == q ? 0 : q;
                continue;
            }
            if (*p == '"' || *p == '\'') {
                q = *p;
                continue;
            }
            if (*p != ':' || p == xpath || p[1] == ':' || p[-1] == ':') {
                continue;
            }
            const char *start = p;
            while (start > xpath && (isalnum((unsigned char)start[-1]) || strchr("_-.", start[-1]))) {
                start--;
            }
            char name[256];
            if (start == p || (size_t)(p - start) >= sizeof name) {
                continue;
            }
            snprintf(name, sizeof name, "%.*s", (int)(p - start), start);
            const struct lys_module *m = ly_ctx_get_module_implemented(ly, name);
            if (!m) {
                continue;
            }
            if (pass == 0) {
                bool seen = false;
                for (size_t i = 0; i < nused; i++) {
                    seen = seen || used[i] == m;
                    clash = clash || (used[i] != m && !strcmp(used[i]->prefix, m->prefix));
                }
                if (!seen) {
                    if (nused == cap) {
                        size_t ncap = cap ? 2 * cap : 8;
                        const struct lys_module **grown = realloc(used, ncap * sizeof *used);
                        if (!grown) {
                            b->failed = true; /* the caller reports out of memory */
                            free(used);
                            return;
                        }
                        used = grown;
                        cap = ncap;
                    }
                    used[nused++] = m;
                }
                continue;
            }
            devconf__buf_append(&sel, copied, (size_t)(start - copied));
            devconf__buf_puts(&sel, clash ? m->name : m->prefix);
            copied = p;
        }
        if (pass == 0) {
            continue;
        }
        devconf__buf_puts(&sel, copied);
        if (element) {
            devconf__buf_printf(b, "<%s", element);
        } else {
            devconf__buf_puts(b, "<filter type=\"xpath\" select=\"");
            devconf__buf_xml_escape(b, sel.data ? sel.data : "");
            devconf__buf_puts(b, "\"");
        }
        for (size_t i = 0; i < nused; i++) {
            devconf__buf_printf(b, " xmlns:%s=\"", clash ? used[i]->name : used[i]->prefix);
            devconf__buf_xml_escape(b, used[i]->ns);
            devconf__buf_puts(b, "\"");
        }
        if (element) {
            devconf__buf_puts(b, ">");
            devconf__buf_xml_escape(b, sel.data ? sel.data : "");
            devconf__buf_printf(b, "</%s>", element);
        } else {
            devconf__buf_puts(b, "/>");
        }
        devconf__buf_dispose(&sel);
    }
    free(used);
}

int devconf__nc_data_call(devconf_session *s, devconf__buf *body, const char *what, char **text, size_t *tlen)
{
    *text = NULL;
    *tlen = 0;
    if (body->failed) {
        devconf__buf_dispose(body);
        return devconf__error_oom();
    }
    char *reply = NULL;
    size_t len = 0;
    devconf__nc_env env;
    int r = devconf__ncc_call(devconf__nc_client(s), body->data, what, devconf__nc_deadline(s), &s->cancel, &reply,
                              &len, &env);
    devconf__buf_dispose(body);
    if (r < 0) {
        return r;
    }
    if ((r = devconf__ncc_reply_status(s->ctx, s->host, what, reply, len, &env, true)) < 0) {
        devconf__nc_env_dispose(&env);
        free(reply);
        return r;
    }
    *text = env.has_data ? devconf__nc_env_data(reply, &env, s->max_reply_bytes, tlen) : devconf__strdup("");
    devconf__nc_env_dispose(&env);
    free(reply);
    if (!*text) {
        if (devconf_error_code(devconf_error_last()) == DEVCONF_EPROTO) {
            devconf__error_set_message("%s: the reply from %s: %s", what, s->host,
                                       devconf_error_message(devconf_error_last()));
        }
        return devconf_error_code(devconf_error_last());
    }
    return 0;
}

int devconf__nc_read(devconf_session *s, char **out, const struct devconf__read_req *req)
{
    const char *what = req->source ? "get-config" : "get";
    int r;
    if (req->depth || req->fields) {
        return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EUNSUPPORTED,
                                  "%s: NETCONF has no %s parameter; select with a subtree or XPath filter instead",
                                  what, req->depth ? "depth" : "fields");
    }
    if (req->source && (r = devconf__nc_require_ds(s, req->source, what)) < 0) {
        return r;
    }
    if (req->source == DEVCONF_DS_CONFIG) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "get-config: source must be a datastore");
    }
    if (req->with_defaults && (r = devconf__require_cap(s, "with-defaults", what)) < 0) {
        return r;
    }
    const char *filter = req->filter && *devconf__skip_ws(req->filter) ? devconf__skip_ws(req->filter) : NULL;
    if (filter && (r = devconf__nc_check_filter(s, filter, req->filter_type, what)) < 0) {
        return r;
    }
    devconf__buf body = { 0 };
    devconf__buf_printf(&body, "<%s>", what);
    if (req->source) {
        devconf__buf_printf(&body, "<source><%s/></source>", devconf_datastore_name(req->source));
    }
    if (filter) {
        bool subtree = req->filter_type == DEVCONF_FILTER_SUBTREE ||
                       (req->filter_type == DEVCONF_FILTER_AUTO && *filter == '<');
        if (subtree) {
            devconf__buf_printf(&body, "<filter type=\"subtree\">%s</filter>", filter);
        } else {
            devconf__nc_xpath_filter(&body, devconf__nc_ly(s), filter);
        }
    }
    if (devconf__wd_name(req->with_defaults)) {
        devconf__buf_printf(&body, "<with-defaults xmlns=\"urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults\">"
                                   "%s</with-defaults>", devconf__wd_name(req->with_defaults));
    }
    devconf__buf_printf(&body, "</%s>", what);
    char *text = NULL;
    size_t tlen = 0;
    if ((r = devconf__nc_data_call(s, &body, what, &text, &tlen)) < 0) {
        return r;
    }
    devconf__log(s->ctx, DEVCONF_LOG_DEBUG, "netconf", "%s: %zu bytes of data from %s", what, tlen, s->host);
    if (req->device_text) {
        *out = text;
        return 0;
    }
    return devconf__data_from_device(s, text, tlen, req->format, req->source != 0,
                                     req->with_defaults == DEVCONF_WD_REPORT_ALL_TAGGED, what, out);
}

