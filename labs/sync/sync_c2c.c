/* labs/sync/sync_c2c.c: the sync lab's two latency experiments: how long one thread
 * takes to wake another (handoff), and how long a cache line takes to travel from one
 * core to another (c2c). Both are ping-pongs: a round trip is two one-way trips. */
#include "sync.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include "prims.h"

/* ---- experiment 3: handoff ----------------------------------------------------------------- */

/* Two threads pass a turn back and forth: ping sets turn = 1 and wakes pong, pong sets
 * turn = 0 and wakes ping. A round trip is two handoffs, so one-way = round trip / 2.
 * condvar and futex sleep in the kernel while they wait; spin burns its CPU. */
enum { HO_CONDVAR, HO_FUTEX, HO_SPIN, HO_N };
static const char *const handoff_names[HO_N] = {"condvar", "futex", "spin"};

struct handoff {
    int kind;
    const struct topo *topo; /* with --pin: ping on the first usable CPU, pong on the second */
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
    if (h->topo)
        topo_pin_thread(h->topo, 1);
    for (;;) {
        handoff_wait(h, 1);
        if (atomic_load(&h->stop))
            return NULL;
        handoff_give(h, 0);
    }
}

static void handoff_fn(void *arg, uint64_t iters)
{
    struct handoff *h = arg;
    for (uint64_t i = 0; i < iters; i++) {
        handoff_give(h, 1);
        handoff_wait(h, 0);
    }
}

int sync_run_handoff(struct lab_ctx *ctx, double target)
{
    printf("\n== handoff: one-way wake-up latency between two threads, us "
           "(round trip / 2)\n");
    for (int v = 0; v < HO_N; v++) {
        struct point pt = {"handoff", handoff_names[v], 2, ""};
        struct handoff h = {.kind = v, .topo = ctx->pin ? ctx->topo : NULL, .cturn = 0};
        pthread_t pong;
        uint64_t n;
        int rc;
        atomic_init(&h.turn, 0);
        atomic_init(&h.stop, 0);
        pthread_mutex_init(&h.mutex, NULL);
        pthread_cond_init(&h.cond, NULL);
        harness_point(ctx, &pt);
        if (ctx->pin) /* sync_run restores this thread's CPUs at the end */
            topo_pin_thread(ctx->topo, 0);
        if (pthread_create(&pong, NULL, handoff_pong, &h) != 0)
            die("cannot create a thread");
        n = harness_calibrate(handoff_fn, &h, target);
        rc = harness_sample(ctx, &pt, handoff_fn, &h, n, "us", "us", 1e6 / 2) ? EXIT_INTERRUPTED : EXIT_OK;
        /* stop pong: raise the flag, then give it the turn */
        atomic_store(&h.stop, 1);
        handoff_give(&h, 1);
        pthread_join(pong, NULL);
        pthread_mutex_destroy(&h.mutex);
        pthread_cond_destroy(&h.cond);
        if (rc != EXIT_OK)
            return rc;
        harness_print(ctx, &pt, "us");
        sync_cost_note("handoff", handoff_names[v], 1, 2, 1e3 * results_summary(ctx->res, &pt, "us")->median);
    }
    return EXIT_OK;
}

/* ---- experiment 5: c2c, core-to-core latency ------------------------------------------------- */

/* Two threads pinned to CPUs a and b share one word. Ping writes an odd number, pong
 * sees it and writes the next even number, ping sees that: a round trip is two cache-
 * line transfers, so one-way latency = round trip / 2. The same idea as c2clat and
 * core-to-core-latency: the number is what every contended lock, atomic and barrier
 * pays per transfer, and it depends on where the two cores sit (same CCX or L3, same
 * socket, another socket). */
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

/* Measure the pair (cpus[a], cpus[b]): this thread pinned to a, pong to b. */
static int c2c_pair(struct lab_ctx *ctx, int a, int b, uint64_t *iters, double target)
{
    char param[48];
    const struct topo *t = ctx->topo;
    struct point pt = {"c2c", "pingpong", 2,
                       fmt_param(param, sizeof(param), "cpu_a=%d;cpu_b=%d", t->cpus[a], t->cpus[b])};
    struct c2c c = {.topo = t, .idx_b = b};
    pthread_t pong;
    int rc;
    atomic_init(&c.seq, 0);
    atomic_init(&c.stop, 0);
    topo_pin_thread(t, a);
    if (pthread_create(&pong, NULL, c2c_pong, &c) != 0)
        die("cannot create a thread");
    harness_point(ctx, &pt);
    if (!*iters) /* calibrated once, on the first pair */
        *iters = harness_calibrate(c2c_fn, &c, target);
    rc = harness_sample(ctx, &pt, c2c_fn, &c, *iters, "one_way_ns", "ns", 1e9 / 2);
    atomic_store(&c.stop, 1);
    pthread_join(pong, NULL);
    return rc ? EXIT_INTERRUPTED : EXIT_OK;
}

/* Too many pairs for the time budget: measure every step-th CPU (all pairs among
 * them), so the heatmap stays whole, only coarser. Returns the step (1 = every CPU). */
static int c2c_step(const struct lab_ctx *ctx, long *max_pairs)
{
    int n = ctx->topo->naffinity, step = 1;
    *max_pairs = lab_opt_long(ctx, "pairs", ctx->quick ? 64 : 2048, 1, 1000000);
    while ((long)((n + step - 1) / step) * ((n + step - 1) / step - 1) / 2 > *max_pairs)
        step++;
    return step;
}

int sync_c2c_npairs(const struct lab_ctx *ctx)
{
    long max_pairs;
    int m = (ctx->topo->naffinity + c2c_step(ctx, &max_pairs) - 1) / c2c_step(ctx, &max_pairs);
    return m * (m - 1) / 2;
}

int sync_run_c2c(struct lab_ctx *ctx, int *ncpu_out, int *step_out)
{
    const struct topo *t = ctx->topo;
    long max_pairs;
    int n = t->naffinity, step = c2c_step(ctx, &max_pairs), m = (n + step - 1) / step;
    int saved_reps = ctx->reps, rc = EXIT_OK;
    uint64_t iters = 0;
    cpu_set_t saved;

    printf("\n== c2c: one-way core-to-core latency, ns (pinned ping-pong, round trip / 2)\n");
    if (step > 1)
        printf("   %d CPUs make %d pairs, more than --pairs %ld: measuring every %d%s CPU "
               "(%d CPUs, %d pairs)\n", n, n * (n - 1) / 2, max_pairs, step,
               step == 2 ? "nd" : step == 3 ? "rd" : "th", m, m * (m - 1) / 2);
    /* A pair's latency is steady: 5 repetitions of >= 0.5 ms each are plenty, and keep
     * a 256-CPU machine (2016 pairs by default) to about ten seconds. */
    ctx->reps = saved_reps < 5 ? saved_reps : 5;
    printf("   %d repetition%s per pair, each >= 0.5 ms\n", ctx->reps, ctx->reps == 1 ? "" : "s");
    pthread_getaffinity_np(pthread_self(), sizeof(saved), &saved);
    for (int a = 0; a < n && rc == EXIT_OK; a += step)
        for (int b = a + step; b < n && rc == EXIT_OK; b += step) {
            rc = c2c_pair(ctx, a, b, &iters, 0.0005);
            pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
            if (rc != EXIT_OK)
                break;
            if (m <= 8) {
                char param[48];
                struct point pt = {"c2c", "pingpong", 2,
                                   fmt_param(param, sizeof(param), "cpu_a=%d;cpu_b=%d", t->cpus[a], t->cpus[b])};
                harness_print(ctx, &pt, "one_way_ns");
            }
        }
    ctx->reps = saved_reps;
    *ncpu_out = n;
    *step_out = step;
    return rc;
}

/* sync-c2c.csv: one row per pair measured; the heatmap (plots/c2c.gp) draws it. */
int sync_write_c2c_table(struct lab_ctx *ctx, int n, int step)
{
    static const char *const head[] = {"cpu_a", "cpu_b", "idx_a", "idx_b", "one_way_ns",
                                       "min_ns", "max_ns", "n"};
    const struct topo *t = ctx->topo;
    double lo = 1e300, hi = 0, sum = 0;
    int pairs = 0;
    struct csvw *cw = csvw_open(ctx->out_dir, "sync-c2c.csv");
    if (!cw)
        return -1;
    csvw_row(cw, head, 8);
    for (int a = 0; a < n; a += step)
        for (int b = a + step; b < n; b += step) {
            char param[48];
            struct point pt = {"c2c", "pingpong", 2,
                               fmt_param(param, sizeof(param), "cpu_a=%d;cpu_b=%d", t->cpus[a], t->cpus[b])};
            const struct summary *s = results_summary(ctx->res, &pt, "one_way_ns");
            if (!s)
                continue;
            csvw_int(cw, t->cpus[a]);
            csvw_int(cw, t->cpus[b]);
            csvw_int(cw, a / step);
            csvw_int(cw, b / step);
            csvw_num(cw, s->median);
            csvw_num(cw, s->min);
            csvw_num(cw, s->max);
            csvw_int(cw, s->n);
            csvw_endrow(cw);
            lo = s->median < lo ? s->median : lo;
            hi = s->median > hi ? s->median : hi;
            sum += s->median;
            pairs++;
        }
    if (pairs)
        printf("   %d pair%s: one-way median %.0f ns (lowest pair %.0f, highest %.0f; ANCHORS "
               "here: 56 ns; 17-23 inside a CCX, 85-136 across)\n",
               pairs, pairs == 1 ? "" : "s", sum / pairs, lo, hi);
    return csvw_commit(cw);
}

