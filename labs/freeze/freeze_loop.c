/* freeze_loop.c: the frozen-UI lab's machinery (freeze.h): the slow source, the worker
 * threads of each mode, and the frame loop both front ends share. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "freeze.h"
#include "util.h"
#include "work.h"

const char *const freeze_mode_names[FREEZE_NMODES] = {"blocking", "io-thread", "cpu-thread"};
const char *const freeze_mode_what[FREEZE_NMODES] = {
    "blocking I/O inside the UI loop",
    "the same I/O on a worker thread, which wakes the UI through a pipe",
    "a CPU-bound worker thread (no I/O)",
};

int freeze_mode_find(const char *name)
{
    for (int i = 0; i < FREEZE_NMODES; i++)
        if (!strcmp(name, freeze_mode_names[i]))
            return i;
    return -1;
}

struct freeze_ui {
    struct freeze_cfg cfg;
    enum freeze_mode mode;
    int sock;       /* to the slow source: a request is one byte, an answer 8 */
    pid_t source;
    int wake[2];    /* the io worker writes a byte here when an answer is in */
    pthread_t worker;
    int have_worker;
    atomic_int worker_stop;
    atomic_int failed;
    atomic_int run_stop;
    _Atomic uint64_t replies;
    _Atomic uint64_t last_wait_ns;
};

/* ---- the slow source: a child process that answers after a delay ------------------- */

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static noreturn void source_main(int fd, double delay_s)
{
    uint64_t n = 0;
    char c;
    /* answers each one-byte request after delay_s, until the UI closes its end */
    while (read(fd, &c, 1) == 1) {
        sleep_s(delay_s);
        n++;
        if (send(fd, &n, sizeof(n), MSG_NOSIGNAL) != (ssize_t)sizeof(n))
            break;
    }
    _exit(0);
}

static pid_t plain_fork(void)
{
    pid_t pid = fork();
    if (pid == 0)
        prctl(PR_SET_PDEATHSIG, SIGKILL);
    return pid;
}

static int plain_wait(pid_t pid, int *status)
{
    pid_t r;
    while ((r = waitpid(pid, status, 0)) < 0 && errno == EINTR)
        ;
    return r < 0 ? -1 : 0;
}

/* Ask the source and wait for its answer (this is the blocking part). */
static int fetch(struct freeze_ui *u)
{
    uint64_t v;
    double t = now_s();
    if (send(u->sock, "r", 1, MSG_NOSIGNAL) != 1 || read_full(u->sock, &v, sizeof(v)) < 0) {
        atomic_store(&u->failed, 1);
        return -1;
    }
    atomic_store(&u->last_wait_ns, (uint64_t)((now_s() - t) * 1e9));
    atomic_fetch_add(&u->replies, 1);
    return 0;
}

/* ---- the worker threads -------------------------------------------------------------------- */

/* io-thread: the same requests, on their schedule, from a thread of their own; each
 * answer wakes the UI through the pipe. */
static void *io_worker(void *p)
{
    struct freeze_ui *u = p;
    double next = now_s() + u->cfg.every_s / 2;
    while (!atomic_load(&u->worker_stop)) {
        double left = next - now_s();
        if (left > 0) {
            sleep_s(fmin(left, 0.01)); /* look at the stop flag every 10 ms */
            continue;
        }
        if (fetch(u) < 0)
            break;
        if (write(u->wake[1], "x", 1) < 0 && errno != EAGAIN)
            break;
        next += u->cfg.every_s;
        if (next < now_s())
            next = now_s() + u->cfg.every_s;
    }
    return NULL;
}

/* cpu-thread: work flat out, in slices of ~0.1 ms between looks at the stop flag. */
static void *cpu_worker(void *p)
{
    struct freeze_ui *u = p;
    uint64_t x = 1;
    while (!atomic_load_explicit(&u->worker_stop, memory_order_relaxed))
        x = burn(opaque(1 << 15), x);
    keep(x);
    return NULL;
}

static void worker_stop(struct freeze_ui *u)
{
    if (!u->have_worker)
        return;
    atomic_store(&u->worker_stop, 1);
    pthread_join(u->worker, NULL);
    u->have_worker = 0;
}

static void worker_start(struct freeze_ui *u)
{
    void *(*fn)(void *) = u->mode == FREEZE_IO_THREAD ? io_worker
                          : u->mode == FREEZE_CPU_THREAD ? cpu_worker : NULL;
    if (!fn)
        return;
    atomic_store(&u->worker_stop, 0);
    if (pthread_create(&u->worker, NULL, fn, u) != 0)
        die("freeze: cannot create the %s worker thread", freeze_mode_names[u->mode]);
    u->have_worker = 1;
}

struct freeze_ui *freeze_open(const struct freeze_cfg *cfg, enum freeze_mode mode)
{
    struct freeze_ui *u = xcalloc(1, sizeof(*u));
    int sv[2];
    u->cfg = *cfg;
    if (!u->cfg.fork_fn)
        u->cfg.fork_fn = plain_fork;
    if (!u->cfg.wait_fn)
        u->cfg.wait_fn = plain_wait;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
        pipe2(u->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
        note("freeze: cannot make the source's socket or the wake-up pipe: %s", strerror(errno));
        free(u);
        return NULL;
    }
    fflush(NULL);
    u->source = u->cfg.fork_fn();
    if (u->source < 0) {
        note("freeze: cannot start the slow source: %s", strerror(errno));
        close(sv[0]), close(sv[1]), close(u->wake[0]), close(u->wake[1]);
        free(u);
        return NULL;
    }
    if (u->source == 0) {
        close(sv[0]);
        source_main(sv[1], cfg->delay_s);
    }
    close(sv[1]);
    u->sock = sv[0];
    u->mode = mode;
    worker_start(u);
    return u;
}

void freeze_set_mode(struct freeze_ui *u, enum freeze_mode mode)
{
    if (mode == u->mode)
        return;
    worker_stop(u);
    u->mode = mode;
    worker_start(u);
}

enum freeze_mode freeze_get_mode(const struct freeze_ui *u)
{
    return u->mode;
}

void freeze_stop(struct freeze_ui *u)
{
    atomic_store(&u->run_stop, 1);
}

void freeze_close(struct freeze_ui *u)
{
    int st;
    if (!u)
        return;
    worker_stop(u);
    close(u->sock); /* the source reads end-of-file and exits (after an answer under way) */
    u->cfg.wait_fn(u->source, &st);
    close(u->wake[0]), close(u->wake[1]);
    free(u);
}

/* ---- the frame loop ----------------------------------------------------------------------- */

long freeze_run(struct freeze_ui *u, double seconds, const struct freeze_hooks *h)
{
    const double T = 1.0 / u->cfg.fps;
    /* the first request half a period in, so that even a short run makes one */
    double t0 = now_s(), next_fetch = t0 + u->cfg.every_s / 2;
    uint64_t k = 0, dropped = 0;
    long frames = 0;
    struct pollfd fds[2] = {{u->wake[0], POLLIN, 0}, {h && h->input_fd >= 0 ? h->input_fd : -1, POLLIN, 0}};
    nfds_t nfds = fds[1].fd >= 0 ? 2 : 1;
    atomic_store(&u->run_stop, 0);
    for (;;) {
        double due = t0 + (double)k * T, drawn;
        struct freeze_frame f;
        if (seconds > 0 && due - t0 >= seconds)
            break;
        /* Wait for the frame's time: the only place the loop sleeps. It wakes early for
         * a worker's answer (the pipe) or a key, and goes back to waiting. */
        for (;;) {
            double left = due - now_s();
            struct timespec ts;
            if (left <= 0 || atomic_load(&u->run_stop))
                break;
            ts.tv_sec = (time_t)left;
            ts.tv_nsec = (long)((left - floor(left)) * 1e9);
            if (ppoll(fds, nfds, &ts, NULL) > 0) {
                if (fds[0].revents) {
                    char buf[64];
                    while (read(u->wake[0], buf, sizeof(buf)) > 0)
                        ; /* an answer came in: the next frame shows it */
                }
                if (nfds > 1 && fds[1].revents && h->on_input)
                    h->on_input(h->arg);
            }
        }
        if (atomic_load(&u->run_stop))
            break;
        /* blocking: the request is made here, in the loop, and nothing is drawn until
         * the answer is in */
        if (u->mode == FREEZE_BLOCKING && now_s() >= next_fetch) {
            if (fetch(u) < 0)
                return -1;
            next_fetch += u->cfg.every_s;
            if (next_fetch < now_s())
                next_fetch = now_s() + u->cfg.every_s;
        }
        if (atomic_load(&u->failed))
            return -1;
        f = (struct freeze_frame){k, now_s() - t0, 0, u->mode, atomic_load(&u->replies),
                                  (double)atomic_load(&u->last_wait_ns) * 1e-9, dropped};
        if (h && h->draw)
            h->draw(h->arg, &f);
        drawn = now_s();
        f.t = drawn - t0;
        f.late_s = drawn - due;
        if (h && h->on_frame)
            h->on_frame(h->arg, &f);
        frames++;
        k++;
        /* Frames whose time passed while the loop was away are skipped (counted), not
         * drawn in a burst: the next frame drawn is the one due now or next. */
        while (t0 + (double)(k + 1) * T <= drawn) {
            k++;
            dropped++;
        }
    }
    return frames;
}

void freeze_frame_text(const struct freeze_frame *f, char *buf, size_t size)
{
    static const char spin[] = "|/-\\";
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    snprintf(buf, size, "%c %02d:%02d:%02d.%03ld  reply #%llu (%.0f ms)", spin[f->k % 4], tm.tm_hour,
             tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, (unsigned long long)f->replies,
             f->last_wait_s * 1e3);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void freeze_stats(double *v, int n, double *median, double *p99, double *worst)
{
    if (n <= 0) {
        *median = *p99 = *worst = NAN;
        return;
    }
    qsort(v, (size_t)n, sizeof(double), cmp_double);
    *median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    *p99 = v[(int)ceil(0.99 * n) - 1];
    *worst = v[n - 1];
}
