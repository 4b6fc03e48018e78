/* NETCONF over SSH against a real device: yuma123 netconfd behind OpenSSH sshd, started by the
 * suite (tests/common/test_server.c). Every operation is checked on the device by reading back. */
#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <devconf/devconf.h>

#include "test_scripted.h"
#include "test_server.h"
#include "test_util.h"

static test_server srv;
/* Password and keyboard-interactive logins go to the scripted server, which has a random password
 * per run: the test user of netconfd's sshd has no usable password (scripts/install-deps.sh). */
static test_scripted pw_srv;
static devconf_ctx *ctx;

#define IF_NS "urn:ietf:params:xml:ns:yang:ietf-interfaces"
#define NC_NS "urn:ietf:params:xml:ns:netconf:base:1.0"

/* Sessions a test opened; teardown frees what a failed test left behind, so that with CK_FORK=no
 * one failure does not take the rest of the run down with it. */
static devconf_session *tracked[32];

static void track(devconf_session *s)
{
    for (size_t i = 0; i < sizeof tracked / sizeof tracked[0]; i++) {
        if (!tracked[i]) {
            tracked[i] = s;
            return;
        }
    }
}

static void sess_free(devconf_session *s)
{
    for (size_t i = 0; i < sizeof tracked / sizeof tracked[0]; i++) {
        if (tracked[i] == s) {
            tracked[i] = NULL;
        }
    }
    devconf_session_free(s);
}

/* ---- fixtures ---- */

static void server_up(void)
{
    test_server_start(&srv);
}

static void server_down(void)
{
    test_server_stop(&srv);
}

static void pw_server_up(void)
{
    static const char *const args[] = {"--announce", "hello", NULL};
    test_scripted_start(&pw_srv, args);
}

static void pw_server_down(void)
{
    test_scripted_stop(&pw_srv);
}

static void ctx_up_with(const char *cache_dir)
{
    ck_assert_int_ge(devconf_init(), 1);
    ck_assert_int_eq(devconf_ctx_new(&ctx), 0);
    ck_assert_int_eq(devconf_ctx_set_cache_dir(ctx, cache_dir), 0);
    devconf_ctx_set_log_callback(ctx, DEVCONF_LOG_DEBUG, test_log_capture, NULL);
    test_log_reset();
}

static void ctx_up(void)
{
    ctx_up_with(srv.cache_dir);
}

static void pw_ctx_up(void)
{
    ctx_up_with(test_scripted_cache_dir(&pw_srv));
}

static void ctx_down(void)
{
    for (size_t i = 0; i < sizeof tracked / sizeof tracked[0]; i++) {
        if (tracked[i]) {
            sess_free(tracked[i]);
        }
    }
    devconf_ctx_free(ctx);
    ctx = NULL;
    devconf_deinit();
    test_log_reset();
}

static devconf_session_options key_opts(void)
{
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = srv.known_hosts;
    o.private_key = srv.key;
    o.rpc_timeout_ms = 30000;
    o.connect_timeout_ms = 30000;
    return o;
}

static devconf_session *open_session(void)
{
    devconf_session_options o = key_opts();
    devconf_session *s = NULL;
    int r = devconf_session_open(&s, ctx, srv.uri, &o);
    ck_assert_msg(r == 0, "open failed: %d %s", r, devconf_error_message(devconf_error_last()));
    track(s);
    return s;
}

static char *get_cfg(devconf_session *s, devconf_datastore ds, const char *filter)
{
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, ds, filter, NULL));
    ck_assert_ptr_nonnull(out);
    return out;
}

static int cfg_contains(devconf_session *s, devconf_datastore ds, const char *needle)
{
    char *out = get_cfg(s, ds, "/ietf-interfaces:interfaces");
    int r = strstr(out, needle) != NULL;
    devconf_free(out);
    return r;
}

static char *iface_xml(const char *name, const char *description)
{
    char *x = NULL;
    ck_assert_int_ge(asprintf(&x,
                              "<interfaces xmlns=\"" IF_NS "\"><interface><name>%s</name>"
                              "<type xmlns:ianaift=\"urn:ietf:params:xml:ns:yang:iana-if-type\">ianaift:ethernetCsmacd</type>"
                              "<description>%s</description></interface></interfaces>", name, description), 0);
    return x;
}

static void set_description(devconf_session *s, const char *name, const char *description)
{
    char *x = iface_xml(name, description);
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE, x, NULL));
    free(x);
}

/* ---- authentication and host keys ---- */

START_TEST(password_login_works)
{
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = test_scripted_known_hosts(&pw_srv);
    o.password = test_scripted_password(&pw_srv);
    devconf_session *s = NULL;
    ASSERT_OK(devconf_session_open(&s, ctx, test_scripted_uri(&pw_srv), &o));
    track(s);
    ck_assert_uint_gt(devconf_session_id(s), 0);
    ck_assert_int_eq(devconf_session_protocol(s), DEVCONF_PROTO_NETCONF);
    ck_assert_int_eq(devconf_session_is_connected(s), 1);
    ck_assert_str_eq(devconf_session_host(s), "127.0.0.1");
    sess_free(s);
    ck_assert_msg(!test_log_contains(test_scripted_password(&pw_srv)), "the password appeared in a log line");
}
END_TEST

START_TEST(key_login_works)
{
    devconf_session *s = open_session();
    ck_assert_uint_gt(devconf_session_id(s), 0);
    sess_free(s);
}
END_TEST

START_TEST(key_with_passphrase_works)
{
    devconf_session_options o = key_opts();
    o.private_key = srv.key_pp;
    o.passphrase = TEST_PASSPHRASE;
    devconf_session *s = NULL;
    ASSERT_OK(devconf_session_open(&s, ctx, srv.uri, &o));
    track(s);
    sess_free(s);
    ck_assert(!test_log_contains(TEST_PASSPHRASE));
}
END_TEST

START_TEST(wrong_passphrase_is_refused)
{
    devconf_session_options o = key_opts();
    o.private_key = srv.key_pp;
    o.passphrase = "not-the-passphrase";
    devconf_session *s = NULL;
    ASSERT_FAILS(devconf_session_open(&s, ctx, srv.uri, &o), DEVCONF_EAUTH);
    ck_assert_ptr_null(s);
    const char *m = devconf_error_message(devconf_error_last());
    ck_assert_ptr_nonnull(strstr(m, "client_ed25519_pp"));
    ck_assert_ptr_null(strstr(m, "not-the-passphrase"));
}
END_TEST

START_TEST(wrong_password_is_refused)
{
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = test_scripted_known_hosts(&pw_srv);
    o.password = "wrong-secret-123";
    devconf_session *s = NULL;
    ASSERT_FAILS(devconf_session_open(&s, ctx, test_scripted_uri(&pw_srv), &o), DEVCONF_EAUTH);
    ck_assert_ptr_null(s);
    const devconf_error *e = devconf_error_last();
    ck_assert_int_eq(devconf_error_origin(e), DEVCONF_ORIGIN_SSH);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(e), TEST_USER "@127.0.0.1"));
    ck_assert_ptr_null(strstr(devconf_error_message(e), "wrong-secret-123"));
    ck_assert(!test_log_contains("wrong-secret-123"));
}
END_TEST

START_TEST(no_credentials_is_refused_with_a_hint)
{
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = srv.known_hosts;
    devconf_session *s = NULL;
    ASSERT_FAILS(devconf_session_open(&s, ctx, srv.uri, &o), DEVCONF_EAUTH);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "no credentials"));
}
END_TEST

static int kbdint_answer(const char *name, const char *instruction, const char *prompt, int echo, char *answer,
                         size_t size, void *payload)
{
    (void)name;
    (void)instruction;
    (void)prompt;
    (void)echo;
    int *calls = payload;
    (*calls)++;
    snprintf(answer, size, "%s", test_scripted_password(&pw_srv));
    return 0;
}

START_TEST(keyboard_interactive_login_works)
{
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = test_scripted_known_hosts(&pw_srv);
    int calls = 0;
    o.kbdint_cb = kbdint_answer;
    o.kbdint_payload = &calls;
    devconf_session *s = NULL;
    ASSERT_OK(devconf_session_open(&s, ctx, test_scripted_uri(&pw_srv), &o));
    track(s);
    ck_assert_int_ge(calls, 1);
    sess_free(s);
    ck_assert(!test_log_contains(test_scripted_password(&pw_srv)));
}
END_TEST

START_TEST(unknown_host_key_is_refused)
{
    char kh[400];
    snprintf(kh, sizeof kh, "%s/empty_known_hosts", srv.dir);
    FILE *f = fopen(kh, "w");
    fclose(f);
    devconf_session_options o = key_opts();
    o.known_hosts = kh;
    devconf_session *s = NULL;
    ASSERT_FAILS(devconf_session_open(&s, ctx, srv.uri, &o), DEVCONF_EHOSTKEY);
    const char *m = devconf_error_message(devconf_error_last());
    ck_assert_ptr_nonnull(strstr(m, "unknown"));
    ck_assert_ptr_nonnull(strstr(m, "SHA256:"));
    char host[64];
    snprintf(host, sizeof host, "[127.0.0.1]:%u", (unsigned)srv.port);
    ck_assert_ptr_nonnull(strstr(m, host));
}
END_TEST

START_TEST(changed_host_key_is_refused)
{
    /* a known_hosts entry for this host with another ed25519 key */
    char kh[400];
    snprintf(kh, sizeof kh, "%s/changed_known_hosts", srv.dir);
    FILE *f = fopen(kh, "w");
    fprintf(f, "[127.0.0.1]:%u ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n",
            (unsigned)srv.port);
    fclose(f);
    devconf_session_options o = key_opts();
    o.known_hosts = kh;
    devconf_session *s = NULL;
    ASSERT_FAILS(devconf_session_open(&s, ctx, srv.uri, &o), DEVCONF_EHOSTKEY);
    const char *m = devconf_error_message(devconf_error_last());
    ck_assert_msg(strstr(m, "CHANGED") || strstr(m, "another type"), "message: %s", m);
    ck_assert_ptr_nonnull(strstr(m, "SHA256:"));
}
END_TEST

START_TEST(the_key_type_known_hosts_holds_is_asked_for)
{
    /* the device has an ed25519 and an ECDSA key; known_hosts holds only the ECDSA one: devconf
     * asks for that type first, as OpenSSH does, and the device is verified */
    char kh[400], pub[400];
    snprintf(kh, sizeof kh, "%s/ecdsa_known_hosts", srv.dir);
    snprintf(pub, sizeof pub, "%s/ssh_host_ecdsa_key.pub", srv.dir);
    char *key = test_read_file(pub);
    ck_assert_ptr_nonnull(key);
    FILE *f = fopen(kh, "w");
    fprintf(f, "# only the ECDSA key\n[127.0.0.1]:%u %s", (unsigned)srv.port, key);
    fclose(f);
    free(key);
    devconf_session_options o = key_opts();
    o.known_hosts = kh;
    devconf_session *s = NULL;
    ASSERT_OK(devconf_session_open(&s, ctx, srv.uri, &o));
    track(s);
    sess_free(s);

    /* only an RSA key known: the device has none, refused as a host key problem */
    f = fopen(kh, "w");
    fprintf(f, "[127.0.0.1]:%u ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7\n", (unsigned)srv.port);
    fclose(f);
    s = NULL;
    ASSERT_FAILS(devconf_session_open(&s, ctx, srv.uri, &o), DEVCONF_EHOSTKEY);
    const char *m = devconf_error_message(devconf_error_last());
    ck_assert_msg(strstr(m, "no host key of the types"), "message: %s", m);
}
END_TEST

START_TEST(accept_new_records_the_key_then_strict_accepts_it)
{
    char kh[400];
    snprintf(kh, sizeof kh, "%s/new_known_hosts", srv.dir);
    unlink(kh);
    devconf_session_options o = key_opts();
    o.known_hosts = kh;
    o.hostkey_policy = DEVCONF_HOSTKEY_ACCEPT_NEW;
    devconf_session *s = NULL;
    ASSERT_OK(devconf_session_open(&s, ctx, srv.uri, &o));
    track(s);
    sess_free(s);
    char *text = test_read_file(kh);
    ck_assert_ptr_nonnull(text);
    free(text);
    o.hostkey_policy = DEVCONF_HOSTKEY_STRICT;
    s = NULL;
    ASSERT_OK(devconf_session_open(&s, ctx, srv.uri, &o));
    track(s);
    sess_free(s);
}
END_TEST

START_TEST(insecure_skip_connects_and_warns)
{
    char kh[400];
    snprintf(kh, sizeof kh, "%s/none_known_hosts", srv.dir);
    devconf_session_options o = key_opts();
    o.known_hosts = kh;
    o.hostkey_policy = DEVCONF_HOSTKEY_INSECURE_SKIP;
    devconf_session *s = NULL;
    ASSERT_OK(devconf_session_open(&s, ctx, srv.uri, &o));
    track(s);
    sess_free(s);
    ck_assert(test_log_contains("NOT verified"));
    ck_assert_int_ne(access(kh, F_OK), 0); /* nothing recorded */
}
END_TEST

START_TEST(closed_port_gives_connect_error)
{
    devconf_session_options o = key_opts();
    devconf_session *s = NULL;
    /* port 1 on loopback: nothing listens there */
    ASSERT_FAILS(devconf_session_open(&s, ctx, "netconf://" TEST_USER "@127.0.0.1:1", &o), DEVCONF_ECONNECT);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "127.0.0.1 port 1"));
}
END_TEST

START_TEST(bad_uri_is_rejected_before_connecting)
{
    devconf_session *s = NULL;
    ASSERT_FAILS(devconf_session_open(&s, ctx, "netconf://", NULL), DEVCONF_EINVAL);
    ASSERT_FAILS(devconf_session_open(&s, ctx, "ftp://host", NULL), DEVCONF_EINVAL);
    ASSERT_FAILS(devconf_session_open(&s, ctx, "netconf://admin:secret@host", NULL), DEVCONF_EINVAL);
    ck_assert_ptr_null(strstr(devconf_error_message(devconf_error_last()), "secret"));
    ASSERT_FAILS(devconf_session_open(&s, ctx, "netconf://host:99999", NULL), DEVCONF_EINVAL);
    ck_assert_ptr_null(s);
}
END_TEST

/* ---- capabilities and reads ---- */

START_TEST(capabilities_are_reported)
{
    devconf_session *s = open_session();
    ck_assert_uint_gt(devconf_session_capability_count(s), 5);
    ck_assert_ptr_nonnull(devconf_session_capability(s, 0));
    ck_assert_ptr_null(devconf_session_capability(s, 100000));
    ck_assert_int_eq(devconf_session_has_capability(s, "candidate"), 1);
    ck_assert_int_eq(devconf_session_has_capability(s, "confirmed-commit"), 1);
    ck_assert_int_eq(devconf_session_has_capability(s, "validate"), 1);
    ck_assert_int_eq(devconf_session_has_capability(s, "urn:ietf:params:netconf:capability:candidate:1.0"), 1);
    ck_assert_int_eq(devconf_session_has_capability(s, "urn:ietf:params:netconf:capability:with-defaults:1.0"), 1);
    ck_assert_int_eq(devconf_session_has_capability(s, "ietf-interfaces"), 1);
    ck_assert_int_eq(devconf_session_has_capability(s, "writable-running"), 0);
    ck_assert_int_eq(devconf_session_has_capability(s, "no-such-thing"), 0);
    sess_free(s);
}
END_TEST

START_TEST(get_config_returns_xml_and_json)
{
    devconf_session *s = open_session();
    char *xml = get_cfg(s, DEVCONF_DS_RUNNING, NULL);
    ck_assert_ptr_nonnull(strstr(xml, "<interfaces xmlns=\"" IF_NS "\""));
    ck_assert_ptr_nonnull(strstr(xml, "<name>eth0</name>"));
    devconf_free(xml);

    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    ro.format = DEVCONF_FORMAT_JSON;
    char *json = NULL;
    ASSERT_OK(devconf_get_config(&json, s, DEVCONF_DS_RUNNING, "/ietf-interfaces:interfaces", &ro));
    ck_assert_ptr_nonnull(strstr(json, "\"ietf-interfaces:interfaces\""));
    ck_assert_ptr_nonnull(strstr(json, "\"name\": \"eth0\""));
    ck_assert_ptr_nonnull(strstr(json, "\"type\": \"iana-if-type:ethernetCsmacd\""));
    devconf_free(json);
    sess_free(s);
}
END_TEST

START_TEST(subtree_and_xpath_filters_select)
{
    devconf_session *s = open_session();
    char *out = get_cfg(s, DEVCONF_DS_RUNNING,
                        "<interfaces xmlns=\"" IF_NS "\"><interface><name>eth1</name></interface></interfaces>");
    ck_assert_ptr_nonnull(strstr(out, "<name>eth1</name>"));
    ck_assert_ptr_null(strstr(out, "<name>eth0</name>"));
    devconf_free(out);

    out = get_cfg(s, DEVCONF_DS_RUNNING, "/ietf-interfaces:interfaces/interface[name='eth0']");
    ck_assert_ptr_nonnull(strstr(out, "<name>eth0</name>"));
    ck_assert_ptr_null(strstr(out, "<name>eth1</name>"));
    devconf_free(out);

    /* filters with leading white space (regression: reported as out of memory) */
    out = get_cfg(s, DEVCONF_DS_RUNNING, "\n  /ietf-interfaces:interfaces/interface[name='eth0']");
    ck_assert_ptr_nonnull(strstr(out, "<name>eth0</name>"));
    devconf_free(out);
    out = get_cfg(s, DEVCONF_DS_RUNNING, "\n<interfaces xmlns=\"" IF_NS "\"/>");
    ck_assert_ptr_nonnull(strstr(out, "<name>eth1</name>"));
    devconf_free(out);

    /* explicit filter types */
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    ro.filter_type = DEVCONF_FILTER_XPATH;
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "<interfaces/>", &ro), DEVCONF_EINVAL);
    ro.filter_type = DEVCONF_FILTER_SUBTREE;
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/ietf-interfaces:interfaces", &ro),
                 DEVCONF_EINVAL);
    sess_free(s);
}
END_TEST

START_TEST(bad_filters_are_rejected_before_sending)
{
    devconf_session *s = open_session();
    char *out = NULL;
    test_log_reset();
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "<interfaces xmlns=\"" IF_NS "\"><interface>", NULL),
                 DEVCONF_EYANG);
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "<foo xmlns=\"urn:example:nothing\"/>", NULL),
                 DEVCONF_EYANG);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "urn:example:nothing"));
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/no-such-module:interfaces", NULL), DEVCONF_EYANG);
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/ietf-interfaces:interfaces[", NULL), DEVCONF_EYANG);
    ck_assert_ptr_null(out);
    ck_assert(!test_log_contains("get-config sent"));
    sess_free(s);
}
END_TEST

START_TEST(get_returns_config_and_state)
{
    devconf_session *s = open_session();
    char *out = NULL;
    ASSERT_OK(devconf_get(&out, s, "/ietf-interfaces:interfaces", NULL));
    ck_assert_ptr_nonnull(strstr(out, "<name>eth0</name>"));
    devconf_free(out);
    /* netconf-state is state data: only <get> returns it */
    ASSERT_OK(devconf_get(&out, s, "/ietf-netconf-monitoring:netconf-state/sessions", NULL));
    ck_assert_ptr_nonnull(strstr(out, "<session-id>"));
    devconf_free(out);
    sess_free(s);
}
END_TEST

START_TEST(with_defaults_modes)
{
    devconf_session *s = open_session();
    ASSERT_OK(devconf_discard_changes(s, NULL));
    set_description(s, "wd0", "with-defaults");
    ASSERT_OK(devconf_commit(s, NULL));
    const char *filter = "/ietf-interfaces:interfaces/interface[name='wd0']";
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    char *out = NULL;

    ro.with_defaults = DEVCONF_WD_EXPLICIT;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, filter, &ro));
    ck_assert_msg(!strstr(out, "<enabled>"), "explicit mode shows the default: %s", out);
    devconf_free(out);

    ro.with_defaults = DEVCONF_WD_REPORT_ALL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, filter, &ro));
    ck_assert_msg(strstr(out, "<enabled>true</enabled>"), "report-all lacks the default: %s", out);
    devconf_free(out);

    ro.with_defaults = DEVCONF_WD_REPORT_ALL_TAGGED;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, filter, &ro));
    ck_assert_msg(strstr(out, "default=\"true\""), "report-all-tagged lacks the tag: %s", out);
    /* parsed and printed by devconf (libyang's prefix), in RFC 6243's namespace; not returned as sent
     * (netconfd's prefix is wda) */
    ck_assert_msg(strstr(out, "ncwd:default=\"true\"") &&
                      strstr(out, "xmlns:ncwd=\"urn:ietf:params:xml:ns:netconf:default:1.0\""),
                  "report-all-tagged was not parsed: %s", out);
    devconf_free(out);
    ro.format = DEVCONF_FORMAT_JSON; /* RFC 7952 metadata of ietf-netconf-with-defaults */
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, filter, &ro));
    ck_assert_msg(strstr(out, "\"@enabled\"") && strstr(out, "\"ietf-netconf-with-defaults:default\""),
                  "report-all-tagged in JSON: %s", out);
    devconf_free(out);
    ro.format = DEVCONF_FORMAT_AUTO;

    ro.with_defaults = DEVCONF_WD_TRIM;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, filter, &ro));
    ck_assert_msg(!strstr(out, "<enabled>"), "trim mode shows the default: %s", out);
    devconf_free(out);
    sess_free(s);
}
END_TEST

/* ---- edits, commit, discard ---- */

START_TEST(edit_candidate_commit_and_read_back)
{
    devconf_session *s = open_session();
    ASSERT_OK(devconf_discard_changes(s, NULL));
    set_description(s, "eth0", "set by devconf");
    ck_assert(cfg_contains(s, DEVCONF_DS_CANDIDATE, "set by devconf"));
    ck_assert(!cfg_contains(s, DEVCONF_DS_RUNNING, "set by devconf"));
    ASSERT_OK(devconf_commit(s, NULL));
    ck_assert(cfg_contains(s, DEVCONF_DS_RUNNING, "set by devconf"));
    sess_free(s);

    /* a new session sees it too */
    s = open_session();
    ck_assert(cfg_contains(s, DEVCONF_DS_RUNNING, "set by devconf"));
    sess_free(s);
}
END_TEST

START_TEST(json_payload_and_config_wrapper_are_accepted)
{
    devconf_session *s = open_session();
    ASSERT_OK(devconf_discard_changes(s, NULL));
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE,
                                  "{\"ietf-interfaces:interfaces\":{\"interface\":[{\"name\":\"js0\","
                                  "\"type\":\"iana-if-type:ethernetCsmacd\",\"description\":\"from json\"}]}}",
                                  NULL));
    /* ncclient style: the payload wrapped in <config> */
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE,
                                  "<config xmlns=\"" NC_NS "\"><interfaces xmlns=\"" IF_NS "\"><interface>"
                                  "<name>js0</name><enabled>false</enabled></interface></interfaces></config>",
                                  NULL));
    /* ncclient scripts declare prefixes on the wrapper (regression: they were lost) */
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE,
                                  "<nc:config xmlns:nc=\"" NC_NS "\" xmlns:ianaift=\"urn:ietf:params:xml:ns:yang:iana-if-type\">"
                                  "<interfaces xmlns=\"" IF_NS "\"><interface nc:operation=\"merge\"><name>js1</name>"
                                  "<type>ianaift:ethernetCsmacd</type></interface></interfaces></nc:config>",
                                  NULL));
    ASSERT_OK(devconf_commit(s, NULL));
    ck_assert(cfg_contains(s, DEVCONF_DS_RUNNING, "<name>js1</name>"));
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    ro.format = DEVCONF_FORMAT_JSON;
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/ietf-interfaces:interfaces/interface[name='js0']",
                                 &ro));
    ck_assert_ptr_nonnull(strstr(out, "\"description\": \"from json\""));
    ck_assert_ptr_nonnull(strstr(out, "\"enabled\": false"));
    devconf_free(out);
    sess_free(s);
}
END_TEST

START_TEST(per_node_delete_and_default_operation_none)
{
    devconf_session *s = open_session();
    ASSERT_OK(devconf_discard_changes(s, NULL));
    set_description(s, "del0", "to be deleted");
    ASSERT_OK(devconf_commit(s, NULL));
    ck_assert(cfg_contains(s, DEVCONF_DS_RUNNING, "<name>del0</name>"));

    devconf_edit_options eo = DEVCONF_EDIT_OPTIONS_INIT;
    eo.default_operation = DEVCONF_EDIT_NONE;
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE,
                                  "<interfaces xmlns=\"" IF_NS "\" xmlns:nc=\"" NC_NS "\"><interface nc:operation=\"delete\">"
                                  "<name>del0</name></interface></interfaces>", &eo));
    ASSERT_OK(devconf_commit(s, NULL));
    ck_assert(!cfg_contains(s, DEVCONF_DS_RUNNING, "<name>del0</name>"));
    ck_assert(cfg_contains(s, DEVCONF_DS_RUNNING, "<name>eth1</name>"));
    sess_free(s);
}
END_TEST

START_TEST(replace_default_operation_replaces)
{
    devconf_session *s = open_session();
    ASSERT_OK(devconf_discard_changes(s, NULL));
    set_description(s, "rep0", "old description");
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE,
                                  "<interfaces xmlns=\"" IF_NS "\"><interface><name>rep0</name>"
                                  "<enabled>false</enabled></interface></interfaces>", NULL));
    ASSERT_OK(devconf_commit(s, NULL));
    /* replace the interface: the description must go */
    devconf_edit_options eo = DEVCONF_EDIT_OPTIONS_INIT;
    eo.default_operation = DEVCONF_EDIT_NONE;
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE,
                                  "<interfaces xmlns=\"" IF_NS "\" xmlns:nc=\"" NC_NS "\"><interface nc:operation=\"replace\">"
                                  "<name>rep0</name><type xmlns:ianaift=\"urn:ietf:params:xml:ns:yang:iana-if-type\">"
                                  "ianaift:ethernetCsmacd</type></interface></interfaces>", &eo));
    ASSERT_OK(devconf_commit(s, NULL));
    char *out = get_cfg(s, DEVCONF_DS_RUNNING, "/ietf-interfaces:interfaces/interface[name='rep0']");
    ck_assert_ptr_nonnull(strstr(out, "<name>rep0</name>"));
    ck_assert_ptr_null(strstr(out, "old description"));
    ck_assert_ptr_null(strstr(out, "<enabled>false</enabled>"));
    devconf_free(out);
    sess_free(s);
}
END_TEST

START_TEST(rpc_error_fields_are_reported)
{
    devconf_session *s = open_session();
    ASSERT_OK(devconf_discard_changes(s, NULL));
    devconf_edit_options eo = DEVCONF_EDIT_OPTIONS_INIT;
    eo.default_operation = DEVCONF_EDIT_NONE;
    /* deleting what does not exist: the device answers data-missing */
    ASSERT_FAILS(devconf_edit_config(s, DEVCONF_DS_CANDIDATE,
                                     "<interfaces xmlns=\"" IF_NS "\" xmlns:nc=\"" NC_NS "\"><interface nc:operation=\"delete\">"
                                     "<name>no-such-if</name></interface></interfaces>", &eo),
                 DEVCONF_ERPC);
    const devconf_error *e = devconf_error_last();
    ck_assert_int_eq(devconf_error_origin(e), DEVCONF_ORIGIN_NETCONF);
    ck_assert_uint_ge(devconf_error_rpc_error_count(e), 1);
    const devconf_rpc_error *r = devconf_error_rpc_error(e, 0);
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(devconf_rpc_error_tag(r), "data-missing");
    ck_assert_str_eq(devconf_rpc_error_type(r), "application");
    ck_assert_str_eq(devconf_rpc_error_severity(r), "error");
    ck_assert_ptr_nonnull(devconf_rpc_error_message(r));
    ck_assert_ptr_nonnull(devconf_rpc_error_path(r));
    ck_assert_ptr_nonnull(strstr(devconf_rpc_error_path(r), "interface"));
    ck_assert_ptr_nonnull(strstr(devconf_error_message(e), "data-missing"));
    ck_assert_ptr_null(devconf_error_rpc_error(e, 1000));

    /* a copy outlives later calls */
    devconf_error *copy = NULL;
    ASSERT_OK(devconf_error_dup(&copy, e));
    ASSERT_OK(devconf_discard_changes(s, NULL));
    ck_assert_str_eq(devconf_rpc_error_tag(devconf_error_rpc_error(copy, 0)), "data-missing");
    devconf_error_free(copy);
    sess_free(s);
}
END_TEST

START_TEST(invalid_payloads_are_rejected_before_sending)
{
    devconf_session *s = open_session();
    ASSERT_OK(devconf_discard_changes(s, NULL));
    test_log_reset();
    const char *bad[] = {
        "<interfaces xmlns=\"" IF_NS "\"><interface><name>x</name></interfaces>",         /* malformed XML */
        "{\"ietf-interfaces:interfaces\": {\"interface\": [",                           /* malformed JSON */
        "<interfaces xmlns=\"" IF_NS "\"><interface><name>x</name><colour>red</colour></interface></interfaces>",
        "<interfaces xmlns=\"" IF_NS "\"><interface><name>x</name><enabled>maybe</enabled></interface></interfaces>",
        "<interfaces xmlns=\"urn:example:wrong\"><interface><name>x</name></interface></interfaces>",
        "{\"ietf-interfaces:interfaces\":{\"interface\":[{\"name\":\"x\",\"enabled\":\"yes\"}]}}",
        "<interfaces-state xmlns=\"" IF_NS "\"><interface><name>x</name></interface></interfaces-state>", /* state */
        "not a payload",
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int r = devconf_edit_config(s, DEVCONF_DS_CANDIDATE, bad[i], NULL);
        ck_assert_msg(r == DEVCONF_EYANG, "payload %zu: got %d (%s)", i, r, devconf_error_message(devconf_error_last()));
        ck_assert_int_eq(devconf_error_origin(devconf_error_last()), DEVCONF_ORIGIN_YANG);
    }
    /* the messages name the problem and the place */
    devconf_edit_config(s, DEVCONF_DS_CANDIDATE, bad[3], NULL);
    const char *m = devconf_error_message(devconf_error_last());
    ck_assert_msg(strstr(m, "maybe") && strstr(m, "/ietf-interfaces:interfaces/interface[name='x']/enabled"), "%s", m);
    devconf_edit_config(s, DEVCONF_DS_CANDIDATE, bad[2], NULL);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "colour"));
    ck_assert_msg(!test_log_contains("edit-config sent"), "an invalid payload reached the device");
    ck_assert(!cfg_contains(s, DEVCONF_DS_CANDIDATE, "<name>x</name>"));
    sess_free(s);
}
END_TEST

START_TEST(missing_capability_is_unsupported_and_nothing_sent)
{
    devconf_session *s = open_session();
    test_log_reset();
    char *x = iface_xml("eth0", "direct to running");
    /* this device has no writable-running */
    ASSERT_FAILS(devconf_edit_config(s, DEVCONF_DS_RUNNING, x, NULL), DEVCONF_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "writable-running"));
    free(x);
    ck_assert(!test_log_contains("sent to"));
    sess_free(s);
}
END_TEST

START_TEST(discard_changes_drops_the_candidate)
{
    devconf_session *s = open_session();
    ASSERT_OK(devconf_discard_changes(s, NULL));
    set_description(s, "eth1", "never committed");
    ck_assert(cfg_contains(s, DEVCONF_DS_CANDIDATE, "never committed"));
    ASSERT_OK(devconf_discard_changes(s, NULL));
    ck_assert(!cfg_contains(s, DEVCONF_DS_CANDIDATE, "never committed"));
    ck_assert(!cfg_contains(s, DEVCONF_DS_RUNNING, "never committed"));
    sess_free(s);
}
END_TEST

START_TEST(test_only_changes_nothing)
{
    devconf_session *s = open_session();
    ASSERT_OK(devconf_discard_changes(s, NULL));
    char *x = iface_xml("eth1", "test only");
    devconf_edit_options eo = DEVCONF_EDIT_OPTIONS_INIT;
    eo.test_option = DEVCONF_TEST_ONLY;
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE, x, &eo));
    ck_assert(!cfg_contains(s, DEVCONF_DS_CANDIDATE, "test only"));
    eo.test_option = DEVCONF_TEST_THEN_SET;
    eo.error_option = DEVCONF_ERROR_OPTION_ROLLBACK;
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE, x, &eo));
    ck_assert(cfg_contains(s, DEVCONF_DS_CANDIDATE, "test only"));
    ASSERT_OK(devconf_discard_changes(s, NULL));
    free(x);
    sess_free(s);
}
END_TEST

/* Polls running until it contains (want=1) or lacks (want=0) needle; bounded by count, not by a
 * wall-clock assertion. netconfd runs its confirmed-commit timer only when its event loop has
 * been idle for about a second: polling faster than that keeps the rollback from ever firing. */
static int wait_running(devconf_session *s, const char *needle, int want)
{
    for (int i = 0; i < 40; i++) {
        if (cfg_contains(s, DEVCONF_DS_RUNNING, needle) == want) {
            return 1;
        }
        usleep(1500 * 1000);
    }
    return 0;
}

START_TEST(unconfirmed_commit_rolls_back_by_itself)
{
    devconf_session *s = open_session();
    ASSERT_OK(devconf_discard_changes(s, NULL));
    set_description(s, "eth1", "confirmed but not confirmed");
    devconf_commit_options co = DEVCONF_COMMIT_OPTIONS_INIT;
    co.confirmed = 1;
    co.confirm_timeout = 2;
    ASSERT_OK(devconf_commit(s, &co));
    ck_assert(cfg_contains(s, DEVCONF_DS_RUNNING, "confirmed but not confirmed"));
    ck_assert_msg(wait_running(s, "confirmed but not confirmed", 0), "the device never rolled back");
    sess_free(s);
}
END_TEST

START_TEST(confirmed_commit_confirmed_stays_and_cancel_reverts)
{
    devconf_session *s = open_session();
    ASSERT_OK(devconf_discard_changes(s, NULL));
    /* confirmed, then cancelled: reverted at once */
    set_description(s, "eth1", "cancel me");
    devconf_commit_options co = DEVCONF_COMMIT_OPTIONS_INIT;
    co.confirmed = 1;
    co.confirm_timeout = 60;
    ASSERT_OK(devconf_commit(s, &co));
    ck_assert(cfg_contains(s, DEVCONF_DS_RUNNING, "cancel me"));
    ASSERT_OK(devconf_cancel_commit(s, NULL, NULL));
    ck_assert(!cfg_contains(s, DEVCONF_DS_RUNNING, "cancel me"));
    /* nothing left to cancel */
    ASSERT_FAILS(devconf_cancel_commit(s, NULL, NULL), DEVCONF_ERPC);

    /* confirmed with persist, confirmed from another session with persist-id */
    ASSERT_OK(devconf_discard_changes(s, NULL));
    set_description(s, "eth1", "persisted");
    co.persist = "devconf-test-persist";
    ASSERT_OK(devconf_commit(s, &co));
    sess_free(s);
    devconf_session *s2 = open_session();
    ck_assert(cfg_contains(s2, DEVCONF_DS_RUNNING, "persisted"));
    devconf_commit_options confirm = DEVCONF_COMMIT_OPTIONS_INIT;
    confirm.persist_id = "devconf-test-persist";
    ASSERT_OK(devconf_commit(s2, &confirm));
    ASSERT_FAILS(devconf_cancel_commit(s2, "devconf-test-persist", NULL), DEVCONF_ERPC);
    ck_assert(cfg_contains(s2, DEVCONF_DS_RUNNING, "persisted"));
    sess_free(s2);
}
END_TEST

START_TEST(commit_options_are_checked)
{
    devconf_session *s = open_session();
    devconf_commit_options co = DEVCONF_COMMIT_OPTIONS_INIT;
    co.confirm_timeout = 5;
    ASSERT_FAILS(devconf_commit(s, &co), DEVCONF_EINVAL);
    co.version = 0;
    ASSERT_FAILS(devconf_commit(s, &co), DEVCONF_EINVAL);
    sess_free(s);
}
END_TEST

/* ---- locks, validate, copy, delete ---- */

START_TEST(lock_held_by_one_session_is_refused_to_another)
{
    devconf_session *a = open_session();
    devconf_session *b = open_session();
    ASSERT_OK(devconf_lock(a, DEVCONF_DS_CANDIDATE, NULL));
    ASSERT_FAILS(devconf_lock(b, DEVCONF_DS_CANDIDATE, NULL), DEVCONF_ERPC);
    const devconf_rpc_error *r = devconf_error_rpc_error(devconf_error_last(), 0);
    ck_assert_str_eq(devconf_rpc_error_tag(r), "lock-denied");
    char sid[32];
    snprintf(sid, sizeof sid, "<session-id>%u</session-id>", (unsigned)devconf_session_id(a));
    ck_assert_ptr_nonnull(devconf_rpc_error_info_xml(r));
    ck_assert_msg(strstr(devconf_rpc_error_info_xml(r), sid), "info: %s", devconf_rpc_error_info_xml(r));
    /* b cannot unlock a's lock */
    ASSERT_FAILS(devconf_unlock(b, DEVCONF_DS_CANDIDATE, NULL), DEVCONF_ERPC);
    ASSERT_OK(devconf_unlock(a, DEVCONF_DS_CANDIDATE, NULL));
    ASSERT_OK(devconf_lock(b, DEVCONF_DS_CANDIDATE, NULL));
    ASSERT_OK(devconf_unlock(b, DEVCONF_DS_CANDIDATE, NULL));
    ASSERT_OK(devconf_lock(a, DEVCONF_DS_RUNNING, NULL));
    ASSERT_OK(devconf_unlock(a, DEVCONF_DS_RUNNING, NULL));
    sess_free(b);
    sess_free(a);
}
END_TEST

START_TEST(validate_datastore_and_inline_config)
{
    devconf_session *s = open_session();
    ASSERT_OK(devconf_validate(s, DEVCONF_DS_RUNNING, NULL, NULL));
    char *x = iface_xml("val0", "validated inline");
    ASSERT_OK(devconf_validate(s, DEVCONF_DS_CONFIG, x, NULL));
    free(x);
    /* the device rejects a configuration missing a mandatory leaf (type) */
    ASSERT_FAILS(devconf_validate(s, DEVCONF_DS_CONFIG,
                                  "<interfaces xmlns=\"" IF_NS "\"><interface><name>val1</name></interface></interfaces>", NULL),
                 DEVCONF_ERPC);
    ck_assert_uint_ge(devconf_error_rpc_error_count(devconf_error_last()), 1);
    ASSERT_FAILS(devconf_validate(s, DEVCONF_DS_CONFIG, NULL, NULL), DEVCONF_EINVAL);
    sess_free(s);
}
END_TEST

START_TEST(copy_config_between_datastores_and_from_text)
{
    devconf_session *s = open_session();
    ASSERT_OK(devconf_discard_changes(s, NULL));
    /* inline configuration into the candidate: replaces it whole */
    char *x = iface_xml("copy0", "copied in");
    ASSERT_OK(devconf_copy_config(s, DEVCONF_DS_CANDIDATE, DEVCONF_DS_CONFIG, x, NULL));
    free(x);
    ck_assert(cfg_contains(s, DEVCONF_DS_CANDIDATE, "copied in"));
    ck_assert(!cfg_contains(s, DEVCONF_DS_CANDIDATE, "<name>eth0</name>"));
    /* an empty configuration is a valid source (regression: refused as an empty payload) */
    ASSERT_OK(devconf_copy_config(s, DEVCONF_DS_CANDIDATE, DEVCONF_DS_CONFIG, "<config/>", NULL));
    ck_assert(!cfg_contains(s, DEVCONF_DS_CANDIDATE, "<name>"));
    /* running back over the candidate */
    ASSERT_OK(devconf_copy_config(s, DEVCONF_DS_CANDIDATE, DEVCONF_DS_RUNNING, NULL, NULL));
    ck_assert(!cfg_contains(s, DEVCONF_DS_CANDIDATE, "copied in"));
    ck_assert(cfg_contains(s, DEVCONF_DS_CANDIDATE, "<name>eth0</name>"));
    /* running to startup, read back from startup */
    ASSERT_OK(devconf_copy_config(s, DEVCONF_DS_STARTUP, DEVCONF_DS_RUNNING, NULL, NULL));
    ck_assert(cfg_contains(s, DEVCONF_DS_STARTUP, "<name>eth0</name>"));
    ASSERT_FAILS(devconf_copy_config(s, DEVCONF_DS_RUNNING, DEVCONF_DS_RUNNING, NULL, NULL), DEVCONF_EINVAL);
    ASSERT_FAILS(devconf_copy_config(s, DEVCONF_DS_CANDIDATE, DEVCONF_DS_CONFIG, "<bad", NULL), DEVCONF_EYANG);
    sess_free(s);
}
END_TEST

START_TEST(delete_config_startup)
{
    devconf_session *s = open_session();
    ASSERT_FAILS(devconf_delete_config(s, DEVCONF_DS_RUNNING, NULL), DEVCONF_EINVAL);
    ASSERT_OK(devconf_copy_config(s, DEVCONF_DS_STARTUP, DEVCONF_DS_RUNNING, NULL, NULL));
    ASSERT_OK(devconf_delete_config(s, DEVCONF_DS_STARTUP, NULL));
    ck_assert(!cfg_contains(s, DEVCONF_DS_STARTUP, "<name>eth0</name>"));
    ASSERT_OK(devconf_copy_config(s, DEVCONF_DS_STARTUP, DEVCONF_DS_RUNNING, NULL, NULL));
    sess_free(s);
}
END_TEST

/* ---- schemas, sessions, generic RPCs ---- */

START_TEST(get_schema_returns_yang_text)
{
    devconf_session *s = open_session();
    char *out = NULL;
    ASSERT_OK(devconf_get_schema(&out, s, "ietf-interfaces", NULL, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(out, "module ietf-interfaces"));
    devconf_free(out);
    ASSERT_FAILS(devconf_get_schema(&out, s, "no-such-module", NULL, NULL, NULL), DEVCONF_ERPC);
    ck_assert_ptr_null(out);
    ASSERT_FAILS(devconf_get_schema(&out, s, "ietf-interfaces", NULL, "xsd", NULL), DEVCONF_EINVAL);
    sess_free(s);
}
END_TEST

START_TEST(kill_session_ends_the_other_session)
{
    devconf_session *victim = open_session();
    devconf_session *killer = open_session();
    ASSERT_FAILS(devconf_kill_session(killer, devconf_session_id(killer), NULL), DEVCONF_EINVAL);
    ASSERT_OK(devconf_kill_session(killer, devconf_session_id(victim), NULL));
    char *out = NULL;
    int r = devconf_get_config(&out, victim, DEVCONF_DS_RUNNING, NULL, NULL);
    ck_assert_msg(r == DEVCONF_ECONNECT, "got %d: %s", r, devconf_error_message(devconf_error_last()));
    ck_assert_int_eq(devconf_session_is_connected(victim), 0);
    /* the survivor works on */
    ASSERT_OK(devconf_get_config(&out, killer, DEVCONF_DS_RUNNING, NULL, NULL));
    devconf_free(out);
    ASSERT_FAILS(devconf_kill_session(killer, 99999, NULL), DEVCONF_ERPC);
    sess_free(victim);
    sess_free(killer);
}
END_TEST

START_TEST(generic_rpc_in_xml_and_json)
{
    devconf_session *s = open_session();
    char *out = NULL;
    ASSERT_OK(devconf_rpc(&out, s,
                          "<get-schema xmlns=\"urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring\">"
                          "<identifier>iana-if-type</identifier></get-schema>", NULL));
    ck_assert_ptr_nonnull(strstr(out, "<data"));
    ck_assert_ptr_nonnull(strstr(out, "module iana-if-type"));
    devconf_free(out);
    ASSERT_OK(devconf_rpc(&out, s, "{\"ietf-netconf-monitoring:get-schema\":{\"identifier\":\"iana-if-type\"}}", NULL));
    ck_assert_msg(strstr(out, "\"ietf-netconf-monitoring:output\"") && strstr(out, "\"data\""), "%s", out);
    devconf_free(out);
    /* a base RPC with a subtree filter: the filter goes out as written (regression: it was lost) */
    ASSERT_OK(devconf_rpc(&out, s,
                          "<get-config xmlns=\"" NC_NS "\"><source><running/></source><filter type=\"subtree\">"
                          "<interfaces xmlns=\"" IF_NS "\"><interface><name>eth1</name></interface></interfaces>"
                          "</filter></get-config>", RPC_OPTS(DEVCONF_FORMAT_XML)));
    ck_assert_msg(strstr(out, "<name>eth1</name>") && !strstr(out, "<name>eth0</name>"), "%s", out);
    devconf_free(out);
    /* an <ok/> reply gives "" */
    ASSERT_OK(devconf_rpc(&out, s, "<discard-changes xmlns=\"" NC_NS "\"/>", RPC_OPTS(DEVCONF_FORMAT_XML)));
    ck_assert_str_eq(out, "");
    devconf_free(out);
    /* unknown RPC and bad input are refused locally */
    ASSERT_FAILS(devconf_rpc(&out, s, "<reboot-now xmlns=\"urn:example:none\"/>", NULL), DEVCONF_EYANG);
    ASSERT_FAILS(devconf_rpc(&out, s, "{\"ietf-netconf-monitoring:get-schema\":{\"colour\":1}}", NULL),
                 DEVCONF_EYANG);
    /* mandatory input missing */
    ASSERT_FAILS(devconf_rpc(&out, s, "<get-schema xmlns=\"urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring\"/>", NULL), DEVCONF_EYANG);
    sess_free(s);
}
END_TEST

/* ---- threads ---- */

struct worker {
    int ok;
    char err[256];
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    devconf_session_options o = key_opts();
    devconf_session *s = NULL;
    if (devconf_session_open(&s, ctx, srv.uri, &o) != 0) {
        snprintf(w->err, sizeof w->err, "open: %s", devconf_error_message(devconf_error_last()));
        devconf_thread_cleanup();
        return NULL;
    }
    w->ok = 1;
    for (int i = 0; i < 25 && w->ok; i++) {
        char *out = NULL;
        if (devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/ietf-interfaces:interfaces", NULL) != 0 ||
            !strstr(out, "<name>eth0</name>")) {
            snprintf(w->err, sizeof w->err, "get-config %d: %s", i, devconf_error_message(devconf_error_last()));
            w->ok = 0;
        }
        devconf_free(out);
    }
    sess_free(s);
    devconf_thread_cleanup();
    return NULL;
}

START_TEST(sessions_on_two_threads_run_at_once)
{
    pthread_t t[2];
    struct worker w[2] = { { 0 } };
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(t[i], NULL);
        ck_assert_msg(w[i].ok, "thread %d: %s", i, w[i].err);
    }
}
END_TEST

/* ---- device_text: the bulk-read channel ---- */

static char *read_text(devconf_session *s, devconf_datastore ds, const char *filter, devconf_with_defaults wd,
                       int device_text)
{
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    ro.with_defaults = wd;
    ro.device_text = device_text;
    char *out = NULL;
    int r = ds ? devconf_get_config(&out, s, ds, filter, &ro) : devconf_get(&out, s, filter, &ro);
    ck_assert_msg(r == 0, "read failed: %d %s", r, devconf_error_message(devconf_error_last()));
    ck_assert_ptr_nonnull(out);
    return out;
}

/* the device's text and devconf's re-printed text hold the same data: compared through JSON */
static void assert_same_data(devconf_session *s, devconf_datastore ds, const char *filter, devconf_with_defaults wd)
{
    char *usual = read_text(s, ds, filter, wd, 0);
    char *dev = read_text(s, ds, filter, wd, 1);
    char *a = NULL, *b = NULL;
    if (*usual) {
        ASSERT_OK(devconf_convert(&a, s, usual, DEVCONF_FORMAT_JSON));
        ASSERT_OK(devconf_convert(&b, s, dev, DEVCONF_FORMAT_JSON));
        ck_assert_msg(!strcmp(a, b), "ds %d filter %s wd %d:\nusual %s\ndevice text %s", (int)ds,
                      filter ? filter : "-", (int)wd, a, b);
    } else {
        ck_assert_str_eq(dev, "");
    }
    devconf_free(a);
    devconf_free(b);
    devconf_free(usual);
    devconf_free(dev);
}

START_TEST(device_text_holds_the_same_data)
{
    devconf_session *s = open_session();
    const char *sub = "<interfaces xmlns=\"" IF_NS "\"><interface><name>eth0</name></interface></interfaces>";
    assert_same_data(s, DEVCONF_DS_RUNNING, NULL, DEVCONF_WD_DEVICE);
    assert_same_data(s, DEVCONF_DS_RUNNING, sub, DEVCONF_WD_DEVICE);
    assert_same_data(s, DEVCONF_DS_RUNNING, "/ietf-interfaces:interfaces", DEVCONF_WD_DEVICE); /* usual path */
    assert_same_data(s, DEVCONF_DS_RUNNING, NULL, DEVCONF_WD_REPORT_ALL);
    assert_same_data(s, DEVCONF_DS_STARTUP, NULL, DEVCONF_WD_DEVICE);
    set_description(s, "eth0", "staged for device_text");
    assert_same_data(s, DEVCONF_DS_CANDIDATE, sub, DEVCONF_WD_DEVICE);
    char *c = read_text(s, DEVCONF_DS_CANDIDATE, sub, DEVCONF_WD_DEVICE, 1);
    ck_assert_ptr_nonnull(strstr(c, "staged for device_text")); /* the shared candidate, as RFC 6241 has it */
    devconf_free(c);
    ASSERT_OK(devconf_discard_changes(s, NULL));
    /* nothing matches: empty, as on the usual path */
    const char *none = "<interfaces xmlns=\"" IF_NS "\"><interface><name>no-such-if</name></interface></interfaces>";
    assert_same_data(s, DEVCONF_DS_RUNNING, none, DEVCONF_WD_DEVICE);
    /* <get>: state too, the device's own text */
    char *g = read_text(s, 0, "<netconf-state xmlns=\"urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring\">"
                              "<sessions/></netconf-state>", DEVCONF_WD_DEVICE, 1);
    ck_assert_ptr_nonnull(strstr(g, "<session-id>"));
    devconf_free(g);
    /* and these reads returned the device's bytes */
    ck_assert_ptr_nonnull(strstr(test_log_text(), "bytes of data from 127.0.0.1"));
    sess_free(s);
}
END_TEST

START_TEST(device_text_is_xml_only)
{
    devconf_session *s = open_session();
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    ro.device_text = 1;
    ro.format = DEVCONF_FORMAT_JSON;
    char *out = NULL;
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, NULL, &ro), DEVCONF_EINVAL);
    ck_assert_ptr_null(out);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "device_text"));
    /* version 2 options know no device_text: read as before */
    ro.version = 2;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, NULL, &ro));
    ck_assert_ptr_nonnull(strstr(out, "\"ietf-interfaces:interfaces\""));
    devconf_free(out);
    sess_free(s);
}
END_TEST

START_TEST(device_text_sees_its_session_killed)
{
    devconf_session *victim = open_session();
    devconf_session *killer = open_session();
    char *out = read_text(victim, DEVCONF_DS_RUNNING, NULL, DEVCONF_WD_DEVICE, 1); /* opens the bulk channel */
    devconf_free(out);
    ASSERT_OK(devconf_kill_session(killer, devconf_session_id(victim), NULL));
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    ro.device_text = 1;
    /* The bulk channel is a NETCONF session of its own: a read on it learns of the main
     * session's end once the SSH connection has delivered the close of the main channel, which
     * the device sends some milliseconds after its reply to the killer. Until then a read still
     * returns the device's (valid) data; then every read fails. */
    int r = 0;
    for (int i = 0; i < 200 && r == 0; i++) {
        out = NULL;
        r = devconf_get_config(&out, victim, DEVCONF_DS_RUNNING, NULL, &ro);
        if (r == 0) {
            ck_assert_ptr_nonnull(strstr(out, "eth0"));
            devconf_free(out);
            usleep(20 * 1000);
        }
    }
    ck_assert_msg(r == DEVCONF_ECONNECT, "got %d: %s", r, devconf_error_message(devconf_error_last()));
    ck_assert_ptr_null(out);
    r = devconf_get_config(&out, victim, DEVCONF_DS_RUNNING, NULL, &ro);
    ck_assert_msg(r == DEVCONF_ECONNECT, "after the end, got %d", r);
    ck_assert_int_eq(devconf_session_is_connected(victim), 0);
    sess_free(victim);
    sess_free(killer);
}
END_TEST

/* ---- a device that stalls or dies ---- */

START_TEST(stalled_device_times_out)
{
    devconf_session_options o = key_opts();
    o.rpc_timeout_ms = 1500;
    devconf_session *s = NULL;
    ASSERT_OK(devconf_session_open(&s, ctx, srv.uri, &o));
    track(s);
    test_server_signal(&srv, SIGSTOP, 0);
    char *out = NULL;
    int r = devconf_get_config(&out, s, DEVCONF_DS_RUNNING, NULL, NULL);
    test_server_signal(&srv, SIGCONT, 0);
    ck_assert_msg(r == DEVCONF_ETIMEOUT, "got %d: %s", r, devconf_error_message(devconf_error_last()));
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "no reply"));
    ck_assert_ptr_null(out);
    sess_free(s);
}
END_TEST

START_TEST(stalled_device_times_out_on_the_bulk_channel)
{
    devconf_session_options o = key_opts();
    o.rpc_timeout_ms = 1500;
    devconf_session *s = NULL;
    ASSERT_OK(devconf_session_open(&s, ctx, srv.uri, &o));
    track(s);
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    ro.device_text = 1;
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, NULL, &ro));
    devconf_free(out);
    out = NULL;
    test_server_signal(&srv, SIGSTOP, 0);
    int r = devconf_get_config(&out, s, DEVCONF_DS_RUNNING, NULL, &ro);
    test_server_signal(&srv, SIGCONT, 0);
    ck_assert_msg(r == DEVCONF_ETIMEOUT, "got %d: %s", r, devconf_error_message(devconf_error_last()));
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "no reply"));
    ck_assert_ptr_null(out);
    /* the timed-out channel was dropped; the next read opens a new one */
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, NULL, &ro));
    ck_assert_ptr_nonnull(strstr(out, "eth0"));
    devconf_free(out);
    sess_free(s);
}
END_TEST

START_TEST(stalled_ssh_server_times_out_on_connect)
{
    devconf_session_options o = key_opts();
    o.connect_timeout_ms = 1500;
    test_server_signal(&srv, SIGSTOP, 1);
    devconf_session *s = NULL;
    int r = devconf_session_open(&s, ctx, srv.uri, &o);
    test_server_signal(&srv, SIGCONT, 1);
    ck_assert_msg(r == DEVCONF_ETIMEOUT, "got %d: %s", r, devconf_error_message(devconf_error_last()));
    ck_assert_ptr_null(s);
}
END_TEST

START_TEST(device_killed_mid_session_gives_an_error)
{
    devconf_session_options o = key_opts();
    o.rpc_timeout_ms = 5000;
    devconf_session *s = NULL;
    ASSERT_OK(devconf_session_open(&s, ctx, srv.uri, &o));
    track(s);
    test_server_signal(&srv, SIGKILL, 0);
    char *out = NULL;
    int r = devconf_get_config(&out, s, DEVCONF_DS_RUNNING, NULL, NULL);
    ck_assert_msg(r == DEVCONF_ECONNECT || r == DEVCONF_ETIMEOUT, "got %d: %s", r,
                  devconf_error_message(devconf_error_last()));
    ck_assert_ptr_null(out);
    /* and further calls fail fast, never hang */
    r = devconf_get_config(&out, s, DEVCONF_DS_RUNNING, NULL, NULL);
    ck_assert(r == DEVCONF_ECONNECT || r == DEVCONF_ETIMEOUT);
    sess_free(s);
}
END_TEST

static Suite *netconf_suite(void)
{
    Suite *su = suite_create("netconf");

    TCase *tc = tcase_create("auth");
    tcase_add_unchecked_fixture(tc, server_up, server_down);
    tcase_add_checked_fixture(tc, ctx_up, ctx_down);
    tcase_add_test(tc, key_login_works);
    tcase_add_test(tc, key_with_passphrase_works);
    tcase_add_test(tc, wrong_passphrase_is_refused);
    tcase_add_test(tc, no_credentials_is_refused_with_a_hint);
    tcase_add_test(tc, unknown_host_key_is_refused);
    tcase_add_test(tc, changed_host_key_is_refused);
    tcase_add_test(tc, accept_new_records_the_key_then_strict_accepts_it);
    tcase_add_test(tc, the_key_type_known_hosts_holds_is_asked_for);
    tcase_add_test(tc, insecure_skip_connects_and_warns);
    tcase_add_test(tc, closed_port_gives_connect_error);
    tcase_add_test(tc, bad_uri_is_rejected_before_connecting);
    suite_add_tcase(su, tc);

    /* password and keyboard-interactive: the scripted server, with its random password per run */
    tc = tcase_create("auth-password");
    tcase_add_unchecked_fixture(tc, pw_server_up, pw_server_down);
    tcase_add_checked_fixture(tc, pw_ctx_up, ctx_down);
    tcase_add_test(tc, password_login_works);
    tcase_add_test(tc, wrong_password_is_refused);
    tcase_add_test(tc, keyboard_interactive_login_works);
    suite_add_tcase(su, tc);

    tc = tcase_create("operations");
    tcase_add_unchecked_fixture(tc, server_up, server_down);
    tcase_add_checked_fixture(tc, ctx_up, ctx_down);
    tcase_add_test(tc, capabilities_are_reported);
    tcase_add_test(tc, get_config_returns_xml_and_json);
    tcase_add_test(tc, subtree_and_xpath_filters_select);
    tcase_add_test(tc, bad_filters_are_rejected_before_sending);
    tcase_add_test(tc, get_returns_config_and_state);
    tcase_add_test(tc, with_defaults_modes);
    tcase_add_test(tc, edit_candidate_commit_and_read_back);
    tcase_add_test(tc, json_payload_and_config_wrapper_are_accepted);
    tcase_add_test(tc, per_node_delete_and_default_operation_none);
    tcase_add_test(tc, replace_default_operation_replaces);
    tcase_add_test(tc, rpc_error_fields_are_reported);
    tcase_add_test(tc, invalid_payloads_are_rejected_before_sending);
    tcase_add_test(tc, missing_capability_is_unsupported_and_nothing_sent);
    tcase_add_test(tc, discard_changes_drops_the_candidate);
    tcase_add_test(tc, test_only_changes_nothing);
    tcase_add_test(tc, unconfirmed_commit_rolls_back_by_itself);
    tcase_add_test(tc, confirmed_commit_confirmed_stays_and_cancel_reverts);
    tcase_add_test(tc, commit_options_are_checked);
    tcase_add_test(tc, lock_held_by_one_session_is_refused_to_another);
    tcase_add_test(tc, copy_config_between_datastores_and_from_text);
    tcase_add_test(tc, delete_config_startup);
    tcase_add_test(tc, get_schema_returns_yang_text);
    tcase_add_test(tc, kill_session_ends_the_other_session);
    tcase_add_test(tc, generic_rpc_in_xml_and_json);
    tcase_add_test(tc, sessions_on_two_threads_run_at_once);
    tcase_add_test(tc, device_text_holds_the_same_data);
    tcase_add_test(tc, device_text_is_xml_only);
    tcase_add_test(tc, device_text_sees_its_session_killed);
    suite_add_tcase(su, tc);

    /* netconfd sometimes (2 runs in 5) accepted the invalid inline configuration when validate ran
     * after the other operations on the same device; on a fresh device it is refused every time */
    tc = tcase_create("validate");
    tcase_add_unchecked_fixture(tc, server_up, server_down);
    tcase_add_checked_fixture(tc, ctx_up, ctx_down);
    tcase_add_test(tc, validate_datastore_and_inline_config);
    suite_add_tcase(su, tc);

    /* each of these breaks its device: a fresh one per test */
    tc = tcase_create("failures");
    tcase_add_checked_fixture(tc, server_up, server_down);
    tcase_add_checked_fixture(tc, ctx_up, ctx_down);
    tcase_add_test(tc, stalled_device_times_out);
    tcase_add_test(tc, stalled_device_times_out_on_the_bulk_channel);
    tcase_add_test(tc, stalled_ssh_server_times_out_on_connect);
    tcase_add_test(tc, device_killed_mid_session_gives_an_error);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return test_run_suite(netconf_suite());
}
