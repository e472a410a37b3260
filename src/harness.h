/* harness.h: how every lab measures. One method for all, after the EPCC OpenMP
 * micro-benchmarks (Bull et al.):
 *   1. calibrate: double the inner repetitions until one sample lasts long enough to
 *      time well (the clock costs ~20 ns; a sample of >= 1 ms makes that noise < 0.01%);
 *   2. warm up once, untimed (caches, page faults, CPU frequency, lazy binding);
 *   3. take `reps` timed samples (outer repetitions);
 *   4. summarise each point: median, min, max, the median's interval and its coverage,
 *      outliers counted (from n = 5);
 *   5. overheads as test minus reference (the same loop without the construct), and
 *      ratios (speedups) per repetition, against a baseline measured in the same
 *      repetition under the same conditions (paired).
 * For every timed point the harness also records the CPU the point actually got
 * (cpu_cores) and, over the whole point, what other programs used meanwhile
 * (other_cores), so a speedup that the CPUs cannot explain is flagged, not taught.
 *
 * A lab's experiment gets a struct lab_ctx and reads like this:
 *
 *   struct point pt = {"create", "fork", 1, "", 1};
 *   harness_point(ctx, &pt);                      // progress, parmon, the plan
 *   for (int rep; harness_next_rep(ctx, &rep);)   // rep 0: the warm-up
 *       ... measure, results_add(ctx->res, &pt, rep, ...) when rep > 0 ...
 *   if (harness_interrupted()) return EXIT_INTERRUPTED;
 *
 * or, for the common case, harness_sample() does the whole loop. Progress goes to
 * stderr and to parmon (status.h), only between samples. */
#ifndef PARLAB_HARNESS_H
#define PARLAB_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lab.h"
#include "results.h"
#include "topo.h"
#include "util.h"

struct lab_ctx {
    const struct lab *lab;
    struct topo *topo;
    struct results *res;
    const int *workers; /* worker counts from --workers (or auto), ascending */
    int nworkers;
    int reps;           /* timed repetitions per point */
    bool quick;         /* --quick: seconds, not a minute */
    bool pin;           /* --pin: pin worker i to usable CPU i */
    bool workers_given; /* the user chose --workers (labs may then skip their own sweep) */
    const char *out_dir;
    const double *opt;     /* the lab's options by index in lab->options (NAN: no value) */
    const bool *opt_given; /* ... and whether the user gave them */
    const char *const *opt_str; /* ... and as given on the command line (NULL: not given) */
    const bool *exp_on;    /* the experiments to run, by index in lab->experiments */
    const struct lab_experiment *exp; /* the one running now */
    void *state;           /* the lab's own, from prepare() to the last experiment */
    double point_budget_s; /* > 0: stop a point's repetitions after 3 once it took longer */

    /* ---- the harness's own bookkeeping (labs read, never write) ---- */
    int point, npoints, planned, skipped; /* points announced, expected, planned, skipped */
    int rep;                              /* the repetition under way (-1: none) */
    int series_n;                         /* points in the series under way (0: one point) */
    double t_start, t_point;
};

/* ---- the lab's own options ------------------------------------------------------------- */
/* The value of option `name` (declared in lab->options): as given, else its quick or
 * default value, else NAN. Checked by parlab before the lab runs. */
double lab_opt(const struct lab_ctx *ctx, const char *name);
/* True if the user gave --name. */
bool lab_opt_given(const struct lab_ctx *ctx, const char *name);
/* An option as the user gave it, or NULL: a LAB_OPT_FILE's file name. */
const char *lab_opt_str(const struct lab_ctx *ctx, const char *name);

/* ---- worker counts ---------------------------------------------------------------------- */
/* The default sweep: 1..usable (every count up to 8, then doubling, always ending at
 * usable), plus one oversubscribed point at 2 * usable. Returns the count; *out is
 * malloc'ed. */
int harness_workers_auto(const struct topo *t, int **out);
/* The counts an experiment that computes speedups sweeps: 1 first (the baseline), then
 * the --workers list. Returns the count; *out is malloc'ed. */
int harness_workers_with_one(const struct lab_ctx *ctx, int **out);
/* A lab's own default sweep (full, or quick with --quick), for work whose worker counts
 * do not follow the CPUs (waiting workers); --workers replaces it (1 first). */
int harness_workers_or(const struct lab_ctx *ctx, const int *full, int nfull, const int *quick,
                       int nquick, int **out);
/* 1 if w > the usable CPUs: an oversubscribed point. */
int harness_oversubscribed(const struct lab_ctx *ctx, int w);
/* The CPUs' worth w CPU-bound workers can get here: min(w, usable). For point.cores_wanted. */
double harness_cores_for(const struct lab_ctx *ctx, int w);

/* ---- points, the plan and progress ------------------------------------------------------------ */
/* Start a point: shows it on stderr, publishes it to parmon, counts it against the plan.
 * Its repetitions follow (harness_next_rep). */
void harness_point(struct lab_ctx *ctx, const struct point *pt);
/* Start n points measured together, repetition by repetition in turn (a scaling
 * series: 1, 2, 4 workers in rep 1, then 4, 2, 1 in rep 2, ...), so that every point
 * of a repetition ran under the same conditions and a speedup can be taken per
 * repetition (harness_speedup). Counts n points. Measure each with harness_clock_*. */
void harness_series(struct lab_ctx *ctx, const struct point *pts, int n);
/* In a series: which point to measure k-th (0..n-1) in repetition rep. Even reps run
 * backwards, so a slow drift of the machine's speed cancels out of the ratios. */
int harness_series_order(int rep, int k, int n);
/* A point that will not run after all: prints "  skipped: ...why" and takes it out of
 * the plan. harness_skip(ctx, &pt, "more than %d interpreters need GBs of memory", 256); */
void harness_skip(struct lab_ctx *ctx, const struct point *pt, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The repetition loop, the only one: `for (int rep; harness_next_rep(ctx, &rep);)`
 * gives rep 0 (the untimed warm-up) and then 1..reps; false when done, when
 * interrupted (Ctrl-C), or when the point ran past ctx->point_budget_s (after 3). */
bool harness_next_rep(struct lab_ctx *ctx, int *rep);
/* A line for the person at the terminal, in the middle of the output (stdout), with
 * the progress line cleared first. */
void harness_note(struct lab_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Clear the progress line (before printing results to stdout on a terminal). */
void harness_progress_clear(void);
/* True once Ctrl-C or SIGTERM arrived: stop measuring, return EXIT_INTERRUPTED. */
bool harness_interrupted(void);

/* ---- measuring ------------------------------------------------------------------------------ */
/* Work to measure: do `iters` units of it. Either run (timed by the harness's clock
 * around the call) or timed (it times itself, from a start barrier say, and returns
 * the seconds) is set.
 *   struct harness_work w = {.run = create_fork, .arg = &a}; */
struct harness_work {
    void (*run)(void *arg, uint64_t iters);
    double (*timed)(void *arg, uint64_t iters);
    void *arg;
    /* Optional: CPU seconds used so far by workers this process has not reaped (a child
     * at the far end of a pipe), so cpu_cores counts them too. */
    double (*live_cpu)(void *arg);
};

/* Seconds that w takes for iters units, once. */
double harness_time(const struct harness_work *w, uint64_t iters);
/* The smallest iteration count, doubling from lo (at least 1), whose sample lasts
 * >= min_seconds, or hi (0: 2^40). The one calibration: EPCC's inner repetitions. */
uint64_t harness_calibrate(const struct harness_work *w, double min_seconds, uint64_t lo,
                           uint64_t hi);
/* Units a second: calibrate to min_seconds, then the best of 3 samples (a sample that
 * was preempted would make the unit look slower than it is). */
double harness_rate(const struct harness_work *w, double min_seconds);
/* The whole loop for one point: warm-up plus ctx->reps samples of iters units; each
 * rep records value = seconds * scale / iters under `metric`, and cpu_cores.
 *   harness_sample(ctx, &pt, &w, n, "us", "us", 1e6);  // us per unit
 * Returns EXIT_OK, or EXIT_INTERRUPTED. */
int harness_sample(struct lab_ctx *ctx, const struct point *pt, const struct harness_work *w,
                   uint64_t iters, const char *metric, const char *unit, double scale);
/* EPCC's overhead: per rep the reference (the same loop without the construct) and the
 * test side by side; records (test - reference) * scale / iters. check (may be NULL)
 * looks at the test's result after each sample: NULL, or what is wrong (EXIT_FAIL). */
int harness_sample_overhead(struct lab_ctx *ctx, const struct point *pt,
                            const struct harness_work *test, const struct harness_work *ref,
                            uint64_t iters, const char *metric, const char *unit, double scale,
                            const char *(*check)(void *arg));

/* A clock for a lab's own timed region: wall time and the CPU time of this process and
 * its children, so the CPU the region got is known.
 *   struct harness_clock c; harness_clock_start(ctx, &c, &pt); run(); harness_clock_stop(...) */
struct harness_clock {
    double wall, cpu;
};
/* Start timing pt (in a series this also shows pt on parmon's lab line). */
void harness_clock_start(struct lab_ctx *ctx, struct harness_clock *c, const struct point *pt);
/* Stop: records `seconds` and `cpu_cores` for pt at rep (nothing at rep 0). extra_cpu:
 * CPU seconds of workers this process has not reaped yet (0 if none). Returns seconds. */
double harness_clock_stop(struct lab_ctx *ctx, const struct point *pt, int rep,
                          const struct harness_clock *c, double extra_cpu);

/* Paired speedups of a series: for every point and repetition, speedup = seconds of the
 * series' one-worker point in that repetition / the point's own seconds, and
 * efficiency = speedup / workers. pts must hold a point with workers = 1. */
void harness_speedup(struct lab_ctx *ctx, const struct point *pts, int n);

/* ---- output ------------------------------------------------------------------------------ */
/* Print a table row for (point, metric): the median, the interval with its coverage,
 * n, and the point's flags. The header once per lab. Results go to stdout. */
void harness_print(struct lab_ctx *ctx, const struct point *pt, const char *metric);
/* printf into buf and return it: param strings, "serial=%.2f". */
const char *fmt_param(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "94%": the coverage of an interval, for a table header or a sentence. */
const char *fmt_level(double level, char *buf, size_t size);

/* ---- processes --------------------------------------------------------------------------- */
/* fork() for labs: the child dies with the parent (PR_SET_PDEATHSIG), ignores Ctrl-C
 * (the lab decides), and is tracked so that Ctrl-C kills and reaps it. Returns as fork. */
pid_t harness_fork(void);
/* waitpid() for a child from harness_fork, which then stops being tracked. */
int harness_wait(pid_t pid, int *status);
/* Kill (SIGKILL) and reap every tracked child. */
void harness_kill_children(void);

/* Run fn(ctx, arg) in a child process, as if in this one: the child's points, skips,
 * repetitions, notes and results travel back over a pipe (the one child protocol,
 * harness_child.c) and are applied here as they arrive; Ctrl-C reaches it and it stops
 * after its sample. A lab uses it for a fresh interpreter per experiment, or to fork
 * workers before any OpenMP region. on_line (may be NULL) gets the lab's own lines,
 * sent with harness_child_send. Returns fn's exit code, EXIT_INTERRUPTED, or EXIT_FAIL
 * if the child died (said on stderr). */
int harness_child(struct lab_ctx *ctx, int (*fn)(struct lab_ctx *ctx, void *arg), void *arg,
                  void (*on_line)(void *line_arg, char **fields, int nfields), void *line_arg);
/* In a child of harness_child: send the parent a line of the lab's own (fields are
 * joined by tabs). */
void harness_child_send(const char *const *fields, int n);
/* True in a child of harness_child. */
bool harness_in_child(void);

/* CPUs' worth of work that OTHER processes did since the lab began (from /proc/stat
 * minus this process tree's CPU time), or NaN if unknown. */
double harness_background_load(const struct lab_ctx *ctx);
/* CPU seconds of this process, its reaped children and its live descendants (in 10 ms
 * ticks for the live ones: for a whole point, not a sample). */
double harness_tree_cpu_s(void);
/* CPU seconds of this process's live children, every thread of each, exact to the
 * nanosecond (/proc/PID/task/TID/schedstat): for struct harness_work's live_cpu. */
double harness_children_cpu_s(void);
/* Busy CPU seconds of the whole machine so far (/proc/stat), or -1. */
double harness_machine_busy_s(void);

/* ---- set-up, used by parlab_main.c ---------------------------------------------------------- */
void harness_install_signals(void);
void harness_begin(struct lab_ctx *ctx);
/* The sum of the enabled experiments' points: the plan. */
void harness_plan(struct lab_ctx *ctx);
/* Run one experiment (ctx->exp set), closing its last point. */
int harness_run_experiment(struct lab_ctx *ctx, const struct lab_experiment *e);
void harness_end(struct lab_ctx *ctx, const char *state);

#endif
