/* mon_sample.c: parmon's sampler (see mon_sample.h). Reads through cpustat.h and status.h
 * and fills the struct mon_view the screen draws: no copying field by field elsewhere. */
#include "mon_sample.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "status.h"
#include "util.h"

#define PROC_ROOT "/proc"
#define SYS_CPU "/sys/devices/system/cpu"

const char mon_csv_header[] =
    "t,cpu,busy_pct,user_pct,system_pct,iowait_pct,steal_pct,experiment,variant,workers\n";

static const char *env_or(const char *name, const char *def)
{
    const char *v = getenv(name);
    return v && *v ? v : def;
}

/* ---- the CPUs --------------------------------------------------------------------------- */

/* One read of /proc/stat; from the second on, the usage since the one before. */
static int sample_cpus(struct mon_sampler *s, struct mon_view *v)
{
    const struct cpustat_snap *before = &s->snap[s->cur];
    struct cpustat_snap *now = &s->snap[s->cur ^ 1];
    int n;
    if (cpustat_reader_read(&s->rd, now) < 0)
        return -1;
    s->cur ^= 1;
    s->t_cur = now_s();
    s->nread++;
    n = now->ncpu; /* may be 0: a /proc/stat with only the "cpu" line and no sysfs lists */
    if (n > s->use_cap) {
        s->use = xrealloc(s->use, (size_t)n * sizeof(*s->use));
        s->use_cap = n;
    }
    if (n > s->hist_ncpu) { /* a row a CPU: new CPUs get rows of "no history" (0) */
        s->hist = xrealloc(s->hist, (size_t)n * MON_HIST_CAP);
        memset(s->hist + (size_t)s->hist_ncpu * MON_HIST_CAP, 0,
               (size_t)(n - s->hist_ncpu) * MON_HIST_CAP);
        s->hist_ncpu = n;
    }
    v->ncpu = n;
    v->nonline = now->nonline;
    v->use = s->use;
    v->hist = s->hist;
    v->hist_cap = MON_HIST_CAP;
    if (s->nread < 2) {
        for (int c = 0; c < n; c++) {
            memset(&s->use[c], 0, sizeof(s->use[c]));
            s->use[c].online = now->online[c];
        }
        return 0;
    }
    cpustat_snap_usage(before, now, -1, &v->all);
    for (int c = 0; c < n; c++) {
        cpustat_snap_usage(before, now, c, &s->use[c]);
        s->use[c].online = now->online[c]; /* online now, even if with no delta yet */
        s->hist[(size_t)c * MON_HIST_CAP + (size_t)(v->hist_count % MON_HIST_CAP)] =
            now->online[c] ? (unsigned char)(s->use[c].busy + 0.5) : MON_HIST_OFFLINE;
    }
    v->hist_count++;
    v->nsample = v->hist_count;
    v->have_sample = 1;
    return 0;
}

int mon_sample_open(struct mon_sampler *s, struct mon_view *v, char *why, size_t size)
{
    memset(s, 0, sizeof(*s));
    s->rd.fd = -1;
    s->hz = sysconf(_SC_CLK_TCK);
    snprintf(s->stat_path, sizeof(s->stat_path), "%s", env_or("PARMON_PROC_STAT", PROC_ROOT "/stat"));
    if (cpustat_reader_open(&s->rd, s->stat_path, env_or("PARMON_SYS_CPU", SYS_CPU)) < 0) {
        snprintf(why, size, "cannot read '%s': %s", s->stat_path, strerror(errno));
        return -1;
    }
    s->t0 = now_s();
    errno = 0;
    if (sample_cpus(s, v) < 0) {
        snprintf(why, size, "cannot read '%s': %s", s->stat_path,
                 errno ? strerror(errno) : "no 'cpu' line: not a /proc/stat");
        return -1;
    }
    return 0;
}

/* ---- the followed tree and its lab ------------------------------------------------------ */

/* The lab's page is gone: it ended (the page is removed on exit, perhaps before a
 * sample saw "done"). Its last point stays on screen, marked as ended. */
static void status_gone(struct mon_view *v)
{
    if (v->have_status && strcmp(v->status.state, "done") && strcmp(v->status.state, "interrupted"))
        snprintf(v->status.state, sizeof(v->status.state), "ended");
}

/* The lab's page, read afresh every sample. The lab may be the process itself or a
 * descendant (the tour forks one child a lab): the page found last time is tried first,
 * then the tree from the top. When none is found (the lab ended and removed its page)
 * the last state read stays on screen. */
static void read_status(struct mon_sampler *s, struct mon_view *v, const struct cpustat_task *t, int n)
{
    struct status_page pg; /* a failed read may leave it torn: copy only a good one */
    if (s->status_pid && status_read_pid(s->status_pid, &pg) == 0) {
        v->status = pg;
        return;
    }
    s->status_pid = 0;
    for (int i = 0; i < n; i++) {
        if (t[i].tid == t[i].tgid && status_read_pid(t[i].tid, &pg) == 0) {
            v->status = pg;
            v->have_status = 1;
            s->status_pid = t[i].tid;
            return;
        }
    }
    status_gone(v);
}

/* The followed tree: its threads with their CPU%, its cores, and the lab's page. */
static void sample_tree(struct mon_sampler *s, struct mon_view *v)
{
    int nxt = s->tcur ^ 1, had = s->ntasks[s->tcur], n;
    double t = now_s(), dt = t - s->tt_prev;
    uint64_t ticks;
    if (!s->pid || s->gone)
        return;
    n = cpustat_collect_tree(PROC_ROOT, s->pid, s->tasks[nxt], MON_MAX_TASKS);
    if (n < 0) {
        s->gone = 1; /* keep the last list on screen */
        status_gone(v);
        return;
    }
    cpustat_task_rates(s->tasks[s->tcur], had, s->tasks[nxt], n, had ? dt : 0, s->hz);
    /* The tree's cores from its total CPU time, not the sum of its threads' rates: a
     * thread or child that lived between two samples still counts. */
    ticks = cpustat_tree_ticks(s->tasks[nxt], n);
    v->tree_cores = had && dt > 0 && s->hz > 0
                        ? (double)cpustat_sat_sub(ticks, s->tree_ticks) / ((double)s->hz * dt)
                        : 0;
    s->tree_ticks = ticks;
    s->tcur = nxt;
    s->ntasks[nxt] = n;
    s->tt_prev = t;
    v->tasks = s->tasks[nxt];
    v->ntasks = n;
    v->nprocs = 0;
    for (int i = 0; i < n; i++)
        v->nprocs += s->tasks[nxt][i].tid == s->tasks[nxt][i].tgid;
    read_status(s, v, s->tasks[nxt], n);
}

void mon_sample_follow(struct mon_sampler *s, struct mon_view *v, int pid)
{
    if (pid <= 0)
        return;
    s->pid = pid;
    s->gone = 0;
    if (!s->tasks[0]) {
        s->tasks[0] = xcalloc(MON_MAX_TASKS, sizeof(struct cpustat_task));
        s->tasks[1] = xcalloc(MON_MAX_TASKS, sizeof(struct cpustat_task));
    }
    v->follow_pid = pid;
    sample_tree(s, v);
}

void mon_sample_ended(struct mon_sampler *s, struct mon_view *v)
{
    s->gone = 1;
    status_gone(v);
}

int mon_sample(struct mon_sampler *s, struct mon_view *v)
{
    if (sample_cpus(s, v) < 0)
        return -1;
    sample_tree(s, v);
    return 0;
}

/* ---- the CSV ---------------------------------------------------------------------------- */

/* A status field as a CSV field: commas and quotes would break the row. */
static void csv_plain(char *dst, size_t size, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < size; i++)
        dst[i] = src[i] == ',' || src[i] == '"' || src[i] == '\n' ? ' ' : src[i];
    dst[i] = '\0';
}

int mon_sample_csv(FILE *f, const struct mon_sampler *s, const struct mon_view *v)
{
    char buf[256], phase[160] = ",,";
    double t = s->t_cur - s->t0;
    const struct cpustat_snap *now = &s->snap[s->cur];
    if (!v->have_sample)
        return 0;
    /* What the followed lab is doing, so a chart of the recording can name its phases. */
    if (v->have_status && !strcmp(v->status.state, "running")) {
        char e[64], va[64];
        csv_plain(e, sizeof(e), v->status.experiment);
        csv_plain(va, sizeof(va), v->status.variant);
        snprintf(phase, sizeof(phase), "%s,%s,%d", e, va, (int)v->status.workers);
    }
    for (int c = 0; c <= now->ncpu; c++) {
        const struct cpustat_usage *u = c < now->ncpu ? &s->use[c] : &v->all;
        if (c < now->ncpu && !now->online[c])
            continue; /* offline: no row (documented in docs/parmon.md) */
        if (c < now->ncpu)
            snprintf(buf, sizeof(buf), "%.3f,%d,%.2f,%.2f,%.2f,%.2f,%.2f,%s\n", t, c, u->busy,
                     u->user, u->system, u->iowait, u->steal, phase);
        else
            snprintf(buf, sizeof(buf), "%.3f,all,%.2f,%.2f,%.2f,%.2f,%.2f,%s\n", t, u->busy,
                     u->user, u->system, u->iowait, u->steal, phase);
        fputs(buf, f);
    }
    return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}

void mon_sample_close(struct mon_sampler *s)
{
    cpustat_reader_close(&s->rd);
    cpustat_snap_free(&s->snap[0]);
    cpustat_snap_free(&s->snap[1]);
    free(s->use);
    free(s->hist);
    free(s->tasks[0]);
    free(s->tasks[1]);
    memset(s, 0, sizeof(*s));
    s->rd.fd = -1;
}

void mon_sample_proc_name(int pid, char *out, size_t size)
{
    struct cpustat_task t;
    char path[64], buf[1024];
    out[0] = '\0';
    snprintf(path, sizeof(path), PROC_ROOT "/%d/stat", pid);
    if (read_small_file(path, buf, sizeof(buf)) > 0 && cpustat_parse_task_stat(buf, &t) == 0)
        snprintf(out, size, "(%s)", t.name);
}
