/* labs/tvp/tvp.h: what the threads-vs-processes lab's files share, and the pieces the
 * unit tests (tests/test_tvp.c) check on their own: the /proc parsers (tvp_proc.c) and
 * the shared-memory message channel (tvp_ring.c). */
#ifndef PARLAB_TVP_H
#define PARLAB_TVP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "harness.h"

/* ---- /proc parsers: pure functions over text or a path (tvp_proc.c) ------------------ */

/* Read "Key:   1234 kB" lines (the shape of /proc/PID/smaps_rollup, /proc/PID/status and
 * /proc/meminfo) from text. For each keys[i] found, out[i] = its value in KiB; keys not
 * found are left untouched. Returns how many keys were found.
 * tvp_parse_kb_fields("Rss:  12 kB\nPss:  5 kB\n", keys, out, 2) == 2 */
int tvp_parse_kb_fields(const char *text, const char *const *keys, double *out, int n);
/* The same over a file. Returns the count found, or -1 if path cannot be read. */
int tvp_read_kb_fields(const char *path, const char *const *keys, double *out, int n);

/* A process's memory as /proc tells it, in KiB. pss and private are NaN when the
 * kernel has no smaps_rollup (before Linux 4.14) or it cannot be read. */
struct tvp_mem {
    double rss, pss, private_kib; /* private = Private_Clean + Private_Dirty (USS) */
};
/* Fill m for pid (0 = this process), from smaps_rollup, falling back to status's VmRSS.
 * Returns 0, or -1 if neither could be read. */
int tvp_mem_of(pid_t pid, struct tvp_mem *m);
/* The same from explicit paths (tests): rollup may be NULL or missing. */
int tvp_mem_from(const char *rollup_path, const char *status_path, struct tvp_mem *m);

/* ---- a message channel in shared memory (tvp_ring.c) ------------------------------------ */

/* A one-way ring of `nslots` slots of up to `slot_size` bytes, in memory both sides
 * map: the same code serves two threads (private memory) and two processes
 * (MAP_SHARED). The sender copies a message into the next free slot and publishes it
 * by advancing `head`; the receiver copies it out and frees the slot by advancing
 * `tail`. Each side waits by spinning briefly, then sleeping in futex(), which works
 * across processes because the futex is not FUTEX_PRIVATE. */
struct tvp_chan;

/* Bytes to map for a channel of nslots slots of slot_size bytes. */
size_t tvp_chan_bytes(size_t slot_size, int nslots);
/* Set up a channel in mem (tvp_chan_bytes long, zeroed, 64-byte aligned).
 * spin: 1 to spin before sleeping (worth it only with 2+ CPUs). */
struct tvp_chan *tvp_chan_init(void *mem, size_t slot_size, int nslots, int spin);
/* Send n bytes (n <= slot_size). Returns 0, or -1 once the channel is closed or the
 * peer process `peer` (0 = none to watch) has died. */
int tvp_chan_send(struct tvp_chan *c, const void *buf, size_t n, pid_t peer);
/* Receive one message into buf (room for slot_size). Returns its length, or -1 once
 * the channel is closed and empty, or the peer died. */
long tvp_chan_recv(struct tvp_chan *c, void *buf, pid_t peer);
/* Close: wakes both sides; every later send and recv of an empty channel fail. */
void tvp_chan_close(struct tvp_chan *c);

/* ---- a team of workers started before the clock (tvp_team.c) ------------------------- */

/* Threads or processes, started once and parked in futex() between jobs (a pool): each
 * job wakes the first T of them. The cpu-bound, io-bound and demo experiments run on it,
 * so starting workers (the create experiment's lesson) stays out of their clocks. */
struct tvp_team;

enum tvp_pin {
    TVP_PIN_NONE,   /* the kernel places the workers */
    TVP_PIN_SPREAD, /* worker i on usable CPU i (--pin) */
    TVP_PIN_ONE,    /* every worker on the first usable CPU */
};

/* A job: `amount` units of CPU work (burn) or blocking waits of wait_us, cut into pieces
 * of `chunk` units (0: 1) that the workers take from a shared counter until none is left
 * (schedule(dynamic)); or, when seconds > 0, pieces until the parent stops the job after
 * that long. */
struct tvp_job {
    int io;
    uint64_t amount;
    long wait_us;
    uint64_t chunk;
    double seconds;
};

/* What a job took: wall seconds from the wake-up to the last worker's end, the CPU
 * seconds its workers used (each on its own clock), the units or waits they did. */
struct tvp_result {
    double wall, cpu;
    uint64_t done;
};

/* Start n workers: threads, or processes (harness_fork) when procs. Dies if it cannot. */
struct tvp_team *tvp_team_start(int n, int procs, enum tvp_pin pin, const struct topo *topo);
/* Run job on workers 0..active-1 (1 <= active <= n) and wait for all of them. Returns 0,
 * or -1 if a worker process died (the team takes no more jobs). */
int tvp_team_run(struct tvp_team *tm, int active, const struct tvp_job *job, struct tvp_result *r);
/* End the team: every worker returns and is joined or reaped. Returns 0, or -1 if a
 * worker died or exited with an error. */
int tvp_team_stop(struct tvp_team *tm);
/* Worker i's process id (a team of processes), else 0: for tests. */
pid_t tvp_team_pid(const struct tvp_team *tm, int i);

/* ---- the experiments in sibling files: run and points (lab.h) ----------------------- */
int tvp_communicate(struct lab_ctx *ctx);        /* tvp_comm.c */
int tvp_communicate_points(const struct lab_ctx *ctx);
int tvp_cpu_bound(struct lab_ctx *ctx);          /* tvp_scaling.c */
int tvp_cpu_bound_points(const struct lab_ctx *ctx);
int tvp_io_bound(struct lab_ctx *ctx);
int tvp_io_bound_points(const struct lab_ctx *ctx);
int tvp_demo(struct lab_ctx *ctx);               /* tvp_scaling.c */
int tvp_demo_points(const struct lab_ctx *ctx);

/* The smallest message communicate sends: the one the claim about small messages reads. */
#define TVP_SMALL_MSG 8

#endif
