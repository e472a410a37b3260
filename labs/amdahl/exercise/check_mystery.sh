#!/bin/sh
# check_mystery.sh S: is S the serial fraction of datasets/amdahl/mystery-timings.csv?
# PASS within 0.02 of the value kept in solution/ (exit 0), FAIL otherwise (exit 1).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 1 ] || { echo "usage: check_mystery.sh SERIAL_FRACTION   (e.g. 0.3)"; exit 2; }
truth=$(cat "$here/solution/mystery-answer.txt")
if ! awk -v s="$1" 'BEGIN{ exit !(s ~ /^[0-9]*\.?[0-9]+$/ && s <= 1) }'; then
    echo "check_mystery.sh: '$1' is not a fraction from 0 to 1"; exit 2
fi
if awk -v s="$1" -v t="$truth" 'BEGIN{ d = s - t; if (d < 0) d = -d; exit !(d <= 0.02) }'; then
    echo "PASS: $1 is within 0.02 of the serial fraction"
else
    echo "FAIL: $1 is not it. Hint: Karp-Flatt on the medians, or: parlab fit datasets/amdahl/mystery-timings.csv"
    exit 1
fi
