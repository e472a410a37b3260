/* pool.h: parlab's own thread pool and process pool, small enough to read, fast enough
 * to compare with libgomp (see labs/pool: what a task costs, and when a pool pays).
 *
 * The thread pool (struct pool) is a work queue: a ring of (function, argument) slots
 * that submitters fill and the worker threads drain (Vyukov's bounded queue, with no
 * lock on either side).
 *   - Submitting one task is one compare-and-swap on the ring's tail (a cache line only
 *     submitters write), two stores into the slot and its publication: no lock, no
 *     allocation, and no system call unless a worker sleeps. A batch claims all its
 *     slots with one compare-and-swap and publishes them at once.
 *   - Workers take tasks in chunks (a share of what is queued, "guided"), so a burst
 *     of tiny tasks costs one atomic operation per chunk, not per task. A worker
 *     waiting for work reads the next slot, never the submitters' tail, so a stream of
 *     single submits does not bounce the tail's cache line between cores.
 *   - An idle worker spins briefly before it sleeps on a condition variable, so a
 *     steady stream of tasks never pays for a wake-up (the amortisation libgomp does);
 *     a submitter wakes a worker only when one sleeps.
 *   - The thread that waits (pool_wait) runs tasks too, as OpenMP's master thread
 *     does: a pool of W - 1 threads plus the waiter keeps W CPUs busy.
 * No task is ever lost: pool_destroy runs every task still queued before it returns.
 *
 * The process pool (struct ppool) forks its workers once and feeds them chunks of
 * tasks over one socket pair each. Results come back in submission order. A worker
 * that dies (a signal, exit) is seen as end-of-file on its socket and reported as an
 * error, never waited on forever. Because it forks, create it before the program's
 * first OpenMP region (libgomp's threads do not survive fork) and before starting
 * embedded Python. No worker outlives the pool or the program (harness_fork sets
 * PR_SET_PDEATHSIG, and Ctrl-C kills tracked children). */
#ifndef PARLAB_POOL_H
#define PARLAB_POOL_H

#include <stddef.h>
#include <stdint.h>

/* ---- thread pool ----------------------------------------------------------------- */

typedef void (*pool_fn)(void *arg);

struct pool;

/* Start a pool of nthreads worker threads (0 is allowed: then pool_wait runs every
 * task on the calling thread). The queue holds `capacity` tasks (rounded up to a
 * power of two; 0 = 4096, 128 KiB); a submitter that finds it full runs queued tasks
 * itself until there is room, so submitting never deadlocks. Returns NULL (errno set)
 * if a thread cannot be created.
 *     struct pool *p = pool_create(topo->usable - 1, 0); */
struct pool *pool_create(int nthreads, size_t capacity);

/* The same, and each worker thread first calls on_start(index, arg), index 0 to
 * nthreads - 1, before it takes any task: to pin itself to a CPU, say (two threads
 * that hand tasks to each other and spin while they wait must not share one CPU; the
 * scheduler may leave them together for a long time):
 *     static void pin(int i, void *t) { topo_pin_thread(t, i + 1); }  // 0: the caller
 *     struct pool *p = pool_create_with(topo->usable - 1, 0, pin, topo); */
struct pool *pool_create_with(int nthreads, size_t capacity, void (*on_start)(int index, void *arg),
                              void *arg);

/* Queue fn(arg). Callable from any thread, including from inside a task. */
void pool_submit(struct pool *p, pool_fn fn, void *arg);

/* Queue n tasks fn(arg_i) with arg_i = (char *)args + i * stride (stride 0: every task
 * gets args). One claim of the ring and at most one wake-up for the whole batch (for
 * each ring's worth of it): the cheap way to submit many small tasks.
 *     pool_submit_batch(p, scale_row, rows, sizeof(rows[0]), nrows); */
void pool_submit_batch(struct pool *p, pool_fn fn, void *args, size_t stride, size_t n);

/* Return once every task submitted so far (and any they submitted) has finished. The
 * caller runs queued tasks while it waits. Must not be called from inside a task. */
void pool_wait(struct pool *p);

/* Shut down: runs every task still queued (none is cancelled or lost), then stops and
 * joins the threads and frees the pool. Must not be called from inside a task. */
void pool_destroy(struct pool *p);

/* The number of worker threads (not counting the waiter). */
int pool_threads(const struct pool *p);

/* How many tasks have run since pool_create (for tests and reports). */
uint64_t pool_completed(const struct pool *p);

/* ---- process pool ---------------------------------------------------------------- */

/* A task: compute a result from one integer. Runs in a forked worker, so it sees the
 * parent's memory as it was at ppool_create (copy-on-write) and its writes stay in the
 * worker: everything it returns goes through the result. */
typedef int64_t (*ppool_fn)(int64_t arg, void *ctx);

struct ppool;

/* The largest chunk ppool_map sends in one message. */
#define PPOOL_MAX_CHUNK 2048

/* Fork nworkers (>= 1) workers that will run fn(arg, ctx). Returns NULL (errno set)
 * if a socket or a process cannot be created; no worker is left behind then.
 *     struct ppool *pp = ppool_create(2, square, NULL); */
struct ppool *ppool_create(int nworkers, ppool_fn fn, void *ctx);

/* out[i] = fn(in[i]) for i < n, computed by the workers in chunks of `chunksize`
 * tasks (clamped to 1..PPOOL_MAX_CHUNK), each worker holding up to two chunks at a time.
 * Results are stored in submission order. Returns 0, or -1 if a worker died or a
 * socket failed: then ppool_error() says which worker and how, and the pool is broken
 * (every later call returns -1; ppool_destroy still cleans up). */
int ppool_map(struct ppool *pp, const int64_t *in, int64_t *out, size_t n, size_t chunksize);

/* Why the last call failed, or "" if nothing failed. */
const char *ppool_error(const struct ppool *pp);

int ppool_workers(const struct ppool *pp);

/* Shut down: each worker sees end-of-file, exits, and is reaped; one that has not
 * exited within 2 s (stuck in a task) is killed. Frees the pool. */
void ppool_destroy(struct ppool *pp);

#endif
