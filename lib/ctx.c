/* Library life cycle and the devconf context. */
#include "devconf_p.h"

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
    pthread_mutex_init(&ctx->pool_lock, NULL);
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
    for (devconf__yang_pool_entry *e = ctx->pool, *next; e; e = next) {
        next = e->next;
        ly_ctx_destroy(e->ly);
        pthread_rwlock_destroy(&e->lock);
        free(e->key);
        free(e);
    }
    pthread_mutex_destroy(&ctx->pool_lock);
    for (size_t i = 0; i < ctx->search_dir_count; i++) {
        free(ctx->search_dirs[i]);
    }
    free(ctx->search_dirs);
    free(ctx->cache_dir);
    free(ctx);
}

/* ---- the shared schema contexts ---- */

/* The cache index of a device: one line "name revision implemented feature,feature" a module. */
static char *index_path(const devconf_ctx *ctx, const char *key)
{
    char *path = NULL;
    devconf__buf b = { 0 };
    for (const char *k = key; *k; k++) {
        char c = (*k == '/' || *k == ':' || *k == '[' || *k == ']') ? '_' : *k;
        devconf__buf_append(&b, &c, 1);
    }
    char *safe = devconf__buf_steal(&b);
    if (safe && asprintf(&path, "%s/devices/%s.modules", ctx->cache_dir, safe) < 0) {
        path = NULL;
    }
    free(safe);
    return path;
}

/* Loads the modules a device had last time (from the cache index) so that libnetconf2 finds
 * them all and asks the device for none. */
static void preload(devconf_ctx *ctx, struct ly_ctx *ly, const char *key)
{
    char *path = index_path(ctx, key);
    FILE *f = path ? fopen(path, "r") : NULL;
    free(path);
    if (!f) {
        return;
    }
    char line[2048];
    while (fgets(line, sizeof line, f)) {
        char name[256], rev[64], feats[1500] = "";
        int impl = 0;
        if (sscanf(line, "%255s %63s %d %1499s", name, rev, &impl, feats) < 3 || !impl) {
            continue;
        }
        const char *features[128];
        size_t n = 0;
        for (char *save = NULL, *tok = strtok_r(feats, ",", &save); tok && n < 127; tok = strtok_r(NULL, ",", &save)) {
            if (strcmp(tok, "-")) {
                features[n++] = tok;
            }
        }
        features[n] = NULL;
        if (ly_ctx_get_module_implemented(ly, name)) {
            continue;
        }
        /* libnetconf2 caches modules it asked for without a revision as NAME.yang */
        if (!ly_ctx_load_module(ly, name, strcmp(rev, "-") ? rev : NULL, features) &&
            !ly_ctx_load_module(ly, name, NULL, features)) {
            ly_err_clean(ly, NULL);
        }
    }
    fclose(f);
}

int devconf__yang_pool_get(devconf_ctx *ctx, const char *key, devconf__yang_pool_entry **out)
{
    *out = NULL;
    pthread_mutex_lock(&ctx->pool_lock);
    devconf__yang_pool_entry *e = ctx->pool;
    while (e && strcmp(e->key, key)) {
        e = e->next;
    }
    if (!e) {
        e = calloc(1, sizeof *e);
        if (!e || !(e->key = strdup(key))) {
            free(e);
            pthread_mutex_unlock(&ctx->pool_lock);
            return devconf__error_oom();
        }
        /* the cache first: libnetconf2 stores what it downloads in the first search directory */
        if (ly_ctx_new(ctx->cache_dir, LY_CTX_NO_YANGLIBRARY | LY_CTX_DISABLE_SEARCHDIR_CWD, &e->ly) != LY_SUCCESS) {
            free(e->key);
            free(e);
            pthread_mutex_unlock(&ctx->pool_lock);
            return devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_ERROR, "cannot create a YANG context");
        }
        for (size_t i = 0; i < ctx->search_dir_count; i++) {
            ly_ctx_set_searchdir(e->ly, ctx->search_dirs[i]);
        }
        /* a module the cache lacks is left to libnetconf2: not an error worth a log line */
        devconf__log_quiet(true);
        preload(ctx, e->ly, key);
        devconf__log_quiet(false);
        pthread_rwlock_init(&e->lock, NULL);
        e->next = ctx->pool;
        ctx->pool = e;
    }
    e->refs++;
    pthread_mutex_unlock(&ctx->pool_lock);
    *out = e;
    return 0;
}

void devconf__yang_pool_put(devconf_ctx *ctx, devconf__yang_pool_entry *e)
{
    if (!e) {
        return;
    }
    pthread_mutex_lock(&ctx->pool_lock);
    e->refs--; /* the context stays for the next session to the device, until the ctx is freed */
    pthread_mutex_unlock(&ctx->pool_lock);
}

void devconf__yang_pool_save(devconf_ctx *ctx, devconf__yang_pool_entry *e)
{
    uint32_t count = 0, idx = 0;
    const struct lys_module *m;
    while ((m = ly_ctx_get_module_iter(e->ly, &idx))) {
        count++;
    }
    if (count == e->saved_modules) {
        return;
    }
    char *path = index_path(ctx, e->key);
    char *dir = NULL;
    if (!path || asprintf(&dir, "%s/devices", ctx->cache_dir) < 0 || devconf__mkdir_p(dir, 0700) < 0) {
        devconf__error_clear();
        free(path);
        free(dir);
        return;
    }
    /* a unique temporary name (threads of one process, and processes, save at once), then rename */
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f && fd >= 0) {
        close(fd);
        unlink(tmp);
    }
    if (f) {
        idx = 0;
        while ((m = ly_ctx_get_module_iter(e->ly, &idx))) {
            fprintf(f, "%s %s %d ", m->name, m->revision ? m->revision : "-", m->implemented ? 1 : 0);
            int nf = 0;
            if (m->implemented && m->parsed) {
                LY_ARRAY_COUNT_TYPE u;
                LY_ARRAY_FOR(m->parsed->features, u) {
                    if (m->parsed->features[u].flags & LYS_FENABLED) {
                        fprintf(f, "%s%s", nf++ ? "," : "", m->parsed->features[u].name);
                    }
                }
            }
            fprintf(f, "%s\n", nf ? "" : "-");
        }
        if (fclose(f) == 0 && rename(tmp, path) == 0) {
            e->saved_modules = count;
        } else {
            unlink(tmp);
        }
    }
    free(path);
    free(dir);
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
    int r = devconf__mkdir_p(dir, 0700);
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
