/**
 * @file notify.h
 * @brief Event notifications: subscriptions and the notifications they deliver.
 *
 * @defgroup notify Notifications
 * @brief One API over both protocols for event notifications.
 *
 * A subscription is made on a session with devconf_subscribe(). Over NETCONF it is an RFC 8639
 * `<establish-subscription>` when the device implements ietf-subscribed-notifications (freeing it
 * sends `<delete-subscription>`), else an RFC 5277 `<create-subscription>` (stream, subtree or XPath
 * filter, start and stop time for replay). Over RESTCONF it is an event stream (RFC 8040 section 6):
 * the stream is looked up in ietf-restconf-monitoring, its location for the wanted encoding (XML or
 * JSON) must be on the session's own server, and it is read as Server-Sent Events on a connection of
 * its own, with the XPath filter, start and stop time as query parameters (subtree filters are
 * refused: RESTCONF takes XPath only).
 *
 * Every notification the device sends is parsed against the session's schemas and kept, with its
 * event time, in a bounded queue that belongs to the subscription. The caller consumes it either by
 * pulling (devconf_subscription_next(), blocking with a timeout) or, when a callback was given, with
 * devconf_subscription_dispatch(), which calls the callback on the calling thread. When the queue is
 * full, newly arriving notifications are dropped and counted (devconf_subscription_dropped()); the
 * next notification kept after a gap says how many were lost just before it
 * (devconf_notification_dropped_before()). Memory is bounded by the queue capacity times the
 * session's max_reply_bytes.
 *
 * Threading: a subscription is the one object that may be used on another thread while its session
 * is in use. One thread may pull from (or dispatch) a subscription while another calls operations
 * on the session (NETCONF :interleave): notifications that arrive while an operation waits for its
 * reply go into the queue, and a pull with no operation in flight reads the session's connection
 * itself. Over RESTCONF the event stream has its own connection, read by the pulls; the session's
 * requests never wait for it. The session must outlive every use of its subscription; devconf_session_free() ends a
 * subscription still open on it (later pulls fail with ::DEVCONF_ECONNECT), but must not run while
 * another thread is inside devconf_subscription_next() or devconf_subscription_dispatch().
 * @{
 */
#ifndef DEVCONF_NOTIFY_H
#define DEVCONF_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "ops.h"
#include "session.h"

DEVCONF_BEGIN_DECLS

/** A subscription to an event stream of one session (opaque). */
typedef struct devconf_subscription devconf_subscription;
/** One event notification (opaque). */
typedef struct devconf_notification devconf_notification;

/**
 * @brief Called by devconf_subscription_dispatch() for each notification, on the dispatching thread.
 * @param[in] n       The notification; borrowed, valid until the callback returns.
 * @param[in] payload The subscription options' @ref devconf_subscribe_options.callback_payload.
 * @return 0 to go on; non-zero stops the dispatch, which fails with ::DEVCONF_EUSER (the notification
 * counts as delivered).
 */
typedef int (*devconf_notification_cb)(const devconf_notification *n, void *payload);

/** Default capacity of a subscription's queue (notifications). */
#define DEVCONF_DEFAULT_QUEUE_CAPACITY 1024

/**
 * @brief Options of devconf_subscribe(). Initialise with ::DEVCONF_SUBSCRIBE_OPTIONS_INIT; NULL means
 * defaults (the NETCONF stream, every event, XML, a queue of ::DEVCONF_DEFAULT_QUEUE_CAPACITY).
 */
typedef struct devconf_subscribe_options {
    unsigned int version;             /**< ::DEVCONF_SUBSCRIBE_OPTIONS_VERSION. */
    const char *stream;               /**< Event stream; NULL: the device's default ("NETCONF", RFC 5277). */
    const char *filter;               /**< Subtree (XML) or XPath filter of the events, or NULL for all. */
    devconf_filter_type filter_type;  /**< Kind of @ref filter; AUTO: subtree when it starts with '<'. */
    const char *start_time;           /**< RFC 3339 date-time: replay stored events from then (needs :replay). */
    const char *stop_time;            /**< RFC 3339 date-time: end the subscription then (needs @ref start_time). */
    devconf_format format;            /**< Encoding of each notification's text: XML (AUTO) or JSON (RFC 7951). */
    size_t queue_capacity;            /**< Notifications kept before new ones are dropped; 0: the default. */
    devconf_notification_cb callback; /**< With devconf_subscription_dispatch(), or NULL to pull. */
    void *callback_payload;           /**< Passed to @ref callback. */
    int timeout_ms;                   /**< Bound of the subscribe request itself; 0: the session's RPC timeout. */
    devconf_cancel_cb cancel_cb;      /**< Cancel callback of the subscribe request, or NULL. */
    void *cancel_payload;             /**< Passed to @ref cancel_cb. */
    /* New fields are appended here only, with a version bump. */
} devconf_subscribe_options;
/** Current version of ::devconf_subscribe_options. */
#define DEVCONF_SUBSCRIBE_OPTIONS_VERSION 1
/** Static initialiser for ::devconf_subscribe_options. */
#define DEVCONF_SUBSCRIBE_OPTIONS_INIT \
    { DEVCONF_SUBSCRIBE_OPTIONS_VERSION, NULL, NULL, DEVCONF_FILTER_AUTO, NULL, NULL, DEVCONF_FORMAT_AUTO, 0, NULL, NULL, 0, NULL, NULL }

/**
 * @brief Initialise subscribe options with defaults.
 * @param[out] opts    Struct to fill.
 * @param[in]  version ::DEVCONF_SUBSCRIBE_OPTIONS_VERSION.
 * @retval 0 Success. @retval DEVCONF_EINVAL NULL @p opts or a version this library does not know.
 * @since 0.2
 */
DEVCONF_API int devconf_subscribe_options_init(devconf_subscribe_options *opts, unsigned int version);

/**
 * @brief Subscribe to an event stream of the device (NETCONF: RFC 8639 `<establish-subscription>`
 * where the device implements ietf-subscribed-notifications, else RFC 5277 `<create-subscription>`;
 * RESTCONF: an RFC 8040 event stream read as Server-Sent Events).
 *
 * The filter and the times are checked before anything is sent (RFC 3339 times, the stop time later
 * than the start time). A session holds at most one subscription: open another session for another.
 * RFC 5277: freeing it stops the delivery, the device may keep sending on the session until it ends,
 * and those notifications are dropped. RFC 8639: also one per session, although RFC 8639 allows
 * several (over NETCONF an event does not say which subscription it is for); the state
 * notifications (replay-completed...) are delivered, subscription-completed ends it like RFC 5277
 * notificationComplete, subscription-terminated makes pulls fail with ::DEVCONF_ERPC naming the
 * reason; freeing it sends `<delete-subscription>` (bounded by the session's RPC timeout; a failure
 * is logged). A device without :replay whose RFC 5277 stream list says the stream replays (yuma123
 * netconfd) gets the start time.
 *
 * Over RESTCONF the stream (NULL: "NETCONF") is looked up in ietf-restconf-monitoring (RFC 8040
 * 9.2); its location must be an absolute path or a URL of the session's own scheme, host and port
 * without user information (else ::DEVCONF_EPROTO, nothing is sent there). The timeout bounds the
 * look-up and the stream's response headers; an open stream may then stay quiet for ever. When the
 * server closes the stream, the subscription has ended (pulls give NULL) if a stop time was given,
 * else pulls fail with ::DEVCONF_ECONNECT; an event longer than the session's max_reply_bytes fails
 * them with ::DEVCONF_EPROTO (the stream is closed); freeing the subscription closes the stream.
 * @param[out] out  New subscription. Caller owns it; free with devconf_subscription_free() before
 *                  the session.
 * @param[in]  s    Session; must outlive the subscription.
 * @param[in]  opts Options or NULL for defaults; copied (strings too), not retained.
 * @retval 0 Success.
 * @retval DEVCONF_EINVAL NULL argument, bad options (a time not RFC 3339, a stop time not later than
 *         the start time), or the session already has a subscription.
 * @retval DEVCONF_EUNSUPPORTED The device has no notifications (:notification), or no :replay (NETCONF,
 *         nor a stream list saying the stream replays) or replay-support (RESTCONF) for a start time;
 *         over RESTCONF a subtree filter, or a stream without a location in the wanted encoding.
 * @retval DEVCONF_EYANG The filter does not match the device's schemas.
 * @retval DEVCONF_ERPC The device refused the subscription (unknown stream, bad filter...).
 * @retval DEVCONF_EAUTH The RESTCONF server refused the stream with 401 or 403.
 * @retval DEVCONF_EPROTO A RESTCONF stream location elsewhere than the session's server, or an answer
 *         that is not an event stream.
 * @retval DEVCONF_ETIMEOUT, DEVCONF_ECONNECT, DEVCONF_ECANCELED As for every request.
 * @since 0.2
 */
DEVCONF_API int devconf_subscribe(devconf_subscription **out, devconf_session *s,
                                  const devconf_subscribe_options *opts);

/**
 * @brief Take the next notification, waiting at most @p timeout_ms for one.
 *
 * Returns a queued notification at once; otherwise reads the session's connection (when no
 * operation is in flight on it) or waits for the thread whose operation is reading it. Over
 * RESTCONF it reads the event stream's own connection (or waits for the pull of another thread
 * reading it).
 * @param[out] out        The notification; caller owns it, free with devconf_notification_free().
 *                        NULL when the subscription has ended (its stop time passed).
 * @param[in]  sub        Subscription made without a callback.
 * @param[in]  timeout_ms How long to wait; 0 returns only what has arrived already.
 * @retval 0 A notification, or @p *out NULL: the subscription ended normally (RFC 5277
 *         notificationComplete), and every later call says the same.
 * @retval DEVCONF_ETIMEOUT Nothing arrived within @p timeout_ms (the subscription goes on).
 * @retval DEVCONF_EINVAL NULL argument, negative timeout, or a subscription with a callback.
 * @retval DEVCONF_ECONNECT The session ended or its connection broke.
 * @retval DEVCONF_EPROTO The device broke the protocol; the session is closed.
 * @retval DEVCONF_ERPC The device terminated the subscription (RFC 8639 subscription-terminated; the
 *         message names the reason); every later call says the same.
 * @since 0.2
 */
DEVCONF_API int devconf_subscription_next(devconf_notification **out, devconf_subscription *sub, int timeout_ms);

/**
 * @brief Deliver notifications to the subscription's callback, on this thread.
 *
 * Waits at most @p timeout_ms for the first notification, then calls the callback for every one
 * queued, and returns.
 * @param[in] sub        Subscription made with a callback.
 * @param[in] timeout_ms How long to wait for the first notification; 0: only what has arrived.
 * @return The number of notifications delivered (0 when none came in time) or a negative code:
 * @retval DEVCONF_EINVAL NULL @p sub, negative timeout, or a subscription without a callback.
 * @retval DEVCONF_EUSER The callback returned non-zero.
 * @retval DEVCONF_ECONNECT, DEVCONF_EPROTO As devconf_subscription_next().
 * @since 0.2
 */
DEVCONF_API int devconf_subscription_dispatch(devconf_subscription *sub, int timeout_ms);

/**
 * @brief The device's id of an RFC 8639 subscription (establish-subscription's answer).
 * @param[in] sub Subscription (NULL gives 0).
 * @return The id, or 0 for an RFC 5277 subscription (which has none) and NULL.
 * @since 0.2
 */
DEVCONF_API uint32_t devconf_subscription_id(const devconf_subscription *sub);

/**
 * @brief Notifications dropped because the queue was full, since the subscription began.
 * @param[in] sub Subscription (NULL gives 0).
 * @since 0.2
 */
DEVCONF_API uint64_t devconf_subscription_dropped(const devconf_subscription *sub);

/**
 * @brief Notifications received from the device, kept or dropped, since the subscription began.
 * @param[in] sub Subscription (NULL gives 0).
 * @since 0.2
 */
DEVCONF_API uint64_t devconf_subscription_received(const devconf_subscription *sub);

/**
 * @brief Notifications the session's schemas do not describe and that could not be given in JSON
 * (they are logged as warnings and skipped; in XML they are delivered as the device sent them).
 * @param[in] sub Subscription (NULL gives 0).
 * @since 0.2
 */
DEVCONF_API uint64_t devconf_subscription_rejected(const devconf_subscription *sub);

/**
 * @brief End the delivery and free the subscription and every notification still queued.
 * @param[in] sub Subscription, or NULL (no-op). Must not be in use on another thread.
 * @since 0.2
 */
DEVCONF_API void devconf_subscription_free(devconf_subscription *sub);

/**
 * @brief The event time of a notification (RFC 5277 eventTime, RFC 3339 text as the device sent it).
 * @param[in] n Notification.
 * @return Text owned by @p n, or NULL for NULL @p n.
 * @since 0.2
 */
DEVCONF_API const char *devconf_notification_event_time(const devconf_notification *n);

/**
 * @brief The name of a notification as "module:name" (e.g. "ietf-netconf-notifications:netconf-config-change").
 * @param[in] n Notification.
 * @return Text owned by @p n; NULL for NULL @p n or a notification the schemas do not describe.
 * @since 0.2
 */
DEVCONF_API const char *devconf_notification_name(const devconf_notification *n);

/**
 * @brief The content of a notification in the subscription's format: XML (the notification element,
 * without the `<notification>` envelope and eventTime) or JSON (RFC 7951, one top-level member).
 * @param[in] n Notification.
 * @return Text owned by @p n, or NULL for NULL @p n.
 * @since 0.2
 */
DEVCONF_API const char *devconf_notification_text(const devconf_notification *n);

/**
 * @brief How many notifications were dropped (queue full) just before this one.
 * @param[in] n Notification (NULL gives 0).
 * @since 0.2
 */
DEVCONF_API uint64_t devconf_notification_dropped_before(const devconf_notification *n);

/**
 * @brief Free a notification from devconf_subscription_next().
 * @param[in] n Notification, or NULL (no-op). Never free one passed to a callback.
 * @since 0.2
 */
DEVCONF_API void devconf_notification_free(devconf_notification *n);

DEVCONF_END_DECLS

/** @} */

#endif /* DEVCONF_NOTIFY_H */
