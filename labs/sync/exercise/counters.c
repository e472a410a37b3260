/* counters.c: the sync lab's exercise. Remove the false sharing.
 *
 * Each thread counts the multiples of 7 in its own slice of [0, N) into its OWN counter.
 * No two threads touch the same counter, so no lock is needed, and yet with the
 * counters side by side the threads slow each other down: the counters share one
 * 64-byte cache line, and a core must own the whole line to write any byte of it.
 *
 * The program times the same work twice: once with a fixed, side-by-side layout (the
 * baseline, do not change it) and once with YOUR layout, struct counter below.
 *
 * TODO 1: give every counter a cache line of its own (padding and/or _Alignas).
 *         The line is 64 bytes; pad to 128, because the neighbouring-line prefetcher
 *         of many x86 cores fetches lines in pairs.
 * TODO 2 (other way, instead of TODO 1): count in a local variable inside count_mine()
 *         and write the counter once at the end (what an OpenMP reduction does).
 *
 * Build and check:  sh check.sh          (or: cc -O2 -pthread counters.c && ./a.out 2) */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define N 100000000L
#define MAXT 64

/* `volatile`: every ++ is a real load and store to memory, as it is in a bigger program
 * where the compiler cannot keep the counter in a register. */
struct counter {
    volatile long n;
    /* TODO 1: pad me */
};

static struct counter mine[MAXT];    /* your layout */
static volatile long baseline[MAXT]; /* side by side: 8 bytes apart, one line */
static int nthreads;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *count_baseline(void *arg)
{
    long id = (long)arg, lo = N / nthreads * id, hi = id == nthreads - 1 ? N : lo + N / nthreads;
    for (long i = lo; i < hi; i++)
        baseline[id] += i % 7 == 0;
    return NULL;
}

static void *count_mine(void *arg)
{
    long id = (long)arg, lo = N / nthreads * id, hi = id == nthreads - 1 ? N : lo + N / nthreads;
    for (long i = lo; i < hi; i++)
        mine[id].n += i % 7 == 0; /* TODO 2: or count locally, and store once after the loop */
    return NULL;
}

static double run(void *(*fn)(void *))
{
    pthread_t tid[MAXT];
    double t0 = now();
    for (long i = 0; i < nthreads; i++)
        pthread_create(&tid[i], NULL, fn, (void *)i);
    for (int i = 0; i < nthreads; i++)
        pthread_join(tid[i], NULL);
    return now() - t0;
}

int main(int argc, char **argv)
{
    long want = (N - 1) / 7 + 1, got_base = 0, got_mine = 0;
    double tb, tm;
    nthreads = argc > 1 ? atoi(argv[1]) : 2;
    if (nthreads < 1 || nthreads > MAXT) {
        fprintf(stderr, "counters: '%s' is not a thread count from 1 to %d\n", argv[1], MAXT);
        return 2;
    }
    tb = run(count_baseline);
    tm = run(count_mine);
    for (int i = 0; i < nthreads; i++) {
        got_base += baseline[i];
        got_mine += mine[i].n;
    }
    printf("threads %d\n", nthreads);
    printf("expected %ld\n", want);
    printf("baseline %.4f s total %ld\n", tb, got_base);
    printf("yours %.4f s total %ld\n", tm, got_mine);
    printf("stride %ld bytes\n", (long)((char *)&mine[1] - (char *)&mine[0]));
    printf("gain %.2fx\n", tb / tm);
    return 0;
}
