# tvp-create.gp: what it costs to start and reap one worker, seven ways, from
# `parlab run tvp` (create). A dot plot on a log scale: the costs span 20 us to tens of
# ms, and a bar on a log scale would make its length mean nothing.
# input: tvp-summary.csv
# input: tvp-meta.csv
load plotdir.'/common.gp'

cpu = ''; usable = 0
stats in2 using (strcol(1) eq 'cpu_model' ? cpu = strcol(2) : 0, \
                 strcol(1) eq 'cpus_usable' ? usable = strcol(2) + 0 : 0, 0) nooutput

# The rows of the create experiment, in the order they ran: median, interval, a label.
# "fork" with param rss_mib=N ran in a parent that had touched N MiB first.
label(v, p) = p eq '' ? v : sprintf('%s (parent touched %s MiB)', v, p[9:])
set table $create separator comma
plot in using (column('median')):(column('ci_lo')):(column('ci_hi')): \
     (label(strcol('variant'), strcol('param'))):(column('ci_level')):(strcol('param') ne '') \
     with table if (strcol('experiment') eq 'create' && strcol('metric') eq 'us')
unset table
set datafile nocolumnheaders
stats $create using 1 nooutput
n = STATS_records
if (n == 0) { print 'tvp-create: no create rows in this run (parlab run tvp --experiment create)'; exit }
stats $create using 5 nooutput
level = STATS_min

set title sprintf("Starting and reaping one worker that does nothing (parlab run tvp: create)\n%s, %d usable CPU%s", \
                  cpu, usable, usable == 1 ? '' : 's') noenhanced
set xlabel 'microseconds per worker started and reaped (log scale: each grid line is 10x)'
set logscale x 10
set format x '%.0f'
set xrange [*:*]
set offsets graph 0.05, graph 0.25, 0, 0
set yrange [n - 0.5:-0.5]
set ytics scale 0 font ',12'
set grid xtics mxtics noytics
set key top right box opaque
set lmargin 30
big = 'a big parent'
stats $create using ($6 > 0 ? 1 : 0) nooutput
plot $create using (NaN):0:ytic(4) with points notitle, \
     '' using ($6 > 0 ? NaN : $1):0:2:3 with xerrorbars lt 1 pt 7 ps 1.6 lw 1.5 \
        title sprintf('from this small parent: median, with its interval (covers it %.0f%% of the time)', 100 * level), \
     '' using ($6 > 0 ? $1 : NaN):0:2:3 with xerrorbars lt 2 pt 5 ps 1.6 lw 1.5 \
        title 'from a parent that first touched many MiB: fork copies its page tables', \
     '' using 3:0:(sprintf('  %.0f us', $1)) with labels left font ',11' notitle
