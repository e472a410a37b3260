/* labs/stream/stream.c: a fast stream, consumed in parallel (Redis Streams consumer groups).
 *
 * The question: messages arrive faster than one process can handle them: clicks, sensor
 * readings, orders. Kafka, Storm and Spark Streaming all answer the same way: keep the
 * messages in an append-only log at a broker, and let a *group* of consumers share it.
 * How much faster do more consumers make it, what limits them, and what happens when
 * one of them dies halfway through its work?
 *
 * The model (Redis Streams; Kafka's is the same in its essentials):
 *   - a stream is an append-only log: XADD appends a message, which gets an ID;
 *   - a consumer group reads it: XREADGROUP hands each new message to ONE consumer of
 *     the group, in batches (COUNT), and remembers the group's offset (last-delivered-id);
 *   - a delivered message stays in the group's pending entries list (PEL) until its
 *     consumer acknowledges it (XACK): if the consumer dies first, another one takes the
 *     message over (XAUTOCLAIM, after an idle time) and processes it again. Nothing is
 *     lost; some messages are processed twice: "at-least-once" delivery;
 *   - the group's lag is what is in the log but not delivered yet (XINFO GROUPS).
 *
 * The lab starts its own redis-server for each experiment (stream_broker.c: no
 * persistence, a Unix socket in a private folder), a C producer and C consumers with
 * hiredis (stream_team.c: processes forked before anything is timed), and Python
 * consumers with python3-redis (stream_consumer.py, driven by stream_python.c).
 *
 * The experiments, each in a child process of its own with its own broker, so that
 * Ctrl-C or SIGTERM stops the broker too (the child is asked to stop and cleans up):
 *   1. throughput  the producer, one XADD a round trip vs pipelined, beside redis-benchmark
 *                  (the broker's ceiling); then 1, 2, 4 and P consumers of one group with
 *                  no work, 10 us and 50 us of CPU work a message;
 *   2. gil         the same consumer in Python: N threads vs N processes, for work that
 *                  computes and for work that waits;
 *   3. lag         a producer faster than one consumer: the backlog grows; a second
 *                  consumer joins and drains it;
 *   4. failover    a consumer is killed mid-batch; the others take its messages over:
 *                  none is lost, the duplicates are counted exactly;
 *   5. partitions  Kafka's rule: a partition is read by one consumer of a group, so
 *                  consumers beyond the partitions sit idle;
 *   demo           (only when named) steady phases for a talk, watched in parmon.
 *
 * How it is measured: the consumer counts of one setting form a series (harness_series):
 * each repetition runs 1, 2, 4 ... consumers of the same team in turn, each on a fresh
 * consumer group of the same pre-filled stream (so every run reads the same messages),
 * and a speedup is that repetition's one-consumer time over its N-consumer time. Every
 * run is checked: each message was handled exactly once, or the run fails. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"
#include "work.h"

/* ---- the bench each experiment stands on: its own broker, a connection, consumers -------- */

struct bench {
    struct stream_broker broker;
    struct stream_conn *conn;  /* the driver's: producing, creating groups, watching */
    struct stream_team *team;  /* consumer processes, waiting for jobs */
};

static int bench_close(struct bench *k, int rc)
{
    stream_team_stop(k->team);
    stream_conn_close(k->conn);
    stream_broker_stop(&k->broker);
    return rc;
}

static void burn_units(void *arg, uint64_t n)
{
    *(uint64_t *)arg = burn(opaque(n), 7);
}

static int bench_open(struct lab_ctx *ctx, struct bench *k, int consumers)
{
    int rc;
    char where[400];
    uint64_t sink;
    struct harness_work w = {.run = burn_units, .arg = &sink};
    memset(k, 0, sizeof(*k));
    /* burn() units a microsecond on this core, now (a shared machine's speed moves): the
     * work of a message is sized from it */
    stream_units_per_us = harness_rate(&w, 0.01) / 1e6;
    if ((rc = stream_broker_start(&k->broker, (int)lab_opt(ctx, "port"))) != EXIT_OK)
        return rc;
    if (!(k->conn = stream_conn_open(&k->broker)) ||
        (consumers > 0 && !(k->team = stream_team_start(&k->broker, consumers))))
        return bench_close(k, EXIT_FAIL);
    harness_note(ctx, "  broker: redis-server (pid %d), no persistence, on %s", (int)k->broker.pid,
                 stream_broker_where(&k->broker, where, sizeof(where)));
    return EXIT_OK;
}

/* A timed run: wall time, and the CPU of this process and of its live children (the
 * consumers and the broker), so the point's cpu_cores says what the whole system used. */
struct timed {
    struct harness_clock c;
    double kids0;
};

static void clock_start(struct lab_ctx *ctx, struct timed *t, const struct point *pt)
{
    t->kids0 = harness_children_cpu_s();
    harness_clock_start(ctx, &t->c, pt);
}

static double clock_stop(struct lab_ctx *ctx, struct timed *t, const struct point *pt, int rep)
{
    return harness_clock_stop(ctx, pt, rep, &t->c, harness_children_cpu_s() - t->kids0);
}

static uint64_t units_for(int work_us)
{
    return (uint64_t)(work_us * stream_units_per_us + 0.5);
}

/* A job that drains a group: read batches until nothing new is left, acknowledge each. */
static struct stream_job drain_job(const char *stream, const char *group, int batch, int work_us)
{
    struct stream_job j;
    memset(&j, 0, sizeof(j));
    j.mode = MODE_DRAIN;
    j.nstreams = 1;
    snprintf(j.streams[0], sizeof(j.streams[0]), "%s", stream);
    snprintf(j.group, sizeof(j.group), "%s", group);
    j.batch = batch;
    j.work_units = units_for(work_us);
    return j;
}

/* Drain `group` of `stream` with the team's first w consumers; the messages they
 * handled must add up to `expect` exactly. *idle: consumers that got nothing. */
static int drain(struct lab_ctx *ctx, struct bench *k, int w, const struct stream_job *job,
                 uint64_t expect, int *idle)
{
    struct stream_report rep[w];
    uint64_t sum = 0;
    int rc = stream_team_run(k->team, w, job, rep);
    if (rc != EXIT_OK)
        return rc;
    if (idle)
        *idle = 0;
    for (int i = 0; i < w; i++) {
        sum += rep[i].processed;
        if (idle && rep[i].processed == 0)
            ++*idle;
    }
    if (sum != expect) {
        note("stream: %d consumers handled %llu messages, not %llu", w,
                     (unsigned long long)sum, (unsigned long long)expect);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

/* Seconds one consumer spends a message when the work is nothing: the broker's round
 * trips shared out over a batch. Every run is sized from it to last --seconds here. */
static int per_message_s(struct lab_ctx *ctx, struct bench *k, int batch, double *out)
{
    const uint64_t n = 4000;
    struct stream_job job = drain_job("calibrate", "calibrate", batch, 0);
    double t0;
    int rc;
    if (stream_produce(k->conn, "calibrate", 0, n, 1000) < 0 ||
        stream_group_create(k->conn, "calibrate", "calibrate") < 0)
        return EXIT_FAIL;
    t0 = now_s();
    if ((rc = drain(ctx, k, 1, &job, n, NULL)) != EXIT_OK)
        return rc;
    *out = (now_s() - t0) / (double)n;
    return stream_delete(k->conn, "calibrate") < 0 ? EXIT_FAIL : EXIT_OK;
}

/* The CPUs' worth w consumers can use: each wants a core for the fraction of its time
 * it computes (work_us out of work_us plus the broker's round trips), and no more than
 * the usable CPUs. No work: they mostly wait for the broker (0: not judged). */
static double consumers_want(const struct lab_ctx *ctx, int w, int work_us, double msg_s)
{
    return harness_cores_for(ctx, w) * work_us / (work_us + msg_s * 1e6);
}

/* A table cell: "123456 [120000, 130000] 94%": decimals digits, then suffix ("", " s"). */
static const char *fmt_cell(struct lab_ctx *ctx, const struct point *pt, const char *metric,
                            int decimals, const char *suffix, char *buf, size_t size)
{
    const struct summary *s = results_summary(ctx->res, pt, metric);
    char lvl[16];
    if (!s) {
        snprintf(buf, size, "-");
        return buf;
    }
    snprintf(buf, size, "%.*f%s [%.*f, %.*f] %s", decimals, s->median, suffix, decimals, s->ci_lo,
             decimals, s->ci_hi, fmt_level(s->ci_level, lvl, sizeof(lvl)));
    return buf;
}

static const char *flags_of(struct lab_ctx *ctx, const struct point *pt, char *buf, size_t size)
{
    results_flags(ctx->res, pt, buf, size);
    if (!strcmp(buf, "oversubscribed"))
        buf[0] = '\0'; /* the * beside the count says it */
    return buf;
}

/* ---- experiment 1: throughput -----------------------------------------------------------------
 * The producer first. A message sent with one XADD a round trip costs a round trip:
 * the producer's write, a context switch to the broker, its turn, a switch back. Sent
 * pipelined (100 XADDs in one write, the replies read together) the round trip is paid
 * once for 100 messages. redis-benchmark does the same with 4 connections: the most this
 * broker can append here, the ceiling every throughput below is compared with.
 *
 * Then the consumers. With no work a message costs the broker more than the consumer:
 * one broker thread serves everybody, so more consumers add little (flat). With 50 us of
 * CPU work a message the consumers are the bottleneck, and N of them on N cores go N
 * times as fast, until the cores run out (flat again). */

struct throughput_plan {
    struct point prod[3];
    struct point *cons; /* STREAM_NLEVELS series of nw points */
    int *w, nw;
    char param[STREAM_NLEVELS][32], prod_param[3][48];
};

static const char *const prod_variants[3] = {"round-trip", "pipelined", "redis-benchmark"};

static void throughput_plan(const struct lab_ctx *ctx, struct throughput_plan *p)
{
    int pipeline = (int)lab_opt(ctx, "pipeline");
    p->nw = stream_sweep(ctx, 1, &p->w);
    p->cons = xcalloc((size_t)(STREAM_NLEVELS * p->nw), sizeof(struct point));
    snprintf(p->prod_param[0], sizeof(p->prod_param[0]), "pipeline=1");
    snprintf(p->prod_param[1], sizeof(p->prod_param[1]), "pipeline=%d", pipeline);
    snprintf(p->prod_param[2], sizeof(p->prod_param[2]), "pipeline=%d;clients=4", pipeline);
    for (int i = 0; i < 3; i++)
        p->prod[i] = (struct point){"throughput", prod_variants[i], 1, p->prod_param[i], 0};
    for (int l = 0; l < STREAM_NLEVELS; l++) {
        snprintf(p->param[l], sizeof(p->param[l]), "work_us=%d", stream_work_us[l]);
        for (int i = 0; i < p->nw; i++)
            p->cons[l * p->nw + i] = (struct point){"throughput", "consumers", p->w[i], p->param[l], 0};
    }
}

static void throughput_plan_free(struct throughput_plan *p)
{
    free(p->cons), free(p->w);
}

static int throughput_points(const struct lab_ctx *ctx)
{
    struct throughput_plan p;
    int n;
    throughput_plan(ctx, &p);
    n = 3 + STREAM_NLEVELS * p.nw;
    throughput_plan_free(&p);
    return n;
}

/* Seconds a message costs the producer, one round trip each or pipelined. */
static int producer_cost(struct bench *k, uint64_t n, int pipeline, double *out)
{
    double t0 = now_s();
    if (stream_produce(k->conn, "calibrate", 0, n, pipeline) < 0)
        return EXIT_FAIL;
    *out = (now_s() - t0) / (double)n;
    return stream_delete(k->conn, "calibrate") < 0 ? EXIT_FAIL : EXIT_OK;
}

static int producer_series(struct lab_ctx *ctx, struct bench *k, struct point *pts,
                           const uint64_t *n, int pipeline)
{
    char prog[4096];
    int np = 3;
    if (!stream_find_program("redis-benchmark", prog, sizeof(prog))) {
        harness_skip(ctx, &pts[2], "redis-benchmark is not installed (apt-get install redis-tools): "
                                   "the pipelined producer stands in for the ceiling");
        np = 2;
    }
    harness_series(ctx, pts, np);
    for (int rep; harness_next_rep(ctx, &rep);)
        for (int o = 0; o < np; o++) {
            int i = harness_series_order(rep, o, np);
            struct timed t;
            double rate, sec;
            clock_start(ctx, &t, &pts[i]);
            if (i < 2) {
                if (stream_produce(k->conn, "produced", 0, n[i], i == 0 ? 1 : pipeline) < 0)
                    return EXIT_FAIL;
                sec = clock_stop(ctx, &t, &pts[i], rep);
                rate = (double)n[i] / sec;
            } else {
                /* its own count of requests a second: its start-up is not in it */
                rate = stream_benchmark_xadd(&k->broker, (long)n[i], pipeline, 4);
                clock_stop(ctx, &t, &pts[i], rep);
                if (rate < 0)
                    return EXIT_FAIL;
            }
            if (rep > 0)
                results_add(ctx->res, &pts[i], rep, "msgs_per_s", rate, "1/s");
            if (stream_delete(k->conn, i < 2 ? "produced" : "parlab:bench") < 0)
                return EXIT_FAIL;
        }
    return harness_interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
}

/* One work level: a stream of n messages filled once; each run of the series reads all
 * of it through a group of its own. */
static int consumer_series(struct lab_ctx *ctx, struct bench *k, struct point *pts, int nw,
                           int work_us, uint64_t n, int batch)
{
    char stream[32];
    snprintf(stream, sizeof(stream), "work%d", work_us);
    if (stream_produce(k->conn, stream, 0, n, 1000) < 0)
        return EXIT_FAIL;
    harness_series(ctx, pts, nw);
    for (int rep; harness_next_rep(ctx, &rep);)
        for (int o = 0; o < nw; o++) {
            int i = harness_series_order(rep, o, nw), rc;
            char group[32];
            struct stream_job job;
            struct timed t;
            double sec;
            snprintf(group, sizeof(group), "g%d.%d", rep, i);
            if (stream_group_create(k->conn, stream, group) < 0)
                return EXIT_FAIL;
            job = drain_job(stream, group, batch, work_us);
            clock_start(ctx, &t, &pts[i]);
            rc = drain(ctx, k, pts[i].workers, &job, n, NULL);
            sec = clock_stop(ctx, &t, &pts[i], rep);
            if (rc != EXIT_OK)
                return rc;
            if (rep > 0)
                results_add(ctx->res, &pts[i], rep, "msgs_per_s", (double)n / sec, "1/s");
            if (stream_group_destroy(k->conn, stream, group) < 0)
                return EXIT_FAIL;
        }
    return stream_delete(k->conn, stream) < 0 ? EXIT_FAIL : harness_interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
}

static int throughput_child(struct lab_ctx *ctx, void *arg)
{
    struct throughput_plan *p = arg;
    int batch = (int)lab_opt(ctx, "batch"), pipeline = (int)lab_opt(ctx, "pipeline"), rc;
    double secs = lab_opt(ctx, "seconds"), rt_s, pl_s, msg_s;
    uint64_t n[3];
    struct bench k;

    if ((rc = bench_open(ctx, &k, p->w[p->nw - 1])) != EXIT_OK)
        return rc;
    /* Size every run to last about --seconds here, whatever the machine. */
    if ((rc = producer_cost(&k, 300, 1, &rt_s)) != EXIT_OK ||
        (rc = producer_cost(&k, 3000, pipeline, &pl_s)) != EXIT_OK ||
        (rc = per_message_s(ctx, &k, batch, &msg_s)) != EXIT_OK)
        return bench_close(&k, rc);
    n[0] = stream_messages_for(secs, rt_s, 0, 200, 10000000);
    n[1] = n[2] = stream_messages_for(secs, pl_s, 0, 1000, 10000000);
    harness_note(ctx, "  sizes: %llu messages one XADD a round trip, %llu pipelined; a consumer "
                      "spends %.1f us a message on the broker's round trips", (unsigned long long)n[0],
                 (unsigned long long)n[1], msg_s * 1e6);
    rc = producer_series(ctx, &k, p->prod, n, pipeline);
    for (int l = 0; l < STREAM_NLEVELS && rc == EXIT_OK; l++) {
        int work = stream_work_us[l];
        struct point *pts = p->cons + l * p->nw;
        for (int i = 0; i < p->nw; i++)
            pts[i].cores_wanted = consumers_want(ctx, pts[i].workers, work, msg_s);
        rc = consumer_series(ctx, &k, pts, p->nw, work,
                             stream_messages_for(secs, msg_s, work, 1000, 10000000), batch);
    }
    return bench_close(&k, rc);
}

/* Every throughput as a fraction of the ceiling measured in the same repetition. */
static void add_ceiling_fractions(struct lab_ctx *ctx, struct throughput_plan *p)
{
    const struct point *ceil = &p->prod[2];
    for (int rep = 1; rep <= ctx->reps; rep++) {
        double c = results_value_at(ctx->res, ceil, "msgs_per_s", rep);
        if (!(c > 0))
            c = results_value_at(ctx->res, &p->prod[1], "msgs_per_s", rep); /* no redis-benchmark */
        if (!(c > 0))
            continue;
        for (int i = 0; i < 2 + STREAM_NLEVELS * p->nw; i++) {
            const struct point *pt = i < 2 ? &p->prod[i] : &p->cons[i - 2];
            double v = results_value_at(ctx->res, pt, "msgs_per_s", rep);
            if (!isnan(v))
                results_add(ctx->res, pt, rep, "ceiling_fraction", v / c, "fraction");
        }
    }
}

static int throughput(struct lab_ctx *ctx)
{
    struct throughput_plan p;
    char a[96], b[96], c[96], fl[128];
    int rc;
    throughput_plan(ctx, &p);
    printf("\n== throughput: a producer, then consumers of one group (batches of %d, XACK a batch)\n",
           (int)lab_opt(ctx, "batch"));
    rc = harness_child(ctx, throughput_child, &p, NULL, NULL);
    if (rc != EXIT_OK) {
        throughput_plan_free(&p);
        return rc;
    }
    add_ceiling_fractions(ctx, &p);
    for (int l = 0; l < STREAM_NLEVELS; l++)
        harness_speedup(ctx, p.cons + l * p.nw, p.nw);
    harness_progress_clear();
    printf("  %-16s %-12s %-40s %-28s\n", "producer", "", "messages/s [interval] coverage",
           "of the ceiling");
    for (int i = 0; i < 3; i++) {
        if (!results_summary(ctx->res, &p.prod[i], "msgs_per_s"))
            continue;
        printf("  %-16s %-12s %-40s %s\n", p.prod[i].variant, p.prod[i].param,
               fmt_cell(ctx, &p.prod[i], "msgs_per_s", 0, "", a, sizeof(a)),
               i == 2 ? "(the ceiling)" : fmt_cell(ctx, &p.prod[i], "ceiling_fraction", 2, "", b, sizeof(b)));
    }
    printf("\n  %-9s %9s  %-34s %-27s %-22s %5s  %s\n", "work/msg", "consumers", "messages/s [interval] coverage",
           "speedup [interval]", "of the ceiling", "cores", "flags");
    for (int l = 0; l < STREAM_NLEVELS; l++)
        for (int i = 0; i < p.nw; i++) {
            const struct point *pt = &p.cons[l * p.nw + i];
            char work[16];
            snprintf(work, sizeof(work), "%d us", stream_work_us[l]);
            printf("  %-9s %8d%s  %-34s %-27s %-22s %5.2f  %s\n", i == 0 ? work : "", pt->workers,
                   harness_oversubscribed(ctx, pt->workers) ? "*" : " ",
                   fmt_cell(ctx, pt, "msgs_per_s", 0, "", a, sizeof(a)),
                   fmt_cell(ctx, pt, "speedup", 2, "", b, sizeof(b)),
                   fmt_cell(ctx, pt, "ceiling_fraction", 2, "", c, sizeof(c)),
                   results_median(ctx->res, pt, "cpu_cores"), flags_of(ctx, pt, fl, sizeof(fl)));
        }
    fflush(stdout);
    throughput_plan_free(&p);
    return EXIT_OK;
}

/* ---- experiment 2: gil ---------------------------------------------------------------------------
 * The same consumer in Python (stream_consumer.py), the way most stream consumers are
 * written. N threads of one process share one GIL: while one computes, the others wait
 * for it, so a consumer whose work computes gets no faster with threads; N processes
 * have a GIL each. A consumer whose work waits (a call to another service: here a 50 us
 * sleep, which releases the GIL) scales with threads too: waiting needs no GIL. */

static const struct {
    const char *variant, *kind, *work;
    int past_cores; /* waiting workers are not limited by the CPUs */
} gil_variants[] = {
    {"threads-cpu", "threads", "cpu", 0},
    {"processes-cpu", "processes", "cpu", 0},
    {"threads-io", "threads", "io", 1},
};
#define GIL_WORK_US 50

struct gil_plan {
    struct point *pts[3];
    int *w[3], nw[3];
};

static void gil_plan(const struct lab_ctx *ctx, struct gil_plan *p)
{
    for (int v = 0; v < 3; v++) {
        p->nw[v] = stream_sweep(ctx, gil_variants[v].past_cores, &p->w[v]);
        p->pts[v] = xcalloc((size_t)p->nw[v], sizeof(struct point));
        for (int i = 0; i < p->nw[v]; i++) {
            int w = p->w[v][i];
            /* threads compute one at a time (the GIL): one CPU's worth at most */
            double want = !strcmp(gil_variants[v].work, "io") ? 0
                        : !strcmp(gil_variants[v].kind, "threads") ? 1 : harness_cores_for(ctx, w);
            p->pts[v][i] = (struct point){"gil", gil_variants[v].variant, w, "work_us=50", want};
        }
    }
}

static void gil_plan_free(struct gil_plan *p)
{
    for (int v = 0; v < 3; v++)
        free(p->pts[v]), free(p->w[v]);
}

static int gil_points(const struct lab_ctx *ctx)
{
    struct gil_plan p;
    int n;
    gil_plan(ctx, &p);
    n = p.nw[0] + p.nw[1] + p.nw[2];
    gil_plan_free(&p);
    return n;
}

static int gil_series(struct lab_ctx *ctx, struct bench *k, struct point *pts, int n, int v,
                      uint64_t msgs, int batch)
{
    void *team = stream_python_team(gil_variants[v].kind, pts[n - 1].workers, &k->broker, batch,
                                    gil_variants[v].work, GIL_WORK_US);
    int rc = EXIT_OK;
    if (!team)
        return EXIT_FAIL;
    harness_series(ctx, pts, n);
    for (int rep; rc == EXIT_OK && harness_next_rep(ctx, &rep);)
        for (int o = 0; o < n && rc == EXIT_OK; o++) {
            int i = harness_series_order(rep, o, n);
            char group[32];
            uint64_t done = 0;
            struct timed t;
            double sec;
            snprintf(group, sizeof(group), "py%d.%d.%d", v, rep, i);
            if (stream_group_create(k->conn, "py", group) < 0) {
                rc = EXIT_FAIL;
                break;
            }
            clock_start(ctx, &t, &pts[i]);
            if (stream_python_run(team, pts[i].workers, "py", group, &done) < 0) {
                if (stream_broker_died(&k->broker))
                    note("stream: the broker (redis-server) died mid-run: %s", k->broker.died);
                rc = EXIT_FAIL;
            }
            sec = clock_stop(ctx, &t, &pts[i], rep);
            if (rc == EXIT_OK && done != msgs) {
                note("stream: %d Python %s handled %llu messages, not %llu", pts[i].workers,
                             gil_variants[v].kind, (unsigned long long)done, (unsigned long long)msgs);
                rc = EXIT_FAIL;
            }
            if (rc == EXIT_OK && rep > 0)
                results_add(ctx->res, &pts[i], rep, "msgs_per_s", (double)msgs / sec, "1/s");
            if (rc == EXIT_OK && stream_group_destroy(k->conn, "py", group) < 0)
                rc = EXIT_FAIL;
        }
    stream_python_close(team);
    return rc != EXIT_OK ? rc : harness_interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
}

static int gil_child(struct lab_ctx *ctx, void *arg)
{
    struct gil_plan *p = arg;
    int batch = (int)lab_opt(ctx, "batch"), rc;
    const char *why = stream_python_start();
    struct bench k;
    uint64_t msgs;

    if (why) { /* no Python consumers here: every point skipped, with the reason */
        for (int v = 0; v < 3; v++)
            for (int i = 0; i < p->nw[v]; i++)
                harness_skip(ctx, &p->pts[v][i], "%s", why);
        stream_python_stop();
        return EXIT_OK;
    }
    if ((rc = bench_open(ctx, &k, 0)) != EXIT_OK) {
        stream_python_stop();
        return rc;
    }
    /* Size the runs: one Python thread on a few hundred messages. */
    {
        void *team = stream_python_team("threads", 1, &k.broker, batch, "cpu", GIL_WORK_US);
        uint64_t done = 0;
        double t0;
        if (!team || stream_produce(k.conn, "pycal", 0, 400, 400) < 0 ||
            stream_group_create(k.conn, "pycal", "g") < 0 || (t0 = now_s(),
            stream_python_run(team, 1, "pycal", "g", &done) < 0)) {
            stream_python_close(team);
            stream_python_stop();
            return bench_close(&k, EXIT_FAIL);
        }
        msgs = stream_messages_for(lab_opt(ctx, "seconds"), (now_s() - t0) / 400 - GIL_WORK_US * 1e-6,
                                   GIL_WORK_US, 200, 1000000);
        stream_python_close(team);
    }
    rc = stream_produce(k.conn, "py", 0, msgs, 1000) < 0 ? EXIT_FAIL : EXIT_OK;
    for (int v = 0; v < 3 && rc == EXIT_OK; v++)
        rc = gil_series(ctx, &k, p->pts[v], p->nw[v], v, msgs, batch);
    stream_python_stop();
    return bench_close(&k, rc);
}

static int gil_run(struct lab_ctx *ctx)
{
    struct gil_plan p;
    char a[96], b[96], fl[128];
    int rc;
    gil_plan(ctx, &p);
    printf("\n== gil: the same consumer in Python (python3-redis), %d us of work a message: N threads "
           "of one process vs N processes\n", GIL_WORK_US);
    rc = harness_child(ctx, gil_child, &p, NULL, NULL);
    if (rc == EXIT_OK) {
        harness_progress_clear();
        printf("  %-14s %9s  %-34s %-27s %5s  %s\n", "variant", "consumers", "messages/s [interval] coverage",
               "speedup [interval]", "cores", "flags");
        for (int v = 0; v < 3; v++) {
            if (!results_summary(ctx->res, &p.pts[v][0], "msgs_per_s"))
                continue; /* skipped: said why */
            harness_speedup(ctx, p.pts[v], p.nw[v]);
            for (int i = 0; i < p.nw[v]; i++) {
                const struct point *pt = &p.pts[v][i];
                printf("  %-14s %8d%s  %-34s %-27s %5.2f  %s\n", i == 0 ? pt->variant : "", pt->workers,
                       harness_oversubscribed(ctx, pt->workers) && pt->cores_wanted > 0 ? "*" : " ",
                       fmt_cell(ctx, pt, "msgs_per_s", 0, "", a, sizeof(a)),
                       fmt_cell(ctx, pt, "speedup", 2, "", b, sizeof(b)),
                       results_median(ctx->res, pt, "cpu_cores"), flags_of(ctx, pt, fl, sizeof(fl)));
            }
        }
        fflush(stdout);
    }
    gil_plan_free(&p);
    return rc;
}

/* ---- experiment 3: lag -----------------------------------------------------------------------------
 * A producer at a fixed rate, 1.25 times what one consumer can take (measured just before): the
 * group's backlog (lag: not yet delivered, plus pending: delivered, not acknowledged)
 * grows by the difference every second, for as long as it lasts. Then a second consumer
 * joins: together they take more than the rate, and the backlog drains at the new
 * difference. A stream that keeps up on average can still fall behind for a while;
 * what matters is how fast it catches up. */

#define LAG_OVERLOAD 1.25
#define LAG_SAMPLE_S 0.01

static struct point lag_point(void)
{
    return (struct point){"lag", "add-consumer", 2, "work_us=50;rate=1.25x", 0};
}

static int lag_points(const struct lab_ctx *ctx)
{
    (void)ctx;
    return 1;
}

struct lag_samples {
    double *t, *backlog;
    int n, cap;
};

static void lag_row(struct lab_ctx *ctx, int table, int rep, double t, int consumers,
                    uint64_t produced, long long lag, long long pending, const char *phase)
{
    char f[8][32];
    const char *fp[8] = {f[0], f[1], f[2], f[3], f[4], f[5], f[6], phase};
    snprintf(f[0], 32, "%d", rep);
    snprintf(f[1], 32, "%.4f", t);
    snprintf(f[2], 32, "%d", consumers);
    snprintf(f[3], 32, "%llu", (unsigned long long)produced);
    snprintf(f[4], 32, "%lld", lag);
    snprintf(f[5], 32, "%lld", pending);
    snprintf(f[6], 32, "%lld", lag + pending);
    results_table_row(ctx->res, table, fp);
}

/* One run: overload for overload_s with one consumer, then two until drained. */
static int lag_run(struct lab_ctx *ctx, struct bench *k, const struct point *pt, int rep,
                   double rate, double c1, double overload_s, int table)
{
    int batch = (int)lab_opt(ctx, "batch"), consumers = 1, rc = EXIT_OK;
    double max_drain = 2 * overload_s + 0.2, tail = 0.2 * overload_s, t_add = NAN, drained = NAN;
    /* caught up: no more than both consumers' batches in flight, and what arrives in 2 ms */
    double threshold = 2.0 * batch + rate * 0.002, next_sample = 0, t0, b_add = NAN;
    /* what other programs used while the two consumers drained: they need both CPUs */
    double busy0 = NAN, own0 = NAN, t_end = NAN;
    uint64_t produced = 0;
    char stream[32];
    struct stream_job job;
    struct stream_report reps[2];
    struct lag_samples s = {0};

    snprintf(stream, sizeof(stream), "lag%d", rep);
    if (stream_group_create(k->conn, stream, "g") < 0)
        return EXIT_FAIL;
    job = drain_job(stream, "g", batch, 50);
    job.mode = MODE_FOLLOW;
    s.cap = (int)((overload_s + max_drain) / LAG_SAMPLE_S) + 64;
    s.t = xmalloc(sizeof(double) * (size_t)s.cap);
    s.backlog = xmalloc(sizeof(double) * (size_t)s.cap);
    t0 = now_s();
    if (stream_team_send(k->team, 0, &job) < 0)
        rc = EXIT_FAIL;
    while (rc == EXIT_OK && !harness_interrupted()) {
        double t = now_s() - t0;
        uint64_t due = (uint64_t)(rate * t);
        if (consumers == 1 && t >= overload_s) { /* a second consumer joins the group */
            if (stream_team_send(k->team, 1, &job) < 0) {
                rc = EXIT_FAIL;
                break;
            }
            consumers = 2, t_add = t;
            busy0 = harness_machine_busy_s(), own0 = harness_tree_cpu_s();
        }
        if (due > produced) { /* the producer keeps its rate: what is due, pipelined */
            uint64_t m = due - produced > 5000 ? 5000 : due - produced;
            if (stream_produce(k->conn, stream, produced, m, 500) < 0) {
                rc = EXIT_FAIL;
                break;
            }
            produced += m;
        }
        if (t >= next_sample) {
            long long lag, pending, read;
            const char *phase = consumers == 1 ? "overload" : isnan(drained) ? "draining" : "caught-up";
            if (stream_group_info(k->conn, stream, "g", &lag, &pending, &read) < 0) {
                rc = EXIT_FAIL;
                break;
            }
            if (s.n < s.cap) {
                s.t[s.n] = t, s.backlog[s.n] = (double)(lag + pending);
                s.n++;
            }
            if (rep > 0)
                lag_row(ctx, table, rep, t, consumers, produced, lag, pending, phase);
            if (consumers == 2 && isnan(b_add))
                b_add = (double)(lag + pending);
            if (consumers == 2 && isnan(drained) && lag + pending <= threshold)
                drained = t - t_add;
            next_sample += LAG_SAMPLE_S;
        }
        if (!isnan(drained) && isnan(t_end)) /* the drain is over: what did others use? */
            t_end = t, busy0 = harness_machine_busy_s() - busy0, own0 = harness_tree_cpu_s() - own0;
        if (!isnan(drained) && t >= t_add + drained + tail)
            break; /* caught up, and stayed so for a moment */
        if (consumers == 2 && t >= t_add + max_drain) {
            if (isnan(t_end))
                t_end = t, busy0 = harness_machine_busy_s() - busy0, own0 = harness_tree_cpu_s() - own0;
            break; /* it does not drain here (one CPU: two consumers are no faster) */
        }
        {
            struct timespec ts = {0, 300000};
            nanosleep(&ts, NULL);
        }
    }
    stream_team_set_stop(k->team, 1);
    if (rc == EXIT_OK || rc == EXIT_INTERRUPTED) {
        int r2 = stream_team_collect(k->team, consumers, reps, 30);
        rc = rc == EXIT_OK ? r2 : rc;
    }
    stream_team_set_stop(k->team, 0);
    if (rc == EXIT_OK && rep > 0) {
        /* growth: the slope of the backlog over the overload phase, past its first 20% */
        int a = 0, m = 0;
        while (a < s.n && s.t[a] < 0.2 * overload_s)
            a++;
        while (a + m < s.n && s.t[a + m] < overload_s)
            m++;
        results_add(ctx->res, pt, rep, "rate", rate, "1/s");
        results_add(ctx->res, pt, rep, "capacity_one", c1, "1/s");
        results_add(ctx->res, pt, rep, "growth_per_s", stream_slope(s.t + a, s.backlog + a, m), "1/s");
        results_add(ctx->res, pt, rep, "predicted_growth_per_s", rate - c1, "1/s");
        results_add(ctx->res, pt, rep, "backlog_at_add", b_add, "messages");
        results_add(ctx->res, pt, rep, "add_s", t_add, "s");
        if (!(b_add > threshold)) { /* nothing to drain: the one consumer kept up after all */
            harness_note(ctx, "  repetition %d: no backlog when the second consumer joined (%.0f "
                              "messages): the one consumer kept up (the machine's speed moved); no "
                              "drain to time", rep, b_add);
        } else {
            if (2 * c1 > rate)
                results_add(ctx->res, pt, rep, "predicted_drain_s", b_add / (2 * c1 - rate), "s");
            if (!isnan(drained))
                results_add(ctx->res, pt, rep, "drain_s", drained, "s");
            else
                harness_note(ctx, "  repetition %d: the backlog did not drain within %.1f s of the second "
                                  "consumer joining", rep, max_drain);
            if (!isnan(t_end) && t_end - t_add > 0.05 && busy0 >= 0)
                results_add(ctx->res, pt, rep, "other_cores_draining",
                            fmax(0, (busy0 - own0) / (t_end - t_add)), "cores");
        }
    }
    free(s.t), free(s.backlog);
    if (rc == EXIT_OK && stream_delete(k->conn, stream) < 0)
        rc = EXIT_FAIL;
    return rc;
}

/* What one consumer takes a second, now: the best of two drains of about 0.05 s each
 * (a drain that was preempted would make the consumer look slower than it is, and the
 * producer would then not outrun it). Measured before every repetition: a shared
 * machine's speed moves, and the producer's rate must be 1.25x the consumer's there. */
static int capacity_one(struct lab_ctx *ctx, struct bench *k, int batch, uint64_t n, double *c1)
{
    static int runs;
    *c1 = 0;
    for (int i = 0; i < 2; i++) {
        char group[16];
        struct stream_job job;
        double t0;
        int rc;
        snprintf(group, sizeof(group), "c%d", runs++);
        job = drain_job("capacity", group, batch, 50);
        if (stream_group_create(k->conn, "capacity", group) < 0)
            return EXIT_FAIL;
        t0 = now_s();
        if ((rc = drain(ctx, k, 1, &job, n, NULL)) != EXIT_OK)
            return rc;
        *c1 = fmax(*c1, (double)n / (now_s() - t0));
        if (stream_group_destroy(k->conn, "capacity", group) < 0)
            return EXIT_FAIL;
    }
    return EXIT_OK;
}

static int lag_child(struct lab_ctx *ctx, void *arg)
{
    static const char *const cols[] = {"rep", "t", "consumers", "produced", "lag", "pending",
                                       "backlog", "phase"};
    const struct point *pt = arg;
    int batch = (int)lab_opt(ctx, "batch"), rc, table;
    double c1, overload = lab_opt(ctx, "lag-seconds");
    uint64_t n = (uint64_t)fmax(300, 0.05 / 55e-6);
    struct bench k;
    if ((rc = bench_open(ctx, &k, 2)) != EXIT_OK)
        return rc;
    if (stream_produce(k.conn, "capacity", 0, n, 1000) < 0)
        return bench_close(&k, EXIT_FAIL);
    table = results_table(ctx->res, "timeline", cols, 8);
    harness_point(ctx, pt);
    for (int rep; rc == EXIT_OK && harness_next_rep(ctx, &rep);) {
        struct timed t;
        if ((rc = capacity_one(ctx, &k, batch, n, &c1)) != EXIT_OK)
            break;
        if (rep == 1)
            harness_note(ctx, "  one consumer takes %.0f messages/s; the producer sends %.0f/s (%.2fx)", c1,
                         LAG_OVERLOAD * c1, LAG_OVERLOAD);
        clock_start(ctx, &t, pt);
        /* the warm-up is a short run: it only wakes everything up */
        rc = lag_run(ctx, &k, pt, rep, LAG_OVERLOAD * c1, c1, rep == 0 ? fmin(0.1, overload) : overload, table);
        clock_stop(ctx, &t, pt, rep);
    }
    return bench_close(&k, rc);
}

static int lag_exp(struct lab_ctx *ctx)
{
    struct point pt = lag_point();
    char a[96], b[96];
    int rc;
    printf("\n== lag: a producer 1.25x faster than one consumer (%d us of work a message) for %.2f s, "
           "then a second consumer joins\n", 50, lab_opt(ctx, "lag-seconds"));
    if ((rc = harness_child(ctx, lag_child, &pt, NULL, NULL)) != EXIT_OK)
        return rc;
    harness_progress_clear();
    printf("  backlog growth while overloaded   %-36s (rate - capacity: %.0f/s)\n",
           fmt_cell(ctx, &pt, "growth_per_s", 0, "/s", a, sizeof(a)),
           results_median(ctx->res, &pt, "predicted_growth_per_s"));
    printf("  backlog when the consumer joined  %-36s\n", fmt_cell(ctx, &pt, "backlog_at_add", 0, "", a, sizeof(a)));
    printf("  time to drain it                  %-36s (backlog / (2 x capacity - rate): %s)\n",
           fmt_cell(ctx, &pt, "drain_s", 3, " s", a, sizeof(a)),
           fmt_cell(ctx, &pt, "predicted_drain_s", 3, " s", b, sizeof(b)));
    fflush(stdout);
    return EXIT_OK;
}

/* ---- experiment 4: failover ------------------------------------------------------------------------
 * Three consumers share a stream. Every processing of a message is recorded at the broker
 * (HINCRBY on a hash: the side effect a real consumer would have, a row written, an email
 * sent). Consumer c1 starts first; in its third batch, after handling half of it, it stops,
 * the two others start, and c1 is killed (SIGKILL: no clean-up, as in a crash or an
 * out-of-memory kill): it processed those messages but never acknowledged them. The
 * survivors find them pending and idle, take them over with XAUTOCLAIM, and process them
 * again. The count, exactly: every message processed at least
 * once (none lost), and the duplicates are exactly c1's unacknowledged work, plus any
 * message taken over from a survivor that was slower than the idle time. */

static void failover_point(const struct lab_ctx *ctx, struct point *pt, char *param, size_t size)
{
    int batch = (int)lab_opt(ctx, "batch");
    snprintf(param, size, "batch=%d;idle_ms=%d;killed_after=%d", batch, (int)lab_opt(ctx, "idle-ms"),
             batch / 2);
    *pt = (struct point){"failover", "xautoclaim", STREAM_FAILOVER_CONSUMERS, param, 0};
}

static int failover_points(const struct lab_ctx *ctx)
{
    (void)ctx;
    return 1;
}

static int failover_run(struct lab_ctx *ctx, struct bench *k, const struct point *pt, int rep,
                        uint64_t produced)
{
    int batch = (int)lab_opt(ctx, "batch"), rc = EXIT_OK, left = STREAM_FAILOVER_CONSUMERS;
    char group[32];
    struct stream_job job;
    struct stream_failover_counts c = {.produced = produced};
    struct stream_failover_result r;
    struct timed t;
    double t_kill = NAN, t_end;

    snprintf(group, sizeof(group), "g%d", rep);
    if (stream_group_create(k->conn, "orders", group) < 0)
        return EXIT_FAIL;
    job = drain_job("orders", group, batch, 0);
    job.mode = MODE_FAILOVER;
    job.claim_idle_ms = (int)lab_opt(ctx, "idle-ms");
    snprintf(job.seen, sizeof(job.seen), "seen%d", rep);
    clock_start(ctx, &t, pt);
    /* c1 first, alone: it reads two batches, then stops halfway through its third and
     * waits (every run the same, whatever the machine's load: a race for the messages
     * could leave c1 none to die with) */
    {
        struct stream_job victim = job;
        victim.die_at_batch = 3, victim.die_after = batch / 2;
        if (stream_team_send(k->team, 0, &victim) < 0)
            rc = EXIT_FAIL;
    }
    /* then the two others start, and while they work c1 is killed: a crash, mid-batch */
    while (rc == EXIT_OK && left > 0) {
        struct stream_report one;
        if ((rc = stream_team_collect(k->team, 1, &one, 300)) != EXIT_OK)
            break;
        left--;
        c.processings += one.processed;
        c.acked += one.acked;
        c.ack_misses += one.ack_misses;
        if (one.id == 0) {
            for (int i = 1; i < STREAM_FAILOVER_CONSUMERS && rc == EXIT_OK; i++)
                if (stream_team_send(k->team, i, &job) < 0)
                    rc = EXIT_FAIL;
            if (one.dying) { /* it stopped mid-batch, unacknowledged */
                struct timespec ts = {0, 10 * 1000 * 1000};
                c.victim_unacked = one.processed - one.acked - one.ack_misses;
                nanosleep(&ts, NULL);
                stream_team_kill(k->team, 0);
                t_kill = now_s();
            }
        }
    }
    t_end = now_s();
    clock_stop(ctx, &t, pt, rep);
    if (rc != EXIT_OK)
        return rc;
    if (stream_seen_counts(k->conn, job.seen, &c.unique, &c.hash_total) < 0)
        return EXIT_FAIL;
    r = stream_failover_account(&c);
    if (!r.consistent) {
        note("stream: failover: the consumers report %llu processings and %llu acknowledgements, "
                          "the broker counted %llu processings of %llu messages",
                     (unsigned long long)c.processings, (unsigned long long)c.acked,
                     (unsigned long long)c.hash_total, (unsigned long long)produced);
        return EXIT_FAIL;
    }
    if (isnan(t_kill))
        harness_note(ctx, "  repetition %d: c1 finished before its third batch: nothing to take over "
                          "(more --failover-messages)", rep);
    if (rep > 0) {
        results_add(ctx->res, pt, rep, "produced", (double)produced, "messages");
        results_add(ctx->res, pt, rep, "processed_once_or_more", (double)c.unique, "messages");
        results_add(ctx->res, pt, rep, "processings", (double)c.processings, "messages");
        results_add(ctx->res, pt, rep, "lost", (double)r.lost, "messages");
        results_add(ctx->res, pt, rep, "duplicates", (double)r.duplicates, "messages");
        results_add(ctx->res, pt, rep, "killed_unacked", (double)c.victim_unacked, "messages");
        results_add(ctx->res, pt, rep, "taken_from_live", (double)c.ack_misses, "messages");
        results_add(ctx->res, pt, rep, "unexplained_duplicates", (double)r.unexplained, "messages");
        if (!isnan(t_kill))
            results_add(ctx->res, pt, rep, "takeover_s", t_end - t_kill, "s");
    }
    /* ready for the next repetition: a fresh c1, the group and the hash gone */
    if (stream_team_respawn(k->team, 0) < 0 || stream_group_destroy(k->conn, "orders", group) < 0 ||
        stream_delete(k->conn, job.seen) < 0)
        return EXIT_FAIL;
    return EXIT_OK;
}

static int failover_child(struct lab_ctx *ctx, void *arg)
{
    const struct point *pt = arg;
    uint64_t n = (uint64_t)lab_opt(ctx, "failover-messages");
    struct bench k;
    int rc;
    if ((rc = bench_open(ctx, &k, STREAM_FAILOVER_CONSUMERS)) != EXIT_OK)
        return rc;
    if (stream_produce(k.conn, "orders", 0, n, 1000) < 0)
        return bench_close(&k, EXIT_FAIL);
    harness_point(ctx, pt);
    for (int rep; rc == EXIT_OK && harness_next_rep(ctx, &rep);)
        rc = failover_run(ctx, &k, pt, rep, n);
    return bench_close(&k, rc);
}

static int failover(struct lab_ctx *ctx)
{
    struct point pt;
    char param[96];
    int rc;
    failover_point(ctx, &pt, param, sizeof(param));
    printf("\n== failover: 3 consumers; c1 is killed (SIGKILL) halfway through its 3rd batch of %d; "
           "the others take over what it left pending for %d ms (XAUTOCLAIM)\n",
           (int)lab_opt(ctx, "batch"), (int)lab_opt(ctx, "idle-ms"));
    if ((rc = harness_child(ctx, failover_child, &pt, NULL, NULL)) != EXIT_OK)
        return rc;
    harness_progress_clear();
    printf("  %-6s %9s %12s %12s %6s %11s %18s %16s %11s\n", "rep", "produced", "processed>=1",
           "processings", "lost", "duplicates", "= c1's unacked", "+ taken from live", "takeover");
    for (int rep = 1; rep <= ctx->reps; rep++) {
        double v[8];
        static const char *const m[8] = {"produced", "processed_once_or_more", "processings", "lost",
                                         "duplicates", "killed_unacked", "taken_from_live", "takeover_s"};
        for (int i = 0; i < 8; i++)
            v[i] = results_value_at(ctx->res, &pt, m[i], rep);
        if (isnan(v[0]))
            continue;
        printf("  %-6d %9.0f %12.0f %12.0f %6.0f %11.0f %18.0f %16.0f %9.0f ms\n", rep, v[0], v[1], v[2],
               v[3], v[4], v[5], v[6], v[7] * 1e3);
    }
    fflush(stdout);
    return EXIT_OK;
}

/* ---- experiment 5: partitions ---------------------------------------------------------------------
 * Kafka splits a topic into partitions and gives each partition of a topic to ONE consumer
 * of a group: that is how it keeps the order of messages within a partition. So a group
 * can use at most as many consumers as there are partitions; the rest sit idle. Here K
 * streams play K partitions, assigned round robin (consumer i reads partitions i, i + c,
 * ...), beside one stream shared by the whole group (Redis's own way, which gives up the
 * order between consumers instead). */

struct parts_plan {
    struct point *pts[STREAM_NPARTS + 1]; /* K = 1, 2, 4, then the shared stream */
    char param[STREAM_NPARTS + 1][40];
    int *w, nw;
};

static void parts_plan(const struct lab_ctx *ctx, struct parts_plan *p)
{
    p->nw = stream_sweep(ctx, 0, &p->w);
    for (int v = 0; v <= STREAM_NPARTS; v++) {
        p->pts[v] = xcalloc((size_t)p->nw, sizeof(struct point));
        if (v < STREAM_NPARTS)
            snprintf(p->param[v], sizeof(p->param[v]), "partitions=%d;work_us=50", stream_parts[v]);
        else
            snprintf(p->param[v], sizeof(p->param[v]), "work_us=50");
        for (int i = 0; i < p->nw; i++)
            p->pts[v][i] = (struct point){"partitions", v < STREAM_NPARTS ? "partitioned" : "shared",
                                          p->w[i], p->param[v], 0};
    }
}

static void parts_plan_free(struct parts_plan *p)
{
    for (int v = 0; v <= STREAM_NPARTS; v++)
        free(p->pts[v]);
    free(p->w);
}

static int partitions_points(const struct lab_ctx *ctx)
{
    struct parts_plan p;
    int n;
    parts_plan(ctx, &p);
    n = (STREAM_NPARTS + 1) * p.nw;
    parts_plan_free(&p);
    return n;
}

/* One run: c consumers of a fresh group over k partitions (k = 0: the shared stream). */
static int parts_run(struct lab_ctx *ctx, struct bench *k, int parts, int c, int rep, int v,
                     uint64_t total, int *idle)
{
    int batch = (int)lab_opt(ctx, "batch"), n = parts ? parts : 1, rc;
    char group[32], names[STREAM_MAX_STREAMS][48];
    struct stream_report reps[c];
    snprintf(group, sizeof(group), "g%d.%d.%d", v, rep, c);
    for (int j = 0; j < n; j++) {
        snprintf(names[j], sizeof(names[j]), parts ? "part%d.%d" : "shared", parts, j);
        if (stream_group_create(k->conn, names[j], group) < 0)
            return EXIT_FAIL;
    }
    for (int i = 0; i < c; i++) {
        struct stream_job job = drain_job(names[0], group, batch, 50);
        int mine[STREAM_MAX_STREAMS];
        if (parts) { /* Kafka's rule: each partition to one consumer of the group */
            job.nstreams = stream_assign(i, c, parts, mine, STREAM_MAX_STREAMS);
            for (int s = 0; s < job.nstreams; s++)
                snprintf(job.streams[s], sizeof(job.streams[s]), "%s", names[mine[s]]);
        }
        if (stream_team_send(k->team, i, &job) < 0)
            return EXIT_FAIL;
    }
    if ((rc = stream_team_collect(k->team, c, reps, 300)) != EXIT_OK)
        return rc;
    {
        uint64_t sum = 0;
        *idle = 0;
        for (int i = 0; i < c; i++) {
            sum += reps[i].processed;
            *idle += reps[i].processed == 0;
        }
        if (sum != total) {
            note("stream: %d consumers handled %llu messages, not %llu", c,
                         (unsigned long long)sum, (unsigned long long)total);
            return EXIT_FAIL;
        }
    }
    for (int j = 0; j < n; j++)
        if (stream_group_destroy(k->conn, names[j], group) < 0)
            return EXIT_FAIL;
    return EXIT_OK;
}

static int partitions_child(struct lab_ctx *ctx, void *arg)
{
    struct parts_plan *p = arg;
    int batch = (int)lab_opt(ctx, "batch"), rc;
    double msg_s;
    uint64_t total;
    struct bench k;
    if ((rc = bench_open(ctx, &k, p->w[p->nw - 1])) != EXIT_OK)
        return rc;
    if ((rc = per_message_s(ctx, &k, batch, &msg_s)) != EXIT_OK)
        return bench_close(&k, rc);
    total = stream_messages_for(lab_opt(ctx, "seconds"), msg_s, 50, 1000, 10000000);
    /* the same messages split over K partitions (and all in one shared stream) */
    for (int v = 0; v < STREAM_NPARTS; v++)
        for (int j = 0; j < stream_parts[v]; j++) {
            char name[48];
            snprintf(name, sizeof(name), "part%d.%d", stream_parts[v], j);
            if (stream_produce(k.conn, name, 0, share(total, stream_parts[v], j), 1000) < 0)
                return bench_close(&k, EXIT_FAIL);
        }
    if (stream_produce(k.conn, "shared", 0, total, 1000) < 0)
        return bench_close(&k, EXIT_FAIL);
    for (int v = 0; v <= STREAM_NPARTS && rc == EXIT_OK; v++) {
        int parts = v < STREAM_NPARTS ? stream_parts[v] : 0;
        struct point *pts = p->pts[v];
        for (int i = 0; i < p->nw; i++) { /* only the consumers that own a partition work */
            int busy = parts ? (pts[i].workers < parts ? pts[i].workers : parts) : pts[i].workers;
            pts[i].cores_wanted = consumers_want(ctx, busy, 50, msg_s);
        }
        harness_series(ctx, pts, p->nw);
        for (int rep; rc == EXIT_OK && harness_next_rep(ctx, &rep);)
            for (int o = 0; o < p->nw && rc == EXIT_OK; o++) {
                int i = harness_series_order(rep, o, p->nw), idle = 0;
                struct timed t;
                double sec;
                clock_start(ctx, &t, &pts[i]);
                rc = parts_run(ctx, &k, parts, pts[i].workers, rep, v, total, &idle);
                sec = clock_stop(ctx, &t, &pts[i], rep);
                if (rc == EXIT_OK && rep > 0) {
                    results_add(ctx->res, &pts[i], rep, "msgs_per_s", (double)total / sec, "1/s");
                    results_add(ctx->res, &pts[i], rep, "idle_consumers", idle, "consumers");
                }
            }
    }
    if (rc == EXIT_OK && harness_interrupted())
        rc = EXIT_INTERRUPTED;
    return bench_close(&k, rc);
}

static int partitions(struct lab_ctx *ctx)
{
    struct parts_plan p;
    char a[96], b[96], fl[128];
    int rc;
    parts_plan(ctx, &p);
    printf("\n== partitions: K streams as Kafka's partitions, each read by one consumer of the group, "
           "beside one shared stream (50 us of work a message)\n");
    rc = harness_child(ctx, partitions_child, &p, NULL, NULL);
    if (rc == EXIT_OK) {
        harness_progress_clear();
        printf("  %-13s %9s  %-34s %-27s %5s %5s  %s\n", "partitions", "consumers",
               "messages/s [interval] coverage", "speedup [interval]", "idle", "cores", "flags");
        for (int v = 0; v <= STREAM_NPARTS; v++) {
            char name[24];
            harness_speedup(ctx, p.pts[v], p.nw);
            if (v < STREAM_NPARTS)
                snprintf(name, sizeof(name), "%d", stream_parts[v]);
            else
                snprintf(name, sizeof(name), "shared stream");
            for (int i = 0; i < p.nw; i++) {
                const struct point *pt = &p.pts[v][i];
                printf("  %-13s %8d%s  %-34s %-27s %5.0f %5.2f  %s\n", i == 0 ? name : "", pt->workers,
                       harness_oversubscribed(ctx, pt->workers) ? "*" : " ",
                       fmt_cell(ctx, pt, "msgs_per_s", 0, "", a, sizeof(a)),
                       fmt_cell(ctx, pt, "speedup", 2, "", b, sizeof(b)),
                       results_median(ctx->res, pt, "idle_consumers"), results_median(ctx->res, pt, "cpu_cores"),
                       flags_of(ctx, pt, fl, sizeof(fl)));
            }
        }
        fflush(stdout);
    }
    parts_plan_free(&p);
    return rc;
}

/* ---- the demo: steady phases for a talk --------------------------------------------------------------
 * Each phase holds for --phase-seconds, announced as its own point so parmon's lab line
 * names it while the audience watches the cores: one consumer with 50 us of work (one
 * core busy, the broker nearly idle); P consumers (every core busy); P consumers with no
 * work (the broker's one thread is the busy one now, and the consumers wait for it).
 * Each repetition is a slice of the phase: drains of a pre-filled stream, back to back. */
static const struct {
    const char *variant;
    int all, work_us;
} demo_phases[] = {{"one-consumer", 0, 50}, {"all-consumers", 1, 50}, {"no-work", 1, 0}};

static int demo_points(const struct lab_ctx *ctx)
{
    (void)ctx;
    return (int)ARRAY_SIZE(demo_phases);
}

static int demo_child(struct lab_ctx *ctx, void *arg)
{
    int batch = (int)lab_opt(ctx, "batch"), p = ctx->topo->usable, rc, runs = 0;
    double slice = lab_opt(ctx, "phase-seconds") / (ctx->reps + 1), msg_s;
    struct bench k;
    (void)arg;
    if ((rc = bench_open(ctx, &k, p)) != EXIT_OK)
        return rc;
    if ((rc = per_message_s(ctx, &k, batch, &msg_s)) != EXIT_OK)
        return bench_close(&k, rc);
    for (size_t ph = 0; ph < ARRAY_SIZE(demo_phases) && rc == EXIT_OK; ph++) {
        int w = demo_phases[ph].all ? p : 1, work = demo_phases[ph].work_us;
        char param[32], stream[32];
        /* a drain lasts about 0.2 s with one consumer */
        uint64_t n = stream_messages_for(0.2, msg_s, work, 1000, 10000000);
        struct point pt = {"demo", demo_phases[ph].variant, w,
                           fmt_param(param, sizeof(param), "work_us=%d", work),
                           consumers_want(ctx, w, work, msg_s)};
        snprintf(stream, sizeof(stream), "demo%zu", ph);
        if (stream_produce(k.conn, stream, 0, n, 1000) < 0) {
            rc = EXIT_FAIL;
            break;
        }
        harness_point(ctx, &pt);
        for (int rep; rc == EXIT_OK && harness_next_rep(ctx, &rep);) {
            struct timed t;
            double t0 = now_s(), sec;
            uint64_t done = 0;
            clock_start(ctx, &t, &pt);
            while (rc == EXIT_OK && now_s() - t0 < slice && !harness_interrupted()) {
                char group[32];
                struct stream_job job;
                snprintf(group, sizeof(group), "g%d", runs++);
                job = drain_job(stream, group, batch, work);
                if (stream_group_create(k.conn, stream, group) < 0) {
                    rc = EXIT_FAIL;
                    break;
                }
                if ((rc = drain(ctx, &k, w, &job, n, NULL)) == EXIT_OK) {
                    done += n;
                    if (stream_group_destroy(k.conn, stream, group) < 0)
                        rc = EXIT_FAIL;
                }
            }
            sec = clock_stop(ctx, &t, &pt, rep);
            if (rc == EXIT_OK && rep > 0)
                results_add(ctx->res, &pt, rep, "msgs_per_s", (double)done / sec, "1/s");
        }
        stream_delete(k.conn, stream);
    }
    return bench_close(&k, rc);
}

static int demo(struct lab_ctx *ctx)
{
    int rc, p = ctx->topo->usable;
    printf("\n== demo: %d phases of %.0f s; watch parmon: one consumer on one core; %d consumers on %d "
           "cores; then no work, and the broker's one thread is the busy one\n",
           (int)ARRAY_SIZE(demo_phases), lab_opt(ctx, "phase-seconds"), p, p);
    if ((rc = harness_child(ctx, demo_child, NULL, NULL, NULL)) != EXIT_OK)
        return rc;
    harness_progress_clear();
    for (size_t ph = 0; ph < ARRAY_SIZE(demo_phases); ph++) {
        char param[32];
        int w = demo_phases[ph].all ? p : 1;
        struct point pt = {"demo", demo_phases[ph].variant, w,
                           fmt_param(param, sizeof(param), "work_us=%d", demo_phases[ph].work_us), 0};
        printf("  %-14s %2d consumer%s  %8.0f messages/s  %.2f cores\n", pt.variant, w, w == 1 ? " " : "s",
               results_median(ctx->res, &pt, "msgs_per_s"), results_median(ctx->res, &pt, "cpu_cores"));
    }
    fflush(stdout);
    return EXIT_OK;
}

/* ---- the lab -------------------------------------------------------------------------------------- */

/* Before anything runs: is there a broker to start? */
static int prepare(struct lab_ctx *ctx)
{
    const char *why = stream_missing();
    (void)ctx;
    if (why) {
        fflush(stdout);
        fprintf(stderr, "parlab: stream: skipped: %s\n", why);
        return EXIT_SKIPPED;
    }
    return EXIT_OK;
}

/* More than 256 consumer processes, or a failover stream too short for c1 to reach its
 * third batch with some left for the others, are mistakes to say before anything runs. */
static const char *check(const struct lab_ctx *ctx)
{
    static char why[200];
    int batch = (int)lab_opt(ctx, "batch");
    double need = 6.0 * batch; /* c1's three batches, and as many for the others */
    for (int i = 0; i < ctx->nworkers; i++)
        if (ctx->workers[i] > 256) {
            snprintf(why, sizeof(why), "--workers: %d consumers: at most 256 (each is a process with a "
                                       "connection)", ctx->workers[i]);
            return why;
        }
    if (lab_opt(ctx, "failover-messages") < need) {
        snprintf(why, sizeof(why), "--failover-messages %.0f: with --batch %d at least %.0f (six batches: "
                                   "the killed consumer dies in its third)", lab_opt(ctx, "failover-messages"),
                 batch, need);
        return why;
    }
    return NULL;
}

static const struct lab_experiment stream_experiments[] = {
    {"throughput", "a producer (one XADD a round trip vs pipelined) beside redis-benchmark, then 1, 2, 4, "
                   "P consumers of one group with no work, 10 us and 50 us a message", throughput,
     throughput_points, 0},
    {"gil", "the consumer in Python: N threads vs N processes, for work that computes and work that "
            "waits", gil_run, gil_points, 0},
    {"lag", "a producer faster than one consumer: the backlog over time, and how fast a second "
            "consumer drains it", lag_exp, lag_points, 0},
    {"failover", "a consumer killed mid-batch, its messages taken over (XAUTOCLAIM): none lost, the "
                 "duplicates counted exactly", failover, failover_points, 0},
    {"partitions", "K streams as Kafka's partitions, one consumer each, vs one shared stream: consumers "
                   "beyond the partitions sit idle", partitions, partitions_points, 0},
    {"demo", "for a talk: steady phases of --phase-seconds (1 consumer, P consumers, no work) to watch "
             "in parmon", demo, demo_points, 1},
    {NULL, NULL, NULL, NULL, 0},
};

static const struct lab_option stream_options[] = {
    {"seconds", "S", "length of a one-consumer run (throughput, gil, partitions)", LAB_OPT_NUMBER, 0.3,
     0.06, 0.005, 60},
    {"batch", "N", "messages a consumer asks for at once (XREADGROUP COUNT) and acknowledges together",
     LAB_OPT_INTEGER, 100, NAN, 2, 10000},
    {"pipeline", "N", "XADDs the pipelined producer sends before it reads their replies",
     LAB_OPT_INTEGER, 100, NAN, 2, 10000},
    {"port", "PORT", "run the broker on 127.0.0.1:PORT (0, the default: a Unix socket in a private "
                     "folder)", LAB_OPT_INTEGER, 0, NAN, 0, 65535},
    {"lag-seconds", "S", "length of the overload phase (lag)", LAB_OPT_NUMBER, 1.5, 0.3, 0.05, 60},
    {"failover-messages", "N", "messages in the failover stream", LAB_OPT_INTEGER, 20000, 3000, 100,
     10000000},
    {"idle-ms", "MS", "how long a pending message sits idle before another consumer takes it over",
     LAB_OPT_INTEGER, 200, 100, 1, 60000},
    {"phase-seconds", "S", "length of each demo phase", LAB_OPT_NUMBER, 10, 2, 0.2, 600},
    {NULL, NULL, NULL, 0, 0, 0, 0, 0},
};

static const char *const stream_charts[] = {"stream-throughput", "stream-scaling", "stream-lag",
                                            "stream-failover", NULL};

const struct lab lab_stream = {
    .name = "stream",
    .summary = "a fast stream shared by a consumer group (Redis Streams): throughput, the GIL, lag, "
               "failover, partitions",
    .help =
        "The lab starts its own redis-server (no persistence, a Unix socket in a private folder;\n"
        "--port for 127.0.0.1) for each experiment and stops it at the end, also on Ctrl-C,\n"
        "SIGTERM and failure. A C producer and C consumers (hiredis), Python consumers\n"
        "(python3-redis). Per point: messages/s, seconds, speedup (paired: against one consumer\n"
        "of the same repetition), the fraction of the broker's ceiling (redis-benchmark XADD in\n"
        "the same run), cores used; lag over time; the failover's exact message count.\n"
        "Needs redis-server, libhiredis-dev and python3-redis (make deps).\n"
        "Charts: plots/stream-throughput.gp, stream-scaling.gp, stream-lag.gp, stream-failover.gp.",
    .experiments = stream_experiments,
    .options = stream_options,
    .claims = stream_claims,
    .charts = stream_charts,
    .check = check,
    .prepare = prepare,
#ifndef PARLAB_HAVE_HIREDIS
    .unavailable = "this build has no hiredis, the C client of Redis (apt-get install libhiredis-dev, "
                   "or make deps; then make again)",
#endif
    .default_reps = 5,
    .quick_reps = 3,
    /* a broker of its own, consumer processes, redis-benchmark: in `parlab tour --all` */
    .tour_all_only = 1,
};
