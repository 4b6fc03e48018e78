/* The fleet: its devices (URI and deep-copied session options each), selection by name, glob and
 * group, the result accessors, and devconf_fleet_run(): each operation as one device's job. */
#include "fleet/fleet_p.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_FORKS 20

DEVCONF_API int devconf_fleet_new(devconf_fleet **out, devconf_ctx *ctx)
{
    if (out) {
        *out = NULL;
    }
    if (!out || !ctx) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_fleet_new: NULL argument");
    }
    devconf_fleet *f = calloc(1, sizeof *f);
    if (!f) {
        return devconf__error_oom();
    }
    f->ctx = ctx;
    *out = f;
    return 0;
}

static void device_dispose(devconf__fleet_device *d)
{
    free(d->name);
    free(d->uri);
    for (size_t i = 0; i < d->ngroups; i++) {
        free(d->groups[i]);
    }
    free(d->groups);
    free(d->s_username);
    devconf__secure_free(d->s_password);
    free(d->s_private_key);
    devconf__secure_free(d->s_passphrase);
    free(d->s_known_hosts);
    free(d->s_ca_file);
    free(d->s_client_cert);
    free(d->s_client_key);
    devconf__secure_free(d->s_bearer_token);
}

DEVCONF_API void devconf_fleet_free(devconf_fleet *f)
{
    if (!f) {
        return;
    }
    for (size_t i = 0; i < f->n; i++) {
        device_dispose(&f->dev[i]);
    }
    free(f->dev);
    free(f);
}

static bool valid_device_name(const char *n)
{
    size_t len = 0;
    for (const char *p = n; *p; p++, len++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("._-:@", c))) {
            return false;
        }
    }
    return len > 0 && len <= 255;
}

static int dup_field(char **slot, const char *v)
{
    if (!v) {
        *slot = NULL;
        return 0;
    }
    *slot = devconf__strdup(v);
    return *slot ? 0 : DEVCONF_ENOMEM;
}

int devconf__fleet_device_set_opts(devconf__fleet_device *d, const devconf_session_options *opts)
{
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    if (opts) {
        devconf_session_options tmp;
        if (devconf_session_options_init(&tmp, opts->version) < 0) {
            return devconf_error_code(devconf_error_last());
        }
        /* as of the caller's version: what its struct has, the defaults after that */
        memcpy(&o, opts, opts->version == 1   ? offsetof(devconf_session_options, ca_file)
                         : opts->version == 2 ? offsetof(devconf_session_options, max_reply_bytes)
                                              : sizeof o);
        o.version = DEVCONF_SESSION_OPTIONS_VERSION;
    }
    int r = 0;
    if ((r = dup_field(&d->s_username, o.username)) < 0 || (r = dup_field(&d->s_password, o.password)) < 0 ||
        (r = dup_field(&d->s_private_key, o.private_key)) < 0 || (r = dup_field(&d->s_passphrase, o.passphrase)) < 0 ||
        (r = dup_field(&d->s_known_hosts, o.known_hosts)) < 0 || (r = dup_field(&d->s_ca_file, o.ca_file)) < 0 ||
        (r = dup_field(&d->s_client_cert, o.client_cert)) < 0 || (r = dup_field(&d->s_client_key, o.client_key)) < 0 ||
        (r = dup_field(&d->s_bearer_token, o.bearer_token)) < 0) {
        return r;
    }
    o.username = d->s_username;
    o.password = d->s_password;
    o.private_key = d->s_private_key;
    o.passphrase = d->s_passphrase;
    o.known_hosts = d->s_known_hosts;
    o.ca_file = d->s_ca_file;
    o.client_cert = d->s_client_cert;
    o.client_key = d->s_client_key;
    o.bearer_token = d->s_bearer_token;
    d->opts = o;
    return 0;
}

DEVCONF_API int devconf_fleet_add(devconf_fleet *f, const char *name, const char *uri,
                                  const devconf_session_options *opts, const char *groups)
{
    if (!f || !name || !uri) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_fleet_add: NULL argument");
    }
    if (!valid_device_name(name)) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "devconf_fleet_add: device name '%.80s' must be 1-255 letters, digits or ._-:@",
                                  name);
    }
    for (size_t i = 0; i < f->n; i++) {
        if (!strcmp(f->dev[i].name, name)) {
            return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                      "devconf_fleet_add: the fleet has a device named '%s' already", name);
        }
    }
    devconf__uri u;
    int r = devconf__uri_parse(&u, uri);
    if (r < 0) {
        devconf__error_set_message("device %s: %s", name, devconf_error_message(devconf_error_last()));
        return r;
    }
    devconf__uri_dispose(&u);
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 64;
        devconf__fleet_device *d = realloc(f->dev, cap * sizeof *d);
        if (!d) {
            return devconf__error_oom();
        }
        f->dev = d;
        f->cap = cap;
    }
    devconf__fleet_device *d = &f->dev[f->n];
    memset(d, 0, sizeof *d);
    d->selected = true;
    if (!(d->name = devconf__strdup(name)) || !(d->uri = devconf__strdup(uri)) ||
        (r = devconf__fleet_device_set_opts(d, opts)) < 0) {
        r = r < 0 ? r : DEVCONF_ENOMEM;
        device_dispose(d);
        return r;
    }
    char *copy = groups ? devconf__strdup(groups) : NULL;
    for (char *save = NULL, *g = copy ? strtok_r(copy, ",", &save) : NULL; g; g = strtok_r(NULL, ",", &save)) {
        while (*g == ' ') {
            g++;
        }
        char **gl = realloc(d->groups, (d->ngroups + 1) * sizeof *gl);
        if (!gl || !(gl[d->ngroups] = devconf__strdup(g))) {
            if (gl) {
                d->groups = gl;
            }
            free(copy);
            device_dispose(d);
            return devconf__error_oom();
        }
        d->groups = gl;
        d->ngroups++;
    }
    free(copy);
    f->n++;
    return 0;
}

static bool in_group(const devconf__fleet_device *d, const char *g)
{
    for (size_t i = 0; i < d->ngroups; i++) {
        if (!strcmp(d->groups[i], g)) {
            return true;
        }
    }
    return false;
}

static bool term_matches(const devconf__fleet_device *d, const char *t)
{
    if (!strcmp(t, "all")) {
        return true;
    }
    if (!strncmp(t, "group:", 6)) {
        return in_group(d, t + 6);
    }
    return fnmatch(t, d->name, 0) == 0;
}

DEVCONF_API int devconf_fleet_select(devconf_fleet *f, const char *expr)
{
    if (!f) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_fleet_select: NULL fleet");
    }
    if (!expr || !*devconf__skip_ws(expr)) {
        for (size_t i = 0; i < f->n; i++) {
            f->dev[i].selected = true;
        }
        return (int)f->n;
    }
    char *copy = devconf__strdup(expr);
    if (!copy) {
        return DEVCONF_ENOMEM;
    }
    bool *sel = calloc(f->n ? f->n : 1, sizeof *sel);
    if (!sel) {
        free(copy);
        return devconf__error_oom();
    }
    /* a selection that starts by removing starts from everything */
    const char *first = devconf__skip_ws(copy);
    for (size_t i = 0; i < f->n && *first == '!'; i++) {
        sel[i] = true;
    }
    int r = 0;
    for (char *save = NULL, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        while (*t == ' ') {
            t++;
        }
        size_t len = strlen(t);
        while (len && t[len - 1] == ' ') {
            t[--len] = '\0';
        }
        bool remove = *t == '!';
        const char *term = remove ? t + 1 : t;
        bool any = false;
        for (size_t i = 0; i < f->n; i++) {
            if (term_matches(&f->dev[i], term)) {
                sel[i] = !remove;
                any = true;
            }
        }
        if (!any) {
            r = devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                   "fleet selection: '%s' matches no device (names, globs, group:NAME or all)", term);
            break;
        }
    }
    int count = 0;
    if (r == 0) {
        for (size_t i = 0; i < f->n; i++) {
            f->dev[i].selected = sel[i];
            count += sel[i];
        }
    }
    free(sel);
    free(copy);
    return r < 0 ? r : count;
}

DEVCONF_API size_t devconf_fleet_count(const devconf_fleet *f)
{
    return f ? f->n : 0;
}

DEVCONF_API const char *devconf_fleet_device_name(const devconf_fleet *f, size_t i)
{
    return f && i < f->n ? f->dev[i].name : NULL;
}

DEVCONF_API const char *devconf_fleet_device_uri(const devconf_fleet *f, size_t i)
{
    return f && i < f->n ? f->dev[i].uri : NULL;
}

DEVCONF_API int devconf_fleet_device_selected(const devconf_fleet *f, size_t i)
{
    return f && i < f->n && f->dev[i].selected;
}

/* ---- results ---- */

DEVCONF_API const char *devconf_fleet_result_device(const devconf_fleet_result *r)
{
    return r ? r->device : NULL;
}

DEVCONF_API size_t devconf_fleet_result_index(const devconf_fleet_result *r)
{
    return r ? r->index : 0;
}

DEVCONF_API const char *devconf_fleet_result_uri(const devconf_fleet_result *r)
{
    return r ? r->uri : NULL;
}

DEVCONF_API int devconf_fleet_result_code(const devconf_fleet_result *r)
{
    return r ? r->code : DEVCONF_EINVAL;
}

DEVCONF_API const devconf_error *devconf_fleet_result_error(const devconf_fleet_result *r)
{
    return r && r->code ? r->err : NULL;
}

DEVCONF_API const char *devconf_fleet_result_data(const devconf_fleet_result *r)
{
    return r ? r->data : NULL;
}

DEVCONF_API int64_t devconf_fleet_result_elapsed_ms(const devconf_fleet_result *r)
{
    return r ? r->elapsed_ms : 0;
}

DEVCONF_API unsigned int devconf_fleet_result_attempts(const devconf_fleet_result *r)
{
    return r ? r->attempts : 0;
}

DEVCONF_API devconf_fleet_txn_state devconf_fleet_result_txn_state(const devconf_fleet_result *r)
{
    return r ? r->state : DEVCONF_FLEET_TXN_NONE;
}

/* ---- devconf_fleet_run(): one device's job ---- */

static const size_t op_sizes[] = { sizeof(devconf_fleet_op) };

static devconf_datastore write_target(devconf_session *s, devconf_datastore ds)
{
    if (ds) {
        return ds;
    }
    return devconf_session_has_capability(s, "candidate") ? DEVCONF_DS_CANDIDATE : DEVCONF_DS_RUNNING;
}

static int apply_job(devconf_session *s, const devconf_fleet_op *op, char **data, int timeout_ms)
{
    devconf_txn *t = NULL;
    int r;
    if (op->dry_run) {
        devconf_edit_options eo = DEVCONF_EDIT_OPTIONS_INIT;
        eo.default_operation = op->default_operation;
        eo.timeout_ms = timeout_ms;
        devconf_datastore ds = write_target(s, op->datastore);
        if ((r = devconf_diff(data, s, ds, op->payload, &eo, DEVCONF_DIFF_UNIFIED)) == 0) {
            r = devconf_dry_run(s, ds, op->payload, &eo);
        }
        return r;
    }
    if ((r = devconf_txn_begin(&t, s)) < 0) {
        return r;
    }
    if ((r = devconf_txn_load(t, op->payload,
                              op->default_operation == DEVCONF_EDIT_REPLACE ? DEVCONF_LOAD_REPLACE : DEVCONF_LOAD_MERGE)) ==
            0 &&
        (r = devconf_txn_diff(data, t, DEVCONF_DIFF_UNIFIED)) == 0) {
        devconf_txn_commit_options co = DEVCONF_TXN_COMMIT_OPTIONS_INIT;
        co.revert_seconds = op->confirm_seconds;
        co.timeout_ms = timeout_ms;
        r = devconf_txn_commit(t, &co);
        if (r == 0 && op->confirm_seconds) {
            r = devconf_txn_confirm(t);
        }
    }
    devconf_error *saved = NULL;
    if (r < 0) {
        devconf_error_dup(&saved, devconf_error_last());
    }
    devconf_txn_free(t); /* discards what is left staged, unlocks */
    if (saved) {
        devconf__error_restore(saved);
    }
    return r;
}

static int op_job(devconf_session *s, const char *device, const devconf_fleet_op *op, char **data, int timeout_ms,
                  devconf__fleet_run *run)
{
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    ro.format = op->format;
    ro.timeout_ms = timeout_ms;
    ro.cancel_cb = devconf__fleet_cancel_cb;
    ro.cancel_payload = run;
    devconf_edit_options eo = DEVCONF_EDIT_OPTIONS_INIT;
    eo.default_operation = op->default_operation;
    eo.timeout_ms = timeout_ms;
    eo.cancel_cb = devconf__fleet_cancel_cb;
    eo.cancel_payload = run;
    devconf_call_options co = DEVCONF_CALL_OPTIONS_INIT;
    co.timeout_ms = timeout_ms;
    co.cancel_cb = devconf__fleet_cancel_cb;
    co.cancel_payload = run;
    switch (op->kind) {
    case DEVCONF_FLEET_CONNECT:
        return 0;
    case DEVCONF_FLEET_GET:
        return devconf_get(data, s, op->filter, &ro);
    case DEVCONF_FLEET_GET_CONFIG:
        return devconf_get_config(data, s, op->datastore ? op->datastore : DEVCONF_DS_RUNNING, op->filter, &ro);
    case DEVCONF_FLEET_EDIT_CONFIG:
        return devconf_edit_config(s, write_target(s, op->datastore), op->payload, &eo);
    case DEVCONF_FLEET_COMMIT: {
        devconf_commit_options cm = DEVCONF_COMMIT_OPTIONS_INIT;
        cm.timeout_ms = timeout_ms;
        cm.cancel_cb = devconf__fleet_cancel_cb;
        cm.cancel_payload = run;
        return devconf_commit(s, &cm);
    }
    case DEVCONF_FLEET_DISCARD:
        return devconf_discard_changes(s, &co);
    case DEVCONF_FLEET_VALIDATE:
        return devconf_validate(s, write_target(s, op->datastore), NULL, &co);
    case DEVCONF_FLEET_RPC: {
        devconf_rpc_options rp = DEVCONF_RPC_OPTIONS_INIT;
        rp.format = op->format;
        rp.timeout_ms = timeout_ms;
        rp.cancel_cb = devconf__fleet_cancel_cb;
        rp.cancel_payload = run;
        return devconf_rpc(data, s, op->payload, &rp);
    }
    case DEVCONF_FLEET_DIFF:
        return devconf_diff(data, s, write_target(s, op->datastore), op->payload, &eo, DEVCONF_DIFF_UNIFIED);
    case DEVCONF_FLEET_APPLY:
        return apply_job(s, op, data, timeout_ms);
    case DEVCONF_FLEET_CALLBACK:
        return op->job(s, device, data, op->job_payload);
    case DEVCONF_FLEET_GET_SCHEMA:
        return devconf_get_schema(data, s, op->identifier, NULL, NULL, &co);
    }
    return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "fleet: unknown operation %d", (int)op->kind);
}

static void run_job(devconf__fleet_run *run, size_t k, struct devconf_fleet_result *r, void *arg)
{
    const devconf_fleet_op *op = arg;
    int64_t deadline = run->o.device_timeout_ms ? devconf__now_ms() + run->o.device_timeout_ms : 0;
    if (run->deadline_ms && (!deadline || run->deadline_ms < deadline)) {
        deadline = run->deadline_ms;
    }
    devconf_session *s = NULL;
    int rc = devconf__fleet_open(run, k, deadline, &s, &r->attempts);
    char *data = NULL;
    if (rc == 0) {
        rc = op_job(s, r->device, op, &data, devconf__fleet_left(deadline), run);
    }
    if (rc < 0) {
        if (devconf_error_code(devconf_error_last()) != rc) {
            /* a job's own verdict, without a devconf error behind it */
            devconf__error_set(DEVCONF_ORIGIN_NONE, rc, "%s: the job returned %d (%s)", r->device, rc,
                               devconf_strerror(rc));
        }
        devconf_error_dup(&r->err, devconf_error_last());
    }
    devconf_session_free(s);
    r->code = rc;
    r->data = data;
}

DEVCONF_API int devconf_fleet_run(devconf_fleet *f, const devconf_fleet_op *op, const devconf_fleet_options *opts,
                                  devconf_fleet_summary *summary)
{
    devconf__error_clear();
    if (summary) {
        memset(summary, 0, sizeof *summary);
    }
    if (!f || !op) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_fleet_run: NULL fleet or operation");
    }
    devconf_fleet_op o = DEVCONF_FLEET_OP_INIT;
    int r = devconf__opts_copy(&o, sizeof o, op, op_sizes, 1, "fleet operation");
    if (r < 0) {
        return r;
    }
    if ((unsigned)o.kind > DEVCONF_FLEET_GET_SCHEMA) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_fleet_run: unknown operation %d",
                                  (int)o.kind);
    }
    bool needs_payload = o.kind == DEVCONF_FLEET_EDIT_CONFIG || o.kind == DEVCONF_FLEET_RPC ||
                         o.kind == DEVCONF_FLEET_DIFF || o.kind == DEVCONF_FLEET_APPLY;
    if ((needs_payload && !o.payload) || (o.kind == DEVCONF_FLEET_CALLBACK && !o.job) ||
        (o.kind == DEVCONF_FLEET_GET_SCHEMA && !o.identifier)) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "devconf_fleet_run: the operation needs %s", needs_payload ? "a payload"
                                  : o.kind == DEVCONF_FLEET_CALLBACK ? "a job callback" : "an identifier");
    }
    devconf__fleet_run run;
    if ((r = devconf__fleet_run_init(&run, f, opts)) < 0) {
        return r;
    }
    if (!run.o.forks) {
        run.o.forks = DEFAULT_FORKS;
    }
    run.deliver = true;
    r = devconf__fleet_run_all(&run, run_job, &o);
    if (summary) {
        *summary = run.sum;
    }
    devconf__fleet_run_dispose(&run);
    return r;
}
