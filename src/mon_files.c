/* mon_files.c: the launched command's log and the --record CSV (see mon_files.h).
 *
 * Why the care: parmon is run as root too, and the old default log,
 * $TMPDIR/parmon-PID.log opened with O_CREAT|O_TRUNC, had a predictable name in a
 * world-writable folder: anyone could plant a symbolic link there and have a root run
 * truncate and overwrite any file on the machine. */
#include "mon_files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mon_sample.h"
#include "util.h"

/* ---- the private folder ------------------------------------------------------------------ */

/* An fd on `dir` if it is a folder (not a symbolic link to one), ours, and closed to
 * everyone else (no group or other permission bits); else -1. Checked on the open fd,
 * so the folder cannot be swapped between the check and the use. */
static int open_private_dir(const char *dir)
{
    struct stat st;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
        (st.st_mode & 077) != 0) {
        close(fd);
        errno = EPERM;
        return -1;
    }
    return fd;
}

static int private_dir(struct mon_log *l, char *why, size_t size)
{
    const char *xdg = getenv("XDG_RUNTIME_DIR"), *tmp = getenv("TMPDIR");
    char base[PATH_MAX - 64]; /* room for "/parmon-UID-XXXXXX" after it */
    size_t n;
    unsigned uid = (unsigned)geteuid();
    /* 1. The session's runtime folder (systemd makes it 0700 and ours). Under sudo -E it
     * is the invoking user's: the owner check skips it. */
    if (xdg && xdg[0] == '/' && strlen(xdg) < sizeof(l->dir) && (l->dirfd = open_private_dir(xdg)) >= 0) {
        snprintf(l->dir, sizeof(l->dir), "%s", xdg);
        return 0;
    }
    if (!tmp || tmp[0] != '/')
        tmp = "/tmp";
    if (strlen(tmp) >= sizeof(base)) {
        snprintf(why, size, "TMPDIR '%.60s...' is too long a name (or use --log FILE)", tmp);
        return -1;
    }
    snprintf(base, sizeof(base), "%s", tmp);
    n = strlen(base);
    while (n > 1 && base[n - 1] == '/')
        base[--n] = '\0';
    /* 2. A folder a user, made 0700 (mkdir applies no more than that) or checked. */
    snprintf(l->dir, sizeof(l->dir), "%s/parmon-%u", base, uid);
    if (mkdir(l->dir, 0700) < 0 && errno != EEXIST) {
        snprintf(why, size, "cannot create a folder for the log in '%s': %s (set TMPDIR, or use --log FILE)",
                 base, strerror(errno));
        return -1;
    }
    if ((l->dirfd = open_private_dir(l->dir)) >= 0)
        return 0;
    /* 3. That name is taken (someone else's folder, a symbolic link, open to others):
     * a fresh folder of our own. */
    snprintf(l->dir, sizeof(l->dir), "%s/parmon-%u-XXXXXX", base, uid);
    if (!mkdtemp(l->dir)) {
        snprintf(why, size, "cannot create a folder for the log in '%s': %s (set TMPDIR, or use --log FILE)",
                 base, strerror(errno));
        return -1;
    }
    l->made_dir = 1;
    if ((l->dirfd = open_private_dir(l->dir)) < 0) {
        snprintf(why, size, "cannot open the log folder '%s': %s", l->dir, strerror(errno));
        rmdir(l->dir);
        return -1;
    }
    return 0;
}

/* ---- the log ----------------------------------------------------------------------------- */

static int open_default_log(struct mon_log *l, char *why, size_t size)
{
    int pid = (int)getpid();
    if (private_dir(l, why, size) < 0)
        return EXIT_FAIL;
    /* A name that exists (a stale log of an earlier parmon with our pid) is skipped,
     * never opened: O_EXCL also refuses a symbolic link. */
    for (int k = 0; k < 100; k++) {
        if (k == 0)
            snprintf(l->name, sizeof(l->name), "parmon-%d.log", pid);
        else
            snprintf(l->name, sizeof(l->name), "parmon-%d-%d.log", pid, k);
        l->fd = openat(l->dirfd, l->name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
        if (l->fd >= 0 || errno != EEXIST)
            break;
    }
    snprintf(l->path, sizeof(l->path), "%s/%s", l->dir, l->name);
    if (l->fd < 0) {
        snprintf(why, size, "cannot create the log '%s': %s", l->path, strerror(errno));
        if (l->made_dir)
            rmdir(l->dir);
        close(l->dirfd);
        l->dirfd = -1;
        return EXIT_FAIL;
    }
    l->is_default = 1;
    l->readable = 1;
    return 0;
}

static int open_given_log(struct mon_log *l, const char *path, char *why, size_t size)
{
    /* No O_TRUNC: a file that exists keeps what it holds and this run is appended (the
     * screen shows only this run's lines). O_NONBLOCK only for the open: a FIFO with no
     * reader fails at once instead of hanging. */
    const int flags = O_CREAT | O_APPEND | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC;
    struct stat st;
    int fl;
    snprintf(l->path, sizeof(l->path), "%s", path);
    l->fd = open(path, O_RDWR | flags, 0600);
    l->readable = l->fd >= 0;
    if (l->fd < 0 && errno == EACCES)
        l->fd = open(path, O_WRONLY | flags, 0600); /* write-only to us: no "out>" line */
    if (l->fd < 0) {
        if (errno == ELOOP)
            snprintf(why, size, "--log: '%s' is a symbolic link: parmon does not follow one "
                     "(give the file it points to)", path);
        else
            snprintf(why, size, "--log: cannot write '%s': %s", path, strerror(errno));
        return EXIT_USAGE;
    }
    if ((fl = fcntl(l->fd, F_GETFL)) >= 0)
        fcntl(l->fd, F_SETFL, fl & ~O_NONBLOCK);
    if (fstat(l->fd, &st) == 0 && S_ISREG(st.st_mode))
        l->start = st.st_size;
    return 0;
}

int mon_log_open(struct mon_log *l, const char *path, char *why, size_t size)
{
    memset(l, 0, sizeof(*l));
    l->fd = l->dirfd = -1;
    return path ? open_given_log(l, path, why, size) : open_default_log(l, why, size);
}

void mon_log_last_line(const struct mon_log *l, char *out, size_t size)
{
    char buf[512];
    struct stat st;
    ssize_t n;
    off_t from;
    char *end, *start;
    out[0] = '\0';
    if (l->fd < 0 || !l->readable || fstat(l->fd, &st) < 0 || st.st_size <= l->start)
        return;
    from = st.st_size - (off_t)sizeof(buf) + 1;
    if (from < l->start)
        from = l->start;
    n = pread(l->fd, buf, sizeof(buf) - 1, from);
    if (n <= 0)
        return;
    buf[n] = '\0';
    end = buf + n;
    while (end > buf && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
        *--end = '\0';
    start = end;
    while (start > buf && start[-1] != '\n' && start[-1] != '\r')
        start--;
    for (char *p = start; *p; p++) /* no escape sequences onto our screen */
        if ((unsigned char)*p < 32 || *p == 127)
            *p = ' ';
    snprintf(out, size, "%s", start);
}

void mon_log_close(struct mon_log *l, const char *cmd)
{
    struct stat a, b;
    if (l->fd < 0)
        return;
    if (l->is_default) {
        /* Remove it only if it is still the file we created, and empty. */
        int empty = fstat(l->fd, &a) == 0 && a.st_size == 0;
        if (empty && fstatat(l->dirfd, l->name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
            a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
            unlinkat(l->dirfd, l->name, 0);
            if (l->made_dir)
                rmdir(l->dir); /* fails, as it should, if anything else is in it */
        } else if (!empty) {
            note("the output of '%s' is in %s", cmd ? cmd : "the command", l->path);
        }
    }
    close(l->fd);
    if (l->dirfd >= 0)
        close(l->dirfd);
    l->fd = l->dirfd = -1;
}

/* ---- --record ---------------------------------------------------------------------------- */

int mon_record_open(struct mon_record *r, const char *path, char *why, size_t size)
{
    struct stat st;
    mode_t mask;
    int fd;
    memset(r, 0, sizeof(*r));
    if (!*path) {
        snprintf(why, size, "--record: '' is not a file name");
        return EXIT_USAGE;
    }
    if (strlen(path) >= sizeof(r->path)) {
        snprintf(why, size, "--record: '%.60s...' is too long a name", path);
        return EXIT_USAGE;
    }
    if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(why, size, "--record: '%s' is a folder (give a file name)", path);
        return EXIT_USAGE;
    }
    snprintf(r->path, sizeof(r->path), "%s", path);
    /* mkstemp creates a new name with O_EXCL: never a planted file or symbolic link. */
    snprintf(r->tmp, sizeof(r->tmp), "%s.XXXXXX.part", path);
    fd = mkostemps(r->tmp, 5, O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, size, "--record: cannot write '%s': %s", path, strerror(errno));
        r->tmp[0] = '\0';
        return EXIT_USAGE;
    }
    /* The recording gets the permissions a new file would (mkstemp makes it 0600). */
    mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    r->f = fdopen(fd, "w");
    if (!r->f) {
        snprintf(why, size, "--record: '%s': %s", r->tmp, strerror(errno));
        close(fd);
        mon_record_abort(r);
        return EXIT_FAIL;
    }
    fputs(mon_csv_header, r->f);
    return 0;
}

int mon_record_finish(struct mon_record *r, char *why, size_t size)
{
    int bad, rc = 0;
    if (!r->f)
        return 0;
    bad = fflush(r->f) != 0 || ferror(r->f);
    if (fclose(r->f) != 0)
        bad = 1;
    r->f = NULL;
    if (bad) {
        snprintf(why, size, "--record: cannot write '%s': %s (what was recorded is in it)", r->tmp,
                 strerror(errno));
        rc = -1;
    } else if (rename(r->tmp, r->path) != 0) {
        /* rename replaces a file (or a symbolic link) named FILE; it never writes through one. */
        snprintf(why, size, "--record: cannot rename '%s' to '%s': %s", r->tmp, r->path, strerror(errno));
        rc = -1;
    }
    r->tmp[0] = '\0'; /* done with: kept (and named) if it could not be renamed */
    return rc;
}

void mon_record_abort(struct mon_record *r)
{
    if (r->f)
        fclose(r->f);
    r->f = NULL;
    if (r->tmp[0])
        unlink(r->tmp);
    r->tmp[0] = '\0';
}
