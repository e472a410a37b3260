/* fit.h: scaling models and their fits: Amdahl, Gustafson, Karp-Flatt, USL.
 *
 * Amdahl     S(p) = 1 / (s + (1-s)/p)            fixed work, s = serial fraction
 * Gustafson  S(p) = p - s(p-1)                   work grows with p
 * Karp-Flatt e(p) = (1/S - 1/p) / (1 - 1/p)      the serial fraction a speedup implies
 * USL        X(N) = gN / (1 + s(N-1) + kN(N-1))  s = contention, k = coherency (Gunther)
 */
#ifndef PARLAB_FIT_H
#define PARLAB_FIT_H

double amdahl_speedup(double s, double p);
double gustafson_speedup(double s, double p);
/* Karp-Flatt experimentally determined serial fraction; NaN for p <= 1. */
double karp_flatt(double speedup, double p);
double usl_throughput(double g, double s, double k, double n);

struct amdahl_fit {
    double serial;   /* s in [0, 1] */
    double t1;       /* fitted time at p = 1 (same unit as the input) */
    double rms;      /* root-mean-square residual, in the input's unit */
    int npoints;
};

/* Fit T(p) = t1 * (s + (1-s)/p) to times t[i] measured at p[i] workers, by bounded
 * linear least squares on T = a + b/p (a, b >= 0), s = a / (a + b). Needs at least
 * two distinct p. Returns 0, or -1 if the data cannot determine s.
 * struct amdahl_fit f; fit_amdahl_times(p, t, n, &f); */
int fit_amdahl_times(const double *p, const double *t, int n, struct amdahl_fit *f);

struct usl_fit {
    double sigma, kappa, gamma; /* sigma, kappa in [0, 1]; gamma = X(1) estimate */
    double peak;                /* N* = sqrt((1 - sigma) / kappa); INFINITY if kappa == 0 */
    double rms;
    int npoints;
};

/* Fit the USL to throughput x[i] at n[i] workers by bounded nonlinear least squares
 * (sigma, kappa in [0, 1]), as the R usl package does. gamma is solved exactly for
 * each (sigma, kappa) (it enters linearly), and the two bounded parameters are
 * searched on a grid and refined by a shrinking pattern search. Needs at least three
 * distinct worker counts; returns -1 otherwise. */
int fit_usl(const double *n, const double *x, int npts, struct usl_fit *f);

/* Number of distinct values in v[0..n-1]. */
int fit_distinct(const double *v, int n);

#endif
