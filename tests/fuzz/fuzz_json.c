/* lib/json.c: the schema-less JSON reader (RESTCONF errors, yang-patch-status, the RESTCONF root,
 * restconf-state capabilities).
 *
 * Input: byte 0 chooses the array cap of devconf__json_parse_limited (0: none); the rest is the
 * text. Checked: nesting deeper than 64 is refused, never a crash; an error has a reason; a parsed
 * value keeps at most the cap of elements per array (the others counted in dropped); its compact
 * print parses again to the same print (print is a fixed point). */
#include "fuzz_common.h"

#include <string.h>

#include "devconf_p.h"

static void check_tree(const devconf__json *j, size_t cap, int depth)
{
    FUZZ_CHECK(depth <= 65);
    size_t n = 0;
    for (const devconf__json *c = j->child; c; c = c->next) {
        FUZZ_CHECK(j->type == DEVCONF_JSON_OBJECT || j->type == DEVCONF_JSON_ARRAY);
        FUZZ_CHECK((j->type == DEVCONF_JSON_OBJECT) == (c->key != NULL));
        check_tree(c, cap, depth + 1);
        n++;
    }
    FUZZ_CHECK(n == j->count);
    FUZZ_CHECK(!j->dropped || (j->type == DEVCONF_JSON_ARRAY && cap && j->count == cap));
    FUZZ_CHECK((j->type == DEVCONF_JSON_STRING || j->type == DEVCONF_JSON_NUMBER) == (j->str != NULL));
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
    size_t cap = fuzz_byte(&in) % 8;
    char *text = fuzz_cstr(in.p, in.n);
    char err[128];
    devconf__json *j = NULL;
    int r = devconf__json_parse_limited(text, cap, &j, err, sizeof err);
    if (r < 0) {
        FUZZ_CHECK(!j && err[0]);
    } else {
        FUZZ_CHECK(j);
        check_tree(j, cap, 0);
        /* lookups a caller makes */
        (void)devconf__json_str(j, "error-tag");
        (void)devconf__json_get(devconf__json_get(j, "ietf-restconf:errors"), "error");
        char *p1 = devconf__json_print(j);
        FUZZ_CHECK(p1);
        devconf__json *j2 = NULL;
        if (devconf__json_parse(p1, &j2, err, sizeof err) < 0) {
            fprintf(stderr, "the print does not parse again (%s): %s\n", err, p1);
            FUZZ_CHECK(!"print parses again");
        }
        char *p2 = devconf__json_print(j2);
        FUZZ_CHECK(p2);
        if (strcmp(p1, p2)) {
            fprintf(stderr, "print is not a fixed point:\n%s\n%s\n", p1, p2);
            FUZZ_CHECK(!"print is a fixed point");
        }
        free(p1);
        free(p2);
        devconf__json_free(j2);
        devconf__json_free(j);
    }
    free(text);
    devconf__error_clear();
    return 0;
}
