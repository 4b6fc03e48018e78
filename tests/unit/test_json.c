/* lib/json.c: the schema-less JSON reader used for RESTCONF errors bodies. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devconf_p.h"
#include "test_util.h"

static devconf__json *parse_ok(const char *text)
{
    devconf__json *j = NULL;
    char err[128];
    ck_assert_msg(devconf__json_parse(text, &j, err, sizeof err) == 0, "%s: %s", text, err);
    return j;
}

START_TEST(json_parses_restconf_errors_body)
{
    devconf__json *j = parse_ok("{\"ietf-restconf:errors\":{\"error\":[{\"error-type\":\"protocol\","
                                "\"error-tag\":\"lock-denied\",\"error-message\":\"Lock failed\\u002c held\","
                                "\"error-info\":{\"session-id\":4}}]}}");
    const devconf__json *errs = devconf__json_get(j, "errors"); /* unqualified lookup matches */
    ck_assert_ptr_nonnull(errs);
    const devconf__json *list = devconf__json_get(errs, "error");
    ck_assert_int_eq(list->type, DEVCONF_JSON_ARRAY);
    ck_assert_uint_eq(list->count, 1);
    ck_assert_str_eq(devconf__json_str(list->child, "error-tag"), "lock-denied");
    ck_assert_str_eq(devconf__json_str(list->child, "error-message"), "Lock failed, held");
    char *info = devconf__json_print(devconf__json_get(list->child, "error-info"));
    ck_assert_str_eq(info, "{\"session-id\":4}");
    free(info);
    devconf__json_free(j);
}
END_TEST

START_TEST(json_handles_escapes_and_unicode)
{
    devconf__json *j = parse_ok("[\"a\\\"b\\\\c\\n\", \"\\u00e9\\ud83d\\ude00\", -1.5e3, true, false, null, {}]");
    const devconf__json *c = j->child;
    ck_assert_str_eq(c->str, "a\"b\\c\n");
    ck_assert_str_eq(c->next->str, "\xc3\xa9\xf0\x9f\x98\x80");
    ck_assert_str_eq(c->next->next->str, "-1.5e3");
    ck_assert_int_eq(c->next->next->next->type, DEVCONF_JSON_TRUE);
    ck_assert_uint_eq(j->count, 7);
    char *back = devconf__json_print(j);
    ck_assert_str_eq(back, "[\"a\\\"b\\\\c\\u000a\",\"\xc3\xa9\xf0\x9f\x98\x80\",-1.5e3,true,false,null,{}]");
    free(back);
    devconf__json_free(j);
}
END_TEST

START_TEST(json_rejects_malformed_text_with_a_position)
{
    const char *bad[] = { "", "{", "{\"a\" 1}", "[1,]", "\"abc", "{\"a\":1} x", "[\"\\x\"]", "\"\\u0000\"", "tru",
                          "{1:2}" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        devconf__json *j = NULL;
        char err[128];
        ck_assert_msg(devconf__json_parse(bad[i], &j, err, sizeof err) == -1, "accepted: %s", bad[i]);
        ck_assert_ptr_null(j);
        ck_assert_ptr_nonnull(strstr(err, "offset"));
    }
}
END_TEST

START_TEST(json_limits_nesting_depth)
{
    char deep[300];
    memset(deep, '[', 200);
    deep[200] = '\0';
    devconf__json *j = NULL;
    char err[128];
    ck_assert_int_eq(devconf__json_parse(deep, &j, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "deeply"));
}
END_TEST

START_TEST(json_refuses_100000_levels_without_recursing_into_them)
{
    size_t n = 100000;
    char *deep = malloc(2 * n + 2);
    ck_assert_ptr_nonnull(deep);
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    deep[2 * n] = '\0';
    devconf__json *j = NULL;
    char err[128];
    ck_assert_int_eq(devconf__json_parse(deep, &j, err, sizeof err), -1);
    ck_assert_ptr_null(j);
    ck_assert_msg(strstr(err, "nested too deeply"), "%s", err);
    free(deep);
}
END_TEST

START_TEST(json_limited_keeps_the_first_items_and_counts_the_rest)
{
    devconf__json *j = NULL;
    char err[128];
    const char *text = "{\"a\":[1,2,3,4,5],\"b\":[[6,7,8]],\"c\":{\"x\":1,\"y\":2,\"z\":3}}";
    ck_assert_int_eq(devconf__json_parse_limited(text, 2, &j, err, sizeof err), 0);
    const devconf__json *a = devconf__json_get(j, "a");
    ck_assert_uint_eq(a->count, 2);
    ck_assert_uint_eq(a->dropped, 3);
    ck_assert_str_eq(a->child->next->str, "2");
    ck_assert_ptr_null(a->child->next->next);
    ck_assert_uint_eq(devconf__json_get(j, "b")->child->dropped, 1);
    ck_assert_uint_eq(devconf__json_get(j, "c")->count, 3); /* objects are never cut */
    devconf__json_free(j);
    /* what is dropped is still checked */
    ck_assert_int_eq(devconf__json_parse_limited("[1,2,3,{]", 1, &j, err, sizeof err), -1);
    ck_assert_ptr_null(j);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("json");
    TCase *tc = tcase_create("json");
    tcase_add_test(tc, json_parses_restconf_errors_body);
    tcase_add_test(tc, json_handles_escapes_and_unicode);
    tcase_add_test(tc, json_rejects_malformed_text_with_a_position);
    tcase_add_test(tc, json_limits_nesting_depth);
    tcase_add_test(tc, json_refuses_100000_levels_without_recursing_into_them);
    tcase_add_test(tc, json_limited_keeps_the_first_items_and_counts_the_rest);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
