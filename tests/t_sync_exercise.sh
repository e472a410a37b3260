#!/bin/sh
# The sync lab's exercise (labs/sync/exercise): check.sh judges the code, not the
# machine. It times the learner's program and a control (the same counting, nothing
# shared) with 1 thread and every usable CPU (`parlab time`, paired) and compares the
# speedups, so a change that only makes one thread faster earns nothing. The starter
# never PASSes, the solution and the local-variable way never FAIL (any may say CANNOT
# JUDGE on a busy machine), with another program spinning on a CPU the solution gets
# CANNOT JUDGE, never FAIL, and a lost count FAILs on the total whatever the machine.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
ex="$PARLAB_TOP/labs/sync/exercise"
check() { PARLAB="$PARLAB" sh "$ex/check.sh" "$1" 2>&1; }

out=$(check "$ex/counters.c"); rc=$?
if echo "$out" | grep -q '^CANNOT JUDGE'; then ok "sync exercise: the starter: cannot judge here, says why"
elif [ $rc -eq 1 ] && echo "$out" | grep -q '^FAIL: your threads still slow each other down' &&
    echo "$out" | grep -q 'counters are 8 bytes apart.*TODO'; then ok "sync exercise: check.sh FAILs the starter, naming the 8-byte stride and the TODOs"
else bad "sync exercise: check.sh on the starter: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"; fi

out=$(check "$ex/solution/counters.c"); rc=$?
if echo "$out" | grep -q '^CANNOT JUDGE'; then ok "sync exercise: the solution: cannot judge here, says why"
elif [ $rc -eq 0 ] && echo "$out" | grep -q '^PASS: .*counters 128 bytes apart'; then ok "sync exercise: check.sh PASSes the solution (padding)"
else bad "sync exercise: check.sh on the solution: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"; fi

# TODO 2, the other way: count in a local variable, add it once after the loop. Faster
# with one thread too (no atomic in the loop); judged only on how the threads scale.
awk '/^static void \*count_mine/ { f = 1 }
     f && /for \(long i = lo/ { print "    long n = 0;"; print; next }
     f && /atomic_fetch_add_explicit/ { print "            n++;"; next }
     f && /return NULL;/ { print "    atomic_fetch_add_explicit(&mine[id].n, n, memory_order_relaxed);"; f = 0 }
     { print }' "$ex/counters.c" >"$TMPDIR/local.c"
out=$(check "$TMPDIR/local.c"); rc=$?
if ! grep -q '^    long n = 0;' "$TMPDIR/local.c"; then bad "sync exercise: could not write the local-variable version"
elif echo "$out" | grep -q '^CANNOT JUDGE'; then ok "sync exercise: the local-variable way: cannot judge here, says why"
elif [ $rc -eq 0 ] && echo "$out" | grep -q '^PASS: .*counters 8 bytes apart'; then ok "sync exercise: check.sh PASSes the local-variable way (TODO 2)"
else bad "sync exercise: check.sh on the local-variable way: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"; fi

# A lost count FAILs on the total, busy machine or not.
sed 's/if (i % 7 == 0)/if (i % 7 == 0 \&\& i != 7)/' "$ex/solution/counters.c" >"$TMPDIR/broken.c"
out=$(check "$TMPDIR/broken.c"); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q '^FAIL: a count was lost or doubled'; then
    ok "sync exercise: check.sh fails a version that loses a count, and says why"
else
    bad "sync exercise: check.sh on a version that loses a count: exit $rc: $(echo "$out" | tail -n 1)"
fi

if [ "$(nproc)" -ge 2 ] && taskset -c 0-1 true 2>/dev/null; then
    sh -c 'while :; do :; done' &
    spin=$!
    out=$(check "$ex/solution/counters.c"); rc=$?
    kill $spin; wait $spin 2>/dev/null
    if echo "$out" | grep -q '^CANNOT JUDGE: other programs'; then
        ok "sync exercise: with a CPU held by another program: CANNOT JUDGE, not FAIL"
    else
        bad "sync exercise: with a busy CPU: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
    fi
fi
