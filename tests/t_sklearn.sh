#!/bin/sh
# The sklearn lab beyond the smoke test: bad options, the contract (experiments,
# variants, metrics, paired series, cold and warm), no loky worker left after a run or
# after SIGTERM, scikit-learn missing (exit 3, saying why), sk_cases.py on its own, and
# the claims judged on doctored summaries. No timing is checked.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
top=${PARLAB_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
out="$TMPDIR/sklearn"
mkdir -p "$out"
py=/usr/bin/python3
fast="--quick --reps 1 --folds 2"

if "$PARLAB" list | grep -q "^sklearn .*cannot run here"; then
    "$PARLAB" run sklearn --quick --out "$out/na" >"$out/na.out" 2>"$out/na.err"
    rc=$?
    [ $rc -eq 3 ] && grep -q "skipped" "$out/na.err" && ok "sklearn: cannot run in this build: exit 3, says why" ||
        bad "sklearn: unavailable: exit $rc: $(cat "$out/na.err")"
    exit 0
fi

# ---- bad options: one line, exit 2, nothing written (before scikit-learn is looked for) ------------
for args in "--folds 1" "--folds x" "--experiment frob" "--reps 0"; do
    # shellcheck disable=SC2086
    "$PARLAB" run sklearn $args --out "$out/bad" >"$out/bad.out" 2>"$out/bad.err"
    rc=$?
    if [ $rc -eq 2 ] && [ "$(wc -l <"$out/bad.err")" -eq 1 ] && [ ! -s "$out/bad.out" ] && [ ! -e "$out/bad" ]; then
        ok "sklearn: $args is a usage error: $(cat "$out/bad.err")"
    else bad "sklearn: $args exits $rc: $(cat "$out/bad.err")"; fi
done

# ---- scikit-learn that cannot be imported: exit 3, one reason, no results ----------------------------
mkdir -p "$out/nosk/sklearn"
echo 'raise ImportError("hidden by t_sklearn.sh")' >"$out/nosk/sklearn/__init__.py"
# shellcheck disable=SC2086
PYTHONPATH="$out/nosk" "$PARLAB" run sklearn $fast --out "$out/nosk-run" >"$out/nosk.out" 2>"$out/nosk.err" </dev/null
rc=$?
if [ $rc -eq 3 ] && grep -q "^parlab: sklearn: skipped: .*hidden by t_sklearn.sh.*python3-sklearn" "$out/nosk.err" &&
    [ ! -e "$out/nosk-run/sklearn-runs.csv" ]; then
    ok "sklearn: scikit-learn cannot be imported: exit 3, says why and what to install, writes nothing"
else bad "sklearn: no scikit-learn: exit $rc: $(cat "$out/nosk.err" | head -n 3)"; fi
if ! $py -c 'import sklearn' 2>/dev/null; then
    ok "sklearn: scikit-learn is not installed here: the rest is not run"
    exit 0
fi

# ---- a short run: the contract --------------------------------------------------------------------
# shellcheck disable=SC2086
PARLAB_CHECK_PLAN=1 "$PARLAB" run sklearn $fast --out "$out/run" >"$out/run.out" 2>"$out/run.err" </dev/null
rc=$?
[ $rc -eq 0 ] && ok "sklearn: a short run works" || { bad "sklearn: exit $rc: $(tail -n 3 "$out/run.err")"; exit 0; }
grep -q "planned .* points but ran" "$out/run.err" && bad "sklearn: $(grep planned "$out/run.err")" || ok "sklearn: ran the points it planned"
runs="$out/run/sklearn-runs.csv"
sum="$out/run/sklearn-summary.csv"
meta="$out/run/sklearn-meta.csv"
[ -x "$TOOLS/tool_csvcheck" ] && "$TOOLS/tool_csvcheck" "$out/run" sklearn | grep -v "^ok" | sed 's/^/  /'
has() { awk -F, -v e="$1" -v v="$2" -v m="$3" '$3 == e && $4 == v && $7 == m { f = 1 } END { exit !f }' "$sum"; }
for v in serial threading loky-cold loky-warm multiprocessing; do
    has cv $v seconds && has cv $v speedup && has cv $v cpu_cores && ok "sklearn: cv $v: seconds, speedup, cpu_cores" ||
        bad "sklearn: cv $v: rows missing"
done
grep -q ",cv,[a-z-]*,[0-9]*,estimator=svc;folds=2," "$runs" && ok "sklearn: cv's param names the estimator and folds" ||
    bad "sklearn: cv param"
grep -q "estimator=forest" "$runs" && bad "sklearn: --quick ran the forest" || ok "sklearn: --quick leaves the forest out"
for v in chain independent ensemble chain-cv; do
    has chain $v seconds && has chain $v cpu_cores && ok "sklearn: chain $v measured" || bad "sklearn: chain $v: rows missing"
done
awk -F, '$3 == "chain" && $4 != "chain" && $8 == "speedup" && $5 == 1 && $9 != 1 { bad = 1 }
         $3 == "cv" && $4 == "serial" && $8 == "speedup" && $9 != 1 { bad = 1 } END { exit bad + 0 }' "$runs" &&
    ok "sklearn: speedup 1 at the serial point of every series" || bad "sklearn: a serial point's speedup is not 1"
grep -q "^threadpools,.*OMP_NUM_THREADS=" "$meta" && ok "sklearn: the inner thread pools are in the meta" ||
    bad "sklearn: no threadpools meta"
grep -q "one chain's 4 links" "$out/run.out" && ok "sklearn: prints the chain's links" || bad "sklearn: no links line"
n=$(grep -c "^  \(holds\|does not hold\|cannot tell\) " "$out/run.out")
[ "$n" -eq 6 ] && ok "sklearn: 6 claims judged after the experiments" || bad "sklearn: $n claims judged, expected 6"
# a loky worker left behind would be an orphan (parent: init); other programs' workers have parents
pgrep -P 1 -f "joblib.externals.loky" >/dev/null && bad "sklearn: a loky process is left after the run" || ok "sklearn: no loky worker left after the run"
"$PARLAB" report "$out/run" >"$out/report" 2>&1 && grep -q "^== sklearn" "$out/report" && ok "sklearn: parlab report judges the run" ||
    bad "sklearn: report: $(tail -n 2 "$out/report")"

# ---- sk_cases.py on its own (a few seconds of scikit-learn) ---------------------------------------------
o=$(timeout 300 $py "$top/labs/sklearn/sk_cases.py" --quick --workers 2 2>&1)
echo "$o" | grep -q "^cv svc *loky-cold" && echo "$o" | grep -q "^chain ensemble" && ok "sklearn: sk_cases.py runs alone" ||
    bad "sklearn: sk_cases.py alone: $(echo "$o" | tail -n 3)"

# ---- SIGTERM while loky's workers run: exit 143, nothing left ---------------------------------------------
descendants() { for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }
status="$out/status"
mkdir -p "$status"
PARLAB_STATUS_DIR="$status" "$PARLAB" run sklearn --experiment cv --quick --reps 20 --out "$out/term" \
    >"$out/term.out" 2>"$out/term.err" </dev/null &
pid=$!
seen="" ready=no
end=$(($(date +%s) + 120))
while [ "$(date +%s)" -lt $end ]; do
    d=$(descendants $pid)
    seen="$seen $d"
    for p in $d; do tr '\0' ' ' 2>/dev/null </proc/"$p"/cmdline | grep -q "loky.backend.popen" && ready=yes; done
    [ $ready = yes ] && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.1
done
sleep 0.3
seen="$seen $(descendants $pid)"
kill -TERM $pid 2>/dev/null
wait $pid
rc=$?
left=""
for _ in $(seq 1 50); do
    left=""
    for p in $(echo "$seen" | tr ' ' '\n' | sort -u); do
        [ -n "$p" ] && kill -0 "$p" 2>/dev/null && left="$left $p"
    done
    [ -z "$left" ] && ! pgrep -P 1 -f "joblib.externals.loky" >/dev/null && break
    sleep 0.1
done
if [ $ready = no ]; then bad "sklearn: SIGTERM: loky's workers never started ($(tail -n 1 "$out/term.err"))"
elif [ $rc -eq 143 ] && [ -z "$left" ] && ! pgrep -P 1 -f "joblib.externals.loky" >/dev/null &&
    [ ! -e "$out/term/sklearn-runs.csv" ] && [ -z "$(ls -A "$status")" ]; then
    ok "sklearn: SIGTERM during loky's pool: exit 143, no process, result or status page left"
else bad "sklearn: SIGTERM: exit $rc, left:$left $(pgrep -P 1 -f joblib.externals.loky | tr '\n' ' ')"; fi

# ---- the claims on doctored summaries ----------------------------------------------------------------
doctor() { # dir usable svc_thr cold_s nested_sp indep_s ens_sp
    d=$1
    mkdir -p "$d"
    printf 'key,value\ncpus_usable,%s\nquick,1\nreps,3\n' "$2" >"$d/sklearn-meta.csv"
    {
        echo "run_id,lab,experiment,variant,workers,param,metric,unit,n,median,min,max,ci_lo,ci_hi,outliers,ci_level,flags"
        for r in "cv:threading:2:estimator=svc;folds=10:speedup:$3" "cv:loky-cold:2:estimator=svc;folds=10:seconds:$4" \
                 "cv:loky-warm:2:estimator=svc;folds=10:seconds:0.5" "cv:loky-warm:2:estimator=forest;folds=10:speedup:1.6" \
                 "cv:loky-warm-nested:2:estimator=forest;folds=10:speedup:$5" "chain:chain:1::seconds:0.4" \
                 "chain:independent:2::seconds:$6" "chain:ensemble:2::speedup:$7" "chain:chain-cv:2::speedup:$7"; do
            echo "$r" | awk -F: '{ printf "x,sklearn,%s,%s,%s,%s,%s,x,3,%s,%s,%s,%s,%s,,0.75,\n", $1, $2, $3, $4, $5, $6,
                                   $6 * 0.97, $6 * 1.03, $6 * 0.97, $6 * 1.03 }'
        done
    } >"$d/sklearn-summary.csv"
}
doctor "$out/good" 2 1.7 1.9 1.5 0.2 1.8
doctor "$out/doctored" 2 1.0 0.5 2.5 0.39 1.0
n=$("$PARLAB" report "$out/good" 2>&1 | grep -c "^  holds ")
[ "$n" -eq 6 ] && ok "sklearn: a summary as the lesson says: 6 claims hold" || bad "sklearn: good summary: $n hold"
n=$("$PARLAB" report "$out/doctored" 2>&1 | grep -c "^  does not hold ")
[ "$n" -eq 6 ] && ok "sklearn: a doctored summary: all 6 claims do not hold" ||
    bad "sklearn: doctored: $n do not hold: $("$PARLAB" report "$out/doctored" 2>&1 | grep -A2 "^  \(holds\|cannot\)" | head -n 6)"
exit 0
