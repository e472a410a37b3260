/* test_tvp.c: the tvp lab's pieces that must be right whatever the timings: the /proc
 * parsers (on saved text), and the shared-memory ring (every message arrives once, in
 * order, intact; closing and a dead peer end a wait instead of hanging it). */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../labs/tvp/tvp.h"
#include "testlib.h"

/* Saved from this project's VM (Linux 6.1): /proc/self/smaps_rollup and part of status. */
static const char rollup_sample[] =
    "5577132d7000-7ffd3b367000 ---p 00000000 00:00 0                          [rollup]\n"
    "Rss:                1752 kB\n"
    "Pss:                 401 kB\n"
    "Pss_Dirty:           112 kB\n"
    "Pss_Anon:            112 kB\n"
    "Pss_File:            289 kB\n"
    "Pss_Shmem:             0 kB\n"
    "Shared_Clean:       1576 kB\n"
    "Shared_Dirty:          0 kB\n"
    "Private_Clean:        64 kB\n"
    "Private_Dirty:       112 kB\n"
    "Referenced:         1752 kB\n"
    "Anonymous:           112 kB\n"
    "SwapPss:               7 kB\n";

static const char status_sample[] =
    "Name:\tparlab\n"
    "Umask:\t0022\n"
    "State:\tR (running)\n"
    "VmPeak:\t   12060 kB\n"
    "VmSize:\t   12060 kB\n"
    "VmHWM:\t    1752 kB\n"
    "VmRSS:\t    1752 kB\n"
    "RssAnon:\t     112 kB\n"
    "Threads:\t1\n";

static char *write_tmp(const char *text)
{
    const char *dir = getenv("TMPDIR");
    char *path = malloc(4096);
    FILE *f;
    snprintf(path, 4096, "%s/test_tvp.XXXXXX", dir && *dir ? dir : "/tmp");
    close(mkstemp(path));
    f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

TEST(parses_smaps_rollup)
{
    static const char *const keys[] = {"Rss", "Pss", "Private_Clean", "Private_Dirty", "Swap"};
    double v[5] = {-1, -1, -1, -1, -1};
    CHECK(tvp_parse_kb_fields(rollup_sample, keys, v, 5) == 4);
    CHECK(v[0] == 1752);
    CHECK(v[1] == 401); /* not Pss_Dirty, Pss_Anon or SwapPss */
    CHECK(v[2] == 64);
    CHECK(v[3] == 112);
    CHECK(v[4] == -1); /* absent: left untouched */
}

TEST(parses_status_with_tabs)
{
    static const char *const keys[] = {"VmRSS", "VmSize", "Threads"};
    double v[3] = {0, 0, 0};
    CHECK(tvp_parse_kb_fields(status_sample, keys, v, 3) == 3);
    CHECK(v[0] == 1752);
    CHECK(v[1] == 12060);
    CHECK(v[2] == 1);
}

TEST(rejects_garbage)
{
    static const char *const keys[] = {"Rss"};
    double v[1] = {-1};
    CHECK(tvp_parse_kb_fields("", keys, v, 1) == 0);
    CHECK(tvp_parse_kb_fields("Rss: lots\nXRss: 5 kB\n Rss: 3 kB", keys, v, 1) == 0);
    CHECK(v[0] == -1);
    CHECK(tvp_parse_kb_fields("Rss: 5 kB", keys, v, 1) == 1); /* no final newline */
    CHECK(v[0] == 5);
}

TEST(mem_from_files_and_fallback)
{
    char *r = write_tmp(rollup_sample), *s = write_tmp(status_sample);
    struct tvp_mem m;
    CHECK(tvp_mem_from(r, s, &m) == 0);
    CHECK(m.rss == 1752 && m.pss == 401 && m.private_kib == 176);
    /* No smaps_rollup (an old kernel): RSS from status, PSS honestly unknown. */
    CHECK(tvp_mem_from("/nonexistent/smaps_rollup", s, &m) == 0);
    CHECK(m.rss == 1752 && isnan(m.pss) && isnan(m.private_kib));
    CHECK(tvp_mem_from(NULL, "/nonexistent/status", &m) == -1);
    CHECK(tvp_read_kb_fields("/nonexistent/status", NULL, NULL, 0) == -1);
    unlink(r), unlink(s);
    free(r), free(s);
}

TEST(mem_of_self_is_plausible)
{
    struct tvp_mem m;
    CHECK(tvp_mem_of(0, &m) == 0);
    CHECK(m.rss > 0);
    if (!isnan(m.pss))
        CHECK(m.pss > 0 && m.pss <= m.rss && m.private_kib <= m.rss);
}

/* ---- the ring ------------------------------------------------------------------ */

#define SLOT 4096
#define NMSG 20000

struct ring_test {
    struct tvp_chan *c;
    int bad; /* messages out of order or corrupted */
    int got;
};

/* Message i: a length that varies from 1 to SLOT bytes, filled with a pattern of i. */
static size_t msg_len(int i)
{
    return 1 + (size_t)(i * 37) % SLOT;
}

static void fill(unsigned char *b, int i)
{
    memcpy(b, &i, sizeof(i));
    for (size_t k = sizeof(i); k < msg_len(i); k++)
        b[k] = (unsigned char)(i + (int)k);
}

static int check_msg(const unsigned char *b, long n, int i)
{
    int id;
    if (n != (long)msg_len(i))
        return 0;
    if (n >= (long)sizeof(int)) {
        memcpy(&id, b, sizeof(id));
        if (id != i)
            return 0;
    }
    for (long k = sizeof(i); k < n; k++)
        if (b[k] != (unsigned char)(i + (int)k))
            return 0;
    return 1;
}

static void *receiver(void *p)
{
    struct ring_test *t = p;
    unsigned char buf[SLOT];
    long n;
    while ((n = tvp_chan_recv(t->c, buf, 0)) >= 0) {
        if (!check_msg(buf, n, t->got))
            t->bad++;
        t->got++;
    }
    return NULL;
}

static void ring_between_threads(int spin, int nslots)
{
    void *mem = aligned_alloc(64, tvp_chan_bytes(SLOT, nslots));
    struct ring_test t = {0, 0, 0};
    unsigned char buf[SLOT];
    pthread_t th;
    memset(mem, 0, tvp_chan_bytes(SLOT, nslots));
    t.c = tvp_chan_init(mem, SLOT, nslots, spin);
    pthread_create(&th, NULL, receiver, &t);
    for (int i = 0; i < NMSG; i++) {
        fill(buf, i);
        CHECK(tvp_chan_send(t.c, buf, msg_len(i), 0) == 0);
    }
    /* Closing with messages still queued: the receiver drains them first. */
    tvp_chan_close(t.c);
    pthread_join(th, NULL);
    CHECK(t.got == NMSG);
    CHECK(t.bad == 0);
    free(mem);
}

TEST(ring_threads_spin)
{
    ring_between_threads(1, 4);
}

TEST(ring_threads_sleep_one_slot)
{
    ring_between_threads(0, 1);
}

TEST(ring_closed_fails)
{
    void *mem = aligned_alloc(64, tvp_chan_bytes(64, 2));
    struct tvp_chan *c;
    char b[64] = "x";
    memset(mem, 0, tvp_chan_bytes(64, 2));
    c = tvp_chan_init(mem, 64, 2, 0);
    CHECK(tvp_chan_send(c, b, 1, 0) == 0);
    tvp_chan_close(c);
    CHECK(tvp_chan_send(c, b, 1, 0) == -1);
    CHECK(tvp_chan_recv(c, b, 0) == 1); /* what was sent before the close arrives */
    CHECK(tvp_chan_recv(c, b, 0) == -1);
    free(mem);
}

/* Two processes over MAP_SHARED memory: the child sends, the parent checks. */
TEST(ring_between_processes)
{
    size_t bytes = tvp_chan_bytes(SLOT, 4);
    void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    struct tvp_chan *c = tvp_chan_init(mem, SLOT, 4, 1);
    unsigned char buf[SLOT];
    int got = 0, bad = 0, st = 0;
    long n;
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < NMSG; i++) {
            fill(buf, i);
            if (tvp_chan_send(c, buf, msg_len(i), 0) < 0)
                _exit(1);
        }
        tvp_chan_close(c);
        _exit(0);
    }
    while ((n = tvp_chan_recv(c, buf, pid)) >= 0) {
        bad += !check_msg(buf, n, got);
        got++;
    }
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK(got == NMSG);
    CHECK(bad == 0);
    munmap(mem, bytes);
}

/* A peer that dies without closing: the wait ends (-1) instead of hanging forever. */
TEST(ring_dead_peer_ends_wait)
{
    size_t bytes = tvp_chan_bytes(64, 2);
    void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    struct tvp_chan *c = tvp_chan_init(mem, 64, 2, 0);
    char b[64];
    int st = 0;
    pid_t pid = fork();
    if (pid == 0)
        raise(SIGKILL); /* a crash */
    CHECK(tvp_chan_recv(c, b, pid) == -1);
    waitpid(pid, &st, 0);
    CHECK(WIFSIGNALED(st));
    munmap(mem, bytes);
}

TEST(burn_is_deterministic)
{
    CHECK(tvp_burn(0, 5) == 5);
    CHECK(tvp_burn(3, 1) == tvp_burn(1, tvp_burn(2, 1)));
}

int main(void)
{
    RUN(parses_smaps_rollup);
    RUN(parses_status_with_tabs);
    RUN(rejects_garbage);
    RUN(mem_from_files_and_fallback);
    RUN(mem_of_self_is_plausible);
    RUN(ring_threads_spin);
    RUN(ring_threads_sleep_one_slot);
    RUN(ring_closed_fails);
    RUN(ring_between_processes);
    RUN(ring_dead_peer_ends_wait);
    RUN(burn_is_deterministic);
    return TEST_DONE();
}
