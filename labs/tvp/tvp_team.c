/* labs/tvp/tvp_team.c: a team of workers, threads or processes, started before the
 * clock and kept between jobs, as a thread pool or a pre-fork server keeps its workers.
 *
 * Why a team: the scaling experiments ask how the same work speeds up on T threads or T
 * processes once they are running. Starting them is a cost of its own, and the create
 * experiment measures it; inside the clock it would blur the scaling with fork's
 * page-table copies. So the workers are started once, park in futex() (using no CPU),
 * and each job wakes only the T it needs.
 *
 * How a job runs. The team's control block is memory mapped MAP_SHARED, so the same code
 * serves threads and forked processes. Each worker has its own word `gen` on its own
 * cache line: the parent writes the job, then bumps the gen of the T workers it wants and
 * wakes each of them; a worker that sees its gen move does its share and counts itself
 * in `finished`; the last one wakes the parent. The work is cut into pieces that the
 * workers take from a shared counter, so all of them finish together. Every worker times
 * its own part on its own CPU clock (CLOCK_THREAD_CPUTIME_ID), so the CPU a job got is exact for threads and
 * processes alike. A timed job (seconds > 0) runs until the parent raises `stop`. */
#include "tvp.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "work.h"

struct team_slot {
    _Alignas(64) _Atomic uint32_t gen; /* bumped by the parent: a job for this worker */
    double cpu_s;                      /* this worker's CPU seconds in the last job */
    uint64_t done;                     /* units or waits it did in the last job */
};

struct team_shared {
    _Alignas(64) _Atomic uint32_t finished; /* workers done with the current job */
    _Atomic uint32_t stop;                  /* a timed job: time is up */
    _Atomic uint32_t quit;                  /* the team is over: return */
    int active;                             /* T: workers 0..T-1 take part */
    struct tvp_job job;
    _Alignas(64) _Atomic uint64_t next;     /* the next piece of the job to take */
    struct team_slot slot[];
};

struct tvp_team {
    struct team_shared *sh;
    size_t bytes;
    int n, procs, pin;
    const struct topo *topo;
    pthread_t *tid;
    pid_t *pid;
    int started; /* workers running */
    int broken;  /* a worker died: no more jobs */
};

struct worker_arg {
    struct tvp_team *tm;
    int id;
};

/* No FUTEX_PRIVATE_FLAG: the words live in memory shared between processes. */
static void fwait(_Atomic uint32_t *w, uint32_t val, const struct timespec *timeout)
{
    syscall(SYS_futex, (uint32_t *)w, FUTEX_WAIT, val, timeout, NULL, 0);
}

static void fwake(_Atomic uint32_t *w, int n)
{
    syscall(SYS_futex, (uint32_t *)w, FUTEX_WAKE, n, NULL, NULL, 0);
}

static double thread_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One piece of work: n LCG steps, or n blocking waits. */
static uint64_t piece(const struct tvp_job *j, uint64_t n, uint64_t x)
{
    if (!j->io)
        return burn(n, x);
    for (uint64_t i = 0; i < n; i++) {
        struct timespec left = {j->wait_us / 1000000, (j->wait_us % 1000000) * 1000};
        while (nanosleep(&left, &left) < 0 && errno == EINTR)
            ;
    }
    return x;
}

/* Worker id's part of a job. A job with an amount is cut into pieces of `chunk` units
 * (the last one smaller), and each worker takes the next piece from a shared counter
 * until none is left, as OpenMP's schedule(dynamic) does: a worker on a slower CPU (a
 * VM's vCPUs rarely run at one speed) takes fewer pieces instead of making the others
 * wait for it. A timed job takes pieces until the parent says stop. */
static uint64_t do_job(struct team_shared *sh, const struct tvp_job *j, int id)
{
    uint64_t done = 0, x = (uint64_t)id + 1, chunk = j->chunk ? j->chunk : 1;
    if (j->seconds > 0) {
        while (!atomic_load_explicit(&sh->stop, memory_order_relaxed)) {
            x = piece(j, chunk, x);
            done += chunk;
        }
    } else {
        uint64_t k;
        while ((k = atomic_fetch_add_explicit(&sh->next, 1, memory_order_relaxed)) * chunk < j->amount) {
            uint64_t n = j->amount - k * chunk < chunk ? j->amount - k * chunk : chunk;
            x = piece(j, n, x);
            done += n;
        }
    }
    keep(x);
    return done;
}

/* A worker's life: park until its gen moves, do its part, count itself, park again. */
static void worker_loop(struct tvp_team *tm, int id)
{
    struct team_shared *sh = tm->sh;
    struct team_slot *me = &sh->slot[id];
    uint32_t seen = 0; /* not a load: a job may come before this worker first runs */
    if (tm->pin == TVP_PIN_ONE || tm->pin == TVP_PIN_SPREAD)
        topo_pin_thread(tm->topo, tm->pin == TVP_PIN_ONE ? 0 : id);
    for (;;) {
        uint32_t g;
        struct tvp_job job;
        int active;
        double c0;
        while ((g = atomic_load_explicit(&me->gen, memory_order_acquire)) == seen)
            fwait(&me->gen, seen, NULL);
        seen = g;
        if (atomic_load(&sh->quit))
            return;
        job = sh->job; /* written before gen moved (release / acquire) */
        active = sh->active;
        c0 = thread_cpu_s();
        me->done = do_job(sh, &job, id);
        me->cpu_s = thread_cpu_s() - c0;
        if (atomic_fetch_add(&sh->finished, 1) + 1 == (uint32_t)active)
            fwake(&sh->finished, 1);
    }
}

static void *worker_thread(void *p)
{
    struct worker_arg *a = p;
    worker_loop(a->tm, a->id);
    free(a);
    return NULL;
}

/* A worker process that exited (even if not yet reaped) will never finish its job.
 * WNOWAIT leaves the reaping to tvp_team_stop. */
static int died(pid_t pid)
{
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid;
}

struct tvp_team *tvp_team_start(int n, int procs, enum tvp_pin pin, const struct topo *topo)
{
    struct tvp_team *tm = xcalloc(1, sizeof(*tm));
    sigset_t all, old;
    tm->n = n, tm->procs = procs, tm->pin = pin, tm->topo = topo;
    tm->bytes = sizeof(struct team_shared) + sizeof(struct team_slot) * (size_t)n;
    tm->sh = mmap(NULL, tm->bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (tm->sh == MAP_FAILED)
        die("cannot map a team of %d workers: %s", n, strerror(errno));
    /* The mapping is zeroed: every gen 0, nothing finished, no stop, no quit. */
    if (procs) {
        tm->pid = xcalloc((size_t)n, sizeof(pid_t));
        for (; tm->started < n; tm->started++) {
            pid_t p = harness_fork();
            if (p < 0)
                die("cannot fork worker %d of %d: %s", tm->started + 1, n, strerror(errno));
            if (p == 0) {
                worker_loop(tm, tm->started);
                _exit(0);
            }
            tm->pid[tm->started] = p;
        }
    } else {
        /* The team's threads take no signals: Ctrl-C reaches the lab's own thread, which
         * may be sleeping through a timed job and must wake to stop it. */
        tm->tid = xcalloc((size_t)n, sizeof(pthread_t));
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, &old);
        for (; tm->started < n; tm->started++) {
            struct worker_arg *a = xmalloc(sizeof(*a));
            *a = (struct worker_arg){tm, tm->started};
            if (pthread_create(&tm->tid[tm->started], NULL, worker_thread, a) != 0)
                die("cannot create thread %d of %d", tm->started + 1, n);
        }
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    return tm;
}

/* Sleep until t_end or Ctrl-C. */
static void sleep_until(double t_end)
{
    double left;
    while (!harness_interrupted() && (left = t_end - now_s()) > 0) {
        struct timespec ts = {(time_t)left, (long)((left - (double)(time_t)left) * 1e9)};
        nanosleep(&ts, NULL); /* a signal ends it early: the loop looks again */
    }
}

int tvp_team_run(struct tvp_team *tm, int active, const struct tvp_job *job, struct tvp_result *r)
{
    struct team_shared *sh = tm->sh;
    struct timespec tick = {0, 100 * 1000 * 1000};
    uint32_t f;
    double t0;

    memset(r, 0, sizeof(*r));
    if (tm->broken || active < 1 || active > tm->n)
        return -1;
    sh->job = *job;
    sh->active = active;
    atomic_store(&sh->finished, 0);
    atomic_store(&sh->stop, 0);
    atomic_store(&sh->next, 0);
    t0 = now_s();
    for (int i = 0; i < active; i++) {
        atomic_fetch_add_explicit(&sh->slot[i].gen, 1, memory_order_release);
        fwake(&sh->slot[i].gen, 1);
    }
    if (job->seconds > 0) {
        sleep_until(t0 + job->seconds);
        atomic_store(&sh->stop, 1);
    }
    /* The parent sleeps too (it would only take a CPU from the workers); it looks up
     * every 100 ms to notice a worker process that died mid-job. */
    while ((f = atomic_load(&sh->finished)) < (uint32_t)active) {
        fwait(&sh->finished, f, &tick);
        for (int i = 0; tm->procs && i < active && atomic_load(&sh->finished) < (uint32_t)active; i++)
            if (died(tm->pid[i])) {
                tm->broken = 1;
                return -1;
            }
    }
    r->wall = now_s() - t0;
    for (int i = 0; i < active; i++)
        r->cpu += sh->slot[i].cpu_s, r->done += sh->slot[i].done;
    return 0;
}

int tvp_team_stop(struct tvp_team *tm)
{
    int rc;
    if (!tm)
        return 0;
    rc = tm->broken ? -1 : 0;
    atomic_store(&tm->sh->quit, 1);
    for (int i = 0; i < tm->started; i++) {
        atomic_fetch_add(&tm->sh->slot[i].gen, 1);
        fwake(&tm->sh->slot[i].gen, 1);
    }
    for (int i = 0; i < tm->started; i++) {
        if (tm->procs) {
            int st = 0;
            if (harness_wait(tm->pid[i], &st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
                rc = -1;
        } else {
            pthread_join(tm->tid[i], NULL);
        }
    }
    munmap(tm->sh, tm->bytes);
    free(tm->tid), free(tm->pid), free(tm);
    return rc;
}

pid_t tvp_team_pid(const struct tvp_team *tm, int i)
{
    return tm->procs && i >= 0 && i < tm->started ? tm->pid[i] : 0;
}
