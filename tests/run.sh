#!/bin/sh
# run.sh [--unit-only|--tsan] BUILD_DIR BIN_DIR: every test, then "N passed, N failed".
#   unit tests:   BUILD_DIR/tests/test_*  (from tests/test_*.c)
#   script tests: tests/t_*.sh, given PARLAB, PARMON, TOOLS and TMPDIR in the environment
# A test program that crashes or exits non-zero without reporting a failure counts as
# one failure, so a sanitizer report can never pass silently.
set -u
mode=all
case "${1:-}" in --unit-only) mode=unit; shift ;; --tsan) mode=tsan; shift ;; esac
B=${1:-build}
BIN=${2:-bin}
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
export PARLAB="$top/$BIN/parlab" PARMON="$top/$BIN/parmon" TOOLS="$top/$B/tests"
export PARLAB_TOP="$top"
tmp=$(mktemp -d)
export TMPDIR="$tmp"
trap 'rm -rf "$tmp"' EXIT INT TERM
passed=0
failed=0


run_one() { # name, command...
    name=$1; shift
    log="$tmp/log.$$"
    # No test may hang the suite: each program or script gets 15 minutes at most.
    timeout -k 10 900 "$@" >"$log" 2>&1
    rc=$?
    [ $rc -eq 124 ] && echo "not ok - $name timed out after 900 s" >>"$log"
    cat "$log"
    p=$(grep -c '^ok ' "$log")
    f=$(grep -c '^not ok ' "$log")
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "not ok - $name exited with status $rc"
        failed=$((failed + 1))
    fi
}

for t in "$top/$B"/tests/test_*; do
    case "$t" in *.o|*.d) continue ;; esac
    [ -x "$t" ] || continue
    if [ "$mode" = tsan ] && ! grep -qx "$(basename "$t")" "$here/tsan.list" 2>/dev/null; then
        continue
    fi
    echo "# $(basename "$t")"
    run_one "$(basename "$t")" "$t"
done

if [ "$mode" = all ]; then
    for s in "$here"/t_*.sh; do
        [ -f "$s" ] || continue
        echo "# $(basename "$s")"
        run_one "$(basename "$s")" sh "$s"
    done
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
