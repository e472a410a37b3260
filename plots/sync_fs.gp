# sync_fs.gp: false sharing: ns per increment of a worker's OWN counter when the
# counters share one cache line (same-line), sit on lines of their own (padded), or
# stay in a local variable (local), at each worker count; one panel for plain load +
# store, one for atomic fetch-add. Above each panel: the paired ratio same-line / padded
# at the most workers (metric vs_padded: taken repetition by repetition).
# input: sync-summary.csv
# input: sync-meta.csv
# Run by plots/render.sh (make plots); by hand:
#   gnuplot -e "in='results/sync-summary.csv'; in2='results/sync-meta.csv'; \
#               out='sync_fs.png'; fmt='png'; plotdir='plots'" plots/sync_fs.gp
load plotdir.'/common.gp'

usable = 0; cpu = ''
stats in2 using (strcol('key') eq 'cpus_usable' ? usable = strcol('value') + 0 : 0, \
                 strcol('key') eq 'cpu_model' ? cpu = strcol('value') : 0, 0) nooutput

layouts = 'same-line padded local'
idx(list, s) = sum [i = 1:words(list)] (word(list, i) eq s ? i : 0)
fs(op) = strcol('experiment') eq 'false-sharing' && strcol('metric') eq 'ns_per_op' && strcol('param') eq 'op='.op

# The worker counts measured, in the order of the file (ascending), and the coverage.
wl = ''; n = 0; cov = 1
stats in using (fs('store') || fs('atomic') ? (n = n + 1, \
                   idx(wl, sprintf('%d', column('workers'))) == 0 ? wl = wl.' '.sprintf('%d', column('workers')) : 0, \
                   column('ci_level') < cov ? cov = column('ci_level') : 0) : 0, 0) nooutput
wmax = words(wl) > 0 ? word(wl, words(wl)) + 0 : 0

# x: the worker count's cluster, the layout's place in it. Rows of other series are
# undefined in x and y.
bx(op, v) = fs(op) && strcol('variant') eq v ? idx(wl, sprintf('%d', column('workers'))) + 0.27 * (idx(layouts, v) - 2) : NaN
by(op, v, c) = fs(op) && strcol('variant') eq v ? column(c) : NaN
lab(v) = v == v ? sprintf('%.3g', v) : ''
# a value's label sits above its whisker, unless the whisker runs off the panel
ly(m, h) = h == h && h > m && h < 1.4 * yhi ? h : m

# The paired ratio at the most workers, as words for the panel title.
rtext = ''
getratio(op) = sprintf("stats in using (strcol('experiment') eq 'false-sharing' && strcol('metric') eq 'vs_padded' && strcol('param') eq 'op=%s' && column('workers') == wmax && wmax > 1 ? rtext = sprintf('same-line / padded, %%d workers: %%.2fx [%%.2f, %%.2f] (%%.0f%%%%), paired', wmax, column('median'), column('ci_lo'), column('ci_hi'), 100 * column('ci_level')) : 0, 0) nooutput", op)

set multiplot layout 1, 2 title sprintf("False sharing on %s (%d usable CPU%s): each worker adds 1 to its OWN counter\nbars: medians; whiskers: the interval of the median (%.0f%% coverage)", \
    cpu, usable, usable == 1 ? '' : 's', 100 * cov) font ',14'
set style fill solid 0.85 border -1
set boxwidth 0.25
set ylabel 'ns per increment (lower is better)'
set xlabel 'workers'
set bmargin 5
set key top left box opaque font ',11' vertical
set grid ytics
set xrange [0.4:words(wl) + 0.6]
set xtics ()
do for [i = 1:words(wl)] { set xtics add (word(wl, i) i) }
ylo = 0; yhi = 0
span(v) = (v == v && v > yhi ? yhi = v : 0, v == v && v < ylo ? ylo = v : 0, 0)

do for [op in 'store atomic'] {
    rtext = ''
    eval getratio(op)
    set title sprintf("%s\n%s", op eq 'store' ? 'plain load + store (c[id]++ kept in memory)' : 'atomic fetch-add', \
                      rtext ne '' ? rtext : usable < 2 ? '1 usable CPU: workers take turns, so no 2-worker point' : '(no ratio: it needs 2 or more workers)') noenhanced font ',12'
    if (n > 0) {
        ylo = 0; yhi = 0
        stats in using (span(by(op, 'same-line', 'median')) + span(by(op, 'padded', 'median')) + \
                        span(by(op, 'local', 'median'))) nooutput
        set yrange [ylo < 0 ? 1.5 * ylo : 0:yhi > 0 ? 1.5 * yhi : 1]
        plot for [v in layouts] in using (bx(op, v)):(by(op, v, 'median')) with boxes \
                 lt idx(layouts, v) title v.(v eq 'same-line' ? ' (8 bytes apart)' : v eq 'padded' ? ' (128 bytes apart)' : ' (own stack)'), \
             for [v in layouts] '' using (bx(op, v)):(by(op, v, 'ci_lo')):(0):(by(op, v, 'ci_hi') - by(op, v, 'ci_lo')) \
                 with vectors heads size screen 0.005,90 lc rgb '#333333' notitle, \
             for [v in layouts] '' using (bx(op, v)):(ly(by(op, v, 'median'), by(op, v, 'ci_hi'))):(lab(by(op, v, 'median'))) \
                 with labels offset 0, 0.8 font ',10' notitle
    } else {
        set yrange [0:1]
        set label 1 'the false-sharing experiment is not in these results' at graph 0.5, 0.5 center
        set key off
        plot 1e30 notitle
        set key on
        unset label 1
    }
}
unset multiplot
