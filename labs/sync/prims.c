/* labs/sync/prims.c: the slow paths of the primitives in prims.h. */
#include "prims.h"

#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "work.h"

void sync_relax(unsigned *spins)
{
    if (++*spins < SYNC_SPIN_LIMIT)
        cpu_relax();
    else
        sched_yield(); /* more threads than CPUs: let the owner run */
}

void sync_barrier_init(struct sync_barrier *b, int n)
{
    b->n = n;
    atomic_init(&b->remaining, n);
    atomic_init(&b->sense, 0);
}

int sync_barrier_wait(struct sync_barrier *b, int *local_sense)
{
    int my = !*local_sense;
    unsigned spins = 0;
    *local_sense = my;
    /* acq_rel: the last arrival must see every write made before the others arrived,
     * and its release of `sense` publishes them all to the waiters. */
    if (atomic_fetch_sub_explicit(&b->remaining, 1, memory_order_acq_rel) == 1) {
        atomic_store_explicit(&b->remaining, b->n, memory_order_relaxed); /* ready for the next round */
        atomic_store_explicit(&b->sense, my, memory_order_release);
        return 1;
    }
    while (atomic_load_explicit(&b->sense, memory_order_acquire) != my)
        sync_relax(&spins);
    return 0;
}

long sync_futex_wait(atomic_int *addr, int expected)
{
    return syscall(SYS_futex, (int *)addr, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

long sync_futex_wake(atomic_int *addr, int n)
{
    return syscall(SYS_futex, (int *)addr, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
}
