# c2c.gp: core-to-core latency: one-way ns for each pair of CPUs, measured by a pinned
# ping-pong (parlab run sync --experiment c2c; rows experiment c2c, metric one_way_ns,
# param cpu_a=A;cpu_b=B). With 4 or more CPUs measured, a heatmap (symmetric: each pair
# drawn on both sides of the diagonal); with 2 or 3, a heatmap would be one or three
# squares, so the chart says the numbers in words instead.
# input: sync-summary.csv
# input: sync-meta.csv
# Run by plots/render.sh (make plots); by hand:
#   gnuplot -e "in='results/sync-summary.csv'; in2='results/sync-meta.csv'; \
#               out='c2c.png'; fmt='png'; plotdir='plots'" plots/c2c.gp
load plotdir.'/common.gp'

# src: the summary with its empty flags filled (common.gp says why)

usable = 0; cpu = ''; exps = ''
stats in2 using (strcol('key') eq 'cpus_usable' ? usable = strcol('value') + 0 : 0, \
                 strcol('key') eq 'cpu_model' ? cpu = strcol('value') : 0, \
                 strcol('key') eq 'experiments' ? exps = strcol('value') : 0, 0) nooutput

isc(x) = strcol('experiment') eq 'c2c' && strcol('metric') eq 'one_way_ns'
pa(s) = s[strstrt(s, 'cpu_a=') + 6:strstrt(s, ';') - 1] + 0
pb(s) = s[strstrt(s, 'cpu_b=') + 6:] + 0
idx(list, s) = sum [i = 1:words(list)] (word(list, i) eq s ? i : 0)
addcpu(c) = idx(cl, sprintf('%d', c)) == 0 ? cl = cl.' '.sprintf('%d', c) : 0

# The CPUs measured, in the order of the file (ascending), the pairs, and in words.
cl = ''; np = 0; cov = 1; words_txt = ''
stats src using (isc(0) ? (np = np + 1, addcpu(pa(strcol('param'))), addcpu(pb(strcol('param'))), \
                column('ci_level') < cov ? cov = column('ci_level') : 0, \
                words_txt = words_txt.sprintf("CPU %d to CPU %d: %.3g ns one way, interval [%.3g, %.3g] (%.0f%% coverage, n = %d)%s\n", \
                    pa(strcol('param')), pb(strcol('param')), column('median'), column('ci_lo'), column('ci_hi'), \
                    100 * column('ci_level'), column('n'), \
                    strcol('flags') ne '-' && strlen(strcol('flags')) > 0 ? sprintf("\nflagged %s: the two threads did not get their CPUs, not to be trusted", strcol('flags')) : '')) : 0, 0) nooutput
ncpu = words(cl)

set title sprintf("Core-to-core latency on %s: one way, ns (a pinned ping-pong, round trip / 2)", cpu) noenhanced

if (ncpu >= 4) {
    # x and y: the CPU's place among those measured (every k-th CPU when --pairs sampled)
    px(c) = idx(cl, sprintf('%d', c))
    # the values in white on the darker half of the palette, black on the lighter
    cmax = 0
    stats src using (isc(0) && column('median') > cmax ? cmax = column('median') : 0, 0) nooutput
    set xlabel 'CPU'
    set ylabel 'CPU'
    set size ratio -1
    set xrange [0.5:ncpu + 0.5]
    set yrange [0.5:ncpu + 0.5]
    set xtics ()
    set ytics ()
    do for [i = 1:ncpu] { set xtics add (word(cl, i) i); set ytics add (word(cl, i) i) }
    set palette defined (0 '#fff7ec', 0.5 '#fc8d59', 1 '#7f0000')
    set cbrange [0:*]
    set cblabel 'one-way latency, ns (darker = slower)'
    set style fill solid 1.0 noborder
    set key off
    set grid noxtics noytics
    set title sprintf("Core-to-core latency on %s: one way, ns (a pinned ping-pong, round trip / 2)\ncells: medians (their intervals are in sync-summary.csv); the diagonal, a CPU with itself, is not measured", cpu) noenhanced
    a(x) = isc(0) ? px(pa(strcol('param'))) : NaN
    b(x) = isc(0) ? px(pb(strcol('param'))) : NaN
    tc(m) = m > 0.55 * cmax ? 0xffffff : 0x000000
    plot src using (a(0)):(b(0)):(0.5):(0.5):(column('median')) with boxxyerror fc palette, \
         '' using (b(0)):(a(0)):(0.5):(0.5):(column('median')) with boxxyerror fc palette, \
         '' using (a(0)):(b(0)):(ncpu <= 16 ? sprintf('%.0f', column('median')) : ''):(tc(column('median'))) with labels tc rgb variable font ',10', \
         '' using (b(0)):(a(0)):(ncpu <= 16 ? sprintf('%.0f', column('median')) : ''):(tc(column('median'))) with labels tc rgb variable font ',10'
} else {
    # Fewer than 4 CPUs: the numbers, in words.
    set border 0
    unset xtics
    unset ytics
    unset grid
    set key off
    set xrange [0:1]
    set yrange [0:1]
    if (np > 0) {
        set label 1 words_txt at graph 0.5, graph 0.62 center font ',18' noenhanced
        set label 2 sprintf("%d CPU%s measured: a heatmap needs 4 or more, so the pair%s in words.\nEvery contended lock, atomic and barrier pays about this per cache-line transfer.", \
            ncpu, ncpu == 1 ? '' : 's', np == 1 ? ' is' : 's are') at graph 0.5, graph 0.3 center font ',13'
    } else {
        set label 1 (usable > 0 && usable < 2 ? "1 usable CPU: a cache line needs two CPUs to travel between,\nso core-to-core latency was not measured" : \
                     strstrt(exps, 'c2c') == 0 ? "the c2c experiment is not in these results\n(parlab run sync --experiment c2c)" : \
                     "no c2c pair in these results") at graph 0.5, graph 0.5 center font ',14'
    }
    plot 1e30 notitle
}
