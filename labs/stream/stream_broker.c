/* stream_broker.c: the stream lab's own redis-server, and redis-benchmark against it.
 *
 * The lab never uses a Redis someone else runs: each experiment starts its own server,
 * with no persistence (no RDB snapshot, no append-only file: nothing is written but a
 * small log), reachable only by this user, on a Unix socket in a private folder under
 * $TMPDIR (mode 0700), or with --port on 127.0.0.1 only. It waits until the server
 * answers PING, and stops it at the end: SIGTERM (with no save points Redis saves
 * nothing and removes its socket), SIGKILL if it lingers, then the log and the folder go.
 *
 * The experiments run in a harness child (harness_child): when parlab gets Ctrl-C or
 * SIGTERM, that child is asked to stop, returns, and stops the broker on its way out;
 * die() and exit() stop it too (an atexit handler, in the process that started it). If
 * everything is killed at once (SIGKILL), the server dies with its parent
 * (PR_SET_PDEATHSIG, harness_fork) and the next run removes the folder it left. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stream_redis.h"

const char *stream_find_program(const char *name, char *buf, size_t size)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        return NULL;
    while (*path) {
        size_t len = strcspn(path, ":");
        if (len > 0 && len + strlen(name) + 2 <= size) {
            snprintf(buf, size, "%.*s/%s", (int)len, path, name);
            if (access(buf, X_OK) == 0)
                return buf;
        }
        path += len;
        if (*path == ':')
            path++;
    }
    return NULL;
}

const char *stream_missing(void)
{
    char buf[4096];
#ifndef PARLAB_HAVE_HIREDIS
    return "this build has no hiredis, the C client of Redis (apt-get install libhiredis-dev, "
           "or make deps; then make again)";
#endif
    if (!stream_find_program("redis-server", buf, sizeof(buf)))
        return "redis-server is not installed, or not on PATH (apt-get install redis-server, "
               "or make deps)";
    return NULL;
}

/* Helpers of stream_broker_start, which needs hiredis: unused in a build without it. */
#ifdef PARLAB_HAVE_HIREDIS
#define HIREDIS_ONLY
#else
#define HIREDIS_ONLY __attribute__((unused))
#endif

static const char *tmp_dir(void)
{
    const char *t = getenv("TMPDIR");
    return t && *t ? t : "/tmp";
}

/* The folders of runs that were killed outright (SIGKILL: no chance to clean up) are
 * named parlab-stream.PID.XXXXXX: remove those whose process is gone, and only the two
 * files this code puts there. */
static HIREDIS_ONLY void remove_stale(void)
{
    DIR *d = opendir(tmp_dir());
    struct dirent *e;
    if (!d)
        return;
    while ((e = readdir(d))) {
        char path[1024], f[1100];
        long pid;
        struct stat st;
        if (strncmp(e->d_name, "parlab-stream.", 14) != 0 || sscanf(e->d_name + 14, "%ld.", &pid) != 1 ||
            pid <= 0 || (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
            continue;
        snprintf(path, sizeof(path), "%s/%s", tmp_dir(), e->d_name);
        if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid())
            continue;
        snprintf(f, sizeof(f), "%s/redis.sock", path);
        unlink(f);
        snprintf(f, sizeof(f), "%s/redis.log", path);
        unlink(f);
        rmdir(path);
    }
    closedir(d);
}

/* The broker this process started: stopped at exit (die(), exit()), before the
 * harness's own handler kills every child with SIGKILL (atexit runs in reverse order). */
static struct stream_broker *running;

static HIREDIS_ONLY void stop_at_exit(void)
{
    if (running && running->owner == getpid())
        stream_broker_stop(running);
}

static void remove_files(struct stream_broker *b)
{
    if (!b->dir[0])
        return;
    unlink(b->sock);
    unlink(b->log);
    rmdir(b->dir);
    b->dir[0] = '\0';
}

/* The line of the log that says why the server stopped, if any. */
static HIREDIS_ONLY void log_reason(const struct stream_broker *b, char *out, size_t size)
{
    char buf[8192], *line, *save = NULL;
    int fd = open(b->log, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
    if (fd >= 0)
        close(fd);
    out[0] = '\0';
    if (n <= 0)
        return;
    buf[n] = '\0';
    for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        /* "12:M 01 Dec 2025 17:45:00.123 # Could not create server TCP listening socket ..." */
        const char *msg = strstr(line, " # ");
        if (msg)
            snprintf(out, size, "%s", msg + 3);
        if (strstr(line, "already in use") || strstr(line, "FATAL") || strstr(line, "Bad directive"))
            break;
    }
}

static void describe_status(int st, char *out, size_t size)
{
    if (WIFSIGNALED(st))
        snprintf(out, size, "killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
    else
        snprintf(out, size, "exited with status %d", WEXITSTATUS(st));
}

int stream_broker_alive(struct stream_broker *b)
{
    int st;
    if (b->pid <= 0)
        return 0;
    if (waitpid(b->pid, &st, WNOHANG) != b->pid)
        return 1;
    describe_status(st, b->died, sizeof(b->died));
    harness_wait(b->pid, NULL); /* reaped: only stop tracking it */
    b->pid = 0;
    return 0;
}

static void nap_ms(double ms);

int stream_broker_died(struct stream_broker *b)
{
    for (int i = 0; i < 100; i++) {
        if (!stream_broker_alive(b))
            return 1;
        nap_ms(5);
    }
    return 0;
}

const char *stream_broker_where(const struct stream_broker *b, char *buf, size_t size)
{
    if (b->port)
        snprintf(buf, size, "127.0.0.1:%d", b->port);
    else
        snprintf(buf, size, "a Unix socket in %s", b->dir);
    return buf;
}

static void nap_ms(double ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(((long)(ms * 1e6)) % 1000000000L)};
    nanosleep(&ts, NULL);
}

#ifdef PARLAB_HAVE_HIREDIS
redisContext *stream_connect(const struct stream_broker *b)
{
    struct timeval tv = {2, 0};
    redisContext *c = b->port ? redisConnectWithTimeout("127.0.0.1", b->port, tv)
                              : redisConnectUnixWithTimeout(b->sock, tv);
    if (!c || c->err) {
        note("stream: cannot connect to the broker: %s", c ? c->errstr : "out of memory");
        if (c)
            redisFree(c);
        return NULL;
    }
    redisSetTimeout(c, (struct timeval){30, 0}); /* a reply that never comes is an error */
    return c;
}

/* PING without a word on failure: the server may not listen yet. */
static int answers(const struct stream_broker *b)
{
    struct timeval tv = {0, 200000};
    redisContext *c = b->port ? redisConnectWithTimeout("127.0.0.1", b->port, tv)
                              : redisConnectUnixWithTimeout(b->sock, tv);
    redisReply *r;
    int ok = 0;
    if (!c || c->err) {
        if (c)
            redisFree(c);
        return 0;
    }
    redisSetTimeout(c, tv);
    if ((r = redisCommand(c, "PING"))) {
        ok = r->type == REDIS_REPLY_STATUS && !strcmp(r->str, "PONG");
        freeReplyObject(r);
    }
    redisFree(c);
    return ok;
}

int stream_broker_start(struct stream_broker *b, int port)
{
    char server[4096], portstr[16], where[400];
    const char *argv[40];
    int argc = 0, ready = 0;
    double t0;

    memset(b, 0, sizeof(*b));
    b->port = port;
    b->owner = getpid();
    if (!stream_find_program("redis-server", server, sizeof(server))) {
        note("stream: %s", stream_missing());
        return EXIT_FAIL;
    }
    remove_stale();
    snprintf(b->dir, sizeof(b->dir), "%s/parlab-stream.%d.XXXXXX", tmp_dir(), (int)getpid());
    if (!mkdtemp(b->dir)) { /* mode 0700: only this user reaches the socket */
        note("stream: cannot create a private folder under %s: %s", tmp_dir(), strerror(errno));
        b->dir[0] = '\0';
        return EXIT_FAIL;
    }
    snprintf(b->sock, sizeof(b->sock), "%s/redis.sock", b->dir);
    snprintf(b->log, sizeof(b->log), "%s/redis.log", b->dir);
    snprintf(portstr, sizeof(portstr), "%d", port);

    argv[argc++] = "redis-server";
    argv[argc++] = "--port", argv[argc++] = portstr;
    if (port) { /* loopback only */
        argv[argc++] = "--bind", argv[argc++] = "127.0.0.1";
        argv[argc++] = "--protected-mode", argv[argc++] = "yes";
    } else {
        argv[argc++] = "--unixsocket", argv[argc++] = b->sock;
        argv[argc++] = "--unixsocketperm", argv[argc++] = "700";
    }
    argv[argc++] = "--save", argv[argc++] = "";          /* no RDB snapshots */
    argv[argc++] = "--appendonly", argv[argc++] = "no";  /* no append-only file */
    argv[argc++] = "--dir", argv[argc++] = b->dir;
    argv[argc++] = "--logfile", argv[argc++] = b->log;
    argv[argc++] = "--loglevel", argv[argc++] = "warning";
    argv[argc++] = "--daemonize", argv[argc++] = "no";   /* our child: we wait for it */
    argv[argc++] = "--databases", argv[argc++] = "1";
    argv[argc++] = "--maxmemory", argv[argc++] = "1gb";  /* a runaway stream fails, the machine lives */
    argv[argc++] = "--maxmemory-policy", argv[argc++] = "noeviction";
    argv[argc++] = "--proc-title-template", argv[argc++] = "{title} parlab-stream {listen-addr}";
    argv[argc] = NULL;

    running = b;
    {
        static pid_t registered_in;
        if (registered_in != getpid()) {
            registered_in = getpid();
            atexit(stop_at_exit);
        }
    }

    b->pid = harness_fork();
    if (b->pid < 0) {
        note("stream: cannot fork: %s", strerror(errno));
        b->pid = 0;
        remove_files(b);
        return EXIT_FAIL;
    }
    if (b->pid == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, 0), dup2(null, 1), dup2(null, 2);
        }
        closefrom(3); /* our pipes are not the server's */
        execv(server, (char *const *)argv);
        _exit(127);
    }

    /* Wait until it answers, or has died (its log says why), for at most 10 s. */
    t0 = now_s();
    while (!ready && now_s() - t0 < 10) {
        if (!stream_broker_alive(b))
            break;
        if (answers(b))
            ready = 1;
        else
            nap_ms(5);
        if (harness_interrupted())
            break;
    }
    if (!ready) {
        char why[300];
        log_reason(b, why, sizeof(why));
        if (harness_interrupted()) {
            stream_broker_stop(b);
            return EXIT_INTERRUPTED;
        }
        if (b->pid == 0 && port && strstr(why, "already in use"))
            note("stream: port %d is in use: another program listens on 127.0.0.1:%d (choose another "
                 "--port, or leave --port out for a private Unix socket)", port, port);
        else if (b->pid == 0)
            note("stream: redis-server did not start (%s)%s%s", b->died, why[0] ? ": " : "", why);
        else
            note("stream: redis-server did not answer within 10 s on %s",
                 stream_broker_where(b, where, sizeof(where)));
        stream_broker_stop(b);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

double stream_benchmark_xadd(struct stream_broker *b, long n, int pipeline, int clients)
{
    char prog[4096], ns[24], ps[16], cs[16], portstr[16], out[8192];
    const char *argv[32];
    int argc = 0, fd[2], st = 0;
    size_t len = 0;
    ssize_t k;
    pid_t pid;
    double rps;

    if (!stream_find_program("redis-benchmark", prog, sizeof(prog)))
        return -2; /* the caller skips the point, naming the package */
    snprintf(ns, sizeof(ns), "%ld", n);
    snprintf(ps, sizeof(ps), "%d", pipeline);
    snprintf(cs, sizeof(cs), "%d", clients);
    snprintf(portstr, sizeof(portstr), "%d", b->port);
    argv[argc++] = "redis-benchmark";
    if (b->port)
        argv[argc++] = "-h", argv[argc++] = "127.0.0.1", argv[argc++] = "-p", argv[argc++] = portstr;
    else
        argv[argc++] = "-s", argv[argc++] = b->sock;
    argv[argc++] = "-n", argv[argc++] = ns;
    argv[argc++] = "-P", argv[argc++] = ps;
    argv[argc++] = "-c", argv[argc++] = cs;
    argv[argc++] = "--csv";
    /* the command: the same message the lab's producer appends */
    argv[argc++] = "XADD", argv[argc++] = "parlab:bench", argv[argc++] = "*";
    argv[argc++] = "n", argv[argc++] = "1";
    argv[argc] = NULL;

    if (pipe(fd) < 0)
        return -1;
    pid = harness_fork();
    if (pid < 0) {
        close(fd[0]), close(fd[1]);
        return -1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(fd[1], 1), dup2(fd[1], 2);
        if (null >= 0)
            dup2(null, 0);
        closefrom(3);
        execv(prog, (char *const *)argv);
        _exit(127);
    }
    close(fd[1]);
    while (len < sizeof(out) - 1 && (k = read(fd[0], out + len, sizeof(out) - 1 - len)) != 0) {
        if (k < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        len += (size_t)k;
    }
    out[len] = '\0';
    close(fd[0]);
    harness_wait(pid, &st);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || stream_parse_benchmark_csv(out, &rps) < 0) {
        char *nl = strchr(out, '\n');
        if (nl)
            *nl = '\0';
        if (stream_broker_died(b))
            note("stream: the broker (redis-server) died mid-run: %s", b->died);
        else
            note("stream: redis-benchmark failed (%s)", out[0] ? out : "no output");
        return -1;
    }
    return rps;
}
#else
int stream_broker_start(struct stream_broker *b, int port)
{
    (void)port;
    memset(b, 0, sizeof(*b));
    note("stream: %s", stream_missing());
    return EXIT_FAIL;
}

double stream_benchmark_xadd(struct stream_broker *b, long n, int pipeline, int clients)
{
    (void)b, (void)n, (void)pipeline, (void)clients;
    return -1;
}
#endif

void stream_broker_stop(struct stream_broker *b)
{
    if (b->owner != getpid())
        return; /* a consumer forked from the process that started it: not its to stop */
    if (b->pid > 0) {
        int st;
        double t0 = now_s();
        kill(b->pid, SIGTERM); /* no save points: it saves nothing, removes its socket */
        while (waitpid(b->pid, &st, WNOHANG) != b->pid) {
            if (now_s() - t0 > 3) {
                kill(b->pid, SIGKILL);
                waitpid(b->pid, &st, 0);
                break;
            }
            nap_ms(2);
        }
        harness_wait(b->pid, NULL); /* already reaped: stop tracking it */
        b->pid = 0;
    }
    remove_files(b);
    if (running == b)
        running = NULL;
}
