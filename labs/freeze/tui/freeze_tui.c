/* freeze_tui.c: bin/freeze, the frozen-UI demo on stage (talk 2's live demo).
 *
 * The freeze lab's UI loop (labs/freeze/freeze_loop.c) drawn in a terminal with
 * ncurses: a spinner and a clock redrawn 60 times a second, the data from a slow source
 * (a child process answering after --delay), and how late the recent frames were. Keys
 * switch the mode live, so the speaker can freeze and unfreeze it in front of everyone:
 *   1  blocking    the I/O inside the UI loop: the spinner and clock stop while it waits
 *   2  io-thread   the same I/O on a worker thread that wakes the UI through a pipe
 *   3  cpu-thread  a CPU-bound worker thread: no effect in C
 *   m or space: the next mode; q quits. The Python twin: labs/freeze/freeze_ui.py.
 *
 *   freeze [--mode M] [--delay S] [--every S] [--fps N] [--log FILE] [--seconds S]
 *
 * --log FILE writes every frame as CSV (t,mode,frame,late_ms,replies), as the Python
 * twin does; the tests read it. */
#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../freeze.h"
#include "util.h"

#define RECENT 60

struct screen {
    struct freeze_ui *u;
    const struct freeze_cfg *cfg;
    FILE *log;
    double recent[RECENT]; /* lateness of the last frames, ms */
    int nrecent, next;
};

static struct freeze_ui *the_ui;

static void on_signal(int sig)
{
    (void)sig;
    if (the_ui)
        freeze_stop(the_ui); /* an atomic store: safe here */
}

static void forget_recent(struct screen *s)
{
    s->nrecent = s->next = 0;
}

static void on_key(void *arg)
{
    struct screen *s = arg;
    int c;
    while ((c = getch()) != ERR) {
        enum freeze_mode m = freeze_get_mode(s->u);
        if (c == 'q' || c == 'Q') {
            freeze_stop(s->u);
            return;
        }
        if (c >= '1' && c < '1' + FREEZE_NMODES)
            m = (enum freeze_mode)(c - '1');
        else if (c == 'm' || c == ' ')
            m = (enum freeze_mode)((m + 1) % FREEZE_NMODES);
        else
            continue;
        if (m != freeze_get_mode(s->u)) {
            freeze_set_mode(s->u, m);
            forget_recent(s);
            if (s->log)
                fflush(s->log);
        }
    }
}

static void draw(void *arg, const struct freeze_frame *f)
{
    struct screen *s = arg;
    char text[128], line[256];
    int y = 0, w = COLS;
    erase();
    snprintf(line, sizeof(line), "freeze: a UI that needs data every %.2f s from a source that answers after %.0f ms",
             s->cfg->every_s, s->cfg->delay_s * 1e3);
    mvaddnstr(y++, 0, line, w);
    y++;
    freeze_frame_text(f, text, sizeof(text));
    attron(A_BOLD);
    mvaddnstr(y++, 3, text, w - 3);
    attroff(A_BOLD);
    y++;
    snprintf(line, sizeof(line), "mode %d: %s", f->mode + 1, freeze_mode_what[f->mode]);
    attron(A_REVERSE);
    mvaddnstr(y++, 0, line, w);
    attroff(A_REVERSE);
    if (s->nrecent > 0) {
        double v[RECENT], med, p99, worst;
        memcpy(v, s->recent, sizeof(double) * (size_t)s->nrecent);
        freeze_stats(v, s->nrecent, &med, &p99, &worst);
        snprintf(line, sizeof(line), "last %d frames: median %.1f ms, p99 %.1f ms, worst %.1f ms late; %llu skipped so far",
                 s->nrecent, med, p99, worst, (unsigned long long)f->dropped);
        mvaddnstr(y++, 0, line, w);
    }
    y++;
    mvaddnstr(y, 0, "keys: 1 blocking  2 io-thread  3 cpu-thread  m next  q quit", w);
    refresh();
}

static void on_frame(void *arg, const struct freeze_frame *f)
{
    struct screen *s = arg;
    s->recent[s->next] = f->late_s * 1e3;
    s->next = (s->next + 1) % RECENT;
    if (s->nrecent < RECENT)
        s->nrecent++;
    if (s->log)
        fprintf(s->log, "%.4f,%s,%llu,%.3f,%llu\n", f->t, freeze_mode_names[f->mode],
                (unsigned long long)f->k, f->late_s * 1e3, (unsigned long long)f->replies);
}

static double num_arg(const char *opt, const char *v, double lo, double hi)
{
    double x;
    if (!v)
        usage_error("%s needs a value", opt);
    if (parse_double(v, lo, hi, &x) < 0)
        usage_error("%s: '%s' is not a number from %g to %g", opt, v, lo, hi);
    return x;
}

int main(int argc, char **argv)
{
    struct freeze_cfg cfg = {60, 0.2, 0.5, NULL, NULL};
    enum freeze_mode mode = FREEZE_BLOCKING;
    const char *log_path = NULL;
    double seconds = 0;
    struct screen s = {0};
    struct sigaction sa;
    struct freeze_hooks h = {draw, on_frame, STDIN_FILENO, on_key, &s};
    long n;
    progname = "freeze";
    for (int i = 1; i < argc; i += 2) { /* every option takes a value */
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("usage: freeze [--mode blocking|io-thread|cpu-thread] [--delay S] [--every S]\n"
                   "              [--fps N] [--log FILE] [--seconds S]\n"
                   "A spinner and a clock redrawn --fps times a second; every --every seconds data\n"
                   "from a source that answers after --delay. Keys: 1 2 3 modes, m next, q quit.\n");
            return 0;
        } else if (!strcmp(a, "--mode")) {
            int m = v ? freeze_mode_find(v) : -1;
            if (m < 0)
                usage_error("--mode: '%s' is not blocking, io-thread or cpu-thread", v ? v : "");
            mode = (enum freeze_mode)m;
        } else if (!strcmp(a, "--delay")) {
            cfg.delay_s = num_arg(a, v, 0.001, 10);
        } else if (!strcmp(a, "--every")) {
            cfg.every_s = num_arg(a, v, 0.01, 60);
        } else if (!strcmp(a, "--fps")) {
            cfg.fps = num_arg(a, v, 1, 1000);
        } else if (!strcmp(a, "--seconds")) {
            seconds = num_arg(a, v, 0, 1e6);
        } else if (!strcmp(a, "--log")) {
            if (!v)
                usage_error("--log needs a value");
            log_path = v;
        } else {
            usage_error("unknown option '%s' (freeze --help)", a);
        }
    }
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        usage_error("needs a terminal (run it in one, or in tmux)");
    if (log_path) {
        if (!(s.log = fopen(log_path, "w")))
            usage_error("--log: cannot write '%s': %s", log_path, strerror(errno));
        fprintf(s.log, "t,mode,frame,late_ms,replies\n");
    }
    s.cfg = &cfg;
    if (!(s.u = freeze_open(&cfg, mode)))
        return EXIT_FAIL;
    the_ui = s.u;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    setlocale(LC_ALL, "");
    initscr();
    cbreak();
    noecho();
    nodelay(stdscr, TRUE);
    keypad(stdscr, TRUE);
    curs_set(0);
    n = freeze_run(s.u, seconds, &h);
    endwin();
    freeze_close(s.u);
    if (s.log && fclose(s.log) != 0) {
        note("--log: cannot write '%s': %s", log_path, strerror(errno));
        return EXIT_FAIL;
    }
    if (n < 0) {
        note("the slow source failed");
        return EXIT_FAIL;
    }
    return 0;
}
