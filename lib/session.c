/* Sessions: URI dispatch through the transport table, options, capabilities. */
#include "devconf_p.h"
#include "yang/yang_p.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_CONNECT_TIMEOUT_MS 10000
#define DEFAULT_RPC_TIMEOUT_MS 60000

/* The size of the session options struct as of a version (older callers pass shorter structs). */
static size_t session_options_size(unsigned int version)
{
    switch (version) {
    case 1: return offsetof(devconf_session_options, rpc_timeout_ms) + sizeof(int);
    case 2: return offsetof(devconf_session_options, max_reply_bytes);
    default: return sizeof(devconf_session_options);
    }
}

DEVCONF_API int devconf_session_options_init(devconf_session_options *opts, unsigned int version)
{
    if (!opts || version == 0 || version > DEVCONF_SESSION_OPTIONS_VERSION) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "devconf_session_options_init: NULL options or unknown version %u (this library "
                                  "knows up to %u)", version, DEVCONF_SESSION_OPTIONS_VERSION);
    }
    devconf_session_options def = DEVCONF_SESSION_OPTIONS_INIT;
    memcpy(opts, &def, session_options_size(version));
    opts->version = version;
    return 0;
}

static const devconf__transport *transport_for(devconf__scheme scheme)
{
    switch (scheme) {
    case DEVCONF_SCHEME_NETCONF_SSH:
        return &devconf__netconf_ssh_transport;
    case DEVCONF_SCHEME_NETCONF_TLS:
        return &devconf__netconf_tls_transport;
    case DEVCONF_SCHEME_RESTCONF_HTTPS:
    case DEVCONF_SCHEME_RESTCONF_HTTP:
        return &devconf__restconf_transport;
    default:
        return NULL;
    }
}

int devconf__session_options_copy(devconf_session_options *out, const devconf_session_options *opts)
{
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    if (opts) {
        if (opts->version == 0 || opts->version > DEVCONF_SESSION_OPTIONS_VERSION) {
            return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                      "session options version %u is unknown to this library (it knows up to %u): "
                                      "initialise them with DEVCONF_SESSION_OPTIONS_INIT", opts->version,
                                      DEVCONF_SESSION_OPTIONS_VERSION);
        }
        /* copy only what the caller's version has: the struct may be an older, shorter one */
        memcpy(&o, opts, session_options_size(opts->version));
    }
    if (o.connect_timeout_ms < 0 || o.rpc_timeout_ms < 0) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "timeouts must be positive (0 selects the default): every network wait is bounded");
    }
    if ((unsigned)o.hostkey_policy > DEVCONF_HOSTKEY_INSECURE_SKIP) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "unknown host-key policy %d",
                                  (int)o.hostkey_policy);
    }
    if (!o.connect_timeout_ms) {
        o.connect_timeout_ms = DEFAULT_CONNECT_TIMEOUT_MS;
    }
    if (!o.rpc_timeout_ms) {
        o.rpc_timeout_ms = DEFAULT_RPC_TIMEOUT_MS;
    }
    if (!o.max_reply_bytes) {
        o.max_reply_bytes = DEVCONF_DEFAULT_MAX_REPLY_BYTES;
    }
    *out = o;
    return 0;
}

/* devconf_session_open(), and over a socket the device connected when *fd >= 0 (the session takes
 * it: *fd is then -1; what is left in *fd the caller closes) */
static int session_open(devconf_session **out, devconf_ctx *ctx, const char *uri,
                        const devconf_session_options *opts, int *fd)
{
    if (!out) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_session_open: NULL out");
    }
    *out = NULL;
    if (!ctx || !uri) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_session_open: NULL %s",
                                  !ctx ? "ctx" : "uri");
    }
    devconf_session_options o;
    int r = devconf__session_options_copy(&o, opts);
    if (r < 0) {
        return r;
    }

    devconf__uri u;
    r = devconf__uri_parse(&u, uri);
    if (r < 0) {
        return r;
    }
    const devconf__transport *tp = transport_for(u.scheme);
    if (!tp) {
        devconf__uri_dispose(&u);
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EUNSUPPORTED,
                                  "the URI scheme '%.*s' is not supported by this build yet (supported: "
                                  "netconf://, netconf+ssh://, netconf+tls://, restconf://, restconf+http://)", (int)strcspn(uri, ":"), uri);
    }
    devconf_session *s = calloc(1, sizeof *s);
    if (!s || !(s->host = devconf__strdup(u.host))) {
        free(s);
        devconf__uri_dispose(&u);
        return devconf__error_oom();
    }
    s->ctx = ctx;
    s->tp = tp;
    s->port = u.port;
    s->accepted_fd = *fd;
    *fd = -1;
    s->connect_timeout_ms = o.connect_timeout_ms;
    s->rpc_timeout_ms = o.rpc_timeout_ms;
    s->max_reply_bytes = o.max_reply_bytes;

    s->cancel.cb = o.cancel_cb;
    s->cancel.payload = o.cancel_payload;
    s->call_timeout_ms = o.connect_timeout_ms;
    s->call_deadline_ms = devconf__now_ms() + o.connect_timeout_ms;
    const struct devconf_ctx *prev = devconf__log_enter(ctx);
    r = tp->open(s, &u, &o);
    devconf__log_leave(prev);
    if (s->accepted_fd >= 0) { /* not taken by the transport */
        close(s->accepted_fd);
        s->accepted_fd = -1;
    }
    s->cancel.cb = NULL;
    s->cancel.payload = NULL;
    devconf__uri_dispose(&u);
    if (r < 0) {
        devconf_session_free(s);
        return r;
    }
    __atomic_add_fetch(&ctx->live_sessions, 1, __ATOMIC_SEQ_CST);
    s->counted = true;
    *out = s;
    return 0;
}

DEVCONF_API int devconf_session_open(devconf_session **out, devconf_ctx *ctx, const char *uri,
                                     const devconf_session_options *opts)
{
    devconf__error_clear();
    int fd = -1;
    return session_open(out, ctx, uri, opts, &fd);
}

int devconf__session_open_fd(devconf_session **out, devconf_ctx *ctx, const char *uri,
                             const devconf_session_options *opts, int fd)
{
    int r = session_open(out, ctx, uri, opts, &fd);
    if (fd >= 0) {
        close(fd);
    }
    return r;
}

DEVCONF_API void devconf_session_free(devconf_session *s)
{
    if (!s) {
        return;
    }
    const struct devconf_ctx *prev = devconf__log_enter(s->ctx);
    if (s->tp && s->tp->close) {
        s->tp->close(s);
    }
    devconf__schema_release(s->schemas);
    devconf__log_leave(prev);
    if (s->counted) {
        __atomic_sub_fetch(&s->ctx->live_sessions, 1, __ATOMIC_SEQ_CST);
    }
    for (size_t i = 0; i < s->cap_count; i++) {
        free(s->caps[i]);
    }
    free(s->caps);
    free(s->host);
    free(s->etag);
    free(s->last_modified);
    free(s);
}

int devconf__session_set_caps(devconf_session *s, const char *const *caps, size_t count)
{
    s->caps = calloc(count ? count : 1, sizeof *s->caps);
    if (!s->caps) {
        return devconf__error_oom();
    }
    for (size_t i = 0; i < count; i++) {
        if (!(s->caps[i] = devconf__strdup(caps[i]))) {
            return DEVCONF_ENOMEM;
        }
        s->cap_count = i + 1;
    }
    return 0;
}

DEVCONF_API devconf_protocol devconf_session_protocol(const devconf_session *s)
{
    return s ? s->tp->protocol : (devconf_protocol)0;
}

DEVCONF_API uint32_t devconf_session_id(const devconf_session *s)
{
    return s ? s->session_id : 0;
}

DEVCONF_API const char *devconf_session_host(const devconf_session *s)
{
    return s ? s->host : NULL;
}

DEVCONF_API size_t devconf_session_capability_count(const devconf_session *s)
{
    return s ? s->cap_count : 0;
}

DEVCONF_API const char *devconf_session_capability(const devconf_session *s, size_t i)
{
    return s && i < s->cap_count ? s->caps[i] : NULL;
}

DEVCONF_API int devconf_session_is_connected(const devconf_session *s)
{
    return s && s->tp->is_connected ? s->tp->is_connected(s) : 0;
}

#define NC_CAP_PREFIX "urn:ietf:params:netconf:capability:"

static bool cap_matches(const char *cap, const char *name)
{
    size_t nlen = strlen(name);
    if (strchr(name, ':')) {
        /* a full URI: exact, or equal up to the parameters when name has none */
        size_t clen = strcspn(cap, "?");
        if (strchr(name, '?')) {
            return strcmp(cap, name) == 0;
        }
        return clen == nlen && strncmp(cap, name, nlen) == 0;
    }
    /* a short name: urn:ietf:params:{netconf,restconf}:capability:NAME:VERSION */
    static const char *const prefixes[] = { NC_CAP_PREFIX, "urn:ietf:params:restconf:capability:" };
    for (size_t i = 0; i < 2; i++) {
        size_t plen = strlen(prefixes[i]);
        if (strncmp(cap, prefixes[i], plen) == 0) {
            const char *c = cap + plen;
            if (strncmp(c, name, nlen) == 0 && c[nlen] == ':') {
                return true;
            }
        }
    }
    /* ietf-netconf-monitoring may be announced bare (RFC 6022 section 2.2) */
    if (!strcmp(name, "ietf-netconf-monitoring") && !strcmp(cap, "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring")) {
        return true;
    }
    /* a module name: ...?module=NAME[&...] */
    const char *m = strstr(cap, "?module=");
    if (!m) {
        m = strstr(cap, "&module=");
    }
    if (m) {
        m += 8;
        if (strncmp(m, name, nlen) == 0 && (m[nlen] == '\0' || m[nlen] == '&')) {
            return true;
        }
    }
    return false;
}

DEVCONF_API int devconf_session_has_capability(const devconf_session *s, const char *name)
{
    if (!s || !name || !*name) {
        return 0;
    }
    if (!strcmp(name, "nmda")) {
        /* NETCONF: the device implements ietf-netconf-nmda (RFC 8526; hello or YANG library);
         * RESTCONF: it serves the datastore resources of RFC 8527 (the transport knows) */
        if (!s->tp->get_data) {
            return 0;
        }
        return s->tp->has_nmda ? s->tp->has_nmda(s) : devconf_session_has_capability(s, "ietf-netconf-nmda");
    }
    for (size_t i = 0; i < s->cap_count; i++) {
        if (cap_matches(s->caps[i], name)) {
            return 1;
        }
    }
    /* a module the device lists only in its YANG library */
    if (s->schemas && !strchr(name, ':')) {
        const devconf__modset *mods = devconf__yctx_modules(s->schemas);
        for (size_t i = 0; i < mods->n; i++) {
            if (mods->m[i].implemented && !strcmp(mods->m[i].name, name)) {
                return 1;
            }
        }
    }
    return 0;
}

DEVCONF_API const char *devconf_session_schema_id(const devconf_session *s)
{
    return s && s->schemas ? devconf__yctx_key(s->schemas) : NULL;
}

DEVCONF_API unsigned int devconf_session_schema_requests(const devconf_session *s)
{
    return s ? s->get_schema_count : 0;
}

int devconf__require_cap(const devconf_session *s, const char *name, const char *what)
{
    if (devconf_session_has_capability(s, name)) {
        return 0;
    }
    return devconf__error_set(s->tp->protocol == DEVCONF_PROTO_NETCONF ? DEVCONF_ORIGIN_NETCONF
                                                                       : DEVCONF_ORIGIN_RESTCONF,
                              DEVCONF_EUNSUPPORTED, "%s needs the '%s' capability, which %s does not announce; "
                              "nothing was sent", what, name, s->host);
}

DEVCONF_API const char *devconf_session_etag(const devconf_session *s)
{
    return s && s->etag && s->etag[0] ? s->etag : NULL;
}

DEVCONF_API const char *devconf_session_last_modified(const devconf_session *s)
{
    return s && s->last_modified && s->last_modified[0] ? s->last_modified : NULL;
}

bool devconf__session_quirk(const devconf_session *s, devconf__quirk q)
{
    return s && s->tp->quirk && s->tp->quirk(s, (int)q);
}
