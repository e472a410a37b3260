/* timecmd.c: `parlab time [--reps N] [--workers LIST] -- COMMAND [ARGS]`.
 *
 * Times any program the way the labs time their own work, so an exercise's self-check
 * judges the learner's code and not the machine:
 *   - paired: each repetition runs every worker count in turn (then in reverse), so a
 *     speedup compares runs made a moment apart;
 *   - the CPU each run really got (its CPU time from wait4 over its wall time) and what
 *     other programs used meanwhile (the machine's busy time from /proc/stat minus the
 *     run's), so a check can say CANNOT JUDGE instead of blaming correct code when
 *     another program held a CPU;
 *   - the usable CPUs as parlab counts them (affinity mask and cgroup quota, not nproc).
 * The program learns its worker count from OMP_NUM_THREADS and PARLAB_WORKERS. Output
 * (stdout) is CSV: one line a run, then summary lines starting with '#':
 *   workers,rep,seconds,cpu_cores,other_cores,output
 *   # usable_cpus,2
 *   # speedup,2,1.93,1.90,1.97     (workers, median, min, max of the paired speedups)
 *   # other_cores_max,0.04
 * `output` is the last line the program printed (a checksum, say), commas removed. */
#include "timecmd.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "stats.h"
#include "topo.h"
#include "util.h"

static const char usage[] =
    "usage: parlab time [--reps N] [--workers LIST] -- COMMAND [ARGS]\n"
    "  runs COMMAND with OMP_NUM_THREADS=PARLAB_WORKERS=W for every W of LIST (default:\n"
    "  1 and the usable CPUs), N times each (default 5), paired; prints CSV: seconds,\n"
    "  the CPU cores each run got, the cores other programs used meanwhile, its output.\n";

struct run {
    double seconds, cores, other;
    char output[128];
};

/* Run argv once with w workers; its stdout's last line is kept. Returns 0, or -1 if it
 * could not run or did not exit 0 (said on stderr). */
static int run_once(char **argv, int w, struct run *r)
{
    int fd[2], st = 0;
    char ws[16], buf[4096];
    struct rusage ru;
    double t0, b0, b1, cpu;
    size_t len = 0;
    pid_t pid;
    if (pipe(fd) < 0)
        die("time: cannot create a pipe: %s", strerror(errno));
    snprintf(ws, sizeof(ws), "%d", w);
    b0 = harness_machine_busy_s();
    t0 = now_s();
    pid = fork();
    if (pid < 0)
        die("time: cannot fork: %s", strerror(errno));
    if (pid == 0) {
        close(fd[0]);
        dup2(fd[1], STDOUT_FILENO);
        setenv("OMP_NUM_THREADS", ws, 1);
        setenv("PARLAB_WORKERS", ws, 1);
        execvp(argv[0], argv);
        fprintf(stderr, "parlab: time: cannot run '%s': %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(fd[1]);
    r->output[0] = '\0';
    for (;;) {
        ssize_t k = read(fd[0], buf + len, sizeof(buf) - 1 - len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        len += (size_t)k;
        if (len == sizeof(buf) - 1) { /* keep the tail: the last line is what counts */
            memmove(buf, buf + len / 2, len - len / 2);
            len -= len / 2;
        }
    }
    close(fd[0]);
    while (wait4(pid, &st, 0, &ru) < 0 && errno == EINTR)
        ;
    r->seconds = now_s() - t0;
    b1 = harness_machine_busy_s();
    cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
          (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
    r->cores = r->seconds > 0 ? cpu / r->seconds : 0;
    /* jiffies are coarse (10 ms): a short run's estimate is rough, never negative */
    r->other = b0 >= 0 && b1 >= 0 && r->seconds > 0 ? fmax(0, (b1 - b0 - cpu) / r->seconds) : NAN;
    buf[len] = '\0';
    while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        buf[--len] = '\0';
    {
        char *last = strrchr(buf, '\n');
        snprintf(r->output, sizeof(r->output), "%.127s", last ? last + 1 : buf);
        for (char *c = r->output; *c; c++)
            if (*c == ',' || *c == '"')
                *c = ' ';
    }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        note("time: '%s' with %d worker%s %s %d", argv[0], w, w == 1 ? "" : "s",
             WIFEXITED(st) ? "exited with status" : "was killed by signal",
             WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
        return -1;
    }
    return 0;
}

int timecmd_main(int argc, char **argv)
{
    long reps = 5;
    int workers[64], nw = 0, i;
    struct topo t;
    struct run *runs;
    double other_max = 0;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        }
        if (!strcmp(argv[i], "--help")) {
            fputs(usage, stdout);
            return EXIT_OK;
        }
        if (i + 1 >= argc)
            usage_error("time: %s needs a value", argv[i]);
        if (!strcmp(argv[i], "--reps")) {
            if (parse_long(argv[++i], 1, 1000, &reps) < 0)
                usage_error("time: --reps: '%s' is not a whole number from 1 to 1000", argv[i]);
        } else if (!strcmp(argv[i], "--workers")) {
            char *copy = xstrdup(argv[++i]), *tok, *save = NULL;
            for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                long w;
                if (parse_long(tok, 1, 4096, &w) < 0 || nw >= 64)
                    usage_error("time: --workers: '%s' is not a worker count from 1 to 4096", tok);
                workers[nw++] = (int)w;
            }
            free(copy);
        } else {
            usage_error("time: unknown option '%s' (parlab time --help)", argv[i]);
        }
    }
    if (i >= argc)
        usage_error("time: which command? (parlab time -- ./prog)");
    topo_detect(&t);
    if (nw == 0) {
        workers[nw++] = 1;
        if (t.usable > 1)
            workers[nw++] = t.usable;
    }
    runs = xcalloc((size_t)(reps * nw), sizeof(*runs));
    printf("workers,rep,seconds,cpu_cores,other_cores,output\n");
    for (long rep = 0; rep < reps; rep++)
        for (int k = 0; k < nw; k++) {
            int j = rep % 2 ? nw - 1 - k : k; /* every other repetition in reverse */
            struct run *r = &runs[rep * nw + j];
            if (run_once(argv + i, workers[j], r) < 0) {
                free(runs);
                topo_free(&t);
                return EXIT_FAIL;
            }
            if (r->other > other_max)
                other_max = r->other;
            printf("%d,%ld,%.6f,%.3f,%.3f,%s\n", workers[j], rep + 1, r->seconds, r->cores, r->other,
                   r->output);
            fflush(stdout);
        }
    printf("# usable_cpus,%d\n", t.usable);
    for (int k = 0; k < nw; k++) {
        double *sp = xmalloc(sizeof(double) * (size_t)reps), *co = xmalloc(sizeof(double) * (size_t)reps);
        struct summary s, c;
        for (long rep = 0; rep < reps; rep++) {
            sp[rep] = runs[rep * nw].seconds / runs[rep * nw + k].seconds; /* paired, against the first count */
            co[rep] = runs[rep * nw + k].cores;
        }
        stats_summarise(sp, (int)reps, &s);
        stats_summarise(co, (int)reps, &c);
        printf("# speedup,%d,%.3f,%.3f,%.3f\n", workers[k], s.median, s.min, s.max);
        printf("# cpu_cores,%d,%.3f\n", workers[k], c.median);
        free(sp), free(co);
    }
    printf("# other_cores_max,%.3f\n", other_max);
    free(runs);
    topo_free(&t);
    return EXIT_OK;
}
