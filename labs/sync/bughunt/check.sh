#!/bin/sh
# check.sh [primes|bank|all] [FILE.c]: the self-check of the sync lab's bug hunt.
#   Builds FILE.c (default: primes.c or bank.c beside this script) with ThreadSanitizer
#   (-fsanitize=thread -g), runs it, and says
#     FAIL  when ThreadSanitizer reports anything (its finding, summarised: what, where),
#           when the program hangs (a deadlock), or when its result is wrong;
#     PASS  when TSan is silent and the result is right: 78498 primes below 1,000,000,
#           and every transfer balanced (the bank still holds the 8,000 it opened with).
#   Exit 0 PASS, 1 FAIL, 2 usage, 3 this machine cannot run TSan (said why).
#   CC picks the compiler (default: cc, then clang): gcc needs libtsan (Debian's gcc 12
#   has it), clang has it built in.
set -u
here=$(cd "$(dirname "$0")" && pwd)
what=${1:-all}
case "$what" in
primes | bank) ;;
all)
    [ $# -le 1 ] || { echo "check.sh: give a FILE with primes or bank, not with all" >&2; exit 2; }
    sh "$0" primes; a=$?
    sh "$0" bank; b=$?
    [ $a -eq 3 ] || [ $b -eq 3 ] && exit 3
    [ $a -eq 0 ] && [ $b -eq 0 ] && exit 0
    exit 1 ;;
*) echo "usage: sh check.sh [primes|bank|all] [FILE.c]" >&2; exit 2 ;;
esac
src=${2:-$here/$what.c}
[ -f "$src" ] || { echo "check.sh: no such file '$src'" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# ---- a compiler whose TSan works here ------------------------------------------------------
printf '#include <pthread.h>\nstatic void *f(void *a) { return a; }\nint main(void) { pthread_t t; pthread_create(&t, 0, f, 0); return pthread_join(t, 0); }\n' >"$tmp/probe.c"
cc=""
run="" # a prefix for the program: setarch -R when this kernel's ASLR is too wide for TSan
for c in ${CC:-cc clang}; do
    command -v "$c" >/dev/null 2>&1 || continue
    $c -fsanitize=thread -g -o "$tmp/probe" "$tmp/probe.c" 2>/dev/null || continue
    if "$tmp/probe" >/dev/null 2>"$tmp/probe.err"; then cc=$c; break; fi
    # Older TSan runtimes abort on kernels with more address-randomisation bits
    # ("unexpected memory mapping"): without randomisation they run.
    if setarch "$(uname -m)" -R "$tmp/probe" >/dev/null 2>&1; then
        cc=$c; run="setarch $(uname -m) -R"; break
    fi
done
if [ -z "$cc" ]; then
    echo "CANNOT CHECK: no compiler here builds and runs a ThreadSanitizer program (tried: ${CC:-cc clang})."
    echo "Install clang, or gcc with libtsan (Debian/Ubuntu: the libtsan package of your gcc)."
    [ -s "$tmp/probe.err" ] && head -n 2 "$tmp/probe.err"
    exit 3
fi

# ---- build and run under TSan ---------------------------------------------------------------
name=$(basename "$src")
if ! $cc -fsanitize=thread -g -O1 -pthread -o "$tmp/prog" "$src" 2>"$tmp/build.err"; then
    echo "FAIL: $name does not build:"; head -n 5 "$tmp/build.err"; exit 1
fi
echo "built $name with $cc -fsanitize=thread -g -O1; running it (at most 60 s) ..."
# halt_on_error: stop at the first finding (a lock-order inversion is reported before
# the threads block, so a deadlocking program stops instead of hanging).
TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 ${TSAN_OPTIONS:-}" \
    timeout 60 $run "$tmp/prog" >"$tmp/out" 2>"$tmp/err"
rc=$?
cat "$tmp/out"
if grep -q 'WARNING: ThreadSanitizer' "$tmp/err"; then
    # The finding, summarised: what TSan saw, and for each side of it the first frame in
    # the learner's own file (the others are TSan's and libc's).
    kind=$(sed -n 's/^WARNING: ThreadSanitizer: \(.*\) (pid=.*/\1/p' "$tmp/err" | head -n 1)
    awk -v f="$name" '
        /^  [A-Z].*:$/ { hdr = substr($0, 3, length($0) - 3); want = hdr !~ /^(Thread T|Location is)/; shown = 0; next }
        /^    #[0-9]+ / && want && !shown && index($0, "/" f ":") {
            loc = $3; sub(/.*\//, "", loc); print "  " hdr ": " $2 "() at " loc; shown = 1 }
        /^  Location is / { v = $0; sub(/ of size .*/, "", v); sub(/^  /, "", v); print "  (" v ")" }' \
        "$tmp/err" | head -n 5 >"$tmp/sides"
    echo "FAIL: ThreadSanitizer reports a $kind in $name"
    cat "$tmp/sides"
    case "$kind" in
    *data\ race*) echo "  Two threads touch this variable at the same time and one of them writes: make the read and the write one step (an atomic, or a lock around both)." ;;
    *lock-order*) echo "  Two mutexes are taken in both orders: one thread can hold the first and wait for the second while another holds the second and waits for the first. Take them in one order everywhere." ;;
    esac
    echo "  (the whole report: $cc -fsanitize=thread -g $name -o tsan && ./tsan)"
    exit 1
fi
if [ $rc -eq 124 ]; then
    echo "FAIL: $name did not finish in 60 s: it hangs (threads waiting for each other?)"; exit 1
fi
if [ $rc -ne 0 ]; then
    echo "FAIL: $name exited with status $rc:"; head -n 5 "$tmp/err"; exit 1
fi
# ---- the result -------------------------------------------------------------------------------
last=$(tail -n 1 "$tmp/out")
case "$what" in
primes)
    got=$(echo "$last" | sed -n 's/^primes below 1000000: \([0-9]*\)$/\1/p')
    if [ "$got" != 78498 ]; then
        echo "FAIL: ThreadSanitizer is silent, but the count is wrong: expected 'primes below 1000000: 78498', got '$last'"; exit 1
    fi
    echo "PASS: ThreadSanitizer reports nothing, and the count is right (78498 primes below 1,000,000)" ;;
bank)
    got=$(echo "$last" | sed -n 's/^the bank holds \([-0-9]*\) after .*/\1/p')
    if [ "$got" != 8000 ]; then
        echo "FAIL: ThreadSanitizer is silent, but the transfers do not balance: the bank should hold 8000, the program says '$last'"; exit 1
    fi
    echo "PASS: ThreadSanitizer reports nothing, the program finished, and every transfer balanced (8000 in the bank)" ;;
esac
exit 0
