#!/bin/sh
# The stream exercise's self-check judges the code, not the machine: the starter (not
# idempotent) FAILs, pointing at the TODO; the solution PASSes; a handle() that loses
# deposits FAILs too; without redis-server it says CANNOT JUDGE; nothing is left behind
# (no broker, no private folder).
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
ex="$PARLAB_TOP/labs/stream/exercise"
if ! command -v redis-server >/dev/null 2>&1 || ! /usr/bin/python3 -c 'import redis' 2>/dev/null; then
    out=$(sh "$ex/check.sh" 2>&1)
    echo "$out" | grep -q '^CANNOT JUDGE' && ok "stream exercise: no broker here: CANNOT JUDGE" || bad "stream exercise: $out"
    exit 0
fi
export TMPDIR="$TMPDIR/stream-ex"
mkdir -p "$TMPDIR"
out=$(sh "$ex/check.sh" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q '^FAIL: .*balances are off' && echo "$out" | grep -q "idempotent (the TODO)" &&
    ok "stream exercise: the starter FAILs, pointing at the TODO" || bad "stream exercise: starter: exit $rc: $out"
out=$(sh "$ex/check.sh" "$ex/solution/consumer.py" 2>&1); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q '^PASS' && ok "stream exercise: the solution PASSes" || bad "stream exercise: solution: exit $rc: $out"
# the same verdict every time: the crash is at the same point
n=0
for _ in 1 2 3; do sh "$ex/check.sh" "$ex/solution/consumer.py" 2>&1 | grep -q '^PASS' && n=$((n + 1)); done
[ $n -eq 3 ] && ok "stream exercise: the solution PASSes every time" || bad "stream exercise: the solution passed $n of 3 times"
# a handle() that remembers first and applies only sometimes loses deposits: FAIL as lost
cat >"$TMPDIR/lossy.py" <<'PY'
def handle(r, msg_id, fields):
    if r.sadd("applied", msg_id) and int(fields[b"amount"]) != 3:
        r.hincrby("balances", fields[b"account"], int(fields[b"amount"]))
PY
out=$(sh "$ex/check.sh" "$TMPDIR/lossy.py" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "deposits were lost" && ok "stream exercise: a handle() that loses deposits FAILs as lost" ||
    bad "stream exercise: lossy: exit $rc: $out"
# a PATH with the tools check.sh uses, but no redis-server
mkdir -p "$TMPDIR/bin"
ln -sf "$(command -v dirname)" "$TMPDIR/bin/dirname"
out=$(PATH="$TMPDIR/bin" /bin/sh "$ex/check.sh" 2>&1); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q '^CANNOT JUDGE: redis-server' && ok "stream exercise: without redis-server: CANNOT JUDGE" ||
    bad "stream exercise: without redis-server: exit $rc: $out"
[ -z "$(ls -d "$TMPDIR"/parlab-stream-py.* 2>/dev/null)" ] && [ -z "$(pgrep -f "redis-server .*$TMPDIR")" ] &&
    ok "stream exercise: no broker or folder left" || bad "stream exercise: something left in $TMPDIR"
exit 0
