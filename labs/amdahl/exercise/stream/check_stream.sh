#!/bin/sh
# check_stream.sh [FILE.c]: the self-check of the STREAM exercise (default: triad.c here).
#   Builds FILE.c and runs it with 1 thread and with every usable CPU (as parlab counts
#   them), 5 times each, paired (`parlab time`). PASS when the triad really runs on every
#   thread (they keep the CPUs busy) and computes the right sums; then it prints the
#   bandwidth and the speedup beside your prediction (prediction.txt). FAIL when the loop
#   still runs on one thread; CANNOT JUDGE when other programs held a CPU meanwhile, or
#   with one usable CPU.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../../.." && pwd)
src=${1:-$here/triad.c}
parlab="${PARLAB:-$top/bin/parlab}"
[ -x "$parlab" ] || { echo "build parlab first: make"; exit 2; }
[ -f "$src" ] || { echo "check_stream.sh: no such file '$src'"; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
${CC:-cc} -O2 -fopenmp -o "$tmp/triad" "$src"
"$parlab" time --reps 5 -- "$tmp/triad" >"$tmp/time.csv"
usable=$(awk -F, '$1 == "# usable_cpus" {print $2}' "$tmp/time.csv")
if [ "$usable" -lt 2 ]; then
    echo "CANNOT JUDGE: 1 usable CPU here: one thread is all there is."
    exit 0
fi
# the program's own line: threads seconds GB/s checksum
awk -F, 'NR > 1 && !/^#/ {print "threads " $1 ", run " $2 ": " $6 " (cores busy " $4 ")"}' "$tmp/time.csv"
sums=$(awk -F, 'NR > 1 && !/^#/ {split($6, f, " "); print f[4]}' "$tmp/time.csv" | sort -u | wc -l)
[ "$sums" -eq 1 ] || { echo "FAIL: the checksum differs between runs (a race?)"; exit 1; }
other=$(awk -F, '$1 == "# other_cores_max" {print $2}' "$tmp/time.csv")
if awk -v o="$other" 'BEGIN {exit !(o > 0.3)}'; then
    echo "CANNOT JUDGE: other programs used up to $other CPUs while it ran; rerun when the machine is quiet."
    exit 0
fi
cores=$(awk -F, -v u="$usable" '$1 == "# cpu_cores" && $2 == u {print $3}' "$tmp/time.csv")
# A thread waiting for memory is still a busy CPU: with the loop parallel, every
# thread keeps its CPU busy, whether or not the bandwidth grows.
if ! awk -v c="$cores" -v u="$usable" 'BEGIN {exit !(c >= 0.7 * u)}'; then
    echo "FAIL: with $usable threads only $cores CPUs were busy: the triad still runs on one thread (TODO 1)"
    exit 1
fi
gbs() { awk -F, -v w="$1" 'NR > 1 && !/^#/ && $1 == w {split($6, f, " "); print f[3]}' "$tmp/time.csv" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
g1=$(gbs 1); gp=$(gbs "$usable")
sp=$(awk -F, -v u="$usable" '$1 == "# speedup" && $2 == u {print $3}' "$tmp/time.csv")
echo "bandwidth: ${g1} GB/s with 1 thread, ${gp} GB/s with $usable; paired speedup ${sp}x on $cores CPUs"
if [ -f "$(dirname "$src")/prediction.txt" ]; then
    pred=$(head -n 1 "$(dirname "$src")/prediction.txt")
    echo "you predicted ${pred}x; compute-bound work would give about ${usable}x"
else
    echo "(write your prediction in prediction.txt next time, before you run: TODO 3)"
fi
if awk -v s="$sp" -v u="$usable" 'BEGIN {exit !(s < 0.8 * u)}'; then
    echo "PASS: the triad runs on every thread, and memory, not the cores, stops it: ${sp}x on $usable CPUs"
else
    echo "PASS: the triad runs on every thread; here the memory still keeps up with $usable threads (${sp}x): with more cores a memory channel serves, it flattens"
fi
