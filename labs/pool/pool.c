/* labs/pool/pool.c: what a task costs, and how big a task must be for a pool to pay.
 *
 * The question: you have many small pieces of work. Hand them to a thread pool, a
 * process pool, OpenMP? Every mechanism charges a fee per task (queueing it, waking a
 * worker, for processes also pickling it and crossing a pipe). If the task is small
 * next to the fee, the parallel version is slower than the plain loop.
 *
 * Three experiments, all at the usable CPU count (or each --workers count):
 *   task-overhead  the fee itself: microseconds per empty task (metric us_per_task),
 *                  for parlab's own thread pool and process pool (src/pool.h), OpenMP
 *                  tasks and schedule(dynamic,1), and real Python pools in the same run.
 *   granularity    efficiency = (tasks * task_time / workers) / elapsed, against the
 *                  task size from ~1 us to 10 ms (param task_us=), and for each
 *                  mechanism the break-even sizes where efficiency reaches 0.5 and 0.9.
 *   chunksize      a process pool pays its fee per message, not per task: send tasks in
 *                  chunks and the fee is shared. Throughput against chunk size for
 *                  multiprocessing.Pool and parlab's process pool, beside joblib's
 *                  automatic batching and the sequential loop.
 *
 * Order matters here, and it is a lesson in itself: libgomp's threads do not survive
 * fork(), and the Python pools and parlab's process pool fork. So the lab first runs
 * every Python variant in a child process that never touched OpenMP, then forks its
 * own process pools, and only then runs the first OpenMP region. */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "pool.h"
#include "pyembed.h"

/* ---- the work: a task of a chosen size -------------------------------------------------- */

/* One unit = one step of a 64-bit LCG: pure CPU, no memory, cannot be skipped (the same
 * unit as the amdahl lab). A task of u units lasts u times the calibrated unit time. */
static uint64_t burn(uint64_t units)
{
    uint64_t x = units;
    for (uint64_t i = 0; i < units; i++)
        x = x * 6364136223846793005u + 1442695040888963407u;
    return x;
}

/* Keep a result alive without storing it anywhere shared (a shared store would add
 * cache-line traffic that is not the pool's fault). The "memory" clobber makes it a
 * compiler barrier too: the work that made x cannot be moved past a clock read. */
static inline void keep(uint64_t x)
{
    __asm__ __volatile__("" ::"r"(x) : "memory");
}

/* The reverse: a value the compiler cannot know in advance, so work that depends on
 * it cannot be hoisted above the clock read before it. Without these two an
 * optimiser may compute burn(n) outside the timed region (it has no side effects):
 * the sanitizer build did, and timed nothing. */
static inline uint64_t opaque(uint64_t x)
{
    __asm__ __volatile__("" : "+r"(x)::"memory");
    return x;
}

/* The task every mechanism runs. With units = 0 it is the "empty task": a call and a
 * return, so what we time is the mechanism. noinline: OpenMP must call it as the pools
 * do, not see through it. */
static __attribute__((noinline)) void task_fn(void *arg)
{
    keep(burn(*(const uint64_t *)arg));
}

/* The process pool's version: the argument is the size itself. */
static int64_t ptask_fn(int64_t units, void *ctx)
{
    return (int64_t)burn((uint64_t)units);
}

/* ---- the mechanisms, each running n tasks of `units` with w workers --------------------- */

struct mech {
    int w;
    struct pool *tp;   /* parlab-threads: w - 1 threads plus the caller, like OpenMP */
    struct ppool *pp;  /* parlab-procs: w forked workers */
    int64_t *in, *out; /* the process pool's arguments and results */
    size_t cap;
    size_t chunk;      /* process pool chunk size; 0 = automatic, n / (4 w) as multiprocessing */
};

typedef void (*mech_run)(struct mech *m, uint64_t units, size_t n);

/* The whole batch in one call: one lock, one wake-up; the caller then helps. */
static void run_threads(struct mech *m, uint64_t units, size_t n)
{
    pool_submit_batch(m->tp, task_fn, &units, 0, n);
    pool_wait(m->tp);
}

/* The same tasks submitted one at a time: a lock and a publish per task. */
static void run_threads_single(struct mech *m, uint64_t units, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pool_submit(m->tp, task_fn, &units);
    pool_wait(m->tp);
}

/* One thread creates the tasks, the team runs them; the barrier at the end of the
 * parallel region waits for all of them. */
static void run_omp_task(struct mech *m, uint64_t units, size_t n)
{
#pragma omp parallel num_threads(m->w)
#pragma omp single
    for (size_t i = 0; i < n; i++) {
#pragma omp task firstprivate(units)
        task_fn(&units);
    }
}

/* A loop whose iterations are handed out one at a time: no task objects at all, just
 * a shared counter, which is why it is the cheapest way to share out a loop. */
static void run_omp_dynamic(struct mech *m, uint64_t units, size_t n)
{
#pragma omp parallel for schedule(dynamic, 1) num_threads(m->w)
    for (size_t i = 0; i < n; i++)
        task_fn(&units);
}

static size_t auto_chunk(size_t n, int w)
{
    size_t c = (n + 4 * (size_t)w - 1) / (4 * (size_t)w); /* multiprocessing.Pool.map's rule */
    return c < 1 ? 1 : c;
}

static void run_procs(struct mech *m, uint64_t units, size_t n)
{
    if (n > m->cap) {
        m->cap = n;
        m->in = xrealloc(m->in, n * sizeof(int64_t));
        m->out = xrealloc(m->out, n * sizeof(int64_t));
    }
    for (size_t i = 0; i < n; i++)
        m->in[i] = (int64_t)units;
    if (ppool_map(m->pp, m->in, m->out, n, m->chunk ? m->chunk : auto_chunk(n, m->w)) < 0)
        die("parlab-procs: %s", ppool_error(m->pp));
}

static void run_sequential(struct mech *m, uint64_t units, size_t n)
{
    for (size_t i = 0; i < n; i++)
        task_fn(&units);
}

static const struct {
    const char *name;
    mech_run run;
    const char *note; /* what the variant does, for the output */
} c_mechs[] = {
    {"parlab-threads", run_threads, "pool_submit_batch of all tasks, then pool_wait (caller helps)"},
    {"parlab-threads-single", run_threads_single, "pool_submit one task at a time, then pool_wait"},
    {"parlab-procs", run_procs, "ppool_map, chunks of n/(4w) as multiprocessing.Pool.map"},
    {"omp-task", run_omp_task, "#pragma omp task in a single region"},
    {"omp-dynamic", run_omp_dynamic, "#pragma omp parallel for schedule(dynamic,1)"},
};

/* ---- timing a batch ------------------------------------------------------------------------- */

/* How many tasks make one sample last about `target` seconds: double until it does.
 * (The harness's calibrate, for functions that take a mechanism and a size.) */
static size_t calibrate_n(struct mech *m, mech_run run, uint64_t units, double target, size_t lo,
                          size_t hi)
{
    size_t n = lo;
    for (;;) {
        double t0 = now_s(), t;
        run(m, units, n);
        t = now_s() - t0;
        if (t >= target || n >= hi)
            return n;
        n = t < target / 16 ? n * 8 : n * 2;
        n = n > hi ? hi : n;
    }
}

/* Warm-up, then ctx->reps timed batches of n tasks: one row per rep. Returns the
 * seconds of each rep in secs[] (ctx->reps of them), or -1 if interrupted. */
static int time_batches(struct lab_ctx *ctx, struct mech *m, mech_run run, uint64_t units, size_t n,
                        double *secs)
{
    run(m, units, n); /* warm-up: wakes the threads, faults the pages in */
    for (int rep = 1; rep <= ctx->reps; rep++) {
        double t0;
        if (harness_interrupted())
            return -1;
        harness_rep(ctx, rep);
        t0 = now_s();
        run(m, units, n);
        secs[rep - 1] = now_s() - t0;
    }
    return 0;
}

/* ---- the Python variants, in a child that never ran OpenMP ---------------------------------- */

/* The child's whole program. It measures from inside Python (time.perf_counter around
 * map of N tasks, after a warm-up, per rep) and writes one line per number to the pipe:
 *   R exp variant workers param rep metric value unit   (a result)
 *   P exp variant workers param                         (a point starts: progress)
 *   N text                                              (a note for the output)
 *   S count                          (planned points that will not run: no joblib)
 * Pools use the fork start method (the default on Linux in 3.11). Their workers die
 * with this child (PR_SET_PDEATHSIG through ctypes), so none outlives the lab. */
static const char py_program[] =
    "import os, sys, time, ctypes\n"
    "from concurrent.futures import ThreadPoolExecutor, ProcessPoolExecutor\n"
    "import multiprocessing as mp\n"
    "perf = time.perf_counter\n"
    "def out(*f): os.write(FD, ('\\t'.join(str(x) for x in f) + '\\n').encode())\n"
    "def die_with_parent():\n"
    "    try: ctypes.CDLL(None).prctl(1, 9)\n"
    "    except Exception: pass\n"
    "try:\n"
    "    from joblib import Parallel, delayed\n"
    "except Exception as e:\n"
    "    Parallel = None\n"
    "    out('N', 'py-joblib skipped: cannot import joblib (%s); apt-get install python3-joblib' % e)\n"
    "    out('S', len(WORKERS) * (DO_OVER + (len(SIZES) if DO_GRAN else 0) + DO_CHUNK))\n"
    "def spin(n):\n"
    "    for _ in range(n): pass\n"
    "    return n\n"
    "fork = mp.get_context('fork')\n"
    "class Mech:\n"
    "    def __init__(self, name, w):\n"
    "        self.name, self.w = name, w\n"
    "        if name == 'py-thread-pool':\n"
    "            self.ex = ThreadPoolExecutor(w); self.run = lambda a: list(self.ex.map(spin, a))\n"
    "        elif name == 'py-process-pool':\n"
    "            self.ex = ProcessPoolExecutor(w, mp_context=fork, initializer=die_with_parent)\n"
    "            self.run = lambda a: list(self.ex.map(spin, a))\n"
    "        elif name == 'py-mp-pool':\n"
    "            self.ex = fork.Pool(w, initializer=die_with_parent)\n"
    "            self.run = lambda a, c=None: self.ex.map(spin, a, c)\n"
    "        elif name == 'py-joblib':\n"
    "            self.ex = Parallel(n_jobs=w); self.ex.__enter__()\n"
    "            self.run = lambda a: self.ex(delayed(spin)(x) for x in a)\n"
    "    def close(self):\n"
    "        if self.name == 'py-joblib': self.ex.__exit__(None, None, None)\n"
    "        elif self.name == 'py-mp-pool': self.ex.close(); self.ex.join()\n"
    "        else: self.ex.shutdown()\n"
    "def sample(exp, m, param, args, run=None, before=None):\n"
    "    # -> the times, and before()'s value taken right before each (a paired baseline)\n"
    "    run = run or m.run\n"
    "    out('P', exp, m.name, m.w, param)\n"
    "    run(args)\n"
    "    secs, base = [], []\n"
    "    for rep in range(1, REPS + 1):\n"
    "        if before: base.append(before())\n"
    "        t0 = perf(); run(args); secs.append(perf() - t0)\n"
    "    return secs, base\n"
    "def seq_time(n_iter, count):\n"
    "    a = [n_iter] * count\n"
    "    t0 = perf()\n"
    "    for x in a: spin(x)\n"
    "    return (perf() - t0) / count\n"
    "for _ in range(16): spin(1)  # CPython 3.11 specialises a function after its 8th call\n"
    "def rate():\n"
    "    t0 = perf(); spin(200000); return 200000 / (perf() - t0) / 1e6\n"
    "ipu = max(rate() for _ in range(5))\n"
    "out('N', 'python: %.0f loop iterations a microsecond here (the task: for _ in range(n): pass)' % ipu)\n"
    "names = ['py-thread-pool', 'py-process-pool', 'py-mp-pool'] + (['py-joblib'] if Parallel else [])\n"
    "for w in WORKERS:\n"
    "    for name in names:\n"
    "        m = Mech(name, w)\n"
    "        param = {'py-process-pool': 'chunksize=1', 'py-thread-pool': ''}.get(name, 'chunksize=auto')\n"
    "        for rep, s in enumerate(sample('task-overhead', m, param, [0] * N_EMPTY)[0], 1) if DO_OVER else []:\n"
    "            out('R', 'task-overhead', name, w, param, rep, 'us_per_task', repr(s / N_EMPTY * 1e6), 'us')\n"
    "        for us in SIZES if DO_GRAN else []:\n"
    "            it = max(1, round(us * ipu))\n"
    "            n = int(min(N_GRAN_MAX, max(4 * w, TARGET * w / (us * 1e-6))))\n"
    "            cnt = max(1, min(n, int(0.002 / (us * 1e-6)) + 1))\n"
    "            # the task's time in a plain loop, taken again right before every timed run\n"
    "            # (fastest of 3 short loops): the interpreter's speed wanders, so a baseline\n"
    "            # from seconds earlier could make a pool look better or worse than it is\n"
    "            before = lambda it=it, cnt=cnt: min(seq_time(it, cnt) for _ in range(3))\n"
    "            param = 'task_us=%g' % us\n"
    "            secs, base = sample('granularity', m, param, [it] * n, before=before)\n"
    "            for rep, (s, ts) in enumerate(zip(secs, base), 1):\n"
    "                out('R', 'granularity', name, w, param, rep, 'efficiency', repr(n * ts / w / s), 'fraction')\n"
    "        if DO_CHUNK and name in ('py-mp-pool', 'py-joblib'):\n"
    "            it = max(1, round(CHUNK_US * ipu))\n"
    "            for c in (CHUNKS if name == 'py-mp-pool' else ['auto']):\n"
    "                param = 'chunksize=%s;task_us=%g' % (c, CHUNK_US)\n"
    "                run = (lambda a, c=c: m.run(a, c)) if c != 'auto' else None\n"
    "                for rep, s in enumerate(sample('chunksize', m, param, [it] * N_CHUNK, run)[0], 1):\n"
    "                    out('R', 'chunksize', name, w, param, rep, 'tasks_per_s', repr(N_CHUNK / s), '1/s')\n"
    "        m.close()\n"
    "    it = max(1, round(CHUNK_US * ipu))\n"
    "    param = 'chunksize=1;task_us=%g' % CHUNK_US\n"
    "    if DO_CHUNK and w == WORKERS[0]:  # the loop has no workers: once\n"
    "        out('P', 'chunksize', 'py-sequential', 1, param)\n"
    "    for rep in range(1, REPS + 1) if DO_CHUNK and w == WORKERS[0] else []:\n"
    "        out('R', 'chunksize', 'py-sequential', 1, param, rep, 'tasks_per_s', repr(1 / seq_time(it, N_CHUNK)), '1/s')\n";

struct py_plan {
    const int *w;
    int nw;
    const double *sizes;
    int nsizes;
    const int *chunks;
    int nchunks;
    double chunk_us, target;
    int n_empty, n_gran_max, n_chunk;
    int do_over, do_gran, do_chunk; /* which experiments run */
};

/* The child: start Python, set the plan as globals, run the program, leave. */
static noreturn void py_child(struct lab_ctx *ctx, const struct py_plan *pl, int fd)
{
    char *pre = xmalloc(4096);
    int len = snprintf(pre, 4096, "FD = %d\nREPS = %d\nTARGET = %g\nCHUNK_US = %g\nN_EMPTY = %d\n"
                                  "N_GRAN_MAX = %d\nN_CHUNK = %d\nDO_OVER = %d\nDO_GRAN = %d\nDO_CHUNK = %d\n"
                                  "WORKERS = [",
                       fd, ctx->reps, pl->target, pl->chunk_us, pl->n_empty, pl->n_gran_max, pl->n_chunk,
                       pl->do_over, pl->do_gran, pl->do_chunk);
    for (int i = 0; i < pl->nw; i++)
        len += snprintf(pre + len, (size_t)(4096 - len), "%d,", pl->w[i]);
    len += snprintf(pre + len, (size_t)(4096 - len), "]\nSIZES = [");
    for (int i = 0; i < pl->nsizes; i++)
        len += snprintf(pre + len, (size_t)(4096 - len), "%g,", pl->sizes[i]);
    len += snprintf(pre + len, (size_t)(4096 - len), "]\nCHUNKS = [");
    for (int i = 0; i < pl->nchunks; i++)
        len += snprintf(pre + len, (size_t)(4096 - len), "%d,", pl->chunks[i]);
    snprintf(pre + len, (size_t)(4096 - len), "]\n");
    if (pyembed_start() < 0)
        _exit(EXIT_FAIL);
    if (pyembed_exec(pre) < 0 || pyembed_exec(py_program) < 0)
        _exit(EXIT_FAIL);
    pyembed_stop();
    _exit(EXIT_OK);
}

/* Split a line on tabs in place. Returns the field count. */
static int split_tabs(char *s, char **f, int max)
{
    int n = 0;
    while (n < max) {
        f[n++] = s;
        s = strchr(s, '\t');
        if (!s)
            break;
        *s++ = 0;
    }
    return n;
}

/* One line from the child: record it, show progress, or print the note. */
static void py_line(struct lab_ctx *ctx, char *line)
{
    char *f[10];
    int n = split_tabs(line, f, 10);
    if (n == 5 && !strcmp(f[0], "P")) {
        struct point pt = {f[1], f[2], atoi(f[3]), f[4]};
        harness_point(ctx, &pt);
    } else if (n == 9 && !strcmp(f[0], "R")) {
        struct point pt = {f[1], f[2], atoi(f[3]), f[4]};
        results_add(ctx->res, &pt, atoi(f[5]), f[6], strtod(f[7], NULL), f[8]);
    } else if (n == 2 && !strcmp(f[0], "S")) {
        harness_unplan(ctx, atoi(f[1]));
    } else if (n == 2 && !strcmp(f[0], "N")) {
        harness_progress_clear();
        printf("%s\n", f[1]);
    }
}

/* Run the Python variants in a forked child and collect its numbers. Returns EXIT_OK,
 * EXIT_INTERRUPTED, or EXIT_OK after saying why the Python numbers are missing. */
static int run_python(struct lab_ctx *ctx, const struct py_plan *pl)
{
    int fds[2], st = 0;
    size_t len = 0, cap = 1 << 16;
    char *buf;
    pid_t pid;

    if (!pyembed_available()) {
        printf("py-* variants skipped: %s\n", pyembed_unavailable_reason());
        return EXIT_OK;
    }
    if (pipe(fds) < 0)
        die("cannot create a pipe: %s", strerror(errno));
    pid = harness_fork();
    if (pid < 0)
        die("cannot fork the Python child: %s", strerror(errno));
    if (pid == 0) {
        close(fds[0]);
        py_child(ctx, pl, fds[1]);
    }
    close(fds[1]);
    buf = xmalloc(cap);
    for (;;) {
        struct pollfd pf = {.fd = fds[0], .events = POLLIN};
        ssize_t r;
        char *nl;
        if (harness_interrupted()) {
            close(fds[0]);
            free(buf);
            harness_kill_children();
            return EXIT_INTERRUPTED;
        }
        if (poll(&pf, 1, 200) <= 0)
            continue;
        if (len + 4096 > cap)
            buf = xrealloc(buf, cap *= 2);
        r = read(fds[0], buf + len, cap - len - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break; /* end of file: the child is done (or died) */
        len += (size_t)r;
        buf[len] = 0;
        while ((nl = strchr(buf, '\n'))) {
            *nl = 0;
            py_line(ctx, buf);
            len -= (size_t)(nl + 1 - buf);
            memmove(buf, nl + 1, len + 1);
        }
    }
    close(fds[0]);
    free(buf);
    harness_wait(pid, &st);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        harness_progress_clear();
        printf("py-* variants failed: the Python child %s %d (see its messages above); "
               "the C variants still run\n",
               WIFSIGNALED(st) ? "was killed by signal" : "exited with status",
               WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    }
    return EXIT_OK;
}

/* ---- the C experiments ---------------------------------------------------------------------- */

/* task-overhead: empty tasks, as many as make a sample last `target`. */
static int c_task_overhead(struct lab_ctx *ctx, struct mech *m, int v, double target)
{
    double *secs = xmalloc(sizeof(double) * (size_t)ctx->reps);
    uint64_t zero = 0;
    int procs = c_mechs[v].run == run_procs;
    struct point pt = {"task-overhead", c_mechs[v].name, m->w, procs ? "chunksize=1" : ""};
    size_t n;
    m->chunk = 1; /* the process pool's raw fee: one message per task */
    harness_point(ctx, &pt);
    n = calibrate_n(m, c_mechs[v].run, zero, target, procs ? 64 : 1024, procs ? 200000 : 20000000);
    if (time_batches(ctx, m, c_mechs[v].run, zero, n, secs) < 0) {
        m->chunk = 0;
        free(secs);
        return -1;
    }
    m->chunk = 0;
    for (int r = 0; r < ctx->reps; r++)
        results_add(ctx->res, &pt, r + 1, "us_per_task", secs[r] / (double)n * 1e6, "us");
    free(secs);
    return 0;
}

/* granularity: n tasks of `units`, efficiency against the sequential loop. */
static int c_granularity(struct lab_ctx *ctx, struct mech *m, int v, double task_us, uint64_t units,
                         double t_task, double target)
{
    double *secs;
    char param[32];
    struct point pt = {"granularity", c_mechs[v].name, m->w, fmt_param(param, sizeof(param), "task_us=%g", task_us)};
    double want = target * m->w / (t_task > 0 ? t_task : 1e-9);
    size_t n = (size_t)(want < 16.0 * m->w ? 16.0 * m->w : want > 2e6 ? 2e6 : want);
    harness_point(ctx, &pt);
    secs = xmalloc(sizeof(double) * (size_t)ctx->reps);
    if (time_batches(ctx, m, c_mechs[v].run, units, n, secs) < 0) {
        free(secs);
        return -1;
    }
    for (int r = 0; r < ctx->reps; r++)
        results_add(ctx->res, &pt, r + 1, "efficiency", (double)n * t_task / m->w / secs[r], "fraction");
    free(secs);
    return 0;
}

/* ---- report --------------------------------------------------------------------------------- */

static const char *const all_variants[] = {
    "parlab-threads", "parlab-threads-single", "omp-task", "omp-dynamic", "parlab-procs",
    "py-thread-pool", "py-process-pool", "py-mp-pool", "py-joblib",
};

/* The median of a point, or NAN if it was not measured. */
static double median_of(struct lab_ctx *ctx, const char *exp, const char *var, int w, const char *param,
                        const char *metric)
{
    struct point pt = {exp, var, w, param};
    const struct summary *s = results_summary(ctx->res, &pt, metric);
    return s ? s->median : NAN;
}

/* Where efficiency first reaches `level`, interpolated on a log scale of task size
 * between the two sizes around the crossing. Returns the size, 0 if even the smallest
 * size reached it, or -1 if no size did. */
static double breakeven(const double *us, const double *eff, int n, double level)
{
    for (int i = 0; i < n; i++) {
        if (isnan(eff[i]) || eff[i] < level)
            continue;
        if (i == 0 || isnan(eff[i - 1]))
            return i == 0 ? 0 : us[i];
        {
            double a = log(us[i - 1]), b = log(us[i]);
            double f = (level - eff[i - 1]) / (eff[i] - eff[i - 1]);
            return exp(a + f * (b - a));
        }
    }
    return -1;
}

static void print_breakeven(double be, double smallest)
{
    if (be < 0)
        printf(" %12s", "not reached");
    else if (be == 0)
        printf(" %12s", smallest < 10 ? "<= 1 us" : "<= smallest");
    else
        printf(" %9.3g us", be);
}

static void report(struct lab_ctx *ctx, const int *ws, int nws, const double *sizes, int nsizes,
                   const int *chunks, int nchunks, double chunk_us)
{
    harness_progress_clear();
    for (int wi = 0; wi < nws; wi++) {
        int w = ws[wi];
        char param[48];
        double tg = median_of(ctx, "task-overhead", "omp-task", w, "", "us_per_task");
        double tp = median_of(ctx, "task-overhead", "parlab-threads", w, "", "us_per_task");
        double tt = median_of(ctx, "task-overhead", "py-thread-pool", w, "", "us_per_task");

        if (!isnan(tp))
            printf("\n== task-overhead: microseconds per empty task, %d worker%s (median of %d reps)\n", w,
               w == 1 ? "" : "s", ctx->reps);
        for (size_t v = 0; v < ARRAY_SIZE(all_variants); v++) {
            const char *pa = !strcmp(all_variants[v], "parlab-procs") || !strcmp(all_variants[v], "py-process-pool")
                                 ? "chunksize=1"
                             : !strcmp(all_variants[v], "py-mp-pool") || !strcmp(all_variants[v], "py-joblib")
                                 ? "chunksize=auto"
                                 : "";
            struct point pt = {"task-overhead", all_variants[v], w, pa};
            const struct summary *s = results_summary(ctx->res, &pt, "us_per_task");
            if (!s)
                continue;
            printf("  %-22s %10.3f us  [%.3f, %.3f]  %s\n", all_variants[v], s->median, s->ci_lo, s->ci_hi,
                   pa[0] ? pa : "");
        }
        if (!isnan(tg) && !isnan(tp))
            printf("  parlab-threads / omp-task = %.2f (below 1: cheaper than libgomp's tasks)\n", tp / tg);
        if (!isnan(tt) && !isnan(tp))
            printf("  py-thread-pool / parlab-threads = %.0fx\n", tt / tp);

        if (nsizes == 0)
            goto chunks;
        printf("\n== granularity: efficiency = (tasks x task time / %d) / elapsed, %d worker%s\n", w, w,
               w == 1 ? "" : "s");
        printf("  %-22s", "task_us:");
        for (int i = 0; i < nsizes; i++)
            printf(" %6g", sizes[i]);
        printf("  | break-even at 0.5      at 0.9\n");
        for (size_t v = 0; v < ARRAY_SIZE(all_variants); v++) {
            double eff[32];
            int any = 0;
            for (int i = 0; i < nsizes; i++) {
                eff[i] = median_of(ctx, "granularity", all_variants[v], w,
                                   fmt_param(param, sizeof(param), "task_us=%g", sizes[i]), "efficiency");
                any |= !isnan(eff[i]);
            }
            if (!any)
                continue;
            printf("  %-22s", all_variants[v]);
            for (int i = 0; i < nsizes; i++)
                if (isnan(eff[i]))
                    printf(" %6s", "-");
                else
                    printf(" %6.2f", eff[i]);
            printf("  |");
            for (int k = 0; k < 2; k++) {
                double level = k == 0 ? 0.5 : 0.9, be = breakeven(sizes, eff, nsizes, level);
                struct point fp = {"granularity", all_variants[v], 0,
                                   fmt_param(param, sizeof(param), "workers=%d;level=%.1f", w, level)};
                print_breakeven(be, sizes[0]);
                /* kept as derived rows where a crossing was found: the chart marks them */
                if (be > 0)
                    results_add_fit(ctx->res, &fp, "breakeven_task_us", be, "us", nsizes);
            }
            printf("\n");
        }
        /* The best any C mechanism did with the biggest tasks is what the machine gave
         * us: if it is far below 1, other processes had the CPUs, not the pools' fees. */
        {
            double best = 0;
            for (size_t v = 0; v < ARRAY_SIZE(c_mechs); v++) {
                double e = median_of(ctx, "granularity", c_mechs[v].name, w,
                                     fmt_param(param, sizeof(param), "task_us=%g", sizes[nsizes - 1]), "efficiency");
                best = e > best ? e : best;
            }
            if (w > 1 && best > 0 && best < 0.75)
                printf("  note: even the C mechanisms reach only %.2f with %g us tasks: this run got about %.1f "
                       "CPUs' worth of time, not %d (other processes had the rest), and every efficiency here "
                       "is capped near %.2f\n",
                       best, sizes[nsizes - 1], best * w, w, best);
        }

    chunks:
        if (nchunks == 0)
            continue;
        printf("\n== chunksize: tasks per second, tasks of %g us, %d worker%s\n", chunk_us, w, w == 1 ? "" : "s");
        printf("  %-16s", "chunksize:");
        for (int i = 0; i < nchunks; i++)
            printf(" %9d", chunks[i]);
        printf("\n");
        for (int k = 0; k < 2; k++) {
            const char *var = k == 0 ? "parlab-procs" : "py-mp-pool";
            int any = 0;
            double tps[32];
            for (int i = 0; i < nchunks; i++) {
                tps[i] = median_of(ctx, "chunksize", var, w,
                                   fmt_param(param, sizeof(param), "chunksize=%d;task_us=%g", chunks[i], chunk_us),
                                   "tasks_per_s");
                any |= !isnan(tps[i]);
            }
            if (!any)
                continue;
            printf("  %-16s", var);
            for (int i = 0; i < nchunks; i++)
                printf(" %9.3g", tps[i]);
            printf("\n");
        }
        {
            double j = median_of(ctx, "chunksize", "py-joblib", w,
                                 fmt_param(param, sizeof(param), "chunksize=auto;task_us=%g", chunk_us), "tasks_per_s");
            if (!isnan(j))
                printf("  %-16s %9.3g (batch_size='auto')\n", "py-joblib", j);
        }
    }
    if (nchunks > 0) {
        char param[48];
        double sc = median_of(ctx, "chunksize", "sequential", 1,
                              fmt_param(param, sizeof(param), "chunksize=1;task_us=%g", chunk_us), "tasks_per_s");
        double sp = median_of(ctx, "chunksize", "py-sequential", 1, param, "tasks_per_s");
        printf("  sequential loops: C %.3g tasks/s, Python %.3g tasks/s: a pool pays only above its own "
               "language's line\n",
               sc, sp);
    }
}

/* ---- the lab ---------------------------------------------------------------------------------- */

static int pool_run(struct lab_ctx *ctx)
{
    static const double sizes_full[] = {1, 3, 10, 30, 100, 300, 1000, 3000, 10000};
    static const double sizes_quick[] = {1, 30, 1000};
    static const int chunks_full[] = {1, 3, 10, 30, 100, 300, 1000};
    static const int chunks_quick[] = {1, 10, 100, 1000};
    const double *sizes = ctx->quick ? sizes_quick : sizes_full;
    int nsizes = ctx->quick ? (int)ARRAY_SIZE(sizes_quick) : (int)ARRAY_SIZE(sizes_full);
    const int *chunks = ctx->quick ? chunks_quick : chunks_full;
    int nchunks = ctx->quick ? (int)ARRAY_SIZE(chunks_quick) : (int)ARRAY_SIZE(chunks_full);
    double chunk_us = lab_opt_double(ctx, "chunk-task-us", 10, 0.1, 10000);
    long use_py = lab_opt_long(ctx, "python", 1, 0, 1);
    const char *only = lab_opt(ctx, "only");
    int do_over = !only || !strcmp(only, "task-overhead"), do_gran = !only || !strcmp(only, "granularity");
    int do_chunk = !only || !strcmp(only, "chunksize");
    double target = ctx->quick ? 0.004 : 0.03; /* seconds a sample of the C variants */
    int usable = ctx->topo->usable, nws = 0, rc = EXIT_OK;
    int *ws;
    struct mech *mechs;
    double ns_per_unit;

    if (only && !do_over && !do_gran && !do_chunk)
        usage_error("--only: '%s' is not an experiment (task-overhead, granularity, chunksize)", only);
    if (!do_gran)
        nsizes = 0;
    if (!do_chunk)
        nchunks = 0;
    ws = xmalloc(sizeof(int) * (size_t)(ctx->nworkers + 1));

    /* At the usable CPU count unless --workers says otherwise: the question is what a
     * pool costs on the machine you have, not how it scales. */
    if (ctx->workers_given)
        for (int i = 0; i < ctx->nworkers; i++)
            ws[nws++] = ctx->workers[i];
    else
        ws[nws++] = usable;

    /* Calibrate the unit of work on this core: the fastest of five runs of ~10 ms, since
     * a run that was preempted would make the unit look slower and every task shorter
     * than its label. */
    {
        uint64_t n = 1 << 16;
        double t, best;
        for (;;) {
            double t0 = now_s();
            keep(burn(opaque(n)));
            t = now_s() - t0;
            if (t > 0.01)
                break;
            n *= 2;
        }
        best = t;
        for (int k = 0; k < 4; k++) {
            double t0 = now_s();
            keep(burn(opaque(n)));
            t = now_s() - t0;
            best = t < best ? t : best;
        }
        ns_per_unit = best * 1e9 / (double)n;
    }
    printf("%d usable CPU%s; workers: ", usable, usable == 1 ? "" : "s");
    for (int i = 0; i < nws; i++)
        printf("%s%d%s", i ? ", " : "", ws[i], harness_oversubscribed(ctx, ws[i]) ? " (oversubscribed)" : "");
    printf("; a unit of work (one LCG step) takes %.2f ns here\n", ns_per_unit);
    if (usable == 1)
        printf("one CPU: no pool can beat the loop here; efficiency shows only what the fee costs\n");
    {
        /* The points, as the loops below and the Python program announce them. Per
         * worker count: each C mechanism's task-overhead and task sizes, the process
         * pool's chunk sizes; the sequential loop once. Python: 4 mechanisms (joblib
         * unplans its own if it cannot be imported), multiprocessing's chunk sizes and
         * joblib's automatic batching; the Python loop once. */
        int nc = (int)ARRAY_SIZE(c_mechs), py = use_py && pyembed_available();
        harness_plan(ctx, nws * (nc * (do_over + nsizes) + nchunks) + do_chunk +
                              (py ? nws * (4 * (do_over + nsizes) + do_chunk * (nchunks + 1)) + do_chunk : 0));
    }

    /* 1. Python first, in a child that has never run OpenMP (see the top of the file). */
    if (!use_py) {
        printf("py-* variants skipped: --python 0\n");
    } else {
        struct py_plan pl = {ws, nws, sizes, nsizes, chunks, nchunks, chunk_us, ctx->quick ? 0.01 : 0.04,
                             ctx->quick ? 200 : 2000, ctx->quick ? 100 : 1000, ctx->quick ? 500 : 4000,
                             do_over, do_gran, do_chunk};
        rc = run_python(ctx, &pl);
        if (rc != EXIT_OK) {
            free(ws);
            return rc;
        }
    }

    /* 2. parlab's pools, created before the first OpenMP region: the process pool forks. */
    mechs = xcalloc((size_t)nws, sizeof(*mechs));
    for (int i = 0; i < nws; i++) {
        mechs[i].w = ws[i];
        mechs[i].tp = pool_create(ws[i] - 1, 0);
        mechs[i].pp = ppool_create(ws[i], ptask_fn, NULL);
        if (!mechs[i].tp || !mechs[i].pp)
            die("cannot start the pools for %d workers: %s", ws[i], strerror(errno));
    }

    /* 3. The C variants, experiment by experiment. */
    for (int wi = 0; wi < nws && rc == EXIT_OK; wi++) {
        struct mech *m = &mechs[wi];
        for (size_t v = 0; v < ARRAY_SIZE(c_mechs) && rc == EXIT_OK && do_over; v++)
            if (c_task_overhead(ctx, m, (int)v, target) < 0)
                rc = EXIT_INTERRUPTED;
        for (int i = 0; i < nsizes && rc == EXIT_OK; i++) {
            uint64_t units = (uint64_t)(sizes[i] * 1000 / ns_per_unit);
            /* the real time of one task, measured the way it runs: in a plain loop */
            size_t ns = (size_t)(0.002 / (sizes[i] * 1e-6)) + 1;
            double t_task = INFINITY;
            /* the fastest of seven short runs: a preemption must not make the task look
             * longer (and the pools look better) than it is */
            for (int k = 0; k < 7; k++) {
                double t0 = now_s(), t;
                run_sequential(m, units, ns);
                t = (now_s() - t0) / (double)ns;
                t_task = t < t_task ? t : t_task;
            }
            for (size_t v = 0; v < ARRAY_SIZE(c_mechs) && rc == EXIT_OK; v++)
                if (c_granularity(ctx, m, (int)v, sizes[i], units, t_task, target) < 0)
                    rc = EXIT_INTERRUPTED;
        }
        /* chunksize: parlab's process pool, and the loop it must beat */
        if (do_chunk) {
            uint64_t units = (uint64_t)(chunk_us * 1000 / ns_per_unit);
            size_t n = ctx->quick ? 500 : 4000;
            double *secs = xmalloc(sizeof(double) * (size_t)ctx->reps);
            char param[48];
            for (int c = 0; c <= nchunks && rc == EXIT_OK; c++) {
                int seq = c == nchunks;
                struct point pt = {"chunksize", seq ? "sequential" : "parlab-procs", seq ? 1 : m->w,
                                   fmt_param(param, sizeof(param), "chunksize=%d;task_us=%g", seq ? 1 : chunks[c],
                                             chunk_us)};
                if (seq && wi > 0)
                    break;
                m->chunk = seq ? 1 : (size_t)chunks[c];
                harness_point(ctx, &pt);
                if (time_batches(ctx, m, seq ? run_sequential : run_procs, units, n, secs) < 0) {
                    rc = EXIT_INTERRUPTED;
                    break;
                }
                for (int r = 0; r < ctx->reps; r++)
                    results_add(ctx->res, &pt, r + 1, "tasks_per_s", (double)n / secs[r], "1/s");
            }
            m->chunk = 0;
            free(secs);
        }
    }

    for (int i = 0; i < nws; i++) {
        pool_destroy(mechs[i].tp);
        ppool_destroy(mechs[i].pp);
        free(mechs[i].in);
        free(mechs[i].out);
    }
    free(mechs);
    if (rc == EXIT_OK)
        report(ctx, ws, nws, sizes, nsizes, chunks, nchunks, chunk_us);
    free(ws);
    return rc;
}

static const struct lab_option pool_options[] = {
    {"chunk-task-us", "US", "task size in the chunksize experiment, microseconds (default 10)"},
    {"python", "0|1", "run the Python pools too (default 1)"},
    {"only", "EXP", "run one experiment: task-overhead, granularity or chunksize"},
    {NULL, NULL, NULL},
};

const struct lab lab_pool = {
    .name = "pool",
    .summary = "what a task costs in a thread pool, a process pool, OpenMP, Python; when a pool pays",
    .help =
        "task-overhead: microseconds per empty task for parlab's thread pool (batch and one by\n"
        "one) and process pool, OpenMP tasks and schedule(dynamic,1), and Python's\n"
        "ThreadPoolExecutor, ProcessPoolExecutor, multiprocessing.Pool and joblib.\n"
        "granularity: efficiency against task size (1 us to 10 ms, param task_us=) and the\n"
        "break-even sizes where efficiency reaches 0.5 and 0.9.\n"
        "chunksize: process pool throughput against chunk size, beside joblib's automatic\n"
        "batching and the sequential loop. At the usable CPU count unless --workers is given.\n"
        "Charts: plots/pool-overhead.gp, plots/pool-granularity.gp, plots/pool-chunksize.gp.",
    .options = pool_options,
    .run = pool_run,
    .default_reps = 5,
    .quick_reps = 3,
};
