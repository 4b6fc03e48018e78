/* Library life cycle and the devconf context. */
#include "devconf_p.h"
#include "yang/yang_p.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libyang/libyang.h>

#include "version.h"

static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static int init_count;

bool devconf__initialized(void)
{
    pthread_mutex_lock(&init_lock);
    bool r = init_count > 0;
    pthread_mutex_unlock(&init_lock);
    return r;
}

DEVCONF_API int devconf_init(void)
{
    pthread_mutex_lock(&init_lock);
    if (init_count == 0) {
        int r = devconf__restconf_global_init();
        if (r < 0) {
            pthread_mutex_unlock(&init_lock);
            return r;
        }
        if ((r = devconf__netconf_global_init()) < 0) {
            devconf__restconf_global_deinit();
            pthread_mutex_unlock(&init_lock);
            return r;
        }
        devconf__log_install_trampolines();
    }
    int r = ++init_count;
    pthread_mutex_unlock(&init_lock);
    return r;
}

DEVCONF_API int devconf_deinit(void)
{
    pthread_mutex_lock(&init_lock);
    if (init_count == 0) {
        pthread_mutex_unlock(&init_lock);
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_deinit() without devconf_init()");
    }
    int r = --init_count;
    if (r == 0) {
        devconf__schema_store_shutdown();
        devconf__netconf_global_deinit();
        devconf__restconf_global_deinit();
        devconf__error_clear();
    }
    pthread_mutex_unlock(&init_lock);
    return r;
}

DEVCONF_API void devconf_thread_cleanup(void)
{
    devconf__error_clear();
    devconf__netconf_thread_cleanup();
}

DEVCONF_API const char *devconf_version(void)
{
    return DEVCONF_VERSION_STRING;
}

DEVCONF_API int devconf_version_number(void)
{
    return DEVCONF_VERSION_NUMBER;
}

static void stderr_log(devconf_log_level level, const char *origin, const char *msg, void *payload)
{
    (void)payload;
    fprintf(stderr, "devconf: %s: %s: %s\n", devconf_log_level_name(level), origin, msg);
}

static char *default_cache_dir(void)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    char *path = NULL;
    int n;
    if (xdg && *xdg == '/') {
        n = asprintf(&path, "%s/devconf", xdg);
    } else if (home && *home == '/') {
        n = asprintf(&path, "%s/.cache/devconf", home);
    } else {
        const char *tmp = getenv("TMPDIR");
        n = asprintf(&path, "%s/devconf-cache-%ld", tmp && *tmp ? tmp : "/tmp", (long)getuid());
    }
    return n < 0 ? NULL : path;
}

DEVCONF_API int devconf_ctx_new(devconf_ctx **out)
{
    if (!out) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_ctx_new: NULL out");
    }
    *out = NULL;
    if (!devconf__initialized()) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_ERROR,
                                  "devconf_init() must be called before devconf_ctx_new()");
    }
    devconf_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) {
        return devconf__error_oom();
    }
    ctx->log_cb = stderr_log;
    ctx->log_max = DEVCONF_LOG_ERROR;
    ctx->cache_dir = default_cache_dir();
    if (!ctx->cache_dir) {
        free(ctx);
        return devconf__error_oom();
    }
    struct stat st;
    if (stat(DEVCONF_YANG_MODELS_DIR, &st) == 0 && S_ISDIR(st.st_mode)) {
        int r = devconf_ctx_add_search_dir(ctx, DEVCONF_YANG_MODELS_DIR);
        if (r < 0) {
            devconf_ctx_free(ctx);
            return r;
        }
    }
    /* DEVCONF_YANG_PATH: more trusted module directories, separated by ':' (missing ones skipped) */
    const char *path = getenv("DEVCONF_YANG_PATH");
    char *copy = path && *path ? devconf__strdup(path) : NULL;
    for (char *save = NULL, *d = copy ? strtok_r(copy, ":", &save) : NULL; d; d = strtok_r(NULL, ":", &save)) {
        if (stat(d, &st) == 0 && S_ISDIR(st.st_mode) && devconf_ctx_add_search_dir(ctx, d) < 0) {
            free(copy);
            devconf_ctx_free(ctx);
            return DEVCONF_ENOMEM;
        }
    }
    free(copy);
    *out = ctx;
    return 0;
}

DEVCONF_API void devconf_ctx_free(devconf_ctx *ctx)
{
    if (!ctx) {
        return;
    }
    int live = __atomic_load_n(&ctx->live_sessions, __ATOMIC_SEQ_CST);
    if (live != 0) {
        fprintf(stderr, "devconf: devconf_ctx_free() with %d live session(s): free sessions first\n", live);
    }
#ifndef NDEBUG
    if (live != 0) {
        abort();
    }
#endif
    for (size_t i = 0; i < ctx->search_dir_count; i++) {
        free(ctx->search_dirs[i]);
    }
    free(ctx->search_dirs);
    free(ctx->cache_dir);
    free(ctx);
}

DEVCONF_API int devconf_ctx_add_search_dir(devconf_ctx *ctx, const char *dir)
{
    if (!ctx || !dir) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_ctx_add_search_dir: NULL argument");
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        return devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_ENOTFOUND, "YANG search directory '%s' does not exist",
                                  dir);
    }
    char **dirs = realloc(ctx->search_dirs, (ctx->search_dir_count + 1) * sizeof *dirs);
    if (!dirs) {
        return devconf__error_oom();
    }
    ctx->search_dirs = dirs;
    if (!(dirs[ctx->search_dir_count] = devconf__strdup(dir))) {
        return DEVCONF_ENOMEM;
    }
    ctx->search_dir_count++;
    return 0;
}

DEVCONF_API int devconf_ctx_set_cache_dir(devconf_ctx *ctx, const char *dir)
{
    if (!ctx || !dir || !*dir) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_ctx_set_cache_dir: NULL or empty");
    }
    int r = devconf__cache_check_dir(dir);
    if (r < 0) {
        return r;
    }
    char *copy = devconf__strdup(dir);
    if (!copy) {
        return DEVCONF_ENOMEM;
    }
    free(ctx->cache_dir);
    ctx->cache_dir = copy;
    return 0;
}

DEVCONF_API int devconf_ctx_set_schema_trust(devconf_ctx *ctx, devconf_schema_trust trust)
{
    if (!ctx || (trust != DEVCONF_SCHEMA_TRUST_DEVICE && trust != DEVCONF_SCHEMA_TRUST_SHARED)) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "devconf_ctx_set_schema_trust: NULL context or unknown trust %d", (int)trust);
    }
    ctx->schema_trust = trust;
    return 0;
}

DEVCONF_API const char *devconf_ctx_cache_dir(const devconf_ctx *ctx)
{
    return ctx ? ctx->cache_dir : NULL;
}

DEVCONF_API void devconf_ctx_set_log_callback(devconf_ctx *ctx, devconf_log_level max, devconf_log_cb cb,
                                              void *payload)
{
    if (!ctx) {
        return;
    }
    ctx->log_cb = cb;
    ctx->log_payload = payload;
    ctx->log_max = max;
    /* The dependencies' verbosity is process-global: raise it when a ctx asks for more; the
     * trampolines filter per ctx. */
    if (cb && max >= DEVCONF_LOG_DEBUG) {
        devconf__netconf_log_level(DEVCONF_LOG_DEBUG);
        ly_log_level(LY_LLVRB);
    } else if (cb && max >= DEVCONF_LOG_INFO) {
        devconf__netconf_log_level(DEVCONF_LOG_INFO);
    }
}
