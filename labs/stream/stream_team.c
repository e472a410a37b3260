/* stream_team.c: the C side of the stream lab, with hiredis: the producer, and a team
 * of consumer processes reading one consumer group.
 *
 * A consumer is what a stream-processing worker does everywhere (a Kafka consumer, a
 * Storm bolt, a Celery worker): ask the broker for a batch of new messages for its group
 * (XREADGROUP ... COUNT b ... >), do the work of each, then acknowledge the batch (XACK)
 * so the broker can forget it. Until the XACK the messages sit in the group's pending
 * entries list (PEL), owned by this consumer: if it dies, another consumer can take them
 * over (XAUTOCLAIM, once they have been idle long enough) and process them again. That
 * is at-least-once delivery: nothing is lost, and a message may be processed twice.
 *
 * The team's processes are forked once, before anything is timed, and wait for jobs on a
 * pipe each; a job names the streams, the group, the batch size and the work. So the
 * one-consumer run, the baseline of every speedup, uses exactly the machinery of the
 * N-consumer runs, and no fork is ever timed. Each consumer has its own connection: a
 * hiredis context must never be shared between processes or threads. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stream_redis.h"
#include "work.h"

double stream_units_per_us;

#ifdef PARLAB_HAVE_HIREDIS

static void nap_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

struct stream_conn {
    redisContext *c;
    struct stream_broker *b;
};

struct stream_conn *stream_conn_open(struct stream_broker *b)
{
    redisContext *c = stream_connect(b);
    struct stream_conn *k;
    if (!c)
        return NULL;
    k = xcalloc(1, sizeof(*k));
    k->c = c, k->b = b;
    return k;
}

void stream_conn_close(struct stream_conn *k)
{
    if (!k)
        return;
    redisFree(k->c);
    free(k);
}

/* Why a command got no reply: the broker died, or the connection broke. */
static void no_reply(struct stream_conn *k, const char *what)
{
    if (stream_broker_died(k->b))
        note("stream: the broker (redis-server) died mid-run: %s", k->b->died);
    else
        note("stream: %s: the broker did not answer: %s", what, k->c->errstr);
}

static redisReply *cmd(struct stream_conn *k, const char *fmt, ...)
{
    va_list ap;
    redisReply *r;
    va_start(ap, fmt);
    r = redisvCommand(k->c, fmt, ap);
    va_end(ap);
    if (!r) {
        no_reply(k, fmt);
        return NULL;
    }
    if (r->type == REDIS_REPLY_ERROR) {
        note("stream: the broker refused '%.*s': %s", (int)strcspn(fmt, " "), fmt, r->str);
        freeReplyObject(r);
        return NULL;
    }
    return r;
}

static int cmd_ok(redisReply *r)
{
    if (!r)
        return -1;
    freeReplyObject(r);
    return 0;
}

/* ---- the producer ------------------------------------------------------------------------------
 * One XADD a round trip waits for each reply before sending the next message: the time
 * of a message is the round trip (two context switches and the broker's turn). Pipelined,
 * `pipeline` XADDs go out in one write and their replies come back together: the round
 * trip is paid once a batch. The broker does the same work either way. */
int stream_produce(struct stream_conn *k, const char *stream, uint64_t first, uint64_t n,
                   int pipeline)
{
    for (uint64_t i = 0; i < n;) {
        uint64_t m = n - i < (uint64_t)pipeline ? n - i : (uint64_t)pipeline;
        if (harness_interrupted()) /* Ctrl-C or SIGTERM while filling a long stream: stop now */
            return -1;
        for (uint64_t j = 0; j < m; j++)
            redisAppendCommand(k->c, "XADD %s * n %llu", stream, (unsigned long long)(first + i + j));
        for (uint64_t j = 0; j < m; j++) {
            void *rp = NULL;
            redisReply *r;
            if (redisGetReply(k->c, &rp) != REDIS_OK || !rp) {
                no_reply(k, "XADD");
                return -1;
            }
            r = rp;
            if (r->type == REDIS_REPLY_ERROR) {
                note("stream: XADD refused: %s", r->str);
                freeReplyObject(r);
                return -1;
            }
            freeReplyObject(r);
        }
        i += m;
    }
    return 0;
}

int stream_group_create(struct stream_conn *k, const char *stream, const char *group)
{
    return cmd_ok(cmd(k, "XGROUP CREATE %s %s 0 MKSTREAM", stream, group));
}

int stream_group_destroy(struct stream_conn *k, const char *stream, const char *group)
{
    return cmd_ok(cmd(k, "XGROUP DESTROY %s %s", stream, group));
}

int stream_delete(struct stream_conn *k, const char *key)
{
    return cmd_ok(cmd(k, "DEL %s", key));
}

static long long field_int(const redisReply *v)
{
    if (!v)
        return -1;
    if (v->type == REDIS_REPLY_INTEGER)
        return v->integer;
    if (v->type == REDIS_REPLY_STRING || v->type == REDIS_REPLY_STATUS)
        return atoll(v->str);
    return -1; /* nil: Redis cannot tell (after deletions) */
}

int stream_group_info(struct stream_conn *k, const char *stream, const char *group,
                      long long *lag, long long *pending, long long *read)
{
    redisReply *r = cmd(k, "XINFO GROUPS %s", stream);
    int found = 0;
    if (!r)
        return -1;
    /* RESP2: one flat array of name, value pairs a group */
    for (size_t g = 0; r->type == REDIS_REPLY_ARRAY && g < r->elements && !found; g++) {
        const redisReply *e = r->element[g];
        const char *name = NULL;
        long long l = -1, p = -1, rd = -1;
        for (size_t i = 0; e->type == REDIS_REPLY_ARRAY && i + 1 < e->elements; i += 2) {
            const char *key = e->element[i]->str;
            const redisReply *v = e->element[i + 1];
            if (!key)
                continue;
            if (!strcmp(key, "name"))
                name = v->str;
            else if (!strcmp(key, "lag"))
                l = field_int(v);
            else if (!strcmp(key, "pending"))
                p = field_int(v);
            else if (!strcmp(key, "entries-read"))
                rd = field_int(v);
        }
        if (name && !strcmp(name, group)) {
            *lag = l, *pending = p, *read = rd;
            found = 1;
        }
    }
    freeReplyObject(r);
    if (!found)
        note("stream: no group %s on %s", group, stream);
    return found ? 0 : -1;
}

int stream_seen_counts(struct stream_conn *k, const char *key, uint64_t *unique, uint64_t *total)
{
    redisReply *r = cmd(k, "HVALS %s", key);
    if (!r)
        return -1;
    *unique = 0, *total = 0;
    for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
        *unique += 1;
        *total += (uint64_t)atoll(r->element[i]->str);
    }
    freeReplyObject(r);
    return 0;
}

/* ---- a consumer ------------------------------------------------------------------------------- */

struct consumer {
    redisContext *c;
    const struct stream_job *job;
    struct stream_report *r;
    char name[16];
    const char **argv; /* room for an XACK of a whole batch */
    size_t *argvlen;
    uint64_t x;        /* the work's result, kept */
};

static int fail(struct consumer *k, const char *what)
{
    k->r->ok = 0;
    snprintf(k->r->why, sizeof(k->r->why), "%s: %s", what,
             k->c->err ? k->c->errstr : "an error reply");
    return -1;
}

/* The work of one message, and in failover the record that it was processed: one
 * HINCRBY a message, waited for, so that when the consumer is killed every processing it
 * made is known to the broker (the ground truth the accounting checks). */
static int handle(struct consumer *k, const redisReply *entry)
{
    const redisReply *fields = entry->element[1];
    k->x = burn(k->job->work_units, k->x + 1);
    keep(k->x);
    if (k->job->seen[0]) {
        const char *n = NULL;
        redisReply *r;
        for (size_t f = 0; fields && fields->type == REDIS_REPLY_ARRAY && f + 1 < fields->elements; f += 2)
            if (fields->element[f]->str && !strcmp(fields->element[f]->str, "n"))
                n = fields->element[f + 1]->str;
        if (!n)
            return fail(k, "a message without its number");
        if (!(r = redisCommand(k->c, "HINCRBY %s %s 1", k->job->seen, n)))
            return fail(k, "HINCRBY");
        freeReplyObject(r);
    }
    k->r->processed++;
    return 0;
}

/* Process the entries of one stream and acknowledge them in one XACK. The victim of a
 * failover run stops halfway through its batch `die_at_batch`, before the XACK: it has
 * processed `die_after` messages it never acknowledges, and waits to be killed. */
static int handle_entries(struct consumer *k, const char *stream, const redisReply *entries,
                          int *dying)
{
    const struct stream_job *j = k->job;
    size_t n = 0;
    redisReply *r;
    if (!entries || entries->type != REDIS_REPLY_ARRAY || entries->elements == 0)
        return 0;
    k->argv[0] = "XACK", k->argv[1] = stream, k->argv[2] = j->group;
    k->r->batches++;
    for (size_t e = 0; e < entries->elements; e++) {
        const redisReply *entry = entries->element[e];
        if (entry->type != REDIS_REPLY_ARRAY || entry->elements < 2)
            continue; /* an entry deleted meanwhile: nothing to do */
        if (j->die_at_batch > 0 && k->r->batches == (uint64_t)j->die_at_batch &&
            e == (size_t)j->die_after) {
            *dying = 1;
            return 0;
        }
        if (handle(k, entry) < 0)
            return -1;
        k->argv[3 + n] = entry->element[0]->str;
        n++;
    }
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n + 3; i++)
        k->argvlen[i] = strlen(k->argv[i]);
    if (!(r = redisCommandArgv(k->c, (int)n + 3, k->argv, k->argvlen)) || r->type != REDIS_REPLY_INTEGER) {
        if (r)
            freeReplyObject(r);
        return fail(k, "XACK");
    }
    /* XACK counts the entries it removed from the PEL: one it did not find had already
     * been acknowledged by a consumer that took it over from us (we were slower than the
     * idle time), so both of us processed it. */
    k->r->acked += (uint64_t)r->integer;
    k->r->ack_misses += n - (uint64_t)r->integer;
    freeReplyObject(r);
    return 0;
}

/* Pending messages of the group idle for claim_idle_ms or more (a dead consumer's) become
 * ours: XAUTOCLAIM. Returns the count claimed and handled, or -1. */
static long take_over(struct consumer *k, const char *stream, char *cursor, size_t cursor_size,
                      int *dying)
{
    const struct stream_job *j = k->job;
    char idle[24], count[24];
    const char *argv[9] = {"XAUTOCLAIM", stream, j->group, k->name, idle, cursor, "COUNT", count};
    size_t len[8];
    redisReply *r;
    long n;
    snprintf(idle, sizeof(idle), "%d", j->claim_idle_ms);
    snprintf(count, sizeof(count), "%d", j->batch);
    for (int i = 0; i < 8; i++)
        len[i] = strlen(argv[i]);
    if (!(r = redisCommandArgv(k->c, 8, argv, len)))
        return fail(k, "XAUTOCLAIM");
    if (r->type != REDIS_REPLY_ARRAY || r->elements < 2) {
        freeReplyObject(r);
        return fail(k, "XAUTOCLAIM");
    }
    snprintf(cursor, cursor_size, "%s", r->element[0]->str ? r->element[0]->str : "0-0");
    n = (long)r->element[1]->elements;
    k->r->claimed += (uint64_t)n;
    if (handle_entries(k, stream, r->element[1], dying) < 0)
        n = -1;
    freeReplyObject(r);
    return n;
}

static long long pending_count(struct consumer *k, const char *stream)
{
    redisReply *r = redisCommand(k->c, "XPENDING %s %s", stream, k->job->group);
    long long n = -1;
    if (r && r->type == REDIS_REPLY_ARRAY && r->elements >= 1 && r->element[0]->type == REDIS_REPLY_INTEGER)
        n = r->element[0]->integer;
    if (r)
        freeReplyObject(r);
    else
        fail(k, "XPENDING");
    return n;
}

static void run_job(struct consumer *k, atomic_int *stop)
{
    const struct stream_job *j = k->job;
    const char *argv[8 + 2 * STREAM_MAX_STREAMS];
    size_t len[8 + 2 * STREAM_MAX_STREAMS];
    char count[24], cursor[64] = "0-0";
    int argc = 0, dying = 0;
    double t0 = now_s();

    if (j->nstreams <= 0)
        return; /* no partition for this consumer: it sits idle */
    snprintf(count, sizeof(count), "%d", j->batch);
    argv[argc++] = "XREADGROUP", argv[argc++] = "GROUP", argv[argc++] = j->group;
    argv[argc++] = k->name, argv[argc++] = "COUNT", argv[argc++] = count;
    if (j->mode == MODE_FOLLOW) /* wait up to 2 ms for new messages, then look at the flag */
        argv[argc++] = "BLOCK", argv[argc++] = "2";
    argv[argc++] = "STREAMS";
    for (int s = 0; s < j->nstreams; s++)
        argv[argc++] = j->streams[s];
    for (int s = 0; s < j->nstreams; s++)
        argv[argc++] = ">"; /* only messages never delivered to this group */
    for (int i = 0; i < argc; i++)
        len[i] = strlen(argv[i]);

    for (;;) {
        redisReply *r;
        if (j->mode == MODE_FOLLOW && atomic_load(stop))
            return;
        if (!(r = redisCommandArgv(k->c, argc, argv, len))) {
            fail(k, "XREADGROUP");
            return;
        }
        if (r->type == REDIS_REPLY_ERROR) {
            snprintf(k->r->why, sizeof(k->r->why), "XREADGROUP: %s", r->str);
            k->r->ok = 0;
            freeReplyObject(r);
            return;
        }
        if (r->type == REDIS_REPLY_ARRAY) { /* [[stream, [[id, [field, value...]]...]]...] */
            for (size_t s = 0; s < r->elements && !dying; s++) {
                const redisReply *sr = r->element[s];
                if (sr->type == REDIS_REPLY_ARRAY && sr->elements == 2 &&
                    handle_entries(k, sr->element[0]->str, sr->element[1], &dying) < 0)
                    break;
            }
            freeReplyObject(r);
            if (!k->r->ok || dying)
                break;
            continue;
        }
        freeReplyObject(r); /* nil: nothing new for this group */
        if (j->mode == MODE_DRAIN)
            return;
        if (j->mode == MODE_FOLLOW)
            continue;
        /* failover: take over what a dead consumer left; done when nothing is pending */
        {
            long got = take_over(k, j->streams[0], cursor, sizeof(cursor), &dying);
            long long pend;
            if (got < 0 || dying)
                break;
            if (got > 0 || strcmp(cursor, "0-0") != 0)
                continue;
            if ((pend = pending_count(k, j->streams[0])) < 0)
                return;
            if (pend == 0)
                return;
            if (now_s() - t0 > 120) {
                k->r->ok = 0;
                snprintf(k->r->why, sizeof(k->r->why), "%lld pending messages never became idle "
                         "enough to take over", pend);
                return;
            }
            nap_us(1000); /* someone still holds messages: wait for them to finish or idle */
        }
    }
    k->r->dying = dying;
}

struct stream_team {
    int n;
    pid_t *pid;
    int *cmd;            /* the driver's write end of each consumer's job pipe */
    int rep_r, rep_w;    /* every consumer reports on one pipe */
    struct stream_broker *broker;
    atomic_int *stop;    /* a shared page: the FOLLOW jobs' stop flag */
};

static void consumer_main(struct stream_team *t, int id, int job_fd)
{
    struct stream_job job;
    struct consumer k = {0};
    int batch_room = 0;
    k.c = stream_connect(t->broker);
    snprintf(k.name, sizeof(k.name), "c%d", id + 1);
    while (read_full(job_fd, &job, sizeof(job)) == 0 && job.mode != MODE_EXIT) {
        struct stream_report r = {.id = id, .ok = 1};
        double c0 = cpu_time_s();
        if (job.batch + 3 > batch_room) {
            batch_room = job.batch + 3;
            k.argv = xrealloc(k.argv, sizeof(*k.argv) * (size_t)batch_room);
            k.argvlen = xrealloc(k.argvlen, sizeof(*k.argvlen) * (size_t)batch_room);
        }
        k.job = &job;
        k.r = &r;
        if (!k.c) {
            r.ok = 0;
            snprintf(r.why, sizeof(r.why), "cannot connect to the broker");
        } else {
            run_job(&k, t->stop);
        }
        r.cpu_s = cpu_time_s() - c0;
        if (write_full(t->rep_w, &r, sizeof(r)) < 0)
            break;
        if (r.dying)
            for (;;)
                pause(); /* the driver kills us with SIGKILL: a crash, mid-batch */
    }
    _exit(0); /* not exit(): the atexit handlers belong to the driver */
}

static int spawn(struct stream_team *t, int i)
{
    int fd[2];
    pid_t pid;
    if (pipe(fd) < 0)
        return -1;
    pid = harness_fork();
    if (pid < 0) {
        close(fd[0]), close(fd[1]);
        return -1;
    }
    if (pid == 0) {
        close(fd[1]);
        close(t->rep_r);
        for (int j = 0; j < t->n; j++)
            if (t->cmd[j] >= 0)
                close(t->cmd[j]);
        consumer_main(t, i, fd[0]);
    }
    close(fd[0]);
    t->cmd[i] = fd[1];
    t->pid[i] = pid;
    return 0;
}

struct stream_team *stream_team_start(struct stream_broker *b, int n)
{
    struct stream_team *t = xcalloc(1, sizeof(*t));
    int fd[2];
    t->n = n;
    t->broker = b;
    t->pid = xcalloc((size_t)n, sizeof(pid_t));
    t->cmd = xmalloc(sizeof(int) * (size_t)n);
    for (int i = 0; i < n; i++)
        t->cmd[i] = -1;
    t->stop = mmap(NULL, sizeof(atomic_int), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (t->stop == MAP_FAILED || pipe(fd) < 0) {
        note("stream: cannot set up the consumers: %s", strerror(errno));
        if (t->stop != MAP_FAILED)
            munmap(t->stop, sizeof(atomic_int));
        free(t->pid), free(t->cmd), free(t);
        return NULL;
    }
    atomic_store(t->stop, 0);
    t->rep_r = fd[0], t->rep_w = fd[1];
    for (int i = 0; i < n; i++)
        if (spawn(t, i) < 0) {
            note("stream: cannot start consumer %d: %s", i + 1, strerror(errno));
            stream_team_stop(t);
            return NULL;
        }
    return t;
}

int stream_team_send(struct stream_team *t, int i, const struct stream_job *job)
{
    if (i < 0 || i >= t->n || t->pid[i] <= 0 || write_full(t->cmd[i], job, sizeof(*job)) < 0) {
        note("stream: consumer c%d cannot take a job", i + 1);
        return -1;
    }
    return 0;
}

static int consumers_alive(struct stream_team *t)
{
    for (int i = 0; i < t->n; i++) {
        int st;
        if (t->pid[i] > 0 && waitpid(t->pid[i], &st, WNOHANG) == t->pid[i]) {
            harness_wait(t->pid[i], NULL);
            t->pid[i] = 0;
            if (WIFSIGNALED(st))
                note("stream: consumer c%d died (signal %d, %s)", i + 1, WTERMSIG(st), strsignal(WTERMSIG(st)));
            else
                note("stream: consumer c%d exited (status %d)", i + 1, WEXITSTATUS(st));
            return 0;
        }
    }
    return 1;
}

int stream_team_collect(struct stream_team *t, int n, struct stream_report *out, double timeout_s)
{
    double t0 = now_s();
    for (int got = 0; got < n;) {
        struct pollfd p = {t->rep_r, POLLIN, 0};
        int k = poll(&p, 1, 100);
        if (harness_interrupted())
            return EXIT_INTERRUPTED;
        if (k > 0) {
            if (read_full(t->rep_r, &out[got], sizeof(out[got])) < 0)
                return EXIT_FAIL;
            if (!out[got].ok) {
                if (stream_broker_died(t->broker))
                    note("stream: the broker (redis-server) died mid-run: %s", t->broker->died);
                else
                    note("stream: consumer c%d: %s", out[got].id + 1, out[got].why);
                return EXIT_FAIL;
            }
            got++;
            continue;
        }
        if (!stream_broker_alive(t->broker)) {
            note("stream: the broker (redis-server) died mid-run: %s", t->broker->died);
            return EXIT_FAIL;
        }
        if (!consumers_alive(t))
            return EXIT_FAIL;
        if (now_s() - t0 > timeout_s) {
            note("stream: %d of %d consumers still had not finished after %.0f s", n - got, n, timeout_s);
            return EXIT_FAIL;
        }
    }
    return EXIT_OK;
}

int stream_team_run(struct stream_team *t, int w, const struct stream_job *job,
                    struct stream_report *out)
{
    for (int i = 0; i < w; i++)
        if (stream_team_send(t, i, job) < 0)
            return EXIT_FAIL;
    return stream_team_collect(t, w, out, 300);
}

void stream_team_set_stop(struct stream_team *t, int stop)
{
    atomic_store(t->stop, stop);
}

int stream_team_kill(struct stream_team *t, int i)
{
    if (t->pid[i] <= 0)
        return -1;
    kill(t->pid[i], SIGKILL);
    harness_wait(t->pid[i], NULL);
    t->pid[i] = 0;
    close(t->cmd[i]);
    t->cmd[i] = -1;
    return 0;
}

int stream_team_respawn(struct stream_team *t, int i)
{
    if (t->pid[i] > 0)
        stream_team_kill(t, i);
    if (spawn(t, i) < 0) {
        note("stream: cannot start consumer %d again: %s", i + 1, strerror(errno));
        return -1;
    }
    return 0;
}

pid_t stream_team_pid(const struct stream_team *t, int i)
{
    return t->pid[i];
}

void stream_team_stop(struct stream_team *t)
{
    if (!t)
        return;
    /* A consumer holds nothing but its connection (the broker closes it): stop them all
     * at once, mid-job or not, and reap them. */
    for (int i = 0; i < t->n; i++)
        if (t->pid[i] > 0)
            kill(t->pid[i], SIGKILL);
    for (int i = 0; i < t->n; i++) {
        if (t->pid[i] > 0)
            harness_wait(t->pid[i], NULL);
        if (t->cmd[i] >= 0)
            close(t->cmd[i]);
    }
    close(t->rep_r), close(t->rep_w);
    munmap(t->stop, sizeof(atomic_int));
    free(t->pid), free(t->cmd), free(t);
}

#else /* no hiredis: the lab is unavailable; these are never called */

struct stream_conn *stream_conn_open(struct stream_broker *b)
{
    (void)b;
    return NULL;
}
void stream_conn_close(struct stream_conn *c)
{
    (void)c;
}
int stream_produce(struct stream_conn *c, const char *stream, uint64_t first, uint64_t n,
                   int pipeline)
{
    (void)c, (void)stream, (void)first, (void)n, (void)pipeline;
    return -1;
}
int stream_group_create(struct stream_conn *c, const char *stream, const char *group)
{
    (void)c, (void)stream, (void)group;
    return -1;
}
int stream_group_destroy(struct stream_conn *c, const char *stream, const char *group)
{
    (void)c, (void)stream, (void)group;
    return -1;
}
int stream_delete(struct stream_conn *c, const char *key)
{
    (void)c, (void)key;
    return -1;
}
int stream_group_info(struct stream_conn *c, const char *stream, const char *group,
                      long long *lag, long long *pending, long long *read)
{
    (void)c, (void)stream, (void)group, (void)lag, (void)pending, (void)read;
    return -1;
}
int stream_seen_counts(struct stream_conn *c, const char *key, uint64_t *unique,
                       uint64_t *total)
{
    (void)c, (void)key, (void)unique, (void)total;
    return -1;
}

struct stream_team *stream_team_start(struct stream_broker *b, int n)
{
    (void)b, (void)n;
    return NULL;
}
int stream_team_send(struct stream_team *t, int i, const struct stream_job *job)
{
    (void)t, (void)i, (void)job;
    return -1;
}
int stream_team_collect(struct stream_team *t, int n, struct stream_report *out, double timeout_s)
{
    (void)t, (void)n, (void)out, (void)timeout_s;
    return EXIT_FAIL;
}
int stream_team_run(struct stream_team *t, int w, const struct stream_job *job,
                    struct stream_report *out)
{
    (void)t, (void)w, (void)job, (void)out;
    return EXIT_FAIL;
}
void stream_team_set_stop(struct stream_team *t, int stop)
{
    (void)t, (void)stop;
}
int stream_team_kill(struct stream_team *t, int i)
{
    (void)t, (void)i;
    return -1;
}
int stream_team_respawn(struct stream_team *t, int i)
{
    (void)t, (void)i;
    return -1;
}
pid_t stream_team_pid(const struct stream_team *t, int i)
{
    (void)t, (void)i;
    return 0;
}
void stream_team_stop(struct stream_team *t)
{
    (void)t;
}
#endif
