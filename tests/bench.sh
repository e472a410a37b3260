#!/bin/sh
# bench.sh BIN_DIR: performance targets, each measured as a ratio side by side in one
# run and printed (never asserted in `make test`: the machines are shared and noisy).
# Every tests/bench_*.sh prints lines "bench: NAME: ... ratio R (target ...): met|NOT met".
set -u
here=$(cd "$(dirname "$0")" && pwd)
export PARLAB="$(dirname "$here")/${1:-bin}/parlab" PARMON="$(dirname "$here")/${1:-bin}/parmon"
found=0
for b in "$here"/bench_*.sh; do
    [ -f "$b" ] || continue
    found=1
    echo "== $(basename "$b" .sh)"
    sh "$b"
done
[ $found = 1 ] || echo "no benchmarks yet"
