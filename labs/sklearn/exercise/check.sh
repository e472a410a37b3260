#!/bin/sh
# check.sh [FILE.py]: the self-check of the sklearn lab's exercise (default: cv.py beside
# this script).
#   Times FILE.py (two cross-validations in a fresh Python: the first cold, the second
#   warm) with n_jobs=1 (serial: the baseline, measured) and with every usable CPU, as
#   parlab counts them (affinity mask and cgroup quota), 5 times each (PARLAB_CHECK_REPS
#   to change), paired (`parlab time`), and checks that every run got the same scores.
#   PASS when the usable CPUs beat the serial run by at least 1.2x (the median of the
#   paired speedups, start-up, imports and both calls included); FAIL when serial still
#   wins (under 1.0x); CANNOT JUDGE when parallel wins by less than 1.2x (too close to
#   tell from a slowed machine), when the machine did not give the runs the CPUs they
#   needed (another program held one) or has only one CPU: then the timings say nothing
#   about the code.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/labs/exercise.sh"
ex_init "${1:-$here/cv.py}"
reps=${PARLAB_CHECK_REPS:-5}
if ! "$py" -c 'import sklearn' 2>/dev/null; then
    echo "CANNOT JUDGE: scikit-learn is not installed for $py (apt-get install python3-sklearn, or make deps)"
    exit 3
fi
ex_time --reps "$reps" -- "$py" "$src"
usable=$(ex_usable)
ex_one_cpu_cannot_judge "so no backend can beat the serial run (its workers take turns)."
# Every run must score the same, serial or parallel: the same folds, the same models.
[ "$(ex_outputs | sort -u | wc -l)" -eq 1 ] ||
    { echo "FAIL: the scores differ between runs: the same folds and models must give the same scores"; exit 1; }
cores=$(ex_cores "$usable")
ex_busy_cannot_judge "it got $cores CPUs with n_jobs=$usable"
one=$(ex_median 1)
all=$(ex_median "$usable")
sp=$(ex_speedup "$usable")
echo "serial (n_jobs=1): $one s; n_jobs=$usable: $all s on $cores CPUs; paired speedup ${sp}x (cold and warm call, imports included)"
if awk -v s="$sp" 'BEGIN {exit !(s >= 1.2)}'; then
    echo "PASS: n_jobs=$usable beats the serial run by ${sp}x, cold call and warm call together"
    exit 0
fi
if awk -v s="$sp" 'BEGIN {exit !(s >= 1.0)}'; then
    # Parallel wins, but by less than the mark: a loaded VM can put the right backend
    # here (1.37x on a quiet 2-vCPU VM), and the starter's cold start stays under 1.0x
    # only while the work is small beside it. The timings cannot tell which it is.
    echo "CANNOT JUDGE: n_jobs=$usable beats the serial run, but only by ${sp}x on $cores CPUs: too close"
    echo "to tell a cheap backend from a slowed machine. Rerun when the machine is quiet."
    exit 0
fi
echo "FAIL: n_jobs=$usable reaches only ${sp}x of the serial run: what does the first call pay before"
echo "any fold runs? (TODO 1: BACKEND in $(basename "$src"); python3 $(basename "$src") 2 prints each call's time)"
exit 1
