#include "test_util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char *log_text;
static size_t log_len;

void test_log_capture(devconf_log_level level, const char *origin, const char *msg, void *payload)
{
    (void)level;
    (void)payload;
    pthread_mutex_lock(&log_lock);
    size_t n = strlen(origin) + strlen(msg) + 3;
    char *p = realloc(log_text, log_len + n + 1);
    if (p) {
        log_text = p;
        log_len += (size_t)sprintf(log_text + log_len, "%s: %s\n", origin, msg);
    }
    pthread_mutex_unlock(&log_lock);
}

void test_log_reset(void)
{
    pthread_mutex_lock(&log_lock);
    free(log_text);
    log_text = NULL;
    log_len = 0;
    pthread_mutex_unlock(&log_lock);
}

int test_log_contains(const char *needle)
{
    pthread_mutex_lock(&log_lock);
    int r = log_text && strstr(log_text, needle) != NULL;
    pthread_mutex_unlock(&log_lock);
    return r;
}

int test_count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++) {
        n++;
    }
    return n;
}

void test_ctx_up(devconf_ctx **ctx, const char *cache_dir, const char *search_dir)
{
    ck_assert_int_ge(devconf_init(), 1);
    ck_assert_int_eq(devconf_ctx_new(ctx), 0);
    ck_assert_int_eq(devconf_ctx_set_cache_dir(*ctx, cache_dir), 0);
    if (search_dir) {
        ck_assert_int_eq(devconf_ctx_add_search_dir(*ctx, search_dir), 0);
    }
    devconf_ctx_set_log_callback(*ctx, DEVCONF_LOG_DEBUG, test_log_capture, NULL);
    test_log_reset();
}

void test_ctx_up_tmp(devconf_ctx **ctx, const char *cache_template, const char *search_dir)
{
    char cache[300];
    snprintf(cache, sizeof cache, "%s", cache_template);
    ck_assert_ptr_nonnull(mkdtemp(cache));
    test_ctx_up(ctx, cache, search_dir);
}

void test_ctx_down(devconf_ctx **ctx, int remove_cache)
{
    char cmd[400] = "";
    if (remove_cache && *ctx) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", devconf_ctx_cache_dir(*ctx));
    }
    devconf_ctx_free(*ctx);
    *ctx = NULL;
    if (cmd[0]) {
        (void)system(cmd);
    }
    devconf_deinit();
    test_log_reset();
}

int test_commit_description(devconf_session *s, const char *name, const char *description)
{
    char *x = NULL;
    ck_assert_int_ge(asprintf(&x,
                              "<interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\">"
                              "<interface><name>%s</name>"
                              "<type xmlns:ianaift=\"urn:ietf:params:xml:ns:yang:iana-if-type\">ianaift:ethernetCsmacd"
                              "</type><description>%s</description></interface></interfaces>", name, description),
                     0);
    int r = devconf_edit_config(s, DEVCONF_DS_CANDIDATE, x, NULL);
    free(x);
    if (r == 0) {
        r = devconf_commit(s, NULL);
    }
    return r;
}

int test_run_suite(Suite *su)
{
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

const char *test_log_text(void)
{
    return log_text ? log_text : "";
}
