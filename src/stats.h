/* stats.h: the summary of one measured point: median, min, max, a confidence interval
 * for the median with its real coverage, and outliers counted rather than hidden (EPCC
 * method). */
#ifndef PARLAB_STATS_H
#define PARLAB_STATS_H

struct summary {
    int n;
    double median, min, max, mean, sd;
    /* A confidence interval of the median, distribution-free (order statistics of the
     * binomial): no normality assumed, robust to a noisy neighbour. The narrowest pair
     * of order statistics that covers the true median with at least 95%; with n < 6 no
     * pair reaches 95%, so [min, max] is given. ci_level is the coverage it really has:
     * 1 - 2 * 0.5^n for [min, max] (0.75 at n = 3, 0.94 at n = 5), >= 0.95 from n = 6.
     * Label intervals with it ("94% interval"), never with a fixed "95%". */
    double ci_lo, ci_hi, ci_level;
    /* Samples further than 3 scaled MADs from the median (robust "3 sigma"); -1 below
     * n = 5, where no sample can be told apart from the spread. */
    int outliers;
};

/* Summarise v[0..n-1] (n >= 1). v is not modified.
 * struct summary s; stats_summarise(times, 20, &s); */
void stats_summarise(const double *v, int n, struct summary *s);

/* Median of v[0..n-1] (copies, does not reorder v). n >= 1. */
double stats_median(const double *v, int n);

/* Sort ascending in place. */
void stats_sort(double *v, int n);

#endif
