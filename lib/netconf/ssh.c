/* SSH connection, host-key verification and authentication with libssh.
 *
 * devconf builds the SSH session itself and hands the authenticated session to libnetconf2
 * (nc_connect_libssh()), so nothing depends on libnetconf2's per-thread client settings and
 * every step has a timeout. */
#include "devconf_p.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh/libssh.h>

struct deadline {
    int64_t end;
};

static int remaining_ms(const struct deadline *d)
{
    int64_t left = d->end - devconf__now_ms();
    return left > 0 ? (int)left : 0;
}

/* libssh applies SSH_OPTIONS_TIMEOUT to each blocking wait: keep it at what is left. */
static int arm_timeout(ssh_session s, const struct deadline *d, const char *host, uint16_t port, const char *step)
{
    int left = remaining_ms(d);
    if (left <= 0) {
        return devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_ETIMEOUT, "timed out %s %s port %u", step, host,
                                  (unsigned)port);
    }
    long usec = (long)(left % 1000) * 1000;
    long sec = left / 1000;
    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &sec);
    ssh_options_set(s, SSH_OPTIONS_TIMEOUT_USEC, &usec);
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

static int verify_host_key(ssh_session s, const devconf_ctx *ctx, const char *host, uint16_t port,
                           const char *known_hosts, devconf_hostkey_policy policy)
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
    if (policy == DEVCONF_HOSTKEY_INSECURE_SKIP) {
        devconf__log(ctx, DEVCONF_LOG_WARNING, "ssh",
                     "host key of %s NOT verified (insecure policy): %s key %s", name, ktype, fps);
        goto out;
    }
    enum ssh_known_hosts_e st = ssh_session_is_known_server(s);
    switch (st) {
    case SSH_KNOWN_HOSTS_OK:
        devconf__log(ctx, DEVCONF_LOG_DEBUG, "ssh", "host key of %s verified: %s key %s", name, ktype, fps);
        break;
    case SSH_KNOWN_HOSTS_CHANGED:
        r = devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_EHOSTKEY,
                               "host key of %s has CHANGED (now %s key %s); it does not match %s: someone may be "
                               "impersonating the device, or its key was replaced; remove the old entry only if "
                               "you know why it changed", name, ktype, fps, known_hosts);
        break;
    case SSH_KNOWN_HOSTS_OTHER:
        r = devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_EHOSTKEY,
                               "host key of %s is a %s key %s, but %s holds a key of another type for this host: "
                               "refusing (possible impersonation)", name, ktype, fps, known_hosts);
        break;
    case SSH_KNOWN_HOSTS_NOT_FOUND:
    case SSH_KNOWN_HOSTS_UNKNOWN:
        if (policy == DEVCONF_HOSTKEY_ACCEPT_NEW) {
            if (ssh_session_update_known_hosts(s) != SSH_OK) {
                r = devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_ERROR,
                                       "cannot record the host key of %s in %s: %s", name, known_hosts,
                                       ssh_get_error(s));
                break;
            }
            devconf__log(ctx, DEVCONF_LOG_WARNING, "ssh", "new host %s: recorded %s key %s in %s", name, ktype, fps,
                         known_hosts);
            break;
        }
        r = devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_EHOSTKEY,
                               "host key of %s is unknown (%s key %s, not in %s): verify the fingerprint, then add "
                               "it to known_hosts or connect once with the accept-new host-key policy",
                               name, ktype, fps, known_hosts);
        break;
    case SSH_KNOWN_HOSTS_ERROR:
    default:
        r = devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_EHOSTKEY, "cannot check the host key of %s against %s: %s",
                               name, known_hosts, ssh_get_error(s));
        break;
    }
out:
    ssh_string_free_char(fp);
    return r;
}

static int auth_kbdint(ssh_session s, const devconf_session_options *opts)
{
    int rc;
    while ((rc = ssh_userauth_kbdint(s, NULL, NULL)) == SSH_AUTH_INFO) {
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
    int rc = ssh_userauth_none(s, NULL);
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
        if (arm_timeout(s, dl, host, port, "authenticating to") < 0) {
            ssh_key_free(key);
            return DEVCONF_ETIMEOUT;
        }
        rc = (methods & SSH_AUTH_METHOD_PUBLICKEY) ? ssh_userauth_publickey(s, NULL, key) : SSH_AUTH_DENIED;
        ssh_key_free(key);
        if (rc == SSH_AUTH_SUCCESS) {
            return 0;
        }
        if (rc == SSH_AUTH_ERROR) {
            goto transport_error;
        }
    }
    if (opts->use_agent && (methods & SSH_AUTH_METHOD_PUBLICKEY)) {
        strcat(tried, " agent");
        if (arm_timeout(s, dl, host, port, "authenticating to") < 0) {
            return DEVCONF_ETIMEOUT;
        }
        rc = ssh_userauth_agent(s, NULL);
        if (rc == SSH_AUTH_SUCCESS) {
            return 0;
        }
    }
    if (opts->password && (methods & SSH_AUTH_METHOD_PASSWORD)) {
        strcat(tried, " password");
        if (arm_timeout(s, dl, host, port, "authenticating to") < 0) {
            return DEVCONF_ETIMEOUT;
        }
        rc = ssh_userauth_password(s, NULL, opts->password);
        if (rc == SSH_AUTH_SUCCESS) {
            return 0;
        }
        if (rc == SSH_AUTH_ERROR) {
            goto transport_error;
        }
    }
    if ((opts->kbdint_cb || opts->password) && (methods & SSH_AUTH_METHOD_INTERACTIVE)) {
        strcat(tried, " keyboard-interactive");
        if (arm_timeout(s, dl, host, port, "authenticating to") < 0) {
            return DEVCONF_ETIMEOUT;
        }
        rc = auth_kbdint(s, opts);
        if (rc == SSH_AUTH_SUCCESS) {
            return 0;
        }
        if (rc < 0 && rc != SSH_AUTH_ERROR) {
            return rc; /* a devconf code from the callback path */
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

int devconf__ssh_connect(struct ssh_session_struct **out, const devconf_ctx *ctx, const char *host, uint16_t port,
                         const char *user, const devconf_session_options *opts, int timeout_ms)
{
    *out = NULL;
    struct deadline dl = { devconf__now_ms() + timeout_ms };
    char *kh_default = NULL;
    const char *known_hosts = opts->known_hosts;
    if (!known_hosts) {
        const char *home = getenv("HOME");
        if (asprintf(&kh_default, "%s/.ssh/known_hosts", home && *home ? home : ".") < 0) {
            return devconf__error_oom();
        }
        known_hosts = kh_default;
    }

    ssh_session s = ssh_new();
    if (!s) {
        free(kh_default);
        return devconf__error_oom();
    }
    unsigned int uport = port;
    int no = 0, yes = 1;
    int r = 0;
    if (ssh_options_set(s, SSH_OPTIONS_HOST, host) < 0 || ssh_options_set(s, SSH_OPTIONS_PORT, &uport) < 0 ||
        ssh_options_set(s, SSH_OPTIONS_USER, user) < 0 ||
        ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, known_hosts) < 0 ||
        ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, known_hosts) < 0 ||
        ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no) < 0 ||
        /* NETCONF is request/response: without TCP_NODELAY, Nagle's algorithm and delayed ACKs
         * add about 40 ms to every small RPC */
        ssh_options_set(s, SSH_OPTIONS_NODELAY, &yes) < 0) {
        r = devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_EINVAL, "cannot configure SSH for %s: %s", host,
                               ssh_get_error(s));
        goto fail;
    }
    if ((r = arm_timeout(s, &dl, host, port, "connecting to")) < 0) {
        goto fail;
    }
    devconf__log(ctx, DEVCONF_LOG_INFO, "ssh", "connecting to %s@%s port %u", user, host, (unsigned)port);
    if (ssh_connect(s) != SSH_OK) {
        const char *msg = ssh_get_error(s);
        if (remaining_ms(&dl) <= 0 || strstr(msg, "imeout") || strstr(msg, "timed out")) {
            r = devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_ETIMEOUT, "timed out connecting to %s port %u (%s)",
                                   host, (unsigned)port, msg);
        } else {
            r = devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_ECONNECT, "cannot connect to %s port %u: %s", host,
                                   (unsigned)port, msg);
        }
        goto fail;
    }
    if ((r = verify_host_key(s, ctx, host, port, known_hosts, opts->hostkey_policy)) < 0) {
        goto fail;
    }
    if ((r = arm_timeout(s, &dl, host, port, "authenticating to")) < 0) {
        goto fail;
    }
    if ((r = authenticate(s, opts, user, host, &dl, port)) < 0) {
        goto fail;
    }
    /* Later waits (channel, hello) use what is left of the connect budget. */
    if ((r = arm_timeout(s, &dl, host, port, "opening the NETCONF subsystem on")) < 0) {
        goto fail;
    }
    free(kh_default);
    *out = s;
    return 0;
fail:
    ssh_disconnect(s);
    ssh_free(s);
    free(kh_default);
    return r;
}
