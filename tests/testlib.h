/* testlib.h: a whole test framework in a few lines (after redis's testhelp.h).
 *
 *   TEST(parses_ranges) { CHECK(topo_parse_cpulist("0-3", ids, 8) == 4); }
 *   int main(void) { RUN(parses_ranges); return TEST_DONE(); }
 *
 * Each RUN prints "ok - name" or "not ok - name"; a failed CHECK prints where and
 * what. tests/run.sh counts the lines of every test program and script and closes
 * with exactly "N passed, N failed". */
#ifndef PARLAB_TESTLIB_H
#define PARLAB_TESTLIB_H

#include <math.h>
#include <stdio.h>

static int tl_passed, tl_failed, tl_cur_failed;

#define TEST(name) static void name(void)

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            printf("#   %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);      \
            tl_cur_failed = 1;                                                       \
        }                                                                            \
    } while (0)

#define CHECK_NEAR(a, b, eps)                                                        \
    do {                                                                             \
        double tl_a = (a), tl_b = (b);                                               \
        if (!(fabs(tl_a - tl_b) <= (eps))) {                                         \
            printf("#   %s:%d: %s = %.9g, expected %.9g +- %g\n", __FILE__, __LINE__, \
                   #a, tl_a, tl_b, (double)(eps));                                   \
            tl_cur_failed = 1;                                                       \
        }                                                                            \
    } while (0)

#define RUN(name)                                                                    \
    do {                                                                             \
        tl_cur_failed = 0;                                                           \
        name();                                                                      \
        printf("%s - %s\n", tl_cur_failed ? "not ok" : "ok", #name);                 \
        fflush(stdout);                                                              \
        if (tl_cur_failed)                                                           \
            tl_failed++;                                                             \
        else                                                                         \
            tl_passed++;                                                             \
    } while (0)

#define TEST_DONE() (printf("# %d passed, %d failed\n", tl_passed, tl_failed), tl_failed != 0)

#endif
