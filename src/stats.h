/* stats.h: the summary of one measured point: median, min, max, a 95% confidence
 * interval for the median, and outliers counted rather than hidden (EPCC method). */
#ifndef PARLAB_STATS_H
#define PARLAB_STATS_H

struct summary {
    int n;
    double median, min, max, mean, sd;
    /* 95% confidence interval of the median, distribution-free (order statistics
     * of the binomial): no normality assumed, robust to a noisy neighbour. With
     * n < 6 no pair of order statistics reaches 95%, so [min, max] is given and
     * ci_level says how much it covers (1 - 2 * 0.5^n). */
    double ci_lo, ci_hi, ci_level;
    /* Samples further than 3 scaled MADs from the median (robust "3 sigma"). */
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
