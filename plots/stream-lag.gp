# input: stream-summary.csv
# input: stream-timeline.csv
# stream lab, lag: the group's backlog (lag: in the stream, not yet delivered; plus
# pending: delivered, not yet acknowledged) over time. A producer sends 1.25x what one
# consumer can take: the backlog grows by the difference; a second consumer joins and
# it drains. Each repetition is a line; the moments are marked; the dotted lines are
# what the rates predict. Columns are read by name.
load plotdir.'/common.gp'

is(m) = strcol('experiment') eq 'lag' && strcol('metric') eq m
t_add = NaN; drain = NaN; pdrain = NaN; rate = NaN; c1 = NaN; b_add = NaN; nrep = 0
stats in using (is('add_s') ? t_add = column('median') : 0, \
                is('drain_s') ? drain = column('median') : 0, \
                is('predicted_drain_s') ? pdrain = column('median') : 0, \
                is('rate') ? rate = column('median') : 0, \
                is('capacity_one') ? c1 = column('median') : 0, \
                is('backlog_at_add') ? (b_add = column('median'), nrep = column('n')) : 0, 0) nooutput
if (t_add != t_add) {
    set label 2 "no lag results in this summary\n(parlab run stream --experiment lag)" at graph 0.5, 0.5 center
    unset key; unset tics; unset border
    set xrange [0:1]; set yrange [0:1]
    plot -1 notitle
    exit
}
reps = 0; tmax = 0
stats in2 using (column('rep') > reps ? reps = column('rep') : 0, column('t') > tmax ? tmax = column('t') : 0, 0) nooutput
do for [r = 1:reps] {
    eval sprintf('set table $rep_%d', r)
    plot in2 using (column('t')):(column('backlog')) with table if (column('rep') == r)
    unset table
}
set datafile separator whitespace
set datafile nocolumnheaders

slide = (fmt eq 'slide')   # big text on a small canvas: shorter words, the key below the axes
# the machine (common.gp read it from the meta file beside the summary), short enough for
# a slide's title: no (R), (TM), "CPU", "@ 2.90GHz" ('@' is also enhanced text's phantom
# box), "with Radeon Graphics", "Processor"; at most 28 characters
cpu_s = short_cpu(stamp_cpu) # the machine, short enough for a slide's title (common.gp)
machine = strlen(cpu_s) ? sprintf('%s, %d usable CPU%s', cpu_s, stamp_usable, stamp_usable == 1 ? '' : 's') : 'this machine'
ratio = (c1 > 0) ? rate / c1 : NaN

if (!slide) {
    set title sprintf("A producer at %.0f messages/s, 1.25x what one consumer takes (%.0f/s, 50 us of work each): the backlog grows;\na second consumer joins and drains it (%d repetitions)", \
        rate, c1, reps) font ',14'
    set size 1, 0.93
    set origin 0, 0.03
    set ylabel 'backlog: lag + pending (messages)'
    set key below center horizontal maxrows 2 nobox font ',11'   # below: the moments' words stay clear
    set bmargin 6.5
} else {
    tt = sprintf("The backlog on %s: messages not yet processed\na producer at %.0f/s, %.3gx one consumer's %.0f/s; then a second consumer joins", \
        machine, rate, ratio, c1)
    set title tt font tf(tt)
    # margins by hand: gnuplot 5.4 misjudges the room a key below the axes needs at this
    # font scale
    set lmargin at screen 0.12; set rmargin at screen 0.97; set tmargin at screen 0.84; set bmargin at screen 0.3
    set ylabel 'backlog (messages)'
    set key at screen 0.545, screen 0.095 center center horizontal maxcols 2 maxrows 2 nobox samplen 2 font ',11'
}
set xlabel 'seconds since the producer started'
set xrange [0:tmax * 1.02]
set yrange [0:*]
# room above the lines for the moments' words
set offsets 0, 0, graph (slide ? 0.35 : 0.25), 0

# the moments: each one's words beside its line, on the side with room (left of a line in
# the right half of the chart), above the lines
side(x) = x > 0.55 * tmax * 1.02 ? 'right' : 'left'
pad(x, t) = side(x) eq 'right' ? t.' ' : ' '.t
set arrow 1 from t_add, graph 0 to t_add, graph 1 nohead lc rgb '#000000' dt 2 lw 1.5
eval sprintf("set label 1 pad(t_add, sprintf('a second consumer joins (%%.2f s)', t_add)) at t_add, graph 0.95 %s textcolor rgb '#000000' font ',11'", side(t_add))
if (drain == drain) {
    set arrow 2 from t_add + drain, graph 0 to t_add + drain, graph 0.88 nohead lc rgb '#009E73' dt 2 lw 1.5
    eval sprintf("set label 3 pad(t_add + drain, sprintf('drained %%.2f s later (median)', drain)) at t_add + drain, graph 0.85 %s textcolor rgb '#009E73' font ',11'", side(t_add + drain))
} else { if (pdrain != pdrain) {
    set label 3 ' no backlog to drain: the one consumer kept up (the machine was busy?)' at t_add, graph 0.85 left textcolor rgb '#D55E00' font ',11'
} else {
    set label 3 ' the backlog did not drain: two consumers are no faster here (one CPU, or a busy machine?)' at t_add, graph 0.85 left textcolor rgb '#D55E00' font ',11'
} }
if (slide && drain != drain) {   # the same, in fewer words, from the left edge
    set label 3 (pdrain != pdrain ? 'no backlog to drain: the one consumer kept up' : 'the backlog did not drain: no faster with two') \
        at graph 0.02, graph 0.85 left textcolor rgb '#D55E00' font ',11'
}
# the predictions: growth at rate - capacity, then drain at 2 x capacity - rate
grow(x) = (x >= 0 && x <= t_add) ? (rate - c1) * x : NaN
dr(x) = (x >= t_add && 2 * c1 > rate && b_add - (2 * c1 - rate) * (x - t_add) >= 0) ? b_add - (2 * c1 - rate) * (x - t_add) : NaN
set samples 500
plot for [r = 1:reps] sprintf('$rep_%d', r) using 1:2 with lines lw (r == 1 ? 2.5 : 1.2) lc rgb (r == 1 ? '#0072B2' : '#88b7d6') \
        title (r == 1 ? (slide ? 'repetition 1' : 'backlog, repetition 1') : r == 2 ? 'other repetitions' : ''), \
     grow(x) with lines dt 3 lw 2 lc rgb '#D55E00' title (slide ? 'predicted: rate - capacity' : 'predicted: grows by rate - capacity a second'), \
     dr(x) with lines dt 3 lw 2 lc rgb '#009E73' title (slide ? 'predicted: 2 x capacity - rate' : 'predicted: drains by 2 x capacity - rate a second')
