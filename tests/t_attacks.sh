#!/bin/sh
# Nothing lost, nothing left, nothing clobbered. For every lab, faults are injected at
# each commit-sensitive moment (PARLAB_FAULT, see src/util.h): a signal or a crash
# while a point is announced (first, middle, last), after each file of the set is
# complete but before any is published, during the publication itself, and a full disk
# while writing. After each, the output folder holds either the earlier set byte for
# byte or a whole new set (never a mix), no temporary, no status page, and no process
# of the run survives. Deterministic: no sleeps, no timing. Prints how many attacks
# were tried and how many left anything behind.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
status="$TMPDIR/attack-status"
mkdir -p "$status"
export PARLAB_STATUS_DIR="$status"
tried=0
broken=0

# Quick, small runs (tests/fast.sh), on the experiments that cover what can go wrong in
# each lab: children, Python pools, extra tables.
. "$PARLAB_TOP/tests/fast.sh"
fast_args() {
    case "$1" in
    amdahl) echo "$(fast_opts amdahl) --experiment scaling,sleep" ;;
    gil) echo "$(fast_opts gil) --experiment python-cpu,gil-timeline" ;;
    tvp) echo "$(fast_opts tvp) --experiment create,cpu-bound" ;;
    pool) echo "$(fast_opts pool) --experiment task-overhead,chunksize" ;; # the Python pools, joblib too
    sync) echo "$(fast_opts sync) --experiment lock,false-sharing" ;;
    sklearn) echo "$(fast_opts sklearn) --experiment cv" ;;            # loky pools, joblib's /dev/shm
    cluster) echo "$(fast_opts cluster) --experiment pingpong,tasks --netns 0" ;; # mpirun, Dask (t_cluster.sh: namespaces)
    *) fast_opts "$1" ;;
    esac
}
# What a Python pool may leave in shared memory (semaphores, loky's folders)
shm_state() { ls -A /dev/shm 2>/dev/null | grep -v '^parlab-[0-9]*$' | sort; }
# the private folders labs make for their services (a broker's socket, MPI's files)
priv_state() { ls -A "$TMPDIR" 2>/dev/null | grep '^parlab-' | sort; }

# snapshot DIR: the set's files and their checksums, one line each
snapshot() { (cd "$1" && for f in $(ls -A); do echo "$f $(cksum <"$f")"; done); }

# check LAB DIR BEFORE WHAT: the folder is the old set or one whole new set
check_after() {
    lab=$1; d=$2; before=$3; what=$4; sid=$5
    problem=""
    [ "$(priv_state)" = "$priv_before" ] ||
        problem="$problem private folders left: $(priv_state | grep -vxF "$priv_before" | tr '\n' ' ');"
    [ "$(shm_state)" = "$shm_before" ] ||
        problem="$problem new in /dev/shm: $(shm_state | grep -vxF "$shm_before" | tr '\n' ' ');"
    now=$(snapshot "$d")
    if [ "$now" != "$before" ]; then
        # a new set: every file present, and all carry one run_id different from the old
        ids=$(for f in "$d/$lab"-*.csv; do
            case "$f" in *-meta.csv) awk -F, '$1=="run_id"{print $2}' "$f" ;;
                          *) awk -F, 'NR==2{print $1}' "$f" ;; esac
        done | sort -u | wc -l)
        for f in runs summary meta; do [ -f "$d/$lab-$f.csv" ] || problem="$problem missing $lab-$f.csv;"; done
        [ "$ids" -eq 1 ] || problem="$problem a mixed set ($ids run_ids);"
    fi
    ls -A "$d" | grep -q '^\.' && problem="$problem temporaries: $(ls -A "$d" | grep '^\.' | tr '\n' ' ');"
    [ -n "$(ls -A "$status")" ] && problem="$problem status page: $(ls "$status");"
    left=$(ps -eo sid=,pid=,args= | awk -v s="$sid" '$1 == s' | grep -v "awk")
    [ -n "$left" ] && problem="$problem processes left: $(echo "$left" | head -n 3 | tr '\n' ' ');"
    tried=$((tried + 1))
    if [ -n "$problem" ]; then
        broken=$((broken + 1))
        bad "$lab, $what:$problem"
        pkill -KILL -s "$sid" 2>/dev/null
        rm -f "$status"/* 2>/dev/null
    fi
}

# attack LAB DIR FAULT: run the lab with the fault in its own session; check after
attack() {
    lab=$1; d=$2; fault=$3
    before=$(snapshot "$d")
    shm_before=$(shm_state)
    priv_before=$(priv_state)
    # setsid: the run leads a session of its own, so whatever it leaves is findable
    PARLAB_FAULT="$fault" setsid "$PARLAB" run "$lab" $(fast_args "$lab") --out "$d" \
        >"$TMPDIR/attack.out" 2>"$TMPDIR/attack.err" </dev/null &
    pid=$!
    wait $pid
    rc=$?
    check_after "$lab" "$d" "$before" "$fault (exit $rc)" "$pid"
    # the fault must have fired: a test that cannot fail is no test
    case "$fault" in
    die@*|enospc@*) want=1 ;; int@point*) want=130 ;; hup@*) want=129 ;; *) want=143 ;;
    esac
    if [ "$rc" -ne "$want" ]; then
        broken=$((broken + 1))
        bad "$lab, $fault: exit $rc, expected $want (did the fault fire?): $(tail -n 1 "$TMPDIR/attack.err")"
    fi
}

for lab in $("$PARLAB" list | grep -v "cannot run" | awk '{print $1}'); do
    d="$TMPDIR/attack-$lab"
    mkdir -p "$d"
    if ! "$PARLAB" run "$lab" $(fast_args "$lab") --out "$d" >"$TMPDIR/attack.out" 2>&1 </dev/null; then
        bad "$lab: the run to attack failed: $(tail -n 2 "$TMPDIR/attack.out" | tr '\n' ' ')"
        continue
    fi
    points=$(awk -F, '$1 == "points" {print $2}' "$d/$lab-meta.csv")
    files=$(ls "$d" | grep -c "^$lab-.*\.csv$")
    mid=$(( (points + 1) / 2 ))
    n0=$tried; b0=$broken
    # Every fault for the labs of the first lessons; the labs with services of their own
    # (a broker, MPI daemons, Python pools: seconds to start) get the faults that reach
    # their own code (a signal at a point, a crash, a full disk) and one signal during
    # the final publish: the writing of the set is the harness's, the same for every lab,
    # and is attacked file by file above.
    case $lab in
    amdahl | gil | tvp | pool | sync | freeze) every=1 ;;
    *) every=0 ;;
    esac
    for k in 1 $mid $points; do
        [ $every = 1 ] || [ $k = $mid ] && attack "$lab" "$d" "term@point:$k"
    done
    [ $every = 1 ] && attack "$lab" "$d" "int@point:$mid"
    attack "$lab" "$d" "die@point:$mid"
    [ $every = 1 ] && attack "$lab" "$d" "hup@point:$points"
    attack "$lab" "$d" "enospc@write:2"
    k=1
    [ $every = 1 ] || files=1
    while [ $k -le "$files" ]; do
        [ $every = 1 ] && attack "$lab" "$d" "term@write:$k"
        attack "$lab" "$d" "term@publish:$k"
        k=$((k + 1))
    done
    [ $broken -eq $b0 ] && ok "$lab: $((tried - n0)) attacks, the earlier set whole or a new set whole, nothing left"
done
[ -z "$(ls -A "$status")" ] || bad "status pages left: $(ls "$status")"

# The tour under SIGTERM: it passes the signal to the lab it runs and waits, so the lab
# removes its own temporaries and children, and the tour its recording: nothing is left.
for k in 1 3; do
    d="$TMPDIR/attack-tour-$k"
    mkdir -p "$d"
    PARLAB_FAULT="termparent@point:$k" setsid "$PARLAB" tour --out "$d" >"$TMPDIR/attack.out" 2>&1 </dev/null &
    pid=$!
    wait $pid
    rc=$?
    tried=$((tried + 1))
    left=$(ps -eo sid=,pid=,args= | awk -v s="$pid" '$1 == s' | grep -v awk)
    if [ $rc -eq 143 ] && [ -z "$(ls -A "$d" | grep -v '^plots$')" ] && [ -z "$left" ] && [ -z "$(ls -A "$status")" ]; then
        ok "tour, SIGTERM at its first lab's point $k: exit 143, nothing left"
    else
        broken=$((broken + 1))
        bad "tour, SIGTERM at point $k: exit $rc, left: $(ls -A "$d" | tr '\n' ' ') $left $(ls "$status")"
        pkill -KILL -s "$pid" 2>/dev/null
    fi
done

# Planted symlinks are never followed. An attacker who can write to the world-writable
# folder status pages live in (/dev/shm) plants our per-user folder as a symlink to a
# folder of the victim's, or makes it open to all: no page is written there, the lab
# still runs, and the victim's files stay as they were.
base="$TMPDIR/shm"
mkdir -p "$base" "$TMPDIR/attack-victim"
chmod 1777 "$base"
echo "precious" >"$TMPDIR/attack-victim/file"
victim_state() { (cd "$TMPDIR/attack-victim" && ls -A && cat file) | cksum; }
victim_before=$(victim_state)
ln -s "$TMPDIR/attack-victim" "$base/parlab-$(id -u)"
PARLAB_STATUS_BASE="$base" PARLAB_STATUS_DIR="" "$PARLAB" run amdahl --quick --reps 1 --seconds 0.01 \
    --out "$TMPDIR/sym-out" >/dev/null 2>&1; rc=$?
tried=$((tried + 1))
if [ $rc -eq 0 ] && [ "$(victim_state)" = "$victim_before" ]; then
    ok "a planted symlink folder is not followed (the lab runs, the victim's folder is unchanged)"
else
    broken=$((broken + 1)); bad "planted symlink: exit $rc, victim: $(ls "$TMPDIR/attack-victim")"
fi
rm -f "$base/parlab-$(id -u)"
mkdir "$base/parlab-$(id -u)"; chmod 0777 "$base/parlab-$(id -u)"
PARLAB_STATUS_BASE="$base" PARLAB_STATUS_DIR="" "$PARLAB" run amdahl --quick --reps 1 --seconds 0.01 \
    --out "$TMPDIR/sym-out" >/dev/null 2>&1; rc=$?
tried=$((tried + 1))
if [ $rc -eq 0 ] && [ -z "$(ls -A "$base/parlab-$(id -u)")" ]; then
    ok "a status folder open to others is refused"
else
    broken=$((broken + 1)); bad "open status folder: exit $rc, holds $(ls "$base/parlab-$(id -u)")"
fi
# Result files honour the umask (they were 0600 whatever it was).
(umask 022; "$PARLAB" run amdahl --quick --reps 1 --seconds 0.01 --out "$TMPDIR/umask-out" >/dev/null 2>&1)
mode=$(stat -c %a "$TMPDIR/umask-out/amdahl-summary.csv" 2>/dev/null)
[ "$mode" = 644 ] && ok "result files honour the umask (644 under 022)" || bad "result file mode $mode under umask 022"
echo "# attacks: $tried tried, $broken left anything behind"
[ $tried -gt 0 ] && ok "attacks: $tried tried, $broken left anything behind" || bad "no attack was tried"


