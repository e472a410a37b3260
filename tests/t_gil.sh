#!/bin/sh
# The gil lab's contract beyond the smoke test: experiment and variant names, the
# timeline table, the "beyond 3.11" lines, bad input. No timing is checked.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
out="$TMPDIR/gil"
mkdir -p "$out"
# Built without Python the lab lists itself as unable to run: it exits 3 whatever the
# options (checked below), and its own options are never parsed.
if ! "$PARLAB" list | grep -q "^gil .*cannot run"; then
    "$PARLAB" run gil --experiment frob >/dev/null 2>"$out/err"
    rc=$?
    if [ $rc -eq 2 ] && grep -q "'frob'" "$out/err" && [ "$(wc -l <"$out/err")" -eq 1 ]; then
        ok "gil: a bad --experiment is one line naming it, exit 2"
    else bad "gil: --experiment frob exits $rc: $(cat "$out/err")"; fi
    "$PARLAB" run gil --seconds abc >/dev/null 2>"$out/err"
    [ $? -eq 2 ] && grep -q "'abc'" "$out/err" && ok "gil: a bad --seconds exits 2" || bad "gil: --seconds abc"
fi

"$PARLAB" run gil --quick --workers 1,2 --out "$out" >"$out/stdout" 2>"$out/stderr" </dev/null
rc=$?
if [ $rc -eq 3 ]; then
    grep -q "skipped" "$out/stderr" && ok "gil: not built with Python, says why" || bad "gil: exit 3 without a reason"
    exit 0
fi
[ $rc -eq 0 ] && ok "gil: --quick --workers 1,2 runs" || { bad "gil: exit $rc: $(tail -n 3 "$out/stderr")"; exit 0; }
runs="$out/gil-runs.csv"
# The GIL sampler reads CPython internals (3.11 and 3.12); elsewhere the lab says why.
sampler=yes
grep -q "not run: the GIL sampler" "$out/stdout" && sampler=no
pyver=$(awk -F, '$1 == "python" { print $2 }' "$out/gil-meta.csv")
case "$pyver" in 3.11.*|3.12.*)
    [ $sampler = yes ] && ok "gil: the GIL sampler runs on CPython $pyver" || bad "gil: the GIL sampler did not run on CPython $pyver" ;;
esac
tlev=gil-timeline,threads
[ $sampler = no ] && tlev=
for ev in python-cpu,threads python-cpu,processes python-cpu,threads-nogil $tlev \
          convoy,cpu-in-threads convoy,cpu-in-process libraries,hashlib libraries,zlib libraries,pure-python; do
    if awk -F, -v e="${ev%,*}" -v v="${ev#*,}" '$3 == e && $4 == v { f = 1 } END { exit !f }' "$runs"; then
        ok "gil: rows for $ev"
    else bad "gil: no rows for $ev"; fi
done
for m in seconds speedup cpu_utilization; do
    grep -q ",python-cpu,threads,2,,[0-9]*,$m," "$runs" && ok "gil: python-cpu has $m" || bad "gil: python-cpu lacks $m"
done
# convoy: 9 thread points (3 intervals x 0,1,2 CPU threads) and 3 process points
n=$(awk -F, '$3 == "convoy" && $8 == "roundtrips_per_s" { print $4 "/" $6 }' "$runs" | sort -u | wc -l)
[ "$n" -eq 12 ] && ok "gil: convoy has 12 points" || bad "gil: convoy has $n points, expected 12"
grep -q 'switch_us=100;cpu_threads=2' "$runs" && ok "gil: convoy param names" || bad "gil: convoy param names"
if [ $sampler = no ]; then
    ok "gil: no timeline with this CPython, and the lab says why: $(grep "not run: the GIL sampler" "$out/stdout" | head -n 1 | cut -c1-80)"
else
    # timeline: header, states, intervals inside each thread ordered and not overlapping
    tl="$out/gil-timeline.csv"
    if [ "$(head -n1 "$tl")" = "thread,start,end,state" ]; then ok "gil: gil-timeline.csv header"; else bad "gil: gil-timeline.csv header"; fi
    awk -F, 'NR > 1 { if ($4 != "held" && $4 != "waiting") bad = "state " $4
                      if ($3 < $2) bad = "end before start at line " NR
                      if (($1 in last) && $2 < last[$1] - 1e-9) bad = "overlap at line " NR
                      last[$1] = $3; n++ }
             END { if (!n) bad = "no intervals"; if (bad) { print bad; exit 1 } }' "$tl" >"$out/tl.err" \
        && ok "gil: timeline intervals are ordered and do not overlap" || bad "gil: timeline: $(cat "$out/tl.err")"
    # per-thread fractions: held + waiting = 1 for each rep; the GIL is busy at most all the time
    awk -F, '$3 == "gil-timeline" && $8 == "held_fraction" { h[$6 "/" $7] = $9 }
             $3 == "gil-timeline" && $8 == "waiting_fraction" { w[$6 "/" $7] = $9 }
             $3 == "gil-timeline" && $8 == "gil_busy_fraction" && $9 > 1.0001 { bad = 1 }
             END { for (k in h) if (h[k] + w[k] < 0.9999 || h[k] + w[k] > 1.0001) bad = 1; exit bad }' "$runs" \
        && ok "gil: held + waiting = 1 per thread, busy <= 1" || bad "gil: timeline fractions do not add up"
fi
grep -q "subinterpreters: \(not\|measured\)" "$out/stdout" && grep -q "free-threaded:" "$out/stdout" \
    && ok "gil: says what subinterpreters and free-threaded need" || bad "gil: no beyond-3.11 lines"
