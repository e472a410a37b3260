/* stream.h: what the stream lab's files share, and what its tests check
 * (tests/test_stream.c).
 *
 *   stream.c           the lesson: the question, the experiments, the lab's row
 *   stream_broker.c    the lab's own redis-server: started privately, waited for, stopped
 *                      (also on Ctrl-C, SIGTERM and failure); redis-benchmark, the ceiling
 *   stream_team.c      the C side with hiredis: the producer, and a team of consumer
 *                      processes that read one consumer group (XREADGROUP, XACK,
 *                      XAUTOCLAIM), started before anything is timed
 *   stream_python.c    the gil experiment: the same consumer in Python (stream_consumer.py)
 *                      as N threads or N processes, driven from C through the harness
 *   stream_calc.c      the arithmetic every part shares, without a broker: the sweep of
 *                      consumer counts, partition assignment, the failover accounting,
 *                      the lag's slope and drain time, redis-benchmark's CSV
 *   stream_claims.c    the lesson's claims, judged on a summary
 *   stream_consumer.py the Python consumer, runnable alone */
#ifndef PARLAB_STREAM_H
#define PARLAB_STREAM_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "harness.h"
#include "report.h"

/* The work levels of the throughput experiment: CPU microseconds a message. */
#define STREAM_NLEVELS 3
extern const int stream_work_us[STREAM_NLEVELS]; /* 0, 10, 50 */
/* The partition counts of the partitions experiment. */
#define STREAM_NPARTS 3
extern const int stream_parts[STREAM_NPARTS]; /* 1, 2, 4 */
#define STREAM_MAX_STREAMS 8 /* streams one consumer reads at once (its partitions) */
#define STREAM_FAILOVER_CONSUMERS 3 /* one is killed, two survive */

/* ---- arithmetic (stream_calc.c): no broker needed ---------------------------------------- */

/* The consumer counts of a series: --workers as given (1 first), else 1, 2, 4 and the
 * usable CPUs P; past_cores = 0 drops the counts above P (work that wants a CPU each,
 * where the lesson is not oversubscription). Returns the count; *out is malloc'ed. */
int stream_sweep(const struct lab_ctx *ctx, int past_cores, int **out);
/* Kafka's rule, round robin: partitions of consumer i among c consumers of a group over
 * k partitions are i, i + c, i + 2c, ... (< k): a consumer beyond k gets none and sits
 * idle. Writes them to out (room for max), returns how many. */
int stream_assign(int i, int c, int k, int *out, int max);
/* The messages of a run sized to last `seconds` for one consumer that handles a message
 * in per_msg_s (the broker's round trips) plus work_us of CPU: at least lo, at most hi. */
uint64_t stream_messages_for(double seconds, double per_msg_s, int work_us, uint64_t lo,
                             uint64_t hi);
/* redis-benchmark --csv: the requests a second on the line after the header
 * ("XADD ...","123456.79",...). Returns 0 and sets *rps, or -1. */
int stream_parse_benchmark_csv(const char *text, double *rps);

/* The at-least-once accounting of one failover run. What each consumer reported, and
 * what the broker's hash of processings (HINCRBY per message) holds. */
struct stream_failover_counts {
    uint64_t produced;        /* messages in the stream */
    uint64_t processings;     /* every time a message was processed (sum of the consumers') */
    uint64_t acked;           /* XACKs that removed a pending entry (sum of XACK replies) */
    uint64_t ack_misses;      /* processed, but XACK found it already acknowledged: it had
                               * been taken over from a consumer slower than the idle time */
    uint64_t victim_unacked;  /* processed by the killed consumer, never acknowledged */
    uint64_t unique;          /* HLEN of the hash: messages processed at least once */
    uint64_t hash_total;      /* the sum of the hash's counters: processings as the broker saw */
};
struct stream_failover_result {
    int64_t lost;             /* produced - unique: must be 0 */
    int64_t duplicates;       /* processings - unique: reported, never hidden */
    int64_t explained;        /* victim_unacked + ack_misses: why each duplicate happened */
    int64_t unexplained;      /* duplicates - explained: 0 when the accounting is exact */
    int consistent;           /* the consumers' counts agree with the broker's hash */
};
struct stream_failover_result stream_failover_account(const struct stream_failover_counts *c);

/* Least-squares slope of y over t (n >= 2), or NAN. */
double stream_slope(const double *t, const double *y, int n);
/* The first time t[i] >= from at which backlog[i] <= threshold, minus from; NAN if the
 * backlog never got there. */
double stream_drain_time(const double *t, const double *backlog, int n, double from,
                         double threshold);

/* ---- the broker (stream_broker.c) ----------------------------------------------------------- */

struct stream_broker {
    pid_t pid;       /* redis-server, a child of this process (0: not running) */
    pid_t owner;     /* the process that started it: only it stops it */
    int port;        /* 0: a Unix socket in dir */
    char dir[256];   /* a private folder (0700) under $TMPDIR: the socket and the log */
    char sock[320];
    char log[320];
    char died[160];  /* set when it was found dead: how */
};

/* Where redis-server is on PATH (into buf), or NULL. */
const char *stream_find_program(const char *name, char *buf, size_t size);
/* What this machine lacks for the lab: NULL, or a sentence naming the package. */
const char *stream_missing(void);
/* Start redis-server with no persistence on a Unix socket in a private folder (port 0)
 * or on 127.0.0.1:port, and wait until it answers PING. EXIT_OK; EXIT_FAIL with a clear
 * message on stderr (port in use, it would not start); nothing is left on failure. */
int stream_broker_start(struct stream_broker *b, int port);
/* SHUTDOWN NOSAVE (SIGTERM), then SIGKILL if it lingers; its socket, log and folder
 * removed. Safe to call twice, and from atexit. */
void stream_broker_stop(struct stream_broker *b);
/* 1 if it still runs; 0 if it died (b->died says how, once). */
int stream_broker_alive(struct stream_broker *b);
/* After a connection broke: 1 if the broker died (its exit may take a moment to be seen:
 * the socket closes first, so it looks for half a second), 0 if it still runs. */
int stream_broker_died(struct stream_broker *b);
/* "a Unix socket in /tmp/parlab-stream.123.abc" or "127.0.0.1:6390", for people. */
const char *stream_broker_where(const struct stream_broker *b, char *buf, size_t size);
/* redis-benchmark against b: n XADDs, pipelined by pipeline, from clients connections.
 * Returns the requests a second, or a negative number (said why). */
double stream_benchmark_xadd(struct stream_broker *b, long n, int pipeline, int clients);

/* ---- the C producer and consumers (stream_team.c) ------------------------------------------- */

enum stream_mode {
    MODE_DRAIN = 1, /* read until nothing new is left, then report */
    MODE_FOLLOW,    /* read (blocking briefly) until the team's stop flag is set */
    MODE_FAILOVER,  /* drain, take over idle pending messages (XAUTOCLAIM), record each
                     * processing in a hash; the victim stops mid-batch to be killed */
    MODE_EXIT,      /* leave */
};

/* One job for one consumer: written whole to its pipe. */
struct stream_job {
    int mode;
    int nstreams;                      /* 0: nothing to read (an idle consumer) */
    char streams[STREAM_MAX_STREAMS][48];
    char group[48];
    int batch;                         /* XREADGROUP COUNT */
    uint64_t work_units;               /* burn() units a message (work.h) */
    char seen[48];                     /* failover: the hash of processings */
    int claim_idle_ms;                 /* failover: XAUTOCLAIM min-idle-time */
    int die_at_batch, die_after;       /* failover victim: batch k (1-based), after n messages */
};

/* What a consumer reports after a job (one write, under PIPE_BUF). */
struct stream_report {
    int id, ok, dying;                 /* dying: the victim, waiting to be killed */
    uint64_t processed, acked, ack_misses, claimed, batches;
    double cpu_s;                      /* its CPU seconds during the job */
    char why[200];                     /* ok == 0: what went wrong */
};

struct stream_team;

/* Fork n consumer processes, each connected to the broker, waiting for jobs. NULL on
 * failure (said why). */
struct stream_team *stream_team_start(struct stream_broker *b, int n);
/* Send job to consumer i (named c<i+1> in the group). 0, or -1. */
int stream_team_send(struct stream_team *t, int i, const struct stream_job *job);
/* Wait for n reports (into out[0..n-1], in arrival order), watching Ctrl-C, the broker
 * and the consumers. EXIT_OK, EXIT_INTERRUPTED, or EXIT_FAIL (said why). */
int stream_team_collect(struct stream_team *t, int n, struct stream_report *out, double timeout_s);
/* Run job on the first w consumers and wait for them all. */
int stream_team_run(struct stream_team *t, int w, const struct stream_job *job,
                    struct stream_report *out);
/* The FOLLOW jobs' stop flag. */
void stream_team_set_stop(struct stream_team *t, int stop);
/* SIGKILL consumer i and reap it (failover), and start a fresh one in its place. */
int stream_team_kill(struct stream_team *t, int i);
int stream_team_respawn(struct stream_team *t, int i);
pid_t stream_team_pid(const struct stream_team *t, int i);
void stream_team_stop(struct stream_team *t);

/* A connection of the driver's own (the process that measures), hiding hiredis so the
 * lesson reads without it. Every call that fails says why (a dead broker is named as
 * such) and returns -1 (or NULL). */
struct stream_conn;
struct stream_conn *stream_conn_open(struct stream_broker *b);
void stream_conn_close(struct stream_conn *c);
/* Append n messages "n <first+i>" to stream, pipelined by pipeline (1: a round trip each). */
int stream_produce(struct stream_conn *c, const char *stream, uint64_t first, uint64_t n,
                   int pipeline);
/* XGROUP CREATE stream group 0 MKSTREAM: a group that will read the stream from its
 * first message. And its removal (XGROUP DESTROY), and DEL of a key. */
int stream_group_create(struct stream_conn *c, const char *stream, const char *group);
int stream_group_destroy(struct stream_conn *c, const char *stream, const char *group);
int stream_delete(struct stream_conn *c, const char *key);
/* The group's lag (entries not yet delivered), pending (delivered, not acknowledged: the
 * count XPENDING gives) and entries-read, from XINFO GROUPS. */
int stream_group_info(struct stream_conn *c, const char *stream, const char *group,
                      long long *lag, long long *pending, long long *read);
/* The failover hash of processings: how many messages it holds (HLEN) and the sum of
 * their counters. */
int stream_seen_counts(struct stream_conn *c, const char *key, uint64_t *unique,
                       uint64_t *total);

/* ---- the gil experiment's Python side (stream_python.c) ---------------------------------------
 * In a harness child: start CPython with stream_consumer.py loaded. NULL, or why Python
 * consumers cannot run here (no embedded CPython, no python3-redis). */
const char *stream_python_start(void);
void stream_python_stop(void);
/* A stream_consumer.Team of n consumers ("threads" or "processes"), work "cpu" or "io"
 * of work_us a message, reading batches of batch from b. NULL after the traceback. */
void *stream_python_team(const char *kind, int n, const struct stream_broker *b, int batch,
                         const char *work, int work_us);
/* Its first w consumers drain group on stream; *done: the messages they handled. 0, -1. */
int stream_python_run(void *team, int w, const char *stream, const char *group, uint64_t *done);
void stream_python_close(void *team);

/* ---- shared by the experiments -------------------------------------------------------------- */
/* burn() units in a microsecond here (calibrated once, before any broker starts). */
extern double stream_units_per_us;

/* The lesson's claims (stream_claims.c). */
extern const struct lab_claim stream_claims[];

#endif
