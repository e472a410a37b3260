# input: gil-summary.csv
# gil lab, convoy: round trips a second of an I/O thread while CPU-bound Python
# threads spin beside it (switch intervals 5, 1, 0.1 ms), or with the spinning moved to
# other processes. param is "switch_us=S;cpu_threads=C" (workers = 1 + C). Columns are
# read by name.
load plotdir.'/common.gp'

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
titles = "'CPU work in threads, switch interval 5 ms (the default)' 'CPU work in threads, 1 ms' 'CPU work in threads, 0.1 ms' 'CPU work in other processes'"
do for [i = 1:words(lines)] {
    l = word(lines, i)
    v = l[1:strstrt(l, ':') - 1]; s = l[strstrt(l, ':') + 1:] + 0
    eval sprintf('set table $c_%d', i)
    plot in using (column('workers') - 1):(column('median')):(column('ci_lo')):(column('ci_hi')) with table if (is(v, s))
    unset table
}
set datafile separator whitespace
set datafile nocolumnheaders

set size 1, 0.96
set origin 0, 0.03
set title sprintf("The convoy effect: an I/O thread waits for the GIL after every blocking call\n(round trips over a socket pair; medians of %d repetitions, bars: the interval of the median, %.0f%% coverage)", nrep, 100 * lvl)
set xlabel 'CPU-bound workers beside the I/O thread'
set ylabel 'round trips a second (log scale)'
set logscale y
set format y '%.0s%c'
set xrange [-0.3:2.3]
set xtics 1
set key bottom left
plot for [i = 1:words(lines)] sprintf('$c_%d', i) using 1:2:3:4 with yerrorlines \
        lt (i == 1 ? 2 : i == 2 ? 5 : i == 3 ? 4 : 1) title word(titles, i)
