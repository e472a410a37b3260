# labs/exercise.sh: what every exercise's check.sh shares. A check sets `top` (the
# project's folder) and sources this file; then:
#   ex_init FILE              src (FILE), parlab, py (/usr/bin/python3), tmp (removed at
#                             exit); a missing parlab or FILE: a message and exit 2
#   ex_time ARGS -- COMMAND   `parlab time ARGS -- COMMAND` into $tmp/time.csv, its runs
#                             printed; a run that fails: FAIL with its last words, exit 1
#   ex_usable, ex_other, ex_cores W, ex_speedup W, ex_median W
#                             the usable CPUs as parlab counts them (affinity mask and
#                             cgroup quota, never nproc), the most CPUs other programs
#                             used meanwhile, the CPUs the W-worker runs got, their paired
#                             speedup (median), their median seconds
#   ex_outputs                the last line each run printed (a checksum, say), one a line
#   ex_one_cpu_cannot_judge WHY    1 usable CPU: "CANNOT JUDGE: ..." and exit 0
#   ex_busy_cannot_judge WHAT      other programs held more than 0.3 CPU: CANNOT JUDGE, exit 0
#   ex_took_turns CORES N     true when N workers kept hardly more than one CPU busy
#                             (under 1 + 0.3 (N - 1)): they took turns, on a GIL or a lock
# Why CANNOT JUDGE and not FAIL: a check judges the code, not the machine. When another
# program holds a CPU, or there is only one, the timings say nothing about the code.

ex_init() {
    src=$1
    parlab="${PARLAB:-$top/bin/parlab}"
    py=/usr/bin/python3
    [ -x "$py" ] || py=python3
    [ -x "$parlab" ] || { echo "build parlab first: make"; exit 2; }
    [ -f "$src" ] || { echo "check.sh: no such file '$src'"; exit 2; }
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT INT TERM
}

ex_time() {
    if ! "$parlab" time "$@" >"$tmp/time.csv" 2>"$tmp/err"; then
        echo "FAIL: $src did not run to the end:"
        tail -n 5 "$tmp/err"
        exit 1
    fi
    grep -v '^#' "$tmp/time.csv"
}

ex_usable() { awk -F, '$1 == "# usable_cpus" {print $2}' "$tmp/time.csv"; }
ex_other() { awk -F, '$1 == "# other_cores_max" {print $2}' "$tmp/time.csv"; }
ex_cores() { awk -F, -v w="$1" '$1 == "# cpu_cores" && $2 == w {print $3}' "$tmp/time.csv"; }
ex_speedup() { awk -F, -v w="$1" '$1 == "# speedup" && $2 == w {print $3}' "$tmp/time.csv"; }
ex_median() {
    awk -F, -v w="$1" '!/^#/ && NR > 1 && $1 == w {print $3}' "$tmp/time.csv" | sort -g |
        awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}
ex_outputs() { awk -F, 'NR > 1 && !/^#/ {print $6}' "$tmp/time.csv"; }

ex_one_cpu_cannot_judge() {
    if [ "$(ex_usable)" -lt 2 ]; then
        echo "CANNOT JUDGE: 1 usable CPU here, $1"
        exit 0
    fi
}

ex_busy_cannot_judge() {
    other=$(ex_other)
    if awk -v o="$other" 'BEGIN {exit !(o > 0.3)}'; then
        echo "CANNOT JUDGE: other programs used up to $other CPUs while it ran ($1);"
        echo "rerun when the machine is quiet (parmon shows who is busy)."
        exit 0
    fi
}

# Workers that take turns (one GIL, one lock) keep one CPU busy however many there are:
# 1.00 to 1.05 measured. Workers that run at once keep nearly N busy, less only the
# serial start and the waits for a slower sibling (1.59 seen for a correct 2-process
# solution on a loaded 2-vCPU VM). The mark sits well between the two, so that neither a
# slow machine FAILs a right answer nor a wrong one passes as "cannot judge".
ex_took_turns() {
    awk -v c="$1" -v n="$2" 'BEGIN {exit !(c < 1 + 0.3 * (n - 1))}'
}
