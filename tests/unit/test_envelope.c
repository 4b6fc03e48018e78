/* lib/netconf/envelope.c: the envelope of a NETCONF message and its <data> as self-contained text. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netconf/netconf_p.h"
#include "test_util.h"

/* The <data> of reply as text (freed by the caller); NULL when the scan fails (error set). */
static char *data_of(const char *reply)
{
    devconf__nc_env env;
    if (devconf__nc_env_scan(reply, strlen(reply), &env) < 0) {
        return NULL;
    }
    ck_assert(env.has_data);
    size_t n = 0;
    char *out = devconf__nc_env_data(reply, &env, UINT64_MAX, &n);
    ck_assert_uint_eq(n, strlen(out));
    devconf__nc_env_dispose(&env);
    return out;
}

static int scan(const char *msg, devconf__nc_env *env)
{
    int r = devconf__nc_env_scan(msg, strlen(msg), env);
    if (r == 0) {
        devconf__nc_env_dispose(env);
    }
    return r;
}

#define ENV "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rpc-reply message-id=\"7\" " \
            "xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\"\n  last-modified=\"2026-11-28T06:07:57Z\"\n" \
            "  xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">\n"

START_TEST(data_content_is_cut_out_trimmed)
{
    char *out = data_of(ENV "  <data>\n    <interfaces xmlns=\"urn:x\">\n      <interface><name>eth0</name>"
                            "</interface>\n    </interfaces>\n    <nacm xmlns=\"urn:y\">\n    </nacm>\n  </data>\n"
                            "</rpc-reply>");
    /* the envelope's nc prefix goes onto each top-level element; its default namespace does not
     * (each declares its own) */
    ck_assert_str_eq(out, "<interfaces xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\" xmlns=\"urn:x\">\n"
                          "      <interface><name>eth0</name></interface>\n    </interfaces>\n    <nacm "
                          "xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\" xmlns=\"urn:y\">\n    </nacm>\n");
    free(out);
}
END_TEST

START_TEST(empty_data_is_the_empty_string)
{
    char *out = data_of(ENV "  <data></data>\n</rpc-reply>");
    ck_assert_str_eq(out, "");
    free(out);
    out = data_of(ENV "<data/></rpc-reply>");
    ck_assert_str_eq(out, "");
    free(out);
    out = data_of("<rpc-reply xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><data>\n  \n</data></rpc-reply>");
    ck_assert_str_eq(out, "");
    free(out);
}
END_TEST

START_TEST(inherited_prefixes_are_declared_on_the_content)
{
    /* 17 prefixes on the envelope, used in the data: each top-level element declares them all */
    char reply[4096] = "<rpc-reply message-id=\"1\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"";
    for (int i = 0; i < 17; i++) {
        char d[64];
        snprintf(d, sizeof d, " xmlns:p%d=\"urn:p%d\"", i, i);
        strcat(reply, d);
    }
    strcat(reply, "><data><p16:a>1</p16:a><p0:b p3:x=\"y\">2</p0:b></data></rpc-reply>");
    char *out = data_of(reply);
    ck_assert_ptr_nonnull(strstr(out, "<p16:a xmlns:p16=\"urn:p16\""));
    ck_assert_ptr_nonnull(strstr(out, "<p0:b xmlns:p16=\"urn:p16\""));
    ck_assert_ptr_nonnull(strstr(out, "xmlns:p3=\"urn:p3\""));
    /* the default namespace too: an unprefixed top-level element keeps meaning what it meant */
    ck_assert_ptr_nonnull(strstr(out, "xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\""));
    free(out);
    /* a prefix declared on <data> wins over the envelope's; the element's own wins over both */
    out = data_of("<rpc-reply xmlns:a=\"urn:1\" message-id=\"2\"><data xmlns:a=\"urn:2\"><a:x/><a:y xmlns:a=\"urn:3\"/>"
                  "</data></rpc-reply>");
    ck_assert_str_eq(out, "<a:x xmlns:a=\"urn:2\"/><a:y xmlns:a=\"urn:3\"/>\n");
    free(out);
}
END_TEST

START_TEST(prefixed_data_element_is_understood)
{
    char *out = data_of("<nc:rpc-reply xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\" message-id=\"1\">"
                        "<nc:data><a xmlns=\"urn:a\">sync: 1</a></nc:data></nc:rpc-reply>");
    ck_assert_str_eq(out, "<a xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\" xmlns=\"urn:a\">sync: 1</a>\n");
    free(out);
}
END_TEST

START_TEST(envelope_says_what_the_reply_holds)
{
    devconf__nc_env env;
    ck_assert_int_eq(devconf__nc_env_scan(ENV "<ok/></rpc-reply>", strlen(ENV "<ok/></rpc-reply>"), &env), 0);
    ck_assert_int_eq(env.kind, DEVCONF_NC_MSG_REPLY);
    ck_assert(env.has_ok && !env.has_error && !env.has_data);
    ck_assert(env.has_msgid);
    ck_assert_str_eq(env.msgid, "7");
    devconf__nc_env_dispose(&env);
    const char *err = ENV "<rpc-error><error-type>application</error-type><error-message>a &lt;b&gt; c"
                          "</error-message></rpc-error></rpc-reply>";
    ck_assert_int_eq(devconf__nc_env_scan(err, strlen(err), &env), 0);
    ck_assert(env.has_error && !env.has_ok);
    devconf__nc_env_dispose(&env);
    const char *notif = "<notification xmlns=\"urn:ietf:params:xml:ns:netconf:notification:1.0\"><eventTime>"
                        "2026-01-01T00:00:00Z</eventTime><x xmlns=\"urn:x\"/></notification>";
    ck_assert_int_eq(devconf__nc_env_scan(notif, strlen(notif), &env), 0);
    ck_assert_int_eq(env.kind, DEVCONF_NC_MSG_NOTIFICATION);
    ck_assert(!env.has_msgid);
    devconf__nc_env_dispose(&env);
    const char *bad_id = "<rpc-reply message-id=\"x1\"><ok/></rpc-reply>";
    ck_assert_int_eq(devconf__nc_env_scan(bad_id, strlen(bad_id), &env), 0);
    ck_assert(env.has_msgid && env.msgid_invalid);
    devconf__nc_env_dispose(&env);
}
END_TEST

START_TEST(malformed_messages_are_refused_with_a_reason)
{
    devconf__nc_env env;
    static const struct {
        const char *msg, *why;
    } cases[] = {
        { ENV "<data><a xmlns=\"urn:a\">1</a></rpc-reply>", "does not match" },
        { ENV "<data><a xmlns=\"urn:a\">1</a></data>", "truncated" },
        { "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><rpc-reply>&e;</rpc-reply>", "DTD" },
        { "<rpc-reply><a b=c/></rpc-reply>", "without quotes" },
        { "<rpc-reply><a b=\"<\"/></rpc-reply>", "'<' inside" },
        { "<rpc-reply/><rpc-reply/>", "second root" },
        { "garbage", "text before" },
        { "", "no element" },
        { "<rpc-reply><!-- never closed </rpc-reply>", "comment" },
        { "<rpc-reply><![CDATA[ x </rpc-reply>", "CDATA" },
        { "<rpc-reply><1a/></rpc-reply>", "valid name" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ck_assert_msg(scan(cases[i].msg, &env) == DEVCONF_EPROTO, "accepted: %s", cases[i].msg);
        ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), cases[i].why), "%s: %s", cases[i].msg,
                      devconf_error_message(devconf_error_last()));
    }
}
END_TEST

START_TEST(nesting_is_bounded)
{
    devconf__nc_env env;
    size_t depth = DEVCONF_NC_MAX_DEPTH + 1;
    char *deep = malloc(depth * 7 + 64);
    char *p = deep;
    for (size_t i = 0; i < depth; i++) {
        p += sprintf(p, "<a>");
    }
    for (size_t i = 0; i < depth; i++) {
        p += sprintf(p, "</a>");
    }
    ck_assert_int_eq(scan(deep, &env), DEVCONF_EPROTO);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "deeper than"));
    /* one level less is fine */
    p = deep;
    for (size_t i = 0; i < depth - 1; i++) {
        p += sprintf(p, "<a>");
    }
    for (size_t i = 0; i < depth - 1; i++) {
        p += sprintf(p, "</a>");
    }
    ck_assert_int_eq(scan(deep, &env), 0);
    free(deep);
}
END_TEST

START_TEST(text_that_is_not_utf8_is_refused_where_it_starts)
{
    devconf__nc_env env;
    static const struct {
        const char *bytes;
        size_t at; /* offset of the first bad byte in the message below */
    } bad_cases[] = {
        { "\xff", 0 },                 /* never in UTF-8 */
        { "ab\xc3(", 2 },              /* a lead byte without its continuation */
        { "\xc0\x80", 0 },             /* overlong NUL */
        { "\xe0\x80\xaf", 0 },         /* overlong '/' */
        { "\xed\xa0\x80", 0 },         /* a surrogate */
        { "\xf4\x90\x80\x80", 0 },     /* above U+10FFFF */
        { "0123456789\xe2\x82", 10 },  /* cut off (after the eight-byte fast path) */
    };
    const char *head = "<rpc-reply><data><a xmlns=\"urn:a\">";
    for (size_t i = 0; i < sizeof bad_cases / sizeof *bad_cases; i++) {
        char msg[256];
        size_t n = (size_t)snprintf(msg, sizeof msg, "%s%s</a></data></rpc-reply>", head, bad_cases[i].bytes);
        ck_assert_int_eq(devconf__nc_env_scan(msg, n, &env), DEVCONF_EPROTO);
        char where[64];
        snprintf(where, sizeof where, "not UTF-8 (at byte %zu)", strlen(head) + bad_cases[i].at);
        ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), where), "case %zu: %s", i,
                      devconf_error_message(devconf_error_last()));
    }
    /* a NUL would cut every C string after devconf short */
    const char nul[] = "<rpc-reply><data><a xmlns=\"urn:a\">x\0y</a></data></rpc-reply>";
    ck_assert_int_eq(devconf__nc_env_scan(nul, sizeof nul - 1, &env), DEVCONF_EPROTO);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "a NUL byte, not allowed in XML (at byte 35)"));
    /* every valid form passes: 2, 3 and 4 bytes, and C1 controls (data, not the envelope's business) */
    const char *good = "<rpc-reply><data><a xmlns=\"urn:a\">\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e \xc2\x9b" "2J"
                       "\xef\xbb\xbf</a></data></rpc-reply>";
    ck_assert_int_eq(devconf__nc_env_scan(good, strlen(good), &env), 0);
    devconf__nc_env_dispose(&env);
}
END_TEST

/* A reply whose envelope declares n prefixes and whose data has tops top-level elements. */
static char *many_decls(int n, int tops, size_t *len)
{
    devconf__buf b = { 0 };
    devconf__buf_puts(&b, "<rpc-reply message-id=\"1\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"");
    for (int i = 0; i < n; i++) {
        devconf__buf_printf(&b, " xmlns:p%d=\"urn:p:%d\"", i, i);
    }
    devconf__buf_puts(&b, "><data>");
    for (int i = 0; i < tops; i++) {
        devconf__buf_printf(&b, "<p%d:x>1</p%d:x>", i % n, i % n);
    }
    devconf__buf_puts(&b, "</data></rpc-reply>");
    ck_assert(!b.failed);
    *len = b.len;
    return devconf__buf_steal(&b);
}

/* 100,000 declarations (a 2.5 MB reply): every one is declared on the data, in linear-ish time and
 * without a stack array (this runs on a 256 KiB thread stack). */
static void *hundred_thousand_decls(void *arg)
{
    (void)arg;
    size_t len;
    char *m = many_decls(100000, 1, &len);
    devconf__nc_env env;
    ck_assert_int_eq(devconf__nc_env_scan(m, len, &env), 0);
    ck_assert_uint_eq(env.ns_count, 100001);
    size_t n = 0;
    char *out = devconf__nc_env_data(m, &env, UINT64_MAX, &n);
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_nonnull(strstr(out, " xmlns:p99999=\"urn:p:99999\""));
    ck_assert_ptr_nonnull(strstr(out, " xmlns:p0=\"urn:p:0\""));
    free(out);
    devconf__nc_env_dispose(&env);
    free(m);
    return NULL;
}

START_TEST(many_declarations_take_no_stack_and_no_quadratic_time)
{
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, 256 * 1024);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, &a, hundred_thousand_decls, NULL), 0);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    pthread_attr_destroy(&a);
}
END_TEST

/* 1,000 declarations repeated on 5,000 top-level elements would be 110 MB from a 100 KB reply: the
 * text stops at the session's cap. */
START_TEST(declarations_repeated_on_each_element_stop_at_the_cap)
{
    size_t len;
    char *m = many_decls(1000, 5000, &len);
    devconf__nc_env env;
    ck_assert_int_eq(devconf__nc_env_scan(m, len, &env), 0);
    size_t n = 0;
    ck_assert_ptr_null(devconf__nc_env_data(m, &env, 1024 * 1024, &n));
    ck_assert_int_eq(devconf_error_code(devconf_error_last()), DEVCONF_EPROTO);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "1048576 bytes (max_reply_bytes)"));
    /* a declaration the element makes itself is not repeated */
    devconf__nc_env_dispose(&env);
    free(m);
    const char *own = "<rpc-reply xmlns:a=\"urn:1\" xmlns:b=\"urn:2\"><data><a:x xmlns:b=\"urn:3\"/></data></rpc-reply>";
    ck_assert_int_eq(devconf__nc_env_scan(own, strlen(own), &env), 0);
    char *out = devconf__nc_env_data(own, &env, 1024, &n);
    ck_assert_str_eq(out, "<a:x xmlns:a=\"urn:1\" xmlns:b=\"urn:3\"/>\n");
    free(out);
    devconf__nc_env_dispose(&env);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("envelope");
    TCase *tc = tcase_create("envelope");
    tcase_set_timeout(tc, 60); /* the 100,000 declarations took minutes when they were quadratic */
    tcase_add_test(tc, data_content_is_cut_out_trimmed);
    tcase_add_test(tc, empty_data_is_the_empty_string);
    tcase_add_test(tc, inherited_prefixes_are_declared_on_the_content);
    tcase_add_test(tc, prefixed_data_element_is_understood);
    tcase_add_test(tc, envelope_says_what_the_reply_holds);
    tcase_add_test(tc, malformed_messages_are_refused_with_a_reason);
    tcase_add_test(tc, nesting_is_bounded);
    tcase_add_test(tc, text_that_is_not_utf8_is_refused_where_it_starts);
    tcase_add_test(tc, many_declarations_take_no_stack_and_no_quadratic_time);
    tcase_add_test(tc, declarations_repeated_on_each_element_stop_at_the_cap);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
