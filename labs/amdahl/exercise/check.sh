#!/bin/sh
# check.sh [FILE.c]: the self-check of the Amdahl exercise.
#   Builds FILE.c (default: starter.c beside this script) and times it with 1 thread and
#   with every usable CPU (as parlab counts them: affinity mask and cgroup quota), 5
#   times each, paired (`parlab time`), then fits Amdahl's law with `parlab fit`.
#   PASS when the serial fraction fell below 0.15; FAIL when it did not; CANNOT JUDGE
#   when the machine did not give the program the CPUs it needed (another program held
#   one) or has only one: then the timings say nothing about the code.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
src=${1:-$here/starter.c}
parlab="${PARLAB:-$top/bin/parlab}"
[ -x "$parlab" ] || { echo "build parlab first: make"; exit 2; }
[ -f "$src" ] || { echo "check.sh: no such file '$src'"; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
${CC:-cc} -O2 -fopenmp -o "$tmp/prog" "$src" -lm
"$parlab" time --reps 5 -- "$tmp/prog" >"$tmp/time.csv"
grep -v '^#' "$tmp/time.csv"
usable=$(awk -F, '$1 == "# usable_cpus" {print $2}' "$tmp/time.csv")
if [ "$usable" -lt 2 ]; then
    echo "CANNOT JUDGE: 1 usable CPU here, so no speedup can be measured."
    exit 0
fi
# Every run must compute the same sum, however many threads: parallel, but still right.
sums=$(awk -F, 'NR > 1 && !/^#/ {split($6, f, " "); print f[3]}' "$tmp/time.csv" | sort -u | wc -l)
[ "$sums" -eq 1 ] || { echo "FAIL: the result differs between runs (a race?)"; exit 1; }
# Did the program get the machine? Other programs' CPU time while it ran, at the most.
other=$(awk -F, '$1 == "# other_cores_max" {print $2}' "$tmp/time.csv")
cores=$(awk -F, -v u="$usable" '$1 == "# cpu_cores" && $2 == u {print $3}' "$tmp/time.csv")
if awk -v o="$other" 'BEGIN {exit !(o > 0.3)}'; then
    echo "CANNOT JUDGE: other programs used up to $other CPUs while it ran (it got $cores with $usable threads);"
    echo "rerun when the machine is quiet (parmon shows who is busy)."
    exit 0
fi
awk -F, 'NR == 1 {print "workers,seconds"} NR > 1 && !/^#/ {print $1 "," $3}' "$tmp/time.csv" >"$tmp/t.csv"
s=$("$parlab" fit "$tmp/t.csv" --model amdahl --format csv | awk -F, '$2=="serial_fraction"{print $3}')
sp=$(awk -F, -v u="$usable" '$1 == "# speedup" && $2 == u {print $3}' "$tmp/time.csv")
echo "paired speedup with $usable threads: ${sp}x on $cores CPUs; fitted serial fraction: $s (ceiling 1/s = $(awk -v s="$s" 'BEGIN{ if (s > 0) printf "%.1fx", 1/s; else print "none" }'))"
if awk -v s="$s" 'BEGIN{exit !(s < 0.15)}'; then
    echo "PASS: the serial fraction is below 0.15"
else
    echo "FAIL: the serial fraction is still $s: is the fill loop parallel? (TODO 1)"
    exit 1
fi
