/* pool_output.c: the tables the pool lab prints after each experiment. Every number is
 * a median with its interval and that interval's coverage; every ratio is computed by
 * results_ratio with its own interval. What the numbers show is said by the lab's
 * claims (pool.c), printed by parlab after each experiment. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool_lab.h"

/* Every variant, in the order the tables list them: the like-with-like pairs first. */
static const char *const c_variants[] = {"parlab-threads-single", "omp-task", "parlab-threads",
                                         "omp-taskloop", "omp-dynamic", "parlab-procs"};
static const char *const py_variants[] = {"py-thread-pool", "py-process-pool", "py-mp-pool",
                                          "py-joblib"};

static const char *variant_at(int i)
{
    int nc = (int)ARRAY_SIZE(c_variants);
    return i < nc ? c_variants[i] : py_variants[i - nc];
}
#define NVARIANTS ((int)(ARRAY_SIZE(c_variants) + ARRAY_SIZE(py_variants)))

/* "0.0031 [0.0029, 0.0035] 75%" (with the flags, if any), into buf; "-" if not measured. */
static const char *cell(struct lab_ctx *ctx, const struct point *pt, const char *metric,
                        char *buf, size_t size)
{
    const struct summary *sp = results_summary(ctx->res, pt, metric);
    struct summary s;
    char lvl[16], flags[128];
    int show;
    if (!sp) {
        snprintf(buf, size, "-");
        return buf;
    }
    s = *sp; /* the next results_* call reuses what sp points to */
    results_flags(ctx->res, pt, flags, sizeof(flags));
    show = flags[0] && strcmp(flags, "oversubscribed"); /* the worker count says that */
    snprintf(buf, size, "%.3g [%.3g, %.3g] %s%s%s%s", s.median, s.ci_lo, s.ci_hi,
             fmt_level(s.ci_level, lvl, sizeof(lvl)), show ? " [" : "", show ? flags : "",
             show ? "]" : "");
    return buf;
}

/* A ratio of two points with its interval (results_ratio). */
static void print_ratio(struct lab_ctx *ctx, const char *what, const struct point *a,
                        const struct point *b, const char *metric)
{
    struct summary s;
    char lvl[16];
    if (results_ratio(ctx->res, a, metric, b, metric, 0, &s) < 0)
        return;
    printf("    %-42s %8.3gx [%.3g, %.3g] (at least %s coverage)\n", what, s.median, s.ci_lo,
           s.ci_hi, fmt_level(s.ci_level, lvl, sizeof(lvl)));
}

static const char *overhead_param(const char *v)
{
    if (!strcmp(v, "parlab-procs") || !strcmp(v, "py-process-pool"))
        return "chunksize=1";
    if (!strcmp(v, "py-mp-pool") || !strcmp(v, "py-joblib"))
        return "chunksize=auto";
    return "";
}

/* One line of the overhead table: the fee, and for task variants the share of the tasks
 * that the creating thread ran in place (0%: every task was handed over). */
static void overhead_line(struct lab_ctx *ctx, int w, const char *v)
{
    struct point pt = {"task-overhead", v, w, overhead_param(v), 0};
    char buf[200];
    double in_place = results_median(ctx->res, &pt, "inline_share");
    if (!results_summary(ctx->res, &pt, "us_per_task"))
        return;
    printf("    %-22s %-15s %-44s", v, pt.param[0] ? pt.param : "-",
           cell(ctx, &pt, "us_per_task", buf, sizeof(buf)));
    if (!isnan(in_place))
        printf(" %5.1f%%", 100 * in_place);
    printf("\n");
}

void pool_print_overhead(struct lab_ctx *ctx, const struct pool_plan *p)
{
    harness_progress_clear();
    for (int wi = 0; wi < p->nws; wi++) {
        int w = p->ws[wi];
        struct point single = {"task-overhead", "parlab-threads-single", w, "", 0};
        struct point otask = {"task-overhead", "omp-task", w, "", 0};
        struct point batch = {"task-overhead", "parlab-threads", w, "", 0};
        struct point oloop = {"task-overhead", "omp-taskloop", w, "", 0};
        struct point procs = {"task-overhead", "parlab-procs", w, "chunksize=1", 0};
        struct point pyt = {"task-overhead", "py-thread-pool", w, "", 0};

        printf("\n== task-overhead: microseconds per empty task, %d worker%s%s\n", w, w == 1 ? "" : "s",
               harness_oversubscribed(ctx, w) ? " (more than the usable CPUs)" : "");
        if (w > 1)
            printf("   like with like: at most 48 tasks a worker in flight, so libgomp defers every task\n"
                   "   (it runs a new task in place, in the creating thread, once its queue holds 64 a thread)\n");
        printf("    %-22s %-15s %-44s %s\n", "variant", "param", "us a task: median [interval] coverage",
               "in place");
        printf("  one task a submit (pool_submit; #pragma omp task):\n");
        overhead_line(ctx, w, "parlab-threads-single");
        overhead_line(ctx, w, "omp-task");
        print_ratio(ctx, "omp-task / parlab-threads-single", &otask, &single, "us_per_task");
        printf("  a batch of %d a submit (pool_submit_batch; omp taskloop grainsize(1)):\n", 16 * w);
        overhead_line(ctx, w, "parlab-threads");
        overhead_line(ctx, w, "omp-taskloop");
        print_ratio(ctx, "omp-taskloop / parlab-threads", &oloop, &batch, "us_per_task");
        printf("  not like with like:\n");
        overhead_line(ctx, w, "omp-task-nowindow");
        overhead_line(ctx, w, "omp-dynamic");
        printf("  processes and Python, one task a message unless chunked:\n");
        overhead_line(ctx, w, "parlab-procs");
        for (int v = 0; v < (int)ARRAY_SIZE(py_variants); v++)
            overhead_line(ctx, w, py_variants[v]);
        printf("  ratios of the medians (unpaired: the points ran one after the other):\n");
        print_ratio(ctx, "parlab-procs / parlab-threads-single", &procs, &single, "us_per_task");
        print_ratio(ctx, "py-thread-pool / parlab-threads-single", &pyt, &single, "us_per_task");
        printf("  (omp-task-nowindow: the same tasks in one burst; the share libgomp ran in place is\n"
               "   no handover at all. omp-dynamic: a parallel loop, no task objects.)\n");
    }
    fflush(stdout);
}

double pool_breakeven(const double *us, const double *eff, int n, double level)
{
    for (int i = 0; i < n; i++) {
        if (isnan(eff[i]) || eff[i] < level)
            continue;
        if (i == 0 || isnan(eff[i - 1]))
            return i == 0 ? 0 : us[i];
        {
            double a = log(us[i - 1]), b = log(us[i]);
            double f = (level - eff[i - 1]) / (eff[i] - eff[i - 1]);
            return exp(a + f * (b - a));
        }
    }
    return -1;
}

/* "0.5 at ~17.7 us", "0.9 not reached", "0.5 at <= 0.001 us" */
static void print_breakeven(double level, double be, double smallest)
{
    if (be < 0)
        printf("%.1f not reached", level);
    else if (be == 0)
        printf("%.1f at <= %g us", level, smallest);
    else
        printf("%.1f at ~%.3g us", level, be);
}

/* A granularity row, for sorting a variant's sizes. */
struct size_row {
    double us;
    const struct sumrow *r;
};

static int by_size(const void *a, const void *b)
{
    double x = ((const struct size_row *)a)->us, y = ((const struct size_row *)b)->us;
    return (x > y) - (x < y);
}

static int is_coarse(const double *sizes, int n, double us)
{
    for (int i = 0; i < n; i++)
        if (fabs(sizes[i] - us) <= 1e-9 * us)
            return 1;
    return 0;
}

void pool_print_granularity(struct lab_ctx *ctx, const struct pool_plan *p)
{
    struct sumrow *rows;
    int nrows = results_summary_rows(ctx->res, &rows);
    struct size_row *mine = xcalloc((size_t)nrows + 1, sizeof(*mine));
    harness_progress_clear();
    for (int wi = 0; wi < p->nws; wi++) {
        int w = p->ws[wi];
        printf("\n== granularity: efficiency = (tasks x the task's time in a plain loop / %d) / elapsed,"
               " %d worker%s\n   (the loop timed in each repetition right before the pooled run; "
               "1 = the whole time of %d CPU%s put to work;\n    one size a decade, then "
               "finer sizes (+) around each variant's crossings of 0.5 and 0.9;\n    each API "
               "used as a program would: in place = tasks the creating thread ran itself)\n",
               w, w, w == 1 ? "" : "s", w, w == 1 ? "" : "s");
        printf("  %-22s %10s %10s  %-42s %s\n", "variant", "task_us", "loop us",
               "efficiency: median [interval] coverage", "in place");
        for (int v = 0; v < NVARIANTS; v++) {
            const char *var = variant_at(v);
            int py = !strncmp(var, "py-", 3), n = 0;
            double us[64], eff[64];
            char param[32];
            for (int i = 0; i < nrows; i++) {
                const struct sumrow *r = &rows[i];
                if (r->workers == w && !strcmp(r->experiment, "granularity") && !strcmp(r->variant, var) &&
                    !strcmp(r->metric, "efficiency") && !strncmp(r->param, "task_us=", 8))
                    mine[n++] = (struct size_row){atof(r->param + 8), r};
            }
            if (!n)
                continue;
            qsort(mine, (size_t)n, sizeof(*mine), by_size);
            for (int i = 0; i < n; i++) {
                char buf[200];
                struct point pt = {"granularity", var, w, mine[i].r->param, 0};
                if (i < 64)
                    us[i] = mine[i].us, eff[i] = mine[i].r->median;
                double in_place = results_median(ctx->res, &pt, "inline_share");
                printf("  %-22s %9g%s %10.3g  %-42s", i ? "" : var, mine[i].us,
                       is_coarse(py ? p->sizes_py : p->sizes_c, py ? p->nsizes_py : p->nsizes_c,
                                 mine[i].us) ? " " : "+",
                       results_median(ctx->res, &pt, "task_us_loop"),
                       cell(ctx, &pt, "efficiency", buf, sizeof(buf)));
                if (!isnan(in_place))
                    printf(" %5.1f%%", 100 * in_place);
                printf("\n");
            }
            n = n < 64 ? n : 64;
            printf("  %-22s efficiency ", "");
            for (int k = 0; k < 2; k++) {
                double level = k == 0 ? 0.5 : 0.9, be = pool_breakeven(us, eff, n, level);
                struct point fp = {"granularity", var, 0,
                                   fmt_param(param, sizeof(param), "workers=%d;level=%.1f", w, level), 0};
                print_breakeven(level, be, us[0]);
                printf(k == 0 ? ", " : " (between the two nearest sizes, log scale)\n");
                /* kept as derived rows where a crossing was found: the chart marks them */
                if (be > 0)
                    results_add_fit(ctx->res, &fp, "breakeven_task_us", be, "us", n);
            }
        }
    }
    free(mine);
    sumrows_free(rows, nrows);
    fflush(stdout);
}

void pool_print_chunksize(struct lab_ctx *ctx, const struct pool_plan *p)
{
    static const char *const vars[] = {"parlab-procs", "py-mp-pool"};
    char param[64], buf[200], buf2[200];
    harness_progress_clear();
    for (int wi = 0; wi < p->nws; wi++) {
        int w = p->ws[wi], c100 = -1;
        struct point jl = {"chunksize", "py-joblib", w,
                           fmt_param(param, sizeof(param), "chunksize=auto;task_us=%g", p->chunk_us), 0};
        printf("\n== chunksize: tasks a second, tasks of %g us, %d worker%s (median [interval] coverage)\n",
               p->chunk_us, w, w == 1 ? "" : "s");
        printf("  %9s  %-34s %s\n", "chunksize", vars[0], p->python ? vars[1] : "");
        for (int c = 0; c < p->nchunks; c++) {
            struct point a = {"chunksize", vars[0], w, "", 0}, b = {"chunksize", vars[1], w, "", 0};
            a.param = b.param = fmt_param(param, sizeof(param), "chunksize=%d;task_us=%g", p->chunks[c], p->chunk_us);
            printf("  %9d  %-34s %s\n", p->chunks[c], cell(ctx, &a, "tasks_per_s", buf, sizeof(buf)),
                   p->python ? cell(ctx, &b, "tasks_per_s", buf2, sizeof(buf2)) : "");
            if (p->chunks[c] == 100)
                c100 = c;
        }
        if (p->python && results_summary(ctx->res, &jl, "tasks_per_s"))
            printf("  py-joblib, batch_size='auto': %s\n", cell(ctx, &jl, "tasks_per_s", buf, sizeof(buf)));
        if (c100 >= 0) {
            char p1[64], p100[64];
            printf("  ratios of the medians (unpaired):\n");
            fmt_param(p1, sizeof(p1), "chunksize=1;task_us=%g", p->chunk_us);
            fmt_param(p100, sizeof(p100), "chunksize=100;task_us=%g", p->chunk_us);
            for (int k = 0; k < 2; k++) {
                struct point a = {"chunksize", vars[k], w, p100, 0}, b = {"chunksize", vars[k], w, p1, 0};
                char what[64];
                snprintf(what, sizeof(what), "%s, chunksize 100 / chunksize 1", vars[k]);
                print_ratio(ctx, what, &a, &b, "tasks_per_s");
            }
        }
    }
    {
        struct point sc = {"chunksize", "sequential", 1,
                           fmt_param(param, sizeof(param), "chunksize=1;task_us=%g", p->chunk_us), 0};
        struct point sp = {"chunksize", "py-sequential", 1, param, 0};
        double c = results_median(ctx->res, &sc, "tasks_per_s");
        double py = results_median(ctx->res, &sp, "tasks_per_s");
        printf("  the plain loops, 1 worker: C      %s (%.3g us a task)\n",
               cell(ctx, &sc, "tasks_per_s", buf, sizeof(buf)), 1e6 / c);
        if (p->python)
            printf("  %32s %s (%.3g us a task)\n", "Python", cell(ctx, &sp, "tasks_per_s", buf, sizeof(buf)),
                   1e6 / py);
    }
    fflush(stdout);
}

void pool_print_demo(struct lab_ctx *ctx, int w)
{
    struct sumrow *rows;
    int nrows = results_summary_rows(ctx->res, &rows);
    harness_progress_clear();
    printf("\n== demo: one process pool, %d worker%s, the same tiny tasks (median [interval] coverage)\n",
           w, w == 1 ? "" : "s");
    printf("  %-36s %-36s %s\n", "phase", "tasks a second", "CPU cores busy");
    for (int i = 0; i < nrows; i++) {
        const struct sumrow *r = &rows[i];
        char buf[200], buf2[200];
        if (strcmp(r->experiment, "demo") || strcmp(r->metric, "tasks_per_s") || r->workers != w)
            continue;
        {
            struct point pt = {"demo", r->variant, w, r->param, 0};
            printf("  %-36s %-36s %s\n", r->param, cell(ctx, &pt, "tasks_per_s", buf, sizeof(buf)),
                   cell(ctx, &pt, "cpu_cores", buf2, sizeof(buf2)));
        }
    }
    sumrows_free(rows, nrows);
    fflush(stdout);
}
