/* YANG Patch (RFC 8072): a list of plans sent as one atomic request, in JSON or XML. */
#include "restconf_p.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libyang/libyang.h>

#define YP_NS "urn:ietf:params:xml:ns:yang:ietf-yang-patch"

static const char *const act_names[] = { "merge", "replace", "delete", "remove" };
static int yang_patch_counter;

struct yang_patch {
    const devconf__rc_plan *plans;
    int id;
};

/* The YANG Patch body (a devconf__rc_body_fn). */
static int yang_patch_body(devconf_session *s, const void *arg, bool xml, char **body, const char **content_type)
{
    (void)s;
    const struct yang_patch *yp = arg;
    devconf__buf b = { 0 };
    *body = NULL;
    *content_type = xml ? "application/yang-patch+xml" : "application/yang-patch+json";
    if (xml) {
        devconf__buf_printf(&b, "<yang-patch xmlns=\"" YP_NS "\"><patch-id>devconf-%ld-%d</patch-id>", (long)getpid(),
                            yp->id);
    } else {
        devconf__buf_printf(&b, "{\"ietf-yang-patch:yang-patch\":{\"patch-id\":\"devconf-%ld-%d\",\"edit\":[",
                            (long)getpid(), yp->id);
    }
    int n = 0;
    for (const devconf__rc_plan *p = yp->plans; p; p = p->next) {
        for (size_t i = 0; i < p->n; i++) {
            const devconf__rc_action *a = &p->acts[i];
            /* the target is percent-encoded: no JSON or XML escaping needed */
            if (xml) {
                devconf__buf_printf(&b, "<edit><edit-id>%d</edit-id><operation>%s</operation><target>%s</target>",
                                    n + 1, act_names[a->op], a->target);
            } else {
                devconf__buf_printf(&b, "%s{\"edit-id\":\"%d\",\"operation\":\"%s\",\"target\":\"%s\"", n ? "," : "",
                                    n + 1, act_names[a->op], a->target);
            }
            if (a->node) {
                char *v = devconf__rc_node_text(a->node, xml);
                if (!v) {
                    devconf__buf_dispose(&b);
                    return DEVCONF_ENOMEM;
                }
                devconf__buf_printf(&b, xml ? "<value>%s</value>" : ",\"value\":%s", v);
                free(v);
            }
            devconf__buf_puts(&b, xml ? "</edit>" : "}");
            n++;
        }
    }
    devconf__buf_puts(&b, xml ? "</yang-patch>" : "]}}");
    *body = devconf__buf_steal(&b);
    return *body ? 0 : DEVCONF_ENOMEM;
}

/* Sends a list of plans as one YANG Patch (RFC 8072): atomic on the server. */
int devconf__rc_send_yang_patch(devconf_session *s, const char *root, const devconf__rc_plan *plans, const char *what)
{
    size_t n = 0;
    for (const devconf__rc_plan *p = plans; p; p = p->next) {
        n += p->n;
    }
    if (!n) {
        return 0;
    }
    struct yang_patch yp = { plans, __atomic_add_fetch(&yang_patch_counter, 1, __ATOMIC_SEQ_CST) };
    devconf__rc_resp resp;
    int r = devconf__rc_request_body(s, "PATCH", root, yang_patch_body, &yp, &resp, what, devconf__rc_st(s)->if_match);
    if (r == 0) {
        devconf__rc_resp_dispose(&resp);
    }
    return r;
}
