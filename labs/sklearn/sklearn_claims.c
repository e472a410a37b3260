/* sklearn_claims.c: what the sklearn lesson claims, as checks over a summary. parlab
 * report judges them on saved results; the lab prints them after each experiment.
 * Speedups need 2 usable CPUs; a point flagged busy, short or above-cores cannot decide.
 * Where the work has fewer tasks than CPUs (4 labels, 4 chains, 5 folds), the ideal is
 * min(P, tasks), not P. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sklearn.h"

/* The cv row of (variant, estimator) at any worker count: its n_jobs is the run's. */
static const struct sumrow *cv_row(const struct report_lab *l, const char *variant,
                                   const char *estimator, const char *metric)
{
    for (int i = 0; i < l->nrows; i++) {
        const struct sumrow *r = &l->rows[i];
        char want[48];
        snprintf(want, sizeof(want), "estimator=%s;", estimator);
        if (!strcmp(r->experiment, "cv") && !strcmp(r->variant, variant) && !strcmp(r->metric, metric) &&
            !strncmp(r->param, want, strlen(want)))
            return r;
    }
    return NULL;
}

static int min_int(int a, int b)
{
    return a < b ? a : b;
}

/* ---- cv --------------------------------------------------------------------------------------- */

static void svc_threads(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *r = cv_row(l, "threading", "svc", "speedup");
    int p;
    if (!claim_needs_cpus(o, l, 2))
        return;
    if (!r) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "no SVC cross-validation on the threading backend here");
        return;
    }
    p = min_int(r->workers, l->usable > 0 ? l->usable : r->workers);
    claim_at_least(o, l, r, 0.7 * p, "SVC, threading, n_jobs=%d (need %.2fx)", r->workers, 0.7 * p);
}

static void cold_costs(const struct report_lab *l, struct claim_out *o)
{
    claim_ratio_at_least(o, l, cv_row(l, "loky-cold", "svc", "seconds"),
                         cv_row(l, "loky-warm", "svc", "seconds"), 1.3,
                         "SVC, loky cold / warm seconds");
}

/* forest: processes (loky, warm) do at least as well as threads; and nesting the forest's
 * own n_jobs inside the workers gains nothing (at most 1.1x the plain warm pool). */
static void forest_nested(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *nested = cv_row(l, "loky-warm-nested", "forest", "speedup");
    const struct sumrow *warm = cv_row(l, "loky-warm", "forest", "speedup");
    if (!claim_needs_cpus(o, l, 2))
        return;
    if (!nested || !warm) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "no RandomForest in these results (full runs only)");
        return;
    }
    claim_at_most(o, l, nested, 1.1 * warm->median, "forest nested (warm pool alone: %.2fx)",
                  warm->median);
}

/* ---- chain ------------------------------------------------------------------------------------ */

/* variant's speedup at P (capped by its tasks) >= frac * min(P, tasks). */
static void chain_scales(struct claim_out *o, const struct report_lab *l, const char *variant,
                         int tasks, double frac)
{
    int p = report_top_workers(l, "chain", variant, NULL, "speedup", 2);
    double need = frac * min_int(p, tasks);
    if (!claim_needs_cpus(o, l, 2))
        return;
    if (!p) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "%s: no speedup measured at 2 or more workers", variant);
        return;
    }
    claim_at_least(o, l, report_row(l, "chain", variant, p, NULL, "speedup"), need,
                   "%s at %d workers (need %.2fx: %d tasks)", variant, p, need, tasks);
}

/* The chain against the same 4 models independent on P workers: the chain's links must
 * run in turn, so it cannot come near. */
static void chain_is_serial(const struct report_lab *l, struct claim_out *o)
{
    int p = report_top_workers(l, "chain", "independent", NULL, "seconds", 2);
    if (!claim_needs_cpus(o, l, 2))
        return;
    if (!p) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "independent: not measured at 2 or more workers");
        return;
    }
    claim_ratio_at_least(o, l, report_row(l, "chain", "chain", 1, NULL, "seconds"),
                         report_row(l, "chain", "independent", p, NULL, "seconds"),
                         0.6 * min_int(p, 4), "one chain / the 4 models independent on %d workers, seconds", p);
}

static void ensemble_scales(const struct report_lab *l, struct claim_out *o)
{
    chain_scales(o, l, "ensemble", 4, 0.7);
}

static void chain_cv_scales(const struct report_lab *l, struct claim_out *o)
{
    chain_scales(o, l, "chain-cv", 5, 0.7);
}

const struct lab_claim sk_claims[] = {
    {"cv", "SVC's fit runs in libsvm with the GIL released: cross-validation on the threading "
           "backend is at least 0.7 P faster than serial (1.4x on 2 CPUs)", svc_threads},
    {"cv", "A cold loky pool pays for its start: the same cross-validation takes at least 1.3x the "
           "time on a cold pool as on a warm one", cold_costs},
    {"cv", "Nested parallelism gains nothing: a forest with n_jobs=P inside each of P workers is "
           "at most 1.1x as fast as with n_jobs=1 inside", forest_nested},
    {"chain", "A chain is Amdahl with a serial fraction of 1: the same 4 models without the chain "
              "run at least 0.6 min(P, 4) times faster on P workers", chain_is_serial},
    {"chain", "What can be parallel is: an ensemble of 4 chains reaches at least 0.7 min(P, 4) on P "
              "workers", ensemble_scales},
    {"chain", "... and so is the chain's cross-validation: at least 0.7 min(P, 5) on P workers",
     chain_cv_scales},
    {NULL, NULL, NULL},
};
