/* Exercise: where does memory bandwidth stop the speedup?
 *
 * The STREAM triad, a[i] = b[i] + q * c[i], over three arrays of 128 MiB each: far more
 * than any cache, so every byte comes from memory. The program runs it 10 times with
 * OMP_NUM_THREADS threads and prints one line:
 *     threads seconds GB/s checksum
 * (STREAM counts 24 bytes an element: two reads and one write of a double).
 *
 * TODO 1: the triad loop runs on one thread whatever OMP_NUM_THREADS says. Make it
 *         parallel (one line). check_stream.sh then sees every thread busy.
 * TODO 2: the arrays are filled by one thread. On a machine with several memory
 *         nodes (most servers), the pages then all live on that thread's node, and
 *         every other thread reads across the machine. Fill them in parallel, with the
 *         same schedule as the triad, so each thread first touches what it will use.
 * TODO 3: before you run the check, write in prediction.txt (beside this file) the
 *         speedup you expect with every usable CPU against one thread, e.g. `1.7`.
 *         Compute-bound work would give about the number of CPUs. Will this? */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#define N (16L * 1024 * 1024) /* 16 Mi doubles: 128 MiB an array */
#define RUNS 10

int main(void)
{
    double *a = malloc(sizeof(double) * N), *b = malloc(sizeof(double) * N);
    double *c = malloc(sizeof(double) * N), q = 3.0, sum = 0, t0, t;
    if (!a || !b || !c)
        return 1;

    /* Fill the arrays (TODO 2: in parallel). */
    for (long i = 0; i < N; i++) {
        a[i] = 0.0;
        b[i] = 1.0;
        c[i] = 2.0;
    }

    t0 = omp_get_wtime();
    for (int r = 0; r < RUNS; r++) {
        /* The triad (TODO 1: in parallel). */
        for (long i = 0; i < N; i++)
            a[i] = b[i] + q * c[i];
    }
    t = omp_get_wtime() - t0;

    for (long i = 0; i < N; i += 4096)
        sum += a[i];
    printf("%d %.6f %.3f %.1f\n", omp_get_max_threads(), t, 24.0 * N * RUNS / t / 1e9, sum);
    free(a), free(b), free(c);
    return 0;
}
