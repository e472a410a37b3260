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

static const char usage[] =
    "usage: parlab fit FILE.csv [--model amdahl|usl|all] [--format table|csv]\n"
    "  FILE.csv needs a header row with a 'workers' column and a 'seconds' or a\n"
    "  'throughput' column; other columns are ignored, rows may repeat a worker count.\n";

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
    struct csv_table t;
    char err[1024];
    int cw, cs, ct, n = 0, csv, rc = EXIT_OK;
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

    if (csv_read_table(file, &t, err, sizeof(err)) < 0)
        usage_error("%s", err);
    cw = csv_col(&t, "workers");
    cs = csv_col(&t, "seconds");
    ct = csv_col(&t, "throughput");
    if (cw < 0 || (cs < 0 && ct < 0)) {
        csv_free_table(&t);
        usage_error("%s:1: need a 'workers' column and a 'seconds' or 'throughput' column", file);
    }
    p = xmalloc(sizeof(double) * (size_t)(t.nrows + 1));
    y = xmalloc(sizeof(double) * (size_t)(t.nrows + 1));
    for (int r = 0; r < t.nrows; r++) {
        const char *sw = t.rows[r][cw], *sv = t.rows[r][cs >= 0 ? cs : ct];
        double w, v;
        if (parse_double(sw, 1, 1e7, &w) < 0) {
            fprintf(stderr, "parlab: %s:%d: workers '%s' is not a number >= 1\n", file, t.line[r], sw);
            rc = EXIT_USAGE;
            break;
        }
        if (parse_double(sv, 1e-300, 1e300, &v) < 0) {
            fprintf(stderr, "parlab: %s:%d: %s '%s' is not a positive number\n", file, t.line[r],
                    cs >= 0 ? "seconds" : "throughput", sv);
            rc = EXIT_USAGE;
            break;
        }
        p[n] = w;
        y[n] = v;
        n++;
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
    csv_free_table(&t);
    return rc;
}
