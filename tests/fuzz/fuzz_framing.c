/* lib/netconf/framing.c: RFC 6242 end-of-message and chunked framing, the code that replaces
 * libnetconf2 2.0.24's (which crashed on the chunk headers #-1 and #0).
 *
 * Input: byte 0 chooses the framing (bit 0: chunked) and the size bound (bits 1-3); bytes 1-2 seed
 * the sizes of the pieces the stream is fed in (as reads from a socket cut it); the rest is what
 * the device sends. The framer's results are checked against a plain reference reading of the
 * whole stream (messages, sizes, too-big verdicts, where framing breaks), so they must not depend
 * on how the stream was cut; and on the way:
 *  - a feed consumes at least 1 and at most n bytes, all n unless a message ended in them;
 *  - a taken message is NUL-terminated, of the stated length, within the bound;
 *  - between feeds, never more than the bound (plus a delimiter's start in end-of-message
 *    framing) is kept, and only a delimiter's start once the message is known to be too big;
 *  - a message framed by devconf__framer_frame reads back as itself. */
#include "fuzz_common.h"

#include <string.h>

#include "netconf/netconf_p.h"

static const uint64_t bounds[8] = { 0, 1, 5, 6, 64, 1000, 4096, UINT64_MAX };

/* One message of the reference reading. */
typedef struct ref_msg {
    size_t off, len;   /* in the stream (end-of-message: contiguous; chunked: see data) */
    char *data;        /* the message bytes (malloc'ed) */
} ref_msg;

typedef struct ref {
    ref_msg *m;
    size_t n;
    bool error;        /* the framing broke (after the n messages) */
} ref;

static void ref_push(ref *r, const char *data, size_t len)
{
    r->m = realloc(r->m, (r->n + 1) * sizeof *r->m);
    FUZZ_CHECK(r->m);
    r->m[r->n].len = len;
    r->m[r->n].data = malloc(len + 1);
    FUZZ_CHECK(r->m[r->n].data);
    if (len) {
        memcpy(r->m[r->n].data, data, len);
    }
    r->n++;
}

static void ref_free(ref *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->m[i].data);
    }
    free(r->m);
}

/* End-of-message: messages end at "]]>]]>"; a tail without it is a message not complete yet. */
static void ref_eom(const char *s, size_t n, ref *r)
{
    size_t pos = 0;
    for (;;) {
        const char *d = memmem(s + pos, n - pos, "]]>]]>", 6);
        if (!d) {
            return;
        }
        ref_push(r, s + pos, (size_t)(d - (s + pos)));
        pos = (size_t)(d - s) + 6;
    }
}

/* Chunked: 1*(LF '#' size LF data) LF '#' '#' LF, size 1..4294967295 without leading zeros. */
static void ref_chunked(const char *s, size_t n, ref *r)
{
    size_t pos = 0;
    char *msg = NULL;
    size_t mlen = 0;
    unsigned chunks = 0;
    for (;;) {
        if (pos >= n) {
            break;
        }
        if (s[pos] != '\n') {
            r->error = true;
            break;
        }
        if (++pos >= n) {
            break;
        }
        if (s[pos] != '#') {
            r->error = true;
            break;
        }
        if (++pos >= n) {
            break;
        }
        if (s[pos] == '#') {
            if (!chunks) {
                r->error = true;
                break;
            }
            if (++pos >= n) {
                break;
            }
            if (s[pos] != '\n') {
                r->error = true;
                break;
            }
            pos++;
            ref_push(r, msg ? msg : "", mlen);
            free(msg);
            msg = NULL;
            mlen = 0;
            chunks = 0;
            continue;
        }
        if (s[pos] < '1' || s[pos] > '9') {
            r->error = true;
            break;
        }
        uint64_t size = 0;
        while (pos < n && s[pos] >= '0' && s[pos] <= '9') {
            size = size * 10 + (uint64_t)(s[pos] - '0');
            if (size > 4294967295ull) {
                r->error = true;
                break;
            }
            pos++;
        }
        if (r->error || pos >= n) {
            break;
        }
        if (s[pos] != '\n') {
            r->error = true;
            break;
        }
        pos++;
        chunks++;
        if (size > n - pos) {
            break; /* the stream ends inside the chunk */
        }
        msg = realloc(msg, mlen + (size_t)size + 1);
        FUZZ_CHECK(msg);
        memcpy(msg + mlen, s + pos, (size_t)size);
        mlen += (size_t)size;
        pos += (size_t)size;
    }
    free(msg);
}

/* A message framed by devconf reads back as itself (chunked: when not empty; end-of-message: when
 * the delimiter appears only at the end, which a message ending with "]]>" breaks too). */
static void roundtrip(bool chunked, const char *msg, size_t len)
{
    if (chunked && !len) {
        return;
    }
    devconf__buf b = { 0 };
    devconf__framer_frame(&b, chunked, msg, len);
    FUZZ_CHECK(!b.failed);
    if (!chunked && memmem(b.data, b.len - 1, "]]>]]>", 6)) {
        devconf__buf_dispose(&b);
        return;
    }
    devconf__framer f;
    devconf__framer_init(&f, UINT64_MAX);
    f.chunked = chunked;
    bool done = false;
    long used = devconf__framer_feed(&f, b.data, b.len, &done);
    FUZZ_CHECK(done && used == (long)b.len);
    size_t got_len = 0;
    char *got = devconf__framer_take(&f, &got_len);
    FUZZ_CHECK(got && got_len == len && (!len || !memcmp(got, msg, len)));
    free(got);
    devconf__framer_dispose(&f);
    devconf__buf_dispose(&b);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = { data, size };
    uint8_t cfg = fuzz_byte(&in);
    uint32_t seed = (uint32_t)fuzz_byte(&in) << 8 | fuzz_byte(&in);
    bool chunked = cfg & 1;
    uint64_t max = bounds[(cfg >> 1) & 7];
    const char *s = (const char *)in.p;
    size_t n = in.n;

    ref want = { 0 };
    (chunked ? ref_chunked : ref_eom)(s, n, &want);

    devconf__framer f;
    devconf__framer_init(&f, max);
    f.chunked = chunked;
    size_t off = 0, got = 0;
    bool error = false;
    while (off < n && !error) {
        /* a read of 1..64 bytes, or of everything left */
        uint32_t r = fuzz_rand(&seed);
        size_t piece = (r & 0x300) == 0x300 ? n - off : 1 + (r & 63);
        if (piece > n - off) {
            piece = n - off;
        }
        size_t end = off + piece;
        while (off < end) {
            bool done = false;
            long used = devconf__framer_feed(&f, s + off, end - off, &done);
            if (used < 0) {
                FUZZ_CHECK(devconf_error_code(devconf_error_last()) == DEVCONF_EPROTO);
                error = true;
                break;
            }
            FUZZ_CHECK(used >= 1 && (size_t)used <= end - off);
            FUZZ_CHECK(done || (size_t)used == end - off);
            off += (size_t)used;
            /* what is kept stays within the bound (end-of-message: plus a delimiter's start) */
            FUZZ_CHECK(f.len <= f.cap);
            if (done) {
                /* end-of-message: the last feed's bytes up to the delimiter, dropped by take */
            } else if (chunked) {
                FUZZ_CHECK(f.len <= max);
            } else if (f.too_big) {
                FUZZ_CHECK(f.len <= 5); /* only where a delimiter may start */
            } else {
                FUZZ_CHECK(max == UINT64_MAX || f.len <= max + 5);
            }
            if (done) {
                size_t len = 0;
                char *m = devconf__framer_take(&f, &len);
                FUZZ_CHECK(got < want.n);
                FUZZ_CHECK(len == want.m[got].len);
                if (len > max) {
                    FUZZ_CHECK(!m);
                } else {
                    FUZZ_CHECK(m && m[len] == '\0' && (!len || !memcmp(m, want.m[got].data, len)));
                    roundtrip(true, m, len);
                    roundtrip(false, m, len);
                }
                free(m);
                got++;
            }
        }
    }
    FUZZ_CHECK(error == want.error);
    FUZZ_CHECK(got == want.n);
    devconf__framer_dispose(&f);
    ref_free(&want);
    devconf__error_clear();
    return 0;
}
