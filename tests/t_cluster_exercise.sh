#!/bin/sh
# The cluster exercise's self-check judges the code, not the machine: the starter never
# PASSes, the solution never FAILs (either may say CANNOT JUDGE on a busy machine or one
# CPU), every run of both computes the same checksum, and the solution batches.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
ex="$PARLAB_TOP/labs/cluster/exercise"
py=/usr/bin/python3
[ -x "$py" ] || { ok "cluster exercise: no /usr/bin/python3, not checked"; exit 0; }
# the same checksum from the loop, the starter's executor and the solution's
a=$(PARLAB_WORKERS=1 "$py" "$ex/batch.py" | awk '/^compute_s/ {print $4}')
sol=$(PARLAB_WORKERS=2 "$py" "$ex/solution/batch.py")
b=$(echo "$sol" | awk '/^compute_s/ {print $4}')
[ -n "$a" ] && [ "$a" = "$b" ] && ok "cluster exercise: the loop and the solution's executor agree ($a)" ||
    bad "cluster exercise: checksums '$a' (loop) and '$b' (solution)"
t=$(echo "$sol" | awk '/^compute_s/ {print $6}')
[ -n "$t" ] && [ "$t" -le 16 ] && [ "$t" -ge 4 ] && ok "cluster exercise: the solution sends a few batches a worker ($t tasks)" ||
    bad "cluster exercise: the solution sends $t tasks"
check() { PARLAB="$PARLAB" sh "$ex/check.sh" "$1" 2>&1; }
out=$(check "$ex/batch.py"); rc=$?
if echo "$out" | grep -q '^CANNOT JUDGE'; then ok "cluster check on the starter: cannot judge here, says why"
elif [ $rc -eq 1 ] && echo "$out" | grep -q '^FAIL: .*TODO 1'; then ok "cluster check FAILs the starter, pointing at the TODOs"
else bad "cluster check on the starter: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"; fi
out=$(check "$ex/solution/batch.py"); rc=$?
if echo "$out" | grep -q '^CANNOT JUDGE'; then ok "cluster check on the solution: cannot judge here, says why"
elif [ $rc -eq 0 ] && echo "$out" | grep -q '^PASS'; then ok "cluster check PASSes the solution"
else bad "cluster check on the solution: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"; fi
# a file that does not exist is a usage error
sh "$ex/check.sh" /nonexistent.py >/dev/null 2>&1; [ $? -eq 2 ] && ok "cluster check: a missing file exits 2" ||
    bad "cluster check: a missing file"
