#include "fuzz_common.h"

#include <string.h>

#include <devconf/devconf.h>
#include <libyang/libyang.h>

char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s) {
        abort();
    }
    if (size) {
        memcpy(s, data, size);
    }
    s[size] = '\0';
    return s;
}

uint8_t fuzz_byte(fuzz_in *in)
{
    if (!in->n) {
        return 0;
    }
    in->n--;
    return *in->p++;
}

uint32_t fuzz_rand(uint32_t *state)
{
    /* xorshift32; never 0 */
    uint32_t x = *state ? *state : 0x9e3779b9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

void fuzz_init(void)
{
    static bool done;
    if (!done) {
        if (devconf_init() < 1) {
            fprintf(stderr, "devconf_init failed\n");
            abort();
        }
        done = true;
    }
}

struct ly_ctx *fuzz_example_ctx(void)
{
    static struct ly_ctx *ly;
    if (!ly) {
        fuzz_init();
        if (ly_ctx_new(DEVCONF_FUZZ_YANG_DIR, LY_CTX_DISABLE_SEARCHDIR_CWD, &ly) != LY_SUCCESS ||
            !ly_ctx_load_module(ly, "devconf-example", NULL, NULL)) {
            fprintf(stderr, "cannot load devconf-example from %s\n", DEVCONF_FUZZ_YANG_DIR);
            abort();
        }
    }
    return ly;
}

bool fuzz_printable(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if ((*p < 0x20 && *p != '\t') || *p == 0x7f) {
            return false;
        }
        if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
            return false;
        }
    }
    return true;
}
