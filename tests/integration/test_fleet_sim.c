/* The fleet against an independent NETCONF implementation: OpenDaylight's device simulator
 * (netconf-testtool, tests/fixtures/fleet/), 20 simulated devices in one JVM, each with its own
 * host key checked strictly against known_hosts. The job of the fleet benchmark on every device
 * (get-config with a filter, edit-config of the candidate, commit, read back), through an
 * inventory; one schema context for all 20 (one module set); a warm run sends no get-schema; the
 * simulator announces :candidate without ietf-netconf features, and edit-config to the candidate
 * and commit still work; the all-or-nothing transaction refuses the devices (no confirmed-commit)
 * naming them, and with the snapshot guarantee commits on all. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <devconf/devconf.h>

#include "test_util.h"

#define NDEV 20
#define IF_NS "urn:ietf:params:xml:ns:yang:ietf-interfaces"
#define PASSWORD_ENV "DEVCONF_SIM_PASSWORD"

static char dir[64];
static char inventory[128];
static devconf_ctx *ctx;

/* Outside the tests (Check's asserts need a test around them). */
static void die(const char *what)
{
    fprintf(stderr, "test_fleet_sim: %s\n", what);
    exit(1);
}

/* One simulator for the whole suite (starting it and scanning 20 host keys takes a while). */
static void suite_up(void)
{
    const char *src = getenv("DEVCONF_SOURCE_DIR");
    if (!src) {
        die("DEVCONF_SOURCE_DIR is not set (run through meson test)");
    }
    snprintf(dir, sizeof dir, "/tmp/devconf-fleet-sim-%d", (int)getpid());
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s' && bash '%s/tests/fixtures/fleet/fleet-up.sh' '%s' %d "
             "--known-hosts >'%s/up.out'", dir, dir, src, dir, NDEV, dir);
    if (system(cmd) != 0) {
        die("the simulator did not start (scripts/install-fleet-deps.sh installs it; its log is in the directory "
            "above)");
    }
    char path[400];
    snprintf(path, sizeof path, "%s/ports", dir);
    FILE *f = fopen(path, "r");
    int first = 0, count = 0;
    if (!f || fscanf(f, "%d %d", &first, &count) != 2 || count != NDEV) {
        die("fleet-up.sh wrote no usable ports file");
    }
    fclose(f);

    /* the simulator accepts any password: a random one per run, by reference */
    char pw[40];
    snprintf(pw, sizeof pw, "p%08lx%08lx", (unsigned long)random(), (unsigned long)getpid());
    setenv(PASSWORD_ENV, pw, 1);

    snprintf(inventory, sizeof inventory, "%s/inventory.yaml", dir);
    if (!(f = fopen(inventory, "w"))) {
        die("cannot write the inventory");
    }
    fprintf(f, "defaults:\n  hostname: 127.0.0.1\n  username: admin\n  password_env: %s\n"
               "  host_key_policy: strict\n  known_hosts: %s/known_hosts\n  timeout: 60\n"
               "groups:\n  sim:\n    data: {site: loopback}\nhosts:\n",
            PASSWORD_ENV, dir);
    for (int i = 0; i < NDEV; i++) {
        fprintf(f, "  sim%02d:\n    port: %d\n    groups: [sim]\n", i + 1, first + i);
    }
    fclose(f);
}

static void suite_down(void)
{
    const char *src = getenv("DEVCONF_SOURCE_DIR");
    if (src && dir[0]) {
        char cmd[2048];
        snprintf(cmd, sizeof cmd, "bash '%s/tests/fixtures/fleet/fleet-down.sh' '%s' >/dev/null 2>&1; rm -rf '%s'",
                 src, dir, dir);
        if (system(cmd) != 0) {
            fprintf(stderr, "fleet-down failed for %s\n", dir);
        }
    }
}

static void setup(void)
{
    ck_assert_int_ge(devconf_init(), 1);
    ASSERT_OK(devconf_ctx_new(&ctx));
    char cache[400];
    snprintf(cache, sizeof cache, "%s/cache", dir);
    ASSERT_OK(devconf_ctx_set_cache_dir(ctx, cache));
    devconf_ctx_set_log_callback(ctx, DEVCONF_LOG_WARNING, test_log_capture, NULL);
    test_log_reset();
}

static void teardown(void)
{
    devconf_ctx_free(ctx);
    ctx = NULL;
    devconf_deinit();
}

static devconf_fleet *load(void)
{
    devconf_fleet *f = NULL;
    ASSERT_OK(devconf_fleet_new(&f, ctx));
    ASSERT_OK(devconf_fleet_load_inventory(f, inventory));
    ck_assert_uint_eq(devconf_fleet_count(f), NDEV);
    return f;
}

/* ---- the benchmark's job, through a callback ---- */

struct job {
    char value[64];
    char edit[1024];
    pthread_mutex_t lock;
    unsigned schema_requests;
    char schema_ids[NDEV][80];
    int ok[NDEV];
    size_t progress_calls, last_done;
};

static const char FILTER[] = "<interfaces xmlns=\"" IF_NS "\"><interface><name>eth0</name></interface></interfaces>";

static int job(devconf_session *s, const char *device, char **data, void *payload)
{
    struct job *j = payload;
    char *before = NULL, *after = NULL;
    int r = devconf_get_config(&before, s, DEVCONF_DS_RUNNING, FILTER, NULL);
    if (r == 0) {
        r = devconf_edit_config(s, DEVCONF_DS_CANDIDATE, j->edit, NULL);
    }
    if (r == 0) {
        r = devconf_commit(s, NULL);
    }
    if (r == 0) {
        r = devconf_get_config(&after, s, DEVCONF_DS_RUNNING, FILTER, NULL);
    }
    if (r == 0) {
        *data = after; /* the run hands it to the result callback, then frees it */
        after = NULL;
    }
    int idx = atoi(device + 3) - 1;
    pthread_mutex_lock(&j->lock);
    j->schema_requests += devconf_session_schema_requests(s);
    if (idx >= 0 && idx < NDEV) {
        snprintf(j->schema_ids[idx], sizeof j->schema_ids[idx], "%s", devconf_session_schema_id(s));
    }
    pthread_mutex_unlock(&j->lock);
    devconf_free(before);
    devconf_free(after);
    return r;
}

static void on_result(const devconf_fleet_result *res, void *payload)
{
    struct job *j = payload;
    size_t i = devconf_fleet_result_index(res);
    ck_assert_uint_lt(i, NDEV);
    const devconf_error *e = devconf_fleet_result_error(res);
    ck_assert_msg(devconf_fleet_result_code(res) == 0, "%s: %s", devconf_fleet_result_device(res),
                  e ? devconf_error_message(e) : "?");
    const char *data = devconf_fleet_result_data(res);
    ck_assert_msg(data && strstr(data, j->value), "%s: read back %s", devconf_fleet_result_device(res),
                  data ? data : "(nothing)");
    j->ok[i]++;
}

static void on_progress(size_t done, size_t failed, size_t total, uint64_t bytes, void *payload)
{
    struct job *j = payload;
    (void)bytes;
    ck_assert_uint_eq(total, NDEV);
    ck_assert_uint_eq(failed, 0);
    ck_assert_uint_gt(done, j->last_done);
    j->last_done = done;
    j->progress_calls++;
}

static void run_job(devconf_fleet *f, struct job *j, const char *tag)
{
    memset(j, 0, sizeof *j);
    pthread_mutex_init(&j->lock, NULL);
    snprintf(j->value, sizeof j->value, "fleet-sim-%s-%ld", tag, (long)random());
    snprintf(j->edit, sizeof j->edit,
             "<interfaces xmlns=\"" IF_NS "\"><interface><name>eth0</name>"
             "<type xmlns:ianaift=\"urn:ietf:params:xml:ns:yang:iana-if-type\">ianaift:ethernetCsmacd</type>"
             "<description>%s</description></interface></interfaces>",
             j->value);
    devconf_fleet_op op = DEVCONF_FLEET_OP_INIT;
    op.kind = DEVCONF_FLEET_CALLBACK;
    op.job = job;
    op.job_payload = j;
    devconf_fleet_options o = DEVCONF_FLEET_OPTIONS_INIT;
    o.forks = 8;
    o.result_cb = on_result;
    o.result_payload = j;
    o.progress_cb = on_progress;
    o.progress_payload = j;
    devconf_fleet_summary sum;
    ASSERT_OK(devconf_fleet_run(f, &op, &o, &sum));
    ck_assert_uint_eq(sum.total, NDEV);
    ck_assert_uint_eq(sum.ok, NDEV);
    ck_assert_uint_eq(j->progress_calls, NDEV);
    for (int i = 0; i < NDEV; i++) {
        ck_assert_int_eq(j->ok[i], 1);
    }
    pthread_mutex_destroy(&j->lock);
}

START_TEST(job_on_every_device_cold_then_warm)
{
    devconf_fleet *f = load();
    struct job j;
    run_job(f, &j, "cold");
    /* cold: every device's modules were asked for (checked against its own texts) ... */
    ck_assert_uint_gt(j.schema_requests, 0);
    /* ... and one module set gives one context */
    for (int i = 1; i < NDEV; i++) {
        ck_assert_str_eq(j.schema_ids[i], j.schema_ids[0]);
    }
    char first_id[80];
    snprintf(first_id, sizeof first_id, "%s", j.schema_ids[0]);
    devconf_fleet_free(f);

    /* a new context over the same cache: warm, no get-schema at all, the same module set */
    devconf_ctx_free(ctx);
    ctx = NULL;
    ASSERT_OK(devconf_ctx_new(&ctx));
    char cache[400];
    snprintf(cache, sizeof cache, "%s/cache", dir);
    ASSERT_OK(devconf_ctx_set_cache_dir(ctx, cache));
    f = load();
    run_job(f, &j, "warm");
    ck_assert_uint_eq(j.schema_requests, 0);
    for (int i = 0; i < NDEV; i++) {
        ck_assert_str_eq(j.schema_ids[i], first_id);
    }
    devconf_fleet_free(f);
}
END_TEST

START_TEST(selection_and_reads)
{
    devconf_fleet *f = load();
    ck_assert_int_eq(devconf_fleet_select(f, "sim0*,!sim01"), 8);
    devconf_fleet_op op = DEVCONF_FLEET_OP_INIT;
    op.kind = DEVCONF_FLEET_GET_CONFIG;
    op.filter = FILTER;
    devconf_fleet_summary sum;
    ASSERT_OK(devconf_fleet_run(f, &op, NULL, &sum));
    ck_assert_uint_eq(sum.total, 8);
    ck_assert_uint_eq(sum.ok, 8);
    ck_assert_int_eq(devconf_fleet_select(f, "group:sim"), NDEV);
    devconf_fleet_free(f);
}
END_TEST

struct txn_seen {
    pthread_mutex_t lock;
    int committed, other;
};

static void on_txn_result(const devconf_fleet_result *res, void *payload)
{
    struct txn_seen *t = payload;
    pthread_mutex_lock(&t->lock);
    if (devconf_fleet_result_code(res) == 0 && devconf_fleet_result_txn_state(res) == DEVCONF_FLEET_TXN_COMMITTED) {
        t->committed++;
    } else {
        t->other++;
    }
    pthread_mutex_unlock(&t->lock);
}

START_TEST(all_or_nothing_refuses_then_snapshots)
{
    devconf_fleet *f = load();
    char value[64], payload[1024];
    snprintf(value, sizeof value, "fleet-sim-txn-%ld", (long)random());
    snprintf(payload, sizeof payload,
             "<interfaces xmlns=\"" IF_NS "\"><interface><name>eth0</name>"
             "<type xmlns:ianaift=\"urn:ietf:params:xml:ns:yang:iana-if-type\">ianaift:ethernetCsmacd</type>"
             "<description>%s</description></interface></interfaces>",
             value);
    /* no confirmed-commit on the simulator: refused up front, naming the devices, nothing changed */
    int r = devconf_fleet_transaction(f, payload, NULL, NULL, NULL);
    ck_assert_int_eq(r, DEVCONF_EUNSUPPORTED);
    const char *msg = devconf_error_message(devconf_error_last());
    ck_assert_msg(strstr(msg, "sim01") && strstr(msg, "confirmed-commit"), "%s", msg);

    /* with the snapshot guarantee: committed on every device */
    devconf_fleet_txn_options t = DEVCONF_FLEET_TXN_OPTIONS_INIT;
    t.weak = DEVCONF_FLEET_WEAK_SNAPSHOT;
    struct txn_seen seen = { .committed = 0 };
    pthread_mutex_init(&seen.lock, NULL);
    devconf_fleet_options o = DEVCONF_FLEET_OPTIONS_INIT;
    o.result_cb = on_txn_result;
    o.result_payload = &seen;
    devconf_fleet_summary sum;
    r = devconf_fleet_transaction(f, payload, &t, &o, &sum);
    ck_assert_msg(r == 0, "%d %s", r, devconf_error_message(devconf_error_last()));
    ck_assert_int_eq(seen.committed, NDEV);
    ck_assert_int_eq(seen.other, 0);
    pthread_mutex_destroy(&seen.lock);

    /* every device holds the value */
    devconf_fleet_op op = DEVCONF_FLEET_OP_INIT;
    op.kind = DEVCONF_FLEET_GET_CONFIG;
    op.filter = FILTER;
    ASSERT_OK(devconf_fleet_run(f, &op, NULL, &sum));
    ck_assert_uint_eq(sum.ok, NDEV);
    devconf_fleet_free(f);
}
END_TEST

int main(void)
{
    srandom((unsigned)getpid());
    suite_up();
    Suite *su = suite_create("fleet-sim");
    TCase *tc = tcase_create("fleet-sim");
    tcase_set_timeout(tc, 600);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, job_on_every_device_cold_then_warm);
    tcase_add_test(tc, selection_and_reads);
    tcase_add_test(tc, all_or_nothing_refuses_then_snapshots);
    suite_add_tcase(su, tc);
    int rc = test_run_suite(su);
    suite_down();
    return rc;
}
