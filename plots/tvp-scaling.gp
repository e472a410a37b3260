# tvp-scaling.gp: the same total work on T threads or T processes, already running (a
# pool started before the clock), from `parlab run tvp` (cpu-bound, io-bound). Speedup =
# the one-worker time over the T-worker time, taken repetition by repetition (paired);
# points: medians, bars: their intervals. CPU work stops gaining at the usable CPUs (the
# ideal is T up to them, then flat); blocking waits keep scaling, even with every thread
# on one CPU (the ideal is T, not capped: waiting needs no CPU).
# input: tvp-summary.csv
# input: tvp-meta.csv
load plotdir.'/common.gp'

usable = 0
stats in2 using (strcol(1) eq 'cpus_usable' ? usable = strcol(2) + 0 : 0, 0) nooutput

# One table a (experiment, variant): workers, median, interval, coverage. The rows are
# counted first: a table of no rows is no table at all in gnuplot, so a variant this run
# did not measure gets one empty row.
exps = 'cpu-bound io-bound'
vars_1 = 'threads processes'
vars_2 = 'threads processes threads-1cpu'
titles_2 = "'threads' 'processes' 'threads, all on ONE CPU'"
level = 1
maxw_1 = 1; maxw_2 = 1
n_1 = 0; n_2 = 0
do for [e = 1:2] {
    do for [v = 1:words(value(sprintf('vars_%d', e)))] {
        c = 0
        stats in using ((strcol('experiment') eq word(exps, e) && strcol('metric') eq 'speedup' && \
                         strcol('variant') eq word(value(sprintf('vars_%d', e)), v)) ? c = c + 1 : 0, 0) nooutput
        eval sprintf('n_%d = n_%d + c; c_%d_%d = c', e, e, e, v)
        if (c == 0) {
            eval sprintf('set print $s_%d_%d', e, v)
            print 'NaN,NaN,NaN,NaN,1'
            unset print
        } else {
            eval sprintf('set table $s_%d_%d separator comma', e, v)
            plot in using (column('workers')):(column('median')):(column('ci_lo')):(column('ci_hi')):(column('ci_level')) \
                 with table if (strcol('experiment') eq word(exps, e) && strcol('metric') eq 'speedup' && \
                                strcol('variant') eq word(value(sprintf('vars_%d', e)), v))
            unset table
        }
    }
}
set datafile nocolumnheaders
do for [e = 1:2] {
    do for [v = 1:words(value(sprintf('vars_%d', e)))] {
        if (value(sprintf('c_%d_%d', e, v)) > 0) {
            eval sprintf('stats $s_%d_%d using 1:5 nooutput', e, v)
            eval sprintf('maxw_%d = STATS_max_x > maxw_%d ? STATS_max_x : maxw_%d', e, e, e)
            level = STATS_min_y < level ? STATS_min_y : level
        }
    }
}
if (n_1 + n_2 == 0) {
    set label 1 'no cpu-bound or io-bound rows in this run: parlab run tvp --experiment cpu-bound,io-bound' at graph 0.5, graph 0.5 center
    unset xtics; unset ytics; unset border; unset key
    set xrange [0:1]; set yrange [0:1]
    plot NaN notitle
    exit
}
# A panel with no rows still draws (empty, saying so), so the layout stays the same.

set multiplot layout 1, 2 title sprintf("The same total work on T threads or T processes already running (parlab run tvp: cpu-bound, io-bound); bars: intervals, %.0f%% coverage", 100 * level)
set xlabel 'workers T'
set ylabel 'speedup over 1 worker (x)'
set grid xtics ytics
set key top left box opaque font ',11'
set bmargin 5   # room under the axis label for the stamp line
set samples 1000

# ---- left: CPU-bound work. No speedup can pass the usable CPUs: the ideal is T up to
# them, then flat. Past them (shaded) the workers take turns. The lines join the medians
# at their worker counts; the points and intervals of threads and processes are drawn a
# little apart (dodged) so that neither hides the other.
xmax = maxw_1 + 0.5
set xrange [0.5:xmax]
set offsets 0, 0, graph 0.15, 0
set xtics 1
if (n_1 == 0) {
    set yrange [0:2]
    set label 3 'no cpu-bound rows in this run' at graph 0.5, graph 0.5 center
} else {
    set yrange [0:*]
}
if (usable > 0 && maxw_1 > usable) {
    set object 1 rect from usable, graph 0 to xmax, graph 1 fc rgb '#eeeeee' fs solid noborder behind
    set label 1 "more workers than CPUs:\nthey take turns" at usable, graph 0.04 offset 0.7,0.8 left front textcolor rgb '#666666'
}
ideal(x) = x < 1 ? NaN : (usable > 0 && x > usable) ? usable : x
set title 'cpu-bound: the same LCG steps shared by T workers'
plot ideal(x) with lines lc rgb '#777777' dt 2 lw 1.5 \
        title (usable > 0 ? sprintf('ideal: T up to the %d usable CPUs, then flat', usable) : 'ideal: T up to the usable CPUs'), \
     $s_1_1 using 1:2 with lines lt 1 lw 1.5 notitle, \
     $s_1_2 using 1:2 with lines lt 2 lw 1.5 notitle, \
     $s_1_1 using ($1 - 0.03):2:3:4 with yerrorbars lt 1 lw 1.5 title 'threads', \
     $s_1_2 using ($1 + 0.03):2:3:4 with yerrorbars lt 2 lw 1.5 title 'processes'
unset object 1
unset label 1
unset label 3

# ---- right: blocking waits. A waiting worker needs no CPU: the ideal is T, on any
# number of CPUs, not capped at them, and the shaded part (more workers than CPUs) keeps
# climbing. The three variants are dodged too.
xmax = maxw_2 * 1.05 + 0.5
dodge = xmax * 0.008
set xrange [0:xmax]
set xtics autofreq
if (n_2 == 0) {
    set yrange [0:2]
    set label 3 'no io-bound rows in this run' at graph 0.5, graph 0.5 center
} else {
    set yrange [0:*]
}
if (usable > 0 && maxw_2 > usable) {
    set object 2 rect from usable, graph 0 to xmax, graph 1 fc rgb '#eeeeee' fs solid noborder behind
    set label 2 "more workers than CPUs:\nwaiting needs none" at graph 0.97, graph 0.04 offset 0,0.8 right front textcolor rgb '#666666'
}
set title 'io-bound: the same blocking waits shared by T workers'
plot (x < 1 ? NaN : x) with lines lc rgb '#777777' dt 2 lw 1.5 \
        title (usable > 0 ? sprintf('ideal: T, not capped at the %d CPUs', usable) : 'ideal: T, not capped at the CPUs'), \
     for [v = 1:3] sprintf('$s_2_%d', v) using 1:2 with lines lt v lw 1.5 notitle, \
     for [v = 1:3] sprintf('$s_2_%d', v) using ($1 + (v - 2) * dodge):2:3:4 with yerrorbars lt v lw 1.5 title word(titles_2, v)
unset multiplot
