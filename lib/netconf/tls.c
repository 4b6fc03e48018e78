/* NETCONF over TLS (RFC 7589) with OpenSSL 3: the byte stream a NETCONF session runs on.
 *
 * Both ends are authenticated by certificate. The server's certificate must chain to the CA file
 * of the options (else the system's store) and name the host of the URI (a DNS name in its
 * subjectAltName, or the IP address for an address URI: X509_VERIFY_PARAM_set1_host / set1_ip_asc);
 * tls_insecure_skip_verify turns both checks off, with a warning in the log. The client always
 * presents client_cert (RFC 7589 section 7: the server maps it to a NETCONF user name), so a
 * missing one is refused before anything is sent. TLS 1.2 is the oldest version offered.
 *
 * Like ssh.c, every wait is a poll() bounded by one deadline and asked about the cancel callback
 * between slices: the connect (net.c), the handshake, each read and write. The socket is written
 * with send(MSG_NOSIGNAL) through a small BIO of our own, so a peer that goes away never raises
 * SIGPIPE in the host program (OpenSSL's socket BIO uses write()). */
#include "netconf/netconf_p.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

typedef struct tls_stream {
    devconf__nc_stream base;
    SSL_CTX *sctx;
    SSL *ssl;
    int fd;
    char *host;
    uint16_t port;
    bool eof;
} tls_stream;

static int remaining_ms(int64_t deadline)
{
    int64_t left = deadline - devconf__now_ms();
    return left > 0 ? (left > 1000000 ? 1000000 : (int)left) : 0;
}

/* ---- a socket BIO that never raises SIGPIPE ---- */

static int bio_write(BIO *b, const char *buf, int n)
{
    int fd = (int)(intptr_t)BIO_get_data(b);
    BIO_clear_retry_flags(b);
    ssize_t w = send(fd, buf, (size_t)n, MSG_NOSIGNAL);
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        BIO_set_retry_write(b);
    }
    return (int)w;
}

static int bio_read(BIO *b, char *buf, int n)
{
    int fd = (int)(intptr_t)BIO_get_data(b);
    BIO_clear_retry_flags(b);
    ssize_t got = recv(fd, buf, (size_t)n, 0);
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        BIO_set_retry_read(b);
    }
    return (int)got;
}

static int bio_puts(BIO *b, const char *s)
{
    return bio_write(b, s, (int)strlen(s));
}

static long bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    (void)b;
    (void)num;
    (void)ptr;
    return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static int bio_create(BIO *b)
{
    BIO_set_init(b, 1);
    return 1;
}

/* One method for every connection, made once and kept for the life of the process (a session freed
 * after devconf_deinit() still finds it): a BIO type index is taken from a process-wide counter, so
 * not one per connection. */
static pthread_once_t meth_once = PTHREAD_ONCE_INIT;
static BIO_METHOD *meth;

static void make_method(void)
{
    int index = BIO_get_new_index();
    BIO_METHOD *m = BIO_meth_new((index > 0 ? index : 0) | BIO_TYPE_SOURCE_SINK, "devconf socket");
    if (m && BIO_meth_set_write(m, bio_write) && BIO_meth_set_read(m, bio_read) && BIO_meth_set_puts(m, bio_puts) &&
        BIO_meth_set_ctrl(m, bio_ctrl) && BIO_meth_set_create(m, bio_create)) {
        meth = m;
    } else {
        BIO_meth_free(m);
    }
}

static BIO_METHOD *socket_method(void)
{
    pthread_once(&meth_once, make_method);
    return meth;
}

/* ---- errors ---- */

/* The reason of OpenSSL's first queued error ("" when none), and the queue emptied. */
static unsigned long ssl_reason(char *buf, size_t size)
{
    unsigned long first = ERR_peek_error();
    buf[0] = '\0';
    if (first) {
        const char *why = ERR_reason_error_string(first);
        if (why) {
            snprintf(buf, size, "%s", why);
        } else {
            ERR_error_string_n(first, buf, size);
        }
    }
    ERR_clear_error();
    return first;
}

/* Whether the peer's alert says it refused our certificate. */
static bool client_cert_refused(unsigned long e)
{
    if (ERR_GET_LIB(e) != ERR_LIB_SSL) {
        return false;
    }
    switch (ERR_GET_REASON(e)) {
    case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
    case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED:
    case SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE:
    case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
    case SSL_R_TLSV1_ALERT_ACCESS_DENIED:
    case SSL_R_TLSV1_ALERT_DECRYPT_ERROR:
        return true;
    default:
        return false;
    }
}

/* Sets the error of a failed TLS call (err: SSL_get_error()) during what; the stream is dead after
 * it. A certificate the client rejected is DEVCONF_EHOSTKEY (as for RESTCONF), a client certificate
 * the server refused DEVCONF_EAUTH, anything else DEVCONF_ECONNECT. */
static int tls_fail(tls_stream *st, int err, const char *what)
{
    st->eof = true;
    char why[256];
    int sys = errno;
    unsigned long e = ssl_reason(why, sizeof why);
    long vr = SSL_get_verify_result(st->ssl);
    if (vr != X509_V_OK && SSL_get_verify_mode(st->ssl) != SSL_VERIFY_NONE &&
        ERR_GET_REASON(e) == SSL_R_CERTIFICATE_VERIFY_FAILED) {
        const char *hint = "";
        if (vr == X509_V_ERR_HOSTNAME_MISMATCH || vr == X509_V_ERR_IP_ADDRESS_MISMATCH) {
            hint = " (the certificate does not name this host in its subjectAltName)";
        } else if (vr == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT || vr == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
                   vr == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY) {
            hint = " (not issued by a CA of the ca_file option or the system store)";
        }
        return devconf__error_set(DEVCONF_ORIGIN_TLS, DEVCONF_EHOSTKEY,
                                  "TLS certificate of %s port %u rejected: certificate verify failed: %s%s",
                                  st->host, (unsigned)st->port, X509_verify_cert_error_string(vr), hint);
    }
    if (e && client_cert_refused(e)) {
        return devconf__error_set(DEVCONF_ORIGIN_TLS, DEVCONF_EAUTH,
                                  "%s port %u refused the client certificate %s: %s (is it issued by a CA the "
                                  "device trusts?)", st->host, (unsigned)st->port, what, why);
    }
    if (e && (ERR_GET_REASON(e) == SSL_R_TLSV1_ALERT_PROTOCOL_VERSION ||
              ERR_GET_REASON(e) == SSL_R_UNSUPPORTED_PROTOCOL)) {
        return devconf__error_set(DEVCONF_ORIGIN_TLS, DEVCONF_ECONNECT,
                                  "TLS connection to %s port %u failed %s: %s (devconf speaks TLS 1.2 or later, as "
                                  "RFC 7589 requires; the server offers none of them)", st->host, (unsigned)st->port,
                                  what, why);
    }
    if (err == SSL_ERROR_ZERO_RETURN || (err == SSL_ERROR_SYSCALL && !e && sys == 0)) {
        return devconf__error_set(DEVCONF_ORIGIN_TLS, DEVCONF_ECONNECT, "%s port %u closed the connection %s",
                                  st->host, (unsigned)st->port, what);
    }
    if (err == SSL_ERROR_SYSCALL && !e) {
        return devconf__error_set(DEVCONF_ORIGIN_TLS, DEVCONF_ECONNECT, "TLS connection to %s port %u failed %s: %s",
                                  st->host, (unsigned)st->port, what, strerror(sys));
    }
    return devconf__error_set(DEVCONF_ORIGIN_TLS, DEVCONF_ECONNECT, "TLS connection to %s port %u failed %s: %s",
                              st->host, (unsigned)st->port, what, why[0] ? why : "unknown TLS error");
}

/* Waits (at most 50 ms, and not past the deadline) for what OpenSSL asked for: 1 to go on, 0 when
 * the deadline passed, <0 when cancelled (error set). */
static int wait_ssl(tls_stream *st, int err, int64_t deadline, const devconf__cancel *cancel, const char *what)
{
    if (devconf__cancelled(cancel)) {
        return devconf__error_canceled(what);
    }
    int left = remaining_ms(deadline);
    if (left <= 0) {
        return 0;
    }
    struct pollfd pfd = { st->fd, err == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN, 0 };
    poll(&pfd, 1, left < 50 ? left : 50);
    return 1;
}

/* ---- the stream ---- */

static long stream_read(devconf__nc_stream *base, char *buf, size_t n, int64_t deadline, const devconf__cancel *cancel)
{
    tls_stream *st = (tls_stream *)base;
    if (st->eof) {
        return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ECONNECT, "%s closed the NETCONF session",
                                  st->host);
    }
    for (;;) {
        size_t got = 0;
        ERR_clear_error();
        errno = 0;
        if (SSL_read_ex(st->ssl, buf, n, &got) == 1) {
            return (long)got;
        }
        int err = SSL_get_error(st->ssl, 0);
        if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
            if (err == SSL_ERROR_ZERO_RETURN) {
                st->eof = true;
                return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ECONNECT, "%s closed the NETCONF session",
                                          st->host);
            }
            return tls_fail(st, err, "while reading");
        }
        int w = wait_ssl(st, err, deadline, cancel, "waiting for the device");
        if (w <= 0) {
            return w;
        }
    }
}

static int stream_write(devconf__nc_stream *base, const char *buf, size_t n, int64_t deadline,
                        const devconf__cancel *cancel)
{
    tls_stream *st = (tls_stream *)base;
    while (n) {
        if (st->eof) {
            return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ECONNECT, "%s closed the NETCONF session",
                                      st->host);
        }
        size_t done = 0;
        ERR_clear_error();
        errno = 0;
        if (SSL_write_ex(st->ssl, buf, n, &done) == 1) {
            buf += done;
            n -= done;
            continue;
        }
        int err = SSL_get_error(st->ssl, 0);
        if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
            return tls_fail(st, err, "while writing");
        }
        int w = wait_ssl(st, err, deadline, cancel, "writing to the device");
        if (w < 0) {
            return w;
        }
        if (w == 0) {
            return devconf__error_set(DEVCONF_ORIGIN_TLS, DEVCONF_ETIMEOUT, "timed out writing to %s port %u",
                                      st->host, (unsigned)st->port);
        }
    }
    return 0;
}

static bool stream_alive(const devconf__nc_stream *base)
{
    const tls_stream *st = (const tls_stream *)base;
    return !st->eof && !(SSL_get_shutdown(st->ssl) & SSL_RECEIVED_SHUTDOWN);
}

static void stream_free(devconf__nc_stream *base)
{
    tls_stream *st = (tls_stream *)base;
    if (!st) {
        return;
    }
    if (st->ssl) {
        if (!st->eof && SSL_is_init_finished(st->ssl)) {
            SSL_shutdown(st->ssl); /* one try at close_notify: the socket is non-blocking, nobody waits */
        }
        SSL_free(st->ssl); /* frees the BIO too */
    }
    SSL_CTX_free(st->sctx);
    if (st->fd >= 0) {
        close(st->fd);
    }
    ERR_clear_error();
    free(st->host);
    free(st);
}

static const devconf__nc_stream_ops tls_stream_ops = { stream_read, stream_write, stream_alive, stream_free };

/* ---- opening ---- */

/* OpenSSL asks for the passphrase of an encrypted client key here (never on a terminal). */
static int passphrase_cb(char *buf, int size, int rwflag, void *payload)
{
    (void)rwflag;
    const char *pass = payload;
    if (!pass || size <= 0) {
        return 0;
    }
    size_t len = strlen(pass);
    if (len >= (size_t)size) {
        return 0;
    }
    memcpy(buf, pass, len);
    return (int)len;
}

/* The client certificate and key, the CA store and the host check: the SSL_CTX of one connection. */
static int configure(tls_stream *st, const devconf_ctx *ctx, const devconf_session_options *opts)
{
    char why[256];
    const char *cert = opts->client_cert;
    const char *key = opts->client_key ? opts->client_key : opts->client_cert;
    if (!(st->sctx = SSL_CTX_new(TLS_client_method()))) {
        ERR_clear_error();
        return devconf__error_oom();
    }
    SSL_CTX_set_min_proto_version(st->sctx, TLS1_2_VERSION);
    SSL_CTX_set_mode(st->sctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_default_passwd_cb(st->sctx, passphrase_cb);
    SSL_CTX_set_default_passwd_cb_userdata(st->sctx, (void *)opts->passphrase);
    if (SSL_CTX_use_certificate_chain_file(st->sctx, cert) != 1) {
        int e = errno;
        ssl_reason(why, sizeof why);
        return devconf__error_set(DEVCONF_ORIGIN_TLS, DEVCONF_EAUTH, "cannot load the client certificate '%s': %s",
                                  cert, access(cert, R_OK) != 0 ? strerror(e) : why);
    }
    if (SSL_CTX_use_PrivateKey_file(st->sctx, key, SSL_FILETYPE_PEM) != 1) {
        int e = errno;
        ssl_reason(why, sizeof why);
        return devconf__error_set(DEVCONF_ORIGIN_TLS, DEVCONF_EAUTH, "cannot load the client key '%s': %s", key,
                                  access(key, R_OK) != 0 ? strerror(e)
                                  : opts->passphrase    ? "wrong passphrase or unsupported key format"
                                                        : why);
    }
    /* the passphrase is borrowed for the open only: no later use of it */
    SSL_CTX_set_default_passwd_cb_userdata(st->sctx, NULL);
    if (SSL_CTX_check_private_key(st->sctx) != 1) {
        ERR_clear_error();
        return devconf__error_set(DEVCONF_ORIGIN_TLS, DEVCONF_EAUTH,
                                  "the client key '%s' does not belong to the client certificate '%s'", key, cert);
    }
    if (opts->tls_insecure_skip_verify) {
        SSL_CTX_set_verify(st->sctx, SSL_VERIFY_NONE, NULL);
        devconf__log(ctx, DEVCONF_LOG_WARNING, "tls", "TLS certificate of %s NOT verified (insecure option)",
                     st->host);
        return 0;
    }
    SSL_CTX_set_verify(st->sctx, SSL_VERIFY_PEER, NULL);
    if (opts->ca_file) {
        if (SSL_CTX_load_verify_locations(st->sctx, opts->ca_file, NULL) != 1) {
            int e = errno;
            ssl_reason(why, sizeof why);
            return devconf__error_set(DEVCONF_ORIGIN_TLS, DEVCONF_EHOSTKEY, "cannot load the CA file '%s': %s",
                                      opts->ca_file, access(opts->ca_file, R_OK) != 0 ? strerror(e) : why);
        }
    } else if (SSL_CTX_set_default_verify_paths(st->sctx) != 1) {
        ssl_reason(why, sizeof why);
        return devconf__error_set(DEVCONF_ORIGIN_TLS, DEVCONF_EHOSTKEY,
                                  "cannot load the system's CA store (give ca_file): %s", why);
    }
    return 0;
}

/* The host the certificate must name: an IP address literal, or a DNS name (also sent as SNI). */
static int expect_host(tls_stream *st)
{
    X509_VERIFY_PARAM *vp = SSL_get0_param(st->ssl);
    unsigned char addr[16];
    bool ip = inet_pton(AF_INET, st->host, addr) == 1 || inet_pton(AF_INET6, st->host, addr) == 1;
    int ok;
    if (ip) {
        ok = X509_VERIFY_PARAM_set1_ip_asc(vp, st->host);
    } else {
        X509_VERIFY_PARAM_set_hostflags(vp, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        ok = X509_VERIFY_PARAM_set1_host(vp, st->host, 0) && SSL_set_tlsext_host_name(st->ssl, st->host);
    }
    if (ok != 1) {
        ERR_clear_error();
        return devconf__error_set(DEVCONF_ORIGIN_TLS, DEVCONF_EINVAL, "cannot check TLS certificates for host '%s'",
                                  st->host);
    }
    return 0;
}

int devconf__nc_tls_open(devconf__nc_stream **out, const devconf_ctx *ctx, int fd, const char *host, uint16_t port,
                         const devconf_session_options *opts, int64_t deadline, const devconf__cancel *cancel)
{
    *out = NULL;
    if (!opts->client_cert) {
        if (fd >= 0) {
            close(fd);
        }
        return devconf__error_set(DEVCONF_ORIGIN_TLS, DEVCONF_EINVAL,
                                  "NETCONF over TLS to %s needs a client certificate (RFC 7589: the device maps it to "
                                  "the user name): give client_cert and client_key", host);
    }
    tls_stream *st = calloc(1, sizeof *st);
    if (!st || !(st->host = devconf__strdup(host))) {
        free(st);
        if (fd >= 0) {
            close(fd);
        }
        return devconf__error_oom();
    }
    st->base.ops = &tls_stream_ops;
    st->port = port;
    st->fd = fd; /* stream_free() closes it from here on */
    ERR_clear_error();
    int r = configure(st, ctx, opts);
    if (r < 0) {
        stream_free(&st->base);
        return r;
    }
    if (fd >= 0) {
        devconf__log(ctx, DEVCONF_LOG_INFO, "tls", "TLS to %s port %u over a connection the device opened "
                     "(NETCONF over TLS)", host, (unsigned)port);
    } else {
        devconf__log(ctx, DEVCONF_LOG_INFO, "tls", "connecting to %s port %u (NETCONF over TLS)", host,
                     (unsigned)port);
        if ((st->fd = devconf__nc_tcp_connect(host, port, DEVCONF_ORIGIN_TLS, deadline, cancel)) < 0) {
            r = st->fd;
            st->fd = -1;
            stream_free(&st->base);
            return r;
        }
    }
    BIO *bio = NULL;
    BIO_METHOD *m = socket_method();
    if (!m || !(st->ssl = SSL_new(st->sctx)) || !(bio = BIO_new(m))) {
        ERR_clear_error();
        stream_free(&st->base);
        return devconf__error_oom();
    }
    BIO_set_data(bio, (void *)(intptr_t)st->fd);
    SSL_set_bio(st->ssl, bio, bio);
    if (!opts->tls_insecure_skip_verify && (r = expect_host(st)) < 0) {
        stream_free(&st->base);
        return r;
    }
    SSL_set_connect_state(st->ssl);
    for (;;) {
        ERR_clear_error();
        errno = 0;
        int rc = SSL_connect(st->ssl);
        if (rc == 1) {
            break;
        }
        int err = SSL_get_error(st->ssl, rc);
        if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
            r = tls_fail(st, err, "during the TLS handshake");
            stream_free(&st->base);
            return r;
        }
        int w = wait_ssl(st, err, deadline, cancel, "the TLS handshake");
        if (w < 0) {
            stream_free(&st->base);
            return w;
        }
        if (w == 0) {
            r = devconf__error_set(DEVCONF_ORIGIN_TLS, DEVCONF_ETIMEOUT,
                                   "timed out in the TLS handshake with %s port %u (the server accepted the TCP "
                                   "connection, then stalled at: %s)", host, (unsigned)port,
                                   SSL_state_string_long(st->ssl));
            stream_free(&st->base);
            return r;
        }
    }
    /* With TLS 1.3 the server checks the client's certificate after the client's handshake is done:
     * a refusal is an alert that arrives next, and a client that wrote its hello first would see only
     * a reset connection. The device speaks first in NETCONF (its hello), so wait for its first bytes
     * here: a refusal then reads as one. Past the deadline, the hello read in client.c reports it. */
    for (;;) {
        char byte;
        size_t got = 0;
        ERR_clear_error();
        errno = 0;
        if (SSL_peek_ex(st->ssl, &byte, 1, &got) == 1) {
            break;
        }
        int err = SSL_get_error(st->ssl, 0);
        if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
            r = tls_fail(st, err, "after the TLS handshake");
            stream_free(&st->base);
            return r;
        }
        int w = wait_ssl(st, err, deadline, cancel, "waiting for the device's hello");
        if (w < 0) {
            stream_free(&st->base);
            return w;
        }
        if (w == 0) {
            break;
        }
    }
    char subject[256] = "(none)";
    X509 *peer = SSL_get1_peer_certificate(st->ssl);
    if (peer) {
        X509_NAME_oneline(X509_get_subject_name(peer), subject, sizeof subject);
        X509_free(peer);
    }
    devconf__log(ctx, DEVCONF_LOG_INFO, "tls", "TLS with %s port %u: %s %s, server certificate %s%s", host,
                 (unsigned)port, SSL_get_version(st->ssl), SSL_get_cipher_name(st->ssl), subject,
                 opts->tls_insecure_skip_verify ? " (NOT verified)" : " verified");
    *out = &st->base;
    return 0;
}
