# cluster-halo.gp: where the network bends the curve (parlab run cluster: halo). Every
# step each rank waits its share of the step's work, then swaps a halo with both
# neighbours on a ring. Efficiency (strong scaling: T(1) / (p T(p)), paired) against ranks,
# a line for each place the ranks run; left the finest grain (little work a step: the
# exchange dominates), right the coarsest. The work is a wait, so 8 ranks fit on 2 CPUs:
# what bends the lines is the communication. Points: medians, bars: intervals.
# input: cluster-summary.csv
# slide panels: a b
# (render.sh --slide also draws each panel alone, full size: cluster-halo-a.png, the
# finest grain, and cluster-halo-b.png, the coarsest)
load plotdir.'/common.gp'
names = 'shm tcp netns netns-capped hostfile'
titles = "'one host, shared memory' 'one host, TCP on loopback' 'two hosts (veth pairs)' 'two hosts, links capped' 'a real cluster (hostfile)'"
grain(p) = strstrt(p, 'grain_us=') == 1 ? p[10:strstrt(p, ';') - 1] + 0 : NaN
strong(p) = strstrt(p, 'scaling=strong') > 0
upto(s) = (strstrt(s, ';') > 0 ? s[1:strstrt(s, ';') - 1] : s) + 0
kibv(p) = strstrt(p, 'kib=') > 0 ? upto(p[strstrt(p, 'kib=') + 4:]) : NaN
is_row(v, g) = strcol('experiment') eq 'halo' && strcol('variant') eq v && strcol('metric') eq 'efficiency' && \
               strong(strcol('param')) && grain(strcol('param')) == g
gmin = 1e30; gmax = 0; level = 1; maxw = 1; kib = 0; ehi = 1
stats in using (strcol('experiment') eq 'halo' && strcol('metric') eq 'efficiency' && strong(strcol('param')) ? \
                (gmin = grain(strcol('param')) < gmin ? grain(strcol('param')) : gmin, \
                 gmax = grain(strcol('param')) > gmax ? grain(strcol('param')) : gmax, \
                 maxw = column('workers') > maxw ? column('workers') : maxw, \
                 kib = kibv(strcol('param')), \
                 ehi = column('ci_hi') > ehi ? column('ci_hi') : ehi, \
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
# One panel alone on a slide (panel = 'a': the finest grain, 'b': the coarsest; from
# render.sh --slide), or both. A slide: big text on a small canvas, so shorter words, the
# machine in the title (centred on the slide), and the key below the plot, off the data.
slide = fmt eq 'slide'
bars = level < 1 ? sprintf('bars: %.0f%% intervals', 100 * level) : 'too few repetitions for intervals'
grain_name(side) = gmin == gmax ? '' : side == 1 ? 'fine grain' : 'coarse grain'
if (!slide) {
    set multiplot layout 1, 2 title sprintf("A halo of %g KiB swapped with both neighbours every step: efficiency by ranks and place (%s)", kib, ivl) font ',14'
} else {
    if (sp eq '') {
        set multiplot title sprintf("A %g KiB halo swapped with both neighbours every step: efficiency by ranks\n%s", \
            kib, strlen(mach) > 0 ? mach : '(strong scaling)') font ',14' noenhanced
    } else {
        side = sp eq 'a' ? 1 : 2
        ttl = with_mach(sprintf("(%s) Halo exchange%s: %g us of work a step, %g KiB to both neighbours\nefficiency by ranks (strong scaling)", \
            sp, strlen(grain_name(side)) > 0 ? ', '.grain_name(side) : '', side == 1 ? gmin : gmax, kib))
        set multiplot title ttl font ',12' noenhanced
        # below a title of 2 or 3 lines
        ttop = strstrt(lastline(ttl), "\n") > 0 ? 0.8 : 0.85
    }
}
set xrange [0.8:maxw + 0.2]
if (maxw <= 16) { set xtics 1 } else { set xtics auto }
set yrange [0:1.45]   # room above 1 for the keys: no point can hide behind them
set ytics 0, 0.2, 1
set grid xtics ytics
set xlabel 'ranks'
set ylabel 'efficiency = T(1) / (p T(p))'
# a slide's key sits below the plot: the y axis needs only room for the points
if (slide) { set yrange [0:(ehi > 1.05 ? 1.05 * ehi : 1.1)] }
if (slide) { set ylabel 'efficiency, T(1) / (p T(p))' offset 1, 0 }
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lc rgb '#bbbbbb'
do for [side = 1:2] {
    g = side == 1 ? gmin : gmax
    pn = side == 1 ? 'a' : 'b'
    if (show(pn)) {
    if (!slide) {
        set origin (side - 1) * 0.5, 0.03
        set size 0.5, 0.9
        set title sprintf('%g us of work a step (split over the ranks)%s', g, side == 1 ? ': the exchange dominates' : '')
        set key top right box opaque font ',11' noenhanced
    } else {
        if (sp eq '') {
            # both panels side by side, one y axis label (the same scale); the key below
            # them, once (the places are the same in both)
            set lmargin at screen (side == 1 ? 0.1 : 0.58)
            set rmargin at screen (side == 1 ? 0.52 : 0.99)
            set tmargin at screen 0.79
            set bmargin at screen 0.33
            if (side == 2) { unset ylabel }
            set title sprintf('(%s) %g us of work a step%s', pn, g, strlen(grain_name(side)) > 0 ? ': '.grain_name(side) : '') font ',11'
            if (side == 1) {
                set key at screen 0.5, screen 0.13 center center vertical maxrows 2 box opaque font ',11' noenhanced samplen 2 width -3 \
                    title 'where the ranks run ('.bars.')'
            } else { set key off }
        } else {
            set lmargin 10
            set rmargin 3
            set tmargin at screen ttop
            set bmargin at screen 0.33
            unset title
            set key at screen 0.5, screen 0.12 center center vertical maxrows 2 box opaque font ',11' noenhanced samplen 2 width -3 \
                title 'where the ranks run ('.bars.')'
        }
    }
    plot for [i = 1:words(names)] sprintf('$t%d_%d', side, i) using 1:2:3:4 with yerrorlines lt i lw 1.5 ps 1.5 \
            title (value(sprintf('cnt%d_%d', side, i)) > 0 ? word(titles, i) : '')
    }
}
unset multiplot
