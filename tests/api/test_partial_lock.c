/* Partial lock (RFC 5717). yuma123 netconfd 2.13 announces :partial-lock but refuses every
 * <partial-lock> ("invalid internal value", a NULL pointer in its xpath1.c:9654 then plock.c:328,
 * with access control off, permissive or enforcing, target candidate or running): the test below
 * records it. The lock itself is tested against the scripted server with --partial-lock
 * (tests/fixtures/netconf/scripted/nc_plock.py), and without it for a device lacking the capability.
 * Session a locks part of running; session b tries to change that part and another part. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <devconf/devconf.h>

#include "test_scripted.h"
#include "test_server.h"
#include "test_util.h"

#define WAIT_MS 30000
#define ETH0 "/ietf-interfaces:interfaces/interface[name='pl0']" /* devconf adds the module to each step */
#define ETH1 "/ietf-interfaces:interfaces/ietf-interfaces:interface[ietf-interfaces:name='pl1']"

static test_server srv;   /* netconfd */
static test_scripted pl;  /* the scripted server with --partial-lock */
static devconf_ctx *ctx;
static devconf_session *a, *b;

static void server_up(void)
{
    static const char *const args[] = { "--announce", "hello", "--partial-lock", NULL };
    test_scripted_start(&pl, args);
}

static void server_down(void)
{
    test_scripted_stop(&pl);
}

static devconf_session *open_session(const char *uri, const char *known_hosts, const char *key)
{
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = known_hosts;
    o.private_key = key;
    o.rpc_timeout_ms = WAIT_MS;
    o.connect_timeout_ms = WAIT_MS;
    devconf_session *ss = NULL;
    int r = devconf_session_open(&ss, ctx, uri, &o);
    ck_assert_msg(r == 0, "open %s failed: %d %s", uri, r, devconf_error_message(devconf_error_last()));
    return ss;
}

/* b changes interface name's description in the candidate and commits: 0 or the error code. */
static int change(const char *name, const char *description)
{
    int r = test_commit_description(b, name, description);
    if (r < 0) {
        devconf_discard_changes(b, NULL);
        return r;
    }
    return 0;
}

static void sessions_up(void)
{
    test_ctx_up(&ctx, test_scripted_cache_dir(&pl), NULL);
    a = open_session(test_scripted_uri(&pl), test_scripted_known_hosts(&pl), test_scripted_key(&pl));
    b = open_session(test_scripted_uri(&pl), test_scripted_known_hosts(&pl), test_scripted_key(&pl));
    ck_assert_int_eq(change("pl0", "created"), 0);
    ck_assert_int_eq(change("pl1", "created"), 0);
}

static void sessions_down(void)
{
    devconf_session_free(a);
    devconf_session_free(b);
    a = b = NULL;
    test_ctx_down(&ctx, 0);
}

START_TEST(bad_selects_are_refused_before_sending)
{
    uint32_t id = 77;
    const char *one[] = { ETH0 };
    ASSERT_FAILS(devconf_partial_lock(NULL, one, 1, &id, NULL), DEVCONF_EINVAL);
    ASSERT_FAILS(devconf_partial_lock(a, NULL, 1, &id, NULL), DEVCONF_EINVAL);
    ASSERT_FAILS(devconf_partial_lock(a, one, 0, &id, NULL), DEVCONF_EINVAL);
    ASSERT_FAILS(devconf_partial_lock(a, one, 1, NULL, NULL), DEVCONF_EINVAL);
    ASSERT_FAILS(devconf_partial_lock(a, one, DEVCONF_MAX_PARTIAL_LOCK_SELECTS + 1, &id, NULL), DEVCONF_EINVAL);
    const char *empty[] = { ETH0, " " };
    ASSERT_FAILS(devconf_partial_lock(a, empty, 2, &id, NULL), DEVCONF_EINVAL);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "select 1 is empty"));
    const char *unknown[] = { "/ietf-interfaces:interfacez" };
    ASSERT_FAILS(devconf_partial_lock(a, unknown, 1, &id, NULL), DEVCONF_EYANG);
    const char *state[] = { "/ietf-interfaces:interfaces-state/interface/oper-status" };
    ASSERT_FAILS(devconf_partial_lock(a, state, 1, &id, NULL), DEVCONF_EYANG);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "not configuration"));
    const char *garbage[] = { "/ietf-interfaces:interfaces[" };
    ASSERT_FAILS(devconf_partial_lock(a, garbage, 1, &id, NULL), DEVCONF_EYANG);
    ck_assert_uint_eq(id, 77);
}
END_TEST

START_TEST(a_locked_subtree_refuses_other_sessions_until_unlocked)
{
    ck_assert(devconf_session_has_capability(a, "urn:ietf:params:netconf:capability:partial-lock:1.0"));
    const char *sel[] = { ETH0 };
    uint32_t id = 0;
    ASSERT_OK(devconf_partial_lock(a, sel, 1, &id, NULL));
    /* another session's change of the locked interface: refused */
    int r = change("pl0", "changed by b while locked");
    ck_assert_msg(r == DEVCONF_ERPC, "b's change of the locked subtree: %d %s", r,
                  devconf_error_message(devconf_error_last()));
    /* of another interface: accepted */
    ck_assert_int_eq(change("pl1", "changed by b"), 0);
    /* the same part by another session's partial lock: lock-denied, naming the holder */
    uint32_t id_b = 0;
    ASSERT_FAILS(devconf_partial_lock(b, sel, 1, &id_b, NULL), DEVCONF_ERPC);
    const devconf_error *e = devconf_error_last();
    ck_assert_uint_ge(devconf_error_rpc_error_count(e), 1);
    ck_assert_str_eq(devconf_rpc_error_tag(devconf_error_rpc_error(e, 0)), "lock-denied");
    char holder[64];
    snprintf(holder, sizeof holder, "held by session %u", (unsigned)devconf_session_id(a));
    ck_assert_msg(strstr(devconf_error_message(e), holder), "message: %s", devconf_error_message(e));
    /* released: b's change goes through */
    ASSERT_OK(devconf_partial_unlock(a, id, NULL));
    ck_assert_int_eq(change("pl0", "changed by b after the unlock"), 0);
}
END_TEST

START_TEST(the_lock_holder_may_change_the_locked_subtree)
{
    const char *sel[] = { ETH0, ETH1 };
    uint32_t id = 0;
    ASSERT_OK(devconf_partial_lock(a, sel, 2, &id, NULL));
    devconf_session *tmp = b;
    b = a; /* change() edits through b */
    int r = change("pl0", "changed by the holder");
    b = tmp;
    ck_assert_msg(r == 0, "the holder's change: %d %s", r, devconf_error_message(devconf_error_last()));
    ASSERT_OK(devconf_partial_unlock(a, id, NULL));
}
END_TEST

START_TEST(unlocking_an_unknown_id_is_refused)
{
    ASSERT_FAILS(devconf_partial_unlock(a, 424242, NULL), DEVCONF_ERPC);
    const char *sel[] = { ETH1 };
    uint32_t id = 0;
    ASSERT_OK(devconf_partial_lock(a, sel, 1, &id, NULL));
    ASSERT_FAILS(devconf_partial_unlock(b, id, NULL), DEVCONF_ERPC); /* not b's */
    ASSERT_OK(devconf_partial_unlock(a, id, NULL));
    ASSERT_FAILS(devconf_partial_unlock(a, id, NULL), DEVCONF_ERPC); /* already released */
}
END_TEST

START_TEST(a_lock_ends_with_its_session)
{
    const char *sel[] = { ETH0 };
    uint32_t id = 0;
    ASSERT_OK(devconf_partial_lock(a, sel, 1, &id, NULL));
    devconf_session_free(a);
    a = NULL;
    ck_assert_int_eq(change("pl0", "changed after the holder left"), 0);
}
END_TEST

/* ---- netconfd: announces the capability, refuses every lock ---- */

static void netconfd_up(void)
{
    test_server_start(&srv);
}

static void netconfd_down(void)
{
    test_server_stop(&srv);
}

START_TEST(netconfd_refuses_every_partial_lock)
{
    test_ctx_up(&ctx, srv.cache_dir, NULL);
    devconf_session *s = open_session(srv.uri, srv.known_hosts, srv.key);
    ck_assert(devconf_session_has_capability(s, "urn:ietf:params:netconf:capability:partial-lock:1.0"));
    const char *sel[] = { "/ietf-interfaces:interfaces/ietf-interfaces:interface[ietf-interfaces:name='eth0']" };
    uint32_t id = 9;
    ASSERT_FAILS(devconf_partial_lock(s, sel, 1, &id, NULL), DEVCONF_ERPC); /* its bug, surfaced as sent */
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "partial-lock"));
    ck_assert_uint_eq(id, 9);
    ASSERT_FAILS(devconf_partial_unlock(s, 1, NULL), DEVCONF_ERPC);
    devconf_session_free(s);
    test_ctx_down(&ctx, 0);
}
END_TEST

/* ---- a device without :partial-lock: the scripted server ---- */

static test_scripted sc;

static void scripted_up(void)
{
    static const char *const args[] = { "--announce", "hello", NULL };
    test_scripted_start(&sc, args);
}

static void scripted_down(void)
{
    test_scripted_stop(&sc);
}

START_TEST(a_device_without_the_capability_is_unsupported)
{
    test_ctx_up(&ctx, test_scripted_cache_dir(&sc), NULL);
    devconf_session *s = open_session(test_scripted_uri(&sc), test_scripted_known_hosts(&sc), test_scripted_key(&sc));
    const char *sel[] = { "/ietf-interfaces:interfaces" };
    uint32_t id = 5;
    ASSERT_FAILS(devconf_partial_lock(s, sel, 1, &id, NULL), DEVCONF_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "partial-lock"));
    ASSERT_FAILS(devconf_partial_unlock(s, 1, NULL), DEVCONF_EUNSUPPORTED);
    ck_assert_uint_eq(id, 5);
    ck_assert_int_eq(test_scripted_stat(&sc, 0, "rpcs.partial-lock"), 0);
    devconf_session_free(s);
    test_ctx_down(&ctx, 0);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("api-partial-lock");
    TCase *tc = tcase_create("partial-lock");
    tcase_set_timeout(tc, 600);
    tcase_add_unchecked_fixture(tc, server_up, server_down);
    tcase_add_checked_fixture(tc, sessions_up, sessions_down);
    tcase_add_test(tc, bad_selects_are_refused_before_sending);
    tcase_add_test(tc, a_locked_subtree_refuses_other_sessions_until_unlocked);
    tcase_add_test(tc, the_lock_holder_may_change_the_locked_subtree);
    tcase_add_test(tc, unlocking_an_unknown_id_is_refused);
    tcase_add_test(tc, a_lock_ends_with_its_session);
    suite_add_tcase(su, tc);
    TCase *tn = tcase_create("netconfd");
    tcase_set_timeout(tn, 600);
    tcase_add_unchecked_fixture(tn, netconfd_up, netconfd_down);
    tcase_add_test(tn, netconfd_refuses_every_partial_lock);
    suite_add_tcase(su, tn);
    TCase *ts = tcase_create("scripted");
    tcase_set_timeout(ts, 300);
    tcase_add_unchecked_fixture(ts, scripted_up, scripted_down);
    tcase_add_test(ts, a_device_without_the_capability_is_unsupported);
    suite_add_tcase(su, ts);
    return test_run_suite(su);
}
