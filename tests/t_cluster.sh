#!/bin/sh
# The cluster lab beyond the smoke test: bad options are usage errors; a run keeps the
# results contract, runs where it says (each rank reports its host's own hostname: the
# namespace hosts say node1 and node2), and leaves nothing behind (no mpirun, daemon,
# rank, Dask process, namespace, veth or private folder), also after SIGTERM and Ctrl-C
# in the middle of a run; without Open MPI, mpi4py or Dask, or without the privilege to
# make namespaces, the parts that cannot run say why and the rest runs (exit 3 only when
# nothing asked for can run); the Python files run on their own; a doctored summary is
# judged "does not hold". No timing is checked.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
top=${PARLAB_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
out="$TMPDIR/cluster"
mkdir -p "$out"
# Every private folder the lab makes goes under $TMPDIR: a leftover is found there.
export TMPDIR
# short, but with every place, size class and engine of quick mode (tests/fast.sh's options
# for this lab skip the big messages)
fast="--quick --reps 1 --seconds 0.02 --sample-ms 1"
root=no
[ "$(id -u)" -eq 0 ] && root=yes
have_mpi=no
command -v mpirun.openmpi >/dev/null 2>&1 && [ -x "$(dirname "$PARLAB")/cluster-ranks" ] && have_mpi=yes

# What a run may leave. Every process the lab starts (mpirun, daemons, ranks, Dask, the
# namespace holders, which keep the namespaces and their veths alive) carries the lab's
# private folder in its environment (DASK_TEMPORARY_DIRECTORY): found by that, whoever
# else runs on this machine. Then the folders themselves, and veths or named namespaces
# in this namespace (the lab makes neither: its veths live and die inside its own).
# (Dask's own folder in /tmp: someone else's if it was there before)
dws_before=no
[ -e /tmp/dask-worker-space ] && dws_before=yes
ours() {
    for f in /proc/[0-9]*/environ; do
        grep -qas "parlab-cluster-" "$f" 2>/dev/null && { p=${f#/proc/}; echo "${p%%/*}"; }
    done
}
leftovers() {
    sleep 0.3 # a killed process is reaped, its namespaces freed, in a moment
    left=""
    p=$(ours | tr '\n' ' ')
    [ -n "$p" ] && left="$left processes: $(ps -o pid=,args= -p "$(echo $p | tr ' ' ',')" 2>/dev/null | cut -c1-80 | tr '\n' ';')"
    ip -o link show type veth 2>/dev/null | grep -q . && left="$left veths: $(ip -o link show type veth | cut -d: -f2 | tr '\n' ' ')"
    ip netns list 2>/dev/null | grep -q . && left="$left named namespaces: $(ip netns list | tr '\n' ' ')"
    ls -d "$TMPDIR"/parlab-cluster-* >/dev/null 2>&1 && left="$left folders: $(ls -d "$TMPDIR"/parlab-cluster-*)"
    ls -d "$TMPDIR"/dask-worker-space >/dev/null 2>&1 && left="$left $TMPDIR/dask-worker-space"
    [ $dws_before = no ] && ls -d /tmp/dask-worker-space >/dev/null 2>&1 && left="$left /tmp/dask-worker-space"
    echo "$left"
}

# ---- bad options: one line naming the value, exit 2, before anything runs ----------------------
: >"$TMPDIR/empty-hostfile"
for args in "--hosts 9" "--cap-mbit -1" "--netns 2" "--serial 1.5" "--experiment frob" "--max-bytes 0" "--sample-ms 0" \
    "--hostfile $TMPDIR/no-such-hostfile" "--hostfile $TMPDIR/empty-hostfile" "--hostfile $TMPDIR"; do
    # shellcheck disable=SC2086
    "$PARLAB" run cluster $args --out "$out/bad" >"$out/bad.out" 2>"$out/bad.err" </dev/null
    rc=$?
    opt=${args%% *}
    if [ $rc -eq 2 ] && [ "$(wc -l <"$out/bad.err")" -eq 1 ] && grep -q -e "${opt#--}" "$out/bad.err" &&
        [ ! -s "$out/bad.out" ] && [ ! -e "$out/bad" ]; then
        ok "cluster: $args is a usage error naming it"
    else
        bad "cluster: $args exits $rc: $(cat "$out/bad.err")"
    fi
done

# A column of a CSV file by its name, with the row's keys: experiment,variant,workers,param,metric,<NAME>
rows() {
    awk -F, -v want="$2" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        { print $c["experiment"] "," $c["variant"] "," $c["workers"] "," $c["param"] "," $c["metric"] "," $c[want] }' "$1"
}

# ---- a whole run, as short as it gets --------------------------------------------------------------
d="$out/run"
mkdir -p "$d"
# shellcheck disable=SC2086
PARLAB_CHECK_PLAN=1 "$PARLAB" run cluster $fast --out "$d" >"$d/stdout" 2>"$d/stderr" </dev/null
rc=$?
if [ $rc -ne 0 ]; then
    bad "cluster: a run exits $rc: $(tail -n 3 "$d/stderr" | tr '\n' ' ')"
else
    ok "cluster: a run ends well"
    grep -q "planned .* points but ran" "$d/stderr" && bad "cluster: $(grep planned "$d/stderr")" ||
        ok "cluster: the points announced match the plan"
    "$TOOLS/tool_csvcheck" "$d" cluster
    sum="$d/cluster-summary.csv"
    for em in pingpong,latency_us pingpong,bandwidth_mb_s amdahl,speedup halo,efficiency tasks,us_per_task \
              tasks,efficiency oversubscribe,allreduce_us; do
        e=${em%,*} m=${em#*,}
        if rows "$sum" median | awk -F, -v e="$e" -v m="$m" '$1 == e && $5 == m { f = 1 } END { exit !f }'; then
            ok "cluster: $e has $m"
        elif [ $have_mpi = no ] && [ "$e" != tasks ] && [ "$em" != amdahl,speedup ]; then
            ok "cluster: $e has no $m: no Open MPI here"
        else
            bad "cluster: $e lacks $m"
        fi
    done
    # the threads beside the ranks: in any build
    rows "$sum" median | grep -q "^amdahl,threads-spin,.*,speedup," && ok "cluster: amdahl has its threads variant" ||
        bad "cluster: amdahl lacks its threads variant"
    if [ $have_mpi = yes ]; then
        for v in shm tcp mpi4py-buffers mpi4py-pickle; do
            rows "$sum" median | grep -q "^pingpong,$v,2,bytes=" && ok "cluster: pingpong over $v" ||
                bad "cluster: no pingpong over $v"
        done
        # each rank says where it ran: one host here, node1 and node2 on the namespace hosts
        h=$(awk -F, '$2 == "pingpong" && $3 == "shm" {print $5}' "$d/cluster-hosts.csv" | sort -u)
        [ "$h" = "$(hostname)" ] && ok "cluster: the shm ranks run on this host ($h)" || bad "cluster: shm ranks on '$h'"
        if rows "$sum" median | grep -q "^pingpong,netns,"; then
            h=$(awk -F, '$2 == "pingpong" && $3 == "netns" {print $5}' "$d/cluster-hosts.csv" | sort -u | tr '\n' ' ')
            [ "$h" = "node1 node2 " ] && ok "cluster: the netns ranks report their hosts' own names ($h)" ||
                bad "cluster: the netns ranks report '$h'"
            rows "$sum" median | grep -q "^pingpong,netns-capped,2,bytes=[0-9]*;cap_mbit=1000,bandwidth_mb_s," &&
                ok "cluster: the capped link is measured, its cap in the param" || bad "cluster: no capped bandwidth"
        elif [ $root = yes ] && grep -q "skipped: pingpong netns, .*no '[a-z]*' command (apt-get install" "$d/stdout"; then
            ok "cluster: root, but no namespace hosts: a tool is missing, and the run says which"
        elif [ $root = yes ]; then
            bad "cluster: root, yet no namespace hosts: $(grep 'skipped: pingpong netns' "$d/stdout" | head -n 1)"
        else
            grep -q "skipped: pingpong netns, .*namespace" "$d/stdout" && ok "cluster: not root: the namespace hosts are skipped, saying why" ||
                bad "cluster: not root, and no reason for the missing namespace hosts"
        fi
    fi
    n=$(grep -c "^  \(holds\|does not hold\|cannot tell\) " "$d/stdout")
    [ "$n" -eq 9 ] && ok "cluster: 9 claims judged after the experiments" || bad "cluster: $n claims judged, expected 9"
    "$PARLAB" report "$d" >"$d/report" 2>&1 && grep -q "^== cluster" "$d/report" &&
        ok "cluster: parlab report judges the saved run" || bad "cluster: parlab report: $(tail -n 2 "$d/report")"
    # a doctored summary: the capped link twice as fast as its cap, the oversubscribed
    # allreduce as fast spinning as yielding: both "does not hold"
    if grep -q ",netns-capped,2,bytes=1048576;cap_mbit=1000,bandwidth_mb_s," "$sum"; then
        mkdir -p "$d/doctored"
        cp "$d/cluster-meta.csv" "$d/doctored/"
        # (five repetitions on a quiet machine, whatever this one was doing)
        awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next }
            $c["variant"] == "netns-capped" { $c["flags"] = "" }
            $c["variant"] == "netns-capped" && $c["metric"] == "other_cores" { $c["median"] = $c["min"] = $c["max"] = 0 }
            $c["variant"] == "netns-capped" && $c["metric"] == "cpu_cores" { $c["median"] = $c["min"] = $c["ci_lo"] = 1.9; $c["max"] = $c["ci_hi"] = 2 }
            $c["variant"] == "netns-capped" && $c["metric"] == "bandwidth_mb_s" {
                $c["median"] = $c["min"] = $c["ci_lo"] = 250; $c["max"] = $c["ci_hi"] = 260; $c["n"] = 5; $c["ci_level"] = 0.9375 }
            { print }' "$sum" >"$d/doctored/cluster-summary.csv"
        "$PARLAB" report "$d/doctored" >"$d/doctored/report" 2>&1
        grep -A1 "^  does not hold *A link capped" "$d/doctored/report" | grep -q "250 MB/s" &&
            ok "cluster: a doctored capped bandwidth is judged 'does not hold'" ||
            bad "cluster: the doctored summary: $(grep -A2 'A link capped' "$d/doctored/report" | tr '\n' ' ')"
    fi
fi
left=$(leftovers)
[ -z "$left" ] && ok "cluster: nothing left after a run" || bad "cluster: left after a run:$left"

# ---- SIGTERM and Ctrl-C in the middle: nothing left --------------------------------------------------
# stop EXP SIGNAL WHAT STATUS: start the experiment, wait until WHAT runs (a pattern for
# pgrep -f), send the signal to parlab once, and check the exit status, that no result was
# written and that nothing is left. A harness child gets SIGTERM (or Ctrl-C) and time to
# stop its jobs, remove its hosts and its folder.
stop() {
    exp=$1 sig=$2 what=$3 want=$4
    rm -rf "$out/stop"
    "$PARLAB" run cluster --quick --experiment "$exp" --out "$out/stop" >"$out/stop.out" 2>"$out/stop.err" </dev/null &
    pid=$!
    seen=no
    for _ in $(seq 1 400); do
        if pgrep -f "$what" >/dev/null 2>&1 && [ -n "$(ours)" ]; then
            seen=yes
            break
        fi
        kill -0 $pid 2>/dev/null || break
        sleep 0.05
    done
    sleep 0.5
    kill -"$sig" $pid 2>/dev/null
    wait $pid
    rc=$?
    left=$(leftovers)
    if [ $seen = no ]; then
        ok "cluster: $sig during $exp: '$what' never ran here (exit $rc), nothing to stop"
    elif [ $rc -eq "$want" ] && [ -z "$left" ]; then
        ok "cluster: $sig during $exp (while $what ran): exit $rc, nothing left"
    else
        bad "cluster: $sig during $exp: exit $rc (expected $want), left:$left"
    fi
    [ ! -e "$out/stop/cluster-summary.csv" ] && ok "cluster: $sig during $exp: no results written" ||
        bad "cluster: $sig during $exp: results were written"
}
if [ $have_mpi = yes ]; then
    stop halo TERM "orted" 143 # the namespace hosts up, Open MPI's daemons on them
    stop pingpong INT "cluster-ranks" 130
    stop amdahl TERM "cluster-ranks" 143
fi
stop tasks TERM "cluster_tasks.py" 143

# ---- without Open MPI: its parts say why; exit 3 only when nothing asked for can run ------------------
nompi="$out/nompi"
mkdir -p "$nompi"
PATH=/usr/sbin:/sbin "$PARLAB" run cluster --experiment pingpong --out "$nompi/a" >"$nompi/a.out" 2>"$nompi/a.err" </dev/null
rc=$?
[ $rc -eq 3 ] && grep -q "skipped: .*Open MPI is not installed" "$nompi/a.err" &&
    ok "cluster: without Open MPI, pingpong alone cannot run: exit 3, says why" ||
    bad "cluster: without Open MPI, pingpong alone: exit $rc: $(cat "$nompi/a.err")"
# shellcheck disable=SC2086
PATH=/usr/sbin:/sbin PARLAB_CHECK_PLAN=1 "$PARLAB" run cluster $fast --experiment amdahl,tasks,oversubscribe --out "$nompi/b" \
    >"$nompi/b.out" 2>"$nompi/b.err" </dev/null
rc=$?
if [ $rc -eq 0 ] && grep -q "skipped: amdahl mpi-spin, .*Open MPI is not installed" "$nompi/b.out" &&
    grep -q "skipped: tasks mpi4py, .*Open MPI is not installed" "$nompi/b.out" &&
    grep -q "skipped: oversubscribe spin, .*Open MPI is not installed" "$nompi/b.out" &&
    rows "$nompi/b/cluster-summary.csv" median | grep -q "^amdahl,threads-spin," &&
    rows "$nompi/b/cluster-summary.csv" median | grep -q "^tasks,process-pool,"; then
    ok "cluster: without Open MPI the rest runs (threads, process pool), the MPI points say why"
else
    bad "cluster: without Open MPI: exit $rc: $(grep -m 2 skipped "$nompi/b.out" | tr '\n' ' ') $(tail -n 2 "$nompi/b.err")"
fi
grep -q "planned .* points but ran" "$nompi/b.err" && bad "cluster: without Open MPI: $(grep planned "$nompi/b.err")" ||
    ok "cluster: without Open MPI the skips keep the plan"

# ---- without mpi4py and Dask: their points say why --------------------------------------------------
fake="$out/nopy"
mkdir -p "$fake/mpi4py" "$fake/distributed" "$fake/dask"
for m in mpi4py distributed dask; do echo 'raise ImportError("hidden by t_cluster.sh")' >"$fake/$m/__init__.py"; done
# shellcheck disable=SC2086
PYTHONPATH="$fake" PARLAB_CHECK_PLAN=1 "$PARLAB" run cluster $fast --experiment pingpong,tasks --netns 0 --out "$fake/r" \
    >"$fake/r.out" 2>"$fake/r.err" </dev/null
rc=$?
if [ $rc -eq 0 ] && grep -q "skipped: tasks dask-local, .*hidden by t_cluster.sh" "$fake/r.out" &&
    { [ $have_mpi = no ] || grep -q "skipped: pingpong mpi4py-buffers, .*hidden by t_cluster.sh" "$fake/r.out"; } &&
    rows "$fake/r/cluster-summary.csv" median | grep -q "^tasks,process-pool,"; then
    ok "cluster: without mpi4py and Dask their points are skipped with the reason, the rest runs"
else
    bad "cluster: without mpi4py and Dask: exit $rc: $(grep -m 3 skipped "$fake/r.out" | tr '\n' ' ')"
fi

# ---- without the privilege to make namespaces (root without capabilities) -----------------------------
if [ $root = yes ] && [ $have_mpi = yes ] && command -v setpriv >/dev/null 2>&1 &&
    setpriv --bounding-set=-all --inh-caps=-all true 2>/dev/null; then
    np="$out/nopriv"
    mkdir -p "$np"
    # shellcheck disable=SC2086
    setpriv --bounding-set=-all --inh-caps=-all "$PARLAB" run cluster $fast --experiment pingpong --out "$np" \
        >"$np.out" 2>"$np.err" </dev/null
    rc=$?
    if [ $rc -eq 0 ] && grep -q "skipped: pingpong netns, .*cannot make a network namespace" "$np.out" &&
        grep -q "skipped: pingpong netns-capped, " "$np.out" && rows "$np/cluster-summary.csv" median | grep -q "^pingpong,tcp,"; then
        ok "cluster: without the privilege the namespace hosts are skipped, saying why; one host still runs"
    else
        bad "cluster: without the privilege: exit $rc: $(grep -m 2 'skipped\|namespace' "$np.out" | tr '\n' ' ') $(tail -n 2 "$np.err")"
    fi
else
    ok "cluster: the no-privilege case not tried here (not root, no Open MPI or no setpriv)"
fi
left=$(leftovers)
[ -z "$left" ] && ok "cluster: nothing left after the runs without packages or privilege" || bad "cluster: left:$left"

# ---- the Python files on their own -----------------------------------------------------------------
if /usr/bin/python3 -c 'import distributed' 2>/dev/null; then
    /usr/bin/python3 "$top/labs/cluster/cluster_tasks.py" >"$out/tasks_alone.out" 2>&1 </dev/null
    rc=$?
    [ $rc -eq 0 ] && grep -q "^process-pool .*[0-9]" "$out/tasks_alone.out" && grep -q "^dask-local .*[0-9]" "$out/tasks_alone.out" &&
        ok "cluster: cluster_tasks.py runs on its own" || bad "cluster: cluster_tasks.py alone: exit $rc: $(tail -n 3 "$out/tasks_alone.out")"
fi
if [ $have_mpi = yes ] && /usr/bin/python3 -c 'import mpi4py' 2>/dev/null; then
    ( [ $root = yes ] && export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
      mpirun.openmpi -n 2 --oversubscribe /usr/bin/python3 "$top/labs/cluster/cluster_mpi4py.py" ) >"$out/mpi4py_alone.out" 2>&1 </dev/null
    rc=$?
    [ $rc -eq 0 ] && grep -q "^pickle .* us one way" "$out/mpi4py_alone.out" &&
        ok "cluster: cluster_mpi4py.py runs on its own under mpirun" ||
        bad "cluster: cluster_mpi4py.py alone: exit $rc: $(tail -n 3 "$out/mpi4py_alone.out")"
fi
left=$(leftovers)
[ -z "$left" ] && ok "cluster: nothing left at the end" || bad "cluster: left at the end:$left"
