/* The devconf operations over NETCONF (RFC 6241): each one checks the capability it needs,
 * builds its request, and reads the reply through client.c. Payloads were parsed and validated
 * against the device's schemas before they are printed into a request; device text is parsed once
 * with libyang (or returned as sent, with device_text). */
#include "netconf/netconf_p.h"

#include <ctype.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libyang/libyang.h>

struct nc_state {
    devconf__ncc *client;
    char *checked_filter;             /* the last filter check_filter() accepted, and its type: */
    devconf_filter_type checked_type; /* the same filter again is not parsed again */
};

static devconf__ncc *NC(const devconf_session *s)
{
    const struct nc_state *st = s->tp_data;
    return st ? st->client : NULL;
}

static struct ly_ctx *LY(const devconf_session *s)
{
    return devconf__yctx_ly(s->schemas);
}

static int64_t rpc_deadline(const devconf_session *s)
{
    return devconf__now_ms() + s->rpc_timeout_ms;
}

/* Fails with EUNSUPPORTED when the device lacks the datastore ds. */
static int require_ds(devconf_session *s, devconf_datastore ds, const char *what)
{
    switch (ds) {
    case DEVCONF_DS_RUNNING: return 0;
    case DEVCONF_DS_CANDIDATE: return devconf__require_cap(s, "candidate", what);
    case DEVCONF_DS_STARTUP: return devconf__require_cap(s, "startup", what);
    default:
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "%s: invalid datastore %d", what, (int)ds);
    }
}

/* Sends body and checks that the reply is <ok/>. */
static int call_ok(devconf_session *s, const char *body, const char *what)
{
    char *reply = NULL;
    size_t len = 0;
    devconf__nc_env env;
    int r = devconf__ncc_call(NC(s), body, what, rpc_deadline(s), &reply, &len, &env);
    if (r < 0) {
        return r;
    }
    r = devconf__ncc_reply_status(s->ctx, s->host, what, reply, len, &env, false);
    devconf__nc_env_dispose(&env);
    free(reply);
    return r;
}

/* ---- opening and closing ---- */

static char *default_user(void)
{
    const char *u = getenv("USER");
    if (u && *u) {
        return devconf__strdup(u);
    }
    struct passwd pw, *res = NULL;
    char buf[1024];
    if (getpwuid_r(getuid(), &pw, buf, sizeof buf, &res) == 0 && res) {
        return devconf__strdup(res->pw_name);
    }
    devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "no user name: give one in the URI or the options");
    return NULL;
}

static int nc_open(devconf_session *s, const devconf__uri *uri, const devconf_session_options *opts)
{
    if (uri->path) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "a netconf:// URI has no path: give scheme://[user@]host[:port]");
    }
    char *user = opts->username ? devconf__strdup(opts->username)
                 : uri->user    ? devconf__strdup(uri->user)
                                : default_user();
    if (!user) {
        return devconf_error_code(devconf_error_last());
    }
    int64_t start = devconf__now_ms(), deadline = start + s->connect_timeout_ms;
    devconf__nc_stream *stream = NULL;
    int r = devconf__nc_ssh_open(&stream, s->ctx, uri->host, uri->port, user, opts, deadline);
    devconf__ncc *client = NULL;
    if (r == 0) {
        r = devconf__ncc_open(&client, s->ctx, stream, uri->host, s->max_reply_bytes, deadline);
    }
    if (r < 0) {
        if (devconf_error_code(devconf_error_last()) == DEVCONF_ETIMEOUT || devconf__now_ms() >= deadline) {
            r = devconf__error_set(devconf_error_origin(devconf_error_last()), DEVCONF_ETIMEOUT,
                                   "NETCONF session setup with %s@%s port %u did not finish within the connect "
                                   "timeout of %d ms: %s", user, uri->host, (unsigned)uri->port,
                                   s->connect_timeout_ms, devconf_error_message(devconf_error_last()));
        }
        free(user);
        return r;
    }
    free(user);
    struct nc_state *st = calloc(1, sizeof *st);
    if (!st) {
        devconf__ncc_close(client, 0);
        return devconf__error_oom();
    }
    st->client = client;
    s->tp_data = st;
    s->session_id = devconf__ncc_session_id(client);
    size_t ncaps;
    const char *const *caps = devconf__ncc_caps(client, &ncaps);
    if ((r = devconf__session_set_caps(s, caps, ncaps)) < 0) {
        return r;
    }
    /* the schemas: shared with every session whose device has the same modules */
    devconf__nc_schemas sc;
    devconf__nc_schemas_init(&sc, s->ctx, client, s->host, s->port, deadline);
    bool warm = false;
    if ((r = devconf__schema_acquire(s->ctx, &sc.src, &s->schemas, &warm)) < 0) {
        if (devconf_error_code(devconf_error_last()) == DEVCONF_ETIMEOUT) {
            devconf__error_set_message("NETCONF session setup with %s port %u (schemas) did not finish within the "
                                       "connect timeout of %d ms: %s", s->host, (unsigned)s->port,
                                       s->connect_timeout_ms, devconf_error_message(devconf_error_last()));
        }
        return r;
    }
    s->get_schema_count = sc.get_schema_count;
    devconf__log(s->ctx, DEVCONF_LOG_INFO, "devconf",
                 "NETCONF session %u with %s: %zu capabilities, %zu modules (%s, %u get-schema), %lld ms",
                 (unsigned)s->session_id, s->host, ncaps, devconf__yctx_modules(s->schemas)->n,
                 warm ? "known module set" : "module set resolved", sc.get_schema_count,
                 (long long)(devconf__now_ms() - start));
    return 0;
}

static void nc_close(devconf_session *s)
{
    struct nc_state *st = s->tp_data;
    if (!st) {
        return;
    }
    int bound = s->rpc_timeout_ms < 2000 ? s->rpc_timeout_ms : 2000;
    devconf__ncc_close(st->client, devconf__now_ms() + bound);
    free(st->checked_filter);
    free(st);
    s->tp_data = NULL;
}

static int nc_is_connected(const devconf_session *s)
{
    return devconf__ncc_alive(NC(s));
}

/* ---- reads ---- */

/* Checks a filter before it is sent: a subtree filter must be well-formed XML whose top-level
 * elements the device's schemas know; an XPath must compile against them and select something. */
static int check_filter(devconf_session *s, const char *filter, devconf_filter_type type, const char *what)
{
    struct ly_ctx *ly = LY(s);
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
        LY_ERR lr = lyd_parse_data_mem(ly, p, LYD_XML, LYD_PARSE_ONLY | LYD_PARSE_OPAQ, 0, &tree);
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
static int check_filter_once(devconf_session *s, const char *filter, devconf_filter_type type, const char *what)
{
    struct nc_state *st = s->tp_data;
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
static void xpath_filter(devconf__buf *b, struct ly_ctx *ly, const char *xpath)
{
    const struct lys_module *used[64];
    size_t nused = 0;
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
                if (!seen && nused < sizeof used / sizeof *used) {
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
        devconf__buf_puts(b, "<filter type=\"xpath\" select=\"");
        devconf__buf_xml_escape(b, sel.data ? sel.data : "");
        devconf__buf_puts(b, "\"");
        devconf__buf_dispose(&sel);
        for (size_t i = 0; i < nused; i++) {
            devconf__buf_printf(b, " xmlns:%s=\"", clash ? used[i]->name : used[i]->prefix);
            devconf__buf_xml_escape(b, used[i]->ns);
            devconf__buf_puts(b, "\"");
        }
        devconf__buf_puts(b, "/>");
    }
}

static int nc_read(devconf_session *s, char **out, const struct devconf__read_req *req)
{
    const char *what = req->source ? "get-config" : "get";
    int r;
    if (req->depth || req->fields) {
        return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EUNSUPPORTED,
                                  "%s: NETCONF has no %s parameter; select with a subtree or XPath filter instead",
                                  what, req->depth ? "depth" : "fields");
    }
    if (req->source && (r = require_ds(s, req->source, what)) < 0) {
        return r;
    }
    if (req->source == DEVCONF_DS_CONFIG) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "get-config: source must be a datastore");
    }
    if (req->with_defaults && (r = devconf__require_cap(s, "with-defaults", what)) < 0) {
        return r;
    }
    const char *filter = req->filter && *devconf__skip_ws(req->filter) ? devconf__skip_ws(req->filter) : NULL;
    if (filter && (r = check_filter_once(s, filter, req->filter_type, what)) < 0) {
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
            xpath_filter(&body, LY(s), filter);
        }
    }
    if (devconf__wd_name(req->with_defaults)) {
        devconf__buf_printf(&body, "<with-defaults xmlns=\"urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults\">"
                                   "%s</with-defaults>", devconf__wd_name(req->with_defaults));
    }
    devconf__buf_printf(&body, "</%s>", what);
    if (body.failed) {
        devconf__buf_dispose(&body);
        return devconf__error_oom();
    }
    char *reply = NULL;
    size_t len = 0;
    devconf__nc_env env;
    r = devconf__ncc_call(NC(s), body.data, what, rpc_deadline(s), &reply, &len, &env);
    devconf__buf_dispose(&body);
    if (r < 0) {
        return r;
    }
    if ((r = devconf__ncc_reply_status(s->ctx, s->host, what, reply, len, &env, true)) < 0) {
        devconf__nc_env_dispose(&env);
        free(reply);
        return r;
    }
    size_t tlen = 0;
    char *text = env.has_data ? devconf__nc_env_data(reply, &env, &tlen) : devconf__strdup("");
    devconf__nc_env_dispose(&env);
    free(reply);
    if (!text) {
        return DEVCONF_ENOMEM;
    }
    devconf__log(s->ctx, DEVCONF_LOG_DEBUG, "netconf", "%s: %zu bytes of data from %s", what, tlen, s->host);
    if (req->device_text) {
        *out = text;
        return 0;
    }
    return devconf__data_from_device(s, text, tlen, req->format, req->source != 0,
                                     req->with_defaults == DEVCONF_WD_REPORT_ALL_TAGGED, what, out);
}

/* ---- edits and the commit family ---- */

static void ds_elem(devconf__buf *b, const char *role, devconf_datastore ds)
{
    devconf__buf_printf(b, "<%s><%s/></%s>", role, devconf_datastore_name(ds), role);
}

static int nc_edit(devconf_session *s, const struct devconf__edit_req *req)
{
    int r;
    if (req->if_match) {
        return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EUNSUPPORTED,
                                  "edit-config: NETCONF has no entity tags for If-Match; lock the datastore instead");
    }
    if (req->target != DEVCONF_DS_RUNNING && req->target != DEVCONF_DS_CANDIDATE) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "edit-config: target must be running or candidate");
    }
    if (req->target == DEVCONF_DS_CANDIDATE && (r = devconf__require_cap(s, "candidate", "edit-config")) < 0) {
        return r;
    }
    if (req->target == DEVCONF_DS_RUNNING &&
        (r = devconf__require_cap(s, "writable-running", "edit-config on running")) < 0) {
        return r;
    }
    if ((req->test_option == DEVCONF_TEST_THEN_SET || req->test_option == DEVCONF_TEST_SET) &&
        (r = devconf__require_cap(s, "validate", "edit-config test-option")) < 0) {
        return r;
    }
    if (req->test_option == DEVCONF_TEST_ONLY &&
        (r = devconf__require_cap(s, DEVCONF_NC_CAP "validate:1.1", "edit-config test-only")) < 0) {
        return r;
    }
    if (req->error_option == DEVCONF_ERROR_OPTION_ROLLBACK &&
        (r = devconf__require_cap(s, "rollback-on-error", "edit-config rollback-on-error")) < 0) {
        return r;
    }
    char *xml = NULL;
    if ((r = devconf__config_to_xml(LY(s), req->config, req->format, &xml)) < 0) {
        return r;
    }
    static const char *const dflt[] = { NULL, "replace", "none" };
    static const char *const test[] = { NULL, "test-then-set", "set", "test-only" };
    static const char *const erropt[] = { NULL, "stop-on-error", "continue-on-error", "rollback-on-error" };
    devconf__buf b = { 0 };
    devconf__buf_puts(&b, "<edit-config>");
    ds_elem(&b, "target", req->target);
    if (dflt[req->default_operation]) {
        devconf__buf_printf(&b, "<default-operation>%s</default-operation>", dflt[req->default_operation]);
    }
    if (test[req->test_option]) {
        devconf__buf_printf(&b, "<test-option>%s</test-option>", test[req->test_option]);
    }
    if (erropt[req->error_option]) {
        devconf__buf_printf(&b, "<error-option>%s</error-option>", erropt[req->error_option]);
    }
    devconf__buf_printf(&b, "<config>%s</config></edit-config>", xml);
    free(xml);
    if (b.failed) {
        devconf__buf_dispose(&b);
        return devconf__error_oom();
    }
    r = call_ok(s, b.data, "edit-config");
    devconf__buf_dispose(&b);
    return r;
}

static int nc_commit(devconf_session *s, const devconf_commit_options *o)
{
    int r;
    if ((r = devconf__require_cap(s, "candidate", "commit")) < 0) {
        return r;
    }
    if ((o->confirmed || o->persist || o->persist_id) &&
        (r = devconf__require_cap(s, "confirmed-commit", "confirmed commit")) < 0) {
        return r;
    }
    if ((o->persist || o->persist_id) &&
        (r = devconf__require_cap(s, DEVCONF_NC_CAP "confirmed-commit:1.1", "commit with persist")) < 0) {
        return r;
    }
    devconf__buf b = { 0 };
    devconf__buf_puts(&b, "<commit>");
    if (o->confirmed) {
        devconf__buf_puts(&b, "<confirmed/>");
        if (o->confirm_timeout) {
            devconf__buf_printf(&b, "<confirm-timeout>%u</confirm-timeout>", (unsigned)o->confirm_timeout);
        }
        if (o->persist) {
            devconf__buf_puts(&b, "<persist>");
            devconf__buf_xml_escape(&b, o->persist);
            devconf__buf_puts(&b, "</persist>");
        }
    }
    if (o->persist_id) {
        devconf__buf_puts(&b, "<persist-id>");
        devconf__buf_xml_escape(&b, o->persist_id);
        devconf__buf_puts(&b, "</persist-id>");
    }
    devconf__buf_puts(&b, "</commit>");
    r = b.failed ? devconf__error_oom() : call_ok(s, b.data, o->confirmed ? "confirmed commit" : "commit");
    devconf__buf_dispose(&b);
    return r;
}

static int nc_cancel_commit(devconf_session *s, const char *persist_id)
{
    int r = devconf__require_cap(s, DEVCONF_NC_CAP "confirmed-commit:1.1", "cancel-commit");
    if (r < 0) {
        return r;
    }
    devconf__buf b = { 0 };
    devconf__buf_puts(&b, "<cancel-commit>");
    if (persist_id) {
        devconf__buf_puts(&b, "<persist-id>");
        devconf__buf_xml_escape(&b, persist_id);
        devconf__buf_puts(&b, "</persist-id>");
    }
    devconf__buf_puts(&b, "</cancel-commit>");
    r = b.failed ? devconf__error_oom() : call_ok(s, b.data, "cancel-commit");
    devconf__buf_dispose(&b);
    return r;
}

static int nc_discard(devconf_session *s)
{
    int r = devconf__require_cap(s, "candidate", "discard-changes");
    return r < 0 ? r : call_ok(s, "<discard-changes/>", "discard-changes");
}

static int nc_lock(devconf_session *s, devconf_datastore ds, bool lock)
{
    const char *what = lock ? "lock" : "unlock";
    int r = require_ds(s, ds, what);
    if (r < 0) {
        return r;
    }
    char body[96];
    snprintf(body, sizeof body, "<%s><target><%s/></target></%s>", what, devconf_datastore_name(ds), what);
    return call_ok(s, body, what);
}

/* <source><config>...</config></source> for a configuration given as text ("" gives <config/>). */
static int config_source(devconf_session *s, devconf__buf *b, const char *config)
{
    if (devconf__config_is_empty(config)) {
        devconf__buf_puts(b, "<source><config/></source>"); /* a valid source (RFC 6241 7.3) */
        return 0;
    }
    char *xml = NULL;
    int r = devconf__config_to_xml(LY(s), config, DEVCONF_FORMAT_AUTO, &xml);
    if (r < 0) {
        return r;
    }
    devconf__buf_printf(b, "<source><config>%s</config></source>", xml);
    free(xml);
    return 0;
}

static int nc_validate(devconf_session *s, devconf_datastore source, const char *config)
{
    int r = devconf__require_cap(s, "validate", "validate");
    if (r < 0) {
        return r;
    }
    if (source != DEVCONF_DS_CONFIG && (r = require_ds(s, source, "validate")) < 0) {
        return r;
    }
    devconf__buf b = { 0 };
    devconf__buf_puts(&b, "<validate>");
    if (source == DEVCONF_DS_CONFIG) {
        if ((r = config_source(s, &b, config)) < 0) {
            devconf__buf_dispose(&b);
            return r;
        }
    } else {
        ds_elem(&b, "source", source);
    }
    devconf__buf_puts(&b, "</validate>");
    r = b.failed ? devconf__error_oom() : call_ok(s, b.data, "validate");
    devconf__buf_dispose(&b);
    return r;
}

static int nc_copy(devconf_session *s, devconf_datastore target, devconf_datastore source, const char *config)
{
    int r;
    if (target == DEVCONF_DS_CONFIG) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "copy-config: target must be a datastore");
    }
    if ((r = require_ds(s, target, "copy-config")) < 0) {
        return r;
    }
    if (target == DEVCONF_DS_RUNNING && (r = devconf__require_cap(s, "writable-running", "copy-config to running")) < 0) {
        return r;
    }
    if (source != DEVCONF_DS_CONFIG && (r = require_ds(s, source, "copy-config")) < 0) {
        return r;
    }
    devconf__buf b = { 0 };
    devconf__buf_puts(&b, "<copy-config>");
    ds_elem(&b, "target", target);
    if (source == DEVCONF_DS_CONFIG) {
        if ((r = config_source(s, &b, config)) < 0) {
            devconf__buf_dispose(&b);
            return r;
        }
    } else {
        ds_elem(&b, "source", source);
    }
    devconf__buf_puts(&b, "</copy-config>");
    r = b.failed ? devconf__error_oom() : call_ok(s, b.data, "copy-config");
    devconf__buf_dispose(&b);
    return r;
}

static int nc_delete(devconf_session *s, devconf_datastore target)
{
    int r = require_ds(s, target, "delete-config");
    if (r < 0) {
        return r;
    }
    char body[96];
    snprintf(body, sizeof body, "<delete-config><target><%s/></target></delete-config>",
             devconf_datastore_name(target));
    return call_ok(s, body, "delete-config");
}

static int nc_get_schema(devconf_session *s, char **out, const char *id, const char *version, const char *format)
{
    int r = devconf__require_cap(s, "ietf-netconf-monitoring", "get-schema");
    if (r < 0) {
        return r;
    }
    devconf__buf b = { 0 };
    devconf__buf_puts(&b, "<get-schema xmlns=\"urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring\"><identifier>");
    devconf__buf_xml_escape(&b, id);
    devconf__buf_puts(&b, "</identifier>");
    if (version) {
        devconf__buf_puts(&b, "<version>");
        devconf__buf_xml_escape(&b, version);
        devconf__buf_puts(&b, "</version>");
    }
    devconf__buf_printf(&b, "<format>%s</format></get-schema>", format ? format : "yang");
    if (b.failed) {
        devconf__buf_dispose(&b);
        return devconf__error_oom();
    }
    char *reply = NULL;
    size_t len = 0;
    devconf__nc_env env;
    r = devconf__ncc_call(NC(s), b.data, "get-schema", rpc_deadline(s), &reply, &len, &env);
    devconf__buf_dispose(&b);
    if (r < 0) {
        return r;
    }
    r = devconf__ncc_reply_status(s->ctx, s->host, "get-schema", reply, len, &env, true);
    bool has_data = env.has_data;
    devconf__nc_env_dispose(&env);
    if (r == 0 && has_data) {
        r = devconf__nc_reply_text(reply, out);
    } else if (r == 0) {
        r = devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EPROTO, "get-schema: the reply from %s has no data",
                               s->host);
    }
    free(reply);
    return r;
}

static int nc_kill(devconf_session *s, uint32_t id)
{
    char body[96];
    snprintf(body, sizeof body, "<kill-session><session-id>%u</session-id></kill-session>", (unsigned)id);
    return call_ok(s, body, "kill-session");
}

static int nc_generic_rpc(devconf_session *s, char **out, const char *text, devconf_format format)
{
    struct ly_ctx *ly = LY(s);
    struct lyd_node *tree = NULL;
    devconf_format in_fmt;
    int r = devconf__rpc_parse(ly, text, DEVCONF_FORMAT_AUTO, &tree, &in_fmt);
    if (r < 0) {
        return r;
    }
    if (format == DEVCONF_FORMAT_AUTO) {
        format = in_fmt;
    }
    struct lyd_node *req = devconf__find_op(tree);
    bool action = req && req->schema->nodetype == LYS_ACTION;
    char what[128];
    snprintf(what, sizeof what, "%s %s", action ? "action" : "rpc", req ? req->schema->name : "(unknown)");
    /* an RPC in XML goes out as the caller wrote it (validated above): anyxml content such as a
     * <filter> survives unchanged; JSON, and actions, go out as the parsed tree */
    devconf__buf b = { 0 };
    if (action) {
        devconf__buf_puts(&b, "<action xmlns=\"urn:ietf:params:xml:ns:yang:1\">");
    }
    if (in_fmt == DEVCONF_FORMAT_XML && !action) {
        const char *p = devconf__skip_ws(text);
        if (!strncmp(p, "<?xml", 5) && strstr(p, "?>")) {
            p = devconf__skip_ws(strstr(p, "?>") + 2);
        }
        devconf__buf_puts(&b, p);
    } else {
        char *xml = NULL;
        if (lyd_print_mem(&xml, tree, LYD_XML, LYD_PRINT_WITHSIBLINGS | LYD_PRINT_SHRINK) != LY_SUCCESS) {
            lyd_free_all(tree);
            devconf__buf_dispose(&b);
            return devconf__yang_error(ly, DEVCONF_ERROR, "cannot print the RPC");
        }
        devconf__buf_puts(&b, xml ? xml : "");
        free(xml);
    }
    if (action) {
        devconf__buf_puts(&b, "</action>");
    }
    /* the reply is parsed as this operation's output, under a copy of the operation node */
    struct lyd_node *op = NULL;
    if (req && lyd_dup_single(req, NULL, LYD_DUP_WITH_PARENTS, &op) != LY_SUCCESS) {
        op = NULL;
    }
    lyd_free_all(tree);
    if (b.failed || !op) {
        devconf__buf_dispose(&b);
        lyd_free_all(op);
        return devconf__error_oom();
    }
    char *reply = NULL;
    size_t len = 0;
    devconf__nc_env env;
    r = devconf__ncc_call(NC(s), b.data, what, rpc_deadline(s), &reply, &len, &env);
    devconf__buf_dispose(&b);
    if (r == 0) {
        r = devconf__ncc_reply_status(s->ctx, s->host, what, reply, len, &env, true);
        devconf__nc_env_dispose(&env);
    }
    if (r == 0) {
        struct ly_in *in = NULL;
        struct lyd_node *envp = NULL;
        devconf__log_capture_begin();
        if (ly_in_new_memory(reply, &in) != LY_SUCCESS ||
            lyd_parse_op(ly, op, in, LYD_XML, LYD_TYPE_REPLY_NETCONF, &envp, NULL) != LY_SUCCESS) {
            r = devconf__yang_error(ly, DEVCONF_EPROTO, "the reply does not match the operation's output");
            devconf__error_set_message("%s: %s", what, devconf_error_message(devconf_error_last()));
        }
        devconf__log_capture_end();
        ly_in_free(in, 0);
        lyd_free_all(envp);
        if (r == 0) {
            r = devconf__print_rpc_output(op, format, out);
        }
    }
    free(reply);
    lyd_free_all(op);
    return r;
}

static struct ly_ctx *nc_yang_ctx(devconf_session *s)
{
    return LY(s);
}

const devconf__transport devconf__netconf_ssh_transport = {
    .name = "netconf+ssh",
    .protocol = DEVCONF_PROTO_NETCONF,
    .open = nc_open,
    .close = nc_close,
    .is_connected = nc_is_connected,
    .read = nc_read,
    .edit = nc_edit,
    .commit = nc_commit,
    .cancel_commit = nc_cancel_commit,
    .discard = nc_discard,
    .lock = nc_lock,
    .validate = nc_validate,
    .copy = nc_copy,
    .delete_config = nc_delete,
    .get_schema = nc_get_schema,
    .kill = nc_kill,
    .rpc = nc_generic_rpc,
    .yang_ctx = nc_yang_ctx,
};
