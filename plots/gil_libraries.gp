# input: gil-summary.csv
# input: gil-meta.csv
# gil lab, libraries: Python threads calling library code that releases the GIL
# (hashlib, zlib on 1 MiB buffers) against Python threads running pure Python, the same
# work split; speedups paired (against one thread in the same repetition). Columns are
# read by name.
load plotdir.'/common.gp'

usable = 0
stats in2 using (strcol('key') eq 'cpus_usable' ? usable = strcol('value') + 0 : 0, 0) nooutput
is(m) = strcol('experiment') eq 'libraries' && strcol('metric') eq m
nrows = 0
stats in using (is('speedup') ? nrows = nrows + 1 : 0, 0) nooutput
# Nothing of this experiment in the summary (run with --experiment): say so, draw nothing else.
if (nrows == 0) {
    set label 2 "no libraries results in this summary\n(parlab run gil --experiment libraries)" at graph 0.5, 0.5 center
    unset key; unset tics; unset border
    set xrange [0:1]; set yrange [0:1]
    plot -1 notitle
    exit
}
maxw = 1; lvl = 0; nrep = 0
stats in using (is('speedup') && column('workers') > maxw ? maxw = column('workers') : 0, \
                is('speedup') && column('n') > 1 ? (lvl = column('ci_level'), nrep = column('n')) : 0, 0) nooutput
kinds = 'hashlib zlib pure-python'
titles = "'hashlib.sha256 (releases the GIL)' 'zlib.compress (releases the GIL)' 'pure Python (holds the GIL)'"
do for [i = 1:words(kinds)] {
    eval sprintf('set table $k_%d', i)
    plot in using (column('workers')):(column('median')):(column('ci_lo')):(column('ci_hi')) \
        with table if (is('speedup') && strcol('variant') eq word(kinds, i))
    unset table
}
set datafile separator whitespace
set datafile nocolumnheaders

ideal(x) = x < 1 ? NaN : (usable > 0 && x > usable) ? usable : x
xmax = maxw + 0.5
set size 1, 0.96
set origin 0, 0.03
set title sprintf("When Python threads do scale: library calls that release the GIL\n(points: medians of %d repetitions; bars: the interval of the median, %.0f%% coverage)", nrep, 100 * lvl)
set xlabel 'threads'
set ylabel 'speedup over one thread (x)'
set xrange [0.5:xmax]
set xtics 1
if (maxw > 16) { set xtics auto }
set yrange [0:*]
set offsets 0, 0, graph 0.25, 0
set samples 1000
# Shaded: more threads than usable CPUs (from halfway past the last count that fits).
if (usable > 0 && maxw > usable) {
    set object 1 rect from usable + 0.5, graph 0 to xmax, graph 1 fc rgb '#f0f0f0' fs solid noborder behind
    set label 1 "more threads\nthan CPUs" at usable + 0.5, graph 0.1 offset 1,0 left front textcolor rgb '#777777'
}
set key top left
plot for [i = 1:words(kinds)] sprintf('$k_%d', i) using 1:2:3:4 with yerrorlines lt (i == 3 ? 2 : i == 1 ? 1 : 3) title word(titles, i), \
     ideal(x) with lines dt 2 lw 1 lc rgb '#888888' title sprintf('ideal: N, up to the %d usable CPU%s', usable, usable == 1 ? '' : 's'), \
     (x < 1 ? NaN : 1) with lines dt 3 lw 1 lc rgb '#D55E00' title 'one GIL: pure Python stays at 1x'
