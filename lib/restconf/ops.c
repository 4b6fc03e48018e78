/* RESTCONF operations: commit, discard-changes, rpc and action (RFC 8040 3.6), get-schema. */
#include "restconf_p.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

int devconf__rc_post_operation(devconf_session *s, const char *name, devconf__rc_resp *resp, const char *what)
{
    char *path = NULL;
    if (asprintf(&path, "%s/operations/%s", devconf__rc_st(s)->root, name) < 0) {
        return devconf__error_oom();
    }
    int r = devconf__rc_request(s, "POST", path, NULL, NULL, resp, what, NULL);
    free(path);
    return r;
}


int devconf__rc_commit(devconf_session *s, const devconf_commit_options *o)
{
    devconf__rc_state *st = devconf__rc_st(s);
    devconf__rc_begin_call(s);
    if (o->persist || o->persist_id) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "confirmed commit: RESTCONF has no confirmed commit on the device (%s), so no "
                                  "persist id: only the session that made a confirmed commit can confirm it; nothing "
                                  "was sent", s->host);
    }
    if (!st->profile->commit_rpc) {
        /* client-side candidate: send what was staged, as one YANG Patch where possible; a
         * confirmed commit is kept by the session (confirm.c) */
        return devconf__rc_commit_staged(s, o);
    }
    if (o->confirmed) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "confirmed commit: %s (%s profile) commits its own staging area and has no confirmed "
                                  "commit; devconf keeps one in the session only for servers without a staging area "
                                  "so far; nothing was sent", s->host, st->profile->name);
    }
    devconf__rc_resp resp;
    int r = devconf__rc_post_operation(s, st->profile->commit_rpc, &resp, "commit");
    if (r == 0) {
        devconf__rc_resp_dispose(&resp);
    }
    return r;
}

int devconf__rc_discard(devconf_session *s)
{
    devconf__rc_state *st = devconf__rc_st(s);
    devconf__rc_begin_call(s);
    if (!st->profile->discard_rpc) {
        /* client-side candidate */
        devconf__rc_plan_free(st->staged);
        st->staged = NULL;
        return 0;
    }
    devconf__rc_resp resp;
    int r;
    if (st->profile->status_rpc) {
        /* a server whose discard fails when nothing is staged: ask first */
        if ((r = devconf__rc_post_operation(s, st->profile->status_rpc, &resp, "discard-changes (status)")) < 0) {
            return r;
        }
        devconf__json *j = NULL;
        bool open = true;
        if (devconf__json_parse(resp.body.data ? resp.body.data : "", &j, NULL, 0) == 0) {
            const devconf__json *t = devconf__json_get(j, st->profile->status_open_member);
            open = !t || t->type != DEVCONF_JSON_FALSE;
        }
        devconf__json_free(j);
        devconf__rc_resp_dispose(&resp);
        if (!open) {
            return 0;
        }
    }
    if ((r = devconf__rc_post_operation(s, st->profile->discard_rpc, &resp, "discard-changes")) == 0) {
        devconf__rc_resp_dispose(&resp);
    }
    return r;
}

int devconf__rc_get_schema(devconf_session *s, char **out, const char *id, const char *version, const char *format)
{
    devconf__rc_state *st = devconf__rc_st(s);
    devconf__rc_begin_call(s);
    if (format && strcmp(format, "yang")) {
        return devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                  "get-schema: RESTCONF serves YANG text only, not %s", format);
    }
    char *path = NULL;
    if (asprintf(&path, "%s/data/ietf-yang-library:modules-state", st->root) < 0) {
        return devconf__error_oom();
    }
    devconf__rc_resp resp;
    int r = devconf__rc_request(s, "GET", path, NULL, NULL, &resp, "get-schema", NULL);
    free(path);
    if (r < 0) {
        return r;
    }
    devconf__json *j = NULL;
    const char *url = NULL;
    if (devconf__json_parse(resp.body.data ? resp.body.data : "", &j, NULL, 0) == 0) {
        const devconf__json *mods =
            devconf__json_get(devconf__json_get(j, "ietf-yang-library:modules-state"), "module");
        for (const devconf__json *m = mods ? mods->child : NULL; m; m = m->next) {
            const char *n = devconf__json_str(m, "name"), *rev = devconf__json_str(m, "revision");
            if (n && !strcmp(n, id) && (!version || (rev && !strcmp(rev, version)))) {
                url = devconf__json_str(m, "schema");
                break;
            }
        }
    }
    devconf__rc_resp_dispose(&resp);
    if (!url) {
        r = devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_ERPC, "get-schema: %s offers no schema for %s%s%s",
                               s->host, id, version ? "@" : "", version ? version : "");
        devconf__json_free(j);
        return r;
    }
    /* only from the session's own server: its credentials go with the request */
    char *rel = NULL;
    r = devconf__rc_same_origin(s, url, "get-schema: ietf-yang-library gives the schema URL", true, &rel);
    devconf__json_free(j);
    if (r < 0) {
        return r;
    }
    r = devconf__rc_request(s, "GET", rel, NULL, NULL, &resp, "get-schema", NULL);
    free(rel);
    if (r < 0) {
        return r;
    }
    *out = devconf__buf_steal(&resp.body);
    devconf__rc_resp_dispose(&resp);
    return *out ? 0 : DEVCONF_ENOMEM;
}

/* Appends text with its root element renamed from `from` to `to` (any prefix kept): <output
 * xmlns=...> of an RPC reply as <NAME xmlns=...>, <NAME> of an RPC as <input>. Text that does
 * not start with that element is appended as it is. */
static void rename_element(devconf__buf *b, const char *text, const char *from, const char *to)
{
    const char *p = devconf__skip_ws(text);
    size_t flen = strlen(from);
    const char *name = p + 1;
    const char *colon = name + strcspn(name, ":> \t\r\n/");
    if (*p == '<' && *colon == ':') {
        name = colon + 1;
    }
    const char *end = text + strlen(text);
    while (end > p && strchr(" \t\r\n", end[-1])) {
        end--;
    }
    size_t plen = (size_t)(name - p); /* "<" or "<prefix:" */
    bool selfclosing = end - p > 1 && end[-2] == '/';
    if (*p != '<' || strncmp(name, from, flen) || !strchr("> \t\r\n/", name[flen])) {
        devconf__buf_puts(b, text);
        return;
    }
    /* the closing tag </prefix:from> at the end */
    size_t close_len = plen + 1 + flen + 1; /* "</" + prefix + from + ">" */
    if (!selfclosing && ((size_t)(end - p) < close_len || strncmp(end - flen - 1, from, flen) || end[-1] != '>')) {
        devconf__buf_puts(b, text);
        return;
    }
    devconf__buf_append(b, p, plen);
    devconf__buf_puts(b, to);
    if (selfclosing) {
        devconf__buf_append(b, name + flen, (size_t)(end - name - flen));
        return;
    }
    const char *close = end - close_len;
    devconf__buf_append(b, name + flen, (size_t)(close - name - flen));
    devconf__buf_puts(b, "</");
    devconf__buf_append(b, p + 1, plen - 1);
    devconf__buf_puts(b, to);
    devconf__buf_puts(b, ">");
}

/* The input of an RPC or action as a body (a devconf__rc_body_fn; arg is the operation node):
 * {"module:input": {...}} or <input xmlns="namespace">...</input> (RFC 8040 3.6.1). */
static int input_body(devconf_session *s, const void *arg, bool xml, char **body, const char **content_type)
{
    const struct lyd_node *op = arg;
    *body = NULL;
    *content_type = xml ? DEVCONF_RC_MT_XML : devconf__rc_st(s)->profile->media_json;
    char *in = devconf__rc_node_text(op, xml);
    if (!in) {
        return DEVCONF_ENOMEM;
    }
    devconf__buf b = { 0 };
    if (xml) {
        rename_element(&b, in, op->schema->name, "input");
    } else {
        const char *mod = op->schema->module->name;
        char key[2 * 256 + 8]; /* two YANG identifiers (at most 255 bytes each), quotes and colon */
        snprintf(key, sizeof key, "\"%s:%s\"", mod, op->schema->name);
        char *k = strstr(in, key);
        if (k) {
            devconf__buf_append(&b, in, (size_t)(k - in));
            devconf__buf_printf(&b, "\"%s:input\"", mod);
            devconf__buf_puts(&b, k + strlen(key));
        } else {
            devconf__buf_puts(&b, in);
        }
    }
    free(in);
    *body = devconf__buf_steal(&b);
    return *body ? 0 : DEVCONF_ENOMEM;
}

int devconf__rc_rpc(devconf_session *s, char **out, const char *text, devconf_format format)
{
    devconf__rc_state *st = devconf__rc_st(s);
    devconf__rc_begin_call(s);
    struct lyd_node *tree = NULL;
    devconf_format in_fmt;
    int r = devconf__rpc_parse(st->ly, text, DEVCONF_FORMAT_AUTO, &tree, &in_fmt);
    if (r < 0) {
        return r;
    }
    if (format == DEVCONF_FORMAT_AUTO) {
        format = in_fmt;
    }
    struct lyd_node *op = devconf__find_op(tree);
    const char *mod = op->schema->module->name;
    char what[160];
    snprintf(what, sizeof what, "%s %s", op->schema->nodetype == LYS_ACTION ? "action" : "rpc", op->schema->name);
    char *path = NULL;
    if (op->schema->nodetype == LYS_RPC) {
        r = asprintf(&path, "%s/operations/%s:%s", st->root, mod, op->schema->name) < 0 ? devconf__error_oom() : 0;
    } else {
        char *res = NULL;
        if ((r = devconf__rc_node_resource(s, lyd_parent(op), &res)) == 0) {
            const char *pmod = lyd_parent(op)->schema->module->name;
            r = asprintf(&path, "%s/data%s/%s%s%s", st->root, res, strcmp(pmod, mod) ? mod : "",
                         strcmp(pmod, mod) ? ":" : "", op->schema->name) < 0 ? devconf__error_oom() : 0;
            free(res);
        }
    }
    devconf__rc_resp resp;
    if (r == 0 && lyd_child(op)) {
        r = devconf__rc_request_body(s, "POST", path, input_body, op, &resp, what, NULL);
    } else if (r == 0) {
        r = devconf__rc_request(s, "POST", path, NULL, NULL, &resp, what, NULL);
    }
    free(path);
    if (r < 0) {
        lyd_free_all(tree);
        return r;
    }
    const char *reply = resp.body.data ? devconf__skip_ws(resp.body.data) : "";
    if (!*reply) {
        devconf__rc_resp_dispose(&resp);
        lyd_free_all(tree);
        *out = devconf__strdup("");
        return *out ? 0 : DEVCONF_ENOMEM;
    }
    if (op->schema->nodetype != LYS_RPC) {
        /* an action's reply would need its parents to be parsed: hand back the device's JSON */
        if (format == DEVCONF_FORMAT_JSON) {
            *out = devconf__strdup(reply);
            r = *out ? 0 : DEVCONF_ENOMEM;
        } else {
            r = devconf__error_set(DEVCONF_ORIGIN_RESTCONF, DEVCONF_EUNSUPPORTED,
                                   "%s: action output over RESTCONF is returned as JSON only so far; ask for JSON",
                                   what);
        }
        devconf__rc_resp_dispose(&resp);
        lyd_free_all(tree);
        return r;
    }
    /* {"module:output": {...}} -> {"module:name": {...}}, or <output xmlns=...> -> <name xmlns=...>,
     * parsed as the reply of the request */
    bool xml_reply = resp.content_type ? !devconf__rc_is_json(resp.content_type) : *reply == '<';
    devconf__buf rb = { 0 };
    if (xml_reply) {
        rename_element(&rb, reply, "output", op->schema->name);
    } else {
        char okey[256 + 16]; /* a YANG identifier (at most 255 bytes), quotes and ":output" */
        snprintf(okey, sizeof okey, "\"%s:output\"", mod);
        char *k = strstr(reply, okey);
        if (k) {
            devconf__buf_append(&rb, reply, (size_t)(k - reply));
            devconf__buf_printf(&rb, "\"%s:%s\"", mod, op->schema->name);
            devconf__buf_puts(&rb, k + strlen(okey));
        } else {
            devconf__buf_puts(&rb, reply);
        }
    }
    devconf__rc_resp_dispose(&resp);
    char *rtext = devconf__buf_steal(&rb);
    if (!rtext) {
        lyd_free_all(tree);
        return DEVCONF_ENOMEM;
    }
    struct lyd_node *rtree = NULL;
    struct ly_in *lin = NULL;
    r = 0;
    ly_in_new_memory(rtext, &lin);
    devconf__log_capture_begin();
    if (lyd_parse_op(st->ly, NULL, lin, xml_reply ? LYD_XML : LYD_JSON, LYD_TYPE_REPLY_YANG, &rtree, NULL) !=
        LY_SUCCESS) {
        r = devconf__yang_error(st->ly, DEVCONF_EPROTO, "the RPC output does not match the device's schemas");
    }
    devconf__log_capture_end();
    ly_in_free(lin, 0);
    free(rtext);
    if (r == 0) {
        r = devconf__print_rpc_output(devconf__find_op(rtree), format, out);
    }
    lyd_free_all(rtree);
    lyd_free_all(tree);
    return r;
}
