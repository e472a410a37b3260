#!/bin/sh
# check.sh [FILE.c]: the self-check of the sync lab's exercise (default: counters.c
# beside this script).
#   Builds FILE.c and control.c (the same counting with nothing shared: each thread
#   counts in a local variable) and times each with 1 thread and with every usable CPU
#   (as parlab counts them: affinity mask and cgroup quota), 5 times, paired (`parlab
#   time`). False sharing is what stops P threads from going P times as fast, so the
#   check compares speedups, each over its own one-thread run: a change that makes one
#   thread faster too (a counter kept in a register) gains nothing here; only threads
#   that stop slowing each other down do.
#     PASS          the total is right and your speedup reaches half of the control's
#     FAIL          the total is wrong, or the speedup stays below that (the threads still
#                   slow each other down)
#     CANNOT JUDGE  1 usable CPU (threads take turns: nothing can falsely share), another
#                   program held a CPU meanwhile, or the runs did not get their CPUs
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
src=${1:-$here/counters.c}
parlab="${PARLAB:-$top/bin/parlab}"
[ -x "$parlab" ] || { echo "build parlab first: make"; exit 2; }
[ -f "$src" ] || { echo "check.sh: no such file '$src'"; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cc=${CC:-cc}
if ! $cc -std=gnu11 -O2 -pthread -o "$tmp/prog" "$src" 2>"$tmp/err"; then
    echo "FAIL: $(basename "$src") does not build:"; head -n 5 "$tmp/err"; exit 1
fi
$cc -std=gnu11 -O2 -pthread -o "$tmp/control" "$here/control.c"
# Yours first, then the control, each paired over 1 and P threads.
"$parlab" time --reps 5 -- "$tmp/prog" >"$tmp/yours.csv"
"$parlab" time --reps 5 -- "$tmp/control" >"$tmp/control.csv"
echo "your program (workers, rep, seconds, CPUs it got, CPUs others used, its last line):"
grep -v '^#' "$tmp/yours.csv" | sed 's/^/  /'
get() { awk -F, -v k="# $2" -v w="${3:-}" '$1 == k && (w == "" || $2 == w) {print (w == "" ? $2 : $3)}' "$tmp/$1.csv"; }
# The total must be right in every run, with 1 thread and with every usable CPU.
bad=$(awk -F, 'NR > 1 && !/^#/ { split($6, f, " "); n = f[4]; want = int((n - 1) / 7) + 1;
                                  if (f[1] != "total" || f[2] != want) { print $1 " thread(s): " $6 " (expected total " want ")"; exit } }' "$tmp/yours.csv")
if [ -n "$bad" ]; then
    echo "FAIL: a count was lost or doubled: $bad"; exit 1
fi
usable=$(get yours usable_cpus)
if [ "$usable" -lt 2 ]; then
    echo "CANNOT JUDGE: 1 usable CPU here: the threads take turns, so they never write the line at the"
    echo "same moment and no false sharing can be measured. Run on a machine with 2 or more CPUs."
    exit 0
fi
stride=$(awk -F, 'NR > 1 && !/^#/ { split($6, f, " "); print f[6]; exit }' "$tmp/yours.csv")
# Did the runs get the machine? Other programs' CPUs while they ran, at the most, and
# the CPUs the P-thread runs got.
other=$(awk -F, '$1 == "# other_cores_max" && $2 > m {m = $2} END {print m + 0}' "$tmp/yours.csv" "$tmp/control.csv")
cores=$(get yours cpu_cores "$usable"); ccores=$(get control cpu_cores "$usable")
if awk -v o="$other" 'BEGIN {exit !(o > 0.3)}'; then
    echo "CANNOT JUDGE: other programs used up to $other CPUs while it ran (with $usable threads yours got"
    echo "$cores CPUs, the control $ccores); rerun when the machine is quiet (parmon shows who is busy)."
    exit 0
fi
if awk -v c="$cores" -v d="$ccores" -v u="$usable" 'BEGIN {exit !(c < 0.8 * u || d < 0.8 * u)}'; then
    echo "CANNOT JUDGE: with $usable threads the runs got $cores CPUs (the control $ccores), not $usable:"
    echo "the threads did not all run at once; rerun when the machine is quiet."
    exit 0
fi
sp=$(get yours speedup "$usable" | cut -d, -f1); csp=$(get control speedup "$usable" | cut -d, -f1)
echo "speedup with $usable threads over 1 (paired, median of 5): yours ${sp}x, the control's ${csp}x (nothing shared)"
if awk -v c="$csp" 'BEGIN {exit !(c < 1.3)}'; then
    echo "CANNOT JUDGE: even the control, which shares nothing, sped up only ${csp}x with $usable threads:"
    echo "this machine did not run them in parallel; rerun when it is quiet."
    exit 0
fi
if awk -v s="$sp" -v c="$csp" 'BEGIN {exit !(s >= 0.5 * c)}'; then
    echo "PASS: the total is right and your threads no longer slow each other down: ${sp}x of the control's ${csp}x (counters $stride bytes apart)"
else
    echo "FAIL: your threads still slow each other down: ${sp}x with $usable threads, where the control gets ${csp}x (need half of it)."
    echo "      Your counters are $stride bytes apart: each atomic add pulls the shared cache line from the other core. TODO 1 or TODO 2."
    exit 1
fi
