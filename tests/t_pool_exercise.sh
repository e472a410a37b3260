#!/bin/sh
# The pool lab's exercise self-check judges the code, not the machine: the starter never
# PASSes (it FAILs pointing at the TODO, or says CANNOT JUDGE on a busy or one-CPU
# machine), the solution never FAILs (PASS, or CANNOT JUDGE), and with another program
# spinning on a CPU the solution gets CANNOT JUDGE, never FAIL. Which verdict a quiet
# machine gives is not asserted beyond that.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
top=${PARLAB_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
ex="$top/labs/pool/exercise"
py=/usr/bin/python3
[ -x "$py" ] || py=python3
if ! "$py" -c 'import multiprocessing' 2>/dev/null; then
    ok "pool exercise: skipped, no python3 with multiprocessing here"
    exit 0
fi
grep -q '^CHUNKSIZE = 1$' "$ex/chunks.py" && ok "pool exercise: the starter still has its TODO" || bad "pool exercise: the starter was changed"
grep -q 'TODO' "$ex/solution/chunks.py" && bad "pool exercise: the solution has TODOs left" || ok "pool exercise: the solution has no TODO"
# both compute the same thing, loop or pool
a=$("$py" "$ex/chunks.py" 1 | tail -n 1); b=$("$py" "$ex/solution/chunks.py" 2 | tail -n 1)
[ -n "$a" ] && [ "$a" = "$b" ] && ok "pool exercise: the loop and the solution's pool agree ($a)" ||
    bad "pool exercise: loop '$a', pool '$b'"
check() { PARLAB="$PARLAB" sh "$ex/check.sh" "$1" 2>&1; }
out=$(check "$ex/chunks.py"); rc=$?
if echo "$out" | grep -q '^CANNOT JUDGE'; then ok "check.sh on the starter: cannot judge here, says why"
elif [ $rc -eq 1 ] && echo "$out" | grep -q '^FAIL: ' && echo "$out" | grep -q 'TODO 1'; then
    ok "check.sh FAILs the starter, pointing at the TODO ($(echo "$out" | grep '^FAIL' | cut -c1-60))"
else bad "check.sh on the starter: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"; fi
out=$(check "$ex/solution/chunks.py"); rc=$?
if echo "$out" | grep -q '^CANNOT JUDGE'; then ok "check.sh on the solution: cannot judge here, says why"
elif [ $rc -eq 0 ] && echo "$out" | grep -q '^PASS'; then ok "check.sh PASSes the solution ($(echo "$out" | grep '^PASS'))"
else bad "check.sh on the solution: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"; fi
if [ "$(nproc)" -ge 2 ] && taskset -c 0-1 true 2>/dev/null; then
    sh -c 'while :; do :; done' &
    spin=$!
    out=$(check "$ex/solution/chunks.py"); rc=$?
    kill $spin; wait $spin 2>/dev/null
    if echo "$out" | grep -q '^CANNOT JUDGE: other programs'; then
        ok "check.sh with a CPU held by another program: CANNOT JUDGE, not FAIL"
    else
        bad "check.sh with a busy CPU: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
    fi
fi
