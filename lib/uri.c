/* Device URIs: scheme://[user@]host[:port][/path]. */
#include "devconf_p.h"

#include <ctype.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    devconf__scheme scheme;
    uint16_t port;
} schemes[] = {
    { "netconf", DEVCONF_SCHEME_NETCONF_SSH, 830 },
    { "netconf+ssh", DEVCONF_SCHEME_NETCONF_SSH, 830 },
    { "netconf+tls", DEVCONF_SCHEME_NETCONF_TLS, 6513 },
    { "restconf", DEVCONF_SCHEME_RESTCONF_HTTPS, 443 },
    { "restconf+https", DEVCONF_SCHEME_RESTCONF_HTTPS, 443 },
    { "restconf+http", DEVCONF_SCHEME_RESTCONF_HTTP, 80 },
};

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decodes [s, s+n) into a new string; NULL (with error set) on a bad escape. */
static char *pct_decode(const char *s, size_t n, const char *uri, const char *part)
{
    char *d = malloc(n + 1), *o = d;
    if (!d) {
        devconf__error_oom();
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            if (i + 2 >= n || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0) {
                free(d);
                devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "bad URI '%s': bad percent-escape in the %s",
                                   uri, part);
                return NULL;
            }
            char c = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            if (c == '\0') {
                free(d);
                devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "bad URI '%s': NUL byte in the %s", uri, part);
                return NULL;
            }
            *o++ = c;
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return d;
}

void devconf__uri_dispose(devconf__uri *u)
{
    if (!u) {
        return;
    }
    free(u->user);
    free(u->host);
    free(u->path);
    memset(u, 0, sizeof *u);
}

/* Copies uri into shown (for error messages) with anything that may be a password masked: from
 * the first ':' after "://" up to the last '@', wherever they are (a password may hold '/', '?'
 * or '#', which would end the authority for a parser). */
static void redact(char *shown, size_t size, const char *uri)
{
    const char *sep = strstr(uri, "://");
    const char *auth = sep ? sep + 3 : uri;
    const char *at = strrchr(auth, '@');
    const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    if (colon) {
        snprintf(shown, size, "%.*s:***%s", (int)(colon - uri), uri, at);
    } else {
        snprintf(shown, size, "%s", uri);
    }
}

int devconf__uri_parse(devconf__uri *out, const char *uri_in)
{
    memset(out, 0, sizeof *out);
    if (!uri_in || !*uri_in) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "empty device URI");
    }
    char uri[512];
    redact(uri, sizeof uri, uri_in);
    const char *sep = strstr(uri_in, "://");
    if (!sep) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "bad URI '%s': expected scheme://host, for example netconf://admin@192.0.2.1", uri);
    }
    size_t slen = (size_t)(sep - uri_in);
    size_t si;
    for (si = 0; si < sizeof schemes / sizeof schemes[0]; si++) {
        if (strlen(schemes[si].name) == slen && strncasecmp(uri_in, schemes[si].name, slen) == 0) {
            break;
        }
    }
    if (si == sizeof schemes / sizeof schemes[0]) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "bad URI '%s': unknown scheme '%.*s' (use netconf, netconf+tls, restconf or "
                                  "restconf+http)", uri, (int)slen, uri_in);
    }
    out->scheme = schemes[si].scheme;
    out->port = schemes[si].port;

    const char *auth = sep + 3;
    const char *auth_end = auth + strcspn(auth, "/?#");
    if (auth_end[strcspn(auth_end, "?#")] != '\0') {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "bad URI '%s': query and fragment are not allowed", uri);
    }
    const char *at = memchr(auth, '@', (size_t)(auth_end - auth));
    const char *hp = auth;
    if (at) {
        if (memchr(auth, ':', (size_t)(at - auth))) {
            return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                      "bad URI: a password in the URI is not accepted; pass it in the options");
        }
        if (at == auth) {
            return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "bad URI '%s': empty user name", uri);
        }
        if (!(out->user = pct_decode(auth, (size_t)(at - auth), uri, "user name"))) {
            goto fail;
        }
        hp = at + 1;
    }
    const char *host_end;
    const char *port_start = NULL;
    if (*hp == '[') {
        const char *rb = memchr(hp, ']', (size_t)(auth_end - hp));
        if (!rb) {
            devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "bad URI '%s': unterminated '[' in host", uri);
            goto fail;
        }
        out->host = strndup(hp + 1, (size_t)(rb - hp - 1));
        host_end = rb + 1;
        if (host_end < auth_end) {
            if (*host_end != ':') {
                devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "bad URI '%s': junk after ']'", uri);
                goto fail;
            }
            port_start = host_end + 1;
        }
    } else {
        const char *colon = memchr(hp, ':', (size_t)(auth_end - hp));
        host_end = colon ? colon : auth_end;
        out->host = strndup(hp, (size_t)(host_end - hp));
        if (colon) {
            port_start = colon + 1;
        }
    }
    if (!out->host) {
        devconf__error_oom();
        goto fail;
    }
    if (!*out->host) {
        devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "bad URI '%s': no host", uri);
        goto fail;
    }
    for (const char *c = out->host; *c; c++) {
        if (!isalnum((unsigned char)*c) && !strchr("-._:%", *c)) {
            devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "bad URI '%s': invalid character '%c' in host",
                               uri, *c);
            goto fail;
        }
    }
    if (port_start) {
        if (port_start == auth_end) {
            devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "bad URI '%s': empty port", uri);
            goto fail;
        }
        unsigned long port = 0;
        for (const char *c = port_start; c < auth_end; c++) {
            if (!isdigit((unsigned char)*c) || (port = port * 10 + (unsigned long)(*c - '0')) > 65535) {
                devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                   "bad URI '%s': port must be a number from 1 to 65535", uri);
                goto fail;
            }
        }
        if (port == 0) {
            devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                               "bad URI '%s': port must be a number from 1 to 65535", uri);
            goto fail;
        }
        out->port = (uint16_t)port;
    }
    if (*auth_end == '/' && auth_end[1]) {
        if (!(out->path = devconf__strdup(auth_end))) {
            goto fail;
        }
    }
    return 0;
fail:;
    int code = devconf_error_code(devconf_error_last());
    devconf__uri_dispose(out);
    return code ? code : DEVCONF_EINVAL;
}
