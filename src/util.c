/* util.c: exit codes, error messages, clocks, checked allocation, strict parsing. */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

const char *progname = "parlab";

/* One line on stderr. A message may quote a value it was given (an argument, a field
 * of a file): bytes that could drive a terminal (escape sequences, newlines) are shown
 * as \xNN, so a message is always one harmless line. */
__attribute__((format(printf, 1, 0))) static void vmsg(const char *fmt, va_list ap)
{
    char buf[2048], out[4096];
    size_t o = 0;
    vsnprintf(buf, sizeof(buf), fmt, ap);
    for (const char *p = buf; *p && o + 5 < sizeof(out); p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7f)
            o += (size_t)snprintf(out + o, sizeof(out) - o, "\\x%02x", c);
        else
            out[o++] = (char)c;
    }
    out[o] = '\0';
    fprintf(stderr, "%s: %s\n", progname, out);
}

void usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(fmt, ap);
    va_end(ap);
    exit(EXIT_USAGE);
}

void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(fmt, ap);
    va_end(ap);
    exit(EXIT_FAIL);
}

void note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(fmt, ap);
    va_end(ap);
}

double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double cpu_time_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory (%zu bytes)", n);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        die("out of memory (%zu x %zu bytes)", n, size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        die("out of memory (%zu bytes)", n);
    return q;
}

char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        die("out of memory");
    return p;
}

int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v;
    if (!s || !*s)
        return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v;
    if (!s || !*s)
        return -1;
    errno = 0;
    v = strtod(s, &end);
    if (errno || *end || end == s || !isfinite(v) || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int read_full(int fd, void *buf, size_t n)
{
    char *p = buf;
    while (n > 0) {
        ssize_t k = read(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k == 0)
            errno = 0;
        if (k <= 0)
            return -1;
        p += k, n -= (size_t)k;
    }
    return 0;
}

int write_full(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k == 0)
            errno = 0;
        if (k <= 0)
            return -1;
        p += k, n -= (size_t)k;
    }
    return 0;
}

long read_small_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    size_t got = 0;
    if (fd < 0)
        return -1;
    while (got + 1 < size) {
        ssize_t n = read(fd, buf + got, size - 1 - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    buf[got] = '\0';
    return (long)got;
}

/* ---- tab-separated lines: the child protocol's framing -------------------------------- */

void line_send(int fd, char tag, const char *const *fields, int n)
{
    char stackbuf[4096], *buf = stackbuf;
    size_t need = 3, len = 1;
    for (int i = 0; i < n; i++)
        need += 1 + (fields[i] ? strlen(fields[i]) : 0);
    if (need > sizeof(stackbuf))
        buf = xmalloc(need);
    buf[0] = tag;
    for (int i = 0; i < n; i++) {
        buf[len++] = '\t';
        /* a tab or newline inside a field would break the framing: it becomes a space */
        for (const char *s = fields[i] ? fields[i] : ""; *s; s++)
            buf[len++] = (*s == '\t' || *s == '\n' || *s == '\r') ? ' ' : *s;
    }
    buf[len++] = '\n';
    if (write_full(fd, buf, len) < 0) {
        /* the reader is gone: the caller notices when it next checks for a stop */
    }
    if (buf != stackbuf)
        free(buf);
}

int line_split(char *line, char **fields, int max)
{
    int n = 0;
    line[strcspn(line, "\n")] = '\0';
    while (n < max) {
        fields[n++] = line;
        line = strchr(line, '\t');
        if (!line)
            break;
        *line++ = '\0';
    }
    return n;
}

/* ---- injected faults, for the tests ------------------------------------------------------ */

int fault_at(const char *where, int k)
{
    const char *f = getenv("PARLAB_FAULT");
    char kind[16], place[32];
    int at;
    if (!f || sscanf(f, "%15[a-z]@%31[a-z]:%d", kind, place, &at) != 3 || strcmp(place, where) || at != k)
        return 0;
    if (!strcmp(kind, "die"))
        die("fault injected at %s:%d (PARLAB_FAULT)", where, k);
    if (!strcmp(kind, "term"))
        raise(SIGTERM);
    else if (!strcmp(kind, "int"))
        raise(SIGINT);
    else if (!strcmp(kind, "hup"))
        raise(SIGHUP);
    else if (!strcmp(kind, "termparent")) /* the tour running this lab gets SIGTERM */
        kill(getppid(), SIGTERM);
    else if (!strcmp(kind, "enospc"))
        return ENOSPC;
    return 0;
}
