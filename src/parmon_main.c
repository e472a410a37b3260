/* parmon: a live core monitor for parlab's labs (see docs/parmon.md).
 *
 *   parmon                         every CPU, live
 *   parmon -p PID                  ... and that process's threads and children
 *   parmon -- parlab run gil       ... launching the command and following it
 *   parmon --batch --count 10      CSV on stdout, no terminal needed
 *
 * This file collects (cpustat.h, status.h) and runs the loop; mon_screen.c only draws.
 * parmon never links the labs: it watches them from outside, through /proc and the
 * status page a running lab publishes, so it cannot change what they measure beyond
 * the small CPU cost of sampling (measured by tests/bench_parmon.sh). */
#include "mon_screen.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <ncurses.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cpustat.h"
#include "status.h"
#include "util.h"

#define HIST_CAP 240     /* samples of history kept per CPU (a minute at 0.25 s) */
#define MAX_TASKS 4096   /* threads shown from the followed tree */
#define PROC_ROOT "/proc"
#define SYS_CPU "/sys/devices/system/cpu"

static const char usage_text[] =
    "usage: parmon [options] [-p PID | [--] COMMAND [ARGS...]]\n"
    "  -p, --pid PID        follow a running process: its threads and child processes\n"
    "  COMMAND ARGS         launch the command (in its own process group) and follow it;\n"
    "                       its output goes to --log FILE (default $TMPDIR/parmon-PID.log)\n"
    "      --interval S     seconds between samples (default 0.5; 0.05 to 3600)\n"
    "      --batch          print CSV to stdout instead of the screen:\n"
    "                       t,cpu,busy_pct,user_pct,system_pct,iowait_pct,steal_pct\n"
    "      --count N        stop after N samples\n"
    "      --record FILE    while the screen runs, write the same CSV to FILE\n"
    "      --log FILE       where a launched command's output goes\n"
    "      --exit           quit when the launched command ends (with its exit status)\n"
    "      --compact        small meters, many on a line (many CPUs, a projector)\n"
    "      --no-color       no colour (also when NO_COLOR is set)\n"
    "  -h, --help           this help;  -V, --version  the version\n"
    "keys: q quit, p pause, + faster refresh, - slower, h help\n";

struct options {
    double interval;
    long count;          /* 0: no limit */
    int batch, pid, exit_with, color, compact;
    char **cmd;          /* the command to launch, or NULL */
    const char *record, *log;
};

/* ---- signals: flags and a self-pipe, so the loop blocks in poll() and wakes at once ---- */

static volatile sig_atomic_t got_stop, got_winch, got_chld;
static int sig_pipe[2] = {-1, -1};
static volatile pid_t child_pgid; /* the launched command's process group, 0 if none */

static void on_signal(int sig)
{
    int saved = errno;
    char c = (char)sig;
    if (sig == SIGWINCH)
        got_winch = 1;
    else if (sig == SIGCHLD)
        got_chld = 1;
    else
        got_stop = sig;
    if (write(sig_pipe[1], &c, 1) < 0) {
        /* the pipe is full: the loop wakes up anyway */
    }
    errno = saved;
}

/* A crash: give the terminal back and take the launched command down, then die of the
 * same signal (SA_RESETHAND restored the default action) so the crash stays visible. */
static void on_fatal(int sig)
{
    mon_screen_end();
    if (child_pgid > 0)
        kill(-child_pgid, SIGKILL);
    raise(sig);
}

static void install_signals(void)
{
    struct sigaction sa;
    static const int stops[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
        die("cannot create a pipe: %s", strerror(errno));
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    for (size_t i = 0; i < ARRAY_SIZE(stops); i++)
        sigaction(stops[i], &sa, NULL);
    sigaction(SIGWINCH, &sa, NULL); /* before initscr: ncurses then leaves it to us */
    sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, NULL);
    sa.sa_handler = on_fatal;
    sa.sa_flags = SA_RESETHAND;
    for (size_t i = 0; i < ARRAY_SIZE(fatal); i++)
        sigaction(fatal[i], &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void drain_sig_pipe(void)
{
    char buf[64];
    while (read(sig_pipe[0], buf, sizeof(buf)) > 0) {
    }
}

/* Wait up to timeout_ms (-1: forever) for a key (when watch_stdin) or a signal.
 * Returns 1 if stdin has input. */
static int wait_event(int timeout_ms, int watch_stdin)
{
    struct pollfd fds[2] = {{.fd = sig_pipe[0], .events = POLLIN},
                            {.fd = STDIN_FILENO, .events = POLLIN}};
    int n = poll(fds, watch_stdin ? 2 : 1, timeout_ms);
    if (n > 0 && (fds[0].revents & POLLIN))
        drain_sig_pipe();
    return n > 0 && watch_stdin && (fds[1].revents & (POLLIN | POLLHUP));
}

/* ---- the launched command ---------------------------------------------------------------- */

/* fork + exec in a new process group, stdin from /dev/null, output to out_fd. An exec
 * failure comes back through a close-on-exec pipe, so "no such command" is our error. */
static pid_t launch(char **argv, int out_fd)
{
    int ep[2], err = 0;
    ssize_t n;
    pid_t pid;
    if (pipe2(ep, O_CLOEXEC) < 0)
        die("cannot create a pipe: %s", strerror(errno));
    pid = fork();
    if (pid < 0)
        die("cannot fork: %s", strerror(errno));
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        setpgid(0, 0);
        signal(SIGPIPE, SIG_DFL);
        if (in >= 0)
            dup2(in, STDIN_FILENO);
        dup2(out_fd, STDOUT_FILENO);
        dup2(out_fd, STDERR_FILENO);
        execvp(argv[0], argv);
        err = errno;
        if (write(ep[1], &err, sizeof(err)) < 0) {
        }
        _exit(127);
    }
    setpgid(pid, pid); /* also here: whichever of the two runs first */
    child_pgid = pid;
    close(ep[1]);
    do
        n = read(ep[0], &err, sizeof(err));
    while (n < 0 && errno == EINTR);
    close(ep[0]);
    if (n == (ssize_t)sizeof(err)) {
        waitpid(pid, NULL, 0);
        child_pgid = 0;
        usage_error("cannot run '%s': %s", argv[0], strerror(err));
    }
    return pid;
}

/* Stop the command and everything in its group: SIGTERM, up to 2 s to finish (a lab
 * removes its half-written files), then SIGKILL. Nothing is left orphaned. */
static void stop_child(pid_t pid)
{
    if (pid <= 0)
        return;
    kill(-pid, SIGTERM);
    for (int i = 0; i < 40; i++) {
        if (waitpid(pid, NULL, WNOHANG) == pid) {
            kill(-pid, SIGKILL); /* grandchildren still in the group */
            child_pgid = 0;
            return;
        }
        usleep(50000);
    }
    kill(-pid, SIGKILL);
    waitpid(pid, NULL, 0);
    child_pgid = 0;
}

static void describe_status(int st, char *buf, size_t size, int *code)
{
    if (WIFEXITED(st)) {
        *code = WEXITSTATUS(st);
        snprintf(buf, size, "exit status %d", *code);
    } else if (WIFSIGNALED(st)) {
        *code = 128 + WTERMSIG(st);
        snprintf(buf, size, "killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
    } else {
        *code = EXIT_FAIL;
        snprintf(buf, size, "status %d", st);
    }
}

/* ---- sampling: everything the screen and the CSV show ------------------------------------- */

struct sampler {
    struct cpustat_reader rd;
    struct cpustat_snap snap[2];
    int cur;                       /* index of the newest snapshot */
    long nread;                    /* reads of /proc/stat so far */
    double t0, t_prev, t_cur;
    struct cpustat_usage *use, all;
    int use_cap;
    unsigned char *hist;           /* HIST_CAP samples a CPU */
    int hist_ncpu;
    long hist_count;
    /* the followed tree */
    int pid;
    struct cpustat_task *tasks[2];
    int ntasks[2], tcur, nprocs, gone;
    double tt_prev;
    long hz;
    double tree_cores;
    uint64_t tree_ticks;       /* cpustat_tree_ticks at the last collection */
    int have_status, status_pid;
    struct status_page status;
};

static const char *env_or(const char *name, const char *def)
{
    const char *v = getenv(name);
    return v && *v ? v : def;
}

static void sampler_init(struct sampler *s, int pid)
{
    /* Tests point these at saved copies (tests/data/proc) to draw 256 CPUs on 2. */
    const char *stat_path = env_or("PARMON_PROC_STAT", PROC_ROOT "/stat");
    memset(s, 0, sizeof(*s));
    if (cpustat_reader_open(&s->rd, stat_path, env_or("PARMON_SYS_CPU", SYS_CPU)) < 0)
        die("cannot open '%s': %s", stat_path, strerror(errno));
    s->t0 = now_s();
    s->pid = pid;
    s->hz = sysconf(_SC_CLK_TCK);
    if (pid) {
        s->tasks[0] = xcalloc(MAX_TASKS, sizeof(struct cpustat_task));
        s->tasks[1] = xcalloc(MAX_TASKS, sizeof(struct cpustat_task));
    }
}

static void sampler_free(struct sampler *s)
{
    cpustat_reader_close(&s->rd);
    cpustat_snap_free(&s->snap[0]);
    cpustat_snap_free(&s->snap[1]);
    free(s->use);
    free(s->hist);
    free(s->tasks[0]);
    free(s->tasks[1]);
}

/* One read of /proc/stat; from the second on, the usage since the one before. */
static int sampler_cpus(struct sampler *s)
{
    struct cpustat_snap *now;
    const struct cpustat_snap *before;
    int n;
    s->cur ^= 1;
    now = &s->snap[s->cur];
    before = &s->snap[s->cur ^ 1];
    if (cpustat_reader_read(&s->rd, now) < 0)
        die("cannot read the CPU counters (/proc/stat)");
    s->t_prev = s->t_cur;
    s->t_cur = now_s();
    s->nread++;
    n = now->ncpu;
    if (n > s->use_cap) {
        s->use = xrealloc(s->use, (size_t)n * sizeof(*s->use));
        s->use_cap = n;
    }
    if (n > s->hist_ncpu) { /* a row a CPU: new CPUs get rows of "no history" (0) */
        s->hist = xrealloc(s->hist, (size_t)n * HIST_CAP);
        memset(s->hist + (size_t)s->hist_ncpu * HIST_CAP, 0, (size_t)(n - s->hist_ncpu) * HIST_CAP);
        s->hist_ncpu = n;
    }
    if (s->nread < 2) {
        memset(s->use, 0, (size_t)n * sizeof(*s->use));
        for (int c = 0; c < n; c++)
            s->use[c].online = now->online[c];
        return 0;
    }
    cpustat_snap_usage(before, now, -1, &s->all);
    for (int c = 0; c < n; c++) {
        cpustat_snap_usage(before, now, c, &s->use[c]);
        s->use[c].online = now->online[c]; /* online now, even if with no delta yet */
        s->hist[(size_t)c * HIST_CAP + (size_t)(s->hist_count % HIST_CAP)] =
            now->online[c] ? (unsigned char)(s->use[c].busy + 0.5) : MON_HIST_OFFLINE;
    }
    s->hist_count++;
    return 1;
}

/* The lab's page is gone: it ended (the page is removed on exit, perhaps before a
 * sample saw "done"). Its last point stays on screen, marked as ended. */
static void status_gone(struct sampler *s)
{
    if (s->have_status && strcmp(s->status.state, "done") && strcmp(s->status.state, "interrupted"))
        snprintf(s->status.state, sizeof(s->status.state), "ended");
}

/* The followed tree: its threads with their CPU%, and the lab's status page. */
static void sampler_tree(struct sampler *s)
{
    int nxt = s->tcur ^ 1, n;
    double t = now_s();
    if (!s->pid || s->gone)
        return;
    n = cpustat_collect_tree(PROC_ROOT, s->pid, s->tasks[nxt], MAX_TASKS);
    if (n < 0) {
        s->gone = 1; /* keep the last list on screen */
        status_gone(s);
        return;
    }
    cpustat_task_rates(s->tasks[s->tcur], s->ntasks[s->tcur], s->tasks[nxt], n,
                       s->ntasks[s->tcur] ? t - s->tt_prev : 0, s->hz);
    {
        /* The tree's cores from its total CPU time, not the sum of its threads' rates:
         * a thread or child that lived between two samples still counts. */
        uint64_t ticks = cpustat_tree_ticks(s->tasks[nxt], n);
        double dt = t - s->tt_prev;
        s->tree_cores = s->ntasks[s->tcur] && dt > 0 && s->hz > 0
                            ? (double)cpustat_sat_sub(ticks, s->tree_ticks) / ((double)s->hz * dt)
                            : 0;
        s->tree_ticks = ticks;
    }
    s->tcur = nxt;
    s->ntasks[nxt] = n;
    s->tt_prev = t;
    s->nprocs = 0;
    /* The lab's page, read afresh every sample. The lab may be the process itself or a
     * descendant (the tour forks one child a lab): the page found last time is tried
     * first, then the tree from the top. When none is found (the lab ended and removed
     * its page) the last state read stays on screen. */
    {
        struct status_page pg; /* a failed read may leave it torn: copy only a good one */
        if (s->status_pid && status_read_pid(s->status_pid, &pg) == 0) {
            s->status = pg;
        } else {
            s->status_pid = 0;
            for (int i = 0; i < n; i++) {
                const struct cpustat_task *k = &s->tasks[nxt][i];
                if (k->tid == k->tgid && status_read_pid(k->tid, &pg) == 0) {
                    s->status = pg;
                    s->have_status = 1;
                    s->status_pid = k->tid;
                    break;
                }
            }
            if (!s->status_pid)
                status_gone(s);
        }
    }
    for (int i = 0; i < n; i++)
        s->nprocs += s->tasks[nxt][i].tid == s->tasks[nxt][i].tgid;
}

/* The CSV rows of one sample: a row an online CPU, then cpu=all. One write. */
static void csv_sample(FILE *f, const struct sampler *s)
{
    char buf[256];
    double t = s->t_cur - s->t0;
    const struct cpustat_snap *now = &s->snap[s->cur];
    for (int c = 0; c <= now->ncpu; c++) {
        const struct cpustat_usage *u = c < now->ncpu ? &s->use[c] : &s->all;
        if (c < now->ncpu && !now->online[c])
            continue; /* offline: no row (documented in docs/parmon.md) */
        if (c < now->ncpu)
            snprintf(buf, sizeof(buf), "%.3f,%d,%.2f,%.2f,%.2f,%.2f,%.2f\n", t, c, u->busy,
                     u->user, u->system, u->iowait, u->steal);
        else
            snprintf(buf, sizeof(buf), "%.3f,all,%.2f,%.2f,%.2f,%.2f,%.2f\n", t, u->busy,
                     u->user, u->system, u->iowait, u->steal);
        fputs(buf, f);
    }
    fflush(f);
}

static const char csv_header[] = "t,cpu,busy_pct,user_pct,system_pct,iowait_pct,steal_pct\n";

/* --record FILE: written as FILE.part, renamed to FILE when parmon ends normally. */
struct recorder {
    FILE *f;
    char part[PATH_MAX + 8];
    const char *path;
};

static void record_open(struct recorder *r, const char *path)
{
    memset(r, 0, sizeof(*r));
    if (!path)
        return;
    r->path = path;
    snprintf(r->part, sizeof(r->part), "%s.part", path);
    r->f = fopen(r->part, "w");
    if (!r->f)
        usage_error("--record: cannot write '%s': %s", r->part, strerror(errno));
    fputs(csv_header, r->f);
}

static void record_close(struct recorder *r)
{
    if (!r->f)
        return;
    if (fclose(r->f) != 0 || rename(r->part, r->path) != 0)
        note("cannot write '%s': %s", r->path, strerror(errno));
    r->f = NULL;
}

/* ---- the launched command's last line of output ------------------------------------------- */

static void last_line(int fd, char *out, size_t size)
{
    char buf[512];
    struct stat st;
    ssize_t n;
    off_t from;
    char *end, *start;
    out[0] = '\0';
    if (fd < 0 || fstat(fd, &st) < 0 || st.st_size == 0)
        return;
    from = st.st_size > (off_t)sizeof(buf) - 1 ? st.st_size - (off_t)sizeof(buf) + 1 : 0;
    n = pread(fd, buf, sizeof(buf) - 1, from);
    if (n <= 0)
        return;
    buf[n] = '\0';
    end = buf + n;
    while (end > buf && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
        *--end = '\0';
    start = end;
    while (start > buf && start[-1] != '\n' && start[-1] != '\r')
        start--;
    for (char *p = start; *p; p++) /* no escape sequences onto our screen */
        if ((unsigned char)*p < 32 || *p == 127)
            *p = ' ';
    snprintf(out, size, "%s", start);
}

/* ---- options ------------------------------------------------------------------------------ */

static int process_exists(long pid)
{
    char path[64];
    snprintf(path, sizeof(path), PROC_ROOT "/%ld/stat", pid);
    return (kill((pid_t)pid, 0) == 0 || errno == EPERM) && access(path, R_OK) == 0;
}

static void parse_options(int argc, char **argv, struct options *o)
{
    enum { O_INTERVAL = 256, O_BATCH, O_COUNT, O_RECORD, O_LOG, O_EXIT, O_COMPACT, O_NOCOLOR };
    static const struct option longs[] = {
        {"pid", required_argument, NULL, 'p'},        {"interval", required_argument, NULL, O_INTERVAL},
        {"batch", no_argument, NULL, O_BATCH},        {"count", required_argument, NULL, O_COUNT},
        {"record", required_argument, NULL, O_RECORD}, {"log", required_argument, NULL, O_LOG},
        {"exit", no_argument, NULL, O_EXIT},          {"compact", no_argument, NULL, O_COMPACT},
        {"no-color", no_argument, NULL, O_NOCOLOR},   {"no-colour", no_argument, NULL, O_NOCOLOR},
        {"help", no_argument, NULL, 'h'},             {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    const char *nc = getenv("NO_COLOR");
    int c;
    long v;
    memset(o, 0, sizeof(*o));
    o->interval = 0.5;
    o->color = !(nc && *nc); /* no-color.org: set and not empty */
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:p:hV", longs, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (parse_long(optarg, 1, INT_MAX, &v) < 0)
                usage_error("-p: '%s' is not a process id", optarg);
            if (!process_exists(v))
                usage_error("-p: no process '%s'", optarg);
            o->pid = (int)v;
            break;
        case O_INTERVAL:
            if (parse_double(optarg, 0.05, 3600, &o->interval) < 0)
                usage_error("--interval: '%s' is not a number of seconds in [0.05, 3600]", optarg);
            break;
        case O_COUNT:
            if (parse_long(optarg, 1, LONG_MAX, &o->count) < 0)
                usage_error("--count: '%s' is not a whole number >= 1", optarg);
            break;
        case O_BATCH: o->batch = 1; break;
        case O_RECORD: o->record = optarg; break;
        case O_LOG: o->log = optarg; break;
        case O_EXIT: o->exit_with = 1; break;
        case O_COMPACT: o->compact = 1; break;
        case O_NOCOLOR: o->color = 0; break;
        case 'h': fputs(usage_text, stdout); exit(EXIT_OK);
        case 'V': puts("parmon 1.0"); exit(EXIT_OK);
        case ':': usage_error("option '%s' needs a value", argv[optind - 1]);
        default: usage_error("unknown option '%s' (parmon --help lists them)", argv[optind - 1]);
        }
    }
    if (optind < argc)
        o->cmd = argv + optind;
    if (o->cmd && o->pid)
        usage_error("-p %d and a command '%s': give one of them", o->pid, o->cmd[0]);
    if (o->exit_with && !o->cmd)
        usage_error("--exit: there is no command to launch");
    if (o->batch && o->record)
        usage_error("--record: with --batch the CSV already goes to stdout");
    if (!o->batch && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)))
        usage_error("the screen needs a terminal: use --batch for CSV");
}

/* ---- the two modes ------------------------------------------------------------------------ */

/* Reap the launched command if it ended: fills `ended`, returns 1 once. */
static int reap_child(pid_t *child, char *ended, size_t size, int *code)
{
    int st;
    if (*child <= 0 || waitpid(*child, &st, WNOHANG) != *child)
        return 0;
    kill(-*child, SIGKILL); /* grandchildren it left in its group */
    describe_status(st, ended, size, code);
    *child = 0;
    child_pgid = 0;
    return 1;
}

static int run_batch(const struct options *o, pid_t child)
{
    struct sampler s;
    char ended[128];
    int code = EXIT_OK;
    long samples = 0;
    double next;
    sampler_init(&s, 0);
    fputs(csv_header, stdout);
    fflush(stdout);
    sampler_cpus(&s); /* the first read: a delta needs two */
    next = s.t_cur + o->interval;
    while (!got_stop && (!o->count || samples < o->count)) {
        double wait = next - now_s();
        if (wait > 0)
            wait_event((int)(wait * 1000) + 1, 0);
        if (got_stop)
            break;
        if (reap_child(&child, ended, sizeof(ended), &code))
            break;
        if (now_s() < next)
            continue;
        sampler_cpus(&s);
        csv_sample(stdout, &s);
        samples++;
        next += o->interval;
    }
    if (got_stop)
        code = EXIT_INTERRUPTED;
    stop_child(child); /* still running when --count was reached: nothing is left behind */
    sampler_free(&s);
    return code;
}

/* + and - walk these refresh intervals. */
static double step_interval(double cur, int faster)
{
    static const double steps[] = {0.1, 0.2, 0.25, 0.5, 1, 1.5, 2, 5, 10};
    int n = (int)ARRAY_SIZE(steps);
    if (faster) {
        for (int i = n - 1; i >= 0; i--)
            if (steps[i] < cur - 1e-9)
                return steps[i];
        return cur;
    }
    for (int i = 0; i < n; i++)
        if (steps[i] > cur + 1e-9)
            return steps[i];
    return cur;
}

static int run_screen(const struct options *o, pid_t child, int follow, const char *command,
                      const char *log_path, int log_fd)
{
    struct sampler s;
    struct mon_view v;
    struct recorder rec;
    char ended[128] = "", out[256] = "";
    int code = EXIT_OK, child_code = EXIT_OK, quit = 0, dirty = 1;
    double next;
    record_open(&rec, o->record);
    sampler_init(&s, follow);
    memset(&v, 0, sizeof(v));
    v.interval = o->interval;
    v.follow_pid = follow;
    v.command = command;
    v.log_path = log_path;
    v.record_path = o->record;
    v.compact = o->compact;
    v.hist_cap = HIST_CAP;
    mon_screen_init(o->color);
    sampler_cpus(&s);
    sampler_tree(&s);
    next = s.t_cur + v.interval;
    while (!quit) {
        int timeout = -1, key;
        if (dirty) {
            const struct cpustat_snap *now = &s.snap[s.cur];
            v.ncpu = now->ncpu;
            v.nonline = now->nonline;
            v.use = s.use;
            v.all = s.all;
            v.have_sample = s.nread >= 2;
            v.nsample = s.hist_count;
            v.hist = s.hist;
            v.hist_count = s.hist_count;
            v.tasks = s.tasks[s.tcur];
            v.ntasks = s.ntasks[s.tcur];
            v.nprocs = s.nprocs;
            v.tree_cores = s.tree_cores;
            v.have_status = s.have_status;
            v.status = s.status;
            last_line(log_fd, out, sizeof(out));
            v.last_output = out;
            if (s.gone && !child && !ended[0])
                snprintf(ended, sizeof(ended), "the process is gone");
            v.ended = ended[0] ? ended : NULL;
            mon_screen_draw(&v);
            dirty = 0;
        }
        if (!v.paused && !v.ended) {
            double wait = next - now_s();
            timeout = wait > 0 ? (int)(wait * 1000) + 1 : 0;
        }
        wait_event(timeout, 1);
        if (got_stop) {
            code = EXIT_INTERRUPTED;
            break;
        }
        if (got_winch) {
            got_winch = 0;
            mon_screen_resize();
            dirty = 1;
        }
        got_chld = 0;
        if (reap_child(&child, ended, sizeof(ended), &child_code)) {
            dirty = 1;
            status_gone(&s); /* sampling stops here: the lab's line says it ended */
            if (o->exit_with) {
                code = child_code; /* --exit: parmon ends with the command's status */
                break;
            }
        }
        while ((key = mon_screen_key()) >= 0) {
            dirty = 1;
            switch (key) {
            case 'q': case 'Q': quit = 1; break;
            case 'p': case 'P': case ' ': v.paused = !v.paused; next = now_s() + v.interval; break;
            case '+': case '=': v.interval = step_interval(v.interval, 1); break;
            case '-': case '_': v.interval = step_interval(v.interval, 0); break;
            case 'h': case 'H': case '?': v.help = !v.help; break;
            case KEY_RESIZE: break;
            default: dirty = 0; break;
            }
        }
        if (quit || v.paused || v.ended || now_s() < next)
            continue;
        sampler_cpus(&s);
        sampler_tree(&s);
        if (rec.f)
            csv_sample(rec.f, &s);
        next += v.interval;
        if (next < now_s())
            next = now_s() + v.interval; /* we were suspended: don't catch up in a burst */
        dirty = 1;
        if (o->count && s.hist_count >= o->count)
            quit = 1;
    }
    mon_screen_end();
    stop_child(child);
    record_close(&rec);
    sampler_free(&s);
    return code;
}

int main(int argc, char **argv)
{
    struct options o;
    pid_t child = 0;
    int follow = 0, log_fd = -1, out_fd, rc;
    char command[256] = "", log_path[PATH_MAX] = "";
    progname = "parmon";
    setlocale(LC_ALL, "");
    parse_options(argc, argv, &o);
    install_signals();
    if (o.cmd) {
        size_t len = 0;
        for (char **a = o.cmd; *a && len + 2 < sizeof(command); a++)
            len += (size_t)snprintf(command + len, sizeof(command) - len, "%s%s",
                                    a == o.cmd ? "" : " ", *a);
        if (o.batch) {
            out_fd = STDERR_FILENO; /* stdout carries the CSV */
        } else {
            const char *tmp = getenv("TMPDIR");
            if (o.log)
                snprintf(log_path, sizeof(log_path), "%s", o.log);
            else
                snprintf(log_path, sizeof(log_path), "%s/parmon-%d.log", tmp && *tmp ? tmp : "/tmp",
                         (int)getpid());
            out_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            if (out_fd < 0)
                usage_error("--log: cannot write '%s': %s", log_path, strerror(errno));
            log_fd = open(log_path, O_RDONLY | O_CLOEXEC);
        }
        child = launch(o.cmd, out_fd);
        if (out_fd != STDERR_FILENO)
            close(out_fd);
        follow = (int)child;
    } else if (o.pid) {
        struct cpustat_task t;
        char path[64], buf[1024];
        follow = o.pid;
        snprintf(path, sizeof(path), PROC_ROOT "/%d/stat", o.pid);
        if (read_small_file(path, buf, sizeof(buf)) > 0 && cpustat_parse_task_stat(buf, &t) == 0)
            snprintf(command, sizeof(command), "(%s)", t.name);
    }
    if (o.batch)
        rc = run_batch(&o, child);
    else
        rc = run_screen(&o, child, follow, command, log_path[0] ? log_path : NULL, log_fd);
    if (log_fd >= 0) {
        /* The command's output is worth keeping (the lab's tables): say where it is. An
         * empty default log is just removed. */
        struct stat st;
        if (!o.log && fstat(log_fd, &st) == 0 && st.st_size == 0)
            unlink(log_path);
        else if (!o.log)
            note("the output of '%s' is in %s", o.cmd[0], log_path);
        close(log_fd);
    }
    return rc;
}
