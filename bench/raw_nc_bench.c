/* A minimal raw libnetconf2 client: the reference devconf's NETCONF figures are compared to.
 * What a C programmer writes with libnetconf2 alone: nc_connect_ssh with a key pair (host key
 * checked against a known_hosts file), nc_rpc_* + nc_send_rpc + nc_recv_reply, and read replies
 * printed to text (the work devconf also does to hand text to its caller).
 *
 *   raw_nc_bench MODE HOST PORT USER KEY CACHE_DIR KNOWN_HOSTS [options]
 *
 * Modes as in devconf_bench.c: connect --count N, getconfig --count N, full, edit --count N,
 * concurrent --threads N [--shared-ctx] (every session after the first reuses the first one's
 * YANG context: libnetconf2's ctx argument). Prints one "RESULT {json}" line. */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include <libyang/libyang.h>
#include <libssh/libssh.h>
#include <nc_client.h>

#include "bench_common.h"

static const char *host, *user, *key, *cache, *known_hosts;
static uint16_t port;
static char pub[512];

/* The host key must be in the known_hosts file (as for every client of the benchmark). */
static int check_known(const char *hostname, ssh_session session, void *priv)
{
    (void)hostname;
    (void)priv;
    ssh_options_set(session, SSH_OPTIONS_KNOWNHOSTS, known_hosts);
    return ssh_session_is_known_server(session) == SSH_KNOWN_HOSTS_OK ? 0 : -1;
}

static void quiet(const struct nc_session *session, NC_VERB_LEVEL level, const char *msg)
{
    (void)session;
    (void)level;
    (void)msg;
}

/* libnetconf2's client settings are per thread: every thread that connects sets them. */
static void thread_setup(void)
{
    nc_client_set_schema_searchpath(cache);
    nc_client_ssh_set_username(user);
    nc_client_ssh_add_keypair(pub, key);
    nc_client_ssh_set_auth_pref(NC_SSH_AUTH_PASSWORD, -1);
    nc_client_ssh_set_auth_pref(NC_SSH_AUTH_INTERACTIVE, -1);
    nc_client_ssh_set_auth_hostkey_check_clb(check_known, NULL);
}

/* libnetconf2 2.0.24 still fills a context it is given (it may add modules), so connects that
 * share one are serialized, as devconf does with its write lock. */
static pthread_mutex_t shared_connect_lock = PTHREAD_MUTEX_INITIALIZER;

static struct nc_session *connect_one(struct ly_ctx *shared)
{
    if (shared) {
        pthread_mutex_lock(&shared_connect_lock);
    }
    struct nc_session *s = nc_connect_ssh(host, port, shared);
    if (shared) {
        pthread_mutex_unlock(&shared_connect_lock);
    }
    if (!s) {
        bench_die("connect to %s port %u failed", host, (unsigned)port);
    }
    return s;
}

/* Sends rpc, waits for the reply; returns the reply's operation tree (caller frees) or dies. */
static struct lyd_node *call(struct nc_session *s, struct nc_rpc *rpc, const char *what)
{
    uint64_t id;
    struct lyd_node *envp = NULL, *op = NULL;
    if (nc_send_rpc(s, rpc, 120000, &id) != NC_MSG_RPC) {
        bench_die("%s: send failed", what);
    }
    if (nc_recv_reply(s, rpc, id, 120000, &envp, &op) != NC_MSG_REPLY) {
        bench_die("%s: no reply", what);
    }
    for (struct lyd_node *e = envp ? lyd_child(envp) : NULL; e; e = e->next) {
        if (!strcmp(LYD_NAME(e), "rpc-error")) {
            bench_die("%s: rpc-error", what);
        }
    }
    lyd_free_tree(envp);
    nc_rpc_free(rpc);
    return op;
}

/* get-config; returns the data printed as XML text (caller frees). */
static char *getconfig_text(struct nc_session *s, const char *filter)
{
    struct lyd_node *op = call(s, nc_rpc_getconfig(NC_DATASTORE_RUNNING, filter, NC_WD_UNKNOWN, NC_PARAMTYPE_CONST),
                               "get-config");
    struct lyd_node_any *data = op ? (struct lyd_node_any *)lyd_child(op) : NULL;
    char *text = NULL;
    if (!data || lyd_print_mem(&text, data->value.tree, LYD_XML, LYD_PRINT_WITHSIBLINGS) != LY_SUCCESS || !text) {
        bench_die("get-config: no data");
    }
    lyd_free_all(op);
    return text;
}

#define SMALL_FILTER "<interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\"><interface><name>eth0</name></interface></interfaces>"

static void small_get(struct nc_session *s)
{
    char *text = getconfig_text(s, SMALL_FILTER);
    if (!strstr(text, "eth0")) {
        bench_die("get-config: eth0 missing");
    }
    free(text);
}

static void report_samples(double *t, int n)
{
    bench_result_begin();
    bench_result_samples("samples_us", t, n);
    bench_result_end();
}

static void mode_connect(int n)
{
    double *t = calloc((size_t)n, sizeof *t);
    for (int i = 0; i < n; i++) {
        double t0 = bench_now_us();
        struct nc_session *s = connect_one(NULL);
        t[i] = bench_now_us() - t0;
        nc_session_free(s, NULL);
    }
    report_samples(t, n);
    free(t);
}

static void mode_getconfig(int n)
{
    struct nc_session *s = connect_one(NULL);
    small_get(s);
    double *t = calloc((size_t)n, sizeof *t);
    for (int i = 0; i < n; i++) {
        double t0 = bench_now_us();
        small_get(s);
        t[i] = bench_now_us() - t0;
    }
    nc_session_free(s, NULL);
    report_samples(t, n);
    free(t);
}

static void mode_full(int n)
{
    struct nc_session *s = connect_one(NULL);
    small_get(s); /* the session's first RPC is never timed (the test server's hello gate holds it) */
    long rss_before = bench_status_kb("VmRSS");
    int reset = bench_reset_peak();
    double *t = calloc((size_t)n, sizeof *t);
    size_t bytes = 0;
    long hwm = 0;
    for (int i = 0; i < n; i++) {
        double t0 = bench_now_us();
        char *text = getconfig_text(s, NULL);
        t[i] = bench_now_us() - t0;
        if (i == 0) {
            hwm = bench_status_kb("VmHWM"); /* the peak of one get-config, with its result alive */
        }
        bytes = strlen(text);
        free(text);
    }
    nc_session_free(s, NULL);
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
    struct nc_session *s = connect_one(NULL);
    lyd_free_all(call(s, nc_rpc_discard(), "discard-changes"));
    double *t = calloc((size_t)n, sizeof *t);
    char xml[512];
    for (int i = 0; i < n; i++) {
        snprintf(xml, sizeof xml,
                 "<interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\"><interface><name>eth0</name>"
                 "<description>raw libnetconf2 edit %d</description></interface></interfaces>", i);
        double t0 = bench_now_us();
        lyd_free_all(call(s, nc_rpc_edit(NC_DATASTORE_CANDIDATE, NC_RPC_EDIT_DFLTOP_UNKNOWN,
                                         NC_RPC_EDIT_TESTOPT_UNKNOWN, NC_RPC_EDIT_ERROPT_UNKNOWN, xml,
                                         NC_PARAMTYPE_CONST), "edit-config"));
        lyd_free_all(call(s, nc_rpc_commit(0, 0, NULL, NULL, NC_PARAMTYPE_CONST), "commit"));
        t[i] = bench_now_us() - t0;
    }
    nc_session_free(s, NULL);
    report_samples(t, n);
    free(t);
}

/* ---- concurrent sessions ---- */

static bench_barrier connected, go, done, release;
static double *get_lat;
static struct ly_ctx *shared_ctx;

static void *worker(void *arg)
{
    int idx = (int)(long)arg;
    thread_setup();
    struct nc_session *s = connect_one(shared_ctx);
    small_get(s); /* warm-up: the session's first RPC is never timed */
    bench_barrier_wait(&connected);
    bench_barrier_wait(&go);
    double t0 = bench_now_us();
    small_get(s);
    get_lat[idx] = bench_now_us() - t0;
    bench_barrier_wait(&done);
    bench_barrier_wait(&release);
    nc_session_free(s, NULL);
    /* (libnetconf2 frees this thread's client settings in its thread-exit destructor; an
     * nc_client_destroy() here would free them twice) */
    return NULL;
}

/* libnetconf2 waits up to 300 s for each reply it needs while it builds a session's context and
 * takes no timeout from the caller; netconfd sometimes never answers one under a connection
 * storm (its hello bug, see tests/fixtures/netconf/netconfd-up.sh). Fail instead of hanging. */
static volatile int all_connected;

static void *connect_watchdog(void *arg)
{
    int limit = (int)(long)arg;
    for (int i = 0; i < limit * 10 && !all_connected; i++) {
        struct timespec ts = { 0, 100000000 };
        nanosleep(&ts, NULL);
    }
    if (!all_connected) {
        fprintf(stderr, "bench: sessions still connecting after %d s (libnetconf2 waits 300 s for a reply "
                        "netconfd never sent)\n", limit);
        fflush(stderr);
        _exit(3);
    }
    return NULL;
}

static void mode_concurrent(int n, int shared)
{
    pthread_t wd;
    pthread_create(&wd, NULL, connect_watchdog, (void *)(long)120);
    pthread_detach(wd);
    long rss0 = bench_status_kb("VmRSS");
    get_lat = calloc((size_t)n, sizeof *get_lat);
    struct nc_session *first = connect_one(NULL);
    small_get(first);
    long rss1 = bench_status_kb("VmRSS");
    shared_ctx = shared ? (struct ly_ctx *)nc_session_get_ctx(first) : NULL;
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
    all_connected = 1;
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
    nc_session_free(first, NULL); /* after the others: they borrowed its context */
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

int main(int argc, char **argv)
{
    if (argc < 8) {
        fprintf(stderr, "usage: %s MODE HOST PORT USER KEY CACHE_DIR KNOWN_HOSTS [options]\n", argv[0]);
        return 2;
    }
    const char *mode = argv[1];
    host = argv[2];
    port = (uint16_t)atoi(argv[3]);
    user = argv[4];
    key = argv[5];
    cache = argv[6];
    known_hosts = argv[7];
    snprintf(pub, sizeof pub, "%s.pub", key);
    int count = bench_opt_int(argc, argv, "--count", 100);
    nc_client_init();
    nc_verbosity(NC_VERB_ERROR);
    nc_set_print_clb_session(quiet);
    ly_log_options(0);
    thread_setup();
    if (!strcmp(mode, "connect")) {
        mode_connect(count);
    } else if (!strcmp(mode, "getconfig")) {
        mode_getconfig(count);
    } else if (!strcmp(mode, "full")) {
        mode_full(count);
    } else if (!strcmp(mode, "edit")) {
        mode_edit(count);
    } else if (!strcmp(mode, "concurrent")) {
        mode_concurrent(bench_opt_int(argc, argv, "--threads", 10), bench_flag(argc, argv, "--shared-ctx"));
    } else {
        bench_die("unknown mode %s", mode);
    }
    nc_client_destroy();
    return 0;
}
