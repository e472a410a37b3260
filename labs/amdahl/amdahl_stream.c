/* labs/amdahl/amdahl_stream.c: the other common reason code stops scaling: memory
 * bandwidth.
 *
 * Amdahl's law blames a serial part. Plenty of code has none and still stops speeding
 * up: every core reads and writes memory through the same few memory channels, and once
 * those are busy, more cores only wait longer. The STREAM benchmark (John McCalpin,
 * since 1991) measures exactly that with its triad kernel,
 *
 *     a[i] = b[i] + q * c[i]      (2 reads and 1 write of 8 bytes, 2 flops)
 *
 * over arrays far larger than the caches (STREAM's rule: each array at least 4 times
 * the last-level cache), so every byte comes from memory. One core cannot keep the
 * channels busy; a few can; beyond that the GB/s stay flat while the cores are all 100%
 * busy (a core waiting for memory still counts as busy in top and parmon).
 *
 * The control, `compute`: the same threads doing pure CPU work (burn, no memory) for
 * about as long, measured in the same repetitions. Where the triad's speedup falls
 * below compute's, memory is the limit, not the cores. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "amdahl.h"
#include "work.h"

/* ---- how big: 4x the last-level cache -------------------------------------------------------- */

static long parse_size(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || v <= 0)
        return 0;
    if (*end == 'K')
        v <<= 10;
    else if (*end == 'M')
        v <<= 20;
    return v;
}

long amdahl_llc_bytes(const char *cache_dir)
{
    long best = 0;
    int best_level = 0;
    for (int i = 0; i < 8; i++) {
        char path[512], buf[64];
        long level, size;
        snprintf(path, sizeof(path), "%s/index%d/level", cache_dir, i);
        if (read_small_file(path, buf, sizeof(buf)) <= 0)
            continue;
        level = strtol(buf, NULL, 10);
        snprintf(path, sizeof(path), "%s/index%d/size", cache_dir, i);
        if (read_small_file(path, buf, sizeof(buf)) <= 0 || (size = parse_size(buf)) <= 0)
            continue;
        if (level > best_level || (level == best_level && size > best))
            best_level = (int)level, best = size;
    }
    return best;
}

long amdahl_triad_length(long llc_bytes, int quick)
{
    /* 4x the cache (STREAM's rule), at least 32 MiB an array, at most 1 GiB. */
    long bytes = 4 * (llc_bytes > 0 ? llc_bytes : 32L << 20);
    (void)quick; /* a smaller array would let the cache answer: quick mode keeps the size */
    if (bytes < 32L << 20)
        bytes = 32L << 20;
    if (bytes > 1L << 30)
        bytes = 1L << 30;
    return bytes / (long)sizeof(double);
}

/* ---- the two kernels --------------------------------------------------------------------------- */

struct triad {
    double *a, *b, *c;
    long n;
    uint64_t units;   /* compute: LCG steps for all threads together */
    int threads;
    const struct topo *topo;
    int pin;
};

/* a = b + q*c over the whole array, split into `threads` contiguous blocks, each thread
 * always the same block (schedule(static)), so it keeps touching the memory it
 * first-touched: on a machine with several memory nodes that memory is its own node's. */
static void triad_run(void *arg, uint64_t iters)
{
    struct triad *t = arg;
    const double q = 3.0;
    (void)iters;
#pragma omp parallel num_threads(t->threads)
    {
#ifdef _OPENMP
        if (t->pin)
            topo_pin_thread(t->topo, omp_get_thread_num());
#endif
#pragma omp for schedule(static)
        for (long i = 0; i < t->n; i++)
            t->a[i] = t->b[i] + q * t->c[i];
    }
}

/* The control: the same threads, CPU work only, no memory traffic. */
static void compute_run(void *arg, uint64_t iters)
{
    struct triad *t = arg;
    (void)iters;
#pragma omp parallel num_threads(t->threads)
    {
#ifdef _OPENMP
        int id = omp_get_thread_num();
#else
        int id = 0;
#endif
        keep(burn(share(opaque(t->units), t->threads, id), (uint64_t)id + 1));
    }
}

/* ---- the experiment ------------------------------------------------------------------------------ */

static const char *const kinds[] = {"triad", "compute"};

int amdahl_stream_points(const struct lab_ctx *ctx)
{
    int *w, nw = harness_workers_with_one(ctx, &w);
    free(w);
    return 2 * nw;
}

int amdahl_stream(struct lab_ctx *ctx)
{
    long llc = amdahl_llc_bytes("/sys/devices/system/cpu/cpu0/cache");
    long n = lab_opt_given(ctx, "triad-mib") ? (long)lab_opt(ctx, "triad-mib") * (1L << 20) / 8
                                              : amdahl_triad_length(llc, ctx->quick);
    int *w, nw = harness_workers_with_one(ctx, &w), ok = 0, usable = ctx->topo->usable;
    struct triad t = {.n = n, .topo = ctx->topo, .pin = ctx->pin};
    struct harness_work tw = {.run = triad_run, .arg = &t}, cw = {.run = compute_run, .arg = &t};
    struct point *pts = xcalloc((size_t)nw, sizeof(*pts));
    struct affinity saved;
    double t1;
    int rc = EXIT_OK;

    printf("stream: the triad a[i] = b[i] + 3*c[i] over 3 arrays of %.0f MiB each (the last-level "
           "cache is %.0f MiB%s),\n  and a CPU-only control of about the same length, 1..%d "
           "threads\n\n", (double)n * 8 / (1 << 20), (double)llc / (1 << 20),
           llc ? "" : ": unknown, assumed 32", usable);
#ifndef _OPENMP
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < nw; i++)
            harness_skip(ctx, &(struct point){"stream", kinds[k], w[i], "", 0},
                         "this build has no OpenMP");
    free(w), free(pts);
    return EXIT_OK;
#endif
    t.a = malloc(sizeof(double) * (size_t)n);
    t.b = malloc(sizeof(double) * (size_t)n);
    t.c = malloc(sizeof(double) * (size_t)n);
    if (!t.a || !t.b || !t.c) {
        for (int k = 0; k < 2; k++)
            for (int i = 0; i < nw; i++)
                harness_skip(ctx, &(struct point){"stream", kinds[k], w[i], "", 0},
                             "cannot allocate 3 arrays of %.0f MiB", (double)n * 8 / (1 << 20));
        free(t.a), free(t.b), free(t.c), free(w), free(pts);
        return EXIT_OK;
    }
    /* First touch by the threads that will use each block (all usable CPUs' worth). */
#pragma omp parallel for schedule(static) num_threads(usable)
    for (long i = 0; i < n; i++)
        t.a[i] = 0, t.b[i] = 1.0, t.c[i] = 2.0;

    /* The control's size: as long as one thread's triad pass. */
    t.threads = 1;
    t1 = harness_time(&tw, 1);
    {
        uint64_t probe = 1 << 20;
        double per;
        t.units = probe;
        per = harness_time(&cw, 1) / (double)probe;
        t.units = (uint64_t)(t1 / (per > 0 ? per : 1e-9));
    }

    affinity_save(&saved);
    for (int k = 0; k < 2 && rc == EXIT_OK; k++) {
        const struct harness_work *work = k == 0 ? &tw : &cw;
        int m = 0;
        for (int i = 0; i < nw; i++) {
            struct point pt = {"stream", kinds[k], w[i], "", harness_cores_for(ctx, w[i])};
            /* More threads than CPUs take turns at the memory bus: nothing to learn. */
            if (w[i] > usable)
                harness_skip(ctx, &pt, "more threads than usable CPUs only take turns");
            else
                pts[m++] = pt;
        }
        harness_series(ctx, pts, m);
        for (int rep; harness_next_rep(ctx, &rep);)
            for (int q = 0; q < m; q++) {
                int i = harness_series_order(rep, q, m);
                struct harness_clock c;
                double sec;
                t.threads = pts[i].workers;
                harness_clock_start(ctx, &c, &pts[i]);
                work->run(work->arg, 1);
                sec = harness_clock_stop(ctx, &pts[i], rep, &c, 0);
                if (rep > 0 && k == 0) /* STREAM counts 24 bytes an element for the triad */
                    results_add(ctx->res, &pts[i], rep, "bandwidth_gbs", 24.0 * (double)n / sec / 1e9, "GB/s");
            }
        affinity_restore(&saved);
        if (harness_interrupted()) {
            rc = EXIT_INTERRUPTED;
            break;
        }
        harness_speedup(ctx, pts, m);
        ok = m;
    }
    if (rc == EXIT_OK) {
        printf("  %7s  %10s  %-22s %-22s\n", "threads", "triad GB/s", "triad speedup", "compute speedup");
        for (int i = 0; i < ok; i++) {
            struct point tp = {"stream", "triad", pts[i].workers, "", 0}, cp = tp;
            const struct summary *s;
            char a[40] = "-", b[40] = "-";
            cp.variant = "compute";
            if ((s = results_summary(ctx->res, &tp, "speedup")))
                snprintf(a, sizeof(a), "%.2fx [%.2f, %.2f]", s->median, s->ci_lo, s->ci_hi);
            if ((s = results_summary(ctx->res, &cp, "speedup")))
                snprintf(b, sizeof(b), "%.2fx [%.2f, %.2f]", s->median, s->ci_lo, s->ci_hi);
            printf("  %7d  %10.2f  %-22s %-22s\n", pts[i].workers,
                   results_median(ctx->res, &tp, "bandwidth_gbs"), a, b);
        }
    }
    free(t.a), free(t.b), free(t.c), free(w), free(pts);
    return rc;
}
