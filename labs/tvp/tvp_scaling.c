/* labs/tvp/tvp_scaling.c: the same total work on T threads or on T processes, once they
 * are running.
 *
 * cpu-bound: `units` LCG steps (burn, src/work.h) shared by T workers, in pieces of
 *   ~0.1 ms. Threads and processes run the same instructions on the same cores, so both
 *   scale up to the usable CPUs, and no further.
 * io-bound: `waits` blocking waits of `wait_us` each (nanosleep, as a request waiting
 *   on a disk or a server would), shared by T workers. A waiting worker needs no CPU,
 *   so T workers finish up to T times sooner even when they all share one core:
 *   threads-1cpu pins every thread to the first usable CPU to show it.
 * demo (optional: `--experiment demo`, `make demo-tvp`): the same two lessons held
 *   steady for a talk, phase by phase, for parmon to show.
 *
 * How it is measured. The workers are a team (tvp_team.c) started before the clock, as
 * a pool keeps its workers: what starting them costs is the create experiment's lesson,
 * and inside the clock it would blur this one. The workers take the pieces of a job from
 * a shared counter (schedule(dynamic)), so a worker on a slower vCPU does less instead
 * of holding the others up. All worker counts of one variant form a series, and each
 * repetition runs every T in turn; the CPU work is cut into 5 rounds (each round runs
 * every T, the next round in reverse order), summed per T, so a machine whose speed
 * moves within a repetition slows every T alike. The speedup at T is the same
 * repetition's one-worker time over its T-worker time. */
#include "tvp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "work.h"

/* The CPU work of a repetition, cut into this many rounds of every worker count. */
#define CPU_ROUNDS 5

/* ---- the worker counts ------------------------------------------------------------------ */

/* io-bound goes far past the CPU count by default, since waiting workers need no CPU;
 * --workers replaces that (1 first, always: the speedups' baseline). */
static int io_counts(const struct lab_ctx *ctx, int **out)
{
    static const int full[] = {1, 2, 4, 8, 16, 32}, quick[] = {1, 4, 16};
    return harness_workers_or(ctx, full, (int)ARRAY_SIZE(full), quick, (int)ARRAY_SIZE(quick), out);
}

int tvp_cpu_bound_points(const struct lab_ctx *ctx)
{
    int *w, n = harness_workers_with_one(ctx, &w);
    free(w);
    return 2 * n; /* threads, processes */
}

int tvp_io_bound_points(const struct lab_ctx *ctx)
{
    int *w, n = io_counts(ctx, &w);
    free(w);
    return 3 * n; /* threads, processes, threads-1cpu */
}

/* ---- one series: every worker count of one variant, paired rep by rep ---------------------- */

static int run_series(struct lab_ctx *ctx, const struct tvp_job *job, const char *exp,
                      const char *variant, int procs, enum tvp_pin pin, const int *w, int nw,
                      const char *param)
{
    struct point *pts = xcalloc((size_t)nw, sizeof(*pts));
    struct tvp_result *acc = xcalloc((size_t)nw, sizeof(*acc));
    int n = 0, most = 1, rounds = job->io ? 1 : CPU_ROUNDS, rc = EXIT_OK;
    struct tvp_job slice = *job;
    struct tvp_team *team;

    for (int i = 0; i < nw; i++) {
        /* CPU work can use min(T, usable) CPUs; waiting points want none (not judged). */
        struct point pt = {exp, variant, w[i], param, job->io ? 0 : harness_cores_for(ctx, w[i])};
        if (job->io && (uint64_t)w[i] > job->amount) {
            harness_skip(ctx, &pt, "more workers than the %llu waits to share",
                         (unsigned long long)job->amount);
            continue;
        }
        pts[n++] = pt;
        most = w[i] > most ? w[i] : most;
    }
    slice.amount = job->amount / (uint64_t)rounds;
    team = tvp_team_start(most, procs, pin, ctx->topo); /* before the clock: a pool */
    harness_series(ctx, pts, n);
    for (int rep; harness_next_rep(ctx, &rep) && rc == EXIT_OK;) {
        memset(acc, 0, sizeof(*acc) * (size_t)n);
        for (int r = 0; r < rounds && rc == EXIT_OK; r++)
            for (int k = 0; k < n && rc == EXIT_OK; k++) {
                /* 1, 2, 4, then 4, 2, 1: a drift within the repetition cancels */
                int i = (rep * rounds + r) % 2 ? n - 1 - k : k;
                struct tvp_result res;
                struct harness_clock c;
                harness_clock_start(ctx, &c, &pts[i]); /* parmon: T workers now */
                if (tvp_team_run(team, pts[i].workers, &slice, &res) < 0) {
                    harness_note(ctx, "%s %s: a worker process died", exp, variant);
                    rc = EXIT_FAIL;
                    break;
                }
                acc[i].wall += res.wall, acc[i].cpu += res.cpu;
            }
        if (rep == 0 || rc != EXIT_OK)
            continue; /* the warm-up */
        for (int i = 0; i < n; i++) {
            results_add(ctx->res, &pts[i], rep, "seconds", acc[i].wall, "s");
            if (acc[i].wall > 0)
                results_add(ctx->res, &pts[i], rep, "cpu_cores", acc[i].cpu / acc[i].wall, "cores");
        }
    }
    if (tvp_team_stop(team) < 0 && rc == EXIT_OK) {
        harness_note(ctx, "%s %s: a worker process exited with an error", exp, variant);
        rc = EXIT_FAIL;
    }
    if (rc == EXIT_OK && harness_interrupted())
        rc = EXIT_INTERRUPTED;
    if (rc == EXIT_OK) {
        harness_speedup(ctx, pts, n);
        for (int i = 0; i < n; i++)
            harness_print(ctx, &pts[i], "speedup");
    }
    free(pts), free(acc);
    return rc;
}

/* ---- the experiments ------------------------------------------------------------------------ */

/* n units of the same work, for the calibration. */
static void calib_fn(void *arg, uint64_t n)
{
    (void)arg;
    keep(burn(opaque(n), 7));
}

int tvp_cpu_bound(struct lab_ctx *ctx)
{
    struct harness_work cw = {.run = calib_fn, .arg = NULL};
    struct tvp_job job = {.io = 0};
    enum tvp_pin pin = ctx->pin ? TVP_PIN_SPREAD : TVP_PIN_NONE;
    double target = lab_opt(ctx, "seconds"), rate;
    int *w, nw = harness_workers_with_one(ctx, &w), rc = EXIT_OK;
    char param[64];

    /* How many units this core does in a second, so the one-worker run lasts
     * --seconds whatever the machine. */
    rate = harness_rate(&cw, 0.02);
    job.amount = (uint64_t)(rate * target);
    job.chunk = (uint64_t)fmax(1000, rate * 1e-4); /* pieces of ~0.1 ms */
    fmt_param(param, sizeof(param), "units=%.3g", (double)job.amount);
    printf("== cpu-bound: %.3g LCG steps (%.2f s on one worker) in pieces of ~0.1 ms, shared by T\n"
           "   workers already running (a pool started before the clock), in %d rounds of every T\n",
           (double)job.amount, target, CPU_ROUNDS);
    if (ctx->topo->usable == 1)
        printf("(1 usable CPU: the T workers take turns on it)\n");
    rc = run_series(ctx, &job, "cpu-bound", "threads", 0, pin, w, nw, param);
    if (rc == EXIT_OK)
        rc = run_series(ctx, &job, "cpu-bound", "processes", 1, pin, w, nw, param);
    free(w);
    return rc;
}

int tvp_io_bound(struct lab_ctx *ctx)
{
    struct tvp_job job = {.io = 1, .chunk = 1};
    enum tvp_pin pin = ctx->pin ? TVP_PIN_SPREAD : TVP_PIN_NONE;
    int *w, nw = io_counts(ctx, &w), rc;
    char param[64];

    job.wait_us = ctx->quick ? 2000 : 4000;
    job.amount = ctx->quick ? 32 : 64;
    fmt_param(param, sizeof(param), "waits=%llu;wait_us=%ld", (unsigned long long)job.amount,
              job.wait_us);
    printf("== io-bound: %llu blocking waits of %ld us (%.0f ms one after another), split over T "
           "workers already running\n", (unsigned long long)job.amount, job.wait_us,
           (double)job.amount * (double)job.wait_us / 1e3);
    rc = run_series(ctx, &job, "io-bound", "threads", 0, pin, w, nw, param);
    if (rc == EXIT_OK)
        rc = run_series(ctx, &job, "io-bound", "processes", 1, pin, w, nw, param);
    if (rc == EXIT_OK)
        rc = run_series(ctx, &job, "io-bound", "threads-1cpu", 0, TVP_PIN_ONE, w, nw, param);
    free(w);
    return rc;
}

/* ---- demo: the lessons held steady, for a talk ------------------------------------------------
 * Four phases of --phase-seconds each, each its own point, so parmon's lab line names
 * what is on screen while the audience looks at the cores:
 *   1. CPU work on P threads (P = the usable CPUs): every core busy, one process;
 *   2. the same CPU work on P processes: every core busy again, at the same pace;
 *   3. blocking waits on 1 thread: nothing busy;
 *   4. the same waits on 32 threads pinned to ONE CPU: still nothing busy, ~30x the waits.
 * Each phase records its throughput (LCG steps or waits a second) and the CPU it used,
 * repetition by repetition (the phase cut into --reps parts, after a short warm-up). */

#define DEMO_IO_THREADS 32
#define DEMO_WAIT_US 5000

struct demo_phase {
    const char *variant, *what, *who, *then; /* "what on N who: then" */
    int io, procs, workers;                  /* workers 0: the usable CPUs */
};

static const struct demo_phase demo_phases[] = {
    {"cpu-threads", "CPU work", "threads", "every core busy, in one process", 0, 0, 0},
    {"cpu-processes", "the same CPU work", "processes", "every core busy, at the same pace", 0, 1, 0},
    {"io-threads-1cpu", "blocking waits", "thread", "nothing busy", 1, 0, 1},
    {"io-threads-1cpu", "the same waits", "threads, all pinned to ONE CPU",
     "still nothing busy, ~30x the waits a second", 1, 0, DEMO_IO_THREADS},
};

int tvp_demo_points(const struct lab_ctx *ctx)
{
    (void)ctx;
    return (int)ARRAY_SIZE(demo_phases);
}

static int demo_phase(struct lab_ctx *ctx, struct tvp_team *team, const struct demo_phase *ph,
                      int k, int workers, struct tvp_job job, double phase_s)
{
    char param[64], what[160];
    struct point pt = {"demo", ph->variant, workers, param, ph->io ? 0 : harness_cores_for(ctx, workers)};
    const char *unit = ph->io ? "waits/s" : "steps/s";
    if (ph->io)
        fmt_param(param, sizeof(param), "wait_us=%ld", job.wait_us);
    else
        fmt_param(param, sizeof(param), "work=lcg");
    snprintf(what, sizeof(what), "%s on %d %s: %s", ph->what, workers, ph->who, ph->then);
    harness_note(ctx, "demo phase %d of %d (%.0f s): %s", k + 1, (int)ARRAY_SIZE(demo_phases),
                 phase_s, what);
    harness_point(ctx, &pt);
    for (int rep; harness_next_rep(ctx, &rep);) {
        struct tvp_result r;
        job.seconds = rep == 0 ? fmin(0.1, phase_s / 10) : phase_s / ctx->reps;
        if (tvp_team_run(team, workers, &job, &r) < 0) {
            harness_note(ctx, "demo %s: a worker process died", ph->variant);
            return EXIT_FAIL;
        }
        if (rep == 0 || r.wall <= 0)
            continue; /* the warm-up */
        results_add(ctx->res, &pt, rep, "throughput", (double)r.done / r.wall, unit);
        results_add(ctx->res, &pt, rep, "cpu_cores", r.cpu / r.wall, "cores");
    }
    if (harness_interrupted())
        return EXIT_INTERRUPTED;
    harness_print(ctx, &pt, "throughput");
    harness_print(ctx, &pt, "cpu_cores");
    return EXIT_OK;
}

int tvp_demo(struct lab_ctx *ctx)
{
    struct harness_work cw = {.run = calib_fn, .arg = NULL};
    double phase_s = lab_opt(ctx, "phase-seconds");
    int p = ctx->topo->usable, rc = EXIT_OK;
    enum tvp_pin pin = ctx->pin ? TVP_PIN_SPREAD : TVP_PIN_NONE;
    struct tvp_job cpu = {.io = 0}, io = {.io = 1, .wait_us = DEMO_WAIT_US, .chunk = 1};
    struct tvp_team *team = NULL;
    size_t k;

    /* CPU work in chunks of ~1 ms between looks at the stop flag. */
    cpu.chunk = (uint64_t)fmax(1000, harness_rate(&cw, 0.02) * 1e-3);
    printf("== demo: %d steady phases of %.0f s (--phase-seconds), for parmon: CPU work on\n"
           "   threads, then processes; then waits of %d ms on 1 thread, then %d threads on ONE CPU\n",
           (int)ARRAY_SIZE(demo_phases), phase_s, DEMO_WAIT_US / 1000, DEMO_IO_THREADS);
    for (k = 0; k < ARRAY_SIZE(demo_phases) && rc == EXIT_OK; k++) {
        const struct demo_phase *ph = &demo_phases[k];
        int workers = ph->workers ? ph->workers : p;
        /* A team for each kind of phase, started before its phase: the io phases share
         * one of 32 threads pinned to one CPU (phase 3 wakes only the first). */
        if (k == 0 || ph->procs != demo_phases[k - 1].procs || ph->io != demo_phases[k - 1].io) {
            if (team && tvp_team_stop(team) < 0) {
                harness_note(ctx, "demo: a worker process exited with an error");
                rc = EXIT_FAIL;
            }
            team = NULL;
            if (rc != EXIT_OK)
                break;
            team = ph->io ? tvp_team_start(DEMO_IO_THREADS, 0, TVP_PIN_ONE, ctx->topo)
                          : tvp_team_start(p, ph->procs, pin, ctx->topo);
        }
        rc = demo_phase(ctx, team, ph, (int)k, workers, ph->io ? io : cpu, phase_s);
    }
    if (team && tvp_team_stop(team) < 0 && rc == EXIT_OK) {
        harness_note(ctx, "demo: a worker process exited with an error");
        rc = EXIT_FAIL;
    }
    return rc;
}
