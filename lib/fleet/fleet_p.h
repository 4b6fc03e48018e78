/* Private declarations of lib/fleet/: the fleet (devices, selection), the run engine (a bounded pool
 * of threads, each taking the next device), the inventory reader and the fleet transaction. The
 * fleet sits on the public API, like transactions do: every device job is devconf_session_open()
 * and public operations. */
#ifndef DEVCONF_FLEET_P_H
#define DEVCONF_FLEET_P_H

#include "devconf_p.h"

typedef struct devconf__fleet_device {
    char *name;
    char *uri;
    char **groups;
    size_t ngroups;
    devconf_session_options opts; /* its strings are owned (below) */
    char *s_username, *s_password, *s_private_key, *s_passphrase, *s_known_hosts, *s_ca_file, *s_client_cert,
        *s_client_key, *s_bearer_token;
    bool selected;
} devconf__fleet_device;

struct devconf_fleet {
    devconf_ctx *ctx;
    devconf__fleet_device *dev;
    size_t n, cap;
};

struct devconf_fleet_result {
    size_t index;
    const char *device, *uri;
    int code;
    devconf_error *err;
    char *data;
    int64_t elapsed_ms;
    unsigned attempts;
    devconf_fleet_txn_state state;
};

/* ---- run.c: the engine ---- */

typedef struct devconf__fleet_run devconf__fleet_run;

/* A job on device i (the run's order[k]); fills r (code, data, err, attempts, state). */
typedef void (*devconf__fleet_job)(devconf__fleet_run *run, size_t k, struct devconf_fleet_result *r, void *arg);

struct devconf__fleet_run {
    devconf_fleet *f;
    devconf_fleet_options o;
    size_t *order;               /* indices of the selected devices */
    size_t n;
    pthread_mutex_t lock;        /* next, the counters, and the callbacks (one at a time) */
    size_t next;
    devconf_fleet_summary sum;
    int64_t started_ms, deadline_ms; /* of the run (deadline 0: none) */
    bool stopped;                /* cancelled or past the run's deadline */
    int stop_code;
    bool deliver;                /* call the result and progress callbacks */
};

/* Prepares a run over the current selection: options copied, order built. */
int devconf__fleet_run_init(devconf__fleet_run *run, devconf_fleet *f, const devconf_fleet_options *opts);
void devconf__fleet_run_dispose(devconf__fleet_run *run);
/* Runs job on every device of the run with at most forks at once; results delivered when
 * run->deliver is set. */
int devconf__fleet_run_all(devconf__fleet_run *run, devconf__fleet_job job, void *arg);
/* Whether the run must stop (the caller's cancel callback, the run's deadline). */
bool devconf__fleet_stopping(devconf__fleet_run *run);
/* The cancel callback handed to every session and call of the run (payload: the run). */
int devconf__fleet_cancel_cb(void *payload);
/* Opens a session to device k with the run's deadlines, cancel and connect retries. */
int devconf__fleet_open(devconf__fleet_run *run, size_t k, int64_t device_deadline, devconf_session **out,
                        unsigned *attempts);
/* Time left before a deadline, for a call's timeout_ms (0: no deadline); at least 1 ms. */
int devconf__fleet_left(int64_t deadline);
/* Delivers a result: counters, the result callback, progress. Frees r's data and error. */
void devconf__fleet_deliver(devconf__fleet_run *run, struct devconf_fleet_result *r);
/* The open files the process may have, raised towards the hard limit when need is more. */
int devconf__fleet_ensure_files(size_t need);

/* ---- inventory.c ---- */

/* Copies session options (as of their version) with every string they point to into d. */
int devconf__fleet_device_set_opts(devconf__fleet_device *d, const devconf_session_options *opts);

#endif /* DEVCONF_FLEET_P_H */
