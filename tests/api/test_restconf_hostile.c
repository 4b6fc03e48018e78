/* RESTCONF against a hostile server (tests/fixtures/restconf/hostile.py): credentials never go to a
 * host the server picks, replies are bounded in bytes and time, nothing is dropped silently, and the
 * session stays usable after each refusal. Each probe asserts the code, the message, that the call
 * returned (through the call's own timeout, never a wall clock), and where it matters that memory
 * stayed bounded (maxrss before and after, against the cap with a generous factor). */
#include <check.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <devconf/devconf.h>

#include "test_server.h"
#include "test_util.h"

#define MiB (1024u * 1024u)
#define SECRET_PW "Sekr1t-pw-9"
#define SECRET_TOKEN "tok-Sekr1t-77"

typedef enum { CRED_NONE, CRED_BASIC, CRED_BEARER } cred;

struct hostile {
    char dir[256];
    char uri[160];
    char ca[320];
    int pid;
    bool tls;
};

static devconf_ctx *ctx;

static void hostile_start(struct hostile *h, const char *scenario, bool tls)
{
    memset(h, 0, sizeof *h);
    h->tls = tls;
    const char *src = getenv("DEVCONF_SOURCE_DIR");
    snprintf(h->dir, sizeof h->dir, "/tmp/devconf-hostile-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(h->dir));
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "python3 '%s/tests/fixtures/restconf/hostile.py' '%s' '%s' %s >'%s/hostile.log' 2>&1 &",
             src ? src : ".", scenario, h->dir, tls ? "--tls" : "", h->dir);
    ck_assert_int_eq(system(cmd), 0);
    char path[400];
    snprintf(path, sizeof path, "%s/port", h->dir);
    char *port = NULL;
    for (int i = 0; i < 400 && !(port = test_read_file(path)); i++) {
        usleep(50 * 1000);
    }
    ck_assert_msg(port != NULL, "hostile.py %s did not start (see %s/hostile.log)", scenario, h->dir);
    snprintf(h->uri, sizeof h->uri, "%s://127.0.0.1:%d", tls ? "restconf" : "restconf+http", atoi(port));
    free(port);
    snprintf(path, sizeof path, "%s/hostile.pid", h->dir);
    char *pid = test_read_file(path);
    ck_assert_ptr_nonnull(pid);
    h->pid = atoi(pid);
    free(pid);
    snprintf(h->ca, sizeof h->ca, "%s/cert.pem", h->dir);
}

/* Contents of a file the server wrote ("" when missing); the caller frees it. */
static char *hostile_file(const struct hostile *h, const char *name)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", h->dir, name);
    char *t = test_read_file(path);
    return t ? t : strdup("");
}

static void hostile_stop(struct hostile *h)
{
    if (h->pid > 0) {
        kill(h->pid, SIGTERM);
    }
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", h->dir);
    (void)system(cmd);
}

/* Nothing reached the bystander server, the host the device tried to send devconf to. */
static void assert_nothing_elsewhere(const struct hostile *h)
{
    char *e = hostile_file(h, "elsewhere.jsonl");
    ck_assert_msg(e[0] == '\0', "a request reached the other server: %s", e);
    free(e);
}

static devconf_session_options options(const struct hostile *h, cred c)
{
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    if (h->tls) {
        o.ca_file = h->ca;
    }
    if (c == CRED_BASIC) {
        o.username = "admin";
        o.password = SECRET_PW;
    } else if (c == CRED_BEARER) {
        o.bearer_token = SECRET_TOKEN;
    }
    return o;
}

static devconf_session *open_with(const struct hostile *h, const devconf_session_options *o)
{
    devconf_session *s = NULL;
    int rc = devconf_session_open(&s, ctx, h->uri, o);
    ck_assert_msg(rc == 0, "open %s: %d %s", h->uri, rc, devconf_error_message(devconf_error_last()));
    return s;
}

static devconf_session *open_plain(const struct hostile *h)
{
    devconf_session_options o = options(h, CRED_NONE);
    return open_with(h, &o);
}

static long maxrss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* The session still answers a normal read after a refusal. */
static void assert_still_usable(devconf_session *s)
{
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/devconf-example:settings", NULL));
    ck_assert_msg(strstr(out, "<hostname>r1</hostname>"), "%s", out);
    devconf_free(out);
}

static bool valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 : (*p & 0xF8) == 0xF0 ? 3 : -1;
        if (n < 0 || (n == 1 && *p < 0xC2)) {
            return false;
        }
        p++;
        for (int i = 0; i < n; i++, p++) {
            if ((*p & 0xC0) != 0x80) {
                return false;
            }
        }
    }
    return true;
}

/* No C0 (but tab), DEL or C1 control character: the message can go to a terminal as it is. */
static bool printable_line(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && *p != '\t') || *p == 0x7F || (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)) {
            return false;
        }
    }
    return true;
}

static void setup(void)
{
    test_ctx_up_tmp(&ctx, "/tmp/devconf-hostile-cache-XXXXXX", "/usr/share/yuma/modules/ietf");
}

static void teardown(void)
{
    test_ctx_down(&ctx, 1);
}

/* ---- credentials stay on the session's scheme, host and port ---- */

static void host_meta_elsewhere(bool tls)
{
    const char *scenarios[] = { "hostmeta-userinfo", "hostmeta-other", "hostmeta-protocol-relative" };
    for (size_t i = 0; i < 3; i++) {
        struct hostile h;
        hostile_start(&h, scenarios[i], tls);
        for (cred c = CRED_BASIC; c <= CRED_BEARER; c++) {
            devconf_session_options o = options(&h, c);
            devconf_session *s = NULL;
            int rc = devconf_session_open(&s, ctx, h.uri, &o);
            const char *m = devconf_error_message(devconf_error_last());
            ck_assert_msg(rc == DEVCONF_EPROTO, "%s (%s): open gave %d: %s", scenarios[i], h.uri, rc, m);
            ck_assert_ptr_null(s);
            ck_assert_msg(strstr(m, "host-meta") && strstr(m, "/restconf'") && strstr(m, "nothing was sent"),
                          "%s: the message names the href: %s", scenarios[i], m);
            ck_assert_msg(!strstr(m, SECRET_PW) && !strstr(m, SECRET_TOKEN), "%s", m);
        }
        assert_nothing_elsewhere(&h);
        char *reqs = hostile_file(&h, "requests.jsonl");
        ck_assert_msg(test_count(reqs, "/.well-known/host-meta") == 2, "%s", reqs);
        free(reqs);
        hostile_stop(&h);
    }
    ck_assert(!test_log_contains(SECRET_PW) && !test_log_contains(SECRET_TOKEN));
}

START_TEST(host_meta_pointing_elsewhere_is_refused_over_http)
{
    host_meta_elsewhere(false);
}
END_TEST

START_TEST(host_meta_pointing_elsewhere_is_refused_over_https)
{
    host_meta_elsewhere(true);
}
END_TEST

START_TEST(host_meta_unsafe_paths_are_refused)
{
    const char *scenarios[] = { "hostmeta-dotdot", "hostmeta-fragment", "hostmeta-control" };
    for (size_t i = 0; i < 3; i++) {
        struct hostile h;
        hostile_start(&h, scenarios[i], false);
        devconf_session *s = NULL;
        devconf_session_options o = options(&h, CRED_BASIC);
        int rc = devconf_session_open(&s, ctx, h.uri, &o);
        const char *m = devconf_error_message(devconf_error_last());
        ck_assert_msg(rc == DEVCONF_EPROTO, "%s: open gave %d: %s", scenarios[i], rc, m);
        ck_assert_msg(strstr(m, "host-meta") && strstr(m, "conf"), "%s: %s", scenarios[i], m);
        ck_assert_msg(printable_line(m), "%s", m);
        char *reqs = hostile_file(&h, "requests.jsonl");
        ck_assert_msg(test_count(reqs, "\"path\"") == 1, "only host-meta was asked: %s", reqs);
        free(reqs);
        hostile_stop(&h);
    }
}
END_TEST

START_TEST(host_meta_same_origin_absolute_href_is_used)
{
    struct hostile h;
    hostile_start(&h, "hostmeta-same-origin", true);
    devconf_session_options o = options(&h, CRED_BEARER);
    devconf_session *s = open_with(&h, &o);
    assert_still_usable(s);
    devconf_session_free(s);
    assert_nothing_elsewhere(&h);
    hostile_stop(&h);
}
END_TEST

static void schema_elsewhere(const char *scenario, bool tls)
{
    struct hostile h;
    hostile_start(&h, scenario, tls);
    for (cred c = CRED_BASIC; c <= CRED_BEARER; c++) {
        devconf_session_options o = options(&h, c);
        devconf_session *s = open_with(&h, &o); /* the schema is not downloaded: a warning */
        char *out = NULL;
        int rc = devconf_get_schema(&out, s, "devconf-example", NULL, NULL, NULL);
        const char *m = devconf_error_message(devconf_error_last());
        ck_assert_msg(rc == DEVCONF_EPROTO, "%s: get-schema gave %d: %s", scenario, rc, m);
        ck_assert_ptr_null(out);
        ck_assert_msg(strstr(m, "schema") && strstr(m, "devconf-example.yang"), "%s", m);
        devconf_session_free(s);
    }
    assert_nothing_elsewhere(&h);
    hostile_stop(&h);
    ck_assert(!test_log_contains(SECRET_PW) && !test_log_contains(SECRET_TOKEN));
}

START_TEST(schema_url_pointing_elsewhere_is_refused_over_http)
{
    schema_elsewhere("schema-elsewhere", false);
    schema_elsewhere("schema-other-port", false);
}
END_TEST

START_TEST(schema_url_pointing_elsewhere_is_refused_over_https)
{
    schema_elsewhere("schema-elsewhere", true);
    schema_elsewhere("schema-other-port", true);
}
END_TEST

/* ---- bounded in bytes ---- */

START_TEST(huge_body_stops_at_max_reply_bytes)
{
    struct hostile h;
    hostile_start(&h, "huge", false);
    devconf_session_options o = options(&h, CRED_NONE);
    o.max_reply_bytes = 16 * MiB;
    devconf_session *s = open_with(&h, &o);
    long before = maxrss_kib();
    char *out = NULL;
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/devconf-example:items", NULL), DEVCONF_EPROTO);
    const char *m = devconf_error_message(devconf_error_last());
    ck_assert_msg(strstr(m, "max_reply_bytes") && strstr(m, "16777216"), "%s", m);
    long grown = maxrss_kib() - before;
    ck_assert_msg(grown < 10 * 16 * 1024, "maxrss grew by %ld KiB for a 16 MiB cap", grown);
    assert_still_usable(s);
    devconf_session_free(s);
    hostile_stop(&h);
}
END_TEST

START_TEST(announced_huge_body_is_refused_before_it_is_read)
{
    struct hostile h;
    hostile_start(&h, "huge-length", false);
    devconf_session *s = open_plain(&h); /* the default cap, 256 MiB */
    long before = maxrss_kib();
    char *out = NULL;
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/devconf-example:items", NULL), DEVCONF_EPROTO);
    const char *m = devconf_error_message(devconf_error_last());
    ck_assert_msg(strstr(m, "268435456") && strstr(m, "629145600"), "%s", m);
    long grown = maxrss_kib() - before;
    ck_assert_msg(grown < 64 * 1024, "maxrss grew by %ld KiB", grown);
    assert_still_usable(s);
    devconf_session_free(s);
    hostile_stop(&h);
}
END_TEST

START_TEST(gzip_bomb_stays_within_max_reply_bytes)
{
    struct hostile h;
    hostile_start(&h, "gzip", false);
    devconf_session_options o = options(&h, CRED_NONE);
    o.max_reply_bytes = 16 * MiB;
    devconf_session *s = open_with(&h, &o);
    long before = maxrss_kib();
    char *out = NULL;
    int rc = devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/devconf-example:items", NULL);
    const char *m = devconf_error_message(devconf_error_last());
    ck_assert_msg(rc == DEVCONF_EPROTO, "%d %s", rc, m);
    ck_assert_msg(strstr(m, "max_reply_bytes") && strstr(m, "16777216"), "%s", m);
    long grown = maxrss_kib() - before;
    ck_assert_msg(grown < 10 * 16 * 1024, "maxrss grew by %ld KiB for a 16 MiB cap", grown);
    assert_still_usable(s);
    devconf_session_free(s);
    hostile_stop(&h);
}
END_TEST

static void many_errors(const char *scenario)
{
    struct hostile h;
    hostile_start(&h, scenario, false);
    devconf_session *s = open_plain(&h);
    long before = maxrss_kib();
    char *out = NULL;
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/devconf-example:items", NULL), DEVCONF_ERPC);
    const devconf_error *e = devconf_error_last();
    const char *m = devconf_error_message(e);
    ck_assert_int_eq(devconf_error_http_status(e), 400);
    ck_assert_uint_eq(devconf_error_rpc_error_count(e), 1000);
    ck_assert_str_eq(devconf_rpc_error_message(devconf_error_rpc_error(e, 999)), "bad value 999");
    ck_assert_msg(strstr(m, "bad value 0") && strstr(m, "99999 more") && strstr(m, "99000") && strstr(m, "dropped"),
                  "%s", m);
    long grown = maxrss_kib() - before;
    ck_assert_msg(grown < 200 * 1024, "maxrss grew by %ld KiB for a 10 MB error body", grown);
    assert_still_usable(s);
    devconf_session_free(s);
    hostile_stop(&h);
}

START_TEST(errors_100000_json_are_capped)
{
    many_errors("errors");
}
END_TEST

START_TEST(errors_100000_xml_are_capped)
{
    many_errors("errors-xml");
}
END_TEST

/* ---- bounded in time ---- */

static void ends_at_timeout(const char *scenario)
{
    struct hostile h;
    hostile_start(&h, scenario, false);
    devconf_session_options o = options(&h, CRED_NONE);
    o.rpc_timeout_ms = 1000;
    devconf_session *s = open_with(&h, &o);
    char *out = NULL;
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/devconf-example:items", NULL), DEVCONF_ETIMEOUT);
    const char *m = devconf_error_message(devconf_error_last());
    ck_assert_msg(strstr(m, "1000 ms"), "%s", m);
    assert_still_usable(s);
    devconf_session_free(s);
    hostile_stop(&h);
}

START_TEST(dripping_body_ends_at_the_timeout)
{
    ends_at_timeout("drip");
}
END_TEST

START_TEST(stalled_headers_end_at_the_timeout)
{
    ends_at_timeout("stall");
}
END_TEST

/* ---- nothing dropped silently ---- */

START_TEST(deep_json_is_refused)
{
    struct hostile h;
    hostile_start(&h, "deep", false);
    devconf_session *s = open_plain(&h);
    char *out = NULL;
    int rc = devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/devconf-example:items", NULL);
    const char *m = devconf_error_message(devconf_error_last());
    ck_assert_msg(rc == DEVCONF_EPROTO && strstr(m, "nest"), "filtered: %d %s", rc, m);
    rc = devconf_get_config(&out, s, DEVCONF_DS_RUNNING, NULL, NULL);
    m = devconf_error_message(devconf_error_last());
    ck_assert_msg(rc == DEVCONF_EPROTO && strstr(m, "nest"), "whole datastore: %d %s [%s]", rc, m, rc ? "" : out);
    assert_still_usable(s);
    devconf_session_free(s);
    hostile_stop(&h);
}
END_TEST

START_TEST(deep_xml_is_refused)
{
    struct hostile h;
    hostile_start(&h, "deep-xml", false);
    devconf_session *s = open_plain(&h);
    char *out = NULL;
    int rc = devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/devconf-example:items", NULL);
    const char *m = devconf_error_message(devconf_error_last());
    ck_assert_msg(rc == DEVCONF_EPROTO || rc == DEVCONF_EYANG, "%d %s", rc, m);
    ck_assert_ptr_null(out);
    assert_still_usable(s);
    devconf_session_free(s);
    hostile_stop(&h);
}
END_TEST

START_TEST(invalid_utf8_is_refused_and_never_passed_on)
{
    struct hostile h;
    hostile_start(&h, "utf8", false);
    devconf_session *s = open_plain(&h);
    char *out = NULL;
    int rc = devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/devconf-example:items", NULL);
    const char *m = devconf_error_message(devconf_error_last());
    ck_assert_msg(rc == DEVCONF_EPROTO, "%d %s", rc, m);
    ck_assert_msg(valid_utf8(m), "%s", m);
    /* an error body with invalid UTF-8: reported, with valid UTF-8 in message and entries */
    ASSERT_FAILS(devconf_get(&out, s, "/devconf-example:status", NULL), DEVCONF_ERPC);
    const devconf_error *e = devconf_error_last();
    m = devconf_error_message(e);
    ck_assert_msg(valid_utf8(m) && strstr(m, "bad ") && strstr(m, " bytes"), "%s", m);
    ck_assert_uint_eq(devconf_error_rpc_error_count(e), 1);
    ck_assert(valid_utf8(devconf_rpc_error_message(devconf_error_rpc_error(e, 0))));
    assert_still_usable(s);
    devconf_session_free(s);
    hostile_stop(&h);
}
END_TEST

START_TEST(c1_controls_stay_data_and_never_reach_the_message)
{
    struct hostile h;
    hostile_start(&h, "c1", false);
    devconf_session *s = open_plain(&h);
    /* in a value: data, returned as the device sent it (escaping for a terminal is the printer's job) */
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    ro.format = DEVCONF_FORMAT_JSON;
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/devconf-example:items", &ro));
    ck_assert_msg(strstr(out, "x\xc2\x9b" "31mred"), "%s", out);
    devconf_free(out);
    /* in an error message: the one-line message shows it escaped; the entry keeps it */
    ASSERT_FAILS(devconf_get(&out, s, "/devconf-example:status", NULL), DEVCONF_ERPC);
    const devconf_error *e = devconf_error_last();
    const char *m = devconf_error_message(e);
    ck_assert_msg(printable_line(m) && strstr(m, "evil") && strstr(m, "message"), "%s", m);
    ck_assert_ptr_nonnull(strstr(devconf_rpc_error_message(devconf_error_rpc_error(e, 0)), "\xc2\x9b"));
    devconf_session_free(s);
    hostile_stop(&h);
}
END_TEST

START_TEST(http10_server_works)
{
    struct hostile h;
    hostile_start(&h, "http10", false);
    devconf_session *s = open_plain(&h);
    assert_still_usable(s);
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, NULL, NULL));
    ck_assert_msg(strstr(out, "<hostname>r1</hostname>"), "%s", out);
    devconf_free(out);
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/devconf-example:items", NULL));
    ck_assert_msg(strstr(out, "<name>alpha</name>"), "%s", out);
    devconf_free(out);
    devconf_session_free(s);
    hostile_stop(&h);
}
END_TEST

START_TEST(read_404_is_an_error)
{
    struct hostile h;
    hostile_start(&h, "data-404", false);
    devconf_session *s = open_plain(&h);
    char *out = NULL;
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/devconf-example:items", NULL),
                 DEVCONF_ENOTFOUND);
    const devconf_error *e = devconf_error_last();
    const char *m = devconf_error_message(e);
    ck_assert_ptr_null(out);
    ck_assert_int_eq(devconf_error_http_status(e), 404);
    ck_assert_uint_eq(devconf_error_rpc_error_count(e), 1);
    ck_assert_msg(strstr(m, "404") && strstr(m, "devconf-example:items") && strstr(m, "no such resource"), "%s", m);
    assert_still_usable(s);
    devconf_session_free(s);
    hostile_stop(&h);
}
END_TEST

START_TEST(data_without_schema_is_returned_as_sent_or_refused)
{
    struct hostile h;
    hostile_start(&h, "no-yang-library", false);
    devconf_session *s = open_plain(&h);
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    ro.format = DEVCONF_FORMAT_JSON;
    char *out = NULL;
    /* the server's own format: its text */
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, NULL, &ro));
    ck_assert_msg(strstr(out, "\"devconf-example:settings\"") && strstr(out, "\"r1\""), "%s", out);
    devconf_free(out);
    ck_assert(test_log_contains("not checked against"));
    /* another format: a clear error naming what is unknown */
    ro.format = DEVCONF_FORMAT_XML;
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, NULL, &ro), DEVCONF_EYANG);
    const char *m = devconf_error_message(devconf_error_last());
    ck_assert_msg(strstr(m, "devconf-example"), "%s", m);
    devconf_session_free(s);
    hostile_stop(&h);
}
END_TEST

START_TEST(unknown_members_are_returned_as_sent_or_refused)
{
    struct hostile h;
    hostile_start(&h, "unknown-member", false);
    devconf_session *s = open_plain(&h);
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    ro.format = DEVCONF_FORMAT_JSON;
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/devconf-example:settings", &ro));
    ck_assert_msg(strstr(out, "bogus-leaf") && strstr(out, "r1"), "%s", out);
    devconf_free(out);
    ro.format = DEVCONF_FORMAT_XML;
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/devconf-example:settings", &ro), DEVCONF_EYANG);
    const char *m = devconf_error_message(devconf_error_last());
    ck_assert_msg(strstr(m, "bogus-leaf"), "%s", m);
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, NULL, &ro), DEVCONF_EYANG);
    m = devconf_error_message(devconf_error_last());
    ck_assert_msg(strstr(m, "other-module"), "%s", m);
    devconf_session_free(s);
    hostile_stop(&h);
}
END_TEST

/* ---- no silent limits: a test at each old fixed size ---- */

START_TEST(etag_longer_than_128_is_kept_whole)
{
    struct hostile h;
    hostile_start(&h, "long-etag", false);
    devconf_session *s = open_plain(&h);
    assert_still_usable(s);
    ck_assert_uint_eq(strlen(devconf_session_etag(s)), 302);
    devconf_edit_options eo = DEVCONF_EDIT_OPTIONS_INIT;
    eo.if_match = 1;
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_RUNNING, "{\"devconf-example:settings\":{\"mtu\":1400}}", &eo));
    devconf_session_free(s);
    hostile_stop(&h);
}
END_TEST

START_TEST(content_type_longer_than_128_is_read_whole)
{
    struct hostile h;
    hostile_start(&h, "long-content-type", false);
    devconf_session *s = open_plain(&h);
    assert_still_usable(s);
    devconf_session_free(s);
    hostile_stop(&h);
}
END_TEST

START_TEST(module_with_70_features_gets_all_of_them)
{
    struct hostile h;
    hostile_start(&h, "features", false);
    devconf_session *s = open_plain(&h);
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/devconf-hostile-features:top", NULL));
    ck_assert_msg(strstr(out, "<last>seen</last>"), "%s", out);
    devconf_free(out);
    devconf_session_free(s);
    hostile_stop(&h);
}
END_TEST

START_TEST(more_than_512_capabilities_are_kept)
{
    struct hostile h;
    hostile_start(&h, "many-caps", false);
    devconf_session *s = open_plain(&h);
    ck_assert_uint_ge(devconf_session_capability_count(s), 600);
    ck_assert_int_eq(devconf_session_has_capability(s, "urn:example:capability:599"), 1);
    devconf_session_free(s);
    hostile_stop(&h);
}
END_TEST

START_TEST(edit_with_65_deletions_is_sent_whole)
{
    struct hostile h;
    hostile_start(&h, "normal", false);
    devconf_session *s = open_plain(&h);
    char payload[16384];
    size_t n = (size_t)snprintf(payload, sizeof payload, "<items xmlns=\"urn:devconf:example\" "
                                "xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\">");
    for (int i = 0; i < 65; i++) {
        n += (size_t)snprintf(payload + n, sizeof payload - n, "<item nc:operation=\"remove\"><name>i%d</name></item>",
                              i);
    }
    snprintf(payload + n, sizeof payload - n, "</items>");
    devconf_edit_options eo = DEVCONF_EDIT_OPTIONS_INIT;
    eo.default_operation = DEVCONF_EDIT_NONE;
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_RUNNING, payload, &eo));
    devconf_session_free(s);
    char *reqs = hostile_file(&h, "requests.jsonl");
    ck_assert_msg(test_count(reqs, "\\\"operation\\\":\\\"remove\\\"") == 65, "%s", reqs);
    ck_assert_int_eq(test_count(reqs, "item=i64"), 1);
    free(reqs);
    hostile_stop(&h);
}
END_TEST

START_TEST(long_node_names_in_a_filter_are_named_whole)
{
    struct hostile h;
    hostile_start(&h, "normal", false);
    devconf_session *s = open_plain(&h);
    char filter[400] = "/devconf-example:";
    memset(filter + strlen(filter), 'x', 200);
    char *out = NULL;
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, filter, NULL), DEVCONF_EYANG);
    ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), filter), "%s",
                  devconf_error_message(devconf_error_last()));
    devconf_session_free(s);
    hostile_stop(&h);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("restconf-hostile");
    TCase *tc = tcase_create("credentials");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, host_meta_pointing_elsewhere_is_refused_over_http);
    tcase_add_test(tc, host_meta_pointing_elsewhere_is_refused_over_https);
    tcase_add_test(tc, host_meta_unsafe_paths_are_refused);
    tcase_add_test(tc, host_meta_same_origin_absolute_href_is_used);
    tcase_add_test(tc, schema_url_pointing_elsewhere_is_refused_over_http);
    tcase_add_test(tc, schema_url_pointing_elsewhere_is_refused_over_https);
    suite_add_tcase(su, tc);
    tc = tcase_create("bounds");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, huge_body_stops_at_max_reply_bytes);
    tcase_add_test(tc, announced_huge_body_is_refused_before_it_is_read);
    tcase_add_test(tc, gzip_bomb_stays_within_max_reply_bytes);
    tcase_add_test(tc, errors_100000_json_are_capped);
    tcase_add_test(tc, errors_100000_xml_are_capped);
    tcase_add_test(tc, dripping_body_ends_at_the_timeout);
    tcase_add_test(tc, stalled_headers_end_at_the_timeout);
    suite_add_tcase(su, tc);
    tc = tcase_create("no-silent-loss");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, deep_json_is_refused);
    tcase_add_test(tc, deep_xml_is_refused);
    tcase_add_test(tc, invalid_utf8_is_refused_and_never_passed_on);
    tcase_add_test(tc, c1_controls_stay_data_and_never_reach_the_message);
    tcase_add_test(tc, http10_server_works);
    tcase_add_test(tc, read_404_is_an_error);
    tcase_add_test(tc, data_without_schema_is_returned_as_sent_or_refused);
    tcase_add_test(tc, unknown_members_are_returned_as_sent_or_refused);
    suite_add_tcase(su, tc);
    tc = tcase_create("limits");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, etag_longer_than_128_is_kept_whole);
    tcase_add_test(tc, content_type_longer_than_128_is_read_whole);
    tcase_add_test(tc, module_with_70_features_gets_all_of_them);
    tcase_add_test(tc, more_than_512_capabilities_are_kept);
    tcase_add_test(tc, edit_with_65_deletions_is_sent_whole);
    tcase_add_test(tc, long_node_names_in_a_filter_are_named_whole);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
