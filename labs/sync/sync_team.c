/* labs/sync/sync_team.c: a team of worker threads that start together, for the sync
 * lab's race, lock, barrier and false-sharing experiments.
 *
 * Why a team per sample: each sample creates its workers (not timed), parks them at a
 * pthread barrier until all exist, then releases them together from a spin barrier
 * (within ~0.1 us of each other, where waking sleepers would spread them over tens of
 * us). A sample lasts from the first worker's start to the last one's finish, so
 * creating threads (~60 us each) is never part of what is measured. */
#include "sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* CPU time of the calling thread. */
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
    int sense = 0;
    if (j->ctx->pin)
        topo_pin_thread(j->ctx->topo, m->id);
    pthread_barrier_wait(&j->gate);
    sync_barrier_wait(&j->go, &sense);
    j->slots[m->id].cpu = thread_cpu_s();
    j->slots[m->id].t = now_s();
    j->body(j, m->id);
    /* the finish goes in the second half of the slots */
    j->slots[j->workers + m->id].t = now_s();
    j->slots[j->workers + m->id].cpu = thread_cpu_s();
    return NULL;
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
    double cpu = 0, wall = 0;
    for (int i = 0; i < j->workers; i++) {
        cpu += j->slots[j->workers + i].cpu - j->slots[i].cpu;
        wall += j->slots[j->workers + i].t - j->slots[i].t;
    }
    return wall > 0 ? j->workers * cpu / wall : 0;
}

double team_run(struct job *j)
{
    int w = j->workers;
    pthread_t *tid = xmalloc(sizeof(pthread_t) * (size_t)w);
    struct member *m = xmalloc(sizeof(struct member) * (size_t)w);
    pthread_barrier_init(&j->gate, NULL, (unsigned)w);
    sync_barrier_init(&j->go, w);
    for (int i = 0; i < w; i++) {
        m[i] = (struct member){j, i};
        if (pthread_create(&tid[i], NULL, team_thread, &m[i]) != 0)
            die("cannot create thread %d of %d", i + 1, w);
    }
    for (int i = 0; i < w; i++)
        pthread_join(tid[i], NULL);
    pthread_barrier_destroy(&j->gate);
    free(tid);
    free(m);
    return team_elapsed(j);
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
    return j;
}

void job_free(struct job *j)
{
    if (!j)
        return;
    pthread_mutex_destroy(&j->mutex);
    pthread_spin_destroy(&j->spin);
    pthread_rwlock_destroy(&j->rwlock);
    pthread_barrier_destroy(&j->pbarrier);
    free(j->slots);
    free(j->cells);
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
