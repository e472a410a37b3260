/* pyembed.c: start, run and stop an embedded CPython. */
#include "pyembed.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "harness_internal.h"
#include "work.h"

#ifdef PARLAB_HAVE_PYTHON
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#ifndef PARLAB_PYTHON_EXE
#define PARLAB_PYTHON_EXE "/usr/bin/python3"
#endif

int pyembed_available(void)
{
    return 1;
}

const char *pyembed_version(void)
{
    return PY_VERSION;
}

const char *pyembed_unavailable_reason(void)
{
    return NULL;
}

/* ---- the built-in module _parlab ---------------------------------------------------------
 * spin(n) is the hot loop "moved into C": n steps of a 64-bit linear congruential
 * generator, run with the GIL released (Py_BEGIN_ALLOW_THREADS), so other Python
 * threads keep running while it works. This is what numpy, hashlib and zlib do around
 * their long loops. The empty asm keeps the compiler from replacing the loop by a
 * formula: each step really runs. Returns n, the steps done. */
static PyObject *parlab_spin(PyObject *self, PyObject *arg)
{
    unsigned long long n = PyLong_AsUnsignedLongLong(arg), i;
    uint64_t x = 1;
    (void)self;
    if (n == (unsigned long long)-1 && PyErr_Occurred())
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    keep(burn(opaque(n), x)); /* the labs' unit of work (work.h) */
    Py_END_ALLOW_THREADS
    i = n;
    return PyLong_FromUnsignedLongLong(i);
}

/* The harness, for a .py file a lab runs: the same calls a lab makes in C, so Python's
 * numbers travel the same way (to the parent through the child protocol, then into
 * the results). A .py file run on its own has no _parlab and prints instead. */
static struct lab_ctx *need_ctx(void)
{
    struct lab_ctx *ctx = harness_current();
    if (!ctx)
        PyErr_SetString(PyExc_RuntimeError, "_parlab: no lab is running in this process");
    return ctx;
}

static PyObject *parlab_point(PyObject *self, PyObject *args)
{
    const char *e, *v, *p;
    int w;
    double cw = 0;
    struct lab_ctx *ctx = need_ctx();
    (void)self;
    if (!ctx || !PyArg_ParseTuple(args, "ssis|d", &e, &v, &w, &p, &cw))
        return NULL;
    harness_point(ctx, &(struct point){e, v, w, p, cw});
    Py_RETURN_NONE;
}

static PyObject *parlab_skip(PyObject *self, PyObject *args)
{
    const char *e, *v, *p, *why;
    int w;
    struct lab_ctx *ctx = need_ctx();
    (void)self;
    if (!ctx || !PyArg_ParseTuple(args, "ssiss", &e, &v, &w, &p, &why))
        return NULL;
    harness_skip(ctx, &(struct point){e, v, w, p, 0}, "%s", why);
    Py_RETURN_NONE;
}

static PyObject *parlab_next_rep(PyObject *self, PyObject *noargs)
{
    int rep;
    struct lab_ctx *ctx = need_ctx();
    (void)self, (void)noargs;
    if (!ctx)
        return NULL;
    if (!harness_next_rep(ctx, &rep))
        Py_RETURN_NONE;
    return PyLong_FromLong(rep);
}

static PyObject *parlab_result(PyObject *self, PyObject *args)
{
    const char *e, *v, *p, *m, *u;
    int w, rep;
    double val;
    struct lab_ctx *ctx = need_ctx();
    (void)self;
    if (!ctx || !PyArg_ParseTuple(args, "ssisisds", &e, &v, &w, &p, &rep, &m, &val, &u))
        return NULL;
    results_add(ctx->res, &(struct point){e, v, w, p, 0}, rep, m, val, u);
    Py_RETURN_NONE;
}

static PyObject *parlab_note(PyObject *self, PyObject *arg)
{
    const char *text = PyUnicode_AsUTF8(arg);
    struct lab_ctx *ctx = need_ctx();
    (void)self;
    if (!ctx || !text)
        return NULL;
    harness_note(ctx, "%s", text);
    Py_RETURN_NONE;
}

static PyObject *parlab_interrupted(PyObject *self, PyObject *noargs)
{
    (void)self, (void)noargs;
    return PyBool_FromLong(harness_interrupted());
}

/* calibrate(run, min_seconds, lo, hi): the harness's one calibration for Python work:
 * the smallest n, doubling from lo, for which run(n) lasts min_seconds (or hi). */
struct py_work {
    PyObject *run;
    int failed;
};

static void py_work_run(void *arg, uint64_t n)
{
    struct py_work *w = arg;
    PyObject *r;
    if (w->failed)
        return;
    if (!(r = PyObject_CallFunction(w->run, "K", (unsigned long long)n)))
        w->failed = 1;
    Py_XDECREF(r);
}

static PyObject *parlab_calibrate(PyObject *self, PyObject *args)
{
    struct py_work pw = {NULL, 0};
    struct harness_work w = {.run = py_work_run, .arg = &pw};
    double target;
    unsigned long long lo = 1, hi = 0, n;
    (void)self;
    if (!PyArg_ParseTuple(args, "Od|KK", &pw.run, &target, &lo, &hi))
        return NULL;
    n = harness_calibrate(&w, target, lo, hi);
    if (pw.failed)
        return NULL; /* the exception run raised */
    return PyLong_FromUnsignedLongLong(n);
}

static PyObject *parlab_reps(PyObject *self, PyObject *noargs)
{
    struct lab_ctx *ctx = need_ctx();
    (void)self, (void)noargs;
    return ctx ? PyLong_FromLong(ctx->reps) : NULL;
}

static PyMethodDef parlab_methods[] = {
    {"spin", parlab_spin, METH_O,
     "spin(n): n steps of a C loop with the GIL released; returns n"},
    {"point", parlab_point, METH_VARARGS,
     "point(experiment, variant, workers, param[, cores_wanted]): a point starts"},
    {"skip", parlab_skip, METH_VARARGS,
     "skip(experiment, variant, workers, param, why): a planned point will not run"},
    {"next_rep", parlab_next_rep, METH_NOARGS,
     "next_rep(): 0 (the warm-up), then 1..reps; None when done or interrupted"},
    {"result", parlab_result, METH_VARARGS,
     "result(experiment, variant, workers, param, rep, metric, value, unit)"},
    {"note", parlab_note, METH_O, "note(text): a line for the person at the terminal"},
    {"interrupted", parlab_interrupted, METH_NOARGS, "interrupted(): True after Ctrl-C"},
    {"reps", parlab_reps, METH_NOARGS, "reps(): timed repetitions a point"},
    {"calibrate", parlab_calibrate, METH_VARARGS,
     "calibrate(run, min_seconds[, lo[, hi]]): the smallest n, doubling from lo, for which "
     "run(n) lasts min_seconds"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef parlab_module = {
    PyModuleDef_HEAD_INIT, "_parlab", "parlab's helpers for the embedded Python", -1,
    parlab_methods, NULL, NULL, NULL, NULL,
};

static PyObject *parlab_module_init(void)
{
    return PyModule_Create(&parlab_module);
}

int pyembed_start(void)
{
    PyConfig config;
    PyStatus st;
    static int inittab_done;
    /* Built-in modules are registered before the interpreter starts, once a process. */
    if (!inittab_done && PyImport_AppendInittab("_parlab", parlab_module_init) == 0)
        inittab_done = 1;
    PyConfig_InitPythonConfig(&config);
    config.install_signal_handlers = 0; /* Ctrl-C stays parlab's: it stops cleanly */
    config.parse_argv = 0;
    config.user_site_directory = 0;     /* the same packages for every user */
    /* sys.executable: multiprocessing's spawn starts this, not parlab. */
    st = PyConfig_SetBytesString(&config, &config.executable, PARLAB_PYTHON_EXE);
    if (!PyStatus_Exception(st))
        st = PyConfig_SetBytesString(&config, &config.program_name, PARLAB_PYTHON_EXE);
    if (!PyStatus_Exception(st))
        st = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(st)) {
        fprintf(stderr, "parlab: cannot start Python: %s\n", st.err_msg ? st.err_msg : "unknown error");
        return -1;
    }
    return 0;
}

int pyembed_exec(const char *source)
{
    PyObject *main = PyImport_AddModule("__main__"), *globals, *r;
    if (!main)
        return -1;
    globals = PyModule_GetDict(main);
    r = PyRun_String(source, Py_file_input, globals, globals);
    if (!r) {
        PyErr_Print();
        return -1;
    }
    Py_DECREF(r);
    return 0;
}

int pyembed_module(const char *name, const char *file, const char *source)
{
    PyObject *m = PyImport_AddModule(name), *d, *code, *r; /* borrowed; in sys.modules */
    if (!m)
        goto fail;
    d = PyModule_GetDict(m);
    if (PyDict_GetItemString(d, "__builtins__") == NULL &&
        PyDict_SetItemString(d, "__builtins__", PyEval_GetBuiltins()) < 0)
        goto fail;
    if (!(code = Py_CompileString(source, file, Py_file_input)))
        goto fail;
    r = PyEval_EvalCode(code, d, d);
    Py_DECREF(code);
    if (!r)
        goto fail;
    Py_DECREF(r);
    return 0;
fail:
    PyErr_Print();
    return -1;
}

void *pyembed_get(const char *module, const char *name)
{
    PyObject *m = PyImport_AddModule(module), *o;
    o = m ? PyObject_GetAttrString(m, name) : NULL;
    if (!o)
        PyErr_Print();
    return o;
}

void *pyembed_call(const char *module, const char *name, const char *fmt, ...)
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

int pyembed_eval_double(const char *expr, double *out)
{
    PyObject *main = PyImport_AddModule("__main__"), *globals, *r;
    if (!main)
        return -1;
    globals = PyModule_GetDict(main);
    r = PyRun_String(expr, Py_eval_input, globals, globals);
    if (!r) {
        PyErr_Print();
        return -1;
    }
    *out = PyFloat_AsDouble(r);
    Py_DECREF(r);
    if (PyErr_Occurred()) {
        PyErr_Print();
        return -1;
    }
    return 0;
}

void *pyembed_release_main(void)
{
    return PyEval_SaveThread();
}

void pyembed_reacquire_main(void *state)
{
    PyEval_RestoreThread(state);
}

void pyembed_stop(void)
{
    if (Py_FinalizeEx() < 0)
        fprintf(stderr, "parlab: Python finalisation reported an error\n");
}

#else /* built without Python */

static const char reason[] =
    "built without the Python headers (apt-get install python3-dev, then make)";

int pyembed_available(void) { return 0; }
const char *pyembed_version(void) { return "none"; }
const char *pyembed_unavailable_reason(void) { return reason; }
int pyembed_start(void) { fprintf(stderr, "parlab: %s\n", reason); return -1; }
int pyembed_exec(const char *source) { (void)source; return -1; }
int pyembed_module(const char *name, const char *file, const char *source) { (void)name; (void)file; (void)source; return -1; }
void *pyembed_get(const char *module, const char *name) { (void)module; (void)name; return NULL; }
void *pyembed_call(const char *module, const char *name, const char *fmt, ...) { (void)module; (void)name; (void)fmt; return NULL; }
int pyembed_eval_double(const char *expr, double *out) { (void)expr; (void)out; return -1; }
void *pyembed_release_main(void) { return NULL; }
void pyembed_reacquire_main(void *state) { (void)state; }
void pyembed_stop(void) { }

#endif
