/* lib/restconf/notify.c devconf__sse_feed: the Server-Sent Events reader of RESTCONF event streams
 * (RFC 8040 6.3, W3C EventSource): lines ended by CR, LF or CRLF, a leading byte order mark,
 * comments, "data" fields joined into an event, a blank line dispatching it; a line plus the
 * event's data bounded by the session's max_reply_bytes.
 *
 * Input: byte 0 chooses the bound (small ones, so that it is reached, or 1 MiB), byte 1 seeds the
 * sizes of the pieces the stream is fed in (as curl's writes cut it); the rest is the stream.
 * Checked: the events and the verdict (stopped or not, and why) equal those of the whole stream
 * fed at once (a byte order mark or a CRLF split between two writes included); a feed returns all
 * or nothing; every event is NUL-terminated text of its length, within the bound, without a CR;
 * what the reader keeps between feeds stays within the bound. */
#include "fuzz_common.h"

#include <string.h>

#include "restconf/restconf_p.h"

typedef struct events {
    devconf__buf all; /* each event's length (8 bytes) then its text */
    size_t n;
    uint64_t limit;
} events;

static void on_event(void *arg, char *data, size_t len)
{
    events *e = arg;
    FUZZ_CHECK(data && data[len] == '\0' && strlen(data) == len);
    FUZZ_CHECK(len <= e->limit);
    FUZZ_CHECK(!memchr(data, '\r', len));
    uint64_t l = len;
    devconf__buf_append(&e->all, (const char *)&l, sizeof l);
    devconf__buf_append(&e->all, data, len);
    e->n++;
}

/* Feeds the stream in pieces (seed 0: at once); returns the reason it stopped, or NULL. */
static const char *run(const uint8_t *p, size_t n, uint64_t limit, uint32_t seed, events *e)
{
    devconf__sse sse = { 0 };
    sse.limit = limit;
    sse.on_event = on_event;
    sse.arg = e;
    e->limit = limit;
    const char *why = NULL;
    for (size_t i = 0; i < n;) {
        size_t piece = seed ? 1 + fuzz_rand(&seed) % 64 : n - i;
        if (piece > n - i) {
            piece = n - i;
        }
        size_t r = devconf__sse_feed(&sse, (const char *)p + i, piece);
        FUZZ_CHECK(r == piece || r == 0);
        if (r != piece) {
            why = sse.too_long;
            FUZZ_CHECK(why);
            break;
        }
        FUZZ_CHECK(!sse.too_long);
        /* what is kept stays within the bound (plus the piece read last) */
        FUZZ_CHECK(sse.line.len + sse.data.len <= limit + 1);
        i += piece;
    }
    devconf__sse_dispose(&sse);
    return why;
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
    uint32_t seed = fuzz_byte(&in) | 0x100u;
    uint64_t limit = cfg == 0xff ? 1u << 20 : (uint64_t)cfg;
    events whole = { 0 }, pieces = { 0 };
    const char *w = run(in.p, in.n, limit, 0, &whole);
    const char *p = run(in.p, in.n, limit, seed, &pieces);
    FUZZ_CHECK(!w == !p && (!w || !strcmp(w, p)));
    FUZZ_CHECK(whole.n == pieces.n && whole.all.len == pieces.all.len);
    FUZZ_CHECK(!whole.all.len || !memcmp(whole.all.data, pieces.all.data, whole.all.len));
    devconf__buf_dispose(&whole.all);
    devconf__buf_dispose(&pieces.all);
    return 0;
}
