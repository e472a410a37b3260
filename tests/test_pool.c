/* test_pool.c: the thread pool and the process pool keep their contracts (pool.h):
 * every task runs exactly once, results come back in order, shutdown runs queued work,
 * a crashing worker is reported and not waited on forever. And the pool lab's own parts
 * (labs/pool): break-even sizes, the CPU of live workers, its claims' verdicts. No
 * timing is asserted. */
#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../labs/pool/pool_lab.h"
#include "harness.h"
#include "report.h"
#include "testlib.h"
#include "claimlib.h"

/* ---- thread pool ---------------------------------------------------------------------- */

static _Atomic int *hits;

static void hit(void *arg)
{
    atomic_fetch_add_explicit(&hits[(size_t)arg], 1, memory_order_relaxed);
}

static int all_once(size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (atomic_load(&hits[i]) != 1) {
            printf("#   task %zu ran %d times\n", i, atomic_load(&hits[i]));
            return 0;
        }
    return 1;
}

static void reset_hits(size_t n)
{
    free(hits);
    hits = calloc(n, sizeof(*hits));
}

/* Single submits and batches, with a tiny ring so the submitter often finds it full
 * and has to run tasks itself. */
TEST(every_task_runs_once)
{
    enum { N = 200000 };
    int threads[] = {0, 1, 3};
    for (size_t t = 0; t < ARRAY_SIZE(threads); t++) {
        struct pool *p = pool_create(threads[t], 64);
        CHECK(p != NULL);
        if (!p)
            return;
        CHECK(pool_threads(p) == threads[t]);
        reset_hits(N);
        for (size_t i = 0; i < N / 2; i++)
            pool_submit(p, hit, (void *)i);
        /* the second half as one batch: arg i = base + i * stride, base = N / 2 */
        pool_submit_batch(p, hit, (void *)(size_t)(N / 2), 1, N / 2);
        pool_wait(p);
        CHECK(all_once(N));
        CHECK(pool_completed(p) == N);
        pool_destroy(p);
    }
}

/* pool_submit_batch passes arg_i = args + i * stride. */
struct cell {
    size_t index;
    int64_t value;
};

static void square_cell(void *arg)
{
    struct cell *c = arg;
    c->value = (int64_t)c->index * (int64_t)c->index;
    atomic_fetch_add_explicit(&hits[c->index], 1, memory_order_relaxed);
}

TEST(batch_args_and_reuse)
{
    enum { N = 50000 };
    struct cell *cells = calloc(N, sizeof(*cells));
    struct pool *p = pool_create(2, 1024);
    CHECK(p != NULL);
    if (!p)
        return;
    for (int round = 0; round < 3; round++) {
        reset_hits(N);
        for (size_t i = 0; i < N; i++)
            cells[i] = (struct cell){i, -1};
        pool_submit_batch(p, square_cell, cells, sizeof(cells[0]), N);
        pool_wait(p);
        CHECK(all_once(N));
        for (size_t i = 0; i < N; i++)
            if (cells[i].value != (int64_t)(i * i)) {
                CHECK(cells[i].value == (int64_t)(i * i));
                break;
            }
    }
    CHECK(pool_completed(p) == 3 * (uint64_t)N);
    pool_destroy(p);
    free(cells);
}

/* Tasks that submit tasks (a tree), and several threads submitting at once. */
static struct pool *tree_pool;

static void tree_node(void *arg)
{
    size_t i = (size_t)arg;
    atomic_fetch_add_explicit(&hits[i], 1, memory_order_relaxed);
    if (2 * i + 1 < 4095)
        pool_submit(tree_pool, tree_node, (void *)(2 * i + 1));
    if (2 * i + 2 < 4095)
        pool_submit(tree_pool, tree_node, (void *)(2 * i + 2));
}

static void *outside_submitter(void *arg)
{
    size_t base = (size_t)arg;
    for (size_t i = 0; i < 20000; i++)
        pool_submit(tree_pool, hit, (void *)(base + i));
    return NULL;
}

TEST(nested_and_concurrent_submit)
{
    pthread_t th[2];
    reset_hits(4095 + 40000);
    tree_pool = pool_create(2, 256);
    CHECK(tree_pool != NULL);
    if (!tree_pool)
        return;
    pool_submit(tree_pool, tree_node, (void *)0);
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, outside_submitter, (void *)(size_t)(4095 + 20000 * i));
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    pool_wait(tree_pool);
    CHECK(all_once(4095 + 40000));
    CHECK(pool_completed(tree_pool) == 4095 + 40000);
    pool_destroy(tree_pool);
}

/* Many submitters at once on a ring of 8 slots: single submits and batches of every
 * size from 1 to 3 laps of the ring, interleaved, while 3 workers take chunks. Every
 * position is claimed by one submitter, the ring wraps thousands of times, and a
 * submitter that finds it full runs tasks itself. */
static struct pool *tiny_pool;

struct mixed_arg {
    size_t base, n;
};

static void *mixed_submitter(void *arg)
{
    const struct mixed_arg *a = arg;
    size_t i = 0, k = 1;
    while (i < a->n) {
        size_t b = k % 25; /* 0: a single submit; else a batch of b (up to 24 = 3 laps) */
        if (b == 0) {
            pool_submit(tiny_pool, hit, (void *)(a->base + i));
            i++;
        } else {
            b = b < a->n - i ? b : a->n - i;
            pool_submit_batch(tiny_pool, hit, (void *)(a->base + i), 1, b);
            i += b;
        }
        k++;
    }
    return NULL;
}

TEST(concurrent_batches_on_a_tiny_ring)
{
    enum { PER = 30000, NSUB = 4 };
    pthread_t th[NSUB];
    struct mixed_arg args[NSUB];
    reset_hits(PER * NSUB);
    tiny_pool = pool_create(3, 8);
    CHECK(tiny_pool != NULL);
    if (!tiny_pool)
        return;
    for (int i = 0; i < NSUB; i++) {
        args[i] = (struct mixed_arg){(size_t)i * PER, PER};
        pthread_create(&th[i], NULL, mixed_submitter, &args[i]);
    }
    for (int i = 0; i < NSUB; i++)
        pthread_join(th[i], NULL);
    pool_wait(tiny_pool);
    CHECK(all_once(PER * NSUB));
    CHECK(pool_completed(tiny_pool) == PER * NSUB);
    pool_destroy(tiny_pool);
}

/* Shutdown with queued work: destroy right after submitting slow tasks; the contract
 * is that every one of them still runs. */
static void slow_hit(void *arg)
{
    usleep(50);
    hit(arg);
}

TEST(shutdown_runs_queued_work)
{
    enum { N = 2000 };
    struct pool *p = pool_create(2, 0);
    CHECK(p != NULL);
    if (!p)
        return;
    reset_hits(N);
    for (size_t i = 0; i < N; i++)
        pool_submit(p, slow_hit, (void *)i);
    pool_destroy(p); /* no pool_wait first */
    CHECK(all_once(N));
}

/* An idle pool (workers asleep) wakes for new work. */
TEST(wakes_after_sleeping)
{
    struct pool *p = pool_create(2, 0);
    CHECK(p != NULL);
    if (!p)
        return;
    reset_hits(10);
    for (size_t i = 0; i < 10; i++) {
        usleep(2000); /* long past the spin: the workers are asleep */
        pool_submit(p, hit, (void *)i);
        pool_wait(p);
        CHECK(atomic_load(&hits[i]) == 1);
    }
    pool_destroy(p);
}

/* pool_create_with: each worker thread calls on_start once, with its own index 0 to
 * nthreads - 1, before it runs any task (a task run by a worker that has not started
 * is counted as an error; the calling thread, which runs tasks in pool_wait, is marked
 * started by hand). */
static _Atomic int start_calls, start_seen[8], early_tasks;
static _Thread_local int thread_started;

static void on_start(int index, void *arg)
{
    CHECK(arg == (void *)&start_calls);
    if (index >= 0 && index < 8)
        atomic_fetch_add(&start_seen[index], 1);
    atomic_fetch_add(&start_calls, 1);
    thread_started = 1;
}

static void started_hit(void *arg)
{
    if (!thread_started)
        atomic_fetch_add(&early_tasks, 1);
    hit(arg);
}

TEST(create_with_runs_on_start_first)
{
    enum { N = 20000, T = 3 };
    struct pool *p = pool_create_with(T, 0, on_start, &start_calls);
    CHECK(p != NULL);
    if (!p)
        return;
    thread_started = 1; /* this thread runs tasks too, in pool_wait */
    reset_hits(N);
    for (size_t i = 0; i < N; i++)
        pool_submit(p, started_hit, (void *)i);
    pool_wait(p);
    pool_destroy(p); /* joined: every worker has started by now */
    thread_started = 0;
    CHECK(all_once(N));
    CHECK(atomic_load(&start_calls) == T);
    for (int i = 0; i < 8; i++)
        CHECK(atomic_load(&start_seen[i]) == (i < T ? 1 : 0));
    CHECK(atomic_load(&early_tasks) == 0);
}

TEST(rejects_bad_arguments)
{
    CHECK(pool_create(-1, 0) == NULL);
    CHECK(ppool_create(0, NULL, NULL) == NULL);
}

/* ---- process pool --------------------------------------------------------------------- */

static int64_t poly(int64_t x, void *ctx)
{
    int64_t k = *(const int64_t *)ctx; /* inherited from the parent at fork */
    return x * x + k;
}

static int no_children_left(void)
{
    /* every worker reaped: nothing to wait for */
    return waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
}

TEST(ppool_results_in_order)
{
    enum { N = 10007 };
    static int64_t k = 3;
    int64_t *in = malloc(N * sizeof(int64_t)), *out = malloc(N * sizeof(int64_t));
    size_t chunks[] = {1, 7, 1000, 100000};
    struct ppool *pp = ppool_create(3, poly, &k);
    CHECK(pp != NULL);
    if (!pp)
        return;
    CHECK(ppool_workers(pp) == 3);
    for (size_t i = 0; i < N; i++)
        in[i] = (int64_t)i - 5000;
    for (size_t c = 0; c < ARRAY_SIZE(chunks); c++) {
        int bad = 0;
        for (size_t i = 0; i < N; i++)
            out[i] = -1;
        CHECK(ppool_map(pp, in, out, N, chunks[c]) == 0);
        for (size_t i = 0; i < N; i++)
            bad += out[i] != in[i] * in[i] + 3;
        if (bad)
            printf("#   chunksize %zu: %d results wrong or out of order\n", chunks[c], bad);
        CHECK(bad == 0);
        CHECK(strcmp(ppool_error(pp), "") == 0);
    }
    CHECK(ppool_map(pp, in, out, 0, 1) == 0); /* nothing to do is fine */
    ppool_destroy(pp);
    CHECK(no_children_left());
    free(in), free(out);
}

static int64_t crash_at_777(int64_t x, void *ctx)
{
    if (x == 777)
        raise(*(const int *)ctx);
    return x;
}

static int64_t exit_at_5(int64_t x, void *ctx)
{
    if (x == 5)
        _exit(3);
    return x;
}

/* A worker killed by a signal or exiting mid-task: ppool_map returns -1 and says which
 * worker and how (if it waited for the lost results, this test would hang and the
 * runner would report it), the pool stays broken, destroy reaps everyone. */
TEST(ppool_crash_is_reported)
{
    enum { N = 5000 };
    static int sig = SIGKILL, sig2 = SIGABRT;
    int64_t *in = malloc(N * sizeof(int64_t)), *out = malloc(N * sizeof(int64_t));
    struct ppool *pp;
    for (size_t i = 0; i < N; i++)
        in[i] = (int64_t)i;

    pp = ppool_create(2, crash_at_777, &sig);
    CHECK(pp != NULL);
    if (!pp)
        return;
    CHECK(ppool_map(pp, in, out, 700, 10) == 0); /* below 777: fine */
    CHECK(ppool_map(pp, in, out, N, 10) == -1);
    CHECK(strstr(ppool_error(pp), "signal 9") != NULL);
    printf("#   reported: %s\n", ppool_error(pp));
    CHECK(ppool_map(pp, in, out, 10, 1) == -1); /* broken stays broken */
    ppool_destroy(pp);
    CHECK(no_children_left());

    pp = ppool_create(3, crash_at_777, &sig2);
    CHECK(pp != NULL);
    if (!pp)
        return;
    CHECK(ppool_map(pp, in, out, N, 1) == -1);
    CHECK(strstr(ppool_error(pp), "signal 6") != NULL);
    ppool_destroy(pp);
    CHECK(no_children_left());

    pp = ppool_create(2, exit_at_5, NULL);
    CHECK(pp != NULL);
    if (!pp)
        return;
    CHECK(ppool_map(pp, in, out, N, 1000) == -1);
    CHECK(strstr(ppool_error(pp), "exited with status 3") != NULL);
    ppool_destroy(pp);
    CHECK(no_children_left());
    free(in), free(out);
}

/* A worker stuck in a task is killed by destroy rather than waited on forever: worker 0
 * hangs in task 0 while worker 1 dies in task 2 (chunks of 1, two per worker), so map
 * returns at once and destroy finds worker 0 still busy. */
static int64_t hang_or_die(int64_t x, void *ctx)
{
    if (x == 0)
        for (;;)
            pause();
    if (x == 2)
        raise(SIGKILL);
    return x;
}

TEST(ppool_destroy_kills_stuck_worker)
{
    int64_t in[8] = {0, 1, 2, 3, 4, 5, 6, 7}, out[8];
    struct ppool *pp = ppool_create(2, hang_or_die, NULL);
    CHECK(pp != NULL);
    if (!pp)
        return;
    CHECK(ppool_map(pp, in, out, 8, 1) == -1);
    CHECK(strstr(ppool_error(pp), "signal 9") != NULL);
    ppool_destroy(pp);
    CHECK(no_children_left());
}


/* ---- the lab: break-even sizes, live workers' CPU, the claims --------------------------- */

/* Where efficiency first reaches a level, on a log scale of task size. */
TEST(breakeven_interpolates_on_log_scale)
{
    double us[] = {1, 10, 100, 1000}, eff[] = {0.1, 0.3, 0.7, 0.95};
    double nan_eff[] = {NAN, 0.2, NAN, 0.9};
    CHECK_NEAR(pool_breakeven(us, eff, 4, 0.5), sqrt(10.0 * 100.0), 1e-9); /* halfway: 10^1.5 */
    CHECK_NEAR(pool_breakeven(us, eff, 4, 0.7), 100, 1e-9);
    CHECK(pool_breakeven(us, eff, 4, 0.05) == 0);  /* even the smallest size reached it */
    CHECK(pool_breakeven(us, eff, 4, 0.99) == -1); /* no size did */
    /* an unmeasured size before the crossing: the first size that reached it */
    CHECK_NEAR(pool_breakeven(us, nan_eff, 4, 0.5), 1000, 1e-9);
}

/* The finer sweep: sizes inside the intervals where efficiency crosses 0.5 and 0.9,
 * evenly spaced on a log scale, 3 significant digits; all of them in one interval when
 * only one is crossed; none (and why) when nothing is. */
TEST(refine_lands_around_the_crossings)
{
    double us[] = {0.001, 0.01, 0.1, 1, 10, 1000}, out[8];
    double two[] = {0.02, 0.1, 0.4, 0.95, 0.97, 0.99};  /* 0.5 in (0.1, 1), 0.9 in (0.1, 1) too */
    double apart[] = {0.02, 0.3, 0.6, 0.8, 0.95, 0.99}; /* 0.5 in (0.01, 0.1), 0.9 in (1, 10) */
    double never[] = {0.01, 0.1, 0.2, 0.3, 0.4, 0.45};
    double early[] = {0.6, 0.7, 0.8, 0.85, 0.88, 0.89};
    const char *why = NULL;
    int n = pool_refine(us, apart, 6, 2, out, &why);
    CHECK(n == 4);
    CHECK_NEAR(out[0], 0.0215, 1e-12); /* 0.01 * 10^(1/3) */
    CHECK_NEAR(out[1], 0.0464, 1e-12); /* 0.01 * 10^(2/3) */
    CHECK_NEAR(out[2], 2.15, 1e-12);
    CHECK_NEAR(out[3], 4.64, 1e-12);
    n = pool_refine(us, two, 6, 2, out, &why); /* one interval: all 4 in it, fifths of a decade */
    CHECK(n == 4);
    CHECK_NEAR(out[0], 0.158, 1e-12);
    CHECK_NEAR(out[3], 0.631, 1e-12);
    CHECK(pool_refine(us, never, 6, 2, out, &why) == 0);
    CHECK(strstr(why, "below 0.5") != NULL);
    CHECK(pool_refine(us, early, 6, 2, out, &why) == 0); /* 0.5 at the smallest, 0.9 never */
    CHECK(strstr(why, "no crossing") != NULL);
    /* the last interval, ending at 1000 */
    double late[] = {0.01, 0.1, 0.2, 0.3, 0.4, 0.7};
    CHECK(pool_refine(us, late, 6, 1, out, &why) == 2);
    CHECK_NEAR(out[0], 46.4, 1e-12);
    CHECK_NEAR(out[1], 215, 1e-12);
}

/* A child that has used ~30 ms of CPU and then waits: the CPU of live children counts
 * it (the OS adds it to ours only once the child is reaped). No timing is asserted:
 * the child spins until its own CPU clock says 30 ms, however long that takes. */
TEST(children_cpu_counts_live_workers)
{
    int fd[2];
    char c;
    pid_t pid;
    double before = harness_children_cpu_s(), after;
    CHECK(pipe(fd) == 0);
    pid = fork();
    if (pid == 0) {
        struct timespec t;
        volatile uint64_t x = 1;
        do {
            for (int i = 0; i < 100000; i++)
                x = x * 6364136223846793005u + 1;
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        } while (t.tv_sec == 0 && t.tv_nsec < 30000000);
        if (write(fd[1], "x", 1) != 1)
            _exit(1);
        pause();
        _exit(0);
    }
    CHECK(pid > 0);
    CHECK(read(fd[0], &c, 1) == 1);
    after = harness_children_cpu_s();
    printf("#   live child's CPU: %.3f s (before it: %.3f s)\n", after, before);
    CHECK(after - before >= 0.025);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    close(fd[0]), close(fd[1]);
}

static struct sumrow row(const char *e, const char *v, int w, const char *p, const char *m,
                         double med)
{
    struct sumrow r;
    memset(&r, 0, sizeof(r));
    r.experiment = (char *)e, r.variant = (char *)v, r.param = (char *)p, r.metric = (char *)m;
    r.unit = (char *)"", r.flags = (char *)"";
    r.workers = w, r.n = 5, r.outliers = 0;
    r.median = med, r.min = r.ci_lo = 0.95 * med, r.max = r.ci_hi = 1.05 * med, r.ci_level = 0.94;
    return r;
}

/* The verdicts of the lab's 6 claims on a summary with these medians. */
enum { NCLAIMS = 6 };
struct medians {
    double omp_task, in_place; /* task-overhead: omp-task's fee and in-place share */
    double procs, pythreads;   /* ... parlab-procs' and py-thread-pool's fees */
    double small, large;       /* granularity: parlab-threads-single at 1 ns and 1 ms */
    double chunk100;           /* chunksize: py-mp-pool at 100 (at 1: 4e4) */
    double demo100;            /* demo: tasks a second in chunks of 100 (one at a time: 1e5) */
};

static void judge(int usable, const struct medians *m, enum verdict *v)
{
    struct sumrow rows[] = {
        row("task-overhead", "parlab-threads-single", usable, "", "us_per_task", 0.1),
        row("task-overhead", "omp-task", usable, "", "us_per_task", m->omp_task),
        row("task-overhead", "omp-task", usable, "", "inline_share", m->in_place),
        row("task-overhead", "parlab-procs", usable, "chunksize=1", "us_per_task", m->procs),
        row("task-overhead", "py-thread-pool", usable, "", "us_per_task", m->pythreads),
        row("granularity", "parlab-threads-single", usable, "task_us=0.001", "efficiency", m->small),
        row("granularity", "parlab-threads-single", usable, "task_us=1000", "efficiency", m->large),
        row("chunksize", "py-mp-pool", usable, "chunksize=1;task_us=10", "tasks_per_s", 4e4),
        row("chunksize", "py-mp-pool", usable, "chunksize=100;task_us=10", "tasks_per_s", m->chunk100),
        row("demo", "parlab-procs", usable, "phase=1;chunksize=1;task_us=2", "tasks_per_s", 1e5),
        row("demo", "parlab-procs", usable, "phase=2;chunksize=100;task_us=2", "tasks_per_s", m->demo100),
    };
    CHECK(tl_judge_all(&lab_pool, rows, (int)ARRAY_SIZE(rows), usable, 5, v, NCLAIMS) == NCLAIMS);
}

TEST(claims_follow_the_numbers)
{
    enum verdict v[NCLAIMS];
    struct medians good = {0.6, 0, 10, 12, 0.2, 0.97, 2e5, 8e5};
    struct medians wrong = {0.05, 0, 0.2, 0.2, 0.9, 0.5, 5e4, 1.2e5};
    struct medians undeferred = good;
    judge(2, &good, v); /* as the lesson says */
    for (int i = 0; i < NCLAIMS; i++)
        CHECK(v[i] == VERDICT_HOLDS);
    judge(2, &wrong, v); /* every claim contradicted */
    for (int i = 0; i < NCLAIMS; i++)
        CHECK(v[i] == VERDICT_FAILS);
    /* libgomp ran the tasks in place: no handover to compare, whatever the fees say */
    undeferred.in_place = 0.9, undeferred.omp_task = 0.05;
    judge(2, &undeferred, v);
    CHECK(v[0] == VERDICT_CANNOT_TELL);
    /* one CPU: the two claims about handing over to another CPU cannot tell, the rest can */
    judge(1, &good, v);
    CHECK(v[0] == VERDICT_CANNOT_TELL && v[3] == VERDICT_CANNOT_TELL);
    CHECK(v[1] == VERDICT_HOLDS && v[2] == VERDICT_HOLDS && v[4] == VERDICT_HOLDS && v[5] == VERDICT_HOLDS);
}

int main(void)
{
    /* A pool that deadlocks must fail the suite, not hang it: SIGALRM ends the program
     * and tests/run.sh counts the abnormal exit as a failure. (Generous: under TSan on
     * a loaded 2-CPU machine the whole file takes well under a minute.) */
    alarm(300);
    RUN(every_task_runs_once);
    RUN(batch_args_and_reuse);
    RUN(nested_and_concurrent_submit);
    RUN(concurrent_batches_on_a_tiny_ring);
    RUN(shutdown_runs_queued_work);
    RUN(wakes_after_sleeping);
    RUN(create_with_runs_on_start_first);
    RUN(rejects_bad_arguments);
    RUN(ppool_results_in_order);
    RUN(ppool_crash_is_reported);
    RUN(ppool_destroy_kills_stuck_worker);
    RUN(breakeven_interpolates_on_log_scale);
    RUN(refine_lands_around_the_crossings);
    RUN(children_cpu_counts_live_workers);
    RUN(claims_follow_the_numbers);
    free(hits);
    return TEST_DONE();
}
