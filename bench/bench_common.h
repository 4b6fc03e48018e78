/* Shared helpers of the C benchmark clients: a monotonic clock, memory figures from /proc, and
 * the one result line every client prints for bench/bench.py:
 *
 *     RESULT {"samples_us": [...], "key": number, ...}
 *
 * Anything else a client prints is a human's log. Benchmarks only: never linked into tests. */
#ifndef DEVCONF_BENCH_COMMON_H
#define DEVCONF_BENCH_COMMON_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double bench_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* A field of /proc/self/status in kB ("VmRSS", "VmHWM"), or -1. */
static inline long bench_status_kb(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) {
        return -1;
    }
    char line[256];
    long v = -1;
    size_t n = strlen(field);
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, field, n) && line[n] == ':') {
            v = strtol(line + n + 1, NULL, 10);
            break;
        }
    }
    fclose(f);
    return v;
}

/* Resets the peak RSS (VmHWM) to the current RSS (Linux: "5" to /proc/self/clear_refs).
 * Returns 0 when it worked. */
static inline int bench_reset_peak(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f) {
        return -1;
    }
    int ok = fputs("5", f) >= 0;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* Result line builder: bench_result_begin(); fields...; bench_result_end(). */
static int bench_result_first_;

static inline void bench_result_begin(void)
{
    fflush(stdout);
    printf("RESULT {");
    bench_result_first_ = 1;
}

static inline void bench_result_sep_(void)
{
    if (!bench_result_first_) {
        printf(", ");
    }
    bench_result_first_ = 0;
}

static inline void bench_result_num(const char *key, double v)
{
    bench_result_sep_();
    printf("\"%s\": %.3f", key, v);
}

static inline void bench_result_str(const char *key, const char *v)
{
    bench_result_sep_();
    printf("\"%s\": \"", key);
    for (const char *p = v; *p; p++) {
        if (*p == '"' || *p == '\\') {
            putchar('\\');
        }
        putchar((unsigned char)*p < 0x20 ? ' ' : *p);
    }
    putchar('"');
}

static inline void bench_result_samples(const char *key, const double *v, int n)
{
    bench_result_sep_();
    printf("\"%s\": [", key);
    for (int i = 0; i < n; i++) {
        printf("%s%.1f", i ? ", " : "", v[i]);
    }
    printf("]");
}

static inline void bench_result_end(void)
{
    printf("}\n");
    fflush(stdout);
}

static inline void bench_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bench: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

/* "--name value" option lookup in argv (after the mode). */
static inline const char *bench_opt(int argc, char **argv, const char *name, const char *dflt)
{
    for (int i = 1; i + 1 < argc; i++) {
        if (!strcmp(argv[i], name)) {
            return argv[i + 1];
        }
    }
    return dflt;
}

static inline int bench_opt_int(int argc, char **argv, const char *name, int dflt)
{
    const char *v = bench_opt(argc, argv, name, NULL);
    return v ? atoi(v) : dflt;
}

static inline int bench_flag(int argc, char **argv, const char *name)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], name)) {
            return 1;
        }
    }
    return 0;
}

/* Reusable barrier for the concurrency benchmark (pthread_barrier without its quirks). */
#include <pthread.h>
typedef struct {
    pthread_mutex_t m;
    pthread_cond_t c;
    int n, waiting, round;
} bench_barrier;

static inline void bench_barrier_init(bench_barrier *b, int n)
{
    pthread_mutex_init(&b->m, NULL);
    pthread_cond_init(&b->c, NULL);
    b->n = n;
    b->waiting = 0;
    b->round = 0;
}

static inline void bench_barrier_wait(bench_barrier *b)
{
    pthread_mutex_lock(&b->m);
    int round = b->round;
    if (++b->waiting == b->n) {
        b->waiting = 0;
        b->round++;
        pthread_cond_broadcast(&b->c);
    } else {
        while (round == b->round) {
            pthread_cond_wait(&b->c, &b->m);
        }
    }
    pthread_mutex_unlock(&b->m);
}

#endif
