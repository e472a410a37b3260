# amdahl-stream.gp: memory bandwidth, the other common reason code stops scaling. Left:
# the STREAM triad's GB/s against threads. Right: its speedup beside a CPU-only control
# measured in the same repetitions: where the triad falls behind, memory is the limit.
# input: amdahl-summary.csv
# input: amdahl-meta.csv
load plotdir.'/common.gp'

usable = 0; cpu = ''
stats in2 using (strcol(1) eq 'cpus_usable' ? usable = strcol(2) + 0 : 0, \
                 strcol(1) eq 'cpu_model' ? cpu = strcol(2) : 0, 0) nooutput
have = 0; maxw = 1
stats in using (strcol('experiment') eq 'stream' && strcol('metric') eq 'bandwidth_gbs' ? have = have + 1 : 0, \
                strcol('experiment') eq 'stream' && strcol('metric') eq 'speedup' && column('workers') > maxw ? maxw = column('workers') : 0, 0) nooutput
do for [v in 'triad compute'] {
    eval sprintf('set table $sp_%s', v)
    plot in using 'workers':'median':'ci_lo':'ci_hi' with table \
        if (strcol('experiment') eq 'stream' && strcol('variant') eq v && strcol('metric') eq 'speedup')
    unset table
}
set table $gbs
plot in using 'workers':'median':'ci_lo':'ci_hi' with table \
    if (strcol('experiment') eq 'stream' && strcol('variant') eq 'triad' && strcol('metric') eq 'bandwidth_gbs')
unset table
set datafile separator whitespace
set datafile nocolumnheaders

# On a slide (its headline says what the chart shows): the speedup panel alone, which
# is the point; elsewhere bandwidth and speedup side by side under one title.
slide = (fmt eq 'slide')
set xrange [0.5:maxw + 0.5]
set xtics 1
set xlabel 'threads'
if (!slide) {
    set multiplot layout 1, 2 title sprintf("Memory bandwidth on %s (%d usable CPU%s): the STREAM triad a[i] = b[i] + 3 c[i] over arrays far larger than the caches", \
        cpu, usable, usable == 1 ? '' : 's') font ',14'
    set key top left box opaque font ',11'
    set size 0.5, 0.93
    set origin 0, 0.03
    set title 'Bandwidth: more threads, how many more GB/s?'
    set ylabel 'GB/s (24 bytes an element, as STREAM counts)'
    set yrange [0:*]
    set offsets 0, 0, graph 0.15, 0
    set style fill solid 0.6 border -1
    set boxwidth 0.5
    if (have == 0) {
        set label 2 'no stream results: parlab run amdahl --experiment stream' at graph 0.5, graph 0.5 center
        plot NaN notitle
        unset label 2
    } else {
        plot $gbs using 1:2 with boxes lt 1 title 'triad GB/s (median)', \
             $gbs using 1:2:3:4 with yerrorbars lt 7 pt 0 title 'its interval'
    }
    set size 0.5, 0.93
    set origin 0.5, 0.03
} else {
    set bmargin 4.5
    set key top left box opaque font ',9'
    set yrange [0:*]
    set offsets 0, 0, graph 0.15, 0
}

set title 'Speedup: the triad against the same threads doing CPU work'
set ylabel 'speedup (x), against 1 thread, paired'
ideal(x) = (usable > 0 && x > usable) ? usable : x
plot ideal(x) title 'ideal (threads, up to the usable CPUs)' with lines lc rgb '#999999' dt 2 lw 1, \
     $sp_compute using 1:2:3:4 with yerrorlines lt 2 pt 5 title 'compute (no memory traffic)', \
     $sp_triad using 1:2:3:4 with yerrorlines lt 1 pt 7 title 'triad (memory-bound)'
if (!slide) { unset multiplot }
