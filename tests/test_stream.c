/* test_stream.c: the stream lab's invariants that do not depend on timing: the consumer
 * counts a series plans, Kafka's partition assignment, run sizes, redis-benchmark's CSV,
 * the failover accounting and the lag's arithmetic, the claims on hand-written summaries;
 * and, when redis-server is installed, the broker's life (started privately, nothing left
 * after it, a port in use refused), consumers that handle every message exactly once,
 * failover runs whose counts add up exactly every time, and a broker killed mid-run. */
#include "../labs/stream/stream.h"

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"
#include "claimlib.h"

extern const struct lab lab_stream;

/* ---- the arithmetic ------------------------------------------------------------------------ */

static int sweep(int usable, int past, int *out)
{
    struct topo t;
    struct lab_ctx ctx;
    int *w, n;
    memset(&t, 0, sizeof(t));
    memset(&ctx, 0, sizeof(ctx));
    t.usable = usable;
    ctx.topo = &t;
    n = stream_sweep(&ctx, past, &w);
    memcpy(out, w, sizeof(int) * (size_t)n);
    free(w);
    return n;
}

TEST(sweep_counts)
{
    int w[8];
    CHECK(sweep(2, 1, w) == 3 && w[0] == 1 && w[1] == 2 && w[2] == 4); /* 4: past the cores */
    CHECK(sweep(2, 0, w) == 2 && w[0] == 1 && w[1] == 2);
    CHECK(sweep(1, 0, w) == 1 && w[0] == 1);
    CHECK(sweep(1, 1, w) == 3 && w[2] == 4);
    CHECK(sweep(4, 1, w) == 3 && w[2] == 4); /* P = 4: counted once */
    CHECK(sweep(8, 0, w) == 4 && w[3] == 8);
    CHECK(sweep(3, 1, w) == 4 && w[2] == 3 && w[3] == 4); /* ascending */
}

TEST(partitions_go_to_one_consumer_each)
{
    int p[8], n;
    CHECK(stream_assign(0, 2, 4, p, 8) == 2 && p[0] == 0 && p[1] == 2);
    CHECK(stream_assign(1, 2, 4, p, 8) == 2 && p[0] == 1 && p[1] == 3);
    CHECK(stream_assign(0, 3, 1, p, 8) == 1 && p[0] == 0);
    CHECK(stream_assign(1, 3, 1, p, 8) == 0); /* beyond the partitions: idle */
    CHECK(stream_assign(0, 1, 4, p, 8) == 4);
    CHECK(stream_assign(2, 2, 4, p, 8) == 0 && stream_assign(0, 0, 4, p, 8) == 0);
    /* every partition to exactly one consumer, for any counts */
    for (int c = 1; c <= 6; c++)
        for (int k = 1; k <= 6; k++) {
            int seen[8] = {0};
            for (int i = 0; i < c; i++) {
                n = stream_assign(i, c, k, p, 8);
                for (int j = 0; j < n; j++)
                    seen[p[j]]++;
            }
            for (int j = 0; j < k; j++)
                CHECK(seen[j] == 1);
        }
}

TEST(run_sizes)
{
    CHECK(stream_messages_for(0.1, 4e-6, 0, 100, 1000000) == 25000);
    CHECK(stream_messages_for(0.1, 4e-6, 50, 100, 1000000) == 1851);
    CHECK(stream_messages_for(0.1, 4e-6, 50, 5000, 1000000) == 5000);  /* at least lo */
    CHECK(stream_messages_for(100, 1e-9, 0, 100, 1000000) == 1000000); /* at most hi */
    CHECK(stream_messages_for(0.1, 0, 0, 100, 1000000) == 100);        /* nonsense: lo */
}

TEST(benchmark_csv)
{
    double rps = 0;
    CHECK(stream_parse_benchmark_csv("\"test\",\"rps\",\"avg_latency_ms\"\n"
                                     "\"XADD parlab:bench * n 1\",\"265252.00\",\"1.468\"\n", &rps) == 0);
    CHECK_NEAR(rps, 265252.0, 1e-6);
    CHECK(stream_parse_benchmark_csv("WARNING: Could not fetch server CONFIG\n\"XADD s\",\"1000.5\",\"1\"\n",
                                     &rps) == 0);
    CHECK_NEAR(rps, 1000.5, 1e-9);
    CHECK(stream_parse_benchmark_csv("\"test\",\"rps\"\n", &rps) < 0);
    CHECK(stream_parse_benchmark_csv("Could not connect to Redis at /x: No such file\n", &rps) < 0);
    CHECK(stream_parse_benchmark_csv("\"XADD\",\"-3\"\n", &rps) < 0);
    CHECK(stream_parse_benchmark_csv("", &rps) < 0);
}

TEST(failover_accounting)
{
    /* 1000 messages; the killed consumer processed 50 it never acknowledged; one more was
     * taken over from a slow survivor: 51 duplicates, all explained, none lost */
    struct stream_failover_counts c = {.produced = 1000, .processings = 1051, .acked = 1000,
                                       .ack_misses = 1, .victim_unacked = 50, .unique = 1000,
                                       .hash_total = 1051};
    struct stream_failover_result r = stream_failover_account(&c);
    CHECK(r.lost == 0 && r.duplicates == 51 && r.explained == 51 && r.unexplained == 0 && r.consistent);
    c.unique = 998; /* two never processed */
    r = stream_failover_account(&c);
    CHECK(r.lost == 2 && r.duplicates == 53 && r.unexplained == 2);
    c.unique = 1000, c.hash_total = 1050; /* the broker saw one processing fewer */
    CHECK(!stream_failover_account(&c).consistent);
    c.hash_total = 1051, c.acked = 999; /* one message never acknowledged */
    CHECK(!stream_failover_account(&c).consistent);
}

TEST(lag_arithmetic)
{
    double t[] = {0, 1, 2, 3, 4, 5, 6}, y[] = {0, 10, 20, 30, 25, 5, 0};
    CHECK_NEAR(stream_slope(t, y, 4), 10, 1e-12);
    CHECK(isnan(stream_slope(t, y, 1)));
    CHECK_NEAR(stream_drain_time(t, y, 7, 3, 5), 2, 1e-12);  /* from t = 3: 5 at t = 5 */
    CHECK_NEAR(stream_drain_time(t, y, 7, 0, 5), 0, 1e-12);  /* already there at the start */
    CHECK(isnan(stream_drain_time(t, y, 7, 3, -1)));
}

/* ---- the claims on hand-written summaries ------------------------------------------------ */

static struct sumrow row(const char *e, const char *v, int w, const char *p, const char *m, double med)
{
    struct sumrow r;
    memset(&r, 0, sizeof(r));
    r.experiment = (char *)e, r.variant = (char *)v, r.param = (char *)p, r.metric = (char *)m;
    r.unit = (char *)"", r.flags = (char *)"";
    r.workers = w, r.n = 5, r.outliers = 0;
    r.median = med, r.min = r.ci_lo = 0.95 * med, r.max = r.ci_hi = 1.05 * med, r.ci_level = 0.94;
    return r;
}

static struct sumrow count(const char *m, double v) /* a count: the same in every repetition */
{
    struct sumrow r = row("failover", "xautoclaim", 3, "batch=100;idle_ms=100;killed_after=50", m, v);
    r.min = r.max = r.ci_lo = r.ci_hi = v;
    return r;
}

enum { NCLAIMS = 14 };
struct medians {
    double pl, rt;               /* producer messages/s */
    double sp0, sp50, sp50_over; /* consumer speedups at 2 (no work, 50 us) and at 4 */
    double threads, procs, io4;  /* Python speedups */
    double growth, drain;        /* lag (predicted: 5000/s, 0.15 s) */
    double lost, unexplained;    /* failover */
    double one_part, k2;         /* partitions speedups at 2 */
    double demo_all;             /* messages/s at 2 (one: 19000) */
};

static void judge(int usable, const struct medians *m, enum verdict *v)
{
    struct sumrow rows[] = {
        row("throughput", "round-trip", 1, "pipeline=1", "msgs_per_s", m->rt),
        row("throughput", "pipelined", 1, "pipeline=100", "msgs_per_s", m->pl),
        row("throughput", "consumers", 1, "work_us=0", "speedup", 1),
        row("throughput", "consumers", 2, "work_us=0", "speedup", m->sp0),
        row("throughput", "consumers", 1, "work_us=50", "speedup", 1),
        row("throughput", "consumers", 2, "work_us=50", "speedup", m->sp50),
        row("throughput", "consumers", 4, "work_us=50", "speedup", m->sp50_over),
        row("gil", "threads-cpu", 2, "work_us=50", "speedup", m->threads),
        row("gil", "processes-cpu", 2, "work_us=50", "speedup", m->procs),
        row("gil", "threads-io", 4, "work_us=50", "speedup", m->io4),
        row("lag", "add-consumer", 2, "work_us=50;rate=1.25x", "growth_per_s", m->growth),
        row("lag", "add-consumer", 2, "work_us=50;rate=1.25x", "predicted_growth_per_s", 5000),
        row("lag", "add-consumer", 2, "work_us=50;rate=1.25x", "drain_s", m->drain),
        row("lag", "add-consumer", 2, "work_us=50;rate=1.25x", "predicted_drain_s", 0.15),
        count("produced", 3000), count("processed_once_or_more", 3000 - m->lost), count("lost", m->lost),
        count("duplicates", 50 + m->unexplained), count("killed_unacked", 50), count("taken_from_live", 0),
        count("unexplained_duplicates", m->unexplained),
        row("partitions", "partitioned", 2, "partitions=1;work_us=50", "speedup", m->one_part),
        row("partitions", "partitioned", 2, "partitions=1;work_us=50", "idle_consumers", 1),
        row("partitions", "partitioned", 2, "partitions=2;work_us=50", "speedup", m->k2),
        row("partitions", "shared", 2, "work_us=50", "speedup", m->k2),
        row("demo", "one-consumer", 1, "work_us=50", "msgs_per_s", 19000),
        row("demo", "all-consumers", 2, "work_us=50", "msgs_per_s", m->demo_all),
    };
    int nrows = 0;
    for (size_t k = 0; k < ARRAY_SIZE(rows); k++) { /* idle_consumers is a count too */
        if (!strcmp(rows[k].metric, "idle_consumers"))
            rows[k].min = rows[k].max = rows[k].median;
        if (isnan(m->drain) && strstr(rows[k].metric, "drain_s"))
            continue; /* no repetition built a backlog: no drain, no prediction */
        rows[nrows++] = rows[k];
    }
    tl_judge_verbose = 1; /* say why a claim did not hold */
    CHECK(tl_judge_all(&lab_stream, rows, nrows, usable, 5, v, NCLAIMS) == NCLAIMS);
}

TEST(claims_follow_the_numbers)
{
    enum verdict v[NCLAIMS];
    struct medians good = {300000, 60000, 1.3, 1.9, 1.9, 1.0, 1.85, 3.5, 6000, 0.2, 0, 0, 1.0, 1.9, 36000};
    struct medians wrong = {100000, 60000, 1.15, 1.2, 1.9, 1.8, 1.0, 1.5, 1000, 2.0, 5, 3, 1.9, 1.0, 20000};
    judge(2, &good, v); /* as the lesson says */
    for (int i = 0; i < NCLAIMS; i++)
        CHECK(v[i] == VERDICT_HOLDS);
    judge(2, &wrong, v); /* every claim contradicted */
    for (int i = 0; i < NCLAIMS; i++)
        CHECK(v[i] == VERDICT_FAILS);
    /* one CPU: what needs two cannot tell; nothing is judged false for lack of a CPU */
    good.sp50_over = 1.0; /* 4 consumers on 1 CPU: no faster */
    judge(1, &good, v);
    for (int i = 0; i < NCLAIMS; i++)
        CHECK(v[i] != VERDICT_FAILS);
    CHECK(v[1] == VERDICT_CANNOT_TELL && v[2] == VERDICT_CANNOT_TELL && v[4] == VERDICT_CANNOT_TELL &&
          v[5] == VERDICT_CANNOT_TELL && v[8] == VERDICT_CANNOT_TELL && v[11] == VERDICT_CANNOT_TELL &&
          v[12] == VERDICT_CANNOT_TELL && v[13] == VERDICT_CANNOT_TELL);
    CHECK(v[0] == VERDICT_HOLDS && v[9] == VERDICT_HOLDS && v[10] == VERDICT_HOLDS);
    /* the one consumer kept up (a busy machine): no backlog, no drain to time: cannot tell,
     * not "did not drain" */
    good.sp50_over = 1.9, good.drain = NAN;
    judge(2, &good, v);
    CHECK(v[8] == VERDICT_CANNOT_TELL);
    CHECK(v[7] == VERDICT_HOLDS && v[9] == VERDICT_HOLDS);
}

/* ---- with a real broker ----------------------------------------------------------------------- */

static int have_broker(void)
{
    if (stream_missing()) {
        printf("#   skipped: %s\n", stream_missing());
        return 0;
    }
    return 1;
}

static int gone(pid_t pid)
{
    return pid > 0 && kill(pid, 0) < 0 && errno == ESRCH;
}

TEST(broker_starts_privately_and_leaves_nothing)
{
    struct stream_broker b;
    struct stat st;
    pid_t pid;
    char dir[256];
    if (!have_broker())
        return;
    CHECK(stream_broker_start(&b, 0) == EXIT_OK);
    pid = b.pid;
    snprintf(dir, sizeof(dir), "%s", b.dir);
    CHECK(pid > 0 && stream_broker_alive(&b));
    CHECK(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700); /* only this user */
    CHECK(stat(b.sock, &st) == 0 && S_ISSOCK(st.st_mode));
    stream_broker_stop(&b);
    CHECK(gone(pid));
    CHECK(stat(dir, &st) < 0 && errno == ENOENT);
    stream_broker_stop(&b); /* twice: harmless */
}

TEST(broker_port_in_use_is_refused)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    struct stream_broker b;
    int fd, one = 1;
    if (!have_broker())
        return;
    fd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    CHECK(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(fd, 1) == 0);
    getsockname(fd, (struct sockaddr *)&a, &len);
    printf("#   a port in use (%d): expect a one-line refusal\n", ntohs(a.sin_port));
    fflush(stdout);
    CHECK(stream_broker_start(&b, ntohs(a.sin_port)) == EXIT_FAIL);
    CHECK(b.pid == 0 && b.dir[0] == '\0'); /* nothing left: no server, no folder */
    close(fd);
}

/* A broker, a connection and a team, for the tests below. */
struct rig {
    struct stream_broker b;
    struct stream_conn *c;
    struct stream_team *t;
};

static int rig_up(struct rig *r, int consumers)
{
    memset(r, 0, sizeof(*r));
    if (stream_broker_start(&r->b, 0) != EXIT_OK || !(r->c = stream_conn_open(&r->b)) ||
        !(r->t = stream_team_start(&r->b, consumers)))
        return -1;
    return 0;
}

static void rig_down(struct rig *r)
{
    stream_team_stop(r->t);
    stream_conn_close(r->c);
    stream_broker_stop(&r->b);
}

static struct stream_job job_for(int mode, const char *stream, const char *group, int batch)
{
    struct stream_job j;
    memset(&j, 0, sizeof(j));
    j.mode = mode, j.nstreams = 1, j.batch = batch;
    snprintf(j.streams[0], sizeof(j.streams[0]), "%s", stream);
    snprintf(j.group, sizeof(j.group), "%s", group);
    return j;
}

TEST(consumers_handle_each_message_once)
{
    struct rig r;
    struct stream_report rep[3];
    if (!have_broker())
        return;
    CHECK(rig_up(&r, 3) == 0);
    CHECK(stream_produce(r.c, "s", 0, 2000, 100) == 0);
    for (int w = 1; w <= 3; w++) {
        char g[16];
        struct stream_job j;
        uint64_t sum = 0, acked = 0;
        long long lag = -1, pending = -1, read = -1;
        snprintf(g, sizeof(g), "g%d", w);
        CHECK(stream_group_create(r.c, "s", g) == 0);
        j = job_for(MODE_DRAIN, "s", g, 64);
        CHECK(stream_team_run(r.t, w, &j, rep) == EXIT_OK);
        for (int i = 0; i < w; i++)
            sum += rep[i].processed, acked += rep[i].acked;
        CHECK(sum == 2000 && acked == 2000);
        CHECK(stream_group_info(r.c, "s", g, &lag, &pending, &read) == 0);
        CHECK(lag == 0 && pending == 0 && read == 2000); /* delivered, acknowledged */
    }
    /* two partitions, one consumer idle */
    CHECK(stream_produce(r.c, "p0", 0, 300, 100) == 0 && stream_produce(r.c, "p1", 0, 200, 100) == 0);
    CHECK(stream_group_create(r.c, "p0", "k") == 0 && stream_group_create(r.c, "p1", "k") == 0);
    {
        struct stream_job j = job_for(MODE_DRAIN, "p0", "k", 50), idle = j;
        snprintf(j.streams[1], sizeof(j.streams[1]), "p1");
        j.nstreams = 2;
        idle.nstreams = 0;
        CHECK(stream_team_send(r.t, 0, &j) == 0 && stream_team_send(r.t, 1, &idle) == 0);
        CHECK(stream_team_collect(r.t, 2, rep, 60) == EXIT_OK);
        CHECK(rep[0].processed + rep[1].processed == 500);
        CHECK(rep[0].processed == 0 || rep[1].processed == 0);
    }
    rig_down(&r);
}

/* The failover, several times: the counts add up exactly every time. */
TEST(failover_counts_are_exact_every_time)
{
    struct rig r;
    if (!have_broker())
        return;
    CHECK(rig_up(&r, 3) == 0);
    CHECK(stream_produce(r.c, "orders", 0, 1500, 500) == 0);
    for (int run = 0; run < 4; run++) {
        char g[16];
        struct stream_job j;
        struct stream_failover_counts c = {.produced = 1500};
        struct stream_failover_result res;
        int left = 3, killed = 0;
        snprintf(g, sizeof(g), "g%d", run);
        CHECK(stream_group_create(r.c, "orders", g) == 0);
        j = job_for(MODE_FAILOVER, "orders", g, 50);
        j.claim_idle_ms = 30;
        snprintf(j.seen, sizeof(j.seen), "seen%d", run);
        {   /* the victim first (the lab's order): it stops in its second batch */
            struct stream_job mine = j;
            mine.die_at_batch = 2, mine.die_after = 10 + run;
            CHECK(stream_team_send(r.t, 0, &mine) == 0);
        }
        while (left > 0) {
            struct stream_report one;
            if (stream_team_collect(r.t, 1, &one, 60) != EXIT_OK) {
                CHECK(0);
                break;
            }
            left--;
            c.processings += one.processed, c.acked += one.acked, c.ack_misses += one.ack_misses;
            if (one.id == 0) {
                CHECK(stream_team_send(r.t, 1, &j) == 0 && stream_team_send(r.t, 2, &j) == 0);
                if (one.dying) {
                    c.victim_unacked = one.processed - one.acked - one.ack_misses;
                    CHECK(stream_team_kill(r.t, 0) == 0);
                    killed = 1;
                }
            }
        }
        CHECK(stream_seen_counts(r.c, j.seen, &c.unique, &c.hash_total) == 0);
        res = stream_failover_account(&c);
        printf("#   run %d: %llu processings, %lld duplicates (%llu unacknowledged by the killed one, "
               "%llu taken from a live one), %lld lost\n", run, (unsigned long long)c.processings,
               (long long)res.duplicates, (unsigned long long)c.victim_unacked,
               (unsigned long long)c.ack_misses, (long long)res.lost);
        CHECK(killed && c.victim_unacked == (uint64_t)(10 + run));
        CHECK(res.lost == 0 && res.unexplained == 0 && res.consistent);
        CHECK(res.duplicates >= 10 + run);
        CHECK(stream_team_respawn(r.t, 0) == 0);
    }
    rig_down(&r);
}

TEST(broker_killed_mid_run_is_an_error)
{
    struct rig r;
    struct stream_report rep[2];
    struct stream_job j;
    pid_t pid;
    if (!have_broker())
        return;
    CHECK(rig_up(&r, 2) == 0);
    CHECK(stream_produce(r.c, "s", 0, 20000, 1000) == 0 && stream_group_create(r.c, "s", "g") == 0);
    j = job_for(MODE_DRAIN, "s", "g", 10);
    j.work_units = 200000; /* a while a message: the broker dies under them */
    CHECK(stream_team_send(r.t, 0, &j) == 0 && stream_team_send(r.t, 1, &j) == 0);
    pid = r.b.pid;
    usleep(50000);
    kill(pid, SIGKILL);
    printf("#   the broker killed: expect a one-line error\n");
    fflush(stdout);
    CHECK(stream_team_collect(r.t, 2, rep, 30) == EXIT_FAIL);
    CHECK(!stream_broker_alive(&r.b) && strstr(r.b.died, "signal 9"));
    rig_down(&r);
    CHECK(gone(pid) && r.b.dir[0] == '\0');
}

int main(void)
{
    alarm(300); /* a hung broker must fail the suite, not hang it */
    RUN(sweep_counts);
    RUN(partitions_go_to_one_consumer_each);
    RUN(run_sizes);
    RUN(benchmark_csv);
    RUN(failover_accounting);
    RUN(lag_arithmetic);
    RUN(claims_follow_the_numbers);
    RUN(broker_starts_privately_and_leaves_nothing);
    RUN(broker_port_in_use_is_refused);
    RUN(consumers_handle_each_message_once);
    RUN(failover_counts_are_exact_every_time);
    RUN(broker_killed_mid_run_is_an_error);
    return TEST_DONE();
}
