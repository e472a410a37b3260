/* fit.c: scaling models and least-squares fits, in plain C with no dependencies. */
#include "fit.h"

#include <math.h>
#include <stdlib.h>

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

int fit_distinct(const double *v, int n)
{
    int d = 0;
    for (int i = 0; i < n; i++) {
        int seen = 0;
        for (int j = 0; j < i; j++)
            if (v[j] == v[i])
                seen = 1;
        d += !seen;
    }
    return d;
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

/* Sum of squared residuals of the USL at (s, k), with gamma at its exact optimum
 * g = sum(x f) / sum(f f), where f is the USL with g = 1. */
static double usl_sse(const double *n, const double *x, int m, double s, double k, double *g_out)
{
    double sxf = 0, sff = 0, g, sse = 0;
    for (int i = 0; i < m; i++) {
        double f = usl_throughput(1.0, s, k, n[i]);
        sxf += x[i] * f;
        sff += f * f;
    }
    g = sff > 0 ? sxf / sff : 0;
    for (int i = 0; i < m; i++) {
        double r = x[i] - g * usl_throughput(1.0, s, k, n[i]);
        sse += r * r;
    }
    if (g_out)
        *g_out = g;
    return sse;
}

static double clamp01(double v)
{
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

int fit_usl(const double *n, const double *x, int m, struct usl_fit *f)
{
    double best_s = 0, best_k = 0, best = INFINITY, g, step_s, step_k;
    if (m < 3 || fit_distinct(n, m) < 3)
        return -1;

    /* Coarse grid: sigma linear, kappa on a log scale (it is often tiny), plus 0. */
    for (int i = 0; i <= 100; i++) {
        double s = i / 100.0;
        for (int j = -1; j <= 60; j++) {
            double k = j < 0 ? 0.0 : pow(10.0, -6.0 + j * 0.1);
            double e = usl_sse(n, x, m, s, k, NULL);
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
            double e = usl_sse(n, x, m, s, k, NULL);
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
    usl_sse(n, x, m, best_s, best_k, &g);
    f->sigma = best_s;
    f->kappa = best_k;
    f->gamma = g;
    f->peak = best_k > 0 ? sqrt((1.0 - best_s) / best_k) : INFINITY;
    f->rms = sqrt(best / m);
    f->npoints = m;
    return 0;
}
