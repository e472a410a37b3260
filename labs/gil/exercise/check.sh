#!/bin/sh
# check.sh [FILE.py]: the self-check of the gil lab's exercise.
# Runs FILE (default starter.py) with 1 worker and with N workers (N = usable CPUs, at
# most 4), checks it still counts every step, and says PASS if N workers run at least
# 0.7 N times as fast as one. On 1 usable CPU nothing can speed up: it says so.
set -u
here=$(cd "$(dirname "$0")" && pwd)
file=${1:-$here/starter.py}
total=${TOTAL:-20000000}
py=${PYTHON:-python3}
[ -f "$file" ] || { echo "FAIL: no such file: $file"; exit 1; }
cpus=$(nproc 2>/dev/null || echo 1)
n=$cpus
[ "$n" -gt 4 ] && n=4

run() { # workers -> "steps seconds"
    "$py" "$file" "$total" "$1" 2>"${TMPDIR:-/tmp}/gil-check.err" || {
        echo "FAIL: $file exited with an error:"; tail -n 5 "${TMPDIR:-/tmp}/gil-check.err"; exit 1; }
}
one=$(run 1)
steps1=${one% *}; t1=${one#* }
[ "$steps1" = "$total" ] || { echo "FAIL: with 1 worker work() returned $steps1 steps, expected $total"; exit 1; }
if [ "$n" -lt 2 ]; then
    echo "CANNOT JUDGE: 1 usable CPU here, so no version can run faster; it counts every step (${t1} s)."
    echo "Run the check on a machine (or container) with 2 or more CPUs."
    exit 0
fi
many=$(run "$n")
stepsn=${many% *}; tn=${many#* }
[ "$stepsn" = "$total" ] || { echo "FAIL: with $n workers work() returned $stepsn steps, expected $total"; exit 1; }
awk -v t1="$t1" -v tn="$tn" -v n="$n" 'BEGIN {
    s = t1 / tn; need = 0.7 * n
    printf "1 worker: %.3f s, %d workers: %.3f s: speedup %.2fx (need %.2fx)\n", t1, n, tn, s, need
    if (s >= need) { print "PASS: the work scales: each worker has its own GIL (or none)"; exit 0 }
    print "FAIL: the workers still take turns: threads running Python share one GIL"; exit 1
}'
