/* pool_python.c: the pool lab's machinery. The Python side (labs/pool/pool_tasks.py,
 * built in as py_pool_tasks) runs in a child process with its own embedded CPython, and
 * reports through the harness like the C side; the CPU time of live worker processes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool_lab.h"
#include "pyembed.h"

extern const char py_pool_tasks[];

/* In the child (harness_child): start Python, load pool_tasks.py as a module, run the
 * call. The interpreter is new, and this process never ran OpenMP: the pools' fork()
 * copies nothing they cannot use. Ctrl-C makes _parlab.next_rep() return None; the
 * .py file then shuts its pools down and returns, and Python is finalised here. */
static int py_child(struct lab_ctx *ctx, void *arg)
{
    const char *call = arg;
    int rc = EXIT_OK;
    (void)ctx;
    if (pyembed_start() < 0)
        return EXIT_FAIL;
    if (pyembed_module("pool_tasks", "labs/pool/pool_tasks.py", py_pool_tasks) < 0 ||
        pyembed_exec(call) < 0)
        rc = EXIT_FAIL;
    pyembed_stop();
    return rc;
}

static size_t put_ints(char *buf, size_t size, size_t len, const int *v, int n)
{
    len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "[");
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s%d", i ? ", " : "", v[i]);
    return len + (size_t)snprintf(buf + len, len < size ? size - len : 0, "]");
}

static size_t put_nums(char *buf, size_t size, size_t len, const double *v, int n)
{
    len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "[");
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s%.17g", i ? ", " : "", v[i]);
    return len + (size_t)snprintf(buf + len, len < size ? size - len : 0, "]");
}

int pool_python(struct lab_ctx *ctx, const struct pool_plan *p, const char *experiment)
{
    char call[4096];
    size_t len, size = sizeof(call);
    const char *quick = ctx->quick ? "True" : "False";
    if (!p->python)
        return EXIT_OK;
    /* pool_tasks.task_overhead(workers=[2], usable=2, quick=True), granularity(...,
     * sizes=[...], refine=1), chunksize(..., chunks=[...], task_us=10) */
    len = (size_t)snprintf(call, size, "import pool_tasks\npool_tasks.%s(workers=",
                           !strcmp(experiment, "task-overhead") ? "task_overhead" : experiment);
    len = put_ints(call, size, len, p->ws, p->nws);
    len += (size_t)snprintf(call + len, size - len, ", usable=%d, quick=%s", ctx->topo->usable, quick);
    if (!strcmp(experiment, "granularity")) {
        len += (size_t)snprintf(call + len, size - len, ", sizes=");
        len = put_nums(call, size, len, p->sizes_py, p->nsizes_py);
        len += (size_t)snprintf(call + len, len < size ? size - len : 0, ", refine=%d", p->refine_py);
    } else if (!strcmp(experiment, "chunksize")) {
        len += (size_t)snprintf(call + len, size - len, ", chunks=");
        len = put_ints(call, size, len, p->chunks, p->nchunks);
        len += (size_t)snprintf(call + len, size - len, ", task_us=%.17g", p->chunk_us);
    }
    if (len + 3 >= size)
        die("internal: the Python call for %s is too long", experiment);
    snprintf(call + len, size - len, ")\n");
    return harness_child(ctx, py_child, call, NULL, NULL);
}

