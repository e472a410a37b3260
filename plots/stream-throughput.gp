# input: stream-summary.csv
# input: stream-meta.csv
# stream lab, throughput: how many messages a second a producer sends and a consumer
# group takes. Left: the producer, one XADD a round trip vs pipelined, beside
# redis-benchmark's XADD (the broker's ceiling in the same run). Middle: messages a second
# against consumers, for no work, 10 us and 50 us of CPU a message, with the ceiling.
# Right: the paired speedup: flat when the broker is the bottleneck, close to N when the
# work is, flat again past the cores. Columns are read by name.
load plotdir.'/common.gp'

usable = 0; cpu = ''
stats in2 using (strcol('key') eq 'cpus_usable' ? usable = strcol('value') + 0 : 0, \
                 strcol('key') eq 'cpu_model' ? cpu = strcol('value') : 0, 0) nooutput
is(e, m) = strcol('experiment') eq e && strcol('metric') eq m
nrows = 0
stats in using (is('throughput', 'msgs_per_s') ? nrows = nrows + 1 : 0, 0) nooutput
if (nrows == 0) {
    set label 2 "no throughput results in this summary\n(parlab run stream --experiment throughput)" at graph 0.5, 0.5 center
    unset key; unset tics; unset border
    set xrange [0:1]; set yrange [0:1]
    plot -1 notitle
    exit
}
maxw = 1; ceil = NaN; lvl = 0; nrep = 0; rmin = 1e30; rmax = 0
stats in using (is('throughput', 'msgs_per_s') && strcol('variant') eq 'consumers' && column('workers') > maxw ? maxw = column('workers') : 0, \
                is('throughput', 'msgs_per_s') && strcol('variant') eq 'redis-benchmark' ? ceil = column('median') : 0, \
                is('throughput', 'msgs_per_s') && column('n') > 1 ? (lvl = column('ci_level'), nrep = column('n')) : 0, \
                is('throughput', 'msgs_per_s') && strcol('variant') eq 'consumers' && column('ci_lo') < rmin ? rmin = column('ci_lo') : 0, \
                is('throughput', 'msgs_per_s') && column('ci_hi') > rmax ? rmax = column('ci_hi') : 0, 0) nooutput
ceil_title = 'redis-benchmark'
if (ceil != ceil) {   # no redis-benchmark: the pipelined producer stands in
    stats in using (is('throughput', 'msgs_per_s') && strcol('variant') eq 'pipelined' ? ceil = column('median') : 0, 0) nooutput
    ceil_title = 'pipelined producer'
}

# the producer: one row per variant, x = 0, 1, 2
set table $prod
plot in using (strcol('variant') eq 'round-trip' ? 0 : strcol('variant') eq 'pipelined' ? 1 : 2):(column('median')):(column('ci_lo')):(column('ci_hi')) \
    with table if (is('throughput', 'msgs_per_s') && strcol('variant') ne 'consumers')
unset table
# the consumers, one table per work level
levels = '0 10 50'
do for [i = 1:3] {
    p = 'work_us='.word(levels, i)
    do for [m in 'msgs_per_s speedup'] {
        eval sprintf('set table $%s_%d', m eq 'speedup' ? 's' : 'r', i)
        plot in using (column('workers')):(column('median')):(column('ci_lo')):(column('ci_hi')) \
            with table if (is('throughput', m) && strcol('variant') eq 'consumers' && strcol('param') eq p)
        unset table
    }
}
set datafile separator whitespace
set datafile nocolumnheaders

titles = "'no work: the broker is the bottleneck' '10 us of CPU a message' '50 us of CPU a message'"
set multiplot title sprintf("Redis Streams on %s (%d usable CPU%s): a producer and a consumer group\n(medians of %d repetitions; bars: the interval of the median, %.0f%% coverage)", \
    cpu, usable, usable == 1 ? '' : 's', nrep, 100 * lvl) font ',14'

# ---- left: the producer --------------------------------------------------------------------
set size 0.26, 0.9
set origin 0, 0.03
set bmargin 6
set title 'The producer: messages a second'
set style fill solid 0.7 border -1
set boxwidth 0.6
set xrange [-0.6:2.6]
set xtics ("one XADD\na round trip" 0, "pipelined" 1, "redis-\nbenchmark\n(ceiling)" 2) font ',10'
set yrange [0:*]
set offsets 0, 0, graph 0.12, 0
set ylabel 'messages / s'
set format y '%.0s%c'
unset key
plot $prod using 1:2:($1 == 2 ? 7 : $1 == 1 ? 6 : 5) with boxes lc variable notitle, \
     $prod using 1:2:3:4 with yerrorbars lc rgb '#000000' pt 0 notitle, \
     $prod using 1:2:(sprintf('%.0fk', $2 / 1000)) with labels offset 0, 1.2 font ',10' notitle

# ---- middle: consumers, messages a second (log scale: lines only) ----------------------------
set size 0.37, 0.9
set origin 0.26, 0.03
set title 'Consumers of one group: messages a second'
unset style
set xrange [0.5:maxw + 0.5]
set xtics 1 font ',11'
if (maxw > 16) { set xtics auto }
set xlabel 'consumers (processes)'
set logscale y
set yrange [rmin / 2:rmax * 6]
set offsets 0, 0, 0, 0
set ytics ('1k' 1e3, '2k' 2e3, '5k' 5e3, '10k' 1e4, '20k' 2e4, '50k' 5e4, '100k' 1e5, '200k' 2e5, '500k' 5e5, \
           '1M' 1e6, '2M' 2e6, '5M' 5e6, '10M' 1e7)
set format y '%.0s%c'
set key top left box opaque font ',10'
xmax = maxw + 0.5
if (usable > 0 && maxw > usable) {
    set object 1 rect from usable + 0.5, graph 0 to xmax, graph 1 fc rgb '#f0f0f0' fs solid noborder behind
    set label 1 "more consumers\nthan CPUs" at usable + 0.5, graph 0.08 offset 0.5,0 left front textcolor rgb '#777777' font ',10'
}
plot for [i = 1:3] sprintf('$r_%d', i) using 1:2:3:4 with yerrorlines lt i title word(titles, i), \
     (ceil == ceil ? ceil : NaN) with lines dt 2 lw 1.5 lc rgb '#000000' title sprintf('broker ceiling (%s XADD): %.0fk/s', ceil_title, ceil / 1000)
unset logscale y

# ---- right: speedup -----------------------------------------------------------------------------
set size 0.37, 0.9
set origin 0.63, 0.03
set title 'Speedup over one consumer (paired)'
set ylabel 'speedup (x)'
set format y '%g'
set ytics autofreq
set yrange [0:*]
set offsets 0, 0, graph 0.35, 0
ideal(x) = x < 1 ? NaN : (usable > 0 && x > usable) ? usable : x
set key top left box opaque font ',10'
plot for [i = 1:3] sprintf('$s_%d', i) using 1:2:3:4 with yerrorlines lt i notitle, \
     ideal(x) with lines dt 2 lw 1 lc rgb '#888888' title sprintf('ideal: N, up to the %d usable CPU%s', usable, usable == 1 ? '' : 's')
unset multiplot
