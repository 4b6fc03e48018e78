/* Fleets against the scripted NETCONF server (one device a port): inventories (resolution, selection,
 * refused secrets and errors with line numbers), runs with bounded forks and streamed results and
 * progress, apply and callback jobs, cancellation, per-device deadlines, connect retries, and the
 * all-or-nothing transaction (commit everywhere; a failure on one device reverts all; devices without
 * the guarantee refused, or accepted with the snapshot guarantee). */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <devconf/devconf.h>

#include "test_scripted.h"
#include "test_util.h"

#define IF_NS "urn:ietf:params:xml:ns:yang:ietf-interfaces"
#define NDEV 12

static test_scripted srv, odd;
static devconf_ctx *ctx;
static char inv_path[400];

static void setup(void)
{
    const char *const args[] = { "--announce", "hello", "--ports", "12", NULL };
    test_scripted_start(&srv, args);
    ck_assert_int_ge(devconf_init(), 1);
    ASSERT_OK(devconf_ctx_new(&ctx));
    ASSERT_OK(devconf_ctx_set_cache_dir(ctx, test_scripted_cache_dir(&srv)));
    devconf_ctx_set_log_callback(ctx, DEVCONF_LOG_WARNING, test_log_capture, NULL);
    test_log_reset();
}

static void teardown(void)
{
    devconf_ctx_free(ctx);
    ctx = NULL;
    devconf_deinit();
    test_scripted_stop(&odd);
    test_scripted_stop(&srv);
    if (inv_path[0]) {
        unlink(inv_path);
        inv_path[0] = '\0';
    }
}

/* An inventory of the server's ports: dev01.. in group "sim" (and "even" for even ones). */
static const char *write_inventory(const char *extra_defaults)
{
    snprintf(inv_path, sizeof inv_path, "%s/inventory.yaml", test_scripted_cache_dir(&srv));
    char dir[400];
    snprintf(dir, sizeof dir, "%s", test_scripted_cache_dir(&srv));
    char cmd[500];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
    FILE *f = fopen(inv_path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "# devices of the scripted server\ndefaults:\n  platform: netconf\n  hostname: 127.0.0.1\n"
               "  known_hosts: %s\n  private_key: %s\n%s"
               "groups:\n  sim:\n    username: " TEST_SCRIPTED_USER "\n    data: {site: lab}\n  even:\n"
               "    groups: [sim]\nhosts:\n", test_scripted_known_hosts(&srv), test_scripted_key(&srv),
            extra_defaults ? extra_defaults : "");
    for (size_t i = 0; i < test_scripted_port_count(&srv); i++) {
        fprintf(f, "  dev%02zu:\n    port: %u\n    groups: [%s]\n", i + 1, (unsigned)test_scripted_port(&srv, i),
                i % 2 ? "sim" : "even");
    }
    fclose(f);
    return inv_path;
}

static devconf_fleet *load(void)
{
    devconf_fleet *f = NULL;
    ASSERT_OK(devconf_fleet_new(&f, ctx));
    ASSERT_OK(devconf_fleet_load_inventory(f, write_inventory(NULL)));
    ck_assert_uint_eq(devconf_fleet_count(f), NDEV);
    return f;
}

struct collect {
    pthread_mutex_t lock; /* the callbacks are serialised by devconf; this only checks it */
    int results, ok, progress_calls;
    size_t last_done;
    char names[64][64];
    char data[64][2048];
    int codes[64];
    char errors[64][512];
    int states[64];
    int cancel_after; /* the cancel callback says stop once this many results came */
};

static void on_result(const devconf_fleet_result *r, void *payload)
{
    struct collect *c = payload;
    ck_assert_int_eq(pthread_mutex_trylock(&c->lock), 0); /* never two at once */
    size_t i = devconf_fleet_result_index(r);
    ck_assert_uint_lt(i, 64);
    snprintf(c->names[i], sizeof c->names[i], "%s", devconf_fleet_result_device(r));
    snprintf(c->data[i], sizeof c->data[i], "%s", devconf_fleet_result_data(r) ? devconf_fleet_result_data(r) : "");
    c->codes[i] = devconf_fleet_result_code(r);
    c->states[i] = devconf_fleet_result_txn_state(r);
    if (c->codes[i]) {
        ck_assert_ptr_nonnull(devconf_fleet_result_error(r));
        ck_assert_str_ne(devconf_error_message(devconf_fleet_result_error(r)), "");
        snprintf(c->errors[i], sizeof c->errors[i], "%s", devconf_error_message(devconf_fleet_result_error(r)));
    } else {
        ck_assert_ptr_null(devconf_fleet_result_error(r));
        c->ok++;
    }
    c->results++;
    pthread_mutex_unlock(&c->lock);
}

static void on_progress(size_t done, size_t failed, size_t total, uint64_t bytes, void *payload)
{
    struct collect *c = payload;
    (void)bytes;
    ck_assert_uint_eq(done, c->last_done + 1);
    ck_assert_uint_le(failed, done);
    ck_assert_uint_le(done, total);
    c->last_done = done;
    c->progress_calls++;
}

static int cancel_when(void *payload)
{
    struct collect *c = payload;
    return c->cancel_after && c->results >= c->cancel_after;
}

static devconf_fleet_options run_opts(struct collect *c, unsigned forks)
{
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    devconf_fleet_options o = DEVCONF_FLEET_OPTIONS_INIT;
    o.forks = forks;
    o.result_cb = on_result;
    o.result_payload = c;
    o.progress_cb = on_progress;
    o.progress_payload = c;
    return o;
}

START_TEST(inventory_resolves_settings_and_selects)
{
    devconf_fleet *f = load();
    char want[80];
    snprintf(want, sizeof want, "netconf://" TEST_SCRIPTED_USER "@127.0.0.1:%u", (unsigned)test_scripted_port(&srv, 0));
    ck_assert_str_eq(devconf_fleet_device_name(f, 0), "dev01");
    ck_assert_str_eq(devconf_fleet_device_uri(f, 0), want); /* username from the group of the group */
    ck_assert_int_eq(devconf_fleet_select(f, "group:even"), NDEV / 2);
    ck_assert_int_eq(devconf_fleet_select(f, "group:sim"), NDEV); /* even is in sim */
    ck_assert_int_eq(devconf_fleet_select(f, "dev0*,!dev01"), 8);
    ck_assert(!devconf_fleet_device_selected(f, 0));
    ck_assert_int_eq(devconf_fleet_select(f, "dev11, dev12"), 2);
    ASSERT_FAILS(devconf_fleet_select(f, "nope*"), DEVCONF_EINVAL);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "'nope*' matches no device"));
    ck_assert_int_eq(devconf_fleet_select(f, NULL), NDEV);
    ASSERT_FAILS(devconf_fleet_add(f, "dev01", "netconf://x", NULL, NULL), DEVCONF_EINVAL);
    ASSERT_FAILS(devconf_fleet_add(f, "bad name", "netconf://x", NULL, NULL), DEVCONF_EINVAL);
    ASSERT_FAILS(devconf_fleet_add(f, "dev99", "ftp://x", NULL, NULL), DEVCONF_EINVAL);
    devconf_fleet_free(f);
}
END_TEST

static void refused(const char *yaml, int code, const char *why)
{
    char path[420];
    snprintf(path, sizeof path, "%s.bad", inv_path);
    FILE *fp = fopen(path, "w");
    fputs(yaml, fp);
    fclose(fp);
    devconf_fleet *f = NULL;
    ASSERT_OK(devconf_fleet_new(&f, ctx));
    ASSERT_FAILS(devconf_fleet_load_inventory(f, path), code);
    ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), why), "%s",
                  devconf_error_message(devconf_error_last()));
    ck_assert_ptr_null(strstr(devconf_error_message(devconf_error_last()), "hunter2")); /* never the secret */
    devconf_fleet_free(f);
    unlink(path);
}

START_TEST(bad_inventories_are_refused_with_line_numbers)
{
    write_inventory(NULL);
    refused("hosts:\n  a:\n    hostname: x\n    password: hunter2\n", DEVCONF_EINVAL,
            "line 4: host: 'password' holds a secret in the file");
    refused("hosts:\n  a:\n    colour: blue\n", DEVCONF_EINVAL, "unknown setting 'colour'");
    refused("hosts:\n  a: {password_env: DEVCONF_TEST_UNSET_VARIABLE}\n", DEVCONF_ENOTFOUND,
            "DEVCONF_TEST_UNSET_VARIABLE, which is not set");
    refused("hosts:\n  a:\n    groups: [missing]\n", DEVCONF_EINVAL, "group 'missing' is not in the groups");
    refused("hosts: [a, b\n", DEVCONF_EINVAL, "line");
    refused("hosts:\n  a: {platform: telnet}\n", DEVCONF_EINVAL, "platform 'telnet'");
    {
        /* every platform's scheme (NETCONF over TLS's default port comes from the URI) */
        char path[420];
        snprintf(path, sizeof path, "%s.platforms", inv_path);
        FILE *fp = fopen(path, "w");
        fputs("hosts:\n  a: {hostname: h1, platform: netconf+tls}\n  b: {hostname: h2, platform: netconf+ssh, port: 2022}\n"
              "  c: {hostname: h3, platform: restconf+http}\n  d: {hostname: h4}\n", fp);
        fclose(fp);
        devconf_fleet *pf = NULL;
        ASSERT_OK(devconf_fleet_new(&pf, ctx));
        ASSERT_OK(devconf_fleet_load_inventory(pf, path));
        ck_assert_str_eq(devconf_fleet_device_uri(pf, 0), "netconf+tls://h1");
        ck_assert_str_eq(devconf_fleet_device_uri(pf, 1), "netconf://h2:2022");
        ck_assert_str_eq(devconf_fleet_device_uri(pf, 2), "restconf+http://h3");
        ck_assert_str_eq(devconf_fleet_device_uri(pf, 3), "netconf://h4");
        devconf_fleet_free(pf);
        unlink(path);
    }
    refused("hosts:\n  a: {max_reply_bytes: 12X}\n", DEVCONF_EINVAL, "max_reply_bytes is a size in bytes");
    refused("hosts:\n  a: {max_reply_bytes: 0}\n", DEVCONF_EINVAL, "max_reply_bytes is a size in bytes");
    refused("groups:\n  g: {groups: [g]}\nhosts:\n  a: {groups: [g]}\n", DEVCONF_EINVAL, "nested more than 32");
    devconf_fleet *f = NULL;
    ASSERT_OK(devconf_fleet_new(&f, ctx));
    ASSERT_FAILS(devconf_fleet_load_inventory(f, "/dev/zero"), DEVCONF_EINVAL);
    ASSERT_FAILS(devconf_fleet_load_inventory(f, "/nonexistent.yaml"), DEVCONF_ENOTFOUND);
    devconf_fleet_free(f);
}
END_TEST

START_TEST(a_run_reads_every_device_with_bounded_forks)
{
    devconf_fleet *f = load();
    struct collect c;
    devconf_fleet_options o = run_opts(&c, 3);
    devconf_fleet_op op = DEVCONF_FLEET_OP_INIT;
    op.kind = DEVCONF_FLEET_GET_CONFIG;
    op.filter = "/ietf-interfaces:interfaces";
    op.format = DEVCONF_FORMAT_JSON;
    devconf_fleet_summary sum;
    ASSERT_OK(devconf_fleet_run(f, &op, &o, &sum));
    ck_assert_uint_eq(sum.total, NDEV);
    ck_assert_uint_eq(sum.ok, NDEV);
    ck_assert_uint_eq(sum.failed, 0);
    ck_assert_int_eq(c.results, NDEV);
    ck_assert_int_eq(c.progress_calls, NDEV);
    for (int i = 0; i < NDEV; i++) {
        ck_assert_int_eq(c.codes[i], 0);
        ck_assert_msg(strstr(c.data[i], "\"ietf-interfaces:interfaces\""), "%s: %s", c.names[i], c.data[i]);
    }
    /* all of them share one schema context (one module set) */
    devconf_fleet_free(f);
}
END_TEST

/* max_reply_bytes of the inventory reaches every device's session: 200 bytes is less than any
 * device's hello, so every device fails, naming the limit. */
START_TEST(inventory_max_reply_bytes_bounds_every_session)
{
    devconf_fleet *f = NULL;
    ASSERT_OK(devconf_fleet_new(&f, ctx));
    ASSERT_OK(devconf_fleet_load_inventory(f, write_inventory("  max_reply_bytes: 200\n")));
    struct collect c;
    devconf_fleet_options o = run_opts(&c, 3);
    devconf_fleet_op op = DEVCONF_FLEET_OP_INIT;
    op.kind = DEVCONF_FLEET_GET_CONFIG;
    devconf_fleet_summary sum;
    devconf_fleet_run(f, &op, &o, &sum);
    ck_assert_uint_eq(sum.failed, NDEV);
    ck_assert_int_eq(c.results, NDEV);
    for (int i = 0; i < NDEV; i++) {
        ck_assert_msg(strstr(c.errors[i], "max_reply_bytes"), "%s: %s", c.names[i], c.errors[i]);
    }
    devconf_fleet_free(f);
    /* and with 64K the same run succeeds */
    ASSERT_OK(devconf_fleet_new(&f, ctx));
    ASSERT_OK(devconf_fleet_load_inventory(f, write_inventory("  max_reply_bytes: 64K\n")));
    o = run_opts(&c, 3);
    ASSERT_OK(devconf_fleet_run(f, &op, &o, &sum));
    ck_assert_uint_eq(sum.ok, NDEV);
    devconf_fleet_free(f);
}
END_TEST

START_TEST(apply_changes_every_device_and_a_job_checks)
{
    devconf_fleet *f = load();
    struct collect c;
    devconf_fleet_options o = run_opts(&c, 4);
    devconf_fleet_op op = DEVCONF_FLEET_OP_INIT;
    op.kind = DEVCONF_FLEET_APPLY;
    op.payload = "{\"ietf-interfaces:interfaces\":{\"interface\":[{\"name\":\"eth0\",\"type\":"
                 "\"iana-if-type:ethernetCsmacd\",\"description\":\"applied by the fleet\"}]}}";
    op.confirm_seconds = 60; /* confirmed, then confirmed */
    ASSERT_OK(devconf_fleet_run(f, &op, &o, NULL));
    for (int i = 0; i < NDEV; i++) {
        ck_assert_msg(c.codes[i] == 0, "%s failed", c.names[i]);
        ck_assert_msg(strstr(c.data[i], "+") && strstr(c.data[i], "applied by the fleet"), "%s diff: %s",
                      c.names[i], c.data[i]);
    }
    /* read back on every device */
    o = run_opts(&c, 4);
    op = (devconf_fleet_op)DEVCONF_FLEET_OP_INIT;
    op.kind = DEVCONF_FLEET_GET_CONFIG;
    op.filter = "<interfaces xmlns=\"" IF_NS "\"/>";
    ASSERT_OK(devconf_fleet_run(f, &op, &o, NULL));
    for (int i = 0; i < NDEV; i++) {
        ck_assert_msg(strstr(c.data[i], "applied by the fleet"), "%s: %s", c.names[i], c.data[i]);
    }
    /* a dry run writes nothing */
    o = run_opts(&c, 4);
    op = (devconf_fleet_op)DEVCONF_FLEET_OP_INIT;
    op.kind = DEVCONF_FLEET_APPLY;
    op.dry_run = 1;
    op.payload = "{\"ietf-interfaces:interfaces\":{\"interface\":[{\"name\":\"eth0\",\"description\":\"dry\"}]}}";
    ASSERT_OK(devconf_fleet_run(f, &op, &o, NULL));
    ck_assert_ptr_nonnull(strstr(c.data[0], "+") );
    devconf_fleet_free(f);
}
END_TEST

static int job(devconf_session *s, const char *device, char **data, void *payload)
{
    __atomic_add_fetch((int *)payload, 1, __ATOMIC_SEQ_CST); /* jobs run in parallel */
    char *out = NULL;
    int r = devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/ietf-interfaces:interfaces", NULL);
    if (r < 0) {
        return r;
    }
    if (asprintf(data, "%s has %zu bytes of interfaces", device, strlen(out)) < 0) {
        *data = NULL;
    }
    devconf_free(out);
    return strcmp(device, "dev03") ? 0 : DEVCONF_EUSER; /* the job's own verdict */
}

START_TEST(callback_jobs_get_the_open_session)
{
    devconf_fleet *f = load();
    struct collect c;
    devconf_fleet_options o = run_opts(&c, 4);
    int calls = 0;
    devconf_fleet_op op = DEVCONF_FLEET_OP_INIT;
    op.kind = DEVCONF_FLEET_CALLBACK;
    op.job = job;
    op.job_payload = &calls;
    devconf_fleet_summary sum;
    ASSERT_OK(devconf_fleet_run(f, &op, &o, &sum));
    ck_assert_int_eq(calls, NDEV);
    ck_assert_uint_eq(sum.ok, NDEV - 1);
    ck_assert_uint_eq(sum.failed, 1);
    ck_assert_int_eq(c.codes[2], DEVCONF_EUSER);
    ck_assert_ptr_nonnull(strstr(c.data[5], "dev06 has"));
    devconf_fleet_free(f);
}
END_TEST

START_TEST(cancel_stops_the_run_and_every_device_has_a_result)
{
    devconf_fleet *f = load();
    struct collect c;
    devconf_fleet_options o = run_opts(&c, 1);
    c.cancel_after = 3;
    o.cancel_cb = cancel_when;
    o.cancel_payload = &c;
    devconf_fleet_op op = DEVCONF_FLEET_OP_INIT;
    op.kind = DEVCONF_FLEET_GET_CONFIG;
    devconf_fleet_summary sum;
    ASSERT_FAILS(devconf_fleet_run(f, &op, &o, &sum), DEVCONF_ECANCELED);
    ck_assert_int_eq(c.results, NDEV);
    ck_assert_uint_eq(sum.ok, 3);
    ck_assert_uint_eq(sum.cancelled, NDEV - 3);
    devconf_fleet_free(f);
}
END_TEST

START_TEST(deadlines_and_retries)
{
    devconf_fleet *f = load();
    /* a device that answers its first get-config slowly, and one at a closed port */
    const char *const args[] = { "--announce", "hello", "--scenario", "drip", "--scenario-rpc", "get-config",
                                 "--drip-interval", "0.05", NULL };
    test_scripted_start(&odd, args);
    devconf_session_options so = DEVCONF_SESSION_OPTIONS_INIT;
    so.known_hosts = test_scripted_known_hosts(&odd);
    so.private_key = test_scripted_key(&odd);
    ASSERT_OK(devconf_fleet_add(f, "slow", test_scripted_uri(&odd), &so, "odd"));
    ASSERT_OK(devconf_fleet_add(f, "gone", "netconf://" TEST_SCRIPTED_USER "@127.0.0.1:1", &so, "odd"));
    struct collect c;
    devconf_fleet_options o = run_opts(&c, 4);
    o.device_timeout_ms = 2000;
    o.connect_retries = 2;
    o.retry_backoff_ms = 50;
    devconf_fleet_op op = DEVCONF_FLEET_OP_INIT;
    op.kind = DEVCONF_FLEET_GET_CONFIG;
    devconf_fleet_summary sum;
    ASSERT_OK(devconf_fleet_run(f, &op, &o, &sum));
    ck_assert_uint_eq(sum.ok, NDEV);
    ck_assert_uint_eq(sum.failed, 2);
    ck_assert_int_eq(c.codes[NDEV], DEVCONF_ETIMEOUT);     /* slow: its device deadline */
    ck_assert_int_eq(c.codes[NDEV + 1], DEVCONF_ECONNECT); /* gone: after its retries */
    devconf_fleet_free(f);
}
END_TEST

static const char *TXN = "{\"ietf-interfaces:interfaces\":{\"interface\":[{\"name\":\"eth5\",\"type\":"
                         "\"iana-if-type:ethernetCsmacd\",\"description\":\"all or nothing\"}]}}";

static int count_with(devconf_fleet *f, const char *needle)
{
    struct collect c;
    devconf_fleet_options o = run_opts(&c, 4);
    devconf_fleet_op op = DEVCONF_FLEET_OP_INIT;
    op.kind = DEVCONF_FLEET_GET_CONFIG;
    ASSERT_OK(devconf_fleet_run(f, &op, &o, NULL));
    int n = 0;
    for (size_t i = 0; i < devconf_fleet_count(f); i++) {
        n += devconf_fleet_device_selected(f, i) && strstr(c.data[i], needle) != NULL;
    }
    return n;
}

START_TEST(transaction_commits_everywhere_or_nowhere)
{
    devconf_fleet *f = load();
    ck_assert_int_eq(devconf_fleet_select(f, "group:even"), NDEV / 2);
    /* a session holds the lock of one device's candidate: the transaction fails there */
    devconf_session_options so = DEVCONF_SESSION_OPTIONS_INIT;
    so.known_hosts = test_scripted_known_hosts(&srv);
    so.private_key = test_scripted_key(&srv);
    devconf_session *holder = NULL;
    ASSERT_OK(devconf_session_open(&holder, ctx, test_scripted_uri_at(&srv, 4), &so)); /* dev05: even */
    ASSERT_OK(devconf_lock(holder, DEVCONF_DS_CANDIDATE, NULL));
    struct collect c;
    devconf_fleet_options o = run_opts(&c, 3);
    devconf_fleet_summary sum;
    ASSERT_FAILS(devconf_fleet_transaction(f, TXN, NULL, &o, &sum), DEVCONF_ERROR);
    ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), "failed on dev05"), "%s",
                  devconf_error_message(devconf_error_last()));
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "every device touched was reverted"));
    ck_assert_int_eq(c.results, NDEV / 2);
    ck_assert_int_eq(c.codes[4], DEVCONF_ERPC); /* lock-denied */
    ck_assert_int_eq(count_with(f, "all or nothing"), 0);
    for (int i = 0; i < NDEV; i += 2) {
        ck_assert_int_ne(c.states[i], DEVCONF_FLEET_TXN_COMMITTED);
    }
    /* the lock goes: every device commits */
    ASSERT_OK(devconf_unlock(holder, DEVCONF_DS_CANDIDATE, NULL));
    devconf_session_free(holder);
    o = run_opts(&c, 3);
    devconf_fleet_txn_options to = DEVCONF_FLEET_TXN_OPTIONS_INIT;
    to.confirm_seconds = 60;
    ASSERT_OK(devconf_fleet_transaction(f, TXN, &to, &o, &sum));
    ck_assert_uint_eq(sum.ok, NDEV / 2);
    for (int i = 0; i < NDEV; i += 2) {
        ck_assert_int_eq(c.states[i], DEVCONF_FLEET_TXN_COMMITTED);
    }
    ck_assert_int_eq(count_with(f, "all or nothing"), NDEV / 2);
    devconf_fleet_free(f);
}
END_TEST

START_TEST(devices_without_the_guarantee_are_named_up_front)
{
    devconf_fleet *f = load();
    const char *const args[] = { "--announce", "hello", "--without", "confirmed-commit", NULL };
    test_scripted_start(&odd, args);
    devconf_session_options so = DEVCONF_SESSION_OPTIONS_INIT;
    so.known_hosts = test_scripted_known_hosts(&odd);
    so.private_key = test_scripted_key(&odd);
    ASSERT_OK(devconf_fleet_add(f, "plain", test_scripted_uri(&odd), &so, NULL));
    ck_assert_int_eq(devconf_fleet_select(f, "dev01,dev02,plain"), 3);
    struct collect c;
    devconf_fleet_options o = run_opts(&c, 3);
    ASSERT_FAILS(devconf_fleet_transaction(f, TXN, NULL, &o, NULL), DEVCONF_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "plain (no confirmed-commit 1.1"));
    ck_assert_int_eq(count_with(f, "all or nothing"), 0); /* nothing changed anywhere */
    /* accepted with the snapshot guarantee */
    devconf_fleet_txn_options to = DEVCONF_FLEET_TXN_OPTIONS_INIT;
    to.weak = DEVCONF_FLEET_WEAK_SNAPSHOT;
    o = run_opts(&c, 3);
    ASSERT_OK(devconf_fleet_transaction(f, TXN, &to, &o, NULL));
    ck_assert_int_eq(count_with(f, "all or nothing"), 3);
    devconf_fleet_free(f);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("fleet");
    TCase *tc = tcase_create("fleet");
    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, inventory_resolves_settings_and_selects);
    tcase_add_test(tc, inventory_max_reply_bytes_bounds_every_session);
    tcase_add_test(tc, bad_inventories_are_refused_with_line_numbers);
    tcase_add_test(tc, a_run_reads_every_device_with_bounded_forks);
    tcase_add_test(tc, apply_changes_every_device_and_a_job_checks);
    tcase_add_test(tc, callback_jobs_get_the_open_session);
    tcase_add_test(tc, cancel_stops_the_run_and_every_device_has_a_result);
    tcase_add_test(tc, deadlines_and_retries);
    tcase_add_test(tc, transaction_commits_everywhere_or_nowhere);
    tcase_add_test(tc, devices_without_the_guarantee_are_named_up_front);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
