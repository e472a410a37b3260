# cores.gp: per-core use over time, from a parmon recording, so a live demo can be
# shown again as a picture. Record one with
#   parmon --record results/parmon-record.csv -- parlab run gil
# (or `parmon --batch --interval 0.5 > results/parmon-record.csv` while a lab runs).
# input: parmon-record.csv
# Up to 8 CPUs: a line a core, and the aggregate in cores busy. More: a heat map
# (time across, CPU down, colour = busy %), since 64 lines would be a tangle.
# By hand:
#   gnuplot -e "in='results/parmon-record.csv'; out='cores.png'; fmt='png'; plotdir='plots'" plots/cores.gp
# Columns: t,cpu,busy_pct,user_pct,system_pct,iowait_pct,steal_pct (cpu = N or 'all').
set datafile separator ","
set datafile columnheaders
stats in using (strcol(2) eq 'all' ? NaN : column(2)) nooutput
ncpu = int(STATS_max) + 1
stats in using (strcol(2) eq 'all' ? $1 : NaN) nooutput
tmax = STATS_max
dt = STATS_records > 0 ? tmax / STATS_records : 1  # the sampling interval

# gnuplot breaks a line at every undefined point, and in the recording the rows of one
# CPU alternate with the others'. So first gather each CPU's rows (then the aggregate's,
# in cores), one run after the other, into a datablock: start[c + 1] = its first row.
# This happens before common.gp sets the output, so nothing is drawn yet.
$bycpu << EOD
t,busy
EOD
array start[ncpu + 2]
if (ncpu <= 8) {
    set table $bycpu append separator comma
    do for [c=0:ncpu] {
        start[c + 1] = |$bycpu| - 1  # less the header line
        plot in using 1:($3 * (c == ncpu ? ncpu / 100.0 : 1)) with table \
            if (strcol(2) eq (c == ncpu ? 'all' : sprintf('%d', c)))
    }
    start[ncpu + 2] = |$bycpu| - 1
    unset table
}

# The lab's phases, from the recording's last columns (what the followed lab was doing):
# a dashed line and a label where the experiment changes, or, for a recording of one
# experiment (a stage demo's steady phases), where its variant or worker count changes.
# Recordings from before those columns existed have no phases: nothing is drawn.
nexp = 0; explist = ' '; prev = '#'; marks = ''
has_phase = 0
stats in using (strcol(2) eq 'all' && strlen(strcol(8)) > 0 ? has_phase = 1 : 0) nooutput
if (has_phase) {
    stats in using (strcol(2) eq 'all' ? (key = strlen(strcol(8)) ? strcol(8) : '-', \
        (key ne prev ? (marks = marks.sprintf(' %.3f|%s', $1, key), prev = key) : 0), \
        (key ne '-' && strstrt(explist, ' '.key.' ') == 0 ? (explist = explist.key.' ', nexp = nexp + 1) : 0)) : 0) nooutput
    if (nexp == 1) {
        prev = '#'; marks = ''
        stats in using (strcol(2) eq 'all' ? (key = strlen(strcol(8)) ? strcol(9).'/'.strcol(10) : '-', \
            (key ne prev ? (marks = marks.sprintf(' %.3f|%s', $1, key), prev = key) : 0)) : 0) nooutput
    }
}
load plotdir.'/common.gp'
set xlabel 'time since the recording started (s)'
set xrange [0:tmax]
set style textbox opaque noborder
do for [i = 1:words(marks)] {
    m = word(marks, i)
    mt = real(m[1:strstrt(m, '|') - 1]); mk = m[strstrt(m, '|') + 1:]
    if (mk ne '-') {
        set arrow from mt, graph 0 to mt, graph 1 nohead dt 3 lc rgb '#888888' back
        set label mk at mt, graph 0.9 rotate by 90 right offset 0.9, 0 font ',10' textcolor rgb '#444444' front boxed
    }
}
if (ncpu <= 8) {
    set title sprintf("Per-core use over time (parmon recording, %d CPUs)\nbusy = user + system + steal; the black line is every core together, in cores", ncpu)
    set ylabel 'busy, % of one core'
    set yrange [0:105]
    set y2label 'cores busy (all CPUs together)'
    set y2range [0:ncpu * 1.05]
    set y2tics 1
    set ytics nomirror
    set key outside right top box opaque
    plot for [c=0:ncpu-1] $bycpu every ::start[c + 1]::(start[c + 2] - 1) using 1:2 \
             with lines lw 1.5 title sprintf('cpu%d', c), \
         $bycpu every ::start[ncpu + 1]::(start[ncpu + 2] - 1) using 1:2 axes x1y2 \
             with lines lw 3 lc rgb '#000000' title 'cores busy'
} else {
    set title sprintf("Per-core use over time (parmon recording, %d CPUs)\ncolour = busy %% of each core", ncpu)
    set ylabel 'CPU'
    set yrange [-0.5:ncpu - 0.5]
    set cbrange [0:100]
    set cblabel 'busy %'
    set palette defined (0 '#ffffff', 0.5 '#56B4E9', 1 '#0072B2')
    set key off
    set grid noxtics noytics
    set style fill solid 1.0 noborder
    plot in using ($1 - dt / 2):(strcol(2) eq 'all' ? NaN : column(2)):(dt / 2):(0.5):3 \
        with boxxyerror fc palette
}
