# sync_fs.gp: false sharing: ns per increment of a worker's OWN counter when the
# counters share one cache line, sit on separate lines (padded), or stay local.
# input: sync-false-sharing.csv
# Run by plots/render.sh (make plots); by hand:
#   gnuplot -e "in='results/sync-false-sharing.csv'; out='sync_fs.png'; fmt='png'; plotdir='plots'" plots/sync_fs.gp
load plotdir.'/common.gp'

w = 0
stats in using ($2 > w ? w = $2 : 0, 0) nooutput

set title sprintf("False sharing: %d workers, each adding 1 to its own counter", w)
set ylabel 'ns per increment (lower is better)'
set xlabel 'how each worker adds 1 (store: load + plain store; atomic: atomic fetch-add)'
set yrange [0:*]
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key top left
plot in using 3:xtic(1) title 'same-line (counters 8 bytes apart)', \
     '' using 4 title 'padded (128 bytes apart)', \
     '' using 5 title 'local (own stack, summed at the end)'
