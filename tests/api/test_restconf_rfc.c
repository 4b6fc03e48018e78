/* RESTCONF features Jetconf lacks (PATCH, YANG Patch, XML bodies, If-Match, the client-side
 * candidate, error pages), against a scripted responder replaying exchanges written from the
 * examples of RFC 8040 and RFC 8072 (tests/fixtures/restconf/responder*). */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <devconf/devconf.h>

#include "test_responder.h"
#include "test_server.h"
#include "test_util.h"

static devconf_ctx *ctx;
/* Nothing the responder did not expect, and nothing a strict server refuses (strict mode). */
static void assert_clean(const char *reqs)
{
    ck_assert_msg(test_count(reqs, "\"unexpected\"") == 0, "unexpected requests: %s", reqs);
    ck_assert_msg(test_count(reqs, "\"rejected: ") == 0, "requests a strict server refuses: %s", reqs);
}

static void setup(void)
{
    /* ietf-netconf, for nc:operation in payloads */
    test_ctx_up_tmp(&ctx, "/tmp/devconf-rfc-cache-XXXXXX", "/usr/share/yuma/modules/ietf");
}

static void teardown(void)
{
    test_ctx_down(&ctx, 1);
}

static devconf_session *open_rfc(const test_responder *r)
{
    devconf_session *s = NULL;
    int rc = devconf_session_open(&s, ctx, r->uri, NULL);
    ck_assert_msg(rc == 0, "open: %d %s", rc, devconf_error_message(devconf_error_last()));
    return s;
}

#define DELETE_BETA                                                                              \
    "<items xmlns=\"urn:devconf:example\" xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\">" \
    "<item nc:operation=\"delete\"><name>beta</name></item></items>"

START_TEST(rfc_server_profile_and_capabilities)
{
    test_responder r;
    test_responder_start(&r, "patch-merge.json");
    devconf_session *s = open_rfc(&r);
    ck_assert_int_eq(devconf_session_has_capability(s, "urn:devconf:restconf:profile:rfc8040"), 1);
    ck_assert_int_eq(devconf_session_has_capability(s, "depth"), 1);
    ck_assert_int_eq(devconf_session_has_capability(s, "yang-patch"), 0);
    ck_assert_int_eq(devconf_session_has_capability(s, "devconf-example"), 1);
    ck_assert_int_eq(devconf_session_has_capability(s, "candidate"), 1); /* client-side */
    ck_assert(test_log_contains("plain HTTP"));
    devconf_session_free(s);
    char *reqs = test_responder_stop(&r);
    assert_clean(reqs);
    ck_assert_int_eq(test_count(reqs, "/.well-known/host-meta"), 1);
    free(reqs);
}
END_TEST

START_TEST(merge_is_a_plain_patch)
{
    test_responder r;
    test_responder_start(&r, "patch-merge.json");
    devconf_session *s = open_rfc(&r);
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_RUNNING, "{\"devconf-example:settings\":{\"mtu\":1400}}", NULL));
    devconf_session_free(s);
    char *reqs = test_responder_stop(&r);
    ck_assert_msg(test_count(reqs, "\"sequence:0\"") == 1, "%s", reqs);
    assert_clean(reqs);
    free(reqs);
}
END_TEST

/* An edit that only deletes is one DELETE: what is left of the payload around the deleted entry
 * (an empty items container) is not sent as a PATCH with an empty body, and one request is not
 * reported as a non-atomic series. */
START_TEST(delete_only_edit_is_one_delete)
{
    test_responder r;
    test_responder_start(&r, "delete-only.json");
    devconf_session *s = open_rfc(&r);
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_RUNNING, DELETE_BETA, NULL));
    /* the same through the client-side candidate */
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE, DELETE_BETA, NULL));
    ASSERT_OK(devconf_commit(s, NULL));
    ck_assert_msg(!test_log_contains("NOT atomically"), "%s", test_log_text());
    devconf_session_free(s);
    char *reqs = test_responder_stop(&r);
    ck_assert_msg(test_count(reqs, "\"sequence:0\"") == 1 && test_count(reqs, "\"sequence:1\"") == 1, "%s", reqs);
    ck_assert_msg(test_count(reqs, "\"PATCH\"") == 0, "%s", reqs);
    assert_clean(reqs);
    free(reqs);
}
END_TEST

START_TEST(several_edits_become_one_yang_patch)
{
    test_responder r;
    test_responder_start(&r, "yang-patch.json");
    devconf_session *s = open_rfc(&r);
    ck_assert_int_eq(devconf_session_has_capability(s, "yang-patch"), 1);
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_RUNNING,
                                  "<settings xmlns=\"urn:devconf:example\"><mtu>1400</mtu></settings>" DELETE_BETA,
                                  NULL));
    devconf_session_free(s);
    char *reqs = test_responder_stop(&r);
    ck_assert_msg(test_count(reqs, "\"sequence:0\"") == 1, "%s", reqs);
    assert_clean(reqs);
    ck_assert_int_eq(test_count(reqs, "\"PATCH\""), 1);
    free(reqs);
}
END_TEST

START_TEST(yang_patch_errors_are_reported)
{
    test_responder r;
    test_responder_start(&r, "yang-patch-error.json");
    devconf_session *s = open_rfc(&r);
    int rc = devconf_edit_config(s, DEVCONF_DS_RUNNING,
                                 "<settings xmlns=\"urn:devconf:example\"><mtu>1400</mtu></settings>" DELETE_BETA, NULL);
    ck_assert_int_eq(rc, DEVCONF_ERPC);
    const devconf_error *e = devconf_error_last();
    ck_assert_int_eq(devconf_error_http_status(e), 409);
    ck_assert_uint_eq(devconf_error_rpc_error_count(e), 1);
    const devconf_rpc_error *re = devconf_error_rpc_error(e, 0);
    ck_assert_str_eq(devconf_rpc_error_tag(re), "data-missing");
    ck_assert_str_eq(devconf_rpc_error_type(re), "application");
    ck_assert_str_eq(devconf_rpc_error_path(re), "/devconf-example:items/item[name='beta']");
    ck_assert_ptr_nonnull(strstr(devconf_error_message(e), "Data does not exist for delete"));
    devconf_session_free(s);
    free(test_responder_stop(&r));
}
END_TEST

START_TEST(if_match_carries_the_etag_and_412_is_reported)
{
    test_responder r;
    test_responder_start(&r, "if-match.json");
    devconf_session *s = open_rfc(&r);
    devconf_edit_options eo = DEVCONF_EDIT_OPTIONS_INIT;
    eo.if_match = 1;
    /* no read yet: no ETag to send */
    ck_assert_int_eq(devconf_edit_config(s, DEVCONF_DS_RUNNING, "{\"devconf-example:settings\":{\"mtu\":1}}", &eo),
                     DEVCONF_EINVAL);
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/devconf-example:settings", NULL));
    devconf_free(out);
    ck_assert_str_eq(devconf_session_etag(s), "\"abc123\"");
    ck_assert_str_eq(devconf_session_last_modified(s), "Thu, 26 Jan 2017 20:56:30 GMT");
    int rc = devconf_edit_config(s, DEVCONF_DS_RUNNING, "{\"devconf-example:settings\":{\"mtu\":1400}}", &eo);
    ck_assert_int_eq(rc, DEVCONF_ERPC);
    ck_assert_int_eq(devconf_error_http_status(devconf_error_last()), 412);
    ck_assert_str_eq(devconf_rpc_error_tag(devconf_error_rpc_error(devconf_error_last(), 0)), "operation-failed");
    devconf_session_free(s);
    char *reqs = test_responder_stop(&r);
    ck_assert_msg(test_count(reqs, "\"sequence:1\"") == 1, "%s", reqs);
    assert_clean(reqs);
    free(reqs);
}
END_TEST

START_TEST(xml_bodies_are_understood)
{
    test_responder r;
    test_responder_start(&r, "xml-bodies.json");
    devconf_session *s = open_rfc(&r);
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    ro.format = DEVCONF_FORMAT_JSON;
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/devconf-example:settings", &ro));
    ck_assert_msg(strstr(out, "\"hostname\": \"xml-device\""), "%s", out);
    devconf_free(out);
    devconf_edit_options eo = DEVCONF_EDIT_OPTIONS_INIT;
    eo.default_operation = DEVCONF_EDIT_NONE;
    ck_assert_int_eq(devconf_edit_config(s, DEVCONF_DS_RUNNING, DELETE_BETA, &eo), DEVCONF_ERPC);
    const devconf_rpc_error *re = devconf_error_rpc_error(devconf_error_last(), 0);
    ck_assert_ptr_nonnull(re);
    ck_assert_str_eq(devconf_rpc_error_tag(re), "data-missing");
    ck_assert_str_eq(devconf_rpc_error_message(re), "Data does not exist");
    ck_assert_int_eq(devconf_error_http_status(devconf_error_last()), 404);
    devconf_session_free(s);
    free(test_responder_stop(&r));
}
END_TEST

START_TEST(an_error_page_still_gives_a_clear_message)
{
    test_responder r;
    test_responder_start(&r, "error-page.json");
    devconf_session *s = NULL;
    char uri[200];
    snprintf(uri, sizeof uri, "%s/restconf", r.uri);
    ck_assert_int_eq(devconf_session_open(&s, ctx, uri, NULL), DEVCONF_ERPC);
    const char *m = devconf_error_message(devconf_error_last());
    ck_assert_msg(strstr(m, "HTTP 502") && strstr(m, "502 Bad Gateway"), "%s", m);
    ck_assert_int_eq(devconf_error_http_status(devconf_error_last()), 502);
    ck_assert_ptr_null(s);
    free(test_responder_stop(&r));
}
END_TEST

START_TEST(client_side_candidate_sends_in_order_without_yang_patch)
{
    test_responder r;
    test_responder_start(&r, "client-candidate.json");
    devconf_session *s = open_rfc(&r);
    /* staged and dropped: nothing sent */
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE, "{\"devconf-example:settings\":{\"mtu\":2000}}", NULL));
    ASSERT_OK(devconf_discard_changes(s, NULL));
    /* staged, then sent by commit, in order */
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE, "{\"devconf-example:settings\":{\"mtu\":1400}}", NULL));
    devconf_edit_options eo = DEVCONF_EDIT_OPTIONS_INIT;
    eo.default_operation = DEVCONF_EDIT_NONE;
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE, DELETE_BETA, &eo));
    char *out = NULL;
    ck_assert_int_eq(devconf_get_config(&out, s, DEVCONF_DS_CANDIDATE, NULL, NULL), DEVCONF_EUNSUPPORTED);
    ASSERT_OK(devconf_commit(s, NULL));
    ck_assert(test_log_contains("NOT atomically"));
    ASSERT_OK(devconf_commit(s, NULL)); /* nothing left: nothing sent */
    devconf_session_free(s);
    char *reqs = test_responder_stop(&r);
    ck_assert_msg(test_count(reqs, "\"sequence:0\"") == 1 && test_count(reqs, "\"sequence:1\"") == 1, "%s", reqs);
    assert_clean(reqs);
    free(reqs);
}
END_TEST

START_TEST(client_side_candidate_commits_as_one_yang_patch)
{
    test_responder r;
    test_responder_start(&r, "client-candidate-yang-patch.json");
    devconf_session *s = open_rfc(&r);
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE, "{\"devconf-example:settings\":{\"mtu\":1400}}", NULL));
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE,
                                  "{\"devconf-example:items\":{\"item\":[{\"name\":\"gamma/1\",\"value\":3}]}}", NULL));
    devconf_edit_options eo = DEVCONF_EDIT_OPTIONS_INIT;
    eo.default_operation = DEVCONF_EDIT_NONE;
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE,
                                  "<items xmlns=\"urn:devconf:example\" xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\">"
                                  "<item nc:operation=\"remove\"><name>gamma/1</name></item></items>", &eo));
    ASSERT_OK(devconf_commit(s, NULL));
    devconf_session_free(s);
    char *reqs = test_responder_stop(&r);
    ck_assert_msg(test_count(reqs, "\"sequence:0\"") == 1, "%s", reqs);
    ck_assert_int_eq(test_count(reqs, "\"PATCH\""), 1);
    assert_clean(reqs);
    free(reqs);
}
END_TEST

START_TEST(rpc_over_an_rfc_server)
{
    test_responder r;
    test_responder_start(&r, "rpc.json");
    devconf_session *s = open_rfc(&r);
    char *out = NULL;
    ASSERT_OK(devconf_rpc(&out, s, "<echo xmlns=\"urn:devconf:example\"><message>hi</message><repeat>2</repeat></echo>", RPC_OPTS(DEVCONF_FORMAT_XML)));
    ck_assert_msg(strstr(out, "<reply xmlns=\"urn:devconf:example\">hi hi</reply>") &&
                  strstr(out, "<length xmlns=\"urn:devconf:example\">5</length>"), "%s", out);
    devconf_free(out);
    devconf_session_free(s);
    char *reqs = test_responder_stop(&r);
    ck_assert_msg(test_count(reqs, "\"sequence:0\"") == 1, "%s", reqs);
    assert_clean(reqs);
    free(reqs);
}
END_TEST

START_TEST(bearer_token_is_sent_and_never_logged)
{
    test_responder r;
    test_responder_start(&r, "bearer.json");
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    o.bearer_token = "tok-Sekr1t-123";
    devconf_session *s = NULL;
    ASSERT_OK(devconf_session_open(&s, ctx, r.uri, &o));
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/devconf-example:settings", NULL));
    ck_assert_ptr_nonnull(strstr(out, "<hostname>r1</hostname>"));
    devconf_free(out);
    devconf_session_free(s);
    ck_assert(!test_log_contains("Sekr1t"));
    char *reqs = test_responder_stop(&r);
    ck_assert_msg(test_count(reqs, "\"sequence:0\"") == 1, "%s", reqs);
    assert_clean(reqs);
    free(reqs);
}
END_TEST

START_TEST(query_parameters_are_sent)
{
    test_responder r;
    test_responder_start(&r, "query.json");
    devconf_session *s = open_rfc(&r);
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    ro.with_defaults = DEVCONF_WD_REPORT_ALL;
    ro.depth = 2;
    ro.fields = "hostname;mtu";
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/devconf-example:settings", &ro));
    ck_assert_ptr_nonnull(strstr(out, "<mtu>1500</mtu>"));
    devconf_free(out);
    /* <get>: config and state, no content parameter */
    ASSERT_OK(devconf_get(&out, s, "/devconf-example:status", NULL));
    ck_assert_ptr_nonnull(strstr(out, "<item-count>2</item-count>"));
    devconf_free(out);
    devconf_session_free(s);
    char *reqs = test_responder_stop(&r);
    ck_assert_msg(test_count(reqs, "\"sequence:0\"") == 1 && test_count(reqs, "\"sequence:1\"") == 1, "%s", reqs);
    assert_clean(reqs);
    free(reqs);
}
END_TEST

/* NMDA over RESTCONF (RFC 8527): get-data and edit-data on the datastore resources
 * {+restconf}/ds/ietf-datastores:NAME of a server with the RFC 8525 library (responder/nmda.json,
 * strict): max-depth as depth, with-origin, config-filter as content, state dropped from a
 * conventional datastore, edits as plain PATCHes wrapped in ietf-restconf:data, a 404 named, and
 * what RESTCONF cannot say refused before anything is sent. */
START_TEST(nmda_datastore_resources)
{
    test_responder r;
    test_responder_start(&r, "nmda.json");
    devconf_session *s = open_rfc(&r);
    ck_assert_int_eq(devconf_session_has_capability(s, "nmda"), 1);
    ck_assert_int_eq(devconf_session_has_capability(s, "with-origin"), 1);
    char *out = NULL;
    devconf_get_data_options o = DEVCONF_GET_DATA_OPTIONS_INIT;
    o.max_depth = 2;
    o.with_origin = 1;
    ASSERT_OK(devconf_get_data(&out, s, DEVCONF_DS_OPERATIONAL, "/devconf-example:settings", &o));
    ck_assert_msg(strstr(out, "<hostname>nmda-rc</hostname>") && strstr(out, ":origin=\"") &&
                      strstr(out, ":intended\"") && strstr(out, ":default\""),
                  "with origin: %s", out);
    devconf_free(out);
    /* running: configuration only, though the server put state in it */
    ASSERT_OK(devconf_get_data(&out, s, DEVCONF_DS_RUNNING, NULL, NULL));
    ck_assert_msg(strstr(out, "<mtu>1400</mtu>") && !strstr(out, "item-count") && !strstr(out, "origin"), "%s", out);
    devconf_free(out);
    devconf_get_data_options st = DEVCONF_GET_DATA_OPTIONS_INIT;
    st.config_filter = DEVCONF_CONFIG_FILTER_NONCONFIG;
    st.format = DEVCONF_FORMAT_JSON;
    ASSERT_OK(devconf_get_data(&out, s, DEVCONF_DS_OPERATIONAL, "/devconf-example:status", &st));
    ck_assert_msg(strstr(out, "\"item-count\": 7"), "%s", out);
    devconf_free(out);
    ASSERT_OK(devconf_get_data(&out, s, DEVCONF_DS_INTENDED, "/devconf-example:settings/hostname", NULL));
    ck_assert_msg(strstr(out, "<hostname>nmda-rc</hostname>"), "%s", out);
    devconf_free(out);
    ASSERT_OK(devconf_edit_data(s, DEVCONF_DS_RUNNING,
                                "<settings xmlns=\"urn:devconf:example\"><hostname>nmda-edited</hostname></settings>",
                                NULL));
    ASSERT_OK(devconf_edit_data(s, DEVCONF_DS_CANDIDATE, "{\"devconf-example:settings\": {\"mtu\": 1300}}", NULL));
    ASSERT_FAILS(devconf_get_data(&out, s, DEVCONF_DS_CANDIDATE, NULL, NULL), DEVCONF_ENOTFOUND);
    ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), "/restconf/ds/ietf-datastores:candidate") &&
                      strstr(devconf_error_message(devconf_error_last()), "candidate is gone"),
                  "%s", devconf_error_message(devconf_error_last()));
    /* refused locally: no origin filter in RESTCONF, with-origin off operational, read-only targets */
    const char *origins[] = { "intended" };
    devconf_get_data_options of = DEVCONF_GET_DATA_OPTIONS_INIT;
    of.origins = origins;
    of.origin_count = 1;
    ASSERT_FAILS(devconf_get_data(&out, s, DEVCONF_DS_OPERATIONAL, NULL, &of), DEVCONF_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "no origin filter"));
    ASSERT_FAILS(devconf_get_data(&out, s, DEVCONF_DS_RUNNING, NULL, &o), DEVCONF_EINVAL);
    ASSERT_FAILS(devconf_edit_data(s, DEVCONF_DS_OPERATIONAL, "<settings xmlns=\"urn:devconf:example\"/>", NULL),
                 DEVCONF_EINVAL);
    devconf_session_free(s);
    char *reqs = test_responder_stop(&r);
    for (int i = 0; i < 7; i++) {
        char seq[32];
        snprintf(seq, sizeof seq, "\"sequence:%d\"", i);
        ck_assert_msg(test_count(reqs, seq) == 1, "%s missing: %s", seq, reqs);
    }
    ck_assert_int_eq(test_count(reqs, "/restconf/ds/"), 7);
    assert_clean(reqs);
    free(reqs);
}
END_TEST

/* A server without the RFC 8525 library (yang-library-version 2016-06-21) has no datastore
 * resources: get-data and edit-data fail before anything is sent, saying why. */
START_TEST(nmda_refused_on_a_pre_nmda_server)
{
    test_responder r;
    test_responder_start(&r, "query.json");
    devconf_session *s = open_rfc(&r);
    ck_assert_int_eq(devconf_session_has_capability(s, "nmda"), 0);
    char *out = NULL;
    ASSERT_FAILS(devconf_get_data(&out, s, DEVCONF_DS_OPERATIONAL, NULL, NULL), DEVCONF_EUNSUPPORTED);
    ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), "RFC 8527") &&
                      strstr(devconf_error_message(devconf_error_last()), "2016-06-21"),
                  "%s", devconf_error_message(devconf_error_last()));
    ASSERT_FAILS(devconf_edit_data(s, DEVCONF_DS_RUNNING, "<settings xmlns=\"urn:devconf:example\"/>", NULL),
                 DEVCONF_EUNSUPPORTED);
    devconf_session_free(s);
    char *reqs = test_responder_stop(&r);
    ck_assert_int_eq(test_count(reqs, "/restconf/ds/"), 0);
    assert_clean(reqs);
    free(reqs);
}
END_TEST

/* depth (RFC 8040 4.8.2): depth=1 shows the target itself, empty; entries cut before their keys
 * are kept as the device sent them in its own encoding, refused in the other (libyang cannot type
 * them); a leaf whose value its type refuses is an error that names it and shows the value. */
START_TEST(depth_limited_reads_show_what_the_device_sent)
{
    test_responder r;
    test_responder_start(&r, "depth.json");
    devconf_session *s = open_rfc(&r);
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    ro.depth = 1;
    char *out = NULL;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/devconf-example:settings", &ro));
    ck_assert_msg(strstr(out, "<settings xmlns=\"urn:devconf:example\"/>"), "depth=1 printed [%s]", out);
    devconf_free(out);
    ro.format = DEVCONF_FORMAT_JSON;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/devconf-example:settings", &ro));
    ck_assert_msg(strstr(out, "\"devconf-example:settings\": {}"), "depth=1 printed [%s]", out);
    devconf_free(out);
    /* two entries cut before their keys, in XML */
    ro.depth = 2;
    ro.format = DEVCONF_FORMAT_XML;
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/devconf-example:items", &ro));
    ck_assert_msg(test_count(out, "<item/>") == 2, "%s", out);
    devconf_free(out);
    ro.format = DEVCONF_FORMAT_JSON;
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "/devconf-example:items", &ro),
                 DEVCONF_EUNSUPPORTED);
    ck_assert_ptr_null(out);
    ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), "ask for XML"), "%s",
                  devconf_error_message(devconf_error_last()));
    /* hostname "" (its type wants 1..64 characters), beside an entry cut before its key */
    ro.depth = 3;
    for (int f = 0; f < 2; f++) {
        ro.format = f ? DEVCONF_FORMAT_JSON : DEVCONF_FORMAT_XML;
        ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, NULL, &ro), DEVCONF_EPROTO);
        const char *m = devconf_error_message(devconf_error_last());
        ck_assert_msg(strstr(m, "/devconf-example:settings/hostname") && strstr(m, "(value '')") &&
                      !strstr(m, "(null)"), "%s", m);
    }
    devconf_session_free(s);
    char *reqs = test_responder_stop(&r);
    assert_clean(reqs);
    free(reqs);
}
END_TEST

/* A server without JSON (RFC 8040 5.2 lets a server have either encoding): it answers its root in
 * XML, so every body goes in XML from the start: the datastore PATCH wrapped in <data>, a PUT, a
 * YANG Patch (application/yang-patch+xml) and an RPC's <input>, whose <output> comes back in XML. */
START_TEST(a_server_without_json_gets_xml_bodies)
{
    test_responder r;
    test_responder_start(&r, "xml-only.json");
    devconf_session *s = open_rfc(&r);
    ck_assert_int_eq(devconf_session_has_capability(s, "yang-patch"), 1); /* from the XML capabilities */
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_RUNNING, "{\"devconf-example:settings\":{\"mtu\":1400}}", NULL));
    devconf_edit_options eo = DEVCONF_EDIT_OPTIONS_INIT;
    eo.default_operation = DEVCONF_EDIT_REPLACE;
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_RUNNING,
                                  "<items xmlns=\"urn:devconf:example\"><item><name>beta</name><value>2</value></item></items>",
                                  &eo));
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_RUNNING,
                                  "<settings xmlns=\"urn:devconf:example\"><mtu>1400</mtu></settings>" DELETE_BETA, NULL));
    char *out = NULL;
    ASSERT_OK(devconf_rpc(&out, s, "{\"devconf-example:echo\":{\"message\":\"hi\",\"repeat\":2}}",
                          RPC_OPTS(DEVCONF_FORMAT_JSON)));
    ck_assert_msg(strstr(out, "\"reply\": \"hi hi\"") && strstr(out, "\"length\": 5"), "%s", out);
    devconf_free(out);
    devconf_session_free(s);
    char *reqs = test_responder_stop(&r);
    for (int i = 0; i < 4; i++) {
        char tag[32];
        snprintf(tag, sizeof tag, "\"sequence:%d\"", i);
        ck_assert_msg(test_count(reqs, tag) == 1, "%s missing: %s", tag, reqs);
    }
    ck_assert_msg(!strstr(reqs, "application/yang-data+json\"") && !strstr(reqs, "yang-patch+json"), "%s", reqs);
    assert_clean(reqs);
    free(reqs);
}
END_TEST

/* A server that answers in JSON but takes XML bodies only: the first JSON body gets 415, the same
 * request goes again in XML, and the session keeps to XML (one 415 in all). */
START_TEST(a_415_on_json_switches_to_xml)
{
    test_responder r;
    test_responder_start(&r, "xml-415.json");
    devconf_session *s = open_rfc(&r);
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_RUNNING, "{\"devconf-example:settings\":{\"mtu\":1400}}", NULL));
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_RUNNING, "{\"devconf-example:settings\":{\"mtu\":1500}}", NULL));
    ck_assert(test_log_contains("HTTP 415"));
    devconf_session_free(s);
    char *reqs = test_responder_stop(&r);
    ck_assert_msg(test_count(reqs, "\"sequence:0\"") == 1 && test_count(reqs, "\"sequence:1\"") == 1, "%s", reqs);
    ck_assert_msg(test_count(reqs, "\"rejected: this server takes XML bodies only") == 1, "%s", reqs);
    ck_assert_int_eq(test_count(reqs, "\"unexpected\""), 0);
    free(reqs);
}
END_TEST

#define EX "xmlns=\"urn:devconf:example\""

/* Subtree filters (RFC 6241 6) become a resource path plus fields where those say the same, and
 * are refused locally, saying what to write instead, where they do not. */
START_TEST(subtree_filters_become_paths_and_fields)
{
    test_responder r;
    test_responder_start(&r, "subtree.json");
    devconf_session *s = open_rfc(&r);
    char *out = NULL;
    /* a selection node: the resource */
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "<settings " EX "/>", NULL));
    ck_assert_msg(strstr(out, "<hostname>r1</hostname>"), "%s", out);
    devconf_free(out);
    /* a list entry by its key (a prefixed namespace, a value that must be encoded in the path) */
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING,
                                 "<x:items xmlns:x=\"urn:devconf:example\"><x:item><x:name>beta/1</x:name></x:item></x:items>",
                                 NULL));
    ck_assert_msg(strstr(out, "<items xmlns=\"urn:devconf:example\">") && strstr(out, "<name>beta/1</name>") &&
                  strstr(out, "<description>b</description>"), "%s", out);
    devconf_free(out);
    /* the entry, and only its value (its key comes too) */
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING,
                                 "<items " EX "><item><name>beta/1</name><value/></item></items>", NULL));
    ck_assert_msg(strstr(out, "<value>2</value>") && !strstr(out, "<description>"), "%s", out);
    devconf_free(out);
    /* every entry, two leaves of each */
    ASSERT_OK(devconf_get_config(&out, s, DEVCONF_DS_RUNNING,
                                 "<items " EX "><item><name/><description/></item></items>", NULL));
    ck_assert_msg(strstr(out, "<name>alpha</name>") && strstr(out, "<description>b</description>"), "%s", out);
    devconf_free(out);
    /* two top-level nodes (get: no content parameter) */
    ASSERT_OK(devconf_get(&out, s, "<settings " EX "><hostname/></settings><status " EX "/>", NULL));
    ck_assert_msg(strstr(out, "<hostname>r1</hostname>") && strstr(out, "<item-count>2</item-count>"), "%s", out);
    devconf_free(out);
    /* what RESTCONF cannot say: refused, nothing sent, the message says what to write instead */
    static const char *const refused[] = {
        "<items " EX "><item><value>2</value></item></items>",                               /* non-key match */
        "<items " EX "><item><name>a</name></item><item><name>b</name></item></items>",     /* two entries */
        "<items " EX "><item><name>a</name><value/></item><item><name/></item></items>",    /* match in fields */
        "<settings " EX " xmlns:a=\"urn:a\" a:x=\"1\"/>",                                   /* an attribute */
        "<settings " EX "><hostname>r1</hostname></settings>",                              /* a leaf's value */
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, refused[i], NULL), DEVCONF_EUNSUPPORTED);
        const char *m = devconf_error_message(devconf_error_last());
        ck_assert_msg(strstr(m, "Write instead: ") && strstr(m, "Nothing was sent"), "%s", m);
    }
    ck_assert_msg(strstr(devconf_error_message(devconf_error_last()),
                         "a read of /devconf-example:settings and the comparison of its hostname with 'r1'"), "%s",
                  devconf_error_message(devconf_error_last()));
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "<items " EX "><item><value>2</value></item></items>",
                                    NULL), DEVCONF_EUNSUPPORTED);
    ck_assert_msg(strstr(devconf_error_message(devconf_error_last()),
                         "a read of /devconf-example:items/item (all entries) and the selection of the entries whose "
                         "value is '2' on your side"), "%s", devconf_error_message(devconf_error_last()));
    /* a typo is a YANG error; malformed XML too */
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "<items " EX "><iten/></items>", NULL), DEVCONF_EYANG);
    ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), "'iten'"), "%s",
                  devconf_error_message(devconf_error_last()));
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "<items " EX "><item></items>", NULL), DEVCONF_EYANG);
    /* a subtree filter and fields together */
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    ro.fields = "hostname";
    ASSERT_FAILS(devconf_get_config(&out, s, DEVCONF_DS_RUNNING, "<settings " EX "/>", &ro), DEVCONF_EINVAL);
    devconf_session_free(s);
    char *reqs = test_responder_stop(&r);
    for (int i = 0; i < 5; i++) {
        char tag[32];
        snprintf(tag, sizeof tag, "\"sequence:%d\"", i);
        ck_assert_msg(test_count(reqs, tag) == 1, "%s missing: %s", tag, reqs);
    }
    ck_assert_msg(test_count(reqs, "\"GET\"") == 5 + 5, "%s", reqs); /* discovery: 5 */
    assert_clean(reqs);
    free(reqs);
}
END_TEST

#define COMMIT_CONFIRMED(secs) \
    (&(devconf_commit_options){ DEVCONF_COMMIT_OPTIONS_VERSION, 1, (secs), NULL, NULL, 0, NULL, NULL })

/* Confirmed commit on RESTCONF, kept by the session: a snapshot of running first, then the staged
 * edit; a plain commit confirms it and sends nothing; no revert when the session ends. */
START_TEST(confirmed_commit_confirmed_in_time)
{
    test_responder r;
    test_responder_start(&r, "confirm-ok.json");
    devconf_session *s = open_rfc(&r);
    ck_assert_int_eq(devconf_session_has_capability(s, "urn:devconf:restconf:client-confirmed-commit"), 1);
    ck_assert_int_eq(devconf_session_has_capability(s, "confirmed-commit"), 0); /* not the device's */
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE, "{\"devconf-example:settings\":{\"mtu\":1400}}", NULL));
    /* a persist id needs the device to keep the commit */
    devconf_commit_options co = DEVCONF_COMMIT_OPTIONS_INIT;
    co.confirmed = 1;
    co.persist = "p1";
    ASSERT_FAILS(devconf_commit(s, &co), DEVCONF_EUNSUPPORTED);
    ck_assert(strstr(devconf_error_message(devconf_error_last()), "persist id"));
    ASSERT_OK(devconf_commit(s, COMMIT_CONFIRMED(3600)));
    ck_assert(test_log_contains("reverts it in 3600 s unless a commit confirms it"));
    ck_assert(test_log_contains("needs this process and session alive"));
    ASSERT_OK(devconf_commit(s, NULL)); /* the confirmation */
    ck_assert(test_log_contains("is confirmed"));
    ASSERT_FAILS(devconf_cancel_commit(s, NULL, NULL), DEVCONF_EINVAL); /* nothing pending */
    devconf_session_free(s);
    ck_assert(!test_log_contains("reverted"));
    char *reqs = test_responder_stop(&r);
    ck_assert_msg(test_count(reqs, "\"sequence:0\"") == 1 && test_count(reqs, "\"sequence:1\"") == 1, "%s", reqs);
    ck_assert_msg(test_count(reqs, "\"PATCH\"") == 1, "%s", reqs);
    assert_clean(reqs);
    free(reqs);
}
END_TEST

/* Not confirmed in time: the session's timer reverts it on its own (running read again, the
 * difference to the snapshot sent); a commit after that confirms nothing and says so. */
START_TEST(confirmed_commit_reverts_at_its_timeout)
{
    test_responder r;
    test_responder_start(&r, "confirm-timeout.json");
    devconf_session *s = open_rfc(&r);
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE, "{\"devconf-example:settings\":{\"mtu\":1400}}", NULL));
    ASSERT_OK(devconf_commit(s, COMMIT_CONFIRMED(1)));
    /* the revert comes from the timer's thread while this one waits (no time limit here: Check's
     * own timeout is the safety net) */
    char *reqs = NULL;
    for (;;) {
        reqs = test_responder_requests(&r);
        if (test_count(reqs, "\"sequence:3\"") == 1) {
            break;
        }
        free(reqs);
        usleep(50 * 1000);
    }
    free(reqs);
    ASSERT_FAILS(devconf_commit(s, NULL), DEVCONF_ETIMEOUT);
    ck_assert_msg(strstr(devconf_error_message(devconf_error_last()), "not confirmed within 1 s"), "%s",
                  devconf_error_message(devconf_error_last()));
    ck_assert(test_log_contains("was not confirmed within 1 s: this session reverts it"));
    ASSERT_FAILS(devconf_cancel_commit(s, NULL, NULL), DEVCONF_EINVAL); /* told once, by the commit */
    devconf_session_free(s);
    reqs = test_responder_stop(&r);
    ck_assert_msg(test_count(reqs, "\"PATCH\"") == 2, "%s", reqs);
    assert_clean(reqs);
    free(reqs);
}
END_TEST

/* cancel-commit reverts at once; the end of the session reverts what is pending (an entry the
 * confirmed commit created is deleted again). */
START_TEST(confirmed_commit_cancelled_and_ended_with_the_session)
{
    test_responder r;
    test_responder_start(&r, "confirm-cancel.json");
    devconf_session *s = open_rfc(&r);
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE, "{\"devconf-example:settings\":{\"mtu\":1400}}", NULL));
    ASSERT_OK(devconf_commit(s, COMMIT_CONFIRMED(3600)));
    ASSERT_FAILS(devconf_cancel_commit(s, "p1", NULL), DEVCONF_EUNSUPPORTED);
    ASSERT_OK(devconf_cancel_commit(s, NULL, NULL));
    char *reqs = test_responder_requests(&r);
    ck_assert_msg(test_count(reqs, "\"sequence:3\"") == 1, "%s", reqs);
    free(reqs);
    ASSERT_OK(devconf_edit_config(s, DEVCONF_DS_CANDIDATE,
                                  "{\"devconf-example:items\":{\"item\":[{\"name\":\"gamma\",\"value\":3}]}}", NULL));
    ASSERT_OK(devconf_commit(s, COMMIT_CONFIRMED(3600)));
    devconf_session_free(s);
    ck_assert(test_log_contains("closed with a confirmed commit not confirmed: reverted"));
    reqs = test_responder_stop(&r);
    ck_assert_msg(test_count(reqs, "\"sequence:7\"") == 1, "%s", reqs);
    assert_clean(reqs);
    free(reqs);
}
END_TEST

/* A transaction's confirmed commit on RESTCONF is the session's; its rollback reverts at once. */
START_TEST(transaction_commit_with_revert_over_restconf)
{
    test_responder r;
    test_responder_start(&r, "confirm-apply.json");
    devconf_session *s = open_rfc(&r);
    devconf_txn *t = NULL;
    ASSERT_OK(devconf_txn_begin(&t, s));
    ck_assert_uint_eq(devconf_txn_guarantees(t) & DEVCONF_TXN_AUTO_REVERT, 0); /* not by the device */
    ck_assert_msg(strstr(devconf_txn_missing(t), "reverted by this session's timer, only while this process and "
                                                 "the session live"), "%s", devconf_txn_missing(t));
    ASSERT_OK(devconf_txn_load(t, "{\"devconf-example:settings\":{\"mtu\":1400}}", DEVCONF_LOAD_MERGE));
    ASSERT_OK(devconf_txn_commit(t, TXN_REVERT(3600)));
    ASSERT_OK(devconf_txn_rollback(t));
    devconf_txn_free(t);
    devconf_session_free(s);
    char *reqs = test_responder_stop(&r);
    ck_assert_msg(test_count(reqs, "\"sequence:5\"") == 1, "%s", reqs);
    assert_clean(reqs);
    free(reqs);
}
END_TEST

/* Runs the devconf CLI of this build against the responder: `devconf URI apply --confirm ...` with
 * stdin_redirect ("< /dev/null", "<<< confirm"...); returns its exit status, its stderr in *err. */
static int cli_apply(const test_responder *r, const char *args, const char *stdin_redirect, char **err)
{
    const char *build = getenv("DEVCONF_BUILD_DIR");
    char cmd[2048], payload[400], errfile[400];
    snprintf(payload, sizeof payload, "%s/change.json", r->dir);
    snprintf(errfile, sizeof errfile, "%s/cli.err", r->dir);
    FILE *f = fopen(payload, "w");
    ck_assert_ptr_nonnull(f);
    fputs("{\"devconf-example:settings\":{\"mtu\":1400}}", f);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "bash -c \"'%s/cli/devconf' --cache-dir '%s/cache' --search-dir /usr/share/yuma/modules/ietf '%s' apply "
             "%s '%s' %s\" >/dev/null 2>'%s'",
             build ? build : ".", r->dir, r->uri, args, payload, stdin_redirect, errfile);
    int st = system(cmd);
    *err = test_read_file(errfile);
    if (!*err) {
        *err = strdup("");
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The CLI's apply --confirm on RESTCONF waits in the process that keeps the revert timer, says that
 * the guarantee needs that process alive, and refuses up front when it could not wait for an answer. */
START_TEST(cli_apply_confirm_on_restconf_waits)
{
    test_responder r;
    test_responder_start(&r, "confirm-apply.json");
    char *err = NULL;
    /* no terminal and no --wait: refused before anything changes */
    ck_assert_int_eq(cli_apply(&r, "--confirm 60", "< /dev/null", &err), 2);
    ck_assert_msg(strstr(err, "run it on a terminal, or add --wait"), "%s", err);
    free(err);
    char *reqs = test_responder_requests(&r);
    ck_assert_msg(test_count(reqs, "\"sequence:0\"") == 0, "%s", reqs);
    free(reqs);
    /* confirmed on standard input */
    ck_assert_int_eq(cli_apply(&r, "--confirm 60 --wait", "<<< confirm", &err), 0);
    ck_assert_msg(strstr(err, "THIS PROCESS reverts it in 60 s unless confirmed here") && strstr(err, "confirmed"),
                  "%s", err);
    free(err);
    reqs = test_responder_requests(&r);
    ck_assert_msg(test_count(reqs, "\"sequence:3\"") == 1 && test_count(reqs, "\"sequence:4\"") == 0, "%s", reqs);
    free(reqs);
    char *stopped = test_responder_stop(&r);
    assert_clean(stopped);
    free(stopped);
    /* no answer (standard input ends): the timeout reverts it, and the exit status says so */
    test_responder_start(&r, "confirm-apply.json");
    ck_assert_int_eq(cli_apply(&r, "--confirm 1 --wait", "< /dev/null", &err), 6);
    ck_assert_msg(strstr(err, "not confirmed within 1 s: reverted"), "%s", err);
    free(err);
    reqs = test_responder_stop(&r);
    ck_assert_msg(test_count(reqs, "\"sequence:5\"") == 1, "%s", reqs);
    assert_clean(reqs);
    free(reqs);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("restconf-rfc");
    TCase *tc = tcase_create("responder");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, rfc_server_profile_and_capabilities);
    tcase_add_test(tc, merge_is_a_plain_patch);
    tcase_add_test(tc, delete_only_edit_is_one_delete);
    tcase_add_test(tc, several_edits_become_one_yang_patch);
    tcase_add_test(tc, yang_patch_errors_are_reported);
    tcase_add_test(tc, if_match_carries_the_etag_and_412_is_reported);
    tcase_add_test(tc, xml_bodies_are_understood);
    tcase_add_test(tc, an_error_page_still_gives_a_clear_message);
    tcase_add_test(tc, client_side_candidate_sends_in_order_without_yang_patch);
    tcase_add_test(tc, client_side_candidate_commits_as_one_yang_patch);
    tcase_add_test(tc, rpc_over_an_rfc_server);
    tcase_add_test(tc, bearer_token_is_sent_and_never_logged);
    tcase_add_test(tc, query_parameters_are_sent);
    tcase_add_test(tc, nmda_datastore_resources);
    tcase_add_test(tc, nmda_refused_on_a_pre_nmda_server);
    tcase_add_test(tc, depth_limited_reads_show_what_the_device_sent);
    tcase_add_test(tc, a_server_without_json_gets_xml_bodies);
    tcase_add_test(tc, a_415_on_json_switches_to_xml);
    tcase_add_test(tc, subtree_filters_become_paths_and_fields);
    tcase_add_test(tc, confirmed_commit_confirmed_in_time);
    tcase_add_test(tc, confirmed_commit_reverts_at_its_timeout);
    tcase_add_test(tc, confirmed_commit_cancelled_and_ended_with_the_session);
    tcase_add_test(tc, transaction_commit_with_revert_over_restconf);
    tcase_add_test(tc, cli_apply_confirm_on_restconf_waits);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}
