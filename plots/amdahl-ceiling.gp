# amdahl-ceiling.gp: Amdahl's ceiling, seen on any machine. Left: the sleep experiment
# (workers that wait need no CPU, so 1 to 64 of them run anywhere), its Amdahl fit drawn
# out to 1,024 workers and the ceiling 1/s. Right: Gustafson's weak scaling beside it.
# input: amdahl-summary.csv
# input: amdahl-meta.csv
load plotdir.'/common.gp'

usable = 0; cpu = ''
stats in2 using (strcol(1) eq 'cpus_usable' ? usable = strcol(2) + 0 : 0, \
                 strcol(1) eq 'cpu_model' ? cpu = strcol(2) : 0, 0) nooutput

# The serial fractions of each experiment (param "serial=F"), and their fits.
sparams = ''; gparams = ''
stats in using (strcol('experiment') eq 'sleep' && strcol('metric') eq 'speedup' && strstrt(sparams, strcol('param')) == 0 ? \
                sparams = sparams.' '.strcol('param') : 0, \
                strcol('experiment') eq 'gustafson' && strcol('metric') eq 'scaled_speedup' && strstrt(gparams, strcol('param')) == 0 ? \
                gparams = gparams.' '.strcol('param') : 0, 0) nooutput
gp_num(v) = (v == v) ? sprintf('%.6g', v) : 'NaN'
smax = 1; gmax = 1
do for [i = 1:words(sparams)] {
    p = word(sparams, i)
    eval sprintf('set table $sleep_%d', i)
    plot in using 'workers':'median':'ci_lo':'ci_hi' with table \
        if (strcol('experiment') eq 'sleep' && strcol('metric') eq 'speedup' && strcol('param') eq p)
    unset table
    s = NaN
    stats in using (strcol('experiment') eq 'sleep' && strcol('param') eq p && strcol('metric') eq 'amdahl_serial_fraction' ? s = column('median') : 0, \
                    strcol('experiment') eq 'sleep' && strcol('metric') eq 'speedup' && column('workers') > smax ? smax = column('workers') : 0, 0) nooutput
    eval sprintf('sfit_%d = %s', i, gp_num(s))
    eval sprintf('sconf_%d = %s', i, p[8:])
}
do for [i = 1:words(gparams)] {
    p = word(gparams, i)
    eval sprintf('set table $gus_%d', i)
    plot in using 'workers':'median':'ci_lo':'ci_hi' with table \
        if (strcol('experiment') eq 'gustafson' && strcol('metric') eq 'scaled_speedup' && strcol('param') eq p)
    unset table
    stats in using (strcol('experiment') eq 'gustafson' && strcol('metric') eq 'scaled_speedup' && column('workers') > gmax ? gmax = column('workers') : 0, 0) nooutput
    eval sprintf('gconf_%d = %s', i, p[8:])
}
set datafile separator whitespace
set datafile nocolumnheaders

amdahl(x, s) = 1.0 / (s + (1.0 - s) / x)
gustafson(x, s) = x - s * (x - 1)
set samples 400

# On a slide (its headline says what the chart shows): the left panel alone, the
# legend inside; elsewhere both panels under one title.
slide = (fmt eq 'slide')
if (!slide) {
    set multiplot layout 1, 2 title sprintf("Amdahl's ceiling on %s (%d usable CPU%s): workers that wait need no CPU, so the curve runs past the CPUs", \
        cpu, usable, usable == 1 ? '' : 's') font ',14'
    set size 0.55, 0.93
    set origin 0, 0.03
    set bmargin 8
    set key below left box opaque font ',10' maxrows 4 width -3
} else {
    set bmargin 4.5
    set key bottom right box opaque font ',9' width -2
}

# ---- left: Amdahl, fixed work, out to 1,024 workers ----------------------------------
set title 'Fixed work (sleep): speedup bends to the ceiling 1/s'
set logscale x 2
set xrange [1:1024]
set xtics 2 format '%g'
set xlabel 'workers (log scale)'
set ylabel 'speedup (x)'
ymax = 1
do for [i = 1:words(sparams)] { s = value(sprintf('sfit_%d', i)); if (s == s && s > 0 && 1 / s > ymax) { ymax = 1 / s } }
set yrange [0:ymax * 1.25 + 0.5]
if (usable > 0 && words(sparams) > 0) {
    set object 1 rect from usable, graph 0 to 1024, graph 1 fc rgb '#f4f4f4' fs solid noborder behind
    set label 1 "more workers than CPUs:\nfine for workers that wait" at usable * 1.1, graph 0.97 left front textcolor rgb '#777777' font ',10'
}
# the ceiling of each fit, labelled at the right
do for [i = 1:words(sparams)] {
    s = value(sprintf('sfit_%d', i))
    if (s == s && s > 0) {
        eval sprintf("set arrow %d from 1, %g to 1024, %g nohead lt %d dt 4 lw 1.5", 10 + i, 1 / s, 1 / s, i)
        eval sprintf("set label %d 'ceiling 1/s = %.1fx' at 700, %g right offset 0, 0.8 textcolor lt %d font ',11'", 10 + i, 1 / s, 1 / s, i)
    }
}
if (words(sparams) == 0) {
    set label 2 'no sleep results: parlab run amdahl --experiment sleep' at graph 0.5, graph 0.5 center
    plot NaN notitle
} else {
    plot (x <= 64 ? x : NaN) title 'ideal (p: no serial part)' with lines lc rgb '#bbbbbb' dt 2 lw 1, \
         for [i = 1:words(sparams)] sprintf('$sleep_%d', i) using 1:2:3:4 with yerrorlines lt i pt 7 \
            title sprintf('measured, s = %.2f', value(sprintf('sconf_%d', i))), \
         for [i = 1:words(sparams)] (value(sprintf('sfit_%d', i)) == value(sprintf('sfit_%d', i)) ? amdahl(x, value(sprintf('sfit_%d', i))) : NaN) \
            with lines lt i dt 2 lw 1.5 title sprintf('Amdahl fit: s = %.3f', value(sprintf('sfit_%d', i)))
}
if (slide) { exit }
unset object 1
unset label 1
unset label 2
do for [i = 1:words(sparams)] { eval sprintf('unset arrow %d; unset label %d', 10 + i, 10 + i) }

# ---- right: Gustafson, work grows with the workers -------------------------------------
set size 0.45, 0.93
set origin 0.55, 0.03
set title 'Growing work (Gustafson): scaled speedup p - s(p-1)'
unset logscale x
set xtics autofreq format '%g'
gx = gmax > 1 ? gmax * 1.05 : 2
set xrange [0:gx]
set xlabel 'workers'
set ylabel 'scaled speedup (x)'
set yrange [0:*]
set key below left box opaque font ',10' maxrows 4
if (words(gparams) == 0) {
    set label 2 'no gustafson results' at graph 0.5, graph 0.5 center
    plot NaN notitle
} else {
    plot x title 'ideal (p)' with lines lc rgb '#999999' dt 2 lw 1, \
         for [i = 1:words(gparams)] sprintf('$gus_%d', i) using 1:2:3:4 with yerrorlines lt i pt 5 \
            title sprintf('measured, s = %.2f', value(sprintf('gconf_%d', i))), \
         for [i = 1:words(gparams)] gustafson(x, value(sprintf('gconf_%d', i))) with lines lt i dt 2 lw 1.5 \
            title sprintf('Gustafson: p - %.2f (p - 1)', value(sprintf('gconf_%d', i))), \
         for [i = 1:words(gparams)] amdahl(x, value(sprintf('gconf_%d', i))) with lines lt i dt 3 lw 1 \
            title sprintf('Amdahl (fixed work), s = %.2f', value(sprintf('gconf_%d', i)))
}
unset multiplot
