/**
 * @file ctx.h
 * @brief Library initialisation and the devconf context.
 * @defgroup ctx Context and library life cycle
 *
 * A ::devconf_ctx holds what many sessions share: YANG search directories, the schema cache
 * directory and the log callback. Free every session before its context.
 * @{
 */
#ifndef DEVCONF_CTX_H
#define DEVCONF_CTX_H

#include "common.h"
#include "log.h"

DEVCONF_BEGIN_DECLS

/** Opaque context shared by sessions. */
typedef struct devconf_ctx devconf_ctx;

/**
 * @brief Initialise the library (libcurl and libssh global state, the schema store).
 *
 * Reference counted: every successful call must be paired with devconf_deinit(). Call it before
 * starting threads that use devconf.
 * @return The new reference count (>= 1), or a negative ::devconf_code.
 * @retval DEVCONF_ERROR A dependency failed to initialise; see devconf_error_last().
 * @since 0.1
 */
DEVCONF_API int devconf_init(void);

/**
 * @brief Drop one reference taken by devconf_init(); the last one releases global state.
 * @return The remaining reference count, or ::DEVCONF_EINVAL when the library was not initialised.
 * @since 0.1
 */
DEVCONF_API int devconf_deinit(void);

/**
 * @brief Release the per-thread state of the calling thread.
 *
 * A thread that used devconf (other than the one that calls the last devconf_deinit()) calls this
 * before it exits. Harmless when the thread never used devconf.
 * @since 0.1
 */
DEVCONF_API void devconf_thread_cleanup(void);

/**
 * @brief Free memory that devconf returned through a `char **out` argument. NULL is a no-op.
 * @since 0.1
 */
DEVCONF_API void devconf_free(void *ptr);

/**
 * @brief Create a context.
 *
 * The new context searches the project's installed `yang-models` directory and the directories of
 * the environment variable `DEVCONF_YANG_PATH` (separated by ':'; the texts there are trusted for
 * every device and preferred to what devices send), logs ::DEVCONF_LOG_ERROR
 * messages to stderr, and caches schemas downloaded from devices in `$XDG_CACHE_HOME/devconf`
 * (else `~/.cache/devconf`, else a directory under the temporary directory).
 * @param[out] out New context; the caller owns it and frees it with devconf_ctx_free() after every
 *                 session that uses it.
 * @retval 0 Success. @retval DEVCONF_ENOMEM Out of memory.
 * @retval DEVCONF_ERROR devconf_init() was not called.
 * @since 0.1
 */
DEVCONF_API int devconf_ctx_new(devconf_ctx **out);

/**
 * @brief Free a context. NULL is a no-op.
 *
 * All sessions opened with it must have been freed (debug builds assert this).
 * @since 0.1
 */
DEVCONF_API void devconf_ctx_free(devconf_ctx *ctx);

/**
 * @brief Add a directory searched for YANG modules (before asking the device for them).
 * @param[in] ctx Context; must not be in use by another thread during this call.
 * @param[in] dir Directory path; copied.
 * @retval 0 Success. @retval DEVCONF_ENOTFOUND The directory does not exist.
 * @retval DEVCONF_EINVAL NULL argument.
 * @since 0.1
 */
DEVCONF_API int devconf_ctx_add_search_dir(devconf_ctx *ctx, const char *dir);

/**
 * @brief Set the directory where schemas downloaded from devices are stored and looked up.
 *
 * The directory must belong to the calling user and be writable by no one else (it decides how
 * payloads are checked): a symbolic link, another owner or group/world write permission is
 * refused. Texts are stored by content (module, revision and a SHA-256 of the text), one record a
 * device says which texts it uses; libyang never searches the directory, so its size costs nothing.
 * @param[in] ctx Context; must not be in use by another thread during this call.
 * @param[in] dir Directory path, created (with parents, mode 0700) when missing; copied.
 * @retval 0 Success. @retval DEVCONF_EINVAL NULL argument, or a directory others can write.
 * @retval DEVCONF_ERROR The directory cannot be created; see devconf_error_last().
 * @since 0.1
 */
DEVCONF_API int devconf_ctx_set_cache_dir(devconf_ctx *ctx, const char *dir);

/**
 * @brief The schema cache directory.
 * @return Borrowed string valid until the cache directory changes or the context is freed.
 * @since 0.1
 */
DEVCONF_API const char *devconf_ctx_cache_dir(const devconf_ctx *ctx);

/** @brief Whose module texts a device's payloads are checked against. */
typedef enum devconf_schema_trust {
    /** A device is checked against texts it delivered itself (get-schema, schema URL) or that
     *  come from the context's search directories. The first connect of each device downloads the
     *  modules it announces that the search directories do not have; devices whose texts are equal
     *  still share one schema context. The default. */
    DEVCONF_SCHEMA_TRUST_DEVICE = 0,
    /** A text any device delivered for a module and revision is used for every device announcing
     *  them (unless the cache holds different texts for them): the first connect to a fleet of one
     *  model downloads each module once instead of once per device. A device serving a tampered
     *  module then changes how the others' payloads are checked: use it for devices you trust
     *  alike. */
    DEVCONF_SCHEMA_TRUST_SHARED = 1
} devconf_schema_trust;

/**
 * @brief Choose whose module texts sessions of this context use (see ::devconf_schema_trust).
 * @param[in] ctx   Context; must not be in use by another thread during this call.
 * @param[in] trust ::DEVCONF_SCHEMA_TRUST_DEVICE (default) or ::DEVCONF_SCHEMA_TRUST_SHARED.
 * @retval 0 Success. @retval DEVCONF_EINVAL NULL context or an unknown value.
 * @since 0.2
 */
DEVCONF_API int devconf_ctx_set_schema_trust(devconf_ctx *ctx, devconf_schema_trust trust);

/**
 * @brief Set where the context's log messages go.
 * @param[in] ctx     Context; must not be in use by another thread during this call.
 * @param[in] max     Most verbose level delivered (::DEVCONF_LOG_DEBUG delivers everything).
 * @param[in] cb      Callback, or NULL to drop every message.
 * @param[in] payload Passed to @p cb unchanged.
 * @since 0.1
 */
DEVCONF_API void devconf_ctx_set_log_callback(devconf_ctx *ctx, devconf_log_level max, devconf_log_cb cb,
                                              void *payload);

DEVCONF_END_DECLS

/** @} */
#endif /* DEVCONF_CTX_H */
