/* stream_python.c: the gil experiment's Python consumers, driven from C.
 *
 * The lab's measuring child (harness_child) starts an embedded CPython, loads
 * stream_consumer.py (built in as py_stream_consumer) as the module stream_consumer, and
 * holds one stream_consumer.Team for a series: N consumer threads of this interpreter,
 * or N forked processes with an interpreter each. The C side keeps the clock and the
 * repetitions (harness_clock_*), so a Python point is timed, paired and flagged exactly
 * like a C one; Team.run() only drains the group and says how many messages it handled.
 *
 * The GIL dance: this thread holds the GIL while it calls Team.run(); run() then waits
 * (a queue, a pipe), which lets the consumer threads take the GIL in turns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pyembed.h"
#include "stream.h"

#ifdef PARLAB_HAVE_PYTHON
#define PY_SSIZE_T_CLEAN
#include <Python.h>

extern const char py_stream_consumer[];

static int started;

const char *stream_python_start(void)
{
    static char why[400];
    PyObject *no;
    if (pyembed_available() == 0)
        return pyembed_unavailable_reason();
    if (pyembed_start() < 0)
        return "the embedded CPython did not start";
    started = 1;
    if (pyembed_module("stream_consumer", "labs/stream/stream_consumer.py", py_stream_consumer) < 0)
        return "labs/stream/stream_consumer.py did not load (see the traceback above)";
    /* python3-redis may be missing: the module says so instead of failing */
    if (!(no = pyembed_get("stream_consumer", "NO_REDIS")))
        return "stream_consumer.NO_REDIS is missing";
    if (no != Py_None) {
        snprintf(why, sizeof(why), "%s", PyUnicode_Check(no) ? PyUnicode_AsUTF8(no) : "no redis module");
        Py_DECREF(no);
        return why;
    }
    Py_DECREF(no);
    return NULL;
}

void stream_python_stop(void)
{
    if (started)
        pyembed_stop();
    started = 0;
}

void *stream_python_team(const char *kind, int n, const struct stream_broker *b, int batch,
                         const char *work, int work_us)
{
    PyObject *cls = pyembed_get("stream_consumer", "Team"), *team;
    PyObject *where = b->port ? PyLong_FromLong(b->port) : PyUnicode_FromString(b->sock);
    if (!cls || !where) {
        Py_XDECREF(cls), Py_XDECREF(where);
        return NULL;
    }
    team = PyObject_CallFunction(cls, "siOisi", kind, n, where, batch, work, work_us);
    Py_DECREF(cls), Py_DECREF(where);
    if (!team)
        PyErr_Print();
    return team;
}

int stream_python_run(void *team, int w, const char *stream, const char *group, uint64_t *done)
{
    PyObject *r = PyObject_CallMethod(team, "run", "iss", w, stream, group);
    unsigned long long d;
    if (!r) {
        PyErr_Print();
        return -1;
    }
    d = PyLong_AsUnsignedLongLong(PyTuple_GetItem(r, 0));
    Py_DECREF(r);
    if (PyErr_Occurred()) {
        PyErr_Print();
        return -1;
    }
    *done = d;
    return 0;
}

void stream_python_close(void *team)
{
    PyObject *r;
    if (!team)
        return;
    if (!(r = PyObject_CallMethod(team, "close", NULL)))
        PyErr_Print();
    Py_XDECREF(r);
    Py_DECREF((PyObject *)team);
}

#else

const char *stream_python_start(void)
{
    return pyembed_unavailable_reason();
}
void stream_python_stop(void)
{
}
void *stream_python_team(const char *kind, int n, const struct stream_broker *b, int batch,
                         const char *work, int work_us)
{
    (void)kind, (void)n, (void)b, (void)batch, (void)work, (void)work_us;
    return NULL;
}
int stream_python_run(void *team, int w, const char *stream, const char *group, uint64_t *done)
{
    (void)team, (void)w, (void)stream, (void)group, (void)done;
    return -1;
}
void stream_python_close(void *team)
{
    (void)team;
}
#endif
