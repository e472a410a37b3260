/* labs/sync/prims.h: the hand-made synchronisation primitives the sync lab measures,
 * kept apart so tests/test_sync.c can check that each one is correct.
 *
 * Every primitive is built on C11 atomics (<stdatomic.h>): the compiler and the CPU
 * then both know which memory accesses synchronise, and ThreadSanitizer can check them.
 *
 *   tas      test-and-set spinlock: every attempt is an atomic exchange, which needs the
 *            cache line in exclusive state, so waiters pull the line away from the owner
 *            over and over ("cache-line ping-pong").
 *   ttas     test-and-test-and-set: waiters spin on a plain load, which every core can
 *            keep in its own cache in shared state; only when the lock looks free do
 *            they try the exchange. Less traffic while the lock is held.
 *   ticket   a ticket lock: take a number, wait until it is served. Fair (first come,
 *            first served), but every waiter spins on the one `serving` word.
 *   barrier  a sense-reversing spin barrier: the last thread to arrive flips a shared
 *            "sense"; the others spin until they see the flip. Reusable at once,
 *            because each round waits for the opposite sense of the previous one.
 *
 * Spinning forever is wrong when there are more threads than CPUs: the thread that
 * holds the lock may be waiting for a CPU that the spinners are using. So every spin
 * loop here pauses (cpu_relax from src/work.h: the x86 `pause` hint) and, after
 * SYNC_SPIN_LIMIT tries, calls sched_yield() on each further try. On a machine with a free CPU per thread a wait
 * almost never gets that far, so the numbers measured are those of pure spinning. */
#ifndef PARLAB_SYNC_PRIMS_H
#define PARLAB_SYNC_PRIMS_H

#include <stdatomic.h>

/* Tries of a spin loop before it starts to yield the CPU (see above). */
#define SYNC_SPIN_LIMIT 1024

/* One step of waiting: cpu_relax(), then, past SYNC_SPIN_LIMIT steps, a yield.
 * unsigned spins = 0; while (!ready) sync_relax(&spins); */
void sync_relax(unsigned *spins);

/* ---- test-and-set ---------------------------------------------------------------------- */
struct sync_tas {
    atomic_int locked;
};

static inline void sync_tas_init(struct sync_tas *l)
{
    atomic_init(&l->locked, 0);
}

static inline void sync_tas_lock(struct sync_tas *l)
{
    unsigned spins = 0;
    /* acquire: what the previous owner wrote before unlocking is visible after this */
    while (atomic_exchange_explicit(&l->locked, 1, memory_order_acquire))
        sync_relax(&spins);
}

static inline void sync_tas_unlock(struct sync_tas *l)
{
    atomic_store_explicit(&l->locked, 0, memory_order_release);
}

/* ---- test-and-test-and-set ------------------------------------------------------------- */
struct sync_ttas {
    atomic_int locked;
};

static inline void sync_ttas_init(struct sync_ttas *l)
{
    atomic_init(&l->locked, 0);
}

static inline void sync_ttas_lock(struct sync_ttas *l)
{
    unsigned spins = 0;
    for (;;) {
        if (!atomic_exchange_explicit(&l->locked, 1, memory_order_acquire))
            return;
        /* wait with plain loads: the line stays shared in our cache until it changes */
        while (atomic_load_explicit(&l->locked, memory_order_relaxed))
            sync_relax(&spins);
    }
}

static inline void sync_ttas_unlock(struct sync_ttas *l)
{
    atomic_store_explicit(&l->locked, 0, memory_order_release);
}

/* ---- ticket lock ----------------------------------------------------------------------- */
struct sync_ticket {
    atomic_uint next;    /* the next number to hand out */
    atomic_uint serving; /* the number allowed in */
};

static inline void sync_ticket_init(struct sync_ticket *l)
{
    atomic_init(&l->next, 0);
    atomic_init(&l->serving, 0);
}

/* Returns the ticket that was served: tickets enter strictly in the order taken. */
static inline unsigned sync_ticket_lock(struct sync_ticket *l)
{
    unsigned me = atomic_fetch_add_explicit(&l->next, 1, memory_order_relaxed), spins = 0;
    while (atomic_load_explicit(&l->serving, memory_order_acquire) != me)
        sync_relax(&spins);
    return me;
}

static inline void sync_ticket_unlock(struct sync_ticket *l)
{
    /* only the owner writes `serving`, so a plain increment through load+store is enough */
    unsigned s = atomic_load_explicit(&l->serving, memory_order_relaxed);
    atomic_store_explicit(&l->serving, s + 1, memory_order_release);
}

/* ---- sense-reversing spin barrier ------------------------------------------------------ */
struct sync_barrier {
    atomic_int remaining; /* threads still to arrive this round */
    atomic_int sense;     /* flipped by the last arrival */
    int n;
};

/* For n threads (n >= 1). Each thread keeps its own `int local_sense = 0`. */
void sync_barrier_init(struct sync_barrier *b, int n);
/* Wait until all n threads have called it; returns 1 in exactly one thread per round
 * (the last to arrive), 0 in the others. */
int sync_barrier_wait(struct sync_barrier *b, int *local_sense);

/* ---- futex ------------------------------------------------------------------------------- */
/* The Linux futex: the kernel half of every mutex, condition variable and semaphore.
 * futex_wait sleeps only if *addr still holds `expected` (checked atomically by the
 * kernel, so a wake between our check and our sleep is never lost); futex_wake wakes
 * up to n sleepers. Both return what the system call returned. */
long sync_futex_wait(atomic_int *addr, int expected);
long sync_futex_wake(atomic_int *addr, int n);

#endif
