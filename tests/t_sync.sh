#!/bin/sh
# The sync lab's command line and extra tables: bad options exit 2 with one line naming
# the value; one CPU measures only uncontended points and says why; sync-c2c.csv has
# one row per CPU pair; sync-costs.csv and sync-false-sharing.csv keep their headers.
# No timing is checked.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }

for arg in "--experiment nope" "--experiment lock,,c2c" "--sample-ms 0" "--pairs x"; do
    # shellcheck disable=SC2086
    "$PARLAB" run sync --quick --out "$TMPDIR/sync-bad" $arg >/dev/null 2>"$TMPDIR/err" </dev/null
    rc=$?
    val=${arg#* }
    if [ $rc -eq 2 ] && [ "$(wc -l <"$TMPDIR/err")" -eq 1 ] && grep -qF -- "'$val'" "$TMPDIR/err"; then
        ok "sync $arg: exit 2, one line"
    else
        bad "sync $arg: exit $rc: $(head -c 200 "$TMPDIR/err")"
    fi
done

# One CPU: only uncontended points, one line saying why, no c2c table.
out="$TMPDIR/sync-1cpu"
if command -v taskset >/dev/null 2>&1; then
    taskset -c 0 "$PARLAB" run sync --quick --experiment lock,c2c --sample-ms 0.2 --out "$out" >"$TMPDIR/out1" 2>&1 </dev/null
    rc=$?
    if [ $rc -eq 0 ] && grep -q '^1 usable CPU: only uncontended' "$TMPDIR/out1"; then
        ok "sync on 1 CPU: runs and says why contended points are skipped"
    else
        bad "sync on 1 CPU: exit $rc: $(tail -n 2 "$TMPDIR/out1" | tr '\n' ' ')"
    fi
    if [ ! -f "$out/sync-c2c.csv" ] && ! awk -F, 'NR > 1 && $3 == "lock" && $5 != 1 { f = 1 } END { exit !f }' "$out/sync-summary.csv"; then
        ok "sync on 1 CPU: no contended lock point, no c2c table"
    else
        bad "sync on 1 CPU: contended points or a c2c table were written"
    fi
fi

# Two or more CPUs: c2c writes one row per pair of the CPUs in the affinity mask.
n=$(nproc)
if [ "$n" -ge 2 ]; then
    out="$TMPDIR/sync-c2c"
    "$PARLAB" run sync --quick --experiment c2c,false-sharing --workers 1,2 --sample-ms 0.2 --out "$out" >"$TMPDIR/out2" 2>&1 </dev/null
    rc=$?
    rows=$(($(wc -l <"$out/sync-c2c.csv" 2>/dev/null || echo 1) - 1))
    pairs=$((n * (n - 1) / 2))
    [ "$pairs" -gt 64 ] && pairs=-1 # sampled above --pairs 64: only check there are rows
    if [ $rc -eq 0 ] && head -n 1 "$out/sync-c2c.csv" | grep -q '^cpu_a,cpu_b,idx_a,idx_b,one_way_ns,min_ns,max_ns,n$' &&
        { [ "$rows" -eq "$pairs" ] || { [ "$pairs" -eq -1 ] && [ "$rows" -gt 0 ]; }; }; then
        ok "sync c2c: sync-c2c.csv has one row per CPU pair ($rows)"
    else
        bad "sync c2c: exit $rc, $rows rows for $pairs pairs: $(tail -n 2 "$TMPDIR/out2" | tr '\n' ' ')"
    fi
    if head -n 1 "$out/sync-false-sharing.csv" 2>/dev/null | grep -q '^op,workers,same_line_ns,padded_ns,local_ns$' &&
        [ "$(wc -l <"$out/sync-false-sharing.csv")" -eq 3 ]; then
        ok "sync false-sharing: the bars table has a row for op=store and op=atomic"
    else
        bad "sync false-sharing: sync-false-sharing.csv missing or malformed"
    fi
    if awk -F, 'NR > 1 && $3 == "false-sharing" && $6 != "op=store" && $6 != "op=atomic" { f = 1 } END { exit f }' "$out/sync-runs.csv"; then
        ok "sync false-sharing: param is op=store or op=atomic"
    else
        bad "sync false-sharing: a row with another param"
    fi
fi
