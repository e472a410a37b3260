/* test_sklearn.c: the sklearn lab's parts that do not depend on timing or on
 * scikit-learn: the plan (quick and full, with and without --workers), n_jobs, and the
 * claims judged on hand-written summaries. */
#include <stdlib.h>
#include <string.h>

#include "../labs/sklearn/sklearn.h"
#include "testlib.h"
#include "claimlib.h"

static struct lab_ctx make_ctx(struct topo *t, int usable, const int *w, int nw, int quick, int given)
{
    struct lab_ctx ctx;
    memset(t, 0, sizeof(*t));
    memset(&ctx, 0, sizeof(ctx));
    t->usable = usable;
    ctx.topo = t, ctx.workers = w, ctx.nworkers = nw, ctx.quick = quick, ctx.workers_given = given;
    return ctx;
}

TEST(plans_quick_and_full)
{
    struct topo t;
    int auto2[] = {1, 2, 4}, given[] = {1, 3};
    struct lab_ctx q = make_ctx(&t, 2, auto2, 3, 1, 0);
    /* quick: the SVC only (5 variants); the chain: 1 + 3 series of 1..2 */
    CHECK(sk_cv_points(&q) == 5);
    CHECK(sk_chain_points(&q) == 1 + 3 * 2);
    CHECK(sk_jobs(&q) == 2);
    /* full: the forest too (6 variants: nested), the chain up to the oversubscribed 4 */
    q.quick = 0;
    CHECK(sk_cv_points(&q) == 5 + 6);
    CHECK(sk_chain_points(&q) == 1 + 3 * 3);
    /* --workers 1,3: n_jobs 3, the chain at 1 and 3 */
    q = make_ctx(&t, 2, given, 2, 1, 1);
    CHECK(sk_jobs(&q) == 3);
    CHECK(sk_chain_points(&q) == 1 + 3 * 2);
    /* one CPU: n_jobs is still 2, so the series has a serial point of its own */
    q = make_ctx(&t, 1, auto2, 1, 1, 0);
    CHECK(sk_jobs(&q) == 2);
}

static struct sumrow row(const char *e, const char *v, int w, const char *p, const char *m, double med)
{
    struct sumrow r;
    memset(&r, 0, sizeof(r));
    r.experiment = (char *)e, r.variant = (char *)v, r.param = (char *)p, r.metric = (char *)m;
    r.unit = (char *)"", r.flags = (char *)"";
    r.workers = w, r.n = 3, r.outliers = -1;
    r.median = med, r.min = r.ci_lo = 0.97 * med, r.max = r.ci_hi = 1.03 * med, r.ci_level = 0.75;
    return r;
}

enum { NCLAIMS = 6 };

static void judge(int usable, double svc_thr, double cold_s, double nested_sp, double indep_s,
                  double ens_sp, const char *flags, enum verdict *v)
{
    static const char svc[] = "estimator=svc;folds=10", rf[] = "estimator=forest;folds=10";
    struct sumrow rows[] = {
        row("cv", "threading", 2, svc, "speedup", svc_thr),
        row("cv", "loky-cold", 2, svc, "seconds", cold_s),
        row("cv", "loky-warm", 2, svc, "seconds", 0.5),
        row("cv", "loky-warm", 2, rf, "speedup", 1.6),
        row("cv", "loky-warm-nested", 2, rf, "speedup", nested_sp),
        row("chain", "chain", 1, "", "seconds", 0.4),
        row("chain", "independent", 2, "", "seconds", indep_s),
        row("chain", "ensemble", 2, "", "speedup", ens_sp),
        row("chain", "chain-cv", 2, "", "speedup", ens_sp),
    };
    for (size_t k = 0; k < ARRAY_SIZE(rows); k++)
        rows[k].flags = (char *)flags;
    CHECK(tl_judge_all(&lab_sklearn, rows, (int)ARRAY_SIZE(rows), usable, 3, v, NCLAIMS) == NCLAIMS);
}

TEST(claims_follow_the_numbers)
{
    enum verdict v[NCLAIMS];
    judge(2, 1.7, 1.9, 1.5, 0.2, 1.8, "", v); /* as the lesson says */
    for (int i = 0; i < NCLAIMS; i++)
        CHECK(v[i] == VERDICT_HOLDS);
    judge(2, 1.0, 0.5, 2.5, 0.39, 1.0, "", v); /* every claim contradicted */
    for (int i = 0; i < NCLAIMS; i++)
        CHECK(v[i] == VERDICT_FAILS);
    judge(2, 1.7, 1.9, 1.5, 0.2, 1.8, "busy", v); /* another program held a CPU */
    for (int i = 0; i < NCLAIMS; i++)
        CHECK(v[i] == VERDICT_CANNOT_TELL);
    judge(1, 1.7, 1.9, 1.5, 0.2, 1.8, "", v); /* one CPU: only the cold start can be told */
    for (int i = 0; i < NCLAIMS; i++)
        CHECK(v[i] == (i == 1 ? VERDICT_HOLDS : VERDICT_CANNOT_TELL));
}

int main(void)
{
    RUN(plans_quick_and_full);
    RUN(claims_follow_the_numbers);
    return TEST_DONE();
}
