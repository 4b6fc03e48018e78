/* lib/netconf/framing.c: RFC 6242 framing, with the hostile chunk headers that crashed
 * libnetconf2 2.0.24 (#-1 wrapped to a 0-byte buffer and overflowed it, #0 dereferenced NULL). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "netconf/netconf_p.h"
#include "test_util.h"

/* Feeds data in pieces of step bytes; returns the messages found, joined by '|', or NULL on a
 * framing error (error set). */
static char *feed_all(bool chunked, uint64_t max, const char *data, size_t len, size_t step)
{
    devconf__framer f;
    devconf__framer_init(&f, max);
    f.chunked = chunked;
    devconf__buf out = { 0 };
    devconf__buf_puts(&out, "");
    size_t off = 0;
    while (off < len) {
        size_t n = len - off < step ? len - off : step;
        size_t used_total = 0;
        while (used_total < n) {
            bool done = false;
            long used = devconf__framer_feed(&f, data + off + used_total, n - used_total, &done);
            if (used < 0) {
                devconf__framer_dispose(&f);
                devconf__buf_dispose(&out);
                return NULL;
            }
            used_total += (size_t)used;
            if (done) {
                size_t mlen;
                char *m = devconf__framer_take(&f, &mlen);
                if (out.len) {
                    devconf__buf_puts(&out, "|");
                }
                if (m) {
                    ck_assert_uint_eq(mlen, strlen(m));
                    devconf__buf_puts(&out, m);
                } else {
                    devconf__buf_printf(&out, "<too big: %zu>", mlen);
                }
                free(m);
            }
        }
        off += n;
    }
    devconf__framer_dispose(&f);
    return devconf__buf_steal(&out);
}

static void expect(bool chunked, const char *data, const char *want)
{
    for (size_t step = 1; step <= strlen(data) + 1; step = step < 8 ? step + 1 : step * 3) {
        char *got = feed_all(chunked, 1 << 20, data, strlen(data), step);
        ck_assert_msg(got, "step %zu: %s", step, devconf_error_message(devconf_error_last()));
        ck_assert_msg(!strcmp(got, want), "step %zu: got '%s', want '%s'", step, got, want);
        free(got);
    }
}

static void refuse(const char *data, const char *why)
{
    for (size_t step = 1; step <= strlen(data); step++) {
        char *got = feed_all(true, 1 << 20, data, strlen(data), step);
        ck_assert_msg(!got, "step %zu accepted '%s' as '%s'", step, data, got ? got : "");
        ck_assert_int_eq(devconf_error_code(devconf_error_last()), DEVCONF_EPROTO);
        ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), why), "%s",
                      devconf_error_message(devconf_error_last()));
    }
}

START_TEST(end_of_message_framing)
{
    expect(false, "<a/>]]>]]>", "<a/>");
    expect(false, "<a/>]]>]]><b/>]]>]]>", "<a/>|<b/>");
    expect(false, "]]>]]>", "");
    /* almost-delimiters are content */
    expect(false, "x]]>]]]>]]>", "x]]>]");
    expect(false, "]]]]>]]>]]>", "]]");
}
END_TEST

START_TEST(chunked_framing)
{
    expect(true, "\n#4\n<a/>\n##\n", "<a/>");
    expect(true, "\n#2\n<a\n#2\n/>\n##\n\n#1\nb\n##\n", "<a/>|b");
    expect(true, "\n#10\n0123456789\n##\n", "0123456789");
    /* chunk data may hold anything, framing characters included */
    expect(true, "\n#5\n\n##\n#\n##\n", "\n##\n#");
}
END_TEST

START_TEST(hostile_chunk_headers_are_refused)
{
    refuse("\n#-1\nAAAA", "starts with a digit 1-9");
    refuse("\n#0\n", "starts with a digit 1-9");
    refuse("\n#01\nA\n##\n", "starts with a digit 1-9");
    refuse("\n#4294967296\nA", "above 4294967295");
    refuse("\n#99999999999\nA", "above 4294967295");
    refuse("\n#1233333333333333333333333333", "more than 10 digits, without the line feed");
    refuse("\n#12 \nA", "ends with a line feed");
    refuse("\n#12x", "ends with a line feed");
    refuse("#4\n<a/>", "line feed");
    refuse("\n4\n<a/>", "'#'");
    refuse("\n##\n", "before any chunk");
    refuse("\n#1\na\n##x", "after the end of chunks");
    refuse("\n#1\naX", "line feed");
}
END_TEST

START_TEST(largest_chunk_size_is_accepted)
{
    devconf__framer f;
    devconf__framer_init(&f, 16);
    f.chunked = true;
    bool done = false;
    const char *hdr = "\n#4294967295\n";
    ck_assert_int_eq(devconf__framer_feed(&f, hdr, strlen(hdr), &done), (long)strlen(hdr));
    ck_assert(!done);
    devconf__framer_dispose(&f);
}
END_TEST

START_TEST(too_big_messages_are_dropped_and_the_stream_goes_on)
{
    const char *two = "\n#5\n12345\n#5\n67890\n##\n\n#2\nok\n##\n";
    char *got = feed_all(true, 8, two, strlen(two), 3);
    ck_assert_ptr_nonnull(got);
    ck_assert_str_eq(got, "<too big: 10>|ok");
    free(got);
    got = feed_all(false, 8, "0123456789abcdef]]>]]>ok]]>]]>", 30, 4);
    ck_assert_ptr_nonnull(got);
    ck_assert_str_eq(got, "<too big: 16>|ok");
    free(got);
    /* exactly at the limit is fine */
    got = feed_all(false, 8, "01234567]]>]]>", 14, 5);
    ck_assert_str_eq(got, "01234567");
    free(got);
}
END_TEST

START_TEST(frame_and_feed_round_trip)
{
    for (int chunked = 0; chunked < 2; chunked++) {
        devconf__buf b = { 0 };
        devconf__framer_frame(&b, chunked, "<rpc/>", 6);
        if (!chunked) {
            devconf__framer_frame(&b, chunked, "", 0); /* chunked framing has no empty message */
        }
        char *got = feed_all(chunked, 100, b.data, b.len, 2);
        ck_assert_ptr_nonnull(got);
        ck_assert_str_eq(got, chunked ? "<rpc/>" : "<rpc/>|");
        free(got);
        devconf__buf_dispose(&b);
    }
}
END_TEST

int main(void)
{
    Suite *su = suite_create("framing");
    TCase *tc = tcase_create("framing");
    tcase_add_test(tc, end_of_message_framing);
    tcase_add_test(tc, chunked_framing);
    tcase_add_test(tc, hostile_chunk_headers_are_refused);
    tcase_add_test(tc, largest_chunk_size_is_accepted);
    tcase_add_test(tc, too_big_messages_are_dropped_and_the_stream_goes_on);
    tcase_add_test(tc, frame_and_feed_round_trip);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
