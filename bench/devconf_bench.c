/* devconf from C: every benchmark of bench/run.sh, one mode per run.
 *
 *   devconf_bench MODE URI [options]
 *
 * Modes (NETCONF unless named rc-):
 *   connect     --count N      N session opens on one context (the first warms the schema cache in
 *                              memory, if the library has one); samples = each open (connect,
 *                              SSH, authentication, hello, schema context)
 *   getconfig   --count N      N sequential small get-config (one interface, XPath filter)
 *   full        --count N      N get-config of the whole running datastore; wall times, bytes,
 *                              memory before and peak during the first
 *               --device-text  the same with device_text (the device's XML, never parsed)
 *   edit        --count N      N x (edit-config of one description in the candidate + commit)
 *   concurrent  --threads N    N sessions opened at once from N threads, then all do a small
 *                              get-config at once; memory per session
 *   rc-get      --count N      RESTCONF: N GETs of one interface (get-config with a data path)
 *   rc-push     --count N --leaves L   RESTCONF: N x (edit-config of L interface descriptions in
 *                              the candidate + commit)
 * Options: --known-hosts F --key F --cache DIR (NETCONF); --ca F --cert F --cert-key F (RESTCONF).
 * Prints one "RESULT {json}" line (see bench_common.h). */
#include <pthread.h>
#include <string.h>

#include <devconf/devconf.h>

#include "bench_common.h"

static const char *uri, *known_hosts, *key, *cache, *ca, *cert, *cert_key;
static int device_text;
static devconf_ctx *ctx;

#define RC_PATH "/ietf-interfaces:interfaces/interface[name='eth0']"
#define SMALL_FILTER "<interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\"><interface><name>eth0</name></interface></interfaces>"

static devconf_session *open_session(void)
{
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = known_hosts;
    o.private_key = key;
    o.ca_file = ca;
    o.client_cert = cert;
    o.client_key = cert_key;
    o.connect_timeout_ms = 120000;
    o.rpc_timeout_ms = 120000;
    devconf_session *s = NULL;
    if (devconf_session_open(&s, ctx, uri, &o) != 0) {
        bench_die("open %s: %s", uri, devconf_error_message(devconf_error_last()));
    }
    return s;
}

static void small_get(devconf_session *s)
{
    char *out = NULL;
    if (devconf_get_config(&out, s, DEVCONF_DS_RUNNING, SMALL_FILTER, NULL) != 0 || !strstr(out, "eth0")) {
        bench_die("get-config: %s", devconf_error_message(devconf_error_last()));
    }
    devconf_free(out);
}

static void mode_connect(int n)
{
    double *t = calloc((size_t)n, sizeof *t);
    for (int i = 0; i < n; i++) {
        double t0 = bench_now_us();
        devconf_session *s = open_session();
        t[i] = bench_now_us() - t0;
        devconf_session_free(s);
    }
    bench_result_begin();
    bench_result_samples("samples_us", t, n);
    bench_result_end();
    free(t);
}

static void mode_getconfig(int n)
{
    devconf_session *s = open_session();
    small_get(s); /* first RPC on the session is not part of the figure */
    double *t = calloc((size_t)n, sizeof *t);
    for (int i = 0; i < n; i++) {
        double t0 = bench_now_us();
        small_get(s);
        t[i] = bench_now_us() - t0;
    }
    devconf_session_free(s);
    bench_result_begin();
    bench_result_samples("samples_us", t, n);
    bench_result_end();
    free(t);
}

static void mode_full(int n)
{
    devconf_session *s = open_session();
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    ro.device_text = device_text;
    /* the session's first RPC is never timed (the test server's hello gate holds it); with
     * device_text, the first on the bulk-read channel neither */
    char *first = NULL;
    if (devconf_get_config(&first, s, DEVCONF_DS_RUNNING, SMALL_FILTER, &ro) != 0 || !strstr(first, "eth0")) {
        bench_die("get-config: %s", devconf_error_message(devconf_error_last()));
    }
    devconf_free(first);
    long rss_before = bench_status_kb("VmRSS");
    int reset = bench_reset_peak();
    double *t = calloc((size_t)n, sizeof *t);
    size_t bytes = 0;
    long hwm = 0;
    for (int i = 0; i < n; i++) {
        char *out = NULL;
        double t0 = bench_now_us();
        if (devconf_get_config(&out, s, DEVCONF_DS_RUNNING, NULL, &ro) != 0) {
            bench_die("get-config: %s", devconf_error_message(devconf_error_last()));
        }
        t[i] = bench_now_us() - t0;
        if (i == 0) {
            hwm = bench_status_kb("VmHWM"); /* the peak of one get-config, with its result alive */
        }
        bytes = strlen(out);
        devconf_free(out);
    }
    devconf_session_free(s);
    bench_result_begin();
    bench_result_samples("samples_us", t, n);
    bench_result_num("bytes", (double)bytes);
    bench_result_num("rss_before_kb", (double)rss_before);
    if (reset == 0) {
        bench_result_num("peak_during_kb", (double)hwm);
    }
    bench_result_end();
    free(t);
}

static void mode_edit(int n)
{
    devconf_session *s = open_session();
    devconf_discard_changes(s, NULL);
    double *t = calloc((size_t)n, sizeof *t);
    char xml[512];
    for (int i = 0; i < n; i++) {
        snprintf(xml, sizeof xml,
                 "<interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\"><interface><name>eth0</name>"
                 "<description>devconf C edit %d</description></interface></interfaces>", i);
        double t0 = bench_now_us();
        if (devconf_edit_config(s, DEVCONF_DS_CANDIDATE, xml, NULL) != 0 || devconf_commit(s, NULL) != 0) {
            bench_die("edit+commit: %s", devconf_error_message(devconf_error_last()));
        }
        t[i] = bench_now_us() - t0;
    }
    devconf_session_free(s);
    bench_result_begin();
    bench_result_samples("samples_us", t, n);
    bench_result_end();
    free(t);
}

/* ---- concurrent sessions ---- */

static bench_barrier connected, go, done, release;
static double *get_lat;

static void *worker(void *arg)
{
    int idx = (int)(long)arg;
    devconf_session *s = open_session();
    small_get(s); /* warm-up: the session's first RPC is never timed */
    bench_barrier_wait(&connected);
    bench_barrier_wait(&go);
    double t0 = bench_now_us();
    small_get(s);
    get_lat[idx] = bench_now_us() - t0;
    bench_barrier_wait(&done);
    bench_barrier_wait(&release); /* the main thread reads the RSS with every session open */
    devconf_session_free(s);
    devconf_thread_cleanup();
    return NULL;
}

static void mode_concurrent(int n)
{
    long rss0 = bench_status_kb("VmRSS");
    get_lat = calloc((size_t)n, sizeof *get_lat);
    /* one session first: what every later session shares is paid here */
    devconf_session *first = open_session();
    small_get(first);
    long rss1 = bench_status_kb("VmRSS");
    bench_barrier_init(&connected, n);
    bench_barrier_init(&go, n);
    bench_barrier_init(&done, n);
    bench_barrier_init(&release, n);
    pthread_t *th = calloc((size_t)n, sizeof *th);
    double t0 = bench_now_us();
    for (int i = 1; i < n; i++) {
        if (pthread_create(&th[i], NULL, worker, (void *)(long)i) != 0) {
            bench_die("pthread_create failed");
        }
    }
    bench_barrier_wait(&connected);
    double connect_wall = bench_now_us() - t0;
    double t1 = bench_now_us();
    bench_barrier_wait(&go);
    double g0 = bench_now_us();
    small_get(first);
    get_lat[0] = bench_now_us() - g0;
    bench_barrier_wait(&done);
    double get_wall = bench_now_us() - t1;
    long rssn = bench_status_kb("VmRSS");
    bench_barrier_wait(&release);
    for (int i = 1; i < n; i++) {
        pthread_join(th[i], NULL);
    }
    devconf_session_free(first);
    bench_result_begin();
    bench_result_num("sessions", n);
    bench_result_num("connect_wall_us", connect_wall);
    bench_result_num("get_wall_us", get_wall);
    bench_result_samples("samples_us", get_lat, n);
    bench_result_num("rss_base_kb", (double)rss0);
    bench_result_num("rss_one_kb", (double)rss1);
    bench_result_num("rss_all_kb", (double)rssn);
    bench_result_num("per_session_kb", n > 1 ? (double)(rssn - rss1) / (n - 1) : 0);
    bench_result_end();
    free(th);
    free(get_lat);
}

/* ---- RESTCONF ---- */

/* One interface by its data path, as JSON (what a RESTCONF caller wants, and what the server sends). */
static void rc_get(devconf_session *s)
{
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    ro.format = DEVCONF_FORMAT_JSON;
    char *out = NULL;
    if (devconf_get_config(&out, s, DEVCONF_DS_RUNNING, RC_PATH, &ro) != 0 || !strstr(out, "eth0")) {
        bench_die("get-config: %s", devconf_error_message(devconf_error_last()));
    }
    devconf_free(out);
}

static void mode_rc_get(int n)
{
    devconf_session *s = open_session();
    rc_get(s);
    double *t = calloc((size_t)n, sizeof *t);
    for (int i = 0; i < n; i++) {
        double t0 = bench_now_us();
        rc_get(s);
        t[i] = bench_now_us() - t0;
    }
    devconf_session_free(s);
    bench_result_begin();
    bench_result_samples("samples_us", t, n);
    bench_result_end();
    free(t);
}

static void mode_rc_push(int n, int leaves)
{
    devconf_session *s = open_session();
    double *t = calloc((size_t)n, sizeof *t);
    size_t cap = (size_t)leaves * 96 + 128;
    char *json = malloc(cap);
    for (int i = 0; i < n; i++) {
        size_t off = (size_t)snprintf(json, cap, "{\"ietf-interfaces:interfaces\":{\"interface\":[");
        for (int k = 0; k < leaves; k++) {
            off += (size_t)snprintf(json + off, cap - off, "%s{\"name\":\"eth%d\",\"description\":\"devconf C push %d\"}",
                                    k ? "," : "", k, i);
        }
        snprintf(json + off, cap - off, "]}}");
        double t0 = bench_now_us();
        if (devconf_edit_config(s, DEVCONF_DS_CANDIDATE, json, NULL) != 0 || devconf_commit(s, NULL) != 0) {
            bench_die("push: %s", devconf_error_message(devconf_error_last()));
        }
        t[i] = bench_now_us() - t0;
    }
    free(json);
    devconf_session_free(s);
    bench_result_begin();
    bench_result_samples("samples_us", t, n);
    bench_result_end();
    free(t);
}

static void drop_log(devconf_log_level level, const char *origin, const char *msg, void *payload)
{
    (void)level;
    (void)origin;
    (void)msg;
    (void)payload;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s MODE URI [options] (see the top of bench/devconf_bench.c)\n", argv[0]);
        return 2;
    }
    const char *mode = argv[1];
    uri = argv[2];
    known_hosts = bench_opt(argc, argv, "--known-hosts", NULL);
    key = bench_opt(argc, argv, "--key", NULL);
    cache = bench_opt(argc, argv, "--cache", NULL);
    ca = bench_opt(argc, argv, "--ca", NULL);
    cert = bench_opt(argc, argv, "--cert", NULL);
    cert_key = bench_opt(argc, argv, "--cert-key", NULL);
    int count = bench_opt_int(argc, argv, "--count", 100);
    device_text = bench_flag(argc, argv, "--device-text");
    if (devconf_init() < 1 || devconf_ctx_new(&ctx) != 0) {
        bench_die("init: %s", devconf_error_message(devconf_error_last()));
    }
    devconf_ctx_set_log_callback(ctx, DEVCONF_LOG_ERROR, drop_log, NULL);
    if (cache && devconf_ctx_set_cache_dir(ctx, cache) != 0) {
        bench_die("cache dir: %s", devconf_error_message(devconf_error_last()));
    }
    if (!strcmp(mode, "connect")) {
        mode_connect(count);
    } else if (!strcmp(mode, "getconfig")) {
        mode_getconfig(count);
    } else if (!strcmp(mode, "full")) {
        mode_full(count);
    } else if (!strcmp(mode, "edit")) {
        mode_edit(count);
    } else if (!strcmp(mode, "concurrent")) {
        mode_concurrent(bench_opt_int(argc, argv, "--threads", 10));
    } else if (!strcmp(mode, "rc-get")) {
        mode_rc_get(count);
    } else if (!strcmp(mode, "rc-push")) {
        mode_rc_push(count, bench_opt_int(argc, argv, "--leaves", 1000));
    } else {
        bench_die("unknown mode %s", mode);
    }
    devconf_ctx_free(ctx);
    devconf_deinit();
    return 0;
}
