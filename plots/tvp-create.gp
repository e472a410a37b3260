# input: tvp-create.csv
# Creation cost: one bar per way of starting a worker, on a log scale (they span
# 30 us to tens of ms), with the 95% CI of the median as error bars.
load plotdir.'/common.gp'
set title "Starting and reaping one worker that does nothing (parlab run tvp: create)"
set ylabel "microseconds per worker (log scale)"
set xlabel "how the worker is started"
set logscale y
set yrange [1:*]
set style fill solid 0.8 border -1
set boxwidth 0.6
set xtics rotate by -25 scale 0 font ',11'
set key top left
set grid noxtics ytics mytics
plot in using 0:"us":xticlabels(strcol("label")) with boxes lt 1 title "median", \
     '' using 0:"us":"ci_lo":"ci_hi" with yerrorbars lt 7 pt -1 title "95% CI of the median", \
     '' using 0:"us":(sprintf("%.0f", column("us"))) with labels offset 0,0.8 font ',11' notitle
