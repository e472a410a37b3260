#!/bin/sh
# check.sh [FILE.py]: the self-check of the cluster lab's exercise (default: batch.py
# beside this script).
#   Times FILE.py with 1 worker (its plain loop: the baseline) and with every usable CPU
#   (its executor: Dask if installed, else a process pool), 3 times each, paired
#   (`parlab time`). The program reports how long its work took, without the engine's
#   start and stop; the efficiency is the loop's time over (workers x the executor's
#   time), repetition by repetition, and every run must give the same checksum.
#   PASS when the median efficiency reaches 0.9; FAIL when it does not; CANNOT JUDGE
#   when the machine did not give the runs the CPUs they needed
#   (another program held one) or has only one: then the timings say nothing about the
#   code.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/labs/exercise.sh"
ex_init "${1:-$here/batch.py}"
ex_time --reps 3 -- "$py" "$src"
usable=$(ex_usable)
ex_one_cpu_cannot_judge "so no executor can beat the loop (its workers take turns on the CPU)."
# Every run must compute the same checksum: parallel, but still right.
[ "$(ex_outputs | awk '{print $4}' | sort -u | wc -l)" -eq 1 ] ||
    { echo "FAIL: the checksum differs between runs: is every item in exactly one batch?"; exit 1; }
ex_busy_cannot_judge "$(ex_cores "$usable") CPUs for $usable workers"
# The efficiency of each repetition: its loop's work time over (workers x its executor's).
eff=$(awk -F, -v u="$usable" 'NR > 1 && !/^#/ { split($6, f, " "); t[$1 "," $2] = f[2]; if ($1 == u) { e = f[8]; k = f[6] } }
    END { n = 0; for (r = 1; r <= 50; r++) if ((1 "," r) in t && (u "," r) in t && t[u "," r] > 0) v[++n] = t[1 "," r] / (u * t[u "," r]);
          # the median of the paired efficiencies
          for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { x = v[i]; v[i] = v[j]; v[j] = x }
          printf "%.3f %s %s\n", n ? v[int((n + 1) / 2)] : 0, e, k }' "$tmp/time.csv")
e=${eff%% *}
rest=${eff#* }
engine=${rest%% *}
tasks=${rest#* }
want=0.9
echo "efficiency on $usable workers ($engine, $tasks tasks): $e (the loop's time / ($usable x the executor's), median of 3 paired runs)"
if awk -v e="$e" -v w="$want" 'BEGIN {exit !(e >= w)}'; then
    echo "PASS: the cluster keeps its workers $(awk -v e="$e" 'BEGIN {printf "%.0f", 100 * e}')% busy with your work"
    exit 0
fi
echo "FAIL: efficiency $e, below $want: send more items a task (TODO 1 and TODO 2 in $(basename "$src"))"
echo "(each task still costs the engine more than the work it carries)"
exit 1
