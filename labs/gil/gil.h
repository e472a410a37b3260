/* gil.h: the gil lab's internals that the tests check (tests/test_gil.c). */
#ifndef PARLAB_GIL_H
#define PARLAB_GIL_H

#include <stdint.h>

#include "gil_sampler.h"

/* Worker i's share of `total` units split over `workers`: as even as integers allow. */
uint64_t gil_share(uint64_t total, int workers, int i);

/* One stretch of time a thread spent in one state. */
struct gil_interval {
    int thread;
    double start, end;
    int held; /* 1 holding the GIL, 0 waiting for it */
};

/* Merge samples into intervals: consecutive samples in which thread i is in the same
 * state become one interval; sample k's state lasts from its time to the next one's.
 * A thread that is active and holds the GIL is "held"; active and not holding it,
 * "waiting"; inactive stretches are left out. Writes at most max; returns the count. */
int gil_timeline_intervals(const struct gil_sample *s, int ns, int nthreads,
                           struct gil_interval *out, int max);

/* Per thread, over the time it was active: the fraction holding the GIL, the fraction
 * waiting, the seconds active and how many times it took the GIL over from another. */
struct gil_thread_stats {
    double held, waiting, active_s;
    int acquisitions;
};
void gil_timeline_stats(const struct gil_sample *s, int ns, int nthreads,
                        struct gil_thread_stats *out);

/* Run python-cpu for one variant ("threads", "processes", "threads-nogil") with
 * `workers` workers and `total` units, `reps` timed repetitions after one warm-up, in a
 * child process, without recording results: done[rep * workers + i] (rep 0 = warm-up)
 * receives the units worker i reported; paired: before each repetition worker 0 also
 * does all `total` units alone (checked in the child). Returns 0, or -1. For the tests. */
int gil_cpu_check(const char *variant, int workers, uint64_t total, int reps, int paired,
                  uint64_t *done);

/* 1 when this build's CPython gives each subinterpreter its own GIL (3.12+). */
int gil_has_subinterpreters(void);

/* In a child process, start the lab's interpreter as every worker does and report
 * whether count() already runs CPython's specialised bytecode (PEP 659) before its
 * first timed call: 1 yes, 0 no, -1 it could not tell (no Python). For the tests. */
int gil_work_specialised(void);

#endif
