/**
 * @file common.h
 * @brief Macros shared by every devconf header.
 *
 * Nothing here needs to be included directly: include <devconf/devconf.h>.
 */
#ifndef DEVCONF_COMMON_H
#define DEVCONF_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define DEVCONF_BEGIN_DECLS extern "C" {
#define DEVCONF_END_DECLS }
#else
#define DEVCONF_BEGIN_DECLS
#define DEVCONF_END_DECLS
#endif

#if defined(_WIN32)
#if defined(DEVCONF_BUILDING)
#define DEVCONF_API __declspec(dllexport)
#else
#define DEVCONF_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#define DEVCONF_API __attribute__((visibility("default")))
#else
#define DEVCONF_API
#endif

#if defined(DEVCONF_DEPRECATE_HARD)
#define DEVCONF_DEPRECATED(msg) DEVCONF_DEPRECATED_HARD_IS_SET_##msg
#elif defined(__GNUC__)
#define DEVCONF_DEPRECATED(msg) __attribute__((deprecated(msg)))
#else
#define DEVCONF_DEPRECATED(msg)
#endif

#if defined(__GNUC__)
#define DEVCONF_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define DEVCONF_PRINTF(fmt, args)
#endif

DEVCONF_BEGIN_DECLS

/**
 * @brief Cancel callback of a call: asked while the call waits for the network (at least every
 *        100 ms, and before each request it sends).
 * @param[in] payload The pointer given with it in the options.
 * @return Non-zero to stop the call: it fails with ::DEVCONF_ECANCELED. A request already sent may
 *         still take effect on the device; on NETCONF its late reply is recognised and skipped, so the
 *         session stays usable.
 */
typedef int (*devconf_cancel_cb)(void *payload);

DEVCONF_END_DECLS

#endif /* DEVCONF_COMMON_H */
