#!/bin/sh
# demo.sh LAB: a tmux session for a talk: parmon launching and following `parlab run LAB`
# in the top pane, the lab's own output scrolling in the bottom pane. `make demo-LAB`
# runs it. Environment:
#   DEMO_ARGS    options for the lab (e.g. DEMO_ARGS=--quick; unset: the lab's `demo`
#                experiment, its steady phases, if it has one)
#   PARMON_ARGS  extra options for parmon       (e.g. PARMON_ARGS="--no-color --interval 1")
#   PARLAB, PARMON  the programs (default bin/parlab, bin/parmon of this checkout)
#   DEMO_TMUX    the tmux command (tests use a private server: "tmux -L NAME")
# On a projector: see docs/parmon.md ("On a projector").
set -u
lab=${1:-}
top=$(cd "$(dirname "$0")/.." && pwd)
PARLAB=${PARLAB:-$top/bin/parlab}
PARMON=${PARMON:-$top/bin/parmon}
if [ -z "$lab" ]; then
    echo "demo: usage: make demo-LAB (LAB from 'parlab list')" >&2
    exit 2
fi
if ! err=$("$PARLAB" help "$lab" 2>&1 >/dev/null); then
    echo "$err" >&2 # parlab's one line naming the unknown lab
    exit 2
fi
if ! command -v tmux >/dev/null 2>&1; then
    echo "demo: tmux is not installed (make deps); without it run:" >&2
    echo "  $PARMON -- $PARLAB run $lab" >&2
    exit 3
fi
# A lab with a `demo` experiment (steady phases of ~10 s each, announced on parmon's lab
# line, so the audience can read "1.0 of 2 cores busy" before it changes) runs that.
args=${DEMO_ARGS-}
if [ -z "${DEMO_ARGS+set}" ] && "$PARLAB" help "$lab" | grep -q '^  demo '; then
    args="--experiment demo"
fi
TM=${DEMO_TMUX:-tmux}
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
echo "demo: tmux session '$session': parmon following 'parlab run $lab' (q quits parmon;"
echo "      Ctrl-b d detaches; tmux kill-session -t $session ends the demo)"
if [ -n "${TMUX:-}" ]; then
    $TM switch-client -t "$session"
elif [ -t 0 ] && [ -t 1 ]; then
    $TM attach-session -t "$session"
else
    echo "demo: no terminal here: attach with  tmux attach -t $session"
fi
