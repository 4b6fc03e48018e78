/**
 * @file txn.h
 * @brief Transactions: the NAPALM configuration life cycle on both protocols.
 * @defgroup txn Transactions
 *
 * begin (lock where the device can, snapshot running) → load (merge or replace) → diff →
 * commit (optionally confirmed: the device reverts by itself after N seconds unless confirmed)
 * → confirm, or rollback to the snapshot → free (unlock; uncommitted changes are discarded).
 *
 * Where a device cannot give a guarantee (no candidate, no locks, no confirmed commit, no atomic
 * multi-change commit), devconf_txn_guarantees() says so and the calls that need it fail with
 * ::DEVCONF_EUNSUPPORTED naming what is missing, instead of pretending.
 * @{
 */
#ifndef DEVCONF_TXN_H
#define DEVCONF_TXN_H

#include "common.h"
#include "ops.h"

DEVCONF_BEGIN_DECLS

/** Opaque transaction. */
typedef struct devconf_txn devconf_txn;

/** @brief How devconf_txn_load() combines the loaded configuration with what is there. */
typedef enum devconf_load_mode {
    DEVCONF_LOAD_MERGE = 0,  /**< Merge into the configuration (NAPALM load_merge_candidate). */
    DEVCONF_LOAD_REPLACE = 1 /**< Each top-level subtree in the payload replaces the device's whole subtree
                                  (NAPALM load_replace_candidate, per subtree). */
} devconf_load_mode;

/** @name Guarantees a transaction can give (devconf_txn_guarantees())
 * @{ */
#define DEVCONF_TXN_LOCKED 0x1u      /**< The configuration is locked against other sessions until free. */
#define DEVCONF_TXN_STAGED 0x2u      /**< Loads are staged (a candidate) and reach running only at commit. */
#define DEVCONF_TXN_ATOMIC 0x4u      /**< A commit applies all loaded changes or none. */
#define DEVCONF_TXN_AUTO_REVERT 0x8u /**< A confirmed commit reverts by itself on the device unless confirmed. */
/** @} */

/**
 * @brief Begin a transaction: lock (where the device has locks), drop stale candidate changes,
 *        and snapshot running.
 * @param[out] out New transaction; the caller owns it and frees it with devconf_txn_free(), which
 *                 must happen before the session is freed.
 * @param[in]  s   Session; used by the transaction until it is freed.
 * @retval 0 Success. @retval DEVCONF_ERPC The lock was refused (another session holds it).
 * @retval DEVCONF_EUNSUPPORTED The device has no candidate and RESTCONF has no staging for it.
 * @since 0.1
 */
DEVCONF_API int devconf_txn_begin(devconf_txn **out, devconf_session *s);

/**
 * @brief The guarantees this transaction gives, as DEVCONF_TXN_* flags.
 * @since 0.1
 */
DEVCONF_API unsigned int devconf_txn_guarantees(const devconf_txn *t);

/**
 * @brief What this transaction cannot guarantee on this device, as a sentence for a person.
 * @return Borrowed string valid until the transaction is freed; "" when nothing is missing.
 * @since 0.1
 */
DEVCONF_API const char *devconf_txn_missing(const devconf_txn *t);

/**
 * @brief Load configuration into the candidate (validated against the schemas first).
 * @param[in] t      Transaction.
 * @param[in] config Payload, XML or JSON, as for devconf_edit_config().
 * @param[in] mode   Merge or replace.
 * @retval 0 Success. @retval DEVCONF_EYANG Invalid payload; nothing sent. @retval DEVCONF_ERPC Refused.
 * @since 0.1
 */
DEVCONF_API int devconf_txn_load(devconf_txn *t, const char *config, devconf_load_mode mode);

/**
 * @brief What the loads so far change, compared with the snapshot taken at begin.
 * @param[out] out    Difference ("" when nothing changes); free with devconf_free().
 * @param[in]  t      Transaction.
 * @param[in]  format Unified text or the equivalent edit (see ::devconf_diff_format).
 * @retval 0 Success. @retval DEVCONF_EYANG A load cannot apply to the snapshot.
 * @since 0.1
 */
DEVCONF_API int devconf_txn_diff(char **out, devconf_txn *t, devconf_diff_format format);

/**
 * @brief Options of devconf_txn_commit(). Initialise with ::DEVCONF_TXN_COMMIT_OPTIONS_INIT; NULL is a
 *        plain commit.
 */
typedef struct devconf_txn_commit_options {
    unsigned int version;            /**< ::DEVCONF_TXN_COMMIT_OPTIONS_VERSION. */
    uint32_t revert_seconds;         /**< 0: a plain commit; else a confirmed commit that the device reverts by
                                          itself after this many seconds unless devconf_txn_confirm() follows.
                                          RESTCONF: the session reverts it (see devconf_commit()), which needs
                                          this process and the session to live until then. */
    const char *persist;             /**< NETCONF confirmed-commit 1.1 persist id: the pending commit survives
                                          the session (and can be confirmed or cancelled from another); NULL: none. */
    int timeout_ms;                  /**< End-to-end bound of the commit; 0: the session's RPC timeout. */
    devconf_cancel_cb cancel_cb;     /**< Cancel callback, or NULL. */
    void *cancel_payload;            /**< Passed to @ref cancel_cb. */
    /* New fields are appended here only, with a version bump. */
} devconf_txn_commit_options;
/** Current version of ::devconf_txn_commit_options. */
#define DEVCONF_TXN_COMMIT_OPTIONS_VERSION 1
/** Static initialiser for ::devconf_txn_commit_options. */
#define DEVCONF_TXN_COMMIT_OPTIONS_INIT { DEVCONF_TXN_COMMIT_OPTIONS_VERSION, 0, NULL, 0, NULL, NULL }

/**
 * @brief Initialise transaction commit options with defaults (a plain commit).
 * @param[out] opts    Struct to fill.
 * @param[in]  version ::DEVCONF_TXN_COMMIT_OPTIONS_VERSION.
 * @retval 0 Success. @retval DEVCONF_EINVAL NULL @p opts or a version this library does not know.
 * @since 0.2
 */
DEVCONF_API int devconf_txn_commit_options_init(devconf_txn_commit_options *opts, unsigned int version);

/**
 * @brief Commit the loaded changes.
 * @param[in] t    Transaction.
 * @param[in] opts Options (confirmed commit with automatic revert, persist id, timeout) or NULL for
 *                 a plain commit.
 * @retval 0 Success. @retval DEVCONF_ERPC Refused.
 * @retval DEVCONF_EUNSUPPORTED A revert asked of a device without confirmed commit (or a persist id
 *         without confirmed-commit 1.1).
 * @since 0.1 (options since 0.2)
 */
DEVCONF_API int devconf_txn_commit(devconf_txn *t, const devconf_txn_commit_options *opts);

/**
 * @brief Confirm a confirmed commit so that it stays.
 * @retval 0 Success. @retval DEVCONF_EINVAL No confirmed commit is pending. @retval DEVCONF_ERPC Refused.
 * @since 0.1
 */
DEVCONF_API int devconf_txn_confirm(devconf_txn *t);

/**
 * @brief Roll back: a pending confirmed commit is cancelled (the device reverts it); otherwise
 *        running is restored to the snapshot taken at begin.
 * @retval 0 Success. @retval DEVCONF_ERPC Refused.
 * @since 0.1
 */
DEVCONF_API int devconf_txn_rollback(devconf_txn *t);

/**
 * @brief End the transaction: uncommitted loads are discarded, the lock is released. NULL is a no-op.
 * @since 0.1
 */
DEVCONF_API void devconf_txn_free(devconf_txn *t);

DEVCONF_END_DECLS

/** @} */
#endif /* DEVCONF_TXN_H */
