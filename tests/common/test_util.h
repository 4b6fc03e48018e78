/* Helpers shared by the Check suites: assertions on devconf return codes, a log sink that keeps
 * every line (to check what was sent and that no secret leaks), and the suite runner. */
#ifndef DEVCONF_TEST_UTIL_H
#define DEVCONF_TEST_UTIL_H

#include <check.h>

#include <devconf/devconf.h>

#define ASSERT_OK(call)                                                                                     \
    do {                                                                                                    \
        int r_ = (call);                                                                                    \
        ck_assert_msg(r_ == 0, "%s failed: %d %s", #call, r_, devconf_error_message(devconf_error_last())); \
    } while (0)

/* The call fails with code, and the thread's error object says so with a message. */
#define ASSERT_FAILS(call, code)                                                                \
    do {                                                                                        \
        int r_ = (call);                                                                        \
        ck_assert_msg(r_ == (code), "%s returned %d (%s), expected %d", #call, r_,              \
                      devconf_error_message(devconf_error_last()), (code));                      \
        ck_assert_int_eq(devconf_error_code(devconf_error_last()), (code));                     \
        ck_assert_str_ne(devconf_error_message(devconf_error_last()), "");                      \
    } while (0)

/* Options of one call, as compound literals: the result format of devconf_rpc(), a confirmed
 * transaction commit reverted after n seconds. */
#define RPC_OPTS(fmt) (&(devconf_rpc_options){ DEVCONF_RPC_OPTIONS_VERSION, (fmt), 0, NULL, NULL })
#define TXN_REVERT(n) (&(devconf_txn_commit_options){ DEVCONF_TXN_COMMIT_OPTIONS_VERSION, (n), NULL, 0, NULL, NULL })

/* A devconf_log_cb keeping every line ("origin: message"); thread-safe. */
void test_log_capture(devconf_log_level level, const char *origin, const char *msg, void *payload);
void test_log_reset(void);
int test_log_contains(const char *needle);
/* Everything captured so far (not thread-safe against concurrent logging). */
const char *test_log_text(void);

/* How many times needle occurs in hay, overlapping occurrences included. */
int test_count(const char *hay, const char *needle);

/* devconf_init() and a new context in *ctx with cache directory cache_dir, search_dir added (NULL:
 * none), every log line captured (test_log_capture) and the capture emptied. */
void test_ctx_up(devconf_ctx **ctx, const char *cache_dir, const char *search_dir);
/* The same with a fresh cache directory made from cache_template (mkdtemp, ending in XXXXXX). */
void test_ctx_up_tmp(devconf_ctx **ctx, const char *cache_template, const char *search_dir);
/* Frees *ctx (set to NULL), removing its cache directory first when remove_cache is set, then
 * devconf_deinit() and the capture emptied. */
void test_ctx_down(devconf_ctx **ctx, int remove_cache);

/* On session s, sets the description of interface name (ietf-interfaces, type ethernetCsmacd) in
 * the candidate and commits: 0, or the code of the edit or the commit that failed (the candidate
 * left as the failure left it). */
int test_commit_description(devconf_session *s, const char *name, const char *description);

/* Runs the suite (CK_NORMAL), frees it; the exit status for main(). */
int test_run_suite(Suite *su);

#endif
