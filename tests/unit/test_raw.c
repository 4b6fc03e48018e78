/* lib/nc_raw.c: cutting the <data> content of a NETCONF reply out of its envelope (device_text). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devconf_p.h"
#include "test_util.h"

/* Runs take_data on a copy of reply; returns its result, the text in *out (freed by the caller). */
static int take(const char *reply, char **out)
{
    size_t len = strlen(reply), n = 0;
    char *buf = malloc(len + 1);
    memcpy(buf, reply, len + 1);
    int r = devconf__nc_raw_take_data(buf, len, &n);
    if (r == 0) {
        ck_assert_uint_eq(n, strlen(buf));
        *out = buf;
    } else {
        free(buf);
        *out = NULL;
    }
    return r;
}

#define ENV "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rpc-reply message-id=\"devconf-bulk-1\" " \
            "xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\"\n  last-modified=\"2026-11-28T06:07:57Z\"\n" \
            "  xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">\n"

START_TEST(data_content_is_cut_out_trimmed)
{
    char *out;
    ck_assert_int_eq(take(ENV "  <data>\n    <interfaces xmlns=\"urn:x\">\n      <interface><name>eth0</name>"
                              "</interface>\n    </interfaces>\n    <nacm xmlns=\"urn:y\">\n    </nacm>\n  </data>\n"
                              "</rpc-reply>", &out), 0);
    ck_assert_str_eq(out, "<interfaces xmlns=\"urn:x\">\n      <interface><name>eth0</name></interface>\n    "
                          "</interfaces>\n    <nacm xmlns=\"urn:y\">\n    </nacm>\n");
    free(out);
}
END_TEST

START_TEST(empty_data_is_the_empty_string)
{
    char *out;
    ck_assert_int_eq(take(ENV "  <data></data>\n</rpc-reply>", &out), 0);
    ck_assert_str_eq(out, "");
    free(out);
    ck_assert_int_eq(take(ENV "<data/></rpc-reply>", &out), 0);
    ck_assert_str_eq(out, "");
    free(out);
    ck_assert_int_eq(take("<rpc-reply xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><data>\n  \n</data></rpc-reply>",
                          &out), 0);
    ck_assert_str_eq(out, "");
    free(out);
}
END_TEST

START_TEST(prefixed_data_element_is_understood)
{
    char *out;
    ck_assert_int_eq(take("<nc:rpc-reply xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\" message-id=\"1\">"
                          "<nc:data><a xmlns=\"urn:a\">sync: 1</a></nc:data></nc:rpc-reply>", &out), 1);
    /* the content uses no declared prefix: "sync:" is text, not the prefix nc */
    ck_assert_int_eq(take("<rpc-reply xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\" message-id=\"1\" "
                          "xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><nc:data><a xmlns=\"urn:a\">sync: 1</a>"
                          "</nc:data></rpc-reply>", &out), 0);
    ck_assert_str_eq(out, "<a xmlns=\"urn:a\">sync: 1</a>\n");
    free(out);
}
END_TEST

START_TEST(anything_but_plain_data_is_left_to_the_full_parser)
{
    char *out;
    /* an rpc-error, an <ok/>, no envelope */
    ck_assert_int_eq(take(ENV "<rpc-error><error-type>application</error-type><error-tag>operation-failed</error-tag>"
                              "</rpc-error></rpc-reply>", &out), 1);
    ck_assert_int_eq(take(ENV "<ok/></rpc-reply>", &out), 1);
    ck_assert_int_eq(take("<hello/>", &out), 1);
    ck_assert_int_eq(take(ENV "<database><a xmlns=\"urn:a\"/></database></rpc-reply>", &out), 1);
    /* content that needs a prefix declared on the envelope */
    ck_assert_int_eq(take(ENV "<data><a xmlns=\"urn:a\" nc:operation=\"merge\">1</a></data></rpc-reply>", &out), 1);
    ck_assert_int_eq(take(ENV "<data><a xmlns=\"urn:a\">nc:identity</a></data></rpc-reply>", &out), 1);
    ck_assert_int_eq(take(ENV "<data><nc:a>1</nc:a></data></rpc-reply>", &out), 1);
    /* a top-level element that would inherit the envelope's default namespace */
    ck_assert_int_eq(take(ENV "<data><a>1</a></data></rpc-reply>", &out), 1);
    /* truncated: no end tag of <data> */
    ck_assert_int_eq(take(ENV "<data><a xmlns=\"urn:a\">1</a></rpc-reply>", &out), 1);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("raw");
    TCase *tc = tcase_create("take_data");
    tcase_add_test(tc, data_content_is_cut_out_trimmed);
    tcase_add_test(tc, empty_data_is_the_empty_string);
    tcase_add_test(tc, prefixed_data_element_is_understood);
    tcase_add_test(tc, anything_but_plain_data_is_left_to_the_full_parser);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
