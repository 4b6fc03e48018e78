/**
 * @file error.h
 * @brief Return codes and the thread-local error object.
 * @defgroup error Errors
 *
 * Every fallible devconf call returns 0 or a negative ::devconf_code. After a failure,
 * devconf_error_last() describes what went wrong on the calling thread: a one-line message a
 * person can act on, the layer that failed, the HTTP status (RESTCONF) and every error the
 * device reported (NETCONF `<rpc-error>`, RESTCONF `errors/error`).
 *
 * Error text never contains a password, passphrase, key or token.
 * @{
 */
#ifndef DEVCONF_ERROR_H
#define DEVCONF_ERROR_H

#include "common.h"

DEVCONF_BEGIN_DECLS

/**
 * @brief Return codes. Append only: a value is never renumbered or removed.
 */
typedef enum devconf_code {
    DEVCONF_OK = 0,             /**< Success. */
    DEVCONF_ERROR = -1,         /**< Unexpected failure: see devconf_error_last(). */
    DEVCONF_EINVAL = -2,        /**< Invalid argument from the caller (bad URI, bad option, NULL). */
    DEVCONF_ENOMEM = -3,        /**< Out of memory. */
    DEVCONF_ENOTFOUND = -4,     /**< The requested item does not exist (file, module, index). */
    DEVCONF_ETIMEOUT = -5,      /**< A network wait ran past its timeout. */
    DEVCONF_ECONNECT = -6,      /**< The device could not be reached, or the connection broke. */
    DEVCONF_EAUTH = -7,         /**< Authentication was rejected. */
    DEVCONF_EHOSTKEY = -8,      /**< The host key or TLS certificate was rejected. */
    DEVCONF_EPROTO = -9,        /**< The device sent something malformed or unexpected. */
    DEVCONF_EYANG = -10,        /**< A payload failed to parse or validate against the YANG schemas. */
    DEVCONF_ERPC = -11,         /**< The device answered with `<rpc-error>` or RESTCONF `errors`. */
    DEVCONF_EUNSUPPORTED = -12, /**< The device (or transport) lacks a capability the call needs. */
    DEVCONF_EUSER = -13,        /**< A caller's callback failed or asked to abort. */
    DEVCONF_ECANCELED = -14     /**< The caller's cancel callback stopped the call. @since 0.2 */
} devconf_code;

/**
 * @brief The layer an error comes from.
 */
typedef enum devconf_origin {
    DEVCONF_ORIGIN_NONE = 0, /**< No error, or devconf itself (argument checks). */
    DEVCONF_ORIGIN_NETCONF,  /**< NETCONF protocol or a NETCONF device. */
    DEVCONF_ORIGIN_RESTCONF, /**< RESTCONF protocol or a RESTCONF device. */
    DEVCONF_ORIGIN_SSH,      /**< SSH transport (connection, host key, authentication). */
    DEVCONF_ORIGIN_TLS,      /**< TLS transport. */
    DEVCONF_ORIGIN_HTTP,     /**< HTTP layer. */
    DEVCONF_ORIGIN_YANG,     /**< YANG parsing or validation (libyang). */
    DEVCONF_ORIGIN_OS        /**< Operating system (files, memory, sockets). */
} devconf_origin;

/** Opaque error object. */
typedef struct devconf_error devconf_error;
/** Opaque entry of a device-reported error list. */
typedef struct devconf_rpc_error devconf_rpc_error;

/**
 * @brief Static description of a return code.
 * @param[in] code A ::devconf_code (0 or negative); unknown values are accepted.
 * @return Static English text; never NULL.
 * @since 0.1
 */
DEVCONF_API const char *devconf_strerror(int code);

/**
 * @brief Last error on the calling thread.
 *
 * Meaningful only right after a devconf call failed on this thread. The object stays valid until
 * the next devconf call on this thread; keep it longer with devconf_error_dup().
 * @return Borrowed pointer; never NULL (an object with code ::DEVCONF_OK when nothing failed).
 * @since 0.1
 */
DEVCONF_API const devconf_error *devconf_error_last(void);

/**
 * @brief Copy an error object so it outlives later calls.
 * @param[out] out Copy; the caller owns it and frees it with devconf_error_free().
 * @param[in]  e   Error to copy (for example devconf_error_last()).
 * @retval 0 Success. @retval DEVCONF_EINVAL NULL argument. @retval DEVCONF_ENOMEM Out of memory.
 * @since 0.1
 */
DEVCONF_API int devconf_error_dup(devconf_error **out, const devconf_error *e);

/**
 * @brief Free an error object obtained from devconf_error_dup(). NULL is a no-op.
 * @since 0.1
 */
DEVCONF_API void devconf_error_free(devconf_error *e);

/**
 * @brief Return code of an error. @param[in] e Error object (NULL gives DEVCONF_EINVAL).
 * @return A ::devconf_code. @since 0.1
 */
DEVCONF_API int devconf_error_code(const devconf_error *e);

/**
 * @brief One-line message for a person, naming what failed and, where it helps, what to do.
 * @param[in] e Error object.
 * @return Borrowed string, valid as long as @p e; "" when there is no error; never NULL.
 * @since 0.1
 */
DEVCONF_API const char *devconf_error_message(const devconf_error *e);

/**
 * @brief The layer that failed. @param[in] e Error object. @return A ::devconf_origin. @since 0.1
 */
DEVCONF_API devconf_origin devconf_error_origin(const devconf_error *e);

/**
 * @brief Name of an origin ("netconf", "ssh", ...). @return Static string; never NULL. @since 0.1
 */
DEVCONF_API const char *devconf_origin_name(devconf_origin origin);

/**
 * @brief HTTP status of a RESTCONF failure. @param[in] e Error object.
 * @return The status, or 0 when the error did not come from an HTTP reply. @since 0.1
 */
DEVCONF_API int devconf_error_http_status(const devconf_error *e);

/**
 * @brief Number of errors the device reported (NETCONF `<rpc-error>`, RESTCONF `errors/error`).
 * @param[in] e Error object. @return Count; 0 when the device reported none. @since 0.1
 */
DEVCONF_API size_t devconf_error_rpc_error_count(const devconf_error *e);

/**
 * @brief One device-reported error.
 * @param[in] e Error object.
 * @param[in] i Index, below devconf_error_rpc_error_count().
 * @return Borrowed pointer valid as long as @p e, or NULL when @p i is out of range.
 * @since 0.1
 */
DEVCONF_API const devconf_rpc_error *devconf_error_rpc_error(const devconf_error *e, size_t i);

/**
 * @name Fields of a device-reported error (RFC 6241 section 4.3, RFC 8040 section 7.1)
 * Each returns a borrowed string valid as long as the error object it came from, or NULL when the
 * device did not send that field.
 * @{
 */
/** @brief error-type: "transport", "rpc", "protocol" or "application". @since 0.1 */
DEVCONF_API const char *devconf_rpc_error_type(const devconf_rpc_error *r);
/** @brief error-tag, such as "invalid-value" or "lock-denied". @since 0.1 */
DEVCONF_API const char *devconf_rpc_error_tag(const devconf_rpc_error *r);
/** @brief error-severity: "error" or "warning". @since 0.1 */
DEVCONF_API const char *devconf_rpc_error_severity(const devconf_rpc_error *r);
/** @brief error-app-tag. @since 0.1 */
DEVCONF_API const char *devconf_rpc_error_app_tag(const devconf_rpc_error *r);
/** @brief error-path (an XPath or RESTCONF instance identifier). @since 0.1 */
DEVCONF_API const char *devconf_rpc_error_path(const devconf_rpc_error *r);
/** @brief error-message text. @since 0.1 */
DEVCONF_API const char *devconf_rpc_error_message(const devconf_rpc_error *r);
/** @brief xml:lang of the error-message. @since 0.1 */
DEVCONF_API const char *devconf_rpc_error_lang(const devconf_rpc_error *r);
/** @brief The error-info element as XML text (for example `<error-info><session-id>4</session-id></error-info>`). @since 0.1 */
DEVCONF_API const char *devconf_rpc_error_info_xml(const devconf_rpc_error *r);
/** @} */

DEVCONF_END_DECLS

/** @} */
#endif /* DEVCONF_ERROR_H */
