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
 * What to watch: the fit lands a little above the configured s. The extra is real
 * serial work we did not write on purpose: starting threads, waking them, waiting
 * for the slowest one. Karp-Flatt (e) shows it per point: flat e = a true serial
 * fraction; e rising with p = overhead that grows with the number of workers. */
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "fit.h"
#include "harness.h"

/* ---- the work: a unit of pure CPU ------------------------------------------------------ */

/* One unit = one step of a 64-bit linear congruential generator. Each step depends on
 * the previous one, so the compiler cannot vectorise or skip it, and it touches no
 * memory: the work scales with cores and nothing else (no cache or bandwidth limits). */
static uint64_t burn(uint64_t units, uint64_t x)
{
    for (uint64_t i = 0; i < units; i++)
        x = x * 6364136223846793005u + 1442695040888963407u;
    return x;
}

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

/* The share of worker i: the parallel units split as evenly as integers allow. */
static uint64_t share(const struct job *j, int i)
{
    uint64_t base = j->parallel_units / (uint64_t)j->workers;
    return base + ((uint64_t)i < j->parallel_units % (uint64_t)j->workers);
}

/* ---- variant 1: POSIX threads ---------------------------------------------------------- */

struct worker_arg {
    const struct job *job;
    int id;
};

static void *worker(void *p)
{
    struct worker_arg *a = p;
    if (a->job->pin)
        topo_pin_thread(a->job->topo, a->id);
    a->job->out[a->id].v = burn(share(a->job, a->id), (uint64_t)a->id + 1);
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
        j->out[id].v = burn(share(j, id), (uint64_t)id + 1);
    }
}

/* ---- measuring -------------------------------------------------------------------------- */

static void calib_fn(void *arg, uint64_t n)
{
    ((struct slot *)arg)->v = burn(n, 7);
}

static const char *const variants[] = {"pthreads", "openmp"};

static void print_row(struct lab_ctx *ctx, const struct point *pt)
{
    const struct summary *t = results_summary(ctx->res, pt, "seconds");
    double sec = t->median, lo = t->ci_lo, hi = t->ci_hi, sp, ef;
    const struct summary *s;
    int n = t->n;
    s = results_summary(ctx->res, pt, "speedup");
    sp = s->median;
    s = results_summary(ctx->res, pt, "efficiency");
    ef = s->median;
    s = results_summary(ctx->res, pt, "karp_flatt");
    harness_progress_clear();
    printf("%-9s %6s %7d%s %9.4f [%.4f, %.4f] %3d %8.2fx %9.2f ", pt->variant, pt->param + 7,
           pt->workers, harness_oversubscribed(ctx, pt->workers) ? "*" : " ", sec, lo, hi, n, sp, ef);
    if (s)
        printf("%11.4f\n", s->median);
    else
        printf("%11s\n", "-");
    fflush(stdout);
}

/* Fit Amdahl and the USL to one variant at one serial fraction, print how close the
 * fit came to the configured fraction, and keep the fitted values as summary rows. */
/* Set when a USL fit had to lean on oversubscribed points (footnote printed once). */
static int usl_used_oversubscribed;

static void fit_and_report(struct lab_ctx *ctx, const char *variant, const char *param,
                           double configured, const int *w, int nw)
{
    int cap = nw * ctx->reps, n = 0, nin = 0, usable = ctx->topo->usable;
    double *p = xmalloc(sizeof(double) * (size_t)cap), *t = xmalloc(sizeof(double) * (size_t)cap);
    double *x = xmalloc(sizeof(double) * (size_t)cap);
    struct point fp = {"scaling", variant, 0, param};
    struct amdahl_fit af;
    struct usl_fit uf;

    /* Every repetition is a data point. Points within the usable CPUs come first:
     * Amdahl describes p workers on p cores, not time-slicing on fewer. */
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < nw; i++) {
            struct point pt = {"scaling", variant, w[i], param};
            const struct summary *s;
            if ((w[i] <= usable) != (pass == 0) || !(s = results_summary(ctx->res, &pt, "seconds")))
                continue;
            /* The median of each point, repeated n times, weighs points equally and
             * keeps one slow repetition from pulling the fit. */
            for (int k = 0; k < s->n; k++) {
                p[n] = w[i];
                t[n] = s->median;
                x[n] = 1.0 / s->median;
                n++;
                nin += pass == 0;
            }
        }

    printf("  %-8s serial=%.2f: ", variant, configured);
    if (fit_amdahl_times(p, t, nin, &af) == 0) {
        double off = af.serial - configured;
        results_add_fit(ctx->res, &fp, "amdahl_serial_fraction", af.serial, "fraction", nin);
        printf("Amdahl s = %.3f, %+.3f from the configured %.2f (%s)", af.serial, off, configured,
               fabs(off) <= 0.02 ? "close"
               : off > 0         ? "more serial time than built in: overhead"
                                 : "less than built in: noisy timings");
        if (af.serial > 0)
            printf("; ceiling 1/s = %.1fx\n", 1.0 / af.serial);
        else
            printf("; no ceiling\n");
    } else {
        printf("Amdahl not fitted: with %d usable CPU%s no speedup can be measured here\n",
               usable, usable == 1 ? "" : "s");
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

static int amdahl_run(struct lab_ctx *ctx)
{
    static const double default_fractions[] = {0.05, 0.2, 0.5};
    static const double quick_fractions[] = {0.3};
    const double *fractions = ctx->quick ? quick_fractions : default_fractions;
    int nfrac = ctx->quick ? 1 : (int)ARRAY_SIZE(default_fractions);
    double one = lab_opt_double(ctx, "serial", -1, 0, 1);
    double target = lab_opt_double(ctx, "seconds", ctx->quick ? 0.08 : 0.4, 0.001, 60);
    int *w = xmalloc(sizeof(int) * (size_t)(ctx->nworkers + 1)), nw = 0, maxw = 1;
    struct slot cal;
    uint64_t units, n;
    double rate, t;
    cpu_set_t saved;

    if (one >= 0) {
        fractions = &one;
        nfrac = 1;
    }
    /* Speedup is measured against one worker, so 1 is always in the list. */
    if (ctx->workers[0] != 1)
        w[nw++] = 1;
    for (int i = 0; i < ctx->nworkers; i++)
        w[nw++] = ctx->workers[i];
    for (int i = 0; i < nw; i++)
        maxw = w[i] > maxw ? w[i] : maxw;

    /* Calibrate: how many units this core does in a second, so the one-worker run
     * lasts `target` seconds whatever the machine. */
    n = harness_calibrate(calib_fn, &cal, 0.02);
    t = harness_time(calib_fn, &cal, n);
    rate = (double)n / t;
    units = (uint64_t)(rate * target);
    printf("work: %.3g units (one LCG step each, %.2f ns a unit here), %.2f s at 1 worker\n\n",
           (double)units, 1e9 / rate, target);
    printf("%-9s %6s %7s  %9s %-17s %3s %9s %9s %11s\n", "variant", "serial", "workers",
           "seconds", " [95% CI]", "n", "speedup", "efficiency", "karp-flatt");

    pthread_getaffinity_np(pthread_self(), sizeof(saved), &saved);
    harness_plan(ctx, nfrac * (int)ARRAY_SIZE(variants) * nw);

    for (int f = 0; f < nfrac; f++) {
        char param[32];
        fmt_param(param, sizeof(param), "serial=%.2f", fractions[f]);
        for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
            double t1 = 0;
            for (int i = 0; i < nw; i++) {
                struct slot *out = aligned_alloc(64, sizeof(struct slot) * (size_t)maxw);
                struct job job = {
                    .serial_units = (uint64_t)(fractions[f] * (double)units),
                    .parallel_units = units - (uint64_t)(fractions[f] * (double)units),
                    .workers = w[i], .topo = ctx->topo, .pin = ctx->pin, .out = out};
                struct point pt = {"scaling", variants[v], w[i], param};
                void (*run)(const struct job *) = v == 0 ? run_pthreads : run_openmp;

                harness_point(ctx, &pt);
                if (ctx->pin)
                    topo_pin_thread(ctx->topo, 0);
                run(&job); /* warm-up: page faults, thread stacks, libgomp's pool */
                for (int rep = 1; rep <= ctx->reps && !harness_interrupted(); rep++) {
                    double t0;
                    harness_rep(ctx, rep);
                    t0 = now_s();
                    run(&job);
                    results_add(ctx->res, &pt, rep, "seconds", now_s() - t0, "s");
                }
                pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
                free(out);
                if (harness_interrupted()) {
                    free(w);
                    return EXIT_INTERRUPTED;
                }

                /* Derived per repetition, against the median one-worker time of
                 * the same variant and fraction (measured first: the list is sorted). */
                if (w[i] == 1)
                    t1 = results_summary(ctx->res, &pt, "seconds")->median;
                {
                    double *sec = xmalloc(sizeof(double) * (size_t)ctx->reps);
                    int k = results_values(ctx->res, &pt, "seconds", sec, ctx->reps);
                    for (int r = 0; r < k; r++) {
                        double sp = t1 / sec[r];
                        results_add(ctx->res, &pt, r + 1, "speedup", sp, "x");
                        results_add(ctx->res, &pt, r + 1, "efficiency", sp / w[i], "fraction");
                        if (w[i] > 1)
                            results_add(ctx->res, &pt, r + 1, "karp_flatt", karp_flatt(sp, w[i]), "fraction");
                    }
                    free(sec);
                }
                print_row(ctx, &pt);
            }
        }
    }

    printf("\nfits (Amdahl on the points within the %d usable CPU%s; every point is a median):\n",
           ctx->topo->usable, ctx->topo->usable == 1 ? "" : "s");
    for (int f = 0; f < nfrac; f++) {
        char param[32];
        fmt_param(param, sizeof(param), "serial=%.2f", fractions[f]);
        for (size_t v = 0; v < ARRAY_SIZE(variants); v++)
            fit_and_report(ctx, variants[v], param, fractions[f], w, nw);
    }
    if (usl_used_oversubscribed)
        printf("(+) fewer than 3 worker counts fit within the usable CPUs, so the USL fit includes the\n"
               "    oversubscribed points: with more workers than CPUs throughput cannot grow, and the\n"
               "    USL reads that as contention (sigma) and crosstalk (kappa).\n");
    free(w);
    return EXIT_OK;
}

static const struct lab_option amdahl_options[] = {
    {"serial", "F", "serial fraction from 0 to 1 (default: sweep 0.05, 0.2, 0.5; --quick: 0.3)"},
    {"seconds", "S", "length of the one-worker run (default 0.4; --quick 0.08)"},
    {NULL, NULL, NULL},
};

const struct lab lab_amdahl = {
    .name = "amdahl",
    .summary = "Amdahl's law: a serial phase caps the speedup; fit it back from timings",
    .help =
        "A CPU-bound job with a serial phase (fraction s of the one-worker time) and a\n"
        "parallel phase split over p workers, with POSIX threads and with OpenMP.\n"
        "Per point: seconds, speedup (against 1 worker of the same variant), efficiency\n"
        "(speedup / p) and the Karp-Flatt serial fraction. Then Amdahl's law and the USL\n"
        "are fitted to the timings and the fitted s is printed beside the configured one.\n"
        "Chart: plots/speedup.gp (make plots).",
    .options = amdahl_options,
    .run = amdahl_run,
    .default_reps = 5,
    .quick_reps = 3,
};
