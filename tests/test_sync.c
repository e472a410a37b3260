/* test_sync.c: the sync lab is correct, without a single timing.
 *   - its primitives (labs/sync/prims.h): counts add up with several threads, only one
 *     thread is ever inside a lock, the ticket lock serves tickets in order, a barrier
 *     never lets a thread through early, a futex ping-pong never loses a turn;
 *   - its team (sync_team.c): every worker runs once per sample, the test and reference
 *     sides are what they say, the CPU a team got is within what its workers could get;
 *   - its table: the experiments, options and claims parlab reads, and points() for 1,
 *     2 and 64 CPUs, skipped points included;
 *   - its claims, on summaries written by hand: numbers that agree with the lesson hold,
 *     doctored ones do not, and one CPU cannot tell.
 * Runs under TSan (tests/tsan.list): the primitives are made of C11 atomics, so TSan sees
 * every synchronisation; the lab's deliberate race is never run here. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../labs/sync/prims.h"
#include "../labs/sync/sync.h"
#include "report.h"
#include "testlib.h"
#include "work.h"

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

/* ---- the team ---------------------------------------------------------------------------- */

static void ctx_init(struct lab_ctx *ctx, struct topo *t, double *opt, bool *given)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->lab = &lab_sync;
    ctx->topo = t;
    ctx->opt = opt;
    ctx->opt_given = given;
    ctx->reps = 3;
    ctx->rep = -1;
}

/* This machine's CPUs: the team pins its workers to them. */
static struct topo *this_machine(void)
{
    static struct topo t;
    static int done;
    if (!done++)
        topo_detect(&t);
    return &t;
}

/* Each worker runs for iters microseconds (by the clock: long next to the few us that
 * reading the clocks costs) and writes what it did into its own slot. */
static void count_body(struct job *j, int id)
{
    double t0 = now_s();
    if (j->reference) {
        j->slots[id].n = 1000000 + j->iters;
        return;
    }
    while (now_s() - t0 < (double)j->iters * 1e-6)
        cpu_relax();
    j->slots[id].n = j->iters;
    atomic_fetch_add(&j->acounter, j->iters);
}

TEST(team_runs_every_worker_once_a_sample_and_lives_on)
{
    struct topo *t = this_machine();
    struct lab_ctx ctx;
    double opt[3] = {1, 64, 2};
    bool given[3] = {false, false, false};
    ctx_init(&ctx, t, opt, given);
    for (int w = 1; w <= 4; w++) {
        struct job *j = job_new(&ctx, w, count_body, 0);
        double el;
        j->iters = 5000; /* 5 ms */
        el = team_run(j);
        CHECK(el >= 0);
        CHECK(el == team_elapsed(j));
        for (int i = 0; i < w; i++) {
            CHECK(j->slots[i].n == 5000);
            CHECK(j->slots[w + i].t >= j->slots[i].t); /* finished after it started */
        }
        /* a thread cannot get more CPU than the wall time it ran (clocks differ a little) */
        CHECK(team_cpu_cores(j) >= 0);
        CHECK(team_cpu_cores(j) <= w * 1.05 + 0.05);
        CHECK(atomic_load(&j->acounter) == 5000u * (unsigned)w);
        /* the same team runs the next sample: no new threads */
        {
            pthread_t first = j->tid[0];
            j->iters = 1000;
            team_run(j);
            CHECK(pthread_equal(first, j->tid[0]));
            for (int i = 0; i < w; i++)
                CHECK(j->slots[i].n == 1000);
        }
        job_free(j);
    }
}

TEST(job_work_sides_zero_the_counters)
{
    struct topo *t = this_machine();
    struct lab_ctx ctx;
    double opt[3] = {1, 64, 2};
    bool given[3] = {false, false, false};
    struct job *j;
    struct harness_work test, ref;
    ctx_init(&ctx, t, opt, given);
    j = job_new(&ctx, 2, count_body, 0);
    test = job_work(j, 0);
    ref = job_work(j, 1);
    CHECK(test.timed && !test.run && ref.timed && !ref.run);
    j->counter = 77;
    atomic_store(&j->acounter, 99);
    CHECK(harness_time(&test, 1000) >= 0);
    CHECK(j->iters == 1000 && j->reference == 0 && j->counter == 0);
    CHECK(atomic_load(&j->acounter) == 2000); /* zeroed first, then 2 workers x 1000 */
    CHECK(j->slots[0].n == 1000 && j->slots[1].n == 1000);
    CHECK(harness_time(&ref, 500) >= 0);
    CHECK(j->reference == 1 && j->slots[0].n == 1000500 && atomic_load(&j->acounter) == 0);
    CHECK(((struct job_side *)test.arg)->job == j && ((struct job_side *)ref.arg)->reference == 1);
    job_free(j);
}

/* The lab's spin-barrier body: every worker passes the job's barrier iters times.
 * Worker 1 starts late, so that a barrier left in the wrong state lets worker 0 run
 * ahead, every time. */
static void spin_barrier_body(struct job *j, int id)
{
    int sense = 0;
    if (id == 1)
        usleep(20000);
    for (uint64_t i = 0; i < j->iters; i++)
        sync_barrier_wait(&j->sbarrier, &sense);
    j->slots[id].n = j->iters;
}

static void on_alarm(int sig)
{
    static const char msg[] = "not ok - spin_barrier_samples_of_any_length_in_a_row: hung\n";
    (void)sig;
    if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
        _exit(1);
    _exit(1);
}

/* Samples of odd and even lengths in a row: each starts with a fresh barrier (an old
 * barrier's sense after an odd count let a worker through early, and then hung). */
TEST(spin_barrier_samples_of_any_length_in_a_row)
{
    struct topo *t = this_machine();
    struct lab_ctx ctx;
    double opt[3] = {1, 64, 2};
    bool given[3] = {false, false, false};
    struct job *j;
    struct harness_work test;
    static const uint64_t lengths[] = {3, 5, 4, 1, 7, 1000};
    ctx_init(&ctx, t, opt, given);
    j = job_new(&ctx, 2, spin_barrier_body, 0);
    test = job_work(j, 0);
    signal(SIGALRM, on_alarm);
    alarm(30);
    for (size_t k = 0; k < sizeof(lengths) / sizeof(lengths[0]); k++) {
        CHECK(harness_time(&test, lengths[k]) >= 0);
        for (int i = 0; i < 2; i++)
            CHECK(j->slots[i].n == lengths[k]);
    }
    alarm(0);
    job_free(j);
}

/* ---- the lab table ------------------------------------------------------------------------ */

TEST(table_declares_experiments_options_claims)
{
    static const char *const names[] = {"race",          "lock", "barrier", "handoff",
                                        "false-sharing", "c2c",  "demo"};
    int ne = lab_nexperiments(&lab_sync);
    CHECK(ne == 7);
    for (int i = 0; i < ne && i < 7; i++) {
        CHECK(!strcmp(lab_sync.experiments[i].name, names[i]));
        CHECK(lab_sync.experiments[i].run && lab_sync.experiments[i].points);
        /* only the stage demo waits to be named */
        CHECK(lab_sync.experiments[i].optional == !strcmp(names[i], "demo"));
    }
    CHECK(lab_noptions(&lab_sync) == 3);
    CHECK(!strcmp(lab_sync.options[0].name, "sample-ms") && lab_sync.options[0].type == LAB_OPT_NUMBER);
    CHECK(lab_sync.options[0].def == 10 && lab_sync.options[0].quick == 1 && lab_sync.options[0].lo > 0);
    CHECK(!strcmp(lab_sync.options[1].name, "pairs") && lab_sync.options[1].type == LAB_OPT_INTEGER);
    CHECK(lab_sync.options[1].lo >= 1);
    CHECK(!strcmp(lab_sync.options[2].name, "phase-seconds") && lab_sync.options[2].def == 10 &&
          lab_sync.options[2].quick == 2 && lab_sync.options[2].lo > 0);
    /* every claim belongs to an experiment of the lab */
    for (const struct lab_claim *c = lab_sync.claims; c->text; c++)
        CHECK(c->experiment && lab_experiment_index(&lab_sync, c->experiment) >= 0 && c->judge);
    CHECK(lab_sync.check && lab_sync.prepare);
}

static int points_of(struct lab_ctx *ctx, const char *exp)
{
    return lab_sync.experiments[lab_experiment_index(&lab_sync, exp)].points(ctx);
}

TEST(points_count_every_point_skipped_ones_too)
{
    static struct topo t;
    struct lab_ctx ctx;
    double opt[3] = {1, 64, 2};
    bool given[3] = {false, false, false};
    int *w, nw;

    /* 2 CPUs, the default counts 1, 2, 4 */
    t.usable = t.naffinity = 2;
    ctx_init(&ctx, &t, opt, given);
    nw = harness_workers_auto(&t, &w);
    ctx.workers = w, ctx.nworkers = nw, ctx.quick = true;
    CHECK(nw == 3);
    CHECK(points_of(&ctx, "race") == 2);            /* 2 and 4 workers */
    CHECK(points_of(&ctx, "lock") == 11 * 3);       /* spinlock and ticket at 4: skipped, counted */
    CHECK(points_of(&ctx, "barrier") == 3 * 3);
    CHECK(points_of(&ctx, "handoff") == 3);
    CHECK(points_of(&ctx, "false-sharing") == 3 * 3 * 2); /* 1 and 2 workers, not 4 */
    CHECK(points_of(&ctx, "c2c") == 1);
    CHECK(points_of(&ctx, "demo") == 3); /* 1 worker padded, 2 padded, 2 same-line */
    free(w);

    /* 1 CPU: the counts are 1, 2; every point with 2 workers is skipped but counted */
    t.usable = t.naffinity = 1;
    nw = harness_workers_auto(&t, &w);
    ctx.workers = w, ctx.nworkers = nw;
    CHECK(points_of(&ctx, "race") == 1);
    CHECK(points_of(&ctx, "lock") == 11 * 2);
    CHECK(points_of(&ctx, "handoff") == 3);
    CHECK(points_of(&ctx, "false-sharing") == 3 * 3 * 2);
    CHECK(points_of(&ctx, "c2c") == 1); /* one skipped point says why */
    CHECK(points_of(&ctx, "demo") == 3); /* the 2-worker phases skipped, saying why */
    free(w);

    /* 64 CPUs: the default sweep is thinned to 1, 2, 4, 16, 64, 128 */
    t.usable = t.naffinity = 64;
    nw = harness_workers_auto(&t, &w);
    ctx.workers = w, ctx.nworkers = nw;
    CHECK(points_of(&ctx, "lock") == 11 * 6);
    CHECK(points_of(&ctx, "race") == 5);
    CHECK(points_of(&ctx, "false-sharing") == 3 * 3 * 5); /* 128 is oversubscribed: left out */
    CHECK(points_of(&ctx, "demo") == 3);
    ctx.workers_given = true; /* a list the user chose is kept whole */
    CHECK(points_of(&ctx, "lock") == 11 * (nw + (w[0] != 1)));
    free(w);
}

TEST(c2c_samples_cpus_to_stay_within_pairs)
{
    static struct topo t;
    struct lab_ctx ctx;
    double opt[3] = {1, 64, 2};
    bool given[3] = {false, false, false};
    int step, m;
    ctx_init(&ctx, &t, opt, given);
    t.usable = t.naffinity = 2;
    CHECK(sync_c2c_cpus(&ctx, &step) == 2 && step == 1);
    t.usable = t.naffinity = 11; /* 55 pairs: all of them */
    CHECK(sync_c2c_cpus(&ctx, &step) == 11 && step == 1);
    t.usable = t.naffinity = 64; /* 2016 pairs: every k-th CPU, the most that fit in 64 pairs */
    m = sync_c2c_cpus(&ctx, &step);
    CHECK(step > 1 && m == (64 + step - 1) / step);
    CHECK(m * (m - 1) / 2 <= 64);
    CHECK(points_of(&ctx, "c2c") == m * (m - 1) / 2);
    opt[1] = 1; /* --pairs 1: one pair */
    m = sync_c2c_cpus(&ctx, &step);
    CHECK(m == 2);
}

/* ---- the claims, on summaries written by hand --------------------------------------------- */

static struct sumrow rows[32];
static int nrows;

static void row(const char *exp, const char *variant, int workers, const char *param,
                const char *metric, double median, double lo, double hi)
{
    rows[nrows++] = (struct sumrow){(char *)exp, (char *)variant, (char *)param, (char *)metric,
                                    (char *)"", (char *)"", workers, 5, -1, median, lo, hi,
                                    lo, hi, 0.9375, 0};
}

static struct sumrow *find(const char *exp, const char *variant, int workers, const char *param,
                           const char *metric)
{
    for (int i = 0; i < nrows; i++)
        if (!strcmp(rows[i].experiment, exp) && !strcmp(rows[i].variant, variant) &&
            rows[i].workers == workers && !strcmp(rows[i].param, param) &&
            !strcmp(rows[i].metric, metric))
            return &rows[i];
    return NULL;
}

static void set(struct sumrow *r, double median, double lo, double hi)
{
    r->median = median, r->ci_lo = r->min = lo, r->ci_hi = r->max = hi;
}

/* The verdict of the k-th claim about experiment exp on the rows so far. */
static enum verdict judge(const char *exp, int k, int usable)
{
    struct report_lab l;
    struct claim_out o;
    memset(&l, 0, sizeof(l));
    l.lab = &lab_sync;
    l.rows = rows;
    l.nrows = nrows;
    l.usable = usable;
    for (const struct lab_claim *c = lab_sync.claims; c->text; c++)
        if (!strcmp(c->experiment, exp) && k-- == 0) {
            report_judge(&l, c, &o);
            return o.verdict;
        }
    return (enum verdict)-1;
}

/* Numbers like the lesson's (EPYC VM, 2 workers). */
static void lesson_rows(void)
{
    nrows = 0;
    row("race", "unsynchronised", 2, "", "lost_updates", 1.7e6, 1.5e6, 1.8e6);
    row("lock", "mutex", 1, "", "ns_per_op", 15, 14, 16);
    row("lock", "atomic-add", 1, "", "ns_per_op", 5.8, 5.5, 6);
    row("lock", "mutex", 2, "", "ns_per_op", 66, 60, 70);
    row("handoff", "condvar", 2, "", "us", 40, 30, 50);
    row("handoff", "spin", 2, "", "us", 0.1, 0.08, 0.12);
    row("false-sharing", "same-line", 2, "op=atomic", "vs_padded", 9.6, 9.0, 10);
    row("false-sharing", "same-line", 2, "op=fence", "vs_padded", 6.7, 6.2, 7.1);
    row("false-sharing", "padded", 2, "op=atomic", "ns_per_op", 3.2, 2.9, 3.3);
    row("false-sharing", "padded", 2, "op=fence", "ns_per_op", 3.3, 3.2, 3.3);
    row("demo", "padded", 2, "op=atomic", "incs_per_s", 6e8, 5.8e8, 6.1e8);
    row("demo", "same-line", 2, "op=atomic", "incs_per_s", 6e7, 5.5e7, 6.5e7);
}

TEST(claims_hold_on_the_lessons_numbers)
{
    lesson_rows();
    CHECK(judge("race", 0, 2) == VERDICT_HOLDS);
    CHECK(judge("lock", 0, 2) == VERDICT_HOLDS);
    CHECK(judge("lock", 1, 2) == VERDICT_HOLDS);
    CHECK(judge("handoff", 0, 2) == VERDICT_HOLDS);
    CHECK(judge("false-sharing", 0, 2) == VERDICT_HOLDS);
    CHECK(judge("false-sharing", 1, 2) == VERDICT_HOLDS);
    CHECK(judge("demo", 0, 2) == VERDICT_HOLDS);
}

TEST(claims_do_not_hold_on_doctored_numbers)
{
    lesson_rows();
    rows[0].median = rows[0].ci_lo = rows[0].ci_hi = 0;          /* no update lost */
    rows[0].min = rows[0].max = 0;
    rows[2].median = 30, rows[2].ci_lo = 29, rows[2].ci_hi = 31; /* atomic dearer than mutex */
    rows[3].median = 15, rows[3].ci_lo = 14, rows[3].ci_hi = 16; /* contention is free */
    rows[4].median = 0.1, rows[4].ci_lo = 0.09, rows[4].ci_hi = 0.11; /* a condvar as fast as spinning */
    rows[6].median = 1, rows[6].ci_lo = 0.9, rows[6].ci_hi = 1.1; /* no false sharing */
    set(find("false-sharing", "same-line", 2, "op=fence", "vs_padded"), 1, 0.9, 1.1);
    set(find("demo", "same-line", 2, "op=atomic", "incs_per_s"), 6e8, 5.8e8, 6.1e8);
    CHECK(judge("race", 0, 2) == VERDICT_FAILS);
    CHECK(judge("lock", 0, 2) == VERDICT_FAILS);
    CHECK(judge("lock", 1, 2) == VERDICT_FAILS);
    CHECK(judge("handoff", 0, 2) == VERDICT_FAILS);
    CHECK(judge("false-sharing", 0, 2) == VERDICT_FAILS);
    CHECK(judge("false-sharing", 1, 2) == VERDICT_FAILS);
    CHECK(judge("demo", 0, 2) == VERDICT_FAILS);
}

/* The thresholds the issue asks of the lesson: a condvar at least 10x a spinner, false
 * sharing at least 2x with atomics. Just below either does not hold. */
TEST(claims_need_10x_for_handoff_and_2x_for_atomic_false_sharing)
{
    lesson_rows();
    set(find("handoff", "condvar", 2, "", "us"), 0.6, 0.55, 0.65); /* 6x [4.6, 8.1] */
    CHECK(judge("handoff", 0, 2) == VERDICT_FAILS);
    set(find("handoff", "condvar", 2, "", "us"), 2, 1.5, 2.5); /* 20x [12.5, 31] */
    CHECK(judge("handoff", 0, 2) == VERDICT_HOLDS);
    set(find("false-sharing", "same-line", 2, "op=atomic", "vs_padded"), 1.7, 1.6, 1.8);
    CHECK(judge("false-sharing", 0, 2) == VERDICT_FAILS);
    set(find("false-sharing", "same-line", 2, "op=atomic", "vs_padded"), 2.4, 2.2, 2.6);
    CHECK(judge("false-sharing", 0, 2) == VERDICT_HOLDS);
    set(find("false-sharing", "same-line", 2, "op=fence", "vs_padded"), 1.7, 1.6, 1.8);
    CHECK(judge("false-sharing", 1, 2) == VERDICT_HOLDS); /* the fence form: 1.5x */
}

/* A paired ratio is only as good as both its sides: a padded point whose workers did not
 * get their CPUs (flagged short) makes same-line / padded small for nothing. */
TEST(false_sharing_cannot_tell_when_the_padded_side_was_short)
{
    lesson_rows();
    set(find("false-sharing", "same-line", 2, "op=fence", "vs_padded"), 0.11, 1e-5, 0.66);
    find("false-sharing", "padded", 2, "op=fence", "ns_per_op")->flags = (char *)"short";
    CHECK(judge("false-sharing", 1, 2) == VERDICT_CANNOT_TELL);
    CHECK(judge("false-sharing", 0, 2) == VERDICT_HOLDS); /* the atomic side is untouched */
    find("false-sharing", "padded", 2, "op=atomic", "ns_per_op")->flags = (char *)"busy";
    CHECK(judge("false-sharing", 0, 2) == VERDICT_CANNOT_TELL);
}

TEST(claims_about_contention_cannot_tell_on_one_cpu)
{
    lesson_rows();
    CHECK(judge("race", 0, 1) == VERDICT_CANNOT_TELL);
    CHECK(judge("lock", 0, 1) == VERDICT_HOLDS); /* uncontended: one CPU is enough */
    CHECK(judge("lock", 1, 1) == VERDICT_CANNOT_TELL);
    CHECK(judge("handoff", 0, 1) == VERDICT_CANNOT_TELL);
    CHECK(judge("false-sharing", 0, 1) == VERDICT_CANNOT_TELL);
    CHECK(judge("false-sharing", 1, 1) == VERDICT_CANNOT_TELL);
    CHECK(judge("demo", 0, 1) == VERDICT_CANNOT_TELL);
    /* a straddling interval cannot tell either, and neither can a missing row */
    rows[6].median = 2, rows[6].ci_lo = 1.6, rows[6].ci_hi = 2.5;
    CHECK(judge("false-sharing", 0, 2) == VERDICT_CANNOT_TELL);
    nrows = 6;
    CHECK(judge("false-sharing", 0, 2) == VERDICT_CANNOT_TELL);
    CHECK(judge("false-sharing", 1, 2) == VERDICT_CANNOT_TELL);
    CHECK(judge("demo", 0, 2) == VERDICT_CANNOT_TELL);
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
    RUN(team_runs_every_worker_once_a_sample_and_lives_on);
    RUN(job_work_sides_zero_the_counters);
    RUN(spin_barrier_samples_of_any_length_in_a_row);
    RUN(table_declares_experiments_options_claims);
    RUN(points_count_every_point_skipped_ones_too);
    RUN(c2c_samples_cpus_to_stay_within_pairs);
    RUN(claims_hold_on_the_lessons_numbers);
    RUN(claims_do_not_hold_on_doctored_numbers);
    RUN(claims_need_10x_for_handoff_and_2x_for_atomic_false_sharing);
    RUN(false_sharing_cannot_tell_when_the_padded_side_was_short);
    RUN(claims_about_contention_cannot_tell_on_one_cpu);
    return TEST_DONE();
}
