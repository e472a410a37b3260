/* labs/stream/stream_claims.c: what the stream lesson claims, as checks over a summary.
 * parlab report judges them on saved results; the lab prints them after each experiment.
 * Each holds on any common machine, or says why it cannot tell (one usable CPU, a busy
 * machine, an interval across the threshold). The failover claims are counts, not
 * timings: they hold exactly, on any machine, busy or not. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"

/* The most workers with a row of (experiment, variant, param, metric), usable CPUs or
 * not (waiting workers are not limited by them). */
static int most_workers(const struct report_lab *l, const char *experiment, const char *variant,
                        const char *param, const char *metric)
{
    int w = 0;
    for (int i = 0; i < l->nrows; i++) {
        const struct sumrow *r = &l->rows[i];
        if (!strcmp(r->experiment, experiment) && !strcmp(r->variant, variant) &&
            (!param || !strcmp(r->param, param)) && !strcmp(r->metric, metric) && r->workers > w)
            w = r->workers;
    }
    return w;
}

/* "other programs used N CPUs while it ran": a point whose work waits has no flags. */
static int point_busy(const struct report_lab *l, const struct sumrow *r)
{
    const struct sumrow *o = r ? report_row(l, r->experiment, r->variant, r->workers, r->param,
                                            "other_cores") : NULL;
    return o && o->median > 0.5;
}

/* ---- throughput ---------------------------------------------------------------------------- */

static void judge_pipelining(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *pl = report_row(l, "throughput", "pipelined", 1, NULL, "msgs_per_s");
    const struct sumrow *rt = report_row(l, "throughput", "round-trip", 1, NULL, "msgs_per_s");
    claim_ratio_at_least(o, l, pl, rt, 2.0, "pipelined producer / one XADD a round trip, messages/s");
}

/* speedup of the consumers at work w_us at the most consumers within the usable CPUs */
static const struct sumrow *consumers_top(const struct report_lab *l, int work_us, int *p)
{
    char param[32];
    snprintf(param, sizeof(param), "work_us=%d", work_us);
    *p = report_top_workers(l, "throughput", "consumers", param, "speedup", 2);
    return *p ? report_row(l, "throughput", "consumers", *p, param, "speedup") : NULL;
}

static void judge_broker_bound(const struct report_lab *l, struct claim_out *o)
{
    int p, q;
    const struct sumrow *none, *work;
    if (!claim_needs_cpus(o, l, 2))
        return;
    none = consumers_top(l, 0, &p);
    work = consumers_top(l, 50, &q);
    if (!none || !work || p != q) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "the consumers were not measured with and without work "
                                              "at 2 or more consumers");
        return;
    }
    /* the same consumers gain clearly less when the broker does most of the work */
    claim_ratio_at_least(o, l, work, none, 1.2, "speedup at %d consumers, 50 us of work / no work", p);
}

static void judge_work_scales(const struct report_lab *l, struct claim_out *o)
{
    int p;
    const struct sumrow *r;
    if (!claim_needs_cpus(o, l, 2))
        return;
    if (!(r = consumers_top(l, 50, &p))) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "no consumers with 50 us of work at 2 or more consumers");
        return;
    }
    claim_at_least(o, l, r, 0.8 * p, "%d consumers with 50 us of work a message", p);
}

static void judge_past_cores(const struct report_lab *l, struct claim_out *o)
{
    int p, over = most_workers(l, "throughput", "consumers", "work_us=50", "speedup");
    const struct sumrow *at_p, *past;
    if (!claim_needs_cpus(o, l, 1))
        return;
    at_p = consumers_top(l, 50, &p);
    if (!p)
        p = 1, at_p = report_row(l, "throughput", "consumers", 1, "work_us=50", "speedup");
    if (!at_p || over <= l->usable || l->usable <= 0) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "no point with more consumers than the %d usable CPUs "
                                              "(add one with --workers)", l->usable);
        return;
    }
    past = report_row(l, "throughput", "consumers", over, "work_us=50", "speedup");
    claim_ratio_at_least(o, l, at_p, past, 1 / 1.15, "speedup at %d consumers / at %d (on %d CPUs)", p,
                         over, l->usable);
}

/* ---- gil ----------------------------------------------------------------------------------- */

static void judge_threads(const struct report_lab *l, struct claim_out *o)
{
    int p = report_top_workers(l, "gil", "threads-cpu", NULL, "speedup", 2);
    if (!claim_needs_cpus(o, l, 2))
        return;
    if (!p) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "no Python threads measured at 2 or more consumers");
        return;
    }
    claim_at_most(o, l, report_row(l, "gil", "threads-cpu", p, NULL, "speedup"), 1.2,
                  "%d Python threads, CPU work", p);
}

static void judge_processes(const struct report_lab *l, struct claim_out *o)
{
    int p = report_top_workers(l, "gil", "processes-cpu", NULL, "speedup", 2);
    if (!claim_needs_cpus(o, l, 2))
        return;
    if (!p) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "no Python processes measured at 2 or more consumers");
        return;
    }
    claim_at_least(o, l, report_row(l, "gil", "processes-cpu", p, NULL, "speedup"), 0.75 * p,
                   "%d Python processes, CPU work", p);
}

static void judge_io_threads(const struct report_lab *l, struct claim_out *o)
{
    int w = most_workers(l, "gil", "threads-io", NULL, "speedup");
    const struct sumrow *r = w >= 2 ? report_row(l, "gil", "threads-io", w, NULL, "speedup") : NULL;
    /* The waits overlap on any number of CPUs, but each message also costs the consumer
     * and the broker some CPU: on one CPU those take turns with each other, and that
     * share, not the waiting, sets the pace (1 CPU: 4 threads 2.2x, a 2-vCPU VM) */
    if (!claim_needs_cpus(o, l, 2))
        return;
    if (!r) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "no waiting Python threads measured at 2 or more consumers");
        return;
    }
    if (point_busy(l, r)) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "other programs kept the CPUs busy while it ran");
        return;
    }
    claim_at_least(o, l, r, 0.6 * w, "%d Python threads whose work waits", w);
}

/* ---- lag ----------------------------------------------------------------------------------- */

static void judge_lag_grows(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *g = report_row(l, "lag", "add-consumer", 2, NULL, "growth_per_s");
    const struct sumrow *pred = report_row(l, "lag", "add-consumer", 2, NULL, "predicted_growth_per_s");
    if (!g || !pred) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "the lag experiment recorded no growth");
        return;
    }
    claim_at_least(o, l, g, 0.5 * pred->median, "backlog growth while overloaded (rate - capacity: "
                                                "%.0f/s)", pred->median);
}

/* The drain needs both CPUs for the two consumers: other programs that took one meanwhile
 * (other_cores_draining, per repetition) make it slow or stop it, through no fault of
 * the stream. */
static void judge_lag_drains(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *d = report_row(l, "lag", "add-consumer", 2, NULL, "drain_s");
    const struct sumrow *pred = report_row(l, "lag", "add-consumer", 2, NULL, "predicted_drain_s");
    const struct sumrow *other = report_row(l, "lag", "add-consumer", 2, NULL, "other_cores_draining");
    if (!claim_needs_cpus(o, l, 2))
        return;
    if (!pred) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "no drain to time: no repetition built a backlog (the "
                                              "one consumer kept up), or two consumers could not "
                                              "outrun the producer");
        return;
    }
    if (other && other->max > 0.3) {
        if (d)
            claim_note(o, "time to drain %.3f s [%.3f, %.3f] (predicted %.3f s)", d->median, d->ci_lo,
                       d->ci_hi, pred->median);
        claim_verdict(o, VERDICT_CANNOT_TELL, "other programs used up to %.2f CPUs while the consumers "
                                              "drained the backlog: they need both", other->max);
        return;
    }
    if (!d || d->n < pred->n) {
        claim_verdict(o, VERDICT_FAILS, "the backlog did not drain in %d of %d repetitions",
                      pred->n - (d ? d->n : 0), pred->n);
        return;
    }
    claim_at_most(o, l, d, 3 * pred->median, "time to drain (backlog / (2 x capacity - rate): %.3f s)",
                  pred->median);
}

/* ---- failover: counts, exact ------------------------------------------------------------------ */

static void judge_none_lost(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *lost = report_row(l, "failover", "xautoclaim", STREAM_FAILOVER_CONSUMERS, NULL, "lost");
    const struct sumrow *prod = report_row(l, "failover", "xautoclaim", STREAM_FAILOVER_CONSUMERS, NULL, "produced");
    const struct sumrow *once = report_row(l, "failover", "xautoclaim", STREAM_FAILOVER_CONSUMERS, NULL,
                                           "processed_once_or_more");
    if (!lost || !prod || !once) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "the failover counts are missing");
        return;
    }
    claim_note(o, "%d repetitions: %.0f messages produced, %.0f to %.0f processed at least once, "
                  "%.0f to %.0f lost", lost->n, prod->median, once->min, once->max, lost->min, lost->max);
    if (lost->min == 0 && lost->max == 0 && once->min == prod->max)
        claim_verdict(o, VERDICT_HOLDS, NULL);
    else
        claim_verdict(o, VERDICT_FAILS, "a message was lost in at least one repetition");
}

static void judge_duplicates(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *un = report_row(l, "failover", "xautoclaim", STREAM_FAILOVER_CONSUMERS, NULL,
                                         "unexplained_duplicates");
    const struct sumrow *dup = report_row(l, "failover", "xautoclaim", STREAM_FAILOVER_CONSUMERS, NULL, "duplicates");
    const struct sumrow *kil = report_row(l, "failover", "xautoclaim", STREAM_FAILOVER_CONSUMERS, NULL,
                                          "killed_unacked");
    const struct sumrow *live = report_row(l, "failover", "xautoclaim", STREAM_FAILOVER_CONSUMERS, NULL,
                                           "taken_from_live");
    if (!un || !dup || !kil) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "the failover counts are missing");
        return;
    }
    claim_note(o, "duplicates %.0f to %.0f a run: the killed consumer's unacknowledged %.0f to %.0f, "
                  "taken from a live consumer %.0f to %.0f; unexplained %.0f to %.0f",
               dup->min, dup->max, kil->min, kil->max, live ? live->min : 0, live ? live->max : 0, un->min,
               un->max);
    if (un->min != 0 || un->max != 0)
        claim_verdict(o, VERDICT_FAILS, "some duplicates are not explained by the kill or a takeover");
    else if (kil->min <= 0)
        claim_verdict(o, VERDICT_CANNOT_TELL, "the consumer was killed before it processed anything "
                                              "unacknowledged (more --failover-messages)");
    else
        claim_verdict(o, VERDICT_HOLDS, NULL);
}

/* ---- partitions ------------------------------------------------------------------------------ */

static void judge_one_partition(const struct report_lab *l, struct claim_out *o)
{
    const char *param = "partitions=1;work_us=50";
    int p = report_top_workers(l, "partitions", "partitioned", param, "speedup", 2);
    const struct sumrow *r, *idle;
    if (!claim_needs_cpus(o, l, 2))
        return;
    if (!p || !(r = report_row(l, "partitions", "partitioned", p, param, "speedup"))) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "one partition was not measured with 2 or more consumers");
        return;
    }
    idle = report_row(l, "partitions", "partitioned", p, param, "idle_consumers");
    claim_at_most(o, l, r, 1.15, "%d consumers on 1 partition", p);
    if (idle && idle->max != p - 1) {
        struct claim_out part = {0};
        claim_verdict(&part, VERDICT_FAILS, "%.0f consumers sat idle, not %d", idle->max, p - 1);
        claim_merge(o, &part, 0);
    }
}

static void judge_min_k(const struct report_lab *l, struct claim_out *o)
{
    int judged = 0;
    if (!claim_needs_cpus(o, l, 2))
        return;
    for (int v = 0; v <= STREAM_NPARTS; v++) {
        char param[40];
        const char *variant = v < STREAM_NPARTS ? "partitioned" : "shared";
        int p, k;
        struct claim_out part = {0};
        if (v < STREAM_NPARTS)
            snprintf(param, sizeof(param), "partitions=%d;work_us=50", stream_parts[v]);
        else
            snprintf(param, sizeof(param), "work_us=50");
        if (!(p = report_top_workers(l, "partitions", variant, param, "speedup", 2)))
            continue;
        k = v < STREAM_NPARTS ? (stream_parts[v] < p ? stream_parts[v] : p) : p;
        if (k < 2)
            continue; /* one partition: the claim above */
        claim_at_least(&part, l, report_row(l, "partitions", variant, p, param, "speedup"), 0.75 * k,
                       "%d consumers on %s (min(K, consumers) = %d)", p,
                       v < STREAM_NPARTS ? param : "one shared stream", k);
        claim_merge(o, &part, judged++ == 0);
    }
    if (!judged)
        claim_verdict(o, VERDICT_CANNOT_TELL, "no setting with 2 or more partitions and consumers");
}

/* ---- demo ------------------------------------------------------------------------------------- */

static void judge_demo(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *one, *all;
    int p = report_demo_phases(l, o, "one-consumer", "all-consumers", "msgs_per_s", &one, &all);
    if (p)
        claim_ratio_at_least(o, l, all, one, 0.75 * p, "%d consumers / one consumer, messages/s", p);
}

const struct lab_claim stream_claims[] = {
    {"throughput", "Pipelining pays: the producer sends at least 2x as many messages a second "
                   "pipelined as with one XADD a round trip", judge_pipelining},
    {"throughput", "With no work a message, the broker is the bottleneck: P consumers gain clearly "
                   "less (at least 1.2x less) than when each message costs 50 us of CPU", judge_broker_bound},
    {"throughput", "When the work dominates (50 us of CPU a message), P consumers on P CPUs take at "
                   "least 0.8 P times what one consumer takes", judge_work_scales},
    {"throughput", "Past the cores it is flat again: more consumers than CPUs take no more than "
                   "15% more than P consumers", judge_past_cores},
    {"gil", "Python threads do not speed up a consumer whose work computes: P threads take at most "
            "1.2x what one takes", judge_threads},
    {"gil", "Python processes do: P processes take at least 0.75 P times what one takes", judge_processes},
    {"gil", "When the work waits (I/O), Python threads scale too: N threads take at least 0.6 N "
            "times what one takes", judge_io_threads},
    {"lag", "While the producer outruns the consumers, the backlog grows by at least half of "
            "(rate - capacity) every second", judge_lag_grows},
    {"lag", "A second consumer (on a second CPU) drains the backlog, within 3x of backlog / "
            "(2 x capacity - rate)", judge_lag_drains},
    {"failover", "At least once: with a consumer killed mid-batch, every message is still processed, "
                 "none lost, in every repetition", judge_none_lost},
    {"failover", "Duplicates are real and counted exactly: the killed consumer's unacknowledged "
                 "messages, plus any taken over from a consumer slower than the idle time", judge_duplicates},
    {"partitions", "A partition feeds one consumer of a group: on 1 partition, P consumers take at "
                   "most 1.15x what one takes, and P - 1 sit idle", judge_one_partition},
    {"partitions", "On K partitions (or one shared stream), P consumers take at least 0.75 min(K, P) "
                   "times what one takes", judge_min_k},
    {"demo", "On stage, P consumers with 50 us of work a message take at least 0.75 P times the "
             "messages a second of one", judge_demo},
    {NULL, NULL, NULL},
};
