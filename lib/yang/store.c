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
    devconf__build b = { ctx, src, mods_dir, NULL, &rec->mods, true, { 0 }, { 0 }, { 0 }, 0, NULL };
    struct ly_ctx *ly = NULL;
    devconf__modset mods = { 0 };
    char key[65] = "";
    if (devconf__build_load(&b, &rec->mods, &ly) < 0 || b.unavailable.len || devconf__build_resolved(&b, ly, &rec->mods, &mods) < 0 ||
        devconf__modset_key(&mods, key) < 0 || strcmp(key, rec->key) || devconf__build_compile(ly, src->device) < 0) {
        /* a cached text is missing or changed: the cold path asks the device again */
        devconf__log(ctx, DEVCONF_LOG_DEBUG, "yang", "%s: the cached schemas of its last connect cannot be used",
                     src->device);
        devconf__error_clear();
        ly_ctx_destroy(ly);
        devconf__modset_dispose(&mods);
        devconf__build_dispose(&b);
        store_abandon(y);
        return 1;
    }
    devconf__build_dispose(&b);
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
    devconf__build b = { ctx, src, mods_dir, &announced, old ? &old->mods : NULL, false, { 0 }, { 0 }, { 0 }, 0, NULL };
    struct ly_ctx *ly = NULL;
    devconf__modset mods = { 0 };
    char key[65];
    if ((r = devconf__build_load(&b, &announced, &ly)) < 0 || (r = devconf__build_resolved(&b, ly, &announced, &mods)) < 0 ||
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
        if ((r = devconf__build_compile(ly, src->device)) < 0) {
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
    devconf__build_dispose(&b);
    *out = y;
    return 0;
fail:
    ly_ctx_destroy(ly);
    devconf__modset_dispose(&mods);
    devconf__modset_dispose(&announced);
    devconf__build_dispose(&b);
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
