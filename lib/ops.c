/* The public datastore operations: argument checks, then the session's transport. */
#include "devconf_p.h"

#include <stddef.h>
#include <string.h>

DEVCONF_API const char *devconf_datastore_name(devconf_datastore ds)
{
    switch (ds) {
    case DEVCONF_DS_RUNNING: return "running";
    case DEVCONF_DS_CANDIDATE: return "candidate";
    case DEVCONF_DS_STARTUP: return "startup";
    case DEVCONF_DS_CONFIG: return "config";
    case DEVCONF_DS_INTENDED: return "intended";
    case DEVCONF_DS_OPERATIONAL: return "operational";
    }
    return "unknown";
}

/* Common entry of every operation: clears the error, guards against re-entrance from a log
 * callback, routes dependency logs to the session's ctx, and sets the call's deadline and cancel
 * callback (call may be NULL: the session's RPC timeout, no cancel). The schema context needs no
 * lock: it never changes once built. */
int devconf__call_enter(devconf_session *s, const char *fn, const struct devconf_ctx **prev,
                        const struct devconf__call *call)
{
    devconf__error_clear();
    if (!s) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "%s: NULL session", fn);
    }
    if (s->in_call) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "%s: called from a callback of a call already running on this session", fn);
    }
    if (call && call->timeout_ms < 0) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "%s: a negative timeout (0 selects the session's RPC timeout)", fn);
    }
    s->in_call = true;
    s->call_timeout_ms = call && call->timeout_ms ? call->timeout_ms : s->rpc_timeout_ms;
    s->call_deadline_ms = devconf__now_ms() + s->call_timeout_ms;
    s->cancel.cb = call ? call->cancel_cb : NULL;
    s->cancel.payload = call ? call->cancel_payload : NULL;
    *prev = devconf__log_enter(s->ctx);
    return 0;
}

int devconf__call_leave(devconf_session *s, const struct devconf_ctx *prev, int r)
{
    devconf__log_leave(prev);
    s->cancel.cb = NULL;
    s->cancel.payload = NULL;
    s->in_call = false;
    return r;
}

const char *devconf__wd_name(devconf_with_defaults wd)
{
    switch (wd) {
    case DEVCONF_WD_REPORT_ALL: return "report-all";
    case DEVCONF_WD_REPORT_ALL_TAGGED: return "report-all-tagged";
    case DEVCONF_WD_TRIM: return "trim";
    case DEVCONF_WD_EXPLICIT: return "explicit";
    default: return NULL;
    }
}

static int unsupported(devconf_session *s, const char *what)
{
    return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EUNSUPPORTED, "%s is not available over %s", what,
                              s->tp->name);
}

#define CALL(s, call, fn, op, what, ...)                                            \
    do {                                                                            \
        const struct devconf_ctx *prev_;                                            \
        int r_ = devconf__call_enter((s), fn, &prev_, (call));                      \
        if (r_ < 0) {                                                               \
            return r_;                                                              \
        }                                                                           \
        r_ = (s)->tp->op ? (s)->tp->op((s), __VA_ARGS__) : unsupported((s), what);  \
        return devconf__call_leave((s), prev_, r_);                                 \
    } while (0)

/* ---- options: the size of each struct version, one copy for all ---- */

static const size_t read_sizes[] = {
    offsetof(devconf_read_options, depth), offsetof(devconf_read_options, device_text),
    offsetof(devconf_read_options, timeout_ms), sizeof(devconf_read_options),
};
static const size_t edit_sizes[] = {
    offsetof(devconf_edit_options, if_match), offsetof(devconf_edit_options, timeout_ms),
    sizeof(devconf_edit_options),
};
static const size_t commit_sizes[] = { offsetof(devconf_commit_options, timeout_ms), sizeof(devconf_commit_options) };
static const size_t call_sizes[] = { sizeof(devconf_call_options) };
static const size_t get_data_sizes[] = { sizeof(devconf_get_data_options) };
static const size_t rpc_sizes[] = { sizeof(devconf_rpc_options) };

#define OPTS_COPY(dst, src, sizes, name) \
    devconf__opts_copy((dst), sizeof *(dst), (src), (sizes), sizeof(sizes) / sizeof *(sizes), (name))

DEVCONF_API int devconf_read_options_init(devconf_read_options *opts, unsigned int version)
{
    devconf_read_options d = DEVCONF_READ_OPTIONS_INIT;
    return devconf__opts_init(opts, &d, version, read_sizes, sizeof read_sizes / sizeof *read_sizes, "read options");
}

DEVCONF_API int devconf_edit_options_init(devconf_edit_options *opts, unsigned int version)
{
    devconf_edit_options d = DEVCONF_EDIT_OPTIONS_INIT;
    return devconf__opts_init(opts, &d, version, edit_sizes, sizeof edit_sizes / sizeof *edit_sizes, "edit options");
}

DEVCONF_API int devconf_commit_options_init(devconf_commit_options *opts, unsigned int version)
{
    devconf_commit_options d = DEVCONF_COMMIT_OPTIONS_INIT;
    return devconf__opts_init(opts, &d, version, commit_sizes, sizeof commit_sizes / sizeof *commit_sizes,
                              "commit options");
}

DEVCONF_API int devconf_call_options_init(devconf_call_options *opts, unsigned int version)
{
    devconf_call_options d = DEVCONF_CALL_OPTIONS_INIT;
    return devconf__opts_init(opts, &d, version, call_sizes, 1, "call options");
}

DEVCONF_API int devconf_rpc_options_init(devconf_rpc_options *opts, unsigned int version)
{
    devconf_rpc_options d = DEVCONF_RPC_OPTIONS_INIT;
    return devconf__opts_init(opts, &d, version, rpc_sizes, 1, "RPC options");
}

DEVCONF_API int devconf_get_data_options_init(devconf_get_data_options *opts, unsigned int version)
{
    devconf_get_data_options d = DEVCONF_GET_DATA_OPTIONS_INIT;
    return devconf__opts_init(opts, &d, version, get_data_sizes, 1, "get-data options");
}

int devconf__edit_options_copy(devconf_edit_options *dst, const devconf_edit_options *src, const char *fn)
{
    devconf_edit_options d = DEVCONF_EDIT_OPTIONS_INIT;
    *dst = d;
    (void)fn;
    return OPTS_COPY(dst, src, edit_sizes, "edit options");
}

/* The call part of call options (NULL: defaults), checked. */
static int call_opts(const devconf_call_options *in, struct devconf__call *out)
{
    devconf_call_options o = DEVCONF_CALL_OPTIONS_INIT;
    int r = OPTS_COPY(&o, in, call_sizes, "call options");
    out->timeout_ms = o.timeout_ms;
    out->cancel_cb = o.cancel_cb;
    out->cancel_payload = o.cancel_payload;
    return r;
}

static int check_format(devconf_format f, const char *fn)
{
    if ((unsigned)f > DEVCONF_FORMAT_JSON) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "%s: unknown format %d", fn, (int)f);
    }
    return 0;
}

static int read_common(char **out, devconf_session *s, devconf_datastore source, const char *filter,
                       const devconf_read_options *opts, const char *fn)
{
    if (out) {
        *out = NULL;
    }
    if (!out) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "%s: NULL out", fn);
    }
    devconf_read_options o = DEVCONF_READ_OPTIONS_INIT;
    int r = OPTS_COPY(&o, opts, read_sizes, "read options");
    if (r < 0) {
        return r;
    }
    if ((unsigned)o.filter_type > DEVCONF_FILTER_XPATH || (unsigned)o.with_defaults > DEVCONF_WD_EXPLICIT ||
        check_format(o.format, fn) < 0) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "%s: invalid read options", fn);
    }
    if (o.device_text && o.format == DEVCONF_FORMAT_JSON) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "%s: device_text returns the device's XML; it cannot be asked with JSON output", fn);
    }
    struct devconf__read_req req = { source, filter, o.filter_type, o.with_defaults,
                                     o.format == DEVCONF_FORMAT_JSON ? DEVCONF_FORMAT_JSON : DEVCONF_FORMAT_XML,
                                     o.depth, o.fields, o.device_text != 0 };
    struct devconf__call call = { o.timeout_ms, o.cancel_cb, o.cancel_payload };
    CALL(s, &call, fn, read, fn, out, &req);
}

DEVCONF_API int devconf_get(char **out, devconf_session *s, const char *filter, const devconf_read_options *opts)
{
    return read_common(out, s, 0, filter, opts, "get");
}

DEVCONF_API int devconf_get_config(char **out, devconf_session *s, devconf_datastore source, const char *filter,
                                   const devconf_read_options *opts)
{
    if (source < DEVCONF_DS_RUNNING || source > DEVCONF_DS_STARTUP) {
        if (out) {
            *out = NULL;
        }
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "get-config: source must be running, candidate or startup");
    }
    return read_common(out, s, source, filter, opts, "get-config");
}

DEVCONF_API int devconf_edit_config(devconf_session *s, devconf_datastore target, const char *config,
                                    const devconf_edit_options *opts)
{
    devconf_edit_options o = DEVCONF_EDIT_OPTIONS_INIT;
    int r = OPTS_COPY(&o, opts, edit_sizes, "edit options");
    if (r < 0) {
        return r;
    }
    if (!config) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "edit-config: NULL configuration");
    }
    if ((unsigned)o.default_operation > DEVCONF_EDIT_NONE || (unsigned)o.test_option > DEVCONF_TEST_ONLY ||
        (unsigned)o.error_option > DEVCONF_ERROR_OPTION_ROLLBACK || check_format(o.format, "edit-config") < 0) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "edit-config: invalid edit options");
    }
    struct devconf__edit_req req = { target, config, o.default_operation, o.test_option, o.error_option, o.format,
                                     o.if_match != 0 };
    struct devconf__call call = { o.timeout_ms, o.cancel_cb, o.cancel_payload };
    CALL(s, &call, "edit-config", edit, "edit-config", &req);
}

DEVCONF_API int devconf_commit(devconf_session *s, const devconf_commit_options *opts)
{
    devconf_commit_options o = DEVCONF_COMMIT_OPTIONS_INIT;
    int r = OPTS_COPY(&o, opts, commit_sizes, "commit options");
    if (r < 0) {
        return r;
    }
    if (!o.confirmed && o.confirm_timeout) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "commit: confirm_timeout is only meaningful with confirmed");
    }
    if (o.persist && !o.confirmed) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "commit: persist needs confirmed");
    }
    struct devconf__call call = { o.timeout_ms, o.cancel_cb, o.cancel_payload };
    CALL(s, &call, "commit", commit, "commit", &o);
}

DEVCONF_API int devconf_cancel_commit(devconf_session *s, const char *persist_id, const devconf_call_options *opts)
{
    struct devconf__call call;
    int r = call_opts(opts, &call);
    if (r < 0) {
        return r;
    }
    CALL(s, &call, "cancel-commit", cancel_commit, "cancel-commit", persist_id);
}

DEVCONF_API int devconf_discard_changes(devconf_session *s, const devconf_call_options *opts)
{
    struct devconf__call call;
    const struct devconf_ctx *prev;
    int r = call_opts(opts, &call);
    if (r < 0 || (r = devconf__call_enter(s, "discard-changes", &prev, &call)) < 0) {
        return r;
    }
    r = s->tp->discard ? s->tp->discard(s) : unsupported(s, "discard-changes");
    return devconf__call_leave(s, prev, r);
}

static int check_ds(devconf_datastore ds, const char *fn)
{
    if (ds < DEVCONF_DS_RUNNING || ds > DEVCONF_DS_STARTUP) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "%s: datastore must be running, candidate or startup", fn);
    }
    return 0;
}

DEVCONF_API int devconf_lock(devconf_session *s, devconf_datastore ds, const devconf_call_options *opts)
{
    struct devconf__call call;
    int r = check_ds(ds, "lock");
    if (r < 0 || (r = call_opts(opts, &call)) < 0) {
        return r;
    }
    CALL(s, &call, "lock", lock, "lock", ds, true);
}

DEVCONF_API int devconf_unlock(devconf_session *s, devconf_datastore ds, const devconf_call_options *opts)
{
    struct devconf__call call;
    int r = check_ds(ds, "unlock");
    if (r < 0 || (r = call_opts(opts, &call)) < 0) {
        return r;
    }
    CALL(s, &call, "unlock", lock, "unlock", ds, false);
}

DEVCONF_API int devconf_validate(devconf_session *s, devconf_datastore source, const char *config,
                                 const devconf_call_options *opts)
{
    struct devconf__call call;
    if (source == DEVCONF_DS_CONFIG ? !config : check_ds(source, "validate") < 0) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "validate: give a datastore, or DEVCONF_DS_CONFIG with configuration text");
    }
    int r = call_opts(opts, &call);
    if (r < 0) {
        return r;
    }
    CALL(s, &call, "validate", validate, "validate", source, source == DEVCONF_DS_CONFIG ? config : NULL);
}

DEVCONF_API int devconf_copy_config(devconf_session *s, devconf_datastore target, devconf_datastore source,
                                    const char *config, const devconf_call_options *opts)
{
    struct devconf__call call;
    int r = check_ds(target, "copy-config");
    if (r < 0 || (r = call_opts(opts, &call)) < 0) {
        return r;
    }
    if (source == DEVCONF_DS_CONFIG ? !config : check_ds(source, "copy-config") < 0) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "copy-config: give a source datastore, or DEVCONF_DS_CONFIG with configuration text");
    }
    if (source == target) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "copy-config: source and target are both %s",
                                  devconf_datastore_name(source));
    }
    CALL(s, &call, "copy-config", copy, "copy-config", target, source, source == DEVCONF_DS_CONFIG ? config : NULL);
}

DEVCONF_API int devconf_delete_config(devconf_session *s, devconf_datastore target, const devconf_call_options *opts)
{
    struct devconf__call call;
    int r = check_ds(target, "delete-config");
    if (r < 0 || (r = call_opts(opts, &call)) < 0) {
        return r;
    }
    if (target == DEVCONF_DS_RUNNING) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "delete-config: the running datastore cannot be deleted (RFC 6241 7.4)");
    }
    CALL(s, &call, "delete-config", delete_config, "delete-config", target);
}

DEVCONF_API int devconf_get_schema(char **out, devconf_session *s, const char *identifier, const char *version,
                                   const char *format, const devconf_call_options *opts)
{
    struct devconf__call call;
    if (out) {
        *out = NULL;
    }
    if (!out || !identifier || !*identifier) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "get-schema: NULL out or empty identifier");
    }
    if (format && strcmp(format, "yang") && strcmp(format, "yin")) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "get-schema: format must be \"yang\" or \"yin\", not \"%s\"", format);
    }
    int r = call_opts(opts, &call);
    if (r < 0) {
        return r;
    }
    CALL(s, &call, "get-schema", get_schema, "get-schema", out, identifier, version, format);
}

DEVCONF_API int devconf_kill_session(devconf_session *s, uint32_t session_id, const devconf_call_options *opts)
{
    struct devconf__call call;
    if (!session_id || (s && session_id == s->session_id)) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "kill-session: session id %u is %s", (unsigned)session_id,
                                  session_id ? "this session's own (close it instead)" : "invalid");
    }
    int r = call_opts(opts, &call);
    if (r < 0) {
        return r;
    }
    CALL(s, &call, "kill-session", kill, "kill-session", session_id);
}

DEVCONF_API int devconf_partial_lock(devconf_session *s, const char *const *selects, size_t n, uint32_t *lock_id,
                                     const devconf_call_options *opts)
{
    struct devconf__call call;
    if (!selects || !lock_id || !n || n > DEVCONF_MAX_PARTIAL_LOCK_SELECTS) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "partial-lock: %s",
                                  !selects || !lock_id ? "NULL selects or lock_id"
                                  : !n ? "no select (give at least one XPath)"
                                       : "more selects than DEVCONF_MAX_PARTIAL_LOCK_SELECTS");
    }
    for (size_t i = 0; i < n; i++) {
        if (!selects[i] || !*devconf__skip_ws(selects[i])) {
            return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "partial-lock: select %zu is %s", i,
                                      selects[i] ? "empty" : "NULL");
        }
    }
    int r = call_opts(opts, &call);
    if (r < 0) {
        return r;
    }
    CALL(s, &call, "partial-lock", partial_lock, "partial-lock (RFC 5717, a NETCONF operation)", selects, n, lock_id);
}

DEVCONF_API int devconf_partial_unlock(devconf_session *s, uint32_t lock_id, const devconf_call_options *opts)
{
    struct devconf__call call;
    int r = call_opts(opts, &call);
    if (r < 0) {
        return r;
    }
    CALL(s, &call, "partial-unlock", partial_unlock, "partial-unlock (RFC 5717, a NETCONF operation)", lock_id);
}

DEVCONF_API int devconf_rpc(char **out, devconf_session *s, const char *rpc, const devconf_rpc_options *opts)
{
    if (out) {
        *out = NULL;
    }
    if (!out || !rpc) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "rpc: NULL out or rpc");
    }
    devconf_rpc_options o = DEVCONF_RPC_OPTIONS_INIT;
    int r = OPTS_COPY(&o, opts, rpc_sizes, "RPC options");
    if (r < 0 || (r = check_format(o.format, "rpc")) < 0) {
        return r;
    }
    struct devconf__call call = { o.timeout_ms, o.cancel_cb, o.cancel_payload };
    CALL(s, &call, "rpc", rpc, "rpc", out, rpc, o.format);
}

/* ---- NMDA (RFC 8526) ---- */

/* The RFC 8526 limit of max-depth (uint16, 1..65535). */
#define MAX_DEPTH_LIMIT 65535u

DEVCONF_API int devconf_get_data(char **out, devconf_session *s, devconf_datastore ds, const char *filter,
                                 const devconf_get_data_options *opts)
{
    if (out) {
        *out = NULL;
    }
    if (!out) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "get-data: NULL out");
    }
    if (ds != DEVCONF_DS_RUNNING && ds != DEVCONF_DS_CANDIDATE && ds != DEVCONF_DS_STARTUP &&
        ds != DEVCONF_DS_INTENDED && ds != DEVCONF_DS_OPERATIONAL) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "get-data: the datastore must be running, candidate, startup, intended or "
                                  "operational, not %d", (int)ds);
    }
    devconf_get_data_options o = DEVCONF_GET_DATA_OPTIONS_INIT;
    int r = OPTS_COPY(&o, opts, get_data_sizes, "get-data options");
    if (r < 0) {
        return r;
    }
    if ((unsigned)o.filter_type > DEVCONF_FILTER_XPATH || (unsigned)o.with_defaults > DEVCONF_WD_EXPLICIT ||
        (unsigned)o.config_filter > DEVCONF_CONFIG_FILTER_NONCONFIG || check_format(o.format, "get-data") < 0) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "get-data: invalid get-data options");
    }
    if (o.max_depth > MAX_DEPTH_LIMIT) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "get-data: max-depth %u is past RFC 8526's limit of %u (0: unbounded)", o.max_depth,
                                  MAX_DEPTH_LIMIT);
    }
    if (o.origin_count && !o.origins) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "get-data: origin_count %zu with NULL origins",
                                  o.origin_count);
    }
    for (size_t i = 0; i < o.origin_count; i++) {
        if (!o.origins[i] || !*o.origins[i]) {
            return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "get-data: origin %zu is NULL or empty", i);
        }
    }
    if (o.negate_origins && !o.origin_count) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "get-data: negate_origins without any origin to leave out");
    }
    if (ds != DEVCONF_DS_OPERATIONAL && (o.with_origin || o.origin_count)) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "get-data: %s is only for the operational datastore (RFC 8526 3.1.1), not %s",
                                  o.with_origin ? "with-origin" : "an origin filter", devconf_datastore_name(ds));
    }
    struct devconf__get_data_req req = { ds, filter, o.filter_type, o.config_filter, o.origins, o.origin_count,
                                         o.negate_origins != 0, o.max_depth, o.with_origin != 0, o.with_defaults,
                                         o.format == DEVCONF_FORMAT_JSON ? DEVCONF_FORMAT_JSON : DEVCONF_FORMAT_XML };
    struct devconf__call call = { o.timeout_ms, o.cancel_cb, o.cancel_payload };
    CALL(s, &call, "get-data", get_data, "NMDA get-data", out, &req);
}

DEVCONF_API int devconf_edit_data(devconf_session *s, devconf_datastore ds, const char *config,
                                  const devconf_edit_options *opts)
{
    devconf_edit_options o = DEVCONF_EDIT_OPTIONS_INIT;
    int r = OPTS_COPY(&o, opts, edit_sizes, "edit options");
    if (r < 0) {
        return r;
    }
    if (ds != DEVCONF_DS_RUNNING && ds != DEVCONF_DS_CANDIDATE && ds != DEVCONF_DS_STARTUP) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "edit-data: the datastore must be running, candidate or startup (%s is read-only)",
                                  devconf_datastore_name(ds));
    }
    if (!config) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "edit-data: NULL configuration");
    }
    if ((unsigned)o.default_operation > DEVCONF_EDIT_NONE || check_format(o.format, "edit-data") < 0) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "edit-data: invalid edit options");
    }
    if (o.test_option != DEVCONF_TEST_DEVICE || o.error_option != DEVCONF_ERROR_OPTION_DEVICE) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "edit-data has no %s (RFC 8526 3.1.2): leave it unset",
                                  o.test_option != DEVCONF_TEST_DEVICE ? "test-option" : "error-option");
    }
    struct devconf__edit_req req = { ds, config, o.default_operation, o.test_option, o.error_option, o.format,
                                     o.if_match != 0 };
    struct devconf__call call = { o.timeout_ms, o.cancel_cb, o.cancel_payload };
    CALL(s, &call, "edit-data", edit_data, "NMDA edit-data", &req);
}
