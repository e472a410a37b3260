/* labs/gil/gil.c: watch CPython's GIL serialise threads, and measure the ways out.
 *
 * The question: a machine has several cores; does a Python program get faster if it
 * runs its work in several threads?  CPython (up to 3.12, and every default build
 * since) has one Global Interpreter Lock per interpreter: a thread must hold it to run
 * Python bytecode, so one process runs Python on one core at a time. A thread that
 * holds it is asked to let go every "switch interval" (sys.setswitchinterval, 5 ms by
 * default); a thread that blocks in I/O, or in C code that says so
 * (Py_BEGIN_ALLOW_THREADS), lets go at once.
 *
 * The work (gil_work.py): count(n), Beazley's countdown loop counting up, all bytecode;
 * spin(n), the same loop in C with the GIL released (_parlab.spin, src/pyembed.c);
 * hash_work and zlib_work, library calls that release the GIL on 1 MiB buffers.
 *
 * The experiments, each in a child process with interpreters of its own, so nothing
 * leaks from one to the next and the parent never holds an interpreter when it forks:
 *   1. python-cpu    count() split over N threads, N processes, N threads each in its
 *                    own subinterpreter (CPython 3.12+), or spin() over N threads.
 *   2. gil-timeline  who holds the GIL, who waits, over time, read by a C thread that
 *                    never takes it (gil_sampler.c): one band per thread in the chart.
 *   3. convoy        an I/O thread doing round trips over a socket pair beside 0, 1, 2
 *                    spinning Python threads or processes (gil_convoy.py), with the
 *                    GIL's handoffs counted; and where the OS runs the echo.
 *   4. libraries     threads calling hashlib and zlib scale; threads in pure Python do
 *                    not (gil_libraries.py).
 *   5. demo          only when named: steady phases for a talk beside parmon.
 *
 * How a speedup is measured: all worker counts of a variant form a series, measured in
 * ONE child process that starts the most workers the series needs before anything is
 * timed (gil_cpu.c). Each repetition cuts its work into slices of ~25 ms and runs every
 * slice at 1, 2, ... N workers in turn (the next slice N, ..., 1: ABBA), and speedup =
 * that repetition's one-worker sum / its N-worker sum (sliced_series below). The
 * one-worker run is worker 1 of the same team, in the same process, tens of ms from the
 * N-worker runs: on a shared VM CPython's speed differs by up to 1.7x between processes
 * and moves by tens of percent within a second (docs/reference-numbers.md, "Embedding
 * CPython"), and a baseline from another process or another moment would move every
 * ratio by as much.
 *
 * The verdict: the claims at the end of this file, judged on this run's numbers (and
 * by `parlab report` on saved ones). */
#include "gil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pyembed.h"
#include "report.h"

/* How fast this machine does each kind of work (prepare(), in a child): the work of
 * every experiment is sized from it, so a run lasts as long on any machine. */
static double rate[NRATES];

/* ---- slices: pairing within a repetition -----------------------------------------------------
 * A speedup divides the one-worker time by the N-worker time of the same repetition. On
 * a shared VM that is not close enough: CPython's speed here moves by tens of percent
 * within a second, inside one process (two 5 ms chunks of count() 6 ms apart differ by a
 * median 2.5%; 0.75 s apart, by 25%: labs/gil/README.md, appendix). Timing 0.3 s of one
 * worker and then 0.15 s of two compares two different machines. So a repetition cuts
 * its work into K slices of about SLICE_S of one worker's time and runs slice 1 at every
 * worker count (1, 2, 4), slice 2 in the reverse order (4, 2, 1), slice 3 forwards
 * again (ABBA...), and each point's seconds are the sum of its slices: every point of a
 * repetition saw the same stretches of the machine's speed, a few tens of ms apart. */
static const double SLICE_S = 0.025;

static uint64_t gcd64(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b, b = t;
    }
    return a;
}

/* K slices of about SLICE_S each for `total` units that one worker does in one_s
 * seconds, split over the worker counts of pts. A slice keeps at least 4 units a worker
 * (hashlib and zlib work in 1 MiB blocks: few and long) and, when it can, a multiple of
 * every worker count, so that no worker of a run has a block more than another. */
struct gil_slicing gil_slicing_for(uint64_t total, double one_s, const struct point *pts, int n)
{
    int maxw = pts[n - 1].workers;
    uint64_t lcm = 1;
    struct gil_slicing sl;
    double k = floor(one_s / SLICE_S + 0.5);
    sl.slices = k < 1 ? 1 : k > GIL_MAX_SLICES ? GIL_MAX_SLICES : (int)k;
    if (total / (uint64_t)sl.slices < 4 * (uint64_t)maxw)
        sl.slices = total / (4 * (uint64_t)maxw) > 0 ? (int)(total / (4 * (uint64_t)maxw)) : 1;
    sl.units = total / (uint64_t)sl.slices;
    for (int i = 0; i < n && lcm <= sl.units; i++)
        lcm = lcm / gcd64(lcm, (uint64_t)pts[i].workers) * (uint64_t)pts[i].workers;
    if (lcm <= sl.units / 2)
        sl.units -= sl.units % lcm;
    if (sl.units < (uint64_t)maxw)
        sl.units = (uint64_t)maxw; /* at least a unit a worker: every worker warms up */
    return sl;
}

/* Run one slice of units at pt's worker count; *extra_cpu: CPU seconds of worker
 * processes this process cannot see. 0, or -1 (said why). */
typedef int (*slice_fn)(struct lab_ctx *ctx, void *arg, const struct point *pt, uint64_t units,
                        double *extra_cpu);

/* A paired series measured in slices: per repetition every point runs every slice, in
 * ABBA order, and records the sum of its slices' seconds and the CPU they used. */
static int sliced_series(struct lab_ctx *ctx, const struct point *pts, int n, struct gil_slicing sl,
                         slice_fn run, void *arg)
{
    double *wall = xcalloc((size_t)n, sizeof(double)), *cpu = xcalloc((size_t)n, sizeof(double));
    int rc = EXIT_OK;
    harness_series(ctx, pts, n);
    for (int rep; rc == EXIT_OK && harness_next_rep(ctx, &rep);) {
        int slices = rep == 0 ? 1 : sl.slices; /* the warm-up: one slice at each count */
        for (int i = 0; i < n; i++)
            wall[i] = cpu[i] = 0;
        for (int j = 0; j < slices && rc == EXIT_OK && !harness_interrupted(); j++)
            for (int k = 0; k < n && rc == EXIT_OK; k++) {
                const struct point *pt = &pts[(j + rep) % 2 ? n - 1 - k : k];
                struct harness_clock a, b; /* b: only to read the CPU clock after the slice */
                double extra = 0, t1;
                harness_clock_start(ctx, &a, pt);
                if (run(ctx, arg, pt, sl.units, &extra) < 0)
                    rc = EXIT_FAIL;
                t1 = now_s();
                harness_clock_start(ctx, &b, pt);
                wall[pt - pts] += t1 - a.wall;
                cpu[pt - pts] += b.cpu - a.cpu + extra;
            }
        if (rep > 0 && rc == EXIT_OK && !harness_interrupted())
            for (int i = 0; i < n; i++) {
                results_add(ctx->res, &pts[i], rep, "seconds", wall[i], "s");
                if (wall[i] > 0)
                    results_add(ctx->res, &pts[i], rep, "cpu_cores", cpu[i] / wall[i], "cores");
            }
    }
    free(wall), free(cpu);
    return rc;
}

static bool enabled(const struct lab_ctx *ctx, const char *experiment)
{
    return ctx->exp_on[lab_experiment_index(ctx->lab, experiment)];
}

static int gil_prepare(struct lab_ctx *ctx)
{
    const char *why = gil_sampler_unavailable();
    results_meta(ctx->res, "gil_sampler", "%s", why ? why : gil_sampler_source());
    if (!enabled(ctx, "python-cpu") && !enabled(ctx, "gil-timeline") && !enabled(ctx, "libraries") &&
        !enabled(ctx, "demo"))
        return EXIT_OK;
    if (gil_python_rates(ctx, ctx->quick ? 0.01 : 0.05, rate) < 0)
        return harness_interrupted() ? EXIT_INTERRUPTED : EXIT_FAIL;
    printf("Work measured here (CPython %s): %.1f ns a Python loop step, %.2f ns a C step,\n"
           "%.2f ms to sha256 a MiB, %.2f ms to zlib-compress one.\n", pyembed_version(),
           1e9 / rate[RATE_COUNT], 1e9 / rate[RATE_SPIN], 1e3 / rate[RATE_HASHLIB],
           1e3 / rate[RATE_ZLIB]);
    return EXIT_OK;
}

/* The summary of (pt, metric), copied (results_summary's storage is reused). */
static bool summary_of(struct lab_ctx *ctx, const struct point *pt, const char *metric,
                       struct summary *out)
{
    const struct summary *s = results_summary(ctx->res, pt, metric);
    if (s)
        *out = *s;
    return s != NULL;
}

/* One line of a scaling table: the seconds, the paired speedup with its interval, the
 * CPU cores the point used, and its flags. */
static void print_header(const char *what)
{
    printf("  %-15s %7s  %9s  %-29s %6s  %s\n", what, "workers", "seconds",
           "speedup [interval] coverage", "cores", "flags");
}

static void print_row(struct lab_ctx *ctx, const struct point *pt)
{
    struct summary s;
    char flags[128], lvl[16], sp[48] = "-";
    if (summary_of(ctx, pt, "speedup", &s))
        snprintf(sp, sizeof(sp), "%5.2fx [%.2f, %.2f] %s", s.median, s.ci_lo, s.ci_hi,
                 fmt_level(s.ci_level, lvl, sizeof(lvl)));
    results_flags(ctx->res, pt, flags, sizeof(flags));
    harness_progress_clear();
    printf("  %-15s %6d%s  %9.4f  %-29s %6.2f  %s\n", pt->variant, pt->workers,
           harness_oversubscribed(ctx, pt->workers) ? "*" : " ",
           results_median(ctx->res, pt, "seconds"), sp, results_median(ctx->res, pt, "cpu_cores"),
           flags);
    fflush(stdout);
}

/* ---- experiment 1: python-cpu ---------------------------------------------------------------
 * count() split over N threads of one interpreter (one GIL: they take turns), N
 * processes (a GIL each), N threads each in a subinterpreter with its own GIL (3.12+),
 * and spin() over N threads (the loop in C, the GIL released). */

static const char *const cpu_variants[] = {"threads", "processes", "threads-nogil",
                                           "subinterpreters"};

static int n_cpu_variants(void)
{
    return gil_has_subinterpreters() ? 4 : 3;
}

/* The CPUs' worth the work can use: one for threads, which take turns on the GIL. */
static double cpu_cores_wanted(const struct lab_ctx *ctx, const char *variant, int w)
{
    return !strcmp(variant, "threads") ? 1 : harness_cores_for(ctx, w);
}

/* Past this many workers a point is skipped: every interpreter costs ~10 MB. */
static int cpu_max_workers(const char *variant)
{
    return !strcmp(variant, "processes") || !strcmp(variant, "subinterpreters") ? 256 : 1024;
}

static int python_cpu_points(const struct lab_ctx *ctx)
{
    int *w, nw = harness_workers_with_one(ctx, &w);
    free(w);
    return n_cpu_variants() * nw;
}

/* A series to measure in a child: the points, the units of work, how to slice them. */
struct series {
    const char *variant;
    const struct point *pts;
    int n;
    struct gil_slicing sl;
    struct gil_team *team; /* in the child */
    uint64_t *done;
};

/* One slice on the team's first w workers; every worker did exactly its share: no more,
 * no less, none twice. Worker processes report their CPU time (extra_cpu): this process
 * has not reaped them, so its own CPU clock cannot see it. */
static int cpu_slice(struct lab_ctx *ctx, void *arg, const struct point *pt, uint64_t units,
                     double *extra_cpu)
{
    struct series *s = arg;
    const char *bad;
    if (gil_team_run(s->team, pt->workers, units, s->done, extra_cpu) < 0)
        return -1;
    if ((bad = gil_check_shares(s->done, s->pts[s->n - 1].workers, pt->workers, units))) {
        harness_note(ctx, "%s: %s", s->variant, bad);
        return -1;
    }
    return 0;
}

/* In the child: start the team (the most workers the series needs), then measure. */
static int cpu_series_child(struct lab_ctx *ctx, void *arg)
{
    struct series *s = arg;
    int maxw = s->pts[s->n - 1].workers, rc;
    s->done = xcalloc((size_t)maxw, sizeof(uint64_t));
    s->team = gil_team_start(s->variant, maxw, ctx->topo, ctx->pin);
    rc = s->team ? sliced_series(ctx, s->pts, s->n, s->sl, cpu_slice, s) : EXIT_FAIL;
    gil_team_stop(s->team);
    free(s->done);
    return rc;
}

static int python_cpu(struct lab_ctx *ctx)
{
    int *w, nw = harness_workers_with_one(ctx, &w), rc = EXIT_OK;
    struct point *pts = xcalloc((size_t)nw, sizeof(*pts));

    printf("\n== python-cpu: the same pure-Python work split over N workers "
           "(%.2f s of it for one worker)\n", lab_opt(ctx, "seconds"));
    print_header("variant");
    for (int v = 0; v < n_cpu_variants() && rc == EXIT_OK; v++) {
        const char *variant = cpu_variants[v];
        int r = !strcmp(variant, "threads-nogil") ? RATE_SPIN : RATE_COUNT, n = 0;
        struct series s = {variant, pts, 0, {0, 0}, NULL, NULL};
        for (int i = 0; i < nw; i++) {
            struct point pt = {"python-cpu", variant, w[i], "", cpu_cores_wanted(ctx, variant, w[i])};
            if (w[i] > cpu_max_workers(variant))
                harness_skip(ctx, &pt, "more than %d %s would need GBs of memory",
                             cpu_max_workers(variant),
                             !strcmp(variant, "processes") ? "processes" : "threads");
            else
                pts[n++] = pt;
        }
        s.n = n;
        s.sl = gil_slicing_for((uint64_t)(rate[r] * lab_opt(ctx, "seconds")), lab_opt(ctx, "seconds"),
                           pts, n);
        rc = harness_child(ctx, cpu_series_child, &s, NULL, NULL);
        if (rc != EXIT_OK)
            break;
        harness_speedup(ctx, pts, n); /* per repetition, against its one-worker run */
        for (int i = 0; i < n; i++)
            print_row(ctx, &pts[i]);
    }
    if (rc == EXIT_OK)
        printf("  beyond 3.11: %s\n", gil_python_beyond());
    free(pts), free(w);
    return rc;
}

/* ---- experiment 2: gil-timeline -------------------------------------------------------------
 * Two threads run count() side by side while a C thread samples, every 50 us, which of
 * them holds the GIL (gil_sampler.c). */

enum { TIMELINE_THREADS = 2, SAMPLE_US = 50 };

static int timeline_points(const struct lab_ctx *ctx)
{
    (void)ctx;
    return 1;
}

static int timeline_child(struct lab_ctx *ctx, void *arg)
{
    const struct point *pt = arg;
    /* each thread does `seconds` of work: together, twice that, one at a time */
    double seconds = ctx->quick ? 0.08 : 0.3;
    uint64_t total = (uint64_t)(rate[RATE_COUNT] * seconds) * TIMELINE_THREADS, done[TIMELINE_THREADS];
    int max_samples = (int)(4 * TIMELINE_THREADS * seconds / (SAMPLE_US * 1e-6)) + 10000;
    int rc = EXIT_OK;
    struct gil_team *team = gil_team_start("threads", TIMELINE_THREADS, ctx->topo, ctx->pin);
    if (!team)
        return EXIT_FAIL;
    harness_point(ctx, pt);
    for (int rep; rc == EXIT_OK && harness_next_rep(ctx, &rep);) {
        struct gil_sampler *smp = gil_sampler_start(gil_team_tstates(team), gil_team_active(team),
                                                    TIMELINE_THREADS, SAMPLE_US, max_samples);
        struct gil_sample *s;
        struct harness_clock c;
        unsigned long switches;
        double extra_cpu;
        const char *bad;
        int ns;
        if (!smp) {
            rc = EXIT_FAIL;
            break;
        }
        harness_clock_start(ctx, &c, pt);
        if (gil_team_run(team, TIMELINE_THREADS, total, done, &extra_cpu) < 0)
            rc = EXIT_FAIL;
        harness_clock_stop(ctx, pt, rep, &c, extra_cpu);
        if (rc == EXIT_OK && (bad = gil_check_shares(done, TIMELINE_THREADS, TIMELINE_THREADS, total))) {
            harness_note(ctx, "gil-timeline, rep %d: %s", rep, bad);
            rc = EXIT_FAIL;
        }
        ns = gil_sampler_stop(smp, &s, &switches);
        if (rep > 0)
            gil_timeline_record(ctx, pt, rep, s, ns, switches);
        free(s);
    }
    gil_team_stop(team);
    return rc;
}

static int gil_timeline(struct lab_ctx *ctx)
{
    struct point pt = {"gil-timeline", "threads", TIMELINE_THREADS, "", 1};
    const char *why = gil_sampler_unavailable();
    char lvl[16];
    int rc;

    printf("\n== gil-timeline: %d Python threads, the GIL sampled every %d us by a C thread\n",
           TIMELINE_THREADS, SAMPLE_US);
    if (why) {
        harness_skip(ctx, &pt, "%s", why);
        return EXIT_OK;
    }
    if ((rc = harness_child(ctx, timeline_child, &pt, NULL, NULL)) != EXIT_OK)
        return rc;
    harness_progress_clear();
    printf("  %-10s %-30s %-30s %s\n", "thread", "holds the GIL [interval]",
           "waits for it [interval]", "takes it over, a second");
    for (int i = 1; i <= TIMELINE_THREADS; i++) {
        char param[32], held[40];
        struct point tp = {"gil-timeline", "threads", TIMELINE_THREADS, param, 0};
        struct summary h, wt;
        fmt_param(param, sizeof(param), "thread=%d", i);
        if (!summary_of(ctx, &tp, "held_fraction", &h) ||
            !summary_of(ctx, &tp, "waiting_fraction", &wt))
            continue;
        snprintf(held, sizeof(held), "%3.0f%% [%.0f%%, %.0f%%] %s", 100 * h.median, 100 * h.ci_lo,
                 100 * h.ci_hi, fmt_level(h.ci_level, lvl, sizeof(lvl)));
        printf("  %-10d %-30s %3.0f%% [%.0f%%, %.0f%%]%13s %.0f\n", i, held, 100 * wt.median,
               100 * wt.ci_lo, 100 * wt.ci_hi, "", results_median(ctx->res, &tp, "acquisitions_per_s"));
    }
    {   /* the GIL itself: held by anyone, handed over */
        struct point tp = {"gil-timeline", "threads", TIMELINE_THREADS, "thread=all", 0};
        struct summary b;
        if (summary_of(ctx, &tp, "gil_busy_fraction", &b))
            printf("  the GIL was held %.0f%% [%.0f%%, %.0f%%] (%s) of the time and changed hands %.0f "
                   "times a second\n  (CPython's own count; a 5 ms switch interval allows ~200)\n",
                   100 * b.median, 100 * b.ci_lo, 100 * b.ci_hi, fmt_level(b.ci_level, lvl, sizeof(lvl)),
                   results_median(ctx->res, &tp, "switches_per_s"));
    }
    if (ctx->topo->usable < 2)
        printf("  (1 usable CPU: a thread also waits while the OS runs the other one)\n");
    printf("  the intervals of the first repetition: %s/gil-timeline.csv (plots/gil_timeline.gp)\n",
           ctx->out_dir);
    return EXIT_OK;
}

/* ---- experiment 3: convoy -------------------------------------------------------------------
 * Round trips a second of an I/O thread beside 0, 1, 2 spinning Python threads at three
 * switch intervals, and beside 0, 1, 2 spinning processes (gil_convoy.py). The far end
 * is an echo thread in C that answers after ECHO_S, as a server on the local network
 * would. The I/O thread and its echo share the first usable CPU and the spinners run on
 * the others, kept awake by a thread at the lowest priority (gil_python.c, struct
 * keeper), so nothing but the GIL stands between them. Without it, on a VM, the I/O
 * thread alone was 4x slower than beside a spinning process: the idle CPU, not the GIL.
 *
 * The model: a spinning thread gives the GIL up only when a waiting thread has waited a
 * whole switch interval. The I/O thread lets go of it in every send() and recv(), and
 * the spinner, woken, takes it while the I/O thread waits for its answer; so after
 * recv(), and again after send() when the spinner got in meanwhile, the I/O thread waits
 * an interval: a round trip costs one or two switch intervals, 100 to 200 round trips a
 * second at 5 ms, 500 to 1,000 at 1 ms. When the spinner wakes later than the answer
 * arrives, the I/O thread takes the GIL back itself and waits not at all. CPython counts
 * every handoff (switch_number) and the lab records them a round trip: 2 a wait. So with
 * h handoffs a round trip, round trips a second = 1 / (a round trip alone + h/2 x the
 * switch interval): the table prints it beside the measurement.
 *
 * Why the echo waits ECHO_S before answering: an echo that answered at once, on the same
 * CPU, is back within ~20 us, sooner than the spinner on another CPU can wake up to take
 * the GIL; the I/O thread then often gets the GIL back itself, and the round trips beside
 * a spinner swing with that race (96 to 12,000 a second at 5 ms on the EPYC VM). Real I/O
 * answers in 100 us or more, and so does this echo.
 *
 * Where the OS puts the echo matters on its own: the placement series (no CPU work, the
 * echo answering at once) runs it on the I/O thread's CPU, on another CPU, and on another
 * CPU kept awake, paired. A wake-up on another CPU costs more than a switch on the same
 * one (on a VM, an interrupt through the hypervisor; on any machine, an idle CPU waking).
 * Unpinned, the scheduler sends a woken thread back to its previous CPU while that CPU is
 * idle, so alone the two settle on two CPUs; when other work keeps the CPUs busy, it puts
 * the echo beside the thread that woke it, on one CPU. That is why, unpinned, an I/O
 * thread can look faster beside spinning processes than alone. */

static const double ECHO_S = 200e-6;
static const int switch_us[] = {5000, 1000, 100};
enum { MAX_SPINNERS = 2, PLACEMENTS = 3 };
static const char *const placement_param[PLACEMENTS] = {"echo=same-cpu", "echo=other-cpu",
                                                        "echo=other-cpu-awake"};
static const char *const placement_text[PLACEMENTS] = {
    "on the I/O thread's CPU", "on another CPU (idle between)", "on another CPU, kept awake"};

static int convoy_points(const struct lab_ctx *ctx)
{
    (void)ctx;
    return ((int)ARRAY_SIZE(switch_us) + 1) * (MAX_SPINNERS + 1) + PLACEMENTS;
}

static double convoy_seconds(const struct lab_ctx *ctx)
{
    return ctx->quick ? 0.04 : 0.3; /* a repetition of a point */
}

/* The CPUs a convoy point can be disturbed on: all of them. The I/O thread, its echo and
 * the spinners are pinned, so the OS cannot move them away from another program's work:
 * whatever other programs do on any CPU changes the race for the GIL (or the echo's
 * answer), and such a point is flagged busy, not believed. */
static double convoy_cores_wanted(const struct lab_ctx *ctx)
{
    return harness_cores_for(ctx, ctx->topo->usable);
}

static void placement_points(const struct lab_ctx *ctx, struct point *pts)
{
    for (int i = 0; i < PLACEMENTS; i++)
        pts[i] = (struct point){"convoy", "placement", 1, placement_param[i],
                                convoy_cores_wanted(ctx)};
}

static int convoy_child(struct lab_ctx *ctx, void *arg)
{
    struct point pts[PLACEMENTS];
    int rc = EXIT_OK;
    (void)arg;
    if (gil_python_start() < 0)
        return EXIT_FAIL;
    for (int v = 0; v < 2 && rc == EXIT_OK && !harness_interrupted(); v++)
        for (int s = 0; s < (v ? 1 : (int)ARRAY_SIZE(switch_us)) && rc == EXIT_OK; s++)
            for (int c = 0; c <= MAX_SPINNERS && rc == EXIT_OK && !harness_interrupted(); c++)
                if (gil_convoy_point(v ? "cpu-in-process" : "cpu-in-threads", switch_us[s], c,
                                     convoy_seconds(ctx), convoy_cores_wanted(ctx),
                                     ECHO_S, ctx->topo) < 0)
                    rc = EXIT_FAIL;
    /* Placement: no CPU work, the echo on the I/O thread's CPU or on another, paired. */
    placement_points(ctx, pts);
    if (rc == EXIT_OK && !harness_interrupted()) {
        if (ctx->topo->naffinity < 2) {
            for (int i = 0; i < PLACEMENTS; i++)
                harness_skip(ctx, &pts[i], "the echo on another CPU needs 2 CPUs");
        } else {
            harness_series(ctx, pts, PLACEMENTS);
            if (gil_convoy_placement(pts, convoy_seconds(ctx), ctx->quick ? 6 : 10, ctx->topo) < 0)
                rc = EXIT_FAIL;
        }
    }
    gil_python_stop();
    return rc;
}

static int convoy(struct lab_ctx *ctx)
{
    struct point pts[PLACEMENTS];
    char lvl[16];
    int rc;
    printf("\n== convoy: round trips a second of an I/O thread beside CPU-bound workers\n"
           "   (the I/O thread and its echo, which answers after %.0f us, on CPU %d; the CPU work\n"
           "   on the other CPUs)\n", ECHO_S * 1e6, ctx->topo->cpus[0]);
    results_meta(ctx->res, "convoy_echo_us", "%.0f", ECHO_S * 1e6); /* for the chart's model */
    if ((rc = harness_child(ctx, convoy_child, NULL, NULL, NULL)) != EXIT_OK)
        return rc;
    harness_progress_clear();
    printf("  %-15s %9s %7s  %-31s %-19s %-9s %-7s %s\n", "variant", "switch", "beside",
           "round trips/s [interval]", "fewer than alone", "handoffs", "model", "flags");
    for (int v = 0; v < 2; v++)
        for (int s = 0; s < (v ? 1 : (int)ARRAY_SIZE(switch_us)); s++)
            for (int c = 0; c <= MAX_SPINNERS; c++) {
                char param[48], alone_param[48], rt[48], fewer[32] = "", hand[16] = "",
                     model[16] = "", flags[128];
                struct point pt = {"convoy", v ? "cpu-in-process" : "cpu-in-threads", 1 + c, param, 0};
                struct point alone = {pt.experiment, pt.variant, 1, alone_param, 0};
                struct summary r, q, h = {0};
                fmt_param(param, sizeof(param), "switch_us=%d;cpu_threads=%d", switch_us[s], c);
                fmt_param(alone_param, sizeof(alone_param), "switch_us=%d;cpu_threads=0", switch_us[s]);
                if (!summary_of(ctx, &pt, "roundtrips_per_s", &r))
                    continue;
                snprintf(rt, sizeof(rt), "%7.0f [%.0f, %.0f] %s", r.median, r.ci_lo, r.ci_hi,
                         fmt_level(r.ci_level, lvl, sizeof(lvl)));
                /* not paired: the points ran one after the other */
                if (c > 0 && results_ratio(ctx->res, &alone, "roundtrips_per_s", &pt,
                                           "roundtrips_per_s", 0, &q) == 0)
                    snprintf(fewer, sizeof(fewer), "%.3gx", q.median);
                if (summary_of(ctx, &pt, "gil_handoffs_per_roundtrip", &h))
                    snprintf(hand, sizeof(hand), "%.2f", h.median);
                /* The model, with one spinner: a round trip takes what it takes alone,
                 * plus a switch interval for each wait, and each wait is 2 handoffs. */
                double alone_rate = results_median(ctx->res, &alone, "roundtrips_per_s");
                if (c == 1 && v == 0 && h.n > 0 && alone_rate > 0)
                    snprintf(model, sizeof(model), "%.0f",
                             1 / (1 / alone_rate + h.median / 2 * switch_us[s] * 1e-6));
                results_flags(ctx->res, &pt, flags, sizeof(flags));
                printf("  %-15s %6.1f ms %7d  %-31s %-19s %-9s %-7s %s\n", pt.variant,
                       switch_us[s] / 1000.0, c, rt, fewer, hand, model, flags);
            }
    printf("  (handoffs: of the GIL between threads, per round trip, CPython's own count: 2 when\n"
           "   the I/O thread waited for it once a round trip, 4 when twice; a spinner lets go\n"
           "   only after a waiting thread has waited a whole switch interval. model, beside\n"
           "   one spinner: 1 / (a round trip alone + handoffs / 2 x the switch interval))\n");
    placement_points(ctx, pts);
    if (results_summary(ctx->res, &pts[0], "roundtrips_per_s")) {
        printf("  no CPU work, an echo that answers at once; where it runs (paired, in slices):\n");
        for (int i = 0; i < PLACEMENTS; i++) {
            struct summary r;
            char flags[128];
            if (!summary_of(ctx, &pts[i], "roundtrips_per_s", &r))
                continue;
            results_flags(ctx->res, &pts[i], flags, sizeof(flags));
            printf("    %-31s %7.0f [%.0f, %.0f] %s round trips/s  %s\n", placement_text[i],
                   r.median, r.ci_lo, r.ci_hi, fmt_level(r.ci_level, lvl, sizeof(lvl)), flags);
        }
    }
    if (ctx->topo->usable < 2)
        printf("  (1 usable CPU: spinning processes also compete with the I/O thread for the one"
               " CPU, through the OS scheduler)\n");
    return EXIT_OK;
}

/* ---- experiment 4: libraries ----------------------------------------------------------------
 * Python threads (gil_libraries.run) calling hashlib and zlib on 1 MiB blocks, which
 * release the GIL, and running count(), which does not: a series each, paired. */

static const struct {
    const char *variant, *work;
    int rate;
} lib_kinds[] = {{"hashlib", "hash_work", RATE_HASHLIB},
                 {"zlib", "zlib_work", RATE_ZLIB},
                 {"pure-python", "count", RATE_COUNT}};

enum { LIB_MAX_THREADS = 1024 };

static int libraries_points(const struct lab_ctx *ctx)
{
    int *w, nw = harness_workers_with_one(ctx, &w);
    free(w);
    return (int)ARRAY_SIZE(lib_kinds) * nw;
}

struct lib_job {
    struct point *pts[ARRAY_SIZE(lib_kinds)];
    int n;
    struct gil_slicing sl[ARRAY_SIZE(lib_kinds)];
    size_t v;       /* in the child: the kind being measured */
    uint64_t *done;
};

/* One slice: gil_libraries.run() starts pt->workers threads on it, as a Python
 * programmer would, and each did exactly its share. */
static int lib_slice(struct lab_ctx *ctx, void *arg, const struct point *pt, uint64_t units,
                     double *extra_cpu)
{
    struct lib_job *j = arg;
    const char *bad;
    (void)extra_cpu;
    if (gil_libraries_run(lib_kinds[j->v].work, pt->workers, units, j->done) < 0)
        return -1;
    if ((bad = gil_check_shares(j->done, pt->workers, pt->workers, units))) {
        harness_note(ctx, "libraries %s: %s", pt->variant, bad);
        return -1;
    }
    return 0;
}

static int libraries_child(struct lab_ctx *ctx, void *arg)
{
    struct lib_job *j = arg;
    int rc = EXIT_OK;
    j->done = xcalloc((size_t)j->pts[0][j->n - 1].workers, sizeof(uint64_t));
    if (gil_python_start() < 0) {
        free(j->done);
        return EXIT_FAIL;
    }
    for (j->v = 0; j->v < ARRAY_SIZE(lib_kinds) && rc == EXIT_OK; j->v++)
        rc = sliced_series(ctx, j->pts[j->v], j->n, j->sl[j->v], lib_slice, j);
    gil_python_stop();
    free(j->done);
    return rc;
}

static int libraries(struct lab_ctx *ctx)
{
    int *w, nw = harness_workers_with_one(ctx, &w), rc;
    struct lib_job j = {.n = 0};

    printf("\n== libraries: threads calling C code that releases the GIL, beside pure Python "
           "(%.2f s of work for one thread)\n", lab_opt(ctx, "seconds"));
    for (size_t v = 0; v < ARRAY_SIZE(lib_kinds); v++) {
        j.pts[v] = xcalloc((size_t)nw, sizeof(struct point));
        j.n = 0;
        for (int i = 0; i < nw; i++) {
            double wanted = v == 2 ? 1 : harness_cores_for(ctx, w[i]);
            struct point pt = {"libraries", lib_kinds[v].variant, w[i], "", wanted};
            if (w[i] > LIB_MAX_THREADS)
                harness_skip(ctx, &pt, "more than %d threads", LIB_MAX_THREADS);
            else
                j.pts[v][j.n++] = pt;
        }
        j.sl[v] = gil_slicing_for((uint64_t)(rate[lib_kinds[v].rate] * lab_opt(ctx, "seconds")),
                              lab_opt(ctx, "seconds"), j.pts[v], j.n);
    }
    rc = harness_child(ctx, libraries_child, &j, NULL, NULL);
    if (rc == EXIT_OK) {
        print_header("variant");
        for (size_t v = 0; v < ARRAY_SIZE(lib_kinds); v++) {
            harness_speedup(ctx, j.pts[v], j.n);
            for (int i = 0; i < j.n; i++)
                print_row(ctx, &j.pts[v][i]);
        }
    }
    for (size_t v = 0; v < ARRAY_SIZE(lib_kinds); v++)
        free(j.pts[v]);
    free(w);
    return rc;
}

/* ---- experiment 5 (only when named): demo --------------------------------------------------
 * For a talk, beside parmon (make demo-gil): four steady phases of --phase-seconds each,
 * so the audience can read the cores before they change: count() on 1 thread, on 2
 * threads (still one core busy: they take turns on the GIL), in 2 processes (two
 * cores), and spin() on 2 threads, the loop in C with the GIL released (two cores). Each
 * phase is its own point, so parmon's lab line names it; each records the CPU cores it
 * kept busy and the work it did (steps a second). */

static const struct {
    const char *variant, *what;
    int workers, rate;
} demo_phases[] = {
    {"threads", "1 Python thread running count(): one core", 1, RATE_COUNT},
    {"threads", "2 Python threads running count(): still one core, they take turns on the GIL",
     2, RATE_COUNT},
    {"processes", "2 processes running count(), a GIL each: two cores", 2, RATE_COUNT},
    {"threads-nogil", "2 threads running the loop in C with the GIL released: two cores", 2,
     RATE_SPIN},
};
enum { NDEMO = (int)ARRAY_SIZE(demo_phases) };
static const double DEMO_CHUNK_S = 0.1; /* a run of the team: one worker's seconds of work */

static int demo_points(const struct lab_ctx *ctx)
{
    (void)ctx;
    return NDEMO;
}

struct demo_job {
    int phase;
    double rep_s;
};

/* In a child: the team first, then the point (parmon's line changes when the work
 * starts); every repetition keeps the workers busy for rep_s in runs of DEMO_CHUNK_S. */
static int demo_child(struct lab_ctx *ctx, void *arg)
{
    const struct demo_job *j = arg;
    int w = demo_phases[j->phase].workers, rc = EXIT_OK;
    struct point pt = {"demo", demo_phases[j->phase].variant, w, "",
                       !strcmp(demo_phases[j->phase].variant, "threads") ? 1 : harness_cores_for(ctx, w)};
    uint64_t units = (uint64_t)(rate[demo_phases[j->phase].rate] * DEMO_CHUNK_S) * (uint64_t)w;
    uint64_t done[2];
    struct gil_team *team = gil_team_start(pt.variant, w, ctx->topo, ctx->pin);
    if (!team)
        return EXIT_FAIL;
    harness_point(ctx, &pt);
    for (int rep; rc == EXIT_OK && harness_next_rep(ctx, &rep);) {
        struct harness_clock c;
        double extra = 0, end, t;
        uint64_t steps = 0;
        harness_clock_start(ctx, &c, &pt);
        end = c.wall + (rep == 0 ? DEMO_CHUNK_S : j->rep_s);
        do {
            double x = 0;
            const char *bad;
            if (gil_team_run(team, w, units, done, &x) < 0) {
                rc = EXIT_FAIL;
                break;
            }
            if ((bad = gil_check_shares(done, w, w, units))) {
                harness_note(ctx, "demo %s: %s", pt.variant, bad);
                rc = EXIT_FAIL;
                break;
            }
            extra += x;
            steps += units;
        } while (now_s() < end && !harness_interrupted());
        t = harness_clock_stop(ctx, &pt, rep, &c, extra);
        if (rep > 0 && rc == EXIT_OK && t > 0)
            results_add(ctx->res, &pt, rep, "steps_per_s", (double)steps / t, "1/s");
    }
    gil_team_stop(team);
    return rc;
}

static int demo(struct lab_ctx *ctx)
{
    double phase = lab_opt(ctx, "phase-seconds");
    char lvl[16];
    printf("\n== demo: %d steady phases of %.0f s each (--phase-seconds); watch the cores in parmon\n",
           NDEMO, phase);
    for (int i = 0; i < NDEMO; i++) {
        struct demo_job j = {i, phase / ctx->reps};
        int rc;
        harness_note(ctx, "  phase %d of %d: %s", i + 1, NDEMO, demo_phases[i].what);
        if ((rc = harness_child(ctx, demo_child, &j, NULL, NULL)) != EXIT_OK)
            return rc;
    }
    harness_progress_clear();
    printf("  %-15s %7s  %-27s %-28s %s\n", "phase", "workers", "CPU cores busy [interval]",
           "steps a second (median)", "flags");
    for (int i = 0; i < NDEMO; i++) {
        struct point pt = {"demo", demo_phases[i].variant, demo_phases[i].workers, "", 0};
        struct summary c;
        char flags[128];
        if (!summary_of(ctx, &pt, "cpu_cores", &c))
            continue;
        results_flags(ctx->res, &pt, flags, sizeof(flags));
        printf("  %-15s %7d  %4.2f [%.2f, %.2f] %-10s %-28.4g %s\n", pt.variant, pt.workers,
               c.median, c.ci_lo, c.ci_hi, fmt_level(c.ci_level, lvl, sizeof(lvl)),
               results_median(ctx->res, &pt, "steps_per_s"), flags);
    }
    return EXIT_OK;
}

/* ---- the lesson's claims, judged on the numbers (parlab report) --------------------------------
 * Each speedup claim is judged at the most workers within the usable CPUs: beyond them
 * nothing can speed up. With one usable CPU no claim about parallel speed can be told. */

/* variant's speedup at P workers >= frac * P (at_least) or <= limit (at most). */
static void judge_speedup(struct claim_out *o, const struct report_lab *l, const char *experiment,
                          const char *variant, int at_least, double x)
{
    int p = report_top_workers(l, experiment, variant, "", "speedup", 2);
    const struct sumrow *r = report_row(l, experiment, variant, p, "", "speedup");
    const struct sumrow *c = report_row(l, experiment, variant, p, "", "cpu_cores"),
                        *c1 = report_row(l, experiment, variant, 1, "", "cpu_cores");
    if (!p) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "%s: no speedup measured at 2 or more workers "
                                              "within the usable CPUs", variant);
    } else if (at_least) {
        claim_at_least(o, l, r, x * p, "%s at %d workers (at least %.2gx)", variant, p, x * p);
        /* The workers kept P cores busy (the GIL did not hold them back), yet each core
         * did less than one worker alone: the CPUs slowed each other down (on a VM,
         * virtual CPUs that are hyperthreads of one physical core; a laptop's clock
         * dropping with more cores busy). The work is split and checked, so that is the
         * machine, not the code: these numbers cannot tell how far the code scales. But
         * two hyperthreads together still do more than one core alone: below half the
         * cores' worth (slower than one worker, on two busy cores) it is the code. */
        if (o->verdict != VERDICT_HOLDS && r && c && c1 && c1->median > 0 &&
            c->median >= 0.8 * p * c1->median && r->median < x * p &&
            r->median > 0.5 * c->median / c1->median)
            claim_verdict(o, VERDICT_CANNOT_TELL,
                          "%s: %d workers kept %.2f CPU cores busy (1 worker: %.2f), yet ran "
                          "only %.2fx as fast: each core did less than one worker alone, so "
                          "the CPUs slowed each other (on a VM: virtual CPUs sharing a "
                          "physical core), not the GIL", variant, p, c->median, c1->median,
                          r->median);
    } else {
        claim_at_most(o, l, r, x, "%s at %d workers (at most %.2gx)", variant, p, x);
    }
}

static void threads_do_not_scale(const struct report_lab *l, struct claim_out *o)
{
    if (claim_needs_cpus(o, l, 2))
        judge_speedup(o, l, "python-cpu", "threads", 0, 1.2);
}

static void own_gil_scales(const struct report_lab *l, struct claim_out *o)
{
    struct claim_out sub = {0};
    if (!claim_needs_cpus(o, l, 2))
        return;
    judge_speedup(o, l, "python-cpu", "processes", 1, 0.8);
    if (report_row(l, "python-cpu", "subinterpreters", 1, "", "seconds")) {
        judge_speedup(&sub, l, "python-cpu", "subinterpreters", 1, 0.8);
        claim_merge(o, &sub, 0);
    } else {
        claim_note(o, "subinterpreters: not measured (they need CPython 3.12+)");
    }
}

static void nogil_scales(const struct report_lab *l, struct claim_out *o)
{
    if (claim_needs_cpus(o, l, 2))
        judge_speedup(o, l, "python-cpu", "threads-nogil", 1, 0.8);
}

static void gil_shared(const struct report_lab *l, struct claim_out *o)
{
    int p = TIMELINE_THREADS;
    /* A handoff needs the waiting thread to run when the GIL is offered: other programs
     * on the CPUs (more than half a CPU's worth) skew who gets it, whatever the GIL does. */
    const struct sumrow *other = report_row(l, "gil-timeline", "threads", p, "", "other_cores");
    if (other && other->median > 0.5) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "other programs used %.2f CPUs meanwhile: the "
                                              "waiting thread cannot always run when the GIL is "
                                              "offered", other->median);
        return;
    }
    claim_at_least(o, l, report_row(l, "gil-timeline", "threads", p, "thread=all", "gil_busy_fraction"),
                   0.9, "the GIL held, by either thread");
    for (int i = 1; i <= p; i++) {
        struct claim_out part = {0};
        char param[32];
        fmt_param(param, sizeof(param), "thread=%d", i);
        claim_at_least(&part, l, report_row(l, "gil-timeline", "threads", p, param, "held_fraction"),
                       0.25, "thread %d holds it, of its time", i);
        claim_merge(o, &part, 0);
    }
}

/* On one CPU the echo thread, the I/O thread and the spinner also queue for the CPU
 * itself: the operating system's time slices, not the GIL's switch interval, set the
 * pace, so the GIL's share of the slowdown cannot be told apart. */
static void convoy_slows_io(const struct report_lab *l, struct claim_out *o)
{
    if (!claim_needs_cpus(o, l, 2))
        return;
    claim_ratio_at_least(o, l,
                         report_row(l, "convoy", "cpu-in-threads", 1, "switch_us=5000;cpu_threads=0",
                                    "roundtrips_per_s"),
                         report_row(l, "convoy", "cpu-in-threads", 2, "switch_us=5000;cpu_threads=1",
                                    "roundtrips_per_s"),
                         5, "round trips alone / beside one spinning thread, at 5 ms");
}

/* The spinning processes run on the other CPUs: with the GIL out of the way, nothing
 * slows the I/O thread while a CPU is free for them. */
static void processes_spare_io(const struct report_lab *l, struct claim_out *o)
{
    if (!claim_needs_cpus(o, l, 2))
        return;
    claim_ratio_at_least(o, l,
                         report_row(l, "convoy", "cpu-in-process", 2, "switch_us=5000;cpu_threads=1",
                                    "roundtrips_per_s"),
                         report_row(l, "convoy", "cpu-in-process", 1, "switch_us=5000;cpu_threads=0",
                                    "roundtrips_per_s"),
                         0.8, "round trips beside one spinning process / alone");
}

static void libraries_scale(const struct report_lab *l, struct claim_out *o)
{
    struct claim_out z = {0};
    if (!claim_needs_cpus(o, l, 2))
        return;
    judge_speedup(o, l, "libraries", "hashlib", 1, 0.7);
    judge_speedup(&z, l, "libraries", "zlib", 1, 0.7);
    claim_merge(o, &z, 0);
}

static void pure_python_does_not(const struct report_lab *l, struct claim_out *o)
{
    if (claim_needs_cpus(o, l, 2))
        judge_speedup(o, l, "libraries", "pure-python", 0, 1.2);
}

/* demo: the cores each phase kept busy, with 2 workers on 2+ CPUs. */
static void demo_cores(const struct report_lab *l, struct claim_out *o)
{
    struct claim_out p = {0}, c = {0};
    if (!claim_needs_cpus(o, l, 2))
        return;
    claim_at_most(o, l, report_row(l, "demo", "threads", 2, "", "cpu_cores"), 1.3,
                  "2 threads: CPU cores busy (at most 1.3)");
    claim_at_least(&p, l, report_row(l, "demo", "processes", 2, "", "cpu_cores"), 1.6,
                   "2 processes (at least 1.6)");
    claim_merge(o, &p, 0);
    claim_at_least(&c, l, report_row(l, "demo", "threads-nogil", 2, "", "cpu_cores"), 1.6,
                   "2 threads in C without the GIL (at least 1.6)");
    claim_merge(o, &c, 0);
}

static const struct lab_claim gil_claims[] = {
    {"python-cpu", "Python threads do not speed up CPU-bound Python code: at P workers on P CPUs "
                   "the speedup stays at most 1.2x (they take turns on one GIL)", threads_do_not_scale},
    {"python-cpu", "Processes speed it up, each with its own interpreter and GIL, to at least "
                   "0.8 P at P workers; so do subinterpreters with a GIL each (CPython 3.12+) where "
                   "measured", own_gil_scales},
    {"python-cpu", "Threads whose loop runs in C with the GIL released speed it up to at least "
                   "0.8 P at P workers", nogil_scales},
    {"gil-timeline", "With two threads the GIL is held almost all the time (at least 90%) and the "
                     "two share it (each holds it at least 25% of its time)", gil_shared},
    {"convoy", "An I/O thread beside one spinning Python thread makes at most a fifth of the round "
               "trips it makes alone, at the default 5 ms switch interval", convoy_slows_io},
    {"convoy", "With the CPU work in another process instead, the I/O thread keeps at least 80% of "
               "the round trips it makes alone (the spinner has a CPU of its own)", processes_spare_io},
    {"libraries", "Threads calling hashlib or zlib on large buffers (which release the GIL) scale: "
                  "at least 0.7 P at P workers", libraries_scale},
    {"libraries", "Threads running pure Python beside them do not: at most 1.2x at P workers",
     pure_python_does_not},
    {"demo", "Two Python threads keep about one core busy (at most 1.3); two processes, or two "
             "threads running C without the GIL, about two (at least 1.6)", demo_cores},
    {NULL, NULL, NULL},
};

/* ---- the lab table -------------------------------------------------------------------------- */

static const struct lab_experiment gil_experiments[] = {
    {"python-cpu", "count() over N threads, processes, subinterpreters (3.12+), or in C without "
                   "the GIL; paired speedups", python_cpu, python_cpu_points, 0},
    {"gil-timeline", "2 threads; who holds the GIL, sampled every 50 us; gil-timeline.csv",
     gil_timeline, timeline_points, 0},
    {"convoy", "I/O round trips beside 0/1/2 spinning threads (switch 5, 1, 0.1 ms) or processes; "
               "where the echo runs", convoy, convoy_points, 0},
    {"libraries", "threads calling hashlib and zlib (GIL released) vs pure Python; paired",
     libraries, libraries_points, 0},
    {"demo", "for a talk beside parmon (only when named): 1 thread, 2 threads, 2 processes, 2 "
             "threads in C without the GIL, each held --phase-seconds", demo, demo_points, 1},
    {NULL, NULL, NULL, NULL, 0},
};

static const struct lab_option gil_options[] = {
    {"seconds", "S", "one worker's work in python-cpu and libraries, in seconds", LAB_OPT_NUMBER,
     0.4, 0.12, 0.001, 60},
    {"phase-seconds", "S", "length of each phase of the demo experiment, in seconds",
     LAB_OPT_NUMBER, 10, 2, 0.2, 600},
    {NULL, NULL, NULL, 0, 0, 0, 0, 0},
};

static const char *const gil_charts[] = {"gil_scaling", "gil_timeline", "gil_convoy",
                                         "gil_libraries", "gil_demo", NULL};

const struct lab lab_gil = {
    .name = "gil",
    .summary = "CPython's GIL: threads vs processes vs C without the GIL; timeline; convoy",
    .help =
        "Embeds CPython and runs four experiments, each in a child process:\n"
        "  python-cpu    pure-Python countdown work split over N threads, N processes, or N\n"
        "                threads running the loop in C with the GIL released (threads-nogil);\n"
        "                with CPython 3.12+ also N threads each in its own subinterpreter;\n"
        "                seconds, speedup (paired: against one worker of the same team, slice\n"
        "                by slice in the same repetition), efficiency, cpu_cores\n"
        "  gil-timeline  2 threads; a C thread samples who holds the GIL every 50 us;\n"
        "                held/waiting fractions per thread, gil-timeline.csv intervals\n"
        "  convoy        I/O round trips a second beside 0/1/2 spinning Python threads at\n"
        "                switch intervals 5, 1, 0.1 ms, or with the spinning in processes;\n"
        "                GIL handoffs a round trip; where the echo runs (placement)\n"
        "  libraries     threads calling hashlib and zlib (GIL released) vs pure Python\n"
        "and, only when named (--experiment demo; make demo-gil), a talk's steady phases:\n"
        "  demo          1 thread, 2 threads, 2 processes, 2 threads in C without the GIL,\n"
        "                --phase-seconds each; cpu_cores and steps_per_s per phase\n"
        "The Python: labs/gil/gil_work.py, gil_convoy.py, gil_libraries.py (each runs alone).\n"
        "Charts: plots/gil_scaling.gp, gil_timeline.gp, gil_convoy.gp, gil_libraries.gp,\n"
        "gil_demo.gp.",
    .experiments = gil_experiments,
    .options = gil_options,
    .claims = gil_claims,
    .charts = gil_charts,
    .prepare = gil_prepare,
#ifndef PARLAB_HAVE_PYTHON
    .unavailable = "built without the Python headers (apt-get install python3-dev, then make)",
#endif
    .default_reps = 5,
    .quick_reps = 5,
};
