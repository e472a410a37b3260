# pool-overhead.gp: what one empty task costs in each pool, measured in the same run,
# with the like-with-like pairs side by side: parlab's pool and libgomp handing over one
# task a submit, then a batch a submit, every task deferred (at most 48 a worker in
# flight); then what is not like with like (omp task with no window, which libgomp runs
# mostly in place; a parallel loop, which has no tasks), the process pools and Python's.
# A dot plot on a log axis: only a dot's position means something (a bar's length from
# an arbitrary axis start would not), and its whisker is the interval of the median.
# Colour and marker say the library: parlab (blue circles), OpenMP (orange squares),
# Python (green triangles).
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
# the medians of the pairs (their ratios are written beside them) and the share of
# omp-task-nowindow's tasks that libgomp ran in place
m_single = NaN; m_task = NaN; m_batch = NaN; m_loop = NaN; inplace = NaN
stats in using (column('workers') != w ? 0 : \
    (is_fee(0) && strcol('variant') eq 'parlab-threads-single' ? m_single = column('median') : 0, \
     is_fee(0) && strcol('variant') eq 'omp-task' ? m_task = column('median') : 0, \
     is_fee(0) && strcol('variant') eq 'parlab-threads' ? m_batch = column('median') : 0, \
     is_fee(0) && strcol('variant') eq 'omp-taskloop' ? m_loop = column('median') : 0, \
     strcol('experiment') eq 'task-overhead' && strcol('variant') eq 'omp-task-nowindow' && \
     strcol('metric') eq 'inline_share' ? inplace = column('median') : 0), 0) nooutput
load plotdir.'/common.gp'
# flags: a point disturbed by other programs says so beside its value
flagged(f) = strlen(f) > 0 && (strstrt(f, 'busy') > 0 || strstrt(f, 'short') > 0)
set table $dots
plot src using (column('median')):(column('ci_lo')):(column('ci_hi')):(strcol('variant')):(flagged(strcol('flags')) ? 1 : 0) \
    with table if (is_fee(0) && column('workers') == w)
unset table

# Each variant's row (top = highest y), grouped with a gap between groups. On a slide
# (big text on a small canvas) only the pairs and the one-a-message rows, in short words.
slide = fmt eq 'slide'
if (slide) {
    order = 'parlab-threads-single omp-task parlab-threads omp-taskloop parlab-procs py-thread-pool py-process-pool'
    ys = '9 8 5.6 4.6 2.2 1.2 0.2'
} else {
    order = 'parlab-threads-single omp-task parlab-threads omp-taskloop omp-task-nowindow omp-dynamic parlab-procs py-thread-pool py-process-pool py-mp-pool py-joblib'
    ys = '14 13 10.6 9.6 7.2 6.2 3.8 2.8 1.8 -0.6 -1.6'
}
row(v) = sum [k = 1:words(order)] (word(order, k) eq v ? real(word(ys, k)) : 0)
lib(v) = strstrt(v, 'py-') == 1 ? 3 : strstrt(v, 'omp-') == 1 ? 2 : 1
ptype(v) = lib(v) == 1 ? 7 : lib(v) == 2 ? 5 : 9   # as linetypes 1-3 in common.gp
shown(v) = row(v) != 0
label(v) = slide ? ( \
           v eq 'parlab-threads-single' ? 'pool\_submit' : v eq 'omp-task' ? 'omp task' : \
           v eq 'parlab-threads' ? 'pool\_submit\_batch' : v eq 'omp-taskloop' ? 'omp taskloop' : \
           v eq 'parlab-procs' ? 'C process pool' : v eq 'py-thread-pool' ? 'ThreadPoolExecutor' : \
           v eq 'py-process-pool' ? 'ProcessPoolExecutor' : v) : \
           v eq 'parlab-threads-single' ? 'parlab-threads-single (pool\_submit)' : \
           v eq 'omp-task' ? 'omp-task (#pragma omp task)' : \
           v eq 'parlab-threads' ? 'parlab-threads (pool\_submit\_batch)' : \
           v eq 'omp-taskloop' ? 'omp-taskloop (grainsize 1)' : \
           v eq 'omp-task-nowindow' ? (inplace == inplace ? sprintf('omp-task, no window (%.0f%%%% run in place)', 100 * inplace) : 'omp-task, no window') : \
           v eq 'omp-dynamic' ? 'omp-dynamic (a loop: no tasks)' : \
           v eq 'parlab-procs' ? 'parlab-procs (chunksize 1)' : \
           v eq 'py-process-pool' ? 'py-process-pool (chunksize 1)' : \
           v eq 'py-thread-pool' ? 'py-thread-pool (map)' : \
           v eq 'py-mp-pool' ? 'py-mp-pool (Pool.map)' : v eq 'py-joblib' ? 'py-joblib' : v

# the tables above are plain text: whitespace-separated, no header row
set datafile separator whitespace
set datafile nocolumnheaders
if (slide) {
    set title sprintf("One empty task handed over, %d workers (lower is cheaper)", w)
    set xlabel 'microseconds a task (log scale)'
} else {
    set title sprintf("Cost of one empty task, %d worker%s: median and its interval (%.0f%% coverage, n = %d); lower is cheaper", \
                      w, w == 1 ? '' : 's', 100 * lvl, reps)
    set xlabel 'microseconds per empty task (log scale)'
}
set ylabel ''
set logscale x
set format x '%g'
set xrange [*:*]
set offsets graph 0.1, graph 0.12, 0, 0
set bmargin 5   # the stamp below stays clear of the axis label
set ytics nomirror scale 0 font ',12'
set ytics ()
do for [k = 1:words(order)] { set ytics add (label(word(order, k)) real(word(ys, k))) }
# the groups: a band behind each like-with-like pair, the headings on the axis
set style rect fc rgb '#f0f4fa' fs solid 1.0 noborder
if (slide) {
    set yrange [-0.6:10.2]
    set lmargin 24
    set object 1 rect from graph 0, first 7.45 to graph 1, first 9.75 behind
    set object 2 rect from graph 0, first 4.05 to graph 1, first 6.35 behind
    set ytics add ("{/:Bold one a submit}" 9.75, "{/:Bold a batch a submit}" 6.35, "{/:Bold one a message}" 2.95)
    y1 = 7.75; y2 = 4.35
} else {
    set yrange [-2.4:15.4]
    set lmargin 44
    set object 1 rect from graph 0, first 12.45 to graph 1, first 14.75 behind
    set object 2 rect from graph 0, first 9.05 to graph 1, first 11.35 behind
    set ytics add ("{/:Bold one task a submit, every task deferred}" 14.75, \
                   "{/:Bold a batch a submit (16 a worker), deferred}" 11.35, \
                   "{/:Bold not like with like}" 7.95, \
                   "{/:Bold processes; Python threads: one task a message}" 4.55, \
                   "{/:Bold Python, automatic chunks}" 0.15)
    y1 = 12.75; y2 = 9.35
}
set grid xtics noytics
# the ratio of each like-with-like pair, at the band's right edge ("303x", not "3e+02x")
ratio(r) = r >= 100 ? sprintf('%.0fx', r) : sprintf('%.2gx', r)
if (m_single == m_single && m_task == m_task && m_single > 0) {
    set label 1 'omp task / pool\_submit: '.ratio(m_task / m_single) at graph 0.99, first y1 right font ',12' front
}
if (m_batch == m_batch && m_loop == m_loop && m_batch > 0) {
    set label 2 'taskloop / pool\_submit\_batch: '.ratio(m_loop / m_batch) at graph 0.99, first y2 right font ',12' front
}
# the key names the libraries; on a slide the row labels do (and there is no room)
if (slide) { set key off } else { set key at graph 0.99, graph 0.06 right bottom box opaque font ',12' samplen 1 }
at(v) = shown(v) ? row(v) : NaN
plot $dots using 1:(at(strcol(4))):2:3:(lib(strcol(4))) with xerrorbars pt -1 lc variable lw 1.5 notitle, \
     $dots using 1:(at(strcol(4))):(ptype(strcol(4))):(lib(strcol(4))) with points pt variable ps 2 lc variable notitle, \
     $dots using 1:(at(strcol(4))):(sprintf('%.3g us%s', $1, $5 > 0 ? ' (busy)' : '')) with labels offset 0,1 font ',11' notitle, \
     keyentry with points lt 1 ps 2 title 'parlab (src/pool.h)', \
     keyentry with points lt 2 ps 2 title 'OpenMP (libgomp)', \
     keyentry with points lt 3 ps 2 title 'Python'
