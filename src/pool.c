/* pool.c: the thread pool and the process pool described in pool.h. */
#include "pool.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "util.h"
#include "work.h"

/* How long an idle thread polls before it goes to sleep: long enough to bridge the gap
 * between two batches of a loop (a few tens of microseconds), short enough not to
 * steal a core for long from threads that have work. */
#define POOL_SPIN 4000

/* The longest chunk a thread takes at once. */
#define POOL_CHUNK 256

/* ==== thread pool =================================================================== */

/* One queue slot, 32 bytes so that two fill a cache line and none straddles two.
 * `seq` says whose turn the slot is (Vyukov's bounded queue): it equals the position
 * when the slot is free for the producer of that position, position + 1 once that
 * producer has published its task there, and position + capacity once a consumer has
 * copied the task out (free for the producer one lap later). */
struct slot {
    _Alignas(32) _Atomic size_t seq;
    pool_fn fn;
    void *arg;
};

/* Fields that different threads write live on different cache lines: a write by the
 * submitter must not evict the line the workers poll (see the sync lab). In particular
 * no counter is written by both sides per task: the submitter writes `tail` and the
 * slots, the workers `head`, the slots' `seq` and `completed`. A worker that polls for
 * work reads the next slot, never `tail`, so a stream of single submits does not make
 * the submitter fetch `tail` back from another core every time. */
struct pool {
    struct slot *ring;
    size_t mask;
    int nthreads;     /* set before any thread starts, then read-only */
    int nstarted;     /* threads to join */
    pthread_t *threads;

    _Alignas(64) _Atomic size_t tail; /* producers: the next position to claim (CAS) */
    _Alignas(64) _Atomic size_t head; /* consumers: the next position to take (CAS) */
    _Alignas(64) _Atomic uint64_t completed;

    /* sleeping: workers on work_cv when the queue is empty, waiters on done_cv */
    _Alignas(64) pthread_mutex_t sleep_lock;
    pthread_cond_t work_cv, done_cv;
    _Atomic int sleepers, waiters;
    _Atomic int stop;

    /* each worker thread first calls on_start(its index, on_start_arg), if set */
    void (*on_start)(int index, void *arg);
    void *on_start_arg;
    _Atomic int next_index;
};

/* The slot of position pos has a published task. */
static int published(struct pool *p, size_t pos, memory_order mo)
{
    return atomic_load_explicit(&p->ring[pos & p->mask].seq, mo) == pos + 1;
}

/* Take a chunk of queued tasks and run them. Returns how many ran (0: queue empty).
 * The chunk is a share of what is queued, so that with a long queue each claim is
 * worth one atomic operation over many tasks, and near the end chunks shrink to one
 * task and the work stays balanced (OpenMP's "guided" schedule). */
static size_t run_some(struct pool *p)
{
    size_t h = atomic_load_explicit(&p->head, memory_order_relaxed), k;
    size_t share = 2 * (size_t)(p->nthreads + 1);
    for (;;) {
        size_t ready = 0;
        /* the published tasks from h on, in order (a consumer takes only those) */
        while (ready < POOL_CHUNK && published(p, h + ready, memory_order_acquire))
            ready++;
        if (ready == 0)
            return 0;
        if (ready == POOL_CHUNK) {
            /* a long queue: its length from the producers' tail, read once a chunk */
            size_t t = atomic_load_explicit(&p->tail, memory_order_relaxed);
            k = t > h ? (t - h) / share : 1;
        } else {
            k = ready / share;
        }
        k = k < 1 ? 1 : k > ready ? ready : k;
        if (atomic_compare_exchange_weak_explicit(&p->head, &h, h + k, memory_order_acquire,
                                                  memory_order_relaxed))
            break;
    }
    /* Copy the whole chunk out and free its slots before running any of it: a task
     * that submits into a full ring must never wait for slots its own thread holds. */
    {
        struct {
            pool_fn fn;
            void *arg;
        } mine[POOL_CHUNK];
        for (size_t i = 0; i < k; i++) {
            struct slot *s = &p->ring[(h + i) & p->mask];
            mine[i].fn = s->fn;
            mine[i].arg = s->arg;
            atomic_store_explicit(&s->seq, h + i + p->mask + 1, memory_order_release);
        }
        for (size_t i = 0; i < k; i++)
            mine[i].fn(mine[i].arg);
    }
    atomic_fetch_add_explicit(&p->completed, k, memory_order_release);
    /* Someone in pool_wait may be asleep: wake it when the last task is done. */
    if (atomic_load(&p->waiters) > 0) {
        uint64_t c = atomic_load(&p->completed);
        if (c == atomic_load(&p->tail)) {
            pthread_mutex_lock(&p->sleep_lock);
            pthread_cond_broadcast(&p->done_cv);
            pthread_mutex_unlock(&p->sleep_lock);
        }
    }
    return k;
}

/* No task is published at the head of the queue. Sequentially consistent: the other
 * half of the handshake in wake() (see pool_worker). */
static int queue_empty(struct pool *p)
{
    return !published(p, atomic_load(&p->head), memory_order_seq_cst);
}

/* Every task claimed so far has run: completed is read before tail, and both only
 * grow, so equal values mean that at the moment completed was read, all had run. */
static int all_done(struct pool *p)
{
    uint64_t c = atomic_load_explicit(&p->completed, memory_order_acquire);
    return c == atomic_load(&p->tail);
}

static void *pool_worker(void *arg)
{
    struct pool *p = arg;
    if (p->on_start)
        p->on_start(atomic_fetch_add(&p->next_index, 1), p->on_start_arg);
    while (!atomic_load_explicit(&p->stop, memory_order_relaxed)) {
        if (run_some(p))
            continue;
        /* Nothing queued: poll a little, since the next batch often comes soon. */
        int spin = 0;
        while (spin < POOL_SPIN && queue_empty(p) && !atomic_load_explicit(&p->stop, memory_order_relaxed)) {
            cpu_relax();
            spin++;
        }
        if (spin < POOL_SPIN)
            continue;
        /* Then sleep. sleepers is raised before the last look at the queue, and a
         * submitter publishes before it reads sleepers (all four sequentially
         * consistent), so either we see the task or the submitter sees us and
         * signals: no task waits for a sleeping pool. */
        pthread_mutex_lock(&p->sleep_lock);
        atomic_fetch_add(&p->sleepers, 1);
        while (queue_empty(p) && !atomic_load(&p->stop))
            pthread_cond_wait(&p->work_cv, &p->sleep_lock);
        atomic_fetch_sub(&p->sleepers, 1);
        pthread_mutex_unlock(&p->sleep_lock);
    }
    return NULL;
}

struct pool *pool_create(int nthreads, size_t capacity)
{
    return pool_create_with(nthreads, capacity, NULL, NULL);
}

struct pool *pool_create_with(int nthreads, size_t capacity, void (*on_start)(int index, void *arg),
                              void *arg)
{
    struct pool *p;
    size_t cap = 1;
    if (nthreads < 0) {
        errno = EINVAL;
        return NULL;
    }
    if (capacity == 0)
        capacity = 4096;
    while (cap < capacity)
        cap <<= 1;
    if (posix_memalign((void **)&p, 64, sizeof(*p)) != 0)
        die("out of memory");
    memset(p, 0, sizeof(*p));
    if (posix_memalign((void **)&p->ring, 64, cap * sizeof(struct slot)) != 0)
        die("out of memory");
    memset(p->ring, 0, cap * sizeof(struct slot));
    for (size_t i = 0; i < cap; i++)
        atomic_init(&p->ring[i].seq, i);
    p->mask = cap - 1;
    atomic_init(&p->head, 0);
    atomic_init(&p->tail, 0);
    atomic_init(&p->completed, 0);
    atomic_init(&p->sleepers, 0);
    atomic_init(&p->waiters, 0);
    atomic_init(&p->stop, 0);
    atomic_init(&p->next_index, 0);
    p->on_start = on_start;
    p->on_start_arg = arg;
    pthread_mutex_init(&p->sleep_lock, NULL);
    pthread_cond_init(&p->work_cv, NULL);
    pthread_cond_init(&p->done_cv, NULL);
    p->threads = xcalloc((size_t)nthreads + 1, sizeof(pthread_t));
    p->nthreads = nthreads;
    for (int i = 0; i < nthreads; i++) {
        int rc = pthread_create(&p->threads[i], NULL, pool_worker, p);
        if (rc != 0) {
            pool_destroy(p); /* joins the ones that started */
            errno = rc;
            return NULL;
        }
        p->nstarted = i + 1;
    }
    return p;
}

/* After publishing: wake sleeping workers, if any (one for one task, all for more).
 * The load of sleepers is sequentially consistent, after the sequentially consistent
 * publication: see pool_worker. A pool whose workers are awake pays nothing here. */
static void wake(struct pool *p, size_t nnew)
{
    if (atomic_load(&p->sleepers) > 0) {
        pthread_mutex_lock(&p->sleep_lock);
        if (nnew > 1)
            pthread_cond_broadcast(&p->work_cv);
        else
            pthread_cond_signal(&p->work_cv);
        pthread_mutex_unlock(&p->sleep_lock);
    }
}

/* The ring is full at our position: run queued tasks ourselves rather than wait (no
 * lock is held, so a task that submits cannot deadlock), or let the thread that holds
 * the slot finish copying it out. */
static void make_room(struct pool *p, unsigned *spins)
{
    if (run_some(p))
        return;
    if (++*spins < 64)
        cpu_relax();
    else
        sched_yield();
}

/* The one-task path: one compare-and-swap on tail (a line only submitters write), two
 * stores into the slot and its publication; no lock, no allocation, and a wake-up only
 * when a worker sleeps. */
void pool_submit(struct pool *p, pool_fn fn, void *arg)
{
    size_t pos = atomic_load_explicit(&p->tail, memory_order_relaxed);
    unsigned spins = 0;
    struct slot *s;
    for (;;) {
        size_t seq;
        s = &p->ring[pos & p->mask];
        seq = atomic_load_explicit(&s->seq, memory_order_acquire);
        if (seq == pos) {
            if (atomic_compare_exchange_weak_explicit(&p->tail, &pos, pos + 1, memory_order_relaxed,
                                                      memory_order_relaxed))
                break;
        } else if ((ptrdiff_t)(seq - pos) < 0) {
            make_room(p, &spins); /* the slot's task of the last lap is still queued */
            pos = atomic_load_explicit(&p->tail, memory_order_relaxed);
        } else {
            pos = atomic_load_explicit(&p->tail, memory_order_relaxed); /* another submitter took it */
        }
    }
    s->fn = fn;
    s->arg = arg;
    atomic_store(&s->seq, pos + 1); /* seq_cst: ordered before the read of sleepers */
    wake(p, 1);
}

/* A batch: claim as many positions as are free with one compare-and-swap, fill them,
 * publish the first one last (a consumer takes only published tasks in order, so it
 * then sees the whole run at once and can take it in chunks), wake once. */
void pool_submit_batch(struct pool *p, pool_fn fn, void *args, size_t stride, size_t n)
{
    size_t done = 0;
    unsigned spins = 0;
    while (done < n) {
        size_t pos = atomic_load_explicit(&p->tail, memory_order_relaxed);
        size_t h = atomic_load_explicit(&p->head, memory_order_acquire);
        size_t room = h + p->mask + 1 > pos ? h + p->mask + 1 - pos : 0, k;
        if (room == 0) {
            make_room(p, &spins);
            continue;
        }
        k = n - done < room ? n - done : room;
        if (!atomic_compare_exchange_weak_explicit(&p->tail, &pos, pos + k, memory_order_relaxed,
                                                   memory_order_relaxed))
            continue;
        for (size_t i = 0; i < k; i++) {
            struct slot *s = &p->ring[(pos + i) & p->mask];
            /* below head + capacity, so its last task was taken: wait, if at all, only
             * for the taker to finish copying it out */
            for (unsigned w = 0; atomic_load_explicit(&s->seq, memory_order_acquire) != pos + i; w++)
                w < 64 ? cpu_relax() : (void)sched_yield();
            s->fn = fn;
            s->arg = stride ? (char *)args + (done + i) * stride : args;
            if (i > 0)
                atomic_store_explicit(&s->seq, pos + i + 1, memory_order_release);
        }
        atomic_store(&p->ring[pos & p->mask].seq, pos + 1); /* seq_cst, as in pool_submit */
        wake(p, k);
        done += k;
    }
}

void pool_wait(struct pool *p)
{
    for (;;) {
        int spin;
        while (run_some(p))
            ;
        for (spin = 0; spin < POOL_SPIN; spin++) {
            if (all_done(p))
                return;
            if (!queue_empty(p))
                break;
            cpu_relax();
        }
        if (spin < POOL_SPIN)
            continue;
        /* Tasks are still running on the workers: sleep until the last one ends (or
         * until new tasks appear, which we would then help with). */
        pthread_mutex_lock(&p->sleep_lock);
        atomic_fetch_add(&p->waiters, 1);
        while (!all_done(p) && queue_empty(p)) {
            /* a task that submits more work wakes workers, not waiters: poll now and then */
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 1000000;
            if (ts.tv_nsec >= 1000000000)
                ts.tv_sec++, ts.tv_nsec -= 1000000000;
            pthread_cond_timedwait(&p->done_cv, &p->sleep_lock, &ts);
        }
        atomic_fetch_sub(&p->waiters, 1);
        pthread_mutex_unlock(&p->sleep_lock);
        if (all_done(p))
            return;
    }
}

void pool_destroy(struct pool *p)
{
    if (!p)
        return;
    pool_wait(p); /* the contract: every queued task runs */
    pthread_mutex_lock(&p->sleep_lock);
    atomic_store(&p->stop, 1);
    pthread_cond_broadcast(&p->work_cv);
    pthread_mutex_unlock(&p->sleep_lock);
    for (int i = 0; i < p->nstarted; i++)
        pthread_join(p->threads[i], NULL);
    pthread_mutex_destroy(&p->sleep_lock);
    pthread_cond_destroy(&p->work_cv);
    pthread_cond_destroy(&p->done_cv);
    free(p->threads);
    free(p->ring);
    free(p);
}

int pool_threads(const struct pool *p)
{
    return p->nthreads;
}

uint64_t pool_completed(const struct pool *p)
{
    return atomic_load(&((struct pool *)p)->completed);
}

/* ==== process pool ================================================================== */

/* A message either way: which tasks, then count integers (arguments or results). */
struct ppool_msg {
    uint64_t start;
    uint64_t count;
    int64_t v[PPOOL_MAX_CHUNK];
};

struct ppool_worker {
    pid_t pid;
    int fd;      /* the parent's end of the socket pair */
    int inflight;
    int alive;
    uint64_t held[2]; /* the first task of each chunk it holds, oldest first */
};

struct ppool {
    int n;
    struct ppool_worker *w;
    ppool_fn fn;
    void *ctx;
    int broken;
    char err[256];
    struct ppool_msg *buf;
};

/* Send exactly len bytes. Returns 0, or -1 on error. MSG_NOSIGNAL: a dead peer is an
 * error to report, not SIGPIPE (which is why this is not util.h's write_full).
 * Receiving is read_full (util.h): -1 with errno 0 at end of file. */
static int send_all(int fd, const void *p, size_t len)
{
    const char *c = p;
    while (len) {
        ssize_t r = send(fd, c, len, MSG_NOSIGNAL);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        c += r, len -= (size_t)r;
    }
    return 0;
}


#define MSG_HEADER (2 * sizeof(uint64_t))

/* The worker's whole life: read a chunk, compute it, send the results, until the
 * parent closes its end. _exit, never return: the forked copy of the parent's stack
 * and stdio buffers must not run the parent's code or flush its output again. */
static noreturn void ppool_child(int fd, ppool_fn fn, void *ctx, struct ppool_msg *m)
{
    for (;;) {
        if (read_full(fd, m, MSG_HEADER) < 0)
            _exit(0); /* end of file: the pool is shutting down */
        if (m->count > PPOOL_MAX_CHUNK || read_full(fd, m->v, m->count * sizeof(int64_t)) < 0)
            _exit(EXIT_FAIL);
        for (uint64_t i = 0; i < m->count; i++)
            m->v[i] = fn(m->v[i], ctx);
        if (send_all(fd, m, MSG_HEADER + m->count * sizeof(int64_t)) < 0)
            _exit(EXIT_FAIL);
    }
}

struct ppool *ppool_create(int nworkers, ppool_fn fn, void *ctx)
{
    struct ppool *pp;
    if (nworkers < 1) {
        errno = EINVAL;
        return NULL;
    }
    pp = xcalloc(1, sizeof(*pp));
    pp->w = xcalloc((size_t)nworkers, sizeof(*pp->w));
    pp->fn = fn;
    pp->ctx = ctx;
    pp->buf = xmalloc(sizeof(struct ppool_msg)); /* allocated before fork: the child reuses it */
    for (int i = 0; i < nworkers; i++) {
        int sv[2];
        pid_t pid;
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
            goto fail;
        pid = harness_fork();
        if (pid < 0) {
            int e = errno;
            close(sv[0]), close(sv[1]);
            errno = e;
            goto fail;
        }
        if (pid == 0) {
            /* Close the parent's ends of the earlier workers' sockets: if we kept them,
             * their end of file would never come (we would hold them open). */
            for (int j = 0; j < i; j++)
                close(pp->w[j].fd);
            close(sv[0]);
            ppool_child(sv[1], fn, ctx, pp->buf);
        }
        close(sv[1]);
        pp->w[i] = (struct ppool_worker){.pid = pid, .fd = sv[0], .alive = 1};
        pp->n = i + 1;
    }
    return pp;
fail : {
    int e = errno;
    ppool_destroy(pp);
    errno = e;
    return NULL;
}
}

/* A worker's socket gave end of file or an error: find out what happened to it. */
static void worker_died(struct ppool *pp, int i)
{
    struct ppool_worker *w = &pp->w[i];
    unsigned long long first_lost = w->inflight ? (unsigned long long)w->held[0] : 0;
    int st = 0;
    w->alive = 0;
    close(w->fd);
    w->fd = -1;
    if (harness_wait(w->pid, &st) < 0)
        snprintf(pp->err, sizeof(pp->err), "worker %d (pid %d) stopped answering", i, (int)w->pid);
    else if (WIFSIGNALED(st))
        snprintf(pp->err, sizeof(pp->err), "worker %d (pid %d) was killed by signal %d (%s) in the chunk starting at task %llu",
                 i, (int)w->pid, WTERMSIG(st), strsignal(WTERMSIG(st)), first_lost);
    else
        snprintf(pp->err, sizeof(pp->err), "worker %d (pid %d) exited with status %d in the chunk starting at task %llu", i,
                 (int)w->pid, WEXITSTATUS(st), first_lost);
    pp->broken = 1;
}

int ppool_map(struct ppool *pp, const int64_t *in, int64_t *out, size_t n, size_t chunksize)
{
    size_t next = 0, done = 0;
    struct pollfd *pfd;
    if (pp->broken)
        return -1;
    pp->err[0] = 0;
    chunksize = chunksize < 1 ? 1 : chunksize > PPOOL_MAX_CHUNK ? PPOOL_MAX_CHUNK : chunksize;
    pfd = xcalloc((size_t)pp->n, sizeof(*pfd));
    while (done < n && !pp->broken) {
        /* Keep every worker holding two chunks: while it computes one, the next is
         * already in its socket, so it never waits for a round trip to the parent. */
        for (int i = 0; i < pp->n && next < n && !pp->broken; i++) {
            struct ppool_worker *w = &pp->w[i];
            while (w->inflight < 2 && next < n) {
                size_t c = n - next < chunksize ? n - next : chunksize;
                pp->buf->start = next;
                pp->buf->count = c;
                memcpy(pp->buf->v, in + next, c * sizeof(int64_t));
                if (send_all(w->fd, pp->buf, MSG_HEADER + c * sizeof(int64_t)) < 0) {
                    worker_died(pp, i);
                    break;
                }
                w->held[w->inflight++] = next;
                next += c;
            }
        }
        if (pp->broken)
            break;
        for (int i = 0; i < pp->n; i++)
            pfd[i] = (struct pollfd){.fd = pp->w[i].inflight ? pp->w[i].fd : -1, .events = POLLIN};
        if (poll(pfd, (nfds_t)pp->n, -1) < 0) {
            if (errno == EINTR)
                continue;
            snprintf(pp->err, sizeof(pp->err), "poll: %s", strerror(errno));
            pp->broken = 1;
            break;
        }
        for (int i = 0; i < pp->n && !pp->broken; i++) {
            struct ppool_worker *w = &pp->w[i];
            if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            /* A dead worker reads as end of file, even with results still unread:
             * it is reported, the parent does not wait for it. */
            if (read_full(w->fd, pp->buf, MSG_HEADER) < 0 || pp->buf->count > PPOOL_MAX_CHUNK ||
                pp->buf->start + pp->buf->count > n ||
                read_full(w->fd, pp->buf->v, pp->buf->count * sizeof(int64_t)) < 0) {
                worker_died(pp, i);
                break;
            }
            memcpy(out + pp->buf->start, pp->buf->v, pp->buf->count * sizeof(int64_t));
            done += pp->buf->count;
            w->held[0] = w->held[1];
            w->inflight--;
        }
    }
    free(pfd);
    return pp->broken ? -1 : 0;
}

const char *ppool_error(const struct ppool *pp)
{
    return pp->err;
}

int ppool_workers(const struct ppool *pp)
{
    return pp->n;
}

void ppool_destroy(struct ppool *pp)
{
    if (!pp)
        return;
    /* End of file for every worker first, so they all exit at once. */
    for (int i = 0; i < pp->n; i++)
        if (pp->w[i].fd >= 0 && pp->w[i].alive)
            shutdown(pp->w[i].fd, SHUT_WR);
    for (int i = 0; i < pp->n; i++) {
        struct ppool_worker *w = &pp->w[i];
        if (!w->alive)
            continue;
        /* Drain until the worker closes its end (it exited), at most 2 s. */
        for (double t0 = now_s(); now_s() - t0 < 2.0;) {
            struct pollfd pf = {.fd = w->fd, .events = POLLIN};
            char sink[4096];
            if (poll(&pf, 1, 100) > 0 && recv(w->fd, sink, sizeof(sink), 0) <= 0)
                break;
        }
        kill(w->pid, SIGKILL); /* no-op if it has exited; it cannot outlive the pool */
        harness_wait(w->pid, NULL);
        close(w->fd);
    }
    free(pp->buf);
    free(pp->w);
    free(pp);
}
