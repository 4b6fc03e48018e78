/* HTTP plumbing of RESTCONF: the curl handle's set-up, request URLs built from parts (the
 * session's scheme, host and port, and a path devconf checked), one request at a time within the
 * operation's deadline, and response capture bounded by the session's max_reply_bytes. */
#include "restconf_p.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Request and response bodies longer than this are cut in the DEBUG log. */
#define LOG_BODY_MAX 4096

int devconf__restconf_global_init(void)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        return devconf__error_set(DEVCONF_ORIGIN_HTTP, DEVCONF_ERROR, "libcurl global initialisation failed");
    }
    return 0;
}

void devconf__restconf_global_deinit(void)
{
    curl_global_cleanup();
}

/* ---- the curl handle ---- */

int devconf__rc_http_setup(devconf_session *s, devconf__rc_state *st, const devconf__uri *uri,
                           const devconf_session_options *o)
{
    bool https = uri->scheme == DEVCONF_SCHEME_RESTCONF_HTTPS;
    bool v6 = strchr(uri->host, ':') != NULL;
    st->scheme = https ? "https" : "http";
    st->port = uri->port;
    if (asprintf(&st->url_host, "%s%s%s", v6 ? "[" : "", uri->host, v6 ? "]" : "") < 0) {
        st->url_host = NULL;
        return devconf__error_oom();
    }
    if (asprintf(&st->base, "%s://%s:%u", st->scheme, st->url_host, (unsigned)uri->port) < 0) {
        st->base = NULL;
        return devconf__error_oom();
    }
    if (!(st->curl = curl_easy_init())) {
        return devconf__error_oom();
    }
    CURL *c = st->curl;
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, st->errbuf);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)s->connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
    /* the session's scheme only, and no redirects: credentials never follow the server elsewhere */
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, st->scheme);
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, st->scheme);
    /* compressed replies are welcome: the cap counts the bytes after decoding (gzip bombs) */
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)(https ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1));
    if (https) {
        long verify = o->tls_insecure_skip_verify ? 0L : 1L;
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, verify);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
        if (!verify) {
            devconf__log(s->ctx, DEVCONF_LOG_WARNING, "tls", "TLS certificate of %s NOT verified (insecure option)",
                         s->host);
        }
        if (o->ca_file && curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file) != CURLE_OK) {
            return devconf__error_oom();
        }
        if (o->client_cert) {
            curl_easy_setopt(c, CURLOPT_SSLCERT, o->client_cert);
            curl_easy_setopt(c, CURLOPT_SSLKEY, o->client_key ? o->client_key : o->client_cert);
        }
    }
    const char *user = o->username ? o->username : uri->user;
    if (o->password || user) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        if (user) {
            curl_easy_setopt(c, CURLOPT_USERNAME, user);
        }
        if (o->password) {
            curl_easy_setopt(c, CURLOPT_PASSWORD, o->password);
        }
    }
    if (o->bearer_token) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
        curl_easy_setopt(c, CURLOPT_XOAUTH2_BEARER, o->bearer_token);
    }
    return 0;
}

void devconf__rc_begin_call(devconf_session *s)
{
    devconf__rc_begin(s, s->call_timeout_ms,
                      s->call_timeout_ms == s->rpc_timeout_ms ? "the RPC timeout" : "the call's timeout");
}

void devconf__rc_begin(devconf_session *s, int timeout_ms, const char *label)
{
    devconf__rc_state *st = devconf__rc_st(s);
    st->op_timeout_ms = timeout_ms;
    st->op_timeout_label = label;
    st->deadline_ms = devconf__now_ms() + timeout_ms;
}

/* ---- paths and origins ---- */

static int hexval(char c)
{
    if (isdigit((unsigned char)c)) {
        return c - '0';
    }
    return isxdigit((unsigned char)c) ? tolower((unsigned char)c) - 'a' + 10 : -1;
}

const char *devconf__rc_path_problem(const char *p, bool query_ok)
{
    if (!p || p[0] != '/') {
        return "is not an absolute path";
    }
    if (p[1] == '/') {
        return "is protocol-relative (//host names another server)";
    }
    bool query = false;
    const char *seg = p + 1;
    for (const char *c = p;; c++) {
        if (!query && (*c == '/' || *c == '?' || !*c)) {
            /* end of a segment: "." and ".." (also percent-encoded) climb out of the root */
            size_t len = (size_t)(c - seg), dots = 0, i = 0;
            bool other = false;
            while (i < len && !other) {
                if (seg[i] == '.') {
                    dots++, i++;
                } else if (seg[i] == '%' && i + 2 < len && seg[i + 1] == '2' && (seg[i + 2] | 0x20) == 'e') {
                    dots++, i += 3;
                } else {
                    other = true;
                }
            }
            if (!other && (dots == 1 || dots == 2)) {
                return "has a '.' or '..' segment";
            }
            seg = c + 1;
        }
        if (!*c) {
            break;
        }
        unsigned char u = (unsigned char)*c;
        if (u <= 0x20 || u >= 0x7F) {
            return "contains a control character, a space or a byte outside ASCII";
        }
        if (*c == '#') {
            return "has a fragment ('#')";
        }
        if (*c == '?') {
            if (!query_ok || query) {
                return "has a query ('?')";
            }
            query = true;
            continue;
        }
        if (*c == '%') {
            int hi = hexval(c[1]), lo = hi < 0 ? -1 : hexval(c[2]);
            if (hi < 0 || lo < 0) {
                return "has a '%' that is not a %XX escape";
            }
            int v = hi * 16 + lo;
            if (v < 0x20 || v == 0x7F) {
                return "contains an encoded control character";
            }
            c += 2;
            continue;
        }
        if (!isalnum(u) && !strchr("-._~!$&'()*+,;=:@/", *c)) {
            return "contains a character URLs may not hold";
        }
    }
    return NULL;
}

/* The authority of an absolute URL text (between "scheme://" and the path), or NULL. */
static const char *authority(const char *url, size_t *len)
{
    const char *p = strstr(url, "://");
    if (!p) {
        return NULL;
    }
    p += 3;
    *len = strcspn(p, "/?#");
    return p;
}

int devconf__rc_same_origin(devconf_session *s, const char *ref, const char *what, bool query_ok, char **path_out)
{
    devconf__rc_state *st = devconf__rc_st(s);
    *path_out = NULL;
    const char *why = NULL;
    char *path = NULL;
    size_t alen = 0;
    if (!ref || !*ref) {
        why = "is empty";
    } else if (ref[0] == '/') {
        why = devconf__rc_path_problem(ref, query_ok);
    } else if (isalpha((unsigned char)ref[0]) && ref[strspn(ref, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                            "0123456789+.-")] == ':') {
        /* an absolute URL: only the session's own scheme, host and port, and no user information */
        const char *auth = authority(ref, &alen);
        CURLU *u = curl_url();
        char *scheme = NULL, *host = NULL, *port = NULL, *user = NULL;
        if (!u) {
            return devconf__error_oom();
        }
        if (!auth) {
            why = "is a URL without an authority (scheme://host)";
        } else if (memchr(auth, '@', alen)) {
            why = "carries user information (user@host: another host in disguise)";
        } else if (curl_url_set(u, CURLUPART_URL, ref, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
            why = "is not a valid URL";
        } else if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK) {
            why = "carries user information";
        } else if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK || strcasecmp(scheme, st->scheme)) {
            why = "uses another scheme than the session";
        } else if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || strcasecmp(host, st->url_host)) {
            why = "names another host than the session's";
        } else if (curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK ||
                   strtoul(port, NULL, 10) != st->port) {
            why = "names another port than the session's";
        } else {
            const char *rest = auth + alen;
            why = devconf__rc_path_problem(*rest ? rest : "/", query_ok);
            ref = *rest ? rest : "/";
        }
        curl_free(scheme);
        curl_free(host);
        curl_free(port);
        curl_free(user);
        curl_url_cleanup(u);
    } else {
        why = "is neither an absolute path nor a URL of the session's server";
    }
    if (why) {
        devconf__buf shown = { 0 };
        devconf__rc_buf_clean(&shown, ref ? ref : "", 300);
        int r = devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EPROTO,
                                   "%s '%s', which %s: devconf only follows paths on %s, nothing was sent there",
                                   what, shown.data ? shown.data : "", why, st->base);
        devconf__buf_dispose(&shown);
        return r;
    }
    if (!(path = strdup(ref))) {
        return devconf__error_oom();
    }
    /* "/restconf/" and "/restconf" are the same root */
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/') {
        path[--n] = '\0';
    }
    *path_out = path;
    return 0;
}

/* ---- response capture ---- */

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    devconf__rc_resp *r = arg;
    size_t len = size * n;
    if (r->body.len + len > r->limit) {
        r->too_big = "body";
        r->seen = (uint64_t)r->body.len + len;
        devconf__buf_dispose(&r->body); /* the memory goes back at once */
        return 0;                       /* curl stops the transfer */
    }
    devconf__buf_append(&r->body, data, len);
    return r->body.failed ? 0 : len;
}

/* The value of header name in line, as a new string, or NULL (not that header, or no memory). */
static char *header_value(const char *line, size_t len, const char *name)
{
    size_t nlen = strlen(name);
    if (len <= nlen + 1 || strncasecmp(line, name, nlen) || line[nlen] != ':') {
        return NULL;
    }
    const char *v = line + nlen + 1;
    const char *end = line + len;
    while (v < end && isspace((unsigned char)*v)) {
        v++;
    }
    while (end > v && isspace((unsigned char)end[-1])) {
        end--;
    }
    return strndup(v, (size_t)(end - v));
}

static void keep_header(char **slot, const char *line, size_t len, const char *name)
{
    char *v = header_value(line, len, name);
    if (v) {
        free(*slot);
        *slot = v;
    }
}

static size_t on_header(char *line, size_t size, size_t n, void *arg)
{
    devconf__rc_resp *r = arg;
    size_t len = size * n;
    r->header_bytes += len;
    if (r->header_bytes > r->limit) {
        r->too_big = "headers";
        r->seen = r->header_bytes;
        return 0;
    }
    if (len > 5 && !strncmp(line, "HTTP/", 5)) {
        /* a new response (after a 100 Continue): forget the headers of the previous one */
        devconf__rc_resp_dispose(r);
        return len;
    }
    char *cl = header_value(line, len, "Content-Length");
    if (cl) {
        unsigned long long announced = strtoull(cl, NULL, 10);
        free(cl);
        if (announced > r->limit) {
            r->too_big = "announced body";
            r->seen = announced;
            return 0;
        }
    }
    keep_header(&r->content_type, line, len, "Content-Type");
    keep_header(&r->etag, line, len, "ETag");
    keep_header(&r->last_modified, line, len, "Last-Modified");
    return len;
}

void devconf__rc_resp_dispose(devconf__rc_resp *r)
{
    devconf__buf_dispose(&r->body);
    free(r->content_type);
    free(r->etag);
    free(r->last_modified);
    r->content_type = r->etag = r->last_modified = NULL;
}

bool devconf__rc_is_json(const char *ct)
{
    return ct && strstr(ct, "json") != NULL;
}

/* ---- one request ---- */

static int transfer_error(devconf_session *s, CURLcode cc, const devconf__rc_resp *r, const char *what)
{
    devconf__rc_state *st = devconf__rc_st(s);
    const char *why = st->errbuf[0] ? st->errbuf : curl_easy_strerror(cc);
    if (r->too_big) {
        bool announced = !strcmp(r->too_big, "announced body");
        return devconf__error_set(DEVCONF_ORIGIN_HTTP, DEVCONF_EPROTO,
                                  "%s: the reply of %s is longer than the session's max_reply_bytes limit of %" PRIu64
                                  " bytes (its %s: %s%" PRIu64 " bytes); it was not read further, nothing was kept",
                                  what, s->host, s->max_reply_bytes, announced ? "Content-Length" : r->too_big,
                                  announced ? "" : "more than ", r->seen);
    }
    switch (cc) {
    case CURLE_OPERATION_TIMEDOUT:
        return devconf__error_set(DEVCONF_ORIGIN_HTTP, DEVCONF_ETIMEOUT,
                                  "%s: no complete answer from %s within %d ms (%s)", what, st->base,
                                  st->op_timeout_ms, st->op_timeout_label ? st->op_timeout_label : "the RPC timeout");
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
        return devconf__error_set(DEVCONF_ORIGIN_TLS, DEVCONF_EHOSTKEY,
                                  "%s: the TLS certificate of %s was rejected: %s", what, st->base, why);
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CLIENTCERT:
        return devconf__error_set(DEVCONF_ORIGIN_TLS, DEVCONF_EAUTH, "%s: client certificate problem: %s", what, why);
    case CURLE_SSL_CONNECT_ERROR:
        return devconf__error_set(DEVCONF_ORIGIN_TLS, DEVCONF_ECONNECT, "%s: TLS handshake with %s failed: %s", what,
                                  st->base, why);
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
        return devconf__error_set(DEVCONF_ORIGIN_HTTP, DEVCONF_ECONNECT, "%s: cannot connect to %s: %s", what,
                                  st->base, why);
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return devconf__error_set(DEVCONF_ORIGIN_HTTP, DEVCONF_EPROTO, "%s: malformed HTTP reply from %s: %s", what,
                                  st->base, why);
    default:
        return devconf__error_set(DEVCONF_ORIGIN_HTTP, DEVCONF_ECONNECT, "%s: HTTP request to %s failed: %s", what,
                                  st->base, why);
    }
}

static struct curl_slist *add_header(struct curl_slist *list, bool *failed, const char *name, const char *value)
{
    char *line = NULL;
    if (*failed || asprintf(&line, "%s: %s", name, value) < 0) {
        *failed = true;
        return list;
    }
    struct curl_slist *l = curl_slist_append(list, line);
    free(line);
    if (!l) {
        *failed = true;
        return list;
    }
    return l;
}

/* The URL of path on the session's server, parsed by curl's URL API and checked part by part:
 * the session's scheme, host and port, no user information, no fragment. */
int devconf__rc_session_url(devconf_session *s, const char *path, const char *what, CURLU **out)
{
    devconf__rc_state *st = devconf__rc_st(s);
    *out = NULL;
    char *full = NULL, *scheme = NULL, *host = NULL, *port = NULL, *user = NULL, *frag = NULL;
    CURLU *u = curl_url();
    if (!u || asprintf(&full, "%s%s", st->base, path) < 0) {
        curl_url_cleanup(u);
        return devconf__error_oom();
    }
    bool ok = curl_url_set(u, CURLUPART_URL, full, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK && !strcmp(scheme, st->scheme) &&
              curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && !strcasecmp(host, st->url_host) &&
              curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
              strtoul(port, NULL, 10) == st->port && curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_NO_USER &&
              curl_url_get(u, CURLUPART_FRAGMENT, &frag, 0) == CURLUE_NO_FRAGMENT;
    free(full);
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(user);
    curl_free(frag);
    if (!ok) {
        curl_url_cleanup(u);
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_ERROR,
                                  "%s: the URL of %s would not be on %s: not sent", what, path, st->base);
    }
    *out = u;
    return 0;
}

static void log_body(devconf_session *s, const char *prefix, const char *method, const char *path, const char *ct,
                     const char *body, size_t len)
{
    devconf__rc_state *st = devconf__rc_st(s);
    int shown = len > LOG_BODY_MAX ? LOG_BODY_MAX : (int)len;
    devconf__log(s->ctx, DEVCONF_LOG_DEBUG, "http", "%s%s %s%s%s%s%s %.*s%s", prefix, method, st->base, path,
                 ct ? " (" : "", ct ? ct : "", ct ? ")" : "", shown, body ? body : "",
                 len > LOG_BODY_MAX ? "... (cut in the log)" : "");
}

/* curl asks this while a transfer runs: a non-zero answer stops it (the caller's cancel callback). */
static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    devconf_session *s = arg;
    return devconf__cancelled(&s->cancel) ? 1 : 0;
}

int devconf__rc_request(devconf_session *s, const char *method, const char *path, const char *body,
                        const char *content_type, devconf__rc_resp *resp, const char *what, const char *if_match)
{
    devconf__rc_state *st = devconf__rc_st(s);
    memset(resp, 0, sizeof *resp);
    resp->limit = s->max_reply_bytes;
    const char *bad = devconf__rc_path_problem(path, true);
    if (bad) {
        /* every path is built by devconf from checked parts: this is a bug, never a request */
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_ERROR, "%s: refusing to request a path that %s",
                                  what, bad);
    }
    int r;
    long timeout = s->rpc_timeout_ms;
    if (st->deadline_ms) {
        int64_t left = st->deadline_ms - devconf__now_ms();
        if (left <= 0) {
            return devconf__error_set(DEVCONF_ORIGIN_HTTP, DEVCONF_ETIMEOUT,
                                      "%s: no complete answer from %s within %d ms (%s)", what, st->base,
                                      st->op_timeout_ms,
                                      st->op_timeout_label ? st->op_timeout_label : "the RPC timeout");
        }
        if (left < timeout) {
            timeout = (long)left;
        }
    }
    /* the URL: the session's scheme, host and port, then the checked path (set as one string so
     * curl keeps its %XX escapes as they are), and checked again once curl has parsed it */
    CURLU *u = NULL;
    if ((r = devconf__rc_session_url(s, path, what, &u)) < 0) {
        return r;
    }
    bool failed = false;
    char *accept = NULL;
    if (asprintf(&accept, "%s, %s;q=0.9, %s;q=0.5", st->profile->media_json, DEVCONF_RC_MT_JSON,
                 DEVCONF_RC_MT_XML) < 0) {
        accept = NULL;
        failed = true;
    }
    struct curl_slist *hdr = add_header(NULL, &failed, "Accept", accept);
    free(accept);
    if (body) {
        hdr = add_header(hdr, &failed, "Content-Type", content_type ? content_type : st->profile->media_json);
    }
    if (if_match) {
        hdr = add_header(hdr, &failed, "If-Match", if_match);
    }
    if (failed) {
        curl_slist_free_all(hdr);
        curl_url_cleanup(u);
        return devconf__error_oom();
    }
    CURL *c = st->curl;
    curl_easy_setopt(c, CURLOPT_CURLU, u);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, resp);
    /* the whole transfer, connect included, ends by the operation's deadline */
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)(s->connect_timeout_ms < timeout ? s->connect_timeout_ms
                                                                                           : timeout));
    if (!strcmp(method, "GET")) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
    } else {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)(body ? strlen(body) : 0));
    }
    /* the revert timer's requests (confirm.c) are not the caller's call: its cancel callback is not theirs */
    bool cancellable = !st->in_timer;
    if (cancellable && devconf__cancelled(&s->cancel)) {
        curl_slist_free_all(hdr);
        curl_url_cleanup(u);
        return devconf__error_canceled(what); /* nothing sent */
    }
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, cancellable && s->cancel.cb ? 0L : 1L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, s);
    st->errbuf[0] = '\0';
    log_body(s, "", method, path, NULL, body, body ? strlen(body) : 0);
    CURLcode cc = curl_easy_perform(c);
    if (cc == CURLE_ABORTED_BY_CALLBACK) {
        curl_easy_setopt(c, CURLOPT_CURLU, NULL);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
        curl_slist_free_all(hdr);
        curl_url_cleanup(u);
        devconf__rc_resp_dispose(resp);
        return devconf__error_canceled(what);
    }
    curl_easy_setopt(c, CURLOPT_CURLU, NULL);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(hdr);
    curl_url_cleanup(u);
    if (cc != CURLE_OK || resp->too_big) {
        r = transfer_error(s, cc, resp, what);
        devconf__rc_resp_dispose(resp);
        return r;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
    long ver = 0;
    curl_easy_getinfo(c, CURLINFO_HTTP_VERSION, &ver);
    st->http2 = ver == CURL_HTTP_VERSION_2_0;
    char status[16];
    snprintf(status, sizeof status, "%ld ", resp->status);
    log_body(s, status, method, path, resp->content_type ? resp->content_type : "no Content-Type", resp->body.data,
             resp->body.len);
    if (resp->body.failed) {
        devconf__rc_resp_dispose(resp);
        return devconf__error_oom();
    }
    if (resp->status >= 200 && resp->status < 300) {
        return 0;
    }
    r = devconf__rc_status_error(s, resp, what);
    devconf__rc_resp_dispose(resp);
    return r;
}
