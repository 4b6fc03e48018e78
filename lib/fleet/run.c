/* The fleet's engine: a bounded pool of threads (forks), each taking the next device of the run
 * until none is left; per-device and whole-run deadlines; a cancel callback asked between devices
 * and by every wait of every device's calls; connect retries with backoff; results and progress
 * delivered one at a time. No thread per device, and a device holds a thread only while its job
 * runs. */
#include "fleet/fleet_p.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define DEFAULT_BACKOFF_MS 500

static const size_t fleet_opts_sizes[] = { sizeof(devconf_fleet_options) };

DEVCONF_API int devconf_fleet_options_init(devconf_fleet_options *opts, unsigned int version)
{
    devconf_fleet_options d = DEVCONF_FLEET_OPTIONS_INIT;
    return devconf__opts_init(opts, &d, version, fleet_opts_sizes, 1, "fleet options");
}

int devconf__fleet_run_init(devconf__fleet_run *run, devconf_fleet *f, const devconf_fleet_options *opts)
{
    memset(run, 0, sizeof *run);
    devconf_fleet_options d = DEVCONF_FLEET_OPTIONS_INIT;
    run->o = d;
    int r = devconf__opts_copy(&run->o, sizeof run->o, opts, fleet_opts_sizes, 1, "fleet options");
    if (r < 0) {
        return r;
    }
    if (run->o.device_timeout_ms < 0 || run->o.run_timeout_ms < 0 || run->o.retry_backoff_ms < 0) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "fleet options: negative timeouts or backoff");
    }
    if (run->o.forks > 100000) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "fleet options: %u forks is not a pool size",
                                  run->o.forks);
    }
    run->f = f;
    run->order = calloc(f->n ? f->n : 1, sizeof *run->order);
    if (!run->order) {
        return devconf__error_oom();
    }
    for (size_t i = 0; i < f->n; i++) {
        if (f->dev[i].selected) {
            run->order[run->n++] = i;
        }
    }
    pthread_mutex_init(&run->lock, NULL);
    run->started_ms = devconf__now_ms();
    run->deadline_ms = run->o.run_timeout_ms ? run->started_ms + run->o.run_timeout_ms : 0;
    run->sum.total = run->n;
    return 0;
}

void devconf__fleet_run_dispose(devconf__fleet_run *run)
{
    if (run->order) {
        pthread_mutex_destroy(&run->lock);
    }
    free(run->order);
    run->order = NULL;
}

bool devconf__fleet_stopping(devconf__fleet_run *run)
{
    pthread_mutex_lock(&run->lock);
    bool stop = run->stopped;
    pthread_mutex_unlock(&run->lock);
    if (stop) {
        return true;
    }
    int code = 0;
    if (run->deadline_ms && devconf__now_ms() >= run->deadline_ms) {
        code = DEVCONF_ETIMEOUT;
    } else if (run->o.cancel_cb && run->o.cancel_cb(run->o.cancel_payload)) {
        code = DEVCONF_ECANCELED;
    }
    if (code) {
        pthread_mutex_lock(&run->lock);
        if (!run->stopped) {
            run->stopped = true;
            run->stop_code = code;
        }
        pthread_mutex_unlock(&run->lock);
        return true;
    }
    return false;
}

int devconf__fleet_cancel_cb(void *payload)
{
    return devconf__fleet_stopping(payload) ? 1 : 0;
}

int devconf__fleet_left(int64_t deadline)
{
    if (!deadline) {
        return 0;
    }
    int64_t left = deadline - devconf__now_ms();
    return left < 1 ? 1 : left > 0x7fffffff ? 0x7fffffff : (int)left;
}

/* Sleeps ms, waking to check the run (its cancel callback, its deadline). */
static void nap(devconf__fleet_run *run, int ms)
{
    int64_t end = devconf__now_ms() + ms;
    while (!devconf__fleet_stopping(run)) {
        int64_t left = end - devconf__now_ms();
        if (left <= 0) {
            return;
        }
        struct timespec ts = { 0, (left > 50 ? 50 : left) * 1000000L };
        nanosleep(&ts, NULL);
    }
}

int devconf__fleet_open(devconf__fleet_run *run, size_t k, int64_t device_deadline, devconf_session **out,
                        unsigned *attempts)
{
    const devconf__fleet_device *d = &run->f->dev[run->order[k]];
    devconf_session_options o = d->opts;
    o.cancel_cb = devconf__fleet_cancel_cb;
    o.cancel_payload = run;
    int backoff = run->o.retry_backoff_ms ? run->o.retry_backoff_ms : DEFAULT_BACKOFF_MS;
    *attempts = 0;
    for (;;) {
        if (devconf__fleet_stopping(run)) {
            return run->stop_code == DEVCONF_ETIMEOUT
                       ? devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_ETIMEOUT, "%s: the fleet run's deadline "
                                            "passed before it was reached", d->name)
                       : devconf__error_canceled(d->name);
        }
        if (device_deadline) {
            int left = devconf__fleet_left(device_deadline);
            int connect = o.connect_timeout_ms ? o.connect_timeout_ms : 10000;
            o.connect_timeout_ms = connect < left ? connect : left;
            if (!o.rpc_timeout_ms || o.rpc_timeout_ms > left) {
                o.rpc_timeout_ms = left;
            }
        }
        (*attempts)++;
        int r = devconf_session_open(out, run->f->ctx, d->uri, &o);
        if (r == 0) {
            return 0;
        }
        bool retryable = r == DEVCONF_ECONNECT || (r == DEVCONF_ETIMEOUT && *attempts <= run->o.connect_retries);
        if (!retryable || *attempts > run->o.connect_retries ||
            (device_deadline && devconf__now_ms() + backoff >= device_deadline)) {
            devconf__error_set_message("%s: %s", d->name, devconf_error_message(devconf_error_last()));
            return r;
        }
        nap(run, backoff);
        backoff *= 2;
    }
}

int devconf__fleet_ensure_files(size_t need)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
        return 0;
    }
    rlim_t want = (rlim_t)need + 64; /* the process's own files, logs, the cache */
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
        if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want) {
            rl.rlim_cur = want;
            if (setrlimit(RLIMIT_NOFILE, &rl) == 0) {
                return 0;
            }
        }
        return devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_EINVAL,
                                  "this fleet run needs about %zu open files at once but the limit is %llu (hard "
                                  "limit %llu): raise it (ulimit -n) or use fewer forks", (size_t)want,
                                  (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
    }
    return 0;
}

void devconf__fleet_deliver(devconf__fleet_run *run, struct devconf_fleet_result *r)
{
    pthread_mutex_lock(&run->lock);
    if (r->code == 0) {
        run->sum.ok++;
    } else {
        run->sum.failed++;
        run->sum.cancelled += r->code == DEVCONF_ECANCELED;
        run->sum.timed_out += r->code == DEVCONF_ETIMEOUT;
    }
    run->sum.bytes += r->data ? strlen(r->data) : 0;
    size_t done = run->sum.ok + run->sum.failed;
    if (run->deliver && run->o.result_cb) {
        run->o.result_cb(r, run->o.result_payload);
    }
    if (run->deliver && run->o.progress_cb) {
        run->o.progress_cb(done, run->sum.failed, run->sum.total, run->sum.bytes, run->o.progress_payload);
    }
    pthread_mutex_unlock(&run->lock);
    free(r->data);
    r->data = NULL;
    devconf_error_free(r->err);
    r->err = NULL;
}

struct pool {
    devconf__fleet_run *run;
    devconf__fleet_job job;
    void *arg;
};

static void *worker(void *p)
{
    struct pool *pool = p;
    devconf__fleet_run *run = pool->run;
    for (;;) {
        pthread_mutex_lock(&run->lock);
        size_t k = run->next < run->n ? run->next++ : (size_t)-1;
        pthread_mutex_unlock(&run->lock);
        if (k == (size_t)-1) {
            break;
        }
        struct devconf_fleet_result r = { 0 };
        r.index = run->order[k];
        r.device = run->f->dev[r.index].name;
        r.uri = run->f->dev[r.index].uri;
        int64_t t0 = devconf__now_ms();
        devconf__error_clear();
        /* the job itself stops early when the run stops (its open and calls ask the run's cancel
         * callback); clean-up jobs (reverts) run anyway */
        pool->job(run, k, &r, pool->arg);
        if (!r.elapsed_ms) {
            r.elapsed_ms = devconf__now_ms() - t0; /* unless the job knows better (a transaction's phases) */
        }
        devconf__fleet_deliver(run, &r);
    }
    devconf_thread_cleanup();
    return NULL;
}

int devconf__fleet_run_all(devconf__fleet_run *run, devconf__fleet_job job, void *arg)
{
    size_t forks = run->o.forks ? run->o.forks : 20;
    if (forks > run->n) {
        forks = run->n;
    }
    int r = devconf__fleet_ensure_files(forks);
    if (r < 0) {
        return r;
    }
    struct pool pool = { run, job, arg };
    run->next = 0; /* a run may go over its devices more than once (the transaction's phases) */
    pthread_t *threads = calloc(forks ? forks : 1, sizeof *threads);
    if (!threads) {
        return devconf__error_oom();
    }
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 2 * 1024 * 1024); /* ample for a job (libyang parses recursively) */
    size_t started = 0;
    for (; started < forks; started++) {
        if (pthread_create(&threads[started], &attr, worker, &pool) != 0) {
            break; /* fewer threads than asked: the ones started share the work */
        }
    }
    pthread_attr_destroy(&attr);
    if (!started && run->n) {
        free(threads);
        return devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_ERROR, "cannot start the fleet's worker threads: %s",
                                  strerror(errno));
    }
    for (size_t i = 0; i < started; i++) {
        pthread_join(threads[i], NULL);
    }
    free(threads);
    run->sum.elapsed_ms = devconf__now_ms() - run->started_ms;
    devconf__error_clear();
    if (run->stopped) {
        return run->stop_code == DEVCONF_ETIMEOUT
                   ? devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_ETIMEOUT,
                                        "the fleet run's deadline of %d ms passed: %zu of %zu devices done",
                                        run->o.run_timeout_ms, run->sum.ok, run->sum.total)
                   : devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_ECANCELED,
                                        "the fleet run was cancelled: %zu of %zu devices done", run->sum.ok,
                                        run->sum.total);
    }
    return 0;
}
