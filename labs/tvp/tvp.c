/* labs/tvp/tvp.c: threads or processes? What each costs to start, to keep, and to
 * talk to, and when that cost matters.
 *
 * A thread and a process are both "a worker the kernel schedules". What differs is
 * what they share: threads share one address space, so starting one only needs a
 * stack, and they talk through plain memory. A process gets its own address space:
 * fork() must copy the parent's page tables (not its memory: pages are shared
 * copy-on-write until someone writes them), exec() must load a program, and two
 * processes talk through the kernel (pipes, sockets) or through memory mapped shared
 * on purpose. The payoff is isolation: a crash, a leak or a global interpreter lock
 * in one process does not touch the others.
 *
 * Five experiments, top to bottom:
 *   create       the cost of starting and reaping one worker, seven ways  (this file)
 *   memory       what each extra worker costs in memory, copy-on-write    (this file)
 *   communicate  latency and bandwidth of messages between two workers   (tvp_comm.c,
 *                over a ring in shared memory built in tvp_ring.c)
 *   cpu-bound, io-bound  the same total work on T threads and T processes, once they
 *                are running (tvp_scaling.c, on a team of workers from tvp_team.c)
 * and one run only when named, `demo`: the scaling lessons held steady in phases of
 * ~10 s for a talk (tvp_scaling.c). At the end of this file, the lesson's claims,
 * judged on the numbers. Machinery: tvp_proc.c reads what /proc says about a process's
 * memory. */
#include "tvp.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"

extern char **environ;

/* Map and touch mib MiB: every page really resident, as in a parent that has been
 * working for a while. In 4 KiB pages on purpose: where transparent huge pages are
 * "always", the kernel would otherwise back it with 2 MiB pages, 512 times fewer page
 * table entries for fork to copy, and hide what a parent with scattered memory pays. */
static void *touch_big(long mib)
{
    size_t bytes = (size_t)mib << 20;
    char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
#ifdef MADV_NOHUGEPAGE
    madvise(p, bytes, MADV_NOHUGEPAGE);
#endif
    for (size_t i = 0; i < bytes; i += 4096)
        p[i] = (char)i;
    return p;
}

/* ---- create: starting and reaping one worker ------------------------------------------ */
/* Each variant does the least a real program would: start a worker that does
 * nothing, and wait for it to finish. The time per worker is the whole round:
 * create + schedule + exit + reap. */

struct create_arg {
    int failures; /* a worker that could not start or did not exit 0 */
};

static void *empty_thread(void *p)
{
    return p;
}

static void create_pthread(void *p, uint64_t n)
{
    struct create_arg *a = p;
    for (uint64_t i = 0; i < n; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, empty_thread, NULL) != 0) {
            a->failures++;
            continue;
        }
        pthread_join(t, NULL);
    }
}

static void reaped(struct create_arg *a, int rc, int st)
{
    if (rc < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        a->failures++;
}

/* fork(): a copy of this process. The kernel copies the page tables, marks every
 * page read-only so the first write to it copies it (copy-on-write), and the child
 * exits at once. The bigger the parent, the more page tables to copy. */
static void create_fork(void *p, uint64_t n)
{
    struct create_arg *a = p;
    for (uint64_t i = 0; i < n; i++) {
        int st = 0;
        pid_t pid = harness_fork();
        if (pid == 0)
            _exit(0);
        if (pid < 0) {
            a->failures++;
            continue;
        }
        reaped(a, harness_wait(pid, &st), st);
    }
}

/* vfork(): the child borrows the parent's address space (nothing is copied) and the
 * parent sleeps until the child exits or execs. It may do almost nothing but _exit
 * or exec, which is all we ask of it: it exits at once, so it can never be orphaned. */
static __attribute__((noinline)) pid_t vfork_and_exit(void)
{
    /* In its own small function: the child runs on the parent's stack until _exit,
     * so nothing of the caller's frame may be kept in registers across vfork. */
    pid_t pid = vfork();
    if (pid == 0)
        _exit(0);
    return pid;
}

static void create_vfork(void *p, uint64_t n)
{
    struct create_arg *a = p;
    for (uint64_t i = 0; i < n; i++) {
        int st = 0, rc;
        pid_t pid = vfork_and_exit();
        if (pid < 0) {
            a->failures++;
            continue;
        }
        while ((rc = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
            ;
        reaped(a, rc, st);
    }
}

static char *const true_argv[] = {(char *)"true", NULL};
static const char true_path[] = "/bin/true";

/* posix_spawn(): glibc starts the child vfork-style (clone with CLONE_VM|CLONE_VFORK)
 * and execs the program at once, so the parent's size does not matter. The cost is
 * the exec: loading /bin/true and its shared libraries. */
static void create_posix_spawn(void *p, uint64_t n)
{
    struct create_arg *a = p;
    for (uint64_t i = 0; i < n; i++) {
        pid_t pid;
        int st = 0, rc;
        if (posix_spawn(&pid, true_path, NULL, NULL, true_argv, environ) != 0) {
            a->failures++;
            continue;
        }
        /* /bin/true exits at once; we always wait for it, so none is left behind. */
        while ((rc = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
            ;
        reaped(a, rc, st);
    }
}

/* fork() then exec(): the classic Unix way, paying for both. */
static void create_fork_exec(void *p, uint64_t n)
{
    struct create_arg *a = p;
    for (uint64_t i = 0; i < n; i++) {
        int st = 0;
        pid_t pid = harness_fork();
        if (pid == 0) {
            execv(true_path, true_argv);
            _exit(127);
        }
        if (pid < 0) {
            a->failures++;
            continue;
        }
        reaped(a, harness_wait(pid, &st), st);
    }
}

/* The ways to start a worker, in the order they run. needs_true: it execs /bin/true. */
struct way {
    const char *variant;
    void (*run)(void *arg, uint64_t n);
    int needs_true;
};

static const struct way small_parent[] = {
    {"pthread", create_pthread, 0},  {"vfork", create_vfork, 0},
    {"fork", create_fork, 0},        {"posix-spawn", create_posix_spawn, 1},
    {"fork-exec", create_fork_exec, 1},
};
/* Then again from a parent that touched --rss MiB: the two whose cost the parent's
 * size could change, and the lesson says only one of them does. */
static const struct way big_parent[] = {
    {"fork", create_fork, 0},
    {"posix-spawn", create_posix_spawn, 1},
};

static int create_points(const struct lab_ctx *ctx)
{
    (void)ctx;
    return (int)(ARRAY_SIZE(small_parent) + ARRAY_SIZE(big_parent));
}

/* One point: as many workers a sample as make it last min_s (a 50 us thread start
 * needs hundreds to time well, a 10 ms fork of a big parent only a few), then the
 * warm-up and the repetitions; us per worker started and reaped. */
static int create_one(struct lab_ctx *ctx, const struct way *way, const char *param)
{
    struct point pt = {"create", way->variant, 1, param, 0};
    struct create_arg a = {0};
    struct harness_work w = {.run = way->run, .arg = &a};
    double min_s = ctx->quick ? 0.02 : 0.05;
    uint64_t n;
    int rc;

    if (way->needs_true && access(true_path, X_OK) != 0) {
        harness_skip(ctx, &pt, "%s is not executable here: nothing to exec", true_path);
        return EXIT_OK;
    }
    harness_point(ctx, &pt);
    n = harness_calibrate(&w, min_s, 1, 0);
    rc = harness_sample(ctx, &pt, &w, n, "us", "us", 1e6);
    if (rc != EXIT_OK)
        return rc;
    if (a.failures) {
        harness_note(ctx, "create %s: %d worker%s failed to start or exit cleanly", way->variant,
                     a.failures, a.failures == 1 ? "" : "s");
        return EXIT_FAIL;
    }
    harness_print(ctx, &pt, "us");
    return EXIT_OK;
}

static int tvp_create(struct lab_ctx *ctx)
{
    long rss = (long)lab_opt(ctx, "rss");
    char big[32];
    int rc = EXIT_OK;
    void *mem;

    printf("== create: us to start and reap one worker that does nothing; then from a parent\n"
           "   that touched %ld MiB (%s)\n", rss,
           lab_opt_given(ctx, "rss") ? "--rss" : ctx->quick ? "--quick's size; --rss sets it"
                                                             : "--rss sets it");
    for (size_t i = 0; i < ARRAY_SIZE(small_parent) && rc == EXIT_OK; i++)
        rc = create_one(ctx, &small_parent[i], "");
    if (rc != EXIT_OK)
        return rc;

    fmt_param(big, sizeof(big), "rss_mib=%ld", rss);
    if (!(mem = touch_big(rss))) {
        int e = errno;
        for (size_t i = 0; i < ARRAY_SIZE(big_parent); i++) {
            struct point pt = {"create", big_parent[i].variant, 1, big, 0};
            harness_skip(ctx, &pt, "cannot map %ld MiB: %s", rss, strerror(e));
        }
        return EXIT_OK;
    }
    for (size_t i = 0; i < ARRAY_SIZE(big_parent) && rc == EXIT_OK; i++)
        rc = create_one(ctx, &big_parent[i], big);
    munmap(mem, (size_t)rss << 20);
    return rc;
}

/* ---- memory: what each extra worker costs ---------------------------------------------- */
/* RSS (resident set size) counts every page a process has in RAM, including pages it
 * shares with others (libc, the parlab binary, copy-on-write pages from its parent):
 * add up the RSS of ten processes and you count libc ten times. PSS (proportional set
 * size) divides each shared page by the number of processes sharing it, so PSS adds
 * up. Private (USS) is what would be freed if that process exited. */

#define MEM_STACK_KIB 64 /* each worker touches this much of its stack, threads and processes alike */

/* Touch kib KiB of this worker's stack (a real worker has a call chain and locals). */
static __attribute__((noinline)) unsigned touch_stack(int kib)
{
    volatile char buf[MEM_STACK_KIB * 1024];
    unsigned sum = 0;
    for (int i = 0; i < kib * 1024; i += 4096)
        buf[i] = (char)i;
    for (int i = 0; i < kib * 1024; i += 4096)
        sum += (unsigned)buf[i];
    return sum;
}

struct mem_threads {
    pthread_barrier_t up, go;
};

static void *mem_thread(void *p)
{
    struct mem_threads *m = p;
    touch_stack(MEM_STACK_KIB);
    pthread_barrier_wait(&m->up); /* every stack touched: the parent measures now */
    pthread_barrier_wait(&m->go);
    return NULL;
}

/* Threads: the whole process's memory with n threads alive, minus without them. */
static int mem_threads_rep(int n, struct tvp_mem *per)
{
    struct mem_threads m;
    pthread_t *t = xmalloc(sizeof(pthread_t) * (size_t)n);
    struct tvp_mem before, during;
    int started = 0, rc = 0;

    pthread_barrier_init(&m.up, NULL, (unsigned)n + 1);
    pthread_barrier_init(&m.go, NULL, (unsigned)n + 1);
    tvp_mem_of(0, &before);
    for (; started < n; started++)
        if (pthread_create(&t[started], NULL, mem_thread, &m) != 0)
            die("memory: cannot create thread %d of %d", started + 1, n);
    pthread_barrier_wait(&m.up);
    if (tvp_mem_of(0, &during) < 0)
        rc = -1;
    pthread_barrier_wait(&m.go);
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&m.up);
    pthread_barrier_destroy(&m.go);
    free(t);
    per->rss = (during.rss - before.rss) / n;
    per->pss = (during.pss - before.pss) / n;
    per->private_kib = (during.private_kib - before.private_kib) / n;
    return rc;
}

/* Processes: n children, each touching its stack like the threads did, and with
 * `array` (array_bytes) inherited from the parent: mode 0 leaves it alone, 1 reads
 * every page of it, 2 writes every page. Each child says it is ready on a pipe and
 * waits for the parent to close another; the parent reads each child's /proc. */
static int mem_procs_rep(int n, char *array, size_t array_bytes, int mode, struct tvp_mem *per)
{
    int ready[2], go[2], rc = 0, got = 0;
    pid_t *pid = xcalloc((size_t)n, sizeof(pid_t));
    struct tvp_mem sum = {0, 0, 0};

    if (pipe(ready) < 0 || pipe(go) < 0)
        die("memory: cannot create a pipe: %s", strerror(errno));
    for (int i = 0; i < n; i++) {
        pid[i] = harness_fork();
        if (pid[i] < 0)
            die("memory: cannot fork child %d of %d: %s", i + 1, n, strerror(errno));
        if (pid[i] == 0) {
            volatile unsigned s = touch_stack(MEM_STACK_KIB);
            char c = 'r';
            close(ready[0]), close(go[1]);
            for (size_t k = 0; mode && k < array_bytes; k += 4096) {
                if (mode == 1)
                    s += (unsigned)array[k];  /* reading shares the parent's page */
                else
                    array[k] = (char)(k + 1); /* writing copies it: a private page */
            }
            (void)s;
            if (write(ready[1], &c, 1) != 1)
                _exit(1);
            while (read(go[0], &c, 1) < 0 && errno == EINTR)
                ;
            _exit(0);
        }
    }
    close(ready[1]), close(go[0]);
    /* Wait until all are ready; a child that dies first closes its end, and read
     * returns 0 once all have, so a crash is reported instead of hanging. */
    while (got < n) {
        char c;
        ssize_t k = read(ready[0], &c, 1);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got++;
    }
    for (int i = 0; i < n && got == n; i++) {
        struct tvp_mem m;
        if (tvp_mem_of(pid[i], &m) < 0) {
            rc = -1;
            break;
        }
        sum.rss += m.rss, sum.pss += m.pss, sum.private_kib += m.private_kib;
    }
    close(go[1]); /* every child reads EOF and exits */
    close(ready[0]);
    for (int i = 0; i < n; i++) {
        int st = 0;
        harness_wait(pid[i], &st);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            printf("memory: child %d %s\n", (int)pid[i],
                   WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) : "exited with an error");
            rc = -1;
        }
    }
    if (got < n)
        rc = -1;
    free(pid);
    per->rss = sum.rss / n, per->pss = sum.pss / n, per->private_kib = sum.private_kib / n;
    return rc;
}

/* The copy-on-write children need the array in the parent plus, when they write it, a
 * copy each: skipped rather than risk the OOM killer on a small machine. */
static int memory_fits(long array_mib, int children)
{
    static const char *const mk[] = {"MemAvailable"};
    double avail[1] = {NAN};
    if (tvp_read_kb_fields("/proc/meminfo", mk, avail, 1) != 1)
        return 1; /* cannot tell: try */
    return (double)array_mib * 1024 * (1 + children) <= 0.7 * avail[0];
}

#define MEM_WORKERS 4 /* alive at once: memory does not depend on the CPU count */

static const char *const mem_variants[] = {"threads", "processes", "cow-read", "cow-write"};
static const char *const mem_metrics[] = {"rss_kib", "pss_kib", "private_kib"};

static int memory_points(const struct lab_ctx *ctx)
{
    (void)ctx;
    return (int)ARRAY_SIZE(mem_variants);
}

static int tvp_memory(struct lab_ctx *ctx)
{
    int n = MEM_WORKERS, rc = EXIT_OK;
    long array_mib = ctx->quick ? 16 : 64; /* the parent's array, for copy-on-write */
    char param[48], param_cow[48];
    char *array = NULL;
    struct tvp_mem probe;
    int have_pss;

    tvp_mem_of(0, &probe);
    have_pss = !isnan(probe.pss);
    printf("== memory: what each of %d extra workers costs (KiB per worker; each touches %d KiB "
           "of stack)\n", n, MEM_STACK_KIB);
    if (!have_pss)
        printf("(PSS and private not measured: /proc/self/smaps_rollup cannot be read here "
               "(Linux < 4.14?); RSS only)\n");
    fmt_param(param, sizeof(param), "stack_kib=%d", MEM_STACK_KIB);
    fmt_param(param_cow, sizeof(param_cow), "stack_kib=%d;array_mib=%ld", MEM_STACK_KIB, array_mib);

    for (int v = 0; v < (int)ARRAY_SIZE(mem_variants) && rc == EXIT_OK; v++) {
        struct point pt = {"memory", mem_variants[v], n, v >= 2 ? param_cow : param, 0};
        if (v >= 2 && !array) {
            /* The array copy-on-write acts on, touched by the parent before forking. */
            if (!memory_fits(array_mib, n) || !(array = touch_big(array_mib))) {
                for (; v < (int)ARRAY_SIZE(mem_variants); v++) {
                    pt.variant = mem_variants[v];
                    harness_skip(ctx, &pt, "the parent's %ld MiB array and a copy for each of %d "
                                           "children do not fit in the memory available", array_mib, n);
                }
                break;
            }
        }
        harness_point(ctx, &pt);
        for (int rep; harness_next_rep(ctx, &rep);) { /* rep 0: the warm-up */
            struct tvp_mem per;
            int bad = v == 0 ? mem_threads_rep(n, &per)
                             : mem_procs_rep(n, array, array ? (size_t)array_mib << 20 : 0, v - 1, &per);
            if (bad) {
                harness_note(ctx, "memory %s: not measured: a worker failed or /proc could not be read",
                             mem_variants[v]);
                rc = EXIT_FAIL;
                break;
            }
            if (rep == 0)
                continue;
            results_add(ctx->res, &pt, rep, "rss_kib", per.rss, "KiB");
            if (have_pss) {
                results_add(ctx->res, &pt, rep, "pss_kib", per.pss, "KiB");
                results_add(ctx->res, &pt, rep, "private_kib", per.private_kib, "KiB");
            }
        }
        if (harness_interrupted())
            rc = EXIT_INTERRUPTED;
        for (int k = 0; k < 3 && rc == EXIT_OK; k++)
            harness_print(ctx, &pt, mem_metrics[k]);
    }
    if (array)
        munmap(array, (size_t)array_mib << 20);
    return rc;
}

/* ---- the lesson's claims, judged on the numbers (parlab report) ---------------------------
 * Each judge reads the summary rows (a saved file or this run's) and says holds, does not
 * hold, or cannot tell (with why). Thresholds are what is physically true on any common
 * machine, with room for a noisy one: a claim that fails says something real. */

/* The row of (experiment, variant, metric) with any workers and a param that starts
 * with prefix (NULL: any), or NULL. */
static const struct sumrow *find_row(const struct report_lab *l, const char *experiment,
                                     const char *variant, const char *prefix, const char *metric)
{
    for (int i = 0; i < l->nrows; i++) {
        const struct sumrow *r = &l->rows[i];
        if (!strcmp(r->experiment, experiment) && !strcmp(r->variant, variant) &&
            !strcmp(r->metric, metric) && (!prefix || !strncmp(r->param, prefix, strlen(prefix))))
            return r;
    }
    return NULL;
}

/* A number from a param "a=1;b=2" (0 if absent). */
static long param_long(const char *param, const char *key)
{
    const char *p = strstr(param, key);
    return p ? atol(p + strlen(key)) : 0;
}

static double lo_of(const struct sumrow *r)
{
    return isnan(r->ci_lo) ? r->median : r->ci_lo;
}

static double hi_of(const struct sumrow *r)
{
    return isnan(r->ci_hi) ? r->median : r->ci_hi;
}

/* Rows with fewer than 3 repetitions have no interval worth judging. */
static bool enough_reps(struct claim_out *o, const struct sumrow *r, const char *name)
{
    if (r->n >= 3)
        return true;
    claim_verdict(o, VERDICT_CANNOT_TELL, "%s: only %d repetition%s (at least 3 give an interval)",
                  name, r->n, r->n == 1 ? "" : "s");
    return false;
}

/* The machine was busy during row r's point: other programs used CPUs it could have
 * used (the rule of the harness's busy flag, for points that want `wanted` CPUs). The
 * points of create and communicate mostly wait for a handoff to another worker, which a
 * busy machine delays for everyone alike, pulling every ratio toward 1; so a claim about
 * them that does not hold on a busy machine says cannot tell instead (one that holds
 * there holds all the more). */
static const struct sumrow *other_cores_of(const struct report_lab *l, const struct sumrow *r)
{
    const struct sumrow *oc = report_row(l, r->experiment, r->variant, r->workers, r->param,
                                         "other_cores");
    /* A point under 0.1 s records none (the machine's counters tick every 10 ms): then the
     * busiest of the same variant's other points in that experiment speaks for it, or if
     * it has none, the busiest point of the experiment (a few seconds apart at most). */
    for (int pass = 0; pass < 2 && !oc; pass++) {
        const struct sumrow *busiest = NULL;
        for (int i = 0; i < l->nrows; i++) {
            const struct sumrow *x = &l->rows[i];
            if (!strcmp(x->metric, "other_cores") && !strcmp(x->experiment, r->experiment) &&
                (pass || !strcmp(x->variant, r->variant)) && (!busiest || x->median > busiest->median))
                busiest = x;
        }
        oc = busiest;
    }
    return oc;
}

static void unless_busy(struct claim_out *o, const struct report_lab *l,
                        const struct sumrow *const *rows, int n, double wanted)
{
    for (int i = 0; i < n && o->verdict != VERDICT_HOLDS && l->usable > 0; i++) {
        const struct sumrow *oc = rows[i] ? other_cores_of(l, rows[i]) : NULL;
        if (oc && oc->median > 0.25 && oc->median > l->usable - wanted + 0.25) {
            claim_verdict(o, VERDICT_CANNOT_TELL, "the machine was busy: other programs used %.2f "
                                                  "CPUs during %s%s%s", oc->median, oc->variant,
                          *oc->param ? " " : "", oc->param);
            return;
        }
    }
}

/* a < b, judged on their intervals: holds when a's whole interval is below b's, does not
 * hold when it is above, cannot tell when they overlap. (A ratio would do, but a thread's
 * private memory can be 0 KiB.) */
static void claim_less(struct claim_out *o, const struct sumrow *a, const struct sumrow *b,
                       const char *name_a, const char *name_b)
{
    char ra[200], rb[200];
    if (!a || !b) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "%s or %s: not measured in these results", name_a, name_b);
        return;
    }
    claim_note(o, "%s: %s", name_a, report_fmt_row(a, ra, sizeof(ra)));
    claim_note(o, "%s: %s", name_b, report_fmt_row(b, rb, sizeof(rb)));
    if (!enough_reps(o, a, name_a) || !enough_reps(o, b, name_b))
        return;
    if (hi_of(a) < lo_of(b))
        claim_verdict(o, VERDICT_HOLDS, NULL);
    else if (lo_of(a) > hi_of(b))
        claim_verdict(o, VERDICT_FAILS, "%s is above %s", name_a, name_b);
    else
        claim_verdict(o, VERDICT_CANNOT_TELL, "the intervals of %s and %s overlap", name_a, name_b);
}

/* create: fork + wait costs at least twice pthread_create + join. */
static void judge_thread_starts_faster(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *r[2] = {report_row(l, "create", "fork", 1, "", "us"),
                                 report_row(l, "create", "pthread", 1, "", "us")};
    claim_ratio_at_least(o, l, r[0], r[1], 2, "fork / pthread_create, us per worker");
    unless_busy(o, l, r, 2, 1);
}

/* create: the big parent over the small one, for fork and for posix_spawn. fork copies a
 * page-table entry for every page the parent touched; posix_spawn's child borrows the
 * parent's address space until it execs, so nothing grows with it. The claim is the
 * comparison: fork's ratio is at least twice posix_spawn's. */
static void judge_fork_grows(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *fb = find_row(l, "create", "fork", "rss_mib=", "us");
    const struct sumrow *f = report_row(l, "create", "fork", 1, "", "us");
    const struct sumrow *sb = find_row(l, "create", "posix-spawn", "rss_mib=", "us");
    const struct sumrow *s = report_row(l, "create", "posix-spawn", 1, "", "us");
    const struct sumrow *all[4] = {fb, f, sb, s};
    double rf_lo, rf_hi, rs_lo, rs_hi, q_lo, q_hi;
    long rss;
    char lvl[16];

    if (!fb || !f) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "fork from a big parent: not measured in these results");
        return;
    }
    rss = param_long(fb->param, "rss_mib=");
    if (!sb || !s) { /* no /bin/true to spawn: fork's growth alone */
        claim_ratio_at_least(o, l, fb, f, 2, "fork from a %ld MiB parent / from a small one", rss);
        claim_note(o, "posix_spawn not measured");
        unless_busy(o, l, all, 2, 1);
        return;
    }
    if (!enough_reps(o, fb, "fork (big parent)") || !enough_reps(o, f, "fork") ||
        !enough_reps(o, sb, "posix_spawn (big parent)") || !enough_reps(o, s, "posix_spawn"))
        return;
    rf_lo = lo_of(fb) / hi_of(f), rf_hi = hi_of(fb) / lo_of(f);
    rs_lo = lo_of(sb) / hi_of(s), rs_hi = hi_of(sb) / lo_of(s);
    q_lo = rf_lo / rs_hi, q_hi = rf_hi / rs_lo;
    claim_note(o, "from a %ld MiB parent over a small one: fork %.2fx [%.2f, %.2f], posix_spawn "
                  "%.2fx [%.2f, %.2f]; fork's ratio over posix_spawn's %.2fx [%.2f, %.2f] (at least "
                  "%s coverage)", rss, fb->median / f->median, rf_lo, rf_hi, sb->median / s->median,
               rs_lo, rs_hi, fb->median / f->median / (sb->median / s->median), q_lo, q_hi,
               fmt_level(fb->ci_level * f->ci_level * sb->ci_level * s->ci_level, lvl, sizeof(lvl)));
    if (rss < 32)
        claim_verdict(o, VERDICT_CANNOT_TELL, "a parent of %ld MiB is too small to show it "
                                              "(--rss 64 or more)", rss);
    else if (q_lo >= 2)
        claim_verdict(o, VERDICT_HOLDS, NULL);
    else if (q_hi < 2)
        claim_verdict(o, VERDICT_FAILS, "fork's ratio is less than twice posix_spawn's");
    else
        claim_verdict(o, VERDICT_CANNOT_TELL, "the interval [%.2f, %.2f] straddles 2 (more --reps, "
                                              "or a quieter machine, would tell)", q_lo, q_hi);
    unless_busy(o, l, all, 4, 1);
}

/* memory: private KiB per extra worker, thread < process. */
static void judge_thread_memory(const struct report_lab *l, struct claim_out *o)
{
    claim_less(o, find_row(l, "memory", "threads", NULL, "private_kib"),
               find_row(l, "memory", "processes", NULL, "private_kib"),
               "private KiB per thread", "per process");
}

/* memory: readers of the inherited array stay shared, writers own a copy. */
static void judge_cow(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *r = find_row(l, "memory", "cow-read", NULL, "private_kib");
    const struct sumrow *w = find_row(l, "memory", "cow-write", NULL, "private_kib");
    struct claim_out part = {0};
    double kib;
    if (!r || !w) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "private memory of the copy-on-write children: not "
                                              "measured in these results");
        return;
    }
    kib = 1024.0 * (double)param_long(w->param, "array_mib=");
    claim_at_most(o, l, r, 0.1 * kib, "private KiB of a child that read the %.0f KiB array", kib);
    claim_at_least(&part, l, w, 0.9 * kib, "of one that wrote it");
    claim_merge(o, &part, 0);
}

/* communicate: at the smallest message, shared memory at most half a pipe's and a
 * socket's latency. Needs two CPUs: the rings spin only when each side has its own (on
 * one CPU every message, through any transport, waits for a context switch). */
static void judge_shm_small(const struct report_lab *l, struct claim_out *o)
{
    static const char *const shm[] = {"threads-shm", "processes-shm"};
    static const char *const kern[] = {"pipe", "socketpair"};
    const struct sumrow *r[4];
    char param[48];
    int first = 1;
    if (!claim_needs_cpus(o, l, 2))
        return;
    snprintf(param, sizeof(param), "bytes=%d;pattern=pingpong", TVP_SMALL_MSG);
    for (int i = 0; i < 2; i++) {
        r[2 + i] = report_row(l, "communicate", kern[i], 2, param, "latency_us");
        r[i] = report_row(l, "communicate", shm[i], 2, param, "latency_us");
    }
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < 2; k++) {
            struct claim_out part = {0};
            claim_ratio_at_least(&part, l, r[2 + k], r[i], 2, "%s / %s at %d B", kern[k], shm[i],
                                 TVP_SMALL_MSG);
            claim_merge(o, &part, first);
            first = 0;
        }
    unless_busy(o, l, r, 4, 2); /* a spinning ring wants both CPUs */
}

/* cpu-bound: speedup >= 0.8 P at the most workers P within the usable CPUs, both ways. */
static void judge_cpu_scales(const struct report_lab *l, struct claim_out *o)
{
    static const char *const v[] = {"threads", "processes"};
    int judged = 0;
    if (!claim_needs_cpus(o, l, 2))
        return;
    for (int i = 0; i < 2; i++) {
        int p = report_top_workers(l, "cpu-bound", v[i], NULL, "speedup", 2);
        struct claim_out part = {0};
        if (!p)
            continue;
        claim_at_least(&part, l, report_row(l, "cpu-bound", v[i], p, NULL, "speedup"), 0.8 * p,
                       "%s at %d workers", v[i], p);
        if (part.verdict == VERDICT_CANNOT_TELL) {
            /* The median point got its CPUs, or it would be flagged short; but in the
             * repetition that pulled the interval down, did it? Say so if not. */
            const struct sumrow *c = report_row(l, "cpu-bound", v[i], p, NULL, "cpu_cores");
            if (c && c->n >= 3 && c->min < 0.8 * p && c->median >= 0.8 * p)
                claim_verdict(&part, VERDICT_CANNOT_TELL, "%s at %d workers: in one repetition the "
                              "%d workers got only %.2f CPUs (other programs took the rest); a "
                              "quieter machine would tell", v[i], p, p, c->min);
        }
        claim_merge(o, &part, judged++ == 0);
    }
    if (!judged)
        claim_verdict(o, VERDICT_CANNOT_TELL, "no speedup measured at 2 or more workers");
}

/* io-bound: T threads all on one CPU reach at least T/2 (the ideal is T: the waits
 * overlap; starting T threads one after another takes some of it back). Any number of
 * CPUs will do: that is the point. */
static void judge_io_one_cpu(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *best = NULL;
    for (int i = 0; i < l->nrows; i++) {
        const struct sumrow *r = &l->rows[i];
        if (!strcmp(r->experiment, "io-bound") && !strcmp(r->variant, "threads-1cpu") &&
            !strcmp(r->metric, "speedup") && (!best || r->workers > best->workers))
            best = r;
    }
    if (!best || best->workers < 2) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "threads-1cpu: no speedup measured at 2 or more workers");
        return;
    }
    claim_at_least(o, l, best, best->workers / 2.0, "%d threads on one CPU", best->workers);
    unless_busy(o, l, &best, 1, 1); /* another program on that CPU delays every wake-up */
}

/* demo: the CPU phases at the same pace: each way's throughput at least 0.8 times the
 * other's (both phases use every usable CPU; a phase that got less is flagged short). */
static void judge_demo_same_pace(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *t = find_row(l, "demo", "cpu-threads", NULL, "throughput");
    const struct sumrow *p = find_row(l, "demo", "cpu-processes", NULL, "throughput");
    struct claim_out part = {0};
    claim_ratio_at_least(o, l, p, t, 0.8, "processes / threads, LCG steps a second");
    claim_ratio_at_least(&part, l, t, p, 0.8, "threads / processes");
    claim_merge(o, &part, 0);
}

/* demo: the io phases: the most threads pinned to one CPU against one thread, waits a
 * second at least T/2 times as many, and under half a core of CPU for all of them. */
static void judge_demo_waiting(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *one = report_row(l, "demo", "io-threads-1cpu", 1, NULL, "throughput");
    const struct sumrow *many = NULL, *cores;
    struct claim_out part = {0};
    for (int i = 0; i < l->nrows; i++) {
        const struct sumrow *r = &l->rows[i];
        if (!strcmp(r->experiment, "demo") && !strcmp(r->variant, "io-threads-1cpu") &&
            !strcmp(r->metric, "throughput") && r->workers > 1 && (!many || r->workers > many->workers))
            many = r;
    }
    if (!one || !many) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "the waiting phases: not measured in these results");
        return;
    }
    claim_ratio_at_least(o, l, many, one, many->workers / 2.0, "%d threads on one CPU / 1 thread, "
                         "waits a second", many->workers);
    cores = report_row(l, "demo", "io-threads-1cpu", many->workers, many->param, "cpu_cores");
    claim_at_most(&part, l, cores, 0.5, "the CPU the %d threads used, in cores", many->workers);
    claim_merge(o, &part, 0);
    {
        const struct sumrow *r[2] = {one, many};
        unless_busy(o, l, r, 2, 1); /* another program on that CPU delays every wake-up */
    }
}

static const struct lab_claim tvp_claims[] = {
    {"create", "A thread starts faster than a process: fork + wait costs at least twice "
               "pthread_create + join", judge_thread_starts_faster},
    {"create", "fork's cost grows with the parent's memory, posix_spawn's does not: from a parent "
               "that touched --rss MiB, fork's cost ratio (big parent / small) is at least twice "
               "posix_spawn's", judge_fork_grows},
    {"memory", "A thread costs less memory than a process: fewer private KiB per extra worker",
     judge_thread_memory},
    {"memory", "Copy-on-write: children that only read the parent's array keep sharing it "
               "(private < 10% of it), children that write it own a copy (private >= 90% of it)",
     judge_cow},
    {"communicate", "Shared memory beats a pipe and a socket for small messages: at 8 B, half a "
                    "round trip takes at most half as long (with a CPU for each side)",
     judge_shm_small},
    {"cpu-bound", "CPU-bound work speeds up on threads and processes alike: at P workers on P "
                  "CPUs, each reaches at least 0.8 P", judge_cpu_scales},
    {"io-bound", "Waiting needs no CPU: T threads pinned to ONE CPU finish I/O-bound work at least "
                 "T/2 times faster than one thread", judge_io_one_cpu},
    {"demo", "On stage, threads and processes do the same CPU work at the same pace: with every "
             "usable CPU busy, each way's throughput is at least 0.8 times the other's",
     judge_demo_same_pace},
    {"demo", "On stage, waiting needs no CPU: 32 threads pinned to ONE CPU wait through at least "
             "16 times the waits a second of one thread, on less than half a core",
     judge_demo_waiting},
    {NULL, NULL, NULL},
};

/* ---- the lab ------------------------------------------------------------------------------ */

/* --rss MiB must fit: touching more than the free memory would wake the OOM killer. */
static const char *tvp_check(const struct lab_ctx *ctx)
{
    static char why[256];
    static const char *const mk[] = {"MemAvailable"};
    double avail[1] = {NAN};
    long rss = (long)lab_opt(ctx, "rss");
    int create = lab_experiment_index(ctx->lab, "create");
    if (!lab_opt_given(ctx, "rss") && !ctx->exp_on[create])
        return NULL;
    if (tvp_read_kb_fields("/proc/meminfo", mk, avail, 1) == 1 && (double)rss * 1024 > 0.7 * avail[0]) {
        snprintf(why, sizeof(why), "--rss: %s'%ld' MiB is more than 70%% of the memory available "
                                   "now (%.0f MiB); give a smaller --rss",
                 lab_opt_given(ctx, "rss") ? "" : "the default ", rss, avail[0] / 1024);
        return why;
    }
    return NULL;
}

static const struct lab_experiment tvp_experiments[] = {
    {"create", "us to start and reap one worker, seven ways (pthread ... fork+exec; fork and "
               "posix_spawn from a big parent)", tvp_create, create_points, 0},
    {"memory", "RSS, PSS and private KiB per extra worker: threads, processes, copy-on-write",
     tvp_memory, memory_points, 0},
    {"communicate", "latency and bandwidth of 8 B to 1 MiB messages: shared memory, pipe, socket",
     tvp_communicate, tvp_communicate_points, 0},
    {"cpu-bound", "the same CPU work on T threads or T processes already running: paired speedups",
     tvp_cpu_bound, tvp_cpu_bound_points, 0},
    {"io-bound", "the same blocking waits on T threads, T processes, T threads on one CPU",
     tvp_io_bound, tvp_io_bound_points, 0},
    {"demo", "for a talk: steady phases of --phase-seconds for parmon: CPU work on threads, then "
             "processes; waits on 1 thread, then on 32 pinned to ONE CPU",
     tvp_demo, tvp_demo_points, 1},
    {NULL, NULL, NULL, NULL, 0},
};

static const struct lab_option tvp_options[] = {
    {"rss", "MIB", "MiB the big parent touches before create's second fork and posix_spawn",
     LAB_OPT_INTEGER, 256, 64, 1, 1000000},
    {"seconds", "S", "length of the one-worker cpu-bound run", LAB_OPT_NUMBER, 0.4, 0.1, 0.001, 60},
    {"phase-seconds", "S", "length of each phase of the demo experiment", LAB_OPT_NUMBER, 10, 2,
     0.1, 3600},
    {NULL, NULL, NULL, 0, 0, 0, 0, 0},
};

static const char *const tvp_charts[] = {"tvp-create", "tvp-memory", "tvp-latency",
                                         "tvp-bandwidth", "tvp-scaling", NULL};

const struct lab lab_tvp = {
    .name = "tvp",
    .summary = "threads vs processes: start-up cost, memory, messages, and when each scales",
    .help =
        "create:      us to start and reap one worker: pthread, vfork, fork, posix-spawn and\n"
        "             fork-exec of /bin/true; then fork and posix-spawn again from a parent\n"
        "             that touched --rss MiB (param rss_mib=N).\n"
        "memory:      RSS, PSS and private KiB per extra worker (4 at once): threads,\n"
        "             processes, and copy-on-write: children that read (cow-read) or write\n"
        "             (cow-write) an array the parent touched.\n"
        "communicate: ping-pong latency_us (half a round trip; param pattern=pingpong) and\n"
        "             one-way us_per_msg and bandwidth_mbps (pattern=stream), 8 B to 1 MiB\n"
        "             (param bytes=N): threads-shm, pipe, socketpair, processes-shm.\n"
        "cpu-bound:   seconds and paired speedup of the same CPU work on T threads / T\n"
        "             processes, started before the clock (a pool); each repetition runs\n"
        "             every T, in 5 rounds; speedup against the same repetition's one-worker\n"
        "             time.\n"
        "io-bound:    the same for blocking waits (nanosleep); threads-1cpu pins them all to\n"
        "             one CPU to show that waiting needs no cores.\n"
        "demo:        only with --experiment demo (make demo-tvp): 4 phases of --phase-seconds\n"
        "             (10; --quick 2) for parmon: CPU work on P threads, then P processes\n"
        "             (variants cpu-threads, cpu-processes), then 5 ms waits on 1 thread and on\n"
        "             32 threads pinned to ONE CPU (io-threads-1cpu); throughput and cpu_cores.\n"
        "Charts: plots/tvp-create.gp, tvp-memory.gp, tvp-latency.gp, tvp-bandwidth.gp,\n"
        "tvp-scaling.gp (make plots). Lesson: labs/tvp/README.md.",
    .experiments = tvp_experiments,
    .options = tvp_options,
    .claims = tvp_claims,
    .charts = tvp_charts,
    .check = tvp_check,
    .default_reps = 5,
    .quick_reps = 5,
};
