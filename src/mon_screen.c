/* mon_screen.c: parmon's ncurses screen. Draws a struct mon_view; reads nothing.
 *
 * Layout, top to bottom:
 *   header   parmon, how many cores are busy, the refresh interval, the sample count
 *   CPUs     one line a CPU: a meter (user | system # guest + steal ! iowait .) and its
 *            history; when they don't fit, a grid of small meters; when that doesn't
 *            fit either, one character a CPU (a heat strip)
 *   all      the aggregate, in cores' worth: "1.0 of 2 cores busy"
 *   follow   the followed process tree: the lab's progress, then its threads and
 *            child processes with their state, CPU% and the CPU each last ran on
 *   footer   the keys
 * Each kind of time has its own character as well as its own colour, so the meters
 * read the same without colour (NO_COLOR, --no-color, a projector, colour blindness). */
#include "mon_screen.h"

#include <langinfo.h>
#include <ncurses.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util.h"

enum { PAIR_USER = 1, PAIR_SYSTEM, PAIR_IOWAIT, PAIR_STEAL, PAIR_GUEST, PAIR_HEAD, PAIR_HIST,
       PAIR_WARN };

static int on_screen;   /* initscr done and not yet ended */
static int use_color;
static int utf8;

int mon_screen_init(int color)
{
    const char *cs = nl_langinfo(CODESET);
    utf8 = cs && strcmp(cs, "UTF-8") == 0;
    /* newterm, not initscr: on failure initscr prints its own message and exits, which
     * would leave a launched command behind. */
    if (!newterm(NULL, stdout, stdin))
        return -1;
    on_screen = 1;
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    curs_set(0);
    use_color = color && has_colors();
    if (use_color) {
        start_color();
        use_default_colors();
        init_pair(PAIR_USER, COLOR_GREEN, -1);
        init_pair(PAIR_SYSTEM, COLOR_RED, -1);
        init_pair(PAIR_IOWAIT, COLOR_BLUE, -1);
        init_pair(PAIR_STEAL, COLOR_MAGENTA, -1);
        init_pair(PAIR_GUEST, COLOR_CYAN, -1);
        init_pair(PAIR_HEAD, COLOR_BLACK, COLOR_CYAN);
        init_pair(PAIR_HIST, COLOR_GREEN, -1);
        init_pair(PAIR_WARN, COLOR_YELLOW, -1);
    }
    return 0;
}

void mon_screen_end(void)
{
    if (!on_screen)
        return;
    on_screen = 0;
    curs_set(1);
    endwin();
}

void mon_screen_resize(void)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
        resizeterm(ws.ws_row, ws.ws_col);
}

int mon_screen_key(void)
{
    int k = getch();
    return k == ERR ? -1 : k;
}

/* ---- small drawing helpers ---------------------------------------------------------------- */

static void style_on(int pair, int extra)
{
    if (use_color && pair)
        attron(COLOR_PAIR(pair));
    if (extra)
        attron(extra);
}

static void style_off(int pair, int extra)
{
    if (use_color && pair)
        attroff(COLOR_PAIR(pair));
    if (extra)
        attroff(extra);
}

/* Print at (y, x), cut at the right edge. */
static void put(int y, int x, int pair, int extra, const char *s)
{
    int room = COLS - x;
    if (y < 0 || y >= LINES || room <= 0)
        return;
    style_on(pair, extra);
    mvaddnstr(y, x, s, room);
    style_off(pair, extra);
}

/* A whole line, padded to the width (for the reverse-video header and footer). */
static void put_bar_line(int y, const char *s)
{
    char line[1024];
    int w = COLS < (int)sizeof(line) - 1 ? COLS : (int)sizeof(line) - 1;
    snprintf(line, sizeof(line), "%-*.*s", w, w, s);
    put(y, 0, PAIR_HEAD, use_color ? 0 : A_REVERSE, line);
}

/* One history/heat glyph for a busy percent (9 levels). */
static const char *level_glyph(unsigned char pct)
{
    static const char *const blocks[] = {" ", "\u2581", "\u2582", "\u2583", "\u2584",
                                         "\u2585", "\u2586", "\u2587", "\u2588"};
    static const char *const ascii[] = {" ", ".", ":", "-", "=", "+", "*", "#", "@"};
    int i;
    if (pct == MON_HIST_OFFLINE)
        return "x";
    i = pct == 0 ? 0 : 1 + (pct * 8 - 1) / 100;
    if (i > 8)
        i = 8;
    return utf8 ? blocks[i] : ascii[i];
}

/* A meter [||||###+!..    ] of `w` cells between the brackets, at (y, x). Each kind of
 * time gets cells in proportion, rounded on the running sum so they never overflow. */
static void draw_meter(int y, int x, int w, const struct cpustat_usage *u)
{
    struct { double pct; int pair; char ch; } seg[] = {
        {u->user, PAIR_USER, '|'},     {u->system, PAIR_SYSTEM, '#'},
        {u->guest, PAIR_GUEST, '+'},   {u->steal, PAIR_STEAL, '!'},
        {u->iowait, PAIR_IOWAIT, '.'},
    };
    double sum = 0;
    int done = 0;
    if (w < 1 || y >= LINES)
        return;
    put(y, x, 0, A_BOLD, "[");
    move(y, x + 1);
    for (size_t i = 0; i < ARRAY_SIZE(seg); i++) {
        int upto;
        sum += seg[i].pct;
        upto = (int)(sum / 100.0 * w + 0.5);
        if (upto > w)
            upto = w;
        style_on(seg[i].pair, 0);
        for (; done < upto && x + 1 + done < COLS; done++)
            addch((chtype)seg[i].ch);
        style_off(seg[i].pair, 0);
    }
    for (; done < w && x + 1 + done < COLS; done++)
        addch(' ');
    put(y, x + 1 + w, 0, A_BOLD, "]");
}

/* Busy percent of CPU c, `back` samples ago (0 = newest), or -1 if not recorded. */
static int hist_at(const struct mon_view *v, int c, long back)
{
    long k = v->hist_count - 1 - back;
    if (!v->hist || back >= v->hist_cap || k < 0)
        return -1;
    return v->hist[(long)c * v->hist_cap + k % v->hist_cap];
}

static void draw_history(int y, int x, int w, const struct mon_view *v, int c)
{
    if (w <= 0 || y >= LINES)
        return;
    move(y, x);
    style_on(PAIR_HIST, 0);
    for (int i = 0; i < w && x + i < COLS; i++) {
        int h = hist_at(v, c, w - 1 - i); /* oldest on the left, newest on the right */
        addstr(h < 0 ? " " : level_glyph((unsigned char)h));
    }
    style_off(PAIR_HIST, 0);
}

static int digits(int n)
{
    int d = 1;
    while (n >= 10)
        n /= 10, d++;
    return d;
}

/* ---- the CPU area ------------------------------------------------------------------------- */

/* How many samples make the last minute (at most what the ring holds). */
static int history_samples(const struct mon_view *v)
{
    int n = (int)(60.0 / v->interval + 0.5);
    return n < v->hist_cap ? n : v->hist_cap;
}

/* One line a CPU: "cpu3  [|||||##      ]  42.0% ▁▂▅▇" */
static void draw_cpu_lines(const struct mon_view *v, int y0)
{
    int lw = 3 + digits(v->ncpu > 0 ? v->ncpu - 1 : 0) + 1;
    int rest = COLS - lw - 2 - 8, bw, hw;
    char buf[64];
    if (rest < 6)
        rest = 6;
    /* The meter takes half the rest (at least 10 cells), the history the other half. */
    bw = rest / 2 < 10 ? (rest < 10 ? rest : 10) : rest / 2;
    if (bw > 60)
        bw = 60;
    hw = COLS - (lw + bw + 2 + 8);
    if (hw > history_samples(v))
        hw = history_samples(v);
    for (int c = 0; c < v->ncpu; c++) {
        int y = y0 + c;
        snprintf(buf, sizeof(buf), "cpu%-*d", (lw - 3) & 15, c);
        put(y, 0, 0, A_BOLD, buf);
        if (!v->use[c].online) {
            put(y, lw, PAIR_WARN, 0, v->have_sample ? "offline" : "...");
            continue;
        }
        draw_meter(y, lw, bw, &v->use[c]);
        snprintf(buf, sizeof(buf), " %5.1f%% ", v->use[c].busy);
        put(y, lw + bw + 2, 0, 0, buf);
        draw_history(y, lw + bw + 2 + 8, hw, v, c);
    }
}

/* A grid of small meters: "12[||||  ] 45%" cells across the width. */
static int grid_columns(const struct mon_view *v, int *cellw)
{
    int lw = digits(v->ncpu > 0 ? v->ncpu - 1 : 0);
    *cellw = lw + 1 + 8 + 5 + 1;
    return COLS / *cellw > 0 ? COLS / *cellw : 1;
}

static void draw_cpu_grid(const struct mon_view *v, int y0, int cols, int cellw)
{
    int lw = digits(v->ncpu > 0 ? v->ncpu - 1 : 0);
    char buf[64];
    for (int c = 0; c < v->ncpu; c++) {
        int y = y0 + c / cols, x = (c % cols) * cellw;
        snprintf(buf, sizeof(buf), "%*d", lw & 15, c);
        put(y, x, 0, A_BOLD, buf);
        if (!v->use[c].online) {
            put(y, x + lw + 1, PAIR_WARN, 0, "offline");
            continue;
        }
        draw_meter(y, x + lw, 6, &v->use[c]);
        snprintf(buf, sizeof(buf), "%4.0f%%", v->use[c].busy);
        put(y, x + lw + 8, 0, 0, buf);
    }
}

/* One character a CPU, as a heat strip: " 0-63 ▁▁█▁▂..." (x = offline). */
static int heat_per_line(const struct mon_view *v)
{
    int lw = 2 * digits(v->ncpu > 0 ? v->ncpu - 1 : 0) + 2;
    int per = COLS - lw;
    if (per > 64)
        per = 64 > COLS - lw ? COLS - lw : 64;
    return per > 0 ? per : 1;
}

static void draw_cpu_heat(const struct mon_view *v, int y0, int nlines)
{
    int per = heat_per_line(v), d = digits(v->ncpu > 0 ? v->ncpu - 1 : 0);
    char buf[80];
    for (int l = 0; l < nlines; l++) {
        int first = l * per, last = first + per - 1;
        if (first >= v->ncpu)
            break;
        if (last >= v->ncpu)
            last = v->ncpu - 1;
        snprintf(buf, sizeof(buf), "%*d-%-*d ", d & 15, first, d & 15, last);
        put(y0 + l, 0, 0, A_BOLD, buf);
        move(y0 + l, (int)strlen(buf));
        for (int c = first; c <= last; c++) {
            const struct cpustat_usage *u = &v->use[c];
            int pair = u->system > u->user ? PAIR_SYSTEM : PAIR_USER;
            unsigned char lvl = !u->online ? MON_HIST_OFFLINE : (unsigned char)(u->busy + 0.5);
            style_on(u->online ? pair : PAIR_WARN, 0);
            addstr(lvl == 0 ? "_" : level_glyph(lvl)); /* idle, yet visible */
            style_off(u->online ? pair : PAIR_WARN, 0);
        }
    }
    if ((long)nlines * per < v->ncpu) {
        snprintf(buf, sizeof(buf), " +%ld more CPUs", (long)v->ncpu - (long)nlines * per);
        put(y0 + nlines - 1, COLS - (int)strlen(buf), PAIR_WARN, A_BOLD, buf);
    }
}

/* Draw the CPUs in at most `avail` lines; returns the lines used. */
static int draw_cpus(const struct mon_view *v, int y0, int avail)
{
    int cellw, cols, lines, per;
    if (avail < 1)
        avail = 1;
    if (!v->compact && v->ncpu <= avail) {
        draw_cpu_lines(v, y0);
        return v->ncpu;
    }
    cols = grid_columns(v, &cellw);
    lines = (v->ncpu + cols - 1) / cols;
    if (lines <= avail && !(v->compact && v->ncpu > 2 * cols)) {
        draw_cpu_grid(v, y0, cols, cellw);
        return lines;
    }
    per = heat_per_line(v);
    lines = (v->ncpu + per - 1) / per;
    if (lines > avail)
        lines = avail;
    draw_cpu_heat(v, y0, lines);
    return lines;
}

/* ---- the followed tree -------------------------------------------------------------------- */

static void draw_follow(const struct mon_view *v, int y, int ylast)
{
    char buf[512];
    if (y > ylast)
        return;
    snprintf(buf, sizeof(buf), "following %d: %.2f cores, %d process%s, %d threads: %s",
             v->follow_pid, v->tree_cores, v->nprocs, v->nprocs == 1 ? "" : "es", v->ntasks,
             v->command ? v->command : "");
    put(y++, 0, 0, A_BOLD, buf);
    if (v->ended && y <= ylast) {
        snprintf(buf, sizeof(buf), "command ended: %s  (last screen kept; q quits)", v->ended);
        put(y++, 0, PAIR_WARN, A_BOLD | (use_color ? 0 : A_REVERSE), buf);
    }
    if (v->have_status && y <= ylast) {
        const struct status_page *s = &v->status;
        char eta[32] = "";
        if (s->eta_s >= 0)
            snprintf(eta, sizeof(eta), "  ETA %.0f s", s->eta_s);
        snprintf(buf, sizeof(buf), "lab %s: %s / %s  %d workers  point %d/%d  rep %d/%d%s  %s",
                 s->lab, s->experiment[0] ? s->experiment : "-", s->variant[0] ? s->variant : "-",
                 s->workers, s->point, s->npoints, s->rep, s->nreps, eta, s->state);
        put(y++, 0, PAIR_GUEST, A_BOLD, buf);
    }
    if (v->last_output && v->last_output[0] && y <= ylast) {
        snprintf(buf, sizeof(buf), "out> %s", v->last_output);
        put(y++, 0, 0, A_DIM, buf);
    }
    if (y > ylast)
        return;
    put(y++, 0, 0, A_UNDERLINE, "    PID     TID S   CPU%  CPU NAME");
    for (int i = 0; i < v->ntasks && y <= ylast; i++, y++) {
        const struct cpustat_task *t = &v->tasks[i];
        char pid[16] = "";
        if (y == ylast && i < v->ntasks - 1) {
            snprintf(buf, sizeof(buf), "  ... %d more", v->ntasks - i);
            put(y, 0, 0, A_DIM, buf);
            break;
        }
        if (t->tid == t->tgid)
            snprintf(pid, sizeof(pid), "%d", t->tgid);
        /* A thread born since the last sample has no rate yet: "new", not a false 0.0. */
        if (t->cpu_pct < 0)
            snprintf(buf, sizeof(buf), "%7s %7d %c %6s %4d %s%s", pid, t->tid, t->state, "new",
                     t->cpu, t->tid == t->tgid ? "" : "  ", t->name);
        else
            snprintf(buf, sizeof(buf), "%7s %7d %c %6.1f %4d %s%s", pid, t->tid, t->state,
                     t->cpu_pct, t->cpu, t->tid == t->tgid ? "" : "  ", t->name);
        put(y, 0, t->state == 'R' ? PAIR_USER : 0, t->state == 'R' ? A_BOLD : 0, buf);
    }
}

static void draw_help(int y, int ylast)
{
    static const char *const lines[] = {
        "parmon keys",
        "  q        quit (a launched command is stopped with it)",
        "  p        pause / resume sampling",
        "  + / -    refresh more / less often",
        "  h        this help (h again closes it)",
        "",
        "meters: | user  # system (+irq)  + guest  ! steal  . iowait",
        "busy = user + system + guest + steal; iowait counts as idle",
        "cores busy = the sum over CPUs (1.0 = one whole core)",
        "CPU column: the CPU a thread last ran on",
        "history: the last minute, newest on the right",
    };
    for (size_t i = 0; i < ARRAY_SIZE(lines) && y + (int)i <= ylast; i++) {
        move(y + (int)i, 0);
        clrtoeol();
        put(y + (int)i, 0, 0, i == 0 ? A_BOLD : 0, lines[i]);
    }
}

/* ---- the frame ---------------------------------------------------------------------------- */

void mon_screen_draw(const struct mon_view *v)
{
    char buf[512];
    int y, lower, used, ylast, n;
    erase();
    if (COLS < 40 || LINES < 10) {
        snprintf(buf, sizeof(buf), "too small: %dx%d < 40x10", COLS, LINES);
        put(0, 0, 0, A_BOLD, buf);
        refresh();
        return;
    }
    if (v->nonline > 0)
        snprintf(buf, sizeof(buf), " parmon  %.1f of %d cores busy  every %.2g s  sample %ld%s%s",
                 v->have_sample ? v->all.busy * v->nonline / 100.0 : 0.0, v->nonline, v->interval,
                 v->nsample, v->paused ? "  PAUSED" : "", v->record_path ? "  REC" : "");
    else /* a /proc/stat without per-CPU lines (and no sysfs lists): the aggregate only */
        snprintf(buf, sizeof(buf), " parmon  %.1f%% busy (no per-CPU counters)  every %.2g s  sample %ld%s%s",
                 v->have_sample ? v->all.busy : 0.0, v->interval, v->nsample,
                 v->paused ? "  PAUSED" : "", v->record_path ? "  REC" : "");
    put_bar_line(0, buf);

    /* Room for the followed tree: its title lines plus at least three task rows. */
    lower = 0;
    if (v->follow_pid)
        lower = 1 + 1 + 3 + (v->ended != NULL) + (v->have_status != 0) +
                (v->last_output && v->last_output[0]);
    used = draw_cpus(v, 1, LINES - 3 - lower);
    y = 1 + used;

    /* The aggregate, in cores' worth first: on a narrow screen the rest is cut. */
    put(y, 0, 0, A_BOLD, "all");
    draw_meter(y, 5, COLS >= 80 ? 20 : 8, &v->all);
    n = 0;
    if (v->nonline > 0)
        n = snprintf(buf, sizeof(buf), " %.1f of %d cores busy ", v->all.busy * v->nonline / 100.0,
                     v->nonline);
    snprintf(buf + n, sizeof(buf) - (size_t)n, " %5.1f%%  (usr %.0f%% sys %.0f%% io %.0f%% "
             "steal %.0f%% guest %.0f%%)%s", v->all.busy, v->all.user, v->all.system,
             v->all.iowait, v->all.steal, v->all.guest,
             v->ncpu > v->nonline ? "  some CPUs offline" : "");
    put(y, COLS >= 80 ? 27 : 15, 0, A_BOLD, v->have_sample ? buf : " measuring...");
    y += 1;
    ylast = LINES - 2;
    if (v->help)
        draw_help(y, ylast);
    else if (v->follow_pid)
        draw_follow(v, y, ylast);

    snprintf(buf, sizeof(buf), " q quit  p pause  +/- refresh  h help%s%s",
             v->record_path ? "  recording to " : "", v->record_path ? v->record_path : "");
    put_bar_line(LINES - 1, buf);
    refresh();
}
