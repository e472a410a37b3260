/* report.h: each lesson's claims, judged on the learner's own numbers.
 *
 * A lab declares the claims its lesson makes (lab.h, struct lab_claim), each with a
 * judge: a function of the lab's summary rows and meta that says whether the claim
 * holds here, does not hold, or cannot be told, with the numbers and their intervals,
 * and why when it cannot tell (one usable CPU, a busy machine, an interval that
 * straddles the threshold, an impossible point). `parlab report DIR` judges saved files
 * (a pure function of them: results copied from another machine, or written by hand,
 * are judged the same way), and a lab that has just run judges its own results with
 * the same functions, so the sentences it prints can never contradict its numbers.
 *
 * A judge, for "processes speed up CPU work: speedup at P workers >= 0.8 P":
 *
 *   static void procs_scale(const struct report_lab *l, struct claim_out *o)
 *   {
 *       int p = report_top_workers(l, "python-cpu", "processes", "", "speedup", 2);
 *       if (!claim_needs_cpus(o, l, 2))
 *           return;
 *       claim_at_least(o, l, report_row(l, "python-cpu", "processes", p, "", "speedup"),
 *                      0.8 * p, "processes at %d workers", p);
 *   }
 */
#ifndef PARLAB_REPORT_H
#define PARLAB_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "lab.h"
#include "results.h"

enum verdict { VERDICT_HOLDS, VERDICT_FAILS, VERDICT_CANNOT_TELL };

/* One lab's results, as the report reads them. */
struct report_lab {
    const struct lab *lab; /* from the lab table; NULL when this build does not know it */
    char *name;
    struct sumrow *rows;
    int nrows;
    char **meta; /* key, value pairs */
    int nmeta;
    int usable;  /* cpus_usable from meta (0: unknown) */
    int quick;   /* 1 if the run was --quick */
    int reps;    /* repetitions a point (0: unknown) */
    char *source; /* the summary file, or "this run" */
};

/* One measured quantity behind a verdict, kept for machine-readable reports (json: the
 * slide deck's headlines): set by claim_at_least, claim_at_most and claim_ratio_at_least,
 * carried along by claim_merge. A judge that writes its numbers by hand leaves none. */
#define CLAIM_MAX_PARTS 8
struct claim_part {
    char what[160];  /* "threads at 2 workers" */
    char unit[24];   /* the row's unit ("x", "us", "fraction"); a ratio: "x" */
    double median;   /* the value; a ratio: a.median / b.median */
    double lo, hi;   /* its interval; NAN when unknown */
    double cores;    /* cpu_cores of the row's point; NAN when none (ratios, untimed rows) */
};

struct claim_out {
    enum verdict verdict;
    char numbers[600]; /* what was measured: "threads at 2 workers: 0.97x [0.95, 0.99] 94%" */
    char why[400];     /* does not hold / cannot tell: why */
    int nparts;        /* the values behind numbers, in order (may be fewer: hand-written) */
    struct claim_part parts[CLAIM_MAX_PARTS];
};

/* ---- for judges --------------------------------------------------------------------------- */
/* The value of a meta key, or "" */
const char *report_meta(const struct report_lab *l, const char *key);
/* The row of (experiment, variant, workers, param, metric); variant or param NULL: any. */
const struct sumrow *report_row(const struct report_lab *l, const char *experiment,
                                const char *variant, int workers, const char *param,
                                const char *metric);
/* The most workers within the usable CPUs (and >= min_workers) that have such a row;
 * 0 if none. With usable unknown, the most workers that have one. */
int report_top_workers(const struct report_lab *l, const char *experiment, const char *variant,
                       const char *param, const char *metric, int min_workers);
/* True if any row of the experiment is present. */
bool report_has(const struct report_lab *l, const char *experiment);
/* Why a row's median cannot be trusted (fewer than 3 repetitions, flagged busy, short or
 * above-cores), in words into buf; NULL when it can. */
const char *report_distrust(const struct report_lab *l, const struct sumrow *r, char *buf,
                            size_t size);

/* A demo's two phases, one worker and all of them: *one at 1 worker and *all at the most
 * workers the variant ran, both of metric; returns their workers (P), or 0 after saying
 * cannot tell (fewer than 2 usable CPUs, or a phase not measured). */
int report_demo_phases(const struct report_lab *l, struct claim_out *o, const char *one_variant,
                       const char *all_variant, const char *metric, const struct sumrow **one,
                       const struct sumrow **all);
/* The claim needs at least n usable CPUs: false (and cannot tell, saying so) if fewer. */
bool claim_needs_cpus(struct claim_out *o, const struct report_lab *l, int n);
/* Judge "the row's value >= thr" (at_least) or "<= thr" (at_most) on its interval:
 * holds when the whole interval is on the claim's side, does not hold when the whole
 * interval is on the other side, cannot tell when it straddles thr. Also cannot tell
 * when the row is missing, has fewer than 3 repetitions, or its point is flagged busy,
 * short or above-cores. what: printf-style, names the row ("processes at 2 workers"). */
void claim_at_least(struct claim_out *o, const struct report_lab *l, const struct sumrow *r,
                    double thr, const char *what, ...) __attribute__((format(printf, 5, 6)));
void claim_at_most(struct claim_out *o, const struct report_lab *l, const struct sumrow *r,
                   double thr, const char *what, ...) __attribute__((format(printf, 5, 6)));
/* Judge "a / b >= thr" for two rows of the same unit, from their intervals (the ratio's
 * interval is [a.lo / b.hi, a.hi / b.lo]). */
void claim_ratio_at_least(struct claim_out *o, const struct report_lab *l,
                          const struct sumrow *a, const struct sumrow *b, double thr,
                          const char *what, ...) __attribute__((format(printf, 6, 7)));
/* Set the verdict and why by hand; append to numbers. */
void claim_verdict(struct claim_out *o, enum verdict v, const char *why, ...)
    __attribute__((format(printf, 3, 4)));
void claim_note(struct claim_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A claim made of several parts (each variant, each fraction): part's numbers and why
 * join into's; the verdict is "does not hold" if any part fails, else "cannot tell" if
 * any cannot, else "holds". first: into is empty so far. */
void claim_merge(struct claim_out *into, const struct claim_out *part, int first);
/* "0.97x [0.95, 0.99] 94%" for a row, into buf. */
const char *report_fmt_row(const struct sumrow *r, char *buf, size_t size);

/* ---- the report ------------------------------------------------------------------------------- */
/* REPORT_JSON: machine-readable (the slide deck reads it): every lab's meta, charts, and
 * each claim's verdict, numbers, why and parts (struct claim_part). */
enum report_format { REPORT_TEXT, REPORT_MD, REPORT_HTML, REPORT_JSON };

/* Read DIR/NAME-summary.csv and DIR/NAME-meta.csv. Returns 0, or -1 with err set to
 * "FILE:LINE: what is wrong" or "cannot open 'FILE': why". */
int report_load(const char *dir, const char *name, struct report_lab *out, char *err,
                size_t errsize);
/* Every *-summary.csv in DIR, lab table order first. Returns the count (0: none), or -1
 * with err set. *out is malloc'ed. */
int report_load_dir(const char *dir, struct report_lab **out, char *err, size_t errsize);
void report_free(struct report_lab *l);
/* False for a claim about an optional experiment (a stage demo) that these results do
 * not have: it is not listed or counted. */
bool report_claim_applies(const struct report_lab *l, const struct lab_claim *c);
/* Judge one claim (the experiment's rows must be present: else cannot tell). */
void report_judge(const struct report_lab *l, const struct lab_claim *c, struct claim_out *o);
/* Write the report of labs[0..n-1] in fmt; dir is where charts are found (DIR/plots). */
void report_write(FILE *f, struct report_lab *labs, int n, enum report_format fmt,
                  const char *dir);
/* The verdict as words: "holds", "does not hold", "cannot tell". */
const char *verdict_name(enum verdict v);

/* `parlab report [DIR] [--format text|md|html|json] [--out FILE]`. Returns an exit code. */
int report_main(int argc, char **argv);

struct lab_ctx;
/* After an experiment ran in-process: judge the lab's claims about it on this run's
 * results and print them ("what this run shows"). */
void report_conclude(struct lab_ctx *ctx, const struct lab_experiment *e);

#endif
