/* The fleet benchmark's devconf row (bench/fleet/fleet_bench.py runs it): the devices of an
 * inventory through devconf_fleet_run() with a callback job per device, the same job as the other
 * rows: connect, get-config of running with a subtree filter, edit-config of the candidate (merge),
 * commit, get-config again (the value must be there), close.
 *
 *   fleet_devconf --inventory FILE --edit FILE --filter FILE --value TEXT [--forks N]
 *                 [--cache-dir DIR] [--trust device|shared] [--op job|connect] [--limit EXPR]
 *
 * Prints per failing device one line on stderr and at the end one line
 *   RESULT {"ok": N, "failed": N, "get_schema": N, "elapsed_ms": N, "device_ms_median": N, "device_ms_p95": N}
 * where get_schema is the number of <get-schema> requests the sessions made (0 with a warm cache;
 * not counted by --op connect) and device_ms_* are over each device's own time (connect, the job,
 * close: what devconf_fleet_result_elapsed_ms() reports).
 * Exit status 0 when every device succeeded. */
#include <devconf/devconf.h>

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct job {
    const char *edit;
    const char *filter;
    const char *value;
    atomic_ulong schema_requests;
};

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "fleet_devconf: %s: %s\n", path, strerror(errno));
        exit(2);
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size > (1 << 24)) {
        fprintf(stderr, "fleet_devconf: %s: not a file of at most 16 MiB\n", path);
        exit(2);
    }
    char *b = calloc(1, (size_t)st.st_size + 1);
    if (!b || fread(b, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        fprintf(stderr, "fleet_devconf: %s: read failed\n", path);
        exit(2);
    }
    fclose(f);
    return b;
}

static int job(devconf_session *s, const char *device, char **data, void *payload)
{
    (void)device;
    (void)data;
    struct job *j = payload;
    char *before = NULL, *after = NULL;
    int r = devconf_get_config(&before, s, DEVCONF_DS_RUNNING, j->filter, NULL);
    if (r == 0) {
        r = devconf_edit_config(s, DEVCONF_DS_CANDIDATE, j->edit, NULL);
    }
    if (r == 0) {
        r = devconf_commit(s, NULL);
    }
    if (r == 0) {
        r = devconf_get_config(&after, s, DEVCONF_DS_RUNNING, j->filter, NULL);
    }
    if (r == 0 && !strstr(after, j->value)) {
        fprintf(stderr, "fleet_devconf: %s: the value set is not in running after the commit\n", device);
        r = DEVCONF_EPROTO;
    }
    atomic_fetch_add(&j->schema_requests, devconf_session_schema_requests(s));
    devconf_free(before);
    devconf_free(after);
    return r;
}

/* Each device's elapsed time; the fleet calls on_result one at a time. */
struct times {
    long long *ms;
    size_t n, cap;
};

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

static void on_result(const devconf_fleet_result *res, void *payload)
{
    struct times *t = payload;
    if (t->n < t->cap) {
        t->ms[t->n++] = (long long)devconf_fleet_result_elapsed_ms(res);
    }
    if (devconf_fleet_result_code(res) != 0) {
        const devconf_error *e = devconf_fleet_result_error(res);
        /* the message names the device */
        fprintf(stderr, "fleet_devconf: %s\n", e ? devconf_error_message(e) : devconf_fleet_result_device(res));
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: fleet_devconf --inventory FILE --edit FILE --filter FILE --value TEXT [--forks N]\n"
                    "                     [--cache-dir DIR] [--trust device|shared] [--op job|connect] "
                    "[--limit EXPR]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *inventory = NULL, *edit = NULL, *filter = NULL, *value = NULL, *cache = NULL, *limit = NULL;
    const char *trust = "device", *opname = "job";
    unsigned forks = 50;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc) {
            usage();
        }
        const char *v = argv[++i];
        if (!strcmp(a, "--inventory")) {
            inventory = v;
        } else if (!strcmp(a, "--edit")) {
            edit = v;
        } else if (!strcmp(a, "--filter")) {
            filter = v;
        } else if (!strcmp(a, "--value")) {
            value = v;
        } else if (!strcmp(a, "--forks")) {
            forks = (unsigned)strtoul(v, NULL, 10);
        } else if (!strcmp(a, "--cache-dir")) {
            cache = v;
        } else if (!strcmp(a, "--trust")) {
            trust = v;
        } else if (!strcmp(a, "--op")) {
            opname = v;
        } else if (!strcmp(a, "--limit")) {
            limit = v;
        } else {
            usage();
        }
    }
    int connect_only = !strcmp(opname, "connect");
    if (!inventory || (!connect_only && (!edit || !filter || !value)) || !forks) {
        usage();
    }
    struct job j = { .edit = edit ? slurp(edit) : NULL, .filter = filter ? slurp(filter) : NULL, .value = value };
    atomic_init(&j.schema_requests, 0);

    devconf_ctx *ctx = NULL;
    devconf_fleet *f = NULL;
    int r = devconf_init() < 0 ? -1 : 0;
    if (r == 0) {
        r = devconf_ctx_new(&ctx);
    }
    if (r == 0) {
        devconf_ctx_set_log_callback(ctx, DEVCONF_LOG_ERROR, NULL, NULL);
        if (cache) {
            r = devconf_ctx_set_cache_dir(ctx, cache);
        }
    }
    if (r == 0) {
        r = devconf_ctx_set_schema_trust(ctx, !strcmp(trust, "shared") ? DEVCONF_SCHEMA_TRUST_SHARED
                                                                          : DEVCONF_SCHEMA_TRUST_DEVICE);
    }
    if (r == 0) {
        r = devconf_fleet_new(&f, ctx);
    }
    if (r == 0) {
        r = devconf_fleet_load_inventory(f, inventory);
    }
    if (r == 0 && limit) {
        r = devconf_fleet_select(f, limit) < 0 ? -1 : 0;
    }
    if (r != 0) {
        fprintf(stderr, "fleet_devconf: %s\n", devconf_error_message(devconf_error_last()));
        return 1;
    }

    devconf_fleet_op op = DEVCONF_FLEET_OP_INIT;
    op.kind = connect_only ? DEVCONF_FLEET_CONNECT : DEVCONF_FLEET_CALLBACK;
    op.job = job;
    op.job_payload = &j;
    devconf_fleet_options o = DEVCONF_FLEET_OPTIONS_INIT;
    o.forks = forks;
    o.result_cb = on_result;
    struct times t = { calloc(devconf_fleet_count(f), sizeof(long long)), 0, devconf_fleet_count(f) };
    if (!t.ms) {
        t.cap = 0;
    }
    o.result_payload = &t;
    devconf_fleet_summary sum;
    r = devconf_fleet_run(f, &op, &o, &sum);
    if (r != 0) {
        fprintf(stderr, "fleet_devconf: run: %s\n", devconf_error_message(devconf_error_last()));
    }
    long long median = 0, p95 = 0;
    if (t.n) {
        qsort(t.ms, t.n, sizeof *t.ms, cmp_ll);
        median = t.ms[t.n / 2];
        p95 = t.ms[(t.n * 95) / 100 < t.n ? (t.n * 95) / 100 : t.n - 1];
    }
    printf("RESULT {\"ok\": %zu, \"failed\": %zu, \"get_schema\": %lu, \"elapsed_ms\": %lld, \"device_ms_median\": %lld, "
           "\"device_ms_p95\": %lld}\n",
           sum.ok, sum.failed, (unsigned long)atomic_load(&j.schema_requests), (long long)sum.elapsed_ms, median, p95);
    free(t.ms);
    devconf_fleet_free(f);
    devconf_ctx_free(ctx);
    devconf_deinit();
    free((char *)j.edit);
    free((char *)j.filter);
    return r == 0 && sum.failed == 0 ? 0 : 1;
}
