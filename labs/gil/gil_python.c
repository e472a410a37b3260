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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pyembed.h"

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

/* Call module.name(args...) as built by Py_BuildValue(fmt, ...); the result as a new
 * reference, or NULL after printing the traceback. The GIL must be held. */
static PyObject *call(const char *module, const char *name, const char *fmt, ...)
{
    PyObject *fn = pyembed_get(module, name), *args, *r = NULL;
    va_list ap;
    if (!fn)
        return NULL;
    va_start(ap, fmt);
    args = Py_VaBuildValue(fmt, ap);
    va_end(ap);
    if (args) {
        r = PyObject_CallObject(fn, args);
        Py_DECREF(args);
    }
    Py_DECREF(fn);
    if (!r)
        PyErr_Print();
    return r;
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
    r = call("gil_libraries", "run", "(OiK)", fn, threads, (unsigned long long)total);
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

int gil_convoy_point(const char *variant, int switch_us, int cpu_workers, double seconds,
                     double cores_wanted)
{
    int sv[2];
    pthread_t echo;
    PyObject *r;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        die("cannot create a socket pair: %s", strerror(errno));
    if (pthread_create(&echo, NULL, echo_main, &sv[1]) != 0)
        die("cannot create the echo thread");
    r = call("gil_convoy", "measure", "(isiidd)", sv[0], variant, switch_us, cpu_workers, seconds,
             cores_wanted);
    Py_XDECREF(r);
    shutdown(sv[0], SHUT_RDWR); /* the echo thread reads end-of-file and returns */
    pthread_join(echo, NULL);
    close(sv[0]), close(sv[1]);
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
                     double cores_wanted)
{
    (void)variant, (void)switch_us, (void)cpu_workers, (void)seconds, (void)cores_wanted;
    return -1;
}

#endif
