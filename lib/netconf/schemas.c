/* What a NETCONF device announces, for the schema layer (lib/yang/): the modules of its hello
 * (?module= capabilities), of its RFC 7895 modules-state (yang-library:1.0) or of its RFC 8525
 * yang-library (yang-library:1.1, preferred), and module texts through <get-schema> when the device
 * has ietf-netconf-monitoring, announced in either form (?module=... or the bare namespace). */
#include "netconf/netconf_p.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#define YL_NS "urn:ietf:params:xml:ns:yang:ietf-yang-library"
#define MON_NS "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"

static bool has_cap_prefix(const char *const *caps, size_t n, const char *prefix)
{
    size_t plen = strlen(prefix);
    for (size_t i = 0; i < n; i++) {
        if (!strncmp(caps[i], prefix, plen) && (caps[i][plen] == '\0' || caps[i][plen] == '?')) {
            return true;
        }
    }
    return false;
}

/* Reads the data of a <get> with a subtree filter; 0 with *text (self-contained XML), 1 when the
 * device refused it (rpc-error: logged), or an error. */
static int get_data(devconf__nc_schemas *sc, const char *filter, const char *what, char **text)
{
    char body[512];
    snprintf(body, sizeof body, "<get><filter type=\"subtree\">%s</filter></get>", filter);
    char *reply = NULL;
    size_t len = 0, tlen = 0;
    devconf__nc_env env;
    int r = devconf__ncc_call(sc->client, body, what, sc->src.deadline_ms, sc->cancel, &reply, &len, &env);
    if (r < 0) {
        return r;
    }
    r = devconf__ncc_reply_status(sc->ctx, sc->host, what, reply, len, &env, true);
    if (r == DEVCONF_ERPC) {
        devconf__error_clear();
        r = 1;
    } else if (r == 0 && !env.has_data) {
        r = 1;
    } else if (r == 0 && !(*text = devconf__nc_env_data(reply, &env, devconf__ncc_max_bytes(sc->client), &tlen))) {
        r = devconf_error_code(devconf_error_last());
    }
    devconf__nc_env_dispose(&env);
    free(reply);
    return r;
}

static int nc_announce(void *arg, devconf__modset *out)
{
    devconf__nc_schemas *sc = arg;
    size_t n;
    const char *const *caps = devconf__ncc_caps(sc->client, &n);
    int r = devconf__modset_from_hello(out, caps, n);
    if (r < 0) {
        return r;
    }
    const char *filter = NULL, *what = NULL;
    if (has_cap_prefix(caps, n, DEVCONF_NC_CAP "yang-library:1.1")) {
        filter = "<yang-library xmlns=\"" YL_NS "\"/>";
        what = "reading the YANG library (RFC 8525)";
    } else if (has_cap_prefix(caps, n, DEVCONF_NC_CAP "yang-library:1.0")) {
        filter = "<modules-state xmlns=\"" YL_NS "\"/>";
        what = "reading the YANG library (RFC 7895)";
    }
    if (filter) {
        char *text = NULL;
        r = get_data(sc, filter, what, &text);
        if (r < 0) {
            return r;
        }
        char *set_id = NULL;
        if (r == 0 && *devconf__skip_ws(text)) {
            r = devconf__yang_library_parse(text, DEVCONF_FORMAT_XML, out, &set_id);
        }
        free(text);
        free(set_id);
        if (r < 0) {
            return r;
        }
        if (r == 1) {
            devconf__log(sc->ctx, DEVCONF_LOG_INFO, "netconf",
                         "%s announces a YANG library but gave none", sc->host);
        }
    }
    sc->monitoring = has_cap_prefix(caps, n, MON_NS) || devconf__modset_find(out, "ietf-netconf-monitoring", NULL);
    sc->announced = out;
    return devconf__modset_netconf_features(out, caps, n);
}

static int nc_fetch(void *arg, const devconf__modinfo *hint, const char *name, const char *rev, char **text,
                    size_t *len)
{
    (void)hint;
    devconf__nc_schemas *sc = arg;
    *text = NULL;
    *len = 0;
    if (!sc->monitoring) {
        return 1;
    }
    if (devconf__nc_profile_no_get_schema(sc->profile, name)) {
        devconf__log(sc->ctx, DEVCONF_LOG_INFO, "netconf", "%s: not asking %s (%s) for %s: the server is known to "
                     "fail on it; a search directory can provide it", sc->device, sc->host, sc->profile->name, name);
        return 1;
    }
    char body[600];
    snprintf(body, sizeof body,
             "<get-schema xmlns=\"" MON_NS "\"><identifier>%s</identifier>%s%s%s<format>yang</format></get-schema>",
             name, rev ? "<version>" : "", rev ? rev : "", rev ? "</version>" : "");
    char what[300];
    snprintf(what, sizeof what, "get-schema %s%s%s", name, rev ? "@" : "", rev ? rev : "");
    char *reply = NULL;
    size_t rlen = 0;
    devconf__nc_env env;
    int r = devconf__ncc_call(sc->client, body, what, sc->src.deadline_ms, sc->cancel, &reply, &rlen, &env);
    if (r < 0) {
        return r;
    }
    sc->get_schema_count++;
    r = devconf__ncc_reply_status(sc->ctx, sc->host, what, reply, rlen, &env, true);
    bool has_data = env.has_data;
    devconf__nc_env_dispose(&env);
    if (r == DEVCONF_ERPC) {
        free(reply);
        devconf__error_clear();
        return 1;
    }
    if (r < 0 || !has_data) {
        free(reply);
        if (r == 0) {
            return 1;
        }
        return r;
    }
    /* the text is the <data> element's content, XML-escaped */
    r = devconf__nc_reply_text(reply, text);
    free(reply);
    if (r < 0 || !*devconf__skip_ws(*text)) {
        free(*text);
        *text = NULL;
        devconf__error_clear();
        return r == DEVCONF_ENOMEM ? r : 1;
    }
    *len = strlen(*text);
    return 0;
}

void devconf__nc_schemas_init(devconf__nc_schemas *sc, const devconf_ctx *ctx, devconf__ncc *client, const char *host,
                              uint16_t port, int64_t deadline)
{
    memset(sc, 0, sizeof *sc);
    sc->ctx = ctx;
    sc->client = client;
    sc->host = host;
    snprintf(sc->device, sizeof sc->device, "netconf://%s:%u", host, (unsigned)port);
    /* the fingerprint of the announcement: every capability, in order (a device announcing the
     * same list again has the same schemas: RFC 8525 and 7895 devices put their content-id or
     * module-set-id into the yang-library capability) */
    size_t n;
    const char *const *caps = devconf__ncc_caps(client, &n);
    devconf__sha256 h;
    devconf__sha256_init(&h);
    devconf__sha256_update(&h, "netconf\n", 8);
    for (size_t i = 0; i < n; i++) {
        devconf__sha256_update(&h, caps[i], strlen(caps[i]));
        devconf__sha256_update(&h, "\n", 1);
    }
    devconf__sha256_hex(&h, sc->fingerprint);
    sc->profile = devconf__nc_profile_for(caps, n);
    sc->src.arg = sc;
    sc->src.device = sc->device;
    sc->src.fingerprint = sc->fingerprint;
    sc->src.announce = nc_announce;
    sc->src.fetch = nc_fetch;
    sc->src.deadline_ms = deadline;
}
