/* stream_calc.c: the stream lab's arithmetic, apart from any broker so the tests can
 * check it by hand (tests/test_stream.c): which consumer counts a series measures, which
 * partitions a consumer gets, how big a run is, what redis-benchmark said, how the
 * failover run's messages add up, and how fast a backlog grows and drains. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"

const int stream_work_us[STREAM_NLEVELS] = {0, 10, 50};
const int stream_parts[STREAM_NPARTS] = {1, 2, 4};

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

int stream_sweep(const struct lab_ctx *ctx, int past_cores, int **out)
{
    int p = ctx->topo->usable > 0 ? ctx->topo->usable : 1, n = 0, m = 0;
    int base[4] = {1, 2, 4, p}, *w;
    if (ctx->workers_given)
        return harness_workers_with_one(ctx, out);
    w = xmalloc(sizeof(int) * 4);
    for (int i = 0; i < 4; i++)
        if (base[i] == 1 || past_cores || base[i] <= p)
            w[n++] = base[i];
    qsort(w, (size_t)n, sizeof(int), cmp_int);
    for (int i = 0; i < n; i++) /* each count once */
        if (m == 0 || w[m - 1] != w[i])
            w[m++] = w[i];
    *out = w;
    return m;
}

int stream_assign(int i, int c, int k, int *out, int max)
{
    int n = 0;
    if (c <= 0 || i < 0 || i >= c)
        return 0;
    for (int part = i; part < k && n < max; part += c)
        out[n++] = part;
    return n;
}

uint64_t stream_messages_for(double seconds, double per_msg_s, int work_us, uint64_t lo,
                             uint64_t hi)
{
    double each = per_msg_s + work_us * 1e-6, n;
    if (!(each > 0) || !(seconds > 0))
        return lo;
    n = seconds / each;
    if (n < (double)lo)
        return lo;
    if (n > (double)hi)
        return hi;
    return (uint64_t)n;
}

int stream_parse_benchmark_csv(const char *text, double *rps)
{
    /* "test","rps",...\n"XADD s * n 1","123456.79",... : the second field of the first
     * line that is not the header. */
    const char *line = text;
    while (line && *line) {
        const char *end = strchr(line, '\n'), *q;
        double v;
        char *num_end;
        if (strncmp(line, "\"test\"", 6) != 0 && line[0] == '"' &&
            (q = strstr(line, "\",\"")) && (!end || q < end)) {
            v = strtod(q + 3, &num_end);
            if (num_end != q + 3 && *num_end == '"' && v > 0 && isfinite(v)) {
                *rps = v;
                return 0;
            }
        }
        line = end ? end + 1 : NULL;
    }
    return -1;
}

struct stream_failover_result stream_failover_account(const struct stream_failover_counts *c)
{
    struct stream_failover_result r;
    r.lost = (int64_t)c->produced - (int64_t)c->unique;
    r.duplicates = (int64_t)c->processings - (int64_t)c->unique;
    r.explained = (int64_t)c->victim_unacked + (int64_t)c->ack_misses;
    r.unexplained = r.duplicates - r.explained;
    /* Every message acknowledged exactly once, and the broker counted every processing
     * the consumers say they made. */
    r.consistent = c->hash_total == c->processings && c->acked == c->produced;
    return r;
}

double stream_slope(const double *t, const double *y, int n)
{
    double mt = 0, my = 0, sxy = 0, sxx = 0;
    if (n < 2)
        return NAN;
    for (int i = 0; i < n; i++)
        mt += t[i], my += y[i];
    mt /= n, my /= n;
    for (int i = 0; i < n; i++) {
        sxy += (t[i] - mt) * (y[i] - my);
        sxx += (t[i] - mt) * (t[i] - mt);
    }
    return sxx > 0 ? sxy / sxx : NAN;
}

double stream_drain_time(const double *t, const double *backlog, int n, double from,
                         double threshold)
{
    for (int i = 0; i < n; i++)
        if (t[i] >= from && backlog[i] <= threshold)
            return t[i] - from;
    return NAN;
}
