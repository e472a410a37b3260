/* harness.c: options, worker counts, the plan and progress, the repetition loop,
 * calibration, sampling, clocks and paired speedups, signals, child processes and the
 * CPU accounting that tells a learner when the machine, not the code, made a number.
 * The child-process protocol is in harness_child.c. */
#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness_internal.h"
#include "status.h"

/* ---- options ---------------------------------------------------------------------------- */

static int opt_index(const struct lab_ctx *ctx, const char *name)
{
    int n = lab_noptions(ctx->lab);
    for (int i = 0; i < n; i++)
        if (!strcmp(ctx->lab->options[i].name, name))
            return i;
    die("internal: lab %s has no option '--%s'", ctx->lab->name, name);
}

double lab_opt(const struct lab_ctx *ctx, const char *name)
{
    return ctx->opt[opt_index(ctx, name)];
}

bool lab_opt_given(const struct lab_ctx *ctx, const char *name)
{
    return ctx->opt_given[opt_index(ctx, name)];
}

const char *lab_opt_str(const struct lab_ctx *ctx, const char *name)
{
    int i = opt_index(ctx, name);
    return ctx->opt_str && ctx->opt_given[i] ? ctx->opt_str[i] : NULL;
}

/* ---- worker counts ---------------------------------------------------------------------- */

int harness_workers_auto(const struct topo *t, int **out)
{
    int u = t->usable, n = 0, *w = xmalloc(sizeof(int) * 64);
    for (int c = 1; c <= u && n < 60; c = c < 8 ? c + 1 : c * 2)
        w[n++] = c;
    if (w[n - 1] != u)
        w[n++] = u;
    w[n++] = 2 * u; /* one oversubscribed point: more workers than CPUs */
    *out = w;
    return n;
}

int harness_workers_with_one(const struct lab_ctx *ctx, int **out)
{
    int *w = xmalloc(sizeof(int) * (size_t)(ctx->nworkers + 1)), n = 0;
    if (ctx->nworkers == 0 || ctx->workers[0] != 1)
        w[n++] = 1;
    for (int i = 0; i < ctx->nworkers; i++)
        w[n++] = ctx->workers[i];
    *out = w;
    return n;
}

int harness_workers_or(const struct lab_ctx *ctx, const int *full, int nfull, const int *quick,
                       int nquick, int **out)
{
    const int *src = ctx->quick ? quick : full;
    int n = ctx->quick ? nquick : nfull;
    if (ctx->workers_given)
        return harness_workers_with_one(ctx, out);
    *out = xmalloc(sizeof(int) * (size_t)n);
    memcpy(*out, src, sizeof(int) * (size_t)n);
    return n;
}

int harness_oversubscribed(const struct lab_ctx *ctx, int w)
{
    return w > ctx->topo->usable;
}

double harness_cores_for(const struct lab_ctx *ctx, int w)
{
    return w < ctx->topo->usable ? w : ctx->topo->usable;
}

/* ---- signals ---------------------------------------------------------------------------- */

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t progress_on_tty;
static volatile sig_atomic_t in_child;   /* a child of harness_child: report to the parent */
static pid_t owner_pid;                  /* the process whose files atexit may remove */

/* Tracked children: a fixed table a signal handler may walk. kind 1: a worker; 2: a
 * harness child (it runs the harness too, so the first Ctrl-C is passed on to it); 3: a
 * lab the tour runs (Ctrl-C is passed on, SIGTERM too, and it gets time to clean up). */
#define MAX_CHILDREN 4096
static volatile pid_t children[MAX_CHILDREN];
static volatile sig_atomic_t child_kind[MAX_CHILDREN];

/* Every live descendant of this process, found through /proc/PID/task/TID/children
 * (no malloc, no stdio: this runs in signal handlers too), gets sig. Orphans of our
 * children (a Python pool's workers, a resource tracker) are reparented to us, since
 * parlab is a child subreaper, so they are found here as well. Returns how many. */
static int signal_descendants(pid_t pid, int sig, int depth)
{
    char path[64], buf[4096];
    int n = 0, fd, tfd;
    ssize_t k;
    struct dirent64_like {
        unsigned long long ino;
        long long off;
        unsigned short reclen;
        unsigned char type;
        char name[];
    };
    char dbuf[2048];
    if (depth > 32)
        return 0;
    snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
    if ((tfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return 0;
    while ((k = syscall(SYS_getdents64, tfd, dbuf, sizeof(dbuf))) > 0) {
        for (long off = 0; off < k;) {
            struct dirent64_like *e = (struct dirent64_like *)(dbuf + off);
            off += e->reclen;
            if (e->name[0] == '.')
                continue;
            snprintf(path, sizeof(path), "/proc/%d/task/%.16s/children", (int)pid, e->name);
            if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
                continue;
            k = read(fd, buf, sizeof(buf) - 1);
            close(fd);
            buf[k > 0 ? k : 0] = '\0';
            for (char *p = buf; *p;) {
                long child = 0;
                while (*p == ' ' || *p == '\n')
                    p++;
                while (*p >= '0' && *p <= '9')
                    child = child * 10 + (*p++ - '0');
                if (child <= 0)
                    break;
                n += signal_descendants((pid_t)child, sig, depth + 1); /* theirs first */
                kill((pid_t)child, sig);
                n++;
            }
            k = 1;
        }
    }
    close(tfd);
    return n;
}

/* Kill every child and descendant, and reap them: a process killed but never reaped
 * stays a zombie, and once we are gone it belongs to init, which in a container may
 * never reap it. As a subreaper we receive each orphan as its parent dies, so this goes
 * round until no child is left (bounded: a process in the kernel's uninterruptible
 * sleep could take a while). */
/* Descendants nobody tracked (a Python pool's workers, its resource tracker, orphans
 * reparented to us) first get SIGTERM and up to 2 s to end: a pool's worker ends at
 * once, and the resource tracker it leaves (it ignores SIGTERM) then sees its pipe close
 * and removes what the pool made (named semaphores and memory-mapped folders in
 * /dev/shm) before it exits. Killed at once, they would leave those behind for good.
 * Returns at once when no descendant is left. Signal-safe. */
static void term_descendants_signal_safe(void)
{
    if (signal_descendants(getpid(), SIGTERM, 0) == 0)
        return;
    for (int t = 0; t < 200; t++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        if (signal_descendants(getpid(), 0, 0) == 0)
            return;
        nanosleep(&ts, NULL);
    }
}

static void kill_all_signal_safe(void)
{
    /* SIGTERM first, to our own children too: a launcher (mpirun) ends its ranks and
     * removes their shared-memory segments, a Python pool its semaphores; our own
     * workers end at once (they take the signal as if we had no handler). Whatever is
     * left after the grace gets SIGKILL. */
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i] > 0)
            kill(children[i], SIGTERM);
    term_descendants_signal_safe();
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i] > 0)
            kill(children[i], SIGKILL);
    for (int round = 0; round < 200; round++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        int n = signal_descendants(getpid(), SIGKILL, 0);
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        if (n == 0)
            break;
        nanosleep(&ts, NULL);
    }
}

/* A lab the tour started, or a harness child measuring for us, gets SIGTERM and time to
 * clean up after itself (its temporaries, its workers, a Python pool's semaphores);
 * only if it does not end in 5 s, SIGKILL. */
static void stop_labs_signal_safe(void)
{
    int left = 0;
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i] > 0 && child_kind[i] >= 2) {
            kill(children[i], SIGTERM);
            left++;
        }
    for (int t = 0; t < 100 && left; t++) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        left = 0;
        for (int i = 0; i < MAX_CHILDREN; i++)
            if (children[i] > 0 && child_kind[i] >= 2) {
                if (waitpid(children[i], NULL, WNOHANG) == children[i])
                    children[i] = 0;
                else
                    left++;
            }
        if (left)
            nanosleep(&ts, NULL);
    }
}

static void on_signal(int sig)
{
    static const char msg[] =
        "\nparlab: stopping after this sample (press Ctrl-C again to stop now)\n";
    int saved = errno;
    /* A process forked from ours by other code (a Python pool's worker) inherits this
     * handler, but none of our files or children are its to clean up: it takes the
     * signal as if we had never installed a handler. */
    if (getpid() != owner_pid) {
        signal(sig, SIG_DFL);
        raise(sig);
        errno = saved;
        return;
    }
    /* In a harness child, Ctrl-C or SIGTERM (from the parent) only asks to stop after
     * the sample under way: the child then cleans up (a Python pool shuts its workers
     * down) and ends; the parent decides the rest. */
    if (in_child) {
        stop_requested = 1;
        errno = saved;
        return;
    }
    /* Ctrl-C is a person at the keyboard: finish the sample, then stop. SIGTERM and
     * SIGHUP come from a program (timeout, kill, a closed terminal) that wants us gone
     * now: the same as a second Ctrl-C. */
    if (!stop_requested && sig == SIGINT) {
        stop_requested = 1;
        for (int i = 0; i < MAX_CHILDREN; i++) /* a child harness stops after its sample */
            if (children[i] > 0 && child_kind[i] >= 2)
                kill(children[i], SIGINT);
        if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
            /* nothing to do: we are in a signal handler */
        }
        errno = saved;
        return;
    }
    /* Second signal: leave now, but leave nothing behind. */
    stop_labs_signal_safe();
    kill_all_signal_safe();
    csvw_abort_all_signal_safe();
    status_unlink_signal_safe();
    _exit(sig == SIGINT ? EXIT_INTERRUPTED : 128 + sig);
}

/* die() and exit() from anywhere: no status page, no temporary, no child left. Only in
 * the process that made them: a forked child that exits must not remove its parent's. */
static void cleanup_at_exit(void)
{
    if (getpid() != owner_pid)
        return;
    harness_kill_children();
    csvw_abort_all_signal_safe();
    status_close();
}

/* on_signal for Ctrl-C, SIGTERM and SIGHUP. */
static void catch_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

void harness_install_signals(void)
{
    static int installed;
    catch_stop_signals();
    /* A reader that went away (| head) must not kill us mid-write of a result file. */
    signal(SIGPIPE, SIG_IGN);
    /* Orphans of our children (a Python pool's resource tracker whose parent died)
     * become our children instead of init's, so we can stop and reap them too. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    owner_pid = getpid();
    if (!installed++)
        atexit(cleanup_at_exit);
}

bool harness_interrupted(void)
{
    return stop_requested != 0;
}

/* ---- processes -------------------------------------------------------------------------- */

static void track(pid_t pid, int kind)
{
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i] == 0) {
            child_kind[i] = kind;
            children[i] = pid;
            return;
        }
}

static void untrack(pid_t pid)
{
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i] == pid)
            children[i] = 0;
}

pid_t harness_fork_kind(int kind)
{
    pid_t parent = getpid(), pid;
    fflush(NULL); /* or buffered output would be written twice */
    pid = fork();
    if (pid == 0) {
        /* The child must not outlive a parent that is killed with SIGKILL. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(EXIT_FAIL); /* the parent died before prctl took effect */
        signal(SIGINT, SIG_IGN); /* the parent decides; it kills us if it must */
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        for (int i = 0; i < MAX_CHILDREN; i++)
            children[i] = 0;
        progress_on_tty = 0;
        return 0;
    }
    if (pid > 0)
        track(pid, kind);
    return pid;
}

pid_t harness_fork(void)
{
    return harness_fork_kind(1);
}

int harness_wait(pid_t pid, int *status)
{
    int rc, st = 0;
    do
        rc = waitpid(pid, &st, 0);
    while (rc < 0 && errno == EINTR);
    untrack(pid);
    if (status)
        *status = st;
    return rc;
}

void harness_kill_children(void)
{
    /* A harness child running an experiment (or a lab the tour runs) first gets SIGTERM
     * and up to 5 s to stop after its sample and clean up what it started (a cluster's
     * folders and namespaces, a broker): killed outright, it could not. */
    stop_labs_signal_safe();
    for (int i = 0; i < MAX_CHILDREN; i++) {
        pid_t p = children[i];
        if (p > 0) {
            kill(p, SIGKILL);
            while (waitpid(p, NULL, 0) < 0 && errno == EINTR)
                ;
            children[i] = 0;
        }
    }
    /* Descendants nobody tracked (a pool's workers, orphans reparented to us): asked to
     * end, then killed, and every child of ours reaped, so none is left, not even a
     * zombie. */
    term_descendants_signal_safe();
    while (signal_descendants(getpid(), SIGKILL, 0) > 0)
        while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
            ;
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
}

void harness_enter_child(void)
{
    in_child = 1;
    stop_requested = 0;
    progress_on_tty = 0;
    owner_pid = getpid(); /* its own temporaries, if any, are its to remove */
    catch_stop_signals();
}

bool harness_in_child(void)
{
    return in_child != 0;
}

/* ---- CPU accounting --------------------------------------------------------------------- */

/* Busy CPU-seconds of the whole machine so far, from the first line of /proc/stat
 * (user+nice+system+irq+softirq+steal; guest is already inside user). -1 if unreadable. */
static double machine_busy_s(void)
{
    char buf[512];
    unsigned long long v[8] = {0};
    long hz = sysconf(_SC_CLK_TCK);
    if (read_small_file("/proc/stat", buf, sizeof(buf)) <= 0 || hz <= 0 ||
        sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
               &v[4], &v[5], &v[6], &v[7]) < 4)
        return -1;
    return (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / (double)hz;
}

/* CPU seconds of process pid and its reaped children (fields 14-17 of its stat), plus,
 * recursively, those of its live children. depth bounds a pathological tree. */
static double live_tree_cpu(pid_t pid, int depth, long hz)
{
    char path[64], buf[1024], *p;
    unsigned long long ut = 0, st = 0, cut = 0, cst = 0;
    double sum = 0;
    DIR *d;
    struct dirent *e;
    if (depth > 16)
        return 0;
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if (read_small_file(path, buf, sizeof(buf)) > 0 && (p = strrchr(buf, ')')) &&
        sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %llu %llu", &ut, &st,
               &cut, &cst) == 4)
        sum = (double)(ut + st + cut + cst) / (double)hz;
    snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
    if (!(d = opendir(path)))
        return sum;
    while ((e = readdir(d))) {
        char kids[4096], *tok, *save = NULL;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "/proc/%d/task/%.16s/children", (int)pid, e->d_name);
        if (read_small_file(path, kids, sizeof(kids)) <= 0)
            continue;
        for (tok = strtok_r(kids, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
            sum += live_tree_cpu((pid_t)atoi(tok), depth + 1, hz);
    }
    closedir(d);
    return sum;
}

double harness_tree_cpu_s(void)
{
    struct rusage a, b;
    long hz = sysconf(_SC_CLK_TCK);
    double s;
    char path[64], kids[4096], *tok, *save = NULL;
    DIR *d;
    struct dirent *e;
    getrusage(RUSAGE_SELF, &a);
    getrusage(RUSAGE_CHILDREN, &b);
    s = (double)(a.ru_utime.tv_sec + a.ru_stime.tv_sec + b.ru_utime.tv_sec + b.ru_stime.tv_sec) +
        (double)(a.ru_utime.tv_usec + a.ru_stime.tv_usec + b.ru_utime.tv_usec + b.ru_stime.tv_usec) * 1e-6;
    /* Children still alive (a process pool, a point's child) are not in RUSAGE_CHILDREN
     * until reaped: add what /proc says of them (needs /proc/PID/task/TID/children). */
    if (hz <= 0 || !(d = opendir("/proc/self/task")))
        return s;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "/proc/self/task/%.16s/children", e->d_name);
        if (read_small_file(path, kids, sizeof(kids)) <= 0)
            continue;
        for (tok = strtok_r(kids, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
            s += live_tree_cpu((pid_t)atoi(tok), 1, hz);
    }
    closedir(d);
    return s;
}

/* CPU seconds of this process (every thread, live or gone) and its reaped children,
 * up to date to the nanosecond. getrusage and the process CPU clock see a thread that is
 * running on another CPU only as of that CPU's last scheduler tick (4 ms at HZ=250): for
 * a sample of a few milliseconds that hides most of a busy partner thread. So each live
 * thread's own CPU clock (which the kernel brings up to date when read) replaces its
 * stale share, read from /proc/self/task/TID/schedstat. */
static double proc_cpu_s(void)
{
    struct rusage ch;
    struct timespec ts;
    double total;
    DIR *d;
    struct dirent *e;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    total = (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
    if ((d = opendir("/proc/self/task"))) {
        while ((e = readdir(d))) {
            char path[96], buf[128];
            long tid = atol(e->d_name);
            /* MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED): the CPU clock of thread tid */
            clockid_t cid = (clockid_t)((~(unsigned)tid << 3) | 6);
            unsigned long long stale;
            if (tid <= 0 || tid == (long)syscall(SYS_gettid))
                continue; /* the calling thread is up to date already */
            snprintf(path, sizeof(path), "/proc/self/task/%ld/schedstat", tid);
            if (read_small_file(path, buf, sizeof(buf)) <= 0 || sscanf(buf, "%llu", &stale) != 1 ||
                clock_gettime(cid, &ts) != 0)
                continue;
            total += (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9 - (double)stale * 1e-9;
        }
        closedir(d);
    }
    getrusage(RUSAGE_CHILDREN, &ch);
    return total + (double)(ch.ru_utime.tv_sec + ch.ru_stime.tv_sec) +
           (double)(ch.ru_utime.tv_usec + ch.ru_stime.tv_usec) * 1e-6;
}

/* The first field of /proc/PID/task/TID/schedstat: nanoseconds on a CPU, exact (the
 * tick-based counts in /proc/PID/stat move in 10 ms steps, as long as a whole sample). */
static double process_cpu_ns(const char *pid)
{
    char path[96], buf[128];
    double s = 0;
    struct dirent *e;
    DIR *d;
    snprintf(path, sizeof(path), "/proc/%.16s/task", pid);
    if (!(d = opendir(path)))
        return 0; /* it exited meanwhile */
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "/proc/%.16s/task/%.16s/schedstat", pid, e->d_name);
        if (read_small_file(path, buf, sizeof(buf)) > 0)
            s += strtod(buf, NULL);
    }
    closedir(d);
    return s;
}

double harness_children_cpu_s(void)
{
    char path[96], kids[4096], *tok, *save;
    double ns = 0;
    struct dirent *e;
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "/proc/self/task/%.16s/children", e->d_name);
        if (read_small_file(path, kids, sizeof(kids)) <= 0)
            continue;
        save = NULL;
        for (tok = strtok_r(kids, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
            ns += process_cpu_ns(tok);
    }
    closedir(d);
    return ns * 1e-9;
}

double harness_machine_busy_s(void)
{
    return machine_busy_s();
}

static double busy_at_start, own_at_start;

double harness_background_load(const struct lab_ctx *ctx)
{
    double wall = now_s() - ctx->t_start, busy = machine_busy_s();
    if (busy < 0 || busy_at_start < 0 || wall < 0.2)
        return NAN;
    /* Jiffies are coarse (10 ms): clamp the small negative values rounding can give. */
    return fmax(0, (busy - busy_at_start - (harness_tree_cpu_s() - own_at_start)) / wall);
}

/* ---- points and progress --------------------------------------------------------------- */

/* The points announced last (one, or a series), kept until the next announcement to
 * record what other programs used meanwhile. */
static struct point *open_pts;
static int n_open, cap_open;
static double open_t0, open_busy0, open_own0;

static void free_open(void)
{
    for (int i = 0; i < n_open; i++) {
        free((char *)open_pts[i].experiment), free((char *)open_pts[i].variant);
        free((char *)open_pts[i].param);
    }
    n_open = 0;
}

/* Close the open points: other_cores, measured over their whole span (jiffies are 10 ms,
 * so spans under 0.1 s say nothing and record nothing). */
static void close_points(struct lab_ctx *ctx)
{
    double wall = now_s() - open_t0, busy, own;
    if (n_open && wall >= 0.1 && open_busy0 >= 0 && (busy = machine_busy_s()) >= 0) {
        own = harness_tree_cpu_s();
        double other = fmax(0, (busy - open_busy0 - (own - open_own0)) / wall);
        for (int i = 0; i < n_open; i++)
            results_add(ctx->res, &open_pts[i], 0, "other_cores", other, "cores");
    }
    free_open();
}

static void open_points(struct lab_ctx *ctx, const struct point *pts, int n)
{
    close_points(ctx);
    if (n > cap_open) {
        cap_open = n;
        open_pts = xrealloc(open_pts, sizeof(*open_pts) * (size_t)cap_open);
    }
    for (int i = 0; i < n; i++) {
        open_pts[i] = pts[i];
        open_pts[i].experiment = xstrdup(pts[i].experiment);
        open_pts[i].variant = xstrdup(pts[i].variant);
        open_pts[i].param = xstrdup(pts[i].param ? pts[i].param : "");
    }
    n_open = n;
    /* What the point's work wants, kept beside its numbers: flags and parlab report
     * judge the CPUs it got against it. */
    for (int i = 0; i < n; i++)
        if (pts[i].cores_wanted > 0)
            results_add(ctx->res, &pts[i], 0, "cores_wanted", pts[i].cores_wanted, "cores");
    open_t0 = now_s();
    open_busy0 = machine_busy_s();
    open_own0 = harness_tree_cpu_s();
}

static double eta(const struct lab_ctx *ctx, double frac_of_point)
{
    double done = ctx->point - (ctx->series_n ? ctx->series_n : 1) + frac_of_point *
                                                                         (ctx->series_n ? ctx->series_n : 1);
    double el = now_s() - ctx->t_start;
    if (ctx->npoints <= 0 || done <= 0.05)
        return -1;
    return el / done * (ctx->npoints - done);
}

static char cur_exp[64], cur_var[64], cur_param[256], cur_workers[64];

static void show_rep(struct lab_ctx *ctx, int rep)
{
    double e = eta(ctx, ctx->reps ? (double)rep / (ctx->reps + 1) : 0);
    char left[32] = "";
    status_set_rep(rep, ctx->reps, e);
    if (!progress_on_tty)
        return;
    if (e >= 0)
        snprintf(left, sizeof(left), " ~%.0fs left", ceil(e));
    fprintf(stderr, "\r\033[K[%s %d/%d%s] %s %s, %s worker%s%s%s, ", ctx->lab->name, ctx->point,
            ctx->npoints, left, cur_exp, cur_var, cur_workers, strcmp(cur_workers, "1") ? "s" : "",
            cur_param[0] ? ", " : "", cur_param);
    if (rep)
        fprintf(stderr, "rep %d/%d", rep, ctx->reps);
    else
        fprintf(stderr, "warm-up");
}

static void announce(struct lab_ctx *ctx, const struct point *pts, int n)
{
    if (in_child) {
        child_send_points(pts, n);
        ctx->rep = -1;
        return;
    }
    open_points(ctx, pts, n);
    ctx->point += n;
    ctx->series_n = n > 1 ? n : 0;
    if (ctx->point > ctx->npoints)
        ctx->npoints = ctx->point;
    ctx->t_point = now_s();
    ctx->rep = -1;
    snprintf(cur_exp, sizeof(cur_exp), "%s", pts[0].experiment);
    snprintf(cur_var, sizeof(cur_var), "%s", pts[0].variant);
    snprintf(cur_param, sizeof(cur_param), "%s", pts[0].param ? pts[0].param : "");
    {
        int lo = pts[0].workers, hi = pts[0].workers;
        for (int i = 1; i < n; i++)
            lo = pts[i].workers < lo ? pts[i].workers : lo, hi = pts[i].workers > hi ? pts[i].workers : hi;
        if (lo == hi)
            snprintf(cur_workers, sizeof(cur_workers), "%d", lo);
        else
            snprintf(cur_workers, sizeof(cur_workers), "%d..%d", lo, hi);
    }
    status_set_point(pts[0].experiment, pts[0].variant, pts[n - 1].workers, cur_param, ctx->point,
                     ctx->npoints);
    for (int k = ctx->point - n + 1; k <= ctx->point && !in_child; k++)
        fault_at("point", k); /* a series announces several points at once */
    show_rep(ctx, 0);
}

void harness_point(struct lab_ctx *ctx, const struct point *pt)
{
    announce(ctx, pt, 1);
}

void harness_series(struct lab_ctx *ctx, const struct point *pts, int n)
{
    announce(ctx, pts, n);
}

int harness_series_order(int rep, int k, int n)
{
    return rep > 0 && rep % 2 == 0 ? n - 1 - k : k;
}

void harness_skip(struct lab_ctx *ctx, const struct point *pt, const char *fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    if (in_child) {
        child_send_skip(pt, why);
        return;
    }
    ctx->skipped++;
    ctx->planned--;
    if (ctx->npoints > ctx->point)
        ctx->npoints--;
    harness_note(ctx, "  skipped: %s %s, %d worker%s%s%s: %s", pt->experiment, pt->variant,
                 pt->workers, pt->workers == 1 ? "" : "s", pt->param && *pt->param ? ", " : "",
                 pt->param ? pt->param : "", why);
}

void harness_show_rep(struct lab_ctx *ctx, int rep)
{
    ctx->rep = rep;
    show_rep(ctx, rep);
}

bool harness_next_rep(struct lab_ctx *ctx, int *rep)
{
    int next = ctx->rep < 0 ? 0 : ctx->rep + 1;
    if (stop_requested || next > ctx->reps) {
        ctx->rep = -1;
        return false;
    }
    if (ctx->point_budget_s > 0 && next > 3 && now_s() - ctx->t_point > ctx->point_budget_s) {
        harness_note(ctx, "   (%s %s: stopped after %d repetitions, %.0f s: each took far longer "
                          "than calibrated)", cur_exp, cur_var, next - 1, now_s() - ctx->t_point);
        ctx->rep = -1;
        return false;
    }
    ctx->rep = next;
    *rep = next;
    if (in_child)
        child_send_rep(next);
    else
        show_rep(ctx, next);
    return true;
}

void harness_note(struct lab_ctx *ctx, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    (void)ctx;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (in_child) {
        child_send_note(buf);
        return;
    }
    harness_progress_clear();
    printf("%s\n", buf);
    fflush(stdout);
}

void harness_progress_clear(void)
{
    if (progress_on_tty)
        fprintf(stderr, "\r\033[K");
}

/* ---- measuring ---------------------------------------------------------------------------- */

double harness_time(const struct harness_work *w, uint64_t iters)
{
    double t0;
    if (w->timed)
        return w->timed(w->arg, iters);
    t0 = now_s();
    w->run(w->arg, iters);
    return now_s() - t0;
}

uint64_t harness_calibrate(const struct harness_work *w, double min_seconds, uint64_t lo,
                           uint64_t hi)
{
    uint64_t n = lo ? lo : 1, cap = hi ? hi : (UINT64_C(1) << 40);
    for (;;) {
        double t = harness_time(w, n);
        if (t >= min_seconds || n >= cap || stop_requested)
            return n > cap ? cap : n;
        /* Far from the target: jump most of the way (a sample of 1 us needs 2^10 more). */
        if (t > 0 && t < min_seconds / 64) {
            double k = min_seconds / t / 2;
            n = (uint64_t)((double)n * (k > 1e6 ? 1e6 : k));
        } else {
            n *= 2;
        }
        if (n > cap)
            n = cap;
    }
}

double harness_rate(const struct harness_work *w, double min_seconds)
{
    uint64_t n = harness_calibrate(w, min_seconds, 1, 0);
    double best = INFINITY;
    for (int k = 0; k < 3; k++) {
        double t = harness_time(w, n);
        best = t < best ? t : best;
    }
    return best > 0 ? (double)n / best : INFINITY;
}

int harness_sample(struct lab_ctx *ctx, const struct point *pt, const struct harness_work *w,
                   uint64_t iters, const char *metric, const char *unit, double scale)
{
    for (int rep; harness_next_rep(ctx, &rep);) {
        double l0 = w->live_cpu ? w->live_cpu(w->arg) : 0, c0 = proc_cpu_s();
        double t = harness_time(w, iters), c1 = proc_cpu_s();
        double l1 = w->live_cpu ? w->live_cpu(w->arg) : 0;
        c1 += l1 - l0;
        if (rep == 0)
            continue; /* the warm-up */
        results_add(ctx->res, pt, rep, metric, t * scale / (double)iters, unit);
        if (t > 0)
            results_add(ctx->res, pt, rep, "cpu_cores", (c1 - c0) / t, "cores");
    }
    return stop_requested ? EXIT_INTERRUPTED : EXIT_OK;
}

int harness_sample_overhead(struct lab_ctx *ctx, const struct point *pt,
                            const struct harness_work *test, const struct harness_work *ref,
                            uint64_t iters, const char *metric, const char *unit, double scale,
                            const char *(*check)(void *arg))
{
    for (int rep; harness_next_rep(ctx, &rep);) {
        double tr = harness_time(ref, iters);
        double l0 = test->live_cpu ? test->live_cpu(test->arg) : 0, c0 = proc_cpu_s();
        double tt = harness_time(test, iters), c1 = proc_cpu_s();
        c1 += test->live_cpu ? test->live_cpu(test->arg) - l0 : 0;
        const char *bad = check ? check(test->arg) : NULL;
        if (bad) {
            note("%s %s, %d workers: %s", pt->experiment, pt->variant, pt->workers, bad);
            return EXIT_FAIL;
        }
        if (rep == 0)
            continue;
        results_add(ctx->res, pt, rep, metric, (tt - tr) * scale / (double)iters, unit);
        if (tt > 0)
            results_add(ctx->res, pt, rep, "cpu_cores", (c1 - c0) / tt, "cores");
    }
    return stop_requested ? EXIT_INTERRUPTED : EXIT_OK;
}

void harness_clock_start(struct lab_ctx *ctx, struct harness_clock *c, const struct point *pt)
{
    if (ctx->series_n && !in_child)
        status_set_workers(pt->workers);
    c->cpu = proc_cpu_s();
    c->wall = now_s();
}

double harness_clock_stop(struct lab_ctx *ctx, const struct point *pt, int rep,
                          const struct harness_clock *c, double extra_cpu)
{
    double t = now_s() - c->wall, cpu = proc_cpu_s() - c->cpu + extra_cpu;
    if (rep > 0) {
        results_add(ctx->res, pt, rep, "seconds", t, "s");
        if (t > 0)
            results_add(ctx->res, pt, rep, "cpu_cores", cpu / t, "cores");
    }
    return t;
}

void harness_speedup(struct lab_ctx *ctx, const struct point *pts, int n)
{
    const struct point *one = NULL;
    for (int i = 0; i < n; i++)
        if (pts[i].workers == 1)
            one = &pts[i];
    if (!one)
        die("internal: a series without a one-worker point has no speedup");
    for (int i = 0; i < n; i++)
        for (int rep = 1; rep <= ctx->reps; rep++) {
            double t1 = results_value_at(ctx->res, one, "seconds", rep);
            double tn = results_value_at(ctx->res, &pts[i], "seconds", rep);
            if (isnan(t1) || isnan(tn) || tn <= 0)
                continue;
            results_add(ctx->res, &pts[i], rep, "speedup", t1 / tn, "x");
            results_add(ctx->res, &pts[i], rep, "efficiency", t1 / tn / pts[i].workers, "fraction");
        }
}

/* ---- output -------------------------------------------------------------------------------- */

const char *fmt_level(double level, char *buf, size_t size)
{
    if (isnan(level))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.0f%%", 100 * level);
    return buf;
}

static const struct lab *header_printed_for;

void harness_print(struct lab_ctx *ctx, const struct point *pt, const char *metric)
{
    const struct summary *sp = results_summary(ctx->res, pt, metric);
    struct summary s;
    char flags[128], lvl[16];
    if (!sp)
        return;
    s = *sp;
    results_flags(ctx->res, pt, flags, sizeof(flags));
    harness_progress_clear();
    if (header_printed_for != ctx->lab) {
        header_printed_for = ctx->lab;
        printf("%-14s %-16s %7s  %-30s %-14s %11s  %-27s %4s %3s\n", "experiment", "variant",
               "workers", "param", "metric", "median", "interval of the median", "cov", "n");
    }
    printf("%-14s %-16s %7d%s %-30s %-14s %11.4g  [%11.4g, %11.4g] %4s %3d", pt->experiment,
           pt->variant, pt->workers, flags_has(flags, "oversubscribed") ? "*" : " ",
           pt->param && *pt->param ? pt->param : "-", metric, s.median, s.ci_lo, s.ci_hi,
           fmt_level(s.ci_level, lvl, sizeof(lvl)), s.n);
    if (s.outliers > 0)
        printf(" (%d outlier%s)", s.outliers, s.outliers == 1 ? "" : "s");
    if (flags[0] && strcmp(flags, "oversubscribed"))
        printf(" [%s]", flags);
    putchar('\n');
    fflush(stdout);
}

const char *fmt_param(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return buf;
}

/* ---- set-up ----------------------------------------------------------------------------------- */

void harness_begin(struct lab_ctx *ctx)
{
    progress_on_tty = isatty(STDERR_FILENO);
    ctx->t_start = now_s();
    ctx->rep = -1;
    busy_at_start = machine_busy_s();
    own_at_start = harness_tree_cpu_s();
    harness_set_current(ctx);
    if (status_open(ctx->lab->name) < 0)
        note("parmon cannot follow this run: %s", status_error());
}

void harness_plan(struct lab_ctx *ctx)
{
    int n = 0, ne = lab_nexperiments(ctx->lab);
    for (int i = 0; i < ne; i++)
        if (ctx->exp_on[i] && ctx->lab->experiments[i].points)
            n += ctx->lab->experiments[i].points(ctx);
    ctx->planned = ctx->npoints = n;
    ctx->point = 0;
}

int harness_run_experiment(struct lab_ctx *ctx, const struct lab_experiment *e)
{
    int rc;
    ctx->exp = e;
    rc = e->run(ctx);
    close_points(ctx);
    ctx->series_n = 0;
    if (stop_requested)
        rc = EXIT_INTERRUPTED;
    return rc;
}

void harness_end(struct lab_ctx *ctx, const char *state)
{
    double bg = harness_background_load(ctx);
    close_points(ctx);
    harness_progress_clear();
    /* The plan drives the ETA and parmon's "point i of n": a lab that announced other
     * than it planned is a bug the smoke test looks for (PARLAB_CHECK_PLAN=1). */
    if (!strcmp(state, "done") && ctx->point != ctx->planned && getenv("PARLAB_CHECK_PLAN"))
        fprintf(stderr, "parlab: %s planned %d points but ran %d\n", ctx->lab->name,
                ctx->planned, ctx->point);
    harness_kill_children();
    status_set_state(state);
    status_close();
    if (ctx->res)
        results_meta(ctx->res, "points", "%d", ctx->point); /* announced: the attack tests aim at them */
    if (ctx->res && !isnan(bg)) {
        results_meta(ctx->res, "background_load_cpus", "%.2f", bg);
        if (bg > 0.25) {
            fflush(stdout);
            fprintf(stderr,
                    "parlab: warning: other processes kept %.1f of %d usable CPUs busy during this run;\n"
                    "        speedups are understated. Run again on a quieter machine (parmon shows who).\n",
                    bg, ctx->topo->usable);
        }
    }
}
