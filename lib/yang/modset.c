/* Module sets: the modules a device announces (from hello capabilities here, from YANG library
 * documents in library.c) and, once resolved, the content key that names a shared context. */
#include "yang/yang_p.h"

#include <stdlib.h>
#include <string.h>

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool same_rev(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

devconf__modinfo *devconf__modset_find(const devconf__modset *s, const char *name, const char *rev)
{
    for (size_t i = 0; i < s->n; i++) {
        if (!strcmp(s->m[i].name, name) && (!rev || same_rev(s->m[i].revision, rev))) {
            return &s->m[i];
        }
    }
    return NULL;
}

devconf__modinfo *devconf__modset_add(devconf__modset *s, const char *name, const char *rev)
{
    if (!devconf__yang_valid_name(name) || (rev && !devconf__yang_valid_revision(rev))) {
        devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EPROTO,
                           "the device names a module '%.64s%s%.16s' that is not a YANG identifier and revision date",
                           name ? name : "", rev ? "@" : "", rev ? rev : "");
        return NULL;
    }
    for (size_t i = 0; i < s->n; i++) {
        if (!strcmp(s->m[i].name, name) && same_rev(s->m[i].revision, rev)) {
            return &s->m[i];
        }
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 32;
        devconf__modinfo *m = realloc(s->m, cap * sizeof *m);
        if (!m) {
            devconf__error_oom();
            return NULL;
        }
        s->m = m;
        s->cap = cap;
    }
    devconf__modinfo *m = &s->m[s->n];
    memset(m, 0, sizeof *m);
    if (!(m->name = devconf__strdup(name)) || (rev && !(m->revision = devconf__strdup(rev)))) {
        free(m->name);
        return NULL;
    }
    s->n++;
    return m;
}

static int add_unique(char ***list, size_t *n, const char *item)
{
    for (size_t i = 0; i < *n; i++) {
        if (!strcmp((*list)[i], item)) {
            return 0;
        }
    }
    char **l = realloc(*list, (*n + 1) * sizeof *l);
    if (!l) {
        return devconf__error_oom();
    }
    *list = l;
    if (!(l[*n] = devconf__strdup(item))) {
        return DEVCONF_ENOMEM;
    }
    (*n)++;
    return 0;
}

int devconf__modinfo_add_feature(devconf__modinfo *m, const char *feature)
{
    if (!devconf__yang_valid_name(feature)) {
        return devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EPROTO,
                                  "the device names a feature '%.64s' of %s that is not a YANG identifier", feature,
                                  m->name);
    }
    return add_unique(&m->features, &m->nfeatures, feature);
}

int devconf__modinfo_add_deviation(devconf__modinfo *m, const char *module)
{
    if (!devconf__yang_valid_name(module)) {
        return devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EPROTO,
                                  "the device names a deviation module '%.64s' that is not a YANG identifier", module);
    }
    return add_unique(&m->deviations, &m->ndeviations, module);
}

static int cmp_mod(const void *a, const void *b)
{
    const devconf__modinfo *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c) {
        return c;
    }
    return strcmp(x->revision ? x->revision : "", y->revision ? y->revision : "");
}

void devconf__modset_sort(devconf__modset *s)
{
    if (s->n) {
        qsort(s->m, s->n, sizeof *s->m, cmp_mod);
    }
    for (size_t i = 0; i < s->n; i++) {
        if (s->m[i].nfeatures) {
            qsort(s->m[i].features, s->m[i].nfeatures, sizeof(char *), cmp_str);
        }
        if (s->m[i].ndeviations) {
            qsort(s->m[i].deviations, s->m[i].ndeviations, sizeof(char *), cmp_str);
        }
    }
}

static void free_list(char **l, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(l[i]);
    }
    free(l);
}

void devconf__modset_dispose(devconf__modset *s)
{
    for (size_t i = 0; i < s->n; i++) {
        devconf__modinfo *m = &s->m[i];
        free(m->name);
        free(m->revision);
        free(m->ns);
        free(m->location);
        free_list(m->features, m->nfeatures);
        free_list(m->deviations, m->ndeviations);
    }
    free(s->m);
    memset(s, 0, sizeof *s);
}

/* The value of parameter key in the query part of a capability URI, copied into buf ("" when
 * absent). */
static const char *cap_param(const char *cap, const char *key, char *buf, size_t size)
{
    buf[0] = '\0';
    const char *q = strchr(cap, '?');
    size_t klen = strlen(key);
    for (const char *p = q; p && *p; p = strchr(p, '&')) {
        p++;
        if (!strncmp(p, key, klen) && p[klen] == '=') {
            const char *v = p + klen + 1;
            size_t n = strcspn(v, "&");
            if (n >= size) {
                return NULL; /* longer than any valid value: the caller refuses it */
            }
            memcpy(buf, v, n);
            buf[n] = '\0';
            return buf;
        }
    }
    return buf;
}

int devconf__modset_from_hello(devconf__modset *s, const char *const *caps, size_t ncaps)
{
    for (size_t i = 0; i < ncaps; i++) {
        char name[256], rev[16];
        if (!strstr(caps[i], "?module=") && !strstr(caps[i], "&module=")) {
            continue;
        }
        if (!cap_param(caps[i], "module", name, sizeof name) || !cap_param(caps[i], "revision", rev, sizeof rev)) {
            return devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EPROTO,
                                      "the device announces a capability with an invalid module or revision: %.100s",
                                      caps[i]);
        }
        devconf__modinfo *m = devconf__modset_add(s, name, rev[0] ? rev : NULL);
        if (!m) {
            return devconf_error_code(devconf_error_last());
        }
        m->implemented = true;
        if (!m->ns) {
            size_t nslen = strcspn(caps[i], "?");
            if (!(m->ns = strndup(caps[i], nslen))) {
                return devconf__error_oom();
            }
        }
        for (int which = 0; which < 2; which++) {
            const char *key = which ? "deviations" : "features";
            /* a parameter of the query (after '?'), not text inside another one's value */
            const char *p = strchr(caps[i], '?');
            while (p && (p = strstr(p + 1, which ? "deviations=" : "features=")) && p[-1] != '&' && p[-1] != '?') {
                /* inside a value: look further */
            }
            if (!p) {
                continue;
            }
            p += strlen(key) + 1;
            size_t n = strcspn(p, "&");
            char *list = strndup(p, n);
            if (!list) {
                return devconf__error_oom();
            }
            int r = 0;
            for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok && r == 0;
                 tok = strtok_r(NULL, ",", &save)) {
                r = which ? devconf__modinfo_add_deviation(m, tok) : devconf__modinfo_add_feature(m, tok);
            }
            free(list);
            if (r < 0) {
                return r;
            }
        }
    }
    return 0;
}

int devconf__modset_netconf_features(devconf__modset *s, const char *const *caps, size_t ncaps)
{
    static const struct {
        const char *cap;     /* base capability, without its version */
        const char *feature; /* ietf-netconf feature (RFC 6241 appendix C) */
    } implied[] = {
        { "urn:ietf:params:netconf:capability:writable-running:", "writable-running" },
        { "urn:ietf:params:netconf:capability:candidate:", "candidate" },
        { "urn:ietf:params:netconf:capability:confirmed-commit:1.1", "confirmed-commit" },
        { "urn:ietf:params:netconf:capability:rollback-on-error:", "rollback-on-error" },
        { "urn:ietf:params:netconf:capability:validate:1.1", "validate" },
        { "urn:ietf:params:netconf:capability:startup:", "startup" },
        { "urn:ietf:params:netconf:capability:url:", "url" },
        { "urn:ietf:params:netconf:capability:xpath:", "xpath" },
    };
    devconf__modinfo *nc = devconf__modset_find(s, "ietf-netconf", NULL);
    if (!nc) {
        return 0;
    }
    nc->implemented = true;
    for (size_t i = 0; i < ncaps; i++) {
        for (size_t k = 0; k < sizeof implied / sizeof *implied; k++) {
            if (!strncmp(caps[i], implied[k].cap, strlen(implied[k].cap))) {
                int r = devconf__modinfo_add_feature(nc, implied[k].feature);
                if (r < 0) {
                    return r;
                }
            }
        }
    }
    return 0;
}

int devconf__modset_key(const devconf__modset *s, char key[65])
{
    devconf__modset copy = *s; /* sorted view: sort a copy of the entry array, entries shared */
    copy.m = malloc((s->n ? s->n : 1) * sizeof *copy.m);
    if (!copy.m) {
        return devconf__error_oom();
    }
    if (copy.n) {
        memcpy(copy.m, s->m, s->n * sizeof *copy.m); /* s->m is NULL for an empty set */
        qsort(copy.m, copy.n, sizeof *copy.m, cmp_mod);
    }
    devconf__sha256 h;
    devconf__sha256_init(&h);
    devconf__sha256_update(&h, "devconf-modset 1\n", 17);
    for (size_t i = 0; i < copy.n; i++) {
        const devconf__modinfo *m = &copy.m[i];
        if (!m->hash[0]) {
            continue;
        }
        char **f = NULL, **d = NULL;
        if ((m->nfeatures && !(f = malloc(m->nfeatures * sizeof *f))) ||
            (m->ndeviations && !(d = malloc(m->ndeviations * sizeof *d)))) {
            free(f);
            free(copy.m);
            return devconf__error_oom();
        }
        if (f) {
            memcpy(f, m->features, m->nfeatures * sizeof *f);
            qsort(f, m->nfeatures, sizeof *f, cmp_str);
        }
        if (d) {
            memcpy(d, m->deviations, m->ndeviations * sizeof *d);
            qsort(d, m->ndeviations, sizeof *d, cmp_str);
        }
        devconf__sha256_update(&h, m->name, strlen(m->name));
        devconf__sha256_update(&h, " ", 1);
        devconf__sha256_update(&h, m->revision ? m->revision : "-", m->revision ? strlen(m->revision) : 1);
        devconf__sha256_update(&h, m->submodule ? " s " : m->implemented ? " i " : " m ", 3);
        devconf__sha256_update(&h, m->hash, 64);
        for (size_t j = 0; j < m->nfeatures; j++) {
            devconf__sha256_update(&h, j ? "," : " ", 1);
            devconf__sha256_update(&h, f[j], strlen(f[j]));
        }
        devconf__sha256_update(&h, " |", 2);
        for (size_t j = 0; j < m->ndeviations; j++) {
            devconf__sha256_update(&h, j ? "," : " ", 1);
            devconf__sha256_update(&h, d[j], strlen(d[j]));
        }
        devconf__sha256_update(&h, "\n", 1);
        free(f);
        free(d);
    }
    free(copy.m);
    devconf__sha256_hex(&h, key);
    return 0;
}
