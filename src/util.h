/* util.h: small helpers every part of parlab shares: exit codes, errors, clocks. */
#ifndef PARLAB_UTIL_H
#define PARLAB_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

/* Exit codes, named as stress-ng names its own, so scripts can tell them apart. */
enum {
    EXIT_OK = 0,
    EXIT_FAIL = 1,        /* something went wrong while measuring or writing   */
    EXIT_USAGE = 2,       /* bad command line or bad input file                */
    EXIT_SKIPPED = 3,     /* the lab cannot run here (dependency not built)    */
    EXIT_INTERRUPTED = 130 /* Ctrl-C or SIGTERM: nothing half-written was left */
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* usage_error("--workers: '%s' is not a number", s): one line on stderr, exit 2. */
noreturn void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* die("cannot write '%s'", path): one line on stderr, exit 1. */
noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* warnx-like message on stderr, prefixed "parlab: ". */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Monotonic seconds, for timing. now_s() costs ~20 ns through the vDSO. */
double now_s(void);
/* Process CPU time (user + system, all threads) in seconds. */
double cpu_time_s(void);

/* Checked allocation: dies on out-of-memory, never returns NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Strict number parsing: the whole string must be a number in [lo, hi].
 * Returns 0 and sets *out, or -1. parse_long("12", 1, 4096, &n) */
int parse_long(const char *s, long lo, long hi, long *out);
int parse_double(const char *s, double lo, double hi, double *out);

/* Read a whole small file (under /proc or /sys) into buf, NUL-terminated.
 * Returns bytes read, or -1 if it cannot be opened. */
long read_small_file(const char *path, char *buf, size_t size);

/* Move exactly n bytes through a pipe or socket, retrying short transfers and EINTR
 * (a pipe moves at most its buffer, 64 KiB, at a time). Return 0, or -1 on an error or
 * at end of file (errno 0: the other side closed or died). */
int read_full(int fd, void *buf, size_t n);
int write_full(int fd, const void *buf, size_t n);

/* One line of tab-separated fields, tag first: "R\tfield\tfield\n", written at once
 * (tabs and newlines inside a field become spaces). The framing of the child protocol
 * (harness_child.c). */
void line_send(int fd, char tag, const char *const *fields, int n);
/* Split a line on tabs in place (its newline removed). Returns the field count. */
int line_split(char *line, char **fields, int max);

/* A fault the tests inject (PARLAB_FAULT=KIND@WHERE:K): at the K-th pass through the
 * place called where, die (die), raise SIGTERM (term), SIGINT (int) or SIGHUP (hup),
 * send SIGTERM to the parent (termparent: a tour stopped while its lab runs), or
 * return ENOSPC (enospc: the caller fails as if the disk were full). Returns 0 when no
 * fault is due. Places: point (a lab announces its K-th point), write (the K-th file of
 * a set is complete, before any rename), publish (the K-th rename, signals blocked). */
int fault_at(const char *where, int k);

/* The program name used in messages ("parlab" or "parmon"). */
extern const char *progname;

#endif
