/* fit.c: scaling models and least-squares fits, in plain C with no dependencies. */
#include "fit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

double amdahl_speedup(double s, double p)
{
    return 1.0 / (s + (1.0 - s) / p);
}

double gustafson_speedup(double s, double p)
{
    return p - s * (p - 1.0);
}

double karp_flatt(double speedup, double p)
{
    if (p <= 1.0 || speedup <= 0.0)
        return NAN;
    return (1.0 / speedup - 1.0 / p) / (1.0 - 1.0 / p);
}

double usl_throughput(double g, double s, double k, double n)
{
    return g * n / (1.0 + s * (n - 1.0) + k * n * (n - 1.0));
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int fit_distinct(const double *v, int n)
{
    double *c;
    int d = 0;
    if (n <= 0)
        return 0;
    c = xmalloc(sizeof(*c) * (size_t)n);
    memcpy(c, v, sizeof(*c) * (size_t)n);
    qsort(c, (size_t)n, sizeof(*c), cmp_dbl);
    for (int i = 0; i < n; i++)
        d += i == 0 || c[i] != c[i - 1];
    free(c);
    return d;
}

/* Repeated measurements at one worker count, as their mean, count and the squares
 * around the mean: a least-squares fit over the groups weighted by their counts has
 * the same optimum as over every point (the within-group squares do not depend on the
 * model), at the cost of the distinct counts, not of the rows. */
struct group {
    double n, mean, count;
};

struct pair {
    double n, x;
};

static int cmp_pair(const void *a, const void *b)
{
    return cmp_dbl(&((const struct pair *)a)->n, &((const struct pair *)b)->n);
}

static int group_by(const double *n, const double *x, int m, struct group **out, double *within)
{
    struct pair *p = xmalloc(sizeof(*p) * (size_t)m);
    struct group *g = xmalloc(sizeof(*g) * (size_t)m);
    int k = 0;
    for (int i = 0; i < m; i++)
        p[i] = (struct pair){n[i], x[i]};
    qsort(p, (size_t)m, sizeof(*p), cmp_pair);
    *within = 0;
    for (int i = 0; i < m;) {
        int j = i;
        double sum = 0, mean, ss = 0;
        while (j < m && p[j].n == p[i].n)
            sum += p[j++].x;
        mean = sum / (j - i);
        for (int q = i; q < j; q++)
            ss += (p[q].x - mean) * (p[q].x - mean);
        *within += ss;
        g[k++] = (struct group){p[i].n, mean, (double)(j - i)};
        i = j;
    }
    free(p);
    *out = g;
    return k;
}

/* Least squares for y = a + b*u with a, b >= 0. The unconstrained solution is
 * checked first; if it breaks a bound, the best of the two one-parameter fits on
 * the boundary is taken (for a convex quadratic in two variables that is exact). */
static void nonneg_line(const double *u, const double *y, int n, double *a, double *b)
{
    double su = 0, sy = 0, suu = 0, suy = 0, den;
    for (int i = 0; i < n; i++) {
        su += u[i];
        sy += y[i];
        suu += u[i] * u[i];
        suy += u[i] * y[i];
    }
    den = n * suu - su * su;
    *a = den != 0 ? (sy * suu - su * suy) / den : 0;
    *b = den != 0 ? (n * suy - su * sy) / den : 0;
    if (*a >= 0 && *b >= 0)
        return;
    if (*a < 0) { /* a = 0: y = b*u */
        *a = 0;
        *b = suu > 0 ? fmax(0, suy / suu) : 0;
    } else { /* b = 0: y = a */
        *b = 0;
        *a = fmax(0, sy / n);
    }
}

int fit_amdahl_times(const double *p, const double *t, int n, struct amdahl_fit *f)
{
    double *u, a, b, ss = 0;
    if (n < 2 || fit_distinct(p, n) < 2)
        return -1;
    u = xmalloc(sizeof(*u) * (size_t)n);
    for (int i = 0; i < n; i++)
        u[i] = 1.0 / p[i];
    nonneg_line(u, t, n, &a, &b);
    free(u);
    if (a + b <= 0)
        return -1;
    f->serial = a / (a + b);
    f->t1 = a + b;
    for (int i = 0; i < n; i++) {
        double r = t[i] - (a + b / p[i]);
        ss += r * r;
    }
    f->rms = sqrt(ss / n);
    f->npoints = n;
    return 0;
}

/* Sum of squared residuals of the USL at (s, k) over the groups (weighted by their
 * counts; the within-group squares are added by the caller), with gamma at its exact
 * optimum g = sum(c x f) / sum(c f f), where f is the USL with g = 1. */
static double usl_sse(const struct group *gr, int m, double s, double k, double *g_out)
{
    double sxf = 0, sff = 0, g, sse = 0;
    for (int i = 0; i < m; i++) {
        double f = usl_throughput(1.0, s, k, gr[i].n);
        sxf += gr[i].count * gr[i].mean * f;
        sff += gr[i].count * f * f;
    }
    g = sff > 0 ? sxf / sff : 0;
    for (int i = 0; i < m; i++) {
        double r = gr[i].mean - g * usl_throughput(1.0, s, k, gr[i].n);
        sse += gr[i].count * r * r;
    }
    if (g_out)
        *g_out = g;
    return sse;
}

static double clamp01(double v)
{
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

int fit_usl(const double *n, const double *x, int npts, struct usl_fit *f)
{
    double best_s = 0, best_k = 0, best = INFINITY, g, step_s, step_k, within;
    struct group *gr;
    int m;
    if (npts < 3 || fit_distinct(n, npts) < 3)
        return -1;
    m = group_by(n, x, npts, &gr, &within);

    /* Coarse grid: sigma linear, kappa on a log scale (it is often tiny), plus 0. */
    for (int i = 0; i <= 100; i++) {
        double s = i / 100.0;
        for (int j = -1; j <= 60; j++) {
            double k = j < 0 ? 0.0 : pow(10.0, -6.0 + j * 0.1);
            double e = usl_sse(gr, m, s, k, NULL);
            if (e < best) {
                best = e;
                best_s = s;
                best_k = k;
            }
        }
    }

    /* Pattern search inside the box: try a step each way on each axis, keep any
     * improvement, halve the steps when none helps. Converges to the bounded optimum
     * of this smooth two-parameter problem. */
    step_s = 0.01;
    step_k = best_k > 0 ? best_k * 0.3 : 1e-6;
    for (int iter = 0; iter < 20000 && (step_s > 1e-12 || step_k > 1e-14); iter++) {
        int improved = 0;
        const double cand[4][2] = {
            {best_s + step_s, best_k}, {best_s - step_s, best_k},
            {best_s, best_k + step_k}, {best_s, best_k - step_k},
        };
        for (int c = 0; c < 4; c++) {
            double s = clamp01(cand[c][0]), k = clamp01(cand[c][1]);
            double e = usl_sse(gr, m, s, k, NULL);
            if (e < best) {
                best = e;
                best_s = s;
                best_k = k;
                improved = 1;
            }
        }
        if (!improved) {
            step_s *= 0.5;
            step_k *= 0.5;
        }
    }
    usl_sse(gr, m, best_s, best_k, &g);
    free(gr);
    f->sigma = best_s;
    f->kappa = best_k;
    f->gamma = g;
    f->peak = best_k > 0 ? sqrt((1.0 - best_s) / best_k) : INFINITY;
    f->rms = sqrt((best + within) / npts);
    f->npoints = npts;
    return 0;
}
