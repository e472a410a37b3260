#!/bin/sh
# check.sh [FILE.py]: the self-check of the xml lab's exercise (default: titles.py
# beside this script).
#   Makes the corpus once (datasets/xml/corpus.py: 1000 articles of 40 KiB, seed 1,
#   40 MB) in a cache folder, $XDG_CACHE_HOME/parlab (or ~/.cache/parlab; PARLAB_CACHE
#   overrides), never in the source tree. Then times FILE.py with 1 worker and with
#   every usable CPU, as parlab counts them (affinity mask and cgroup quota), 5 times
#   each (PARLAB_CHECK_REPS to change), paired (`parlab time`), and checks that every
#   run read the same articles.
#   PASS when the usable CPUs beat one worker by at least 1.2x (the median of the
#   paired speedups); FAIL when they do not and the workers took turns (hardly more than
#   one CPU busy: a GIL); CANNOT JUDGE when the machine did not give the runs the CPUs they
#   needed (another program held one), has only one CPU, or its CPUs slowed each other
#   (more than one busy, yet short of 1.2x): then the timings say nothing about the code.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/labs/exercise.sh"
ex_init "${1:-$here/titles.py}"
reps=${PARLAB_CHECK_REPS:-5}
cache=${PARLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/parlab}
corpus="$cache/xml-exercise-seed1-1000x40k"
if [ ! -f "$corpus/.complete" ]; then
    echo "making the corpus once (1000 articles, 40 MB) in $corpus ..."
    rm -rf "$corpus"
    mkdir -p "$corpus"
    "$py" "$top/datasets/xml/corpus.py" --seed 1 --docs 1000 --kb 40 "$corpus" >/dev/null
    touch "$corpus/.complete"
fi
PARLAB_XML_DIR="$corpus" ex_time --reps "$reps" -- "$py" "$src"
usable=$(ex_usable)
ex_one_cpu_cannot_judge "so no way of reading in parallel can beat one worker."
# Every run must read the same thing, one worker or many: parallel, but still right.
[ "$(ex_outputs | sort -u | wc -l)" -eq 1 ] ||
    { echo "FAIL: the runs did not read the same articles: is every document read once?"; exit 1; }
cores=$(ex_cores "$usable")
ex_busy_cannot_judge "it got $cores CPUs with $usable workers"
one=$(ex_median 1)
all=$(ex_median "$usable")
sp=$(ex_speedup "$usable")
echo "one worker: $one s; $usable workers: $all s on $cores CPUs; paired speedup ${sp}x"
if awk -v s="$sp" 'BEGIN {exit !(s >= 1.2)}'; then
    echo "PASS: $usable workers read the articles ${sp}x as fast as one"
    exit 0
fi
if ! ex_took_turns "$cores" "$usable"; then
    # The workers kept the CPUs busy, so no GIL made them take turns; each CPU simply did
    # less than one alone (on a 2-vCPU VM two busy vCPUs can share a physical core).
    echo "CANNOT JUDGE: your $usable workers kept $cores CPUs busy (they did not take turns on the GIL),"
    echo "yet read only ${sp}x as fast as one: the CPUs slowed each other down, which says nothing"
    echo "about your code. Rerun at a quieter moment, or on another machine."
    exit 0
fi
echo "FAIL: $usable workers reach only ${sp}x of one, on $cores CPUs: the workers take turns. Which parser"
echo "holds the GIL while it parses (TODO 1 in $(basename "$src")), and would processes help (TODO 2)?"
exit 1
