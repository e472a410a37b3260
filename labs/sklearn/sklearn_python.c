/* sklearn_python.c: the sklearn lab's embedded interpreter. Each experiment runs in a
 * child process of its own (harness_child): a fresh CPython imports scikit-learn, and
 * every point is a call into labs/sklearn/sk_cases.py timed here with the harness's
 * clock. The CPU a call used counts this process's threads, the pool workers it reaped
 * (joblib's multiprocessing backend stops its pool at the end of a call) and the live
 * ones (loky keeps its workers between calls: harness_children_cpu_s, before and after). */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pyembed.h"
#include "sklearn.h"

const struct sk_cv_variant sk_cv_variants[] = {
    {"serial", 0},    {"threading", 0},       {"loky-cold", 0},
    {"loky-warm", 0}, {"multiprocessing", 0}, {"loky-warm-nested", 1},
};
const int sk_ncv_variants = (int)ARRAY_SIZE(sk_cv_variants);

const char *const sk_chain_series[] = {"independent", "ensemble", "chain-cv"};
const int sk_nchain_series = (int)ARRAY_SIZE(sk_chain_series);

int sk_estimators(const struct lab_ctx *ctx, const char *const **names)
{
    static const char *const both[] = {"svc", "forest"};
    *names = both;
    return ctx->quick ? 1 : 2; /* the forest in full runs only: --quick stays short */
}

int sk_jobs(const struct lab_ctx *ctx)
{
    int j = ctx->topo->usable;
    if (ctx->workers_given)
        j = ctx->workers[ctx->nworkers - 1];
    return j < 2 ? 2 : j;
}

int sk_workers(const struct lab_ctx *ctx, int **out)
{
    int n = harness_workers_with_one(ctx, out), k = 0;
    if (!ctx->quick || ctx->workers_given)
        return n;
    for (int i = 0; i < n; i++)
        if ((*out)[i] <= ctx->topo->usable || i == 0)
            (*out)[k++] = (*out)[i];
    return k;
}

static int applies(const char *estimator, int v)
{
    return !sk_cv_variants[v].forest_only || !strcmp(estimator, "forest");
}

int sk_cv_points(const struct lab_ctx *ctx)
{
    const char *const *names;
    int ne = sk_estimators(ctx, &names), n = 0;
    for (int e = 0; e < ne; e++)
        for (int v = 0; v < sk_ncv_variants; v++)
            n += applies(names[e], v);
    return n;
}

int sk_chain_points(const struct lab_ctx *ctx)
{
    int *w, nw = sk_workers(ctx, &w);
    free(w);
    return 1 + sk_nchain_series * nw;
}

/* Is scikit-learn installed for the interpreter parlab embeds? Asked of that python3 in
 * a process of its own (importlib's find_spec: 30 ms, where importing scikit-learn
 * takes a second), so the lab can say so before it prints anything. */
const char *sk_unavailable(void)
{
#ifndef PARLAB_HAVE_PYTHON
    return pyembed_unavailable_reason();
#else
    static char why[256];
    int st = 0;
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
            dup2(devnull, 2);
        execl(PARLAB_PYTHON_EXE, PARLAB_PYTHON_EXE, "-c",
              "import importlib.util as u, sys; sys.exit(0 if u.find_spec('sklearn') else 3)",
              (char *)NULL);
        _exit(4);
    }
    if (pid < 0 || waitpid(pid, &st, 0) < 0)
        return NULL; /* cannot tell here: the experiments will say */
    if (WIFEXITED(st) && WEXITSTATUS(st) == 3) {
        snprintf(why, sizeof(why), "scikit-learn is not installed for %s (apt-get install "
                 "python3-sklearn, or make deps)", PARLAB_PYTHON_EXE);
        return why;
    }
    if (WIFEXITED(st) && WEXITSTATUS(st) == 4) {
        snprintf(why, sizeof(why), "cannot run %s", PARLAB_PYTHON_EXE);
        return why;
    }
    return NULL;
#endif
}

#ifdef PARLAB_HAVE_PYTHON
#define PY_SSIZE_T_CLEAN
#include <Python.h>

extern const char py_sk_cases[];

/* sk_cases.NAME(args built from fmt, as Py_BuildValue): a new reference, or NULL after
 * the traceback. */
#define call(name, ...) ((PyObject *)pyembed_call("sk_cases", name, __VA_ARGS__))

/* A call's result as a float (a score), or NAN after printing the error. */
static double score_of(PyObject *r)
{
    double v = NAN;
    if (r) {
        v = PyFloat_AsDouble(r);
        Py_DECREF(r);
    }
    if (PyErr_Occurred()) {
        PyErr_Print();
        v = NAN;
    }
    return v;
}

/* Start Python with sk_cases.py and its data. 0; 1 if scikit-learn cannot be imported
 * (why says so: told to the parent, which skips the lab); -1 on an error. */
static int start(struct lab_ctx *ctx, char *why, size_t size)
{
    PyObject *r;
    why[0] = '\0';
    if (pyembed_start() < 0)
        return -1;
    if (pyembed_module("sk_cases", "labs/sklearn/sk_cases.py", py_sk_cases) < 0 ||
        !(r = call("setup", "(O)", ctx->quick ? Py_True : Py_False)))
        return -1;
    if (r != Py_None) {
        const char *s = PyUnicode_AsUTF8(r);
        snprintf(why, size, "%s", s ? s : "scikit-learn cannot run");
    }
    Py_DECREF(r);
    if (why[0]) {
        const char *f[2] = {"skipped", why};
        harness_child_send(f, 2);
        return 1;
    }
    if ((r = call("threadpools", "()"))) {
        const char *s = PyUnicode_AsUTF8(r);
        results_meta(ctx->res, "threadpools", "%s", s ? s : "?");
        Py_DECREF(r);
    }
    return 0;
}

static void stop(void)
{
    PyObject *r = call("shutdown", "()"); /* no loky worker outlives the run */
    Py_XDECREF(r);
    pyembed_stop();
}

/* The same score at every point of a series: the same folds, the same models. */
static int same_score(struct lab_ctx *ctx, const struct point *pt, double got, double *first)
{
    if (isnan(got))
        return -1;
    if (isnan(*first)) {
        *first = got;
        return 0;
    }
    if (fabs(got - *first) > 1e-9) {
        harness_note(ctx, "%s %s with %d workers scored %.6f, the others %.6f", pt->experiment,
                     pt->variant, pt->workers, got, *first);
        return -1;
    }
    return 0;
}

/* One timed call at a point: the live workers' CPU before and after counts too. */
static double timed(struct lab_ctx *ctx, const struct point *pt, int rep, struct harness_clock *c,
                    double live0)
{
    double live1 = harness_children_cpu_s();
    harness_clock_stop(ctx, pt, rep, c, live1 - live0);
    return live1;
}

/* ---- cross-validation ---------------------------------------------------------------------- */

static int cv_child(struct lab_ctx *ctx, void *arg)
{
    const char *const *names;
    int ne = sk_estimators(ctx, &names), jobs = sk_jobs(ctx), folds = (int)lab_opt(ctx, "folds");
    int rc = EXIT_OK, s;
    char why[512];
    (void)arg;
    if ((s = start(ctx, why, sizeof(why))) != 0) {
        pyembed_stop();
        return s > 0 ? EXIT_OK : EXIT_FAIL;
    }
    for (int e = 0; e < ne && rc == EXIT_OK && !harness_interrupted(); e++) {
        struct point pts[16];
        char param[64];
        int n = 0;
        double first = NAN;
        fmt_param(param, sizeof(param), "estimator=%s;folds=%d", names[e], folds);
        for (int v = 0; v < sk_ncv_variants; v++)
            if (applies(names[e], v)) {
                int w = v == 0 ? 1 : jobs;
                pts[n++] = (struct point){"cv", sk_cv_variants[v].name, w, param, harness_cores_for(ctx, w)};
            }
        harness_series(ctx, pts, n);
        for (int rep; rc == EXIT_OK && harness_next_rep(ctx, &rep);)
            for (int k = 0; k < n && rc == EXIT_OK; k++) {
                const struct point *pt = &pts[harness_series_order(rep, k, n)];
                struct harness_clock c;
                double live0, score;
                /* The untimed warm-up skips loky: a cold start has nothing to warm up,
                 * and the warm pool is the one the cold call before left (repetition 1
                 * runs cold then warm, repetition 2 warm then cold, on the pool of 1):
                 * starting one more pool here would only cost the quick run a second. */
                if (rep == 0 && !strncmp(pt->variant, "loky-", 5))
                    continue;
                if (!strcmp(pt->variant, "loky-cold")) {
                    PyObject *r;
                    if (!(r = call("cold_reset", "()"))) { /* untimed: stop loky's workers */
                        rc = EXIT_FAIL;
                        break;
                    }
                    Py_DECREF(r);
                }
                live0 = harness_children_cpu_s();
                harness_clock_start(ctx, &c, pt);
                score = score_of(call("cv", "(ssii)", pt->variant, names[e], pt->workers, folds));
                timed(ctx, pt, rep, &c, live0);
                if (same_score(ctx, pt, score, &first) < 0)
                    rc = EXIT_FAIL;
            }
    }
    stop();
    return harness_interrupted() ? EXIT_INTERRUPTED : rc;
}

/* ---- the chain ------------------------------------------------------------------------------- */

static int chain_child(struct lab_ctx *ctx, void *arg)
{
    int *w, nw = sk_workers(ctx, &w), rc = EXIT_OK, s;
    struct point *pts = xcalloc((size_t)nw, sizeof(*pts)), one = {"chain", "chain", 1, "", 1};
    char why[512];
    PyObject *links;
    double first = NAN;
    (void)arg;
    if ((s = start(ctx, why, sizeof(why))) != 0) {
        pyembed_stop();
        free(pts), free(w);
        return s > 0 ? EXIT_OK : EXIT_FAIL;
    }
    /* The links of one chain, each timed alone (untimed by the harness: an illustration). */
    if ((links = call("chain_links", "()")) && PyList_Check(links)) {
        char line[256];
        size_t len = 0;
        double sum = 0;
        for (Py_ssize_t i = 0; i < PyList_Size(links); i++) {
            double t = PyFloat_AsDouble(PyList_GetItem(links, i));
            sum += t;
            len += (size_t)snprintf(line + len, len < sizeof(line) ? sizeof(line) - len : 0, "%s%.0f",
                                    i ? " + " : "", 1e3 * t);
        }
        harness_note(ctx, "one chain's 4 links, fitted one after the other: %s = %.0f ms", line, 1e3 * sum);
    }
    Py_XDECREF(links);
    /* The chain: one point, nothing to spread over workers. */
    harness_point(ctx, &one);
    for (int rep; rc == EXIT_OK && harness_next_rep(ctx, &rep);) {
        struct harness_clock c;
        double live0 = harness_children_cpu_s(), score;
        harness_clock_start(ctx, &c, &one);
        score = score_of(call("chain_case", "(si)", "chain", 1));
        timed(ctx, &one, rep, &c, live0);
        if (same_score(ctx, &one, score, &first) < 0)
            rc = EXIT_FAIL;
    }
    for (int v = 0; v < sk_nchain_series && rc == EXIT_OK && !harness_interrupted(); v++) {
        first = NAN;
        for (int i = 0; i < nw; i++)
            pts[i] = (struct point){"chain", sk_chain_series[v], w[i], "", harness_cores_for(ctx, w[i])};
        harness_series(ctx, pts, nw);
        for (int rep; rc == EXIT_OK && harness_next_rep(ctx, &rep);)
            for (int k = 0; k < nw && rc == EXIT_OK; k++) {
                const struct point *pt = &pts[harness_series_order(rep, k, nw)];
                struct harness_clock c;
                double live0 = harness_children_cpu_s(), score;
                harness_clock_start(ctx, &c, pt);
                score = score_of(call("chain_case", "(si)", pt->variant, pt->workers));
                timed(ctx, pt, rep, &c, live0);
                if (same_score(ctx, pt, score, &first) < 0)
                    rc = EXIT_FAIL;
            }
    }
    stop();
    free(pts), free(w);
    return harness_interrupted() ? EXIT_INTERRUPTED : rc;
}

/* ---- the parent's side ---------------------------------------------------------------------- */

/* The child's "skipped" line: scikit-learn could not be imported. */
static void on_line(void *arg, char **f, int nf)
{
    char *why = arg;
    if (nf == 2 && !strcmp(f[0], "skipped"))
        snprintf(why, 512, "%s", f[1]);
}

static int measure(struct lab_ctx *ctx, int (*child)(struct lab_ctx *, void *))
{
    char why[512] = "";
    int rc = harness_child(ctx, child, NULL, on_line, why);
    if (rc == EXIT_OK && why[0]) {
        fprintf(stderr, "parlab: %s: skipped: %s\n", ctx->lab->name, why);
        return EXIT_SKIPPED;
    }
    return rc;
}

int sk_cv_measure(struct lab_ctx *ctx)
{
    return measure(ctx, cv_child);
}

int sk_chain_measure(struct lab_ctx *ctx)
{
    return measure(ctx, chain_child);
}

#else /* built without Python: the lab is unavailable, these are never called */

int sk_cv_measure(struct lab_ctx *ctx)
{
    (void)ctx;
    return EXIT_SKIPPED;
}

int sk_chain_measure(struct lab_ctx *ctx)
{
    (void)ctx;
    return EXIT_SKIPPED;
}

#endif
