/* labs/sync/sync_c2c.c: the sync lab's two latency experiments: how long one thread
 * takes to wake another (handoff), and how long a cache line takes to travel from one
 * core to another (c2c). Both are ping-pongs between two threads pinned to two
 * different CPUs: a round trip is two one-way trips. */
#include "sync.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "work.h"

/* ---- a ping-pong's samples ----------------------------------------------------------------- */

/* CPU seconds of this thread (ping) and of pong, from their thread CPU clocks: exact even
 * while pong runs on the other CPU (the process-wide clock would see pong's time only at
 * its next scheduler tick: nothing, in a 1 ms sample). */
static double pair_cpu_s(clockid_t pong)
{
    struct timespec a, b;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
    clock_gettime(pong, &b);
    return (double)(a.tv_sec + b.tv_sec) + (double)(a.tv_nsec + b.tv_nsec) * 1e-9;
}

/* The repetitions of one ping-pong point: per rep, metric = seconds * scale / iters, and
 * the CPUs' worth ping and pong got meanwhile (2 when both had a CPU throughout). */
static int pingpong_sample(struct lab_ctx *ctx, const struct point *pt,
                           const struct harness_work *work, uint64_t iters, pthread_t pong,
                           const char *metric, const char *unit, double scale)
{
    clockid_t clk;
    if (pthread_getcpuclockid(pong, &clk) != 0)
        die("cannot read the CPU clock of a thread");
    for (int rep; harness_next_rep(ctx, &rep);) {
        double c0 = pair_cpu_s(clk), t = harness_time(work, iters), c1 = pair_cpu_s(clk);
        if (rep == 0)
            continue; /* the warm-up */
        results_add(ctx->res, pt, rep, metric, t * scale / (double)iters, unit);
        if (t > 0)
            results_add(ctx->res, pt, rep, "cpu_cores", (c1 - c0) / t, "cores");
    }
    return harness_interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
}

/* ---- experiment 4: handoff ------------------------------------------------------------------ */

/* Two threads pass a turn back and forth: ping sets turn = 1 and wakes pong, pong sets
 * turn = 0 and wakes ping. A round trip is two handoffs, so one-way = round trip / 2.
 * condvar and futex sleep in the kernel while they wait; spin burns its CPU.
 *
 * The two threads are always pinned to two different CPUs. Left to the scheduler, two
 * spinners may share one CPU: each then spins until it yields (SYNC_SPIN_LIMIT) or its
 * time slice ends before the other can answer, and "spinning" measures the scheduler. */
enum { HO_CONDVAR, HO_FUTEX, HO_SPIN, HO_N };
static const char *const handoff_names[HO_N] = {"condvar", "futex", "spin"};

struct handoff {
    int kind;
    const struct topo *topo;
    atomic_int turn; /* 0: ping's turn, 1: pong's turn */
    atomic_int stop;
    pthread_mutex_t mutex; /* condvar: protects cturn */
    pthread_cond_t cond;
    int cturn;
};

/* Give the turn to the other thread (`to`), and wake it if it sleeps. */
static void handoff_give(struct handoff *h, int to)
{
    switch (h->kind) {
    case HO_CONDVAR:
        pthread_mutex_lock(&h->mutex);
        h->cturn = to;
        pthread_cond_signal(&h->cond);
        pthread_mutex_unlock(&h->mutex);
        break;
    case HO_FUTEX: /* what a condvar does underneath: set the word, ask the kernel to wake */
        atomic_store(&h->turn, to);
        sync_futex_wake(&h->turn, 1);
        break;
    default:
        atomic_store(&h->turn, to);
        break;
    }
}

/* Wait until the turn is ours (`me`): asleep in the kernel, or spinning. */
static void handoff_wait(struct handoff *h, int me)
{
    unsigned spins = 0;
    switch (h->kind) {
    case HO_CONDVAR:
        pthread_mutex_lock(&h->mutex);
        while (h->cturn != me)
            pthread_cond_wait(&h->cond, &h->mutex);
        pthread_mutex_unlock(&h->mutex);
        break;
    case HO_FUTEX: /* sleeps only while the word still says "not yours" (no lost wake-up) */
        while (atomic_load(&h->turn) != me)
            sync_futex_wait(&h->turn, !me);
        break;
    default:
        while (atomic_load(&h->turn) != me)
            sync_relax(&spins);
        break;
    }
}

static void *handoff_pong(void *p)
{
    struct handoff *h = p;
    topo_pin_thread(h->topo, 1); /* the second usable CPU; ping is on the first */
    for (;;) {
        handoff_wait(h, 1);
        if (atomic_load(&h->stop))
            return NULL;
        handoff_give(h, 0);
    }
}

/* iters round trips, from ping's side: the work the harness times. */
static void handoff_fn(void *arg, uint64_t iters)
{
    struct handoff *h = arg;
    for (uint64_t i = 0; i < iters; i++) {
        handoff_give(h, 1);
        handoff_wait(h, 0);
    }
}

static int handoff_point(struct lab_ctx *ctx, const struct point *pt, int kind)
{
    struct handoff h = {.kind = kind, .topo = ctx->topo, .cturn = 0};
    struct harness_work work = {.run = handoff_fn, .arg = &h};
    struct affinity saved;
    pthread_t pong;
    uint64_t n;
    int rc;
    atomic_init(&h.turn, 0);
    atomic_init(&h.stop, 0);
    pthread_mutex_init(&h.mutex, NULL);
    pthread_cond_init(&h.cond, NULL);
    affinity_save(&saved);
    topo_pin_thread(ctx->topo, 0); /* ping: this thread, on the first usable CPU */
    if (pthread_create(&pong, NULL, handoff_pong, &h) != 0)
        die("cannot create a thread");
    harness_point(ctx, pt);
    handoff_fn(&h, 1); /* one round trip first: pong is running, on its CPU */
    n = harness_calibrate(&work, sync_sample_s(ctx), 1, 0);
    rc = pingpong_sample(ctx, pt, &work, n, pong, "us", "us", 1e6 / 2);
    /* stop pong: raise the flag, then give it the turn */
    atomic_store(&h.stop, 1);
    handoff_give(&h, 1);
    pthread_join(pong, NULL);
    pthread_mutex_destroy(&h.mutex);
    pthread_cond_destroy(&h.cond);
    affinity_restore(&saved);
    if (rc == EXIT_OK)
        harness_print(ctx, pt, "us");
    return rc;
}

int sync_handoff_points(const struct lab_ctx *ctx)
{
    (void)ctx;
    return HO_N;
}

int sync_handoff(struct lab_ctx *ctx)
{
    struct point pts[HO_N];
    printf("\n== handoff: one-way wake-up latency between two threads pinned to two CPUs, us "
           "(round trip / 2)\n");
    for (int v = 0; v < HO_N; v++) {
        /* the sleepers mostly wait (0: not judged on their CPU); the spinners use both */
        pts[v] = (struct point){"handoff", handoff_names[v], 2, "", v == HO_SPIN ? 2 : 0};
        if (ctx->topo->usable < 2) {
            harness_skip(ctx, &pts[v], "1 usable CPU: the two threads need two CPUs at once");
            continue;
        }
        if (handoff_point(ctx, &pts[v], v) != EXIT_OK)
            return EXIT_INTERRUPTED;
    }
    if (ctx->topo->usable >= 2) {
        sync_print_ratio(ctx, "waking through a condvar", &pts[HO_CONDVAR], "handing to a spinner",
                         &pts[HO_SPIN], "us", 0);
        sync_print_ratio(ctx, "waking through a bare futex", &pts[HO_FUTEX], "through a condvar",
                         &pts[HO_CONDVAR], "us", 0);
    }
    return EXIT_OK;
}

/* ---- experiment 6: c2c, core-to-core latency ------------------------------------------------ */

/* Two threads pinned to CPUs a and b share one word. Ping writes an odd number, pong
 * sees it and writes the next even number, ping sees that: a round trip is two cache-
 * line transfers, so one-way latency = round trip / 2. The same idea as c2clat and
 * core-to-core-latency (docs/reference-numbers.md, Synchronization): the number is what
 * every contended lock, atomic and barrier pays per transfer, and it depends on where
 * the two cores sit (sharing a last-level cache or not, same socket or not). */
struct c2c {
    const struct topo *topo;
    int idx_b; /* pong's CPU, as an index into topo->cpus */
    _Alignas(64) atomic_ulong seq;
    _Alignas(64) atomic_int stop;
};

static void *c2c_pong(void *p)
{
    struct c2c *c = p;
    unsigned spins = 0;
    topo_pin_thread(c->topo, c->idx_b);
    for (;;) {
        unsigned long v = atomic_load_explicit(&c->seq, memory_order_acquire);
        if (v & 1) {
            atomic_store_explicit(&c->seq, v + 1, memory_order_release);
            spins = 0;
        } else if (atomic_load_explicit(&c->stop, memory_order_relaxed)) {
            return NULL;
        } else {
            sync_relax(&spins);
        }
    }
}

static void c2c_fn(void *arg, uint64_t iters)
{
    struct c2c *c = arg;
    unsigned long v = atomic_load_explicit(&c->seq, memory_order_relaxed);
    for (uint64_t i = 0; i < iters; i++, v += 2) {
        unsigned spins = 0;
        atomic_store_explicit(&c->seq, v + 1, memory_order_release);
        while (atomic_load_explicit(&c->seq, memory_order_acquire) != v + 2)
            sync_relax(&spins);
    }
}

static const char *pair_param(char *buf, size_t size, const struct topo *t, int a, int b)
{
    return fmt_param(buf, size, "cpu_a=%d;cpu_b=%d", t->cpus[a], t->cpus[b]);
}

/* Measure the pair (cpus[a], cpus[b]): this thread pinned to a, pong to b. iters is
 * calibrated on the first pair and kept: every pair does the same work. */
static int c2c_pair(struct lab_ctx *ctx, int a, int b, uint64_t *iters, double target)
{
    char param[48];
    const struct topo *t = ctx->topo;
    struct point pt = {"c2c", "pingpong", 2, pair_param(param, sizeof(param), t, a, b), 2};
    struct c2c c = {.topo = t, .idx_b = b};
    struct harness_work work = {.run = c2c_fn, .arg = &c};
    struct affinity saved;
    pthread_t pong;
    int rc;
    atomic_init(&c.seq, 0);
    atomic_init(&c.stop, 0);
    affinity_save(&saved);
    topo_pin_thread(t, a);
    if (pthread_create(&pong, NULL, c2c_pong, &c) != 0)
        die("cannot create a thread");
    harness_point(ctx, &pt);
    c2c_fn(&c, 1); /* one round trip first: pong is running, on its CPU */
    if (!*iters)
        *iters = harness_calibrate(&work, target, 1, 0);
    rc = pingpong_sample(ctx, &pt, &work, *iters, pong, "one_way_ns", "ns", 1e9 / 2);
    atomic_store(&c.stop, 1);
    pthread_join(pong, NULL);
    affinity_restore(&saved);
    return rc;
}

int sync_c2c_cpus(const struct lab_ctx *ctx, int *step)
{
    int n = ctx->topo->naffinity;
    long max_pairs = (long)lab_opt(ctx, "pairs");
    *step = 1;
    while ((long)((n + *step - 1) / *step) * ((n + *step - 1) / *step - 1) / 2 > max_pairs)
        (*step)++;
    return (n + *step - 1) / *step;
}

int sync_c2c_points(const struct lab_ctx *ctx)
{
    int step, m = sync_c2c_cpus(ctx, &step);
    return ctx->topo->usable < 2 ? 1 : m * (m - 1) / 2;
}

int sync_c2c(struct lab_ctx *ctx)
{
    const struct topo *t = ctx->topo;
    int step, m = sync_c2c_cpus(ctx, &step), n = t->naffinity, pairs = m * (m - 1) / 2;
    int saved_reps = ctx->reps, rc = EXIT_OK, lo_a = 0, lo_b = 0, hi_a = 0, hi_b = 0, k = 0;
    double target = sync_sample_s(ctx), lo = INFINITY, hi = -INFINITY;
    double *med = xcalloc((size_t)pairs + 1, sizeof(double));
    uint64_t iters = 0;

    printf("\n== c2c: one-way core-to-core latency, ns (pinned ping-pong, round trip / 2)\n");
    if (t->usable < 2) {
        struct point pt = {"c2c", "pingpong", 2, "", 2};
        harness_skip(ctx, &pt, "1 usable CPU: a cache line needs two CPUs to travel between");
        free(med);
        return EXIT_OK;
    }
    if (step > 1)
        printf("   %d CPUs make %d pairs, more than --pairs %g: measuring every %d%s CPU "
               "(%d CPUs, %d pairs)\n", n, n * (n - 1) / 2, lab_opt(ctx, "pairs"), step,
               step == 2 ? "nd" : step == 3 ? "rd" : "th", m, pairs);
    /* A pair's latency is steady: with many pairs, 5 repetitions of >= 0.5 ms each are
     * plenty, and keep a 256-CPU machine (2016 pairs by default) to about ten seconds. */
    if (pairs > 16) {
        ctx->reps = saved_reps < 5 ? saved_reps : 5;
        target = 0.0005;
        printf("   %d pairs: %d repetition%s a pair, each >= 0.5 ms\n", pairs, ctx->reps,
               ctx->reps == 1 ? "" : "s");
    }
    for (int a = 0; a < n && rc == EXIT_OK; a += step)
        for (int b = a + step; b < n && rc == EXIT_OK; b += step) {
            char param[48];
            struct point pt = {"c2c", "pingpong", 2, pair_param(param, sizeof(param), t, a, b), 2};
            double v;
            if ((rc = c2c_pair(ctx, a, b, &iters, target)) != EXIT_OK)
                break;
            if (m <= 8)
                harness_print(ctx, &pt, "one_way_ns");
            v = results_median(ctx->res, &pt, "one_way_ns");
            med[k++] = v;
            if (v < lo)
                lo = v, lo_a = t->cpus[a], lo_b = t->cpus[b];
            if (v > hi)
                hi = v, hi_a = t->cpus[a], hi_b = t->cpus[b];
        }
    ctx->reps = saved_reps;
    if (rc == EXIT_OK && k == 1)
        harness_note(ctx, "   CPU %d to CPU %d: %.3g ns one way (the interval above)", lo_a, lo_b, lo);
    else if (rc == EXIT_OK && k > 1)
        harness_note(ctx, "   %d pairs: one-way medians from %.3g ns (CPUs %d-%d) to %.3g ns (CPUs "
                          "%d-%d), %.3g ns the median pair", k, lo, lo_a, lo_b, hi, hi_a, hi_b,
                     stats_median(med, k));
    if (rc == EXIT_OK && k > 0) {
        /* Published figures vary with where the cores sit; name AMD's CCX figures only
         * on an AMD machine. */
        harness_note(ctx, "   for comparison (docs/reference-numbers.md, Synchronization): tens of "
                          "ns between cores sharing a last-level cache%s", strstr(t->model, "AMD")
                              ? ", 17-23 ns inside an AMD Zen CCX, 85-136 ns across CCXs" : "");
    }
    free(med);
    return rc;
}
