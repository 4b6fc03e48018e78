/* Per-RPC latency of small get-config through devconf, one session.
 *   devconf_getconfig URI KNOWN_HOSTS KEY COUNT CACHE_DIR */
#include <string.h>

#include <devconf/devconf.h>

#include "bench_common.h"

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s URI KNOWN_HOSTS KEY COUNT CACHE_DIR\n", argv[0]);
        return 2;
    }
    int n = atoi(argv[4]);
    devconf_init();
    devconf_ctx *ctx = NULL;
    devconf_ctx_new(&ctx);
    devconf_ctx_set_cache_dir(ctx, argv[5]);
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = argv[2];
    o.private_key = argv[3];
    devconf_session *s = NULL;
    double t0 = bench_now_us();
    if (devconf_session_open(&s, ctx, argv[1], &o) != 0) {
        fprintf(stderr, "open: %s\n", devconf_error_message(devconf_error_last()));
        return 1;
    }
    double connect_us = bench_now_us() - t0;
    double *samples = calloc((size_t)n, sizeof *samples);
    const char *filter = "/ietf-interfaces:interfaces/interface[name='eth0']";
    for (int i = 0; i < n; i++) {
        char *out = NULL;
        double t = bench_now_us();
        if (devconf_get_config(&out, s, DEVCONF_DS_RUNNING, filter, NULL) != 0 || !strstr(out, "eth0")) {
            fprintf(stderr, "get-config: %s\n", devconf_error_message(devconf_error_last()));
            return 1;
        }
        samples[i] = bench_now_us() - t;
        devconf_free(out);
    }
    bench_report("devconf (C)", samples, n, connect_us);
    free(samples);
    devconf_session_free(s);
    devconf_ctx_free(ctx);
    devconf_deinit();
    return 0;
}
