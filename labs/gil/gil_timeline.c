/* gil_timeline.c: from samples of who holds the GIL (gil_sampler.c) to what the lesson
 * shows: per thread the fraction of its time it held the GIL or waited for it, how
 * often it took it over, and the intervals drawn by plots/gil_timeline.gp. */
#include "gil.h"

#include <stdio.h>
#include <stdlib.h>

/* State of thread i in sample s: 2 held, 1 waiting, 0 not active. */
static int sample_state(const struct gil_sample *s, int i)
{
    if (!(s->active & (1u << i)))
        return 0;
    return s->holder == i ? 2 : 1;
}

int gil_timeline_intervals(const struct gil_sample *s, int ns, int nthreads,
                           struct gil_interval *out, int max)
{
    int n = 0;
    for (int i = 0; i < nthreads; i++) {
        int k = 0;
        while (k < ns - 1) {
            int st = sample_state(&s[k], i), j = k + 1;
            while (j < ns - 1 && sample_state(&s[j], i) == st)
                j++;
            /* samples k..j-1 share a state, which lasts until sample j */
            if (st && n < max)
                out[n++] = (struct gil_interval){i, s[k].t, s[j].t, st == 2};
            k = j;
        }
    }
    return n;
}

void gil_timeline_stats(const struct gil_sample *s, int ns, int nthreads,
                        struct gil_thread_stats *out)
{
    for (int i = 0; i < nthreads; i++) {
        double held = 0, wait = 0;
        int acq = 0;
        for (int k = 0; k + 1 < ns; k++) {
            double dt = s[k + 1].t - s[k].t;
            int st = sample_state(&s[k], i);
            held += st == 2 ? dt : 0;
            wait += st == 1 ? dt : 0;
            /* took it over: held now, and someone else (or nobody) held it before */
            if (st == 2 && (k == 0 || s[k - 1].holder != i))
                acq++;
        }
        out[i].active_s = held + wait;
        out[i].held = held + wait > 0 ? held / (held + wait) : 0;
        out[i].waiting = held + wait > 0 ? wait / (held + wait) : 0;
        out[i].acquisitions = acq;
    }
}

void gil_timeline_record(struct lab_ctx *ctx, const struct point *pt, int rep,
                         const struct gil_sample *s, int ns, unsigned long switches)
{
    struct gil_thread_stats st[GIL_MAX_THREADS];
    int n = pt->workers < GIL_MAX_THREADS ? pt->workers : GIL_MAX_THREADS, first = -1, last = -1;
    double busy = 0, span;
    char param[32];
    struct point tp = *pt;

    /* The run is the stretch where some worker was active. */
    for (int k = 0; k < ns; k++)
        if (s[k].active) {
            first = first < 0 ? k : first;
            last = k;
        }
    if (first < 0 || last - first < 2)
        return; /* too short to sample: nothing to say */
    /* keep one sample past the last active one: it closes the last interval */
    ns = (last + 1 < ns ? last + 1 : last) - first + 1;
    s += first;
    span = s[ns - 1].t - s[0].t;
    gil_timeline_stats(s, ns, n, st);
    tp.param = param;
    for (int i = 0; i < n; i++) {
        fmt_param(param, sizeof(param), "thread=%d", i + 1);
        results_add(ctx->res, &tp, rep, "held_fraction", st[i].held, "fraction");
        results_add(ctx->res, &tp, rep, "waiting_fraction", st[i].waiting, "fraction");
        results_add(ctx->res, &tp, rep, "acquisitions_per_s", st[i].acquisitions / span, "1/s");
        busy += st[i].held * st[i].active_s;
    }
    tp.param = "thread=all";
    results_add(ctx->res, &tp, rep, "gil_busy_fraction", busy / span, "fraction");
    results_add(ctx->res, &tp, rep, "switches_per_s", (double)switches / span, "1/s");
    results_add(ctx->res, &tp, rep, "samples", ns, "count");

    /* The chart draws the first repetition. */
    if (rep == 1) {
        static const char *const cols[] = {"thread", "start", "end", "state"};
        int table = results_table(ctx->res, "timeline", cols, 4), cap = ns * n + 1;
        struct gil_interval *iv = xmalloc(sizeof(*iv) * (size_t)cap);
        int m = gil_timeline_intervals(s, ns, n, iv, cap);
        for (int k = 0; k < m; k++) {
            char th[16], a[32], b[32];
            const char *f[4] = {th, a, b, iv[k].held ? "held" : "waiting"};
            snprintf(th, sizeof(th), "%d", iv[k].thread + 1);
            snprintf(a, sizeof(a), "%.6f", iv[k].start - s[0].t);
            snprintf(b, sizeof(b), "%.6f", iv[k].end - s[0].t);
            results_table_row(ctx->res, table, f);
        }
        free(iv);
    }
}
