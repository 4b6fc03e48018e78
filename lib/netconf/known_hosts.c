/* known_hosts files, each read once per process (again when it changes) and looked up by host
 * name, instead of libssh's reading and parsing the whole file twice on every connect: at 1,000
 * devices in one known_hosts that is a million lines parsed per fleet run, the largest CPU cost of
 * a connect after the cryptography.
 *
 * The OpenSSH format (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): `[marker] hostpatterns keytype
 * base64key [comment]`, patterns comma-separated, `[host]:port` for ports other than 22, `*` and `?`
 * wildcards, `!` negation, hashed names `|1|salt|hmac-sha1`, markers `@revoked` (the key is refused
 * for every host) and `@cert-authority` (certificates: not used by devconf, skipped). Plain names
 * are found through a sorted index; lines with wildcards, negations or hashed names are tried one
 * by one. */
#include "netconf/netconf_p.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#define MAX_FILE (64u * 1024 * 1024)
#define MAX_FILES 8

struct kh_line {
    char *patterns; /* as in the file */
    char *type;
    char *blob;     /* base64 */
    bool revoked;
    bool linear;    /* wildcards, negations or hashed names: not in the index */
};

struct kh_name {
    const char *name; /* into a line's own copy of its patterns */
    size_t line;
};

struct kh_file {
    char *path;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
    struct kh_line *lines;
    size_t nlines;
    struct kh_name *names; /* sorted by name */
    size_t nnames;
    size_t *linear;        /* indexes of the lines tried one by one (and of the revoked ones) */
    size_t nlinear;
    char *names_store;     /* the split plain names */
    uint64_t used;
};

static pthread_mutex_t kh_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kh_file *files[MAX_FILES];
static uint64_t kh_clock;

static void file_free(struct kh_file *f)
{
    if (!f) {
        return;
    }
    for (size_t i = 0; i < f->nlines; i++) {
        free(f->lines[i].patterns);
        free(f->lines[i].type);
        free(f->lines[i].blob);
    }
    free(f->lines);
    free(f->names);
    free(f->linear);
    free(f->names_store);
    free(f->path);
    free(f);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(((const struct kh_name *)a)->name, ((const struct kh_name *)b)->name);
}

static char *next_field(char **p)
{
    while (**p == ' ' || **p == '\t') {
        (*p)++;
    }
    if (!**p) {
        return NULL;
    }
    char *start = *p;
    while (**p && **p != ' ' && **p != '\t') {
        (*p)++;
    }
    if (**p) {
        *(*p)++ = '\0';
    }
    return start;
}

/* Parses text (NUL-terminated, modified) into f. Malformed lines are skipped, as OpenSSH does. */
static int parse(struct kh_file *f, char *text)
{
    size_t cap = 0, ncap = 0, lcap = 0;
    devconf__buf store = { 0 };
    for (char *line = text, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next) {
            *next++ = '\0';
        }
        char *p = line;
        char *first = next_field(&p);
        if (!first || *first == '#') {
            continue;
        }
        bool revoked = false;
        if (*first == '@') {
            if (strcmp(first, "@revoked")) {
                continue; /* @cert-authority and unknown markers */
            }
            revoked = true;
            if (!(first = next_field(&p))) {
                continue;
            }
        }
        char *type = next_field(&p), *blob = type ? next_field(&p) : NULL;
        if (!type || !blob) {
            continue;
        }
        if (f->nlines == cap) {
            size_t c = cap ? 2 * cap : 64;
            struct kh_line *g = realloc(f->lines, c * sizeof *g);
            if (!g) {
                return devconf__error_oom();
            }
            f->lines = g;
            cap = c;
        }
        struct kh_line *l = &f->lines[f->nlines];
        memset(l, 0, sizeof *l);
        l->revoked = revoked;
        l->linear = revoked || strpbrk(first, "*?!|") != NULL;
        if (!(l->patterns = devconf__strdup(first)) || !(l->type = devconf__strdup(type)) ||
            !(l->blob = devconf__strdup(blob))) {
            f->nlines++;
            return devconf__error_oom();
        }
        size_t idx = f->nlines++;
        if (l->linear) {
            if (f->nlinear == lcap) {
                size_t c = lcap ? 2 * lcap : 16;
                size_t *g = realloc(f->linear, c * sizeof *g);
                if (!g) {
                    return devconf__error_oom();
                }
                f->linear = g;
                lcap = c;
            }
            f->linear[f->nlinear++] = idx;
            continue;
        }
        /* plain names: each into the index (offsets into store for now) */
        for (char *save = NULL, *n = strtok_r(first, ",", &save); n; n = strtok_r(NULL, ",", &save)) {
            if (f->nnames == ncap) {
                size_t c = ncap ? 2 * ncap : 64;
                struct kh_name *g = realloc(f->names, c * sizeof *g);
                if (!g) {
                    devconf__buf_dispose(&store);
                    return devconf__error_oom();
                }
                f->names = g;
                ncap = c;
            }
            f->names[f->nnames].name = (const char *)(uintptr_t)store.len;
            f->names[f->nnames].line = idx;
            f->nnames++;
            devconf__buf_append(&store, n, strlen(n) + 1);
        }
    }
    if (store.failed) {
        devconf__buf_dispose(&store);
        return devconf__error_oom();
    }
    f->names_store = devconf__buf_steal(&store);
    for (size_t i = 0; i < f->nnames; i++) {
        f->names[i].name = f->names_store + (uintptr_t)f->names[i].name;
    }
    if (f->nnames) {
        qsort(f->names, f->nnames, sizeof *f->names, cmp_name);
    }
    return 0;
}

/* OpenSSH's match_pattern(): '*' any run, '?' one character. */
static bool glob(const char *s, const char *p)
{
    for (;;) {
        if (!*p) {
            return !*s;
        }
        if (*p == '*') {
            while (*p == '*') {
                p++;
            }
            if (!*p) {
                return true;
            }
            for (; *s; s++) {
                if (glob(s, p)) {
                    return true;
                }
            }
            return false;
        }
        if (!*s || (*p != '?' && *p != *s)) {
            return false;
        }
        s++;
        p++;
    }
}

/* |1|base64(salt)|base64(hmac-sha1(salt, name)) */
static bool hashed_match(const char *pattern, const char *name)
{
    const char *salt64 = pattern + 3, *bar = strchr(salt64, '|');
    if (strncmp(pattern, "|1|", 3) || !bar) {
        return false;
    }
    unsigned char salt[64], want[64];
    size_t slen = (size_t)(bar - salt64), hlen = strlen(bar + 1);
    if (slen == 0 || slen > 80 || hlen == 0 || hlen > 80) {
        return false;
    }
    char tmp[96];
    memcpy(tmp, salt64, slen);
    tmp[slen] = '\0';
    int sn = EVP_DecodeBlock(salt, (const unsigned char *)tmp, (int)slen);
    int hn = EVP_DecodeBlock(want, (const unsigned char *)bar + 1, (int)hlen);
    if (sn < 20 || hn < 20) {
        return false;
    }
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mlen = 0;
    /* base64 of 20 bytes decodes to 21 with its padding: the first 20 are the salt and the MAC */
    if (!HMAC(EVP_sha1(), salt, 20, (const unsigned char *)name, strlen(name), mac, &mlen) || mlen != 20) {
        return false;
    }
    return CRYPTO_memcmp(mac, want, 20) == 0;
}

/* OpenSSH's match_hostname(): some positive pattern matches and no negated one does. */
static bool line_matches(const struct kh_line *l, const char *name)
{
    if (l->patterns[0] == '|') {
        return hashed_match(l->patterns, name);
    }
    bool positive = false;
    const char *p = l->patterns;
    while (*p) {
        size_t n = strcspn(p, ",");
        char pat[512];
        if (n < sizeof pat) {
            memcpy(pat, p, n);
            pat[n] = '\0';
            bool neg = pat[0] == '!';
            if (glob(name, neg ? pat + 1 : pat)) {
                if (neg) {
                    return false;
                }
                positive = true;
            }
        }
        p += n;
        if (*p == ',') {
            p++;
        }
    }
    return positive;
}

/* The parsed file at path, read again when it changed; NULL with *missing set when there is no
 * such file. Called with kh_lock held. */
static struct kh_file *load(const char *path, bool *missing, int *err)
{
    *missing = false;
    *err = 0;
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR) {
            *missing = true;
        } else {
            *err = devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_EHOSTKEY, "cannot read %s: %s", path,
                                      strerror(errno));
        }
        return NULL;
    }
    if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode) || (S_ISREG(st.st_mode) && (uint64_t)st.st_size > MAX_FILE)) {
        close(fd);
        *err = devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_EHOSTKEY, "%s is not a file of at most 64 MiB", path);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        /* /dev/null, a pipe: no key is known (an empty file), nothing to keep */
        close(fd);
        *missing = true;
        return NULL;
    }
    struct kh_file **slot = NULL;
    for (size_t i = 0; i < MAX_FILES; i++) {
        struct kh_file *f = files[i];
        if (f && !strcmp(f->path, path)) {
            if (f->dev == st.st_dev && f->ino == st.st_ino && f->size == st.st_size &&
                f->mtime.tv_sec == st.st_mtim.tv_sec && f->mtime.tv_nsec == st.st_mtim.tv_nsec) {
                close(fd);
                f->used = ++kh_clock;
                return f;
            }
            slot = &files[i];
            break;
        }
    }
    if (!slot) {
        for (size_t i = 0; i < MAX_FILES && !slot; i++) {
            if (!files[i]) {
                slot = &files[i];
            }
        }
    }
    if (!slot) {
        slot = &files[0];
        for (size_t i = 1; i < MAX_FILES; i++) {
            if (files[i]->used < (*slot)->used) {
                slot = &files[i];
            }
        }
    }
    char *text = malloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (text && got < (size_t)st.st_size) {
        ssize_t n = read(fd, text + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        got += (size_t)n;
    }
    close(fd);
    struct kh_file *f = text ? calloc(1, sizeof *f) : NULL;
    if (!f || !(f->path = devconf__strdup(path))) {
        free(text);
        file_free(f);
        *err = devconf__error_oom();
        return NULL;
    }
    text[got] = '\0';
    f->dev = st.st_dev;
    f->ino = st.st_ino;
    f->size = st.st_size;
    f->mtime = st.st_mtim;
    if ((*err = parse(f, text)) < 0) {
        free(text);
        file_free(f);
        return NULL;
    }
    free(text);
    file_free(*slot);
    *slot = f;
    f->used = ++kh_clock;
    return f;
}

static int add_key(devconf__kh_keys *out, const struct kh_line *l)
{
    if (out->n == out->cap) {
        size_t c = out->cap ? 2 * out->cap : 4;
        devconf__kh_key *g = realloc(out->keys, c * sizeof *g);
        if (!g) {
            return devconf__error_oom();
        }
        out->keys = g;
        out->cap = c;
    }
    devconf__kh_key *k = &out->keys[out->n];
    k->type = devconf__strdup(l->type);
    k->blob = devconf__strdup(l->blob);
    k->revoked = l->revoked;
    if (!k->type || !k->blob) {
        free(k->type);
        free(k->blob);
        return devconf__error_oom();
    }
    out->n++;
    return 0;
}

int devconf__kh_lookup(const char *path, const char *host, uint16_t port, devconf__kh_keys *out)
{
    memset(out, 0, sizeof *out);
    char name[300];
    if (port == 22) {
        snprintf(name, sizeof name, "%s", host);
    } else {
        snprintf(name, sizeof name, "[%s]:%u", host, (unsigned)port);
    }
    pthread_mutex_lock(&kh_lock);
    bool missing;
    int r;
    struct kh_file *f = load(path, &missing, &r);
    if (!f) {
        pthread_mutex_unlock(&kh_lock);
        return missing ? 0 : r;
    }
    r = 0;
    struct kh_name want = { name, 0 };
    struct kh_name *hit = f->nnames ? bsearch(&want, f->names, f->nnames, sizeof *f->names, cmp_name) : NULL;
    if (hit) {
        while (hit > f->names && !strcmp(hit[-1].name, name)) {
            hit--;
        }
        for (; r == 0 && hit < f->names + f->nnames && !strcmp(hit->name, name); hit++) {
            r = add_key(out, &f->lines[hit->line]);
        }
    }
    for (size_t i = 0; r == 0 && i < f->nlinear; i++) {
        const struct kh_line *l = &f->lines[f->linear[i]];
        /* a revoked key is refused for every host */
        if (l->revoked || line_matches(l, name)) {
            r = add_key(out, l);
        }
    }
    pthread_mutex_unlock(&kh_lock);
    if (r < 0) {
        devconf__kh_keys_dispose(out);
    }
    return r;
}

void devconf__kh_keys_dispose(devconf__kh_keys *k)
{
    for (size_t i = 0; i < k->n; i++) {
        free(k->keys[i].type);
        free(k->keys[i].blob);
    }
    free(k->keys);
    memset(k, 0, sizeof *k);
}

int devconf__kh_append(const char *path, const char *host, uint16_t port, const char *type, const char *blob)
{
    /* a directory made for it is private too (0700, as ssh makes ~/.ssh), whatever the umask */
    const char *slash = strrchr(path, '/');
    if (slash && slash != path) {
        char *dir = strndup(path, (size_t)(slash - path));
        struct stat st;
        if (dir && stat(dir, &st) != 0 && errno == ENOENT) {
            devconf__mkdir_p(dir, 0700); /* failing, the open below says why */
            devconf__error_clear();
        }
        free(dir);
    }
    /* created private; appended to with one write, as ssh does */
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
    if (fd < 0) {
        return devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_ERROR, "cannot open %s to record a host key: %s", path,
                                  strerror(errno));
    }
    char *line = NULL;
    int n = port == 22 ? asprintf(&line, "%s %s %s\n", host, type, blob)
                       : asprintf(&line, "[%s]:%u %s %s\n", host, (unsigned)port, type, blob);
    int r = 0;
    if (n < 0) {
        r = devconf__error_oom();
    } else if (write(fd, line, (size_t)n) != n) {
        r = devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_ERROR, "cannot record a host key in %s: %s", path,
                               strerror(errno));
    }
    free(line);
    close(fd);
    return r;
}

void devconf__kh_shutdown(void)
{
    pthread_mutex_lock(&kh_lock);
    for (size_t i = 0; i < MAX_FILES; i++) {
        file_free(files[i]);
        files[i] = NULL;
    }
    pthread_mutex_unlock(&kh_lock);
}
