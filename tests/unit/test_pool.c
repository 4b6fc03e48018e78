/* Sessions whose devices have one module set share one libyang context (lib/yang/store.c), across
 * devconf_ctx too; it stays for the next session after the last one closes. */
#include <check.h>
#include <stdlib.h>

#include "yang/yang_p.h"
#include "test_util.h"
#include "test_server.h"

static test_server srv;

static devconf_session *open_on(devconf_ctx *ctx)
{
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = srv.known_hosts;
    o.private_key = srv.key;
    devconf_session *s = NULL;
    int r = devconf_session_open(&s, ctx, srv.uri, &o);
    ck_assert_msg(r == 0, "%s", devconf_error_message(devconf_error_last()));
    return s;
}

START_TEST(sessions_to_one_device_share_a_schema_context)
{
    test_server_start(&srv);
    ck_assert_int_ge(devconf_init(), 1);
    devconf_ctx *ctx = NULL, *other = NULL;
    ck_assert_int_eq(devconf_ctx_new(&ctx), 0);
    ck_assert_int_eq(devconf_ctx_new(&other), 0);
    ck_assert_int_eq(devconf_ctx_set_cache_dir(ctx, srv.cache_dir), 0);
    ck_assert_int_eq(devconf_ctx_set_cache_dir(other, srv.cache_dir), 0);
    devconf_session *a = open_on(ctx), *b = open_on(ctx), *c = open_on(other);
    ck_assert_ptr_eq(a->tp->yang_ctx(a), b->tp->yang_ctx(b));
    ck_assert_ptr_eq(a->tp->yang_ctx(a), c->tp->yang_ctx(c));
    ck_assert_str_eq(devconf_session_schema_id(a), devconf_session_schema_id(c));
    ck_assert_uint_eq(devconf__schema_store_count(), 1);
    /* the second and third sessions knew the device: no schema request */
    ck_assert_uint_eq(devconf_session_schema_requests(b), 0);
    ck_assert_uint_eq(devconf_session_schema_requests(c), 0);
    devconf_session_free(a);
    devconf_session_free(b);
    devconf_session_free(c);
    ck_assert_uint_eq(devconf__schema_store_count(), 1); /* idle, kept for the next session */
    devconf_ctx_free(ctx);
    devconf_ctx_free(other);
    devconf_deinit();
    ck_assert_uint_eq(devconf__schema_store_count(), 0);
    test_server_stop(&srv);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("pool");
    TCase *tc = tcase_create("pool");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, sessions_to_one_device_share_a_schema_context);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
