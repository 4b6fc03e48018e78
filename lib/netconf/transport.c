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

int devconf__nc_require_ds(devconf_session *s, devconf_datastore ds, const char *what)
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
int devconf__nc_call_ok(devconf_session *s, const char *body, const char *what)
{
    char *reply = NULL;
    size_t len = 0;
    devconf__nc_env env;
    int r = devconf__ncc_call(devconf__nc_client(s), body, what, devconf__nc_deadline(s), &s->cancel, &reply, &len, &env);
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
    bool tls = uri->scheme == DEVCONF_SCHEME_NETCONF_TLS;
    /* over TLS the device takes the user name from the client certificate (RFC 7589 section 7) */
    char *user = tls                ? devconf__strdup("(certificate)")
                 : opts->username ? devconf__strdup(opts->username)
                 : uri->user      ? devconf__strdup(uri->user)
                                  : default_user();
    if (!user) {
        return devconf_error_code(devconf_error_last());
    }
    int64_t start = devconf__now_ms(), deadline = start + s->connect_timeout_ms;
    devconf__nc_stream *stream = NULL;
    int fd = s->accepted_fd; /* call home: the device connected (lib/callhome.c); else -1: dial */
    s->accepted_fd = -1;
    int r = tls ? devconf__nc_tls_open(&stream, s->ctx, fd, uri->host, uri->port, opts, deadline, &s->cancel)
                : devconf__nc_ssh_open(&stream, s->ctx, fd, uri->host, uri->port, user, opts, deadline, &s->cancel);
    devconf__ncc *client = NULL;
    if (r == 0) {
        r = devconf__ncc_open(&client, s->ctx, stream, uri->host, s->max_reply_bytes, deadline, &s->cancel);
    }
    if (r < 0) {
        if (devconf_error_code(devconf_error_last()) == DEVCONF_ETIMEOUT || devconf__now_ms() >= deadline) {
            r = devconf__error_set(devconf_error_origin(devconf_error_last()), DEVCONF_ETIMEOUT,
                                   "NETCONF session setup with %s%s%s port %u did not finish within the connect "
                                   "timeout of %d ms: %s", tls ? "" : user, tls ? "" : "@", uri->host,
                                   (unsigned)uri->port, s->connect_timeout_ms,
                                   devconf_error_message(devconf_error_last()));
        }
        free(user);
        return r;
    }
    free(user);
    struct devconf__nc_state *st = calloc(1, sizeof *st);
    if (!st) {
        devconf__ncc_close(client, 0);
        return devconf__error_oom();
    }
    st->client = client;
    s->tp_data = st;
    {
        size_t n;
        const char *const *c = devconf__ncc_caps(client, &n);
        st->profile = devconf__nc_profile_for(c, n);
    }
    s->session_id = devconf__ncc_session_id(client);
    size_t ncaps;
    const char *const *caps = devconf__ncc_caps(client, &ncaps);
    if ((r = devconf__session_set_caps(s, caps, ncaps)) < 0) {
        return r;
    }
    /* the schemas: shared with every session whose device has the same modules */
    devconf__nc_schemas sc;
    devconf__nc_schemas_init(&sc, s->ctx, client, s->host, s->port, deadline);
    sc.cancel = &s->cancel;
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
    struct devconf__nc_state *st = s->tp_data;
    if (!st) {
        return;
    }
    if (st->sub) {
        devconf_subscription *sub = st->sub;
        devconf__nc_unsubscribe(s, sub);
        devconf__sub_detach(sub);
    }
    devconf__nc_subs_detach(s);
    int bound = s->rpc_timeout_ms < 2000 ? s->rpc_timeout_ms : 2000;
    devconf__ncc_close(st->client, devconf__now_ms() + bound);
    free(st->checked_filter);
    free(st);
    s->tp_data = NULL;
}

static int nc_is_connected(const devconf_session *s)
{
    return devconf__ncc_alive(devconf__nc_client(s));
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
    if ((r = devconf__config_to_xml(devconf__nc_ly(s), req->config, req->format, &xml)) < 0) {
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
    r = devconf__nc_call_ok(s, b.data, "edit-config");
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
    r = b.failed ? devconf__error_oom() : devconf__nc_call_ok(s, b.data, o->confirmed ? "confirmed commit" : "commit");
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
    r = b.failed ? devconf__error_oom() : devconf__nc_call_ok(s, b.data, "cancel-commit");
    devconf__buf_dispose(&b);
    return r;
}

static int nc_discard(devconf_session *s)
{
    int r = devconf__require_cap(s, "candidate", "discard-changes");
    return r < 0 ? r : devconf__nc_call_ok(s, "<discard-changes/>", "discard-changes");
}

static int nc_lock(devconf_session *s, devconf_datastore ds, bool lock)
{
    const char *what = lock ? "lock" : "unlock";
    int r = devconf__nc_require_ds(s, ds, what);
    if (r < 0) {
        return r;
    }
    char body[96];
    snprintf(body, sizeof body, "<%s><target><%s/></target></%s>", what, devconf_datastore_name(ds), what);
    return devconf__nc_call_ok(s, body, what);
}

/* <source><config>...</config></source> for a configuration given as text ("" gives <config/>). */
static int config_source(devconf_session *s, devconf__buf *b, const char *config)
{
    if (devconf__config_is_empty(config)) {
        devconf__buf_puts(b, "<source><config/></source>"); /* a valid source (RFC 6241 7.3) */
        return 0;
    }
    char *xml = NULL;
    int r = devconf__config_to_xml(devconf__nc_ly(s), config, DEVCONF_FORMAT_AUTO, &xml);
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
    if (source != DEVCONF_DS_CONFIG && (r = devconf__nc_require_ds(s, source, "validate")) < 0) {
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
    r = b.failed ? devconf__error_oom() : devconf__nc_call_ok(s, b.data, "validate");
    devconf__buf_dispose(&b);
    return r;
}

static int nc_copy(devconf_session *s, devconf_datastore target, devconf_datastore source, const char *config)
{
    int r;
    if (target == DEVCONF_DS_CONFIG) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "copy-config: target must be a datastore");
    }
    if ((r = devconf__nc_require_ds(s, target, "copy-config")) < 0) {
        return r;
    }
    if (target == DEVCONF_DS_RUNNING && (r = devconf__require_cap(s, "writable-running", "copy-config to running")) < 0) {
        return r;
    }
    if (source != DEVCONF_DS_CONFIG && (r = devconf__nc_require_ds(s, source, "copy-config")) < 0) {
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
    r = b.failed ? devconf__error_oom() : devconf__nc_call_ok(s, b.data, "copy-config");
    devconf__buf_dispose(&b);
    return r;
}

static int nc_delete(devconf_session *s, devconf_datastore target)
{
    int r = devconf__nc_require_ds(s, target, "delete-config");
    if (r < 0) {
        return r;
    }
    char body[96];
    snprintf(body, sizeof body, "<delete-config><target><%s/></target></delete-config>",
             devconf_datastore_name(target));
    return devconf__nc_call_ok(s, body, "delete-config");
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
    r = devconf__ncc_call(devconf__nc_client(s), b.data, "get-schema", devconf__nc_deadline(s), &s->cancel, &reply, &len, &env);
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
    return devconf__nc_call_ok(s, body, "kill-session");
}

static int nc_generic_rpc(devconf_session *s, char **out, const char *text, devconf_format format)
{
    struct ly_ctx *ly = devconf__nc_ly(s);
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
    r = devconf__ncc_call(devconf__nc_client(s), b.data, what, devconf__nc_deadline(s), &s->cancel, &reply, &len, &env);
    devconf__buf_dispose(&b);
    if (r == 0) {
        r = devconf__ncc_reply_status(s->ctx, s->host, what, reply, len, &env, true);
        devconf__nc_env_dispose(&env);
    }
    if (r == 0) {
        struct ly_in *in = NULL;
        struct lyd_node *envp = NULL;
        devconf__log_capture_begin();
        if (devconf__xml_undeclares_ns(reply) || ly_in_new_memory(reply, &in) != LY_SUCCESS ||
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

static bool nc_quirk(const devconf_session *s, int quirk)
{
    const struct devconf__nc_state *st = s->tp_data;
    return st && st->profile && (st->profile->quirks & (1u << quirk));
}

static struct ly_ctx *nc_yang_ctx(devconf_session *s)
{
    return devconf__nc_ly(s);
}

/* The operations are the same over SSH and TLS: only the stream under the session differs. */
#define NC_OPERATIONS \
    .protocol = DEVCONF_PROTO_NETCONF, \
    .open = nc_open, \
    .close = nc_close, \
    .is_connected = nc_is_connected, \
    .read = devconf__nc_read, \
    .edit = nc_edit, \
    .commit = nc_commit, \
    .cancel_commit = nc_cancel_commit, \
    .discard = nc_discard, \
    .lock = nc_lock, \
    .validate = nc_validate, \
    .copy = nc_copy, \
    .delete_config = nc_delete, \
    .get_schema = nc_get_schema, \
    .kill = nc_kill, \
    .rpc = nc_generic_rpc, \
    .yang_ctx = nc_yang_ctx, \
    .quirk = nc_quirk, \
    .get_data = devconf__nc_get_data, \
    .edit_data = devconf__nc_edit_data, \
    .subscribe = devconf__nc_subscribe, \
    .pump = devconf__nc_pump, \
    .unsubscribe = devconf__nc_unsubscribe, \
    .partial_lock = devconf__nc_partial_lock, \
    .partial_unlock = devconf__nc_partial_unlock,

const devconf__transport devconf__netconf_ssh_transport = {
    .name = "netconf+ssh",
    NC_OPERATIONS
};

const devconf__transport devconf__netconf_tls_transport = {
    .name = "netconf+tls",
    NC_OPERATIONS
};
