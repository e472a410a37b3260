/* pool_lab.h: what the pool lab's lesson (pool.c) shares with its machinery: the
 * Python side in a child (pool_python.c) and the tables it prints (pool_output.c). */
#ifndef PARLAB_POOL_LAB_H
#define PARLAB_POOL_LAB_H

#include "harness.h"

/* What one run of the lab measures, from its options and workers. */
struct pool_plan {
    int ws[64], nws;           /* worker counts: the usable CPUs, or --workers */
    const double *sizes_c;     /* granularity: the coarse task sizes (us) of the C variants */
    int nsizes_c;
    const double *sizes_py;    /* ... and of the Python ones (a Python task is >= ~1 us) */
    int nsizes_py;
    int refine_c, refine_py;   /* granularity: extra sizes a variant gets around each of its
                                * crossings of 0.5 and 0.9 (see pool_refine) */
    const int *chunks;         /* chunksize: tasks a message */
    int nchunks;
    double chunk_us;           /* chunksize: the task size (--chunk-task-us) */
    int python;                /* run the py-* variants (--python 1 and Python built in) */
};

void pool_plan_get(const struct lab_ctx *ctx, struct pool_plan *p);

/* ---- pool_python.c ----------------------------------------------------------------------- */
/* Run pool_tasks.py's side of `experiment` in a child process with a fresh embedded
 * CPython (one that never ran OpenMP), reporting through the harness. Returns EXIT_OK,
 * EXIT_INTERRUPTED or EXIT_FAIL. Does nothing (EXIT_OK) when p->python is 0. */
int pool_python(struct lab_ctx *ctx, const struct pool_plan *p, const char *experiment);

/* ---- pool_output.c ----------------------------------------------------------------------- */
void pool_print_overhead(struct lab_ctx *ctx, const struct pool_plan *p);
void pool_print_granularity(struct lab_ctx *ctx, const struct pool_plan *p);
void pool_print_chunksize(struct lab_ctx *ctx, const struct pool_plan *p);
void pool_print_demo(struct lab_ctx *ctx, int workers);

/* Where efficiency first reaches `level`, interpolated on a log scale of task size
 * between the two sizes around the crossing (us ascending). Returns the size, 0 if
 * even the smallest size reached it, or -1 if no size did. NAN entries are not
 * measured. */
double pool_breakeven(const double *us, const double *eff, int n, double level);

/* The finer sweep around the crossings: given the coarse sizes (ascending) and their
 * median efficiencies, the `2 * per_level` sizes to measure next. Each crossing of 0.5
 * and 0.9 (the first coarse size at or above the level, and the one before it) gets
 * per_level sizes spaced evenly on a log scale inside its interval; when both levels
 * fall in one interval, or only one level is crossed, that interval gets them all.
 * Sizes are rounded to 3 significant digits. Returns how many were written to out (0:
 * no crossing to refine, then *why says why). The same rule as pool_tasks.py's
 * refine_sizes. */
int pool_refine(const double *us, const double *eff, int n, int per_level, double *out,
                const char **why);

#endif
