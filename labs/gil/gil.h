/* gil.h: what the gil lab's files share, and what its tests check (tests/test_gil.c).
 *
 *   gil.c          the lesson: the question, the work, the experiments, the claims
 *   gil_python.c   the embedded interpreter: start it with the lab's .py files, call them
 *   gil_cpu.c      python-cpu's workers: N threads in one interpreter, N threads each in
 *                  its own subinterpreter, or N processes each with its own interpreter
 *   gil_timeline.c who holds the GIL over time: samples into intervals and fractions
 *   gil_sampler.c  the sampler itself: a C thread reading CPython's GIL state
 *   gil_work.py, gil_convoy.py, gil_libraries.py   the Python, each runnable alone */
#ifndef PARLAB_GIL_H
#define PARLAB_GIL_H

#include <stdatomic.h>
#include <stdint.h>

#include "gil_sampler.h"
#include "harness.h"

/* ---- the embedded interpreter (gil_python.c) ------------------------------------------------ */

/* Start CPython in this process with the lab's modules gil_work, gil_convoy and
 * gil_libraries loaded (their import-time warm-up included). 0, or -1 (said why). */
int gil_python_start(void);
void gil_python_stop(void);
/* 1 when this build's CPython gives each subinterpreter its own GIL (3.12+). */
int gil_has_subinterpreters(void);
/* One line on what this CPython offers beyond 3.11's one GIL a process. */
const char *gil_python_beyond(void);

/* How many units of each kind of work one thread does in a second here (calibrated with
 * harness_rate in a child process with its own interpreter). */
enum gil_rate { RATE_COUNT, RATE_SPIN, RATE_HASHLIB, RATE_ZLIB, NRATES };
int gil_python_rates(struct lab_ctx *ctx, double min_seconds, double rate[NRATES]);

/* libraries: gil_libraries.run(gil_work.WORK, threads, total) with the GIL released
 * meanwhile by this thread; done[i] gets the units thread i did. 0, or -1. */
int gil_libraries_run(const char *work, int threads, uint64_t total, uint64_t *done);
/* convoy: one point, measured by gil_convoy.measure() (it drives its repetitions through
 * _parlab) with an echo thread in C at the far end of a socket pair, answering after
 * echo_s seconds; cores_wanted is the point's (struct point). The I/O thread (the
 * caller) and the echo thread run on the first usable CPU, the spinners on the others,
 * which a thread at the lowest priority keeps awake meanwhile (an idle CPU slows the
 * I/O thread on a VM: gil_python.c, struct keeper). 0, or -1. */
int gil_convoy_point(const char *variant, int switch_us, int cpu_workers, double seconds,
                     double cores_wanted, double echo_s, const struct topo *topo);
/* convoy's placement series (announced by the caller): no CPU work, the I/O thread on
 * the first usable CPU and its echo (answering at once) on the same CPU (pts[0]), on the
 * second (pts[1]), or on the second kept awake by a SCHED_IDLE spinner (pts[2]);
 * measured in slices by gil_convoy.placement(). Needs 2 CPUs in the affinity mask. 0,
 * or -1. */
int gil_convoy_placement(const struct point *pts, double seconds, int slices,
                         const struct topo *topo);

/* ---- python-cpu's workers (gil_cpu.c) --------------------------------------------------------
 * A team holds the most workers a series needs, started before any timed run; each run
 * asks the first w of them to do their share, and the others wait, so the one-worker run
 * uses exactly the machinery of the N-worker runs. Variants: "threads" (count() in N
 * threads of one interpreter), "threads-nogil" (spin(), the loop in C with the GIL
 * released), "subinterpreters" (count() in N threads, each in an interpreter of its own
 * with its own GIL: CPython 3.12+), "processes" (count() in N processes, each with its own
 * interpreter). Threads variants start the interpreter in this process (gil_python_start);
 * processes need a process that has none. */
struct gil_team;

struct gil_team *gil_team_start(const char *variant, int workers, const struct topo *topo,
                                int pin);
/* Run the first w workers on `total` units (worker i: share(total, w, i)); done[i] gets
 * what worker i reported (0 for the idle ones). *extra_cpu: CPU seconds the worker
 * processes spent (0 for threads: they are this process's). 0, or -1 (said why). */
int gil_team_run(struct gil_team *t, int w, uint64_t total, uint64_t *done, double *extra_cpu);
/* For the GIL sampler (threads only): each worker's PyThreadState and whether it is
 * running its work now. */
void *const *gil_team_tstates(const struct gil_team *t);
const atomic_int *gil_team_active(const struct gil_team *t);
void gil_team_stop(struct gil_team *t);

/* The check every run passes: worker i < w did share(total, w, i), the rest nothing.
 * NULL, or what is wrong (a static buffer). */
const char *gil_check_shares(const uint64_t *done, int workers, int w, uint64_t total);

/* For the tests: in a child process, hold `workers` workers of variant and run each
 * count w = 1..workers `runs` times on `total` units; done[(w - 1) * workers + i] gets
 * what worker i did in the last run with w. 0, or -1. */
int gil_team_check(const char *variant, int workers, uint64_t total, int runs, uint64_t *done);
/* For the tests: in a child process, load gil_work as every worker does and report
 * whether count() already runs CPython's specialised bytecode (PEP 659) before its first
 * timed call: 1 yes, 0 no, -1 it could not tell (no Python). */
int gil_work_specialised(void);

/* ---- slices (gil.c): how python-cpu and libraries pair their points -------------------------
 * A repetition cuts its work into `slices` slices of `units` each and runs every slice at
 * every worker count, in ABBA order; a point's seconds are the sum of its slices. */
enum { GIL_MAX_SLICES = 64 };
struct gil_slicing {
    int slices;     /* in a timed repetition (the warm-up runs one slice) */
    uint64_t units; /* a slice's units of work, the same at every worker count */
};
/* Slices of about 25 ms of one worker's time for `total` units that one worker does in
 * one_s seconds, split over the worker counts of pts (ascending): at most GIL_MAX_SLICES,
 * at least 4 units a worker when total allows, a multiple of every worker count when
 * that leaves at least half a slice, and never fewer units than workers. */
struct gil_slicing gil_slicing_for(uint64_t total, double one_s, const struct point *pts, int n);

/* ---- the timeline (gil_timeline.c) ------------------------------------------------------------ */

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

/* Record one sampled repetition of pt (workers threads): per thread (param thread=i)
 * held_fraction, waiting_fraction, acquisitions_per_s; for all (param thread=all)
 * gil_busy_fraction, switches_per_s (CPython's own count) and samples; in repetition 1
 * also the intervals, into the table "timeline" (gil-timeline.csv). */
void gil_timeline_record(struct lab_ctx *ctx, const struct point *pt, int rep,
                         const struct gil_sample *s, int ns, unsigned long switches);

#endif
