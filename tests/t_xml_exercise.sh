#!/bin/sh
# The xml lab's exercise self-check judges the code, not the machine: the starter never
# PASSes (it FAILs pointing at the TODOs, or says CANNOT JUDGE on a busy or one-CPU
# machine), the solution never FAILs (PASS, or CANNOT JUDGE), and with another program
# spinning on a CPU the solution gets CANNOT JUDGE, never FAIL. Which verdict a quiet machine gives is not
# asserted beyond that. The corpus goes to a cache folder in TMPDIR, not the tree.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
top=${PARLAB_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
ex="$top/labs/xml/exercise"
py=/usr/bin/python3
[ -x "$py" ] || py=python3
export PARLAB_CACHE="${TMPDIR:-/tmp}/xml-exercise-cache"
export PARLAB_CHECK_REPS=3 # a test, not a measurement
grep -q '^    root = ET.fromstring(data)$' "$ex/titles.py" && grep -q 'ThreadPoolExecutor(w)' "$ex/titles.py" &&
    ok "xml exercise: the starter still has its TODO" || bad "xml exercise: the starter was changed"
grep -q 'TODO' "$ex/solution/titles.py" && bad "xml exercise: the solution has TODOs left" || ok "xml exercise: the solution has no TODO"
check() { PARLAB="$PARLAB" sh "$ex/check.sh" "$1" 2>&1; }
out=$(check "$ex/titles.py"); rc=$?
if echo "$out" | grep -q '^CANNOT JUDGE'; then ok "check.sh on the starter: cannot judge here, says why"
elif [ $rc -eq 1 ] && echo "$out" | grep -q '^FAIL: ' && echo "$out" | grep -q 'TODO 1'; then
    ok "check.sh FAILs the starter, pointing at the TODO ($(echo "$out" | grep '^FAIL' | cut -c1-60))"
else bad "check.sh on the starter: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"; fi
corpus="$PARLAB_CACHE/xml-exercise-seed1-1000x40k"
[ "$(ls "$corpus" | wc -l)" -eq 1000 ] && [ -f "$corpus/.complete" ] && ok "xml exercise: check.sh made the corpus in the cache folder" ||
    bad "xml exercise: no corpus in $corpus"
# the starter and the solution read the same thing
a=$("$py" "$ex/titles.py" 1 "$corpus" | tail -n 1); b=$("$py" "$ex/solution/titles.py" 2 "$corpus" | tail -n 1)
[ -n "$a" ] && [ "$a" = "$b" ] && ok "xml exercise: the starter and the solution read the same articles ($a)" ||
    bad "xml exercise: starter '$a', solution '$b'"
out=$(check "$ex/solution/titles.py"); rc=$?
if echo "$out" | grep -q '^CANNOT JUDGE'; then ok "check.sh on the solution: cannot judge here, says why"
elif [ $rc -eq 0 ] && echo "$out" | grep -q '^PASS'; then ok "check.sh PASSes the solution ($(echo "$out" | grep '^PASS'))"
else bad "check.sh on the solution: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"; fi
if [ "$(nproc)" -ge 2 ] && taskset -c 0-1 true 2>/dev/null; then
    sh -c 'while :; do :; done' &
    spin=$!
    out=$(check "$ex/solution/titles.py"); rc=$?
    kill $spin; wait $spin 2>/dev/null
    if echo "$out" | grep -q '^CANNOT JUDGE: other programs'; then
        ok "check.sh with a CPU held by another program: CANNOT JUDGE, not FAIL"
    else
        bad "check.sh with a busy CPU: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
    fi
fi
rm -rf "$PARLAB_CACHE"
