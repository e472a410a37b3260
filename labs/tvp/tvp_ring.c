/* labs/tvp/tvp_ring.c: a message channel in shared memory, the "processes-shm" and
 * "threads-shm" transports of the communicate experiment (tvp_comm.c).
 *
 * What a pipe does for us, built by hand: a ring of slots, a head the sender advances
 * and a tail the receiver advances, and a way to sleep when there is nothing to do
 * (futex). It is ~100 lines of atomics, and that is the catch of shared memory: it
 * skips the kernel on every message, but the synchronisation is yours to get right.
 * tests/test_tvp.c checks that every message arrives once, in order, intact, and that
 * closing or a dead peer ends a wait instead of hanging it. */
#include "tvp.h"

#include <limits.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "work.h"

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
