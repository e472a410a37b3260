/* test_gil.c: the gil lab's invariants that do not depend on timing: a team of workers
 * runs every worker count with each active worker doing exactly its share and the idle
 * ones nothing, the share check catches a wrong count, the timeline merge keeps one
 * holder at a time and never overlaps a thread's intervals, the slices of a paired
 * series give every point the same work. */
#include "../labs/gil/gil.h"

#include <stdlib.h>

#include "pyembed.h"
#include "testlib.h"
#include "work.h"

TEST(share_check_catches_mistakes)
{
    uint64_t done[4] = {334, 333, 333, 0};
    CHECK(gil_check_shares(done, 4, 3, 1000) == NULL);
    done[1] = 332; /* a unit lost */
    CHECK(gil_check_shares(done, 4, 3, 1000) != NULL);
    done[1] = 333, done[3] = 1; /* an idle worker that worked */
    CHECK(gil_check_shares(done, 4, 3, 1000) != NULL);
    done[3] = 0, done[0] = 333, done[2] = 334; /* the right total, the wrong split */
    CHECK(gil_check_shares(done, 4, 3, 1000) != NULL);
}

/* Thread 0 holds, then 1, then nobody (both waiting), then 0 again; thread 1 idle
 * at the end. */
static const struct gil_sample samples[] = {
    {0.0, 0, 3}, {1.0, 0, 3}, {2.0, 1, 3}, {3.0, -1, 3}, {4.0, 0, 1}, {5.0, 0, 1}, {6.0, -1, 0},
};

TEST(timeline_intervals_merge)
{
    struct gil_interval iv[32];
    int n = gil_timeline_intervals(samples, 7, 2, iv, 32);
    /* thread 0: held [0,2), waiting [2,4), held [4,6); thread 1: waiting [0,2), held
     * [2,3), waiting [3,4) */
    CHECK(n == 6);
    CHECK(iv[0].thread == 0 && iv[0].held && iv[0].start == 0 && iv[0].end == 2);
    CHECK(iv[1].thread == 0 && !iv[1].held && iv[1].start == 2 && iv[1].end == 4);
    CHECK(iv[2].thread == 0 && iv[2].held && iv[2].start == 4 && iv[2].end == 6);
    CHECK(iv[3].thread == 1 && !iv[3].held && iv[3].end == 2);
    CHECK(iv[4].thread == 1 && iv[4].held && iv[4].start == 2 && iv[4].end == 3);
    CHECK(iv[5].thread == 1 && !iv[5].held && iv[5].start == 3 && iv[5].end == 4);
    /* one holder at a time: no two held intervals overlap */
    for (int a = 0; a < n; a++)
        for (int b = a + 1; b < n; b++)
            if (iv[a].held && iv[b].held)
                CHECK(iv[a].end <= iv[b].start || iv[b].end <= iv[a].start);
    /* the room is respected */
    CHECK(gil_timeline_intervals(samples, 7, 2, iv, 2) == 2);
}

TEST(timeline_stats)
{
    struct gil_thread_stats st[2];
    gil_timeline_stats(samples, 7, 2, st);
    CHECK_NEAR(st[0].held, 4.0 / 6, 1e-12);
    CHECK_NEAR(st[0].waiting, 2.0 / 6, 1e-12);
    CHECK_NEAR(st[0].active_s, 6, 1e-12);
    CHECK(st[0].acquisitions == 2);
    CHECK_NEAR(st[1].held, 1.0 / 4, 1e-12);
    CHECK_NEAR(st[1].held + st[1].waiting, 1, 1e-12);
    CHECK(st[1].acquisitions == 1);
}

/* The slices of a paired series: every point does the same units a repetition, the
 * slices last about 25 ms of one worker, each is a multiple of every worker count when
 * that fits, and no worker of a slice is left without a unit. */
TEST(slicing)
{
    struct point p124[] = {{"x", "v", 1, "", 1}, {"x", "v", 2, "", 2}, {"x", "v", 4, "", 2}};
    struct point p123[] = {{"x", "v", 1, "", 1}, {"x", "v", 2, "", 2}, {"x", "v", 3, "", 2}};
    struct point big[] = {{"x", "v", 1, "", 1}, {"x", "v", 1024, "", 2}};
    struct gil_slicing sl = gil_slicing_for(12000000, 0.3, p124, 3); /* count(): many units */
    CHECK(sl.slices == 12);
    CHECK(sl.units % 4 == 0 && sl.units * 12 <= 12000000 && sl.units * 12 > 11999000);
    sl = gil_slicing_for(300, 0.3, p124, 3); /* hashlib: 1 MiB blocks */
    CHECK(sl.slices == 12 && sl.units == 24);
    sl = gil_slicing_for(28, 0.3, p124, 3); /* zlib: few long blocks: fewer slices */
    CHECK(sl.slices == 1 && sl.units == 28);
    sl = gil_slicing_for(600, 0.4, p123, 3); /* 1, 2, 3: multiples of 6 */
    CHECK(sl.slices == 16 && sl.units % 6 == 0 && sl.units >= 4 * 3);
    sl = gil_slicing_for(100, 0.4, big, 2); /* fewer units than workers: one a worker */
    CHECK(sl.slices == 1 && sl.units == 1024);
    sl = gil_slicing_for(1u << 30, 60, p124, 3); /* long runs: at most GIL_MAX_SLICES */
    CHECK(sl.slices == GIL_MAX_SLICES);
    sl = gil_slicing_for(5, 0.001, p124, 3); /* shorter than a slice: one */
    CHECK(sl.slices == 1 && sl.units >= 4);
}

/* A team of 3 workers of one variant, work that does not divide evenly, each worker
 * count run twice: every active worker reports exactly its share, the idle ones
 * nothing, so the totals match. Runs real interpreters. */
static void check_variant(const char *variant)
{
    enum { W = 3 };
    const uint64_t total = 10007;
    uint64_t done[W * W] = {0};
    CHECK(gil_team_check(variant, W, total, 2, done) == 0);
    for (int w = 1; w <= W; w++) {
        uint64_t sum = 0;
        for (int i = 0; i < W; i++) {
            CHECK(done[(w - 1) * W + i] == (i < w ? share(total, w, i) : 0));
            sum += done[(w - 1) * W + i];
        }
        CHECK(sum == total);
    }
}

TEST(threads_do_their_share) { check_variant("threads"); }
TEST(processes_do_their_share) { check_variant("processes"); }
TEST(nogil_threads_do_their_share) { check_variant("threads-nogil"); }
TEST(subinterpreters_do_their_share) { check_variant("subinterpreters"); }

/* CPython 3.11 specialises a function only after its 8th call: gil_work.py warms
 * count() up at import, so one worker and four run the same code. */
TEST(work_is_specialised_before_timing) { CHECK(gil_work_specialised() == 1); }

int main(void)
{
    RUN(share_check_catches_mistakes);
    RUN(timeline_intervals_merge);
    RUN(timeline_stats);
    RUN(slicing);
    if (pyembed_available()) {
        RUN(threads_do_their_share);
        RUN(processes_do_their_share);
        RUN(nogil_threads_do_their_share);
        RUN(work_is_specialised_before_timing);
        if (gil_has_subinterpreters())
            RUN(subinterpreters_do_their_share);
        else
            printf("# CPython before 3.12: no subinterpreters with their own GIL to check\n");
    } else {
        printf("# no Python in this build: the worker checks are skipped\n");
    }
    return TEST_DONE();
}
