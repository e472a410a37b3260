/* lab.h: the lab table. A lab is a folder under labs/ and one row in lab_table[]
 * (src/labs.c), as git's builtin table or stress-ng's stressor table. The row declares
 * everything parlab needs to know before it runs anything: the lab's experiments (so
 * `--experiment LIST` is checked and the progress planned), its typed options (so
 * every value is checked before a line is printed or a file created) and the claims of
 * its lesson (so `parlab report` and the lab's own conclusions judge them the same way).
 *
 * Checklist for adding a lab "foo":
 *   1. labs/foo/foo.c: the lesson in code, top to bottom (the question, the work, the
 *      experiments, the verdict), ending in `const struct lab lab_foo = {...};`.
 *      Machinery goes into sibling files (labs/foo/foo_*.c), Python into .py files that
 *      also run on their own (/usr/bin/python3 labs/foo/foo_x.py; the Makefile embeds
 *      them as `py_foo_x`). If a dependency is missing at build time, still define the
 *      lab, with .unavailable saying why.
 *   2. Each experiment: a run function that announces every point it measures
 *      (harness_point / harness_series) or skips (harness_skip), and a points function
 *      that says how many that will be for the given workers and options. The smoke
 *      test checks the two agree (PARLAB_CHECK_PLAN=1), in quick and full mode.
 *   3. Measure with the harness (harness.h): harness_next_rep for the repetitions,
 *      harness_calibrate, harness_sample, harness_clock_*, harness_speedup; record with
 *      results_add; work from src/work.h.
 *   4. Claims: what the lesson says, as checks over the summary (report.h), in a
 *      labs/foo/foo_claims.c or at the end of foo.c.
 *   5. Declare `extern const struct lab lab_foo;` below and add `&lab_foo` to
 *      lab_table[] in src/labs.c. The Makefile finds labs/foo/ by itself.
 *   6. labs/foo/README.md: the lesson (question, predict, run, what you should see, why,
 *      exercise), labs/foo/exercise/ (starter, self-check, solution kept apart).
 *   7. plots/foo*.gp: the chart(s), each starting with "# input: foo-summary.csv".
 *   8. Tests: tests/test_foo.c for invariants that do not depend on timing; the smoke
 *      test runs every listed lab against the results contract by itself.
 *   9. A line in README.md's map of labs; `make demo-foo` works (it is generic).
 */
#ifndef PARLAB_LAB_H
#define PARLAB_LAB_H

struct lab_ctx;
struct report_lab;
struct claim_out;

/* One experiment: `parlab run LAB --experiment NAME[,NAME...]`. */
struct lab_experiment {
    const char *name;    /* also the `experiment` column of the results */
    const char *summary; /* one line, for `parlab help LAB` */
    /* Measure. Returns EXIT_OK, EXIT_FAIL or EXIT_INTERRUPTED. */
    int (*run)(struct lab_ctx *ctx);
    /* How many points run() will announce with these workers and options, skipped
     * points included (the progress line, parmon's "point i of n" and the ETA). */
    int (*points)(const struct lab_ctx *ctx);
    /* 1: runs only when named in --experiment, never by default: `demo`, the steady
     * phases a speaker shows on stage (each held ~10 s, announced on parmon's lab line). */
    int optional;
};

/* A lab's own option, `parlab run amdahl --serial 0.3`, checked by parlab before
 * anything runs: a value outside [lo, hi] is a usage error naming it. */
enum lab_opt_type {
    LAB_OPT_NUMBER,  /* any number in [lo, hi] */
    LAB_OPT_INTEGER, /* a whole number in [lo, hi] */
    LAB_OPT_FILE,    /* a file that exists and can be read (lab_opt_str: its name; def,
                      * quick, lo and hi unused: NAN, NAN, 0, 0) */
};

struct lab_option {
    const char *name;    /* without dashes: "serial" */
    const char *metavar; /* "F" */
    const char *help;    /* one line */
    enum lab_opt_type type;
    double def;          /* when not given; NAN: no value (the lab decides, lab_opt_given) */
    double quick;        /* when not given with --quick; NAN: def */
    double lo, hi;
};

/* A claim of the lesson, judged on the learner's own numbers (report.h). */
struct lab_claim {
    const char *experiment; /* judged only when this experiment's rows are present */
    const char *text;       /* the claim, one sentence: "Python threads do not speed up CPU work" */
    void (*judge)(const struct report_lab *lab, struct claim_out *out);
};

struct lab {
    const char *name;
    const char *summary; /* one line for `parlab list` */
    const char *help;    /* the longer text for `parlab help LAB` */
    const struct lab_experiment *experiments; /* in run order; ends with name NULL */
    const struct lab_option *options;         /* ends with name NULL; may be NULL */
    const struct lab_claim *claims;           /* ends with text NULL; may be NULL */
    const char *const *charts;                /* plots/NAME.gp it feeds; ends with NULL */
    /* Optional: checks that need more than a range (memory the machine has): return
     * NULL, or a one-line usage error naming the bad value. Runs before anything prints. */
    const char *(*check)(const struct lab_ctx *ctx);
    /* Optional: before the first experiment (a calibration the experiments share). */
    int (*prepare)(struct lab_ctx *ctx);
    /* Non-NULL when this build cannot run the lab: the reason, for people. */
    const char *unavailable;
    int default_reps; /* repetitions per point when --reps is not given (0: 5) */
    int quick_reps;   /* with --quick (0: 5) */
    /* The tour (`parlab tour`, every lab with --quick in about a minute and a half):
     * tour_experiments, when set, is the --experiment list it runs (the report says
     * "not in these results" for the claims of the others); tour_all_only keeps a lab
     * that starts services of its own (a broker, MPI daemons, a cluster) to
     * `parlab tour --all`. */
    const char *tour_experiments;
    int tour_all_only;
};

extern const struct lab lab_amdahl;
extern const struct lab lab_gil;
extern const struct lab lab_tvp;
extern const struct lab lab_sync;
extern const struct lab lab_pool;
extern const struct lab lab_freeze;
extern const struct lab lab_xml;
extern const struct lab lab_sklearn;
extern const struct lab lab_stream;
extern const struct lab lab_cluster;

extern const struct lab *const lab_table[];
extern const int lab_count;

/* The lab called name, or NULL. */
const struct lab *lab_find(const char *name);
/* Index of the experiment called name in lab->experiments, or -1. */
int lab_experiment_index(const struct lab *lab, const char *name);
/* How many experiments / options the lab declares. */
int lab_nexperiments(const struct lab *lab);
int lab_noptions(const struct lab *lab);

#endif
