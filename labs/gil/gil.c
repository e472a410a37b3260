/* labs/gil/gil.c: watch CPython's GIL serialise threads, and measure the ways out.
 *
 * The question: a machine has several cores; does a Python program get faster if it
 * runs its work in several threads?  CPython (up to 3.12, and every default build
 * since) has one Global Interpreter Lock per process: a thread must hold it to run
 * Python bytecode, so one process runs Python on one core at a time. A thread that
 * holds it is asked to let go every "switch interval" (sys.setswitchinterval, 5 ms by
 * default); a thread that blocks in I/O or in C code that says so
 * (Py_BEGIN_ALLOW_THREADS) lets go at once.
 *
 * This lab embeds CPython through its C API and runs four experiments:
 *   1. python-cpu    the same pure-Python work (Beazley's countdown loop) split over N
 *                    threads, N processes, or N threads whose loop runs in C with the
 *                    GIL released (_parlab.spin, src/pyembed.c). Threads stay at ~1x
 *                    and use ~1 core; the other two approach N.
 *   2. gil-timeline  who holds the GIL, who waits, over time, read by a C thread that
 *                    never takes it (gil_sampler.c), drawn as one band per thread.
 *   3. convoy        an I/O thread doing round trips over a socket pair beside 0, 1, 2
 *                    spinning Python threads: each time it blocks it gives the GIL
 *                    away and waits up to a switch interval to get it back.
 *   4. libraries     threads calling hashlib and zlib on large buffers (which release
 *                    the GIL) scale; threads in pure Python do not.
 *
 * Every point runs in a fresh child process (gil_child): it starts its own interpreter,
 * measures, finalises it and sends its numbers back over a pipe. So no interpreter
 * state leaks from one point to the next, and the parent never has an interpreter, a
 * Python thread or the GIL when it forks the processes of the `processes` variant.
 *
 * The C API rules followed here (pyembed.h): after pyembed_start() the main thread
 * holds the GIL; it lets go (pyembed_release_main) before its worker threads call
 * PyGILState_Ensure; every worker is joined before pyembed_stop(). */
#include "gil.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "pyembed.h"

#ifdef PARLAB_HAVE_PYTHON
#define PY_SSIZE_T_CLEAN
#include <Python.h>
/* One GIL per interpreter arrived in CPython 3.12 (PEP 684); a free-threaded build has
 * no GIL to give each one. */
#if PY_VERSION_HEX >= 0x030C0000 && !defined(Py_GIL_DISABLED)
#define PARLAB_HAVE_SUBINTERPRETERS 1
#endif
#endif
#ifndef PARLAB_HAVE_SUBINTERPRETERS
#define PARLAB_HAVE_SUBINTERPRETERS 0
#endif

/* ---- pure helpers (also built without Python: the tests use them) ----------------- */

int gil_has_subinterpreters(void)
{
    return PARLAB_HAVE_SUBINTERPRETERS;
}

uint64_t gil_share(uint64_t total, int workers, int i)
{
    uint64_t base = total / (uint64_t)workers;
    return base + ((uint64_t)i < total % (uint64_t)workers);
}

/* State of thread i in sample k: 2 held, 1 waiting, 0 not active. */
static int sample_state(const struct gil_sample *s, int i)
{
    if (!(s->active & (1u << i)))
        return 0;
    return s->holder == i ? 2 : 1;
}

int gil_timeline_intervals(const struct gil_sample *s, int ns, int nthreads,
                           struct gil_interval *out, int max)
{
    int n = 0;
    for (int i = 0; i < nthreads; i++) {
        int k = 0;
        while (k < ns - 1) {
            int st = sample_state(&s[k], i), j = k + 1;
            while (j < ns - 1 && sample_state(&s[j], i) == st)
                j++;
            /* samples k..j-1 share a state, which lasts until sample j */
            if (st && n < max)
                out[n++] = (struct gil_interval){i, s[k].t, s[j].t, st == 2};
            k = j;
        }
    }
    return n;
}

void gil_timeline_stats(const struct gil_sample *s, int ns, int nthreads,
                        struct gil_thread_stats *out)
{
    for (int i = 0; i < nthreads; i++) {
        double held = 0, wait = 0;
        int acq = 0;
        for (int k = 0; k + 1 < ns; k++) {
            double dt = s[k + 1].t - s[k].t;
            int st = sample_state(&s[k], i);
            held += st == 2 ? dt : 0;
            wait += st == 1 ? dt : 0;
            /* took it over: held now, and someone else (or nobody) held it before */
            if (st == 2 && (k == 0 || s[k - 1].holder != i))
                acq++;
        }
        out[i].active_s = held + wait;
        out[i].held = held + wait > 0 ? held / (held + wait) : 0;
        out[i].waiting = held + wait > 0 ? wait / (held + wait) : 0;
        out[i].acquisitions = acq;
    }
}

#ifdef PARLAB_HAVE_PYTHON

/* ---- one point, one child process ----------------------------------------------------------
 * The child writes tab-separated lines into a pipe; the parent reads them:
 *   r PARAM REP METRIC UNIT VALUE   a result (PARAM "-": the point's own)
 *   w REP WORKER UNITS              units of work worker WORKER reported (rep 0 = warm-up)
 *   i THREAD START END STATE        an interval of the GIL timeline
 *   c WHAT RATE                     a calibration: units a second */
typedef int (*child_fn)(void *arg, FILE *out);

enum { RATE_COUNT, RATE_SPIN, RATE_HASHLIB, RATE_ZLIB, NRATES };

struct sink {
    struct results *res; /* NULL: record nothing (the tests) */
    struct point pt;
    uint64_t *done;      /* done[rep * done_workers + worker], or NULL */
    int done_workers, done_reps;
    struct csvw *timeline;
    double rate[NRATES];
};

static void sink_line(struct sink *k, char *line)
{
    char *f[8], *save = NULL, *tok;
    int nf = 0;
    line[strcspn(line, "\n")] = 0;
    for (tok = strtok_r(line, "\t", &save); tok && nf < 8; tok = strtok_r(NULL, "\t", &save))
        f[nf++] = tok;
    if (nf == 6 && !strcmp(f[0], "r") && k->res) {
        struct point p = k->pt;
        if (strcmp(f[1], "-"))
            p.param = f[1];
        results_add(k->res, &p, atoi(f[2]), f[3], strtod(f[5], NULL), f[4]);
    } else if (nf == 4 && !strcmp(f[0], "w") && k->done) {
        long rep = atol(f[1]), w = atol(f[2]);
        if (rep >= 0 && rep <= k->done_reps && w >= 0 && w < k->done_workers)
            k->done[rep * k->done_workers + w] = strtoull(f[3], NULL, 10);
    } else if (nf == 5 && !strcmp(f[0], "i") && k->timeline) {
        csvw_int(k->timeline, atol(f[1]));
        csvw_num(k->timeline, strtod(f[2], NULL));
        csvw_num(k->timeline, strtod(f[3], NULL));
        csvw_str(k->timeline, f[4]);
        csvw_endrow(k->timeline);
    } else if (nf == 3 && !strcmp(f[0], "c")) {
        int w = atoi(f[1]);
        if (w >= 0 && w < NRATES)
            k->rate[w] = strtod(f[2], NULL);
    }
}

/* Run fn(arg, pipe) in a child process and feed its lines to the sink. Returns 0 if
 * the child exited 0, else -1 (it printed why on stderr). */
static int gil_child(child_fn fn, void *arg, struct sink *k)
{
    int fd[2], status = 0;
    char *line = NULL;
    size_t cap = 0;
    FILE *in;
    pid_t pid;

    if (pipe(fd) < 0)
        die("cannot create a pipe: %s", strerror(errno));
    pid = harness_fork();
    if (pid < 0)
        die("cannot fork: %s", strerror(errno));
    if (pid == 0) {
        FILE *out;
        int rc;
        close(fd[0]);
        out = fdopen(fd[1], "w");
        if (!out)
            _exit(EXIT_FAIL);
        rc = fn(arg, out);
        if (fclose(out) != 0)
            rc = EXIT_FAIL;
        fflush(stdout);
        fflush(stderr);
        _exit(rc); /* no atexit handlers: they belong to the parent */
    }
    close(fd[1]);
    in = fdopen(fd[0], "r");
    if (!in)
        die("cannot read from a child: %s", strerror(errno));
    while (getline(&line, &cap, in) > 0)
        sink_line(k, line);
    free(line);
    fclose(in);
    harness_wait(pid, &status);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFSIGNALED(status))
        note("a measuring child process died of signal %d", WTERMSIG(status));
    else
        note("a measuring child process exited with status %d", WEXITSTATUS(status));
    return -1;
}

static void emit(FILE *out, const char *param, int rep, const char *metric, const char *unit,
                 double v)
{
    fprintf(out, "r\t%s\t%d\t%s\t%s\t%.9g\n", param, rep, metric, unit, v);
}

/* ---- the Python side -------------------------------------------------------------------- */

/* The work. count(n) is Beazley's countdown (`while n > 0: n -= 1`) counting up, so it
 * can return how many steps it did: one comparison and one addition of Python ints a
 * step, all bytecode, the GIL held throughout. spin(n) is the same idea in C, with the
 * GIL released (src/pyembed.c). hash_work and zlib_work call library code that
 * releases the GIL on buffers this large. Each returns the units of work done. */
#define COUNT_SRC                                                                    \
    "def count(n):\n"                                                               \
    "    i = 0\n"                                                                   \
    "    while i < n:\n"                                                            \
    "        i += 1\n"                                                              \
    "    return i\n"
static const char work_src[] =
    "import hashlib, os, threading, time, zlib\n"
    "import _parlab\n"
    "spin = _parlab.spin\n"
    COUNT_SRC
    "BLOCK = bytes(range(256)) * 4096  # 1 MiB\n"
    "def hash_work(n):\n"
    "    h = hashlib.sha256()\n"
    "    for _ in range(n):\n"
    "        h.update(BLOCK)  # releases the GIL for buffers over 2 KiB\n"
    "    return n\n"
    "def zlib_work(n):\n"
    "    for _ in range(n):\n"
    "        zlib.compress(BLOCK, 6)  # releases the GIL while deflating\n"
    "    return n\n"
    "def rate(fn, seconds):\n"
    "    n = 1\n"
    "    fn(n)\n"
    "    while True:\n"
    "        t0 = time.perf_counter()\n"
    "        fn(n)\n"
    "        t = time.perf_counter() - t0\n"
    "        if t >= seconds or n >= 1 << 40:\n"
    "            return n / t\n"
    "        n *= 2\n"
    /* CPython 3.11 rewrites a function's bytecode into faster, specialised
     * instructions only after the function's 8th call (PEP 659's warm-up), not after
     * long loops. Each worker calls count() once a repetition, so without this the
     * first calls of every point would run the slow, generic bytecode (about 1.5-2x
     * slower here) and one worker (6 calls) would be timed on different code than
     * four (24 calls). Calling each loop a few times with no work first makes every
     * timed call, in every variant and process, run the same specialised code. */
    "for _ in range(16):\n"
    "    count(1), hash_work(0), zlib_work(0)\n";

/* What a subinterpreter runs: count() alone, warmed up the same way (it cannot import
 * _parlab, a single-phase module that isolated interpreters refuse). */
#if PARLAB_HAVE_SUBINTERPRETERS
static const char count_src[] = COUNT_SRC "for _ in range(16):\n    count(1)\n";
#endif

static int start_python(void)
{
    if (pyembed_start() < 0)
        return -1;
    if (pyembed_exec(work_src) < 0) {
        pyembed_stop();
        return -1;
    }
    return 0;
}

/* A name from __main__, as a new reference. */
static PyObject *main_get(const char *name)
{
    PyObject *m = PyImport_AddModule("__main__"), *o;
    o = m ? PyObject_GetAttrString(m, name) : NULL;
    if (!o)
        PyErr_Print();
    return o;
}

/* ---- calibration: how much work makes a second, on this machine ---------------- */

static int calibrate_child(void *arg, FILE *out)
{
    static const char *const what[NRATES] = {"count", "spin", "hash_work", "zlib_work"};
    double seconds = *(const double *)arg;
    if (start_python() < 0)
        return EXIT_FAIL;
    for (int i = 0; i < NRATES; i++) {
        char expr[64];
        double r;
        snprintf(expr, sizeof(expr), "rate(%s, %g)", what[i], seconds);
        if (pyembed_eval_double(expr, &r) < 0) {
            pyembed_stop();
            return EXIT_FAIL;
        }
        fprintf(out, "c\t%d\t%.9g\n", i, r);
    }
    pyembed_stop();
    return EXIT_OK;
}

/* ---- experiment 1: python-cpu -------------------------------------------------------------- */

struct cpu_job {
    const char *variant; /* "threads", "threads-nogil", "processes" */
    int workers;
    uint64_t total;      /* units over all workers */
    int first_rep, reps; /* reps first_rep..reps (0 = an untimed warm-up) */
    const struct topo *topo;
    int pin;
    /* gil-timeline only: sample the GIL while the threads run */
    int sample_period_us;
    /* python-cpu with N > 1: before each repetition's N-worker run, worker 0 does ALL
     * the work alone, in the same process, moments before. speedup = that time / the
     * N-worker time, per repetition: a paired measurement, so a machine whose speed
     * drifts (turbo, a noisy neighbour on a shared VM) slows both sides alike instead
     * of skewing the ratio against a baseline measured seconds earlier. */
    int paired;
};

/* The threads of one child, and what they share. */
struct cpu_run {
    const struct cpu_job *job;
    PyObject *fn;              /* count or spin: called by every worker */
    pthread_barrier_t ready, start, end;
    uint64_t *done;            /* done[rep * workers + worker] */
    atomic_int failed;
    uint64_t *alone;           /* paired: alone[rep], the units worker 0 did alone */
    int subinterp;             /* variant subinterpreters: each worker its own interpreter */
    void *tstates[GIL_MAX_THREADS]; /* gil-timeline: each worker's PyThreadState */
    atomic_int active[GIL_MAX_THREADS];
};

struct cpu_worker {
    struct cpu_run *run;
    int id;
};

/* Call fn(units) (count or spin) with the GIL held; *got = the units it reports. */
static void call_work(struct cpu_run *r, PyObject *fn, uint64_t units, uint64_t *got)
{
    PyObject *res = fn ? PyObject_CallFunction(fn, "K", (unsigned long long)units) : NULL;
    if (res) {
        *got = PyLong_AsUnsignedLongLong(res);
        Py_DECREF(res);
    } else {
        if (fn)
            PyErr_Print();
        atomic_store(&r->failed, 1);
    }
}

/* One worker thread. The GIL dance is the point of the lab, so here it is in full:
 * PyGILState_Ensure gives this C thread a Python thread state and the GIL; we keep the
 * state for the whole run (re-creating it each time costs ~0.7 us, keeping it ~45 ns)
 * but let go of the GIL (PyEval_SaveThread) whenever we wait for the other threads, or
 * they could never run. */
static void *cpu_worker_main(void *p)
{
    struct cpu_worker *w = p;
    struct cpu_run *r = w->run;
    const struct cpu_job *j = r->job;
    uint64_t share = gil_share(j->total, j->workers, w->id);
    PyGILState_STATE g;
    PyThreadState *ts;
    PyObject *fn = r->fn;
#if PARLAB_HAVE_SUBINTERPRETERS
    PyThreadState *main_ts = NULL;
#endif

    if (j->pin)
        topo_pin_thread(j->topo, w->id);
    g = PyGILState_Ensure();
    if (w->id < GIL_MAX_THREADS)
        r->tstates[w->id] = PyThreadState_Get();
#if PARLAB_HAVE_SUBINTERPRETERS
    /* subinterpreters: this thread gets an interpreter of its own, with its own GIL
     * (PEP 684), and runs count() there. Creating it needs the main GIL, which it
     * lets go of once the new interpreter's GIL is ours. Nothing is shared between
     * interpreters, not even objects: each has its own count(). */
    if (r->subinterp) {
        PyInterpreterConfig cfg = {
            .use_main_obmalloc = 0, /* its own allocator: required for its own GIL */
            .allow_fork = 0, .allow_exec = 0, .allow_threads = 1,
            .allow_daemon_threads = 0, .check_multi_interp_extensions = 1,
            .gil = PyInterpreterConfig_OWN_GIL,
        };
        PyThreadState *sub = NULL;
        main_ts = PyThreadState_Get();
        if (PyStatus_Exception(Py_NewInterpreterFromConfig(&sub, &cfg)) || !sub ||
            pyembed_exec(count_src) < 0 || !(fn = main_get("count"))) {
            note("subinterpreter %d: could not start it or define count()", w->id + 1);
            atomic_store(&r->failed, 1);
            fn = NULL;
        }
    }
#endif
    ts = PyEval_SaveThread();
    pthread_barrier_wait(&r->ready);
    for (int rep = j->first_rep; rep <= j->reps; rep++) {
        if (j->paired) { /* the baseline: worker 0 does all the work, the rest wait */
            pthread_barrier_wait(&r->start);
            if (w->id == 0) {
                PyEval_RestoreThread(ts);
                call_work(r, fn, j->total, &r->alone[rep]);
                ts = PyEval_SaveThread();
            }
            pthread_barrier_wait(&r->end);
        }
        pthread_barrier_wait(&r->start);
        /* From here the thread wants the GIL: until it gets it, it is waiting. */
        if (w->id < GIL_MAX_THREADS)
            atomic_store(&r->active[w->id], 1);
        PyEval_RestoreThread(ts);
        call_work(r, fn, share, &r->done[rep * j->workers + w->id]);
        ts = PyEval_SaveThread();
        if (w->id < GIL_MAX_THREADS)
            atomic_store(&r->active[w->id], 0);
        pthread_barrier_wait(&r->end);
    }
    PyEval_RestoreThread(ts);
#if PARLAB_HAVE_SUBINTERPRETERS
    if (main_ts) {
        if (fn)
            Py_DECREF(fn); /* an object of this interpreter: freed before it ends */
        if (PyThreadState_Get() != main_ts)
            Py_EndInterpreter(PyThreadState_Get()); /* leaves no thread state current */
        PyEval_RestoreThread(main_ts);            /* back in the main interpreter */
    }
#endif
    PyGILState_Release(g); /* frees the thread state PyGILState_Ensure made */
    return NULL;
}

static void timeline_report(FILE *out, const struct cpu_job *j, int rep, struct gil_sample *s,
                            int ns, unsigned long switches);

/* threads and threads-nogil: one interpreter, N threads. */
static int cpu_threads_child(void *arg, FILE *out)
{
    const struct cpu_job *j = arg;
    int n = j->workers, nrep = j->reps + 1;
    struct cpu_run *r = xcalloc(1, sizeof(*r));
    struct cpu_worker *w = xmalloc(sizeof(*w) * (size_t)n);
    pthread_t *tid = xmalloc(sizeof(*tid) * (size_t)n);
    void *main_state;

    r->job = j;
    r->done = xcalloc((size_t)nrep * (size_t)n, sizeof(uint64_t));
    r->alone = xcalloc((size_t)nrep, sizeof(uint64_t));
    if (start_python() < 0)
        return EXIT_FAIL;
    r->subinterp = !strcmp(j->variant, "subinterpreters");
    r->fn = main_get(!strcmp(j->variant, "threads-nogil") ? "spin" : "count");
    if (!r->fn) {
        pyembed_stop();
        return EXIT_FAIL;
    }
    pthread_barrier_init(&r->ready, NULL, (unsigned)n + 1);
    pthread_barrier_init(&r->start, NULL, (unsigned)n + 1);
    pthread_barrier_init(&r->end, NULL, (unsigned)n + 1);
    main_state = pyembed_release_main(); /* now the workers can take the GIL */
    for (int i = 0; i < n; i++) {
        w[i] = (struct cpu_worker){r, i};
        if (pthread_create(&tid[i], NULL, cpu_worker_main, &w[i]) != 0)
            die("cannot create thread %d of %d", i + 1, n);
    }
    pthread_barrier_wait(&r->ready);

    /* This thread only starts and stops the workers: it never holds the GIL while they
     * run, and waits in the barrier without using a CPU. */
    for (int rep = j->first_rep; rep <= j->reps; rep++) {
        struct gil_sampler *smp = NULL;
        double t0, c0, t1, c1, t_alone = 0;
        if (j->paired) {
            t0 = now_s();
            pthread_barrier_wait(&r->start);
            pthread_barrier_wait(&r->end);
            t_alone = now_s() - t0;
        }
        if (j->sample_period_us)
            smp = gil_sampler_start(r->tstates, r->active, n, j->sample_period_us,
                                    (int)(j->total / 1000) + 200000);
        c0 = cpu_time_s();
        t0 = now_s();
        pthread_barrier_wait(&r->start);
        pthread_barrier_wait(&r->end);
        t1 = now_s();
        c1 = cpu_time_s();
        if (smp) {
            struct gil_sample *s;
            unsigned long sw;
            int ns = gil_sampler_stop(smp, &s, &sw);
            timeline_report(out, j, rep, s, ns, sw);
            free(s);
        }
        if (rep > 0) {
            emit(out, "-", rep, "seconds", "s", t1 - t0);
            emit(out, "-", rep, "cpu_utilization", "cores", (c1 - c0) / (t1 - t0));
            if (j->paired) {
                emit(out, "-", rep, "seconds_1worker", "s", t_alone);
                emit(out, "-", rep, "speedup", "x", t_alone / (t1 - t0));
            }
        }
    }
    for (int i = 0; i < n; i++)
        pthread_join(tid[i], NULL);
    pyembed_reacquire_main(main_state);
    Py_DECREF(r->fn);
    pyembed_stop(); /* every worker is joined: none holds or waits for the GIL */

    for (int rep = j->first_rep; rep <= j->reps; rep++) {
        for (int i = 0; i < n; i++)
            fprintf(out, "w\t%d\t%d\t%llu\n", rep, i, (unsigned long long)r->done[rep * n + i]);
        if (j->paired && r->alone[rep] != j->total) {
            note("%s, %d workers, rep %d: worker 1 alone did %llu units of %llu", j->variant, n,
                 rep, (unsigned long long)r->alone[rep], (unsigned long long)j->total);
            atomic_store(&r->failed, 1);
        }
    }
    free(r->alone);
    pthread_barrier_destroy(&r->ready);
    pthread_barrier_destroy(&r->start);
    pthread_barrier_destroy(&r->end);
    {
        int failed = atomic_load(&r->failed);
        free(r->done), free(r), free(w), free(tid);
        return failed ? EXIT_FAIL : EXIT_OK;
    }
}

/* processes: N processes, each with its own interpreter and its own GIL. The child
 * running this has no interpreter (it never called pyembed_start), so each worker
 * process forks from a clean state and starts a fresh interpreter. Starting them is
 * not timed (the pool lab measures start-up costs): the clock runs from "go" to the
 * last "done", as for the threads. */
struct proc_done {
    int id, ok;
    unsigned long long units;
    double cpu;
};

static void proc_worker(const struct cpu_job *j, int id, int go_fd, int ready_fd, int done_fd)
{
    uint64_t share = gil_share(j->total, j->workers, id);
    PyObject *fn;
    char c;
    if (j->pin)
        topo_pin_thread(j->topo, id);
    if (start_python() < 0)
        _exit(EXIT_FAIL);
    fn = main_get("count");
    if (!fn)
        _exit(EXIT_FAIL);
    if (write(ready_fd, "r", 1) != 1)
        _exit(EXIT_FAIL);
    /* 'g': do my share; 'a': do ALL the work alone (the paired baseline, worker 0) */
    while (read(go_fd, &c, 1) == 1 && (c == 'g' || c == 'a')) {
        struct proc_done d = {id, 0, 0, 0};
        double c0 = cpu_time_s();
        uint64_t units = c == 'a' ? j->total : share;
        PyObject *res = PyObject_CallFunction(fn, "K", (unsigned long long)units);
        d.cpu = cpu_time_s() - c0;
        if (res) {
            d.ok = 1;
            d.units = PyLong_AsUnsignedLongLong(res);
            Py_DECREF(res);
        } else {
            PyErr_Print();
        }
        if (write(done_fd, &d, sizeof(d)) != (ssize_t)sizeof(d)) /* < PIPE_BUF: atomic */
            break;
    }
    Py_DECREF(fn);
    pyembed_stop();
    _exit(EXIT_OK);
}

static int cpu_procs_child(void *arg, FILE *out)
{
    const struct cpu_job *j = arg;
    int n = j->workers, ready[2], done[2], rc = EXIT_OK;
    int (*go)[2] = xmalloc(sizeof(*go) * (size_t)n);
    pid_t *pid = xmalloc(sizeof(pid_t) * (size_t)n);
    uint64_t *units = xcalloc((size_t)(j->reps + 1) * (size_t)n, sizeof(uint64_t));

    if (pipe(ready) < 0 || pipe(done) < 0)
        die("cannot create a pipe: %s", strerror(errno));
    for (int i = 0; i < n; i++) {
        if (pipe(go[i]) < 0)
            die("cannot create a pipe: %s", strerror(errno));
        fflush(out);
        pid[i] = harness_fork();
        if (pid[i] < 0)
            die("cannot fork worker %d: %s", i + 1, strerror(errno));
        if (pid[i] == 0) {
            for (int k = 0; k < i; k++)
                close(go[k][1]);
            close(go[i][1]), close(ready[0]), close(done[0]);
            proc_worker(j, i, go[i][0], ready[1], done[1]);
        }
        close(go[i][0]);
    }
    close(ready[1]), close(done[1]);
    for (int i = 0; i < n; i++) {
        char c;
        if (read_full(ready[0], &c, 1) < 0) {
            rc = EXIT_FAIL;
            goto out;
        }
    }
    for (int rep = j->first_rep; rep <= j->reps; rep++) {
        double t0, cpu = 0, t_alone = 0;
        if (j->paired) { /* the baseline, moments before: worker 0 does all the work */
            struct proc_done d;
            t0 = now_s();
            if (write(go[0][1], "a", 1) != 1 || read_full(done[0], &d, sizeof(d)) < 0 || !d.ok ||
                d.id != 0 || d.units != j->total) {
                note("%s, %d workers, rep %d: worker 1 alone did not do all the work", j->variant,
                     n, rep);
                rc = EXIT_FAIL;
                goto out;
            }
            t_alone = now_s() - t0;
        }
        t0 = now_s();
        for (int i = 0; i < n; i++)
            if (write(go[i][1], "g", 1) != 1)
                rc = EXIT_FAIL;
        for (int i = 0; i < n; i++) {
            struct proc_done d;
            if (read_full(done[0], &d, sizeof(d)) < 0 || !d.ok || d.id < 0 || d.id >= n) {
                rc = EXIT_FAIL;
                goto out;
            }
            units[rep * n + d.id] = d.units;
            cpu += d.cpu;
        }
        if (rep > 0) {
            double t = now_s() - t0;
            emit(out, "-", rep, "seconds", "s", t);
            emit(out, "-", rep, "cpu_utilization", "cores", cpu / t);
            if (j->paired) {
                emit(out, "-", rep, "seconds_1worker", "s", t_alone);
                emit(out, "-", rep, "speedup", "x", t_alone / t);
            }
        }
    }
    for (int rep = j->first_rep; rep <= j->reps; rep++)
        for (int i = 0; i < n; i++)
            fprintf(out, "w\t%d\t%d\t%llu\n", rep, i, (unsigned long long)units[rep * n + i]);
out:
    for (int i = 0; i < n; i++)
        close(go[i][1]); /* a worker reading end-of-file finalises and exits */
    for (int i = 0; i < n; i++) {
        int st;
        harness_wait(pid[i], &st);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            rc = EXIT_FAIL;
    }
    close(ready[0]), close(done[0]);
    free(go), free(pid), free(units);
    return rc;
}

/* Run one python-cpu point in a child; check every worker did exactly its share. */
static int cpu_point(const struct cpu_job *j, struct sink *k)
{
    int n = j->workers, rc;
    uint64_t *done = xcalloc((size_t)(j->reps + 1) * (size_t)n, sizeof(uint64_t));
    k->done = done, k->done_workers = n, k->done_reps = j->reps;
    rc = gil_child(!strcmp(j->variant, "processes") ? cpu_procs_child : cpu_threads_child,
                   (void *)j, k);
    for (int rep = j->first_rep; rep <= j->reps && rc == 0; rep++)
        for (int i = 0; i < n; i++)
            if (done[rep * n + i] != gil_share(j->total, n, i)) {
                note("%s, %d workers, rep %d: worker %d did %llu units, its share is %llu",
                     j->variant, n, rep, i + 1, (unsigned long long)done[rep * n + i],
                     (unsigned long long)gil_share(j->total, n, i));
                rc = -1;
            }
    k->done = NULL;
    free(done);
    return rc;
}

int gil_work_specialised(void)
{
    int st = 0;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        /* Specialised instructions are named after the types they handle
         * (BINARY_OP_ADD_INT for i += 1 on ints), in 3.11 and later alike. */
        static const char check[] =
            "import dis, os\n"
            "ops = {i.opname for i in dis.get_instructions(count, adaptive=True)}\n"
            "os._exit(0 if 'BINARY_OP_ADD_INT' in ops else 1)\n";
        if (start_python() < 0)
            _exit(2);
        pyembed_exec(check);
        _exit(2);
    }
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) > 1)
        return -1;
    return WEXITSTATUS(st) == 0;
}

int gil_cpu_check(const char *variant, int workers, uint64_t total, int reps, int paired,
                  uint64_t *done)
{
    struct topo t = {0};
    struct cpu_job j = {variant, workers, total, 0, reps, &t, 0, 0, paired};
    struct sink k = {0};
    k.done = done, k.done_workers = workers, k.done_reps = reps;
    return gil_child(!strcmp(variant, "processes") ? cpu_procs_child : cpu_threads_child, &j, &k);
}

/* ---- experiment 2: gil-timeline ---------------------------------------------------------- */

/* Called in the child after each sampled repetition: per-thread fractions, the GIL's
 * own switch count, and (first repetition only) the intervals for the chart. */
static void timeline_report(FILE *out, const struct cpu_job *j, int rep, struct gil_sample *s,
                            int ns, unsigned long switches)
{
    struct gil_thread_stats st[GIL_MAX_THREADS];
    int n = j->workers < GIL_MAX_THREADS ? j->workers : GIL_MAX_THREADS, first = -1, last = -1;
    double busy = 0, span;
    char param[32];

    /* The run is the stretch where some worker was active. */
    for (int k = 0; k < ns; k++)
        if (s[k].active) {
            first = first < 0 ? k : first;
            last = k;
        }
    if (first < 0 || last - first < 2) {
        fprintf(out, "r\tthread=all\t%d\tsamples\tcount\t%d\n", rep, ns);
        return;
    }
    /* keep one sample past the last active one: it closes the last interval */
    ns = (last + 1 < ns ? last + 1 : last) - first + 1;
    s += first;
    span = s[ns - 1].t - s[0].t;
    gil_timeline_stats(s, ns, n, st);
    for (int i = 0; i < n; i++) {
        fmt_param(param, sizeof(param), "thread=%d", i + 1);
        emit(out, param, rep, "held_fraction", "fraction", st[i].held);
        emit(out, param, rep, "waiting_fraction", "fraction", st[i].waiting);
        emit(out, param, rep, "acquisitions_per_s", "1/s", st[i].acquisitions / span);
        busy += st[i].held * st[i].active_s;
    }
    emit(out, "thread=all", rep, "gil_busy_fraction", "fraction", busy / span);
    emit(out, "thread=all", rep, "switches_per_s", "1/s", switches / span);
    emit(out, "thread=all", rep, "samples", "count", ns);
    if (rep == 1) {
        int cap = ns * n + 1;
        struct gil_interval *iv = xmalloc(sizeof(*iv) * (size_t)cap);
        int m = gil_timeline_intervals(s, ns, n, iv, cap);
        for (int k = 0; k < m; k++)
            fprintf(out, "i\t%d\t%.6f\t%.6f\t%s\n", iv[k].thread + 1, iv[k].start - s[0].t,
                    iv[k].end - s[0].t, iv[k].held ? "held" : "waiting");
        free(iv);
    }
}

/* ---- experiment 3: convoy ---------------------------------------------------------------------- */

/* The I/O thread: send one byte, wait for it to come back, count. Every recv() blocks,
 * and a blocking call releases the GIL; when the byte is back the thread needs the
 * GIL again, and a spinning thread gives it up only when the switch interval has
 * passed. The CPU threads spin until the I/O thread is done. Results go straight to
 * the pipe (os.write on out_fd) as "r" lines. */
static const char convoy_src[] =
    "import socket, sys, threading, time, os\n"
    "def convoy(fd, out_fd, switch_s, ncpu, seconds, reps):\n"
    "    sys.setswitchinterval(switch_s)\n"
    "    stop = False\n"
    "    def spin():\n"
    "        n = 0\n"
    "        while not stop:\n"
    "            n += 1\n"
    "    s = socket.socket(fileno=fd)\n"
    "    def io():\n"
    "        for rep in range(1, reps + 1):\n"
    "            count = 0\n"
    "            t0 = time.perf_counter()\n"
    "            t_end = t0 + seconds\n"
    "            while True:\n"
    "                s.send(b'x')\n"
    "                s.recv(1)\n"
    "                count += 1\n"
    "                t = time.perf_counter()\n"
    "                if t >= t_end:\n"
    "                    break\n"
    "            os.write(out_fd, b'r\\t-\\t%d\\troundtrips_per_s\\t1/s\\t%.9g\\n'\n"
    "                     % (rep, count / (t - t0)))\n"
    "    spinners = [threading.Thread(target=spin) for _ in range(ncpu)]\n"
    "    for t in spinners:\n"
    "        t.start()\n"
    "    io_thread = threading.Thread(target=io)\n"
    "    io_thread.start()\n"
    "    io_thread.join()\n"
    "    stop = True\n"
    "    for t in spinners:\n"
    "        t.join()\n"
    "    s.close()\n";

struct convoy_job {
    int in_process; /* 1: the CPU work runs in other processes */
    int cpu;        /* CPU-bound workers */
    int switch_us;
    double seconds;
    int reps;
};

/* The far end of the socket pair: a C thread that echoes every byte. It never touches
 * Python, so it answers at once: what we measure is the Python side. */
static void *echo_main(void *p)
{
    int fd = *(int *)p;
    char buf[64];
    ssize_t k;
    while ((k = read(fd, buf, sizeof(buf))) > 0)
        if (write(fd, buf, (size_t)k) != k)
            break;
    return NULL;
}

static int convoy_child(void *arg, FILE *out)
{
    const struct convoy_job *j = arg;
    int sv[2], ready[2], rc = EXIT_OK;
    pid_t spinner[2] = {0, 0};
    pthread_t echo;
    char src[160];

    /* cpu-in-process: the spinners are processes, forked now, before this process has
     * an interpreter; each starts its own and spins in pure Python until killed. */
    if (pipe(ready) < 0)
        die("cannot create a pipe: %s", strerror(errno));
    for (int i = 0; j->in_process && i < j->cpu && i < 2; i++) {
        fflush(out);
        spinner[i] = harness_fork();
        if (spinner[i] == 0) {
            close(ready[0]);
            if (start_python() < 0 || write(ready[1], "r", 1) != 1)
                _exit(EXIT_FAIL);
            pyembed_exec("n = 0\nwhile True:\n    n += 1\n");
            _exit(EXIT_FAIL); /* not reached: SIGKILL ends it */
        }
    }
    close(ready[1]);
    for (int i = 0; j->in_process && i < j->cpu && i < 2; i++) {
        char c;
        if (read_full(ready[0], &c, 1) < 0)
            rc = EXIT_FAIL;
    }
    close(ready[0]);

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        die("cannot create a socket pair: %s", strerror(errno));
    if (pthread_create(&echo, NULL, echo_main, &sv[1]) != 0)
        die("cannot create the echo thread");
    if (rc == EXIT_OK && start_python() == 0) {
        if (pyembed_exec(convoy_src) < 0)
            rc = EXIT_FAIL;
        fflush(out); /* the Python side writes to the same pipe */
        snprintf(src, sizeof(src), "convoy(%d, %d, %g, %d, %g, %d)\n", sv[0], fileno(out),
                 j->switch_us / 1e6, j->in_process ? 0 : j->cpu, j->seconds, j->reps);
        if (rc == EXIT_OK && pyembed_exec(src) < 0)
            rc = EXIT_FAIL;
        pyembed_stop(); /* convoy() joined all its threads */
    } else {
        rc = EXIT_FAIL;
    }
    shutdown(sv[1], SHUT_RDWR); /* the echo thread reads end-of-file and returns */
    pthread_join(echo, NULL);
    close(sv[1]);
    for (int i = 0; i < 2; i++)
        if (spinner[i] > 0) {
            kill(spinner[i], SIGKILL);
            harness_wait(spinner[i], NULL);
        }
    return rc;
}

/* ---- experiment 4: libraries ------------------------------------------------------------------ */

/* N threads, each doing its share of `total` units with `work`, timed from the first
 * start to the last join; results straight into the pipe. */
static const char libraries_src[] =
    "def lib_run(work, nthreads, total, reps, out_fd):\n"
    "    shares = [total // nthreads + (i < total % nthreads) for i in range(nthreads)]\n"
    "    for rep in range(reps + 1):\n"
    "        done = [0] * nthreads\n"
    "        def run(i):\n"
    "            done[i] = work(shares[i])\n"
    "        threads = [threading.Thread(target=run, args=(i,)) for i in range(nthreads)]\n"
    "        t0 = time.perf_counter()\n"
    "        c0 = time.process_time()\n"
    "        for t in threads:\n"
    "            t.start()\n"
    "        for t in threads:\n"
    "            t.join()\n"
    "        t = time.perf_counter() - t0\n"
    "        c = time.process_time() - c0\n"
    "        lines = ['w\\t%d\\t%d\\t%d\\n' % (rep, i, done[i]) for i in range(nthreads)]\n"
    "        if rep > 0:\n"
    "            lines.append('r\\t-\\t%d\\tseconds\\ts\\t%.9g\\n' % (rep, t))\n"
    "            lines.append('r\\t-\\t%d\\tcpu_utilization\\tcores\\t%.9g\\n' % (rep, c / t))\n"
    "        os.write(out_fd, ''.join(lines).encode())\n";

struct lib_job {
    const char *work; /* the Python function: hash_work, zlib_work, count */
    int workers;
    uint64_t total;
    int reps;
};

static int libraries_child(void *arg, FILE *out)
{
    const struct lib_job *j = arg;
    char src[160];
    int rc = EXIT_OK;
    if (start_python() < 0)
        return EXIT_FAIL;
    fflush(out);
    snprintf(src, sizeof(src), "lib_run(%s, %d, %llu, %d, %d)\n", j->work, j->workers,
             (unsigned long long)j->total, j->reps, fileno(out));
    if (pyembed_exec(libraries_src) < 0 || pyembed_exec(src) < 0)
        rc = EXIT_FAIL;
    pyembed_stop(); /* lib_run joined all its threads */
    return rc;
}

/* ---- the parent: plan, run, print ------------------------------------------------------------- */

/* Worker counts: 1 first (speedup is against it), then --workers / the default sweep. */
static int worker_list(const struct lab_ctx *ctx, int **out)
{
    int *w = xmalloc(sizeof(int) * (size_t)(ctx->nworkers + 1)), n = 0;
    if (ctx->workers[0] != 1)
        w[n++] = 1;
    for (int i = 0; i < ctx->nworkers; i++)
        w[n++] = ctx->workers[i];
    *out = w;
    return n;
}

/* Per repetition: speedup against the median one-worker time of the same variant. */
static void add_speedup(struct lab_ctx *ctx, const struct point *pt, double t1)
{
    double *sec = xmalloc(sizeof(double) * (size_t)ctx->reps);
    int k = results_values(ctx->res, pt, "seconds", sec, ctx->reps);
    for (int r = 0; r < k; r++)
        results_add(ctx->res, pt, r + 1, "speedup", t1 / sec[r], "x");
    free(sec);
}

static double median_of(struct lab_ctx *ctx, const struct point *pt, const char *metric)
{
    const struct summary *s = results_summary(ctx->res, pt, metric);
    return s ? s->median : 0;
}

static void print_scaling_row(struct lab_ctx *ctx, const struct point *pt)
{
    harness_progress_clear();
    printf("  %-15s %6d%s %9.4f %8.2fx %8.2f\n", pt->variant, pt->workers,
           harness_oversubscribed(ctx, pt->workers) ? "*" : " ", median_of(ctx, pt, "seconds"),
           median_of(ctx, pt, "speedup"), median_of(ctx, pt, "cpu_utilization"));
    fflush(stdout);
}

static const char *const variants[] = {"threads", "processes", "threads-nogil",
#if PARLAB_HAVE_SUBINTERPRETERS
                                       "subinterpreters",
#endif
};

static int run_python_cpu(struct lab_ctx *ctx, const double *rate, double target)
{
    int *w, nw = worker_list(ctx, &w), best = 1;

    printf("\n== python-cpu: the same work split over N workers (%.2f s for one worker)\n",
           target);
    printf("  %-15s %6s  %9s %9s %8s\n", "variant", "workers", "seconds", "speedup", "CPU cores");
    for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
        double t1 = 0;
        int r = !strcmp(variants[v], "threads-nogil") ? RATE_SPIN : RATE_COUNT;
        for (int i = 0; i < nw; i++) {
            struct cpu_job j = {variants[v], w[i], (uint64_t)(rate[r] * target), 0, ctx->reps,
                                ctx->topo, ctx->pin, 0, w[i] > 1};
            struct point pt = {"python-cpu", variants[v], w[i], ""};
            struct sink k = {.res = ctx->res, .pt = pt};
            if (v == 1 && w[i] > 256) {
                printf("  %-15s %6d  not run: more than 256 interpreters would need GBs of "
                       "memory\n", variants[v], w[i]);
                continue;
            }
            harness_point(ctx, &pt);
            if (cpu_point(&j, &k) < 0) {
                free(w);
                return harness_interrupted() ? EXIT_INTERRUPTED : EXIT_FAIL;
            }
            /* 1 worker: its speedup is 1 by definition (t1 over its own repetitions);
             * more: the child measured it, paired with a 1-worker run in each rep. */
            if (w[i] == 1) {
                t1 = median_of(ctx, &pt, "seconds");
                add_speedup(ctx, &pt, t1);
            }
            print_scaling_row(ctx, &pt);
            if (w[i] <= ctx->topo->usable && w[i] > best)
                best = w[i];
            if (harness_interrupted()) {
                free(w);
                return EXIT_INTERRUPTED;
            }
        }
    }
    if (best > 1) {
        struct point pt = {"python-cpu", "threads", best, ""};
        printf("  -> at %d workers threads run %.2fx as fast as one, on %.2f cores: the GIL lets"
               " one run Python at a time;\n", best, median_of(ctx, &pt, "speedup"),
               median_of(ctx, &pt, "cpu_utilization"));
        pt.variant = "processes";
        printf("     processes reach %.2fx", median_of(ctx, &pt, "speedup"));
        pt.variant = "threads-nogil";
        printf(" and threads in C without the GIL %.2fx (ideal %d.00x).\n",
               median_of(ctx, &pt, "speedup"), best);
#if PARLAB_HAVE_SUBINTERPRETERS
        pt.variant = "subinterpreters";
        printf("     threads each in a subinterpreter with its own GIL reach %.2fx.\n",
               median_of(ctx, &pt, "speedup"));
#endif
        /* N workers cannot do better than N times one on N CPUs. A speedup above that
         * says the machine ran faster while the N workers ran than while worker 1 ran
         * alone, moments before (on a shared VM the interpreter's speed wanders): say
         * so, do not celebrate. */
        for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
            const struct summary *sp;
            pt.variant = variants[v];
            sp = results_summary(ctx->res, &pt, "speedup");
            if (sp && sp->ci_lo > best * 1.05)
                printf("     note: %s at %.2fx is above the ideal %d.00x, even its 95%% CI (from"
                       " %.2fx): the machine's speed changed\n     between one worker's run and"
                       " the N workers', not the physics. Run again on a quieter machine.\n",
                       variants[v], sp->median, best, sp->ci_lo);
        }
    } else {
        printf("  -> with 1 usable CPU nothing can speed up here: compare the CPU cores column"
               " instead (threads stay at ~1)\n");
    }
    /* Beyond 3.11: what this Python offers, decided when parlab was built. */
#if PARLAB_HAVE_SUBINTERPRETERS
    printf("  subinterpreters: measured above (CPython %s: one GIL per interpreter, PEP 684)\n",
           PY_VERSION);
#elif defined(Py_GIL_DISABLED)
    printf("  subinterpreters: not measured: in a free-threaded build there is no GIL to own\n");
#else
    printf("  subinterpreters: not available: needs CPython 3.12+ (one GIL per interpreter,"
           " PEP 684); this build embeds %s\n", PY_VERSION);
#endif
#ifdef Py_GIL_DISABLED
    printf("  free-threaded: this CPython is a free-threaded build: the threads variant above"
           " ran without a GIL\n");
#else
    printf("  free-threaded: not available: this CPython %s was built with the GIL (free-threaded"
           " builds are 3.13t and later, PEP 703)\n", PY_VERSION);
#endif
    free(w);
    return EXIT_OK;
}

static int run_timeline(struct lab_ctx *ctx, const double *rate, double target)
{
    enum { NTHREADS = 2 };
    struct cpu_job j = {"threads", NTHREADS, (uint64_t)(rate[RATE_COUNT] * target) * NTHREADS,
                        1, ctx->reps, ctx->topo, ctx->pin, 50, 0};
    struct point pt = {"gil-timeline", "threads", NTHREADS, ""};
    struct sink k = {.res = ctx->res, .pt = pt};
    const char *why = gil_sampler_unavailable();
    int rc;

    printf("\n== gil-timeline: %d Python threads, the GIL sampled every %d us by a C thread\n",
           NTHREADS, j.sample_period_us);
    if (why) {
        printf("  not run: %s\n", why);
        return EXIT_OK;
    }
    harness_point(ctx, &pt);
    k.timeline = csvw_open(ctx->out_dir, "gil-timeline.csv");
    if (!k.timeline)
        die("cannot write '%s/gil-timeline.csv': %s", ctx->out_dir, strerror(errno));
    {
        static const char *const hdr[] = {"thread", "start", "end", "state"};
        csvw_row(k.timeline, hdr, 4);
    }
    rc = cpu_point(&j, &k);
    if (rc < 0) {
        csvw_abort(k.timeline);
        return harness_interrupted() ? EXIT_INTERRUPTED : EXIT_FAIL;
    }
    if (csvw_commit(k.timeline) < 0)
        die("cannot write '%s/gil-timeline.csv'", ctx->out_dir);
    harness_progress_clear();
    printf("  %-8s %8s %8s %14s\n", "thread", "held", "waiting", "took it, /s");
    for (int i = 1; i <= NTHREADS; i++) {
        char param[32];
        struct point tp = {"gil-timeline", "threads", NTHREADS, param};
        fmt_param(param, sizeof(param), "thread=%d", i);
        printf("  %-8d %7.0f%% %7.0f%% %14.0f\n", i, 100 * median_of(ctx, &tp, "held_fraction"),
               100 * median_of(ctx, &tp, "waiting_fraction"),
               median_of(ctx, &tp, "acquisitions_per_s"));
    }
    {
        struct point tp = {"gil-timeline", "threads", NTHREADS, "thread=all"};
        printf("  the GIL was held %.0f%% of the time and changed hands %.0f times a second"
               " (CPython's own count);\n  the default %.0f ms switch interval allows ~%.0f.\n",
               100 * median_of(ctx, &tp, "gil_busy_fraction"),
               median_of(ctx, &tp, "switches_per_s"), 5.0, 1000 / 5.0);
    }
    if (ctx->topo->usable < 2)
        printf("  (1 usable CPU: a thread also waits while the OS runs the other one)\n");
    printf("  intervals of the first repetition: %s/gil-timeline.csv\n", ctx->out_dir);
    return EXIT_OK;
}

static int run_convoy(struct lab_ctx *ctx)
{
    static const int switches[] = {5000, 1000, 100};
    double seconds = ctx->quick ? 0.06 : 0.4;

    printf("\n== convoy: round trips a second of an I/O thread beside CPU-bound workers\n");
    printf("  %-15s %9s %11s %16s\n", "variant", "switch", "cpu workers", "round trips/s");
    for (int v = 0; v < 2; v++)
        for (int s = 0; s < (v ? 1 : (int)ARRAY_SIZE(switches)); s++)
            for (int c = 0; c <= 2; c++) {
                struct convoy_job j = {v, c, switches[s], seconds, ctx->reps};
                char param[48];
                struct point pt = {"convoy", v ? "cpu-in-process" : "cpu-in-threads", 1 + c, param};
                struct sink k = {.res = ctx->res, .pt = pt};
                fmt_param(param, sizeof(param), "switch_us=%d;cpu_threads=%d", switches[s], c);
                harness_point(ctx, &pt);
                if (gil_child(convoy_child, &j, &k) < 0)
                    return harness_interrupted() ? EXIT_INTERRUPTED : EXIT_FAIL;
                harness_progress_clear();
                printf("  %-15s %6.1f ms %11d %16.0f\n", pt.variant, switches[s] / 1000.0, c,
                       median_of(ctx, &pt, "roundtrips_per_s"));
                fflush(stdout);
                if (harness_interrupted())
                    return EXIT_INTERRUPTED;
            }
    if (ctx->topo->usable < 2)
        printf("  (1 usable CPU: cpu-in-process also competes with the I/O thread for the one"
               " CPU, through the OS scheduler)\n");
    return EXIT_OK;
}

static int run_libraries(struct lab_ctx *ctx, const double *rate, double target)
{
    static const struct {
        const char *variant, *fn;
        int rate;
    } kinds[] = {{"hashlib", "hash_work", RATE_HASHLIB},
                 {"zlib", "zlib_work", RATE_ZLIB},
                 {"pure-python", "count", RATE_COUNT}};
    int *w, nw = worker_list(ctx, &w);

    printf("\n== libraries: threads calling C code that releases the GIL, beside pure Python\n");
    printf("  %-15s %6s  %9s %9s %8s\n", "variant", "workers", "seconds", "speedup", "CPU cores");
    for (size_t v = 0; v < ARRAY_SIZE(kinds); v++) {
        double t1 = 0;
        /* hashlib and zlib work in 1 MiB blocks: at least one block per worker */
        uint64_t total = (uint64_t)(rate[kinds[v].rate] * target);
        if (total < (uint64_t)w[nw - 1])
            total = (uint64_t)w[nw - 1];
        for (int i = 0; i < nw; i++) {
            struct lib_job j = {kinds[v].fn, w[i], total, ctx->reps};
            struct point pt = {"libraries", kinds[v].variant, w[i], ""};
            struct sink k = {.res = ctx->res, .pt = pt};
            if (w[i] > 1024) {
                printf("  %-15s %6d  not run: more than 1024 threads\n", pt.variant, w[i]);
                continue;
            }
            harness_point(ctx, &pt);
            if (gil_child(libraries_child, &j, &k) < 0) {
                free(w);
                return harness_interrupted() ? EXIT_INTERRUPTED : EXIT_FAIL;
            }
            if (w[i] == 1)
                t1 = median_of(ctx, &pt, "seconds");
            add_speedup(ctx, &pt, t1);
            print_scaling_row(ctx, &pt);
            if (harness_interrupted()) {
                free(w);
                return EXIT_INTERRUPTED;
            }
        }
    }
    free(w);
    return EXIT_OK;
}

static const char *const experiments[] = {"python-cpu", "gil-timeline", "convoy", "libraries"};

static int gil_run(struct lab_ctx *ctx)
{
    double target = lab_opt_double(ctx, "seconds", ctx->quick ? 0.05 : 0.4, 0.001, 60);
    const char *only = lab_opt(ctx, "experiment");
    double cal = ctx->quick ? 0.01 : 0.05;
    struct sink k = {0};
    int rc = EXIT_OK, *w, nw = worker_list(ctx, &w), npoints = 0;

    if (only) {
        size_t e = 0;
        while (e < ARRAY_SIZE(experiments) && strcmp(only, experiments[e]))
            e++;
        if (e == ARRAY_SIZE(experiments))
            usage_error("--experiment: '%s' is not one of python-cpu, gil-timeline, convoy, "
                        "libraries", only);
    }
    free(w);
    /* The points each experiment will announce, for the progress line and parmon. */
    if (!only || !strcmp(only, "python-cpu"))
        npoints += (int)ARRAY_SIZE(variants) * nw;
    if ((!only || !strcmp(only, "gil-timeline")) && !gil_sampler_unavailable())
        npoints += 1;
    if (!only || !strcmp(only, "convoy"))
        npoints += 3 * 3 + 3; /* cpu-in-threads: 3 switch intervals x 0..2; cpu-in-process */
    if (!only || !strcmp(only, "libraries"))
        npoints += 3 * nw;
    harness_plan(ctx, npoints);
    results_meta(ctx->res, "python", "%s", pyembed_version());
    results_meta(ctx->res, "gil_sampler", "%s",
                 gil_sampler_unavailable() ? gil_sampler_unavailable() : gil_sampler_source());

    /* How many units of each kind of work this machine does in a second, so every
     * experiment lasts about as long whatever the machine. */
    if (gil_child(calibrate_child, &cal, &k) < 0)
        return harness_interrupted() ? EXIT_INTERRUPTED : EXIT_FAIL;
    printf("CPython %s, %d usable CPU%s. Work measured here: %.1f ns a Python loop step, "
           "%.2f ns a C step,\n%.2f ms to sha256 a MiB, %.2f ms to zlib-compress one.\n",
           pyembed_version(), ctx->topo->usable, ctx->topo->usable == 1 ? "" : "s",
           1e9 / k.rate[RATE_COUNT], 1e9 / k.rate[RATE_SPIN], 1e3 / k.rate[RATE_HASHLIB],
           1e3 / k.rate[RATE_ZLIB]);

    if (rc == EXIT_OK && (!only || !strcmp(only, "python-cpu")))
        rc = run_python_cpu(ctx, k.rate, target);
    if (rc == EXIT_OK && (!only || !strcmp(only, "gil-timeline")))
        rc = run_timeline(ctx, k.rate, ctx->quick ? 0.08 : 0.3);
    if (rc == EXIT_OK && (!only || !strcmp(only, "convoy")))
        rc = run_convoy(ctx);
    if (rc == EXIT_OK && (!only || !strcmp(only, "libraries")))
        rc = run_libraries(ctx, k.rate, target);
    return rc;
}

#else /* built without Python */

int gil_cpu_check(const char *variant, int workers, uint64_t total, int reps, int paired,
                  uint64_t *done)
{
    (void)variant, (void)workers, (void)total, (void)reps, (void)paired, (void)done;
    return -1;
}

int gil_work_specialised(void)
{
    return -1;
}

#endif

static const struct lab_option gil_options[] = {
    {"seconds", "S", "one worker's share of python-cpu and libraries work (default 0.4; --quick 0.05)"},
    {"experiment", "NAME", "run only python-cpu, gil-timeline, convoy or libraries"},
    {NULL, NULL, NULL},
};

const struct lab lab_gil = {
    .name = "gil",
    .summary = "CPython's GIL: threads vs processes vs C without the GIL; timeline; convoy",
    .help =
        "Embeds CPython and measures four experiments, each point in a fresh process:\n"
        "  python-cpu    pure-Python countdown work split over N threads, N processes, or N\n"
        "                threads running the loop in C with the GIL released (threads-nogil);\n"
        "                with CPython 3.12+ also N threads each in its own subinterpreter\n"
        "                (subinterpreters, one GIL each);\n"
        "                seconds, speedup (vs 1 worker), cpu_utilization (cores)\n"
        "  gil-timeline  2 threads; a C thread samples who holds the GIL every 50 us;\n"
        "                held/waiting fractions per thread, gil-timeline.csv intervals\n"
        "  convoy        I/O round trips a second beside 0/1/2 spinning Python threads at\n"
        "                switch intervals 5, 1, 0.1 ms, or with the spinning in processes\n"
        "  libraries     threads calling hashlib and zlib (GIL released) vs pure Python\n"
        "Charts: plots/gil_scaling.gp, gil_timeline.gp, gil_convoy.gp, gil_libraries.gp.",
    .options = gil_options,
#ifdef PARLAB_HAVE_PYTHON
    .run = gil_run,
#else
    .run = NULL,
    .unavailable = "built without the Python headers (apt-get install python3-dev, then make)",
#endif
    .default_reps = 5,
    .quick_reps = 3,
};
