/* control.c: check.sh's control for the exercise, not part of it (do not edit).
 *
 * The same counting as counters.c, with nothing shared at all while the threads run:
 * each thread counts in a local variable and writes its result once at the end. Its
 * speedup from 1 thread to P is what P threads can give on this machine for this work
 * (whatever its cores, SMT siblings, turbo or memory); check.sh asks your version to
 * come close to it. Both are measured the same way, a moment apart, by `parlab time`. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define N 200000000L
#define MAXT 256

static long result[MAXT];
static int nthreads;

static void *count_local(void *arg)
{
    long id = (long)arg, lo = N / nthreads * id, hi = id == nthreads - 1 ? N : lo + N / nthreads, n = 0;
    for (long i = lo; i < hi; i++)
        if (i % 7 == 0)
            n++;
    result[id] = n;
    return NULL;
}

int main(int argc, char **argv)
{
    const char *w = getenv("PARLAB_WORKERS");
    pthread_t tid[MAXT];
    long total = 0;
    nthreads = argc > 1 ? atoi(argv[1]) : w ? atoi(w) : 2;
    if (nthreads < 1 || nthreads > MAXT)
        return 2;
    for (long i = 0; i < nthreads; i++)
        pthread_create(&tid[i], NULL, count_local, (void *)i);
    for (int i = 0; i < nthreads; i++)
        pthread_join(tid[i], NULL);
    for (int i = 0; i < nthreads; i++)
        total += result[i];
    printf("total %ld of %ld stride 0\n", total, N);
    return 0;
}
