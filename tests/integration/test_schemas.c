/* The schema layer against the scripted NETCONF server (tests/fixtures/netconf/scripted): a device
 * that announces its modules only through an RFC 8525 YANG library (and the monitoring capability
 * bare), one with RFC 7895 modules-state, one with classic hello capabilities; cold and warm caches
 * (a warm connect sends no schema request at all, counted by the server); 50 devices of one module
 * set share one libyang context; two devices with different texts for one module@revision are each
 * checked against their own; a device naming a module "../../x" writes nothing outside the cache;
 * a cache directory others can write is refused. White-box (links the library's internals) to count
 * the contexts alive. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "yang/yang_p.h"
#include "test_scripted.h"
#include "test_server.h"
#include "test_util.h"

#define IF_NS "urn:ietf:params:xml:ns:yang:ietf-interfaces"

static test_scripted srv;
static devconf_ctx *ctx;

static void ctx_new(void)
{
    ck_assert_int_eq(devconf_ctx_new(&ctx), 0);
    ck_assert_int_eq(devconf_ctx_set_cache_dir(ctx, test_scripted_cache_dir(&srv)), 0);
    devconf_ctx_set_log_callback(ctx, DEVCONF_LOG_DEBUG, test_log_capture, NULL);
}

static void init(void)
{
    /* every module comes from the device here: no trusted directory that would take precedence */
    unsetenv("DEVCONF_YANG_PATH");
    ck_assert_int_ge(devconf_init(), 1);
    test_log_reset();
}

static void fini(void)
{
    devconf_ctx_free(ctx);
    ctx = NULL;
    test_scripted_stop(&srv);
    devconf_deinit();
    test_log_reset();
}

static int open_port(devconf_session **s, size_t i)
{
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.known_hosts = test_scripted_known_hosts(&srv);
    o.private_key = test_scripted_key(&srv);
    o.connect_timeout_ms = 30000;
    o.rpc_timeout_ms = 30000;
    *s = NULL;
    return devconf_session_open(s, ctx, test_scripted_uri_at(&srv, i), &o);
}

static devconf_session *must_open(size_t i)
{
    devconf_session *s = NULL;
    int r = open_port(&s, i);
    ck_assert_msg(r == 0, "open of port %zu failed: %d %s", i, r, devconf_error_message(devconf_error_last()));
    return s;
}

#define IFACE "<interfaces xmlns=\"" IF_NS "\"><interface><name>eth7</name><type xmlns:ianaift=" \
              "\"urn:ietf:params:xml:ns:yang:iana-if-type\">ianaift:ethernetCsmacd</type>" \
              "<description>%s</description></interface></interfaces>"

static void full_cycle(devconf_session *s)
{
    char payload[600];
    snprintf(payload, sizeof payload, IFACE, "set over rfc 8525");
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE, payload, NULL));
    ASSERT_OK(devconf_commit(s, NULL));
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/ietf-interfaces:interfaces", NULL));
    ck_assert_msg(strstr(out, "set over rfc 8525"), "%s", out);
    devconf_free(out);
    /* a subtree filter, and JSON */
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    ro.format = DEVCONF_FORMAT_JSON;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "<interfaces xmlns=\"" IF_NS "\"/>", &ro));
    ck_assert_msg(strstr(out, "\"ietf-interfaces:interfaces\"") && strstr(out, "eth7"), "%s", out);
    devconf_free(out);
    /* discard: a staged change goes away */
    snprintf(payload, sizeof payload, IFACE, "staged only");
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE, payload, NULL));
    ASSERT_OK(devconf_discard_changes(s, NULL));
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_CANDIDATE, NULL, NULL));
    ck_assert_msg(!strstr(out, "staged only"), "%s", out);
    devconf_free(out);
    /* get-schema: the monitoring capability is announced bare */
    ck_assert(devconf_session_has_capability(s, "ietf-netconf-monitoring"));
    ck_assert(devconf_session_has_capability(s, "ietf-interfaces")); /* listed in the library only */
    ASSERT_OK(devconf_get_schema(&out, s, "ietf-interfaces", NULL, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(out, "module ietf-interfaces"));
    devconf_free(out);
    /* a payload the schemas reject is refused before anything is sent */
    ASSERT_FAILS(devconf_edit_config(s, DEVCONF_DS_CANDIDATE, "<interfaces xmlns=\"" IF_NS "\"><bogus/></interfaces>",
                                     NULL), DEVCONF_EYANG);
}

static void cold_and_warm(const char *announce)
{
    const char *const args[] = { "--announce", announce, NULL };
    test_scripted_start(&srv, args);
    ctx_new();
    devconf_session *s = must_open(0);
    ck_assert_msg(devconf_session_schema_requests(s) > 3, "cold connect to an %s device asked for %u schemas",
                  announce, devconf_session_schema_requests(s));
    ck_assert_int_eq(test_scripted_stat(&srv, 0, "rpcs.get-schema"), (long)devconf_session_schema_requests(s));
    full_cycle(s);
    char id[65];
    snprintf(id, sizeof id, "%s", devconf_session_schema_id(s));
    devconf_session_free(s);

    /* a new ctx (a new process would do the same): the device's record, no request for schemas;
     * the device's YANG library is not even read again (its id is in the capability) */
    devconf_ctx_free(ctx);
    ctx_new();
    long gets = test_scripted_stat(&srv, 0, "rpcs.get"), schemas = test_scripted_stat(&srv, 0, "rpcs.get-schema");
    s = must_open(0);
    ck_assert_msg(devconf_session_schema_requests(s) == 0, "a warm connect asked for %u schemas; log: %.900s",
                  devconf_session_schema_requests(s), strstr(test_log_text(), "cannot") ? strstr(test_log_text(), "cannot") : "-");
    ck_assert_int_eq(test_scripted_stat(&srv, 0, "rpcs.get-schema"), schemas);
    ck_assert_int_eq(test_scripted_stat(&srv, 0, "rpcs.get"), gets);
    ck_assert_str_eq(devconf_session_schema_id(s), id);
    full_cycle(s);
    devconf_session_free(s);
}

START_TEST(rfc8525_only_device_cold_and_warm)
{
    cold_and_warm("rfc8525");
}
END_TEST

START_TEST(rfc7895_device_cold_and_warm)
{
    cold_and_warm("rfc7895");
}
END_TEST

START_TEST(hello_device_cold_and_warm)
{
    cold_and_warm("hello");
}
END_TEST

/* 50 devices of one module set: one context for all of them. */
static void fifty(devconf_schema_trust trust)
{
    const char *const args[] = { "--ports", "50", NULL };
    test_scripted_start(&srv, args);
    ctx_new();
    ASSERT_OK(devconf_ctx_set_schema_trust(ctx, trust));
    devconf_session *s[50];
    unsigned requests = 0;
    for (size_t i = 0; i < 50; i++) {
        s[i] = must_open(i);
        requests += devconf_session_schema_requests(s[i]);
        ck_assert_str_eq(devconf_session_schema_id(s[i]), devconf_session_schema_id(s[0]));
        ck_assert_ptr_eq(s[i]->tp->yang_ctx(s[i]), s[0]->tp->yang_ctx(s[0]));
    }
    ck_assert_uint_eq(devconf__schema_store_count(), 1);
    /* the first device's texts were parsed; the other 49 announced the same and delivered texts of
     * the same hashes, which decided their module set without parsing anything */
    size_t shortcut = 0;
    for (const char *p = test_log_text(); (p = strstr(p, "already in use (same announcement")); p++) {
        shortcut++;
    }
    ck_assert_uint_eq(shortcut, 49);
    unsigned first = devconf_session_schema_requests(s[0]);
    if (trust == DEVCONF_SCHEMA_TRUST_SHARED) {
        ck_assert_uint_eq(requests, first); /* the first device's texts served the other 49 */
    } else {
        ck_assert_uint_eq(requests, 50 * first); /* each device's texts checked against its own */
    }
    for (size_t i = 0; i < 50; i++) {
        devconf_session_free(s[i]);
    }
    ck_assert_uint_eq(devconf__schema_store_count(), 1); /* idle, kept for the next session */
}

START_TEST(fifty_devices_share_one_context)
{
    fifty(DEVCONF_SCHEMA_TRUST_DEVICE);
}
END_TEST

START_TEST(fifty_devices_with_shared_trust_download_once)
{
    fifty(DEVCONF_SCHEMA_TRUST_SHARED);
}
END_TEST

/* Device 1 serves its own text of ietf-interfaces@2014-05-08 (descriptions of at most 5 characters):
 * the same payload is valid for device 0 and refused locally for device 1. */
START_TEST(each_device_is_checked_against_its_own_text)
{
    char path[300];
    snprintf(path, sizeof path, "%s/devconf-if-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    char *text = test_read_file("/usr/share/yuma/modules/ietf/ietf-interfaces@2014-05-08.yang");
    ck_assert_ptr_nonnull(text);
    char *d = strstr(text, "leaf description {\n        type string;");
    ck_assert_ptr_nonnull(d);
    FILE *f = fdopen(fd, "w");
    fwrite(text, 1, (size_t)(d - text), f);
    fputs("leaf description {\n        type string { length \"0..5\"; }", f);
    fputs(d + strlen("leaf description {\n        type string;"), f);
    fclose(f);
    free(text);
    char over[400];
    snprintf(over, sizeof over, "1:ietf-interfaces@2014-05-08=%s", path);
    const char *const args[] = { "--ports", "2", "--text-override", over, NULL };
    test_scripted_start(&srv, args);
    ctx_new();
    devconf_session *good = must_open(0), *odd = must_open(1);
    ck_assert_str_ne(devconf_session_schema_id(good), devconf_session_schema_id(odd));
    char payload[600];
    snprintf(payload, sizeof payload, IFACE, "longer than five");
    ASSERT_OK(devconf_edit_config(good, DEVCONF_DS_CANDIDATE, payload, NULL));
    ASSERT_FAILS(devconf_edit_config(odd, DEVCONF_DS_CANDIDATE, payload, NULL), DEVCONF_EYANG);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "nothing sent"));
    /* and again with the order reversed in a new ctx: the first device does not decide for others */
    devconf_session_free(good);
    devconf_session_free(odd);
    devconf_ctx_free(ctx);
    ctx_new();
    odd = must_open(1);
    good = must_open(0);
    ASSERT_OK(devconf_edit_config(good, DEVCONF_DS_CANDIDATE, payload, NULL));
    ASSERT_FAILS(devconf_edit_config(odd, DEVCONF_DS_CANDIDATE, payload, NULL), DEVCONF_EYANG);
    devconf_session_free(good);
    devconf_session_free(odd);
    unlink(path);
}
END_TEST

static void bogus_names(const char *announce, const char *why)
{
    const char *const args[] = { "--announce", announce, "--announce-bogus", "../../devconf-escaped",
                                 "--announce-bogus", "..", NULL };
    test_scripted_start(&srv, args);
    ctx_new();
    devconf_session *s = NULL;
    int r = open_port(&s, 0);
    ck_assert_msg(r == DEVCONF_EPROTO, "%d %s", r, devconf_error_message(devconf_error_last()));
    ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), why), "%s",
                  devconf_error_message(devconf_error_last()));
    /* nothing next to or above the cache directory */
    char above[400];
    snprintf(above, sizeof above, "%s/../../devconf-escaped", test_scripted_cache_dir(&srv));
    ck_assert_int_ne(access(above, F_OK), 0);
    snprintf(above, sizeof above, "%s/../devconf-escaped", test_scripted_cache_dir(&srv));
    ck_assert_int_ne(access(above, F_OK), 0);
    devconf_ctx_free(ctx);
    ctx = NULL;
    test_scripted_stop(&srv);
}

START_TEST(a_module_named_like_a_path_writes_nothing_outside_the_cache)
{
    /* in a YANG library, libyang's own type check refuses the name; in a capability, devconf's */
    bogus_names("rfc8525", "does not conform");
    bogus_names("hello", "not a YANG identifier");
}
END_TEST

START_TEST(a_cache_directory_others_can_write_is_refused)
{
    test_scripted_start(&srv, NULL);
    ctx_new();
    const char *dir = test_scripted_cache_dir(&srv);
    ck_assert_int_eq(chmod(dir, 0777), 0);
    devconf_session *s = NULL;
    ck_assert_int_eq(open_port(&s, 0), DEVCONF_EINVAL);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "writable by everyone"));
    ck_assert_int_eq(devconf_ctx_set_cache_dir(ctx, dir), DEVCONF_EINVAL);
    ck_assert_int_eq(chmod(dir, 0700), 0);
    if (geteuid() == 0) {
        ck_assert_int_eq(chown(dir, 65534, 65534), 0);
        ck_assert_int_eq(open_port(&s, 0), DEVCONF_EINVAL);
        ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "belongs to uid 65534"));
        ck_assert_int_eq(chown(dir, 0, 0), 0);
    }
    s = must_open(0);
    devconf_session_free(s);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("schemas");
    TCase *tc = tcase_create("schemas");
    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, init, fini);
    tcase_add_test(tc, rfc8525_only_device_cold_and_warm);
    tcase_add_test(tc, rfc7895_device_cold_and_warm);
    tcase_add_test(tc, hello_device_cold_and_warm);
    tcase_add_test(tc, fifty_devices_share_one_context);
    tcase_add_test(tc, fifty_devices_with_shared_trust_download_once);
    tcase_add_test(tc, each_device_is_checked_against_its_own_text);
    tcase_add_test(tc, a_module_named_like_a_path_writes_nothing_outside_the_cache);
    tcase_add_test(tc, a_cache_directory_others_can_write_is_refused);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
