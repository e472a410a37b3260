/* csvcheck DIR LAB: check LAB's CSV files in DIR against the results contract
 * (README "Results format"): runs, summary, meta and every extra table LAB-NAME.csv.
 * Prints "ok - ..." / "not ok - ..." lines for run.sh. */
#include <dirent.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "util.h"

static int failures;

static void result(int ok, const char *lab, const char *what, const char *detail)
{
    printf("%s - %s: %s%s%s\n", ok ? "ok" : "not ok", lab, what, ok ? "" : ": ", ok ? "" : detail);
    failures += !ok;
}

static int is_num(const char *s, double *v)
{
    return parse_double(s, -1e300, 1e300, v) == 0;
}

/* The header must start with exactly these columns (more may follow). */
static int header_ok(const struct csv_table *t, const char *const *cols, int n, char *why, size_t sz)
{
    for (int i = 0; i < n; i++)
        if (i >= t->ncols || strcmp(t->header[i], cols[i])) {
            snprintf(why, sz, "column %d is '%s', expected '%s'", i + 1,
                     i < t->ncols ? t->header[i] : "(missing)", cols[i]);
            return 0;
        }
    return 1;
}

static int rows_ok(const struct csv_table *t, char *why, size_t sz)
{
    for (int r = 0; r < t->nrows; r++)
        if (t->row_ncols[r] != t->ncols) {
            snprintf(why, sz, "line %d has %d fields, the header %d", t->line[r], t->row_ncols[r], t->ncols);
            return 0;
        }
    return 1;
}

int main(int argc, char **argv)
{
    static const char *const runs_cols[] = {"run_id", "lab", "experiment", "variant", "workers",
                                            "param", "rep", "metric", "value", "unit"};
    static const char *const sum_cols[] = {"run_id", "lab", "experiment", "variant", "workers",
                                           "param", "metric", "unit", "n", "median", "min",
                                           "max", "ci_lo", "ci_hi", "outliers", "ci_level",
                                           "flags"};
    static const char *const flag_words[] = {"oversubscribed", "busy", "short", "above-cores"};
    static const char *const meta_keys[] = {"run_id", "host", "cpus_usable", "cpu_model", "kernel",
                                            "compiler", "python", "openmp", "date", "command"};
    const char *dir, *lab;
    char path[4096], err[1024], why[1024];
    struct csv_table runs, sum, meta;
    regex_t param_re;

    if (argc != 3) {
        fprintf(stderr, "usage: csvcheck DIR LAB\n");
        return 2;
    }
    dir = argv[1];
    lab = argv[2];
    regcomp(&param_re, "^([a-z_][a-z0-9_]*=[^;,]*(;[a-z_][a-z0-9_]*=[^;,]*)*)?$", REG_EXTENDED | REG_NOSUB);

    snprintf(path, sizeof(path), "%s/%s-runs.csv", dir, lab);
    if (csv_read_table(path, &runs, err, sizeof(err)) < 0) {
        result(0, lab, "runs.csv readable", err);
        return 1;
    }
    result(header_ok(&runs, runs_cols, 10, why, sizeof(why)), lab, "runs.csv header", why);
    result(rows_ok(&runs, why, sizeof(why)), lab, "runs.csv rows have the header's width", why);
    result(runs.nrows > 0, lab, "runs.csv has rows", "no rows");
    {
        int ok = 1;
        for (int r = 0; r < runs.nrows && ok && runs.ncols >= 10; r++) {
            char **f = runs.rows[r];
            double w, rep, v;
            if (strcmp(f[0], runs.rows[0][0]))
                snprintf(why, sizeof(why), "line %d: run_id '%s' differs", runs.line[r], f[0]), ok = 0;
            else if (strcmp(f[1], lab))
                snprintf(why, sizeof(why), "line %d: lab '%s'", runs.line[r], f[1]), ok = 0;
            else if (!*f[2] || !*f[3] || !*f[7] || !*f[9])
                snprintf(why, sizeof(why), "line %d: empty experiment/variant/metric/unit", runs.line[r]), ok = 0;
            else if (!is_num(f[4], &w) || w < 1 || w != floor(w))
                snprintf(why, sizeof(why), "line %d: workers '%s'", runs.line[r], f[4]), ok = 0;
            else if (!is_num(f[6], &rep) || rep < 0 || rep != floor(rep))
                snprintf(why, sizeof(why), "line %d: rep '%s'", runs.line[r], f[6]), ok = 0;
            else if (!is_num(f[8], &v))
                snprintf(why, sizeof(why), "line %d: value '%s' is not a number", runs.line[r], f[8]), ok = 0;
            else if (regexec(&param_re, f[5], 0, NULL, 0))
                snprintf(why, sizeof(why), "line %d: param '%s' is not name=value;...", runs.line[r], f[5]), ok = 0;
        }
        result(ok, lab, "runs.csv values", why);
    }

    snprintf(path, sizeof(path), "%s/%s-summary.csv", dir, lab);
    if (csv_read_table(path, &sum, err, sizeof(err)) < 0) {
        result(0, lab, "summary.csv readable", err);
        return 1;
    }
    result(header_ok(&sum, sum_cols, 17, why, sizeof(why)), lab, "summary.csv header", why);
    result(rows_ok(&sum, why, sizeof(why)), lab, "summary.csv rows have the header's width", why);
    {
        int ok = 1;
        for (int r = 0; r < sum.nrows && ok && sum.ncols >= 14; r++) {
            char **f = sum.rows[r];
            double w, n, med, mn, mx, lo, hi;
            if (strcmp(f[0], runs.rows[0][0]))
                snprintf(why, sizeof(why), "line %d: run_id differs from runs.csv", sum.line[r]), ok = 0;
            else if (!is_num(f[4], &w) || w < 0 || !is_num(f[8], &n) || n < 1)
                snprintf(why, sizeof(why), "line %d: workers '%s' or n '%s'", sum.line[r], f[4], f[8]), ok = 0;
            else if (!is_num(f[9], &med) || !is_num(f[10], &mn) || !is_num(f[11], &mx))
                snprintf(why, sizeof(why), "line %d: median/min/max not numbers", sum.line[r]), ok = 0;
            else if (!(mn <= med + 1e-12 * fabs(med) && med <= mx + 1e-12 * fabs(med)))
                snprintf(why, sizeof(why), "line %d: median %g outside [min %g, max %g]", sum.line[r], med, mn, mx), ok = 0;
            else if (w > 0 && (!is_num(f[12], &lo) || !is_num(f[13], &hi) || lo > med || hi < med))
                snprintf(why, sizeof(why), "line %d: CI [%s, %s] does not hold the median", sum.line[r], f[12], f[13]), ok = 0;
            else if (sum.ncols >= 17 && w > 0 && (!is_num(f[15], &lo) || lo < 0 || lo > 1))
                snprintf(why, sizeof(why), "line %d: ci_level '%s' is not a coverage in [0, 1]", sum.line[r], f[15]), ok = 0;
            else if (sum.ncols >= 17 && *f[14] && n < 5)
                snprintf(why, sizeof(why), "line %d: outliers '%s' counted at n = %g (below 5 they are not)", sum.line[r], f[14], n), ok = 0;
            else if (sum.ncols >= 17 && *f[16]) {
                char *copy = xstrdup(f[16]), *tok, *save = NULL;
                for (tok = strtok_r(copy, ";", &save); tok && ok; tok = strtok_r(NULL, ";", &save)) {
                    int known = 0;
                    for (size_t k = 0; k < ARRAY_SIZE(flag_words); k++)
                        known |= !strcmp(tok, flag_words[k]);
                    if (!known)
                        snprintf(why, sizeof(why), "line %d: unknown flag '%s'", sum.line[r], tok), ok = 0;
                }
                free(copy);
            }
        }
        result(ok, lab, "summary.csv values", why);
    }
    /* Every (experiment, variant, workers, param, metric) of runs has a summary row
     * whose n equals its number of repetitions. */
    {
        int ok = 1;
        for (int r = 0; r < runs.nrows && ok && runs.ncols >= 10 && sum.ncols >= 14; r++) {
            char **f = runs.rows[r];
            int reps = 0, rep0 = 0, found = 0;
            for (int q = 0; q < runs.nrows; q++) {
                char **g = runs.rows[q];
                int same = !strcmp(f[2], g[2]) && !strcmp(f[3], g[3]) && !strcmp(f[4], g[4]) &&
                           !strcmp(f[5], g[5]) && !strcmp(f[7], g[7]);
                reps += same && strcmp(g[6], "0");
                rep0 += same && !strcmp(g[6], "0");
            }
            if (!reps) /* a value over the whole point (rep 0): other_cores, cores_wanted */
                reps = rep0;
            for (int q = 0; q < sum.nrows; q++) {
                char **g = sum.rows[q];
                if (!strcmp(f[2], g[2]) && !strcmp(f[3], g[3]) && !strcmp(f[4], g[4]) &&
                    !strcmp(f[5], g[5]) && !strcmp(f[7], g[6]))
                    found = atoi(g[8]) == reps ? 1 : -1;
            }
            if (found != 1)
                snprintf(why, sizeof(why), "%s/%s/%s/%s/%s: %s", f[2], f[3], f[4], f[5], f[7],
                         found ? "n differs from the repetitions" : "no summary row"), ok = 0;
        }
        result(ok, lab, "summary.csv summarises every runs.csv group", why);
    }

    snprintf(path, sizeof(path), "%s/%s-meta.csv", dir, lab);
    if (csv_read_table(path, &meta, err, sizeof(err)) < 0) {
        result(0, lab, "meta.csv readable", err);
        return 1;
    }
    {
        int ok = meta.ncols == 2 && !strcmp(meta.header[0], "key") && !strcmp(meta.header[1], "value");
        snprintf(why, sizeof(why), "header is not key,value");
        for (size_t k = 0; ok && k < ARRAY_SIZE(meta_keys); k++) {
            int found = 0;
            for (int r = 0; r < meta.nrows; r++)
                found |= !strcmp(meta.rows[r][0], meta_keys[k]) && *meta.rows[r][1];
            if (!found)
                snprintf(why, sizeof(why), "key '%s' missing or empty", meta_keys[k]), ok = 0;
        }
        result(ok, lab, "meta.csv has the contract's keys", why);
    }
    /* Every extra table LAB-NAME.csv: run_id first, the same run as runs.csv. */
    {
        DIR *d = opendir(dir);
        struct dirent *e;
        size_t ll = strlen(lab);
        int ok = 1, ntables = 0;
        while (d && (e = readdir(d))) {
            struct csv_table x;
            const char *name = e->d_name;
            size_t len = strlen(name);
            if (strncmp(name, lab, ll) || name[ll] != '-' || len < 5 || strcmp(name + len - 4, ".csv") ||
                !strcmp(name + ll, "-runs.csv") || !strcmp(name + ll, "-summary.csv") ||
                !strcmp(name + ll, "-meta.csv"))
                continue;
            ntables++;
            snprintf(path, sizeof(path), "%s/%s", dir, name);
            if (csv_read_table(path, &x, err, sizeof(err)) < 0) {
                snprintf(why, sizeof(why), "%s", err), ok = 0;
                continue;
            }
            if (x.ncols < 1 || strcmp(x.header[0], "run_id"))
                snprintf(why, sizeof(why), "%s: first column is not run_id", name), ok = 0;
            for (int r = 0; r < x.nrows && ok; r++)
                if (strcmp(x.rows[r][0], runs.rows[0][0]))
                    snprintf(why, sizeof(why), "%s:%d: run_id differs from runs.csv", name, x.line[r]), ok = 0;
            if (ok && !rows_ok(&x, why, sizeof(why)))
                ok = 0;
            csv_free_table(&x);
        }
        if (d)
            closedir(d);
        if (ntables)
            result(ok, lab, "extra tables carry the run's run_id", why);
    }
    csv_free_table(&runs);
    csv_free_table(&sum);
    csv_free_table(&meta);
    regfree(&param_re);
    return failures ? 1 : 0;
}
