/* The profile table: every RESTCONF server quirk devconf knows, as data, one row per server with
 * the server and version it was seen with. Generic code asks a profile's fields, never a name. */
#include "restconf_p.h"

#include <string.h>

static const devconf__rc_profile profiles[] = {
    /* Any RFC 8040 server: the RFC's media types, PATCH merges, PUT creates, POST on the datastore
     * resource creates a top-level node; no server-side staging (devconf keeps a client-side
     * candidate). Seen with the scripted responder of tests/fixtures/restconf/. */
    {
        .name = "rfc8040",
        .root_media = NULL,
        .media_json = DEVCONF_RC_MT_JSON,
        .has_patch = true,
        .datastore_post = true,
        .put_creates = true,
    },
    /* Jetconf 0.3.6 (with yangson 1.6.3): answers its root with the draft media type
     * application/yang.api+json and wants it for bodies; keeps edits in a per-user staging area
     * (/restconf/data) until jetconf:conf-commit, which applies all of them or none; the running
     * view is /restconf_running/data; jetconf:conf-reset answers 500 when nothing is staged, so
     * jetconf:conf-status is asked first; no PATCH and no YANG Patch; PUT cannot create; a POST on
     * the datastore resource resets the connection; honours ?depth without announcing it; ignores
     * ?content=config (harmless: read.c drops state data from every get-config). */
    {
        .name = "jetconf",
        .root_media = "yang.api+json",
        .media_json = DEVCONF_RC_MT_DRAFT_JSON,
        .commit_rpc = "jetconf:conf-commit",
        .discard_rpc = "jetconf:conf-reset",
        .status_rpc = "jetconf:conf-status",
        .status_open_member = "transaction-opened",
        .running_root = "/restconf_running",
        .depth_without_capability = true,
        .atomic_commit = true,
    },
};

const devconf__rc_profile *devconf__rc_profile_default(void)
{
    return &profiles[0];
}

const devconf__rc_profile *devconf__rc_profile_for_root(const char *content_type)
{
    for (size_t i = 0; content_type && i < sizeof profiles / sizeof profiles[0]; i++) {
        if (profiles[i].root_media && strstr(content_type, profiles[i].root_media)) {
            return &profiles[i];
        }
    }
    return &profiles[0];
}
