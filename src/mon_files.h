/* mon_files.h: the files parmon writes, opened so that nobody else can aim them.
 *
 * The launched command's log. By default it goes into a folder private to this user
 * (mode 0700, ours, not a symbolic link): $XDG_RUNTIME_DIR when it is set and passes that
 * check, else ${TMPDIR:-/tmp}/parmon-UID (created 0700, or checked), else a fresh
 * ${TMPDIR:-/tmp}/parmon-UID-XXXXXX (mkdtemp) when that name is taken by someone else. The
 * file is created there with O_CREAT|O_EXCL|O_NOFOLLOW: a name that exists (a planted
 * symbolic link, a stale log) is never opened, the next free name is. --log FILE is
 * opened without following a symbolic link and without truncating: a file that exists is
 * appended to.
 *
 * --record FILE is written to a new temporary file beside it (FILE.XXXXXX.part, made by
 * mkstemp: never an existing name) and renamed to FILE when parmon ends.
 *
 * Every open returns 0, or an exit code (EXIT_USAGE: the value given is bad; EXIT_FAIL)
 * with one line naming the bad value in `why`. */
#ifndef PARLAB_MON_FILES_H
#define PARLAB_MON_FILES_H

#include <limits.h>
#include <stdio.h>
#include <sys/types.h>

struct mon_log {
    int fd;                  /* the command's stdout and stderr; read back for the screen */
    int readable;            /* fd can be read (the last line of output is shown) */
    int is_default;          /* ours, in the private folder: removed when left empty */
    int made_dir;            /* the folder is a fresh mkdtemp one: removed when empty */
    int dirfd;               /* the private folder (default log), else -1 */
    off_t start;             /* where this run's output begins (--log FILE appends) */
    char dir[PATH_MAX], name[64], path[PATH_MAX + 64];
};

/* Open the log: `path` (--log FILE), or NULL for the default one. */
int mon_log_open(struct mon_log *l, const char *path, char *why, size_t size);
/* The last line the command printed, control characters made spaces ("" if none). */
void mon_log_last_line(const struct mon_log *l, char *out, size_t size);
/* Close it: a default log left empty is removed (with its folder if parmon made it);
 * one that holds output is kept and named on stderr. Safe to call twice. */
void mon_log_close(struct mon_log *l, const char *cmd);

struct mon_record {
    FILE *f;                 /* NULL when not recording */
    char path[PATH_MAX], tmp[PATH_MAX + 16];
};

/* Create the temporary file beside `path` and write the CSV header. */
int mon_record_open(struct mon_record *r, const char *path, char *why, size_t size);
/* The recording is whole: rename it to its name. Returns 0, or -1 with why filled (the
 * data then stays in the temporary file, which why names). */
int mon_record_finish(struct mon_record *r, char *why, size_t size);
/* Give up: remove the temporary file (an error before anything was recorded). */
void mon_record_abort(struct mon_record *r);

#endif
