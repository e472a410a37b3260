#!/bin/sh
# demo.sh LAB | demo.sh: demos for a talk, in tmux.
#
#   demo.sh LAB   (make demo-LAB) a tmux session: parmon launching and following
#                 `parlab run LAB` in the top pane, the lab's own output scrolling in the
#                 bottom pane. A lab with a `demo` experiment (steady phases of ~10 s,
#                 announced on parmon's lab line) runs that.
#   demo.sh       (make demo) the talk's canonical 10-minute sequence, step by step: the
#                 GIL, processes, pool overhead, false sharing, Amdahl. Before each step the
#                 bottom pane says what it shows and what to ask the room, and waits for a
#                 key; then parmon (top) runs the step's lab while its output scrolls below;
#                 at the end the step's chart is drawn in the terminal (gnuplot) and its PNG
#                 path printed; a key goes on. Rehearse it on the machine you present from.
# Environment:
#   DEMO_ARGS    options for the lab (e.g. DEMO_ARGS=--quick; unset: the lab's `demo`
#                experiment, its steady phases, if it has one)
#   DEMO_OUT     where the demos' results go (default results/demo: your tour's results
#                in results/ stay as they were, for the slides)
#   PARMON_ARGS  extra options for parmon       (e.g. PARMON_ARGS="--no-color --interval 1")
#   PARLAB, PARMON  the programs (default bin/parlab, bin/parmon of this checkout)
#   DEMO_TMUX    the tmux command (tests use a private server: "tmux -L NAME")
#   DEMO_STEPS   the talk's steps, a subset or another order (default: gil tvp pool sync amdahl)
# On a projector: see docs/parmon.md ("On a projector").
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
PARLAB=${PARLAB:-$top/bin/parlab}
PARMON=${PARMON:-$top/bin/parmon}
DEMO_OUT=${DEMO_OUT:-results/demo}
TM=${DEMO_TMUX:-tmux}
export PARLAB PARMON DEMO_OUT

# The steps of the talk: lab, title, what to ask the room first, what to point at.
step_info() {
    case "$1" in
    gil) echo "The GIL: 1 Python thread, 2 threads, 2 processes, 2 threads in C"
         echo "Ask: two Python threads on two CPUs - how many cores busy?"
         echo "Point at: 'N of 2 cores busy' on parmon's top line, and the lab line's phase." ;;
    tvp) echo "Processes and threads: the same CPU work on each, then waits on ONE CPU"
         echo "Ask: in C, are threads or processes faster for CPU work? And 32 waiting threads on one CPU?"
         echo "Point at: both cores busy either way; then nothing busy while 32 threads wait." ;;
    pool) echo "Pool overhead: tiny tasks one at a time, then in chunks of 100"
          echo "Ask: a process pool and 2-microsecond tasks - how busy are the cores?"
          echo "Point at: the cores busy with the pool's hand-overs, then the tasks a second in the output." ;;
    sync) echo "False sharing: counters on their own cache lines, then on one line"
          echo "Ask: two threads, each with its own counter - can sharing a cache line slow them?"
          echo "Point at: both cores stay 100% busy, yet the increments a second drop (below)." ;;
    amdahl) echo "Amdahl: a serial phase caps the speedup"
            echo "Ask: 30% serial on 2 cores - how much faster than 1?"
            echo "Point at: one core busy in the serial phase, two in the parallel one." ;;
    *) echo "$1"; echo "Ask: what do you expect?"; echo "Point at: parmon's cores line." ;;
    esac
}

# The options a lab runs with: its `demo` experiment if it has one, else DEMO_ARGS or a
# quick run.
lab_args() {
    if [ -n "${DEMO_ARGS+set}" ]; then
        echo "$DEMO_ARGS"
    elif "$PARLAB" help "$1" 2>/dev/null | grep -q '^  demo '; then
        echo "--experiment demo"
    elif [ "$1" = amdahl ]; then
        echo "--quick --experiment scaling --seconds 2"
    else
        echo "--quick"
    fi
}

key() { # wait for one key in this terminal
    if [ -t 0 ]; then
        old=$(stty -g)
        stty -icanon -echo min 1 time 0
        dd bs=1 count=1 >/dev/null 2>&1
        stty "$old"
    else
        read -r _ || true
    fi
}

# ---- the driver: runs in the bottom pane of `make demo` ------------------------------------
if [ "${1:-}" = "--driver" ]; then
    session=$2
    shift 2
    cd "$top" || exit 1
    mkdir -p "$DEMO_OUT"
    n=$#
    i=0
    for lab in "$@"; do
        i=$((i + 1))
        title=$(step_info "$lab" | sed -n 1p)
        clear
        printf '\n  step %d of %d: %s\n\n' "$i" "$n" "$title"
        step_info "$lab" | sed -n '2,$p' | sed 's/^/  /'
        printf '\n  parlab run %s %s\n' "$lab" "$(lab_args "$lab")"
        printf '\n  [a key starts it; q ends the demo]\n'
        c=$(if [ -t 0 ]; then old=$(stty -g); stty -icanon -echo min 1 time 0; dd bs=1 count=1 2>/dev/null; stty "$old"; else head -c 1; fi)
        [ "$c" = q ] && break
        log=$(mktemp "${TMPDIR:-/tmp}/parlab-demo-$lab.XXXXXX") || exit 1
        rec="$DEMO_OUT/parmon-record.csv"
        rm -f "$rec"
        # Top pane: parmon runs the step's lab (--exit: it hands the pane back when the lab
        # ends, and --record keeps every sample for the chart).
        $TM respawn-pane -k -t "$session.0" \
            "$PARMON ${PARMON_ARGS:-} --exit --record $rec --log $log -- $PARLAB run $lab $(lab_args "$lab") --out $DEMO_OUT; echo; echo '  (step over: parmon closed)'; sleep 100000"
        clear
        printf '  step %d of %d: %s   (the lab'"'"'s output)\n' "$i" "$n" "$title"
        tail -n +1 -f "$log" &
        tailpid=$!
        # until parmon has written its recording: the lab is over
        while [ ! -f "$rec" ] && $TM list-panes -t "$session" >/dev/null 2>&1; do sleep 0.5; done
        sleep 0.3
        kill "$tailpid" 2>/dev/null
        wait "$tailpid" 2>/dev/null
        rm -f "$log"
        # The chart: the cores over the step, in the terminal (this pane zoomed to the
        # whole window: parmon is done), and as a PNG.
        $TM resize-pane -Z -t "$session.1" 2>/dev/null
        clear
        printf '  step %d of %d: %s: what each core did (parmon'"'"'s recording)\n' "$i" "$n" "$title"
        sh "$top/plots/render.sh" --dumb "$DEMO_OUT" cores 2>/dev/null | head -n 34
        sh "$top/plots/render.sh" "$DEMO_OUT" cores >/dev/null 2>&1 &&
            cp "$DEMO_OUT/plots/cores.png" "$DEMO_OUT/plots/cores-$lab.png" 2>/dev/null &&
            printf '  chart: %s/plots/cores-%s.png\n' "$DEMO_OUT" "$lab"
        printf '  [a key: %s]' "$([ "$i" -lt "$n" ] && echo "the next step" || echo "the end")"
        c=$(if [ -t 0 ]; then old=$(stty -g); stty -icanon -echo min 1 time 0; dd bs=1 count=1 2>/dev/null; stty "$old"; else head -c 1; fi)
        $TM resize-pane -Z -t "$session.1" 2>/dev/null # back to parmon above, the driver below
        [ "$c" = q ] && break
    done
    clear
    printf '\n  the demo is over: results in %s/, charts in %s/plots/ (make slides uses results/)\n' "$DEMO_OUT" "$DEMO_OUT"
    printf '  [a key closes the session]\n'
    key
    $TM kill-session -t "$session" 2>/dev/null
    exit 0
fi

# A lab named: is it one? (parlab's one line naming an unknown lab, exit 2, before
# anything else is looked at)
if [ -n "${1:-}" ] && ! err=$("$PARLAB" help "$1" 2>&1 >/dev/null); then
    echo "$err" >&2
    exit 2
fi
if ! command -v tmux >/dev/null 2>&1 && [ -z "${DEMO_TMUX:-}" ]; then
    echo "demo: tmux is not installed (make deps); without it run:" >&2
    echo "  $PARMON -- $PARLAB run ${1:-gil}" >&2
    exit 3
fi

attach() {
    if [ -n "${TMUX:-}" ]; then
        $TM switch-client -t "$1"
    elif [ -t 0 ] && [ -t 1 ]; then
        $TM attach-session -t "$1"
    else
        echo "demo: no terminal here: attach with  tmux attach -t $1"
    fi
}

# ---- make demo: the talk's sequence ---------------------------------------------------------
if [ -z "${1:-}" ]; then
    steps=${DEMO_STEPS:-gil tvp pool sync amdahl}
    for lab in $steps; do
        if ! err=$("$PARLAB" help "$lab" 2>&1 >/dev/null); then
            echo "$err" >&2
            exit 2
        fi
    done
    session=parlab-demo-talk
    $TM has-session -t "=$session" 2>/dev/null && $TM kill-session -t "=$session"
    cd "$top" || exit 1
    # Top pane: parmon alone until the first step starts; bottom: the driver, a third.
    # A pane gets the tmux server's environment, not ours: the driver is told explicitly.
    q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
    envs="PARLAB=$(q "$PARLAB") PARMON=$(q "$PARMON") DEMO_OUT=$(q "$DEMO_OUT") PARMON_ARGS=$(q "${PARMON_ARGS:-}")"
    [ -n "${DEMO_ARGS+set}" ] && envs="$envs DEMO_ARGS=$(q "$DEMO_ARGS")"
    [ -n "${DEMO_TMUX:-}" ] && envs="$envs DEMO_TMUX=$(q "$DEMO_TMUX")"
    $TM new-session -d -s "$session" -x 120 -y 45 "$PARMON ${PARMON_ARGS:-}"
    $TM split-window -v -l 33% -t "$session" "env $envs sh '$top/src/demo.sh' --driver $session $steps"
    $TM set-option -t "$session" remain-on-exit off >/dev/null
    echo "demo: tmux session '$session': $steps, a key between steps (q in the bottom pane"
    echo "      ends it; Ctrl-b d detaches; tmux kill-session -t $session ends the demo)"
    attach "$session"
    exit 0
fi

# ---- make demo-LAB ------------------------------------------------------------------------------
lab=$1
args=$(lab_args "$lab")
# DEMO_ARGS naming its own --out wins; else the demo's results go to DEMO_OUT.
case " $args " in *" --out "*) ;; *) mkdir -p "$DEMO_OUT" && args="$args --out $DEMO_OUT" ;; esac
session="parlab-demo-$lab"
# The lab's output: a new file of our own (mktemp: O_EXCL, never through a symlink
# someone planted at a predictable name); parmon appends to it.
log=$(mktemp "${TMPDIR:-/tmp}/$session.XXXXXX") || exit 1
# A demo session left from an earlier talk: replace it.
$TM has-session -t "=$session" 2>/dev/null && $TM kill-session -t "=$session"
cd "$top" || exit 1
# Top pane: parmon runs the lab (its output goes to the log); it keeps the last screen
# when the lab ends, so the picture stays up while you talk; q closes it.
$TM new-session -d -s "$session" -x 120 -y 40 \
    "$PARMON ${PARMON_ARGS:-} --log $log -- $PARLAB run $lab $args"
# Bottom pane: what the lab prints (its tables and notes), a quarter of the height.
$TM split-window -v -d -l 25% -t "$session" "tail -n +1 -f $log"
$TM set-option -t "$session" remain-on-exit off >/dev/null
echo "demo: tmux session '$session': parmon following 'parlab run $lab $args' (q quits parmon;"
echo "      Ctrl-b d detaches; tmux kill-session -t $session ends the demo)"
attach "$session"
