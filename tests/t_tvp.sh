#!/bin/sh
# The tvp lab from outside: bad options exit 2 naming the value; a quick run writes the
# experiment and variant names of the contract and its chart tables; copy-on-write
# shows up in the memory numbers; Ctrl-C leaves no worker behind. No timing is checked.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }

expect2() { # pattern -- args...
    pat=$1; shift 2
    "$PARLAB" run tvp "$@" >"$TMPDIR/o" 2>"$TMPDIR/e" </dev/null
    rc=$?
    if [ $rc -eq 2 ] && grep -q -- "$pat" "$TMPDIR/e" && [ "$(wc -l <"$TMPDIR/e")" -eq 1 ]; then
        ok "tvp $*: exit 2 naming $pat"
    else
        bad "tvp $*: exit $rc, stderr: $(head -c 200 "$TMPDIR/e")"
    fi
}
expect2 "'0'" -- --rss 0
expect2 "'abc'" -- --rss abc
expect2 "'99999999'" -- --rss 99999999
expect2 "'bogus'" -- --only create,bogus

out="$TMPDIR/tvp"
mkdir -p "$out"
if "$PARLAB" run tvp --quick --only create,memory --out "$out" >"$out/stdout" 2>"$out/stderr" </dev/null; then
    ok "tvp --quick --only create,memory runs"
else
    bad "tvp --quick --only create,memory exits $?: $(tail -n 3 "$out/stderr" | tr '\n' ' ')"
fi
grep -q "quick: the big parent touches 64 MiB" "$out/stdout" && ok "quick mode says it uses 64 MiB" ||
    bad "quick mode does not say its --rss"
want="pthread fork fork-big vfork"
[ -x /bin/true ] && want="$want posix-spawn fork-exec"
for v in $want; do
    if awk -F, -v v="$v" '$3 == "create" && $4 == v && $8 == "us" && $9 > 0 { f = 1 } END { exit !f }' "$out/tvp-runs.csv"; then
        ok "create $v: rows with metric us"
    else
        bad "create $v: no rows with metric us"
    fi
done
for t in tvp-create.csv tvp-memory.csv; do
    [ -s "$out/$t" ] && ok "$t written" || bad "$t missing"
done
# Copy-on-write, in memory not time: a child that wrote the 16 MiB array owns a private
# copy (>= 15 MiB); one that only read it shares the parent's pages (< 4 MiB private).
if grep -q '^cow-read,' "$out/tvp-memory.csv"; then
    pr=$(awk -F, '$1 == "cow-read" { print $4 }' "$out/tvp-memory.csv")
    pw=$(awk -F, '$1 == "cow-write" { print $4 }' "$out/tvp-memory.csv")
    if [ -z "$pr" ]; then
        ok "copy-on-write: private memory not readable here (no smaps_rollup), lab said so"
    elif awk -v r="$pr" -v w="$pw" 'BEGIN { exit !(w >= 15 * 1024 && r < 4 * 1024) }'; then
        ok "copy-on-write: writers own a private copy ($pw KiB), readers share ($pr KiB)"
    else
        bad "copy-on-write: writers $pw KiB private, readers $pr KiB"
    fi
else
    bad "tvp-memory.csv has no cow-read row"
fi

# Ctrl-C after create (its chart table already filled) and in the middle of communicate
# (its workers alive): exit 130, no file written, not even create's table, no worker left.
out2="$TMPDIR/tvp-int"
mkdir -p "$out2"
"$PARLAB" run tvp --only create,communicate --rss 8 --out "$out2" >"$out2/stdout" 2>"$out2/stderr" </dev/null &
pid=$!
sleep 4
kill -INT $pid
wait $pid
rc=$?
sleep 0.2
[ $rc -eq 130 ] && ok "Ctrl-C: exit 130" || bad "Ctrl-C: exit $rc"
# A forked worker keeps the lab's command line, which names this run's own folder.
left=$(ps -eo pid=,args= | grep -F -- "$out2" | grep -v grep)
[ -z "$left" ] && ok "Ctrl-C: no worker left behind" || bad "Ctrl-C: left behind: $left"
[ -z "$(ls -A "$out2" | grep -v '^std')" ] && ok "Ctrl-C: nothing written" || bad "Ctrl-C: files left: $(ls -A "$out2")"
