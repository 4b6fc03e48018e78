/* NETCONF Call Home (RFC 8071) against real devices: devconf listens, and socat plays the device's
 * side of the TCP connection: it dials devconf's listening port and bridges it to the private sshd
 * of netconfd-up.sh (NETCONF over SSH) or to the stunnel front of tls-up.sh (NETCONF over TLS), so
 * the SSH or TLS server on the other end is the real one while the TCP connection goes the call-home
 * way. The checks are those of a dialled session (host key, certificate and name), with the caller's
 * address in the messages; the waits are bounded (nobody calls, a caller that says nothing). */
#include <check.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <devconf/devconf.h>

#include "test_server.h"
#include "test_util.h"

static test_server srv;
static test_tls tls;
static devconf_ctx *ctx;
static pid_t connector = -1;

static void server_up(void)
{
    if (access("/usr/bin/socat", X_OK) != 0) {
        fprintf(stderr, "test setup failed: /usr/bin/socat not found (scripts/install-deps.sh installs socat)\n");
        abort();
    }
    test_server_start(&srv);
    test_tls_start(&srv, &tls);
}

static void server_down(void)
{
    test_server_stop(&srv);
}

/* Stops the connector of the test (it exits by itself when either side closes). */
static void connector_stop(void)
{
    if (connector > 0) {
        kill(connector, SIGTERM);
        waitpid(connector, NULL, 0);
        connector = -1;
    }
}

static void ctx_up(void)
{
    test_ctx_up(&ctx, srv.cache_dir, NULL);
}

static void ctx_down(void)
{
    connector_stop();
    test_ctx_down(&ctx, 0);
}

/* The device calls home: socat connects to devconf's port and bridges to the device's port. */
static void device_calls(int callhome_port, unsigned device_port)
{
    char a1[64], a2[64];
    snprintf(a1, sizeof a1, "TCP:127.0.0.1:%d", callhome_port);
    snprintf(a2, sizeof a2, "TCP:127.0.0.1:%u", device_port);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        execl("/usr/bin/socat", "socat", a1, a2, (char *)NULL);
        _exit(127);
    }
    connector = pid;
}

static devconf_session_options ssh_opts(void)
{
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = srv.known_hosts;
    o.private_key = srv.key;
    o.connect_timeout_ms = 30000;
    o.rpc_timeout_ms = 30000;
    return o;
}

static devconf_session_options tls_opts(void)
{
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.ca_file = tls.ca;
    o.client_cert = tls.cert;
    o.client_key = tls.key;
    o.connect_timeout_ms = 30000;
    o.rpc_timeout_ms = 30000;
    return o;
}

static devconf_callhome *listen_any(devconf_callhome_transport t)
{
    devconf_callhome *l = NULL;
    ASSERT_OK(devconf_callhome_listen(&l, ctx, "127.0.0.1", DEVCONF_CALLHOME_PORT_ANY, t));
    ck_assert_int_gt(devconf_callhome_port(l), 0);
    return l;
}

#define ASSERT_MSG_HAS(needle)                                                                  \
    do {                                                                                       \
        const char *m_ = devconf_error_message(devconf_error_last());                          \
        ck_assert_msg(strstr(m_, (needle)) != NULL, "message lacks '%s': %s", (needle), m_);   \
    } while (0)

/* ---- the working paths ---- */

START_TEST(ssh_call_home_get_config_edit_commit)
{
    devconf_callhome *l = listen_any(DEVCONF_CALLHOME_SSH);
    device_calls(devconf_callhome_port(l), srv.port);
    devconf_session_options o = ssh_opts();
    devconf_session *s = NULL;
    ASSERT_OK(devconf_callhome_accept(&s, l, srv.uri, &o, 30000));
    ck_assert_int_eq(devconf_session_protocol(s), DEVCONF_PROTO_NETCONF);
    ck_assert_uint_gt(devconf_session_id(s), 0);
    ck_assert(devconf_session_has_capability(s, "candidate"));
    ck_assert_msg(test_log_contains("127.0.0.1:") && test_log_contains("called home on 127.0.0.1 port"),
                  "log: %s", test_log_text());
    ck_assert_msg(test_log_contains("host key of [127.0.0.1]:") && test_log_contains("verified"), "log: %s",
                  test_log_text());

    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(out, "<name>eth0</name>"));
    devconf_free(out);

    /* an ordinary session: an edit committed and read back */
    char desc[64], edit[512];
    snprintf(desc, sizeof desc, "called home %ld", (long)getpid());
    snprintf(edit, sizeof edit,
             "<interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\"><interface><name>eth1</name>"
             "<description>%s</description></interface></interfaces>", desc);
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE, edit, NULL));
    ASSERT_OK(devconf_commit(s, NULL));
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/ietf-interfaces:interfaces", NULL));
    ck_assert_msg(strstr(out, desc) != NULL, "not read back: %s", out);
    devconf_free(out);

    /* the session does not depend on the listener */
    devconf_callhome_free(l);
    ck_assert(devconf_session_is_connected(s));
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/ietf-interfaces:interfaces", NULL));
    devconf_free(out);
    devconf_session_free(s);
}
END_TEST

/* notifications on a called-home session: a dialled session commits, the called-home one hears it */
START_TEST(ssh_call_home_session_receives_notifications)
{
    devconf_callhome *l = listen_any(DEVCONF_CALLHOME_SSH);
    device_calls(devconf_callhome_port(l), srv.port);
    devconf_session_options o = ssh_opts();
    devconf_session *s = NULL, *other = NULL;
    ASSERT_OK(devconf_callhome_accept(&s, l, srv.uri, &o, 30000));
    devconf_callhome_free(l);
    devconf_subscription *sub = NULL;
    ASSERT_OK(devconf_subscribe(&sub, s, NULL));

    ASSERT_OK(devconf_session_open(&other, ctx, srv.uri, &o));
    char edit[512];
    snprintf(edit, sizeof edit,
             "<interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\"><interface><name>eth1</name>"
             "<description>notified %ld</description></interface></interfaces>", (long)getpid());
    ASSERT_OK(devconf_edit_config(other, DEVCONF_DS_CANDIDATE, edit, NULL));
    ASSERT_OK(devconf_commit(other, NULL));

    bool seen = false;
    while (!seen) {
        devconf_notification *n = NULL;
        ASSERT_OK(devconf_subscription_next(&n, sub, 30000));
        const char *name = devconf_notification_name(n);
        seen = name && !strcmp(name, "ietf-netconf-notifications:netconf-config-change");
        devconf_notification_free(n);
    }
    devconf_subscription_free(sub);
    devconf_session_free(other);
    devconf_session_free(s);
}
END_TEST

START_TEST(tls_call_home_get_config)
{
    devconf_callhome *l = listen_any(DEVCONF_CALLHOME_TLS);
    device_calls(devconf_callhome_port(l), tls.port);
    devconf_session_options o = tls_opts();
    devconf_session *s = NULL;
    ASSERT_OK(devconf_callhome_accept(&s, l, tls.uri, &o, 30000));
    ck_assert_uint_gt(devconf_session_id(s), 0);
    ck_assert_msg(test_log_contains("TLS with 127.0.0.1") && test_log_contains(" verified"), "log: %s",
                  test_log_text());
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(out, "<name>eth0</name>"));
    devconf_free(out);
    devconf_session_free(s);
    devconf_callhome_free(l);
}
END_TEST

/* two devices one after the other on one listener: one connection per call */
START_TEST(one_listener_accepts_one_device_per_call)
{
    devconf_callhome *l = listen_any(DEVCONF_CALLHOME_SSH);
    devconf_session_options o = ssh_opts();
    for (int i = 0; i < 2; i++) {
        device_calls(devconf_callhome_port(l), srv.port);
        devconf_session *s = NULL;
        ASSERT_OK(devconf_callhome_accept(&s, l, srv.uri, &o, 30000));
        char *out = NULL;
        ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, NULL, NULL));
        devconf_free(out);
        devconf_session_free(s);
        connector_stop();
    }
    devconf_callhome_free(l);
}
END_TEST

/* ---- the checks are those of a dialled session ---- */

START_TEST(ssh_changed_host_key_is_refused)
{
    char kh[400];
    snprintf(kh, sizeof kh, "%s/callhome_changed_known_hosts", srv.dir);
    FILE *f = fopen(kh, "w");
    fprintf(f, "[127.0.0.1]:%u ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n",
            (unsigned)srv.port);
    fclose(f);
    devconf_callhome *l = listen_any(DEVCONF_CALLHOME_SSH);
    device_calls(devconf_callhome_port(l), srv.port);
    devconf_session_options o = ssh_opts();
    o.known_hosts = kh;
    devconf_session *s = (devconf_session *)&s;
    ASSERT_FAILS(devconf_callhome_accept(&s, l, srv.uri, &o, 30000), DEVCONF_EHOSTKEY);
    ck_assert_ptr_null(s);
    ASSERT_MSG_HAS("call home from 127.0.0.1:");
    ASSERT_MSG_HAS("CHANGED");
    devconf_callhome_free(l);
}
END_TEST

START_TEST(ssh_unknown_host_key_is_refused_by_default)
{
    char kh[400];
    snprintf(kh, sizeof kh, "%s/callhome_empty_known_hosts", srv.dir);
    FILE *f = fopen(kh, "w");
    fclose(f);
    devconf_callhome *l = listen_any(DEVCONF_CALLHOME_SSH);
    device_calls(devconf_callhome_port(l), srv.port);
    devconf_session_options o = ssh_opts();
    o.known_hosts = kh; /* hostkey_policy left at its default: strict */
    devconf_session *s = NULL;
    ASSERT_FAILS(devconf_callhome_accept(&s, l, srv.uri, &o, 30000), DEVCONF_EHOSTKEY);
    ASSERT_MSG_HAS("unknown");
    ASSERT_MSG_HAS("call home from 127.0.0.1:");
    /* nothing was recorded */
    char *text = test_read_file(kh);
    ck_assert_str_eq(text, "");
    free(text);
    devconf_callhome_free(l);
}
END_TEST

/* the key is looked up under the device the caller named, not under the address it called from */
START_TEST(ssh_key_of_another_device_name_is_refused)
{
    devconf_callhome *l = listen_any(DEVCONF_CALLHOME_SSH);
    device_calls(devconf_callhome_port(l), srv.port);
    devconf_session_options o = ssh_opts();
    char uri[128];
    snprintf(uri, sizeof uri, "netconf://%s@127.0.0.1:%u", TEST_USER, (unsigned)srv.port + 1);
    devconf_session *s = NULL;
    ASSERT_FAILS(devconf_callhome_accept(&s, l, uri, &o, 30000), DEVCONF_EHOSTKEY);
    ASSERT_MSG_HAS("unknown");
    devconf_callhome_free(l);
}
END_TEST

START_TEST(tls_wrong_ca_is_refused)
{
    devconf_callhome *l = listen_any(DEVCONF_CALLHOME_TLS);
    device_calls(devconf_callhome_port(l), tls.port);
    devconf_session_options o = tls_opts();
    o.ca_file = tls.other_ca;
    devconf_session *s = NULL;
    ASSERT_FAILS(devconf_callhome_accept(&s, l, tls.uri, &o, 30000), DEVCONF_EHOSTKEY);
    ck_assert_int_eq(devconf_error_origin(devconf_error_last()), DEVCONF_ORIGIN_TLS);
    ASSERT_MSG_HAS("certificate verify failed");
    ASSERT_MSG_HAS("call home from 127.0.0.1:");
    devconf_callhome_free(l);
}
END_TEST

START_TEST(tls_name_mismatch_is_refused)
{
    devconf_callhome *l = listen_any(DEVCONF_CALLHOME_TLS);
    device_calls(devconf_callhome_port(l), tls.port);
    devconf_session_options o = tls_opts();
    devconf_session *s = NULL;
    ASSERT_FAILS(devconf_callhome_accept(&s, l, "netconf+tls://other.devconf.test", &o, 30000), DEVCONF_EHOSTKEY);
    ASSERT_MSG_HAS("does not name this host");
    devconf_callhome_free(l);
}
END_TEST

/* ---- bounded waits ---- */

START_TEST(nobody_calls_times_out_naming_port_and_timeout)
{
    devconf_callhome *l = listen_any(DEVCONF_CALLHOME_SSH);
    devconf_session_options o = ssh_opts();
    devconf_session *s = NULL;
    ASSERT_FAILS(devconf_callhome_accept(&s, l, srv.uri, &o, 300), DEVCONF_ETIMEOUT);
    char port[64];
    snprintf(port, sizeof port, "127.0.0.1 port %d", devconf_callhome_port(l));
    ASSERT_MSG_HAS(port);
    ASSERT_MSG_HAS("within 300 ms");
    devconf_callhome_free(l);
}
END_TEST

/* a caller that connects and says nothing: the connect timeout of the options ends it */
static void silent_caller(devconf_callhome_transport t, const char *uri, devconf_session_options o)
{
    devconf_callhome *l = listen_any(t);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)devconf_callhome_port(l)) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    struct sockaddr_in me;
    socklen_t len = sizeof me;
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&me, &len), 0);
    o.connect_timeout_ms = 1000;
    devconf_session *s = NULL;
    ASSERT_FAILS(devconf_callhome_accept(&s, l, uri, &o, 30000), DEVCONF_ETIMEOUT);
    char from[64];
    snprintf(from, sizeof from, "call home from 127.0.0.1:%u", (unsigned)ntohs(me.sin_port));
    ASSERT_MSG_HAS(from);
    ASSERT_MSG_HAS("connect timeout of 1000 ms");
    close(fd);
    devconf_callhome_free(l);
}

START_TEST(ssh_silent_caller_hits_the_connect_timeout)
{
    silent_caller(DEVCONF_CALLHOME_SSH, srv.uri, ssh_opts());
}
END_TEST

START_TEST(tls_silent_caller_hits_the_connect_timeout)
{
    silent_caller(DEVCONF_CALLHOME_TLS, tls.uri, tls_opts());
}
END_TEST

static int cancel_now(void *payload)
{
    return ++*(int *)payload >= 3;
}

START_TEST(cancel_callback_stops_the_wait)
{
    devconf_callhome *l = listen_any(DEVCONF_CALLHOME_SSH);
    devconf_session_options o = ssh_opts();
    int asked = 0;
    o.cancel_cb = cancel_now;
    o.cancel_payload = &asked;
    devconf_session *s = NULL;
    ASSERT_FAILS(devconf_callhome_accept(&s, l, srv.uri, &o, 600000), DEVCONF_ECANCELED);
    ck_assert_int_eq(asked, 3);
    devconf_callhome_free(l);
}
END_TEST

/* ---- bad input, before anything is accepted ---- */

START_TEST(port_in_use_is_a_clear_error)
{
    devconf_callhome *l = listen_any(DEVCONF_CALLHOME_SSH), *l2 = (devconf_callhome *)&l2;
    int port = devconf_callhome_port(l);
    ASSERT_FAILS(devconf_callhome_listen(&l2, ctx, "127.0.0.1", port, DEVCONF_CALLHOME_SSH), DEVCONF_ECONNECT);
    ck_assert_ptr_null(l2);
    char where[64];
    snprintf(where, sizeof where, "127.0.0.1 port %d", port);
    ASSERT_MSG_HAS(where);
    ASSERT_MSG_HAS("Address already in use");
    devconf_callhome_free(l);
}
END_TEST

START_TEST(bad_arguments_are_refused)
{
    devconf_callhome *l = NULL;
    ASSERT_FAILS(devconf_callhome_listen(&l, ctx, "localhost", 0, DEVCONF_CALLHOME_SSH), DEVCONF_EINVAL);
    ASSERT_MSG_HAS("not a numeric");
    ASSERT_FAILS(devconf_callhome_listen(&l, ctx, "127.0.0.1", 70000, DEVCONF_CALLHOME_SSH), DEVCONF_EINVAL);
    ASSERT_FAILS(devconf_callhome_listen(&l, ctx, NULL, 0, DEVCONF_CALLHOME_SSH), DEVCONF_EINVAL);
    ASSERT_FAILS(devconf_callhome_listen(&l, ctx, "127.0.0.1", 0, (devconf_callhome_transport)7), DEVCONF_EINVAL);
    ck_assert_int_eq(devconf_callhome_port(NULL), 0);
    devconf_callhome_free(NULL);

    l = listen_any(DEVCONF_CALLHOME_SSH);
    devconf_session *s = NULL;
    ASSERT_FAILS(devconf_callhome_accept(&s, l, tls.uri, NULL, 1000), DEVCONF_EINVAL);
    ASSERT_MSG_HAS("netconf://");
    ASSERT_FAILS(devconf_callhome_accept(&s, l, "restconf://127.0.0.1", NULL, 1000), DEVCONF_EINVAL);
    ASSERT_FAILS(devconf_callhome_accept(&s, l, srv.uri, NULL, 0), DEVCONF_EINVAL);
    ASSERT_FAILS(devconf_callhome_accept(&s, l, "netconf://u:secret@127.0.0.1", NULL, 1000), DEVCONF_EINVAL);
    ck_assert_ptr_null(strstr(devconf_error_message(devconf_error_last()), "secret"));
    ASSERT_FAILS(devconf_callhome_accept(&s, NULL, srv.uri, NULL, 1000), DEVCONF_EINVAL);
    /* options are checked before waiting (else: ETIMEOUT) */
    devconf_session_options o = ssh_opts();
    o.version = 99;
    ASSERT_FAILS(devconf_callhome_accept(&s, l, srv.uri, &o, 100), DEVCONF_EINVAL);
    o = ssh_opts();
    o.connect_timeout_ms = -1;
    ASSERT_FAILS(devconf_callhome_accept(&s, l, srv.uri, &o, 100), DEVCONF_EINVAL);
    devconf_callhome_free(l);

    l = listen_any(DEVCONF_CALLHOME_TLS);
    o = tls_opts();
    o.client_cert = NULL;
    ASSERT_FAILS(devconf_callhome_accept(&s, l, tls.uri, &o, 100), DEVCONF_EINVAL);
    ASSERT_MSG_HAS("client certificate");
    devconf_callhome_free(l);
}
END_TEST

START_TEST(port_zero_is_the_rfc_port)
{
    devconf_callhome *l = NULL;
    int r = devconf_callhome_listen(&l, ctx, "127.0.0.1", 0, DEVCONF_CALLHOME_TLS);
    if (r == 0) {
        ck_assert_int_eq(devconf_callhome_port(l), 4335);
        devconf_callhome_free(l);
    } else { /* something else holds it on this machine: the message says which port was asked for */
        ck_assert_int_eq(r, DEVCONF_ECONNECT);
        ASSERT_MSG_HAS("port 4335");
    }
    r = devconf_callhome_listen(&l, ctx, "127.0.0.1", 0, DEVCONF_CALLHOME_SSH);
    if (r == 0) {
        ck_assert_int_eq(devconf_callhome_port(l), 4334);
        devconf_callhome_free(l);
    } else {
        ck_assert_int_eq(r, DEVCONF_ECONNECT);
        ASSERT_MSG_HAS("port 4334");
    }
}
END_TEST

static Suite *callhome_suite(void)
{
    Suite *su = suite_create("callhome");
    TCase *tc = tcase_create("callhome");
    tcase_add_unchecked_fixture(tc, server_up, server_down);
    tcase_add_checked_fixture(tc, ctx_up, ctx_down);
    tcase_add_test(tc, ssh_call_home_get_config_edit_commit);
    tcase_add_test(tc, ssh_call_home_session_receives_notifications);
    tcase_add_test(tc, tls_call_home_get_config);
    tcase_add_test(tc, one_listener_accepts_one_device_per_call);
    tcase_add_test(tc, ssh_changed_host_key_is_refused);
    tcase_add_test(tc, ssh_unknown_host_key_is_refused_by_default);
    tcase_add_test(tc, ssh_key_of_another_device_name_is_refused);
    tcase_add_test(tc, tls_wrong_ca_is_refused);
    tcase_add_test(tc, tls_name_mismatch_is_refused);
    tcase_add_test(tc, nobody_calls_times_out_naming_port_and_timeout);
    tcase_add_test(tc, ssh_silent_caller_hits_the_connect_timeout);
    tcase_add_test(tc, tls_silent_caller_hits_the_connect_timeout);
    tcase_add_test(tc, cancel_callback_stops_the_wait);
    tcase_add_test(tc, port_in_use_is_a_clear_error);
    tcase_add_test(tc, bad_arguments_are_refused);
    tcase_add_test(tc, port_zero_is_the_rfc_port);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return test_run_suite(callhome_suite());
}
