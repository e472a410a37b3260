/* results.h: the results contract, written and read through libcsv.
 *
 * Every run writes one set of tidy CSV files into the output folder:
 *   <lab>-runs.csv     run_id,lab,experiment,variant,workers,param,rep,metric,value,unit
 *   <lab>-summary.csv  run_id,lab,experiment,variant,workers,param,metric,unit,n,median,
 *                      min,max,ci_lo,ci_hi,outliers,ci_level,flags
 *   <lab>-meta.csv     key,value
 *   <lab>-NAME.csv     run_id,... : a lab's extra table (results_table), if any
 * `param` holds the point's other settings as name=value pairs joined by ';'.
 * Rows with rep = 0 in runs hold a value measured over the whole point (warm-up and
 * calibration included), such as other_cores, the CPUs other programs used meanwhile.
 * Summary rows with workers = 0 are fitted model parameters over all worker counts
 * (for example metric amdahl_serial_fraction); n is then the number of points fitted.
 * ci_level is the coverage of [ci_lo, ci_hi] (0.94 at n = 5: see stats.h); outliers is
 * empty below n = 5 (too few to tell). flags says what to distrust about the point, as
 * words joined by ';': oversubscribed (more workers than usable CPUs, for CPU-bound
 * work), busy (other
 * programs used CPUs the point could have used), short (it got visibly less CPU than
 * it asked for), above-cores (a speedup above the CPU cores it used: impossible, so the
 * machine's speed changed under it).
 *
 * Nothing is ever half-written, and a set is never mixed: every file is written to a
 * temporary name in the output folder, flushed and fsynced; only when all are complete
 * are they renamed into place, with signals blocked. An interrupted or failed run
 * leaves the previous set whole, and no temporary behind. */
#ifndef PARLAB_RESULTS_H
#define PARLAB_RESULTS_H

#include <stdio.h>

#include "stats.h"

/* One measured point: what ran, with how many workers, with which settings. */
struct point {
    const char *experiment;
    const char *variant;
    int workers;
    const char *param;   /* "serial=0.3;n=1000" or "" */
    double cores_wanted; /* CPU-bound work: the CPUs' worth it can use here (min(workers,
                          * usable); 1 for Python threads under the GIL). Recorded as a
                          * rep-0 row; judges the flags short, busy, above-cores. 0: the
                          * point mostly waits (I/O, sleep, wake-ups): not judged. */
};

/* ---- an atomically written CSV file ------------------------------------------------ */
struct csvw;

/* Open dir/name for writing through a temporary file. Returns NULL (errno set). */
struct csvw *csvw_open(const char *dir, const char *name);
/* Append fields to the current row; csvw_endrow() ends it. Text is quoted by libcsv
 * only when it must be (a comma, quote or newline), so numbers stay plain for gnuplot. */
void csvw_str(struct csvw *w, const char *s);
void csvw_num(struct csvw *w, double v); /* %.6g; NaN and inf are written empty */
void csvw_int(struct csvw *w, long v);
void csvw_endrow(struct csvw *w);
/* A header or any row of strings in one call. */
void csvw_row(struct csvw *w, const char *const *fields, int n);
/* The stream under a writer, for text that is not CSV (a report page). */
FILE *csvw_file(struct csvw *w);
/* Flush, fsync and close; the file stays under its temporary name. Returns 0, or -1
 * (message printed, temporary removed). */
int csvw_finish(struct csvw *w);
/* Rename finished files into place, all of them with signals blocked: a reader sees
 * the old set or the new one. Returns 0, or -1 (message printed; temporaries removed). */
int csvw_publish(struct csvw **w, int n);
/* csvw_finish + csvw_publish of one file. */
int csvw_commit(struct csvw *w);
/* Give up: remove the temporary. */
void csvw_abort(struct csvw *w);
/* Remove every temporary still open (a fatal signal, atexit; async-signal-safe). */
void csvw_abort_all_signal_safe(void);

/* ---- the run's results ------------------------------------------------------------ */
struct results;

struct results *results_new(const char *lab, const char *run_id);
void results_free(struct results *r);

/* The usable CPUs of this run: points with more workers are flagged oversubscribed. */
void results_set_usable(struct results *r, int usable);

/* Record one repetition's value. results_add(r, &pt, 3, "seconds", 0.52, "s"); */
void results_add(struct results *r, const struct point *pt, int rep, const char *metric,
                 double value, const char *unit);
/* Record a fitted parameter as a summary row (workers is forced to 0). */
void results_add_fit(struct results *r, const struct point *pt, const char *metric,
                     double value, const char *unit, int npoints);
/* Add a meta row. */
void results_meta(struct results *r, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The value of a meta key, or NULL. */
const char *results_meta_get(const struct results *r, const char *key);

/* A lab's extra table, <lab>-NAME.csv, committed with the run's other files. Its first
 * column is run_id (added here); cols are the rest. Rows are added by
 * results_table_row with exactly ncols fields (numbers formatted by the caller).
 *   int t = results_table(r, "timeline", hdr, 4);  results_table_row(r, t, fields); */
int results_table(struct results *r, const char *name, const char *const *cols, int ncols);
void results_table_row(struct results *r, int table, const char *const *fields);

/* Summary of all repetitions (rep >= 1) recorded so far for (point, metric); NULL if
 * none. The pointer is valid until the next results_* call. */
const struct summary *results_summary(struct results *r, const struct point *pt,
                                      const char *metric);
/* The median of (point, metric), or NAN when nothing was recorded. */
double results_median(struct results *r, const struct point *pt, const char *metric);
/* The value recorded at repetition rep, or NAN. */
double results_value_at(const struct results *r, const struct point *pt, const char *metric,
                        int rep);
/* The values recorded for (point, metric), rep >= 1, in the order they were added.
 * Returns how many, at most max; reps[] (may be NULL) gets their repetition numbers. */
int results_values(const struct results *r, const struct point *pt, const char *metric,
                   double *out, int *reps, int max);

/* A ratio a lab prints ("same-line is 3.8x the padded cost"), with its interval.
 * paired = 1: the two were measured rep by rep side by side, so the ratio is taken per
 * repetition and summarised (median, CI of the median); paired = 0: the ratio of the
 * medians, with the interval [num.ci_lo / den.ci_hi, num.ci_hi / den.ci_lo].
 * Returns 0 and fills *out (n, median, ci_lo, ci_hi, ci_level), or -1 if either side
 * is missing. */
int results_ratio(struct results *r, const struct point *num, const char *num_metric,
                  const struct point *den, const char *den_metric, int paired,
                  struct summary *out);

/* The flags of a point (see the top of this file) as they stand: "" when none. */
const char *results_flags(struct results *r, const struct point *pt, char *buf, size_t size);
/* The rule behind the flags, from a point's numbers (NAN: unknown): other programs'
 * CPUs meanwhile, the CPUs its work wanted (cores_wanted, 0: not CPU-bound), the CPUs it
 * got, the one-worker point's, its speedup. parlab report applies it to saved files. */
const char *flags_compute(char *buf, size_t size, int workers, int usable, double other_cores,
                          double cores_wanted, double cpu_cores, double cpu_cores_one,
                          double speedup);
/* 1 if the ';'-joined flags hold flag. */
int flags_has(const char *flags, const char *flag);

/* Write the set (runs, summary, meta, every table) into dir, all or nothing.
 * Returns 0, or -1 with a message on stderr (no file of the new set visible). */
int results_write(struct results *r, const char *dir);

/* One row of a summary, as written to <lab>-summary.csv or read back from one. */
struct sumrow {
    char *experiment, *variant, *param, *metric, *unit, *flags;
    int workers, n;
    int outliers;    /* -1: not counted (n < 5) */
    double median, min, max, ci_lo, ci_hi, ci_level;
    int line;        /* where it was read from (0: built in memory) */
};
/* The summary as rows, in the order the summary file has them: what parlab report
 * judges, so the conclusions a lab prints judge exactly what a saved file holds.
 * Returns the count; *out is malloc'ed (free with sumrows_free). */
int results_summary_rows(struct results *r, struct sumrow **out);
void sumrows_free(struct sumrow *rows, int n);
/* The row of a point and metric (variant or param NULL: any), or NULL. */
const struct sumrow *sumrows_find(const struct sumrow *rows, int n, const char *experiment,
                                  const char *variant, int workers, const char *param,
                                  const char *metric);
/* Set every row's flags from the rows themselves (flags_compute), keeping flags a row
 * read from a file already had. */
void sumrows_set_flags(struct sumrow *rows, int n, int usable);

/* ---- a child process's results go to its parent ---------------------------------------
 * In a child started by harness_child(), results_add, results_add_fit, results_meta
 * and results_table_row write a line to fd instead of storing; the parent applies it
 * (results_apply_line). Not for labs to call: the harness sets it up. */
void results_forward_to(struct results *r, int fd);
int results_forwarding(const struct results *r);
/* Apply one forwarded line (fields split on tabs, the leading tag removed).
 * Returns 0, or -1 if it is not a results line. */
int results_apply_line(struct results *r, char tag, char **f, int nf);

/* ---- reading CSV ---------------------------------------------------------------------- */
struct csv_table {
    int ncols, nrows;     /* rows exclude the header */
    char **header;        /* ncols names */
    char ***rows;         /* nrows rows of ncols fields ("" when a row was short) */
    int *row_ncols;       /* how many fields each row really had */
    int *line;            /* the 1-based line where each row starts */
};

/* Read a CSV file with a header row. Returns 0, or -1 with err set to
 * "FILE:LINE: what is wrong" (or "cannot open 'FILE': reason"). */
int csv_read_table(const char *path, struct csv_table *t, char *err, size_t errsize);
/* Column index of name, or -1. */
int csv_col(const struct csv_table *t, const char *name);
/* Stream a CSV file: on_row(arg, fields, n, line) for the header (first) and then every
 * record, with the line it starts on; it may take a field by setting its pointer to
 * NULL, and stops the reading by returning -1 after writing err. A UTF-8 byte-order
 * mark is skipped; a NUL byte in a field, a folder or a device (not a regular file), and
 * more than max_rows records (0: no limit) are errors. Returns 0, or -1 with err set to
 * "FILE:LINE: what is wrong". */
int csv_each_row(const char *path, int (*on_row)(void *arg, char **fields, int n, int line),
                 void *arg, long max_rows, char *err, size_t errsize);
/* Text from a file made safe to print in a message: control bytes as \xNN, cut with
 * "..." past size. */
const char *csv_printable(const char *s, char *buf, size_t size);
void csv_free_table(struct csv_table *t);

#endif
