/* Private declarations shared by the files of lib/. Never installed. */
#ifndef DEVCONF_P_H
#define DEVCONF_P_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>

#include "devconf.h"

/* ---- util.c ---- */

/* Growable string buffer. On allocation failure it sets failed and drops further appends. */
typedef struct devconf__buf {
    char *data;
    size_t len, cap;
    bool failed;
} devconf__buf;

void devconf__buf_append(devconf__buf *b, const char *s, size_t n);
void devconf__buf_puts(devconf__buf *b, const char *s);
void devconf__buf_printf(devconf__buf *b, const char *fmt, ...) DEVCONF_PRINTF(2, 3);
/* Appends s with &, <, >, " and ' escaped for XML text and attribute values. */
void devconf__buf_xml_escape(devconf__buf *b, const char *s);
/* Returns the string (never NULL on success) and resets b; NULL and sets an OOM error on failure. */
char *devconf__buf_steal(devconf__buf *b);
void devconf__buf_dispose(devconf__buf *b);

char *devconf__strdup(const char *s);              /* NULL in, NULL out; sets OOM on failure */
void devconf__secure_free(char *s);                /* zeroes then frees a secret */
const char *devconf__skip_ws(const char *s);
int devconf__mkdir_p(const char *path, unsigned int mode);
int64_t devconf__now_ms(void);                     /* monotonic clock */
/* Copies a versioned options struct (its first member: unsigned int version) as of the caller's
 * version: sizes[v - 1] is the size of version v. NULL src leaves dst (the defaults) alone. */
int devconf__opts_copy(void *dst, size_t dst_size, const void *src, const size_t *sizes, size_t nversions,
                       const char *name);
/* Fills opts with the defaults as of version (the public _options_init() functions). */
int devconf__opts_init(void *opts, const void *defaults, unsigned int version, const size_t *sizes, size_t nversions,
                       const char *name);

/* A call's cancel callback (from its options). */
typedef struct devconf__cancel {
    devconf_cancel_cb cb;
    void *payload;
} devconf__cancel;

/* Whether the caller asked to stop: then the error is set (DEVCONF_ECANCELED naming what). */
static inline bool devconf__cancelled(const devconf__cancel *c)
{
    return c && c->cb && c->cb(c->payload) != 0;
}
int devconf__error_canceled(const char *what);

/* The per-call part of every operation's options. */
struct devconf__call {
    int timeout_ms;
    devconf_cancel_cb cancel_cb;
    void *cancel_payload;
};

/* ---- sha256.c ---- */

typedef struct devconf__sha256 {
    uint32_t h[8];
    uint64_t len;
    uint8_t buf[64];
    size_t n;
} devconf__sha256;

void devconf__sha256_init(devconf__sha256 *c);
void devconf__sha256_update(devconf__sha256 *c, const void *data, size_t len);
/* Finishes the hash into 64 lowercase hex digits and a NUL. */
void devconf__sha256_hex(devconf__sha256 *c, char out[65]);
void devconf__sha256_text(const void *data, size_t len, char out[65]);

/* ---- json.c: a small reader for schema-less JSON (RESTCONF errors, yang-patch-status) ---- */

typedef enum devconf__json_type {
    DEVCONF_JSON_NULL, DEVCONF_JSON_TRUE, DEVCONF_JSON_FALSE, DEVCONF_JSON_NUMBER, DEVCONF_JSON_STRING,
    DEVCONF_JSON_ARRAY, DEVCONF_JSON_OBJECT
} devconf__json_type;

typedef struct devconf__json {
    devconf__json_type type;
    char *key;                   /* member name inside an object, else NULL */
    char *str;                   /* string value, or the number's text */
    struct devconf__json *child; /* members or elements */
    struct devconf__json *next;
    size_t count;                /* number of children */
    size_t dropped;              /* array elements checked but not kept (devconf__json_parse_limited) */
} devconf__json;

/* Parses text; on failure returns -1 with a reason and offset in err. Nesting deeper than 64
 * levels is refused ("nested too deeply"). */
int devconf__json_parse(const char *text, devconf__json **out, char *err, size_t errlen);
/* The same, keeping at most max_items elements of each array (0: all): the others are parsed and
 * checked, then freed, and counted in the array's dropped; memory stays bounded by max_items. */
int devconf__json_parse_limited(const char *text, size_t max_items, devconf__json **out, char *err, size_t errlen);
void devconf__json_free(devconf__json *j);
/* Member of an object by name; "mod:name" and "name" match each other. */
const devconf__json *devconf__json_get(const devconf__json *obj, const char *key);
/* String (or number text) member, or NULL. */
const char *devconf__json_str(const devconf__json *obj, const char *key);
/* Compact JSON text of a value; NULL with an OOM error set on failure. */
char *devconf__json_print(const devconf__json *j);

/* ---- error.c ---- */

/* rpc-error / RESTCONF error entries kept in one error object; more are counted in its message. */
#define DEVCONF_MAX_RPC_ERRORS 1000

struct devconf_rpc_error {
    char *type, *tag, *severity, *app_tag, *path, *message, *lang, *info_xml;
};

struct devconf_error {
    int code;
    devconf_origin origin;
    int http_status;
    char *message;
    struct devconf_rpc_error *rpc_errors;
    size_t rpc_error_count;
};

void devconf__error_clear(void);
int devconf__error_set(devconf_origin origin, int code, const char *fmt, ...) DEVCONF_PRINTF(3, 4);
int devconf__error_oom(void);
/* Appends an rpc-error entry (fields are copied, NULL allowed); returns 0 or DEVCONF_ENOMEM. */
int devconf__error_add_rpc_error(const struct devconf_rpc_error *entry);
/* Replace the message of the current error, keeping code, origin and rpc-errors. */
void devconf__error_set_message(const char *fmt, ...) DEVCONF_PRINTF(1, 2);
void devconf__error_set_http_status(int status);
struct devconf_error *devconf__error_current(void);
/* Makes saved (from devconf_error_dup()) the thread's error again and frees the shell. */
void devconf__error_restore(devconf_error *saved);

/* ---- log.c ---- */

struct devconf_ctx;
void devconf__log(const struct devconf_ctx *ctx, devconf_log_level level, const char *origin, const char *fmt, ...)
    DEVCONF_PRINTF(4, 5);
/* Sets the ctx that receives libyang/libnetconf2 messages on this thread; returns the previous one. */
const struct devconf_ctx *devconf__log_enter(const struct devconf_ctx *ctx);
void devconf__log_leave(const struct devconf_ctx *prev);
void devconf__log_install_trampolines(void);
/* Delivers a message of another dependency's logger (origin "libnetconf2", ...) like libyang's. */
void devconf__log_dep(const char *origin, devconf_log_level level, const char *msg);

/* ---- global set-up of the transports' libraries (lib/netconf/, lib/restconf/) ---- */

int devconf__netconf_global_init(void);
void devconf__netconf_global_deinit(void);
void devconf__netconf_thread_cleanup(void);
void devconf__netconf_log_level(devconf_log_level max);
int devconf__restconf_global_init(void);
void devconf__restconf_global_deinit(void);
/* Pushes or pops a thread-local buffer that collects libyang/libnetconf2 error text. */
void devconf__log_capture_begin(void);
/* Returns the last captured error line (or NULL), valid until the next capture_begin. */
const char *devconf__log_capture_end(void);
const char *devconf__log_capture_last(void);
/* While set, messages of libyang and libnetconf2 on this thread are demoted to DEBUG: used while
 * libnetconf2 builds a session's schema context, where it reports expected, recovered failures. */
void devconf__log_quiet(bool quiet);

/* ---- ctx.c ---- */

struct devconf_ctx {
    char **search_dirs;
    size_t search_dir_count;
    char *cache_dir;
    devconf_schema_trust schema_trust;
    devconf_log_cb log_cb;
    void *log_payload;
    devconf_log_level log_max;
    int live_sessions; /* atomic */
};

bool devconf__initialized(void);

/* ---- uri.c ---- */

typedef enum devconf__scheme {
    DEVCONF_SCHEME_NETCONF_SSH = 1,
    DEVCONF_SCHEME_NETCONF_TLS,
    DEVCONF_SCHEME_RESTCONF_HTTPS,
    DEVCONF_SCHEME_RESTCONF_HTTP
} devconf__scheme;

typedef struct devconf__uri {
    devconf__scheme scheme;
    char *user;  /* percent-decoded, may be NULL */
    char *host;  /* without brackets */
    uint16_t port;
    char *path;  /* may be NULL; starts with '/' */
} devconf__uri;

/* Parses uri; on failure sets a DEVCONF_EINVAL error naming the problem. */
int devconf__uri_parse(devconf__uri *out, const char *uri);
void devconf__uri_dispose(devconf__uri *u);

/* ---- session.c / transports ---- */

struct devconf__read_req {
    devconf_datastore source; /* 0 for <get> */
    const char *filter;
    devconf_filter_type filter_type;
    devconf_with_defaults with_defaults;
    devconf_format format;
    unsigned int depth;
    const char *fields;
    bool device_text;         /* the <data> content as the device sent it (XML only) */
};

struct devconf__edit_req {
    devconf_datastore target;
    const char *config;
    devconf_edit_operation default_operation;
    devconf_test_option test_option;
    devconf_error_option error_option;
    devconf_format format;
    bool if_match;
};

/* An NMDA <get-data> (RFC 8526), its options checked by ops.c. */
struct devconf__get_data_req {
    devconf_datastore ds;
    const char *filter;
    devconf_filter_type filter_type;
    devconf_config_filter config_filter;
    const char *const *origins;
    size_t origin_count;
    bool negate_origins;
    unsigned int max_depth;   /* 0: unbounded */
    bool with_origin;
    devconf_with_defaults with_defaults;
    devconf_format format;    /* XML or JSON */
};

/* The transport table: every public operation goes through it. A NULL entry means the
 * transport cannot do it; ops.c then fails with DEVCONF_EUNSUPPORTED. */
typedef struct devconf__transport {
    const char *name;
    devconf_protocol protocol;
    int (*open)(devconf_session *s, const devconf__uri *uri, const devconf_session_options *opts);
    void (*close)(devconf_session *s);
    int (*is_connected)(const devconf_session *s);
    int (*read)(devconf_session *s, char **out, const struct devconf__read_req *req);
    int (*edit)(devconf_session *s, const struct devconf__edit_req *req);
    int (*commit)(devconf_session *s, const devconf_commit_options *opts);
    int (*cancel_commit)(devconf_session *s, const char *persist_id);
    int (*discard)(devconf_session *s);
    int (*lock)(devconf_session *s, devconf_datastore ds, bool lock);
    int (*validate)(devconf_session *s, devconf_datastore source, const char *config);
    int (*copy)(devconf_session *s, devconf_datastore target, devconf_datastore source, const char *config);
    int (*delete_config)(devconf_session *s, devconf_datastore target);
    int (*get_schema)(devconf_session *s, char **out, const char *id, const char *version, const char *format);
    int (*kill)(devconf_session *s, uint32_t id);
    int (*rpc)(devconf_session *s, char **out, const char *rpc, devconf_format format);
    struct ly_ctx *(*yang_ctx)(devconf_session *s); /* the session's schema context */
    /* NMDA (RFC 8526): NULL where the transport has none (ops.c: unsupported) */
    int (*get_data)(devconf_session *s, char **out, const struct devconf__get_data_req *req);
    int (*edit_data)(devconf_session *s, const struct devconf__edit_req *req);
    /* whether the device speaks NMDA over this transport; NULL: it implements ietf-netconf-nmda */
    bool (*has_nmda)(const devconf_session *s);
    bool (*quirk)(const devconf_session *s, int quirk); /* a known server quirk (devconf__quirk) */
    /* Notifications (lib/notify.c): NULL where the transport has none (unsupported). subscribe sends
     * the subscription (opts checked and copied by notify.c) and attaches sub to the session, so that
     * the transport delivers what arrives with devconf__sub_deliver(). pump is called by a pull, on any
     * thread, while no devconf__call_enter() state may be touched: it reads the connection once (up
     * to deadline) when no request is in flight (0), or returns 1 at once when another thread's
     * request is reading it (that thread delivers, then calls devconf__sub_wake()); <0 when the
     * session is closed or broken. unsubscribe detaches sub (later notifications are dropped). */
    int (*subscribe)(devconf_session *s, devconf_subscription *sub, const devconf_subscribe_options *opts);
    int (*pump)(devconf_session *s, int64_t deadline);
    void (*unsubscribe)(devconf_session *s, devconf_subscription *sub);
    /* Partial lock (RFC 5717): NULL where the transport has none (RESTCONF). selects checked for
     * NULL and count by ops.c; the transport checks them against the schemas. */
    int (*partial_lock)(devconf_session *s, const char *const *selects, size_t n, uint32_t *lock_id);
    int (*partial_unlock)(devconf_session *s, uint32_t lock_id);
} devconf__transport;

/* Server quirks code above the transports may need to work around (the transports' profile
 * tables say which servers have them). */
typedef enum devconf__quirk {
    /* after <validate> of the candidate, the next <commit> answers <ok/> but applies nothing */
    DEVCONF__QUIRK_VALIDATE_BREAKS_COMMIT = 1,
    /* <get-data> answers with the whole operational datastore whatever it is asked: the datastore,
     * subtree-filter, xpath-filter, config-filter, origin filters and max-depth are ignored, and origin
     * metadata is always sent */
    DEVCONF__QUIRK_NMDA_GET_DATA_IGNORES_INPUT = 2,
    /* <edit-data> changes nothing: <config> is refused (missing-choice), other input answers <ok/> */
    DEVCONF__QUIRK_NMDA_NO_EDIT_DATA = 3
} devconf__quirk;
bool devconf__session_quirk(const devconf_session *s, devconf__quirk q);

extern const devconf__transport devconf__netconf_ssh_transport;
extern const devconf__transport devconf__netconf_tls_transport;
extern const devconf__transport devconf__restconf_transport;

struct devconf_session {
    devconf_ctx *ctx;
    const devconf__transport *tp;
    char *host;
    uint16_t port;
    char **caps;
    size_t cap_count;
    uint32_t session_id;
    int connect_timeout_ms;
    int rpc_timeout_ms;
    int call_timeout_ms;       /* of the call under way (its options, else rpc_timeout_ms) */
    int64_t call_deadline_ms;  /* when it must end (monotonic) */
    devconf__cancel cancel;    /* its cancel callback, or none */
    uint64_t max_reply_bytes; /* a longer reply fails (DEVCONF_EPROTO) */
    bool in_call; /* re-entrancy guard (log callback calling back) */
    bool counted; /* counted in ctx->live_sessions */
    struct devconf__yctx *schemas; /* the shared, immutable schema context (lib/yang/store.c) */
    unsigned get_schema_count;     /* schema requests sent while opening */
    char *etag;              /* of the last read (RESTCONF), or NULL */
    char *last_modified;
    void *tp_data; /* transport state */
    int accepted_fd; /* while opening: a socket the device connected (call home, RFC 8071) that the
                      * transport's open takes instead of connecting (sets it to -1), else -1 */
};

/* The caller's session options (NULL: defaults) checked and copied as of their version, with the
 * defaults filled in: 0, or DEVCONF_EINVAL naming the problem. */
int devconf__session_options_copy(devconf_session_options *out, const devconf_session_options *opts);
/* devconf_session_open() over a socket the device connected (lib/callhome.c): fd (taken, also on
 * failure) is a connected non-blocking TCP socket; uri names the device as if it were dialled (its
 * host key / certificate name, its user) and must be a NETCONF one. */
int devconf__session_open_fd(devconf_session **out, devconf_ctx *ctx, const char *uri,
                             const devconf_session_options *opts, int fd);

/* Entry and exit of every public call on a session (lib/ops.c). */
/* The RFC 6243 name of a with-defaults mode ("report-all", ...); NULL for DEVCONF_WD_DEVICE. */
const char *devconf__wd_name(devconf_with_defaults wd);
int devconf__call_enter(devconf_session *s, const char *fn, const struct devconf_ctx **prev,
                        const struct devconf__call *call);
/* Copies edit options (NULL: defaults) as of their version. */
int devconf__edit_options_copy(devconf_edit_options *dst, const devconf_edit_options *src, const char *fn);
int devconf__call_leave(devconf_session *s, const struct devconf_ctx *prev, int r);

/* Copies the capability list into s (used by transports after hello). */
int devconf__session_set_caps(devconf_session *s, const char *const *caps, size_t count);
/* Fails with DEVCONF_EUNSUPPORTED unless the device has capability name. */
int devconf__require_cap(const devconf_session *s, const char *name, const char *what);

/* ---- notify.c: subscriptions, device-agnostic ---- */

struct devconf_notification {
    char *event_time;
    char *name;               /* "module:name", NULL when the schemas do not describe it */
    char *text;
    uint64_t dropped_before;  /* dropped (queue full) just before this one */
    struct devconf_notification *next;
};

struct devconf_subscription {
    devconf_session *s;       /* NULL once the session is gone */
    devconf_format format;    /* XML or JSON */
    devconf_notification_cb cb;
    void *cb_payload;
    pthread_mutex_t mu;       /* guards what follows; taken after the transport's I/O lock, never before */
    pthread_cond_t cv;        /* a notification queued, the subscription ended, or the connection free */
    devconf_notification *head, *tail;
    size_t len, cap;
    uint64_t received, dropped, rejected, gap;
    bool complete;            /* notificationComplete read: after the queue, the subscription has ended */
    int end_code;             /* <0: the session ended or broke (with end_msg) */
    char *end_msg;
    uint32_t id;              /* RFC 8639: the device's subscription id (0: RFC 5277) */
    bool rfc8639;             /* made with establish-subscription: freeing it sends delete-subscription */
    bool ended;               /* RFC 8639: completed or terminated by the device (nothing to delete) */
    devconf_subscription *next; /* the session's other RFC 8639 subscriptions (the transport's list) */
};

/* Queues n (taken) or drops it when the queue is full; wakes a waiting pull. Any thread. */
void devconf__sub_deliver(devconf_subscription *sub, devconf_notification *n);
/* A notification the transport could not give in the subscription's format (logged by the caller). */
void devconf__sub_reject(devconf_subscription *sub);
/* The device ended the subscription (RFC 5277 notificationComplete). */
void devconf__sub_complete(devconf_subscription *sub);
/* The session ended or broke: pulls fail with code (and msg) once the queue is empty. */
void devconf__sub_end(devconf_subscription *sub, int code, const char *msg);
/* The session is being freed: the subscription outlives it only to fail every pull (DEVCONF_ECONNECT). */
void devconf__sub_detach(devconf_subscription *sub);
/* The connection is free again (a request finished): a waiting pull may read it. */
void devconf__sub_wake(devconf_subscription *sub);
void devconf__notification_free(devconf_notification *n);
struct ly_ctx;
/* A notification message the device sent, parsed against ly and handed to the queue: enc XML is an
 * RFC 5277 <notification> envelope (NETCONF, and RESTCONF's XML encoding), enc JSON RESTCONF's
 * {"ietf-restconf:notification": {...}} (RFC 8040 6.4). The schemas' notifications are given in the
 * subscription's format; others are delivered as sent (XML) or counted as rejected (JSON, or a
 * message that is no notification), with a warning from origin; notificationComplete ends the
 * subscription. msg is not taken. */
void devconf__sub_message(devconf_subscription *sub, struct ly_ctx *ly, const char *msg, devconf_format enc,
                          const char *origin);

/* ---- edit.c ---- */

struct lyd_node;

/* Applies edit (NETCONF edit-config semantics, nc:operation metadata honoured) to *data. */
int devconf__apply_edit(struct lyd_node **data, const struct lyd_node *edit, devconf_edit_operation dflt);
/* Reads a whole datastore (configuration only) as a tree in the session's schema context. */
int devconf__read_tree(devconf_session *s, devconf_datastore ds, struct lyd_node **out);
/* The difference of two configuration trees as a unified diff or an edit. */
int devconf__diff_trees(const struct lyd_node *before, const struct lyd_node *after, const char *label,
                        devconf_diff_format format, char **out);
/* Unified diff (3 lines of context) of two texts; "" when equal. */
int devconf__unified_diff(const char *before, const char *after, const char *label_a, const char *label_b,
                          char **out);

/* ---- yang/bridge.c ---- */

struct ly_ctx;
struct lyd_node;

/* Detects the payload format (AUTO -> XML or JSON); sets DEVCONF_EYANG for empty text. */
int devconf__detect_format(const char *text, devconf_format hint, devconf_format *out);
/* Parses configuration data (XML, optionally wrapped in <config>, or JSON) strictly against ctx,
 * allowing ietf-netconf operation metadata; the caller frees the tree with lyd_free_all(). */
int devconf__config_parse(struct ly_ctx *ctx, const char *text, devconf_format fmt, struct lyd_node **tree_out);
/* Frees the state (config false) nodes of a data tree. */
void devconf__strip_state(struct lyd_node **tree);
/* True for an explicitly empty configuration: <config/>, <config></config> or {}. */
bool devconf__config_is_empty(const char *text);
/* Parses configuration data (edit-config/copy-config/validate content) strictly against ctx,
 * allowing ietf-netconf operation attributes; prints it as XML siblings into *xml_out. */
int devconf__config_to_xml(struct ly_ctx *ctx, const char *text, devconf_format fmt, char **xml_out);
/* Parses and validates an RPC or action (XML or JSON) into a tree the caller frees with lyd_free_all(). */
int devconf__rpc_parse(struct ly_ctx *ctx, const char *text, devconf_format fmt, struct lyd_node **tree_out,
                       devconf_format *detected);
/* Prints a data tree (siblings) in the requested format; empty tree gives "" or "{}". */
int devconf__print_data(const struct lyd_node *tree, devconf_format fmt, bool wd_tagged, char **out);
/* The same; keep_empty prints empty non-presence containers too (a depth-limited read's cut nodes). */
int devconf__print_data_ex(const struct lyd_node *tree, devconf_format fmt, bool wd_tagged, bool keep_empty,
                           char **out);
/* The first RPC or action node in tree (depth first), or NULL. */
struct lyd_node *devconf__find_op(struct lyd_node *tree);
/* Prints the output of an RPC/action reply node: XML children, or RFC 8040 {"module:output": {...}};
 * "" when there is no output. */
int devconf__print_rpc_output(const struct lyd_node *act, devconf_format format, char **out);
/* Unwraps <NAME ...>content</NAME> (any prefix): a pointer into text and the content length, or
 * text itself (length strlen(text)) when the root element is not NAME. */
const char *devconf__unwrap_element(const char *text, const char *wrapper, size_t *len);
/* Name of a data node, schema-backed or opaque. */
const char *devconf__node_name(const struct lyd_node *n);
/* First child named name (schema-backed or opaque), or NULL. */
const struct lyd_node *devconf__child_named(const struct lyd_node *parent, const char *name);
/* Value of the first child named name; NULL when missing or empty. */
const char *devconf__child_value(const struct lyd_node *parent, const char *name);
/* Data a device sent (XML text, taken: freed here) as the caller asked for it: parsed once against
 * the session's schemas and printed in format; with XML, text the schemas do not describe is
 * returned as the device sent it; with JSON it is an error naming what is unknown. */
int devconf__data_from_device(devconf_session *s, char *text, size_t len, devconf_format format, bool config_only,
                              bool wd_tagged, const char *what, char **out);
/* The same, and unless keep_origin, every ietf-origin `origin` metadata is removed from the data first
 * (NMDA get-data without with-origin); with depth_cut (a max-depth read) the empty containers the device
 * cut are kept, as a depth-limited RESTCONF read keeps them. */
int devconf__data_from_device_origin(devconf_session *s, char *text, size_t len, devconf_format format,
                                     bool wd_tagged, bool keep_origin, bool depth_cut, const char *what, char **out);
/* A malloc'ed copy of XML text whose namespace declarations (xmlns:P, in tags only) of exactly
 * `from` declare `to` instead, its length in *out_len; NULL when there is none to change, or out of
 * memory (*oom). Used for with-defaults report-all-tagged: RFC 6243's attribute namespace
 * read as, and printed back from, the ietf-netconf-with-defaults annotation libyang knows. */
char *devconf__xml_map_ns(const char *text, size_t len, const char *from, const char *to, size_t *out_len, bool *oom);
/* Captures libyang's error messages for ctx as a DEVCONF_EYANG error with a prefix. */
int devconf__yang_error(const struct ly_ctx *ctx, int code, const char *what);

#endif /* DEVCONF_P_H */
