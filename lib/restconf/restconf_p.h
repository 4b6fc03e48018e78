/* Private declarations of lib/restconf/ (RESTCONF, RFC 8040, through libcurl): the session state,
 * a row of the profile table, and what each file of the folder offers the others. Only the files
 * of lib/restconf/ include it; it is the only header that brings in libcurl. */
#ifndef DEVCONF_RESTCONF_P_H
#define DEVCONF_RESTCONF_P_H

#include "devconf_p.h"

#include <curl/curl.h>

#define DEVCONF_RC_MT_JSON "application/yang-data+json"
#define DEVCONF_RC_MT_XML "application/yang-data+xml"
#define DEVCONF_RC_MT_DRAFT_JSON "application/yang.api+json"

/* ---- profiles.c: every server quirk devconf knows, as data ---- */

typedef struct devconf__rc_profile {
    const char *name;               /* announced as urn:devconf:restconf:profile:NAME */
    const char *root_media;         /* the RESTCONF root answering with this media type selects the
                                     * profile; NULL for the default profile */
    const char *media_json;         /* media type for JSON bodies */
    const char *commit_rpc;         /* RPC that commits staged edits on the server, or NULL */
    const char *discard_rpc;        /* RPC that drops them, or NULL */
    const char *status_rpc;         /* RPC telling whether edits are staged (asked before discard_rpc) */
    const char *status_open_member; /* member of its reply that is false when nothing is staged */
    const char *running_root;       /* resource root of the running view when edits are staged */
    bool has_patch;                 /* plain PATCH merges */
    bool depth_without_capability;  /* honours ?depth although it advertises no capabilities */
    bool datastore_post;            /* POST on the datastore resource creates a top-level node */
    bool put_creates;               /* PUT creates a missing resource (else devconf POSTs it) */
    bool atomic_commit;             /* a commit applies all staged edits or none (a server-side staging area) */
} devconf__rc_profile;

/* The profile of a plain RFC 8040 server. */
const devconf__rc_profile *devconf__rc_profile_default(void);
/* The profile selected by the media type the RESTCONF root answered with. */
const devconf__rc_profile *devconf__rc_profile_for_root(const char *content_type);

/* ---- http.c: requests, response capture ---- */

typedef struct devconf__rc_resp {
    long status;
    devconf__buf body;
    char content_type[128];
    char etag[128];
    char last_modified[64];
    char server[128];
} devconf__rc_resp;

struct devconf__rc_plan;

typedef struct devconf__rc_state {
    CURL *curl;
    char *base;         /* scheme://host:port */
    char *root;         /* "/restconf" */
    const devconf__rc_profile *profile;
    struct ly_ctx *ly;
    char errbuf[CURL_ERROR_SIZE];
    bool http2;
    const char *if_match;            /* If-Match for the writes of the current edit, or NULL */
    struct devconf__rc_plan *staged; /* client-side candidate: edits not sent yet */
} devconf__rc_state;

static inline devconf__rc_state *devconf__rc_st(const devconf_session *s)
{
    return s->tp_data;
}

/* Sets up the session's curl handle (TLS, credentials, redirects off). */
int devconf__rc_http_setup(devconf_session *s, devconf__rc_state *st, bool https, const devconf_session_options *o);
/* Sends one request to path (below the session's base URL); a non-2xx status becomes an error
 * (with the RESTCONF errors it carried). On success the caller disposes of *r. */
int devconf__rc_request(devconf_session *s, const char *method, const char *path, const char *body,
                        const char *content_type, devconf__rc_resp *r, const char *what, const char *if_match);
void devconf__rc_resp_dispose(devconf__rc_resp *r);
bool devconf__rc_is_json(const char *content_type);

/* ---- errors.c: ietf-restconf:errors and yang-patch-status bodies ---- */

/* Adds the errors of an error body (JSON or XML errors, or a yang-patch-status) to the current
 * error object; returns how many. */
int devconf__rc_collect_errors(devconf_session *s, const devconf__rc_resp *r);

/* ---- paths.c: resource paths ---- */

/* Appends v percent-encoded (RFC 3986 unreserved characters stay). */
void devconf__rc_pct_encode(devconf__buf *b, const char *v);
/* The RESTCONF resource path (list keys in schema order, percent-encoded) of a data path,
 * checking every node against the schemas. */
int devconf__rc_resource_path(struct ly_ctx *ly, const char *xpath, char **out);
/* The data path of the parent of xpath's target, or NULL when the target is top-level. */
char *devconf__rc_parent_xpath(const char *xpath);
/* Resource path of a data node. */
int devconf__rc_node_resource(devconf_session *s, const struct lyd_node *node, char **out);

/* ---- discovery.c: the RESTCONF root and what the server announces ---- */

/* Finds the root (given in the URI, or from /.well-known/host-meta), selects the profile, and
 * appends the server's capabilities (NUL-separated) to caps. */
int devconf__rc_discover(devconf_session *s, const devconf__uri *uri, devconf__buf *caps);

/* ---- schemas.c ---- */

/* Builds the session's YANG context from the device's ietf-yang-library module list; appends a
 * capability per module to caps. */
int devconf__rc_load_schemas(devconf_session *s, devconf__buf *caps);

/* ---- read.c ---- */

/* Path prefix of the data resource of a datastore view. */
int devconf__rc_data_root(devconf_session *s, devconf_datastore ds, char *buf, size_t n, const char *what);
/* Parses a data resource body into a tree rooted at the top level. */
int devconf__rc_parse_resource(devconf_session *s, const devconf__rc_resp *r, const char *filter, bool partial,
                               struct lyd_node **out);
int devconf__rc_read(devconf_session *s, char **out, const struct devconf__read_req *req);

/* ---- edit.c and patch.c: edit plans, YANG Patch ---- */

/* An edit turned into resource operations: merges and replaces of top-level subtrees, then the
 * deletions the payload asked for with nc:operation. The plan owns the parsed tree. */
typedef enum devconf__rc_act_op {
    DEVCONF_RC_MERGE, DEVCONF_RC_REPLACE, DEVCONF_RC_DELETE, DEVCONF_RC_REMOVE
} devconf__rc_act_op;

typedef struct devconf__rc_action {
    devconf__rc_act_op op;
    char *target;           /* resource path below the datastore, "/module:node=key/..." */
    struct lyd_node *node;  /* merge/replace: the subtree to write (in plan->tree) */
} devconf__rc_action;

typedef struct devconf__rc_plan {
    struct lyd_node *tree;
    devconf__rc_action *acts;
    size_t n;
    struct devconf__rc_plan *next; /* staged plans of the client-side candidate */
} devconf__rc_plan;

void devconf__rc_plan_free(devconf__rc_plan *p);
/* Sends plans to the server: one YANG Patch where the server has it, else in order. */
int devconf__rc_send_plans(devconf_session *s, const char *root, const devconf__rc_plan *plans, const char *what);
/* Sends plans as one YANG Patch (RFC 8072): atomic on the server. */
int devconf__rc_send_yang_patch(devconf_session *s, const char *root, const devconf__rc_plan *plans,
                                const char *what);
/* Compact JSON of a data node (as a value of a request body); NULL with OOM set. */
char *devconf__rc_node_json(const struct lyd_node *node);
int devconf__rc_edit(devconf_session *s, const struct devconf__edit_req *req);

/* ---- ops.c: commit, discard, rpc, get-schema ---- */

int devconf__rc_post_operation(devconf_session *s, const char *name, devconf__rc_resp *resp, const char *what);
int devconf__rc_commit(devconf_session *s, const devconf_commit_options *o);
int devconf__rc_discard(devconf_session *s);
int devconf__rc_get_schema(devconf_session *s, char **out, const char *id, const char *version, const char *format);
int devconf__rc_rpc(devconf_session *s, char **out, const char *text, devconf_format format);

#endif /* DEVCONF_RESTCONF_P_H */
