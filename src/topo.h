/* topo.h: the CPUs this process may really use.
 *
 * nproc is not the answer: a container or `taskset` narrows the affinity mask, and a
 * cgroup quota ("cpu.max 150000 100000" = 1.5 CPUs) caps how much CPU time we get
 * however many CPUs we may run on. Labs size their worker counts from `usable`. */
#ifndef PARLAB_TOPO_H
#define PARLAB_TOPO_H

#include <stddef.h>

struct topo {
    int online;        /* CPUs online in the machine */
    int naffinity;     /* CPUs in this process's affinity mask */
    int *cpus;         /* their ids, ascending (naffinity entries) */
    double quota;      /* cgroup CPU quota in CPUs; 0 when there is none */
    char quota_src[1056]; /* the file the quota came from, or "none" */
    int usable;        /* min(naffinity, ceil(quota)), at least 1 */
    int cores;         /* distinct physical cores among the allowed CPUs */
    int smt;           /* hardware threads per core seen among them (1 = none) */
    char model[128];   /* CPU model name */
};

/* Read everything for this process. Returns 0; fields it cannot read fall back to
 * safe values (one CPU, no quota, model "unknown").
 * struct topo t; topo_detect(&t); ... topo_free(&t); */
int topo_detect(struct topo *t);

/* The same, reading /proc and /sys under `root` (a saved copy, for tests). */
int topo_detect_at(struct topo *t, const char *root);

void topo_free(struct topo *t);

/* Parse a kernel CPU list ("0-3,8,10-11") into out[0..max-1], ascending as given.
 * Returns the count, or -1 if malformed. */
int topo_parse_cpulist(const char *s, int *out, int max);

/* Parse cgroup v2 cpu.max ("max 100000", "150000 100000"): the quota in CPUs, 0 for
 * no limit, -1 if malformed. */
double topo_parse_cpu_max(const char *text);

/* Pin the calling thread to the worker's CPU: cpus[worker % naffinity].
 * Returns 0, or -1 with errno set. */
int topo_pin_thread(const struct topo *t, int worker);

/* One line for people: "2 usable CPUs (affinity 0-1; no cgroup quota; 2 cores, no SMT)". */
void topo_describe(const struct topo *t, char *buf, size_t size);

/* The affinity list as the kernel writes it ("0-3,6"). */
void topo_cpulist_string(const struct topo *t, char *buf, size_t size);

#endif
