# input: gil-timeline.csv
# input: gil-summary.csv
# gil lab, gil-timeline: who holds the GIL over time, one band per thread (as in
# Beazley's "Understanding the Python GIL"), from the intervals of the first repetition
# (columns run_id,thread,start,end,state), titled with each thread's share over all
# repetitions from the summary. Columns are read by name.
load plotdir.'/common.gp'

# held_fraction per thread: median and its interval, with the interval's coverage
h1 = NaN; l1 = NaN; u1 = NaN; h2 = NaN; l2 = NaN; u2 = NaN; lvl = 0; busy = NaN; sw = NaN
isr(p, m) = strcol('experiment') eq 'gil-timeline' && strcol('param') eq p && strcol('metric') eq m
stats in2 using (isr('thread=1', 'held_fraction') ? (h1 = column('median'), l1 = column('ci_lo'), u1 = column('ci_hi'), lvl = column('ci_level')) : 0, \
                 isr('thread=2', 'held_fraction') ? (h2 = column('median'), l2 = column('ci_lo'), u2 = column('ci_hi')) : 0, \
                 isr('thread=all', 'gil_busy_fraction') ? busy = column('median') : 0, \
                 isr('thread=all', 'switches_per_s') ? sw = column('median') : 0, 0) nooutput

set size 1, 0.96
set origin 0, 0.03
set title sprintf("Two Python threads share one GIL: at any moment one runs, the other waits\n(the first repetition's first 150 ms, sampled every 50 us by a C thread that never takes the GIL; over all repetitions\nthread 1 held it %.0f%% [%.0f, %.0f] of its time, thread 2 %.0f%% [%.0f, %.0f]: medians, %.0f%% intervals; handed over %.0f times a second)", \
    100 * h1, 100 * l1, 100 * u1, 100 * h2, 100 * l2, 100 * u2, 100 * lvl, sw)
set xlabel 'time (ms; the first 150)'
set xrange [0:150]
set ylabel 'thread'
set ytics 1
set yrange [0.4:2.8]
set key top right box opaque
set style fill solid 1.0 noborder
mid(x) = (column('start') + column('end')) / 2 * 1000
plot in using (strcol('state') eq 'held' ? mid(0) : NaN):(column('thread')):((column('end') - column('start')) / 2 * 1000):(0.3) \
        with boxxyerror lc rgb '#009E73' title 'holds the GIL (runs Python)', \
     in using (strcol('state') eq 'waiting' ? mid(0) : NaN):(column('thread')):((column('end') - column('start')) / 2 * 1000):(0.12) \
        with boxxyerror lc rgb '#D55E00' title 'waits for the GIL'
