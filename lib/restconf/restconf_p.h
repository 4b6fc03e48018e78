/* Private declarations of lib/restconf/ (RESTCONF, RFC 8040, through libcurl): the session state,
 * a row of the profile table, and what each file of the folder offers the others. Only the files
 * of lib/restconf/ include it; it is the only header that brings in libcurl. */
#ifndef DEVCONF_RESTCONF_P_H
#define DEVCONF_RESTCONF_P_H

#include "devconf_p.h"

#include <pthread.h>

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
    char *content_type, *etag, *last_modified; /* NULL when the server sent none */
    uint64_t limit;        /* max_reply_bytes of the session */
    uint64_t header_bytes;
    const char *too_big;   /* what passed the limit ("body", "headers", "announced body"), or NULL */
    uint64_t seen;         /* bytes received (or announced) when it did */
} devconf__rc_resp;

struct devconf__rc_plan;

typedef struct devconf__rc_state {
    CURL *curl;
    const char *scheme; /* "https" or "http": the only one curl may use */
    char *url_host;     /* the host as in a URL ("[::1]") */
    unsigned port;
    char *base;         /* scheme://host:port, for messages and the log */
    char *root;         /* "/restconf" */
    const devconf__rc_profile *profile;
    struct ly_ctx *ly;   /* the session's shared schema context (s->schemas owns it) */
    char *yang_library_version; /* of the API root (RFC 8040 3.3.3), or NULL */
    bool nmda;                  /* the RFC 8527 datastore resources: an RFC 8525 library at 2019-01-04 or later */
    char errbuf[CURL_ERROR_SIZE];
    bool http2;
    bool xml_bodies;                 /* the server takes XML request bodies only (bodies.c) */
    const char *if_match;            /* If-Match for the writes of the current edit, or NULL */
    struct devconf__rc_plan *staged; /* client-side candidate: edits not sent yet */
    int64_t deadline_ms;             /* end of the current operation (monotonic clock) */
    int op_timeout_ms;               /* its timeout, and what that timeout is, for messages */
    const char *op_timeout_label;
    /* the client-side confirmed commit (confirm.c) */
    pthread_mutex_t lock;            /* held by every operation: the revert timer uses the session too */
    pthread_cond_t wake;             /* wakes the timer (monotonic clock) */
    pthread_t timer;
    bool timer_started, timer_stop, in_timer;
    bool pending;                    /* a confirmed commit waits for its confirmation */
    struct lyd_node *snapshot;       /* running before it (NULL: an empty configuration) */
    int64_t revert_at_ms;            /* when the timer reverts it (monotonic clock) */
    uint32_t confirm_timeout_s;
    bool timer_reverted;             /* the timer reverted it, and no commit or cancel-commit has said so yet */
    /* the event stream of the session's subscription (notify.c), or NULL */
    devconf_subscription *sub;
    struct devconf__rc_stream *stream;
} devconf__rc_state;

static inline devconf__rc_state *devconf__rc_st(const devconf_session *s)
{
    return s->tp_data;
}

/* ---- notify.c: the event stream's parsers, exposed for tests/fuzz/ ---- */

/* A Server-Sent Events reader (W3C EventSource, text/event-stream): lines end with CR, LF or CRLF
 * (also across feeds), a leading byte order mark is skipped (also when split across feeds), ':' lines are comments, the "data"
 * fields of an event are joined by \n and a blank line dispatches them to on_event (NUL-terminated
 * text of len bytes, not taken). Other fields are ignored. A line plus the event's data so far is
 * bounded by limit. */
typedef struct devconf__sse {
    uint64_t limit;
    void (*on_event)(void *arg, char *data, size_t len);
    void *arg;
    devconf__buf line, data;
    bool cr;               /* the last byte was a CR: an LF right after it ends no second line */
    bool started;          /* past the optional byte order mark */
    unsigned char bom;     /* bytes of it read so far */
    const char *too_long;  /* why a feed stopped: "an event" (past limit) or "memory" */
} devconf__sse;
/* Reads len bytes (a curl write): len, or 0 when it stopped (too_long says why; the stream is
 * closed). */
size_t devconf__sse_feed(devconf__sse *p, const char *data, size_t len);
void devconf__sse_dispose(devconf__sse *p);

/* What ietf-restconf-monitoring's streams list (RFC 8040 9.2) says of stream name: whether it is
 * listed, whether it keeps a replay log, the location of the want encoding ("xml", "json"), as the
 * server gave it, and the encodings offered (for a message). body is the JSON or XML reply. */
typedef struct devconf__rc_stream_info {
    bool found;
    bool replay;
    char *location;  /* for the wanted encoding, as the server gave it */
    char *encodings; /* the encodings offered, for a message */
} devconf__rc_stream_info;
void devconf__rc_streams_parse(const char *body, const char *name, const char *want, devconf__rc_stream_info *si);

/* Sets up the session's curl handle: the URI's scheme (the only protocol allowed), host and port,
 * TLS, credentials, redirects off. */
int devconf__rc_http_setup(devconf_session *s, devconf__rc_state *st, const devconf__uri *uri,
                           const devconf_session_options *o);
/* Starts an operation: every request it makes ends by now + timeout_ms (label names that timeout
 * in a timeout error). */
void devconf__rc_begin(devconf_session *s, int timeout_ms, const char *label);
/* Starts an operation bounded by the call's timeout (devconf__call_enter set it). */
void devconf__rc_begin_call(devconf_session *s);
/* Sends one request to path ("/..." with an optional "?query", built by devconf) on the session's
 * scheme, host and port; the reply is bounded by max_reply_bytes. A non-2xx status becomes an
 * error (with the RESTCONF errors it carried). On success the caller disposes of *r. */
int devconf__rc_request(devconf_session *s, const char *method, const char *path, const char *body,
                        const char *content_type, devconf__rc_resp *r, const char *what, const char *if_match);
void devconf__rc_resp_dispose(devconf__rc_resp *r);
bool devconf__rc_is_json(const char *content_type);
/* NULL when p is a path devconf may request ("/a/b", printable ASCII, %XX escapes, no "." or
 * ".." segment, no fragment; a query only with query_ok), else what is wrong with it. */
const char *devconf__rc_path_problem(const char *p, bool query_ok);
/* The URL of path (built by devconf, checked) on the session's server, parsed by curl's URL API and
 * checked part by part (scheme, host, port, no user information, no fragment); the caller frees it. */
int devconf__rc_session_url(devconf_session *s, const char *path, const char *what, CURLU **out);
/* The path (and query) of ref, a reference the server gave (host-meta href, schema URL), when it
 * names a resource on the session's own server: a path, or an absolute URL with the session's
 * scheme, host and port and no user information. Else DEVCONF_EPROTO naming what and ref. */
int devconf__rc_same_origin(devconf_session *s, const char *ref, const char *what, bool query_ok, char **path_out);

/* ---- bodies.c: request bodies in the encoding the server takes ---- */

/* Builds a request body from arg, in XML or JSON; *content_type is static text. */
typedef int (*devconf__rc_body_fn)(devconf_session *s, const void *arg, bool xml, char **body,
                                   const char **content_type);
/* Sends a request whose body fn builds, in the encoding the server takes: JSON, or XML once the
 * server showed it takes only XML (its root answered in XML, or a 415 on a JSON body, after which
 * the same request goes again in XML). Otherwise as devconf__rc_request(). */
int devconf__rc_request_body(devconf_session *s, const char *method, const char *path, devconf__rc_body_fn fn,
                             const void *arg, devconf__rc_resp *resp, const char *what, const char *if_match);
/* Data as a body (a devconf__rc_body_fn): the node nodes[0] as its own resource, or (datastore)
 * nodes[0..n) as the content of the datastore resource, wrapped in its "data" node (RFC 8040
 * 4.6.1: {"ietf-restconf:data": {...}} or <data xmlns="...:ietf-restconf">). */
typedef struct devconf__rc_data {
    struct lyd_node *const *nodes;
    size_t n;
    bool datastore;
} devconf__rc_data;
int devconf__rc_data_body(devconf_session *s, const void *arg, bool xml, char **body, const char **content_type);
/* Compact XML or JSON of a data node (a value in a request body); NULL with OOM set. */
char *devconf__rc_node_text(const struct lyd_node *node, bool xml);

/* ---- errors.c: ietf-restconf:errors and yang-patch-status bodies ---- */

/* At most this many rpc-error entries are kept from one reply; the message counts the others. */
#define DEVCONF_RC_MAX_RPC_ERRORS 1000

/* Sets the error of a non-2xx reply: its code (DEVCONF_EAUTH for 401/403, else DEVCONF_ERPC), the
 * HTTP status, the rpc-error entries of its body and a one-line message; returns the code. */
int devconf__rc_status_error(devconf_session *s, const devconf__rc_resp *r, const char *what);
/* Appends text a device sent, for a one-line message: control characters (C0, DEL, C1) and bytes
 * that are not UTF-8 escaped, cut after max bytes. */
void devconf__rc_buf_clean(devconf__buf *b, const char *text, size_t max);
/* Offset of the first byte of s[0..len) that is not UTF-8, or len when all of it is. */
size_t devconf__rc_utf8_check(const char *s, size_t len);

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

/* ---- subtree.c: subtree filters as a resource path and fields ---- */

/* Translates a subtree filter (RFC 6241 6, XML text) into what RESTCONF can say: *xpath, the data
 * path of the target resource (NULL: the datastore), and *fields, the fields expression below it
 * (NULL: everything). 1 when the filter has no elements (it selects nothing); DEVCONF_EYANG for
 * an element the schemas do not have; DEVCONF_EUNSUPPORTED, with what to write instead, for what
 * RESTCONF cannot express. */
int devconf__rc_subtree_translate(devconf_session *s, const char *filter, char **xpath, char **fields);

/* ---- discovery.c: the RESTCONF root and what the server announces ---- */

/* Finds the root (given in the URI, or from /.well-known/host-meta), selects the profile, and
 * appends the server's capabilities (NUL-separated) to caps. */
int devconf__rc_discover(devconf_session *s, const devconf__uri *uri, devconf__buf *caps);

/* ---- schemas.c ---- */

/* The session's schemas (s->schemas) from the device's YANG library through the shared schema
 * layer, by deadline; appends a capability per implemented module to caps. */
int devconf__rc_load_schemas(devconf_session *s, devconf__buf *caps, int64_t deadline);

/* ---- read.c ---- */

/* Path of the data resource of a datastore view ("/restconf/data"), allocated. */
int devconf__rc_data_root(devconf_session *s, devconf_datastore ds, char **out, const char *what);
/* Parses a data resource body (UTF-8, sanely nested, strictly against the schemas) into a tree
 * rooted at the top level. DEVCONF_EYANG when it holds nodes the schemas do not define; raw (may
 * be NULL) then points at the data as the device sent it (inside r, unwrapped). */
int devconf__rc_parse_resource(devconf_session *s, const devconf__rc_resp *r, const char *filter, bool partial,
                               struct lyd_node **out, const char **raw, size_t *raw_len);
int devconf__rc_read(devconf_session *s, char **out, const struct devconf__read_req *req);
/* Path of an NMDA datastore resource (RFC 8527: ".../ds/ietf-datastores:running"), allocated;
 * DEVCONF_EUNSUPPORTED when the server does not implement them (what names the operation). */
int devconf__rc_ds_root(devconf_session *s, devconf_datastore ds, char **out, const char *what);
/* RFC 8526 get-data as a GET of the datastore resource (RFC 8527). */
int devconf__rc_get_data(devconf_session *s, char **out, const struct devconf__get_data_req *req);

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
/* The plan that turns configuration from into to (both configuration trees, either may be NULL):
 * deletions of what to lacks, merges of what it adds or changes. */
int devconf__rc_plan_diff(devconf_session *s, const struct lyd_node *from, const struct lyd_node *to,
                          devconf__rc_plan **out);
/* Sends plans to the server: one YANG Patch where the server has it, else in order. */
int devconf__rc_send_plans(devconf_session *s, const char *root, const devconf__rc_plan *plans, const char *what);
/* Sends plans as one YANG Patch (RFC 8072): atomic on the server. */
int devconf__rc_send_yang_patch(devconf_session *s, const char *root, const devconf__rc_plan *plans,
                                const char *what);
int devconf__rc_edit(devconf_session *s, const struct devconf__edit_req *req);
/* RFC 8526 edit-data as plain PATCHes (or one YANG Patch) on the datastore resource (RFC 8527). */
int devconf__rc_edit_data(devconf_session *s, const struct devconf__edit_req *req);

/* ---- confirm.c: confirmed commit kept by the client ---- */

/* The confirmed-commit part of a commit on a server without a staging area: sends the staged
 * edits (a snapshot of running taken first), then starts or confirms the revert timer. */
int devconf__rc_commit_staged(devconf_session *s, const devconf_commit_options *o);
int devconf__rc_cancel_commit(devconf_session *s, const char *persist_id);
/* Set-up and tear-down of the lock, the condition and the timer (close reverts what is pending). */
int devconf__rc_confirm_init(devconf__rc_state *st);
void devconf__rc_confirm_close(devconf_session *s);

/* ---- ops.c: commit, discard, rpc, get-schema ---- */

int devconf__rc_post_operation(devconf_session *s, const char *name, devconf__rc_resp *resp, const char *what);
int devconf__rc_commit(devconf_session *s, const devconf_commit_options *o);
int devconf__rc_discard(devconf_session *s);
int devconf__rc_get_schema(devconf_session *s, char **out, const char *id, const char *version, const char *format);
int devconf__rc_rpc(devconf_session *s, char **out, const char *text, devconf_format format);

/* A copy (malloc'ed, length in *out_len) of a JSON object without its top-level metadata members
 * ("@name": RFC 7952 annotations of the target's own nodes), *dropped of them; NULL when there is
 * none (or out of memory: *oom). Used before libyang parses a resource below the datastore, which
 * libyang 2.1.30 cannot do with such members (it crashes); other members are kept byte for byte.
 * NULL with *dropped SIZE_MAX: a top-level "@" member whose value is malformed (refuse the text:
 * libyang crashes on it before it notices). */
char *devconf__rc_json_drop_top_metadata(const char *text, size_t len, size_t *out_len, size_t *dropped, bool *oom);

/* ---- notify.c: event streams (RFC 8040 section 6) over Server-Sent Events ---- */

/* The transport's entries (devconf__transport subscribe, pump, unsubscribe). The stream has a curl
 * handle and connection of its own, read only by pump: the session's requests go on meanwhile. */
int devconf__rc_subscribe(devconf_session *s, devconf_subscription *sub, const devconf_subscribe_options *o);
int devconf__rc_pump(devconf_session *s, int64_t deadline);
void devconf__rc_unsubscribe(devconf_session *s, devconf_subscription *sub);
/* The session closes: the stream is closed and the subscription detached (later pulls fail). */
void devconf__rc_notify_close(devconf_session *s);

#endif /* DEVCONF_RESTCONF_P_H */
