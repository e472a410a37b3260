# input: tvp-comm.csv
# Message latency against message size, log-log: half a ping-pong round trip.
load plotdir.'/common.gp'
set title "Message latency between two workers (parlab run tvp: communicate)"
set xlabel "message size (bytes, log scale)"
set ylabel "latency: half a round trip (us, log scale)"
set logscale xy
set format x "%.0s%cB"
set key top left title "between" noenhanced
names = "threads-shm pipe socketpair processes-shm"
plot for [i=2:5] in using 1:i with linespoints lt (i-1) title word(names, i-1) noenhanced
