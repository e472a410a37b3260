# sync.gp: what synchronisation costs, four panels, each one point:
#   (a) uncontended, everything that stays in one core's cache costs a few ns: every lock
#       and atomic at 1 worker, ns per operation (bars);
#   (b) contended, a second core multiplies the cost: each lock at 1 worker and at P (the
#       most within the usable CPUs), joined (a dumbbell per lock);
#   (c) barriers (and OpenMP's reduction, which holds one): sleeping ones cost
#       microseconds, spinning ones a cache-line transfer; 1 and P workers, us;
#   (d) handoff: waking a sleeping thread costs microseconds, a spinning one sees the
#       change in one cache-line transfer; us one way.
# Medians; whiskers: the interval of the median, its coverage in the title. Linear scales
# (a bar's length is its value); the values are written beside the P-worker dots and
# above the bars, never above the top of a panel. Points flagged busy or short (their
# workers did not get their CPUs) are drawn hollow and faded: the claims do not judge them.
# input: sync-summary.csv
# input: sync-meta.csv
# slide panels: a b c d
# (render.sh --slide also draws each panel alone, full size: sync-a.png .. sync-d.png)
# Run by plots/render.sh (make plots); by hand:
#   gnuplot -e "in='results/sync-summary.csv'; in2='results/sync-meta.csv'; \
#               out='sync.png'; fmt='png'; plotdir='plots'" plots/sync.gp
load plotdir.'/common.gp'

# src: the summary with its empty flags filled (common.gp says why)

# --- the machine, from the meta file -----------------------------------------------------------
usable = 0; cpu = ''
stats in2 using (strcol('key') eq 'cpus_usable' ? usable = strcol('value') + 0 : 0, \
                 strcol('key') eq 'cpu_model' ? cpu = strcol('value') : 0, 0) nooutput

locks = 'mutex spinlock tas ttas ticket rwlock-read atomic-add cas-loop omp-critical omp-atomic'
barriers = 'pthread-barrier spin-barrier omp-barrier omp-reduction'
handoffs = 'condvar futex spin'
idx(list, s) = sum [i = 1:words(list)] (word(list, i) eq s ? i : 0)
is(e, m) = strcol('experiment') eq e && strcol('metric') eq m
flagged(x) = strstrt(strcol('flags'), 'busy') > 0 || strstrt(strcol('flags'), 'short') > 0

# P: the most workers within the usable CPUs that the lock experiment measured
P = 1
stats src using (is('lock', 'ns_per_op') && column('workers') <= usable && column('workers') > P ? \
                P = column('workers') : 0, 0) nooutput
# The coverage of the intervals drawn (the lowest, if they differ), rows per panel, flags.
cov = 1; na = 0; nb = 0; nc = 0; nd = 0; nflag = 0
stats src using ((is('lock', 'ns_per_op') || is('barrier', 'us') || is('handoff', 'us')) ? \
                   (column('ci_level') < cov ? cov = column('ci_level') : 0, \
                    (column('workers') == 1 || column('workers') == P) && flagged(0) ? nflag = nflag + 1 : 0) : 0, \
                is('lock', 'ns_per_op') && column('workers') == 1 ? na = na + 1 : 0, \
                is('lock', 'ns_per_op') && column('workers') == P && P > 1 ? nb = nb + 1 : 0, \
                is('barrier', 'us') ? nc = nc + 1 : 0, is('handoff', 'us') ? nd = nd + 1 : 0, 0) nooutput

lk(w) = is('lock', 'ns_per_op') && column('workers') == w && idx(locks, strcol('variant')) > 0
# omp-reduction is measured by the lock experiment, in ns: one reduction holds a barrier
br(w) = (is('barrier', 'us') || is('lock', 'ns_per_op') && strcol('variant') eq 'omp-reduction') && \
        column('workers') == w
ho(w) = is('handoff', 'us') && column('workers') == w
# x: the variant's place in its list; y: the median (or c) in the panel's unit
xv(list, sel) = sel ? idx(list, strcol('variant')) : NaN
yv(sel, c) = sel ? (is('lock', 'ns_per_op') && strcol('variant') eq 'omp-reduction' ? column(c) / 1000 : column(c)) : NaN
lab(v) = v == v ? sprintf('%.3g', v) : ''

# The y range follows the medians of the points not flagged: a whisker far beyond them (a
# repetition the machine disturbed) runs off the panel instead of flattening the rest.
ylo = 0; yhi = 0
span(v) = (v == v && v > yhi ? yhi = v : 0, v == v && v < ylo ? ylo = v : 0, 0)
yr(dummy) = sprintf('ybot = %g; ytop = %g; set yrange [ybot:ytop]', ylo < 0 ? 1.3 * ylo : 0, yhi > 0 ? 1.3 * yhi : 1)
clamp(v) = v > ytop ? ytop : v < ybot ? ybot : v
# The dumbbell panels also take in flagged medians within 20x of the others: on a busy
# machine most contended points are flagged, and a panel scaled to the rest would show
# only bars running off it. One far beyond (a sample the scheduler stalled) still does.
ucap = 0
near(v) = (v == v && abs(v) <= 20 * ucap ? span(v) : 0)
# A bar's value sits on its whisker when the whisker ends well inside the panel, else on
# the bar: below 1.15 yhi either way, far from the top (1.3 yhi).
ly(m, h) = h == h && h > m && h < 1.1 * yhi ? h : (m < 1.15 * yhi ? m : 1.15 * yhi)
# The dumbbells' bars: for each variant of list, a grey line from its 1-worker median to
# its P-worker one (sel: lk or br), as arrows 11.. (unset after the panel). A median
# beyond the panel (a flagged point) ends its bar at the edge, where its value is written.
join(list, sel) = sprintf("unset arrow; do for [i = 1:words(%s)] { m1 = NaN; mp = NaN; \
    stats src using (%s(1) && strcol('variant') eq word(%s, i) ? m1 = yv(1, 'median') : 0, \
                    %s(P) && strcol('variant') eq word(%s, i) ? mp = yv(1, 'median') : 0, 0) nooutput; \
    if (m1 == m1 && mp == mp) { set arrow 10 + i from i, clamp(m1) to i, clamp(mp) nohead lc rgb '#bbbbbb' lw 4 back } }", \
    list, sel, list, sel, list)
nothing(msg) = sprintf("set label 1 \"%s\" at graph 0.5, 0.5 center; set yrange [0:1]; set key off; plot 1e30 notitle; set key on; unset label 1", msg)

# One panel alone on a slide (panel = 'a'..'d', from render.sh --slide), or all four.
if (sp eq '') {
    set multiplot title sprintf("What synchronisation costs on %s (%d usable CPU%s)\nmedians; whiskers: the interval of the median (%.0f%% coverage)%s", \
        cpu, usable, usable == 1 ? '' : 's', 100 * cov, nflag > 0 ? '; hollow, faded: flagged busy or short (not judged)' : '') font ',14'
} else {
    set multiplot
}
set style fill solid 0.85 border -1
set boxwidth 0.5
set xtics nomirror rotate by -30 left noenhanced font ',11'
set grid ytics
set pointsize 1.5

if (show('a')) {
# --- (a) uncontended ---------------------------------------------------------------------------
set lmargin at screen 0.07
set rmargin at screen 0.47
set tmargin at screen 0.82
set bmargin at screen 0.58
if (sp ne '') { set lmargin at screen 0.1; set rmargin at screen 0.97; set tmargin at screen 0.86; set bmargin at screen 0.22 }
set key off
set title "(a) uncontended, 1 worker: a few ns while the line stays in one core's cache" font ',12'
set ylabel 'ns per operation'
set xrange [0.4:words(locks) + 0.6]
set xtics ()
do for [i = 1:words(locks)] { set xtics add (word(locks, i) i) }
if (na > 0) {
    ylo = 0; yhi = 0
    stats src using (lk(1) && !flagged(0) ? span(column('median')) : 0) nooutput
    eval yr(0)
    plot src using (xv(locks, lk(1) && !flagged(0))):'median' with boxes lt 1 notitle, \
         '' using (xv(locks, lk(1) && flagged(0))):'median' with boxes lt 1 fs transparent solid 0.2 border lt 1 notitle, \
         '' using (xv(locks, lk(1))):'ci_lo':(0):(column('ci_hi') - column('ci_lo')) \
            with vectors heads size screen 0.004,90 lc rgb '#333333' notitle, \
         '' using (xv(locks, lk(1))):(ly(column('median'), column('ci_hi'))):(lab(column('median'))) \
            with labels offset 0, 0.7 font ',10' notitle
} else {
    eval nothing('the lock experiment is not in these results')
}

}
if (show('b')) {
# --- (b) contended ------------------------------------------------------------------------------
set lmargin at screen 0.57
set rmargin at screen 0.95
if (sp ne '') { set lmargin at screen 0.1; set rmargin at screen 0.97; set tmargin at screen 0.86; set bmargin at screen 0.22 }
if (sp ne '') { set ylabel 'ns per operation'; set xrange [0.4:words(locks) + 0.6]; set xtics (); do for [i = 1:words(locks)] { set xtics add (word(locks, i) i) } }  # (a)'s, when (a) is not drawn
if (sp eq '') { set key at screen 0.76, screen 0.88 center center vertical maxrows 1 nobox font ',11' samplen 1 } else { set key top center horizontal nobox font ',11' samplen 1 }
set title (P > 1 ? sprintf('(b) contended: %d workers vs 1, ns per operation as each worker sees it', P) : \
           '(b) contended: 2 or more workers vs 1, ns per operation') font ',12'
if (nb > 0) {
    ylo = 0; yhi = 0
    stats src using ((lk(1) || lk(P)) && !flagged(0) ? span(column('median')) : 0) nooutput
    ucap = yhi > -ylo ? yhi : -ylo
    stats src using ((lk(1) || lk(P)) && flagged(0) ? near(column('median')) : 0) nooutput
    eval yr(0)
    eval join('locks', 'lk')
    plot for [w in sprintf('1 %d', P)] src using (xv(locks, lk(w + 0) && !flagged(0))):'median':'ci_lo':'ci_hi' \
            with yerrorbars lt (w + 0 == 1 ? 1 : 2) pt (w + 0 == 1 ? 7 : 5) lw 1.5 \
            title sprintf('%s worker%s', w, w eq '1' ? '' : 's'), \
         for [w in sprintf('1 %d', P)] '' using (xv(locks, lk(w + 0) && flagged(0))):'median' \
            with points lt (w + 0 == 1 ? 1 : 2) pt (w + 0 == 1 ? 6 : 4) notitle, \
         '' using (xv(locks, lk(P))):(clamp(column('median'))):(lab(column('median'))) with labels left offset 0.9, 0 font ',10' notitle
} else {
    set key off
    eval nothing(usable < 2 ? "1 usable CPU: nothing to contend with,\\nso no contended point was measured" : \
                 "no contended lock point in these results")
}

}
unset arrow
if (show('c')) {
# --- (c) barriers --------------------------------------------------------------------------------
set lmargin at screen 0.07
set rmargin at screen 0.47
set tmargin at screen 0.38
set bmargin at screen 0.13
if (sp ne '') { set lmargin at screen 0.1; set rmargin at screen 0.97; set tmargin at screen 0.86; set bmargin at screen 0.22 }
if (sp eq '') { set key at screen 0.27, screen 0.44 center center vertical maxrows 1 nobox font ',11' samplen 1 } else { set key top center horizontal nobox font ',11' samplen 1 }
set title (P > 1 ? sprintf('(c) barriers: us per barrier, 1 and %d workers: sleeping ones cost us', P) : \
           '(c) barriers: us per barrier, 1 worker') font ',12'
set ylabel 'us per barrier'
set xrange [0.4:words(barriers) + 0.6]
set xtics ()
do for [i = 1:words(barriers)] { set xtics add (word(barriers, i) i) }
if (nc > 0) {
    ylo = 0; yhi = 0
    stats src using ((br(1) || br(P)) && !flagged(0) ? span(yv(1, 'median')) : 0) nooutput
    ucap = yhi > -ylo ? yhi : -ylo
    stats src using ((br(1) || br(P)) && flagged(0) ? near(yv(1, 'median')) : 0) nooutput
    eval yr(0)
    if (P > 1) { eval join('barriers', 'br') }
    plot for [w in (P > 1 ? sprintf('1 %d', P) : '1')] src using (xv(barriers, br(w + 0) && !flagged(0))):(yv(1, 'median')):(yv(1, 'ci_lo')):(yv(1, 'ci_hi')) \
            with yerrorbars lt (w + 0 == 1 ? 1 : 2) pt (w + 0 == 1 ? 7 : 5) lw 1.5 \
            title sprintf('%s worker%s', w, w eq '1' ? '' : 's'), \
         for [w in (P > 1 ? sprintf('1 %d', P) : '1')] '' using (xv(barriers, br(w + 0) && flagged(0))):(yv(1, 'median')) \
            with points lt (w + 0 == 1 ? 1 : 2) pt (w + 0 == 1 ? 6 : 4) notitle, \
         '' using (xv(barriers, br(P))):(clamp(yv(1, 'median'))):(lab(yv(1, 'median'))) with labels left offset 0.9, 0 font ',10' notitle
} else {
    set key off
    eval nothing('the barrier experiment is not in these results')
}

}
unset arrow
if (show('d')) {
# --- (d) handoff ---------------------------------------------------------------------------------
set lmargin at screen 0.57
set rmargin at screen 0.95
if (sp ne '') { set lmargin at screen 0.1; set rmargin at screen 0.97; set tmargin at screen 0.86; set bmargin at screen 0.22 }
set key off
set title '(d) handoff between two CPUs, us one way: waking a sleeper vs a spinner' font ',12'
set ylabel 'us, one way'
set xrange [0.4:words(handoffs) + 0.6]
set xtics ()
do for [i = 1:words(handoffs)] { set xtics add (word(handoffs, i) i) }
if (nd > 0) {
    ylo = 0; yhi = 0
    stats src using (ho(2) && !flagged(0) ? span(column('median')) : 0) nooutput
    eval yr(0)
    plot src using (xv(handoffs, ho(2) && !flagged(0))):'median' with boxes lt 3 notitle, \
         '' using (xv(handoffs, ho(2) && flagged(0))):'median' with boxes lt 3 fs transparent solid 0.2 border lt 3 notitle, \
         '' using (xv(handoffs, ho(2))):'ci_lo':(0):(column('ci_hi') - column('ci_lo')) \
            with vectors heads size screen 0.004,90 lc rgb '#333333' notitle, \
         '' using (xv(handoffs, ho(2))):(ly(column('median'), column('ci_hi'))):(lab(column('median'))) \
            with labels offset 0, 0.7 font ',10' notitle
} else {
    eval nothing(usable < 2 ? "1 usable CPU: a handoff needs two CPUs at once,\\nso it was not measured" : \
                 "the handoff experiment is not in these results")
}
}
unset multiplot
