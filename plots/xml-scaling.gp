# input: xml-summary.csv
# input: xml-meta.csv
# xml lab: speedup by worker count for every parser and mode (top), and the CPU cores
# each point kept busy (bottom): C on the left (c-parse's parsers; split's whole files
# and pieces, with the ceiling total / largest), Python on the right. Paired speedups:
# against the one-worker run of the same series and repetition. Columns read by name.
# By hand: gnuplot -e "in='results/xml-summary.csv'; in2='results/xml-meta.csv'; out='o.png'; fmt='png'; plotdir='plots'" plots/xml-scaling.gp
load plotdir.'/common.gp'

usable = 0
stats in2 using (strcol('key') eq 'cpus_usable' ? usable = strcol('value') + 0 : 0, 0) nooutput
is(e, m) = strcol('experiment') eq e && strcol('metric') eq m
nc = 0; np = 0; maxw = 1; lvl = 0; nrep = 0; bound = NaN
stats in using ((is('c-parse', 'speedup') || is('split', 'speedup')) ? nc = nc + 1 : 0, \
                is('python', 'speedup') ? np = np + 1 : 0, \
                is('split', 'speedup_bound') ? bound = column('median') : 0, \
                strcol('metric') eq 'speedup' && column('workers') > maxw ? maxw = column('workers') : 0, \
                strcol('metric') eq 'speedup' && column('n') > nrep ? (lvl = column('ci_level'), nrep = column('n')) : 0, 0) nooutput
if (nc + np == 0) {
    set label 2 "no speedups in this summary\n(parlab run xml)" at graph 0.5, 0.5 center
    unset key; unset tics; unset border
    set xrange [0:1]; set yrange [0:1]
    plot -1 notitle
    exit
}

# The variants, their tables and their looks: colour and marker say the parser, a
# dashed line says OpenMP (C) or a process pool (Python).
cvars = 'expat-threads libxml2-threads expat-openmp libxml2-openmp whole-files split-records'
cexps = 'c-parse c-parse c-parse c-parse split split'
ctitles = "'expat, threads' 'libxml2, threads' 'expat, OpenMP' 'libxml2, OpenMP' 'Debian files, whole' 'Debian files, cut at records'"
pvars = 'lxml lxml-default-parser lxml-shared-parser lxml-iterparse etree lxml-processes etree-processes etree-processes-trees'
ptitles = "'lxml, a parser per thread' 'lxml, default parser' 'lxml, one shared parser' 'lxml iterparse, threads' 'ElementTree, threads' 'lxml, processes' 'ElementTree, processes' 'ElementTree, processes, trees sent back'"
set linetype 11 lc rgb '#0072B2' pt 7 ps 1.3 dt 1
set linetype 12 lc rgb '#D55E00' pt 5 ps 1.3 dt 1
set linetype 13 lc rgb '#0072B2' pt 6 ps 1.3 dt 2
set linetype 14 lc rgb '#D55E00' pt 4 ps 1.3 dt 2
set linetype 15 lc rgb '#000000' pt 9 ps 1.5 dt 1
set linetype 16 lc rgb '#009E73' pt 11 ps 1.5 dt 1
set linetype 21 lc rgb '#0072B2' pt 7 ps 1.3 dt 1
set linetype 22 lc rgb '#56B4E9' pt 13 ps 1.3 dt 1
set linetype 23 lc rgb '#CC79A7' pt 11 ps 1.3 dt 1
set linetype 24 lc rgb '#E69F00' pt 9 ps 1.3 dt 1
set linetype 25 lc rgb '#D55E00' pt 5 ps 1.3 dt 1
set linetype 26 lc rgb '#0072B2' pt 6 ps 1.3 dt 2
set linetype 27 lc rgb '#D55E00' pt 4 ps 1.3 dt 2
set linetype 28 lc rgb '#000000' pt 8 ps 1.3 dt 2
do for [i = 1:words(cvars)] {
    do for [m in 'speedup cpu_cores'] {
        b = sprintf('$c%s_%d', m eq 'speedup' ? 's' : 'c', i)
        eval 'set table '.b
        plot in using (column('workers')):(column('median')):(column('ci_lo')):(column('ci_hi')) \
            with table if (is(word(cexps, i), m) && strcol('variant') eq word(cvars, i))
        unset table
        eval 'if (|'.b.'| == 0) { set print '.b.'; print "NaN NaN NaN NaN"; unset print }'  # not measured: an empty line
    }
}
do for [i = 1:words(pvars)] {
    do for [m in 'speedup cpu_cores'] {
        b = sprintf('$p%s_%d', m eq 'speedup' ? 's' : 'c', i)
        eval 'set table '.b
        plot in using (column('workers')):(column('median')):(column('ci_lo')):(column('ci_hi')) \
            with table if (is('python', m) && strcol('variant') eq word(pvars, i))
        unset table
        eval 'if (|'.b.'| == 0) { set print '.b.'; print "NaN NaN NaN NaN"; unset print }'
    }
}
set datafile separator whitespace
set datafile nocolumnheaders

ideal(x) = x < 1 ? NaN : (usable > 0 && x > usable) ? usable : x
xmax = maxw + 0.5
set multiplot title sprintf("XML in parallel: which parsers gain from more workers\n(points: medians of %d repetitions; bars: the interval of the median, %.0f%% coverage)", nrep, 100 * lvl) font ',14'
set xrange [0.5:xmax]
set xtics 1
if (maxw > 16) { set xtics auto }
set yrange [0:*]
if (usable > 0 && maxw > usable) {
    set object 1 rect from usable + 0.5, graph 0 to xmax, graph 1 fc rgb '#f0f0f0' fs solid noborder behind
}
set samples 1000
set key top left Left reverse font ',10' spacing 0.9 samplen 2
set offsets 0, 0, graph 0.6, 0
set size 0.5, 0.45
set xlabel 'workers (threads or processes)'

set origin 0, 0.48
set title 'C: speedup over one worker'
set ylabel 'speedup (x)'
if (nc > 0) {
    plot for [i = 1:words(cvars)] sprintf('$cs_%d', i) using 1:2:3:4 with yerrorlines lt (10 + i) title word(ctitles, i), \
         ideal(x) with lines dt 2 lw 1 lc rgb '#888888' title sprintf('ideal: N, up to the %d usable CPU%s', usable, usable == 1 ? '' : 's'), \
         (bound == bound && x >= 1 ? bound : NaN) with lines dt 3 lw 1.5 lc rgb '#000000' title sprintf('whole files can never pass total / largest = %.2fx', bound)
} else {
    set label 3 "no C results (parlab run xml --experiment c-parse,split)" at graph 0.5, 0.5 center
    plot ideal(x) with lines dt 2 lw 1 lc rgb '#888888' notitle
    unset label 3
}

set origin 0.5, 0.48
set title 'Python: speedup over one worker (1 process = the plain loop)'
if (np > 0) {
    plot for [i = 1:words(pvars)] sprintf('$ps_%d', i) using 1:2:3:4 with yerrorlines lt (20 + i) title word(ptitles, i), \
         ideal(x) with lines dt 2 lw 1 lc rgb '#888888' title 'ideal', \
         (x < 1 ? NaN : 1) with lines dt 3 lw 1 lc rgb '#D55E00' title '1x: no gain'
} else {
    set label 3 "no Python results (parlab run xml --experiment python)" at graph 0.5, 0.5 center
    plot ideal(x) with lines dt 2 lw 1 lc rgb '#888888' notitle
    unset label 3
}

set offsets 0, 0, graph 0.1, 0
set size 0.5, 0.44
set origin 0, 0.03
set title 'C: CPU cores busy (CPU time / wall time)'
set ylabel 'CPU cores'
if (nc > 0) {
    plot for [i = 1:words(cvars)] sprintf('$cc_%d', i) using 1:2:3:4 with yerrorlines lt (10 + i) notitle, \
         ideal(x) with lines dt 2 lw 1 lc rgb '#888888' title 'all usable CPUs busy'
} else {
    plot ideal(x) with lines dt 2 lw 1 lc rgb '#888888' notitle
}
set origin 0.5, 0.03
set title 'Python: CPU cores busy (threads holding the GIL stay near 1)'
if (np > 0) {
    plot for [i = 1:words(pvars)] sprintf('$pc_%d', i) using 1:2:3:4 with yerrorlines lt (20 + i) notitle, \
         ideal(x) with lines dt 2 lw 1 lc rgb '#888888' title 'all usable CPUs busy'
} else {
    plot ideal(x) with lines dt 2 lw 1 lc rgb '#888888' notitle
}
unset multiplot
