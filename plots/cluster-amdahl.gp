# cluster-amdahl.gp: the amdahl lab's job over MPI ranks (parlab run cluster: amdahl):
# speedup against ranks for the spin form (CPU work: it stops at the usable CPUs, the
# shaded part has more ranks than CPUs), the same job on threads, and the sleep form
# (waits: 8 ranks on 2 CPUs as on 8, up to Amdahl's ceiling). Points: medians with their
# intervals; thin lines: the Amdahl fit of each; dashed: Amdahl's law for the serial
# fraction built in (on min(p, CPUs) for CPU work).
# input: cluster-summary.csv
# input: cluster-meta.csv
load plotdir.'/common.gp'
usable = 0
stats in2 using (strcol(1) eq 'cpus_usable' ? usable = strcol(2) + 0 : 0, 0) nooutput
names = 'mpi-spin threads-spin mpi-sleep'
titles = "'MPI ranks, CPU work (spin)' 'threads, the same CPU work' 'MPI ranks, waits (sleep)'"
is_row(v) = strcol('experiment') eq 'amdahl' && strcol('variant') eq v && strcol('metric') eq 'speedup'
s = NaN; maxw = 1; n = 0; level = 1
stats in using (strcol('experiment') eq 'amdahl' && strstrt(strcol('param'), 'serial=') == 1 ? \
                s = strcol('param')[8:] + 0 : 0, 0) nooutput
gp_num(v) = (v == v) ? sprintf('%.6g', v) : 'NaN'
do for [i = 1:words(names)] {
    c = 0; f = NaN
    stats in using (is_row(word(names, i)) ? (c = c + 1, maxw = column('workers') > maxw ? column('workers') : maxw, \
                    level = column('ci_level') > 0 && column('ci_level') < level ? column('ci_level') : level) : 0, \
                    strcol('experiment') eq 'amdahl' && strcol('variant') eq word(names, i) && \
                    strcol('metric') eq 'amdahl_serial_fraction' ? f = column('median') : 0, 0) nooutput
    n = n + c
    eval sprintf('cnt%d = %d; fit%d = %s', i, c, i, gp_num(f))
    if (c == 0) { eval sprintf('set print $t%d', i); print 'NaN,NaN,NaN,NaN'; unset print; continue }
    eval sprintf('set table $t%d separator comma', i)
    plot in using (column('workers')):(column('median')):(column('ci_lo')):(column('ci_hi')) with table if (is_row(word(names, i)))
    unset table
}
set datafile nocolumnheaders
if (n == 0) {
    set label 1 'no amdahl rows in this run: parlab run cluster --experiment amdahl' at graph 0.5, graph 0.5 center
    unset xtics; unset ytics; unset border; unset key
    set xrange [0:1]; set yrange [0:1]
    plot NaN notitle
    exit
}
amdahl(x, f) = 1.0 / (f + (1.0 - f) / x)
cpus(x) = usable > 0 && x > usable ? usable : x
xmax = maxw + 0.5
set xrange [0.7:xmax]
set xtics 1
set yrange [0:*]
set offsets 0, 0, graph 0.12, 0
set samples 400
set grid xtics ytics
set bmargin 5
if (usable > 0 && maxw > usable) {
    set object 1 rect from usable + 0.5, graph 0 to xmax, graph 1 fc rgb '#f0f0f0' fs solid noborder behind
    set label 1 "more ranks than CPUs:\nCPU work cannot speed up here" at usable + 0.6, graph 0.95 left front textcolor rgb '#777777'
}
ivl = level < 1 ? sprintf('intervals: %.0f%% coverage', 100 * level) : 'too few repetitions for intervals'
set title sprintf("The amdahl job over MPI ranks (serial fraction %.2f): speedup by ranks, %d usable CPU%s\n(points: medians; bars: %s)", s, usable, usable == 1 ? "" : "s", ivl) noenhanced
set xlabel 'ranks (threads for the threads variant)'
set ylabel 'speedup = T(1) / T(p), paired by repetition'
# beside the plot: inside, nine entries would hide points somewhere on some machine
set key outside right top box opaque font ',10' noenhanced
from1(x, y) = x >= 1 ? y : NaN
plot from1(x, cpus(x)) with lines lc rgb '#bbbbbb' lw 1 title 'ideal for CPU work: p, up to the CPUs', \
     from1(x, amdahl(x, s)) with lines dt 2 lc rgb '#444444' lw 1.5 title sprintf("Amdahl's law, s = %.2f (waits: any p)", s), \
     from1(x, amdahl(cpus(x), s)) with lines dt 3 lc rgb '#888888' lw 1.5 title "Amdahl on min(p, CPUs) (CPU work)", \
     for [i = 1:words(names)] sprintf('$t%d', i) using 1:2:3:4 with yerrorbars lt i ps 1.6 lw 1.5 \
        title (value(sprintf('cnt%d', i)) > 0 ? word(titles, i) : '') noenhanced, \
     for [i = 1:words(names)] (x >= 1 && value(sprintf('fit%d', i)) == value(sprintf('fit%d', i)) && value(sprintf('cnt%d', i)) > 0 ? \
        amdahl(i == 3 ? x : cpus(x), value(sprintf('fit%d', i))) : NaN) with lines lt i lw 1 \
        title (value(sprintf('cnt%d', i)) > 0 && value(sprintf('fit%d', i)) == value(sprintf('fit%d', i)) ? \
               sprintf('%s fitted: s = %.3f', word(names, i), value(sprintf('fit%d', i))) : '') noenhanced
