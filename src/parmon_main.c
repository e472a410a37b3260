/* parmon: a live core monitor for parlab's labs (see docs/parmon.md).
 *
 *   parmon                         every CPU, live
 *   parmon -p PID                  ... and that process's threads and children
 *   parmon -- parlab run gil       ... launching the command and following it
 *   parmon --batch --count 10      CSV on stdout, no terminal needed
 *
 * Who does what:
 *   parmon_main.c  options, the checks before launching, launching, signals, the loop
 *   mon_sample.c   samples /proc (through cpustat.c's parsers) into a struct mon_view
 *   mon_screen.c   draws a struct mon_view (mon_term.c: can this terminal show it?)
 *   mon_files.c    the command's log and the --record CSV, opened so nobody can aim them
 * parmon never links the labs: it watches them from outside, through /proc and the
 * status page a running lab publishes, so it cannot change what they measure beyond
 * the small CPU cost of sampling (measured by tests/bench_parmon.sh).
 *
 * main() reads top to bottom:
 *   1. the options (a bad one: one line, exit 2);
 *   2. the signals, and a clean-up that runs on every exit;
 *   3. every check that can fail, before anything is launched: /proc/stat, the
 *      terminal, --record, the log. A failure is one line and exit 2 or 1, and no
 *      command was started;
 *   4. the command is launched (or the -p process followed);
 *   5. the loop: the screen, or CSV with --batch;
 *   6. the end: the terminal is given back first, the command stopped and reaped, the
 *      files finished; a signal that ended parmon is raised again, so it dies of it. */
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
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mon_files.h"
#include "mon_sample.h"
#include "mon_screen.h"
#include "util.h"

static const char usage_text[] =
    "usage: parmon [options] [-p PID | [--] COMMAND [ARGS...]]\n"
    "  -p, --pid PID        follow a running process: its threads and child processes\n"
    "  COMMAND ARGS         launch the command (in its own process group) and follow it;\n"
    "                       its output goes to a log in a folder private to you\n"
    "                       ($XDG_RUNTIME_DIR, else $TMPDIR/parmon-UID), or --log FILE\n"
    "      --interval S     seconds between samples (default 0.5; 0.05 to 3600)\n"
    "      --batch          print CSV to stdout instead of the screen:\n"
    "                       t,cpu,busy_pct,user_pct,system_pct,iowait_pct,steal_pct,\n"
    "                       experiment,variant,workers (what a followed lab is doing)\n"
    "      --count N        stop after N samples\n"
    "      --record FILE    while the screen runs, write the same CSV to FILE\n"
    "      --log FILE       where a launched command's output goes (appended to)\n"
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

/* parmon's state: one of each, global so the signal handlers and the clean-up at exit
 * can reach what they must undo. */
static struct options opt;
static struct mon_sampler smp;
static struct mon_view view;
static struct mon_log cmd_log = {.fd = -1, .dirfd = -1};
static struct mon_record rec;
static char cmd_line[256];     /* the command, for the screen */
static char cmd_ended[128];    /* "exit status 3" once it ended */
static int cmd_code;           /* its exit code then */
static char late_error[PATH_MAX + 256]; /* an error met while the screen was up: printed after it */

/* ---- signals: flags and a self-pipe, so the loop blocks in poll() and wakes at once ---- */

static volatile sig_atomic_t got_stop, got_winch;
static volatile pid_t child_pid; /* the launched command, leader of its own group; 0: none */
static int sig_pipe[2] = {-1, -1};

/* Ctrl-C and the usual ways to ask a program to stop: parmon quits in order (status 130). */
static const int quit_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
/* Every other signal that can be caught and whose default is to end the process:
 * parmon quits in the same order, then dies of the signal, so its sender sees that. */
static const int end_signals[] = {
    SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ, SIGIO,
#ifdef SIGPWR
    SIGPWR,
#endif
#ifdef SIGSTKFLT
    SIGSTKFLT,
#endif
};
/* Crashes: no orderly way out. The handler gives the terminal back (as htop does),
 * kills and reaps the command, and dies of the same signal so the crash stays visible. */
static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS};

static int caught[96], ncaught; /* every signal given a handler: the child resets them */

static void on_signal(int sig)
{
    int saved = errno;
    char c = (char)sig;
    if (sig == SIGWINCH)
        got_winch = 1;
    else if (sig != SIGCHLD && !got_stop)
        got_stop = sig; /* the first one decides how parmon ends */
    if (write(sig_pipe[1], &c, 1) < 0) {
        /* the pipe is full: the loop wakes up anyway */
    }
    errno = saved;
}

static void on_crash(int sig)
{
    pid_t pid = child_pid;
    mon_screen_end();
    if (pid > 0) {
        kill(-pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    raise(sig); /* SA_RESETHAND restored the default action: delivered on return */
}

static void catch_signal(int sig, void (*handler)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    if (sigaction(sig, &sa, NULL) == 0 && ncaught < (int)ARRAY_SIZE(caught))
        caught[ncaught++] = sig;
}

static int is_quit_signal(int sig)
{
    for (size_t i = 0; i < ARRAY_SIZE(quit_signals); i++)
        if (quit_signals[i] == sig)
            return 1;
    return 0;
}

static void install_signals(void)
{
    if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
        die("cannot create a pipe: %s", strerror(errno));
    for (size_t i = 0; i < ARRAY_SIZE(quit_signals); i++)
        catch_signal(quit_signals[i], on_signal, SA_RESTART);
    for (size_t i = 0; i < ARRAY_SIZE(end_signals); i++)
        catch_signal(end_signals[i], on_signal, SA_RESTART);
    for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
        catch_signal(sig, on_signal, SA_RESTART);
    catch_signal(SIGWINCH, on_signal, SA_RESTART); /* before the screen: ncurses then leaves it to us */
    catch_signal(SIGCHLD, on_signal, SA_RESTART | SA_NOCLDSTOP);
    for (size_t i = 0; i < ARRAY_SIZE(crash_signals); i++)
        catch_signal(crash_signals[i], on_crash, SA_RESETHAND);
    signal(SIGPIPE, SIG_IGN); /* a closed stdout is an error where we write */
}

/* After the clean-up: die of the signal that ended parmon, with its default action. */
static noreturn void die_of(int sig)
{
    sigset_t set;
    signal(sig, SIG_DFL);
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    _exit(128 + sig); /* not reached */
}

/* Wait up to timeout_ms (-1: forever) for a key (when watch_stdin) or a signal. */
static void wait_event(int timeout_ms, int watch_stdin)
{
    char buf[64];
    struct pollfd fds[2] = {{.fd = sig_pipe[0], .events = POLLIN},
                            {.fd = STDIN_FILENO, .events = POLLIN}};
    if (poll(fds, watch_stdin ? 2 : 1, timeout_ms) > 0 && (fds[0].revents & POLLIN))
        while (read(sig_pipe[0], buf, sizeof(buf)) > 0) {
        }
}

/* Milliseconds until `deadline` (now_s() seconds), for poll. */
static int ms_until(double deadline)
{
    double wait = deadline - now_s();
    return wait > 0 ? (int)(wait * 1000) + 1 : 0;
}

/* The deadline after `next`: one interval on, or one interval from now if parmon fell
 * behind (it was suspended): no burst of samples to catch up. */
static double next_deadline(double next, double interval)
{
    double now = now_s();
    next += interval;
    return next < now ? now + interval : next;
}

/* ---- the launched command ---------------------------------------------------------------- */

/* fork + exec in a new process group, stdin from /dev/null, output to out_fd. Signals
 * are blocked across fork, so none lands between fork and child_pid being set, and the
 * child restores the default actions before it unblocks them. The child gets SIGTERM
 * if parmon dies without a word (SIGKILL, which nothing can catch). An exec failure
 * comes back through a close-on-exec pipe: "no such command" is our error and nothing
 * is left running. Returns 0, or an exit code with why filled. */
static int launch(char **argv, int out_fd, char *why, size_t size)
{
    sigset_t all, old;
    int ep[2], err = 0;
    ssize_t n;
    pid_t pid, parent = getpid();
    if (pipe2(ep, O_CLOEXEC) < 0) {
        snprintf(why, size, "cannot create a pipe: %s", strerror(errno));
        return EXIT_FAIL;
    }
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    pid = fork();
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
        for (int i = 0; i < ncaught; i++)
            signal(caught[i], SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        sigprocmask(SIG_SETMASK, &old, NULL);
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent) /* parmon died before that */
            _exit(127);
        setpgid(0, 0);
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
    err = errno;
    if (pid > 0) {
        setpgid(pid, pid); /* also here: whichever of the two runs first */
        child_pid = pid;
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    close(ep[1]);
    if (pid < 0) {
        close(ep[0]);
        snprintf(why, size, "cannot fork: %s", strerror(err));
        return EXIT_FAIL;
    }
    do
        n = read(ep[0], &err, sizeof(err));
    while (n < 0 && errno == EINTR);
    close(ep[0]);
    if (n == (ssize_t)sizeof(err)) {
        waitpid(pid, NULL, 0);
        child_pid = 0;
        snprintf(why, size, "cannot run '%s': %s", argv[0], strerror(err));
        return EXIT_USAGE;
    }
    return 0;
}

/* Stop the command and everything in its group: SIGTERM, up to 2 s to finish (a lab
 * removes its half-written files), then SIGKILL; reaped. Nothing is left orphaned. */
static void stop_command(void)
{
    pid_t pid = child_pid, r;
    if (pid <= 0)
        return;
    kill(-pid, SIGTERM);
    for (int i = 0; i < 40; i++) {
        r = waitpid(pid, NULL, WNOHANG);
        if (r == pid || (r < 0 && errno == ECHILD))
            break;
        usleep(50000);
    }
    kill(-pid, SIGKILL); /* after a leader that ended: what it left in its group */
    waitpid(pid, NULL, 0);
    child_pid = 0;
}

/* If the command ended: reap it, say how, return 1 (once). */
static int command_ended(void)
{
    pid_t pid = child_pid;
    int st;
    if (pid <= 0 || waitpid(pid, &st, WNOHANG) != pid)
        return 0;
    kill(-pid, SIGKILL); /* grandchildren it left in its group */
    child_pid = 0;
    if (WIFEXITED(st)) {
        cmd_code = WEXITSTATUS(st);
        snprintf(cmd_ended, sizeof(cmd_ended), "exit status %d", cmd_code);
    } else if (WIFSIGNALED(st)) {
        cmd_code = 128 + WTERMSIG(st);
        snprintf(cmd_ended, sizeof(cmd_ended), "killed by signal %d (%s)", WTERMSIG(st),
                 strsignal(WTERMSIG(st)));
    } else {
        cmd_code = EXIT_FAIL;
        snprintf(cmd_ended, sizeof(cmd_ended), "status %d", st);
    }
    return 1;
}

/* ---- options ------------------------------------------------------------------------------ */

static int process_exists(long pid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
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

/* ---- before launching: everything that can fail ------------------------------------------ */

static noreturn void fail(int code, const char *why)
{
    note("%s", why);
    exit(code); /* clean_up() removes whatever was created */
}

/* /proc/stat read once, the terminal, the --record file, the log: each opened or
 * checked for real, so a bad one is reported before a command runs. */
static void prepare(void)
{
    char why[PATH_MAX + 256];
    int code;
    if (mon_sample_open(&smp, &view, why, sizeof(why)) < 0)
        fail(EXIT_FAIL, why);
    if (!opt.batch && mon_screen_check(why, sizeof(why)) < 0)
        fail(EXIT_USAGE, why);
    if (opt.record && (code = mon_record_open(&rec, opt.record, why, sizeof(why))) != 0)
        fail(code, why);
    /* With --batch and no --log, the command's output goes to stderr. */
    if (opt.cmd && (opt.log || !opt.batch) && (code = mon_log_open(&cmd_log, opt.log, why, sizeof(why))) != 0)
        fail(code, why);
}

/* Launch the command, or take the -p process, and follow it (on the screen). */
static void start(void)
{
    char why[PATH_MAX + 256];
    int code, follow = opt.pid;
    if (opt.cmd) {
        size_t len = 0;
        for (char **a = opt.cmd; *a && len + 2 < sizeof(cmd_line); a++)
            len += (size_t)snprintf(cmd_line + len, sizeof(cmd_line) - len, "%s%s",
                                    a == opt.cmd ? "" : " ", *a);
        code = launch(opt.cmd, cmd_log.fd >= 0 ? cmd_log.fd : STDERR_FILENO, why, sizeof(why));
        if (code)
            fail(code, why);
        follow = (int)child_pid;
    } else if (opt.pid) {
        mon_sample_proc_name(opt.pid, cmd_line, sizeof(cmd_line));
    }
    /* Followed in --batch mode too: the recording names the lab's phases. */
    if (follow)
        mon_sample_follow(&smp, &view, follow);
}

/* ---- the two loops ------------------------------------------------------------------------ */

/* One sample; written to the --record file too. Returns 0, or -1 with late_error set. */
static int sample(void)
{
    errno = 0;
    if (mon_sample(&smp, &view) < 0) {
        snprintf(late_error, sizeof(late_error), "cannot read '%s': %s", smp.stat_path,
                 errno ? strerror(errno) : "not a /proc/stat any more");
        return -1;
    }
    if (rec.f && mon_sample_csv(rec.f, &smp, &view) < 0) {
        snprintf(late_error, sizeof(late_error), "--record: cannot write '%s': %s", rec.tmp,
                 strerror(errno));
        return -1;
    }
    return 0;
}

/* stdout failed: the reader went away (| head) ends parmon as SIGPIPE would; anything
 * else is an error. */
static int stdout_failed(int err)
{
    if (err == EPIPE) {
        got_stop = SIGPIPE;
        return EXIT_FAIL;
    }
    snprintf(late_error, sizeof(late_error), "cannot write the CSV to stdout: %s", strerror(err));
    return EXIT_FAIL;
}

static int run_batch(void)
{
    long samples = 0;
    double next = smp.t_cur + opt.interval;
    if (fputs(mon_csv_header, stdout) < 0 || fflush(stdout) != 0)
        return stdout_failed(errno);
    while (!opt.count || samples < opt.count) {
        wait_event(ms_until(next), 0);
        if (got_stop)
            return EXIT_INTERRUPTED;
        if (command_ended())
            return cmd_code; /* sampling ends with the command, with its status */
        if (now_s() < next)
            continue;
        if (sample() < 0)
            return EXIT_FAIL;
        if (mon_sample_csv(stdout, &smp, &view) < 0)
            return stdout_failed(errno);
        samples++;
        next = next_deadline(next, opt.interval);
    }
    return EXIT_OK;
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

/* A key: returns 1 if the screen changed. `next` is the next sample's deadline. */
static int on_key(int key, int *quit, double *next)
{
    switch (key) {
    case 'q': case 'Q':
        *quit = 1;
        return 1;
    case 'p': case 'P': case ' ':
        view.paused = !view.paused;
        *next = now_s() + view.interval;
        return 1;
    case '+': case '=': case '-': case '_':
        /* At once: the next sample is one new interval after the last one (now, if that
         * is past), not at the deadline the old interval set. */
        view.interval = step_interval(view.interval, key == '+' || key == '=');
        *next = smp.t_cur + view.interval;
        return 1;
    case 'h': case 'H': case '?':
        view.help = !view.help;
        return 1;
    case KEY_RESIZE:
        return 1;
    default:
        return 0;
    }
}

static void draw(void)
{
    char out[256];
    mon_log_last_line(&cmd_log, out, sizeof(out));
    view.last_output = out;
    if (smp.gone && !opt.cmd && !cmd_ended[0])
        snprintf(cmd_ended, sizeof(cmd_ended), "the process is gone");
    view.ended = cmd_ended[0] ? cmd_ended : NULL;
    mon_screen_draw(&view);
    view.last_output = NULL;
}

static int run_screen(void)
{
    int quit = 0, dirty = 1, key;
    double next = smp.t_cur + opt.interval;
    view.interval = opt.interval;
    view.command = cmd_line;
    view.log_path = cmd_log.fd >= 0 ? cmd_log.path : NULL;
    view.record_path = opt.record;
    view.compact = opt.compact;
    if (mon_screen_init(opt.color) < 0) {
        snprintf(late_error, sizeof(late_error), "cannot set up the terminal (TERM '%.64s')", getenv("TERM"));
        return EXIT_FAIL;
    }
    while (!quit) {
        if (dirty)
            draw();
        dirty = 0;
        wait_event(view.paused || view.ended ? -1 : ms_until(next), 1);
        if (got_stop)
            return EXIT_INTERRUPTED;
        if (got_winch) {
            got_winch = 0;
            mon_screen_resize();
            dirty = 1;
        }
        if (command_ended()) {
            mon_sample_ended(&smp, &view); /* sampling stops; the lab's line says it ended */
            view.ended = cmd_ended;
            dirty = 1;
            if (opt.exit_with)
                return cmd_code; /* --exit: parmon ends with the command's status */
        }
        while ((key = mon_screen_key()) >= 0)
            dirty |= on_key(key, &quit, &next);
        if (quit || view.paused || view.ended || now_s() < next)
            continue;
        if (sample() < 0)
            return EXIT_FAIL;
        next = next_deadline(next, view.interval);
        dirty = 1;
        if (opt.count && view.nsample >= opt.count)
            quit = 1;
    }
    return EXIT_OK;
}

/* ---- the end ------------------------------------------------------------------------------ */

/* The terminal first, then the command, then the files. Returns the exit status. */
static int finish(int rc)
{
    char why[PATH_MAX + 256];
    mon_screen_end();
    stop_command();
    if (late_error[0])
        note("%s", late_error);
    if (rec.f && mon_record_finish(&rec, why, sizeof(why)) < 0) {
        note("%s", why);
        if (rc == EXIT_OK)
            rc = EXIT_FAIL;
    }
    mon_log_close(&cmd_log, opt.cmd ? opt.cmd[0] : NULL);
    mon_sample_close(&smp);
    return rc;
}

/* Every exit() (an error before or after the launch, ncurses giving up): the same
 * order, without waiting. Nothing to do after finish(). */
static void clean_up(void)
{
    pid_t pid = child_pid;
    mon_screen_end();
    if (pid > 0) {
        kill(-pid, SIGKILL);
        waitpid(pid, NULL, 0);
        child_pid = 0;
    }
    mon_record_abort(&rec);
    mon_log_close(&cmd_log, opt.cmd ? opt.cmd[0] : NULL);
}

int main(int argc, char **argv)
{
    int rc;
    progname = "parmon";
    setlocale(LC_ALL, "");
    parse_options(argc, argv, &opt);          /* 1. a bad option: one line, exit 2 */
    install_signals();                        /* 2. from here on every exit cleans up */
    atexit(clean_up);
    prepare();                                /* 3. a failure here starts nothing */
    if (!got_stop)
        start();                              /* 4. launch, or take the -p process */
    if (got_stop)
        rc = EXIT_INTERRUPTED;
    else
        rc = opt.batch ? run_batch() : run_screen(); /* 5. */
    rc = finish(rc);                          /* 6. the terminal first */
    if (got_stop && !is_quit_signal(got_stop))
        die_of(got_stop);
    return rc;
}
