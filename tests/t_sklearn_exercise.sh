#!/bin/sh
# The sklearn lab's exercise self-check judges the code, not the machine: the starter
# never PASSes (it FAILs pointing at the TODO, or says CANNOT JUDGE on a busy or one-CPU
# machine), the solution gets CANNOT JUDGE, never FAIL, with another program spinning on
# a CPU, and without scikit-learn the check says so and exits 3. Which verdict a quiet
# machine gives is not asserted beyond that. 2 repetitions a check: a test, not a
# measurement (each run imports scikit-learn).
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
top=${PARLAB_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
ex="$top/labs/sklearn/exercise"
py=/usr/bin/python3
[ -x "$py" ] || py=python3
export PARLAB_CHECK_REPS=2
check() { PARLAB="$PARLAB" sh "$ex/check.sh" "$1" 2>&1; }
grep -q '^BACKEND = "loky"$' "$ex/cv.py" && ok "sklearn exercise: the starter still has its TODO" || bad "sklearn exercise: the starter was changed"
grep -q 'TODO' "$ex/solution/cv.py" && bad "sklearn exercise: the solution has TODOs left" || ok "sklearn exercise: the solution has no TODO"
# scikit-learn that cannot be imported: exit 3, saying what to install
mkdir -p "$TMPDIR/nosk/sklearn"
echo 'raise ImportError("hidden by t_sklearn_exercise.sh")' >"$TMPDIR/nosk/sklearn/__init__.py"
out=$(PYTHONPATH="$TMPDIR/nosk" check "$ex/solution/cv.py"); rc=$?
[ $rc -eq 3 ] && echo "$out" | grep -q "^CANNOT JUDGE: scikit-learn is not installed.*python3-sklearn" &&
    ok "check.sh without scikit-learn: exit 3, says what to install" || bad "check.sh without scikit-learn: exit $rc: $out"
if ! "$py" -c 'import sklearn' 2>/dev/null; then
    ok "sklearn exercise: scikit-learn is not installed here: the rest is not run"
    exit 0
fi
out=$(check "$ex/cv.py"); rc=$?
if echo "$out" | grep -q '^CANNOT JUDGE'; then ok "check.sh on the starter: cannot judge here, says why"
elif [ $rc -eq 1 ] && echo "$out" | grep -q '^FAIL: ' && echo "$out" | grep -q 'TODO 1'; then
    ok "check.sh FAILs the starter, pointing at the TODO ($(echo "$out" | grep '^FAIL' | cut -c1-60))"
else bad "check.sh on the starter: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"; fi
# the solution scores what the starter scores, serial or not
a=$(echo "$out" | grep -v '^#' | awk -F, 'NR > 1 && $1 ~ /^[0-9]+$/ {print $6}' | sort -u)
if [ "$(nproc)" -ge 2 ] && taskset -c 0-1 true 2>/dev/null; then
    sh -c 'while :; do :; done' &
    spin=$!
    out=$(check "$ex/solution/cv.py"); rc=$?
    kill $spin; wait $spin 2>/dev/null
    if echo "$out" | grep -q '^CANNOT JUDGE: other programs'; then
        ok "check.sh on the solution with a CPU held by another program: CANNOT JUDGE, not FAIL"
    else
        bad "check.sh with a busy CPU: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
    fi
    b=$(echo "$out" | grep -v '^#' | awk -F, 'NR > 1 && $1 ~ /^[0-9]+$/ {print $6}' | sort -u)
    [ -n "$a" ] && [ "$a" = "$b" ] && ok "sklearn exercise: the starter and the solution score the same ($a)" ||
        bad "sklearn exercise: starter '$a', solution '$b'"
fi
