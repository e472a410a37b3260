# pool-chunksize.gp: a process pool's throughput against chunk size (tasks sent per
# message), beside joblib's automatic batching and the plain loops it must beat.
# input: pool-summary.csv
# By hand: gnuplot -e "in='results/pool-summary.csv'; out='c.png'; fmt='png'; plotdir='plots'" plots/pool-chunksize.gp
# (the data check comes before common.gp opens the output: no empty chart file)
set datafile separator ','
set datafile columnheaders

is_tps(_) = strcol('experiment') eq 'chunksize' && strcol('metric') eq 'tasks_per_s'
w = 0
stats in using (is_tps(0) && column('workers') > w ? w = column('workers') : 0, 0) nooutput
if (w == 0) { print 'pool-chunksize: no chunksize rows in this run (parlab run pool --experiment chunksize)'; exit }
us = ''; lvl = 1; reps = 0
stats in using (is_tps(0) ? (us = strcol('param')[strstrt(strcol('param'), 'task_us=') + 8:], \
                lvl = column('ci_level') < lvl ? column('ci_level') : lvl, reps = column('n')) : 0, 0) nooutput
chunk(p) = strstrt(p, 'chunksize=') == 1 && strstrt(p, 'auto') == 0 ? real(p[11:strstrt(p, ';') - 1]) : NaN
load plotdir.'/common.gp'
do for [v in 'parlab-procs py-mp-pool'] {
    # start each table with one blank point so it exists even if the variant did not run
    eval sprintf('set print $%s', v eq 'parlab-procs' ? 'procs' : 'mp')
    print 'NaN NaN NaN NaN'
    unset print
    eval sprintf('set table $%s append', v eq 'parlab-procs' ? 'procs' : 'mp')
    plot in using (chunk(strcol('param'))):(column('median')):(column('ci_lo')):(column('ci_hi')) with table \
        if (is_tps(0) && strcol('variant') eq v && column('workers') == w)
    unset table
}
# the flat references: one value each, drawn across the whole chunk range
seq_c = NaN; seq_py = NaN; jl = NaN
stats in using (is_tps(0) && strcol('variant') eq 'sequential' ? seq_c = column('median') : 0, \
                is_tps(0) && strcol('variant') eq 'py-sequential' ? seq_py = column('median') : 0, \
                is_tps(0) && strcol('variant') eq 'py-joblib' && column('workers') == w ? jl = column('median') : 0, 0) nooutput

# the tables above are plain text: whitespace-separated, no header row
set datafile separator whitespace
set datafile nocolumnheaders
slide = fmt eq 'slide'  # big text on a small canvas: shorter words
if (slide) {
    set title sprintf("A process pool's tasks a second by chunk size (tasks of %s us, %d workers)", us, w)
} else {
    set title sprintf("Process pool throughput against chunk size, tasks of %s us, %d worker%s: median and its interval (%.0f%% coverage, n = %d)", \
                      us, w, w == 1 ? "" : "s", 100 * lvl, reps)
}
set xlabel slide ? 'chunk size (tasks a message)' : 'chunk size (tasks per message, log scale)'
set ylabel slide ? 'tasks a second' : 'tasks per second (log scale; higher is better)'
set bmargin slide ? 4 : 5   # the stamp below stays clear of the axis label
set logscale xy
set format x '%g'
set format y '%.0s%c'   # 10k, 100k, 1M
set xrange [0.8:1300]
set key top left box opaque
if (slide) { set key top left box opaque samplen 2 spacing 0.9 }
plot $procs using 1:2:3:4 with yerrorlines lt 1 title (slide ? 'C: ppool\_map' : 'parlab-procs (C, ppool\_map)'), \
     $mp using 1:2:3:4 with yerrorlines lt 2 title (slide ? 'Python: Pool.map' : 'py-mp-pool (multiprocessing.Pool.map)'), \
     (jl == jl ? jl : 1/0) with lines lt 3 dt 2 title (slide ? 'joblib (its own batches)' : "py-joblib, batch\\_size='auto' (no chunk size)").(jl == jl ? '' : ' (not run)'), \
     (seq_c == seq_c ? seq_c : 1/0) with lines lt 7 dt 4 title (slide ? 'C loop, 1 core' : 'plain C loop, 1 worker'), \
     (seq_py == seq_py ? seq_py : 1/0) with lines lt 4 dt 4 title (slide ? 'Python loop, 1 core' : 'plain Python loop, 1 worker')
