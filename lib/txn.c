/* Transactions: the NAPALM configuration life cycle, built on the protocol-neutral operations. */
#include "devconf_p.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

struct devconf_txn {
    devconf_session *s;
    char *snapshot;             /* running at begin, XML */
    struct lyd_node *snap_tree; /* the same, parsed */
    struct lyd_node *after;     /* the snapshot with the loads applied locally (for diff) */
    unsigned int guarantees;
    char missing[512];
    bool restconf, staged, locked, loaded, pending;
    bool client_revert;         /* RESTCONF: a confirmed commit kept (and reverted) by the session */
    char *persist;              /* persist id of the pending confirmed commit, or NULL */
    devconf_datastore locked_ds;
};

static void add_missing(devconf_txn *t, const char *what)
{
    size_t n = strlen(t->missing);
    snprintf(t->missing + n, sizeof t->missing - n, "%s%s", n ? "; " : "", what);
}

DEVCONF_API int devconf_txn_begin(devconf_txn **out, devconf_session *s)
{
    if (out) {
        *out = NULL;
    }
    if (!out || !s) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_txn_begin: NULL argument");
    }
    devconf_txn *t = calloc(1, sizeof *t);
    if (!t) {
        return devconf__error_oom();
    }
    t->s = s;
    t->restconf = devconf_session_protocol(s) == DEVCONF_PROTO_RESTCONF;
    t->staged = devconf_session_has_capability(s, "candidate");
    int r = 0;
    if (!t->restconf) {
        if (!t->staged && !devconf_session_has_capability(s, "writable-running")) {
            free(t);
            return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EUNSUPPORTED,
                                      "transaction: %s has neither a candidate nor a writable running datastore",
                                      devconf_session_host(s));
        }
        t->locked_ds = t->staged ? DEVCONF_DS_CANDIDATE : DEVCONF_DS_RUNNING;
        if ((r = devconf_lock(s, t->locked_ds, NULL)) < 0) {
            free(t);
            return r;
        }
        t->locked = true;
        t->guarantees |= DEVCONF_TXN_LOCKED;
        if (t->staged) {
            t->guarantees |= DEVCONF_TXN_STAGED | DEVCONF_TXN_ATOMIC;
        } else {
            add_missing(t, "no candidate: each load changes running at once, and a failed load is not undone");
        }
        if (devconf_session_has_capability(s, "confirmed-commit")) {
            t->guarantees |= DEVCONF_TXN_AUTO_REVERT;
        } else {
            add_missing(t, "no confirmed commit: a commit does not revert by itself");
        }
    } else {
        t->guarantees |= DEVCONF_TXN_STAGED;
        add_missing(t, "RESTCONF has no locks: another client may change the configuration meanwhile");
        t->client_revert = devconf_session_has_capability(s, "urn:devconf:restconf:client-confirmed-commit");
        add_missing(t, t->client_revert ? "RESTCONF has no confirmed commit on the device: a confirmed commit is "
                                          "reverted by this session's timer, only while this process and the "
                                          "session live"
                                        : "RESTCONF has no confirmed commit: a commit does not revert by itself "
                                          "(use rollback)");
        if (devconf_session_has_capability(s, "urn:devconf:restconf:atomic-commit") ||
            devconf_session_has_capability(s, "yang-patch")) {
            t->guarantees |= DEVCONF_TXN_ATOMIC;
        } else {
            add_missing(t, "no YANG Patch: the changes of a commit are sent one by one, not atomically");
        }
    }
    /* a clean candidate, then the snapshot */
    if ((t->staged && (r = devconf_discard_changes(s, NULL)) < 0) ||
        (r = devconf_get_config(&t->snapshot, s, DEVCONF_DS_RUNNING, NULL, NULL)) < 0) {
        goto fail;
    }
    const struct devconf_ctx *prev = devconf__log_enter(s->ctx);
    r = devconf__read_tree(s, DEVCONF_DS_RUNNING, &t->snap_tree);
    if (r == 0 && t->snap_tree && lyd_dup_siblings(t->snap_tree, NULL, LYD_DUP_RECURSIVE, &t->after) != LY_SUCCESS) {
        r = devconf__error_oom();
    }
    devconf__log_leave(prev);
    if (r < 0) {
        goto fail;
    }
    *out = t;
    return 0;
fail:
    {
        devconf_error *saved = NULL;
        devconf_error_dup(&saved, devconf_error_last());
        devconf_txn_free(t);
        devconf__error_restore(saved); /* the failure that matters, not the clean-up's */
    }
    return r;
}

DEVCONF_API unsigned int devconf_txn_guarantees(const devconf_txn *t)
{
    return t ? t->guarantees : 0;
}

DEVCONF_API const char *devconf_txn_missing(const devconf_txn *t)
{
    return t ? t->missing : "";
}

DEVCONF_API int devconf_txn_load(devconf_txn *t, const char *config, devconf_load_mode mode)
{
    if (!t || !config || (mode != DEVCONF_LOAD_MERGE && mode != DEVCONF_LOAD_REPLACE)) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_txn_load: bad argument");
    }
    devconf_edit_options eo = DEVCONF_EDIT_OPTIONS_INIT;
    eo.default_operation = mode == DEVCONF_LOAD_REPLACE ? DEVCONF_EDIT_REPLACE : DEVCONF_EDIT_MERGE;
    int r = devconf_edit_config(t->s, t->staged ? DEVCONF_DS_CANDIDATE : DEVCONF_DS_RUNNING, config, &eo);
    if (r < 0) {
        return r;
    }
    t->loaded = true;
    /* the same change applied to the local copy, for diff */
    const struct devconf_ctx *prev = devconf__log_enter(t->s->ctx);
    struct lyd_node *edit = NULL;
    r = devconf__config_parse(t->s->tp->yang_ctx(t->s), config, DEVCONF_FORMAT_AUTO, &edit);
    if (r == 0) {
        r = devconf__apply_edit(&t->after, edit, eo.default_operation);
        lyd_free_all(edit);
    }
    devconf__log_leave(prev);
    return r;
}

DEVCONF_API int devconf_txn_diff(char **out, devconf_txn *t, devconf_diff_format format)
{
    if (out) {
        *out = NULL;
    }
    if (!out || !t || (unsigned)format > DEVCONF_DIFF_EDIT_JSON) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_txn_diff: bad argument");
    }
    devconf__error_clear();
    const struct devconf_ctx *prev = devconf__log_enter(t->s->ctx);
    int r = devconf__diff_trees(t->snap_tree, t->after, "running", format, out);
    devconf__log_leave(prev);
    return r;
}

static const size_t txn_commit_sizes[] = { sizeof(devconf_txn_commit_options) };

DEVCONF_API int devconf_txn_commit_options_init(devconf_txn_commit_options *opts, unsigned int version)
{
    devconf_txn_commit_options d = DEVCONF_TXN_COMMIT_OPTIONS_INIT;
    return devconf__opts_init(opts, &d, version, txn_commit_sizes, 1, "transaction commit options");
}

DEVCONF_API int devconf_txn_commit(devconf_txn *t, const devconf_txn_commit_options *opts)
{
    if (!t) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_txn_commit: NULL transaction");
    }
    devconf_txn_commit_options o = DEVCONF_TXN_COMMIT_OPTIONS_INIT;
    int r = devconf__opts_copy(&o, sizeof o, opts, txn_commit_sizes, 1, "transaction commit options");
    if (r < 0) {
        return r;
    }
    uint32_t revert_seconds = o.revert_seconds;
    if (o.persist && !revert_seconds) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "devconf_txn_commit: a persist id needs revert_seconds (a confirmed commit)");
    }
    if (revert_seconds && !(t->guarantees & DEVCONF_TXN_AUTO_REVERT) && !t->client_revert) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EUNSUPPORTED,
                                  "commit with automatic revert: %s has no confirmed commit; commit plainly and "
                                  "roll back if needed", devconf_session_host(t->s));
    }
    if (!t->staged) {
        return 0; /* the loads already changed running */
    }
    devconf_commit_options co = DEVCONF_COMMIT_OPTIONS_INIT;
    co.confirmed = revert_seconds ? 1 : 0;
    co.confirm_timeout = revert_seconds;
    co.persist = o.persist;
    co.timeout_ms = o.timeout_ms;
    co.cancel_cb = o.cancel_cb;
    co.cancel_payload = o.cancel_payload;
    r = devconf_commit(t->s, &co);
    if (r == 0) {
        t->pending = revert_seconds != 0;
        t->loaded = false;
        free(t->persist);
        t->persist = o.persist ? devconf__strdup(o.persist) : NULL;
    }
    return r;
}

DEVCONF_API int devconf_txn_confirm(devconf_txn *t)
{
    if (!t || !t->pending) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "devconf_txn_confirm: no confirmed commit of this transaction is pending");
    }
    /* a commit started with a persist id is confirmed by naming it (RFC 6241 8.4.5.1) */
    devconf_commit_options co = DEVCONF_COMMIT_OPTIONS_INIT;
    co.persist_id = t->persist;
    int r = devconf_commit(t->s, &co);
    if (r == 0) {
        t->pending = false;
    }
    return r;
}

/* RESTCONF: the edit that turns running back into the snapshot, sent and committed. */
static int restconf_restore(devconf_txn *t)
{
    struct lyd_node *cur = NULL;
    const struct devconf_ctx *prev = devconf__log_enter(t->s->ctx);
    int r = devconf__read_tree(t->s, DEVCONF_DS_RUNNING, &cur);
    char *edit = NULL;
    if (r == 0) {
        r = devconf__diff_trees(cur, t->snap_tree, "running", DEVCONF_DIFF_EDIT_XML, &edit);
    }
    devconf__log_leave(prev);
    lyd_free_all(cur);
    if (r < 0) {
        return r;
    }
    if (!*devconf__skip_ws(edit)) {
        free(edit);
        return 0; /* running is the snapshot already */
    }
    /* create/replace become merges: RESTCONF writes them as whole resources */
    for (char *p = edit; (p = strstr(p, "nc:operation=\"")); p++) {
        char *v = p + strlen("nc:operation=\"");
        if (!strncmp(v, "create\"", 7) || !strncmp(v, "replace\"", 8)) {
            bool rep = v[0] == 'r';
            memcpy(v, "merge\"", 6);
            memmove(v + 6, v + (rep ? 8 : 7), strlen(v + (rep ? 8 : 7)) + 1);
        }
    }
    r = devconf_edit_config(t->s, DEVCONF_DS_CANDIDATE, edit, NULL);
    free(edit);
    return r < 0 ? r : devconf_commit(t->s, NULL);
}

DEVCONF_API int devconf_txn_rollback(devconf_txn *t)
{
    if (!t) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_txn_rollback: NULL transaction");
    }
    int r;
    if (t->pending) {
        /* the device reverts the confirmed commit itself */
        if ((r = devconf_cancel_commit(t->s, t->persist, NULL)) == 0) {
            t->pending = false;
        }
        return r;
    }
    if (t->staged && (r = devconf_discard_changes(t->s, NULL)) < 0) {
        return r;
    }
    t->loaded = false;
    if (t->restconf) {
        r = restconf_restore(t);
    } else {
        r = devconf_copy_config(t->s, t->staged ? DEVCONF_DS_CANDIDATE : DEVCONF_DS_RUNNING, DEVCONF_DS_CONFIG,
                                t->snapshot, NULL);
        if (r == 0 && t->staged) {
            r = devconf_commit(t->s, NULL);
        }
    }
    if (r == 0) {
        /* the local copy follows */
        lyd_free_all(t->after);
        t->after = NULL;
        if (t->snap_tree && lyd_dup_siblings(t->snap_tree, NULL, LYD_DUP_RECURSIVE, &t->after) != LY_SUCCESS) {
            r = devconf__error_oom();
        }
    }
    return r;
}

DEVCONF_API void devconf_txn_free(devconf_txn *t)
{
    if (!t) {
        return;
    }
    /* a destructor leaves the thread's error alone: it is what the caller is looking at */
    devconf_error *saved = NULL;
    devconf_error_dup(&saved, devconf_error_last());
    if (t->loaded && t->staged) {
        devconf_discard_changes(t->s, NULL);
    }
    if (t->locked) {
        devconf_unlock(t->s, t->locked_ds, NULL);
    }
    devconf__error_restore(saved);
    free(t->snapshot);
    free(t->persist);
    lyd_free_all(t->snap_tree);
    lyd_free_all(t->after);
    free(t);
}
