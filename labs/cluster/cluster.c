/* labs/cluster/cluster.c: beyond one machine.
 *
 * The question: threads stop at the GIL, processes stop at the cores of one box. The way
 * past both is to spread the work over many machines, from concurrent.futures on one box
 * to a cluster (Dask, MPI). What does the network cost, and when does a cluster pay?
 *
 * The same work runs where the ranks can be (the variants of every experiment):
 *   shm           one host, ranks talking through shared memory (Open MPI's vader);
 *   tcp           one host, through TCP on the loopback interface: the network stack's
 *                 cost without a network;
 *   netns         several hosts on this machine: each a network namespace with its own
 *                 hostname, joined by veth pairs (virtual cables), mpirun starting its
 *                 daemons through a launcher instead of ssh (cluster_hosts.c);
 *   netns-capped  the same hosts, each link capped at --cap-mbit (1 Gbit/s: gigabit
 *                 Ethernet) by a token bucket;
 *   hostfile      a real cluster, the hosts of a hostfile, through ssh (README.md says
 *                 what that needs).
 *
 * Five experiments, top to bottom:
 *   pingpong       latency and bandwidth from 1 B to 4 MiB over each place (the OSU
 *                  micro-benchmarks' method), and mpi4py with buffers and pickled objects;
 *   amdahl         the amdahl lab's job over MPI ranks: a serial phase on rank 0, a
 *                  broadcast and a reduction every step; spin and sleep forms, beside
 *                  the same job on threads; speedup and the Amdahl fit;
 *   halo           an iterative computation with a neighbour exchange every step,
 *                  sweeping the computation per step against the communication: where the
 *                  network bends the speedup, with the USL fitted; strong and weak scaling;
 *   tasks          the same Executor code on ProcessPoolExecutor, a Dask Client and
 *                  mpi4py's MPIPoolExecutor: what one task costs, how big a task must be;
 *   oversubscribe  more busy-polling ranks than cores, with Open MPI's yield-when-idle on
 *                  and off: why HPC jobs never oversubscribe.
 * And, only when named (--experiment demo), a demo for a talk: steady phases of 1 rank,
 * P ranks and 2P busy-polling ranks computing, to watch in parmon.
 *
 * How it is measured: each experiment runs in a harness child (it gets time to clean up
 * on Ctrl-C and SIGTERM). A job (mpirun with the ranks, or a Python engine) starts once
 * per place; the harness's calibration and repetitions are then commands to it, and the
 * ranks time themselves (cluster_job.c, mpi/cluster_ranks.c). The speedups, fits and
 * tables are made afterwards here, in the lab's own process, from the results. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cluster.h"
#include "fit.h"
#include "work.h"

extern const char py_cluster_tasks[];
extern const char py_cluster_mpi4py[];

const char *const cluster_where_name[W_COUNT] = {"shm", "tcp", "netns", "netns-capped", "hostfile"};

/* Long enough for any sample; a job silent for longer is stuck. */
#define ANSWER_S 120.0
/* Open MPI's start: daemons on every host, then MPI_Init on every rank. */
#define START_S 60.0

/* ---- options, places, plans ------------------------------------------------------------------ */

const char *cluster_hostfile(const struct lab_ctx *ctx)
{
    /* parlab run cluster --hostfile FILE (README.md, "A real cluster") */
    return lab_opt_str(ctx, "hostfile");
}

int cluster_places(const struct lab_ctx *ctx, enum where *out)
{
    int n = 0;
    out[n++] = W_SHM;
    out[n++] = W_TCP;
    if (lab_opt(ctx, "netns") > 0) {
        out[n++] = W_NETNS;
        if (lab_opt(ctx, "cap-mbit") > 0)
            out[n++] = W_CAPPED;
    }
    if (cluster_hostfile(ctx))
        out[n++] = W_HOSTFILE;
    return n;
}

static int nhosts(const struct lab_ctx *ctx)
{
    return (int)lab_opt(ctx, "hosts");
}

/* The shortest sample (seconds) the calibrations aim for: --sample-ms, else quick's or
 * full mode's. Shorter samples time less well; they are for tests of the plumbing. */
static double sample_s(const struct lab_ctx *ctx, double quick, double full)
{
    if (lab_opt_given(ctx, "sample-ms"))
        return lab_opt(ctx, "sample-ms") / 1000;
    return ctx->quick ? quick : full;
}

/* ---- starting the ranks: the mpirun command line, one place at a time --------------------------- */

/* The namespace hosts, made the first time an experiment needs them (then kept until its end). */
static int net_ready(struct lab_ctx *ctx, struct cluster_run *r, char *why, size_t size)
{
    if (!r->net_tried) {
        int slots = r->usable / nhosts(ctx) > 0 ? r->usable / nhosts(ctx) : 1;
        r->net_tried = 1;
        if (nsnet_up(&r->net, nhosts(ctx), slots, r->dir, r->no_net, sizeof(r->no_net)) == 0) {
            char names[128] = "";
            for (int i = 0; i < r->net.n; i++)
                snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", i ? " " : "",
                         r->net.host[i].name);
            results_meta(ctx->res, "netns_hosts", "%s", names);
            results_meta(ctx->res, "netns_subnet", "%s", CLUSTER_SUBNET);
            results_meta(ctx->res, "netem_available", "%d", r->net.netem);
            if (!r->net.netem)
                harness_note(ctx, "  note: tc netem is not available on this kernel: no delay is modelled, "
                                  "only the bandwidth cap (tbf)");
        }
    }
    if (r->no_net[0]) {
        snprintf(why, size, "%s", r->no_net);
        return -1;
    }
    return 0;
}

/* Start `ranks` ranks of prog at place w (yield: -1 Open MPI's default, 0 spin, 1 yield
 * when idle), and check they are all up: each rank says its host's name. */
/* Append the strings (up to a NULL) to argv. */
static void add(const char **argv, int *n, ...)
{
    va_list ap;
    const char *a;
    va_start(ap, n);
    while ((a = va_arg(ap, const char *)))
        argv[(*n)++] = a;
    va_end(ap);
}

static int start_ranks(struct lab_ctx *ctx, struct cluster_run *r, struct job *j, enum where w,
                       int ranks, int yield, const char *const *prog, char *why, size_t size)
{
    static int seq;
    const char *argv[64];
    char nbuf[16], log[PATH_MAX + 96], name[96], reply[4096], names[64][64];
    int n = 0, slots = r->usable, got;
    pid_t ns = 0;
    if (r->no_mpi) {
        snprintf(why, size, "%s", r->no_mpi);
        return -1;
    }
    if (w == W_NETNS || w == W_CAPPED) {
        if (net_ready(ctx, r, why, size) < 0)
            return -1;
        ns = r->net.host[0].pid;
        slots = r->net.n * (r->usable / r->net.n > 0 ? r->usable / r->net.n : 1);
    }
    snprintf(nbuf, sizeof(nbuf), "%d", ranks);
    add(argv, &n, r->mpirun, "-n", nbuf, NULL);
    /* ranks that share cores must not be pinned to the same one */
    add(argv, &n, "--bind-to", "none", NULL);
    /* More ranks than CPUs: allowed, and a waiting rank yields its core instead of
     * spinning through its time slice (the oversubscribe experiment shows why). mpirun
     * does that by itself on one host, but not for the ranks it starts on other hosts:
     * said explicitly, unless an experiment sets it. */
    if (ranks > slots) {
        add(argv, &n, "--oversubscribe", NULL);
        if (yield < 0)
            yield = 1;
    }
    if (yield >= 0)
        add(argv, &n, "--mca", "mpi_yield_when_idle", yield ? "1" : "0", NULL);
    add(argv, &n, "--mca", "btl_base_warn_component_unused", "0", NULL);
    switch (w) {
    case W_SHM: /* shared memory between the ranks; mpirun's own traffic on loopback */
        add(argv, &n, "--mca", "btl", "self,vader", NULL);
        add(argv, &n, "--mca", "oob_tcp_if_include", "lo", NULL);
        break;
    case W_TCP: /* no shared memory: every message through the loopback interface */
        add(argv, &n, "--mca", "btl", "self,tcp", NULL);
        add(argv, &n, "--mca", "btl_tcp_if_include", "lo", NULL);
        add(argv, &n, "--mca", "oob_tcp_if_include", "lo", NULL);
        break;
    case W_NETNS:
    case W_CAPPED: /* the hosts: the launcher instead of ssh, traffic on their subnet only;
                    * ranks dealt round-robin over the hosts, so neighbours are on others */
        add(argv, &n, "--hostfile", r->net.hostfile, NULL);
        add(argv, &n, "--map-by", "node", NULL);
        add(argv, &n, "--mca", "plm_rsh_agent", r->net.rsh, NULL);
        add(argv, &n, "--mca", "btl", "self,vader,tcp", NULL);
        add(argv, &n, "--mca", "btl_tcp_if_include", CLUSTER_SUBNET, NULL);
        add(argv, &n, "--mca", "oob_tcp_if_include", CLUSTER_SUBNET, NULL);
        break;
    case W_HOSTFILE: /* a real cluster: ssh, and the interfaces set by OMPI_MCA_* if needed */
        add(argv, &n, "--hostfile", cluster_hostfile(ctx), NULL);
        add(argv, &n, "--map-by", "node", NULL);
        break;
    default:
        break;
    }
    for (int i = 0; prog[i] && n < 62; i++)
        argv[n++] = prog[i];
    argv[n] = NULL;
    snprintf(name, sizeof(name), "the %s job (%d ranks)", cluster_where_name[w], ranks);
    snprintf(log, sizeof(log), "%s/mpirun-%d-%s.log", r->dir, ++seq, cluster_where_name[w]);
    if (job_start(j, name, argv, ns, log, why, size) < 0)
        return -1;
    /* mpi4py.futures's ranks serve the pool, not our commands: the engine says later */
    if (!strcmp(prog[0], "/usr/bin/python3") && !strcmp(prog[1], "-m"))
        return 0;
    if (job_ask(j, START_S, reply, sizeof(reply), "hosts") < 0) {
        snprintf(why, size, "%s did not start: %.600s", name, reply);
        job_stop(j);
        return -1;
    }
    got = cluster_parse_hosts(reply, names, 64);
    if (got != ranks) {
        snprintf(why, size, "%s: %d ranks answered, %d expected", name, got, ranks);
        job_stop(j);
        return -1;
    }
    /* where each rank ran, by its own hostname: the namespace hosts say node1, node2 */
    {
        static const char *const cols[] = {"experiment", "place", "rank", "host"};
        int t = results_table(ctx->res, "hosts", cols, 4);
        char key[96], list[512] = "";
        for (int i = 0; i < got; i++) {
            char rk[16];
            const char *f[4] = {ctx->exp->name, cluster_where_name[w], rk, names[i]};
            snprintf(rk, sizeof(rk), "%d", i);
            results_table_row(ctx->res, t, f);
            snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%.63s", i ? " " : "", names[i]);
        }
        snprintf(key, sizeof(key), "hosts_%s_%s", ctx->exp->name, cluster_where_name[w]);
        results_meta(ctx->res, key, "%s", list);
    }
    return 0;
}

/* ... of bin/cluster-ranks, the lab's MPI program */
static int start_cluster_ranks(struct lab_ctx *ctx, struct cluster_run *r, struct job *j, enum where w,
                               int ranks, int yield, char *why, size_t size)
{
    const char *prog[2] = {r->ranks, NULL};
    return start_ranks(ctx, r, j, w, ranks, yield, prog, why, size);
}

/* ---- a sample is a command to the job ------------------------------------------------------------- */

/* The harness's calibration and repetitions, each sample one command: "PREFIX COUNT".
 * The ranks say the CPU they used within the timed part (a rank waiting for the next
 * command, or mpirun passing our pipe on, is not the work): cpu adds it up, and the
 * harness takes the difference around each sample. */
struct jw {
    struct job *job;
    char prefix[160];
    double cpu;
};

static double jw_timed(void *arg, uint64_t count)
{
    struct jw *w = arg;
    char why[800];
    double c = NAN, s = job_seconds(w->job, ANSWER_S, &c, why, sizeof(why), "%s %llu", w->prefix,
                                    (unsigned long long)count);
    if (isnan(s))
        die("%s", why);
    w->cpu += isnan(c) ? 0 : c;
    return s > 0 ? s : 1e-9;
}

static double jw_cpu(void *arg)
{
    return ((struct jw *)arg)->cpu;
}

static struct harness_work job_work(struct jw *w)
{
    return (struct harness_work){.timed = jw_timed, .arg = w, .live_cpu = jw_cpu};
}

/* A sample's seconds, as the job measured them, and the CPU its ranks (or its tree) used
 * meanwhile (NAN: unknown). */
static void record(struct lab_ctx *ctx, const struct point *pt, int rep, double sec, double cpu)
{
    if (rep <= 0 || !(sec > 0))
        return;
    results_add(ctx->res, pt, rep, "seconds", sec, "s");
    if (!isnan(cpu))
        results_add(ctx->res, pt, rep, "cpu_cores", cpu / sec, "cores");
}

static void skip_all(struct lab_ctx *ctx, const struct point *pts, int n, const char *why)
{
    for (int i = 0; i < n; i++)
        harness_skip(ctx, &pts[i], "%s", why);
}

/* =================================================================================================
 * pingpong: what one message costs, by size and by place
 * =================================================================================================
 * The OSU micro-benchmarks' method. Latency: rank 0 sends BYTES, rank 1 sends them back,
 * many times after a warm-up; half the round trip is the one-way latency. Bandwidth:
 * rank 0 keeps a window of sends in flight and rank 1 acknowledges each window, so the
 * link, not the round trip, sets the pace. Small messages measure the fixed cost (the
 * software, the interrupts, the wire's delay); big ones the bandwidth. */

static const long lat_full[] = {1, 8, 64, 512, 4096, 32768, 262144, 1048576, 4194304};
static const long lat_quick[] = {8, 65536, 1048576};
static const long bw_full[] = {4096, 32768, 262144, 1048576, 4194304};
static const long bw_quick[] = {65536, 1048576};
static const long py_full[] = {8, 512, 32768, 1048576};
static const long py_quick[] = {8, 1048576};
static const char *const py_ways[] = {"mpi4py-buffers", "mpi4py-pickle"};

static int sizes(const struct lab_ctx *ctx, const long *full, int nfull, const long *quick, int nquick,
                 long *out)
{
    const long *s = ctx->quick ? quick : full;
    int n = ctx->quick ? nquick : nfull, k = 0;
    long max = (long)lab_opt(ctx, "max-bytes");
    for (int i = 0; i < n; i++)
        if (s[i] <= max)
            out[k++] = s[i];
    return k;
}
#define SIZES(ctx, name, out) sizes(ctx, name##_full, (int)ARRAY_SIZE(name##_full), name##_quick, \
                                    (int)ARRAY_SIZE(name##_quick), out)

/* osu_bw keeps 64 messages in flight; for big ones fewer do (about 4 MiB in flight, at
 * least 2 messages: 34 ms a window on a gigabit link, 16 times its token bucket's burst,
 * so the cap, not the burst, sets the pace). */
static int window_for(long bytes)
{
    long w = (4L << 20) / (bytes > 0 ? bytes : 1);
    return (int)(w < 2 ? 2 : w > 64 ? 64 : w);
}

/* Where the calibration's doubling starts: the count that one probe of 2 iterations says
 * lasts a quarter of min_s. The count is then found in a few commands, not twenty (each
 * is a trip through mpirun's pipes and a wake-up of every rank). A probe slowed down by
 * anything (a warm-up, another program) only makes the start lower; one that was lucky
 * (the ranks held a CPU each, then lost them) has a margin of 4. Not for the oversubscribed
 * allreduce: there a lucky probe is 1000 times too fast. */
static uint64_t calib_lo(const struct harness_work *hw, double min_s)
{
    double per = harness_time(hw, 2) / 2, lo = per > 0 ? min_s / 4 / per : 1;
    return lo > 1 ? (uint64_t)fmin(lo, 1u << 20) : 1;
}

static int pingpong_points(const struct lab_ctx *ctx)
{
    enum where pl[W_COUNT];
    long s[16];
    int np = cluster_places(ctx, pl);
    return np * (SIZES(ctx, lat, s) + SIZES(ctx, bw, s)) + 2 * SIZES(ctx, py, s);
}

static struct point pp_point(const struct lab_ctx *ctx, const char *variant, long bytes, char *param,
                             size_t size)
{
    if (!strcmp(variant, cluster_where_name[W_CAPPED])) /* the cap is a setting of the point */
        snprintf(param, size, "bytes=%ld;cap_mbit=%g", bytes, lab_opt(ctx, "cap-mbit"));
    else
        snprintf(param, size, "bytes=%ld", bytes);
    /* both ranks spin while they wait: two CPUs' worth when there are two */
    return (struct point){"pingpong", variant, 2, param, harness_cores_for(ctx, 2)};
}

/* Where the job's ranks run, asked again at every repetition: how many hostnames they
 * report (the namespace hosts: one a host, though all run on this machine). */
static void count_hosts(struct lab_ctx *ctx, struct job *j, const struct point *pt)
{
    for (int rep = 1; rep <= ctx->reps && !harness_interrupted(); rep++) {
        char reply[4096], names[64][64];
        int n;
        if (job_ask(j, ANSWER_S, reply, sizeof(reply), "hosts") < 0)
            die("%s", reply);
        n = cluster_parse_hosts(reply, names, 64);
        results_add(ctx->res, pt, rep, "hosts", cluster_distinct(names, n > 0 ? n : 0), "hosts");
    }
}

static void pp_measure_place(struct lab_ctx *ctx, struct job *j, const char *variant, double min_s)
{
    long lat[16], bw[16];
    int nl = SIZES(ctx, lat, lat), nb = SIZES(ctx, bw, bw);
    for (int i = 0; i < nl && !harness_interrupted(); i++) {
        char param[64];
        struct point pt = pp_point(ctx, variant, lat[i], param, sizeof(param));
        struct jw w = {.job = j};
        struct harness_work hw = job_work(&w);
        uint64_t iters;
        snprintf(w.prefix, sizeof(w.prefix), "ping %ld", lat[i]);
        harness_point(ctx, &pt);
        iters = harness_calibrate(&hw, min_s, calib_lo(&hw, min_s), 1u << 22);
        /* microseconds one way: half of each round trip */
        harness_sample(ctx, &pt, &hw, iters, "latency_us", "us", 1e6 / 2);
        if (i == 0)
            count_hosts(ctx, j, &pt);
    }
    for (int i = 0; i < nb && !harness_interrupted(); i++) {
        char param[64];
        struct point pt = pp_point(ctx, variant, bw[i], param, sizeof(param));
        struct jw w = {.job = j};
        struct harness_work hw = job_work(&w);
        int win = window_for(bw[i]);
        uint64_t iters;
        snprintf(w.prefix, sizeof(w.prefix), "bw %ld %d", bw[i], win);
        harness_point(ctx, &pt);
        iters = harness_calibrate(&hw, min_s, calib_lo(&hw, min_s), 1u << 20);
        for (int rep; harness_next_rep(ctx, &rep);) {
            double c0 = w.cpu, t = harness_time(&hw, iters), c1 = w.cpu;
            if (rep == 0)
                continue;
            results_add(ctx->res, &pt, rep, "bandwidth_mb_s", (double)bw[i] * win * (double)iters / t / 1e6, "MB/s");
            results_add(ctx->res, &pt, rep, "cpu_cores", (c1 - c0) / t, "cores");
        }
    }
}

static void pp_skip_place(struct lab_ctx *ctx, const char *variant, const char *why)
{
    long lat[16], bw[16];
    int nl = SIZES(ctx, lat, lat), nb = SIZES(ctx, bw, bw);
    for (int i = 0; i < nl + nb; i++) {
        char param[64];
        struct point pt = pp_point(ctx, variant, i < nl ? lat[i] : bw[i - nl], param, sizeof(param));
        harness_skip(ctx, &pt, "%s", why);
    }
}

static int pingpong_child(struct lab_ctx *ctx, void *arg)
{
    struct cluster_run r;
    enum where pl[W_COUNT];
    int np = cluster_places(ctx, pl);
    double min_s = sample_s(ctx, 0.004, 0.02); /* a sample: long enough to time well */
    struct job j = {.pid = -1}, net = {.pid = -1};
    char why[800];
    (void)arg;
    cluster_run_open(&r, ctx);
    for (int k = 0; k < np && !harness_interrupted(); k++) {
        enum where w = pl[k];
        struct job *use = &j;
        if (w == W_CAPPED) { /* the netns job again, its links capped */
            use = &net;
            if (net.pid <= 0) {
                pp_skip_place(ctx, cluster_where_name[w], r.no_net[0] ? r.no_net : "the netns job did not start");
                continue;
            }
            if (nsnet_cap(&r.net, (int)lab_opt(ctx, "cap-mbit"), why, sizeof(why)) < 0) {
                pp_skip_place(ctx, cluster_where_name[w], why);
                continue;
            }
        } else {
            if (w == W_NETNS)
                use = &net;
            if (start_cluster_ranks(ctx, &r, use, w, 2, -1, why, sizeof(why)) < 0) {
                pp_skip_place(ctx, cluster_where_name[w], why);
                continue;
            }
        }
        pp_measure_place(ctx, use, cluster_where_name[w], min_s);
        if (use == &j)
            job_stop(&j);
    }
    job_stop(&net);
    if (r.net.cap_mbit)
        nsnet_cap(&r.net, 0, why, sizeof(why));

    /* mpi4py on shared memory: the same ping-pong from Python, with buffers and pickled */
    if (!harness_interrupted()) {
        long s[16];
        int ns = SIZES(ctx, py, s);
        const char *prog[] = {"/usr/bin/python3", cluster_file(&r, "cluster_mpi4py.py", py_cluster_mpi4py),
                              "--serve", NULL};
        int up = r.no_python ? (snprintf(why, sizeof(why), "%s", r.no_python), -1)
                             : start_ranks(ctx, &r, &j, W_SHM, 2, -1, prog, why, sizeof(why));
        for (int v = 0; v < 2 && !harness_interrupted(); v++)
            for (int i = 0; i < ns && !harness_interrupted(); i++) {
                char param[64];
                struct point pt = pp_point(ctx, py_ways[v], s[i], param, sizeof(param));
                struct jw w = {.job = &j};
                struct harness_work hw = job_work(&w);
                uint64_t iters;
                if (up < 0) {
                    harness_skip(ctx, &pt, "%s", why);
                    continue;
                }
                snprintf(w.prefix, sizeof(w.prefix), "ping %s %ld", v ? "pickle" : "buffers", s[i]);
                harness_point(ctx, &pt);
                iters = harness_calibrate(&hw, min_s, calib_lo(&hw, min_s), 1u << 20);
                harness_sample(ctx, &pt, &hw, iters, "latency_us", "us", 1e6 / 2);
            }
        job_stop(&j);
    }
    cluster_run_close(&r);
    return harness_interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
}

static int pingpong(struct lab_ctx *ctx)
{
    enum where pl[W_COUNT];
    long lat[16], bw[16], py[16];
    int np = cluster_places(ctx, pl), nl = SIZES(ctx, lat, lat), nb = SIZES(ctx, bw, bw);
    int npy = SIZES(ctx, py, py);
    int rc = harness_child(ctx, pingpong_child, NULL, NULL, NULL);
    if (rc != EXIT_OK)
        return rc;
    printf("\n%-14s %9s %12s %12s   (latency: one way, half a round trip; bandwidth: a window in flight)\n",
           "place", "bytes", "latency us", "MB/s");
    for (int k = 0; k < np + 2; k++) {
        const char *v = k < np ? cluster_where_name[pl[k]] : py_ways[k - np];
        const long *ls = k < np ? lat : py;
        int n = k < np ? nl : npy;
        for (int i = 0; i < n; i++) {
            char param[64];
            struct point pt = pp_point(ctx, v, ls[i], param, sizeof(param));
            double l = results_median(ctx->res, &pt, "latency_us");
            if (!isnan(l))
                printf("%-14s %9ld %12.3f %12s\n", v, ls[i], l, "");
        }
        for (int i = 0; i < nb && k < np; i++) {
            char param[64];
            struct point pt = pp_point(ctx, v, bw[i], param, sizeof(param));
            double b = results_median(ctx->res, &pt, "bandwidth_mb_s");
            if (!isnan(b))
                printf("%-14s %9ld %12s %12.1f\n", v, bw[i], "", b);
        }
    }
    if (lab_opt(ctx, "cap-mbit") > 0 && lab_opt(ctx, "netns") > 0)
        printf("(the cap: %g Mbit/s = %.1f MB/s)\n", lab_opt(ctx, "cap-mbit"), lab_opt(ctx, "cap-mbit") / 8);
    return EXIT_OK;
}

/* =================================================================================================
 * amdahl: the amdahl lab's job over MPI ranks
 * =================================================================================================
 * HPC Carpentry's amdahl program, in C: each step rank 0 does the serial part, broadcasts
 * its result, every rank does its share of the parallel part, and a reduction gathers
 * the shares. spin: the work is CPU work (LCG steps, the unit every lab uses), so the
 * speedup stops at the usable CPUs; sleep: the work is waiting, so 8 ranks run on 2 CPUs
 * as they would on 8 and the curve bends towards Amdahl's ceiling 1/s. Beside them the
 * spin job on threads, in one process: same work, no messages. */

#define AMDAHL_STEPS 4
/* The sleep form's job is this many times --seconds: waits cost no CPU, and 8 ranks that
 * share 2 CPUs still pay their broadcast and reduction a step (the waiting ranks poll):
 * a longer step keeps that cost a small part of it, in quick mode too. */
#define SLEEP_X 2

static int spin_counts(const struct lab_ctx *ctx, int **out)
{
    return harness_workers_with_one(ctx, out); /* 1..usable, then 2x usable */
}

static int sleep_counts(const struct lab_ctx *ctx, int **out)
{
    static const int full[] = {1, 2, 3, 4, 5, 6, 7, 8}, quick[] = {1, 2, 4, 8};
    return harness_workers_or(ctx, full, (int)ARRAY_SIZE(full), quick, (int)ARRAY_SIZE(quick), out);
}

static const char *const amdahl_variants[] = {"mpi-spin", "threads-spin", "mpi-sleep"};

static int amdahl_points(const struct lab_ctx *ctx)
{
    int *a, *b, na = spin_counts(ctx, &a), nb = sleep_counts(ctx, &b);
    free(a), free(b);
    return 2 * na + nb;
}

static void amdahl_series(const struct lab_ctx *ctx, int v, struct point *pts, const int *w, int n,
                          char *param, size_t size)
{
    double s = lab_opt(ctx, "serial");
    snprintf(param, size, "serial=%.2f", s);
    for (int i = 0; i < n; i++)
        pts[i] = (struct point){"amdahl", amdahl_variants[v], w[i], param,
                                v == 2 ? 0 : amdahl_speedup(s, harness_cores_for(ctx, w[i]))};
}

/* The same job on threads: a team of p, a barrier where MPI has its broadcast and its
 * reduction. */
struct team {
    pthread_barrier_t bar;
    uint64_t serial, parallel;
    int p;
    struct slot {
        uint64_t v;
        char pad[56];
    } out[64];
};

struct member {
    struct team *t;
    int id;
};

static void *member_run(void *arg)
{
    struct member *m = arg;
    struct team *t = m->t;
    uint64_t x = 42;
    for (int s = 0; s < AMDAHL_STEPS; s++) {
        if (m->id == 0)
            x = burn(t->serial, x);
        pthread_barrier_wait(&t->bar); /* MPI_Bcast */
        x = burn(share(t->parallel, t->p, m->id), x + (uint64_t)m->id);
        pthread_barrier_wait(&t->bar); /* MPI_Reduce */
    }
    t->out[m->id].v = x;
    return NULL;
}

static void threads_job(struct team *t)
{
    pthread_t tid[64];
    struct member m[64];
    pthread_barrier_init(&t->bar, NULL, (unsigned)t->p);
    for (int i = 0; i < t->p; i++)
        m[i] = (struct member){t, i};
    for (int i = 1; i < t->p; i++)
        if (pthread_create(&tid[i], NULL, member_run, &m[i]) != 0)
            die("cannot create thread %d of %d", i, t->p);
    member_run(&m[0]);
    for (int i = 1; i < t->p; i++)
        pthread_join(tid[i], NULL);
    pthread_barrier_destroy(&t->bar);
}

static void calib(void *arg, uint64_t n)
{
    *(uint64_t *)arg = burn(opaque(n), 7);
}

static int amdahl_child(struct lab_ctx *ctx, void *arg)
{
    struct cluster_run r;
    struct job j = {.pid = -1};
    int *sw, *lw, nsw = spin_counts(ctx, &sw), nlw = sleep_counts(ctx, &lw), maxr = 1;
    double s = lab_opt(ctx, "serial"), T = lab_opt(ctx, "seconds");
    uint64_t sink = 0, units;
    struct harness_work cw = {.run = calib, .arg = &sink};
    char param[32], why[800];
    struct point pts[64];
    (void)arg;
    cluster_run_open(&r, ctx);
    /* how many LCG steps this core does in T seconds: the one-rank job */
    units = (uint64_t)(harness_rate(&cw, 0.02) * T);
    for (int i = 0; i < nsw; i++)
        maxr = sw[i] > maxr ? sw[i] : maxr;
    for (int i = 0; i < nlw; i++)
        maxr = lw[i] > maxr ? lw[i] : maxr;

    for (int v = 0; v < 3 && !harness_interrupted(); v++) {
        const int *w = v == 2 ? lw : sw;
        int n = v == 2 ? nlw : nsw;
        struct team team;
        amdahl_series(ctx, v, pts, w, n, param, sizeof(param));
        if (v != 1 && j.pid <= 0 &&
            start_cluster_ranks(ctx, &r, &j, W_SHM, maxr, -1, why, sizeof(why)) < 0) {
            skip_all(ctx, pts, n, why);
            continue;
        }
        harness_series(ctx, pts, n);
        for (int rep; harness_next_rep(ctx, &rep);)
            for (int k = 0; k < n; k++) {
                int i = harness_series_order(rep, k, n);
                struct harness_clock c;
                harness_clock_start(ctx, &c, &pts[i]);
                if (v == 1) { /* threads: in this process, timed by the harness's clock */
                    team.p = w[i];
                    team.serial = (uint64_t)(s * (double)units) / AMDAHL_STEPS;
                    team.parallel = (uint64_t)((1 - s) * (double)units) / AMDAHL_STEPS;
                    threads_job(&team);
                    harness_clock_stop(ctx, &pts[i], rep, &c, 0);
                } else { /* ranks: timed by rank 0, from a barrier to the last reduction */
                    double cpu, sec;
                    if (v == 0)
                        sec = job_seconds(&j, ANSWER_S, &cpu, why, sizeof(why), "amdahl spin %d %llu %llu %d", w[i],
                                          (unsigned long long)(s * (double)units) / AMDAHL_STEPS,
                                          (unsigned long long)((1 - s) * (double)units) / AMDAHL_STEPS,
                                          AMDAHL_STEPS);
                    else
                        sec = job_seconds(&j, ANSWER_S, &cpu, why, sizeof(why), "amdahl sleep %d %.0f %.0f %d", w[i],
                                          s * SLEEP_X * T * 1e9 / AMDAHL_STEPS,
                                          (1 - s) * SLEEP_X * T * 1e9 / AMDAHL_STEPS,
                                          AMDAHL_STEPS);
                    if (isnan(sec))
                        die("%s", why);
                    record(ctx, &pts[i], rep, sec, cpu);
                }
            }
    }
    job_stop(&j);
    cluster_run_close(&r);
    free(sw), free(lw);
    keep(sink);
    return harness_interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
}

static int amdahl(struct lab_ctx *ctx)
{
    int *sw, *lw, nsw = spin_counts(ctx, &sw), nlw = sleep_counts(ctx, &lw);
    double s = lab_opt(ctx, "serial");
    int rc = harness_child(ctx, amdahl_child, NULL, NULL, NULL);
    struct point pts[64];
    char param[32];
    if (rc != EXIT_OK) {
        free(sw), free(lw);
        return rc;
    }
    printf("\n%-13s %6s  %9s %9s %9s %7s\n", "variant", "ranks", "seconds", "speedup", "Amdahl", "cores");
    for (int v = 0; v < 3; v++) {
        const int *w = v == 2 ? lw : sw;
        int n = v == 2 ? nlw : nsw, fitn = 0;
        double fp[64], ft[64];
        struct amdahl_fit af;
        amdahl_series(ctx, v, pts, w, n, param, sizeof(param));
        if (isnan(results_median(ctx->res, &pts[0], "seconds")))
            continue; /* skipped */
        harness_speedup(ctx, pts, n);
        for (int i = 0; i < n; i++) {
            double t = results_median(ctx->res, &pts[i], "seconds");
            /* spin: Amdahl describes p workers on p cores; sleep: any p */
            double pred = amdahl_speedup(s, v == 2 ? w[i] : harness_cores_for(ctx, w[i]));
            printf("%-13s %5d%s  %9.4f %8.2fx %8.2fx %7.2f\n", amdahl_variants[v], w[i],
                   v != 2 && harness_oversubscribed(ctx, w[i]) ? "*" : " ", t,
                   results_median(ctx->res, &pts[i], "speedup"), pred,
                   results_median(ctx->res, &pts[i], "cpu_cores"));
            if (!isnan(t) && (v == 2 || !harness_oversubscribed(ctx, w[i])))
                fp[fitn] = w[i], ft[fitn++] = t;
        }
        if (fit_amdahl_times(fp, ft, fitn, &af) == 0) {
            struct point fpt = {"amdahl", amdahl_variants[v], 0, param, 0};
            results_add_fit(ctx->res, &fpt, "amdahl_serial_fraction", af.serial, "fraction", fitn);
            printf("%-13s fitted s = %.3f (built in: %.2f)\n", "", af.serial, s);
        }
    }
    free(sw), free(lw);
    return EXIT_OK;
}

/* =================================================================================================
 * halo: computation against communication, place by place
 * =================================================================================================
 * Every step each rank works, then swaps a halo of --halo-kib with both neighbours on a
 * ring (a 1-D domain decomposition). The work is a wait (the sleep form), so 8 ranks fit
 * on 2 CPUs and what bends the curve is the communication alone. Strong scaling: the
 * step's work (grain) is split over the ranks; weak: every rank does a whole grain. The
 * smaller the grain, the larger the exchange's share: shared memory shrugs, a capped link
 * does not. The USL's contention (sigma) and coherency (kappa) are fitted over the ranks. */

static const double grain_full[] = {100, 1000, 10000}, grain_quick[] = {200, 2000};

static int halo_counts(const struct lab_ctx *ctx, int **out)
{
    static const int full[] = {1, 2, 4, 8}, quick[] = {1, 2, 4};
    return harness_workers_or(ctx, full, (int)ARRAY_SIZE(full), quick, (int)ARRAY_SIZE(quick), out);
}

static int halo_grains(const struct lab_ctx *ctx, const double **g)
{
    *g = ctx->quick ? grain_quick : grain_full;
    return ctx->quick ? (int)ARRAY_SIZE(grain_quick) : (int)ARRAY_SIZE(grain_full);
}

static int halo_scalings(const struct lab_ctx *ctx)
{
    return ctx->quick ? 1 : 2; /* strong; and weak in full mode */
}

static int halo_points(const struct lab_ctx *ctx)
{
    enum where pl[W_COUNT];
    const double *g;
    int *w, nw = halo_counts(ctx, &w);
    free(w);
    return cluster_places(ctx, pl) * halo_grains(ctx, &g) * halo_scalings(ctx) * nw;
}

static void halo_series(const struct lab_ctx *ctx, enum where place, double grain, int weak,
                        struct point *pts, const int *w, int n, char *param, size_t size)
{
    snprintf(param, size, "grain_us=%g;kib=%g;scaling=%s", grain, lab_opt(ctx, "halo-kib"),
             weak ? "weak" : "strong");
    for (int i = 0; i < n; i++)
        pts[i] = (struct point){"halo", cluster_where_name[place], w[i], param, 0}; /* they wait */
}

static int halo_child(struct lab_ctx *ctx, void *arg)
{
    struct cluster_run r;
    enum where pl[W_COUNT];
    const double *g;
    int np = cluster_places(ctx, pl), ng = halo_grains(ctx, &g), *w, nw = halo_counts(ctx, &w), maxr = 1;
    long bytes = (long)(lab_opt(ctx, "halo-kib") * 1024);
    double target = sample_s(ctx, 0.01, 0.05); /* one rank's sample, seconds */
    struct job j = {.pid = -1};
    struct point pts[64];
    char param[96], why[800];
    (void)arg;
    cluster_run_open(&r, ctx);
    for (int i = 0; i < nw; i++)
        maxr = w[i] > maxr ? w[i] : maxr;
    for (int k = 0; k < np && !harness_interrupted(); k++) {
        enum where place = pl[k];
        int up = 0;
        why[0] = '\0';
        if (place == W_CAPPED) { /* the netns job, capped */
            up = j.pid > 0 ? nsnet_cap(&r.net, (int)lab_opt(ctx, "cap-mbit"), why, sizeof(why))
                           : (snprintf(why, sizeof(why), "%s", r.no_net[0] ? r.no_net : "the netns job did not start"), -1);
        } else {
            job_stop(&j);
            up = start_cluster_ranks(ctx, &r, &j, place, maxr, -1, why, sizeof(why));
        }
        for (int gi = 0; gi < ng; gi++)
            for (int weak = 0; weak < halo_scalings(ctx); weak++) {
                long long steps = (long long)ceil(target / (g[gi] * 1e-6));
                halo_series(ctx, place, g[gi], weak, pts, w, nw, param, sizeof(param));
                if (up < 0 || harness_interrupted()) {
                    skip_all(ctx, pts, nw, why[0] ? why : "interrupted");
                    continue;
                }
                steps = steps < 4 ? 4 : steps;
                harness_series(ctx, pts, nw);
                for (int rep; harness_next_rep(ctx, &rep);)
                    for (int kk = 0; kk < nw; kk++) {
                        int i = harness_series_order(rep, kk, nw);
                        double ns = g[gi] * 1e3 / (weak ? 1 : w[i]), cpu, sec;
                        struct harness_clock c;
                        harness_clock_start(ctx, &c, &pts[i]);
                        sec = job_seconds(&j, ANSWER_S, &cpu, why, sizeof(why), "halo sleep %d %.0f %ld %lld", w[i], ns,
                                          bytes, steps);
                        if (isnan(sec))
                            die("%s", why);
                        record(ctx, &pts[i], rep, sec, cpu);
                    }
            }
    }
    job_stop(&j);
    cluster_run_close(&r);
    free(w);
    return harness_interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
}

static int halo(struct lab_ctx *ctx)
{
    enum where pl[W_COUNT];
    const double *g;
    int np = cluster_places(ctx, pl), ng = halo_grains(ctx, &g), *w, nw = halo_counts(ctx, &w);
    int rc = harness_child(ctx, halo_child, NULL, NULL, NULL), top = w[nw - 1];
    struct point pts[64];
    char param[96];
    if (rc != EXIT_OK) {
        free(w);
        return rc;
    }
    printf("\n%-13s %9s %-7s  efficiency by ranks (", "place", "grain us", "scaling");
    for (int i = 0; i < nw; i++)
        printf("%s%d", i ? ", " : "", w[i]);
    printf(")%22s\n", "USL sigma, kappa");
    for (int k = 0; k < np; k++)
        for (int gi = 0; gi < ng; gi++)
            for (int weak = 0; weak < halo_scalings(ctx); weak++) {
                double x[64], p[64];
                int nx = 0;
                struct usl_fit uf;
                halo_series(ctx, pl[k], g[gi], weak, pts, w, nw, param, sizeof(param));
                if (isnan(results_median(ctx->res, &pts[0], "seconds")))
                    continue;
                if (weak) { /* every rank did a whole grain: efficiency = T1 / Tp */
                    for (int i = 0; i < nw; i++)
                        for (int rep = 1; rep <= ctx->reps; rep++) {
                            double t1 = results_value_at(ctx->res, &pts[0], "seconds", rep);
                            double tp = results_value_at(ctx->res, &pts[i], "seconds", rep);
                            if (isnan(t1) || isnan(tp) || tp <= 0)
                                continue;
                            results_add(ctx->res, &pts[i], rep, "efficiency", t1 / tp, "fraction");
                            results_add(ctx->res, &pts[i], rep, "scaled_speedup", w[i] * t1 / tp, "x");
                        }
                } else {
                    harness_speedup(ctx, pts, nw);
                }
                printf("%-13s %9g %-7s ", cluster_where_name[pl[k]], g[gi], weak ? "weak" : "strong");
                for (int i = 0; i < nw; i++) {
                    double e = results_median(ctx->res, &pts[i], "efficiency");
                    double t = results_median(ctx->res, &pts[i], "seconds");
                    printf(" %5.2f", e);
                    /* throughput: grains a second (strong: one grain a step; weak: p) */
                    if (!isnan(t) && t > 0)
                        p[nx] = w[i], x[nx++] = (weak ? w[i] : 1) / t;
                }
                if (fit_usl(p, x, nx, &uf) == 0) {
                    struct point fpt = {"halo", cluster_where_name[pl[k]], 0, param, 0};
                    results_add_fit(ctx->res, &fpt, "usl_sigma", uf.sigma, "fraction", nx);
                    results_add_fit(ctx->res, &fpt, "usl_kappa", uf.kappa, "fraction", nx);
                    printf("   %6.3f, %.4f", uf.sigma, uf.kappa);
                }
                putchar('\n');
            }
    printf("(the work is a wait: up to %d ranks on %d CPU%s still measure the communication, not the "
           "CPUs)\n", top, ctx->topo->usable, ctx->topo->usable == 1 ? "" : "s");
    free(w);
    return EXIT_OK;
}

/* =================================================================================================
 * tasks: the same Executor code on one machine and on a cluster
 * =================================================================================================
 * cluster_tasks.py's run_all(ex, n, turns) submits n tasks and waits for them; ex is a
 * ProcessPoolExecutor, a Dask Client, an MPIPoolExecutor. Per engine: the time to start
 * it, the cost of one empty task (n tasks of nothing: wall time / n), and the efficiency
 * of tasks of a few sizes (the plain loop's time for the same tasks, measured in the same
 * repetition, over the engine's time times the workers). From these: the smallest task
 * that runs at 90% efficiency. */

enum engine { E_PPE, E_DASK, E_MPI4PY, E_DASK_HOSTS, E_IPP, E_COUNT };
static const char *const engine_name[E_COUNT] = {"process-pool", "dask-local", "mpi4py", "dask-netns",
                                                 "ipyparallel"};
static const double task_us_full[] = {300, 3000, 30000}, task_us_quick[] = {10000};

static int engines(const struct lab_ctx *ctx, enum engine *out)
{
    int n = 0;
    out[n++] = E_PPE;
    out[n++] = E_DASK;
    out[n++] = E_MPI4PY;
    /* across the namespace hosts: a scheduler and a worker a host (a few seconds to
     * start): in full mode */
    if (!ctx->quick && lab_opt(ctx, "netns") > 0)
        out[n++] = E_DASK_HOSTS;
    out[n++] = E_IPP;
    return n;
}

static int task_sizes(const struct lab_ctx *ctx, const double **s)
{
    *s = ctx->quick ? task_us_quick : task_us_full;
    return ctx->quick ? (int)ARRAY_SIZE(task_us_quick) : (int)ARRAY_SIZE(task_us_full);
}

static int engine_workers(const struct lab_ctx *ctx, enum engine e)
{
    if (e == E_DASK_HOSTS)
        return nhosts(ctx); /* one worker a host */
    return ctx->topo->usable > 0 ? ctx->topo->usable : 1;
}

static int tasks_points(const struct lab_ctx *ctx)
{
    enum engine e[E_COUNT];
    const double *s;
    return engines(ctx, e) * (1 + task_sizes(ctx, &s));
}

static struct point task_point(const struct lab_ctx *ctx, enum engine e, double task_us, char *param, size_t size)
{
    int w = engine_workers(ctx, e);
    snprintf(param, size, "task_us=%g", task_us);
    /* empty tasks: the engine's own work, not judged; real tasks want w CPUs */
    return (struct point){"tasks", engine_name[e], w, param, task_us > 0 ? harness_cores_for(ctx, w) : 0};
}

/* Start engine e's server (and for mpi4py, its ranks); then "start" it. */
static int start_engine(struct lab_ctx *ctx, struct cluster_run *r, struct job *j, enum engine e,
                        double *start_s, char *why, size_t size)
{
    const char *py = cluster_file(r, "cluster_tasks.py", py_cluster_tasks);
    char wbuf[16], log[PATH_MAX + 64], reply[2048];
    int w = engine_workers(ctx, e);
    snprintf(wbuf, sizeof(wbuf), "%d", w);
    if (r->no_python) {
        snprintf(why, size, "%s", r->no_python);
        return -1;
    }
    if (e == E_MPI4PY) { /* rank 0 submits, the other w ranks are the pool's workers */
        const char *prog[] = {"/usr/bin/python3", "-m", "mpi4py.futures", py, "--serve", "mpi4py", wbuf, NULL};
        if (start_ranks(ctx, r, j, W_SHM, w + 1, -1, prog, why, size) < 0)
            return -1;
    } else {
        const char *argv[16];
        int n = 0;
        pid_t ns = 0;
        char hosts[CLUSTER_MAX_HOSTS][48];
        add(argv, &n, "/usr/bin/python3", py, "--serve", engine_name[e], wbuf, NULL);
        if (e == E_DASK_HOSTS) {
            argv[n - 2] = "dask-hosts"; /* the engine's own name for it */
            if (net_ready(ctx, r, why, size) < 0)
                return -1;
            ns = r->net.host[0].pid; /* the client and the scheduler on node1 */
            add(argv, &n, r->net.rsh, NULL);
            for (int i = 0; i < r->net.n; i++) {
                snprintf(hosts[i], sizeof(hosts[i]), "%s=%s", r->net.host[i].name, r->net.host[i].addr);
                add(argv, &n, hosts[i], NULL);
            }
        }
        argv[n] = NULL;
        snprintf(log, sizeof(log), "%s/%s.log", r->dir, engine_name[e]);
        if (job_start(j, engine_name[e], argv, ns, log, why, size) < 0)
            return -1;
    }
    {
        double t0 = now_s();
        if (job_ask(j, START_S, reply, sizeof(reply), "start") < 0) {
            snprintf(why, size, "%.700s", reply);
            job_stop(j);
            return -1;
        }
        *start_s = strtod(reply, NULL);
        if (!(*start_s > 0))
            *start_s = now_s() - t0;
    }
    if (job_ask(j, START_S, reply, sizeof(reply), "hosts") == 0) {
        char names[64][64], key[96], list[512] = "";
        int n = cluster_parse_hosts(reply, names, 64);
        for (int i = 0; i < n; i++)
            snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%.63s", i ? " " : "", names[i]);
        snprintf(key, sizeof(key), "hosts_tasks_%s", engine_name[e]);
        results_meta(ctx->res, key, "%s", list);
    }
    return 0;
}

static int tasks_child(struct lab_ctx *ctx, void *arg)
{
    struct cluster_run r;
    enum engine es[E_COUNT];
    const double *sz;
    int ne = engines(ctx, es), ns = task_sizes(ctx, &sz);
    double min_s = sample_s(ctx, 0.02, 0.1), turns_us = 0;
    char why[800], reply[256], param[64];
    (void)arg;
    cluster_run_open(&r, ctx);
    for (int k = 0; k < ne && !harness_interrupted(); k++) {
        enum engine e = es[k];
        int w = engine_workers(ctx, e);
        struct job j = {.pid = -1};
        double start_s = NAN;
        int up = start_engine(ctx, &r, &j, e, &start_s, why, sizeof(why));
        struct point pt = task_point(ctx, e, 0, param, sizeof(param));
        if (up < 0) {
            harness_skip(ctx, &pt, "%s", why);
            for (int i = 0; i < ns; i++) {
                pt = task_point(ctx, e, sz[i], param, sizeof(param));
                harness_skip(ctx, &pt, "%s", why);
            }
            continue;
        }
        if (job_ask(&j, ANSWER_S, reply, sizeof(reply), "turns_per_us") < 0 ||
            !((turns_us = strtod(reply, NULL)) > 0))
            die("%s: %s", engine_name[e], reply);
        /* the empty task: what the engine itself costs, a task */
        {
            struct jw jw = {.job = &j, .prefix = "run 0"};
            struct harness_work hw = job_work(&jw);
            uint64_t n;
            harness_point(ctx, &pt);
            n = harness_calibrate(&hw, min_s, (uint64_t)(4 * w), 1u << 16);
            harness_sample(ctx, &pt, &hw, n, "us_per_task", "us", 1e6);
            results_add(ctx->res, &pt, 1, "start_s", start_s, "s"); /* started once */
        }
        /* tasks of a given size: efficiency against the plain loop, in the same repetition */
        for (int i = 0; i < ns && !harness_interrupted(); i++) {
            long turns = (long)(sz[i] * turns_us);
            /* enough tasks for every worker to get several, about min_s of work a worker
             * (at most 128: small tasks on Dask take milliseconds each whatever their size) */
            long n = (long)ceil(min_s * w / (sz[i] * 1e-6));
            n = n < 4 * w ? 4 * w : n > 128 ? 128 : n;
            pt = task_point(ctx, e, sz[i], param, sizeof(param));
            harness_point(ctx, &pt);
            for (int rep; harness_next_rep(ctx, &rep);) {
                double loop = job_seconds(&j, ANSWER_S, NULL, why, sizeof(why), "loop %ld %ld", turns, n);
                double c0 = job_tree_cpu_s(&j), t;
                t = job_seconds(&j, ANSWER_S, NULL, why, sizeof(why), "run %ld %ld", turns, n);
                if (isnan(loop) || isnan(t))
                    die("%s: %s", engine_name[e], why);
                if (rep == 0)
                    continue;
                record(ctx, &pt, rep, t, job_tree_cpu_s(&j) - c0);
                results_add(ctx->res, &pt, rep, "efficiency", loop / (w * t), "fraction");
                results_add(ctx->res, &pt, rep, "task_us_loop", loop / (double)n * 1e6, "us");
            }
        }
        job_stop(&j);
    }
    cluster_run_close(&r);
    return harness_interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
}

static int tasks(struct lab_ctx *ctx)
{
    enum engine es[E_COUNT];
    const double *sz;
    int ne = engines(ctx, es), ns = task_sizes(ctx, &sz);
    int rc = harness_child(ctx, tasks_child, NULL, NULL, NULL);
    char param[64];
    if (rc != EXIT_OK)
        return rc;
    printf("\n%-13s %7s %8s %12s   efficiency at task sizes (", "engine", "workers", "start s", "us a task");
    for (int i = 0; i < ns; i++)
        printf("%s%g ms", i ? ", " : "", sz[i] / 1000);
    printf(")  90%% from\n");
    for (int k = 0; k < ne; k++) {
        struct point pt = task_point(ctx, es[k], 0, param, sizeof(param));
        double o = results_median(ctx->res, &pt, "us_per_task"), ms[16], eff[16], cross;
        int n = 0;
        if (isnan(o))
            continue;
        printf("%-13s %7d %8.2f %12.1f  ", engine_name[es[k]], pt.workers,
               results_median(ctx->res, &pt, "start_s"), o);
        for (int i = 0; i < ns; i++) {
            struct point p2 = task_point(ctx, es[k], sz[i], param, sizeof(param));
            double e = results_median(ctx->res, &p2, "efficiency");
            printf(" %5.2f", e);
            if (!isnan(e))
                ms[n] = sz[i] / 1000, eff[n++] = e;
        }
        /* the smallest task at 90%: where the measured efficiencies cross 0.9 */
        cross = cluster_crossing(ms, eff, n, 0.9);
        if (!isnan(cross)) {
            struct point fpt = {"tasks", engine_name[es[k]], 0, "", 0};
            results_add_fit(ctx->res, &fpt, "task_ms_90pct", cross, "ms", n);
            printf("   %.3g ms", cross);
        } else if (n && eff[0] >= 0.9) {
            printf("   < %g ms", ms[0]);
        } else if (n) {
            printf("   > %g ms", ms[n - 1]);
        }
        putchar('\n');
    }
    return EXIT_OK;
}

/* =================================================================================================
 * oversubscribe: more busy-polling ranks than cores
 * =================================================================================================
 * A rank waiting for a message spins on the CPU: it answers in a microsecond, and it
 * holds its core. Put twice as many ranks as cores and a rank that could go on waits for
 * the scheduler to take the core from a spinning one: a time slice, milliseconds. Open
 * MPI's mpi_yield_when_idle makes a waiting rank call sched_yield() in its loop, so the
 * others get the core at once (mpirun turns it on by itself when it knows it
 * oversubscribes). An 8-byte allreduce, on P ranks (not oversubscribed) and on 2P. */

static const char *const yield_variants[] = {"spin", "yield"};

static int oversub_points(const struct lab_ctx *ctx)
{
    (void)ctx;
    return 4;
}

static struct point oversub_point(const struct lab_ctx *ctx, int yield, int ranks)
{
    return (struct point){"oversubscribe", yield_variants[yield], ranks, "", harness_cores_for(ctx, ranks)};
}

static int oversub_child(struct lab_ctx *ctx, void *arg)
{
    struct cluster_run r;
    int u = ctx->topo->usable > 0 ? ctx->topo->usable : 1;
    double min_s = sample_s(ctx, 0.02, 0.1);
    char why[800];
    (void)arg;
    cluster_run_open(&r, ctx);
    for (int y = 0; y < 2 && !harness_interrupted(); y++) {
        struct job j = {.pid = -1};
        /* 2P ranks, yield set explicitly: the P-rank point uses P of them (the others wait
         * asleep between commands) */
        int up = start_cluster_ranks(ctx, &r, &j, W_SHM, 2 * u, y, why, sizeof(why));
        for (int k = 0; k < 2 && !harness_interrupted(); k++) {
            int p = k ? 2 * u : u;
            struct point pt = oversub_point(ctx, y, p);
            struct jw jw = {.job = &j};
            struct harness_work hw = job_work(&jw);
            uint64_t n;
            if (up < 0) {
                harness_skip(ctx, &pt, "%s", why);
                continue;
            }
            snprintf(jw.prefix, sizeof(jw.prefix), "allreduce %d", p);
            harness_point(ctx, &pt);
            n = harness_calibrate(&hw, min_s, 1, 1u << 22);
            harness_sample(ctx, &pt, &hw, n, "allreduce_us", "us", 1e6);
        }
        job_stop(&j);
    }
    cluster_run_close(&r);
    return harness_interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
}

static int oversubscribe(struct lab_ctx *ctx)
{
    int u = ctx->topo->usable > 0 ? ctx->topo->usable : 1;
    int rc = harness_child(ctx, oversub_child, NULL, NULL, NULL);
    if (rc != EXIT_OK)
        return rc;
    printf("\n8-byte MPI_Allreduce, microseconds:  %d ranks on %d CPU%s   %d ranks (oversubscribed)\n", u, u,
           u == 1 ? "" : "s", 2 * u);
    for (int y = 0; y < 2; y++) {
        struct point a = oversub_point(ctx, y, u), b = oversub_point(ctx, y, 2 * u);
        printf("  %-33s %14.2f %26.2f\n", y ? "yield when idle" : "spin (yield when idle off)",
               results_median(ctx->res, &a, "allreduce_us"), results_median(ctx->res, &b, "allreduce_us"));
    }
    return EXIT_OK;
}

/* =================================================================================================
 * demo: for a talk, steady phases to watch in parmon (only when named: --experiment demo)
 * =================================================================================================
 * Three phases of --phase-seconds each, on this host over shared memory, each announced as
 * its own point so parmon's lab line names it while the room watches the cores:
 *   one-rank        1 rank computing: one core busy;
 *   all-ranks       P ranks (P: the usable CPUs): every core busy, about P times the work;
 *   oversubscribed  2P ranks on the same P CPUs, busy-polling (yield-when-idle off): every
 *                   core still busy, yet the work a second falls.
 * The work is rounds of about a millisecond of CPU work on every rank, each round ending
 * in an allreduce (the `steady` command of mpi/cluster_ranks.c). Each repetition is a
 * slice of the phase: the ranks run rounds until the slice is over and say how many units
 * they did; units_per_s is that over the seconds they took. */
#define DEMO_ROUND_S 0.001

static const struct {
    const char *variant;
    int per_cpu; /* ranks a usable CPU (0: one rank in all) */
} demo_phases[] = {{"one-rank", 0}, {"all-ranks", 1}, {"oversubscribed", 2}};

static int demo_points(const struct lab_ctx *ctx)
{
    (void)ctx;
    return (int)ARRAY_SIZE(demo_phases);
}

static struct point demo_point(const struct lab_ctx *ctx, size_t k, char *param, size_t size)
{
    int u = ctx->topo->usable > 0 ? ctx->topo->usable : 1;
    int w = demo_phases[k].per_cpu ? demo_phases[k].per_cpu * u : 1;
    snprintf(param, size, "round_us=%.0f", DEMO_ROUND_S * 1e6);
    return (struct point){"demo", demo_phases[k].variant, w, param, harness_cores_for(ctx, w)};
}

static int demo_child(struct lab_ctx *ctx, void *arg)
{
    struct cluster_run r;
    struct job j = {.pid = -1};
    double slice = lab_opt(ctx, "phase-seconds") / (ctx->reps + 1);
    uint64_t sink = 0;
    struct harness_work cw = {.run = calib, .arg = &sink};
    long long round;
    char param[32], why[800];
    struct point last;
    (void)arg;
    cluster_run_open(&r, ctx);
    /* a round: DEMO_ROUND_S of LCG steps on one of this machine's cores */
    round = (long long)fmax(harness_rate(&cw, 0.02) * DEMO_ROUND_S, 1000);
    /* One job for the three phases: 2P ranks that spin when they wait (yield-when-idle
     * off, as an HPC job runs). A phase of p ranks asks the first p; the others wait for
     * the next command asleep, so they take no core from it. */
    last = demo_point(ctx, ARRAY_SIZE(demo_phases) - 1, param, sizeof(param));
    if (start_cluster_ranks(ctx, &r, &j, W_SHM, last.workers, 0, why, sizeof(why)) < 0) {
        for (size_t k = 0; k < ARRAY_SIZE(demo_phases); k++) {
            struct point pt = demo_point(ctx, k, param, sizeof(param));
            harness_skip(ctx, &pt, "%s", why);
        }
        cluster_run_close(&r);
        return EXIT_OK;
    }
    for (size_t k = 0; k < ARRAY_SIZE(demo_phases) && !harness_interrupted(); k++) {
        struct point pt = demo_point(ctx, k, param, sizeof(param));
        harness_point(ctx, &pt); /* parmon's lab line now names this phase */
        for (int rep; harness_next_rep(ctx, &rep);) {
            struct harness_clock c;
            char reply[256];
            double sec = 0, cpu, c0 = job_tree_cpu_s(&j);
            long long units = 0;
            harness_clock_start(ctx, &c, &pt);
            if (job_ask(&j, ANSWER_S, reply, sizeof(reply), "steady %d %.0f %lld", pt.workers, slice * 1e6,
                        round) < 0 ||
                sscanf(reply, "%lf %lf %lld", &sec, &cpu, &units) != 3 || !(sec > 0))
                die("the demo's %s phase: %s", pt.variant, reply);
            /* cpu_cores: the whole job's (mpirun, every rank), as parmon sees it */
            harness_clock_stop(ctx, &pt, rep, &c, job_tree_cpu_s(&j) - c0);
            if (rep > 0)
                results_add(ctx->res, &pt, rep, "units_per_s", (double)units / sec, "1/s");
        }
    }
    job_stop(&j);
    cluster_run_close(&r);
    keep(sink);
    return harness_interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
}

static int demo(struct lab_ctx *ctx)
{
    int u = ctx->topo->usable > 0 ? ctx->topo->usable : 1, rc;
    char param[32];
    struct point one = demo_point(ctx, 0, param, sizeof(param));
    double base;
    printf("\n== demo: %d phases of %.0f s; watch parmon: one rank on one core; %d ranks on %d core%s; then %d "
           "busy-polling ranks on the same %d: every core busy, less work done\n",
           (int)ARRAY_SIZE(demo_phases), lab_opt(ctx, "phase-seconds"), u, u, u == 1 ? "" : "s", 2 * u, u);
    fflush(stdout);
    if ((rc = harness_child(ctx, demo_child, NULL, NULL, NULL)) != EXIT_OK)
        return rc;
    harness_progress_clear();
    base = results_median(ctx->res, &one, "units_per_s");
    for (size_t k = 0; k < ARRAY_SIZE(demo_phases); k++) {
        struct point pt = demo_point(ctx, k, param, sizeof(param));
        double v = results_median(ctx->res, &pt, "units_per_s");
        if (isnan(v))
            continue;
        printf("  %-15s %3d rank%s  %10.3g units/s  %5.2fx one rank  %5.2f cores\n", pt.variant, pt.workers,
               pt.workers == 1 ? " " : "s", v, v / base, results_median(ctx->res, &pt, "cpu_cores"));
    }
    fflush(stdout);
    return EXIT_OK;
}

/* =================================================================================================
 * the lab
 * ================================================================================================= */

/* Before the first experiment: what cannot run here, said once; and if nothing of what
 * was asked for can run, the lab is skipped (exit 3) with the reasons. */
static int prepare(struct lab_ctx *ctx)
{
    char mpi[400];
    const char *no_mpi = cluster_mpi_missing(mpi, sizeof(mpi));
    const char *no_py = access("/usr/bin/python3", X_OK) ? "no /usr/bin/python3" : NULL;
    int can = 0;
    for (int i = 0; ctx->lab->experiments[i].name; i++) {
        const char *e = ctx->lab->experiments[i].name;
        if (!ctx->exp_on[i])
            continue;
        if (!strcmp(e, "amdahl"))
            can = 1; /* its threads variant needs nothing */
        else if (!strcmp(e, "tasks"))
            can |= !no_py;
        else
            can |= !no_mpi;
    }
    if (!can) {
        fprintf(stderr, "parlab: cluster: skipped: nothing asked for can run here: %s%s%s\n",
                no_mpi ? no_mpi : "", no_mpi && no_py ? "; " : "", no_py ? no_py : "");
        exit(EXIT_SKIPPED);
    }
    if (no_mpi)
        printf("MPI parts: not run: %s\n", no_mpi);
    if (geteuid() == 0 && !no_mpi) {
        printf("running as root: the lab sets OMPI_ALLOW_RUN_AS_ROOT=1 and OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1, "
               "Open MPI's opt-in for root\n");
        results_meta(ctx->res, "open_mpi_root_opt_in", "1");
    }
    if (lab_opt(ctx, "netns") > 0 && nsnet_unavailable())
        printf("namespace hosts: not made: %s\n", nsnet_unavailable());
    if (cluster_hostfile(ctx))
        results_meta(ctx->res, "hostfile", "%s", cluster_hostfile(ctx));
    results_meta(ctx->res, "cap_mbit", "%g", lab_opt(ctx, "netns") > 0 ? lab_opt(ctx, "cap-mbit") : 0);
    putchar('\n');
    fflush(stdout);
    return EXIT_OK;
}

/* Before anything prints: a hostfile must name a host. */
static const char *check(const struct lab_ctx *ctx)
{
    static char why[400];
    char msg[300];
    if (cluster_hostfile(ctx) && cluster_hostfile_check(cluster_hostfile(ctx), msg, sizeof(msg)) < 0) {
        snprintf(why, sizeof(why), "--hostfile %s: %s", cluster_hostfile(ctx), msg);
        return why;
    }
    return NULL;
}

static const struct lab_experiment cluster_experiments[] = {
    {"pingpong", "latency and bandwidth, 1 B to 4 MiB, by place (shm, tcp, netns, capped); mpi4py "
                 "buffers vs pickled", pingpong, pingpong_points, 0},
    {"amdahl", "the amdahl job over 1..8 MPI ranks (spin and sleep forms) and on threads; speedup, fit",
     amdahl, amdahl_points, 0},
    {"halo", "a ring exchange every step, computation vs communication by place; strong/weak, USL fit",
     halo, halo_points, 0},
    {"tasks", "the same Executor code on ProcessPoolExecutor, Dask and mpi4py: cost a task, 90% size",
     tasks, tasks_points, 0},
    {"oversubscribe", "8-byte allreduce on P and 2P busy-polling ranks, yield-when-idle on and off",
     oversubscribe, oversub_points, 0},
    {"demo", "for a talk: steady phases of --phase-seconds (1 rank, P ranks, 2P busy-polling ranks) to "
             "watch in parmon", demo, demo_points, 1},
    {NULL, NULL, NULL, NULL, 0},
};

static const struct lab_option cluster_options[] = {
    {"netns", "0|1", "the namespace hosts (netns, netns-capped); 0: one host only", LAB_OPT_INTEGER, 1, NAN, 0, 1},
    {"hosts", "N", "namespace hosts (2: one veth pair; more: a bridge as a switch)", LAB_OPT_INTEGER, 2, NAN, 2,
     CLUSTER_MAX_HOSTS},
    {"cap-mbit", "M", "the netns-capped links' rate, Mbit/s (1000: gigabit Ethernet; 0: no capped variant)",
     LAB_OPT_INTEGER, 1000, NAN, 0, 100000},
    {"max-bytes", "B", "the largest ping-pong message", LAB_OPT_INTEGER, 4194304, NAN, 1, 67108864},
    {"serial", "F", "amdahl: the serial fraction", LAB_OPT_NUMBER, 0.3, NAN, 0, 1},
    {"seconds", "S", "amdahl: the one-rank job's length (the sleep form's: twice that)", LAB_OPT_NUMBER, 0.4, 0.06, 0.004, 60},
    {"halo-kib", "K", "halo: KiB swapped with each neighbour a step", LAB_OPT_NUMBER, 64, NAN, 0, 65536},
    {"phase-seconds", "S", "demo: the length of each phase", LAB_OPT_NUMBER, 10, 2, 0.2, 600},
    {"sample-ms", "MS", "the shortest sample the calibrations aim for (default: 4-20 quick, 20-100 full)",
     LAB_OPT_NUMBER, NAN, NAN, 0.1, 10000},
    {"hostfile", "FILE", "a real cluster: Open MPI's hostfile (a host a line; README.md, A real cluster)",
     LAB_OPT_FILE, NAN, NAN, 0, 0},
    {NULL, NULL, NULL, 0, 0, 0, 0, 0},
};

static const char *const cluster_charts[] = {"cluster-latency", "cluster-bandwidth", "cluster-amdahl",
                                             "cluster-halo", "cluster-tasks", NULL};

const struct lab lab_cluster = {
    .name = "cluster",
    .summary = "beyond one machine: MPI ranks and Dask workers on one host, over TCP, across hosts",
    .help =
        "The same work over MPI ranks (Open MPI 4.1, mpi4py) and Dask workers, where the ranks can be:\n"
        "one host through shared memory (shm), one host through TCP on loopback (tcp), several hosts\n"
        "on this machine (network namespaces joined by veth pairs: netns; links capped by tc tbf:\n"
        "netns-capped; needs root), and a real cluster (--hostfile FILE: the hosts of an\n"
        "Open MPI hostfile, through ssh). Per point the median and its interval; speedups paired;\n"
        "Amdahl and USL fits. Everything started (mpirun, daemons, Dask, namespaces) is removed at the\n"
        "end, also on Ctrl-C. Charts: plots/cluster-*.gp (make plots).",
    .experiments = cluster_experiments,
    .options = cluster_options,
    .claims = cluster_claims,
    .charts = cluster_charts,
    .check = check,
    .prepare = prepare,
    .default_reps = 5,
    .quick_reps = 5,
    /* MPI launches, network namespaces and a Dask cluster: about 15 s even quick */
    .tour_all_only = 1,
};

/* ---- pure helpers (tests/test_cluster.c) ------------------------------------------------------------ */

int cluster_parse_hosts(const char *reply, char names[][64], int max)
{
    char copy[8192], *save = NULL, *tok;
    int n = 0;
    snprintf(copy, sizeof(copy), "%s", reply);
    tok = strtok_r(copy, " \t\n", &save);
    if (!tok || strcmp(tok, "hosts"))
        return -1;
    while ((tok = strtok_r(NULL, " \t\n", &save)) && n < max)
        snprintf(names[n++], 64, "%s", tok);
    return n;
}

int cluster_distinct(char names[][64], int n)
{
    int d = 0;
    for (int i = 0; i < n; i++) {
        int seen = 0;
        for (int k = 0; k < i && !seen; k++)
            seen = !strcmp(names[i], names[k]);
        d += !seen;
    }
    return d;
}

double cluster_crossing(const double *size, const double *eff, int n, double target)
{
    for (int i = 1; i < n; i++)
        if (eff[i - 1] < target && eff[i] >= target && size[i - 1] > 0 && size[i] > size[i - 1]) {
            /* linear in efficiency, logarithmic in size */
            double f = (target - eff[i - 1]) / (eff[i] - eff[i - 1]);
            return exp(log(size[i - 1]) + f * (log(size[i]) - log(size[i - 1])));
        }
    return NAN;
}

int cluster_hostfile_check(const char *path, char *why, size_t size)
{
    FILE *f = fopen(path, "r");
    char line[512];
    int hosts = 0;
    if (!f) {
        snprintf(why, size, "cannot open '%s': %s", path, strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof(line), f)) {
        char *p = line + strspn(line, " \t");
        hosts += *p && *p != '#' && *p != '\n';
    }
    fclose(f);
    if (!hosts) {
        snprintf(why, size, "'%s' names no host", path);
        return -1;
    }
    return 0;
}
