/* lib/restconf/read.c: devconf__rc_json_drop_top_metadata(), which keeps a device's top-level
 * RFC 7952 metadata away from libyang 2.1.30 when it parses a resource below the datastore (a
 * NULL dereference there, found by fuzz_rc_resource): "@..." members of the top-level object go,
 * every other member stays byte for byte, whatever strings and nesting they hold. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "restconf/restconf_p.h"
#include "test_util.h"

/* A top-level "@" member without a well-formed value: refused (libyang 2.1.30 crashes on it). */
static void expect_refused(const char *in)
{
    size_t n = 0, d = 0;
    bool oom = true;
    char *got = devconf__rc_json_drop_top_metadata(in, strlen(in), &n, &d, &oom);
    ck_assert(!oom);
    ck_assert_msg(!got && d == SIZE_MAX, "'%s' not refused", in);
}

static void expect(const char *in, const char *out, size_t dropped)
{
    size_t n = 0, d = 99;
    bool oom = true;
    char *got = devconf__rc_json_drop_top_metadata(in, strlen(in), &n, &d, &oom);
    ck_assert(!oom);
    if (!out) {
        ck_assert_msg(!got, "'%s' changed into '%s'", in, got);
        ck_assert_uint_eq(d, 0);
        return;
    }
    ck_assert_msg(got, "'%s' unchanged", in);
    ck_assert_str_eq(got, out);
    ck_assert_uint_eq(n, strlen(out));
    ck_assert_uint_eq(d, dropped);
    free(got);
}

START_TEST(top_level_metadata_goes)
{
    expect("{\"m:d\":\"a\",\"@m:d\":{\"ietf-netconf-with-defaults:default\":true}}", "{\"m:d\":\"a\"}", 1);
    expect("{\"@m:d\":{},\"m:d\":\"a\"}", "{\"m:d\":\"a\"}", 1);
    expect("{ \"a\" : 1 , \"@a\" : [1, {\"x\": \"}\"}] , \"b\" : {\"@c\": 2} }", "{ \"a\" : 1 , \"b\" : {\"@c\": 2}}",
           1);
    expect("{\"@a\":1}", "{}", 1);
    expect("{\"@m:d\":\xde\x87\xdd\x82", "{", 1); /* the fuzzer's input: an unterminated value goes with it */
}
END_TEST

START_TEST(everything_else_stays)
{
    expect("{\"a\":\"@b\",\"c\":{\"@d\":1}}", NULL, 0);         /* nested metadata: libyang takes it */
    expect("{\"a\\\"@\":1}", NULL, 0);                            /* an '@' inside a name */
    expect("{\"a\":\"x\\\\\",\"b\":\"}\"}", NULL, 0);             /* escapes and braces in strings */
    expect("[{\"@a\":1}]", NULL, 0);                              /* not an object */
    expect(" {\"a\":1", NULL, 0);                                /* cut off without metadata: the parser's */
    expect_refused("{\"@a\"");                                    /* cut off after an annotation's name */
    expect_refused("{\"@a\":{\"x\":");                              /* ... in its value */
    expect("", NULL, 0);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("rc_metadata");
    TCase *tc = tcase_create("drop");
    tcase_add_test(tc, top_level_metadata_goes);
    tcase_add_test(tc, everything_else_stays);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
