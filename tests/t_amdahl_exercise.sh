#!/bin/sh
# The Amdahl exercise's self-checks work: the mystery check accepts the right answer and
# rejects wrong ones; the timing check builds the starter and the solution and gives a
# verdict (which verdict depends on the machine, so it is not asserted).
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
ex="$PARLAB_TOP/labs/amdahl/exercise"
sh "$ex/check_mystery.sh" "$(cat "$ex/solution/mystery-answer.txt")" >/dev/null && ok "mystery check accepts the answer" || bad "mystery check rejects the answer"
sh "$ex/check_mystery.sh" 0.5 >/dev/null; [ $? -eq 1 ] && ok "mystery check rejects 0.5" || bad "mystery check accepts 0.5"
sh "$ex/check_mystery.sh" abc >/dev/null; [ $? -eq 2 ] && ok "mystery check: bad input exits 2" || bad "mystery check: bad input"
# The answer really is what the data says: parlab fit lands within 0.02 of it.
s=$("$PARLAB" fit "$PARLAB_TOP/datasets/amdahl/mystery-timings.csv" --model amdahl --format csv | awk -F, '$2=="serial_fraction"{print $3}')
sh "$ex/check_mystery.sh" "$s" >/dev/null && ok "parlab fit finds the mystery fraction ($s)" || bad "parlab fit gives $s"
# The timing check judges the code, not the machine: the starter never PASSes, the
# solution never FAILs (either may say CANNOT JUDGE on a busy machine), and with another
# program spinning on a CPU the solution gets CANNOT JUDGE, never FAIL.
check() { PATH="$(dirname "$PARLAB"):$PATH" PARLAB="$PARLAB" sh "$ex/check.sh" "$1" 2>&1; }
out=$(check "$ex/starter.c"); rc=$?
if echo "$out" | grep -q '^CANNOT JUDGE'; then ok "check.sh on the starter: cannot judge here, says why"
elif [ $rc -eq 1 ] && echo "$out" | grep -q '^FAIL: .*TODO'; then ok "check.sh FAILs the starter, pointing at the TODO"
else bad "check.sh on the starter: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"; fi
out=$(check "$ex/solution/solution.c"); rc=$?
if echo "$out" | grep -q '^CANNOT JUDGE'; then ok "check.sh on the solution: cannot judge here, says why"
elif [ $rc -eq 0 ] && echo "$out" | grep -q '^PASS'; then ok "check.sh PASSes the solution"
else bad "check.sh on the solution: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"; fi
if [ "$(nproc)" -ge 2 ] && taskset -c 0-1 true 2>/dev/null; then
    sh -c 'while :; do :; done' &
    spin=$!
    out=$(check "$ex/solution/solution.c"); rc=$?
    kill $spin; wait $spin 2>/dev/null
    if echo "$out" | grep -q '^CANNOT JUDGE: other programs'; then
        ok "check.sh with a CPU held by another program: CANNOT JUDGE, not FAIL"
    else
        bad "check.sh with a busy CPU: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
    fi
fi

# C. The STREAM exercise: the starter's triad runs on one thread (FAIL or CANNOT JUDGE),
# the solution's on every thread (PASS or CANNOT JUDGE); never the other way round.
st="$ex/stream/check_stream.sh"
out=$(PARLAB="$PARLAB" sh "$st" "$ex/stream/triad.c" 2>&1); rc=$?
if echo "$out" | grep -q '^CANNOT JUDGE'; then ok "stream check on the starter: cannot judge here, says why"
elif [ $rc -eq 1 ] && echo "$out" | grep -q '^FAIL: .*TODO 1'; then ok "stream check FAILs the starter, pointing at TODO 1"
else bad "stream check on the starter: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"; fi
out=$(PARLAB="$PARLAB" sh "$st" "$ex/stream/solution/triad.c" 2>&1); rc=$?
if echo "$out" | grep -q '^CANNOT JUDGE'; then ok "stream check on the solution: cannot judge here, says why"
elif [ $rc -eq 0 ] && echo "$out" | grep -q '^PASS' && echo "$out" | grep -q 'you predicted'; then
    ok "stream check PASSes the solution and shows the prediction"
else bad "stream check on the solution: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"; fi
