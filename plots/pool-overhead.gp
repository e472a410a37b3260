# pool-overhead.gp: what one empty task costs in each pool (log scale bars): parlab's
# thread and process pools, OpenMP, and Python's pools, measured in the same run.
# input: pool-summary.csv
# By hand: gnuplot -e "in='results/pool-summary.csv'; out='o.png'; fmt='png'; plotdir='plots'" plots/pool-overhead.gp
# (the data check comes before common.gp opens the output: no empty chart file)
set datafile separator ','
set datafile columnheaders

# the largest worker count measured (the usable CPUs unless --workers was given)
w = 0
stats in using (strcol(3) eq 'task-overhead' && $5 > w ? w = $5 : 0, 0) nooutput
if (w == 0) { print 'pool-overhead: no task-overhead rows in this run (parlab run pool --only task-overhead)'; exit }
load plotdir.'/common.gp'
set table $bars
plot in using 10:13:14:(strcol(4)) with table if (strcol(3) eq 'task-overhead' && $5 == w)
unset table

# the tables above are plain text: whitespace-separated, no header row
set datafile separator whitespace
set datafile nocolumnheaders
set title sprintf("Cost of one empty task, %d worker%s (median, 95%% CI; lower is cheaper)", w, w == 1 ? "" : "s")
set ylabel 'microseconds per task (log scale)'
set xlabel ''
set logscale y
set format y '%g'
set yrange [*:*]
set style fill solid 0.8 border -1
set boxwidth 0.7 absolute
set xrange [-0.6:*]
set xtics rotate by -30 nomirror
set key off
set grid ytics
plot $bars using 0:1:xtic(4) with boxes lc rgb '#0072B2', \
     $bars using 0:1:2:3 with yerrorbars lc rgb '#000000' pt 0, \
     $bars using 0:($1 * 1.6):(sprintf('%.3g', $1)) with labels font ',11'
