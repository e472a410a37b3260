#!/bin/sh
# The stream lab beyond the smoke test: bad options (exit 2, one line, nothing left); a
# run's contract (experiments, variants, metrics, the lag timeline, fractions of the
# ceiling); no broker, consumer or private folder left after a normal run, after
# SIGTERM, after Ctrl-C and after a failure (the broker killed mid-run, a port in use);
# redis-server missing (exit 3, says which package); the failover run several times, its
# counts exact every time; Python consumers skipped with the reason when python3-redis is
# missing; stream_consumer.py on its own; TCP on a free port; the optional demo; the
# claims judged on doctored summaries. No timing is checked.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
top=${PARLAB_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
out="$TMPDIR/stream"
mkdir -p "$out"

# the shortest run that still runs every point (tests/fast.sh has the same for the smoke test)
fast="--quick --reps 1 --seconds 0.01 --lag-seconds 0.05 --failover-messages 1000 --idle-ms 20 --phase-seconds 0.2"

# ---- not buildable or not installable here: listed, says why, exit 3 -------------------------
if "$PARLAB" list | grep -q "^stream .*cannot run here"; then
    "$PARLAB" run stream --quick --out "$out/x" >"$out/stdout" 2>"$out/stderr"
    rc=$?
    [ $rc -eq 3 ] && grep -q "stream: skipped: .*hiredis" "$out/stderr" && ok "stream: built without hiredis: exit 3, says why" ||
        bad "stream: without hiredis: exit $rc: $(cat "$out/stderr")"
    exit 0
fi
if ! command -v redis-server >/dev/null 2>&1; then
    "$PARLAB" run stream --quick --out "$out/x" >"$out/stdout" 2>"$out/stderr"
    rc=$?
    [ $rc -eq 3 ] && grep -q "stream: skipped: redis-server is not installed" "$out/stderr" &&
        ok "stream: no redis-server here: exit 3, says which package" || bad "stream: no redis-server: exit $rc: $(cat "$out/stderr")"
    exit 0
fi

# ---- what a run may leave: nothing ------------------------------------------------------------
# Every broker of these runs has its socket (or its name) under this test's TMPDIR.
brokers() { pgrep -f "redis-server parlab-stream.*$TMPDIR" 2>/dev/null; pgrep -f "redis-server parlab-stream 127.0.0.1:$1" 2>/dev/null; }
descendants() {
    for c in $(pgrep -P "$1"); do
        echo "$c"
        descendants "$c"
    done
}
# left_behind PIDS: processes of a finished run still alive, and private folders left
left_behind() {
    left=""
    for _ in $(seq 1 30); do
        left=""
        for p in $1; do
            [ -n "$p" ] && kill -0 "$p" 2>/dev/null && left="$left $p:$(tr '\0' ' ' </proc/"$p"/cmdline 2>/dev/null | cut -c1-50)"
        done
        b=$(brokers 0 | tr '\n' ' ')
        [ -n "$b" ] && left="$left brokers:$b"
        d=$(ls -d "$TMPDIR"/parlab-stream.* 2>/dev/null | tr '\n' ' ')
        [ -n "$d" ] && left="$left folders:$d"
        [ -z "$left" ] && break
        sleep 0.1
    done
    echo "$left"
}

# ---- bad options: one line naming the value, exit 2, nothing created -----------------------------
for args in "--batch 1" "--port 70000" "--seconds 0" "--idle-ms 0" "--experiment frob" \
            "--failover-messages 500" "--workers 300"; do
    # shellcheck disable=SC2086
    "$PARLAB" run stream $args --out "$out/bad" >"$out/bad.out" 2>"$out/bad.err"
    rc=$?
    opt=${args%% *}
    if [ $rc -eq 2 ] && [ "$(wc -l <"$out/bad.err")" -eq 1 ] && grep -q -e "${opt#--}" "$out/bad.err" &&
        [ ! -s "$out/bad.out" ] && [ ! -e "$out/bad" ]; then
        ok "stream: $args is a usage error naming it"
    else
        bad "stream: $args exits $rc: $(cat "$out/bad.err")"
    fi
done

# ---- a quick run: the plan, the contract, nothing left ----------------------------------------------
rows() { # FILE COLUMN -> experiment,variant,workers,param,metric,<COLUMN>
    awk -F, -v want="$2" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        { print $c["experiment"] "," $c["variant"] "," $c["workers"] "," $c["param"] "," $c["metric"] "," $c[want] }' "$1"
}
q="$out/quick"
mkdir -p "$q"
PARLAB_CHECK_PLAN=1 "$PARLAB" run stream --quick --out "$q" >"$q/stdout" 2>"$q/stderr" </dev/null &
pid=$!
seen=""
while kill -0 $pid 2>/dev/null; do
    seen="$seen $(descendants $pid)"
    sleep 0.2
done
wait $pid
rc=$?
if [ $rc -ne 0 ]; then
    bad "stream --quick: exit $rc: $(tail -n 3 "$q/stderr" | tr '\n' ' ')"
else
    ok "stream --quick runs"
    grep -q "planned .* points but ran" "$q/stderr" && bad "stream --quick: $(grep planned "$q/stderr")" ||
        ok "stream --quick: the points announced match the plan"
    "$TOOLS/tool_csvcheck" "$q" stream
    sum="$q/stream-summary.csv"
    for em in throughput,round-trip,msgs_per_s throughput,pipelined,msgs_per_s throughput,consumers,msgs_per_s \
              throughput,consumers,speedup throughput,consumers,ceiling_fraction gil,threads-cpu,speedup \
              gil,processes-cpu,speedup gil,threads-io,speedup lag,add-consumer,growth_per_s \
              lag,add-consumer,backlog_at_add failover,xautoclaim,lost failover,xautoclaim,duplicates \
              failover,xautoclaim,unexplained_duplicates partitions,partitioned,idle_consumers \
              partitions,shared,speedup; do
        e=${em%%,*}; rest=${em#*,}; v=${rest%%,*}; m=${rest#*,}
        rows "$sum" median | awk -F, -v e="$e" -v v="$v" -v m="$m" '$1 == e && $2 == v && $5 == m { f = 1 } END { exit !f }' &&
            ok "stream: $e $v has $m" || bad "stream: no $m for $e $v"
    done
    if command -v redis-benchmark >/dev/null 2>&1; then
        rows "$sum" median | grep -q "^throughput,redis-benchmark,1,.*,msgs_per_s," && ok "stream: the ceiling (redis-benchmark) was measured" ||
            bad "stream: no redis-benchmark row"
    fi
    # the consumer counts: 1, 2, 4 (and P) for throughput; every repetition of each
    usable=$(awk -F, '$1 == "cpus_usable" { print $2 }' "$q/stream-meta.csv")
    for w in 1 2 4 "$usable"; do
        n=$(rows "$q/stream-runs.csv" rep | awk -F, -v w="$w" '$1 == "throughput" && $2 == "consumers" && $3 == w && $4 == "work_us=50" && $5 == "msgs_per_s"' | wc -l)
        [ "$n" -eq 3 ] && ok "stream: $w consumers with 50 us of work: 3 repetitions" || bad "stream: $w consumers: $n rows"
    done
    [ -s "$q/stream-timeline.csv" ] && head -n 1 "$q/stream-timeline.csv" | grep -q "^run_id,rep,t,consumers,produced,lag,pending,backlog,phase$" &&
        ok "stream: the lag timeline is written" || bad "stream: no lag timeline"
    grep -q "of the ceiling" "$q/stdout" && ok "stream: throughput is shown as a fraction of the ceiling" || bad "stream: no fraction of the ceiling"
    n=$(grep -c "^  \(holds\|does not hold\|cannot tell\) " "$q/stdout")
    [ "$n" -eq 13 ] && ok "stream: 13 claims judged after the experiments (the demo's only with it)" || bad "stream: $n claims judged, expected 13"
    grep -q "95%" "$q/stdout" && bad "stream: an interval labelled 95% (coverage is n-dependent)" || ok "stream: no fixed 95% label"
    "$PARLAB" report "$q" >"$q/report" 2>&1 && grep -q "^== stream" "$q/report" && ok "stream: parlab report judges the saved run" ||
        bad "stream: parlab report: $(tail -n 2 "$q/report")"
    # the failover claims are counts: they hold on any machine
    for c in "At least once" "Duplicates are real"; do
        grep -q "^  holds  .*$c" "$q/report" && ok "stream: '$c' holds" || bad "stream: '$c': $(grep -A2 "$c" "$q/report" | tr '\n' ' ')"
    done
    if command -v gnuplot >/dev/null 2>&1; then
        sh "$top/plots/render.sh" "$q" >"$q/render.log" 2>&1
        for c in stream-throughput stream-scaling stream-lag stream-failover; do
            [ -s "$q/plots/$c.png" ] && ok "stream: chart $c draws" || bad "stream: chart $c: $(grep "$c" "$q/render.log")"
        done
    fi
fi
left=$(left_behind "$seen")
[ -z "$left" ] && ok "stream --quick: no broker, consumer or folder left" || bad "stream --quick: left behind:$left"

# ---- stopped mid-run: SIGTERM (exit 143), Ctrl-C (exit 130): nothing left, nothing written ---------
# stop SIGNAL EXPERIMENT [OPTIONS]: once the experiment's broker and consumers run
stop() {
    sig=$1 exp=$2
    shift 2
    d="$out/stop-$sig-$exp"
    mkdir -p "$d"
    "$PARLAB" run stream --quick --experiment "$exp" "$@" --out "$d" >"$d/stdout" 2>"$d/stderr" </dev/null &
    pid=$!
    seen=""
    ready=no
    for _ in $(seq 1 300); do
        seen="$seen $(descendants $pid)"
        [ -n "$(brokers 0)" ] && [ "$(echo "$seen" | wc -w)" -ge 3 ] && ready=yes && break
        kill -0 $pid 2>/dev/null || break
        sleep 0.05
    done
    sleep 0.3
    seen="$seen $(descendants $pid)"
    if [ $ready = no ]; then
        bad "stream: $sig during $exp: the broker never started: $(tail -n 2 "$d/stderr" | tr '\n' ' ')"
        kill -KILL $pid 2>/dev/null
        wait $pid
        return
    fi
    kill -"$sig" $pid
    for _ in $(seq 1 200); do
        kill -0 $pid 2>/dev/null || break
        sleep 0.05
    done
    wait $pid
    rc=$?
    want=143
    [ "$sig" = INT ] && want=130
    [ $rc -eq $want ] && ok "stream: $sig during $exp: exit $want" || bad "stream: $sig during $exp: exit $rc: $(tail -n 2 "$d/stderr" | tr '\n' ' ')"
    ls "$d"/stream-*.csv >/dev/null 2>&1 && bad "stream: $sig during $exp: results written" || ok "stream: $sig during $exp: no results written"
    left=$(left_behind "$seen")
    [ -z "$left" ] && ok "stream: $sig during $exp: no broker, consumer or folder left" || bad "stream: $sig during $exp: left behind:$left"
}
# (long runs: the signal must land mid-run)
stop TERM throughput --seconds 0.5
stop TERM failover --failover-messages 200000
stop INT lag --lag-seconds 5
stop TERM gil --seconds 1
stop INT gil --seconds 1

# ---- failures: exit 1, one clear line, nothing left ------------------------------------------------
# the broker killed mid-run
d="$out/killed"
mkdir -p "$d"
# (long runs: the kill must land mid-run, not in the broker's own shutdown at the end)
"$PARLAB" run stream --quick --seconds 0.5 --experiment throughput --out "$d" >"$d/stdout" 2>"$d/stderr" </dev/null &
pid=$!
seen=""
for _ in $(seq 1 300); do
    seen="$seen $(descendants $pid)"
    b=$(brokers 0 | head -n 1)
    [ -n "$b" ] && break
    sleep 0.05
done
sleep 0.5
seen="$seen $(descendants $pid)"
[ -n "$b" ] && kill -KILL "$b"
wait $pid
rc=$?
[ $rc -eq 1 ] && grep -q "the broker (redis-server) died mid-run: killed by signal 9" "$d/stderr" &&
    ok "stream: the broker killed mid-run: exit 1, says so" || bad "stream: broker killed: exit $rc: $(head -n 3 "$d/stderr" | tr '\n' ' ')"
left=$(left_behind "$seen")
[ -z "$left" ] && ok "stream: the broker killed mid-run: nothing left" || bad "stream: the broker killed: left behind:$left"

# a port in use
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
/usr/bin/python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $port)); s.listen(); time.sleep(20)" &
holder=$!
sleep 0.5
"$PARLAB" run stream --quick --experiment failover --port "$port" --out "$out/port" >"$out/port.out" 2>"$out/port.err" </dev/null
rc=$?
kill $holder 2>/dev/null
wait $holder 2>/dev/null
[ $rc -eq 1 ] && grep -q "port $port is in use" "$out/port.err" && ok "stream: a port in use: exit 1, names the port" ||
    bad "stream: a port in use: exit $rc: $(cat "$out/port.err")"
[ -z "$(brokers "$port")" ] && [ -z "$(ls -d "$TMPDIR"/parlab-stream.* 2>/dev/null)" ] && ok "stream: a port in use: nothing left" ||
    bad "stream: a port in use: a broker or folder left"

# redis-server missing: exit 3, names the package
PATH=/nonexistent "$PARLAB" run stream --quick --out "$out/nopath" >"$out/nopath.out" 2>"$out/nopath.err" </dev/null
rc=$?
[ $rc -eq 3 ] && grep -q "skipped: redis-server is not installed.*apt-get install redis-server" "$out/nopath.err" &&
    ok "stream: redis-server missing: exit 3, names the package" || bad "stream: redis-server missing: exit $rc: $(cat "$out/nopath.err")"
ls "$out"/nopath/stream-*.csv >/dev/null 2>&1 && bad "stream: redis-server missing: results written" || ok "stream: redis-server missing: nothing written"

# a redis-server that cannot start (a broken install): exit 1, says so, nothing left
mkdir -p "$out/fakebin"
printf '#!/bin/sh\necho "broken on purpose" >&2\nexit 1\n' >"$out/fakebin/redis-server"
chmod +x "$out/fakebin/redis-server"
PATH="$out/fakebin:$PATH" "$PARLAB" run stream --quick --experiment failover --out "$out/nostart" \
    >"$out/nostart.out" 2>"$out/nostart.err" </dev/null
rc=$?
[ $rc -eq 1 ] && grep -q "redis-server did not start (exited with status 1)" "$out/nostart.err" &&
    ok "stream: a redis-server that cannot start: exit 1, says so" || bad "stream: redis-server cannot start: exit $rc: $(cat "$out/nostart.err")"
ls "$out"/nostart/stream-*.csv >/dev/null 2>&1 || [ -n "$(ls -d "$TMPDIR"/parlab-stream.* 2>/dev/null)" ] &&
    bad "stream: redis-server cannot start: results or a folder left" || ok "stream: redis-server cannot start: nothing written, nothing left"

# ---- TCP on a free port works too ---------------------------------------------------------------
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# shellcheck disable=SC2086
"$PARLAB" run stream $fast --experiment failover --port "$port" --out "$out/tcp" >"$out/tcp.out" 2>"$out/tcp.err" </dev/null &&
    grep -q "on 127.0.0.1:$port" "$out/tcp.out" && ok "stream: --port $port: the broker on loopback" ||
    bad "stream: --port: $(tail -n 2 "$out/tcp.err")"
[ -z "$(brokers "$port")" ] && ok "stream: --port: no broker left" || bad "stream: --port: a broker left"

# ---- the failover, several times: none lost, duplicates exactly explained, every repetition ----------
n=0
for run in 1 2 3; do
    d="$out/failover$run"
    "$PARLAB" run stream --experiment failover --reps 3 --failover-messages 3000 --idle-ms 30 --out "$d" \
        >"$d.out" 2>"$d.err" </dev/null || { bad "stream: failover run $run: $(tail -n 2 "$d.err")"; continue; }
    # per repetition: produced = processed at least once, lost = 0,
    # duplicates = killed_unacked + taken_from_live, and processings = produced + duplicates
    if rows "$d/stream-runs.csv" value | awk -F, '$1 == "failover" { print }' >/dev/null &&
        awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
            $c["experiment"] == "failover" && $c["rep"] > 0 { v[$c["rep"], $c["metric"]] = $c["value"]; r[$c["rep"]] = 1 }
            END { for (k in r) { n++
                      if (v[k, "lost"] != 0 || v[k, "produced"] != v[k, "processed_once_or_more"] ||
                          v[k, "duplicates"] != v[k, "killed_unacked"] + v[k, "taken_from_live"] ||
                          v[k, "processings"] != v[k, "produced"] + v[k, "duplicates"] || v[k, "killed_unacked"] != 50 ||
                          v[k, "unexplained_duplicates"] != 0) bad++ }
                  exit !(n == 3 && bad == 0) }' "$d/stream-runs.csv"; then
        n=$((n + 1))
    else
        bad "stream: failover run $run: the counts do not add up: $(grep -A4 "^  rep " "$d.out" | tr '\n' ' ')"
    fi
done
[ $n -eq 3 ] && ok "stream: failover 3 runs x 3 repetitions: none lost, every duplicate explained, 50 by the killed consumer" ||
    bad "stream: failover: $n of 3 runs exact"

# ---- without python3-redis: the gil points are skipped, each with the reason ---------------------------
fake="$out/noredis"
mkdir -p "$fake/redis"
echo 'raise ImportError("hidden by t_stream.sh")' >"$fake/redis/__init__.py"
# shellcheck disable=SC2086
PYTHONPATH="$fake" PARLAB_CHECK_PLAN=1 "$PARLAB" run stream $fast --experiment gil --out "$out/nopy" >"$out/nopy.out" 2>"$out/nopy.err" </dev/null
rc=$?
n=$(grep -c "skipped: gil .*hidden by t_stream.sh.*apt-get install python3-redis" "$out/nopy.out")
[ $rc -eq 0 ] && [ "$n" -ge 2 ] && ! grep -q "planned .* points but ran" "$out/nopy.err" &&
    ok "stream: without python3-redis, the $n gil points are skipped with the reason" ||
    bad "stream: without python3-redis: exit $rc, $n skip lines: $(tail -n 2 "$out/nopy.err")"

# ---- stream_consumer.py on its own: its own broker, gone at the end ----------------------------------
if /usr/bin/python3 -c 'import redis' 2>/dev/null; then
    TMPDIR="$out" /usr/bin/python3 "$top/labs/stream/stream_consumer.py" 600 >"$out/alone" 2>&1 &&
        grep -q "2 processes .* msg/s" "$out/alone" && grep -q "2 threads .* a wait" "$out/alone" &&
        ok "stream: stream_consumer.py runs alone" || bad "stream: stream_consumer.py alone: $(tail -n 3 "$out/alone" | tr '\n' ' ')"
    [ -z "$(ls -d "$out"/parlab-stream-py.* 2>/dev/null)" ] && [ -z "$(pgrep -f "redis-server .*$out/parlab-stream-py")" ] &&
        ok "stream: stream_consumer.py leaves no broker or folder" || bad "stream: stream_consumer.py left something"
fi

# ---- the demo: only when named; its phases ------------------------------------------------------------
rows "$q/stream-summary.csv" median 2>/dev/null | grep -q "^demo," && bad "stream: the demo ran without --experiment demo" ||
    ok "stream: the demo runs only when named"
PARLAB_CHECK_PLAN=1 "$PARLAB" run stream --experiment demo --phase-seconds 0.4 --reps 1 --out "$out/demo" >"$out/demo.out" 2>"$out/demo.err" </dev/null
rc=$?
n=$(rows "$out/demo/stream-summary.csv" median 2>/dev/null | awk -F, '$1 == "demo" && $5 == "msgs_per_s"' | wc -l)
[ $rc -eq 0 ] && [ "$n" -eq 3 ] && ! grep -q "planned" "$out/demo.err" && ok "stream: the demo's 3 phases, each a point" ||
    bad "stream: demo: exit $rc, $n phases: $(tail -n 2 "$out/demo.err")"

# ---- the claims, judged on doctored summaries ----------------------------------------------------------
# write_summary DIR USABLE pl rt sp0 sp50 sp50_4 threads procs io4 growth drain lost unexplained one_part k2 demo_all
write_summary() {
    d=$1
    mkdir -p "$d"
    printf 'key,value\ncpus_usable,%s\nquick,1\nreps,5\n' "$2" >"$d/stream-meta.csv"
    {
        echo "run_id,lab,experiment,variant,workers,param,metric,unit,n,median,min,max,ci_lo,ci_hi,outliers,ci_level,flags"
        row() { # experiment variant workers param metric median [exact]
            awk -v e="$1" -v v="$2" -v w="$3" -v p="$4" -v m="$5" -v x="$6" -v exact="${7:-0}" 'BEGIN {
                lo = exact ? x : x * 0.95; hi = exact ? x : x * 1.05
                printf "t,stream,%s,%s,%d,%s,%s,x,5,%g,%g,%g,%g,%g,0,0.94,\n", e, v, w, p, m, x, lo, hi, lo, hi }'
        }
        row throughput round-trip 1 pipeline=1 msgs_per_s "$4"
        row throughput pipelined 1 pipeline=100 msgs_per_s "$3"
        for w in 1 2 4; do
            row throughput consumers "$w" work_us=0 speedup "$([ $w = 1 ] && echo 1 || echo "$5")"
        done
        row throughput consumers 1 work_us=50 speedup 1
        row throughput consumers 2 work_us=50 speedup "$6"
        row throughput consumers 4 work_us=50 speedup "$7"
        row gil threads-cpu 1 work_us=50 speedup 1
        row gil threads-cpu 2 work_us=50 speedup "$8"
        row gil processes-cpu 2 work_us=50 speedup "$9"
        row gil threads-io 4 work_us=50 speedup "${10}"
        p="work_us=50;rate=1.25x"
        row lag add-consumer 2 "$p" growth_per_s "${11}"
        row lag add-consumer 2 "$p" predicted_growth_per_s 5000
        row lag add-consumer 2 "$p" drain_s "${12}"
        row lag add-consumer 2 "$p" predicted_drain_s 0.15
        p="batch=100;idle_ms=100;killed_after=50"
        row failover xautoclaim 3 "$p" produced 3000 1
        row failover xautoclaim 3 "$p" processed_once_or_more "$((3000 - ${13}))" 1
        row failover xautoclaim 3 "$p" lost "${13}" 1
        row failover xautoclaim 3 "$p" duplicates "$((50 + ${14}))" 1
        row failover xautoclaim 3 "$p" killed_unacked 50 1
        row failover xautoclaim 3 "$p" taken_from_live 0 1
        row failover xautoclaim 3 "$p" unexplained_duplicates "${14}" 1
        row partitions partitioned 2 "partitions=1;work_us=50" speedup "${15}"
        row partitions partitioned 2 "partitions=1;work_us=50" idle_consumers 1 1
        row partitions partitioned 2 "partitions=2;work_us=50" speedup "${16}"
        row partitions shared 2 work_us=50 speedup "${16}"
        row demo one-consumer 1 work_us=50 msgs_per_s 19000
        row demo all-consumers 2 work_us=50 msgs_per_s "${17}"
    } >"$d/stream-summary.csv"
}
verdicts() { "$PARLAB" report "$1" 2>&1 | grep -c "^  $2 "; }
write_summary "$out/good" 2 300000 60000 1.3 1.9 1.9 1.0 1.85 3.5 6000 0.2 0 0 1.0 1.9 36000
n=$(verdicts "$out/good" holds)
[ "$n" -eq 14 ] && ok "stream: a summary that agrees with the lesson: all 14 claims hold" ||
    bad "stream: agreeing summary: $n hold: $("$PARLAB" report "$out/good" 2>&1 | grep -A2 "^  \(does not\|cannot\)" | head -n 6)"
write_summary "$out/doctored" 2 100000 60000 1.15 1.2 1.9 1.8 1.0 1.5 1000 2.0 5 3 1.9 1.0 20000
n=$(verdicts "$out/doctored" "does not hold")
[ "$n" -eq 14 ] && ok "stream: a doctored summary: all 14 claims do not hold" ||
    bad "stream: doctored summary: $n do not hold: $("$PARLAB" report "$out/doctored" 2>&1 | grep -B1 -A2 "^  \(holds\|cannot\)" | head -n 8)"
# a lost message is caught by the exact count, even when everything else looks fine
write_summary "$out/onelost" 2 300000 60000 1.3 1.9 1.9 1.0 1.85 3.5 6000 0.2 1 0 1.0 1.9 36000
"$PARLAB" report "$out/onelost" 2>&1 | grep -q "^  does not hold .*At least once" && ok "stream: one message lost: the at-least-once claim does not hold" ||
    bad "stream: one lost message was not caught"
# one CPU: what needs two cannot tell; nothing is judged false for lack of a CPU
write_summary "$out/onecpu" 1 300000 60000 1.3 1.9 1.0 1.0 1.85 3.5 6000 0.2 0 0 1.0 1.9 36000
[ "$(verdicts "$out/onecpu" "does not hold")" -eq 0 ] && ok "stream: 1 usable CPU: no claim judged false" ||
    bad "stream: 1 CPU: $("$PARLAB" report "$out/onecpu" 2>&1 | grep -A2 "^  does not hold" | head -n 3)"
exit 0
