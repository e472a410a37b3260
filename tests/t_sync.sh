#!/bin/sh
# The sync lab from the command line: bad options exit 2 with one line naming the value;
# one CPU measures only uncontended points and says why each other point is skipped,
# with the plan kept; c2c and false sharing write summary rows, never extra tables; the
# stage demo runs only when named, and then its three phases each write a point; the
# claims are judged by parlab report on hand-written summaries (numbers like the
# lesson's hold, doctored ones do not, one CPU cannot tell); the charts draw. No timing
# is checked.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }

for arg in "--experiment nope" "--experiment lock,,c2c" "--sample-ms 0" "--pairs x" "--pairs 0" \
    "--phase-seconds 0.1" "--phase-seconds x"; do
    # shellcheck disable=SC2086
    "$PARLAB" run sync --quick --out "$TMPDIR/sync-bad" $arg >"$TMPDIR/o" 2>"$TMPDIR/err" </dev/null
    rc=$?
    val=${arg#* }
    if [ $rc -eq 2 ] && [ "$(wc -l <"$TMPDIR/err")" -eq 1 ] && grep -qF -- "'$val'" "$TMPDIR/err" &&
        [ ! -s "$TMPDIR/o" ] && [ ! -e "$TMPDIR/sync-bad" ]; then
        ok "sync $arg: exit 2, one line, nothing written"
    else
        bad "sync $arg: exit $rc: $(head -c 200 "$TMPDIR/err")"
    fi
done

# OpenMP cannot be given more threads than OMP_THREAD_LIMIT: said before anything runs.
OMP_THREAD_LIMIT=2 "$PARLAB" run sync --quick --workers 1,4 --experiment lock --out "$TMPDIR/sync-omp" \
    >"$TMPDIR/o" 2>"$TMPDIR/err" </dev/null
rc=$?
if [ $rc -eq 2 ] && grep -q "OMP_THREAD_LIMIT" "$TMPDIR/err" && [ ! -e "$TMPDIR/sync-omp" ]; then
    ok "sync: more workers than OMP_THREAD_LIMIT is a usage error"
else
    bad "sync OMP_THREAD_LIMIT=2 --workers 4: exit $rc: $(head -c 200 "$TMPDIR/err")"
fi

# One CPU: only uncontended points; every other point says why it is skipped; the plan
# holds; no contended row and no c2c row; the contention claims cannot tell.
out="$TMPDIR/sync-1cpu"
if command -v taskset >/dev/null 2>&1; then
    PARLAB_CHECK_PLAN=1 taskset -c 0 "$PARLAB" run sync --quick --sample-ms 0.2 --out "$out" \
        >"$TMPDIR/out1" 2>"$TMPDIR/err1" </dev/null
    rc=$?
    if [ $rc -eq 0 ] && grep -q '^1 usable CPU: only uncontended' "$TMPDIR/out1" &&
        ! grep -q "planned .* points but ran" "$TMPDIR/err1"; then
        ok "sync on 1 CPU: runs, says why, ran the points it planned"
    else
        bad "sync on 1 CPU: exit $rc: $(tail -n 2 "$TMPDIR/err1" | tr '\n' ' ')"
    fi
    n=$(grep -c '^  skipped: .*1 usable CPU' "$TMPDIR/out1")
    # lock 11 + barrier 3 at 2 workers, handoff 3, false-sharing 9 (3 layouts x 3 ops), c2c 1
    if [ "$n" -eq 27 ] && grep -q '^  skipped: handoff spin, 2 workers: 1 usable CPU' "$TMPDIR/out1"; then
        ok "sync on 1 CPU: each of the 27 points it cannot run is skipped with the reason"
    else
        bad "sync on 1 CPU: $n skipped points said why, expected 27"
    fi
    if awk -F, 'NR > 1 && ($3 == "lock" || $3 == "barrier" || $3 == "false-sharing") && $5 != 1 { f = 1 }
                NR > 1 && ($3 == "c2c" || $3 == "handoff") { f = 1 } END { exit f }' "$out/sync-summary.csv"; then
        ok "sync on 1 CPU: no contended, handoff or c2c row"
    else
        bad "sync on 1 CPU: contended, handoff or c2c rows were written"
    fi
    "$PARLAB" report "$out" >"$TMPDIR/rep1" 2>&1
    # race, contended mutex, handoff (every point skipped: its judge still says why),
    # false sharing with atomics and with fences: "1 usable CPU". The uncontended claim
    # is judged on the numbers (its verdict is not checked: a timing); the demo's is not
    # listed (an optional experiment that did not run).
    if [ "$(grep -c 'why: 1 usable CPU here' "$TMPDIR/rep1")" -eq 5 ] &&
        grep -A2 '^  cannot tell *Handing a turn' "$TMPDIR/rep1" | grep -q '1 usable CPU' &&
        ! grep -q 'two threads adding to counters on one cache line' "$TMPDIR/rep1" &&
        ! grep -A1 'uncontended atomic add' "$TMPDIR/rep1" | grep -q 'usable CPU'; then
        ok "sync on 1 CPU: the 5 contention claims cannot tell; the uncontended one is judged"
    else
        bad "sync on 1 CPU report: $(grep -A2 '^  [a-z]' "$TMPDIR/rep1" | head -n 20 | tr '\n' ' ')"
    fi
fi

# Two or more CPUs: c2c gives one summary row per CPU pair, false sharing its paired
# ratio; no extra table is written (they were pivots of the summary).
n=$(nproc)
if [ "$n" -ge 2 ]; then
    out="$TMPDIR/sync-c2c"
    PARLAB_CHECK_PLAN=1 "$PARLAB" run sync --quick --experiment c2c,false-sharing,handoff --workers 1,2 \
        --sample-ms 0.2 --out "$out" >"$TMPDIR/out2" 2>"$TMPDIR/err2" </dev/null
    rc=$?
    rows=$(awk -F, 'NR > 1 && $3 == "c2c" && $7 == "one_way_ns" && $6 ~ /^cpu_a=[0-9]+;cpu_b=[0-9]+$/' "$out/sync-summary.csv" | wc -l)
    pairs=$((n * (n - 1) / 2))
    [ "$pairs" -gt 64 ] && pairs=-1 # sampled above --pairs 64: only check there are rows
    if [ $rc -eq 0 ] && { [ "$rows" -eq "$pairs" ] || { [ "$pairs" -eq -1 ] && [ "$rows" -gt 0 ]; }; } &&
        ! grep -q "planned .* points but ran" "$TMPDIR/err2"; then
        ok "sync c2c: one summary row per CPU pair ($rows)"
    else
        bad "sync c2c: exit $rc, $rows rows for $pairs pairs: $(tail -n 2 "$TMPDIR/err2" | tr '\n' ' ')"
    fi
    extra=$(ls "$out" | grep -v '^sync-\(runs\|summary\|meta\)\.csv$')
    [ -z "$extra" ] && ok "sync: no extra table (c2c, false sharing and costs are summary rows)" ||
        bad "sync: extra files: $extra"
    if awk -F, 'NR > 1 && $3 == "false-sharing" && $6 != "op=store" && $6 != "op=fence" && $6 != "op=atomic" { f = 1 } END { exit f }' "$out/sync-runs.csv" &&
        [ "$(awk -F, 'NR > 1 && $3 == "false-sharing" && $4 == "same-line" && $5 == 2 && $7 == "vs_padded"' "$out/sync-summary.csv" | wc -l)" -eq 3 ]; then
        ok "sync false-sharing: param op=store|fence|atomic, and the paired same-line/padded ratio for each"
    else
        bad "sync false-sharing: a row with another param, or no vs_padded rows"
    fi
    # every ratio printed carries its interval and its coverage
    if grep 'x the padded cost\|x handing to a spinner' "$TMPDIR/out2" | grep -qv '\[.*\] (.*%'; then
        bad "sync: a ratio printed without its interval: $(grep 'x the padded' "$TMPDIR/out2" | head -n 1)"
    elif grep -q 'x the padded cost \[.*\] (.*% interval, paired' "$TMPDIR/out2"; then
        ok "sync: printed ratios carry their interval and coverage"
    else
        bad "sync: no ratio printed: $(grep -c . "$TMPDIR/out2") lines"
    fi
    # the handoff threads are pinned to two CPUs, whatever --pin says
    grep -q "threads pinned to two CPUs" "$TMPDIR/out2" && ok "sync handoff: pinned to two CPUs" ||
        bad "sync handoff: not said to be pinned"
    # the stage demo is optional: a run that does not name it has no demo row
    awk -F, 'NR > 1 && $3 == "demo" { f = 1 } END { exit f }' "$out/sync-runs.csv" &&
        ok "sync: the demo runs only when named" || bad "sync: demo rows in a run that did not name it"

    # The demo, named, with 1-second phases: three points (1 worker padded, 2 padded, 2
    # same-line), each with its increments a second and the CPUs it got per slice; the
    # plan holds; its lines name the phases. No timing is checked.
    out="$TMPDIR/sync-demo"
    PARLAB_CHECK_PLAN=1 "$PARLAB" run sync --quick --experiment demo --phase-seconds 1 --out "$out" \
        >"$TMPDIR/out3" 2>"$TMPDIR/err3" </dev/null
    rc=$?
    pts=$(awk -F, 'NR > 1 && $3 == "demo" && $6 == "op=atomic" && $7 == "incs_per_s" && $10 > 0 { print $4 "@" $5 }' \
        "$out/sync-summary.csv" | sort | tr '\n' ' ')
    reps=$(awk -F, 'NR > 1 && $3 == "demo" && $8 == "incs_per_s" && $4 == "same-line"' "$out/sync-runs.csv" | wc -l)
    if [ $rc -eq 0 ] && [ "$pts" = "padded@1 padded@2 same-line@2 " ] && [ "$reps" -eq 5 ] &&
        [ "$(awk -F, 'NR > 1 && $3 == "demo" && $7 == "cpu_cores"' "$out/sync-summary.csv" | wc -l)" -eq 3 ] &&
        ! grep -q "planned .* points but ran" "$TMPDIR/err3"; then
        ok "sync demo: three phases, each with increments a second and its CPUs (5 slices)"
    else
        bad "sync demo: exit $rc, points '$pts', $reps same-line slices: $(tail -n 2 "$TMPDIR/err3" | tr '\n' ' ')"
    fi
    if grep -q 'phase: same-line, 2 workers' "$TMPDIR/out3" && grep -q 'million increments a second' "$TMPDIR/out3" &&
        grep -q 'increments a second, 2 workers: padded is .*x same-line \[' "$TMPDIR/out3"; then
        ok "sync demo: names each phase, shows the rate, prints the ratio with its interval"
    else
        bad "sync demo: output: $(grep -c . "$TMPDIR/out3") lines: $(grep 'phase\|ratio\|padded is' "$TMPDIR/out3" | head -n 3 | tr '\n' ' ')"
    fi
fi

# The claims, judged by parlab report on summaries written by hand.
hdr='run_id,lab,experiment,variant,workers,param,metric,unit,n,median,min,max,ci_lo,ci_hi,outliers,ci_level,flags'
meta() { # DIR USABLE
    printf 'key,value\nrun_id,R\nlab,sync\ncpus_usable,%s\nquick,0\nreps,5\ncpu_model,Test CPU\npython,3.11\ndate,2026-12-01\n' \
        "$2" >"$1/sync-meta.csv"
}
r() { # EXPERIMENT VARIANT WORKERS PARAM METRIC UNIT MEDIAN LO HI
    echo "R,sync,$1,$2,$3,$4,$5,$6,5,$7,$8,$9,$8,$9,0,0.9375,"
}
# numbers like the lesson's (race, lock, handoff, false sharing) ...
lesson() {
    echo "$hdr"
    r race unsynchronised 2 "" lost_updates updates 1700000 1500000 1800000
    r lock mutex 1 "" ns_per_op ns 15 14 16
    r lock atomic-add 1 "" ns_per_op ns 5.8 5.5 6
    r lock mutex 2 "" ns_per_op ns 66 60 70
    r handoff condvar 2 "" us us 40 30 50
    r handoff spin 2 "" us us 0.1 0.08 0.12
    r false-sharing same-line 2 op=atomic vs_padded x 9.6 9.0 10
    r false-sharing same-line 2 op=fence vs_padded x 6.7 6.2 7.1
    r demo padded 2 op=atomic incs_per_s 1/s 6e8 5.8e8 6.1e8
    r demo same-line 2 op=atomic incs_per_s 1/s 6e7 5.5e7 6.5e7
}
# ... and doctored: nothing lost, an atomic dearer than a mutex, free contention, a condvar
# as quick as spinning, no false sharing (atomic, fenced, or in the demo).
doctored() {
    echo "$hdr"
    r race unsynchronised 2 "" lost_updates updates 0 0 0
    r lock mutex 1 "" ns_per_op ns 15 14 16
    r lock atomic-add 1 "" ns_per_op ns 30 29 31
    r lock mutex 2 "" ns_per_op ns 15 14 16
    r handoff condvar 2 "" us us 0.1 0.09 0.11
    r handoff spin 2 "" us us 0.1 0.08 0.12
    r false-sharing same-line 2 op=atomic vs_padded x 1 0.9 1.1
    r false-sharing same-line 2 op=fence vs_padded x 1 0.9 1.1
    r demo padded 2 op=atomic incs_per_s 1/s 6e8 5.8e8 6.1e8
    r demo same-line 2 op=atomic incs_per_s 1/s 6e8 5.8e8 6.1e8
}
d="$TMPDIR/sync-rep-good"; mkdir -p "$d"; lesson >"$d/sync-summary.csv"; meta "$d" 2
"$PARLAB" report "$d" >"$d/out" 2>&1
[ "$(grep -c '^  holds' "$d/out")" -eq 7 ] && ok "sync report: the 7 claims hold on the lesson's numbers" ||
    bad "sync report on the lesson's numbers: $(grep '^  [a-z]' "$d/out" | tr '\n' ' ')"
d="$TMPDIR/sync-rep-bad"; mkdir -p "$d"; doctored >"$d/sync-summary.csv"; meta "$d" 2
"$PARLAB" report "$d" >"$d/out" 2>&1
[ "$(grep -c '^  does not hold' "$d/out")" -eq 7 ] && ok "sync report: a doctored summary makes all 7 claims not hold" ||
    bad "sync report on a doctored summary: $(grep '^  [a-z]' "$d/out" | tr '\n' ' ')"
d="$TMPDIR/sync-rep-one"; mkdir -p "$d"; doctored >"$d/sync-summary.csv"; meta "$d" 1
"$PARLAB" report "$d" >"$d/out" 2>&1
[ "$(grep -c '^  cannot tell' "$d/out")" -eq 6 ] && grep -q "1 usable CPU" "$d/out" &&
    ok "sync report: with 1 usable CPU the contention claims cannot tell, saying so" ||
    bad "sync report with 1 CPU: $(grep '^  [a-z]' "$d/out" | tr '\n' ' ')"

# The charts draw from the summary alone, with data and without (one CPU).
if command -v gnuplot >/dev/null 2>&1; then
    for d in "$TMPDIR/sync-1cpu" "$TMPDIR/sync-c2c" "$TMPDIR/sync-demo" "$TMPDIR/sync-rep-good"; do
        [ -f "$d/sync-summary.csv" ] || continue
        sh "$PARLAB_TOP/plots/render.sh" "$d" >"$d/render.log" 2>&1
        if grep -q FAILED "$d/render.log"; then
            bad "sync charts ($(basename "$d")): $(grep FAILED "$d/render.log" | head -n 2 | tr '\n' ' ')"
        elif [ -s "$d/plots/sync.png" ] && [ -s "$d/plots/sync_fs.png" ] && [ -s "$d/plots/c2c.png" ]; then
            ok "sync charts draw ($(basename "$d"))"
        else
            bad "sync charts ($(basename "$d")): a PNG is missing: $(ls "$d/plots" | tr '\n' ' ')"
        fi
    done
fi
