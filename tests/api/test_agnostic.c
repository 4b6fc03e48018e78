/* One scenario, written once, run through identical API calls on NETCONF (netconfd) and on
 * RESTCONF (Jetconf): the device-agnostic promise. Only the URI and the credentials differ. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <devconf/devconf.h>

#include "test_server.h"
#include "test_util.h"

static test_server nc_srv;
static test_restconf rc_srv;

static void servers_up(void)
{
    test_server_start(&nc_srv);
    test_restconf_start(&rc_srv);
}

static void servers_down(void)
{
    test_server_stop(&nc_srv);
    test_restconf_stop(&rc_srv);
}

/* The scenario: read an interface, change its description in the candidate, commit, read it
 * back; a bad payload is refused locally; what the device cannot do is refused by name. */
static void scenario(devconf_ctx *ctx, const char *uri, const devconf_session_options *opts)
{
    devconf_session *s = NULL;
    ASSERT_OK(devconf_session_open(&s, ctx, uri, opts));
    const char *filter = "/ietf-interfaces:interfaces/interface[name='eth1']";
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    ro.format = DEVCONF_FORMAT_JSON;

    char *before = NULL;
    ASSERT_OK(devconf_get_config(&before, s, DEVCONF_DS_RUNNING, filter, &ro));
    ck_assert_msg(strstr(before, "\"ietf-interfaces:interfaces\"") && strstr(before, "\"name\": \"eth1\""), "%s",
                  before);
    devconf_free(before);

    ck_assert_int_eq(devconf_session_has_capability(s, "candidate"), 1);
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE,
                                  "{\"ietf-interfaces:interfaces\":{\"interface\":[{\"name\":\"eth1\","
                                  "\"description\":\"set the same way on both protocols\"}]}}", NULL));
    ASSERT_OK(devconf_commit(s, NULL));

    char *after = NULL;
    ASSERT_OK(devconf_get_config(&after, s, DEVCONF_DS_RUNNING, filter, &ro));
    ck_assert_msg(strstr(after, "\"description\": \"set the same way on both protocols\""), "%s", after);
    ck_assert_msg(strstr(after, "\"type\": \"iana-if-type:ethernetCsmacd\""), "merge lost a leaf: %s", after);
    devconf_free(after);

    ck_assert_int_eq(devconf_edit_config(s, DEVCONF_DS_CANDIDATE,
                                         "{\"ietf-interfaces:interfaces\":{\"interface\":[{\"name\":\"eth1\","
                                         "\"enabled\":\"perhaps\"}]}}", NULL),
                     DEVCONF_EYANG);

    devconf_commit_options co = DEVCONF_COMMIT_OPTIONS_INIT;
    co.confirmed = 1;
    co.confirm_timeout = 60;
    if (devconf_session_has_capability(s, "confirmed-commit")) {
        ASSERT_OK(devconf_commit(s, &co));
        ASSERT_OK(devconf_cancel_commit(s, NULL, NULL));
    } else {
        ck_assert_int_eq(devconf_commit(s, &co), DEVCONF_EUNSUPPORTED);
        ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "confirmed commit"));
    }
    devconf_session_free(s);
}

START_TEST(same_scenario_on_netconf_and_restconf)
{
    ck_assert_int_ge(devconf_init(), 1);
    devconf_ctx *ctx = NULL;
    ASSERT_OK(devconf_ctx_new(&ctx));
    char cache[400];
    snprintf(cache, sizeof cache, "%s/cache", nc_srv.dir);
    ASSERT_OK(devconf_ctx_set_cache_dir(ctx, cache));

    devconf_session_options nc = DEVCONF_SESSION_OPTIONS_INIT;
    nc.known_hosts = nc_srv.known_hosts;
    nc.private_key = nc_srv.key;
    scenario(ctx, nc_srv.uri, &nc);

    devconf_session_options rc = DEVCONF_SESSION_OPTIONS_INIT;
    rc.ca_file = rc_srv.ca;
    rc.client_cert = rc_srv.cert;
    rc.client_key = rc_srv.key;
    scenario(ctx, rc_srv.uri, &rc);

    devconf_ctx_free(ctx);
    devconf_deinit();
}
END_TEST

int main(void)
{
    Suite *su = suite_create("agnostic");
    TCase *tc = tcase_create("both protocols");
    tcase_add_unchecked_fixture(tc, servers_up, servers_down);
    tcase_add_test(tc, same_scenario_on_netconf_and_restconf);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
