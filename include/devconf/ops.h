/**
 * @file ops.h
 * @brief Datastore operations, protocol-neutral: get, get-config, edit-config, commit, ...
 * @defgroup ops Datastore operations
 *
 * Payloads in (configuration, filters, RPCs) are XML or JSON (RFC 7951); they are parsed against
 * the device's YANG schemas before anything is sent, so an unknown node, a wrong type or malformed
 * text fails with ::DEVCONF_EYANG naming the problem and nothing reaches the device.
 * Results out are XML or JSON as the caller asks, returned through `char **out`: the caller owns
 * the string and frees it with devconf_free(). A session is used by one thread at a time.
 *
 * An operation the device cannot do fails with ::DEVCONF_EUNSUPPORTED naming the missing
 * capability; nothing is sent.
 * @{
 */
#ifndef DEVCONF_OPS_H
#define DEVCONF_OPS_H

#include "common.h"
#include "session.h"

DEVCONF_BEGIN_DECLS

/** @brief Configuration datastores, and inline configuration as a source. */
typedef enum devconf_datastore {
    DEVCONF_DS_RUNNING = 1,   /**< `running`. */
    DEVCONF_DS_CANDIDATE = 2, /**< `candidate` (needs the candidate capability). */
    DEVCONF_DS_STARTUP = 3,   /**< `startup` (needs the startup capability). */
    DEVCONF_DS_CONFIG = 4,    /**< Inline configuration text given with the call (copy-config, validate). */
    DEVCONF_DS_INTENDED = 5,  /**< NMDA `intended` (RFC 8342), read-only: devconf_get_data() only. @since 0.2 */
    DEVCONF_DS_OPERATIONAL = 6 /**< NMDA `operational` (RFC 8342), read-only: devconf_get_data() only. @since 0.2 */
} devconf_datastore;

/** @brief Encoding of a payload or result. */
typedef enum devconf_format {
    DEVCONF_FORMAT_AUTO = 0, /**< Input: detected from the first character ('<' XML, '{' JSON). Output: XML. */
    DEVCONF_FORMAT_XML = 1,  /**< XML, as on the NETCONF wire. */
    DEVCONF_FORMAT_JSON = 2  /**< JSON encoding of YANG data (RFC 7951). */
} devconf_format;

/** @brief Kind of a read filter. */
typedef enum devconf_filter_type {
    DEVCONF_FILTER_AUTO = 0,    /**< Subtree when the filter starts with '<', else XPath. */
    DEVCONF_FILTER_SUBTREE = 1, /**< Subtree filter (RFC 6241 section 6), XML text. */
    DEVCONF_FILTER_XPATH = 2    /**< XPath 1.0 expression (needs the xpath capability on NETCONF). */
} devconf_filter_type;

/** @brief with-defaults retrieval mode (RFC 6243). */
typedef enum devconf_with_defaults {
    DEVCONF_WD_DEVICE = 0,           /**< Do not ask: the device's basic mode applies. */
    DEVCONF_WD_REPORT_ALL = 1,       /**< report-all. */
    DEVCONF_WD_REPORT_ALL_TAGGED = 2,/**< report-all-tagged: defaults carry `wd:default="true"`. */
    DEVCONF_WD_TRIM = 3,             /**< trim: values equal to their default are left out. */
    DEVCONF_WD_EXPLICIT = 4          /**< explicit: only values that were set. */
} devconf_with_defaults;


/**
 * @brief Options every operation takes: its own timeout and a cancel callback. Initialise with
 *        ::DEVCONF_CALL_OPTIONS_INIT or devconf_call_options_init(); NULL means the defaults.
 */
typedef struct devconf_call_options {
    unsigned int version;            /**< ::DEVCONF_CALL_OPTIONS_VERSION. */
    int timeout_ms;                  /**< End-to-end bound of this call; 0: the session's RPC timeout. */
    devconf_cancel_cb cancel_cb;     /**< NULL: the call runs until done or timed out. */
    void *cancel_payload;            /**< Passed to @ref cancel_cb. */
    /* New fields are appended here only, with a version bump. */
} devconf_call_options;
/** Current version of ::devconf_call_options. */
#define DEVCONF_CALL_OPTIONS_VERSION 1
/** Static initialiser for ::devconf_call_options. */
#define DEVCONF_CALL_OPTIONS_INIT { DEVCONF_CALL_OPTIONS_VERSION, 0, NULL, NULL }

/**
 * @brief Initialise call options with defaults.
 * @param[out] opts    Struct to fill.
 * @param[in]  version ::DEVCONF_CALL_OPTIONS_VERSION.
 * @retval 0 Success. @retval DEVCONF_EINVAL NULL @p opts or a version this library does not know.
 * @since 0.2
 */
DEVCONF_API int devconf_call_options_init(devconf_call_options *opts, unsigned int version);

/**
 * @brief Options of devconf_get() and devconf_get_config().
 * Initialise with ::DEVCONF_READ_OPTIONS_INIT; NULL means all defaults.
 */
typedef struct devconf_read_options {
    unsigned int version;                /**< ::DEVCONF_READ_OPTIONS_VERSION. */
    devconf_filter_type filter_type;     /**< How to read the filter argument. */
    devconf_with_defaults with_defaults; /**< with-defaults mode (needs the with-defaults capability). */
    devconf_format format;               /**< Result encoding; AUTO means XML. */
    /* version 2 */
    unsigned int depth;                  /**< RESTCONF `depth`: levels of the target returned; 0: all. NETCONF: must be 0. */
    const char *fields;                  /**< RESTCONF `fields` expression (RFC 8040 4.8.3); NULL: all. NETCONF: must be NULL. */
    /* version 3 */
    int device_text;                     /**< Non-zero: return the content of the reply's `<data>` as the device
                                              sent it (its formatting; the namespace declarations it inherited
                                              from the reply's envelope are copied onto each top-level element)
                                              instead of parsing it with the device's schemas and printing it
                                              again. XML output only (EINVAL with JSON). NETCONF: the reply is
                                              never parsed into a tree: for a large datastore several times faster
                                              and lighter. RESTCONF: no effect (the reply is re-encoded). */
    /* version 4 */
    int timeout_ms;                      /**< End-to-end bound of this call; 0: the session's RPC timeout. @since 0.2 */
    devconf_cancel_cb cancel_cb;         /**< Cancel callback, or NULL. @since 0.2 */
    void *cancel_payload;                /**< Passed to @ref cancel_cb. @since 0.2 */
    /* New fields are appended here only, with a version bump. */
} devconf_read_options;
/** Current version of ::devconf_read_options (version 1 ends at @ref devconf_read_options.format, version 2 at
 *  @ref devconf_read_options.fields, version 3 at @ref devconf_read_options.device_text). */
#define DEVCONF_READ_OPTIONS_VERSION 4
/** Static initialiser for ::devconf_read_options. */
#define DEVCONF_READ_OPTIONS_INIT { DEVCONF_READ_OPTIONS_VERSION, DEVCONF_FILTER_AUTO, DEVCONF_WD_DEVICE, DEVCONF_FORMAT_AUTO, 0, NULL, 0, 0, NULL, NULL }

/**
 * @brief Initialise read options with defaults.
 * @param[out] opts    Struct to fill.
 * @param[in]  version ::DEVCONF_READ_OPTIONS_VERSION.
 * @retval 0 Success. @retval DEVCONF_EINVAL NULL @p opts or a version this library does not know.
 * @since 0.2
 */
DEVCONF_API int devconf_read_options_init(devconf_read_options *opts, unsigned int version);

/** @brief edit-config default-operation. */
typedef enum devconf_edit_operation {
    DEVCONF_EDIT_MERGE = 0,   /**< merge (the protocol default). */
    DEVCONF_EDIT_REPLACE = 1, /**< replace. */
    DEVCONF_EDIT_NONE = 2     /**< none: only nodes with an explicit operation change. */
} devconf_edit_operation;

/** @brief edit-config test-option (needs the validate capability when set). */
typedef enum devconf_test_option {
    DEVCONF_TEST_DEVICE = 0,        /**< Not sent: the device's default. */
    DEVCONF_TEST_THEN_SET = 1,      /**< test-then-set. */
    DEVCONF_TEST_SET = 2,           /**< set. */
    DEVCONF_TEST_ONLY = 3           /**< test-only (validate 1.1). */
} devconf_test_option;

/** @brief edit-config error-option. */
typedef enum devconf_error_option {
    DEVCONF_ERROR_OPTION_DEVICE = 0,   /**< Not sent: stop-on-error. */
    DEVCONF_ERROR_OPTION_STOP = 1,     /**< stop-on-error. */
    DEVCONF_ERROR_OPTION_CONTINUE = 2, /**< continue-on-error. */
    DEVCONF_ERROR_OPTION_ROLLBACK = 3  /**< rollback-on-error (needs the rollback-on-error capability). */
} devconf_error_option;

/**
 * @brief Options of devconf_edit_config(). Initialise with ::DEVCONF_EDIT_OPTIONS_INIT; NULL means defaults.
 */
typedef struct devconf_edit_options {
    unsigned int version;                     /**< ::DEVCONF_EDIT_OPTIONS_VERSION. */
    devconf_edit_operation default_operation; /**< default-operation. */
    devconf_test_option test_option;          /**< test-option. */
    devconf_error_option error_option;        /**< error-option. */
    devconf_format format;                    /**< Payload encoding; AUTO detects it. */
    /* version 2 */
    int if_match;                             /**< RESTCONF optimistic locking: send `If-Match` with the ETag of the
                                                   last read (devconf_session_etag()); the edit fails with HTTP 412
                                                   when the resource changed since. NETCONF: must be 0. */
    /* version 3 */
    int timeout_ms;                           /**< End-to-end bound of this call; 0: the session's RPC timeout. @since 0.2 */
    devconf_cancel_cb cancel_cb;              /**< Cancel callback, or NULL. @since 0.2 */
    void *cancel_payload;                     /**< Passed to @ref cancel_cb. @since 0.2 */
    /* New fields are appended here only, with a version bump. */
} devconf_edit_options;
/** Current version of ::devconf_edit_options (version 1 ends at @ref devconf_edit_options.format, version 2 at
 *  @ref devconf_edit_options.if_match). */
#define DEVCONF_EDIT_OPTIONS_VERSION 3
/** Static initialiser for ::devconf_edit_options. */
#define DEVCONF_EDIT_OPTIONS_INIT { DEVCONF_EDIT_OPTIONS_VERSION, DEVCONF_EDIT_MERGE, DEVCONF_TEST_DEVICE, DEVCONF_ERROR_OPTION_DEVICE, DEVCONF_FORMAT_AUTO, 0, 0, NULL, NULL }

/**
 * @brief Initialise edit options with defaults.
 * @param[out] opts    Struct to fill.
 * @param[in]  version ::DEVCONF_EDIT_OPTIONS_VERSION.
 * @retval 0 Success. @retval DEVCONF_EINVAL NULL @p opts or a version this library does not know.
 * @since 0.2
 */
DEVCONF_API int devconf_edit_options_init(devconf_edit_options *opts, unsigned int version);

/**
 * @brief Options of devconf_commit(). Initialise with ::DEVCONF_COMMIT_OPTIONS_INIT; NULL is a plain commit.
 */
typedef struct devconf_commit_options {
    unsigned int version;     /**< ::DEVCONF_COMMIT_OPTIONS_VERSION. */
    int confirmed;            /**< Non-zero: confirmed commit, reverted unless confirmed in time. */
    uint32_t confirm_timeout; /**< Seconds until the revert; 0: the device's default (600). */
    const char *persist;      /**< Persist id: the confirmed commit survives the session (confirmed-commit 1.1). */
    const char *persist_id;   /**< Confirm a commit started with this persist id, from any session. */
    /* version 2 */
    int timeout_ms;                  /**< End-to-end bound of this call; 0: the session's RPC timeout. @since 0.2 */
    devconf_cancel_cb cancel_cb;     /**< Cancel callback, or NULL. @since 0.2 */
    void *cancel_payload;            /**< Passed to @ref cancel_cb. @since 0.2 */
    /* New fields are appended here only, with a version bump. */
} devconf_commit_options;
/** Current version of ::devconf_commit_options (version 1 ends at @ref devconf_commit_options.persist_id). */
#define DEVCONF_COMMIT_OPTIONS_VERSION 2
/** Static initialiser for ::devconf_commit_options. */
#define DEVCONF_COMMIT_OPTIONS_INIT { DEVCONF_COMMIT_OPTIONS_VERSION, 0, 0, NULL, NULL, 0, NULL, NULL }

/**
 * @brief Initialise commit options with defaults (a plain commit).
 * @param[out] opts    Struct to fill.
 * @param[in]  version ::DEVCONF_COMMIT_OPTIONS_VERSION.
 * @retval 0 Success. @retval DEVCONF_EINVAL NULL @p opts or a version this library does not know.
 * @since 0.2
 */
DEVCONF_API int devconf_commit_options_init(devconf_commit_options *opts, unsigned int version);

/**
 * @brief Options of devconf_rpc(). Initialise with ::DEVCONF_RPC_OPTIONS_INIT; NULL means defaults.
 */
typedef struct devconf_rpc_options {
    unsigned int version;            /**< ::DEVCONF_RPC_OPTIONS_VERSION. */
    devconf_format format;           /**< Encoding of the result; AUTO: the encoding of the RPC. */
    int timeout_ms;                  /**< End-to-end bound of this call; 0: the session's RPC timeout. */
    devconf_cancel_cb cancel_cb;     /**< Cancel callback, or NULL. */
    void *cancel_payload;            /**< Passed to @ref cancel_cb. */
    /* New fields are appended here only, with a version bump. */
} devconf_rpc_options;
/** Current version of ::devconf_rpc_options. */
#define DEVCONF_RPC_OPTIONS_VERSION 1
/** Static initialiser for ::devconf_rpc_options. */
#define DEVCONF_RPC_OPTIONS_INIT { DEVCONF_RPC_OPTIONS_VERSION, DEVCONF_FORMAT_AUTO, 0, NULL, NULL }

/**
 * @brief Initialise RPC options with defaults.
 * @param[out] opts    Struct to fill.
 * @param[in]  version ::DEVCONF_RPC_OPTIONS_VERSION.
 * @retval 0 Success. @retval DEVCONF_EINVAL NULL @p opts or a version this library does not know.
 * @since 0.2
 */
DEVCONF_API int devconf_rpc_options_init(devconf_rpc_options *opts, unsigned int version);

/** @brief NMDA config-filter of devconf_get_data() (RFC 8526 3.1.1). */
typedef enum devconf_config_filter {
    DEVCONF_CONFIG_FILTER_ANY = 0,      /**< Not sent: configuration and state data. */
    DEVCONF_CONFIG_FILTER_CONFIG = 1,   /**< `config-filter true`: only `config true` nodes. */
    DEVCONF_CONFIG_FILTER_NONCONFIG = 2 /**< `config-filter false`: only `config false` nodes (and their ancestors). */
} devconf_config_filter;

/**
 * @brief Options of devconf_get_data() (NMDA, RFC 8526). Initialise with ::DEVCONF_GET_DATA_OPTIONS_INIT or
 *        devconf_get_data_options_init(); NULL means all defaults.
 */
typedef struct devconf_get_data_options {
    unsigned int version;                /**< ::DEVCONF_GET_DATA_OPTIONS_VERSION. */
    devconf_filter_type filter_type;     /**< How to read the filter argument (subtree-filter or xpath-filter). */
    devconf_config_filter config_filter; /**< config-filter. */
    const char *const *origins;          /**< origin-filter: @ref origin_count origin identities, "intended",
                                              "ietf-origin:system", or "module:identity" for an identity derived
                                              from ietf-origin's `origin`; each is checked against the device's
                                              schemas. Borrowed for the call. Operational only; NULL: none. */
    size_t origin_count;                 /**< Number of entries of @ref origins. */
    int negate_origins;                  /**< Non-zero: negated-origin-filter (leave those origins out). */
    unsigned int max_depth;              /**< max-depth, 1 to 65535; 0: unbounded (not sent). */
    int with_origin;                     /**< Non-zero: ask for `or:origin` metadata (operational only). Zero: any
                                              origin metadata the device sends anyway is removed. */
    devconf_with_defaults with_defaults; /**< with-defaults (needs the with-defaults feature of ietf-netconf-nmda). */
    devconf_format format;               /**< Result encoding; AUTO means XML. */
    int timeout_ms;                      /**< End-to-end bound of this call; 0: the session's RPC timeout. */
    devconf_cancel_cb cancel_cb;         /**< Cancel callback, or NULL. */
    void *cancel_payload;                /**< Passed to @ref cancel_cb. */
    /* New fields are appended here only, with a version bump. */
} devconf_get_data_options;
/** Current version of ::devconf_get_data_options. */
#define DEVCONF_GET_DATA_OPTIONS_VERSION 1
/** Static initialiser for ::devconf_get_data_options. */
#define DEVCONF_GET_DATA_OPTIONS_INIT { DEVCONF_GET_DATA_OPTIONS_VERSION, DEVCONF_FILTER_AUTO, DEVCONF_CONFIG_FILTER_ANY, \
                                        NULL, 0, 0, 0, 0, DEVCONF_WD_DEVICE, DEVCONF_FORMAT_AUTO, 0, NULL, NULL }

/**
 * @brief Initialise get-data options with defaults.
 * @param[out] opts    Struct to fill.
 * @param[in]  version ::DEVCONF_GET_DATA_OPTIONS_VERSION.
 * @retval 0 Success. @retval DEVCONF_EINVAL NULL @p opts or a version this library does not know.
 * @since 0.2
 */
DEVCONF_API int devconf_get_data_options_init(devconf_get_data_options *opts, unsigned int version);

/** @brief Name of a datastore ("running", ...). @return Static string; never NULL. @since 0.1 */
DEVCONF_API const char *devconf_datastore_name(devconf_datastore ds);

/**
 * @brief Retrieve configuration and state data (`<get>`).
 *
 * RESTCONF has no filters: an XPath filter must be a data path (module-qualified first node, list
 * entries by all their keys), which becomes the resource path; a subtree filter is translated into
 * a resource path plus a `fields` expression where those say the same (list keys are always
 * selected), and what they cannot say (a content match on a non-key leaf, several entries of one
 * list, attributes) fails with ::DEVCONF_EUNSUPPORTED, whose message says what to write instead;
 * nothing is sent then.
 * @param[out] out    Data as XML or JSON ("" or "{}" when empty); free with devconf_free().
 * @param[in]  s      Session.
 * @param[in]  filter Subtree filter (XML) or XPath; NULL for everything.
 * @param[in]  opts   Options or NULL.
 * @retval 0 Success. @retval DEVCONF_ERPC The device refused; see devconf_error_last().
 * @retval DEVCONF_EUNSUPPORTED XPath or with-defaults asked of a device without them.
 * @since 0.1
 */
DEVCONF_API int devconf_get(char **out, devconf_session *s, const char *filter, const devconf_read_options *opts);

/**
 * @brief Retrieve configuration from a datastore (`<get-config>`).
 *
 * Filters over RESTCONF: as for devconf_get(). A read with a `depth` keeps the containers it cut
 * (depth 1 prints the target itself, empty); list entries cut before their keys come back as the
 * device sent them, in the device's encoding only (asked for in the other, ::DEVCONF_EUNSUPPORTED).
 * @param[out] out    Configuration as XML or JSON; free with devconf_free().
 * @param[in]  s      Session.
 * @param[in]  source ::DEVCONF_DS_RUNNING, ::DEVCONF_DS_CANDIDATE or ::DEVCONF_DS_STARTUP.
 * @param[in]  filter Subtree filter (XML) or XPath; NULL for everything.
 * @param[in]  opts   Options or NULL.
 * @retval 0 Success. @retval DEVCONF_ERPC The device refused.
 * @retval DEVCONF_EUNSUPPORTED The device lacks the datastore, XPath or with-defaults.
 * @retval DEVCONF_ENOTFOUND RESTCONF: the resource the filter selects does not exist (HTTP 404).
 * Every operation may also fail with ::DEVCONF_ETIMEOUT (its timeout passed), ::DEVCONF_ECANCELED (its
 * cancel callback stopped it), ::DEVCONF_ECONNECT (the connection is gone) and ::DEVCONF_EPROTO (the
 * device's reply is malformed, or larger than the session's max_reply_bytes).
 * @since 0.1
 */
DEVCONF_API int devconf_get_config(char **out, devconf_session *s, devconf_datastore source, const char *filter,
                                   const devconf_read_options *opts);

/**
 * @brief Change configuration (`<edit-config>`).
 *
 * @p config is the content of `<config>`: one or more top-level nodes in XML, or an RFC 7951 JSON
 * object. Per-node operations go in the payload: `nc:operation="delete"` in XML
 * (`xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"`), `"@node": {"ietf-netconf:operation": "delete"}`
 * in JSON. The payload is validated against the device's schemas first.
 * @param[in] s      Session.
 * @param[in] target ::DEVCONF_DS_CANDIDATE or ::DEVCONF_DS_RUNNING.
 * @param[in] config Payload; borrowed.
 * @param[in] opts   Options or NULL.
 * @retval 0 Success. @retval DEVCONF_EYANG Payload refused locally; nothing sent.
 * @retval DEVCONF_ERPC The device refused.
 * @since 0.1
 */
DEVCONF_API int devconf_edit_config(devconf_session *s, devconf_datastore target, const char *config,
                                    const devconf_edit_options *opts);

/**
 * @brief Read a datastore of the Network Management Datastore Architecture (`<get-data>`, RFC 8526).
 *
 * Needs a device with NMDA: devconf_session_has_capability(s, "nmda") is 1 when its YANG library (or its
 * hello) lists the module ietf-netconf-nmda (NETCONF), or when it serves the RFC 8525 YANG library and says
 * so in its yang-library-version (RESTCONF, RFC 8527). Without it the call fails with ::DEVCONF_EUNSUPPORTED
 * and nothing is sent. The filter is checked against the device's schemas as for devconf_get();
 * origin identities are checked too. with-origin and an origin filter are for ::DEVCONF_DS_OPERATIONAL only
 * (RFC 8526's `when`): with another datastore they fail with ::DEVCONF_EINVAL, nothing sent. The result
 * carries the `origin` metadata (XML `or:origin="or:intended"`, JSON `"@": {"ietf-origin:origin": ...}`)
 * when asked for with @ref devconf_get_data_options.with_origin, and never otherwise.
 *
 * Devices whose get-data is known to ignore what it is asked (yuma123 netconfd 2.13 answers every
 * get-data with its whole operational datastore, and its edit-data changes nothing) fail with
 * ::DEVCONF_EUNSUPPORTED for what they would answer wrongly, naming the server's bug; nothing is sent.
 * Over RESTCONF it is a GET of the datastore resource (RFC 8527, `{+restconf}/ds/ietf-datastores:NAME`):
 * the subtree filter becomes a resource path and `fields` as for devconf_get(), max-depth is `depth`,
 * config-filter is `content`, with-origin is `with-origin` (needs the server's with-origin capability),
 * with-defaults needs its defaults capability; RESTCONF has no origin filter (::DEVCONF_EUNSUPPORTED,
 * nothing sent). A conventional datastore's result is configuration only, whatever the server sends.
 * @param[out] out    Data as XML or JSON ("" or "{}" when empty); free with devconf_free().
 * @param[in]  s      Session.
 * @param[in]  ds     ::DEVCONF_DS_RUNNING, ::DEVCONF_DS_CANDIDATE, ::DEVCONF_DS_STARTUP, ::DEVCONF_DS_INTENDED
 *                    or ::DEVCONF_DS_OPERATIONAL.
 * @param[in]  filter Subtree filter (XML) or XPath; NULL for everything. Borrowed.
 * @param[in]  opts   Options or NULL; copied as of its version.
 * @retval 0 Success. @retval DEVCONF_EINVAL Bad datastore, options, or with-origin/origin filter with a
 *         datastore other than operational. @retval DEVCONF_EYANG The filter or an origin identity is not
 *         known to the device's schemas; nothing sent. @retval DEVCONF_EUNSUPPORTED No NMDA, no such datastore
 *         (candidate, startup), no `origin` or `with-defaults` feature, or a known server bug.
 * @retval DEVCONF_ERPC The device refused.
 * @since 0.2
 */
DEVCONF_API int devconf_get_data(char **out, devconf_session *s, devconf_datastore ds, const char *filter,
                                 const devconf_get_data_options *opts);

/**
 * @brief Change a datastore (`<edit-data>`, RFC 8526).
 *
 * The payload is as for devconf_edit_config() (per-node operations with `nc:operation` or the
 * ietf-netconf operation metadata) and is validated against the device's schemas first. Of the edit
 * options only default_operation (merge, replace, none), format, timeout_ms and the cancel callback
 * apply: edit-data has no test-option or error-option (::DEVCONF_EINVAL when set).
 * Needs NMDA, as devconf_get_data(); candidate and startup need those capabilities, running needs
 * writable-running. Over RESTCONF the edit goes to the datastore resource (RFC 8527) as the plain PATCHes
 * of devconf_edit_config(), or one YANG Patch where the server has it; a candidate edited so is the
 * server's own (commit it with devconf_commit() where the server has a commit operation).
 * @param[in] s      Session.
 * @param[in] ds     ::DEVCONF_DS_RUNNING, ::DEVCONF_DS_CANDIDATE or ::DEVCONF_DS_STARTUP (intended and
 *                   operational are read-only: ::DEVCONF_EINVAL).
 * @param[in] config Payload; borrowed.
 * @param[in] opts   Options or NULL.
 * @retval 0 Success. @retval DEVCONF_EYANG Payload refused locally; nothing sent.
 * @retval DEVCONF_EINVAL Bad datastore or options. @retval DEVCONF_EUNSUPPORTED As for devconf_get_data().
 * @retval DEVCONF_ERPC The device refused.
 * @since 0.2
 */
DEVCONF_API int devconf_edit_data(devconf_session *s, devconf_datastore ds, const char *config,
                                  const devconf_edit_options *opts);

/**
 * @brief Commit the candidate to running (`<commit>`), plain or confirmed.
 *
 * RESTCONF has no confirmed commit. On a server without a staging area (the session's own
 * candidate; capability `urn:devconf:restconf:client-confirmed-commit`) the session keeps one: it
 * reads running first (the snapshot), sends the staged edits, and a timer on a thread of the
 * session turns running back into the snapshot unless a commit confirms it in time;
 * devconf_cancel_commit() and devconf_session_free() revert at once. **The guarantee is weaker
 * than NETCONF's: the revert needs this process and this session to live until the timeout; a
 * client that dies, or loses the device, reverts nothing.** There is no persist id
 * (::DEVCONF_EUNSUPPORTED): only this session can confirm it. The first commit after the timer
 * reverted fails with ::DEVCONF_ETIMEOUT instead of confirming nothing in silence. Every call on
 * the session waits while the timer reverts, and the context's log callback is then called from
 * the timer's thread.
 * @param[in] s    Session.
 * @param[in] opts Options or NULL for a plain commit.
 * @retval 0 Success. @retval DEVCONF_ERPC The device refused.
 * @retval DEVCONF_EUNSUPPORTED No candidate, or confirmed/persist without confirmed-commit.
 * @retval DEVCONF_ETIMEOUT RESTCONF: a confirmation that came after the session's timer reverted the commit.
 * @since 0.1
 */
DEVCONF_API int devconf_commit(devconf_session *s, const devconf_commit_options *opts);

/**
 * @brief Cancel an ongoing confirmed commit (`<cancel-commit>`), reverting it.
 *
 * RESTCONF: reverts the session's own confirmed commit now (see devconf_commit()); 0 also when its
 * timer reverted it already; ::DEVCONF_EINVAL when none is pending; no persist id.
 * @param[in] s          Session.
 * @param[in] persist_id The commit's persist id, or NULL for one started by this session.
 * @param[in] opts       Timeout and cancel callback, or NULL.
 * @retval 0 Success. @retval DEVCONF_ERPC No commit to cancel, or refused.
 * @retval DEVCONF_EUNSUPPORTED No confirmed-commit 1.1.
 * @since 0.1
 */
DEVCONF_API int devconf_cancel_commit(devconf_session *s, const char *persist_id, const devconf_call_options *opts);

/**
 * @brief Drop uncommitted changes from the candidate (`<discard-changes>`).
 * @param[in] s    Session.
 * @param[in] opts Timeout and cancel callback, or NULL.
 * @retval 0 Success. @retval DEVCONF_ERPC Refused. @retval DEVCONF_EUNSUPPORTED No candidate.
 * @since 0.1
 */
DEVCONF_API int devconf_discard_changes(devconf_session *s, const devconf_call_options *opts);

/**
 * @brief Lock a datastore (`<lock>`).
 * @param[in] s  Session.
 * @param[in] ds Datastore to lock.
 * @param[in] opts Timeout and cancel callback, or NULL.
 * @retval 0 Success. @retval DEVCONF_ERPC Refused; tag "lock-denied" names the holder's session id in error-info.
 * @retval DEVCONF_EUNSUPPORTED The datastore does not exist on the device, or the protocol has no locks.
 * @since 0.1
 */
DEVCONF_API int devconf_lock(devconf_session *s, devconf_datastore ds, const devconf_call_options *opts);

/**
 * @brief Unlock a datastore (`<unlock>`).
 * @param[in] s  Session.
 * @param[in] ds Datastore to unlock.
 * @param[in] opts Timeout and cancel callback, or NULL.
 * @retval 0 Success. @retval DEVCONF_ERPC Refused (for example not locked by this session).
 * @retval DEVCONF_EUNSUPPORTED As for devconf_lock().
 * @since 0.1
 */
DEVCONF_API int devconf_unlock(devconf_session *s, devconf_datastore ds, const devconf_call_options *opts);

/**
 * @brief Validate a datastore or inline configuration on the device (`<validate>`).
 * @param[in] s      Session.
 * @param[in] source A datastore, or ::DEVCONF_DS_CONFIG to validate @p config.
 * @param[in] config Configuration text when @p source is ::DEVCONF_DS_CONFIG, else NULL.
 * @param[in] opts   Timeout and cancel callback, or NULL.
 * @retval 0 Valid. @retval DEVCONF_ERPC Invalid, or refused. @retval DEVCONF_EUNSUPPORTED No validate capability.
 * @since 0.1
 */
DEVCONF_API int devconf_validate(devconf_session *s, devconf_datastore source, const char *config,
                                 const devconf_call_options *opts);

/**
 * @brief Copy a whole configuration (`<copy-config>`).
 * @param[in] s      Session.
 * @param[in] target Datastore to overwrite.
 * @param[in] source Datastore to copy, or ::DEVCONF_DS_CONFIG to copy @p config.
 * @param[in] config Configuration text when @p source is ::DEVCONF_DS_CONFIG, else NULL.
 * @param[in] opts   Timeout and cancel callback, or NULL.
 * @retval 0 Success. @retval DEVCONF_ERPC Refused. @retval DEVCONF_EYANG @p config is invalid; nothing sent.
 * @since 0.1
 */
DEVCONF_API int devconf_copy_config(devconf_session *s, devconf_datastore target, devconf_datastore source,
                                    const char *config, const devconf_call_options *opts);

/**
 * @brief Delete a configuration datastore (`<delete-config>`); running cannot be deleted.
 * @param[in] s      Session.
 * @param[in] target Datastore to delete (startup, or candidate where the device allows it).
 * @param[in] opts   Timeout and cancel callback, or NULL.
 * @retval 0 Success. @retval DEVCONF_ERPC Refused. @retval DEVCONF_EINVAL Target is running.
 * @since 0.1
 */
DEVCONF_API int devconf_delete_config(devconf_session *s, devconf_datastore target, const devconf_call_options *opts);

/**
 * @brief Download a schema from the device (`<get-schema>`, RFC 6022).
 * @param[out] out        Schema text; free with devconf_free().
 * @param[in]  s          Session.
 * @param[in]  identifier Module or submodule name.
 * @param[in]  version    Revision, or NULL for the device's choice.
 * @param[in]  format     "yang" (default when NULL) or "yin".
 * @param[in]  opts       Timeout and cancel callback, or NULL.
 * @retval 0 Success. @retval DEVCONF_ERPC The device does not have it.
 * @retval DEVCONF_EUNSUPPORTED No ietf-netconf-monitoring.
 * @since 0.1
 */
DEVCONF_API int devconf_get_schema(char **out, devconf_session *s, const char *identifier, const char *version,
                                   const char *format, const devconf_call_options *opts);

/** Most XPath selects devconf_partial_lock() takes at once. */
#define DEVCONF_MAX_PARTIAL_LOCK_SELECTS 256

/**
 * @brief Lock part of the running datastore (`<partial-lock>`, RFC 5717).
 *
 * Each select is an XPath 1.0 expression written with module names as prefixes, as the XPath
 * filters of reads (`/ietf-interfaces:interfaces/interface[name='eth0']`: a name without a prefix
 * is in the module of the prefix before it); devconf sends every name test with its module's XML
 * prefix and namespace declaration, since to the device a name without a prefix has no namespace.
 * Each must compile against the session's schemas, name something and name configuration nodes
 * only, or nothing is sent. The device locks the
 * instances the selects name at this moment; other sessions cannot change them (RFC 5717 2.4) until
 * devconf_partial_unlock() or the end of this session. A session may hold several partial locks.
 * NETCONF only.
 * @param[in]  s       Session.
 * @param[in]  selects XPath expressions; borrowed for the call.
 * @param[in]  n       How many (1 to ::DEVCONF_MAX_PARTIAL_LOCK_SELECTS).
 * @param[out] lock_id The lock's id (the device's), for devconf_partial_unlock(); unchanged on failure.
 * @param[in]  opts    Timeout and cancel callback, or NULL.
 * @retval 0 Success.
 * @retval DEVCONF_EINVAL NULL or empty argument, @p n 0 or over the limit.
 * @retval DEVCONF_EYANG A select does not compile against the schemas, names nothing, or names
 *         state data; nothing was sent.
 * @retval DEVCONF_ERPC Refused; tag "lock-denied" when another session holds a lock on part of it
 *         (the error message names that session's id when the device gives it in error-info).
 * @retval DEVCONF_EUNSUPPORTED The device does not announce :partial-lock, or RESTCONF.
 * @retval DEVCONF_EPROTO The reply has no valid lock-id.
 * @retval DEVCONF_ETIMEOUT, DEVCONF_ECONNECT, DEVCONF_ECANCELED As for every request.
 * @since 0.2
 */
DEVCONF_API int devconf_partial_lock(devconf_session *s, const char *const *selects, size_t n, uint32_t *lock_id,
                                     const devconf_call_options *opts);

/**
 * @brief Release a partial lock (`<partial-unlock>`, RFC 5717).
 * @param[in] s       Session that holds the lock.
 * @param[in] lock_id Id from devconf_partial_lock().
 * @param[in] opts    Timeout and cancel callback, or NULL.
 * @retval 0 Success. @retval DEVCONF_ERPC Refused (an id this session does not hold).
 * @retval DEVCONF_EUNSUPPORTED As for devconf_partial_lock().
 * @since 0.2
 */
DEVCONF_API int devconf_partial_unlock(devconf_session *s, uint32_t lock_id, const devconf_call_options *opts);

/**
 * @brief Force another session to close (`<kill-session>`).
 * @param[in] s          Session.
 * @param[in] session_id Id of the session to kill (not this session's own).
 * @param[in] opts       Timeout and cancel callback, or NULL.
 * @retval 0 Success. @retval DEVCONF_ERPC Refused. @retval DEVCONF_EINVAL 0 or own session id.
 * @since 0.1
 */
DEVCONF_API int devconf_kill_session(devconf_session *s, uint32_t session_id, const devconf_call_options *opts);

/**
 * @brief Send any RPC or YANG 1.1 action and return its output.
 * @param[out] out    Output as XML (the children of `<rpc-reply>`) or JSON (`{"module:output": {...}}`);
 *                    "" for an `<ok/>` reply; free with devconf_free().
 * @param[in]  s      Session.
 * @param[in]  rpc    The RPC element (XML, for example `<get-schema xmlns="...">...`) or its JSON
 *                    encoding (`{"module:rpc": {...}}`); validated against the device's schemas.
 * @param[in]  opts   Result encoding (AUTO: the encoding of @p rpc), timeout, cancel callback; or NULL.
 * @retval 0 Success. @retval DEVCONF_EYANG Unknown RPC or bad input; nothing sent.
 * @retval DEVCONF_ERPC The device refused.
 * @since 0.1
 */
DEVCONF_API int devconf_rpc(char **out, devconf_session *s, const char *rpc, const devconf_rpc_options *opts);

/** @brief Forms of devconf_diff() output. */
typedef enum devconf_diff_format {
    DEVCONF_DIFF_UNIFIED = 0,   /**< A unified diff of the configuration text (XML), for people. */
    DEVCONF_DIFF_EDIT_XML = 1,  /**< The edit-config payload (XML, nc:operation on each change) that expresses exactly the change. */
    DEVCONF_DIFF_EDIT_JSON = 2  /**< The same, in JSON (RFC 7951 metadata "@": {"ietf-netconf:operation": ...}). */
} devconf_diff_format;

/**
 * @brief What an edit would change: reads the datastore, applies the edit locally with
 *        edit-config semantics, and compares. Nothing is written to the device.
 * @param[out] out    The difference in the requested form ("" when the edit changes nothing);
 *                    free with devconf_free().
 * @param[in]  s      Session.
 * @param[in]  target ::DEVCONF_DS_RUNNING or ::DEVCONF_DS_CANDIDATE: the datastore the edit is for.
 * @param[in]  config Edit payload, as for devconf_edit_config().
 * @param[in]  opts   Edit options (default operation, format) or NULL.
 * @param[in]  format Form of the output.
 * @retval 0 Success. @retval DEVCONF_EYANG Payload invalid, or the edit cannot apply (create of
 *         existing data, delete of missing data). @retval DEVCONF_EUNSUPPORTED The datastore cannot be read.
 * @since 0.1
 */
DEVCONF_API int devconf_diff(char **out, devconf_session *s, devconf_datastore target, const char *config,
                             const devconf_edit_options *opts, devconf_diff_format format);

/**
 * @brief Dry run: reads the datastore, applies the edit locally, and validates the whole result
 *        against the schemas (mandatory nodes, must, when, leafref, unique, min/max-elements).
 *        Nothing is written to the device.
 * @param[in] s      Session.
 * @param[in] target ::DEVCONF_DS_RUNNING or ::DEVCONF_DS_CANDIDATE.
 * @param[in] config Edit payload, as for devconf_edit_config().
 * @param[in] opts   Edit options or NULL.
 * @retval 0 The result would be valid.
 * @retval DEVCONF_EYANG It would not: the message names the problem with its data path, and it
 *         is also an entry of devconf_error_rpc_error() (error-type "application", the YANG app-tag
 *         such as "instance-required", path and message), found locally. libyang 2.1 stops at the
 *         first problem.
 * @since 0.1
 */
DEVCONF_API int devconf_dry_run(devconf_session *s, devconf_datastore target, const char *config,
                                const devconf_edit_options *opts);

/**
 * @brief Convert a configuration payload between XML and JSON (RFC 7951) against the session's schemas.
 * @param[out] out  The payload in the other encoding; free with devconf_free().
 * @param[in]  s    Session (its schemas are used; nothing is sent).
 * @param[in]  data Payload, XML (optionally wrapped in `<config>`) or JSON; its encoding is detected.
 * @param[in]  to   ::DEVCONF_FORMAT_XML or ::DEVCONF_FORMAT_JSON.
 * @retval 0 Success. @retval DEVCONF_EYANG @p data does not parse against the schemas.
 * @since 0.1
 */
DEVCONF_API int devconf_convert(char **out, devconf_session *s, const char *data, devconf_format to);

DEVCONF_END_DECLS

/** @} */
#endif /* DEVCONF_OPS_H */
