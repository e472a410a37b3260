/* labs/pool/pool.c: what a task costs, and how big a task must be for a pool to pay.
 *
 * The question: you have many small pieces of work. Hand them to a thread pool, a
 * process pool, OpenMP? Every mechanism charges a fee per task (queueing it, waking a
 * worker, for processes also pickling it and crossing a pipe). If the task is small
 * next to the fee, the parallel version is slower than the plain loop.
 *
 * Like is compared with like. In task-overhead every C thread variant hands over the
 * same empty task in the same way, and the pairs differ only in the library:
 *   one task a submit   parlab-threads-single (pool_submit)   omp-task (#pragma omp task)
 *   a batch a submit    parlab-threads (pool_submit_batch)    omp-taskloop (grainsize 1)
 *   a loop, no tasks    omp-dynamic (parallel for schedule(dynamic,1)), for reference
 * A submitter that creates tasks faster than they run builds a queue. libgomp does not
 * let it grow past 64 tasks a thread: beyond that it runs each new task at once in the
 * thread that creates it ("undeferred"), which is no handover at all and costs almost
 * nothing. So task-overhead keeps at most IN_FLIGHT tasks a worker queued or running
 * (the same window for both libraries): every task is deferred, and the lab counts the
 * tasks the creating thread ran while still creating (inline_share, ~0) to show it.
 * omp-task-nowindow is the same burst without the window: what an "omp task costs
 * 0.05 us" headline measures. granularity then uses each API as a program would, with
 * no window, and records the in-place share beside each efficiency.
 *
 * Four experiments, each at the usable CPU count (or each --workers count):
 *   task-overhead  the fee itself: microseconds per empty task (metric us_per_task),
 *                  for the pairs above, parlab's process pool, and Python's pools
 *                  (with --quick the only experiment that starts joblib's workers:
 *                  they take about a second to start).
 *   granularity    efficiency = (tasks x task time / workers) / elapsed, against the
 *                  task size (param task_us=): a coarse sweep, then for each variant a
 *                  finer one around the sizes where its efficiency crosses 0.5 and 0.9,
 *                  and the break-even sizes read off the finer sweep. The task time is
 *                  that of the same task in a plain loop, timed in the same repetition,
 *                  right before the pooled run: each efficiency is a paired ratio.
 *   chunksize      a process pool pays its fee per message, not per task: send tasks in
 *                  chunks and the fee is shared. Throughput against chunk size for
 *                  multiprocessing.Pool and parlab's process pool, beside joblib's
 *                  automatic batching and the plain loops.
 *   demo           (optional, --experiment demo; make demo-pool) the chunk lesson on
 *                  stage: a process pool fed tiny tasks one at a time, then in chunks
 *                  of 100, each phase held --phase-seconds for parmon to show.
 *
 * Order matters here, and it is a lesson in itself: libgomp's threads do not survive
 * fork(), so a process that forks must never need OpenMP afterwards. In every
 * experiment the Python pools run first, in a child process of their own (a fresh
 * interpreter that forks its pool's workers), then parlab's process pool forks its
 * workers, and only then does OpenMP run. None of the forked processes ever runs
 * OpenMP, which is what makes the later experiments, forked after it, safe too.
 *
 * The Python side is labs/pool/pool_tasks.py (it runs on its own too); the machinery
 * that starts it, and the tables printed, are in pool_python.c and pool_output.c. */
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "pool.h"
#include "pool_lab.h"
#include "pyembed.h"
#include "report.h"
#include "work.h"

/* ---- the work: a task of a chosen size -------------------------------------------------- */

/* One unit = one step of burn() (src/work.h): pure CPU, no memory, cannot be skipped.
 * A task of u units lasts u times the unit time calibrated in prepare(). */
static double ns_per_unit;

/* Who ran the tasks: a counter per thread, each on its own cache line, written only by
 * its thread (a plain load and store, no atomic read-modify-write: about a nanosecond).
 * The creator sums them to keep its window, and to count the tasks it ran itself.
 * Threads past the 127th share the last counter (then with an atomic add). */
#define NCOUNTERS 128
static struct {
    _Alignas(64) _Atomic uint64_t n;
} ran[NCOUNTERS];
static _Atomic int counters_taken;
static _Thread_local int my_counter = -1;
/* Set by the creating thread while it creates: a task it runs then ran in place. */
static _Thread_local int creating;
static _Thread_local uint64_t ran_in_place;

static void count_ran(void)
{
    if (my_counter < 0) {
        int k = atomic_fetch_add(&counters_taken, 1);
        my_counter = k < NCOUNTERS - 1 ? k : NCOUNTERS - 1;
    }
    if (my_counter < NCOUNTERS - 1)
        atomic_store_explicit(&ran[my_counter].n,
                              atomic_load_explicit(&ran[my_counter].n, memory_order_relaxed) + 1,
                              memory_order_release);
    else
        atomic_fetch_add_explicit(&ran[my_counter].n, 1, memory_order_release);
    if (creating)
        ran_in_place++;
}

/* Tasks run so far, by every thread. */
static uint64_t ran_total(void)
{
    int m = atomic_load(&counters_taken);
    uint64_t s = 0;
    m = m < NCOUNTERS ? m : NCOUNTERS;
    for (int i = 0; i < m; i++)
        s += atomic_load_explicit(&ran[i].n, memory_order_acquire);
    return s;
}

/* The task every mechanism runs. With units = 0 it is the "empty task": a call, a count
 * and a return, so what we time is the mechanism. noinline: OpenMP must call it as the
 * pools do, not see through it. */
static __attribute__((noinline)) void task_fn(void *arg)
{
    keep(burn(*(const uint64_t *)arg, 1));
    count_ran();
}

/* The process pool's version: the argument is the size itself. */
static int64_t ptask_fn(int64_t units, void *arg)
{
    (void)arg;
    return (int64_t)burn((uint64_t)units, 1);
}

/* ---- the window: tasks in flight --------------------------------------------------------- */

/* In task-overhead, at most IN_FLIGHT tasks a worker queued or running, and batches of
 * BATCH a worker. libgomp defers a task only while its team holds at most 64 a thread
 * (and a taskloop only if all of it fits), so 48 leaves room for the tasks that have
 * run but that libgomp has not counted off yet. The same window for parlab's pool:
 * like with like. */
#define IN_FLIGHT 48
#define BATCH 16

struct window {
    uint64_t base;  /* ran_total() when the run began */
    uint64_t seen;  /* tasks run, as last read */
    uint64_t limit; /* tasks in flight at most; 0: no window */
};

static void window_start(struct window *win, int w, int on)
{
    win->base = win->seen = ran_total();
    /* one worker has nobody to hand over to: no window (it would wait forever) */
    win->limit = on && w > 1 ? (uint64_t)IN_FLIGHT * (uint64_t)w : 0;
}

/* Before creating k more tasks, `created` so far: wait until they fit. The sum is read
 * only when the last one read says the window is full. */
static void window_wait(struct window *win, uint64_t created, uint64_t k)
{
    unsigned spins = 0;
    if (!win->limit)
        return;
    while (created + k > win->seen - win->base + win->limit) {
        win->seen = ran_total();
        if (created + k <= win->seen - win->base + win->limit)
            break;
        if (++spins < 256)
            cpu_relax();
        else
            sched_yield(); /* a worker may be waiting for this CPU */
    }
}

/* ---- pinning: one thread a CPU ------------------------------------------------------------ */

/* Every thread variant runs with worker i on usable CPU i (the creating thread is 0),
 * always, not only with --pin. A handover needs the submitter and a worker running at
 * the same moment, and two threads that spin while they wait for each other and share
 * one CPU look "cache hot" to the scheduler, which may leave them there for hundreds of
 * ms (seen on the 2-vCPU VM: parlab-threads-single at 10 us a task, every repetition,
 * on 1.00 CPU; the sync lab saw the same). Pinned, a CPU another program holds still
 * shows: the point gets fewer CPUs and is flagged. */
static void pin_pool_thread(int index, void *topo)
{
    topo_pin_thread(topo, index + 1);
}

static _Thread_local struct affinity omp_saved;

/* Pin the creating thread and OpenMP's team of w threads (libgomp keeps the same threads
 * for the next regions of the same size, in the same order). */
static void pin_threads(const struct lab_ctx *ctx, int w, struct affinity *mine)
{
    affinity_save(mine);
#pragma omp parallel num_threads(w)
    {
        if (omp_get_thread_num() > 0)
            affinity_save(&omp_saved);
        topo_pin_thread(ctx->topo, omp_get_thread_num());
    }
}

static void unpin_threads(int w, const struct affinity *mine)
{
#pragma omp parallel num_threads(w)
    if (omp_get_thread_num() > 0)
        affinity_restore(&omp_saved);
    affinity_restore(mine);
}

/* ---- the mechanisms, each running n tasks of `units` with w workers --------------------- */

struct mech {
    int w;
    int window;        /* 1: hand every task over (task-overhead); 0: as a program would */
    struct pool *tp;   /* parlab-threads: w - 1 threads plus the caller, like OpenMP */
    struct ppool *pp;  /* parlab-procs: w forked workers */
    int64_t *in, *out; /* the process pool's arguments and results */
    size_t cap;
    size_t chunk;      /* process pool chunk size; 0 = automatic, n / (4 w) as multiprocessing */
    uint64_t in_place; /* tasks the creating thread ran while creating, in the last run */
};

typedef void (*mech_run)(struct mech *m, uint64_t units, size_t n);

/* One pool_submit a task. The caller then waits, running tasks too (pool_wait). With no
 * window the ring fills (4096 tasks) and the submitter runs queued tasks itself until
 * there is room: those ran in place. */
static void run_threads_single(struct mech *m, uint64_t units, size_t n)
{
    struct window win;
    window_start(&win, m->w, m->window);
    ran_in_place = 0, creating = 1;
    for (size_t i = 0; i < n; i++) {
        window_wait(&win, i, 1);
        pool_submit(m->tp, task_fn, &units);
    }
    creating = 0, m->in_place = ran_in_place;
    pool_wait(m->tp);
}

/* One #pragma omp task a task: one thread creates them, the team runs them, and the
 * barrier at the end of the parallel region waits for all of them. With no window,
 * libgomp runs every task past 64 a thread at once in the creating thread. */
static void omp_tasks(struct mech *m, uint64_t units, size_t n, int window)
{
#pragma omp parallel num_threads(m->w)
#pragma omp single
    {
        struct window win;
        window_start(&win, m->w, window);
        ran_in_place = 0, creating = 1;
        for (size_t i = 0; i < n; i++) {
            window_wait(&win, i, 1);
#pragma omp task firstprivate(units)
            task_fn(&units);
        }
        creating = 0, m->in_place = ran_in_place;
    }
}

static void run_omp_task(struct mech *m, uint64_t units, size_t n)
{
    omp_tasks(m, units, n, m->window);
}

static void run_omp_task_nowindow(struct mech *m, uint64_t units, size_t n)
{
    omp_tasks(m, units, n, 0);
}

/* pool_submit_batch: one claim of the ring, one publication and at most one wake-up for
 * the whole batch. With the window, BATCH tasks a worker at a time (as the taskloop);
 * without it, all n in one call. */
static void run_threads(struct mech *m, uint64_t units, size_t n)
{
    struct window win;
    size_t b = m->window ? (size_t)BATCH * (size_t)m->w : n;
    window_start(&win, m->w, m->window);
    ran_in_place = 0, creating = 1;
    for (size_t i = 0; i < n; i += b) {
        size_t k = n - i < b ? n - i : b;
        window_wait(&win, i, k);
        pool_submit_batch(m->tp, task_fn, &units, 0, k);
    }
    creating = 0, m->in_place = ran_in_place;
    pool_wait(m->tp);
}

/* The OpenMP batch: a taskloop of BATCH tasks a worker of one iteration each, nogroup
 * (the creator goes on at once, as after pool_submit_batch), in the window. */
static void run_omp_taskloop(struct mech *m, uint64_t units, size_t n)
{
#pragma omp parallel num_threads(m->w)
#pragma omp single
    {
        struct window win;
        size_t b = (size_t)BATCH * (size_t)m->w;
        window_start(&win, m->w, 1);
        ran_in_place = 0, creating = 1;
        for (size_t i = 0; i < n; i += b) {
            size_t k = n - i < b ? n - i : b;
            window_wait(&win, i, k);
#pragma omp taskloop grainsize(1) nogroup firstprivate(units)
            for (size_t j = 0; j < k; j++)
                task_fn(&units);
        }
        creating = 0, m->in_place = ran_in_place;
    }
}

/* A loop whose iterations are handed out one at a time: no task objects at all, just
 * a shared counter, which is why it is the cheapest way to share out a loop. */
static void run_omp_dynamic(struct mech *m, uint64_t units, size_t n)
{
#pragma omp parallel for schedule(dynamic, 1) num_threads(m->w)
    for (size_t i = 0; i < n; i++)
        task_fn(&units);
}

static size_t auto_chunk(size_t n, int w)
{
    size_t c = (n + 4 * (size_t)w - 1) / (4 * (size_t)w); /* multiprocessing.Pool.map's rule */
    return c < 1 ? 1 : c;
}

static void run_procs(struct mech *m, uint64_t units, size_t n)
{
    if (n > m->cap) {
        m->cap = n;
        m->in = xrealloc(m->in, n * sizeof(int64_t));
        m->out = xrealloc(m->out, n * sizeof(int64_t));
    }
    for (size_t i = 0; i < n; i++)
        m->in[i] = (int64_t)units;
    if (ppool_map(m->pp, m->in, m->out, n, m->chunk ? m->chunk : auto_chunk(n, m->w)) < 0)
        die("parlab-procs: %s", ppool_error(m->pp));
}

/* The plain loop every pool must beat. */
static void run_sequential(struct mech *m, uint64_t units, size_t n)
{
    (void)m;
    for (size_t i = 0; i < n; i++)
        task_fn(&units);
}

/* The C variants, pairs side by side. tasks: hands task objects over through a queue
 * (its in-place share is counted); threads: its threads spin while they wait, so it
 * wants a CPU each (a point that did not get them was disturbed); overhead_only:
 * measured in task-overhead only (granularity runs every variant without the window,
 * as a program would, so these two would repeat omp-task and parlab-threads there). */
static const struct {
    const char *name;
    mech_run run;
    int tasks, threads, overhead_only;
} c_mechs[] = {
    {"parlab-threads-single", run_threads_single, 1, 1, 0}, /* pool_submit, one a task */
    {"omp-task", run_omp_task, 1, 1, 0},                    /* #pragma omp task, one a task */
    {"parlab-threads", run_threads, 1, 1, 0},               /* pool_submit_batch */
    {"omp-taskloop", run_omp_taskloop, 1, 1, 1},            /* taskloop, 16 a worker */
    {"omp-task-nowindow", run_omp_task_nowindow, 1, 1, 1},  /* no window: mostly in place */
    {"omp-dynamic", run_omp_dynamic, 0, 1, 0},              /* parallel for schedule(dynamic,1) */
    {"parlab-procs", run_procs, 0, 0, 0},                   /* ppool_map, chunks of n/(4w) */
};
#define NC ((int)ARRAY_SIZE(c_mechs))
#define NC_GRAIN (NC - 2) /* the variants granularity measures */

/* Every worker count's pools, started together: the process pools fork here, before
 * this experiment's first OpenMP region and before this thread is pinned (a forked
 * worker keeps the affinity of the thread that forked it). */
static struct mech *mechs_start(const struct lab_ctx *ctx, const struct pool_plan *p)
{
    struct mech *m = xcalloc((size_t)p->nws, sizeof(*m));
    for (int i = 0; i < p->nws; i++) {
        m[i].w = p->ws[i];
        m[i].tp = pool_create_with(p->ws[i] - 1, 0, pin_pool_thread, ctx->topo);
        m[i].pp = ppool_create(p->ws[i], ptask_fn, NULL);
        if (!m[i].tp || !m[i].pp)
            die("cannot start the pools for %d workers: %s", p->ws[i], strerror(errno));
    }
    return m;
}

static void mechs_stop(struct mech *m, int n)
{
    for (int i = 0; i < n; i++) {
        pool_destroy(m[i].tp);
        ppool_destroy(m[i].pp);
        free(m[i].in), free(m[i].out);
    }
    free(m);
}

/* One timed batch as a repetition of pt: records seconds and the CPUs it used (the
 * process pool's workers' CPU too, which the OS has not added to ours). */
static double timed_batch(struct lab_ctx *ctx, const struct point *pt, int rep, struct mech *m,
                          mech_run run, uint64_t units, size_t n)
{
    struct harness_clock c;
    int procs = run == run_procs;
    double kids = procs ? harness_children_cpu_s() : 0;
    harness_clock_start(ctx, &c, pt);
    run(m, units, n);
    if (procs)
        kids = harness_children_cpu_s() - kids;
    return harness_clock_stop(ctx, pt, rep, &c, kids);
}

/* ---- the plan: worker counts, task sizes, chunk sizes ---------------------------------------- */

/* The coarse sweeps, one size a decade; each variant then gets refine_* more sizes
 * around each of its crossings (pool_refine). */
static const double sizes_c_full[] = {0.001, 0.01, 0.1, 1, 10, 100, 1000, 10000};
static const double sizes_c_quick[] = {0.001, 0.01, 0.1, 1, 10, 1000};
static const double sizes_py_full[] = {1, 10, 100, 1000, 10000};
static const double sizes_py_quick[] = {1, 10, 100, 1000};
static const int chunks_full[] = {1, 3, 10, 30, 100, 300, 1000};
static const int chunks_quick[] = {1, 10, 100, 1000};

void pool_plan_get(const struct lab_ctx *ctx, struct pool_plan *p)
{
    memset(p, 0, sizeof(*p));
    /* At the usable CPU count unless --workers says otherwise: the question is what a
     * pool costs on the machine you have, not how it scales. */
    if (ctx->workers_given)
        for (int i = 0; i < ctx->nworkers && p->nws < (int)ARRAY_SIZE(p->ws); i++)
            p->ws[p->nws++] = ctx->workers[i];
    else
        p->ws[p->nws++] = ctx->topo->usable;
    p->sizes_c = ctx->quick ? sizes_c_quick : sizes_c_full;
    p->nsizes_c = ctx->quick ? (int)ARRAY_SIZE(sizes_c_quick) : (int)ARRAY_SIZE(sizes_c_full);
    p->sizes_py = ctx->quick ? sizes_py_quick : sizes_py_full;
    p->nsizes_py = ctx->quick ? (int)ARRAY_SIZE(sizes_py_quick) : (int)ARRAY_SIZE(sizes_py_full);
    p->refine_c = 2;
    p->refine_py = ctx->quick ? 1 : 2;
    p->chunks = ctx->quick ? chunks_quick : chunks_full;
    p->nchunks = ctx->quick ? (int)ARRAY_SIZE(chunks_quick) : (int)ARRAY_SIZE(chunks_full);
    p->chunk_us = lab_opt(ctx, "chunk-task-us");
    p->python = lab_opt(ctx, "python") == 1 && pyembed_available();
}

/* ---- experiment 1: task-overhead ------------------------------------------------------------- */

/* Empty tasks, as many as make a sample last `target`: the fee per task, in us, and for
 * the task variants the share of them that the creating thread ran in place. */
struct overhead_run {
    struct mech *m;
    mech_run run;
};

static double overhead_seconds(void *arg, uint64_t n)
{
    struct overhead_run *o = arg;
    double t0 = now_s();
    o->run(o->m, 0, (size_t)n);
    return now_s() - t0;
}

static double workers_cpu(void *arg)
{
    (void)arg;
    return harness_children_cpu_s();
}

static int overhead_point(struct lab_ctx *ctx, struct mech *m, int v)
{
    int procs = c_mechs[v].run == run_procs;
    double target = ctx->quick ? 0.004 : 0.03;
    struct overhead_run o = {m, c_mechs[v].run};
    struct harness_work work = {.timed = overhead_seconds, .arg = &o,
                                .live_cpu = procs ? workers_cpu : NULL};
    /* Thread variants keep every thread busy (working, or spinning while it waits for
     * the next task): a point that got fewer CPUs was disturbed by other programs, and
     * is flagged. A process pool's workers wait in system calls: not judged. */
    struct point pt = {"task-overhead", c_mechs[v].name, m->w, procs ? "chunksize=1" : "",
                       c_mechs[v].threads ? harness_cores_for(ctx, m->w) : 0};
    uint64_t n;
    m->chunk = 1;  /* the process pool's raw fee: one message per task */
    m->window = 1; /* every task handed over */
    harness_point(ctx, &pt);
    n = harness_calibrate(&work, target, procs ? 64 : 1024, procs ? 200000 : 20000000);
    for (int rep; harness_next_rep(ctx, &rep);) {
        struct harness_clock c;
        double kids = procs ? harness_children_cpu_s() : 0, t;
        harness_clock_start(ctx, &c, &pt);
        c_mechs[v].run(m, 0, (size_t)n);
        if (procs)
            kids = harness_children_cpu_s() - kids;
        t = harness_clock_stop(ctx, &pt, rep, &c, kids);
        if (rep == 0)
            continue;
        results_add(ctx->res, &pt, rep, "us_per_task", t * 1e6 / (double)n, "us");
        if (c_mechs[v].tasks)
            results_add(ctx->res, &pt, rep, "inline_share", (double)m->in_place / (double)n, "fraction");
    }
    m->chunk = 0, m->window = 0;
    return harness_interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
}

static int overhead_points(const struct lab_ctx *ctx)
{
    struct pool_plan p;
    pool_plan_get(ctx, &p);
    return p.nws * (NC + 4 * p.python);
}

static int task_overhead(struct lab_ctx *ctx)
{
    struct pool_plan p;
    struct mech *m;
    int rc;
    pool_plan_get(ctx, &p);
    /* 1. Python's pools, in a child that never ran OpenMP (see the top of the file) */
    if ((rc = pool_python(ctx, &p, "task-overhead")) != EXIT_OK)
        return rc;
    /* 2. parlab's pools (the process pool forks now), then OpenMP */
    m = mechs_start(ctx, &p);
    for (int i = 0; i < p.nws && rc == EXIT_OK; i++) {
        struct affinity mine;
        pin_threads(ctx, m[i].w, &mine);
        for (int v = 0; v < NC && rc == EXIT_OK; v++)
            rc = overhead_point(ctx, &m[i], v);
        unpin_threads(m[i].w, &mine);
    }
    mechs_stop(m, p.nws);
    if (rc == EXIT_OK)
        pool_print_overhead(ctx, &p);
    return rc;
}

/* ---- experiment 2: granularity --------------------------------------------------------------- */

/* Seconds one task of `units` takes in the plain loop, now: the fastest of three loops
 * of `loop_s` (a loop that was preempted must not make the task look longer, and the
 * pool better, than it is). */
static double loop_task_seconds(uint64_t units, double loop_s)
{
    size_t n = (size_t)(loop_s / fmax(units * ns_per_unit * 1e-9, 1e-9)) + 1;
    double best = INFINITY;
    for (int k = 0; k < 3; k++) {
        double t0 = now_s(), t;
        run_sequential(NULL, units, n);
        t = (now_s() - t0) / (double)n;
        best = t < best ? t : best;
    }
    return best;
}

/* The CPUs a point's work can use (point.cores_wanted), so that the harness flags a
 * point that got fewer while other programs ran. Asked for only where the task is long
 * next to every mechanism's fee: below that, CPUs idle because of the fee itself, which
 * is what this experiment measures, not a disturbance. (pool_tasks.py: the same rule.) */
#define CPU_BOUND_US 1000

/* n tasks of task_us with one mechanism. Each repetition times the task in a plain loop,
 * then the pooled run: efficiency = (n x loop time / w) / pooled time, a ratio of two
 * times taken moments apart, so a change in the machine's speed between repetitions
 * moves both. */
static int granularity_point(struct lab_ctx *ctx, struct mech *m, int v, double task_us)
{
    char param[32];
    uint64_t units = (uint64_t)(task_us * 1000 / ns_per_unit);
    double target = ctx->quick ? 0.004 : 0.03, loop_s = ctx->quick ? 0.0005 : 0.001, want;
    struct point pt = {"granularity", c_mechs[v].name, m->w,
                       fmt_param(param, sizeof(param), "task_us=%g", task_us),
                       task_us >= CPU_BOUND_US ? harness_cores_for(ctx, m->w) : 0};
    size_t n;
    harness_point(ctx, &pt);
    /* As many tasks as make `target` seconds of work a worker (at least 16 tasks a
     * worker), so that what a run costs once (waking the workers, starting a parallel
     * region) weighs the same at every size, up to a cap: below ~0.1 us a task that
     * much work would take millions of tasks, and the fee alone would last long. */
    want = target * m->w / loop_task_seconds(units, loop_s);
    n = (size_t)fmin(fmax(want, 16.0 * m->w), ctx->quick ? 5e4 : 4e5);
    for (int rep; harness_next_rep(ctx, &rep);) {
        double t_task = loop_task_seconds(units, loop_s);
        double secs = timed_batch(ctx, &pt, rep, m, c_mechs[v].run, units, n);
        if (rep == 0)
            continue;
        results_add(ctx->res, &pt, rep, "efficiency", (double)n * t_task / m->w / secs, "fraction");
        results_add(ctx->res, &pt, rep, "task_us_loop", t_task * 1e6, "us");
        if (c_mechs[v].tasks)
            results_add(ctx->res, &pt, rep, "inline_share", (double)m->in_place / (double)n, "fraction");
    }
    return harness_interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
}

static int granularity_points(const struct lab_ctx *ctx)
{
    struct pool_plan p;
    pool_plan_get(ctx, &p);
    /* the four Python pools; --quick measures joblib in task-overhead only */
    return p.nws * (NC_GRAIN * (p.nsizes_c + 2 * p.refine_c) +
                    (ctx->quick ? 3 : 4) * p.python * (p.nsizes_py + 2 * p.refine_py));
}

int pool_refine(const double *us, const double *eff, int n, int per_level, double *out,
                const char **why)
{
    static const double levels[] = {0.5, 0.9};
    int lo[2], nb = 0, k = 0;
    double top = -INFINITY;
    for (int i = 0; i < n; i++)
        top = isnan(eff[i]) ? top : fmax(top, eff[i]);
    for (int l = 0; l < 2; l++) {
        int i = 0;
        while (i < n && (isnan(eff[i]) || eff[i] < levels[l]))
            i++;
        if (i == n || i == 0 || isnan(eff[i - 1]))
            continue; /* never reached, or reached at the smallest size */
        if (nb == 0 || lo[nb - 1] != i - 1)
            lo[nb++] = i - 1;
    }
    if (nb == 0) {
        *why = n > 0 && isfinite(top) && top < 0.5 ? "its efficiency stays below 0.5: no crossing to refine"
                                                   : "no crossing of 0.5 or 0.9 between two sizes to refine";
        return 0;
    }
    for (int b = 0; b < nb; b++) {
        /* both levels' sizes into a lone interval; per_level into each of two */
        int m = nb == 1 ? 2 * per_level : per_level;
        double a = us[lo[b]], r = us[lo[b] + 1] / a;
        for (int j = 1; j <= m; j++) {
            char buf[32];
            snprintf(buf, sizeof(buf), "%.3g", a * pow(r, (double)j / (m + 1)));
            out[k++] = atof(buf);
        }
    }
    *why = "";
    return k;
}

/* The coarse sizes' medians for variant v, then its finer sizes. */
static int refine_variant(struct lab_ctx *ctx, const struct pool_plan *p, int w, int v,
                          double *out, const char **why)
{
    double eff[16];
    char param[32];
    for (int s = 0; s < p->nsizes_c; s++) {
        struct point pt = {"granularity", c_mechs[v].name, w,
                           fmt_param(param, sizeof(param), "task_us=%g", p->sizes_c[s]), 0};
        eff[s] = results_median(ctx->res, &pt, "efficiency");
    }
    return pool_refine(p->sizes_c, eff, p->nsizes_c, p->refine_c, out, why);
}

static int granularity(struct lab_ctx *ctx)
{
    struct pool_plan p;
    struct mech *m;
    int rc;
    pool_plan_get(ctx, &p);
    if ((rc = pool_python(ctx, &p, "granularity")) != EXIT_OK)
        return rc;
    m = mechs_start(ctx, &p);
    for (int i = 0; i < p.nws && rc == EXIT_OK; i++) {
        double fine[NC][8];
        const char *why[NC];
        int nfine[NC];
        struct affinity mine;
        pin_threads(ctx, m[i].w, &mine);
        /* the coarse sweep: every variant at one size, then the next size */
        for (int s = 0; s < p.nsizes_c && rc == EXIT_OK; s++)
            for (int v = 0; v < NC && rc == EXIT_OK; v++)
                if (!c_mechs[v].overhead_only)
                    rc = granularity_point(ctx, &m[i], v, p.sizes_c[s]);
        if (rc != EXIT_OK) {
            unpin_threads(m[i].w, &mine);
            break;
        }
        /* the finer one, around each variant's own crossings */
        for (int v = 0; v < NC; v++)
            nfine[v] = c_mechs[v].overhead_only ? 0 : refine_variant(ctx, &p, m[i].w, v, fine[v], &why[v]);
        for (int j = 0; j < 2 * p.refine_c && rc == EXIT_OK; j++)
            for (int v = 0; v < NC && rc == EXIT_OK; v++) {
                if (c_mechs[v].overhead_only)
                    continue;
                if (j < nfine[v]) {
                    rc = granularity_point(ctx, &m[i], v, fine[v][j]);
                } else {
                    char param[32];
                    struct point pt = {"granularity", c_mechs[v].name, m[i].w,
                                       fmt_param(param, sizeof(param), "refine=%d", j + 1), 0};
                    harness_skip(ctx, &pt, "%s", why[v]);
                }
            }
        unpin_threads(m[i].w, &mine);
    }
    mechs_stop(m, p.nws);
    if (rc == EXIT_OK)
        pool_print_granularity(ctx, &p);
    return rc;
}

/* ---- experiment 3: chunksize ----------------------------------------------------------------- */

/* Tasks a second: n tasks of the chunksize experiment's size, per repetition. */
static int throughput_point(struct lab_ctx *ctx, const struct point *pt, struct mech *m,
                            mech_run run)
{
    uint64_t units = (uint64_t)(lab_opt(ctx, "chunk-task-us") * 1000 / ns_per_unit);
    size_t n = ctx->quick ? 500 : 4000;
    harness_point(ctx, pt);
    for (int rep; harness_next_rep(ctx, &rep);) {
        double secs = timed_batch(ctx, pt, rep, m, run, units, n);
        if (rep > 0)
            results_add(ctx->res, pt, rep, "tasks_per_s", (double)n / secs, "1/s");
    }
    return harness_interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
}

static int chunksize_points(const struct lab_ctx *ctx)
{
    struct pool_plan p;
    pool_plan_get(ctx, &p);
    /* per worker count: the chunk sizes (C and multiprocessing) and joblib (not with
     * --quick: pool_tasks.py); the two plain loops once */
    return p.nws * (p.nchunks + p.python * (p.nchunks + !ctx->quick)) + 1 + p.python;
}

static int chunksize(struct lab_ctx *ctx)
{
    struct pool_plan p;
    struct mech *m;
    char param[64];
    int rc;
    pool_plan_get(ctx, &p);
    if ((rc = pool_python(ctx, &p, "chunksize")) != EXIT_OK)
        return rc;
    m = mechs_start(ctx, &p);
    for (int i = 0; i < p.nws && rc == EXIT_OK; i++)
        for (int c = 0; c < p.nchunks && rc == EXIT_OK; c++) {
            /* cores_wanted 0: the fee or the split of the tasks limits the throughput
             * here (the question itself), not the CPUs */
            struct point pt = {"chunksize", "parlab-procs", m[i].w,
                               fmt_param(param, sizeof(param), "chunksize=%d;task_us=%g",
                                         p.chunks[c], p.chunk_us), 0};
            m[i].chunk = (size_t)p.chunks[c];
            rc = throughput_point(ctx, &pt, &m[i], run_procs);
            m[i].chunk = 0;
        }
    if (rc == EXIT_OK) { /* the loop the pools must beat: no workers, so once */
        struct point pt = {"chunksize", "sequential", 1,
                           fmt_param(param, sizeof(param), "chunksize=1;task_us=%g", p.chunk_us), 1};
        rc = throughput_point(ctx, &pt, NULL, run_sequential);
    }
    mechs_stop(m, p.nws);
    if (rc == EXIT_OK)
        pool_print_chunksize(ctx, &p);
    return rc;
}

/* ---- experiment 4 (optional): demo, the chunk lesson on stage ---------------------------------- */

/* A process pool of one worker a CPU gets tiny tasks (DEMO_TASK_US), first one a
 * message, then 100 a message, each phase held --phase-seconds so that parmon can show
 * it: in both phases the cores are busy, and the second does many times the work. */
#define DEMO_TASK_US 2.0
static const int demo_chunks[] = {1, 100};

static int demo_workers(const struct lab_ctx *ctx)
{
    return ctx->workers_given ? ctx->workers[ctx->nworkers - 1] : ctx->topo->usable;
}

static int demo_points(const struct lab_ctx *ctx)
{
    (void)ctx;
    return (int)ARRAY_SIZE(demo_chunks);
}

static int demo(struct lab_ctx *ctx)
{
    int w = demo_workers(ctx), rc = EXIT_OK;
    double phase = lab_opt(ctx, "phase-seconds");
    uint64_t units = (uint64_t)(DEMO_TASK_US * 1000 / ns_per_unit);
    struct mech m = {.w = w};
    char param[64];
    m.pp = ppool_create(w, ptask_fn, NULL);
    if (!m.pp)
        die("cannot start a process pool of %d workers: %s", w, strerror(errno));
    harness_note(ctx, "demo: a process pool of %d workers, tasks of %g us, %g s a phase: watch "
                      "parmon's cores, then the tasks a second below",
                 w, DEMO_TASK_US, phase);
    for (int k = 0; k < (int)ARRAY_SIZE(demo_chunks) && rc == EXIT_OK; k++) {
        struct point pt = {"demo", "parlab-procs", w,
                           fmt_param(param, sizeof(param), "phase=%d;chunksize=%d;task_us=%g", k + 1,
                                     demo_chunks[k], DEMO_TASK_US), 0};
        /* the warm-up short, then the phase split into the repetitions */
        double rep_s = phase / ctx->reps, warm_s = fmin(0.2, rep_s);
        harness_point(ctx, &pt);
        m.chunk = (size_t)demo_chunks[k];
        for (int rep; harness_next_rep(ctx, &rep);) {
            struct harness_clock c;
            double kids = harness_children_cpu_s(), t, t0 = now_s(), stop = rep ? rep_s : warm_s;
            uint64_t tasks = 0;
            harness_clock_start(ctx, &c, &pt);
            while (now_s() - t0 < stop && !harness_interrupted()) {
                run_procs(&m, units, 1000);
                tasks += 1000;
            }
            kids = harness_children_cpu_s() - kids;
            t = harness_clock_stop(ctx, &pt, rep, &c, kids);
            if (rep > 0)
                results_add(ctx->res, &pt, rep, "tasks_per_s", (double)tasks / t, "1/s");
        }
        rc = harness_interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
    }
    ppool_destroy(m.pp);
    free(m.in), free(m.out);
    if (rc == EXIT_OK)
        pool_print_demo(ctx, w);
    return rc;
}

/* ---- before the first experiment: the unit of work ---------------------------------------------- */

static void burn_units(void *arg, uint64_t n)
{
    (void)arg;
    keep(burn(opaque(n), 1));
}

static int prepare(struct lab_ctx *ctx)
{
    struct pool_plan p;
    struct harness_work w = {.run = burn_units};
    pool_plan_get(ctx, &p);
    /* How long one unit takes on this core: the fastest of a few ~2 ms runs (a run that
     * was preempted would make the unit look slower and every task shorter than its
     * label; short runs are less often preempted). Each task size is then a number of
     * units. On a busy machine it can still be off: granularity prints the time a task
     * really took in the plain loop beside its label. */
    ns_per_unit = 1e9 / harness_rate(&w, 0.002);
    printf("%d usable CPU%s; workers: ", ctx->topo->usable, ctx->topo->usable == 1 ? "" : "s");
    for (int i = 0; i < p.nws; i++)
        printf("%s%d%s", i ? ", " : "", p.ws[i],
               harness_oversubscribed(ctx, p.ws[i]) ? " (oversubscribed)" : "");
    printf("; a unit of work (one LCG step) takes %.2f ns here\n", ns_per_unit);
    if (lab_opt(ctx, "python") == 0)
        printf("py-* variants: not run (--python 0)\n");
    else if (!pyembed_available())
        printf("py-* variants: not run: %s\n", pyembed_unavailable_reason());
    if (ctx->topo->usable == 1)
        printf("one usable CPU: no pool can beat the loop here; efficiency shows only what the fee costs\n");
    return EXIT_OK;
}

/* Every experiment starts a thread pool and forks a process pool of each worker count. */
static const char *check(const struct lab_ctx *ctx)
{
    for (int i = 0; i < ctx->nworkers; i++)
        if (ctx->workers[i] > 256)
            return "--workers: pool starts that many threads and forks that many processes "
                   "per experiment; 256 at most";
    return NULL;
}

/* ---- the lesson's claims, judged on the numbers (parlab report) ------------------------------- */

/* The row of (experiment, variant, workers, metric) whose param starts with prefix. */
static const struct sumrow *row_prefix(const struct report_lab *l, const char *exp,
                                       const char *variant, int w, const char *prefix,
                                       const char *metric)
{
    for (int i = 0; i < l->nrows; i++) {
        const struct sumrow *r = &l->rows[i];
        if (r->workers == w && !strcmp(r->experiment, exp) && !strcmp(r->variant, variant) &&
            !strcmp(r->metric, metric) && !strncmp(r->param, prefix, strlen(prefix)))
            return r;
    }
    return NULL;
}

/* task_us of a granularity row's param, or NAN. */
static double row_task_us(const struct sumrow *r)
{
    return strncmp(r->param, "task_us=", 8) ? NAN : atof(r->param + 8);
}

/* Like with like: one task a submit, every task deferred on both sides. parlab's pool
 * claims a ring position with one compare-and-swap and wakes a worker only if one
 * sleeps; libgomp takes its team's lock, allocates the task, and wakes the team's idle
 * threads with a system call. omp-task's in-place share must be ~0, or it was not a
 * handover. */
static void judge_single_vs_omp(const struct report_lab *l, struct claim_out *o)
{
    int w = report_top_workers(l, "task-overhead", "omp-task", "", "us_per_task", 2);
    const struct sumrow *inl = report_row(l, "task-overhead", "omp-task", w, "", "inline_share");
    if (!claim_needs_cpus(o, l, 2))
        return;
    if (w == 0) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "omp-task was not measured with 2 or more workers");
        return;
    }
    if (inl && inl->median > 0.01) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "libgomp ran %.0f%% of omp-task's tasks in place "
                                              "(undeferred): not a handover", 100 * inl->median);
        return;
    }
    claim_ratio_at_least(o, l, report_row(l, "task-overhead", "omp-task", w, "", "us_per_task"),
                         report_row(l, "task-overhead", "parlab-threads-single", w, "", "us_per_task"),
                         1, "omp-task / parlab-threads-single per empty task, both deferred, %d workers", w);
}

/* A fee per task, one task handed over at a time: a process pool pays a pipe round trip,
 * a thread pool a compare-and-swap and a store. */
static void judge_threads_vs_procs(const struct report_lab *l, struct claim_out *o)
{
    int w = report_top_workers(l, "task-overhead", "parlab-procs", "chunksize=1", "us_per_task", 1);
    claim_ratio_at_least(o, l,
                         report_row(l, "task-overhead", "parlab-procs", w, "chunksize=1", "us_per_task"),
                         report_row(l, "task-overhead", "parlab-threads-single", w, "", "us_per_task"),
                         10, "parlab-procs / parlab-threads-single per empty task, %d worker%s", w,
                         w == 1 ? "" : "s");
}

/* Python's variants are missing with --python 0 or a build without Python. */
static bool python_measured(struct claim_out *o, int w)
{
    if (w == 0)
        claim_verdict(o, VERDICT_CANNOT_TELL, "the Python pools were not measured in these "
                                              "results (--python 0, or parlab built without Python)");
    return w > 0;
}

static void judge_python_threads(const struct report_lab *l, struct claim_out *o)
{
    int w = report_top_workers(l, "task-overhead", "py-thread-pool", "", "us_per_task", 1);
    if (!python_measured(o, w))
        return;
    claim_ratio_at_least(o, l, report_row(l, "task-overhead", "py-thread-pool", w, "", "us_per_task"),
                         report_row(l, "task-overhead", "parlab-threads-single", w, "", "us_per_task"),
                         10, "py-thread-pool / parlab-threads-single per empty task, %d worker%s", w,
                         w == 1 ? "" : "s");
}

/* Efficiency at the smallest and the largest task of parlab's thread pool fed one task
 * at a time. (Batched, the same pool hands an empty task over in a few ns, close enough
 * to the task itself that the smallest size is no clear loss on every machine: two
 * hyperthreads of one core share their cache and hand over almost for free.) */
static void judge_pays_above_size(const struct report_lab *l, struct claim_out *o)
{
    static const char *const v = "parlab-threads-single";
    const struct sumrow *small = NULL, *large = NULL;
    struct claim_out part = {0};
    int w = report_top_workers(l, "granularity", v, NULL, "efficiency", 2);
    if (!claim_needs_cpus(o, l, 2))
        return;
    for (int i = 0; i < l->nrows; i++) {
        const struct sumrow *r = &l->rows[i];
        if (r->workers != w || strcmp(r->experiment, "granularity") || strcmp(r->variant, v) ||
            strcmp(r->metric, "efficiency") || isnan(row_task_us(r)))
            continue;
        if (!small || row_task_us(r) < row_task_us(small))
            small = r;
        if (!large || row_task_us(r) > row_task_us(large))
            large = r;
    }
    if (!small || small == large) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "%s was not measured at two task sizes with 2 or "
                                              "more workers", v);
        return;
    }
    claim_at_most(o, l, small, 0.5, "%s, %d workers, tasks of %g us", v, w, row_task_us(small));
    claim_at_least(&part, l, large, 0.8, "tasks of %g us", row_task_us(large));
    claim_merge(o, &part, 0);
}

/* Chunks share the per-message fee: multiprocessing.Pool's throughput at chunksize 100
 * against chunksize 1. (parlab's process pool gains less, its fee being smaller: its
 * ratio is printed, not claimed.) */
static void judge_chunking(const struct report_lab *l, struct claim_out *o)
{
    double us = atof(report_meta(l, "option_chunk-task-us"));
    int w = report_top_workers(l, "chunksize", "py-mp-pool", NULL, "tasks_per_s", 1);
    if (us > 10) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "this run's tasks were %g us (--chunk-task-us): the "
                                              "claim is about tasks of 10 us or less", us);
        return;
    }
    if (!python_measured(o, w))
        return;
    claim_ratio_at_least(o, l, row_prefix(l, "chunksize", "py-mp-pool", w, "chunksize=100;", "tasks_per_s"),
                         row_prefix(l, "chunksize", "py-mp-pool", w, "chunksize=1;", "tasks_per_s"), 2,
                         "py-mp-pool tasks a second, chunksize 100 / chunksize 1, %d worker%s", w,
                         w == 1 ? "" : "s");
}

/* The demo's two phases: the same pool, the same tasks, chunks of 100 against one a
 * message. */
static void judge_demo(const struct report_lab *l, struct claim_out *o)
{
    int w = report_top_workers(l, "demo", "parlab-procs", NULL, "tasks_per_s", 1);
    claim_ratio_at_least(o, l, row_prefix(l, "demo", "parlab-procs", w, "phase=2;", "tasks_per_s"),
                         row_prefix(l, "demo", "parlab-procs", w, "phase=1;", "tasks_per_s"), 3,
                         "demo: tasks a second in chunks of 100 / one a message, %d worker%s", w,
                         w == 1 ? "" : "s");
}

static const struct lab_claim pool_claims[] = {
    {"task-overhead", "Like with like, one task a submit and every task deferred, parlab's thread pool "
                      "costs no more per task than libgomp's omp task",
     judge_single_vs_omp},
    {"task-overhead", "A thread pool's fee per task is far below a process pool's: handing over one "
                      "task at a time, parlab's process pool costs at least 10x its thread pool",
     judge_threads_vs_procs},
    {"task-overhead", "Python's ThreadPoolExecutor costs far more per task than a C thread pool: "
                      "at least 10x parlab's, one task at a time each", judge_python_threads},
    {"granularity", "A pool pays only above a task size: fed one task at a time, parlab's thread pool "
                    "runs the smallest tasks at an efficiency of 0.5 or less and the largest at 0.8 "
                    "or more", judge_pays_above_size},
    {"chunksize", "Chunking cuts a process pool's fee: with tasks of 10 us, multiprocessing.Pool "
                  "sending 100 tasks a message moves at least 2x the tasks a second it moves sending one",
     judge_chunking},
    {"demo", "On stage too: the same process pool, on the same cores, moves at least 3x the tasks a "
             "second when it sends them in chunks of 100 instead of one a message", judge_demo},
    {NULL, NULL, NULL},
};

/* ---- the lab ---------------------------------------------------------------------------------- */

static const struct lab_experiment pool_experiments[] = {
    {"task-overhead", "microseconds per empty task: parlab's pools and OpenMP like with like, Python's pools",
     task_overhead, overhead_points, 0},
    {"granularity", "efficiency against task size, paired with the plain loop; break-even sizes from a "
                    "finer sweep around each crossing",
     granularity, granularity_points, 0},
    {"chunksize", "process pool throughput against chunk size, beside joblib and the plain loops",
     chunksize, chunksize_points, 0},
    {"demo", "for a talk: a process pool fed tiny tasks one at a time, then in chunks of 100, "
             "--phase-seconds each", demo, demo_points, 1},
    {NULL, NULL, NULL, NULL, 0},
};

static const struct lab_option pool_options[] = {
    {"chunk-task-us", "US", "task size in the chunksize experiment, microseconds", LAB_OPT_NUMBER,
     10, NAN, 0.1, 10000},
    {"python", "0|1", "run the Python pools too", LAB_OPT_INTEGER, 1, NAN, 0, 1},
    {"phase-seconds", "S", "demo: how long each phase lasts", LAB_OPT_NUMBER, 10, 2, 0.2, 600},
    {NULL, NULL, NULL, 0, 0, 0, 0, 0},
};

static const char *const pool_charts[] = {"pool-overhead", "pool-granularity", "pool-chunksize",
                                          "pool-demo", NULL};

const struct lab lab_pool = {
    .name = "pool",
    .summary = "what a task costs in a thread pool, a process pool, OpenMP, Python; when a pool pays",
    .help =
        "task-overhead: microseconds per empty task, like with like: one task a submit\n"
        "(parlab-threads-single, omp-task), a batch a submit (parlab-threads, omp-taskloop),\n"
        "every task deferred (at most 48 a worker in flight: libgomp runs a task in place\n"
        "beyond 64 a thread; omp-task-nowindow shows it), a loop (omp-dynamic), parlab's\n"
        "process pool, and Python's ThreadPoolExecutor, ProcessPoolExecutor,\n"
        "multiprocessing.Pool and joblib (with --quick joblib only here: its workers take\n"
        "about a second to start).\n"
        "granularity: efficiency against task size (C from 1 ns, Python from 1 us, up to\n"
        "10 ms; param task_us=), each against the plain loop timed in the same repetition:\n"
        "one size a decade, then finer sizes around each variant's crossings of 0.5 and 0.9,\n"
        "and the break-even sizes read off them.\n"
        "chunksize: process pool throughput against chunk size, beside joblib's automatic\n"
        "batching and the plain loops. At the usable CPU count unless --workers is given.\n"
        "demo (only with --experiment demo; make demo-pool): a process pool fed 2 us tasks one\n"
        "at a time, then in chunks of 100, --phase-seconds each (10; 2 with --quick).\n"
        "The Python side is labs/pool/pool_tasks.py (python3 labs/pool/pool_tasks.py runs it\n"
        "alone). Charts: plots/pool-overhead.gp, pool-granularity.gp, pool-chunksize.gp,\n"
        "pool-demo.gp.",
    .experiments = pool_experiments,
    .options = pool_options,
    .claims = pool_claims,
    .charts = pool_charts,
    .check = check,
    .prepare = prepare,
    .default_reps = 5,
    .quick_reps = 5,
};
