/* labs/cluster/cluster_claims.c: what the cluster lesson claims, as checks over a summary.
 * parlab report judges them on saved results; the lab prints them after each experiment.
 * Each holds on any common machine with the places it measured, or says why it cannot
 * tell (a place not measured, one CPU, a busy machine, an interval on both sides). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "fit.h"

/* Points that want no CPU by the harness's count (waiting ranks, empty tasks) still need
 * some: MPI ranks poll inside their collectives, Dask's scheduler and workers run Python
 * for every task. wanted: the CPUs they need; busy when other programs left them fewer. */
static bool busy(struct claim_out *o, const struct report_lab *l, const struct sumrow *r, double wanted,
                 const char *what)
{
    const struct sumrow *x;
    double u = l->usable > 0 ? l->usable : 1;
    if (!r || !(x = report_row(l, r->experiment, r->variant, r->workers, r->param, "other_cores")))
        return false;
    if (x->median > 0.25 && x->median > u - fmin(wanted, u) + 0.25) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "%s: the machine was busy: other programs used %.2f CPUs meanwhile",
                      what, x->median);
        return true;
    }
    return false;
}

static const struct sumrow *lat8(const struct report_lab *l, const char *variant)
{
    return report_row(l, "pingpong", variant, 2, "bytes=8", "latency_us");
}

/* pingpong: vader's 8 bytes under 5 us one way, and at least twice as fast as TCP on
 * loopback. Two ranks spin while they wait: on one CPU they take turns by time slices,
 * so it needs 2. */
static void judge_shm_fastest(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *shm = lat8(l, "shm"), *tcp = lat8(l, "tcp");
    struct claim_out a = {0}, b = {0};
    if (!claim_needs_cpus(o, l, 2))
        return;
    if (!shm || !tcp) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "8-byte latency over shm and tcp not both measured");
        return;
    }
    claim_at_most(&a, l, shm, 5, "shm (vader), 8 B one way");
    claim_ratio_at_least(&b, l, tcp, shm, 2, "tcp (loopback) / shm, 8 B");
    claim_merge(o, &a, 1);
    claim_merge(o, &b, 0);
}

/* pingpong: a link capped at M Mbit/s carries M/8 MB/s (within 30%) for 1 MiB messages. */
static void judge_cap(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *r = NULL;
    struct claim_out a = {0}, b = {0};
    double cap, want;
    for (int i = 0; i < l->nrows && !r; i++)
        if (!strcmp(l->rows[i].experiment, "pingpong") && !strcmp(l->rows[i].variant, "netns-capped") &&
            !strcmp(l->rows[i].metric, "bandwidth_mb_s") &&
            !strncmp(l->rows[i].param, "bytes=1048576;cap_mbit=", 23))
            r = &l->rows[i];
    if (!r || !((cap = atof(r->param + 23)) > 0)) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "no capped link measured at 1 MiB (it needs the namespace "
                                              "hosts: root, --netns 1, --cap-mbit > 0)");
        return;
    }
    want = cap / 8;
    claim_at_least(&a, l, r, 0.7 * want, "netns-capped at %g Mbit/s (%.1f MB/s), 1 MiB", cap, want);
    claim_at_most(&b, l, r, 1.3 * want, "netns-capped, 1 MiB");
    b.numbers[0] = '\0'; /* the same row: say it once */
    claim_merge(o, &a, 1);
    claim_merge(o, &b, 0);
}

/* pingpong: the ranks on the namespace hosts report 2 hostnames or more: each host has
 * its own (a UTS namespace), though they all run on this machine. */
static void judge_hosts(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *r = NULL;
    for (int i = 0; i < l->nrows && !r; i++)
        if (!strcmp(l->rows[i].experiment, "pingpong") && !strcmp(l->rows[i].variant, "netns") &&
            !strcmp(l->rows[i].metric, "hosts"))
            r = &l->rows[i];
    if (!r) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "the namespace hosts did not run (see the run's skip lines)");
        return;
    }
    /* a count, the same whatever else the machine was doing: every repetition must see 2 */
    claim_note(o, "distinct hostnames the 2 netns ranks report: %g to %g in %d repetition%s", r->min, r->max, r->n,
               r->n == 1 ? "" : "s");
    if (r->min >= 2)
        claim_verdict(o, VERDICT_HOLDS, NULL);
    else
        claim_verdict(o, VERDICT_FAILS, "a repetition saw %g hostname%s: the ranks shared a host", r->min,
                      r->min == 1 ? "" : "s");
}

/* pingpong: Python costs: 8 B with mpi4py buffers take 1.5x C's time at least, pickled
 * objects 1.2x the buffers' at least. */
static void judge_mpi4py(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *c = lat8(l, "shm"), *buf = lat8(l, "mpi4py-buffers"), *pk = lat8(l, "mpi4py-pickle");
    struct claim_out a = {0}, b = {0};
    if (!claim_needs_cpus(o, l, 2))
        return;
    if (!c || !buf || !pk) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "8-byte latency in C and mpi4py not all measured");
        return;
    }
    claim_ratio_at_least(&a, l, buf, c, 1.5, "mpi4py buffers / C, 8 B over shm");
    claim_ratio_at_least(&b, l, pk, buf, 1.2, "mpi4py pickled / buffers, 8 B");
    claim_merge(o, &a, 1);
    claim_merge(o, &b, 0);
}

/* The most ranks an amdahl variant measured (any, or within the usable CPUs). */
static int top_ranks(const struct report_lab *l, const char *variant, int within)
{
    int p = 0;
    for (int i = 0; i < l->nrows; i++) {
        const struct sumrow *r = &l->rows[i];
        if (!strcmp(r->experiment, "amdahl") && !strcmp(r->variant, variant) && !strcmp(r->metric, "speedup") &&
            r->workers > p && (!within || !l->usable || r->workers <= l->usable))
            p = r->workers;
    }
    return p;
}

static double serial_of(const struct report_lab *l)
{
    for (int i = 0; i < l->nrows; i++)
        if (!strcmp(l->rows[i].experiment, "amdahl") && !strncmp(l->rows[i].param, "serial=", 7))
            return atof(l->rows[i].param + 7);
    return NAN;
}

/* amdahl: waiting ranks need no CPU, so up to 8 of them follow Amdahl within 10%. */
static void judge_sleep(const struct report_lab *l, struct claim_out *o)
{
    int p = top_ranks(l, "mpi-sleep", 0);
    double s = serial_of(l), pred;
    const struct sumrow *r;
    struct claim_out a = {0}, b = {0};
    if (p < 2 || isnan(s)) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "the sleep form ran on fewer than 2 ranks");
        return;
    }
    pred = amdahl_speedup(s, p);
    r = report_row(l, "amdahl", "mpi-sleep", p, NULL, "speedup");
    /* the ranks sleep, but poll in the broadcast and the reduction: one CPU's worth */
    if (busy(o, l, r, 1, "the sleeping ranks"))
        return;
    claim_at_least(&a, l, r, 0.9 * pred, "%d sleeping ranks, s=%.2f (Amdahl: %.2fx)", p, s, pred);
    claim_at_most(&b, l, r, 1.1 * pred, "%d sleeping ranks", p);
    b.numbers[0] = '\0';
    claim_merge(o, &a, 1);
    claim_merge(o, &b, 0);
}

/* amdahl: on P CPUs the MPI spin job reaches 85% of Amdahl's prediction, as threads do. */
static void judge_spin(const struct report_lab *l, struct claim_out *o)
{
    int p = top_ranks(l, "mpi-spin", 1);
    double s = serial_of(l), pred;
    if (!claim_needs_cpus(o, l, 2))
        return;
    if (p < 2 || isnan(s)) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "the spin form ran on fewer than 2 ranks");
        return;
    }
    pred = amdahl_speedup(s, p);
    claim_at_least(o, l, report_row(l, "amdahl", "mpi-spin", p, NULL, "speedup"), 0.85 * pred,
                   "%d ranks on %d CPUs, s=%.2f (Amdahl: %.2fx)", p, l->usable, s, pred);
}

/* halo: at the finest grain, 2 ranks over shared memory keep at least 1.5x the
 * efficiency they keep over the slowest link measured (capped, else netns, else tcp). */
static void judge_halo(const struct report_lab *l, struct claim_out *o)
{
    static const char *const slow[] = {"netns-capped", "netns", "tcp"};
    const struct sumrow *fast = NULL, *r = NULL;
    double grain = INFINITY;
    char param[128] = "";
    /* the finest grain measured with strong scaling */
    for (int i = 0; i < l->nrows; i++) {
        const struct sumrow *x = &l->rows[i];
        if (!strcmp(x->experiment, "halo") && strstr(x->param, "scaling=strong") &&
            !strncmp(x->param, "grain_us=", 9) && atof(x->param + 9) < grain) {
            grain = atof(x->param + 9);
            snprintf(param, sizeof(param), "%s", x->param);
        }
    }
    if (param[0])
        fast = report_row(l, "halo", "shm", 2, param, "efficiency");
    for (size_t k = 0; k < ARRAY_SIZE(slow) && fast && !r; k++)
        r = report_row(l, "halo", slow[k], 2, param, "efficiency");
    if (!fast || !r) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "halo on 2 ranks not measured over shm and a slower place");
        return;
    }
    claim_ratio_at_least(o, l, fast, r, 1.5, "efficiency on 2 ranks, %g us a step: shm / %s", grain, r->variant);
}

/* tasks: a Dask task costs more than a process pool's, and under 20 ms. */
static void judge_dask(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *d = NULL, *p = NULL;
    struct claim_out a = {0}, b = {0};
    for (int i = 0; i < l->nrows; i++) {
        const struct sumrow *x = &l->rows[i];
        if (strcmp(x->experiment, "tasks") || strcmp(x->param, "task_us=0") || strcmp(x->metric, "us_per_task"))
            continue;
        if (!strcmp(x->variant, "dask-local"))
            d = x;
        else if (!strcmp(x->variant, "process-pool"))
            p = x;
    }
    if (!d || !p) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "empty tasks not measured on both Dask and a process pool");
        return;
    }
    /* Dask's scheduler, its workers and the client are busy Python processes */
    if (busy(o, l, d, 2, "dask-local, an empty task"))
        return;
    claim_ratio_at_least(&a, l, d, p, 1.0, "dask-local / process-pool, an empty task");
    claim_at_most(&b, l, d, 20000, "dask-local, an empty task");
    claim_merge(o, &a, 1);
    claim_merge(o, &b, 0);
}

/* oversubscribe: on twice as many ranks as CPUs, spinning waits cost at least 10x what
 * yielding ones do. */
static void judge_oversub(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *spin = NULL, *yld = NULL;
    for (int i = 0; i < l->nrows; i++) {
        const struct sumrow *x = &l->rows[i];
        if (strcmp(x->experiment, "oversubscribe") || strcmp(x->metric, "allreduce_us") ||
            (l->usable && x->workers <= l->usable))
            continue;
        if (!strcmp(x->variant, "spin"))
            spin = x;
        else if (!strcmp(x->variant, "yield"))
            yld = x;
    }
    if (!spin || !yld || spin->workers != yld->workers) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "the oversubscribed allreduce not measured both ways");
        return;
    }
    claim_ratio_at_least(o, l, spin, yld, 10, "allreduce on %d ranks: spinning / yielding", spin->workers);
}

/* demo: on stage, P ranks computing (rounds of CPU work and an allreduce after each) do
 * at least 0.75 P times the work a second of one rank. */
static void judge_demo(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *one, *all;
    int p = report_demo_phases(l, o, "one-rank", "all-ranks", "units_per_s", &one, &all);
    if (p)
        claim_ratio_at_least(o, l, all, one, 0.75 * p, "%d ranks / one rank, work a second", p);
}

const struct lab_claim cluster_claims[] = {
    {"pingpong", "Shared memory is the fastest path between ranks: 8 bytes over vader take under 5 us one "
                 "way, less than half of what TCP on loopback takes", judge_shm_fastest},
    {"pingpong", "A link capped at 1 Gbit/s carries 125 MB/s (within 30%) for 1 MiB messages: the cap, not "
                 "the software, sets big messages' pace", judge_cap},
    {"pingpong", "On the namespace hosts the two ranks report two hostnames, one a host, though both run on "
                 "this one machine", judge_hosts},
    {"pingpong", "Python costs per message: 8 bytes through mpi4py's buffers take at least 1.5x C's time, "
                 "pickled objects 1.2x the buffers'", judge_mpi4py},
    {"amdahl", "Ranks that wait for their work follow Amdahl's law within 10% up to 8 ranks, on any "
               "machine", judge_sleep},
    {"amdahl", "On P CPUs, P ranks doing CPU work reach at least 85% of Amdahl's prediction, broadcast and "
               "reduction included", judge_spin},
    {"halo", "The network bends the curve: with a fine grain, 2 ranks keep at least 1.5x the efficiency "
             "over shared memory that they keep over a slower link", judge_halo},
    {"tasks", "A Dask task costs more than a process pool's, and less than 20 ms", judge_dask},
    {"oversubscribe", "With more busy-polling ranks than CPUs, an allreduce without yield-when-idle takes "
                      "at least 10x as long as with it", judge_oversub},
    {"demo", "On stage, P ranks computing do at least 0.75 P times the work a second of one rank",
     judge_demo},
    {NULL, NULL, NULL},
};
