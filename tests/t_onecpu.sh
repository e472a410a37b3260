#!/bin/sh
# Every lab on ONE usable CPU (taskset -c 0, as a 1-CPU container or laptop would be):
# it runs, keeps the results contract, says what it cannot measure instead of faking
# it, and its charts still draw. No timing is checked.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
# The contract checker must exist: without it every CSV check would pass unseen.
[ -x "$TOOLS/tool_csvcheck" ] || { bad "$TOOLS/tool_csvcheck is not built (make test builds it)"; exit 0; }
if ! command -v taskset >/dev/null 2>&1; then
    ok "1 CPU: not checked, taskset is missing (util-linux)"
    exit 0
fi
out="$TMPDIR/onecpu"
mkdir -p "$out"
for lab in $("$PARLAB" list | grep -v '(not built' | awk '{print $1}'); do
    taskset -c 0 "$PARLAB" run "$lab" --quick --out "$out" >"$out/$lab.stdout" 2>"$out/$lab.stderr" </dev/null
    rc=$?
    if [ $rc -eq 3 ]; then
        ok "1 CPU: $lab cannot run in this build, says why"
        continue
    fi
    [ $rc -eq 0 ] && ok "1 CPU: $lab --quick runs" || { bad "1 CPU: $lab exit $rc: $(tail -n 2 "$out/$lab.stderr" | tr '\n' ' ')"; continue; }
    grep -q "^1 usable CPU " "$out/$lab.stdout" && ok "1 CPU: $lab sees 1 usable CPU" ||
        bad "1 CPU: $lab does not say 1 usable CPU: $(sed -n 2p "$out/$lab.stdout")"
    "$TOOLS/tool_csvcheck" "$out" "$lab" | sed 's/^\(not \)\{0,1\}ok - /&1 CPU: /'
done
# What cannot be measured on one CPU is said, not invented.
grep -q "no speedup can be measured" "$out/amdahl.stdout" && ok "1 CPU: amdahl says no speedup can be measured" ||
    bad "1 CPU: amdahl does not say why it fits nothing"
if [ -f "$out/sync.stdout" ]; then
    grep -q "1 usable CPU: only uncontended" "$out/sync.stdout" && ok "1 CPU: sync says why contended points are skipped" ||
        bad "1 CPU: sync does not say why contended points are skipped"
fi
# The claims on one CPU: what needs two says it cannot tell; nothing is judged false
# for lack of a second CPU.
if ls "$out"/*-summary.csv >/dev/null 2>&1; then
    "$PARLAB" report "$out" >"$out/report" 2>&1
    if grep -q "^  does not hold" "$out/report"; then
        bad "1 CPU: a claim does not hold: $(grep -A2 '^  does not hold' "$out/report" | head -n 3 | tr '\n' ' ')"
    else
        ok "1 CPU: no claim judged false ($(grep -c '^  cannot tell' "$out/report") cannot tell, $(grep -c '^  holds' "$out/report") hold)"
    fi
fi
# Every chart with data draws (a fit that is missing must not break one).
if command -v gnuplot >/dev/null 2>&1; then
    sh "$PARLAB_TOP/plots/render.sh" "$out" >"$out/render.log" 2>&1
    if grep -q FAILED "$out/render.log"; then bad "1 CPU: charts: $(grep FAILED "$out/render.log" | head -n 2 | tr '\n' ' ')"
    else ok "1 CPU: every chart with data draws ($(grep -c '\.png$' "$out/render.log") PNGs)"; fi
else
    ok "1 CPU: charts not checked, gnuplot is missing"
fi
