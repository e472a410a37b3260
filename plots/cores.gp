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

load plotdir.'/common.gp'
set xlabel 'time since the recording started (s)'
set xrange [0:tmax]
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
