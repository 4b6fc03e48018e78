/* The on-disk schema cache: one directory checked for its owner and mode, module texts stored by
 * content (NAME@REV~SHA256.yang, verified against their name on every read), one record a device
 * (what it announced last and what that resolved to), every write through mkstemp and rename, no
 * symbolic link followed, every name built from validated YANG identifiers and dates only.
 *
 * Layout under the cache directory (older layouts beside it are ignored, never read):
 *   v2/modules/NAME@REV~HASH.yang   module and submodule texts
 *   v2/devices/HASH.dev             device records (HASH: SHA-256 of the device's identity)
 * libyang never searches the cache: the schema layer hands it texts itself, so the cache's size
 * costs nothing per connect. */
#include "yang/yang_p.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool devconf__yang_valid_name(const char *s)
{
    if (!s || !((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_')) {
        return false;
    }
    size_t n = 0;
    for (; *s; s++, n++) {
        char c = *s;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
              c == '.')) {
            return false;
        }
    }
    return n <= 255;
}

bool devconf__yang_valid_revision(const char *s)
{
    if (!s || strlen(s) != 10) {
        return false;
    }
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-') {
                return false;
            }
        } else if (s[i] < '0' || s[i] > '9') {
            return false;
        }
    }
    return true;
}

static bool valid_hash(const char *h)
{
    if (strlen(h) != 64) {
        return false;
    }
    for (; *h; h++) {
        if (!((*h >= '0' && *h <= '9') || (*h >= 'a' && *h <= 'f'))) {
            return false;
        }
    }
    return true;
}

/* Creates the missing components of path with mode 0700 (never following a symbolic link for
 * the last one: mkdir does not). */
static int mkdirs(const char *path)
{
    char *p = devconf__strdup(path);
    if (!p) {
        return DEVCONF_ENOMEM;
    }
    for (char *q = p + 1; *q; q++) {
        if (*q == '/') {
            *q = '\0';
            if (mkdir(p, 0700) != 0 && errno != EEXIST) {
                int e = errno;
                free(p);
                return devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_ERROR, "cannot create directory %s: %s", path,
                                          strerror(e));
            }
            *q = '/';
        }
    }
    int r = 0;
    if (mkdir(p, 0700) != 0 && errno != EEXIST) {
        r = devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_ERROR, "cannot create directory %s: %s", path,
                               strerror(errno));
    }
    free(p);
    return r;
}

int devconf__cache_check_dir(const char *dir)
{
    struct stat st;
    if (lstat(dir, &st) != 0) {
        if (errno != ENOENT) {
            return devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_ERROR, "schema cache directory %s: %s", dir,
                                      strerror(errno));
        }
        int r = mkdirs(dir);
        if (r < 0) {
            return r;
        }
        if (lstat(dir, &st) != 0) {
            return devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_ERROR, "schema cache directory %s: %s", dir,
                                      strerror(errno));
        }
    }
    if (S_ISLNK(st.st_mode)) {
        return devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_EINVAL,
                                  "schema cache directory %s is a symbolic link: refusing it (give the real "
                                  "directory with devconf_ctx_set_cache_dir)", dir);
    }
    if (!S_ISDIR(st.st_mode)) {
        return devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_EINVAL, "schema cache %s is not a directory", dir);
    }
    if (st.st_uid != geteuid()) {
        return devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_EINVAL,
                                  "schema cache directory %s belongs to uid %ld, not to this user (uid %ld): "
                                  "another user could plant schemas in it; choose another directory",
                                  dir, (long)st.st_uid, (long)geteuid());
    }
    if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        return devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_EINVAL,
                                  "schema cache directory %s is writable by %s (mode %04o): others could plant "
                                  "schemas in it; make it private (chmod 700) or choose another directory", dir,
                                  (st.st_mode & S_IWOTH) ? "everyone" : "its group", (unsigned)(st.st_mode & 07777));
    }
    return 0;
}

int devconf__cache_write(const char *dir, const char *name, const char *data, size_t len)
{
    char *tmp = NULL, *path = NULL;
    if (asprintf(&tmp, "%s/.tmp-XXXXXX", dir) < 0 || asprintf(&path, "%s/%s", dir, name) < 0) {
        free(tmp);
        return devconf__error_oom();
    }
    int fd = mkstemp(tmp); /* O_EXCL: never an existing file or a link */
    if (fd < 0) {
        int r = devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_ERROR, "cannot write into the schema cache %s: %s",
                                   dir, strerror(errno));
        free(tmp);
        free(path);
        return r;
    }
    int r = 0;
    if (fchmod(fd, 0600) != 0) {
        r = -1;
    }
    for (size_t off = 0; r == 0 && off < len;) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            r = -1;
            break;
        }
        off += (size_t)n;
    }
    if (close(fd) != 0) {
        r = -1;
    }
    if (r == 0 && rename(tmp, path) != 0) {
        r = -1;
    }
    if (r < 0) {
        r = devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_ERROR, "cannot write %s into the schema cache: %s", name,
                               strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    free(path);
    return r;
}

bool devconf__cache_has(const char *dir, const char *name, size_t len)
{
    char *path = NULL;
    if (asprintf(&path, "%s/%s", dir, name) < 0) {
        return false;
    }
    struct stat st;
    bool has = lstat(path, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == len;
    free(path);
    return has;
}

int devconf__cache_read(const char *dir, const char *name, size_t max, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    char *path = NULL;
    if (asprintf(&path, "%s/%s", dir, name) < 0) {
        return devconf__error_oom();
    }
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        free(path);
        if (e == ENOENT || e == ELOOP) {
            return 1;
        }
        return devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_ERROR, "cannot read %s from the schema cache: %s", name,
                                  strerror(e));
    }
    free(path);
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
        close(fd);
        return 1; /* not a file we wrote: ignored */
    }
    char *buf = malloc((size_t)st.st_size + 1);
    if (!buf) {
        close(fd);
        return devconf__error_oom();
    }
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        got += (size_t)n;
    }
    close(fd);
    buf[got] = '\0';
    *out = buf;
    *len = got;
    return 0;
}

int devconf__cache_module_name(char *buf, size_t size, const char *name, const char *rev, const char *hash)
{
    if (!devconf__yang_valid_name(name) || (rev && !devconf__yang_valid_revision(rev)) || !valid_hash(hash)) {
        return devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EPROTO,
                                  "refusing a module name or revision that is not a YANG identifier or date: "
                                  "'%.64s%s%.16s'", name ? name : "", rev ? "@" : "", rev ? rev : "");
    }
    int n = snprintf(buf, size, "%s%s%s~%s.yang", name, rev ? "@" : "", rev ? rev : "", hash);
    return n > 0 && (size_t)n < size ? 0 : devconf__error_set(DEVCONF_ORIGIN_YANG, DEVCONF_EINVAL, "module name too long");
}

/* ---- device records ---- */

#define RECORD_MAGIC "devconf-device-record 1"
#define RECORD_MAX (4u * 1024 * 1024)

static char *record_name(const char *device)
{
    char hex[65];
    devconf__sha256_text(device, strlen(device), hex);
    char *name = NULL;
    if (asprintf(&name, "%.40s.dev", hex) < 0) {
        devconf__error_oom();
        return NULL;
    }
    return name;
}

static int split_list(char *field, devconf__modinfo *m, bool features)
{
    if (!strcmp(field, "-")) {
        return 0;
    }
    for (char *save = NULL, *tok = strtok_r(field, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (!devconf__yang_valid_name(tok)) {
            return -1;
        }
        int r = features ? devconf__modinfo_add_feature(m, tok) : devconf__modinfo_add_deviation(m, tok);
        if (r < 0) {
            return r;
        }
    }
    return 0;
}

int devconf__device_record_read(const char *cache_root, const char *device, devconf__device_record *out)
{
    memset(out, 0, sizeof *out);
    char *name = record_name(device), *dir = NULL;
    if (!name || asprintf(&dir, "%s/devices", cache_root) < 0) {
        free(name);
        return devconf__error_oom();
    }
    char *text = NULL;
    size_t len = 0;
    int r = devconf__cache_read(dir, name, RECORD_MAX, &text, &len);
    free(name);
    free(dir);
    if (r != 0) {
        if (r < 0) {
            devconf__error_clear(); /* an unreadable record is only a cold connect */
        }
        return 1;
    }
    bool ok = strlen(text) == len; /* no NUL inside */
    int line_no = 0;
    char *save = NULL;
    for (char *line = ok ? strtok_r(text, "\n", &save) : NULL; ok && line; line = strtok_r(NULL, "\n", &save)) {
        line_no++;
        if (line_no == 1) {
            ok = !strcmp(line, RECORD_MAGIC);
            continue;
        }
        char *f[8] = { 0 };
        int n = 0;
        char *fsave = NULL;
        for (char *tok = strtok_r(line, " ", &fsave); tok; tok = strtok_r(NULL, " ", &fsave)) {
            if (n == 8) {
                n++;
                break;
            }
            f[n++] = tok;
        }
        if (n == 2 && !strcmp(f[0], "announce") && valid_hash(f[1])) {
            memcpy(out->fingerprint, f[1], 65);
        } else if (n == 2 && !strcmp(f[0], "key") && valid_hash(f[1])) {
            memcpy(out->key, f[1], 65);
        } else if (n == 7 && !strcmp(f[0], "mod") && (f[3][0] == 'i' || f[3][0] == 'm' || f[3][0] == 's') &&
                   !f[3][1] && valid_hash(f[4])) {
            const char *rev = strcmp(f[2], "-") ? f[2] : NULL;
            if (!devconf__yang_valid_name(f[1]) || (rev && !devconf__yang_valid_revision(rev))) {
                ok = false;
                break;
            }
            devconf__modinfo *m = devconf__modset_add(&out->mods, f[1], rev);
            if (!m) {
                ok = false;
                break;
            }
            m->implemented = f[3][0] == 'i';
            m->submodule = f[3][0] == 's';
            memcpy(m->hash, f[4], 65);
            if (split_list(f[5], m, true) < 0 || split_list(f[6], m, false) < 0) {
                ok = false;
            }
        } else {
            ok = false;
        }
    }
    free(text);
    devconf__error_clear();
    if (!ok || !out->fingerprint[0] || !out->key[0] || !out->mods.n) {
        devconf__device_record_dispose(out);
        return 1;
    }
    return 0;
}

static void join(devconf__buf *b, char **items, size_t n)
{
    if (!n) {
        devconf__buf_puts(b, "-");
    }
    for (size_t i = 0; i < n; i++) {
        devconf__buf_printf(b, "%s%s", i ? "," : "", items[i]);
    }
}

int devconf__device_record_write(const char *cache_root, const char *device, const devconf__device_record *rec)
{
    devconf__buf b = { 0 };
    devconf__buf_printf(&b, RECORD_MAGIC "\nannounce %s\nkey %s\n", rec->fingerprint, rec->key);
    for (size_t i = 0; i < rec->mods.n; i++) {
        const devconf__modinfo *m = &rec->mods.m[i];
        if (!m->hash[0]) {
            continue; /* built into libyang */
        }
        devconf__buf_printf(&b, "mod %s %s %c %s ", m->name, m->revision ? m->revision : "-",
                            m->submodule ? 's' : m->implemented ? 'i' : 'm', m->hash);
        join(&b, m->features, m->nfeatures);
        devconf__buf_puts(&b, " ");
        join(&b, m->deviations, m->ndeviations);
        devconf__buf_puts(&b, "\n");
    }
    char *name = record_name(device), *dir = NULL;
    if (b.failed || !name || asprintf(&dir, "%s/devices", cache_root) < 0) {
        devconf__buf_dispose(&b);
        free(name);
        return devconf__error_oom();
    }
    int r = devconf__cache_check_dir(dir);
    if (r == 0) {
        r = devconf__cache_write(dir, name, b.data, b.len);
    }
    devconf__buf_dispose(&b);
    free(name);
    free(dir);
    return r;
}

void devconf__device_record_dispose(devconf__device_record *r)
{
    devconf__modset_dispose(&r->mods);
    memset(r, 0, sizeof *r);
}
