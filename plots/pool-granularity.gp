# pool-granularity.gp: efficiency against task size for each mechanism (C on the left,
# Python on the right), with the break-even sizes (efficiency 0.5 and 0.9) that
# `parlab run pool` found marked. The sizes are one a decade plus finer ones around each
# variant's crossings, so the lines are drawn through the sizes in order. Each
# efficiency is paired: the task's time in a plain loop was taken in the same
# repetition as the pooled run. Every variant has its own colour and marker, across
# both panels.
# input: pool-summary.csv
# By hand: gnuplot -e "in='results/pool-summary.csv'; out='g.png'; fmt='png'; plotdir='plots'" plots/pool-granularity.gp
# (the data check comes before common.gp opens the output: no empty chart file)
set datafile separator ','
set datafile columnheaders

is_eff(_) = strcol('experiment') eq 'granularity' && strcol('metric') eq 'efficiency'
w = 0
stats in using (is_eff(0) && column('workers') > w ? w = column('workers') : 0, 0) nooutput
if (w == 0) { print 'pool-granularity: no granularity rows in this run (parlab run pool --experiment granularity)'; exit }
lvl = 1; reps = 0; top = 1.2
stats in using (is_eff(0) && column('workers') == w ? (lvl = column('ci_level') < lvl ? column('ci_level') : lvl, \
                reps = column('n'), top = column('ci_hi') > top ? column('ci_hi') : top) : 0, 0) nooutput
# room above 1, the same on both panels: a process pool's workers can run faster than
# the loop did (CPython's speed differs between processes)
top = top > 2 ? 2 : top * 1.05
load plotdir.'/common.gp'
# guards: the using expressions run on every row, the filter after them
tus(p) = strstrt(p, 'task_us=') == 1 ? real(p[9:]) : NaN
lvlof(p) = strstrt(p, 'level=') > 0 ? real(p[strstrt(p, 'level=') + 6:]) : NaN
c_variants = 'parlab-threads-single omp-task parlab-threads omp-dynamic parlab-procs'
py_variants = 'py-thread-pool py-process-pool py-mp-pool py-joblib'
variants = c_variants.' '.py_variants
# One table per variant: gnuplot draws a line only through consecutive rows.
do for [i = 1:words(variants)] {
    v = word(variants, i)
    # (a table may stay empty, a variant not run: start each with one blank point so it exists)
    # how many sizes it has (0: not run, e.g. py-joblib with --quick)
    cnt = 0
    stats in using (is_eff(0) && strcol('variant') eq v && column('workers') == w ? cnt = cnt + 1 : 0, 0) nooutput
    eval sprintf('cnt_%d = %d', i, cnt)
    eval sprintf('set print $eff_%d', i)
    print 'NaN NaN NaN NaN'
    unset print
    eval sprintf('set table $eff_%d append', i)
    plot in using (tus(strcol('param'))):(column('median')):(column('ci_lo')):(column('ci_hi')) with table \
        if (is_eff(0) && strcol('variant') eq v && column('workers') == w)
    unset table
    eval sprintf('set print $be_%d', i)
    print 'NaN NaN'
    unset print
    eval sprintf('set table $be_%d append', i)
    plot in using (column('median')):(lvlof(strcol('param'))) with table \
        if (strcol('metric') eq 'breakeven_task_us' && strcol('variant') eq v && \
            strstrt(strcol('param'), sprintf('workers=%d;', w)) == 1)
    unset table
}

# the tables above are plain text: whitespace-separated, no header row
set datafile separator whitespace
set datafile nocolumnheaders
# the line through each variant's medians, sizes in order (the finer sizes were
# measured after the coarse ones, so the table is not in order)
do for [i = 1:words(variants)] {
    if (value(sprintf('cnt_%d', i)) > 0) {
        eval sprintf('set table $line_%d', i)
        eval sprintf('plot $eff_%d using 1:2 smooth unique', i)
        unset table
    } else {
        eval sprintf('set print $line_%d', i)
        print 'NaN NaN'
        unset print
    }
}
slide = fmt eq 'slide'  # big text on a small canvas: shorter words, every other decade
# short names on a slide
short(v) = v eq 'parlab-threads-single' ? 'pool\_submit' : v eq 'omp-task' ? 'omp task' : \
           v eq 'parlab-threads' ? 'pool\_submit\_batch' : v eq 'omp-dynamic' ? 'omp dynamic' : \
           v eq 'parlab-procs' ? 'C processes' : v eq 'py-thread-pool' ? 'ThreadPool' : \
           v eq 'py-process-pool' ? 'ProcessPool' : v eq 'py-mp-pool' ? 'Pool.map' : \
           v eq 'py-joblib' ? 'joblib' : v
name(v) = slide ? short(v) : v
if (slide) {
    set multiplot layout 1, 2 title sprintf("Efficiency against task size, %d workers (o: break-even)", w)
    set xlabel 'us a task (log scale)'
    set ylabel 'efficiency'
    set key top left box opaque samplen 1 spacing 0.85
} else {
    set multiplot layout 1, 2 title sprintf("Efficiency against task size, %d worker%s: median and its interval (%.0f%% coverage, n = %d); open circles: break-even at 0.5 and 0.9", \
        w, w == 1 ? '' : 's', 100 * lvl, reps) font ',14'
    set xlabel 'work per task (microseconds, log scale)'
    set ylabel 'efficiency = (tasks x loop time per task / workers) / elapsed'
    set key top left box opaque font ',11'
    set label 1 '1 = every worker busy with the work' at graph 0.99, first 1.03 right textcolor rgb '#777777' font ',10'
}
set logscale x
set format x '%g'
set yrange [0:(slide ? (top > 1.65 ? top : 1.65) : top)]   # on a slide the key sits above the curves
set offsets graph 0.03, graph 0.03, 0, 0   # no marker cut in half at either end
set bmargin 5   # the stamp below stays clear of the axis label
set arrow 1 from graph 0, first 0.5 to graph 1, first 0.5 nohead dt 2 lc rgb '#999999'
set arrow 2 from graph 0, first 0.9 to graph 1, first 0.9 nohead dt 2 lc rgb '#999999'
set arrow 3 from graph 0, first 1 to graph 1, first 1 nohead dt 3 lc rgb '#bbbbbb'
nc = words(c_variants)
# two more styles, so that no two variants share a colour or a marker across the panels
set linetype 8 lc rgb '#882255' pt 4 ps 1.3
set linetype 9 lc rgb '#999933' pt 8 ps 1.3
if (slide) { set xtics 100 }   # every other decade
set title slide ? 'C' : 'C: parlab pools (no window: as a program would use them), OpenMP'
plot for [i = 1:nc] sprintf('$eff_%d', i) using 1:2:3:4 with yerrorbars lt i lw 1 notitle, \
     for [i = 1:nc] sprintf('$line_%d', i) using 1:2 with lines lt i notitle, \
     for [i = 1:nc] keyentry with linespoints lt i title name(word(variants, i)).(value(sprintf('cnt_%d', i)) > 0 ? '' : ' (not run)'), \
     for [i = 1:nc] sprintf('$be_%d', i) using 1:2 with points lt i pt 6 ps 2.5 lw 2 notitle
set title slide ? 'Python' : 'Python: concurrent.futures, multiprocessing, joblib'
set ylabel ''
if (slide) { set xtics autofreq }
plot for [i = nc + 1:words(variants)] sprintf('$eff_%d', i) using 1:2:3:4 with yerrorbars lt i lw 1 notitle, \
     for [i = nc + 1:words(variants)] sprintf('$line_%d', i) using 1:2 with lines lt i notitle, \
     for [i = nc + 1:words(variants)] keyentry with linespoints lt i title name(word(variants, i)).(value(sprintf('cnt_%d', i)) > 0 ? '' : ' (not run)'), \
     for [i = nc + 1:words(variants)] sprintf('$be_%d', i) using 1:2 with points lt i pt 6 ps 2.5 lw 2 notitle
unset multiplot
