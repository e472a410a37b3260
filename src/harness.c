/* harness.c: calibration, repetitions, progress, signals and child processes. */
#include "harness.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "status.h"

/* ---- options ---------------------------------------------------------------------------- */

const char *lab_opt(const struct lab_ctx *ctx, const char *name)
{
    const char *v = NULL;
    for (int i = 0; i < ctx->nopts; i++)
        if (!strcmp(ctx->opt_name[i], name))
            v = ctx->opt_val[i]; /* the last one given wins */
    return v;
}

double lab_opt_double(const struct lab_ctx *ctx, const char *name, double def, double lo, double hi)
{
    const char *s = lab_opt(ctx, name);
    double v;
    if (!s)
        return def;
    if (parse_double(s, lo, hi, &v) < 0)
        usage_error("--%s: '%s' is not a number from %g to %g", name, s, lo, hi);
    return v;
}

long lab_opt_long(const struct lab_ctx *ctx, const char *name, long def, long lo, long hi)
{
    const char *s = lab_opt(ctx, name);
    long v;
    if (!s)
        return def;
    if (parse_long(s, lo, hi, &v) < 0)
        usage_error("--%s: '%s' is not a whole number from %ld to %ld", name, s, lo, hi);
    return v;
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

int harness_oversubscribed(const struct lab_ctx *ctx, int w)
{
    return w > ctx->topo->usable;
}

/* ---- signals ---------------------------------------------------------------------------- */

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t progress_on_tty;

/* Tracked children: a fixed table a signal handler may walk. */
#define MAX_CHILDREN 4096
static volatile pid_t children[MAX_CHILDREN];

static void on_signal(int sig)
{
    static const char msg[] =
        "\nparlab: stopping after this sample (press Ctrl-C again to stop now)\n";
    /* Ctrl-C is a person at the keyboard: finish the sample, then stop. SIGTERM and
     * SIGHUP come from a program (timeout, kill, a closed terminal) that wants us gone
     * now: the same as a second Ctrl-C. */
    if (!stop_requested && sig == SIGINT) {
        stop_requested = 1;
        if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
            /* nothing to do: we are in a signal handler */
        }
        return;
    }
    /* Second signal: leave now, but leave nothing behind. */
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i] > 0)
            kill(children[i], SIGKILL);
    csvw_abort_all_signal_safe();
    status_unlink_signal_safe();
    _exit(sig == SIGINT ? EXIT_INTERRUPTED : 128 + sig);
}

void harness_install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    /* A reader that went away (| head) must not kill us mid-write of a result file. */
    signal(SIGPIPE, SIG_IGN);
}

bool harness_interrupted(void)
{
    return stop_requested != 0;
}

/* ---- processes -------------------------------------------------------------------------- */

static void track(pid_t pid)
{
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i] == 0) {
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

pid_t harness_fork(void)
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
        return 0;
    }
    if (pid > 0)
        track(pid);
    return pid;
}

int harness_wait(pid_t pid, int *status)
{
    int rc;
    do
        rc = waitpid(pid, status, 0);
    while (rc < 0 && errno == EINTR);
    untrack(pid);
    return rc;
}

void harness_kill_children(void)
{
    for (int i = 0; i < MAX_CHILDREN; i++) {
        pid_t p = children[i];
        if (p > 0) {
            kill(p, SIGKILL);
            while (waitpid(p, NULL, 0) < 0 && errno == EINTR)
                ;
            children[i] = 0;
        }
    }
}

/* ---- progress ------------------------------------------------------------------------------ */

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

/* CPU-seconds used by this process and its reaped children. */
static double own_cpu_s(void)
{
    struct rusage a, b;
    getrusage(RUSAGE_SELF, &a);
    getrusage(RUSAGE_CHILDREN, &b);
    return (double)(a.ru_utime.tv_sec + a.ru_stime.tv_sec + b.ru_utime.tv_sec + b.ru_stime.tv_sec) +
           (double)(a.ru_utime.tv_usec + a.ru_stime.tv_usec + b.ru_utime.tv_usec + b.ru_stime.tv_usec) * 1e-6;
}

static double busy_at_start, own_at_start;

void harness_begin(struct lab_ctx *ctx)
{
    progress_on_tty = isatty(STDERR_FILENO);
    ctx->t_start = now_s();
    busy_at_start = machine_busy_s();
    own_at_start = own_cpu_s();
    status_open(ctx->lab->name);
}

double harness_background_load(const struct lab_ctx *ctx)
{
    double wall = now_s() - ctx->t_start, busy = machine_busy_s();
    if (busy < 0 || busy_at_start < 0 || wall < 0.2)
        return NAN;
    /* Jiffies are coarse (10 ms): clamp the small negative values rounding can give. */
    return fmax(0, (busy - busy_at_start - (own_cpu_s() - own_at_start)) / wall);
}

void harness_end(struct lab_ctx *ctx, const char *state)
{
    double bg = harness_background_load(ctx);
    harness_progress_clear();
    /* The plan drives the ETA and parmon's "point i of n": a lab that announced other
     * than it planned is a bug the smoke test looks for (PARLAB_CHECK_PLAN=1). */
    if (!strcmp(state, "done") && ctx->point != ctx->planned && getenv("PARLAB_CHECK_PLAN"))
        fprintf(stderr, "parlab: %s planned %d points but ran %d\n", ctx->lab->name,
                ctx->planned, ctx->point);
    harness_kill_children();
    status_set_state(state);
    status_close();
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

void harness_plan(struct lab_ctx *ctx, int npoints)
{
    ctx->planned = npoints;
    ctx->npoints = npoints;
    ctx->point = 0;
}

void harness_unplan(struct lab_ctx *ctx, int n)
{
    ctx->planned -= n;
    ctx->npoints -= n;
    if (ctx->npoints < ctx->point)
        ctx->npoints = ctx->point;
}

static double eta(const struct lab_ctx *ctx, double frac_of_point)
{
    double done = ctx->point - 1 + frac_of_point, el = now_s() - ctx->t_start;
    if (ctx->npoints <= 0 || done <= 0.05)
        return -1;
    return el / done * (ctx->npoints - done);
}

static struct point cur_pt;
static char cur_param[256], cur_exp[64], cur_var[64];

void harness_point(struct lab_ctx *ctx, const struct point *pt)
{
    ctx->point++;
    if (ctx->point > ctx->npoints)
        ctx->npoints = ctx->point;
    ctx->t_point = now_s();
    snprintf(cur_exp, sizeof(cur_exp), "%s", pt->experiment);
    snprintf(cur_var, sizeof(cur_var), "%s", pt->variant);
    snprintf(cur_param, sizeof(cur_param), "%s", pt->param ? pt->param : "");
    cur_pt = (struct point){cur_exp, cur_var, pt->workers, cur_param};
    status_set_point(pt->experiment, pt->variant, pt->workers, pt->param, ctx->point, ctx->npoints);
    harness_rep(ctx, 0);
}

void harness_rep(struct lab_ctx *ctx, int rep)
{
    double e = eta(ctx, ctx->reps ? (double)rep / (ctx->reps + 1) : 0);
    status_set_rep(rep, ctx->reps, e);
    if (!progress_on_tty)
        return;
    {
        char left[32] = "";
        if (e >= 0)
            snprintf(left, sizeof(left), " ~%.0fs left", ceil(e));
        fprintf(stderr, "\r\033[K[%s %d/%d%s] %s %s, %d worker%s%s%s, %s",
                ctx->lab->name, ctx->point, ctx->npoints, left, cur_pt.experiment,
                cur_pt.variant, cur_pt.workers, cur_pt.workers == 1 ? "" : "s",
                cur_param[0] ? ", " : "", cur_param, rep ? "" : "warm-up");
        if (rep)
            fprintf(stderr, "rep %d/%d", rep, ctx->reps);
    }
}

void harness_progress_clear(void)
{
    if (progress_on_tty)
        fprintf(stderr, "\r\033[K");
}

/* ---- measuring ---------------------------------------------------------------------------- */

double harness_time(harness_fn fn, void *arg, uint64_t iters)
{
    double t0 = now_s();
    fn(arg, iters);
    return now_s() - t0;
}

uint64_t harness_calibrate(harness_fn fn, void *arg, double min_seconds)
{
    uint64_t n = 1;
    while (n < (UINT64_C(1) << 40) && harness_time(fn, arg, n) < min_seconds)
        n *= 2;
    return n;
}

int harness_sample(struct lab_ctx *ctx, const struct point *pt, harness_fn fn, void *arg,
                   uint64_t iters, const char *metric, const char *unit, double scale)
{
    harness_rep(ctx, 0);
    fn(arg, iters); /* warm-up, not counted */
    for (int rep = 1; rep <= ctx->reps; rep++) {
        double t;
        if (harness_interrupted())
            return -1;
        harness_rep(ctx, rep);
        t = harness_time(fn, arg, iters);
        results_add(ctx->res, pt, rep, metric, t * scale / (double)iters, unit);
    }
    return 0;
}

int harness_sample_overhead(struct lab_ctx *ctx, const struct point *pt, harness_fn test,
                            harness_fn ref, void *arg, uint64_t iters, const char *metric,
                            const char *unit, double scale)
{
    harness_rep(ctx, 0);
    ref(arg, iters);
    test(arg, iters);
    for (int rep = 1; rep <= ctx->reps; rep++) {
        double tr, tt;
        if (harness_interrupted())
            return -1;
        harness_rep(ctx, rep);
        tr = harness_time(ref, arg, iters);
        tt = harness_time(test, arg, iters);
        results_add(ctx->res, pt, rep, metric, (tt - tr) * scale / (double)iters, unit);
    }
    return 0;
}

/* ---- output -------------------------------------------------------------------------------- */

static const struct lab *header_printed_for;

void harness_print(struct lab_ctx *ctx, const struct point *pt, const char *metric)
{
    const struct summary *s = results_summary(ctx->res, pt, metric);
    if (!s)
        return;
    harness_progress_clear();
    if (header_printed_for != ctx->lab) {
        header_printed_for = ctx->lab;
        printf("%-14s %-16s %7s  %-22s %-14s %12s  %-27s %3s\n", "experiment", "variant",
               "workers", "param", "metric", "median", "95% CI of median", "n");
    }
    printf("%-14s %-16s %7d%s %-22s %-14s %12.4g  [%11.4g, %11.4g] %3d", pt->experiment,
           pt->variant, pt->workers, harness_oversubscribed(ctx, pt->workers) ? "*" : " ",
           pt->param && *pt->param ? pt->param : "-", metric, s->median, s->ci_lo, s->ci_hi,
           s->n);
    if (s->outliers)
        printf(" (%d outlier%s)", s->outliers, s->outliers == 1 ? "" : "s");
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
