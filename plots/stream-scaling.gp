# input: stream-summary.csv
# input: stream-meta.csv
# slide panels: a b
# (render.sh --slide also draws each panel alone, full size: stream-scaling-a.png, -b.png)
# stream lab, gil and partitions: who can use more consumers. (a) the same consumer in
# Python as N threads (one GIL) vs N processes, for work that computes and work that
# waits. (b) Kafka's rule: K partitions, each read by one consumer of the group, beside
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
cpus = sprintf('%d usable CPU%s', usable, usable == 1 ? '' : 's')

# One panel alone on a slide (panel = 'a' or 'b', from render.sh --slide), or both: as a
# PNG or SVG, or at slide size (full: shorter words, margins set by hand).
one = (sp ne '')
slide = (fmt eq 'slide')
full = slide && !one
cpu_s = short_cpu(cpu) # the machine, short enough for a slide's title (common.gp)
machine = sprintf('%s, %s', strlen(cpu_s) ? cpu_s : 'this machine', cpus)
# On a slide the margins are fixed (gnuplot 5.4 misjudges the room a key below the axes
# needs at this font scale) and the key sits below the axes, where it covers no line.
alone = 'set size 1, 1; set origin 0, 0; set lmargin at screen 0.1; set rmargin at screen 0.97; set tmargin at screen 0.84; set bmargin at screen 0.34; ' . \
        'set key at screen 0.535, screen 0.11 center center horizontal maxrows 3 nobox samplen 2 font ",11"'
half(l, r) = sprintf('set size 1, 1; set origin 0, 0; set lmargin at screen %g; set rmargin at screen %g; set tmargin at screen 0.84; set bmargin at screen 0.4; ', l, r) . \
        sprintf('set key at screen %g, screen 0.145 center center vertical maxrows 5 nobox samplen 2 font ",10"', (l + r) / 2)

if (!slide) {
    set multiplot title sprintf("Who can use more consumers? (%s, %d usable CPU%s; medians of %d repetitions, bars: the interval of the median, %.0f%% coverage)", \
        cpu, usable, usable == 1 ? '' : 's', nrep, 100 * lvl) font ',14'
} else { if (full) {
    tt = sprintf("Who can use more consumers? %s, speedups over one consumer", machine)
    set multiplot title tt font tf(tt)
} else {
    set multiplot
} }
set yrange [0:*]
set offsets 0, 0, graph (slide ? 0.2 : 0.4), 0
set ylabel 'speedup over one consumer (x)'
set key top left box opaque font ',10'
set xtics 1

if (show('a')) {
# ---- (a) Python consumers --------------------------------------------------------------------
set size 0.5, 0.9
set origin 0, 0.03
set title 'Python consumers (50 us of work a message): threads share one GIL'
set xlabel 'consumers (threads or processes)'
if (full) {
    eval half(0.09, 0.485)
    set title 'Python: threads share one GIL' font ',12'
    set xlabel 'consumers'
    set ylabel 'speedup (x)'
}
if (one) {
    eval alone
    tt = sprintf("Python consumers on %s: speedup over one consumer\nN threads (one GIL) or N processes; 50 us of work a message", machine)
    set title tt font tf(tt)
    set xlabel 'consumers (threads, or processes)'
}
set xrange [0.5:maxg + 0.5]
if (maxg > 16) { set xtics auto }
if (full && maxg > 8 && maxg <= 16) { set xtics 2 }   # half a slide: fewer numbers
if (usable > 0 && maxg > usable) {
    set object 1 rect from usable + 0.5, graph 0 to maxg + 0.5, graph 1 fc rgb '#f0f0f0' fs solid noborder behind
    if (slide) {   # at the top, at the right: above the lines (the offset), inside the axes
        set label 1 (one ? 'more consumers than CPUs' : 'past the CPUs') at graph 0.98, graph 0.955 right front textcolor rgb '#666666' font ',10'
    } else {
        set label 1 "more consumers than CPUs:\nfine for work that waits" at usable + 0.5, graph 0.1 offset 0.5,0 left front textcolor rgb '#777777' font ',10'
    }
}
if (ngil == 0) {
    set label 2 "no gil results here\n(parlab run stream --experiment gil)" at graph 0.5, graph 0.5 center
    set yrange [0:1]   # nothing to autoscale on
    plot 1e30 notitle
    unset label 2
    set yrange [0:*]
} else { if (!slide) {
    plot $g_1 using 1:2:3:4 with yerrorlines lt 2 pt 5 title 'threads, work that computes (one GIL)', \
         $g_2 using 1:2:3:4 with yerrorlines lt 1 pt 7 title 'processes, work that computes (a GIL each)', \
         $g_3 using 1:2:3:4 with yerrorlines lt 3 pt 9 title 'threads, work that waits (sleep releases the GIL)', \
         (x < 1 ? NaN : x) with lines dt 3 lw 1 lc rgb '#bbbbbb' title 'N (waiting work)', \
         ideal(x) with lines dt 2 lw 1 lc rgb '#888888' title sprintf('N, up to the %s (work that computes)', cpus)
} else {
    plot $g_1 using 1:2:3:4 with yerrorlines lt 2 pt 5 title 'threads, computing', \
         $g_2 using 1:2:3:4 with yerrorlines lt 1 pt 7 title 'processes, computing', \
         $g_3 using 1:2:3:4 with yerrorlines lt 3 pt 9 title 'threads, waiting (I/O)', \
         (x < 1 ? NaN : x) with lines dt 3 lw 2 lc rgb '#aaaaaa' title 'ideal: N (waiting)', \
         ideal(x) with lines dt 2 lw 1.5 lc rgb '#888888' title sprintf('ideal: N, up to %d CPU%s (computing)', usable, usable == 1 ? '' : 's')
} }
unset object 1
unset label 1
}

if (show('b')) {
# ---- (b) partitions ----------------------------------------------------------------------------
set size 0.5, 0.9
set origin 0.5, 0.03
set title "Kafka's rule: a partition is read by one consumer of the group"
set xlabel 'consumers (processes)'
if (full) {
    eval half(0.6, 0.985)
    set title "Partitions: one consumer each" font ',12'
    set xlabel 'consumers'
    set ylabel 'speedup (x)'
}
if (one) {
    eval alone
    tt = sprintf("Partitions on %s: speedup over one consumer\nKafka's rule: a partition is read by one consumer of the group", machine)
    set title tt font tf(tt)
    set xlabel 'consumers of the group (processes)'
}
set xrange [0.5:maxp + 0.5]
set xtics 1
if (maxp > 16) { set xtics auto }
if (full && maxp > 8 && maxp <= 16) { set xtics 2 }   # half a slide: fewer numbers
if (nparts == 0) {
    set label 2 "no partitions results here\n(parlab run stream --experiment partitions)" at graph 0.5, graph 0.5 center
    set yrange [0:1]   # nothing to autoscale on
    plot 1e30 notitle
    unset label 2
    set yrange [0:*]
} else { if (!slide) {
    plot $p_1 using 1:2:3:4 with yerrorlines lt 2 pt 5 title '1 partition: the other consumers sit idle', \
         $p_2 using 1:2:3:4 with yerrorlines lt 1 pt 7 title '2 partitions', \
         $p_3 using 1:2:3:4 with yerrorlines lt 4 pt 11 title '4 partitions', \
         $p_4 using 1:2:3:4 with yerrorlines lt 3 pt 9 dt 2 title 'one stream shared by the group (no order between consumers)', \
         ideal(x) with lines dt 2 lw 1 lc rgb '#888888' title sprintf('N, up to the %s', cpus)
} else {
    plot $p_1 using 1:2:3:4 with yerrorlines lt 2 pt 5 title '1 partition', \
         $p_2 using 1:2:3:4 with yerrorlines lt 1 pt 7 title '2 partitions', \
         $p_3 using 1:2:3:4 with yerrorlines lt 4 pt 11 title '4 partitions', \
         $p_4 using 1:2:3:4 with yerrorlines lt 3 pt 9 dt 2 title 'one shared stream', \
         ideal(x) with lines dt 2 lw 1.5 lc rgb '#888888' title sprintf('ideal: N, up to %d CPU%s', usable, usable == 1 ? '' : 's')
} }
}
unset multiplot
