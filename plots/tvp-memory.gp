# input: tvp-memory.csv
# Memory per extra worker: RSS (counts shared pages in full), PSS (splits them
# among sharers) and private (freed if the worker exits), KiB per worker.
load plotdir.'/common.gp'
set title "What each extra worker costs in memory (parlab run tvp: memory)"
set ylabel "KiB per worker (log scale)"
set xlabel "workers: threads, processes, and children of a parent with a big array"
set logscale y
set yrange [10:*]
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set key top left
set grid noxtics ytics
plot in using "rss_kib":xticlabels(1) lt 1 title "RSS (shared pages counted in full)", \
     '' using "pss_kib" lt 2 title "PSS (shared pages split among sharers)", \
     '' using "private_kib" lt 3 title "private (freed when the worker exits)"
