# sync.gp: what synchronisation costs, four panels, each one comparison:
#   (a) uncontended: every lock and atomic at 1 worker, ns per operation
#   (b) contended: the same at 1 worker and at P workers (the most within the usable CPUs)
#   (c) barriers (and OpenMP's reduction, which contains one): us, 1 and P workers
#   (d) handoff: waking a thread on another CPU, us one way
# Bars are medians, whiskers the interval of the median, with its coverage in the title.
# Linear scales: the number above each bar gives the value a short bar cannot show.
# input: sync-summary.csv
# input: sync-meta.csv
# Run by plots/render.sh (make plots); by hand:
#   gnuplot -e "in='results/sync-summary.csv'; in2='results/sync-meta.csv'; \
#               out='sync.png'; fmt='png'; plotdir='plots'" plots/sync.gp
load plotdir.'/common.gp'

# --- the machine, from the meta file -----------------------------------------------------------
usable = 0; cpu = ''
stats in2 using (strcol('key') eq 'cpus_usable' ? usable = strcol('value') + 0 : 0, \
                 strcol('key') eq 'cpu_model' ? cpu = strcol('value') : 0, 0) nooutput

locks = 'mutex spinlock tas ttas ticket rwlock-read atomic-add cas-loop omp-critical omp-atomic'
barriers = 'pthread-barrier spin-barrier omp-barrier omp-reduction'
handoffs = 'condvar futex spin'
idx(list, s) = sum [i = 1:words(list)] (word(list, i) eq s ? i : 0)
is(e, m) = strcol('experiment') eq e && strcol('metric') eq m

# P: the most workers within the usable CPUs that the lock experiment measured
P = 1
stats in using (is('lock', 'ns_per_op') && column('workers') <= usable && column('workers') > P ? \
                P = column('workers') : 0, 0) nooutput
# The coverage of the intervals drawn (the lowest, if they differ), and rows per panel.
cov = 1; na = 0; nb = 0; nc = 0; nd = 0
stats in using ((is('lock', 'ns_per_op') || is('barrier', 'us') || is('handoff', 'us')) && \
                column('ci_level') < cov ? cov = column('ci_level') : 0, \
                is('lock', 'ns_per_op') && column('workers') == 1 ? na = na + 1 : 0, \
                is('lock', 'ns_per_op') && column('workers') == P && P > 1 ? nb = nb + 1 : 0, \
                is('barrier', 'us') ? nc = nc + 1 : 0, is('handoff', 'us') ? nd = nd + 1 : 0, 0) nooutput

# One series of bars: x = the variant's place in list + shift, y = the median (scaled).
# sel: the row belongs to it.
bx(list, shift, sel) = sel && idx(list, strcol('variant')) > 0 ? idx(list, strcol('variant')) + shift : NaN
lab(v) = v == v ? sprintf('%.3g', v) : ''

set multiplot layout 2, 2 title sprintf("What synchronisation costs on %s (%d usable CPU%s); bars: medians, whiskers: interval of the median (%.0f%% coverage%s)", \
    cpu, usable, usable == 1 ? '' : 's', 100 * cov, cov < 0.95 ? ', few repetitions' : '') font ',14'
set style fill solid 0.85 border -1
set boxwidth 0.38
set xtics nomirror rotate by -30 left noenhanced font ',11'
set key top left box opaque font ',11'
set grid ytics
set offsets 0, 0, graph 0.12, 0
set bmargin 5
set yrange [*<0:*]

# --- (a) uncontended ---------------------------------------------------------------------------
set title 'uncontended: 1 worker, the lock always free (ns per lock + unlock, or per atomic)'
set ylabel 'ns per operation'
set xrange [0.4:words(locks) + 0.6]
set xtics ()
do for [i = 1:words(locks)] { set xtics add (word(locks, i) i) }
if (na > 0) {
    plot in using (bx(locks, 0, is('lock', 'ns_per_op') && column('workers') == 1)):'median' with boxes lt 1 title '1 worker', \
         '' using (bx(locks, 0, is('lock', 'ns_per_op') && column('workers') == 1)):'median':'ci_lo':'ci_hi' with yerrorbars lc rgb '#333333' pt -1 notitle, \
         '' using (bx(locks, 0, is('lock', 'ns_per_op') && column('workers') == 1)):'median':(lab(column('median'))) with labels offset 0, 0.8 font ',10' notitle
} else {
    set label 1 'the lock experiment is not in these results' at graph 0.5, 0.5 center
    plot 1e30 notitle
    unset label 1
}

# --- (b) contended -----------------------------------------------------------------------------
set title sprintf('contended: %d workers on one counter vs 1 (ns per operation, as each worker sees it)', P)
if (nb > 0) {
    plot in using (bx(locks, -0.2, is('lock', 'ns_per_op') && column('workers') == 1)):'median' with boxes lt 1 title '1 worker', \
         '' using (bx(locks, 0.2, is('lock', 'ns_per_op') && column('workers') == P)):'median' with boxes lt 2 title sprintf('%d workers', P), \
         '' using (bx(locks, -0.2, is('lock', 'ns_per_op') && column('workers') == 1)):'median':'ci_lo':'ci_hi' with yerrorbars lc rgb '#333333' pt -1 notitle, \
         '' using (bx(locks, 0.2, is('lock', 'ns_per_op') && column('workers') == P)):'median':'ci_lo':'ci_hi' with yerrorbars lc rgb '#333333' pt -1 notitle, \
         '' using (bx(locks, 0.2, is('lock', 'ns_per_op') && column('workers') == P)):'median':(lab(column('median'))) with labels offset 0, 0.8 font ',10' notitle
} else {
    set label 1 (usable < 2 ? "1 usable CPU: nothing to contend with, so no contended point was measured" : \
                 "no contended lock point in these results") at graph 0.5, 0.5 center
    plot 1e30 notitle
    unset label 1
}

# --- (c) barriers --------------------------------------------------------------------------------
set title sprintf('barriers: every worker waits for all (us per barrier), 1 and %d workers', P)
set ylabel 'us per barrier'
set xrange [0.4:words(barriers) + 0.6]
set xtics ()
do for [i = 1:words(barriers)] { set xtics add (word(barriers, i) i) }
# omp-reduction is measured by the lock experiment in ns; one reduction holds a barrier
bar(w) = (is('barrier', 'us') || is('lock', 'ns_per_op') && strcol('variant') eq 'omp-reduction') && column('workers') == w
us(c) = is('lock', 'ns_per_op') ? column(c) / 1000 : column(c)
if (nc > 0) {
    plot in using (bx(barriers, -0.2, bar(1))):(us('median')) with boxes lt 1 title '1 worker', \
         '' using (bx(barriers, 0.2, bar(P) && P > 1)):(us('median')) with boxes lt 2 title sprintf('%d workers', P), \
         '' using (bx(barriers, -0.2, bar(1))):(us('median')):(us('ci_lo')):(us('ci_hi')) with yerrorbars lc rgb '#333333' pt -1 notitle, \
         '' using (bx(barriers, 0.2, bar(P) && P > 1)):(us('median')):(us('ci_lo')):(us('ci_hi')) with yerrorbars lc rgb '#333333' pt -1 notitle, \
         '' using (bx(barriers, -0.2, bar(1))):(us('median')):(lab(us('median'))) with labels offset 0, 0.8 font ',10' notitle, \
         '' using (bx(barriers, 0.2, bar(P) && P > 1)):(us('median')):(lab(us('median'))) with labels offset 0, 0.8 font ',10' notitle
} else {
    set label 1 'the barrier experiment is not in these results' at graph 0.5, 0.5 center
    plot 1e30 notitle
    unset label 1
}

# --- (d) handoff ---------------------------------------------------------------------------------
set title 'handoff: two threads on two CPUs pass a turn (us one way)'
set ylabel 'us, one way'
set xrange [0.4:words(handoffs) + 0.6]
set xtics ()
do for [i = 1:words(handoffs)] { set xtics add (word(handoffs, i) i) }
set key top right
if (nd > 0) {
    plot in using (bx(handoffs, 0, is('handoff', 'us'))):'median' with boxes lt 3 title 'two threads, pinned', \
         '' using (bx(handoffs, 0, is('handoff', 'us'))):'median':'ci_lo':'ci_hi' with yerrorbars lc rgb '#333333' pt -1 notitle, \
         '' using (bx(handoffs, 0, is('handoff', 'us'))):'median':(lab(column('median'))) with labels offset 0, 0.8 font ',10' notitle
} else {
    set label 1 (usable < 2 ? "1 usable CPU: a handoff needs two CPUs at once, so it was not measured" : \
                 "the handoff experiment is not in these results") at graph 0.5, 0.5 center
    plot 1e30 notitle
    unset label 1
}
unset multiplot
