#!/bin/sh
# check.sh [FILE.py]: the self-check of the sklearn lab's exercise (default: cv.py beside
# this script).
#   Times FILE.py (two cross-validations in a fresh Python: the first cold, the second
#   warm) with n_jobs=1 (serial: the baseline, measured) and with every usable CPU, as
#   parlab counts them (affinity mask and cgroup quota), 5 times each (PARLAB_CHECK_REPS
#   to change), paired (`parlab time`), and checks that every run got the same scores.
#   PASS when the usable CPUs beat the serial run by at least 1.2x (the median of the
#   paired speedups, start-up, imports and both calls included); FAIL when they do not;
#   CANNOT JUDGE when the machine did not give the runs the CPUs they needed (another
#   program held one) or has only one CPU: then the timings say nothing about the code.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
src=${1:-$here/cv.py}
parlab="${PARLAB:-$top/bin/parlab}"
reps=${PARLAB_CHECK_REPS:-5}
py=/usr/bin/python3
[ -x "$py" ] || py=python3
[ -x "$parlab" ] || { echo "build parlab first: make"; exit 2; }
[ -f "$src" ] || { echo "check.sh: no such file '$src'"; exit 2; }
if ! "$py" -c 'import sklearn' 2>/dev/null; then
    echo "CANNOT JUDGE: scikit-learn is not installed for $py (apt-get install python3-sklearn, or make deps)"
    exit 3
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
if ! "$parlab" time --reps "$reps" -- "$py" "$src" >"$tmp/time.csv" 2>"$tmp/err"; then
    echo "FAIL: $src did not run to the end:"
    tail -n 5 "$tmp/err"
    exit 1
fi
grep -v '^#' "$tmp/time.csv"
usable=$(awk -F, '$1 == "# usable_cpus" {print $2}' "$tmp/time.csv")
if [ "$usable" -lt 2 ]; then
    echo "CANNOT JUDGE: 1 usable CPU here: no backend can beat the serial run (its workers take turns)."
    exit 0
fi
# Every run must score the same, serial or parallel: the same folds, the same models.
sums=$(awk -F, 'NR > 1 && !/^#/ {print $6}' "$tmp/time.csv" | sort -u | wc -l)
[ "$sums" -eq 1 ] || { echo "FAIL: the scores differ between runs: the same folds and models must give the same scores"; exit 1; }
# Did the runs get the machine? Other programs' CPU time while they ran, at the most.
other=$(awk -F, '$1 == "# other_cores_max" {print $2}' "$tmp/time.csv")
cores=$(awk -F, -v u="$usable" '$1 == "# cpu_cores" && $2 == u {print $3}' "$tmp/time.csv")
if awk -v o="$other" 'BEGIN {exit !(o > 0.3)}'; then
    echo "CANNOT JUDGE: other programs used up to $other CPUs while it ran (it got $cores with n_jobs=$usable);"
    echo "rerun when the machine is quiet (parmon shows who is busy)."
    exit 0
fi
one=$(awk -F, '!/^#/ && $1 == 1 {print $3}' "$tmp/time.csv" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
all=$(awk -F, -v u="$usable" '!/^#/ && $1 == u {print $3}' "$tmp/time.csv" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
sp=$(awk -F, -v u="$usable" '$1 == "# speedup" && $2 == u {print $3}' "$tmp/time.csv")
echo "serial (n_jobs=1): $one s; n_jobs=$usable: $all s on $cores CPUs; paired speedup ${sp}x (cold and warm call, imports included)"
if awk -v s="$sp" 'BEGIN {exit !(s >= 1.2)}'; then
    echo "PASS: n_jobs=$usable beats the serial run by ${sp}x, cold call and warm call together"
    exit 0
fi
echo "FAIL: n_jobs=$usable reaches only ${sp}x of the serial run: what does the first call pay before"
echo "any fold runs? (TODO 1: BACKEND in $(basename "$src"); python3 $(basename "$src") 2 prints each call's time)"
exit 1
