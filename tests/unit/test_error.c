/* Unit tests for lib/error.c: return-code texts, the thread-local error object, rpc-errors. */
#include <check.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "devconf_p.h"
#include "test_util.h"

static const int all_codes[] = {
    DEVCONF_OK,     DEVCONF_ERROR,    DEVCONF_EINVAL, DEVCONF_ENOMEM, DEVCONF_ENOTFOUND,
    DEVCONF_ETIMEOUT, DEVCONF_ECONNECT, DEVCONF_EAUTH, DEVCONF_EHOSTKEY, DEVCONF_EPROTO,
    DEVCONF_EYANG,  DEVCONF_ERPC,     DEVCONF_EUNSUPPORTED, DEVCONF_EUSER, DEVCONF_ECANCELED,
};
#define N_CODES (sizeof all_codes / sizeof all_codes[0])

static void teardown(void)
{
    devconf__error_clear();
}

/* A fully populated and a sparse rpc-error, as a NETCONF device would report them. */
static const struct devconf_rpc_error full_entry = {
    .type = "application",
    .tag = "invalid-value",
    .severity = "error",
    .app_tag = "too-big",
    .path = "/if:interfaces/if:interface[if:name='eth0']/if:mtu",
    .message = "MTU must be at most 9000",
    .lang = "en",
    .info_xml = "<error-info><bad-element>mtu</bad-element></error-info>",
};
static const struct devconf_rpc_error sparse_entry = {
    .type = "protocol",
    .tag = "lock-denied",
    .severity = "error",
    .info_xml = "<error-info><session-id>4</session-id></error-info>",
};

static void check_full(const devconf_rpc_error *r)
{
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(devconf_rpc_error_type(r), "application");
    ck_assert_str_eq(devconf_rpc_error_tag(r), "invalid-value");
    ck_assert_str_eq(devconf_rpc_error_severity(r), "error");
    ck_assert_str_eq(devconf_rpc_error_app_tag(r), "too-big");
    ck_assert_str_eq(devconf_rpc_error_path(r), "/if:interfaces/if:interface[if:name='eth0']/if:mtu");
    ck_assert_str_eq(devconf_rpc_error_message(r), "MTU must be at most 9000");
    ck_assert_str_eq(devconf_rpc_error_lang(r), "en");
    ck_assert_str_eq(devconf_rpc_error_info_xml(r), "<error-info><bad-element>mtu</bad-element></error-info>");
}

static void check_sparse(const devconf_rpc_error *r)
{
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(devconf_rpc_error_type(r), "protocol");
    ck_assert_str_eq(devconf_rpc_error_tag(r), "lock-denied");
    ck_assert_str_eq(devconf_rpc_error_severity(r), "error");
    ck_assert_ptr_null(devconf_rpc_error_app_tag(r));
    ck_assert_ptr_null(devconf_rpc_error_path(r));
    ck_assert_ptr_null(devconf_rpc_error_message(r));
    ck_assert_ptr_null(devconf_rpc_error_lang(r));
    ck_assert_str_eq(devconf_rpc_error_info_xml(r), "<error-info><session-id>4</session-id></error-info>");
}

/* Sets an ERPC error with two device-reported errors and an HTTP status. */
static void set_rpc_error(void)
{
    ck_assert_int_eq(devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ERPC, "edit-config on %s refused", "r1"),
                     DEVCONF_ERPC);
    ck_assert_int_eq(devconf__error_add_rpc_error(&full_entry), 0);
    ck_assert_int_eq(devconf__error_add_rpc_error(&sparse_entry), 0);
    devconf__error_set_http_status(409);
}

/* ---- devconf_strerror ---- */

START_TEST(strerror_describes_every_code)
{
    for (size_t i = 0; i < N_CODES; i++) {
        const char *s = devconf_strerror(all_codes[i]);
        ck_assert_ptr_nonnull(s);
        ck_assert_msg(*s != '\0', "empty text for code %d", all_codes[i]);
        ck_assert_msg(strcmp(s, "unknown error code") != 0, "code %d has no text of its own", all_codes[i]);
    }
}
END_TEST

START_TEST(strerror_texts_are_distinct)
{
    for (size_t i = 0; i < N_CODES; i++) {
        for (size_t j = i + 1; j < N_CODES; j++) {
            ck_assert_msg(strcmp(devconf_strerror(all_codes[i]), devconf_strerror(all_codes[j])) != 0,
                          "codes %d and %d share the text '%s'", all_codes[i], all_codes[j],
                          devconf_strerror(all_codes[i]));
        }
    }
}
END_TEST

START_TEST(strerror_unknown_code_gives_unknown_error_code)
{
    static const int unknown[] = { 1, 42, DEVCONF_ECANCELED - 1, -1000, INT_MIN, INT_MAX };
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        ck_assert_str_eq(devconf_strerror(unknown[i]), "unknown error code");
    }
}
END_TEST

/* ---- the thread-local error ---- */

START_TEST(error_last_is_never_null_and_ok_after_clear)
{
    devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_ENOTFOUND, "x");
    devconf__error_clear();
    const devconf_error *e = devconf_error_last();
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(devconf_error_code(e), DEVCONF_OK);
    ck_assert_int_eq(devconf_error_origin(e), DEVCONF_ORIGIN_NONE);
    ck_assert_str_eq(devconf_error_message(e), "");
    ck_assert_int_eq(devconf_error_http_status(e), 0);
    ck_assert_uint_eq(devconf_error_rpc_error_count(e), 0);
    ck_assert_ptr_null(devconf_error_rpc_error(e, 0));
}
END_TEST

START_TEST(error_set_records_code_origin_and_formatted_message)
{
    int r = devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_EAUTH, "authentication to %s port %u rejected", "r1",
                               830u);
    ck_assert_int_eq(r, DEVCONF_EAUTH);
    const devconf_error *e = devconf_error_last();
    ck_assert_int_eq(devconf_error_code(e), DEVCONF_EAUTH);
    ck_assert_int_eq(devconf_error_origin(e), DEVCONF_ORIGIN_SSH);
    ck_assert_str_eq(devconf_error_message(e), "authentication to r1 port 830 rejected");
    ck_assert_int_eq(devconf_error_http_status(e), 0);
    ck_assert_uint_eq(devconf_error_rpc_error_count(e), 0);
}
END_TEST

START_TEST(error_messages_never_carry_control_characters)
{
    /* device text in a message (an rpc-error's message, a name): ESC, CSI in C1, BEL, DEL and bytes
     * that are not UTF-8 are escaped; newline, tab and other UTF-8 stay */
    devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ERPC, "device said: %s",
                       "a\x1b[2Jb\xc2\x9b" "31mc\x07" "d\x7f" "e\xff\nline two\tend \xc3\xa9 \xe2\x82\xac");
    ck_assert_str_eq(devconf_error_message(devconf_error_last()),
                     "device said: a\\u001B[2Jb\\u009B31mc\\u0007d\\u007Fe\\xFF\nline two\tend \xc3\xa9 \xe2\x82\xac");
    devconf__error_set_message("again: %s", "\x1b]0;title\x07");
    ck_assert_str_eq(devconf_error_message(devconf_error_last()), "again: \\u001B]0;title\\u0007");
    devconf__error_clear();
}
END_TEST

START_TEST(error_set_replaces_previous_error_entirely)
{
    set_rpc_error();
    devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_ENOTFOUND, "second");
    const devconf_error *e = devconf_error_last();
    ck_assert_int_eq(devconf_error_code(e), DEVCONF_ENOTFOUND);
    ck_assert_int_eq(devconf_error_origin(e), DEVCONF_ORIGIN_OS);
    ck_assert_str_eq(devconf_error_message(e), "second");
    ck_assert_int_eq(devconf_error_http_status(e), 0);
    ck_assert_uint_eq(devconf_error_rpc_error_count(e), 0);
}
END_TEST

START_TEST(error_set_message_keeps_code_origin_and_rpc_errors)
{
    set_rpc_error();
    devconf__error_set_message("edit-config refused by %s: %s", "r1", "invalid-value");
    const devconf_error *e = devconf_error_last();
    ck_assert_int_eq(devconf_error_code(e), DEVCONF_ERPC);
    ck_assert_int_eq(devconf_error_origin(e), DEVCONF_ORIGIN_NETCONF);
    ck_assert_str_eq(devconf_error_message(e), "edit-config refused by r1: invalid-value");
    ck_assert_int_eq(devconf_error_http_status(e), 409);
    ck_assert_uint_eq(devconf_error_rpc_error_count(e), 2);
}
END_TEST

START_TEST(error_oom_needs_no_allocation_and_clears)
{
    ck_assert_int_eq(devconf__error_oom(), DEVCONF_ENOMEM);
    const devconf_error *e = devconf_error_last();
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(devconf_error_code(e), DEVCONF_ENOMEM);
    ck_assert_int_eq(devconf_error_origin(e), DEVCONF_ORIGIN_OS);
    ck_assert_str_eq(devconf_error_message(e), "out of memory");
    devconf_error_free((devconf_error *)e); /* must not free the static object */
    devconf__error_clear();
    ck_assert_int_eq(devconf_error_code(devconf_error_last()), DEVCONF_OK);
}
END_TEST

START_TEST(error_accessors_tolerate_null)
{
    ck_assert_int_eq(devconf_error_code(NULL), DEVCONF_EINVAL);
    ck_assert_str_eq(devconf_error_message(NULL), "");
    ck_assert_int_eq(devconf_error_origin(NULL), DEVCONF_ORIGIN_NONE);
    ck_assert_int_eq(devconf_error_http_status(NULL), 0);
    ck_assert_uint_eq(devconf_error_rpc_error_count(NULL), 0);
    ck_assert_ptr_null(devconf_error_rpc_error(NULL, 0));
    ck_assert_ptr_null(devconf_rpc_error_type(NULL));
    ck_assert_ptr_null(devconf_rpc_error_tag(NULL));
    ck_assert_ptr_null(devconf_rpc_error_severity(NULL));
    ck_assert_ptr_null(devconf_rpc_error_app_tag(NULL));
    ck_assert_ptr_null(devconf_rpc_error_path(NULL));
    ck_assert_ptr_null(devconf_rpc_error_message(NULL));
    ck_assert_ptr_null(devconf_rpc_error_lang(NULL));
    ck_assert_ptr_null(devconf_rpc_error_info_xml(NULL));
}
END_TEST

/* ---- rpc-errors ---- */

START_TEST(error_add_rpc_error_copies_every_field)
{
    /* The entry is copied: a caller's buffer may change afterwards. */
    char tag[] = "data-exists";
    struct devconf_rpc_error entry = { .type = "application", .tag = tag };
    devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ERPC, "refused");
    ck_assert_int_eq(devconf__error_add_rpc_error(&full_entry), 0);
    ck_assert_int_eq(devconf__error_add_rpc_error(&sparse_entry), 0);
    ck_assert_int_eq(devconf__error_add_rpc_error(&entry), 0);
    memset(tag, 'x', sizeof tag - 1);

    const devconf_error *e = devconf_error_last();
    ck_assert_uint_eq(devconf_error_rpc_error_count(e), 3);
    check_full(devconf_error_rpc_error(e, 0));
    check_sparse(devconf_error_rpc_error(e, 1));
    const devconf_rpc_error *r = devconf_error_rpc_error(e, 2);
    ck_assert_str_eq(devconf_rpc_error_tag(r), "data-exists");
    ck_assert_ptr_ne(devconf_rpc_error_tag(devconf_error_rpc_error(e, 0)), full_entry.tag);
}
END_TEST

START_TEST(error_rpc_error_out_of_range_returns_null)
{
    set_rpc_error();
    const devconf_error *e = devconf_error_last();
    ck_assert_uint_eq(devconf_error_rpc_error_count(e), 2);
    ck_assert_ptr_nonnull(devconf_error_rpc_error(e, 1));
    ck_assert_ptr_null(devconf_error_rpc_error(e, 2));
    ck_assert_ptr_null(devconf_error_rpc_error(e, 1000));
    ck_assert_ptr_null(devconf_error_rpc_error(e, (size_t)-1));
}
END_TEST

START_TEST(error_http_status_is_recorded)
{
    devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_ERPC, "PUT refused");
    devconf__error_set_http_status(400);
    ck_assert_int_eq(devconf_error_http_status(devconf_error_last()), 400);
}
END_TEST

/* ---- dup / free ---- */

START_TEST(error_dup_is_a_deep_copy_that_outlives_the_original)
{
    set_rpc_error();
    devconf_error *copy = NULL;
    ck_assert_int_eq(devconf_error_dup(&copy, devconf_error_last()), 0);
    ck_assert_ptr_nonnull(copy);
    ck_assert_ptr_ne(copy, devconf_error_last());
    ck_assert_ptr_ne(devconf_error_message(copy), devconf_error_message(devconf_error_last()));

    /* Free the original; the copy must still be whole (ASan catches any sharing). */
    devconf__error_clear();
    devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_ENOTFOUND, "an unrelated later error");

    ck_assert_int_eq(devconf_error_code(copy), DEVCONF_ERPC);
    ck_assert_int_eq(devconf_error_origin(copy), DEVCONF_ORIGIN_NETCONF);
    ck_assert_str_eq(devconf_error_message(copy), "edit-config on r1 refused");
    ck_assert_int_eq(devconf_error_http_status(copy), 409);
    ck_assert_uint_eq(devconf_error_rpc_error_count(copy), 2);
    check_full(devconf_error_rpc_error(copy, 0));
    check_sparse(devconf_error_rpc_error(copy, 1));
    ck_assert_ptr_null(devconf_error_rpc_error(copy, 2));
    devconf_error_free(copy);
}
END_TEST

START_TEST(error_dup_of_no_error_gives_ok_copy)
{
    devconf__error_clear();
    devconf_error *copy = NULL;
    ck_assert_int_eq(devconf_error_dup(&copy, devconf_error_last()), 0);
    ck_assert_int_eq(devconf_error_code(copy), DEVCONF_OK);
    ck_assert_str_eq(devconf_error_message(copy), "");
    ck_assert_uint_eq(devconf_error_rpc_error_count(copy), 0);
    devconf_error_free(copy);
}
END_TEST

START_TEST(error_dup_of_oom_error_keeps_it)
{
    devconf__error_oom();
    devconf_error *copy = NULL;
    ck_assert_int_eq(devconf_error_dup(&copy, devconf_error_last()), 0);
    devconf__error_clear();
    ck_assert_int_eq(devconf_error_code(copy), DEVCONF_ENOMEM);
    ck_assert_str_eq(devconf_error_message(copy), "out of memory");
    devconf_error_free(copy);
}
END_TEST

START_TEST(error_dup_rejects_null_arguments)
{
    devconf_error *copy = (devconf_error *)&copy; /* garbage that must be reset */
    ck_assert_int_eq(devconf_error_dup(&copy, NULL), DEVCONF_EINVAL);
    ck_assert_ptr_null(copy);
    ck_assert_int_eq(devconf_error_code(devconf_error_last()), DEVCONF_EINVAL);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "NULL"));

    devconf__error_clear();
    ck_assert_int_eq(devconf_error_dup(NULL, devconf_error_last()), DEVCONF_EINVAL);
    ck_assert_int_eq(devconf_error_code(devconf_error_last()), DEVCONF_EINVAL);
}
END_TEST

START_TEST(error_free_null_is_a_noop)
{
    devconf_error_free(NULL);
}
END_TEST

/* ---- origins ---- */

START_TEST(origin_name_names_every_origin)
{
    static const struct {
        devconf_origin origin;
        const char *name;
    } names[] = {
        { DEVCONF_ORIGIN_NONE, "devconf" }, { DEVCONF_ORIGIN_NETCONF, "netconf" },
        { DEVCONF_ORIGIN_RESTCONF, "restconf" }, { DEVCONF_ORIGIN_SSH, "ssh" },
        { DEVCONF_ORIGIN_TLS, "tls" }, { DEVCONF_ORIGIN_HTTP, "http" },
        { DEVCONF_ORIGIN_YANG, "yang" }, { DEVCONF_ORIGIN_OS, "os" },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        ck_assert_str_eq(devconf_origin_name(names[i].origin), names[i].name);
    }
    ck_assert_str_eq(devconf_origin_name((devconf_origin)99), "unknown");
    ck_assert_str_eq(devconf_origin_name((devconf_origin)-1), "unknown");
}
END_TEST

/* ---- thread-locality ---- */

struct thread_result {
    int code_seen_at_start;
    const char *message_seen_at_start;
    int code_after_own_set;
};

static void *other_thread(void *arg)
{
    struct thread_result *res = arg;
    const devconf_error *e = devconf_error_last();
    res->code_seen_at_start = devconf_error_code(e);
    res->message_seen_at_start = devconf_error_message(e); /* static "" when nothing failed here */
    devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_ETIMEOUT, "thread error");
    res->code_after_own_set = devconf_error_code(devconf_error_last());
    devconf__error_clear(); /* what devconf_thread_cleanup() does for the error state */
    return NULL;
}

START_TEST(error_is_thread_local)
{
    devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ERPC, "main thread error");
    ck_assert_int_eq(devconf__error_add_rpc_error(&full_entry), 0);

    struct thread_result res = { 12345, NULL, 0 };
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, other_thread, &res), 0);
    ck_assert_int_eq(pthread_join(t, NULL), 0);

    ck_assert_int_eq(res.code_seen_at_start, DEVCONF_OK);
    ck_assert_str_eq(res.message_seen_at_start, "");
    ck_assert_int_eq(res.code_after_own_set, DEVCONF_ETIMEOUT);

    const devconf_error *e = devconf_error_last();
    ck_assert_int_eq(devconf_error_code(e), DEVCONF_ERPC);
    ck_assert_str_eq(devconf_error_message(e), "main thread error");
    ck_assert_uint_eq(devconf_error_rpc_error_count(e), 1);
    check_full(devconf_error_rpc_error(e, 0));
}
END_TEST

static void *oom_thread(void *arg)
{
    (void)arg;
    devconf__error_oom();
    return NULL;
}

START_TEST(error_oom_state_is_thread_local)
{
    devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_ENOTFOUND, "main");
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, oom_thread, NULL), 0);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    ck_assert_int_eq(devconf_error_code(devconf_error_last()), DEVCONF_ENOTFOUND);
    ck_assert_str_eq(devconf_error_message(devconf_error_last()), "main");
}
END_TEST

static Suite *error_suite(void)
{
    Suite *s = suite_create("error");

    TCase *tc = tcase_create("strerror");
    tcase_add_test(tc, strerror_describes_every_code);
    tcase_add_test(tc, strerror_texts_are_distinct);
    tcase_add_test(tc, strerror_unknown_code_gives_unknown_error_code);
    tcase_add_test(tc, origin_name_names_every_origin);
    suite_add_tcase(s, tc);

    tc = tcase_create("last");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, error_last_is_never_null_and_ok_after_clear);
    tcase_add_test(tc, error_set_records_code_origin_and_formatted_message);
    tcase_add_test(tc, error_set_replaces_previous_error_entirely);
    tcase_add_test(tc, error_messages_never_carry_control_characters);
    tcase_add_test(tc, error_set_message_keeps_code_origin_and_rpc_errors);
    tcase_add_test(tc, error_oom_needs_no_allocation_and_clears);
    tcase_add_test(tc, error_accessors_tolerate_null);
    tcase_add_test(tc, error_add_rpc_error_copies_every_field);
    tcase_add_test(tc, error_rpc_error_out_of_range_returns_null);
    tcase_add_test(tc, error_http_status_is_recorded);
    suite_add_tcase(s, tc);

    tc = tcase_create("dup");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, error_dup_is_a_deep_copy_that_outlives_the_original);
    tcase_add_test(tc, error_dup_of_no_error_gives_ok_copy);
    tcase_add_test(tc, error_dup_of_oom_error_keeps_it);
    tcase_add_test(tc, error_dup_rejects_null_arguments);
    tcase_add_test(tc, error_free_null_is_a_noop);
    suite_add_tcase(s, tc);

    tc = tcase_create("threads");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, error_is_thread_local);
    tcase_add_test(tc, error_oom_state_is_thread_local);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(error_suite());
}
