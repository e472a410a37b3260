/* work.h: the work every lab measures, and the few tricks that keep a compiler from
 * optimising it away. One copy for all labs, meant to be read:
 *
 *   burn(units, x)   `units` steps of pure CPU work (a 64-bit LCG)
 *   share(total, workers, i)   worker i's part of `total`, split as evenly as integers allow
 *   keep(x), opaque(x)   compiler barriers around a timed region
 *   cpu_relax()      the polite way to spin (x86 `pause`, arm64 `yield`)
 *   affinity_save / affinity_restore   put this thread back where it was allowed to run
 */
#ifndef PARLAB_WORK_H
#define PARLAB_WORK_H

#include <pthread.h>
#include <sched.h>
#include <stdint.h>

/* One unit of work = one step of a 64-bit linear congruential generator. Each step
 * needs the previous one, so the compiler cannot vectorise or skip the loop, and it
 * touches no memory: the work scales with cores and with nothing else (no cache or
 * memory-bandwidth limit). A step takes ~1 ns on a 2020s core.
 *   x = burn(1000000, 42);   // ~1 ms */
static inline uint64_t burn(uint64_t units, uint64_t x)
{
    for (uint64_t i = 0; i < units; i++)
        x = x * 6364136223846793005u + 1442695040888963407u;
    return x;
}

/* Worker i's share of `total` units split over `workers`: the first total % workers
 * workers get one unit more, so the shares add up to total exactly. */
static inline uint64_t share(uint64_t total, int workers, int i)
{
    uint64_t base = total / (uint64_t)workers;
    return base + ((uint64_t)i < total % (uint64_t)workers);
}

/* Keep a result alive without storing it anywhere (a store to shared memory would add
 * cache-line traffic that is not what we measure). The "memory" clobber also makes it
 * a compiler barrier: work that produced x cannot move past a clock read after it. */
static inline void keep(uint64_t x)
{
    __asm__ __volatile__("" ::"r"(x) : "memory");
}

/* The reverse: a value the compiler cannot know in advance, so work that depends on it
 * cannot be hoisted above the clock read before it. Without keep and opaque an
 * optimiser may compute burn(n) outside the timed region, or not at all. */
static inline uint64_t opaque(uint64_t x)
{
    __asm__ __volatile__("" : "+r"(x)::"memory");
    return x;
}

/* One turn of a spin-wait loop. `pause` (x86) and `yield` (arm64) tell the core that
 * this is a spin: it saves power, lets the other hardware thread of an SMT core run,
 * and avoids a costly pipeline flush when the awaited store finally arrives. */
static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    __asm__ __volatile__("yield" ::: "memory");
#else
    __asm__ __volatile__("" ::: "memory");
#endif
}

/* A lab that pins threads (--pin, or a ping-pong between two chosen CPUs) puts the
 * calling thread back afterwards, so the next experiment starts unpinned:
 *   struct affinity a; affinity_save(&a); ...pin...; affinity_restore(&a); */
struct affinity {
    cpu_set_t set;
    int saved;
};

static inline void affinity_save(struct affinity *a)
{
    a->saved = pthread_getaffinity_np(pthread_self(), sizeof(a->set), &a->set) == 0;
}

static inline void affinity_restore(const struct affinity *a)
{
    if (a->saved)
        pthread_setaffinity_np(pthread_self(), sizeof(a->set), &a->set);
}

#endif
