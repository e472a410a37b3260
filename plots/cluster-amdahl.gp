# cluster-amdahl.gp: the amdahl lab's job over MPI ranks (parlab run cluster: amdahl):
# speedup against ranks for the spin form (CPU work: it stops at the usable CPUs, the
# shaded part has more ranks than CPUs), the same job on threads, and the sleep form
# (waits: 8 ranks on 2 CPUs as on 8, up to Amdahl's ceiling). Points: medians with their
# intervals; thin lines: the Amdahl fit of each; dashed: Amdahl's law for the serial
# fraction built in (on min(p, CPUs) for CPU work).
# input: cluster-summary.csv
# input: cluster-meta.csv
# slide panels: a b
# (render.sh --slide also draws each form alone, full size: cluster-amdahl-a.png, CPU work
# on ranks and threads, and cluster-amdahl-b.png, waits)
load plotdir.'/common.gp'
usable = 0; cpu = ''
stats in2 using (strcol(1) eq 'cpus_usable' ? usable = strcol(2) + 0 : 0, \
                 strcol(1) eq 'cpu_model' ? cpu = strcol(2) : 0, 0) nooutput
names = 'mpi-spin threads-spin mpi-sleep'
titles = "'MPI ranks, CPU work (spin)' 'threads, the same CPU work' 'MPI ranks, waits (sleep)'"
is_row(v) = strcol('experiment') eq 'amdahl' && strcol('variant') eq v && strcol('metric') eq 'speedup'
s = NaN; maxw = 1; n = 0; level = 1
stats in using (strcol('experiment') eq 'amdahl' && strstrt(strcol('param'), 'serial=') == 1 ? \
                s = strcol('param')[8:] + 0 : 0, 0) nooutput
gp_num(v) = (v == v) ? sprintf('%.6g', v) : 'NaN'
do for [i = 1:words(names)] {
    c = 0; f = NaN
    stats in using (is_row(word(names, i)) ? (c = c + 1, maxw = column('workers') > maxw ? column('workers') : maxw, \
                    level = column('ci_level') > 0 && column('ci_level') < level ? column('ci_level') : level) : 0, \
                    strcol('experiment') eq 'amdahl' && strcol('variant') eq word(names, i) && \
                    strcol('metric') eq 'amdahl_serial_fraction' ? f = column('median') : 0, 0) nooutput
    n = n + c
    eval sprintf('cnt%d = %d; fit%d = %s', i, c, i, gp_num(f))
    if (c == 0) { eval sprintf('set print $t%d', i); print 'NaN,NaN,NaN,NaN'; unset print; continue }
    eval sprintf('set table $t%d separator comma', i)
    plot in using (column('workers')):(column('median')):(column('ci_lo')):(column('ci_hi')) with table if (is_row(word(names, i)))
    unset table
}
set datafile nocolumnheaders
if (n == 0) {
    set label 1 'no amdahl rows in this run: parlab run cluster --experiment amdahl' at graph 0.5, graph 0.5 center
    unset xtics; unset ytics; unset border; unset key
    set xrange [0:1]; set yrange [0:1]
    plot NaN notitle
    exit
}
amdahl(x, f) = 1.0 / (f + (1.0 - f) / x)
cpus(x) = usable > 0 && x > usable ? usable : x
xmax = maxw + 0.5
set xrange [0.7:xmax]
set xtics 1
set yrange [0:*]
set offsets 0, 0, graph 0.12, 0
set samples 400
set grid xtics ytics
set bmargin 5
slide = fmt eq 'slide'
if (!slide) {
    if (usable > 0 && maxw > usable) {
        set object 1 rect from usable + 0.5, graph 0 to xmax, graph 1 fc rgb '#f0f0f0' fs solid noborder behind
        set label 1 "more ranks than CPUs:\nCPU work cannot speed up here" at usable + 0.6, graph 0.95 left front textcolor rgb '#777777'
    }
    ivl = level < 1 ? sprintf('intervals: %.0f%% coverage', 100 * level) : 'too few repetitions for intervals'
    set title sprintf("The amdahl job over MPI ranks (serial fraction %.2f): speedup by ranks, %d usable CPU%s\n(points: medians; bars: %s)", s, usable, usable == 1 ? "" : "s", ivl) noenhanced
    set xlabel 'ranks (threads for the threads variant)'
    set ylabel 'speedup = T(1) / T(p), paired by repetition'
    # beside the plot: inside, nine entries would hide points somewhere on some machine
    set key outside right top box opaque font ',10' noenhanced
    from1(x, y) = x >= 1 ? y : NaN
    plot from1(x, cpus(x)) with lines lc rgb '#bbbbbb' lw 1 title 'ideal for CPU work: p, up to the CPUs', \
         from1(x, amdahl(x, s)) with lines dt 2 lc rgb '#444444' lw 1.5 title sprintf("Amdahl's law, s = %.2f (waits: any p)", s), \
         from1(x, amdahl(cpus(x), s)) with lines dt 3 lc rgb '#888888' lw 1.5 title "Amdahl on min(p, CPUs) (CPU work)", \
         for [i = 1:words(names)] sprintf('$t%d', i) using 1:2:3:4 with yerrorbars lt i ps 1.6 lw 1.5 \
            title (value(sprintf('cnt%d', i)) > 0 ? word(titles, i) : '') noenhanced, \
         for [i = 1:words(names)] (x >= 1 && value(sprintf('fit%d', i)) == value(sprintf('fit%d', i)) && value(sprintf('cnt%d', i)) > 0 ? \
            amdahl(i == 3 ? x : cpus(x), value(sprintf('fit%d', i))) : NaN) with lines lt i lw 1 \
            title (value(sprintf('cnt%d', i)) > 0 && value(sprintf('fit%d', i)) == value(sprintf('fit%d', i)) ? \
                   sprintf('%s fitted: s = %.3f', word(names, i), value(sprintf('fit%d', i))) : '') noenhanced
} else {
    # A slide: big text on a small canvas, so shorter words, the machine in the title and
    # the key below the plot, off the data (the shaded part is a key entry, not a label).
    # One form alone (panel = 'a': CPU work, spin, on ranks and threads; 'b': waits,
    # sleep; from render.sh --slide), or all of it.
    ilo = sp eq 'b' ? 3 : 1
    ihi = sp eq 'a' ? 2 : words(names)
    cpuw = sp ne 'b'   # the CPU-work references: ideal up to the CPUs, Amdahl on min(p, CPUs)
    waitw = sp ne 'a'  # Amdahl's law on any p, what waits follow
    shaded = usable > 0 && maxw > usable
    shade = '#e6e6e6'  # a little darker than on paper: a projector washes out light greys
    if (shaded) { set object 1 rect from usable + 0.5, graph 0 to xmax, graph 1 fc rgb shade fs solid noborder behind }
    mach = cpu.(strlen(cpu) > 0 && usable > 0 ? ', ' : '').(usable > 0 ? sprintf('%d usable CPU%s', usable, usable == 1 ? '' : 's') : '')
    bars = level < 1 ? sprintf('bars: %.0f%% intervals', 100 * level) : 'too few repetitions for intervals'
    ttl = sp eq 'a' ? with_mach(sprintf("(a) Ranks doing CPU work (spin), and threads: speedup by ranks\nserial fraction %.2f; %s", s, bars)) : \
          sp eq 'b' ? with_mach(sprintf("(b) Ranks that wait for their work (sleep): speedup by ranks\nserial fraction %.2f; %s", s, bars)) : \
                      with_mach(sprintf("The amdahl job over MPI ranks, serial fraction %.2f: speedup by ranks\n%s", s, bars))
    set multiplot title ttl font ',12' noenhanced
    set xlabel (sp eq 'b' ? 'ranks' : 'ranks (threads for the threads line)')
    set ylabel 'speedup = T(1) / T(p)'
    if (maxw > 16) { set xtics auto }
    snames = 'spin threads sleep'
    stitles = "'MPI ranks, CPU work (spin)' 'threads, the same work' 'MPI ranks, waits (sleep)'"
    # the key: two columns below the plot
    nkey = (cpuw ? 2 : 0) + (waitw ? 1 : 0) + (shaded ? 1 : 0)
    do for [i = ilo:ihi] { nkey = nkey + (value(sprintf('cnt%d', i)) > 0 ? 1 : 0) + \
        (value(sprintf('cnt%d', i)) > 0 && value(sprintf('fit%d', i)) == value(sprintf('fit%d', i)) ? 1 : 0) }
    krows = (nkey + 1) / 2
    kh = 0.017 + 0.036 * krows   # its height (screen)
    set tmargin at screen (strstrt(lastline(ttl), "\n") > 0 ? 0.8 : 0.85)
    set bmargin at screen (0.045 + kh + 0.15)
    set lmargin 9
    set rmargin 3
    set key at screen 0.5, screen (0.045 + kh / 2) center center vertical maxrows krows box opaque font ',11' noenhanced \
        samplen 2 width -2
    from1(x, y) = x >= 1 ? y : NaN
    ok(i) = value(sprintf('cnt%d', i)) > 0
    fitted(i) = ok(i) && value(sprintf('fit%d', i)) == value(sprintf('fit%d', i))
    plot (cpuw ? from1(x, cpus(x)) : NaN) with lines lc rgb '#aaaaaa' lw 1.5 title (cpuw ? 'ideal: p, up to the CPUs' : ''), \
         (waitw ? from1(x, amdahl(x, s)) : NaN) with lines dt 2 lc rgb '#444444' lw 1.5 title (waitw ? sprintf("Amdahl's law, s = %.2f", s) : ''), \
         (cpuw ? from1(x, amdahl(cpus(x), s)) : NaN) with lines dt 3 lc rgb '#777777' lw 1.5 title (cpuw ? 'Amdahl on min(p, CPUs)' : ''), \
         for [i = ilo:ihi] sprintf('$t%d', i) using 1:2:3:4 with yerrorbars lt i ps 1.6 lw 1.5 \
            title (ok(i) ? word(stitles, i) : ''), \
         for [i = ilo:ihi] (x >= 1 && fitted(i) ? amdahl(i == 3 ? x : cpus(x), value(sprintf('fit%d', i))) : NaN) with lines lt i lw 1.5 \
            title (fitted(i) ? sprintf('fit to %s: s = %.3f', word(snames, i), value(sprintf('fit%d', i))) : ''), \
         NaN with boxes fs solid noborder fc rgb shade title (shaded ? 'shaded: more ranks than CPUs' : '')
    unset multiplot
}
