/* Unit tests for session options, the library life cycle, contexts, and the failure paths of
 * devconf_session_open() and the datastore operations that need no device. */
#include <check.h>
#include <arpa/inet.h>
#include <ftw.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devconf_p.h"
#include "test_util.h"
#include "version.h"

#define ck_assert_error(r, want_code, want_text)                                                            \
    do {                                                                                                    \
        int r_ = (r);                                                                                       \
        const devconf_error *e_ = devconf_error_last();                                                     \
        ck_assert_msg(r_ == (want_code), "returned %d, expected %d (%s); message: %s", r_, (want_code),     \
                      #want_code, devconf_error_message(e_));                                               \
        ck_assert_int_eq(devconf_error_code(e_), (want_code));                                              \
        ck_assert_msg(strstr(devconf_error_message(e_), (want_text)) != NULL,                               \
                      "message '%s' does not mention '%s'", devconf_error_message(e_), (want_text));        \
    } while (0)

/* ---- temporary directory ---- */

static char tmpdir[256];

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void make_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/devconf-unit-XXXXXX", base && *base ? base : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    if (tmpdir[0]) {
        nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        tmpdir[0] = '\0';
    }
}

/* ---- fixture: an initialised library and a silent ctx caching under tmpdir ---- */

static devconf_ctx *ctx;

static void ctx_setup(void)
{
    ck_assert_int_ge(devconf_init(), 1);
    make_tmpdir();
    ck_assert_int_eq(devconf_ctx_new(&ctx), 0);
    ck_assert_ptr_nonnull(ctx);
    char cache[512];
    snprintf(cache, sizeof cache, "%s/cache", tmpdir);
    ck_assert_int_eq(devconf_ctx_set_cache_dir(ctx, cache), 0);
    devconf_ctx_set_log_callback(ctx, DEVCONF_LOG_ERROR, NULL, NULL);
}

static void ctx_teardown(void)
{
    devconf_ctx_free(ctx);
    ctx = NULL;
    remove_tmpdir();
    ck_assert_int_eq(devconf_deinit(), 0);
    devconf_thread_cleanup();
}

/* A port on 127.0.0.1 that nothing listens on: bound, read back, then closed. */
static unsigned int closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = 0;
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    socklen_t len = sizeof sa;
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    close(fd);
    return ntohs(sa.sin_port);
}

/* ---- options structs ---- */

START_TEST(options_init_rejects_version_0)
{
    devconf_session_options o;
    ck_assert_error(devconf_session_options_init(&o, 0), DEVCONF_EINVAL, "unknown version 0");
}
END_TEST

START_TEST(options_init_fills_defaults_for_current_version)
{
    devconf_session_options o;
    memset(&o, 0xA5, sizeof o);
    ck_assert_int_eq(devconf_session_options_init(&o, DEVCONF_SESSION_OPTIONS_VERSION), 0);
    ck_assert_uint_eq(o.version, DEVCONF_SESSION_OPTIONS_VERSION);
    ck_assert_ptr_null(o.username);
    ck_assert_ptr_null(o.password);
    ck_assert_ptr_null(o.private_key);
    ck_assert_ptr_null(o.passphrase);
    ck_assert_int_eq(o.use_agent, 0);
    ck_assert_ptr_null(o.kbdint_cb);
    ck_assert_ptr_null(o.kbdint_payload);
    ck_assert_ptr_null(o.known_hosts);
    ck_assert_int_eq(o.hostkey_policy, DEVCONF_HOSTKEY_STRICT);
    ck_assert_int_eq(o.connect_timeout_ms, 0);
    ck_assert_int_eq(o.rpc_timeout_ms, 0);
}
END_TEST

START_TEST(options_init_rejects_newer_version)
{
    devconf_session_options o;
    ck_assert_error(devconf_session_options_init(&o, DEVCONF_SESSION_OPTIONS_VERSION + 1), DEVCONF_EINVAL,
                    "unknown version");
}
END_TEST

START_TEST(options_init_rejects_null)
{
    ck_assert_error(devconf_session_options_init(NULL, DEVCONF_SESSION_OPTIONS_VERSION), DEVCONF_EINVAL, "NULL");
}
END_TEST

START_TEST(options_static_init_matches_options_init)
{
    devconf_session_options a = DEVCONF_SESSION_OPTIONS_INIT, b;
    ck_assert_int_eq(devconf_session_options_init(&b, DEVCONF_SESSION_OPTIONS_VERSION), 0);
    ck_assert_uint_eq(a.version, DEVCONF_SESSION_OPTIONS_VERSION);
    ck_assert_uint_eq(a.version, b.version);
    ck_assert_ptr_eq(a.username, b.username);
    ck_assert_ptr_eq(a.password, b.password);
    ck_assert_ptr_eq(a.private_key, b.private_key);
    ck_assert_ptr_eq(a.passphrase, b.passphrase);
    ck_assert_int_eq(a.use_agent, b.use_agent);
    ck_assert_ptr_eq(a.kbdint_cb, b.kbdint_cb);
    ck_assert_ptr_eq(a.kbdint_payload, b.kbdint_payload);
    ck_assert_ptr_eq(a.known_hosts, b.known_hosts);
    ck_assert_int_eq(a.hostkey_policy, b.hostkey_policy);
    ck_assert_int_eq(a.connect_timeout_ms, b.connect_timeout_ms);
    ck_assert_int_eq(a.rpc_timeout_ms, b.rpc_timeout_ms);
}
END_TEST

START_TEST(ops_options_static_inits_carry_their_version)
{
    devconf_read_options r = DEVCONF_READ_OPTIONS_INIT;
    devconf_edit_options e = DEVCONF_EDIT_OPTIONS_INIT;
    devconf_commit_options c = DEVCONF_COMMIT_OPTIONS_INIT;
    ck_assert_uint_eq(r.version, DEVCONF_READ_OPTIONS_VERSION);
    ck_assert_int_eq(r.filter_type, DEVCONF_FILTER_AUTO);
    ck_assert_int_eq(r.with_defaults, DEVCONF_WD_DEVICE);
    ck_assert_int_eq(r.format, DEVCONF_FORMAT_AUTO);
    ck_assert_uint_eq(e.version, DEVCONF_EDIT_OPTIONS_VERSION);
    ck_assert_int_eq(e.default_operation, DEVCONF_EDIT_MERGE);
    ck_assert_int_eq(e.test_option, DEVCONF_TEST_DEVICE);
    ck_assert_int_eq(e.error_option, DEVCONF_ERROR_OPTION_DEVICE);
    ck_assert_int_eq(e.format, DEVCONF_FORMAT_AUTO);
    ck_assert_uint_eq(c.version, DEVCONF_COMMIT_OPTIONS_VERSION);
    ck_assert_int_eq(c.confirmed, 0);
    ck_assert_uint_eq(c.confirm_timeout, 0);
    ck_assert_ptr_null(c.persist);
    ck_assert_ptr_null(c.persist_id);
}
END_TEST

/* ---- devconf_session_open failures that need no device ---- */

START_TEST(session_open_rejects_null_out)
{
    ck_assert_error(devconf_session_open(NULL, ctx, "netconf://host", NULL), DEVCONF_EINVAL, "NULL out");
}
END_TEST

START_TEST(session_open_rejects_null_ctx)
{
    devconf_session *s = (devconf_session *)&s;
    ck_assert_error(devconf_session_open(&s, NULL, "netconf://host", NULL), DEVCONF_EINVAL, "NULL ctx");
    ck_assert_ptr_null(s);
}
END_TEST

START_TEST(session_open_rejects_null_uri)
{
    devconf_session *s = (devconf_session *)&s;
    ck_assert_error(devconf_session_open(&s, ctx, NULL, NULL), DEVCONF_EINVAL, "NULL uri");
    ck_assert_ptr_null(s);
}
END_TEST

START_TEST(session_open_rejects_bad_uri)
{
    devconf_session *s = (devconf_session *)&s;
    ck_assert_error(devconf_session_open(&s, ctx, "router1", NULL), DEVCONF_EINVAL, "scheme://host");
    ck_assert_ptr_null(s);
    ck_assert_error(devconf_session_open(&s, ctx, "netconf://router1:0", NULL), DEVCONF_EINVAL, "port");
    ck_assert_ptr_null(s);
}
END_TEST

START_TEST(session_open_rejects_unknown_scheme)
{
    devconf_session *s = (devconf_session *)&s;
    ck_assert_error(devconf_session_open(&s, ctx, "telnet://router1", NULL), DEVCONF_EINVAL,
                    "unknown scheme 'telnet'");
    ck_assert_ptr_null(s);
}
END_TEST

START_TEST(session_open_rejects_options_version_0)
{
    devconf_session *s = (devconf_session *)&s;
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.version = 0;
    ck_assert_error(devconf_session_open(&s, ctx, "netconf://router1", &o), DEVCONF_EINVAL, "version 0");
    ck_assert_ptr_null(s);
}
END_TEST

START_TEST(session_open_rejects_unknown_options_version)
{
    devconf_session *s = (devconf_session *)&s;
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.version = 99;
    ck_assert_error(devconf_session_open(&s, ctx, "netconf://router1", &o), DEVCONF_EINVAL, "version 99");
    ck_assert_ptr_null(s);
}
END_TEST

START_TEST(session_open_rejects_negative_timeouts)
{
    devconf_session *s = (devconf_session *)&s;
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.connect_timeout_ms = -1;
    ck_assert_error(devconf_session_open(&s, ctx, "netconf://router1", &o), DEVCONF_EINVAL, "timeouts");
    ck_assert_ptr_null(s);

    o.connect_timeout_ms = 0;
    o.rpc_timeout_ms = -5;
    ck_assert_error(devconf_session_open(&s, ctx, "netconf://router1", &o), DEVCONF_EINVAL, "timeouts");
    ck_assert_ptr_null(s);
}
END_TEST

START_TEST(session_open_rejects_unknown_hostkey_policy)
{
    devconf_session *s = (devconf_session *)&s;
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.hostkey_policy = (devconf_hostkey_policy)7;
    ck_assert_error(devconf_session_open(&s, ctx, "netconf://router1", &o), DEVCONF_EINVAL, "host-key policy 7");
    ck_assert_ptr_null(s);
}
END_TEST

START_TEST(session_open_netconf_tls_without_client_cert_is_refused_locally)
{
    devconf_session *s = (devconf_session *)&s;
    /* RFC 7589 authenticates the client by certificate: refused before any name lookup or connect */
    ck_assert_error(devconf_session_open(&s, ctx, "netconf+tls://router1.invalid", NULL), DEVCONF_EINVAL,
                    "needs a client certificate");
    ck_assert_int_eq(devconf_error_origin(devconf_error_last()), DEVCONF_ORIGIN_TLS);
    ck_assert_ptr_null(s);
}
END_TEST

START_TEST(session_open_netconf_tls_unreadable_client_cert_is_refused_locally)
{
    devconf_session *s = (devconf_session *)&s;
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    /* the certificate is loaded before anything is sent: a missing file names itself */
    o.client_cert = "/nonexistent/client.pem";
    ck_assert_error(devconf_session_open(&s, ctx, "netconf+tls://127.0.0.1:1", &o), DEVCONF_EAUTH,
                    "cannot load the client certificate '/nonexistent/client.pem'");
    ck_assert_ptr_null(s);
}
END_TEST

START_TEST(session_open_restconf_refused_port_is_connect_error)
{
    devconf_session *s = (devconf_session *)&s;
    /* port 1 on loopback: nothing listens */
    ck_assert_error(devconf_session_open(&s, ctx, "restconf://127.0.0.1:1/restconf", NULL), DEVCONF_ECONNECT,
                    "127.0.0.1:1");
    ck_assert_ptr_null(s);
}
END_TEST

START_TEST(session_open_rejects_path_in_netconf_uri)
{
    devconf_session *s = (devconf_session *)&s;
    ck_assert_error(devconf_session_open(&s, ctx, "netconf://tester@router1/restconf", NULL), DEVCONF_EINVAL,
                    "no path");
    ck_assert_ptr_null(s);
}
END_TEST

START_TEST(session_open_refused_names_host_and_port)
{
    unsigned int port = closed_port();
    char uri[128], port_text[32];
    snprintf(uri, sizeof uri, "netconf://tester@127.0.0.1:%u", port);
    snprintf(port_text, sizeof port_text, "port %u", port);
    char known_hosts[512];
    snprintf(known_hosts, sizeof known_hosts, "%s/known_hosts", tmpdir);

    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.password = "not-used";
    o.known_hosts = known_hosts;
    o.connect_timeout_ms = 5000;
    devconf_session *s = (devconf_session *)&s;
    int r = devconf_session_open(&s, ctx, uri, &o);
    ck_assert_error(r, DEVCONF_ECONNECT, "127.0.0.1");
    const char *msg = devconf_error_message(devconf_error_last());
    ck_assert_msg(strstr(msg, port_text) != NULL, "message '%s' does not name the port (%s)", msg, port_text);
    ck_assert_msg(strstr(msg, "not-used") == NULL, "message leaks the password: %s", msg);
    ck_assert_int_eq(devconf_error_origin(devconf_error_last()), DEVCONF_ORIGIN_SSH);
    ck_assert_ptr_null(s);
}
END_TEST

/* ---- contexts ---- */

START_TEST(ctx_add_search_dir_missing_dir_is_enotfound)
{
    char missing[512];
    snprintf(missing, sizeof missing, "%s/no-such-dir", tmpdir);
    ck_assert_error(devconf_ctx_add_search_dir(ctx, missing), DEVCONF_ENOTFOUND, missing);
}
END_TEST

START_TEST(ctx_add_search_dir_regular_file_is_enotfound)
{
    char file[512];
    snprintf(file, sizeof file, "%s/file.yang", tmpdir);
    FILE *f = fopen(file, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    ck_assert_error(devconf_ctx_add_search_dir(ctx, file), DEVCONF_ENOTFOUND, file);
}
END_TEST

START_TEST(ctx_add_search_dir_accepts_existing_dir)
{
    size_t before = ctx->search_dir_count;
    ck_assert_int_eq(devconf_ctx_add_search_dir(ctx, tmpdir), 0);
    ck_assert_uint_eq(ctx->search_dir_count, before + 1);
    ck_assert_str_eq(ctx->search_dirs[before], tmpdir);
}
END_TEST

START_TEST(ctx_add_search_dir_rejects_null)
{
    ck_assert_error(devconf_ctx_add_search_dir(ctx, NULL), DEVCONF_EINVAL, "NULL");
    ck_assert_error(devconf_ctx_add_search_dir(NULL, tmpdir), DEVCONF_EINVAL, "NULL");
}
END_TEST

START_TEST(ctx_set_cache_dir_creates_parents_and_is_reported)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/a/b/c", tmpdir);
    ck_assert_int_eq(devconf_ctx_set_cache_dir(ctx, dir), 0);
    ck_assert_str_eq(devconf_ctx_cache_dir(ctx), dir);
    struct stat st;
    ck_assert_int_eq(stat(dir, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert_int_eq(st.st_mode & 0777, 0700);
}
END_TEST

START_TEST(ctx_set_cache_dir_rejects_null_and_empty)
{
    ck_assert_error(devconf_ctx_set_cache_dir(ctx, NULL), DEVCONF_EINVAL, "NULL");
    ck_assert_error(devconf_ctx_set_cache_dir(ctx, ""), DEVCONF_EINVAL, "empty");
    ck_assert_error(devconf_ctx_set_cache_dir(NULL, tmpdir), DEVCONF_EINVAL, "NULL");
}
END_TEST

START_TEST(ctx_set_cache_dir_under_a_file_fails_and_keeps_old_dir)
{
    char file[512], dir[600];
    snprintf(file, sizeof file, "%s/plain", tmpdir);
    FILE *f = fopen(file, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    snprintf(dir, sizeof dir, "%s/sub", file);
    char *before = strdup(devconf_ctx_cache_dir(ctx));
    ck_assert_error(devconf_ctx_set_cache_dir(ctx, dir), DEVCONF_ERROR, file);
    ck_assert_str_eq(devconf_ctx_cache_dir(ctx), before);
    free(before);
}
END_TEST

START_TEST(ctx_new_rejects_null_out)
{
    ck_assert_error(devconf_ctx_new(NULL), DEVCONF_EINVAL, "NULL out");
}
END_TEST

START_TEST(ctx_accessors_tolerate_null)
{
    ck_assert_ptr_null(devconf_ctx_cache_dir(NULL));
    devconf_ctx_set_log_callback(NULL, DEVCONF_LOG_DEBUG, NULL, NULL);
}
END_TEST

/* ---- library life cycle (no fixture: the reference count starts at 0) ---- */

START_TEST(ctx_new_before_init_fails)
{
    devconf_ctx *c = (devconf_ctx *)&c;
    ck_assert_error(devconf_ctx_new(&c), DEVCONF_ERROR, "devconf_init()");
    ck_assert_ptr_null(c);
}
END_TEST

START_TEST(init_and_deinit_are_reference_counted)
{
    ck_assert_int_eq(devconf_init(), 1);
    ck_assert_int_eq(devconf_init(), 2);
    ck_assert_int_eq(devconf_deinit(), 1);
    ck_assert_int_eq(devconf_deinit(), 0);
    devconf__error_clear();
    ck_assert_error(devconf_deinit(), DEVCONF_EINVAL, "without devconf_init()");
    /* and it can start again */
    ck_assert_int_eq(devconf_init(), 1);
    devconf_ctx *c = NULL;
    ck_assert_int_eq(devconf_ctx_new(&c), 0);
    devconf_ctx_free(c);
    ck_assert_int_eq(devconf_deinit(), 0);
    devconf_thread_cleanup();
}
END_TEST

START_TEST(version_matches_headers)
{
    ck_assert_str_eq(devconf_version(), DEVCONF_VERSION_STRING);
    ck_assert_int_eq(devconf_version_number(), DEVCONF_VERSION_NUMBER);
    ck_assert_int_eq(DEVCONF_VERSION_NUMBER,
                     DEVCONF_VERSION_MAJOR * 10000 + DEVCONF_VERSION_MINOR * 100 + DEVCONF_VERSION_MICRO);
    char expect[64];
    snprintf(expect, sizeof expect, "%d.%d.%d", DEVCONF_VERSION_MAJOR, DEVCONF_VERSION_MINOR, DEVCONF_VERSION_MICRO);
    ck_assert_str_eq(devconf_version(), expect);
    ck_assert(DEVCONF_VERSION_CHECK(DEVCONF_VERSION_MAJOR, DEVCONF_VERSION_MINOR, DEVCONF_VERSION_MICRO));
    ck_assert(!DEVCONF_VERSION_CHECK(DEVCONF_VERSION_MAJOR + 1, 0, 0));
}
END_TEST

START_TEST(free_functions_accept_null)
{
    devconf_free(NULL);
    devconf_session_free(NULL);
    devconf_ctx_free(NULL);
    devconf_error_free(NULL);
}
END_TEST

START_TEST(thread_cleanup_is_harmless_without_use)
{
    devconf_thread_cleanup();
    devconf_thread_cleanup();
}
END_TEST

START_TEST(enum_names_cover_every_value)
{
    ck_assert_str_eq(devconf_log_level_name(DEVCONF_LOG_ERROR), "error");
    ck_assert_str_eq(devconf_log_level_name(DEVCONF_LOG_WARNING), "warning");
    ck_assert_str_eq(devconf_log_level_name(DEVCONF_LOG_INFO), "info");
    ck_assert_str_eq(devconf_log_level_name(DEVCONF_LOG_DEBUG), "debug");
    ck_assert_str_eq(devconf_log_level_name((devconf_log_level)42), "unknown");
    ck_assert_str_eq(devconf_datastore_name(DEVCONF_DS_RUNNING), "running");
    ck_assert_str_eq(devconf_datastore_name(DEVCONF_DS_CANDIDATE), "candidate");
    ck_assert_str_eq(devconf_datastore_name(DEVCONF_DS_STARTUP), "startup");
    ck_assert_str_eq(devconf_datastore_name(DEVCONF_DS_CONFIG), "config");
    ck_assert_str_eq(devconf_datastore_name((devconf_datastore)0), "unknown");
}
END_TEST

/* ---- every operation with a NULL session ---- */

/* Sets a stale error first, so a call that returns without setting one is caught. */
static void stale_error(void)
{
    devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_ETIMEOUT, "stale");
}

#define ck_assert_null_session(call)                                                                     \
    do {                                                                                                 \
        stale_error();                                                                                   \
        int r__ = (call);                                                                                \
        ck_assert_msg(r__ == DEVCONF_EINVAL, "%s returned %d (%s)", #call, r__,                          \
                      devconf_error_message(devconf_error_last()));                                      \
        ck_assert_int_eq(devconf_error_code(devconf_error_last()), DEVCONF_EINVAL);                      \
        ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), "NULL session") != NULL,       \
                      "%s: message '%s' does not mention the NULL session", #call,                       \
                      devconf_error_message(devconf_error_last()));                                      \
    } while (0)

START_TEST(ops_reject_null_session)
{
    char *out = (char *)&out;
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    devconf_edit_options eo = DEVCONF_EDIT_OPTIONS_INIT;
    devconf_commit_options co = DEVCONF_COMMIT_OPTIONS_INIT;
    const char *cfg = "<interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\"/>";

    ck_assert_null_session(devconf_get(&out, NULL, NULL, NULL));
    ck_assert_ptr_null(out);
    out = (char *)&out;
    ck_assert_null_session(devconf_get(&out, NULL, "/interfaces", &ro));
    ck_assert_ptr_null(out);
    out = (char *)&out;
    ck_assert_null_session(devconf_get_config(&out, NULL, DEVCONF_DS_RUNNING, NULL, NULL));
    ck_assert_ptr_null(out);
    out = (char *)&out;
    ck_assert_null_session(devconf_get_config(&out, NULL, DEVCONF_DS_CANDIDATE, cfg, &ro));
    ck_assert_ptr_null(out);
    ck_assert_null_session(devconf_edit_config(NULL, DEVCONF_DS_CANDIDATE, cfg, NULL));
    ck_assert_null_session(devconf_edit_config(NULL, DEVCONF_DS_RUNNING, cfg, &eo));
    ck_assert_null_session(devconf_commit(NULL, NULL));
    ck_assert_null_session(devconf_commit(NULL, &co));
    ck_assert_null_session(devconf_cancel_commit(NULL, NULL, NULL));
    ck_assert_null_session(devconf_cancel_commit(NULL, "persist-1", NULL));
    ck_assert_null_session(devconf_discard_changes(NULL, NULL));
    ck_assert_null_session(devconf_lock(NULL, DEVCONF_DS_RUNNING, NULL));
    ck_assert_null_session(devconf_unlock(NULL, DEVCONF_DS_CANDIDATE, NULL));
    ck_assert_null_session(devconf_validate(NULL, DEVCONF_DS_CANDIDATE, NULL, NULL));
    ck_assert_null_session(devconf_validate(NULL, DEVCONF_DS_CONFIG, cfg, NULL));
    ck_assert_null_session(devconf_copy_config(NULL, DEVCONF_DS_STARTUP, DEVCONF_DS_RUNNING, NULL, NULL));
    ck_assert_null_session(devconf_copy_config(NULL, DEVCONF_DS_CANDIDATE, DEVCONF_DS_CONFIG, cfg, NULL));
    ck_assert_null_session(devconf_delete_config(NULL, DEVCONF_DS_STARTUP, NULL));
    out = (char *)&out;
    ck_assert_null_session(devconf_get_schema(&out, NULL, "ietf-interfaces", NULL, NULL, NULL));
    ck_assert_ptr_null(out);
    out = (char *)&out;
    ck_assert_null_session(devconf_get_schema(&out, NULL, "ietf-interfaces", "2014-05-08", "yang", NULL));
    ck_assert_ptr_null(out);
    ck_assert_null_session(devconf_kill_session(NULL, 7, NULL));
    out = (char *)&out;
    ck_assert_null_session(
        devconf_rpc(&out, NULL, "<get-schema xmlns=\"urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring\"/>", NULL));
    ck_assert_ptr_null(out);
}
END_TEST

static Suite *options_suite(void)
{
    Suite *s = suite_create("options");

    TCase *tc = tcase_create("options");
    tcase_add_test(tc, options_init_rejects_version_0);
    tcase_add_test(tc, options_init_fills_defaults_for_current_version);
    tcase_add_test(tc, options_init_rejects_newer_version);
    tcase_add_test(tc, options_init_rejects_null);
    tcase_add_test(tc, options_static_init_matches_options_init);
    tcase_add_test(tc, ops_options_static_inits_carry_their_version);
    suite_add_tcase(s, tc);

    /* No fixture: these need the library not initialised, and leave it so. */
    tc = tcase_create("lifecycle");
    tcase_add_test(tc, ctx_new_before_init_fails);
    tcase_add_test(tc, init_and_deinit_are_reference_counted);
    tcase_add_test(tc, version_matches_headers);
    tcase_add_test(tc, free_functions_accept_null);
    tcase_add_test(tc, thread_cleanup_is_harmless_without_use);
    tcase_add_test(tc, enum_names_cover_every_value);
    tcase_add_test(tc, ops_reject_null_session);
    suite_add_tcase(s, tc);

    tc = tcase_create("session_open");
    tcase_add_checked_fixture(tc, ctx_setup, ctx_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, session_open_rejects_null_out);
    tcase_add_test(tc, session_open_rejects_null_ctx);
    tcase_add_test(tc, session_open_rejects_null_uri);
    tcase_add_test(tc, session_open_rejects_bad_uri);
    tcase_add_test(tc, session_open_rejects_unknown_scheme);
    tcase_add_test(tc, session_open_rejects_options_version_0);
    tcase_add_test(tc, session_open_rejects_unknown_options_version);
    tcase_add_test(tc, session_open_rejects_negative_timeouts);
    tcase_add_test(tc, session_open_rejects_unknown_hostkey_policy);
    tcase_add_test(tc, session_open_netconf_tls_without_client_cert_is_refused_locally);
    tcase_add_test(tc, session_open_netconf_tls_unreadable_client_cert_is_refused_locally);
    tcase_add_test(tc, session_open_restconf_refused_port_is_connect_error);
    tcase_add_test(tc, session_open_rejects_path_in_netconf_uri);
    tcase_add_test(tc, session_open_refused_names_host_and_port);
    suite_add_tcase(s, tc);

    tc = tcase_create("ctx");
    tcase_add_checked_fixture(tc, ctx_setup, ctx_teardown);
    tcase_add_test(tc, ctx_add_search_dir_missing_dir_is_enotfound);
    tcase_add_test(tc, ctx_add_search_dir_regular_file_is_enotfound);
    tcase_add_test(tc, ctx_add_search_dir_accepts_existing_dir);
    tcase_add_test(tc, ctx_add_search_dir_rejects_null);
    tcase_add_test(tc, ctx_set_cache_dir_creates_parents_and_is_reported);
    tcase_add_test(tc, ctx_set_cache_dir_rejects_null_and_empty);
    tcase_add_test(tc, ctx_set_cache_dir_under_a_file_fails_and_keeps_old_dir);
    tcase_add_test(tc, ctx_new_rejects_null_out);
    tcase_add_test(tc, ctx_accessors_tolerate_null);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(options_suite());
}
