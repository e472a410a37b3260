# fast.sh: sourced by the script tests. fast_opts LAB: the options that make a lab's run
# as short as it can be while still running every point (one repetition, the shortest
# work each lab allows). For tests of plumbing (plans, contracts, faults), never of numbers.
fast_opts() {
    case "$1" in
    amdahl) echo "--quick --reps 1 --seconds 0.01 --sleep-seconds 0.01 --triad-mib 8 --phase-seconds 0.3" ;;
    freeze) echo "--quick --reps 1 --seconds 0.3 --phase-seconds 1" ;;
    gil) echo "--quick --reps 1 --seconds 0.02" ;;
    tvp) echo "--quick --reps 1 --seconds 0.02 --rss 8 --phase-seconds 0.2" ;;
    pool) echo "--quick --reps 1 --phase-seconds 0.2" ;;
    sync) echo "--quick --reps 1 --sample-ms 0.2 --phase-seconds 0.2" ;;
    cluster) echo "--quick --reps 1 --seconds 0.02 --max-bytes 65536 --sample-ms 1" ;;
    xml) echo "--quick --reps 1 --docs 8 --doc-kb 4" ;;
    sklearn) echo "--quick --reps 1 --folds 2" ;;
    stream) echo "--quick --reps 1 --seconds 0.01 --lag-seconds 0.05 --failover-messages 1000 --idle-ms 20 --phase-seconds 0.2" ;;
    *) echo "--quick --reps 1" ;;
    esac
}
