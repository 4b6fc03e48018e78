/* Confirmed commit over RESTCONF, kept by the client. RFC 8040 has no confirmed commit, so on a
 * server without a staging area (the session's own client-side candidate) devconf keeps it in the
 * session: a confirmed commit reads running first (the snapshot), sends the staged edits, and
 * starts a timer on a thread of the session's own; unless a commit confirms it in time, the timer
 * turns running back into the snapshot (one YANG Patch where the server has it). cancel-commit
 * reverts at once, and so does freeing the session (as a NETCONF server reverts when the session
 * that made the confirmed commit ends).
 *
 * The guarantee is weaker than NETCONF's: the revert needs this process and this session to live
 * until the timeout. A client that dies or loses the network reverts nothing (the public headers
 * and the CLI say so). There is no persist id: no other session can confirm it.
 *
 * Every operation of the session holds st->lock (transport.c), so the timer's thread and the
 * caller's never use the curl handle at the same time; the timer's requests ignore the caller's
 * cancel callback and run within the session's RPC timeout. */
#include "restconf_p.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libyang/libyang.h>

#define DEFAULT_CONFIRM_TIMEOUT_S 600 /* RFC 6241 8.4.5.1, as on NETCONF */

int devconf__rc_confirm_init(devconf__rc_state *st)
{
    pthread_condattr_t ca;
    if (pthread_mutex_init(&st->lock, NULL) != 0) {
        return devconf__error_oom();
    }
    if (pthread_condattr_init(&ca) != 0 || pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
        pthread_cond_init(&st->wake, &ca) != 0) {
        pthread_mutex_destroy(&st->lock);
        return devconf__error_oom();
    }
    pthread_condattr_destroy(&ca);
    return 0;
}

/* Running as a configuration tree (NULL when it is empty), as the device has it now. */
static int read_running(devconf_session *s, struct lyd_node **out, const char *what)
{
    *out = NULL;
    char *root = NULL, *path = NULL;
    int r = devconf__rc_data_root(s, DEVCONF_DS_RUNNING, &root, what);
    if (r < 0) {
        return r;
    }
    r = asprintf(&path, "%s?content=config", root);
    free(root);
    if (r < 0) {
        return devconf__error_oom();
    }
    devconf__rc_resp resp;
    r = devconf__rc_request(s, "GET", path, NULL, NULL, &resp, what, NULL);
    free(path);
    if (r < 0) {
        return r;
    }
    r = devconf__rc_parse_resource(s, &resp, NULL, false, out, NULL, NULL);
    devconf__rc_resp_dispose(&resp);
    if (r == 0) {
        devconf__strip_state(out);
    }
    return r;
}

/* Turns running back into the snapshot (lock held). */
static int revert(devconf_session *s, const char *what)
{
    devconf__rc_state *st = devconf__rc_st(s);
    struct lyd_node *cur = NULL;
    int r = read_running(s, &cur, what);
    devconf__rc_plan *p = NULL;
    if (r == 0) {
        r = devconf__rc_plan_diff(s, cur, st->snapshot, &p);
    }
    lyd_free_all(cur);
    char *root = NULL;
    if (r == 0) {
        r = devconf__rc_data_root(s, DEVCONF_DS_RUNNING, &root, what);
    }
    if (r == 0) {
        r = devconf__rc_send_plans(s, root, p, what);
    }
    free(root);
    devconf__rc_plan_free(p);
    if (r == 0) {
        devconf__log(s->ctx, DEVCONF_LOG_INFO, "restconf", "%s: running on %s is back to what it was before the "
                     "confirmed commit", what, s->host);
    }
    return r;
}

static void drop_pending(devconf__rc_state *st)
{
    st->pending = false;
    lyd_free_all(st->snapshot);
    st->snapshot = NULL;
    pthread_cond_signal(&st->wake);
}

/* The timer's thread: waits for the revert time of the pending confirmed commit, and reverts it
 * unless a commit confirmed it (or cancel-commit reverted it) first. */
static void *timer_main(void *arg)
{
    devconf_session *s = arg;
    devconf__rc_state *st = devconf__rc_st(s);
    pthread_mutex_lock(&st->lock);
    while (!st->timer_stop) {
        int64_t now = devconf__now_ms();
        if (!st->pending || now < st->revert_at_ms) {
            if (!st->pending) {
                pthread_cond_wait(&st->wake, &st->lock);
            } else {
                struct timespec ts;
                clock_gettime(CLOCK_MONOTONIC, &ts);
                int64_t ms = st->revert_at_ms - now;
                ts.tv_sec += (time_t)(ms / 1000);
                ts.tv_nsec += (long)(ms % 1000) * 1000000L;
                if (ts.tv_nsec >= 1000000000L) {
                    ts.tv_sec++;
                    ts.tv_nsec -= 1000000000L;
                }
                pthread_cond_timedwait(&st->wake, &st->lock, &ts);
            }
            continue;
        }
        const struct devconf_ctx *prev = devconf__log_enter(s->ctx);
        devconf__log(s->ctx, DEVCONF_LOG_WARNING, "restconf",
                     "the confirmed commit on %s was not confirmed within %u s: this session reverts it", s->host,
                     (unsigned)st->confirm_timeout_s);
        st->in_timer = true;
        devconf__rc_begin(s, s->rpc_timeout_ms, "the RPC timeout");
        int r = revert(s, "revert of the confirmed commit (timeout)");
        st->in_timer = false;
        if (r == 0) {
            drop_pending(st);
            st->timer_reverted = true;
        } else {
            /* running keeps the change; cancel-commit (or closing the session) tries again */
            devconf__log(s->ctx, DEVCONF_LOG_ERROR, "restconf",
                         "the confirmed commit on %s could NOT be reverted: %s; it stays until cancel-commit or "
                         "the end of the session reverts it, or a commit confirms it", s->host,
                         devconf_error_message(devconf_error_last()));
            st->revert_at_ms = INT64_MAX;
        }
        devconf__error_clear(); /* this thread's: nobody reads it */
        devconf__log_leave(prev);
    }
    pthread_mutex_unlock(&st->lock);
    return NULL;
}

void devconf__rc_confirm_close(devconf_session *s)
{
    devconf__rc_state *st = devconf__rc_st(s);
    pthread_mutex_lock(&st->lock);
    if (st->pending && st->curl) {
        /* the session that made the confirmed commit ends: reverted, as NETCONF does */
        devconf_error *saved = NULL;
        devconf_error_dup(&saved, devconf_error_last());
        devconf__rc_begin(s, s->rpc_timeout_ms, "the RPC timeout");
        int r = revert(s, "revert of the confirmed commit (session closed)");
        devconf__log(s->ctx, r == 0 ? DEVCONF_LOG_WARNING : DEVCONF_LOG_ERROR, "restconf",
                     "session to %s closed with a confirmed commit not confirmed: %s%s", s->host,
                     r == 0 ? "reverted" : "could NOT revert it: ", r == 0 ? "" : devconf_error_message(devconf_error_last()));
        devconf__error_restore(saved);
    }
    drop_pending(st);
    st->timer_stop = true;
    pthread_cond_signal(&st->wake);
    pthread_mutex_unlock(&st->lock);
    if (st->timer_started) {
        pthread_join(st->timer, NULL);
        st->timer_started = false;
    }
    pthread_cond_destroy(&st->wake);
    pthread_mutex_destroy(&st->lock);
}

int devconf__rc_commit_staged(devconf_session *s, const devconf_commit_options *o)
{
    devconf__rc_state *st = devconf__rc_st(s);
    if (!o->confirmed && st->timer_reverted) {
        /* too late to confirm: say so, never confirm what is gone */
        st->timer_reverted = false;
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_ETIMEOUT,
                                  "commit: the confirmed commit on %s was not confirmed within %u s and this session "
                                  "reverted it; this commit confirms nothing%s; nothing was sent", s->host,
                                  (unsigned)st->confirm_timeout_s,
                                  st->staged ? " (the edits staged since are still staged)" : "");
    }
    struct lyd_node *snap = NULL;
    bool first = o->confirmed && !st->pending;
    int r = 0;
    if (first && !st->timer_started) {
        /* the timer first: a confirmed commit is never made without one */
        if ((r = pthread_create(&st->timer, NULL, timer_main, s)) != 0) {
            return devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_ERROR,
                                      "confirmed commit: cannot start the revert timer's thread (%s); nothing was "
                                      "sent", strerror(r));
        }
        st->timer_started = true;
    }
    if (first && (r = read_running(s, &snap, "confirmed commit (snapshot of running)")) < 0) {
        return r;
    }
    /* the staged edits, as one YANG Patch where possible */
    char *root = NULL;
    r = devconf__rc_data_root(s, DEVCONF_DS_RUNNING, &root, "commit");
    if (r == 0) {
        r = devconf__rc_send_plans(s, root, st->staged, "commit");
    }
    free(root);
    if (r < 0) {
        lyd_free_all(snap);
        return r;
    }
    devconf__rc_plan_free(st->staged);
    st->staged = NULL;
    if (o->confirmed) {
        if (first) {
            st->snapshot = snap;
            st->pending = true;
        }
        st->timer_reverted = false;
        st->confirm_timeout_s = o->confirm_timeout ? o->confirm_timeout : DEFAULT_CONFIRM_TIMEOUT_S;
        st->revert_at_ms = devconf__now_ms() + (int64_t)st->confirm_timeout_s * 1000;
        pthread_cond_signal(&st->wake);
        devconf__log(s->ctx, DEVCONF_LOG_INFO, "restconf",
                     "confirmed commit on %s: this session reverts it in %u s unless a commit confirms it "
                     "(RESTCONF has none on the device: the revert needs this process and session alive)", s->host,
                     (unsigned)st->confirm_timeout_s);
    } else if (st->pending) {
        drop_pending(st);
        devconf__log(s->ctx, DEVCONF_LOG_INFO, "restconf", "the confirmed commit on %s is confirmed", s->host);
    }
    return 0;
}

int devconf__rc_cancel_commit(devconf_session *s, const char *persist_id)
{
    devconf__rc_state *st = devconf__rc_st(s);
    devconf__rc_begin_call(s);
    if (persist_id) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "cancel-commit: a RESTCONF confirmed commit is kept by the session that made it, "
                                  "not by %s: there is no persist id to name; nothing was sent", s->host);
    }
    if (st->profile->commit_rpc) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "cancel-commit: %s (%s profile) commits on the server; there is no confirmed commit "
                                  "to cancel; nothing was sent", s->host, st->profile->name);
    }
    if (!st->pending) {
        if (st->timer_reverted) {
            st->timer_reverted = false;
            devconf__log(s->ctx, DEVCONF_LOG_INFO, "restconf",
                         "cancel-commit: the confirmed commit on %s was reverted at its timeout already", s->host);
            return 0;
        }
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "cancel-commit: no confirmed commit of this session is pending; nothing was sent");
    }
    int r = revert(s, "cancel-commit");
    if (r == 0) {
        drop_pending(st);
    }
    return r;
}
