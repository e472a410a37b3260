/* primes.c: count the primes below one million with 4 threads.
 *
 * The numbers are cut into chunks of 10,000, and the threads share them out as they
 * go (dynamic scheduling): a thread that finishes its chunk early takes the next free
 * one, so no thread sits idle while another still has a long list. Each thread counts
 * the primes in its chunks and adds its count to the total under a lock.
 *
 * It prints the right answer most of the time. It has a bug anyway: find it with
 * ThreadSanitizer (see README.md), then fix it.
 *
 *   cc -O2 -pthread primes.c -o primes && ./primes
 *   cc -fsanitize=thread -g -O1 primes.c -o primes-tsan && ./primes-tsan
 *   sh check.sh primes */
#include <pthread.h>
#include <stdio.h>

#define LIMIT 1000000L /* count the primes in [0, LIMIT) */
#define CHUNK 10000L
#define NTHREADS 4

static long next_start;            /* the first number of the next chunk to hand out */
static long total;                 /* primes found so far, by all threads */
static pthread_mutex_t total_lock = PTHREAD_MUTEX_INITIALIZER;

static int is_prime(long n)
{
    if (n < 2)
        return 0;
    for (long d = 2; d * d <= n; d++)
        if (n % d == 0)
            return 0;
    return 1;
}

/* Hand out the next chunk: its first number, or LIMIT or more when none is left. */
static long take_chunk(void)
{
    long start = next_start;
    next_start = start + CHUNK;
    return start;
}

static void *counter(void *arg)
{
    (void)arg;
    for (;;) {
        long lo = take_chunk(), hi = lo + CHUNK < LIMIT ? lo + CHUNK : LIMIT, found = 0;
        if (lo >= LIMIT)
            return NULL;
        for (long n = lo; n < hi; n++)
            found += is_prime(n);
        pthread_mutex_lock(&total_lock);
        total += found;
        pthread_mutex_unlock(&total_lock);
    }
}

int main(void)
{
    pthread_t tid[NTHREADS];
    for (int i = 0; i < NTHREADS; i++)
        pthread_create(&tid[i], NULL, counter, NULL);
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(tid[i], NULL);
    printf("primes below %ld: %ld\n", LIMIT, total);
    return 0;
}
