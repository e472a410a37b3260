# speedup.gp: speedup and efficiency against workers, with the ideal line and the
# Amdahl and USL curves that `parlab run amdahl` fitted to the same timings.
# input: amdahl-summary.csv
# input: amdahl-meta.csv
# Run by plots/render.sh (make plots); by hand:
#   gnuplot -e "in='results/amdahl-summary.csv'; in2='results/amdahl-meta.csv'; \
#               out='speedup.png'; fmt='png'; plotdir='plots'" plots/speedup.gp
load plotdir.'/common.gp'

# --- what the run was: usable CPUs and the CPU, from the meta file ------------------
usable = 0; cpu = ''; host = ''
stats in2 using (strcol(1) eq 'cpus_usable' ? usable = strcol(2) + 0 : 0, \
                 strcol(1) eq 'cpu_model' ? cpu = strcol(2) : 0, \
                 strcol(1) eq 'host' ? host = strcol(2) : 0, 0) nooutput

# --- the serial fractions and variants in this run ----------------------------------
params = ''; all = ''
stats in using (strcol(7) eq 'speedup' ? all = all.' '.strcol(6) : 0, 0) nooutput
do for [i = 1:words(all)] { w = word(all, i); if (strstrt(params, w) == 0) { params = params.' '.w } }
variants = 'pthreads openmp'
maxw = 1
stats in using (strcol(7) eq 'speedup' && $5 > maxw ? maxw = $5 : 0, 0) nooutput

# A number as gnuplot source: "NaN" when the lab fitted nothing (1 usable CPU: no
# speedup to fit), since sprintf('%g') would write "nan", which gnuplot reads as a name.
gp_num(v) = (v == v) ? sprintf('%.6g', v) : 'NaN'
nfit = 0
stats in using (strcol(7) eq 'amdahl_serial_fraction' ? nfit = nfit + 1 : 0, 0) nooutput

# One filtered table per (fraction, variant, metric): gnuplot draws a line only
# through consecutive rows, and the summary interleaves metrics.
fitval(v, p, m) = 0
do for [i = 1:words(params)] {
    do for [j = 1:words(variants)] {
        p = word(params, i); v = word(variants, j)
        do for [m in 'speedup efficiency'] {
            eval sprintf('set table $%s_%d_%d', m, i, j)
            plot in using 5:10:13:14 with table if (strcol(7) eq m && strcol(4) eq v && strcol(6) eq p)
            unset table
        }
        s = NaN; k = NaN; sg = NaN
        stats in using (strcol(4) eq v && strcol(6) eq p && strcol(7) eq 'amdahl_serial_fraction' ? s = $10 : 0, \
                        strcol(4) eq v && strcol(6) eq p && strcol(7) eq 'usl_sigma' ? sg = $10 : 0, \
                        strcol(4) eq v && strcol(6) eq p && strcol(7) eq 'usl_kappa' ? k = $10 : 0, 0) nooutput
        eval sprintf('amd_%d_%d = %s', i, j, gp_num(s))
        eval sprintf('usls_%d_%d = %s; uslk_%d_%d = %s', i, j, gp_num(sg), i, j, gp_num(k))
    }
}
set datafile separator whitespace
set datafile nocolumnheaders

amdahl(x, s) = 1.0 / (s + (1.0 - s) / x)
usl(x, s, k) = x / (1.0 + s * (x - 1.0) + k * x * (x - 1.0))
num(s) = (s eq 'NaN' || s eq 'nan') ? NaN : s + 0
xmax = maxw * 1.05
# Whole workers only: a tick per count up to 16, powers of two beyond.
if (maxw > 16) { set logscale x 2; set xtics 2 } else { set xtics 1; set mxtics 1 }
set xrange [0.9:xmax]
set samples 200

# Shade the oversubscribed region: more workers than usable CPUs.
if (usable > 0 && maxw > usable) {
    set object 1 rect from usable, graph 0 to xmax, graph 1 fc rgb '#f0f0f0' fs solid noborder behind
    set label 1 "more workers\nthan CPUs" at usable, graph 0.96 offset 1,0 left front textcolor rgb '#777777'
}

slide = (fmt eq 'slide')
# On a slide the slide's headline says what the chart shows: one panel (speedup), no
# title line, a short legend inside the plot. Elsewhere: speedup and efficiency side by side.
if (!slide) {
    set multiplot layout 1, 2 title sprintf("Amdahl lab: speedup on %s (%d usable CPU%s) - points: medians with their %d%% intervals; lines: fits", cpu, usable, usable == 1 ? '' : 's', stamp_cov(stamp_reps)) font ',14'
    set size 0.64, 0.93
    set bmargin 9
    set origin 0, 0.03
    set title 'Speedup = T(1 worker) / T(p workers)'
    set key below left box opaque font ',10' maxrows 4 width -2
} else {
    set bmargin 4.5
    set title sprintf('speedup on %d usable CPU%s (medians, %d%% intervals)', usable, usable == 1 ? '' : 's', stamp_cov(stamp_reps))
    set key top right box opaque font ',9' width -3
}

# ---- left: speedup ---------------------------------------------------------------
set xlabel 'workers (p)' offset 0,0.4
set ylabel 'speedup (x)'
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0   # headroom: the ideal's flat part must not sit on the frame
# No speedup can pass the usable CPUs: the ideal is p up to them, then flat, and
# Amdahl's prediction for this machine runs on min(p, CPUs) processors.
ideal(x) = (usable > 0 && x > usable) ? usable : x
plot ideal(x) title (slide ? 'ideal' : 'ideal (speedup = p, up to the usable CPUs)') with lines lc rgb '#999999' dt 2 lw 1, \
     for [i = 1:words(params)] sprintf('$speedup_%d_1', i) using 1:2:3:4 with yerrorlines lt 1 pt (5 + 2 * i) dt 1 \
        title sprintf('%s pthreads', word(params, i)), \
     for [i = 1:words(params)] sprintf('$speedup_%d_2', i) using 1:2:3:4 with yerrorlines lt 2 pt (4 + 2 * i) dt 1 \
        title sprintf('%s openmp', word(params, i)), \
     for [i = 1:(nfit > 0 ? words(params) : 0)] amdahl(ideal(x), value(sprintf('amd_%d_1', i))) with lines lt 3 dt 3 lw 1.5 \
        title (slide ? sprintf('Amdahl fit: s = %.3f', value(sprintf('amd_%d_1', i))) : sprintf('Amdahl fit (%s, pthreads): s = %.3f', word(params, i), value(sprintf('amd_%d_1', i)))), \
     for [i = 1:(nfit > 0 ? words(params) : 0)] usl(x, value(sprintf('usls_%d_1', i)), value(sprintf('uslk_%d_1', i))) with lines lt 4 dt 2 lw 1 \
        title (slide ? 'USL fit' : sprintf('USL fit (%s, pthreads): {/Symbol s} = %.3f, {/Symbol k} = %.3f', word(params, i), value(sprintf('usls_%d_1', i)), value(sprintf('uslk_%d_1', i))))
if (slide) { exit }

# ---- right: efficiency -------------------------------------------------------------
set size 0.36, 0.93
set origin 0.64, 0.03
set title 'Efficiency = speedup / p'
set ylabel 'efficiency (1 = every worker fully useful)'
set yrange [0:1.15]
set key below left box opaque font ',10' maxrows 4
plot 1 title 'ideal' with lines lc rgb '#999999' dt 2 lw 1, \
     for [i = 1:words(params)] sprintf('$efficiency_%d_1', i) using 1:2:3:4 with yerrorlines lt 1 pt (5 + 2 * i) dt 1 \
        title sprintf('%s pthreads', word(params, i)), \
     for [i = 1:words(params)] sprintf('$efficiency_%d_2', i) using 1:2:3:4 with yerrorlines lt 2 pt (4 + 2 * i) dt 1 \
        title sprintf('%s openmp', word(params, i))
unset multiplot
