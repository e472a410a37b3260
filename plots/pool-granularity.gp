# pool-granularity.gp: efficiency against task size for each mechanism, with the
# break-even sizes (efficiency 0.5 and 0.9) that `parlab run pool` found marked.
# input: pool-summary.csv
# By hand: gnuplot -e "in='results/pool-summary.csv'; out='g.png'; fmt='png'; plotdir='plots'" plots/pool-granularity.gp
# (the data check comes before common.gp opens the output: no empty chart file)
set datafile separator ','
set datafile columnheaders

w = 0
stats in using (strcol(3) eq 'granularity' && $5 > w ? w = $5 : 0, 0) nooutput
if (w == 0) { print 'pool-granularity: no granularity rows in this run (parlab run pool --only granularity)'; exit }
load plotdir.'/common.gp'
# guards: the using expressions run on every row, the filter after them
tus(p) = strstrt(p, 'task_us=') == 1 ? real(p[9:]) : NaN
lvl(p) = strstrt(p, 'level=') > 0 ? real(p[strstrt(p, 'level=') + 6:]) : NaN
variants = 'parlab-threads omp-task omp-dynamic parlab-procs py-thread-pool py-process-pool py-mp-pool py-joblib'
# One table per variant: gnuplot draws a line only through consecutive rows.
do for [i = 1:words(variants)] {
    v = word(variants, i)
    # (a table may stay empty, a variant not run: start each with one blank point so it exists)
    eval sprintf('set print $eff_%d', i)
    print 'NaN NaN'
    unset print
    eval sprintf('set table $eff_%d append', i)
    plot in using (tus(strcol(6))):10 with table if (strcol(3) eq 'granularity' && strcol(4) eq v && strcol(7) eq 'efficiency' && $5 == w)
    unset table
    eval sprintf('set print $be_%d', i)
    print 'NaN NaN'
    unset print
    eval sprintf('set table $be_%d append', i)
    plot in using 10:(lvl(strcol(6))) with table \
        if (strcol(7) eq 'breakeven_task_us' && strcol(4) eq v && strstrt(strcol(6), sprintf('workers=%d;', w)) == 1)
    unset table
}

# the tables above are plain text: whitespace-separated, no header row
set datafile separator whitespace
set datafile nocolumnheaders
set title sprintf("Efficiency against task size, %d worker%s (open circles: break-even at 0.5 and 0.9)", w, w == 1 ? "" : "s")
set xlabel 'work per task (microseconds, log scale)'
set ylabel 'efficiency = (tasks x task time / workers) / elapsed'
set logscale x
set format x '%g'
set yrange [0:1.2]
set key outside right top box opaque
set arrow from graph 0, first 0.5 to graph 1, first 0.5 nohead dt 2 lc rgb '#999999'
set arrow from graph 0, first 0.9 to graph 1, first 0.9 nohead dt 2 lc rgb '#999999'
set linetype 8 lc rgb '#999999' pt 3 ps 1.3
plot for [i = 1:words(variants)] sprintf('$eff_%d', i) using 1:2 with linespoints lt i title word(variants, i), \
     for [i = 1:words(variants)] sprintf('$be_%d', i) using 1:2 with points lt i pt 6 ps 2.5 lw 2 notitle
