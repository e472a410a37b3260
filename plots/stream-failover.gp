# input: stream-summary.csv
# input: stream-meta.csv
# slide panels: a b
# (render.sh --slide also draws each panel alone, full size: stream-failover-a.png, -b.png)
# stream lab, failover: three consumers share a stream, one is killed (SIGKILL) halfway
# through a batch it never acknowledged, the others take its pending messages over
# (XAUTOCLAIM). (a) every message was processed at least once; none lost. (b) the
# duplicates, and where each came from: counted, not hidden. Bars: the median over the
# repetitions, whiskers: the smallest and largest run (counts, not timings).
load plotdir.'/common.gp'

usable = 0; cpu = ''
stats in2 using (strcol('key') eq 'cpus_usable' ? usable = strcol('value') + 0 : 0, \
                 strcol('key') eq 'cpu_model' ? cpu = strcol('value') : 0, 0) nooutput
is(m) = strcol('experiment') eq 'failover' && strcol('metric') eq m
n = 0; param = ''; nc = 0
stats in using (is('produced') ? (n = column('n'), param = strcol('param'), nc = column('workers')) : 0, 0) nooutput
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
# One panel alone on a slide (panel = 'a' or 'b', from render.sh --slide), or both: as a
# PNG or SVG, or at slide size (full: shorter words, margins set by hand).
one = (sp ne '')
slide = (fmt eq 'slide')
full = slide && !one
cpu_s = short_cpu(cpu) # the machine, short enough for a slide's title (common.gp)
machine = sprintf('%s, %d usable CPU%s', strlen(cpu_s) ? cpu_s : 'this machine', usable, usable == 1 ? '' : 's')
# On a slide the margins are fixed: the tic labels of several lines need room gnuplot
# 5.4 does not always leave at this font scale.
alone = 'set size 1, 1; set origin 0, 0; set lmargin at screen 0.12; set rmargin at screen 0.97; set tmargin at screen 0.84; set bmargin at screen 0.24'
half(l, r) = sprintf('set size 1, 1; set origin 0, 0; set lmargin at screen %g; set rmargin at screen %g; set tmargin at screen 0.8; set bmargin at screen 0.3', l, r)
what = sprintf('%d consumers, one killed %d messages into a batch of %d', nc > 0 ? nc : 3, killed, batch)

if (!slide) {
    set multiplot title sprintf("At-least-once delivery: %d consumers, one killed after %d messages of a batch of %d it never acknowledged;\nthe others take its messages over after %d ms idle (XAUTOCLAIM). %d repetitions: bars the median, whiskers the smallest and largest run", \
        nc > 0 ? nc : 3, killed, batch, idle, n) font ',13'
} else { if (full) {
    tt = sprintf("At least once on %s\n%s; taken over after %d ms idle", machine, what, idle)
    set multiplot title tt font tf(tt)
} else {
    set multiplot
} }
set style fill solid 0.75 border -1
set boxwidth 0.6
set yrange [0:*]
set offsets 0, 0, graph 0.15, 0
unset key
set xrange [-0.6:3.6]
set ylabel 'messages'
# a bar's value above its whisker (min to max: none when every run counted the same)
bars(t, c) = sprintf("plot %s using 1:2:(%s) with boxes lc variable, ", t, c) . \
    sprintf("%s using 1:3:(0):($4 - $3) with vectors heads size screen 0.006,90 lc rgb '#000000', ", t) . \
    sprintf("%s using 1:($4 > $2 ? $4 : $2):(sprintf('%%.0f', $2)) with labels offset 0, 0.9 font ',11'", t)

if (show('a')) {
# ---- (a) none lost ---------------------------------------------------------------------------
set size 0.5, 0.88
set origin 0, 0.05
set bmargin 5
set title 'Every message processed at least once: none lost'
set xtics ("produced" 0, "processed\nat least once" 1, "processings\n(with repeats)" 2, "lost" 3) font ',11'
if (full) {
    eval half(0.12, 0.48)
    set title 'Every message processed?' font ',12'
    set xtics ("produced" 0, "processed" 1, "processings" 2, "lost" 3) rotate by 30 right font ',10'
}
if (one) {
    eval alone
    tt = sprintf("At least once on %s: messages produced, processed, lost\n%s; %d repetition%s", machine, what, n, n == 1 ? '' : 's')
    set title tt font tf(tt)
}
eval bars('$left', '$1 == 3 ? 2 : 1')
}

if (show('b')) {
# ---- (b) the duplicates ----------------------------------------------------------------------
set size 0.5, 0.88
set origin 0.5, 0.05
set bmargin 5
set title 'The duplicates, each explained'
set xtics ("duplicates\n(processed\ntwice)" 0, "= the killed\nconsumer's\nunacknowledged" 1, "+ taken over\nfrom a slow\nlive consumer" 2, "unexplained" 3) norotate font ',11'
if (full) {
    eval half(0.61, 0.98)
    set title 'The duplicates, each explained' font ',12'
    set xtics ("duplicates" 0, "= killed, unacked" 1, "+ from live ones" 2, "unexplained" 3) rotate by 30 right font ',10'
}
if (one) {
    eval alone
    tt = sprintf("The duplicates on %s: messages processed twice, each explained\n%s; taken over after %d ms idle", machine, what, idle)
    set title tt font tf(tt)
}
eval bars('$right', '$1 == 0 ? 5 : $1 == 3 ? 2 : 3')
}
unset multiplot
