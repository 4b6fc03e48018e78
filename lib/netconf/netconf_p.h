/* Private declarations of lib/netconf/: devconf's own NETCONF client.
 *
 * Why not libnetconf2: 2.0.24 (Debian 12) crashes on a hostile chunk header (#-1, #0), waits up
 * to 300 s per read whatever the caller's timeout, keeps no bound on a reply's size, keeps client
 * settings per thread, changes a shared schema context while it connects (so connects to devices of
 * one model had to serialize), cannot use a device that lists its modules only in an RFC 8525 YANG
 * library, sends schema requests on every connect, and never hands out a reply's bytes. Here:
 *  - net.c       name resolution and TCP connect, bounded by the deadline.
 *  - ssh.c       SSH with libssh: connect, host key, authentication, the netconf subsystem; every
 *                wait non-blocking and bounded by one deadline.
 *  - tls.c       TLS with OpenSSL (RFC 7589): certificate checks both ways, non-blocking like ssh.c.
 *  - framing.c   RFC 6242 framing (end-of-message and chunked), a byte-fed state machine with a size
 *                bound; no I/O (fuzzed on its own).
 *  - envelope.c  the envelope of a message (rpc-reply, notification, hello): message-id, what the
 *                reply holds, and the <data> content as self-contained text; no I/O (fuzzed).
 *  - client.c    a NETCONF session over a byte stream: hello, requests, replies, close.
 *  - schemas.c   what the device announces and its module texts, for lib/yang/.
 *  - profiles.c  server quirks, as data.
 *  - transport.c the devconf operations mapped to NETCONF (read.c: the reads). */
#ifndef DEVCONF_NETCONF_P_H
#define DEVCONF_NETCONF_P_H

#include "devconf_p.h"
#include "yang/yang_p.h"

#define DEVCONF_NC_BASE_NS "urn:ietf:params:xml:ns:netconf:base:1.0"
#define DEVCONF_NC_CAP "urn:ietf:params:netconf:capability:"
/* Deepest element nesting accepted in a message from a device. */
#define DEVCONF_NC_MAX_DEPTH 1000

/* ---- framing.c ---- */

typedef struct devconf__framer {
    bool chunked;       /* RFC 6242 chunked framing (base:1.1), else end-of-message (base:1.0) */
    uint64_t max;       /* largest message kept; bytes past it are counted and dropped */
    char *msg;          /* the message being assembled (NUL-terminated) */
    size_t len, cap;
    uint64_t total;     /* bytes of the current message, kept or dropped */
    bool too_big;
    int state;          /* chunked: where in the framing we are */
    uint64_t chunk_left;
    unsigned digits;
    unsigned chunks;    /* chunks of the current message */
} devconf__framer;

void devconf__framer_init(devconf__framer *f, uint64_t max);
void devconf__framer_dispose(devconf__framer *f);
/* Consumes bytes of data: returns how many (at most n; fewer when a message ends inside data) and
 * sets *done when a message is complete; -1 with a DEVCONF_EPROTO error naming the fault on a
 * framing error (the stream cannot be resynchronised). */
long devconf__framer_feed(devconf__framer *f, const char *data, size_t n, bool *done);
/* After *done: the message (malloc'ed, NUL-terminated; the caller frees it) and its length; NULL
 * when it exceeded f->max (then *len is its full size). The framer is ready for the next one. */
char *devconf__framer_take(devconf__framer *f, size_t *len);
/* True when part of a message was fed and its end was not: *bytes of it so far. */
bool devconf__framer_partial(const devconf__framer *f, uint64_t *bytes);
/* Appends the framing of one message to b (chunked: one chunk, or none for an empty message). */
void devconf__framer_frame(devconf__buf *b, bool chunked, const char *msg, size_t len);

/* ---- envelope.c ---- */

typedef enum devconf__nc_kind {
    DEVCONF_NC_MSG_OTHER = 0,
    DEVCONF_NC_MSG_HELLO,
    DEVCONF_NC_MSG_REPLY,
    DEVCONF_NC_MSG_NOTIFICATION
} devconf__nc_kind;

/* A namespace declaration as written in a start tag: xmlns="..." (prefix_len 0) or xmlns:P="...". */
typedef struct devconf__nc_nsdecl {
    const char *attr;   /* from "xmlns" to the closing quote */
    size_t attr_len;
    const char *prefix;
    size_t prefix_len;
} devconf__nc_nsdecl;

typedef struct devconf__nc_env {
    devconf__nc_kind kind;
    bool has_msgid;
    char msgid[32];           /* the root's message-id (digits only are kept; others: has_msgid false) */
    bool msgid_invalid;       /* a message-id that is not one devconf could have sent */
    bool has_ok, has_error, has_data, has_other;
    size_t data_start, data_end;   /* the content of the reply's <data> element, [start, end) */
    devconf__nc_nsdecl *ns;        /* declarations in scope at that content (root's, then data's) */
    size_t ns_count, ns_cap;
} devconf__nc_env;

/* Scans msg (NUL-terminated, len bytes): its root element and the root's children, checking the
 * whole message for well-formed UTF-8 without NUL, balanced tags, nesting at most
 * DEVCONF_NC_MAX_DEPTH and no DTD. 0, or DEVCONF_EPROTO with a message naming what is wrong and
 * where. */
int devconf__nc_env_scan(const char *msg, size_t len, devconf__nc_env *out);
void devconf__nc_env_dispose(devconf__nc_env *env);
/* The <data> content as a self-contained XML text: every top-level element gets the namespace
 * declarations it inherited from the envelope. malloc'ed, NUL-terminated, length in *len; NULL with
 * the error set (DEVCONF_ENOMEM, or DEVCONF_EPROTO when the text would be longer than max bytes:
 * the declarations are repeated on each top-level element). */
char *devconf__nc_env_data(const char *msg, const devconf__nc_env *env, uint64_t max, size_t *len);

/* ---- net.c: name resolution and TCP connect ---- */

/* Resolves host (on a helper thread, waited for at most until deadline) and connects a non-blocking
 * TCP socket (TCP_NODELAY, close-on-exec) to the first of its addresses that answers: the socket, or
 * a negative code with the error set (DEVCONF_ETIMEOUT past the deadline, DEVCONF_ECONNECT, or
 * DEVCONF_ECANCELED); connect errors carry origin. */
int devconf__nc_tcp_connect(const char *host, uint16_t port, devconf_origin origin, int64_t deadline,
                            const devconf__cancel *cancel);

/* ---- the byte stream under a NETCONF session (ssh.c, tls.c) ---- */

typedef struct devconf__nc_stream devconf__nc_stream;
typedef struct devconf__nc_stream_ops {
    /* Reads at most n bytes: >0, 0 when nothing came before the deadline, <0 with the error set
     * (DEVCONF_ECONNECT for a closed or broken connection). */
    long (*read)(devconf__nc_stream *st, char *buf, size_t n, int64_t deadline, const devconf__cancel *cancel);
    /* Writes all of buf: 0, or <0 with the error set (DEVCONF_ETIMEOUT past the deadline). */
    int (*write)(devconf__nc_stream *st, const char *buf, size_t n, int64_t deadline, const devconf__cancel *cancel);
    bool (*alive)(const devconf__nc_stream *st);
    void (*free)(devconf__nc_stream *st);
} devconf__nc_stream_ops;

struct devconf__nc_stream {
    const devconf__nc_stream_ops *ops;
};

/* Connects, verifies the host key and authenticates, all before deadline: an authenticated
 * non-blocking libssh session. */
struct ssh_session_struct;
int devconf__ssh_connect(struct ssh_session_struct **out, const devconf_ctx *ctx, const char *host, uint16_t port,
                         const char *user, const devconf_session_options *opts, int64_t deadline,
                         const devconf__cancel *cancel);
/* The same over a connected socket: fd >= 0 is a connected non-blocking TCP socket (taken, closed
 * on failure too; call home, RFC 8071), -1 connects to host:port first. host and port name the
 * device either way: the known_hosts entry its key is checked against, and messages. */
int devconf__ssh_start(struct ssh_session_struct **out, const devconf_ctx *ctx, int fd, const char *host,
                       uint16_t port, const char *user, const devconf_session_options *opts, int64_t deadline,
                       const devconf__cancel *cancel);
/* Disconnects and frees a session of devconf__ssh_connect(), closing its socket; NULL is a no-op. */
void devconf__ssh_close(struct ssh_session_struct *s);
/* Connects over SSH (host key checked, authenticated), opens the netconf subsystem: a stream. fd as
 * for devconf__ssh_start(): -1 to connect to host:port, else a socket the device connected (taken). */
int devconf__nc_ssh_open(devconf__nc_stream **out, const devconf_ctx *ctx, int fd, const char *host, uint16_t port,
                         const char *user, const devconf_session_options *opts, int64_t deadline,
                         const devconf__cancel *cancel);

/* Connects over TLS (RFC 7589: the server's certificate and name checked, the client's certificate
 * presented; tls.c), all before deadline: a stream. A missing client_cert is DEVCONF_EINVAL before
 * anything is sent. fd: -1 to connect to host:port, else a connected non-blocking socket the device
 * opened (call home, RFC 8071; taken, closed on failure too), over which devconf is still the TLS
 * client and host is still the name the certificate must carry. */
int devconf__nc_tls_open(devconf__nc_stream **out, const devconf_ctx *ctx, int fd, const char *host, uint16_t port,
                         const devconf_session_options *opts, int64_t deadline, const devconf__cancel *cancel);

/* ---- client.c ---- */

typedef struct devconf__ncc devconf__ncc;

/* Exchanges hellos on a stream (taken, even on failure). */
int devconf__ncc_open(devconf__ncc **out, const devconf_ctx *ctx, devconf__nc_stream *stream, const char *host,
                      uint64_t max_bytes, int64_t deadline, const devconf__cancel *cancel);
/* Sends <close-session/> (waiting at most until deadline for its reply), closes, frees. */
void devconf__ncc_close(devconf__ncc *c, int64_t deadline);
const char *const *devconf__ncc_caps(const devconf__ncc *c, size_t *count);
uint32_t devconf__ncc_session_id(const devconf__ncc *c);
bool devconf__ncc_alive(const devconf__ncc *c);
/* The largest message the session accepts (max_reply_bytes). */
uint64_t devconf__ncc_max_bytes(const devconf__ncc *c);
/* Sends <rpc message-id=N>body</rpc> and returns the matching reply: *reply (malloc'ed) and its
 * scanned envelope (dispose it). Notifications that arrive meanwhile are delivered to the
 * session's queue; replies to requests that timed out earlier are skipped. */
int devconf__ncc_call(devconf__ncc *c, const char *body, const char *what, int64_t deadline,
                      const devconf__cancel *cancel, char **reply, size_t *len, devconf__nc_env *env);
/* Receives each notification message read on the session (msg malloc'ed, taken), on the thread
 * that read it, with the session's I/O lock held; msg NULL: the I/O lock was just released. */
typedef void (*devconf__ncc_sink)(void *payload, char *msg, size_t len);
/* Sets where notifications go (NULL: dropped); waits for a read in progress on another thread. */
void devconf__ncc_set_sink(devconf__ncc *c, devconf__ncc_sink sink, void *payload);
/* A pull's read, from any thread: when no request holds the connection, reads one message before
 * deadline (a notification goes to the sink; the late reply of a timed-out request is skipped) and
 * returns 0 (also when nothing came, or a request asked for the connection meanwhile); 1 at once when
 * a request holds it; <0 when the session is closed or broken (DEVCONF_ECONNECT, DEVCONF_EPROTO). */
int devconf__ncc_pump(devconf__ncc *c, int64_t deadline);
/* A rpc-reply that is <ok/> or holds rpc-errors: 0, or DEVCONF_ERPC with every rpc-error in the
 * thread's error (warnings are logged to ctx). A reply of another kind is DEVCONF_EPROTO. */
int devconf__ncc_reply_status(const devconf_ctx *ctx, const char *host, const char *what, const char *reply,
                              size_t len, const devconf__nc_env *env, bool data_expected);

/* The text content of a reply's <data> element (get-schema), unescaped; malloc'ed. */
int devconf__nc_reply_text(const char *reply, char **out);

/* ---- profiles.c: server quirks as data ---- */

typedef struct devconf__nc_profile {
    const char *name;                  /* the server (and version) the quirks were seen with */
    const char *match_cap_prefix;      /* a capability only that server announces */
    const char *const *no_get_schema;  /* modules never asked for with get-schema (NULL-terminated) */
    unsigned quirks;                   /* 1 << devconf__quirk */
} devconf__nc_profile;

/* The profile of a device by its hello capabilities; a generic one (no quirks) when none matches. */
const devconf__nc_profile *devconf__nc_profile_for(const char *const *caps, size_t n);
bool devconf__nc_profile_no_get_schema(const devconf__nc_profile *p, const char *module);

/* ---- schemas.c ---- */

/* The fingerprint of what a device announces in its hello, and the schema source for lib/yang. */
typedef struct devconf__nc_schemas {
    const devconf_ctx *ctx;
    devconf__ncc *client;
    const char *host;
    char device[300];
    char fingerprint[65];
    bool monitoring;                  /* get-schema available */
    const devconf__nc_profile *profile;
    const devconf__modset *announced; /* after announce() */
    unsigned get_schema_count;        /* requests sent */
    const devconf__cancel *cancel;
    devconf__schema_src src;
} devconf__nc_schemas;

void devconf__nc_schemas_init(devconf__nc_schemas *sc, const devconf_ctx *ctx, devconf__ncc *client, const char *host,
                              uint16_t port, int64_t deadline);

/* ---- transport.c / read.c: the operations ---- */

struct devconf__nc_state {
    devconf__ncc *client;
    const devconf__nc_profile *profile;
    char *checked_filter;             /* the last filter check_filter() accepted, and its type: */
    devconf_filter_type checked_type; /* the same filter again is not parsed again */
    devconf_subscription *sub;        /* the session's subscription (RFC 5277: one), or NULL */
    devconf_subscription *subs8639;   /* RFC 8639 subscriptions (several), under notify.c's list lock */
};

/* ---- notify.c: RFC 5277 subscriptions ---- */

int devconf__nc_subscribe(devconf_session *s, devconf_subscription *sub, const devconf_subscribe_options *opts);
int devconf__nc_pump(devconf_session *s, int64_t deadline);
void devconf__nc_unsubscribe(devconf_session *s, devconf_subscription *sub);
/* The session is closing: every RFC 8639 subscription is detached (later pulls: DEVCONF_ECONNECT). */
void devconf__nc_subs_detach(devconf_session *s);
/* The RFC 5277 stream list of a <get> reply's data (/netconf/streams/stream): 1 when stream's
 * replaySupport is true, else 0. Exposed for tests/fuzz/. */
int devconf__nc_stream_replays_parse(const char *text, const char *stream);
/* A notification message as RFC 8639 routing reads it, schema-less: the tree to free (NULL when it
 * is no XML), *id the subscription an ietf-subscribed-notifications state notification names (-1:
 * an event, or no valid unsigned 32-bit id), *name that notification's name ("" when none),
 * *reason its <reason> (NULL when none); name and reason point into the tree. Exposed for
 * tests/fuzz/. */
struct lyd_node;
struct lyd_node *devconf__nc_sn_read(const char *msg, int64_t *id, const char **name, const char **reason);

static inline devconf__ncc *devconf__nc_client(const devconf_session *s)
{
    const struct devconf__nc_state *st = s->tp_data;
    return st ? st->client : NULL;
}

static inline struct ly_ctx *devconf__nc_ly(const devconf_session *s)
{
    return devconf__yctx_ly(s->schemas);
}

/* The end of the call under way (its own timeout, else the session's RPC timeout). */
/* The timeout the next request's deadline comes from, for its messages ("no reply within N ms"
 * names the call's timeout, not what was left of it when the request went out). */
void devconf__ncc_set_call_timeout(devconf__ncc *c, int ms);

/* The deadline of the call under way (and its timeout told to the client, for messages). */
static inline int64_t devconf__nc_deadline(const devconf_session *s)
{
    devconf__ncc *c = devconf__nc_client(s);
    if (c) {
        devconf__ncc_set_call_timeout(c, s->call_timeout_ms);
    }
    return s->call_deadline_ms;
}

/* ---- known_hosts.c ---- */

typedef struct devconf__kh_key {
    char *type;   /* "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", ... */
    char *blob;   /* base64 of the public key */
    bool revoked; /* an @revoked line: this key is refused */
} devconf__kh_key;

typedef struct devconf__kh_keys {
    devconf__kh_key *keys;
    size_t n, cap;
} devconf__kh_keys;

/* The keys known_hosts file path holds for host:port (and every @revoked key); none when the file
 * does not exist. The file is parsed once and again only when it changes. 0, or an error (a file
 * that cannot be read). */
int devconf__kh_lookup(const char *path, const char *host, uint16_t port, devconf__kh_keys *out);
void devconf__kh_keys_dispose(devconf__kh_keys *k);
/* Appends "[host]:port type blob" (created 0600, no symbolic link followed). */
int devconf__kh_append(const char *path, const char *host, uint16_t port, const char *type, const char *blob);
/* Forgets every parsed file (devconf_deinit). */
void devconf__kh_shutdown(void);

/* Fails with DEVCONF_EUNSUPPORTED when the device lacks the datastore ds. */
int devconf__nc_require_ds(devconf_session *s, devconf_datastore ds, const char *what);
int devconf__nc_read(devconf_session *s, char **out, const struct devconf__read_req *req);
/* Sends <rpc>body</rpc> and expects <ok/>: 0, or the rpc-errors as DEVCONF_ERPC (and the other
 * errors of devconf__ncc_call). */
int devconf__nc_call_ok(devconf_session *s, const char *body, const char *what);
/* Sends a request whose body is in body (disposed here, also on failure) and returns the content
 * of the reply's <data> (malloc'ed, "" when there is none) and its length: rpc-errors, a reply
 * over max_reply_bytes and malformed replies are errors naming what and the host. */
int devconf__nc_data_call(devconf_session *s, devconf__buf *body, const char *what, char **text, size_t *tlen);
/* Appends <filter type="xpath" select="..."/> for xpath (module names as prefixes) to b, with a
 * namespace declaration for every module it names (b->failed when out of memory). */
void devconf__nc_xpath_filter(devconf__buf *b, struct ly_ctx *ly, const char *xpath);
/* The same expression as the text of <element xmlns:P="...">...</element> (RFC 8526 xpath-filter). */
void devconf__nc_xpath_element(devconf__buf *b, struct ly_ctx *ly, const char *xpath, const char *element);
/* Checks a read filter against the device's schemas before anything is sent (subtree: well-formed,
 * top-level elements known; XPath: compiles and selects something; the xpath capability); the
 * filter accepted last on the session is not checked again. */
int devconf__nc_check_filter(devconf_session *s, const char *filter, devconf_filter_type type, const char *what);

/* ---- plock.c: partial lock (RFC 5717) ---- */

/* The XPath with the module name on every unprefixed name test (the nearest prefix before it), for
 * devices that read XPath 1.0 with XML namespaces (malloc'ed; NULL when out of memory). */
char *devconf__nc_xpath_qualify(const char *xpath);
int devconf__nc_partial_lock(devconf_session *s, const char *const *selects, size_t n, uint32_t *lock_id);
int devconf__nc_partial_unlock(devconf_session *s, uint32_t lock_id);

/* ---- nmda.c: RFC 8526 <get-data> and <edit-data> ---- */

int devconf__nc_get_data(devconf_session *s, char **out, const struct devconf__get_data_req *req);
int devconf__nc_edit_data(devconf_session *s, const struct devconf__edit_req *req);

#endif /* DEVCONF_NETCONF_P_H */
