/* Unit tests of the harness itself: the repetition loop, calibration, series order and
 * paired speedups, the plan and skips, interval coverage, flags, ratios, the child
 * protocol, the all-or-nothing commit of a run's files, and cleanup when a run dies.
 * Work that "takes time" here is a .timed work that reports a made-up duration, so no
 * test depends on how fast or busy the machine is. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "report.h"
#include "results.h"
#include "status.h"
#include "util.h"
#include "testlib.h"

static char tmp_root[900];

static void mktmpdir(char *buf, size_t size)
{
    snprintf(buf, size, "%s/harness-XXXXXX", tmp_root);
    if (!mkdtemp(buf))
        buf[0] = '\0';
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (!d)
        return -1;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

/* A context for a lab with no options, in a private status folder. */
static const struct lab_experiment no_exps[] = {{NULL, NULL, NULL, NULL, 0}};
static const struct lab test_lab = {.name = "testlab", .summary = "t", .help = "", .experiments = no_exps};

static void ctx_init(struct lab_ctx *ctx, struct topo *t, int reps)
{
    memset(ctx, 0, sizeof(*ctx));
    memset(t, 0, sizeof(*t));
    t->usable = 2;
    ctx->lab = &test_lab;
    ctx->topo = t;
    ctx->reps = reps;
    ctx->rep = -1;
    ctx->res = results_new("testlab", "RID");
    results_set_usable(ctx->res, 2);
}

/* ---- the repetition loop ------------------------------------------------------------- */

TEST(rep_loop_warmup_then_reps)
{
    struct lab_ctx ctx;
    struct topo t;
    int seen[16], n = 0;
    ctx_init(&ctx, &t, 4);
    for (int rep; harness_next_rep(&ctx, &rep);)
        if (n < 16)
            seen[n++] = rep;
    CHECK(n == 5);
    for (int i = 0; i < n; i++)
        CHECK(seen[i] == i); /* 0 is the warm-up, then 1..reps */
    CHECK(ctx.rep == -1);    /* ready for the next point */
    results_free(ctx.res);
}

TEST(rep_loop_point_budget)
{
    struct lab_ctx ctx;
    struct topo t;
    int n = 0;
    ctx_init(&ctx, &t, 50);
    ctx.point_budget_s = 1e-9; /* every point is over budget at once */
    ctx.t_point = now_s() - 1;
    for (int rep; harness_next_rep(&ctx, &rep);)
        n++;
    CHECK(n == 4); /* the warm-up and 3 reps, never fewer */
    results_free(ctx.res);
}

/* Ctrl-C: the loop ends after the sample under way, in a child (the flag stays set). */
TEST(rep_loop_stops_on_ctrl_c)
{
    pid_t pid;
    int st = 0;
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        struct lab_ctx ctx;
        struct topo t;
        int n = 0, devnull = open("/dev/null", 1);
        dup2(devnull, 2); /* the "stopping after this sample" message */
        harness_install_signals();
        ctx_init(&ctx, &t, 10);
        for (int rep; harness_next_rep(&ctx, &rep);)
            if (++n == 3)
                raise(SIGINT);
        _exit(n == 3 && harness_interrupted() ? 0 : 1);
    }
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* ---- calibration ---------------------------------------------------------------------- */

static double one_us_a_unit(void *arg, uint64_t iters)
{
    (*(int *)arg)++;
    return (double)iters * 1e-6;
}

TEST(calibration_reaches_the_target_not_far_past)
{
    int calls = 0;
    struct harness_work w = {.timed = one_us_a_unit, .arg = &calls};
    uint64_t n = harness_calibrate(&w, 0.001, 1, 0);
    CHECK((double)n * 1e-6 >= 0.001);
    CHECK((double)n * 1e-6 < 0.002 + 1e-12); /* at most double the target */
    CHECK(calls < 20);                       /* jumps when far from the target */
    CHECK(harness_calibrate(&w, 10, 1, 4096) == 4096); /* the cap */
    CHECK(harness_calibrate(&w, 1e-9, 64, 0) == 64);   /* the floor */
    CHECK_NEAR(harness_rate(&w, 0.01), 1e6, 1e-3);
}

/* ---- series and paired speedups ------------------------------------------------------- */

TEST(series_order_alternates)
{
    CHECK(harness_series_order(0, 0, 3) == 0 && harness_series_order(0, 2, 3) == 2);
    CHECK(harness_series_order(1, 0, 3) == 0 && harness_series_order(1, 2, 3) == 2);
    CHECK(harness_series_order(2, 0, 3) == 2 && harness_series_order(2, 2, 3) == 0);
    CHECK(harness_series_order(3, 1, 3) == 1);
}

TEST(speedup_is_paired_per_rep)
{
    struct lab_ctx ctx;
    struct topo t;
    struct point pts[2] = {{"s", "v", 1, "", 1}, {"s", "v", 2, "", 2}};
    /* the machine gets 2x slower at rep 3: paired speedups stay exactly 2 */
    const double t1[] = {1.0, 1.0, 2.0, 2.0}, t2[] = {0.5, 0.5, 1.0, 1.0};
    ctx_init(&ctx, &t, 4);
    for (int rep = 1; rep <= 4; rep++) {
        results_add(ctx.res, &pts[0], rep, "seconds", t1[rep - 1], "s");
        results_add(ctx.res, &pts[1], rep, "seconds", t2[rep - 1], "s");
    }
    harness_speedup(&ctx, pts, 2);
    for (int rep = 1; rep <= 4; rep++) {
        CHECK_NEAR(results_value_at(ctx.res, &pts[1], "speedup", rep), 2.0, 1e-12);
        CHECK_NEAR(results_value_at(ctx.res, &pts[1], "efficiency", rep), 1.0, 1e-12);
        CHECK_NEAR(results_value_at(ctx.res, &pts[0], "speedup", rep), 1.0, 1e-12);
    }
    /* against the median one-worker time instead, rep 1 would say 1.5x: pairing matters */
    CHECK_NEAR(results_median(ctx.res, &pts[0], "seconds") / t2[0], 3.0, 1e-12);
    results_free(ctx.res);
}

TEST(ratio_paired_and_unpaired)
{
    struct results *r = results_new("x", "RID");
    struct point a = {"e", "a", 2, "", 0}, b = {"e", "b", 2, "", 0};
    struct summary s;
    for (int rep = 1; rep <= 5; rep++) {
        results_add(r, &a, rep, "ns", 10.0 * rep, "ns");
        results_add(r, &b, rep, "ns", 5.0 * rep, "ns");
    }
    CHECK(results_ratio(r, &a, "ns", &b, "ns", 1, &s) == 0);
    CHECK_NEAR(s.median, 2, 1e-12);
    CHECK_NEAR(s.ci_lo, 2, 1e-12); /* every paired ratio is exactly 2 */
    CHECK(s.n == 5);
    CHECK(results_ratio(r, &a, "ns", &b, "ns", 0, &s) == 0);
    CHECK_NEAR(s.median, 2, 1e-12);
    CHECK_NEAR(s.ci_lo, 10.0 / 25, 1e-12); /* [a.lo / b.hi, a.hi / b.lo] */
    CHECK_NEAR(s.ci_hi, 50.0 / 5, 1e-12);
    CHECK(s.ci_level < 0.94 && s.ci_level > 0.87); /* both intervals at once */
    CHECK(results_ratio(r, &a, "ns", &b, "nothing", 0, &s) == -1);
    CHECK(isnan(results_median(r, &a, "nothing")));
    results_free(r);
}

/* ---- flags ------------------------------------------------------------------------------ */

TEST(flags_rules)
{
    char b[128];
    /* workers, usable, other, wanted, cores, cores of 1 worker, speedup */
    CHECK(!strcmp(flags_compute(b, sizeof(b), 2, 2, 0, 2, 1.98, 1, 1.95), ""));
    CHECK(!strcmp(flags_compute(b, sizeof(b), 4, 2, 0, 2, 1.98, 1, 1.9), "oversubscribed"));
    CHECK(flags_has(flags_compute(b, sizeof(b), 2, 2, 0.9, 2, 1.2, 1, 1.2), "busy"));
    CHECK(flags_has(b, "short"));
    /* other programs on the CPU the point leaves free: not busy */
    CHECK(!flags_has(flags_compute(b, sizeof(b), 1, 2, 0.9, 1, 1, 1, 1), "busy"));
    /* threads under the GIL: 1.41x on 1.00 cores is impossible */
    CHECK(flags_has(flags_compute(b, sizeof(b), 4, 2, 0, 1, 1.0, 1.0, 1.41), "above-cores"));
    CHECK(!flags_has(flags_compute(b, sizeof(b), 2, 2, 0, 1, 1.0, 1.0, 1.02), "above-cores"));
    /* a point that waits (io): no CPU judgement at all, not even oversubscribed */
    CHECK(!strcmp(flags_compute(b, sizeof(b), 16, 2, 0, 0, 0.01, 0.01, 15), ""));
    CHECK(flags_has("busy;short", "short") && !flags_has("busy;shorter", "short"));
}

TEST(summary_rows_carry_coverage_and_flags)
{
    struct results *r = results_new("x", "RID");
    struct point p1 = {"e", "v", 1, "", 1}, p2 = {"e", "v", 2, "", 2};
    struct sumrow *rows;
    int n;
    results_set_usable(r, 2);
    results_add(r, &p1, 0, "cores_wanted", 1, "cores");
    results_add(r, &p2, 0, "cores_wanted", 2, "cores");
    for (int rep = 1; rep <= 3; rep++) {
        results_add(r, &p1, rep, "cpu_cores", 1.0, "cores");
        results_add(r, &p2, rep, "cpu_cores", 1.0, "cores"); /* got 1 of 2 */
        results_add(r, &p2, rep, "speedup", 1.0, "x");
    }
    n = results_summary_rows(r, &rows);
    {
        const struct sumrow *x = sumrows_find(rows, n, "e", "v", 2, "", "cpu_cores");
        CHECK(x && x->n == 3);
        CHECK(x && fabs(x->ci_level - 0.75) < 1e-12);
        CHECK(x && x->outliers == -1);
        CHECK(x && flags_has(x->flags, "short"));
        x = sumrows_find(rows, n, "e", "v", 1, "", "cpu_cores");
        CHECK(x && !strcmp(x->flags, ""));
        x = sumrows_find(rows, n, "e", "v", 2, "", "cores_wanted"); /* a rep-0 value */
        CHECK(x && x->n == 1 && x->median == 2);
    }
    sumrows_free(rows, n);
    results_free(r);
}

/* ---- the plan, skips ------------------------------------------------------------------- */

static int plan_run(struct lab_ctx *ctx)
{
    struct point a = {"p", "a", 1, "", 0}, s[2] = {{"p", "b", 1, "", 0}, {"p", "b", 2, "", 0}};
    harness_point(ctx, &a);
    harness_series(ctx, s, 2);
    harness_skip(ctx, &(struct point){"p", "c", 4, "", 0}, "not here");
    return EXIT_OK;
}

static int plan_points(const struct lab_ctx *ctx)
{
    (void)ctx;
    return 4;
}

static const struct lab_experiment plan_exps[] = {{"p", "plan", plan_run, plan_points, 0},
                                                  {NULL, NULL, NULL, NULL, 0}};
static const struct lab plan_lab = {.name = "planlab", .summary = "t", .help = "", .experiments = plan_exps};

TEST(plan_counts_points_series_and_skips)
{
    struct lab_ctx ctx;
    struct topo t;
    bool on[1] = {true};
    char dir[1024];
    int out = dup(1), devnull = open("/dev/null", 1);
    mktmpdir(dir, sizeof(dir));
    setenv("PARLAB_STATUS_DIR", dir, 1);
    ctx_init(&ctx, &t, 1);
    ctx.lab = &plan_lab;
    ctx.exp_on = on;
    harness_begin(&ctx);
    harness_plan(&ctx);
    CHECK(ctx.planned == 4);
    fflush(stdout);
    dup2(devnull, 1); /* the skip note */
    CHECK(harness_run_experiment(&ctx, &plan_exps[0]) == EXIT_OK);
    fflush(stdout);
    dup2(out, 1);
    CHECK(ctx.point == 3 && ctx.skipped == 1 && ctx.planned == 3); /* the check the smoke test makes */
    harness_end(&ctx, "done");
    CHECK(count_entries(dir) == 0); /* the status page is gone */
    rmdir(dir);
    unsetenv("PARLAB_STATUS_DIR");
    results_free(ctx.res);
    close(out), close(devnull);
}

/* ---- the child protocol ---------------------------------------------------------------- */

static int child_fn(struct lab_ctx *ctx, void *arg)
{
    struct point pts[2] = {{"c", "v", 1, "k=1", 1}, {"c", "v", 2, "k=1", 2}};
    const char *row[2] = {"1", "text with, comma"};
    int t = results_table(ctx->res, "extra", (const char *const[]){"a", "b"}, 2);
    const char *mine[2] = {"hello", "42"};
    (void)arg;
    harness_series(ctx, pts, 2);
    for (int rep; harness_next_rep(ctx, &rep);)
        for (int k = 0; k < 2; k++) {
            int i = harness_series_order(rep, k, 2);
            if (rep)
                results_add(ctx->res, &pts[i], rep, "seconds", 1.0 / pts[i].workers, "s");
        }
    results_table_row(ctx->res, t, row);
    results_meta(ctx->res, "child_said", "%s", "yes");
    harness_child_send(mine, 2);
    return harness_in_child() ? EXIT_OK : EXIT_FAIL;
}

static void on_mine(void *arg, char **f, int n)
{
    *(int *)arg = n == 2 && !strcmp(f[0], "hello") && !strcmp(f[1], "42");
}

TEST(child_protocol_carries_everything)
{
    struct lab_ctx ctx;
    struct topo t;
    struct point p2 = {"c", "v", 2, "k=1", 2};
    char dir[1024], path[1200], err[256];
    int got_mine = 0;
    struct csv_table tab;
    mktmpdir(dir, sizeof(dir));
    setenv("PARLAB_STATUS_DIR", dir, 1);
    ctx_init(&ctx, &t, 3);
    harness_begin(&ctx);
    CHECK(harness_child(&ctx, child_fn, NULL, on_mine, &got_mine) == EXIT_OK);
    CHECK(got_mine == 1);
    CHECK(ctx.point == 2); /* the series, announced in the parent */
    CHECK(!harness_in_child());
    CHECK_NEAR(results_median(ctx.res, &p2, "seconds"), 0.5, 1e-12);
    CHECK(results_summary(ctx.res, &p2, "seconds")->n == 3);
    CHECK(results_meta_get(ctx.res, "child_said") && !strcmp(results_meta_get(ctx.res, "child_said"), "yes"));
    harness_end(&ctx, "done");
    CHECK(results_write(ctx.res, dir) == 0);
    snprintf(path, sizeof(path), "%s/testlab-extra.csv", dir);
    CHECK(csv_read_table(path, &tab, err, sizeof(err)) == 0);
    CHECK(tab.ncols == 3 && tab.nrows == 1 && !strcmp(tab.header[0], "run_id"));
    CHECK(tab.nrows == 1 && !strcmp(tab.rows[0][0], "RID") && !strcmp(tab.rows[0][2], "text with, comma"));
    csv_free_table(&tab);
    results_free(ctx.res);
    unsetenv("PARLAB_STATUS_DIR");
}

/* A forwarded line with a tab or a newline inside a field still frames. */
TEST(forwarded_fields_keep_their_frame)
{
    int fd[2];
    char buf[512], *f[16];
    ssize_t k;
    const char *in[3] = {"a\tb", "c\nd", ""};
    CHECK(pipe(fd) == 0);
    line_send(fd[1], 'X', in, 3);
    k = read(fd[0], buf, sizeof(buf) - 1);
    CHECK(k > 0);
    buf[k > 0 ? k : 0] = '\0';
    CHECK(buf[0] == 'X' && strchr(buf, '\n') == buf + k - 1);
    CHECK(line_split(buf + 2, f, 16) == 3);
    CHECK(!strcmp(f[0], "a b") && !strcmp(f[1], "c d") && !strcmp(f[2], ""));
    close(fd[0]), close(fd[1]);
}

/* ---- the set of files: all or nothing -------------------------------------------------- */

TEST(write_publishes_the_whole_set)
{
    char dir[1024], path[1200];
    struct results *r = results_new("setlab", "RID");
    struct point p = {"e", "v", 1, "", 0};
    const char *row[1] = {"7"};
    int t;
    mktmpdir(dir, sizeof(dir));
    results_add(r, &p, 1, "seconds", 1, "s");
    t = results_table(r, "extra", (const char *const[]){"x"}, 1);
    results_table_row(r, t, row);
    CHECK(results_write(r, dir) == 0);
    CHECK(count_entries(dir) == 4); /* runs, summary, meta, extra: no temporary */
    snprintf(path, sizeof(path), "%s/setlab-extra.csv", dir);
    CHECK(access(path, R_OK) == 0);
    /* a folder it cannot write: nothing of the set appears, nothing left */
    CHECK(chmod(dir, 0500) == 0);
    if (geteuid() != 0) { /* root writes anyway */
        CHECK(results_write(r, dir) == -1);
        CHECK(count_entries(dir) == 4);
    }
    chmod(dir, 0700);
    results_free(r);
}

/* die() anywhere leaves no status page, no temporary, no child. */
TEST(die_cleans_up)
{
    char dir[1024];
    pid_t pid, worker = 0;
    int st = 0, fd[2];
    mktmpdir(dir, sizeof(dir));
    CHECK(pipe(fd) == 0);
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        struct lab_ctx ctx;
        struct topo t;
        int devnull = open("/dev/null", 1);
        pid_t w;
        dup2(devnull, 2);
        setenv("PARLAB_STATUS_DIR", dir, 1);
        harness_install_signals();
        ctx_init(&ctx, &t, 1);
        harness_begin(&ctx); /* the status page */
        if (!csvw_open(dir, "half.csv"))
            _exit(3);
        w = harness_fork();
        if (w == 0) {
            pause();
            _exit(0);
        }
        if (write(fd[1], &w, sizeof(w)) != sizeof(w))
            _exit(4);
        die("a test dies on purpose");
    }
    close(fd[1]);
    CHECK(read(fd[0], &worker, sizeof(worker)) == sizeof(worker));
    close(fd[0]);
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == EXIT_FAIL);
    CHECK(count_entries(dir) == 0); /* no status page, no .half.csv.XXXXXX */
    CHECK(worker > 0 && kill(worker, 0) == -1 && errno == ESRCH); /* killed and reaped */
    rmdir(dir);
}

/* Descendants nobody tracked (a Python pool's workers and its resource tracker) get
 * SIGTERM first and a moment to clean up, and only then SIGKILL: a worker that says so
 * on a pipe when SIGTERM comes proves it got the chance. */
static int term_pipe = -1;
static void on_term_say_so(int sig)
{
    (void)sig;
    if (write(term_pipe, "T", 1) < 0)
        _exit(2);
    _exit(0);
}

TEST(untracked_descendants_get_sigterm_first)
{
    int fd[2], st = 0;
    char c = 0;
    pid_t pid;
    CHECK(pipe(fd) == 0);
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        int ready[2];
        if (pipe(ready) < 0)
            _exit(3);
        harness_install_signals();
        pid_t w = fork(); /* untracked: not harness_fork */
        if (w == 0) {
            term_pipe = fd[1];
            signal(SIGTERM, on_term_say_so);
            if (write(ready[1], "r", 1) < 0)
                _exit(4);
            for (;;)
                pause();
        }
        if (read(ready[0], &c, 1) != 1)
            _exit(5);
        harness_kill_children();
        _exit(kill(w, 0) == -1 && errno == ESRCH ? 0 : 6); /* gone, and reaped */
    }
    close(fd[1]);
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK(read(fd[0], &c, 1) == 1 && c == 'T');
    close(fd[0]);
}

int main(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmp_root, sizeof(tmp_root), "%s", t && *t ? t : "/tmp");
    RUN(rep_loop_warmup_then_reps);
    RUN(rep_loop_point_budget);
    RUN(rep_loop_stops_on_ctrl_c);
    RUN(calibration_reaches_the_target_not_far_past);
    RUN(series_order_alternates);
    RUN(speedup_is_paired_per_rep);
    RUN(ratio_paired_and_unpaired);
    RUN(flags_rules);
    RUN(summary_rows_carry_coverage_and_flags);
    RUN(plan_counts_points_series_and_skips);
    RUN(child_protocol_carries_everything);
    RUN(forwarded_fields_keep_their_frame);
    RUN(write_publishes_the_whole_set);
    RUN(die_cleans_up);
    RUN(untracked_descendants_get_sigterm_first);
    return TEST_DONE();
}
