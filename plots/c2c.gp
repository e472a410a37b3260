# c2c.gp: core-to-core latency heatmap: one-way ns for each pair of CPUs, measured by
# a pinned ping-pong (parlab run sync). Symmetric: each pair is drawn on both sides.
# input: sync-c2c.csv
# Run by plots/render.sh (make plots); by hand:
#   gnuplot -e "in='results/sync-c2c.csv'; out='c2c.png'; fmt='png'; plotdir='plots'" plots/c2c.gp
load plotdir.'/common.gp'

n = 0
stats in using ($4 > n ? n = $4 : 0, 0) nooutput

set title "Core-to-core latency: one way, ns (pinned ping-pong; darker = slower)\nthe diagonal (a CPU with itself) is not measured"
set xlabel 'CPU'
set ylabel 'CPU'
set size ratio -1
set xrange [-0.5:n + 0.5]
set yrange [-0.5:n + 0.5]
set palette defined (0 '#fff7ec', 0.5 '#fc8d59', 1 '#7f0000')
set cbrange [0:*]
set cblabel 'one-way latency, ns'
set style fill solid 1.0 noborder
set key off
set grid noxtics noytics
# idx (columns 3, 4) places the box; cpu ids (columns 1, 2) label the tics
plot in using 3:4:(0.5):(0.5):5:xtic(1):ytic(2) with boxxyerror fc palette, \
     '' using 4:3:(0.5):(0.5):5:xtic(2):ytic(1) with boxxyerror fc palette, \
     '' using 3:4:(n < 16 ? sprintf('%.0f', $5) : '') with labels, \
     '' using 4:3:(n < 16 ? sprintf('%.0f', $5) : '') with labels
