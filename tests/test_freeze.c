/* test_freeze.c: the frozen-UI loop (labs/freeze/freeze_loop.c) keeps its promises
 * whatever the timings: every frame is reported once, in order, in the mode it was drawn
 * in; frames skipped are counted, not lost; a blocking request makes the next frame late
 * by at least the source's delay (a lower bound by construction: the loop draws only
 * after the answer, and the source sleeps the delay before answering); a worker thread
 * brings answers without the loop waiting; a mode switch takes effect at the next frame;
 * closing reaps the source process. No upper bound on any lateness is asserted. */
#include <errno.h>
#include <math.h>
#include <sys/wait.h>

#include "../labs/freeze/freeze.h"
#include "testlib.h"

TEST(mode_names_round_trip)
{
    for (int m = 0; m < FREEZE_NMODES; m++)
        CHECK(freeze_mode_find(freeze_mode_names[m]) == m);
    CHECK(freeze_mode_find("sleepy") == -1);
    CHECK(freeze_mode_find("") == -1);
}

TEST(stats_on_known_data)
{
    double v[] = {3, 1, 2}, med, p99, worst;
    freeze_stats(v, 3, &med, &p99, &worst);
    CHECK(med == 2 && p99 == 3 && worst == 3);
    double w[100];
    for (int i = 0; i < 100; i++)
        w[i] = 100 - i; /* 100 .. 1, unsorted */
    freeze_stats(w, 100, &med, &p99, &worst);
    CHECK(med == 50.5 && p99 == 99 && worst == 100);
    freeze_stats(w, 0, &med, &p99, &worst);
    CHECK(isnan(med) && isnan(p99) && isnan(worst));
}

/* What a run reported, frame by frame. */
struct seen {
    long frames;
    uint64_t last_k, last_dropped, last_replies;
    int order_ok, late_ok, modes_ok;
    double worst_late_after_reply; /* blocking: the frame drawn after each answer */
    int answers_seen;
    struct freeze_ui *ui;
    long switch_at; /* switch to io-thread after this many frames (-1: never) */
    enum freeze_mode expect;
};

static void on_frame(void *arg, const struct freeze_frame *f)
{
    struct seen *s = arg;
    if (s->frames > 0 && f->k <= s->last_k)
        s->order_ok = 0;
    if (f->late_s < 0 || f->dropped < s->last_dropped)
        s->late_ok = 0;
    if (f->mode != s->expect)
        s->modes_ok = 0;
    if (f->replies > s->last_replies) {
        s->answers_seen++;
        if (s->answers_seen == 1 || f->late_s < s->worst_late_after_reply)
            s->worst_late_after_reply = f->late_s; /* the smallest, over the answers */
    }
    s->last_k = f->k;
    s->last_dropped = f->dropped;
    s->last_replies = f->replies;
    s->frames++;
    if (s->frames == s->switch_at) {
        freeze_set_mode(s->ui, FREEZE_IO_THREAD);
        s->expect = FREEZE_IO_THREAD;
    }
}

static struct seen run_mode(enum freeze_mode mode, double delay, double seconds, long switch_at)
{
    struct freeze_cfg cfg = {.fps = 60, .delay_s = delay, .every_s = 0.1};
    struct seen s = {.order_ok = 1, .late_ok = 1, .modes_ok = 1, .switch_at = switch_at, .expect = mode};
    struct freeze_hooks h = {.on_frame = on_frame, .input_fd = -1, .arg = &s};
    s.ui = freeze_open(&cfg, mode);
    CHECK(s.ui != NULL);
    if (!s.ui)
        return s;
    long n = freeze_run(s.ui, seconds, &h);
    CHECK(n == s.frames);
    /* every frame due in the run was drawn or counted as dropped */
    CHECK(s.last_k + 1 == (uint64_t)s.frames + s.last_dropped);
    freeze_close(s.ui);
    return s;
}

TEST(blocking_frames_wait_for_the_answer)
{
    struct seen s = run_mode(FREEZE_BLOCKING, 0.05, 0.5, -1);
    CHECK(s.order_ok && s.late_ok && s.modes_ok);
    CHECK(s.answers_seen >= 2); /* a request every 0.1 s, the first at 0.05 s */
    /* the frame that shows an answer was drawn after it: late by the delay at least */
    CHECK(s.worst_late_after_reply >= 0.05);
}

TEST(io_thread_brings_answers)
{
    struct seen s = run_mode(FREEZE_IO_THREAD, 0.02, 0.6, -1);
    CHECK(s.order_ok && s.late_ok && s.modes_ok);
    CHECK(s.answers_seen >= 1);
}

TEST(cpu_thread_makes_no_requests)
{
    struct seen s = run_mode(FREEZE_CPU_THREAD, 0.02, 0.3, -1);
    CHECK(s.order_ok && s.late_ok && s.modes_ok);
    CHECK(s.last_replies == 0);
}

TEST(mode_switch_takes_effect_at_the_next_frame)
{
    struct seen s = run_mode(FREEZE_BLOCKING, 0.02, 0.5, 5);
    CHECK(s.modes_ok); /* frames 6.. report io-thread */
    CHECK(s.expect == FREEZE_IO_THREAD);
}

TEST(close_reaps_the_source)
{
    struct freeze_cfg cfg = {.fps = 60, .delay_s = 0.01, .every_s = 0.1};
    struct freeze_ui *u = freeze_open(&cfg, FREEZE_IO_THREAD);
    CHECK(u != NULL);
    if (!u)
        return;
    freeze_close(u);
    errno = 0;
    CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
}

int main(void)
{
    RUN(mode_names_round_trip);
    RUN(stats_on_known_data);
    RUN(blocking_frames_wait_for_the_answer);
    RUN(io_thread_brings_answers);
    RUN(cpu_thread_makes_no_requests);
    RUN(mode_switch_takes_effect_at_the_next_frame);
    RUN(close_reaps_the_source);
    return TEST_DONE();
}
