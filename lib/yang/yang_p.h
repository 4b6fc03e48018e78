/* Private declarations of lib/yang/: the schema layer (module sets, the on-disk schema cache,
 * the shared libyang contexts and their store, YANG library discovery) and the libyang bridge.
 *
 * How a session gets its schemas (devconf__schema_acquire, store.c):
 *  - A transport describes what the device announces (a devconf__schema_src: the module list
 *    from hello capabilities, RFC 7895 modules-state or RFC 8525 yang-library, and a way to
 *    fetch a module's text) plus a fingerprint of that announcement.
 *  - Warm: the device's record in the cache (written at its last connect) has the same
 *    fingerprint: its module-set key names the context; a context of that key alive in this
 *    process is shared (nothing sent to the device, nothing read from disk), else it is built from
 *    the cached texts the record names.
 *  - Cold: the module texts are resolved (trusted search directories first, then texts this
 *    device delivered earlier, then get-schema / schema URL), parsed, and keyed by content: the
 *    module-set key is a SHA-256 over every module's name, revision, text hash, conformance,
 *    features and deviations. Equal keys share one context, whichever device delivered them.
 * Contexts are immutable once built (never changed by a session), so any number of threads use
 * one concurrently without a lock; the store reference-counts them and frees the least recently
 * used ones past a bound of idle contexts. */
#ifndef DEVCONF_YANG_P_H
#define DEVCONF_YANG_P_H

#include "devconf_p.h"

struct ly_ctx;

/* ---- names.c-like checks (cache.c) ---- */

/* A YANG identifier ([A-Za-z_][A-Za-z0-9_.-]*, at most 255 bytes). */
bool devconf__yang_valid_name(const char *s);
/* A YANG revision date (YYYY-MM-DD). */
bool devconf__yang_valid_revision(const char *s);

/* ---- modset.c: what a device announces, and what a context holds ---- */

typedef struct devconf__modinfo {
    char *name;
    char *revision;          /* NULL when none */
    char *ns;                /* namespace, when announced */
    char *location;          /* RESTCONF: the yang-library "schema" URL, when announced */
    bool implemented;        /* else import-only */
    bool submodule;
    bool optional;           /* loaded when a text is at hand; never reported missing */
    char **features;         /* enabled features (implemented modules) */
    size_t nfeatures;
    char **deviations;       /* names of the modules deviating this one */
    size_t ndeviations;
    char hash[65];           /* SHA-256 of the text in use; "" until resolved */
} devconf__modinfo;

typedef struct devconf__modset {
    devconf__modinfo *m;
    size_t n, cap;
} devconf__modset;

/* The entry for name (and revision when given, else the first of that name), added when missing
 * when add is set. Names and revisions are validated: NULL with DEVCONF_EPROTO set for a bad one. */
devconf__modinfo *devconf__modset_find(const devconf__modset *s, const char *name, const char *rev);
devconf__modinfo *devconf__modset_add(devconf__modset *s, const char *name, const char *rev);
int devconf__modinfo_add_feature(devconf__modinfo *m, const char *feature);
int devconf__modinfo_add_deviation(devconf__modinfo *m, const char *module);
void devconf__modset_sort(devconf__modset *s);
void devconf__modset_dispose(devconf__modset *s);
/* Adds the modules, features and deviations of hello capabilities (RFC 6020 5.6.4 ?module=...). */
int devconf__modset_from_hello(devconf__modset *s, const char *const *caps, size_t ncaps);
/* ietf-netconf features implied by the base capabilities a NETCONF device announces (candidate,
 * confirmed-commit, rollback-on-error, validate, startup, url, xpath, writable-running), added to
 * its ietf-netconf entry when the set has one. */
int devconf__modset_netconf_features(devconf__modset *s, const char *const *caps, size_t ncaps);
/* The canonical text of a resolved set (one line a module, sorted) and its SHA-256: the key. */
int devconf__modset_key(const devconf__modset *s, char key[65]);

/* ---- library.c: YANG library documents ---- */

/* The bootstrap context: libyang's internal modules only (ietf-yang-library 2019-01-04 with the
 * RFC 7895 modules-state), created once and never changed; borrowed. */
struct ly_ctx *devconf__yang_boot(void);
/* Whether XML text undeclares the default namespace (xmlns="" in a start tag): libyang 2.1.30 reads
 * such elements as opaque nodes without a namespace and crashes (strcmp of NULL) on two siblings of
 * them (tests/fuzz/corpus/nc_notify/regress-empty-default-ns). Every parse of device XML that allows
 * opaque nodes refuses such text first; YANG data never needs it (every element has a namespace). */
bool devconf__xml_undeclares_ns(const char *text);
/* lyd_parse_data_mem of XML text (an LY_ERR), with devconf__xml_undeclares_ns text refused
 * (LY_EVALID, *tree NULL, nothing in libyang's error log). */
struct lyd_node;
int devconf__lyd_parse_xml(const struct ly_ctx *ly, const char *text, uint32_t parse_opts, struct lyd_node **tree);
/* Whether libyang has name (at revision rev, or any when NULL) built into every context. */
bool devconf__yang_builtin(const char *name, const char *rev);
/* Reads an RFC 8525 yang-library or RFC 7895 modules-state document (XML or JSON, the container
 * itself at the top, several top-level containers allowed) into s; *set_id receives its content-id /
 * module-set-id (malloc'ed, may be NULL). Returns 0, or 1 when the text holds neither. */
int devconf__yang_library_parse(const char *text, devconf_format fmt, devconf__modset *s, char **set_id);

/* ---- cache.c: the on-disk schema cache ---- */

/* Checks (creating it with mode 0700 when missing, with its parents) that dir is a directory of
 * the calling user that no one else may write: a symbolic link, another owner or group/world
 * write permission is refused with a DEVCONF_EINVAL error that names the problem. */
int devconf__cache_check_dir(const char *dir);
/* Writes data to dir/name atomically: a mkstemp file in dir (mode 0600), then rename. */
int devconf__cache_write(const char *dir, const char *name, const char *data, size_t len);
/* Whether dir/name is a regular file of len bytes (for content-addressed names: already there). */
bool devconf__cache_has(const char *dir, const char *name, size_t len);
/* Reads dir/name (a regular file, no symbolic link followed) of at most max bytes: 0 with *out
 * (malloc'ed, NUL-terminated), 1 when missing, or an error. */
int devconf__cache_read(const char *dir, const char *name, size_t max, char **out, size_t *len);
/* File name of a module text in the cache: NAME[@REV]~HASH.yang. */
int devconf__cache_module_name(char *buf, size_t size, const char *name, const char *rev, const char *hash);

/* A device's record: its last announcement's fingerprint and the module set it resolved to. */
typedef struct devconf__device_record {
    char fingerprint[65];
    char key[65];
    devconf__modset mods;
} devconf__device_record;

/* 0 with the record, 1 when there is none (or it is unreadable: then it is ignored). */
int devconf__device_record_read(const char *cache_root, const char *device, devconf__device_record *out);
int devconf__device_record_write(const char *cache_root, const char *device, const devconf__device_record *rec);
void devconf__device_record_dispose(devconf__device_record *r);

/* ---- store.c: shared contexts ---- */

/* What a transport tells the schema layer about a device. */
typedef struct devconf__schema_src {
    void *arg;
    const char *device;      /* identity for the cache record and messages: "netconf://host:port" */
    const char *fingerprint; /* SHA-256 of what the device announced (capabilities, library ids) */
    /* The modules the device announces (may send requests). */
    int (*announce)(void *arg, devconf__modset *out);
    /* A module's or submodule's text from the device: 0 with *text (malloc'ed), 1 when the device
     * cannot give it, or an error (timeouts, a broken session: then the open fails). */
    int (*fetch)(void *arg, const devconf__modinfo *hint, const char *name, const char *rev, char **text,
                 size_t *len);
    int64_t deadline_ms;     /* of the whole acquisition (monotonic) */
} devconf__schema_src;

typedef struct devconf__yctx devconf__yctx;

/* The shared context for a device; release with devconf__schema_release(). *warm tells whether
 * the device's record gave the module set (no request sent for schemas). */
int devconf__schema_acquire(devconf_ctx *ctx, const devconf__schema_src *src, devconf__yctx **out, bool *warm);
void devconf__schema_release(devconf__yctx *y);
struct ly_ctx *devconf__yctx_ly(const devconf__yctx *y);
const char *devconf__yctx_key(const devconf__yctx *y);
const devconf__modset *devconf__yctx_modules(const devconf__yctx *y);
/* Modules the device announced that could not be loaded, as "name: reason" lines; "" when none. */
const char *devconf__yctx_unavailable(const devconf__yctx *y);
/* Number of contexts alive in the process (in use or idle). */
size_t devconf__schema_store_count(void);
/* Frees every idle context (devconf_deinit). */
void devconf__schema_store_shutdown(void);

/* ---- build.c: building a context (used by store.c) ---- */

typedef struct devconf__build {
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
} devconf__build;

/* Loads every implemented module of set into a new context (parsed, not compiled yet): *out, or an
 * error when the device stopped answering (b->error). Modules that fail are in b->unavailable. */
int devconf__build_load(devconf__build *b, const devconf__modset *set, struct ly_ctx **out);
/* The resolved set of a loaded context: each module that came from a text, with the text's hash. */
int devconf__build_resolved(devconf__build *b, struct ly_ctx *ly, const devconf__modset *announced,
                            devconf__modset *out);
int devconf__build_compile(struct ly_ctx *ly, const char *device);
void devconf__build_dispose(devconf__build *b);
/* The text of module (or submodule, sub) name at *revp the way the import callback finds it:
 * trusted search directories, texts this device delivered before (b->recorded), any cached text
 * (shared trust), then the device (saved into the cache). 0 with *text (malloc'ed) and *revp the
 * revision used; 1 when there is none (b->error set when the device stopped answering). */
int devconf__build_obtain(devconf__build *b, const char *name, const char **revp, bool sub, char **text,
                          size_t *len, int *fmt);

#endif /* DEVCONF_YANG_P_H */
