# pool-demo.gp: the demo's phases (parlab run pool --experiment demo; make demo-pool):
# one process pool, the same tiny tasks, sent one a message and then 100 a message.
# Left: the tasks done a second; right: the CPU cores the pool kept busy. Linear bars
# from zero (a bar's length is the number), whiskers the interval of the median.
# input: pool-summary.csv
# By hand: gnuplot -e "in='results/pool-summary.csv'; out='d.png'; fmt='png'; plotdir='plots'" plots/pool-demo.gp
# (the data check comes before common.gp opens the output: no empty chart file)
set datafile separator ','
set datafile columnheaders

is_demo(_) = strcol('experiment') eq 'demo'
w = 0
stats in using (is_demo(0) && column('workers') > w ? w = column('workers') : 0, 0) nooutput
if (w == 0) { print 'pool-demo: no demo rows in this run (parlab run pool --experiment demo)'; exit }
lvl = 1; reps = 0; tmax = 0; us = ''
is_tps(_) = is_demo(0) && column('workers') == w && strcol('metric') eq 'tasks_per_s'
stats in using (is_tps(0) && column('ci_level') < lvl ? lvl = column('ci_level') : 0, 0) nooutput
stats in using (is_tps(0) ? reps = column('n') : 0, 0) nooutput
stats in using (is_tps(0) && column('ci_hi') > tmax ? tmax = column('ci_hi') : 0, 0) nooutput
stats in using (is_tps(0) ? us = strcol('param')[strstrt(strcol('param'), 'task_us=') + 8:] : 0, 0) nooutput
load plotdir.'/common.gp'
usable = stamp_usable > 0 ? stamp_usable : w
phase(p) = strstrt(p, 'phase=') == 1 ? int(real(p[7:strstrt(p, ';') - 1])) : NaN
chunk(p) = strstrt(p, ';task') > 0 ? p[strstrt(p, 'chunksize=') + 10:strstrt(p, ';task') - 1] : '?'
set table $tps
plot in using (phase(strcol('param'))):(column('median')):(column('ci_lo')):(column('ci_hi')):(strcol('param')) with table \
    if (is_demo(0) && column('workers') == w && strcol('metric') eq 'tasks_per_s')
unset table
set table $cores
plot in using (phase(strcol('param'))):(column('median')):(column('ci_lo')):(column('ci_hi')):(strcol('param')) with table \
    if (is_demo(0) && column('workers') == w && strcol('metric') eq 'cpu_cores')
unset table

set datafile separator whitespace
set datafile nocolumnheaders
slide = fmt eq 'slide'  # big text on a small canvas: shorter words
plabel(p) = chunk(p) eq '1' ? "one task\na message" : sprintf("%s tasks\na message", chunk(p))
rate(x) = x >= 1e6 ? sprintf('%.2f million', x / 1e6) : x >= 1e4 ? sprintf('%.0f thousand', x / 1e3) : sprintf('%.0f', x)
if (slide) {
    set multiplot layout 1, 2 title sprintf("One pool of %d processes, tasks of %s us", w, us)
} else {
    set multiplot layout 1, 2 title sprintf("One process pool of %d workers, the same tasks of %s us: chunks, not cores, make the work go (median and %.0f%% interval, n = %d)", \
        w, us, 100 * lvl, reps) font ',14'
}
set style fill solid 0.85 noborder
set boxwidth 0.6
set xrange [0.4:2.6]
set xtics scale 0
set grid ytics
set bmargin 5   # the stamp below stays clear
set key off
# left: tasks a second (the label above each bar: its value and what the phase sends)
set title slide ? 'tasks a second' : 'tasks done a second (higher is better)'
set ylabel slide ? '' : 'tasks a second'
set format y '%.0s%c'
set yrange [0:tmax * 1.3]
plot $tps using 1:2:(0.6):($1 == 1 ? 2 : 1):xtic(plabel(strcol(5))) with boxes lc variable, \
     $tps using 1:3:(0):($4 - $3) with vectors heads size screen 0.008,90 lt 7 lw 1.5, \
     $tps using 1:4:(rate($2)) with labels offset 0,1 font ',12'
# right: the CPU cores busy, against the usable CPUs
set title slide ? 'CPU cores busy' : 'CPU cores busy (the pool and its workers)'
set ylabel slide ? '' : 'cores'
set format y '%g'
set yrange [0:usable * 1.35]
set arrow 1 from graph 0, first usable to graph 1, first usable nohead dt 2 lc rgb '#777777'
set label 1 sprintf('%d usable CPU%s', usable, usable == 1 ? '' : 's') at graph 0.98, first usable right offset 0, 0.7 textcolor rgb '#555555' font ',11'
plot $cores using 1:2:(0.6):($1 == 1 ? 2 : 1):xtic(plabel(strcol(5))) with boxes lc variable, \
     $cores using 1:3:(0):($4 - $3) with vectors heads size screen 0.008,90 lt 7 lw 1.5, \
     $cores using 1:4:(sprintf('%.2f', $2)) with labels offset 0,1 font ',12'
unset multiplot
