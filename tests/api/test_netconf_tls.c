/* NETCONF over TLS (RFC 7589) against a real device: yuma123 netconfd behind stunnel, which requires
 * a client certificate of the test CA and runs netconf-subsystem per connection
 * (tests/fixtures/netconf/tls-up.sh), all started by the suite. The failure paths check the code,
 * the origin and the message, and, where it matters, that no NETCONF session reached the device
 * (stunnel starts netconf-subsystem only after a completed handshake: its log counts them). */
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <devconf/devconf.h>

#include "test_server.h"
#include "test_util.h"

static test_server srv;
static test_tls tls;
static devconf_ctx *ctx;

#define IF_NS "urn:ietf:params:xml:ns:yang:ietf-interfaces"

static void server_up(void)
{
    test_server_start(&srv);
    test_tls_start(&srv, &tls);
}

static void server_down(void)
{
    test_server_stop(&srv);
}

static void ctx_up(void)
{
    test_ctx_up(&ctx, srv.cache_dir, NULL);
}

static void ctx_down(void)
{
    test_ctx_down(&ctx, 0);
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

/* How many times stunnel's log holds needle (connections accepted, subsystems started). */
static int stunnel_count(const char *needle)
{
    char *log = test_read_file(test_server_file(&srv, "tls/stunnel.log"));
    ck_assert_ptr_nonnull(log);
    int n = 0;
    for (const char *p = log; (p = strstr(p, needle)); p += strlen(needle)) {
        n++;
    }
    free(log);
    return n;
}

#define SUBSYSTEMS() stunnel_count("Local mode child started")
#define ACCEPTED() stunnel_count("accepted connection from")

/* ---- the working path ---- */

START_TEST(tls_get_config_edit_commit_read_back)
{
    devconf_session_options o = tls_opts();
    devconf_session *s = NULL;
    ASSERT_OK(devconf_session_open(&s, ctx, tls.uri, &o));
    ck_assert_int_eq(devconf_session_protocol(s), DEVCONF_PROTO_NETCONF);
    ck_assert_uint_gt(devconf_session_id(s), 0);
    ck_assert(devconf_session_has_capability(s, "candidate"));
    ck_assert_msg(test_log_contains("TLS with 127.0.0.1") && test_log_contains(" verified"), "log: %s",
                  test_log_text());

    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(out, "<name>eth0</name>"));
    devconf_free(out);

    char desc[64];
    snprintf(desc, sizeof desc, "over TLS %ld", (long)getpid());
    char edit[512];
    snprintf(edit, sizeof edit,
             "<interfaces xmlns=\"" IF_NS "\"><interface><name>eth1</name><description>%s</description>"
             "</interface></interfaces>", desc);
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE, edit, NULL));
    ASSERT_OK(devconf_commit(s, NULL));
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/ietf-interfaces:interfaces", NULL));
    ck_assert_msg(strstr(out, desc) != NULL, "committed description not read back: %s", out);
    devconf_free(out);
    devconf_session_free(s);

    /* a second session sees it too (the change is on the device, not in the session) */
    ASSERT_OK(devconf_session_open(&s, ctx, tls.uri, &o));
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/ietf-interfaces:interfaces", NULL));
    ck_assert_ptr_nonnull(strstr(out, desc));
    devconf_free(out);
    devconf_session_free(s);
}
END_TEST

START_TEST(tls_insecure_skip_verify_accepts_wrong_ca_and_name)
{
    devconf_session_options o = tls_opts();
    o.ca_file = tls.other_ca;
    o.tls_insecure_skip_verify = 1;
    char uri[320];
    snprintf(uri, sizeof uri, "netconf+tls://localhost:%u", (unsigned)tls.port);
    devconf_session *s = NULL;
    ASSERT_OK(devconf_session_open(&s, ctx, uri, &o));
    ck_assert_msg(test_log_contains("NOT verified (insecure option)"), "no warning in the log: %s", test_log_text());
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/ietf-interfaces:interfaces", NULL));
    devconf_free(out);
    devconf_session_free(s);
}
END_TEST

/* ---- the server's certificate ---- */

START_TEST(tls_wrong_ca_is_certificate_error_and_nothing_is_sent)
{
    int before = SUBSYSTEMS();
    devconf_session_options o = tls_opts();
    o.ca_file = tls.other_ca;
    devconf_session *s = (devconf_session *)&s;
    ASSERT_FAILS(devconf_session_open(&s, ctx, tls.uri, &o), DEVCONF_EHOSTKEY);
    ck_assert_ptr_null(s);
    const devconf_error *e = devconf_error_last();
    ck_assert_int_eq(devconf_error_origin(e), DEVCONF_ORIGIN_TLS);
    ck_assert_msg(strstr(devconf_error_message(e), "127.0.0.1") &&
                      strstr(devconf_error_message(e), "certificate verify failed: self-signed certificate"),
                  "message: %s", devconf_error_message(e));
    /* the handshake failed on our side: stunnel started no NETCONF subsystem */
    ck_assert_int_eq(SUBSYSTEMS(), before);
}
END_TEST

START_TEST(tls_host_name_mismatch_is_refused)
{
    int before = SUBSYSTEMS();
    devconf_session_options o = tls_opts();
    /* the server's certificate names 127.0.0.1 and nc-tls.devconf.test, not localhost */
    char uri[320];
    snprintf(uri, sizeof uri, "netconf+tls://localhost:%u", (unsigned)tls.port);
    devconf_session *s = (devconf_session *)&s;
    ASSERT_FAILS(devconf_session_open(&s, ctx, uri, &o), DEVCONF_EHOSTKEY);
    ck_assert_ptr_null(s);
    ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), "localhost") &&
                      strstr(devconf_error_message(devconf_error_last()), "hostname mismatch"),
                  "message: %s", devconf_error_message(devconf_error_last()));
    ck_assert_int_eq(SUBSYSTEMS(), before);
}
END_TEST

START_TEST(tls_without_ca_file_uses_the_system_store)
{
    devconf_session_options o = tls_opts();
    o.ca_file = NULL;
    devconf_session *s = (devconf_session *)&s;
    /* the test CA is in no system store */
    ASSERT_FAILS(devconf_session_open(&s, ctx, tls.uri, &o), DEVCONF_EHOSTKEY);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "certificate verify failed"));
}
END_TEST

/* ---- the client's certificate ---- */

START_TEST(tls_without_client_cert_is_local_error)
{
    int before = ACCEPTED();
    devconf_session_options o = tls_opts();
    o.client_cert = NULL;
    o.client_key = NULL;
    devconf_session *s = (devconf_session *)&s;
    ASSERT_FAILS(devconf_session_open(&s, ctx, tls.uri, &o), DEVCONF_EINVAL);
    ck_assert_ptr_null(s);
    ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), "needs a client certificate"), "message: %s",
                  devconf_error_message(devconf_error_last()));
    /* refused before connecting: stunnel saw no connection */
    ck_assert_int_eq(ACCEPTED(), before);
}
END_TEST

START_TEST(tls_untrusted_client_cert_is_refused_with_a_clear_message)
{
    int before = SUBSYSTEMS();
    devconf_session_options o = tls_opts();
    o.client_cert = tls.other_cert;
    o.client_key = tls.other_key;
    devconf_session *s = (devconf_session *)&s;
    ASSERT_FAILS(devconf_session_open(&s, ctx, tls.uri, &o), DEVCONF_EAUTH);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(devconf_error_origin(devconf_error_last()), DEVCONF_ORIGIN_TLS);
    const char *m = devconf_error_message(devconf_error_last());
    ck_assert_msg(strstr(m, "127.0.0.1") && strstr(m, "refused the client certificate") && strstr(m, "unknown ca"),
                  "message: %s", m);
    ck_assert_int_eq(SUBSYSTEMS(), before);
}
END_TEST

START_TEST(tls_client_key_of_another_certificate_is_refused_locally)
{
    int before = ACCEPTED();
    devconf_session_options o = tls_opts();
    o.client_key = tls.other_key;
    devconf_session *s = (devconf_session *)&s;
    ASSERT_FAILS(devconf_session_open(&s, ctx, tls.uri, &o), DEVCONF_EAUTH);
    ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), tls.other_key), "message: %s",
                  devconf_error_message(devconf_error_last()));
    ck_assert_int_eq(ACCEPTED(), before);
}
END_TEST

/* ---- protocol versions ---- */

/* Runs tests/fixtures/netconf/tls-old.py (a server whose highest TLS version is maxver, with the
 * device's server certificate) and opens a session to it; returns the open's code, the server's
 * account of the handshake in result (freed by the caller). */
static int open_old_server(const char *maxver, char **result)
{
    const char *src = getenv("DEVCONF_SOURCE_DIR");
    char dir[] = "/tmp/devconf-tls-old-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char cmd[1600], path[300], cert[300];
    snprintf(cert, sizeof cert, "%s", test_server_file(&srv, "tls/server.pem")); /* a static buffer */
    snprintf(cmd, sizeof cmd, "python3 '%s/tests/fixtures/netconf/tls-old.py' '%s' '%s' %s '%s' >'%s/log' 2>&1 &",
             src ? src : ".", cert, test_server_file(&srv, "tls/server.key"), maxver, dir, dir);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(path, sizeof path, "%s/port", dir);
    char *port = NULL;
    for (int i = 0; i < 400 && !(port = test_read_file(path)); i++) {
        usleep(50 * 1000);
    }
    ck_assert_msg(port != NULL, "tls-old.py did not start");
    char uri[128];
    snprintf(uri, sizeof uri, "netconf+tls://127.0.0.1:%d", atoi(port));
    free(port);
    devconf_session_options o = tls_opts();
    devconf_session *s = NULL;
    int rc = devconf_session_open(&s, ctx, uri, &o);
    ck_assert_ptr_null(s);
    snprintf(path, sizeof path, "%s/result", dir);
    *result = NULL;
    for (int i = 0; i < 1200 && !(*result = test_read_file(path)); i++) {
        usleep(50 * 1000);
    }
    ck_assert_msg(*result != NULL, "tls-old.py wrote no result");
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    (void)system(cmd);
    return rc;
}

/* RFC 7589 needs TLS 1.2 or later: a server that offers at most TLS 1.1 gets no handshake, and the
 * error says it is the protocol version. The same server allowing TLS 1.2 completes the handshake
 * (then closes: it speaks no NETCONF), so the refusal is the version and nothing else. */
START_TEST(tls_older_than_1_2_is_refused)
{
    char *result = NULL;
    int rc = open_old_server("1.1", &result);
    const char *m = devconf_error_message(devconf_error_last());
    ck_assert_msg(rc < 0 && rc != DEVCONF_ETIMEOUT, "open: %d %s", rc, m);
    ck_assert_int_eq(devconf_error_origin(devconf_error_last()), DEVCONF_ORIGIN_TLS);
    ck_assert_msg(strstr(m, "protocol version") && strstr(m, "TLS 1.2 or later"), "message: %s", m);
    ck_assert_msg(!strncmp(result, "handshake failed", 16), "server: %s", result);
    free(result);

    rc = open_old_server("1.2", &result);
    ck_assert_msg(rc < 0, "open: %d", rc);
    ck_assert_msg(!strcmp(result, "handshake ok TLSv1.2\n"), "server: %s", result);
    free(result);
}
END_TEST

/* ---- a peer that stalls ---- */

START_TEST(tls_stalled_handshake_times_out_within_the_connect_timeout)
{
    /* a TCP listener that never accepts: the kernel completes the connection, nobody answers the
     * ClientHello */
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(lfd, 0);
    struct sockaddr_in a = { 0 };
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(lfd, 8), 0);
    socklen_t len = sizeof a;
    ck_assert_int_eq(getsockname(lfd, (struct sockaddr *)&a, &len), 0);
    char uri[128];
    snprintf(uri, sizeof uri, "netconf+tls://127.0.0.1:%u", (unsigned)ntohs(a.sin_port));

    devconf_session_options o = tls_opts();
    o.connect_timeout_ms = 1500;
    devconf_session *s = (devconf_session *)&s;
    ASSERT_FAILS(devconf_session_open(&s, ctx, uri, &o), DEVCONF_ETIMEOUT);
    ck_assert_ptr_null(s);
    const char *m = devconf_error_message(devconf_error_last());
    ck_assert_msg(strstr(m, "TLS handshake") && strstr(m, "connect timeout of 1500 ms"), "message: %s", m);
    close(lfd);
}
END_TEST

static Suite *tls_suite(void)
{
    Suite *su = suite_create("netconf-tls");
    TCase *tc = tcase_create("tls");
    tcase_add_unchecked_fixture(tc, server_up, server_down);
    tcase_add_checked_fixture(tc, ctx_up, ctx_down);
    tcase_add_test(tc, tls_get_config_edit_commit_read_back);
    tcase_add_test(tc, tls_insecure_skip_verify_accepts_wrong_ca_and_name);
    tcase_add_test(tc, tls_wrong_ca_is_certificate_error_and_nothing_is_sent);
    tcase_add_test(tc, tls_host_name_mismatch_is_refused);
    tcase_add_test(tc, tls_without_ca_file_uses_the_system_store);
    tcase_add_test(tc, tls_without_client_cert_is_local_error);
    tcase_add_test(tc, tls_untrusted_client_cert_is_refused_with_a_clear_message);
    tcase_add_test(tc, tls_client_key_of_another_certificate_is_refused_locally);
    tcase_add_test(tc, tls_stalled_handshake_times_out_within_the_connect_timeout);
    tcase_add_test(tc, tls_older_than_1_2_is_refused);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return test_run_suite(tls_suite());
}
