/* io_server.c: a tiny "server" that handles NREQ requests. Each request waits WAIT_MS
 * for a slow back end (a database, a disk, another server: here nanosleep), then
 * computes a small answer. Handled one after another, that takes NREQ * WAIT_MS.
 *
 * The solution: handle_all() on `nthreads` POSIX threads, so the waits overlap.
 * Check it:   sh ../check.sh io_server.c
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define NREQ 64
#define WAIT_MS 5

static long answer[NREQ];
static int times_handled[NREQ]; /* the check uses this: each must end at 1 */

/* One request: wait for the back end, then answer. Do not change this function. */
static void handle(int i)
{
    struct timespec ts = {0, WAIT_MS * 1000000L};
    nanosleep(&ts, NULL);
    answer[i] = (long)i * i;
    times_handled[i]++;
}

/* Thread t of n takes requests t, t + n, t + 2n, ...: no two threads ever touch the
 * same answer[i], so no lock is needed. */
struct share {
    int t, n;
};

static void *worker(void *p)
{
    struct share *s = p;
    for (int i = s->t; i < NREQ; i += s->n)
        handle(i);
    return NULL;
}

/* Handle all NREQ requests with nthreads threads. */
static void handle_all(int nthreads)
{
    pthread_t tid[NREQ];
    struct share sh[NREQ];
    for (int t = 0; t < nthreads; t++) {
        sh[t] = (struct share){t, nthreads};
        if (pthread_create(&tid[t], NULL, worker, &sh[t]) != 0) {
            perror("pthread_create");
            exit(1);
        }
    }
    for (int t = 0; t < nthreads; t++)
        pthread_join(tid[t], NULL);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    /* The thread count: the first argument, else PARLAB_WORKERS (check.sh runs this
     * program through `parlab time`, which sets it), else 8. */
    const char *env = getenv("PARLAB_WORKERS");
    int nthreads = argc > 1 ? atoi(argv[1]) : env && *env ? atoi(env) : 8, once = 0;
    long sum = 0;
    double t0, t;

    if (nthreads < 1 || nthreads > NREQ) {
        fprintf(stderr, "io_server: threads must be 1 to %d\n", NREQ);
        return 2;
    }
    t0 = now();
    handle_all(nthreads);
    t = now() - t0;
    for (int i = 0; i < NREQ; i++) {
        sum += answer[i];
        once += times_handled[i] == 1;
    }
    printf("requests=%d handled_once=%d checksum=%ld threads=%d seconds=%.4f\n", NREQ, once, sum,
           nthreads, t);
    return 0;
}
