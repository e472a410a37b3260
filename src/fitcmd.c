/* fitcmd.c: `parlab fit FILE.csv [--model amdahl|usl|all] [--format table|csv]`.
 *
 * Reads any CSV with a header row, a `workers` column and either `seconds` (lower is
 * better: the time the same job took) or `throughput` (higher is better), columns in
 * any order, other columns ignored, several rows per worker count allowed (repeats).
 * This is how a learner fits the timings of their own Python program. */
#include "fitcmd.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit.h"
#include "results.h"
#include "util.h"

/* A file of timings is small; this is far past any real one, and keeps a mistake (a
 * log file, a huge export) from eating the machine's memory. */
#define FIT_MAX_ROWS 10000000L

static const char usage[] =
    "usage: parlab fit FILE.csv [--model amdahl|usl|all] [--format table|csv]\n"
    "  FILE.csv needs a header row with a 'workers' column and a 'seconds' or a\n"
    "  'throughput' column; other columns are ignored, rows may repeat a worker count.\n"
    "  At most 10,000,000 rows; the time grows about linearly with them.\n";

/* The rows, as they stream by: only the two numbers of each are kept. */
struct fit_reader {
    const char *file;
    int cw, cv, seconds;
    double *p, *y;
    long n, cap;
    char *err;
    size_t errsize;
};

static int fit_row(void *arg, char **f, int n, int line)
{
    struct fit_reader *fr = arg;
    char shown[120];
    double w, v;
    if (fr->cw < 0) { /* the header */
        int cs = -1, ct = -1;
        for (int i = 0; i < n; i++) {
            if (!strcmp(f[i], "workers"))
                fr->cw = i;
            else if (!strcmp(f[i], "seconds"))
                cs = i;
            else if (!strcmp(f[i], "throughput"))
                ct = i;
        }
        if (fr->cw < 0 || (cs < 0 && ct < 0)) {
            snprintf(fr->err, fr->errsize, "%s:1: need a 'workers' column and a 'seconds' or "
                                           "'throughput' column", fr->file);
            return -1;
        }
        fr->seconds = cs >= 0;
        fr->cv = cs >= 0 ? cs : ct;
        return 0;
    }
    if (fr->cw >= n || fr->cv >= n) {
        snprintf(fr->err, fr->errsize, "%s:%d: %d field%s, the header has more", fr->file, line, n,
                 n == 1 ? "" : "s");
        return -1;
    }
    if (parse_double(f[fr->cw], 1, 1e7, &w) < 0) {
        snprintf(fr->err, fr->errsize, "%s:%d: workers '%s' is not a number from 1 to 1e7", fr->file,
                 line, csv_printable(f[fr->cw], shown, sizeof(shown)));
        return -1;
    }
    if (parse_double(f[fr->cv], -INFINITY, INFINITY, &v) < 0 || !(v > 0)) {
        snprintf(fr->err, fr->errsize, "%s:%d: %s '%s' is not a number above 0", fr->file, line,
                 fr->seconds ? "seconds" : "throughput", csv_printable(f[fr->cv], shown, sizeof(shown)));
        return -1;
    }
    if (v < 1e-300 || v > 1e300) {
        snprintf(fr->err, fr->errsize, "%s:%d: %s '%s' is out of range (1e-300 to 1e300)", fr->file,
                 line, fr->seconds ? "seconds" : "throughput", csv_printable(f[fr->cv], shown, sizeof(shown)));
        return -1;
    }
    if (fr->n == fr->cap) {
        fr->cap = fr->cap ? 2 * fr->cap : 1024;
        fr->p = xrealloc(fr->p, sizeof(double) * (size_t)fr->cap);
        fr->y = xrealloc(fr->y, sizeof(double) * (size_t)fr->cap);
    }
    fr->p[fr->n] = w;
    fr->y[fr->n] = v;
    fr->n++;
    return 0;
}

static void out_row(int csv, const char *model, const char *param, double v, const char *what)
{
    if (csv)
        printf("%s,%s,%.6g\n", model, param, v);
    else
        printf("%-7s %-16s %12.6g  %s\n", model, param, v, what);
}

int fitcmd_main(int argc, char **argv)
{
    const char *file = NULL, *model = "all", *format = "table";
    char err[1024];
    int cs, n = 0, csv, rc = EXIT_OK;
    double *p, *y;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage, stdout);
            return EXIT_OK;
        } else if (!strcmp(a, "--model") || !strcmp(a, "--format")) {
            if (i + 1 >= argc)
                usage_error("%s needs a value", a);
            if (!strcmp(a, "--model"))
                model = argv[++i];
            else
                format = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            usage_error("fit: unknown option '%s' (see parlab fit --help)", a);
        } else if (file) {
            usage_error("fit: one file at a time: '%s' is extra", a);
        } else {
            file = a;
        }
    }
    if (!file)
        usage_error("fit: which file? (usage: parlab fit FILE.csv)");
    if (strcmp(model, "amdahl") && strcmp(model, "usl") && strcmp(model, "all"))
        usage_error("--model: '%s' is not amdahl, usl or all", model);
    if (strcmp(format, "table") && strcmp(format, "csv"))
        usage_error("--format: '%s' is not table or csv", format);
    csv = !strcmp(format, "csv");

    {
        char shown[300];
        struct fit_reader fr = {.file = csv_printable(file, shown, sizeof(shown)), .cw = -1,
                                .err = err, .errsize = sizeof(err)};
        if (csv_each_row(file, fit_row, &fr, FIT_MAX_ROWS, err, sizeof(err)) < 0) {
            free(fr.p), free(fr.y);
            usage_error("fit: %s", err);
        }
        p = fr.p ? fr.p : xmalloc(sizeof(double));
        y = fr.y ? fr.y : xmalloc(sizeof(double));
        n = (int)fr.n;
        cs = fr.seconds ? 1 : -1;
    }
    if (rc == EXIT_OK && fit_distinct(p, n) < 2) {
        fprintf(stderr, "parlab: %s: need measurements at two or more worker counts, found %d\n",
                file, fit_distinct(p, n));
        rc = EXIT_USAGE;
    }
    if (rc == EXIT_OK) {
        /* Both models in both directions: time T = 1/X for the same job. */
        double *tm = xmalloc(sizeof(double) * (size_t)n), *x = xmalloc(sizeof(double) * (size_t)n);
        for (int i = 0; i < n; i++) {
            tm[i] = cs >= 0 ? y[i] : 1.0 / y[i];
            x[i] = cs >= 0 ? 1.0 / y[i] : y[i];
        }
        if (csv)
            printf("model,parameter,value\n");
        else
            printf("%d measurements at %d worker counts from %s (%s)\n", n, fit_distinct(p, n),
                   file, cs >= 0 ? "seconds" : "throughput");
        if (strcmp(model, "usl")) {
            struct amdahl_fit f;
            if (fit_amdahl_times(p, tm, n, &f) == 0) {
                out_row(csv, "amdahl", "serial_fraction", f.serial, "share of the 1-worker time that does not parallelise");
                out_row(csv, "amdahl", "max_speedup", f.serial > 0 ? 1.0 / f.serial : INFINITY, "the ceiling 1/s, however many workers");
                out_row(csv, "amdahl", "t1", f.t1, cs >= 0 ? "fitted seconds at 1 worker" : "fitted 1/throughput at 1 worker");
                out_row(csv, "amdahl", "rms_residual", f.rms, "fit quality, in the same unit as t1");
            }
        }
        if (strcmp(model, "amdahl")) {
            struct usl_fit u;
            if (fit_usl(p, x, n, &u) == 0) {
                out_row(csv, "usl", "sigma", u.sigma, "contention (serialisation)");
                out_row(csv, "usl", "kappa", u.kappa, "coherency (crosstalk between workers)");
                out_row(csv, "usl", "gamma", u.gamma, cs >= 0 ? "throughput at 1 worker, in jobs per second" : "throughput at 1 worker");
                out_row(csv, "usl", "peak_workers", u.peak, "where throughput peaks: sqrt((1-sigma)/kappa)");
                out_row(csv, "usl", "rms_residual", u.rms, "fit quality, in throughput units");
            } else {
                fprintf(stderr, "parlab: usl: needs three or more worker counts, %s has %d; not fitted\n",
                        file, fit_distinct(p, n));
                if (!strcmp(model, "usl"))
                    rc = EXIT_USAGE;
            }
        }
        free(tm);
        free(x);
    }
    free(p);
    free(y);
    return rc;
}
