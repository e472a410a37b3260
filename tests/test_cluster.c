/* test_cluster.c: the cluster lab's parts that do not depend on timing (labs/cluster):
 * the answers it parses, the crossing of an efficiency curve, the hostfile check, the
 * launcher Open MPI uses instead of ssh (its text, and run for real into this process's
 * own namespaces when it may), and the claims' verdicts on hand-written summaries. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../labs/cluster/cluster.h"
#include "harness.h"
#include "report.h"
#include "testlib.h"
#include "claimlib.h"

TEST(parses_hosts_answers)
{
    char names[8][64];
    CHECK(cluster_parse_hosts("hosts node1 node2", names, 8) == 2);
    CHECK(!strcmp(names[0], "node1") && !strcmp(names[1], "node2"));
    CHECK(cluster_parse_hosts("hosts", names, 8) == 0);
    CHECK(cluster_parse_hosts("0.12 0.3", names, 8) == -1); /* not a hosts answer */
    CHECK(cluster_parse_hosts("hosts a b c d e f g h i j", names, 8) == 8); /* at most max */
    CHECK(cluster_parse_hosts("hosts vm vm vm", names, 8) == 3 && cluster_distinct(names, 3) == 1);
    CHECK(cluster_parse_hosts("hosts node1 node2 node1", names, 8) == 3 && cluster_distinct(names, 3) == 2);
    CHECK(cluster_distinct(names, 0) == 0);
}

TEST(crossing_interpolates_on_log_sizes)
{
    double ms[] = {0.1, 1, 10, 100}, eff[] = {0.2, 0.5, 0.8, 1.0};
    double x = cluster_crossing(ms, eff, 4, 0.9);
    /* between 10 ms (0.8) and 100 ms (1.0): halfway in efficiency, halfway in log size */
    CHECK_NEAR(x, sqrt(10.0 * 100.0), 1e-9);
    CHECK_NEAR(cluster_crossing(ms, eff, 4, 0.5), 1.0, 1e-9);
    CHECK(isnan(cluster_crossing(ms, eff, 4, 1.5)));  /* never reached */
    CHECK(isnan(cluster_crossing(ms, eff, 4, 0.1)));  /* already above at the smallest */
    CHECK(isnan(cluster_crossing(ms, eff, 1, 0.9)));
}

TEST(hostfile_check)
{
    char path[] = "/tmp/test_cluster_hostsXXXXXX", why[300];
    int fd = mkstemp(path);
    FILE *f;
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    f = fdopen(fd, "w");
    fprintf(f, "# only a comment\n\n   \n");
    fclose(f);
    CHECK(cluster_hostfile_check(path, why, sizeof(why)) == -1 && strstr(why, "names no host"));
    f = fopen(path, "a");
    fprintf(f, "node7 slots=4\n");
    fclose(f);
    CHECK(cluster_hostfile_check(path, why, sizeof(why)) == 0);
    unlink(path);
    CHECK(cluster_hostfile_check(path, why, sizeof(why)) == -1 && strstr(why, "cannot open"));
}

/* The launcher for two hosts: each name and address maps to its holder's pid, anything
 * else is refused as ssh refuses an unknown host (exit 255). */
static void fake_net(struct nsnet *net, pid_t p1, pid_t p2)
{
    memset(net, 0, sizeof(*net));
    net->n = 2;
    net->host[0] = (struct nshost){p1, "node1", "10.77.0.1"};
    net->host[1] = (struct nshost){p2, "node2", "10.77.0.2"};
}

TEST(launcher_text)
{
    struct nsnet net;
    char buf[4096];
    fake_net(&net, 1234, 5678);
    nsnet_rsh_script(&net, "/usr/bin/nsenter", buf, sizeof(buf));
    CHECK(!strncmp(buf, "#!/bin/sh\n", 10));
    CHECK(strstr(buf, "node1 | 10.77.0.1) pid=1234 ;;") != NULL);
    CHECK(strstr(buf, "node2 | 10.77.0.2) pid=5678 ;;") != NULL);
    CHECK(strstr(buf, "exit 255") != NULL);
    CHECK(strstr(buf, "exec /usr/bin/nsenter --target \"$pid\" --net --uts -- /bin/sh -c \"$*\"") != NULL);
}

/* Run the launcher as mpirun would ("cluster-rsh HOST COMMAND..."), with node1 mapped to
 * this very process: nsenter enters the namespaces we are already in, so the command runs
 * as if on another host. Needs the privilege to call setns (root): else it says so. */
static int run_launcher(const char *script, const char *host, const char *cmd, char *out, size_t size)
{
    char path[] = "/tmp/test_cluster_rshXXXXXX";
    int fd = mkstemp(path), pfd[2], status = 0;
    ssize_t n, len = 0;
    pid_t pid;
    if (fd < 0 || write(fd, script, strlen(script)) != (ssize_t)strlen(script) || pipe(pfd) < 0)
        return -1;
    close(fd);
    pid = fork();
    if (pid == 0) {
        dup2(pfd[1], 1), dup2(pfd[1], 2);
        close(pfd[0]), close(pfd[1]);
        execl("/bin/sh", "sh", path, host, cmd, (char *)NULL);
        _exit(127);
    }
    close(pfd[1]);
    while ((n = read(pfd[0], out + len, size - 1 - (size_t)len)) > 0)
        len += n;
    out[len] = '\0';
    close(pfd[0]);
    waitpid(pid, &status, 0);
    unlink(path);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(launcher_runs_and_refuses)
{
    struct nsnet net;
    char script[4096], out[512], nsenter[64] = "";
    const char *paths[] = {"/usr/bin/nsenter", "/bin/nsenter", NULL};
    for (int i = 0; paths[i] && !nsenter[0]; i++)
        if (access(paths[i], X_OK) == 0)
            snprintf(nsenter, sizeof(nsenter), "%s", paths[i]);
    fake_net(&net, getpid(), getpid());
    nsnet_rsh_script(&net, nsenter[0] ? nsenter : "/usr/bin/nsenter", script, sizeof(script));
    /* an unknown host: refused, with a message naming the hosts it knows */
    CHECK(run_launcher(script, "node9", "echo hello", out, sizeof(out)) == 255);
    CHECK(strstr(out, "'node9' is not one of this run's hosts (node1 node2)") != NULL);
    if (!nsenter[0] || geteuid() != 0) {
        printf("# launcher not run into namespaces: %s\n", nsenter[0] ? "not root" : "no nsenter");
        return;
    }
    /* a known host, by name and by address: the command runs through /bin/sh -c, its
     * words joined as ssh joins them */
    CHECK(run_launcher(script, "node1", "echo hello from $(hostname)", out, sizeof(out)) == 0);
    CHECK(!strncmp(out, "hello from ", 11));
    CHECK(run_launcher(script, "10.77.0.2", "exit 7", out, sizeof(out)) == 7);
}

/* ---- the claims, on hand-written summaries --------------------------------------------------- */

static struct sumrow row(const char *e, const char *v, int w, const char *p, const char *m, double med)
{
    struct sumrow r;
    memset(&r, 0, sizeof(r));
    r.experiment = (char *)e, r.variant = (char *)v, r.param = (char *)p, r.metric = (char *)m;
    r.unit = (char *)"", r.flags = (char *)"";
    r.workers = w, r.n = 5, r.outliers = 0;
    r.median = med, r.min = r.ci_lo = 0.97 * med, r.max = r.ci_hi = 1.03 * med, r.ci_level = 0.94;
    return r;
}

enum { NCLAIMS = 10 };
struct medians {
    double shm8, tcp8, capped_mbs, hosts, buf8, pickle8; /* pingpong */
    double sleep8, spin2;                                  /* amdahl: speedups at 8 and 2 ranks */
    double halo_shm, halo_capped;                          /* halo: efficiency at 2 ranks */
    double dask_us, ppe_us;                                /* tasks: an empty task */
    double spin4, yield4;                                  /* oversubscribe: allreduce us on 4 */
    double demo_all;                                       /* demo: units/s of 2 ranks (one: 7e8) */
};

static void judge(int usable, const struct medians *m, enum verdict *v)
{
    struct sumrow rows[] = {
        row("pingpong", "shm", 2, "bytes=8", "latency_us", m->shm8),
        row("pingpong", "tcp", 2, "bytes=8", "latency_us", m->tcp8),
        row("pingpong", "netns", 2, "bytes=8", "hosts", m->hosts),
        row("pingpong", "netns-capped", 2, "bytes=1048576;cap_mbit=1000", "bandwidth_mb_s", m->capped_mbs),
        row("pingpong", "mpi4py-buffers", 2, "bytes=8", "latency_us", m->buf8),
        row("pingpong", "mpi4py-pickle", 2, "bytes=8", "latency_us", m->pickle8),
        row("amdahl", "mpi-sleep", 2, "serial=0.30", "speedup", 1.54),
        row("amdahl", "mpi-sleep", 8, "serial=0.30", "speedup", m->sleep8),
        row("amdahl", "mpi-spin", 2, "serial=0.30", "speedup", m->spin2),
        row("halo", "shm", 2, "grain_us=200;kib=64;scaling=strong", "efficiency", m->halo_shm),
        row("halo", "netns-capped", 2, "grain_us=200;kib=64;scaling=strong", "efficiency", m->halo_capped),
        row("halo", "shm", 2, "grain_us=2000;kib=64;scaling=strong", "efficiency", 0.1),
        row("tasks", "dask-local", usable, "task_us=0", "us_per_task", m->dask_us),
        row("tasks", "process-pool", usable, "task_us=0", "us_per_task", m->ppe_us),
        row("oversubscribe", "spin", 2 * usable, "", "allreduce_us", m->spin4),
        row("oversubscribe", "yield", 2 * usable, "", "allreduce_us", m->yield4),
        row("demo", "one-rank", 1, "round_us=1000", "units_per_s", 7e8),
        row("demo", "all-ranks", usable, "round_us=1000", "units_per_s", m->demo_all),
    };
    rows[2].min = rows[2].max = rows[2].ci_lo = rows[2].ci_hi = m->hosts; /* a count: the same every time */
    CHECK(tl_judge_all(&lab_cluster, rows, (int)ARRAY_SIZE(rows), usable, 5, v, NCLAIMS) == NCLAIMS);
}

TEST(claims_follow_the_numbers)
{
    enum verdict v[NCLAIMS];
    /* as measured on a quiet 2-CPU machine */
    struct medians good = {0.3, 12, 118, 2, 1.4, 3.0, 2.5, 1.5, 0.8, 0.1, 1800, 60, 10000, 6, 1.3e9};
    /* every claim contradicted: shm slower than TCP, the cap ignored, one hostname, mpi4py
     * as fast as C, Amdahl missed, the network free, Dask cheap, spinning harmless, two
     * ranks on stage no faster than one */
    struct medians wrong = {8, 10, 400, 1, 0.3, 1.0, 1.5, 1.0, 0.5, 0.5, 30, 60, 6, 6, 7e8};
    judge(2, &good, v);
    for (int i = 0; i < NCLAIMS; i++) {
        if (v[i] != VERDICT_HOLDS)
            printf("#   claim %d: %s\n", i, verdict_name(v[i]));
        CHECK(v[i] == VERDICT_HOLDS);
    }
    judge(2, &wrong, v);
    for (int i = 0; i < NCLAIMS; i++) {
        if (v[i] != VERDICT_FAILS)
            printf("#   claim %d: %s\n", i, verdict_name(v[i]));
        CHECK(v[i] == VERDICT_FAILS);
    }
    /* one CPU: the latency claims, the spin form and the demo cannot tell (two spinning
     * ranks take turns; one rank is all there is); waiting ranks, the cap, the hosts, Dask
     * and oversubscription still can */
    judge(1, &good, v);
    CHECK(v[0] == VERDICT_CANNOT_TELL && v[3] == VERDICT_CANNOT_TELL && v[5] == VERDICT_CANNOT_TELL &&
          v[9] == VERDICT_CANNOT_TELL);
    CHECK(v[1] == VERDICT_HOLDS && v[2] == VERDICT_HOLDS && v[4] == VERDICT_HOLDS && v[7] == VERDICT_HOLDS &&
          v[8] == VERDICT_HOLDS);
}

/* Waiting ranks and empty tasks want no CPU by the harness's count, yet poll in their
 * collectives and run Python schedulers: when other programs held the CPUs, their claims
 * cannot tell (not "does not hold"); on a quiet machine the same numbers fail. */
TEST(busy_waits_cannot_tell)
{
    for (int quiet = 0; quiet < 2; quiet++) {
        struct sumrow rows[] = {
            row("amdahl", "mpi-sleep", 2, "serial=0.30", "speedup", 1.54),
            row("amdahl", "mpi-sleep", 8, "serial=0.30", "speedup", 1.2),
            row("amdahl", "mpi-sleep", 8, "serial=0.30", "other_cores", quiet ? 0.1 : 1.7),
            row("tasks", "dask-local", 2, "task_us=0", "us_per_task", 50000),
            row("tasks", "dask-local", 2, "task_us=0", "other_cores", quiet ? 0.1 : 1.7),
            row("tasks", "process-pool", 2, "task_us=0", "us_per_task", 200),
        };
        struct report_lab l;
        struct claim_out o;
        memset(&l, 0, sizeof(l));
        l.lab = &lab_cluster, l.rows = rows, l.nrows = (int)ARRAY_SIZE(rows), l.usable = 2, l.reps = 5;
        report_judge(&l, &lab_cluster.claims[4], &o); /* the sleep form */
        CHECK(o.verdict == (quiet ? VERDICT_FAILS : VERDICT_CANNOT_TELL));
        report_judge(&l, &lab_cluster.claims[7], &o); /* Dask's task */
        CHECK(o.verdict == (quiet ? VERDICT_FAILS : VERDICT_CANNOT_TELL));
    }
}

/* The stage demo's claim: listed only when the demo ran (it runs only when named); at
 * 0.75 P exactly, the intervals straddle the line and it cannot tell. */
TEST(demo_claim)
{
    struct sumrow rows[] = {
        row("demo", "one-rank", 1, "round_us=1000", "units_per_s", 7e8),
        row("demo", "all-ranks", 2, "round_us=1000", "units_per_s", 1.5 * 7e8),
        row("oversubscribe", "spin", 4, "", "allreduce_us", 10000),
    };
    struct report_lab l;
    struct claim_out o;
    const struct lab_claim *c = &lab_cluster.claims[NCLAIMS - 1];
    memset(&l, 0, sizeof(l));
    l.lab = &lab_cluster, l.rows = rows, l.nrows = (int)ARRAY_SIZE(rows), l.usable = 2, l.reps = 5;
    CHECK(!strcmp(c->experiment, "demo"));
    CHECK(report_claim_applies(&l, c));
    report_judge(&l, c, &o);
    CHECK(o.verdict == VERDICT_CANNOT_TELL && strstr(o.why, "straddles") != NULL);
    l.rows = rows + 2, l.nrows = 1; /* a run without the demo: the claim is not listed */
    CHECK(!report_claim_applies(&l, c));
}

TEST(claims_cannot_tell_without_rows)
{
    struct report_lab l;
    memset(&l, 0, sizeof(l));
    l.lab = &lab_cluster, l.usable = 2, l.reps = 5;
    for (const struct lab_claim *c = lab_cluster.claims; c->text; c++) {
        struct claim_out o;
        report_judge(&l, c, &o);
        CHECK(o.verdict == VERDICT_CANNOT_TELL);
    }
}

int main(void)
{
    alarm(120);
    RUN(parses_hosts_answers);
    RUN(crossing_interpolates_on_log_sizes);
    RUN(hostfile_check);
    RUN(launcher_text);
    RUN(launcher_runs_and_refuses);
    RUN(claims_follow_the_numbers);
    RUN(busy_waits_cannot_tell);
    RUN(demo_claim);
    RUN(claims_cannot_tell_without_rows);
    return TEST_DONE();
}
