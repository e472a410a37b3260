/* gil_cpu.c: python-cpu's workers, held for a whole series (gil.h, struct gil_team).
 *
 * A team starts its N workers once, before any timed run: threads with a Python thread
 * state each (or an interpreter each), or processes with an interpreter each. A run
 * wakes the first w of them and waits until they are done; the others keep waiting,
 * without the GIL and without a CPU. So the one-worker run, the baseline of every
 * speedup, runs on exactly the machinery of the N-worker runs, in the same process
 * and the same repetition.
 *
 * The GIL dance of a worker thread is the point of the lab, so here it is in full:
 * PyGILState_Ensure gives a C thread a Python thread state and the GIL; the worker keeps
 * the state for the whole series (re-creating it each time costs ~0.7 us, keeping it
 * ~45 ns: docs/reference-numbers.md, "Embedding CPython") but lets go of the GIL
 * (PyEval_SaveThread) whenever it waits, or the other threads could never run. */
#include "gil.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pyembed.h"
#include "work.h"

const char *gil_check_shares(const uint64_t *done, int workers, int w, uint64_t total)
{
    static char why[160];
    for (int i = 0; i < workers; i++) {
        uint64_t want = i < w ? share(total, w, i) : 0;
        if (done[i] != want) {
            snprintf(why, sizeof(why), "worker %d of %d did %llu units, its share is %llu", i + 1,
                     w, (unsigned long long)done[i], (unsigned long long)want);
            return why;
        }
    }
    return NULL;
}

#ifdef PARLAB_HAVE_PYTHON
#define PY_SSIZE_T_CLEAN
#include <Python.h>

struct worker {
    struct gil_team *team;
    int id;
    sem_t go;          /* posted when this worker has work */
    uint64_t units;    /* this run's share */
    uint64_t done;     /* what the work function reported */
};

/* What a process worker reports after each run: one write, under PIPE_BUF, so the
 * reports of several workers on one pipe never interleave. */
struct proc_report {
    int id, ok;
    unsigned long long units;
    double cpu; /* CPU seconds of its work */
};

struct gil_team {
    int processes; /* 1: worker processes; 0: threads of this process */
    int subinterp; /* threads, each in an interpreter of its own */
    int n;
    const struct topo *topo;
    int pin;
    atomic_int failed;
    /* threads */
    PyObject *fn; /* count or spin, called by every thread (not subinterpreters) */
    struct worker *w;
    pthread_t *tid;
    sem_t ready, finished;
    int stopping;
    void *main_state;
    void *tstates[GIL_MAX_THREADS];
    atomic_int active[GIL_MAX_THREADS];
    /* processes */
    pid_t *pid;
    int *go_fd; /* write units to worker i */
    int report_fd;
};

/* Call fn(units) with the GIL held; the units it reports, or 0 after printing why. */
static uint64_t call_work(struct gil_team *t, PyObject *fn, uint64_t units)
{
    PyObject *r = fn ? PyObject_CallFunction(fn, "K", (unsigned long long)units) : NULL;
    uint64_t got = 0;
    if (r) {
        got = PyLong_AsUnsignedLongLong(r);
        Py_DECREF(r);
    }
    if (!r || PyErr_Occurred()) {
        if (fn)
            PyErr_Print();
        atomic_store(&t->failed, 1);
    }
    return got;
}

/* ---- threads ---------------------------------------------------------------------------------- */

#if PY_VERSION_HEX >= 0x030C0000 && !defined(Py_GIL_DISABLED)
/* subinterpreters: this thread gets an interpreter of its own, with its own GIL (PEP
 * 684), and runs count() there. Creating it needs the main GIL, which it lets go of once
 * the new interpreter's GIL is ours. Nothing is shared between interpreters, not even
 * objects: each loads gil_work and has its own count(). Returns the new thread state. */
extern const char py_gil_work[];
static PyThreadState *own_interpreter(struct worker *w, PyObject **fn)
{
    PyInterpreterConfig cfg = {
        .use_main_obmalloc = 0, /* its own allocator: required for its own GIL */
        .allow_fork = 0, .allow_exec = 0, .allow_threads = 1,
        .allow_daemon_threads = 0, .check_multi_interp_extensions = 1,
        .gil = PyInterpreterConfig_OWN_GIL,
    };
    PyThreadState *sub = NULL;
    if (PyStatus_Exception(Py_NewInterpreterFromConfig(&sub, &cfg)) || !sub ||
        pyembed_module("gil_work", "labs/gil/gil_work.py", py_gil_work) < 0 ||
        !(*fn = pyembed_get("gil_work", "count"))) {
        note("subinterpreter %d: could not start it or load gil_work", w->id + 1);
        atomic_store(&w->team->failed, 1);
        *fn = NULL;
    }
    return sub;
}
#endif

static void *thread_main(void *p)
{
    struct worker *w = p;
    struct gil_team *t = w->team;
    PyObject *fn = t->fn;
    PyGILState_STATE g;
    PyThreadState *ts, *main_ts = NULL, *sub = NULL;

    if (t->pin)
        topo_pin_thread(t->topo, w->id);
    g = PyGILState_Ensure();
#if PY_VERSION_HEX >= 0x030C0000 && !defined(Py_GIL_DISABLED)
    if (t->subinterp) {
        main_ts = PyThreadState_Get();
        sub = own_interpreter(w, &fn);
    }
#endif
    if (w->id < GIL_MAX_THREADS)
        t->tstates[w->id] = PyThreadState_Get();
    ts = PyEval_SaveThread();
    sem_post(&t->ready);
    for (;;) {
        while (sem_wait(&w->go) < 0 && errno == EINTR)
            ;
        if (t->stopping)
            break;
        /* From here the thread wants the GIL: until it gets it, it is waiting. */
        if (w->id < GIL_MAX_THREADS)
            atomic_store(&t->active[w->id], 1);
        PyEval_RestoreThread(ts);
        w->done = call_work(t, fn, w->units);
        ts = PyEval_SaveThread();
        if (w->id < GIL_MAX_THREADS)
            atomic_store(&t->active[w->id], 0);
        sem_post(&t->finished);
    }
    PyEval_RestoreThread(ts);
    if (main_ts) {
        Py_XDECREF(fn); /* an object of this interpreter: freed before it ends */
        if (sub)
            Py_EndInterpreter(sub); /* leaves no thread state current */
        PyEval_RestoreThread(main_ts); /* back in the main interpreter */
    }
    PyGILState_Release(g); /* frees the thread state PyGILState_Ensure made */
    return NULL;
}

static int threads_start(struct gil_team *t, const char *fn_name)
{
    if (gil_python_start() < 0)
        return -1;
    if (!t->subinterp) {
        t->fn = pyembed_get("gil_work", fn_name);
        if (!t->fn || t->fn == Py_None) { /* spin is None without parlab's _parlab module */
            note("gil_work.%s is not available here", fn_name);
            Py_XDECREF(t->fn);
            t->fn = NULL;
            gil_python_stop();
            return -1;
        }
    }
    t->w = xcalloc((size_t)t->n, sizeof(*t->w));
    t->tid = xcalloc((size_t)t->n, sizeof(*t->tid));
    sem_init(&t->ready, 0, 0);
    sem_init(&t->finished, 0, 0);
    t->main_state = pyembed_release_main(); /* now the workers can take the GIL */
    for (int i = 0; i < t->n; i++) {
        t->w[i].team = t;
        t->w[i].id = i;
        sem_init(&t->w[i].go, 0, 0);
        if (pthread_create(&t->tid[i], NULL, thread_main, &t->w[i]) != 0)
            die("cannot create thread %d of %d", i + 1, t->n);
    }
    for (int i = 0; i < t->n; i++)
        while (sem_wait(&t->ready) < 0 && errno == EINTR)
            ;
    return atomic_load(&t->failed) ? -1 : 0;
}

/* This thread only starts and stops the workers: it never holds the GIL while they run,
 * and waits on a semaphore without using a CPU. */
static void threads_run(struct gil_team *t, int w, uint64_t total, uint64_t *done)
{
    for (int i = 0; i < w; i++) {
        t->w[i].units = share(total, w, i);
        t->w[i].done = 0;
    }
    for (int i = 0; i < w; i++)
        sem_post(&t->w[i].go);
    for (int i = 0; i < w; i++)
        while (sem_wait(&t->finished) < 0 && errno == EINTR)
            ;
    for (int i = 0; i < t->n; i++)
        done[i] = i < w ? t->w[i].done : 0;
}

static void threads_stop(struct gil_team *t)
{
    t->stopping = 1;
    for (int i = 0; i < t->n; i++)
        sem_post(&t->w[i].go);
    for (int i = 0; i < t->n; i++) {
        pthread_join(t->tid[i], NULL);
        sem_destroy(&t->w[i].go);
    }
    pyembed_reacquire_main(t->main_state);
    Py_XDECREF(t->fn);
    gil_python_stop(); /* every worker is joined: none holds or waits for the GIL */
    sem_destroy(&t->ready);
    sem_destroy(&t->finished);
}

/* ---- processes -------------------------------------------------------------------------------- */

/* A worker process: it was forked from a process without an interpreter, starts its
 * own, and runs count(units) each time units arrive on its pipe, until end of file. */
static void proc_main(struct gil_team *t, int id, int go_fd, int ready_fd, int report_fd)
{
    unsigned long long units;
    PyObject *fn;
    if (t->pin)
        topo_pin_thread(t->topo, id);
    if (gil_python_start() < 0 || !(fn = pyembed_get("gil_work", "count")) ||
        write(ready_fd, "r", 1) != 1)
        _exit(EXIT_FAIL);
    while (read_full(go_fd, &units, sizeof(units)) == 0) {
        struct proc_report r = {id, 0, 0, 0};
        double c0 = cpu_time_s();
        r.units = call_work(t, fn, units);
        r.cpu = cpu_time_s() - c0;
        r.ok = !atomic_load(&t->failed);
        if (write(report_fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
            break;
    }
    Py_DECREF(fn);
    gil_python_stop();
    _exit(EXIT_OK);
}

static int procs_start(struct gil_team *t)
{
    int ready[2], report[2];
    t->pid = xcalloc((size_t)t->n, sizeof(pid_t));
    t->go_fd = xcalloc((size_t)t->n, sizeof(int));
    if (pipe(ready) < 0 || pipe(report) < 0)
        die("cannot create a pipe: %s", strerror(errno));
    for (int i = 0; i < t->n; i++) {
        int go[2];
        if (pipe(go) < 0)
            die("cannot create a pipe: %s", strerror(errno));
        t->pid[i] = harness_fork();
        if (t->pid[i] < 0)
            die("cannot fork worker %d: %s", i + 1, strerror(errno));
        if (t->pid[i] == 0) {
            /* keep only this worker's ends: a worker holding another's go pipe would
             * keep it from ever reading end of file */
            for (int k = 0; k < i; k++)
                close(t->go_fd[k]);
            close(go[1]), close(ready[0]), close(report[0]);
            proc_main(t, i, go[0], ready[1], report[1]);
        }
        close(go[0]);
        t->go_fd[i] = go[1];
    }
    close(ready[1]), close(report[1]);
    t->report_fd = report[0];
    for (int i = 0; i < t->n; i++) {
        char c;
        if (read_full(ready[0], &c, 1) < 0) {
            close(ready[0]);
            note("a python-cpu worker process could not start its interpreter");
            return -1;
        }
    }
    close(ready[0]);
    return 0;
}

static int procs_run(struct gil_team *t, int w, uint64_t total, uint64_t *done, double *cpu)
{
    for (int i = 0; i < t->n; i++)
        done[i] = 0;
    for (int i = 0; i < w; i++) {
        unsigned long long units = share(total, w, i);
        if (write_full(t->go_fd[i], &units, sizeof(units)) < 0)
            return -1;
    }
    for (int i = 0; i < w; i++) {
        struct proc_report r;
        if (read_full(t->report_fd, &r, sizeof(r)) < 0 || !r.ok || r.id < 0 || r.id >= w)
            return -1;
        done[r.id] = r.units;
        *cpu += r.cpu;
    }
    return 0;
}

static void procs_stop(struct gil_team *t)
{
    for (int i = 0; i < t->n; i++)
        if (t->go_fd[i] >= 0)
            close(t->go_fd[i]); /* the worker reads end of file, finalises and exits */
    for (int i = 0; i < t->n; i++) {
        int st;
        if (t->pid[i] > 0 && harness_wait(t->pid[i], &st) > 0 &&
            (!WIFEXITED(st) || WEXITSTATUS(st) != 0))
            atomic_store(&t->failed, 1);
    }
    close(t->report_fd);
}

/* ---- the team --------------------------------------------------------------------------------- */

struct gil_team *gil_team_start(const char *variant, int workers, const struct topo *topo,
                                int pin)
{
    struct gil_team *t = xcalloc(1, sizeof(*t));
    int rc;
    t->n = workers;
    t->topo = topo;
    t->pin = pin;
    t->processes = !strcmp(variant, "processes");
    t->subinterp = !strcmp(variant, "subinterpreters");
    if (t->subinterp && !gil_has_subinterpreters()) {
        note("subinterpreters with their own GIL need CPython 3.12+");
        free(t);
        return NULL;
    }
    rc = t->processes ? procs_start(t)
                      : threads_start(t, !strcmp(variant, "threads-nogil") ? "spin" : "count");
    if (rc < 0) {
        gil_team_stop(t);
        return NULL;
    }
    return t;
}

int gil_team_run(struct gil_team *t, int w, uint64_t total, uint64_t *done, double *extra_cpu)
{
    *extra_cpu = 0;
    if (t->processes) {
        if (procs_run(t, w, total, done, extra_cpu) < 0) {
            note("a python-cpu worker process failed or died");
            return -1;
        }
    } else {
        threads_run(t, w, total, done);
    }
    return atomic_load(&t->failed) ? -1 : 0;
}

void *const *gil_team_tstates(const struct gil_team *t)
{
    return t->tstates;
}

const atomic_int *gil_team_active(const struct gil_team *t)
{
    return t->active;
}

void gil_team_stop(struct gil_team *t)
{
    if (!t)
        return;
    if (t->processes && t->pid)
        procs_stop(t);
    else if (t->tid)
        threads_stop(t);
    free(t->w), free(t->tid), free(t->pid), free(t->go_fd);
    free(t);
}

/* ---- for the tests ---------------------------------------------------------------------------- */

int gil_team_check(const char *variant, int workers, uint64_t total, int runs, uint64_t *done)
{
    size_t size = sizeof(uint64_t) * (size_t)workers * (size_t)workers;
    int fd[2], st = 0, ok;
    pid_t pid;
    if (pipe(fd) < 0)
        return -1;
    fflush(NULL);
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) { /* a process without an interpreter, as a harness child is */
        struct topo topo = {0};
        struct gil_team *t = gil_team_start(variant, workers, &topo, 0);
        uint64_t *out = xcalloc(1, size);
        int rc = t ? 0 : -1;
        double cpu;
        for (int w = 1; w <= workers && rc == 0; w++)
            for (int r = 0; r < runs && rc == 0; r++)
                rc = gil_team_run(t, w, total, out + (size_t)(w - 1) * (size_t)workers, &cpu);
        gil_team_stop(t);
        close(fd[0]);
        if (rc == 0 && write_full(fd[1], out, size) < 0)
            rc = -1;
        _exit(rc == 0 ? 0 : 1);
    }
    close(fd[1]);
    ok = read_full(fd[0], done, size) == 0;
    close(fd[0]);
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return ok && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int gil_work_specialised(void)
{
    int st = 0;
    pid_t pid;
    fflush(NULL);
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        /* Specialised instructions are named after the types they handle
         * (BINARY_OP_ADD_INT for i += 1 on ints), in 3.11 and later alike. */
        static const char check[] =
            "import dis, os, gil_work\n"
            "ops = {i.opname for i in dis.get_instructions(gil_work.count, adaptive=True)}\n"
            "os._exit(0 if 'BINARY_OP_ADD_INT' in ops else 1)\n";
        if (gil_python_start() < 0)
            _exit(2);
        pyembed_exec(check);
        _exit(2);
    }
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) > 1)
        return -1;
    return WEXITSTATUS(st) == 0;
}

#else /* built without Python: the lab is unavailable, these are never called */

struct gil_team *gil_team_start(const char *variant, int workers, const struct topo *topo,
                                int pin)
{
    (void)variant, (void)workers, (void)topo, (void)pin;
    return NULL;
}
int gil_team_run(struct gil_team *t, int w, uint64_t total, uint64_t *done, double *extra_cpu)
{
    (void)t, (void)w, (void)total, (void)done, (void)extra_cpu;
    return -1;
}
void *const *gil_team_tstates(const struct gil_team *t) { (void)t; return NULL; }
const atomic_int *gil_team_active(const struct gil_team *t) { (void)t; return NULL; }
void gil_team_stop(struct gil_team *t) { (void)t; }
int gil_team_check(const char *variant, int workers, uint64_t total, int runs, uint64_t *done)
{
    (void)variant, (void)workers, (void)total, (void)runs, (void)done;
    return -1;
}
int gil_work_specialised(void) { return -1; }

#endif
