/* labs/sync/sync.h: what the sync lab's two files share. sync.c holds the team of
 * workers and the race, lock, barrier and false-sharing experiments; sync_c2c.c the two
 * latency experiments, handoff and c2c. */
#ifndef PARLAB_SYNC_H
#define PARLAB_SYNC_H

#include "harness.h"

/* Keep a median for the cost ladder (sync-costs.csv): col 0 = uncontended (1 worker),
 * 1 = contended at the usable CPUs, 2 = oversubscribed; ns per construct. */
void sync_cost_note(const char *experiment, const char *name, int col, int workers, double ns);

/* handoff: one-way wake-up latency between two threads (condvar, futex, spin), in us. */
int sync_run_handoff(struct lab_ctx *ctx, double target);
/* c2c: one-way latency between pairs of usable CPUs; sets the CPUs considered and the
 * step between measured ones (1 = every CPU). */
int sync_run_c2c(struct lab_ctx *ctx, int *ncpu, int *step);
/* How many pairs sync_run_c2c will measure (for the progress plan). */
int sync_c2c_npairs(const struct lab_ctx *ctx);
/* Write <out>/sync-c2c.csv from the measured pairs and print their spread. */
int sync_write_c2c_table(struct lab_ctx *ctx, int ncpu, int step);

#endif
