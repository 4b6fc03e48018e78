/* RESTCONF error bodies: ietf-restconf:errors (JSON and XML, RFC 8040 7.1) and yang-patch-status
 * (RFC 8072 2.3) turned into the rpc-error entries of the error object. */
#include "restconf_p.h"

#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

/* Adds the errors of a yang-patch-status body (RFC 8072 2.3) to the error object. */
static int rc_collect_patch_status(const char *body)
{
    devconf__json *j = NULL;
    if (devconf__json_parse(body, &j, NULL, 0) < 0) {
        return 0;
    }
    const devconf__json *st = devconf__json_get(j, "ietf-yang-patch:yang-patch-status");
    int count = 0;
    const devconf__json *lists[2] = { devconf__json_get(devconf__json_get(st, "errors"), "error"), NULL };
    const devconf__json *edits = devconf__json_get(devconf__json_get(st, "edit-status"), "edit");
    for (const devconf__json *ed = edits ? edits->child : NULL;; ed = ed->next) {
        for (int k = 0; k < 2; k++) {
            const devconf__json *errs = lists[k];
            for (const devconf__json *e = errs ? (errs->type == DEVCONF_JSON_ARRAY ? errs->child : errs) : NULL; e;
                 e = errs->type == DEVCONF_JSON_ARRAY ? e->next : NULL) {
                struct devconf_rpc_error re = { 0 };
                re.type = (char *)devconf__json_str(e, "error-type");
                re.tag = (char *)devconf__json_str(e, "error-tag");
                re.app_tag = (char *)devconf__json_str(e, "error-app-tag");
                re.path = (char *)devconf__json_str(e, "error-path");
                re.message = (char *)devconf__json_str(e, "error-message");
                re.severity = "error";
                if (devconf__error_add_rpc_error(&re) < 0) {
                    devconf__json_free(j);
                    return count;
                }
                count++;
            }
            lists[k] = NULL;
        }
        if (!ed) {
            break;
        }
        lists[0] = devconf__json_get(devconf__json_get(ed, "errors"), "error");
    }
    devconf__json_free(j);
    return count;
}

/* Turns a RESTCONF errors body (JSON or XML) into rpc-error entries; returns how many. */
int devconf__rc_collect_errors(devconf_session *s, const devconf__rc_resp *r)
{
    const char *body = r->body.data ? devconf__skip_ws(r->body.data) : "";
    int count = 0;
    if (*body == '{') {
        devconf__json *j = NULL;
        if (devconf__json_parse(body, &j, NULL, 0) < 0) {
            return 0;
        }
        if (devconf__json_get(j, "ietf-yang-patch:yang-patch-status")) {
            devconf__json_free(j);
            return rc_collect_patch_status(body);
        }
        const devconf__json *errs = devconf__json_get(devconf__json_get(j, "ietf-restconf:errors"), "error");
        const devconf__json *e = errs && errs->type == DEVCONF_JSON_ARRAY ? errs->child : errs;
        for (; e; e = errs && errs->type == DEVCONF_JSON_ARRAY ? e->next : NULL) {
            struct devconf_rpc_error re = { 0 };
            re.type = (char *)devconf__json_str(e, "error-type");
            re.tag = (char *)devconf__json_str(e, "error-tag");
            re.app_tag = (char *)devconf__json_str(e, "error-app-tag");
            re.path = (char *)devconf__json_str(e, "error-path");
            re.message = (char *)devconf__json_str(e, "error-message");
            re.severity = "error";
            char *info = NULL;
            const devconf__json *ij = devconf__json_get(e, "error-info");
            if (ij) {
                info = devconf__json_print(ij);
                re.info_xml = info; /* JSON text: the encoding the device used */
            }
            int rc = devconf__error_add_rpc_error(&re);
            free(info);
            if (rc < 0) {
                break;
            }
            count++;
        }
        devconf__json_free(j);
    } else if (*body == '<') {
        struct lyd_node *tree = NULL;
        if (lyd_parse_data_mem(devconf__rc_st(s)->ly, body, LYD_XML, LYD_PARSE_ONLY | LYD_PARSE_OPAQ, 0, &tree) ==
                LY_SUCCESS &&
            tree) {
            for (const struct lyd_node *e = lyd_child(tree); e; e = e->next) {
                if (strcmp(devconf__node_name(e), "error")) {
                    continue;
                }
                struct devconf_rpc_error re = { 0 };
                re.type = (char *)devconf__child_value(e, "error-type");
                re.tag = (char *)devconf__child_value(e, "error-tag");
                re.app_tag = (char *)devconf__child_value(e, "error-app-tag");
                re.path = (char *)devconf__child_value(e, "error-path");
                re.message = (char *)devconf__child_value(e, "error-message");
                re.severity = "error";
                char *info = NULL;
                const struct lyd_node *in = devconf__child_named(e, "error-info");
                if (in) {
                    lyd_print_mem(&info, in, LYD_XML, LYD_PRINT_SHRINK);
                    re.info_xml = info;
                }
                int rc = devconf__error_add_rpc_error(&re);
                free(info);
                if (rc < 0) {
                    break;
                }
                count++;
            }
        }
        lyd_free_all(tree);
    }
    return count;
}
