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
for src in "$ex/starter.c" "$ex/solution/solution.c"; do
    out=$(PATH="$(dirname "$PARLAB"):$PATH" sh "$ex/check.sh" "$src" 2>&1)
    rc=$?
    if [ $rc -le 1 ] && echo "$out" | grep -Eq '^(PASS|FAIL|CANNOT JUDGE)'; then
        ok "check.sh gives a verdict on $(basename "$src")"
    else
        bad "check.sh on $(basename "$src"): exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
    fi
done
