/* cpustat.c: /proc/stat, sysfs CPU lists and /proc/PID/task parsers. Nothing here draws. */
#include "cpustat.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* ---- /proc/stat --------------------------------------------------------------------- */

void cpustat_snap_free(struct cpustat_snap *s)
{
    free(s->cpu);
    free(s->has);
    free(s->online);
    memset(s, 0, sizeof(*s));
}

/* Make room for CPU ids 0..n-1; new slots are zero (no data, offline). */
static void snap_grow(struct cpustat_snap *s, int n)
{
    int cap = s->cap ? s->cap : 8;
    if (n <= s->cap)
        return;
    while (cap < n)
        cap *= 2;
    s->cpu = xrealloc(s->cpu, (size_t)cap * sizeof(*s->cpu));
    s->has = xrealloc(s->has, (size_t)cap);
    s->online = xrealloc(s->online, (size_t)cap);
    memset(s->cpu + s->cap, 0, (size_t)(cap - s->cap) * sizeof(*s->cpu));
    memset(s->has + s->cap, 0, (size_t)(cap - s->cap));
    memset(s->online + s->cap, 0, (size_t)(cap - s->cap));
    s->cap = cap;
}

/* "  123 456 ..." -> up to 10 counters; older kernels have fewer columns (zeros). */
static const char *parse_counters(const char *p, struct cpustat_counters *c)
{
    uint64_t v[10] = {0};
    for (int i = 0; i < 10; i++) {
        char *end;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!isdigit((unsigned char)*p))
            break;
        v[i] = strtoull(p, &end, 10);
        p = end;
    }
    c->user = v[0], c->nice = v[1], c->system = v[2], c->idle = v[3], c->iowait = v[4];
    c->irq = v[5], c->softirq = v[6], c->steal = v[7], c->guest = v[8], c->guest_nice = v[9];
    return p;
}

int cpustat_parse_stat(const char *text, struct cpustat_snap *s)
{
    int seen_all = 0;
    const char *p = text;
    if (s->cap)
        memset(s->has, 0, (size_t)s->cap), memset(s->online, 0, (size_t)s->cap);
    s->ncpu = 0;
    s->nonline = 0;
    while (*p) {
        if (strncmp(p, "cpu", 3) == 0) {
            if (p[3] == ' ') {
                parse_counters(p + 3, &s->all);
                seen_all = 1;
            } else if (isdigit((unsigned char)p[3])) {
                char *end;
                long id = strtol(p + 3, &end, 10);
                if (id >= 0 && id < 1 << 20) {
                    snap_grow(s, (int)id + 1);
                    parse_counters(end, &s->cpu[id]);
                    s->has[id] = 1;
                    s->online[id] = 1;
                    s->nonline++;
                    if (id + 1 > s->ncpu)
                        s->ncpu = (int)id + 1;
                }
            }
        } else if (seen_all) {
            break; /* the cpu lines come first: the rest (intr, ctxt, ...) is not ours */
        }
        p = strchr(p, '\n');
        if (!p)
            break;
        p++;
    }
    return seen_all ? 0 : -1;
}

/* Walk a kernel CPU list ("0-3,8"): mark ids below nbits in bits (may be NULL) and
 * return the highest id + 1 (0 for an empty list), or -1 if malformed. */
static int cpulist_walk(const char *s, unsigned char *bits, int nbits)
{
    int top = 0;
    while (*s && isspace((unsigned char)*s))
        s++;
    while (*s) {
        char *end;
        long a = strtol(s, &end, 10), b;
        if (end == s || a < 0 || a >= 1 << 20)
            return -1;
        b = a;
        s = end;
        if (*s == '-') {
            b = strtol(s + 1, &end, 10);
            if (end == s + 1 || b < a || b >= 1 << 20)
                return -1;
            s = end;
        }
        for (long c = a; bits && c <= b && c < nbits; c++)
            bits[c] = 1;
        if (b + 1 > top)
            top = (int)b + 1;
        if (*s == ',')
            s++;
        else if (*s && !isspace((unsigned char)*s))
            return -1;
        while (*s && isspace((unsigned char)*s))
            s++;
    }
    return top;
}

int cpustat_apply_cpulists(struct cpustat_snap *s, const char *present, const char *online)
{
    if (present && *present) {
        int top = cpulist_walk(present, NULL, 0);
        if (top < 0)
            return -1;
        if (top > s->ncpu) {
            snap_grow(s, top);
            s->ncpu = top;
        }
    }
    if (online && *online) {
        unsigned char small[1024], *listed = small;
        int top = cpulist_walk(online, NULL, 0);
        if (top < 0)
            return -1;
        if (s->ncpu > (int)sizeof(small))
            listed = xmalloc((size_t)s->ncpu);
        memset(listed, 0, (size_t)(s->ncpu > 0 ? s->ncpu : 1));
        cpulist_walk(online, listed, s->ncpu);
        s->nonline = 0;
        for (int c = 0; c < s->ncpu; c++) {
            s->online[c] = s->has[c] && listed[c];
            s->nonline += s->online[c];
        }
        if (listed != small)
            free(listed);
    }
    return 0;
}

uint64_t cpustat_sat_sub(uint64_t a, uint64_t b)
{
    return a > b ? a - b : 0;
}

uint64_t cpustat_sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

void cpustat_usage(const struct cpustat_counters *prev, const struct cpustat_counters *cur,
                   struct cpustat_usage *u)
{
    /* htop: user and nice include guest and guest_nice: take them out. Every difference
     * is taken counter by counter and saturates at 0, and the sums are in double: a sum
     * of counters near 2^64 (a corrupt or hostile /proc/stat, a hypervisor's reset) can
     * never wrap around into a small total and give a busy of 1.8e21 %. */
    uint64_t user = cpustat_sat_sub(cur->user, cur->guest);
    uint64_t nice = cpustat_sat_sub(cur->nice, cur->guest_nice);
    uint64_t puser = cpustat_sat_sub(prev->user, prev->guest);
    uint64_t pnice = cpustat_sat_sub(prev->nice, prev->guest_nice);
    double d_user = (double)cpustat_sat_sub(user, puser) + (double)cpustat_sat_sub(nice, pnice);
    double d_sys = (double)cpustat_sat_sub(cur->system, prev->system) +
                   (double)cpustat_sat_sub(cur->irq, prev->irq) +
                   (double)cpustat_sat_sub(cur->softirq, prev->softirq);
    double d_idle = (double)cpustat_sat_sub(cur->idle, prev->idle);
    double d_io = (double)cpustat_sat_sub(cur->iowait, prev->iowait);
    double d_steal = (double)cpustat_sat_sub(cur->steal, prev->steal);
    double d_guest = (double)cpustat_sat_sub(cur->guest, prev->guest) +
                     (double)cpustat_sat_sub(cur->guest_nice, prev->guest_nice);
    double busy = d_user + d_sys + d_steal + d_guest;
    double total = busy + d_idle + d_io;
    double t = total > 0 ? total : 1.0;
    u->online = 1;
    u->user = 100.0 * d_user / t;
    u->system = 100.0 * d_sys / t;
    u->iowait = 100.0 * d_io / t;
    u->steal = 100.0 * d_steal / t;
    u->guest = 100.0 * d_guest / t;
    u->busy = 100.0 * busy / t;
}

void cpustat_snap_usage(const struct cpustat_snap *prev, const struct cpustat_snap *cur, int c,
                        struct cpustat_usage *u)
{
    if (c < 0) {
        cpustat_usage(&prev->all, &cur->all, u);
        return;
    }
    if (c >= prev->ncpu || c >= cur->ncpu || !prev->online[c] || !cur->online[c]) {
        memset(u, 0, sizeof(*u));
        return;
    }
    cpustat_usage(&prev->cpu[c], &cur->cpu[c], u);
}

int cpustat_reader_open(struct cpustat_reader *r, const char *stat_path, const char *sysdir)
{
    memset(r, 0, sizeof(*r));
    r->fd = open(stat_path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0)
        return -1;
    r->cap = 16384;
    r->buf = xmalloc(r->cap);
    snprintf(r->sysdir, sizeof(r->sysdir), "%s", sysdir ? sysdir : "");
    return 0;
}

int cpustat_reader_read(struct cpustat_reader *r, struct cpustat_snap *s)
{
    ssize_t n;
    char present[4096], online[4096], path[320];
    /* /proc/stat is generated on read: a pread from offset 0 gets a fresh copy. A buffer
     * that came back full may have been too small: grow it and read again. */
    for (;;) {
        n = pread(r->fd, r->buf, r->cap - 1, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if ((size_t)n < r->cap - 1)
            break;
        r->cap *= 2;
        r->buf = xrealloc(r->buf, r->cap);
    }
    r->buf[n] = '\0';
    if (cpustat_parse_stat(r->buf, s) < 0)
        return -1;
    if (r->sysdir[0]) {
        snprintf(path, sizeof(path), "%s/present", r->sysdir);
        if (read_small_file(path, present, sizeof(present)) < 0)
            present[0] = '\0';
        snprintf(path, sizeof(path), "%s/online", r->sysdir);
        if (read_small_file(path, online, sizeof(online)) < 0)
            online[0] = '\0';
        cpustat_apply_cpulists(s, present, online);
    }
    return 0;
}

void cpustat_reader_close(struct cpustat_reader *r)
{
    if (r->fd >= 0)
        close(r->fd);
    free(r->buf);
    memset(r, 0, sizeof(*r));
    r->fd = -1;
}

/* ---- /proc/PID/task/TID/stat ---------------------------------------------------------- */

int cpustat_parse_task_stat(const char *text, struct cpustat_task *t)
{
    const char *open = strchr(text, '('), *close = strrchr(text, ')'), *p;
    unsigned long long utime = 0, stime = 0, cutime = 0, cstime = 0;
    long nthreads = 0, cpu = -1, ppid = 0;
    size_t len;
    int field;
    if (!open || !close || close < open)
        return -1;
    memset(t, 0, sizeof(*t));
    t->tid = atoi(text);
    if (t->tid <= 0)
        return -1;
    len = (size_t)(close - open - 1);
    if (len >= sizeof(t->name))
        len = sizeof(t->name) - 1;
    memcpy(t->name, open + 1, len);
    t->name[len] = '\0';
    /* Fields after the last ')': field 3 is the state, then numbers separated by spaces. */
    p = close + 1;
    for (field = 3; *p && field <= 39; field++) {
        char *end;
        while (*p == ' ')
            p++;
        if (!*p || *p == '\n')
            break;
        if (field == 3) {
            t->state = *p;
            while (*p && *p != ' ')
                p++;
            continue;
        }
        if (field == 14)
            utime = strtoull(p, &end, 10);
        else if (field == 15)
            stime = strtoull(p, &end, 10);
        else if (field == 16 || field == 17) { /* signed in the kernel; never negative */
            long long v = strtoll(p, &end, 10);
            *(field == 16 ? &cutime : &cstime) = v > 0 ? (unsigned long long)v : 0;
        }
        else {
            long v = strtol(p, &end, 10);
            if (field == 4)
                ppid = v;
            else if (field == 20)
                nthreads = v;
            else if (field == 39)
                cpu = v;
        }
        if (end == p)
            return -1;
        p = end;
    }
    if (field <= 39 || !t->state)
        return -1; /* too few fields: not a stat file we understand */
    t->tgid = t->tid;
    t->ppid = (int)ppid;
    t->ticks = cpustat_sat_add(utime, stime);
    t->child_ticks = cpustat_sat_add(cutime, cstime);
    t->nthreads = (int)nthreads;
    t->cpu = (int)cpu;
    return 0;
}

static int read_task(const char *path, struct cpustat_task *t)
{
    char buf[1024];
    if (read_small_file(path, buf, sizeof(buf)) <= 0)
        return -1;
    return cpustat_parse_task_stat(buf, t);
}

/* A growable list of pids still to visit. */
struct pid_queue {
    int *v;
    int n, cap, head;
};

static void queue_push(struct pid_queue *q, int pid)
{
    for (int i = 0; i < q->n; i++)
        if (q->v[i] == pid)
            return; /* already queued or visited */
    if (q->n == q->cap) {
        q->cap = q->cap ? 2 * q->cap : 16;
        q->v = xrealloc(q->v, (size_t)q->cap * sizeof(int));
    }
    q->v[q->n++] = pid;
}

/* Push every pid listed in a children file ("123 456 "). Returns -1 if it is missing. */
static int push_children_file(const char *path, struct pid_queue *q)
{
    char buf[4096];
    const char *p = buf;
    if (read_small_file(path, buf, sizeof(buf)) < 0)
        return -1;
    while (*p) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p)
            break;
        if (v > 0)
            queue_push(q, (int)v);
        p = end;
    }
    return 0;
}

/* Kernels without CONFIG_PROC_CHILDREN: find the children by their PPid. */
static void push_children_scan(const char *procroot, int pid, struct pid_queue *q)
{
    DIR *d = opendir(procroot);
    struct dirent *e;
    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        char path[512];
        struct cpustat_task t;
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        snprintf(path, sizeof(path), "%s/%s/stat", procroot, e->d_name);
        if (read_task(path, &t) == 0 && t.ppid == pid)
            queue_push(q, t.tid);
    }
    closedir(d);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int cpustat_collect_tree(const char *procroot, int pid, struct cpustat_task *out, int max)
{
    struct pid_queue q = {0};
    int n = 0;
    queue_push(&q, pid);
    while (q.head < q.n) {
        int p = q.v[q.head++], ntids = 0, cap = 0, have_children_file = 0;
        int *tids = NULL;
        char path[512];
        DIR *d;
        struct dirent *e;
        struct cpustat_task t;
        snprintf(path, sizeof(path), "%s/%d/stat", procroot, p);
        if (read_task(path, &t) < 0) {
            if (p == pid) {
                free(q.v);
                return -1;
            }
            continue; /* a child that ended between two reads */
        }
        snprintf(path, sizeof(path), "%s/%d/task", procroot, p);
        d = opendir(path);
        while (d && (e = readdir(d)) != NULL) {
            if (!isdigit((unsigned char)e->d_name[0]))
                continue;
            if (ntids == cap) {
                cap = cap ? 2 * cap : 16;
                tids = xrealloc(tids, (size_t)cap * sizeof(int));
            }
            tids[ntids++] = atoi(e->d_name);
        }
        if (d)
            closedir(d);
        if (ntids == 0) { /* no task folder: show the process alone */
            tids = xrealloc(tids, sizeof(int));
            tids[ntids++] = p;
        }
        qsort(tids, (size_t)ntids, sizeof(int), cmp_int); /* main thread (tid == pid) first */
        for (int i = 0; i < ntids; i++) {
            struct cpustat_task tt;
            snprintf(path, sizeof(path), "%s/%d/task/%d/stat", procroot, p, tids[i]);
            if (read_task(path, &tt) < 0) {
                if (tids[i] != p)
                    continue;
                tt = t; /* the main thread, read as the process */
            }
            tt.tgid = p;
            if (tids[i] == p) {
                tt.ppid = t.ppid;
                tt.child_ticks = t.child_ticks;
                tt.proc_ticks = t.ticks; /* all threads, ended ones too */
            }
            if (n < max)
                out[n++] = tt;
            snprintf(path, sizeof(path), "%s/%d/task/%d/children", procroot, p, tids[i]);
            if (push_children_file(path, &q) == 0)
                have_children_file = 1;
        }
        free(tids);
        if (!have_children_file)
            push_children_scan(procroot, p, &q);
    }
    free(q.v);
    return n;
}

uint64_t cpustat_tree_ticks(const struct cpustat_task *t, int n)
{
    uint64_t sum = 0;
    for (int i = 0; i < n; i++)
        if (t[i].tid == t[i].tgid)
            sum = cpustat_sat_add(sum, cpustat_sat_add(t[i].proc_ticks, t[i].child_ticks));
    return sum;
}

static int cmp_task_tid(const void *a, const void *b)
{
    const struct cpustat_task *x = a, *y = b;
    return (x->tid > y->tid) - (x->tid < y->tid);
}

void cpustat_task_rates(struct cpustat_task *prev, int nprev, struct cpustat_task *cur,
                        int ncur, double dt_s, long hz)
{
    if (nprev > 0)
        qsort(prev, (size_t)nprev, sizeof(*prev), cmp_task_tid);
    for (int i = 0; i < ncur; i++) {
        const struct cpustat_task *p = NULL;
        cur[i].cpu_pct = CPUSTAT_NEW_TASK;
        if (nprev > 0)
            p = bsearch(&cur[i], prev, (size_t)nprev, sizeof(*prev), cmp_task_tid);
        /* A task not seen before has no rate yet (CPUSTAT_NEW_TASK); a reused tid (ticks
         * went backwards) or no time elapsed: 0. */
        if (p)
            cur[i].cpu_pct = 0;
        if (p && dt_s > 0 && hz > 0)
            cur[i].cpu_pct = 100.0 * (double)cpustat_sat_sub(cur[i].ticks, p->ticks) /
                             ((double)hz * dt_s);
    }
}
