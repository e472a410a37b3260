/* labs/cluster/mpi/cluster_ranks.c: the cluster lab's MPI program, one copy on every rank.
 *
 * Built with Open MPI's compiler wrapper (`mpicc.openmpi`, the Makefile's cluster block)
 * into bin/cluster-ranks, and started by the lab with `mpirun.openmpi`, on one host or on
 * several. It is a small server: the ranks start once, then rank 0 reads one command a
 * line from its standard input (mpirun forwards the lab's pipe to rank 0), hands it to
 * every rank, and the ranks do the measurement together; rank 0 times it and answers
 * one line on its standard output:
 *
 *   hosts                              -> ok hosts NAME0 NAME1 ...   (each rank's hostname)
 *   ping BYTES ITERS                   -> ok SECONDS CPU   ITERS round trips, ranks 0 and 1
 *   bw BYTES WINDOW ITERS              -> ok SECONDS   ITERS windows of WINDOW sends, 0 to 1
 *   amdahl spin|sleep P SERIAL PAR STEPS -> ok SECONDS a serial phase on rank 0, a broadcast,
 *                                         PAR split over P ranks, a reduction; STEPS times
 *   halo spin|sleep P WORK BYTES STEPS -> ok SECONDS   each of P ranks works, then swaps BYTES
 *                                         with both neighbours on a ring; STEPS times
 *   allreduce P ITERS                  -> ok SECONDS   ITERS 8-byte MPI_Allreduce on P ranks
 *   steady P USEC UNITS                -> ok SECONDS CPU DONE   rounds of UNITS of CPU work on
 *                                         each of P ranks, an allreduce after each, until USEC
 *                                         microseconds have passed; DONE: the units done in all
 *
 * (spin: WORK in units of burn(), the labs' LCG step; sleep: WORK in nanoseconds of
 * waiting; the count of iterations or steps comes last, except in steady, which runs for
 * a time and counts the work instead.) After the seconds each
 * answer gives the CPU seconds the ranks used meanwhile, all of them together: a rank
 * waiting for a message spins, and that is CPU too. The lab repeats each command as its repetitions and calibration need, so
 * the measuring method stays the harness's. When the lab closes the pipe, the ranks
 * finalize and the job ends.
 *
 * The ping-pong follows the OSU micro-benchmarks: latency is half the round trip of a
 * blocking MPI_Send/MPI_Recv pair, averaged over many round trips after a warm-up;
 * bandwidth keeps a window of non-blocking sends in flight (MPI_Isend x WINDOW, then a
 * short acknowledgement), so the link, not the round trip, sets the pace.
 *
 * Between commands the ranks wait politely: rank 0 blocks in a read, the others test a
 * non-blocking broadcast every half millisecond and sleep in between. An MPI rank waiting
 * in a blocking call spins at 100% of a core (that is how MPI gets its microseconds); a
 * job of 8 ranks idling that way on 2 cores would steal the CPUs from the ranks being
 * measured. Inside a measurement the ranks wait the way MPI programs do: spinning. */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "work.h"

enum op { OP_QUIT, OP_HOSTS, OP_PING, OP_BW, OP_AMDAHL, OP_HALO, OP_ALLREDUCE, OP_STEADY };

/* What rank 0 hands every rank: plain numbers, broadcast as bytes. */
struct cmd {
    int op, p, sleep; /* sleep: the work is a wait, not a spin */
    int pad;
    long long a, b, c, d;
};

static int rank, size;
static MPI_Comm *comms; /* comms[p]: ranks 0..p-1 (MPI_COMM_NULL on the others) */
static char *made;      /* made[p]: comms[p] was split already */
static char *sbuf, *rbuf;
static size_t buf_size;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU seconds of this rank, all its threads (Open MPI's progress threads too). */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void nap_ns(long long ns)
{
    struct timespec ts = {(time_t)(ns / 1000000000), (long)(ns % 1000000000)};
    while (ns > 0 && nanosleep(&ts, &ts) != 0)
        ; /* interrupted: sleep the rest */
}

/* A unit of "work" of the given form: `units` LCG steps, or `units` nanoseconds of
 * waiting (a waiting rank needs no CPU, so 8 of them fit on 2 cores). */
static uint64_t work(int sleeping, long long units, uint64_t x)
{
    if (sleeping) {
        nap_ns(units);
        return x + 1;
    }
    return burn(opaque((uint64_t)units), x);
}

/* The first p ranks as a communicator, made once per p. MPI_Comm_split is collective:
 * every rank calls it (they all received the command). */
static MPI_Comm team(int p)
{
    if (!made[p]) {
        MPI_Comm_split(MPI_COMM_WORLD, rank < p ? 0 : MPI_UNDEFINED, rank, &comms[p]);
        made[p] = 1;
    }
    return comms[p];
}

static void need_buffers(size_t bytes)
{
    if (bytes <= buf_size)
        return;
    free(sbuf), free(rbuf);
    sbuf = malloc(bytes), rbuf = malloc(bytes);
    if (!sbuf || !rbuf) {
        fprintf(stderr, "cluster-ranks: rank %d: cannot allocate 2 x %zu bytes\n", rank, bytes);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    memset(sbuf, 1, bytes), memset(rbuf, 0, bytes); /* touch every page before timing */
    buf_size = bytes;
}

/* ---- the measurements (rank 0 returns the seconds; the others return 0) ---------------- */

static double ping(MPI_Comm c, long long bytes, long long iters)
{
    double t0;
    MPI_Barrier(c);
    t0 = now();
    for (long long i = 0; i < iters; i++) {
        if (rank == 0) {
            MPI_Send(sbuf, (int)bytes, MPI_BYTE, 1, 1, c);
            MPI_Recv(rbuf, (int)bytes, MPI_BYTE, 1, 1, c, MPI_STATUS_IGNORE);
        } else {
            MPI_Recv(rbuf, (int)bytes, MPI_BYTE, 0, 1, c, MPI_STATUS_IGNORE);
            MPI_Send(sbuf, (int)bytes, MPI_BYTE, 0, 1, c);
        }
    }
    return now() - t0;
}

/* osu_bw: WINDOW sends in flight, then a 4-byte acknowledgement back. Like osu_bw, every
 * receive of a window lands in the same buffer: only the time matters here. */
static double bw(MPI_Comm c, long long bytes, long long iters, int window)
{
    MPI_Request req[256];
    char ack[4] = {0};
    double t0;
    MPI_Barrier(c);
    t0 = now();
    for (long long i = 0; i < iters; i++) {
        if (rank == 0) {
            for (int k = 0; k < window; k++)
                MPI_Isend(sbuf, (int)bytes, MPI_BYTE, 1, 2, c, &req[k]);
            MPI_Waitall(window, req, MPI_STATUSES_IGNORE);
            MPI_Recv(ack, 4, MPI_BYTE, 1, 3, c, MPI_STATUS_IGNORE);
        } else {
            for (int k = 0; k < window; k++)
                MPI_Irecv(rbuf, (int)bytes, MPI_BYTE, 0, 2, c, &req[k]);
            MPI_Waitall(window, req, MPI_STATUSES_IGNORE);
            MPI_Send(ack, 4, MPI_BYTE, 0, 3, c);
        }
    }
    return now() - t0;
}

/* HPC Carpentry's amdahl program, in C: each step rank 0 does the serial part, broadcasts
 * its result, every rank does its share of the parallel part, and a reduction brings
 * the shares back to rank 0. */
static double amdahl(MPI_Comm c, int p, int sleeping, long long serial, long long parallel,
                     long long steps)
{
    int r;
    uint64_t x = 42, sum = 0;
    double t0;
    MPI_Comm_rank(c, &r);
    MPI_Barrier(c);
    t0 = now();
    for (long long s = 0; s < steps; s++) {
        if (r == 0)
            x = work(sleeping, serial, x);
        MPI_Bcast(&x, 1, MPI_UINT64_T, 0, c);
        x = work(sleeping, (long long)share((uint64_t)parallel, p, r), x + (uint64_t)r);
        MPI_Reduce(&x, &sum, 1, MPI_UINT64_T, MPI_BXOR, 0, c);
        x = sum;
    }
    keep(x);
    return now() - t0;
}

/* A halo exchange on a ring: each step every rank works, then sends BYTES to its right
 * neighbour while receiving from its left one, and the other way round (the two halo
 * rows of a 1-D domain decomposition). */
static double halo(MPI_Comm c, int p, int sleeping, long long units, long long bytes,
                   long long steps)
{
    int r, left, right;
    uint64_t x = 1;
    double t0, t;
    MPI_Comm_rank(c, &r);
    left = (r + p - 1) % p, right = (r + 1) % p;
    MPI_Barrier(c);
    t0 = now();
    for (long long s = 0; s < steps; s++) {
        x = work(sleeping, units, x);
        if (p > 1) {
            MPI_Sendrecv(sbuf, (int)bytes, MPI_BYTE, right, 4, rbuf, (int)bytes, MPI_BYTE, left, 4, c,
                         MPI_STATUS_IGNORE);
            MPI_Sendrecv(sbuf, (int)bytes, MPI_BYTE, left, 5, rbuf, (int)bytes, MPI_BYTE, right, 5, c,
                         MPI_STATUS_IGNORE);
        }
    }
    MPI_Barrier(c); /* the step ends when the slowest rank is done */
    t = now() - t0;
    keep(x);
    return t;
}

static double allreduce(MPI_Comm c, long long iters)
{
    double in = 1, out, t0;
    MPI_Barrier(c);
    t0 = now();
    for (long long i = 0; i < iters; i++)
        MPI_Allreduce(&in, &out, 1, MPI_DOUBLE, MPI_SUM, c);
    return now() - t0;
}

/* The stage demo's steady phase: not "how long does this much work take" but "how much
 * work gets done in this much time". Every rank computes a round of UNITS, then joins an
 * allreduce, as each step of an iterative solver ends in one (the residual's norm). The
 * allreduce does two jobs: it keeps the ranks in step (no rank starts round k+1 before
 * every rank finished round k), and it carries rank 0's "time is up" to all of them, so
 * they all stop after the same round. A rank done with its round early waits inside the
 * allreduce spinning, as MPI ranks do; with more ranks than cores that spin holds a core
 * that a rank with work left could use, so the work a second falls while every core
 * looks busy. *done: the units all the ranks did together. */
static double steady(MPI_Comm c, int p, double seconds, long long units, long long *done)
{
    int r, stop = 0;
    long long rounds = 0;
    uint64_t x = 1;
    double t0;
    MPI_Comm_rank(c, &r);
    MPI_Barrier(c);
    t0 = now();
    while (!stop) {
        int late;
        x = work(0, units, x);
        late = r == 0 && now() - t0 >= seconds; /* only rank 0's clock decides */
        MPI_Allreduce(&late, &stop, 1, MPI_INT, MPI_MAX, c);
        rounds++;
    }
    keep(x);
    *done = rounds * units * p;
    return now() - t0;
}

/* ---- rank 0: a command line in, an answer line out ------------------------------------- */

static int parse(const char *line, struct cmd *c, char *err, size_t errsize)
{
    char word[32], form[16] = "";
    memset(c, 0, sizeof(*c));
    if (sscanf(line, "%31s", word) != 1)
        return snprintf(err, errsize, "empty command"), -1;
    if (!strcmp(word, "hosts"))
        c->op = OP_HOSTS;
    else if (!strcmp(word, "ping") && sscanf(line, "%*s %lld %lld", &c->a, &c->b) == 2)
        c->op = OP_PING, c->p = 2;
    else if (!strcmp(word, "bw") && sscanf(line, "%*s %lld %lld %lld", &c->a, &c->c, &c->b) == 3)
        c->op = OP_BW, c->p = 2;
    else if (!strcmp(word, "amdahl") &&
             sscanf(line, "%*s %15s %d %lld %lld %lld", form, &c->p, &c->a, &c->b, &c->c) == 5)
        c->op = OP_AMDAHL;
    else if (!strcmp(word, "halo") &&
             sscanf(line, "%*s %15s %d %lld %lld %lld", form, &c->p, &c->a, &c->b, &c->c) == 5)
        c->op = OP_HALO;
    else if (!strcmp(word, "allreduce") && sscanf(line, "%*s %d %lld", &c->p, &c->a) == 2)
        c->op = OP_ALLREDUCE;
    else if (!strcmp(word, "steady") && sscanf(line, "%*s %d %lld %lld", &c->p, &c->a, &c->b) == 3)
        c->op = OP_STEADY;
    else
        return snprintf(err, errsize, "cannot parse '%.*s'", (int)strcspn(line, "\n") < 60 ? (int)strcspn(line, "\n") : 60, line), -1;
    if (form[0] && strcmp(form, "spin") && strcmp(form, "sleep"))
        return snprintf(err, errsize, "work form '%s' is neither spin nor sleep", form), -1;
    c->sleep = !strcmp(form, "sleep");
    if (c->op != OP_HOSTS && (c->p < 1 || c->p > size))
        return snprintf(err, errsize, "%d ranks asked, the job has %d", c->p, size), -1;
    if ((c->op == OP_PING || c->op == OP_BW || c->op == OP_HALO) &&
        (c->a < 0 || c->a > (1LL << 30) || (c->op == OP_HALO && (c->b < 0 || c->b > (1LL << 30)))))
        return snprintf(err, errsize, "a message size out of range"), -1;
    if (c->op == OP_STEADY && (c->a < 1 || c->a > 3600LL * 1000000 || c->b < 1))
        return snprintf(err, errsize, "steady: 1 us to an hour, at least 1 unit a round"), -1;
    if (c->op == OP_BW && (c->c < 1 || c->c > 256))
        return snprintf(err, errsize, "window %lld: from 1 to 256", c->c), -1;
    return 0;
}

/* Wait for the next command: rank 0 reads it, every rank gets it by a non-blocking
 * broadcast, tested every half millisecond (see the top of the file: no spinning
 * while idle). */
static void next_command(struct cmd *c)
{
    MPI_Request req;
    int done = 0;
    if (rank == 0) {
        char line[256], err[128];
        for (;;) {
            if (!fgets(line, sizeof(line), stdin)) {
                memset(c, 0, sizeof(*c)); /* end of input: OP_QUIT */
                break;
            }
            if (parse(line, c, err, sizeof(err)) == 0)
                break;
            printf("err %s\n", err); /* and wait for the next line */
            fflush(stdout);
        }
    }
    MPI_Ibcast(c, (int)sizeof(*c), MPI_BYTE, 0, MPI_COMM_WORLD, &req);
    while (!done) {
        MPI_Test(&req, &done, MPI_STATUS_IGNORE);
        if (!done && rank != 0)
            nap_ns(500 * 1000);
    }
}

static void hosts(void)
{
    char name[64] = "", *all = rank == 0 ? calloc((size_t)size, sizeof(name)) : NULL;
    gethostname(name, sizeof(name) - 1);
    MPI_Gather(name, sizeof(name), MPI_CHAR, all, sizeof(name), MPI_CHAR, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        printf("ok hosts");
        for (int i = 0; i < size; i++)
            printf(" %.63s", all + (size_t)i * sizeof(name));
        printf("\n");
        fflush(stdout);
        free(all);
    }
}

int main(int argc, char **argv)
{
    struct cmd c;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    comms = calloc((size_t)size + 1, sizeof(*comms));
    made = calloc((size_t)size + 1, 1);
    /* Sleeps as asked, not rounded up by the kernel's default 50 us timer slack. */
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    need_buffers(4096);
    for (next_command(&c); c.op != OP_QUIT; next_command(&c)) {
        MPI_Comm t = c.op == OP_HOSTS ? MPI_COMM_NULL : team(c.p);
        double sec = 0, cpu = 0, cpu_all = 0;
        long long done = -1; /* the units done, for the commands that count them */
        if (c.op == OP_HOSTS) {
            hosts();
            continue;
        }
        if (c.op == OP_PING || c.op == OP_BW || c.op == OP_HALO)
            need_buffers((size_t)(c.op == OP_HALO ? c.b : c.a) + 1);
        if (t != MPI_COMM_NULL) {
            cpu = cpu_now();
            switch (c.op) {
            case OP_PING: sec = ping(t, c.a, c.b); break;
            case OP_BW: sec = bw(t, c.a, c.b, (int)c.c); break;
            case OP_AMDAHL: sec = amdahl(t, c.p, c.sleep, c.a, c.b, c.c); break;
            case OP_HALO: sec = halo(t, c.p, c.sleep, c.a, c.b, c.c); break;
            case OP_ALLREDUCE: sec = allreduce(t, c.a); break;
            case OP_STEADY: sec = steady(t, c.p, (double)c.a * 1e-6, c.b, &done); break;
            }
            cpu = cpu_now() - cpu;
            MPI_Reduce(&cpu, &cpu_all, 1, MPI_DOUBLE, MPI_SUM, 0, t);
        }
        if (rank == 0) {
            if (done >= 0)
                printf("ok %.9f %.6f %lld\n", sec, cpu_all, done);
            else
                printf("ok %.9f %.6f\n", sec, cpu_all);
            fflush(stdout);
        }
    }
    for (int p = 1; p <= size; p++)
        if (made[p] && comms[p] != MPI_COMM_NULL)
            MPI_Comm_free(&comms[p]);
    free(comms), free(made), free(sbuf), free(rbuf);
    MPI_Finalize();
    return 0;
}
