/* labs/sklearn/sklearn.h: the sklearn lab's parts, shared by its files and its tests. */
#ifndef PARLAB_SKLEARN_H
#define PARLAB_SKLEARN_H

#include "harness.h"
#include "report.h"

/* The cross-validation variants: joblib's backends, and loky's pool cold or warm. */
struct sk_cv_variant {
    const char *name;  /* the CSV's variant (serial runs at 1 worker, the others at J) */
    int forest_only;   /* only for the forest (nested parallelism) */
};
extern const struct sk_cv_variant sk_cv_variants[];
extern const int sk_ncv_variants;

/* The estimators cross-validated: svc always, forest in full runs. */
int sk_estimators(const struct lab_ctx *ctx, const char *const **names);
/* n_jobs for the parallel variants: the usable CPUs (at least 2), or the most --workers. */
int sk_jobs(const struct lab_ctx *ctx);
/* The worker counts of the chain's series: 1, then --workers or the default sweep;
 * --quick without --workers stops at the usable CPUs. */
int sk_workers(const struct lab_ctx *ctx, int **out);

/* The chain experiment's series, after the single chain (sk_cases.py explains each). */
extern const char *const sk_chain_series[];
extern const int sk_nchain_series;

/* NULL if scikit-learn can be found by the interpreter parlab embeds, else why not. */
const char *sk_unavailable(void);
/* The points the two experiments plan. */
int sk_cv_points(const struct lab_ctx *ctx);
int sk_chain_points(const struct lab_ctx *ctx);
/* Measure them, in a child process with an embedded CPython (sklearn_python.c).
 * EXIT_OK, EXIT_FAIL, EXIT_INTERRUPTED, or EXIT_SKIPPED when scikit-learn cannot be
 * imported (every point skipped, the reason said). */
int sk_cv_measure(struct lab_ctx *ctx);
int sk_chain_measure(struct lab_ctx *ctx);

extern const struct lab_claim sk_claims[];

#endif
