/* HTTP plumbing of RESTCONF: the curl handle's set-up, one request at a time, response capture. */
#include "restconf_p.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- opening: root discovery, schemas, capabilities ---- */

int devconf__rc_http_setup(devconf_session *s, devconf__rc_state *st, bool https, const devconf_session_options *o)
{
    CURL *c = st->curl;
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, st->errbuf);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)s->connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, https ? "https" : "http");
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
    if (o->password || o->username) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        if (o->username) {
            curl_easy_setopt(c, CURLOPT_USERNAME, o->username);
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

/* ---- HTTP ---- */

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    devconf__rc_resp *r = arg;
    devconf__buf_append(&r->body, data, size * n);
    return r->body.failed ? 0 : size * n;
}

static void header_value(const char *line, size_t len, const char *name, char *out, size_t outlen)
{
    size_t nlen = strlen(name);
    if (len <= nlen + 1 || strncasecmp(line, name, nlen) || line[nlen] != ':') {
        return;
    }
    const char *v = line + nlen + 1;
    const char *end = line + len;
    while (v < end && isspace((unsigned char)*v)) {
        v++;
    }
    while (end > v && isspace((unsigned char)end[-1])) {
        end--;
    }
    snprintf(out, outlen, "%.*s", (int)(end - v), v);
}

static size_t on_header(char *line, size_t size, size_t n, void *arg)
{
    devconf__rc_resp *r = arg;
    size_t len = size * n;
    header_value(line, len, "Content-Type", r->content_type, sizeof r->content_type);
    header_value(line, len, "ETag", r->etag, sizeof r->etag);
    header_value(line, len, "Last-Modified", r->last_modified, sizeof r->last_modified);
    header_value(line, len, "Server", r->server, sizeof r->server);
    return len;
}

void devconf__rc_resp_dispose(devconf__rc_resp *r)
{
    devconf__buf_dispose(&r->body);
}

bool devconf__rc_is_json(const char *ct)
{
    return strstr(ct, "json") != NULL;
}


int devconf__rc_request(devconf_session *s, const char *method, const char *path, const char *body,
                      const char *content_type, devconf__rc_resp *r, const char *what, const char *if_match)
{
    devconf__rc_state *st = devconf__rc_st(s);
    memset(r, 0, sizeof *r);
    char *url = NULL;
    if (asprintf(&url, "%s%s", st->base, path) < 0) {
        return devconf__error_oom();
    }
    struct curl_slist *hdr = NULL;
    char line[256];
    snprintf(line, sizeof line, "Accept: %s, %s;q=0.9, %s;q=0.5", st->profile->media_json, DEVCONF_RC_MT_JSON,
             DEVCONF_RC_MT_XML);
    hdr = curl_slist_append(hdr, line);
    if (body) {
        snprintf(line, sizeof line, "Content-Type: %s", content_type ? content_type : st->profile->media_json);
        hdr = curl_slist_append(hdr, line);
    }
    if (if_match) {
        snprintf(line, sizeof line, "If-Match: %s", if_match);
        hdr = curl_slist_append(hdr, line);
    }
    CURL *c = st->curl;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)s->rpc_timeout_ms);
    if (!strcmp(method, "GET")) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
    } else {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)(body ? strlen(body) : 0));
    }
    st->errbuf[0] = '\0';
    devconf__log(s->ctx, DEVCONF_LOG_DEBUG, "http", "%s %s%s%s", method, url, body ? " " : "", body ? body : "");
    CURLcode cc = curl_easy_perform(c);
    curl_slist_free_all(hdr);
    int ret = 0;
    if (cc != CURLE_OK) {
        const char *why = st->errbuf[0] ? st->errbuf : curl_easy_strerror(cc);
        switch (cc) {
        case CURLE_OPERATION_TIMEDOUT:
            ret = devconf__error_set(DEVCONF_ORIGIN_HTTP, DEVCONF_ETIMEOUT, "%s: no answer from %s within %d ms",
                                     what, st->base, s->rpc_timeout_ms);
            break;
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
            ret = devconf__error_set(DEVCONF_ORIGIN_TLS, DEVCONF_EHOSTKEY,
                                     "%s: the TLS certificate of %s was rejected: %s", what, st->base, why);
            break;
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CLIENTCERT:
            ret = devconf__error_set(DEVCONF_ORIGIN_TLS, DEVCONF_EAUTH, "%s: client certificate problem: %s", what,
                                     why);
            break;
        case CURLE_SSL_CONNECT_ERROR:
            ret = devconf__error_set(DEVCONF_ORIGIN_TLS, DEVCONF_ECONNECT, "%s: TLS handshake with %s failed: %s", what,
                                     st->base, why);
            break;
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_CONNECT:
            ret = devconf__error_set(DEVCONF_ORIGIN_HTTP, DEVCONF_ECONNECT, "%s: cannot connect to %s: %s", what,
                                     st->base, why);
            break;
        default:
            ret = devconf__error_set(DEVCONF_ORIGIN_HTTP, DEVCONF_ECONNECT, "%s: HTTP request to %s failed: %s", what,
                                     st->base, why);
            break;
        }
        free(url);
        devconf__rc_resp_dispose(r);
        return ret;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    long ver = 0;
    curl_easy_getinfo(c, CURLINFO_HTTP_VERSION, &ver);
    st->http2 = ver == CURL_HTTP_VERSION_2_0;
    devconf__log(s->ctx, DEVCONF_LOG_DEBUG, "http", "%ld %s (%s): %s", r->status, url, r->content_type,
                 r->body.data ? r->body.data : "");
    free(url);
    if (r->body.failed) {
        devconf__rc_resp_dispose(r);
        return devconf__error_oom();
    }
    if (r->status >= 200 && r->status < 300) {
        return 0;
    }
    int code = r->status == 401 || r->status == 403 ? DEVCONF_EAUTH : DEVCONF_ERPC;
    devconf__error_set(DEVCONF_ORIGIN_RESTCONF, code, "%s", what);
    devconf__error_set_http_status((int)r->status);
    int n = devconf__rc_collect_errors(s, r);
    const devconf_error *e = devconf_error_last();
    const devconf_rpc_error *first = devconf_error_rpc_error(e, 0);
    if (n > 0 && first) {
        const char *m = devconf_rpc_error_message(first), *tag = devconf_rpc_error_tag(first);
        const char *p = devconf_rpc_error_path(first);
        devconf__error_set_message("%s: %s refused it with HTTP %ld: %s (%s%s%s)%s", what, s->host, r->status,
                                   m ? m : tag ? tag : "no message", tag ? tag : "no tag", p ? ", path " : "",
                                   p ? p : "", n > 1 ? " and more errors" : "");
    } else {
        /* not a RESTCONF error body: quote the start of whatever came */
        char snippet[160] = "";
        if (r->body.data) {
            size_t k = 0;
            for (const char *q = r->body.data; *q && k < sizeof snippet - 1; q++) {
                snippet[k++] = isspace((unsigned char)*q) ? ' ' : *q;
            }
            snippet[k] = '\0';
        }
        devconf__error_set_message("%s: %s answered HTTP %ld without a RESTCONF error body%s%s", what, s->host,
                                   r->status, snippet[0] ? ": " : "", snippet);
    }
    ret = code;
    devconf__rc_resp_dispose(r);
    return ret;
}
