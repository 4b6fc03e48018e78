/* Transactions on NETCONF (netconfd) and RESTCONF (Jetconf): guarantees, load merge/replace,
 * diff, commit, confirmed commit that reverts by itself, confirm, rollback byte for byte. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <devconf/devconf.h>

#include "test_server.h"
#include "test_util.h"

static test_server nc_srv;
static test_restconf rc_srv;
static devconf_ctx *ctx;
static devconf_session *s;

static void servers_up(void)
{
    test_server_start(&nc_srv);
    test_restconf_start(&rc_srv);
}

static void servers_down(void)
{
    test_server_stop(&nc_srv);
    test_restconf_stop(&rc_srv);
}

static devconf_session *open_nc_session(void)
{
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = nc_srv.known_hosts;
    o.private_key = nc_srv.key;
    devconf_session *x = NULL;
    ASSERT_OK(devconf_session_open(&x, ctx, nc_srv.uri, &o));
    return x;
}

static void open_nc(void)
{
    ck_assert_int_ge(devconf_init(), 1);
    ASSERT_OK(devconf_ctx_new(&ctx));
    ASSERT_OK(devconf_ctx_set_cache_dir(ctx, nc_srv.cache_dir));
    s = open_nc_session();
}

static void open_rc(void)
{
    ck_assert_int_ge(devconf_init(), 1);
    ASSERT_OK(devconf_ctx_new(&ctx));
    ASSERT_OK(devconf_ctx_set_cache_dir(ctx, rc_srv.cache_dir));
    ASSERT_OK(devconf_ctx_add_search_dir(ctx, "/usr/share/yuma/modules/ietf"));
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.ca_file = rc_srv.ca;
    o.client_cert = rc_srv.cert;
    o.client_key = rc_srv.key;
    ASSERT_OK(devconf_session_open(&s, ctx, rc_srv.uri, &o));
}

static void close_all(void)
{
    devconf_session_free(s);
    s = NULL;
    devconf_ctx_free(ctx);
    ctx = NULL;
    devconf_deinit();
}

static char *running(void)
{
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, NULL, NULL));
    return out;
}

static int running_has(const char *needle)
{
    char *out = running();
    int r = strstr(out, needle) != NULL;
    devconf_free(out);
    return r;
}

#define DESC(d) "{\"ietf-interfaces:interfaces\":{\"interface\":[{\"name\":\"eth1\",\"description\":\"" d "\"}]}}"

START_TEST(netconf_guarantees_and_lock)
{
    devconf_txn *t = NULL;
    ASSERT_OK(devconf_txn_begin(&t, s));
    ck_assert_uint_eq(devconf_txn_guarantees(t),
                      DEVCONF_TXN_LOCKED | DEVCONF_TXN_STAGED | DEVCONF_TXN_ATOMIC | DEVCONF_TXN_AUTO_REVERT);
    ck_assert_str_eq(devconf_txn_missing(t), "");
    /* another session cannot take the lock meanwhile, nor begin its own transaction */
    devconf_session *other = open_nc_session();
    devconf_txn *t2 = NULL;
    ASSERT_FAILS(devconf_txn_begin(&t2, other), DEVCONF_ERPC);
    ck_assert_str_eq(devconf_rpc_error_tag(devconf_error_rpc_error(devconf_error_last(), 0)), "lock-denied");
    ck_assert_ptr_null(t2);
    devconf_txn_free(t);
    /* freed: unlocked */
    ASSERT_OK(devconf_txn_begin(&t2, other));
    devconf_txn_free(t2);
    devconf_session_free(other);
}
END_TEST

START_TEST(netconf_load_diff_commit)
{
    devconf_txn *t = NULL;
    ASSERT_OK(devconf_txn_begin(&t, s));
    ASSERT_OK(devconf_txn_load(t, DESC("through a transaction"), DEVCONF_LOAD_MERGE));
    char *d = NULL;
    ASSERT_OK(devconf_txn_diff(&d, t, DEVCONF_DIFF_UNIFIED));
    ck_assert_msg(strstr(d, "+    <description>through a transaction</description>"), "%s", d);
    devconf_free(d);
    ck_assert(!running_has("through a transaction"));
    ASSERT_FAILS(devconf_txn_load(t, "{\"ietf-interfaces:interfaces\":{\"bogus\":1}}", DEVCONF_LOAD_MERGE), DEVCONF_EYANG);
    ASSERT_OK(devconf_txn_commit(t, NULL));
    ck_assert(running_has("through a transaction"));
    ASSERT_FAILS(devconf_txn_confirm(t), DEVCONF_EINVAL);
    devconf_txn_free(t);
}
END_TEST

START_TEST(netconf_replace_load_removes_what_is_not_loaded)
{
    devconf_txn *t = NULL;
    ASSERT_OK(devconf_txn_begin(&t, s));
    ASSERT_OK(devconf_txn_load(t,
                               "{\"ietf-interfaces:interfaces\":{\"interface\":[{\"name\":\"eth0\","
                               "\"type\":\"iana-if-type:ethernetCsmacd\",\"description\":\"the only one\"}]}}",
                               DEVCONF_LOAD_REPLACE));
    char *d = NULL;
    ASSERT_OK(devconf_txn_diff(&d, t, DEVCONF_DIFF_UNIFIED));
    ck_assert_msg(strstr(d, "-    <name>eth1</name>"), "%s", d);
    devconf_free(d);
    ASSERT_OK(devconf_txn_commit(t, NULL));
    ck_assert(running_has("the only one"));
    ck_assert(!running_has("<name>eth1</name>"));
    /* and back */
    ASSERT_OK(devconf_txn_rollback(t));
    ck_assert(running_has("<name>eth1</name>"));
    devconf_txn_free(t);
}
END_TEST

START_TEST(netconf_rollback_restores_the_snapshot_byte_for_byte)
{
    char *before = running();
    devconf_txn *t = NULL;
    ASSERT_OK(devconf_txn_begin(&t, s));
    ASSERT_OK(devconf_txn_load(t, DESC("to be rolled back"), DEVCONF_LOAD_MERGE));
    ASSERT_OK(devconf_txn_load(t, "{\"devconf-example:settings\":{\"mtu\":1400}}", DEVCONF_LOAD_MERGE));
    ASSERT_OK(devconf_txn_commit(t, NULL));
    ck_assert(running_has("to be rolled back"));
    ASSERT_OK(devconf_txn_rollback(t));
    char *after = running();
    ck_assert_str_eq(after, before);
    devconf_free(before);
    devconf_free(after);
    devconf_txn_free(t);
}
END_TEST

START_TEST(netconf_unconfirmed_commit_reverts_by_itself)
{
    devconf_txn *t = NULL;
    ASSERT_OK(devconf_txn_begin(&t, s));
    ASSERT_OK(devconf_txn_load(t, DESC("reverts unless confirmed"), DEVCONF_LOAD_MERGE));
    ASSERT_OK(devconf_txn_commit(t, TXN_REVERT(2)));
    ck_assert(running_has("reverts unless confirmed"));
    /* netconfd runs its timer only when idle for about a second: poll slowly, bounded by count */
    int reverted = 0;
    for (int i = 0; i < 40 && !reverted; i++) {
        usleep(1500 * 1000);
        reverted = !running_has("reverts unless confirmed");
    }
    ck_assert_msg(reverted, "the device did not revert the unconfirmed commit");
    devconf_txn_free(t);
}
END_TEST

START_TEST(netconf_confirmed_commit_stays_and_rollback_cancels)
{
    devconf_txn *t = NULL;
    ASSERT_OK(devconf_txn_begin(&t, s));
    ASSERT_OK(devconf_txn_load(t, DESC("confirmed"), DEVCONF_LOAD_MERGE));
    ASSERT_OK(devconf_txn_commit(t, TXN_REVERT(60)));
    ASSERT_OK(devconf_txn_confirm(t));
    ck_assert(running_has("confirmed"));
    devconf_txn_free(t);

    ASSERT_OK(devconf_txn_begin(&t, s));
    ASSERT_OK(devconf_txn_load(t, DESC("cancelled"), DEVCONF_LOAD_MERGE));
    ASSERT_OK(devconf_txn_commit(t, TXN_REVERT(60)));
    ck_assert(running_has("cancelled"));
    ASSERT_OK(devconf_txn_rollback(t)); /* cancel-commit: the device reverts at once */
    ck_assert(!running_has("cancelled"));
    ck_assert(running_has("confirmed"));
    devconf_txn_free(t);
}
END_TEST

START_TEST(netconf_free_discards_uncommitted_loads)
{
    devconf_txn *t = NULL;
    ASSERT_OK(devconf_txn_begin(&t, s));
    ASSERT_OK(devconf_txn_load(t, DESC("never committed"), DEVCONF_LOAD_MERGE));
    devconf_txn_free(t);
    char *cand = NULL;
    ASSERT_OK(devconf_get_config(&cand, s, DEVCONF_DS_CANDIDATE, NULL, NULL));
    ck_assert_ptr_null(strstr(cand, "never committed"));
    devconf_free(cand);
}
END_TEST

START_TEST(restconf_says_what_it_cannot_guarantee)
{
    char *before = running();
    devconf_txn *t = NULL;
    ASSERT_OK(devconf_txn_begin(&t, s));
    ck_assert_uint_eq(devconf_txn_guarantees(t), DEVCONF_TXN_STAGED | DEVCONF_TXN_ATOMIC);
    ck_assert_ptr_nonnull(strstr(devconf_txn_missing(t), "no locks"));
    ck_assert_ptr_nonnull(strstr(devconf_txn_missing(t), "no confirmed commit"));
    ASSERT_OK(devconf_txn_load(t, "{\"devconf-example:settings\":{\"mtu\":1400,\"hostname\":\"txn\"}}",
                               DEVCONF_LOAD_MERGE));
    ASSERT_OK(devconf_txn_load(t, "{\"devconf-example:items\":{\"item\":[{\"name\":\"delta\",\"value\":4}]}}",
                               DEVCONF_LOAD_MERGE));
    ASSERT_FAILS(devconf_txn_commit(t, TXN_REVERT(30)), DEVCONF_EUNSUPPORTED);
    ASSERT_OK(devconf_txn_commit(t, NULL));
    ck_assert(running_has("delta") && running_has("<hostname>txn</hostname>"));
    ASSERT_OK(devconf_txn_rollback(t));
    char *after = running();
    ck_assert_str_eq(after, before);
    devconf_free(before);
    devconf_free(after);
    devconf_txn_free(t);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("txn");
    TCase *tc = tcase_create("netconf");
    tcase_add_unchecked_fixture(tc, servers_up, servers_down);
    tcase_add_checked_fixture(tc, open_nc, close_all);
    tcase_add_test(tc, netconf_guarantees_and_lock);
    tcase_add_test(tc, netconf_load_diff_commit);
    tcase_add_test(tc, netconf_replace_load_removes_what_is_not_loaded);
    tcase_add_test(tc, netconf_rollback_restores_the_snapshot_byte_for_byte);
    tcase_add_test(tc, netconf_unconfirmed_commit_reverts_by_itself);
    tcase_add_test(tc, netconf_confirmed_commit_stays_and_rollback_cancels);
    tcase_add_test(tc, netconf_free_discards_uncommitted_loads);
    suite_add_tcase(su, tc);
    tc = tcase_create("restconf");
    tcase_add_unchecked_fixture(tc, servers_up, servers_down);
    tcase_add_checked_fixture(tc, open_rc, close_all);
    tcase_add_test(tc, restconf_says_what_it_cannot_guarantee);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
