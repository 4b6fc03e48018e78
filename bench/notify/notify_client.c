/* Notifications from C, for bench/notify: consumers and generators, one mode per run.
 *
 *   notify_client MODE URI --known-hosts F --key F --cache DIR [options]
 *
 * Consumers (subscribe, print "READY", optionally wait for a line on stdin, then take notifications):
 *   dispatch     through a callback (devconf_subscription_dispatch)
 *   pull         through devconf_subscription_next
 *     --count N        stop after N notifications (and when none came for --idle-ms, default 5000)
 *     --filter F       subtree filter ("" : every event; default: netconf-config-change)
 *     --queue Q        queue capacity (default: the library's, 1024)
 *     --wait-go        wait for a line on stdin after READY (drain: the backlog is there already)
 *     --sleep-us U     sleep U microseconds per notification (a slow consumer)
 *     --get-every K    a small get-config on the subscribed session every K notifications (a
 *                      consumer that also uses its session: requests read the notifications
 *                      that came before their replies into the queue)
 * Generators:
 *   gen-commit   --count N   N x (edit-config of one description in the candidate + commit), one session
 *   gen-session  --count N   N x (open a session + close it): netconf-session-start and -end each
 *
 * Prints one "RESULT {json}" line: consumers: received (taken), first_to_last_s, rate (taken per
 * second from the first to the last), go_to_last_s, dropped, device_received (the library's
 * count), peak_rss_kb; generators: seconds, rate (operations per second). */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <devconf/devconf.h>

#include "../bench_common.h"

#define CHANGE_FILTER "<netconf-config-change xmlns=\"urn:ietf:params:xml:ns:yang:ietf-netconf-notifications\"/>"
#define SMALL_FILTER "<interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\"><interface><name>eth0</name></interface></interfaces>"

static const char *uri, *known_hosts, *key, *cache;
static devconf_ctx *ctx;

static devconf_session *open_session(void)
{
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = known_hosts;
    o.private_key = key;
    o.connect_timeout_ms = 120000;
    o.rpc_timeout_ms = 120000;
    devconf_session *s = NULL;
    if (devconf_session_open(&s, ctx, uri, &o) != 0) {
        bench_die("open %s: %s", uri, devconf_error_message(devconf_error_last()));
    }
    return s;
}

struct consumer {
    devconf_session *s;
    long count, taken, sleep_us, get_every;
    double t_first, t_last;
};

static void took(struct consumer *c)
{
    double now = bench_now_us();
    if (!c->taken++) {
        c->t_first = now;
    }
    c->t_last = now;
    if (c->sleep_us > 0) {
        usleep((useconds_t)c->sleep_us);
    }
    if (c->get_every > 0 && c->taken % c->get_every == 0) {
        char *out = NULL;
        if (devconf_get_config(&out, c->s, DEVCONF_DS_RUNNING, SMALL_FILTER, NULL) != 0) {
            bench_die("get-config: %s", devconf_error_message(devconf_error_last()));
        }
        devconf_free(out);
    }
}

static int on_notification(const devconf_notification *n, void *payload)
{
    struct consumer *c = payload;
    if (!devconf_notification_text(n)) {
        bench_die("a notification without text");
    }
    took(c);
    return c->taken >= c->count; /* stop the dispatch at the count */
}

static void consume(int dispatch, int argc, char **argv)
{
    struct consumer c = {0};
    c.count = atol(bench_opt(argc, argv, "--count", "1000"));
    c.sleep_us = atol(bench_opt(argc, argv, "--sleep-us", "0"));
    c.get_every = atol(bench_opt(argc, argv, "--get-every", "0"));
    int idle_ms = atoi(bench_opt(argc, argv, "--idle-ms", "5000"));
    const char *filter = bench_opt(argc, argv, "--filter", CHANGE_FILTER);
    int wait_go = 0;
    for (int i = 0; i < argc; i++) {
        wait_go |= !strcmp(argv[i], "--wait-go");
    }
    c.s = open_session();
    devconf_subscribe_options o = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    o.filter = *filter ? filter : NULL;
    o.queue_capacity = (size_t)atol(bench_opt(argc, argv, "--queue", "0"));
    if (dispatch) {
        o.callback = on_notification;
        o.callback_payload = &c;
    }
    devconf_subscription *sub = NULL;
    if (devconf_subscribe(&sub, c.s, &o) != 0) {
        bench_die("subscribe: %s", devconf_error_message(devconf_error_last()));
    }
    long rss_before = bench_status_kb("VmRSS");
    printf("READY\n");
    fflush(stdout);
    if (wait_go) {
        char line[64];
        if (!fgets(line, sizeof line, stdin)) {
            bench_die("no GO on stdin");
        }
    }
    double t_go = bench_now_us();
    while (c.taken < c.count) {
        int r;
        if (dispatch) {
            r = devconf_subscription_dispatch(sub, idle_ms);
            if (r == DEVCONF_EUSER) {
                break; /* the count was reached */
            }
            if (r == 0) {
                break; /* idle */
            }
        } else {
            devconf_notification *n = NULL;
            r = devconf_subscription_next(&n, sub, idle_ms);
            if (r == DEVCONF_ETIMEOUT) {
                break;
            }
            if (r == 0 && n) {
                if (!devconf_notification_text(n)) {
                    bench_die("a notification without text");
                }
                devconf_notification_free(n);
                took(&c);
                continue;
            }
        }
        if (r < 0) {
            bench_die("%s: %s", dispatch ? "dispatch" : "next", devconf_error_message(devconf_error_last()));
        }
        if (!dispatch) {
            break; /* the subscription ended */
        }
    }
    double span = c.taken > 1 ? (c.t_last - c.t_first) / 1e6 : 0;
    bench_result_begin();
    bench_result_str("mode", dispatch ? "dispatch" : "pull");
    bench_result_num("received", (double)c.taken);
    bench_result_num("first_to_last_s", span);
    bench_result_num("rate", span > 0 ? (c.taken - 1) / span : 0);
    bench_result_num("go_to_last_s", c.taken ? (c.t_last - t_go) / 1e6 : 0);
    bench_result_num("t_first_mono_s", c.t_first / 1e6); /* CLOCK_MONOTONIC, comparable across processes */
    bench_result_num("t_last_mono_s", c.t_last / 1e6);
    bench_result_num("dropped", (double)devconf_subscription_dropped(sub));
    bench_result_num("device_received", (double)devconf_subscription_received(sub));
    bench_result_num("rss_before_kb", (double)rss_before);
    bench_result_num("peak_rss_kb", (double)bench_status_kb("VmHWM"));
    bench_result_end();
    devconf_subscription_free(sub);
    devconf_session_free(c.s);
}

static void gen_commit(long n)
{
    devconf_session *s = open_session();
    devconf_discard_changes(s, NULL);
    char xml[512];
    double t0 = bench_now_us();
    for (long i = 0; i < n; i++) {
        snprintf(xml, sizeof xml,
                 "<interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\"><interface><name>eth0</name>"
                 "<description>notify bench %ld %ld</description></interface></interfaces>", (long)getpid(), i);
        if (devconf_edit_config(s, DEVCONF_DS_CANDIDATE, xml, NULL) != 0 || devconf_commit(s, NULL) != 0) {
            bench_die("edit+commit: %s", devconf_error_message(devconf_error_last()));
        }
    }
    double t_end = bench_now_us(), secs = (t_end - t0) / 1e6;
    devconf_session_free(s);
    bench_result_begin();
    bench_result_str("mode", "gen-commit");
    bench_result_num("t0_mono_s", t0 / 1e6);
    bench_result_num("t_end_mono_s", t_end / 1e6);
    bench_result_num("operations", (double)n);
    bench_result_num("seconds", secs);
    bench_result_num("rate", n / secs);
    bench_result_end();
}

static void gen_session(long n)
{
    double t0 = bench_now_us();
    for (long i = 0; i < n; i++) {
        devconf_session_free(open_session());
    }
    double secs = (bench_now_us() - t0) / 1e6;
    bench_result_begin();
    bench_result_str("mode", "gen-session");
    bench_result_num("operations", (double)n);
    bench_result_num("seconds", secs);
    bench_result_num("rate", n / secs);
    bench_result_end();
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        bench_die("usage: notify_client MODE URI --known-hosts F --key F --cache DIR [options]");
    }
    const char *mode = argv[1];
    uri = argv[2];
    known_hosts = bench_opt(argc, argv, "--known-hosts", NULL);
    key = bench_opt(argc, argv, "--key", NULL);
    cache = bench_opt(argc, argv, "--cache", NULL);
    if (devconf_init() < 0 || devconf_ctx_new(&ctx) != 0) {
        bench_die("init: %s", devconf_error_message(devconf_error_last()));
    }
    if (cache) {
        devconf_ctx_set_cache_dir(ctx, cache);
    }
    long count = atol(bench_opt(argc, argv, "--count", "1000"));
    if (!strcmp(mode, "dispatch") || !strcmp(mode, "pull")) {
        consume(!strcmp(mode, "dispatch"), argc, argv);
    } else if (!strcmp(mode, "gen-commit")) {
        gen_commit(count);
    } else if (!strcmp(mode, "gen-session")) {
        gen_session(count);
    } else {
        bench_die("unknown mode %s", mode);
    }
    devconf_ctx_free(ctx);
    devconf_deinit();
    return 0;
}
