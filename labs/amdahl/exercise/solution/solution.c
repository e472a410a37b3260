/* Exercise: move Amdahl's ceiling.
 *
 * This program does two things to an array of N doubles:
 *   1. fills it (a[i] = a slow function of i) -- on ONE thread;
 *   2. sums a second slow function of every element -- on all threads (OpenMP).
 * Step 1 is the serial fraction. Run `sh check.sh` to time it with 1 and with all
 * usable CPUs and see the fitted serial fraction and the ceiling it implies.
 *
 * TODO 1: the fill loop has no dependency between iterations. Make it parallel
 *         (one line), rebuild with check.sh and watch the serial fraction fall.
 * TODO 2: predict first: with s = 0.45 measured before, what is the best speedup
 *         ANY number of cores could give? (1/s). Write your prediction down. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#define N 4000000

static double slow(double x)
{
    /* a few dozen floating-point operations: enough work per element */
    double y = x;
    for (int k = 0; k < 8; k++)
        y = sqrt(y * y + 1.0) + sin(y) * 1e-3;
    return y;
}

int main(void)
{
    double *a = malloc(sizeof(double) * N), sum = 0, t0, t1;
    if (!a)
        return 1;
    t0 = omp_get_wtime();

    /* Step 1: the fill, now parallel too: iterations are independent. */
#pragma omp parallel for
    for (long i = 0; i < N; i++)
        a[i] = slow((double)i);

    /* Step 2: the parallel part. */
#pragma omp parallel for reduction(+ : sum)
    for (long i = 0; i < N; i++)
        sum += slow(a[i]);

    t1 = omp_get_wtime();
    /* One CSV row: workers,seconds (and the sum, so nothing is optimised away). */
    printf("%d,%.6f,%.6e\n", omp_get_max_threads(), t1 - t0, sum);
    free(a);
    return 0;
}
