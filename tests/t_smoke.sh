#!/bin/sh
# Smoke test: every lab that `parlab list` shows runs with --quick, and in full mode with
# one repetition, and writes CSV that keeps the results contract; every experiment runs
# alone with --experiment; the points each run announced match its plan (progress, ETA
# and parmon's "point i of n" depend on it); a bad --experiment is a usage error that
# leaves nothing behind. A lab that cannot run here exits 3 and says why.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
# The contract checker must exist: without it every CSV check would pass unseen.
[ -x "$TOOLS/tool_csvcheck" ] || { bad "$TOOLS/tool_csvcheck is not built (make test builds it)"; exit 0; }
# Labs left out of this build (make LABS=...) list as not built: nothing to run.
labs=$("$PARLAB" list | grep -v '(not built' | awk '{print $1}')
[ -n "$labs" ] && ok "parlab list names labs" || bad "parlab list names no lab"
status_dir="$TMPDIR/status"
mkdir -p "$status_dir"
export PARLAB_STATUS_DIR="$status_dir"

# run_lab NAME OUT ARGS...: run, check exit status, plan, contract, temporaries.
run_lab() {
    name=$1; out=$2; shift 2
    mkdir -p "$out"
    PARLAB_CHECK_PLAN=1 "$PARLAB" run "$name" "$@" --out "$out" >"$out/stdout" 2>"$out/stderr" </dev/null
    rc=$?
    if [ $rc -eq 3 ]; then
        if grep -q "skipped" "$out/stderr"; then ok "$name $*: skipped, says why: $(head -n1 "$out/stderr")"
        else bad "$name $*: exit 3 without a reason"; fi
        return 3
    fi
    if [ $rc -ne 0 ]; then
        bad "$name $*: exited $rc: $(tail -n 3 "$out/stderr" | tr '\n' ' ')"
        return 1
    fi
    ok "$name $*: runs"
    if grep -q "planned .* points but ran" "$out/stderr"; then bad "$name $*: $(grep planned "$out/stderr")"
    else ok "$name $*: ran the points it planned"; fi
    if ls -A "$out" | grep -q '^\.'; then bad "$name $*: temporary files left in --out"
    else ok "$name $*: no temporaries left"; fi
    return 0
}

# Quick mode with each lab's shortest work (tests/fast.sh: --quick and the smallest
# sizes; the tour test runs plain --quick).
. "$PARLAB_TOP/tests/fast.sh"
for lab in $labs; do
    out="$TMPDIR/smoke-$lab"
    run_lab "$lab" "$out" $(fast_opts "$lab") || continue
    "$TOOLS/tool_csvcheck" "$out" "$lab"
    # The lab's conclusions come from its claims, the same checks parlab report makes.
    if "$PARLAB" report "$out" >"$out/report" 2>&1; then ok "$lab: parlab report reads its results"
    else bad "$lab: parlab report failed: $(head -n 2 "$out/report")"; fi
done

# Full mode (the sweeps and plans differ from quick mode's), with the shortest work and
# one repetition to stay quick (tests/fast.sh).
for lab in $labs; do
    out="$TMPDIR/full-$lab"
    run_lab "$lab" "$out" $(fast_opts "$lab" | sed 's/--quick //') && "$TOOLS/tool_csvcheck" "$out" "$lab" | grep -v '^ok'
done

# Every experiment alone, as short as each lab allows.
for lab in $labs; do
    exps=$("$PARLAB" help "$lab" | awk '/^experiments/ {on=1; next} on && /^  [a-z]/ {print $1; next} on {exit}')
    [ -n "$exps" ] || { bad "$lab: parlab help names no experiment"; continue; }
    for e in $exps; do
        run_lab "$lab" "$TMPDIR/exp-$lab-$e" $(fast_opts "$lab") --experiment "$e" || continue
        if awk -F, -v e="$e" 'NR > 1 && $3 != e {bad = 1} END {exit bad}' "$TMPDIR/exp-$lab-$e/$lab-runs.csv"; then
            ok "$lab --experiment $e: only that experiment's rows"
        else
            bad "$lab --experiment $e: rows of other experiments"
        fi
    done
done

# A bad experiment list is a usage error: exit 2, one line, stdout empty, nothing left.
for lab in $labs; do
    first=$("$PARLAB" help "$lab" | awk '/^experiments/ {on=1; next} on && /^  [a-z]/ {print $1; exit}')
    for arg in bogus "" "," "$first,"; do
        d="$TMPDIR/badexp-$lab"
        rm -rf "$d"
        "$PARLAB" run "$lab" --experiment "$arg" --out "$d" >"$TMPDIR/o" 2>"$TMPDIR/e" </dev/null
        rc=$?
        if [ $rc -ne 2 ] && ! { [ $rc -eq 3 ] && grep -q skipped "$TMPDIR/e"; }; then
            bad "$lab --experiment '$arg': exit $rc, expected 2"
        elif [ $rc -eq 2 ] && { [ -s "$TMPDIR/o" ] || [ "$(wc -l <"$TMPDIR/e")" -ne 1 ]; }; then
            bad "$lab --experiment '$arg': stdout not empty or not one line on stderr"
        elif [ -e "$d" ] || [ -n "$(ls -A "$status_dir")" ]; then
            bad "$lab --experiment '$arg': left a file or a status page"
        else
            ok "$lab --experiment '$arg': usage error, nothing left"
        fi
    done
done
[ -z "$(ls -A "$status_dir")" ] && ok "no status page left by any run" || bad "status pages left: $(ls "$status_dir")"

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
