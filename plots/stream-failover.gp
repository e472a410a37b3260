# input: stream-summary.csv
# input: stream-meta.csv
# stream lab, failover: three consumers share a stream, one is killed (SIGKILL) halfway
# through a batch it never acknowledged, the others take its pending messages over
# (XAUTOCLAIM). Left: every message was processed at least once; none lost. Right: the
# duplicates, and where each came from: counted, not hidden. Bars: the median over the
# repetitions, whiskers: the smallest and largest run (counts, not timings).
load plotdir.'/common.gp'

is(m) = strcol('experiment') eq 'failover' && strcol('metric') eq m
n = 0; param = ''
stats in using (is('produced') ? (n = column('n'), param = strcol('param')) : 0, 0) nooutput
if (n == 0) {
    set label 2 "no failover results in this summary\n(parlab run stream --experiment failover)" at graph 0.5, 0.5 center
    unset key; unset tics; unset border
    set xrange [0:1]; set yrange [0:1]
    plot -1 notitle
    exit
}
left = 'produced processed_once_or_more processings lost'
right = 'duplicates killed_unacked taken_from_live unexplained_duplicates'
set table $left
plot in using (word(left, 1) eq strcol('metric') ? 0 : word(left, 2) eq strcol('metric') ? 1 : word(left, 3) eq strcol('metric') ? 2 : 3):(column('median')):(column('min')):(column('max')) \
    with table if (strcol('experiment') eq 'failover' && strstrt(' '.left.' ', ' '.strcol('metric').' ') > 0)
unset table
set table $right
plot in using (word(right, 1) eq strcol('metric') ? 0 : word(right, 2) eq strcol('metric') ? 1 : word(right, 3) eq strcol('metric') ? 2 : 3):(column('median')):(column('min')):(column('max')) \
    with table if (strcol('experiment') eq 'failover' && strstrt(' '.right.' ', ' '.strcol('metric').' ') > 0)
unset table
set datafile separator whitespace
set datafile nocolumnheaders

# the point's settings, said in words (and no '_', which enhanced text would subscript)
num(s) = (e = strstrt(s, ';'), e == 0 ? s + 0 : s[1:e - 1] + 0)
getp(k) = (pos = strstrt(param, k.'='), pos == 0 ? 0 : num(param[pos + strlen(k) + 1:]))
batch = getp('batch'); idle = getp('idle_ms'); killed = getp('killed_after')
set multiplot title sprintf("At-least-once delivery: 3 consumers, one killed after %d messages of a batch of %d it never acknowledged;\nthe others take its messages over after %d ms idle (XAUTOCLAIM). %d repetitions: bars the median, whiskers the smallest and largest run", \
    killed, batch, idle, n) font ',13'
set style fill solid 0.75 border -1
set boxwidth 0.6
set yrange [0:*]
set offsets 0, 0, graph 0.15, 0
unset key
set xrange [-0.6:3.6]

set size 0.5, 0.88
set origin 0, 0.05
set bmargin 5
set title 'Every message processed at least once: none lost'
set ylabel 'messages'
set xtics ("produced" 0, "processed\nat least once" 1, "processings\n(with repeats)" 2, "lost" 3) font ',11'
plot $left using 1:2:($1 == 3 ? 2 : 1) with boxes lc variable, \
     $left using 1:2:3:4 with yerrorbars lc rgb '#000000' pt 0, \
     $left using 1:2:(sprintf('%.0f', $2)) with labels offset 0, 1 font ',11'

set origin 0.5, 0.05
set title 'The duplicates, each explained'
set xtics ("duplicates\n(processed\ntwice)" 0, "= the killed\nconsumer's\nunacknowledged" 1, "+ taken over\nfrom a slow\nlive consumer" 2, "unexplained" 3) font ',11'
plot $right using 1:2:($1 == 0 ? 5 : $1 == 3 ? 2 : 3) with boxes lc variable, \
     $right using 1:2:3:4 with yerrorbars lc rgb '#000000' pt 0, \
     $right using 1:2:(sprintf('%.0f', $2)) with labels offset 0, 1 font ',11'
unset multiplot
