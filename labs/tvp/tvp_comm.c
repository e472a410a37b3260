/* labs/tvp/tvp_comm.c: talking between two workers, the communicate experiment.
 *
 * Two workers pass messages of 8 B to 1 MiB back and forth, four ways:
 *   threads-shm    two threads, a ring of slots in ordinary memory (tvp_ring.c)
 *   pipe           two processes, one pipe each way: the kernel copies in, then out
 *   socketpair     two processes, a Unix stream socket: the same, through the socket layer
 *   processes-shm  two processes, the same ring as threads-shm in MAP_SHARED memory
 * latency_us is half a ping-pong round trip (the usual definition: one message one way,
 * with the other side already waiting). us_per_msg is the time a message takes when
 * they are streamed one way until the receiver confirms the last one, and
 * bandwidth_mbps = bytes / us_per_msg (a byte a microsecond is 1 MB/s, 10^6 bytes).
 *
 * Small messages measure waking the other side: a system call and, when the other
 * side sleeps, a trip through the scheduler. Big messages measure copying: the kernel
 * copies pipe data twice (in and out) in chunks of the 64 KiB pipe buffer; shared
 * memory also copies twice here (into the slot and out of it), but with no system
 * call in between when both sides spin on their own core.
 *
 * How it is measured: one sample is `count` messages, timed by the sample itself
 * (struct harness_work's .timed: the command that tells the far side what comes is
 * sent before the clock starts). harness_calibrate doubles count until a sample lasts
 * long enough to time well; harness_sample takes the warm-up and the repetitions. */
#include "tvp.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "work.h"

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

/* The work the harness calibrates and samples: count messages of one size, one way. */
struct comm_work {
    struct link *l;
    char *buf;
    int op;
    uint32_t bytes;
    int failed; /* the worker died: every later sample fails at once */
};

static double comm_timed(void *arg, uint64_t count)
{
    struct comm_work *w = arg;
    double t = w->failed ? -1 : comm_time(w->l, w->buf, w->op, w->bytes, count);
    if (t < 0) {
        w->failed = 1;
        return INFINITY; /* "never": ends the calibration at once */
    }
    return t;
}

/* Two points a size: a ping-pong (latency_us) and a one-way stream (us_per_msg and
 * bandwidth_mbps), told apart by the param's pattern=. */
static const char *const patterns[] = {"pingpong", "stream"};

static const char *const transports[] = {"threads-shm", "pipe", "socketpair", "processes-shm"};
#define NTRANSPORTS 4

static const uint32_t sizes_full[] = {TVP_SMALL_MSG, 32, 128, 512, 2048, 8192, 32768, 131072, 524288, 1048576};
static const uint32_t sizes_quick[] = {TVP_SMALL_MSG, 512, 32768, 1048576};

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

static int nsizes_of(const struct lab_ctx *ctx, const uint32_t **sizes)
{
    *sizes = ctx->quick ? sizes_quick : sizes_full;
    return (int)(ctx->quick ? ARRAY_SIZE(sizes_quick) : ARRAY_SIZE(sizes_full));
}

/* Every transport, both metrics, every size: a transport that cannot be set up here is
 * skipped point by point. */
int tvp_communicate_points(const struct lab_ctx *ctx)
{
    const uint32_t *sizes;
    return NTRANSPORTS * 2 * nsizes_of(ctx, &sizes);
}

/* One point: count messages of `bytes` as a ping-pong (latency_us) or a one-way stream
 * (us_per_msg, and bandwidth_mbps from it, repetition by repetition). */
static int comm_point(struct lab_ctx *ctx, const struct point *pt, struct link *l, char *buf,
                      int op, uint32_t bytes)
{
    struct comm_work cw = {l, buf, op, bytes, 0};
    struct harness_work w = {.timed = comm_timed, .arg = &cw};
    double min_s = ctx->quick ? 0.005 : 0.01;
    uint64_t n;
    int rc;

    harness_point(ctx, pt);
    /* As many messages a sample as make it last min_s: a 0.1 us shared-memory message
     * needs ten thousands, a 1 ms pipe round trip of 1 MiB a few. */
    n = harness_calibrate(&w, min_s, 1, UINT64_C(1) << 24);
    if (op == OP_PINGPONG)
        rc = harness_sample(ctx, pt, &w, n, "latency_us", "us", 1e6 / 2); /* half a round trip */
    else
        rc = harness_sample(ctx, pt, &w, n, "us_per_msg", "us", 1e6);
    if (cw.failed)
        return EXIT_FAIL; /* comm_stop says how the worker died */
    if (rc != EXIT_OK)
        return rc;
    if (op == OP_STREAM) {
        double us[1024];
        int reps[1024], k = results_values(ctx->res, pt, "us_per_msg", us, reps, 1024);
        for (int i = 0; i < k; i++)
            results_add(ctx->res, pt, reps[i], "bandwidth_mbps", bytes / us[i], "MB/s");
    }
    harness_print(ctx, pt, op == OP_PINGPONG ? "latency_us" : "bandwidth_mbps");
    return EXIT_OK;
}

int tvp_communicate(struct lab_ctx *ctx)
{
    const uint32_t *sizes;
    int nsizes = nsizes_of(ctx, &sizes), rc = EXIT_OK;
    char *buf = xcalloc(1, MAX_MSG);
    struct affinity saved;

    printf("== communicate: two workers, messages of %u B to %u KiB (latency = half a round "
           "trip; bandwidth one way)\n", sizes[0], sizes[nsizes - 1] >> 10);
    if (ctx->topo->usable < 2)
        printf("(1 usable CPU: the two workers take turns on it, so every message waits for a\n"
               " context switch, and the rings sleep at once instead of spinning)\n");

    affinity_save(&saved);
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
            affinity_restore(&saved);

        if (comm_start(ctx, k, &l, &far, &th, &pid, &mem, &mem_bytes) < 0) {
            int e = errno;
            for (int m = 0; m < 2; m++)
                for (int s = 0; s < nsizes; s++) {
                    char param[48];
                    struct point pt = {"communicate", transports[k], 2, param, 0};
                    fmt_param(param, sizeof(param), "bytes=%u;pattern=%s", sizes[s], patterns[m]);
                    harness_skip(ctx, &pt, "cannot set up %s here (%s)", transports[k], strerror(e));
                }
            continue;
        }
        for (int m = 0; m < 2 && rc == EXIT_OK; m++)
            for (int s = 0; s < nsizes && rc == EXIT_OK; s++) {
                char param[48];
                /* cores_wanted 0: the two sides mostly wait for each other. */
                struct point pt = {"communicate", transports[k], 2, param, 0};
                fmt_param(param, sizeof(param), "bytes=%u;pattern=%s", sizes[s], patterns[m]);
                rc = comm_point(ctx, &pt, &l, buf, m == 0 ? OP_PINGPONG : OP_STREAM, sizes[s]);
            }
        if (comm_stop(k, &l, th, pid, mem, mem_bytes) < 0 || rc == EXIT_FAIL) {
            printf("communicate %s: stopped: the worker died in the middle\n", transports[k]);
            rc = EXIT_FAIL;
        }
    }
    affinity_restore(&saved);
    free(buf);
    return rc;
}
