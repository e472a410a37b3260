#!/bin/sh
# bench_parmon.sh: parmon's own CPU cost next to htop's, at the same refresh (0.5 s),
# side by side over the same seconds, each in a tmux pane of the same size (100x30).
# CPU time is utime + stime from /proc/PID/stat (clock ticks, usually 10 ms), read at
# the start and the end of the window. parmon often uses less than one tick in 20 s, so
# the ratio is taken from /proc/PID/schedstat (on-CPU nanoseconds, the same clock the
# kernel rounds into ticks) when it is there, from the ticks otherwise.
# Target: parmon costs at most half of htop.
# PARMON_BENCH_SECONDS (default 20) sets the window; the first 2 s are not counted.
set -u
PARMON=${PARMON:-bin/parmon}
secs=${PARMON_BENCH_SECONDS:-20}
name="parmon CPU cost vs htop at 0.5 s"
if ! command -v tmux >/dev/null 2>&1 || ! command -v htop >/dev/null 2>&1; then
    echo "bench: $name: tmux or htop is not installed: not measured"
    exit 0
fi
tmp=$(mktemp -d)
T="tmux -L parmon-bench-$$ -f /dev/null"
trap '$T kill-server 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
# htop with a fresh HOME: its default setup (every process, the CPU meters), and it
# writes no htoprc into the user's home. Both start together and get the same terminal.
$T new-session -d -s htop -x 100 -y 30 "exec env HOME=$tmp htop -d 5"
$T new-session -d -s parmon -x 100 -y 30 "exec $PARMON --interval 0.5"
sleep 2
hp=$($T display-message -p -t htop '#{pane_pid}')
pp=$($T display-message -p -t parmon '#{pane_pid}')
ticks() { # utime + stime of pid (fields 14 and 15, counted after the last ')')
    sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }'
}
ns() { awk '{ print $1 }' "/proc/$1/schedstat" 2>/dev/null; } # on-CPU ns (finer)
h0=$(ticks "$hp"); p0=$(ticks "$pp"); hn0=$(ns "$hp"); pn0=$(ns "$pp")
sleep "$secs"
h1=$(ticks "$hp"); p1=$(ticks "$pp"); hn1=$(ns "$hp"); pn1=$(ns "$pp")
if [ -z "$h0" ] || [ -z "$p0" ] || [ -z "$h1" ] || [ -z "$p1" ]; then
    echo "bench: $name: htop or parmon ended early: not measured"
    exit 0
fi
hz=$(getconf CLK_TCK)
awk -v h=$((h1 - h0)) -v p=$((p1 - p0)) -v hz="$hz" -v s="$secs" -v hn=$((${hn1:-0} - ${hn0:-0})) \
    -v pn=$((${pn1:-0} - ${pn0:-0})) -v name="$name" 'BEGIN {
    printf "  over %d s: htop %d ticks (%.2f%% of a core), parmon %d ticks (%.2f%% of a core)\n",
        s, h, 100 * h / hz / s, p, 100 * p / hz / s
    if (hn > 0)
        printf "  schedstat (ns, finer): htop %.1f ms, parmon %.1f ms, ratio %.3f\n", hn / 1e6, pn / 1e6, pn / hn
    if (hn > 0) { r = pn / hn; how = "on-CPU ns" }
    else if (h > 0) { r = p / h; how = "ticks" }
    else { printf "bench: %s: htop used no measurable CPU: not measured\n", name; exit }
    printf "bench: %s: ratio %.3f (%s; utime+stime parmon %d / htop %d ticks) (target <= 0.5): %s\n",
        name, r, how, p, h, r <= 0.5 ? "met" : "NOT met"
}'
