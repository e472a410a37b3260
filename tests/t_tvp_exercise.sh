#!/bin/sh
# The tvp exercise's self-check judges the code, not the machine: the starter never
# PASSes (FAIL pointing at the threads, or CANNOT JUDGE on a busy machine), the solution
# never FAILs (PASS, or CANNOT JUDGE), and with another program spinning on a CPU the
# solution is still never FAILed. Which verdict comes depends on the machine's load, so
# only those are asserted.
#
# With a CPU held: the solution's 8 threads wait, and waiting needs no CPU, so they still
# overlap their waits; the busy CPU can only delay wake-ups, which slows the 8-thread runs
# at least as much as the 1-thread ones and so cannot fake a speedup. A PASS there is
# right (it is the lesson: the waits overlap whatever the cores are doing), and
# CANNOT JUDGE is right when the load did cost it the 4x; a FAIL never is.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
ex="$PARLAB_TOP/labs/tvp/exercise"
check() { PARLAB="$PARLAB" sh "$ex/check.sh" "$1" 2>&1; }

out=$(check "$ex/io_server.c"); rc=$?
if echo "$out" | grep -q '^correctness: ok'; then ok "check.sh on the starter: every request handled once"
else bad "check.sh on the starter: not correct: $(echo "$out" | grep -m1 -E 'correctness|FAIL')"; fi
if [ $rc -eq 0 ] && echo "$out" | grep -q '^CANNOT JUDGE: .*other programs'; then
    ok "check.sh on the starter: cannot judge here (a busy machine), says why"
elif [ $rc -eq 1 ] && echo "$out" | grep -q '^FAIL: only .*x faster' && echo "$out" | grep -q 'started before the first is joined'; then
    ok "check.sh FAILs the starter, pointing at the threads"
else
    bad "check.sh on the starter: exit $rc: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
fi
echo "$out" | grep -q '^PASS' && bad "check.sh PASSes the starter"

out=$(check "$ex/solution/io_server.c"); rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -q '^PASS: '; then ok "check.sh PASSes the solution"
elif [ $rc -eq 0 ] && echo "$out" | grep -q '^CANNOT JUDGE: .*other programs'; then ok "check.sh on the solution: cannot judge here, says why"
else bad "check.sh on the solution: exit $rc: $(echo "$out" | tail -n 3 | tr '\n' ' ')"; fi
echo "$out" | grep -q 'the 8 threads used [0-9.]* CPUs' && ok "check.sh says the CPU the 8 threads got" ||
    bad "check.sh does not say the CPU the runs got"
echo "$out" | grep -q 'parlab counts [0-9]* usable CPUs' && ok "check.sh names parlab's usable CPUs" ||
    bad "check.sh does not name the usable CPUs"

# A wrong answer is the code's fault on any machine: FAIL, naming it.
sed 's/for (int i = s->t; i < NREQ; i += s->n)/for (int i = 0; i < NREQ; i++)/' "$ex/solution/io_server.c" >"$TMPDIR/twice.c"
out=$(check "$TMPDIR/twice.c"); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q '^FAIL: every request must be handled exactly once'; then
    ok "check.sh FAILs threads that each handle every request"
else
    bad "check.sh on every thread handling every request: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
fi

# Another program spinning on a CPU: PASS or CANNOT JUDGE, never FAIL (see the top).
if [ "$(nproc)" -ge 2 ]; then
    sh -c 'while :; do :; done' &
    spin=$!
    out=$(check "$ex/solution/io_server.c"); rc=$?
    kill $spin; wait $spin 2>/dev/null
    if [ $rc -eq 0 ] && echo "$out" | grep -Eq '^(PASS: |CANNOT JUDGE: .*other programs)'; then
        ok "check.sh with a CPU held by another program: $(echo "$out" | grep -Eo '^(PASS|CANNOT JUDGE)'), not FAIL"
    else
        bad "check.sh with a busy CPU: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
    fi
fi
