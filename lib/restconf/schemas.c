/* The session's schemas: the module list of ietf-yang-library and each module's schema download
 * into the cache. */
#include "restconf_p.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libyang/libyang.h>

/* Downloads a module's YANG text from its yang-library schema URL into the cache. */
static void fetch_schema(devconf_session *s, const char *name, const char *rev, const char *url)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s%s%s.yang", s->ctx->cache_dir, name, rev && *rev ? "@" : "", rev ? rev : "");
    FILE *f = fopen(path, "r");
    if (f) {
        fclose(f);
        return; /* cached */
    }
    /* only from the session's own server: its credentials go with the request */
    char *rel = NULL;
    if (devconf__rc_same_origin(s, url, "schema download: ietf-yang-library gives the schema URL", true, &rel) < 0) {
        devconf__log(s->ctx, DEVCONF_LOG_WARNING, "restconf", "not downloading schema %s: %s", name,
                     devconf_error_message(devconf_error_last()));
        devconf__error_clear();
        return;
    }
    devconf__rc_resp r;
    int rc = devconf__rc_request(s, "GET", rel, NULL, NULL, &r, "schema download", NULL);
    free(rel);
    if (rc < 0) {
        devconf__log(s->ctx, DEVCONF_LOG_WARNING, "restconf", "cannot download schema %s: %s", name,
                     devconf_error_message(devconf_error_last()));
        devconf__error_clear();
        return;
    }
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    f = fopen(tmp, "w");
    if (f && r.body.data && fwrite(r.body.data, 1, r.body.len, f) == r.body.len && fclose(f) == 0) {
        rename(tmp, path);
        devconf__log(s->ctx, DEVCONF_LOG_INFO, "restconf", "schema %s%s%s downloaded into the cache", name,
                     rev && *rev ? "@" : "", rev ? rev : "");
    } else {
        if (f) {
            fclose(f);
        }
        unlink(tmp);
    }
    devconf__rc_resp_dispose(&r);
}

/* Builds the session's YANG context from the device's ietf-yang-library module list. */
int devconf__rc_load_schemas(devconf_session *s, devconf__buf *caps_out)
{
    devconf__rc_state *st = devconf__rc_st(s);
    if (ly_ctx_new(s->ctx->cache_dir, LY_CTX_DISABLE_SEARCHDIR_CWD, &st->ly) != LY_SUCCESS) {
        return devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_ERROR, "cannot create a YANG context");
    }
    for (size_t i = 0; i < s->ctx->search_dir_count; i++) {
        ly_ctx_set_searchdir(st->ly, s->ctx->search_dirs[i]);
    }
    /* per-node operations in edit payloads (nc:operation) are ietf-netconf metadata: load the
     * module when the cache or a search directory has it */
    if (!ly_ctx_load_module(st->ly, "ietf-netconf", NULL, NULL)) {
        ly_err_clean(st->ly, NULL);
        devconf__log(s->ctx, DEVCONF_LOG_INFO, "restconf",
                     "ietf-netconf is not in the cache or the search directories: payloads cannot carry "
                     "per-node operations (nc:operation)");
    }
    char *path = NULL;
    if (asprintf(&path, "%s/data/ietf-yang-library:modules-state", st->root) < 0) {
        return devconf__error_oom();
    }
    devconf__rc_resp r;
    int rc = devconf__rc_request(s, "GET", path, NULL, NULL, &r, "reading ietf-yang-library", NULL);
    free(path);
    if (rc < 0) {
        devconf__log(s->ctx, DEVCONF_LOG_WARNING, "restconf",
                     "%s: no module list; payloads can only be checked against modules found in the search "
                     "directories", devconf_error_message(devconf_error_last()));
        devconf__error_clear();
        return 0;
    }
    devconf__json *j = NULL;
    char err[128];
    if (devconf__json_parse(r.body.data ? r.body.data : "", &j, err, sizeof err) < 0) {
        devconf__rc_resp_dispose(&r);
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EPROTO, "malformed ietf-yang-library from %s: %s",
                                  s->host, err);
    }
    devconf__rc_resp_dispose(&r);
    const devconf__json *mods = devconf__json_get(devconf__json_get(j, "ietf-yang-library:modules-state"), "module");
    for (const devconf__json *m = mods ? mods->child : NULL; m; m = m->next) {
        const char *name = devconf__json_str(m, "name"), *rev = devconf__json_str(m, "revision");
        const char *url = devconf__json_str(m, "schema"), *ns = devconf__json_str(m, "namespace");
        const char *conf = devconf__json_str(m, "conformance-type");
        if (!name) {
            continue;
        }
        if (url) {
            fetch_schema(s, name, rev, url);
        }
        if (ns) {
            devconf__buf_printf(caps_out, "%s?module=%s%s%s", ns, name, rev && *rev ? "&revision=" : "",
                                rev && *rev ? rev : "");
            devconf__buf_append(caps_out, "", 1);
        }
        if ((conf && strcmp(conf, "implement")) || ly_ctx_get_module_implemented(st->ly, name)) {
            continue; /* import-only, or built into libyang (ietf-yang-library, ...) */
        }
        const devconf__json *fl = devconf__json_get(m, "feature");
        const char **features = calloc((fl ? fl->count : 0) + 1, sizeof *features);
        if (!features) {
            devconf__json_free(j);
            return devconf__error_oom();
        }
        size_t nf = 0;
        for (const devconf__json *f = fl ? fl->child : NULL; f; f = f->next) {
            if (f->str) {
                features[nf++] = f->str;
            }
        }
        const struct lys_module *loaded = ly_ctx_load_module(st->ly, name, rev && *rev ? rev : NULL, features);
        free(features);
        if (!loaded) {
            devconf__log(s->ctx, DEVCONF_LOG_WARNING, "restconf",
                         "module %s%s%s of %s is neither downloadable nor in the search directories: payloads "
                         "for it cannot be checked", name, rev ? "@" : "", rev ? rev : "", s->host);
            ly_err_clean(st->ly, NULL);
        }
    }
    devconf__json_free(j);
    return 0;
}
