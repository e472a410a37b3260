# cluster-bandwidth.gp: how fast big messages go between two MPI ranks, by size and by
# where the ranks run (parlab run cluster: pingpong), log-log. A window of non-blocking
# sends in flight, then an acknowledgement (osu_bw's method): megabytes a second (1 MB =
# 10^6 bytes). The cap of the capped links is drawn as a line: 1 Gbit/s is 125 MB/s.
# input: cluster-summary.csv
load plotdir.'/common.gp'
metric = 'bandwidth_mb_s'
bytes(p) = strstrt(p, 'bytes=') != 1 ? NaN : strstrt(p, ';') > 0 ? p[7:strstrt(p, ';') - 1] + 0 : p[7:] + 0
names = 'shm tcp netns netns-capped hostfile'
titles = "'one host, shared memory (vader)' 'one host, TCP on loopback' 'two hosts on this machine (veth pair)' 'the same hosts, links capped (tbf)' 'a real cluster (hostfile, ssh)'"
is_row(v) = strcol('experiment') eq 'pingpong' && strcol('variant') eq v && strcol('metric') eq metric
n = 0; level = 1; ylo = 1e300; yhi = 0; cap = 0
stats in using (is_row('netns-capped') && strstrt(strcol('param'), 'cap_mbit=') > 0 ? \
                cap = strcol('param')[strstrt(strcol('param'), 'cap_mbit=') + 9:] + 0 : 0, 0) nooutput
do for [i = 1:words(names)] {
    c = 0
    stats in using (is_row(word(names, i)) ? (c = c + 1, level = column('ci_level') < level && column('ci_level') > 0 ? column('ci_level') : level, \
                    ylo = column('median') > 0 && column('median') < ylo ? column('median') : ylo, \
                    ylo = column('ci_lo') > 0 && column('ci_lo') < ylo ? column('ci_lo') : ylo, \
                    yhi = column('ci_hi') > yhi ? column('ci_hi') : yhi, \
                    yhi = column('median') > yhi ? column('median') : yhi) : 0, 0) nooutput
    n = n + c
    eval sprintf('cnt%d = %d', i, c)
    if (c == 0) { eval sprintf('set print $t%d', i); print 'NaN,NaN,NaN,NaN'; unset print; continue }
    eval sprintf('set table $t%d separator comma', i)
    plot in using (bytes(strcol('param'))):(column('median')):(column('ci_lo')):(column('ci_hi')) with table if (is_row(word(names, i)))
    unset table
}
set datafile nocolumnheaders
if (n == 0) {
    set label 1 'no bandwidth rows in this run: parlab run cluster --experiment pingpong' at graph 0.5, graph 0.5 center
    unset xtics; unset ytics; unset border; unset key
    set xrange [0:1]; set yrange [0:1]
    plot NaN notitle
    exit
}
# the cap, when a run had one: a line in the key (a label there would sit on the points)
capline(x) = cap > 0 ? cap / 8 : NaN
slide = fmt eq 'slide'
if (!slide) {
    set title "Bandwidth between two MPI ranks, by message size and by where the ranks run (parlab run cluster)" noenhanced
    set xlabel 'message size (bytes, log scale)'
    set ylabel 'megabytes a second (log scale)'
    set logscale xy 10
    set format x '%.0s %cB'
    set format y '%g'
    set grid xtics ytics mytics
    set xrange [2000:8e6]
    set bmargin 5
    # room above the highest bar for the key (log scale: 1.5 decades)
    if (yhi > 0 && ylo < 1e300) { set yrange [ylo / 2 : yhi * 30] }
    set key top left box opaque title (level < 1 ? sprintf('where the two ranks run (bars: intervals of the median, %.0f%% coverage)', 100 * level) : 'where the two ranks run (too few repetitions for intervals)') noenhanced font ',11'
    plot for [i = 1:words(names)] sprintf('$t%d', i) using 1:2:3:4 with yerrorlines lt i lw 1.5 \
            title (value(sprintf('cnt%d', i)) > 0 ? word(titles, i) : '') noenhanced, \
         capline(x) with lines dt 2 lw 1.5 lc rgb '#555555' \
            title (cap > 0 ? sprintf('the cap: %g Mbit/s = %g MB/s', cap, cap / 8) : '') noenhanced
} else {
    # A slide: big text on a small canvas, so shorter words, the machine in the title and
    # the key (the cap's line in it) below the plot, off the data.
    nsh = ''; hfh = ''
    if (strlen(stamp_meta) > 0 && strlen(system('test -f "'.stamp_meta.'" && echo y')) > 0) {
        stats stamp_meta using (strcol(1) eq 'hosts_pingpong_netns' ? nsh = strcol(2) : 0, \
                                strcol(1) eq 'hosts_pingpong_hostfile' ? hfh = strcol(2) : 0, 0) nooutput
    }
    pair(h) = words(h) >= 2 ? ': '.word(h, 1).' and '.word(h, 2) : ''
    stitles = sprintf("'shared memory (vader), one host' 'TCP on loopback, one host' '%s' '%s' '%s'", \
        words(nsh) >= 2 ? 'two namespace hosts'.pair(nsh) : 'two hosts on this machine (veth)', \
        cap > 0 ? sprintf('the same, links capped at %g Mbit/s', cap) : 'the same hosts, links capped', \
        words(hfh) >= 2 ? 'a real cluster'.pair(hfh) : 'a real cluster (hostfile)')
    bars = level < 1 ? sprintf('bars: %.0f%% intervals', 100 * level) : 'too few repetitions for intervals'
    ttl = with_mach(sprintf("Bandwidth between two MPI ranks, by message size and where they run\nMB/s (1 MB = 10^6 bytes), log-log; %s", bars))
    set multiplot title ttl font ',12' noenhanced
    set xlabel 'message size (bytes, log scale)'
    set ylabel 'MB/s (log scale)'
    set logscale xy 10
    set format x '%.0s %cB'
    set format y '%g'
    set grid xtics ytics mytics
    set xrange [2000:8e6]
    # the y range: the points and the cap (the key is below the plot: no room needed for it)
    if (cap > 0 && cap / 8 < ylo) { ylo = cap / 8 }
    if (yhi > 0 && ylo < 1e300) { set yrange [ylo / 2 : yhi * 2] }
    nkey = (cap > 0 ? 1 : 0)
    do for [i = 1:words(names)] { nkey = nkey + (value(sprintf('cnt%d', i)) > 0 ? 1 : 0) }
    krows = (nkey + 1) / 2
    kh = 0.02 + 0.042 * krows    # its height (screen)
    set tmargin at screen (strstrt(lastline(ttl), "\n") > 0 ? 0.8 : 0.85)
    set bmargin at screen (0.045 + kh + 0.15)
    set lmargin 10
    set rmargin 4
    set key at screen 0.5, screen (0.045 + kh / 2) center center vertical maxrows krows box opaque font ',11' noenhanced \
        samplen 2 width -2
    plot for [i = 1:words(names)] sprintf('$t%d', i) using 1:2:3:4 with yerrorlines lt i lw 1.5 \
            title (value(sprintf('cnt%d', i)) > 0 ? word(stitles, i) : ''), \
         capline(x) with lines dt 2 lw 1.5 lc rgb '#555555' \
            title (cap > 0 ? sprintf('the cap: %g Mbit/s = %g MB/s', cap, cap / 8) : '')
    unset multiplot
}
