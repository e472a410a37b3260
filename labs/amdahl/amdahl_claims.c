/* labs/amdahl/amdahl_claims.c: what the Amdahl lesson claims, as checks over a summary.
 * parlab report judges them on saved results; the lab prints them after each
 * experiment. Each holds on any common machine, or says why it cannot tell. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "amdahl.h"
#include "fit.h"

static const char *const cpu_variants[] = {"pthreads", "openmp"};

/* The configured fractions in an experiment's rows: the params "serial=F". */
static int configured(const struct report_lab *l, const char *experiment, const char **params,
                      double *s, int max)
{
    int n = 0;
    for (int i = 0; i < l->nrows && n < max; i++) {
        const struct sumrow *r = &l->rows[i];
        int seen = 0;
        if (strcmp(r->experiment, experiment) || strcmp(r->metric, "speedup") ||
            strncmp(r->param, "serial=", 7))
            continue;
        for (int k = 0; k < n; k++)
            seen |= !strcmp(params[k], r->param);
        if (!seen) {
            params[n] = r->param;
            s[n++] = atof(r->param + 7);
        }
    }
    return n;
}

/* scaling: at the most workers within the usable CPUs, each variant and fraction reaches
 * at least 85% of Amdahl's prediction (overheads only take away). */
static void judge_prediction(const struct report_lab *l, struct claim_out *o)
{
    const char *params[16];
    double s[16];
    int n = configured(l, "scaling", params, s, 16), judged = 0;
    if (!claim_needs_cpus(o, l, 2))
        return;
    for (int i = 0; i < n; i++)
        for (size_t v = 0; v < ARRAY_SIZE(cpu_variants); v++) {
            int p = report_top_workers(l, "scaling", cpu_variants[v], params[i], "speedup", 2);
            struct claim_out part = {0};
            double pred;
            if (!p)
                continue;
            pred = amdahl_speedup(s[i], p);
            claim_at_least(&part, l, report_row(l, "scaling", cpu_variants[v], p, params[i], "speedup"),
                           0.85 * pred, "%s s=%.2f at %d workers (Amdahl: %.2fx)", cpu_variants[v],
                           s[i], p, pred);
            claim_merge(o, &part, judged++ == 0);
        }
    if (!judged)
        claim_verdict(o, VERDICT_CANNOT_TELL, "no speedup measured at 2 or more workers");
}

/* How far the timings' noise can move a fit: Amdahl fitted again with each point's time
 * at an end of its interval, the 1-worker time low and the others high (the largest s the
 * intervals allow), then the other way round (the smallest). The points are the fit's
 * own: those within the usable CPUs, or every one for waiting workers. Returns the number
 * of points; -1 when some point cannot be trusted (why says which); 0 when the summary
 * has too few timings with intervals to tell (then the fit is judged on its own). */
static int fit_range(const struct report_lab *l, const char *experiment, const char *variant,
                     const char *param, double *lo, double *hi, char *why, size_t whysize)
{
    double p[64], tlo[64], thi[64];
    int n = 0, waits = !strcmp(experiment, "sleep");
    struct amdahl_fit a, b;
    for (int i = 0; i < l->nrows && n < 64; i++) {
        const struct sumrow *r = &l->rows[i];
        if (strcmp(r->experiment, experiment) || strcmp(r->variant, variant) || strcmp(r->param, param) ||
            strcmp(r->metric, "seconds") || r->workers < 1 || (!waits && l->usable && r->workers > l->usable))
            continue;
        if (report_distrust(l, r, why, whysize))
            return -1;
        if (isnan(r->ci_lo) || isnan(r->ci_hi))
            continue;
        p[n] = r->workers;
        tlo[n] = r->workers == 1 ? r->ci_hi : r->ci_lo; /* the smallest s */
        thi[n] = r->workers == 1 ? r->ci_lo : r->ci_hi; /* the largest */
        n++;
    }
    if (n < 2 || fit_amdahl_times(p, tlo, n, &a) || fit_amdahl_times(p, thi, n, &b))
        return 0;
    *lo = a.serial, *hi = b.serial;
    return n;
}

/* scaling and sleep: the fit gives back the fraction built in, within 0.05. A fit further
 * off does not hold only when the timings' intervals cannot bring it within 0.05 either:
 * on a busy or tiny machine a few slow repetitions move a fit of 4 points a lot. */
static void judge_fit_in(const struct report_lab *l, struct claim_out *o, const char *experiment,
                         const char *const *variants, int nvariants)
{
    const char *params[16];
    double s[16];
    int n = configured(l, experiment, params, s, 16), judged = 0, bad = 0, unsure = 0;
    char why[256] = "";
    for (int i = 0; i < n; i++)
        for (int v = 0; v < nvariants; v++) {
            const struct sumrow *f = report_row(l, experiment, variants[v], 0, params[i],
                                                "amdahl_serial_fraction");
            double lo, hi;
            char w[160] = "";
            if (!f)
                continue;
            judged++;
            claim_note(o, "%s: fitted %.3f for %.2f", variants[v], f->median, s[i]);
            if (fabs(f->median - s[i]) <= 0.05)
                continue;
            switch (fit_range(l, experiment, variants[v], params[i], &lo, &hi, w, sizeof(w))) {
            case -1: /* a point cannot be trusted: the fit cannot either */
                unsure++;
                snprintf(why, sizeof(why), "%s: %s", variants[v], w);
                break;
            case 0: /* no timings to weigh it against: the fit as it is */
                bad++;
                break;
            default:
                if (hi >= s[i] - 0.05 && lo <= s[i] + 0.05) {
                    unsure++;
                    snprintf(why, sizeof(why), "%s: the timings' intervals allow fits from %.3f to %.3f, "
                             "within 0.05 of %.2f or not (more --reps, or a quieter machine)", variants[v],
                             lo, hi, s[i]);
                } else
                    bad++;
            }
        }
    if (!judged)
        claim_verdict(o, VERDICT_CANNOT_TELL, "no Amdahl fit in these results");
    else if (bad)
        claim_verdict(o, VERDICT_FAILS, "%d of %d fits are more than 0.05 away, however the timings' "
                                        "intervals are read (overhead that grows with the workers: "
                                        "see Karp-Flatt)", bad, judged);
    else if (unsure)
        claim_verdict(o, VERDICT_CANNOT_TELL, "%s", why);
    else
        claim_verdict(o, VERDICT_HOLDS, NULL);
}

static void judge_fit(const struct report_lab *l, struct claim_out *o)
{
    if (claim_needs_cpus(o, l, 2))
        judge_fit_in(l, o, "scaling", cpu_variants, 2);
}

static const char *const threads[] = {"threads"};

/* sleep: waiting workers need no CPU, so at 16 of them (any machine) the speedup is
 * within 10% of Amdahl's prediction; the fit gives s back. */
static void judge_sleep(const struct report_lab *l, struct claim_out *o)
{
    const char *params[16];
    double s[16];
    int n = configured(l, "sleep", params, s, 16), judged = 0;
    for (int i = 0; i < n; i++) {
        /* 16 workers if measured, else the most */
        int p = report_row(l, "sleep", "threads", 16, params[i], "speedup") ? 16 : 0;
        for (int k = 0; k < l->nrows && !p; k++)
            if (!strcmp(l->rows[k].experiment, "sleep") && !strcmp(l->rows[k].param, params[i]) &&
                !strcmp(l->rows[k].metric, "speedup") && l->rows[k].workers > p)
                p = l->rows[k].workers;
        if (p < 2)
            continue;
        {
            const struct sumrow *r = report_row(l, "sleep", "threads", p, params[i], "speedup");
            double pred = amdahl_speedup(s[i], p);
            struct claim_out lo = {0}, hi = {0};
            claim_at_least(&lo, l, r, 0.9 * pred, "s=%.2f at %d sleeping workers (Amdahl: %.2fx, "
                                                  "ceiling %.1fx)", s[i], p, pred, 1 / s[i]);
            claim_at_most(&hi, l, r, 1.1 * pred, "s=%.2f at %d sleeping workers", s[i], p);
            hi.numbers[0] = '\0'; /* the same row: say it once */
            claim_merge(o, &lo, judged++ == 0);
            claim_merge(o, &hi, 0);
        }
    }
    if (!judged)
        claim_verdict(o, VERDICT_CANNOT_TELL, "the sleep experiment measured fewer than 2 workers");
}

static void judge_sleep_fit(const struct report_lab *l, struct claim_out *o)
{
    judge_fit_in(l, o, "sleep", threads, 1);
}

/* gustafson: scaled speedup at the most workers within 10% of p - s(p - 1). */
static void judge_gustafson(const struct report_lab *l, struct claim_out *o)
{
    const char *params[16];
    double s[16];
    int n = configured(l, "gustafson", params, s, 16), judged = 0;
    for (int i = 0; i < n; i++) {
        int p = 0;
        for (int k = 0; k < l->nrows; k++)
            if (!strcmp(l->rows[k].experiment, "gustafson") && !strcmp(l->rows[k].param, params[i]) &&
                !strcmp(l->rows[k].metric, "scaled_speedup") && l->rows[k].workers > p)
                p = l->rows[k].workers;
        if (p < 2)
            continue;
        {
            const struct sumrow *r = report_row(l, "gustafson", "threads", p, params[i], "scaled_speedup");
            double pred = gustafson_speedup(s[i], p);
            struct claim_out lo = {0}, hi = {0};
            claim_at_least(&lo, l, r, 0.9 * pred, "s=%.2f at %d workers (Gustafson: %.1fx; Amdahl's "
                                                  "ceiling would be %.1fx)", s[i], p, pred, 1 / s[i]);
            claim_at_most(&hi, l, r, 1.1 * pred, "s=%.2f at %d workers", s[i], p);
            hi.numbers[0] = '\0';
            claim_merge(o, &lo, judged++ == 0);
            claim_merge(o, &hi, 0);
        }
    }
    if (!judged)
        claim_verdict(o, VERDICT_CANNOT_TELL, "the gustafson experiment measured fewer than 2 workers");
}

/* stream: where memory is the limit, the triad's speedup falls behind the CPU-only
 * control's at the same threads. Where it does not (few cores for the memory channels),
 * that is said, not claimed. */
static void judge_stream(const struct report_lab *l, struct claim_out *o)
{
    int p = report_top_workers(l, "stream", "triad", "", "speedup", 2);
    const struct sumrow *t, *c;
    char a[200], b[200];
    if (!claim_needs_cpus(o, l, 2))
        return;
    t = report_row(l, "stream", "triad", p, "", "speedup");
    c = report_row(l, "stream", "compute", p, "", "speedup");
    if (!p || !t || !c) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "the triad and its control were not both measured at 2+ threads");
        return;
    }
    claim_note(o, "at %d threads: triad %s, compute %s", p, report_fmt_row(t, a, sizeof(a)),
               report_fmt_row(c, b, sizeof(b)));
    if (flags_has(t->flags, "busy") || flags_has(c->flags, "busy")) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "the machine was busy while they ran");
        return;
    }
    if (t->ci_hi <= 0.9 * c->ci_lo)
        claim_verdict(o, VERDICT_HOLDS, NULL);
    else
        claim_verdict(o, VERDICT_CANNOT_TELL,
                      "at %d threads the memory channels still keep up (triad speedup [%.2f, %.2f] vs "
                      "compute [%.2f, %.2f]): they run out with more cores per channel, as on most "
                      "laptops and big servers", p, t->ci_lo, t->ci_hi, c->ci_lo, c->ci_hi);
}

/* demo: the half-serial phase does Amdahl's 1/(0.5 + 0.5/P) times one worker's work a
 * second (within 15%), while every core looks busy half the time. */
static void judge_demo(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *one, *half;
    int p = report_demo_phases(l, o, "one-worker", "half-serial", "units_per_s", &one, &half);
    if (!p)
        return;
    {
        double pred = amdahl_speedup(0.5, p);
        struct claim_out lo = {0}, hi = {0};
        claim_ratio_at_least(&lo, l, half, one, 0.85 * pred, "half serial on %d workers / one worker, "
                             "work a second (Amdahl: %.2fx)", p, pred);
        claim_ratio_at_least(&hi, l, one, half, 1 / (1.15 * pred), "one worker / half serial");
        hi.numbers[0] = '\0';
        claim_merge(o, &lo, 1);
        claim_merge(o, &hi, 0);
    }
}

const struct lab_claim amdahl_claims[] = {
    {"scaling", "A serial fraction s caps the speedup as Amdahl's law says: at P workers on P "
                "CPUs it reaches at least 85% of 1/(s + (1-s)/P)", judge_prediction},
    {"scaling", "Fitting Amdahl's law to the timings gives back the serial fraction built in, "
                "within 0.05", judge_fit},
    {"sleep", "Past the CPUs too: with waits for work, 16 workers on any machine speed up within "
              "10% of Amdahl's 1/(s + (1-s)/16), bending towards the ceiling 1/s", judge_sleep},
    {"sleep", "The fit on sleeping workers gives back the serial fraction within 0.05",
     judge_sleep_fit},
    {"gustafson", "When the work grows with the workers, the scaled speedup follows Gustafson's "
                  "p - s(p - 1) within 10%, past Amdahl's ceiling", judge_gustafson},
    {"stream", "Memory bandwidth, not cores, limits a memory-bound loop: the triad's speedup "
               "falls below the CPU-only control's at the same threads", judge_stream},
    {"demo", "On stage, half serial on P workers does 1/(0.5 + 0.5/P) times the work of one "
             "worker (within 15%)", judge_demo},
    {NULL, NULL, NULL},
};
