/* labs/sklearn/sklearn.c: scikit-learn in parallel, a case study on real work.
 *
 * The question: machine learning spends its time fitting models, often many of them
 * (one a fold in cross-validation, one a label in a chain, one a chain in an ensemble).
 * scikit-learn runs them in parallel through joblib: `n_jobs`, and a backend that is
 * threads (threading), fresh worker processes kept between calls (loky, the default),
 * or forked ones (multiprocessing). Which pays, when, and what cannot be parallel at all?
 *
 * The data: scikit-learn's bundled digits (1797 images of 8x8 pixels; datasets/README.md),
 * and 4 yes/no labels derived from each digit for the chain.
 *
 * Two experiments, each in a child process with an embedded CPython (sklearn_python.c;
 * the Python is labs/sklearn/sk_cases.py):
 *   cv     cross_val_score, --folds folds, serial (n_jobs=1) and with n_jobs=J (the
 *          usable CPUs) on each backend: threading; loky cold (its workers stopped
 *          first, so the call starts them and imports scikit-learn in each) and warm
 *          (kept from the call before); multiprocessing (a pool forked for the call).
 *          For an SVC, whose fit runs in libsvm with the GIL released, and, in full runs,
 *          a RandomForest (100 trees, n_jobs=1 inside), plus the trap of nested
 *          parallelism: the forest with n_jobs=J inside each of J loky workers.
 *   chain  a ClassifierChain of 4 logistic regressions: link k learns from the pixels
 *          and the labels before it, so the links run one after the other, whatever the
 *          workers: Amdahl inside a model (its serial fraction is 1). Beside it, what can
 *          be parallel: the same 4 models without the chain (MultiOutputClassifier,
 *          n_jobs), an ensemble of 4 chains in different orders fitted in parallel, and
 *          cross-validation of the chain with n_jobs.
 *
 * How it is measured: the points of each estimator (cv) or case (chain) form a paired
 * series: every repetition runs all of them in turn (the next in reverse order), and a
 * speedup is that repetition's serial (one-worker) time over the point's. Every call
 * is checked: the same score at every point (the same folds, the same models). BLAS
 * and OpenMP are held to one thread inside every worker (sk_cases.py; meta threadpools).
 *
 * The verdict: the claims in sklearn_claims.c, judged on this run (and parlab report). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sklearn.h"

/* ---- printing --------------------------------------------------------------------------------- */

static void print_header(const char *what)
{
    printf("  %-18s %6s  %8s  %-29s %6s  %s\n", what, "n_jobs", "seconds", "speedup [interval] coverage",
           "cores", "flags");
}

static void print_row(struct lab_ctx *ctx, const struct point *pt)
{
    const struct summary *s;
    char flags[128], lvl[16], sp[48] = "-";
    if (!results_summary(ctx->res, pt, "seconds"))
        return;
    if ((s = results_summary(ctx->res, pt, "speedup"))) /* valid until the next results_ call */
        snprintf(sp, sizeof(sp), "%5.2fx [%.2f, %.2f] %s", s->median, s->ci_lo, s->ci_hi,
                 fmt_level(s->ci_level, lvl, sizeof(lvl)));
    results_flags(ctx->res, pt, flags, sizeof(flags));
    harness_progress_clear();
    printf("  %-18s %5d%s  %8.3f  %-29s %6.2f  %s\n", pt->variant, pt->workers,
           harness_oversubscribed(ctx, pt->workers) ? "*" : " ", results_median(ctx->res, pt, "seconds"),
           sp, results_median(ctx->res, pt, "cpu_cores"), flags);
    fflush(stdout);
}

/* ---- experiment 1: cv ------------------------------------------------------------------------ */

static int cv_points(const struct lab_ctx *ctx)
{
    return sk_cv_points(ctx);
}

static int cv(struct lab_ctx *ctx)
{
    const char *const *names;
    int ne = sk_estimators(ctx, &names), jobs = sk_jobs(ctx), folds = (int)lab_opt(ctx, "folds"), rc;

    printf("\n== cv: cross_val_score on digits (%s), %d folds: serial, then n_jobs=%d on each "
           "backend\n", ctx->quick ? "the first 900 samples: --quick" : "all 1797 samples", folds, jobs);
    if ((rc = sk_cv_measure(ctx)) != EXIT_OK)
        return rc;
    for (int e = 0; e < ne; e++) {
        struct point pts[16];
        char param[64];
        int n = 0;
        fmt_param(param, sizeof(param), "estimator=%s;folds=%d", names[e], folds);
        for (int v = 0; v < sk_ncv_variants; v++)
            if (!sk_cv_variants[v].forest_only || !strcmp(names[e], "forest"))
                pts[n++] = (struct point){"cv", sk_cv_variants[v].name, v == 0 ? 1 : jobs, param, 0};
        harness_speedup(ctx, pts, n); /* per repetition, against its serial run */
        printf("\n");
        print_header(!strcmp(names[e], "svc") ? "SVC (libsvm)" : "RandomForest");
        for (int i = 0; i < n; i++)
            print_row(ctx, &pts[i]);
        {
            double cold = results_median(ctx->res, &pts[2], "seconds");
            double warm = results_median(ctx->res, &pts[3], "seconds");
            if (!isnan(cold) && !isnan(warm))
                printf("  loky's cold start: %.2f s more than the warm pool (%d fresh interpreters "
                       "importing scikit-learn)\n", cold - warm, jobs);
        }
    }
    return EXIT_OK;
}

/* ---- experiment 2: chain --------------------------------------------------------------------- */

static int chain_points(const struct lab_ctx *ctx)
{
    return sk_chain_points(ctx);
}

static int chain(struct lab_ctx *ctx)
{
    int *w, nw = sk_workers(ctx, &w), rc;
    struct point *pts = xcalloc((size_t)nw, sizeof(*pts)), one = {"chain", "chain", 1, "", 0};

    /* all 1797 samples, --quick too: with fewer, each fit is so short that loky's fee per
     * task, not the chain, decides (sk_cases.py, chain_rows) */
    printf("\n== chain: 4 labels from each digit (even, 5 or more, prime, a closed loop), all 1797 "
           "samples\n");
    if ((rc = sk_chain_measure(ctx)) == EXIT_OK) {
        print_header("case");
        print_row(ctx, &one);
        for (int v = 0; v < sk_nchain_series; v++) {
            for (int i = 0; i < nw; i++)
                pts[i] = (struct point){"chain", sk_chain_series[v], w[i], "", 0};
            harness_speedup(ctx, pts, nw);
            for (int i = 0; i < nw; i++)
                print_row(ctx, &pts[i]);
        }
        printf("  (chain: one ClassifierChain; it has no n_jobs: its links need each other)\n");
    }
    free(pts), free(w);
    return rc;
}

/* ---- the lab --------------------------------------------------------------------------------- */

/* scikit-learn is a Python package, found (or not) when the lab runs: without it the lab
 * says so and exits 3 before it prints or writes anything, as a lab that is not built. */
static const char *sk_check(const struct lab_ctx *ctx)
{
    const char *why = sk_unavailable();
    (void)ctx;
    if (why) {
        fprintf(stderr, "parlab: sklearn: skipped: %s\n", why);
        exit(EXIT_SKIPPED);
    }
    return NULL;
}

static const struct lab_experiment sk_experiments[] = {
    {"cv", "cross_val_score serial vs n_jobs=P on threading, loky (cold, warm), multiprocessing; "
           "SVC, and a RandomForest in full runs", cv, cv_points, 0},
    {"chain", "a ClassifierChain (sequential links) vs the same models independent, an ensemble of "
              "chains, the chain's cross-validation; 1..P", chain, chain_points, 0},
    {NULL, NULL, NULL, NULL, 0},
};

static const struct lab_option sk_options[] = {
    {"folds", "K", "cross-validation folds in the cv experiment", LAB_OPT_INTEGER, 10, 5, 2, 50},
    {NULL, NULL, NULL, 0, 0, 0, 0, 0},
};

static const char *const sk_charts[] = {"sklearn-cv", "sklearn-chain", NULL};

const struct lab lab_sklearn = {
    .name = "sklearn",
    .summary = "scikit-learn in parallel: cross-validation on joblib's backends, a classifier chain",
    .help =
        "A case study on real work: scikit-learn's n_jobs, on its bundled digits.\n"
        "  cv     cross_val_score (--folds) serial, and n_jobs=P with joblib's threading,\n"
        "         loky cold (workers started by the call) and warm, multiprocessing; an SVC\n"
        "         (libsvm releases the GIL) and, in full runs, a RandomForest, also nested\n"
        "         (n_jobs=P inside each of P workers): seconds, paired speedups, cpu_cores\n"
        "  chain  a ClassifierChain of 4 logistic regressions (its links run in turn),\n"
        "         the same models independent (MultiOutputClassifier n_jobs), an ensemble\n"
        "         of 4 chains in parallel, the chain's 5-fold cross-validation, 1..P jobs\n"
        "--quick: cv on the first 900 digits, 5 folds, the SVC only; the chain on all\n"
        "1797 (shorter fits would measure loky's fee per task, not the chain). BLAS and\n"
        "OpenMP threads are held to 1 in every worker (meta threadpools).\n"
        "Needs python3-sklearn (make deps); without it the lab says so and exits 3.\n"
        "The Python: labs/sklearn/sk_cases.py (runs alone). Charts: plots/sklearn-cv.gp,\n"
        "sklearn-chain.gp.",
    .experiments = sk_experiments,
    .options = sk_options,
    .claims = sk_claims,
    .charts = sk_charts,
    .check = sk_check,
#ifndef PARLAB_HAVE_PYTHON
    .unavailable = "built without the Python headers (apt-get install python3-dev, then make)",
#endif
    .default_reps = 5,
    .quick_reps = 3,
    /* the tour: the cross-validation (about 8 s); the chain needs all 1797 samples even
     * quick (another 12 s): bin/parlab run sklearn --quick runs both */
    .tour_experiments = "cv",
};
