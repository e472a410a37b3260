/* gil_sampler.c: read CPython's GIL state from a C thread. See gil_sampler.h.
 *
 * This is the one file of parlab built against CPython's *internal* headers: it
 * defines Py_BUILD_CORE before including them, which is what a file inside CPython
 * does. The fields it reads are not a public API: in 3.11 the one GIL lives in the
 * runtime (_PyRuntime.ceval.gil); in 3.12 each interpreter points to its own (the main
 * interpreter's: PyInterpreterState_Main()->ceval.gil), with the same fields. 3.13
 * changed the atomics they are read with, so other versions say why they cannot
 * sample. */
#include "gil_sampler.h"

#include <stdio.h>
#include <stdlib.h>

#ifdef PARLAB_HAVE_PYTHON
#define Py_BUILD_CORE 1
#include <Python.h>
#endif

#if defined(PARLAB_HAVE_PYTHON) && PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030D0000
#define GIL_SAMPLER_WORKS 1
#include <internal/pycore_runtime.h>
#if PY_VERSION_HEX >= 0x030C0000
#include <internal/pycore_interp.h>
#endif
#include <pthread.h>
#include <sys/prctl.h>
#include <time.h>

#include "util.h"

struct gil_sampler {
    pthread_t tid;
    void *const *tstates;
    const atomic_int *active;
    int n, period_us, max, count;
    atomic_int stop;
    unsigned long switch0, switch1;
    struct gil_sample *samples;
};

static void *sampler_main(void *p)
{
    struct gil_sampler *s = p;
#if PY_VERSION_HEX >= 0x030C0000
    struct _gil_runtime_state *gil = PyInterpreterState_Main()->ceval.gil;
#else
    struct _gil_runtime_state *gil = &_PyRuntime.ceval.gil;
#endif
    struct timespec period = {0, (long)s->period_us * 1000};
    double t0 = now_s();
    /* The kernel may delay a sleeping thread's wake-up by its "timer slack" (50 us by
     * default) to batch wake-ups; ask for 1 ns so samples come when asked. */
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    s->switch0 = *(volatile unsigned long *)&gil->switch_number;
    while (!atomic_load(&s->stop) && s->count < s->max) {
        struct gil_sample *g = &s->samples[s->count];
        void *holder = (void *)_Py_atomic_load_relaxed(&gil->last_holder);
        int locked = _Py_atomic_load_relaxed(&gil->locked);
        g->t = now_s() - t0;
        g->holder = locked > 0 ? -2 : -1;
        g->active = 0;
        for (int i = 0; i < s->n; i++) {
            if (locked > 0 && holder == s->tstates[i])
                g->holder = i;
            if (atomic_load_explicit(&s->active[i], memory_order_relaxed))
                g->active |= 1u << i;
        }
        s->count++;
        nanosleep(&period, NULL);
    }
    s->switch1 = *(volatile unsigned long *)&gil->switch_number;
    return NULL;
}

const char *gil_sampler_unavailable(void)
{
    return NULL;
}

long long gil_switch_number(void)
{
#if PY_VERSION_HEX >= 0x030C0000
    struct _gil_runtime_state *gil = PyInterpreterState_Main()->ceval.gil;
#else
    struct _gil_runtime_state *gil = &_PyRuntime.ceval.gil;
#endif
    return (long long)*(volatile unsigned long *)&gil->switch_number;
}

const char *gil_sampler_source(void)
{
#if PY_VERSION_HEX >= 0x030C0000
    return "PyInterpreterState_Main()->ceval.gil";
#else
    return "_PyRuntime.ceval.gil";
#endif
}

struct gil_sampler *gil_sampler_start(void *const *tstates, const atomic_int *active, int n,
                                      int period_us, int max_samples)
{
    struct gil_sampler *s = xcalloc(1, sizeof(*s));
    s->tstates = tstates;
    s->active = active;
    s->n = n < GIL_MAX_THREADS ? n : GIL_MAX_THREADS;
    s->period_us = period_us;
    s->max = max_samples;
    s->samples = xmalloc(sizeof(struct gil_sample) * (size_t)max_samples);
    atomic_init(&s->stop, 0);
    if (pthread_create(&s->tid, NULL, sampler_main, s) != 0) {
        fprintf(stderr, "parlab: cannot start the GIL sampler thread\n");
        free(s->samples);
        free(s);
        return NULL;
    }
    return s;
}

int gil_sampler_stop(struct gil_sampler *s, struct gil_sample **out, unsigned long *switches)
{
    int n;
    atomic_store(&s->stop, 1);
    pthread_join(s->tid, NULL);
    *out = s->samples;
    *switches = s->switch1 - s->switch0;
    n = s->count;
    free(s);
    return n;
}

#else /* no Python, or not 3.11 */

const char *gil_sampler_unavailable(void)
{
#ifndef PARLAB_HAVE_PYTHON
    return "built without Python";
#else
    return "the GIL sampler reads CPython 3.11's and 3.12's internal GIL state; this is "
           PY_VERSION ", where it is read differently (3.13 changed its atomics)";
#endif
}

const char *gil_sampler_source(void)
{
    return "-";
}

long long gil_switch_number(void)
{
    return -1;
}

struct gil_sampler *gil_sampler_start(void *const *tstates, const atomic_int *active, int n,
                                      int period_us, int max_samples)
{
    (void)tstates, (void)active, (void)n, (void)period_us, (void)max_samples;
    fprintf(stderr, "parlab: %s\n", gil_sampler_unavailable());
    return NULL;
}

int gil_sampler_stop(struct gil_sampler *s, struct gil_sample **out, unsigned long *switches)
{
    (void)s;
    *out = NULL;
    *switches = 0;
    return 0;
}

#endif
