/* labs/amdahl/amdahl.h: what the amdahl lab's files share. */
#ifndef PARLAB_AMDAHL_H
#define PARLAB_AMDAHL_H

#include "harness.h"
#include "report.h"

/* The serial fractions a run uses: --serial F, else the sweep (--quick: one). */
int amdahl_fractions(const struct lab_ctx *ctx, const double **out);

/* The STREAM triad experiment (amdahl_stream.c). */
int amdahl_stream(struct lab_ctx *ctx);
int amdahl_stream_points(const struct lab_ctx *ctx);
/* Bytes of last-level cache this machine reports (sysfs), 0 if unknown; and the triad's
 * array length for it: each array at least 4x the caches (STREAM's rule). */
long amdahl_llc_bytes(const char *sysfs_cpu0_cache);
long amdahl_triad_length(long llc_bytes, int quick);

/* The lesson's claims (amdahl_claims.c). */
extern const struct lab_claim amdahl_claims[];

#endif
