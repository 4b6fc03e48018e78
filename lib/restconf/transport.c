/* RESTCONF (RFC 8040) through libcurl: HTTP/2 where the server offers it, connection reuse,
 * verified certificates. The only file that sees libcurl's types. */
#include "devconf_p.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>
#include <libyang/libyang.h>

#define MT_JSON "application/yang-data+json"
#define MT_XML "application/yang-data+xml"
#define MT_DRAFT_JSON "application/yang.api+json"

/* Device quirks live here, not across the code. */
typedef struct rc_profile {
    const char *name;
    const char *media_json;      /* media type for JSON bodies */
    const char *commit_rpc;      /* RPC that commits staged edits on the server, or NULL */
    const char *discard_rpc;     /* RPC that drops them, or NULL */
    const char *running_root;    /* resource root of the running view when edits are staged */
    bool has_patch;
    bool depth_without_capability; /* honours ?depth although it advertises no capabilities */
    bool datastore_post;           /* POST on the datastore resource creates a top-level node */
} rc_profile;

static const rc_profile profile_rfc8040 = { "rfc8040", MT_JSON, NULL, NULL, NULL, true, false, true };
/* Jetconf 0.3: draft media type, edits staged per user until jetconf:conf-commit,
 * /restconf/data is the staging view, no PATCH. */
static const rc_profile profile_jetconf = { "jetconf", MT_DRAFT_JSON, "jetconf:conf-commit", "jetconf:conf-reset",
                                            "/restconf_running", false, true, false };

typedef struct rc_resp {
    long status;
    devconf__buf body;
    char content_type[128];
    char etag[128];
    char last_modified[64];
    char server[128];
} rc_resp;

struct plan;
static void plan_free(struct plan *p);
static int collect_patch_status(const char *body);

typedef struct rc_state {
    CURL *curl;
    char *base;         /* scheme://host:port */
    char *root;         /* "/restconf" */
    const rc_profile *profile;
    struct ly_ctx *ly;
    char errbuf[CURL_ERROR_SIZE];
    bool http2;
    const char *if_match; /* If-Match for the writes of the current edit, or NULL */
    struct plan *staged;  /* client-side candidate: edits not sent yet */
} rc_state;

static rc_state *ST(const devconf_session *s)
{
    return s->tp_data;
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
    rc_resp *r = arg;
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
    rc_resp *r = arg;
    size_t len = size * n;
    header_value(line, len, "Content-Type", r->content_type, sizeof r->content_type);
    header_value(line, len, "ETag", r->etag, sizeof r->etag);
    header_value(line, len, "Last-Modified", r->last_modified, sizeof r->last_modified);
    header_value(line, len, "Server", r->server, sizeof r->server);
    return len;
}

static void resp_dispose(rc_resp *r)
{
    devconf__buf_dispose(&r->body);
}

static bool is_json_type(const char *ct)
{
    return strstr(ct, "json") != NULL;
}

/* Turns a RESTCONF errors body (JSON or XML) into rpc-error entries; returns how many. */
static int collect_errors(devconf_session *s, const rc_resp *r)
{
    const char *body = r->body.data ? devconf__skip_ws(r->body.data) : "";
    int count = 0;
    if (*body == '{') {
        devconf__json *j = NULL;
        if (devconf__json_parse(body, &j, NULL, 0) < 0) {
            return 0;
        }
        if (devconf__json_get(j, "ietf-yang-patch:yang-patch-status")) {
            devconf__json_free(j);
            return collect_patch_status(body);
        }
        const devconf__json *errs = devconf__json_get(devconf__json_get(j, "ietf-restconf:errors"), "error");
        const devconf__json *e = errs && errs->type == DEVCONF_JSON_ARRAY ? errs->child : errs;
        for (; e; e = errs && errs->type == DEVCONF_JSON_ARRAY ? e->next : NULL) {
            struct devconf_rpc_error re = { 0 };
            re.type = (char *)devconf__json_str(e, "error-type");
            re.tag = (char *)devconf__json_str(e, "error-tag");
            re.app_tag = (char *)devconf__json_str(e, "error-app-tag");
            re.path = (char *)devconf__json_str(e, "error-path");
            re.message = (char *)devconf__json_str(e, "error-message");
            re.severity = "error";
            char *info = NULL;
            const devconf__json *ij = devconf__json_get(e, "error-info");
            if (ij) {
                info = devconf__json_print(ij);
                re.info_xml = info; /* JSON text: the encoding the device used */
            }
            int rc = devconf__error_add_rpc_error(&re);
            free(info);
            if (rc < 0) {
                break;
            }
            count++;
        }
        devconf__json_free(j);
    } else if (*body == '<') {
        struct lyd_node *tree = NULL;
        if (lyd_parse_data_mem(ST(s)->ly, body, LYD_XML, LYD_PARSE_ONLY | LYD_PARSE_OPAQ, 0, &tree) == LY_SUCCESS &&
            tree) {
            for (const struct lyd_node *e = lyd_child(tree); e; e = e->next) {
                if (strcmp(devconf__node_name(e), "error")) {
                    continue;
                }
                struct devconf_rpc_error re = { 0 };
                re.type = (char *)devconf__child_value(e, "error-type");
                re.tag = (char *)devconf__child_value(e, "error-tag");
                re.app_tag = (char *)devconf__child_value(e, "error-app-tag");
                re.path = (char *)devconf__child_value(e, "error-path");
                re.message = (char *)devconf__child_value(e, "error-message");
                re.severity = "error";
                char *info = NULL;
                const struct lyd_node *in = devconf__child_named(e, "error-info");
                if (in) {
                    lyd_print_mem(&info, in, LYD_XML, LYD_PRINT_SHRINK);
                    re.info_xml = info;
                }
                int rc = devconf__error_add_rpc_error(&re);
                free(info);
                if (rc < 0) {
                    break;
                }
                count++;
            }
        }
        lyd_free_all(tree);
    }
    return count;
}

/* Sends one request; a non-2xx status becomes an error (with the RESTCONF errors it carried)
 * unless accept_status lists it. */
static int rc_request(devconf_session *s, const char *method, const char *path, const char *body,
                      const char *content_type, rc_resp *r, const char *what, const char *if_match)
{
    rc_state *st = ST(s);
    memset(r, 0, sizeof *r);
    char *url = NULL;
    if (asprintf(&url, "%s%s", st->base, path) < 0) {
        return devconf__error_oom();
    }
    struct curl_slist *hdr = NULL;
    char line[256];
    snprintf(line, sizeof line, "Accept: %s, %s;q=0.9, %s;q=0.5", st->profile->media_json, MT_JSON, MT_XML);
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
        resp_dispose(r);
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
        resp_dispose(r);
        return devconf__error_oom();
    }
    if (r->status >= 200 && r->status < 300) {
        return 0;
    }
    int code = r->status == 401 || r->status == 403 ? DEVCONF_EAUTH : DEVCONF_ERPC;
    devconf__error_set(DEVCONF_ORIGIN_RESTCONF, code, "%s", what);
    devconf__error_set_http_status((int)r->status);
    int n = collect_errors(s, r);
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
    resp_dispose(r);
    return ret;
}

/* ---- percent-encoding and resource paths ---- */

/* RFC 3986 unreserved characters stay; everything else (',', '/', '=', ...) is encoded. */
static void pct_encode(devconf__buf *b, const char *v)
{
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if (isalnum(*p) || strchr("-._~", *p)) {
            devconf__buf_append(b, (const char *)p, 1);
        } else {
            devconf__buf_printf(b, "%%%02X", *p);
        }
    }
}

/* One step of a simple XPath data path: prefix:name[k='v'][k2="v2"]... */
struct step {
    char module[128];
    char name[128];
    struct { char key[128]; char *value; } pred[8];
    int npred;
};

static void steps_dispose(struct step *st, int n)
{
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < st[i].npred; k++) {
            free(st[i].pred[k].value);
        }
    }
}

static int parse_steps(const char *xpath, struct step *steps, int max, int *count)
{
    const char *p = devconf__skip_ws(xpath);
    int n = 0;
    *count = 0;
    if (*p != '/') {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "RESTCONF filter '%s' must be an absolute data path such as "
                                  "/ietf-interfaces:interfaces/interface[name='eth0']", xpath);
    }
    while (*p == '/') {
        if (n == max) {
            goto unsupported;
        }
        struct step *st = &steps[n++];
        memset(st, 0, sizeof *st);
        p++;
        size_t len = strcspn(p, "/[");
        const char *colon = memchr(p, ':', len);
        if (colon) {
            snprintf(st->module, sizeof st->module, "%.*s", (int)(colon - p), p);
            snprintf(st->name, sizeof st->name, "%.*s", (int)(p + len - colon - 1), colon + 1);
        } else {
            snprintf(st->name, sizeof st->name, "%.*s", (int)len, p);
        }
        for (const char *c = st->name; *c; c++) {
            if (!isalnum((unsigned char)*c) && !strchr("-_.", *c)) {
                goto unsupported;
            }
        }
        if (!st->name[0] || (n == 1 && !st->module[0])) {
            goto unsupported;
        }
        p += len;
        while (*p == '[') {
            if (st->npred == 8) {
                goto unsupported;
            }
            const char *eq = strchr(p, '=');
            if (!eq) {
                goto unsupported;
            }
            snprintf(st->pred[st->npred].key, sizeof st->pred[0].key, "%.*s", (int)(eq - p - 1), p + 1);
            char q = eq[1];
            if (q != '\'' && q != '"') {
                goto unsupported;
            }
            const char *end = strchr(eq + 2, q);
            if (!end || end[1] != ']') {
                goto unsupported;
            }
            st->pred[st->npred].value = strndup(eq + 2, (size_t)(end - eq - 2));
            st->npred++;
            p = end + 2;
        }
    }
    if (*devconf__skip_ws(p)) {
        goto unsupported;
    }
    *count = n;
    return 0;
unsupported:
    steps_dispose(steps, n);
    return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EUNSUPPORTED,
                              "RESTCONF can address '%s' only if it is a plain data path: module-qualified first "
                              "node, list entries selected by all their keys ([name='eth0'])", xpath);
}

/* Builds the RESTCONF resource path (list keys in schema order, percent-encoded) of a data path,
 * checking every node against the schemas. */
static int resource_path(struct ly_ctx *ly, const char *xpath, char **out)
{
    *out = NULL;
    struct step steps[32];
    int n;
    int r = parse_steps(xpath, steps, 32, &n);
    if (r < 0) {
        return r;
    }
    devconf__buf b = { 0 };
    devconf__buf schema = { 0 };
    const char *cur_mod = NULL;
    for (int i = 0; i < n; i++) {
        struct step *st = &steps[i];
        devconf__buf_puts(&b, "/");
        devconf__buf_puts(&schema, "/");
        if (st->module[0] && (!cur_mod || strcmp(cur_mod, st->module))) {
            devconf__buf_printf(&b, "%s:", st->module);
            cur_mod = st->module;
        }
        if (st->module[0]) {
            devconf__buf_printf(&schema, "%s:", st->module);
        }
        devconf__buf_puts(&b, st->name);
        devconf__buf_puts(&schema, st->name);
        if (schema.failed) {
            break;
        }
        const struct lysc_node *sn = lys_find_path(ly, NULL, schema.data, 0);
        if (!sn) {
            r = devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EYANG,
                                   "filter '%s': no such node %s in the device's schemas; nothing sent", xpath,
                                   schema.data);
            goto out;
        }
        if (st->npred) {
            if (sn->nodetype != LYS_LIST) {
                r = devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EUNSUPPORTED,
                                       "filter '%s': predicates are only supported on list keys", xpath);
                goto out;
            }
            int used = 0;
            bool first = true;
            for (const struct lysc_node *k = lysc_node_child(sn); k && lysc_is_key(k); k = k->next) {
                int found = -1;
                for (int j = 0; j < st->npred; j++) {
                    const char *kn = strchr(st->pred[j].key, ':') ? strchr(st->pred[j].key, ':') + 1 : st->pred[j].key;
                    if (!strcmp(kn, k->name)) {
                        found = j;
                    }
                }
                if (found < 0) {
                    r = devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EUNSUPPORTED,
                                           "filter '%s': RESTCONF addresses a list entry by all its keys; key '%s' "
                                           "of %s is missing", xpath, k->name, sn->name);
                    goto out;
                }
                devconf__buf_puts(&b, first ? "=" : ",");
                pct_encode(&b, st->pred[found].value);
                first = false;
                used++;
            }
            if (used != st->npred) {
                r = devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EUNSUPPORTED,
                                       "filter '%s': only list keys can select entries over RESTCONF", xpath);
                goto out;
            }
            /* the schema path of the next steps does not carry predicates */
        }
    }
    *out = devconf__buf_steal(&b);
    b.data = NULL;
    r = *out ? 0 : DEVCONF_ENOMEM;
out:
    devconf__buf_dispose(&b);
    devconf__buf_dispose(&schema);
    steps_dispose(steps, n);
    return r;
}

/* The data path of the parent of xpath's target, with predicates (for lyd_new_path), or NULL
 * when the target is top-level. */
static char *parent_xpath(const char *xpath)
{
    const char *last = NULL;
    int depth = 0;
    char quote = 0;
    for (const char *p = xpath; *p; p++) {
        if (quote) {
            if (*p == quote) {
                quote = 0;
            }
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '[') {
            depth++;
        } else if (*p == ']') {
            depth--;
        } else if (*p == '/' && !depth) {
            last = p;
        }
    }
    if (!last || last == devconf__skip_ws(xpath)) {
        return NULL;
    }
    return strndup(devconf__skip_ws(xpath), (size_t)(last - devconf__skip_ws(xpath)));
}

/* ---- opening: root discovery, schemas, capabilities ---- */

static int configure_curl(devconf_session *s, rc_state *st, bool https, const devconf_session_options *o)
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

/* RFC 8040 3.1: <Link rel='restconf' href='/restconf'/> in /.well-known/host-meta. */
static char *discover_root(devconf_session *s)
{
    rc_resp r;
    if (rc_request(s, "GET", "/.well-known/host-meta", NULL, NULL, &r, "RESTCONF root discovery", NULL) < 0) {
        return NULL;
    }
    char *root = NULL;
    const char *link = r.body.data ? strstr(r.body.data, "restconf") : NULL;
    const char *href = link ? strstr(r.body.data, "href=") : NULL;
    if (href && (href[5] == '\'' || href[5] == '"')) {
        const char *end = strchr(href + 6, href[5]);
        if (end && end > href + 6) {
            root = strndup(href + 6, (size_t)(end - href - 6));
        }
    }
    resp_dispose(&r);
    return root;
}

/* Downloads a module's YANG text from its yang-library schema URL into the cache. */
static void fetch_schema(devconf_session *s, const char *name, const char *rev, const char *url)
{
    rc_state *st = ST(s);
    char path[1024];
    snprintf(path, sizeof path, "%s/%s%s%s.yang", s->ctx->cache_dir, name, rev && *rev ? "@" : "", rev ? rev : "");
    FILE *f = fopen(path, "r");
    if (f) {
        fclose(f);
        return; /* cached */
    }
    size_t blen = strlen(st->base);
    if (strncmp(url, st->base, blen) || url[blen] != '/') {
        devconf__log(s->ctx, DEVCONF_LOG_WARNING, "restconf", "not downloading schema %s from another server: %s", name,
                     url);
        return;
    }
    rc_resp r;
    if (rc_request(s, "GET", url + blen, NULL, NULL, &r, "schema download", NULL) < 0) {
        devconf__log(s->ctx, DEVCONF_LOG_WARNING, "restconf", "cannot download schema %s: %s", name,
                     devconf_error_message(devconf_error_last()));
        devconf__error_clear();
        return;
    }
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    f = fopen(tmp, "w");
    if (f && r.body.data && fwrite(r.body.data, 1, r.body.len, f) == r.body.len && fclose(f) == 0) {
        rename(tmp, path);
        devconf__log(s->ctx, DEVCONF_LOG_INFO, "restconf", "schema %s%s%s downloaded into the cache", name,
                     rev && *rev ? "@" : "", rev ? rev : "");
    } else {
        if (f) {
            fclose(f);
        }
        unlink(tmp);
    }
    resp_dispose(&r);
}

/* Builds the session's YANG context from the device's ietf-yang-library module list. */
static int load_schemas(devconf_session *s, devconf__buf *caps_out)
{
    rc_state *st = ST(s);
    if (ly_ctx_new(s->ctx->cache_dir, LY_CTX_DISABLE_SEARCHDIR_CWD, &st->ly) != LY_SUCCESS) {
        return devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_ERROR, "cannot create a YANG context");
    }
    for (size_t i = 0; i < s->ctx->search_dir_count; i++) {
        ly_ctx_set_searchdir(st->ly, s->ctx->search_dirs[i]);
    }
    /* per-node operations in edit payloads (nc:operation) are ietf-netconf metadata: load the
     * module when the cache or a search directory has it */
    if (!ly_ctx_load_module(st->ly, "ietf-netconf", NULL, NULL)) {
        ly_err_clean(st->ly, NULL);
        devconf__log(s->ctx, DEVCONF_LOG_INFO, "restconf",
                     "ietf-netconf is not in the cache or the search directories: payloads cannot carry "
                     "per-node operations (nc:operation)");
    }
    char path[256];
    snprintf(path, sizeof path, "%s/data/ietf-yang-library:modules-state", st->root);
    rc_resp r;
    if (rc_request(s, "GET", path, NULL, NULL, &r, "reading ietf-yang-library", NULL) < 0) {
        devconf__log(s->ctx, DEVCONF_LOG_WARNING, "restconf",
                     "%s: no module list; payloads can only be checked against modules found in the search "
                     "directories", devconf_error_message(devconf_error_last()));
        devconf__error_clear();
        return 0;
    }
    devconf__json *j = NULL;
    char err[128];
    if (devconf__json_parse(r.body.data ? r.body.data : "", &j, err, sizeof err) < 0) {
        resp_dispose(&r);
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EPROTO, "malformed ietf-yang-library from %s: %s",
                                  s->host, err);
    }
    resp_dispose(&r);
    const devconf__json *mods = devconf__json_get(devconf__json_get(j, "ietf-yang-library:modules-state"), "module");
    for (const devconf__json *m = mods ? mods->child : NULL; m; m = m->next) {
        const char *name = devconf__json_str(m, "name"), *rev = devconf__json_str(m, "revision");
        const char *url = devconf__json_str(m, "schema"), *ns = devconf__json_str(m, "namespace");
        const char *conf = devconf__json_str(m, "conformance-type");
        if (!name) {
            continue;
        }
        if (url) {
            fetch_schema(s, name, rev, url);
        }
        if (ns) {
            devconf__buf_printf(caps_out, "%s?module=%s%s%s", ns, name, rev && *rev ? "&revision=" : "",
                                rev && *rev ? rev : "");
            devconf__buf_append(caps_out, "", 1);
        }
        if ((conf && strcmp(conf, "implement")) || ly_ctx_get_module_implemented(st->ly, name)) {
            continue; /* import-only, or built into libyang (ietf-yang-library, ...) */
        }
        const char *features[64];
        size_t nf = 0;
        const devconf__json *fl = devconf__json_get(m, "feature");
        for (const devconf__json *f = fl ? fl->child : NULL; f && nf < 63; f = f->next) {
            if (f->str) {
                features[nf++] = f->str;
            }
        }
        features[nf] = NULL;
        if (!ly_ctx_load_module(st->ly, name, rev && *rev ? rev : NULL, features)) {
            devconf__log(s->ctx, DEVCONF_LOG_WARNING, "restconf",
                         "module %s%s%s of %s is neither downloadable nor in the search directories: payloads "
                         "for it cannot be checked", name, rev ? "@" : "", rev ? rev : "", s->host);
            ly_err_clean(st->ly, NULL);
        }
    }
    devconf__json_free(j);
    return 0;
}

static int rc_open(devconf_session *s, const devconf__uri *uri, const devconf_session_options *opts)
{
    bool https = uri->scheme == DEVCONF_SCHEME_RESTCONF_HTTPS;
    int mr = devconf__mkdir_p(s->ctx->cache_dir, 0700);
    if (mr < 0) {
        return mr;
    }
    rc_state *st = calloc(1, sizeof *st);
    if (!st) {
        return devconf__error_oom();
    }
    s->tp_data = st;
    st->profile = &profile_rfc8040;
    bool v6 = strchr(uri->host, ':') != NULL;
    if (asprintf(&st->base, "%s://%s%s%s:%u", https ? "https" : "http", v6 ? "[" : "", uri->host, v6 ? "]" : "",
                 (unsigned)uri->port) < 0 || !(st->curl = curl_easy_init())) {
        return devconf__error_oom();
    }
    devconf_session_options o = *opts;
    if (!o.username && uri->user) {
        o.username = uri->user;
    }
    int r = configure_curl(s, st, https, &o);
    if (r < 0) {
        return r;
    }
    if (!https) {
        devconf__log(s->ctx, DEVCONF_LOG_WARNING, "http", "RESTCONF over plain HTTP to %s: nothing is encrypted",
                     s->host);
    }
    /* root: given, or discovered */
    if (uri->path) {
        size_t n = strlen(uri->path);
        while (n > 1 && uri->path[n - 1] == '/') {
            n--;
        }
        st->root = strndup(uri->path, n);
    } else {
        st->root = discover_root(s);
        if (!st->root) {
            int code = devconf_error_code(devconf_error_last());
            if (code != DEVCONF_ERPC && code != 0) {
                return code; /* could not talk to the server at all */
            }
            devconf__error_clear();
            st->root = strdup("/restconf");
        }
    }
    if (!st->root) {
        return devconf__error_oom();
    }
    /* the API root tells the media type; the draft type means a pre-RFC server (Jetconf) */
    rc_resp rr;
    if ((r = rc_request(s, "GET", st->root, NULL, NULL, &rr, "reading the RESTCONF root", NULL)) < 0) {
        return r;
    }
    if (strstr(rr.content_type, "yang.api+json")) {
        st->profile = &profile_jetconf;
    }
    bool is_restconf = strstr(rr.body.data ? rr.body.data : "", "restconf") != NULL;
    resp_dispose(&rr);
    if (!is_restconf) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EPROTO,
                                  "%s%s does not look like a RESTCONF root (no ietf-restconf:restconf resource)",
                                  st->base, st->root);
    }
    devconf__log(s->ctx, DEVCONF_LOG_INFO, "restconf", "RESTCONF root %s%s, profile %s, %s", st->base, st->root,
                 st->profile->name, st->http2 ? "HTTP/2" : "HTTP/1.1");
    devconf__buf caps = { 0 };
    /* a candidate: the server's staging area where the profile has one, else the session's own
     * client-side candidate (edits staged, sent by commit) */
    devconf__buf_puts(&caps, "urn:ietf:params:netconf:capability:candidate:1.0");
    devconf__buf_append(&caps, "", 1);
    devconf__buf_printf(&caps, "urn:devconf:restconf:profile:%s", st->profile->name);
    devconf__buf_append(&caps, "", 1);
    if (st->http2) {
        devconf__buf_puts(&caps, "urn:devconf:http:2");
        devconf__buf_append(&caps, "", 1);
    }
    /* capabilities the server advertises (RFC 8040 9.1) */
    char cpath[300];
    snprintf(cpath, sizeof cpath, "%s/data/ietf-restconf-monitoring:restconf-state/capabilities", st->root);
    if (rc_request(s, "GET", cpath, NULL, NULL, &rr, "reading ietf-restconf-monitoring", NULL) == 0) {
        devconf__json *j = NULL;
        if (devconf__json_parse(rr.body.data ? rr.body.data : "", &j, NULL, 0) == 0) {
            const devconf__json *list = devconf__json_get(devconf__json_get(j, "capabilities"), "capability");
            for (const devconf__json *c = list ? list->child : NULL; c; c = c->next) {
                if (c->str) {
                    devconf__buf_puts(&caps, c->str);
                    devconf__buf_append(&caps, "", 1);
                }
            }
        }
        devconf__json_free(j);
        resp_dispose(&rr);
    } else {
        devconf__log(s->ctx, DEVCONF_LOG_INFO, "restconf", "%s: no ietf-restconf-monitoring capabilities (%s)",
                     s->host, devconf_error_message(devconf_error_last()));
        devconf__error_clear();
    }
    if ((r = load_schemas(s, &caps)) < 0) {
        devconf__buf_dispose(&caps);
        return r;
    }
    if (caps.failed) {
        devconf__buf_dispose(&caps);
        return devconf__error_oom();
    }
    const char *list[512];
    size_t n = 0;
    for (size_t off = 0; off < caps.len && n < 512; off += strlen(caps.data + off) + 1) {
        list[n++] = caps.data + off;
    }
    r = devconf__session_set_caps(s, list, n);
    devconf__buf_dispose(&caps);
    return r;
}

static void rc_close(devconf_session *s)
{
    rc_state *st = ST(s);
    if (!st) {
        return;
    }
    if (st->curl) {
        curl_easy_cleanup(st->curl);
    }
    plan_free(st->staged);
    ly_ctx_destroy(st->ly);
    free(st->base);
    free(st->root);
    free(st);
    s->tp_data = NULL;
}

static int rc_is_connected(const devconf_session *s)
{
    return ST(s) && ST(s)->curl != NULL;
}

/* ---- reads ---- */

/* Path prefix of the data resource of a datastore view. */
static int data_root(devconf_session *s, devconf_datastore ds, char *buf, size_t n, const char *what)
{
    rc_state *st = ST(s);
    switch ((int)ds) {
    case 0: /* <get>: everything, as the device runs it */
    case DEVCONF_DS_RUNNING:
        snprintf(buf, n, "%s/data", st->profile->running_root ? st->profile->running_root : st->root);
        return 0;
    case DEVCONF_DS_CANDIDATE:
        if (st->profile->commit_rpc) {
            snprintf(buf, n, "%s/data", st->root);
            return 0;
        }
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "%s: %s has no staging area and the client-side candidate is not implemented yet; "
                                  "use running", what, s->host);
    default:
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "%s: RESTCONF has no %s datastore", what, devconf_datastore_name(ds));
    }
}

/* Parses a data resource body into a tree rooted at the top level: the target's parents are
 * created from the filter path so the result reads like a NETCONF <data>. */
static int parse_resource(devconf_session *s, const rc_resp *r, const char *filter, bool partial,
                          struct lyd_node **out)
{
    rc_state *st = ST(s);
    *out = NULL;
    struct lyd_node *top = NULL, *parent = NULL;
    char *pxp = filter ? parent_xpath(filter) : NULL;
    if (pxp && lyd_new_path2(NULL, st->ly, pxp, NULL, 0, 0, 0, &top, &parent) != LY_SUCCESS) {
        free(pxp);
        return devconf__yang_error(st->ly, DEVCONF_EYANG, "cannot build the parents of the requested resource");
    }
    free(pxp);
    /* the datastore resource comes wrapped: {"ietf-restconf:data": {...}} or <data xmlns=...> */
    const char *body = r->body.data ? r->body.data : "{}";
    char *unwrapped = NULL;
    if (!filter && *devconf__skip_ws(body) == '{') {
        devconf__json *j = NULL;
        if (devconf__json_parse(body, &j, NULL, 0) == 0 && j->count == 1 && devconf__json_get(j, "ietf-restconf:data")) {
            unwrapped = devconf__json_print(devconf__json_get(j, "ietf-restconf:data"));
        }
        devconf__json_free(j);
    } else if (!filter) {
        size_t len;
        const char *inner = devconf__unwrap_element(body, "data", &len);
        if (inner != body) {
            unwrapped = strndup(inner, len);
        }
    }
    struct ly_in *in = NULL;
    if (ly_in_new_memory(unwrapped ? unwrapped : body, &in) != LY_SUCCESS) {
        free(unwrapped);
        lyd_free_all(top);
        return devconf__error_oom();
    }
    struct lyd_node *tree = NULL;
    devconf__log_capture_begin();
    /* data of modules the session has no schema for is left out (it could not be printed as XML) */
    /* a depth-limited reply leaves out what is deeper, list keys included: keep such nodes opaque */
    LY_ERR lr = lyd_parse_data(st->ly, parent, in, is_json_type(r->content_type) ? LYD_JSON : LYD_XML,
                               LYD_PARSE_ONLY | (partial ? LYD_PARSE_OPAQ : 0), 0, parent ? NULL : &tree);
    ly_in_free(in, 0);
    free(unwrapped);
    if (lr != LY_SUCCESS) {
        int rc = devconf__yang_error(st->ly, DEVCONF_EPROTO, "the device's data does not match its schemas");
        devconf__log_capture_end();
        lyd_free_all(top);
        lyd_free_all(tree);
        return rc;
    }
    devconf__log_capture_end();
    *out = top ? top : tree;
    return 0;
}

static int rc_read(devconf_session *s, char **out, const struct devconf__read_req *req)
{
    rc_state *st = ST(s);
    const char *what = req->source ? "get-config" : "get";
    char root[256];
    int r = data_root(s, req->source, root, sizeof root, what);
    if (r < 0) {
        return r;
    }
    const char *filter = req->filter && *devconf__skip_ws(req->filter) ? req->filter : NULL;
    if (filter && (req->filter_type == DEVCONF_FILTER_SUBTREE || *devconf__skip_ws(filter) == '<')) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "%s: subtree filters are not supported over RESTCONF yet; give a data path such as "
                                  "/ietf-interfaces:interfaces", what);
    }
    if (req->fields && !devconf_session_has_capability(s, "fields")) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "%s: %s does not announce the fields capability; nothing was sent", what, s->host);
    }
    if (req->depth && !devconf_session_has_capability(s, "depth") && !st->profile->depth_without_capability) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "%s: %s does not announce the depth capability; nothing was sent", what, s->host);
    }
    char *rpath = NULL;
    if (filter && (r = resource_path(st->ly, filter, &rpath)) < 0) {
        return r;
    }
    devconf__buf url = { 0 };
    devconf__buf_puts(&url, root);
    devconf__buf_puts(&url, rpath ? rpath : "");
    char sep = '?';
    if (req->source) {
        devconf__buf_printf(&url, "%ccontent=config", sep);
        sep = '&';
    }
    if (devconf__wd_name(req->with_defaults)) {
        devconf__buf_printf(&url, "%cwith-defaults=%s", sep, devconf__wd_name(req->with_defaults));
        sep = '&';
    }
    if (req->depth) {
        devconf__buf_printf(&url, "%cdepth=%u", sep, req->depth);
        sep = '&';
    }
    if (req->fields) {
        devconf__buf_printf(&url, "%cfields=", sep);
        pct_encode(&url, req->fields);
    }
    free(rpath);
    char *path = devconf__buf_steal(&url);
    if (!path) {
        return DEVCONF_ENOMEM;
    }
    rc_resp resp;
    r = rc_request(s, "GET", path, NULL, NULL, &resp, what, NULL);
    free(path);
    if (r == DEVCONF_ERPC && devconf_error_http_status(devconf_error_last()) == 404) {
        /* the path is in the schemas (checked above): no instance, an empty result as on NETCONF */
        devconf__error_clear();
        return devconf__print_data(NULL, req->format, false, out);
    }
    if (r < 0) {
        return r;
    }
    snprintf(s->etag, sizeof s->etag, "%s", resp.etag);
    snprintf(s->last_modified, sizeof s->last_modified, "%s", resp.last_modified);
    struct lyd_node *tree = NULL;
    r = parse_resource(s, &resp, filter, req->depth != 0, &tree);
    if (r == 0 && req->source) {
        /* configuration only: some servers (Jetconf) ignore content=config */
        devconf__strip_state(&tree);
    }
    resp_dispose(&resp);
    if (r < 0) {
        return r;
    }
    r = devconf__print_data(tree, req->format, req->with_defaults == DEVCONF_WD_REPORT_ALL_TAGGED, out);
    lyd_free_all(tree);
    return r;
}

/* ---- edits and the commit family ---- */

static int post_operation(devconf_session *s, const char *name, rc_resp *resp, const char *what)
{
    char path[256];
    snprintf(path, sizeof path, "%s/operations/%s", ST(s)->root, name);
    return rc_request(s, "POST", path, NULL, NULL, resp, what, NULL);
}

static char *node_json(const struct lyd_node *node)
{
    char *text = NULL;
    if (lyd_print_mem(&text, node, LYD_JSON, LYD_PRINT_SHRINK | LYD_PRINT_WD_EXPLICIT) != LY_SUCCESS) {
        free(text);
        devconf__error_oom();
        return NULL;
    }
    return text;
}

/* Resource path of a data node (its list keys percent-encoded). */
static int node_resource(devconf_session *s, const struct lyd_node *node, char **out)
{
    char *xp = lyd_path(node, LYD_PATH_STD, NULL, 0);
    if (!xp) {
        return devconf__error_oom();
    }
    int r = resource_path(ST(s)->ly, xp, out);
    free(xp);
    return r;
}

/* Creates a missing top-level node: POST on the datastore resource (RFC 8040 4.4.1). */
static int create_top(devconf_session *s, const char *root, const char *body, const char *what)
{
    if (!ST(s)->profile->datastore_post) {
        /* Jetconf resets the connection on a POST to its datastore resource */
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "%s: %s (%s profile) cannot create a missing top-level node: a POST on its "
                                  "datastore resource breaks the connection; nothing was sent", what, s->host,
                                  ST(s)->profile->name);
    }
    rc_resp resp;
    int r = rc_request(s, "POST", root, body, NULL, &resp, what, NULL);
    if (r == 0) {
        resp_dispose(&resp);
    }
    return r;
}

/* Merge of one top-level subtree on a server without PATCH: read it, merge locally, write it
 * back whole (PUT), or create it (POST) when it does not exist. Not atomic: reported as such in
 * the documentation of the profile. */
static int merge_top(devconf_session *s, const char *root, struct lyd_node *edit, const char *what)
{
    rc_state *st = ST(s);
    char *res = NULL;
    int r = node_resource(s, edit, &res);
    if (r < 0) {
        return r;
    }
    char path[1024];
    snprintf(path, sizeof path, "%s%s", root, res);
    rc_resp resp;
    r = rc_request(s, "GET", path, NULL, NULL, &resp, what, NULL);
    struct lyd_node *cur = NULL;
    if (r == DEVCONF_ERPC && devconf_error_http_status(devconf_error_last()) == 404) {
        devconf__error_clear();
        char *body = node_json(edit);
        if (!body) {
            free(res);
            return DEVCONF_ENOMEM;
        }
        r = create_top(s, root, body, what);
        free(body);
        free(res);
        return r;
    }
    if (r < 0) {
        free(res);
        return r;
    }
    char *xp = lyd_path(edit, LYD_PATH_STD, NULL, 0);
    r = parse_resource(s, &resp, xp, false, &cur);
    free(xp);
    resp_dispose(&resp);
    if (r < 0) {
        free(res);
        return r;
    }
    if (lyd_merge_siblings(&cur, edit, 0) != LY_SUCCESS) {
        lyd_free_all(cur);
        free(res);
        return devconf__yang_error(st->ly, DEVCONF_EYANG, "cannot merge the edit into the device's data");
    }
    char *body = node_json(cur);
    lyd_free_all(cur);
    if (!body) {
        free(res);
        return DEVCONF_ENOMEM;
    }
    r = rc_request(s, "PUT", path, body, NULL, &resp, what, st->if_match);
    free(body);
    free(res);
    if (r == 0) {
        resp_dispose(&resp);
    }
    return r;
}

/* An edit turned into resource operations: merges and replaces of top-level subtrees, then the
 * deletions the payload asked for with nc:operation. The plan owns the parsed tree. */
enum act_op { ACT_MERGE, ACT_REPLACE, ACT_DELETE, ACT_REMOVE };
static const char *const act_names[] = { "merge", "replace", "delete", "remove" };

struct action {
    enum act_op op;
    char *target;           /* resource path below the datastore, "/module:node=key/..." */
    struct lyd_node *node;  /* merge/replace: the subtree to write (in plan->tree) */
};

struct plan {
    struct lyd_node *tree;
    struct action *acts;
    size_t n;
    struct plan *next;      /* staged plans of the client-side candidate */
};

static void plan_free(struct plan *p)
{
    while (p) {
        struct plan *next = p->next;
        for (size_t i = 0; i < p->n; i++) {
            free(p->acts[i].target);
        }
        free(p->acts);
        lyd_free_all(p->tree);
        free(p);
        p = next;
    }
}

static int plan_add(struct plan *p, enum act_op op, char *target, struct lyd_node *node)
{
    struct action *a = realloc(p->acts, (p->n + 1) * sizeof *a);
    if (!a) {
        free(target);
        return devconf__error_oom();
    }
    p->acts = a;
    a[p->n++] = (struct action){ op, target, node };
    return 0;
}

static int make_plan(devconf_session *s, const struct devconf__edit_req *req, struct plan **out)
{
    rc_state *st = ST(s);
    *out = NULL;
    struct plan *p = calloc(1, sizeof *p);
    if (!p) {
        return devconf__error_oom();
    }
    int r = devconf__config_parse(st->ly, req->config, req->format, &p->tree);
    struct lyd_node *elem;
    /* collect deletions first (they are written last) */
    struct { struct lyd_node *node; enum act_op op; } del[64];
    size_t nd = 0;
    for (struct lyd_node *top = r == 0 ? p->tree : NULL; top && r == 0; top = top->next) {
        LYD_TREE_DFS_BEGIN(top, elem) {
            struct lyd_meta *m = lyd_find_meta(elem->meta, NULL, "ietf-netconf:operation");
            const char *op = m ? lyd_get_meta_value(m) : NULL;
            if (op && (!strcmp(op, "delete") || !strcmp(op, "remove"))) {
                if (nd == 64) {
                    r = devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EUNSUPPORTED,
                                           "edit-config: more than 64 deletions in one edit");
                    break;
                }
                del[nd].node = elem;
                del[nd++].op = !strcmp(op, "delete") ? ACT_DELETE : ACT_REMOVE;
                LYD_TREE_DFS_continue = 1;
            } else if (op && strcmp(op, "merge")) {
                r = devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                       "edit-config: the per-node operation '%s' is not supported over RESTCONF yet "
                                       "(merge, delete and remove are)", op);
                break;
            } else if (m) {
                lyd_free_meta_single(m);
            }
            LYD_TREE_DFS_END(top, elem);
        }
    }
    struct action dels[64];
    size_t ndels = 0;
    for (size_t i = 0; r == 0 && i < nd; i++) {
        char *res = NULL;
        if ((r = node_resource(s, del[i].node, &res)) == 0) {
            dels[ndels++] = (struct action){ del[i].op, res, NULL };
        }
    }
    /* the deleted subtrees are not written */
    for (size_t i = nd; r == 0 && i > 0; i--) {
        if (del[i - 1].node == p->tree) {
            p->tree = p->tree->next;
        }
        lyd_free_tree(del[i - 1].node);
    }
    for (struct lyd_node *top = r == 0 ? p->tree : NULL; top && r == 0; top = top->next) {
        if (req->default_operation == DEVCONF_EDIT_NONE) {
            break;
        }
        char *res = NULL;
        if ((r = node_resource(s, top, &res)) == 0) {
            r = plan_add(p, req->default_operation == DEVCONF_EDIT_REPLACE ? ACT_REPLACE : ACT_MERGE, res, top);
        }
    }
    for (size_t i = 0; i < ndels; i++) {
        if (r == 0) {
            r = plan_add(p, dels[i].op, dels[i].target, NULL);
        } else {
            free(dels[i].target);
        }
    }
    if (r < 0) {
        plan_free(p);
        return r;
    }
    *out = p;
    return 0;
}

/* Adds the errors of a yang-patch-status body (RFC 8072 2.3) to the error object. */
static int collect_patch_status(const char *body)
{
    devconf__json *j = NULL;
    if (devconf__json_parse(body, &j, NULL, 0) < 0) {
        return 0;
    }
    const devconf__json *st = devconf__json_get(j, "ietf-yang-patch:yang-patch-status");
    int count = 0;
    const devconf__json *lists[2] = { devconf__json_get(devconf__json_get(st, "errors"), "error"), NULL };
    const devconf__json *edits = devconf__json_get(devconf__json_get(st, "edit-status"), "edit");
    for (const devconf__json *ed = edits ? edits->child : NULL;; ed = ed->next) {
        for (int k = 0; k < 2; k++) {
            const devconf__json *errs = lists[k];
            for (const devconf__json *e = errs ? (errs->type == DEVCONF_JSON_ARRAY ? errs->child : errs) : NULL; e;
                 e = errs->type == DEVCONF_JSON_ARRAY ? e->next : NULL) {
                struct devconf_rpc_error re = { 0 };
                re.type = (char *)devconf__json_str(e, "error-type");
                re.tag = (char *)devconf__json_str(e, "error-tag");
                re.app_tag = (char *)devconf__json_str(e, "error-app-tag");
                re.path = (char *)devconf__json_str(e, "error-path");
                re.message = (char *)devconf__json_str(e, "error-message");
                re.severity = "error";
                if (devconf__error_add_rpc_error(&re) < 0) {
                    devconf__json_free(j);
                    return count;
                }
                count++;
            }
            lists[k] = NULL;
        }
        if (!ed) {
            break;
        }
        lists[0] = devconf__json_get(devconf__json_get(ed, "errors"), "error");
    }
    devconf__json_free(j);
    return count;
}

static int yang_patch_counter;

/* Sends a list of plans as one YANG Patch (RFC 8072): atomic on the server. */
static int send_yang_patch(devconf_session *s, const char *root, const struct plan *plans, const char *what)
{
    devconf__buf b = { 0 };
    int id = __atomic_add_fetch(&yang_patch_counter, 1, __ATOMIC_SEQ_CST);
    devconf__buf_printf(&b, "{\"ietf-yang-patch:yang-patch\":{\"patch-id\":\"devconf-%ld-%d\",\"edit\":[",
                        (long)getpid(), id);
    int n = 0;
    for (const struct plan *p = plans; p; p = p->next) {
        for (size_t i = 0; i < p->n; i++) {
            const struct action *a = &p->acts[i];
            devconf__buf_printf(&b, "%s{\"edit-id\":\"%d\",\"operation\":\"%s\",\"target\":\"", n ? "," : "", n + 1,
                                act_names[a->op]);
            devconf__buf_puts(&b, a->target); /* percent-encoded: no JSON escaping needed */
            devconf__buf_puts(&b, "\"");
            if (a->node) {
                char *v = node_json(a->node);
                if (!v) {
                    devconf__buf_dispose(&b);
                    return DEVCONF_ENOMEM;
                }
                devconf__buf_printf(&b, ",\"value\":%s", v);
                free(v);
            }
            devconf__buf_puts(&b, "}");
            n++;
        }
    }
    devconf__buf_puts(&b, "]}}");
    char *body = devconf__buf_steal(&b);
    if (!body) {
        return DEVCONF_ENOMEM;
    }
    if (!n) {
        free(body);
        return 0;
    }
    rc_resp resp;
    int r = rc_request(s, "PATCH", root, body, "application/yang-patch+json", &resp, what, ST(s)->if_match);
    free(body);
    if (r == 0) {
        resp_dispose(&resp);
    }
    return r;
}

/* Sends a plan's actions one request each (no YANG Patch): not atomic. */
static int send_actions(devconf_session *s, const char *root, const struct plan *p, const char *what)
{
    rc_state *st = ST(s);
    int r = 0;
    for (size_t i = 0; r == 0 && i < p->n; i++) {
        const struct action *a = &p->acts[i];
        char path[2048];
        snprintf(path, sizeof path, "%s%s", root, a->target);
        rc_resp resp;
        if (a->op == ACT_MERGE && st->profile->has_patch) {
            char *body = node_json(a->node);
            r = body ? rc_request(s, "PATCH", root, body, NULL, &resp, what, st->if_match) : DEVCONF_ENOMEM;
            free(body);
        } else if (a->op == ACT_MERGE) {
            r = merge_top(s, root, a->node, what);
            continue;
        } else if (a->op == ACT_REPLACE) {
            char *body = node_json(a->node);
            r = body ? rc_request(s, "PUT", path, body, NULL, &resp, what, st->if_match) : DEVCONF_ENOMEM;
            if (r == DEVCONF_ERPC && devconf_error_http_status(devconf_error_last()) == 404 &&
                !st->profile->has_patch) {
                /* PUT cannot create here: create with POST */
                devconf__error_clear();
                r = create_top(s, root, body, what);
                free(body);
                continue;
            }
            free(body);
        } else {
            r = rc_request(s, "DELETE", path, NULL, NULL, &resp, what, st->if_match);
            if (r == DEVCONF_ERPC && a->op == ACT_REMOVE && devconf_error_http_status(devconf_error_last()) == 404) {
                devconf__error_clear();
                r = 0;
                continue;
            }
        }
        if (r == 0) {
            resp_dispose(&resp);
        }
    }
    return r;
}

static bool has_yang_patch(const devconf_session *s)
{
    return devconf_session_has_capability(s, "urn:ietf:params:restconf:capability:yang-patch:1.0");
}

/* Sends plans to the server: one YANG Patch when the server has it and there is more than one
 * request to make; else one request per action, in order. */
static int send_plans(devconf_session *s, const char *root, const struct plan *plans, const char *what)
{
    size_t total = 0;
    for (const struct plan *p = plans; p; p = p->next) {
        total += p->n;
    }
    if (total > 1 && has_yang_patch(s)) {
        return send_yang_patch(s, root, plans, what);
    }
    if (total > 1) {
        devconf__log(s->ctx, DEVCONF_LOG_WARNING, "restconf",
                     "%s: %s has no YANG Patch: %zu changes are sent one by one, NOT atomically", what, s->host,
                     total);
    }
    for (const struct plan *p = plans; p; p = p->next) {
        int r = send_actions(s, root, p, what);
        if (r < 0) {
            return r;
        }
    }
    return 0;
}

static int rc_edit(devconf_session *s, const struct devconf__edit_req *req)
{
    rc_state *st = ST(s);
    const char *what = "edit-config";
    if (req->target != DEVCONF_DS_RUNNING && req->target != DEVCONF_DS_CANDIDATE) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "edit-config: target must be running or candidate");
    }
    if (req->test_option != DEVCONF_TEST_DEVICE || req->error_option == DEVCONF_ERROR_OPTION_CONTINUE) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "%s: test-option and continue-on-error have no RESTCONF equivalent", what);
    }
    if (req->if_match && !s->etag[0]) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "%s: If-Match needs the ETag of a previous read of the resource, and %s sent none",
                                  what, s->host);
    }
    struct plan *p = NULL;
    int r = make_plan(s, req, &p);
    if (r < 0) {
        return r;
    }
    if (req->target == DEVCONF_DS_CANDIDATE && !st->profile->commit_rpc) {
        /* client-side candidate: staged in the session, sent by commit */
        struct plan **tail = &st->staged;
        while (*tail) {
            tail = &(*tail)->next;
        }
        *tail = p;
        devconf__log(s->ctx, DEVCONF_LOG_DEBUG, "restconf", "%s: %zu change(s) staged in the session's candidate",
                     what, p->n);
        return 0;
    }
    char root[256];
    /* on a staging server, the edits go to the staging area (then commit for running) */
    r = data_root(s, st->profile->commit_rpc ? DEVCONF_DS_CANDIDATE : DEVCONF_DS_RUNNING, root, sizeof root, what);
    st->if_match = req->if_match ? s->etag : NULL;
    if (r == 0) {
        r = send_plans(s, root, p, what);
    }
    st->if_match = NULL;
    plan_free(p);
    if (r == 0 && req->target == DEVCONF_DS_RUNNING && st->profile->commit_rpc) {
        rc_resp resp;
        if ((r = post_operation(s, st->profile->commit_rpc, &resp, "edit-config on running (commit)")) == 0) {
            resp_dispose(&resp);
        }
    }
    return r;
}

static int rc_commit(devconf_session *s, const devconf_commit_options *o)
{
    rc_state *st = ST(s);
    if (o->confirmed || o->persist || o->persist_id) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "confirmed commit: RESTCONF has no confirmed commit (%s); nothing was sent",
                                  s->host);
    }
    if (!st->profile->commit_rpc) {
        /* client-side candidate: send what was staged, as one YANG Patch where possible */
        char root[256];
        data_root(s, DEVCONF_DS_RUNNING, root, sizeof root, "commit");
        int r = send_plans(s, root, st->staged, "commit");
        if (r == 0) {
            plan_free(st->staged);
            st->staged = NULL;
        }
        return r;
    }
    rc_resp resp;
    int r = post_operation(s, st->profile->commit_rpc, &resp, "commit");
    if (r == 0) {
        resp_dispose(&resp);
    }
    return r;
}

static int rc_discard(devconf_session *s)
{
    rc_state *st = ST(s);
    if (!st->profile->discard_rpc) {
        /* client-side candidate */
        plan_free(st->staged);
        st->staged = NULL;
        return 0;
    }
    /* Jetconf answers 500 to a reset without staged edits: ask first */
    rc_resp resp;
    int r = post_operation(s, "jetconf:conf-status", &resp, "discard-changes (status)");
    if (r < 0) {
        return r;
    }
    devconf__json *j = NULL;
    bool open = true;
    if (devconf__json_parse(resp.body.data ? resp.body.data : "", &j, NULL, 0) == 0) {
        const devconf__json *t = devconf__json_get(j, "transaction-opened");
        open = !t || t->type != DEVCONF_JSON_FALSE;
    }
    devconf__json_free(j);
    resp_dispose(&resp);
    if (!open) {
        return 0;
    }
    if ((r = post_operation(s, st->profile->discard_rpc, &resp, "discard-changes")) == 0) {
        resp_dispose(&resp);
    }
    return r;
}

static int rc_get_schema(devconf_session *s, char **out, const char *id, const char *version, const char *format)
{
    rc_state *st = ST(s);
    if (format && strcmp(format, "yang")) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "get-schema: RESTCONF serves YANG text only, not %s", format);
    }
    char path[512];
    snprintf(path, sizeof path, "%s/data/ietf-yang-library:modules-state", st->root);
    rc_resp resp;
    int r = rc_request(s, "GET", path, NULL, NULL, &resp, "get-schema", NULL);
    if (r < 0) {
        return r;
    }
    devconf__json *j = NULL;
    const char *url = NULL;
    if (devconf__json_parse(resp.body.data ? resp.body.data : "", &j, NULL, 0) == 0) {
        const devconf__json *mods =
            devconf__json_get(devconf__json_get(j, "ietf-yang-library:modules-state"), "module");
        for (const devconf__json *m = mods ? mods->child : NULL; m; m = m->next) {
            const char *n = devconf__json_str(m, "name"), *rev = devconf__json_str(m, "revision");
            if (n && !strcmp(n, id) && (!version || (rev && !strcmp(rev, version)))) {
                url = devconf__json_str(m, "schema");
                break;
            }
        }
    }
    resp_dispose(&resp);
    size_t blen = strlen(st->base);
    if (!url || strncmp(url, st->base, blen)) {
        r = devconf__error_set(DEVCONF_ORIGIN_RESTCONF, url ? DEVCONF_EUNSUPPORTED : DEVCONF_ERPC,
                               "get-schema: %s offers no %s for %s%s%s", s->host, url ? "same-server URL" : "schema",
                               id, version ? "@" : "", version ? version : "");
        devconf__json_free(j);
        return r;
    }
    char *rel = strdup(url + blen);
    devconf__json_free(j);
    if (!rel) {
        return devconf__error_oom();
    }
    r = rc_request(s, "GET", rel, NULL, NULL, &resp, "get-schema", NULL);
    free(rel);
    if (r < 0) {
        return r;
    }
    *out = devconf__buf_steal(&resp.body);
    return *out ? 0 : DEVCONF_ENOMEM;
}

static int rc_rpc(devconf_session *s, char **out, const char *text, devconf_format format)
{
    rc_state *st = ST(s);
    struct lyd_node *tree = NULL;
    devconf_format in_fmt;
    int r = devconf__rpc_parse(st->ly, text, DEVCONF_FORMAT_AUTO, &tree, &in_fmt);
    if (r < 0) {
        return r;
    }
    if (format == DEVCONF_FORMAT_AUTO) {
        format = in_fmt;
    }
    struct lyd_node *op = devconf__find_op(tree);
    const char *mod = op->schema->module->name;
    char what[160];
    snprintf(what, sizeof what, "%s %s", op->schema->nodetype == LYS_ACTION ? "action" : "rpc", op->schema->name);
    /* input: {"module:input": {...}} (RFC 8040 3.6.1) */
    char *in = NULL;
    if (lyd_print_mem(&in, op, LYD_JSON, LYD_PRINT_SHRINK) != LY_SUCCESS || !in) {
        lyd_free_all(tree);
        return devconf__error_oom();
    }
    devconf__buf body = { 0 };
    char key[256];
    snprintf(key, sizeof key, "\"%s:%s\"", mod, op->schema->name);
    char *k = strstr(in, key);
    if (k) {
        devconf__buf_append(&body, in, (size_t)(k - in));
        devconf__buf_printf(&body, "\"%s:input\"", mod);
        devconf__buf_puts(&body, k + strlen(key));
    } else {
        devconf__buf_puts(&body, in);
    }
    free(in);
    char *path = NULL;
    if (op->schema->nodetype == LYS_RPC) {
        r = asprintf(&path, "%s/operations/%s:%s", st->root, mod, op->schema->name) < 0 ? devconf__error_oom() : 0;
    } else {
        char *res = NULL;
        if ((r = node_resource(s, lyd_parent(op), &res)) == 0) {
            const char *pmod = lyd_parent(op)->schema->module->name;
            r = asprintf(&path, "%s/data%s/%s%s%s", st->root, res, strcmp(pmod, mod) ? mod : "",
                         strcmp(pmod, mod) ? ":" : "", op->schema->name) < 0 ? devconf__error_oom() : 0;
            free(res);
        }
    }
    char *b = devconf__buf_steal(&body);
    rc_resp resp;
    if (r == 0 && b) {
        r = rc_request(s, "POST", path, lyd_child(op) ? b : NULL, NULL, &resp, what, NULL);
    } else if (r == 0) {
        r = DEVCONF_ENOMEM;
    }
    free(b);
    free(path);
    if (r < 0) {
        lyd_free_all(tree);
        return r;
    }
    const char *reply = resp.body.data ? devconf__skip_ws(resp.body.data) : "";
    if (!*reply) {
        resp_dispose(&resp);
        lyd_free_all(tree);
        *out = devconf__strdup("");
        return *out ? 0 : DEVCONF_ENOMEM;
    }
    if (op->schema->nodetype != LYS_RPC) {
        /* an action's reply would need its parents to be parsed: hand back the device's JSON */
        if (format == DEVCONF_FORMAT_JSON) {
            *out = devconf__strdup(reply);
            r = *out ? 0 : DEVCONF_ENOMEM;
        } else {
            r = devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                   "%s: action output over RESTCONF is returned as JSON only so far; ask for JSON",
                                   what);
        }
        resp_dispose(&resp);
        lyd_free_all(tree);
        return r;
    }
    /* {"module:output": {...}} -> {"module:name": {...}} parsed as the reply of the request */
    devconf__buf rb = { 0 };
    char okey[256];
    snprintf(okey, sizeof okey, "\"%s:output\"", mod);
    k = strstr(reply, okey);
    if (k) {
        devconf__buf_append(&rb, reply, (size_t)(k - reply));
        devconf__buf_printf(&rb, "\"%s:%s\"", mod, op->schema->name);
        devconf__buf_puts(&rb, k + strlen(okey));
    } else {
        devconf__buf_puts(&rb, reply);
    }
    resp_dispose(&resp);
    char *rtext = devconf__buf_steal(&rb);
    if (!rtext) {
        lyd_free_all(tree);
        return DEVCONF_ENOMEM;
    }
    struct lyd_node *rtree = NULL;
    struct ly_in *lin = NULL;
    r = 0;
    ly_in_new_memory(rtext, &lin);
    devconf__log_capture_begin();
    if (lyd_parse_op(st->ly, NULL, lin, LYD_JSON, LYD_TYPE_REPLY_YANG, &rtree, NULL) != LY_SUCCESS) {
        r = devconf__yang_error(st->ly, DEVCONF_EPROTO, "the RPC output does not match the device's schemas");
    }
    devconf__log_capture_end();
    ly_in_free(lin, 0);
    free(rtext);
    if (r == 0) {
        r = devconf__print_rpc_output(devconf__find_op(rtree), format, out);
    }
    lyd_free_all(rtree);
    lyd_free_all(tree);
    return r;
}

static struct ly_ctx *rc_yang_ctx(devconf_session *s)
{
    return ST(s)->ly;
}

const devconf__transport devconf__restconf_transport = {
    .name = "restconf",
    .protocol = DEVCONF_PROTO_RESTCONF,
    .open = rc_open,
    .close = rc_close,
    .is_connected = rc_is_connected,
    .read = rc_read,
    .edit = rc_edit,
    .commit = rc_commit,
    .discard = rc_discard,
    .get_schema = rc_get_schema,
    .rpc = rc_rpc,
    .yang_ctx = rc_yang_ctx,
};
