#!/bin/sh
# check.sh [FILE.c]: the self-check of the Amdahl exercise.
#   Builds FILE.c (default: starter.c beside this script), times it with 1 thread and
#   with every usable CPU (3 runs each), fits Amdahl's law with `parlab fit`, and says
#   PASS when the serial fraction fell below 0.15. Timing-based: on a busy machine,
#   run it again. On 1 usable CPU it cannot judge, and says so.
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
cpus=$(nproc)
echo "workers,seconds,checksum" >"$tmp/t.csv"
for p in 1 "$cpus"; do
    for rep in 1 2 3; do
        OMP_NUM_THREADS=$p "$tmp/prog" >>"$tmp/t.csv"
    done
done
cat "$tmp/t.csv"
if [ "$cpus" -lt 2 ]; then
    echo "CANNOT JUDGE: 1 usable CPU, so no speedup can be measured here."
    exit 0
fi
# Every run must compute the same sum, however many threads: parallel, but still right.
sums=$(tail -n +2 "$tmp/t.csv" | cut -d, -f3 | sort -u | wc -l)
[ "$sums" -eq 1 ] || { echo "FAIL: the result differs between runs (a race?)"; exit 1; }
s=$("$parlab" fit "$tmp/t.csv" --model amdahl --format csv | awk -F, '$2=="serial_fraction"{print $3}')
echo "fitted serial fraction: $s (ceiling 1/s = $(awk -v s="$s" 'BEGIN{ if (s > 0) printf "%.1fx", 1/s; else print "none" }'))"
if awk -v s="$s" 'BEGIN{exit !(s < 0.15)}'; then
    echo "PASS: the serial fraction is below 0.15"
else
    echo "FAIL: the serial fraction is still $s: is the fill loop parallel? (TODO 1)"
    exit 1
fi
