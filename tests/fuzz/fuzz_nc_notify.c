/* lib/netconf/notify.c: what NETCONF notifications code reads from the device schema-less:
 * devconf__nc_sn_read, the RFC 8639 routing of each notification message (the subscription id of
 * an ietf-subscribed-notifications state notification, its name and reason), and
 * devconf__nc_stream_replays_parse, the RFC 5277 stream list (/netconf/streams/stream/replaySupport)
 * of a <get> reply.
 *
 * Input: byte 0 chooses the reader (bit 0) and the stream name asked for (bits 1-2); the rest is
 * the message or the reply's data. Checked: an id is -1 or an unsigned 32-bit number, and only with
 * a notification name; replay support is 0 or 1. */
#include "fuzz_common.h"

#include <string.h>

#include <libyang/libyang.h>

#include "netconf/netconf_p.h"

static const char *const streams[4] = { "NETCONF", "devconf-events", "", "a<b" };

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
    char *text = fuzz_cstr(in.p, in.n);
    if (cfg & 1) {
        int yes = devconf__nc_stream_replays_parse(text, streams[(cfg >> 1) & 3]);
        FUZZ_CHECK(yes == 0 || yes == 1);
    } else {
        int64_t id = -2;
        const char *name = NULL, *reason = NULL;
        struct lyd_node *tree = devconf__nc_sn_read(text, &id, &name, &reason);
        FUZZ_CHECK(id >= -1 && id <= (int64_t)UINT32_MAX);
        FUZZ_CHECK(name);
        if (id >= 0) {
            FUZZ_CHECK(tree && *name);
        }
        if (reason) {
            FUZZ_CHECK(tree);
            (void)strlen(reason);
        }
        lyd_free_all(tree);
    }
    free(text);
    devconf__error_clear();
    return 0;
}
