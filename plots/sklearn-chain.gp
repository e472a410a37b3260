# input: sklearn-summary.csv
# input: sklearn-meta.csv
# sklearn lab, chain: a ClassifierChain's links run one after the other, so one chain
# has nothing to give a second worker. Left: the paired speedup of what can be parallel
# (the same 4 models independent, an ensemble of 4 chains, the chain's 5-fold
# cross-validation) against 1 worker; right: the seconds, with one chain's time drawn
# across (it has no n_jobs). Columns read by name.
# By hand: gnuplot -e "in='results/sklearn-summary.csv'; in2='results/sklearn-meta.csv'; out='o.png'; fmt='png'; plotdir='plots'" plots/sklearn-chain.gp
load plotdir.'/common.gp'

usable = 0
stats in2 using (strcol('key') eq 'cpus_usable' ? usable = strcol('value') + 0 : 0, 0) nooutput
is(v, m) = strcol('experiment') eq 'chain' && strcol('variant') eq v && strcol('metric') eq m
n = 0; maxw = 1; lvl = 0; nrep = 0; chain_s = NaN
stats in using (strcol('experiment') eq 'chain' ? n = n + 1 : 0, \
                is('chain', 'seconds') ? chain_s = column('median') : 0, \
                strcol('experiment') eq 'chain' && column('workers') > maxw ? maxw = column('workers') : 0, \
                strcol('experiment') eq 'chain' && column('n') > nrep ? (lvl = column('ci_level'), nrep = column('n')) : 0, 0) nooutput
if (n == 0) {
    set label 2 "no chain results in this summary\n(parlab run sklearn --experiment chain)" at graph 0.5, 0.5 center
    unset key; unset tics; unset border
    set xrange [0:1]; set yrange [0:1]
    plot -1 notitle
    exit
}
vars = 'independent ensemble chain-cv'
titles = "'the 4 models independent (MultiOutputClassifier)' 'an ensemble of 4 chains' 'the chain cross-validated (5 folds)'"
do for [i = 1:words(vars)] {
    do for [m in 'speedup seconds'] {
        b = sprintf('$%s_%d', m eq 'speedup' ? 's' : 't', i)
        eval 'set table '.b
        plot in using (column('workers')):(column('median')):(column('ci_lo')):(column('ci_hi')) with table if (is(word(vars, i), m))
        unset table
        eval 'if (|'.b.'| == 0) { set print '.b.'; print "NaN NaN NaN NaN"; unset print }'
    }
}
set datafile separator whitespace
set datafile nocolumnheaders

ideal(x) = x < 1 ? NaN : (usable > 0 && x > usable) ? usable : x
xmax = maxw + 0.5
set multiplot title sprintf("A classifier chain: its links run in turn; what is around it can be parallel\n(points: medians of %d repetitions; bars: the interval of the median, %.0f%% coverage)", nrep, 100 * lvl) font ',14'
set xrange [0.5:xmax]
set xtics 1
if (maxw > 16) { set xtics auto }
set xlabel 'workers (n\_jobs)'
if (usable > 0 && maxw > usable) {
    set object 1 rect from usable + 0.5, graph 0 to xmax, graph 1 fc rgb '#f0f0f0' fs solid noborder behind
}
set key top left Left reverse font ',11' samplen 2
set size 0.5, 0.9
set origin 0, 0.04
set title 'speedup over 1 worker'
set ylabel 'speedup (x)'
set yrange [0:*]
set offsets 0, 0, graph 0.35, 0
plot for [i = 1:words(vars)] sprintf('$s_%d', i) using 1:2:3:4 with yerrorlines lt i title word(titles, i), \
     ideal(x) with lines dt 2 lw 1 lc rgb '#888888' title sprintf('ideal: N, up to the %d usable CPU%s (and the tasks: 4, 4, 5)', usable, usable == 1 ? '' : 's'), \
     (x < 1 ? NaN : 1) with lines dt 3 lw 2 lc rgb '#000000' title 'one chain: 1x at any n\_jobs (it has none)'
set origin 0.5, 0.04
set title 'seconds'
set ylabel 'seconds (lower is faster)'
plot for [i = 1:words(vars)] sprintf('$t_%d', i) using 1:2:3:4 with yerrorlines lt i notitle, \
     (x < 1 ? NaN : chain_s) with lines dt 3 lw 2 lc rgb '#000000' title sprintf('one chain: %.2f s, whatever the workers', chain_s)
unset multiplot
