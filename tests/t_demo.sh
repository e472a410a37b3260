#!/bin/sh
# Demos that hold still (src/demo.sh), in a private tmux server:
#   - make demo-gil: parmon records every core during the gil lab's demo experiment
#     (--record); the recording must hold a steady phase of at least 8 s at about one
#     core busy (Python threads under the GIL) and one at about two (processes, or C
#     threads without the GIL). This is the stage's promise, so it is checked on a
#     machine with 2 usable CPUs and the lab's demo experiment; elsewhere it says it was
#     skipped. A phase counts samples within 0.3 cores of the level, one stray sample
#     allowed (a busy neighbour for half a second).
#   - make demo: the talk's sequence, one short step, driven by keys: the step's title
#     and question, parmon on top, the chart at the end, the session closed by a key.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
skip() { echo "ok - $* # SKIP"; }
top=${PARLAB_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
if ! command -v tmux >/dev/null 2>&1; then
    skip "demo: tmux is not installed"
    exit 0
fi
if ! "$PARLAB" help amdahl >/dev/null 2>&1; then
    skip "demo: no runnable parlab ('$PARLAB')"
    exit 0
fi
TMUXCMD="tmux -L parlab-demo-test-$$ -f /dev/null"
T=$TMUXCMD
cleanup() { $T kill-server 2>/dev/null; }
trap cleanup EXIT
$T new-session -d -s base -x 100 -y 30 "sleep 900"
shot() { $T capture-pane -p -t "$1"; }
wait_for() { # TARGET PATTERN [TENTHS]
    i=0
    while [ $i -lt "${3:-100}" ]; do
        shot "$1" 2>/dev/null | grep -q -- "$2" && return 0
        sleep 0.1; i=$((i + 1))
    done
    return 1
}
usable=$(getconf _NPROCESSORS_ONLN)
if command -v nproc >/dev/null 2>&1; then usable=$(nproc); fi
# CPUs' worth the machine keeps busy without us, over 2 s (from /proc/stat): parmon's
# recording counts every program, so the phases can only be read on a quiet machine.
busy_cores() {
    a=$(awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat)
    sleep 2
    b=$(awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat)
    echo "$a $b" | awk -v n="$usable" '{ d = $4 - $2; printf("%.2f\n", (d > 0) ? ($3 - $1) / d * n : 0) }'
}

# ---- make demo-gil: steady phases at ~1.0 and ~2.0 cores ----------------------------------
if ! "$PARLAB" help gil 2>/dev/null | grep -q '^  demo '; then
    skip "demo-gil: the gil lab has no demo experiment in this build (parlab help gil)"
elif [ "$usable" -ne 2 ]; then
    skip "demo-gil: the 1.0 / 2.0 cores phases are checked on 2 usable CPUs (here $usable)"
elif other=$(busy_cores) && awk -v b="$other" 'BEGIN { exit !(b > 0.3) }'; then
    skip "demo-gil: the machine is busy (other programs keep $other CPUs busy): the phases need a quiet one"
else
    rec="$TMPDIR/demo-gil-record.csv"
    DEMO_TMUX="$TMUXCMD" DEMO_OUT="$TMPDIR/demo-out" PARMON_ARGS="--record $rec --interval 0.5 --exit" \
        PARLAB="$PARLAB" PARMON="$PARMON" sh "$top/src/demo.sh" gil >"$TMPDIR/demo-gil.out" 2>&1 </dev/null
    rc=$?
    [ $rc -eq 0 ] && ok "demo-gil: demo.sh opens its session" || bad "demo-gil: demo.sh exits $rc: $(cat "$TMPDIR/demo-gil.out")"
    wait_for parlab-demo-gil "lab gil: demo" 300 && ok "demo-gil: parmon's lab line shows the demo experiment" ||
        bad "demo-gil: parmon shows no demo: $(shot parlab-demo-gil 2>&1 | sed -n 1,6p)"
    # the demo's 4 phases of 10 s; parmon (--exit) ends with the lab and renames its recording
    i=0
    while [ ! -f "$rec" ] && [ $i -lt 1800 ]; do sleep 0.1; i=$((i + 1)); done
    if [ ! -f "$rec" ]; then
        bad "demo-gil: no recording after 3 minutes"
    else
        # cores busy per sample: the all row's busy % times the CPUs
        awk -F, -v n="$usable" 'NR > 1 && $2 == "all" { print $1, $3 * n / 100 }' "$rec" >"$TMPDIR/cores.txt"
        # the longest run of samples within 0.3 cores of LEVEL, one stray sample allowed
        steady() {
            awk -v lv="$1" 'function flush() { if (t1 - t0 > best) best = t1 - t0 }
                { near = ($2 >= lv - 0.3 && $2 <= lv + 0.3)
                  if (near) { if (!run) { t0 = $1; run = 1; stray = 0 } t1 = $1 }
                  else if (run && !stray) { stray = 1 }
                  else if (run) { flush(); run = 0 } }
                END { flush(); printf "%.1f\n", best }' "$TMPDIR/cores.txt"
        }
        one=$(steady 1.0)
        two=$(steady 2.0)
        awk -v s="$one" 'BEGIN { exit !(s >= 8) }' && ok "demo-gil: a steady phase of ${one} s at ~1.0 cores busy" ||
            bad "demo-gil: the longest phase at ~1.0 cores lasts ${one} s (cores by sample: $(awk '{printf "%.1f ", $2}' "$TMPDIR/cores.txt" | head -c 400))"
        awk -v s="$two" 'BEGIN { exit !(s >= 8) }' && ok "demo-gil: a steady phase of ${two} s at ~2.0 cores busy" ||
            bad "demo-gil: the longest phase at ~2.0 cores lasts ${two} s (cores by sample: $(awk '{printf "%.1f ", $2}' "$TMPDIR/cores.txt" | head -c 400))"
    fi
    [ -f "$TMPDIR/demo-out/gil-summary.csv" ] && ok "demo-gil: the demo's results went to DEMO_OUT, not results/" ||
        bad "demo-gil: no results in DEMO_OUT"
    $T kill-session -t parlab-demo-gil 2>/dev/null
fi

# ---- make demo: the talk's sequence, one short step --------------------------------------------
DEMO_TMUX="$TMUXCMD" DEMO_OUT="$TMPDIR/talk-out" DEMO_STEPS=amdahl DEMO_ARGS="--quick --experiment sleep" \
    PARLAB="$PARLAB" PARMON="$PARMON" sh "$top/src/demo.sh" >"$TMPDIR/demo-talk.out" 2>&1 </dev/null
rc=$?
[ $rc -eq 0 ] && ok "demo: demo.sh (make demo) opens its session" || bad "demo: exits $rc: $(cat "$TMPDIR/demo-talk.out")"
S=parlab-demo-talk
if wait_for "$S.1" "step 1 of 1: Amdahl" 100; then
    ok "demo: the bottom pane announces step 1 and waits"
    shot "$S.1" | grep -q "Ask:" && ok "demo: it says what to ask the room" || bad "demo: no question for the room"
    $T send-keys -t "$S.1" x
    wait_for "$S.0" "lab amdahl" 300 && ok "demo: a key starts the step: parmon follows the lab on top" ||
        bad "demo: parmon does not show the lab: $(shot "$S.0" | sed -n 1,6p)"
    if wait_for "$S.1" "cores-amdahl.png" 600; then
        ok "demo: at the end of the step the chart is drawn and its PNG named"
        [ -f "$TMPDIR/talk-out/plots/cores-amdahl.png" ] && ok "demo: the chart's PNG is there" ||
            bad "demo: no $TMPDIR/talk-out/plots/cores-amdahl.png"
        $T send-keys -t "$S.1" x
        wait_for "$S.1" "the demo is over" 50 && ok "demo: a key after the last step ends the sequence" ||
            bad "demo: no end: $(shot "$S.1" | tail -n 3)"
        $T send-keys -t "$S.1" x
        i=0
        while $T has-session -t "=$S" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
        $T has-session -t "=$S" 2>/dev/null && bad "demo: the session stays after the last key" ||
            ok "demo: the last key closes the session"
    else
        bad "demo: no chart at the end of the step: $(shot "$S.1" | tail -n 5)"
    fi
else
    bad "demo: no step announced: $(shot "$S.1" 2>&1 | head -n 5)"
fi
