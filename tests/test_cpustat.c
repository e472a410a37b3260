/* test_cpustat: parmon's /proc parsers on saved files (tests/data/proc, see its README). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cpustat.h"
#include "testlib.h"
#include "util.h"

#define DATA "tests/data/proc"

static char dir[512];

/* Parse a saved /proc/stat (and, if sys is not NULL, its present/online lists). */
static int load(const char *name, const char *sys, struct cpustat_snap *s)
{
    char path[1024], text[65536], present[256] = "", online[256] = "";
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (read_small_file(path, text, sizeof(text)) < 0) {
        printf("#   cannot read %s\n", path);
        return -1;
    }
    if (cpustat_parse_stat(text, s) < 0)
        return -1;
    if (!sys)
        return 0;
    snprintf(path, sizeof(path), "%s/%s/present", dir, sys);
    read_small_file(path, present, sizeof(present));
    snprintf(path, sizeof(path), "%s/%s/online", dir, sys);
    read_small_file(path, online, sizeof(online));
    return cpustat_apply_cpulists(s, present, online);
}

/* The two reads of a saved folder: NAME/stat_a (before) and NAME/stat_b (after). */
static int load_pair(const char *name, const char *sys, struct cpustat_snap *a,
                     struct cpustat_snap *b)
{
    char pa[256], pb[256];
    snprintf(pa, sizeof(pa), "%s/stat_a", name);
    snprintf(pb, sizeof(pb), "%s/stat_b", name);
    return load(pa, sys, a) == 0 && load(pb, sys, b) == 0 ? 0 : -1;
}

static int load_task(const char *rel, struct cpustat_task *t)
{
    char path[2048], text[2048];
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    if (read_small_file(path, text, sizeof(text)) < 0)
        return -1;
    return cpustat_parse_task_stat(text, t);
}

static int load_abs(const char *path, struct cpustat_task *t)
{
    char text[2048];
    if (read_small_file(path, text, sizeof(text)) < 0)
        return -1;
    return cpustat_parse_task_stat(text, t);
}

/* Every usage number stays within 0..100 and the parts add up to busy. */
static int usage_sane(const struct cpustat_usage *u)
{
    double parts = u->user + u->system + u->steal + u->guest;
    return u->busy >= 0 && u->busy <= 100.0 + 1e-9 && u->user >= 0 && u->system >= 0 &&
           u->iowait >= 0 && u->steal >= 0 && u->guest >= 0 && fabs(parts - u->busy) < 1e-9 &&
           u->busy + u->iowait <= 100.0 + 1e-9;
}

TEST(two_cpus)
{
    struct cpustat_snap a = {0}, b = {0};
    struct cpustat_usage u, all;
    double sum = 0;
    CHECK(load_pair("two", "two/sys", &a, &b) == 0);
    CHECK(a.ncpu == 2 && b.ncpu == 2);
    CHECK(b.nonline == 2 && b.online[0] && b.online[1]);
    /* The aggregate line is the sum of the CPU lines (the kernel sums them a moment
     * apart from printing them: a tick or two may differ). */
    CHECK(llabs((long long)b.all.user - (long long)(b.cpu[0].user + b.cpu[1].user)) <= 4);
    CHECK(llabs((long long)b.all.idle - (long long)(b.cpu[0].idle + b.cpu[1].idle)) <= 4);
    for (int c = 0; c < 2; c++) {
        cpustat_snap_usage(&a, &b, c, &u);
        CHECK(u.online && usage_sane(&u));
        sum += u.busy;
    }
    cpustat_snap_usage(&a, &b, -1, &all);
    CHECK(usage_sane(&all));
    /* The aggregate is the mean of the CPUs (within tick rounding: each CPU's own
     * total may differ by a tick or two). */
    CHECK_NEAR(all.busy, sum / 2, 5.0);
    cpustat_snap_free(&a);
    cpustat_snap_free(&b);
}

TEST(cpus_256)
{
    struct cpustat_snap a = {0}, b = {0};
    struct cpustat_usage u;
    CHECK(load_pair("cpu256", "cpu256/sys", &a, &b) == 0);
    CHECK(b.ncpu == 256 && b.nonline == 256);
    for (int k = 0; k < 256; k++) {
        cpustat_snap_usage(&a, &b, k, &u);
        CHECK_NEAR(u.busy, 100.0 * (double)(long)(1000.0 * k / 255 + 0.5) / 1000.0, 1e-9);
        CHECK_NEAR(u.user, u.busy, 1e-9);
    }
    cpustat_snap_usage(&a, &b, -1, &u);
    CHECK_NEAR(u.busy, 50.0, 0.1); /* k/255 averaged over k = 0..255 */
    cpustat_snap_free(&a);
    cpustat_snap_free(&b);
}

TEST(offline_cpu)
{
    struct cpustat_snap a = {0}, b = {0};
    struct cpustat_usage u;
    CHECK(load_pair("offline", "offline/sys", &a, &b) == 0);
    CHECK(b.ncpu == 4);              /* present 0-3 gives cpu2 a slot */
    CHECK(b.nonline == 3);
    CHECK(!b.online[2] && !b.has[2]);
    CHECK(b.online[3]);
    cpustat_snap_usage(&a, &b, 2, &u);
    CHECK(!u.online && u.busy == 0);
    cpustat_snap_usage(&a, &b, 0, &u);
    CHECK(u.online);
    CHECK_NEAR(u.busy, 50.0, 1e-9);  /* +50 user, +50 idle */
    cpustat_snap_usage(&a, &b, 1, &u);
    CHECK_NEAR(u.system, 50.0, 1e-9);
    /* Without the sysfs lists, only the CPUs /proc/stat lists are known and online. */
    CHECK(load("offline/stat_b", NULL, &b) == 0);
    CHECK(b.ncpu == 4 && b.nonline == 3 && !b.online[2]);
    /* A CPU listed in /proc/stat but not in `online` counts as offline. */
    CHECK(cpustat_apply_cpulists(&b, "0-3", "0") == 0);
    CHECK(b.nonline == 1 && b.online[0] && !b.online[1]);
    CHECK(cpustat_apply_cpulists(&b, "0-x", NULL) == -1);
    cpustat_snap_free(&a);
    cpustat_snap_free(&b);
}

TEST(guest_time)
{
    struct cpustat_snap a = {0}, b = {0};
    struct cpustat_usage u;
    CHECK(load_pair("guest", NULL, &a, &b) == 0);
    cpustat_snap_usage(&a, &b, 0, &u);
    /* 100 ticks: user 60 - guest 40 + nice 10 - guest_nice 10 = 20; system+irq+softirq
     * 20; guest 40 + 10 = 50; idle 5 + iowait 5 are idle. */
    CHECK_NEAR(u.user, 20.0, 1e-9);
    CHECK_NEAR(u.system, 20.0, 1e-9);
    CHECK_NEAR(u.guest, 50.0, 1e-9);
    CHECK_NEAR(u.iowait, 5.0, 1e-9);
    CHECK_NEAR(u.busy, 90.0, 1e-9);
    CHECK(usage_sane(&u));
    cpustat_snap_free(&a);
    cpustat_snap_free(&b);
}

TEST(counter_backwards)
{
    struct cpustat_snap a = {0}, b = {0};
    struct cpustat_usage u;
    CHECK(cpustat_sat_sub(5, 7) == 0 && cpustat_sat_sub(7, 5) == 2);
    CHECK(load_pair("backwards", NULL, &a, &b) == 0);
    cpustat_snap_usage(&a, &b, 1, &u);
    CHECK(usage_sane(&u));
    CHECK_NEAR(u.user, 0.0, 1e-9);      /* 800 -> 10: 0, not 2^64 - 790 */
    CHECK_NEAR(u.system, 100.0, 1e-9);  /* the only counter that moved forward */
    cpustat_snap_usage(&a, &b, 0, &u);
    CHECK_NEAR(u.busy, 50.0, 1e-9);
    /* No tick at all between two reads: 0, not a division by zero. */
    cpustat_snap_usage(&a, &a, 0, &u);
    CHECK(u.busy == 0 && usage_sane(&u));
    cpustat_snap_free(&a);
    cpustat_snap_free(&b);
}

/* A saved pair whose counters sum past 2^64 (a corrupt /proc/stat, a hypervisor that
 * reset its counters): summed as uint64_t, cpu0's total wrapped around to 1 tick and
 * busy_pct printed 1.8e21; cpu1's system + irq wrapped to 14 and hid 20 ticks of system
 * time. Deltas are taken a counter at a time and summed without wrapping. */
static const char huge_a[] =
    "cpu  18446744073709551600 0 18446744073709551600 200 0 10 0 0 0 0\n"
    "cpu0 0 0 0 100 0 0 0 0 0 0\n"
    "cpu1 0 0 18446744073709551600 100 0 10 0 0 0 0\n"
    "intr 1 2 3\n";
static const char huge_b[] =
    "cpu  18446744073709551615 0 18446744073709551610 212 0 20 0 0 0 0\n"
    "cpu0 18446744073709551615 0 0 102 0 0 0 0 0 0\n"
    "cpu1 0 0 18446744073709551610 110 0 20 0 0 0 0\n"
    "intr 1 2 3\n";

TEST(counters_past_2_64)
{
    struct cpustat_snap a = {0}, b = {0};
    struct cpustat_usage u;
    struct cpustat_task t[2] = {{.tid = 1, .tgid = 1, .proc_ticks = UINT64_MAX - 5, .child_ticks = 10},
                                {.tid = 2, .tgid = 2, .proc_ticks = 7}};
    CHECK(cpustat_sat_add(UINT64_MAX - 1, 5) == UINT64_MAX && cpustat_sat_add(2, 3) == 5);
    CHECK(cpustat_parse_stat(huge_a, &a) == 0 && cpustat_parse_stat(huge_b, &b) == 0);
    CHECK(a.ncpu == 2 && b.ncpu == 2);
    cpustat_snap_usage(&a, &b, 0, &u);
    CHECK(usage_sane(&u));
    CHECK(u.busy <= 100.0 && u.busy > 99.99); /* 2^64 - 1 user ticks against 2 idle */
    CHECK_NEAR(u.user, u.busy, 1e-9);
    cpustat_snap_usage(&a, &b, 1, &u);
    CHECK(usage_sane(&u));
    CHECK_NEAR(u.system, 100.0 * 20 / 30, 1e-9); /* +10 system, +10 irq, +10 idle */
    CHECK_NEAR(u.busy, 100.0 * 20 / 30, 1e-9);
    cpustat_snap_usage(&a, &b, -1, &u);
    CHECK(usage_sane(&u) && u.busy <= 100.0);
    /* The other way round (every counter went backwards): zeros, never huge. */
    cpustat_snap_usage(&b, &a, 0, &u);
    CHECK(usage_sane(&u) && u.busy == 0);
    /* A followed tree's ticks and a task's utime + stime saturate too. */
    CHECK(cpustat_tree_ticks(t, 2) == UINT64_MAX);
    CHECK(cpustat_parse_task_stat("1 (a) S 1 1 1 0 -1 0 0 0 0 0 18446744073709551615 5 "
                                  "9223372036854775807 9223372036854775807 20 0 3 0 1 1 1 1 1 1 "
                                  "1 1 1 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n", &t[0]) == 0);
    CHECK(t[0].ticks == UINT64_MAX && t[0].child_ticks == UINT64_MAX - 1);
    cpustat_snap_free(&a);
    cpustat_snap_free(&b);
}

TEST(malformed_stat)
{
    struct cpustat_snap s = {0};
    CHECK(cpustat_parse_stat("", &s) == -1);
    CHECK(cpustat_parse_stat("intr 1 2 3\n", &s) == -1);
    /* An old kernel with four columns: the rest are 0. */
    CHECK(cpustat_parse_stat("cpu  1 2 3 4\ncpu0 1 2 3 4\n", &s) == 0);
    CHECK(s.ncpu == 1 && s.cpu[0].idle == 4 && s.cpu[0].steal == 0);
    cpustat_snap_free(&s);
}

TEST(thread_name_with_parens)
{
    struct cpustat_task t;
    int pid = 0, child = 0;
    char rel[1024], pids[64];
    snprintf(rel, sizeof(rel), "%s/tree/PIDS", dir);
    CHECK(read_small_file(rel, pids, sizeof(pids)) > 0 && sscanf(pids, "%d %d", &pid, &child) == 2);
    /* Find the renamed thread: the task of pid that is not the main thread. */
    CHECK(cpustat_parse_task_stat("1 (a) (b c)) S 1 1 1 0 -1 0 0 0 0 0 7 5 0 0 20 0 3 0 1 1 1 1 1 1 "
                                  "1 1 1 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n", &t) == 0);
    CHECK(strcmp(t.name, "a) (b c)") == 0);
    CHECK(t.state == 'S' && t.ticks == 12 && t.nthreads == 3 && t.cpu == 1 && t.ppid == 1);
    snprintf(rel, sizeof(rel), "tree/%d/stat", pid);
    CHECK(load_task(rel, &t) == 0);
    CHECK(t.tid == pid && strcmp(t.name, "python3") == 0 && t.nthreads == 2);
    CHECK(t.cpu >= 0 && t.cpu < 2);
    /* Malformed: no parentheses, or too few fields. */
    CHECK(cpustat_parse_task_stat("12 python3 S 1", &t) == -1);
    CHECK(cpustat_parse_task_stat("12 (x) S 1 2 3", &t) == -1);
}

static void check_tree(const char *root_name)
{
    struct cpustat_task t[16];
    int pid = 0, child = 0, n, renamed = -1;
    char root[1024], pids[64];
    snprintf(root, sizeof(root), "%s/tree/PIDS", dir);
    CHECK(read_small_file(root, pids, sizeof(pids)) > 0 && sscanf(pids, "%d %d", &pid, &child) == 2);
    snprintf(root, sizeof(root), "%s/%s", dir, root_name);
    n = cpustat_collect_tree(root, pid, t, 16);
    /* The main thread, the renamed thread, then the child process. */
    CHECK(n == 3);
    if (n != 3)
        return;
    CHECK(t[0].tid == pid && t[0].tgid == pid);
    for (int i = 0; i < n; i++)
        if (strcmp(t[i].name, "a) (b c)") == 0)
            renamed = i;
    CHECK(renamed == 1 && t[1].tgid == pid && t[1].tid != pid);
    CHECK(t[2].tid == child && t[2].tgid == child && strcmp(t[2].name, "sleep") == 0);
    CHECK(t[2].ppid == pid);
    /* Room for two: the first two, no overflow. */
    CHECK(cpustat_collect_tree(root, pid, t, 2) == 2);
    /* A process that is not there. */
    CHECK(cpustat_collect_tree(root, 999999999, t, 16) == -1);
}

TEST(process_tree_children_file) { check_tree("tree"); }
TEST(process_tree_ppid_scan) { check_tree("tree_nochildren"); }

TEST(task_rates)
{
    struct cpustat_task prev[3] = {{.tid = 30, .ticks = 100}, {.tid = 10, .ticks = 50},
                                   {.tid = 20, .ticks = 500}};
    struct cpustat_task cur[3] = {{.tid = 10, .ticks = 100}, {.tid = 20, .ticks = 400},
                                  {.tid = 40, .ticks = 7}};
    cpustat_task_rates(prev, 3, cur, 3, 0.5, 100);
    CHECK_NEAR(cur[0].cpu_pct, 100.0, 1e-9); /* 50 ticks in 0.5 s at 100 Hz: one core */
    CHECK_NEAR(cur[1].cpu_pct, 0.0, 1e-9);   /* went backwards (tid reused): 0 */
    CHECK(cur[2].cpu_pct == CPUSTAT_NEW_TASK); /* new: no rate yet */
    cpustat_task_rates(prev, 0, cur, 3, 0.5, 100);
    CHECK(cur[0].cpu_pct == CPUSTAT_NEW_TASK); /* the first collection: all new */
}

/* The tree's total: each process's own ticks plus its reaped children's, once; the
 * threads' own lines are not added again. */
TEST(tree_ticks)
{
    struct cpustat_task t[3] = {
        {.tid = 1, .tgid = 1, .ticks = 60, .proc_ticks = 100, .child_ticks = 50},
        {.tid = 2, .tgid = 1, .ticks = 40, .child_ticks = 999}, /* a thread of 1 */
        {.tid = 3, .tgid = 3, .ticks = 10, .proc_ticks = 10},
    };
    CHECK(cpustat_tree_ticks(t, 3) == 160);
    CHECK(cpustat_tree_ticks(t, 0) == 0);
    /* cutime and cstime are fields 16 and 17. */
    CHECK(cpustat_parse_task_stat("1 (a) S 1 1 1 0 -1 0 0 0 0 0 7 5 3 4 20 0 3 0 1 1 1 1 1 1 "
                                  "1 1 1 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n", &t[0]) == 0);
    CHECK(t[0].ticks == 12 && t[0].child_ticks == 7);
}

/* A child that used CPU and was reaped shows in its parent's child ticks: how parmon
 * counts the short-lived point processes of a lab. The child measures its own CPU
 * time, so this holds on any machine, however busy. */
TEST(reaped_child_counts)
{
    struct cpustat_task before, after;
    char path[64];
    int st;
    pid_t pid;
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)getpid());
    CHECK(load_abs(path, &before) == 0);
    pid = fork();
    if (pid == 0) {
        while (clock() < CLOCKS_PER_SEC / 20) /* 50 ms of CPU: 5 ticks at 100 Hz */
            ;
        _exit(0);
    }
    CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
    CHECK(load_abs(path, &after) == 0);
    CHECK(after.child_ticks >= before.child_ticks + 3);
}

TEST(live_reader)
{
    /* The real files: whatever this machine has, the invariants hold. */
    struct cpustat_reader r;
    struct cpustat_snap a = {0}, b = {0};
    struct cpustat_usage u;
    CHECK(cpustat_reader_open(&r, "/proc/stat", "/sys/devices/system/cpu") == 0);
    CHECK(cpustat_reader_read(&r, &a) == 0);
    CHECK(cpustat_reader_read(&r, &b) == 0);
    CHECK(b.ncpu >= 1 && b.nonline >= 1 && b.nonline <= b.ncpu);
    for (int c = 0; c < b.ncpu; c++) {
        cpustat_snap_usage(&a, &b, c, &u);
        CHECK(usage_sane(&u));
    }
    cpustat_reader_close(&r);
    CHECK(cpustat_reader_open(&r, "/nonexistent/stat", NULL) == -1);
    cpustat_snap_free(&a);
    cpustat_snap_free(&b);
}

int main(void)
{
    const char *top = getenv("PARLAB_TOP");
    snprintf(dir, sizeof(dir), "%s/%s", top && *top ? top : ".", DATA);
    RUN(two_cpus);
    RUN(cpus_256);
    RUN(offline_cpu);
    RUN(guest_time);
    RUN(counter_backwards);
    RUN(counters_past_2_64);
    RUN(malformed_stat);
    RUN(thread_name_with_parens);
    RUN(process_tree_children_file);
    RUN(process_tree_ppid_scan);
    RUN(task_rates);
    RUN(tree_ticks);
    RUN(reaped_child_counts);
    RUN(live_reader);
    return TEST_DONE();
}
