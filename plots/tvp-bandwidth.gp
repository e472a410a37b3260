# tvp-bandwidth.gp: streaming bandwidth between two workers against message size, from
# `parlab run tvp` (communicate): messages streamed one way, MB (10^6 bytes) a second,
# log-log (8 B to 1 MiB). Points: medians, bars: their intervals.
# input: tvp-summary.csv
load plotdir.'/common.gp'
metric = 'bandwidth_mbps'

# One table a transport: bytes (from the param "bytes=N;pattern=..."), median, interval.
bytes(p) = strstrt(p, 'bytes=') == 1 ? p[7:strstrt(p, ';') - 1] + 0 : NaN
names = 'threads-shm processes-shm pipe socketpair'
titles = "'threads, shared memory' 'processes, shared memory' 'processes, a pipe' 'processes, a socketpair'"
level = 1
do for [i = 1:words(names)] {
    eval sprintf('set table $t%d separator comma', i)
    plot in using (bytes(strcol('param'))):(column('median')):(column('ci_lo')):(column('ci_hi')):(column('ci_level')) \
         with table if (strcol('experiment') eq 'communicate' && strcol('variant') eq word(names, i) && strcol('metric') eq metric)
    unset table
}
set datafile nocolumnheaders
n = 0
do for [i = 1:words(names)] {
    eval sprintf('stats $t%d using 5 nooutput', i)
    if (STATS_records > 0) { n = n + STATS_records; level = STATS_min < level ? STATS_min : level }
}
if (n == 0) { print 'tvp-bandwidth: no communicate rows in this run (parlab run tvp --experiment communicate)'; exit }

set title "Streaming bandwidth between two workers (parlab run tvp: communicate)"
set xlabel 'message size (bytes, log scale)'
set ylabel 'MB a second, one way (log scale)'
set logscale xy 10
set format x '%.0s %cB'
set format y '%g'
set grid xtics ytics mytics
set xrange [4:2.1e6]
set key bottom right box opaque title sprintf('two workers, talking through (bars: intervals, %.0f%% coverage)', 100 * level) noenhanced
plot for [i = 1:words(names)] sprintf('$t%d', i) using 1:2:3:4 with yerrorlines lt i lw 1.5 \
        title word(titles, i) noenhanced
