# cluster-tasks.gp: the same Executor code on a process pool, a Dask cluster and mpi4py
# (parlab run cluster: tasks). Left: what one empty task costs on each engine (wall time
# of many tasks / their number, the median and its interval), with the time it took to
# start; a dot plot on a log axis: only a dot's position means something. Right: the
# efficiency of tasks of a given size (the plain loop's time for the same tasks over the
# engine's time times its workers), with the 90% line: a task must be this big to pay.
# input: cluster-summary.csv
load plotdir.'/common.gp'
names = 'process-pool mpi4py dask-local dask-netns ipyparallel'
titles = "'ProcessPoolExecutor' 'mpi4py MPIPoolExecutor' 'Dask Client, LocalCluster' 'Dask Client, workers on 2 hosts' 'ipyparallel'"
is_fee(v) = strcol('experiment') eq 'tasks' && strcol('variant') eq v && strcol('metric') eq 'us_per_task'
is_eff(v) = strcol('experiment') eq 'tasks' && strcol('variant') eq v && strcol('metric') eq 'efficiency'
task_ms(p) = strstrt(p, 'task_us=') == 1 ? p[9:] / 1000.0 : NaN
n = 0; level = 1; w = 0
set print $fees
do for [i = 1:words(names)] {
    med = NaN; lo = NaN; hi = NaN; st = NaN; c = 0
    stats in using (is_fee(word(names, i)) ? (med = column('median'), lo = column('ci_lo'), hi = column('ci_hi'), w = column('workers'), \
                    level = column('ci_level') > 0 && column('ci_level') < level ? column('ci_level') : level) : 0, \
                    strcol('experiment') eq 'tasks' && strcol('variant') eq word(names, i) && strcol('metric') eq 'start_s' ? st = column('median') : 0, \
                    is_eff(word(names, i)) ? c = c + 1 : 0, 0) nooutput
    if (med == med) { n = n + 1; print sprintf('%g,%d,%g,%g,%g,%d', med, -n, lo, hi, st, i); eval sprintf('row%d = %d', n, i) }
    eval sprintf('cnt%d = %d', i, c)
    if (c == 0) { eval sprintf('set print $e%d', i); print 'NaN,NaN,NaN,NaN'; set print $fees append; continue }
    eval sprintf('set table $e%d separator comma', i)
    plot in using (task_ms(strcol('param'))):(column('median')):(column('ci_lo')):(column('ci_hi')) with table if (is_eff(word(names, i)))
    unset table
    set print $fees append
}
unset print
set datafile nocolumnheaders
if (n == 0) {
    set label 1 'no tasks rows in this run: parlab run cluster --experiment tasks' at graph 0.5, graph 0.5 center
    unset xtics; unset ytics; unset border; unset key
    set xrange [0:1]; set yrange [0:1]
    plot NaN notitle
    exit
}
ivl = level < 1 ? sprintf('intervals: %.0f%% coverage', 100 * level) : 'too few repetitions for intervals'
set multiplot layout 1, 2 title sprintf("The same Executor code on %d workers: what a task costs, and how big a task must be (%s)", w, ivl) font ',14' noenhanced

# ---- left: an empty task ----------------------------------------------------------------
set origin 0, 0.03
set size 0.5, 0.9
set title 'one empty task (log scale): lower is cheaper'
set xlabel 'microseconds a task (log scale)'
set logscale x 10
set format x '%g'
set yrange [-n - 0.7:-0.3]
set ytics () font ',11'
do for [k = 1:n] { set ytics add (word(titles, value(sprintf('row%d', k))) -k) }
set lmargin 27
set grid xtics noytics
set offsets graph 0.1, graph 0.35, 0, 0
unset key
plot $fees using 1:2:3:4:6 with xerrorbars pt 7 ps 1.8 lc variable lw 1.5 notitle, \
     $fees using 1:2:(sprintf('%.3g us; started in %.2g s', $1, $5)) with labels offset 0,1.1 font ',11' notitle

# ---- right: efficiency by task size -----------------------------------------------------
set origin 0.5, 0.03
set size 0.5, 0.9
unset ytics; set ytics auto
set lmargin 9
set title 'efficiency by task size: the 90% line is where a task pays'
set xlabel 'task size (milliseconds of work, log scale)'
set ylabel 'efficiency (loop time / (workers x engine time))'
set yrange [0:1.45]   # room above 1 for the key: no point can hide behind it
set ytics 0, 0.2, 1
set xrange [0.05:200]
set offsets 0, 0, 0, 0
set grid xtics ytics
set arrow 1 from graph 0, first 0.9 to graph 1, first 0.9 nohead dt 2 lc rgb '#555555'
set key top left box opaque font ',11' noenhanced
plot for [i = 1:words(names)] sprintf('$e%d', i) using 1:2:3:4 with yerrorlines lt i lw 1.5 ps 1.6 \
        title (value(sprintf('cnt%d', i)) > 0 ? word(titles, i) : '')
unset multiplot
