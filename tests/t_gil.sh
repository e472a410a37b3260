#!/bin/sh
# The gil lab's contract beyond the smoke test: experiments, variants and metrics, the
# paired series (every repetition has every worker count; speedup 1 exactly at one
# worker), cores_wanted, the timeline table, the plan, bad input, the .py files run on
# their own, and the claims judged on doctored summaries. No timing is checked.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
top=${PARLAB_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
out="$TMPDIR/gil"
mkdir -p "$out"

# ---- built without Python: listed as unable to run, with the reason; exit 3 ----------------
if "$PARLAB" list | grep -q "^gil .*cannot run here: .*Python"; then
    "$PARLAB" run gil --quick --out "$out" >"$out/stdout" 2>"$out/stderr"
    rc=$?
    if [ $rc -eq 3 ] && grep -q "gil: skipped: .*Python" "$out/stderr" && [ ! -s "$out/stdout" ]; then
        ok "gil: not built with Python: exit 3 and says why"
    else bad "gil: without Python: exit $rc: $(cat "$out/stderr")"; fi
    exit 0
fi

# ---- bad input: one line naming it, exit 2, nothing written ------------------------------------
"$PARLAB" run gil --experiment frob --out "$out/bad" >"$out/stdout" 2>"$out/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "'frob'" "$out/err" && [ "$(wc -l <"$out/err")" -eq 1 ] && [ ! -e "$out/bad" ]; then
    ok "gil: a bad --experiment is one line naming it, exit 2"
else bad "gil: --experiment frob exits $rc: $(cat "$out/err")"; fi
for v in abc 0 61; do
    "$PARLAB" run gil --seconds $v --out "$out/bad" >/dev/null 2>"$out/err"
    [ $? -eq 2 ] && grep -q "'$v'" "$out/err" && ok "gil: --seconds $v exits 2" || bad "gil: --seconds $v: $(cat "$out/err")"
done
for v in abc 0.1 601; do
    "$PARLAB" run gil --experiment demo --phase-seconds $v --out "$out/bad" >/dev/null 2>"$out/err"
    [ $? -eq 2 ] && grep -q "'$v'" "$out/err" && [ ! -e "$out/bad" ] && ok "gil: --phase-seconds $v exits 2" \
        || bad "gil: --phase-seconds $v: $(cat "$out/err")"
done

# ---- a quick run: rows, metrics, the paired series ---------------------------------------------
PARLAB_CHECK_PLAN=1 "$PARLAB" run gil --quick --workers 1,2,3 --out "$out" >"$out/stdout" 2>"$out/stderr" </dev/null
rc=$?
[ $rc -eq 0 ] && ok "gil: --quick --workers 1,2,3 runs" || { bad "gil: exit $rc: $(tail -n 3 "$out/stderr")"; exit 0; }
grep -q "planned" "$out/stderr" && bad "gil: plan: $(grep planned "$out/stderr")" || ok "gil: quick: every planned point ran"
runs="$out/gil-runs.csv"
sum="$out/gil-summary.csv"
meta="$out/gil-meta.csv"
usable=$(awk -F, '$1 == "cpus_usable" { print $2 }' "$meta")
# The GIL sampler reads CPython internals (3.11 and 3.12); elsewhere the lab says why.
sampler=yes
grep -q "skipped: gil-timeline" "$out/stdout" && sampler=no
pyver=$(awk -F, '$1 == "python" { print $2 }' "$meta")
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
case "$pyver" in 3.1[2-9].*)
    grep -q ",python-cpu,subinterpreters,2,," "$runs" && ok "gil: subinterpreters measured on $pyver" || bad "gil: no subinterpreters on $pyver" ;;
    *) grep -q ",subinterpreters," "$runs" && bad "gil: subinterpreters rows on $pyver" || ok "gil: no subinterpreters on $pyver" ;;
esac
for m in seconds speedup efficiency cpu_cores cores_wanted other_cores; do
    grep -q ",python-cpu,processes,2,,[0-9]*,$m," "$runs" && ok "gil: python-cpu has $m" || bad "gil: python-cpu lacks $m"
done
# Paired series: every timed repetition ran every worker count of a variant; the
# one-worker point's speedup is its own time over itself, 1 in every repetition.
reps=$(awk -F, '$1 == "reps" {print $2}' "$out/gil-meta.csv")
counts=$(awk -F, '$3 == "python-cpu" && $4 == "threads" && $8 == "seconds" {print $5}' "$runs" | sort -u | wc -l)
awk -F, -v reps="$reps" -v counts="$counts" \
       '($3 == "python-cpu" || $3 == "libraries") && $8 == "seconds" { n[$3 "/" $4 "/" $7]++; w[$3 "/" $4] = 0 }
         ($3 == "python-cpu" || $3 == "libraries") && $8 == "seconds" { c[$3 "/" $4 "/" $5]++ }
         ($3 == "python-cpu" || $3 == "libraries") && $8 == "speedup" && $5 == 1 && $9 != 1 { print "speedup " $9 " at 1 worker: " $4; bad = 1 }
         END { for (k in n) if (n[k] != counts) { print k " has " n[k] " worker counts, not " counts; bad = 1 }
               for (k in c) if (c[k] != reps) { print k " has " c[k] " repetitions, not " reps; bad = 1 }
               exit bad }' "$runs" >"$out/pair.err" \
    && ok "gil: every repetition ran every worker count; speedup 1 at one worker" || bad "gil: series: $(head -n 3 "$out/pair.err")"
# cores_wanted: threads take turns on one GIL (1); processes can use min(N, usable)
want() { awk -F, -v e="$1" -v v="$2" -v w="$3" '$3 == e && $4 == v && $5 == w && $8 == "cores_wanted" { print $9 + 0; exit }' "$runs"; }
two=2; [ "$usable" -lt 2 ] && two=$usable
[ "$(want python-cpu threads 2)" = 1 ] && [ "$(want python-cpu processes 2)" = "$two" ] \
    && [ "$(want libraries pure-python 2)" = 1 ] && [ "$(want libraries zlib 2)" = "$two" ] \
    && ok "gil: cores_wanted 1 for Python threads, min(N, usable) for the rest" \
    || bad "gil: cores_wanted: threads $(want python-cpu threads 2), processes $(want python-cpu processes 2)"
# convoy: 9 thread points (3 intervals x 0,1,2 spinners), 3 process points, and with 2
# CPUs the 3 placement points (the echo on the I/O thread's CPU, on another, kept awake)
want_convoy=15; [ "$usable" -lt 2 ] && want_convoy=12
n=$(awk -F, '$3 == "convoy" && $8 == "roundtrips_per_s" { print $4 "/" $6 }' "$runs" | sort -u | wc -l)
[ "$n" -eq $want_convoy ] && ok "gil: convoy has $n points" || bad "gil: convoy has $n points, expected $want_convoy"
grep -q 'switch_us=100;cpu_threads=2' "$runs" && ok "gil: convoy param names" || bad "gil: convoy param names"
if [ "$usable" -ge 2 ]; then
    for p in echo=same-cpu echo=other-cpu echo=other-cpu-awake; do
        grep -q ",convoy,placement,1,$p,[1-9][0-9]*,roundtrips_per_s," "$runs" || bad "gil: convoy placement $p missing"
    done
    ok "gil: convoy placement: the echo on the I/O thread's CPU, on another, kept awake"
fi
# the GIL handoffs a round trip: counted by CPython, 0 with nothing else wanting the GIL
if [ $sampler = yes ]; then
    awk -F, '$3 == "convoy" && $8 == "gil_handoffs_per_roundtrip" { n++; if ($6 ~ /cpu_threads=0/ && $9 != 0) bad = 1; if ($9 < 0) bad = 1 }
             END { exit !(n > 0 && !bad) }' "$runs" \
        && ok "gil: convoy counts GIL handoffs a round trip (none alone)" || bad "gil: convoy handoffs"
fi
grep -q "^convoy_echo_us,200$" "$meta" && ok "gil: the echo's answer time is in the meta" || bad "gil: no convoy_echo_us in the meta"
if [ $sampler = no ]; then
    ok "gil: no timeline with this CPython, and the lab says why: $(grep "skipped: gil-timeline" "$out/stdout" | head -n 1 | cut -c1-80)"
else
    # timeline: run_id first, states, intervals inside each thread ordered and not overlapping
    tl="$out/gil-timeline.csv"
    run_id=$(awk -F, 'NR == 2 { print $1 }' "$runs")
    if [ "$(head -n1 "$tl")" = "run_id,thread,start,end,state" ] && \
       awk -F, -v id="$run_id" 'NR > 1 && $1 != id { exit 1 }' "$tl"; then
        ok "gil: gil-timeline.csv: run_id first, the run's"
    else bad "gil: gil-timeline.csv header $(head -n1 "$tl")"; fi
    awk -F, 'NR > 1 { if ($5 != "held" && $5 != "waiting") bad = "state " $5
                      if ($4 < $3) bad = "end before start at line " NR
                      if (($2 in last) && $3 < last[$2] - 1e-9) bad = "overlap at line " NR
                      last[$2] = $4; n++ }
             END { if (!n) bad = "no intervals"; if (bad) { print bad; exit 1 } }' "$tl" >"$out/tl.err" \
        && ok "gil: timeline intervals are ordered and do not overlap" || bad "gil: timeline: $(cat "$out/tl.err")"
    # per-thread fractions: held + waiting = 1 for each rep; the GIL is busy at most all the time
    awk -F, '$3 == "gil-timeline" && $8 == "held_fraction" { h[$6 "/" $7] = $9 }
             $3 == "gil-timeline" && $8 == "waiting_fraction" { w[$6 "/" $7] = $9 }
             $3 == "gil-timeline" && $8 == "gil_busy_fraction" && $9 > 1.0001 { bad = 1 }
             END { for (k in h) if (h[k] + w[k] < 0.9999 || h[k] + w[k] > 1.0001) bad = 1; exit bad }' "$runs" \
        && ok "gil: held + waiting = 1 per thread, busy <= 1" || bad "gil: timeline fractions do not add up"
fi
grep -q "beyond 3.11: " "$out/stdout" && ok "gil: says what this CPython offers beyond one GIL a process" \
    || bad "gil: no beyond-3.11 line"
grep -q "what this run shows" "$out/stdout" && ok "gil: judges its claims after each experiment" \
    || bad "gil: no claims printed"
grep -qi "above the ideal\|95% CI" "$out/stdout" && bad "gil: old prose in the output" || ok "gil: no canned above-ideal notes"
grep -q ",demo," "$runs" && bad "gil: the demo ran without being named" || ok "gil: the demo runs only when named"

# ---- the demo (only when named): four steady phases, each its own point ------------------------
PARLAB_CHECK_PLAN=1 "$PARLAB" run gil --experiment demo --phase-seconds 1 --out "$out/demo" >"$out/demo.out" 2>"$out/demo.err" </dev/null
rc=$?
if [ $rc -eq 0 ] && ! grep -q planned "$out/demo.err"; then
    ok "gil: --experiment demo --phase-seconds 1 runs its 4 planned points"
else bad "gil: demo: exit $rc: $(tail -n 3 "$out/demo.err")"; fi
dreps=$(awk -F, '$1 == "reps" {print $2}' "$out/demo/gil-meta.csv")
awk -F, -v reps="$dreps" '$3 == "demo" && $8 != "other_cores" && $8 != "cores_wanted" { n[$4 "/" $5 "/" $8]++ }
         $3 != "demo" && NR > 1 { print "a row of " $3; bad = 1 }
         END { split("threads/1 threads/2 processes/2 threads-nogil/2", ph, " ")
               for (i = 1; i <= 4; i++) for (m = 1; m <= 3; m++) {
                   k = ph[i] "/" (m == 1 ? "seconds" : m == 2 ? "cpu_cores" : "steps_per_s")
                   if (n[k] != reps) { print k " has " n[k] + 0 " rows, not " reps; bad = 1 } }
               exit bad }' "$out/demo/gil-runs.csv" >"$out/demo.rows" \
    && ok "gil: demo: 1 thread, 2 threads, 2 processes, 2 threads in C: seconds, cpu_cores, steps_per_s each rep" \
    || bad "gil: demo rows: $(head -n 3 "$out/demo.rows")"
[ "$(grep -c "phase [1-4] of 4" "$out/demo.out")" -eq 4 ] && ok "gil: demo announces each phase" \
    || bad "gil: demo phases: $(grep phase "$out/demo.out")"
"$PARLAB" report "$out/demo" >"$out/demo.report" 2>&1
grep -q "^  \(holds\|cannot tell\) *Two Python threads keep about one core" "$out/demo.report" \
    && ok "gil: report judges the demo's claim (holds or cannot tell)" || bad "gil: demo report: $(grep -A3 "Two Python" "$out/demo.report")"

# ---- full mode, briefly: the plan holds too ------------------------------------------------------
PARLAB_CHECK_PLAN=1 "$PARLAB" run gil --reps 1 --seconds 0.005 --experiment python-cpu,libraries,gil-timeline \
    --out "$out/full" >/dev/null 2>"$out/full.err" </dev/null
rc=$?
[ $rc -eq 0 ] && ! grep -q planned "$out/full.err" && ok "gil: full mode: every planned point ran" \
    || bad "gil: full mode: exit $rc: $(tail -n 2 "$out/full.err")"

# ---- each .py file runs on its own --------------------------------------------------------------
if [ -x /usr/bin/python3 ]; then
    o=$(/usr/bin/python3 "$top/labs/gil/gil_work.py" 200000 2>&1)
    echo "$o" | grep -q "1 thread" && echo "$o" | grep -q "2 threads" && echo "$o" | grep -q "2 processes" \
        && ok "gil: gil_work.py runs alone" || bad "gil: gil_work.py alone: $o"
    o=$(/usr/bin/python3 "$top/labs/gil/gil_convoy.py" 0.02 2>&1)
    [ "$(echo "$o" | grep -c "beside [012] spinning thread")" -eq 3 ] && echo "$o" | grep -q "beside 1 spinning process" \
        && echo "$o" | grep -q "alone, the others idle" && ok "gil: gil_convoy.py runs alone" \
        || bad "gil: gil_convoy.py alone: $o"
    o=$(/usr/bin/python3 "$top/labs/gil/gil_libraries.py" 0.02 2>&1)
    echo "$o" | grep -q "hashlib" && echo "$o" | grep -q "pure Python" && ok "gil: gil_libraries.py runs alone" \
        || bad "gil: gil_libraries.py alone: $o"
fi

# ---- the claims, judged on doctored summaries ---------------------------------------------------
# A summary written by hand (five repetitions, intervals by hand): parlab report judges
# it as it would a run's. Rows: workers, variant, metric, median, ci_lo, ci_hi.
doctor() { # dir usable rows...
    d=$1; u=$2; shift 2
    mkdir -p "$d"
    printf 'key,value\ncpus_usable,%s\nquick,0\nreps,5\n' "$u" >"$d/gil-meta.csv"
    echo "run_id,lab,experiment,variant,workers,param,metric,unit,n,median,min,max,ci_lo,ci_hi,outliers,ci_level,flags" >"$d/gil-summary.csv"
    for r in "$@"; do
        echo "$r" | awk -F: '{ printf "x,gil,python-cpu,%s,%s,,%s,%s,5,%s,%s,%s,%s,%s,0,0.94,\n", $2, $1, $3,
                               $3 == "speedup" ? "x" : "cores", $4, $5, $6, $5, $6 }' >>"$d/gil-summary.csv"
    done
}
cores() { # variant workers cores wanted -> rows
    echo "$2:$1:cpu_cores:$3:$3:$3 $2:$1:cores_wanted:$4:$4:$4 $2:$1:other_cores:0:0:0"
}
# processes: 0.9x at 2 workers on both CPUs (so not "short"; and slower than one worker
# while two cores are busy: no pair of CPUs is that slow, it is the code): does not hold
# shellcheck disable=SC2046
doctor "$out/doc1" 2 $(cores processes 1 0.99 1) $(cores processes 2 1.95 2) \
    1:processes:speedup:1:1:1 2:processes:speedup:0.9:0.85:0.95 \
    $(cores threads 1 1 1) $(cores threads 2 1 1) 1:threads:speedup:1:1:1 2:threads:speedup:0.95:0.9:1.0
"$PARLAB" report "$out/doc1" >"$out/doc1.txt" 2>&1
grep -q "^  does not hold *Processes speed it up" "$out/doc1.txt" \
    && ok "gil: report: processes at 0.9x on 2 busy CPUs: does not hold" || bad "gil: report doc1: $(cat "$out/doc1.txt")"
grep -q "^  holds *Python threads do not" "$out/doc1.txt" \
    && ok "gil: report: threads at 0.95x: holds" || bad "gil: report doc1 threads: $(grep -A2 "Python threads" "$out/doc1.txt")"
# processes: 1.2x at 2 workers that kept 1.95 cores busy: the cores slowed each other
# (hyperthreads of one physical core), not the GIL: cannot tell, and says why
# shellcheck disable=SC2046
doctor "$out/doc5" 2 $(cores processes 1 1.0 1) $(cores processes 2 1.95 2) \
    1:processes:speedup:1:1:1 2:processes:speedup:1.2:1.15:1.25
"$PARLAB" report "$out/doc5" >"$out/doc5.txt" 2>&1
grep -q "^  cannot tell *Processes speed it up" "$out/doc5.txt" && grep -q "slowed each other" "$out/doc5.txt" \
    && ok "gil: report: processes at 1.2x on 1.95 cores: cannot tell (the CPUs slowed each other)" \
    || bad "gil: report doc5: $(cat "$out/doc5.txt")"
# threads: 1.4x on 1.0 cores is impossible: cannot tell, and the report says so
# shellcheck disable=SC2046
doctor "$out/doc2" 2 $(cores threads 1 1.0 1) $(cores threads 2 1.0 1) \
    1:threads:speedup:1:1:1 2:threads:speedup:1.4:1.35:1.45
"$PARLAB" report "$out/doc2" >"$out/doc2.txt" 2>&1
grep -q "^  cannot tell *Python threads do not" "$out/doc2.txt" && grep -q "impossible" "$out/doc2.txt" \
    && ok "gil: report: threads at 1.4x on 1.0 cores: impossible, cannot tell" \
    || bad "gil: report doc2: $(cat "$out/doc2.txt")"
# convoy: round trips beside a spinning thread as many as alone, and beside a spinning
# process a quarter of alone: both convoy claims do not hold
d="$out/doc4"
mkdir -p "$d"
printf 'key,value\ncpus_usable,2\nquick,0\nreps,5\n' >"$d/gil-meta.csv"
{
    echo "run_id,lab,experiment,variant,workers,param,metric,unit,n,median,min,max,ci_lo,ci_hi,outliers,ci_level,flags"
    for r in cpu-in-threads:1:0:4300 cpu-in-threads:2:1:4250 cpu-in-process:1:0:4300 cpu-in-process:2:1:1000; do
        echo "$r" | awk -F: '{ printf "x,gil,convoy,%s,%s,switch_us=5000;cpu_threads=%s,roundtrips_per_s,1/s,5,%s,%s,%s,%s,%s,0,0.94,\n",
                                $1, $2, $3, $4, $4 * 0.98, $4 * 1.02, $4 * 0.98, $4 * 1.02 }'
    done
} >"$d/gil-summary.csv"
"$PARLAB" report "$d" >"$d/report.txt" 2>&1
grep -q "^  does not hold *An I/O thread beside one spinning" "$d/report.txt" \
    && grep -q "^  does not hold *With the CPU work in another process" "$d/report.txt" \
    && ok "gil: report: convoy with no slowdown beside a thread, and a slowdown beside a process: does not hold" \
    || bad "gil: report doc4: $(cat "$d/report.txt")"
# one usable CPU: nothing about parallel speed can be told
# shellcheck disable=SC2046
doctor "$out/doc3" 1 $(cores processes 1 1 1) 1:processes:speedup:1:1:1 $(cores threads 1 1 1) 1:threads:speedup:1:1:1
"$PARLAB" report "$out/doc3" >"$out/doc3.txt" 2>&1
[ "$(grep -c "^  cannot tell *\(Python threads\|Processes\|Threads whose\)" "$out/doc3.txt")" -eq 3 ] && grep -q "1 usable CPU" "$out/doc3.txt" \
    && ok "gil: report: with 1 usable CPU the parallel claims cannot tell" || bad "gil: report doc3: $(cat "$out/doc3.txt")"
# the quick run's own report: every claim reaches a verdict, none crashes
"$PARLAB" report "$out" >"$out/report.txt" 2>&1 && [ "$(grep -c "^  \(holds\|does not hold\|cannot tell\) " "$out/report.txt")" -eq 8 ] \
    && ok "gil: report judges the 8 claims of a real run" || bad "gil: report on the run: $(tail -n 5 "$out/report.txt")"
grep -q "Two Python threads keep" "$out/report.txt" && bad "gil: report: the demo's claim is listed for a run without the demo" \
    || ok "gil: report: the demo's claim is left out when the demo did not run"
