# input: xml-summary.csv
# input: xml-meta.csv
# xml lab: where C sits. MB/s of every parser on the same generated corpus, with one
# worker (open marker) and with P workers (filled, P = the most workers within the
# usable CPUs): the gap between the two is what the extra workers bought. A dot
# plot on a log axis (C and Python differ by 10x and more); whiskers: the interval of
# the median. Columns read by name.
# By hand: gnuplot -e "in='results/xml-summary.csv'; in2='results/xml-meta.csv'; out='o.png'; fmt='png'; plotdir='plots'" plots/xml-throughput.gp
load plotdir.'/common.gp'

usable = 0
stats in2 using (strcol('key') eq 'cpus_usable' ? usable = strcol('value') + 0 : 0, 0) nooutput
mb(_) = (strcol('experiment') eq 'c-parse' || strcol('experiment') eq 'python') && strcol('metric') eq 'mb_per_s'
p = 1; n = 0; lvl = 0; nrep = 0
stats in using (mb(0) ? n = n + 1 : 0, \
                mb(0) && column('workers') > p && (usable == 0 || column('workers') <= usable) ? p = column('workers') : 0, \
                mb(0) && column('n') > nrep ? (lvl = column('ci_level'), nrep = column('n')) : 0, 0) nooutput
if (n == 0) {
    set label 2 "no MB/s in this summary\n(parlab run xml --experiment c-parse,python)" at graph 0.5, 0.5 center
    unset key; unset tics; unset border
    set xrange [0:1]; set yrange [0:1]
    plot -1 notitle
    exit
}
order = 'expat-threads expat-openmp libxml2-threads libxml2-openmp lxml lxml-default-parser lxml-shared-parser lxml-iterparse lxml-processes etree etree-processes etree-processes-trees'
ys = '13 12 11 10 7.6 6.6 5.6 4.6 3.6 2.6 1.6 0.6'
labels = "'expat (SAX), threads' 'expat (SAX), OpenMP' 'libxml2 (DOM), threads' 'libxml2 (DOM), OpenMP' 'lxml, a parser per thread' 'lxml, default parser, threads' 'lxml, one shared parser, threads' 'lxml iterparse, threads' 'lxml, processes' 'ElementTree, threads' 'ElementTree, processes' 'ElementTree, processes, trees sent back (full runs)'"
row(v) = sum [k = 1:words(order)] (word(order, k) eq v ? real(word(ys, k)) : 0)
lang(v) = strstrt(v, 'expat') == 1 || strstrt(v, 'libxml2') == 1 ? 1 : 3
set table $one
plot in using (column('median')):(column('ci_lo')):(column('ci_hi')):(strcol('variant')) with table if (mb(0) && column('workers') == 1)
unset table
set table $top
plot in using (column('median')):(column('ci_lo')):(column('ci_hi')):(strcol('variant')) with table if (mb(0) && column('workers') == p && p > 1)
unset table
# with one usable CPU there is no P-worker row: its layers are left out (for [k = 1:0])
havetop = |$top| > 0 ? 1 : 0
if (!havetop) { set print $top; print "1 1 1 none"; unset print }  # named, never drawn
set datafile separator whitespace
set datafile nocolumnheaders

set title sprintf("Where C sits: MB/s parsing the same corpus, 1 worker (open)%s\n(medians of %d repetitions; whiskers: the interval of the median, %.0f%% coverage; higher is faster)", havetop ? sprintf(' and %d (filled)', p) : ' (one usable CPU: no more workers to compare)', nrep, 100 * lvl)
set xlabel 'MB/s (log scale)'
set logscale x
set format x '%g'
set offsets graph 0.05, graph 0.15, 0, 0
set yrange [0:14.2]
set bmargin 5
set lmargin 42
set ytics nomirror scale 0 font ',12'
set ytics ()
do for [k = 1:words(order)] { set ytics add (word(labels, k) real(word(ys, k))) }
set ytics add ("{/:Bold C}" 13.9, "{/:Bold Python (CPython 3, lxml = libxml2 underneath)}" 8.5)
set style rect fc rgb '#f0f4fa' fs solid 1.0 noborder
set object 1 rect from graph 0, first 9.4 to graph 1, first 14.2 behind
set grid xtics noytics
set key at graph 0.99, graph 0.02 right bottom box opaque font ',12' samplen 1 # the Python rows' right end: C is the fastest
set linetype 11 lc rgb '#0072B2' pt 6 ps 2
set linetype 12 lc rgb '#0072B2' pt 7 ps 2
set linetype 13 lc rgb '#009E73' pt 8 ps 2
set linetype 14 lc rgb '#009E73' pt 9 ps 2
plot $one using 1:(row(strcol(4))):2:3 with xerrorbars pt -1 lc rgb '#888888' lw 1 notitle, \
     for [k = 1:havetop] $top using 1:(row(strcol(4))):2:3 with xerrorbars pt -1 lc rgb '#888888' lw 1 notitle, \
     $one using 1:(lang(strcol(4)) == 1 ? row(strcol(4)) : NaN) with points lt 11 notitle, \
     for [k = 1:havetop] $top using 1:(lang(strcol(4)) == 1 ? row(strcol(4)) : NaN) with points lt 12 notitle, \
     $one using 1:(lang(strcol(4)) == 3 ? row(strcol(4)) : NaN) with points lt 13 notitle, \
     for [k = 1:havetop] $top using 1:(lang(strcol(4)) == 3 ? row(strcol(4)) : NaN) with points lt 14 notitle, \
     $one using 1:(row(strcol(4))):(sprintf('%.0f', $1)) with labels right offset -1.6,0.55 font ',10' textcolor rgb '#555555' notitle, \
     for [k = 1:havetop] $top using 1:(row(strcol(4))):(sprintf('%.0f', $1)) with labels left offset 1.6,0.55 font ',10' notitle, \
     keyentry with points lt 11 title 'C: 1 worker', \
     for [k = 1:havetop] keyentry with points lt 12 title sprintf('C: %d workers', p), \
     keyentry with points lt 13 title 'Python: 1 worker', \
     for [k = 1:havetop] keyentry with points lt 14 title sprintf('Python: %d workers', p)
