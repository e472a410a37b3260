# input: gil-summary.csv
# input: gil-meta.csv
# gil lab, convoy. Left: round trips a second of an I/O thread while CPU-bound Python
# threads spin beside it (switch intervals 5, 1, 0.1 ms), or with the spinning moved to
# other processes; param "switch_us=S;cpu_threads=C" (workers = 1 + C); the model for
# one spinner at 5 ms: one or two switch intervals a round trip, plus the echo's answer
# time (meta convoy_echo_us). Right: the placement series, no CPU work, the echo
# answering at once on the I/O thread's CPU or another (param echo=...). Columns are
# read by name.
load plotdir.'/common.gp'

usable = 0; echo_us = 200
stats in2 using (strcol('key') eq 'cpus_usable' ? usable = strcol('value') + 0 : 0, \
                 strcol('key') eq 'convoy_echo_us' ? echo_us = strcol('value') + 0 : 0, 0) nooutput
is(v, s) = strcol('experiment') eq 'convoy' && strcol('variant') eq v && \
           strcol('metric') eq 'roundtrips_per_s' && strstrt(strcol('param'), sprintf('switch_us=%d;', s)) == 1
nrows = 0
stats in using (strcol('experiment') eq 'convoy' && strcol('metric') eq 'roundtrips_per_s' ? nrows = nrows + 1 : 0, 0) nooutput
# Nothing of this experiment in the summary (run with --experiment): say so, draw nothing else.
if (nrows == 0) {
    set label 2 "no convoy results in this summary\n(parlab run gil --experiment convoy)" at graph 0.5, 0.5 center
    unset key; unset tics; unset border
    set xrange [0:1]; set yrange [0:1]
    plot -1 notitle
    exit
}
lvl = 0; nrep = 0
stats in using (strcol('metric') eq 'roundtrips_per_s' && column('n') > 1 ? (lvl = column('ci_level'), nrep = column('n')) : 0, 0) nooutput
lines = 'cpu-in-threads:5000 cpu-in-threads:1000 cpu-in-threads:100 cpu-in-process:5000'
titles = "'CPU work in threads, switch interval 5 ms (the default)' 'CPU work in threads, 1 ms' 'CPU work in threads, 0.1 ms' 'CPU work in other processes (5 ms)'"
do for [i = 1:words(lines)] {
    l = word(lines, i)
    v = l[1:strstrt(l, ':') - 1]; s = l[strstrt(l, ':') + 1:] + 0
    eval sprintf('set table $c_%d', i)
    plot in using (column('workers') - 1 + (i - 2.5) * 0.04):(column('median')):(column('ci_lo')):(column('ci_hi')) with table if (is(v, s))
    unset table
}
# The placement series: one bar each, in this order.
set table $place
plot in using (strcol('param') eq 'echo=same-cpu' ? 1 : strcol('param') eq 'echo=other-cpu' ? 2 : 3):(column('median')):(column('ci_lo')):(column('ci_hi')) \
    with table if (strcol('experiment') eq 'convoy' && strcol('variant') eq 'placement' && strcol('metric') eq 'roundtrips_per_s')
unset table
pmax = 0; np = 0
stats in using (strcol('variant') eq 'placement' && strcol('metric') eq 'roundtrips_per_s' ? (np = np + 1, pmax = column('ci_hi') > pmax ? column('ci_hi') : pmax) : 0, 0) nooutput
set datafile separator whitespace
set datafile nocolumnheaders

set multiplot title sprintf("The convoy effect: an I/O thread waits for the GIL after its blocking calls\n(round trips over a socket pair, the echo answering after %.0f us; medians of %d repetitions, bars: the interval of the median, %.0f%% coverage)", echo_us, nrep, 100 * lvl) font ',14'

# ---- left: round trips beside CPU work ---------------------------------------------------
set size 0.64, 0.88
set origin 0, 0.03
set title "beside CPU-bound workers: the I/O thread and its echo on one CPU,\nthe workers on the others (kept awake)"
set xlabel 'CPU-bound workers beside the I/O thread'
set ylabel 'round trips a second (log scale)'
set logscale y
set format y '%.0s%c'
set xrange [-0.3:2.3]
set xtics 1
set yrange [10:*]
set key bottom left font ',11'
# Shaded: the I/O thread and the workers together outnumber the usable CPUs.
if (usable > 0 && usable < 3) {
    set object 1 rect from usable - 0.5, graph 0 to 2.3, graph 1 fc rgb '#f0f0f0' fs solid noborder behind
    set label 1 "more workers\nthan CPUs" at usable - 0.5, graph 0.97 offset 1,0 left front textcolor rgb '#777777' font ',11'
}
# The model at 5 ms, one spinner: a round trip waits one or two switch intervals.
one = 1e6 / (echo_us + 5000); two = 1e6 / (echo_us + 10000)
set arrow 11 from 0.7, one to 1.3, one nohead lc rgb '#888888' dt 2 lw 1.5 front
set arrow 12 from 0.7, two to 1.3, two nohead lc rgb '#888888' dt 2 lw 1.5 front
set label 11 sprintf('5 ms model: 1 wait a round trip (%.0f/s)', one) at 1.32, one left font ',10' textcolor rgb '#555555' front
set label 12 sprintf('5 ms model: 2 waits (%.0f/s)', two) at 1.32, two left font ',10' textcolor rgb '#555555' front
plot for [i = 1:words(lines)] sprintf('$c_%d', i) using 1:2:3:4 with yerrorlines \
        lt (i == 1 ? 2 : i == 2 ? 5 : i == 3 ? 4 : 1) title word(titles, i)
unset object 1; unset label 1
unset arrow 11; unset arrow 12; unset label 11; unset label 12

# ---- right: where the echo runs, no CPU work ------------------------------------------------
set size 0.36, 0.88
set origin 0.64, 0.03
set title "no CPU work, an echo that answers at once:\nwhere the OS runs it matters"
unset logscale y
set format y '%.0s%c'
set xlabel ''
set ylabel 'round trips a second'
set xrange [0.4:3.6]
set xtics ("echo on the I/O\nthread's CPU" 1, "on another\nCPU" 2, "on another\nCPU, kept\nawake" 3) font ',11'
set yrange [0:(pmax > 0 ? pmax * 1.2 : 1)]
set boxwidth 0.6
set style fill solid 0.6 noborder
unset key
if (np == 0) {
    set label 3 "not measured\n(needs 2 CPUs)" at graph 0.5, graph 0.5 center
    plot NaN notitle
} else {
    plot $place using 1:2 with boxes lc rgb '#56B4E9' notitle, \
         $place using 1:2:3:4 with yerrorbars lt 7 pt 0 notitle, \
         $place using 1:4:(sprintf('%.0fk', $2 / 1000)) with labels offset 0, 0.8 font ',11' notitle
}
unset multiplot
