# tvp-create.gp: what it costs to start and reap one worker, seven ways, from
# `parlab run tvp` (create). A dot plot on a log scale: the costs span 20 us to tens of
# ms, and a bar on a log scale would make its length mean nothing.
# input: tvp-summary.csv
load plotdir.'/common.gp'

# The rows of the create experiment, in the order they ran: median, interval, a label.
# "fork" with param rss_mib=N ran in a parent that had touched N MiB first.
label(v, p) = p eq '' ? v : sprintf(fmt eq 'slide' ? '%s: %s MiB parent' : '%s (parent touched %s MiB)', v, p[9:])  # no comma: the table below is comma-separated
us(v) = v >= 1000 ? sprintf('%.1f ms', v / 1000) : sprintf('%.0f us', v)
rssof(p) = strstrt(p, 'rss_mib=') == 1 ? p[9:] + 0 : 0
# A run without create (parlab run tvp --experiment memory, say) still gets a chart that
# says so: count the rows first (a table of no rows is no table at all in gnuplot).
nrows = 0
stats in using ((strcol('experiment') eq 'create' && strcol('metric') eq 'us') ? nrows = nrows + 1 : 0, 0) nooutput
if (nrows == 0) {
    set label 1 'no create rows in this run: parlab run tvp --experiment create' at graph 0.5, graph 0.5 center
    unset xtics; unset ytics; unset border; unset key
    set xrange [0:1]; set yrange [0:1]
    plot NaN notitle
    exit
}
set table $create separator comma
plot in using (column('median')):(column('ci_lo')):(column('ci_hi')): \
     (label(strcol('variant'), strcol('param'))):(column('ci_level')):(rssof(strcol('param'))) \
     with table if (strcol('experiment') eq 'create' && strcol('metric') eq 'us')
unset table
set datafile nocolumnheaders
stats $create using 1 nooutput
n = STATS_records
stats $create using 5 nooutput
level = STATS_min
stats $create using 6 nooutput
rss = STATS_max

# The rows' labels, top to bottom (read before the log scale: stats obeys it).
set ytics scale 0 font ',12' ()
do for [i = 0:n - 1] { stats $create every ::i::i using (lab = strcol(4), 0) nooutput; set ytics add (lab i) }

slide = (fmt eq 'slide')   # a slide's headline says the rest: shorter words, room for the stamp
set title (slide ? 'start and reap one worker that does nothing' : "Starting and reaping one worker that does nothing (parlab run tvp: create)")
set xlabel (slide ? 'time (log scale)' : 'time to start and reap one worker (log scale: each grid line is 10x)')
if (slide) { set bmargin 5 }
set logscale x 10
set xtics ('1 us' 1, '10 us' 10, '100 us' 100, '1 ms' 1000, '10 ms' 1e4, '100 ms' 1e5, '1 s' 1e6)
set xrange [*:*]
set offsets graph 0.05, graph 0.15, 0, 0
set yrange [n - 0.5:-1.7]   # a free row on top for the key
set grid xtics mxtics noytics lc rgb '#bbbbbb', lc rgb '#eeeeee'
set key top right box opaque
if (slide) { set key font ',9' }
set lmargin (slide ? 25 : 30)
plot $create using ($6 > 0 ? NaN : $1):0:2:3 with xerrorbars lt 1 pt 7 ps 1.6 lw 1.5 \
        title (slide ? sprintf('small parent (%.0f%% intervals)', 100 * level) : sprintf('from this small parent: median, with its interval (covers it %.0f%% of the time)', 100 * level)), \
     '' using ($6 > 0 ? $1 : NaN):0:2:3 with xerrorbars lt 2 pt 5 ps 1.6 lw 1.5 \
        title sprintf(slide ? 'parent touched %.0f MiB' : 'from a parent that first touched %.0f MiB', rss), \
     '' using 3:0:('  '.us($1)) with labels left font ',11' notitle
