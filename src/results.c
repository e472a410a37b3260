/* results.c: tidy CSV in and out through libcsv; a run's files published as one set. */
#include "results.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* ---- atomic CSV writer ---------------------------------------------------------- */

struct csvw {
    FILE *f;
    char *final_path;
    int slot;     /* index in pending[], for signal-time cleanup */
    int nfields;  /* fields written on the current row */
    int finished; /* flushed, fsynced and closed: waiting to be published */
};

/* Temporaries that exist right now, so a signal handler or atexit can unlink them. A
 * fixed table of fixed strings: a handler may not call malloc or take locks. A slot is
 * marked used BEFORE the file is created (mkstemp writes the name into the slot), so
 * no signal can come between creating a temporary and being able to remove it. */
#define MAX_PENDING 64
#define PENDING_PATH 1024
static char pending[MAX_PENDING][PENDING_PATH];
static volatile sig_atomic_t pending_used[MAX_PENDING];

/* The mode new result files get: what open(0666) would give under the umask. */
static mode_t file_mode(void)
{
    mode_t m = umask(0);
    umask(m);
    return 0666 & ~m;
}

struct csvw *csvw_open(const char *dir, const char *name)
{
    struct csvw *w;
    int slot = -1, fd;
    sigset_t all, old;
    if (strlen(dir) + strlen(name) + 16 >= PENDING_PATH) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    /* Claim a slot and create the file with signals blocked: the handler then sees
     * either no slot or a slot naming a file that exists (or is about to). */
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    for (int i = 0; i < MAX_PENDING; i++)
        if (!pending_used[i]) {
            slot = i;
            break;
        }
    if (slot < 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        errno = EMFILE;
        return NULL;
    }
    snprintf(pending[slot], sizeof(pending[slot]), "%s/.%s.XXXXXX", dir, name);
    fd = mkostemp(pending[slot], O_CLOEXEC);
    if (fd >= 0)
        pending_used[slot] = 1;
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (fd < 0)
        return NULL;
    if (fchmod(fd, file_mode()) < 0) {
        /* not fatal: the file stays 0600 */
    }
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

FILE *csvw_file(struct csvw *w)
{
    return w->f;
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
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    pending_used[w->slot] = 0;
    sigprocmask(SIG_SETMASK, &old, NULL);
    free(w->final_path);
    free(w);
}

int csvw_finish(struct csvw *w)
{
    static int nfinished;
    int bad = ferror(w->f), e = 0;
    if ((e = fault_at("write", ++nfinished)) != 0)
        bad = 1;
    if (fflush(w->f) != 0)
        bad = 1, e = errno;
    if (fsync(fileno(w->f)) != 0 && errno != EINVAL)
        bad = 1, e = e ? e : errno;
    if (fclose(w->f) != 0)
        bad = 1, e = e ? e : errno;
    w->f = NULL;
    if (bad) {
        note("cannot write '%s': %s", w->final_path, strerror(e ? e : EIO));
        unlink(pending[w->slot]);
        release(w);
        return -1;
    }
    w->finished = 1;
    return 0;
}

int csvw_publish(struct csvw **w, int n)
{
    sigset_t all, old;
    int rc = 0, i;
    /* No signal between the first rename and the last: a reader sees the old set or
     * the new one, never half of each. */
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    for (i = 0; i < n; i++)
        if ((fault_at("publish", i + 1), rename(pending[w[i]->slot], w[i]->final_path)) != 0) {
            note("cannot write '%s': %s", w[i]->final_path, strerror(errno));
            rc = -1;
            break;
        }
    for (int k = i; k < n; k++)
        unlink(pending[w[k]->slot]);
    sigprocmask(SIG_SETMASK, &old, NULL);
    for (int k = 0; k < n; k++)
        release(w[k]);
    return rc;
}

int csvw_commit(struct csvw *w)
{
    if (csvw_finish(w) < 0)
        return -1;
    return csvw_publish(&w, 1);
}

void csvw_abort(struct csvw *w)
{
    if (w->f)
        fclose(w->f);
    unlink(pending[w->slot]);
    release(w);
}

void csvw_abort_all_signal_safe(void)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (pending_used[i]) {
            unlink(pending[i]);
            pending_used[i] = 0;
        }
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

struct table {
    char *name;
    int ncols;
    char **cols;
    char **cells; /* nrows * ncols */
    int nrows, caprows;
};

struct results {
    char *lab, *run_id;
    int usable;
    struct run_row *runs;
    int nruns, capruns;
    struct fit_row *fits;
    int nfits, capfits;
    char **meta; /* key, value pairs */
    int nmeta, capmeta;
    struct table *tables;
    int ntables;
    int forward_fd; /* > 0: a child's results, sent to the parent */
    struct summary last; /* storage for results_summary() */
};

struct results *results_new(const char *lab, const char *run_id)
{
    struct results *r = xcalloc(1, sizeof(*r));
    r->lab = xstrdup(lab);
    r->run_id = xstrdup(run_id);
    r->forward_fd = -1;
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
    for (int t = 0; t < r->ntables; t++) {
        struct table *tb = &r->tables[t];
        for (int i = 0; i < tb->ncols; i++)
            free(tb->cols[i]);
        for (int i = 0; i < tb->nrows * tb->ncols; i++)
            free(tb->cells[i]);
        free(tb->cols), free(tb->cells), free(tb->name);
    }
    free(r->tables);
    free(r->runs), free(r->fits), free(r->meta), free(r->lab), free(r->run_id);
    free(r);
}

void results_set_usable(struct results *r, int usable)
{
    r->usable = usable;
}

/* ---- forwarding, in a child ---------------------------------------------------------- */

void results_forward_to(struct results *r, int fd)
{
    r->forward_fd = fd;
}

int results_forwarding(const struct results *r)
{
    return r->forward_fd >= 0;
}

/* A line to the parent: tag, then fields (util.h's line_send frames it). */
static void fwd_line(int fd, char tag, const char *const *f, int n)
{
    line_send(fd, tag, f, n);
}

static void fwd_point_line(struct results *r, char tag, const struct point *pt,
                           const char *const *rest, int nrest)
{
    char w[16], cw[32];
    const char *f[12];
    int n = 0;
    snprintf(w, sizeof(w), "%d", pt->workers);
    snprintf(cw, sizeof(cw), "%.17g", pt->cores_wanted);
    f[n++] = pt->experiment, f[n++] = pt->variant, f[n++] = w, f[n++] = pt->param ? pt->param : "";
    f[n++] = cw;
    for (int i = 0; i < nrest && n < 12; i++)
        f[n++] = rest[i];
    fwd_line(r->forward_fd, tag, f, n);
}

/* ---- recording ------------------------------------------------------------------------ */

void results_add(struct results *r, const struct point *pt, int rep, const char *metric,
                 double value, const char *unit)
{
    struct run_row *x;
    if (r->forward_fd >= 0) {
        char rs[16], vs[40];
        const char *rest[4] = {rs, metric, vs, unit};
        snprintf(rs, sizeof(rs), "%d", rep);
        snprintf(vs, sizeof(vs), "%.17g", value);
        fwd_point_line(r, 'R', pt, rest, 4);
        return;
    }
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
    if (r->forward_fd >= 0) {
        char vs[40], ns[16];
        const char *rest[4] = {metric, vs, unit, ns};
        snprintf(vs, sizeof(vs), "%.17g", value);
        snprintf(ns, sizeof(ns), "%d", npoints);
        fwd_point_line(r, 'F', pt, rest, 4);
        return;
    }
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

static void meta_set(struct results *r, const char *key, const char *val)
{
    for (int i = 0; i < r->nmeta; i++)
        if (!strcmp(r->meta[2 * i], key)) { /* a key is set once: the last value wins */
            free(r->meta[2 * i + 1]);
            r->meta[2 * i + 1] = xstrdup(val);
            return;
        }
    if (r->nmeta == r->capmeta) {
        r->capmeta = r->capmeta ? 2 * r->capmeta : 32;
        r->meta = xrealloc(r->meta, sizeof(*r->meta) * 2 * (size_t)r->capmeta);
    }
    r->meta[2 * r->nmeta] = xstrdup(key);
    r->meta[2 * r->nmeta + 1] = xstrdup(val);
    r->nmeta++;
}

void results_meta(struct results *r, const char *key, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (r->forward_fd >= 0) {
        const char *f[2] = {key, buf};
        fwd_line(r->forward_fd, 'M', f, 2);
        return;
    }
    meta_set(r, key, buf);
}

const char *results_meta_get(const struct results *r, const char *key)
{
    for (int i = 0; i < r->nmeta; i++)
        if (!strcmp(r->meta[2 * i], key))
            return r->meta[2 * i + 1];
    return NULL;
}

static int table_find(const struct results *r, const char *name)
{
    for (int t = 0; t < r->ntables; t++)
        if (!strcmp(r->tables[t].name, name))
            return t;
    return -1;
}

int results_table(struct results *r, const char *name, const char *const *cols, int ncols)
{
    struct table *tb;
    int t = table_find(r, name);
    if (r->forward_fd >= 0) {
        const char *f[33];
        int n = 0;
        f[n++] = name;
        for (int i = 0; i < ncols && n < 33; i++)
            f[n++] = cols[i];
        fwd_line(r->forward_fd, 'D', f, n);
    }
    if (t >= 0)
        return t;
    r->tables = xrealloc(r->tables, sizeof(*r->tables) * (size_t)(r->ntables + 1));
    tb = &r->tables[r->ntables];
    memset(tb, 0, sizeof(*tb));
    tb->name = xstrdup(name);
    tb->ncols = ncols;
    tb->cols = xmalloc(sizeof(char *) * (size_t)ncols);
    for (int i = 0; i < ncols; i++)
        tb->cols[i] = xstrdup(cols[i]);
    return r->ntables++;
}

void results_table_row(struct results *r, int table, const char *const *fields)
{
    struct table *tb = &r->tables[table];
    if (r->forward_fd >= 0) {
        const char *f[33];
        int n = 0;
        f[n++] = tb->name;
        for (int i = 0; i < tb->ncols && n < 33; i++)
            f[n++] = fields[i];
        fwd_line(r->forward_fd, 'T', f, n);
        return;
    }
    if (tb->nrows == tb->caprows) {
        tb->caprows = tb->caprows ? 2 * tb->caprows : 256;
        tb->cells = xrealloc(tb->cells, sizeof(char *) * (size_t)tb->caprows * (size_t)tb->ncols);
    }
    for (int i = 0; i < tb->ncols; i++)
        tb->cells[tb->nrows * tb->ncols + i] = xstrdup(fields[i] ? fields[i] : "");
    tb->nrows++;
}

int results_apply_line(struct results *r, char tag, char **f, int nf)
{
    struct point pt;
    if ((tag == 'R' && nf == 9) || (tag == 'F' && nf == 9)) {
        pt = (struct point){f[0], f[1], atoi(f[2]), f[3], strtod(f[4], NULL)};
        if (tag == 'R')
            results_add(r, &pt, atoi(f[5]), f[6], strtod(f[7], NULL), f[8]);
        else
            results_add_fit(r, &pt, f[5], strtod(f[6], NULL), f[7], atoi(f[8]));
        return 0;
    }
    if (tag == 'M' && nf == 2) {
        meta_set(r, f[0], f[1]);
        return 0;
    }
    if (tag == 'D' && nf >= 2) {
        results_table(r, f[0], (const char *const *)f + 1, nf - 1);
        return 0;
    }
    if (tag == 'T' && nf >= 1) {
        int t = table_find(r, f[0]);
        if (t < 0 || nf - 1 != r->tables[t].ncols)
            return -1;
        results_table_row(r, t, (const char *const *)f + 1);
        return 0;
    }
    return -1;
}

/* ---- querying --------------------------------------------------------------------------- */

static int same_point(const struct run_row *a, const struct run_row *b)
{
    return a->workers == b->workers && !strcmp(a->experiment, b->experiment) &&
           !strcmp(a->variant, b->variant) && !strcmp(a->param, b->param);
}

static int same_group(const struct run_row *a, const struct run_row *b)
{
    return same_point(a, b) && !strcmp(a->metric, b->metric) && !strcmp(a->unit, b->unit);
}

static int row_is(const struct run_row *x, const struct point *pt, const char *metric)
{
    return x->workers == pt->workers && !strcmp(x->metric, metric) &&
           !strcmp(x->experiment, pt->experiment) && !strcmp(x->variant, pt->variant) &&
           !strcmp(x->param, pt->param ? pt->param : "");
}

int results_values(const struct results *r, const struct point *pt, const char *metric,
                   double *out, int *reps, int max)
{
    int n = 0;
    for (int j = 0; j < r->nruns && n < max; j++)
        if (r->runs[j].rep >= 1 && row_is(&r->runs[j], pt, metric)) {
            if (reps)
                reps[n] = r->runs[j].rep;
            out[n++] = r->runs[j].value;
        }
    return n;
}

/* Every value of a point and metric, rep 0 included when with_rep0 (the point-wide
 * values have only rep 0). */
static int point_values(const struct results *r, const struct point *pt, const char *metric,
                        double *out, int with_rep0)
{
    int n = 0;
    for (int j = 0; j < r->nruns; j++)
        if ((with_rep0 || r->runs[j].rep >= 1) && row_is(&r->runs[j], pt, metric))
            out[n++] = r->runs[j].value;
    return n;
}

const struct summary *results_summary(struct results *r, const struct point *pt,
                                      const char *metric)
{
    double *v = xmalloc(sizeof(*v) * (size_t)(r->nruns + 1));
    int n = point_values(r, pt, metric, v, 0);
    if (!n) /* a point-wide value (rep 0 only) */
        n = point_values(r, pt, metric, v, 1);
    if (n)
        stats_summarise(v, n, &r->last);
    free(v);
    return n ? &r->last : NULL;
}

double results_median(struct results *r, const struct point *pt, const char *metric)
{
    const struct summary *s = results_summary(r, pt, metric);
    return s ? s->median : NAN;
}

double results_value_at(const struct results *r, const struct point *pt, const char *metric,
                        int rep)
{
    for (int j = 0; j < r->nruns; j++)
        if (r->runs[j].rep == rep && row_is(&r->runs[j], pt, metric))
            return r->runs[j].value;
    return NAN;
}

int results_ratio(struct results *r, const struct point *num, const char *num_metric,
                  const struct point *den, const char *den_metric, int paired,
                  struct summary *out)
{
    memset(out, 0, sizeof(*out));
    if (paired) {
        double *a = xmalloc(sizeof(double) * (size_t)(r->nruns + 1));
        double *q = xmalloc(sizeof(double) * (size_t)(r->nruns + 1));
        int *reps = xmalloc(sizeof(int) * (size_t)(r->nruns + 1));
        int n = results_values(r, num, num_metric, a, reps, r->nruns), m = 0;
        for (int i = 0; i < n; i++) {
            double d = results_value_at(r, den, den_metric, reps[i]);
            if (!isnan(d) && d != 0)
                q[m++] = a[i] / d;
        }
        if (m)
            stats_summarise(q, m, out);
        free(a), free(q), free(reps);
        return m ? 0 : -1;
    } else {
        struct summary sn, sd;
        const struct summary *s = results_summary(r, num, num_metric);
        if (!s)
            return -1;
        sn = *s;
        if (!(s = results_summary(r, den, den_metric)) || s->median == 0)
            return -1;
        sd = *s;
        out->n = sn.n < sd.n ? sn.n : sd.n;
        out->median = sn.median / sd.median;
        out->min = out->ci_lo = sd.ci_hi > 0 ? sn.ci_lo / sd.ci_hi : NAN;
        out->max = out->ci_hi = sd.ci_lo > 0 ? sn.ci_hi / sd.ci_lo : INFINITY;
        /* both intervals hold their medians with ci_level each; both at once at least
         * with the product (they were measured independently) */
        out->ci_level = sn.ci_level * sd.ci_level;
        out->outliers = -1;
        return 0;
    }
}

/* ---- flags ------------------------------------------------------------------------------- */

const char *flags_compute(char *buf, size_t size, int workers, int usable, double other_cores,
                          double cores_wanted, double cpu_cores, double cpu_cores_one,
                          double speedup)
{
    size_t len = 0;
    double wanted = isnan(cores_wanted) ? 0 : cores_wanted;
    buf[0] = '\0';
#define FLAG(s) (len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s%s", len ? ";" : "", s))
    /* More workers than CPUs matters for work that wants CPUs; waiting workers share one. */
    if (usable > 0 && workers > usable && wanted > 0)
        FLAG("oversubscribed");
    /* Other programs ran on CPUs this point wanted: beyond the ones it left free. */
    if (!isnan(other_cores) && usable > 0 && wanted > 0 && other_cores > 0.25 &&
        other_cores > (double)usable - wanted + 0.25)
        FLAG("busy");
    if (wanted > 0 && !isnan(cpu_cores) && cpu_cores < 0.8 * wanted)
        FLAG("short");
    /* A speedup above the cores it ran on (relative to the one-worker point's) cannot
     * come from the work: the machine ran faster during the N-worker runs. */
    if (wanted > 0 && workers > 1 && !isnan(speedup) && !isnan(cpu_cores) && cpu_cores > 0) {
        /* One worker's work keeps at most one core busy; more is an idle thread spinning
         * (an OpenMP team waiting for work), not work the baseline did. */
        double one = !isnan(cpu_cores_one) && cpu_cores_one > 0.05 ? fmin(cpu_cores_one, 1.0) : 1.0;
        double limit = cpu_cores / one;
        if (speedup > 1.1 * limit + 0.05)
            FLAG("above-cores");
    }
#undef FLAG
    return buf;
}

const char *results_flags(struct results *r, const struct point *pt, char *buf, size_t size)
{
    struct point one = *pt;
    one.workers = 1;
    return flags_compute(buf, size, pt->workers, r->usable, results_median(r, pt, "other_cores"),
                         results_median(r, pt, "cores_wanted"), results_median(r, pt, "cpu_cores"),
                         results_median(r, &one, "cpu_cores"), results_median(r, pt, "speedup"));
}

const struct sumrow *sumrows_find(const struct sumrow *rows, int n, const char *experiment,
                                  const char *variant, int workers, const char *param,
                                  const char *metric)
{
    for (int i = 0; i < n; i++) {
        const struct sumrow *x = &rows[i];
        if (x->workers == workers && !strcmp(x->metric, metric) &&
            !strcmp(x->experiment, experiment) && (!variant || !strcmp(x->variant, variant)) &&
            (!param || !strcmp(x->param, param)))
            return x;
    }
    return NULL;
}

static double row_median(const struct sumrow *rows, int n, const struct sumrow *at, int workers,
                         const char *metric)
{
    const struct sumrow *x = sumrows_find(rows, n, at->experiment, at->variant, workers, at->param, metric);
    return x ? x->median : NAN;
}

void sumrows_set_flags(struct sumrow *rows, int n, int usable)
{
    for (int i = 0; i < n; i++) {
        char buf[128];
        struct sumrow *x = &rows[i];
        const struct sumrow *first;
        if (x->workers <= 0)
            continue; /* a fitted value belongs to no point */
        /* once per point: its first row computes, the others copy */
        first = sumrows_find(rows, n, x->experiment, x->variant, x->workers, x->param, rows[i].metric);
        for (int j = 0; j < i; j++)
            if (rows[j].workers == x->workers && !strcmp(rows[j].experiment, x->experiment) &&
                !strcmp(rows[j].variant, x->variant) && !strcmp(rows[j].param, x->param)) {
                first = &rows[j];
                break;
            }
        if (first != x) {
            free(x->flags);
            x->flags = xstrdup(first->flags);
            continue;
        }
        flags_compute(buf, sizeof(buf), x->workers, usable,
                      row_median(rows, n, x, x->workers, "other_cores"),
                      row_median(rows, n, x, x->workers, "cores_wanted"),
                      row_median(rows, n, x, x->workers, "cpu_cores"),
                      row_median(rows, n, x, 1, "cpu_cores"),
                      row_median(rows, n, x, x->workers, "speedup"));
        /* keep flags a file already had (a summary read back) and add the computed */
        if (x->flags && *x->flags) {
            char merged[256];
            char *tok, *save = NULL, *copy = xstrdup(buf);
            snprintf(merged, sizeof(merged), "%s", x->flags);
            for (tok = strtok_r(copy, ";", &save); tok; tok = strtok_r(NULL, ";", &save))
                if (!flags_has(merged, tok) && strlen(merged) + strlen(tok) + 2 < sizeof(merged))
                    strcat(strcat(merged, ";"), tok);
            free(copy);
            free(x->flags);
            x->flags = xstrdup(merged);
        } else {
            free(x->flags);
            x->flags = xstrdup(buf);
        }
    }
}

int flags_has(const char *flags, const char *flag)
{
    size_t len = strlen(flag);
    for (const char *p = flags; p && *p;) {
        const char *semi = strchr(p, ';');
        size_t n = semi ? (size_t)(semi - p) : strlen(p);
        if (n == len && !strncmp(p, flag, n))
            return 1;
        p += n + (semi != NULL);
    }
    return 0;
}

/* ---- the summary as rows ------------------------------------------------------------------ */

static char *dupe(const char *s)
{
    return xstrdup(s ? s : "");
}

int results_summary_rows(struct results *r, struct sumrow **out)
{
    double *v = xmalloc(sizeof(*v) * (size_t)(r->nruns + 1));
    struct sumrow *rows = xcalloc((size_t)(r->nruns + r->nfits + 1), sizeof(*rows));
    int n = 0;
    for (int i = 0; i < r->nruns; i++) {
        const struct run_row *x = &r->runs[i];
        struct summary s;
        int first = 1, k = 0;
        for (int j = 0; j < i && first; j++)
            first = !same_group(&r->runs[j], x);
        if (!first)
            continue; /* each group once, in the order it was first measured */
        for (int j = i; j < r->nruns; j++)
            if (same_group(&r->runs[j], x) && (r->runs[j].rep >= 1 || x->rep == 0))
                v[k++] = r->runs[j].value;
        if (!k)
            continue;
        stats_summarise(v, k, &s);
        rows[n] = (struct sumrow){dupe(x->experiment), dupe(x->variant), dupe(x->param),
                                  dupe(x->metric), dupe(x->unit), dupe(""), x->workers,
                                  s.n, s.outliers, s.median, s.min, s.max, s.ci_lo, s.ci_hi,
                                  s.ci_level, 0};
        n++;
    }
    for (int i = 0; i < r->nfits; i++) {
        const struct fit_row *x = &r->fits[i];
        rows[n++] = (struct sumrow){dupe(x->experiment), dupe(x->variant), dupe(x->param),
                                    dupe(x->metric), dupe(x->unit), dupe(""), 0, x->npoints,
                                    -1, x->value, x->value, x->value, NAN, NAN, NAN, 0};
    }
    sumrows_set_flags(rows, n, r->usable);
    free(v);
    *out = rows;
    return n;
}

void sumrows_free(struct sumrow *rows, int n)
{
    for (int i = 0; i < n; i++) {
        struct sumrow *x = &rows[i];
        free(x->experiment), free(x->variant), free(x->param), free(x->metric), free(x->unit);
        free(x->flags);
    }
    free(rows);
}

/* ---- writing the set ---------------------------------------------------------------------- */

static const char *const RUNS_HEADER[] = {"run_id", "lab", "experiment", "variant", "workers",
                                          "param", "rep", "metric", "value", "unit"};
static const char *const SUMMARY_HEADER[] = {
    "run_id", "lab", "experiment", "variant", "workers", "param", "metric", "unit", "n",
    "median", "min", "max", "ci_lo", "ci_hi", "outliers", "ci_level", "flags"};

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
    struct sumrow *rows;
    int n = results_summary_rows(r, &rows);
    csvw_row(w, SUMMARY_HEADER, ARRAY_SIZE(SUMMARY_HEADER));
    for (int i = 0; i < n; i++) {
        const struct sumrow *x = &rows[i];
        csvw_str(w, r->run_id), csvw_str(w, r->lab), csvw_str(w, x->experiment);
        csvw_str(w, x->variant), csvw_int(w, x->workers), csvw_str(w, x->param);
        csvw_str(w, x->metric), csvw_str(w, x->unit), csvw_int(w, x->n);
        csvw_num(w, x->median), csvw_num(w, x->min), csvw_num(w, x->max);
        csvw_num(w, x->ci_lo), csvw_num(w, x->ci_hi);
        if (x->outliers >= 0)
            csvw_int(w, x->outliers);
        else
            csvw_str(w, "");
        csvw_num(w, x->ci_level), csvw_str(w, x->flags);
        csvw_endrow(w);
    }
    sumrows_free(rows, n);
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

static void write_table(struct results *r, const struct table *tb, struct csvw *w)
{
    csvw_str(w, "run_id");
    for (int i = 0; i < tb->ncols; i++)
        csvw_str(w, tb->cols[i]);
    csvw_endrow(w);
    for (int row = 0; row < tb->nrows; row++) {
        csvw_str(w, r->run_id);
        for (int i = 0; i < tb->ncols; i++)
            csvw_str(w, tb->cells[row * tb->ncols + i]);
        csvw_endrow(w);
    }
}

int results_write(struct results *r, const char *dir)
{
    int nfiles = 3 + r->ntables, rc = 0;
    struct csvw **w = xcalloc((size_t)nfiles, sizeof(*w));
    char name[512];
    for (int i = 0; i < nfiles; i++) {
        static const char *const suffix[3] = {"runs", "summary", "meta"};
        snprintf(name, sizeof(name), "%s-%s.csv", r->lab, i < 3 ? suffix[i] : r->tables[i - 3].name);
        if (!(w[i] = csvw_open(dir, name))) {
            note("cannot write '%s/%s': %s", dir, name, strerror(errno));
            for (int j = 0; j < i; j++)
                csvw_abort(w[j]);
            free(w);
            return -1;
        }
    }
    write_runs(r, w[0]);
    write_summary(r, w[1]);
    write_meta(r, w[2]);
    for (int t = 0; t < r->ntables; t++)
        write_table(r, &r->tables[t], w[3 + t]);
    /* Every file complete and on disk before the first becomes visible. */
    for (int i = 0; i < nfiles; i++)
        if (rc == 0 && csvw_finish(w[i]) < 0) {
            rc = -1;
            for (int j = 0; j < i; j++) { /* finished: remove their temporaries */
                unlink(pending[w[j]->slot]);
                release(w[j]);
            }
            for (int j = i + 1; j < nfiles; j++)
                csvw_abort(w[j]);
        }
    if (rc == 0)
        rc = csvw_publish(w, nfiles);
    free(w);
    return rc;
}

/* ---- reading -------------------------------------------------------------------- */

/* The streaming reader under both csv_read_table and csv_each_row. Each row is handed
 * over with the line it starts on; the header row is row 0. */
struct reader {
    char **cur;
    size_t *curlen;
    int ncur, capcur;
    int lineno, row_line;
    long rows;
    int (*on_row)(void *arg, char **fields, int n, int line);
    void *arg;
    int stop;          /* on_row asked to stop (an error it reported) */
    int nul_line;      /* a field held a NUL byte: the line, else 0 */
};

static void rd_field(void *s, size_t len, void *data)
{
    struct reader *rd = data;
    char *f;
    if (rd->stop)
        return;
    if (rd->ncur == 0)
        rd->row_line = rd->lineno; /* where this record begins */
    if (len && memchr(s, '\0', len) && !rd->nul_line)
        rd->nul_line = rd->lineno;
    f = xmalloc(len + 1);
    if (len)
        memcpy(f, s, len);
    f[len] = '\0';
    if (rd->ncur == rd->capcur) {
        rd->capcur = rd->capcur ? 2 * rd->capcur : 16;
        rd->cur = xrealloc(rd->cur, sizeof(*rd->cur) * (size_t)rd->capcur);
    }
    rd->cur[rd->ncur++] = f;
}

static void rd_row(int c, void *data)
{
    struct reader *rd = data;
    (void)c;
    if (!rd->stop && !rd->nul_line && rd->on_row(rd->arg, rd->cur, rd->ncur, rd->row_line) < 0)
        rd->stop = 1;
    /* on_row keeps the strings it wants (it sets their pointers to NULL) */
    for (int i = 0; i < rd->ncur; i++)
        free(rd->cur[i]);
    rd->ncur = 0;
    rd->rows++;
}

/* Text from a file, safe to print: control bytes become \xNN, and it is cut at max. */
const char *csv_printable(const char *s, char *buf, size_t size)
{
    size_t o = 0;
    for (; *s && o + 5 < size; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f)
            o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
        else
            buf[o++] = (char)c;
    }
    if (*s && o + 4 < size)
        o += (size_t)snprintf(buf + o, size - o, "...");
    buf[o < size ? o : size - 1] = '\0';
    return buf;
}

int csv_each_row(const char *path, int (*on_row)(void *arg, char **fields, int n, int line),
                 void *arg, long max_rows, char *err, size_t errsize)
{
    struct csv_parser p;
    struct reader rd = {.on_row = on_row, .arg = arg};
    struct stat st;
    FILE *f;
    char *line = NULL, shown[300];
    size_t cap = 0;
    ssize_t len;
    int rc = 0, fd;

    csv_printable(path, shown, sizeof(shown));
    /* What cannot be a CSV file is refused by what it is, before a byte is read: a
     * folder, /dev/zero (which never ends), a pipe left open. */
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        snprintf(err, errsize, "cannot open '%s': %s", shown, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errsize, "'%s' is not a regular file (%s)", shown,
                 S_ISDIR(st.st_mode) ? "a directory" : S_ISCHR(st.st_mode) ? "a device" : "not a file");
        close(fd);
        return -1;
    }
    if (!(f = fdopen(fd, "r"))) {
        snprintf(err, errsize, "cannot open '%s': %s", shown, strerror(errno));
        close(fd);
        return -1;
    }
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
    csv_set_blk_size(&p, 1 << 16); /* libcsv grows its field buffer by this much */
    /* Feed a line at a time so a record's line number is known. */
    while (!rd.stop && (len = getline(&line, &cap, f)) > 0) {
        char *s = line;
        rd.lineno++;
        if (rd.lineno == 1 && len >= 3 && !memcmp(s, "\xef\xbb\xbf", 3))
            s += 3, len -= 3; /* a UTF-8 byte-order mark, as spreadsheets write */
        if ((size_t)len != csv_parse(&p, s, (size_t)len, rd_field, rd_row, &rd)) {
            snprintf(err, errsize, "%s:%d: malformed CSV (%s)", shown, rd.row_line ? rd.row_line : rd.lineno,
                     csv_strerror(csv_error(&p)));
            rc = -1;
            break;
        }
        if (rd.nul_line) {
            snprintf(err, errsize, "%s:%d: a NUL byte inside a field (a binary file?)", shown, rd.nul_line);
            rc = -1;
            break;
        }
        if (max_rows > 0 && rd.rows > max_rows) {
            snprintf(err, errsize, "%s: more than %ld rows (the limit)", shown, max_rows);
            rc = -1;
            break;
        }
    }
    if (rc == 0 && !rd.stop && csv_fini(&p, rd_field, rd_row, &rd) != 0) {
        snprintf(err, errsize, "%s:%d: malformed CSV (%s: a quote is never closed?)", shown,
                 rd.row_line ? rd.row_line : rd.lineno, csv_strerror(csv_error(&p)));
        rc = -1;
    }
    if (rc == 0 && rd.nul_line) {
        snprintf(err, errsize, "%s:%d: a NUL byte inside a field (a binary file?)", shown, rd.nul_line);
        rc = -1;
    }
    csv_free(&p);
    free(line);
    fclose(f);
    for (int i = 0; i < rd.ncur; i++)
        free(rd.cur[i]);
    free(rd.cur);
    if (rd.stop)
        rc = -1; /* on_row wrote err */
    if (rc == 0 && rd.rows == 0) {
        snprintf(err, errsize, "%s:1: empty file, expected a header row", shown);
        rc = -1;
    }
    return rc;
}

/* csv_read_table: every row kept. */
struct table_reader {
    struct csv_table *t;
    int caprows;
};

static int keep_row(void *arg, char **f, int n, int line)
{
    struct table_reader *tr = arg;
    struct csv_table *t = tr->t;
    if (!t->header) {
        t->header = xmalloc(sizeof(char *) * (size_t)(n ? n : 1));
        for (int i = 0; i < n; i++)
            t->header[i] = f[i], f[i] = NULL;
        t->ncols = n;
        return 0;
    }
    if (t->nrows == tr->caprows) {
        tr->caprows = tr->caprows ? 2 * tr->caprows : 64;
        t->rows = xrealloc(t->rows, sizeof(*t->rows) * (size_t)tr->caprows);
        t->row_ncols = xrealloc(t->row_ncols, sizeof(int) * (size_t)tr->caprows);
        t->line = xrealloc(t->line, sizeof(int) * (size_t)tr->caprows);
    }
    {
        int w = t->ncols > n ? t->ncols : n, i;
        char **row = xcalloc((size_t)w, sizeof(*row));
        for (i = 0; i < n; i++)
            row[i] = f[i], f[i] = NULL;
        for (; i < w; i++)
            row[i] = xstrdup(""); /* a short row: "" where fields are missing */
        t->rows[t->nrows] = row;
        t->row_ncols[t->nrows] = n;
        t->line[t->nrows] = line;
        t->nrows++;
    }
    return 0;
}

int csv_read_table(const char *path, struct csv_table *t, char *err, size_t errsize)
{
    struct table_reader tr = {.t = t};
    memset(t, 0, sizeof(*t));
    if (csv_each_row(path, keep_row, &tr, 0, err, errsize) < 0) {
        csv_free_table(t);
        return -1;
    }
    return 0;
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
