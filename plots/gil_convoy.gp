# input: gil-summary.csv
# gil lab, convoy: round trips a second of an I/O thread while CPU-bound Python
# threads spin beside it (switch intervals 5, 1, 0.1 ms), or with the spinning moved to
# other processes. param (column 6) is "switch_us=S;cpu_threads=C"; workers = 1 + C.
load plotdir.'/common.gp'
set datafile nocolumnheaders
q(v, s) = sprintf("< awk -F, '$3==\"convoy\" && $4==\"%s\" && $7==\"roundtrips_per_s\" && index($6, \"switch_us=%s;\")==1' '%s'", v, s, in)
set title "The convoy effect: an I/O thread waits for the GIL after every blocking call\n(round trips over a socket pair while CPU-bound Python spins beside it)"
set xlabel 'CPU-bound workers beside the I/O thread'
set ylabel 'round trips per second (log scale)'
set logscale y
set xrange [-0.3:2.3]
set xtics 1
set key bottom left
plot q('cpu-in-threads', '5000') using ($5 - 1):10:13:14 with yerrorlines lt 2 title 'CPU work in threads, switch interval 5 ms (default)', \
     q('cpu-in-threads', '1000') using ($5 - 1):10:13:14 with yerrorlines lt 5 title 'CPU work in threads, 1 ms', \
     q('cpu-in-threads', '100') using ($5 - 1):10:13:14 with yerrorlines lt 4 title 'CPU work in threads, 0.1 ms', \
     q('cpu-in-process', '5000') using ($5 - 1):10:13:14 with yerrorlines lt 1 title 'CPU work in other processes'
