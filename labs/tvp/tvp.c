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
 * Four experiments, top to bottom:
 *   create       the cost of starting and reaping one worker, six ways  (this file)
 *   memory       what each extra worker costs in memory, copy-on-write   (this file)
 *   communicate  latency and bandwidth of messages between two workers  (tvp_comm.c)
 *   cpu-bound, io-bound  the same total work on T threads and T processes (tvp_comm.c)
 */
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

extern char **environ;

/* ---- /proc parsers --------------------------------------------------------------------- */

/* Both /proc/PID/smaps_rollup and /proc/PID/status are lines "Key:   value kB". We
 * look for each key at the start of a line, so "Pss:" never matches "SwapPss:". */
int tvp_parse_kb_fields(const char *text, const char *const *keys, double *out, int n)
{
    int found = 0;
    for (const char *line = text; line && *line; line = strchr(line, '\n'), line += line != NULL) {
        for (int i = 0; i < n; i++) {
            size_t len = strlen(keys[i]);
            char *end;
            double v;
            if (strncmp(line, keys[i], len) || line[len] != ':')
                continue;
            v = strtod(line + len + 1, &end);
            if (end == line + len + 1)
                continue; /* no number after the key: not a value we understand */
            out[i] = v;
            found++;
        }
        if (!*line)
            break;
    }
    return found;
}

int tvp_read_kb_fields(const char *path, const char *const *keys, double *out, int n)
{
    static char buf[16384];
    if (read_small_file(path, buf, sizeof(buf)) < 0)
        return -1;
    return tvp_parse_kb_fields(buf, keys, out, n);
}

int tvp_mem_from(const char *rollup_path, const char *status_path, struct tvp_mem *m)
{
    static const char *const rk[] = {"Rss", "Pss", "Private_Clean", "Private_Dirty"};
    static const char *const sk[] = {"VmRSS"};
    double v[4] = {NAN, NAN, NAN, NAN};

    m->rss = m->pss = m->private_kib = NAN;
    if (rollup_path && tvp_read_kb_fields(rollup_path, rk, v, 4) == 4) {
        m->rss = v[0];
        m->pss = v[1];
        m->private_kib = v[2] + v[3];
        return 0;
    }
    /* No smaps_rollup: RSS alone, from status. PSS stays unknown, and we say so. */
    if (tvp_read_kb_fields(status_path, sk, v, 1) == 1) {
        m->rss = v[0];
        return 0;
    }
    return -1;
}

int tvp_mem_of(pid_t pid, struct tvp_mem *m)
{
    char r[64], s[64];
    if (pid == 0)
        pid = getpid();
    snprintf(r, sizeof(r), "/proc/%d/smaps_rollup", (int)pid);
    snprintf(s, sizeof(s), "/proc/%d/status", (int)pid);
    return tvp_mem_from(r, s, m);
}

/* ---- the charts' tables -------------------------------------------------------------- */
/* Each experiment leaves a small table for its chart (tvp-create.csv, ...). They are
 * written to temporary files and renamed into place only when the whole run ends
 * well, with the runs and summary files: an interrupted run leaves the previous set
 * of files whole and consistent. */

static struct csvw *pending[8];
static int npending;

struct csvw *tvp_table_open(const struct lab_ctx *ctx, const char *name)
{
    struct csvw *w = csvw_open(ctx->out_dir, name);
    if (!w)
        die("cannot write '%s/%s': %s", ctx->out_dir, name, strerror(errno));
    if (npending == (int)ARRAY_SIZE(pending))
        die("tvp: too many tables");
    pending[npending++] = w;
    return w;
}

/* Commit every table (ok) or throw them all away. Returns 0, or -1 if one failed. */
static int tables_finish(int ok)
{
    int rc = 0;
    for (int i = 0; i < npending; i++) {
        if (ok && csvw_commit(pending[i]) < 0)
            rc = -1;
        else if (!ok)
            csvw_abort(pending[i]);
    }
    npending = 0;
    return rc;
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

/* A table of what the chart shows: the variant, its param, and a label. */
struct create_result {
    const char *variant, *param;
    char label[48];
    double us, lo, hi;
};

/* The result of variant, from the small parent (big = 0) or the big one (big = 1). */
static const struct create_result *find_result(const struct create_result *r, int nr,
                                               const char *variant, int big)
{
    for (int i = 0; i < nr; i++)
        if (!strcmp(r[i].variant, variant) && (r[i].param[0] != '\0') == big)
            return &r[i];
    return NULL;
}

static int create_one(struct lab_ctx *ctx, const char *variant, const char *param,
                      harness_fn fn, struct create_result *out)
{
    struct point pt = {"create", variant, 1, param};
    struct create_arg a = {0};
    double min_s = ctx->quick ? 0.01 : 0.05;
    const struct summary *s;
    uint64_t n;

    harness_point(ctx, &pt);
    /* As many workers a sample as make it last min_s: a 50 us thread start needs
     * hundreds to time well, a 10 ms fork of a big parent only a few. */
    n = harness_calibrate(fn, &a, min_s);
    if (harness_sample(ctx, &pt, fn, &a, n, "us", "us", 1e6) < 0)
        return EXIT_INTERRUPTED;
    if (a.failures) {
        harness_progress_clear();
        printf("create %s: %d worker%s failed to start or exit cleanly\n", variant, a.failures,
               a.failures == 1 ? "" : "s");
        return EXIT_FAIL;
    }
    harness_print(ctx, &pt, "us");
    s = results_summary(ctx->res, &pt, "us");
    out->variant = variant;
    out->param = param;
    out->us = s->median, out->lo = s->ci_lo, out->hi = s->ci_hi;
    return EXIT_OK;
}

/* Map and touch mib MiB: every page really resident, as in a parent that has been
 * working for a while. The pages are 4 KiB unless transparent huge pages are "always". */
static void *touch_big(long mib)
{
    size_t bytes = (size_t)mib << 20;
    char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    for (size_t i = 0; i < bytes; i += 4096)
        p[i] = (char)i;
    return p;
}

int tvp_create(struct lab_ctx *ctx)
{
    long rss_def = ctx->quick ? 64 : 256;
    long rss = lab_opt_long(ctx, "rss", rss_def, 1, 1L << 20);
    struct create_result r[8];
    char big[32];
    int nr = 0, rc, have_true = access(true_path, X_OK) == 0;
    double avail[1] = {NAN};
    static const char *const mk[] = {"MemAvailable"};
    void *mem;

    /* A value the machine cannot hold is a bad value, not a crash: touching more
     * than the free memory would wake the OOM killer. */
    if (tvp_read_kb_fields("/proc/meminfo", mk, avail, 1) == 1 && (double)rss * 1024 > 0.7 * avail[0])
        usage_error("--rss: '%ld' MiB is more than 70%% of the %.0f MiB available here", rss,
                    avail[0] / 1024);

    printf("== create: start and reap one worker that does nothing (us per worker)\n");
    if (ctx->quick && !lab_opt(ctx, "rss"))
        printf("(quick: the big parent touches %ld MiB, not the default 256; --rss chooses)\n", rss);

    struct {
        const char *variant;
        harness_fn fn;
        int needs_true;
    } small[] = {
        {"pthread", create_pthread, 0},         {"vfork", create_vfork, 0},
        {"fork", create_fork, 0},               {"posix-spawn", create_posix_spawn, 1},
        {"fork-exec", create_fork_exec, 1},
    };
    for (size_t i = 0; i < ARRAY_SIZE(small); i++) {
        if (small[i].needs_true && !have_true) {
            printf("create %s: not measured: %s is missing here\n", small[i].variant, true_path);
            continue;
        }
        if ((rc = create_one(ctx, small[i].variant, "", small[i].fn, &r[nr])) != EXIT_OK)
            return rc;
        snprintf(r[nr].label, sizeof(r[nr].label), "%s", small[i].variant);
        nr++;
    }

    /* The same fork from a parent that touched rss MiB: now the kernel must copy one
     * page-table entry for each of its rss * 256 pages. posix_spawn from that same
     * parent shows the way around it. */
    if (!(mem = touch_big(rss))) {
        printf("create fork-big: not measured: cannot map %ld MiB (%s)\n", rss, strerror(errno));
    } else {
        fmt_param(big, sizeof(big), "rss_mib=%ld", rss);
        results_meta(ctx->res, "tvp_rss_mib", "%ld", rss);
        rc = create_one(ctx, "fork-big", big, create_fork, &r[nr]);
        if (rc == EXIT_OK) {
            snprintf(r[nr].label, sizeof(r[nr].label), "fork-big (%ld MiB)", rss);
            nr++;
            if (have_true) {
                rc = create_one(ctx, "posix-spawn", big, create_posix_spawn, &r[nr]);
                snprintf(r[nr].label, sizeof(r[nr].label), "posix-spawn (%ld MiB parent)", rss);
                nr += rc == EXIT_OK;
            }
        }
        munmap(mem, (size_t)rss << 20);
        if (rc != EXIT_OK)
            return rc;
    }

    /* The chart's table, smallest to largest as measured. */
    {
        struct csvw *w = tvp_table_open(ctx, "tvp-create.csv");
        static const char *const hdr[] = {"variant", "param", "label", "us", "ci_lo", "ci_hi"};
        csvw_row(w, hdr, 6);
        for (int i = 0; i < nr; i++) {
            csvw_str(w, r[i].variant), csvw_str(w, r[i].param), csvw_str(w, r[i].label);
            csvw_num(w, r[i].us), csvw_num(w, r[i].lo), csvw_num(w, r[i].hi);
            csvw_endrow(w);
        }
    }

    {
        const struct create_result *f = find_result(r, nr, "fork", 0);
        const struct create_result *fb = find_result(r, nr, "fork-big", 1);
        const struct create_result *sp = find_result(r, nr, "posix-spawn", 0);
        const struct create_result *sb = find_result(r, nr, "posix-spawn", 1);
        printf("\nreading it:");
        if (f && fb)
            printf(" fork-big costs %.1fx a small fork: about %.1f ms more per GiB the\n"
                   "  parent touched, because fork copies a page-table entry for every page.",
                   fb->us / f->us, (fb->us - f->us) / 1000 * 1024.0 / (double)rss);
        if (sp && sb)
            printf("\n  posix_spawn from the same big parent: %.2fx its cost from a small one\n"
                   "  (its child borrows the parent's memory until it execs).", sb->us / sp->us);
    }
    printf("\n  Reference, an idle 2-vCPU EPYC VM (ANCHORS.md): pthread 57 us, vfork 68 us,\n"
           "  fork 236 us, fork after 1 GiB 35 ms, posix_spawn 660 us, fork+exec 780 us.\n\n");
    return EXIT_OK;
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

int tvp_memory(struct lab_ctx *ctx)
{
    int n = 4; /* workers alive at once: memory does not depend on the CPU count */
    long array_mib = ctx->quick ? 16 : 64;
    static const char *const variants[] = {"threads", "processes", "cow-read", "cow-write"};
    static const char *const metrics[] = {"rss_kib", "pss_kib", "private_kib"};
    double med[4][3];
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

    for (int v = 0; v < 4; v++) {
        struct point pt = {"memory", variants[v], n, v >= 2 ? param_cow : param};
        if (v == 2) {
            /* The array copy-on-write acts on, touched by the parent before forking. */
            if (!(array = touch_big(array_mib)))
                die("memory: cannot map %ld MiB: %s", array_mib, strerror(errno));
        }
        harness_point(ctx, &pt);
        for (int rep = 0; rep <= ctx->reps; rep++) { /* rep 0: warm-up, not recorded */
            struct tvp_mem per;
            int rc;
            if (harness_interrupted())
                break;
            harness_rep(ctx, rep);
            rc = v == 0 ? mem_threads_rep(n, &per)
                        : mem_procs_rep(n, array, array ? (size_t)array_mib << 20 : 0, v - 1, &per);
            if (rc < 0) {
                if (array)
                    munmap(array, (size_t)array_mib << 20);
                printf("memory %s: not measured: a worker failed or /proc could not be read\n",
                       variants[v]);
                return EXIT_FAIL;
            }
            if (rep == 0)
                continue;
            results_add(ctx->res, &pt, rep, "rss_kib", per.rss, "KiB");
            if (have_pss) {
                results_add(ctx->res, &pt, rep, "pss_kib", per.pss, "KiB");
                results_add(ctx->res, &pt, rep, "private_kib", per.private_kib, "KiB");
            }
        }
        if (harness_interrupted()) {
            if (array)
                munmap(array, (size_t)array_mib << 20);
            return EXIT_INTERRUPTED;
        }
        for (int k = 0; k < 3; k++) {
            const struct summary *s = results_summary(ctx->res, &pt, metrics[k]);
            med[v][k] = s ? s->median : NAN;
            if (s)
                harness_print(ctx, &pt, metrics[k]);
        }
    }
    if (array)
        munmap(array, (size_t)array_mib << 20);

    {
        struct csvw *w = tvp_table_open(ctx, "tvp-memory.csv");
        static const char *const hdr[] = {"variant", "rss_kib", "pss_kib", "private_kib"};
        csvw_row(w, hdr, 4);
        for (int v = 0; v < 4; v++) {
            csvw_str(w, variants[v]);
            for (int k = 0; k < 3; k++)
                csvw_num(w, med[v][k]);
            csvw_endrow(w);
        }
    }
    printf("\nreading it: a thread costs about %.0f KiB resident (its touched stack);\n"
           "  a process shows %.0f KiB RSS but only %.0f KiB PSS and %.0f KiB private: RSS counts\n"
           "  the pages it shares with the parent. Children reading a %ld MiB array stay shared\n"
           "  (%.0f KiB private each); children writing it get private copies (%.0f KiB each).\n\n",
           med[0][0], med[1][0], med[1][1], med[1][2], array_mib, med[2][2], med[3][2]);
    return EXIT_OK;
}

/* ---- the lab ------------------------------------------------------------------------- */

static const char *const experiments[] = {"create", "memory", "communicate", "cpu-bound", "io-bound"};

/* --only create,memory: the experiments to run (all by default). */
static int wanted(const struct lab_ctx *ctx, const char *exp)
{
    const char *only = lab_opt(ctx, "only");
    size_t len = strlen(exp);
    if (!only)
        return 1;
    for (const char *p = only; *p;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (n == len && !strncmp(p, exp, n))
            return 1;
        p += n + (comma != NULL);
    }
    return 0;
}

static int tvp_run(struct lab_ctx *ctx)
{
    const char *only = lab_opt(ctx, "only");
    int rc = EXIT_OK;

    /* Check --only before measuring anything: every name must be an experiment. */
    if (only) {
        char *copy = xstrdup(only), *save = NULL;
        for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            size_t i = 0;
            while (i < ARRAY_SIZE(experiments) && strcmp(tok, experiments[i]))
                i++;
            if (i == ARRAY_SIZE(experiments))
                usage_error("--only: '%s' is not an experiment (create, memory, communicate, "
                            "cpu-bound, io-bound)", tok);
        }
        free(copy);
    }
    /* --rss is checked up front too, even when create is not run. */
    lab_opt_long(ctx, "rss", 256, 1, 1L << 20);

    harness_plan(ctx, (wanted(ctx, "create") ? 7 : 0) + (wanted(ctx, "memory") ? 4 : 0) +
                          (wanted(ctx, "communicate") ? tvp_comm_points(ctx) : 0) +
                          (wanted(ctx, "cpu-bound") ? tvp_scaling_points(ctx, 0) : 0) +
                          (wanted(ctx, "io-bound") ? tvp_scaling_points(ctx, 1) : 0));

    if (rc == EXIT_OK && wanted(ctx, "create"))
        rc = tvp_create(ctx);
    if (rc == EXIT_OK && wanted(ctx, "memory"))
        rc = tvp_memory(ctx);
    if (rc == EXIT_OK && wanted(ctx, "communicate"))
        rc = tvp_communicate(ctx);
    if (rc == EXIT_OK && wanted(ctx, "cpu-bound"))
        rc = tvp_scaling(ctx, 0);
    if (rc == EXIT_OK && wanted(ctx, "io-bound"))
        rc = tvp_scaling(ctx, 1);
    if (harness_interrupted())
        rc = EXIT_INTERRUPTED;
    if (tables_finish(rc == EXIT_OK) < 0)
        rc = EXIT_FAIL;
    return rc;
}

static const struct lab_option tvp_options[] = {
    {"rss", "MIB", "MiB the parent touches before fork-big (default 256; --quick 64)"},
    {"only", "LIST", "run only these experiments: create,memory,communicate,cpu-bound,io-bound"},
    {NULL, NULL, NULL},
};

const struct lab lab_tvp = {
    .name = "tvp",
    .summary = "threads vs processes: start-up cost, memory, messages, and when each scales",
    .help =
        "create:      us to start and reap one worker: pthread, vfork, fork, posix-spawn and\n"
        "             fork-exec of /bin/true, then fork-big and posix-spawn from a parent that\n"
        "             touched --rss MiB.\n"
        "memory:      RSS, PSS and private KiB per extra worker (4 at once): threads,\n"
        "             processes, and copy-on-write: children that read (cow-read) or write\n"
        "             (cow-write) an array the parent touched.\n"
        "communicate: ping-pong latency_us (half a round trip) and one-way bandwidth_mbps,\n"
        "             8 B to 1 MiB (param bytes=N): threads-shm, pipe, socketpair,\n"
        "             processes-shm.\n"
        "cpu-bound:   seconds and speedup of the same CPU work on T threads / T processes.\n"
        "io-bound:    the same for blocking waits (nanosleep); threads-1cpu pins them all to\n"
        "             one CPU to show that waiting needs no cores.\n"
        "Charts: plots/tvp-create.gp, tvp-memory.gp, tvp-latency.gp, tvp-bandwidth.gp,\n"
        "tvp-scaling.gp (make plots). Lesson: labs/tvp/README.md.",
    .options = tvp_options,
    .run = tvp_run,
    .default_reps = 5,
    .quick_reps = 3,
};
