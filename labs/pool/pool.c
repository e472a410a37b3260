/* labs/pool/pool.c: what a task costs, and how big a task must be for a pool to pay.
 *
 * The question: you have many small pieces of work. Hand them to a thread pool, a
 * process pool, OpenMP? Every mechanism charges a fee per task (queueing it, waking a
 * worker, for processes also pickling it and crossing a pipe). If the task is small
 * next to the fee, the parallel version is slower than the plain loop.
 *
 * Three experiments, each at the usable CPU count (or each --workers count):
 *   task-overhead  the fee itself: microseconds per empty task (metric us_per_task),
 *                  for parlab's own thread pool and process pool (src/pool.h), OpenMP
 *                  tasks and schedule(dynamic,1), and real Python pools in the same run.
 *   granularity    efficiency = (tasks x task time / workers) / elapsed, against the
 *                  task size (param task_us=), and for each mechanism the break-even
 *                  sizes where efficiency reaches 0.5 and 0.9. The task time is that of
 *                  the same task in a plain loop, timed in the same repetition, right
 *                  before the pooled run: each efficiency is a paired ratio.
 *   chunksize      a process pool pays its fee per message, not per task: send tasks in
 *                  chunks and the fee is shared. Throughput against chunk size for
 *                  multiprocessing.Pool and parlab's process pool, beside joblib's
 *                  automatic batching and the plain loops.
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

/* The task every mechanism runs. With units = 0 it is the "empty task": a call and a
 * return, so what we time is the mechanism. noinline: OpenMP must call it as the pools
 * do, not see through it. */
static __attribute__((noinline)) void task_fn(void *arg)
{
    keep(burn(*(const uint64_t *)arg, 1));
}

/* The process pool's version: the argument is the size itself. */
static int64_t ptask_fn(int64_t units, void *arg)
{
    (void)arg;
    return (int64_t)burn((uint64_t)units, 1);
}

/* ---- the mechanisms, each running n tasks of `units` with w workers --------------------- */

struct mech {
    int w;
    struct pool *tp;   /* parlab-threads: w - 1 threads plus the caller, like OpenMP */
    struct ppool *pp;  /* parlab-procs: w forked workers */
    int64_t *in, *out; /* the process pool's arguments and results */
    size_t cap;
    size_t chunk;      /* process pool chunk size; 0 = automatic, n / (4 w) as multiprocessing */
};

typedef void (*mech_run)(struct mech *m, uint64_t units, size_t n);

/* The whole batch in one call: one lock, one wake-up; the caller then helps. */
static void run_threads(struct mech *m, uint64_t units, size_t n)
{
    pool_submit_batch(m->tp, task_fn, &units, 0, n);
    pool_wait(m->tp);
}

/* The same tasks submitted one at a time: a lock and a publish per task. */
static void run_threads_single(struct mech *m, uint64_t units, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pool_submit(m->tp, task_fn, &units);
    pool_wait(m->tp);
}

/* One thread creates the tasks, the team runs them; the barrier at the end of the
 * parallel region waits for all of them. */
static void run_omp_task(struct mech *m, uint64_t units, size_t n)
{
#pragma omp parallel num_threads(m->w)
#pragma omp single
    for (size_t i = 0; i < n; i++) {
#pragma omp task firstprivate(units)
        task_fn(&units);
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

static const struct {
    const char *name;
    mech_run run;
} c_mechs[] = {
    {"parlab-threads", run_threads},               /* pool_submit_batch, then pool_wait */
    {"parlab-threads-single", run_threads_single}, /* pool_submit one task at a time */
    {"parlab-procs", run_procs},                   /* ppool_map, chunks of n/(4w) */
    {"omp-task", run_omp_task},                    /* #pragma omp task in a single region */
    {"omp-dynamic", run_omp_dynamic},              /* parallel for schedule(dynamic,1) */
};
#define NC ((int)ARRAY_SIZE(c_mechs))

/* Every worker count's pools, started together: the process pools fork here, before
 * this experiment's first OpenMP region. */
static struct mech *mechs_start(const struct pool_plan *p)
{
    struct mech *m = xcalloc((size_t)p->nws, sizeof(*m));
    for (int i = 0; i < p->nws; i++) {
        m[i].w = p->ws[i];
        m[i].tp = pool_create(p->ws[i] - 1, 0);
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

/* A batch of n tasks as work the harness can time (struct harness_work .timed). */
struct batch {
    struct mech *m;
    mech_run run;
    uint64_t units;
};

static double batch_seconds(void *arg, uint64_t n)
{
    struct batch *b = arg;
    double t0 = now_s();
    b->run(b->m, b->units, (size_t)n);
    return now_s() - t0;
}

/* CPU the process pool's workers have used so far (struct harness_work .live_cpu): the
 * OS adds it to ours only once they are reaped. */
static double workers_cpu(void *arg)
{
    (void)arg;
    return harness_children_cpu_s();
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

static const double sizes_c_full[] = {0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 10, 100, 1000, 10000};
static const double sizes_c_quick[] = {0.001, 0.03, 1, 1000};
static const double sizes_py_full[] = {1, 3, 10, 30, 100, 300, 1000, 3000, 10000};
static const double sizes_py_quick[] = {1, 30, 1000};
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
    p->chunks = ctx->quick ? chunks_quick : chunks_full;
    p->nchunks = ctx->quick ? (int)ARRAY_SIZE(chunks_quick) : (int)ARRAY_SIZE(chunks_full);
    p->chunk_us = lab_opt(ctx, "chunk-task-us");
    p->python = lab_opt(ctx, "python") == 1 && pyembed_available();
}

/* ---- experiment 1: task-overhead ------------------------------------------------------------- */

/* Empty tasks, as many as make a sample last `target`: the fee per task, in us. */
static int overhead_point(struct lab_ctx *ctx, struct mech *m, int v)
{
    int procs = c_mechs[v].run == run_procs;
    double target = ctx->quick ? 0.004 : 0.03;
    struct batch b = {m, c_mechs[v].run, 0};
    struct harness_work work = {.timed = batch_seconds, .arg = &b,
                                .live_cpu = procs ? workers_cpu : NULL};
    /* cores_wanted 0: handing over an empty task is waiting and signalling, not CPU work */
    struct point pt = {"task-overhead", c_mechs[v].name, m->w, procs ? "chunksize=1" : "", 0};
    uint64_t n;
    int rc;
    m->chunk = 1; /* the process pool's raw fee: one message per task */
    harness_point(ctx, &pt);
    n = harness_calibrate(&work, target, procs ? 64 : 1024, procs ? 200000 : 20000000);
    rc = harness_sample(ctx, &pt, &work, n, "us_per_task", "us", 1e6);
    m->chunk = 0;
    return rc;
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
    m = mechs_start(&p);
    for (int i = 0; i < p.nws && rc == EXIT_OK; i++)
        for (int v = 0; v < NC && rc == EXIT_OK; v++)
            rc = overhead_point(ctx, &m[i], v);
    mechs_stop(m, p.nws);
    if (rc == EXIT_OK)
        pool_print_overhead(ctx, &p);
    return rc;
}

/* ---- experiment 2: granularity --------------------------------------------------------------- */

/* Seconds one task of `units` takes in the plain loop, now: the fastest of three loops
 * of ~1 ms (a loop that was preempted must not make the task look longer, and the pool
 * better, than it is). */
static double loop_task_seconds(uint64_t units)
{
    size_t n = (size_t)(1e-3 / fmax(units * ns_per_unit * 1e-9, 1e-9)) + 1;
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
    double target = ctx->quick ? 0.004 : 0.03, want;
    struct point pt = {"granularity", c_mechs[v].name, m->w,
                       fmt_param(param, sizeof(param), "task_us=%g", task_us),
                       task_us >= CPU_BOUND_US ? harness_cores_for(ctx, m->w) : 0};
    size_t n;
    harness_point(ctx, &pt);
    /* As many tasks as make `target` seconds of work a worker (at least 16 tasks): every
     * size then carries the same work, so what a batch costs once (waking the workers,
     * starting a parallel region) weighs the same at every size, and only the fee per
     * task changes. */
    want = target * m->w / loop_task_seconds(units);
    n = (size_t)fmin(fmax(want, 16.0 * m->w), ctx->quick ? 5e5 : 2e6);
    for (int rep; harness_next_rep(ctx, &rep);) {
        double t_task = loop_task_seconds(units);
        double secs = timed_batch(ctx, &pt, rep, m, c_mechs[v].run, units, n);
        if (rep == 0)
            continue;
        results_add(ctx->res, &pt, rep, "efficiency", (double)n * t_task / m->w / secs, "fraction");
        results_add(ctx->res, &pt, rep, "task_us_loop", t_task * 1e6, "us");
    }
    return harness_interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
}

static int granularity_points(const struct lab_ctx *ctx)
{
    struct pool_plan p;
    pool_plan_get(ctx, &p);
    return p.nws * (NC * p.nsizes_c + 4 * p.python * p.nsizes_py);
}

static int granularity(struct lab_ctx *ctx)
{
    struct pool_plan p;
    struct mech *m;
    int rc;
    pool_plan_get(ctx, &p);
    if ((rc = pool_python(ctx, &p, "granularity")) != EXIT_OK)
        return rc;
    m = mechs_start(&p);
    for (int i = 0; i < p.nws && rc == EXIT_OK; i++)
        for (int s = 0; s < p.nsizes_c && rc == EXIT_OK; s++)
            for (int v = 0; v < NC && rc == EXIT_OK; v++)
                rc = granularity_point(ctx, &m[i], v, p.sizes_c[s]);
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
    /* per worker count: the chunk sizes (C and multiprocessing) and joblib; the two
     * plain loops once */
    return p.nws * (p.nchunks + p.python * (p.nchunks + 1)) + 1 + p.python;
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
    m = mechs_start(&p);
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

/* A fee per task, one task handed over at a time: a process pool pays a pipe round trip,
 * a thread pool a lock and a store. */
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

static const struct lab_claim pool_claims[] = {
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
    {NULL, NULL, NULL},
};

/* ---- the lab ---------------------------------------------------------------------------------- */

static const struct lab_experiment pool_experiments[] = {
    {"task-overhead", "microseconds per empty task: parlab's pools, OpenMP, Python's pools",
     task_overhead, overhead_points, 0},
    {"granularity", "efficiency against task size, paired with the plain loop; break-even sizes",
     granularity, granularity_points, 0},
    {"chunksize", "process pool throughput against chunk size, beside joblib and the plain loops",
     chunksize, chunksize_points, 0},
    {NULL, NULL, NULL, NULL, 0},
};

static const struct lab_option pool_options[] = {
    {"chunk-task-us", "US", "task size in the chunksize experiment, microseconds", LAB_OPT_NUMBER,
     10, NAN, 0.1, 10000},
    {"python", "0|1", "run the Python pools too", LAB_OPT_INTEGER, 1, NAN, 0, 1},
    {NULL, NULL, NULL, 0, 0, 0, 0, 0},
};

static const char *const pool_charts[] = {"pool-overhead", "pool-granularity", "pool-chunksize", NULL};

const struct lab lab_pool = {
    .name = "pool",
    .summary = "what a task costs in a thread pool, a process pool, OpenMP, Python; when a pool pays",
    .help =
        "task-overhead: microseconds per empty task for parlab's thread pool (batch and one by\n"
        "one) and process pool, OpenMP tasks and schedule(dynamic,1), and Python's\n"
        "ThreadPoolExecutor, ProcessPoolExecutor, multiprocessing.Pool and joblib.\n"
        "granularity: efficiency against task size (C from 1 ns, Python from 1 us, up to\n"
        "10 ms; param task_us=), each against the plain loop timed in the same repetition,\n"
        "and the break-even sizes where efficiency reaches 0.5 and 0.9.\n"
        "chunksize: process pool throughput against chunk size, beside joblib's automatic\n"
        "batching and the plain loops. At the usable CPU count unless --workers is given.\n"
        "The Python side is labs/pool/pool_tasks.py (python3 labs/pool/pool_tasks.py runs it\n"
        "alone). Charts: plots/pool-overhead.gp, pool-granularity.gp, pool-chunksize.gp.",
    .experiments = pool_experiments,
    .options = pool_options,
    .claims = pool_claims,
    .charts = pool_charts,
    .check = check,
    .prepare = prepare,
    .default_reps = 5,
    .quick_reps = 5,
};
