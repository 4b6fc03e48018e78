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

/* What announcements resolved to (cold path), so that the next device with the same announcement
 * (the same fingerprint: a fleet of one model and release) is checked by hashing the texts it
 * delivers against the set, without parsing them: equal hashes give the same module-set key, and
 * the context of that key is shared. A text that differs, or a context no longer alive, takes the
 * full path. Bounded; the oldest entry is replaced. */
#define MAX_MEMO 32
struct memo {
    char fingerprint[65];
    char key[65];
    devconf__modset mods; /* the resolved set: name, revision, hash, conformance, features */
    uint64_t used;
};
static struct memo memos[MAX_MEMO];
static uint64_t memo_clock;
static void memo_clear(void);

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
    memo_clear();
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
/* Deep copy of the parts of a resolved set that key it (names, revisions, conformance, hashes,
 * features, deviations). */
static int modset_copy(devconf__modset *dst, const devconf__modset *src)
{
    for (size_t i = 0; i < src->n; i++) {
        const devconf__modinfo *a = &src->m[i];
        devconf__modinfo *b = devconf__modset_add(dst, a->name, a->revision);
        if (!b) {
            return devconf_error_code(devconf_error_last());
        }
        b->implemented = a->implemented;
        b->submodule = a->submodule;
        memcpy(b->hash, a->hash, 65);
        for (size_t k = 0; k < a->nfeatures; k++) {
            int r = devconf__modinfo_add_feature(b, a->features[k]);
            if (r < 0) {
                return r;
            }
        }
        for (size_t k = 0; k < a->ndeviations; k++) {
            int r = devconf__modinfo_add_deviation(b, a->deviations[k]);
            if (r < 0) {
                return r;
            }
        }
    }
    return 0;
}

static void memo_put(const char *fingerprint, const devconf__modset *mods, const char *key)
{
    devconf__modset copy = { 0 };
    if (modset_copy(&copy, mods) < 0) {
        devconf__error_clear();
        devconf__modset_dispose(&copy);
        return;
    }
    devconf__modset old = { 0 };
    pthread_mutex_lock(&store_lock);
    struct memo *slot = NULL;
    for (size_t i = 0; i < MAX_MEMO && !slot; i++) {
        if (!strcmp(memos[i].fingerprint, fingerprint) && !strcmp(memos[i].key, key)) {
            slot = &memos[i]; /* already known: refresh */
        }
    }
    for (size_t i = 0; i < MAX_MEMO && !slot; i++) {
        if (!memos[i].fingerprint[0]) {
            slot = &memos[i];
        }
    }
    if (!slot) {
        slot = &memos[0];
        for (size_t i = 1; i < MAX_MEMO; i++) {
            if (memos[i].used < slot->used) {
                slot = &memos[i];
            }
        }
    }
    old = slot->mods;
    memcpy(slot->fingerprint, fingerprint, 65);
    memcpy(slot->key, key, 65);
    slot->mods = copy;
    slot->used = ++memo_clock;
    pthread_mutex_unlock(&store_lock);
    devconf__modset_dispose(&old);
}

/* A copy of the set an earlier device with this fingerprint resolved to: 0, or 1 when none. */
static int memo_get(const char *fingerprint, devconf__modset *out, char key[65])
{
    int r = 1;
    pthread_mutex_lock(&store_lock);
    for (size_t i = 0; i < MAX_MEMO && r == 1; i++) {
        if (memos[i].fingerprint[0] && !strcmp(memos[i].fingerprint, fingerprint)) {
            memos[i].used = ++memo_clock;
            memcpy(key, memos[i].key, 65);
            r = modset_copy(out, &memos[i].mods) < 0 ? -1 : 0;
        }
    }
    pthread_mutex_unlock(&store_lock);
    if (r < 0) {
        devconf__error_clear();
        devconf__modset_dispose(out);
        r = 1;
    }
    return r;
}

static void memo_clear(void)
{
    pthread_mutex_lock(&store_lock);
    for (size_t i = 0; i < MAX_MEMO; i++) {
        devconf__modset_dispose(&memos[i].mods);
        memset(&memos[i], 0, sizeof memos[i]);
    }
    pthread_mutex_unlock(&store_lock);
}

/* The cold path's shortcut: every text of the set an earlier device with the same announcement
 * resolved to, obtained from this device the way the import callback would and hashed; all equal
 * and that set's context alive: *out shares it (0). 1: take the full path. <0: the device stopped
 * answering. */
static int acquire_memo(devconf__build *b, const char *root, devconf__yctx **out)
{
    devconf__modset set = { 0 };
    char key[65];
    if (memo_get(b->src->fingerprint, &set, key) != 0) {
        return 1;
    }
    int r = 0;
    for (size_t i = 0; i < set.n && r == 0; i++) {
        const devconf__modinfo *m = &set.m[i];
        const char *rev = m->revision;
        char *text = NULL;
        size_t len = 0;
        int fmt = 0;
        if (devconf__build_obtain(b, m->name, &rev, m->submodule, &text, &len, &fmt) != 0) {
            r = b->error ? b->error : 1;
            break;
        }
        char h[65];
        devconf__sha256_text(text, len, h);
        free(text);
        if (strcmp(h, m->hash) || (rev != m->revision && (!rev || !m->revision || strcmp(rev, m->revision)))) {
            r = 1; /* this device's text differs: resolve it in full */
        }
    }
    devconf__yctx *y = NULL;
    bool claimed = false;
    if (r == 0 && (r = store_claim(key, b->src->deadline_ms, &y, &claimed)) == 0 && claimed) {
        store_abandon(y); /* not alive any more: build it in full (the texts are in the cache now) */
        y = NULL;
        r = 1;
    }
    if (r == 0) {
        devconf__device_record rec = { { 0 }, { 0 }, set };
        memcpy(rec.fingerprint, b->src->fingerprint, 65);
        memcpy(rec.key, key, 65);
        if (devconf__device_record_write(root, b->src->device, &rec) < 0) {
            devconf__log(b->ctx, DEVCONF_LOG_WARNING, "yang", "%s", devconf_error_message(devconf_error_last()));
            devconf__error_clear();
        }
        devconf__log(b->ctx, DEVCONF_LOG_DEBUG, "yang", "%s: the texts it delivered are those of a module set "
                     "already in use (same announcement as an earlier device): nothing parsed", b->src->device);
        *out = y;
    }
    devconf__modset_dispose(&set);
    return r;
}

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
    if ((r = acquire_memo(&b, root, out)) <= 0) {
        if (r < 0) {
            devconf__error_restore(b.saved);
            b.saved = NULL;
        }
        devconf__modset_dispose(&announced);
        devconf__build_dispose(&b);
        return r;
    }
    devconf__buf_dispose(&b.last_miss);
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
    if (!unavailable) {
        memo_put(src->fingerprint, &mods, key);
    }
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
