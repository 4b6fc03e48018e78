/* Many threads, shared schema contexts, one cache directory (run under ThreadSanitizer by .ci/run):
 * 16 threads open sessions to 8 devices of one module set (the scripted server, 8 ports) at once,
 * cold then warm, from separate devconf_ctx and one shared ctx, read, edit and discard on each, and
 * free in any order; every session of the run shares one libyang context. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yang/yang_p.h"
#include "test_scripted.h"
#include "test_util.h"

#define THREADS 16
#define DEVICES 8
#define ROUNDS 3
#define IF_NS "urn:ietf:params:xml:ns:yang:ietf-interfaces"

static test_scripted srv;
static devconf_ctx *shared;

struct worker {
    int index;
    bool own_ctx;
    char err[512];
    char schema_id[65];
};

static void *work(void *arg)
{
    struct worker *w = arg;
    devconf_ctx *ctx = shared;
    if (w->own_ctx && (devconf_ctx_new(&ctx) < 0 || devconf_ctx_set_cache_dir(ctx, test_scripted_cache_dir(&srv)) < 0)) {
        snprintf(w->err, sizeof w->err, "ctx: %s", devconf_error_message(devconf_error_last()));
        devconf_thread_cleanup();
        return NULL;
    }
    if (w->own_ctx) {
        devconf_ctx_set_log_callback(ctx, DEVCONF_LOG_ERROR, NULL, NULL);
    }
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = test_scripted_known_hosts(&srv);
    o.private_key = test_scripted_key(&srv);
    o.connect_timeout_ms = 60000;
    o.rpc_timeout_ms = 60000;
    for (int round = 0; round < ROUNDS && !w->err[0]; round++) {
        size_t dev = (size_t)(w->index + round) % DEVICES;
        devconf_session *s = NULL;
        char uri[80]; /* test_scripted_uri_at() has one static buffer */
        snprintf(uri, sizeof uri, "netconf://%s@127.0.0.1:%u", TEST_SCRIPTED_USER,
                 (unsigned)test_scripted_port(&srv, dev));
        if (devconf_session_open(&s, ctx, uri, &o) < 0) {
            snprintf(w->err, sizeof w->err, "open %zu: %s", dev, devconf_error_message(devconf_error_last()));
            break;
        }
        snprintf(w->schema_id, sizeof w->schema_id, "%s", devconf_session_schema_id(s));
        char *out = NULL;
        char payload[400];
        snprintf(payload, sizeof payload,
                 "{\"ietf-interfaces:interfaces\":{\"interface\":[{\"name\":\"t%d\",\"type\":"
                 "\"iana-if-type:ethernetCsmacd\",\"description\":\"thread %d round %d\"}]}}", w->index, w->index,
                 round);
        if (devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/ietf-interfaces:interfaces", NULL) < 0 ||
            devconf_edit_config(s, DEVCONF_DS_CANDIDATE, payload, NULL) < 0 ||
            devconf_diff(&out, s, DEVCONF_DS_CANDIDATE, payload, NULL, DEVCONF_DIFF_UNIFIED) < 0) {
            snprintf(w->err, sizeof w->err, "round %d on %zu: %s", round, dev,
                     devconf_error_message(devconf_error_last()));
        }
        devconf_free(out);
        devconf_session_free(s);
    }
    if (w->own_ctx) {
        devconf_ctx_free(ctx);
    }
    devconf_thread_cleanup();
    return NULL;
}

static void run_all(bool own_ctx)
{
    pthread_t t[THREADS];
    struct worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].index = i;
        w[i].own_ctx = own_ctx && i % 2;
        ck_assert_int_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
    }
    for (int i = 0; i < THREADS; i++) {
        ck_assert_msg(!w[i].err[0], "thread %d: %s", i, w[i].err);
        ck_assert_str_eq(w[i].schema_id, w[0].schema_id);
    }
}

START_TEST(threads_share_contexts_and_one_cache)
{
    unsetenv("DEVCONF_YANG_PATH"); /* every text from the devices: the cache is written concurrently */
    const char *const args[] = { "--ports", "8", NULL };
    test_scripted_start(&srv, args);
    ck_assert_int_ge(devconf_init(), 1);
    ck_assert_int_eq(devconf_ctx_new(&shared), 0);
    ck_assert_int_eq(devconf_ctx_set_cache_dir(shared, test_scripted_cache_dir(&srv)), 0);
    devconf_ctx_set_log_callback(shared, DEVCONF_LOG_ERROR, NULL, NULL);
    run_all(true);  /* cold: 8 devices resolved at once, one thread per device, others wait */
    run_all(true);  /* warm */
    run_all(false); /* one ctx for all threads */
    ck_assert_uint_eq(devconf__schema_store_count(), 1);
    devconf_ctx_free(shared);
    devconf_deinit();
    test_scripted_stop(&srv);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("concurrency");
    TCase *tc = tcase_create("concurrency");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, threads_share_contexts_and_one_cache);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
