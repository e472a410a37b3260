# input: tvp-comm.csv
# One-way bandwidth against message size, log-log.
load plotdir.'/common.gp'
set title "Streaming bandwidth between two workers (parlab run tvp: communicate)"
set xlabel "message size (bytes, log scale)"
set ylabel "bandwidth (MB/s, log scale)"
set logscale xy
set format x "%.0s%cB"
set key top left title "between" noenhanced
names = "threads-shm pipe socketpair processes-shm"
plot for [i=6:9] in using 1:i with linespoints lt (i-5) title word(names, i-5) noenhanced
