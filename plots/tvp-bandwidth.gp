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
# Count each transport's rows first: a table of no rows is no table at all in gnuplot,
# so a missing one gets a single empty row (and a run without communicate, a chart that
# says so).
n = 0
do for [i = 1:words(names)] {
    c = 0
    stats in using ((strcol('experiment') eq 'communicate' && strcol('variant') eq word(names, i) && strcol('metric') eq metric) ? c = c + 1 : 0, 0) nooutput
    n = n + c
    if (c == 0) { eval sprintf('set print $t%d', i); print 'NaN,NaN,NaN,NaN,1'; unset print; continue }
    eval sprintf('set table $t%d separator comma', i)
    plot in using (bytes(strcol('param'))):(column('median')):(column('ci_lo')):(column('ci_hi')):(column('ci_level')) \
         with table if (strcol('experiment') eq 'communicate' && strcol('variant') eq word(names, i) && strcol('metric') eq metric)
    unset table
}
set datafile nocolumnheaders
if (n == 0) {
    set label 1 'no communicate rows in this run: parlab run tvp --experiment communicate' at graph 0.5, graph 0.5 center
    unset xtics; unset ytics; unset border; unset key
    set xrange [0:1]; set yrange [0:1]
    plot NaN notitle
    exit
}
do for [i = 1:words(names)] {
    eval sprintf('stats $t%d using 5 nooutput', i)
    level = STATS_min < level ? STATS_min : level
}

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
