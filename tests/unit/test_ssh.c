/* The SSH layer devconf builds itself (lib/netconf/ssh.c), against the real test sshd. */
#include <check.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libssh/libssh.h>

#include "netconf/netconf_p.h"
#include "test_util.h"
#include "test_server.h"

static test_server srv;
static devconf_ctx *ctx;

static void setup(void)
{
    test_server_start(&srv);
    ck_assert_int_ge(devconf_init(), 1);
    ck_assert_int_eq(devconf_ctx_new(&ctx), 0);
    devconf_ctx_set_log_callback(ctx, DEVCONF_LOG_ERROR, NULL, NULL);
}

static void teardown(void)
{
    devconf_ctx_free(ctx);
    devconf_deinit();
    test_server_stop(&srv);
}

/* Regression: without TCP_NODELAY every small RPC waited ~40 ms for Nagle and delayed ACKs
 * (bench/run.sh showed 44 ms per get-config instead of 0.4 ms). */
START_TEST(ssh_socket_has_tcp_nodelay)
{
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = srv.known_hosts;
    o.private_key = srv.key;
    ssh_session s = NULL;
    int r = devconf__ssh_connect(&s, ctx, "127.0.0.1", srv.port, TEST_USER, &o, devconf__now_ms() + 10000, NULL);
    ck_assert_msg(r == 0, "%s", devconf_error_message(devconf_error_last()));
    int one = 0;
    socklen_t len = sizeof one;
    ck_assert_int_eq(getsockopt(ssh_get_fd(s), IPPROTO_TCP, TCP_NODELAY, &one, &len), 0);
    ck_assert_int_eq(one, 1);
    ck_assert_int_eq(ssh_is_connected(s), 1);
    devconf__ssh_close(s);
}
END_TEST

START_TEST(ssh_connect_to_closed_port_names_host_and_port)
{
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = srv.known_hosts;
    o.private_key = srv.key;
    ssh_session s = NULL;
    int r = devconf__ssh_connect(&s, ctx, "127.0.0.1", 1, TEST_USER, &o, devconf__now_ms() + 5000, NULL);
    ck_assert_int_eq(r, DEVCONF_ECONNECT);
    ck_assert_ptr_null(s);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "127.0.0.1 port 1"));
}
END_TEST

int main(void)
{
    Suite *su = suite_create("ssh");
    TCase *tc = tcase_create("ssh");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, ssh_socket_has_tcp_nodelay);
    tcase_add_test(tc, ssh_connect_to_closed_port_names_host_and_port);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
