/* Inventory files (YAML, read with libyaml): hosts, groups and defaults in the shape Nornir and
 * Ansible users know; each host's settings resolved host first, then its groups depth first, then
 * the defaults; credentials only by reference (environment variable names, key files). */
#include "fleet/fleet_p.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#define MAX_INVENTORY (64u * 1024 * 1024)
#define MAX_GROUP_DEPTH 32

struct inv {
    yaml_document_t doc;
    const char *path;
    yaml_node_t *hosts, *groups, *defaults;
};

static int inv_error(const struct inv *v, const yaml_node_t *n, const char *fmt, ...) DEVCONF_PRINTF(3, 4);

static int inv_error(const struct inv *v, const yaml_node_t *n, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "inventory %s line %lu: %s", v->path,
                              n ? (unsigned long)n->start_mark.line + 1 : 0UL, what);
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* The value of key in mapping m, or NULL. */
static yaml_node_t *map_get(struct inv *v, yaml_node_t *m, const char *key)
{
    if (!m || m->type != YAML_MAPPING_NODE) {
        return NULL;
    }
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        const char *k = scalar(yaml_document_get_node(&v->doc, p->key));
        if (k && !strcmp(k, key)) {
            return yaml_document_get_node(&v->doc, p->value);
        }
    }
    return NULL;
}

static const char *const KNOWN[] = { "hostname", "port", "username", "platform", "uri", "groups", "private_key",
                                     "use_agent", "known_hosts", "host_key_policy", "ca_file", "client_cert",
                                     "client_key", "connect_timeout", "timeout", "max_reply_bytes", "data", "password_env",
                                     "passphrase_env", "bearer_token_env", "connection_options", NULL };

/* A host, group or defaults mapping: every key known, no literal secret. */
static int check_settings(struct inv *v, yaml_node_t *m, const char *what)
{
    if (!m) {
        return 0;
    }
    if (m->type != YAML_MAPPING_NODE) {
        return inv_error(v, m, "%s is not a mapping of settings", what);
    }
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = yaml_document_get_node(&v->doc, p->key);
        const char *k = scalar(kn);
        if (!k) {
            return inv_error(v, kn, "%s has a key that is not a string", what);
        }
        if (!strcmp(k, "password") || !strcmp(k, "passphrase") || !strcmp(k, "bearer_token")) {
            return inv_error(v, kn, "%s: '%s' holds a secret in the file; give credentials by reference: "
                             "password_env / passphrase_env / bearer_token_env (an environment variable's name), "
                             "private_key (a file) or use_agent", what, k);
        }
        bool known = false;
        for (const char *const *q = KNOWN; *q && !known; q++) {
            known = !strcmp(*q, k);
        }
        if (!known) {
            return inv_error(v, kn, "%s: unknown setting '%s'", what, k);
        }
    }
    return 0;
}

/* Looks key up for a host: the host, its groups depth first, the defaults. */
static yaml_node_t *lookup_in(struct inv *v, yaml_node_t *m, const char *key, int depth)
{
    yaml_node_t *n = map_get(v, m, key);
    if (n || depth > MAX_GROUP_DEPTH) {
        return n;
    }
    yaml_node_t *gl = map_get(v, m, "groups");
    if (gl && gl->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = gl->data.sequence.items.start; it < gl->data.sequence.items.top; it++) {
            const char *g = scalar(yaml_document_get_node(&v->doc, *it));
            yaml_node_t *gm = g ? map_get(v, v->groups, g) : NULL;
            if (gm && (n = lookup_in(v, gm, key, depth + 1))) {
                return n;
            }
        }
    }
    return NULL;
}

static yaml_node_t *lookup(struct inv *v, yaml_node_t *host, const char *key)
{
    yaml_node_t *n = lookup_in(v, host, key, 0);
    return n ? n : map_get(v, v->defaults, key);
}

/* Every group a host is in, its groups' groups included (comma-separated, for selections). */
static int collect_groups(struct inv *v, yaml_node_t *m, devconf__buf *out, int depth, const char *host)
{
    if (depth > MAX_GROUP_DEPTH) {
        return inv_error(v, m, "host %s: groups nested more than 32 deep (a cycle?)", host);
    }
    yaml_node_t *gl = map_get(v, m, "groups");
    if (!gl) {
        return 0;
    }
    if (gl->type != YAML_SEQUENCE_NODE) {
        return inv_error(v, gl, "host %s: 'groups' is a list of group names", host);
    }
    for (yaml_node_item_t *it = gl->data.sequence.items.start; it < gl->data.sequence.items.top; it++) {
        yaml_node_t *gn = yaml_document_get_node(&v->doc, *it);
        const char *g = scalar(gn);
        yaml_node_t *gm = g ? map_get(v, v->groups, g) : NULL;
        if (!gm) {
            return inv_error(v, gn, "host %s: group '%s' is not in the groups of the file", host, g ? g : "?");
        }
        devconf__buf_printf(out, "%s%s", out->len ? "," : "", g);
        int r = collect_groups(v, gm, out, depth + 1, host);
        if (r < 0) {
            return r;
        }
    }
    return 0;
}

static int env_secret(struct inv *v, yaml_node_t *host, const char *name, const char *key, char **out)
{
    *out = NULL;
    yaml_node_t *n = lookup(v, host, key);
    if (!n) {
        return 0;
    }
    const char *var = scalar(n);
    if (!var || !*var) {
        return inv_error(v, n, "host %s: '%s' names an environment variable", name, key);
    }
    const char *value = getenv(var);
    if (!value) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_ENOTFOUND,
                                  "inventory %s: host %s: %s names the environment variable %s, which is not set",
                                  v->path, name, key, var);
    }
    *out = devconf__strdup(value);
    return *out ? 0 : DEVCONF_ENOMEM;
}

/* "~/x" -> "$HOME/x" */
static char *expand_path(const char *p)
{
    const char *home = getenv("HOME");
    if (p[0] == '~' && p[1] == '/' && home) {
        char *out = NULL;
        return asprintf(&out, "%s%s", home, p + 1) < 0 ? NULL : out;
    }
    return devconf__strdup(p);
}

static int add_host(struct inv *v, devconf_fleet *f, const char *name, yaml_node_t *host)
{
    int r = check_settings(v, host, "host");
    if (r < 0) {
        return r;
    }
    const char *uri = scalar(lookup(v, host, "uri"));
    char *built = NULL;
    devconf__buf b = { 0 };
    if (!uri) {
        const char *hostname = scalar(lookup(v, host, "hostname"));
        const char *platform = scalar(lookup(v, host, "platform"));
        const char *port = scalar(lookup(v, host, "port"));
        const char *user = scalar(lookup(v, host, "username"));
        if (!hostname) {
            hostname = name;
        }
        static const char *const platforms[][2] = {
            { "netconf", "netconf" },   { "netconf+ssh", "netconf" },        { "netconf+tls", "netconf+tls" },
            { "restconf", "restconf" }, { "restconf+http", "restconf+http" },
        };
        const char *scheme = platform ? NULL : "netconf";
        for (size_t i = 0; !scheme && i < sizeof platforms / sizeof platforms[0]; i++) {
            if (!strcmp(platform, platforms[i][0])) {
                scheme = platforms[i][1];
            }
        }
        if (!scheme) {
            return inv_error(v, lookup(v, host, "platform"),
                             "host %s: platform '%s' is not netconf, netconf+ssh, netconf+tls, restconf or "
                             "restconf+http", name, platform);
        }
        devconf__buf_printf(&b, "%s://", scheme);
        if (user && strncmp(scheme, "restconf", 8)) {
            devconf__buf_printf(&b, "%s@", user);
        }
        devconf__buf_printf(&b, strchr(hostname, ':') ? "[%s]" : "%s", hostname);
        if (port) {
            devconf__buf_printf(&b, ":%s", port);
        }
        if (!(built = devconf__buf_steal(&b))) {
            return DEVCONF_ENOMEM;
        }
        uri = built;
    }
    devconf_session_options o = DEVCONF_SESSION_OPTIONS_INIT;
    char *password = NULL, *passphrase = NULL, *token = NULL, *key = NULL, *kh = NULL, *ca = NULL, *cert = NULL,
         *ckey = NULL;
    const char *s;
    o.username = scalar(lookup(v, host, "username"));
    if ((r = env_secret(v, host, name, "password_env", &password)) < 0 ||
        (r = env_secret(v, host, name, "passphrase_env", &passphrase)) < 0 ||
        (r = env_secret(v, host, name, "bearer_token_env", &token)) < 0) {
        goto out;
    }
    o.password = password;
    o.passphrase = passphrase;
    o.bearer_token = token;
    if ((s = scalar(lookup(v, host, "private_key"))) && !(o.private_key = key = expand_path(s))) {
        r = DEVCONF_ENOMEM;
        goto out;
    }
    if ((s = scalar(lookup(v, host, "known_hosts"))) && !(o.known_hosts = kh = expand_path(s))) {
        r = DEVCONF_ENOMEM;
        goto out;
    }
    if ((s = scalar(lookup(v, host, "ca_file"))) && !(o.ca_file = ca = expand_path(s))) {
        r = DEVCONF_ENOMEM;
        goto out;
    }
    if ((s = scalar(lookup(v, host, "client_cert"))) && !(o.client_cert = cert = expand_path(s))) {
        r = DEVCONF_ENOMEM;
        goto out;
    }
    if ((s = scalar(lookup(v, host, "client_key"))) && !(o.client_key = ckey = expand_path(s))) {
        r = DEVCONF_ENOMEM;
        goto out;
    }
    if ((s = scalar(lookup(v, host, "use_agent")))) {
        o.use_agent = !strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "1");
    }
    if ((s = scalar(lookup(v, host, "host_key_policy")))) {
        if (!strcmp(s, "strict")) {
            o.hostkey_policy = DEVCONF_HOSTKEY_STRICT;
        } else if (!strcmp(s, "accept-new")) {
            o.hostkey_policy = DEVCONF_HOSTKEY_ACCEPT_NEW;
        } else if (!strcmp(s, "insecure-skip")) {
            o.hostkey_policy = DEVCONF_HOSTKEY_INSECURE_SKIP;
        } else {
            r = inv_error(v, lookup(v, host, "host_key_policy"),
                          "host %s: host_key_policy '%s' is not strict, accept-new or insecure-skip", name, s);
            goto out;
        }
    }
    static const char *const secs[] = { "connect_timeout", "timeout" };
    for (int i = 0; i < 2; i++) {
        yaml_node_t *n = lookup(v, host, secs[i]);
        if (!n) {
            continue;
        }
        char *end = NULL;
        double sec = scalar(n) ? strtod(scalar(n), &end) : -1;
        if (!end || *end || sec <= 0 || sec > 86400) {
            r = inv_error(v, n, "host %s: %s is a number of seconds (0 < s <= 86400)", name, secs[i]);
            goto out;
        }
        *(i ? &o.rpc_timeout_ms : &o.connect_timeout_ms) = (int)(sec * 1000);
    }
    yaml_node_t *mr = lookup(v, host, "max_reply_bytes");
    if (mr) {
        /* bytes, or a number with K, M or G (powers of 1024), from 1 byte to 1 TiB */
        const char *t = scalar(mr);
        char *end = NULL;
        unsigned long long n = t && *t >= '0' && *t <= '9' ? strtoull(t, &end, 10) : 0;
        unsigned long long mult = 1;
        if (end && *end && !end[1]) {
            mult = *end == 'K' || *end == 'k' ? 1024ull
                 : *end == 'M' || *end == 'm' ? 1024ull * 1024
                 : *end == 'G' || *end == 'g' ? 1024ull * 1024 * 1024 : 0;
            end = mult ? end + 1 : end;
        }
        if (!end || *end || n == 0 || mult == 0 || n > (1ull << 40) / mult) {
            r = inv_error(v, mr, "host %s: max_reply_bytes is a size in bytes, optionally with K, M or G "
                          "(1 to 1024G)", name);
            goto out;
        }
        o.max_reply_bytes = n * mult;
    }
    devconf__buf groups = { 0 };
    if ((r = collect_groups(v, host, &groups, 0, name)) == 0) {
        r = devconf_fleet_add(f, name, uri, &o, groups.data);
        if (r < 0) {
            devconf__error_set_message("inventory %s: host %s: %s", v->path, name,
                                       devconf_error_message(devconf_error_last()));
        }
    }
    devconf__buf_dispose(&groups);
out:
    devconf__secure_free(password);
    devconf__secure_free(passphrase);
    devconf__secure_free(token);
    free(key);
    free(kh);
    free(ca);
    free(cert);
    free(ckey);
    free(built);
    return r;
}

static int read_file(const char *path, unsigned char **out, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_ENOTFOUND, "cannot open inventory %s: %s", path,
                                  strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > MAX_INVENTORY) {
        close(fd);
        return devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_EINVAL,
                                  "inventory %s is not a regular file of at most 64 MiB", path);
    }
    unsigned char *buf = malloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (buf && got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n <= 0) {
            break;
        }
        got += (size_t)n;
    }
    close(fd);
    if (!buf) {
        return devconf__error_oom();
    }
    *out = buf;
    *len = got;
    return 0;
}

DEVCONF_API int devconf_fleet_load_inventory(devconf_fleet *f, const char *path)
{
    devconf__error_clear();
    if (!f || !path) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "devconf_fleet_load_inventory: NULL argument");
    }
    unsigned char *text = NULL;
    size_t len = 0;
    int r = read_file(path, &text, &len);
    if (r < 0) {
        return r;
    }
    struct inv v = { .path = path };
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, text, len);
    if (!yaml_parser_load(&parser, &v.doc)) {
        r = devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL, "inventory %s line %lu: %s%s%s", path,
                               (unsigned long)parser.problem_mark.line + 1,
                               parser.problem ? parser.problem : "not YAML", parser.context ? " " : "",
                               parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        free(text);
        return r;
    }
    yaml_parser_delete(&parser);
    free(text);
    yaml_node_t *root = yaml_document_get_root_node(&v.doc);
    if (!root || root->type != YAML_MAPPING_NODE) {
        r = inv_error(&v, root, "the file is a mapping with hosts, groups and defaults");
        goto out;
    }
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = yaml_document_get_node(&v.doc, p->key);
        const char *k = scalar(kn);
        yaml_node_t *val = yaml_document_get_node(&v.doc, p->value);
        if (k && !strcmp(k, "hosts")) {
            v.hosts = val;
        } else if (k && !strcmp(k, "groups")) {
            v.groups = val;
        } else if (k && !strcmp(k, "defaults")) {
            v.defaults = val;
        } else {
            r = inv_error(&v, kn, "unknown top-level key '%s' (hosts, groups, defaults)", k ? k : "?");
            goto out;
        }
    }
    if (!v.hosts || v.hosts->type != YAML_MAPPING_NODE) {
        r = inv_error(&v, v.hosts ? v.hosts : root, "'hosts' is a mapping of host names to settings");
        goto out;
    }
    if ((r = check_settings(&v, v.defaults, "defaults")) < 0) {
        goto out;
    }
    if (v.groups) {
        if (v.groups->type != YAML_MAPPING_NODE) {
            r = inv_error(&v, v.groups, "'groups' is a mapping of group names to settings");
            goto out;
        }
        for (yaml_node_pair_t *p = v.groups->data.mapping.pairs.start; p < v.groups->data.mapping.pairs.top; p++) {
            if ((r = check_settings(&v, yaml_document_get_node(&v.doc, p->value), "group")) < 0) {
                goto out;
            }
        }
    }
    for (yaml_node_pair_t *p = v.hosts->data.mapping.pairs.start; p < v.hosts->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = yaml_document_get_node(&v.doc, p->key);
        const char *name = scalar(kn);
        yaml_node_t *host = yaml_document_get_node(&v.doc, p->value);
        if (!name) {
            r = inv_error(&v, kn, "a host name is not a string");
            goto out;
        }
        if (host && host->type == YAML_SCALAR_NODE && !*scalar(host)) {
            host = NULL; /* "name:" with nothing: all from groups and defaults */
        }
        if ((r = add_host(&v, f, name, host)) < 0) {
            goto out;
        }
    }
out:
    yaml_document_delete(&v.doc);
    return r;
}
