#!/bin/sh
# The gil lab's exercise: the starter and the solution run, count every step, and the
# self-check runs to a verdict. No timing is asserted (PASS or FAIL both count).
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
top=${PARLAB_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
ex="$top/labs/gil/exercise"
if ! command -v python3 >/dev/null 2>&1; then
    ok "gil exercise: skipped, no python3"
    exit 0
fi
for f in starter.py solution/solution.py; do
    out=$(python3 "$ex/$f" 100000 3 2>&1)
    case "$out" in
        "100000 "*) ok "gil exercise: $f counts every step with 3 workers" ;;
        *) bad "gil exercise: $f printed '$out'" ;;
    esac
done
for f in starter.py solution/solution.py; do
    out=$(TOTAL=200000 sh "$ex/check.sh" "$ex/$f" 2>&1)
    if echo "$out" | grep -q '^PASS\|^FAIL: the workers\|^CANNOT JUDGE'; then
        ok "gil exercise: check.sh reaches a verdict on $f"
    else
        bad "gil exercise: check.sh on $f: $out"
    fi
done
out=$(sh "$ex/check.sh" "$ex/nonexistent.py" 2>&1)
echo "$out" | grep -q '^FAIL: no such file' && ok "gil exercise: check.sh names a missing file" \
    || bad "gil exercise: check.sh on a missing file: $out"
