#!/bin/sh
# parmon: batch CSV (schema, row count, sane values), bad options (one line, exit 2), and
# the screen itself under tmux (a line per CPU, updating, q quits, colour or none, the
# terminal given back, a launched command's exit status, nothing orphaned); every check
# parmon makes before it launches a command (a failure starts nothing); the terminal
# given back and the command stopped on every signal that ends parmon; + and - at once;
# the log and --record never written through a planted symbolic link.
# Nothing here checks a timing: waits only poll until something appears.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
top=${PARLAB_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
D="$top/tests/data/proc"
ncpu=$(getconf _NPROCESSORS_ONLN)
# The tests with a lab need a parlab that runs amdahl (labs may be mid-rewrite, the build
# partial): without one they are skipped, and say so.
if [ -x "${PARLAB:-}" ] && "$PARLAB" help amdahl >/dev/null 2>&1; then have_parlab=1; else have_parlab=; fi

# ---- batch mode ------------------------------------------------------------------------
"$PARMON" --batch --interval 0.1 --count 3 >"$TMPDIR/b.csv" 2>"$TMPDIR/b.err" </dev/null
rc=$?
[ $rc -eq 0 ] && ok "batch exits 0" || bad "batch exits $rc: $(head -c 200 "$TMPDIR/b.err")"
hdr=$(head -n 1 "$TMPDIR/b.csv")
[ "$hdr" = "t,cpu,busy_pct,user_pct,system_pct,iowait_pct,steal_pct,experiment,variant,workers" ] &&
    ok "batch CSV header" || bad "batch CSV header is '$hdr'"
rows=$(($(wc -l <"$TMPDIR/b.csv") - 1))
[ "$rows" -eq $((3 * (ncpu + 1))) ] && ok "batch: 3 samples x ($ncpu CPUs + all) rows" ||
    bad "batch: $rows rows, expected $((3 * (ncpu + 1)))"
# Every row: 10 fields (the last three: the followed lab's phase, empty here), t increasing by sample, cpu a number or 'all', percents in 0..100,
# busy >= user + system + steal (guest is the rest), one 'all' a sample, each CPU once.
awk -F, -v n="$ncpu" 'NR == 1 { next }
    NF != 10 { print "row " NR " has " NF " fields"; bad = 1 }
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

# The reader of the CSV goes away (| head): parmon ends (it used to write to the closed
# pipe for ever). timeout only keeps a regression from hanging the suite.
timeout 60 "$PARMON" --batch --interval 0.05 2>"$TMPDIR/pipe.err" </dev/null | head -n 2 >/dev/null
rc=$?
[ $rc -eq 0 ] && [ ! -s "$TMPDIR/pipe.err" ] && ok "batch: ends quietly when its reader goes away" ||
    bad "batch | head: rc $rc, $(head -c 200 "$TMPDIR/pipe.err")"

# No sysfs CPU lists, and a /proc/stat with only the all-CPU line: no crash (UBSan used
# to report a null pointer here), the aggregate rows only.
head -n 1 /proc/stat >"$TMPDIR/stat-allonly"
PARMON_PROC_STAT="$TMPDIR/stat-allonly" PARMON_SYS_CPU=/nonexistent/sys "$PARMON" --batch --interval 0.05 \
    --count 2 >"$TMPDIR/ns.csv" 2>"$TMPDIR/ns.err" </dev/null
rc=$?
[ $rc -eq 0 ] && [ "$(grep -c ',all,' "$TMPDIR/ns.csv")" -eq 2 ] && [ "$(wc -l <"$TMPDIR/ns.csv")" -eq 3 ] &&
    ok "batch: no sysfs CPU lists and no per-CPU lines: the aggregate only" ||
    bad "batch without sysfs: rc $rc, $(head -c 300 "$TMPDIR/ns.err")"
PARMON_SYS_CPU=/nonexistent/sys "$PARMON" --batch --interval 0.05 --count 1 >"$TMPDIR/ns2.csv" 2>"$TMPDIR/ns2.err" </dev/null
rc=$?
[ $rc -eq 0 ] && [ "$(wc -l <"$TMPDIR/ns2.csv")" -eq $((ncpu + 2)) ] &&
    ok "batch: no sysfs CPU lists: every CPU of /proc/stat" ||
    bad "batch without sysfs: rc $rc, $(head -c 300 "$TMPDIR/ns2.err")"

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
if [ -n "$have_parlab" ]; then
    PARLAB="$PARLAB" PARMON="$PARMON" sh "$top/src/demo.sh" no-such-lab >"$TMPDIR/out" 2>"$TMPDIR/err" </dev/null
    rc=$?
    [ $rc -eq 2 ] && [ "$(wc -l <"$TMPDIR/err")" -eq 1 ] && grep -q "'no-such-lab'" "$TMPDIR/err" &&
        ok "demo.sh: an unknown lab exits 2 with one line" || bad "demo.sh no-such-lab: rc $rc, $(cat "$TMPDIR/err")"
else
    ok "demo.sh: no runnable parlab ('${PARLAB:-}'): skipped # SKIP"
fi

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

# Ctrl-C, SIGTERM, a crash, and the other signals whose default is to end a process
# (SIGUSR1, SIGALRM, SIGXCPU): the terminal comes back (no alternate screen), the
# launched command dies with parmon, and parmon's status says how it ended: 130 for
# Ctrl-C and SIGTERM, else it dies of the signal itself (128 + its number on Linux).
n=0
for sig in INT TERM SEGV USR1 ALRM XCPU; do
    n=$((n + 1))
    case $sig in INT | TERM) want=130 ;; SEGV) want=139 ;; USR1) want=138 ;; ALRM) want=142 ;; XCPU) want=152 ;; esac
    secs=$(( $$ % 10000 + 100000 + n * 10000 ))
    mark="sleep $secs"
    # (the shell ignores Ctrl-C, so it lives on to say AFTER-PARMON; parmon sets its own)
    start "k$sig" 100 30 "sh -c 'trap \"\" INT; $PARMON -- sleep $secs; echo AFTER-PARMON=\$?; sleep 300'"
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
        st=$(shot "k$sig" | sed -n 's/^AFTER-PARMON=//p' | tail -n 1)
        [ "$st" = "$want" ] && ok "SIG$sig: parmon's status is $want" ||
            bad "SIG$sig: parmon's status is '$st', expected $want"
    else
        bad "SIG$sig: parmon did not end"
    fi
    $T kill-session -t "k$sig"
done
# SIGKILL cannot be caught: the terminal stays as it was, but the launched command is
# told (SIGTERM, PR_SET_PDEATHSIG) and does not live on with parent 1.
secs=$(( $$ % 10000 + 190000 ))
start kKILL 100 30 "sh -c '$PARMON -- sleep $secs; echo AFTER-PARMON=\$?; sleep 300'"
wait_for kKILL "following" 50
pm=$(pgrep -P "$(field kKILL '#{pane_pid}')" -x parmon | head -n 1)
if [ -n "$pm" ]; then
    kill -KILL "$pm"
    wait_for kKILL "AFTER-PARMON" 50
    i=0
    while pgrep -fx "sleep $secs" >/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    pgrep -fx "sleep $secs" >/dev/null && bad "SIGKILL: the launched command outlived parmon" ||
        ok "SIGKILL: the launched command does not outlive parmon"
else
    bad "SIGKILL: parmon not found under the pane's shell"
fi
$T kill-session -t kKILL

# ---- checked before the launch: a failure starts nothing ----------------------------------
# Each runs in a terminal (so only the fault under test stops parmon) and launches
# `sleep N`, N used nowhere else: the one error line names the bad value, the status is
# 2 (a bad value given) or 1, and no such sleep runs afterwards (it would outlive parmon).
ln -s "$TMPDIR/log-target" "$TMPDIR/log-link"
mkdir -p "$TMPDIR/a-folder"
n=0
prelaunch() { # STATUS PATTERN PREFIX (the environment, parmon and its options)
    n=$((n + 1))
    secs=$(( $$ % 10000 + 300000 + n ))
    startw "pre$n" 100 30 "$3 -- sleep $secs 2>$TMPDIR/pre$n.err"
    if ! wait_dead "pre$n"; then
        bad "before launch: '$3' did not end: $(shot "pre$n" | head -n 3)"
    else
        st=$(exit_status "pre$n")
        lines=$(wc -l <"$TMPDIR/pre$n.err")
        if [ "$st" != "$1" ]; then bad "before launch: '$3' exits '$st', expected $1: $(cat "$TMPDIR/pre$n.err")"
        elif [ "$lines" -ne 1 ]; then bad "before launch: '$3' prints $lines lines"
        elif ! grep -q -- "$2" "$TMPDIR/pre$n.err"; then bad "before launch: '$3' does not name $2: $(cat "$TMPDIR/pre$n.err")"
        else ok "before launch: '$3' exits $1 with one line naming $2"; fi
        pgrep -fx "sleep $secs" >/dev/null && bad "before launch: '$3' started the command anyway" ||
            ok "before launch: '$3' started nothing"
    fi
    $T kill-session -t "pre$n"
}
prelaunch 2 "'/nonexistent/dir/rec.csv'" "$PARMON --record /nonexistent/dir/rec.csv"
prelaunch 2 "'$TMPDIR/a-folder'" "$PARMON --record $TMPDIR/a-folder"
prelaunch 2 "'bogus-term'" "TERM=bogus-term $PARMON"
prelaunch 2 "'dumb'" "TERM=dumb $PARMON"
prelaunch 1 "'/nonexistent/stat'" "PARMON_PROC_STAT=/nonexistent/stat $PARMON"
prelaunch 1 "'/nonexistent/stat'" "PARMON_PROC_STAT=/nonexistent/stat $PARMON --batch"
prelaunch 1 "'/nonexistent/tmp'" "XDG_RUNTIME_DIR= TMPDIR=/nonexistent/tmp $PARMON"
prelaunch 2 "'$TMPDIR/log-link'" "$PARMON --log $TMPDIR/log-link"
[ ! -e "$TMPDIR/log-target" ] && ok "--log does not follow a symbolic link" ||
    bad "--log wrote through a symbolic link"

# ---- + and - take effect at once ------------------------------------------------------------
# At --interval 3600 the next sample is an hour away; + nine times makes it 0.1 s, and
# the samples must come now (they used to wait for the old deadline). - shows its
# interval at once.
startw iv 100 30 "$PARMON --interval 3600"
if wait_for iv "sample 0"; then
    for k in 1 2 3 4 5 6 7 8 9; do $T send-keys -t iv +; done
    wait_for iv "every 0.1 s" && wait_for iv "sample [2-9]" && ok "+: the new interval applies at once" ||
        bad "+: $(shot iv | head -n 1)"
    for k in 1 2 3 4 5 6 7 8 9; do $T send-keys -t iv -; done
    wait_for iv "every 10 s" && ok "-: the interval shown is the new one" || bad "-: $(shot iv | head -n 1)"
else
    bad "--interval 3600: no screen: $(shot iv | head -n 2)"
fi
$T send-keys -t iv q
wait_dead iv || bad "--interval 3600: q does not quit"

# ---- the log and --record are never written through a planted symbolic link -------------
# A helper plants links, then becomes parmon (exec: the same pid, so the same log name).
# The old default log was $TMPDIR/parmon-PID.log, opened with O_TRUNC: a link planted
# there had a root run overwrite its target. Now the log lives in a folder private to
# the user (0700, ours), and is created O_EXCL|O_NOFOLLOW: the victim stays as it was.
echo "precious, do not overwrite" >"$TMPDIR/victim"
cp "$TMPDIR/victim" "$TMPDIR/victim.orig"
me=$(id -u)
{
    echo '#!/bin/sh'
    echo '# plant.sh [XDG_RUNTIME_DIR]: links where parmon-PID.log could go, then exec parmon'
    echo "ln -s '$TMPDIR/victim' \"$TMPDIR/parmon-\$\$.log\""
    echo "[ -d '$TMPDIR/parmon-$me' ] && ln -s '$TMPDIR/victim' \"$TMPDIR/parmon-$me/parmon-\$\$.log\" 2>/dev/null"
    echo "[ -n \"\${1:-}\" ] && ln -s '$TMPDIR/victim' \"\$1/parmon-\$\$.log\" 2>/dev/null"
    echo "export XDG_RUNTIME_DIR=\"\${1:-}\""
    echo "exec '$PARMON' --interval 0.2 --exit -- sh -c 'echo planted-log-output' 2>'$TMPDIR/plant.err'"
} >"$TMPDIR/plant.sh"
# log_case NAME [XDG_RUNTIME_DIR]: run the helper; parmon's note at the end names the log
log_case() {
    logd=
    startw "pl$1" 100 30 "sh $TMPDIR/plant.sh ${2:-}"
    if ! wait_dead "pl$1"; then bad "log ($1): parmon did not end"; return; fi
    logp=$(sed -n 's/.* is in //p' "$TMPDIR/plant.err")
    logd=$(dirname "${logp:-/nonexistent/x}")
    if ! cmp -s "$TMPDIR/victim" "$TMPDIR/victim.orig"; then
        bad "log ($1): a planted link was followed: the victim changed"
    elif [ -z "$logp" ] || [ -L "$logp" ] || ! grep -q planted-log-output "$logp"; then
        bad "log ($1): no log of ours: $(cat "$TMPDIR/plant.err")"
    elif [ "$(ls -ld "$logd" | cut -c1-10)" != drwx------ ] || [ "$(stat -c %u "$logd")" != "$me" ]; then
        bad "log ($1): its folder is not private: $(ls -ld "$logd")"
    else
        ok "log ($1): no planted link followed; the log is in a 0700 folder of ours"
    fi
    $T kill-session -t "pl$1"
}
log_case tmpdir
[ "$logd" = "$TMPDIR/parmon-$me" ] && ok "log: the per-user folder is \$TMPDIR/parmon-UID" ||
    bad "log: the per-user folder is '$logd'"
log_case peruser # the folder exists now: a link is planted inside it too
mkdir -m 700 "$TMPDIR/xdg"
log_case xdg "$TMPDIR/xdg"
[ "$logd" = "$TMPDIR/xdg" ] && ok "log: \$XDG_RUNTIME_DIR is used when it is ours" ||
    bad "log: with XDG_RUNTIME_DIR the log is in '$logd'"
if [ "$me" = 0 ] && id nobody >/dev/null 2>&1; then
    # As root, with the folders parmon would use made by someone else (theirs, one open
    # to all): neither is used, a fresh mkdtemp folder is.
    rm -rf "$TMPDIR/parmon-0" "$TMPDIR/xdg"
    mkdir -m 777 "$TMPDIR/parmon-0"
    mkdir -m 700 "$TMPDIR/xdg"
    chown nobody "$TMPDIR/parmon-0" "$TMPDIR/xdg"
    log_case foreign "$TMPDIR/xdg"
    case "$logd" in
    "$TMPDIR"/parmon-0-??????) ok "log: folders of another user are not used" ;;
    *) bad "log: with folders of another user the log is in '$logd'" ;;
    esac
fi
# --log FILE that exists: appended to, never truncated.
echo "kept-line" >"$TMPDIR/given.log"
startw gl 100 30 "$PARMON --interval 0.2 --exit --log $TMPDIR/given.log -- sh -c 'echo appended-line'"
wait_dead gl
[ "$(head -n 1 "$TMPDIR/given.log")" = kept-line ] && grep -q appended-line "$TMPDIR/given.log" &&
    ok "--log FILE: a file that exists is appended to" || bad "--log FILE: $(head -c 200 "$TMPDIR/given.log")"

# The lab tests (the lab line on the screen, make demo-LAB) need a runnable parlab.
if [ -n "$have_parlab" ]; then
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
else
    ok "lab and demo screens: no runnable parlab ('${PARLAB:-}'): skipped # SKIP"
fi

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
# --record through planted links: FILE.part and FILE itself link to the victim. The CSV
# goes to a new temporary name beside FILE and is renamed over FILE (over the link, not
# into its target).
mkdir -p "$TMPDIR/res2"
ln -s "$TMPDIR/victim" "$TMPDIR/res2/parmon-record.csv.part"
ln -s "$TMPDIR/victim" "$TMPDIR/res2/parmon-record.csv"
startw rec2 100 30 "$PARMON --interval 0.1 --record $TMPDIR/res2/parmon-record.csv"
wait_for rec2 "sample 2" 50
$T send-keys -t rec2 q
wait_dead rec2
if cmp -s "$TMPDIR/victim" "$TMPDIR/victim.orig" && [ ! -L "$TMPDIR/res2/parmon-record.csv" ] &&
    [ "$(head -n 1 "$TMPDIR/res2/parmon-record.csv")" = "$hdr" ] &&
    [ "$(ls "$TMPDIR/res2" | wc -l)" -eq 2 ]; then
    ok "--record: planted links are not written through; the CSV replaces the link"
else
    bad "--record with planted links: $(ls -l "$TMPDIR/res2"; cat "$TMPDIR/victim")"
fi

if command -v gnuplot >/dev/null 2>&1; then
    sh "$top/plots/render.sh" --dumb "$TMPDIR/res" >"$TMPDIR/plot.out" 2>&1
    grep -q "cores.*FAILED" "$TMPDIR/plot.out" && bad "plots/cores.gp fails: $(grep cores "$TMPDIR/plot.out")" ||
        ok "plots/cores.gp draws a recording"
fi
exit 0
