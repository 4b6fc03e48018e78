/* lib/notify.c devconf__sub_message: a notification message from the device, shared by NETCONF and
 * RESTCONF: an RFC 5277 <notification> envelope (XML) or RESTCONF's JSON
 * {"ietf-restconf:notification": {"eventTime": ..., "module:name": {...}}} (RFC 8040 6.4), parsed
 * against the session's schemas (here yang-models/devconf-example.yang and the notifications of
 * tests/fixtures/restconf/devconf-test-events.yang), queued in the subscription's format, or
 * delivered as sent (XML the schemas do not describe), or counted as rejected;
 * notificationComplete ends the subscription.
 *
 * Input: byte 0 chooses the message's encoding (XML, JSON) and the subscription's format; the rest
 * is the message. Checked: each message is either queued, rejected or completes the subscription,
 * exactly once; a queued notification has an event time and a text, a name "module:name" when the
 * schemas describe it (always in JSON format); nothing is queued with a JSON message the schemas do
 * not describe. */
#include "fuzz_common.h"

#include <string.h>

#include <libyang/libyang.h>

#include "devconf_p.h"

static struct ly_ctx *events_ctx(void)
{
    static struct ly_ctx *ly;
    if (!ly) {
        fuzz_init();
        if (ly_ctx_new(DEVCONF_FUZZ_YANG_DIR, LY_CTX_DISABLE_SEARCHDIR_CWD, &ly) != LY_SUCCESS ||
            ly_ctx_set_searchdir(ly, DEVCONF_FUZZ_EVENTS_DIR) != LY_SUCCESS ||
            !ly_ctx_load_module(ly, "devconf-example", NULL, NULL) ||
            !ly_ctx_load_module(ly, "devconf-test-events", NULL, NULL)) {
            fprintf(stderr, "cannot load the notification schemas from %s, %s\n", DEVCONF_FUZZ_YANG_DIR,
                    DEVCONF_FUZZ_EVENTS_DIR);
            abort();
        }
    }
    return ly;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    (void)events_ctx();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = { data, size };
    uint8_t cfg = fuzz_byte(&in);
    devconf_format enc = cfg & 1 ? DEVCONF_FORMAT_JSON : DEVCONF_FORMAT_XML;
    char *msg = fuzz_cstr(in.p, in.n);

    devconf_subscription *sub = calloc(1, sizeof *sub);
    FUZZ_CHECK(sub);
    pthread_mutex_init(&sub->mu, NULL);
    pthread_cond_init(&sub->cv, NULL);
    sub->format = cfg & 2 ? DEVCONF_FORMAT_JSON : DEVCONF_FORMAT_XML;
    sub->cap = 4;

    devconf__sub_message(sub, events_ctx(), msg, enc, "fuzz");

    FUZZ_CHECK(sub->len + (sub->complete ? 1 : 0) + sub->rejected == 1);
    FUZZ_CHECK(sub->received == sub->len + sub->rejected);
    for (const devconf_notification *n = sub->head; n; n = n->next) {
        FUZZ_CHECK(n->event_time && n->text && *n->text);
        if (n->name) {
            const char *colon = strchr(n->name, ':');
            FUZZ_CHECK(colon && colon != n->name && colon[1] && !strchr(colon + 1, ':'));
        }
        if (sub->format == DEVCONF_FORMAT_JSON || enc == DEVCONF_FORMAT_JSON) {
            FUZZ_CHECK(n->name);
        }
    }
    FUZZ_CHECK(!sub->end_code);
    devconf_subscription_free(sub);
    free(msg);
    devconf__error_clear();
    return 0;
}
