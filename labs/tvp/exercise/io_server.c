/* io_server.c: a tiny "server" that handles NREQ requests. Each request waits WAIT_MS
 * for a slow back end (a database, a disk, another server: here nanosleep), then
 * computes a small answer. Handled one after another, that takes NREQ * WAIT_MS.
 *
 * Your task (see README.md): make handle_all() use `nthreads` POSIX threads so the
 * waits overlap. Every request must be handled exactly once, and its answer stored.
 * Build and check:   sh check.sh          (or: cc -O2 -pthread io_server.c -o io_server)
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

/* TODO: a thread function. Which requests should thread t of n take? (Hint: give each
 * thread its own requests, for example i = t, t + n, t + 2n, ...; then no two threads
 * ever touch the same answer[i] and no lock is needed.) */

/* Handle all NREQ requests with nthreads threads. */
static void handle_all(int nthreads)
{
    (void)nthreads;
    /* TODO: start nthreads threads with pthread_create, each handling its share,
     * then wait for all of them with pthread_join. This starter does it on one thread. */
    for (int i = 0; i < NREQ; i++)
        handle(i);
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
