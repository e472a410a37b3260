/* gil_sampler.h: who holds CPython's GIL, sampled from a C thread that never takes it.
 *
 * CPython 3.11 keeps the GIL's state in _PyRuntime.ceval.gil: `locked`, `last_holder`
 * (the PyThreadState that took it last) and `switch_number` (how many times it changed
 * hands). A plain C thread can read those words while Python threads run, without
 * taking the GIL and so without changing what it watches (as gil_load does, and as
 * Beazley's instrumented interpreter did by logging each acquire). Only
 * gil_sampler.c sees CPython's internal headers (it defines Py_BUILD_CORE itself). */
#ifndef PARLAB_GIL_SAMPLER_H
#define PARLAB_GIL_SAMPLER_H

#include <stdatomic.h>
#include <stdint.h>

enum { GIL_MAX_THREADS = 32 };

/* One look at the GIL: when (seconds from the sampler's start), which watched thread
 * held it (its index; -1 free; -2 a thread we do not watch), and which watched threads
 * were busy running their Python work then (bit i = thread i). */
struct gil_sample {
    double t;
    int holder;
    uint32_t active;
};

struct gil_sampler;

/* Why this build cannot sample the GIL, or NULL if it can (CPython 3.11 only: 3.12
 * moved the GIL into each interpreter and 3.13t can run without one). */
const char *gil_sampler_unavailable(void);
/* Where it reads the GIL (for the meta file), when it can. */
const char *gil_sampler_source(void);

/* Watch n threads: tstates[i] is thread i's PyThreadState, active[i] is 1 while it
 * runs its work. Samples every period_us microseconds, at most max_samples. Returns
 * NULL (with a message on stderr) if it cannot start. */
struct gil_sampler *gil_sampler_start(void *const *tstates, const atomic_int *active, int n,
                                      int period_us, int max_samples);
/* Stop, and hand back the samples (malloc'ed, *out) and the GIL switches counted by
 * CPython meanwhile (*switches). Returns the number of samples. */
int gil_sampler_stop(struct gil_sampler *s, struct gil_sample **out, unsigned long *switches);

/* CPython's own count of GIL handoffs so far (switch_number: the GIL went to a thread
 * other than the one that held it last), read without taking the GIL; -1 when this
 * build cannot read it (as gil_sampler_unavailable). */
long long gil_switch_number(void);

#endif
