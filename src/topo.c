/* topo.c: affinity mask, cgroup CPU quota (v1 and v2), SMT, model name. All reads go
 * through a root prefix so tests can feed saved copies of /proc and /sys. */
#include "topo.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MAX_CPUS 8192
#define TOPO_PATH 1024

int topo_parse_cpulist(const char *s, int *out, int max)
{
    int n = 0;
    while (*s && isspace((unsigned char)*s))
        s++;
    if (!*s)
        return 0;
    for (;;) {
        char *end;
        long a = strtol(s, &end, 10), b;
        if (end == s || a < 0)
            return -1;
        b = a;
        s = end;
        if (*s == '-') {
            s++;
            b = strtol(s, &end, 10);
            if (end == s || b < a)
                return -1;
            s = end;
        }
        for (long c = a; c <= b; c++) {
            if (n >= max)
                return -1;
            out[n++] = (int)c;
        }
        if (*s == ',') {
            s++;
            continue;
        }
        while (*s && isspace((unsigned char)*s))
            s++;
        return *s ? -1 : n;
    }
}

double topo_parse_cpu_max(const char *text)
{
    char quota[32];
    long period;
    double q;
    if (sscanf(text, "%31s %ld", quota, &period) != 2 || period <= 0)
        return -1;
    if (strcmp(quota, "max") == 0)
        return 0;
    if (parse_double(quota, 1, 1e15, &q) < 0)
        return -1;
    return q / (double)period;
}

static void path_at(char *buf, size_t size, const char *root, const char *path)
{
    snprintf(buf, size, "%s%s", root, path);
}

/* Quota from one cgroup directory: v2 cpu.max or v1 cfs_quota_us / cfs_period_us.
 * Returns CPUs, 0 when unlimited or absent. */
static double quota_in_dir(const char *dir, char *src, size_t srcsize)
{
    char path[TOPO_PATH + 32], buf[128];
    double q;
    snprintf(path, sizeof(path), "%s/cpu.max", dir);
    if (read_small_file(path, buf, sizeof(buf)) > 0 && (q = topo_parse_cpu_max(buf)) > 0) {
        snprintf(src, srcsize, "%s", path);
        return q;
    }
    snprintf(path, sizeof(path), "%s/cpu.cfs_quota_us", dir);
    if (read_small_file(path, buf, sizeof(buf)) > 0) {
        long quota = strtol(buf, NULL, 10), period;
        snprintf(path, sizeof(path), "%s/cpu.cfs_period_us", dir);
        if (quota > 0 && read_small_file(path, buf, sizeof(buf)) > 0 &&
            (period = strtol(buf, NULL, 10)) > 0) {
            snprintf(src, srcsize, "%s", path);
            return (double)quota / (double)period;
        }
    }
    return 0;
}

/* The tightest quota from our cgroup up to the root of its hierarchy: a limit set
 * on a parent applies to every child. */
static double quota_walk(const char *mount, const char *cg, char *src, size_t srcsize)
{
    char dir[TOPO_PATH];
    double best = 0;
    snprintf(dir, sizeof(dir), "%s%s", mount, strcmp(cg, "/") ? cg : "");
    for (;;) {
        char s[TOPO_PATH + 32];
        double q = quota_in_dir(dir, s, sizeof(s));
        char *slash;
        if (q > 0 && (best == 0 || q < best)) {
            best = q;
            snprintf(src, srcsize, "%s", s);
        }
        slash = strrchr(dir, '/');
        if (!slash || (size_t)(slash - dir) < strlen(mount))
            break;
        *slash = '\0';
    }
    return best;
}

static void read_quota(struct topo *t, const char *root)
{
    char path[1024], buf[8192], *line, *save = NULL;
    snprintf(t->quota_src, sizeof(t->quota_src), "none");
    t->quota = 0;
    path_at(path, sizeof(path), root, "/proc/self/cgroup");
    if (read_small_file(path, buf, sizeof(buf)) <= 0)
        return;
    for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        /* "hierarchy-ID:controller-list:path" */
        char *c1 = strchr(line, ':'), *c2, mount[TOPO_PATH], src[TOPO_PATH + 32];
        double q = 0;
        if (!c1 || !(c2 = strchr(c1 + 1, ':')))
            continue;
        *c2 = '\0';
        if (c1[1] == '\0') { /* v2: "0::/path" */
            path_at(mount, sizeof(mount), root, "/sys/fs/cgroup");
            q = quota_walk(mount, c2 + 1, src, sizeof(src));
            if (q == 0) { /* hybrid layout */
                path_at(mount, sizeof(mount), root, "/sys/fs/cgroup/unified");
                q = quota_walk(mount, c2 + 1, src, sizeof(src));
            }
        } else {
            /* v1: the cpu controller, mounted as cpu or cpu,cpuacct */
            char ctl[256], *tok, *s2 = NULL;
            int is_cpu = 0;
            snprintf(ctl, sizeof(ctl), "%s", c1 + 1);
            for (tok = strtok_r(ctl, ",", &s2); tok; tok = strtok_r(NULL, ",", &s2))
                is_cpu |= strcmp(tok, "cpu") == 0;
            if (!is_cpu)
                continue;
            snprintf(path, sizeof(path), "/sys/fs/cgroup/%s", c1 + 1);
            path_at(mount, sizeof(mount), root, path);
            q = quota_walk(mount, c2 + 1, src, sizeof(src));
            if (q == 0) {
                path_at(mount, sizeof(mount), root, "/sys/fs/cgroup/cpu");
                q = quota_walk(mount, c2 + 1, src, sizeof(src));
            }
        }
        if (q > 0 && (t->quota == 0 || q < t->quota)) {
            t->quota = q;
            snprintf(t->quota_src, sizeof(t->quota_src), "%s", src + strlen(root));
        }
    }
}

static void read_affinity(struct topo *t, const char *root)
{
    char path[1024], buf[16384], *p;
    int *ids = xmalloc(sizeof(int) * MAX_CPUS), n = -1;
    path_at(path, sizeof(path), root, "/proc/self/status");
    if (read_small_file(path, buf, sizeof(buf)) > 0 && (p = strstr(buf, "Cpus_allowed_list:"))) {
        char *eol = strchr(p, '\n');
        if (eol)
            *eol = '\0';
        n = topo_parse_cpulist(p + strlen("Cpus_allowed_list:"), ids, MAX_CPUS);
    }
    if (n <= 0) {
        ids[0] = 0;
        n = 1;
    }
    t->cpus = ids;
    t->naffinity = n;
}

static void read_smt(struct topo *t, const char *root)
{
    /* Count distinct cores: a CPU whose first thread sibling is itself starts a core. */
    int cores = 0, maxsib = 1;
    for (int i = 0; i < t->naffinity; i++) {
        char rel[128], path[1024], buf[256];
        int sib[256], ns;
        snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/topology/thread_siblings_list",
                 t->cpus[i]);
        path_at(path, sizeof(path), root, rel);
        if (read_small_file(path, buf, sizeof(buf)) <= 0 ||
            (ns = topo_parse_cpulist(buf, sib, 256)) <= 0) {
            cores++;
            continue;
        }
        /* The core is counted once, at its lowest sibling inside our mask. */
        int first = 1;
        for (int j = 0; j < ns; j++)
            for (int k = 0; k < i; k++)
                if (t->cpus[k] == sib[j])
                    first = 0;
        cores += first;
        if (ns > maxsib)
            maxsib = ns;
    }
    t->cores = cores ? cores : 1;
    t->smt = maxsib;
}

static void read_model(struct topo *t, const char *root)
{
    char path[1024], *buf = xmalloc(1 << 16), *p;
    snprintf(t->model, sizeof(t->model), "unknown");
    path_at(path, sizeof(path), root, "/proc/cpuinfo");
    if (read_small_file(path, buf, 1 << 16) > 0 &&
        ((p = strstr(buf, "model name")) || (p = strstr(buf, "Model")) ||
         (p = strstr(buf, "cpu model")))) {
        char *colon = strchr(p, ':'), *eol;
        if (colon) {
            colon++;
            while (*colon == ' ' || *colon == '\t')
                colon++;
            if ((eol = strchr(colon, '\n')))
                *eol = '\0';
            snprintf(t->model, sizeof(t->model), "%s", colon);
        }
    }
    free(buf);
}

static int read_online(const char *root)
{
    char path[1024], buf[4096];
    int *ids = xmalloc(sizeof(int) * MAX_CPUS), n;
    path_at(path, sizeof(path), root, "/sys/devices/system/cpu/online");
    n = read_small_file(path, buf, sizeof(buf)) > 0 ? topo_parse_cpulist(buf, ids, MAX_CPUS) : -1;
    free(ids);
    return n > 0 ? n : 1;
}

int topo_detect_at(struct topo *t, const char *root)
{
    memset(t, 0, sizeof(*t));
    t->online = read_online(root);
    read_affinity(t, root);
    read_quota(t, root);
    read_smt(t, root);
    read_model(t, root);
    t->usable = t->naffinity;
    if (t->quota > 0 && ceil(t->quota - 1e-9) < t->usable)
        t->usable = (int)ceil(t->quota - 1e-9);
    if (t->usable < 1)
        t->usable = 1;
    return 0;
}

int topo_detect(struct topo *t)
{
    return topo_detect_at(t, "");
}

void topo_free(struct topo *t)
{
    free(t->cpus);
    t->cpus = NULL;
}

int topo_pin_thread(const struct topo *t, int worker)
{
    cpu_set_t *set;
    size_t size;
    int cpu = t->cpus[worker % t->naffinity], rc;
    set = CPU_ALLOC((size_t)cpu + 1);
    if (!set)
        return -1;
    size = CPU_ALLOC_SIZE((size_t)cpu + 1);
    CPU_ZERO_S(size, set);
    CPU_SET_S((size_t)cpu, size, set);
    rc = pthread_setaffinity_np(pthread_self(), size, set);
    CPU_FREE(set);
    if (rc) {
        errno = rc;
        return -1;
    }
    return 0;
}

void topo_cpulist_string(const struct topo *t, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < t->naffinity && len < size;) {
        int j = i;
        while (j + 1 < t->naffinity && t->cpus[j + 1] == t->cpus[j] + 1)
            j++;
        if (j > i)
            len += (size_t)snprintf(buf + len, size - len, "%s%d-%d", i ? "," : "", t->cpus[i], t->cpus[j]);
        else
            len += (size_t)snprintf(buf + len, size - len, "%s%d", i ? "," : "", t->cpus[i]);
        i = j + 1;
    }
}

void topo_describe(const struct topo *t, char *buf, size_t size)
{
    char list[256], quota[64];
    topo_cpulist_string(t, list, sizeof(list));
    if (t->quota > 0)
        snprintf(quota, sizeof(quota), "cgroup quota %.2f CPUs", t->quota);
    else
        snprintf(quota, sizeof(quota), "no cgroup quota");
    snprintf(buf, size, "%d usable CPU%s (affinity %s of %d online; %s; %d core%s, %s)",
             t->usable, t->usable == 1 ? "" : "s", list, t->online, quota, t->cores,
             t->cores == 1 ? "" : "s", t->smt > 1 ? "SMT" : "no SMT");
}
