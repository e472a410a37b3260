/* test_tvp.c: the tvp lab's pieces that must be right whatever the timings: the /proc
 * parsers (tvp_proc.c, on saved text), the shared-memory ring (tvp_ring.c: every
 * message arrives once, in order, intact; closing and a dead peer end a wait instead of
 * hanging it), and the team of workers (tvp_team.c: every job's shares add up, threads
 * and processes alike; a dead worker process ends the job instead of hanging it). The lesson's claims are tested on a doctored summary in t_tvp.sh. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../labs/tvp/tvp.h"
#include "report.h"
#include "testlib.h"

/* Saved from this project's VM (Linux 6.1): /proc/self/smaps_rollup and part of status. */
static const char rollup_sample[] =
    "5577132d7000-7ffd3b367000 ---p 00000000 00:00 0                          [rollup]\n"
    "Rss:                1752 kB\n"
    "Pss:                 401 kB\n"
    "Pss_Dirty:           112 kB\n"
    "Pss_Anon:            112 kB\n"
    "Pss_File:            289 kB\n"
    "Pss_Shmem:             0 kB\n"
    "Shared_Clean:       1576 kB\n"
    "Shared_Dirty:          0 kB\n"
    "Private_Clean:        64 kB\n"
    "Private_Dirty:       112 kB\n"
    "Referenced:         1752 kB\n"
    "Anonymous:           112 kB\n"
    "SwapPss:               7 kB\n";

static const char status_sample[] =
    "Name:\tparlab\n"
    "Umask:\t0022\n"
    "State:\tR (running)\n"
    "VmPeak:\t   12060 kB\n"
    "VmSize:\t   12060 kB\n"
    "VmHWM:\t    1752 kB\n"
    "VmRSS:\t    1752 kB\n"
    "RssAnon:\t     112 kB\n"
    "Threads:\t1\n";

static char *write_tmp(const char *text)
{
    const char *dir = getenv("TMPDIR");
    char *path = malloc(4096);
    FILE *f;
    snprintf(path, 4096, "%s/test_tvp.XXXXXX", dir && *dir ? dir : "/tmp");
    close(mkstemp(path));
    f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

TEST(parses_smaps_rollup)
{
    static const char *const keys[] = {"Rss", "Pss", "Private_Clean", "Private_Dirty", "Swap"};
    double v[5] = {-1, -1, -1, -1, -1};
    CHECK(tvp_parse_kb_fields(rollup_sample, keys, v, 5) == 4);
    CHECK(v[0] == 1752);
    CHECK(v[1] == 401); /* not Pss_Dirty, Pss_Anon or SwapPss */
    CHECK(v[2] == 64);
    CHECK(v[3] == 112);
    CHECK(v[4] == -1); /* absent: left untouched */
}

TEST(parses_status_with_tabs)
{
    static const char *const keys[] = {"VmRSS", "VmSize", "Threads"};
    double v[3] = {0, 0, 0};
    CHECK(tvp_parse_kb_fields(status_sample, keys, v, 3) == 3);
    CHECK(v[0] == 1752);
    CHECK(v[1] == 12060);
    CHECK(v[2] == 1);
}

TEST(rejects_garbage)
{
    static const char *const keys[] = {"Rss"};
    double v[1] = {-1};
    CHECK(tvp_parse_kb_fields("", keys, v, 1) == 0);
    CHECK(tvp_parse_kb_fields("Rss: lots\nXRss: 5 kB\n Rss: 3 kB", keys, v, 1) == 0);
    CHECK(v[0] == -1);
    CHECK(tvp_parse_kb_fields("Rss: 5 kB", keys, v, 1) == 1); /* no final newline */
    CHECK(v[0] == 5);
}

TEST(mem_from_files_and_fallback)
{
    char *r = write_tmp(rollup_sample), *s = write_tmp(status_sample);
    struct tvp_mem m;
    CHECK(tvp_mem_from(r, s, &m) == 0);
    CHECK(m.rss == 1752 && m.pss == 401 && m.private_kib == 176);
    /* No smaps_rollup (an old kernel): RSS from status, PSS honestly unknown. */
    CHECK(tvp_mem_from("/nonexistent/smaps_rollup", s, &m) == 0);
    CHECK(m.rss == 1752 && isnan(m.pss) && isnan(m.private_kib));
    CHECK(tvp_mem_from(NULL, "/nonexistent/status", &m) == -1);
    CHECK(tvp_read_kb_fields("/nonexistent/status", NULL, NULL, 0) == -1);
    unlink(r), unlink(s);
    free(r), free(s);
}

TEST(mem_of_self_is_plausible)
{
    struct tvp_mem m;
    CHECK(tvp_mem_of(0, &m) == 0);
    CHECK(m.rss > 0);
    if (!isnan(m.pss))
        CHECK(m.pss > 0 && m.pss <= m.rss && m.private_kib <= m.rss);
}

/* ---- the ring ------------------------------------------------------------------ */

#define SLOT 4096
#define NMSG 20000

struct ring_test {
    struct tvp_chan *c;
    int bad; /* messages out of order or corrupted */
    int got;
};

/* Message i: a length that varies from 1 to SLOT bytes, filled with a pattern of i. */
static size_t msg_len(int i)
{
    return 1 + (size_t)(i * 37) % SLOT;
}

static void fill(unsigned char *b, int i)
{
    memcpy(b, &i, sizeof(i));
    for (size_t k = sizeof(i); k < msg_len(i); k++)
        b[k] = (unsigned char)(i + (int)k);
}

static int check_msg(const unsigned char *b, long n, int i)
{
    int id;
    if (n != (long)msg_len(i))
        return 0;
    if (n >= (long)sizeof(int)) {
        memcpy(&id, b, sizeof(id));
        if (id != i)
            return 0;
    }
    for (long k = sizeof(i); k < n; k++)
        if (b[k] != (unsigned char)(i + (int)k))
            return 0;
    return 1;
}

static void *receiver(void *p)
{
    struct ring_test *t = p;
    unsigned char buf[SLOT];
    long n;
    while ((n = tvp_chan_recv(t->c, buf, 0)) >= 0) {
        if (!check_msg(buf, n, t->got))
            t->bad++;
        t->got++;
    }
    return NULL;
}

static void ring_between_threads(int spin, int nslots)
{
    void *mem = aligned_alloc(64, tvp_chan_bytes(SLOT, nslots));
    struct ring_test t = {0, 0, 0};
    unsigned char buf[SLOT];
    pthread_t th;
    memset(mem, 0, tvp_chan_bytes(SLOT, nslots));
    t.c = tvp_chan_init(mem, SLOT, nslots, spin);
    pthread_create(&th, NULL, receiver, &t);
    for (int i = 0; i < NMSG; i++) {
        fill(buf, i);
        CHECK(tvp_chan_send(t.c, buf, msg_len(i), 0) == 0);
    }
    /* Closing with messages still queued: the receiver drains them first. */
    tvp_chan_close(t.c);
    pthread_join(th, NULL);
    CHECK(t.got == NMSG);
    CHECK(t.bad == 0);
    free(mem);
}

TEST(ring_threads_spin)
{
    ring_between_threads(1, 4);
}

TEST(ring_threads_sleep_one_slot)
{
    ring_between_threads(0, 1);
}

TEST(ring_closed_fails)
{
    void *mem = aligned_alloc(64, tvp_chan_bytes(64, 2));
    struct tvp_chan *c;
    char b[64] = "x";
    memset(mem, 0, tvp_chan_bytes(64, 2));
    c = tvp_chan_init(mem, 64, 2, 0);
    CHECK(tvp_chan_send(c, b, 1, 0) == 0);
    tvp_chan_close(c);
    CHECK(tvp_chan_send(c, b, 1, 0) == -1);
    CHECK(tvp_chan_recv(c, b, 0) == 1); /* what was sent before the close arrives */
    CHECK(tvp_chan_recv(c, b, 0) == -1);
    free(mem);
}

/* Two processes over MAP_SHARED memory: the child sends, the parent checks. */
TEST(ring_between_processes)
{
    size_t bytes = tvp_chan_bytes(SLOT, 4);
    void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    struct tvp_chan *c = tvp_chan_init(mem, SLOT, 4, 1);
    unsigned char buf[SLOT];
    int got = 0, bad = 0, st = 0;
    long n;
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < NMSG; i++) {
            fill(buf, i);
            if (tvp_chan_send(c, buf, msg_len(i), 0) < 0)
                _exit(1);
        }
        tvp_chan_close(c);
        _exit(0);
    }
    while ((n = tvp_chan_recv(c, buf, pid)) >= 0) {
        bad += !check_msg(buf, n, got);
        got++;
    }
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK(got == NMSG);
    CHECK(bad == 0);
    munmap(mem, bytes);
}

/* A peer that dies without closing: the wait ends (-1) instead of hanging forever. */
TEST(ring_dead_peer_ends_wait)
{
    size_t bytes = tvp_chan_bytes(64, 2);
    void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    struct tvp_chan *c = tvp_chan_init(mem, 64, 2, 0);
    char b[64];
    int st = 0;
    pid_t pid = fork();
    if (pid == 0)
        raise(SIGKILL); /* a crash */
    CHECK(tvp_chan_recv(c, b, pid) == -1);
    waitpid(pid, &st, 0);
    CHECK(WIFSIGNALED(st));
    munmap(mem, bytes);
}

/* ---- the team (tvp_team.c): every job done exactly once, threads and processes ---- */

static void team_jobs(int procs)
{
    struct topo t;
    struct tvp_team *tm;
    struct tvp_result r;
    struct tvp_job cpu = {.io = 0, .amount = 100003}, io = {.io = 1, .amount = 8, .wait_us = 1000};
    struct tvp_job timed = {.io = 0, .chunk = 1000, .seconds = 0.05};
    topo_detect(&t);
    tm = tvp_team_start(4, procs, TVP_PIN_NONE, &t);
    for (int active = 1; active <= 4; active++) {
        CHECK(tvp_team_run(tm, active, &cpu, &r) == 0);
        CHECK(r.done == 100003); /* the shares add up to the amount, whatever T */
        CHECK(r.wall > 0 && r.cpu >= 0);
        CHECK(tvp_team_run(tm, active, &io, &r) == 0);
        CHECK(r.done == 8);
        CHECK(r.wall >= 0.9 * 8e-3 / active); /* the waits were really waited */
    }
    CHECK(tvp_team_run(tm, 2, &timed, &r) == 0);
    CHECK(r.done > 0 && r.done % 1000 == 0);
    CHECK(r.wall >= 0.05);
    CHECK(tvp_team_run(tm, 5, &cpu, &r) == -1); /* more than the team has */
    CHECK((tvp_team_pid(tm, 0) > 0) == (procs != 0));
    CHECK(tvp_team_stop(tm) == 0);
    topo_free(&t);
}

TEST(team_threads)
{
    team_jobs(0);
}

TEST(team_processes)
{
    team_jobs(1);
}

/* A worker process that dies: the job fails (-1) instead of waiting forever, and the
 * team still ends, reaping every worker. */
TEST(team_dead_worker_ends_job)
{
    struct topo t;
    struct tvp_team *tm;
    struct tvp_result r;
    struct tvp_job io = {.io = 1, .amount = 2, .wait_us = 1000};
    topo_detect(&t);
    tm = tvp_team_start(2, 1, TVP_PIN_NONE, &t);
    kill(tvp_team_pid(tm, 1), SIGKILL);
    CHECK(tvp_team_run(tm, 2, &io, &r) == -1);
    CHECK(tvp_team_run(tm, 1, &io, &r) == -1); /* a broken team takes no more jobs */
    CHECK(tvp_team_stop(tm) == -1);
    topo_free(&t);
}

TEST(parses_meminfo)
{
    static const char meminfo[] = "MemTotal:       24586856 kB\n"
                                  "MemFree:        21931804 kB\n"
                                  "MemAvailable:   23575520 kB\n"
                                  "Buffers:           73512 kB\n";
    static const char *const keys[] = {"MemAvailable"};
    double v[1] = {0};
    CHECK(tvp_parse_kb_fields(meminfo, keys, v, 1) == 1);
    CHECK(v[0] == 23575520);
}

/* ---- the claims, on summaries written by hand ------------------------------------ */

static struct sumrow rows[32];
static int nrows;

static void row(const char *exp, const char *variant, int workers, const char *param,
                const char *metric, double median, double lo, double hi)
{
    rows[nrows++] = (struct sumrow){(char *)exp, (char *)variant, (char *)param, (char *)metric,
                                    (char *)"", (char *)"", workers, 5, -1, median, lo, hi,
                                    lo, hi, 0.9375, 0};
}

/* The verdict of the claim about experiment exp (its k-th) on the rows so far. */
static enum verdict judge(const char *exp, int k, int usable)
{
    struct report_lab l;
    struct claim_out o;
    memset(&l, 0, sizeof(l));
    l.lab = &lab_tvp;
    l.rows = rows;
    l.nrows = nrows;
    l.usable = usable;
    for (const struct lab_claim *c = lab_tvp.claims; c->text; c++)
        if (!strcmp(c->experiment, exp) && k-- == 0) {
            report_judge(&l, c, &o);
            return o.verdict;
        }
    return (enum verdict)-1;
}

TEST(claims_create)
{
    nrows = 0;
    row("create", "pthread", 1, "", "us", 30, 28, 32);
    row("create", "fork", 1, "", "us", 300, 280, 320);
    row("create", "posix-spawn", 1, "", "us", 600, 580, 620);
    row("create", "fork", 1, "rss_mib=256", "us", 9000, 8800, 9200);
    row("create", "posix-spawn", 1, "rss_mib=256", "us", 590, 570, 640);
    CHECK(judge("create", 0, 2) == VERDICT_HOLDS);
    CHECK(judge("create", 1, 2) == VERDICT_HOLDS);
    /* A thread slower than a fork, and a fork that does not grow: both do not hold. */
    rows[0].median = 800, rows[0].ci_lo = rows[0].min = 790, rows[0].ci_hi = rows[0].max = 810;
    rows[3].median = 310, rows[3].ci_lo = rows[3].min = 300, rows[3].ci_hi = rows[3].max = 330;
    CHECK(judge("create", 0, 2) == VERDICT_FAILS);
    CHECK(judge("create", 1, 2) == VERDICT_FAILS);
    /* ... unless other programs kept the machine busy meanwhile: then cannot tell. */
    row("create", "pthread", 1, "", "other_cores", 1.6, 1.6, 1.6);
    CHECK(judge("create", 0, 2) == VERDICT_CANNOT_TELL);
    CHECK(judge("create", 0, 4) == VERDICT_FAILS); /* 1.6 of 4 CPUs left it room */
    nrows--;
    /* Too small a parent to show anything: cannot tell, whatever the numbers. */
    rows[3].param = (char *)"rss_mib=8", rows[4].param = (char *)"rss_mib=8";
    CHECK(judge("create", 1, 2) == VERDICT_CANNOT_TELL);
}

TEST(claims_memory)
{
    const char *p = "stack_kib=64", *cow = "stack_kib=64;array_mib=16";
    nrows = 0;
    row("memory", "threads", 4, p, "private_kib", 0, 0, 4);
    row("memory", "processes", 4, p, "private_kib", 140, 136, 144);
    row("memory", "cow-read", 4, cow, "private_kib", 140, 140, 148);
    row("memory", "cow-write", 4, cow, "private_kib", 16520, 16500, 16540);
    CHECK(judge("memory", 0, 2) == VERDICT_HOLDS); /* a 0 KiB thread is fine */
    CHECK(judge("memory", 1, 2) == VERDICT_HOLDS);
    rows[3].median = 2000, rows[3].ci_lo = 1900, rows[3].ci_hi = 2100; /* writers did not copy */
    CHECK(judge("memory", 1, 2) == VERDICT_FAILS);
    rows[0].median = 300, rows[0].ci_lo = 290, rows[0].ci_hi = 310;
    CHECK(judge("memory", 0, 2) == VERDICT_FAILS);
}

TEST(claims_communicate)
{
    const char *p = "bytes=8;pattern=pingpong";
    nrows = 0;
    row("communicate", "threads-shm", 2, p, "latency_us", 0.13, 0.12, 0.14);
    row("communicate", "processes-shm", 2, p, "latency_us", 0.13, 0.12, 0.15);
    row("communicate", "pipe", 2, p, "latency_us", 7, 6.5, 7.5);
    row("communicate", "socketpair", 2, p, "latency_us", 9, 8, 10);
    CHECK(judge("communicate", 0, 2) == VERDICT_HOLDS);
    CHECK(judge("communicate", 0, 1) == VERDICT_CANNOT_TELL); /* the rings spin only with 2 */
    rows[2].median = 0.1, rows[2].ci_lo = 0.09, rows[2].ci_hi = 0.11;
    CHECK(judge("communicate", 0, 2) == VERDICT_FAILS);
}

TEST(claims_scaling)
{
    const char *c = "units=1e8", *io = "waits=64;wait_us=4000";
    nrows = 0;
    row("cpu-bound", "threads", 1, c, "speedup", 1, 1, 1);
    row("cpu-bound", "threads", 2, c, "speedup", 1.97, 1.95, 1.99);
    row("cpu-bound", "threads", 4, c, "speedup", 1.9, 1.85, 1.95);
    row("cpu-bound", "processes", 1, c, "speedup", 1, 1, 1);
    row("cpu-bound", "processes", 2, c, "speedup", 1.96, 1.9, 1.99);
    row("io-bound", "threads-1cpu", 1, io, "speedup", 1, 1, 1);
    row("io-bound", "threads-1cpu", 32, io, "speedup", 24, 22, 26);
    CHECK(judge("cpu-bound", 0, 2) == VERDICT_HOLDS);
    CHECK(judge("cpu-bound", 0, 1) == VERDICT_CANNOT_TELL);
    CHECK(judge("io-bound", 0, 2) == VERDICT_HOLDS);
    CHECK(judge("io-bound", 0, 1) == VERDICT_HOLDS); /* one CPU is the point */
    rows[1].median = 1.0, rows[1].ci_lo = 0.95, rows[1].ci_hi = 1.05; /* threads did not scale */
    rows[6].median = 3, rows[6].ci_lo = 2.8, rows[6].ci_hi = 3.2;
    CHECK(judge("cpu-bound", 0, 2) == VERDICT_FAILS);
    CHECK(judge("io-bound", 0, 2) == VERDICT_FAILS);
}

TEST(claims_demo)
{
    const char *c = "work=lcg", *io = "wait_us=5000";
    nrows = 0;
    row("demo", "cpu-threads", 2, c, "throughput", 4e9, 3.9e9, 4.1e9);
    row("demo", "cpu-processes", 2, c, "throughput", 3.9e9, 3.8e9, 4.0e9);
    row("demo", "io-threads-1cpu", 1, io, "throughput", 198, 197, 199);
    row("demo", "io-threads-1cpu", 32, io, "throughput", 6200, 6100, 6300);
    row("demo", "io-threads-1cpu", 32, io, "cpu_cores", 0.05, 0.04, 0.07);
    CHECK(judge("demo", 0, 2) == VERDICT_HOLDS);
    CHECK(judge("demo", 1, 2) == VERDICT_HOLDS);
    CHECK(judge("demo", 1, 1) == VERDICT_HOLDS); /* waiting needs no second CPU */
    rows[1].median = 2e9, rows[1].ci_lo = 1.9e9, rows[1].ci_hi = 2.1e9; /* processes at half pace */
    CHECK(judge("demo", 0, 2) == VERDICT_FAILS);
    rows[3].median = 400, rows[3].ci_lo = 390, rows[3].ci_hi = 410; /* the waits did not overlap */
    CHECK(judge("demo", 1, 2) == VERDICT_FAILS);
    row("demo", "io-threads-1cpu", 32, io, "other_cores", 1.9, 1.9, 1.9); /* ... on a busy machine */
    CHECK(judge("demo", 1, 2) == VERDICT_CANNOT_TELL);
    nrows--;
    rows[3].median = 6200, rows[3].ci_lo = 6100, rows[3].ci_hi = 6300;
    rows[4].median = 0.9, rows[4].ci_lo = 0.8, rows[4].ci_hi = 1.0; /* waiting that burned a core */
    CHECK(judge("demo", 1, 2) == VERDICT_FAILS);
    nrows = 2; /* the io phases not measured */
    CHECK(judge("demo", 1, 2) == VERDICT_CANNOT_TELL);
}

int main(void)
{
    RUN(parses_smaps_rollup);
    RUN(parses_status_with_tabs);
    RUN(rejects_garbage);
    RUN(mem_from_files_and_fallback);
    RUN(mem_of_self_is_plausible);
    RUN(ring_threads_spin);
    RUN(ring_threads_sleep_one_slot);
    RUN(ring_closed_fails);
    RUN(ring_between_processes);
    RUN(ring_dead_peer_ends_wait);
    RUN(team_threads);
    RUN(team_processes);
    RUN(team_dead_worker_ends_job);
    RUN(parses_meminfo);
    RUN(claims_create);
    RUN(claims_memory);
    RUN(claims_communicate);
    RUN(claims_scaling);
    RUN(claims_demo);
    return TEST_DONE();
}
