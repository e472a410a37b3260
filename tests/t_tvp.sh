#!/bin/sh
# The tvp lab from outside: bad options exit 2 naming the value, before anything prints;
# a quick run writes the experiment and variant names of the contract, and no table
# of its own (the charts read the summary); it runs the points it planned, skips
# included; copy-on-write shows up in the memory numbers; Ctrl-C leaves no worker behind;
# the demo runs only when named and writes a row a phase; parlab report judges a
# doctored summary "does not hold". No timing is checked.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }

expect2() { # pattern -- args...
    pat=$1; shift 2
    "$PARLAB" run tvp "$@" >"$TMPDIR/o" 2>"$TMPDIR/e" </dev/null
    rc=$?
    if [ $rc -eq 2 ] && grep -q -- "$pat" "$TMPDIR/e" && [ "$(wc -l <"$TMPDIR/e")" -eq 1 ] &&
        [ ! -s "$TMPDIR/o" ]; then
        ok "tvp $*: exit 2 naming $pat, nothing printed"
    else
        bad "tvp $*: exit $rc, stderr: $(head -c 200 "$TMPDIR/e")"
    fi
}
expect2 "'0'" -- --rss 0
expect2 "'abc'" -- --rss abc
expect2 "'99999999'" -- --rss 99999999
# In range, but more than this machine has free: .check says so, naming the value.
expect2 "'1000000'" -- --rss 1000000 --experiment memory
expect2 "'bogus'" -- --experiment create,bogus
expect2 "'--only'" -- --only create
expect2 "'0'" -- --seconds 0

# Column by name from a summary: med FILE EXPERIMENT VARIANT METRIC [PARAM-PREFIX]
med() {
    awk -F, -v e="$2" -v v="$3" -v m="$4" -v p="${5:-}" '
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["experiment"] == e && $c["variant"] == v && $c["metric"] == m &&
        index($c["param"], p) == 1 { print $c["median"]; exit }' "$1"
}

out="$TMPDIR/tvp"
mkdir -p "$out"
if PARLAB_CHECK_PLAN=1 "$PARLAB" run tvp --quick --experiment create,memory --out "$out" \
    >"$out/stdout" 2>"$out/stderr" </dev/null; then
    ok "tvp --quick --experiment create,memory runs"
else
    bad "tvp --quick --experiment create,memory exits $?: $(tail -n 3 "$out/stderr" | tr '\n' ' ')"
fi
grep -q "planned .* points but ran" "$out/stderr" && bad "create,memory: $(grep planned "$out/stderr")" ||
    ok "create,memory: ran the points it planned"
grep -q "that touched 64 MiB" "$out/stdout" && ok "quick mode says the big parent touches 64 MiB" ||
    bad "quick mode does not say its --rss"
want="pthread vfork fork"
[ -x /bin/true ] && want="$want posix-spawn fork-exec"
for v in $want; do
    if [ -n "$(med "$out/tvp-summary.csv" create "$v" us)" ]; then
        ok "create $v: a summary row with metric us"
    else
        bad "create $v: no summary row with metric us"
    fi
done
[ -n "$(med "$out/tvp-summary.csv" create fork us rss_mib=64)" ] && ok "create: fork from the 64 MiB parent" ||
    bad "create: no fork row with param rss_mib=64"
grep -q "what this run shows" "$out/stdout" && ok "the claims are judged after the run" ||
    bad "no claims printed"
for t in create memory comm cpu io; do
    [ -e "$out/tvp-$t.csv" ] && bad "tvp-$t.csv written: the charts read tvp-summary.csv" ||
        ok "no tvp-$t.csv table"
done
# Copy-on-write, in memory not time: a child that wrote the 16 MiB array owns a private
# copy (>= 15 MiB); one that only read it shares the parent's pages (< 4 MiB private).
pr=$(med "$out/tvp-summary.csv" memory cow-read private_kib)
pw=$(med "$out/tvp-summary.csv" memory cow-write private_kib)
if [ -z "$pr$pw" ] && grep -q "PSS and private not measured" "$out/stdout"; then
    ok "copy-on-write: private memory not readable here (no smaps_rollup), lab said so"
elif [ -n "$pr" ] && [ -n "$pw" ] && awk -v r="$pr" -v w="$pw" 'BEGIN { exit !(w >= 15 * 1024 && r < 4 * 1024) }'; then
    ok "copy-on-write: writers own a private copy ($pw KiB), readers share ($pr KiB)"
else
    bad "copy-on-write: writers '$pw' KiB private, readers '$pr' KiB"
fi

# Skipped points count in the plan: 100 workers cannot share 32 waits.
out3="$TMPDIR/tvp-skip"
mkdir -p "$out3"
if PARLAB_CHECK_PLAN=1 "$PARLAB" run tvp --quick --experiment io-bound --workers 2,100 --reps 3 \
    --out "$out3" >"$out3/stdout" 2>"$out3/stderr" </dev/null; then
    ok "io-bound --workers 2,100 runs"
else
    bad "io-bound --workers 2,100 exits $?: $(tail -n 3 "$out3/stderr" | tr '\n' ' ')"
fi
[ "$(grep -c 'skipped: io-bound .* 100 workers' "$out3/stdout")" -eq 3 ] && ok "io-bound: 100 workers skipped, 3 variants" ||
    bad "io-bound: 100 workers not skipped three times: $(grep skipped "$out3/stdout")"
grep -q "planned .* points but ran" "$out3/stderr" && bad "io-bound: $(grep planned "$out3/stderr")" ||
    ok "io-bound: ran the points it planned, skips counted"
[ -n "$(med "$out3/tvp-summary.csv" io-bound threads-1cpu speedup)" ] && ok "io-bound: threads-1cpu speedup rows" ||
    bad "io-bound: no threads-1cpu speedup"

# Ctrl-C in the middle of communicate (its workers alive): exit 130, no file written,
# no worker left behind.
out2="$TMPDIR/tvp-int"
mkdir -p "$out2"
"$PARLAB" run tvp --experiment create,communicate --rss 8 --out "$out2" >"$out2/stdout" 2>"$out2/stderr" </dev/null &
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

# The demo runs only when named; with --phase-seconds 1 its four phases are points, each
# with throughput and cpu_cores rows for every repetition (rows, not timings).
"$PARLAB" help tvp | grep -Eq '^  demo .*only when named' && ok "demo: listed as run only when named" ||
    bad "demo: not marked as run only when named in parlab help tvp"
out4="$TMPDIR/tvp-demo"
mkdir -p "$out4"
if PARLAB_CHECK_PLAN=1 "$PARLAB" run tvp --experiment demo --phase-seconds 1 --reps 3 --out "$out4" \
    >"$out4/stdout" 2>"$out4/stderr" </dev/null; then
    ok "demo --phase-seconds 1 runs"
else
    bad "demo --phase-seconds 1 exits $?: $(tail -n 3 "$out4/stderr" | tr '\n' ' ')"
fi
grep -q "planned .* points but ran" "$out4/stderr" && bad "demo: $(grep planned "$out4/stderr")" ||
    ok "demo: ran the points it planned"
usable=$(awk -F, '$1 == "cpus_usable" {print $2}' "$out4/tvp-meta.csv")
for vw in cpu-threads:$usable cpu-processes:$usable io-threads-1cpu:1 io-threads-1cpu:32; do
    v=${vw%:*} w=${vw#*:}
    n=$(awk -F, -v v="$v" -v w="$w" '
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["experiment"] == "demo" && $c["variant"] == v && $c["workers"] == w &&
        ($c["metric"] == "throughput" || $c["metric"] == "cpu_cores") && $c["n"] == 3 { k++ }
        END { print k + 0 }' "$out4/tvp-summary.csv")
    [ "$n" -eq 2 ] && ok "demo $v, $w workers: throughput and cpu_cores, 3 repetitions each" ||
        bad "demo $v, $w workers: $n of the 2 rows (throughput, cpu_cores with n = 3)"
done
[ "$(grep -c '^demo phase [1-4] of 4' "$out4/stdout")" -eq 4 ] && ok "demo: each phase announced" ||
    bad "demo: phases not announced: $(grep -c '^demo phase' "$out4/stdout")"
[ "$(grep -Ec '^  (holds|does not hold|cannot tell) +On stage' "$out4/stdout")" -eq 2 ] &&
    ok "demo: its two claims judged" || bad "demo: claims not judged"
# Ctrl-C in the processes phase (its team of worker processes alive): none left behind.
out5="$TMPDIR/tvp-demo-int"
mkdir -p "$out5"
"$PARLAB" run tvp --experiment demo --phase-seconds 3 --out "$out5" >"$out5/stdout" 2>"$out5/stderr" </dev/null &
pid=$!
sleep 4.5
kill -INT $pid
wait $pid
rc=$?
sleep 0.2
[ $rc -eq 130 ] && ok "demo Ctrl-C: exit 130" || bad "demo Ctrl-C: exit $rc"
left=$(ps -eo pid=,args= | grep -F -- "$out5" | grep -v grep)
[ -z "$left" ] && ok "demo Ctrl-C: no worker process left behind" || bad "demo Ctrl-C: left behind: $left"

# parlab report on a summary written by hand: a thread that starts slower than a fork and
# threads that do not speed up CPU work contradict the lesson, and the report says so.
doc="$TMPDIR/tvp-doctored"
mkdir -p "$doc"
cat >"$doc/tvp-summary.csv" <<'EOF'
run_id,lab,experiment,variant,workers,param,metric,unit,n,median,min,max,ci_lo,ci_hi,outliers,ci_level,flags
x,tvp,create,pthread,1,,us,us,5,800,790,810,790,810,0,0.9375,
x,tvp,create,fork,1,,us,us,5,300,290,310,290,310,0,0.9375,
x,tvp,cpu-bound,threads,1,units=1e8,speedup,x,5,1,1,1,1,1,0,0.9375,
x,tvp,cpu-bound,threads,2,units=1e8,speedup,x,5,1.0,0.95,1.05,0.95,1.05,0,0.9375,
x,tvp,cpu-bound,processes,1,units=1e8,speedup,x,5,1,1,1,1,1,0,0.9375,
x,tvp,cpu-bound,processes,2,units=1e8,speedup,x,5,1.96,1.9,1.99,1.9,1.99,0,0.9375,
x,tvp,io-bound,threads-1cpu,1,waits=64;wait_us=4000,speedup,x,5,1,1,1,1,1,0,0.9375,
x,tvp,io-bound,threads-1cpu,32,waits=64;wait_us=4000,speedup,x,5,25,24,26,24,26,0,0.9375,
EOF
printf 'key,value\ncpus_usable,2\nquick,0\nreps,5\n' >"$doc/tvp-meta.csv"
"$PARLAB" report "$doc" >"$doc/report" 2>&1
rc=$?
[ $rc -eq 0 ] && ok "report on a doctored summary: exit 0" || bad "report: exit $rc: $(head -c 300 "$doc/report")"
grep -Eq '^  does not hold +A thread starts faster' "$doc/report" &&
    ok "report: a pthread slower than a fork does not hold" ||
    bad "report: pthread slower than fork not judged 'does not hold': $(grep -A2 'A thread starts' "$doc/report")"
grep -Eq '^  does not hold +CPU-bound work speeds up' "$doc/report" &&
    ok "report: threads at 1.0x on 2 CPUs do not hold" ||
    bad "report: cpu-bound not judged 'does not hold': $(grep -A2 'CPU-bound work' "$doc/report")"
grep -Eq '^  holds +Waiting needs no CPU' "$doc/report" && ok "report: 25x with 32 threads on one CPU holds" ||
    bad "report: io-bound not judged 'holds': $(grep -A2 'Waiting needs' "$doc/report")"
grep -Eq '^  cannot tell +A thread costs less memory' "$doc/report" &&
    ok "report: memory not in the summary: cannot tell" || bad "report: a missing experiment is not 'cannot tell'"
