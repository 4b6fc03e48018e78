/* lib/yang/bridge.c devconf__unwrap_element: the <config>/<data> wrapper of a payload. Issue 11
 * (item 6) and tests/fuzz/fuzz_unwrap: "<data>/>" and "<config>/>" gave a content length of
 * (size_t)-1 (the "closing tag" search stopped on the start tag's own '>'), and the callers then
 * did pointer arithmetic past the text. */
#include <check.h>
#include <string.h>

#include "devconf_p.h"
#include "test_util.h"

/* The content span devconf__unwrap_element gives lies inside text. */
static const char *unwrap(const char *text, const char *wrapper, size_t *len)
{
    const char *c = devconf__unwrap_element(text, wrapper, len);
    ck_assert(c >= text && c <= text + strlen(text));
    ck_assert_uint_le(*len, (size_t)(text + strlen(text) - c));
    return c;
}

START_TEST(wrappers_are_taken_off)
{
    size_t len;
    const char *text = "<config><a xmlns=\"urn:x\"/></config>";
    const char *c = unwrap(text, "config", &len);
    ck_assert_uint_eq(len, strlen("<a xmlns=\"urn:x\"/>"));
    ck_assert(!strncmp(c, "<a xmlns=\"urn:x\"/>", len));

    text = "<?xml version=\"1.0\"?>\n<nc:data xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\"> <b/> </nc:data>\n";
    c = unwrap(text, "data", &len);
    ck_assert(!strncmp(c, " <b/> ", len) && len == 6);

    text = "<config/>";
    c = unwrap(text, "config", &len);
    ck_assert_uint_eq(len, 0);

    text = "<other><a/></other>";
    ck_assert_ptr_eq(unwrap(text, "config", &len), text);
    ck_assert_uint_eq(len, strlen(text));
}
END_TEST

START_TEST(a_start_tag_followed_by_slash_gt_is_not_a_wrapper)
{
    static const char *const texts[][2] = {
        { "<data>/>", "data" },
        { "<config>/>", "config" },
        { "  <nc:config xmlns:nc=\"urn:x\">/>\n", "config" },
        { "<?xml version=\"1.0\"?><data a='1'>/>", "data" },
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        size_t len = 0;
        const char *c = unwrap(texts[i][0], texts[i][1], &len);
        ck_assert_msg(c == texts[i][0] && len == strlen(texts[i][0]), "%s: not returned whole", texts[i][0]);
    }
    ck_assert(!devconf__config_is_empty("<config>/>"));
}
END_TEST

int main(void)
{
    Suite *su = suite_create("unwrap");
    TCase *tc = tcase_create("unwrap");
    tcase_add_test(tc, wrappers_are_taken_off);
    tcase_add_test(tc, a_start_tag_followed_by_slash_gt_is_not_a_wrapper);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
