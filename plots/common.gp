# common.gp: terminal, fonts and style shared by every chart.
# Called with fmt = png | svg | dumb and out = the file to write.
set datafile separator ","
set datafile columnheaders
set datafile missing ""
if (fmt eq 'png') {
    set terminal pngcairo size 1400,900 enhanced font 'Sans,13' linewidth 2
    set output out
} else {
    if (fmt eq 'svg') {
        set terminal svg size 1400,900 enhanced font 'Sans,13' linewidth 2 background rgb 'white'
        set output out
    } else {
        if (fmt eq 'slide') {
            # A slide (slides/build.sh): drawn at the size it is shown, 1280x720 unless
            # slide_w and slide_h say otherwise; every font scaled so that the smallest
            # text a chart sets (',10') is 20 px: readable from the back of a room.
            if (!exists('slide_w')) { slide_w = 1280 }
            if (!exists('slide_h')) { slide_h = 720 }
            if (!exists('slide_fontscale')) { slide_fontscale = 1.55 }
            set terminal pngcairo size slide_w,slide_h enhanced font 'Sans,13' fontscale slide_fontscale linewidth 3
            set output out
        } else {
            set terminal dumb size 110,34 ansi
        }
    }
}
set grid lc rgb '#dddddd'
set key top left box opaque
# A palette that stays distinct for colour-blind readers (Okabe-Ito).
set linetype 1 lc rgb '#0072B2' pt 7 ps 1.3
set linetype 2 lc rgb '#D55E00' pt 5 ps 1.3
set linetype 3 lc rgb '#009E73' pt 9 ps 1.3
set linetype 4 lc rgb '#CC79A7' pt 11 ps 1.3
set linetype 5 lc rgb '#E69F00' pt 13 ps 1.3
set linetype 6 lc rgb '#56B4E9' pt 15 ps 1.3
set linetype 7 lc rgb '#000000' pt 1 ps 1.3

# ---- the stamp: what these numbers are ---------------------------------------------------
# Every chart says where its numbers come from: quick or full mode, repetitions a point,
# the coverage of the intervals drawn, the machine. Read from the run's meta file, the
# one beside the summary the chart draws (LAB-summary.csv -> LAB-meta.csv).
stamp_meta = ''
if (exists('in') && strstrt(in, '-summary.csv') > 0) { stamp_meta = in[1:strstrt(in, '-summary.csv') - 1].'-meta.csv' }
if (exists('in') && strstrt(in, '-timeline.csv') > 0) { stamp_meta = in[1:strstrt(in, '-timeline.csv') - 1].'-meta.csv' }
stamp_quick = -1; stamp_reps = 0; stamp_cpu = ''; stamp_usable = 0
if (strlen(stamp_meta) > 0 && strlen(system('test -f "'.stamp_meta.'" && echo y')) > 0) {
    stats stamp_meta using (strcol(1) eq 'quick' ? stamp_quick = strcol(2) + 0 : 0, \
                            strcol(1) eq 'reps' ? stamp_reps = strcol(2) + 0 : 0, \
                            strcol(1) eq 'cpu_model' ? stamp_cpu = strcol(2) : 0, \
                            strcol(1) eq 'cpus_usable' ? stamp_usable = strcol(2) + 0 : 0, 0) nooutput
}
# [min, max] of n samples covers the median 1 - 2 * 0.5^n of the time; from n = 6 the
# narrowest pair reaching 95% covers a little more: the summary's ci_level says how much.
stamp_lvl = -1
if (exists('in') && strstrt(in, '-summary.csv') > 0 && stamp_reps > 0) {
    stats in using (column('n') == stamp_reps && column('ci_level') > stamp_lvl ? stamp_lvl = column('ci_level') : 0, 0) nooutput
}
stamp_cov(n) = (n == stamp_reps && stamp_lvl > 0) ? floor(100 * stamp_lvl + 0.5) : n > 0 && n < 6 ? floor(100 * (1 - 2 * 0.5 ** n) + 0.5) : 95
stamp_text = stamp_quick < 0 ? '' : sprintf('%s mode, %d rep%s a point, %d%% intervals%s%s', \
    stamp_quick ? 'quick' : 'full', stamp_reps, stamp_reps == 1 ? '' : 's', stamp_cov(stamp_reps), \
    strlen(stamp_cpu) ? ' | ' : '', strlen(stamp_cpu) ? sprintf('%s, %d usable CPU%s', stamp_cpu, stamp_usable, stamp_usable == 1 ? '' : 's') : '')
# Bottom left, small: a chart keeps the bottom 3% of its canvas clear for it.
if (strlen(stamp_text) > 0) {
    set label 999 stamp_text at screen 0.005, screen 0.012 left font ',10' textcolor rgb '#666666' front
}

# ---- slides: one panel alone, and titles that name the machine ---------------------------
# render.sh --slide sets `panel` ('a', 'b', ...) for a chart whose script names its panels
# in a "# slide panels: a b" line; show(p) is true for the panel to draw (all of them when
# none is named).
sp = exists('panel') ? panel : ''
show(p) = (sp eq '' || sp eq p)
# the machine as the stamp names it ("AMD EPYC, 2 usable CPUs"); a title's last line; and
# a title with the machine added, on its last line when it fits (76 characters), else on
# a line of its own
mach = stamp_cpu.(strlen(stamp_cpu) > 0 && stamp_usable > 0 ? ', ' : '').(stamp_usable > 0 ? \
       sprintf('%d usable CPU%s', stamp_usable, stamp_usable == 1 ? '' : 's') : '')
lastline(l) = strstrt(l, "\n") > 0 ? l[strstrt(l, "\n") + 1:] : l
with_mach(l) = strlen(mach) == 0 ? l : strlen(lastline(l)) + strlen(mach) > 76 ? l."\n".mach : l.' on '.mach
# strings: del(s, t) removes every t from s, cut(s, t) keeps what comes before t
del(s, t) = (k = strstrt(s, t), k > 0 ? del(s[1:k - 1].s[k + strlen(t):], t) : s)
cut(s, t) = (k = strstrt(s, t), k > 1 ? s[1:k - 1] : s)
# a machine's name, short enough for a slide's title: no (R), (TM), "CPU", "@ 2.90GHz"
# ('@' is also enhanced text's phantom box), "with Radeon Graphics", "Processor"; at most
# 28 characters
short_cpu(c) = (cl = cut(cut(del(del(del(del(del(c, '(R)'), '(TM)'), '(tm)'), ' CPU'), ' Processor'), ' @'), ' with '), \
                strlen(cl) > 28 ? cl[1:27].'.' : cl)
# a title's font: a little smaller when its longest line is long (a long machine name)
ml(t) = (j = strstrt(t, "\n"), j > 0 ? (j - 1 > strlen(t) - j ? j - 1 : strlen(t) - j) : strlen(t))
tf(t) = ml(t) > 82 ? ',11' : ',12'

# ---- src: the input, safe to read `flags` from ---------------------------------------------
# gnuplot 5.4 reads an empty LAST field (flags, on most rows of a summary) as whatever a
# longer line before it left in its buffer ("9", "0.018", even "busy"): a point not
# flagged could look flagged. A chart that reads flags reads `src`: the same file with a
# '-' written into empty flags as it is read (a path holding a ' is read as is).
if (exists('in')) { src = strstrt(in, "'") == 0 ? sprintf("< sed 's/,$/,-/' '%s'", in) : in }
