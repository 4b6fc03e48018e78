/**
 * @file callhome.h
 * @brief NETCONF Call Home (RFC 8071): the device opens the TCP connection, devconf runs the client.
 * @defgroup callhome Call Home
 *
 * A device behind NAT or a firewall cannot be dialled; with call home it connects to devconf
 * instead (TCP port 4334 for NETCONF over SSH, 4335 for NETCONF over TLS), and from then on the
 * roles are the usual ones: devconf is the SSH client (the device's host key is checked against
 * known_hosts, devconf authenticates) or the TLS client (the device's certificate is checked against
 * the CA and the device's name, devconf presents its client certificate). Nothing about the checks
 * is relaxed because the device called: who connected is decided by its key or certificate, never
 * by the address it called from (that is only logged and named in errors).
 *
 * @code
 * devconf_callhome *l;
 * devconf_callhome_listen(&l, ctx, "0.0.0.0", 0, DEVCONF_CALLHOME_SSH);    // port 4334
 * devconf_session *s;
 * devconf_callhome_accept(&s, l, "netconf://admin@router1", &opts, 60000); // wait up to 60 s
 * // s is an ordinary session: every operation, notifications, devconf_session_free()
 * devconf_callhome_free(l);
 * @endcode
 * @{
 */
#ifndef DEVCONF_CALLHOME_H
#define DEVCONF_CALLHOME_H

#include "common.h"
#include "ctx.h"
#include "session.h"

DEVCONF_BEGIN_DECLS

/** Opaque call-home listener. */
typedef struct devconf_callhome devconf_callhome;

/** @brief The transport devices call home with. @since 0.2 */
typedef enum devconf_callhome_transport {
    DEVCONF_CALLHOME_SSH = 1, /**< NETCONF over SSH (`netconf://` URIs); default port 4334. */
    DEVCONF_CALLHOME_TLS = 2  /**< NETCONF over TLS (`netconf+tls://` URIs); default port 4335. */
} devconf_callhome_transport;

/** RFC 8071 port of NETCONF over SSH call home. */
#define DEVCONF_CALLHOME_SSH_PORT 4334
/** RFC 8071 port of NETCONF over TLS call home. */
#define DEVCONF_CALLHOME_TLS_PORT 4335
/** A port for devconf_callhome_listen(): any free port (read it with devconf_callhome_port()). */
#define DEVCONF_CALLHOME_PORT_ANY (-1)

/**
 * @brief Listen for devices calling home.
 *
 * Binds a TCP socket and listens; no device is accepted until devconf_callhome_accept().
 * Connections that arrive meanwhile wait in the kernel's backlog.
 * @param[out] out       New listener; free it with devconf_callhome_free().
 * @param[in]  ctx       Context of the listener and of the sessions it accepts (logging, schemas);
 *                       must outlive them.
 * @param[in]  addr      Numeric local address to bind ("127.0.0.1", "0.0.0.0" for every IPv4 address,
 *                       "::" for every IPv6 one); no name is resolved. Borrowed.
 * @param[in]  port      1..65535; 0 for the RFC 8071 port of @p transport (4334 or 4335);
 *                       ::DEVCONF_CALLHOME_PORT_ANY for a free port chosen by the system.
 * @param[in]  transport ::DEVCONF_CALLHOME_SSH or ::DEVCONF_CALLHOME_TLS.
 * @retval 0 Success.
 * @retval DEVCONF_EINVAL NULL argument, an address that is not numeric, a port out of range, an
 *         unknown transport.
 * @retval DEVCONF_ECONNECT The address and port cannot be bound (in use, not a local address, a
 *         privileged port); the message names the address, the port and the reason.
 * @since 0.2
 */
DEVCONF_API int devconf_callhome_listen(devconf_callhome **out, devconf_ctx *ctx, const char *addr, int port,
                                        devconf_callhome_transport transport);

/** @brief The port the listener is bound to (the chosen one with ::DEVCONF_CALLHOME_PORT_ANY); 0 for NULL.
 *  @since 0.2 */
DEVCONF_API int devconf_callhome_port(const devconf_callhome *l);

/**
 * @brief Wait for one device to call home, then open a NETCONF session over its connection.
 *
 * Waits at most @p timeout_ms for one TCP connection (asking the cancel callback of @p opts every
 * 50 ms), accepts it, and runs the normal client side over it, exactly as devconf_session_open()
 * does after its TCP connect: SSH (host key checked against known_hosts under the host and port of
 * @p uri, with the host-key policy of @p opts, strict by default; authentication with the user and
 * credentials of @p uri and @p opts) or TLS (the certificate must chain to
 * @ref devconf_session_options.ca_file and name the host of @p uri; the client certificate is
 * presented), then the hellos and the schemas, all within
 * @ref devconf_session_options.connect_timeout_ms from the accept on (a peer that connects and says
 * nothing fails with ::DEVCONF_ETIMEOUT). One connection is accepted per call; a connection that
 * fails its checks is closed and the call fails (call again for the next device). The address the
 * connection came from is logged and named in every error.
 * Not for use on one listener from two threads at once.
 * @param[out] out        New session (free it with devconf_session_free()); it behaves like any
 *                        other, and does not depend on the listener.
 * @param[in]  l          Listener.
 * @param[in]  uri        The device expected, named as if it were dialled: `netconf://[user@]host[:port]`
 *                        for an SSH listener, `netconf+tls://host[:port]` for a TLS one. Nothing is
 *                        dialled: host (and port, as in known_hosts "[host]:port" entries) identify
 *                        the device's key or certificate. Borrowed.
 * @param[in]  opts       Session options as for devconf_session_open(), or NULL.
 * @param[in]  timeout_ms How long to wait for a connection, > 0.
 * @retval 0 Success.
 * @retval DEVCONF_EINVAL Bad argument, a URI of another transport than the listener's.
 * @retval DEVCONF_ETIMEOUT Nobody called within @p timeout_ms (the message names the address, port and
 *         timeout), or the caller did not finish the session setup within the connect timeout.
 * @retval DEVCONF_ECANCELED The cancel callback stopped the wait.
 * @retval DEVCONF_EHOSTKEY, DEVCONF_EAUTH, DEVCONF_ECONNECT, ... As devconf_session_open().
 * @since 0.2
 */
DEVCONF_API int devconf_callhome_accept(devconf_session **out, devconf_callhome *l, const char *uri,
                                        const devconf_session_options *opts, int timeout_ms);

/** @brief Stop listening and free the listener (sessions it accepted stay open). NULL is a no-op.
 *  @since 0.2 */
DEVCONF_API void devconf_callhome_free(devconf_callhome *l);

DEVCONF_END_DECLS

/** @} */
#endif /* DEVCONF_CALLHOME_H */
