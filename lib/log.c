/* Logging: per-ctx callbacks, and trampolines that route the process-global loggers of
 * libyang and libnetconf2 to the ctx of the devconf call running on the current thread. */
#include "devconf_p.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

static _Thread_local const struct devconf_ctx *tl_ctx;
static _Thread_local uint32_t tl_ly_opts;
static _Thread_local bool tl_capturing;
static _Thread_local char tl_last[1024];
static _Thread_local bool tl_quiet;

DEVCONF_API const char *devconf_log_level_name(devconf_log_level level)
{
    switch (level) {
    case DEVCONF_LOG_ERROR: return "error";
    case DEVCONF_LOG_WARNING: return "warning";
    case DEVCONF_LOG_INFO: return "info";
    case DEVCONF_LOG_DEBUG: return "debug";
    }
    return "unknown";
}

static void deliver(const struct devconf_ctx *ctx, devconf_log_level level, const char *origin, const char *msg)
{
    if (!ctx || !ctx->log_cb || level > ctx->log_max) {
        return;
    }
    ctx->log_cb(level, origin, msg, ctx->log_payload);
}

void devconf__log(const struct devconf_ctx *ctx, devconf_log_level level, const char *origin, const char *fmt, ...)
{
    if (!ctx || !ctx->log_cb || level > ctx->log_max) {
        return;
    }
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    deliver(ctx, level, origin, msg);
}

const struct devconf_ctx *devconf__log_enter(const struct devconf_ctx *ctx)
{
    const struct devconf_ctx *prev = tl_ctx;
    tl_ctx = ctx;
    /* Thread-local libyang options: log through our callback, keep the last error; the host
     * application's global libyang settings are left alone. */
    tl_ly_opts = LY_LOLOG | LY_LOSTORE_LAST;
    ly_temp_log_options(&tl_ly_opts);
    return prev;
}

void devconf__log_leave(const struct devconf_ctx *prev)
{
    tl_ctx = prev;
    if (!prev) {
        ly_temp_log_options(NULL);
    }
}

void devconf__log_capture_begin(void)
{
    tl_capturing = true;
    tl_last[0] = '\0';
}

const char *devconf__log_capture_last(void)
{
    return tl_last[0] ? tl_last : NULL;
}

const char *devconf__log_capture_end(void)
{
    tl_capturing = false;
    return devconf__log_capture_last();
}

static void capture(const char *msg, const char *path)
{
    if (!tl_capturing) {
        return;
    }
    if (path && *path) {
        snprintf(tl_last, sizeof tl_last, "%s (path %s)", msg, path);
    } else {
        snprintf(tl_last, sizeof tl_last, "%s", msg);
    }
}

void devconf__log_quiet(bool quiet)
{
    tl_quiet = quiet;
}

static void ly_trampoline(LY_LOG_LEVEL level, const char *msg, const char *path)
{
    devconf_log_level l;
    switch (level) {
    case LY_LLERR: l = DEVCONF_LOG_ERROR; capture(msg, path); break;
    case LY_LLWRN: l = DEVCONF_LOG_WARNING; break;
    case LY_LLVRB: l = DEVCONF_LOG_INFO; break;
    default: l = DEVCONF_LOG_DEBUG; break;
    }
    if (tl_quiet || tl_capturing) {
        /* devconf reports the failure itself, through its error object */
        l = DEVCONF_LOG_DEBUG;
    }
    if (path && *path && tl_ctx && tl_ctx->log_cb && l <= tl_ctx->log_max) {
        char buf[2048];
        snprintf(buf, sizeof buf, "%s (path %s)", msg, path);
        deliver(tl_ctx, l, "libyang", buf);
    } else {
        deliver(tl_ctx, l, "libyang", msg);
    }
}

void devconf__log_install_trampolines(void)
{
    ly_set_log_clb(ly_trampoline, 1);
}

/* A message of a dependency logger other than libyang's (lib/netconf/), routed like libyang's. */
void devconf__log_dep(const char *origin, devconf_log_level l, const char *msg)
{
    if (l == DEVCONF_LOG_ERROR) {
        capture(msg, NULL);
    }
    if (tl_quiet && l < DEVCONF_LOG_INFO) {
        l = DEVCONF_LOG_DEBUG;
    }
    deliver(tl_ctx, l, origin, msg);
}
