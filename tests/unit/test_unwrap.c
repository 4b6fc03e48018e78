/* lib/yang/bridge.c: devconf__unwrap_element(), the <config>/<data> wrapper taken off a payload or a
 * RESTCONF reply; devconf__xml_undeclares_ns(), the guard before libyang's opaque XML parses. */
#include <check.h>
#include <string.h>

#include "devconf_p.h"
#include "yang/yang_p.h"
#include "test_util.h"

/* The content unwrap finds in text: a pointer into text and a length within it. */
static void expect(const char *text, const char *wrapper, const char *content)
{
    size_t len = 0;
    const char *c = devconf__unwrap_element(text, wrapper, &len);
    ck_assert_msg(c >= text && len <= strlen(text) && c + len <= text + strlen(text), "'%s': out of bounds", text);
    ck_assert_msg(len == strlen(content) && !memcmp(c, content, len), "'%s': got '%.*s', expected '%s'", text,
                  (int)len, c, content);
}

START_TEST(wrappers_are_taken_off)
{
    expect("<config><a/></config>", "config", "<a/>");
    expect("  <nc:config xmlns:nc=\"urn:x\">\n<a/>\n</nc:config>\n", "config", "\n<a/>\n");
    expect("<?xml version=\"1.0\"?><data><a/></data>", "data", "<a/>");
    expect("<config/>", "config", "");
    expect("<config></config>", "config", "");
}
END_TEST

START_TEST(other_roots_are_kept_whole)
{
    expect("<a/>", "config", "<a/>");
    expect("<configuration/>", "config", "<configuration/>");
    expect("{\"a\": 1}", "data", "{\"a\": 1}");
    expect("", "data", "");
}
END_TEST

/* Issue 11.6: "<data>/>" and "<config>/>" (no end tag) gave the length (size_t)-1. */
START_TEST(start_tag_without_end_tag_is_not_a_wrapper)
{
    expect("<data>/>", "data", "<data>/>");
    expect("<config>/>", "config", "<config>/>");
    expect("<config>x/>", "config", "<config>x/>");
    expect("<config>", "config", "<config>");
    expect("<config>>", "config", "<config>>");
    expect("<config><a>", "config", "<config><a>");
    ck_assert(!devconf__config_is_empty("<config>/>"));
}
END_TEST

/* fuzz_nc_notify found it: libyang 2.1.30 crashes (strcmp of NULL) parsing two opaque siblings in
 * an undeclared default namespace; such text is refused before libyang sees it. */
START_TEST(empty_default_namespace_is_found)
{
    ck_assert(devconf__xml_undeclares_ns("<n xmlns=\"\"><s/><s/>"));
    ck_assert(devconf__xml_undeclares_ns("<n xmlns='urn:x'><s a='1' xmlns = ''/></n>"));
    ck_assert(devconf__xml_undeclares_ns("<?xml version='1.0'?><!-- <x xmlns=''> --><n\n\txmlns=\"\"/>"));
    ck_assert(!devconf__xml_undeclares_ns("<n xmlns=\"urn:x\"><s/><s/></n>"));
    ck_assert(!devconf__xml_undeclares_ns("<n xmlns=\"urn:x\">xmlns=\"\"</n>"));
    ck_assert(!devconf__xml_undeclares_ns("<n xmlns=\"urn:x\"><!-- <s xmlns=\"\"/> --></n>"));
    ck_assert(!devconf__xml_undeclares_ns("<n xmlns=\"urn:x\"><![CDATA[<s xmlns=\"\"/>]]></n>"));
    ck_assert(!devconf__xml_undeclares_ns("<n xmlns:p=\"\" a=\"xmlns=''\"/>"));
    ck_assert(!devconf__xml_undeclares_ns("<n xmlns=\"urn:x\" b=\"unterminated"));
    ck_assert(!devconf__xml_undeclares_ns(""));
    ck_assert(!devconf__xml_undeclares_ns("<"));
    ck_assert(!devconf__xml_undeclares_ns("<!--"));
}
END_TEST

int main(void)
{
    Suite *su = suite_create("unwrap");
    TCase *tc = tcase_create("unwrap");
    tcase_add_test(tc, wrappers_are_taken_off);
    tcase_add_test(tc, other_roots_are_kept_whole);
    tcase_add_test(tc, start_tag_without_end_tag_is_not_a_wrapper);
    tcase_add_test(tc, empty_default_namespace_is_found);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
