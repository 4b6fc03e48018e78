/* lib/netconf/envelope.c: the envelope of a NETCONF message (root kind, message-id, <ok/>,
 * <rpc-error>, <data> and the namespace declarations it inherits), read without a tree; nesting
 * bounded, no DTD.
 *
 * Input: one framed message as the framer hands it over (any bytes, NUL-terminated after len).
 * Checked: a scan that succeeds describes the message (offsets in bounds and ordered, declarations
 * inside the message and starting with "xmlns", a message-id of digits only); the <data> content
 * it cuts out is NUL-terminated, of the stated length, and is itself well-formed content (it scans
 * again inside a wrapper element); a scan that fails says why (DEVCONF_EPROTO). */
#include "fuzz_common.h"

#include <string.h>

#include "netconf/netconf_p.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* exactly len bytes and a NUL, as devconf__framer_take() returns them */
    char *msg = fuzz_cstr(data, size);
    devconf__nc_env env;
    int r = devconf__nc_env_scan(msg, size, &env);
    if (r < 0) {
        FUZZ_CHECK(r == DEVCONF_EPROTO && devconf_error_code(devconf_error_last()) == DEVCONF_EPROTO);
        FUZZ_CHECK(!env.ns && !env.ns_count);
        free(msg);
        devconf__error_clear();
        return 0;
    }
    FUZZ_CHECK(r == 0);
    FUZZ_CHECK(env.kind >= DEVCONF_NC_MSG_OTHER && env.kind <= DEVCONF_NC_MSG_NOTIFICATION);
    FUZZ_CHECK(env.data_start <= env.data_end && env.data_end <= size);
    FUZZ_CHECK(env.has_data || (!env.data_start && !env.data_end));
    if (env.has_msgid && !env.msgid_invalid) {
        size_t n = strlen(env.msgid);
        FUZZ_CHECK(n > 0 && n < sizeof env.msgid && strspn(env.msgid, "0123456789") == n);
    }
    for (size_t i = 0; i < env.ns_count; i++) {
        const devconf__nc_nsdecl *d = &env.ns[i];
        FUZZ_CHECK(d->attr >= msg && d->attr + d->attr_len <= msg + size);
        FUZZ_CHECK(d->attr_len >= 8 && !memcmp(d->attr, "xmlns", 5));
        FUZZ_CHECK(d->prefix >= d->attr && d->prefix + d->prefix_len <= d->attr + d->attr_len);
    }
    if (env.has_data) {
        size_t len = 0;
        char *content = devconf__nc_env_data(msg, &env, (uint64_t)1 << 24, &len);
        FUZZ_CHECK(content && content[len] == '\0');
        /* the content stands on its own: well-formed inside an element of its own */
        devconf__buf w = { 0 };
        devconf__buf_puts(&w, "<w>");
        devconf__buf_append(&w, content, len);
        devconf__buf_puts(&w, "</w>");
        FUZZ_CHECK(!w.failed);
        devconf__nc_env again;
        if (devconf__nc_env_scan(w.data, w.len, &again) < 0) {
            fprintf(stderr, "content not well-formed: %s\n--\n%.*s\n--\n",
                    devconf_error_message(devconf_error_last()), (int)len, content);
            FUZZ_CHECK(!"the <data> content scans again");
        }
        devconf__nc_env_dispose(&again);
        devconf__buf_dispose(&w);
        free(content);
    }
    devconf__nc_env_dispose(&env);
    free(msg);
    devconf__error_clear();
    return 0;
}
