/**
 * @file devconf.h
 * @brief devconf: configure network devices over NETCONF and RESTCONF through one API.
 *
 * The only header applications include.
 *
 * @mainpage devconf
 *
 * devconf talks to network devices over NETCONF (RFC 6241, over SSH) and RESTCONF (RFC 8040, over
 * HTTPS with HTTP/2) through one device-agnostic API, validating payloads against the device's YANG
 * schemas; the URI's scheme (`netconf://`, `restconf://`) chooses the protocol. Fleets
 * (fleet.h) run one operation on many devices. The Python package (`pip install libdevconf`,
 * `import devconf`) and the `devconf` command-line tool drive the same library.
 *
 * Ownership: a pointer returned as a function's value is borrowed (its comment says until when);
 * a result returned through a `**out` argument is the caller's and is freed with the matching
 * `_free` function (strings with devconf_free()). Inputs are borrowed for the call only.
 *
 * Thread safety: devconf is thread-safe but does not lock handles for you. A ::devconf_session,
 * and everything obtained from it, must be used by one thread at a time; it may move between
 * threads. A configured ::devconf_ctx may be shared by sessions on different threads; calls that
 * modify it (devconf_ctx_add_search_dir(), devconf_ctx_set_cache_dir(),
 * devconf_ctx_set_log_callback()) must not overlap any other use of it. Error state is per
 * thread. Call devconf_init() before starting threads and devconf_deinit() after they end; a
 * thread that used devconf calls devconf_thread_cleanup() before exiting.
 */
#ifndef DEVCONF_H
#define DEVCONF_H

#include "common.h"
#include "version.h"
#include "error.h"
#include "log.h"
#include "ctx.h"
#include "session.h"
#include "ops.h"
#include "txn.h"
#include "fleet.h"
#include "notify.h"
#include "callhome.h"

#endif /* DEVCONF_H */
