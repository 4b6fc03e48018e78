/* lib/netconf/client.c over a device made of fuzz bytes: the hello exchange (the device's
 * <hello> read through libyang: capabilities, session-id, base:1.1 switching to chunked framing),
 * requests and the replies matched to them by message-id (notifications and late replies
 * skipped), rpc-error collection, the <data> of a reply as text, close-session. The framer and the
 * envelope scanner run here as they do on a live session, with a stream that hands the device's
 * bytes over in pieces of random size and ends (a timeout) when they are used up.
 *
 * Input: byte 0 chooses the reply size bound, bytes 1-2 seed the piece sizes, the rest is what the
 * device sends. Checked: every call ends (no loop on a stalled or exhausted stream), with 0 or an
 * error that has a message; a reply handed out is NUL-terminated and matches its message-id. */
#include "fuzz_common.h"

#include <string.h>

#include "netconf/netconf_p.h"

typedef struct fuzz_stream {
    devconf__nc_stream base;
    const char *data;
    size_t len, off;
    uint32_t seed;
    size_t reads;
} fuzz_stream;

static long fs_read(devconf__nc_stream *st, char *buf, size_t n, int64_t deadline, const devconf__cancel *cancel)
{
    (void)deadline;
    (void)cancel;
    fuzz_stream *fs = (fuzz_stream *)st;
    FUZZ_CHECK(++fs->reads < 1000000); /* a caller that never stops reading */
    if (fs->off == fs->len) {
        return 0; /* nothing more before the deadline */
    }
    size_t piece = 1 + (fuzz_rand(&fs->seed) % 512);
    if (piece > fs->len - fs->off) {
        piece = fs->len - fs->off;
    }
    if (piece > n) {
        piece = n;
    }
    memcpy(buf, fs->data + fs->off, piece);
    fs->off += piece;
    return (long)piece;
}

static int fs_write(devconf__nc_stream *st, const char *buf, size_t n, int64_t deadline, const devconf__cancel *cancel)
{
    (void)st;
    (void)deadline;
    (void)cancel;
    FUZZ_CHECK(buf && n > 0);
    return 0;
}

static bool fs_alive(const devconf__nc_stream *st)
{
    const fuzz_stream *fs = (const fuzz_stream *)st;
    return fs->off < fs->len;
}

static void fs_free(devconf__nc_stream *st)
{
    (void)st; /* on the harness's stack */
}

static const devconf__nc_stream_ops fs_ops = { fs_read, fs_write, fs_alive, fs_free };

static const uint64_t bounds[4] = { 64, 1024, 65536, 256u << 20 };

/* One request and what devconf does with its reply. */
static void call(devconf__ncc *c, const char *body, bool data_expected)
{
    char *reply = NULL;
    size_t len = 0;
    devconf__nc_env env;
    int r = devconf__ncc_call(c, body, "fuzz call", devconf__now_ms() + 60000, NULL, &reply, &len, &env);
    if (r < 0) {
        FUZZ_CHECK(!reply);
        FUZZ_CHECK(devconf_error_code(devconf_error_last()) == r);
        FUZZ_CHECK(*devconf_error_message(devconf_error_last()));
        devconf__error_clear();
        return;
    }
    FUZZ_CHECK(reply && reply[len] == '\0' && env.kind == DEVCONF_NC_MSG_REPLY && env.has_msgid);
    r = devconf__ncc_reply_status(NULL, "fuzz-device", "fuzz call", reply, len, &env, data_expected);
    if (r < 0) {
        FUZZ_CHECK(devconf_error_code(devconf_error_last()) == r);
        FUZZ_CHECK(*devconf_error_message(devconf_error_last()));
        const devconf_error *e = devconf_error_last();
        FUZZ_CHECK(devconf_error_rpc_error_count(e) <= DEVCONF_MAX_RPC_ERRORS);
    }
    devconf__error_clear();
    if (env.has_data) {
        size_t dlen = 0;
        char *content = devconf__nc_env_data(reply, &env, (uint64_t)1 << 24, &dlen);
        FUZZ_CHECK(content && content[dlen] == '\0');
        free(content);
        char *text = NULL;
        if (devconf__nc_reply_text(reply, &text) == 0) {
            FUZZ_CHECK(text);
        }
        free(text);
        devconf__error_clear();
    }
    devconf__nc_env_dispose(&env);
    free(reply);
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
    fuzz_stream fs = { { &fs_ops }, (const char *)in.p, 0, 0, 0, 0 };
    fs.seed = (uint32_t)fuzz_byte(&in) << 8 | fuzz_byte(&in);
    fs.data = (const char *)in.p;
    fs.len = in.n;
    devconf__ncc *c = NULL;
    int r = devconf__ncc_open(&c, NULL, &fs.base, "fuzz-device", bounds[cfg & 3], devconf__now_ms() + 60000, NULL);
    if (r < 0) {
        FUZZ_CHECK(!c && devconf_error_code(devconf_error_last()) == r);
        devconf__error_clear();
        return 0;
    }
    size_t ncaps = 0;
    const char *const *caps = devconf__ncc_caps(c, &ncaps);
    FUZZ_CHECK(ncaps >= 1 && devconf__ncc_session_id(c) != 0);
    for (size_t i = 0; i < ncaps; i++) {
        FUZZ_CHECK(caps[i] && *caps[i]);
    }
    call(c, "<get/>", true);
    call(c, "<get-config><source><running/></source></get-config>", true);
    call(c, "<lock><target><candidate/></target></lock>", false);
    devconf__ncc_close(c, devconf__now_ms() + 60000);
    devconf__error_clear();
    return 0;
}
