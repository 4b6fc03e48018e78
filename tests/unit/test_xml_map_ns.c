/* lib/yang/bridge.c: devconf__xml_map_ns(), which lets libyang 2.1.30 read RFC 6243's wd:default
 * (with-defaults report-all-tagged) and prints it back: only namespace declarations in tags change,
 * never text content, other attributes, comments, CDATA or processing instructions. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devconf_p.h"
#include "test_util.h"

#define FROM "urn:ietf:params:xml:ns:netconf:default:1.0"
#define TO "urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults"

/* expected NULL: nothing to change */
static void expect(const char *text, const char *expected)
{
    size_t n = 0;
    bool oom = true;
    char *got = devconf__xml_map_ns(text, strlen(text), FROM, TO, &n, &oom);
    ck_assert(!oom);
    if (!expected) {
        ck_assert_msg(!got, "'%s' changed into '%s'", text, got);
        return;
    }
    ck_assert_msg(got, "'%s' unchanged", text);
    ck_assert_str_eq(got, expected);
    ck_assert_uint_eq(n, strlen(expected));
    free(got);
}

START_TEST(declarations_are_mapped)
{
    expect("<a xmlns=\"urn:a\" xmlns:wd=\"" FROM "\"><b wd:default=\"true\">1</b></a>",
           "<a xmlns=\"urn:a\" xmlns:wd=\"" TO "\"><b wd:default=\"true\">1</b></a>");
    expect("<a><b xmlns:x='" FROM "' x:default='true'>1</b><c xmlns:y = \"" FROM "\" y:default=\"true\"/></a>",
           "<a><b xmlns:x='" TO "' x:default='true'>1</b><c xmlns:y = \"" TO "\" y:default=\"true\"/></a>");
    expect("<a\nxmlns:wd=\"" FROM "\"\n/>", "<a\nxmlns:wd=\"" TO "\"\n/>");
}
END_TEST

START_TEST(nothing_else_changes)
{
    expect("<a>xmlns:wd=\"" FROM "\"</a>", NULL);                          /* text content */
    expect("<a note=\"" FROM "\"/>", NULL);                                 /* another attribute */
    expect("<a xmlns=\"" FROM "\"/>", NULL);                                /* the default namespace */
    expect("<!-- <a xmlns:wd=\"" FROM "\"/> --><a/>", NULL);                /* a comment */
    expect("<a><![CDATA[<b xmlns:wd=\"" FROM "\"/>]]></a>", NULL);         /* CDATA */
    expect("<?pi xmlns:wd=\"" FROM "\"?><a/>", NULL);                       /* a processing instruction */
    expect("<a xmlns:wd=\"" FROM "x\"/>", NULL);                            /* not exactly the namespace */
    expect("<a xmlns:wd=\"" FROM, NULL);                                    /* cut off inside the value */
    expect("", NULL);
}
END_TEST

START_TEST(text_after_the_last_change_is_kept)
{
    expect("<a xmlns:wd=\"" FROM "\">x &lt; y</a><!-- tail -->",
           "<a xmlns:wd=\"" TO "\">x &lt; y</a><!-- tail -->");
}
END_TEST

int main(void)
{
    Suite *su = suite_create("xml_map_ns");
    TCase *tc = tcase_create("map");
    tcase_add_test(tc, declarations_are_mapped);
    tcase_add_test(tc, nothing_else_changes);
    tcase_add_test(tc, text_after_the_last_change_is_kept);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
