/* labs/tvp/tvp_comm.c: talking between workers, and the same work on threads or
 * processes.
 *
 * communicate: two workers pass messages of 8 B to 1 MiB back and forth.
 *   threads-shm    two threads, a ring of slots in ordinary memory (below)
 *   pipe           two processes, one pipe each way: the kernel copies in, then out
 *   socketpair     two processes, a Unix stream socket: the same, through the socket layer
 *   processes-shm  two processes, the same ring as threads-shm in MAP_SHARED memory
 * latency_us is half a ping-pong round trip (the usual definition: one message one way,
 * with the other side already waiting); bandwidth_mbps streams messages one way and
 * counts MB (10^6 bytes) per second until the receiver confirms the last one.
 *
 * Small messages measure waking the other side: a system call and, when the other
 * side sleeps, a trip through the scheduler. Big messages measure copying: the kernel
 * copies pipe data twice (in and out) in chunks of the 64 KiB pipe buffer; shared
 * memory also copies twice here (into the slot and out of it), but with no system
 * call in between when both sides spin on their own core.
 *
 * cpu-bound, io-bound: the same total work on T threads and on T processes. */
#include "tvp.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- the shared-memory ring ---------------------------------------------------------- */

/* head is written only by the sender, tail only by the receiver, each on its own
 * cache line so the two sides do not fight over one line for unrelated writes. */
struct tvp_chan {
    _Atomic uint32_t head;
    _Atomic uint32_t recv_waiting; /* the receiver sleeps (or is about to) on head */
    char pad1[56];
    _Atomic uint32_t tail;
    _Atomic uint32_t send_waiting; /* the sender sleeps (or is about to) on tail */
    char pad2[56];
    _Atomic uint32_t closed;
    uint32_t nslots;
    uint64_t slot_size;
    int spin;
    char pad3[36];
    uint64_t len[]; /* nslots lengths, then the slots */
};

static size_t slot_stride(size_t slot_size)
{
    return (slot_size + 63) & ~(size_t)63;
}

static size_t chan_header(int nslots)
{
    return (sizeof(struct tvp_chan) + sizeof(uint64_t) * (size_t)nslots + 63) & ~(size_t)63;
}

size_t tvp_chan_bytes(size_t slot_size, int nslots)
{
    return chan_header(nslots) + slot_stride(slot_size) * (size_t)nslots;
}

static char *slot(struct tvp_chan *c, uint32_t i)
{
    return (char *)c + chan_header((int)c->nslots) + slot_stride(c->slot_size) * (i % c->nslots);
}

struct tvp_chan *tvp_chan_init(void *mem, size_t slot_size, int nslots, int spin)
{
    struct tvp_chan *c = mem;
    atomic_init(&c->head, 0);
    atomic_init(&c->tail, 0);
    atomic_init(&c->recv_waiting, 0);
    atomic_init(&c->send_waiting, 0);
    atomic_init(&c->closed, 0);
    c->nslots = (uint32_t)nslots;
    c->slot_size = slot_size;
    c->spin = spin;
    return c;
}

/* No FUTEX_PRIVATE_FLAG: the word may live in memory shared between processes. */
static void futex_wait(_Atomic uint32_t *w, uint32_t val, long ns)
{
    struct timespec ts = {0, ns};
    syscall(SYS_futex, (uint32_t *)w, FUTEX_WAIT, val, &ts, NULL, 0);
}

static void futex_wake(_Atomic uint32_t *w)
{
    syscall(SYS_futex, (uint32_t *)w, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* A process that exited (even if not yet reaped) will never answer. WNOWAIT leaves it
 * to harness_wait to reap. */
static int peer_dead(pid_t peer)
{
    siginfo_t si;
    if (peer <= 0)
        return 0;
    memset(&si, 0, sizeof(si));
    return waitid(P_PID, (id_t)peer, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == peer;
}

/* Wait while *word == seen. Spin first (when the other side has its own core, the
 * change comes within a microsecond, far sooner than a sleep and wake-up), then
 * announce ourselves in *waiting and sleep in futex(). The other side stores the word
 * and then reads *waiting; we store *waiting and then read the word: with sequentially
 * consistent atomics at least one of us sees the other, so no wake-up is lost. The
 * sleep has a timeout only to notice a closed channel or a dead peer. */
static int chan_wait(struct tvp_chan *c, _Atomic uint32_t *word, uint32_t seen,
                     _Atomic uint32_t *waiting, pid_t peer)
{
    double deadline = 0;
    for (unsigned i = 1; c->spin; i++) {
        if (atomic_load_explicit(word, memory_order_acquire) != seen)
            return 0;
        cpu_relax();
        /* Spin at most ~20 us: a peer running on its own core answers well within
         * that; one that takes longer is not running, and spinning on would only
         * keep it off a CPU. */
        if (i % 64 == 0) {
            double t = now_s();
            if (deadline == 0)
                deadline = t + 20e-6;
            else if (t > deadline)
                break;
        }
    }
    atomic_store(waiting, 1);
    if (atomic_load(word) == seen && !atomic_load(&c->closed))
        futex_wait(word, seen, 50 * 1000 * 1000);
    atomic_store(waiting, 0);
    if (atomic_load(word) != seen)
        return 0;
    if (atomic_load(&c->closed) || peer_dead(peer))
        return -1;
    return 0;
}

int tvp_chan_send(struct tvp_chan *c, const void *buf, size_t n, pid_t peer)
{
    uint32_t h = atomic_load_explicit(&c->head, memory_order_relaxed); /* ours alone */
    uint32_t t;
    while (h - (t = atomic_load_explicit(&c->tail, memory_order_acquire)) >= c->nslots)
        if (chan_wait(c, &c->tail, t, &c->send_waiting, peer) < 0)
            return -1;
    if (atomic_load(&c->closed))
        return -1;
    c->len[h % c->nslots] = n;
    memcpy(slot(c, h), buf, n);
    atomic_store(&c->head, h + 1); /* publishes the copy (seq_cst: see chan_wait) */
    if (atomic_load(&c->recv_waiting))
        futex_wake(&c->head);
    return 0;
}

long tvp_chan_recv(struct tvp_chan *c, void *buf, pid_t peer)
{
    uint32_t t = atomic_load_explicit(&c->tail, memory_order_relaxed); /* ours alone */
    long n;
    while (atomic_load_explicit(&c->head, memory_order_acquire) == t)
        if (chan_wait(c, &c->head, t, &c->recv_waiting, peer) < 0)
            return -1;
    n = (long)c->len[t % c->nslots];
    memcpy(buf, slot(c, t), (size_t)n);
    atomic_store(&c->tail, t + 1); /* frees the slot */
    if (atomic_load(&c->send_waiting))
        futex_wake(&c->tail);
    return n;
}

void tvp_chan_close(struct tvp_chan *c)
{
    atomic_store(&c->closed, 1);
    futex_wake(&c->head);
    futex_wake(&c->tail);
}

/* ---- a link: one end of a two-way connection, over a ring or over file descriptors -- */

#define MAX_MSG (1 << 20)

struct link {
    struct tvp_chan *out, *in; /* rings, or NULL for file descriptors */
    int fd_out, fd_in;
    pid_t peer;                /* the other side when it is a child process, else 0 */
    const struct topo *pin;    /* the far side pins itself to the second usable CPU */
};

static int link_send(struct link *l, const void *buf, size_t n)
{
    if (l->out)
        return tvp_chan_send(l->out, buf, n, l->peer);
    return write_full(l->fd_out, buf, n);
}

/* Receive exactly n bytes: one message of a ring, or n bytes of a byte stream (which
 * may arrive in several pieces: a pipe moves at most its 64 KiB buffer at a time). */
static int link_recv(struct link *l, void *buf, size_t n)
{
    if (l->in)
        return tvp_chan_recv(l->in, buf, l->peer) == (long)n ? 0 : -1;
    return read_full(l->fd_in, buf, n); /* -1 at EOF: the other side closed or died */
}

static void link_close(struct link *l)
{
    if (l->out) {
        tvp_chan_close(l->out);
        tvp_chan_close(l->in);
        return;
    }
    close(l->fd_out);
    if (l->fd_in != l->fd_out)
        close(l->fd_in);
}

/* The worker on the far side obeys commands: each says what the next sample is. */
enum { OP_QUIT, OP_PINGPONG, OP_STREAM };
struct cmd {
    uint32_t op, bytes;
    uint64_t count;
};

/* The far side: echo (ping-pong) or swallow (stream) as told, until told to quit or
 * the link fails. */
static int comm_serve(struct link *l)
{
    char *buf = xmalloc(MAX_MSG);
    struct cmd c;
    int rc = -1;
    while (link_recv(l, &c, sizeof(c)) == 0) {
        uint64_t i = 0;
        if (c.op == OP_QUIT) {
            rc = 0;
            break;
        }
        if (c.op == OP_PINGPONG)
            for (; i < c.count; i++)
                if (link_recv(l, buf, c.bytes) < 0 || link_send(l, buf, c.bytes) < 0)
                    break;
        if (c.op == OP_STREAM) {
            for (; i < c.count; i++)
                if (link_recv(l, buf, c.bytes) < 0)
                    break;
            if (i == c.count && link_send(l, buf, 1) < 0)
                break;
        }
        if (i < c.count)
            break;
    }
    free(buf);
    return rc;
}

static void *comm_thread(void *p)
{
    struct link *l = p;
    if (l->pin)
        topo_pin_thread(l->pin, 1);
    comm_serve(l);
    return NULL;
}

/* One timed sample: tell the worker, then time count messages. Seconds, or -1 if the
 * worker is gone. (The 16-byte command is sent before the clock starts.) */
static double comm_time(struct link *l, char *buf, int op, uint32_t bytes, uint64_t count)
{
    struct cmd c = {(uint32_t)op, bytes, count};
    double t0;
    if (link_send(l, &c, sizeof(c)) < 0)
        return -1;
    t0 = now_s();
    if (op == OP_PINGPONG) {
        for (uint64_t i = 0; i < count; i++)
            if (link_send(l, buf, bytes) < 0 || link_recv(l, buf, bytes) < 0)
                return -1;
    } else {
        for (uint64_t i = 0; i < count; i++)
            if (link_send(l, buf, bytes) < 0)
                return -1;
        if (link_recv(l, buf, 1) < 0) /* the receiver has every byte */
            return -1;
    }
    return now_s() - t0;
}

/* Calibrate (double the count until a sample lasts min_s; that doubles as the
 * warm-up), then ctx->reps samples. Returns 0, 1 if the worker died, -1 if interrupted. */
static int comm_sample(struct lab_ctx *ctx, const struct point *pt, struct link *l, char *buf,
                       int op, uint32_t bytes)
{
    double min_s = ctx->quick ? 0.002 : 0.01, t;
    uint64_t n = 1;
    harness_rep(ctx, 0);
    while ((t = comm_time(l, buf, op, bytes, n)) >= 0 && t < min_s && n < (UINT64_C(1) << 24))
        n *= 2;
    if (t < 0)
        return 1;
    for (int rep = 1; rep <= ctx->reps; rep++) {
        if (harness_interrupted())
            return -1;
        harness_rep(ctx, rep);
        if ((t = comm_time(l, buf, op, bytes, n)) < 0)
            return 1;
        if (op == OP_PINGPONG)
            results_add(ctx->res, pt, rep, "latency_us", t / (double)n / 2 * 1e6, "us");
        else
            results_add(ctx->res, pt, rep, "bandwidth_mbps", (double)n * bytes / t / 1e6, "MB/s");
    }
    return 0;
}

static const char *const transports[] = {"threads-shm", "pipe", "socketpair", "processes-shm"};
#define NTRANSPORTS 4

static const uint32_t sizes_full[] = {8, 32, 128, 512, 2048, 8192, 32768, 131072, 524288, 1048576};
static const uint32_t sizes_quick[] = {8, 512, 32768, 1048576};

/* Does transport k pin its two sides to two CPUs? (the rings, given 2+ CPUs) */
static int far_pinned(const struct lab_ctx *ctx, int k)
{
    return ctx->topo->usable > 1 && (k == 0 || k == 3);
}

/* Set up transport k and start its far side (a thread or a child process) serving on
 * *far (which must outlive the worker). Returns 0, or -1 with errno set. */
static int comm_start(struct lab_ctx *ctx, int k, struct link *l, struct link *far,
                      pthread_t *th, pid_t *pid, void **mem, size_t *mem_bytes)
{
    int spin = ctx->topo->usable > 1; /* spinning on 1 CPU only burns the peer's turn */
    int a[2], b[2];

    memset(l, 0, sizeof(*l));
    memset(far, 0, sizeof(*far));
    far->pin = far_pinned(ctx, k) ? ctx->topo : NULL;
    *pid = 0;
    *mem = NULL;
    if (k == 0 || k == 3) {
        /* Two rings, one each way: private memory for threads, shared for processes. */
        size_t one = tvp_chan_bytes(MAX_MSG, 4);
        *mem_bytes = 2 * one;
        *mem = mmap(NULL, *mem_bytes, PROT_READ | PROT_WRITE,
                    (k == 0 ? MAP_PRIVATE : MAP_SHARED) | MAP_ANONYMOUS, -1, 0);
        if (*mem == MAP_FAILED) {
            *mem = NULL;
            return -1;
        }
        l->out = tvp_chan_init(*mem, MAX_MSG, 4, spin);
        l->in = tvp_chan_init((char *)*mem + one, MAX_MSG, 4, spin);
        far->out = l->in, far->in = l->out;
        if (k == 0) {
            int e = pthread_create(th, NULL, comm_thread, far);
            return e ? (errno = e, -1) : 0;
        }
    } else if (k == 1) {
        if (pipe(a) < 0)
            return -1;
        if (pipe(b) < 0) {
            close(a[0]), close(a[1]);
            return -1;
        }
        l->fd_out = a[1], l->fd_in = b[0];
        far->fd_out = b[1], far->fd_in = a[0];
    } else {
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, a) < 0)
            return -1;
        l->fd_out = l->fd_in = a[0];
        far->fd_out = far->fd_in = a[1];
    }
    *pid = harness_fork();
    if (*pid < 0)
        return -1;
    if (*pid == 0) {
        /* The child closes the parent's ends, so that the parent's death shows up here
         * as EOF, then serves. */
        if (k != 3)
            link_close(l);
        if (far->pin)
            topo_pin_thread(far->pin, 1);
        _exit(comm_serve(far) == 0 ? 0 : 1);
    }
    /* The parent closes the child's ends: if the child dies, our reads see EOF. A
     * ring has no EOF, so the ring watches the child's pid instead (peer_dead). */
    if (k != 3)
        link_close(far);
    l->peer = *pid;
    return 0;
}

/* Stop the far side: a polite OP_QUIT, then close; a thread is joined, a process
 * reaped. Returns 0, or -1 if the worker had crashed (reported). */
static int comm_stop(int k, struct link *l, pthread_t th, pid_t pid, void *mem, size_t mem_bytes)
{
    struct cmd quit = {OP_QUIT, 0, 0};
    int rc = 0;
    if (!harness_interrupted())
        link_send(l, &quit, sizeof(quit));
    link_close(l);
    if (k == 0) {
        pthread_join(th, NULL);
    } else {
        int st = 0;
        harness_wait(pid, &st);
        if (!WIFEXITED(st) || (WEXITSTATUS(st) != 0 && !harness_interrupted())) {
            harness_progress_clear();
            printf("communicate %s: the worker process %s\n", transports[k],
                   WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) : "exited with an error");
            rc = -1;
        }
    }
    if (mem)
        munmap(mem, mem_bytes);
    return rc;
}

int tvp_comm_points(const struct lab_ctx *ctx)
{
    return NTRANSPORTS * 2 * (int)(ctx->quick ? ARRAY_SIZE(sizes_quick) : ARRAY_SIZE(sizes_full));
}

int tvp_communicate(struct lab_ctx *ctx)
{
    const uint32_t *sizes = ctx->quick ? sizes_quick : sizes_full;
    int nsizes = (int)(ctx->quick ? ARRAY_SIZE(sizes_quick) : ARRAY_SIZE(sizes_full));
    char *buf = xcalloc(1, MAX_MSG);
    static const char *const metrics[] = {"latency_us", "bandwidth_mbps"};
    int rc = EXIT_OK;
    cpu_set_t saved;

    printf("== communicate: two workers, messages of %u B to %u KiB (latency = half a round "
           "trip; bandwidth one way)\n", sizes[0], sizes[nsizes - 1] >> 10);
    if (ctx->topo->usable < 2)
        printf("(1 usable CPU: the two workers take turns on it, so every message waits for a\n"
               " context switch, and the rings sleep at once instead of spinning)\n");

    pthread_getaffinity_np(pthread_self(), sizeof(saved), &saved);
    for (int k = 0; k < NTRANSPORTS && rc == EXIT_OK; k++) {
        struct link l, far;
        pthread_t th = 0;
        pid_t pid;
        void *mem;
        size_t mem_bytes = 0;

        /* A spinning ring assumes each side has a CPU of its own, so with 2+ CPUs the
         * rings' two sides are pinned apart (this thread on the first, the worker on
         * the second): left alone, the scheduler often wakes the worker on the
         * waker's CPU, where the spinning partner only delays it. Pipes and sockets
         * are left to the scheduler, as real programs leave them: it may run both
         * sides on one CPU, which for blocking calls is often the fastest. */
        if (far_pinned(ctx, k))
            topo_pin_thread(ctx->topo, 0);
        else
            pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);

        if (comm_start(ctx, k, &l, &far, &th, &pid, &mem, &mem_bytes) < 0) {
            printf("communicate %s: not measured: cannot set it up (%s)\n", transports[k],
                   strerror(errno));
            continue;
        }
        for (int m = 0; m < 2 && rc == EXIT_OK; m++)
            for (int s = 0; s < nsizes && rc == EXIT_OK; s++) {
                char param[32];
                struct point pt = {"communicate", transports[k], 2, param};
                int r;
                fmt_param(param, sizeof(param), "bytes=%u", sizes[s]);
                harness_point(ctx, &pt);
                r = comm_sample(ctx, &pt, &l, buf, m == 0 ? OP_PINGPONG : OP_STREAM, sizes[s]);
                if (r < 0)
                    rc = EXIT_INTERRUPTED;
                else if (r > 0)
                    rc = EXIT_FAIL; /* comm_stop reports how the worker died */
                else
                    harness_print(ctx, &pt, metrics[m]);
            }
        if (comm_stop(k, &l, th, pid, mem, mem_bytes) < 0 || rc == EXIT_FAIL) {
            printf("communicate %s: stopped: the worker died in the middle\n", transports[k]);
            rc = EXIT_FAIL;
        }
    }
    pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
    if (rc != EXIT_OK) {
        free(buf);
        return rc;
    }

    /* The charts' table: one row a size, one column a transport and metric. */
    {
        struct csvw *w = tvp_table_open(ctx, "tvp-comm.csv");
        csvw_str(w, "bytes");
        for (int m = 0; m < 2; m++)
            for (int k = 0; k < NTRANSPORTS; k++) {
                char h[64];
                snprintf(h, sizeof(h), "%s %s", transports[k], metrics[m]);
                csvw_str(w, h);
            }
        csvw_endrow(w);
        for (int s = 0; s < nsizes; s++) {
            char param[32];
            fmt_param(param, sizeof(param), "bytes=%u", sizes[s]);
            csvw_int(w, (long)sizes[s]);
            for (int m = 0; m < 2; m++)
                for (int k = 0; k < NTRANSPORTS; k++) {
                    struct point pt = {"communicate", transports[k], 2, param};
                    const struct summary *x = results_summary(ctx->res, &pt, metrics[m]);
                    csvw_num(w, x ? x->median : NAN);
                }
            csvw_endrow(w);
        }
    }
    printf("\nreading it: small messages cost a wake-up (pipe and socket: system calls and,\n"
           "  if the peer sleeps, the scheduler); big ones cost copying. Shared memory skips\n"
           "  the kernel when both sides spin on their own core.\n\n");
    free(buf);
    return EXIT_OK;
}

/* ---- cpu-bound and io-bound: the same total work on T threads or T processes -------- */
/* cpu-bound: `units` LCG steps split over T workers. Threads and processes run the
 *   same instructions on the same cores, so both scale up to the usable CPUs; the
 *   processes pay more to start (fork), which shows only when the work is short.
 * io-bound: `nwaits` blocking waits of `wait_us` each (nanosleep, as a request waiting
 *   on a disk or a server would), split over T workers. A waiting worker needs no
 *   CPU, so T workers finish T times sooner even when they all share one core:
 *   threads-1cpu pins every thread to the first usable CPU to show it. */

struct scale_job {
    int io;
    uint64_t units;  /* cpu: total steps */
    int nwaits;      /* io: total waits */
    long wait_us;
    int workers;
    int one_cpu;     /* pin every thread to the first usable CPU */
    int pin;         /* --pin: worker i on usable CPU i (modulo their number) */
    const struct topo *topo;
};

struct scale_worker {
    const struct scale_job *job;
    int id;
    uint64_t out;
};

uint64_t tvp_burn(uint64_t units, uint64_t x)
{
    for (uint64_t i = 0; i < units; i++)
        x = x * 6364136223846793005u + 1442695040888963407u;
    return x;
}

/* Worker id's share of n, split as evenly as integers allow. */
static uint64_t share_of(uint64_t n, int workers, int id)
{
    return n / (uint64_t)workers + ((uint64_t)id < n % (uint64_t)workers);
}

static uint64_t scale_work(const struct scale_job *j, int id)
{
    if (!j->io)
        return tvp_burn(share_of(j->units, j->workers, id), (uint64_t)id + 1);
    for (uint64_t i = share_of((uint64_t)j->nwaits, j->workers, id); i > 0; i--) {
        struct timespec ts = {j->wait_us / 1000000, (j->wait_us % 1000000) * 1000};
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
            ;
    }
    return 0;
}

static void *scale_thread(void *p)
{
    struct scale_worker *w = p;
    if (w->job->one_cpu || w->job->pin)
        topo_pin_thread(w->job->topo, w->job->one_cpu ? 0 : w->id);
    w->out = scale_work(w->job, w->id);
    return NULL;
}

/* One run with threads: start them all, wait for all; creation is part of the time. */
static int scale_threads(const struct scale_job *j)
{
    pthread_t *t = xmalloc(sizeof(pthread_t) * (size_t)j->workers);
    struct scale_worker *w = xmalloc(sizeof(*w) * (size_t)j->workers);
    for (int i = 0; i < j->workers; i++) {
        w[i] = (struct scale_worker){j, i, 0};
        if (pthread_create(&t[i], NULL, scale_thread, &w[i]) != 0)
            die("cannot create thread %d of %d", i + 1, j->workers);
    }
    for (int i = 0; i < j->workers; i++)
        pthread_join(t[i], NULL);
    free(t);
    free(w);
    return 0;
}

/* One run with processes: fork them all, reap them all. Returns -1 if one failed. */
static int scale_procs(const struct scale_job *j)
{
    pid_t *pid = xmalloc(sizeof(pid_t) * (size_t)j->workers);
    int rc = 0;
    for (int i = 0; i < j->workers; i++) {
        pid[i] = harness_fork();
        if (pid[i] < 0)
            die("cannot fork worker %d of %d: %s", i + 1, j->workers, strerror(errno));
        if (pid[i] == 0) {
            volatile uint64_t sink;
            if (j->pin)
                topo_pin_thread(j->topo, i);
            sink = scale_work(j, i);
            (void)sink;
            _exit(0);
        }
    }
    for (int i = 0; i < j->workers; i++) {
        int st = 0;
        harness_wait(pid[i], &st);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            harness_progress_clear();
            printf("worker process %d: %s\n", (int)pid[i],
                   WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) : "exited with an error");
            rc = -1;
        }
    }
    free(pid);
    return rc;
}

/* The worker counts: cpu-bound uses --workers (1 first, always); io-bound goes far
 * past the CPU count by default, since waiting workers need no CPU. */
static int scale_counts(const struct lab_ctx *ctx, int io, int nwaits, int *out, int max)
{
    static const int io_full[] = {1, 2, 4, 8, 16, 32}, io_quick[] = {1, 4, 16};
    int n = 0;
    if (io && !ctx->workers_given) {
        const int *src = ctx->quick ? io_quick : io_full;
        int ns = ctx->quick ? (int)ARRAY_SIZE(io_quick) : (int)ARRAY_SIZE(io_full);
        for (int i = 0; i < ns && n < max; i++)
            out[n++] = src[i];
        return n;
    }
    if (ctx->workers[0] != 1)
        out[n++] = 1;
    for (int i = 0; i < ctx->nworkers && n < max; i++)
        if (!io || ctx->workers[i] <= nwaits)
            out[n++] = ctx->workers[i];
    return n;
}

static void calib_fn(void *arg, uint64_t n)
{
    *(volatile uint64_t *)arg = tvp_burn(n, 7);
}

int tvp_scaling_points(const struct lab_ctx *ctx, int io)
{
    int *w = xmalloc(sizeof(int) * (size_t)(ctx->nworkers + 8)), n;
    n = scale_counts(ctx, io, io ? (ctx->quick ? 32 : 64) : 1 << 20, w, ctx->nworkers + 8);
    free(w);
    return n * (io ? 3 : 2);
}

int tvp_scaling(struct lab_ctx *ctx, int io)
{
    static const char *const variants[] = {"threads", "processes", "threads-1cpu"};
    const char *exp = io ? "io-bound" : "cpu-bound";
    int nvar = io ? 3 : 2, nw, *w = xmalloc(sizeof(int) * (size_t)(ctx->nworkers + 8));
    double *sec = xmalloc(sizeof(double) * (size_t)ctx->reps);
    double target = ctx->quick ? 0.08 : 0.4;
    struct scale_job job = {.io = io, .topo = ctx->topo, .pin = ctx->pin};
    char param[64];
    double (*tab)[3];
    volatile uint64_t sink;

    if (io) {
        job.wait_us = ctx->quick ? 1000 : 2000;
        job.nwaits = ctx->quick ? 32 : 64;
        fmt_param(param, sizeof(param), "waits=%d;wait_us=%ld", job.nwaits, job.wait_us);
        printf("== io-bound: %d blocking waits of %ld us (%.0f ms in a row), split over T workers\n",
               job.nwaits, job.wait_us, job.nwaits * job.wait_us / 1e3);
    } else {
        uint64_t n = harness_calibrate(calib_fn, (void *)&sink, 0.02);
        double rate = (double)n / harness_time(calib_fn, (void *)&sink, n);
        job.units = (uint64_t)(rate * target);
        fmt_param(param, sizeof(param), "units=%.3g", (double)job.units);
        printf("== cpu-bound: %.3g LCG steps (%.2f s on one worker), split over T workers\n",
               (double)job.units, target);
        if (ctx->topo->usable == 1)
            printf("(1 usable CPU: CPU-bound work cannot speed up here; expect speedup ~1)\n");
    }
    nw = scale_counts(ctx, io, io ? job.nwaits : 1 << 20, w, ctx->nworkers + 8);
    tab = xcalloc((size_t)nw, sizeof(*tab));

    for (int v = 0; v < nvar; v++) {
        double t1 = NAN;
        job.one_cpu = v == 2;
        for (int i = 0; i < nw; i++) {
            struct point pt = {exp, variants[v], w[i], param};
            int k;
            job.workers = w[i];
            harness_point(ctx, &pt);
            for (int rep = 0; rep <= ctx->reps; rep++) { /* rep 0: warm-up */
                double t0;
                int bad;
                if (harness_interrupted()) {
                    free(tab), free(w), free(sec);
                    return EXIT_INTERRUPTED;
                }
                harness_rep(ctx, rep);
                t0 = now_s();
                bad = v == 1 ? scale_procs(&job) : scale_threads(&job);
                t0 = now_s() - t0;
                if (bad) {
                    free(tab), free(w), free(sec);
                    return harness_interrupted() ? EXIT_INTERRUPTED : EXIT_FAIL;
                }
                if (rep)
                    results_add(ctx->res, &pt, rep, "seconds", t0, "s");
            }
            /* Speedup against this variant's own one-worker median (measured first). */
            if (w[i] == 1)
                t1 = results_summary(ctx->res, &pt, "seconds")->median;
            k = results_values(ctx->res, &pt, "seconds", sec, ctx->reps);
            for (int r = 0; r < k; r++)
                results_add(ctx->res, &pt, r + 1, "speedup", t1 / sec[r], "x");
            harness_print(ctx, &pt, "seconds");
            harness_print(ctx, &pt, "speedup");
            tab[i][v] = results_summary(ctx->res, &pt, "speedup")->median;
        }
    }

    {
        struct csvw *cw = tvp_table_open(ctx, io ? "tvp-io.csv" : "tvp-cpu.csv");
        csvw_str(cw, "workers");
        csvw_str(cw, "usable_cpus");
        for (int v = 0; v < nvar; v++)
            csvw_str(cw, variants[v]);
        csvw_endrow(cw);
        for (int i = 0; i < nw; i++) {
            csvw_int(cw, w[i]);
            csvw_int(cw, ctx->topo->usable);
            for (int v = 0; v < nvar; v++)
                csvw_num(cw, tab[i][v]);
            csvw_endrow(cw);
        }
    }
    if (io)
        printf("\nreading it: waiting needs no CPU: %d threads on ONE cpu reached %.1fx, about\n"
               "  as much as %d threads on all (%.1fx) or %d processes (%.1fx).\n\n",
               w[nw - 1], tab[nw - 1][2], w[nw - 1], tab[nw - 1][0], w[nw - 1], tab[nw - 1][1]);
    else
        printf("\nreading it: threads and processes run the same instructions on the same cores;\n"
               "  both stop gaining past %d usable CPU%s. Processes pay for fork at every run.\n\n",
               ctx->topo->usable, ctx->topo->usable == 1 ? "" : "s");
    free(tab), free(w), free(sec);
    return EXIT_OK;
}
