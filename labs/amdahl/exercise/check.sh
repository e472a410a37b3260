#!/bin/sh
# check.sh [FILE.c]: the self-check of the Amdahl exercise.
#   Builds FILE.c (default: starter.c beside this script) and times it with 1 thread and
#   with every usable CPU (as parlab counts them: affinity mask and cgroup quota), 5
#   times each, paired (`parlab time`), then fits Amdahl's law with `parlab fit`.
#   PASS when the serial fraction fell below 0.15; FAIL when it did not and the CPU time
#   agrees (fewer CPUs busy than a serial fraction of 0.15 keeps); CANNOT JUDGE when the
#   machine did not give the program the CPUs it needed (another program held one), has
#   only one, or its CPUs slowed each other (busy, yet slow): then the timings say
#   nothing about the code.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/labs/exercise.sh"
ex_init "${1:-$here/starter.c}"
${CC:-cc} -O2 -fopenmp -o "$tmp/prog" "$src" -lm
ex_time --reps 5 -- "$tmp/prog"
usable=$(ex_usable)
ex_one_cpu_cannot_judge "so no speedup can be measured."
# Every run must compute the same sum, however many threads: parallel, but still right.
[ "$(ex_outputs | awk '{print $3}' | sort -u | wc -l)" -eq 1 ] ||
    { echo "FAIL: the result differs between runs (a race?)"; exit 1; }
cores=$(ex_cores "$usable")
ex_busy_cannot_judge "it got $cores CPUs with $usable threads"
awk -F, 'NR == 1 {print "workers,seconds"} NR > 1 && !/^#/ {print $1 "," $3}' "$tmp/time.csv" >"$tmp/t.csv"
s=$("$parlab" fit "$tmp/t.csv" --model amdahl --format csv | awk -F, '$2=="serial_fraction"{print $3}')
sp=$(ex_speedup "$usable")
echo "paired speedup with $usable threads: ${sp}x on $cores CPUs; fitted serial fraction: $s (ceiling 1/s = $(awk -v s="$s" 'BEGIN{ if (s > 0) printf "%.1fx", 1/s; else print "none" }'))"
if awk -v s="$s" 'BEGIN{exit !(s < 0.15)}'; then
    echo "PASS: the serial fraction is below 0.15"
elif awk -v c="$cores" -v n="$usable" 'BEGIN{exit !(c >= 1 / (0.15 + 0.85 / n))}'; then
    # The CPU time tells the same story another way: a program with serial fraction s
    # keeps 1 / (s + (1 - s) / n) CPUs busy on n (1.74 of 2 for s = 0.15; the starter
    # keeps about 1.3). Busy enough CPUs with too little speedup mean the CPUs ran
    # slower together than alone (two vCPUs on one physical core), not a serial part.
    echo "CANNOT JUDGE: your threads kept $cores CPUs busy, as a serial fraction under 0.15 would, yet"
    echo "ran only ${sp}x as fast: the CPUs slowed each other down, which says nothing about your code."
    echo "Rerun when the machine is quiet, or on another machine."
else
    echo "FAIL: the serial fraction is still $s: is the fill loop parallel? (TODO 1)"
    exit 1
fi
