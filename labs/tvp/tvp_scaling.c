/* labs/tvp/tvp_scaling.c: the same total work on T threads or on T processes.
 *
 * cpu-bound: `units` LCG steps (burn, src/work.h) split over T workers. Threads and
 *   processes run the same instructions on the same cores, so both scale up to the
 *   usable CPUs; the processes pay more to start (fork), which shows only when the
 *   work is short.
 * io-bound: `waits` blocking waits of `wait_us` each (nanosleep, as a request waiting
 *   on a disk or a server would), split over T workers. A waiting worker needs no CPU,
 *   so T workers finish up to T times sooner even when they all share one core:
 *   threads-1cpu pins every thread to the first usable CPU to show it.
 *
 * How it is measured: all worker counts of one variant form a series. Each repetition
 * runs T = 1, 2, 4, ... in turn (the next one backwards), and the speedup at T is the
 * one-worker time of the same repetition over the T-worker time: a machine whose speed
 * drifts slows both sides of a ratio alike. Starting and reaping the workers is inside
 * the clock, as it is in a real program that starts them for the job. */
#include "tvp.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "work.h"

struct scale_job {
    int io;
    uint64_t units; /* cpu: total steps */
    int nwaits;     /* io: total waits */
    long wait_us;
    int workers;
    int one_cpu;    /* pin every thread to the first usable CPU */
    int pin;        /* --pin: worker i on usable CPU i (modulo their number) */
    const struct topo *topo;
};

struct scale_worker {
    const struct scale_job *job;
    int id;
};

/* Worker id's share of the job: CPU work, or waits. */
static uint64_t scale_work(const struct scale_job *j, int id)
{
    if (!j->io)
        return burn(share(j->units, j->workers, id), (uint64_t)id + 1);
    for (uint64_t i = share((uint64_t)j->nwaits, j->workers, id); i > 0; i--) {
        struct timespec ts = {j->wait_us / 1000000, (j->wait_us % 1000000) * 1000};
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
            ;
    }
    return 0;
}

static void *scale_thread(void *p)
{
    struct scale_worker *w = p;
    if (w->job->one_cpu || w->job->pin)
        topo_pin_thread(w->job->topo, w->job->one_cpu ? 0 : w->id);
    keep(scale_work(w->job, w->id));
    return NULL;
}

/* One run with threads: start them all, wait for all. */
static int scale_threads(const struct scale_job *j)
{
    pthread_t *t = xmalloc(sizeof(pthread_t) * (size_t)j->workers);
    struct scale_worker *w = xmalloc(sizeof(*w) * (size_t)j->workers);
    for (int i = 0; i < j->workers; i++) {
        w[i] = (struct scale_worker){j, i};
        if (pthread_create(&t[i], NULL, scale_thread, &w[i]) != 0)
            die("cannot create thread %d of %d", i + 1, j->workers);
    }
    for (int i = 0; i < j->workers; i++)
        pthread_join(t[i], NULL);
    free(t);
    free(w);
    return 0;
}

/* One run with processes: fork them all, reap them all (so their CPU time is counted
 * in the clock's cpu_cores). Returns -1 if one failed. */
static int scale_procs(struct lab_ctx *ctx, const struct scale_job *j)
{
    pid_t *pid = xmalloc(sizeof(pid_t) * (size_t)j->workers);
    int rc = 0;
    for (int i = 0; i < j->workers; i++) {
        pid[i] = harness_fork();
        if (pid[i] < 0)
            die("cannot fork worker %d of %d: %s", i + 1, j->workers, strerror(errno));
        if (pid[i] == 0) {
            if (j->pin)
                topo_pin_thread(j->topo, i);
            keep(scale_work(j, i));
            _exit(0);
        }
    }
    for (int i = 0; i < j->workers; i++) {
        int st = 0;
        harness_wait(pid[i], &st);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            harness_note(ctx, "worker process %d: %s", (int)pid[i],
                         WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) : "exited with an error");
            rc = -1;
        }
    }
    free(pid);
    return rc;
}

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

static int run_series(struct lab_ctx *ctx, const struct scale_job *base, const char *exp,
                      const char *variant, int procs, const int *w, int nw, const char *param)
{
    struct point *pts = xcalloc((size_t)nw, sizeof(*pts));
    struct scale_job *jobs = xcalloc((size_t)nw, sizeof(*jobs));
    int n = 0, rc = EXIT_OK;

    for (int i = 0; i < nw; i++) {
        /* CPU work can use min(T, usable) CPUs; waiting points want none (not judged). */
        struct point pt = {exp, variant, w[i], param, base->io ? 0 : harness_cores_for(ctx, w[i])};
        if (base->io && w[i] > base->nwaits) {
            harness_skip(ctx, &pt, "more workers than the %d waits to share", base->nwaits);
            continue;
        }
        pts[n] = pt;
        jobs[n] = *base;
        jobs[n].workers = w[i];
        n++;
    }
    harness_series(ctx, pts, n);
    for (int rep; harness_next_rep(ctx, &rep) && rc == EXIT_OK;)
        for (int k = 0; k < n && rc == EXIT_OK; k++) {
            int i = harness_series_order(rep, k, n);
            struct harness_clock c;
            harness_clock_start(ctx, &c, &pts[i]);
            if ((procs ? scale_procs(ctx, &jobs[i]) : scale_threads(&jobs[i])) < 0)
                rc = EXIT_FAIL;
            harness_clock_stop(ctx, &pts[i], rep, &c, 0);
        }
    if (rc == EXIT_OK && harness_interrupted())
        rc = EXIT_INTERRUPTED;
    if (rc == EXIT_OK) {
        harness_speedup(ctx, pts, n);
        for (int i = 0; i < n; i++)
            harness_print(ctx, &pts[i], "speedup");
    }
    free(pts), free(jobs);
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
    struct scale_job job = {.io = 0, .topo = ctx->topo, .pin = ctx->pin};
    struct harness_work cw = {.run = calib_fn, .arg = NULL};
    double target = lab_opt(ctx, "seconds"), rate;
    int *w, nw = harness_workers_with_one(ctx, &w), rc = EXIT_OK;
    char param[64];

    /* How many units this core does in a second, so the one-worker run lasts
     * --seconds whatever the machine. */
    rate = harness_rate(&cw, 0.02);
    job.units = (uint64_t)(rate * target);
    fmt_param(param, sizeof(param), "units=%.3g", (double)job.units);
    printf("== cpu-bound: %.3g LCG steps (%.2f s on one worker), split over T workers\n",
           (double)job.units, target);
    if (ctx->topo->usable == 1)
        printf("(1 usable CPU: the T workers take turns on it)\n");
    rc = run_series(ctx, &job, "cpu-bound", "threads", 0, w, nw, param);
    if (rc == EXIT_OK)
        rc = run_series(ctx, &job, "cpu-bound", "processes", 1, w, nw, param);
    free(w);
    return rc;
}

int tvp_io_bound(struct lab_ctx *ctx)
{
    struct scale_job job = {.io = 1, .topo = ctx->topo, .pin = ctx->pin};
    int *w, nw = io_counts(ctx, &w), rc;
    char param[64];

    /* Long enough that starting T threads one after another (tens of us each) stays
     * small beside each thread's share of the waits, even at T = 32. */
    job.wait_us = ctx->quick ? 2000 : 4000;
    job.nwaits = ctx->quick ? 32 : 64;
    fmt_param(param, sizeof(param), "waits=%d;wait_us=%ld", job.nwaits, job.wait_us);
    printf("== io-bound: %d blocking waits of %ld us (%.0f ms one after another), split over T "
           "workers\n", job.nwaits, job.wait_us, job.nwaits * job.wait_us / 1e3);
    rc = run_series(ctx, &job, "io-bound", "threads", 0, w, nw, param);
    if (rc == EXIT_OK)
        rc = run_series(ctx, &job, "io-bound", "processes", 1, w, nw, param);
    if (rc == EXIT_OK) {
        job.one_cpu = 1;
        rc = run_series(ctx, &job, "io-bound", "threads-1cpu", 0, w, nw, param);
    }
    free(w);
    return rc;
}
