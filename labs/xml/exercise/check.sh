#!/bin/sh
# check.sh [FILE.py]: the self-check of the xml lab's exercise (default: titles.py
# beside this script).
#   Makes the corpus once (datasets/xml/corpus.py: 1000 articles of 40 KiB, seed 1,
#   40 MB) in a cache folder, $XDG_CACHE_HOME/parlab (or ~/.cache/parlab; PARLAB_CACHE
#   overrides), never in the source tree. Then times FILE.py with 1 worker and with
#   every usable CPU, as parlab counts them (affinity mask and cgroup quota), 5 times
#   each (PARLAB_CHECK_REPS to change), paired (`parlab time`), and checks that every
#   run read the same articles.
#   PASS when the usable CPUs beat one worker by at least 1.3x (the median of the
#   paired speedups); FAIL when they do not; CANNOT JUDGE when the machine did not give
#   the runs the CPUs they needed (another program held one) or has only one CPU: then
#   the timings say nothing about the code.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
src=${1:-$here/titles.py}
parlab="${PARLAB:-$top/bin/parlab}"
reps=${PARLAB_CHECK_REPS:-5}
py=/usr/bin/python3
[ -x "$py" ] || py=python3
[ -x "$parlab" ] || { echo "build parlab first: make"; exit 2; }
[ -f "$src" ] || { echo "check.sh: no such file '$src'"; exit 2; }
cache=${PARLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/parlab}
corpus="$cache/xml-exercise-seed1-1000x40k"
if [ ! -f "$corpus/.complete" ]; then
    echo "making the corpus once (1000 articles, 40 MB) in $corpus ..."
    rm -rf "$corpus"
    mkdir -p "$corpus"
    "$py" "$top/datasets/xml/corpus.py" --seed 1 --docs 1000 --kb 40 "$corpus" >/dev/null
    touch "$corpus/.complete"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
if ! PARLAB_XML_DIR="$corpus" "$parlab" time --reps "$reps" -- "$py" "$src" >"$tmp/time.csv" 2>"$tmp/err"; then
    echo "FAIL: $src did not run to the end:"
    tail -n 5 "$tmp/err"
    exit 1
fi
grep -v '^#' "$tmp/time.csv"
usable=$(awk -F, '$1 == "# usable_cpus" {print $2}' "$tmp/time.csv")
if [ "$usable" -lt 2 ]; then
    echo "CANNOT JUDGE: 1 usable CPU here: no way of reading in parallel can beat one worker."
    exit 0
fi
# Every run must read the same thing, one worker or many: parallel, but still right.
sums=$(awk -F, 'NR > 1 && !/^#/ {print $6}' "$tmp/time.csv" | sort -u | wc -l)
[ "$sums" -eq 1 ] || { echo "FAIL: the runs did not read the same articles: is every document read once?"; exit 1; }
# Did the runs get the machine? Other programs' CPU time while they ran, at the most.
other=$(awk -F, '$1 == "# other_cores_max" {print $2}' "$tmp/time.csv")
cores=$(awk -F, -v u="$usable" '$1 == "# cpu_cores" && $2 == u {print $3}' "$tmp/time.csv")
if awk -v o="$other" 'BEGIN {exit !(o > 0.3)}'; then
    echo "CANNOT JUDGE: other programs used up to $other CPUs while it ran (it got $cores with $usable workers);"
    echo "rerun when the machine is quiet (parmon shows who is busy)."
    exit 0
fi
one=$(awk -F, '!/^#/ && $1 == 1 {print $3}' "$tmp/time.csv" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
all=$(awk -F, -v u="$usable" '!/^#/ && $1 == u {print $3}' "$tmp/time.csv" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
sp=$(awk -F, -v u="$usable" '$1 == "# speedup" && $2 == u {print $3}' "$tmp/time.csv")
echo "one worker: $one s; $usable workers: $all s on $cores CPUs; paired speedup ${sp}x"
if awk -v s="$sp" 'BEGIN {exit !(s >= 1.3)}'; then
    echo "PASS: $usable workers read the articles ${sp}x as fast as one"
    exit 0
fi
echo "FAIL: $usable workers reach only ${sp}x of one, on $cores CPUs: the workers take turns. Which parser"
echo "holds the GIL while it parses (TODO 1 in $(basename "$src")), and would processes help (TODO 2)?"
exit 1
