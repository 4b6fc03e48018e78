/* Shared by the libFuzzer harnesses of tests/fuzz/: the entry points' prototypes, an invariant
 * check that aborts (libFuzzer then keeps the input as a crash), a byte reader for the few choices
 * a harness takes from its input, and the fakes that let code meant for a live session run on
 * bytes alone (a RESTCONF session state without curl, a schema context of the project's module). */
#ifndef DEVCONF_FUZZ_COMMON_H
#define DEVCONF_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* An invariant of the code under test: a failure is a finding, kept by libFuzzer as a crash. */
#define FUZZ_CHECK(cond)                                                                          \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            fprintf(stderr, "fuzz invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);    \
            abort();                                                                              \
        }                                                                                         \
    } while (0)

/* The input as a NUL-terminated string (malloc'ed; what devconf gets from a reply buffer). */
char *fuzz_cstr(const uint8_t *data, size_t size);

/* Takes choices from the front of the input; past its end every choice is 0. */
typedef struct fuzz_in {
    const uint8_t *p;
    size_t n;
} fuzz_in;
uint8_t fuzz_byte(fuzz_in *in);

/* A small deterministic generator (piece sizes), seeded from the input. */
uint32_t fuzz_rand(uint32_t *state);

/* devconf_init() once, and every devconf/libyang message kept quiet (no ctx on the thread). */
void fuzz_init(void);

struct ly_ctx;
/* A libyang context with yang-models/devconf-example.yang loaded and compiled (created once). */
struct ly_ctx *fuzz_example_ctx(void);

/* The error of the thread's last devconf call carries no raw control character (C0 but tab, DEL,
 * C1 as UTF-8): device text never reaches a terminal unescaped. */
bool fuzz_printable(const char *s);

#endif
