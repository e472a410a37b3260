# input: gil-summary.csv
# input: gil-meta.csv
# gil lab, python-cpu: the same pure-Python work split over N workers.
# Left: speedup (paired: against the one-worker run of the same team and repetition).
# Right: the CPU cores the work used. Columns are read by name.
load plotdir.'/common.gp'

# Usable CPUs from the meta file: no speedup can pass them, so the ideal is min(N, CPUs)
# and points beyond them are oversubscribed (shaded).
usable = 0
stats in2 using (strcol('key') eq 'cpus_usable' ? usable = strcol('value') + 0 : 0, 0) nooutput
is(e, m) = strcol('experiment') eq e && strcol('metric') eq m
nrows = 0
stats in using (is('python-cpu', 'speedup') ? nrows = nrows + 1 : 0, 0) nooutput
# Nothing of this experiment in the summary (run with --experiment): say so, draw nothing else.
if (nrows == 0) {
    set label 2 "no python-cpu results in this summary\n(parlab run gil --experiment python-cpu)" at graph 0.5, 0.5 center
    unset key; unset tics; unset border
    set xrange [0:1]; set yrange [0:1]
    plot -1 notitle
    exit
}
maxw = 1; lvl = 0; nrep = 0
stats in using (is('python-cpu', 'speedup') && column('workers') > maxw ? maxw = column('workers') : 0, \
                is('python-cpu', 'speedup') && column('n') > 1 ? (lvl = column('ci_level'), nrep = column('n')) : 0, 0) nooutput

# The subinterpreters variant exists only with CPython 3.12+: drawn only if measured.
nsub = 0
stats in using (strcol('variant') eq 'subinterpreters' ? nsub = nsub + 1 : 0, 0) nooutput
nv = nsub > 0 ? 4 : 3
# One table per variant and metric: gnuplot joins consecutive rows only.
variants = 'threads processes threads-nogil subinterpreters'
titles = "'threads (one GIL)' 'processes (a GIL each)' 'threads, loop in C, GIL released' 'threads, a subinterpreter each (3.12+)'"
do for [i = 1:nv] {
    v = word(variants, i)
    do for [m in 'speedup cpu_cores'] {
        eval sprintf('set table $%s_%d', m eq 'speedup' ? 's' : 'c', i)
        plot in using (column('workers')):(column('median')):(column('ci_lo')):(column('ci_hi')) \
            with table if (is('python-cpu', m) && strcol('variant') eq v)
        unset table
    }
}
set datafile separator whitespace
set datafile nocolumnheaders

ideal(x) = x < 1 ? NaN : (usable > 0 && x > usable) ? usable : x
xmax = maxw + 0.5
set multiplot title sprintf("CPython's GIL: the same Python work on N threads, N processes, or N threads in C without the GIL\n(points: medians of %d repetitions; bars: the interval of the median, %.0f%% coverage)", nrep, 100 * lvl) font ',14'
set xlabel 'workers (threads or processes)'
set key top left
set xrange [0.5:xmax]
set xtics 1
if (maxw > 16) { set xtics auto }
set yrange [0:*]
# Shaded: more workers than usable CPUs (from halfway past the last count that fits).
if (usable > 0 && maxw > usable) {
    set object 1 rect from usable + 0.5, graph 0 to xmax, graph 1 fc rgb '#f0f0f0' fs solid noborder behind
    set label 1 "more workers\nthan CPUs" at usable + 0.5, graph 0.1 offset 1,0 left front textcolor rgb '#777777'
}
set samples 1000
set offsets 0, 0, graph 0.35, 0   # headroom above the lines for the key
set size 0.5, 0.92
set origin 0, 0.03
set title 'speedup over one worker of the same team'
set ylabel 'speedup (x)'
plot for [i = 1:nv] sprintf('$s_%d', i) using 1:2:3:4 with yerrorlines lt (i == 1 ? 2 : i == 2 ? 1 : i) \
        title word(titles, i), \
     ideal(x) with lines dt 2 lw 1 lc rgb '#888888' title sprintf('ideal: N, up to the %d usable CPU%s', usable, usable == 1 ? '' : 's'), \
     (x < 1 ? NaN : 1) with lines dt 3 lw 1 lc rgb '#D55E00' title 'one GIL: threads running Python stay at 1x'
set origin 0.5, 0.03
set title 'CPU in use (CPU time / wall time)'
set ylabel 'CPU cores busy'
plot for [i = 1:nv] sprintf('$c_%d', i) using 1:2:3:4 with yerrorlines lt (i == 1 ? 2 : i == 2 ? 1 : i) \
        title word(variants, i), \
     ideal(x) with lines dt 2 lw 1 lc rgb '#888888' title 'all usable CPUs busy'
unset multiplot
