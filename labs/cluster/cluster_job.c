/* labs/cluster/cluster_job.c: the cluster lab's machinery for jobs.
 *
 * A job is a program started once and then asked one command a line on its standard
 * input, answering one line on its standard output: mpirun with the ranks of
 * bin/cluster-ranks (mpirun passes our pipe to rank 0 and rank 0's answers back), or a
 * Python engine (cluster_tasks.py, cluster_mpi4py.py). Starting mpirun costs half a
 * second or more, so a job lives for a whole experiment and the harness's repetitions
 * and calibration are commands to it.
 *
 * Everything a run starts lives in a private folder (0700, under $TMPDIR): the launcher,
 * the hostfile, the Python files, the jobs' logs, Dask's scratch space. At the end, also
 * after Ctrl-C, SIGTERM (the experiment runs in a harness child, which gets time to clean
 * up) or an error, the jobs are stopped, the namespace hosts removed and the folder
 * deleted. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cluster.h"

/* ---- a process tree ------------------------------------------------------------------------ */

/* Every descendant of pid (children of every thread, recursively), into out; count. */
static int tree(pid_t pid, pid_t *out, int max, int depth)
{
    char path[96], kids[4096], *tok, *save = NULL;
    int n = 0;
    DIR *d;
    struct dirent *e;
    snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
    if (depth > 16 || !(d = opendir(path)))
        return 0;
    while ((e = readdir(d)) && n < max) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "/proc/%d/task/%.16s/children", (int)pid, e->d_name);
        if (read_small_file(path, kids, sizeof(kids)) <= 0)
            continue;
        for (tok = strtok_r(kids, " \n", &save); tok && n < max; tok = strtok_r(NULL, " \n", &save)) {
            out[n++] = (pid_t)atoi(tok);
            n += tree(out[n - 1], out + n, max - n, depth + 1);
        }
    }
    closedir(d);
    return n;
}

/* CPU nanoseconds of every thread of pid (schedstat: exact, not in 10 ms ticks). */
static double proc_cpu_ns(pid_t pid)
{
    char path[96], buf[128];
    double ns = 0;
    DIR *d;
    struct dirent *e;
    snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
    if (!(d = opendir(path)))
        return 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "/proc/%d/task/%.16s/schedstat", (int)pid, e->d_name);
        if (read_small_file(path, buf, sizeof(buf)) > 0)
            ns += strtod(buf, NULL);
    }
    closedir(d);
    return ns;
}

double job_tree_cpu_s(const struct job *j)
{
    pid_t pids[512];
    int n;
    double ns;
    if (j->pid <= 0)
        return 0;
    n = tree(j->pid, pids, 512, 0);
    ns = proc_cpu_ns(j->pid);
    for (int i = 0; i < n; i++)
        ns += proc_cpu_ns(pids[i]);
    return ns * 1e-9;
}

static void kill_tree(pid_t pid)
{
    pid_t pids[512];
    int n = tree(pid, pids, 512, 0);
    kill(pid, SIGKILL);
    for (int i = 0; i < n; i++)
        kill(pids[i], SIGKILL);
}

/* ---- a job ------------------------------------------------------------------------------ */

const char *log_tail(const char *path, char *buf, size_t size)
{
    char text[8192], *lines[6];
    long n = read_small_file(path, text, sizeof(text));
    int k = 0;
    buf[0] = '\0';
    if (n <= 0)
        return buf;
    /* the last lines that say something (Open MPI frames its messages with dashes) */
    for (char *p = text + n; p > text && k < 6;) {
        char *end = p;
        while (p > text && p[-1] != '\n')
            p--;
        if (end > p && strspn(p, "- \t\n") < (size_t)(end - p)) {
            if (end[-1] == '\n')
                end[-1] = '\0';
            else
                *end = '\0';
            lines[k++] = p;
        }
        if (p > text)
            p--;
    }
    for (int i = k - 1; i >= 0; i--)
        snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", i < k - 1 ? " | " : "", lines[i]);
    return buf;
}

int job_start(struct job *j, const char *name, const char *const argv[], pid_t ns, const char *log,
              char *why, size_t size)
{
    int in[2], out[2];
    memset(j, 0, sizeof(*j));
    j->pid = -1;
    j->in = j->out = -1;
    snprintf(j->name, sizeof(j->name), "%s", name);
    snprintf(j->log, sizeof(j->log), "%s", log);
    if (pipe(in) < 0 || pipe(out) < 0) {
        snprintf(why, size, "pipe: %s", strerror(errno));
        return -1;
    }
    j->pid = harness_fork();
    if (j->pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        dup2(in[0], STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        if (fd >= 0)
            dup2(fd, STDERR_FILENO);
        close(in[0]), close(in[1]), close(out[0]), close(out[1]);
        /* mpirun on node1, as on the first node of a real allocation */
        if (ns > 0 && ns_enter(ns) < 0)
            _exit(126);
        execv(argv[0], (char *const *)argv);
        fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(in[0]), close(out[1]);
    j->in = in[1];
    j->out = out[0];
    fcntl(j->in, F_SETFD, FD_CLOEXEC);
    fcntl(j->out, F_SETFD, FD_CLOEXEC);
    if (j->pid < 0) {
        snprintf(why, size, "fork: %s", strerror(errno));
        close(j->in), close(j->out);
        j->in = j->out = -1;
        return -1;
    }
    return 0;
}

/* The next line the job writes, within timeout_s: 0, or -1 (why set). */
static int read_line(struct job *j, double timeout_s, char *line, size_t size, char *why, size_t wsize)
{
    double end = now_s() + timeout_s;
    for (;;) {
        char *nl = memchr(j->rbuf, '\n', j->rlen);
        struct pollfd p = {j->out, POLLIN, 0};
        double left = end - now_s();
        ssize_t k;
        int rc;
        if (nl) {
            size_t len = (size_t)(nl - j->rbuf);
            snprintf(line, size, "%.*s", (int)len, j->rbuf);
            memmove(j->rbuf, nl + 1, j->rlen - len - 1);
            j->rlen -= len + 1;
            return 0;
        }
        if (left <= 0) {
            snprintf(why, wsize, "%s did not answer in %.0f s", j->name, timeout_s);
            return -1;
        }
        /* Ctrl-C interrupts poll: the sample under way still finishes (the ranks are in
         * the middle of it), then the harness stops. */
        rc = poll(&p, 1, (int)fmin(left * 1000 + 1, 1000));
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc <= 0)
            continue;
        if (j->rlen >= sizeof(j->rbuf) - 1)
            j->rlen = 0; /* a line longer than the buffer: not ours */
        k = read(j->out, j->rbuf + j->rlen, sizeof(j->rbuf) - 1 - j->rlen);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            char tail[600];
            snprintf(why, wsize, "%s ended: %s", j->name,
                     log_tail(j->log, tail, sizeof(tail))[0] ? tail : "(no message)");
            return -1;
        }
        j->rlen += (size_t)k;
    }
}

__attribute__((format(printf, 5, 0))) static int vask(struct job *j, double timeout_s, char *reply, size_t size,
                                                   const char *fmt, va_list ap)
{
    char cmd[512], line[8192];
    int n = vsnprintf(cmd, sizeof(cmd) - 1, fmt, ap);
    if (n < 0 || n >= (int)sizeof(cmd) - 1) {
        snprintf(reply, size, "command too long");
        return -1;
    }
    cmd[n++] = '\n';
    cmd[n] = '\0';
    if (j->in < 0 || write_full(j->in, cmd, (size_t)n) < 0) {
        char tail[600];
        snprintf(reply, size, "%s is not running: %s", j->name, log_tail(j->log, tail, sizeof(tail)));
        return -1;
    }
    for (;;) {
        if (read_line(j, timeout_s, line, sizeof(line), reply, size) < 0)
            return -1;
        if (!strncmp(line, "ok", 2) && (line[2] == ' ' || !line[2])) {
            snprintf(reply, size, "%s", line[2] ? line + 3 : "");
            return 0;
        }
        if (!strncmp(line, "err ", 4)) {
            snprintf(reply, size, "%s", line + 4);
            return -1;
        }
        /* anything else on stdout (a library's chatter) is not an answer */
    }
}

int job_ask(struct job *j, double timeout_s, char *reply, size_t size, const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start(ap, fmt);
    rc = vask(j, timeout_s, reply, size, fmt, ap);
    va_end(ap);
    return rc;
}

double job_seconds(struct job *j, double timeout_s, double *cpu, char *why, size_t size, const char *fmt, ...)
{
    char reply[1024], *save = NULL, *sec_s, *cpu_s;
    double v, c;
    va_list ap;
    int rc;
    va_start(ap, fmt);
    rc = vask(j, timeout_s, reply, sizeof(reply), fmt, ap);
    va_end(ap);
    sec_s = rc < 0 ? NULL : strtok_r(reply, " ", &save);
    cpu_s = sec_s ? strtok_r(NULL, " ", &save) : NULL;
    if (rc < 0 || !sec_s || parse_double(sec_s, 0, 1e9, &v) < 0) {
        snprintf(why, size, "%s", rc < 0 ? reply : "the answer is not a number of seconds");
        return NAN;
    }
    if (cpu)
        *cpu = cpu_s && parse_double(cpu_s, 0, 1e9, &c) == 0 ? c : NAN;
    return v;
}

void job_stop(struct job *j)
{
    double end;
    int st;
    if (j->pid <= 0)
        return;
    if (j->in >= 0)
        close(j->in); /* end of input: the job finishes by itself */
    j->in = -1;
    /* 2 s to finish by itself (mpirun ends its ranks and daemons; a Dask client closes
     * its cluster), then it is killed, with everything it started */
    for (end = now_s() + 2; now_s() < end;) {
        if (waitpid(j->pid, &st, WNOHANG) == j->pid) {
            harness_wait(j->pid, NULL); /* untracked: already reaped, returns at once */
            j->pid = -1;
            break;
        }
        usleep(5000);
    }
    if (j->pid > 0) {
        kill_tree(j->pid);
        harness_wait(j->pid, NULL);
    }
    /* what the job started and left behind (a rank whose mpirun died) is reparented to
     * parlab, which kills every descendant at the end; here only our own tree */
    j->pid = -1;
    if (j->out >= 0)
        close(j->out);
    j->out = -1;
}

/* ---- the run ---------------------------------------------------------------------------- */

static struct cluster_run *open_run;
static pid_t open_run_pid;

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

/* die() or exit() inside an experiment: stop what the run started, remove its folder. */
static void close_at_exit(void)
{
    if (open_run && getpid() == open_run_pid) {
        /* the jobs first (SIGTERM, a moment, SIGKILL; reaped): a rank still running
         * would make its shared-memory segments again in the folder we remove */
        harness_kill_children();
        cluster_run_close(open_run);
    }
}

static const char *dir_of_self(char *buf, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", buf, size - 1);
    char *slash;
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    if ((slash = strrchr(buf, '/')))
        *slash = '\0';
    return buf;
}

const char *cluster_mpi_missing(char *buf, size_t size)
{
    char path[PATH_MAX], self[PATH_MAX], *p = getenv("PATH"), *copy, *rest, *dir;
    int found = 0;
    copy = rest = xstrdup(p && *p ? p : "/usr/bin:/bin");
    while ((dir = strsep(&rest, ":")) && !found)
        found = *dir && snprintf(path, sizeof(path), "%s/mpirun.openmpi", dir) < (int)sizeof(path) &&
                access(path, X_OK) == 0;
    free(copy);
    if (!found) {
        snprintf(buf, size, "Open MPI is not installed (no mpirun.openmpi on the PATH: apt-get install "
                            "openmpi-bin libopenmpi-dev, then make)");
        return buf;
    }
    if (!dir_of_self(self, sizeof(self)) ||
        snprintf(path, sizeof(path), "%s/cluster-ranks", self) >= (int)sizeof(path) || access(path, X_OK)) {
        snprintf(buf, size, "the MPI program bin/cluster-ranks was not built (it needs mpicc.openmpi "
                            "from libopenmpi-dev when make runs)");
        return buf;
    }
    return NULL;
}

void cluster_run_open(struct cluster_run *r, const struct lab_ctx *ctx)
{
    static char no_mpi[300];
    char self[PATH_MAX], *p, *copy, *rest, *dir;
    const char *tmp = getenv("TMPDIR");
    memset(r, 0, sizeof(*r));
    r->usable = ctx->topo->usable > 0 ? ctx->topo->usable : 1;
    r->root = geteuid() == 0;
    r->no_mpi = cluster_mpi_missing(no_mpi, sizeof(no_mpi));
    if (!r->no_mpi) {
        dir_of_self(self, sizeof(self));
        snprintf(r->ranks, sizeof(r->ranks), "%s/cluster-ranks", self);
        p = getenv("PATH");
        copy = rest = xstrdup(p && *p ? p : "/usr/bin:/bin");
        while ((dir = strsep(&rest, ":")))
            if (*dir && snprintf(r->mpirun, sizeof(r->mpirun), "%s/mpirun.openmpi", dir) < (int)sizeof(r->mpirun) &&
                access(r->mpirun, X_OK) == 0)
                break;
        free(copy);
    }
    if (access("/usr/bin/python3", X_OK) != 0)
        r->no_python = "no /usr/bin/python3 (apt-get install python3)";
    /* Open MPI refuses to run as root unless told twice; a workshop VM or CI runs as root */
    if (r->root) {
        setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
        setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
    }
    snprintf(r->dir, sizeof(r->dir), "%s/parlab-cluster-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(r->dir))
        die("cannot make a private folder '%s': %s", r->dir, strerror(errno));
    /* Dask keeps its workers' scratch space there, not in /tmp/dask-worker-space */
    {
        char dask[PATH_MAX + 8];
        snprintf(dask, sizeof(dask), "%s/dask", r->dir);
        setenv("DASK_TEMPORARY_DIRECTORY", dask, 1);
    }
    /* Open MPI's shared-memory transport (vader) backs its segments with files in
     * /dev/shm; a rank killed before MPI_Finalize leaves them there for good. In a
     * private folder of ours they go with it at the end, however the run ends. */
    snprintf(r->shm_dir, sizeof(r->shm_dir), "/dev/shm/parlab-cluster-XXXXXX");
    if (access("/dev/shm", W_OK) != 0 || !mkdtemp(r->shm_dir))
        snprintf(r->shm_dir, sizeof(r->shm_dir), "%s", r->dir); /* no /dev/shm: the folder */
    setenv("OMPI_MCA_btl_vader_backing_directory", r->shm_dir, 1);
    /* mpirun's session directory (ompi.HOST.UID/pid.N) too, and the daemons' on the
     * namespace hosts, which share this machine's files: a job killed hard leaves it
     * behind in /tmp otherwise. Open MPI takes one base for every host or a local and a
     * remote one, never both; a real cluster's hosts keep their own /tmp. */
    if (!cluster_hostfile(ctx))
        setenv("OMPI_MCA_orte_tmpdir_base", r->dir, 1);
    open_run = r;
    open_run_pid = getpid();
    {
        static int registered;
        if (!registered++)
            atexit(close_at_exit);
    }
}

void cluster_run_close(struct cluster_run *r)
{
    if (r->net.n)
        nsnet_down(&r->net);
    if (r->shm_dir[0] && strcmp(r->shm_dir, r->dir) != 0)
        nftw(r->shm_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    r->shm_dir[0] = '\0';
    if (r->dir[0])
        nftw(r->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    r->dir[0] = '\0';
    if (open_run == r)
        open_run = NULL;
}

const char *cluster_file(struct cluster_run *r, const char *name, const char *text)
{
    static char path[PATH_MAX + 64];
    int fd;
    snprintf(path, sizeof(path), "%s/%s", r->dir, name);
    if (access(path, R_OK) == 0)
        return path;
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 || write_full(fd, text, strlen(text)) < 0)
        die("cannot write '%s': %s", path, strerror(errno));
    close(fd);
    return path;
}
