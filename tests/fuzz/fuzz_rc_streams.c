/* lib/restconf/notify.c devconf__rc_streams_parse: the event streams list of
 * ietf-restconf-monitoring (RFC 8040 9.2) a RESTCONF server sends, JSON or XML (by its first
 * character): whether the stream is listed, its replay support, the location of the wanted
 * encoding and the encodings offered.
 *
 * Input: byte 0 chooses the stream name (NETCONF or another) and the encoding wanted (xml, json);
 * the rest is the body. Checked: a location or encodings only for a stream found; the location is
 * one the server gave for the wanted encoding (its text is in the body). */
#include "fuzz_common.h"

#include <string.h>

#include "restconf/restconf_p.h"

static const char *const names[4] = { "NETCONF", "devconf-events", "", "a b" };
static const char *const wants[2] = { "xml", "json" };

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
    char *body = fuzz_cstr(in.p, in.n);
    devconf__rc_stream_info si = { 0 };
    devconf__rc_streams_parse(body, names[cfg & 3], wants[(cfg >> 2) & 1], &si);
    if (!si.found) {
        FUZZ_CHECK(!si.location && !si.encodings && !si.replay);
    }
    if (si.location) {
        FUZZ_CHECK(si.encodings);
    }
    free(si.location);
    free(si.encodings);
    free(body);
    devconf__error_clear();
    return 0;
}
