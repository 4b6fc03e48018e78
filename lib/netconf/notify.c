/* RFC 5277 notifications over NETCONF: <create-subscription>, and each <notification> read on the
 * session (by a request under way, :interleave, or by a pull) parsed against the session's schemas
 * and handed to the subscription's queue (lib/notify.c). */
#include "netconf/netconf_p.h"

#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#define NOTIF_NS "urn:ietf:params:xml:ns:netconf:notification:1.0"

/* XML text that must go into a request as character data. */
static void put_text(devconf__buf *b, const char *v)
{
    for (; *v; v++) {
        switch (*v) {
        case '<': devconf__buf_puts(b, "&lt;"); break;
        case '>': devconf__buf_puts(b, "&gt;"); break;
        case '&': devconf__buf_puts(b, "&amp;"); break;
        default: devconf__buf_printf(b, "%c", *v); break;
        }
    }
}

/* A subtree filter must at least be well-formed XML: checked here, before anything is sent. */
static int check_subtree(const char *filter)
{
    struct lyd_node *tree = NULL;
    devconf__log_capture_begin();
    LY_ERR lr = lyd_parse_data_mem(devconf__yang_boot(), filter, LYD_XML, LYD_PARSE_ONLY | LYD_PARSE_OPAQ, 0, &tree);
    const char *why = devconf__log_capture_end();
    lyd_free_all(tree);
    if (lr != LY_SUCCESS) {
        return devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EYANG,
                                  "subscribe: the subtree filter is not well-formed XML%s%s; nothing was sent",
                                  why ? ": " : "", why ? why : "");
    }
    return 0;
}

/* ---- each notification: parsed and queued by lib/notify.c ---- */

/* The client's sink: a notification message (taken), or NULL when the connection is free again. */
static void sink(void *payload, char *msg, size_t len)
{
    devconf_subscription *sub = payload;
    (void)len;
    if (!msg) {
        devconf__sub_wake(sub);
        return;
    }
    devconf__sub_message(sub, devconf__nc_ly(sub->s), msg, DEVCONF_FORMAT_XML, "netconf");
    free(msg);
}

/* ---- the transport's entries ---- */

int devconf__nc_subscribe(devconf_session *s, devconf_subscription *sub, const devconf_subscribe_options *o)
{
    struct devconf__nc_state *st = s->tp_data;
    int r;
    if (st->sub) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "subscribe: this session already has a subscription (RFC 5277: one per NETCONF "
                                  "session); free it, or open another session");
    }
    if ((r = devconf__require_cap(s, "notification", "subscribe")) < 0) {
        return r;
    }
    if (o->start_time && (r = devconf__require_cap(s, "replay", "subscribe with a start time (replay)")) < 0) {
        return r;
    }
    devconf_filter_type ft = o->filter_type;
    if (o->filter && ft == DEVCONF_FILTER_AUTO) {
        ft = *devconf__skip_ws(o->filter) == '<' ? DEVCONF_FILTER_SUBTREE : DEVCONF_FILTER_XPATH;
    }
    if (o->filter && ft == DEVCONF_FILTER_SUBTREE && (r = check_subtree(o->filter)) < 0) {
        return r;
    }
    if (o->filter && ft == DEVCONF_FILTER_XPATH && (r = devconf__require_cap(s, "xpath", "subscribe with an XPath "
                                                                                         "filter")) < 0) {
        return r;
    }
    devconf__buf b = { 0 };
    devconf__buf_puts(&b, "<create-subscription xmlns=\"" NOTIF_NS "\">");
    if (o->stream) {
        devconf__buf_puts(&b, "<stream>");
        put_text(&b, o->stream);
        devconf__buf_puts(&b, "</stream>");
    }
    if (o->filter && ft == DEVCONF_FILTER_SUBTREE) {
        devconf__buf_printf(&b, "<filter type=\"subtree\">%s</filter>", o->filter);
    } else if (o->filter) {
        devconf__nc_xpath_filter(&b, devconf__nc_ly(s), o->filter);
    }
    if (o->start_time) {
        devconf__buf_puts(&b, "<startTime>");
        put_text(&b, o->start_time);
        devconf__buf_puts(&b, "</startTime>");
    }
    if (o->stop_time) {
        devconf__buf_puts(&b, "<stopTime>");
        put_text(&b, o->stop_time);
        devconf__buf_puts(&b, "</stopTime>");
    }
    devconf__buf_puts(&b, "</create-subscription>");
    if (b.failed) {
        devconf__buf_dispose(&b);
        return devconf__error_oom();
    }
    /* the sink is set before the request: a replay may start before its <ok/> arrives */
    st->sub = sub;
    devconf__ncc_set_sink(st->client, sink, sub);
    r = devconf__nc_call_ok(s, b.data, "create-subscription");
    devconf__buf_dispose(&b);
    if (r < 0) {
        devconf__ncc_set_sink(st->client, NULL, NULL);
        st->sub = NULL;
    }
    return r;
}

int devconf__nc_pump(devconf_session *s, int64_t deadline)
{
    devconf__ncc *c = devconf__nc_client(s);
    return c ? devconf__ncc_pump(c, deadline) : devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_ECONNECT,
                                                                   "the session is closed");
}

void devconf__nc_unsubscribe(devconf_session *s, devconf_subscription *sub)
{
    struct devconf__nc_state *st = s->tp_data;
    if (st && st->sub == sub) {
        devconf__ncc_set_sink(st->client, NULL, NULL);
        st->sub = NULL;
    }
}
