#!/bin/sh
# The sync lab's bug hunt (labs/sync/bughunt): check.sh FAILs each starter naming what
# ThreadSanitizer found (the data race in primes.c, the lock-order inversion in
# bank.c), PASSes each solution (TSan silent, result right), and FAILs a program whose
# result is wrong though TSan is silent. Skipped, saying why, where no compiler here
# can build and run a TSan program.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
skip() { echo "ok - $* (skipped)"; }
hunt="$PARLAB_TOP/labs/sync/bughunt"
check() { sh "$hunt/check.sh" "$@" 2>&1; }

out=$(check primes "$hunt/solution/primes.c"); rc=$?
if [ $rc -eq 3 ]; then
    skip "sync bug hunt: no ThreadSanitizer here: $(echo "$out" | head -n 2 | tr '\n' ' ')"
    exit 0
fi
if [ $rc -eq 0 ] && echo "$out" | grep -q '^PASS: .*78498'; then
    ok "bug hunt: the primes solution passes (TSan silent, 78498)"
else
    bad "bug hunt: the primes solution: exit $rc: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
fi
out=$(check bank "$hunt/solution/bank.c"); rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -q '^PASS: .*8000'; then
    ok "bug hunt: the bank solution passes (TSan silent, transfers balance)"
else
    bad "bug hunt: the bank solution: exit $rc: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
fi
out=$(check primes); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q '^FAIL: ThreadSanitizer reports a data race in primes.c' &&
    echo "$out" | grep -q 'take_chunk() at primes.c:[0-9]' && echo "$out" | grep -q "global 'next_start'"; then
    ok "bug hunt: the primes starter fails, naming the data race on next_start in take_chunk"
else
    bad "bug hunt: the primes starter: exit $rc: $(echo "$out" | tail -n 4 | tr '\n' ' ')"
fi
out=$(check bank); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q '^FAIL: ThreadSanitizer reports a lock-order-inversion (potential deadlock) in bank.c' &&
    echo "$out" | grep -q 'transfer() at bank.c:[0-9]'; then
    ok "bug hunt: the bank starter fails, naming the lock-order inversion in transfer"
else
    bad "bug hunt: the bank starter: exit $rc: $(echo "$out" | tail -n 4 | tr '\n' ' ')"
fi
# TSan silent but the result wrong: a count that leaves out the prime 2, a bank that
# loses a coin now and then (no race in either). Both FAIL on the result.
sed "s/found += is_prime(n);/found += is_prime(n) \&\& n != 2;/" \
    "$hunt/solution/primes.c" >"$TMPDIR/wrong_primes.c"
sed 's/to->balance += amount;/to->balance += amount - (amount == 7);/' "$hunt/solution/bank.c" >"$TMPDIR/wrong_bank.c"
out=$(check primes "$TMPDIR/wrong_primes.c"); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q '^FAIL: ThreadSanitizer is silent, but the count is wrong'; then
    ok "bug hunt: a wrong count with TSan silent fails on the count"
else
    bad "bug hunt: a wrong count: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
fi
out=$(check bank "$TMPDIR/wrong_bank.c"); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q '^FAIL: ThreadSanitizer is silent, but the transfers do not balance'; then
    ok "bug hunt: a bank that loses money fails on the balance"
else
    bad "bug hunt: a bank that loses money: exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
fi
out=$(check nope); [ $? -eq 2 ] && ok "bug hunt: check.sh nope is a usage error" || bad "bug hunt: check.sh nope: $out"
