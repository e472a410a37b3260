#!/bin/sh
# The tvp exercise: the starter and the solution build, and the self-check runs to a
# verdict; the solution is correct (every request handled once). PASS itself is a
# timing and is not asserted here.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
ex="$PARLAB_TOP/labs/tvp/exercise"
for f in io_server.c solution/io_server.c; do
    sh "$ex/check.sh" "$ex/$f" >"$TMPDIR/check.out" 2>&1
    rc=$?
    if [ $rc -le 1 ] && grep -Eq '^(PASS|FAIL):' "$TMPDIR/check.out"; then
        ok "exercise $f: builds, check gives a verdict"
    else
        bad "exercise $f: check exit $rc: $(head -c 300 "$TMPDIR/check.out")"
    fi
    if grep -q '^correctness: ok' "$TMPDIR/check.out"; then
        ok "exercise $f: every request handled exactly once"
    else
        bad "exercise $f: not correct: $(grep correctness "$TMPDIR/check.out")"
    fi
done
