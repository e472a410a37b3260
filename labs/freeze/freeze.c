/* labs/freeze/freeze.c: why a user interface freezes, and why a thread unfreezes it.
 *
 * The question: a program with a screen (a game, an editor, a dashboard) redraws it 60
 * times a second. Now and then it needs data from something slow: a server, a disk, a
 * database. What happens to the screen while it waits, and what does moving the wait to
 * a thread change? In C, and in Python with its GIL?
 *
 * The work: a UI loop (freeze_loop.c) redraws a spinner and a clock every 1/60 s and
 * measures how late every frame is drawn (drawn minus due). Every --every seconds it
 * asks a slow source, a child process at the far end of a socket, which answers after
 * --delay seconds. Three modes:
 *   blocking    the loop asks and waits itself: nothing is drawn meanwhile, so the frame
 *               after the request is late by the whole delay: the UI freezes;
 *   io-thread   a worker thread asks and waits; when the answer arrives it writes a byte
 *               to a pipe that the loop polls together with its frame timer. The loop
 *               never waits for the source, so no frame is late;
 *   cpu-thread  no I/O at all: a worker thread computing flat out. In C it costs the UI
 *               nothing (with a CPU for each thread, the kernel runs both at once).
 * The Python twin (freeze_ui.py, also a curses program on its own) runs the same loop
 * with one more mode, cpu-python: a thread running pure-Python code. It holds the GIL,
 * and the UI thread, woken by its timer, must wait until the holder is made to let go:
 * after the switch interval, sys.getswitchinterval(), 5 ms by default. Every frame is
 * late by about that much. A thread fixes the frozen UI even in Python, because a
 * thread waiting for I/O lets go of the GIL; a thread that computes in Python does not.
 *
 * Experiments:
 *   c       the three modes in C, --seconds of frames a repetition;
 *   python  the four modes in Python (embedded CPython, in a child process);
 *   demo    (only when named) the C modes held --phase-seconds each, for parmon.
 * Per point and repetition: the median, the 99th percentile and the worst lateness of
 * the frames (ms), the frames drawn and skipped; every frame in freeze-frames.csv (the
 * chart, plots/freeze.gp). On stage: bin/freeze (C) and freeze_ui.py (Python) draw the
 * same loop in a terminal, with a key to switch modes live. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "freeze.h"
#include "harness.h"
#include "pyembed.h"
#include "report.h"

extern const char py_freeze_ui[];

/* ---- measuring one mode ------------------------------------------------------------------ */

struct frames {
    double *late_ms, *t;
    int n, cap;
    double dropped; /* frames skipped, as of the last frame */
    char text[128]; /* what a frame would show: made every frame, as a UI would */
};

static void draw_text(void *arg, const struct freeze_frame *f)
{
    struct frames *fr = arg;
    freeze_frame_text(f, fr->text, sizeof(fr->text));
}

static void keep_frame(void *arg, const struct freeze_frame *f)
{
    struct frames *fr = arg;
    if (fr->n == fr->cap) {
        fr->cap = fr->cap ? 2 * fr->cap : 256;
        fr->late_ms = xrealloc(fr->late_ms, sizeof(double) * (size_t)fr->cap);
        fr->t = xrealloc(fr->t, sizeof(double) * (size_t)fr->cap);
    }
    fr->late_ms[fr->n] = f->late_s * 1e3;
    fr->t[fr->n] = f->t;
    fr->n++;
    fr->dropped = (double)f->dropped;
}

static int frames_table(struct lab_ctx *ctx)
{
    static const char *const cols[] = {"experiment", "variant", "rep", "t", "late_ms"};
    return results_table(ctx->res, "frames", cols, 5);
}

/* One repetition's frames into the results: every frame into freeze-frames.csv, and
 * the median, 99th percentile and worst lateness as the repetition's values. */
static void record_frames(struct lab_ctx *ctx, const struct point *pt, int rep,
                          struct frames *fr)
{
    int table = frames_table(ctx);
    double med, p99, worst;
    for (int i = 0; i < fr->n; i++) {
        char r[16], t[32], l[32];
        const char *f[] = {pt->experiment, pt->variant, r, t, l};
        snprintf(r, sizeof(r), "%d", rep);
        snprintf(t, sizeof(t), "%.4f", fr->t[i]);
        snprintf(l, sizeof(l), "%.3f", fr->late_ms[i]);
        results_table_row(ctx->res, table, f);
    }
    freeze_stats(fr->late_ms, fr->n, &med, &p99, &worst); /* sorts: after the table */
    results_add(ctx->res, pt, rep, "late_median_ms", med, "ms");
    results_add(ctx->res, pt, rep, "late_p99_ms", p99, "ms");
    results_add(ctx->res, pt, rep, "late_worst_ms", worst, "ms");
    results_add(ctx->res, pt, rep, "frames", fr->n, "frames");
    results_add(ctx->res, pt, rep, "dropped", fr->dropped, "frames");
}

static struct freeze_cfg lab_cfg(const struct lab_ctx *ctx)
{
    return (struct freeze_cfg){lab_opt(ctx, "fps"), lab_opt(ctx, "delay"), lab_opt(ctx, "every"),
                               harness_fork, harness_wait};
}

static const char *lab_param(const struct lab_ctx *ctx, char *buf, size_t size)
{
    return fmt_param(buf, size, "delay_ms=%.0f;every_ms=%.0f;fps=%.0f", 1e3 * lab_opt(ctx, "delay"),
                     1e3 * lab_opt(ctx, "every"), lab_opt(ctx, "fps"));
}

/* The C loop in one mode: a point, its repetitions of `seconds` each (the warm-up: a
 * tenth of that). A mode with a worker thread keeps it over all repetitions. */
static int c_point(struct lab_ctx *ctx, const char *experiment, enum freeze_mode m, double seconds)
{
    char param[96];
    struct freeze_cfg cfg = lab_cfg(ctx);
    /* the CPU the point wants: the computing thread's core; the UI mostly waits */
    struct point pt = {experiment, freeze_mode_names[m], 1, lab_param(ctx, param, sizeof(param)),
                       m == FREEZE_CPU_THREAD ? 1 : 0};
    struct freeze_ui *u;
    harness_point(ctx, &pt);
    if (!(u = freeze_open(&cfg, m)))
        return EXIT_FAIL;
    for (int rep; harness_next_rep(ctx, &rep);) {
        struct frames fr = {0};
        struct freeze_hooks h = {draw_text, keep_frame, -1, NULL, &fr};
        struct harness_clock c;
        long n;
        harness_clock_start(ctx, &c, &pt);
        n = freeze_run(u, rep == 0 ? fmax(0.1, seconds / 10) : seconds, &h);
        harness_clock_stop(ctx, &pt, rep, &c, 0);
        if (n < 0) {
            harness_note(ctx, "%s: the slow source failed", pt.variant);
            free(fr.late_ms), free(fr.t);
            freeze_close(u);
            return EXIT_FAIL;
        }
        if (rep > 0)
            record_frames(ctx, &pt, rep, &fr);
        free(fr.late_ms), free(fr.t);
    }
    freeze_close(u);
    if (harness_interrupted())
        return EXIT_INTERRUPTED;
    harness_print(ctx, &pt, "late_median_ms");
    harness_print(ctx, &pt, "late_p99_ms");
    harness_print(ctx, &pt, "late_worst_ms");
    return EXIT_OK;
}

static int c_points(const struct lab_ctx *ctx)
{
    (void)ctx;
    return FREEZE_NMODES;
}

static int c_run(struct lab_ctx *ctx)
{
    printf("c: a UI loop at %.0f frames a second; every %.2f s it needs data that takes %.2f s "
           "to come.\nLateness of each frame (drawn minus due), in ms:\n",
           lab_opt(ctx, "fps"), lab_opt(ctx, "every"), lab_opt(ctx, "delay"));
    for (int m = 0; m < FREEZE_NMODES; m++) {
        int rc = c_point(ctx, "c", (enum freeze_mode)m, lab_opt(ctx, "seconds"));
        if (rc != EXIT_OK)
            return rc;
    }
    return EXIT_OK;
}

/* ---- the Python twin, embedded ----------------------------------------------------------- */

static const char *const py_modes[] = {"blocking", "io-thread", "cpu-thread", "cpu-python"};

static int python_points(const struct lab_ctx *ctx)
{
    (void)ctx;
    return (int)ARRAY_SIZE(py_modes);
}

/* A number from the last measure() call: _r[key], or _r[key][i] when i >= 0. */
static double py_num(const char *key, int i)
{
    char expr[128];
    double v = NAN;
    if (i >= 0)
        snprintf(expr, sizeof(expr), "_r['%s'][%d]", key, i);
    else
        snprintf(expr, sizeof(expr), "_r['%s']", key);
    if (pyembed_eval_double(expr, &v) < 0)
        return NAN;
    return v;
}

/* In a child process (harness_child): a fresh interpreter, freeze_ui.py as a module,
 * one UI (one source) for all modes, the repetitions driven from here. */
static int python_child(struct lab_ctx *ctx, void *arg)
{
    char param[96], call[512];
    double seconds = lab_opt(ctx, "seconds");
    int rc = EXIT_OK;
    (void)arg;
    lab_param(ctx, param, sizeof(param));
    if (pyembed_start() < 0)
        return EXIT_FAIL;
    snprintf(call, sizeof(call), "import freeze_ui\n_ui = freeze_ui.UI('blocking', %.17g, %.17g, %.17g)\n",
             lab_opt(ctx, "fps"), lab_opt(ctx, "delay"), lab_opt(ctx, "every"));
    if (pyembed_module("freeze_ui", "labs/freeze/freeze_ui.py", py_freeze_ui) < 0 ||
        pyembed_exec(call) < 0) {
        pyembed_stop();
        return EXIT_FAIL;
    }
    for (size_t m = 0; m < ARRAY_SIZE(py_modes) && rc == EXIT_OK; m++) {
        struct point pt = {"python", py_modes[m], 1, param, !strcmp(py_modes[m], "cpu-python") ||
                                                              !strcmp(py_modes[m], "cpu-thread")};
        harness_point(ctx, &pt);
        for (int rep; harness_next_rep(ctx, &rep);) {
            struct frames fr = {0};
            struct harness_clock c;
            double n;
            snprintf(call, sizeof(call), "_r = freeze_ui.measure('%s', %.17g, ui=_ui)\n", py_modes[m],
                     rep == 0 ? fmax(0.1, seconds / 10) : seconds);
            harness_clock_start(ctx, &c, &pt);
            if (pyembed_exec(call) < 0) {
                rc = EXIT_FAIL;
                break;
            }
            harness_clock_stop(ctx, &pt, rep, &c, 0);
            if (rep == 0)
                continue;
            if (pyembed_eval_double("len(_r['late_ms'])", &n) < 0)
                n = 0;
            for (int i = 0; i < (int)n; i++) {
                struct freeze_frame f = {0};
                f.late_s = py_num("late_ms", i) * 1e-3;
                f.t = py_num("t", i);
                keep_frame(&fr, &f);
            }
            fr.dropped = py_num("dropped", -1);
            record_frames(ctx, &pt, rep, &fr);
            results_add(ctx->res, &pt, rep, "switch_interval_ms", py_num("switch_ms", -1), "ms");
            free(fr.late_ms), free(fr.t);
        }
        if (harness_interrupted())
            rc = EXIT_INTERRUPTED;
    }
    if (pyembed_exec("_ui.close()\n") < 0 && rc == EXIT_OK)
        rc = EXIT_FAIL;
    pyembed_stop();
    return rc;
}

static int python_run(struct lab_ctx *ctx)
{
    char param[96];
    int rc;
    printf("python: the same loop in CPython (labs/freeze/freeze_ui.py), plus a thread running "
           "pure Python\n");
    if (!pyembed_available()) {
        lab_param(ctx, param, sizeof(param));
        for (size_t m = 0; m < ARRAY_SIZE(py_modes); m++) {
            struct point pt = {"python", py_modes[m], 1, param, 0};
            harness_skip(ctx, &pt, "%s", pyembed_unavailable_reason());
        }
        return EXIT_OK;
    }
    rc = harness_child(ctx, python_child, NULL, NULL, NULL);
    /* the child's results are here now: print them */
    lab_param(ctx, param, sizeof(param));
    for (size_t m = 0; m < ARRAY_SIZE(py_modes) && rc == EXIT_OK; m++) {
        struct point pt = {"python", py_modes[m], 1, param, 0};
        harness_print(ctx, &pt, "late_median_ms");
        harness_print(ctx, &pt, "late_p99_ms");
        harness_print(ctx, &pt, "late_worst_ms");
    }
    return rc;
}

/* ---- demo: the C modes held still, for a talk ---------------------------------------------- */

static int demo_points(const struct lab_ctx *ctx)
{
    (void)ctx;
    return FREEZE_NMODES;
}

static int demo_run(struct lab_ctx *ctx)
{
    double phase = lab_opt(ctx, "phase-seconds");
    printf("demo: %d steady phases of %.0f s (--phase-seconds): %s; %s; %s.\n"
           "On stage, bin/freeze shows the same loop on screen (keys 1 2 3 switch modes).\n",
           FREEZE_NMODES, phase, freeze_mode_what[0], freeze_mode_what[1], freeze_mode_what[2]);
    for (int m = 0; m < FREEZE_NMODES; m++) {
        int rc;
        harness_note(ctx, "demo phase %d of %d (%.0f s): %s", m + 1, FREEZE_NMODES, phase,
                     freeze_mode_what[m]);
        rc = c_point(ctx, "demo", (enum freeze_mode)m, phase / ctx->reps);
        if (rc != EXIT_OK)
            return rc;
    }
    return EXIT_OK;
}

/* ---- the claims ------------------------------------------------------------------------------- */

/* The delay the source took, from a row's param (delay_ms=200;...), or NAN. */
static double param_ms(const struct sumrow *r, const char *key)
{
    const char *p = r ? strstr(r->param, key) : NULL;
    return p ? atof(p + strlen(key)) : NAN;
}

/* Lateness on a busy machine says more about the machine than the program: a point is
 * not judged when other programs left fewer CPUs free than it needs (the UI thread one,
 * a computing worker one more), with a quarter of a CPU to spare. */
static bool quiet(struct claim_out *o, const struct report_lab *l, const struct sumrow *r,
                  const char *what)
{
    const struct sumrow *b;
    double need, limit;
    if (!r)
        return true; /* the judge says it was not measured */
    need = strstr(r->variant, "cpu") ? 2 : 1;
    limit = l->usable > 0 ? fmax(0.25, l->usable - need + 0.25) : 0.5;
    b = report_row(l, r->experiment, r->variant, r->workers, r->param, "other_cores");
    if (b && b->median > limit) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "%s: the machine was busy: other programs used %.2f "
                                              "CPUs meanwhile (frame times need a quiet machine)",
                      what, b->median);
        return false;
    }
    return true;
}

static void c_blocking_freezes(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *r = report_row(l, "c", "blocking", 1, NULL, "late_worst_ms");
    double d = param_ms(r, "delay_ms=");
    if (!r) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "the blocking point is not in these results");
        return;
    }
    claim_at_least(o, l, r, isnan(d) ? 0 : d, "worst frame, blocking I/O in the loop (the I/O "
                                              "takes %.0f ms)", d);
}

static void p99_under(const struct report_lab *l, struct claim_out *o, const char *experiment,
                      const char *variant, double ms, const char *what)
{
    const struct sumrow *r = report_row(l, experiment, variant, 1, NULL, "late_p99_ms");
    if (quiet(o, l, r, what))
        claim_at_most(o, l, r, ms, "%s: p99 lateness (at most %.0f ms)", what, ms);
}

static void c_thread_unfreezes(const struct report_lab *l, struct claim_out *o)
{
    p99_under(l, o, "c", "io-thread", 5, "the I/O on a thread");
}

static void c_cpu_harmless(const struct report_lab *l, struct claim_out *o)
{
    if (claim_needs_cpus(o, l, 2))
        p99_under(l, o, "c", "cpu-thread", 5, "a CPU-bound C thread");
}

static void py_blocking_freezes(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *r = report_row(l, "python", "blocking", 1, NULL, "late_worst_ms");
    struct claim_out a = {0}, b = {0};
    double d = param_ms(r, "delay_ms=");
    if (!r) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "the python experiment measured nothing here "
                                              "(a build without Python skips it)");
        return;
    }
    claim_at_least(&a, l, r, isnan(d) ? 0 : d, "Python, worst frame with blocking I/O in the "
                                               "loop (the I/O takes %.0f ms)", d);
    r = report_row(l, "python", "io-thread", 1, NULL, "late_worst_ms");
    if (quiet(&b, l, r, "Python, the I/O on a thread"))
        claim_at_most(&b, l, r, isnan(d) ? 0 : d / 2, "Python, worst frame with the I/O on a thread "
                                                     "(at most half the delay)");
    claim_merge(o, &a, 1);
    claim_merge(o, &b, 0);
}

static void py_gil_jitter(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *r = report_row(l, "python", "cpu-python", 1, NULL, "late_median_ms");
    const struct sumrow *si = report_row(l, "python", "cpu-python", 1, NULL, "switch_interval_ms");
    struct claim_out a = {0}, b = {0};
    double s = si ? si->median : NAN;
    if (!si || !r) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "the python experiment measured nothing here "
                                              "(a build without Python skips it)");
        return;
    }
    if (!claim_needs_cpus(o, l, 2) || !quiet(o, l, r, "a pure-Python thread"))
        return;
    claim_at_least(&a, l, r, s / 2, "median frame lateness beside a pure-Python thread (switch "
                                    "interval %.1f ms; at least half of it)", s);
    claim_at_most(&b, l, r, 2 * s, "... and at most twice it");
    claim_merge(o, &a, 1);
    claim_merge(o, &b, 0);
}

static void py_c_thread_harmless(const struct report_lab *l, struct claim_out *o)
{
    const struct sumrow *r = report_row(l, "python", "cpu-thread", 1, NULL, "late_median_ms");
    const struct sumrow *si = report_row(l, "python", "cpu-thread", 1, NULL, "switch_interval_ms");
    double s = si ? si->median : 5;
    if (!r) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "the python experiment measured nothing here "
                                              "(a build without Python skips it)");
        return;
    }
    if (!claim_needs_cpus(o, l, 2) || !quiet(o, l, r, "a thread hashing in C"))
        return;
    claim_at_most(o, l, r, s / 5, "median frame lateness beside a thread hashing in C, the GIL "
                                  "released (at most a fifth of the %.1f ms switch interval)", s);
}

static const struct lab_claim freeze_claims[] = {
    {"c", "Blocking I/O inside the UI loop freezes the UI: the worst frame is late by at least "
          "the I/O's delay", c_blocking_freezes},
    {"c", "The same I/O on a worker thread, waking the UI through a pipe, keeps it on time: 99% "
          "of frames are less than 5 ms late", c_thread_unfreezes},
    {"c", "A CPU-bound worker thread does not slow a C UI at all (with a CPU for each): 99% of "
          "frames are less than 5 ms late", c_cpu_harmless},
    {"python", "In Python too, blocking I/O in the loop freezes the UI and a thread fixes it: the "
               "waiting thread lets go of the GIL", py_blocking_freezes},
    {"python", "A thread running pure Python makes every frame late by about the GIL's switch "
               "interval (sys.getswitchinterval(), 5 ms)", py_gil_jitter},
    {"python", "A thread computing in C with the GIL released (hashlib) leaves the UI on time",
     py_c_thread_harmless},
    {NULL, NULL, NULL},
};

/* ---- the lab ------------------------------------------------------------------------------------ */

static const struct lab_experiment freeze_experiments[] = {
    {"c", "the UI loop in C: blocking I/O in the loop, the I/O on a thread, a CPU thread",
     c_run, c_points, 0},
    {"python", "the same in Python (freeze_ui.py), plus a pure-Python CPU thread: the GIL's "
               "switch interval", python_run, python_points, 0},
    {"demo", "for a talk: the C modes held --phase-seconds each, for parmon (bin/freeze shows "
             "them on screen)", demo_run, demo_points, 1},
    {NULL, NULL, NULL, NULL, 0},
};

static const struct lab_option freeze_options[] = {
    {"fps", "N", "frames a second", LAB_OPT_NUMBER, 60, NAN, 1, 1000},
    {"delay", "S", "the slow source answers after S seconds", LAB_OPT_NUMBER, 0.2, NAN, 0.001, 10},
    {"every", "S", "the UI wants fresh data every S seconds", LAB_OPT_NUMBER, 0.5, NAN, 0.01, 60},
    {"seconds", "S", "frames a repetition, in seconds (longer than half of --every)", LAB_OPT_NUMBER, 2,
     0.3, 0.1, 600},
    {"phase-seconds", "S", "length of each phase of the demo experiment", LAB_OPT_NUMBER, 10, 3,
     1, 3600},
    {NULL, NULL, NULL, 0, 0, 0, 0, 0},
};

static const char *const freeze_charts[] = {"freeze", NULL};

/* The UI asks for data first at half of --every, so a repetition shorter than that makes
 * no request at all: nothing to freeze, and the lesson could not be judged. */
static const char *freeze_check(const struct lab_ctx *ctx)
{
    static char msg[160];
    double seconds = lab_opt(ctx, "seconds"), every = lab_opt(ctx, "every");
    if (seconds <= every / 2) {
        snprintf(msg, sizeof(msg),
                 "--seconds %g: a repetition must last longer than half of --every (%g s), when "
                 "the UI makes its first request",
                 seconds, every / 2);
        return msg;
    }
    return NULL;
}

const struct lab lab_freeze = {
    .name = "freeze",
    .summary = "a frozen UI: blocking I/O in the UI loop, the I/O on a thread, the GIL's jitter",
    .help =
        "A UI loop redraws a spinner and a clock 60 times a second and measures how late each\n"
        "frame is; every --every seconds it needs data from a slow source (a child process\n"
        "answering after --delay). Modes: the I/O inside the loop (blocking), on a worker\n"
        "thread that wakes the loop through a pipe (io-thread), a CPU-bound thread (cpu-thread);\n"
        "in Python also a pure-Python thread (cpu-python: the GIL's switch interval).\n"
        "Per point: the median, 99th percentile and worst lateness (ms); every frame in\n"
        "freeze-frames.csv. Chart: plots/freeze.gp. On stage: bin/freeze (C, keys 1 2 3) and\n"
        "/usr/bin/python3 labs/freeze/freeze_ui.py (keys 1 2 3 4).",
    .experiments = freeze_experiments,
    .options = freeze_options,
    .claims = freeze_claims,
    .charts = freeze_charts,
    .check = freeze_check,
    .default_reps = 5,
    /* 7 modes x (3 + a warm-up) x 0.3 s: the tour's share. The claims are about
     * 200 ms against 5 ms: three repetitions tell them apart. */
    .quick_reps = 3,
};
