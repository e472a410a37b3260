/* harness_child.c: the one child-process protocol. A lab that measures in a child
 * process (a fresh CPython per experiment, workers forked before any OpenMP region)
 * calls harness_child(); the child then uses the harness exactly as in-process, and
 * everything it announces or records travels to the parent as lines on a pipe:
 *
 *   P exp variant workers param cores     a point starts (the parent shows it, plans it)
 *   S n  followed by n  Q exp variant workers param cores   a series of n points
 *   K exp variant workers param cores why   a point skipped, and why
 *   r rep                                 the repetition under way (progress)
 *   N text                                a note for the person at the terminal
 *   R exp variant workers param cores rep metric value unit   a result (results.c)
 *   F exp variant workers param cores metric value unit npoints   a fitted value
 *   M key value                           a meta row
 *   D table col...    T table field...    an extra table and its rows
 *   X field...                            the lab's own (given to its on_line)
 *
 * Fields are tab-separated, one line a message, each written in one write(). The
 * embedded Python's _parlab module (pyembed.c) calls the same functions, so a .py file
 * run by a lab reports through this protocol too. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness_internal.h"

static int child_fd = -1;           /* in a child: the pipe to the parent */
static struct lab_ctx *current_ctx; /* the lab running in this process */

void harness_set_current(struct lab_ctx *ctx)
{
    current_ctx = ctx;
}

struct lab_ctx *harness_current(void)
{
    return current_ctx;
}

/* ---- the child's side ----------------------------------------------------------------------- */

static void send_point(char tag, const struct point *pt, const char *extra)
{
    char w[16], cw[32];
    const char *f[6] = {pt->experiment, pt->variant, w, pt->param ? pt->param : "", cw, extra};
    snprintf(w, sizeof(w), "%d", pt->workers);
    snprintf(cw, sizeof(cw), "%.17g", pt->cores_wanted);
    line_send(child_fd, tag, f, extra ? 6 : 5);
}

void child_send_points(const struct point *pts, int n)
{
    char ns[16];
    const char *f[1] = {ns};
    if (n == 1) {
        send_point('P', &pts[0], NULL);
        return;
    }
    snprintf(ns, sizeof(ns), "%d", n);
    line_send(child_fd, 'S', f, 1);
    for (int i = 0; i < n; i++)
        send_point('Q', &pts[i], NULL);
}

void child_send_skip(const struct point *pt, const char *why)
{
    send_point('K', pt, why);
}

void child_send_rep(int rep)
{
    char rs[16];
    const char *f[1] = {rs};
    snprintf(rs, sizeof(rs), "%d", rep);
    line_send(child_fd, 'r', f, 1);
}

void child_send_note(const char *text)
{
    line_send(child_fd, 'N', &text, 1);
}

void harness_child_send(const char *const *fields, int n)
{
    if (child_fd >= 0)
        line_send(child_fd, 'X', fields, n);
}

/* ---- the parent's side ----------------------------------------------------------------------- */

struct reader {
    struct lab_ctx *ctx;
    struct point *series; /* a series being received: Q lines until n */
    char **strs;          /* their strings, freed when the series is applied */
    int series_n, series_got;
    void (*on_line)(void *, char **, int);
    void *line_arg;
    int bad;              /* lines that made no sense: a bug in the child */
};

static struct point point_of(char **f)
{
    return (struct point){f[0], f[1], atoi(f[2]), f[3], strtod(f[4], NULL)};
}

static void free_series(struct reader *rd)
{
    for (int i = 0; i < rd->series_got * 3; i++)
        free(rd->strs[i]);
    free(rd->series), free(rd->strs);
    rd->series = NULL, rd->strs = NULL;
    rd->series_n = rd->series_got = 0;
}

static void apply(struct reader *rd, char *line)
{
    char *f[40];
    char tag = line[0];
    int nf = line[0] && line[1] == '\t' ? line_split(line + 2, f, 40) : 0;
    struct lab_ctx *ctx = rd->ctx;

    switch (tag) {
    case 'P':
        if (nf == 5) {
            struct point pt = point_of(f);
            harness_point(ctx, &pt);
            return;
        }
        break;
    case 'S':
        if (nf == 1 && atoi(f[0]) > 0 && atoi(f[0]) <= 65536) {
            free_series(rd);
            rd->series_n = atoi(f[0]);
            rd->series = xcalloc((size_t)rd->series_n, sizeof(*rd->series));
            rd->strs = xcalloc((size_t)rd->series_n * 3, sizeof(char *));
            return;
        }
        break;
    case 'Q':
        if (nf == 5 && rd->series_got < rd->series_n) {
            struct point pt = point_of(f);
            int i = rd->series_got++;
            pt.experiment = rd->strs[3 * i] = xstrdup(pt.experiment);
            pt.variant = rd->strs[3 * i + 1] = xstrdup(pt.variant);
            pt.param = rd->strs[3 * i + 2] = xstrdup(pt.param);
            rd->series[i] = pt;
            if (rd->series_got == rd->series_n) {
                harness_series(ctx, rd->series, rd->series_n);
                free_series(rd);
            }
            return;
        }
        break;
    case 'K':
        if (nf == 6) {
            struct point pt = point_of(f);
            harness_skip(ctx, &pt, "%s", f[5]);
            return;
        }
        break;
    case 'r':
        if (nf == 1) {
            harness_show_rep(ctx, atoi(f[0]));
            return;
        }
        break;
    case 'N':
        if (nf == 1) {
            harness_note(ctx, "%s", f[0]);
            return;
        }
        break;
    case 'X':
        if (rd->on_line)
            rd->on_line(rd->line_arg, f, nf);
        return;
    default:
        if (results_apply_line(ctx->res, tag, f, nf) == 0)
            return;
    }
    rd->bad++;
}

int harness_child(struct lab_ctx *ctx, int (*fn)(struct lab_ctx *ctx, void *arg), void *arg,
                  void (*on_line)(void *line_arg, char **fields, int nfields), void *line_arg)
{
    struct reader rd = {.ctx = ctx, .on_line = on_line, .line_arg = line_arg};
    int fd[2], status = 0, rc;
    char *line = NULL;
    size_t cap = 0;
    FILE *in;
    pid_t pid;

    if (pipe(fd) < 0)
        die("cannot create a pipe: %s", strerror(errno));
    pid = harness_fork_kind(2);
    if (pid < 0)
        die("cannot fork: %s", strerror(errno));
    if (pid == 0) {
        close(fd[0]);
        harness_enter_child();
        child_fd = fd[1];
        results_forward_to(ctx->res, fd[1]);
        harness_set_current(ctx);
        rc = fn(ctx, arg);
        if (harness_interrupted() && rc == EXIT_OK)
            rc = EXIT_INTERRUPTED;
        fflush(stdout);
        fflush(stderr);
        _exit(rc); /* no atexit handlers: they belong to the parent */
    }
    close(fd[1]);
    in = fdopen(fd[0], "r");
    if (!in)
        die("cannot read from a child: %s", strerror(errno));
    while (getline(&line, &cap, in) > 0)
        apply(&rd, line);
    free(line);
    fclose(in);
    free_series(&rd);
    harness_wait(pid, &status);
    if (rd.bad)
        note("a measuring child sent %d line%s the protocol does not know", rd.bad,
             rd.bad == 1 ? "" : "s");
    if (WIFEXITED(status) && (WEXITSTATUS(status) == EXIT_OK || WEXITSTATUS(status) == EXIT_INTERRUPTED))
        return harness_interrupted() ? EXIT_INTERRUPTED : WEXITSTATUS(status);
    if (harness_interrupted())
        return EXIT_INTERRUPTED;
    if (WIFSIGNALED(status))
        note("a measuring child process died of signal %d", WTERMSIG(status));
    else if (WEXITSTATUS(status) != EXIT_FAIL)
        note("a measuring child process exited with status %d", WEXITSTATUS(status));
    return EXIT_FAIL;
}
