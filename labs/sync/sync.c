/* labs/sync/sync.c: what synchronisation costs, on the machine in front of you.
 *
 * The question: parallel code must coordinate: a lock around shared data, an atomic
 * counter, a barrier between phases, a wake-up of a sleeping thread. What does each
 * of these cost, and why can adding threads make a program slower than one thread?
 *
 * The answer spans five orders of magnitude. An uncontended atomic or lock is a few
 * nanoseconds: the cache line is already ours. Contended, the same instruction waits
 * for the line to travel from another core's cache (~50-100 ns a trip). Waking a
 * sleeping thread goes through the kernel (futex): microseconds. A barrier costs
 * whatever its slowest arrival and its wake-up cost.
 *
 * Experiments, in the order a lesson tells them:
 *   race           the opener: N threads do counter++ with no synchronisation, and
 *                  updates get lost. A deliberate bug, kept out of TSan runs.
 *   lock           nanoseconds per lock+increment+unlock (or atomic add, or OpenMP
 *                  construct) at 1 worker (uncontended) and more (contended).
 *   barrier        microseconds per barrier: pthread, a sense-reversing spin barrier,
 *                  OpenMP's.
 *   handoff        one-way wake-up latency between two threads: condition variable,
 *                  futex, spinning.
 *   false-sharing  per-worker counters on one cache line, padded apart, or kept local.
 *   c2c            core-to-core latency: a pinned ping-pong between every pair of CPUs.
 *
 * The method is the EPCC OpenMP micro-benchmarks' (Bull et al.): grow the inner
 * repetitions until one sample lasts long enough to time well, warm up untimed, take
 * outer repetitions, report overhead = test loop - the same loop without the construct
 * (the reference), and count outliers instead of hiding them. Where several workers run,
 * they all start together behind a barrier and a sample lasts from that barrier to the
 * last worker's finish. */
#include "sync.h"

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "prims.h"

/* ---- a team of workers, started together ---------------------------------------------- */

/* Each worker writes its times to its own cache line (see false-sharing below). */
struct slot {
    double t;   /* start (first half of the slots) or finish (second half), seconds */
    double cpu; /* the worker's own CPU time at that moment (see cpu_share) */
    uint64_t n;
    char pad[64 - 2 * sizeof(double) - sizeof(uint64_t)];
};

/* CPU time of the calling thread. Read just outside the timed interval. */
static double thread_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct job;
typedef void (*body_fn)(struct job *j, int id);

/* Everything one sample needs. The shared objects the workers fight over live here. */
struct job {
    const struct lab_ctx *ctx;
    int workers;
    uint64_t iters;       /* per worker */
    int kind;             /* which variant (an index into the experiment's names) */
    int reference;        /* run the reference loop: the same loop without the construct */
    body_fn body;
    pthread_barrier_t gate;  /* every worker created and running */
    struct sync_barrier go;  /* ... then released together, within ~0.1 us */
    struct slot *slots;      /* per worker: start, finish, private count */
    /* the shared objects */
    pthread_mutex_t mutex;
    pthread_spinlock_t spin;
    pthread_rwlock_t rwlock;
    struct sync_tas tas;
    struct sync_ttas ttas;
    struct sync_ticket ticket;
    pthread_barrier_t pbarrier;
    struct sync_barrier sbarrier;
    uint64_t counter;         /* protected by whichever lock is measured */
    _Atomic uint64_t acounter; /* changed only atomically */
    _Atomic uint64_t *cells;  /* false-sharing counters */
    size_t stride;            /* cells between two workers' counters */
};

struct member {
    struct job *job;
    int id;
};

static void *team_thread(void *p)
{
    struct member *m = p;
    struct job *j = m->job;
    int sense = 0;
    if (j->ctx->pin)
        topo_pin_thread(j->ctx->topo, m->id);
    pthread_barrier_wait(&j->gate);
    sync_barrier_wait(&j->go, &sense);
    j->slots[m->id].cpu = thread_cpu_s();
    j->slots[m->id].t = now_s();
    j->body(j, m->id);
    /* the finish time goes in the second half of the worker's pair of slots */
    j->slots[j->workers + m->id].t = now_s();
    j->slots[j->workers + m->id].cpu = thread_cpu_s();
    return NULL;
}

/* Seconds from the first worker's start to the last worker's finish. */
static double elapsed(const struct job *j)
{
    double t0 = j->slots[0].t, t1 = j->slots[j->workers].t;
    for (int i = 1; i < j->workers; i++) {
        t0 = j->slots[i].t < t0 ? j->slots[i].t : t0;
        t1 = j->slots[j->workers + i].t > t1 ? j->slots[j->workers + i].t : t1;
    }
    return t1 - t0;
}

/* The share of its own run that each worker spent on a CPU, over all workers: ~1 when
 * every worker had a core to itself; less when workers slept in the kernel (a mutex,
 * a pthread barrier), or when other programs or oversubscription took CPUs away. Then
 * "contended" numbers also contain waiting for a CPU, and the lab says so. */
static double cpu_share(const struct job *j)
{
    double cpu = 0, wall = 0;
    for (int i = 0; i < j->workers; i++) {
        cpu += j->slots[j->workers + i].cpu - j->slots[i].cpu;
        wall += j->slots[j->workers + i].t - j->slots[i].t;
    }
    return wall > 0 ? cpu / wall : 1;
}

/* After a point with 2+ workers within the usable CPUs: say so if they did not all
 * run at once. */
static void note_cpu_share(struct lab_ctx *ctx, const struct point *pt)
{
    const struct summary *s = results_summary(ctx->res, pt, "cpu_share");
    if (s && pt->workers > 1 && !harness_oversubscribed(ctx, pt->workers) && s->median < 0.8)
        printf("   (the workers were on a CPU %.0f%% of the time: asleep in the kernel, or "
               "other programs took CPUs)\n", 100 * s->median);
}

/* One sample with POSIX threads: create the workers (not timed), start them together,
 * wait for all. Creating threads per sample costs ~60 us each, outside the timing. */
static double team_run(struct job *j)
{
    int w = j->workers;
    pthread_t *tid = xmalloc(sizeof(pthread_t) * (size_t)w);
    struct member *m = xmalloc(sizeof(struct member) * (size_t)w);
    pthread_barrier_init(&j->gate, NULL, (unsigned)w);
    sync_barrier_init(&j->go, w);
    for (int i = 0; i < w; i++) {
        m[i] = (struct member){j, i};
        if (pthread_create(&tid[i], NULL, team_thread, &m[i]) != 0)
            die("cannot create thread %d of %d", i + 1, w);
    }
    for (int i = 0; i < w; i++)
        pthread_join(tid[i], NULL);
    pthread_barrier_destroy(&j->gate);
    free(tid);
    free(m);
    return elapsed(j);
}

static struct job *job_new(const struct lab_ctx *ctx, int workers, body_fn body, int kind)
{
    struct job *j = xcalloc(1, sizeof(*j));
    j->ctx = ctx;
    j->workers = workers;
    j->body = body;
    j->kind = kind;
    j->slots = aligned_alloc(64, sizeof(struct slot) * 2 * (size_t)workers);
    if (!j->slots)
        die("out of memory");
    pthread_mutex_init(&j->mutex, NULL);
    pthread_spin_init(&j->spin, PTHREAD_PROCESS_PRIVATE);
    pthread_rwlock_init(&j->rwlock, NULL);
    sync_tas_init(&j->tas);
    sync_ttas_init(&j->ttas);
    sync_ticket_init(&j->ticket);
    pthread_barrier_init(&j->pbarrier, NULL, (unsigned)workers);
    sync_barrier_init(&j->sbarrier, workers);
    atomic_init(&j->acounter, 0);
    return j;
}

static void job_free(struct job *j)
{
    pthread_mutex_destroy(&j->mutex);
    pthread_spin_destroy(&j->spin);
    pthread_rwlock_destroy(&j->rwlock);
    pthread_barrier_destroy(&j->pbarrier);
    free(j->slots);
    free(j->cells);
    free(j);
}

/* Grow the inner repetitions until one sample lasts >= target seconds: the rule of
 * harness_calibrate, timed as the samples will be (from the start barrier). */
static uint64_t team_calibrate(struct job *j, double (*run)(struct job *), double target)
{
    for (j->iters = 16; j->iters < (UINT64_C(1) << 36); j->iters *= 2)
        if (run(j) >= target)
            break;
    return j->iters;
}

/* EPCC: warm up, then per outer repetition the reference loop and the test loop, side
 * by side; record (test - reference) per operation. check() (may be NULL) verifies
 * the test sample's result and returns an error message, or NULL. */
static int team_sample(struct lab_ctx *ctx, const struct point *pt, struct job *j,
                       double (*run)(struct job *), const char *metric, const char *unit,
                       double scale, const char *(*check)(struct job *))
{
    double t_start = now_s(), budget = ctx->quick ? 2 : 10;
    harness_rep(ctx, 0);
    j->reference = 0;
    run(j);
    for (int rep = 1; rep <= ctx->reps; rep++) {
        double tr, tt;
        const char *bad;
        if (harness_interrupted())
            return EXIT_INTERRUPTED;
        /* A bound on pathological points (spinning with more threads than CPUs, a busy
         * machine): after 3 repetitions and `budget` seconds, keep what we have. */
        if (rep > 3 && now_s() - t_start > budget) {
            harness_progress_clear();
            printf("   (%s %s, %d workers: stopped after %d repetitions, %.0f s: each took "
                   "far longer than calibrated)\n", pt->experiment, pt->variant, pt->workers,
                   rep - 1, now_s() - t_start);
            break;
        }
        harness_rep(ctx, rep);
        j->reference = 1;
        tr = run(j);
        j->reference = 0;
        j->counter = 0;
        atomic_store(&j->acounter, 0);
        tt = run(j);
        if (check && (bad = check(j)) != NULL) {
            harness_progress_clear();
            fprintf(stderr, "parlab: sync: %s %s, %d workers: %s\n", pt->experiment,
                    pt->variant, pt->workers, bad);
            return EXIT_FAIL;
        }
        results_add(ctx->res, pt, rep, metric, (tt - tr) * scale / (double)j->iters, unit);
        if (run == team_run) /* OpenMP teams: libgomp's threads gave implausible
                                thread CPU times (above 1) here, so no share is kept */
            results_add(ctx->res, pt, rep, "cpu_share", cpu_share(j), "fraction");
    }
    return EXIT_OK;
}

/* The reference loop: the same loop with only a private increment in it. The empty
 * asm tells the compiler memory may have changed, so it keeps the loop. */
static void reference_loop(struct job *j, int id)
{
    uint64_t n = 0;
    for (uint64_t i = 0; i < j->iters; i++) {
        n++;
        __asm__ __volatile__("" ::: "memory");
    }
    j->slots[id].n = n;
}

/* ---- experiment 0: race, the deliberate bug ------------------------------------------- */

/* counter++ is three steps: load, add, store. Two threads that load the same value
 * both store value+1, and one update is lost. `volatile` only stops the compiler from
 * keeping the counter in a register; it makes nothing atomic. THIS IS A BUG ON PURPOSE,
 * the lesson's opener; ThreadSanitizer would (rightly) report it, so the unit tests
 * never run it and the function is not instrumented. */
static volatile uint64_t race_counter;

__attribute__((no_sanitize("thread"))) static void race_body(struct job *j, int id)
{
    (void)id;
    for (uint64_t i = 0; i < j->iters; i++)
        race_counter++; /* the bug */
}

static int run_race(struct lab_ctx *ctx, const int *w, int nw)
{
    uint64_t iters = ctx->quick ? 200000 : 2000000;
    printf("\n== race: each worker adds 1 to one shared counter %.0e times, with NO "
           "synchronisation\n   (a deliberate bug: the lesson's opener)\n", (double)iters);
    for (int i = 0; i < nw; i++) {
        struct point pt = {"race", "unsynchronised", w[i], ""};
        struct job *j = job_new(ctx, w[i], race_body, 0);
        uint64_t expected = iters * (uint64_t)w[i], actual = 0;
        j->iters = iters;
        harness_point(ctx, &pt);
        for (int rep = 1; rep <= ctx->reps; rep++) {
            if (harness_interrupted()) {
                job_free(j);
                return EXIT_INTERRUPTED;
            }
            harness_rep(ctx, rep);
            race_counter = 0;
            team_run(j);
            actual = race_counter;
            results_add(ctx->res, &pt, rep, "lost_updates", (double)(expected - actual), "updates");
            results_add(ctx->res, &pt, rep, "lost_fraction", (double)(expected - actual) / (double)expected, "fraction");
        }
        job_free(j);
        harness_print(ctx, &pt, "lost_updates");
        printf("   %d workers: expected %llu, last run counted %llu: %llu updates lost (%.1f%%)%s\n",
               w[i], (unsigned long long)expected, (unsigned long long)actual,
               (unsigned long long)(expected - actual), 100.0 * (double)(expected - actual) / (double)expected,
               ctx->topo->usable < 2 ? " (1 CPU: updates are lost only when a thread is preempted mid-increment)" : "");
    }
    return EXIT_OK;
}

/* ---- experiment 1: lock ------------------------------------------------------------------ */

/* The names are part of the results contract. */
enum { LK_MUTEX, LK_SPINLOCK, LK_TAS, LK_TTAS, LK_TICKET, LK_RWREAD, LK_ATOMIC, LK_CAS,
       LK_OMP_CRITICAL, LK_OMP_ATOMIC, LK_OMP_REDUCTION, LK_N };
static const char *const lock_names[LK_N] = {
    "mutex", "spinlock", "tas", "ttas", "ticket", "rwlock-read", "atomic-add", "cas-loop",
    "omp-critical", "omp-atomic", "omp-reduction"};

/* Every worker adds 1 to the shared counter iters times, under the construct. The
 * switch sits outside the loops, so each loop is only what it measures. */
static void lock_body(struct job *j, int id)
{
    uint64_t n = j->iters, seen = 0;
    switch (j->kind) {
    case LK_MUTEX:
        for (uint64_t i = 0; i < n; i++) {
            pthread_mutex_lock(&j->mutex);
            j->counter++;
            pthread_mutex_unlock(&j->mutex);
        }
        break;
    case LK_SPINLOCK: /* glibc's pthread_spin_lock spins and never yields */
        for (uint64_t i = 0; i < n; i++) {
            pthread_spin_lock(&j->spin);
            j->counter++;
            pthread_spin_unlock(&j->spin);
        }
        break;
    case LK_TAS:
        for (uint64_t i = 0; i < n; i++) {
            sync_tas_lock(&j->tas);
            j->counter++;
            sync_tas_unlock(&j->tas);
        }
        break;
    case LK_TTAS:
        for (uint64_t i = 0; i < n; i++) {
            sync_ttas_lock(&j->ttas);
            j->counter++;
            sync_ttas_unlock(&j->ttas);
        }
        break;
    case LK_TICKET:
        for (uint64_t i = 0; i < n; i++) {
            sync_ticket_lock(&j->ticket);
            j->counter++;
            sync_ticket_unlock(&j->ticket);
        }
        break;
    case LK_RWREAD: /* readers only: they may all hold it at once, but each rdlock
                       still writes the lock's reader count, one shared cache line */
        for (uint64_t i = 0; i < n; i++) {
            pthread_rwlock_rdlock(&j->rwlock);
            seen += j->counter + 1;
            pthread_rwlock_unlock(&j->rwlock);
        }
        j->slots[id].n = seen;
        break;
    case LK_ATOMIC: /* one `lock xadd` instruction on x86 */
        for (uint64_t i = 0; i < n; i++)
            atomic_fetch_add(&j->acounter, 1);
        break;
    case LK_CAS: /* read, compute, compare-and-swap; retry if someone else got in */
        for (uint64_t i = 0; i < n; i++) {
            uint64_t old = atomic_load_explicit(&j->acounter, memory_order_relaxed);
            while (!atomic_compare_exchange_weak(&j->acounter, &old, old + 1))
                ;
        }
        break;
    default:
        break;
    }
}

static void lock_pthread_body(struct job *j, int id)
{
    if (j->reference)
        reference_loop(j, id);
    else
        lock_body(j, id);
}

/* j->kind for the barrier experiment's OpenMP variant (the lock kinds are >= 0). */
#define KIND_OMP_BARRIER (-1)

/* The OpenMP variants run in an OpenMP team; the implicit barrier at the end of
 * `omp single` starts its threads together, as the spin barrier does for pthreads. */
static double omp_team_run(struct job *j)
{
#ifdef _OPENMP
    uint64_t red = 0; /* the reduction's shared result */
    int got = 0;
#pragma omp parallel num_threads(j->workers)
    {
        int id = omp_get_thread_num(), nth = omp_get_num_threads();
        uint64_t n = j->iters;
        if (j->ctx->pin)
            topo_pin_thread(j->ctx->topo, id);
#pragma omp single
        got = nth;
        /* the single's implicit barrier starts the team together */
        j->slots[id].t = now_s();
        if (j->reference) {
            reference_loop(j, id);
        } else if (j->kind == LK_OMP_CRITICAL) {
            for (uint64_t i = 0; i < n; i++) {
#pragma omp critical(sync_lab)
                j->counter++;
            }
        } else if (j->kind == LK_OMP_ATOMIC) {
            for (uint64_t i = 0; i < n; i++) {
#pragma omp atomic update
                j->counter++;
            }
        } else if (j->kind == LK_OMP_REDUCTION) {
            /* EPCC's reduction: each operation combines one value from every thread
             * into a shared sum, and everyone waits for the result (a barrier). */
            for (uint64_t i = 0; i < n; i++) {
#pragma omp for schedule(static) reduction(+ : red)
                for (int k = 0; k < nth; k++)
                    red += 1;
            }
        } else if (j->kind == KIND_OMP_BARRIER) {
            for (uint64_t i = 0; i < n; i++) {
#pragma omp barrier
            }
        }
        j->slots[j->workers + id].t = now_s();
    }
    if (got != j->workers)
        die("OpenMP gave %d threads, asked for %d", got, j->workers);
    if (j->kind == LK_OMP_REDUCTION && !j->reference)
        j->counter = red;
    return elapsed(j);
#else
    (void)j;
    return 0;
#endif
}

static const char *lock_check(struct job *j)
{
    static char msg[160];
    uint64_t want = j->iters * (uint64_t)j->workers, got;
    if (j->kind == LK_RWREAD)
        return NULL; /* readers change nothing */
    got = (j->kind == LK_ATOMIC || j->kind == LK_CAS) ? atomic_load(&j->acounter) : j->counter;
    if (got == want)
        return NULL;
    snprintf(msg, sizeof(msg), "the counter is %llu, expected %llu: the lock lost updates",
             (unsigned long long)got, (unsigned long long)want);
    return msg;
}

/* Medians kept for the cost ladder (sync-costs.csv): per construct, uncontended (1
 * worker), contended at the usable CPUs, and oversubscribed. */
#define NCOST (LK_N + 3 + 3)
struct cost_row {
    const char *experiment, *name;
    double ns[3];
    int workers[3];
};
static struct cost_row costs[NCOST];
static int ncosts;

void sync_cost_note(const char *experiment, const char *name, int col, int workers, double ns)
{
    int i;
    for (i = 0; i < ncosts; i++)
        if (!strcmp(costs[i].name, name))
            break;
    if (i == ncosts) {
        if (ncosts == NCOST)
            return;
        costs[ncosts++] = (struct cost_row){experiment, name, {-1, -1, -1}, {0, 0, 0}};
    }
    costs[i].ns[col] = ns;
    costs[i].workers[col] = workers;
}

/* Which column of the ladder a worker count belongs to, or -1 (an in-between count). */
static int cost_col(const struct lab_ctx *ctx, int w, int maxw_in)
{
    return w == 1 ? 0 : w == maxw_in ? 1 : harness_oversubscribed(ctx, w) ? 2 : -1;
}

static int run_lock(struct lab_ctx *ctx, const int *w, int nw, int maxw_in, double target)
{
    printf("\n== lock: ns per operation (lock + counter++ + unlock, or one atomic/OpenMP "
           "construct),\n   minus the same loop without it; 1 worker = uncontended\n");
    if (harness_oversubscribed(ctx, w[nw - 1]))
        printf("   oversubscribed points (*): 'spinlock' is skipped there (glibc's spinlock "
               "never yields: a waiter burns\n   its time slice while the owner waits for a "
               "CPU), and so is 'ticket' (first come, first served: when the\n   next in line "
               "has no CPU, every thread waits for the scheduler: seconds a sample); tas and "
               "ttas\n   yield after %d spins: a bound, not pure spinning\n", SYNC_SPIN_LIMIT);
    for (int v = 0; v < LK_N; v++) {
        int omp = v >= LK_OMP_CRITICAL;
#ifndef _OPENMP
        if (omp) {
            printf("   %s: skipped, this build has no OpenMP\n", lock_names[v]);
            continue;
        }
#endif
        for (int i = 0; i < nw; i++) {
            struct point pt = {"lock", lock_names[v], w[i], ""};
            struct job *j;
            double (*run)(struct job *) = omp ? omp_team_run : team_run;
            int rc, col;
            if ((v == LK_SPINLOCK || v == LK_TICKET) && harness_oversubscribed(ctx, w[i]))
                continue;
            j = job_new(ctx, w[i], lock_pthread_body, v);
            harness_point(ctx, &pt);
            team_calibrate(j, run, target);
            rc = team_sample(ctx, &pt, j, run, "ns_per_op", "ns", 1e9, lock_check);
            job_free(j);
            if (rc != EXIT_OK)
                return rc;
            harness_print(ctx, &pt, "ns_per_op");
            note_cpu_share(ctx, &pt);
            if ((col = cost_col(ctx, w[i], maxw_in)) >= 0)
                sync_cost_note("lock", lock_names[v], col, w[i], results_summary(ctx->res, &pt, "ns_per_op")->median);
        }
    }
    return EXIT_OK;
}

/* ---- experiment 2: barrier ----------------------------------------------------------------- */

enum { BR_PTHREAD, BR_SPIN, BR_OMP, BR_N };
static const char *const barrier_names[BR_N] = {"pthread-barrier", "spin-barrier", "omp-barrier"};

static void barrier_body(struct job *j, int id)
{
    int sense = 0;
    if (j->reference) {
        reference_loop(j, id);
    } else if (j->kind == BR_PTHREAD) {
        for (uint64_t i = 0; i < j->iters; i++)
            pthread_barrier_wait(&j->pbarrier);
    } else {
        for (uint64_t i = 0; i < j->iters; i++)
            sync_barrier_wait(&j->sbarrier, &sense);
    }
}

static int run_barrier(struct lab_ctx *ctx, const int *w, int nw, int maxw_in, double target)
{
    printf("\n== barrier: us per barrier (every worker waits for all), minus the same loop "
           "without it\n");
    if (harness_oversubscribed(ctx, w[nw - 1]))
        printf("   oversubscribed (*): the spin barrier yields after %d spins, a bound\n",
               SYNC_SPIN_LIMIT);
    for (int v = 0; v < BR_N; v++) {
#ifndef _OPENMP
        if (v == BR_OMP) {
            printf("   omp-barrier: skipped, this build has no OpenMP\n");
            continue;
        }
#endif
        for (int i = 0; i < nw; i++) {
            struct point pt = {"barrier", barrier_names[v], w[i], ""};
            struct job *j = job_new(ctx, w[i], barrier_body, v == BR_OMP ? KIND_OMP_BARRIER : v);
            double (*run)(struct job *) = v == BR_OMP ? omp_team_run : team_run;
            int rc, col;
            harness_point(ctx, &pt);
            team_calibrate(j, run, target);
            rc = team_sample(ctx, &pt, j, run, "us", "us", 1e6, NULL);
            job_free(j);
            if (rc != EXIT_OK)
                return rc;
            harness_print(ctx, &pt, "us");
            note_cpu_share(ctx, &pt);
            if ((col = cost_col(ctx, w[i], maxw_in)) >= 0)
                sync_cost_note("barrier", barrier_names[v], col, w[i],
                          1e3 * results_summary(ctx->res, &pt, "us")->median);
        }
    }
    return EXIT_OK;
}

/* ---- experiment 4: false sharing ------------------------------------------------------------ */

/* Each worker adds 1 to its OWN counter: no data is shared, so no lock is needed. But
 * caches move memory in 64-byte lines, and a core must own the whole line to write any
 * byte of it. Counters side by side on one line make the line bounce between cores on
 * every write, as if the data were shared: false sharing.
 *   same-line  counters 8 bytes apart, one line for all
 *   padded     counters 128 bytes apart (one line each; 128 because the neighbouring-
 *              line prefetcher fetches lines in pairs)
 *   local      a counter on the worker's own stack, copied out once at the end
 * op=store: a relaxed atomic load and store, which on x86 compile to plain `mov`s: what
 * `c[id]++` on a plain array does, kept in memory. op=atomic: atomic_fetch_add. */
enum { FS_SAME, FS_PADDED, FS_LOCAL, FS_N };
static const char *const fs_names[FS_N] = {"same-line", "padded", "local"};
static const char *const fs_ops[2] = {"store", "atomic"};

static void fs_body(struct job *j, int id)
{
    int atomic = j->kind / FS_N, where = j->kind % FS_N;
    _Atomic uint64_t local, *c = where == FS_LOCAL ? &local : &j->cells[(size_t)id * j->stride];
    uint64_t n = j->iters;
    atomic_init(&local, 0);
    if (where != FS_LOCAL)
        atomic_store_explicit(c, 0, memory_order_relaxed);
    if (atomic) {
        for (uint64_t i = 0; i < n; i++)
            atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
    } else {
        for (uint64_t i = 0; i < n; i++)
            atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1,
                                  memory_order_relaxed);
    }
    /* the reduction step of `local`: one write to the shared result, at the end */
    j->slots[id].n = atomic_load_explicit(c, memory_order_relaxed);
}

static double fs_ratio[2] = {-1, -1}; /* same-line / padded at the most workers */

static int run_false_sharing(struct lab_ctx *ctx, const int *w, int nw, double target, int oversub)
{
    printf("\n== false-sharing: ns per increment of a worker's own counter\n");
    if (oversub)
        printf("   oversubscribed counts skipped: threads that take turns on a CPU do not "
               "fight over a line\n");
    for (int op = 0; op < 2; op++) {
        double med[FS_N] = {0};
        int last_w = 0;
        for (int v = 0; v < FS_N; v++)
            for (int i = 0; i < nw; i++) {
                char param[32];
                struct point pt = {"false-sharing", fs_names[v], w[i],
                                   fmt_param(param, sizeof(param), "op=%s", fs_ops[op])};
                struct job *j = job_new(ctx, w[i], fs_body, op * FS_N + v);
                uint64_t sum = 0;
                j->stride = v == FS_SAME ? 1 : 128 / sizeof(uint64_t);
                j->cells = aligned_alloc(128, ((size_t)w[i] * j->stride * sizeof(uint64_t) + 127) / 128 * 128);
                if (!j->cells)
                    die("out of memory");
                harness_point(ctx, &pt);
                team_calibrate(j, team_run, target);
                harness_rep(ctx, 0);
                team_run(j); /* warm-up */
                for (int rep = 1; rep <= ctx->reps; rep++) {
                    if (harness_interrupted()) {
                        job_free(j);
                        return EXIT_INTERRUPTED;
                    }
                    harness_rep(ctx, rep);
                    results_add(ctx->res, &pt, rep, "ns_per_op", team_run(j) * 1e9 / (double)j->iters, "ns");
                    results_add(ctx->res, &pt, rep, "cpu_share", cpu_share(j), "fraction");
                }
                /* each counter must hold exactly its worker's increments */
                for (int k = 0; k < w[i]; k++)
                    sum += j->slots[k].n == j->iters;
                job_free(j);
                if (sum != (uint64_t)w[i]) {
                    fprintf(stderr, "parlab: sync: false-sharing %s: a counter lost increments\n", fs_names[v]);
                    return EXIT_FAIL;
                }
                harness_print(ctx, &pt, "ns_per_op");
                note_cpu_share(ctx, &pt);
                if (i == nw - 1) {
                    med[v] = results_summary(ctx->res, &pt, "ns_per_op")->median;
                    last_w = w[i];
                }
            }
        if (last_w >= 2 && med[FS_PADDED] > 0) {
            fs_ratio[op] = med[FS_SAME] / med[FS_PADDED];
            printf("   op=%s, %d workers: same-line is %.1fx the padded cost (here; ANCHORS: %s)\n",
                   fs_ops[op], last_w, fs_ratio[op], op ? "1.4x" : "5.2x");
        }
    }
    return EXIT_OK;
}

/* The bars of the false-sharing chart: ns per op at the most workers measured. */
static int write_fs_table(struct lab_ctx *ctx, int wmax)
{
    static const char *const head[] = {"op", "workers", "same_line_ns", "padded_ns", "local_ns"};
    struct csvw *cw;
    if (wmax < 2)
        return 0;
    if (!(cw = csvw_open(ctx->out_dir, "sync-false-sharing.csv")))
        return -1;
    csvw_row(cw, head, 5);
    for (int op = 0; op < 2; op++) {
        char param[32];
        fmt_param(param, sizeof(param), "op=%s", fs_ops[op]);
        csvw_str(cw, fs_ops[op]);
        csvw_int(cw, wmax);
        for (int v = 0; v < FS_N; v++) {
            struct point pt = {"false-sharing", fs_names[v], wmax, param};
            const struct summary *s = results_summary(ctx->res, &pt, "ns_per_op");
            csvw_num(cw, s ? s->median : -1);
        }
        csvw_endrow(cw);
    }
    return csvw_commit(cw);
}

/* sync-costs.csv: the ladder chart (plots/sync.gp), one row per construct, in ns. */
static int write_cost_table(struct lab_ctx *ctx)
{
    static const char *const head[] = {"experiment", "construct", "uncontended_ns",
                                       "contended_ns", "contended_workers", "oversubscribed_ns",
                                       "oversubscribed_workers"};
    struct csvw *cw;
    if (!ncosts)
        return 0;
    if (!(cw = csvw_open(ctx->out_dir, "sync-costs.csv")))
        return -1;
    csvw_row(cw, head, 7);
    for (int i = 0; i < ncosts; i++) {
        csvw_str(cw, costs[i].experiment);
        csvw_str(cw, costs[i].name);
        for (int col = 0; col < 3; col++) {
            csvw_num(cw, costs[i].workers[col] ? costs[i].ns[col] : (double)NAN);
            if (col)
                csvw_int(cw, costs[i].workers[col]);
        }
        csvw_endrow(cw);
    }
    return csvw_commit(cw);
}

/* ---- the lab ------------------------------------------------------------------------------------ */

static const char *const experiments[] = {"race", "lock", "barrier", "handoff", "false-sharing", "c2c"};

/* Which experiments to run: --experiment lock,c2c (default all). */
static void pick_experiments(const struct lab_ctx *ctx, int *on)
{
    const char *list = lab_opt(ctx, "experiment");
    char *copy, *rest, *tok;
    for (size_t e = 0; e < ARRAY_SIZE(experiments); e++)
        on[e] = list == NULL;
    if (!list)
        return;
    rest = copy = xstrdup(list);
    while ((tok = strsep(&rest, ",")) != NULL) {
        size_t e;
        if (!*tok)
            usage_error("--experiment: '%s' has an empty entry", list);
        for (e = 0; e < ARRAY_SIZE(experiments); e++)
            if (!strcmp(tok, experiments[e]))
                break;
        if (e == ARRAY_SIZE(experiments))
            usage_error("--experiment: '%s' is not one of race, lock, barrier, handoff, "
                        "false-sharing, c2c", tok);
        on[e] = 1;
    }
    free(copy);
}

static int sync_run(struct lab_ctx *ctx)
{
    int on[ARRAY_SIZE(experiments)], usable = ctx->topo->usable;
    double target = lab_opt_double(ctx, "sample-ms", ctx->quick ? 1 : 10, 0.1, 10000) / 1e3;
    int *w = xmalloc(sizeof(int) * (size_t)(ctx->nworkers + 1)), nw = 0;
    int *race_w = xmalloc(sizeof(int) * (size_t)(ctx->nworkers + 1)), nrace = 0;
    int *fs_w = xmalloc(sizeof(int) * (size_t)(ctx->nworkers + 1)), nfs = 0;
    int maxw_in = 1, skipped = 0, rc = EXIT_OK, c2c_n = 0, c2c_step = 1, nlock, nbar = BR_N;
    cpu_set_t saved;

    pick_experiments(ctx, on);
    /* check every option now, not after a minute of measuring */
    sync_c2c_npairs(ctx);
    /* Worker counts: 1 (uncontended) always comes first. With one usable CPU only the
     * uncontended points are measured: there is no second core to contend with. */
    w[nw++] = 1;
    for (int i = 0; i < ctx->nworkers; i++) {
        int k = ctx->workers[i];
        /* The default sweep on a big machine (1..8, 16, ... 256, 512) would take minutes:
         * keep 1, 2, the powers of 4, all usable CPUs and the oversubscribed point. */
        if (!ctx->workers_given && k > 2 && k < usable && (k & (k - 1) || __builtin_ctz((unsigned)k) % 2))
            continue;
        if (k > 1 && usable >= 2)
            w[nw++] = k;
        else if (k > 1)
            skipped++;
        if (k > 1 && k <= usable) {
            maxw_in = k > maxw_in ? k : maxw_in;
            fs_w[nfs++] = k;
        }
        if (k > 1)
            race_w[nrace++] = k;
    }
    if (!nrace)
        race_w[nrace++] = 2;
    if (!nfs || fs_w[0] != 1) { /* false sharing: 1 worker is the baseline */
        memmove(fs_w + 1, fs_w, sizeof(int) * (size_t)nfs);
        fs_w[0] = 1;
        nfs++;
    }
    printf("sample: >= %.1f ms (inner repetitions doubled until then), %d outer repetitions "
           "after an untimed warm-up\n", target * 1e3, ctx->reps);
    if (usable < 2)
        printf("1 usable CPU: only uncontended (1-worker) points are measured (%d worker "
               "count%s above 1 skipped); contended locks and barriers, handoff, false sharing "
               "and c2c need a second CPU to contend with, so they are skipped\n",
               skipped, skipped == 1 ? "" : "s");
    {
        /* spinlock and ticket skip the oversubscribed counts (see run_lock) */
        int nover = 0, nlock_var = LK_N;
        for (int i = 0; i < nw; i++)
            nover += harness_oversubscribed(ctx, w[i]);
#ifndef _OPENMP
        nlock_var = LK_OMP_CRITICAL; /* the OpenMP variants are skipped */
        nbar = BR_OMP;
#endif
        nlock = nlock_var * nw - 2 * nover;
    }
    harness_plan(ctx, (on[0] ? nrace : 0) + (on[1] ? nlock : 0) + (on[2] ? nbar * nw : 0) +
                          (on[3] && usable >= 2 ? 3 /* handoff variants */ : 0) + (on[4] ? 2 * FS_N * nfs : 0) +
                          (on[5] && usable >= 2 ? sync_c2c_npairs(ctx) : 0));
    pthread_getaffinity_np(pthread_self(), sizeof(saved), &saved);
    ncosts = 0;

    if (rc == EXIT_OK && on[0])
        rc = run_race(ctx, race_w, nrace);
    if (rc == EXIT_OK && on[1])
        rc = run_lock(ctx, w, nw, maxw_in, target);
    if (rc == EXIT_OK && on[2])
        rc = run_barrier(ctx, w, nw, maxw_in, target);
    if (rc == EXIT_OK && on[3] && usable >= 2)
        rc = sync_run_handoff(ctx, target);
    if (rc == EXIT_OK && on[4]) {
        int k = usable >= 2 ? nfs : 1;
        rc = run_false_sharing(ctx, fs_w, k, target,
                               usable >= 2 && harness_oversubscribed(ctx, ctx->workers[ctx->nworkers - 1]));
        if (rc == EXIT_OK && write_fs_table(ctx, fs_w[k - 1]) < 0)
            rc = EXIT_FAIL;
    }
    if (rc == EXIT_OK && on[5] && usable >= 2) {
        rc = sync_run_c2c(ctx, &c2c_n, &c2c_step);
        if (rc == EXIT_OK && sync_write_c2c_table(ctx, c2c_n, c2c_step) < 0)
            rc = EXIT_FAIL;
    }
    pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
    if (rc == EXIT_OK && write_cost_table(ctx) < 0)
        rc = EXIT_FAIL;
    if (rc == EXIT_OK && fs_ratio[0] > 0)
        printf("\nfalse sharing: same-line / padded = %.1fx with stores, %.1fx with atomics\n",
               fs_ratio[0], fs_ratio[1]);
    free(w);
    free(race_w);
    free(fs_w);
    return rc;
}

static const struct lab_option sync_options[] = {
    {"experiment", "LIST", "only these, comma-separated: race,lock,barrier,handoff,false-sharing,c2c"},
    {"sample-ms", "MS", "shortest timed sample in ms (EPCC: 1; default 10; --quick 1)"},
    {"pairs", "N", "c2c: most CPU pairs to measure (default 2048, --quick 64); more CPUs are sampled"},
    {NULL, NULL, NULL},
};

const struct lab lab_sync = {
    .name = "sync",
    .summary = "what synchronisation costs: locks, atomics, barriers, wake-ups, false sharing, c2c",
    .help =
        "The EPCC micro-benchmark method (calibrated inner repetitions, untimed warm-up,\n"
        "outer repetitions, overhead = test - reference loop, outliers counted) applied to:\n"
        "  race           counter++ with no synchronisation: lost updates (a deliberate bug)\n"
        "  lock           ns per operation, 1 worker (uncontended) and more (contended):\n"
        "                 mutex spinlock tas ttas ticket rwlock-read atomic-add cas-loop\n"
        "                 omp-critical omp-atomic omp-reduction\n"
        "  barrier        us per barrier: pthread-barrier spin-barrier omp-barrier\n"
        "  handoff        one-way wake-up latency, us: condvar futex spin\n"
        "  false-sharing  ns per increment: same-line padded local, op=store|atomic\n"
        "  c2c            one-way core-to-core latency per CPU pair, ns (sync-c2c.csv)\n"
        "Charts: plots/sync.gp (cost ladder), sync_fs.gp (false sharing), c2c.gp (heatmap).",
    .options = sync_options,
    .run = sync_run,
    .default_reps = 20,
    .quick_reps = 3,
};
