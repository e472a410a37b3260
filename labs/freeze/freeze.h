/* freeze.h: the frozen-UI lab's user-interface loop, shared by the lab (parlab run
 * freeze: no terminal, every frame measured) and the stage program (bin/freeze: the same
 * loop drawn with ncurses, a mode switch by key). labs/freeze/freeze_loop.c holds it.
 *
 * The loop redraws a spinner and a clock `fps` times a second. Frame k is due at
 * t0 + k / fps; it is drawn as soon as the loop gets to it, and its lateness is the
 * time it was drawn minus the time it was due. Every `every_s` the program wants fresh
 * data from a slow source: a child process at the far end of a socket that answers
 * each request after `delay_s` (a database, a web service, a disk). The modes differ
 * only in who waits for that answer:
 *   blocking    the UI loop itself: while it waits nothing is drawn (the UI freezes);
 *   io-thread   a worker thread; when the answer is there it writes a byte to a pipe
 *               that the UI loop polls with its frame timer, so the loop never waits;
 *   cpu-thread  no I/O: a worker thread that computes flat out (in C it does not slow
 *               the UI at all: the kernel gives each thread its own turn on a CPU). */
#ifndef PARLAB_FREEZE_H
#define PARLAB_FREEZE_H

#include <stdint.h>
#include <sys/types.h>

enum freeze_mode { FREEZE_BLOCKING, FREEZE_IO_THREAD, FREEZE_CPU_THREAD, FREEZE_NMODES };

/* "blocking", "io-thread", "cpu-thread" */
extern const char *const freeze_mode_names[FREEZE_NMODES];
/* One line a mode, for people: "blocking I/O in the UI loop" */
extern const char *const freeze_mode_what[FREEZE_NMODES];
/* The mode called name, or -1. */
int freeze_mode_find(const char *name);

struct freeze_cfg {
    double fps;     /* frames a second (60) */
    double delay_s; /* the slow source answers after this long (0.2) */
    double every_s; /* the UI wants fresh data this often (0.5) */
    /* How to start and reap the source process: the lab passes harness_fork and
     * harness_wait (tracked: Ctrl-C kills it); NULL: fork and waitpid. */
    pid_t (*fork_fn)(void);
    int (*wait_fn)(pid_t pid, int *status);
};

/* What a frame shows, given to draw(). */
struct freeze_frame {
    uint64_t k;          /* frame number since the loop started */
    double t;            /* seconds since the loop started, when drawn */
    double late_s;       /* drawn minus due */
    enum freeze_mode mode;
    uint64_t replies;    /* answers received from the slow source so far */
    double last_wait_s;  /* how long the last answer took */
    uint64_t dropped;    /* frames skipped so far: their time had passed when the loop got back */
};

struct freeze_hooks {
    /* Draw frame f (a terminal, or a string for the lab). May be NULL. */
    void (*draw)(void *arg, const struct freeze_frame *f);
    /* After each frame is drawn: its lateness is final (logs, statistics). May be NULL. */
    void (*on_frame)(void *arg, const struct freeze_frame *f);
    /* A file descriptor the loop also polls (the terminal, for keys), or -1; on input
     * on_input(arg) runs (it may call freeze_set_mode or freeze_stop). */
    int input_fd;
    void (*on_input)(void *arg);
    void *arg;
};

struct freeze_ui;

/* Start the slow source (a child process), in `mode`. NULL with a message on stderr
 * if it cannot start. */
struct freeze_ui *freeze_open(const struct freeze_cfg *cfg, enum freeze_mode mode);
/* Switch modes: stops the worker thread of the old mode (waiting for an answer under
 * way: at most delay_s) and starts the new one's. */
void freeze_set_mode(struct freeze_ui *u, enum freeze_mode mode);
enum freeze_mode freeze_get_mode(const struct freeze_ui *u);
/* Ask freeze_run to return after the frame under way. */
void freeze_stop(struct freeze_ui *u);
/* Run frames for `seconds` (<= 0: until freeze_stop). Frame numbers and the clock
 * start again at 0. Returns the frames drawn, or -1 if the source failed. */
long freeze_run(struct freeze_ui *u, double seconds, const struct freeze_hooks *h);
/* Stop the worker, close the source and reap it. */
void freeze_close(struct freeze_ui *u);

/* The frame's text, as both front ends draw it: "| 12:34:56.789  reply #7 (200 ms)". */
void freeze_frame_text(const struct freeze_frame *f, char *buf, size_t size);

/* Order statistics of n lateness values (sorted in place): the median, the 99th
 * percentile (nearest rank) and the worst. */
void freeze_stats(double *v, int n, double *median, double *p99, double *worst);

#endif
