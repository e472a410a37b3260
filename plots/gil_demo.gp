# input: gil-summary.csv
# input: gil-meta.csv
# gil lab, demo (parlab run gil --experiment demo; make demo-gil): the CPU cores each
# steady phase kept busy: count() on 1 Python thread, on 2 threads, in 2 processes, and
# spin() on 2 threads, the loop in C with the GIL released. Columns are read by name.
load plotdir.'/common.gp'

usable = 0
stats in2 using (strcol('key') eq 'cpus_usable' ? usable = strcol('value') + 0 : 0, 0) nooutput
isd(m) = strcol('experiment') eq 'demo' && strcol('metric') eq m
phase(x) = strcol('variant') eq 'threads' ? (column('workers') == 1 ? 1 : 2) : strcol('variant') eq 'processes' ? 3 : 4
nrows = 0; lvl = 0; nrep = 0; ymax = 2
stats in using (isd('cpu_cores') ? (nrows = nrows + 1, lvl = column('ci_level'), nrep = column('n'), \
                ymax = column('ci_hi') > ymax ? column('ci_hi') : ymax) : 0, 0) nooutput
if (nrows == 0) {
    set label 2 "no demo results in this summary\n(parlab run gil --experiment demo)" at graph 0.5, 0.5 center
    unset key; unset tics; unset border
    set xrange [0:1]; set yrange [0:1]
    plot -1 notitle
    exit
}
set table $cores
plot in using (phase(0)):(column('median')):(column('ci_lo')):(column('ci_hi')) with table if (isd('cpu_cores'))
unset table
set datafile separator whitespace
set datafile nocolumnheaders
ymax = (usable > ymax ? usable : ymax) * 1.2

set size 1, 0.96
set origin 0, 0.03
set title sprintf("The same Python loop, four ways: the CPU cores each phase kept busy\n(medians of %d repetitions, bars: the interval of the median, %.0f%% coverage)", nrep, 100 * lvl)
set ylabel 'CPU cores busy (CPU time / wall time)'
set xrange [0.4:4.6]
set yrange [0:ymax]
set xtics ("1 Python thread" 1, "2 Python threads\n(one GIL)" 2, "2 processes\n(a GIL each)" 3, "2 threads, the loop\nin C, GIL released" 4)
set ytics 0.5
set boxwidth 0.6
set style fill solid 0.7 noborder
set key top left
one(x) = 1
all(x) = usable > 0 ? usable : NaN
# colours as in gil_scaling: threads vermillion, processes blue, C without the GIL green
plot $cores using 1:2:($1 == 1 ? 5 : $1 == 2 ? 2 : $1 == 3 ? 1 : 3) with boxes lc variable notitle, \
     $cores using 1:2:3:4 with yerrorbars lt 7 pt 0 notitle, \
     $cores using 1:4:(sprintf('%.2f cores', $2)) with labels offset 0, 0.8 notitle, \
     one(x) with lines dt 3 lw 1.5 lc rgb '#D55E00' title 'one core: what one GIL allows', \
     all(x) with lines dt 2 lw 1.5 lc rgb '#888888' title sprintf('all %d usable CPU%s', usable, usable == 1 ? '' : 's')
