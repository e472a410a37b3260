# input: tvp-cpu.csv
# input: tvp-io.csv
# The same total work on T threads or T processes: CPU-bound work stops at the usable
# CPU count; blocking waits keep scaling, even with every thread on one CPU.
load plotdir.'/common.gp'
set multiplot layout 1,2 title "Same total work, T threads vs T processes (parlab run tvp: cpu-bound, io-bound)"
set xlabel "workers T"
set ylabel "speedup over 1 worker (x)"
set key top left
set logscale x 2
set xrange [0.8:*]
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set title "cpu-bound (a calibrated spin)"
plot in using 1:"threads" with linespoints lt 1 title "threads", \
     '' using 1:"processes" with linespoints lt 2 title "processes", \
     '' using 1:(column("workers") <= column("usable_cpus") ? column("workers") : column("usable_cpus")) \
        with lines lt 7 dt 2 title "ideal (usable CPUs)"
set title "io-bound (blocking nanosleep waits)"
plot in2 using 1:"threads" with linespoints lt 1 title "threads", \
     '' using 1:"processes" with linespoints lt 2 title "processes", \
     '' using 1:"threads-1cpu" with linespoints lt 3 title "threads, all on one CPU", \
     '' using 1:1 with lines lt 7 dt 2 title "ideal (T)"
unset multiplot
