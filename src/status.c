/* status.c: a seqlocked page in a shared file, written by the lab, read by parmon. */
#include "status.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static struct status_page *page;
static char page_path[512];
static char open_error[300];

const char *status_error(void)
{
    return open_error;
}
static char dir_buf[400];

/* The folder of uid's status pages: $PARLAB_STATUS_DIR as given (tests), else
 * parlab-UID in /dev/shm (or /tmp). A page lives in a folder only its owner can write
 * to, so nobody can plant a symlink where a root run would then write its page. */
static const char *dir_for(uid_t uid, const char *base, char *buf, size_t size)
{
    const char *d = getenv("PARLAB_STATUS_DIR");
    if (d && *d)
        return d;
    snprintf(buf, size, "%s/parlab-%u", base, (unsigned)uid);
    return buf;
}

/* /dev/shm, else /tmp; PARLAB_STATUS_BASE in its place lets the tests plant symlinks
 * in a world-writable folder of their own. */
static const char *base_dir(void)
{
    const char *b = getenv("PARLAB_STATUS_BASE");
    if (b && *b)
        return b;
    return access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
}

const char *status_dir(void)
{
    return dir_for(getuid(), base_dir(), dir_buf, sizeof(dir_buf));
}

/* Make (or check) our private folder: a real directory, ours, writable by us alone. */
static int private_dir_ok(const char *dir)
{
    struct stat st;
    const char *given = getenv("PARLAB_STATUS_DIR");
    if (given && *given)
        return lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return -1;
    if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
        (st.st_mode & 077) != 0)
        return -1; /* a symlink, someone else's, or open to others: no page at all */
    return 0;
}

static void copy_field(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

static void begin_write(void)
{
    __atomic_fetch_add(&page->seq, 1, __ATOMIC_ACQ_REL); /* odd: writing */
}

static void end_write(void)
{
    __atomic_fetch_add(&page->seq, 1, __ATOMIC_RELEASE); /* even: consistent */
}

/* Remove pages left by labs that died without cleaning up (SIGKILL, a crash): their
 * pid no longer exists. Only our own files; a pid reused since is harmless (its page
 * would carry a different start time, and parmon checks the magic). */
static void remove_stale_pages(void)
{
    DIR *d = opendir(status_dir());
    struct dirent *e;
    if (!d)
        return;
    while ((e = readdir(d))) {
        int pid;
        char path[768];
        struct stat st;
        if (sscanf(e->d_name, "parlab-%d.status", &pid) != 1 || pid <= 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", status_dir(), e->d_name);
        if (kill(pid, 0) < 0 && errno == ESRCH && lstat(path, &st) == 0 && st.st_uid == getuid())
            unlink(path);
    }
    closedir(d);
}

int status_open(const char *lab)
{
    int fd, n;
    struct timespec ts;
    const char *dir = status_dir();
    n = snprintf(page_path, sizeof(page_path), "%s/parlab-%d.status", dir, (int)getpid());
    if (n < 0 || (size_t)n >= sizeof(page_path)) {
        snprintf(open_error, sizeof(open_error), "the status folder's name is too long");
        page_path[0] = '\0';
        return -1; /* parmon will not see this lab; the lab itself runs the same */
    }
    if (private_dir_ok(dir) < 0) {
        snprintf(open_error, sizeof(open_error), "%.100s is missing, or not a folder of this user's alone "
                                                 "(a symlink, or open to others)", dir);
        page_path[0] = '\0';
        return -1;
    }
    remove_stale_pages();
    /* O_EXCL | O_NOFOLLOW: never open a file someone else put there, never through a
     * symlink. A page of ours left by an earlier process with this pid is removed. */
    fd = open(page_path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST) {
        struct stat st;
        if (lstat(page_path, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == getuid())
            unlink(page_path);
        fd = open(page_path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    }
    if (fd < 0) {
        snprintf(open_error, sizeof(open_error), "cannot create %.100s: %s", page_path, strerror(errno));
        return -1;
    }
    if (ftruncate(fd, sizeof(struct status_page)) < 0) {
        close(fd);
        unlink(page_path);
        return -1;
    }
    page = mmap(NULL, sizeof(*page), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (page == MAP_FAILED) {
        page = NULL;
        unlink(page_path);
        return -1;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    begin_write();
    page->magic = STATUS_MAGIC;
    page->version = STATUS_VERSION;
    page->pid = (int32_t)getpid();
    copy_field(page->lab, sizeof(page->lab), lab);
    copy_field(page->state, sizeof(page->state), "starting");
    page->started = (double)ts.tv_sec + ts.tv_nsec * 1e-9;
    page->eta_s = -1;
    end_write();
    return 0;
}

void status_set_point(const char *experiment, const char *variant, int workers,
                      const char *param, int point, int npoints)
{
    if (!page)
        return;
    begin_write();
    copy_field(page->state, sizeof(page->state), "running");
    copy_field(page->experiment, sizeof(page->experiment), experiment);
    copy_field(page->variant, sizeof(page->variant), variant);
    copy_field(page->param, sizeof(page->param), param);
    page->workers = workers;
    page->point = point;
    page->npoints = npoints;
    page->rep = 0;
    end_write();
}

void status_set_rep(int rep, int nreps, double eta_s)
{
    if (!page)
        return;
    begin_write();
    page->rep = rep;
    page->nreps = nreps;
    page->eta_s = eta_s;
    end_write();
}

void status_set_workers(int workers)
{
    if (!page)
        return;
    begin_write();
    page->workers = workers;
    end_write();
}

void status_set_state(const char *state)
{
    if (!page)
        return;
    begin_write();
    copy_field(page->state, sizeof(page->state), state);
    end_write();
}

void status_close(void)
{
    if (!page)
        return;
    munmap(page, sizeof(*page));
    page = NULL;
    unlink(page_path);
}

void status_unlink_signal_safe(void)
{
    if (page)
        unlink(page_path);
}

int status_read_path(const char *path, struct status_page *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    const struct status_page *p;
    struct stat st;
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) < 0 || (size_t)st.st_size < sizeof(*p)) {
        close(fd);
        return -1;
    }
    p = mmap(NULL, sizeof(*p), PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return -1;
    for (int tries = 0; tries < 1000; tries++) {
        uint32_t s1 = __atomic_load_n(&p->seq, __ATOMIC_ACQUIRE), s2;
        if (s1 & 1)
            continue;
        memcpy(out, (const void *)p, sizeof(*out));
#ifdef __SANITIZE_THREAD__
        /* gcc's TSan does not support fences; a seq_cst load orders the copy well
         * enough on every machine TSan runs on (and the writer is another process). */
        s2 = __atomic_load_n(&p->seq, __ATOMIC_SEQ_CST);
#else
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        s2 = __atomic_load_n(&p->seq, __ATOMIC_RELAXED);
#endif
        if (s1 == s2) {
            munmap((void *)p, sizeof(*p));
            return out->magic == STATUS_MAGIC && out->version == STATUS_VERSION ? 0 : -1;
        }
    }
    munmap((void *)p, sizeof(*p));
    return -1;
}

int status_read_pid(pid_t pid, struct status_page *out)
{
    char path[512], dir[400], proc[64];
    struct stat st;
    uid_t owner = getuid();
    /* The lab's own folder: the one of the user the process runs as (root's parmon can
     * watch another user's lab). */
    snprintf(proc, sizeof(proc), "/proc/%d", (int)pid);
    if (stat(proc, &st) == 0)
        owner = st.st_uid;
    for (int b = 0; b < 2; b++) {
        snprintf(path, sizeof(path), "%s/parlab-%d.status",
                 dir_for(owner, b ? "/tmp" : base_dir(), dir, sizeof(dir)), (int)pid);
        if (status_read_path(path, out) == 0)
            return 0;
    }
    return -1;
}
