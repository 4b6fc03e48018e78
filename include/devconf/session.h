/**
 * @file session.h
 * @brief Sessions: opening a connection to a device by URI, and its capabilities.
 * @defgroup session Sessions
 *
 * A session is one NETCONF or RESTCONF connection. It is used by one thread at a time and may move
 * between threads. URIs:
 * - `netconf://[user@]host[:port]`: NETCONF over SSH, port 830 by default.
 * - `netconf+ssh://...`: the same, spelled out.
 * - `netconf+tls://host[:port]`: NETCONF over TLS (RFC 7589), port 6513 by default. Both ends are
 *   authenticated by certificate: the device's must chain to @ref devconf_session_options.ca_file
 *   (else the system's store) and name the host (DNS name or IP address in its subjectAltName);
 *   devconf presents @ref devconf_session_options.client_cert, which the device maps to the NETCONF
 *   user name (a user in the URI or @ref devconf_session_options.username is not used). TLS 1.2 or
 *   later. (@since 0.2)
 * - `restconf://host[:port][/root]`: RESTCONF over HTTPS, port 443 by default; without a root the
 *   RESTCONF root is discovered from `/.well-known/host-meta` (RFC 8040 section 3.1).
 * - `restconf+http://host[:port][/root]`: RESTCONF over plain HTTP, only when asked for.
 * IPv6 literals go in brackets: `netconf://admin@[2001:db8::1]:830`.
 * @{
 */
#ifndef DEVCONF_SESSION_H
#define DEVCONF_SESSION_H

#include "common.h"
#include "ctx.h"

DEVCONF_BEGIN_DECLS

/** Opaque session. */
typedef struct devconf_session devconf_session;

/** @brief Protocol a session speaks. */
typedef enum devconf_protocol {
    DEVCONF_PROTO_NETCONF = 1, /**< NETCONF (RFC 6241). */
    DEVCONF_PROTO_RESTCONF = 2 /**< RESTCONF (RFC 8040). */
} devconf_protocol;

/** @brief What to do with the device's SSH host key. */
typedef enum devconf_hostkey_policy {
    /** Accept only a key already in the known_hosts file; unknown or changed keys are refused. */
    DEVCONF_HOSTKEY_STRICT = 0,
    /** Accept and record the key of a host not yet in known_hosts; a changed key is still refused. */
    DEVCONF_HOSTKEY_ACCEPT_NEW = 1,
    /** Do not check the host key at all. Anyone on the path can impersonate the device. */
    DEVCONF_HOSTKEY_INSECURE_SKIP = 2
} devconf_hostkey_policy;

/**
 * @brief Keyboard-interactive authentication callback.
 * @param[in]  name        Name of the challenge (may be "").
 * @param[in]  instruction Instruction text (may be "").
 * @param[in]  prompt      The prompt, for example "Password: ".
 * @param[in]  echo        Non-zero when the answer may be shown while typed.
 * @param[out] answer      Buffer for the NUL-terminated answer.
 * @param[in]  answer_size Size of @p answer in bytes.
 * @param[in]  payload     The pointer given in the options.
 * @return 0 with an answer, non-zero to abort authentication (the open fails with ::DEVCONF_EAUTH).
 */
typedef int (*devconf_kbdint_cb)(const char *name, const char *instruction, const char *prompt, int echo,
                                 char *answer, size_t answer_size, void *payload);

/**
 * @brief Options for devconf_session_open().
 *
 * Initialise with ::DEVCONF_SESSION_OPTIONS_INIT or devconf_session_options_init(). A zero or NULL
 * field takes its default. Strings are borrowed for the duration of devconf_session_open() only.
 * Authentication methods are tried in this order, each only when configured: public key
 * (@ref private_key), ssh-agent (@ref use_agent), password (@ref password), keyboard-interactive
 * (@ref kbdint_cb, or @ref password answering a single non-echoing prompt).
 */
typedef struct devconf_session_options {
    unsigned int version;           /**< ::DEVCONF_SESSION_OPTIONS_VERSION. */
    const char *username;           /**< Login name; overrides the URI's user; default: the URI's user, else $USER. */
    const char *password;           /**< Password (SSH password or keyboard-interactive). Never logged. */
    const char *private_key;        /**< Path of a private key file for public-key authentication. */
    const char *passphrase;         /**< Passphrase of @ref private_key, or of an encrypted @ref client_key (netconf+tls). Never logged. */
    int use_agent;                  /**< Non-zero: try the keys of the ssh-agent at $SSH_AUTH_SOCK. */
    devconf_kbdint_cb kbdint_cb;    /**< Keyboard-interactive answers; NULL: answer with @ref password. */
    void *kbdint_payload;           /**< Passed to @ref kbdint_cb. */
    const char *known_hosts;        /**< known_hosts file; default ~/.ssh/known_hosts. */
    devconf_hostkey_policy hostkey_policy; /**< Default ::DEVCONF_HOSTKEY_STRICT. */
    int connect_timeout_ms;         /**< TCP connect, SSH handshake, authentication and hello; 0: 10 s. */
    int rpc_timeout_ms;             /**< Every later network wait; 0: 60 s. Negative values are invalid. */
    /* version 2 */
    const char *ca_file;            /**< PEM CA bundle the server's TLS certificate must chain to (RESTCONF over HTTPS and netconf+tls); default: the system store. @since 0.1 (version 2) */
    const char *client_cert;        /**< PEM client certificate (chain) for TLS client authentication; required by netconf+tls (RFC 7589), optional for RESTCONF. @since 0.1 (version 2) */
    const char *client_key;         /**< PEM private key of @ref client_cert; default: read from the @ref client_cert file. Never logged. @since 0.1 (version 2) */
    const char *bearer_token;       /**< RESTCONF: sent as `Authorization: Bearer`. Never logged. @since 0.1 (version 2) */
    int tls_insecure_skip_verify;   /**< Non-zero: accept any TLS certificate and host name (RESTCONF and netconf+tls; a warning is logged). Insecure. @since 0.1 (version 2) */
    /* version 3 */
    /** Largest reply accepted from the device, in bytes (a NETCONF message, a RESTCONF response
     *  body); 0: ::DEVCONF_DEFAULT_MAX_REPLY_BYTES. A longer reply fails with ::DEVCONF_EPROTO
     *  naming the limit, and its memory is returned. @since 0.2 (version 3) */
    uint64_t max_reply_bytes;
    /** Cancel callback of the open (asked while it waits for the device), or NULL. @since 0.2 (version 3) */
    devconf_cancel_cb cancel_cb;
    void *cancel_payload;           /**< Passed to @ref cancel_cb. @since 0.2 (version 3) */
    /* New fields are appended here only, with a version bump. */
} devconf_session_options;

/** Current version of ::devconf_session_options. Version 1 ends at @ref devconf_session_options.rpc_timeout_ms,
 *  version 2 at @ref devconf_session_options.tls_insecure_skip_verify. */
#define DEVCONF_SESSION_OPTIONS_VERSION 3
/** Static initialiser for ::devconf_session_options. */
#define DEVCONF_SESSION_OPTIONS_INIT { DEVCONF_SESSION_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, DEVCONF_HOSTKEY_STRICT, 0, 0, NULL, NULL, NULL, NULL, 0, 0, NULL, NULL }
/** Default of @ref devconf_session_options.max_reply_bytes: 256 MiB. */
#define DEVCONF_DEFAULT_MAX_REPLY_BYTES (256u * 1024u * 1024u)

/**
 * @brief Initialise an options struct with defaults.
 * @param[out] opts    Struct to fill.
 * @param[in]  version ::DEVCONF_SESSION_OPTIONS_VERSION.
 * @retval 0 Success. @retval DEVCONF_EINVAL NULL @p opts, or a version this library does not know.
 * @since 0.1
 */
DEVCONF_API int devconf_session_options_init(devconf_session_options *opts, unsigned int version);

/**
 * @brief Open a session to a device.
 *
 * Connects, verifies the host key, authenticates and exchanges hellos, all within
 * @ref devconf_session_options.connect_timeout_ms.
 * @param[out] out  New session; the caller owns it and frees it with devconf_session_free().
 * @param[in]  ctx  Context; must outlive the session.
 * @param[in]  uri  Device URI (see the top of this page); borrowed.
 * @param[in]  opts Options or NULL for defaults; copied as of its version, not retained.
 * @retval 0 Success.
 * @retval DEVCONF_EINVAL Bad URI or options. @retval DEVCONF_ECONNECT Unreachable or refused.
 * @retval DEVCONF_EAUTH Rejected credentials (over TLS: a client certificate the device refused).
 * @retval DEVCONF_EHOSTKEY Unknown or changed host key, or a TLS certificate that failed verification.
 * @retval DEVCONF_ETIMEOUT No answer in time.
 * @since 0.1
 */
DEVCONF_API int devconf_session_open(devconf_session **out, devconf_ctx *ctx, const char *uri,
                                     const devconf_session_options *opts);

/**
 * @brief Close a session and free it. NULL is a no-op.
 *
 * Sends `<close-session>` (bounded by the RPC timeout) when the connection is still up.
 * @since 0.1
 */
DEVCONF_API void devconf_session_free(devconf_session *s);

/** @brief Protocol of the session. @since 0.1 */
DEVCONF_API devconf_protocol devconf_session_protocol(const devconf_session *s);

/**
 * @brief Session id the device assigned (NETCONF `<session-id>`); 0 when the protocol has none.
 * @since 0.1
 */
DEVCONF_API uint32_t devconf_session_id(const devconf_session *s);

/**
 * @brief Host name the session is connected to.
 * @return Borrowed string valid until the session is freed. @since 0.1
 */
DEVCONF_API const char *devconf_session_host(const devconf_session *s);

/** @brief Number of capabilities the device announced. @since 0.1 */
DEVCONF_API size_t devconf_session_capability_count(const devconf_session *s);

/**
 * @brief One capability URI, as the device announced it.
 * @param[in] s Session.
 * @param[in] i Index below devconf_session_capability_count().
 * @return Borrowed string valid until the session is freed, or NULL when @p i is out of range.
 * @since 0.1
 */
DEVCONF_API const char *devconf_session_capability(const devconf_session *s, size_t i);

/**
 * @brief Whether the device has a capability.
 * @param[in] s    Session.
 * @param[in] name A short name ("candidate", "confirmed-commit", "validate", "writable-running",
 *                 "startup", "rollback-on-error", "xpath", "with-defaults", "notification",
 *                 "interleave", "url", "yang-library"; for RESTCONF also "yang-patch", "depth",
 *                 "fields", "defaults", "filter"; "nmda": the session can use devconf_get_data() and
 *                 devconf_edit_data(): over NETCONF the device implements ietf-netconf-nmda (RFC 8526,
 *                 listed in its hello or YANG library), over RESTCONF it serves the RFC 8525 YANG
 *                 library with a yang-library-version of 2019-01-04 or later (RFC 8527); for RESTCONF
 *                 also "with-origin"), a full capability URI (parameters after
 *                 '?' are ignored when @p name has none), or a module name ("ietf-interfaces").
 *                 RESTCONF sessions always have "candidate": the server's staging area where it has
 *                 one (Jetconf), else a client-side candidate kept in the session.
 * @return 1 when present, 0 when absent or on a NULL argument.
 * @since 0.1
 */
DEVCONF_API int devconf_session_has_capability(const devconf_session *s, const char *name);

/**
 * @brief Whether the connection is still up, as far as the session knows without sending anything.
 * @return 1 when up, 0 when the device closed it or it broke. @since 0.1
 */
DEVCONF_API int devconf_session_is_connected(const devconf_session *s);

/**
 * @brief Identity of the session's schema context: the SHA-256 key of its module set.
 *
 * The key covers every module's name, revision, text (its SHA-256), conformance, enabled features
 * and deviations. Sessions with equal keys share one libyang context in the process (built once,
 * never changed, freed when unused for long), whichever devices they are connected to.
 * @return Borrowed string of 64 hex digits valid until the session is freed; NULL for NULL.
 * @since 0.2
 */
DEVCONF_API const char *devconf_session_schema_id(const devconf_session *s);

/**
 * @brief Number of schema requests (NETCONF get-schema, RESTCONF schema downloads) the session
 * sent while it opened; 0 when the device's module set was known from an earlier connect.
 * @since 0.2
 */
DEVCONF_API unsigned int devconf_session_schema_requests(const devconf_session *s);

/**
 * @brief Entity tag of the resource the last read returned (RESTCONF `ETag`).
 * @param[in] s Session.
 * @return Borrowed string valid until the next call on @p s, or NULL when the device sent none
 *         (always NULL on NETCONF).
 * @since 0.1
 */
DEVCONF_API const char *devconf_session_etag(const devconf_session *s);

/**
 * @brief `Last-Modified` of the resource the last read returned (RESTCONF).
 * @param[in] s Session.
 * @return Borrowed HTTP date valid until the next call on @p s, or NULL when the device sent none.
 * @since 0.1
 */
DEVCONF_API const char *devconf_session_last_modified(const devconf_session *s);

DEVCONF_END_DECLS

/** @} */
#endif /* DEVCONF_SESSION_H */
