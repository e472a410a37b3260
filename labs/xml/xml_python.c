/* xml_python.c: the xml lab's embedded interpreter. In a child process of its own
 * (harness_child: a fresh CPython, and no OpenMP runtime that a pool's fork() could
 * copy half-made), it hands the corpus to labs/xml/xml_tasks.py as a list of bytes
 * (the same documents the C parsers read), then measures each variant as a paired
 * series: every repetition calls xml_tasks.run(variant, w) at every worker count in
 * turn, timed here with the harness's clock (wall time, and the CPU of this process's
 * threads and of the pool's workers, reaped inside the call). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pyembed.h"
#include "xml.h"

/* The variants of the python experiment, in run order (xml_tasks.py explains each). */
const struct xml_py_variant xml_py_variants[] = {
    {"lxml", 1, 0, 0, 0},
    {"lxml-default-parser", 1, 0, 0, 0},
    {"lxml-shared-parser", 1, 1, 0, 0},
    {"lxml-iterparse", 1, 1, 0, 0},
    {"etree", 0, 1, 0, 0},
    {"lxml-processes", 1, 0, 1, 0},
    {"etree-processes", 0, 0, 1, 0},
    {"etree-processes-trees", 0, 0, 1, 1},
};
const int xml_npy_variants = (int)ARRAY_SIZE(xml_py_variants);

int xml_py_measured(const struct lab_ctx *ctx, int v)
{
    return !(ctx->quick && xml_py_variants[v].full_only);
}

#ifdef PARLAB_HAVE_PYTHON
#define PY_SSIZE_T_CLEAN
#include <Python.h>

extern const char py_xml_tasks[];

struct py_job {
    const struct xml_set *corpus;
    const int *w;
    int nw;
};

/* The CPUs' worth of work a point can use: one for threads that hold the GIL while
 * they work; min(w, usable) for the others. */
static double cores_wanted(const struct lab_ctx *ctx, const struct xml_py_variant *v, int w)
{
    return v->gil_bound ? 1.0 : harness_cores_for(ctx, w);
}

/* xml_tasks.load(docs): the corpus as a list of bytes objects. */
static int hand_over(const struct xml_set *s)
{
    PyObject *list = PyList_New(s->n), *fn, *r = NULL;
    for (int i = 0; list && i < s->n; i++) {
        PyObject *b = PyBytes_FromStringAndSize(s->docs[i].data, (Py_ssize_t)s->docs[i].len);
        if (!b) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, i, b); /* steals b */
    }
    if (list && (fn = pyembed_get("xml_tasks", "load"))) {
        r = PyObject_CallFunctionObjArgs(fn, list, NULL);
        Py_DECREF(fn);
    }
    Py_XDECREF(list);
    if (!r) {
        PyErr_Print();
        return -1;
    }
    Py_DECREF(r);
    return 0;
}

/* xml_tasks.available(variant): NULL, or why not (into why). */
static int unavailable(const char *variant, char *why, size_t size)
{
    PyObject *fn = pyembed_get("xml_tasks", "available"), *r;
    if (!fn)
        return -1;
    r = PyObject_CallFunction(fn, "s", variant);
    Py_DECREF(fn);
    if (!r) {
        PyErr_Print();
        return -1;
    }
    why[0] = '\0';
    if (r != Py_None) {
        const char *s = PyUnicode_AsUTF8(r);
        snprintf(why, size, "%s", s ? s : "unavailable");
    }
    Py_DECREF(r);
    return why[0] != '\0';
}

/* One call: run(variant, w); the sum of the digests, or -1 after printing the error. */
static long long run_once(PyObject *run, const char *variant, int w)
{
    PyObject *r = PyObject_CallFunction(run, "si", variant, w);
    long long v;
    if (!r) {
        PyErr_Print();
        return -1;
    }
    v = PyLong_AsLongLong(r);
    Py_DECREF(r);
    if (PyErr_Occurred()) {
        PyErr_Print();
        return -1;
    }
    return v;
}

static int py_child(struct lab_ctx *ctx, void *arg)
{
    const struct py_job *j = arg;
    struct point *pts = xcalloc((size_t)j->nw, sizeof(*pts));
    PyObject *run = NULL;
    long long expected = -1;
    int rc = EXIT_OK;

    if (pyembed_start() < 0) {
        free(pts);
        return EXIT_FAIL;
    }
    if (pyembed_module("xml_tasks", "labs/xml/xml_tasks.py", py_xml_tasks) < 0 ||
        hand_over(j->corpus) < 0 || !(run = pyembed_get("xml_tasks", "run")))
        rc = EXIT_FAIL;
    for (int v = 0; v < xml_npy_variants && rc == EXIT_OK && !harness_interrupted(); v++) {
        const struct xml_py_variant *var = &xml_py_variants[v];
        char why[256];
        int na;
        if (!xml_py_measured(ctx, v))
            continue;
        na = unavailable(var->name, why, sizeof(why));
        if (na < 0) {
            rc = EXIT_FAIL;
            break;
        }
        for (int i = 0; i < j->nw; i++)
            pts[i] = (struct point){"python", var->name, j->w[i], "", cores_wanted(ctx, var, j->w[i])};
        if (na) {
            for (int i = 0; i < j->nw; i++)
                harness_skip(ctx, &pts[i], "%s", why);
            continue;
        }
        harness_series(ctx, pts, j->nw);
        for (int rep; rc == EXIT_OK && harness_next_rep(ctx, &rep);)
            for (int k = 0; k < j->nw && rc == EXIT_OK; k++) {
                const struct point *pt = &pts[harness_series_order(rep, k, j->nw)];
                struct harness_clock c;
                long long got;
                harness_clock_start(ctx, &c, pt);
                got = run_once(run, var->name, pt->workers);
                harness_clock_stop(ctx, pt, rep, &c, 0);
                if (got < 0) {
                    rc = EXIT_FAIL;
                } else if (expected < 0) {
                    expected = got;
                } else if (got != expected) { /* a document lost, or parsed twice */
                    harness_note(ctx, "python: %s with %d workers read %lld sections, the others %lld",
                                 var->name, pt->workers, got, expected);
                    rc = EXIT_FAIL;
                }
            }
    }
    Py_XDECREF(run);
    pyembed_stop();
    free(pts);
    return harness_interrupted() ? EXIT_INTERRUPTED : rc;
}

int xml_python(struct lab_ctx *ctx, const struct xml_set *corpus, const int *w, int nw)
{
    struct py_job j = {corpus, w, nw};
    return harness_child(ctx, py_child, &j, NULL, NULL);
}

#else /* built without Python: the experiment says why, and skips its points */

int xml_python(struct lab_ctx *ctx, const struct xml_set *corpus, const int *w, int nw)
{
    (void)corpus;
    for (int v = 0; v < xml_npy_variants; v++)
        for (int i = 0; i < nw && xml_py_measured(ctx, v); i++)
            harness_skip(ctx, &(struct point){"python", xml_py_variants[v].name, w[i], "", 0}, "%s",
                         pyembed_unavailable_reason());
    return EXIT_OK;
}

#endif
