/* NMDA over NETCONF (RFC 8526): <get-data> and <edit-data> of the ietf-netconf-nmda module, with
 * datastore identities of ietf-datastores, origin identities of ietf-origin (checked against the
 * device's schemas before anything is sent), the reply's <data> parsed once with libyang. */
#include "netconf/netconf_p.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#define NMDA_MODULE "ietf-netconf-nmda"
#define NMDA_NS "urn:ietf:params:xml:ns:yang:ietf-netconf-nmda"
#define DS_NS "urn:ietf:params:xml:ns:yang:ietf-datastores"
#define ORIGIN_MODULE "ietf-origin"

/* The device must implement ietf-netconf-nmda (hello capability or YANG library). */
static int require_nmda(devconf_session *s, const char *what)
{
    if (devconf_session_has_capability(s, NMDA_MODULE)) {
        return 0;
    }
    return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EUNSUPPORTED,
                              "%s needs NMDA (RFC 8526): %s does not list the module %s in its hello or YANG "
                              "library (capability 'nmda'); nothing was sent", what, s->host, NMDA_MODULE);
}

/* A feature of ietf-netconf-nmda ("origin", "with-defaults") the device must have enabled. */
static int require_feature(devconf_session *s, const char *feature, const char *param, const char *what)
{
    const struct lys_module *m = ly_ctx_get_module_implemented(devconf__nc_ly(s), NMDA_MODULE);
    if (m && lys_feature_value(m, feature) == LY_SUCCESS) {
        return 0;
    }
    return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EUNSUPPORTED,
                              "%s %s needs the '%s' feature of %s, which %s does not announce; nothing was sent", what,
                              param, feature, NMDA_MODULE, s->host);
}

/* A datastore the device has: candidate and startup need their capabilities; running, intended
 * and operational exist on every NMDA server (RFC 8342). */
static int require_ds(devconf_session *s, devconf_datastore ds, const char *what)
{
    switch (ds) {
    case DEVCONF_DS_RUNNING:
    case DEVCONF_DS_INTENDED:
    case DEVCONF_DS_OPERATIONAL:
        return 0;
    case DEVCONF_DS_CANDIDATE: return devconf__require_cap(s, "candidate", what);
    case DEVCONF_DS_STARTUP: return devconf__require_cap(s, "startup", what);
    default:
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "%s: invalid datastore %d", what, (int)ds);
    }
}

/* The server's profile says its NMDA operations are broken in this way. */
static bool quirk(const devconf_session *s, devconf__quirk q, const char **server)
{
    const struct devconf__nc_state *st = s->tp_data;
    *server = st && st->profile ? st->profile->name : "the device";
    return devconf__session_quirk(s, q);
}

/* Whether ident is base or derived from it, directly or not. */
static bool derived_from(const struct lysc_ident *base, const struct lysc_ident *ident, unsigned depth)
{
    if (base == ident) {
        return true;
    }
    if (depth > 64) { /* identities cannot loop; a bound all the same */
        return false;
    }
    LY_ARRAY_COUNT_TYPE i;
    LY_ARRAY_FOR(base->derived, i) {
        if (derived_from(base->derived[i], ident, depth + 1)) {
            return true;
        }
    }
    return false;
}

static const struct lysc_ident *find_ident(const struct lys_module *m, const char *name, size_t len)
{
    LY_ARRAY_COUNT_TYPE i;
    LY_ARRAY_FOR(m->identities, i) {
        if (strlen(m->identities[i].name) == len && !strncmp(m->identities[i].name, name, len)) {
            return &m->identities[i];
        }
    }
    return NULL;
}

static const struct lys_module *find_module(struct ly_ctx *ly, const char *name)
{
    const struct lys_module *m = ly_ctx_get_module_implemented(ly, name);
    return m ? m : ly_ctx_get_module_latest(ly, name);
}

/* An origin identity the caller named ("intended", "ietf-origin:system", "vendor:identity"): one the
 * device's schemas define, derived from ietf-origin's origin. */
static int origin_ident(devconf_session *s, const char *text, const struct lysc_ident **out)
{
    struct ly_ctx *ly = devconf__nc_ly(s);
    const struct lys_module *origin = find_module(ly, ORIGIN_MODULE);
    const struct lysc_ident *base = origin ? find_ident(origin, "origin", 6) : NULL;
    if (!base) {
        return devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EUNSUPPORTED,
                                  "get-data: an origin filter needs the module %s, which %s does not announce; "
                                  "nothing was sent", ORIGIN_MODULE, s->host);
    }
    const char *colon = strchr(text, ':');
    char modname[256];
    const char *name = text;
    const struct lys_module *m = origin;
    if (colon) {
        if ((size_t)(colon - text) >= sizeof modname) {
            return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "get-data: origin '%.40s...' names no "
                                      "module (the module name is too long)", text);
        }
        snprintf(modname, sizeof modname, "%.*s", (int)(colon - text), text);
        name = colon + 1;
        if (!(m = find_module(ly, modname))) {
            return devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EYANG,
                                      "get-data: origin '%s': %s has no module %s; nothing was sent", text, s->host,
                                      modname);
        }
    }
    const struct lysc_ident *id = find_ident(m, name, strlen(name));
    if (!id || id == base || !derived_from(base, id, 0)) {
        return devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EYANG,
                                  "get-data: '%s' is not an origin identity of %s (one derived from %s:origin, such as "
                                  "intended, dynamic, system, learned, default, unknown); nothing was sent", text,
                                  s->host, ORIGIN_MODULE);
    }
    *out = id;
    return 0;
}

static const char *const config_filter_text[] = { NULL, "true", "false" };

/* What a server with DEVCONF__QUIRK_NMDA_GET_DATA_IGNORES_INPUT would ignore in req, or NULL. */
static const char *ignored_input(const struct devconf__get_data_req *req, const char *filter)
{
    if (req->ds != DEVCONF_DS_OPERATIONAL) {
        return "the datastore";
    }
    if (filter) {
        return "the filter";
    }
    if (req->config_filter) {
        return "config-filter";
    }
    if (req->origin_count) {
        return "the origin filter";
    }
    if (req->max_depth) {
        return "max-depth";
    }
    if (req->with_defaults) {
        return "with-defaults";
    }
    return NULL;
}

int devconf__nc_get_data(devconf_session *s, char **out, const struct devconf__get_data_req *req)
{
    const char *what = "get-data";
    int r;
    if ((r = require_nmda(s, what)) < 0 || (r = require_ds(s, req->ds, what)) < 0) {
        return r;
    }
    if ((req->with_origin || req->origin_count) &&
        (r = require_feature(s, "origin", req->with_origin ? "with-origin" : "origin-filter", what)) < 0) {
        return r;
    }
    if (req->with_defaults && (r = require_feature(s, "with-defaults", "with-defaults", what)) < 0) {
        return r;
    }
    const char *filter = req->filter && *devconf__skip_ws(req->filter) ? devconf__skip_ws(req->filter) : NULL;
    if (filter && (r = devconf__nc_check_filter(s, filter, req->filter_type, what)) < 0) {
        return r;
    }
    const struct lysc_ident **origins = NULL;
    if (req->origin_count) {
        if (!(origins = calloc(req->origin_count, sizeof *origins))) {
            return devconf__error_oom();
        }
        for (size_t i = 0; i < req->origin_count; i++) {
            if ((r = origin_ident(s, req->origins[i], &origins[i])) < 0) {
                free(origins);
                return r;
            }
        }
    }
    const char *server, *ignored = ignored_input(req, filter);
    if (ignored && quirk(s, DEVCONF__QUIRK_NMDA_GET_DATA_IGNORES_INPUT, &server)) {
        free(origins);
        return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EUNSUPPORTED,
                                  "get-data of %s: %s (%s) ignores %s of a get-data and answers with its whole "
                                  "operational datastore (a server bug); nothing was sent. Use get-config or get "
                                  "for this read", devconf_datastore_name(req->ds), s->host, server, ignored);
    }
    devconf__buf body = { 0 };
    devconf__buf_puts(&body, "<get-data xmlns=\"" NMDA_NS "\" xmlns:ds=\"" DS_NS "\">");
    devconf__buf_printf(&body, "<datastore>ds:%s</datastore>", devconf_datastore_name(req->ds));
    if (filter) {
        bool subtree = req->filter_type == DEVCONF_FILTER_SUBTREE ||
                       (req->filter_type == DEVCONF_FILTER_AUTO && *filter == '<');
        if (subtree) {
            /* checked: well-formed, every top-level element in a namespace of the device's modules */
            devconf__buf_printf(&body, "<subtree-filter>%s</subtree-filter>", filter);
        } else {
            devconf__nc_xpath_element(&body, devconf__nc_ly(s), filter, "xpath-filter");
        }
    }
    if (config_filter_text[req->config_filter]) {
        devconf__buf_printf(&body, "<config-filter>%s</config-filter>", config_filter_text[req->config_filter]);
    }
    for (size_t i = 0; i < req->origin_count; i++) {
        const char *elem = req->negate_origins ? "negated-origin-filter" : "origin-filter";
        devconf__buf_printf(&body, "<%s xmlns:o=\"", elem);
        devconf__buf_xml_escape(&body, origins[i]->module->ns);
        devconf__buf_printf(&body, "\">o:%s</%s>", origins[i]->name, elem);
    }
    free(origins);
    if (req->max_depth) {
        devconf__buf_printf(&body, "<max-depth>%u</max-depth>", req->max_depth);
    }
    if (req->with_origin) {
        devconf__buf_puts(&body, "<with-origin/>");
    }
    if (devconf__wd_name(req->with_defaults)) {
        devconf__buf_printf(&body, "<with-defaults>%s</with-defaults>", devconf__wd_name(req->with_defaults));
    }
    devconf__buf_puts(&body, "</get-data>");
    char *text = NULL;
    size_t tlen = 0;
    if ((r = devconf__nc_data_call(s, &body, what, &text, &tlen)) < 0) {
        return r;
    }
    devconf__log(s->ctx, DEVCONF_LOG_DEBUG, "netconf", "%s of %s: %zu bytes of data from %s", what,
                 devconf_datastore_name(req->ds), tlen, s->host);
    return devconf__data_from_device_origin(s, text, tlen, req->format,
                                            req->with_defaults == DEVCONF_WD_REPORT_ALL_TAGGED, req->with_origin,
                                            req->max_depth != 0, what, out);
}

int devconf__nc_edit_data(devconf_session *s, const struct devconf__edit_req *req)
{
    const char *what = "edit-data";
    int r;
    if (req->if_match) {
        return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EUNSUPPORTED,
                                  "edit-data: NETCONF has no entity tags for If-Match; lock the datastore instead");
    }
    if ((r = require_nmda(s, what)) < 0 || (r = require_ds(s, req->target, what)) < 0) {
        return r;
    }
    if (req->target == DEVCONF_DS_RUNNING &&
        (r = devconf__require_cap(s, "writable-running", "edit-data of running")) < 0) {
        return r;
    }
    const char *server;
    if (quirk(s, DEVCONF__QUIRK_NMDA_NO_EDIT_DATA, &server)) {
        return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EUNSUPPORTED,
                                  "edit-data: %s (%s) announces NMDA but its edit-data changes nothing (a server bug: "
                                  "<config> is refused as a missing choice, anything else answers <ok/>); nothing "
                                  "was sent. Use edit-config for %s", s->host, server,
                                  devconf_datastore_name(req->target));
    }
    char *xml = NULL;
    if ((r = devconf__config_to_xml(devconf__nc_ly(s), req->config, req->format, &xml)) < 0) {
        return r;
    }
    static const char *const dflt[] = { NULL, "replace", "none" };
    devconf__buf b = { 0 };
    devconf__buf_puts(&b, "<edit-data xmlns=\"" NMDA_NS "\" xmlns:ds=\"" DS_NS "\">");
    devconf__buf_printf(&b, "<datastore>ds:%s</datastore>", devconf_datastore_name(req->target));
    if (dflt[req->default_operation]) {
        devconf__buf_printf(&b, "<default-operation>%s</default-operation>", dflt[req->default_operation]);
    }
    devconf__buf_printf(&b, "<config>%s</config></edit-data>", xml);
    free(xml);
    if (b.failed) {
        devconf__buf_dispose(&b);
        return devconf__error_oom();
    }
    r = devconf__nc_call_ok(s, b.data, what);
    devconf__buf_dispose(&b);
    return r;
}
