/* labs/sync/sync.h: what the sync lab's files share.
 *   sync.c       the lesson: the work, the race, lock, barrier and false-sharing
 *                experiments, the claims, the lab table
 *   sync_team.c  a team of worker threads started together and timed (machinery)
 *   sync_c2c.c   the two latency experiments, handoff and c2c
 *   prims.c/h    the hand-made primitives (tas, ttas, ticket, spin barrier, futex) */
#ifndef PARLAB_SYNC_H
#define PARLAB_SYNC_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "harness.h"
#include "prims.h"

/* ---- a team of workers, released together (sync_team.c) ------------------------------- */

struct job;
/* What worker id does in one sample: j->iters units of the construct measured, or of
 * the reference loop when j->reference is set. */
typedef void (*body_fn)(struct job *j, int id);

/* Per worker: its start and finish, each in a cache line of its own (see false sharing). */
struct slot {
    double t;   /* start (first half of the slots) or finish (second half), seconds */
    double cpu; /* the worker thread's own CPU time at that moment */
    uint64_t n; /* what the worker counted (checked after a sample) */
    char pad[64 - 2 * sizeof(double) - sizeof(uint64_t)];
};

/* The test or the reference side of a job, as the harness's `struct harness_work` arg. */
struct job_side {
    struct job *job;
    int reference;
};

/* Everything one point needs. The shared objects the workers fight over live here. */
struct job {
    const struct lab_ctx *ctx;
    int workers;
    uint64_t iters;          /* per worker, this sample */
    int kind;                /* which variant (an index into the experiment's names) */
    int reference;           /* run the reference loop: the same loop without the construct */
    body_fn body;            /* for team_run */
    double (*run)(struct job *j); /* team_run, or the OpenMP team (sync.c) */
    struct job_side test, ref;
    /* the team (sync_team.c): created at the first sample, kept until job_free */
    pthread_t *tid;
    void *members;
    struct sync_barrier start; /* workers + the main thread: released together */
    int main_sense;            /* the main thread's sense at the start barrier */
    atomic_int done;           /* workers finished this sample (a futex word) */
    atomic_int quit;
    pthread_t *omp_tid;        /* the OpenMP team's threads (sync.c), or NULL */
    struct slot *slots;        /* 2 per worker: start, finish */
    /* the shared objects */
    pthread_mutex_t mutex;
    pthread_spinlock_t spin;
    pthread_rwlock_t rwlock;
    struct sync_tas tas;
    struct sync_ttas ttas;
    struct sync_ticket ticket;
    pthread_barrier_t pbarrier;
    struct sync_barrier sbarrier;
    uint64_t counter;          /* protected by whichever lock is measured */
    _Atomic uint64_t acounter; /* changed only atomically */
    _Atomic uint64_t *cells;   /* false-sharing counters */
    size_t stride;             /* cells between two workers' counters */
    double deadline;           /* demo: the workers stop at this now_s() */
};

struct job *job_new(const struct lab_ctx *ctx, int workers, body_fn body, int kind);
void job_free(struct job *j);
/* One sample with POSIX threads: release the team's workers together (creating them at
 * the first sample), wait for the last. Returns the seconds from the first worker's
 * start to the last one's finish. */
double team_run(struct job *j);
/* Seconds from the first start to the last finish recorded in j->slots. */
double team_elapsed(const struct job *j);
/* The CPUs' worth the workers got during the last sample: their CPU time over the
 * sample (w when every worker had a CPU of its own all along). Less when workers slept,
 * waited for a CPU, or ran one after the other on one CPU: a scheduler may put two
 * workers on one CPU, and then nothing contends. Thread CPU clocks are exact; the
 * process-wide one sees a thread still running on another CPU only at its next tick. */
double team_cpu_cores(const struct job *j);
/* The job as harness work: the test loop, or the reference loop (EPCC). Each sample
 * zeroes the shared counters first, so a check can compare them with the work done. */
struct harness_work job_work(struct job *j, int reference);

/* ---- the lab's worker counts and options (sync.c) ----------------------------------------- */

/* --sample-ms in seconds: the shortest timed sample (EPCC: inner repetitions doubled
 * until one lasts this long). */
double sync_sample_s(const struct lab_ctx *ctx);
/* Print a ratio with its interval and coverage (results_ratio): "   same-line is 3.8x the
 * padded cost [3.5, 4.1] (94% interval, paired by repetition)". paired: the two points
 * were measured rep by rep side by side. */
void sync_print_ratio(struct lab_ctx *ctx, const char *num_name, const struct point *num,
                      const char *den_name, const struct point *den, const char *metric,
                      int paired);

/* ---- handoff and c2c (sync_c2c.c) --------------------------------------------------------- */

int sync_handoff(struct lab_ctx *ctx);
int sync_handoff_points(const struct lab_ctx *ctx);
int sync_c2c(struct lab_ctx *ctx);
int sync_c2c_points(const struct lab_ctx *ctx);
/* The pairs c2c measures: CPUs (indexes into topo->cpus) 0, step, 2 step, ... so that at
 * most --pairs pairs are measured. Returns how many CPUs that is; *step gets the step. */
int sync_c2c_cpus(const struct lab_ctx *ctx, int *step);

#endif
