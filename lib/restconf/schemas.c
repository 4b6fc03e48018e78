/* The session's schemas, through the shared schema layer (lib/yang/): the device's YANG library
 * (RFC 8525 yang-library when the root's yang-library-version says 2019-01-04 or later, else the RFC
 * 7895 modules-state, each tried when the other is missing), and module texts from their "schema" /
 * "location" URL on the session's own server, else through the get-schema RPC where the server has
 * ietf-netconf-monitoring. */
#include "restconf_p.h"
#include "yang/yang_p.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

struct rc_schemas {
    devconf_session *s;
    char *library;             /* the YANG library document as read */
    devconf_format library_fmt;
    bool monitoring;
    unsigned requests;
    char device[400];
    char fingerprint[65];
    devconf__schema_src src;
};

/* GETs {root}/data/RESOURCE: 0 with the body, 1 when the server has no such resource, or an error
 * (time, connection). */
static int get_library(struct rc_schemas *sc, const char *resource, const char *what)
{
    devconf__rc_state *st = devconf__rc_st(sc->s);
    char *path = NULL;
    if (asprintf(&path, "%s/data/%s", st->root, resource) < 0) {
        return devconf__error_oom();
    }
    devconf__rc_resp r;
    int rc = devconf__rc_request(sc->s, "GET", path, NULL, NULL, &r, what, NULL);
    free(path);
    if (rc < 0) {
        int code = devconf_error_code(devconf_error_last());
        if (code == DEVCONF_ETIMEOUT || code == DEVCONF_ECONNECT || code == DEVCONF_ENOMEM ||
            code == DEVCONF_EHOSTKEY || code == DEVCONF_EAUTH) {
            return rc;
        }
        devconf__log(sc->s->ctx, DEVCONF_LOG_DEBUG, "restconf", "%s: %s", what,
                     devconf_error_message(devconf_error_last()));
        devconf__error_clear();
        return 1;
    }
    sc->library_fmt = devconf__rc_is_json(r.content_type) ? DEVCONF_FORMAT_JSON : DEVCONF_FORMAT_XML;
    sc->library = devconf__buf_steal(&r.body);
    devconf__rc_resp_dispose(&r);
    return sc->library ? 0 : DEVCONF_ENOMEM;
}

static int rc_announce(void *arg, devconf__modset *out)
{
    struct rc_schemas *sc = arg;
    int r = 0;
    if (sc->library) {
        char *set_id = NULL;
        r = devconf__yang_library_parse(sc->library, sc->library_fmt, out, &set_id);
        free(set_id);
        if (r == 1) {
            devconf__log(sc->s->ctx, DEVCONF_LOG_WARNING, "restconf", "%s sent a YANG library without modules",
                         sc->s->host);
            r = 0;
        }
        if (r < 0) {
            return r;
        }
    }
    /* per-node operations in edit payloads (nc:operation) are ietf-netconf metadata: used when
     * a search directory or the cache has the module, never required */
    if (!devconf__modset_find(out, "ietf-netconf", NULL)) {
        devconf__modinfo *m = devconf__modset_add(out, "ietf-netconf", NULL);
        if (!m) {
            return devconf_error_code(devconf_error_last());
        }
        m->implemented = true;
        m->optional = true;
    }
    const devconf__modinfo *mon = devconf__modset_find(out, "ietf-netconf-monitoring", NULL);
    sc->monitoring = mon && mon->implemented;
    return 0;
}

/* A module text through the get-schema RPC (RFC 6022 over RESTCONF). */
static int fetch_rpc(struct rc_schemas *sc, const char *name, const char *rev, char **text, size_t *len)
{
    devconf__rc_state *st = devconf__rc_st(sc->s);
    char *path = NULL;
    devconf__buf body = { 0 };
    devconf__buf_printf(&body, "{\"ietf-netconf-monitoring:input\":{\"identifier\":\"%s\"%s%s%s,\"format\":\"yang\"}}",
                        name, rev ? ",\"version\":\"" : "", rev ? rev : "", rev ? "\"" : "");
    if (body.failed || asprintf(&path, "%s/operations/ietf-netconf-monitoring:get-schema", st->root) < 0) {
        devconf__buf_dispose(&body);
        return devconf__error_oom();
    }
    devconf__rc_resp r;
    int rc = devconf__rc_request(sc->s, "POST", path, body.data, st->profile->media_json, &r, "get-schema", NULL);
    free(path);
    devconf__buf_dispose(&body);
    sc->requests++;
    if (rc < 0) {
        int code = devconf_error_code(devconf_error_last());
        if (code == DEVCONF_ETIMEOUT || code == DEVCONF_ECONNECT || code == DEVCONF_ENOMEM) {
            return rc;
        }
        devconf__error_clear();
        return 1;
    }
    devconf__json *j = NULL;
    const char *data = NULL;
    if (devconf__json_parse(r.body.data ? r.body.data : "", &j, NULL, 0) == 0) {
        data = devconf__json_str(devconf__json_get(j, "ietf-netconf-monitoring:output"), "data");
    }
    devconf__rc_resp_dispose(&r);
    if (!data || !*devconf__skip_ws(data)) {
        devconf__json_free(j);
        return 1;
    }
    *text = devconf__strdup(data);
    *len = *text ? strlen(*text) : 0;
    devconf__json_free(j);
    return *text ? 0 : DEVCONF_ENOMEM;
}

static int rc_fetch(void *arg, const devconf__modinfo *hint, const char *name, const char *rev, char **text,
                    size_t *len)
{
    struct rc_schemas *sc = arg;
    *text = NULL;
    *len = 0;
    if (hint && hint->optional) {
        return 1;
    }
    if (hint && hint->location) {
        /* only from the session's own server: its credentials go with the request */
        char *rel = NULL;
        if (devconf__rc_same_origin(sc->s, hint->location, "schema download: the YANG library gives the schema URL",
                                    true, &rel) < 0) {
            devconf__log(sc->s->ctx, DEVCONF_LOG_WARNING, "restconf", "not downloading schema %s: %s", name,
                         devconf_error_message(devconf_error_last()));
            devconf__error_clear();
            return 1;
        }
        devconf__rc_resp r;
        int rc = devconf__rc_request(sc->s, "GET", rel, NULL, NULL, &r, "schema download", NULL);
        free(rel);
        sc->requests++;
        if (rc < 0) {
            int code = devconf_error_code(devconf_error_last());
            if (code == DEVCONF_ETIMEOUT || code == DEVCONF_ECONNECT || code == DEVCONF_ENOMEM) {
                return rc;
            }
            devconf__log(sc->s->ctx, DEVCONF_LOG_WARNING, "restconf", "cannot download schema %s: %s", name,
                         devconf_error_message(devconf_error_last()));
            devconf__error_clear();
            return 1;
        }
        *len = r.body.len;
        *text = devconf__buf_steal(&r.body);
        devconf__rc_resp_dispose(&r);
        if (*text && !*devconf__skip_ws(*text)) {
            free(*text);
            *text = NULL;
            return 1;
        }
        return *text ? 0 : DEVCONF_ENOMEM;
    }
    if (sc->monitoring) {
        return fetch_rpc(sc, name, rev, text, len);
    }
    return 1;
}

int devconf__rc_load_schemas(devconf_session *s, devconf__buf *caps_out, int64_t deadline)
{
    devconf__rc_state *st = devconf__rc_st(s);
    struct rc_schemas sc = { 0 };
    sc.s = s;
    /* the YANG library: RFC 8525's when the root says its version is 2019-01-04 or later */
    bool rfc8525 = st->yang_library_version && strcmp(st->yang_library_version, "2019-01-04") >= 0;
    const char *order[2] = { "ietf-yang-library:modules-state", "ietf-yang-library:yang-library" };
    if (rfc8525) {
        order[0] = "ietf-yang-library:yang-library";
        order[1] = "ietf-yang-library:modules-state";
    }
    int r = 1;
    for (int i = 0; i < 2 && r == 1; i++) {
        r = get_library(&sc, order[i], "reading the YANG library");
        /* RFC 8527 2: an NMDA server has the RFC 8525 library and says so in yang-library-version */
        st->nmda = r == 0 && rfc8525 && !strcmp(order[i], "ietf-yang-library:yang-library");
    }
    if (r < 0) {
        return r;
    }
    if (r == 1) {
        devconf__log(s->ctx, DEVCONF_LOG_WARNING, "restconf",
                     "%s has no YANG library (neither yang-library nor modules-state): payloads can only be checked "
                     "against modules of the search directories, and data is returned as the server sent it",
                     s->host);
    }
    /* the fingerprint is the library itself: RESTCONF has no hello */
    devconf__sha256 h;
    devconf__sha256_init(&h);
    devconf__sha256_update(&h, "restconf\n", 9);
    if (sc.library) {
        devconf__sha256_update(&h, sc.library, strlen(sc.library));
    }
    devconf__sha256_hex(&h, sc.fingerprint);
    snprintf(sc.device, sizeof sc.device, "%s", st->base);
    sc.src.arg = &sc;
    sc.src.device = sc.device;
    sc.src.fingerprint = sc.fingerprint;
    sc.src.announce = rc_announce;
    sc.src.fetch = rc_fetch;
    sc.src.deadline_ms = deadline;
    bool warm = false;
    r = devconf__schema_acquire(s->ctx, &sc.src, &s->schemas, &warm);
    free(sc.library);
    if (r < 0) {
        return r;
    }
    s->get_schema_count = sc.requests;
    st->ly = devconf__yctx_ly(s->schemas);
    /* a capability a module, as NETCONF hellos have them (has_capability works alike) */
    const devconf__modset *mods = devconf__yctx_modules(s->schemas);
    for (size_t i = 0; i < mods->n; i++) {
        const devconf__modinfo *m = &mods->m[i];
        if (m->submodule || !m->implemented || !m->ns) {
            continue;
        }
        devconf__buf_printf(caps_out, "%s?module=%s%s%s", m->ns, m->name, m->revision ? "&revision=" : "",
                            m->revision ? m->revision : "");
        devconf__buf_append(caps_out, "", 1);
    }
    devconf__log(s->ctx, DEVCONF_LOG_INFO, "restconf", "%s: %zu modules (%s, %u schema requests)", s->host, mods->n,
                 warm ? "known module set" : "module set resolved", sc.requests);
    return 0;
}
