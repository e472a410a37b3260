/* status.h: the live channel from a running lab to parmon.
 *
 * The harness keeps one small page, mapped from a file named
 *     <dir>/parlab-<pid>.status
 * dir: $PARLAB_STATUS_DIR if set (tests), else /dev/shm/parlab-<uid> (or /tmp/...): a
 * folder of the user's own, mode 0700, refused if it is a symlink, someone else's, or
 * open to others; the page is created O_EXCL|O_NOFOLLOW, so no planted symlink is ever
 * followed (a root run never overwrites a file through one).
 * and updates it between samples, never inside a timed region: an update is a few
 * stores to memory that is already mapped, no system call. A monitor in another
 * process maps the same file read-only and reads it with a sequence lock: the writer
 * makes `seq` odd while it writes and even when done, and a reader retries until it
 * sees the same even value before and after copying. */
#ifndef PARLAB_STATUS_H
#define PARLAB_STATUS_H

#include <stdint.h>
#include <sys/types.h>

#define STATUS_MAGIC 0x424c5250u /* "PRLB" */
#define STATUS_VERSION 1u

struct status_page {
    uint32_t magic, version;
    uint32_t seq;          /* sequence lock: odd while the writer is in the middle */
    int32_t pid;           /* the lab's process */
    char lab[32];
    char state[16];        /* "starting", "running", "writing", "done", "interrupted" */
    char experiment[48];
    char variant[48];
    char param[96];
    int32_t workers;
    int32_t point, npoints; /* progress over the lab's planned points (1-based point) */
    int32_t rep, nreps;     /* repetition within the point; 0 = warm-up/calibration */
    double started;         /* CLOCK_REALTIME seconds when the lab started */
    double eta_s;           /* estimated seconds left; < 0 when unknown */
};

/* Writer side (the harness). status_open creates the page for this process; every
 * function is a no-op when the page could not be created. status_close removes it. */
int status_open(const char *lab);
void status_set_point(const char *experiment, const char *variant, int workers,
                      const char *param, int point, int npoints);
void status_set_rep(int rep, int nreps, double eta_s);
/* In a series (harness_series): the worker count being measured right now. */
void status_set_workers(int workers);
void status_set_state(const char *state);
void status_close(void);
/* Why status_open failed, for one line on stderr. */
const char *status_error(void);
/* Unlink the page from a signal handler. */
void status_unlink_signal_safe(void);

/* The folder status pages live in. */
const char *status_dir(void);

/* Reader side (parmon): copy a consistent snapshot of pid's page.
 * Returns 0, or -1 if there is no page for pid (or it is not a parlab page). */
int status_read_pid(pid_t pid, struct status_page *out);
/* The same from an explicit path (tests). */
int status_read_path(const char *path, struct status_page *out);

#endif
