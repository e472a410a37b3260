/* labs/tvp/tvp_proc.c: what /proc says about a process's memory (the memory
 * experiment's instrument), and the memory the machine has free (the --rss check).
 *
 * Both /proc/PID/smaps_rollup and /proc/PID/status, and /proc/meminfo, are lines
 * "Key:   value kB". */
#include "tvp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* We look for each key at the start of a line, so "Pss:" never matches "SwapPss:". */
int tvp_parse_kb_fields(const char *text, const char *const *keys, double *out, int n)
{
    int found = 0;
    for (const char *line = text; line && *line; line = strchr(line, '\n'), line += line != NULL) {
        for (int i = 0; i < n; i++) {
            size_t len = strlen(keys[i]);
            char *end;
            double v;
            if (strncmp(line, keys[i], len) || line[len] != ':')
                continue;
            v = strtod(line + len + 1, &end);
            if (end == line + len + 1)
                continue; /* no number after the key: not a value we understand */
            out[i] = v;
            found++;
        }
        if (!*line)
            break;
    }
    return found;
}

int tvp_read_kb_fields(const char *path, const char *const *keys, double *out, int n)
{
    static char buf[16384];
    if (read_small_file(path, buf, sizeof(buf)) < 0)
        return -1;
    return tvp_parse_kb_fields(buf, keys, out, n);
}

int tvp_mem_from(const char *rollup_path, const char *status_path, struct tvp_mem *m)
{
    static const char *const rk[] = {"Rss", "Pss", "Private_Clean", "Private_Dirty"};
    static const char *const sk[] = {"VmRSS"};
    double v[4] = {NAN, NAN, NAN, NAN};

    m->rss = m->pss = m->private_kib = NAN;
    if (rollup_path && tvp_read_kb_fields(rollup_path, rk, v, 4) == 4) {
        m->rss = v[0];
        m->pss = v[1];
        m->private_kib = v[2] + v[3];
        return 0;
    }
    /* No smaps_rollup: RSS alone, from status. PSS stays unknown, and we say so. */
    if (tvp_read_kb_fields(status_path, sk, v, 1) == 1) {
        m->rss = v[0];
        return 0;
    }
    return -1;
}

int tvp_mem_of(pid_t pid, struct tvp_mem *m)
{
    char r[64], s[64];
    if (pid == 0)
        pid = getpid();
    snprintf(r, sizeof(r), "/proc/%d/smaps_rollup", (int)pid);
    snprintf(s, sizeof(s), "/proc/%d/status", (int)pid);
    return tvp_mem_from(r, s, m);
}
