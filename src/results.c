/* results.c: tidy CSV in and out through libcsv, written atomically. */
#include "results.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* ---- atomic CSV writer ---------------------------------------------------------- */

struct csvw {
    FILE *f;
    char *final_path;
    int slot;     /* index in pending[], for signal-time cleanup */
    int nfields;  /* fields written on the current row */
};

/* Temporaries that exist right now, so a signal handler can unlink them. A fixed
 * table of fixed strings: a handler may not call malloc or take locks. */
#define MAX_PENDING 32
static char pending[MAX_PENDING][1024];
static volatile sig_atomic_t pending_used[MAX_PENDING];

struct csvw *csvw_open(const char *dir, const char *name)
{
    struct csvw *w;
    int slot = -1, fd;
    for (int i = 0; i < MAX_PENDING; i++)
        if (!pending_used[i]) {
            slot = i;
            break;
        }
    if (slot < 0) {
        errno = EMFILE;
        return NULL;
    }
    snprintf(pending[slot], sizeof(pending[slot]), "%s/.%s.XXXXXX", dir, name);
    fd = mkstemp(pending[slot]);
    if (fd < 0)
        return NULL;
    pending_used[slot] = 1;
    w = xcalloc(1, sizeof(*w));
    w->f = fdopen(fd, "w");
    if (!w->f) {
        int e = errno;
        close(fd);
        unlink(pending[slot]);
        pending_used[slot] = 0;
        free(w);
        errno = e;
        return NULL;
    }
    w->slot = slot;
    w->final_path = xmalloc(strlen(dir) + strlen(name) + 2);
    sprintf(w->final_path, "%s/%s", dir, name);
    return w;
}

static void sep(struct csvw *w)
{
    if (w->nfields++)
        fputc(',', w->f);
}

void csvw_str(struct csvw *w, const char *s)
{
    sep(w);
    if (!s)
        return;
    /* Quote only when the field needs it; libcsv does the quoting and escaping. */
    if (strpbrk(s, ",\"\r\n") || (s[0] == ' ' || (s[0] && s[strlen(s) - 1] == ' ')))
        csv_fwrite(w->f, s, strlen(s));
    else
        fputs(s, w->f);
}

void csvw_num(struct csvw *w, double v)
{
    sep(w);
    if (isfinite(v))
        fprintf(w->f, "%.6g", v);
}

void csvw_int(struct csvw *w, long v)
{
    sep(w);
    fprintf(w->f, "%ld", v);
}

void csvw_endrow(struct csvw *w)
{
    fputc('\n', w->f);
    w->nfields = 0;
}

void csvw_row(struct csvw *w, const char *const *fields, int n)
{
    for (int i = 0; i < n; i++)
        csvw_str(w, fields[i]);
    csvw_endrow(w);
}

static void release(struct csvw *w)
{
    pending_used[w->slot] = 0;
    free(w->final_path);
    free(w);
}

int csvw_commit(struct csvw *w)
{
    int bad = ferror(w->f);
    bad |= fflush(w->f) != 0;
    bad |= fsync(fileno(w->f)) != 0 && errno != EINVAL;
    bad |= fclose(w->f) != 0;
    if (bad || rename(pending[w->slot], w->final_path) != 0) {
        note("cannot write '%s': %s", w->final_path, strerror(errno ? errno : EIO));
        unlink(pending[w->slot]);
        release(w);
        return -1;
    }
    release(w);
    return 0;
}

void csvw_abort(struct csvw *w)
{
    fclose(w->f);
    unlink(pending[w->slot]);
    release(w);
}

void csvw_abort_all_signal_safe(void)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (pending_used[i])
            unlink(pending[i]);
}

/* ---- the run's results --------------------------------------------------------------- */

struct run_row {
    char *experiment, *variant, *param, *metric, *unit;
    int workers, rep;
    double value;
};

struct fit_row {
    char *experiment, *variant, *param, *metric, *unit;
    double value;
    int npoints;
};

struct results {
    char *lab, *run_id;
    struct run_row *runs;
    int nruns, capruns;
    struct fit_row *fits;
    int nfits, capfits;
    char **meta; /* key, value pairs */
    int nmeta, capmeta;
    struct summary last; /* storage for results_summary() */
};

struct results *results_new(const char *lab, const char *run_id)
{
    struct results *r = xcalloc(1, sizeof(*r));
    r->lab = xstrdup(lab);
    r->run_id = xstrdup(run_id);
    return r;
}

void results_free(struct results *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->nruns; i++) {
        struct run_row *x = &r->runs[i];
        free(x->experiment), free(x->variant), free(x->param), free(x->metric), free(x->unit);
    }
    for (int i = 0; i < r->nfits; i++) {
        struct fit_row *x = &r->fits[i];
        free(x->experiment), free(x->variant), free(x->param), free(x->metric), free(x->unit);
    }
    for (int i = 0; i < r->nmeta * 2; i++)
        free(r->meta[i]);
    free(r->runs), free(r->fits), free(r->meta), free(r->lab), free(r->run_id);
    free(r);
}

void results_add(struct results *r, const struct point *pt, int rep, const char *metric,
                 double value, const char *unit)
{
    struct run_row *x;
    if (r->nruns == r->capruns) {
        r->capruns = r->capruns ? 2 * r->capruns : 256;
        r->runs = xrealloc(r->runs, sizeof(*r->runs) * (size_t)r->capruns);
    }
    x = &r->runs[r->nruns++];
    x->experiment = xstrdup(pt->experiment);
    x->variant = xstrdup(pt->variant);
    x->param = xstrdup(pt->param ? pt->param : "");
    x->workers = pt->workers;
    x->rep = rep;
    x->metric = xstrdup(metric);
    x->value = value;
    x->unit = xstrdup(unit);
}

void results_add_fit(struct results *r, const struct point *pt, const char *metric,
                     double value, const char *unit, int npoints)
{
    struct fit_row *x;
    if (r->nfits == r->capfits) {
        r->capfits = r->capfits ? 2 * r->capfits : 16;
        r->fits = xrealloc(r->fits, sizeof(*r->fits) * (size_t)r->capfits);
    }
    x = &r->fits[r->nfits++];
    x->experiment = xstrdup(pt->experiment);
    x->variant = xstrdup(pt->variant);
    x->param = xstrdup(pt->param ? pt->param : "");
    x->metric = xstrdup(metric);
    x->unit = xstrdup(unit);
    x->value = value;
    x->npoints = npoints;
}

void results_meta(struct results *r, const char *key, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (r->nmeta == r->capmeta) {
        r->capmeta = r->capmeta ? 2 * r->capmeta : 32;
        r->meta = xrealloc(r->meta, sizeof(*r->meta) * 2 * (size_t)r->capmeta);
    }
    r->meta[2 * r->nmeta] = xstrdup(key);
    r->meta[2 * r->nmeta + 1] = xstrdup(buf);
    r->nmeta++;
}

static int same_group(const struct run_row *a, const struct run_row *b)
{
    return a->workers == b->workers && !strcmp(a->metric, b->metric) &&
           !strcmp(a->experiment, b->experiment) && !strcmp(a->variant, b->variant) &&
           !strcmp(a->param, b->param) && !strcmp(a->unit, b->unit);
}

/* Values of every run row in the same group as runs[i]. */
static int group_values(const struct results *r, const struct run_row *key, double *out)
{
    int n = 0;
    for (int j = 0; j < r->nruns; j++)
        if (same_group(&r->runs[j], key))
            out[n++] = r->runs[j].value;
    return n;
}

static int row_matches(const struct run_row *x, const struct point *pt, const char *metric)
{
    return x->workers == pt->workers && !strcmp(x->metric, metric) &&
           !strcmp(x->experiment, pt->experiment) && !strcmp(x->variant, pt->variant) &&
           !strcmp(x->param, pt->param ? pt->param : "");
}

const struct summary *results_summary(struct results *r, const struct point *pt,
                                      const char *metric)
{
    double *v = xmalloc(sizeof(*v) * (size_t)(r->nruns + 1));
    int n = 0;
    for (int j = 0; j < r->nruns; j++)
        if (row_matches(&r->runs[j], pt, metric))
            v[n++] = r->runs[j].value;
    if (n)
        stats_summarise(v, n, &r->last);
    free(v);
    return n ? &r->last : NULL;
}

int results_values(const struct results *r, const struct point *pt, const char *metric,
                   double *out, int max)
{
    int n = 0;
    for (int j = 0; j < r->nruns && n < max; j++)
        if (row_matches(&r->runs[j], pt, metric))
            out[n++] = r->runs[j].value;
    return n;
}

static const char *const RUNS_HEADER[] = {"run_id", "lab", "experiment", "variant", "workers",
                                          "param", "rep", "metric", "value", "unit"};
static const char *const SUMMARY_HEADER[] = {
    "run_id", "lab", "experiment", "variant", "workers", "param", "metric", "unit",
    "n", "median", "min", "max", "ci_lo", "ci_hi", "outliers"};

static void write_runs(struct results *r, struct csvw *w)
{
    csvw_row(w, RUNS_HEADER, ARRAY_SIZE(RUNS_HEADER));
    for (int i = 0; i < r->nruns; i++) {
        const struct run_row *x = &r->runs[i];
        csvw_str(w, r->run_id), csvw_str(w, r->lab), csvw_str(w, x->experiment);
        csvw_str(w, x->variant), csvw_int(w, x->workers), csvw_str(w, x->param);
        csvw_int(w, x->rep), csvw_str(w, x->metric), csvw_num(w, x->value);
        csvw_str(w, x->unit);
        csvw_endrow(w);
    }
}

static void write_summary(struct results *r, struct csvw *w)
{
    double *v = xmalloc(sizeof(*v) * (size_t)(r->nruns + 1));
    csvw_row(w, SUMMARY_HEADER, ARRAY_SIZE(SUMMARY_HEADER));
    for (int i = 0; i < r->nruns; i++) {
        const struct run_row *x = &r->runs[i];
        struct summary s;
        int first = 1, n;
        for (int j = 0; j < i && first; j++)
            first = !same_group(&r->runs[j], x);
        if (!first)
            continue; /* each group once, in the order it was first measured */
        n = group_values(r, x, v);
        stats_summarise(v, n, &s);
        csvw_str(w, r->run_id), csvw_str(w, r->lab), csvw_str(w, x->experiment);
        csvw_str(w, x->variant), csvw_int(w, x->workers), csvw_str(w, x->param);
        csvw_str(w, x->metric), csvw_str(w, x->unit), csvw_int(w, s.n);
        csvw_num(w, s.median), csvw_num(w, s.min), csvw_num(w, s.max);
        csvw_num(w, s.ci_lo), csvw_num(w, s.ci_hi), csvw_int(w, s.outliers);
        csvw_endrow(w);
    }
    for (int i = 0; i < r->nfits; i++) {
        const struct fit_row *x = &r->fits[i];
        csvw_str(w, r->run_id), csvw_str(w, r->lab), csvw_str(w, x->experiment);
        csvw_str(w, x->variant), csvw_int(w, 0), csvw_str(w, x->param);
        csvw_str(w, x->metric), csvw_str(w, x->unit), csvw_int(w, x->npoints);
        csvw_num(w, x->value), csvw_num(w, x->value), csvw_num(w, x->value);
        csvw_num(w, NAN), csvw_num(w, NAN), csvw_int(w, 0);
        csvw_endrow(w);
    }
    free(v);
}

static void write_meta(struct results *r, struct csvw *w)
{
    static const char *const hdr[] = {"key", "value"};
    csvw_row(w, hdr, 2);
    csvw_str(w, "run_id"), csvw_str(w, r->run_id), csvw_endrow(w);
    csvw_str(w, "lab"), csvw_str(w, r->lab), csvw_endrow(w);
    for (int i = 0; i < r->nmeta; i++)
        csvw_row(w, (const char *const *)&r->meta[2 * i], 2);
}

int results_write(struct results *r, const char *dir)
{
    static const char *const suffix[3] = {"runs", "summary", "meta"};
    struct csvw *w[3] = {0};
    char name[256];
    for (int i = 0; i < 3; i++) {
        snprintf(name, sizeof(name), "%s-%s.csv", r->lab, suffix[i]);
        if (!(w[i] = csvw_open(dir, name))) {
            note("cannot write '%s/%s': %s", dir, name, strerror(errno));
            for (int j = 0; j < i; j++)
                csvw_abort(w[j]);
            return -1;
        }
    }
    write_runs(r, w[0]);
    write_summary(r, w[1]);
    write_meta(r, w[2]);
    /* Commit only when all three are complete: runs first, meta last. */
    for (int i = 0; i < 3; i++)
        if (csvw_commit(w[i]) < 0) {
            for (int j = i + 1; j < 3; j++)
                csvw_abort(w[j]);
            return -1;
        }
    return 0;
}

/* ---- reading -------------------------------------------------------------------- */

struct reader {
    struct csv_table *t;
    char **cur;
    int ncur, capcur;
    int lineno;
    int header_done;
};

static void on_field(void *s, size_t len, void *data)
{
    struct reader *rd = data;
    char *f = xmalloc(len + 1);
    if (len)
        memcpy(f, s, len);
    f[len] = '\0';
    if (rd->ncur == rd->capcur) {
        rd->capcur = rd->capcur ? 2 * rd->capcur : 16;
        rd->cur = xrealloc(rd->cur, sizeof(*rd->cur) * (size_t)rd->capcur);
    }
    rd->cur[rd->ncur++] = f;
}

static void on_row(int c, void *data)
{
    struct reader *rd = data;
    struct csv_table *t = rd->t;
    (void)c;
    if (!rd->header_done) {
        t->header = rd->cur;
        t->ncols = rd->ncur;
        rd->header_done = 1;
    } else {
        char **row = xcalloc((size_t)(t->ncols > rd->ncur ? t->ncols : rd->ncur), sizeof(*row));
        int i;
        for (i = 0; i < rd->ncur; i++)
            row[i] = rd->cur[i];
        for (; i < t->ncols; i++)
            row[i] = xstrdup("");
        /* Fields past the header's count are kept only to be freed. */
        t->rows = xrealloc(t->rows, sizeof(*t->rows) * (size_t)(t->nrows + 1));
        t->row_ncols = xrealloc(t->row_ncols, sizeof(int) * (size_t)(t->nrows + 1));
        t->line = xrealloc(t->line, sizeof(int) * (size_t)(t->nrows + 1));
        t->rows[t->nrows] = row;
        t->row_ncols[t->nrows] = rd->ncur;
        t->line[t->nrows] = rd->lineno;
        t->nrows++;
        free(rd->cur);
    }
    rd->cur = NULL;
    rd->ncur = rd->capcur = 0;
}

int csv_read_table(const char *path, struct csv_table *t, char *err, size_t errsize)
{
    struct csv_parser p;
    struct reader rd = {.t = t};
    FILE *f;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int rc = 0;

    memset(t, 0, sizeof(*t));
    if (!(f = fopen(path, "r"))) {
        snprintf(err, errsize, "cannot open '%s': %s", path, strerror(errno));
        return -1;
    }
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
    /* Feed a line at a time so a row's line number is known when it completes. */
    while ((len = getline(&line, &cap, f)) > 0) {
        rd.lineno++;
        if ((size_t)len != csv_parse(&p, line, (size_t)len, on_field, on_row, &rd)) {
            snprintf(err, errsize, "%s:%d: malformed CSV (%s)", path, rd.lineno,
                     csv_strerror(csv_error(&p)));
            rc = -1;
            break;
        }
    }
    if (rc == 0 && csv_fini(&p, on_field, on_row, &rd) != 0) {
        snprintf(err, errsize, "%s:%d: malformed CSV (%s)", path, rd.lineno,
                 csv_strerror(csv_error(&p)));
        rc = -1;
    }
    csv_free(&p);
    free(line);
    fclose(f);
    for (int i = 0; i < rd.ncur; i++)
        free(rd.cur[i]);
    free(rd.cur);
    if (rc == 0 && !rd.header_done) {
        snprintf(err, errsize, "%s:1: empty file, expected a header row", path);
        rc = -1;
    }
    if (rc)
        csv_free_table(t);
    return rc;
}

int csv_col(const struct csv_table *t, const char *name)
{
    for (int i = 0; i < t->ncols; i++)
        if (!strcmp(t->header[i], name))
            return i;
    return -1;
}

void csv_free_table(struct csv_table *t)
{
    for (int r = 0; r < t->nrows; r++) {
        int n = t->row_ncols[r] > t->ncols ? t->row_ncols[r] : t->ncols;
        for (int c = 0; c < n; c++)
            free(t->rows[r][c]);
        free(t->rows[r]);
    }
    for (int c = 0; c < t->ncols; c++)
        free(t->header[c]);
    free(t->header), free(t->rows), free(t->row_ncols), free(t->line);
    memset(t, 0, sizeof(*t));
}
