/* labs/cluster/cluster.h: what the cluster lab's files share.
 *
 *   cluster.c         the lesson in code: where the ranks run, the five experiments, the row
 *   cluster_hosts.c   "several hosts on one machine": network namespaces joined by veth pairs,
 *                     the launcher Open MPI uses instead of ssh, the bandwidth cap
 *   cluster_job.c     a job: mpirun (or a Python engine) started once, then asked one
 *                     command a line; the private folder; the CPU of a process tree
 *   cluster_claims.c  the lesson's claims, judged on a summary
 *   cluster_tasks.py  the tasks experiment's engines (ProcessPoolExecutor, Dask, mpi4py)
 *   cluster_mpi4py.py the ping-pong in Python (mpi4py: buffers and pickled objects)
 *   mpi/cluster_ranks.c  the MPI program the ranks run (bin/cluster-ranks, mpicc.openmpi) */
#ifndef PARLAB_CLUSTER_H
#define PARLAB_CLUSTER_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "harness.h"
#include "report.h"

/* ---- where the ranks run ---------------------------------------------------------------------- */
enum where {
    W_SHM,      /* one host, shared memory (Open MPI's vader BTL) */
    W_TCP,      /* one host, TCP over the loopback interface */
    W_NETNS,    /* several hosts on this machine: network namespaces joined by veth pairs */
    W_CAPPED,   /* the same hosts, each link capped by a token bucket (tc tbf) */
    W_HOSTFILE, /* a real cluster: the hosts of a hostfile, through ssh */
    W_COUNT
};
/* The variant names in the results: "shm", "tcp", "netns", "netns-capped", "hostfile". */
extern const char *const cluster_where_name[W_COUNT];

/* ---- network namespaces as hosts (cluster_hosts.c) -------------------------------------------- */
#define CLUSTER_MAX_HOSTS 4
/* The subnet the namespace hosts use, and only they: host i is 10.77.0.(i+1). */
#define CLUSTER_SUBNET "10.77.0.0/24"

struct nshost {
    pid_t pid;      /* the process that holds its namespaces (it sleeps) */
    char name[24];  /* its hostname: node1, node2 ... */
    char addr[24];  /* 10.77.0.1 ... */
};

struct nsnet {
    int n;                              /* hosts */
    struct nshost host[CLUSTER_MAX_HOSTS];
    pid_t sw;                           /* with 3 or more hosts: the "switch" (a bridge) */
    int cap_mbit;                       /* the cap on every link now (0: none) */
    int netem;                          /* 1 if tc netem exists on this kernel, 0 if not, -1 unknown */
    char rsh[PATH_MAX];                 /* the launcher script (cluster-rsh) */
    char hostfile[PATH_MAX];            /* the hostfile mpirun reads */
};

/* Why namespace hosts cannot be made here (no nsenter, no ip, no privilege), or NULL. A
 * quick probe (a child tries unshare()); the answer is kept. */
const char *nsnet_unavailable(void);
/* Make n hosts (2..CLUSTER_MAX_HOSTS) in dir (the launcher and hostfile go there), each
 * with slots MPI slots. Returns 0, or -1 with why (everything made so far is removed). */
int nsnet_up(struct nsnet *net, int n, int slots, const char *dir, char *why, size_t size);
/* Cap every link at mbit megabits a second (tc tbf), or remove the cap (0). */
int nsnet_cap(struct nsnet *net, int mbit, char *why, size_t size);
/* Remove the hosts: their holders are killed, so the namespaces, veths and qdiscs go. */
void nsnet_down(struct nsnet *net);
/* The launcher's text for these hosts (what cluster-rsh says), into buf. nsenter is
 * the full path of nsenter. Returns buf. */
const char *nsnet_rsh_script(const struct nsnet *net, const char *nsenter, char *buf, size_t size);
/* Enter host pid's network and UTS namespaces (this process: a child, before an exec).
 * Returns 0, or -1 (said on stderr). */
int ns_enter(pid_t pid);
/* Run argv inside host pid's network and UTS namespaces (pid 0: here) and wait. Returns
 * its exit status (0 ok), or -1; out gets what it printed (may be NULL). */
int ns_run(pid_t pid, const char *const argv[], char *out, size_t size);

/* ---- jobs (cluster_job.c) ----------------------------------------------------------------------- */
/* A program started once and then asked one command a line: mpirun with the ranks, or a
 * Python engine. Its stderr goes to a log file in the private folder. */
struct job {
    pid_t pid;
    int in, out;            /* its standard input (we write), its standard output (we read) */
    char rbuf[8192];
    size_t rlen;
    char log[PATH_MAX];
    char name[96];          /* "the shm job (2 ranks)": for messages */
};

/* Start argv with pipes, inside ns's namespaces if ns > 0, with its stderr in log. */
int job_start(struct job *j, const char *name, const char *const argv[], pid_t ns, const char *log,
              char *why, size_t size);
/* Send one command line and read the answer: 0 and reply (after "ok "), or -1 with why
 * ("err ..." from the job, or it died: the last lines of its log). */
int job_ask(struct job *j, double timeout_s, char *reply, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* The seconds a command took, as the job measured them, or NAN (why set); *cpu (may be
 * NULL) the CPU seconds the job said its ranks used meanwhile, or NAN if it did not say. */
double job_seconds(struct job *j, double timeout_s, double *cpu, char *why, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Close its input (it ends by itself), wait up to 5 s, then kill its whole tree. */
void job_stop(struct job *j);
/* CPU seconds used so far by the job's whole process tree (mpirun, daemons, ranks). */
double job_tree_cpu_s(const struct job *j);
/* The last lines of a log file, joined by " | ", into buf. */
const char *log_tail(const char *path, char *buf, size_t size);

/* ---- the lab's run: a private folder, the programs (cluster_job.c) ------------------------------ */
struct cluster_run {
    char dir[PATH_MAX];      /* private, 0700, removed at the end */
    char shm_dir[PATH_MAX];  /* private, in /dev/shm: the ranks' shared-memory segments */
    char ranks[PATH_MAX + 16]; /* bin/cluster-ranks */
    char mpirun[PATH_MAX];   /* mpirun.openmpi on the PATH */
    const char *no_mpi;      /* why MPI jobs cannot run here, or NULL */
    const char *no_python;   /* why /usr/bin/python3 cannot run here, or NULL */
    int usable;
    int root;                /* running as root: Open MPI's opt-in was set */
    struct nsnet net;
    int net_tried;
    char no_net[400];        /* why the namespace hosts are not here ("" if they are) */
};
/* Find the programs, make the private folder. Registers a clean-up at exit. */
void cluster_run_open(struct cluster_run *r, const struct lab_ctx *ctx);
/* Stop everything the run started and remove its folder. */
void cluster_run_close(struct cluster_run *r);
/* Write an embedded file (a .py) into the private folder; returns its path (static). */
const char *cluster_file(struct cluster_run *r, const char *name, const char *text);
/* Why MPI programs cannot run: no mpirun.openmpi, or bin/cluster-ranks not built. */
const char *cluster_mpi_missing(char *buf, size_t size);

/* ---- options and plans (cluster.c) ---------------------------------------------------------------- */
/* The places an experiment runs at, in order; n returned. netns and capped only when asked
 * for (--netns 1, --cap-mbit > 0), hostfile only with a hostfile. */
int cluster_places(const struct lab_ctx *ctx, enum where *out);
/* The hostfile of a real cluster, or NULL. */
const char *cluster_hostfile(const struct lab_ctx *ctx);

/* ---- pure helpers (tested in tests/test_cluster.c) ------------------------------------------------- */
/* Parse "ok hosts a b c": the names, as a count. */
int cluster_parse_hosts(const char *reply, char names[][64], int max);
/* Distinct names among n. */
int cluster_distinct(char names[][64], int n);
/* The task size (ms) at which efficiency crosses target, interpolated on a log scale of
 * sizes between the measured points (sizes ascending); NAN if it never crosses. */
double cluster_crossing(const double *size, const double *eff, int n, double target);
/* A hostfile line count check: 0 if the file names at least one host, else -1 and why. */
int cluster_hostfile_check(const char *path, char *why, size_t size);

/* The lesson's claims (cluster_claims.c). */
extern const struct lab_claim cluster_claims[];

#endif
