# input: gil-summary.csv
# input: gil-meta.csv
# gil lab, python-cpu: the same pure-Python work split over N workers.
# Left: speedup against one worker of the same variant. Right: CPU cores in use.
load plotdir.'/common.gp'
# Usable CPUs from the meta file: no speedup can pass them, so the ideal is
# min(N, CPUs) and points beyond them are oversubscribed (shaded).
usable = 0; maxw = 1
stats in2 using (strcol(1) eq 'cpus_usable' ? usable = strcol(2) + 0 : 0, 0) nooutput
stats in using (strcol(3) eq 'python-cpu' && $5 > maxw ? maxw = $5 : 0, 0) nooutput
# The subinterpreters variant exists only with CPython 3.12+: no key entry without data.
nsub = 0
stats in using (strcol(4) eq 'subinterpreters' ? nsub = nsub + 1 : 0, 0) nooutput
ideal(x) = (usable > 0 && x > usable) ? usable : x
# Rows are picked with awk (summary columns: 3 experiment, 4 variant, 5 workers,
# 7 metric, 10 median, 13 ci_lo, 14 ci_hi), so each line joins only its own points.
set datafile nocolumnheaders
q(v, m) = sprintf("< awk -F, '$3==\"python-cpu\" && $4==\"%s\" && $7==\"%s\"' '%s'", v, m, in)
set multiplot layout 1,2 title "CPython's GIL: the same Python work on N threads, N processes, or N threads in C without the GIL" font ',14'
set xlabel 'workers (threads or processes)'
set key top left
set logscale x 2
set xtics (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
set yrange [0:*]
set xrange [0.9:maxw * 1.1]
if (usable > 0 && maxw > usable) {
    set object 1 rect from usable, graph 0 to maxw * 1.1, graph 1 fc rgb '#f0f0f0' fs solid noborder behind
    set label 1 "more workers\nthan CPUs" at usable, graph 0.2 offset 1,0 left front textcolor rgb '#777777'
}
set samples 200
set offsets 0, 0, graph 0.3, 0   # headroom above the lines for the key
set title 'speedup'
set ylabel 'speedup (x, against 1 worker)'
plot q('threads', 'speedup') using 5:10:13:14 with yerrorlines lt 2 title 'threads (one GIL)', \
     q('processes', 'speedup') using 5:10:13:14 with yerrorlines lt 1 title 'processes (a GIL each)', \
     q('threads-nogil', 'speedup') using 5:10:13:14 with yerrorlines lt 3 title 'threads, loop in C, GIL released', \
     q('subinterpreters', 'speedup') using 5:10:13:14 with yerrorlines lt 4 title (nsub > 0 ? 'threads, a subinterpreter each' : ''), \
     ideal(x) with lines dt 2 lc rgb '#888888' title sprintf('ideal (N x, up to the %d usable CPUs)', usable)
set key bottom right
set title 'CPU in use (process CPU time / wall time)'
set ylabel 'CPU cores busy'
plot q('threads', 'cpu_utilization') using 5:10 with linespoints lt 2 title 'threads', \
     q('processes', 'cpu_utilization') using 5:10 with linespoints lt 1 title 'processes', \
     q('threads-nogil', 'cpu_utilization') using 5:10 with linespoints lt 3 title 'threads-nogil', \
     q('subinterpreters', 'cpu_utilization') using 5:10 with linespoints lt 4 title (nsub > 0 ? 'subinterpreters' : ''), \
     ideal(x) with lines dt 2 lc rgb '#888888' title 'all usable CPUs busy'
unset multiplot
