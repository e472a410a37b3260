#!/bin/sh
# parlab fit grows about linearly with the rows: 1e5 rows within 20x the time of 1e4
# (it was quadratic: 1e5 rows took 24 s). Measured side by side, printed, not asserted.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gen() { awk -v n="$1" 'BEGIN { srand(1); print "workers,seconds";
    for (i = 0; i < n; i++) { w = 2 ^ int(rand() * 5); printf "%d,%.6f\n", w, 10 * (0.1 + 0.9 / w) * (1 + 0.01 * rand()) } }'; }
gen 10000 >"$tmp/a.csv"
gen 100000 >"$tmp/b.csv"
t() { s=$(date +%s.%N); "$PARLAB" fit "$1" --format csv >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
ta=$(t "$tmp/a.csv"); tb=$(t "$tmp/b.csv")
ratio=$(echo "$tb / $ta" | bc -l)
met=$(echo "$ratio <= 20" | bc -l)
printf 'bench: fit: 1e4 rows %.3f s, 1e5 rows %.3f s: ratio %.1f (target <= 20): %s\n' "$ta" "$tb" "$ratio" \
    "$([ "$met" = 1 ] && echo met || echo NOT met)"
