/* The bulk-read channel: a second NETCONF session on a session's own SSH connection, used for
 * reads whose answer the caller wants as XML text.
 *
 * Why: libnetconf2 parses every reply into a libyang tree (and devconf would print it back to
 * text). For a large <get-config> that round trip is ~80% of the client's time; ncclient and
 * scrapli do not pay it. libnetconf2 2.0.24 has no way to hand over a reply's bytes, and its
 * channel is private, so devconf opens its own channel on the same SSH connection (as
 * nc_connect_ssh_channel() would), speaks NETCONF 1.0 end-of-message framing on it, and returns
 * the <data> element's content as the device sent it.
 *
 * The channel is opened on the first such read and lives as long as the session. The session's
 * calls are serialized (one thread at a time per session), and libnetconf2 touches the SSH
 * connection only inside a call, so the two never use libssh at the same time. */
#include "devconf_p.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>

#define EOM "]]>]]>"
#define EOM_LEN 6

struct devconf__nc_raw {
    ssh_session ssh;    /* not owned: libnetconf2's session owns it */
    ssh_channel ch;
    unsigned long next_id;
    char *host;         /* for messages */
    int timeout_ms;     /* of the call under way, for messages */
};

static int left_ms(int64_t deadline)
{
    int64_t left = deadline - devconf__now_ms();
    return left > 0 ? (left > 1000000 ? 1000000 : (int)left) : 0;
}

static int fail_io(devconf__nc_raw *raw, int64_t deadline, const char *what)
{
    if (left_ms(deadline) == 0) {
        return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ETIMEOUT, "%s: no reply from %s within %d ms", what,
                                  raw->host, raw->timeout_ms);
    }
    return devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_ECONNECT, "%s: SSH channel to %s failed: %s", what,
                              raw->host, ssh_get_error(raw->ssh));
}

/* Writes all of data (libnetconf2 keeps the SSH session non-blocking: a write may be partial). */
static int write_all(devconf__nc_raw *raw, const char *data, size_t len, int64_t deadline, const char *what)
{
    while (len) {
        int n = ssh_channel_write(raw->ch, data, (uint32_t)(len > 65536 ? 65536 : len));
        if (n == SSH_AGAIN) {
            n = 0;
        } else if (n < 0) {
            return fail_io(raw, deadline, what);
        }
        data += n;
        len -= (size_t)n;
        if (len) {
            if (left_ms(deadline) == 0) {
                return fail_io(raw, deadline, what);
            }
            /* the remote window is full: let libssh read the window adjust */
            if (ssh_channel_poll_timeout(raw->ch, 1, 0) == SSH_ERROR) {
                return fail_io(raw, deadline, what);
            }
        }
    }
    return 0;
}

/* Reads one end-of-message framed message into a malloc'ed NUL-terminated buffer (without the
 * delimiter). */
static int read_message(devconf__nc_raw *raw, int64_t deadline, const char *what, char **out, size_t *len_out)
{
    size_t cap = 64 * 1024, len = 0;
    char *buf = malloc(cap);
    if (!buf) {
        return devconf__error_oom();
    }
    for (;;) {
        int avail = ssh_channel_poll_timeout(raw->ch, left_ms(deadline), 0);
        if (avail == SSH_ERROR || avail == SSH_EOF || (avail == 0 && left_ms(deadline) == 0)) {
            free(buf);
            if (avail == SSH_EOF) {
                return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ECONNECT, "%s: %s closed the channel",
                                          what, raw->host);
            }
            return fail_io(raw, deadline, what);
        }
        if (avail == 0) {
            continue;
        }
        if (cap - len < (size_t)avail + 1) {
            while (cap - len < (size_t)avail + 1) {
                cap *= 2;
            }
            char *p = realloc(buf, cap);
            if (!p) {
                free(buf);
                return devconf__error_oom();
            }
            buf = p;
        }
        int n = ssh_channel_read_nonblocking(raw->ch, buf + len, (uint32_t)avail, 0);
        if (n == SSH_AGAIN) {
            n = 0;
        } else if (n < 0) {
            free(buf);
            return fail_io(raw, deadline, what);
        }
        /* the delimiter may straddle two reads: look from EOM_LEN - 1 bytes back */
        size_t from = len >= EOM_LEN - 1 ? len - (EOM_LEN - 1) : 0;
        len += (size_t)n;
        buf[len] = '\0';
        char *eom = memmem(buf + from, len - from, EOM, EOM_LEN);
        if (eom) {
            if ((size_t)(eom - buf) + EOM_LEN != len) {
                /* nothing is pipelined on this channel: bytes after a reply are a protocol error */
                free(buf);
                return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EPROTO,
                                          "%s: %s sent bytes after the end of its reply", what, raw->host);
            }
            *eom = '\0';
            *out = buf;
            *len_out = (size_t)(eom - buf);
            return 0;
        }
    }
}

static const char HELLO[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities>"
    "<capability>urn:ietf:params:netconf:base:1.0</capability>"
    "</capabilities></hello>" EOM;

int devconf__nc_raw_open(devconf__nc_raw **out, struct ssh_session_struct *ssh, const char *host, int timeout_ms)
{
    *out = NULL;
    const char *what = "opening the bulk-read channel";
    int64_t deadline = devconf__now_ms() + timeout_ms;
    devconf__nc_raw *raw = calloc(1, sizeof *raw);
    if (!raw || !(raw->host = devconf__strdup(host))) {
        free(raw);
        return devconf__error_oom();
    }
    raw->ssh = ssh;
    raw->next_id = 1;
    raw->timeout_ms = timeout_ms;
    int r;
    if (!(raw->ch = ssh_channel_new(ssh))) {
        r = fail_io(raw, deadline, what);
        goto fail;
    }
    while ((r = ssh_channel_open_session(raw->ch)) == SSH_AGAIN && left_ms(deadline) > 0) {
        ssh_channel_poll_timeout(raw->ch, 1, 0);
    }
    if (r != SSH_OK) {
        r = fail_io(raw, deadline, what);
        goto fail;
    }
    while ((r = ssh_channel_request_subsystem(raw->ch, "netconf")) == SSH_AGAIN && left_ms(deadline) > 0) {
        ssh_channel_poll_timeout(raw->ch, 1, 0);
    }
    if (r != SSH_OK) {
        r = fail_io(raw, deadline, what);
        goto fail;
    }
    if ((r = write_all(raw, HELLO, sizeof HELLO - 1, deadline, what)) < 0) {
        goto fail;
    }
    char *hello = NULL;
    size_t len = 0;
    if ((r = read_message(raw, deadline, what, &hello, &len)) < 0) {
        goto fail;
    }
    /* end-of-message framing needs :base:1.0 on both sides */
    bool base10 = strstr(hello, "urn:ietf:params:netconf:base:1.0<") || strstr(hello, "urn:ietf:params:netconf:base:1.0 <")
                  || strstr(hello, "urn:ietf:params:netconf:base:1.0\n");
    free(hello);
    if (!base10) {
        devconf__nc_raw_close(raw);
        return 1;
    }
    *out = raw;
    return 0;
fail:
    devconf__nc_raw_close(raw);
    return r;
}

int devconf__nc_raw_call(devconf__nc_raw *raw, const char *body, int timeout_ms, const char *what, char **reply,
                         size_t *len)
{
    *reply = NULL;
    int64_t deadline = devconf__now_ms() + timeout_ms;
    raw->timeout_ms = timeout_ms;
    devconf__buf b = { 0 };
    unsigned long id = raw->next_id++;
    devconf__buf_printf(&b, "<rpc message-id=\"devconf-bulk-%lu\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">"
                        "%s</rpc>" EOM, id, body);
    if (b.failed) {
        devconf__buf_dispose(&b);
        return devconf__error_oom();
    }
    int r = write_all(raw, b.data, b.len, deadline, what);
    devconf__buf_dispose(&b);
    if (r < 0) {
        return r;
    }
    if ((r = read_message(raw, deadline, what, reply, len)) < 0) {
        return r;
    }
    char expect[64];
    snprintf(expect, sizeof expect, "message-id=\"devconf-bulk-%lu\"", id);
    const char *start = strstr(*reply, "<rpc-reply");
    const char *start_end = start ? strchr(start, '>') : NULL;
    const char *mid = start ? strstr(start, expect) : NULL;
    if (!start_end || !mid || mid > start_end) {
        free(*reply);
        *reply = NULL;
        return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EPROTO,
                                  "%s: %s sent a reply with a missing or wrong message-id", what, raw->host);
    }
    return 0;
}

void devconf__nc_raw_close(devconf__nc_raw *raw)
{
    if (!raw) {
        return;
    }
    if (raw->ch) {
        /* no <close-session>: closing the channel ends that NETCONF session, and waiting for a
         * reply here would only slow down the session's own close */
        ssh_channel_close(raw->ch);
        ssh_channel_free(raw->ch);
    }
    free(raw->host);
    free(raw);
}

/* ---- the <data> of a reply, as text ---- */

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The prefixes an element's start tag [tag, end) declares (xmlns:P="...") are appended to pfx. */
static void declared_prefixes(const char *tag, const char *end, const char **pfx, size_t *pfx_len, size_t *n,
                              size_t max)
{
    for (const char *p = tag; p < end && (p = memmem(p, (size_t)(end - p), "xmlns:", 6)); p += 6) {
        const char *name = p + 6, *eq = name;
        while (eq < end && *eq != '=' && !is_ws(*eq)) {
            eq++;
        }
        if (*n < max && eq > name) {
            pfx[*n] = name;
            pfx_len[*n] = (size_t)(eq - name);
            (*n)++;
        }
    }
}

/* Whether text uses prefix P (as "P:" at the start of a name or value). */
static bool uses_prefix(const char *text, size_t len, const char *p, size_t plen)
{
    const char *end = text + len;
    for (const char *q = text; q + plen < end && (q = memmem(q, (size_t)(end - q), p, plen)); q++) {
        if (q + plen < end && q[plen] == ':' && (q == text || strchr("<\"' \t\r\n>/", q[-1]))) {
            return true;
        }
    }
    return false;
}

int devconf__nc_raw_take_data(char *reply, size_t len, size_t *out_len)
{
    const char *pfx[16];
    size_t pfx_len[16], npfx = 0;
    char *end = reply + len;
    char *p = strstr(reply, "<rpc-reply");
    char *q = p ? strchr(p, '>') : NULL;
    if (!q || q[-1] == '/') {
        return 1;
    }
    declared_prefixes(p, q, pfx, pfx_len, &npfx, 16);
    char *c = q + 1;
    while (c < end && is_ws(*c)) {
        c++;
    }
    if (c >= end || *c != '<') {
        return 1;
    }
    /* the element's qualified name, and its local part: it must be <data> */
    char *name = c + 1, *name_end = name;
    while (name_end < end && !is_ws(*name_end) && *name_end != '>' && *name_end != '/') {
        name_end++;
    }
    char *colon = memchr(name, ':', (size_t)(name_end - name));
    char *local = colon ? colon + 1 : name;
    if (name_end - local != 4 || memcmp(local, "data", 4)) {
        return 1; /* <rpc-error>, <ok/>, anything else: the caller takes the full path */
    }
    char *tag_end = strchr(name_end, '>');
    if (!tag_end) {
        return 1;
    }
    declared_prefixes(c, tag_end, pfx, pfx_len, &npfx, 16);
    char *content = tag_end + 1, *content_end;
    if (tag_end[-1] == '/') {
        content_end = content = tag_end; /* <data/> */
    } else {
        /* the last end tag is </rpc-reply>; the one before it, with only white space between,
         * must be </data> */
        char *last = end;
        while (last > content && !(last[0] == '<' && last[1] == '/')) {
            last--;
        }
        char *t = last - 1;
        while (t > content && is_ws(*t)) {
            t--;
        }
        if (t <= content || *t != '>') {
            return 1;
        }
        while (t > content && *t != '<') {
            t--;
        }
        size_t qlen = (size_t)(name_end - name);
        if (t[0] != '<' || t[1] != '/' || strncmp(t + 2, name, qlen) || (t[2 + qlen] != '>' && !is_ws(t[2 + qlen]))) {
            return 1;
        }
        content_end = t;
    }
    while (content < content_end && is_ws(*content)) {
        content++;
    }
    while (content_end > content && is_ws(content_end[-1])) {
        content_end--;
    }
    size_t n = (size_t)(content_end - content);
    /* Cut out of its envelope the content must not depend on it: no prefix declared on
     * <rpc-reply> or <data> in use, and a top-level element declaring its own namespace. */
    for (size_t i = 0; i < npfx; i++) {
        if (uses_prefix(content, n, pfx[i], pfx_len[i])) {
            return 1;
        }
    }
    if (n) {
        const char *first_end = memchr(content, '>', n);
        if (!first_end || !memmem(content, (size_t)(first_end - content), "xmlns", 5)) {
            return 1;
        }
    }
    memmove(reply, content, n);
    if (n) {
        reply[n++] = '\n'; /* as libyang prints: a final newline (room: the envelope was longer) */
    }
    reply[n] = '\0';
    *out_len = n;
    return 0;
}
