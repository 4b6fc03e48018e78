/* RESTCONF resource paths: data paths (XPath-like filters, data nodes) turned into percent-encoded
 * resource paths checked against the schemas (RFC 8040 3.5.3). */
#include "restconf_p.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

/* RFC 3986 unreserved characters stay; everything else (',', '/', '=', ...) is encoded. */
void devconf__rc_pct_encode(devconf__buf *b, const char *v)
{
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if (isalnum(*p) || strchr("-._~", *p)) {
            devconf__buf_append(b, (const char *)p, 1);
        } else {
            devconf__buf_printf(b, "%%%02X", *p);
        }
    }
}

/* One step of a simple XPath data path: prefix:name[k='v'][k2="v2"]... Every part is on the
 * heap: a path from a device or a caller is never cut. */
struct pred {
    char *key;
    char *value;
};

struct step {
    char *module; /* NULL when the step has no prefix */
    char *name;
    struct pred *pred;
    int npred;
};

static void steps_free(struct step *st, int n)
{
    for (int i = 0; st && i < n; i++) {
        for (int k = 0; k < st[i].npred; k++) {
            free(st[i].pred[k].key);
            free(st[i].pred[k].value);
        }
        free(st[i].pred);
        free(st[i].module);
        free(st[i].name);
    }
    free(st);
}

static bool identifier(const char *s)
{
    if (!s || !*s) {
        return false;
    }
    for (const char *c = s; *c; c++) {
        if (!isalnum((unsigned char)*c) && !strchr("-_.", *c)) {
            return false;
        }
    }
    return true;
}

static int parse_steps(const char *xpath, struct step **out, int *count)
{
    const char *p = devconf__skip_ws(xpath);
    struct step *steps = NULL;
    int n = 0;
    *out = NULL;
    *count = 0;
    if (*p != '/') {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "RESTCONF filter '%s' must be an absolute data path such as "
                                  "/ietf-interfaces:interfaces/interface[name='eth0']", xpath);
    }
    while (*p == '/') {
        struct step *more = realloc(steps, (size_t)(n + 1) * sizeof *steps);
        if (!more) {
            goto oom;
        }
        steps = more;
        struct step *st = &steps[n++];
        memset(st, 0, sizeof *st);
        p++;
        size_t len = strcspn(p, "/[");
        const char *colon = memchr(p, ':', len);
        if (colon) {
            st->module = strndup(p, (size_t)(colon - p));
            st->name = strndup(colon + 1, (size_t)(p + len - colon - 1));
        } else {
            st->name = strndup(p, len);
        }
        if (!st->name || (colon && !st->module)) {
            goto oom;
        }
        if (!identifier(st->name) || (colon && !identifier(st->module)) || (n == 1 && !st->module)) {
            goto unsupported;
        }
        p += len;
        while (*p == '[') {
            const char *eq = strchr(p, '=');
            if (!eq) {
                goto unsupported;
            }
            char q = eq[1];
            if (q != '\'' && q != '"') {
                goto unsupported;
            }
            const char *end = strchr(eq + 2, q);
            if (!end || end[1] != ']') {
                goto unsupported;
            }
            struct pred *pr = realloc(st->pred, (size_t)(st->npred + 1) * sizeof *pr);
            if (!pr) {
                goto oom;
            }
            st->pred = pr;
            pr[st->npred].key = strndup(p + 1, (size_t)(eq - p - 1));
            pr[st->npred].value = strndup(eq + 2, (size_t)(end - eq - 2));
            st->npred++;
            if (!pr[st->npred - 1].key || !pr[st->npred - 1].value) {
                goto oom;
            }
            p = end + 2;
        }
    }
    if (*devconf__skip_ws(p)) {
        goto unsupported;
    }
    *out = steps;
    *count = n;
    return 0;
oom:
    steps_free(steps, n);
    return devconf__error_oom();
unsupported:
    steps_free(steps, n);
    return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EUNSUPPORTED,
                              "RESTCONF can address '%s' only if it is a plain data path: module-qualified first "
                              "node, list entries selected by all their keys ([name='eth0'])", xpath);
}

/* Builds the RESTCONF resource path (list keys in schema order, percent-encoded) of a data path,
 * checking every node against the schemas. */
int devconf__rc_resource_path(struct ly_ctx *ly, const char *xpath, char **out)
{
    *out = NULL;
    struct step *steps = NULL;
    int n;
    int r = parse_steps(xpath, &steps, &n);
    if (r < 0) {
        return r;
    }
    devconf__buf b = { 0 };
    devconf__buf schema = { 0 };
    const char *cur_mod = NULL;
    for (int i = 0; i < n; i++) {
        struct step *st = &steps[i];
        devconf__buf_puts(&b, "/");
        devconf__buf_puts(&schema, "/");
        if (st->module && (!cur_mod || strcmp(cur_mod, st->module))) {
            devconf__buf_printf(&b, "%s:", st->module);
            cur_mod = st->module;
        }
        if (st->module) {
            devconf__buf_printf(&schema, "%s:", st->module);
        }
        devconf__buf_puts(&b, st->name);
        devconf__buf_puts(&schema, st->name);
        if (schema.failed || b.failed) {
            r = devconf__error_oom();
            goto out;
        }
        devconf__log_quiet(true); /* a miss is reported below, once */
        const struct lysc_node *sn = lys_find_path(ly, NULL, schema.data, 0);
        devconf__log_quiet(false);
        if (!sn) {
            r = devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EYANG,
                                   "filter '%s': no such node %s in the device's schemas; nothing sent", xpath,
                                   schema.data);
            goto out;
        }
        if (st->npred) {
            if (sn->nodetype != LYS_LIST) {
                r = devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EUNSUPPORTED,
                                       "filter '%s': predicates are only supported on list keys", xpath);
                goto out;
            }
            int used = 0;
            bool first = true;
            for (const struct lysc_node *k = lysc_node_child(sn); k && lysc_is_key(k); k = k->next) {
                int found = -1;
                for (int j = 0; j < st->npred; j++) {
                    const char *kn = strchr(st->pred[j].key, ':') ? strchr(st->pred[j].key, ':') + 1 : st->pred[j].key;
                    if (!strcmp(kn, k->name)) {
                        found = j;
                    }
                }
                if (found < 0) {
                    r = devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EUNSUPPORTED,
                                           "filter '%s': RESTCONF addresses a list entry by all its keys; key '%s' "
                                           "of %s is missing", xpath, k->name, sn->name);
                    goto out;
                }
                devconf__buf_puts(&b, first ? "=" : ",");
                devconf__rc_pct_encode(&b, st->pred[found].value);
                first = false;
                used++;
            }
            if (used != st->npred) {
                r = devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EUNSUPPORTED,
                                       "filter '%s': only list keys can select entries over RESTCONF", xpath);
                goto out;
            }
            /* the schema path of the next steps does not carry predicates */
        }
    }
    *out = devconf__buf_steal(&b);
    r = *out ? 0 : DEVCONF_ENOMEM;
out:
    devconf__buf_dispose(&b);
    devconf__buf_dispose(&schema);
    steps_free(steps, n);
    return r;
}

/* The data path of the parent of xpath's target, with predicates (for lyd_new_path), or NULL
 * when the target is top-level. */
char *devconf__rc_parent_xpath(const char *xpath)
{
    const char *last = NULL;
    int depth = 0;
    char quote = 0;
    for (const char *p = xpath; *p; p++) {
        if (quote) {
            if (*p == quote) {
                quote = 0;
            }
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '[') {
            depth++;
        } else if (*p == ']') {
            depth--;
        } else if (*p == '/' && !depth) {
            last = p;
        }
    }
    if (!last || last == devconf__skip_ws(xpath)) {
        return NULL;
    }
    return strndup(devconf__skip_ws(xpath), (size_t)(last - devconf__skip_ws(xpath)));
}

/* Resource path of a data node (its list keys percent-encoded). */
int devconf__rc_node_resource(devconf_session *s, const struct lyd_node *node, char **out)
{
    char *xp = lyd_path(node, LYD_PATH_STD, NULL, 0);
    if (!xp) {
        return devconf__error_oom();
    }
    int r = devconf__rc_resource_path(devconf__rc_st(s)->ly, xp, out);
    free(xp);
    return r;
}
