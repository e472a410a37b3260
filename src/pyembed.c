/* pyembed.c: start, run and stop an embedded CPython. */
#include "pyembed.h"

#include <stdio.h>

#if PARLAB_HAVE_PYTHON
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

int pyembed_start(void)
{
    PyConfig config;
    PyStatus st;
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
int pyembed_eval_double(const char *expr, double *out) { (void)expr; (void)out; return -1; }
void *pyembed_release_main(void) { return NULL; }
void pyembed_reacquire_main(void *state) { (void)state; }
void pyembed_stop(void) { }

#endif
