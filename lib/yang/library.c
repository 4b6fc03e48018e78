/* YANG library documents, the same for both protocols: an RFC 8525 yang-library (module sets,
 * schemas, datastores, content-id) or an RFC 7895 modules-state (module-set-id), in XML or JSON,
 * read through libyang's own ietf-yang-library against a bootstrap context. */
#include "yang/yang_p.h"

#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

static pthread_once_t boot_once = PTHREAD_ONCE_INIT;
static struct ly_ctx *boot_ctx, *bare_ctx;

static void boot_init(void)
{
    /* libyang's internal modules only: ietf-yang-library 2019-01-04, which describes both the
     * RFC 8525 yang-library and the deprecated RFC 7895 modules-state */
    if (ly_ctx_new(NULL, LY_CTX_DISABLE_SEARCHDIRS, &boot_ctx) != LY_SUCCESS) {
        boot_ctx = NULL;
    }
    /* what a device's context holds before any module of the device: the same without the YANG
     * library, which a device's context takes from the device */
    if (ly_ctx_new(NULL, LY_CTX_DISABLE_SEARCHDIRS | LY_CTX_NO_YANGLIBRARY, &bare_ctx) != LY_SUCCESS) {
        bare_ctx = NULL;
    }
}

bool devconf__yang_builtin(const char *name, const char *rev)
{
    pthread_once(&boot_once, boot_init);
    if (!bare_ctx) {
        return false;
    }
    return rev ? ly_ctx_get_module(bare_ctx, name, rev) != NULL : ly_ctx_get_module_latest(bare_ctx, name) != NULL;
}

struct ly_ctx *devconf__yang_boot(void)
{
    pthread_once(&boot_once, boot_init);
    return boot_ctx;
}

static const char *leaf(const struct lyd_node *parent, const char *name)
{
    for (const struct lyd_node *c = lyd_child(parent); c; c = c->next) {
        if (c->schema && !strcmp(c->schema->name, name)) {
            const char *v = lyd_get_value(c);
            return v && *v ? v : NULL;
        }
    }
    return NULL;
}

static bool named(const struct lyd_node *n, const char *name)
{
    return n->schema && !strcmp(n->schema->name, name);
}

/* An identityref value without its module prefix ("ietf-datastores:running" -> "running"). */
static const char *local(const char *v)
{
    const char *c = v ? strchr(v, ':') : NULL;
    return c ? c + 1 : v;
}

static int add_location(devconf__modinfo *m, const struct lyd_node *entry, const char *leaf_name)
{
    const char *url = leaf(entry, leaf_name);
    if (url && !m->location && !(m->location = devconf__strdup(url))) {
        return DEVCONF_ENOMEM;
    }
    return 0;
}

static int add_submodules(devconf__modset *s, const struct lyd_node *entry, const char *loc_leaf)
{
    for (const struct lyd_node *c = lyd_child(entry); c; c = c->next) {
        if (!named(c, "submodule")) {
            continue;
        }
        devconf__modinfo *sm = devconf__modset_add(s, leaf(c, "name"), leaf(c, "revision"));
        if (!sm) {
            return devconf_error_code(devconf_error_last());
        }
        sm->submodule = true;
        int r = add_location(sm, c, loc_leaf);
        if (r < 0) {
            return r;
        }
    }
    return 0;
}

/* One RFC 8525 module or import-only-module entry. */
static int rfc8525_module(devconf__modset *s, const struct lyd_node *e, bool implemented)
{
    devconf__modinfo *m = devconf__modset_add(s, leaf(e, "name"), leaf(e, "revision"));
    if (!m) {
        return devconf_error_code(devconf_error_last());
    }
    m->implemented = m->implemented || implemented;
    const char *ns = leaf(e, "namespace");
    if (ns && !m->ns && !(m->ns = devconf__strdup(ns))) {
        return DEVCONF_ENOMEM;
    }
    int r = add_location(m, e, "location");
    for (const struct lyd_node *c = lyd_child(e); c && r == 0; c = c->next) {
        if (named(c, "feature") && lyd_get_value(c)) {
            r = devconf__modinfo_add_feature(m, lyd_get_value(c));
        } else if (named(c, "deviation") && lyd_get_value(c)) {
            r = devconf__modinfo_add_deviation(m, lyd_get_value(c));
        }
    }
    return r ? r : add_submodules(s, e, "location");
}

static bool set_selected(const struct lyd_node *yl, const char *set_name)
{
    /* the module sets of the schema of the running datastore, when the library says which */
    const char *schema = NULL;
    for (const struct lyd_node *d = lyd_child(yl); d; d = d->next) {
        if (named(d, "datastore") && leaf(d, "name") && !strcmp(local(leaf(d, "name")), "running")) {
            schema = leaf(d, "schema");
        }
    }
    if (!schema) {
        return true;
    }
    for (const struct lyd_node *sc = lyd_child(yl); sc; sc = sc->next) {
        if (!named(sc, "schema") || !leaf(sc, "name") || strcmp(leaf(sc, "name"), schema)) {
            continue;
        }
        for (const struct lyd_node *c = lyd_child(sc); c; c = c->next) {
            if (named(c, "module-set") && lyd_get_value(c) && !strcmp(lyd_get_value(c), set_name)) {
                return true;
            }
        }
        return false;
    }
    return true;
}

static int rfc8525(devconf__modset *s, const struct lyd_node *yl, char **set_id)
{
    const char *cid = leaf(yl, "content-id");
    if (cid && !*set_id && !(*set_id = devconf__strdup(cid))) {
        return DEVCONF_ENOMEM;
    }
    for (const struct lyd_node *ms = lyd_child(yl); ms; ms = ms->next) {
        if (!named(ms, "module-set") || !set_selected(yl, leaf(ms, "name") ? leaf(ms, "name") : "")) {
            continue;
        }
        for (const struct lyd_node *e = lyd_child(ms); e; e = e->next) {
            int r = 0;
            if (named(e, "module")) {
                r = rfc8525_module(s, e, true);
            } else if (named(e, "import-only-module")) {
                r = rfc8525_module(s, e, false);
            }
            if (r < 0) {
                return r;
            }
        }
    }
    return 0;
}

static int rfc7895(devconf__modset *s, const struct lyd_node *ms, char **set_id)
{
    const char *id = leaf(ms, "module-set-id");
    if (id && !*set_id && !(*set_id = devconf__strdup(id))) {
        return DEVCONF_ENOMEM;
    }
    for (const struct lyd_node *e = lyd_child(ms); e; e = e->next) {
        if (!named(e, "module")) {
            continue;
        }
        devconf__modinfo *m = devconf__modset_add(s, leaf(e, "name"), leaf(e, "revision"));
        if (!m) {
            return devconf_error_code(devconf_error_last());
        }
        const char *conf = leaf(e, "conformance-type");
        m->implemented = m->implemented || !conf || !strcmp(conf, "implement");
        const char *ns = leaf(e, "namespace");
        if (ns && !m->ns && !(m->ns = devconf__strdup(ns))) {
            return DEVCONF_ENOMEM;
        }
        int r = add_location(m, e, "schema");
        for (const struct lyd_node *c = lyd_child(e); c && r == 0; c = c->next) {
            if (named(c, "feature") && lyd_get_value(c)) {
                r = devconf__modinfo_add_feature(m, lyd_get_value(c));
            } else if (named(c, "deviation") && leaf(c, "name")) {
                r = devconf__modinfo_add_deviation(m, leaf(c, "name"));
            }
        }
        if (r < 0 || (r = add_submodules(s, e, "schema")) < 0) {
            return r;
        }
    }
    return 0;
}

int devconf__yang_library_parse(const char *text, devconf_format fmt, devconf__modset *s, char **set_id)
{
    *set_id = NULL;
    struct ly_ctx *boot = devconf__yang_boot();
    if (!boot) {
        return devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_ERROR, "cannot create libyang's bootstrap context");
    }
    struct lyd_node *tree = NULL;
    devconf__log_capture_begin();
    /* not strict: members of other modules (a device's extensions) are skipped */
    LY_ERR lr = lyd_parse_data_mem(boot, text, fmt == DEVCONF_FORMAT_JSON ? LYD_JSON : LYD_XML, LYD_PARSE_ONLY, 0,
                                   &tree);
    if (lr != LY_SUCCESS) {
        int r = devconf__yang_error(boot, DEVCONF_EPROTO, "the device's YANG library is malformed");
        devconf__log_capture_end();
        lyd_free_all(tree);
        return r;
    }
    devconf__log_capture_end();
    int r = 0;
    bool found = false;
    /* RFC 8525 first: when a device offers both, modules-state is its deprecated view */
    for (const struct lyd_node *n = tree; n && r == 0; n = n->next) {
        if (named(n, "yang-library")) {
            found = true;
            r = rfc8525(s, n, set_id);
        }
    }
    for (const struct lyd_node *n = tree; n && r == 0 && !found; n = n->next) {
        if (named(n, "modules-state")) {
            found = true;
            r = rfc7895(s, n, set_id);
        }
    }
    lyd_free_all(tree);
    if (r < 0) {
        return r;
    }
    return found ? 0 : 1;
}
