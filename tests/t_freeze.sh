#!/bin/sh
# The freeze lab: bin/freeze (C, ncurses) and its Python twin driven in tmux (keys,
# capture-pane), their logs checked, not their timings: every frame logged in the mode
# it was drawn in, the keys switch modes, q quits and gives the terminal back, and a
# frame after a blocking request is late by at least the request's delay (a lower
# bound the loop guarantees by construction: it draws only after the answer). The lab
# through the harness: its summary has the three statistics for every mode, every
# frame is in freeze-frames.csv, and parlab report judges its claims.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
skip() { echo "ok - $* # SKIP"; }
top=${PARLAB_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
FREEZE=${FREEZE:-$(dirname "$PARLAB")/freeze}
PY=/usr/bin/python3

# ---- the lab, through the harness ---------------------------------------------------------
if "$PARLAB" help freeze >/dev/null 2>&1; then
    out="$TMPDIR/freeze"
    PARLAB_CHECK_PLAN=1 "$PARLAB" run freeze --quick --seconds 0.3 --out "$out" >"$out.out" 2>"$out.err" </dev/null
    rc=$?
    [ $rc -eq 0 ] && ok "freeze: parlab run freeze --quick exits 0" || bad "freeze: exit $rc: $(tail -n 3 "$out.err")"
    for m in c/blocking c/io-thread c/cpu-thread python/blocking python/io-thread python/cpu-thread python/cpu-python; do
        case $m in python/*) grep -q "^python,none" "$out/freeze-meta.csv" && continue ;; esac
        n=$(awk -F, -v e="${m%/*}" -v v="${m#*/}" '$3 == e && $4 == v && ($7 == "late_median_ms" || $7 == "late_p99_ms" || $7 == "late_worst_ms") { k++ } END { print k + 0 }' "$out/freeze-summary.csv" 2>/dev/null)
        [ "$n" = 3 ] && ok "freeze: $m has median, p99 and worst lateness" || bad "freeze: $m: $n of the 3 statistics"
    done
    head -n 1 "$out/freeze-frames.csv" 2>/dev/null | grep -q '^run_id,experiment,variant,rep,t,late_ms$' &&
        [ "$(wc -l <"$out/freeze-frames.csv")" -gt 50 ] && ok "freeze: every frame in freeze-frames.csv" ||
        bad "freeze: freeze-frames.csv: $(head -n 2 "$out/freeze-frames.csv" 2>&1)"
    # the worst frame with blocking I/O in the loop: at least the delay (200 ms), by construction
    awk -F, '$3 == "c" && $4 == "blocking" && $7 == "late_worst_ms" { exit !($11 >= 200) }' "$out/freeze-summary.csv" &&
        ok "freeze: blocking I/O in the loop: every repetition's worst frame >= the 200 ms delay" ||
        bad "freeze: blocking worst frame below the delay: $(grep 'c,blocking.*late_worst' "$out/freeze-summary.csv")"
    "$PARLAB" report "$out" >"$out.report" 2>&1
    grep -q "^  holds *Blocking I/O inside the UI loop freezes" "$out.report" &&
        ok "freeze: report: the blocking claim holds" || bad "freeze: report: $(grep -A2 'Blocking I/O' "$out.report")"
    [ "$(grep -c '^  \(holds\|does not hold\|cannot tell\) ' "$out.report")" -eq 6 ] &&
        ok "freeze: report judges its 6 claims" || bad "freeze: report: $(grep -c '^  [a-z]' "$out.report") verdicts"
    "$PARLAB" run freeze --delay 0 --out "$out/bad" >"$out/bad.out" 2>"$out/bad.err"
    rc=$?
    [ $rc -eq 2 ] && [ ! -s "$out/bad.out" ] && [ "$(wc -l <"$out/bad.err")" -eq 1 ] && grep -q delay "$out/bad.err" &&
        ok "freeze: --delay 0 is a usage error naming it" || bad "freeze: --delay 0: rc $rc, $(cat "$out/bad.err")"
    # a repetition shorter than the first request (at half of --every) would judge nothing
    "$PARLAB" run freeze --seconds 0.2 --every 0.5 --out "$out/bad" >"$out/bad.out" 2>"$out/bad.err"
    rc=$?
    [ $rc -eq 2 ] && [ "$(wc -l <"$out/bad.err")" -eq 1 ] && grep -q -- "--seconds 0.2" "$out/bad.err" &&
        ok "freeze: --seconds shorter than half of --every is a usage error naming it" ||
        bad "freeze: --seconds 0.2: rc $rc, $(cat "$out/bad.err")"
else
    skip "freeze: this parlab does not run the freeze lab"
fi

# ---- on screen, in tmux ------------------------------------------------------------------------
if ! command -v tmux >/dev/null 2>&1; then
    skip "freeze: tmux is not installed: the screen tests are skipped"
    exit 0
fi
T="tmux -L freeze-test-$$ -f /dev/null"
cleanup() { $T kill-server 2>/dev/null; }
trap cleanup EXIT
shot() { $T capture-pane -p -t "$1"; }
wait_for() { # NAME PATTERN [TENTHS]
    i=0
    while [ $i -lt "${3:-100}" ]; do
        shot "$1" | grep -q -- "$2" && return 0
        sleep 0.1; i=$((i + 1))
    done
    return 1
}
# check_log NAME LOG MODES...: the log's header, modes, and blocking's worst frame
check_log() {
    name=$1 log=$2
    shift 2
    [ "$(head -n 1 "$log")" = "t,mode,frame,late_ms,replies" ] && ok "$name: the log's header" ||
        bad "$name: the log starts '$(head -n 1 "$log")'"
    for m in "$@"; do
        n=$(awk -F, -v m="$m" '$2 == m' "$log" | wc -l)
        [ "$n" -gt 0 ] && ok "$name: $n frames logged in mode $m" || bad "$name: no frame logged in mode $m"
    done
    awk -F, 'NR > 1 && $2 == "blocking" && $4 + 0 > w { w = $4 + 0 } END { exit !(w >= 200) }' "$log" &&
        ok "$name: in blocking mode a frame waited the whole 200 ms delay (the UI froze)" ||
        bad "$name: blocking mode: no frame late by the delay"
    awk -F, 'NR > 1 && ($1 < 0 || $3 < 0 || NF != 5) { exit 1 }' "$log" && ok "$name: every log row well-formed" ||
        bad "$name: a malformed log row"
}

if [ -x "$FREEZE" ]; then
    $T new-session -d -s c -x 100 -y 20 "$FREEZE --log $TMPDIR/c.csv --delay 0.2 --every 0.4; echo FREEZE-EXIT=\$?; sleep 300"
    if wait_for c "mode 1: blocking" && wait_for c "reply #2" 60; then
        ok "bin/freeze: draws the spinner, the clock and the replies in mode 1"
        $T send-keys -t c 2
        wait_for c "mode 2: the same I/O on a worker thread" 30 && ok "bin/freeze: key 2 switches to the I/O on a thread" ||
            bad "bin/freeze: key 2: $(shot c | sed -n 5p)"
        sleep 1
        $T send-keys -t c m
        wait_for c "mode 3: a CPU-bound worker thread" 30 && ok "bin/freeze: m goes to the next mode" ||
            bad "bin/freeze: m: $(shot c | sed -n 5p)"
        sleep 0.5
        $T send-keys -t c q
        if wait_for c "FREEZE-EXIT=0" 50; then
            ok "bin/freeze: q quits (status 0)"
            [ "$($T display-message -p -t c '#{alternate_on}')" = 0 ] && ok "bin/freeze: the terminal is given back" ||
                bad "bin/freeze: still in the alternate screen"
            check_log "bin/freeze" "$TMPDIR/c.csv" blocking io-thread cpu-thread
        else
            bad "bin/freeze: q did not quit: $(shot c | tail -n 3)"
        fi
    else
        bad "bin/freeze: no screen: $(shot c | head -n 5)"
    fi
    "$FREEZE" --mode sideways </dev/null >/dev/null 2>"$TMPDIR/c.err"
    [ $? -eq 2 ] && [ "$(wc -l <"$TMPDIR/c.err")" -eq 1 ] && ok "bin/freeze: a bad --mode: one line, exit 2" ||
        bad "bin/freeze --mode sideways: $(cat "$TMPDIR/c.err")"
else
    skip "bin/freeze is not built ('$FREEZE')"
fi

if [ -x "$PY" ]; then
    $T new-session -d -s py -x 100 -y 20 "$PY $top/labs/freeze/freeze_ui.py --log $TMPDIR/py.csv --delay 0.2 --every 0.4; echo FREEZE-EXIT=\$?; sleep 300"
    if wait_for py "mode 1: blocking" 100 && wait_for py "reply #2" 60; then
        ok "freeze_ui.py: draws the spinner, the clock and the replies in mode 1"
        $T send-keys -t py 2
        wait_for py "mode 2: the same I/O" 30 && ok "freeze_ui.py: key 2 switches to the I/O on a thread" ||
            bad "freeze_ui.py: key 2: $(shot py | sed -n 5p)"
        sleep 0.5
        $T send-keys -t py 3
        wait_for py "mode 3: a thread hashing" 30 && ok "freeze_ui.py: key 3: a thread hashing in C" ||
            bad "freeze_ui.py: key 3: $(shot py | sed -n 5p)"
        sleep 0.5
        $T send-keys -t py 4
        wait_for py "mode 4: a thread running pure Python" 30 && ok "freeze_ui.py: key 4: a pure-Python thread" ||
            bad "freeze_ui.py: key 4: $(shot py | sed -n 5p)"
        shot py | grep -q "switch interval 5.0 ms" && ok "freeze_ui.py: shows the switch interval" ||
            bad "freeze_ui.py: no switch interval on screen"
        sleep 1.5
        $T send-keys -t py q
        if wait_for py "FREEZE-EXIT=0" 50; then
            ok "freeze_ui.py: q quits (status 0)"
            check_log "freeze_ui.py" "$TMPDIR/py.csv" blocking io-thread cpu-thread cpu-python
        else
            bad "freeze_ui.py: q did not quit: $(shot py | tail -n 3)"
        fi
    else
        bad "freeze_ui.py: no screen: $(shot py | head -n 5)"
    fi
else
    skip "freeze_ui.py: no /usr/bin/python3"
fi
