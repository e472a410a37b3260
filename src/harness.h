/* harness.h: how every lab measures. One method for all, after the EPCC OpenMP
 * micro-benchmarks (Bull et al.):
 *   1. calibrate: double the inner repetitions until one sample lasts long enough to
 *      time well (the clock costs ~20 ns; a sample of >= 1 ms makes that noise < 0.01%);
 *   2. warm up once, untimed (caches, page faults, CPU frequency, lazy binding);
 *   3. take `reps` timed samples (outer repetitions);
 *   4. summarise each point: median, min, max, 95% CI of the median, outliers counted.
 * Overheads are measured as test minus reference: the same loop without the construct.
 *
 * A lab's run() gets a struct lab_ctx: the worker counts to run, repetitions, the
 * CPUs it may use, and the results it fills. The harness also reports progress on
 * stderr and publishes it to parmon (status.h), between samples only. */
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
    const int *workers; /* worker counts to run, ascending, from --workers */
    int nworkers;
    int reps;           /* timed repetitions per point */
    bool quick;         /* --quick: seconds, not a minute */
    bool pin;           /* --pin: pin worker i to usable CPU i */
    bool workers_given; /* the user chose --workers (labs may then skip their own sweep) */
    const char *out_dir;
    /* the lab's own options as given: names without dashes */
    int nopts;
    const char **opt_name, **opt_val;
    /* progress: points announced so far, the expected total (grown if a lab runs more),
     * and the total as planned (the smoke test compares it with `point` at the end) */
    int point, npoints, planned;
    double t_start, t_point;
};

/* ---- the lab's own options --------------------------------------------------------- */
/* The value given for --name, or NULL. */
const char *lab_opt(const struct lab_ctx *ctx, const char *name);
/* The number given for --name, checked to lie in [lo, hi] (usage error, exit 2,
 * naming the bad value otherwise); def when not given. */
double lab_opt_double(const struct lab_ctx *ctx, const char *name, double def, double lo, double hi);
long lab_opt_long(const struct lab_ctx *ctx, const char *name, long def, long lo, long hi);

/* ---- worker counts ---------------------------------------------------------------- */
/* The default sweep: 1..usable (every count up to 8, then doubling, always ending at
 * usable), plus one oversubscribed point at 2 * usable. Returns the count; *out is
 * malloc'ed. */
int harness_workers_auto(const struct topo *t, int **out);
/* 1 if w > the usable CPUs: an oversubscribed point. */
int harness_oversubscribed(const struct lab_ctx *ctx, int w);

/* ---- progress -------------------------------------------------------------------------- */
/* Tell the harness how many points the lab will measure (for the progress and ETA). */
void harness_plan(struct lab_ctx *ctx, int npoints);
/* n of the planned points will not run after all (a library found missing on the way). */
void harness_unplan(struct lab_ctx *ctx, int n);
/* Start a point: shows it on stderr and publishes it to parmon. */
void harness_point(struct lab_ctx *ctx, const struct point *pt);
/* Report the repetition under way (0 = warm-up). */
void harness_rep(struct lab_ctx *ctx, int rep);
/* Clear the progress line (before printing results to stdout on a terminal). */
void harness_progress_clear(void);
/* True once Ctrl-C or SIGTERM arrived: stop measuring, return EXIT_INTERRUPTED. */
bool harness_interrupted(void);

/* ---- measuring ---------------------------------------------------------------------- */
/* Work to be timed: do `iters` units of it. */
typedef void (*harness_fn)(void *arg, uint64_t iters);

/* Seconds that fn(arg, iters) takes, once. */
double harness_time(harness_fn fn, void *arg, uint64_t iters);
/* Smallest power-of-two iteration count whose sample lasts >= min_seconds (capped). */
uint64_t harness_calibrate(harness_fn fn, void *arg, double min_seconds);
/* Warm-up plus ctx->reps timed samples of fn(arg, iters); records per rep
 * value = seconds * scale / iters under `metric`. Returns 0, or -1 if interrupted.
 * harness_sample(ctx, &pt, lock_loop, &st, n, "ns_per_op", "ns", 1e9); */
int harness_sample(struct lab_ctx *ctx, const struct point *pt, harness_fn fn, void *arg,
                   uint64_t iters, const char *metric, const char *unit, double scale);
/* The same as test minus reference, interleaved rep by rep (EPCC overhead). */
int harness_sample_overhead(struct lab_ctx *ctx, const struct point *pt, harness_fn test,
                            harness_fn ref, void *arg, uint64_t iters, const char *metric,
                            const char *unit, double scale);

/* ---- output ------------------------------------------------------------------------ */
/* Print the table header once, then one row per (point, metric): the median, the 95%
 * CI and n. Results go to stdout; progress to stderr. */
void harness_print(struct lab_ctx *ctx, const struct point *pt, const char *metric);
/* printf into buf and return it: param strings, "serial=%.2f". */
const char *fmt_param(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- processes --------------------------------------------------------------------------- */
/* fork() for labs: the child dies with the parent (PR_SET_PDEATHSIG), gets default
 * signal handlers, and is tracked so that Ctrl-C kills and reaps it. Returns as fork. */
pid_t harness_fork(void);
/* waitpid() for a child from harness_fork, which then stops being tracked. */
int harness_wait(pid_t pid, int *status);
/* Kill (SIGKILL) and reap every tracked child. */
void harness_kill_children(void);

/* CPUs' worth of work that OTHER processes did since the lab began (from /proc/stat
 * minus our own CPU time), or NaN if unknown. parlab warns when it is large: a busy
 * machine understates every speedup. */
double harness_background_load(const struct lab_ctx *ctx);

/* ---- set-up, used by parlab_main.c ---------------------------------------------------- */
void harness_install_signals(void);
void harness_begin(struct lab_ctx *ctx);
void harness_end(struct lab_ctx *ctx, const char *state);

#endif
