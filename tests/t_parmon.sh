#!/bin/sh
# parmon: batch CSV (schema, row count, sane values), bad options (one line, exit 2), and
# the screen itself under tmux (a line per CPU, updating, q quits, colour or none, the
# terminal given back, a launched command's exit status, nothing orphaned).
# Nothing here checks a timing: waits only poll until something appears.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
top=${PARLAB_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
D="$top/tests/data/proc"
ncpu=$(getconf _NPROCESSORS_ONLN)

# ---- batch mode ------------------------------------------------------------------------
"$PARMON" --batch --interval 0.1 --count 3 >"$TMPDIR/b.csv" 2>"$TMPDIR/b.err" </dev/null
rc=$?
[ $rc -eq 0 ] && ok "batch exits 0" || bad "batch exits $rc: $(head -c 200 "$TMPDIR/b.err")"
hdr=$(head -n 1 "$TMPDIR/b.csv")
[ "$hdr" = "t,cpu,busy_pct,user_pct,system_pct,iowait_pct,steal_pct" ] &&
    ok "batch CSV header" || bad "batch CSV header is '$hdr'"
rows=$(($(wc -l <"$TMPDIR/b.csv") - 1))
[ "$rows" -eq $((3 * (ncpu + 1))) ] && ok "batch: 3 samples x ($ncpu CPUs + all) rows" ||
    bad "batch: $rows rows, expected $((3 * (ncpu + 1)))"
# Every row: 7 fields, t increasing by sample, cpu a number or 'all', percents in 0..100,
# busy >= user + system + steal (guest is the rest), one 'all' a sample, each CPU once.
awk -F, -v n="$ncpu" 'NR == 1 { next }
    NF != 7 { print "row " NR " has " NF " fields"; bad = 1 }
    { for (i = 3; i <= 7; i++) if ($i < 0 || $i > 100.001) { print "row " NR " field " i " = " $i; bad = 1 } }
    $3 + 0.05 < $4 + $5 + $7 { print "row " NR ": busy " $3 " < user+system+steal"; bad = 1 }
    $1 < last { print "row " NR ": t goes back"; bad = 1 }
    { last = $1; seen[$1 "," $2]++; if (seen[$1 "," $2] > 1) { print "row " NR " repeats cpu " $2; bad = 1 } }
    $2 == "all" { alls++ } $2 != "all" && $2 !~ /^[0-9]+$/ { print "row " NR ": cpu " $2; bad = 1 }
    END { if (alls != 3) { print alls " all rows"; bad = 1 } exit bad }' "$TMPDIR/b.csv" >"$TMPDIR/b.chk"
[ $? -eq 0 ] && ok "batch rows are sane" || bad "batch rows: $(head -n 3 "$TMPDIR/b.chk")"

# A launched command: its output goes to stderr (stdout is the CSV), its status is ours.
"$PARMON" --batch --interval 0.1 -- sh -c 'echo from-child; sleep 0.5; exit 3' \
    >"$TMPDIR/c.csv" 2>"$TMPDIR/c.err" </dev/null
rc=$?
if [ $rc -eq 3 ] && grep -q from-child "$TMPDIR/c.err" && ! grep -q from-child "$TMPDIR/c.csv"; then
    ok "batch with a command: exit status 3 passed on, output kept off the CSV"
else
    bad "batch with a command: rc $rc, stderr '$(head -c 100 "$TMPDIR/c.err")'"
fi

# ---- bad options -------------------------------------------------------------------------
expect2() { # pattern, args...
    pat=$1; shift
    "$PARMON" "$@" >"$TMPDIR/out" 2>"$TMPDIR/err" </dev/null
    rc=$?
    lines=$(wc -l <"$TMPDIR/err")
    if [ $rc -ne 2 ]; then bad "parmon $* exits $rc, expected 2"
    elif [ "$lines" -ne 1 ]; then bad "parmon $* prints $lines lines on stderr"
    elif ! grep -q -- "$pat" "$TMPDIR/err"; then bad "parmon $* stderr lacks $pat: $(cat "$TMPDIR/err")"
    else ok "parmon $* exits 2 with one line"; fi
}
expect2 "'-1'" --batch --interval -1
expect2 "'-1'" --interval -1
expect2 "'abc'" --batch --interval abc
expect2 "'0'" --batch --interval 0
expect2 "'999999999'" --batch -p 999999999
expect2 "'x12'" --batch -p x12
expect2 "'0'" --batch --count 0
expect2 "'--frobnicate'" --frobnicate
expect2 "'--interval'" --batch --interval
expect2 "'no-such-command-xyz'" --batch -- no-such-command-xyz
expect2 "terminal" --count 1

# make demo-LAB with a lab that does not exist: parlab's one line, exit 2, no session.
PARLAB="$PARLAB" PARMON="$PARMON" sh "$top/src/demo.sh" no-such-lab >"$TMPDIR/out" 2>"$TMPDIR/err" </dev/null
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$TMPDIR/err")" -eq 1 ] && grep -q "'no-such-lab'" "$TMPDIR/err" &&
    ok "demo.sh: an unknown lab exits 2 with one line" || bad "demo.sh no-such-lab: rc $rc, $(cat "$TMPDIR/err")"

# ---- the screen, under tmux ------------------------------------------------------------
if ! command -v tmux >/dev/null 2>&1; then
    ok "tmux is not installed: screen tests skipped # SKIP"
    exit 0
fi
T="tmux -L parmon-test-$$ -f /dev/null"
cleanup() { $T kill-server 2>/dev/null; }
trap cleanup EXIT
$T new-session -d -s base -x 100 -y 30 "sleep 600"
$T set-option -g remain-on-exit on >/dev/null

# start NAME COLS ROWS COMMAND: a session running COMMAND (exec'd, so pane_pid is it)
start() { $T new-session -d -s "$1" -x "$2" -y "$3" "$4"; }
shot() { $T capture-pane -p -t "$1"; }
field() { $T display-message -p -t "$1" "$2"; }
# wait_for NAME PATTERN [TENTHS]: poll the screen until PATTERN shows (default 10 s)
wait_for() {
    i=0
    while [ $i -lt "${3:-100}" ]; do
        shot "$1" | grep -q -- "$2" && return 0
        sleep 0.1; i=$((i + 1))
    done
    return 1
}
# startw NAME COLS ROWS COMMAND: the same, then the shell prints COMMAND's exit status
# and stays (tmux's own pane_dead_status is not always filled in when the pty closes first)
startw() { start "$1" "$2" "$3" "$4; echo PARMON-EXIT=\$?; sleep 300"; }
# wait_dead NAME [STATUS]: until the command of a startw session ended (with STATUS)
wait_dead() { wait_for "$1" "^PARMON-EXIT=${2:-}"; }
exit_status() { shot "$1" | sed -n 's/^PARMON-EXIT=//p' | tail -n 1; }
ESC=$(printf '\033')
colour_re="$ESC\\[([0-9]+;)*(3[0-7]|4[0-7]|38|48|9[0-7]|10[0-7])(;[0-9]+)*m"

startw s1 100 30 "env -u NO_COLOR $PARMON --interval 0.2"
if wait_for s1 "sample 2"; then
    n=$(shot s1 | grep -c '^cpu[0-9]')
    [ "$n" -eq "$ncpu" ] && ok "screen: a line per CPU ($n)" || bad "screen: $n CPU lines, expected $ncpu"
    shot s1 | grep -q "of $ncpu cores busy" && ok "screen: the aggregate in cores" ||
        bad "screen: no 'of $ncpu cores busy'"
    s_a=$(shot s1 | sed -n 's/.*sample \([0-9]*\).*/\1/p')
    wait_for s1 "sample $((s_a + 2))" && ok "screen: updates (sample $s_a, then $((s_a + 2)))" ||
        bad "screen: stuck at sample $s_a"
    $T capture-pane -e -p -t s1 | grep -Eq "$colour_re" && ok "screen: colour by default" ||
        bad "screen: no colour escape by default"
    $T send-keys -t s1 h
    wait_for s1 "parmon keys" 20 && ok "screen: h shows help" || bad "screen: h shows no help"
    $T send-keys -t s1 p
    wait_for s1 "PAUSED" 20 && ok "screen: p pauses" || bad "screen: p does not pause"
    $T send-keys -t s1 p
    $T send-keys -t s1 -
    wait_for s1 "every 0.25 s" 20 && ok "screen: - refreshes less often" || bad "screen: - did nothing"
    $T send-keys -t s1 q
    if wait_dead s1; then
        st=$(exit_status s1)
        [ "$st" = 0 ] && ok "screen: q quits (status 0)" || bad "screen: q quits with status $st"
        [ "$(field s1 '#{alternate_on}')" = 0 ] && ok "screen: q gives the terminal back" ||
            bad "screen: still in the alternate screen after q"
    else
        bad "screen: q does not quit"
    fi
else
    bad "screen: never drew a second sample: $(shot s1 | head -n 3)"
fi

for how in "NO_COLOR=1 $PARMON" "env -u NO_COLOR $PARMON --no-color"; do
    startw nc 100 30 "$how --interval 0.2"
    if wait_for nc "sample 2"; then
        if $T capture-pane -e -p -t nc | grep -Eq "$colour_re"; then
            bad "screen: '$how' still draws colour"
        else
            ok "screen: no colour escape with '$how'"
        fi
    else
        bad "screen: '$how' never drew"
    fi
    $T send-keys -t nc q
    wait_dead nc || bad "screen: '$how' does not quit on q"
    $T kill-session -t nc
done

# Small, large and many CPUs (saved /proc/stat of 256 CPUs): no crash, a compact layout.
start small 30 8 "$PARMON"
wait_for small "too small" 50 && ok "screen: 30x8 says it is too small" || bad "screen: 30x8: $(shot small | head -n 2)"
$T resize-window -t small -x 40 -y 10 2>/dev/null
wait_for small "cores busy" 50 && ok "screen: redraws at 40x10 after a resize" ||
    bad "screen: no redraw after resize: $(shot small | head -n 2)"
$T send-keys -t small q
start many 100 30 "PARMON_PROC_STAT=$D/cpu256/stat_b PARMON_SYS_CPU=$D/cpu256/sys $PARMON"
if wait_for many "of 256 cores busy" 50 && shot many | grep -q '^192-255 '; then
    ok "screen: 256 CPUs in a compact layout at 100x30"
else
    bad "screen: 256 CPUs: $(shot many | head -n 4)"
fi
$T send-keys -t many q
start many2 40 10 "PARMON_PROC_STAT=$D/cpu256/stat_b PARMON_SYS_CPU=$D/cpu256/sys $PARMON"
wait_for many2 "more CPUs" 50 && ok "screen: 256 CPUs at 40x10 say how many are not shown" ||
    bad "screen: 256 CPUs at 40x10: $(shot many2 | head -n 4)"
$T send-keys -t many2 q
start off 100 30 "PARMON_PROC_STAT=$D/offline/stat_b PARMON_SYS_CPU=$D/offline/sys $PARMON"
wait_for off "^cpu2 *offline" 50 && ok "screen: an offline CPU shows as offline" ||
    bad "screen: offline CPU: $(shot off | head -n 6)"
$T send-keys -t off q

# -p PID: a process that runs already, with a child of its own.
sh -c 'sleep 120 & exec sleep 121' &
target=$!
startw pid 100 30 "$PARMON --interval 0.2 -p $target"
if wait_for pid "following $target" 50 && wait_for pid " sleep$" 20 &&
    [ "$(shot pid | grep -c ' sleep$')" -eq 2 ]; then
    ok "screen: -p follows a process and its child"
else
    bad "screen: -p $target: $(shot pid | sed -n 4,9p)"
fi
tchild=$(pgrep -P "$target")
kill "$target" $tchild 2>/dev/null
wait_for pid "the process is gone" 50 && ok "screen: says when the followed process is gone" ||
    bad "screen: no 'gone' after the followed process ended"
$T send-keys -t pid q

# A launched command: its threads are listed, its exit status shows, the screen stays.
startw cmd 100 30 "$PARMON --interval 0.2 --log $TMPDIR/cmd.log -- sh -c 'echo hello-log; sleep 1; exit 4'"
wait_for cmd "following" 50 && shot cmd | grep -q " sh$" && ok "screen: the launched command is listed" ||
    bad "screen: launched command not listed: $(shot cmd | sed -n 4,8p)"
wait_for cmd "exit status 4" && ok "screen: the command's exit status shows" ||
    bad "screen: no exit status: $(shot cmd | sed -n 4,8p)"
shot cmd | grep -q "hello-log" && ok "screen: the command's last output line shows" ||
    bad "screen: no 'hello-log' on screen"
sleep 0.5
! shot cmd | grep -q PARMON-EXIT && ok "screen: stays after the command ends" ||
    bad "screen: quit when the command ended (no --exit)"
$T send-keys -t cmd q
wait_dead cmd || bad "screen: does not quit on q after the command ended"

startw ex 100 30 "$PARMON --interval 0.2 --exit -- sh -c 'sleep 0.5; exit 5'"
if wait_dead ex; then
    st=$(exit_status ex)
    [ "$st" = 5 ] && ok "screen: --exit quits with the command's status" ||
        bad "screen: --exit status '$st'"
else
    bad "screen: --exit did not quit"
fi

# Ctrl-C, SIGTERM and a crash: the terminal comes back (no alternate screen) and the
# launched command dies with parmon.
for sig in INT TERM SEGV; do
    secs=$(( $$ % 10000 + 100000 + ${#sig} ))
    mark="sleep $secs"
    # (the shell ignores Ctrl-C, so it lives on to say AFTER-PARMON; parmon sets its own)
    start "k$sig" 100 30 "sh -c 'trap \"\" INT; $PARMON -- sleep $secs; echo AFTER-PARMON; sleep 300'"
    wait_for "k$sig" "following" 50
    shpid=$(field "k$sig" '#{pane_pid}')
    pm=$(pgrep -P "$shpid" -x parmon | head -n 1)
    if [ -z "$pm" ]; then
        bad "SIG$sig: parmon not found under the pane's shell"
        continue
    fi
    if [ "$sig" = INT ]; then $T send-keys -t "k$sig" C-c; else kill -"$sig" "$pm"; fi
    if wait_for "k$sig" "AFTER-PARMON" 50; then
        [ "$(field "k$sig" '#{alternate_on}')" = 0 ] && ok "SIG$sig: the terminal is restored" ||
            bad "SIG$sig: still in the alternate screen"
        i=0
        while pgrep -fx "$mark" >/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
        pgrep -fx "$mark" >/dev/null && bad "SIG$sig: the launched command survived" ||
            ok "SIG$sig: the launched command is stopped with parmon"
    else
        bad "SIG$sig: parmon did not end"
    fi
done

# A parlab lab: what the harness publishes shows on the screen.
export PARLAB_STATUS_DIR="$TMPDIR"
startw lab 100 30 "PARLAB_STATUS_DIR=$TMPDIR $PARMON --interval 0.2 -- $PARLAB run amdahl --quick --out $TMPDIR/lab-res"
wait_for lab "^lab amdahl: " 150 && ok "screen: the lab's experiment and progress show" ||
    bad "screen: no lab status line: $(shot lab | sed -n 4,7p)"
first=$(shot lab | grep "^lab amdahl: ")
# The line follows the lab (read afresh every sample), and says when the lab is over.
if wait_for lab "^command ended" 300; then
    last=$(shot lab | grep "^lab amdahl: ")
    [ -n "$last" ] && [ "$last" != "$first" ] && ok "screen: the lab line follows the lab" ||
        bad "screen: the lab line did not change: '$first' then '$last'"
    echo "$last" | grep -q "point \([0-9]*\)/\1 .*\(ended\|done\)" && ok "screen: the lab line says the lab ended" ||
        bad "screen: the lab line at the end: '$last'"
else
    bad "screen: the lab did not end"
fi
$T send-keys -t lab q
wait_dead lab || bad "screen: the lab session does not quit"

# make demo-LAB: a session with parmon following the lab on top, the lab's output below.
DEMO_TMUX="$T" DEMO_ARGS=--quick PARLAB="$PARLAB" PARMON="$PARMON" PARMON_ARGS="--interval 0.2" \
    sh "$top/src/demo.sh" amdahl >"$TMPDIR/demo.out" 2>&1 </dev/null
i=0
while [ $i -lt 150 ] && ! $T capture-pane -p -t "parlab-demo-amdahl:0.1" 2>/dev/null | grep -q "results:"; do
    sleep 0.1; i=$((i + 1))
done
if $T capture-pane -p -t "parlab-demo-amdahl:0.0" 2>/dev/null | grep -q "^lab amdahl: " &&
    $T capture-pane -p -t "parlab-demo-amdahl:0.1" 2>/dev/null | grep -q "results:"; then
    ok "demo: parmon follows the lab on top, the lab's output below"
else
    bad "demo: $(cat "$TMPDIR/demo.out"; $T capture-pane -p -t parlab-demo-amdahl:0.0 2>&1 | sed -n 1,6p)"
fi
$T kill-session -t "=parlab-demo-amdahl" 2>/dev/null

# --record: the same CSV as batch, complete after q; plots/cores.gp draws it.
mkdir -p "$TMPDIR/res"
startw rec 100 30 "$PARMON --interval 0.1 --record $TMPDIR/res/parmon-record.csv"
wait_for rec "sample 4" 50
$T send-keys -t rec q
wait_dead rec
if [ -f "$TMPDIR/res/parmon-record.csv" ] && [ ! -f "$TMPDIR/res/parmon-record.csv.part" ] &&
    [ "$(head -n 1 "$TMPDIR/res/parmon-record.csv")" = "$hdr" ] &&
    [ $(($(wc -l <"$TMPDIR/res/parmon-record.csv") - 1)) -ge $((3 * (ncpu + 1))) ]; then
    ok "--record writes the batch CSV, whole after q"
else
    bad "--record: $(ls "$TMPDIR/res"; head -n 2 "$TMPDIR/res/parmon-record.csv" 2>&1)"
fi
if command -v gnuplot >/dev/null 2>&1; then
    sh "$top/plots/render.sh" --dumb "$TMPDIR/res" >"$TMPDIR/plot.out" 2>&1
    grep -q "cores.*FAILED" "$TMPDIR/plot.out" && bad "plots/cores.gp fails: $(grep cores "$TMPDIR/plot.out")" ||
        ok "plots/cores.gp draws a recording"
fi
exit 0
