#!/bin/sh
# check.sh [FILE.py]: the self-check of the gil lab's exercise.
#   Times FILE.py (default: starter.py beside this script) with 1 worker and with N
#   workers (N = the usable CPUs as parlab counts them: affinity mask and cgroup quota,
#   at most 4), 5 times each, paired (`parlab time`: the worker count reaches the
#   program in PARLAB_WORKERS), and checks that every run counted every step.
#   PASS when N workers are at least 0.7 N times as fast as one; FAIL when they are not
#   and the workers took turns (hardly more than one CPU busy: a GIL); CANNOT JUDGE when
#   the machine did not give the program the CPUs it needed (another program held one),
#   has only one, or its CPUs slowed each other down (more than one busy, yet short of
#   0.7 N): then the timings say nothing about the code.
#   Environment: TOTAL (steps, default 20000000), PARLAB (default bin/parlab of this
#   checkout).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/labs/exercise.sh"
ex_init "${1:-$here/starter.py}"
total=${TOTAL:-20000000}

# The usable CPUs, as parlab counts them (never nproc: a container or taskset may allow
# fewer than the machine has).
usable=$("$parlab" time --reps 1 -- true | awk -F, '$1 == "# usable_cpus" {print $2}')
if [ "$usable" -lt 2 ]; then
    echo "CANNOT JUDGE: 1 usable CPU here, so no version can run faster; run the check on a"
    echo "machine (or container) with 2 or more CPUs."
    exit 0
fi
n=$usable
[ "$n" -gt 4 ] && n=4 # more workers would time mostly the start of their processes

ex_time --reps 5 --workers "1,$n" -- "$py" "$src" "$total"
# Every run counted every step: the program's last line is "STEPS SECONDS".
wrong=$(awk -F, -v t="$total" 'NR > 1 && !/^#/ {split($6, f, " "); if (f[1] != t) print $1 " workers: " f[1]}' "$tmp/time.csv" | head -n 1)
if [ -n "$wrong" ]; then
    echo "FAIL: work() returned the wrong number of steps (with $wrong, expected $total): every step once"
    exit 1
fi
cores=$(ex_cores "$n")
sp=$(ex_speedup "$n")
ex_busy_cannot_judge "with $n workers it got $cores"
need=$(awk -v n="$n" 'BEGIN {printf "%.2f", 0.7 * n}')
echo "paired speedup with $n workers: ${sp}x on $cores CPU cores (need ${need}x)"
if awk -v s="$sp" -v need="$need" 'BEGIN {exit !(s >= need)}'; then
    echo "PASS: the work scales: each worker has its own GIL (or runs without one)"
elif ex_took_turns "$cores" "$n"; then
    echo "FAIL: the workers still take turns ($cores CPU cores busy): threads running Python share"
    echo "one GIL. Run the shares in processes, or in C that releases the GIL (the TODO in work())."
    exit 1
else
    # More than one CPU was busy, so the workers did not take turns on a GIL: each CPU
    # just ran slower than one alone (two virtual CPUs on one physical core, a shared
    # cache), or the serial start of the processes weighed more than usual.
    echo "CANNOT JUDGE: your $n workers kept $cores CPU cores busy (so no GIL made them take turns),"
    echo "yet ran only ${sp}x as fast: the CPUs slowed each other down (virtual CPUs sharing a"
    echo "physical core?), which says nothing about your code. Rerun on another machine, or a quieter moment."
fi
