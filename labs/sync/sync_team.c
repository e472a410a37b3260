/* labs/sync/sync_team.c: a team of worker threads that start together, for the sync
 * lab's race, lock, barrier and false-sharing experiments.
 *
 * One team per point, kept for all its samples. The workers are created at the point's
 * first sample and wait between samples at a spin barrier; the main thread releases
 * them together (within ~0.1 us of each other, where waking sleepers would spread them
 * over tens of us), then sleeps until the last one is done, leaving its CPU to them. A
 * sample lasts from the first worker's start to the last one's finish, so creating
 * threads (~60 us each) is never part of what is measured.
 *
 * Worker i is pinned to usable CPU i (round robin when there are more workers than
 * CPUs), always, not only with --pin. Contention needs two workers running at the same
 * moment, and the scheduler does not promise that: a new thread often starts on the CPU
 * of one already running and is moved a few ms later, after a 1 ms sample is over; and
 * two spinning threads that do share a CPU look "cache hot" to it, so it may leave them
 * there for hundreds of ms (seen on a 2-vCPU VM: 10 race samples in a row on one CPU).
 * Two workers that run one after the other on one CPU contend with nothing. The lab
 * records the CPUs each sample really got (team_cpu_cores), so a CPU that another
 * program holds still shows. */
#include "sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* CPU time of the calling thread. Reading it also brings the process's CPU clock up
 * to date with this thread's time (otherwise it would see it only at the next tick). */
static double thread_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct member {
    struct job *job;
    int id;
};

static void *team_thread(void *p)
{
    struct member *m = p;
    struct job *j = m->job;
    int sense = 0, w = j->workers;
    topo_pin_thread(j->ctx->topo, m->id); /* always: see the top of this file */
    for (;;) {
        sync_barrier_wait(&j->start, &sense); /* the main thread releases us */
        if (atomic_load(&j->quit))
            return NULL;
        j->slots[m->id].cpu = thread_cpu_s();
        j->slots[m->id].t = now_s();
        j->body(j, m->id);
        /* the finish goes in the second half of the slots */
        j->slots[w + m->id].t = now_s();
        j->slots[w + m->id].cpu = thread_cpu_s();
        if (atomic_fetch_add(&j->done, 1) + 1 == w)
            sync_futex_wake(&j->done, 1); /* the last one wakes the main thread */
    }
}

/* Create the workers; they wait at the start barrier. */
static void team_start(struct job *j)
{
    int w = j->workers;
    j->tid = xmalloc(sizeof(pthread_t) * (size_t)w);
    j->members = xmalloc(sizeof(struct member) * (size_t)w);
    sync_barrier_init(&j->start, w + 1);
    atomic_init(&j->quit, 0);
    for (int i = 0; i < w; i++) {
        ((struct member *)j->members)[i] = (struct member){j, i};
        if (pthread_create(&j->tid[i], NULL, team_thread, &((struct member *)j->members)[i]) != 0)
            die("cannot create thread %d of %d", i + 1, w);
    }
}

static void team_stop(struct job *j)
{
    if (!j->tid)
        return;
    atomic_store(&j->quit, 1);
    sync_barrier_wait(&j->start, &j->main_sense);
    for (int i = 0; i < j->workers; i++)
        pthread_join(j->tid[i], NULL);
    free(j->tid);
    free(j->members);
    j->tid = NULL;
}

double team_run(struct job *j)
{
    int d;
    if (!j->tid)
        team_start(j);
    atomic_store(&j->done, 0);
    sync_barrier_wait(&j->start, &j->main_sense); /* go */
    while ((d = atomic_load(&j->done)) != j->workers)
        sync_futex_wait(&j->done, d); /* asleep: this CPU is the workers' */
    return team_elapsed(j);
}

double team_elapsed(const struct job *j)
{
    double t0 = j->slots[0].t, t1 = j->slots[j->workers].t;
    for (int i = 1; i < j->workers; i++) {
        t0 = j->slots[i].t < t0 ? j->slots[i].t : t0;
        t1 = j->slots[j->workers + i].t > t1 ? j->slots[j->workers + i].t : t1;
    }
    return t1 - t0;
}

double team_cpu_cores(const struct job *j)
{
    double cpu = 0, wall = team_elapsed(j);
    for (int i = 0; i < j->workers; i++)
        cpu += j->slots[j->workers + i].cpu - j->slots[i].cpu;
    return wall > 0 ? cpu / wall : 0;
}

struct job *job_new(const struct lab_ctx *ctx, int workers, body_fn body, int kind)
{
    struct job *j = xcalloc(1, sizeof(*j));
    j->ctx = ctx;
    j->workers = workers;
    j->body = body;
    j->run = team_run;
    j->kind = kind;
    j->test = (struct job_side){j, 0};
    j->ref = (struct job_side){j, 1};
    j->slots = aligned_alloc(64, sizeof(struct slot) * 2 * (size_t)workers);
    if (!j->slots)
        die("out of memory");
    pthread_mutex_init(&j->mutex, NULL);
    pthread_spin_init(&j->spin, PTHREAD_PROCESS_PRIVATE);
    pthread_rwlock_init(&j->rwlock, NULL);
    sync_tas_init(&j->tas);
    sync_ttas_init(&j->ttas);
    sync_ticket_init(&j->ticket);
    pthread_barrier_init(&j->pbarrier, NULL, (unsigned)workers);
    sync_barrier_init(&j->sbarrier, workers);
    atomic_init(&j->acounter, 0);
    atomic_init(&j->done, 0);
    return j;
}

void job_free(struct job *j)
{
    if (!j)
        return;
    team_stop(j);
    pthread_mutex_destroy(&j->mutex);
    pthread_spin_destroy(&j->spin);
    pthread_rwlock_destroy(&j->rwlock);
    pthread_barrier_destroy(&j->pbarrier);
    free(j->slots);
    free(j->cells);
    free(j->omp_tid);
    free(j);
}

/* One sample of iters units a worker, test or reference: what the harness times. */
static double job_sample(void *arg, uint64_t iters)
{
    struct job_side *s = arg;
    struct job *j = s->job;
    j->iters = iters;
    j->reference = s->reference;
    j->counter = 0;
    atomic_store(&j->acounter, 0);
    /* A fresh spin barrier: each worker starts its sense at 0, so after an odd number of
     * rounds the old barrier's sense would let the first round through unsynchronised. */
    sync_barrier_init(&j->sbarrier, j->workers);
    return j->run(j);
}

struct harness_work job_work(struct job *j, int reference)
{
    return (struct harness_work){.timed = job_sample, .arg = reference ? &j->ref : &j->test};
}
