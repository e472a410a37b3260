/* test_sync.c: the sync lab's primitives are correct (labs/sync/prims.h). No timings:
 * counts add up with several threads, only one thread is ever inside a lock, the ticket
 * lock serves tickets in order, a barrier never lets a thread through early, a futex
 * ping-pong never loses a turn. Runs under TSan (tests/tsan.list): the primitives
 * are made of C11 atomics, so TSan sees every synchronisation. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "../labs/sync/prims.h"
#include "testlib.h"

/* More threads than this machine's 2 CPUs on purpose: spinning must still progress. */
#define NTHREADS 4
#define ITERS 10000
#define ROUNDS 1000

enum { K_TAS, K_TTAS, K_TICKET };

struct lock_test {
    int kind;
    struct sync_tas tas;
    struct sync_ttas ttas;
    struct sync_ticket ticket;
    pthread_barrier_t start;
    atomic_int inside;     /* threads inside the critical section right now */
    atomic_int max_inside; /* the most ever seen there at once */
    uint64_t counter;      /* protected by the lock: a plain, non-atomic variable */
    unsigned served;       /* ticket: how many entered so far (protected) */
    int out_of_order;      /* ticket: entries whose ticket was not the next one (protected) */
};

static void *lock_worker(void *p)
{
    struct lock_test *t = p;
    pthread_barrier_wait(&t->start);
    for (int i = 0; i < ITERS; i++) {
        unsigned ticket = 0;
        int now;
        switch (t->kind) {
        case K_TAS: sync_tas_lock(&t->tas); break;
        case K_TTAS: sync_ttas_lock(&t->ttas); break;
        default: ticket = sync_ticket_lock(&t->ticket); break;
        }
        now = atomic_fetch_add(&t->inside, 1) + 1;
        if (now > atomic_load(&t->max_inside))
            atomic_store(&t->max_inside, now);
        t->counter++;
        if (t->kind == K_TICKET) {
            t->out_of_order += ticket != t->served;
            t->served++;
        }
        atomic_fetch_sub(&t->inside, 1);
        switch (t->kind) {
        case K_TAS: sync_tas_unlock(&t->tas); break;
        case K_TTAS: sync_ttas_unlock(&t->ttas); break;
        default: sync_ticket_unlock(&t->ticket); break;
        }
    }
    return NULL;
}

static void run_lock_test(int kind, struct lock_test *t)
{
    pthread_t tid[NTHREADS];
    t->kind = kind;
    sync_tas_init(&t->tas);
    sync_ttas_init(&t->ttas);
    sync_ticket_init(&t->ticket);
    atomic_init(&t->inside, 0);
    atomic_init(&t->max_inside, 0);
    t->counter = 0;
    t->served = 0;
    t->out_of_order = 0;
    pthread_barrier_init(&t->start, NULL, NTHREADS);
    for (int i = 0; i < NTHREADS; i++)
        pthread_create(&tid[i], NULL, lock_worker, t);
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(tid[i], NULL);
    pthread_barrier_destroy(&t->start);
}

TEST(tas_counts_add_up_and_excludes)
{
    static struct lock_test t;
    run_lock_test(K_TAS, &t);
    CHECK(t.counter == (uint64_t)NTHREADS * ITERS);
    CHECK(atomic_load(&t.max_inside) == 1);
}

TEST(ttas_counts_add_up_and_excludes)
{
    static struct lock_test t;
    run_lock_test(K_TTAS, &t);
    CHECK(t.counter == (uint64_t)NTHREADS * ITERS);
    CHECK(atomic_load(&t.max_inside) == 1);
}

TEST(ticket_counts_add_up_and_serves_in_order)
{
    static struct lock_test t;
    run_lock_test(K_TICKET, &t);
    CHECK(t.counter == (uint64_t)NTHREADS * ITERS);
    CHECK(atomic_load(&t.max_inside) == 1);
    /* FIFO: the n-th thread in holds ticket n, for every entry */
    CHECK(t.out_of_order == 0);
    CHECK(t.served == (unsigned)NTHREADS * ITERS);
    CHECK(atomic_load(&t.ticket.next) == (unsigned)NTHREADS * ITERS);
}

TEST(ticket_hands_out_consecutive_numbers)
{
    struct sync_ticket l;
    sync_ticket_init(&l);
    for (unsigned i = 0; i < 5; i++) {
        CHECK(sync_ticket_lock(&l) == i);
        sync_ticket_unlock(&l);
    }
}

/* ---- the spin barrier ---------------------------------------------------------------- */

struct barrier_test {
    struct sync_barrier b;
    atomic_int arrived[ROUNDS]; /* how many reached round r's barrier */
    atomic_int last[ROUNDS];    /* how many were told "you were last" in round r */
    atomic_int early;           /* threads that left round r before all arrived */
    int n;
};

static void *barrier_worker(void *p)
{
    struct barrier_test *t = p;
    int sense = 0;
    for (int r = 0; r < ROUNDS; r++) {
        atomic_fetch_add(&t->arrived[r], 1);
        if (sync_barrier_wait(&t->b, &sense))
            atomic_fetch_add(&t->last[r], 1);
        /* through the barrier: everyone must have arrived at this round */
        if (atomic_load(&t->arrived[r]) != t->n)
            atomic_fetch_add(&t->early, 1);
        /* and nobody can be at round r + 2 yet: that needs us at round r + 1's barrier */
        if (r + 2 < ROUNDS && atomic_load(&t->arrived[r + 2]) > 0)
            atomic_fetch_add(&t->early, 1);
    }
    return NULL;
}

static void run_barrier_test(int n, struct barrier_test *t)
{
    pthread_t tid[NTHREADS];
    t->n = n;
    sync_barrier_init(&t->b, n);
    atomic_init(&t->early, 0);
    for (int r = 0; r < ROUNDS; r++) {
        atomic_init(&t->arrived[r], 0);
        atomic_init(&t->last[r], 0);
    }
    for (int i = 0; i < n; i++)
        pthread_create(&tid[i], NULL, barrier_worker, t);
    for (int i = 0; i < n; i++)
        pthread_join(tid[i], NULL);
}

static int every_round_had_one_last(const struct barrier_test *t)
{
    for (int r = 0; r < ROUNDS; r++)
        if (atomic_load(&t->last[r]) != 1)
            return 0;
    return 1;
}

TEST(spin_barrier_never_lets_a_thread_through_early)
{
    static struct barrier_test t;
    run_barrier_test(NTHREADS, &t);
    CHECK(atomic_load(&t.early) == 0);
    CHECK(every_round_had_one_last(&t));
    CHECK(atomic_load(&t.arrived[ROUNDS - 1]) == NTHREADS);
}

TEST(spin_barrier_two_threads_and_one)
{
    static struct barrier_test t;
    run_barrier_test(2, &t);
    CHECK(atomic_load(&t.early) == 0);
    CHECK(every_round_had_one_last(&t));
    run_barrier_test(1, &t); /* one thread: never waits, is always last */
    CHECK(atomic_load(&t.early) == 0);
    CHECK(every_round_had_one_last(&t));
}

/* ---- futex ping-pong -------------------------------------------------------------------- */

struct pingpong {
    atomic_int turn; /* 0: ping's turn, 1: pong's */
    int pong_rounds; /* written by pong only, read after join */
};

static void futex_give(struct pingpong *p, int to)
{
    atomic_store(&p->turn, to);
    sync_futex_wake(&p->turn, 1);
}

static void futex_take(struct pingpong *p, int me)
{
    while (atomic_load(&p->turn) != me)
        sync_futex_wait(&p->turn, !me);
}

static void *pong_worker(void *arg)
{
    struct pingpong *p = arg;
    for (int i = 0; i < ROUNDS; i++) {
        futex_take(p, 1);
        p->pong_rounds++;
        futex_give(p, 0);
    }
    return NULL;
}

TEST(futex_pingpong_never_loses_a_wakeup)
{
    struct pingpong p = {.pong_rounds = 0};
    pthread_t tid;
    int ping_rounds = 0;
    atomic_init(&p.turn, 0);
    pthread_create(&tid, NULL, pong_worker, &p);
    for (int i = 0; i < ROUNDS; i++) {
        futex_give(&p, 1);
        futex_take(&p, 0);
        ping_rounds++;
        /* pong has answered exactly as many times as we asked */
        CHECK(p.pong_rounds == ping_rounds);
    }
    pthread_join(tid, NULL);
    CHECK(p.pong_rounds == ROUNDS);
}

TEST(futex_wait_returns_at_once_when_the_word_differs)
{
    atomic_int w;
    atomic_init(&w, 5);
    /* expected 4, the word holds 5: the kernel refuses to sleep (EAGAIN) */
    CHECK(sync_futex_wait(&w, 4) == -1);
    CHECK(sync_futex_wake(&w, 1) == 0); /* nobody was waiting */
}

TEST(relax_yields_only_after_the_limit)
{
    unsigned spins = 0;
    for (int i = 0; i < SYNC_SPIN_LIMIT + 10; i++)
        sync_relax(&spins);
    CHECK(spins == SYNC_SPIN_LIMIT + 10);
}

int main(void)
{
    RUN(tas_counts_add_up_and_excludes);
    RUN(ttas_counts_add_up_and_excludes);
    RUN(ticket_counts_add_up_and_serves_in_order);
    RUN(ticket_hands_out_consecutive_numbers);
    RUN(spin_barrier_never_lets_a_thread_through_early);
    RUN(spin_barrier_two_threads_and_one);
    RUN(futex_pingpong_never_loses_a_wakeup);
    RUN(futex_wait_returns_at_once_when_the_word_differs);
    RUN(relax_yields_only_after_the_limit);
    return TEST_DONE();
}
