/* Building a libyang context for a module set: module texts handed to libyang by an import
 * callback (trusted search directories, then texts the device delivered before, then, in the
 * shared-trust mode, any cached text, then the device itself), every text recorded with its hash;
 * then the resolved set that keys the context. */
#include "yang/yang_p.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

/* Largest module text accepted (from the device, the cache or a search directory). */
#define MAX_MODULE_TEXT (16u * 1024 * 1024)

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
static int from_search_dirs(devconf__build *b, const char *name, const char *rev, char **text, size_t *len,
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
static int from_any_device(devconf__build *b, const char *name, const char *rev, char **text, size_t *len)
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
static const char *announced_revision(devconf__build *b, const char *name)
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

static void note_unavailable(devconf__build *b, const char *name, const char *rev, const char *why)
{
    devconf__buf_printf(&b->unavailable, "%s%s%s: %s\n", name, rev ? "@" : "", rev ? rev : "", why);
}

/* A text that could not be found: the reason, should the module that needs it fail to load. */
static void note_miss(devconf__build *b, const char *name, const char *rev, const char *why)
{
    devconf__buf_dispose(&b->last_miss);
    devconf__buf_printf(&b->last_miss, "%s%s%s: %s", name, rev ? "@" : "", rev ? rev : "", why);
}

int devconf__build_obtain(devconf__build *b, const char *name, const char **revp, bool sub, char **text,
                          size_t *len, int *fmt)
{
    const char *rev = *revp;
    *text = NULL;
    *len = 0;
    LYS_INFORMAT found = LYS_IN_YANG;
    int r = from_search_dirs(b, name, rev, text, len, &found);
    *fmt = (int)found;
    if (r != 0) {
        /* delivered by this device earlier in this build (a pass that is redone, build_load()) */
        const devconf__modinfo *u = devconf__modset_find(&b->used, name, rev);
        if (u && u->hash[0] && (!rev || u->revision)) {
            r = read_verified(b->mods_dir, name, u->revision, u->hash, text, len);
            if (r == 0) {
                rev = u->revision;
            }
        }
    }
    if (r != 0 && b->recorded) {
        const devconf__modinfo *m = devconf__modset_find(b->recorded, name, rev);
        if (m && m->hash[0] && (!rev || m->revision)) {
            r = read_verified(b->mods_dir, name, m->revision, m->hash, text, len);
            rev = m->revision;
        }
    }
    if (r != 0 && b->ctx->schema_trust == DEVCONF_SCHEMA_TRUST_SHARED) {
        r = from_any_device(b, name, rev, text, len);
    }
    if (r != 0 && !b->offline && b->src->fetch) {
        const devconf__modinfo *hint = b->announced ? devconf__modset_find(b->announced, name, rev) : NULL;
        r = b->src->fetch(b->src->arg, hint, name, rev, text, len);
        if (r < 0) {
            int code = devconf_error_code(devconf_error_last());
            if (code == DEVCONF_ETIMEOUT || code == DEVCONF_ECONNECT || code == DEVCONF_ENOMEM ||
                code == DEVCONF_ECANCELED) {
                b->error = code; /* the device is gone: stop asking */
                if (!b->saved) {
                    devconf_error_dup(&b->saved, devconf_error_last());
                }
            } else {
                note_miss(b, name, rev, devconf_error_message(devconf_error_last()));
                devconf__error_clear();
            }
            return 1;
        }
        if (r == 0) {
            char h[65];
            devconf__sha256_text(*text, *len, h);
            char file[400];
            /* named by content: a file of that name and size already holds this text (a reader
             * checks the hash anyway) */
            if (devconf__cache_module_name(file, sizeof file, name, rev, h) == 0 &&
                !devconf__cache_has(b->mods_dir, file, *len) && devconf__cache_write(b->mods_dir, file, *text, *len) < 0) {
                devconf__log(b->ctx, DEVCONF_LOG_WARNING, "yang", "%s", devconf_error_message(devconf_error_last()));
            }
            devconf__error_clear();
        }
    }
    if (r != 0) {
        note_miss(b, name, rev, b->offline ? "not in the cache" : "neither in the search directories nor offered "
                                                                  "by the device");
        return 1;
    }
    (void)sub;
    *revp = rev;
    return 0;
}

static LY_ERR import_cb(const char *mod_name, const char *mod_rev, const char *submod_name, const char *submod_rev,
                        void *user, LYS_INFORMAT *format, const char **module_data,
                        ly_module_imp_data_free_clb *free_module_data)
{
    devconf__build *b = user;
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
    int fmt = LYS_IN_YANG;
    if (devconf__build_obtain(b, name, &rev, sub, &text, &len, &fmt) != 0) {
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
    *format = (LYS_INFORMAT)fmt;
    *module_data = text;
    *free_module_data = free_text;
    return LY_SUCCESS;
}

/* One attempt of devconf__build_load(): every implemented module of set not in skip. A module that
 * fails marks itself in skip and *failed. */
static struct ly_ctx *load_pass(devconf__build *b, const devconf__modset *set, bool *skip, bool *failed)
{
    struct ly_ctx *ly = NULL;
    *failed = false;
    if (ly_ctx_new(NULL, LY_CTX_NO_YANGLIBRARY | LY_CTX_DISABLE_SEARCHDIRS | LY_CTX_EXPLICIT_COMPILE, &ly) !=
        LY_SUCCESS) {
        devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_ERROR, "cannot create a YANG context");
        return NULL;
    }
    ly_ctx_set_module_imp_clb(ly, import_cb, b);
    for (size_t i = 0; i < set->n && !b->error; i++) {
        const devconf__modinfo *m = &set->m[i];
        if (!m->implemented || m->submodule || skip[i]) {
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
        if (!ly_ctx_load_module(ly, m->name, m->revision, features) && !b->error) {
            skip[i] = true;
            *failed = true;
            if (!m->optional) {
                const char *why = devconf__log_capture_last();
                devconf__buf reason = { 0 };
                devconf__buf_puts(&reason, why ? why : "libyang could not load it");
                if (b->last_miss.len) {
                    devconf__buf_printf(&reason, " (%s)", b->last_miss.data);
                }
                note_unavailable(b, m->name, m->revision, reason.data ? reason.data : "libyang could not load it");
                devconf__buf_dispose(&reason);
            }
            ly_err_clean(ly, NULL);
        }
        devconf__log_capture_end();
    }
    return ly;
}

/* Loads every implemented module of set into a new context (parsed, not compiled yet).
 *
 * With explicit compilation, a module that fails to load makes libyang take back every module
 * loaded since the context was created, not only its own: a device's optional ietf-netconf that
 * nobody serves once left a context holding none of the device's modules. So a pass in which
 * anything failed is thrown away and the set is loaded again without the modules that failed
 * (their texts are in the cache by then, so a pass costs parsing only). */
int devconf__build_load(devconf__build *b, const devconf__modset *set, struct ly_ctx **out)
{
    *out = NULL;
    struct ly_ctx *ly = NULL;
    bool *skip = set->n ? calloc(set->n, sizeof *skip) : NULL;
    if (set->n && !skip) {
        return devconf__error_oom();
    }
    /* libyang's running commentary on loading is DEBUG; what could not be loaded is reported
     * once, by devconf, as a warning */
    devconf__log_quiet(true);
    for (size_t pass = 0; pass <= set->n; pass++) {
        bool failed = false;
        ly = load_pass(b, set, skip, &failed);
        if (!ly || b->error || !failed) {
            break;
        }
        ly_ctx_destroy(ly);
        ly = NULL;
    }
    devconf__log_quiet(false);
    free(skip);
    if (b->error) {
        ly_ctx_destroy(ly);
        devconf__error_restore(b->saved); /* what ended it, not what came after */
        b->saved = NULL;
        return b->error;
    }
    if (!ly) {
        return devconf_error_code(devconf_error_last()) < 0 ? devconf_error_code(devconf_error_last()) : DEVCONF_ERROR;
    }
    *out = ly;
    return 0;
}

/* The resolved set of a loaded context: every module that came from a text (not libyang's own),
 * with the hash of that text, its conformance and enabled features, plus the submodules. */
int devconf__build_resolved(devconf__build *b, struct ly_ctx *ly, const devconf__modset *announced, devconf__modset *out)
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

void devconf__build_dispose(devconf__build *b)
{
    devconf__modset_dispose(&b->used);
    devconf__buf_dispose(&b->unavailable);
    devconf__buf_dispose(&b->last_miss);
    devconf_error_free(b->saved);
}

int devconf__build_compile(struct ly_ctx *ly, const char *device)
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

