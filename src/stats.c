/* stats.c: medians, order-statistic confidence intervals, robust outlier counts. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void stats_sort(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
}

static double median_sorted(const double *v, int n)
{
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double stats_median(const double *v, int n)
{
    double *c = xmalloc(sizeof(*c) * (size_t)n), m;
    memcpy(c, v, sizeof(*c) * (size_t)n);
    stats_sort(c, n);
    m = median_sorted(c, n);
    free(c);
    return m;
}

/* P(X <= k) for X ~ Binomial(n, 1/2), computed in logs to stay exact enough for
 * large n. */
static double binom_half_cdf(int k, int n)
{
    double sum = 0.0;
    for (int i = 0; i <= k; i++)
        sum += exp(lgamma(n + 1.0) - lgamma(i + 1.0) - lgamma(n - i + 1.0) - n * log(2.0));
    return sum;
}

void stats_summarise(const double *v, int n, struct summary *s)
{
    double *c = xmalloc(sizeof(*c) * (size_t)n);
    double sum = 0, ss = 0, mad, *dev;
    memcpy(c, v, sizeof(*c) * (size_t)n);
    stats_sort(c, n);

    memset(s, 0, sizeof(*s));
    s->n = n;
    s->min = c[0];
    s->max = c[n - 1];
    s->median = median_sorted(c, n);
    for (int i = 0; i < n; i++)
        sum += c[i];
    s->mean = sum / n;
    for (int i = 0; i < n; i++)
        ss += (c[i] - s->mean) * (c[i] - s->mean);
    s->sd = n > 1 ? sqrt(ss / (n - 1)) : 0.0;

    /* Largest k with P(X < k) <= 2.5%: then [x(k), x(n-k+1)] (1-based) covers
     * the true median with at least 95% probability. */
    s->ci_lo = c[0];
    s->ci_hi = c[n - 1];
    s->ci_level = 1.0 - 2.0 * pow(0.5, n);
    for (int k = n / 2; k >= 1; k--) {
        double tail = binom_half_cdf(k - 1, n);
        if (tail <= 0.025) {
            s->ci_lo = c[k - 1];
            s->ci_hi = c[n - k];
            s->ci_level = 1.0 - 2.0 * tail;
            break;
        }
    }

    /* Outliers: |x - median| > 3 * 1.4826 * MAD. The MAD of normal data times
     * 1.4826 estimates its sd, so this is "3 sigma" that outliers cannot inflate. */
    dev = xmalloc(sizeof(*dev) * (size_t)n);
    for (int i = 0; i < n; i++)
        dev[i] = fabs(c[i] - s->median);
    stats_sort(dev, n);
    mad = 1.4826 * median_sorted(dev, n);
    for (int i = 0; i < n; i++)
        if (mad > 0 && fabs(c[i] - s->median) > 3.0 * mad)
            s->outliers++;
    if (n < 5)
        s->outliers = -1; /* too few to tell an outlier from the spread */
    free(dev);
    free(c);
}
