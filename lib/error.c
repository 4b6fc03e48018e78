/* The thread-local error object and return-code texts. */
#include "devconf_p.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local struct devconf_error tl_error;
static const struct devconf_error oom_error = {
    DEVCONF_ENOMEM, DEVCONF_ORIGIN_OS, 0, (char *)"out of memory", NULL, 0,
};
static _Thread_local bool tl_oom;

static void rpc_error_dispose(struct devconf_rpc_error *r)
{
    free(r->type);
    free(r->tag);
    free(r->severity);
    free(r->app_tag);
    free(r->path);
    free(r->message);
    free(r->lang);
    free(r->info_xml);
    memset(r, 0, sizeof *r);
}

static void error_dispose(struct devconf_error *e)
{
    for (size_t i = 0; i < e->rpc_error_count; i++) {
        rpc_error_dispose(&e->rpc_errors[i]);
    }
    free(e->rpc_errors);
    free(e->message);
    memset(e, 0, sizeof *e);
}

void devconf__error_clear(void)
{
    error_dispose(&tl_error);
    tl_oom = false;
}

struct devconf_error *devconf__error_current(void)
{
    return &tl_error;
}

/* Length of the UTF-8 sequence at p (1-4), or 0 when it is not UTF-8. */
static size_t utf8_seq(const unsigned char *p)
{
    if (p[0] < 0x80) {
        return 1;
    }
    size_t n = (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3 : (p[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (!n || (n == 2 && p[0] < 0xC2) || (n == 4 && p[0] > 0xF4)) {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            return 0;
        }
    }
    return n;
}

/* Messages carry device text (rpc-error messages, names, paths): control characters (C0 but
 * newline and tab, DEL, C1) and bytes that are not UTF-8 are escaped (\u001B, \u009B, \xFF), so no
 * message can drive a terminal or a log viewer, whoever prints it (a Python exception, a log). */
static char *clean(char *s)
{
    bool dirty = false;
    for (const unsigned char *p = (const unsigned char *)s; *p && !dirty;) {
        size_t n = utf8_seq(p);
        dirty = !n || (n == 1 && ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7F)) ||
                (n == 2 && p[0] == 0xC2 && p[1] < 0xA0);
        p += n ? n : 1;
    }
    if (!dirty) {
        return s;
    }
    devconf__buf b = { 0 };
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n = utf8_seq(p);
        if (!n) {
            devconf__buf_printf(&b, "\\x%02X", *p);
            p++;
        } else if (n == 1 && ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7F)) {
            devconf__buf_printf(&b, "\\u%04X", *p);
            p++;
        } else if (n == 2 && p[0] == 0xC2 && p[1] < 0xA0) {
            devconf__buf_printf(&b, "\\u%04X", p[1]);
            p += 2;
        } else {
            devconf__buf_append(&b, (const char *)p, n);
            p += n;
        }
    }
    char *out = devconf__buf_steal(&b);
    if (!out) {
        return s; /* out of memory: better the message than none */
    }
    free(s);
    return out;
}

static char *vformat(const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0) {
        return NULL;
    }
    char *s = malloc((size_t)n + 1);
    if (s) {
        vsnprintf(s, (size_t)n + 1, fmt, ap);
        s = clean(s);
    }
    return s;
}

int devconf__error_set(devconf_origin origin, int code, const char *fmt, ...)
{
    /* formatted before the old error goes: the arguments may come from it */
    va_list ap;
    va_start(ap, fmt);
    char *msg = vformat(fmt, ap);
    va_end(ap);
    devconf__error_clear();
    if (!msg) {
        return devconf__error_oom();
    }
    tl_error.code = code;
    tl_error.origin = origin;
    tl_error.message = msg;
    return code;
}

void devconf__error_set_message(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = vformat(fmt, ap);
    va_end(ap);
    if (msg) {
        free(tl_error.message);
        tl_error.message = msg;
    }
}

void devconf__error_set_http_status(int status)
{
    tl_error.http_status = status;
}

int devconf__error_oom(void)
{
    devconf__error_clear();
    tl_oom = true;
    return DEVCONF_ENOMEM;
}

int devconf__error_add_rpc_error(const struct devconf_rpc_error *entry)
{
    struct devconf_rpc_error *list =
        realloc(tl_error.rpc_errors, (tl_error.rpc_error_count + 1) * sizeof *list);
    if (!list) {
        return devconf__error_oom();
    }
    tl_error.rpc_errors = list;
    struct devconf_rpc_error *r = &list[tl_error.rpc_error_count];
    memset(r, 0, sizeof *r);
    const char *src[] = { entry->type, entry->tag, entry->severity, entry->app_tag,
                          entry->path, entry->message, entry->lang, entry->info_xml };
    char **dst[] = { &r->type, &r->tag, &r->severity, &r->app_tag, &r->path, &r->message, &r->lang, &r->info_xml };
    for (size_t i = 0; i < sizeof src / sizeof src[0]; i++) {
        if (src[i] && !(*dst[i] = strdup(src[i]))) {
            rpc_error_dispose(r);
            return devconf__error_oom();
        }
    }
    tl_error.rpc_error_count++;
    return 0;
}

DEVCONF_API const devconf_error *devconf_error_last(void)
{
    return tl_oom ? &oom_error : &tl_error;
}

DEVCONF_API int devconf_error_dup(devconf_error **out, const devconf_error *e)
{
    if (out) {
        *out = NULL;
    }
    if (!out || !e) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_error_dup: NULL argument");
    }
    struct devconf_error *c = calloc(1, sizeof *c);
    if (!c) {
        return devconf__error_oom();
    }
    c->code = e->code;
    c->origin = e->origin;
    c->http_status = e->http_status;
    if (e->message && !(c->message = strdup(e->message))) {
        goto oom;
    }
    if (e->rpc_error_count) {
        c->rpc_errors = calloc(e->rpc_error_count, sizeof *c->rpc_errors);
        if (!c->rpc_errors) {
            goto oom;
        }
        for (size_t i = 0; i < e->rpc_error_count; i++) {
            const struct devconf_rpc_error *s = &e->rpc_errors[i];
            struct devconf_rpc_error *d = &c->rpc_errors[i];
            c->rpc_error_count = i + 1;
            const char *src[] = { s->type, s->tag, s->severity, s->app_tag, s->path, s->message, s->lang, s->info_xml };
            char **dst[] = { &d->type, &d->tag, &d->severity, &d->app_tag, &d->path, &d->message, &d->lang,
                             &d->info_xml };
            for (size_t k = 0; k < sizeof src / sizeof src[0]; k++) {
                if (src[k] && !(*dst[k] = strdup(src[k]))) {
                    goto oom;
                }
            }
        }
    }
    *out = c;
    return 0;
oom:
    devconf_error_free(c);
    return devconf__error_oom();
}

DEVCONF_API void devconf_error_free(devconf_error *e)
{
    if (!e || e == &oom_error) {
        return;
    }
    error_dispose(e);
    free(e);
}

DEVCONF_API int devconf_error_code(const devconf_error *e)
{
    return e ? e->code : DEVCONF_EINVAL;
}

DEVCONF_API const char *devconf_error_message(const devconf_error *e)
{
    return e && e->message ? e->message : "";
}

DEVCONF_API devconf_origin devconf_error_origin(const devconf_error *e)
{
    return e ? e->origin : DEVCONF_ORIGIN_NONE;
}

DEVCONF_API int devconf_error_http_status(const devconf_error *e)
{
    return e ? e->http_status : 0;
}

DEVCONF_API size_t devconf_error_rpc_error_count(const devconf_error *e)
{
    return e ? e->rpc_error_count : 0;
}

DEVCONF_API const devconf_rpc_error *devconf_error_rpc_error(const devconf_error *e, size_t i)
{
    return e && i < e->rpc_error_count ? &e->rpc_errors[i] : NULL;
}

#define RPC_FIELD(name) \
    DEVCONF_API const char *devconf_rpc_error_##name(const devconf_rpc_error *r) { return r ? r->name : NULL; }
RPC_FIELD(type)
RPC_FIELD(tag)
RPC_FIELD(severity)
RPC_FIELD(app_tag)
RPC_FIELD(path)
RPC_FIELD(message)
RPC_FIELD(lang)
RPC_FIELD(info_xml)
#undef RPC_FIELD

DEVCONF_API const char *devconf_origin_name(devconf_origin origin)
{
    switch (origin) {
    case DEVCONF_ORIGIN_NONE: return "devconf";
    case DEVCONF_ORIGIN_NETCONF: return "netconf";
    case DEVCONF_ORIGIN_RESTCONF: return "restconf";
    case DEVCONF_ORIGIN_SSH: return "ssh";
    case DEVCONF_ORIGIN_TLS: return "tls";
    case DEVCONF_ORIGIN_HTTP: return "http";
    case DEVCONF_ORIGIN_YANG: return "yang";
    case DEVCONF_ORIGIN_OS: return "os";
    }
    return "unknown";
}

DEVCONF_API const char *devconf_strerror(int code)
{
    switch (code) {
    case DEVCONF_OK: return "success";
    case DEVCONF_ERROR: return "unexpected error";
    case DEVCONF_EINVAL: return "invalid argument";
    case DEVCONF_ENOMEM: return "out of memory";
    case DEVCONF_ENOTFOUND: return "not found";
    case DEVCONF_ETIMEOUT: return "timed out";
    case DEVCONF_ECONNECT: return "connection failed";
    case DEVCONF_EAUTH: return "authentication failed";
    case DEVCONF_EHOSTKEY: return "host key or certificate rejected";
    case DEVCONF_EPROTO: return "protocol error";
    case DEVCONF_EYANG: return "YANG validation failed";
    case DEVCONF_ERPC: return "the device reported an error";
    case DEVCONF_EUNSUPPORTED: return "not supported by the device";
    case DEVCONF_EUSER: return "callback failed";
    case DEVCONF_ECANCELED: return "cancelled by the caller";
    }
    return "unknown error code";
}

void devconf__error_restore(devconf_error *saved)
{
    if (!saved) {
        return;
    }
    devconf__error_clear();
    tl_error = *saved;
    free(saved);
}

int devconf__error_canceled(const char *what)
{
    return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_ECANCELED, "%s: stopped by the caller's cancel callback",
                              what);
}
