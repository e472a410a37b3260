/* gil_python.c: the gil lab's embedded interpreter. It starts CPython with the lab's
 * .py files loaded as modules (the Makefile builds each into parlab as py_<file>), calls
 * them, and measures how fast this machine runs their work.
 *
 * The C API rules followed here (pyembed.h): after pyembed_start() the calling thread
 * holds the GIL; it lets go (pyembed_release_main) before other threads call
 * PyGILState_Ensure; every thread that used Python is joined before pyembed_stop(). */
#include "gil.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pyembed.h"
#include "work.h"

#ifdef PARLAB_HAVE_PYTHON
#define PY_SSIZE_T_CLEAN
#include <Python.h>

extern const char py_gil_work[], py_gil_convoy[], py_gil_libraries[];

int gil_python_start(void)
{
    if (pyembed_start() < 0)
        return -1;
    /* gil_work first: the other two import it */
    if (pyembed_module("gil_work", "labs/gil/gil_work.py", py_gil_work) < 0 ||
        pyembed_module("gil_convoy", "labs/gil/gil_convoy.py", py_gil_convoy) < 0 ||
        pyembed_module("gil_libraries", "labs/gil/gil_libraries.py", py_gil_libraries) < 0) {
        pyembed_stop();
        return -1;
    }
    return 0;
}

void gil_python_stop(void)
{
    pyembed_stop();
}

int gil_has_subinterpreters(void)
{
    /* One GIL per interpreter arrived in CPython 3.12 (PEP 684); a free-threaded build
     * has no GIL to give each one. */
#if PY_VERSION_HEX >= 0x030C0000 && !defined(Py_GIL_DISABLED)
    return 1;
#else
    return 0;
#endif
}

const char *gil_python_beyond(void)
{
#ifdef Py_GIL_DISABLED
    return "this CPython " PY_VERSION " is a free-threaded build (PEP 703): its threads ran "
           "without a GIL; subinterpreters are not measured (there is no GIL to own)";
#elif PY_VERSION_HEX >= 0x030C0000
    return "CPython " PY_VERSION " gives each subinterpreter its own GIL (PEP 684): measured "
           "as the variant subinterpreters; free-threaded builds (3.13t, PEP 703) run "
           "threads without one";
#else
    return "CPython " PY_VERSION ": one GIL a process. Subinterpreters with a GIL each need "
           "3.12+ (PEP 684), threads without one a free-threaded 3.13t (PEP 703): see the "
           "lesson to build parlab against one";
#endif
}

/* ---- calibration ------------------------------------------------------------------------------ */

struct rate_arg {
    PyObject *fn;
    int failed;
};

static void run_units(void *p, uint64_t n)
{
    struct rate_arg *a = p;
    PyObject *r = PyObject_CallFunction(a->fn, "K", (unsigned long long)n);
    if (!r) {
        PyErr_Print();
        a->failed = 1;
        return;
    }
    Py_DECREF(r);
}

struct rates_job {
    double min_seconds;
    double *rate;
};

static int rates_child(struct lab_ctx *ctx, void *arg)
{
    static const char *const fn[NRATES] = {"count", "spin", "hash_work", "zlib_work"};
    const struct rates_job *j = arg;
    int rc = EXIT_OK;
    (void)ctx;
    if (gil_python_start() < 0)
        return EXIT_FAIL;
    for (int i = 0; i < NRATES && rc == EXIT_OK; i++) {
        struct rate_arg a = {pyembed_get("gil_work", fn[i]), 0};
        struct harness_work w = {.run = run_units, .arg = &a};
        char kind[16], val[32];
        const char *f[2] = {kind, val};
        double r;
        if (!a.fn)
            return EXIT_FAIL;
        r = harness_rate(&w, j->min_seconds);
        Py_DECREF(a.fn);
        if (a.failed)
            rc = EXIT_FAIL;
        snprintf(kind, sizeof(kind), "%d", i);
        snprintf(val, sizeof(val), "%.17g", r);
        harness_child_send(f, 2); /* to the parent: rates_line() */
    }
    gil_python_stop();
    return rc;
}

static void rates_line(void *arg, char **f, int nf)
{
    double *rate = arg;
    int i = nf == 2 ? atoi(f[0]) : -1;
    if (i >= 0 && i < NRATES)
        rate[i] = strtod(f[1], NULL);
}

int gil_python_rates(struct lab_ctx *ctx, double min_seconds, double rate[NRATES])
{
    struct rates_job j = {min_seconds, rate};
    for (int i = 0; i < NRATES; i++)
        rate[i] = 0;
    if (harness_child(ctx, rates_child, &j, rates_line, rate) != EXIT_OK)
        return -1;
    for (int i = 0; i < NRATES; i++)
        if (!(rate[i] > 0))
            return -1;
    return 0;
}

/* ---- libraries -------------------------------------------------------------------------------- */

int gil_libraries_run(const char *work, int threads, uint64_t total, uint64_t *done)
{
    PyObject *fn = pyembed_get("gil_work", work), *r;
    int rc = -1;
    if (!fn)
        return -1;
    r = pyembed_call("gil_libraries", "run", "(OiK)", fn, threads, (unsigned long long)total);
    Py_DECREF(fn);
    if (r && PyList_Check(r) && PyList_Size(r) == threads) {
        rc = 0;
        for (int i = 0; i < threads; i++)
            done[i] = PyLong_AsUnsignedLongLong(PyList_GetItem(r, i));
        if (PyErr_Occurred()) {
            PyErr_Print();
            rc = -1;
        }
    }
    Py_XDECREF(r);
    return rc;
}

/* ---- convoy ----------------------------------------------------------------------------------- */

static void pin_to(int cpu)
{
    cpu_set_t set;
    if (cpu < 0)
        return;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* The far end of a socket pair: a C thread that echoes every byte, on its CPU, after
 * `delay` seconds of busy waiting (a server that takes that long to answer; 0: at once).
 * It never touches Python: what we measure is the Python side. */
struct echo {
    int fd[2];
    int cpu;      /* -1: wherever the OS puts it */
    double delay; /* seconds */
    pthread_t tid;
};

static void *echo_main(void *p)
{
    struct echo *e = p;
    char buf[64];
    ssize_t k;
    pin_to(e->cpu);
    while ((k = read(e->fd[1], buf, sizeof(buf))) > 0) {
        /* Busy, not asleep: a sleep's end would wait for a timer interrupt, whose delay
         * varies with the CPU's idle state; this answers after `delay`, always. */
        for (double end = now_s() + e->delay; e->delay > 0 && now_s() < end;)
            cpu_relax();
        if (write(e->fd[1], buf, (size_t)k) != k)
            break;
    }
    return NULL;
}

static void echo_start(struct echo *e, int cpu, double delay)
{
    e->cpu = cpu;
    e->delay = delay;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, e->fd) < 0)
        die("cannot create a socket pair: %s", strerror(errno));
    if (pthread_create(&e->tid, NULL, echo_main, e) != 0)
        die("cannot create the echo thread");
}

static void echo_stop(struct echo *e)
{
    shutdown(e->fd[0], SHUT_RDWR); /* the echo thread reads end-of-file and returns */
    pthread_join(e->tid, NULL);
    close(e->fd[0]), close(e->fd[1]);
}

/* switches() for gil_convoy.py: CPython's count of GIL handoffs, or None. */
static PyObject *py_switches(PyObject *self, PyObject *noargs)
{
    long long n = gil_switch_number();
    (void)self, (void)noargs;
    if (n < 0)
        Py_RETURN_NONE;
    return PyLong_FromLongLong(n);
}

static PyMethodDef switches_def = {"gil_switches", py_switches, METH_NOARGS,
                                   "CPython's count of GIL handoffs so far, or None"};

/* The usable CPUs but the first, as a Python list: where the spinners run. */
static PyObject *other_cpus(const struct topo *topo)
{
    PyObject *l = PyList_New(0);
    for (int i = 1; l && i < topo->naffinity; i++) {
        PyObject *c = PyLong_FromLong(topo->cpus[i]);
        if (!c || PyList_Append(l, c) < 0) {
            Py_XDECREF(c);
            Py_CLEAR(l);
            break;
        }
        Py_DECREF(c);
    }
    return l;
}

/* A CPU kept awake: a SCHED_IDLE thread spins there while `on` (any other thread that
 * wakes on that CPU preempts it at once), so the CPU never halts. Why it matters: on a
 * VM a halted virtual CPU is a host thread asleep, and waking it (or even offering it
 * work: the scheduler's load balancing sends idle CPUs interrupts) costs a trip through
 * the hypervisor. On the EPYC VM an I/O thread pinned to CPU 0 with its echo made ~1,000
 * round trips a second while CPU 1 idled, ~4,300 while anything, even this thread, kept
 * CPU 1 busy (labs/gil/README.md, appendix). */
struct keeper {
    pthread_t tid;
    int cpu;
    sem_t go;
    atomic_int on, stop;
};
static struct keeper *keeper; /* the placement series' one, which Python turns on and off */

static void *keeper_main(void *p)
{
    struct keeper *k = p;
    struct sched_param sp = {0};
    pin_to(k->cpu);
    pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp);
    while (!atomic_load(&k->stop)) {
        if (!atomic_load_explicit(&k->on, memory_order_relaxed)) {
            while (sem_wait(&k->go) < 0 && errno == EINTR)
                ;
            continue;
        }
        cpu_relax();
    }
    return NULL;
}

static void keeper_start(struct keeper *k, int cpu, int on)
{
    k->cpu = cpu;
    sem_init(&k->go, 0, 0);
    atomic_init(&k->on, on);
    atomic_init(&k->stop, 0);
    if (pthread_create(&k->tid, NULL, keeper_main, k) != 0)
        die("cannot create a thread");
}

static void keeper_stop(struct keeper *k)
{
    atomic_store(&k->stop, 1);
    sem_post(&k->go);
    pthread_join(k->tid, NULL);
    sem_destroy(&k->go);
}

int gil_convoy_point(const char *variant, int switch_us, int cpu_workers, double seconds,
                     double cores_wanted, double echo_s, const struct topo *topo)
{
    struct echo e;
    PyObject *r = NULL, *others = other_cpus(topo), *sw = PyCFunction_New(&switches_def, NULL);
    int io_cpu = topo->naffinity > 0 ? topo->cpus[0] : -1, nkeep = topo->naffinity - 1;
    /* The spinners' CPUs are kept awake (struct keeper), with or without spinners: so
     * "alone" is the I/O thread alone, not the I/O thread beside a halted CPU, and a
     * spinner waiting for the GIL wakes within microseconds, as on a busy server. */
    struct keeper *keep = nkeep > 0 ? xcalloc((size_t)nkeep, sizeof(*keep)) : NULL;
    for (int i = 0; i < nkeep; i++)
        keeper_start(&keep[i], topo->cpus[1 + i], 1);
    echo_start(&e, io_cpu, echo_s);
    if (others && sw)
        r = pyembed_call("gil_convoy", "measure", "(isiiddiOO)", e.fd[0], variant, switch_us, cpu_workers,
                 seconds, cores_wanted, io_cpu, others, sw);
    else
        PyErr_Print();
    Py_XDECREF(r);
    Py_XDECREF(others);
    Py_XDECREF(sw);
    echo_stop(&e);
    for (int i = 0; i < nkeep; i++)
        keeper_stop(&keep[i]);
    free(keep);
    return r ? 0 : -1;
}

static PyObject *py_keep_awake(PyObject *self, PyObject *arg)
{
    int on = PyObject_IsTrue(arg);
    (void)self;
    if (on < 0)
        return NULL;
    if (keeper) {
        atomic_store(&keeper->on, on);
        if (on)
            sem_post(&keeper->go);
    }
    Py_RETURN_NONE;
}

static PyMethodDef keep_awake_def = {"keep_awake", py_keep_awake, METH_O,
                                     "keep_awake(on): spin a SCHED_IDLE thread on the far CPU"};

int gil_convoy_placement(const struct point *pts, double seconds, int slices,
                         const struct topo *topo)
{
    struct echo e[3];
    struct keeper k;
    struct affinity saved;
    PyObject *fds, *params, *fn, *r = NULL;
    if (topo->naffinity < 2)
        return -1;
    keeper_start(&k, topo->cpus[1], 0); /* on around the third point's slices */
    keeper = &k;
    echo_start(&e[0], topo->cpus[0], 0); /* on the I/O thread's CPU */
    echo_start(&e[1], topo->cpus[1], 0); /* on another, which halts when it has nothing to do */
    echo_start(&e[2], topo->cpus[1], 0); /* on another, kept awake */
    affinity_save(&saved);
    pin_to(topo->cpus[0]); /* this thread runs the Python I/O loop */
    fds = Py_BuildValue("(iii)", e[0].fd[0], e[1].fd[0], e[2].fd[0]);
    params = Py_BuildValue("(sss)", pts[0].param, pts[1].param, pts[2].param);
    fn = PyCFunction_New(&keep_awake_def, NULL);
    if (fds && params && fn)
        r = pyembed_call("gil_convoy", "placement", "(OOdiO)", fds, params, seconds, slices, fn);
    else
        PyErr_Print();
    Py_XDECREF(r), Py_XDECREF(fds), Py_XDECREF(params), Py_XDECREF(fn);
    affinity_restore(&saved);
    for (int i = 0; i < 3; i++)
        echo_stop(&e[i]);
    keeper = NULL;
    keeper_stop(&k);
    return r ? 0 : -1;
}

#else /* built without Python: the lab is unavailable, these are never called */

int gil_python_start(void) { return pyembed_start(); }
void gil_python_stop(void) {}
int gil_has_subinterpreters(void) { return 0; }
const char *gil_python_beyond(void) { return pyembed_unavailable_reason(); }
int gil_python_rates(struct lab_ctx *ctx, double min_seconds, double rate[NRATES])
{
    (void)ctx, (void)min_seconds, (void)rate;
    return -1;
}
int gil_libraries_run(const char *work, int threads, uint64_t total, uint64_t *done)
{
    (void)work, (void)threads, (void)total, (void)done;
    return -1;
}
int gil_convoy_point(const char *variant, int switch_us, int cpu_workers, double seconds,
                     double cores_wanted, double echo_s, const struct topo *topo)
{
    (void)variant, (void)switch_us, (void)cpu_workers, (void)seconds, (void)cores_wanted;
    (void)topo;
    return -1;
}
int gil_convoy_placement(const struct point *pts, double seconds, int slices,
                         const struct topo *topo)
{
    (void)pts, (void)seconds, (void)slices, (void)topo;
    return -1;
}

#endif
