/* Shared timing helpers of the C benchmarks. */
#ifndef DEVCONF_BENCH_COMMON_H
#define DEVCONF_BENCH_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double bench_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int bench_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Prints one result line: name, count, median, mean, p99 (microseconds), and the connect time. */
static inline void bench_report(const char *name, double *samples, int n, double connect_us)
{
    double sum = 0;
    for (int i = 0; i < n; i++) {
        sum += samples[i];
    }
    qsort(samples, (size_t)n, sizeof *samples, bench_cmp);
    printf("%-28s n=%d  median=%.1f us  mean=%.1f us  p99=%.1f us  connect=%.1f ms\n", name, n, samples[n / 2],
           sum / n, samples[(int)(n * 0.99)], connect_us / 1000.0);
}

#endif
