# input: sklearn-summary.csv
# input: sklearn-meta.csv
# sklearn lab, cv: the time of one cross-validation on each of joblib's backends, cold
# and warm, against the serial run; one panel an estimator (SVC; RandomForest in full
# runs). Dots on a linear axis from 0 (the time itself, so a bar would do too, but dots
# keep the whiskers readable): the median and the interval of the median; beside each,
# its paired speedup over serial. Columns read by name.
# By hand: gnuplot -e "in='results/sklearn-summary.csv'; in2='results/sklearn-meta.csv'; out='o.png'; fmt='png'; plotdir='plots'" plots/sklearn-cv.gp
load plotdir.'/common.gp'

cvsec(e) = strcol('experiment') eq 'cv' && strcol('metric') eq 'seconds' && strstrt(strcol('param'), 'estimator='.e.';') == 1
cvsp(e) = strcol('experiment') eq 'cv' && strcol('metric') eq 'speedup' && strstrt(strcol('param'), 'estimator='.e.';') == 1
nsvc = 0; nrf = 0; lvl = 0; nrep = 0; jobs = 0; folds = ''
stats in using (cvsec('svc') ? nsvc = nsvc + 1 : 0, cvsec('forest') ? nrf = nrf + 1 : 0, \
                strcol('experiment') eq 'cv' && column('n') > nrep ? (lvl = column('ci_level'), nrep = column('n')) : 0, \
                strcol('experiment') eq 'cv' && column('workers') > jobs ? jobs = column('workers') : 0, \
                strcol('experiment') eq 'cv' ? folds = strcol('param')[strstrt(strcol('param'), 'folds=') + 6:] : 0, 0) nooutput
if (nsvc + nrf == 0) {
    set label 2 "no cross-validation in this summary\n(parlab run sklearn --experiment cv)" at graph 0.5, 0.5 center
    unset key; unset tics; unset border
    set xrange [0:1]; set yrange [0:1]
    plot -1 notitle
    exit
}
order = 'serial threading loky-cold loky-warm multiprocessing loky-warm-nested'
ys = '6 5 4 3 2 1'
labels = sprintf("'serial (n\\_jobs=1)' 'threading' 'loky, cold: workers started by the call' 'loky, warm: workers kept' 'multiprocessing: a pool forked for the call' 'loky warm, forest with n\\_jobs=%d inside'", jobs)
row(v) = sum [k = 1:words(order)] (word(order, k) eq v ? real(word(ys, k)) : 0)
do for [e in 'svc forest'] {
    eval sprintf('set table $t_%s', e)
    plot in using (column('median')):(column('ci_lo')):(column('ci_hi')):(strcol('variant')) with table if (cvsec(e))
    unset table
    eval sprintf('set table $s_%s', e)
    plot in using (strcol('variant')):(column('median')) with table if (cvsp(e))
    unset table
}
if (|$t_forest| == 0) { set print $t_forest; print "NaN NaN NaN none"; unset print }
if (|$s_forest| == 0) { set print $s_forest; print "none NaN"; unset print }
set datafile separator whitespace
set datafile nocolumnheaders
# the speedup of a variant, looked up in its estimator's table, as a label
sp_svc = ''; sp_forest = ''
stats $s_svc using (sp_svc = sp_svc.' '.strcol(1).'='.sprintf('%.2f', $2), 0) nooutput
if (nrf > 0) { stats $s_forest using (sp_forest = sp_forest.' '.strcol(1).'='.sprintf('%.2f', $2), 0) nooutput }
spof(list, v) = (p = strstrt(list, ' '.v.'='), p == 0 ? '' : sprintf('%sx', word(list[p + 1:], 1)[strlen(v) + 2:]))

set multiplot title sprintf("Cross-validation (%s folds) on joblib's backends, n\\_jobs = %d: the time of one call\n(dots: medians of %d repetitions; whiskers: the interval of the median, %.0f%% coverage; label: the paired speedup over serial)", folds, jobs, nrep, 100 * lvl) font ',14'
set yrange [(nrf > 0 ? 0.4 : 1.5):6.6]  # the nested row is the forest's
set ytics nomirror scale 0 font ',12'
set ytics ()
do for [k = 1:words(order)] { set ytics add (word(labels, k) real(word(ys, k))) }
set xlabel 'seconds (lower is faster)'
set xrange [0:*]
set offsets 0, graph 0.25, 0, 0
set grid xtics noytics
unset key
# with no forest (quick runs) the SVC panel takes the width
set size (nrf > 0 ? 0.62 : 1.0), 0.88
set origin 0, 0.05
set lmargin 44
set title 'SVC (libsvm: fits with the GIL released)'
if (nrf == 0) { set label 3 "RandomForest: full runs only" at graph 0.98, graph 0.04 right font ',11' textcolor rgb '#777777' }
plot $t_svc using 1:(row(strcol(4))):2:3 with xerrorbars lt 1 pt 7 ps 2 lw 1.5, \
     $t_svc using 1:(row(strcol(4))):(spof(sp_svc, strcol(4))) with labels center offset 0,1.2 font ',11'
if (nrf > 0) {
    set size 0.38, 0.88
    set origin 0.62, 0.05
    set lmargin 2
    set ytics ()
    set ytics format ''
    set title 'RandomForest (trees built one after the other inside)'
    plot $t_forest using 1:(row(strcol(4))):2:3 with xerrorbars lt 3 pt 9 ps 2 lw 1.5, \
         $t_forest using 1:(row(strcol(4))):(spof(sp_forest, strcol(4))) with labels center offset 0,1.2 font ',11'
}
unset multiplot
