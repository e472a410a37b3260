/* claimlib.h: judge every claim of a lab on made-up summary rows, as `parlab report`
 * judges a learner's numbers, so that a test can say which verdict each claim must get.
 *
 *   enum verdict v[NCLAIMS];
 *   CHECK(tl_judge_all(&lab_pool, rows, ARRAY_SIZE(rows), 2, 5, v, NCLAIMS) == NCLAIMS);
 *
 * Returns how many claims it judged (at most max); with TL_JUDGE_VERBOSE set it prints
 * why each claim did not hold, as a "#" comment line beside the test's result. */
#ifndef PARLAB_CLAIMLIB_H
#define PARLAB_CLAIMLIB_H

#include <stdio.h>
#include <string.h>

#include "lab.h"
#include "report.h"

static int tl_judge_verbose;

static int tl_judge_all(const struct lab *lab, struct sumrow *rows, int nrows, int usable, int reps,
                        enum verdict *v, int max)
{
    struct report_lab l;
    int i = 0;
    memset(&l, 0, sizeof(l));
    l.lab = lab, l.rows = rows, l.nrows = nrows, l.usable = usable, l.reps = reps;
    for (const struct lab_claim *c = lab->claims; c->text && i < max; c++, i++) {
        struct claim_out o;
        report_judge(&l, c, &o);
        v[i] = o.verdict;
        if (tl_judge_verbose && o.verdict != VERDICT_HOLDS)
            printf("#   claim %d: %s: %s\n", i, verdict_name(o.verdict), o.why);
    }
    return i;
}

#endif
