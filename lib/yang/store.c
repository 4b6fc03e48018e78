/* The shared libyang contexts: built once per module set (outside any lock), keyed by content,
 * reference-counted, never changed after they are built, and freed least-recently-used past a
 * bound of idle ones. See yang_p.h for the warm and cold paths. */
#include "yang/yang_p.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libyang/libyang.h>

/* Idle contexts (no session uses them) kept for the next session of the same module set. */
#define MAX_IDLE 16
/* Largest module text accepted (from the device, the cache or a search directory). */
#define MAX_MODULE_TEXT (16u * 1024 * 1024)

struct devconf__yctx {
    char key[65];
    struct ly_ctx *ly;       /* NULL while a thread builds it */
    devconf__modset mods;    /* what the context holds: name, revision, hash, features... */
    char *unavailable;       /* "name: reason" lines of announced modules that could not be loaded */
    int refs;
    int64_t idle_since;
    struct devconf__yctx *next;
};

static pthread_mutex_t store_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t store_cond;
static pthread_once_t store_once = PTHREAD_ONCE_INIT;
static devconf__yctx *store;

/* Devices whose module set a thread is resolving (cold path): another session to the same device
 * waits for it and then takes the warm path, instead of asking the device for every module again at
 * the same time (yuma123 netconfd 2.13 even crashes on parallel get-schema: "free(): invalid
 * pointer"). Connects to different devices never wait for each other. */
struct resolving {
    char *device;
    struct resolving *next;
};
static struct resolving *resolving;

static void store_init(void)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&store_cond, &ca);
    pthread_condattr_destroy(&ca);
}

static int wait_until(int64_t deadline)
{
    int64_t left = deadline - devconf__now_ms();
    if (left <= 0) {
        return -1;
    }
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += left / 1000;
    ts.tv_nsec += (left % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    pthread_cond_timedwait(&store_cond, &store_lock, &ts);
    return 0;
}

/* Marks device as being resolved by this thread: 0 when it was free, 1 after waiting for another
 * thread that resolved it (the caller looks at the device's record again), or a timeout error. */
static int device_claim(const char *device, int64_t deadline)
{
    pthread_once(&store_once, store_init);
    pthread_mutex_lock(&store_lock);
    bool waited = false;
    for (;;) {
        struct resolving *r = resolving;
        while (r && strcmp(r->device, device)) {
            r = r->next;
        }
        if (!r) {
            break;
        }
        waited = true;
        if (wait_until(deadline) < 0) {
            pthread_mutex_unlock(&store_lock);
            return devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_ETIMEOUT,
                                      "timed out waiting for another session to %s to read its schemas", device);
        }
    }
    if (waited) {
        pthread_mutex_unlock(&store_lock);
        return 1;
    }
    struct resolving *r = calloc(1, sizeof *r);
    if (!r || !(r->device = strdup(device))) {
        free(r);
        pthread_mutex_unlock(&store_lock);
        return devconf__error_oom();
    }
    r->next = resolving;
    resolving = r;
    pthread_mutex_unlock(&store_lock);
    return 0;
}

static void device_release(const char *device)
{
    pthread_mutex_lock(&store_lock);
    for (struct resolving **p = &resolving; *p; p = &(*p)->next) {
        if (!strcmp((*p)->device, device)) {
            struct resolving *r = *p;
            *p = r->next;
            free(r->device);
            free(r);
            break;
        }
    }
    pthread_cond_broadcast(&store_cond);
    pthread_mutex_unlock(&store_lock);
}

static void yctx_free(devconf__yctx *y)
{
    if (!y) {
        return;
    }
    ly_ctx_destroy(y->ly);
    devconf__modset_dispose(&y->mods);
    free(y->unavailable);
    free(y);
}

/* ---- the store ---- */

/* Finds key: a ready context (refs taken, *claimed false), or none, in which case a placeholder
 * is inserted for the caller to build (*claimed true, refs 1). Waits, bounded by deadline, while
 * another thread builds the same key. */
static int store_claim(const char *key, int64_t deadline, devconf__yctx **out, bool *claimed)
{
    pthread_once(&store_once, store_init);
    *out = NULL;
    *claimed = false;
    pthread_mutex_lock(&store_lock);
    for (;;) {
        devconf__yctx *y = store;
        while (y && strcmp(y->key, key)) {
            y = y->next;
        }
        if (y && y->ly) {
            y->refs++;
            pthread_mutex_unlock(&store_lock);
            *out = y;
            return 0;
        }
        if (!y) {
            y = calloc(1, sizeof *y);
            if (!y) {
                pthread_mutex_unlock(&store_lock);
                return devconf__error_oom();
            }
            memcpy(y->key, key, 65);
            y->refs = 1;
            y->next = store;
            store = y;
            pthread_mutex_unlock(&store_lock);
            *out = y;
            *claimed = true;
            return 0;
        }
        /* another thread builds it: wait for it (it is published or abandoned) */
        if (wait_until(deadline) < 0) {
            pthread_mutex_unlock(&store_lock);
            return devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_ETIMEOUT,
                                      "timed out waiting for another session to build the schema context");
        }
    }
}

static void unlink_entry(devconf__yctx *y)
{
    for (devconf__yctx **p = &store; *p; p = &(*p)->next) {
        if (*p == y) {
            *p = y->next;
            return;
        }
    }
}

static void store_publish(devconf__yctx *y, struct ly_ctx *ly, devconf__modset *mods, char *unavailable)
{
    pthread_mutex_lock(&store_lock);
    y->ly = ly;
    y->mods = *mods;
    y->unavailable = unavailable;
    memset(mods, 0, sizeof *mods);
    pthread_cond_broadcast(&store_cond);
    pthread_mutex_unlock(&store_lock);
}

static void store_abandon(devconf__yctx *y)
{
    pthread_mutex_lock(&store_lock);
    unlink_entry(y);
    pthread_cond_broadcast(&store_cond);
    pthread_mutex_unlock(&store_lock);
    free(y);
}

void devconf__schema_release(devconf__yctx *y)
{
    if (!y) {
        return;
    }
    devconf__yctx *victim = NULL;
    pthread_mutex_lock(&store_lock);
    if (--y->refs == 0) {
        y->idle_since = devconf__now_ms();
        size_t idle = 0;
        devconf__yctx *oldest = NULL;
        for (devconf__yctx *e = store; e; e = e->next) {
            if (e->refs == 0 && e->ly) {
                idle++;
                if (!oldest || e->idle_since < oldest->idle_since) {
                    oldest = e;
                }
            }
        }
        if (idle > MAX_IDLE) {
            unlink_entry(oldest);
            victim = oldest;
        }
    }
    pthread_mutex_unlock(&store_lock);
    yctx_free(victim); /* outside the lock: destroying a context takes a while */
}

size_t devconf__schema_store_count(void)
{
    pthread_once(&store_once, store_init);
    size_t n = 0;
    pthread_mutex_lock(&store_lock);
    for (devconf__yctx *e = store; e; e = e->next) {
        n += e->ly != NULL;
    }
    pthread_mutex_unlock(&store_lock);
    return n;
}

void devconf__schema_store_shutdown(void)
{
    pthread_once(&store_once, store_init);
    devconf__yctx *idle = NULL;
    pthread_mutex_lock(&store_lock);
    for (devconf__yctx **p = &store; *p;) {
        devconf__yctx *e = *p;
        if (e->refs == 0 && e->ly) {
            *p = e->next;
            e->next = idle;
            idle = e;
        } else {
            p = &e->next;
        }
    }
    pthread_mutex_unlock(&store_lock);
    while (idle) {
        devconf__yctx *next = idle->next;
        yctx_free(idle);
        idle = next;
    }
}

struct ly_ctx *devconf__yctx_ly(const devconf__yctx *y)
{
    return y ? y->ly : NULL;
}

const char *devconf__yctx_key(const devconf__yctx *y)
{
    return y ? y->key : NULL;
}

const devconf__modset *devconf__yctx_modules(const devconf__yctx *y)
{
    return &y->mods;
}

const char *devconf__yctx_unavailable(const devconf__yctx *y)
{
    return y && y->unavailable ? y->unavailable : "";
}

/* ---- building a context ---- */

struct build {
    devconf_ctx *ctx;
    const devconf__schema_src *src;
    const char *mods_dir;            /* the cache's modules directory */
    const devconf__modset *announced;
    const devconf__modset *recorded; /* texts this device delivered before (warm), or NULL */
    bool offline;                    /* never ask the device */
    devconf__modset used;            /* every text handed to libyang: name, revision, hash */
    devconf__buf unavailable;
    devconf__buf last_miss;          /* the last text not found, and why */
    int error;                       /* a failure that ends the open (the device stopped answering) */
    devconf_error *saved;            /* ... and its error object */
};

static void free_text(void *data, void *user)
{
    (void)user;
    free(data);
}

static int read_verified(const char *dir, const char *name, const char *rev, const char *hash, char **text,
                         size_t *len)
{
    /* saved under the revision it was asked for: NAME@REV~HASH, or NAME~HASH when the device was
     * asked for its latest */
    int r = 1;
    for (int i = 0; i < 2 && r != 0; i++) {
        char file[400];
        if (devconf__cache_module_name(file, sizeof file, name, i ? NULL : rev, hash) < 0) {
            devconf__error_clear();
            return 1;
        }
        r = devconf__cache_read(dir, file, MAX_MODULE_TEXT, text, len);
        if (r < 0) {
            devconf__error_clear();
            r = 1;
        }
        if (!rev) {
            break;
        }
    }
    if (r != 0) {
        return 1;
    }
    char h[65];
    devconf__sha256_text(*text, *len, h);
    if (strcmp(h, hash)) {
        free(*text);
        *text = NULL;
        return 1; /* changed on disk: not used */
    }
    return 0;
}

/* A trusted search directory's file for name[@rev]. */
static int from_search_dirs(struct build *b, const char *name, const char *rev, char **text, size_t *len,
                            LYS_INFORMAT *fmt)
{
    if (!b->ctx->search_dir_count) {
        return 1;
    }
    const char *dirs[b->ctx->search_dir_count + 1];
    for (size_t i = 0; i < b->ctx->search_dir_count; i++) {
        dirs[i] = b->ctx->search_dirs[i];
    }
    dirs[b->ctx->search_dir_count] = NULL;
    char *path = NULL;
    LYS_INFORMAT found_fmt = LYS_IN_UNKNOWN;
    if (lys_search_localfile(dirs, 0, name, rev, &path, &found_fmt) != LY_SUCCESS || !path ||
        found_fmt == LYS_IN_UNKNOWN) {
        free(path);
        return 1;
    }
    FILE *f = fopen(path, "rb");
    free(path);
    if (!f) {
        return 1;
    }
    devconf__buf buf = { 0 };
    char chunk[16384];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && buf.len <= MAX_MODULE_TEXT) {
        devconf__buf_append(&buf, chunk, n);
    }
    fclose(f);
    if (buf.failed || buf.len > MAX_MODULE_TEXT || !buf.len) {
        devconf__buf_dispose(&buf);
        return 1;
    }
    *len = buf.len;
    *text = devconf__buf_steal(&buf);
    *fmt = found_fmt;
    return *text ? 0 : 1;
}

/* In the shared-trust mode: the one cached text of name@rev, whichever device delivered it (none
 * when there are several different ones). */
static int from_any_device(struct build *b, const char *name, const char *rev, char **text, size_t *len)
{
    char prefix[300];
    snprintf(prefix, sizeof prefix, "%s%s%s~", name, rev ? "@" : "", rev ? rev : "");
    size_t plen = strlen(prefix);
    DIR *d = opendir(b->mods_dir);
    if (!d) {
        return 1;
    }
    char found[65] = "";
    int count = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n == plen + 64 + 5 && !strncmp(de->d_name, prefix, plen) && !strcmp(de->d_name + n - 5, ".yang")) {
            if (count++ == 0) {
                memcpy(found, de->d_name + plen, 64);
                found[64] = '\0';
            }
        }
    }
    closedir(d);
    if (count != 1) {
        return 1;
    }
    return read_verified(b->mods_dir, name, rev, found, text, len);
}

/* The revision to use when libyang asks for the latest one: the one the device announces (its
 * implemented one when it announces several). */
static const char *announced_revision(struct build *b, const char *name)
{
    const devconf__modset *sets[2] = { b->recorded, b->announced };
    for (int i = 0; i < 2; i++) {
        const devconf__modinfo *first = NULL;
        for (size_t k = 0; sets[i] && k < sets[i]->n; k++) {
            const devconf__modinfo *m = &sets[i]->m[k];
            if (strcmp(m->name, name)) {
                continue;
            }
            if (m->implemented) {
                return m->revision;
            }
            if (!first) {
                first = m;
            }
        }
        if (first) {
            return first->revision;
        }
    }
    return NULL;
}

static void note_unavailable(struct build *b, const char *name, const char *rev, const char *why)
{
    devconf__buf_printf(&b->unavailable, "%s%s%s: %s\n", name, rev ? "@" : "", rev ? rev : "", why);
}

/* A text that could not be found: the reason, should the module that needs it fail to load. */
static void note_miss(struct build *b, const char *name, const char *rev, const char *why)
{
    devconf__buf_dispose(&b->last_miss);
    devconf__buf_printf(&b->last_miss, "%s%s%s: %s", name, rev ? "@" : "", rev ? rev : "", why);
}

static LY_ERR import_cb(const char *mod_name, const char *mod_rev, const char *submod_name, const char *submod_rev,
                        void *user, LYS_INFORMAT *format, const char **module_data,
                        ly_module_imp_data_free_clb *free_module_data)
{
    struct build *b = user;
    bool sub = submod_name != NULL;
    const char *name = sub ? submod_name : mod_name;
    const char *rev = sub ? submod_rev : mod_rev;
    if (!rev) {
        rev = announced_revision(b, name);
    }
    if (!devconf__yang_valid_name(name) || (rev && !devconf__yang_valid_revision(rev)) || b->error) {
        return LY_ENOTFOUND;
    }
    /* libyang's own modules (ietf-yang-metadata, ietf-inet-types, ...): it uses its copy */
    if (!sub && devconf__yang_builtin(name, rev)) {
        return LY_ENOTFOUND;
    }
    char *text = NULL;
    size_t len = 0;
    LYS_INFORMAT fmt = LYS_IN_YANG;
    int r = from_search_dirs(b, name, rev, &text, &len, &fmt);
    if (r != 0 && b->recorded) {
        const devconf__modinfo *m = devconf__modset_find(b->recorded, name, rev);
        if (m && m->hash[0] && (!rev || m->revision)) {
            r = read_verified(b->mods_dir, name, m->revision, m->hash, &text, &len);
            rev = m->revision;
        }
    }
    if (r != 0 && b->ctx->schema_trust == DEVCONF_SCHEMA_TRUST_SHARED) {
        r = from_any_device(b, name, rev, &text, &len);
    }
    if (r != 0 && !b->offline && b->src->fetch) {
        const devconf__modinfo *hint = b->announced ? devconf__modset_find(b->announced, name, rev) : NULL;
        r = b->src->fetch(b->src->arg, hint, name, rev, &text, &len);
        if (r < 0) {
            int code = devconf_error_code(devconf_error_last());
            if (code == DEVCONF_ETIMEOUT || code == DEVCONF_ECONNECT || code == DEVCONF_ENOMEM) {
                b->error = code; /* the device is gone: stop asking */
                if (!b->saved) {
                    devconf_error_dup(&b->saved, devconf_error_last());
                }
            } else {
                note_miss(b, name, rev, devconf_error_message(devconf_error_last()));
                devconf__error_clear();
            }
            return LY_ENOTFOUND;
        }
        if (r == 0) {
            char h[65];
            devconf__sha256_text(text, len, h);
            char file[400];
            if (devconf__cache_module_name(file, sizeof file, name, rev, h) == 0 &&
                devconf__cache_write(b->mods_dir, file, text, len) < 0) {
                devconf__log(b->ctx, DEVCONF_LOG_WARNING, "yang", "%s", devconf_error_message(devconf_error_last()));
            }
            devconf__error_clear();
        }
    }
    if (r != 0) {
        note_miss(b, name, rev, b->offline ? "not in the cache" : "neither in the search directories nor offered "
                                                                  "by the device");
        return LY_ENOTFOUND;
    }
    devconf__modinfo *u = devconf__modset_add(&b->used, name, rev);
    if (!u) {
        devconf__error_clear();
        free(text);
        return LY_ENOTFOUND;
    }
    u->submodule = sub;
    devconf__sha256_text(text, len, u->hash);
    *format = fmt;
    *module_data = text;
    *free_module_data = free_text;
    return LY_SUCCESS;
}

/* Loads every implemented module of set into a new context (parsed, not compiled yet). */
static int load_all(struct build *b, const devconf__modset *set, struct ly_ctx **out)
{
    *out = NULL;
    struct ly_ctx *ly = NULL;
    if (ly_ctx_new(NULL, LY_CTX_NO_YANGLIBRARY | LY_CTX_DISABLE_SEARCHDIRS | LY_CTX_EXPLICIT_COMPILE, &ly) !=
        LY_SUCCESS) {
        return devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_ERROR, "cannot create a YANG context");
    }
    ly_ctx_set_module_imp_clb(ly, import_cb, b);
    /* libyang's running commentary on loading is DEBUG; what could not be loaded is reported
     * once, by devconf, as a warning */
    devconf__log_quiet(true);
    for (size_t i = 0; i < set->n && !b->error; i++) {
        const devconf__modinfo *m = &set->m[i];
        if (!m->implemented || m->submodule) {
            continue;
        }
        const struct lys_module *have = ly_ctx_get_module_implemented(ly, m->name);
        if (have) {
            /* built into libyang (ietf-yang-types, ...), or loaded as another's dependency */
            if (have->revision && m->revision && strcmp(have->revision, m->revision)) {
                devconf__log(b->ctx, DEVCONF_LOG_DEBUG, "yang", "%s: %s@%s announced, %s@%s in use", b->src->device,
                             m->name, m->revision, m->name, have->revision);
            }
            continue;
        }
        const char *features[m->nfeatures + 1];
        for (size_t k = 0; k < m->nfeatures; k++) {
            features[k] = m->features[k];
        }
        features[m->nfeatures] = NULL;
        devconf__log_capture_begin();
        devconf__buf_dispose(&b->last_miss);
        if (!ly_ctx_load_module(ly, m->name, m->revision, features) && !b->error && !m->optional) {
            const char *why = devconf__log_capture_last();
            devconf__buf reason = { 0 };
            devconf__buf_puts(&reason, why ? why : "libyang could not load it");
            if (b->last_miss.len) {
                devconf__buf_printf(&reason, " (%s)", b->last_miss.data);
            }
            note_unavailable(b, m->name, m->revision, reason.data ? reason.data : "libyang could not load it");
            devconf__buf_dispose(&reason);
            ly_err_clean(ly, NULL);
        }
        devconf__log_capture_end();
    }
    devconf__log_quiet(false);
    if (b->error) {
        ly_ctx_destroy(ly);
        devconf__error_restore(b->saved); /* what ended it, not what came after */
        b->saved = NULL;
        return b->error;
    }
    *out = ly;
    return 0;
}

/* The resolved set of a loaded context: every module that came from a text (not libyang's own),
 * with the hash of that text, its conformance and enabled features, plus the submodules. */
static int resolved_set(struct build *b, struct ly_ctx *ly, const devconf__modset *announced, devconf__modset *out)
{
    uint32_t idx = ly_ctx_internal_modules_count(ly);
    const struct lys_module *mod;
    while ((mod = ly_ctx_get_module_iter(ly, &idx))) {
        const devconf__modinfo *u = mod->revision ? devconf__modset_find(&b->used, mod->name, mod->revision) : NULL;
        if (!u) {
            u = devconf__modset_find(&b->used, mod->name, NULL);
        }
        if (!u || u->submodule) {
            continue;
        }
        devconf__modinfo *m = devconf__modset_add(out, mod->name, mod->revision);
        if (!m) {
            return devconf_error_code(devconf_error_last());
        }
        m->implemented = mod->implemented;
        memcpy(m->hash, u->hash, 65);
        if (mod->ns && !m->ns && !(m->ns = devconf__strdup(mod->ns))) {
            return DEVCONF_ENOMEM;
        }
        if (mod->implemented && mod->parsed) {
            LY_ARRAY_COUNT_TYPE k;
            LY_ARRAY_FOR(mod->parsed->features, k) {
                if (mod->parsed->features[k].flags & LYS_FENABLED) {
                    int r = devconf__modinfo_add_feature(m, mod->parsed->features[k].name);
                    if (r < 0) {
                        return r;
                    }
                }
            }
        }
        const devconf__modinfo *a = announced ? devconf__modset_find(announced, mod->name, mod->revision) : NULL;
        for (size_t k = 0; a && k < a->ndeviations; k++) {
            int r = devconf__modinfo_add_deviation(m, a->deviations[k]);
            if (r < 0) {
                return r;
            }
        }
        if (a && a->location && !m->location && !(m->location = devconf__strdup(a->location))) {
            return DEVCONF_ENOMEM;
        }
    }
    for (size_t i = 0; i < b->used.n; i++) {
        const devconf__modinfo *u = &b->used.m[i];
        if (!u->submodule) {
            continue;
        }
        devconf__modinfo *m = devconf__modset_add(out, u->name, u->revision);
        if (!m) {
            return devconf_error_code(devconf_error_last());
        }
        m->submodule = true;
        memcpy(m->hash, u->hash, 65);
    }
    devconf__modset_sort(out);
    return 0;
}

static void build_dispose(struct build *b)
{
    devconf__modset_dispose(&b->used);
    devconf__buf_dispose(&b->unavailable);
    devconf__buf_dispose(&b->last_miss);
    devconf_error_free(b->saved);
}

static int compile(struct ly_ctx *ly, const char *device)
{
    devconf__log_capture_begin();
    LY_ERR lr = ly_ctx_compile(ly);
    int r = 0;
    if (lr != LY_SUCCESS) {
        const char *why = devconf__log_capture_last();
        r = devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EYANG, "the YANG modules of %s do not compile: %s", device,
                               why ? why : "libyang gave no reason");
    }
    devconf__log_capture_end();
    return r;
}

/* Warm path: the module set of the device's record, built from cached texts only when no
 * context of its key is alive. 0 with *out, 1 when the record does not apply, or an error. */
static int acquire_warm(devconf_ctx *ctx, const devconf__schema_src *src, const char *mods_dir,
                        const devconf__device_record *rec, devconf__yctx **out)
{
    devconf__yctx *y = NULL;
    bool claimed = false;
    int r = store_claim(rec->key, src->deadline_ms, &y, &claimed);
    if (r < 0) {
        return r;
    }
    if (!claimed) {
        *out = y;
        return 0;
    }
    struct build b = { ctx, src, mods_dir, NULL, &rec->mods, true, { 0 }, { 0 }, { 0 }, 0, NULL };
    struct ly_ctx *ly = NULL;
    devconf__modset mods = { 0 };
    char key[65] = "";
    if (load_all(&b, &rec->mods, &ly) < 0 || b.unavailable.len || resolved_set(&b, ly, &rec->mods, &mods) < 0 ||
        devconf__modset_key(&mods, key) < 0 || strcmp(key, rec->key) || compile(ly, src->device) < 0) {
        /* a cached text is missing or changed: the cold path asks the device again */
        devconf__log(ctx, DEVCONF_LOG_DEBUG, "yang", "%s: the cached schemas of its last connect cannot be used",
                     src->device);
        devconf__error_clear();
        ly_ctx_destroy(ly);
        devconf__modset_dispose(&mods);
        build_dispose(&b);
        store_abandon(y);
        return 1;
    }
    build_dispose(&b);
    store_publish(y, ly, &mods, NULL);
    *out = y;
    return 0;
}

static int acquire_cold(devconf_ctx *ctx, const devconf__schema_src *src, const char *root, const char *mods_dir,
                        const devconf__device_record *old, devconf__yctx **out)
{
    devconf__modset announced = { 0 };
    int r = src->announce(src->arg, &announced);
    if (r < 0) {
        devconf__modset_dispose(&announced);
        return r;
    }
    devconf__modset_sort(&announced);
    struct build b = { ctx, src, mods_dir, &announced, old ? &old->mods : NULL, false, { 0 }, { 0 }, { 0 }, 0, NULL };
    struct ly_ctx *ly = NULL;
    devconf__modset mods = { 0 };
    char key[65];
    if ((r = load_all(&b, &announced, &ly)) < 0 || (r = resolved_set(&b, ly, &announced, &mods)) < 0 ||
        (r = devconf__modset_key(&mods, key)) < 0) {
        goto fail;
    }
    devconf__yctx *y = NULL;
    bool claimed = false;
    if ((r = store_claim(key, src->deadline_ms, &y, &claimed)) < 0) {
        goto fail;
    }
    char *unavailable = b.unavailable.len ? devconf__strdup(b.unavailable.data) : NULL;
    if (unavailable) {
        devconf__log(ctx, DEVCONF_LOG_WARNING, "yang", "%s: modules it announces that devconf cannot check data "
                     "against:\n%s", src->device, unavailable);
    }
    devconf__device_record rec = { { 0 }, { 0 }, mods };
    memcpy(rec.fingerprint, src->fingerprint, 65);
    memcpy(rec.key, key, 65);
    if (claimed) {
        if ((r = compile(ly, src->device)) < 0) {
            free(unavailable);
            store_abandon(y);
            goto fail;
        }
        /* a device whose modules are not all loadable gets no record: it is asked again next time */
        if (!unavailable && devconf__device_record_write(root, src->device, &rec) < 0) {
            devconf__log(ctx, DEVCONF_LOG_WARNING, "yang", "%s", devconf_error_message(devconf_error_last()));
            devconf__error_clear();
        }
        store_publish(y, ly, &mods, unavailable);
        ly = NULL;
    } else {
        if (!unavailable && devconf__device_record_write(root, src->device, &rec) < 0) {
            devconf__error_clear();
        }
        free(unavailable);
        ly_ctx_destroy(ly); /* an equal context is alive: share it */
        ly = NULL;
    }
    devconf__modset_dispose(&mods);
    devconf__modset_dispose(&announced);
    build_dispose(&b);
    *out = y;
    return 0;
fail:
    ly_ctx_destroy(ly);
    devconf__modset_dispose(&mods);
    devconf__modset_dispose(&announced);
    build_dispose(&b);
    return r;
}

int devconf__schema_acquire(devconf_ctx *ctx, const devconf__schema_src *src, devconf__yctx **out, bool *warm)
{
    *out = NULL;
    *warm = false;
    char *root = NULL, *mods_dir = NULL, *dev_dir = NULL;
    int r = devconf__cache_check_dir(ctx->cache_dir);
    if (r < 0) {
        return r;
    }
    if (asprintf(&root, "%s/v2", ctx->cache_dir) < 0 || asprintf(&mods_dir, "%s/modules", root) < 0 ||
        asprintf(&dev_dir, "%s/devices", root) < 0) {
        r = devconf__error_oom();
        goto out;
    }
    if ((r = devconf__cache_check_dir(root)) < 0 || (r = devconf__cache_check_dir(mods_dir)) < 0 ||
        (r = devconf__cache_check_dir(dev_dir)) < 0) {
        goto out;
    }
    for (int attempt = 0;; attempt++) {
        devconf__device_record rec;
        bool have_rec = devconf__device_record_read(root, src->device, &rec) == 0;
        if (have_rec && !strcmp(rec.fingerprint, src->fingerprint)) {
            r = acquire_warm(ctx, src, mods_dir, &rec, out);
            if (r <= 0) {
                *warm = r == 0;
                devconf__device_record_dispose(&rec);
                goto out;
            }
        }
        /* cold: one thread a device at a time; the others then find its record */
        (void)attempt;
        r = device_claim(src->device, src->deadline_ms);
        if (r == 1) {
            if (have_rec) {
                devconf__device_record_dispose(&rec);
            }
            continue;
        }
        if (r == 0) {
            r = acquire_cold(ctx, src, root, mods_dir, have_rec ? &rec : NULL, out);
            device_release(src->device);
        }
        if (have_rec) {
            devconf__device_record_dispose(&rec);
        }
        break;
    }
out:
    free(root);
    free(mods_dir);
    free(dev_dir);
    return r;
}
