#!/bin/sh
# Smoke test: every lab that `parlab list` shows runs with --quick and writes CSV that
# keeps the results contract; a lab that cannot run here exits 3 and says why.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
# The contract checker must exist: without it every CSV check would pass unseen.
[ -x "$TOOLS/tool_csvcheck" ] || { bad "$TOOLS/tool_csvcheck is not built (make test builds it)"; exit 0; }
labs=$("$PARLAB" list | awk '{print $1}')
[ -n "$labs" ] && ok "parlab list names labs" || bad "parlab list names no lab"
for lab in $labs; do
    out="$TMPDIR/smoke-$lab"
    mkdir -p "$out"
    PARLAB_CHECK_PLAN=1 "$PARLAB" run "$lab" --quick --out "$out" >"$out/stdout" 2>"$out/stderr" </dev/null
    rc=$?
    if [ $rc -eq 3 ]; then
        if grep -q "skipped" "$out/stderr"; then ok "$lab: skipped, says why: $(head -n1 "$out/stderr")"
        else bad "$lab: exit 3 without a reason"; fi
        continue
    fi
    if [ $rc -ne 0 ]; then
        bad "$lab: --quick exited $rc: $(tail -n 3 "$out/stderr" | tr '\n' ' ')"
        continue
    fi
    ok "$lab: --quick runs"
    # The plan (progress, ETA, parmon's "point i of n") matches the points it ran.
    if grep -q "planned .* points but ran" "$out/stderr"; then bad "$lab: $(grep planned "$out/stderr")"
    else ok "$lab: ran the points it planned"; fi
    "$TOOLS/tool_csvcheck" "$out" "$lab"
    # No temporary left behind.
    if ls -A "$out" | grep -q '^\.'; then bad "$lab: temporary files left in --out"; else ok "$lab: no temporaries left"; fi
done
# Every chart whose data a lab wrote draws from it.
if command -v gnuplot >/dev/null 2>&1; then
    for lab in $labs; do
        [ -f "$TMPDIR/smoke-$lab/$lab-meta.csv" ] || continue
        sh "$PARLAB_TOP/plots/render.sh" "$TMPDIR/smoke-$lab" >"$TMPDIR/smoke-$lab/render.log" 2>&1
        n=$(grep -c '\.png$' "$TMPDIR/smoke-$lab/render.log")
        if grep -q FAILED "$TMPDIR/smoke-$lab/render.log"; then
            bad "$lab: charts: $(grep FAILED "$TMPDIR/smoke-$lab/render.log" | head -n 2 | tr '\n' ' ')"
        elif [ "$n" -eq 0 ]; then bad "$lab: no chart drawn from its results"
        else ok "$lab: its charts draw ($n PNGs)"; fi
    done
fi
