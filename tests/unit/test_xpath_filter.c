/* lib/netconf/read.c: the XPath filter element built from an expression with module names as
 * prefixes: every module named is declared once, however many there are (a fixed array of 64
 * once left the 65th undeclared), and a prefix two modules share keeps the module names. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#include "netconf/netconf_p.h"
#include "test_util.h"

#define NMOD 100

static struct ly_ctx *ctx;

static void setup(void)
{
    ck_assert_int_eq(ly_ctx_new(NULL, 0, &ctx), LY_SUCCESS);
    for (int i = 0; i < NMOD; i++) {
        char mod[256];
        snprintf(mod, sizeof mod, "module xm%d { namespace \"urn:xm%d\"; prefix p%d; container c { leaf l { type string; } } }",
                 i, i, i);
        ck_assert_int_eq(lys_parse_mem(ctx, mod, LYS_IN_YANG, NULL), LY_SUCCESS);
    }
    /* two modules with one prefix */
    ck_assert_int_eq(lys_parse_mem(ctx, "module xa { namespace \"urn:xa\"; prefix same; container c; }", LYS_IN_YANG,
                                   NULL), LY_SUCCESS);
    ck_assert_int_eq(lys_parse_mem(ctx, "module xb { namespace \"urn:xb\"; prefix same; container c; }", LYS_IN_YANG,
                                   NULL), LY_SUCCESS);
}

static void teardown(void)
{
    ly_ctx_destroy(ctx);
}

START_TEST(every_module_of_a_long_union_is_declared)
{
    devconf__buf x = { 0 };
    for (int i = 0; i < NMOD; i++) {
        devconf__buf_printf(&x, "%s/xm%d:c/xm%d:l", i ? " | " : "", i, i);
    }
    devconf__buf b = { 0 };
    devconf__nc_xpath_filter(&b, ctx, x.data);
    ck_assert(!b.failed);
    for (int i = 0; i < NMOD; i++) {
        char decl[64], use[64];
        snprintf(decl, sizeof decl, " xmlns:p%d=\"urn:xm%d\"", i, i);
        snprintf(use, sizeof use, "/p%d:c/p%d:l", i, i);
        ck_assert_msg(strstr(b.data, decl), "module %d not declared", i);
        ck_assert_msg(strstr(b.data, use), "module %d not rewritten", i);
        /* declared once */
        ck_assert_ptr_null(strstr(strstr(b.data, decl) + 1, decl));
    }
    devconf__buf_dispose(&b);
    devconf__buf_dispose(&x);
}
END_TEST

START_TEST(a_shared_prefix_keeps_the_module_names)
{
    devconf__buf b = { 0 };
    devconf__nc_xpath_filter(&b, ctx, "/xa:c | /xb:c");
    ck_assert_ptr_nonnull(strstr(b.data, "select=\"/xa:c | /xb:c\""));
    ck_assert_ptr_nonnull(strstr(b.data, " xmlns:xa=\"urn:xa\""));
    ck_assert_ptr_nonnull(strstr(b.data, " xmlns:xb=\"urn:xb\""));
    devconf__buf_dispose(&b);
}
END_TEST

START_TEST(quoted_text_and_unknown_names_are_left_alone)
{
    devconf__buf b = { 0 };
    devconf__nc_xpath_filter(&b, ctx, "/xm1:c[xm1:l='xm2:c'] | /nope:c");
    ck_assert_str_eq(b.data, "<filter type=\"xpath\" select=\"/p1:c[p1:l=&apos;xm2:c&apos;] | /nope:c\" "
                             "xmlns:p1=\"urn:xm1\"/>");
    ck_assert_ptr_null(strstr(b.data, "xmlns:p2"));
    devconf__buf_dispose(&b);
}
END_TEST

/* lib/netconf/plock.c: every unprefixed name test gets the module of the nearest prefix before it. */
static void qualified(const char *in, const char *want)
{
    char *got = devconf__nc_xpath_qualify(in);
    ck_assert_ptr_nonnull(got);
    ck_assert_msg(!strcmp(got, want), "%s -> %s, want %s", in, got, want);
    free(got);
}

START_TEST(unprefixed_name_tests_get_the_module_before_them)
{
    qualified("/ietf-interfaces:interfaces/interface[name='eth0']",
              "/ietf-interfaces:interfaces/ietf-interfaces:interface[ietf-interfaces:name='eth0']");
    qualified("/a:x/y | /b:z/w", "/a:x/a:y | /b:z/b:w");
    qualified("/a:x/y[count(z) > 1 and q = \"n:a me\"]/a:k",
              "/a:x/a:y[count(a:z) > 1 and a:q = \"n:a me\"]/a:k");
    qualified("/a:x/*/@attr", "/a:x/*/@attr");
    qualified("/a:x/child::y[. = 'v' or 1.5 div 2 mod 3]", "/a:x/child::a:y[. = 'v' or 1.5 div 2 mod 3]");
    qualified("noprefix/at/all", "noprefix/at/all");
    qualified("/a:x/b:y/z", "/a:x/b:y/b:z");
    qualified("", "");
}
END_TEST

int main(void)
{
    Suite *su = suite_create("xpath_filter");
    TCase *tc = tcase_create("xpath_filter");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, every_module_of_a_long_union_is_declared);
    tcase_add_test(tc, a_shared_prefix_keeps_the_module_names);
    tcase_add_test(tc, quoted_text_and_unknown_names_are_left_alone);
    tcase_add_test(tc, unprefixed_name_tests_get_the_module_before_them);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
