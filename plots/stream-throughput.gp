# input: stream-summary.csv
# input: stream-meta.csv
# slide panels: a b c
# (render.sh --slide also draws each panel alone, full size: stream-throughput-a.png .. -c.png)
# stream lab, throughput: how many messages a second a producer sends and a consumer
# group takes. (a) the producer, one XADD a round trip vs pipelined, beside
# redis-benchmark's XADD (the broker's ceiling in the same run). (b) messages a second
# against consumers, for no work, 10 us and 50 us of CPU a message, with the ceiling.
# (c) the paired speedup: flat when the broker is the bottleneck, close to N when the
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
maxw = 1; ceil = NaN; lvl = 0; nrep = 0; rmin = 1e30; rmax = 0; pipe = 0; has_rb = 0
stats in using (is('throughput', 'msgs_per_s') && strcol('variant') eq 'consumers' && column('workers') > maxw ? maxw = column('workers') : 0, \
                is('throughput', 'msgs_per_s') && strcol('variant') eq 'redis-benchmark' ? (ceil = column('median'), has_rb = 1) : 0, \
                is('throughput', 'msgs_per_s') && strcol('variant') eq 'pipelined' && strstrt(strcol('param'), 'pipeline=') == 1 ? pipe = strcol('param')[10:] + 0 : 0, \
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

# One panel alone on a slide (panel = 'a'..'c', from render.sh --slide), or all three: as
# a PNG or SVG, or at slide size (full: shorter words, margins set by hand).
one = (sp ne '')
slide = (fmt eq 'slide')
full = slide && !one
cpu_s = short_cpu(cpu) # the machine, short enough for a slide's title (common.gp)
machine = sprintf('%s, %d usable CPU%s', strlen(cpu_s) ? cpu_s : 'this machine', usable, usable == 1 ? '' : 's')
# On a slide the margins are fixed (gnuplot 5.4 misjudges the room a key below the axes
# needs at this font scale) and the key sits below the axes, where it covers no line.
# A panel alone: the whole canvas, its own title of two lines.
alone = 'set size 1, 1; set origin 0, 0; set lmargin at screen 0.11; set rmargin at screen 0.97; set tmargin at screen 0.84; set bmargin at screen 0.2'
# All three on a slide: one row, one key below them all (drawn last, as a plot of its own).
row(l, r) = sprintf('set size 1, 1; set origin 0, 0; set lmargin at screen %g; set rmargin at screen %g; set tmargin at screen 0.82; set bmargin at screen 0.31', l, r)
keybelow = 'set bmargin at screen 0.3; set key at screen 0.53, screen 0.095 center center horizontal maxrows 2 nobox samplen 2 font ",11"'
kps = (ceil == ceil) ? sprintf('%.0fk/s', ceil / 1000) : ''
pipes = pipe > 0 ? sprintf('%d', pipe) : 'many'

titles = "'no work: the broker is the bottleneck' '10 us of CPU a message' '50 us of CPU a message'"
stitles = "'no work a message' '10 us of CPU a message' '50 us of CPU a message'"   # a slide's key: shorter
if (!slide) {
    set multiplot title sprintf("Redis Streams on %s (%d usable CPU%s): a producer and a consumer group\n(medians of %d repetitions; bars: the interval of the median, %.0f%% coverage)", \
        cpu, usable, usable == 1 ? '' : 's', nrep, 100 * lvl) font ',14'
} else { if (full) {
    tt = sprintf("Redis Streams on %s: a producer and a consumer group", machine)
    set multiplot title tt font tf(tt)
} else {
    set multiplot
} }
# the "more consumers than CPUs" shading of (b) and (c); on a slide its words sit at the
# top (the lines stay below the ceiling, or below the offset) at the right: inside the axes
shade = (usable > 0 && maxw > usable)
shading = 'set object 1 rect from usable + 0.5, graph 0 to maxw + 0.5, graph 1 fc rgb "#f0f0f0" fs solid noborder behind; ' . \
    (slide ? sprintf('set label 1 "%s" at graph 0.98, graph 0.955 right front textcolor rgb "#666666" font ",10"', one ? 'more consumers than CPUs' : 'past the CPUs') : \
             'set label 1 "more consumers\nthan CPUs" at usable + 0.5, graph 0.08 offset 0.5,0 left front textcolor rgb "#777777" font ",10"')

if (show('a')) {
# ---- (a) the producer ------------------------------------------------------------------------
set size 0.26, 0.9
set origin 0, 0.03
set bmargin 6
set title 'The producer: messages a second'
set xrange [-0.6:(has_rb ? 2.6 : 1.6)]
set xtics ("one XADD\na round trip" 0, "pipelined" 1) font ',10'
if (has_rb) { set xtics add ("redis-\nbenchmark\n(ceiling)" 2) }
if (full) {
    eval row(0.11, 0.26)
    set title 'The producer' font ',12'
    set xtics ("round trip" 0, "pipelined" 1) rotate by -35 left font ',10'
    if (has_rb) { set xtics add ("ceiling" 2) }
}
if (one) {
    eval alone
    tt = sprintf("The producer on %s: messages a second\none XADD a round trip, or %s a round trip (pipelined)%s", machine, \
        pipes, has_rb ? ", and the broker's ceiling" : '')
    set title tt font tf(tt)
    set xtics ("one XADD\na round trip" 0, sprintf("pipelined\n(%s a round trip)", pipes) 1) font ',11'
    if (has_rb) { set xtics add ("redis-benchmark XADD\n(the broker's ceiling)" 2) }
}
set style fill solid 0.7 border -1
set boxwidth 0.6
set yrange [0:*]
set offsets 0, 0, graph 0.12, 0
set ylabel 'messages / s'
set format y '%.0s%c'
unset key
# the value above its whisker, where the two cannot touch
plot $prod using 1:2:($1 == 2 ? 7 : $1 == 1 ? 6 : 5) with boxes lc variable notitle, \
     $prod using 1:3:(0):($4 - $3) with vectors heads size screen 0.006,90 lc rgb '#000000' notitle, \
     $prod using 1:($4 > $2 ? $4 : $2):(sprintf('%.0fk', $2 / 1000)) with labels offset 0, 0.9 font ',10' notitle
set xtics norotate autojustify
}

if (show('b')) {
# ---- (b) consumers, messages a second (log scale: lines only) --------------------------------
set size 0.37, 0.9
set origin 0.26, 0.03
set title 'Consumers of one group: messages a second'
set xlabel 'consumers (processes)'
set ylabel 'messages / s'
if (full) {
    eval row(0.39, 0.64)
    set title 'Consumers: messages / s' font ',12'
    set xlabel 'consumers'
}
if (one) {
    eval alone
    tt = sprintf("Consumers of one group on %s: messages a second\nby the CPU work of a message; dashed: the broker's ceiling (%s XADD)", machine, ceil_title)
    set title tt font tf(tt)
    set xlabel 'consumers of the group (processes)'
    set ylabel 'messages / s (log scale)'
}
set xrange [0.5:maxw + 0.5]
set xtics 1 font ',11'
if (maxw > 16) { set xtics auto }
if (full && maxw > 8 && maxw <= 16) { set xtics 2 }   # a third of a slide: fewer numbers
set logscale y
set yrange [rmin / 2:rmax * 6]
set offsets 0, 0, 0, 0
set ytics ('1k' 1e3, '2k' 2e3, '5k' 5e3, '10k' 1e4, '20k' 2e4, '50k' 5e4, '100k' 1e5, '200k' 2e5, '500k' 5e5, \
           '1M' 1e6, '2M' 2e6, '5M' 5e6, '10M' 1e7)
set format y '%.0s%c'
set key top left box opaque font ',10'
if (one) { eval keybelow }
if (full) { unset key }
if (shade) { eval shading }
plot for [i = 1:3] sprintf('$r_%d', i) using 1:2:3:4 with yerrorlines lt i title word(slide ? stitles : titles, i), \
     (ceil == ceil ? ceil : NaN) with lines dt 2 lw 1.5 lc rgb '#000000' \
        title (slide ? sprintf("the broker's ceiling: %s", kps) : sprintf('broker ceiling (%s XADD): %s', ceil_title, kps))
unset logscale y
set format y '%g'
set ytics autofreq
unset object 1
unset label 1
}

if (show('c')) {
# ---- (c) speedup -----------------------------------------------------------------------------
set size 0.37, 0.9
set origin 0.63, 0.03
set title 'Speedup over one consumer (paired)'
set xlabel 'consumers (processes)'
set ylabel 'speedup (x)'
if (full) {
    eval row(0.745, 0.985)
    set title 'Speedup (paired)' font ',12'
    set xlabel 'consumers'
}
if (one) {
    eval alone
    tt = sprintf("Speedup over one consumer on %s (paired: the same run)\nfor no work, 10 us and 50 us of CPU a message", machine)
    set title tt font tf(tt)
    set xlabel 'consumers of the group (processes)'
    set ylabel 'speedup over one consumer (x)'
}
set xrange [0.5:maxw + 0.5]
set xtics 1 font ',11'
if (maxw > 16) { set xtics auto }
if (full && maxw > 8 && maxw <= 16) { set xtics 2 }   # a third of a slide: fewer numbers
set format y '%g'
set ytics autofreq
set yrange [0:*]
set offsets 0, 0, graph (slide ? 0.2 : 0.35), 0
ideal(x) = x < 1 ? NaN : (usable > 0 && x > usable) ? usable : x
ideal_title = sprintf('ideal: N, up to the %d usable CPU%s', usable, usable == 1 ? '' : 's')
set key top left box opaque font ',10'
if (one) { eval keybelow }
if (full) { unset key }
if (shade) { eval shading }
if (one) {   # alone: its own key for the lines
    plot for [i = 1:3] sprintf('$s_%d', i) using 1:2:3:4 with yerrorlines lt i title word(stitles, i), \
         ideal(x) with lines dt 2 lw 1.5 lc rgb '#888888' title ideal_title
} else {
    plot for [i = 1:3] sprintf('$s_%d', i) using 1:2:3:4 with yerrorlines lt i notitle, \
         ideal(x) with lines dt 2 lw (slide ? 1.5 : 1) lc rgb '#888888' title ideal_title
}
unset object 1
unset label 1
}
if (full) {
# ---- all three on a slide: their key, below them ---------------------------------------------
    unset title; unset xlabel; unset ylabel; unset border; unset tics; unset grid; unset logscale
    set size 1, 1; set origin 0, 0
    set lmargin at screen 0.02; set rmargin at screen 0.98; set tmargin at screen 0.14; set bmargin at screen 0.04
    set xrange [0:1]; set yrange [0:1]
    set key at screen 0.5, screen 0.085 center center horizontal maxcols 3 width -5 nobox samplen 2 font ',11'
    plot for [i = 1:3] NaN with linespoints lt i title word("'no work' '10 us of CPU a message' '50 us of CPU a message'", i), \
         NaN with lines dt 2 lw 1.5 lc rgb '#000000' title sprintf("the broker's ceiling: %s", kps), \
         NaN with lines dt 2 lw 1.5 lc rgb '#888888' title sprintf('ideal: N, up to %d CPU%s', usable, usable == 1 ? '' : 's')
}
unset multiplot
