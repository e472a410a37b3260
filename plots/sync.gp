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
# sel: the row belongs to the series. Rows that do not are undefined in x AND y, so they
# take no part in the autoscaling either.
bx(list, shift, sel) = sel && idx(list, strcol('variant')) > 0 ? idx(list, strcol('variant')) + shift : NaN
by(sel, c) = sel ? column(c) : NaN
lab(v) = v == v ? sprintf('%.3g', v) : ''
# a value's label sits above its whisker, unless the whisker runs off the panel
ly(m, h) = h == h && h > m && h < 1.2 * yhi ? h : m

lk(w) = is('lock', 'ns_per_op') && column('workers') == w && idx(locks, strcol('variant')) > 0
# omp-reduction is measured by the lock experiment, in ns: one reduction holds a barrier
br(w) = (is('barrier', 'us') || is('lock', 'ns_per_op') && strcol('variant') eq 'omp-reduction') && \
        column('workers') == w
bus(sel, c) = sel ? (is('lock', 'ns_per_op') ? column(c) / 1000 : column(c)) : NaN
ho(w) = is('handoff', 'us') && column('workers') == w

set multiplot layout 2, 2 title sprintf("What synchronisation costs on %s (%d usable CPU%s)\nbars: medians; whiskers: the interval of the median (%.0f%% coverage)", \
    cpu, usable, usable == 1 ? '' : 's', 100 * cov) font ',14'
set style fill solid 0.85 border -1
set boxwidth 0.38
set xtics nomirror rotate by -30 left noenhanced font ',11'
set key top center horizontal box opaque font ',11'
set grid ytics
set offsets 0, 0, graph 0.12, 0
set bmargin 5
set tmargin 3
# The y range follows the medians (a whisker far beyond them, from a repetition the
# machine disturbed, runs off the panel instead of flattening every bar).
ylo = 0; yhi = 0
span(v) = (v == v && v > yhi ? yhi = v : 0, v == v && v < ylo ? ylo = v : 0, 0)
yr(dummy) = sprintf('set yrange [%g:%g]', ylo < 0 ? 1.4 * ylo : 0, yhi > 0 ? 1.4 * yhi : 1)

# --- (a) uncontended ---------------------------------------------------------------------------
set title '(a) uncontended: 1 worker, ns per operation'
set ylabel 'ns per operation'
set xrange [0.4:words(locks) + 0.6]
set xtics ()
do for [i = 1:words(locks)] { set xtics add (word(locks, i) i) }
if (na > 0) {
    ylo = 0; yhi = 0
    stats in using (span(by(lk(1), 'median'))) nooutput
    eval yr(0)
    plot in using (bx(locks, 0, lk(1))):(by(lk(1), 'median')) with boxes lt 1 title '1 worker', \
         '' using (bx(locks, 0, lk(1))):(by(lk(1), 'ci_lo')):(0):(by(lk(1), 'ci_hi') - by(lk(1), 'ci_lo')) \
            with vectors heads size screen 0.005,90 lc rgb '#333333' notitle, \
         '' using (bx(locks, 0, lk(1))):(ly(by(lk(1), 'median'), by(lk(1), 'ci_hi'))):(lab(by(lk(1), 'median'))) \
            with labels offset 0, 0.8 font ',10' notitle
} else {
    set label 1 'the lock experiment is not in these results' at graph 0.5, 0.5 center
    set yrange [0:1]
    set key off
    plot 1e30 notitle
    set key on
    unset label 1
}

# --- (b) contended -----------------------------------------------------------------------------
set title P > 1 ? sprintf('(b) contended: %d workers vs 1, ns per operation', P) : '(b) contended: 2 or more workers vs 1, ns per operation'
if (nb > 0) {
    ylo = 0; yhi = 0
    stats in using (span(by(lk(1), 'median')) + span(by(lk(P), 'median'))) nooutput
    eval yr(0)
    plot in using (bx(locks, -0.2, lk(1))):(by(lk(1), 'median')) with boxes lt 1 title '1 worker', \
         '' using (bx(locks, 0.2, lk(P))):(by(lk(P), 'median')) with boxes lt 2 title sprintf('%d workers', P), \
         '' using (bx(locks, -0.2, lk(1))):(by(lk(1), 'ci_lo')):(0):(by(lk(1), 'ci_hi') - by(lk(1), 'ci_lo')) \
            with vectors heads size screen 0.005,90 lc rgb '#333333' notitle, \
         '' using (bx(locks, 0.2, lk(P))):(by(lk(P), 'ci_lo')):(0):(by(lk(P), 'ci_hi') - by(lk(P), 'ci_lo')) \
            with vectors heads size screen 0.005,90 lc rgb '#333333' notitle, \
         '' using (bx(locks, 0.2, lk(P))):(ly(by(lk(P), 'median'), by(lk(P), 'ci_hi'))):(lab(by(lk(P), 'median'))) \
            with labels offset 0, 0.8 font ',10' notitle
} else {
    set label 1 (usable < 2 ? "1 usable CPU: nothing to contend with,\nso no contended point was measured" : \
                 "no contended lock point in these results") at graph 0.5, 0.5 center
    set yrange [0:1]
    set key off
    plot 1e30 notitle
    set key on
    unset label 1
}

# --- (c) barriers --------------------------------------------------------------------------------
set title P > 1 ? sprintf('(c) barriers: us per barrier, 1 and %d workers', P) : '(c) barriers: us per barrier, 1 worker'
set ylabel 'us per barrier'
set xrange [0.4:words(barriers) + 0.6]
set xtics ()
do for [i = 1:words(barriers)] { set xtics add (word(barriers, i) i) }
if (nc > 0) {
    ylo = 0; yhi = 0
    stats in using (span(bus(br(1), 'median')) + span(bus(br(P), 'median'))) nooutput
    eval yr(0)
    plot in using (bx(barriers, -0.2, br(1))):(bus(br(1), 'median')) with boxes lt 1 title '1 worker', \
         '' using (bx(barriers, 0.2, br(P) && P > 1)):(bus(br(P) && P > 1, 'median')) with boxes lt 2 \
            title (P > 1 ? sprintf('%d workers', P) : ''), \
         '' using (bx(barriers, -0.2, br(1) && P == 1)):(ly(bus(br(1) && P == 1, 'median'), bus(br(1) && P == 1, 'ci_hi'))):(lab(bus(br(1) && P == 1, 'median'))) \
            with labels offset 0, 0.8 font ',10' notitle, \
         '' using (bx(barriers, -0.2, br(1))):(bus(br(1), 'ci_lo')):(0):(bus(br(1), 'ci_hi') - bus(br(1), 'ci_lo')) \
            with vectors heads size screen 0.005,90 lc rgb '#333333' notitle, \
         '' using (bx(barriers, 0.2, br(P) && P > 1)):(bus(br(P) && P > 1, 'ci_lo')):(0):(bus(br(P) && P > 1, 'ci_hi') - bus(br(P) && P > 1, 'ci_lo')) \
            with vectors heads size screen 0.005,90 lc rgb '#333333' notitle, \
         '' using (bx(barriers, 0.2, br(P) && P > 1)):(ly(bus(br(P) && P > 1, 'median'), bus(br(P) && P > 1, 'ci_hi'))):(lab(bus(br(P) && P > 1, 'median'))) \
            with labels offset 0, 0.8 font ',10' notitle
} else {
    set label 1 'the barrier experiment is not in these results' at graph 0.5, 0.5 center
    set yrange [0:1]
    set key off
    plot 1e30 notitle
    set key on
    unset label 1
}

# --- (d) handoff ---------------------------------------------------------------------------------
set title '(d) handoff between two CPUs: us one way'
set ylabel 'us, one way'
set xrange [0.4:words(handoffs) + 0.6]
set xtics ()
do for [i = 1:words(handoffs)] { set xtics add (word(handoffs, i) i) }
if (nd > 0) {
    ylo = 0; yhi = 0
    stats in using (span(by(ho(2), 'median'))) nooutput
    eval yr(0)
    plot in using (bx(handoffs, 0, ho(2))):(by(ho(2), 'median')) with boxes lt 3 title '2 threads', \
         '' using (bx(handoffs, 0, ho(2))):(by(ho(2), 'ci_lo')):(0):(by(ho(2), 'ci_hi') - by(ho(2), 'ci_lo')) \
            with vectors heads size screen 0.005,90 lc rgb '#333333' notitle, \
         '' using (bx(handoffs, 0, ho(2))):(ly(by(ho(2), 'median'), by(ho(2), 'ci_hi'))):(lab(by(ho(2), 'median'))) \
            with labels offset 0, 0.8 font ',10' notitle
} else {
    set label 1 (usable < 2 ? "1 usable CPU: a handoff needs two CPUs at once,\nso it was not measured" : \
                 "the handoff experiment is not in these results") at graph 0.5, 0.5 center
    set yrange [0:1]
    set key off
    plot 1e30 notitle
    set key on
    unset label 1
}
unset multiplot
