# cluster-latency.gp: how long one message takes between two MPI ranks, by size and by
# where the ranks run (parlab run cluster: pingpong), log-log. Half a blocking ping-pong's
# round trip (the OSU method), 1 B to 4 MiB: shared memory, TCP on loopback, two hosts on
# this machine joined by a veth pair, the same hosts with a 1 Gbit/s cap, and mpi4py over
# shared memory with buffers and with pickled objects. Points: medians, bars: intervals.
# input: cluster-summary.csv
# slide panels: a b
# (render.sh --slide also draws two views alone, full size: cluster-latency-a.png, C by
# where the ranks run, and cluster-latency-b.png, mpi4py against C over shared memory)
load plotdir.'/common.gp'
metric = 'latency_us'
bytes(p) = strstrt(p, 'bytes=') != 1 ? NaN : strstrt(p, ';') > 0 ? p[7:strstrt(p, ';') - 1] + 0 : p[7:] + 0
names = 'shm tcp netns netns-capped hostfile mpi4py-buffers mpi4py-pickle'
titles = "'one host, shared memory (vader)' 'one host, TCP on loopback' 'two hosts on this machine (veth pair)' 'the same hosts, links capped (tbf)' 'a real cluster (hostfile, ssh)' 'mpi4py, buffers (Send/Recv), shm' 'mpi4py, pickled objects (send/recv), shm'"
is_row(v) = strcol('experiment') eq 'pingpong' && strcol('variant') eq v && strcol('metric') eq metric
n = 0; level = 1; ylo = 1e300; yhi = 0
do for [i = 1:words(names)] {
    c = 0
    stats in using (is_row(word(names, i)) ? (c = c + 1, level = column('ci_level') < level && column('ci_level') > 0 ? column('ci_level') : level, \
                    ylo = column('median') > 0 && column('median') < ylo ? column('median') : ylo, \
                    ylo = column('ci_lo') > 0 && column('ci_lo') < ylo ? column('ci_lo') : ylo, \
                    yhi = column('ci_hi') > yhi ? column('ci_hi') : yhi, \
                    yhi = column('median') > yhi ? column('median') : yhi) : 0, 0) nooutput
    n = n + c
    eval sprintf('cnt%d = %d', i, c)
    lo = 1e300; hi = 0
    stats in using (is_row(word(names, i)) ? (lo = column('median') > 0 && column('median') < lo ? column('median') : lo, \
                    lo = column('ci_lo') > 0 && column('ci_lo') < lo ? column('ci_lo') : lo, \
                    hi = column('ci_hi') > hi ? column('ci_hi') : hi, hi = column('median') > hi ? column('median') : hi) : 0, 0) nooutput
    eval sprintf('lo%d = %g; hi%d = %g', i, lo, i, hi)
    if (c == 0) { eval sprintf('set print $t%d', i); print 'NaN,NaN,NaN,NaN'; unset print; continue }
    eval sprintf('set table $t%d separator comma', i)
    plot in using (bytes(strcol('param'))):(column('median')):(column('ci_lo')):(column('ci_hi')) with table if (is_row(word(names, i)))
    unset table
}
set datafile nocolumnheaders
if (n == 0) {
    set label 1 'no pingpong rows in this run: parlab run cluster --experiment pingpong' at graph 0.5, graph 0.5 center
    unset xtics; unset ytics; unset border; unset key
    set xrange [0:1]; set yrange [0:1]
    plot NaN notitle
    exit
}
slide = fmt eq 'slide'
if (!slide) {
    set title "One message between two MPI ranks: latency by size and by where the ranks run (parlab run cluster)" noenhanced
    set xlabel 'message size (bytes, log scale)'
    set ylabel 'one way: half a round trip (microseconds, log scale)'
    set logscale xy 10
    set format x '%.0s %cB'
    set format y '%g'
    set grid xtics ytics mytics
    set xrange [0.7:6e6]
    set bmargin 5
    # room above the highest bar for the key (log scale: 1.5 decades)
    if (yhi > 0 && ylo < 1e300) { set yrange [ylo / 2 : yhi * 30] }
    set key top left box opaque title (level < 1 ? sprintf('where the two ranks run (bars: intervals of the median, %.0f%% coverage)', 100 * level) : 'where the two ranks run (too few repetitions for intervals)') noenhanced font ',11'
    plot for [i = 1:words(names)] sprintf('$t%d', i) using 1:2:3:4 with yerrorlines lt i lw 1.5 \
            title (value(sprintf('cnt%d', i)) > 0 ? word(titles, i) : '') noenhanced
} else {
    # A slide: big text on a small canvas, so shorter words, the machine in the title and
    # the key below the plot, off the data. Two views alone (panel = 'a': C by where the
    # ranks run; 'b': mpi4py against C over shared memory; from render.sh --slide), or all.
    # which series a view draws (shared memory, C, in both: the reference)
    shown(i) = sp eq 'a' ? i <= 5 : sp eq 'b' ? (i == 1 || i >= 6) : 1
    # the hostnames the ranks reported (the meta file beside the summary), when it has them
    nsh = ''; hfh = ''
    if (strlen(stamp_meta) > 0 && strlen(system('test -f "'.stamp_meta.'" && echo y')) > 0) {
        stats stamp_meta using (strcol(1) eq 'hosts_pingpong_netns' ? nsh = strcol(2) : 0, \
                                strcol(1) eq 'hosts_pingpong_hostfile' ? hfh = strcol(2) : 0, 0) nooutput
    }
    pair(h) = words(h) >= 2 ? ': '.word(h, 1).' and '.word(h, 2) : ''
    cap = 0
    stats in using (is_row('netns-capped') && strstrt(strcol('param'), 'cap_mbit=') > 0 ? \
                    cap = strcol('param')[strstrt(strcol('param'), 'cap_mbit=') + 9:] + 0 : 0, 0) nooutput
    stitles = sprintf("'%s' 'TCP on loopback, one host' '%s' '%s' '%s' 'mpi4py buffers (Send/Recv), shm' 'mpi4py pickled objects (send/recv), shm'", \
        sp eq 'b' ? 'C, shared memory (vader)' : 'shared memory (vader), one host', \
        words(nsh) >= 2 ? 'two namespace hosts'.pair(nsh) : 'two hosts on this machine (veth)', \
        cap > 0 ? sprintf('the same, links capped at %g Mbit/s', cap) : 'the same hosts, links capped', \
        words(hfh) >= 2 ? 'a real cluster'.pair(hfh) : 'a real cluster (hostfile)')
    bars = level < 1 ? sprintf('bars: %.0f%% intervals', 100 * level) : 'too few repetitions for intervals'
    ttl = sp eq 'a' ? with_mach(sprintf("(a) One message between two MPI ranks, by where they run: latency\nhalf a round trip, log-log; %s", bars)) : \
          sp eq 'b' ? with_mach(sprintf("(b) What Python costs a message: mpi4py against C, over shared memory\nhalf a round trip, log-log; %s", bars)) : \
                      with_mach(sprintf("One message between two MPI ranks: latency by size and by where they run\nhalf a round trip, log-log; %s", bars))
    set multiplot title ttl font ',12' noenhanced
    set xlabel 'message size (bytes, log scale)'
    set ylabel 'latency (us, log scale)'
    set logscale xy 10
    set format x '%.0s %cB'
    set format y '%g'
    set grid xtics ytics mytics
    set xrange [0.7:6e6]
    # the y range: the series this view draws (the key is below the plot: no room for it)
    vlo = 1e300; vhi = 0; nkey = 0
    do for [i = 1:words(names)] {
        if (shown(i) && value(sprintf('cnt%d', i)) > 0) {
            nkey = nkey + 1
            vlo = value(sprintf('lo%d', i)) < vlo ? value(sprintf('lo%d', i)) : vlo
            vhi = value(sprintf('hi%d', i)) > vhi ? value(sprintf('hi%d', i)) : vhi
        }
    }
    if (vhi > 0 && vlo < 1e300) { set yrange [vlo / 2 : vhi * 2] }
    if (sp eq 'b' && cnt6 + cnt7 == 0) {
        set label 1 'no mpi4py rows in this run: is mpi4py installed?' at graph 0.02, graph 0.92 left front
    }
    # the key: two columns below the plot
    krows = (nkey + 1) / 2
    kh = 0.02 + 0.042 * krows    # its height (screen)
    set tmargin at screen (strstrt(lastline(ttl), "\n") > 0 ? 0.8 : 0.85)
    set bmargin at screen (0.045 + kh + 0.15)
    set lmargin 10
    set rmargin 4
    set key at screen 0.5, screen (0.045 + kh / 2) center center vertical maxrows krows box opaque font ',11' noenhanced \
        samplen 2 width -2
    plot for [i = 1:words(names)] sprintf('$t%d', i) using 1:(shown(i) ? $2 : NaN):3:4 with yerrorlines lt i lw 1.5 \
            title (shown(i) && value(sprintf('cnt%d', i)) > 0 ? word(stitles, i) : '')
    unset multiplot
}
