#!/bin/sh
# The pool lab beyond the smoke test: the points it announces match its plan (quick and
# full, with and without Python, without joblib), its CSV contract (experiments,
# variants, metrics), the finer sweep around the crossings, the like-with-like window
# (every omp task deferred), the optional demo (its phases, only when named), bad
# options, pool_tasks.py on its own, Ctrl-C during the Python pools leaving no process
# behind, and its claims judged on doctored summaries. No timing is checked: the
# numbers of a shared 2-CPU machine are not asserted.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
top=${PARLAB_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
out="$TMPDIR/pool"
mkdir -p "$out"

# ---- bad options: one line naming the value, exit 2, before anything runs ----------------
for args in "--python 2" "--chunk-task-us 0" "--only granularity" "--experiment frob" "--phase-seconds 0.1"; do
    # shellcheck disable=SC2086
    "$PARLAB" run pool $args --out "$out/bad" >"$out/bad.out" 2>"$out/bad.err"
    rc=$?
    opt=${args%% *}
    val=${args#* }
    if [ $rc -eq 2 ] && [ "$(wc -l <"$out/bad.err")" -eq 1 ] && grep -q -e "${opt#--}" -e "'$val'" "$out/bad.err" &&
        [ ! -s "$out/bad.out" ] && [ ! -e "$out/bad" ]; then
        ok "pool: $args is a usage error naming it"
    else
        bad "pool: $args exits $rc: $(cat "$out/bad.err")"
    fi
done

# A column of a CSV file by its name, with the row's experiment and variant:
# col FILE NAME -> "experiment,variant,workers,param,metric,<NAME>" lines.
rows() {
    awk -F, -v want="$2" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        { print $c["experiment"] "," $c["variant"] "," $c["workers"] "," $c["param"] "," $c["metric"] "," $c[want] }' "$1"
}

# ---- the plan: every run announces exactly the points its experiments planned ---------------
# run_plan NAME ARGS...: a run with PARLAB_CHECK_PLAN=1; parlab says on stderr if the
# points announced differ from the plan.
run_plan() {
    name=$1
    shift
    d="$out/$name"
    mkdir -p "$d"
    PARLAB_CHECK_PLAN=1 "$PARLAB" run pool "$@" --out "$d" >"$d/stdout" 2>"$d/stderr" </dev/null
    rc=$?
    if [ $rc -ne 0 ]; then
        bad "pool $name ($*): exit $rc: $(tail -n 3 "$d/stderr" | tr '\n' ' ')"
        return 1
    fi
    if grep -q "planned .* points but ran" "$d/stderr"; then
        bad "pool $name ($*): $(grep "planned" "$d/stderr")"
    else
        ok "pool $name ($*): the points announced match the plan"
    fi
    return 0
}

python=yes
run_plan quick --quick || exit 0
grep -q "py-\* variants: not run" "$out/quick/stdout" && python=no
sum="$out/quick/pool-summary.csv"
runs="$out/quick/pool-runs.csv"

# the contract: experiments, variants and their metrics
for ev in task-overhead,parlab-threads task-overhead,parlab-threads-single task-overhead,parlab-procs \
          task-overhead,omp-task task-overhead,omp-taskloop task-overhead,omp-task-nowindow \
          task-overhead,omp-dynamic granularity,parlab-threads granularity,parlab-threads-single \
          granularity,omp-task granularity,parlab-procs granularity,omp-dynamic chunksize,parlab-procs \
          chunksize,sequential; do
    if rows "$sum" median | grep -q "^$ev,"; then ok "pool: rows for $ev"; else bad "pool: no rows for $ev"; fi
done
for em in task-overhead,us_per_task task-overhead,inline_share granularity,efficiency granularity,task_us_loop \
          granularity,inline_share chunksize,tasks_per_s; do
    e=${em%,*}
    m=${em#*,}
    if rows "$sum" median | awk -F, -v e="$e" -v m="$m" '$1 == e && $5 == m { f = 1 } END { exit !f }'; then
        ok "pool: $e has $m"
    else bad "pool: $e lacks $m"; fi
done
# efficiency is paired: every repetition of a granularity point has its own loop time
n_eff=$(rows "$runs" rep | awk -F, '$1 == "granularity" && $5 == "efficiency" && $6 > 0' | wc -l)
n_loop=$(rows "$runs" rep | awk -F, '$1 == "granularity" && $5 == "task_us_loop" && $6 > 0' | wc -l)
[ "$n_eff" -gt 0 ] && [ "$n_eff" -eq "$n_loop" ] && ok "pool: each efficiency has its repetition's loop time ($n_eff)" ||
    bad "pool: $n_eff efficiencies but $n_loop loop times"
if rows "$runs" value | awk -F, '$5 == "us_per_task" || $5 == "efficiency" || $5 == "tasks_per_s" { if ($6 == "" || $6 + 0 <= 0) b = 1 } END { exit b }'; then
    ok "pool: every time, efficiency and throughput is a positive number"
else bad "pool: a non-positive or empty value"; fi
# the task sizes: the C ones from 1 ns, the Python ones from 1 us (a Python task can't be shorter)
c_small=$(rows "$sum" median | awk -F, '$1 == "granularity" && $2 == "parlab-threads" && $5 == "efficiency" { sub("task_us=", "", $4); print $4 }' | sort -g | head -n 1)
[ "$c_small" = "0.001" ] && ok "pool: C tasks from 0.001 us" || bad "pool: the smallest C task is '$c_small' us"
if [ $python = yes ] && /usr/bin/python3 -c 'import joblib' 2>/dev/null; then
    # --quick measures joblib in task-overhead only: its other points are skipped, saying why
    grep -q "task-overhead,py-joblib," "$out/quick/pool-runs.csv" && ok "pool: --quick measures joblib in task-overhead" ||
        bad "pool: --quick has no task-overhead rows for py-joblib"
    n=$(grep -c "python: --quick: py-joblib measured in task-overhead only" "$out/quick/stdout")
    [ "$n" -eq 2 ] && ! grep -Eq "^[^,]*,pool,(granularity|chunksize),py-joblib," "$out/quick/pool-runs.csv" &&
        ok "pool: --quick leaves joblib out of granularity and chunksize, saying so" ||
        bad "pool: --quick: $n notes about joblib (expected 2), or joblib rows in granularity/chunksize"
fi
grep -Eq "efficiency 0\.5 (at|not reached).*, 0\.9 (at|not reached)" "$out/quick/stdout" && ok "pool: break-even sizes printed" || bad "pool: no break-even sizes"
# the finer sweep: every C variant has its 6 coarse sizes plus 4 finer ones, or says why
# not in a skip line naming the variant (on a busy machine no curve may cross 0.5); the
# finer sizes themselves are checked by test_pool.c (refine_lands_around_the_crossings)
for v in parlab-threads-single omp-task parlab-threads omp-dynamic parlab-procs; do
    n=$(rows "$sum" median | awk -F, -v v="$v" '$1 == "granularity" && $2 == v && $5 == "efficiency"' | wc -l)
    k=$(grep -c "skipped: granularity $v, .*refine=" "$out/quick/stdout")
    [ $((n + k)) -eq 10 ] && [ "$n" -ge 6 ] && ok "pool: $v: $n task sizes in quick mode ($((n - 6)) finer, $k skipped)" ||
        bad "pool: $v: $n task sizes and $k skips (expected 6 coarse + 4 finer or skipped)"
done
# like with like: omp-task in task-overhead ran no task in place (the window kept every one deferred)
ip=$(rows "$sum" median | awk -F, '$1 == "task-overhead" && $2 == "omp-task" && $5 == "inline_share" { print $6 }')
awk -v x="$ip" 'BEGIN { exit !(x != "" && x + 0 <= 0.01) }' && ok "pool: omp-task ran deferred in task-overhead (in place: $ip)" ||
    bad "pool: omp-task in task-overhead ran '$ip' of its tasks in place"
rows "$sum" median | grep -q "^demo," && bad "pool: the optional demo ran without --experiment demo" ||
    ok "pool: the demo runs only when named"
# every ratio printed carries its interval and coverage
if grep "x \[" "$out/quick/stdout" | grep -v "coverage" | grep -q .; then
    bad "pool: a ratio without its coverage: $(grep "x \[" "$out/quick/stdout" | grep -v coverage | head -n 1)"
else ok "pool: every ratio printed has its interval and coverage"; fi
grep -q "95%" "$out/quick/stdout" && bad "pool: an interval labelled 95% (coverage is n-dependent)" || ok "pool: no fixed 95% label"
n=$(grep -c "^  \(holds\|does not hold\|cannot tell\) " "$out/quick/stdout")
[ "$n" -eq 5 ] && ok "pool: 5 claims judged after the experiments (the demo's only with it)" || bad "pool: $n claims judged, expected 5"
"$PARLAB" report "$out/quick" >"$out/quick/report" 2>&1 && grep -q "^== pool" "$out/quick/report" &&
    ok "pool: parlab report judges the saved run" || bad "pool: parlab report: $(tail -n 2 "$out/quick/report")"
# every document the output sends the learner to is part of the project
missing=$(grep -o '[A-Za-z0-9_./-]*\.md' "$out/quick/stdout" | sort -u | while read -r p; do
    [ -f "$PARLAB_TOP/$p" ] || [ -f "$PARLAB_TOP/labs/pool/$p" ] || echo "$p"; done)
[ -z "$missing" ] && ok "pool: every document the output names is in the project" ||
    bad "pool: the output names documents the project does not have: $missing"

if [ $python = yes ]; then
    for v in py-thread-pool py-process-pool py-mp-pool py-sequential; do
        rows "$sum" median | grep -q ",$v," && ok "pool: rows for $v" || bad "pool: no rows for $v"
    done
    rows "$sum" median | awk -F, '$2 ~ /^py-/ && $5 == "cpu_cores"' | grep -q . &&
        ok "pool: Python points record the CPUs they used" || bad "pool: no cpu_cores for the Python points"
else
    ok "pool: built without Python, the lab says so and runs the C variants: $(grep "py-\* variants" "$out/quick/stdout")"
fi

run_plan nopy --quick --python 0 --workers 1,2 &&
    { rows "$out/nopy/pool-summary.csv" median | grep -q ",py-" && bad "pool: --python 0 still ran py-* variants" ||
        ok "pool: --python 0 runs no py-* variant"; }
# full mode (its own task sizes and chunk sizes), one repetition to be quick
run_plan full --reps 1 --experiment granularity,chunksize

# ---- the demo: its phases, each a point with tasks a second and the CPUs busy -------------------
if run_plan demo --experiment demo --phase-seconds 1 --reps 2; then
    d="$out/demo"
    for ph in "phase=1;chunksize=1;" "phase=2;chunksize=100;"; do
        for m in tasks_per_s cpu_cores; do
            nrep=$(rows "$d/pool-runs.csv" rep | awk -F, -v p="$ph" -v m="$m" '$1 == "demo" && index($4, p) == 1 && $5 == m && $6 > 0' | wc -l)
            [ "$nrep" -eq 2 ] && ok "pool demo: ${ph%%;*}: $m in each of the 2 repetitions" || bad "pool demo: ${ph%%;*}: $nrep $m rows"
        done
    done
    rows "$d/pool-runs.csv" rep | awk -F, '$1 != "demo"' | grep -q . && bad "pool demo: rows of other experiments" ||
        ok "pool demo: only its own rows"
    grep -q "^== demo" "$d/stdout" && grep -q "^  \(holds\|does not hold\|cannot tell\) .*On stage too" "$d/stdout" &&
        ok "pool demo: prints its phases and judges its claim" || bad "pool demo: no table or no verdict: $(tail -n 4 "$d/stdout" | tr '\n' ' ')"
    # each phase lasted about --phase-seconds (1 s): between 0.5 and 5 s of wall time in all
    secs=$(rows "$d/pool-runs.csv" rep | awk -F, '$1 == "demo" && $5 == "seconds" && $6 > 0' | wc -l)
    [ "$secs" -eq 4 ] && ok "pool demo: each repetition's seconds recorded" || bad "pool demo: $secs seconds rows"
fi
"$PARLAB" help pool | grep -q "^  demo " && ok "pool: parlab help lists the demo experiment (make demo-pool runs it)" ||
    bad "pool: parlab help does not list demo"

# ---- without joblib: its points are skipped, each with the reason, and unplanned ------------------
if [ $python = yes ]; then
    fake="$out/nojoblib"
    mkdir -p "$fake/joblib"
    echo 'raise ImportError("hidden by t_pool.sh")' >"$fake/joblib/__init__.py"
    # (not --quick: then chunksize leaves joblib out anyway; --reps 1 keeps it short)
    PYTHONPATH="$fake" run_plan nojoblib --reps 1 --experiment task-overhead,chunksize &&
        { n=$(grep -c "skipped: .* py-joblib.*hidden by t_pool.sh" "$out/nojoblib/stdout")
          [ "$n" -eq 2 ] && ok "pool: without joblib, its 2 points are skipped with the reason" ||
              bad "pool: without joblib, $n skip lines (expected 2): $(grep -i joblib "$out/nojoblib/stdout" | head -n 2)"; }
fi

# ---- pool_tasks.py runs on its own -----------------------------------------------------------
py=/usr/bin/python3
[ -x "$py" ] || py=python3
if "$py" -c 'import multiprocessing' 2>/dev/null; then
    if "$py" "$top/labs/pool/pool_tasks.py" 1 >"$out/alone" 2>&1 && grep -q "py-thread-pool .* us" "$out/alone" &&
        grep -q "py-mp-pool .* us" "$out/alone"; then
        ok "pool: pool_tasks.py runs alone and prints us per task"
    else bad "pool: pool_tasks.py alone: $(tail -n 3 "$out/alone" | tr '\n' ' ')"; fi
fi

# ---- Ctrl-C while Python's pools run: parlab stops, and no process is left ---------------------
descendants() {
    for c in $(pgrep -P "$1"); do
        echo "$c"
        descendants "$c"
    done
}
# our_loky TAG PATTERN: the pids of processes whose command line has PATTERN and that
# were started by this run (T_POOL_TAG=TAG in their environment: inherited through fork
# and exec). Not pgrep -f alone: other programs on the machine may run joblib too.
our_loky() {
    for p in $(pgrep -f "$2"); do
        tr '\0' '\n' </proc/"$p"/environ 2>/dev/null | grep -qx "T_POOL_TAG=$1" && printf ' %s' "$p"
    done
}
# interrupt WHEN: "workers" (once the Python child has children: a pool's workers) or
# "loky" (once joblib's workers run)
interrupt() {
    when=$1
    d="$out/int-$when"
    mkdir -p "$d"
    tag="t_pool-$$-$when"
    T_POOL_TAG=$tag "$PARLAB" run pool --experiment task-overhead --quick --out "$d" >"$d/stdout" 2>"$d/stderr" </dev/null &
    pid=$!
    seen=""
    ready=no
    for _ in $(seq 1 600); do
        seen="$seen $(descendants $pid)"
        if [ $when = loky ]; then
            [ -n "$(our_loky "$tag" joblib.externals.loky.backend.popen)" ] && ready=yes
        else
            for c in $(pgrep -P $pid); do [ -n "$(pgrep -P "$c")" ] && ready=yes; done
        fi
        [ $ready = yes ] && break
        kill -0 $pid 2>/dev/null || break
        sleep 0.05
    done
    if [ $ready = no ]; then
        bad "pool: Ctrl-C ($when): the Python pools never started: $(tail -n 2 "$d/stderr" | tr '\n' ' ')"
        kill -TERM $pid 2>/dev/null
        wait $pid
        return
    fi
    seen="$seen $(descendants $pid)"
    kill -INT $pid
    # it must end by itself: the Python side shuts its pools down after the sample
    for _ in $(seq 1 600); do
        kill -0 $pid 2>/dev/null || break
        seen="$seen $(descendants $pid)"
        sleep 0.1
    done
    if kill -0 $pid 2>/dev/null; then
        bad "pool: Ctrl-C ($when): parlab still runs 60 s later"
        kill -KILL $pid
    fi
    wait $pid
    rc=$?
    [ $rc -eq 130 ] && ok "pool: Ctrl-C ($when): exit 130" || bad "pool: Ctrl-C ($when): exit $rc"
    grep -q "python: stopped (Ctrl-C), every pool shut down" "$d/stdout" &&
        ok "pool: Ctrl-C ($when): the Python side shut its pools down itself" ||
        bad "pool: Ctrl-C ($when): the Python side did not say it shut its pools down"
    left=""
    for _ in $(seq 1 50); do # a resource tracker may take a moment to see its pipe close
        left=""
        for p in $(echo "$seen" | tr ' ' '\n' | sort -u); do
            [ -n "$p" ] && kill -0 "$p" 2>/dev/null && left="$left $p:$(tr '\0' ' ' </proc/"$p"/cmdline 2>/dev/null | cut -c1-60)"
        done
        [ -z "$left" ] && break
        sleep 0.1
    done
    [ -z "$left" ] && ok "pool: Ctrl-C ($when): no process of the run is left" || bad "pool: Ctrl-C ($when): left behind:$left"
    left=$(our_loky "$tag" joblib.externals.loky)
    [ -n "$left" ] && bad "pool: Ctrl-C ($when): a loky process is left:$left" ||
        ok "pool: Ctrl-C ($when): no loky process is left"
    grep -q "Traceback\|leaked" "$d/stderr" "$d/stdout" && bad "pool: Ctrl-C ($when): $(grep -h "Traceback\|leaked" "$d/stderr" "$d/stdout" | head -n 1)" ||
        ok "pool: Ctrl-C ($when): no traceback, nothing leaked"
}
if [ $python = yes ]; then
    interrupt workers
    if "$py" -c 'import joblib' 2>/dev/null; then interrupt loky; else ok "pool: no joblib here: Ctrl-C in joblib not tried"; fi
fi

# ---- the claims, judged on doctored summaries ---------------------------------------------------
# write_summary DIR USABLE omp_task procs pythreads small large chunk100 demo100: the medians that matter
write_summary() {
    d=$1
    mkdir -p "$d"
    printf 'key,value\ncpus_usable,%s\nquick,1\nreps,5\noption_chunk-task-us,10\n' "$2" >"$d/pool-meta.csv"
    {
        echo "run_id,lab,experiment,variant,workers,param,metric,unit,n,median,min,max,ci_lo,ci_hi,outliers,ci_level,flags"
        w=$2
        row() { # experiment variant param metric unit median
            awk -v e="$1" -v v="$2" -v p="$3" -v m="$4" -v u="$5" -v x="$6" -v w="$w" 'BEGIN {
                printf "t,pool,%s,%s,%d,%s,%s,%s,5,%g,%g,%g,%g,%g,0,0.94,\n", e, v, w, p, m, u, x, x * 0.95, x * 1.05, x * 0.95, x * 1.05 }'
        }
        row task-overhead parlab-threads-single "" us_per_task us 0.1
        row task-overhead omp-task "" us_per_task us "$3"
        row task-overhead omp-task "" inline_share fraction 0
        row task-overhead parlab-procs chunksize=1 us_per_task us "$4"
        row task-overhead py-thread-pool "" us_per_task us "$5"
        row granularity parlab-threads-single task_us=0.001 efficiency fraction "$6"
        row granularity parlab-threads-single task_us=1000 efficiency fraction "$7"
        row chunksize py-mp-pool "chunksize=1;task_us=10" tasks_per_s 1/s 40000
        row chunksize py-mp-pool "chunksize=100;task_us=10" tasks_per_s 1/s "$8"
        row demo parlab-procs "phase=1;chunksize=1;task_us=2" tasks_per_s 1/s 100000
        row demo parlab-procs "phase=2;chunksize=100;task_us=2" tasks_per_s 1/s "$9"
    } >"$d/pool-summary.csv"
}
verdicts() { "$PARLAB" report "$1" 2>&1 | grep -c "^  $2 "; }

write_summary "$out/good" 2 0.6 10 12 0.2 0.97 200000 800000
n=$(verdicts "$out/good" holds)
[ "$n" -eq 6 ] && ok "pool: a summary that agrees with the lesson: 6 claims hold" ||
    bad "pool: agreeing summary: $n hold: $("$PARLAB" report "$out/good" 2>&1 | grep -A2 "^  \(does not\|cannot\)" | head -n 6)"
# libgomp as cheap as parlab, a process pool as cheap as a thread pool, Python threads as
# cheap as C, a pool that pays at 1 ns and not at 1 ms, chunks that gain nothing: every
# claim contradicted
write_summary "$out/doctored" 2 0.05 0.2 0.2 0.9 0.5 50000 120000
n=$(verdicts "$out/doctored" "does not hold")
[ "$n" -eq 6 ] && ok "pool: a doctored summary: all 6 claims do not hold" ||
    bad "pool: doctored summary: $n do not hold: $("$PARLAB" report "$out/doctored" 2>&1 | sed -n '/^== pool/,$p' | head -n 16)"
# one usable CPU: the claims about handing over to another CPU cannot tell; the fees still can
write_summary "$out/onecpu" 1 0.6 10 12 0.2 0.97 200000 800000
"$PARLAB" report "$out/onecpu" >"$out/onecpu/report" 2>&1
grep -A3 "^  cannot tell .*A pool pays only above" "$out/onecpu/report" | grep -q "1 usable CPU" &&
    ok "pool: with 1 usable CPU the efficiency claim cannot tell, and says why" ||
    bad "pool: 1 CPU: $(grep -A2 "pays only above" "$out/onecpu/report" | tr '\n' ' ')"
[ "$(verdicts "$out/onecpu" holds)" -eq 4 ] && ok "pool: with 1 usable CPU the other claims still hold" ||
    bad "pool: 1 CPU: $(verdicts "$out/onecpu" holds) claims hold, expected 4"
exit 0
