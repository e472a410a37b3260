#!/bin/sh
# check.sh [FILE.py]: the self-check of the pool lab's exercise (default: chunks.py
# beside this script).
#   Times FILE.py with 1 worker (its plain loop: the baseline, measured) and with every
#   usable CPU (its process pool), as parlab counts them (affinity mask and cgroup
#   quota), 5 times each, paired (`parlab time`), and checks that every run computed
#   the same checksum.
#   PASS when the pool beats the loop by at least 1.2x (the median of the paired
#   speedups); FAIL when it does not; CANNOT JUDGE when the machine did not give the
#   runs the CPUs they needed (another program held one) or has only one CPU: then the
#   timings say nothing about the code.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
src=${1:-$here/chunks.py}
parlab="${PARLAB:-$top/bin/parlab}"
py=/usr/bin/python3
[ -x "$py" ] || py=python3
[ -x "$parlab" ] || { echo "build parlab first: make"; exit 2; }
[ -f "$src" ] || { echo "check.sh: no such file '$src'"; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
if ! "$parlab" time --reps 5 -- "$py" "$src" >"$tmp/time.csv" 2>"$tmp/err"; then
    echo "FAIL: $src did not run to the end:"
    tail -n 5 "$tmp/err"
    exit 1
fi
grep -v '^#' "$tmp/time.csv"
usable=$(awk -F, '$1 == "# usable_cpus" {print $2}' "$tmp/time.csv")
if [ "$usable" -lt 2 ]; then
    echo "CANNOT JUDGE: 1 usable CPU here, so no pool can beat the loop (its workers take turns on the CPU)."
    exit 0
fi
# Every run must compute the same result, loop or pool: parallel, but still right.
sums=$(awk -F, 'NR > 1 && !/^#/ {print $6}' "$tmp/time.csv" | sort -u | wc -l)
[ "$sums" -eq 1 ] || { echo "FAIL: the checksum differs between runs: does the pool map every task?"; exit 1; }
# Did the runs get the machine? Other programs' CPU time while they ran, at the most.
other=$(awk -F, '$1 == "# other_cores_max" {print $2}' "$tmp/time.csv")
cores=$(awk -F, -v u="$usable" '$1 == "# cpu_cores" && $2 == u {print $3}' "$tmp/time.csv")
if awk -v o="$other" 'BEGIN {exit !(o > 0.3)}'; then
    echo "CANNOT JUDGE: other programs used up to $other CPUs while it ran (the pool got $cores with $usable workers);"
    echo "rerun when the machine is quiet (parmon shows who is busy)."
    exit 0
fi
loop=$(awk -F, '!/^#/ && $1 == 1 {print $3}' "$tmp/time.csv" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
pool=$(awk -F, -v u="$usable" '!/^#/ && $1 == u {print $3}' "$tmp/time.csv" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
sp=$(awk -F, -v u="$usable" '$1 == "# speedup" && $2 == u {print $3}' "$tmp/time.csv")
# the chunk size the file picks for this many workers (imported, not run: no pool starts)
chunk=$("$py" -c 'import importlib.util as u, sys
s = u.spec_from_file_location("chunks", sys.argv[1]); m = u.module_from_spec(s); s.loader.exec_module(m)
print(m.chunk_size(m.TASKS, int(sys.argv[2])))' "$src" "$usable" 2>/dev/null || true)
echo "the plain loop: $loop s; the pool of $usable workers (chunksize ${chunk:-?}): $pool s on $cores CPUs; paired speedup ${sp}x"
if awk -v s="$sp" 'BEGIN {exit !(s >= 1.2)}'; then
    echo "PASS: the pool beats the plain loop by ${sp}x"
    exit 0
fi
echo "FAIL: the pool reaches only ${sp}x of the plain loop: each message still costs more than the work it"
echo "carries; send more tasks a message (TODO 1: CHUNKSIZE in $(basename "$src"))"
exit 1
