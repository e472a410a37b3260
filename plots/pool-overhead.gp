# pool-overhead.gp: what one empty task costs in each pool: parlab's thread and process
# pools, OpenMP, and Python's pools, measured in the same run. A dot plot on a log axis:
# only a dot's position means something (a bar's length from an arbitrary axis start
# would not), and its whisker is the interval of the median.
# input: pool-summary.csv
# By hand: gnuplot -e "in='results/pool-summary.csv'; out='o.png'; fmt='png'; plotdir='plots'" plots/pool-overhead.gp
# (the data check comes before common.gp opens the output: no empty chart file)
set datafile separator ','
set datafile columnheaders

is_fee(_) = strcol('experiment') eq 'task-overhead' && strcol('metric') eq 'us_per_task'
# the largest worker count measured (the usable CPUs unless --workers was given)
w = 0
stats in using (is_fee(0) && column('workers') > w ? w = column('workers') : 0, 0) nooutput
if (w == 0) { print 'pool-overhead: no task-overhead rows in this run (parlab run pool --experiment task-overhead)'; exit }
# the coverage of the intervals drawn (the lowest, if points had different n) and n
lvl = 1; reps = 0
stats in using (is_fee(0) && column('workers') == w ? (lvl = column('ci_level') < lvl ? column('ci_level') : lvl, \
                reps = column('n')) : 0, 0) nooutput
load plotdir.'/common.gp'
set table $dots
plot in using (column('median')):(column('ci_lo')):(column('ci_hi')):(strcol('variant')) with table \
    if (is_fee(0) && column('workers') == w)
unset table

# One row a variant, grouped by kind, top to bottom; the kind gives the colour.
order = 'parlab-threads parlab-threads-single omp-dynamic omp-task parlab-procs py-thread-pool py-mp-pool py-joblib py-process-pool'
label(v) = v eq 'parlab-procs' || v eq 'py-process-pool' ? v.' (chunksize 1)' : \
           v eq 'py-mp-pool' || v eq 'py-joblib' ? v.' (automatic chunks)' : \
           v eq 'parlab-threads' ? v.' (batch)' : v eq 'parlab-threads-single' ? v.' (one by one)' : v
row(v) = words(order) + 1 - sum [k = 1:words(order)] (word(order, k) eq v ? k : 0)
kind(v) = strstrt(v, 'py-') == 1 ? (v eq 'py-thread-pool' ? 3 : 5) : (v eq 'parlab-procs' ? 2 : 1)

# the tables above are plain text: whitespace-separated, no header row
set datafile separator whitespace
set datafile nocolumnheaders
set title sprintf("Cost of one empty task, %d worker%s: median and its interval (%.0f%% coverage, n = %d; lower is cheaper)", \
                  w, w == 1 ? '' : 's', 100 * lvl, reps)
set xlabel 'microseconds per empty task (log scale)'
set ylabel ''
set logscale x
set format x '%g'
set xrange [*:*]
set offsets graph 0.08, graph 0.08, 0.6, 0.6
set yrange [0.5:words(order) + 0.5]
set ytics nomirror scale 0
set ytics () 
do for [k = 1:words(order)] { set ytics add (label(word(order, k)) words(order) + 1 - k) }
set grid xtics noytics
set key top right box opaque
plot $dots using 1:(row(strcol(4))):2:3:(kind(strcol(4))) with xerrorbars pt 7 ps 1.8 lc variable notitle, \
     $dots using 1:(row(strcol(4))):(sprintf('%.3g us', $1)) with labels offset 0,1.1 font ',11' notitle, \
     keyentry with points lt 1 pt 7 title 'C threads, OpenMP', \
     keyentry with points lt 2 pt 7 title 'C processes', \
     keyentry with points lt 3 pt 7 title 'Python threads', \
     keyentry with points lt 5 pt 7 title 'Python processes'
