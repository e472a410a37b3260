/* mon_screen.h: parmon's screen. It only draws what it is given (struct mon_view):
 * it never reads /proc; mon_sample.c fills the view through cpustat.h and status.h. */
#ifndef PARLAB_MON_SCREEN_H
#define PARLAB_MON_SCREEN_H

#include <stddef.h>

#include "cpustat.h"
#include "status.h"

/* Per-CPU history ring: busy percent 0..100 (MON_HIST_OFFLINE when offline), the
 * newest sample of CPU c at hist[c * hist_cap + (hist_count - 1) % hist_cap]. */
#define MON_HIST_OFFLINE 255

struct mon_view {
    /* the CPUs (filled by mon_sample.c) */
    int ncpu, nonline;
    const struct cpustat_usage *use; /* ncpu entries */
    struct cpustat_usage all;        /* every CPU together, percent of all of them */
    int have_sample;                 /* 0 until two reads of /proc/stat gave a delta */
    long nsample;
    const unsigned char *hist;
    int hist_cap;
    long hist_count;
    /* the followed process tree (follow_pid 0: none; filled by mon_sample.c) */
    int follow_pid;
    const struct cpustat_task *tasks;
    int ntasks;
    int nprocs;                      /* how many of the tasks are processes */
    double tree_cores;               /* their CPU use summed, in cores */
    int have_status;
    struct status_page status;       /* what the followed lab publishes */
    /* what parmon_main.c knows */
    double interval;                 /* seconds between samples */
    const char *command;             /* the launched command line, or the process name */
    const char *log_path;            /* where the launched command's output goes */
    const char *last_output;         /* its last line ("" if none) */
    const char *ended;               /* "exit status 0", ... when the command is over */
    const char *record_path;         /* --record FILE, or NULL */
    /* modes */
    int paused, help, compact;
};

/* Can the terminal show the screen (TERM set, known, able to move the cursor)? Asked
 * before a command is launched; touches nothing. Returns 0, or -1 with one line naming
 * the bad TERM in why. (mon_term.c) */
int mon_screen_check(char *why, size_t size);
/* Set the terminal up (colour unless `color` is 0). Call once. Returns 0, or -1 if
 * ncurses cannot (the terminal is left as it was). */
int mon_screen_init(int color);
/* Restore the terminal. Safe to call twice, and from a signal handler that is about to
 * end the process (as htop does). */
void mon_screen_end(void);
/* Take the new size after SIGWINCH. */
void mon_screen_resize(void);
/* Draw one frame: everything is drawn into ncurses' buffer, then one refresh. */
void mon_screen_draw(const struct mon_view *v);
/* The next key typed, or -1 if none is waiting (never blocks). */
int mon_screen_key(void);

#endif
