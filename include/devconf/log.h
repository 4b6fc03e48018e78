/**
 * @file log.h
 * @brief Log levels and the log callback type.
 * @defgroup log Logging
 *
 * Logging is set per context with devconf_ctx_set_log_callback(). Messages from libyang and
 * libnetconf2 are routed to the callback of the context whose call produced them. Passwords,
 * passphrases, private keys and tokens are never logged; ::DEVCONF_LOG_DEBUG may include message
 * bodies (device configuration).
 * @{
 */
#ifndef DEVCONF_LOG_H
#define DEVCONF_LOG_H

#include "common.h"

DEVCONF_BEGIN_DECLS

/** @brief Severity of a log message, most severe first. */
typedef enum devconf_log_level {
    DEVCONF_LOG_ERROR = 0, /**< Something failed. */
    DEVCONF_LOG_WARNING,   /**< Something looks wrong but the call goes on. */
    DEVCONF_LOG_INFO,      /**< Session life cycle: connects, hello, closes. */
    DEVCONF_LOG_DEBUG      /**< Protocol detail, including message bodies. */
} devconf_log_level;

/**
 * @brief Log callback.
 * @param[in] level   Severity.
 * @param[in] origin  Component: "devconf", "libyang", "libnetconf2", "ssh", "http".
 * @param[in] msg     Formatted message without trailing newline; valid only during the call.
 * @param[in] payload The pointer given with the callback.
 *
 * The callback may run on any thread that uses the context. It must not call devconf functions
 * on the session that is logging.
 */
typedef void (*devconf_log_cb)(devconf_log_level level, const char *origin, const char *msg, void *payload);

/**
 * @brief Name of a log level ("error", "warning", "info", "debug").
 * @return Static string; never NULL. @since 0.1
 */
DEVCONF_API const char *devconf_log_level_name(devconf_log_level level);

DEVCONF_END_DECLS

/** @} */
#endif /* DEVCONF_LOG_H */
