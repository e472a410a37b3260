#!/bin/sh
# The sync lab's exercise: the solution builds and passes its self-check (the check
# passes the solution on its layout, never on a timing), and the starter's check runs
# and gives a verdict. No timing is asserted.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
ex="$PARLAB_TOP/labs/sync/exercise"
sh "$ex/check.sh" "$ex/solution/counters.c" >"$TMPDIR/sol.out" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q '^PASS' "$TMPDIR/sol.out"; then
    ok "sync exercise: the solution passes check.sh"
else
    bad "sync exercise: the solution fails check.sh (exit $rc): $(tail -n 2 "$TMPDIR/sol.out" | tr '\n' ' ')"
fi
sh "$ex/check.sh" "$ex/counters.c" >"$TMPDIR/start.out" 2>&1
if grep -q '^PASS\|^FAIL\|^CANNOT TELL' "$TMPDIR/start.out" && grep -q '^stride 8 bytes' "$TMPDIR/start.out"; then
    ok "sync exercise: the starter builds, runs, and check.sh gives a verdict"
else
    bad "sync exercise: check.sh on the starter: $(tail -n 2 "$TMPDIR/start.out" | tr '\n' ' ')"
fi
# a broken version (a lost count) must FAIL
sed 's/mine\[id\]\.n += i % 7 == 0;/mine[id].n += i % 7 == 0 \&\& i != 7;/' "$ex/solution/counters.c" >"$TMPDIR/broken.c"
if sh "$ex/check.sh" "$TMPDIR/broken.c" >"$TMPDIR/broken.out" 2>&1; then
    bad "sync exercise: check.sh passes a version that loses a count"
elif grep -q '^FAIL: your total' "$TMPDIR/broken.out"; then
    ok "sync exercise: check.sh fails a version that loses a count, and says why"
else
    bad "sync exercise: check.sh on a broken version: $(tail -n 1 "$TMPDIR/broken.out")"
fi
