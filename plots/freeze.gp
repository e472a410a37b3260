# input: freeze-summary.csv
# input: freeze-frames.csv
# freeze.gp: how late every frame of a UI loop was, over one repetition, in each mode:
# C on the left, Python on the right (parlab run freeze). Log scale: a frozen frame
# (blocking I/O in the loop) is late by the I/O's whole delay, a frame beside a
# pure-Python thread by about the GIL's switch interval, the others by microseconds.
# By hand: gnuplot -e "in='results/freeze-summary.csv'; in2='results/freeze-frames.csv';
#               out='freeze.png'; fmt='png'; plotdir='plots'" plots/freeze.gp
load plotdir.'/common.gp'

# the delay and the switch interval, from the summary (param delay_ms=...; the metric)
delay = NaN; switch = NaN
stats in using (strcol('metric') eq 'late_worst_ms' && strstrt(strcol('param'), 'delay_ms=') == 1 ? \
    delay = real(strcol('param')[10:strstrt(strcol('param'), ';') - 1]) : 0, \
    strcol('metric') eq 'switch_interval_ms' ? switch = column('median') : 0, 0) nooutput
has_py = 0; has_c = 0; tmax = 0
stats in2 using (strcol('experiment') eq 'python' ? has_py = 1 : 0, strcol('experiment') eq 'c' ? has_c = 1 : 0, \
    column('t') > tmax ? tmax = column('t') : 0, 0) nooutput
cexp = has_c ? 'c' : 'demo'  # a run of the demo alone: its phases

set logscale y
set yrange [0.01:3000]
set format y '%g'
slide = fmt eq 'slide'  # big text on a small canvas: shorter words, the key below
set ylabel slide ? 'late (ms, log scale)' : 'how late each frame was drawn (ms, log scale)'
set xlabel slide ? 'frame due at (s)' : 'when the frame was due (s into the run)'
set xrange [0:*]
set xtics 0, (tmax <= 0.6 ? 0.1 : tmax <= 1.5 ? 0.25 : tmax <= 3 ? 0.5 : tmax <= 6 ? 1 : 5)
if (slide) { set yrange [0.01:2e4]; set key top left box opaque samplen 1 spacing 0.9 } else { set key top left box opaque }
late(e, v) = strcol('experiment') eq e && strcol('variant') eq v && column('rep') == 1 ? \
    (column('late_ms') > 0.01 ? column('late_ms') : 0.01) : 1/0

if (has_py && !slide) { set multiplot layout 1, 2 title 'A UI loop at 60 frames a second that needs data from a slow source: how late is each frame?' \
    margins 0.07, 0.98, 0.11, 0.9 spacing 0.07 }
if (has_py && slide) { set multiplot layout 1, 2 margins 0.11, 0.97, 0.19, 0.9 spacing 0.06 }
if (!has_py) { set size 1, 0.96; set origin 0, 0.03 }
set title 'C (bin/freeze)'
if (delay == delay) { set arrow 1 from graph 0, first delay to graph 1, first delay nohead dt 2 lc rgb '#888888' front
    set label 1 sprintf('the I/O: %.0f ms', delay) at graph 0.98, first delay * 1.4 right textcolor rgb '#666666' front }
plot in2 using (column('t') - column('late_ms') / 1000):(late(cexp, 'blocking')) with points lt 2 pt 7 ps 0.7 title 'blocking I/O in the loop', \
     '' using (column('t') - column('late_ms') / 1000):(late(cexp, 'io-thread')) with points lt 1 pt 5 ps 0.5 title 'the I/O on a thread', \
     '' using (column('t') - column('late_ms') / 1000):(late(cexp, 'cpu-thread')) with points lt 3 pt 9 ps 0.5 title 'a CPU-bound thread'
if (has_py) {
    set title 'Python (freeze\_ui.py)'
    if (slide) { unset ylabel }
    if (switch == switch) { set arrow 2 from graph 0, first switch to graph 1, first switch nohead dt 3 lc rgb '#CC79A7' front
        set label 2 sprintf('switch interval: %.0f ms', switch) at graph 0.98, first switch * 1.4 right textcolor rgb '#CC79A7' front }
    plot in2 using (column('t') - column('late_ms') / 1000):(late('python', 'blocking')) with points lt 2 pt 7 ps 0.7 title 'blocking I/O in the loop', \
         '' using (column('t') - column('late_ms') / 1000):(late('python', 'io-thread')) with points lt 1 pt 5 ps 0.5 title 'the I/O on a thread', \
         '' using (column('t') - column('late_ms') / 1000):(late('python', 'cpu-thread')) with points lt 3 pt 9 ps 0.5 title 'a thread hashing in C', \
         '' using (column('t') - column('late_ms') / 1000):(late('python', 'cpu-python')) with points lt 4 pt 11 ps 0.5 title 'a pure-Python thread'
    unset multiplot
}
