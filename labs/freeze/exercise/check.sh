#!/bin/sh
# check.sh [FILE.py]: the self-check of the frozen-UI exercise.
#   Runs FILE.py (default: ui.py beside this script) 3 times through `parlab time`, which
#   records the CPU it got and what other programs used meanwhile, and reads the line it
#   prints last: frames=N replies=R frozen=F late_p99_ms=P late_worst_ms=W.
#   PASS when the UI still gets its data (at least 2 answers in 2 s) and no frame was
#   late by half the source's delay (100 ms) in any run: the loop never waited for it.
#   FAIL when the UI froze at every answer in every run (that is the loop waiting for
#   the source, whatever else runs), or when a frame was that late on a quiet machine;
#   CANNOT JUDGE when other programs held the CPUs meanwhile and the stalls do not line
#   up with the answers (a busy machine can make a frame late by itself).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/labs/exercise.sh"
ex_init "${1:-$here/ui.py}"
delay_ms=200
FREEZE_SECONDS=2 FREEZE_DELAY=0.2 ex_time --reps 3 --workers 1 -- "$py" "$src"
# The last line of every run: the fewest answers and the worst frame over the 3 runs.
awk -F, 'NR > 1 && !/^#/ {
        n = split($6, kv, " ")
        for (i = 1; i <= n; i++) { split(kv[i], p, "="); v[p[1]] = p[2] }
        if (!("replies" in v) || !("frozen" in v) || !("late_worst_ms" in v)) { bad = 1; next }
        if (v["frozen"] < v["replies"] || v["replies"] < 1) each = 0
        if (runs == 0 || v["replies"] < rmin) rmin = v["replies"]
        if (v["late_worst_ms"] > worst) worst = v["late_worst_ms"]
        runs++; delete v
    }
    BEGIN { each = 1 }
    END { if (bad || runs == 0) print "bad"; else print rmin, worst, each }' "$tmp/time.csv" >"$tmp/verdict"
read -r replies worst each <"$tmp/verdict" || true
if [ "$replies" = bad ]; then
    echo "FAIL: the program's last line must be: frames=N replies=R frozen=F late_p99_ms=P late_worst_ms=W (keep the print at the end)"
    exit 1
fi
echo "worst frame over 3 runs: $worst ms late (the source answers after $delay_ms ms); fewest answers in a run: $replies"
if [ "$replies" -lt 2 ]; then
    echo "FAIL: the UI received $replies answers in 2 s: it must still fetch its data every 0.5 s (on a thread)"
    exit 1
fi
if awk -v w="$worst" -v d="$delay_ms" 'BEGIN {exit !(w < d / 2)}'; then
    echo "PASS: no frame waited for the slow source: the request runs beside the UI loop"
    exit 0
fi
if [ "$each" = 1 ]; then
    echo "FAIL: every answer froze the UI for about $delay_ms ms: the loop still waits for fetch() (the TODO: make the request on a worker thread)"
    exit 1
fi
other=$(ex_other)
if awk -v o="$other" 'BEGIN {exit !(o > 0.3)}'; then
    echo "CANNOT JUDGE: other programs used up to $other CPUs while it ran, which delays frames by itself;"
    echo "rerun when the machine is quiet (parmon shows who is busy)."
    exit 0
fi
echo "FAIL: a frame was $worst ms late: the UI loop still waits for fetch() (the TODO: make the request on a worker thread)"
exit 1
