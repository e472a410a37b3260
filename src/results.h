/* results.h: the results contract, written and read through libcsv.
 *
 * Every run writes three tidy CSV files into the output folder:
 *   <lab>-runs.csv     run_id,lab,experiment,variant,workers,param,rep,metric,value,unit
 *   <lab>-summary.csv  run_id,lab,experiment,variant,workers,param,metric,unit,n,median,
 *                      min,max,ci_lo,ci_hi,outliers
 *   <lab>-meta.csv     key,value
 * `param` holds the point's other settings as name=value pairs joined by ';'.
 * Summary rows with workers = 0 are fitted model parameters over all worker counts
 * (for example metric amdahl_serial_fraction); n is then the number of points fitted.
 *
 * Nothing is ever half-written: each file goes to a temporary name in the same folder
 * and is renamed into place only when complete, so an interrupted run leaves the
 * previous results whole. */
#ifndef PARLAB_RESULTS_H
#define PARLAB_RESULTS_H

#include <stdio.h>

#include "stats.h"

/* One measured point: what ran, with how many workers, with which settings. */
struct point {
    const char *experiment;
    const char *variant;
    int workers;
    const char *param; /* "serial=0.3;n=1000" or "" */
};

/* ---- an atomically written CSV file, for any table a lab wants to add ---------- */
struct csvw;

/* Open dir/name for writing through a temporary file. Returns NULL (errno set) on
 * failure. struct csvw *w = csvw_open("results", "sync-c2c.csv"); */
struct csvw *csvw_open(const char *dir, const char *name);
/* Append fields to the current row; csvw_endrow() ends it. Text is quoted by libcsv
 * only when it must be (a comma, quote or newline), so numbers stay plain for gnuplot. */
void csvw_str(struct csvw *w, const char *s);
void csvw_num(struct csvw *w, double v); /* %.6g; NaN and inf are written empty */
void csvw_int(struct csvw *w, long v);
void csvw_endrow(struct csvw *w);
/* A header or any row of strings in one call. */
void csvw_row(struct csvw *w, const char *const *fields, int n);
/* Flush, fsync and rename into place. Returns 0, or -1 (temporary removed). */
int csvw_commit(struct csvw *w);
/* Give up: remove the temporary. */
void csvw_abort(struct csvw *w);
/* Remove every temporary still open (called on a fatal signal; async-signal-safe). */
void csvw_abort_all_signal_safe(void);

/* ---- the run's results -------------------------------------------------------- */
struct results;

struct results *results_new(const char *lab, const char *run_id);
void results_free(struct results *r);

/* Record one repetition's value. results_add(r, &pt, 3, "seconds", 0.52, "s"); */
void results_add(struct results *r, const struct point *pt, int rep, const char *metric,
                 double value, const char *unit);
/* Record a fitted parameter as a summary row (workers is forced to 0). */
void results_add_fit(struct results *r, const struct point *pt, const char *metric,
                     double value, const char *unit, int npoints);
/* Add a meta row. */
void results_meta(struct results *r, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Summary of all repetitions recorded so far for (point, metric); NULL if none.
 * The pointer is valid until the next results_add. */
const struct summary *results_summary(struct results *r, const struct point *pt,
                                      const char *metric);

/* The values recorded for (point, metric), in the order they were added (rep order).
 * Returns how many, at most max. */
int results_values(const struct results *r, const struct point *pt, const char *metric,
                   double *out, int max);

/* Write the three files into dir. Returns 0, or -1 with a message on stderr. */
int results_write(struct results *r, const char *dir);

/* ---- reading CSV ------------------------------------------------------------- */
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
void csv_free_table(struct csv_table *t);

#endif
