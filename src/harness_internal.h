/* harness_internal.h: what harness.c and harness_child.c share, and what the embedded
 * Python's _parlab module (pyembed.c) calls. Not for labs. */
#ifndef PARLAB_HARNESS_INTERNAL_H
#define PARLAB_HARNESS_INTERNAL_H

#include "harness.h"

/* harness_fork with a kind: 1 a worker, 2 a harness child (Ctrl-C is passed on), 3 a
 * lab run by the tour (Ctrl-C and SIGTERM are passed on; it is given time to end). */
pid_t harness_fork_kind(int kind);
/* In the child of harness_child: Ctrl-C only sets the stop flag; report to the parent. */
void harness_enter_child(void);
/* Show repetition rep of the current point (the parent, for a child's rep line). */
void harness_show_rep(struct lab_ctx *ctx, int rep);

/* The child's side of the protocol (harness_child.c). */
void child_send_points(const struct point *pts, int n);
void child_send_skip(const struct point *pt, const char *why);
void child_send_rep(int rep);
void child_send_note(const char *text);

/* The context of the lab running in this process (for the embedded Python). */
void harness_set_current(struct lab_ctx *ctx);
struct lab_ctx *harness_current(void);

#endif
