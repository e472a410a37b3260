# input: gil-timeline.csv
# gil lab, gil-timeline: who holds the GIL over time, one band per thread (as in
# Beazley's "Understanding the Python GIL"). Columns: thread,start,end,state.
load plotdir.'/common.gp'
set title "Two Python threads share one GIL: at any moment one runs, the other waits\n(sampled every 50 us from a C thread that never takes the GIL)"
set xlabel 'time (ms)'
set ylabel 'thread'
set ytics 1
set yrange [0.4:*]
set offsets 0, 0, 0.6, 0
set key top right box opaque
set style fill solid 1.0 noborder
held(s) = strcol(4) eq 'held' ? 1 : 0
plot in using ((held(0) ? ($2 + $3) / 2 : NaN) * 1000):1:(($3 - $2) / 2 * 1000):(0.3) with boxxyerror lc rgb '#009E73' title 'holds the GIL (runs Python)', \
     in using ((held(0) ? NaN : ($2 + $3) / 2) * 1000):1:(($3 - $2) / 2 * 1000):(0.12) with boxxyerror lc rgb '#D55E00' title 'waits for the GIL'
