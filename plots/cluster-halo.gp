# cluster-halo.gp: where the network bends the curve (parlab run cluster: halo). Every
# step each rank waits its share of the step's work, then swaps a halo with both
# neighbours on a ring. Efficiency (strong scaling: T(1) / (p T(p)), paired) against ranks,
# a line for each place the ranks run; left the finest grain (little work a step: the
# exchange dominates), right the coarsest. The work is a wait, so 8 ranks fit on 2 CPUs:
# what bends the lines is the communication. Points: medians, bars: intervals.
# input: cluster-summary.csv
load plotdir.'/common.gp'
names = 'shm tcp netns netns-capped hostfile'
titles = "'one host, shared memory' 'one host, TCP on loopback' 'two hosts (veth pairs)' 'two hosts, links capped' 'a real cluster (hostfile)'"
grain(p) = strstrt(p, 'grain_us=') == 1 ? p[10:strstrt(p, ';') - 1] + 0 : NaN
strong(p) = strstrt(p, 'scaling=strong') > 0
upto(s) = (strstrt(s, ';') > 0 ? s[1:strstrt(s, ';') - 1] : s) + 0
kibv(p) = strstrt(p, 'kib=') > 0 ? upto(p[strstrt(p, 'kib=') + 4:]) : NaN
is_row(v, g) = strcol('experiment') eq 'halo' && strcol('variant') eq v && strcol('metric') eq 'efficiency' && \
               strong(strcol('param')) && grain(strcol('param')) == g
gmin = 1e30; gmax = 0; level = 1; maxw = 1; kib = 0
stats in using (strcol('experiment') eq 'halo' && strcol('metric') eq 'efficiency' && strong(strcol('param')) ? \
                (gmin = grain(strcol('param')) < gmin ? grain(strcol('param')) : gmin, \
                 gmax = grain(strcol('param')) > gmax ? grain(strcol('param')) : gmax, \
                 maxw = column('workers') > maxw ? column('workers') : maxw, \
                 kib = kibv(strcol('param')), \
                 level = column('ci_level') > 0 && column('ci_level') < level ? column('ci_level') : level) : 0, 0) nooutput
if (gmax == 0) {
    set label 1 'no halo rows in this run: parlab run cluster --experiment halo' at graph 0.5, graph 0.5 center
    unset xtics; unset ytics; unset border; unset key
    set xrange [0:1]; set yrange [0:1]
    plot NaN notitle
    exit
}
do for [side = 1:2] {
    g = side == 1 ? gmin : gmax
    do for [i = 1:words(names)] {
        c = 0
        stats in using (is_row(word(names, i), g) ? c = c + 1 : 0, 0) nooutput
        eval sprintf('cnt%d_%d = %d', side, i, c)
        if (c == 0) { eval sprintf('set print $t%d_%d', side, i); print 'NaN,NaN,NaN,NaN'; unset print; continue }
        eval sprintf('set table $t%d_%d separator comma', side, i)
        plot in using (column('workers')):(column('median')):(column('ci_lo')):(column('ci_hi')) with table if (is_row(word(names, i), g))
        unset table
    }
}
set datafile nocolumnheaders
ivl = level < 1 ? sprintf('intervals: %.0f%% coverage', 100 * level) : 'too few repetitions for intervals'
set multiplot layout 1, 2 title sprintf("A halo of %g KiB swapped with both neighbours every step: efficiency by ranks and place (%s)", kib, ivl) font ',14'
set xrange [0.8:maxw + 0.2]
set xtics 1
set yrange [0:1.45]   # room above 1 for the keys: no point can hide behind them
set ytics 0, 0.2, 1
set grid xtics ytics
set xlabel 'ranks'
set ylabel 'efficiency = T(1) / (p T(p))'
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lc rgb '#bbbbbb'
do for [side = 1:2] {
    g = side == 1 ? gmin : gmax
    set origin (side - 1) * 0.5, 0.03
    set size 0.5, 0.9
    set title sprintf('%g us of work a step (split over the ranks)%s', g, side == 1 ? ': the exchange dominates' : '')
    set key top right box opaque font ',11' noenhanced
    plot for [i = 1:words(names)] sprintf('$t%d_%d', side, i) using 1:2:3:4 with yerrorlines lt i lw 1.5 ps 1.5 \
            title (value(sprintf('cnt%d_%d', side, i)) > 0 ? word(titles, i) : '')
}
unset multiplot
