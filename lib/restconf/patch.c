/* YANG Patch (RFC 8072): a list of plans sent as one atomic request. */
#include "restconf_p.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libyang/libyang.h>

static const char *const act_names[] = { "merge", "replace", "delete", "remove" };
static int yang_patch_counter;

/* Sends a list of plans as one YANG Patch (RFC 8072): atomic on the server. */
int devconf__rc_send_yang_patch(devconf_session *s, const char *root, const devconf__rc_plan *plans, const char *what)
{
    devconf__buf b = { 0 };
    int id = __atomic_add_fetch(&yang_patch_counter, 1, __ATOMIC_SEQ_CST);
    devconf__buf_printf(&b, "{\"ietf-yang-patch:yang-patch\":{\"patch-id\":\"devconf-%ld-%d\",\"edit\":[",
                        (long)getpid(), id);
    int n = 0;
    for (const devconf__rc_plan *p = plans; p; p = p->next) {
        for (size_t i = 0; i < p->n; i++) {
            const devconf__rc_action *a = &p->acts[i];
            devconf__buf_printf(&b, "%s{\"edit-id\":\"%d\",\"operation\":\"%s\",\"target\":\"", n ? "," : "", n + 1,
                                act_names[a->op]);
            devconf__buf_puts(&b, a->target); /* percent-encoded: no JSON escaping needed */
            devconf__buf_puts(&b, "\"");
            if (a->node) {
                char *v = devconf__rc_node_json(a->node);
                if (!v) {
                    devconf__buf_dispose(&b);
                    return DEVCONF_ENOMEM;
                }
                devconf__buf_printf(&b, ",\"value\":%s", v);
                free(v);
            }
            devconf__buf_puts(&b, "}");
            n++;
        }
    }
    devconf__buf_puts(&b, "]}}");
    char *body = devconf__buf_steal(&b);
    if (!body) {
        return DEVCONF_ENOMEM;
    }
    if (!n) {
        free(body);
        return 0;
    }
    devconf__rc_resp resp;
    int r = devconf__rc_request(s, "PATCH", root, body, "application/yang-patch+json", &resp, what,
                                devconf__rc_st(s)->if_match);
    free(body);
    if (r == 0) {
        devconf__rc_resp_dispose(&resp);
    }
    return r;
}
