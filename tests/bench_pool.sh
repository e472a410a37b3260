#!/bin/sh
# bench_pool.sh: parlab's thread pool against libgomp and Python's ThreadPoolExecutor,
# per empty task, all measured in the same run of `parlab run pool --experiment
# task-overhead` (same machine, same moment, same load), like against like:
#   one task a submit:  parlab-threads-single  vs  omp-task (one #pragma omp task each)
#   a batch of tasks:   parlab-threads (one pool_submit_batch)  vs  omp-dynamic
#                       (schedule(dynamic,1): libgomp's cheapest way to share out a loop)
#   Python:             py-thread-pool  vs  parlab-threads-single
# Printed, never asserted: the machines are shared and noisy.
set -u
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT INT TERM
if ! "$PARLAB" run pool --experiment task-overhead --reps 7 --out "$out" >"$out/stdout" 2>"$out/stderr"; then
    echo "bench: pool: parlab run pool failed: $(tail -n 2 "$out/stderr" | tr '\n' ' ')"
    exit 0
fi
# the median of a task-overhead variant at the largest worker count, columns by name
med() {
    awk -F, -v v="$1" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["experiment"] == "task-overhead" && $c["variant"] == v && $c["metric"] == "us_per_task" {
            if ($c["workers"] + 0 >= w) { w = $c["workers"] + 0; m = $c["median"] } }
        END { print (m == "" ? "nan" : m) }' "$out/pool-summary.csv"
}
pt=$(med parlab-threads); ps=$(med parlab-threads-single); og=$(med omp-task); od=$(med omp-dynamic)
py=$(med py-thread-pool)
echo "per empty task, one run: parlab-threads $pt us (batched), parlab-threads-single $ps us, omp-task $og us, omp-dynamic $od us, py-thread-pool $py us"
ratio() { # NAME A B TARGET WHAT: A / B against a target
    awk -v n="$1" -v a="$2" -v b="$3" -v t="$4" -v what="$5" 'BEGIN {
        if (a == "nan" || b == "nan" || b <= 0) { printf "bench: pool: %s: not measured\n", n; exit }
        r = a / b
        printf "bench: pool: %s: ratio %.2f (target >= %g: %s): %s\n", n, r, t, what, (r >= t ? "met" : "NOT met") }'
}
ratio "omp-task / parlab-threads-single (one task a submit on both)" "$og" "$ps" 1 "no worse than libgomp's deferred task"
ratio "omp-dynamic / parlab-threads (a batch on both)" "$od" "$pt" 1 "no worse than libgomp's dynamic loop"
ratio "py-thread-pool / parlab-threads-single" "$py" "$ps" 30 "C's pool far cheaper than Python's"
