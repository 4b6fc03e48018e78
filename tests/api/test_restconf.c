/* RESTCONF against a real device: Jetconf 0.3.6 (HTTP/2, TLS with a client certificate), started
 * by the suite (tests/common/test_server.c). Jetconf lacks PATCH, YANG Patch and XML bodies: what
 * devconf does without them (documented fallback or a clear error) is tested here. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <devconf/devconf.h>

#include "test_server.h"
#include "test_util.h"

static test_restconf srv;
static devconf_ctx *ctx;
static void server_up(void)
{
    test_restconf_start(&srv);
}

static void server_down(void)
{
    test_restconf_stop(&srv);
}

static devconf_session *tracked[16];

static void ctx_up(void)
{
    ck_assert_int_ge(devconf_init(), 1);
    ck_assert_int_eq(devconf_ctx_new(&ctx), 0);
    ck_assert_int_eq(devconf_ctx_set_cache_dir(ctx, srv.cache_dir), 0);
    /* where ietf-netconf (per-node operations in payloads) comes from on this machine */
    ck_assert_int_eq(devconf_ctx_add_search_dir(ctx, "/usr/share/yuma/modules/ietf"), 0);
    devconf_ctx_set_log_callback(ctx, DEVCONF_LOG_DEBUG, test_log_capture, NULL);
    test_log_reset();
}

static void ctx_down(void)
{
    for (size_t i = 0; i < sizeof tracked / sizeof tracked[0]; i++) {
        devconf_session_free(tracked[i]);
        tracked[i] = NULL;
    }
    devconf_ctx_free(ctx);
    ctx = NULL;
    devconf_deinit();
    test_log_reset();
}

static devconf_session_options tls_opts(void)
{
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.ca_file = srv.ca;
    o.client_cert = srv.cert;
    o.client_key = srv.key;
    o.rpc_timeout_ms = 30000;
    return o;
}

static devconf_session *open_at(const char *uri)
{
    devconf_session_options o = tls_opts();
    devconf_session *s = NULL;
    int r = devconf_session_open(&s, ctx, uri, &o);
    ck_assert_msg(r == 0, "open failed: %d %s", r, devconf_error_message(devconf_error_last()));
    for (size_t i = 0; i < sizeof tracked / sizeof tracked[0]; i++) {
        if (!tracked[i]) {
            tracked[i] = s;
            break;
        }
    }
    return s;
}

static devconf_session *open_session(void)
{
    return open_at(srv.uri);
}

static char *read_cfg(devconf_session *s, devconf_datastore ds, const char *path, devconf_format f)
{
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    ro.format = f;
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, ds, path, &ro));
    return out;
}

static int contains(devconf_session *s, devconf_datastore ds, const char *path, const char *needle)
{
    char *out = read_cfg(s, ds, path, DEVCONF_FORMAT_JSON);
    int r = strstr(out, needle) != NULL;
    devconf_free(out);
    return r;
}

#define IFS "/ietf-interfaces:interfaces"

/* ---- connecting ---- */

START_TEST(root_is_discovered_over_http2_with_jetconf_profile)
{
    devconf_session *s = open_session();
    ck_assert_int_eq(devconf_session_protocol(s), DEVCONF_PROTO_RESTCONF);
    ck_assert_int_eq(devconf_session_has_capability(s, "urn:devconf:http:2"), 1);
    ck_assert_int_eq(devconf_session_has_capability(s, "urn:devconf:restconf:profile:jetconf"), 1);
    ck_assert_int_eq(devconf_session_has_capability(s, "candidate"), 1);
    ck_assert_int_eq(devconf_session_has_capability(s, "ietf-interfaces"), 1);
    ck_assert_int_eq(devconf_session_has_capability(s, "devconf-example"), 1);
    ck_assert(test_log_contains("RESTCONF root https://127.0.0.1"));
    /* an explicit root works too */
    char uri[400];
    snprintf(uri, sizeof uri, "%s/restconf", srv.uri);
    devconf_session *s2 = open_at(uri);
    ck_assert_int_eq(devconf_session_is_connected(s2), 1);
}
END_TEST

START_TEST(wrong_ca_is_refused)
{
    devconf_session_options o = tls_opts();
    o.ca_file = srv.other_ca;
    devconf_session *s = NULL;
    ASSERT_FAILS(devconf_session_open(&s, ctx, srv.uri, &o), DEVCONF_EHOSTKEY);
    ck_assert_int_eq(devconf_error_origin(devconf_error_last()), DEVCONF_ORIGIN_TLS);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "certificate"));
    ck_assert_ptr_null(s);
    /* and without a CA file the system store does not know the device's private CA either */
    o.ca_file = NULL;
    ASSERT_FAILS(devconf_session_open(&s, ctx, srv.uri, &o), DEVCONF_EHOSTKEY);
}
END_TEST

START_TEST(missing_client_certificate_fails_clearly)
{
    devconf_session_options o = tls_opts();
    o.client_cert = o.client_key = NULL;
    devconf_session *s = NULL;
    int r = devconf_session_open(&s, ctx, srv.uri, &o);
    ck_assert_msg(r == DEVCONF_ECONNECT || r == DEVCONF_EAUTH, "got %d: %s", r,
                  devconf_error_message(devconf_error_last()));
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "127.0.0.1"));
    ck_assert_ptr_null(s);
}
END_TEST

START_TEST(default_cache_dir_is_created_on_open)
{
    /* regression: a RESTCONF open failed when the default cache directory did not exist yet */
    char home[400];
    snprintf(home, sizeof home, "%s/xdg-%d", srv.dir, (int)getpid());
    setenv("XDG_CACHE_HOME", home, 1);
    devconf_ctx *fresh = NULL;
    ASSERT_OK(devconf_ctx_new(&fresh));
    ASSERT_OK(devconf_ctx_add_search_dir(fresh, "/usr/share/yuma/modules/ietf"));
    devconf_session_options o = tls_opts();
    devconf_session *x = NULL;
    ASSERT_OK(devconf_session_open(&x, fresh, srv.uri, &o));
    devconf_session_free(x);
    devconf_ctx_free(fresh);
    unsetenv("XDG_CACHE_HOME");
}
END_TEST

static int error_lines;
static char first_error[512];

static void count_errors(devconf_log_level level, const char *origin, const char *msg, void *payload)
{
    (void)payload;
    if (level == DEVCONF_LOG_ERROR && error_lines++ == 0) {
        snprintf(first_error, sizeof first_error, "%s: %s", origin, msg);
    }
}

START_TEST(modules_load_without_any_search_dir)
{
    /* regression: Jetconf serves no ietf-netconf (optional for devconf); the failed load made
     * libyang take back every module loaded before it, so a session without search directories
     * knew none of the device's modules ("No module named ietf-interfaces") and an open printed
     * libyang errors although it succeeded */
    char *saved = getenv("DEVCONF_YANG_PATH") ? strdup(getenv("DEVCONF_YANG_PATH")) : NULL;
    unsetenv("DEVCONF_YANG_PATH");
    char cache[400];
    snprintf(cache, sizeof cache, "%s/bare-cache-%d", srv.dir, (int)getpid());
    devconf_ctx *bare = NULL;
    ASSERT_OK(devconf_ctx_new(&bare));
    ASSERT_OK(devconf_ctx_set_cache_dir(bare, cache));
    error_lines = 0;
    devconf_ctx_set_log_callback(bare, DEVCONF_LOG_DEBUG, count_errors, NULL);
    devconf_session_options o = tls_opts();
    for (int round = 0; round < 2; round++) { /* cold cache, then warm */
        devconf_session *x = NULL;
        ASSERT_OK(devconf_session_open(&x, bare, srv.uri, &o));
        char *out = NULL;
        ASSERT_OK(devconf_get_config(&out, x, DEVCONF_DS_RUNNING, IFS, NULL));
        ck_assert_msg(strstr(out, "<name>eth0</name>"), "round %d: %s", round, out);
        devconf_free(out);
        /* a filter that names no node is refused locally, with one error and no libyang line */
        ASSERT_FAILS(devconf_get_config(&out, x, DEVCONF_DS_RUNNING, "/ietf-interfaces:interfacez", NULL),
                     DEVCONF_EYANG);
        ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "interfacez"));
        devconf_session_free(x);
    }
    ck_assert_msg(error_lines == 0, "%d error lines logged, the first: %s", error_lines, first_error);
    devconf_ctx_free(bare);
    if (saved) {
        setenv("DEVCONF_YANG_PATH", saved, 1);
        free(saved);
    }
}
END_TEST

START_TEST(schemas_are_cached_across_sessions)
{
    devconf_session *s = open_session();
    (void)s;
    test_log_reset();
    devconf_session *s2 = open_session();
    (void)s2;
    ck_assert_msg(!test_log_contains("downloaded into the cache"), "the second session downloaded schemas again");
}
END_TEST

/* ---- reads ---- */

START_TEST(reads_at_several_depths_read_like_netconf)
{
    devconf_session *s = open_session();
    /* a container */
    char *out = read_cfg(s, DEVCONF_DS_RUNNING, IFS, DEVCONF_FORMAT_XML);
    ck_assert_ptr_nonnull(strstr(out, "<interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\">"));
    ck_assert_ptr_nonnull(strstr(out, "<name>eth1</name>"));
    devconf_free(out);
    /* a list entry: still rooted at the top */
    out = read_cfg(s, DEVCONF_DS_RUNNING, IFS "/interface[name='eth0']", DEVCONF_FORMAT_JSON);
    ck_assert_ptr_nonnull(strstr(out, "\"ietf-interfaces:interfaces\""));
    ck_assert_ptr_nonnull(strstr(out, "\"name\": \"eth0\""));
    ck_assert_ptr_null(strstr(out, "eth1"));
    devconf_free(out);
    /* a leaf */
    out = read_cfg(s, DEVCONF_DS_RUNNING, IFS "/interface[name='eth0']/description", DEVCONF_FORMAT_XML);
    ck_assert_ptr_nonnull(strstr(out, "<description>Uplink to the core</description>"));
    ck_assert_ptr_nonnull(strstr(out, "<name>eth0</name>"));
    devconf_free(out);
    /* depth=1: the container alone */
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    ro.depth = 1;
    ro.format = DEVCONF_FORMAT_JSON;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, IFS, &ro));
    ck_assert_ptr_null(strstr(out, "eth0"));
    devconf_free(out);
    /* the ETag and Last-Modified of what was read are kept */
    ck_assert_ptr_nonnull(devconf_session_etag(s));
    ck_assert_ptr_nonnull(devconf_session_last_modified(s));
    /* a missing entry is an error (HTTP 404), never empty success */
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, IFS "/interface[name='eth9']", NULL),
                 DEVCONF_ENOTFOUND);
    ck_assert_int_eq(devconf_error_http_status(devconf_error_last()), 404);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "interface=eth9 does not exist"));
    /* the whole datastore ({"ietf-restconf:data": ...} on the wire) */
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, NULL, NULL));
    ck_assert_msg(strstr(out, "<name>eth0</name>") && strstr(out, "<settings xmlns=\"urn:devconf:example\">"), "%s",
                  out);
    /* configuration only, though Jetconf ignores content=config (regression) */
    ck_assert_msg(!strstr(out, "<item-count>") && !strstr(out, "interfaces-state"), "%s", out);
    devconf_free(out);
    /* depth on a list entry: what is left out is not an error (regression) */
    ro.depth = 1;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, IFS "/interface[name='eth0']", &ro));
    devconf_free(out);
    ro.depth = 0;
    /* fields: Jetconf ignores it, so devconf refuses rather than silently return everything */
    ro.fields = "name";
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, IFS, &ro), DEVCONF_EUNSUPPORTED);
    ro.fields = NULL;
    /* state data through get */
    ASSERT_OK(devconf_get(&out, s, "/devconf-example:status", NULL));
    ck_assert_ptr_nonnull(strstr(out, "<item-count>"));
    devconf_free(out);
}
END_TEST

START_TEST(keys_are_percent_encoded)
{
    devconf_session *s = open_session();
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE,
                                  "{\"ietf-interfaces:interfaces\":{\"interface\":[{\"name\":\"ge-0/0/1,x=y\","
                                  "\"type\":\"iana-if-type:ethernetCsmacd\"}]}}", NULL));
    char *out = read_cfg(s, DEVCONF_DS_CANDIDATE, IFS "/interface[name='ge-0/0/1,x=y']", DEVCONF_FORMAT_JSON);
    ck_assert_msg(strstr(out, "ge-0/0/1,x=y"), "%s", out);
    devconf_free(out);
    ck_assert(test_log_contains("interface=ge-0%2F0%2F1%2Cx%3Dy"));
    ASSERT_OK(devconf_discard_changes(s, NULL));
}
END_TEST

START_TEST(bad_filters_are_refused_before_sending)
{
    devconf_session *s = open_session();
    char *out = NULL;
    test_log_reset();
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/ietf-interfaces:nothing", NULL), DEVCONF_EYANG);
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, IFS "/interface[type='x']", NULL),
                 DEVCONF_EUNSUPPORTED);
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "interfaces", NULL), DEVCONF_EINVAL);
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_STARTUP, IFS, NULL), DEVCONF_EUNSUPPORTED);
    ck_assert(!test_log_contains("GET https"));
}
END_TEST

/* ---- edits through the staging area, commit, discard ---- */

START_TEST(merge_in_candidate_then_commit)
{
    devconf_session *s = open_session();
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE,
                                  "<interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\"><interface>"
                                  "<name>eth1</name><description>merged over restconf</description></interface>"
                                  "</interfaces>", NULL));
    ck_assert(contains(s, DEVCONF_DS_CANDIDATE, IFS, "merged over restconf"));
    ck_assert(!contains(s, DEVCONF_DS_RUNNING, IFS, "merged over restconf"));
    ASSERT_OK(devconf_commit(s, NULL));
    char *out = read_cfg(s, DEVCONF_DS_RUNNING, IFS "/interface[name='eth1']", DEVCONF_FORMAT_JSON);
    ck_assert_ptr_nonnull(strstr(out, "merged over restconf"));
    /* merge kept what the edit did not name */
    ck_assert_ptr_nonnull(strstr(out, "\"enabled\": false"));
    ck_assert_ptr_nonnull(strstr(out, "iana-if-type:ethernetCsmacd"));
    devconf_free(out);
}
END_TEST

START_TEST(create_and_delete_entries)
{
    devconf_session *s = open_session();
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE,
                                  "{\"devconf-example:items\":{\"item\":[{\"name\":\"gamma\",\"value\":7}]}}", NULL));
    ASSERT_OK(devconf_commit(s, NULL));
    ck_assert(contains(s, DEVCONF_DS_RUNNING, "/devconf-example:items", "gamma"));
    devconf_edit_options eo = DEVCONF_EDIT_OPTIONS_INIT;
    eo.default_operation = DEVCONF_EDIT_NONE;
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE,
                                  "<items xmlns=\"urn:devconf:example\" xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\">"
                                  "<item nc:operation=\"delete\"><name>gamma</name></item></items>", &eo));
    ASSERT_OK(devconf_commit(s, NULL));
    ck_assert(!contains(s, DEVCONF_DS_RUNNING, "/devconf-example:items", "gamma"));
    /* remove of what is not there is fine; delete is an error from the device, with its fields */
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE,
                                  "<items xmlns=\"urn:devconf:example\" xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\">"
                                  "<item nc:operation=\"remove\"><name>gamma</name></item></items>", &eo));
    ASSERT_FAILS(devconf_edit_config(s, DEVCONF_DS_CANDIDATE,
                                     "<items xmlns=\"urn:devconf:example\" xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\">"
                                     "<item nc:operation=\"delete\"><name>gamma</name></item></items>", &eo),
                 DEVCONF_ERPC);
    const devconf_error *e = devconf_error_last();
    ck_assert_int_eq(devconf_error_http_status(e), 404);
    ck_assert_int_eq(devconf_error_origin(e), DEVCONF_ORIGIN_RESTCONF);
    ck_assert_uint_eq(devconf_error_rpc_error_count(e), 1);
    const devconf_rpc_error *re = devconf_error_rpc_error(e, 0);
    ck_assert_str_eq(devconf_rpc_error_tag(re), "invalid-value");
    ck_assert_str_eq(devconf_rpc_error_type(re), "protocol");
    ck_assert_ptr_nonnull(strstr(devconf_rpc_error_message(re), "NonexistentInstance"));
    ASSERT_OK(devconf_discard_changes(s, NULL));
}
END_TEST

START_TEST(replace_leaves_exactly_the_payload)
{
    devconf_session *s = open_session();
    devconf_edit_options eo = DEVCONF_EDIT_OPTIONS_INIT;
    eo.default_operation = DEVCONF_EDIT_REPLACE;
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE,
                                  "{\"devconf-example:settings\":{\"hostname\":\"replaced\",\"mtu\":1400}}", &eo));
    ASSERT_OK(devconf_commit(s, NULL));
    char *out = read_cfg(s, DEVCONF_DS_RUNNING, "/devconf-example:settings", DEVCONF_FORMAT_JSON);
    ck_assert_ptr_nonnull(strstr(out, "\"hostname\": \"replaced\""));
    ck_assert_ptr_nonnull(strstr(out, "\"mtu\": 1400"));
    ck_assert_msg(!strstr(out, "ntp1.example.net"), "replace kept a leaf-list entry: %s", out);
    devconf_free(out);
}
END_TEST

START_TEST(creating_a_missing_top_level_node_is_refused_on_jetconf)
{
    /* Jetconf breaks the connection on a POST to its datastore resource: devconf says so instead */
    devconf_session *s = open_session();
    devconf_edit_options eo = DEVCONF_EDIT_OPTIONS_INIT;
    eo.default_operation = DEVCONF_EDIT_NONE;
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE,
                                  "<items xmlns=\"urn:devconf:example\" xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\" "
                                  "nc:operation=\"delete\"/>", &eo));
    test_log_reset();
    ASSERT_FAILS(devconf_edit_config(s, DEVCONF_DS_CANDIDATE,
                                     "{\"devconf-example:items\":{\"item\":[{\"name\":\"x\"}]}}", NULL),
                 DEVCONF_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "top-level"));
    ck_assert(!test_log_contains("POST https"));
    ck_assert_int_eq(devconf_session_is_connected(s), 1);
    ASSERT_OK(devconf_discard_changes(s, NULL));
}
END_TEST

START_TEST(edit_on_running_commits_at_once)
{
    devconf_session *s = open_session();
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_RUNNING,
                                  "{\"devconf-example:settings\":{\"mtu\":9000}}", NULL));
    ck_assert(contains(s, DEVCONF_DS_RUNNING, "/devconf-example:settings", "9000"));
}
END_TEST

START_TEST(discard_drops_staged_edits)
{
    devconf_session *s = open_session();
    ASSERT_OK(devconf_discard_changes(s, NULL)); /* nothing staged: still fine */
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE, "{\"devconf-example:settings\":{\"mtu\":1234}}", NULL));
    ck_assert(contains(s, DEVCONF_DS_CANDIDATE, "/devconf-example:settings", "1234"));
    ASSERT_OK(devconf_discard_changes(s, NULL));
    ck_assert(!contains(s, DEVCONF_DS_CANDIDATE, "/devconf-example:settings", "1234"));
    ck_assert(!contains(s, DEVCONF_DS_RUNNING, "/devconf-example:settings", "1234"));
}
END_TEST

START_TEST(invalid_payloads_never_reach_the_device)
{
    devconf_session *s = open_session();
    test_log_reset();
    const char *bad[] = {
        "{\"devconf-example:settings\":{\"mtu\":\"big\"}}",
        "{\"devconf-example:settings\":{\"colour\":\"red\"}}",
        "{\"devconf-example:settings\":",
        "<settings xmlns=\"urn:devconf:example\"><mtu>99999999</mtu></settings>",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int r = devconf_edit_config(s, DEVCONF_DS_CANDIDATE, bad[i], NULL);
        ck_assert_msg(r == DEVCONF_EYANG, "payload %zu: %d %s", i, r, devconf_error_message(devconf_error_last()));
    }
    ck_assert(!test_log_contains("PUT https") && !test_log_contains("POST https") && !test_log_contains("GET https"));
}
END_TEST

START_TEST(what_restconf_cannot_do_is_unsupported)
{
    devconf_session *s = open_session();
    devconf_commit_options co = DEVCONF_COMMIT_OPTIONS_INIT;
    co.confirmed = 1;
    ASSERT_FAILS(devconf_commit(s, &co), DEVCONF_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "confirmed commit"));
    ASSERT_FAILS(devconf_lock(s, DEVCONF_DS_RUNNING, NULL), DEVCONF_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "lock"));
    ASSERT_FAILS(devconf_validate(s, DEVCONF_DS_CANDIDATE, NULL, NULL), DEVCONF_EUNSUPPORTED);
    ASSERT_FAILS(devconf_kill_session(s, 5, NULL), DEVCONF_EUNSUPPORTED);
    const char *sel[] = { "/ietf-interfaces:interfaces" };
    uint32_t lock_id = 3;
    ASSERT_FAILS(devconf_partial_lock(s, sel, 1, &lock_id, NULL), DEVCONF_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "partial-lock (RFC 5717, a NETCONF"));
    ck_assert_uint_eq(lock_id, 3);
    ASSERT_FAILS(devconf_partial_unlock(s, 1, NULL), DEVCONF_EUNSUPPORTED);
    devconf_edit_options eo = DEVCONF_EDIT_OPTIONS_INIT;
    eo.test_option = DEVCONF_TEST_ONLY;
    ASSERT_FAILS(devconf_edit_config(s, DEVCONF_DS_CANDIDATE, "{\"devconf-example:settings\":{\"mtu\":1}}", &eo),
                 DEVCONF_EUNSUPPORTED);
}
END_TEST

/* ---- RPCs, actions, schemas ---- */

START_TEST(rpc_and_action)
{
    devconf_session *s = open_session();
    char *out = NULL;
    ASSERT_OK(devconf_rpc(&out, s, "<echo xmlns=\"urn:devconf:example\"><message>hi</message><repeat>3</repeat></echo>", NULL));
    ck_assert_msg(strstr(out, "<reply xmlns=\"urn:devconf:example\">hi hi hi</reply>"), "%s", out);
    devconf_free(out);
    ASSERT_OK(devconf_rpc(&out, s, "{\"devconf-example:echo\":{\"message\":\"yo\"}}", RPC_OPTS(DEVCONF_FORMAT_JSON)));
    ck_assert_msg(strstr(out, "\"devconf-example:output\"") && strstr(out, "\"reply\": \"yo\""), "%s", out);
    devconf_free(out);
    ASSERT_OK(devconf_rpc(&out, s,
                          "{\"devconf-example:items\":{\"item\":[{\"name\":\"alpha\",\"reset\":{\"to\":5}}]}}", RPC_OPTS(DEVCONF_FORMAT_JSON)));
    ck_assert_msg(strstr(out, "\"current\"") && strstr(out, "5"), "%s", out);
    devconf_free(out);
    /* validated locally first */
    ASSERT_FAILS(devconf_rpc(&out, s, "{\"devconf-example:echo\":{}}", RPC_OPTS(DEVCONF_FORMAT_JSON)), DEVCONF_EYANG);
    ASSERT_FAILS(devconf_rpc(&out, s, "{\"devconf-example:nope\":{}}", RPC_OPTS(DEVCONF_FORMAT_JSON)), DEVCONF_EYANG);
}
END_TEST

START_TEST(get_schema_from_the_yang_library_url)
{
    devconf_session *s = open_session();
    char *out = NULL;
    ASSERT_OK(devconf_get_schema(&out, s, "devconf-example", NULL, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(out, "module devconf-example"));
    devconf_free(out);
    ASSERT_FAILS(devconf_get_schema(&out, s, "no-such-module", NULL, NULL, NULL), DEVCONF_ERPC);
}
END_TEST

static Suite *restconf_suite(void)
{
    Suite *su = suite_create("restconf");
    TCase *tc = tcase_create("jetconf");
    tcase_add_unchecked_fixture(tc, server_up, server_down);
    tcase_add_checked_fixture(tc, ctx_up, ctx_down);
    tcase_add_test(tc, root_is_discovered_over_http2_with_jetconf_profile);
    tcase_add_test(tc, wrong_ca_is_refused);
    tcase_add_test(tc, missing_client_certificate_fails_clearly);
    tcase_add_test(tc, default_cache_dir_is_created_on_open);
    tcase_add_test(tc, modules_load_without_any_search_dir);
    tcase_add_test(tc, schemas_are_cached_across_sessions);
    tcase_add_test(tc, reads_at_several_depths_read_like_netconf);
    tcase_add_test(tc, keys_are_percent_encoded);
    tcase_add_test(tc, bad_filters_are_refused_before_sending);
    tcase_add_test(tc, merge_in_candidate_then_commit);
    tcase_add_test(tc, create_and_delete_entries);
    tcase_add_test(tc, replace_leaves_exactly_the_payload);
    tcase_add_test(tc, creating_a_missing_top_level_node_is_refused_on_jetconf);
    tcase_add_test(tc, edit_on_running_commits_at_once);
    tcase_add_test(tc, discard_drops_staged_edits);
    tcase_add_test(tc, invalid_payloads_never_reach_the_device);
    tcase_add_test(tc, what_restconf_cannot_do_is_unsupported);
    tcase_add_test(tc, rpc_and_action);
    tcase_add_test(tc, get_schema_from_the_yang_library_url);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return test_run_suite(restconf_suite());
}
