/* RFC 6242 framing, fed bytes by the caller; no I/O.
 *
 * End-of-message (base:1.0): a message ends with "]]>]]>".
 * Chunked (base:1.1):
 *     chunked-message = 1*chunk end-of-chunks
 *     chunk           = LF HASH chunk-size LF chunk-data
 *     chunk-size      = 1*DIGIT1 0*DIGIT     ; 1..4294967295
 *     end-of-chunks   = LF HASH HASH LF
 * Anything else is a framing error: the stream cannot be trusted any more. A message longer than
 * the bound is counted and dropped until its end, so the session can go on. */
#include "netconf/netconf_p.h"

#include <stdlib.h>
#include <string.h>

#define EOM "]]>]]>"
#define EOM_LEN 6
#define MAX_CHUNK 4294967295ull

enum { S_LF, S_HASH, S_SIZE_FIRST, S_SIZE, S_DATA, S_END_LF };

void devconf__framer_init(devconf__framer *f, uint64_t max)
{
    memset(f, 0, sizeof *f);
    f->max = max;
    f->state = S_LF;
}

void devconf__framer_dispose(devconf__framer *f)
{
    free(f->msg);
    f->msg = NULL;
    f->len = f->cap = 0;
}

static int append(devconf__framer *f, const char *data, size_t n)
{
    if (f->len + n + 1 > f->cap) {
        size_t cap = f->cap ? f->cap : 4096;
        while (cap < f->len + n + 1) {
            cap *= 2;
        }
        char *m = realloc(f->msg, cap);
        if (!m) {
            return devconf__error_oom();
        }
        f->msg = m;
        f->cap = cap;
    }
    memcpy(f->msg + f->len, data, n);
    f->len += n;
    f->msg[f->len] = '\0';
    return 0;
}

/* Keeps n bytes of the message, or counts them when it is already too long. */
static int keep(devconf__framer *f, const char *p, size_t n)
{
    f->total += n;
    if (f->too_big || f->total > f->max) {
        f->too_big = true;
        return 0;
    }
    return append(f, p, n);
}

static long framing_error(const char *what, unsigned char c)
{
    if (c >= 0x20 && c < 0x7f) {
        devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EPROTO, "NETCONF chunked framing broken: %s, got '%c'",
                           what, c);
    } else {
        devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EPROTO,
                           "NETCONF chunked framing broken: %s, got byte 0x%02x", what, c);
    }
    return -1;
}

static long feed_chunked(devconf__framer *f, const char *data, size_t n, bool *done)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)data[i];
        switch (f->state) {
        case S_LF:
            if (c != '\n') {
                return framing_error("expected a line feed before a chunk header", c);
            }
            f->state = S_HASH;
            i++;
            break;
        case S_HASH:
            if (c != '#') {
                return framing_error("expected '#' in a chunk header", c);
            }
            f->state = S_SIZE_FIRST;
            i++;
            break;
        case S_SIZE_FIRST:
            if (c == '#') {
                if (!f->chunks) {
                    return framing_error("end of chunks before any chunk", c);
                }
                f->state = S_END_LF;
            } else if (c >= '1' && c <= '9') {
                f->chunk_left = c - '0';
                f->digits = 1;
                f->state = S_SIZE;
            } else {
                return framing_error("a chunk size starts with a digit 1-9", c);
            }
            i++;
            break;
        case S_SIZE:
            if (c == '\n') {
                f->state = S_DATA;
                f->chunks++;
            } else if (c >= '0' && c <= '9') {
                if (++f->digits > 10) {
                    /* no size of 1..4294967295 has more digits: the line feed is missing */
                    devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EPROTO,
                                       "NETCONF chunked framing broken: a chunk header of more than 10 digits, "
                                       "without the line feed that ends it");
                    return -1;
                }
                f->chunk_left = f->chunk_left * 10 + (c - '0');
                if (f->chunk_left > MAX_CHUNK) {
                    devconf__error_set(DEVCONF_ORIGIN_NETCONF, DEVCONF_EPROTO,
                                       "NETCONF chunked framing broken: a chunk size above 4294967295");
                    return -1;
                }
            } else {
                return framing_error("a chunk size ends with a line feed", c);
            }
            i++;
            break;
        case S_DATA: {
            size_t take = n - i < f->chunk_left ? n - i : (size_t)f->chunk_left;
            if (keep(f, data + i, take) < 0) {
                return -1;
            }
            i += take;
            f->chunk_left -= take;
            if (!f->chunk_left) {
                f->state = S_LF;
            }
            break;
        }
        case S_END_LF:
            if (c != '\n') {
                return framing_error("expected a line feed after the end of chunks", c);
            }
            i++;
            f->state = S_LF;
            *done = true;
            return (long)i;
        }
    }
    return (long)i;
}

static long feed_eom(devconf__framer *f, const char *data, size_t n, bool *done)
{
    size_t before = f->len;
    if (append(f, data, n) < 0) {
        return -1;
    }
    /* the delimiter may straddle two feeds: look from EOM_LEN - 1 bytes back */
    size_t from = before >= EOM_LEN - 1 ? before - (EOM_LEN - 1) : 0;
    char *eom = memmem(f->msg + from, f->len - from, EOM, EOM_LEN);
    if (eom) {
        size_t at = (size_t)(eom - f->msg);
        /* bytes before the delimiter that were not counted yet (negative: it began in the kept tail) */
        f->total = (uint64_t)((int64_t)f->total + (int64_t)at - (int64_t)before);
        if (f->total > f->max) {
            f->too_big = true;
        }
        f->len = at;
        f->msg[at] = '\0';
        *done = true;
        return (long)(at + EOM_LEN - before);
    }
    f->total += n;
    /* the last bytes may be the start of the delimiter: they are not message bytes yet */
    size_t pending = 0;
    for (size_t k = EOM_LEN - 1; k > 0 && !pending; k--) {
        if (f->len >= k && !memcmp(f->msg + f->len - k, EOM, k)) {
            pending = k;
        }
    }
    if (f->total - pending > f->max) {
        f->too_big = true;
    }
    if (f->too_big && f->len > EOM_LEN - 1) {
        /* drop all but the bytes a delimiter could start in */
        memmove(f->msg, f->msg + f->len - (EOM_LEN - 1), EOM_LEN - 1);
        f->len = EOM_LEN - 1;
        f->msg[f->len] = '\0';
    }
    return (long)n;
}

long devconf__framer_feed(devconf__framer *f, const char *data, size_t n, bool *done)
{
    *done = false;
    return f->chunked ? feed_chunked(f, data, n, done) : feed_eom(f, data, n, done);
}

bool devconf__framer_partial(const devconf__framer *f, uint64_t *bytes)
{
    *bytes = f->total;
    if (f->chunked) {
        return f->state != S_LF || f->chunks || f->total;
    }
    if (f->too_big) {
        return true;
    }
    for (size_t i = 0; i < f->len; i++) {
        if (f->msg[i] != ' ' && f->msg[i] != '\t' && f->msg[i] != '\r' && f->msg[i] != '\n') {
            return true; /* white space between messages is no message */
        }
    }
    return false;
}

char *devconf__framer_take(devconf__framer *f, size_t *len)
{
    char *m = NULL;
    if (f->too_big) {
        *len = (size_t)f->total;
        free(f->msg);
    } else {
        if (!f->msg) {
            f->msg = calloc(1, 1); /* an empty message */
        }
        m = f->msg;
        *len = f->len;
        if (!m) {
            devconf__error_oom();
        }
    }
    f->msg = NULL;
    f->len = f->cap = 0;
    f->total = 0;
    f->too_big = false;
    f->chunks = 0;
    return m;
}

void devconf__framer_frame(devconf__buf *b, bool chunked, const char *msg, size_t len)
{
    if (!chunked) {
        devconf__buf_append(b, msg, len);
        devconf__buf_append(b, EOM, EOM_LEN);
        return;
    }
    if (len) {
        devconf__buf_printf(b, "\n#%zu\n", len);
        devconf__buf_append(b, msg, len);
    }
    devconf__buf_append(b, "\n##\n", 4);
}
