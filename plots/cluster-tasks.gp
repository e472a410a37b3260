# cluster-tasks.gp: the same Executor code on a process pool, a Dask cluster and mpi4py
# (parlab run cluster: tasks). Left: what one empty task costs on each engine (wall time
# of many tasks / their number, the median and its interval), with the time it took to
# start; a dot plot on a log axis: only a dot's position means something. Right: the
# efficiency of tasks of a given size (the plain loop's time for the same tasks over the
# engine's time times its workers), with the 90% line: a task must be this big to pay.
# input: cluster-summary.csv
# slide panels: a b
# (render.sh --slide also draws each panel alone, full size: cluster-tasks-a.png, the empty
# task, and cluster-tasks-b.png, efficiency by task size)
load plotdir.'/common.gp'
names = 'process-pool mpi4py dask-local dask-netns ipyparallel'
titles = "'ProcessPoolExecutor' 'mpi4py MPIPoolExecutor' 'Dask Client, LocalCluster' 'Dask Client, workers on 2 hosts' 'ipyparallel'"
is_fee(v) = strcol('experiment') eq 'tasks' && strcol('variant') eq v && strcol('metric') eq 'us_per_task'
is_eff(v) = strcol('experiment') eq 'tasks' && strcol('variant') eq v && strcol('metric') eq 'efficiency'
task_ms(p) = strstrt(p, 'task_us=') == 1 ? p[9:] / 1000.0 : NaN
n = 0; level = 1; w = 0; ehi = 1
set print $fees
do for [i = 1:words(names)] {
    med = NaN; lo = NaN; hi = NaN; st = NaN; c = 0
    stats in using (is_fee(word(names, i)) ? (med = column('median'), lo = column('ci_lo'), hi = column('ci_hi'), w = column('workers'), \
                    level = column('ci_level') > 0 && column('ci_level') < level ? column('ci_level') : level) : 0, \
                    strcol('experiment') eq 'tasks' && strcol('variant') eq word(names, i) && strcol('metric') eq 'start_s' ? st = column('median') : 0, \
                    is_eff(word(names, i)) ? (c = c + 1, ehi = column('ci_hi') > ehi ? column('ci_hi') : ehi) : 0, 0) nooutput
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
# One panel alone on a slide (panel = 'a': the empty task, 'b': efficiency by task size;
# from render.sh --slide), or both. A slide: big text on a small canvas, so shorter words,
# the machine in the title (centred on the slide), the key below the plot, off the data.
slide = fmt eq 'slide'
bars = level < 1 ? sprintf('bars: %.0f%% intervals', 100 * level) : 'too few repetitions for intervals'
# a time in the unit that reads best: 159 us, 5.51 ms, 1.2 s
dur(us) = us >= 1e6 ? sprintf('%.3g s', us / 1e6) : us >= 1000 ? sprintf('%.3g ms', us / 1000) : sprintf('%.3g us', us)
# the key below the plot on a slide: the engines and the 90% line, in rows of 2 or 3
nkey = 1
do for [i = 1:words(names)] { nkey = nkey + (value(sprintf('cnt%d', i)) > 0 ? 1 : 0) }
krows = nkey > 4 ? 3 : 2
kbot = krows == 3 ? 0.37 : 0.33   # the plots' bottom, above the key
if (!slide) {
    set multiplot layout 1, 2 title sprintf("The same Executor code on %d workers: what a task costs, and how big a task must be (%s)", w, ivl) font ',14' noenhanced
} else {
    if (sp eq '') {
        ttl = sprintf("The same Executor code on %d workers: what a task costs, how big it must be\n%s", w, mach)
        set multiplot title ttl font ',14' noenhanced
    } else {
        ttl = sp eq 'a' ? with_mach(sprintf("(a) One empty task on %d workers: what each engine costs, microseconds\nwall time of many tasks / their number; %s", w, bars)) : \
                          with_mach(sprintf("(b) Efficiency by task size on %d workers: a task pays above the 90%% line\nthe plain loop's time / (workers x the engine's time)", w))
        set multiplot title ttl font ',12' noenhanced
    }
    # below a title of 2 or 3 lines
    ttop = strstrt(lastline(ttl), "\n") > 0 ? 0.8 : 0.85
}

if (show('a')) {
# ---- left: an empty task ----------------------------------------------------------------
if (!slide) {
    set origin 0, 0.03
    set size 0.5, 0.9
    set title 'one empty task (log scale): lower is cheaper'
} else {
    if (sp eq '') {
        set lmargin at screen 0.3
        set rmargin at screen 0.5
        set tmargin at screen 0.79
        set bmargin at screen kbot
        set title '(a) one empty task: lower is cheaper' font ',11'
    } else {
        set rmargin 3
        set tmargin at screen ttop
        set bmargin at screen 0.2
        unset title
    }
}
set xlabel (slide && sp eq '' ? 'us a task (log scale)' : 'microseconds a task (log scale)')
set logscale x 10
set format x '%g'
# on a slide a little more room above the top row, for its label
set yrange [-n - 0.7:(slide ? (sp eq '' ? 0 : -0.1) : -0.3)]
ytfont = slide && sp eq '' ? ',10' : ',11'
set ytics () font ytfont
do for [k = 1:n] { set ytics add (word(titles, value(sprintf('row%d', k))) -k) }
if (!slide || sp ne '') { set lmargin 27 }
set grid xtics noytics
set offsets graph (slide ? 0.2 : 0.1), graph 0.35, 0, 0   # room for the labels, centred on their dots
unset key
# on the slide of both panels there is room for the cost only
plot $fees using 1:2:3:4:6 with xerrorbars pt 7 ps 1.8 lc variable lw 1.5 notitle, \
     $fees using 1:2:(slide && sp eq '' ? dur($1) : sprintf('%s; started in %.2g s', dur($1), $5)) with labels offset 0,1.1 font ',11' notitle
}

if (show('b')) {
# ---- right: efficiency by task size -----------------------------------------------------
if (!slide) {
    set origin 0.5, 0.03
    set size 0.5, 0.9
    set lmargin 9
    set title 'efficiency by task size: the 90% line is where a task pays'
    set ylabel 'efficiency (loop time / (workers x engine time))'
    set yrange [0:1.45]   # room above 1 for the key: no point can hide behind it
    set arrow 1 from graph 0, first 0.9 to graph 1, first 0.9 nohead dt 2 lc rgb '#555555'
    set key top left box opaque font ',11' noenhanced
} else {
    # the key below the plot, the 90% line in it
    if (sp eq '') {
        set lmargin at screen 0.6
        set rmargin at screen 0.98
        set tmargin at screen 0.79
        set bmargin at screen kbot
        set title '(b) efficiency by task size' font ',11'
        set ylabel 'efficiency (1 = ideal)' offset 1, 0
    } else {
        set lmargin 10
        set rmargin 3
        set tmargin at screen ttop
        set bmargin at screen kbot
        unset title
        set ylabel 'efficiency (1 = no overhead)' offset 1, 0
    }
    set yrange [0:(ehi > 1.05 ? 1.05 * ehi : 1.1)]
    set key at screen 0.5, screen (krows == 3 ? 0.15 : 0.13) center center vertical maxrows krows box opaque font ',11' noenhanced \
        samplen 2 width -3 title 'engine ('.bars.')'
}
unset ytics; set ytics auto
set xlabel (slide && sp eq '' ? 'task size, ms of work (log scale)' : 'task size (milliseconds of work, log scale)')
set logscale x 10
set format x '%g'
set ytics 0, 0.2, 1
set xrange [0.05:200]
set offsets 0, 0, 0, 0
set grid xtics ytics
plot for [i = 1:words(names)] sprintf('$e%d', i) using 1:2:3:4 with yerrorlines lt i lw 1.5 ps 1.6 \
        title (value(sprintf('cnt%d', i)) > 0 ? word(titles, i) : ''), \
     (slide ? 0.9 : NaN) with lines dt 2 lw 1.5 lc rgb '#555555' title (slide ? '90%: the task pays' : '')
}
unset multiplot
