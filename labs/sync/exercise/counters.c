/* counters.c: the sync lab's exercise. Remove the false sharing.
 *
 * Each of P threads counts the multiples of 7 in its own slice of [0, N) into its OWN
 * counter, per-thread statistics as real programs keep them: atomic, so that a
 * monitoring thread could read them at any moment. No two threads touch the same
 * counter, so no lock is needed, and yet with the counters side by side the threads
 * slow each other down: the counters share one 64-byte cache line, and a core must
 * own the whole line to change any byte of it. Every atomic add pulls the line away
 * from the other core, as if the counter were shared: false sharing.
 *
 * The number of threads comes from PARLAB_WORKERS (what `parlab time` sets), or the
 * first argument, or 2. The last line printed is what check.sh reads.
 *
 * TODO 1: give every counter a cache line of its own (padding and/or _Alignas).
 *         The line is 64 bytes; pad to 128, because the neighbouring-line prefetcher
 *         of many x86 cores fetches lines in pairs.
 * TODO 2 (the other way, instead of TODO 1): count in a local variable inside
 *         count_mine() and add it to the counter once, after the loop (what an OpenMP
 *         reduction does). The monitor would then see the count only at the end.
 *
 * Build and check:  sh check.sh      (or: cc -O2 -pthread counters.c && ./a.out 2) */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#define N 200000000L
#define MAXT 256

struct counter {
    _Atomic long n;
    /* TODO 1: pad me */
};

static struct counter mine[MAXT];
static int nthreads;

static void *count_mine(void *arg)
{
    long id = (long)arg, lo = N / nthreads * id, hi = id == nthreads - 1 ? N : lo + N / nthreads;
    for (long i = lo; i < hi; i++)
        if (i % 7 == 0) /* TODO 2: or count locally, and add once after the loop */
            atomic_fetch_add_explicit(&mine[id].n, 1, memory_order_relaxed);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *w = getenv("PARLAB_WORKERS");
    pthread_t tid[MAXT];
    long total = 0;
    nthreads = argc > 1 ? atoi(argv[1]) : w ? atoi(w) : 2;
    if (nthreads < 1 || nthreads > MAXT) {
        fprintf(stderr, "counters: the thread count must be from 1 to %d\n", MAXT);
        return 2;
    }
    for (long i = 0; i < nthreads; i++)
        pthread_create(&tid[i], NULL, count_mine, (void *)i);
    for (int i = 0; i < nthreads; i++)
        pthread_join(tid[i], NULL);
    for (int i = 0; i < nthreads; i++)
        total += atomic_load(&mine[i].n);
    /* check.sh reads this line: the total, N, and how far apart two counters are */
    printf("total %ld of %ld stride %ld\n", total, N, (long)((char *)&mine[1] - (char *)&mine[0]));
    return 0;
}
