#!/bin/sh
# check.sh [FILE.c]: the tvp lab's self-check. Builds your io_server.c (or FILE.c),
# runs it with 8 threads, and prints PASS or FAIL with the reason.
#   correct: all 64 requests handled exactly once, the right checksum
#   fast:    at least 4x faster than handling them one after another, as measured here
#            by running it with 1 thread
# The waits need no CPU, so 4x is reachable on ONE core too: this check is the same on
# every machine. Exit status: 0 PASS, 1 FAIL, 2 it did not build or run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=${1:-$here/io_server.c}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cc=${CC:-cc}
if ! $cc -O2 -pthread -o "$tmp/io_server" "$src" 2>"$tmp/err"; then
    echo "FAIL: $src does not build:"; head -n 20 "$tmp/err"; exit 2
fi
# The baseline is measured, not computed: the same program with 1 thread, handling the
# requests one after another (64 x 5 ms of waiting, plus whatever else it costs here).
if ! one=$("$tmp/io_server" 1); then
    echo "FAIL: $src built but exited with an error (1 thread)"; exit 2
fi
if ! out=$("$tmp/io_server" 8); then
    echo "FAIL: $src built but exited with an error (8 threads)"; exit 2
fi
echo "$out"
val() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
once=$(val handled_once "$out"); sum=$(val checksum "$out"); sec=$(val seconds "$out")
seq=$(val seconds "$one")
if [ -z "$seq" ] || [ -z "$sec" ]; then
    echo "FAIL: $src did not print seconds=... (keep main() as it was)"; exit 2
fi
echo "one thread, measured: ${seq} s"
if [ "$once" != 64 ]; then
    echo "correctness: FAIL ($once of 64 requests handled exactly once)"
    echo "FAIL: every request must be handled exactly once: no request skipped, none twice"
    exit 1
fi
if [ "$sum" != 85344 ]; then
    echo "correctness: FAIL (checksum $sum, expected 85344)"
    echo "FAIL: some answers are wrong or missing"; exit 1
fi
echo "correctness: ok (64 requests, each handled once, checksum right)"
speedup=$(awk -v a="$seq" -v b="$sec" 'BEGIN { printf "%.1f", a / b }')
cpus=$(nproc 2>/dev/null || echo "?")
if awk -v s="$speedup" 'BEGIN { exit !(s >= 4) }'; then
    echo "PASS: ${speedup}x faster than 1 thread (${seq} s), with 8 threads on $cpus CPU(s):"
    echo "      waiting threads need no CPU, so they overlap their waits"
    exit 0
fi
echo "FAIL: only ${speedup}x faster than 1 thread (${seq} s) (need 4x with 8 threads)."
echo "      Are the threads started before any is joined? Does each take its own requests?"
exit 1
