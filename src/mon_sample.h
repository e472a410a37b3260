/* mon_sample.h: parmon's sampler. It reads the collectors (cpustat.h for /proc, status.h
 * for the page a running lab publishes) and fills the collected part of a struct
 * mon_view in place: the CPUs, their history, the followed tree, the lab's line. It
 * never draws (mon_screen.c does) and never parses text itself (cpustat.c does).
 *
 *   struct mon_sampler s; struct mon_view v = {0}; char why[256];
 *   if (mon_sample_open(&s, &v, why, sizeof(why)) < 0) ...   the first read of /proc/stat
 *   mon_sample_follow(&s, &v, pid);                           optional: a process tree
 *   every interval: mon_sample(&s, &v); mon_screen_draw(&v);
 *   mon_sample_close(&s); */
#ifndef PARLAB_MON_SAMPLE_H
#define PARLAB_MON_SAMPLE_H

#include <stdint.h>
#include <stdio.h>

#include "cpustat.h"
#include "mon_screen.h"

#define MON_HIST_CAP 240  /* samples of history kept a CPU (a minute at 0.25 s) */
#define MON_MAX_TASKS 4096 /* threads kept from the followed tree */

struct mon_sampler {
    struct cpustat_reader rd;
    char stat_path[256];           /* /proc/stat, or $PARMON_PROC_STAT (tests) */
    struct cpustat_snap snap[2];   /* the last two reads */
    int cur;                       /* index of the newest */
    long nread;                    /* reads so far */
    double t0, t_cur;              /* now_s() at the start and at the newest read */
    struct cpustat_usage *use;     /* a CPU each, the usage between the last two reads */
    int use_cap;
    unsigned char *hist;           /* MON_HIST_CAP samples a CPU (see mon_screen.h) */
    int hist_ncpu;
    /* the followed tree (pid 0: none) */
    int pid, gone;                 /* gone: the process ended; its last list stays */
    struct cpustat_task *tasks[2]; /* the last two collections */
    int ntasks[2], tcur;
    double tt_prev;                /* now_s() at the last collection */
    uint64_t tree_ticks;           /* cpustat_tree_ticks then */
    long hz;
    int status_pid;                /* the process whose status page was found last */
};

/* Open /proc/stat (PARMON_PROC_STAT and PARMON_SYS_CPU point tests at saved copies) and
 * read it once, so a missing or unreadable file is known before anything is launched.
 * Missing sysfs CPU lists are fine (every CPU /proc/stat lists is then online). Sets the
 * view's CPU fields. Returns 0, or -1 with one line naming the file in why. */
int mon_sample_open(struct mon_sampler *s, struct mon_view *v, char *why, size_t size);

/* Follow pid and its descendants from now on (their first collection: rates come from the
 * second). Sets v->follow_pid and the tree's fields. */
void mon_sample_follow(struct mon_sampler *s, struct mon_view *v, int pid);

/* One sample: the CPUs since the last read, their history, the followed tree and the
 * lab's page. Returns 0, or -1 if /proc/stat can no longer be read (errno set). */
int mon_sample(struct mon_sampler *s, struct mon_view *v);

/* The launched command ended (reaped): the tree is no longer sampled, and the lab's line
 * says it ended unless the lab said so itself. */
void mon_sample_ended(struct mon_sampler *s, struct mon_view *v);

/* The CSV of --batch and --record: the header, then a row an online CPU a sample and one
 * for all of them (cpu = all). mon_sample_csv writes the newest sample's rows and
 * flushes; it returns 0, or -1 if the stream failed (errno set). */
extern const char mon_csv_header[];
int mon_sample_csv(FILE *f, const struct mon_sampler *s, const struct mon_view *v);

void mon_sample_close(struct mon_sampler *s);

/* "(name)" of process pid, for the screen's "following" line ("" if it is gone). */
void mon_sample_proc_name(int pid, char *out, size_t size);

#endif
