/* lib/netconf/envelope.c: the envelope of a NETCONF message and its <data> as self-contained text. */
#include <check.h>
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
    char *out = devconf__nc_env_data(reply, &env, &n);
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

/* A reply whose root carries n namespace declarations (xmlns:pN="u..." with pad more bytes of
 * namespace) and whose <data> holds m top-level elements elem. */
static char *many_decls(size_t n, size_t pad, size_t m, const char *elem)
{
    devconf__buf b = { 0 };
    devconf__buf_puts(&b, "<rpc-reply xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\" message-id=\"1\"");
    for (size_t i = 0; i < n; i++) {
        devconf__buf_printf(&b, " xmlns:p%zu=\"u", i);
        for (size_t k = 0; k < pad; k++) {
            devconf__buf_puts(&b, "u");
        }
        devconf__buf_puts(&b, "\"");
    }
    devconf__buf_puts(&b, "><data>");
    for (size_t i = 0; i < m; i++) {
        devconf__buf_puts(&b, elem);
    }
    devconf__buf_puts(&b, "</data></rpc-reply>");
    ck_assert(!b.failed);
    return devconf__buf_steal(&b);
}

/* tests/fuzz (a probe after fuzz_envelope): the inherited declarations were kept in a variable-length
 * array on the stack and deduplicated pairwise: 1.1 million declarations on the envelope (19 MB,
 * within the default reply bound) crashed the process (stack overflow), 100,000 took 15 s. */
START_TEST(a_million_declarations_neither_crash_nor_stall)
{
    char *reply = many_decls(1100000, 0, 1, "<a/>");
    devconf__nc_env env;
    int64_t t0 = devconf__now_ms();
    ck_assert_int_eq(devconf__nc_env_scan(reply, strlen(reply), &env), 0);
    size_t n = 0;
    char *out = devconf__nc_env_data(reply, &env, &n);
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_nonnull(strstr(out, " xmlns:p1099999=\"u\""));
    ck_assert_int_lt(devconf__now_ms() - t0, 5000);
    free(out);
    devconf__nc_env_dispose(&env);
    free(reply);
}
END_TEST

/* Each top-level element of the content gets the declarations it inherits: a small reply with a
 * long declaration and many top-level elements grew into gigabytes (64 KiB of namespace times
 * 20,000 elements: 1.3 GB from 150 KB). The copies may add at most four times the message's own
 * size plus 1 MiB; past that the reply is refused as malformed, before anything is copied. */
START_TEST(copied_declarations_are_bounded)
{
    char *reply = many_decls(1, 65536, 20000, "<a/>");
    devconf__nc_env env;
    ck_assert_int_eq(scan(reply, &env), DEVCONF_EPROTO);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "namespace declarations"));
    free(reply);
    /* what a device sends: a few declarations on the envelope, many entries of a top-level list */
    reply = many_decls(3, 40, 20000, "<item xmlns=\"urn:x\"><name>eth12345</name></item>");
    ck_assert_int_eq(scan(reply, &env), 0);
    free(reply);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("envelope");
    TCase *tc = tcase_create("envelope");
    tcase_add_test(tc, data_content_is_cut_out_trimmed);
    tcase_add_test(tc, empty_data_is_the_empty_string);
    tcase_add_test(tc, inherited_prefixes_are_declared_on_the_content);
    tcase_add_test(tc, prefixed_data_element_is_understood);
    tcase_add_test(tc, envelope_says_what_the_reply_holds);
    tcase_add_test(tc, malformed_messages_are_refused_with_a_reason);
    tcase_add_test(tc, nesting_is_bounded);
    tcase_add_test(tc, a_million_declarations_neither_crash_nor_stall);
    tcase_add_test(tc, copied_declarations_are_bounded);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
