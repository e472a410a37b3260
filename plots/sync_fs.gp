# sync_fs.gp: false sharing. Each worker adds 1 to its OWN counter; the counters share
# one cache line (same-line), sit on lines of their own (padded, 128 bytes apart), or stay
# in a local variable (local). Three ways to add 1 (param op=...): a plain load + store
# (store), the same then a fence (fence), an atomic add (atomic).
#   (a) what one increment costs at P workers (the most within the usable CPUs), each
#       form side by side: linear bars, medians, whiskers the interval of the median.
#   (b) what one shared line multiplies: same-line / padded, paired by repetition
#       (metric vs_padded), a dot per worker count, on a log scale (1x: no cost), with
#       the Xeon VM's reference figures beside ours (docs/reference-numbers.md, False
#       sharing): the forms that pay per write (fence, atomic) pay on every CPU; plain
#       stores depend on the CPU.
# Points flagged busy or short (their workers did not get their CPUs) are drawn faded
# and hollow: the claims do not judge them.
# input: sync-summary.csv
# input: sync-meta.csv
# Run by plots/render.sh (make plots); by hand:
#   gnuplot -e "in='results/sync-summary.csv'; in2='results/sync-meta.csv'; \
#               out='sync_fs.png'; fmt='png'; plotdir='plots'" plots/sync_fs.gp
load plotdir.'/common.gp'

# src: the summary with its empty flags filled (common.gp says why)

usable = 0; cpu = ''
stats in2 using (strcol('key') eq 'cpus_usable' ? usable = strcol('value') + 0 : 0, \
                 strcol('key') eq 'cpu_model' ? cpu = strcol('value') : 0, 0) nooutput

# The Xeon VM's figures, from docs/reference-numbers.md (False sharing, 2 threads): plain
# load + store 0.7x, atomic 3.8x (the fence was not measured there). x: left of the
# form's dots (ours sit at the form's place and just right of it, labelled to the right).
$xeon << EOD
x,ratio
0.6,0.7
2.6,3.8
EOD

layouts = 'same-line padded local'
ops = 'store fence atomic'
idx(list, s) = sum [i = 1:words(list)] (word(list, i) eq s ? i : 0)
fsm(m) = strcol('experiment') eq 'false-sharing' && strcol('metric') eq m && idx(ops, strcol('param')[4:]) > 0
opi(x) = idx(ops, strcol('param')[4:])
flagged(x) = strstrt(strcol('flags'), 'busy') > 0 || strstrt(strcol('flags'), 'short') > 0

# P: the most workers within the usable CPUs measured; the worker counts with a ratio;
# the coverage of the intervals drawn; whether any point was flagged.
P = 0; wl = ''; cov = 1; nflag = 0; n = 0
stats src using (fsm('ns_per_op') ? (n = n + 1, \
                   (column('workers') <= (usable > 0 ? usable : 1e9) && column('workers') > P) ? P = column('workers') : 0, \
                   column('ci_level') < cov ? cov = column('ci_level') : 0, \
                   flagged(0) ? nflag = nflag + 1 : 0) : 0, \
                fsm('vs_padded') && idx(wl, sprintf('%d', column('workers'))) == 0 ? \
                   wl = wl.' '.sprintf('%d', column('workers')) : 0, 0) nooutput

set multiplot title sprintf("False sharing on %s (%d usable CPU%s): each worker adds 1 to its OWN counter\ncounters 8 bytes apart on one cache line (same-line), 128 bytes apart on lines of their own (padded), or in a local variable (local)%s", \
    cpu, usable, usable == 1 ? '' : 's', \
    nflag > 0 ? "\nhollow or faded: flagged busy or short (the workers did not get their CPUs), not judged" : '') font ',14'
set style fill solid 0.85 border -1
set grid ytics
set xtics nomirror font ',12' noenhanced
set xrange [0.45:3.55]
set xtics ('plain load + store' 1, 'load + store + fence' 2, 'atomic add' 3)

# ---- (a) ns per increment at P workers --------------------------------------------------
# Both panels' plot areas at the same height; the bottom 3% stays clear for the stamp.
set tmargin at screen 0.76
set bmargin at screen 0.09
set lmargin at screen 0.07
set rmargin at screen 0.47
set key at screen 0.27, screen 0.855 center center vertical maxrows 1 nobox font ',11' samplen 2
set title sprintf("(a) ns per increment, %d worker%s (lower is better)\nbars: medians; whiskers: the interval of the median (%.0f%%)", P, P == 1 ? '' : 's', 100 * cov) font ',13'
set ylabel 'ns per increment'
sel(v) = fsm('ns_per_op') && strcol('variant') eq v && column('workers') == P
bx(v) = opi(0) + 0.27 * (idx(layouts, v) - 2)
set boxwidth 0.25
# The y range follows the medians of unflagged points: a whisker far beyond them (a
# repetition the machine disturbed) runs off the panel instead of flattening every bar.
ymax = 0
stats [*:*] src using (sel('same-line') || sel('padded') || sel('local') ? \
                (!flagged(0) && column('median') > ymax ? ymax = column('median') : 0) : 0, 0) nooutput
# Every point flagged (a busy machine): the same-line medians set the range (a padded or
# local point the scheduler interrupted can be thousands of times its real cost).
if (ymax == 0) {
    stats [*:*] src using (sel('same-line') && column('median') > ymax ? ymax = column('median') : 0, 0) nooutput
}
ymax = ymax > 0 ? ymax : 1
set yrange [0:1.35 * ymax]
# A value sits on its whisker when the whisker stays well inside the panel, else on its
# bar: either way below 1.2 ymax, far from the top.
ly(m, h) = h == h && h > m && h < 1.1 * ymax ? h : (m < 1.15 * ymax ? m : 1.15 * ymax)
if (n > 0 && P > 0) {
    plot for [v in layouts] src using (sel(v) && !flagged(0) ? bx(v) : NaN):'median' with boxes \
             lt idx(layouts, v) title v, \
         for [v in layouts] '' using (sel(v) && flagged(0) ? bx(v) : NaN):'median' with boxes \
             lt idx(layouts, v) fs transparent solid 0.25 border lt idx(layouts, v) notitle, \
         for [v in layouts] '' using (sel(v) ? bx(v) : NaN):'ci_lo':(0):(column('ci_hi') - column('ci_lo')) \
             with vectors heads size screen 0.004,90 lc rgb '#333333' notitle, \
         for [v in layouts] '' using (sel(v) ? bx(v) : NaN):(ly(column('median'), column('ci_hi'))):(sprintf('%.3g', column('median'))) \
             with labels offset 0, 0.7 font ',10' notitle
} else {
    set label 1 'the false-sharing experiment is not in these results' at graph 0.5, 0.5 center
    set key off
    plot 1e30 notitle
    set key on
    unset label 1
}

# ---- (b) same-line / padded, paired ---------------------------------------------------------
set lmargin at screen 0.57
set rmargin at screen 0.97
set key at screen 0.77, screen 0.855 center center vertical maxrows 1 nobox font ',11' samplen 2
set title "(b) same-line / padded, paired: what sharing a line multiplies\nfence, atomic: every CPU pays; plain stores: it depends" font ',13'
set ylabel 'same-line / padded (x, log scale)'
set logscale y
# The range holds every dot, flagged ones too (a log scale has room), within 0.01x-1000x.
rmax = 5; rmin = 1
stats [*:*] src using (fsm('vs_padded') ? (column('median') > rmax ? rmax = column('median') : 0, \
                column('median') < rmin ? rmin = column('median') : 0) : 0, 1) nooutput
rmin = rmin < 0.01 ? 0.01 : rmin; rmax = rmax > 1000 ? 1000 : rmax
set yrange [(rmin < 0.6 ? rmin * 0.7 : 0.4):(rmax * 2)]
set ytics ('0.01x' 0.01, '0.1x' 0.1, '0.2x' 0.2, '0.5x' 0.5, '1x' 1, '2x' 2, '5x' 5, '10x' 10, '20x' 20, '50x' 50, '100x' 100, '1000x' 1000)
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lc rgb '#555555' lw 1.5 back
# The claims (sync.c): the fence form at least 1.5x, atomics at least 2x; none on stores.
set arrow 2 from 1.6, first 1.5 to 2.4, first 1.5 nohead lc rgb '#555555' lw 1 dt 2 back
set arrow 3 from 2.6, first 2 to 3.4, first 2 nohead lc rgb '#555555' lw 1 dt 2 back
set label 2 'claim: 1.5x' at 2.4, first 1.5 right offset 0, -0.8 font ',10' textcolor rgb '#555555'
set label 5 'claim: 2x' at 3.4, first 2 right offset 0, -0.8 font ',10' textcolor rgb '#555555'
set label 6 'no claim: it depends on the CPU' at graph 0.02, graph 0.96 left font ',10' textcolor rgb '#555555'
set label 3 'no cost: 1x' at graph 0.01, first 1 left offset 0, 0.7 font ',10' textcolor rgb '#555555'
nw = words(wl)
# a worker count's dots sit side by side within each form
rx(w) = opi(0) + (nw > 1 ? 0.3 * ((idx(wl, sprintf('%d', w)) - 1.0) / (nw - 1) - 0.5) : 0)
rs(w) = fsm('vs_padded') && column('workers') == w
# markers: a circle for 1 worker, then common.gp's marker of the count's line type
wpt(i) = word(wl, i) + 0 == 1 ? 7 : i == 2 ? 5 : i == 3 ? 9 : i == 4 ? 11 : i == 5 ? 13 : 15
if (nw > 0 && usable > 0 && usable < 2) {
    set label 4 "1 usable CPU: workers would only take turns,\nso only 1 worker was measured: nothing shares a line" at graph 0.5, graph 0.9 center font ',11'
}
if (nw > 0) {
    plot for [i = 1:nw] src using (rs(word(wl, i) + 0) && !flagged(0) ? rx(word(wl, i) + 0) : NaN):'median':'ci_lo':'ci_hi' \
             with yerrorbars lt (word(wl, i) + 0 == 1 ? 7 : i) pt wpt(i) ps 1.6 lw 1.5 \
             title sprintf('%s worker%s', word(wl, i), word(wl, i) eq '1' ? '' : 's'), \
         for [i = 1:nw] '' using (rs(word(wl, i) + 0) && flagged(0) ? rx(word(wl, i) + 0) : NaN):'median' \
             with points lt (word(wl, i) + 0 == 1 ? 7 : i) pt 6 ps 1.6 notitle, \
         for [i = 1:nw] '' using (rs(word(wl, i) + 0) && word(wl, i) + 0 > 1 ? rx(word(wl, i) + 0) : NaN):'median':(sprintf('%.3gx', column('median'))) \
             with labels left offset 1.3, 0 font ',11' notitle, \
         $xeon using 1:2 with points pt 12 ps 2 lc rgb '#888888' title 'Xeon VM, 2 workers', \
         $xeon using 1:2:(sprintf('%.2gx', $2)) with labels left offset 1.3, 0 font ',10' textcolor rgb '#888888' notitle
} else {
    set label 1 (usable > 0 && usable < 2 ? "1 usable CPU: workers take turns,\nso nothing shares a line at the same moment" : \
                 'no same-line / padded ratio in these results') at graph 0.5, 0.5 center
    set key off
    plot 1e30 notitle
    unset label 1
}
unset multiplot
