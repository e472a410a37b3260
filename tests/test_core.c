/* Unit tests of the foundation: stats, fits, CSV writing and reading, topology
 * parsing on saved /proc and /sys trees, worker lists. No timing is asserted. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fit.h"
#include "harness.h"
#include "results.h"
#include "stats.h"
#include "status.h"
#include "topo.h"
#include "util.h"
#include "testlib.h"

static char data_dir[1024];

/* ---- stats ----------------------------------------------------------------------- */

TEST(median_odd_even)
{
    const double odd[] = {5, 1, 3}, even[] = {4, 1, 3, 2};
    CHECK_NEAR(stats_median(odd, 3), 3, 0);
    CHECK_NEAR(stats_median(even, 4), 2.5, 0);
    CHECK(odd[0] == 5); /* not reordered */
}

TEST(summary_small_n_gives_min_max_ci)
{
    const double v[] = {2, 4, 3, 5, 1};
    struct summary s;
    stats_summarise(v, 5, &s);
    CHECK(s.n == 5);
    CHECK_NEAR(s.median, 3, 0);
    CHECK_NEAR(s.min, 1, 0);
    CHECK_NEAR(s.max, 5, 0);
    CHECK_NEAR(s.ci_lo, 1, 0); /* n < 6: no order statistics reach 95% */
    CHECK_NEAR(s.ci_hi, 5, 0);
    CHECK_NEAR(s.ci_level, 1 - 2 * pow(0.5, 5), 1e-12);
    CHECK_NEAR(s.mean, 3, 1e-12);
    CHECK_NEAR(s.sd, sqrt(2.5), 1e-12);
}

TEST(summary_ci_order_statistics)
{
    /* n = 20: the distribution-free 95% CI of the median is [x(6), x(15)] (1-based),
     * coverage 1 - 2 P(B(20,1/2) <= 5) = 0.9586. */
    double v[20];
    struct summary s;
    for (int i = 0; i < 20; i++)
        v[i] = 20 - i; /* 20..1, unsorted order */
    stats_summarise(v, 20, &s);
    CHECK_NEAR(s.ci_lo, 6, 0);
    CHECK_NEAR(s.ci_hi, 15, 0);
    CHECK_NEAR(s.ci_level, 0.958610, 1e-5);
    CHECK(s.ci_lo <= s.median && s.median <= s.ci_hi);
}

TEST(outliers_counted_not_hidden)
{
    const double v[] = {10, 10.1, 9.9, 10.05, 9.95, 10.02, 50};
    struct summary s;
    stats_summarise(v, 7, &s);
    CHECK(s.outliers == 1);
    CHECK_NEAR(s.max, 50, 0); /* still reported */
    const double flat[] = {1, 1, 1, 1, 1};
    stats_summarise(flat, 5, &s);
    CHECK(s.outliers == 0);
    CHECK_NEAR(s.ci_lo, 1, 0);
    /* below n = 5 nothing can be told apart from the spread: not counted */
    const double few[] = {1, 1, 50};
    stats_summarise(few, 3, &s);
    CHECK(s.outliers == -1);
    CHECK_NEAR(s.ci_level, 0.75, 1e-12); /* [min, max] of 3 covers the median 75% */
}

TEST(single_sample)
{
    const double v[] = {7};
    struct summary s;
    stats_summarise(v, 1, &s);
    CHECK(s.n == 1 && s.median == 7 && s.sd == 0 && s.ci_lo == 7 && s.ci_hi == 7);
}

/* ---- models and fits -------------------------------------------------------------- */

TEST(models)
{
    CHECK_NEAR(amdahl_speedup(0.2, 4), 2.5, 1e-12);
    CHECK_NEAR(amdahl_speedup(0, 8), 8, 1e-12);
    CHECK_NEAR(gustafson_speedup(0.2, 4), 3.4, 1e-12);
    CHECK_NEAR(karp_flatt(2.5, 4), 0.2, 1e-12); /* recovers Amdahl's s exactly */
    CHECK(isnan(karp_flatt(1, 1)));
    CHECK_NEAR(usl_throughput(1, 0, 0, 5), 5, 1e-12);
}

TEST(amdahl_fit_exact)
{
    const double p[] = {1, 2, 4, 8, 16};
    double t[5];
    struct amdahl_fit f;
    for (int i = 0; i < 5; i++)
        t[i] = 10.0 * (0.1 + 0.9 / p[i]);
    CHECK(fit_amdahl_times(p, t, 5, &f) == 0);
    CHECK_NEAR(f.serial, 0.1, 1e-9);
    CHECK_NEAR(f.t1, 10, 1e-9);
    CHECK_NEAR(f.rms, 0, 1e-9);
}

TEST(amdahl_fit_bounds_and_degenerate)
{
    /* Slower with more workers: the unconstrained line has b < 0; s must be 1. */
    const double p[] = {1, 2, 4}, t[] = {1, 1.2, 1.5};
    const double p1[] = {2, 2}, t1[] = {1, 1};
    struct amdahl_fit f;
    CHECK(fit_amdahl_times(p, t, 3, &f) == 0);
    CHECK_NEAR(f.serial, 1, 1e-12);
    CHECK(fit_amdahl_times(p1, t1, 2, &f) == -1); /* one worker count only */
    /* Superlinear: a < 0 unconstrained; s clamps to 0. */
    const double ts[] = {1, 0.45, 0.2};
    CHECK(fit_amdahl_times(p, ts, 3, &f) == 0);
    CHECK_NEAR(f.serial, 0, 1e-12);
}

TEST(amdahl_fit_with_noise_repeats)
{
    /* Repeats at each p with symmetric noise: the fit still lands on s. */
    double p[12], t[12];
    int n = 0;
    for (int w = 1; w <= 8; w *= 2)
        for (int k = -1; k <= 1; k++) {
            p[n] = w;
            t[n] = 4.0 * (0.3 + 0.7 / w) * (1 + 0.01 * k);
            n++;
        }
    struct amdahl_fit f;
    CHECK(fit_amdahl_times(p, t, n, &f) == 0);
    CHECK_NEAR(f.serial, 0.3, 0.005);
}

TEST(usl_anchor_vector)
{
    /* docs/reference-numbers.md, Scaling models: s = 0.02, k = 0.02, g = 1. */
    const double n[] = {1, 2, 4, 6, 8, 10}, x[] = {1, 1.8868, 3.0769, 3.5294, 3.5398, 3.3557};
    struct usl_fit f;
    CHECK(fit_usl(n, x, 6, &f) == 0);
    CHECK_NEAR(f.sigma, 0.02, 5e-4);
    CHECK_NEAR(f.kappa, 0.02, 5e-4);
    CHECK_NEAR(f.gamma, 1.0, 2e-3);
    CHECK_NEAR(f.peak, sqrt(0.98 / 0.02), 0.2);
}

TEST(usl_exact_synthetic_and_linear)
{
    double n[8], x[8];
    struct usl_fit f;
    for (int i = 0; i < 8; i++) {
        n[i] = i + 1;
        x[i] = usl_throughput(250, 0.05, 0.001, n[i]);
    }
    CHECK(fit_usl(n, x, 8, &f) == 0);
    CHECK_NEAR(f.sigma, 0.05, 1e-4);
    CHECK_NEAR(f.kappa, 0.001, 1e-5);
    CHECK_NEAR(f.gamma, 250, 0.05);
    for (int i = 0; i < 8; i++)
        x[i] = 3 * n[i]; /* perfectly linear */
    CHECK(fit_usl(n, x, 8, &f) == 0);
    CHECK_NEAR(f.sigma, 0, 1e-6);
    CHECK_NEAR(f.kappa, 0, 1e-8);
    CHECK(isinf(f.peak));
    CHECK(fit_usl(n, x, 2, &f) == -1); /* two worker counts: underdetermined */
}

/* ---- CSV out and in ------------------------------------------------------------------ */

static void mktmpdir(char *buf, size_t size)
{
    snprintf(buf, size, "%s/parlab-test-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(buf))
        buf[0] = '\0';
}

TEST(results_roundtrip)
{
    char dir[1024], path[1100], err[512];
    struct results *r = results_new("demo", "RID");
    struct point a = {"exp", "var", 2, "n=1;mode=fast", 0}, b = {"exp", "var, with comma", 1, "", 0};
    struct csv_table t;
    mktmpdir(dir, sizeof(dir));
    CHECK(dir[0]);
    for (int rep = 1; rep <= 5; rep++)
        results_add(r, &a, rep, "seconds", rep * 0.5, "s");
    results_add(r, &b, 1, "seconds", 1.25, "s");
    results_add_fit(r, &a, "amdahl_serial_fraction", 0.25, "fraction", 5);
    results_meta(r, "note", "quote \"this\", please");
    CHECK(results_summary(r, &a, "seconds")->median == 1.5);
    CHECK(results_summary(r, &a, "nothing") == NULL);
    CHECK(results_write(r, dir) == 0);
    results_free(r);

    snprintf(path, sizeof(path), "%s/demo-runs.csv", dir);
    CHECK(csv_read_table(path, &t, err, sizeof(err)) == 0);
    CHECK(t.ncols == 10 && t.nrows == 6);
    CHECK(!strcmp(t.rows[5][3], "var, with comma")); /* quoted by libcsv, read back whole */
    CHECK(!strcmp(t.rows[0][5], "n=1;mode=fast"));
    CHECK(t.line[0] == 2);
    csv_free_table(&t);

    snprintf(path, sizeof(path), "%s/demo-summary.csv", dir);
    CHECK(csv_read_table(path, &t, err, sizeof(err)) == 0);
    CHECK(t.nrows == 3);
    CHECK(csv_col(&t, "median") == 9 && !strcmp(t.rows[0][9], "1.5"));
    CHECK(!strcmp(t.rows[0][8], "5"));
    /* the columns added in v2, after every old one: coverage and flags */
    CHECK(csv_col(&t, "outliers") == 14 && csv_col(&t, "ci_level") == 15 && csv_col(&t, "flags") == 16);
    CHECK(!strcmp(t.rows[0][15], "0.9375"));
    CHECK(!strcmp(t.rows[1][14], "")); /* n = 1: outliers not counted */
    CHECK(!strcmp(t.rows[2][4], "0") && !strcmp(t.rows[2][6], "amdahl_serial_fraction"));
    csv_free_table(&t);

    snprintf(path, sizeof(path), "%s/demo-meta.csv", dir);
    CHECK(csv_read_table(path, &t, err, sizeof(err)) == 0);
    CHECK(t.nrows == 3 && !strcmp(t.rows[2][1], "quote \"this\", please"));
    csv_free_table(&t);
    for (const char *const *f = (const char *const[]){"runs", "summary", "meta", NULL}; *f; f++) {
        snprintf(path, sizeof(path), "%s/demo-%s.csv", dir, *f);
        CHECK(unlink(path) == 0);
    }
    CHECK(rmdir(dir) == 0); /* nothing else was written */
}

TEST(csvw_abort_leaves_nothing)
{
    char dir[1024], path[1100];
    struct csvw *w;
    mktmpdir(dir, sizeof(dir));
    w = csvw_open(dir, "x.csv");
    CHECK(w != NULL);
    csvw_str(w, "a");
    csvw_endrow(w);
    csvw_abort(w);
    snprintf(path, sizeof(path), "%s/x.csv", dir);
    CHECK(access(path, F_OK) != 0);
    CHECK(rmdir(dir) == 0); /* empty: the temporary is gone too */
    CHECK(csvw_open("/proc/nonexistent-dir", "x.csv") == NULL);
}

TEST(csv_read_errors_name_file_and_line)
{
    char dir[1024], path[1100], err[512];
    struct csv_table t;
    FILE *f;
    mktmpdir(dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/bad.csv", dir);
    f = fopen(path, "w");
    fputs("a,b\n1,2\n3,\"4\n", f);
    fclose(f);
    CHECK(csv_read_table(path, &t, err, sizeof(err)) == -1);
    CHECK(strstr(err, "bad.csv:") != NULL);
    f = fopen(path, "w");
    fclose(f);
    CHECK(csv_read_table(path, &t, err, sizeof(err)) == -1 && strstr(err, "empty"));
    CHECK(csv_read_table("/nonexistent.csv", &t, err, sizeof(err)) == -1 && strstr(err, "cannot open"));
    /* A short row is padded, and its real width kept for the checker. */
    f = fopen(path, "w");
    fputs("a,b,c\n1,2\n", f);
    fclose(f);
    CHECK(csv_read_table(path, &t, err, sizeof(err)) == 0);
    CHECK(t.row_ncols[0] == 2 && !strcmp(t.rows[0][2], ""));
    csv_free_table(&t);
    CHECK(unlink(path) == 0 && rmdir(dir) == 0);
}

/* ---- topology on saved trees ---------------------------------------------------------- */

TEST(cpulist_parser)
{
    int ids[16];
    CHECK(topo_parse_cpulist("0-3,8,10-11\n", ids, 16) == 7);
    CHECK(ids[4] == 8 && ids[6] == 11);
    CHECK(topo_parse_cpulist("5", ids, 16) == 1 && ids[0] == 5);
    CHECK(topo_parse_cpulist("", ids, 16) == 0);
    CHECK(topo_parse_cpulist("3-1", ids, 16) == -1);
    CHECK(topo_parse_cpulist("a", ids, 16) == -1);
    CHECK(topo_parse_cpulist("0-20", ids, 16) == -1); /* does not overflow */
}

TEST(cpu_max_parser)
{
    CHECK_NEAR(topo_parse_cpu_max("max 100000\n"), 0, 0);
    CHECK_NEAR(topo_parse_cpu_max("150000 100000\n"), 1.5, 1e-12);
    CHECK_NEAR(topo_parse_cpu_max("garbage"), -1, 0);
    CHECK_NEAR(topo_parse_cpu_max("100 0"), -1, 0);
}

static void at(const char *name, struct topo *t)
{
    char root[1200];
    snprintf(root, sizeof(root), "%s/topo/%s", data_dir, name);
    topo_detect_at(t, root);
}

TEST(topo_cgroup_v2_quota_in_parent)
{
    struct topo t;
    char d[256];
    at("v2quota", &t);
    CHECK(t.online == 8);
    CHECK(t.naffinity == 4);
    CHECK_NEAR(t.quota, 1.5, 1e-9); /* set on the parent, applies to the child */
    CHECK(t.usable == 2);           /* ceil(1.5) */
    CHECK(t.cores == 2 && t.smt == 2);
    CHECK(!strcmp(t.model, "Intel(R) Xeon(R) Test CPU @ 2.00GHz"));
    CHECK(strstr(t.quota_src, "/sys/fs/cgroup/kubepods/pod1/cpu.max") == t.quota_src);
    topo_describe(&t, d, sizeof(d));
    CHECK(strstr(d, "2 usable CPUs") && strstr(d, "quota 1.50"));
    topo_free(&t);
}

TEST(topo_cgroup_v1_and_taskset)
{
    struct topo t;
    char list[64];
    at("v1quota", &t);
    CHECK(t.naffinity == 3 && t.cpus[0] == 2 && t.cpus[2] == 6);
    CHECK_NEAR(t.quota, 3.0, 1e-9);
    CHECK(t.usable == 3);
    CHECK(t.smt == 1 && t.cores == 3); /* no SMT files: each CPU its own core */
    topo_cpulist_string(&t, list, sizeof(list));
    CHECK(!strcmp(list, "2,5-6"));
    topo_free(&t);
}

TEST(topo_256_cpus_smt)
{
    struct topo t;
    at("big", &t);
    CHECK(t.online == 256 && t.naffinity == 256 && t.usable == 256);
    CHECK(t.quota == 0);
    CHECK(t.cores == 128 && t.smt == 2);
    topo_free(&t);
}

TEST(topo_fractional_quota_still_one)
{
    struct topo t;
    at("half", &t);
    CHECK_NEAR(t.quota, 0.5, 1e-9);
    CHECK(t.usable == 1);
    topo_free(&t);
}

TEST(topo_missing_everything_is_safe)
{
    struct topo t;
    topo_detect_at(&t, "/nonexistent-root");
    CHECK(t.usable == 1 && t.naffinity == 1 && t.online == 1 && !strcmp(t.model, "unknown"));
    topo_free(&t);
}

TEST(topo_this_machine_is_sane)
{
    struct topo t;
    topo_detect(&t);
    CHECK(t.usable >= 1 && t.usable <= t.naffinity);
    CHECK(t.cpus != NULL);
    CHECK(topo_pin_thread(&t, 0) == 0);
    topo_free(&t);
}

/* ---- worker counts and options ----------------------------------------------------------- */

TEST(workers_auto)
{
    struct topo t = {.usable = 2};
    int *w, n;
    n = harness_workers_auto(&t, &w);
    CHECK(n == 3 && w[0] == 1 && w[1] == 2 && w[2] == 4);
    free(w);
    t.usable = 1;
    n = harness_workers_auto(&t, &w);
    CHECK(n == 2 && w[0] == 1 && w[1] == 2);
    free(w);
    t.usable = 256;
    n = harness_workers_auto(&t, &w);
    CHECK(w[0] == 1 && w[7] == 8 && w[8] == 16 && w[n - 2] == 256 && w[n - 1] == 512);
    for (int i = 1; i < n; i++)
        CHECK(w[i] > w[i - 1]);
    free(w);
    t.usable = 12;
    n = harness_workers_auto(&t, &w);
    CHECK(w[n - 2] == 12 && w[n - 1] == 24 && w[n - 3] == 8);
    free(w);
}

/* ---- the status page a monitor reads -------------------------------------------------- */

TEST(status_page_roundtrip)
{
    char dir[1024];
    struct status_page pg;
    mktmpdir(dir, sizeof(dir));
    setenv("PARLAB_STATUS_DIR", dir, 1);
    CHECK(status_read_pid(getpid(), &pg) == -1); /* nothing published yet */
    CHECK(status_open("demo") == 0);
    status_set_point("scaling", "pthreads", 4, "serial=0.30", 3, 12);
    status_set_rep(2, 5, 7.5);
    CHECK(status_read_pid(getpid(), &pg) == 0);
    CHECK(pg.magic == STATUS_MAGIC && pg.pid == getpid());
    CHECK(!strcmp(pg.lab, "demo") && !strcmp(pg.experiment, "scaling") && !strcmp(pg.variant, "pthreads"));
    CHECK(!strcmp(pg.param, "serial=0.30") && !strcmp(pg.state, "running"));
    CHECK(pg.workers == 4 && pg.point == 3 && pg.npoints == 12 && pg.rep == 2 && pg.nreps == 5);
    CHECK(pg.seq % 2 == 0); /* a consistent snapshot is never mid-write */
    CHECK_NEAR(pg.eta_s, 7.5, 0);
    status_set_state("done");
    CHECK(status_read_pid(getpid(), &pg) == 0 && !strcmp(pg.state, "done"));
    status_close();
    CHECK(status_read_pid(getpid(), &pg) == -1); /* removed on close */
    CHECK(rmdir(dir) == 0);
    unsetenv("PARLAB_STATUS_DIR");
}

/* read_full/write_full: a message bigger than a socket's buffer arrives whole, in
 * order, however the kernel splits it; end of file is -1 with errno 0. */
TEST(read_write_full)
{
    enum { N = 1 << 20 };
    int sv[2];
    unsigned char *out = xmalloc(N), *in = xcalloc(1, N);
    pid_t pid;
    int st = 0;
    for (int i = 0; i < N; i++)
        out[i] = (unsigned char)(i * 7 + (i >> 11));
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    pid = fork();
    if (pid == 0) {
        close(sv[0]);
        _exit(write_full(sv[1], out, N) == 0 ? 0 : 1);
    }
    close(sv[1]);
    CHECK(read_full(sv[0], in, N) == 0);
    CHECK(memcmp(in, out, N) == 0);
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    errno = 123;
    CHECK(read_full(sv[0], in, 1) == -1 && errno == 0); /* the writer is gone */
    close(sv[0]);
    free(out), free(in);
}

int main(int argc, char **argv)
{
    const char *top = getenv("PARLAB_TOP");
    snprintf(data_dir, sizeof(data_dir), "%s/tests/data", top ? top : ".");
    (void)argc, (void)argv;
    RUN(median_odd_even);
    RUN(summary_small_n_gives_min_max_ci);
    RUN(summary_ci_order_statistics);
    RUN(outliers_counted_not_hidden);
    RUN(single_sample);
    RUN(models);
    RUN(amdahl_fit_exact);
    RUN(amdahl_fit_bounds_and_degenerate);
    RUN(amdahl_fit_with_noise_repeats);
    RUN(usl_anchor_vector);
    RUN(usl_exact_synthetic_and_linear);
    RUN(results_roundtrip);
    RUN(csvw_abort_leaves_nothing);
    RUN(csv_read_errors_name_file_and_line);
    RUN(cpulist_parser);
    RUN(cpu_max_parser);
    RUN(topo_cgroup_v2_quota_in_parent);
    RUN(topo_cgroup_v1_and_taskset);
    RUN(topo_256_cpus_smt);
    RUN(topo_fractional_quota_still_one);
    RUN(topo_missing_everything_is_safe);
    RUN(topo_this_machine_is_sane);
    RUN(workers_auto);
    RUN(read_write_full);
    RUN(status_page_roundtrip);
    return TEST_DONE();
}
