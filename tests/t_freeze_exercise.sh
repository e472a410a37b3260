#!/bin/sh
# The frozen-UI exercise's self-check judges the code, not the machine: the starter
# (blocking request in the loop) FAILs pointing at the TODO, the solution (request on a
# thread) PASSes, and with another program spinning on a CPU the solution still does
# not FAIL (PASS or CANNOT JUDGE). A program that stopped fetching, or lost the last
# line, FAILs. No timing is asserted beyond the check's own verdicts.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
ex="$PARLAB_TOP/labs/freeze/exercise"
if [ ! -x /usr/bin/python3 ]; then ok "freeze exercise: /usr/bin/python3 missing # SKIP"; exit 0; fi
check() { PARLAB="$PARLAB" sh "$ex/check.sh" "$1" 2>&1; }
out=$(check "$ex/ui.py"); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q '^FAIL: every answer froze the UI.*TODO'; then
    ok "freeze check FAILs the starter, pointing at the TODO"
else bad "freeze check on the starter: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"; fi
out=$(check "$ex/solution/ui.py"); rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -q '^\(PASS\|CANNOT JUDGE\)'; then
    ok "freeze check on the solution: $(echo "$out" | grep '^\(PASS\|CANNOT\)' | cut -c1-40)"
else bad "freeze check on the solution: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"; fi
# a solution that stopped fetching is not a solution
sed 's/answers.put(fetch(sock))/pass/' "$ex/solution/ui.py" >"$TMPDIR/nofetch.py"
out=$(check "$TMPDIR/nofetch.py"); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q '^FAIL: the UI received 0 answers' &&
    ok "freeze check FAILs a UI that no longer fetches" || bad "no fetch: exit $rc: $(echo "$out" | tail -n 1)"
# a program whose last line is not the statistics
sed 's/^    print(f"frames=.*/    print("done")/; /late_worst_ms=/d' "$ex/solution/ui.py" >"$TMPDIR/noline.py"
out=$(check "$TMPDIR/noline.py"); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q '^FAIL: the program.s last line' &&
    ok "freeze check FAILs a program without the statistics line" || bad "no line: exit $rc: $(echo "$out" | tail -n 1)"
out=$(check "$TMPDIR/missing.py"); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q "missing.py" && ok "freeze check: a missing file exits 2 naming it" || bad "missing file: exit $rc"
if [ "$(nproc)" -ge 2 ]; then
    sh -c 'while :; do :; done' &
    spin=$!
    out=$(check "$ex/solution/ui.py"); rc=$?
    kill $spin; wait $spin 2>/dev/null
    if [ $rc -eq 0 ] && echo "$out" | grep -q '^\(PASS\|CANNOT JUDGE\)'; then
        ok "freeze check with a CPU held by another program: not FAIL"
    else bad "freeze check with a busy CPU: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"; fi
fi
