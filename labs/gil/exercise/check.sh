#!/bin/sh
# check.sh [FILE.py]: the self-check of the gil lab's exercise.
#   Times FILE.py (default: starter.py beside this script) with 1 worker and with N
#   workers (N = the usable CPUs as parlab counts them: affinity mask and cgroup quota,
#   at most 4), 5 times each, paired (`parlab time`: the worker count reaches the
#   program in PARLAB_WORKERS), and checks that every run counted every step.
#   PASS when N workers are at least 0.7 N times as fast as one; FAIL when they are not
#   and the workers took turns (fewer than 0.8 N cores busy: a GIL); CANNOT JUDGE when the
#   machine did not give the program the CPUs it needed (another program held one), has
#   only one, or its CPUs slowed each other down (0.8 N cores busy, yet short of 0.7 N):
#   then the timings say nothing about the code.
#   Environment: TOTAL (steps, default 20000000), PYTHON (default /usr/bin/python3),
#   PARLAB (default bin/parlab of this checkout).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
file=${1:-$here/starter.py}
total=${TOTAL:-20000000}
py=${PYTHON:-/usr/bin/python3}
parlab="${PARLAB:-$top/bin/parlab}"
[ -x "$parlab" ] || { echo "build parlab first: make"; exit 2; }
[ -f "$file" ] || { echo "FAIL: no such file: $file"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

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

if ! "$parlab" time --reps 5 --workers "1,$n" -- "$py" "$file" "$total" >"$tmp/time.csv" 2>"$tmp/err"; then
    echo "FAIL: $file exited with an error:"
    tail -n 5 "$tmp/err"
    exit 1
fi
grep -v '^#' "$tmp/time.csv"
# Every run counted every step: the program's last line is "STEPS SECONDS".
wrong=$(awk -F, -v t="$total" 'NR > 1 && !/^#/ {split($6, f, " "); if (f[1] != t) print $1 " workers: " f[1]}' "$tmp/time.csv" | head -n 1)
if [ -n "$wrong" ]; then
    echo "FAIL: work() returned the wrong number of steps (with $wrong, expected $total): every step once"
    exit 1
fi
# Did the program get the machine? Other programs' CPU time while it ran, at the most.
other=$(awk -F, '$1 == "# other_cores_max" {print $2}' "$tmp/time.csv")
cores=$(awk -F, -v n="$n" '$1 == "# cpu_cores" && $2 == n {print $3}' "$tmp/time.csv")
sp=$(awk -F, -v n="$n" '$1 == "# speedup" && $2 == n {print $3}' "$tmp/time.csv")
if awk -v o="$other" 'BEGIN {exit !(o > 0.3)}'; then
    echo "CANNOT JUDGE: other programs used up to $other CPUs while it ran (with $n workers it got $cores);"
    echo "rerun when the machine is quiet (parmon shows who is busy)."
    exit 0
fi
need=$(awk -v n="$n" 'BEGIN {printf "%.2f", 0.7 * n}')
echo "paired speedup with $n workers: ${sp}x on $cores CPU cores (need ${need}x)"
if awk -v s="$sp" -v need="$need" 'BEGIN {exit !(s >= need)}'; then
    echo "PASS: the work scales: each worker has its own GIL (or runs without one)"
elif awk -v c="$cores" -v n="$n" 'BEGIN {exit !(c >= 0.8 * n)}'; then
    # The workers kept the CPUs busy, so they did not take turns on a GIL: each CPU just
    # ran slower than one alone (two virtual CPUs on one physical core, a shared cache).
    echo "CANNOT JUDGE: your $n workers kept $cores CPU cores busy (no GIL stopped them), yet ran only"
    echo "${sp}x as fast: the CPUs slowed each other down (virtual CPUs sharing a physical core?),"
    echo "which says nothing about your code. Rerun on another machine, or a quieter moment."
else
    echo "FAIL: the workers still take turns ($cores CPU cores busy): threads running Python share"
    echo "one GIL. Run the shares in processes, or in C that releases the GIL (the TODO in work())."
    exit 1
fi
