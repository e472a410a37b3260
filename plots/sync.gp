# sync.gp: what each kind of synchronisation costs, on a log scale: per construct, the
# median at 1 worker (uncontended), at all usable CPUs (contended) and oversubscribed.
# Locks and atomics are ns per operation, barriers ns per barrier, handoffs ns one way.
# input: sync-costs.csv
# Run by plots/render.sh (make plots); by hand:
#   gnuplot -e "in='results/sync-costs.csv'; out='sync.png'; fmt='png'; plotdir='plots'" plots/sync.gp
load plotdir.'/common.gp'

# how many workers the contended and oversubscribed columns had
cw = 0; ow = 0; nl = 0; nb = 0; nh = 0
stats in using ($5 > cw ? cw = $5 : 0, $7 > ow ? ow = $7 : 0, \
                strcol(1) eq 'lock' ? nl = nl + 1 : 0, strcol(1) eq 'barrier' ? nb = nb + 1 : 0, \
                strcol(1) eq 'handoff' ? nh = nh + 1 : 0, 0) nooutput
# dashed lines between the three groups (bars of row i sit at x = i), a title on each
if (nl > 0 && nb + nh > 0) { set arrow 1 from nl - 0.5, graph 0 to nl - 0.5, graph 1 nohead dt 2 lc rgb '#777777' }
if (nb > 0 && nh > 0) { set arrow 2 from nl + nb - 0.5, graph 0 to nl + nb - 0.5, graph 1 nohead dt 2 lc rgb '#777777' }
if (nl > 0) { set label 1 'locks, atomics: per operation' at (nl - 1) / 2.0, graph 0.97 center front }
if (nb > 0) { set label 2 'barriers: per barrier' at nl + (nb - 1) / 2.0, graph 0.97 center front }
if (nh > 0) { set label 3 'handoff: one way' at nl + nb + (nh - 1) / 2.0, graph 0.97 center front }

set title "What synchronisation costs (log scale): locks and atomics per operation,\nbarriers per barrier, handoffs one way" noenhanced
set ylabel 'cost per construct, ns (log scale)'
set xlabel 'construct'
set logscale y
set format y '10^{%T}'
# room above the tallest bar for the group titles
ymax = 1
stats in using ($3 > ymax ? ymax = $3 : 0, $4 > ymax ? ymax = $4 : 0, $6 > ymax ? ymax = $6 : 0, 0) nooutput
set yrange [0.5:ymax * 30]
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -40 left noenhanced nomirror
set key at graph 0.01, graph 0.92 left top
set bmargin 7
plot in using 3:xtic(2) title '1 worker (uncontended)', \
     '' using 4 title sprintf('%d workers (contended)', cw), \
     '' using (ow > 0 ? $6 : NaN) title (ow > 0 ? sprintf('%d workers (oversubscribed)', ow) : '')
