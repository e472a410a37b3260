/* labs/amdahl/amdahl.c: where Amdahl's law stops the speedup curve.
 *
 * The question: if part of a program must run on one core, how much faster can more
 * cores make it?  Amdahl (1967): with a serial fraction s of the one-worker time,
 *
 *     speedup(p) = 1 / (s + (1 - s) / p)   which never exceeds 1 / s.
 *
 * The lab builds a program whose serial fraction we choose: a serial phase of s*W
 * units of work on one thread, then a parallel phase of (1-s)*W units split evenly
 * over p workers. It runs it with POSIX threads and with OpenMP at each worker count,
 * times it, and then fits Amdahl's law (and Gunther's Universal Scalability Law) to the
 * timings, to see whether the fit gives back the fraction we built in.
 *
 * How it is measured: all worker counts of one variant form a series. Each repetition
 * runs 1, 2, ... p workers in turn (and the next repetition p, ..., 2, 1), so every
 * speedup is the one-worker time of the same repetition over the p-worker time: a
 * machine whose speed drifts slows both sides alike instead of skewing the ratio.
 *
 * What to watch: the fit lands a little above the configured s. The extra is real
 * serial work we did not write on purpose: starting threads, waking them, waiting
 * for the slowest one. Karp-Flatt (e) shows it per point: flat e = a true serial
 * fraction; e rising with p = overhead that grows with the number of workers.
 *
 * Four experiments, top to bottom:
 *   scaling    the job on CPU work, 1..P workers, pthreads and OpenMP: the speedup on
 *              this machine, and the fits. On 2 CPUs the curve stops at 2 workers, long
 *              before the ceiling 1/s shows;
 *   sleep      the same job where every unit of work is a wait (HPC Carpentry's amdahl
 *              program does this): waiting workers need no CPU, so 1 to 64 of them run
 *              on any laptop and the curve bends to its ceiling 1/s for all to see;
 *   gustafson  weak scaling: the parallel work grows with the workers (each does the
 *              same amount), the serial part stays: scaled speedup p - s(p - 1);
 *   stream     the other common reason code stops scaling: memory bandwidth (the STREAM
 *              triad, amdahl_stream.c). */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "amdahl.h"
#include "fit.h"
#include "work.h"

/* ---- the work: a serial phase, then a parallel one ------------------------------------ */

/* Each worker leaves its result in its own cache line (see the sync lab's false
 * sharing experiment for why the padding matters). */
struct slot {
    uint64_t v;
    char pad[64 - sizeof(uint64_t)];
};

struct job {
    uint64_t serial_units;   /* done by one thread, before the parallel phase */
    uint64_t parallel_units; /* split over the workers */
    int workers;
    const struct topo *topo;
    int pin;
    struct slot *out;
};

/* ---- variant 1: POSIX threads ---------------------------------------------------------- */

struct worker_arg {
    const struct job *job;
    int id;
};

static void *worker(void *p)
{
    struct worker_arg *a = p;
    const struct job *j = a->job;
    if (j->pin)
        topo_pin_thread(j->topo, a->id);
    j->out[a->id].v = burn(share(j->parallel_units, j->workers, a->id), (uint64_t)a->id + 1);
    return NULL;
}

/* Serial phase on this thread, then p workers: this thread is worker 0 and p - 1 new
 * threads are the rest. Creating them is part of the cost, as in a real program. */
static void run_pthreads(const struct job *j)
{
    pthread_t tid[j->workers];
    struct worker_arg args[j->workers];

    j->out[0].v = burn(j->serial_units, 42);

    for (int i = 0; i < j->workers; i++)
        args[i] = (struct worker_arg){j, i};
    for (int i = 1; i < j->workers; i++)
        if (pthread_create(&tid[i], NULL, worker, &args[i]) != 0)
            die("cannot create thread %d of %d", i, j->workers);
    worker(&args[0]);
    for (int i = 1; i < j->workers; i++)
        pthread_join(tid[i], NULL);
}

/* ---- variant 2: OpenMP ----------------------------------------------------------------- */

/* The same split with OpenMP. libgomp keeps its threads between parallel regions, so
 * after the warm-up no thread is created: only woken, which is cheaper. */
static void run_openmp(const struct job *j)
{
    j->out[0].v = burn(j->serial_units, 42);
#pragma omp parallel num_threads(j->workers)
    {
#ifdef _OPENMP
        int id = omp_get_thread_num();
#else
        int id = 0;
#endif
        if (j->pin)
            topo_pin_thread(j->topo, id);
        j->out[id].v = burn(share(j->parallel_units, j->workers, id), (uint64_t)id + 1);
    }
}

static const char *const variants[] = {"pthreads", "openmp"};

/* ---- the experiment: scaling ------------------------------------------------------------ */

/* --serial F, else the sweep (--quick: one fraction). */
int amdahl_fractions(const struct lab_ctx *ctx, const double **out)
{
    static const double sweep[] = {0.05, 0.2, 0.5}, quick[] = {0.3};
    static double one;
    if (lab_opt_given(ctx, "serial")) {
        one = lab_opt(ctx, "serial");
        *out = &one;
        return 1;
    }
    *out = ctx->quick ? quick : sweep;
    return ctx->quick ? (int)ARRAY_SIZE(quick) : (int)ARRAY_SIZE(sweep);
}

static int scaling_points(const struct lab_ctx *ctx)
{
    const double *f;
    int *w, nw = harness_workers_with_one(ctx, &w);
    free(w);
    return amdahl_fractions(ctx, &f) * (int)ARRAY_SIZE(variants) * nw;
}

static void calib_fn(void *arg, uint64_t n)
{
    ((struct slot *)arg)->v = burn(opaque(n), 7);
}

static void print_row(struct lab_ctx *ctx, const struct point *pt)
{
    const struct summary *t = results_summary(ctx->res, pt, "seconds");
    double sec = t->median, lo = t->ci_lo, hi = t->ci_hi;
    double sp = results_median(ctx->res, pt, "speedup");
    double ef = results_median(ctx->res, pt, "efficiency");
    double kf = results_median(ctx->res, pt, "karp_flatt");
    double cores = results_median(ctx->res, pt, "cpu_cores");
    char flags[128];
    int n = t->n;
    results_flags(ctx->res, pt, flags, sizeof(flags));
    harness_progress_clear();
    printf("%-9s %6s %7d%s %9.4f [%.4f, %.4f] %3d %8.2fx %9.2f %6.2f ", pt->variant, pt->param + 7,
           pt->workers, harness_oversubscribed(ctx, pt->workers) ? "*" : " ", sec, lo, hi, n, sp,
           ef, cores);
    if (isnan(kf))
        printf("%11s", "-");
    else
        printf("%11.4f", kf);
    if (flags[0] && strcmp(flags, "oversubscribed"))
        printf("  [%s]", flags);
    putchar('\n');
    fflush(stdout);
}

/* Fit Amdahl and the USL to one variant at one serial fraction, print the fits, and
 * keep the fitted values as summary rows (workers = 0). */
static int usl_used_oversubscribed;

static void fit_and_print(struct lab_ctx *ctx, const char *experiment, const char *variant,
                          const char *param, double configured, const int *w, int nw)
{
    /* Waiting workers need no CPU: a sleep job is fitted over every worker count. */
    int waits = !strcmp(experiment, "sleep");
    int cap = nw * ctx->reps + 1, n = 0, nin = 0, usable = waits ? 1 << 30 : ctx->topo->usable;
    double *p = xmalloc(sizeof(double) * (size_t)cap), *t = xmalloc(sizeof(double) * (size_t)cap);
    double *x = xmalloc(sizeof(double) * (size_t)cap);
    struct point fp = {experiment, variant, 0, param, 0};
    struct amdahl_fit af;
    struct usl_fit uf;

    /* Every point's median, repeated n times: points weigh equally, and one slow
     * repetition cannot pull the fit. Points within the usable CPUs first: Amdahl
     * describes p workers on p cores, not time-slicing on fewer. */
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < nw; i++) {
            struct point pt = {experiment, variant, w[i], param, 0};
            const struct summary *s;
            if ((w[i] <= usable) != (pass == 0) || !(s = results_summary(ctx->res, &pt, "seconds")))
                continue;
            for (int k = 0; k < s->n && n < cap; k++) {
                p[n] = w[i];
                t[n] = s->median;
                x[n] = 1.0 / s->median;
                n++;
                nin += pass == 0;
            }
        }

    printf("  %-8s serial=%.2f: ", variant, configured);
    if (fit_amdahl_times(p, t, nin, &af) == 0) {
        results_add_fit(ctx->res, &fp, "amdahl_serial_fraction", af.serial, "fraction", nin);
        printf("Amdahl s = %.3f (configured %.2f, %+.3f)", af.serial, configured,
               af.serial - configured);
        if (af.serial > 0)
            printf("; ceiling 1/s = %.1fx\n", 1.0 / af.serial);
        else
            printf("; no ceiling\n");
    } else {
        printf("Amdahl not fitted: with %d usable CPU%s no speedup can be measured here\n",
               ctx->topo->usable, ctx->topo->usable == 1 ? "" : "s");
    }

    /* USL: three worker counts are needed for two parameters plus gamma. */
    {
        int use = fit_distinct(p, nin) >= 3 ? nin : n;
        if (fit_usl(p, x, use, &uf) == 0) {
            results_add_fit(ctx->res, &fp, "usl_sigma", uf.sigma, "fraction", use);
            results_add_fit(ctx->res, &fp, "usl_kappa", uf.kappa, "fraction", use);
            results_add_fit(ctx->res, &fp, "usl_gamma", uf.gamma, "1/s", use);
            printf("%*sUSL sigma = %.3f, kappa = %.4f%s\n", 22, "", uf.sigma, uf.kappa,
                   use == nin ? "" : " (+)");
            usl_used_oversubscribed |= use != nin;
        } else {
            printf("%*sUSL not fitted: it needs 3 or more worker counts, there are %d\n", 22, "",
                   fit_distinct(p, n));
        }
    }
    free(p), free(t), free(x);
}

static int scaling(struct lab_ctx *ctx)
{
    const double *fr;
    int nfrac = amdahl_fractions(ctx, &fr), *w, nw = harness_workers_with_one(ctx, &w), maxw = 1;
    double target = lab_opt(ctx, "seconds"), rate;
    struct slot cal;
    struct harness_work cw = {.run = calib_fn, .arg = &cal};
    struct affinity saved;
    uint64_t units;

    for (int i = 0; i < nw; i++)
        maxw = w[i] > maxw ? w[i] : maxw;
    /* Calibrate: how many units this core does in a second, so the one-worker run
     * lasts `seconds` whatever the machine. */
    rate = harness_rate(&cw, 0.02);
    units = (uint64_t)(rate * target);
    printf("work: %.3g units (one LCG step each, %.2f ns a unit here), %.2f s at 1 worker\n\n",
           (double)units, 1e9 / rate, target);
    printf("%-9s %6s %7s  %9s %-17s %3s %9s %9s %6s %11s\n", "variant", "serial", "workers",
           "seconds", " [interval]", "n", "speedup", "efficiency", "cores", "karp-flatt");

    affinity_save(&saved);
    for (int f = 0; f < nfrac; f++) {
        char param[32];
        fmt_param(param, sizeof(param), "serial=%.2f", fr[f]);
        for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
            struct point *pts = xcalloc((size_t)nw, sizeof(*pts));
            struct job *jobs = xcalloc((size_t)nw, sizeof(*jobs));
            struct slot *out = aligned_alloc(64, sizeof(struct slot) * (size_t)maxw);
            void (*run)(const struct job *) = v == 0 ? run_pthreads : run_openmp;
            uint64_t serial = (uint64_t)(fr[f] * (double)units);

            for (int i = 0; i < nw; i++) {
                /* The CPUs this work can keep busy on average: its serial phase uses one,
                 * the parallel phase min(p, usable); Amdahl's speedup is exactly that. */
                pts[i] = (struct point){"scaling", variants[v], w[i], param,
                                        amdahl_speedup(fr[f], harness_cores_for(ctx, w[i]))};
                jobs[i] = (struct job){serial, units - serial, w[i], ctx->topo, ctx->pin, out};
            }
            harness_series(ctx, pts, nw);
            if (ctx->pin)
                topo_pin_thread(ctx->topo, 0);
            for (int rep; harness_next_rep(ctx, &rep);)
                for (int k = 0; k < nw; k++) {
                    int i = harness_series_order(rep, k, nw);
                    struct harness_clock c;
                    harness_clock_start(ctx, &c, &pts[i]);
                    run(&jobs[i]);
                    harness_clock_stop(ctx, &pts[i], rep, &c, 0);
                }
            affinity_restore(&saved);
            free(out), free(jobs);
            if (harness_interrupted()) {
                free(pts), free(w);
                return EXIT_INTERRUPTED;
            }
            /* Speedup and efficiency per repetition against that repetition's one-worker
             * run; Karp-Flatt from each speedup. */
            harness_speedup(ctx, pts, nw);
            for (int i = 0; i < nw; i++)
                for (int rep = 1; rep <= ctx->reps && w[i] > 1; rep++) {
                    double sp = results_value_at(ctx->res, &pts[i], "speedup", rep);
                    if (!isnan(sp))
                        results_add(ctx->res, &pts[i], rep, "karp_flatt", karp_flatt(sp, w[i]), "fraction");
                }
            for (int i = 0; i < nw; i++)
                print_row(ctx, &pts[i]);
            free(pts);
        }
    }

    printf("\nfits (Amdahl on the points within the %d usable CPU%s; every point is a median):\n",
           ctx->topo->usable, ctx->topo->usable == 1 ? "" : "s");
    for (int f = 0; f < nfrac; f++) {
        char param[32];
        fmt_param(param, sizeof(param), "serial=%.2f", fr[f]);
        for (size_t v = 0; v < ARRAY_SIZE(variants); v++)
            fit_and_print(ctx, "scaling", variants[v], param, fr[f], w, nw);
    }
    if (usl_used_oversubscribed)
        printf("(+) fewer than 3 worker counts fit within the usable CPUs, so the USL fit includes the\n"
               "    oversubscribed points: with more workers than CPUs throughput cannot grow, and the\n"
               "    USL reads that as contention (sigma) and crosstalk (kappa).\n");
    free(w);
    return EXIT_OK;
}

/* ---- the experiment: sleep (Amdahl's ceiling on any machine) -------------------------- */

/* The job again, but a unit of work is now a wait: the serial phase sleeps s*T, then
 * each of p workers sleeps (1-s)*T/p. A sleeping worker needs no CPU, so 64 of them run
 * on 2 CPUs as they would on 64: the timings follow Amdahl's law to its ceiling. This is
 * how HPC Carpentry's "amdahl" program teaches the law on a laptop. */
struct sleep_job {
    double serial_s, parallel_s; /* seconds: the serial phase, the parallel phase on 1 */
    int workers;
    int grow;                    /* gustafson: every worker sleeps the whole parallel_s */
};

static void nap(double seconds)
{
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    while (nanosleep(&ts, &ts) < 0)
        ; /* EINTR: the rest of the nap */
}

static void *sleep_worker(void *p)
{
    const struct sleep_job *j = p;
    nap(j->grow ? j->parallel_s : j->parallel_s / j->workers);
    return NULL;
}

static void run_sleep(const struct sleep_job *j)
{
    pthread_t tid[j->workers];
    nap(j->serial_s);
    for (int i = 1; i < j->workers; i++)
        if (pthread_create(&tid[i], NULL, sleep_worker, (void *)j) != 0)
            die("cannot create thread %d of %d", i, j->workers);
    sleep_worker((void *)j);
    for (int i = 1; i < j->workers; i++)
        pthread_join(tid[i], NULL);
}

/* Waiting workers need no CPU, so their default sweep ignores the CPU count: 1, 2, 4 ...
 * 64 (--quick: ... 16). --workers overrides it. */
static int sleep_workers(const struct lab_ctx *ctx, int **out)
{
    static const int full[] = {1, 2, 4, 8, 16, 32, 64}, quick[] = {1, 2, 4, 8, 16};
    return harness_workers_or(ctx, full, (int)ARRAY_SIZE(full), quick, (int)ARRAY_SIZE(quick), out);
}

static int sleep_points(const struct lab_ctx *ctx)
{
    const double *f;
    int *w, nw = sleep_workers(ctx, &w);
    free(w);
    return amdahl_fractions(ctx, &f) * nw;
}

/* One series of sleeping jobs (Amdahl's fixed work, or Gustafson's growing work). */
static int sleep_series(struct lab_ctx *ctx, const char *experiment, int grow)
{
    const double *fr;
    int nfrac = amdahl_fractions(ctx, &fr), *w, nw = sleep_workers(ctx, &w);
    double total = lab_opt(ctx, "sleep-seconds");
    for (int f = 0; f < nfrac; f++) {
        char param[32];
        struct point *pts = xcalloc((size_t)nw, sizeof(*pts));
        struct sleep_job *jobs = xcalloc((size_t)nw, sizeof(*jobs));
        fmt_param(param, sizeof(param), "serial=%.2f", fr[f]);
        for (int i = 0; i < nw; i++) {
            pts[i] = (struct point){experiment, "threads", w[i], param, 0}; /* they wait */
            jobs[i] = (struct sleep_job){fr[f] * total, (1 - fr[f]) * total, w[i], grow};
        }
        harness_series(ctx, pts, nw);
        for (int rep; harness_next_rep(ctx, &rep);)
            for (int k = 0; k < nw; k++) {
                int i = harness_series_order(rep, k, nw);
                struct harness_clock c;
                harness_clock_start(ctx, &c, &pts[i]);
                run_sleep(&jobs[i]);
                harness_clock_stop(ctx, &pts[i], rep, &c, 0);
            }
        free(jobs);
        if (harness_interrupted()) {
            free(pts), free(w);
            return EXIT_INTERRUPTED;
        }
        harness_speedup(ctx, pts, nw);
        /* Gustafson's scaled speedup: p workers did (s + p(1-s)) times the one-worker
         * job's work in their time, so scaled = (s + p(1-s)) * t(1) / t(p), per rep. */
        for (int i = 0; i < nw && grow; i++)
            for (int rep = 1; rep <= ctx->reps; rep++) {
                double sp = results_value_at(ctx->res, &pts[i], "speedup", rep);
                if (!isnan(sp))
                    results_add(ctx->res, &pts[i], rep, "scaled_speedup",
                                (fr[f] + w[i] * (1 - fr[f])) * sp, "x");
            }
        printf("%-9s %6.2f %7s  %9s %-17s %3s %9s %9s\n", experiment, fr[f], "workers", "seconds",
               " [interval]", "n", grow ? "scaled" : "speedup", grow ? "Gustafson" : "Amdahl");
        for (int i = 0; i < nw; i++) {
            const struct summary *t = results_summary(ctx->res, &pts[i], "seconds");
            double sp = results_median(ctx->res, &pts[i], grow ? "scaled_speedup" : "speedup");
            printf("%-9s %6s %7d  %9.4f [%.4f, %.4f] %3d %8.2fx %8.2fx\n", "", "", w[i], t->median,
                   t->ci_lo, t->ci_hi, t->n, sp,
                   grow ? gustafson_speedup(fr[f], w[i]) : amdahl_speedup(fr[f], w[i]));
        }
        if (!grow)
            fit_and_print(ctx, experiment, "threads", param, fr[f], w, nw);
        putchar('\n');
        free(pts);
    }
    free(w);
    return EXIT_OK;
}

static int sleep_run(struct lab_ctx *ctx)
{
    printf("sleep: the same job, but every unit of work is a wait (%.2f s at 1 worker): waiting\n"
           "workers need no CPU, so the curve can run past the %d usable CPU%s to its ceiling 1/s\n\n",
           lab_opt(ctx, "sleep-seconds"), ctx->topo->usable, ctx->topo->usable == 1 ? "" : "s");
    return sleep_series(ctx, "sleep", 0);
}

/* ---- the experiment: gustafson (weak scaling) ------------------------------------------------ */

/* Gustafson (1988): with more cores people run bigger problems, and the serial part
 * (reading input, setting up) often stays the same size. Here every worker sleeps the
 * whole parallel phase: p workers do p times the parallel work in the same time. The
 * scaled speedup, p - s(p - 1), grows without a ceiling. */
static int gustafson_run(struct lab_ctx *ctx)
{
    printf("gustafson: the work grows with the workers (each does the one-worker job's parallel\n"
           "part), the serial part stays; scaled speedup = work done / time, against 1 worker\n\n");
    return sleep_series(ctx, "gustafson", 1);
}

/* ---- the demo: Amdahl live, in steady phases ------------------------------------------------- */

/* For a talk: three phases of --phase-seconds each, every one announced as its own point
 * so parmon's lab line names it while the audience watches the cores:
 *   1 worker          one core busy;
 *   all parallel      every core busy (s = 0);
 *   half serial       s = 0.5, jobs of about half a second back to back: parmon's history
 *                     shows the sawtooth (one core, then all, then one...), and the work done
 *                     a second is Amdahl's 1/(s + (1-s)/P) times one worker's.
 * Each repetition is a slice of the phase; it records the units done a second and the
 * CPU cores it kept busy. */
static const struct {
    const char *variant;
    double serial;
    int all_workers; /* P workers (else 1) */
} demo_phases[] = {{"one-worker", 0, 0}, {"all-parallel", 0, 1}, {"half-serial", 0.5, 1}};

static int demo_points(const struct lab_ctx *ctx)
{
    (void)ctx;
    return (int)ARRAY_SIZE(demo_phases);
}

static int demo_run(struct lab_ctx *ctx)
{
    double phase_s = lab_opt(ctx, "phase-seconds"), slice = phase_s / (ctx->reps + 1);
    int p = ctx->topo->usable;
    struct slot cal, *out = aligned_alloc(64, sizeof(struct slot) * (size_t)p);
    struct harness_work cw = {.run = calib_fn, .arg = &cal};
    double rate = harness_rate(&cw, 0.02);
    uint64_t units = (uint64_t)(rate * 0.5); /* a job: half a second on one worker */

    printf("demo: %d phases of %.0f s; watch parmon: 1 core, then %d, then a sawtooth\n\n",
           (int)ARRAY_SIZE(demo_phases), phase_s, p);
    for (size_t k = 0; k < ARRAY_SIZE(demo_phases) && !harness_interrupted(); k++) {
        int w = demo_phases[k].all_workers ? p : 1;
        char param[32];
        struct point pt = {"demo", demo_phases[k].variant, w,
                           fmt_param(param, sizeof(param), "serial=%.2f", demo_phases[k].serial),
                           amdahl_speedup(demo_phases[k].serial, w)};
        uint64_t serial = (uint64_t)(demo_phases[k].serial * (double)units);
        struct job job = {serial, units - serial, w, ctx->topo, ctx->pin, out};
        harness_point(ctx, &pt);
        for (int rep; harness_next_rep(ctx, &rep);) {
            struct harness_clock c;
            double t0 = now_s(), t;
            uint64_t done = 0;
            harness_clock_start(ctx, &c, &pt);
            while (now_s() - t0 < slice) { /* whole jobs, until the slice is over */
                run_pthreads(&job);
                done += units;
            }
            t = harness_clock_stop(ctx, &pt, rep, &c, 0);
            if (rep > 0)
                results_add(ctx->res, &pt, rep, "units_per_s", (double)done / t, "1/s");
        }
        printf("  %-13s %2d worker%s  %.3g units/s  %.2f cores\n", pt.variant, w, w == 1 ? " " : "s",
               results_median(ctx->res, &pt, "units_per_s"), results_median(ctx->res, &pt, "cpu_cores"));
    }
    free(out);
    return harness_interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
}

/* ---- the lab --------------------------------------------------------------------------------- */

static const struct lab_experiment amdahl_experiments[] = {
    {"scaling", "a serial phase then a parallel one on CPU work, pthreads and OpenMP, 1..P "
                "workers; Amdahl and USL fits", scaling, scaling_points, 0},
    {"sleep", "the same job made of waits: 1..64 workers on any machine, the curve to its "
              "ceiling 1/s", sleep_run, sleep_points, 0},
    {"gustafson", "weak scaling: the parallel work grows with the workers; scaled speedup",
     gustafson_run, sleep_points, 0},
    {"stream", "memory bandwidth: the STREAM triad over arrays far larger than the caches, "
               "1..P threads", amdahl_stream, amdahl_stream_points, 0},
    {"demo", "for a talk: steady phases of --phase-seconds (1 worker, all parallel, half "
             "serial) to watch in parmon", demo_run, demo_points, 1},
    {NULL, NULL, NULL, NULL, 0},
};

static const struct lab_option amdahl_options[] = {
    {"serial", "F", "serial fraction (default: sweep 0.05, 0.2, 0.5; --quick: 0.3)",
     LAB_OPT_NUMBER, NAN, NAN, 0, 1},
    {"seconds", "S", "length of the one-worker CPU run (scaling)", LAB_OPT_NUMBER, 0.4, 0.1,
     0.001, 60},
    {"sleep-seconds", "S", "length of the one-worker sleeping run (sleep, gustafson)",
     LAB_OPT_NUMBER, 0.2, 0.06, 0.005, 60},
    {"triad-mib", "MIB", "MiB of each triad array (default: 4x the last-level cache)",
     LAB_OPT_INTEGER, NAN, NAN, 1, 65536},
    {"phase-seconds", "S", "length of each demo phase", LAB_OPT_NUMBER, 10, 2, 0.2, 600},
    {NULL, NULL, NULL, 0, 0, 0, 0, 0},
};

static const char *const amdahl_charts[] = {"speedup", "amdahl-ceiling", "amdahl-stream", NULL};

const struct lab lab_amdahl = {
    .name = "amdahl",
    .summary = "Amdahl's law: a serial phase caps the speedup; fit it back from timings",
    .help =
        "A job with a serial phase (fraction s of the one-worker time) and a parallel phase\n"
        "split over p workers. Per point: seconds, speedup (paired: against the one-worker run\n"
        "of the same repetition), efficiency (speedup / p), the CPU cores it got, and the\n"
        "Karp-Flatt serial fraction; then Amdahl's law and the USL fitted to the timings.\n"
        "Charts: plots/speedup.gp, amdahl-ceiling.gp, amdahl-stream.gp (make plots).",
    .experiments = amdahl_experiments,
    .options = amdahl_options,
    .claims = amdahl_claims,
    .charts = amdahl_charts,
    .default_reps = 5,
    .quick_reps = 5,
};
