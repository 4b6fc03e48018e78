/* Name resolution and TCP connect for the NETCONF streams (ssh.c, tls.c), bounded by one deadline.
 *
 * A host name is resolved on a helper thread that the caller waits for at most until the deadline
 * (getaddrinfo() blocks for the resolver's own timeouts whatever the caller's), and the socket
 * connects without blocking, trying each address in turn. */
#include "netconf/netconf_p.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct deadline {
    int64_t end;
    const devconf__cancel *cancel;
};

static int remaining_ms(const struct deadline *d)
{
    int64_t left = d->end - devconf__now_ms();
    return left > 0 ? (left > 1000000 ? 1000000 : (int)left) : 0;
}


/* A name resolution on a helper thread: shared by the thread and the caller, freed by whichever
 * lets go last (the caller lets go early when the deadline passes). */
struct resolution {
    pthread_mutex_t lock;
    pthread_cond_t done_cond;
    int refs;
    bool done;
    int rc, err;
    struct addrinfo *res;
    char *host;
    char port[8];
};

static void resolution_release(struct resolution *q)
{
    pthread_mutex_lock(&q->lock);
    int left = --q->refs;
    pthread_mutex_unlock(&q->lock);
    if (left) {
        return;
    }
    if (q->res) {
        freeaddrinfo(q->res);
    }
    pthread_cond_destroy(&q->done_cond);
    pthread_mutex_destroy(&q->lock);
    free(q->host);
    free(q);
}

static void *resolve_thread(void *arg)
{
    struct resolution *q = arg;
    struct addrinfo hints = { 0 }, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV; /* no AI_ADDRCONFIG: without a non-loopback address it hides localhost */
    int rc = getaddrinfo(q->host, q->port, &hints, &res);
    int err = errno;
    pthread_mutex_lock(&q->lock);
    q->rc = rc;
    q->err = err;
    q->res = res;
    q->done = true;
    pthread_cond_broadcast(&q->done_cond);
    pthread_mutex_unlock(&q->lock);
    resolution_release(q);
    return NULL;
}

/* The addresses of host (freeaddrinfo them), or an error: DEVCONF_ETIMEOUT when the name service
 * has not answered by the deadline (the helper thread is left to finish on its own). */
static int resolve(struct addrinfo **out, const char *host, uint16_t port, const struct deadline *dl)
{
    *out = NULL;
    char ports[8];
    snprintf(ports, sizeof ports, "%u", (unsigned)port);
    /* an address needs no name service and never blocks */
    struct addrinfo hints = { 0 };
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    if (getaddrinfo(host, ports, &hints, out) == 0) {
        return 0;
    }
    *out = NULL;
    struct resolution *q = calloc(1, sizeof *q);
    if (!q || !(q->host = devconf__strdup(host))) {
        free(q);
        return devconf__error_oom();
    }
    memcpy(q->port, ports, sizeof ports);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->done_cond, &ca);
    pthread_condattr_destroy(&ca);
    q->refs = 2;
    pthread_attr_t ta;
    pthread_attr_init(&ta);
    pthread_attr_setdetachstate(&ta, PTHREAD_CREATE_DETACHED);
    pthread_t t;
    int e = pthread_create(&t, &ta, resolve_thread, q);
    pthread_attr_destroy(&ta);
    if (e) {
        q->refs = 1;
        resolution_release(q);
        return devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_ERROR, "cannot resolve %s: no thread for it: %s", host,
                                  strerror(e));
    }
    int r = 0;
    pthread_mutex_lock(&q->lock);
    while (!q->done) {
        if (devconf__cancelled(dl->cancel)) {
            r = devconf__error_canceled("resolving the device's name");
            break;
        }
        int left = remaining_ms(dl);
        if (left <= 0) {
            r = devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_ETIMEOUT,
                                   "timed out resolving %s (the name service did not answer)", host);
            break;
        }
        /* at most 50 ms at a time: the cancel callback is asked in between */
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        int64_t ns = until.tv_nsec + (int64_t)(left < 50 ? left : 50) * 1000000;
        until.tv_sec += ns / 1000000000;
        until.tv_nsec = ns % 1000000000;
        pthread_cond_timedwait(&q->done_cond, &q->lock, &until);
    }
    if (r == 0) {
        if (q->rc) {
            r = devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_ECONNECT, "cannot resolve %s: %s", host,
                                   q->rc == EAI_SYSTEM ? strerror(q->err) : gai_strerror(q->rc));
        } else {
            *out = q->res;
            q->res = NULL;
        }
    }
    pthread_mutex_unlock(&q->lock);
    resolution_release(q);
    return r;
}

/* Connects a non-blocking TCP socket to the first address of ai that answers, before the deadline:
 * the socket, or -1 with the error set. */
static int tcp_connect(const struct addrinfo *ai, const char *host, uint16_t port, devconf_origin origin,
                       const struct deadline *dl)
{
    int err = 0;
    for (; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        /* NETCONF is request/response: without TCP_NODELAY, Nagle's algorithm and delayed ACKs add
         * about 40 ms to every small RPC */
        int yes = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
        int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
        if (rc != 0 && errno != EINPROGRESS) {
            err = errno;
            close(fd);
            continue;
        }
        while (rc != 0) {
            if (devconf__cancelled(dl->cancel)) {
                close(fd);
                devconf__error_canceled("connecting to the device");
                return -1;
            }
            int left = remaining_ms(dl);
            if (left <= 0) {
                close(fd);
                devconf__error_set(origin, DEVCONF_ETIMEOUT,
                                   "timed out connecting to %s port %u (no answer to the TCP connect)", host,
                                   (unsigned)port);
                return -1;
            }
            struct pollfd pfd = { fd, POLLOUT, 0 };
            if (poll(&pfd, 1, left < 50 ? left : 50) > 0) {
                socklen_t len = sizeof err;
                if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
                    err = errno;
                }
                break;
            }
        }
        if (rc == 0 || err == 0) {
            return fd;
        }
        close(fd);
    }
    devconf__error_set(origin, DEVCONF_ECONNECT, "cannot connect to %s port %u: %s", host,
                       (unsigned)port, err ? strerror(err) : "no address");
    return -1;
}

int devconf__nc_tcp_connect(const char *host, uint16_t port, devconf_origin origin, int64_t deadline,
                            const devconf__cancel *cancel)
{
    struct deadline dl = { deadline, cancel };
    struct addrinfo *addrs = NULL;
    int r = resolve(&addrs, host, port, &dl);
    if (r < 0) {
        return r;
    }
    int fd = tcp_connect(addrs, host, port, origin, &dl);
    freeaddrinfo(addrs);
    return fd >= 0 ? fd : devconf_error_code(devconf_error_last());
}
