/* xml_claims.c: what the xml lesson claims, as checks over a summary. parlab report
 * judges them on saved results; the lab prints them after each experiment. Speedups are
 * judged at the most workers within the usable CPUs (beyond them no speedup can grow),
 * on 2 or more CPUs; a point flagged busy, short or above-cores cannot decide. */
#include <math.h>
#include <string.h>

#include "xml.h"

/* The variant's speedup at P (the most workers within the usable CPUs) against
 * frac * P (at_least) or limit (at most). */
static void judge_speedup(struct claim_out *o, const struct report_lab *l, const char *experiment,
                          const char *variant, int at_least, double frac, double limit)
{
    int p = report_top_workers(l, experiment, variant, NULL, "speedup", 2);
    const struct sumrow *r = report_row(l, experiment, variant, p, NULL, "speedup");
    if (!p) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "%s: no speedup measured at 2 or more workers", variant);
        return;
    }
    if (at_least)
        claim_at_least(o, l, r, frac * p, "%s at %d workers (need %.2fx)", variant, p, frac * p);
    else
        claim_at_most(o, l, r, limit, "%s at %d workers (at most %.2fx)", variant, p, limit);
}

/* Holds if either variant's claim holds (the lesson says "expat or libxml2"); does not
 * hold if both do not; cannot tell otherwise. */
static void judge_either(struct claim_out *o, const struct report_lab *l, const char *experiment,
                         const char *a, const char *b, double frac)
{
    struct claim_out x = {0}, y = {0};
    judge_speedup(&x, l, experiment, a, 1, frac, 0);
    judge_speedup(&y, l, experiment, b, 1, frac, 0);
    claim_merge(o, &x, 1);
    claim_merge(o, &y, 0);
    if (x.verdict == VERDICT_HOLDS || y.verdict == VERDICT_HOLDS) {
        o->verdict = VERDICT_HOLDS;
        o->why[0] = '\0';
    }
}

/* ---- c-parse ----------------------------------------------------------------------------------- */

static void c_threads_scale(const struct report_lab *l, struct claim_out *o)
{
    if (claim_needs_cpus(o, l, 2))
        judge_either(o, l, "c-parse", "libxml2-threads", "expat-threads", 0.85);
}

static void c_openmp_scales(const struct report_lab *l, struct claim_out *o)
{
    if (claim_needs_cpus(o, l, 2))
        judge_either(o, l, "c-parse", "libxml2-openmp", "expat-openmp", 0.85);
}

/* One thread each: MB/s of expat (no tree) over libxml2 (a tree built and freed). */
static void sax_faster_than_dom(const struct report_lab *l, struct claim_out *o)
{
    claim_ratio_at_least(o, l, report_row(l, "c-parse", "expat-threads", 1, NULL, "mb_per_s"),
                         report_row(l, "c-parse", "libxml2-threads", 1, NULL, "mb_per_s"), 1.5,
                         "expat / libxml2 MB/s on one thread");
}

/* ---- split ----------------------------------------------------------------------------------- */

static void largest_file_caps(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *bound = report_row(l, "split", "whole-files", 0, NULL, "speedup_bound");
    int p = report_top_workers(l, "split", "whole-files", NULL, "speedup", 2);
    if (!claim_needs_cpus(o, l, 2))
        return;
    if (!bound || !p) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "no whole-files speedup or bound in these results");
        return;
    }
    if (bound->median >= 0.9 * p) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "the files are too even for a cap to show at %d "
                      "workers (total / largest = %.2f)", p, bound->median);
        return;
    }
    claim_at_most(o, l, report_row(l, "split", "whole-files", p, NULL, "speedup"),
                  1.1 * bound->median, "whole files at %d workers (cap total / largest: %.2fx)", p,
                  bound->median);
}

static void pieces_scale(const struct report_lab *l, struct claim_out *o)
{
    if (claim_needs_cpus(o, l, 2))
        judge_speedup(o, l, "split", "split-records", 1, 0.75, 0);
}

/* ---- python ---------------------------------------------------------------------------------- */

static void lxml_threads_scale(const struct report_lab *l, struct claim_out *o)
{
    if (claim_needs_cpus(o, l, 2))
        judge_speedup(o, l, "python", "lxml", 1, 0.75, 0);
}

static void etree_threads_do_not(const struct report_lab *l, struct claim_out *o)
{
    if (claim_needs_cpus(o, l, 2))
        judge_speedup(o, l, "python", "etree", 0, 0, 1.2);
}

static void iterparse_does_not(const struct report_lab *l, struct claim_out *o)
{
    if (claim_needs_cpus(o, l, 2))
        judge_speedup(o, l, "python", "lxml-iterparse", 0, 0, 1.2);
}

static void shared_parser_serialises(const struct report_lab *l, struct claim_out *o)
{
    if (claim_needs_cpus(o, l, 2))
        judge_speedup(o, l, "python", "lxml-shared-parser", 0, 0, 1.2);
}

/* The pool lab's lesson applies here too: a pool started inside the timing pays only when
 * the work is long next to its start (forking the workers, sending the documents, the
 * results back: tens of ms on a 2-vCPU VM). Below a quarter of a second of work on one
 * worker (quick runs: ~40 ms) the claim cannot be judged; a full run parses enough. */
#define POOL_WORTH_S 0.25

static void processes_scale_etree(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *one = report_row(l, "python", "etree-processes", 1, NULL, "seconds");
    if (!claim_needs_cpus(o, l, 2))
        return;
    if (one && one->median < POOL_WORTH_S) {
        claim_verdict(o, VERDICT_CANNOT_TELL,
                      "the work took %.0f ms on one worker: too short to pay for starting a pool "
                      "(the pool lab: a pool pays only above a task size); a full run, or more "
                      "--docs, parses enough",
                      one->median * 1e3);
        return;
    }
    judge_speedup(o, l, "python", "etree-processes", 1, 0.6, 0);
}

/* At P workers: the pool sending trees back takes at least 1.2x the time of the pool
 * sending digests back (the same parsing, plus pickling every tree). */
static void trees_cost(const struct report_lab *l, struct claim_out *o)
{
    int p = report_top_workers(l, "python", "etree-processes-trees", NULL, "seconds", 2);
    if (!claim_needs_cpus(o, l, 2))
        return;
    if (!p) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "no process pool measured at 2 or more workers");
        return;
    }
    claim_ratio_at_least(o, l, report_row(l, "python", "etree-processes-trees", p, NULL, "seconds"),
                         report_row(l, "python", "etree-processes", p, NULL, "seconds"), 1.2,
                         "trees sent back / digests sent back, seconds at %d workers", p);
}

/* Where C sits: expat called from C, no tree, against ElementTree, which runs the same
 * expat and builds Python objects; both on one thread. */
static void c_beats_etree(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *c = report_row(l, "c-parse", "expat-threads", 1, NULL, "mb_per_s");
    if (!c) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "c-parse did not run (or expat is not built in)");
        return;
    }
    claim_ratio_at_least(o, l, c, report_row(l, "python", "etree", 1, NULL, "mb_per_s"), 1.5,
                         "expat in C / ElementTree MB/s, one thread");
}

const struct lab_claim xml_claims[] = {
    {"c-parse", "C parsers scale on threads: with a parser per thread, libxml2 or expat reaches at "
                "least 0.85 P at P workers (1.7x on 2 CPUs)", c_threads_scale},
    {"c-parse", "OpenMP over the files does the same: libxml2 or expat at least 0.85 P at P workers",
     c_openmp_scales},
    {"c-parse", "SAX reads faster than DOM: on one thread expat parses at least 1.5x the MB/s of "
                "libxml2 building a tree", sax_faster_than_dom},
    {"split", "As whole files, the largest file caps the speedup: at P workers at most 1.1x total / "
              "largest", largest_file_caps},
    {"split", "Cut at their records first, the same bytes scale: at least 0.75 P at P workers, the "
              "cut included", pieces_scale},
    {"python", "lxml with a parser per thread scales on threads: at least 0.75 P at P workers "
               "(1.5x on 2 CPUs); it releases the GIL while libxml2 parses", lxml_threads_scale},
    {"python", "ElementTree on threads does not: at most 1.2x at P workers (it holds the GIL while "
               "it parses)", etree_threads_do_not},
    {"python", "lxml's iterparse on threads does not either: at most 1.2x (a Python step, with the "
               "GIL, for every element)", iterparse_does_not},
    {"python", "One lxml parser shared by all threads makes them take turns: at most 1.2x",
     shared_parser_serialises},
    {"python", "Processes speed ElementTree up where threads cannot: at least 0.6 P at P workers, "
               "pool start-up included", processes_scale_etree},
    {"python", "Sending parsed trees back from the pool costs: at least 1.2x the time of sending "
               "back what was read from them", trees_cost},
    {"python", "C sits above: expat called from C reads at least 1.5x the MB/s of ElementTree "
               "(the same expat, building Python objects), one thread each", c_beats_etree},
    {NULL, NULL, NULL},
};
