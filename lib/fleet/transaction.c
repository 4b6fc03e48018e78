/* The fleet transaction: every selected device changes, or none does. Three phases over the
 * devices, each run with the fleet's bounded pool, sessions kept open from the first to the last:
 *   prepare  open, check what the device can guarantee, lock the candidate, discard what was staged,
 *            load the payload, validate;
 *   commit   confirmed commit with one persist id everywhere (each device reverts by its own timer
 *            unless confirmed: a client that dies leaves nothing half done for long);
 *   confirm  commit with the persist id everywhere.
 * A failure before the confirmation reverts every device touched: cancel-commit (persist id) where
 * the commit went through, discard-changes where it did not; devices accepted with the weaker
 * guarantee are restored from the snapshot their transaction took. */
#include "fleet/fleet_p.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_CONFIRM_SECONDS 120

struct tdev {
    devconf_session *s;
    devconf_txn *txn;        /* weaker guarantee: its snapshot restores the device */
    bool weak, locked, loaded, committed, confirmed;
    int code;
    devconf_error *err;
    devconf_fleet_txn_state state;
    unsigned attempts;
    int64_t started_ms;
    const char *missing;     /* what the device lacks for the full guarantee, or NULL */
};

struct tctx {
    devconf__fleet_run *run;
    struct tdev *d;
    const char *payload;
    devconf_fleet_txn_options t;
    char persist[48];
    pthread_mutex_t lock;
    bool failed;             /* a device failed in this phase: the others stop where they are */
};

static const size_t txn_opts_sizes[] = { sizeof(devconf_fleet_txn_options) };

DEVCONF_API int devconf_fleet_txn_options_init(devconf_fleet_txn_options *opts, unsigned int version)
{
    devconf_fleet_txn_options d = DEVCONF_FLEET_TXN_OPTIONS_INIT;
    return devconf__opts_init(opts, &d, version, txn_opts_sizes, 1, "fleet transaction options");
}

/* Keeps a device's first failure (its error object) and marks the phase failed. */
static void fail(struct tctx *c, struct tdev *d, int code)
{
    if (!d->code) {
        d->code = code;
        devconf_error_dup(&d->err, devconf_error_last());
    }
    pthread_mutex_lock(&c->lock);
    c->failed = true;
    pthread_mutex_unlock(&c->lock);
}

static bool phase_failed(struct tctx *c)
{
    pthread_mutex_lock(&c->lock);
    bool f = c->failed;
    pthread_mutex_unlock(&c->lock);
    return f;
}

static devconf_call_options call_opts(struct tctx *c)
{
    devconf_call_options o = DEVCONF_CALL_OPTIONS_INIT;
    o.cancel_cb = devconf__fleet_cancel_cb;
    o.cancel_payload = c->run;
    o.timeout_ms = devconf__fleet_left(c->run->deadline_ms);
    return o;
}

/* Phase 0: connect, and what the device can guarantee; nothing is changed yet. */
static void connect_check(devconf__fleet_run *run, size_t k, struct devconf_fleet_result *r, void *arg)
{
    (void)r;
    struct tctx *c = arg;
    struct tdev *d = &c->d[k];
    d->started_ms = devconf__now_ms();
    int rc = devconf__fleet_open(run, k, run->deadline_ms, &d->s, &d->attempts);
    if (rc < 0) {
        fail(c, d, rc);
        return;
    }
    bool netconf = devconf_session_protocol(d->s) == DEVCONF_PROTO_NETCONF;
    d->missing = !netconf ? "RESTCONF has no locks and no confirmed commit"
                 : !devconf_session_has_capability(d->s, "candidate") ? "no candidate datastore"
                 : !devconf_session_has_capability(d->s, "urn:ietf:params:netconf:capability:confirmed-commit:1.1")
                     ? "no confirmed-commit 1.1 (persist)"
                     : NULL;
    d->weak = d->missing && c->t.weak == DEVCONF_FLEET_WEAK_SNAPSHOT;
}

/* Phase 1: lock, load and validate (the weaker devices: a transaction of their own). */
static void prepare(devconf__fleet_run *run, size_t k, struct devconf_fleet_result *r, void *arg)
{
    (void)r;
    struct tctx *c = arg;
    struct tdev *d = &c->d[k];
    int rc;
    if (!d->s || phase_failed(c)) {
        return;
    }
    if (d->missing) {
        /* the weaker guarantee: a transaction of its own, restored from its snapshot on failure */
        if ((rc = devconf_txn_begin(&d->txn, d->s)) < 0 ||
            (rc = devconf_txn_load(d->txn, c->payload,
                                   c->t.default_operation == DEVCONF_EDIT_REPLACE ? DEVCONF_LOAD_REPLACE
                                                                                  : DEVCONF_LOAD_MERGE)) < 0) {
            fail(c, d, rc);
            return;
        }
        d->loaded = true;
        return;
    }
    devconf_call_options co = call_opts(c);
    if ((rc = devconf_lock(d->s, DEVCONF_DS_CANDIDATE, &co)) < 0) {
        fail(c, d, rc);
        return;
    }
    d->locked = true;
    co = call_opts(c);
    if ((rc = devconf_discard_changes(d->s, &co)) < 0) {
        fail(c, d, rc);
        return;
    }
    devconf_edit_options eo = DEVCONF_EDIT_OPTIONS_INIT;
    eo.default_operation = c->t.default_operation;
    eo.cancel_cb = devconf__fleet_cancel_cb;
    eo.cancel_payload = run;
    eo.timeout_ms = devconf__fleet_left(run->deadline_ms);
    d->loaded = true;
    if ((rc = devconf_edit_config(d->s, DEVCONF_DS_CANDIDATE, c->payload, &eo)) < 0) {
        fail(c, d, rc);
        return;
    }
    /* the device checks the whole result before anything is committed anywhere (skipped where the
     * device is known to break a commit after a validate: devconf__session_quirk) */
    if (devconf_session_has_capability(d->s, "validate") &&
        !devconf__session_quirk(d->s, DEVCONF__QUIRK_VALIDATE_BREAKS_COMMIT)) {
        co = call_opts(c);
        if ((rc = devconf_validate(d->s, DEVCONF_DS_CANDIDATE, NULL, &co)) < 0) {
            fail(c, d, rc);
            return;
        }
    }
}

static void commit(devconf__fleet_run *run, size_t k, struct devconf_fleet_result *r, void *arg)
{
    (void)r;
    (void)run;
    struct tctx *c = arg;
    struct tdev *d = &c->d[k];
    if (phase_failed(c)) {
        return; /* the others stop: every device will be reverted */
    }
    int rc;
    if (d->weak) {
        devconf_txn_commit_options to = DEVCONF_TXN_COMMIT_OPTIONS_INIT;
        to.cancel_cb = devconf__fleet_cancel_cb;
        to.cancel_payload = c->run;
        rc = devconf_txn_commit(d->txn, &to);
    } else {
        devconf_commit_options co = DEVCONF_COMMIT_OPTIONS_INIT;
        co.confirmed = 1;
        co.confirm_timeout = c->t.confirm_seconds;
        co.persist = c->persist;
        co.cancel_cb = devconf__fleet_cancel_cb;
        co.cancel_payload = c->run;
        co.timeout_ms = devconf__fleet_left(c->run->deadline_ms);
        rc = devconf_commit(d->s, &co);
    }
    /* a commit that timed out may have happened: it counts as committed for the revert */
    d->committed = rc == 0 || rc == DEVCONF_ETIMEOUT || rc == DEVCONF_ECANCELED;
    if (rc < 0) {
        fail(c, d, rc);
    }
}

static void confirm(devconf__fleet_run *run, size_t k, struct devconf_fleet_result *r, void *arg)
{
    (void)r;
    (void)run;
    struct tctx *c = arg;
    struct tdev *d = &c->d[k];
    if (d->weak) {
        d->confirmed = d->committed;
        return;
    }
    devconf_commit_options co = DEVCONF_COMMIT_OPTIONS_INIT;
    co.persist_id = c->persist;
    co.timeout_ms = devconf__fleet_left(c->run->deadline_ms);
    int rc = devconf_commit(d->s, &co);
    if (rc < 0 && rc != DEVCONF_ERPC) {
        rc = devconf_commit(d->s, &co); /* once more: a lost reply */
    }
    d->confirmed = rc == 0;
    if (rc < 0) {
        fail(c, d, rc);
    }
}

/* Puts a device back (no cancel callback: a revert runs even when the run was cancelled). */
static void revert(devconf__fleet_run *run, size_t k, struct devconf_fleet_result *r, void *arg)
{
    (void)r;
    (void)run;
    struct tctx *c = arg;
    struct tdev *d = &c->d[k];
    if (!d->s || (!d->loaded && !d->committed)) {
        return;
    }
    int rc = 0;
    devconf_error *keep = NULL;
    if (d->code) {
        devconf_error_dup(&keep, devconf_error_last());
    }
    if (d->weak) {
        rc = d->committed ? devconf_txn_rollback(d->txn) : 0;
    } else if (d->committed) {
        rc = devconf_cancel_commit(d->s, c->persist, NULL);
        if (rc == 0 || !d->locked) {
            devconf_discard_changes(d->s, NULL);
        }
    } else {
        rc = devconf_discard_changes(d->s, NULL);
    }
    d->state = rc == 0 ? DEVCONF_FLEET_TXN_REVERTED : DEVCONF_FLEET_TXN_REVERT_FAILED;
    if (rc < 0 && !d->code) {
        d->code = rc;
        devconf_error_dup(&d->err, devconf_error_last());
    }
    devconf_error_free(keep);
}

static void finish(devconf__fleet_run *run, size_t k, struct devconf_fleet_result *r, void *arg)
{
    (void)run;
    struct tctx *c = arg;
    struct tdev *d = &c->d[k];
    if (d->locked) {
        devconf_unlock(d->s, DEVCONF_DS_CANDIDATE, NULL);
    }
    devconf_txn_free(d->txn);
    d->txn = NULL;
    devconf_session_free(d->s);
    d->s = NULL;
    r->code = d->code;
    if (d->err) {
        devconf_error_dup(&r->err, d->err);
    }
    r->state = d->state;
    r->attempts = d->attempts;
    r->elapsed_ms = d->started_ms ? devconf__now_ms() - d->started_ms : 0;
    if (d->state == DEVCONF_FLEET_TXN_NONE && d->confirmed) {
        r->state = DEVCONF_FLEET_TXN_COMMITTED;
    }
    if (!r->code && r->state != DEVCONF_FLEET_TXN_COMMITTED) {
        /* untouched, or put back, because another device failed */
        r->code = devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_ECANCELED,
                                     "%s: %s because the fleet transaction failed elsewhere", r->device,
                                     r->state == DEVCONF_FLEET_TXN_REVERTED ? "reverted" : "not changed");
        devconf_error_dup(&r->err, devconf_error_last());
    }
}

static void random_id(char *out, size_t size)
{
    unsigned char b[16] = { 0 };
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        if (read(fd, b, sizeof b) != (ssize_t)sizeof b) {
            memset(b, 0, sizeof b);
        }
        close(fd);
    }
    int64_t t = devconf__now_ms();
    snprintf(out, size, "devconf-fleet-%02x%02x%02x%02x%02x%02x%02x%02x-%llx", b[0], b[1], b[2], b[3], b[4], b[5],
             b[6], b[7], (unsigned long long)t);
}

DEVCONF_API int devconf_fleet_transaction(devconf_fleet *f, const char *payload, const devconf_fleet_txn_options *topts,
                                          const devconf_fleet_options *opts, devconf_fleet_summary *summary)
{
    devconf__error_clear();
    if (summary) {
        memset(summary, 0, sizeof *summary);
    }
    if (!f || !payload) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "devconf_fleet_transaction: NULL fleet or payload");
    }
    struct tctx c = { 0 };
    devconf_fleet_txn_options td = DEVCONF_FLEET_TXN_OPTIONS_INIT;
    c.t = td;
    int r = devconf__opts_copy(&c.t, sizeof c.t, topts, txn_opts_sizes, 1, "fleet transaction options");
    if (r < 0) {
        return r;
    }
    if (!c.t.confirm_seconds) {
        c.t.confirm_seconds = DEFAULT_CONFIRM_SECONDS;
    }
    devconf__fleet_run run;
    if ((r = devconf__fleet_run_init(&run, f, opts)) < 0) {
        return r;
    }
    /* every session stays open until the end */
    if ((r = devconf__fleet_ensure_files(run.n)) < 0) {
        devconf__fleet_run_dispose(&run);
        return r;
    }
    c.run = &run;
    c.payload = payload;
    c.d = calloc(run.n ? run.n : 1, sizeof *c.d);
    if (!c.d) {
        devconf__fleet_run_dispose(&run);
        return devconf__error_oom();
    }
    pthread_mutex_init(&c.lock, NULL);
    random_id(c.persist, sizeof c.persist);
    run.deliver = false;
    devconf__fleet_run_all(&run, connect_check, &c);
    /* devices that cannot give the guarantee, when they are refused: nothing changed anywhere */
    devconf__buf weak = { 0 };
    size_t nweak = 0;
    for (size_t k = 0; k < run.n; k++) {
        if (c.d[k].missing && !c.d[k].weak && !c.d[k].code) {
            devconf__buf_printf(&weak, "%s%s (%s)", nweak++ ? ", " : "", f->dev[run.order[k]].name, c.d[k].missing);
        }
    }
    int result = 0;
    if (nweak) {
        result = devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EUNSUPPORTED,
                                    "fleet transaction refused, nothing changed: %zu device%s cannot guarantee "
                                    "all-or-nothing: %s; accept them with the weaker snapshot guarantee "
                                    "(DEVCONF_FLEET_WEAK_SNAPSHOT, --weak) or leave them out", nweak,
                                    nweak > 1 ? "s" : "", weak.data ? weak.data : "");
        c.failed = true;
    }
    devconf__buf_dispose(&weak);
    if (!c.failed) {
        devconf__fleet_run_all(&run, prepare, &c);
    }
    if (!c.failed) {
        devconf__fleet_run_all(&run, commit, &c);
    }
    if (!c.failed) {
        devconf__fleet_run_all(&run, confirm, &c);
    }
    devconf_error *saved = NULL;
    if (result < 0) {
        devconf_error_dup(&saved, devconf_error_last());
    }
    bool reverted = c.failed && !nweak;
    if (reverted) {
        devconf__fleet_run_all(&run, revert, &c);
    }
    /* the results, one per device, then the summary */
    run.deliver = true;
    run.next = 0;
    run.sum = (devconf_fleet_summary){ .total = run.n };
    run.stopped = false;
    devconf__fleet_run_all(&run, finish, &c);
    if (saved) {
        devconf__error_restore(saved);
    } else if (reverted) {
        /* the first device that failed, and whether every device is back */
        size_t first = run.n, bad = 0;
        for (size_t k = 0; k < run.n; k++) {
            if (c.d[k].state == DEVCONF_FLEET_TXN_REVERT_FAILED) {
                bad++;
            }
        }
        for (size_t k = 0; k < run.n && first == run.n; k++) {
            if (c.d[k].code && c.d[k].code != DEVCONF_ECANCELED) {
                first = k;
            }
        }
        for (size_t k = 0; k < run.n && first == run.n; k++) {
            if (c.d[k].code) {
                first = k;
            }
        }
        const devconf_error *why = first < run.n ? c.d[first].err : NULL;
        result = devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_ERROR,
                                    "fleet transaction failed on %s (%s); %s",
                                    first < run.n ? f->dev[run.order[first]].name : "a device",
                                    why ? devconf_error_message(why) : "?",
                                    bad ? "some devices could not be reverted: see their results"
                                        : "every device touched was reverted");
    }
    if (summary) {
        *summary = run.sum;
    }
    for (size_t k = 0; k < run.n; k++) {
        devconf_error_free(c.d[k].err);
    }
    free(c.d);
    pthread_mutex_destroy(&c.lock);
    devconf__fleet_run_dispose(&run);
    return result;
}
