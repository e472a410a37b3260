# input: gil-summary.csv
# gil lab, libraries: threads calling library code that releases the GIL (hashlib,
# zlib on 1 MiB buffers) against threads running pure Python, the same work split.
load plotdir.'/common.gp'
set datafile nocolumnheaders
q(v) = sprintf("< awk -F, '$3==\"libraries\" && $4==\"%s\" && $7==\"speedup\"' '%s'", v, in)
set title "When threads do scale in Python: library calls that release the GIL"
set xlabel 'threads'
set ylabel 'speedup (x, against 1 thread)'
set logscale x 2
set xtics (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
set yrange [0:*]
set key top left
plot q('hashlib') using 5:10:13:14 with yerrorlines lt 1 title 'hashlib.sha256 (releases the GIL)', \
     q('zlib') using 5:10:13:14 with yerrorlines lt 3 title 'zlib.compress (releases the GIL)', \
     q('pure-python') using 5:10:13:14 with yerrorlines lt 2 title 'pure Python (holds the GIL)', \
     x with lines dt 2 lc rgb '#888888' title 'ideal (N x)'
