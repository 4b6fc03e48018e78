/* NETCONF Call Home (RFC 8071): a listening socket, one accepted connection per call, and the
 * normal client side over it (lib/session.c with the accepted socket: lib/netconf/ssh.c and tls.c
 * run their handshake over it instead of connecting).
 *
 * The device's address is not its identity (it may be behind NAT): the caller names the device
 * expected with a URI as if it were dialled, and its host key or certificate is checked under that
 * name, exactly as for a dialled session. The address the connection came from is logged and
 * named in errors. Every wait is bounded: the accept by the caller's timeout (in 50 ms slices that
 * ask the cancel callback), everything after it by the connect timeout of the session options. */
#include "devconf_p.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct devconf_callhome {
    devconf_ctx *ctx;
    int fd;
    devconf_callhome_transport transport;
    char addr[INET6_ADDRSTRLEN];
    int port;
};

static const char *transport_name(devconf_callhome_transport t)
{
    return t == DEVCONF_CALLHOME_TLS ? "NETCONF over TLS" : "NETCONF over SSH";
}

DEVCONF_API int devconf_callhome_listen(devconf_callhome **out, devconf_ctx *ctx, const char *addr, int port,
                                        devconf_callhome_transport transport)
{
    devconf__error_clear();
    if (!out) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_callhome_listen: NULL out");
    }
    *out = NULL;
    if (!ctx || !addr) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_callhome_listen: NULL %s",
                                  !ctx ? "ctx" : "addr (give the local address to listen on, e.g. 0.0.0.0)");
    }
    if (transport != DEVCONF_CALLHOME_SSH && transport != DEVCONF_CALLHOME_TLS) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "devconf_callhome_listen: unknown transport %d (DEVCONF_CALLHOME_SSH or "
                                  "DEVCONF_CALLHOME_TLS)", (int)transport);
    }
    if (port < DEVCONF_CALLHOME_PORT_ANY || port > 65535) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "call-home port %d is out of range (1-65535, 0 for the RFC 8071 port, "
                                  "DEVCONF_CALLHOME_PORT_ANY for any free one)", port);
    }
    int want = port == 0 ? (transport == DEVCONF_CALLHOME_TLS ? DEVCONF_CALLHOME_TLS_PORT : DEVCONF_CALLHOME_SSH_PORT)
               : port < 0 ? 0
                          : port;
    char ports[8];
    snprintf(ports, sizeof ports, "%d", want);
    struct addrinfo hints = { 0 }, *ai = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE; /* no name service: nothing blocks */
    int gr = getaddrinfo(addr, ports, &hints, &ai);
    if (gr != 0 || !ai) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "call-home listen address '%s' is not a numeric IPv4 or IPv6 address: %s", addr,
                                  gr ? gai_strerror(gr) : "no address");
    }
    devconf_callhome *l = calloc(1, sizeof *l);
    if (!l) {
        freeaddrinfo(ai);
        return devconf__error_oom();
    }
    l->ctx = ctx;
    l->transport = transport;
    l->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int err = errno;
    if (l->fd >= 0) {
        int yes = 1;
        setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        if (bind(l->fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(l->fd, 16) != 0) {
            err = errno;
            close(l->fd);
            l->fd = -1;
        }
    }
    freeaddrinfo(ai);
    if (l->fd < 0) {
        free(l);
        return devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_ECONNECT, "cannot listen for %s call home on %s port %d: "
                                  "%s%s", transport_name(transport), addr, want, strerror(err),
                                  err == EADDRINUSE ? " (another program listens there: choose another port)"
                                  : err == EACCES   ? " (a privileged port)"
                                                    : "");
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    char host[NI_MAXHOST] = "", serv[NI_MAXSERV] = "";
    if (getsockname(l->fd, (struct sockaddr *)&ss, &sl) != 0 ||
        getnameinfo((struct sockaddr *)&ss, sl, host, sizeof host, serv, sizeof serv,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        err = errno;
        close(l->fd);
        free(l);
        return devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_ERROR, "cannot read the call-home listening port: %s",
                                  strerror(err));
    }
    snprintf(l->addr, sizeof l->addr, "%s", host);
    l->port = atoi(serv);
    devconf__log(ctx, DEVCONF_LOG_INFO, "callhome", "listening for %s call home on %s port %d",
                 transport_name(transport), l->addr, l->port);
    *out = l;
    return 0;
}

DEVCONF_API int devconf_callhome_port(const devconf_callhome *l)
{
    return l ? l->port : 0;
}

DEVCONF_API void devconf_callhome_free(devconf_callhome *l)
{
    if (!l) {
        return;
    }
    close(l->fd);
    free(l);
}

/* Waits for one connection (at most timeout_ms, asking cancel every 50 ms): the accepted socket
 * (non-blocking, close-on-exec, TCP_NODELAY) and the caller's address in peer; <0 with the error set. */
static int wait_accept(devconf_callhome *l, int timeout_ms, const devconf__cancel *cancel, char *peer,
                       size_t peer_size)
{
    int64_t deadline = devconf__now_ms() + timeout_ms;
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        int fd = accept4(l->fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            int yes = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
            char host[NI_MAXHOST] = "?", serv[NI_MAXSERV] = "?";
            getnameinfo((struct sockaddr *)&ss, sl, host, sizeof host, serv, sizeof serv,
                        NI_NUMERICHOST | NI_NUMERICSERV);
            snprintf(peer, peer_size, ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, serv);
            return fd;
        }
        /* a connection reset before it was accepted, or a transient shortage: wait for the next */
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED &&
            errno != EPROTO && errno != ENETDOWN && errno != EHOSTUNREACH && errno != ENETUNREACH) {
            return devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_ECONNECT,
                                      "cannot accept a call-home connection on %s port %d: %s", l->addr, l->port,
                                      strerror(errno));
        }
        if (devconf__cancelled(cancel)) {
            return devconf__error_canceled("waiting for a device to call home");
        }
        int64_t left = deadline - devconf__now_ms();
        if (left <= 0) {
            return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_ETIMEOUT,
                                      "no device called home on %s port %d (%s) within %d ms", l->addr, l->port,
                                      transport_name(l->transport), timeout_ms);
        }
        struct pollfd pfd = { l->fd, POLLIN, 0 };
        poll(&pfd, 1, left < 50 ? (int)left : 50);
    }
}

DEVCONF_API int devconf_callhome_accept(devconf_session **out, devconf_callhome *l, const char *uri,
                                        const devconf_session_options *opts, int timeout_ms)
{
    devconf__error_clear();
    if (!out) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_callhome_accept: NULL out");
    }
    *out = NULL;
    if (!l || !uri) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_callhome_accept: NULL %s",
                                  !l ? "listener" : "uri");
    }
    if (timeout_ms <= 0) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "devconf_callhome_accept: the timeout must be positive (every network wait is "
                                  "bounded), not %d", timeout_ms);
    }
    /* the URI first: bad input fails before anything is accepted */
    devconf__uri u;
    int r = devconf__uri_parse(&u, uri);
    if (r < 0) {
        return r;
    }
    devconf__scheme want = l->transport == DEVCONF_CALLHOME_TLS ? DEVCONF_SCHEME_NETCONF_TLS
                                                                 : DEVCONF_SCHEME_NETCONF_SSH;
    bool match = u.scheme == want;
    devconf__uri_dispose(&u);
    if (!match) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "the call-home listener on %s port %d is for %s: name the device with a %s URI, "
                                  "not '%.*s://'", l->addr, l->port, transport_name(l->transport),
                                  l->transport == DEVCONF_CALLHOME_TLS ? "netconf+tls://" : "netconf://",
                                  (int)strcspn(uri, ":"), uri);
    }
    /* the options too (the session checks them again) */
    devconf_session_options o;
    if ((r = devconf__session_options_copy(&o, opts)) < 0) {
        return r;
    }
    if (l->transport == DEVCONF_CALLHOME_TLS && !o.client_cert) {
        return devconf__error_set(DEVCONF_ORIGIN_TLS, DEVCONF_EINVAL,
                                  "NETCONF over TLS call home needs a client certificate (RFC 7589: the device maps "
                                  "it to the user name): give client_cert and client_key");
    }
    devconf__cancel cancel = { o.cancel_cb, o.cancel_payload };
    const struct devconf_ctx *prev = devconf__log_enter(l->ctx);
    char peer[NI_MAXHOST + NI_MAXSERV + 4];
    int fd = wait_accept(l, timeout_ms, &cancel, peer, sizeof peer);
    if (fd < 0) {
        devconf__log_leave(prev);
        return fd;
    }
    devconf__log(l->ctx, DEVCONF_LOG_INFO, "callhome", "%s called home on %s port %d (%s): expecting %s", peer,
                 l->addr, l->port, transport_name(l->transport), uri);
    devconf__log_leave(prev);
    r = devconf__session_open_fd(out, l->ctx, uri, opts, fd);
    if (r < 0) {
        devconf__error_set_message("call home from %s on port %d: %s", peer, l->port,
                                   devconf_error_message(devconf_error_last()));
        prev = devconf__log_enter(l->ctx);
        devconf__log(l->ctx, DEVCONF_LOG_WARNING, "callhome", "%s", devconf_error_message(devconf_error_last()));
        devconf__log_leave(prev);
    }
    return r;
}
