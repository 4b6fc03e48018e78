/**
 * @file fleet.h
 * @brief Fleets: one operation on many devices, with bounded concurrency, results streamed as each
 *        device finishes, progress, cancellation, deadlines, and an all-or-nothing transaction.
 * @defgroup fleet Fleets
 *
 * A ::devconf_fleet is a set of named devices (URI and session options each), built by
 * devconf_fleet_add() or read from an inventory file (devconf_fleet_load_inventory(): YAML in the
 * shape Nornir and Ansible users know). devconf_fleet_run() runs one operation on the selected
 * devices with at most `forks` of them in progress at once (a bounded pool of threads, each taking
 * the next device; no thread per device), calls the result callback as each device finishes and the
 * progress callback after it, and returns when all are done, the run is cancelled or its deadline
 * passes. Each device's job opens a session, runs the operation and closes the session; sessions to
 * devices of one module set share one schema context.
 *
 * devconf_fleet_transaction() changes every selected device or none: lock and edit every
 * candidate, validate, confirmed commit with one persist id everywhere (a client that dies leaves
 * the devices to revert by their own timers), then confirm everywhere; any failure before the
 * confirmation cancels the commit (or discards the candidate) on every device touched.
 *
 * Callbacks run on the pool's threads, one at a time (devconf serialises them), and must not call
 * devconf_fleet_run() or devconf_fleet_free() on the same fleet.
 * @{
 */
#ifndef DEVCONF_FLEET_H
#define DEVCONF_FLEET_H

#include "common.h"
#include "ctx.h"
#include "error.h"
#include "ops.h"
#include "session.h"

DEVCONF_BEGIN_DECLS

/** Opaque fleet. */
typedef struct devconf_fleet devconf_fleet;
/** The outcome of one device in a run (borrowed by the result callback; see the accessors). */
typedef struct devconf_fleet_result devconf_fleet_result;

/**
 * @brief Create an empty fleet.
 * @param[out] out New fleet; free with devconf_fleet_free() before @p ctx.
 * @param[in]  ctx Context of every session the fleet opens; must outlive the fleet.
 * @retval 0 Success. @retval DEVCONF_EINVAL NULL argument. @retval DEVCONF_ENOMEM Out of memory.
 * @since 0.2
 */
DEVCONF_API int devconf_fleet_new(devconf_fleet **out, devconf_ctx *ctx);

/** @brief Free a fleet (zeroing the secrets it copied). NULL is a no-op. @since 0.2 */
DEVCONF_API void devconf_fleet_free(devconf_fleet *f);

/**
 * @brief Add a device.
 * @param[in] f      Fleet.
 * @param[in] name   Unique name (letters, digits and `._-:@`, at most 255 bytes); copied.
 * @param[in] uri    Device URI as for devconf_session_open(); copied.
 * @param[in] opts   Session options or NULL; copied with every string it points to.
 * @param[in] groups Comma-separated group names for devconf_fleet_select(), or NULL.
 * @retval 0 Success. @retval DEVCONF_EINVAL Bad name, URI or options, or a name already in the fleet.
 * @since 0.2
 */
DEVCONF_API int devconf_fleet_add(devconf_fleet *f, const char *name, const char *uri,
                                  const devconf_session_options *opts, const char *groups);

/**
 * @brief Add the devices of an inventory file.
 *
 * YAML with up to three top-level mappings, as Nornir and Ansible have them:
 * `hosts` (name: settings), `groups` (name: settings, a group may itself have `groups`) and
 * `defaults` (settings). A host's setting comes from the host, else its groups in order (depth
 * first), else the defaults. Settings: `hostname`, `port`, `username`, `platform` (`netconf`,
 * `netconf+ssh`, `netconf+tls`, `restconf`, `restconf+http`), `uri` (instead of hostname/port/platform), `groups`,
 * `private_key`, `use_agent`, `known_hosts`, `host_key_policy` (`strict`, `accept-new`,
 * `insecure-skip`), `ca_file`, `client_cert`, `client_key`, `connect_timeout` and `timeout`
 * (seconds), `max_reply_bytes` (bytes, or with K, M or G; the session option of that name), and
 * `data` (free-form, ignored). Credentials only by reference: `password_env`,
 * `passphrase_env` and `bearer_token_env` name environment variables read here; a literal `password`,
 * `passphrase` or `bearer_token` is refused.
 * @param[in] f    Fleet.
 * @param[in] path Inventory file (a regular file of at most 64 MiB).
 * @retval 0 Success. @retval DEVCONF_EINVAL Malformed file: the message names the line and the problem.
 * @retval DEVCONF_ENOTFOUND No such file, or an environment variable it names is unset.
 * @since 0.2
 */
DEVCONF_API int devconf_fleet_load_inventory(devconf_fleet *f, const char *path);

/**
 * @brief Select the devices later runs use.
 * @param[in] f    Fleet.
 * @param[in] expr Comma-separated terms, each a device name, a glob over names (`core-*`), `group:NAME`
 *                 or `all`; a term starting with `!` removes what it matches. NULL or "" selects all.
 * @return The number of devices selected, or a negative code (::DEVCONF_EINVAL for an expression
 *         that matches nothing at all, naming the term).
 * @since 0.2
 */
DEVCONF_API int devconf_fleet_select(devconf_fleet *f, const char *expr);

/** @brief Number of devices in the fleet. @since 0.2 */
DEVCONF_API size_t devconf_fleet_count(const devconf_fleet *f);

/**
 * @brief Name of device @p i (in the order they were added).
 * @param[in] f Fleet.
 * @param[in] i Index below devconf_fleet_count().
 * @return Borrowed string valid until the fleet is freed; NULL when @p i is out of range.
 * @since 0.2
 */
DEVCONF_API const char *devconf_fleet_device_name(const devconf_fleet *f, size_t i);

/**
 * @brief URI of device @p i.
 * @param[in] f Fleet.
 * @param[in] i Index below devconf_fleet_count().
 * @return Borrowed string valid until the fleet is freed; NULL when @p i is out of range.
 * @since 0.2
 */
DEVCONF_API const char *devconf_fleet_device_uri(const devconf_fleet *f, size_t i);

/**
 * @brief Whether device @p i is in the current selection.
 * @param[in] f Fleet.
 * @param[in] i Index below devconf_fleet_count().
 * @return 1 when selected, 0 when not or out of range.
 * @since 0.2
 */
DEVCONF_API int devconf_fleet_device_selected(const devconf_fleet *f, size_t i);

/** @brief What devconf_fleet_run() does on each device. */
typedef enum devconf_fleet_op_kind {
    DEVCONF_FLEET_CONNECT = 0,     /**< Open and close a session (reachability, credentials, host keys). */
    DEVCONF_FLEET_GET = 1,         /**< devconf_get(): data is the result. */
    DEVCONF_FLEET_GET_CONFIG = 2,  /**< devconf_get_config() of @ref devconf_fleet_op.datastore. */
    DEVCONF_FLEET_EDIT_CONFIG = 3, /**< devconf_edit_config() of the payload into the datastore. */
    DEVCONF_FLEET_COMMIT = 4,      /**< devconf_commit(). */
    DEVCONF_FLEET_DISCARD = 5,     /**< devconf_discard_changes(). */
    DEVCONF_FLEET_VALIDATE = 6,    /**< devconf_validate() of the datastore. */
    DEVCONF_FLEET_RPC = 7,         /**< devconf_rpc() of the payload: data is its output. */
    DEVCONF_FLEET_DIFF = 8,        /**< devconf_diff() of the payload against the datastore. */
    DEVCONF_FLEET_APPLY = 9,       /**< A transaction on each device by itself: lock, load the payload, diff
                                        (the data), commit (confirmed and then confirmed when
                                        @ref devconf_fleet_op.confirm_seconds is set); dry_run: diff only. */
    DEVCONF_FLEET_CALLBACK = 10,   /**< @ref devconf_fleet_op.job with the open session. */
    DEVCONF_FLEET_GET_SCHEMA = 11  /**< devconf_get_schema() of @ref devconf_fleet_op.identifier. */
} devconf_fleet_op_kind;

/**
 * @brief A job of one's own on each device: pre-check, push, post-check in one visit.
 * @param[in]  s       The device's open session (borrowed for the call).
 * @param[in]  device  The device's name.
 * @param[out] data    Optional result text for the result callback: malloc()'ed by the job (devconf
 *                     frees it with free()), or left NULL.
 * @param[in]  payload @ref devconf_fleet_op.job_payload.
 * @return 0, or a negative ::devconf_code (with devconf's error, when a devconf call failed, or any
 *         code of the job's own): the device's result.
 */
typedef int (*devconf_fleet_job_cb)(devconf_session *s, const char *device, char **data, void *payload);

/** @brief The operation of a run. Initialise with ::DEVCONF_FLEET_OP_INIT. */
typedef struct devconf_fleet_op {
    unsigned int version;                 /**< ::DEVCONF_FLEET_OP_VERSION. */
    devconf_fleet_op_kind kind;           /**< What to do. */
    devconf_datastore datastore;          /**< Source or target; 0: running for reads, candidate where the
                                               device has one else running for writes. */
    const char *filter;                   /**< Reads: subtree filter or XPath, or NULL. */
    const char *payload;                  /**< Edits, diffs, apply: configuration; RPC: the RPC. */
    devconf_format format;                /**< Encoding of read results; AUTO: XML. */
    devconf_edit_operation default_operation; /**< Edits and apply: merge or replace. */
    uint32_t confirm_seconds;             /**< Apply: confirmed commit reverted after this unless confirmed. */
    int dry_run;                          /**< Apply: diff and validate locally only; nothing written. */
    const char *identifier;               /**< Get-schema: the module. */
    devconf_fleet_job_cb job;             /**< Callback jobs. */
    void *job_payload;                    /**< Passed to @ref job. */
    /* New fields are appended here only, with a version bump. */
} devconf_fleet_op;
/** Current version of ::devconf_fleet_op. */
#define DEVCONF_FLEET_OP_VERSION 1
/** Static initialiser for ::devconf_fleet_op (a connect check). */
#define DEVCONF_FLEET_OP_INIT { DEVCONF_FLEET_OP_VERSION, DEVCONF_FLEET_CONNECT, (devconf_datastore)0, NULL, NULL, DEVCONF_FORMAT_AUTO, DEVCONF_EDIT_MERGE, 0, 0, NULL, NULL, NULL }

/** @brief Called as each device finishes (see the result accessors). */
typedef void (*devconf_fleet_result_cb)(const devconf_fleet_result *r, void *payload);

/**
 * @brief Called after each device finishes.
 * @param[in] done    Devices finished (successful or not).
 * @param[in] failed  Of them, those that failed.
 * @param[in] total   Devices in the run.
 * @param[in] bytes   Bytes of result data so far.
 * @param[in] payload @ref devconf_fleet_options.progress_payload.
 */
typedef void (*devconf_fleet_progress_cb)(size_t done, size_t failed, size_t total, uint64_t bytes, void *payload);

/** @brief Options of a run. Initialise with ::DEVCONF_FLEET_OPTIONS_INIT; NULL means defaults. */
typedef struct devconf_fleet_options {
    unsigned int version;                 /**< ::DEVCONF_FLEET_OPTIONS_VERSION. */
    unsigned int forks;                   /**< Devices in progress at once; 0: 20. */
    int device_timeout_ms;                /**< Bound of each device's whole job, connect included; 0: only the
                                               sessions' own timeouts. */
    int run_timeout_ms;                   /**< Bound of the whole run; devices not done by then fail with
                                               ::DEVCONF_ETIMEOUT; 0: none. */
    unsigned int connect_retries;         /**< Extra connect attempts when the device is unreachable or times
                                               out while connecting (never after authentication failed);
                                               0 (the default): none. */
    int retry_backoff_ms;                 /**< Wait before the first retry, doubled each time; 0: 500 ms. */
    devconf_fleet_result_cb result_cb;    /**< Results, or NULL. */
    void *result_payload;                 /**< Passed to @ref result_cb. */
    devconf_fleet_progress_cb progress_cb;/**< Progress, or NULL. */
    void *progress_payload;               /**< Passed to @ref progress_cb. */
    devconf_cancel_cb cancel_cb;          /**< Asked between devices and by every device's waits: non-zero stops
                                               the run (devices not done fail with ::DEVCONF_ECANCELED). */
    void *cancel_payload;                 /**< Passed to @ref cancel_cb. */
    /* New fields are appended here only, with a version bump. */
} devconf_fleet_options;
/** Current version of ::devconf_fleet_options. */
#define DEVCONF_FLEET_OPTIONS_VERSION 1
/** Static initialiser for ::devconf_fleet_options. */
#define DEVCONF_FLEET_OPTIONS_INIT { DEVCONF_FLEET_OPTIONS_VERSION, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL }

/**
 * @brief Initialise run options with defaults.
 * @param[out] opts    Struct to fill.
 * @param[in]  version ::DEVCONF_FLEET_OPTIONS_VERSION.
 * @retval 0 Success. @retval DEVCONF_EINVAL NULL @p opts or a version this library does not know.
 * @since 0.2
 */
DEVCONF_API int devconf_fleet_options_init(devconf_fleet_options *opts, unsigned int version);

/** @brief Counts of a finished run. */
typedef struct devconf_fleet_summary {
    size_t total;      /**< Devices in the run. */
    size_t ok;         /**< Devices whose job succeeded. */
    size_t failed;     /**< Devices whose job failed (including the cancelled and timed out). */
    size_t cancelled;  /**< Of the failed: stopped by the cancel callback. */
    size_t timed_out;  /**< Of the failed: past a deadline. */
    uint64_t bytes;    /**< Bytes of result data. */
    int64_t elapsed_ms;/**< Wall time of the run. */
} devconf_fleet_summary;

/**
 * @brief Run an operation on every selected device.
 * @param[in]  f       Fleet.
 * @param[in]  op      The operation.
 * @param[in]  opts    Options or NULL.
 * @param[out] summary Counts when the run ends, or NULL.
 * @retval 0 The run finished: every device has a result (see @p summary for how many failed).
 * @retval DEVCONF_EINVAL Bad operation or options; nothing was started.
 * @retval DEVCONF_ECANCELED The cancel callback stopped the run (results were delivered for every device).
 * @retval DEVCONF_ETIMEOUT The run's deadline passed (likewise).
 * @since 0.2
 */
DEVCONF_API int devconf_fleet_run(devconf_fleet *f, const devconf_fleet_op *op, const devconf_fleet_options *opts,
                                  devconf_fleet_summary *summary);

/** @brief Device that ran a job. @return Borrowed; valid during the callback. @since 0.2 */
DEVCONF_API const char *devconf_fleet_result_device(const devconf_fleet_result *r);

/** @brief Index of the device in the fleet (devconf_fleet_device_name()). @since 0.2 */
DEVCONF_API size_t devconf_fleet_result_index(const devconf_fleet_result *r);

/** @brief URI of the device. @return Borrowed; valid during the callback. @since 0.2 */
DEVCONF_API const char *devconf_fleet_result_uri(const devconf_fleet_result *r);

/** @brief 0 when the device's job succeeded, else its negative ::devconf_code. @since 0.2 */
DEVCONF_API int devconf_fleet_result_code(const devconf_fleet_result *r);

/**
 * @brief The device's error (message, origin, every rpc-error), or NULL when it succeeded.
 * @return Borrowed; valid during the callback (devconf_error_dup() keeps it).
 * @since 0.2
 */
DEVCONF_API const devconf_error *devconf_fleet_result_error(const devconf_fleet_result *r);

/**
 * @brief Result text of the job (read data, RPC output, diff), or NULL when it has none.
 * @return Borrowed; valid during the callback.
 * @since 0.2
 */
DEVCONF_API const char *devconf_fleet_result_data(const devconf_fleet_result *r);

/** @brief Wall time of the device's job, connect included. @since 0.2 */
DEVCONF_API int64_t devconf_fleet_result_elapsed_ms(const devconf_fleet_result *r);

/** @brief Connect attempts made (1 without retries). @since 0.2 */
DEVCONF_API unsigned int devconf_fleet_result_attempts(const devconf_fleet_result *r);

/** @brief What a fleet transaction did on one device. */
typedef enum devconf_fleet_txn_state {
    DEVCONF_FLEET_TXN_NONE = 0,          /**< Not a transaction, or the device was never changed. */
    DEVCONF_FLEET_TXN_COMMITTED = 1,     /**< The change is in running, confirmed. */
    DEVCONF_FLEET_TXN_REVERTED = 2,      /**< Changed, then put back (cancel-commit, discard or snapshot). */
    DEVCONF_FLEET_TXN_REVERT_FAILED = 3  /**< Changed, and putting it back failed: look at this device (a
                                              pending confirmed commit still reverts by the device's timer). */
} devconf_fleet_txn_state;

/** @brief The transaction state of the device (::DEVCONF_FLEET_TXN_NONE outside transactions). @since 0.2 */
DEVCONF_API devconf_fleet_txn_state devconf_fleet_result_txn_state(const devconf_fleet_result *r);

/** @brief What an all-or-nothing transaction does with devices that cannot give the guarantee. */
typedef enum devconf_fleet_weak {
    /** Refuse the whole transaction when a selected device lacks a candidate, confirmed-commit 1.1
     *  (persist) or locks (RESTCONF): nothing is changed anywhere; the message names the devices. */
    DEVCONF_FLEET_WEAK_REFUSE = 0,
    /** Accept them with a weaker guarantee: their running configuration is read first and restored
     *  if the transaction fails (a client that dies in between leaves them changed). */
    DEVCONF_FLEET_WEAK_SNAPSHOT = 1
} devconf_fleet_weak;

/** @brief Options of devconf_fleet_transaction(). Initialise with ::DEVCONF_FLEET_TXN_OPTIONS_INIT. */
typedef struct devconf_fleet_txn_options {
    unsigned int version;                     /**< ::DEVCONF_FLEET_TXN_OPTIONS_VERSION. */
    uint32_t confirm_seconds;                 /**< Revert timer of the confirmed commits; 0: 120 s. */
    devconf_fleet_weak weak;                  /**< Devices without the guarantee. */
    devconf_edit_operation default_operation; /**< Merge or replace. */
    /* New fields are appended here only, with a version bump. */
} devconf_fleet_txn_options;
/** Current version of ::devconf_fleet_txn_options. */
#define DEVCONF_FLEET_TXN_OPTIONS_VERSION 1
/** Static initialiser for ::devconf_fleet_txn_options. */
#define DEVCONF_FLEET_TXN_OPTIONS_INIT { DEVCONF_FLEET_TXN_OPTIONS_VERSION, 0, DEVCONF_FLEET_WEAK_REFUSE, DEVCONF_EDIT_MERGE }

/**
 * @brief Initialise transaction options with defaults.
 * @param[out] opts    Struct to fill.
 * @param[in]  version ::DEVCONF_FLEET_TXN_OPTIONS_VERSION.
 * @retval 0 Success. @retval DEVCONF_EINVAL NULL @p opts or a version this library does not know.
 * @since 0.2
 */
DEVCONF_API int devconf_fleet_txn_options_init(devconf_fleet_txn_options *opts, unsigned int version);

/**
 * @brief Change every selected device or none.
 *
 * 1. Connect to every device, check its capabilities (see ::devconf_fleet_weak), lock its candidate,
 *    discard what was staged there, load @p payload, validate where the device can.
 * 2. Confirmed commit with one random persist id on every device (reverted by the device after
 *    @ref devconf_fleet_txn_options.confirm_seconds unless confirmed: a client that dies reverts
 *    everything).
 * 3. Confirm on every device.
 * A failure in 1 or 2 on any device cancels the confirmed commits (cancel-commit with the persist
 * id) and discards the candidates of every device touched; the result callback then reports, per
 * device, what happened (devconf_fleet_result_txn_state()). Every device's session stays open from
 * step 1 to the end: the open file limit is raised to what the selection needs, or the call fails
 * naming it.
 * @param[in]  f       Fleet (its current selection).
 * @param[in]  payload Configuration to load, XML or JSON, as for devconf_edit_config().
 * @param[in]  topts   Transaction options or NULL.
 * @param[in]  opts    Run options (forks, deadlines, callbacks) or NULL.
 * @param[out] summary Counts, or NULL.
 * @retval 0 Every device committed.
 * @retval DEVCONF_EUNSUPPORTED A device cannot give the guarantee and @ref devconf_fleet_txn_options.weak
 *         refuses it: nothing was changed anywhere.
 * @retval DEVCONF_ERROR The transaction failed on a device (the message names it and why) and was
 *         reverted everywhere; see the results for any device whose revert failed.
 * @since 0.2
 */
DEVCONF_API int devconf_fleet_transaction(devconf_fleet *f, const char *payload, const devconf_fleet_txn_options *topts,
                                          const devconf_fleet_options *opts, devconf_fleet_summary *summary);

DEVCONF_END_DECLS

/** @} */
#endif /* DEVCONF_FLEET_H */
