/* SSH with libssh: connection, host-key verification, authentication and the netconf subsystem,
 * then the byte stream a NETCONF session runs on.
 *
 * The libssh session is non-blocking from the start: every step (key exchange, authentication,
 * channel, subsystem, each read and write) waits in poll() for what is left of one deadline, so a
 * device that drips its bytes cannot stretch a timeout. The name resolution and the TCP connect are
 * done here, not by libssh, whose ssh_connect() resolves a host name with a blocking getaddrinfo()
 * even on a non-blocking session (a name server that does not answer held an open for the
 * resolver's own timeouts, whatever the connect timeout): net.c resolves the name on a helper
 * thread that the caller waits for at most until the deadline and connects the socket without
 * blocking, and libssh gets the connected socket (SSH_OPTIONS_FD; the host name stays the
 * known_hosts key).
 *
 * Still blocking inside libssh, documented rather than fixed: talking to an ssh-agent
 * (use_agent: a hung agent holds the open) and reading key and known_hosts files (local files). */
#include "netconf/netconf_p.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libssh/libssh.h>

struct deadline {
    int64_t end;
    const devconf__cancel *cancel;
};

static int remaining_ms(const struct deadline *d)
{
    int64_t left = d->end - devconf__now_ms();
    return left > 0 ? (left > 1000000 ? 1000000 : (int)left) : 0;
}

/* Waits until the session's socket is ready for what libssh wants next (bounded by the deadline).
 * 0, or DEVCONF_ETIMEOUT set. */
static int wait_io(ssh_session s, const struct deadline *d, const char *host, uint16_t port, const char *step)
{
    if (devconf__cancelled(d->cancel)) {
        return devconf__error_canceled(step);
    }
    int left = remaining_ms(d);
    if (left <= 0) {
        return devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_ETIMEOUT, "timed out %s %s port %u", step, host,
                                  (unsigned)port);
    }
    int fd = ssh_get_fd(s);
    if (fd < 0) {
        return 0; /* not connected yet: libssh's next call creates the socket */
    }
    struct pollfd pfd = { fd, POLLIN, 0 };
    if (ssh_get_poll_flags(s) & SSH_WRITE_PENDING) {
        pfd.events |= POLLOUT;
    }
    /* at most 50 ms at a time: libssh may hold bytes it has read but not processed */
    poll(&pfd, 1, left < 50 ? left : 50);
    return 0;
}

static char *key_fingerprint(ssh_session s, const char **type_out)
{
    ssh_key key = NULL;
    unsigned char *hash = NULL;
    size_t hlen = 0;
    char *fp = NULL;
    *type_out = "unknown";
    if (ssh_get_server_publickey(s, &key) != SSH_OK) {
        return NULL;
    }
    *type_out = ssh_key_type_to_char(ssh_key_type(key));
    if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) == 0) {
        fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
        ssh_clean_pubkey_hash(&hash);
    }
    ssh_key_free(key);
    return fp;
}

/* The host key algorithms for the key types known_hosts holds for the host (known ones first is
 * what OpenSSH and libssh do, so the server shows the key that can be checked); "" when none. */
static void hostkey_algorithms(const devconf__kh_keys *known, char *out, size_t size)
{
    static const struct {
        const char *type, *algs;
    } map[] = {
        { "ssh-ed25519", "ssh-ed25519" },
        { "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256" },
        { "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384" },
        { "ecdsa-sha2-nistp521", "ecdsa-sha2-nistp521" },
        { "sk-ssh-ed25519@openssh.com", "sk-ssh-ed25519@openssh.com" },
        { "sk-ecdsa-sha2-nistp256@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com" },
        { "ssh-rsa", "rsa-sha2-512,rsa-sha2-256" },
    };
    out[0] = '\0';
    size_t len = 0;
    for (size_t m = 0; m < sizeof map / sizeof *map; m++) {
        bool have = false;
        for (size_t i = 0; i < known->n && !have; i++) {
            have = !known->keys[i].revoked && !strcmp(known->keys[i].type, map[m].type);
        }
        if (have && len + strlen(map[m].algs) + 2 < size) {
            len += (size_t)snprintf(out + len, size - len, "%s%s", len ? "," : "", map[m].algs);
        }
    }
}

/* Checks the server's key against what known_hosts holds for the host (found before connecting). */
static int verify_host_key(ssh_session s, const devconf_ctx *ctx, const char *host, uint16_t port,
                           const char *known_hosts, devconf_hostkey_policy policy, const devconf__kh_keys *known)
{
    const char *ktype;
    char *fp = key_fingerprint(s, &ktype);
    const char *fps = fp ? fp : "(no fingerprint)";
    char name[300];
    if (port == 22) {
        snprintf(name, sizeof name, "%s", host);
    } else {
        snprintf(name, sizeof name, "[%s]:%u", host, (unsigned)port);
    }
    int r = 0;
    char *blob = NULL;
    if (policy == DEVCONF_HOSTKEY_INSECURE_SKIP) {
        devconf__log(ctx, DEVCONF_LOG_WARNING, "ssh",
                     "host key of %s NOT verified (insecure policy): %s key %s", name, ktype, fps);
        goto out;
    }
    ssh_key key = NULL;
    if (ssh_get_server_publickey(s, &key) != SSH_OK || ssh_pki_export_pubkey_base64(key, &blob) != SSH_OK) {
        ssh_key_free(key);
        r = devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_EHOSTKEY, "cannot read the host key of %s: %s", name,
                               ssh_get_error(s));
        goto out;
    }
    ssh_key_free(key);
    bool same_type = false, match = false, revoked = false;
    for (size_t i = 0; i < known->n; i++) {
        const devconf__kh_key *k = &known->keys[i];
        bool equal = !strcmp(k->type, ktype) && !strcmp(k->blob, blob);
        if (k->revoked) {
            revoked = revoked || equal;
            continue;
        }
        same_type = same_type || !strcmp(k->type, ktype);
        match = match || equal;
    }
    if (revoked) {
        r = devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_EHOSTKEY, "host key of %s (%s key %s) is marked @revoked "
                               "in %s: refusing", name, ktype, fps, known_hosts);
    } else if (match) {
        devconf__log(ctx, DEVCONF_LOG_DEBUG, "ssh", "host key of %s verified: %s key %s", name, ktype, fps);
    } else if (same_type) {
        r = devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_EHOSTKEY,
                               "host key of %s has CHANGED (now %s key %s); it does not match %s: someone may be "
                               "impersonating the device, or its key was replaced; remove the old entry only if "
                               "you know why it changed", name, ktype, fps, known_hosts);
    } else if (known->n) {
        r = devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_EHOSTKEY,
                               "host key of %s is a %s key %s, but %s holds a key of another type for this host: "
                               "refusing (possible impersonation)", name, ktype, fps, known_hosts);
    } else if (policy == DEVCONF_HOSTKEY_ACCEPT_NEW) {
        if ((r = devconf__kh_append(known_hosts, host, port, ktype, blob)) == 0) {
            devconf__log(ctx, DEVCONF_LOG_WARNING, "ssh", "new host %s: recorded %s key %s in %s", name, ktype, fps,
                         known_hosts);
        }
    } else {
        r = devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_EHOSTKEY,
                               "host key of %s is unknown (%s key %s, not in %s): verify the fingerprint, then add "
                               "it to known_hosts or connect once with the accept-new host-key policy",
                               name, ktype, fps, known_hosts);
    }
out:
    ssh_string_free_char(blob);
    ssh_string_free_char(fp);
    return r;
}

/* Runs an authentication step until libssh stops answering "again", waiting on the socket. */
#define AUTH_STEP(call)                                                                 \
    ({                                                                                  \
        int rc_;                                                                        \
        while ((rc_ = (call)) == SSH_AUTH_AGAIN) {                                      \
            if (wait_io(s, dl, host, port, "authenticating to") < 0) {                  \
                rc_ = devconf_error_code(devconf_error_last());                         \
                break;                                                                  \
            }                                                                           \
        }                                                                               \
        rc_;                                                                            \
    })

static int auth_kbdint(ssh_session s, const devconf_session_options *opts, const struct deadline *dl,
                       const char *host, uint16_t port)
{
    int rc;
    while ((rc = AUTH_STEP(ssh_userauth_kbdint(s, NULL, NULL))) == SSH_AUTH_INFO) {
        const char *name = ssh_userauth_kbdint_getname(s);
        const char *instr = ssh_userauth_kbdint_getinstruction(s);
        int n = ssh_userauth_kbdint_getnprompts(s);
        for (int i = 0; i < n; i++) {
            char echo = 0;
            const char *prompt = ssh_userauth_kbdint_getprompt(s, (unsigned)i, &echo);
            char answer[1024] = "";
            if (opts->kbdint_cb) {
                if (opts->kbdint_cb(name ? name : "", instr ? instr : "", prompt ? prompt : "", echo, answer,
                                    sizeof answer, opts->kbdint_payload) != 0) {
                    explicit_bzero(answer, sizeof answer);
                    return devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_EAUTH,
                                              "keyboard-interactive authentication aborted by the callback");
                }
                answer[sizeof answer - 1] = '\0';
            } else if (opts->password && !echo && n == 1) {
                snprintf(answer, sizeof answer, "%s", opts->password);
            } else {
                return SSH_AUTH_DENIED;
            }
            rc = ssh_userauth_kbdint_setanswer(s, (unsigned)i, answer);
            explicit_bzero(answer, sizeof answer);
            if (rc < 0) {
                return SSH_AUTH_ERROR;
            }
        }
    }
    return rc;
}

static int authenticate(ssh_session s, const devconf_session_options *opts, const char *user, const char *host,
                        const struct deadline *dl, uint16_t port)
{
    int rc = AUTH_STEP(ssh_userauth_none(s, NULL));
    if (rc == DEVCONF_ETIMEOUT || rc == DEVCONF_ECANCELED) {
        return rc;
    }
    if (rc == SSH_AUTH_SUCCESS) {
        return 0;
    }
    if (rc == SSH_AUTH_ERROR) {
        goto transport_error;
    }
    int methods = ssh_userauth_list(s, NULL);
    char tried[128] = "";

    if (opts->private_key) {
        strcat(tried, " publickey");
        ssh_key key = NULL;
        rc = ssh_pki_import_privkey_file(opts->private_key, opts->passphrase, NULL, NULL, &key);
        if (rc != SSH_OK) {
            if (access(opts->private_key, R_OK) != 0) {
                return devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_EAUTH, "cannot read private key '%s': %s",
                                          opts->private_key, strerror(errno));
            }
            return devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_EAUTH,
                                      "cannot load private key '%s': %s", opts->private_key,
                                      opts->passphrase ? "wrong passphrase or unsupported key format"
                                                       : "it needs a passphrase, or its format is unsupported");
        }
        rc = (methods & SSH_AUTH_METHOD_PUBLICKEY) ? AUTH_STEP(ssh_userauth_publickey(s, NULL, key)) : SSH_AUTH_DENIED;
        ssh_key_free(key);
        if (rc == DEVCONF_ETIMEOUT || rc == DEVCONF_ECANCELED) {
            return rc;
        }
        if (rc == SSH_AUTH_SUCCESS) {
            return 0;
        }
        if (rc == SSH_AUTH_ERROR) {
            goto transport_error;
        }
    }
    if (opts->use_agent && (methods & SSH_AUTH_METHOD_PUBLICKEY)) {
        strcat(tried, " agent");
        rc = AUTH_STEP(ssh_userauth_agent(s, NULL));
        if (rc == DEVCONF_ETIMEOUT || rc == DEVCONF_ECANCELED) {
            return rc;
        }
        if (rc == SSH_AUTH_SUCCESS) {
            return 0;
        }
    }
    if (opts->password && (methods & SSH_AUTH_METHOD_PASSWORD)) {
        strcat(tried, " password");
        rc = AUTH_STEP(ssh_userauth_password(s, NULL, opts->password));
        if (rc == DEVCONF_ETIMEOUT || rc == DEVCONF_ECANCELED) {
            return rc;
        }
        if (rc == SSH_AUTH_SUCCESS) {
            return 0;
        }
        if (rc == SSH_AUTH_ERROR) {
            goto transport_error;
        }
    }
    if ((opts->kbdint_cb || opts->password) && (methods & SSH_AUTH_METHOD_INTERACTIVE)) {
        strcat(tried, " keyboard-interactive");
        rc = auth_kbdint(s, opts, dl, host, port);
        if (rc == SSH_AUTH_SUCCESS) {
            return 0;
        }
        if (rc < 0 && rc != SSH_AUTH_ERROR) {
            return rc; /* a devconf code: timeout, or the callback aborted */
        }
        if (rc == SSH_AUTH_ERROR) {
            goto transport_error;
        }
    }
    char offered[128] = "";
    if (methods & SSH_AUTH_METHOD_PUBLICKEY) strcat(offered, " publickey");
    if (methods & SSH_AUTH_METHOD_PASSWORD) strcat(offered, " password");
    if (methods & SSH_AUTH_METHOD_INTERACTIVE) strcat(offered, " keyboard-interactive");
    if (!tried[0]) {
        return devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_EAUTH,
                                  "no credentials for %s@%s: give a password, a private key or use_agent (the "
                                  "device accepts:%s)", user, host, offered[0] ? offered : " none");
    }
    return devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_EAUTH,
                              "authentication of %s@%s rejected (tried:%s; the device accepts:%s)", user, host,
                              tried, offered[0] ? offered : " none");
transport_error:
    if (remaining_ms(dl) <= 0) {
        return devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_ETIMEOUT, "timed out authenticating to %s port %u",
                                  host, (unsigned)port);
    }
    return devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_ECONNECT, "SSH connection to %s port %u failed during "
                              "authentication: %s", host, (unsigned)port, ssh_get_error(s));
}

void devconf__ssh_close(struct ssh_session_struct *s)
{
    if (!s) {
        return;
    }
    /* libssh (0.10) never closes a socket it was given with SSH_OPTIONS_FD in ssh_disconnect(): it
     * is the caller's. It closes it, and forgets it (ssh_get_fd() then says none), only when a write
     * on it fails. So the socket libssh still holds is closed here, after libssh is done with it. */
    socket_t fd = ssh_get_fd(s);
    ssh_disconnect(s);
    ssh_free(s);
    if (fd != SSH_INVALID_SOCKET) {
        close(fd);
    }
}

int devconf__ssh_connect(struct ssh_session_struct **out, const devconf_ctx *ctx, const char *host, uint16_t port,
                         const char *user, const devconf_session_options *opts, int64_t deadline,
                         const devconf__cancel *cancel)
{
    return devconf__ssh_start(out, ctx, -1, host, port, user, opts, deadline, cancel);
}

int devconf__ssh_start(struct ssh_session_struct **out, const devconf_ctx *ctx, int fd, const char *host,
                       uint16_t port, const char *user, const devconf_session_options *opts, int64_t deadline,
                       const devconf__cancel *cancel)
{
    *out = NULL;
    struct deadline dl = { deadline, cancel };
    char *kh_default = NULL;
    const char *known_hosts = opts->known_hosts;
    if (!known_hosts) {
        const char *home = getenv("HOME");
        if (asprintf(&kh_default, "%s/.ssh/known_hosts", home && *home ? home : ".") < 0) {
            if (fd >= 0) {
                close(fd);
            }
            return devconf__error_oom();
        }
        known_hosts = kh_default;
    }

    /* what known_hosts says about the host, from devconf's parsed copy of the file: libssh would
     * read and parse the whole file twice per connect (to order the host key algorithms, then to
     * check the key), which at 1,000 devices in one file costs more than the key exchange */
    devconf__kh_keys known = { 0 };
    char algs[256] = "";
    if (opts->hostkey_policy != DEVCONF_HOSTKEY_INSECURE_SKIP) {
        int kr = devconf__kh_lookup(known_hosts, host, port, &known);
        if (kr < 0) {
            free(kh_default);
            if (fd >= 0) {
                close(fd);
            }
            return kr;
        }
        hostkey_algorithms(&known, algs, sizeof algs);
    }
    ssh_session s = ssh_new();
    if (!s) {
        devconf__kh_keys_dispose(&known);
        free(kh_default);
        if (fd >= 0) {
            close(fd);
        }
        return devconf__error_oom();
    }
    unsigned int uport = port;
    int no = 0;
    int r = 0;
    if (ssh_options_set(s, SSH_OPTIONS_HOST, host) < 0 || ssh_options_set(s, SSH_OPTIONS_PORT, &uport) < 0 ||
        ssh_options_set(s, SSH_OPTIONS_USER, user) < 0 ||
        /* libssh's own known_hosts handling is not used (see above) */
        ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null") < 0 ||
        ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null") < 0 ||
        (algs[0] && ssh_options_set(s, SSH_OPTIONS_HOSTKEYS, algs) < 0) ||
        ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no) < 0) {
        r = devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_EINVAL, "cannot configure SSH for %s: %s", host,
                               ssh_get_error(s));
        goto fail;
    }
    /* non-blocking from the start: every wait below is a poll() bounded by the deadline */
    ssh_set_blocking(s, 0);
    if (fd < 0) {
        devconf__log(ctx, DEVCONF_LOG_INFO, "ssh", "connecting to %s@%s port %u", user, host, (unsigned)port);
        if ((fd = devconf__nc_tcp_connect(host, port, DEVCONF_ORIGIN_SSH, deadline, cancel)) < 0) {
            r = fd;
            fd = -1;
            goto fail;
        }
    } else {
        devconf__log(ctx, DEVCONF_LOG_INFO, "ssh", "SSH as %s to %s port %u over a connection the device opened",
                     user, host, (unsigned)port);
    }
    socket_t sfd = fd;
    if (ssh_options_set(s, SSH_OPTIONS_FD, &sfd) < 0) {
        r = devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_ERROR, "cannot hand the socket to libssh: %s",
                               ssh_get_error(s));
        goto fail;
    }
    /* from the first ssh_connect() on, libssh holds the socket (devconf__ssh_close() closes it); should
     * that call fail before libssh takes it (its options cannot be applied: out of memory), the socket
     * is left open rather than risk closing a number libssh closed and another thread reused */
    fd = -1;
    int rc;
    while ((rc = ssh_connect(s)) == SSH_AGAIN) {
        if (remaining_ms(&dl) <= 0 && !devconf__cancelled(cancel)) {
            /* say which step the server did not take */
            r = devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_ETIMEOUT,
                                   ssh_get_serverbanner(s) ? "timed out in the SSH key exchange with %s port %u (the "
                                                             "server sent its version line, then stalled)"
                                                           : "timed out connecting to %s port %u: no SSH version "
                                                             "line from the server (not an SSH server, or a stalled "
                                                             "one)",
                                   host, (unsigned)port);
            goto fail;
        }
        if ((r = wait_io(s, &dl, host, port, "connecting to")) < 0) {
            goto fail;
        }
    }
    if (rc != SSH_OK) {
        const char *msg = ssh_get_error(s);
        if (algs[0] && strstr(msg, "host key algo")) {
            /* the server has no key of a type known_hosts holds for it */
            r = devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_EHOSTKEY,
                                   "%s port %u offers no host key of the types %s holds for it (%s): refusing "
                                   "(possible impersonation; %s)", host, (unsigned)port, known_hosts, algs, msg);
        } else if (remaining_ms(&dl) <= 0 || strstr(msg, "imeout") || strstr(msg, "timed out")) {
            r = devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_ETIMEOUT, "timed out connecting to %s port %u (%s)",
                                   host, (unsigned)port, msg);
        } else if (!ssh_get_serverbanner(s)) {
            r = devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_ECONNECT,
                                   "cannot connect to %s port %u: no SSH version line from the server (not an SSH "
                                   "server?): %s", host, (unsigned)port, msg);
        } else {
            r = devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_ECONNECT, "cannot connect to %s port %u: %s", host,
                                   (unsigned)port, msg);
        }
        goto fail;
    }
    if ((r = verify_host_key(s, ctx, host, port, known_hosts, opts->hostkey_policy, &known)) < 0) {
        goto fail;
    }
    devconf__kh_keys_dispose(&known);
    if ((r = authenticate(s, opts, user, host, &dl, port)) < 0) {
        goto fail;
    }
    free(kh_default);
    *out = s;
    return 0;
fail:
    devconf__kh_keys_dispose(&known);
    if (fd >= 0) {
        close(fd); /* not handed to libssh */
    }
    devconf__ssh_close(s);
    free(kh_default);
    return r;
}

/* ---- the netconf subsystem as a byte stream ---- */

typedef struct ssh_stream {
    devconf__nc_stream base;
    ssh_session ssh;
    ssh_channel ch;
    char *host;
    uint16_t port;
    bool eof;
} ssh_stream;

static int stream_fail(ssh_stream *st, const struct deadline *dl, const char *what)
{
    if (remaining_ms(dl) <= 0) {
        return devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_ETIMEOUT, "timed out %s %s port %u", what, st->host,
                                  (unsigned)st->port);
    }
    return devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_ECONNECT, "SSH connection to %s port %u failed %s: %s",
                              st->host, (unsigned)st->port, what, ssh_get_error(st->ssh));
}

static long stream_read(devconf__nc_stream *base, char *buf, size_t n, int64_t deadline, const devconf__cancel *cancel)
{
    ssh_stream *st = (ssh_stream *)base;
    struct deadline dl = { deadline, cancel };
    if (st->eof) {
        return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ECONNECT, "%s closed the NETCONF session",
                                  st->host);
    }
    for (;;) {
        int avail = ssh_channel_poll_timeout(st->ch, remaining_ms(&dl) < 100 ? remaining_ms(&dl) : 100, 0);
        if (avail == SSH_EOF) {
            st->eof = true;
            return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ECONNECT, "%s closed the NETCONF session",
                                      st->host);
        }
        if (avail == SSH_ERROR) {
            st->eof = true;
            return stream_fail(st, &dl, "while reading");
        }
        if (avail > 0) {
            int got = ssh_channel_read_nonblocking(st->ch, buf, (uint32_t)(n < (size_t)avail ? n : (size_t)avail), 0);
            if (got > 0) {
                return got;
            }
            if (got == SSH_ERROR) {
                st->eof = true;
                return stream_fail(st, &dl, "while reading");
            }
        }
        if (remaining_ms(&dl) <= 0) {
            return 0;
        }
        if (devconf__cancelled(cancel)) {
            return devconf__error_canceled("waiting for the device");
        }
    }
}

static int stream_write(devconf__nc_stream *base, const char *buf, size_t n, int64_t deadline,
                        const devconf__cancel *cancel)
{
    ssh_stream *st = (ssh_stream *)base;
    struct deadline dl = { deadline, cancel };
    while (n) {
        if (st->eof) {
            return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ECONNECT, "%s closed the NETCONF session",
                                      st->host);
        }
        int w = ssh_channel_write(st->ch, buf, (uint32_t)(n > 65536 ? 65536 : n));
        if (w == SSH_ERROR) {
            st->eof = true;
            return stream_fail(st, &dl, "while writing");
        }
        if (w == SSH_AGAIN) {
            w = 0;
        }
        buf += w;
        n -= (size_t)w;
        if (n) {
            if (remaining_ms(&dl) <= 0) {
                return stream_fail(st, &dl, "while writing to");
            }
            /* the device's window is full: let libssh read its window adjust */
            if (ssh_channel_poll_timeout(st->ch, remaining_ms(&dl) < 50 ? remaining_ms(&dl) : 50, 0) == SSH_ERROR) {
                st->eof = true;
                return stream_fail(st, &dl, "while writing");
            }
        }
    }
    /* libssh may keep bytes in its output buffer in non-blocking mode */
    while (ssh_blocking_flush(st->ssh, 0) == SSH_AGAIN) {
        if (remaining_ms(&dl) <= 0) {
            return stream_fail(st, &dl, "while writing to");
        }
        if (wait_io(st->ssh, &dl, st->host, st->port, "writing to") < 0) {
            return devconf_error_code(devconf_error_last());
        }
    }
    return 0;
}

static bool stream_alive(const devconf__nc_stream *base)
{
    const ssh_stream *st = (const ssh_stream *)base;
    return !st->eof && ssh_channel_is_open(st->ch) && !ssh_channel_is_eof(st->ch);
}

static void stream_free(devconf__nc_stream *base)
{
    ssh_stream *st = (ssh_stream *)base;
    if (!st) {
        return;
    }
    if (st->ch) {
        ssh_channel_close(st->ch);
        ssh_channel_free(st->ch);
    }
    devconf__ssh_close(st->ssh);
    free(st->host);
    free(st);
}

static const devconf__nc_stream_ops ssh_stream_ops = { stream_read, stream_write, stream_alive, stream_free };

int devconf__nc_ssh_open(devconf__nc_stream **out, const devconf_ctx *ctx, int fd, const char *host, uint16_t port,
                         const char *user, const devconf_session_options *opts, int64_t deadline,
                         const devconf__cancel *cancel)
{
    *out = NULL;
    ssh_stream *st = calloc(1, sizeof *st);
    if (!st || !(st->host = devconf__strdup(host))) {
        free(st);
        if (fd >= 0) {
            close(fd);
        }
        return devconf__error_oom();
    }
    st->base.ops = &ssh_stream_ops;
    st->port = port;
    struct deadline dl = { deadline, cancel };
    int r = devconf__ssh_start(&st->ssh, ctx, fd, host, port, user, opts, deadline, cancel);
    if (r < 0) {
        stream_free(&st->base);
        return r;
    }
    if (!(st->ch = ssh_channel_new(st->ssh))) {
        r = stream_fail(st, &dl, "opening a channel on");
        stream_free(&st->base);
        return r;
    }
    int rc;
    while ((rc = ssh_channel_open_session(st->ch)) == SSH_AGAIN) {
        if ((r = wait_io(st->ssh, &dl, host, port, "opening a channel on")) < 0) {
            stream_free(&st->base);
            return r;
        }
    }
    if (rc == SSH_OK) {
        while ((rc = ssh_channel_request_subsystem(st->ch, "netconf")) == SSH_AGAIN) {
            if ((r = wait_io(st->ssh, &dl, host, port, "opening the NETCONF subsystem on")) < 0) {
                stream_free(&st->base);
                return r;
            }
        }
    }
    if (rc != SSH_OK) {
        r = remaining_ms(&dl) <= 0 ? stream_fail(st, &dl, "opening the NETCONF subsystem on")
                                   : devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_ECONNECT,
                                                        "%s port %u refused the NETCONF subsystem: %s", host,
                                                        (unsigned)port, ssh_get_error(st->ssh));
        stream_free(&st->base);
        return r;
    }
    *out = &st->base;
    return 0;
}
