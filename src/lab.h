/* lab.h: the lab table. A lab is a folder under labs/ and one row in lab_table[]
 * (src/labs.c), as git's builtin table or stress-ng's stressor table.
 *
 * Checklist for adding a lab "foo":
 *   1. labs/foo/foo.c: the experiments, top to bottom, with comments that teach, ending
 *      in `const struct lab lab_foo = { .name = "foo", ... };`. If a dependency is
 *      missing at build time, still define it, with .unavailable saying why (run NULL).
 *   2. Declare `extern const struct lab lab_foo;` below and add `&lab_foo` to lab_table[]
 *      in src/labs.c. The Makefile finds each labs/foo/ source by itself.
 *   3. labs/foo/README.md: the lesson (question, predict, run, what you should see,
 *      why, exercise), and labs/foo/exercise/ with starter code, a self-check, and the
 *      solution kept apart.
 *   4. plots/foo*.gp: the chart(s), each starting with a "# input: foo-summary.csv"
 *      line so `make plots` and the tour draw them.
 *   5. Tests: the smoke test runs every listed lab with --quick and checks its CSVs
 *      against the contract, and that harness_plan() announced exactly the points the
 *      lab ran (PARLAB_CHECK_PLAN=1: progress, ETA and parmon depend on it); add
 *      tests/test_foo.c for invariants that do not depend on timing.
 *   6. A line in README.md's map of labs, and `make demo-foo` works (it is generic).
 */
#ifndef PARLAB_LAB_H
#define PARLAB_LAB_H

struct lab_ctx;

/* A lab's own option: `parlab run amdahl --serial 0.3`. */
struct lab_option {
    const char *name;    /* without dashes: "serial" */
    const char *metavar; /* "F" */
    const char *help;    /* one line */
};

struct lab {
    const char *name;
    const char *summary; /* one line for `parlab list` */
    const char *help;    /* the longer text for `parlab help LAB` */
    const struct lab_option *options; /* terminated by an entry with name NULL; may be NULL */
    /* Runs the experiments. Returns an exit code (EXIT_OK, EXIT_FAIL, EXIT_INTERRUPTED). */
    int (*run)(struct lab_ctx *ctx);
    /* Non-NULL when this build cannot run the lab: the reason, for people. */
    const char *unavailable;
    int default_reps;    /* repetitions per point when --reps is not given (0: 5) */
    int quick_reps;      /* with --quick (0: 3) */
};

extern const struct lab lab_amdahl;
extern const struct lab lab_gil;
extern const struct lab lab_tvp;
extern const struct lab lab_sync;
extern const struct lab lab_pool;

extern const struct lab *const lab_table[];
extern const int lab_count;

/* The lab called name, or NULL. */
const struct lab *lab_find(const char *name);

#endif
