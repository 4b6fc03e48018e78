/* Partial lock (RFC 5717) over NETCONF: <partial-lock> of the running datastore by XPath selects
 * (checked against the session's schemas before anything is sent), <partial-unlock> by lock id. */
#include "netconf/netconf_p.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#define PLOCK_NS "urn:ietf:params:xml:ns:netconf:partial-lock:1.0"
#define PLOCK_CAP "urn:ietf:params:netconf:capability:partial-lock:1.0"

static bool name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool name_char(char c)
{
    return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* The select with the module name written on every name test: in devconf's XPath style a step
 * without a prefix is in its parent's module (as in RFC 7951 and libyang), but the device reads
 * XPath 1.0 with XML namespaces, where it means "no namespace". Each unprefixed name test gets the
 * module of the nearest prefix before it (the parent's, for a path and its predicates); function
 * names, axes, attributes, variables and operators are left alone. NULL when out of memory. */
char *devconf__nc_xpath_qualify(const char *x)
{
    devconf__buf b = { 0 };
    const char *mod = NULL;
    size_t modlen = 0;
    bool operand = false; /* the previous token ends an operand: a name here is an operator */
    for (const char *p = x; *p;) {
        if (*p == '\'' || *p == '"') {
            const char *e = strchr(p + 1, *p);
            e = e ? e + 1 : p + strlen(p);
            devconf__buf_printf(&b, "%.*s", (int)(e - p), p);
            p = e;
            operand = true;
            continue;
        }
        if (!name_start(*p)) {
            bool num = *p >= '0' && *p <= '9';
            const char *e = p + 1;
            while (num && ((*e >= '0' && *e <= '9') || *e == '.')) {
                e++;
            }
            devconf__buf_printf(&b, "%.*s", (int)(e - p), p);
            if (*p == '@' || *p == '$') { /* an attribute or a variable: the name after it stays */
                while (name_char(*e) || *e == ':') {
                    e++;
                }
                devconf__buf_printf(&b, "%.*s", (int)(e - (p + 1)), p + 1);
                operand = true;
            } else if (*p != ' ' && *p != '\t' && *p != '\n') {
                operand = num || *p == ')' || *p == ']' || *p == '*' || *p == '.';
            }
            p = e;
            continue;
        }
        const char *e = p;
        while (name_char(*e)) {
            e++;
        }
        size_t n = (size_t)(e - p);
        const char *after = e;
        while (*after == ' ' || *after == '\t') {
            after++;
        }
        if (e[0] == ':' && e[1] != ':' && (name_start(e[1]) || e[1] == '*')) { /* prefix:name */
            mod = p;
            modlen = n;
            const char *f = e + 1;
            while (name_char(*f) || *f == '*') {
                f++;
            }
            devconf__buf_printf(&b, "%.*s", (int)(f - p), p);
            p = f;
            operand = true;
            continue;
        }
        bool op = operand && ((n == 3 && (!strncmp(p, "and", 3) || !strncmp(p, "div", 3) || !strncmp(p, "mod", 3))) ||
                              (n == 2 && !strncmp(p, "or", 2)));
        if (op || *after == '(' || (after[0] == ':' && after[1] == ':') || !mod) {
            devconf__buf_printf(&b, "%.*s", (int)n, p); /* an operator, a function, an axis, or no module yet */
            operand = !op && *after != '(' && !(after[0] == ':' && after[1] == ':');
        } else {
            devconf__buf_printf(&b, "%.*s:%.*s", (int)modlen, mod, (int)n, p);
            operand = true;
        }
        p = e;
    }
    if (b.failed) {
        devconf__buf_dispose(&b);
        return NULL;
    }
    return b.data ? b.data : devconf__strdup("");
}

/* A select must compile against the schemas and name configuration nodes only (RFC 5717 2.4.1:
 * a lock on state data is an error). */
static int check_select(devconf_session *s, const char *xpath, size_t i)
{
    struct ly_ctx *ly = devconf__nc_ly(s);
    struct ly_set *set = NULL;
    devconf__log_capture_begin();
    LY_ERR lr = lys_find_xpath(ly, NULL, xpath, 0, &set);
    if (lr != LY_SUCCESS) {
        char what[192];
        snprintf(what, sizeof what, "partial-lock: select %zu refused (use module names as prefixes, e.g. "
                 "/ietf-interfaces:interfaces), nothing sent", i);
        int r = devconf__yang_error(ly, DEVCONF_EYANG, what);
        devconf__log_capture_end();
        ly_set_free(set, NULL);
        return r;
    }
    devconf__log_capture_end();
    int r = 0;
    if (!set || !set->count) {
        r = devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EYANG, "partial-lock: select %zu ('%s') names no node of "
                               "%s's schemas (a typo?), nothing sent", i, xpath, s->host);
    }
    for (uint32_t k = 0; !r && set && k < set->count; k++) {
        if (!(set->snodes[k]->flags & LYS_CONFIG_W)) {
            r = devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EYANG, "partial-lock: select %zu ('%s') names %s, which "
                                   "is not configuration (RFC 5717 locks configuration only), nothing sent", i, xpath,
                                   set->snodes[k]->name);
        }
    }
    ly_set_free(set, NULL);
    return r;
}

/* The lock-denied holder: RFC 5717 2.4.1 error-info <session-id>, named in the error message. */
static void name_holder(const devconf_session *s)
{
    const devconf_error *e = devconf_error_last();
    const devconf_rpc_error *re = devconf_error_rpc_error_count(e) ? devconf_error_rpc_error(e, 0) : NULL;
    const char *tag = devconf_rpc_error_tag(re), *info = devconf_rpc_error_info_xml(re);
    if (!tag || strcmp(tag, "lock-denied") || !info) {
        return;
    }
    const char *p = strstr(info, "session-id>");
    if (!p) {
        return;
    }
    p += strlen("session-id>");
    char *end = NULL;
    errno = 0;
    unsigned long id = strtoul(p, &end, 10);
    if (end == p || *end != '<' || errno || id > UINT32_MAX) {
        return;
    }
    devconf__error_set_message("partial-lock: %s refused the lock (lock-denied): held by session %lu%s%s", s->host, id,
                               devconf_rpc_error_message(re) ? ": " : "",
                               devconf_rpc_error_message(re) ? devconf_rpc_error_message(re) : "");
}

int devconf__nc_partial_lock(devconf_session *s, const char *const *selects, size_t n, uint32_t *lock_id)
{
    int r = devconf__require_cap(s, PLOCK_CAP, "partial-lock (RFC 5717)");
    if (r < 0) {
        return r;
    }
    for (size_t i = 0; i < n; i++) {
        if ((r = check_select(s, selects[i], i)) < 0) {
            return r;
        }
    }
    devconf__buf b = { 0 };
    devconf__buf_puts(&b, "<partial-lock xmlns=\"" PLOCK_NS "\">");
    for (size_t i = 0; i < n && !b.failed; i++) {
        char *q = devconf__nc_xpath_qualify(selects[i]);
        if (!q) {
            b.failed = true;
            break;
        }
        devconf__nc_xpath_element(&b, devconf__nc_ly(s), q, "select");
        free(q);
    }
    devconf__buf_puts(&b, "</partial-lock>");
    if (b.failed) {
        devconf__buf_dispose(&b);
        return devconf__error_oom();
    }
    char *reply = NULL;
    size_t len = 0;
    devconf__nc_env env;
    r = devconf__ncc_call(devconf__nc_client(s), b.data, "partial-lock", devconf__nc_deadline(s), &s->cancel, &reply,
                          &len, &env);
    devconf__buf_dispose(&b);
    if (r < 0) {
        return r;
    }
    r = devconf__ncc_reply_status(s->ctx, s->host, "partial-lock", reply, len, &env, true);
    devconf__nc_env_dispose(&env);
    if (r == DEVCONF_ERPC) {
        name_holder(s);
    }
    if (r < 0) {
        free(reply);
        return r;
    }
    struct lyd_node *tree = NULL;
    devconf__log_capture_begin();
    LY_ERR lr = devconf__lyd_parse_xml(devconf__yang_boot(), reply, LYD_PARSE_ONLY | LYD_PARSE_OPAQ, &tree);
    devconf__log_capture_end();
    free(reply);
    const char *v = lr == LY_SUCCESS && tree ? devconf__child_value(tree, "lock-id") : NULL;
    char *end = NULL;
    errno = 0;
    unsigned long id = v ? strtoul(v, &end, 10) : 0;
    bool ok = v && *v >= '0' && *v <= '9' && end && !*end && !errno && id <= UINT32_MAX;
    lyd_free_all(tree);
    if (!ok) {
        return devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EPROTO,
                                  "partial-lock: the reply from %s has no valid <lock-id> (RFC 5717 2.4.1)", s->host);
    }
    *lock_id = (uint32_t)id;
    devconf__log(s->ctx, DEVCONF_LOG_DEBUG, "netconf", "partial-lock: %s granted lock %lu (%zu select%s)", s->host, id,
                 n, n == 1 ? "" : "s");
    return 0;
}

int devconf__nc_partial_unlock(devconf_session *s, uint32_t lock_id)
{
    int r = devconf__require_cap(s, PLOCK_CAP, "partial-unlock (RFC 5717)");
    if (r < 0) {
        return r;
    }
    char body[128];
    snprintf(body, sizeof body, "<partial-unlock xmlns=\"" PLOCK_NS "\"><lock-id>%u</lock-id></partial-unlock>",
             (unsigned)lock_id);
    return devconf__nc_call_ok(s, body, "partial-unlock");
}
