#!/bin/sh
# The gil lab's exercise: the starter and the solution count every step, and the
# self-check judges the code, not the machine: the starter never PASSes, the solution
# never FAILs (either may say CANNOT JUDGE on a busy machine), and with another program
# spinning on a CPU the solution gets CANNOT JUDGE, never FAIL.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
top=${PARLAB_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
ex="$top/labs/gil/exercise"
py=/usr/bin/python3
if [ ! -x "$py" ]; then
    ok "gil exercise: skipped, no $py"
    exit 0
fi
for f in starter.py solution/solution.py; do
    out=$("$py" "$ex/$f" 100000 3 2>&1)
    case "$out" in
        "100000 "*) ok "gil exercise: $f counts every step with 3 workers" ;;
        *) bad "gil exercise: $f printed '$out'" ;;
    esac
    out=$(PARLAB_WORKERS=2 "$py" "$ex/$f" 100000 2>&1)
    case "$out" in
        "100000 "*) ok "gil exercise: $f takes its workers from PARLAB_WORKERS" ;;
        *) bad "gil exercise: $f with PARLAB_WORKERS=2 printed '$out'" ;;
    esac
done
# 10 million steps: ~0.4 s for one worker here, long beside starting the processes.
check() { TOTAL=10000000 PARLAB="$PARLAB" sh "$ex/check.sh" "$1" 2>&1; }
out=$(check "$ex/starter.py"); rc=$?
if echo "$out" | grep -q '^CANNOT JUDGE'; then ok "check.sh on the starter: cannot judge here, says why"
elif [ $rc -eq 1 ] && echo "$out" | grep -q '^FAIL: the workers still take turns' && echo "$out" | grep -q 'TODO'; then
    ok "check.sh FAILs the starter, pointing at the TODO"
else bad "check.sh on the starter: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"; fi
out=$(check "$ex/solution/solution.py"); rc=$?
if echo "$out" | grep -q '^CANNOT JUDGE'; then ok "check.sh on the solution: cannot judge here, says why"
elif [ $rc -eq 0 ] && echo "$out" | grep -q '^PASS'; then ok "check.sh PASSes the solution"
else bad "check.sh on the solution: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"; fi
if [ "$(nproc)" -ge 2 ] && taskset -c 0-1 true 2>/dev/null; then
    sh -c 'while :; do :; done' &
    spin=$!
    out=$(check "$ex/solution/solution.py"); rc=$?
    kill $spin; wait $spin 2>/dev/null
    if echo "$out" | grep -q '^CANNOT JUDGE: other programs'; then
        ok "check.sh with a CPU held by another program: CANNOT JUDGE, not FAIL"
    else
        bad "check.sh with a busy CPU: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
    fi
fi
# A program that miscounts is caught whatever the machine; a missing file is named.
printf 'import sys\nprint(int(sys.argv[1]) - 1, "0.1")\n' >"$TMPDIR/miscount.py"
out=$(check "$TMPDIR/miscount.py"); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q '^FAIL: work() returned the wrong number'; then ok "check.sh FAILs a program that miscounts"
elif echo "$out" | grep -q '^CANNOT JUDGE: 1 usable'; then ok "check.sh: 1 usable CPU, cannot judge"
else bad "check.sh on a miscount: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"; fi
out=$(PARLAB="$PARLAB" sh "$ex/check.sh" "$ex/nonexistent.py" 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q "no such file '$ex/nonexistent.py'" && ok "gil exercise: check.sh names a missing file, exit 2" \
    || bad "gil exercise: check.sh on a missing file: exit $rc: $out"
