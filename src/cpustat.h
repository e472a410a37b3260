/* cpustat.h: what the CPUs and a followed process tree are doing, read from /proc.
 *
 * Collect apart from draw (htop's lesson): nothing here draws, and parmon's screen
 * (src/mon_*.c) never reads /proc. Every parser is a pure function over text or over
 * a path you pass, so tests feed them saved copies (tests/data/proc/...).
 *
 * CPU use is computed as htop computes it (linux/LinuxMachine.c, CPUMeter.c):
 *   - the kernel counts guest time inside user time (and guest_nice inside nice), so
 *     guest is subtracted from user and shown on its own;
 *   - idle + iowait is idle: a CPU waiting for the disk is free to run something else;
 *   - system + irq + softirq is system;
 *   - steal (time the hypervisor gave our vCPU to someone else) is shown, and busy;
 *   - deltas saturate at 0: a counter that goes backwards (CPU hot-plug, a buggy
 *     hypervisor) gives 0, never a negative or a huge unsigned number; each counter's
 *     delta is taken on its own and they are summed in double, so counters near 2^64
 *     cannot wrap a total around (every percentage stays within 0..100). */
#ifndef PARLAB_CPUSTAT_H
#define PARLAB_CPUSTAT_H

#include <stddef.h>
#include <stdint.h>

/* One "cpu" or "cpuN" line of /proc/stat, in clock ticks (USER_HZ, usually 100/s). */
struct cpustat_counters {
    uint64_t user, nice, system, idle, iowait, irq, softirq, steal, guest, guest_nice;
};

/* One read of /proc/stat (+ the sysfs CPU lists). */
struct cpustat_snap {
    int ncpu;                      /* slots: highest CPU id known + 1 */
    int cap;                       /* allocated slots */
    struct cpustat_counters all;   /* the "cpu" line: every CPU together */
    struct cpustat_counters *cpu;  /* ncpu entries, indexed by CPU id */
    unsigned char *has;            /* 1 if /proc/stat had a line for this CPU */
    unsigned char *online;         /* 1 if online (has a line and, when known, is in
                                      /sys/devices/system/cpu/online) */
    int nonline;                   /* how many are online */
};

/* Use over one interval, in percent of that CPU's time (0..100 each).
 * busy = user + system + steal + guest; idle includes iowait (as htop). */
struct cpustat_usage {
    double busy, user, system, iowait, steal, guest;
    int online;                    /* 0: offline (or no data): the rest is 0 */
};

void cpustat_snap_free(struct cpustat_snap *s);

/* Parse the text of /proc/stat into s (allocates as needed; s zeroed before first use).
 * Every CPU with a line is marked online; cpustat_apply_cpulists refines that.
 * Returns 0, or -1 if there is no "cpu" line.
 *   struct cpustat_snap s = {0}; cpustat_parse_stat(text, &s); ... cpustat_snap_free(&s); */
int cpustat_parse_stat(const char *text, struct cpustat_snap *s);

/* Apply the kernel CPU lists of /sys/devices/system/cpu ("0-3,5"): `present` widens
 * ncpu so CPUs that are present but offline get a slot; `online` (when not NULL)
 * marks every CPU not listed as offline. Returns 0, or -1 if a list is malformed. */
int cpustat_apply_cpulists(struct cpustat_snap *s, const char *present, const char *online);

/* The usage between two reads of one CPU's counters, htop's way. Pure. */
void cpustat_usage(const struct cpustat_counters *prev, const struct cpustat_counters *cur,
                   struct cpustat_usage *u);

/* The usage of CPU c between two snapshots, or of all CPUs together when c < 0.
 * A CPU offline (or without data) in either snapshot gets u->online = 0 and zeros. */
void cpustat_snap_usage(const struct cpustat_snap *prev, const struct cpustat_snap *cur, int c,
                        struct cpustat_usage *u);

/* a - b, or 0 when the counter went backwards. */
uint64_t cpustat_sat_sub(uint64_t a, uint64_t b);
/* a + b, or UINT64_MAX when that would wrap around. */
uint64_t cpustat_sat_add(uint64_t a, uint64_t b);

/* A reader that keeps /proc/stat open and reads it with one pread into a reused
 * buffer: the cheapest way to sample it often. `sysdir` is the folder holding the
 * present/online lists (NULL: don't read them).
 *   struct cpustat_reader r; cpustat_reader_open(&r, "/proc/stat", "/sys/devices/system/cpu"); */
struct cpustat_reader {
    int fd;
    char *buf;
    size_t cap;
    char sysdir[256];
};
int cpustat_reader_open(struct cpustat_reader *r, const char *stat_path, const char *sysdir);
/* Read one snapshot. Returns 0, or -1 (errno set, or a malformed file). */
int cpustat_reader_read(struct cpustat_reader *r, struct cpustat_snap *s);
void cpustat_reader_close(struct cpustat_reader *r);

/* ---- processes and threads ------------------------------------------------------- */

/* One task (a thread; the main thread of a process has tid == tgid). */
struct cpustat_task {
    int tid, tgid, ppid;
    char name[64];                 /* comm: may hold spaces and parentheses */
    char state;                    /* R running, S sleeping, D disk, Z zombie, ... */
    uint64_t ticks;                /* utime + stime, clock ticks */
    uint64_t child_ticks;          /* cutime + cstime: children it has reaped (a process) */
    uint64_t proc_ticks;           /* the whole process's utime + stime (main-thread entry of
                                    * cpustat_collect_tree; 0 elsewhere) */
    int cpu;                       /* the CPU it last ran on (field 39) */
    int nthreads;                  /* field 20 (meaningful for a process) */
    double cpu_pct;                /* over the last interval; set by cpustat_task_rates;
                                    * CPUSTAT_NEW_TASK when it was not there last time */
};

/* Parse the text of /proc/PID/stat or /proc/PID/task/TID/stat. The name sits between
 * the first '(' and the LAST ')', since a name may itself hold ") (". Fields after it
 * are counted from the last ')': field 3 (state) is the first. tgid is set to tid.
 * Returns 0, or -1 if malformed. */
int cpustat_parse_task_stat(const char *text, struct cpustat_task *t);

/* Every thread of pid and of all its descendants, under `procroot` ("/proc"), in tree
 * order: a process's threads (its main thread first), then its children's. Children
 * come from /proc/PID/task/TID/children, or, on kernels without that file, from a
 * scan of procroot for processes whose parent is PID. Writes at most max tasks to out.
 * Returns the count, or -1 if pid itself is gone. */
int cpustat_collect_tree(const char *procroot, int pid, struct cpustat_task *out, int max);

/* All the CPU time a followed tree has used, in clock ticks: for each process in it
 * (the entries whose tid == tgid), its own time (all its threads, live and ended) plus
 * that of the children it has reaped. Every tick is counted once, so the difference
 * between two collections includes processes and threads that started and ended in
 * between, which per-thread rates cannot see (a lab running each point in a short-
 * lived child). */
uint64_t cpustat_tree_ticks(const struct cpustat_task *t, int n);

#define CPUSTAT_NEW_TASK (-1.0)

/* Fill cur[i].cpu_pct from the ticks since prev (same tid; prev is sorted in place).
 * dt_s is the wall time between the two collections, hz the clock tick rate. */
void cpustat_task_rates(struct cpustat_task *prev, int nprev, struct cpustat_task *cur,
                        int ncur, double dt_s, long hz);

#endif
