# input: stream-summary.csv
# input: stream-meta.csv
# stream lab, gil and partitions: who can use more consumers. Left: the same consumer in
# Python as N threads (one GIL) vs N processes, for work that computes and work that
# waits. Right: Kafka's rule: K partitions, each read by one consumer of the group, beside
# one stream shared by the whole group. Paired speedups, columns read by name.
load plotdir.'/common.gp'

usable = 0; cpu = ''
stats in2 using (strcol('key') eq 'cpus_usable' ? usable = strcol('value') + 0 : 0, \
                 strcol('key') eq 'cpu_model' ? cpu = strcol('value') : 0, 0) nooutput
is(e, m) = strcol('experiment') eq e && strcol('metric') eq m
ngil = 0; nparts = 0; maxg = 1; maxp = 1; lvl = 0; nrep = 0
stats in using (is('gil', 'speedup') ? ngil = ngil + 1 : 0, \
                is('partitions', 'speedup') ? nparts = nparts + 1 : 0, \
                is('gil', 'speedup') && column('workers') > maxg ? maxg = column('workers') : 0, \
                is('partitions', 'speedup') && column('workers') > maxp ? maxp = column('workers') : 0, \
                (is('gil', 'speedup') || is('partitions', 'speedup')) && column('n') > 1 ? (lvl = column('ci_level'), nrep = column('n')) : 0, 0) nooutput

gv = 'threads-cpu processes-cpu threads-io'
do for [i = 1:3] {
    eval sprintf('set table $g_%d', i)
    plot in using (column('workers')):(column('median')):(column('ci_lo')):(column('ci_hi')) \
        with table if (is('gil', 'speedup') && strcol('variant') eq word(gv, i))
    unset table
}
pp = 'partitions=1;work_us=50 partitions=2;work_us=50 partitions=4;work_us=50 work_us=50'
do for [i = 1:4] {
    eval sprintf('set table $p_%d', i)
    plot in using (column('workers')):(column('median')):(column('ci_lo')):(column('ci_hi')) \
        with table if (is('partitions', 'speedup') && strcol('param') eq word(pp, i))
    unset table
}
set datafile separator whitespace
set datafile nocolumnheaders

ideal(x) = x < 1 ? NaN : (usable > 0 && x > usable) ? usable : x
set multiplot title sprintf("Who can use more consumers? (%s, %d usable CPU%s; medians of %d repetitions, bars: the interval of the median, %.0f%% coverage)", \
    cpu, usable, usable == 1 ? '' : 's', nrep, 100 * lvl) font ',14'
set yrange [0:*]
set offsets 0, 0, graph 0.4, 0
set ylabel 'speedup over one consumer (x)'
set key top left box opaque font ',10'

# ---- left: Python consumers ------------------------------------------------------------------
set size 0.5, 0.9
set origin 0, 0.03
set title 'Python consumers (50 us of work a message): threads share one GIL'
set xlabel 'consumers (threads or processes)'
set xrange [0.5:maxg + 0.5]
set xtics 1
if (usable > 0 && maxg > usable) {
    set object 1 rect from usable + 0.5, graph 0 to maxg + 0.5, graph 1 fc rgb '#f0f0f0' fs solid noborder behind
    set label 1 "more consumers than CPUs:\nfine for work that waits" at usable + 0.5, graph 0.1 offset 0.5,0 left front textcolor rgb '#777777' font ',10'
}
if (ngil == 0) {
    set label 2 "no gil results here\n(parlab run stream --experiment gil)" at graph 0.5, graph 0.5 center
    plot NaN notitle
    unset label 2
} else {
    plot $g_1 using 1:2:3:4 with yerrorlines lt 2 pt 5 title 'threads, work that computes (one GIL)', \
         $g_2 using 1:2:3:4 with yerrorlines lt 1 pt 7 title 'processes, work that computes (a GIL each)', \
         $g_3 using 1:2:3:4 with yerrorlines lt 3 pt 9 title 'threads, work that waits (sleep releases the GIL)', \
         (x < 1 ? NaN : x) with lines dt 3 lw 1 lc rgb '#bbbbbb' title 'N (waiting work)', \
         ideal(x) with lines dt 2 lw 1 lc rgb '#888888' title sprintf('N, up to the %d usable CPU%s (work that computes)', usable, usable == 1 ? '' : 's')
}
unset object 1
unset label 1

# ---- right: partitions ---------------------------------------------------------------------------
set origin 0.5, 0.03
set title "Kafka's rule: a partition is read by one consumer of the group"
set xlabel 'consumers (processes)'
set xrange [0.5:maxp + 0.5]
if (nparts == 0) {
    set label 2 "no partitions results here\n(parlab run stream --experiment partitions)" at graph 0.5, graph 0.5 center
    plot NaN notitle
    unset label 2
} else {
    plot $p_1 using 1:2:3:4 with yerrorlines lt 2 pt 5 title '1 partition: the other consumers sit idle', \
         $p_2 using 1:2:3:4 with yerrorlines lt 1 pt 7 title '2 partitions', \
         $p_3 using 1:2:3:4 with yerrorlines lt 4 pt 11 title '4 partitions', \
         $p_4 using 1:2:3:4 with yerrorlines lt 3 pt 9 dt 2 title 'one stream shared by the group (no order between consumers)', \
         ideal(x) with lines dt 2 lw 1 lc rgb '#888888' title sprintf('N, up to the %d usable CPU%s', usable, usable == 1 ? '' : 's')
}
unset multiplot
