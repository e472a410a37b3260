# tvp-memory.gp: what each extra worker costs in memory, from `parlab run tvp`
# (memory): RSS (shared pages counted in full), PSS (shared pages split among their
# sharers) and private (what exiting would free), KiB per worker. A dot plot on a log
# scale (a thread's 50 KiB and a copy-on-write child's 64 MiB on one axis); a bar on a
# log scale would make its length mean nothing.
# input: tvp-summary.csv
load plotdir.'/common.gp'

# One table a metric, rows in the order the lab ran them: threads, processes, cow-read,
# cow-write. Column 4 is a label, column 5 the interval's coverage.
mib(p) = strstrt(p, 'array_mib=') > 0 ? p[strstrt(p, 'array_mib=') + 10:] : ''
label(v, p) = v eq 'threads' ? 'a thread' : v eq 'processes' ? 'a process (fork)' : \
              v eq 'cow-read' ? sprintf('a child that reads the %s MiB array', mib(p)) : \
              v eq 'cow-write' ? sprintf('a child that writes the %s MiB array', mib(p)) : v
# A run without memory still gets a chart that says so: count the rows first (a table of
# no rows is no table at all in gnuplot). Without smaps_rollup (Linux < 4.14) there is
# RSS alone: the missing tables get one empty row.
nrows = 0
stats in using ((strcol('experiment') eq 'memory' && strcol('metric') eq 'rss_kib') ? nrows = nrows + 1 : 0, 0) nooutput
if (nrows == 0) {
    set label 1 'no memory rows in this run: parlab run tvp --experiment memory' at graph 0.5, graph 0.5 center
    unset xtics; unset ytics; unset border; unset key
    set xrange [0:1]; set yrange [0:1]
    plot NaN notitle
    exit
}
do for [m in 'rss_kib pss_kib private_kib'] {
    c = 0
    stats in using ((strcol('experiment') eq 'memory' && strcol('metric') eq m) ? c = c + 1 : 0, 0) nooutput
    if (c == 0) { eval sprintf('set print $%s', m); print 'NaN,NaN,NaN,-,1'; unset print; continue }
    eval sprintf('set table $%s separator comma', m)
    plot in using (column('median')):(column('ci_lo')):(column('ci_hi')): \
         (label(strcol('variant'), strcol('param'))):(column('ci_level')) \
         with table if (strcol('experiment') eq 'memory' && strcol('metric') eq m)
    unset table
}
set datafile nocolumnheaders
kib(v) = v >= 1024 ? sprintf('%.1f MiB', v / 1024.0) : sprintf('%.0f KiB', v)
stats $rss_kib using 1 nooutput
n = STATS_records
stats $rss_kib using 5 nooutput
level = STATS_min

# The rows' labels, top to bottom (read before the log scale: stats obeys it).
set ytics scale 0 font ',12' ()
do for [i = 0:n - 1] { stats $rss_kib every ::i::i using (lab = strcol(4), 0) nooutput; set ytics add (lab i) }

set title "What each extra worker costs in memory, 4 alive at once (parlab run tvp: memory)"
set xlabel 'memory per worker (log scale: each step is about 10x)'
set logscale x 10
set xtics ('1 KiB' 1, '10 KiB' 10, '100 KiB' 100, '1 MiB' 1024, '10 MiB' 10240, '100 MiB' 102400, '1 GiB' 1048576)
set offsets graph 0.02, graph 0.15, 0, 0
set yrange [n - 0.5:-1.6]   # a free row on top for the key
set grid xtics mxtics noytics lc rgb '#bbbbbb', lc rgb '#eeeeee'
set key top right box opaque
set lmargin 38
# The three numbers of a worker side by side, a little apart so none hides another.
# (Without smaps_rollup, Linux < 4.14, there is no PSS or private: RSS alone.)
plot $rss_kib using 1:($0 - 0.2):2:3 with xerrorbars lt 1 pt 7 ps 1.5 \
        title 'RSS: every page it maps, shared ones in full', \
     $pss_kib using 1:0:2:3 with xerrorbars lt 2 pt 5 ps 1.5 \
        title 'PSS: shared pages split among their sharers', \
     $private_kib using 1:($0 + 0.2):2:3 with xerrorbars lt 3 pt 9 ps 1.7 \
        title sprintf('private: what exiting would free (bars: intervals, %.0f%% coverage)', 100 * level), \
     $rss_kib using 3:($0 - 0.2):(kib($1)) with labels left offset 0.8,0 font ',10' textcolor lt 1 notitle, \
     $pss_kib using 3:0:(kib($1)) with labels left offset 0.8,0 font ',10' textcolor lt 2 notitle, \
     $private_kib using 3:($0 + 0.2):(kib($1)) with labels left offset 0.8,0 font ',10' textcolor lt 3 notitle
