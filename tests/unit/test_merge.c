/* lib/yang/edit.c: the local application of an edit (NETCONF merge/replace/create/delete) and the
 * diff that follows from it, on list entries of every size. libyang gives siblings a hash table
 * only from 4 children on; below that a sibling lookup compares a leaf's value too, which once
 * made a merge keep the old and the new value of a changed leaf side by side. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#include "devconf_p.h"
#include "test_util.h"

/* Lists of 1 to 5 children (keys included); in k*f the key is the first statement, in k*l the
 * last; m3 has two keys around a leaf. */
static const char *const MODULE =
    "module t-merge {\n"
    "  yang-version 1.1; namespace \"urn:t-merge\"; prefix tm;\n"
    "  container top {\n"
    "    list k1 { key name; leaf name { type string; } }\n"
    "    list k2f { key name; leaf name { type string; } leaf a { type string; } }\n"
    "    list k2l { key name; leaf a { type string; } leaf name { type string; } }\n"
    "    list k3f { key name; leaf name { type string; } leaf a { type string; } leaf b { type string; } }\n"
    "    list k3l { key name; leaf a { type string; } leaf b { type string; } leaf name { type string; } }\n"
    "    list k4f { key name; leaf name { type string; } leaf a { type string; } leaf b { type string; }\n"
    "               leaf c { type string; } }\n"
    "    list k4l { key name; leaf a { type string; } leaf b { type string; } leaf c { type string; }\n"
    "               leaf name { type string; } }\n"
    "    list k5f { key name; leaf name { type string; } leaf a { type string; } leaf b { type string; }\n"
    "               leaf c { type string; } leaf d { type string; } }\n"
    "    list k5l { key name; leaf a { type string; } leaf b { type string; } leaf c { type string; }\n"
    "               leaf d { type string; } leaf name { type string; } }\n"
    "    list m3 { key \"x y\"; leaf x { type string; } leaf a { type string; } leaf y { type string; } }\n"
    "    leaf-list tags { type string; }\n"
    "    leaf solo { type string; }\n"
    "  }\n"
    "}\n";

static struct ly_ctx *ctx;

static void setup(void)
{
    ck_assert_int_eq(ly_ctx_new(NULL, 0, &ctx), LY_SUCCESS);
    const char *dirs = getenv("DEVCONF_YANG_PATH");
    if (dirs) {
        char *copy = strdup(dirs), *save = NULL;
        for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
            ly_ctx_set_searchdir(ctx, d);
        }
        free(copy);
    }
    /* ietf-netconf for nc:operation in edits and for the diff as an edit */
    ck_assert_ptr_nonnull(ly_ctx_load_module(ctx, "ietf-netconf", NULL, NULL));
    ck_assert_int_eq(lys_parse_mem(ctx, MODULE, LYS_IN_YANG, NULL), LY_SUCCESS);
}

static void teardown(void)
{
    ly_ctx_destroy(ctx);
    ctx = NULL;
}

/* Configuration data or an edit (parsed only: an edit need not be valid by itself). */
static struct lyd_node *parse(const char *xml, int edit)
{
    struct lyd_node *t = NULL;
    (void)edit;
    LY_ERR r = lyd_parse_data_mem(ctx, xml, LYD_XML, LYD_PARSE_ONLY, 0, &t);
    ck_assert_msg(r == LY_SUCCESS, "cannot parse %s", xml);
    return t;
}

static char *print(const struct lyd_node *t)
{
    char *out = NULL;
    ck_assert_int_eq(lyd_print_mem(&out, t, LYD_XML, LYD_PRINT_WITHSIBLINGS | LYD_PRINT_SHRINK), LY_SUCCESS);
    return out ? out : strdup("");
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle)) {
        n++;
    }
    return n;
}

/* Entry "e1" of LIST with every non-key leaf of NLEAVES set to OLD, then a merge that changes leaf
 * `a` (or nothing for k1) to NEW: exactly one `a`, holding NEW; the others untouched; the result
 * validates; the diff names the change and, as an edit, gives the same result when applied. */
static void check_list(const char *list, int nleaves)
{
    static const char *const leaves[] = { "a", "b", "c", "d" };
    char before[1024], edit[1024], field[128];
    int o = snprintf(before, sizeof before, "<top xmlns=\"urn:t-merge\"><%s><name>e1</name>", list);
    for (int i = 0; i < nleaves; i++) {
        o += snprintf(before + o, sizeof before - (size_t)o, "<%s>old-%s</%s>", leaves[i], leaves[i], leaves[i]);
    }
    snprintf(before + o, sizeof before - (size_t)o, "</%s></top>", list);
    snprintf(edit, sizeof edit, "<top xmlns=\"urn:t-merge\"><%s><name>e1</name>%s</%s></top>", list,
             nleaves ? "<a>new-a</a>" : "", list);

    struct lyd_node *data = parse(before, 0), *e = parse(edit, 1);
    struct lyd_node *orig = NULL;
    ck_assert_int_eq(lyd_dup_siblings(data, NULL, LYD_DUP_RECURSIVE, &orig), LY_SUCCESS);
    ck_assert_int_eq(devconf__apply_edit(&data, e, DEVCONF_EDIT_MERGE), 0);
    char *after = print(data);
    ck_assert_msg(lyd_validate_all(&data, NULL, LYD_VALIDATE_PRESENT, NULL) == LY_SUCCESS, "%s: %s does not validate",
                  list, after);
    ck_assert_int_eq(count(after, "<name>e1</name>"), 1);
    if (nleaves) {
        ck_assert_msg(count(after, "<a>") == 1 && strstr(after, "<a>new-a</a>"), "%s: %s", list, after);
        for (int i = 1; i < nleaves; i++) {
            snprintf(field, sizeof field, "<%s>old-%s</%s>", leaves[i], leaves[i], leaves[i]);
            ck_assert_msg(strstr(after, field), "%s: %s lost %s", list, after, field);
        }
    }

    char *diff = NULL;
    ck_assert_int_eq(devconf__diff_trees(orig, data, "t", DEVCONF_DIFF_UNIFIED, &diff), 0);
    if (nleaves) {
        ck_assert_msg(strstr(diff, "old-a"), "%s: diff %s", list, diff);
        ck_assert_msg(strstr(diff, "new-a"), "%s: diff %s", list, diff);
    } else {
        ck_assert_str_eq(diff, "");
    }
    devconf_free(diff);

    char *as_edit = NULL;
    ck_assert_int_eq(devconf__diff_trees(orig, data, "t", DEVCONF_DIFF_EDIT_XML, &as_edit), 0);
    if (nleaves) {
        ck_assert_msg(as_edit && strstr(as_edit, "new-a"), "%s: edit %s", list, as_edit ? as_edit : "(null)");
        /* the diff as an edit, applied to the original, gives the same tree */
        struct lyd_node *e2 = NULL;
        ck_assert_int_eq(lyd_parse_data_mem(ctx, as_edit, LYD_XML, LYD_PARSE_ONLY, 0, &e2), LY_SUCCESS);
        ck_assert_int_eq(devconf__apply_edit(&orig, e2, DEVCONF_EDIT_MERGE), 0);
        char *again = print(orig);
        ck_assert_str_eq(again, after);
        free(again);
        lyd_free_all(e2);
    }
    devconf_free(as_edit);
    free(after);
    lyd_free_all(orig);
    lyd_free_all(data);
    lyd_free_all(e);
}

START_TEST(merge_changes_a_leaf_in_lists_of_every_size)
{
    check_list("k1", 0);
    check_list("k2f", 1);
    check_list("k2l", 1);
    check_list("k3f", 2);
    check_list("k3l", 2);
    check_list("k4f", 3);
    check_list("k4l", 3);
    check_list("k5f", 4);
    check_list("k5l", 4);
}
END_TEST

START_TEST(merge_changes_a_leaf_between_two_keys)
{
    struct lyd_node *data = parse("<top xmlns=\"urn:t-merge\"><m3><x>1</x><y>2</y><a>old</a></m3>"
                                  "<m3><x>1</x><y>3</y><a>other</a></m3></top>", 0);
    struct lyd_node *e = parse("<top xmlns=\"urn:t-merge\"><m3><x>1</x><y>2</y><a>new</a></m3></top>", 1);
    ck_assert_int_eq(devconf__apply_edit(&data, e, DEVCONF_EDIT_MERGE), 0);
    char *after = print(data);
    ck_assert_int_eq(lyd_validate_all(&data, NULL, LYD_VALIDATE_PRESENT, NULL), LY_SUCCESS);
    ck_assert_int_eq(count(after, "<a>"), 2);
    ck_assert_ptr_nonnull(strstr(after, "<a>new</a>"));
    ck_assert_ptr_nonnull(strstr(after, "<a>other</a>"));
    ck_assert_ptr_null(strstr(after, "<a>old</a>"));
    free(after);
    lyd_free_all(data);
    lyd_free_all(e);
}
END_TEST

START_TEST(merge_top_leaf_and_leaf_list)
{
    /* a container of 2 children: a leaf changes, a leaf-list gains a value and keeps the old ones */
    struct lyd_node *data = parse("<top xmlns=\"urn:t-merge\"><solo>old</solo><tags>x</tags></top>", 0);
    struct lyd_node *e = parse("<top xmlns=\"urn:t-merge\"><solo>new</solo><tags>y</tags><tags>x</tags></top>", 1);
    ck_assert_int_eq(devconf__apply_edit(&data, e, DEVCONF_EDIT_MERGE), 0);
    char *after = print(data);
    ck_assert_int_eq(lyd_validate_all(&data, NULL, LYD_VALIDATE_PRESENT, NULL), LY_SUCCESS);
    ck_assert_int_eq(count(after, "<solo>"), 1);
    ck_assert_ptr_nonnull(strstr(after, "<solo>new</solo>"));
    ck_assert_int_eq(count(after, "<tags>x</tags>"), 1);
    ck_assert_int_eq(count(after, "<tags>y</tags>"), 1);
    free(after);
    lyd_free_all(data);
    lyd_free_all(e);
}
END_TEST

START_TEST(replace_and_delete_in_small_lists)
{
    struct lyd_node *data = parse("<top xmlns=\"urn:t-merge\"><k3f><name>e1</name><a>1</a><b>2</b></k3f>"
                                  "<k2l><a>z</a><name>e2</name></k2l></top>", 0);
    struct lyd_node *e = parse("<top xmlns=\"urn:t-merge\" xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\">"
                               "<k3f nc:operation=\"replace\"><name>e1</name><b>9</b></k3f>"
                               "<k2l><name>e2</name><a nc:operation=\"delete\"/></k2l></top>", 1);
    ck_assert_int_eq(devconf__apply_edit(&data, e, DEVCONF_EDIT_MERGE), 0);
    char *after = print(data);
    ck_assert_int_eq(lyd_validate_all(&data, NULL, LYD_VALIDATE_PRESENT, NULL), LY_SUCCESS);
    ck_assert_msg(!strstr(after, "<a>1</a>") && strstr(after, "<b>9</b>") && !strstr(after, "<b>2</b>"), "%s",
                  after);
    ck_assert_msg(!strstr(after, "<a>z</a>") && strstr(after, "<name>e2</name>"), "%s", after);
    free(after);
    lyd_free_all(data);
    lyd_free_all(e);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("merge");
    TCase *tc = tcase_create("merge");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, merge_changes_a_leaf_in_lists_of_every_size);
    tcase_add_test(tc, merge_changes_a_leaf_between_two_keys);
    tcase_add_test(tc, merge_top_leaf_and_leaf_list);
    tcase_add_test(tc, replace_and_delete_in_small_lists);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
