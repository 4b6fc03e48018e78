/* Small helpers: string buffers, secrets, directories, clocks. */
#include "devconf_p.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static bool buf_reserve(devconf__buf *b, size_t extra)
{
    if (b->failed) {
        return false;
    }
    if (b->len + extra + 1 <= b->cap) {
        return true;
    }
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) {
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void devconf__buf_append(devconf__buf *b, const char *s, size_t n)
{
    if (!buf_reserve(b, n)) {
        return;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void devconf__buf_puts(devconf__buf *b, const char *s)
{
    devconf__buf_append(b, s, strlen(s));
}

void devconf__buf_printf(devconf__buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !buf_reserve(b, (size_t)n)) {
        b->failed = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void devconf__buf_xml_escape(devconf__buf *b, const char *s)
{
    for (const char *p = s; *p; p++) {
        switch (*p) {
        case '&': devconf__buf_puts(b, "&amp;"); break;
        case '<': devconf__buf_puts(b, "&lt;"); break;
        case '>': devconf__buf_puts(b, "&gt;"); break;
        case '"': devconf__buf_puts(b, "&quot;"); break;
        case '\'': devconf__buf_puts(b, "&apos;"); break;
        default: devconf__buf_append(b, p, 1); break;
        }
    }
}

char *devconf__buf_steal(devconf__buf *b)
{
    if (b->failed) {
        devconf__buf_dispose(b);
        devconf__error_oom();
        return NULL;
    }
    if (!b->data) {
        b->data = strdup("");
        if (!b->data) {
            devconf__error_oom();
            return NULL;
        }
    }
    char *s = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

void devconf__buf_dispose(devconf__buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = false;
}

char *devconf__strdup(const char *s)
{
    if (!s) {
        return NULL;
    }
    char *d = strdup(s);
    if (!d) {
        devconf__error_oom();
    }
    return d;
}

void devconf__secure_free(char *s)
{
    if (!s) {
        return;
    }
    size_t n = strlen(s);
    volatile char *p = s;
    while (n--) {
        *p++ = 0;
    }
    free(s);
}

const char *devconf__skip_ws(const char *s)
{
    while (s && *s && isspace((unsigned char)*s)) {
        s++;
    }
    return s;
}

int devconf__mkdir_p(const char *path, unsigned int mode)
{
    char *tmp = devconf__strdup(path);
    if (!tmp) {
        return DEVCONF_ENOMEM;
    }
    for (char *p = tmp + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(tmp, (mode_t)mode) != 0 && errno != EEXIST) {
                int err = errno;
                devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_ERROR, "cannot create directory '%s': %s", tmp,
                                   strerror(err));
                free(tmp);
                return DEVCONF_ERROR;
            }
            *p = c;
            if (!c) {
                break;
            }
        }
    }
    free(tmp);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        return devconf__error_set(DEVCONF_ORIGIN_OS, DEVCONF_ERROR, "'%s' is not a directory", path);
    }
    return 0;
}

int64_t devconf__now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

DEVCONF_API void devconf_free(void *ptr)
{
    free(ptr);
}

int devconf__opts_copy(void *dst, size_t dst_size, const void *src, const size_t *sizes, size_t nversions,
                       const char *name)
{
    if (!src) {
        return 0; /* NULL: the defaults already in dst */
    }
    unsigned int version = *(const unsigned int *)src;
    if (version == 0 || version > nversions) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "%s version %u is unknown to this library (it knows up to %zu): initialise the "
                                  "struct with its _INIT macro or _options_init()", name, version, nversions);
    }
    size_t n = sizes[version - 1];
    memcpy(dst, src, n < dst_size ? n : dst_size); /* an older caller's struct is shorter: only its part */
    return 0;
}

int devconf__opts_init(void *opts, const void *defaults, unsigned int version, const size_t *sizes, size_t nversions,
                       const char *name)
{
    if (!opts || version == 0 || version > nversions) {
        return devconf__error_set(DEVCONF_ORIGIN_NONE, DEVCONF_EINVAL,
                                  "%s_init: NULL options or unknown version %u (this library knows up to %zu)", name,
                                  version, nversions);
    }
    memcpy(opts, defaults, sizes[version - 1]);
    *(unsigned int *)opts = version;
    return 0;
}
