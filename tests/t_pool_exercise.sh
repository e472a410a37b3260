#!/bin/sh
# The pool lab's exercise: the starter and the solution run, and the self-check runs
# on both and gives a verdict. No timing is asserted: PASS or FAIL both count, since
# whether a pool beats the loop depends on the machine and its load.
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
for f in chunks.py solution/chunks.py; do
    out=$(sh "$ex/check.sh" "$ex/$f" 2>&1)
    if echo "$out" | grep -Eq '^(PASS|FAIL)' && echo "$out" | grep -q '^speedup '; then
        ok "pool exercise: check.sh runs $f and gives a verdict ($(echo "$out" | grep -E '^(PASS|FAIL)' | cut -c1-60))"
    else
        bad "pool exercise: check.sh on $f gave no verdict: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
    fi
done
grep -q '^CHUNKSIZE = 1$' "$ex/chunks.py" && ok "pool exercise: the starter still has its TODO" || bad "pool exercise: the starter was changed"
grep -q 'TODO' "$ex/solution/chunks.py" && bad "pool exercise: the solution has TODOs left" || ok "pool exercise: the solution has no TODO"
