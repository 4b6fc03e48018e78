/* Memory of N sessions to one device: all in one devconf_ctx (they share one schema context) vs
 * each in its own devconf_ctx (each its own context). RSS growth of this process.
 *   session_memory URI KNOWN_HOSTS KEY CACHE_DIR N shared|own
 * (bench/run.sh does not run it; see bench/README.md.) */
#include <devconf/devconf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long a = 0, b = 0;
    if (!f || fscanf(f, "%ld %ld", &a, &b) != 2) {
        b = 0;
    }
    if (f) {
        fclose(f);
    }
    return b * sysconf(_SC_PAGESIZE) / 1024;
}

static devconf_ctx *new_ctx(const char *cache)
{
    devconf_ctx *c = NULL;
    if (devconf_ctx_new(&c) != 0 || devconf_ctx_set_cache_dir(c, cache) != 0) {
        fprintf(stderr, "ctx: %s\n", devconf_error_message(devconf_error_last()));
        exit(1);
    }
    devconf_ctx_set_log_callback(c, DEVCONF_LOG_ERROR, NULL, NULL);
    return c;
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: %s URI KNOWN_HOSTS KEY CACHE_DIR N shared|own\n", argv[0]);
        return 2;
    }
    int n = atoi(argv[5]);
    int own = !strcmp(argv[6], "own");
    devconf_init();
    devconf_ctx **ctx = calloc((size_t)n, sizeof *ctx);
    devconf_session **s = calloc((size_t)n, sizeof *s);
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = argv[2];
    o.private_key = argv[3];
    /* warm-up outside the measurement: libraries loaded, schema cache filled */
    devconf_ctx *w = new_ctx(argv[4]);
    devconf_session *ws = NULL;
    if (devconf_session_open(&ws, w, argv[1], &o) != 0) {
        fprintf(stderr, "open: %s\n", devconf_error_message(devconf_error_last()));
        return 1;
    }
    devconf_session_free(ws);
    devconf_ctx_free(w);
    long before = rss_kb();
    for (int i = 0; i < n; i++) {
        if (own || i == 0) {
            ctx[i] = new_ctx(argv[4]);
        }
        if (devconf_session_open(&s[i], own ? ctx[i] : ctx[0], argv[1], &o) != 0) {
            fprintf(stderr, "open %d: %s\n", i, devconf_error_message(devconf_error_last()));
            return 1;
        }
    }
    long after = rss_kb();
    printf("%d sessions, %s schema context: %ld KiB total, %.0f KiB per session\n", n,
           own ? "each its own" : "one shared", after - before, (double)(after - before) / n);
    for (int i = 0; i < n; i++) {
        devconf_session_free(s[i]);
    }
    for (int i = 0; i < n; i++) {
        devconf_ctx_free(ctx[i]);
    }
    free(s);
    free(ctx);
    devconf_deinit();
    return 0;
}
