/* report.c: read saved summaries and meta, judge every lesson's claims on them, and
 * write the verdicts as text, Markdown or a self-contained HTML page. */
#include "report.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"
#include "util.h"

/* ---- reading ---------------------------------------------------------------------------- */

static int numfield(const char *s, double *v, int allow_empty)
{
    if (!*s && allow_empty) {
        *v = NAN;
        return 0;
    }
    return parse_double(s, -1e300, 1e300, v);
}

/* Rows of a summary file, every field checked: a report on a malformed file would judge
 * garbage, so it names the file and line instead. */
static int load_summary(const char *path, struct report_lab *l, char *err, size_t errsize)
{
    static const char *const need[] = {"experiment", "variant", "workers", "param", "metric",
                                       "unit", "n", "median", "min", "max", "ci_lo", "ci_hi"};
    struct csv_table t;
    int col[12], c_out, c_lvl, c_flags;
    if (csv_read_table(path, &t, err, errsize) < 0)
        return -1;
    for (size_t i = 0; i < ARRAY_SIZE(need); i++)
        if ((col[i] = csv_col(&t, need[i])) < 0) {
            snprintf(err, errsize, "%s:1: no column '%s' (not a parlab summary?)", path, need[i]);
            csv_free_table(&t);
            return -1;
        }
    c_out = csv_col(&t, "outliers");
    c_lvl = csv_col(&t, "ci_level");
    c_flags = csv_col(&t, "flags");
    l->rows = xcalloc((size_t)t.nrows + 1, sizeof(*l->rows));
    for (int r = 0; r < t.nrows; r++) {
        char **f = t.rows[r];
        struct sumrow *x = &l->rows[l->nrows];
        double w, n, v[6], o = -1, lvl = NAN;
        const char *bad = NULL;
        if (t.row_ncols[r] != t.ncols)
            bad = "a row with another number of fields than the header";
        else if (numfield(f[col[2]], &w, 0) < 0 || w < 0 || w != floor(w) || w > 1e6)
            bad = "workers";
        else if (numfield(f[col[6]], &n, 0) < 0 || n < 1 || n != floor(n))
            bad = "n";
        else if (numfield(f[col[7]], &v[0], 0) < 0)
            bad = "median";
        else if (numfield(f[col[8]], &v[1], 0) < 0)
            bad = "min";
        else if (numfield(f[col[9]], &v[2], 0) < 0)
            bad = "max";
        else if (numfield(f[col[10]], &v[3], 1) < 0)
            bad = "ci_lo";
        else if (numfield(f[col[11]], &v[4], 1) < 0)
            bad = "ci_hi";
        else if (c_out >= 0 && numfield(f[c_out], &o, 1) < 0)
            bad = "outliers";
        else if (c_lvl >= 0 && (numfield(f[c_lvl], &lvl, 1) < 0 || lvl < 0 || lvl > 1))
            bad = "ci_level";
        else if (!*f[col[0]] || !*f[col[4]])
            bad = "experiment or metric (empty)";
        if (bad) {
            int c = -1;
            for (size_t i = 0; i < ARRAY_SIZE(need); i++)
                if (!strcmp(bad, need[i]))
                    c = col[i];
            if (c < 0 && !strcmp(bad, "ci_level"))
                c = c_lvl;
            if (c < 0 && !strcmp(bad, "outliers"))
                c = c_out;
            if (c >= 0)
                snprintf(err, errsize, "%s:%d: column '%s': '%.40s' is not a valid value", path,
                         t.line[r], bad, f[c]);
            else
                snprintf(err, errsize, "%s:%d: %s", path, t.line[r], bad);
            csv_free_table(&t);
            return -1;
        }
        *x = (struct sumrow){xstrdup(f[col[0]]), xstrdup(f[col[1]]), xstrdup(f[col[3]]),
                             xstrdup(f[col[4]]), xstrdup(f[col[5]]),
                             xstrdup(c_flags >= 0 ? f[c_flags] : ""), (int)w, (int)n,
                             isnan(o) ? -1 : (int)o, v[0], v[1], v[2], v[3], v[4], lvl, t.line[r]};
        l->nrows++;
    }
    csv_free_table(&t);
    return 0;
}

static int load_meta(const char *path, struct report_lab *l, char *err, size_t errsize)
{
    struct csv_table t;
    int ck, cv;
    if (csv_read_table(path, &t, err, errsize) < 0)
        return -1;
    ck = csv_col(&t, "key");
    cv = csv_col(&t, "value");
    if (ck < 0 || cv < 0) {
        snprintf(err, errsize, "%s:1: expected the header key,value", path);
        csv_free_table(&t);
        return -1;
    }
    l->meta = xcalloc((size_t)t.nrows * 2 + 2, sizeof(char *));
    for (int r = 0; r < t.nrows; r++) {
        l->meta[2 * l->nmeta] = xstrdup(t.rows[r][ck]);
        l->meta[2 * l->nmeta + 1] = xstrdup(t.rows[r][cv]);
        l->nmeta++;
    }
    csv_free_table(&t);
    return 0;
}

static void set_from_meta(struct report_lab *l)
{
    long v;
    l->usable = parse_long(report_meta(l, "cpus_usable"), 1, 1 << 20, &v) == 0 ? (int)v : 0;
    l->quick = !strcmp(report_meta(l, "quick"), "1");
    l->reps = parse_long(report_meta(l, "reps"), 1, 1 << 20, &v) == 0 ? (int)v : 0;
    l->lab = lab_find(l->name);
}

int report_load(const char *dir, const char *name, struct report_lab *out, char *err,
                size_t errsize)
{
    char path[4096];
    memset(out, 0, sizeof(*out));
    out->name = xstrdup(name);
    snprintf(path, sizeof(path), "%s/%s-summary.csv", dir, name);
    out->source = xstrdup(path);
    if (load_summary(path, out, err, errsize) < 0)
        return -1;
    snprintf(path, sizeof(path), "%s/%s-meta.csv", dir, name);
    if (load_meta(path, out, err, errsize) < 0)
        return -1;
    set_from_meta(out);
    /* The flags a saved file has, and those its numbers imply (a summary written by
     * hand has none): a speedup above the cores it used is impossible whoever says so. */
    sumrows_set_flags(out->rows, out->nrows, out->usable);
    return 0;
}

void report_free(struct report_lab *l)
{
    if (!l)
        return;
    sumrows_free(l->rows, l->nrows);
    for (int i = 0; i < 2 * l->nmeta; i++)
        free(l->meta[i]);
    free(l->meta), free(l->name), free(l->source);
    memset(l, 0, sizeof(*l));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int report_load_dir(const char *dir, struct report_lab **out, char *err, size_t errsize)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    int n = 0, k = 0;
    struct report_lab *labs;
    if (!d) {
        snprintf(err, errsize, "cannot open '%s': %s", dir, strerror(errno));
        return -1;
    }
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len <= 12 || strcmp(e->d_name + len - 12, "-summary.csv"))
            continue;
        names = xrealloc(names, sizeof(char *) * (size_t)(n + 1));
        names[n] = xstrdup(e->d_name);
        names[n][len - 12] = '\0';
        n++;
    }
    closedir(d);
    /* lab table order first (the order of the lessons), then any other, by name */
    if (n > 1)
        qsort(names, (size_t)n, sizeof(char *), cmp_str);
    labs = xcalloc((size_t)n + 1, sizeof(*labs));
    for (int pass = 0; pass < 2; pass++)
        for (int t = 0; t < (pass ? 1 : lab_count); t++)
            for (int i = 0; i < n; i++) {
                if (!names[i] || (pass == 0 && strcmp(names[i], lab_table[t]->name)))
                    continue;
                if (report_load(dir, names[i], &labs[k], err, errsize) < 0) {
                    for (int j = 0; j <= k; j++)
                        report_free(&labs[j]);
                    free(labs);
                    for (int j = 0; j < n; j++)
                        free(names[j]);
                    free(names);
                    return -1;
                }
                k++;
                free(names[i]);
                names[i] = NULL;
            }
    free(names);
    *out = labs;
    return k;
}

/* ---- judging --------------------------------------------------------------------------- */

const char *report_meta(const struct report_lab *l, const char *key)
{
    for (int i = 0; i < l->nmeta; i++)
        if (!strcmp(l->meta[2 * i], key))
            return l->meta[2 * i + 1];
    return "";
}

const struct sumrow *report_row(const struct report_lab *l, const char *experiment,
                                const char *variant, int workers, const char *param,
                                const char *metric)
{
    return sumrows_find(l->rows, l->nrows, experiment, variant, workers, param, metric);
}

int report_top_workers(const struct report_lab *l, const char *experiment, const char *variant,
                       const char *param, const char *metric, int min_workers)
{
    int best = 0;
    for (int i = 0; i < l->nrows; i++) {
        const struct sumrow *x = &l->rows[i];
        if (x->workers >= min_workers && x->workers > best &&
            (l->usable <= 0 || x->workers <= l->usable) && !strcmp(x->metric, metric) &&
            !strcmp(x->experiment, experiment) && (!variant || !strcmp(x->variant, variant)) &&
            (!param || !strcmp(x->param, param)))
            best = x->workers;
    }
    return best;
}

bool report_has(const struct report_lab *l, const char *experiment)
{
    for (int i = 0; i < l->nrows; i++)
        if (!strcmp(l->rows[i].experiment, experiment))
            return true;
    return false;
}

static void vappend(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
static void vappend(char *buf, size_t size, const char *fmt, va_list ap)
{
    size_t len = strlen(buf);
    if (len + 1 < size)
        vsnprintf(buf + len, size - len, fmt, ap);
}

static void append(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vappend(buf, size, fmt, ap);
    va_end(ap);
}

void claim_verdict(struct claim_out *o, enum verdict v, const char *why, ...)
{
    va_list ap;
    o->verdict = v;
    o->why[0] = '\0';
    if (!why)
        return;
    va_start(ap, why);
    vsnprintf(o->why, sizeof(o->why), why, ap);
    va_end(ap);
}

void claim_note(struct claim_out *o, const char *fmt, ...)
{
    va_list ap;
    if (o->numbers[0])
        append(o->numbers, sizeof(o->numbers), "; ");
    va_start(ap, fmt);
    vappend(o->numbers, sizeof(o->numbers), fmt, ap);
    va_end(ap);
}

void claim_merge(struct claim_out *into, const struct claim_out *part, int first)
{
    static const int rank[3] = {0, 2, 1}; /* holds < cannot tell < does not hold */
    if (first) {
        *into = *part;
        return;
    }
    for (int i = 0; i < part->nparts && into->nparts < CLAIM_MAX_PARTS; i++)
        into->parts[into->nparts++] = part->parts[i];
    if (part->numbers[0])
        claim_note(into, "%s", part->numbers);
    if (part->why[0])
        append(into->why, sizeof(into->why), "%s%s", into->why[0] ? "; " : "", part->why);
    if (rank[part->verdict] > rank[into->verdict])
        into->verdict = part->verdict;
}

static const char *unit_suffix(const char *unit)
{
    return !strcmp(unit, "x") ? "x" : "";
}

/* A number as a learner reads it: three significant digits, but never an exponent for
 * a count or a rate a person says aloud (3374 messages a second, not 3.37e+03). */
static const char *fmt_num(double v, char *buf, size_t size)
{
    if (fabs(v) >= 1000 && fabs(v) < 1e15)
        snprintf(buf, size, "%.0f", v);
    else
        snprintf(buf, size, "%.3g", v);
    return buf;
}

const char *report_fmt_row(const struct sumrow *r, char *buf, size_t size)
{
    char lvl[16], m[32], lo[32], hi[32];
    if (!strcmp(r->unit, "fraction") && r->median >= 0 && r->median <= 1) { /* as a percentage */
        if (isnan(r->ci_lo) || isnan(r->ci_hi))
            snprintf(buf, size, "%.1f%%", 100 * r->median);
        else
            snprintf(buf, size, "%.1f%% [%.1f%%, %.1f%%] (%s interval, n = %d)", 100 * r->median,
                     100 * r->ci_lo, 100 * r->ci_hi, fmt_level(r->ci_level, lvl, sizeof(lvl)), r->n);
        return buf;
    }
    /* Times in the unit that keeps them short: 5.51 ms, not 5505 us. */
    static const char *const times[] = {"ns", "us", "ms", "s"};
    const char *unit = r->unit;
    double k = 1;
    for (int i = 0; i < 3; i++)
        if (!strcmp(unit, times[i]) && fabs(r->median / k) >= 1000)
            k *= 1000, unit = times[i + 1];
    const char *u = unit_suffix(unit), *sp = *u || !*unit ? "" : " ";
    fmt_num(r->median / k, m, sizeof(m));
    if (isnan(r->ci_lo) || isnan(r->ci_hi))
        snprintf(buf, size, "%s%s%s%s", m, u, sp, *u ? "" : unit);
    else
        snprintf(buf, size, "%s%s%s%s [%s, %s] (%s interval, n = %d)", m, u, sp, *u ? "" : unit,
                 fmt_num(r->ci_lo / k, lo, sizeof(lo)), fmt_num(r->ci_hi / k, hi, sizeof(hi)),
                 fmt_level(r->ci_level, lvl, sizeof(lvl)), r->n);
    return buf;
}

int report_demo_phases(const struct report_lab *l, struct claim_out *o, const char *one_variant,
                       const char *all_variant, const char *metric, const struct sumrow **one,
                       const struct sumrow **all)
{
    int p = 0;
    *one = report_row(l, "demo", one_variant, 1, NULL, metric), *all = NULL;
    if (!claim_needs_cpus(o, l, 2))
        return 0;
    for (int i = 0; i < l->nrows; i++)
        if (!strcmp(l->rows[i].experiment, "demo") && !strcmp(l->rows[i].variant, all_variant) &&
            !strcmp(l->rows[i].metric, metric) && l->rows[i].workers > p)
            *all = &l->rows[i], p = l->rows[i].workers;
    if (!*one || !*all) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "the demo's phases were not all measured");
        return 0;
    }
    return p;
}

bool claim_needs_cpus(struct claim_out *o, const struct report_lab *l, int n)
{
    if (l->usable > 0 && l->usable < n) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "%d usable CPU%s here; this needs %d", l->usable,
                      l->usable == 1 ? "" : "s", n);
        return false;
    }
    return true;
}

/* What makes a row untrustworthy, as a reason; NULL when it can be judged. */
const char *report_distrust(const struct report_lab *l, const struct sumrow *r, char *buf,
                           size_t size)
{
    const struct sumrow *x;
    if (r->n < 3) {
        snprintf(buf, size, "only %d repetition%s (at least 3 give an interval)", r->n,
                 r->n == 1 ? "" : "s");
        return buf;
    }
    if (flags_has(r->flags, "above-cores")) {
        x = report_row(l, r->experiment, r->variant, r->workers, r->param, "cpu_cores");
        snprintf(buf, size, "impossible point: a speedup above the %.2f CPU cores it used, so the "
                            "machine's speed changed between the runs compared",
                 x ? x->median : NAN);
        return buf;
    }
    if (flags_has(r->flags, "busy")) {
        x = report_row(l, r->experiment, r->variant, r->workers, r->param, "other_cores");
        snprintf(buf, size, "the machine was busy: other programs used %.2f CPUs meanwhile",
                 x ? x->median : NAN);
        return buf;
    }
    if (flags_has(r->flags, "short")) {
        const struct sumrow *w = report_row(l, r->experiment, r->variant, r->workers, r->param,
                                            "cores_wanted");
        x = report_row(l, r->experiment, r->variant, r->workers, r->param, "cpu_cores");
        snprintf(buf, size, "it got %.2f CPUs of the %.2f it could use (another program held one?)",
                 x ? x->median : NAN, w ? w->median : NAN);
        return buf;
    }
    return NULL;
}

/* Keep the value behind a verdict for machine-readable reports (struct claim_part). */
static void add_part(struct claim_out *o, const char *what, const char *unit, double median,
                     double lo, double hi, double cores)
{
    struct claim_part *p;
    if (o->nparts < 0 || o->nparts >= CLAIM_MAX_PARTS)
        return;
    p = &o->parts[o->nparts++];
    snprintf(p->what, sizeof(p->what), "%.*s", (int)sizeof(p->what) - 1, what);
    snprintf(p->unit, sizeof(p->unit), "%s", unit ? unit : "");
    p->median = median, p->lo = lo, p->hi = hi, p->cores = cores;
}

static void judge_side(struct claim_out *o, const struct report_lab *l, const struct sumrow *r,
                       double thr, int at_least, const char *what, va_list ap)
    __attribute__((format(printf, 6, 0)));
static void judge_side(struct claim_out *o, const struct report_lab *l, const struct sumrow *r,
                       double thr, int at_least, const char *what, va_list ap)
{
    char name[200], row[200], why[300];
    const char *bad;
    vsnprintf(name, sizeof(name), what, ap);
    if (!r) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "%s: not measured in these results", name);
        return;
    }
    claim_note(o, "%s: %s", name, report_fmt_row(r, row, sizeof(row)));
    {
        const struct sumrow *c = report_row(l, r->experiment, r->variant, r->workers, r->param,
                                            "cpu_cores");
        add_part(o, name, r->unit, r->median, r->ci_lo, r->ci_hi,
                 c && strcmp(r->metric, "cpu_cores") ? c->median : NAN);
    }
    if ((bad = report_distrust(l, r, why, sizeof(why)))) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "%s: %s", name, bad);
        return;
    }
    {
        double lo = isnan(r->ci_lo) ? r->median : r->ci_lo;
        double hi = isnan(r->ci_hi) ? r->median : r->ci_hi;
        int holds = at_least ? lo >= thr : hi <= thr;
        int fails = at_least ? hi < thr : lo > thr;
        if (holds)
            claim_verdict(o, VERDICT_HOLDS, NULL);
        else if (fails)
            claim_verdict(o, VERDICT_FAILS, "%s is %s %.3g", name, at_least ? "below" : "above", thr);
        else
            claim_verdict(o, VERDICT_CANNOT_TELL,
                          "%s: the interval [%.3g, %.3g] straddles %.3g (more --reps, or a quieter "
                          "machine, would tell)", name, lo, hi, thr);
    }
}

void claim_at_least(struct claim_out *o, const struct report_lab *l, const struct sumrow *r,
                    double thr, const char *what, ...)
{
    va_list ap;
    va_start(ap, what);
    judge_side(o, l, r, thr, 1, what, ap);
    va_end(ap);
}

void claim_at_most(struct claim_out *o, const struct report_lab *l, const struct sumrow *r,
                   double thr, const char *what, ...)
{
    va_list ap;
    va_start(ap, what);
    judge_side(o, l, r, thr, 0, what, ap);
    va_end(ap);
}

void claim_ratio_at_least(struct claim_out *o, const struct report_lab *l,
                          const struct sumrow *a, const struct sumrow *b, double thr,
                          const char *what, ...)
{
    char name[200], why[300];
    const char *bad;
    va_list ap;
    va_start(ap, what);
    vsnprintf(name, sizeof(name), what, ap);
    va_end(ap);
    if (!a || !b || b->median == 0) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "%s: not measured in these results", name);
        return;
    }
    {
        double blo = isnan(b->ci_lo) ? b->median : b->ci_lo, bhi = isnan(b->ci_hi) ? b->median : b->ci_hi;
        double alo = isnan(a->ci_lo) ? a->median : a->ci_lo, ahi = isnan(a->ci_hi) ? a->median : a->ci_hi;
        add_part(o, name, "x", a->median / b->median, bhi != 0 ? alo / bhi : NAN,
                 blo != 0 ? ahi / blo : NAN, NAN);
    }
    if ((bad = report_distrust(l, a, why, sizeof(why))) || (bad = report_distrust(l, b, why, sizeof(why)))) {
        claim_verdict(o, VERDICT_CANNOT_TELL, "%s: %s", name, bad);
        return;
    }
    {
        double lo = (isnan(a->ci_lo) ? a->median : a->ci_lo) / (isnan(b->ci_hi) ? b->median : b->ci_hi);
        double hi = (isnan(a->ci_hi) ? a->median : a->ci_hi) / (isnan(b->ci_lo) ? b->median : b->ci_lo);
        char lvl[16];
        claim_note(o, "%s: %.3gx [%.3g, %.3g] (at least %s coverage)", name, a->median / b->median,
                   lo, hi, fmt_level(a->ci_level * b->ci_level, lvl, sizeof(lvl)));
        if (lo >= thr)
            claim_verdict(o, VERDICT_HOLDS, NULL);
        else if (hi < thr)
            claim_verdict(o, VERDICT_FAILS, "%s is below %.3gx", name, thr);
        else
            claim_verdict(o, VERDICT_CANNOT_TELL, "%s: the interval [%.3g, %.3g] straddles %.3g",
                          name, lo, hi, thr);
    }
}

const char *verdict_name(enum verdict v)
{
    return v == VERDICT_HOLDS ? "holds" : v == VERDICT_FAILS ? "does not hold" : "cannot tell";
}

bool report_claim_applies(const struct report_lab *l, const struct lab_claim *c)
{
    int e;
    if (!c->experiment || !l->lab || (e = lab_experiment_index(l->lab, c->experiment)) < 0)
        return true;
    /* an optional experiment (a stage demo) that was not run has nothing to say */
    return !l->lab->experiments[e].optional || report_has(l, c->experiment);
}

void report_judge(const struct report_lab *l, const struct lab_claim *c, struct claim_out *o)
{
    memset(o, 0, sizeof(*o));
    o->verdict = VERDICT_CANNOT_TELL;
    /* An experiment that ran but measured nothing (every point skipped: one CPU) is left
     * to its judge, which can say why; one that did not run at all is said so here. */
    if (c->experiment && !report_has(l, c->experiment)) {
        const char *ran = report_meta(l, "experiments");
        size_t len = strlen(c->experiment);
        int listed = 0;
        for (const char *p = ran; p && *p;) {
            const char *comma = strchr(p, ',');
            size_t n = comma ? (size_t)(comma - p) : strlen(p);
            listed |= n == len && !strncmp(p, c->experiment, n);
            p += n + (comma != NULL);
        }
        if (!listed) {
            claim_verdict(o, VERDICT_CANNOT_TELL, "the %s experiment is not in these results",
                          c->experiment);
            return;
        }
    }
    c->judge(l, o);
}

/* ---- writing ---------------------------------------------------------------------------- */

/* Points a speedup cannot have come from: listed whatever the claims. */
static int impossible_points(const struct report_lab *l, FILE *f, enum report_format fmt)
{
    int n = 0;
    for (int i = 0; i < l->nrows; i++) {
        const struct sumrow *r = &l->rows[i], *c;
        char row[200];
        if (strcmp(r->metric, "speedup") || !flags_has(r->flags, "above-cores"))
            continue;
        c = report_row(l, r->experiment, r->variant, r->workers, r->param, "cpu_cores");
        if (f) {
            const char *pre = fmt == REPORT_HTML ? "<li>" : fmt == REPORT_MD ? "- " : "  ";
            fprintf(f, "%simpossible: %s %s at %d workers%s%s: speedup %s on %.2f CPU cores; the "
                       "machine's speed changed between the runs it compares%s\n",
                    pre, r->experiment, r->variant, r->workers, *r->param ? ", " : "", r->param,
                    report_fmt_row(r, row, sizeof(row)), c ? c->median : NAN,
                    fmt == REPORT_HTML ? "</li>" : "");
        }
        n++;
    }
    return n;
}

static void html_escape(FILE *f, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
}

/* A PNG as a data: URI, so the page opens offline, alone. */
static int write_png_inline(FILE *f, const char *path)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    FILE *in = fopen(path, "rb");
    unsigned char buf[3];
    size_t k;
    if (!in)
        return -1;
    fputs("data:image/png;base64,", f);
    while ((k = fread(buf, 1, 3, in)) > 0) {
        unsigned v = (unsigned)buf[0] << 16 | (k > 1 ? (unsigned)buf[1] << 8 : 0) | (k > 2 ? buf[2] : 0);
        fputc(b64[v >> 18 & 63], f);
        fputc(b64[v >> 12 & 63], f);
        fputc(k > 1 ? b64[v >> 6 & 63] : '=', f);
        fputc(k > 2 ? b64[v & 63] : '=', f);
    }
    fclose(in);
    return 0;
}

static void machine_line(const struct report_lab *l, char *buf, size_t size)
{
    const char *model = report_meta(l, "cpu_model"), *py = report_meta(l, "python");
    char lvl[16] = "";
    snprintf(buf, size, "%d usable CPU%s, %s; %s; measured %.10s; %s mode, %d repetitions a "
                        "point (a [min, max] interval of %d covers the median %s of the time)",
             l->usable, l->usable == 1 ? "" : "s", *model ? model : "CPU unknown",
             *py ? py : "Python unknown", report_meta(l, "date"), l->quick ? "quick" : "full",
             l->reps, l->reps, l->reps > 0 ? fmt_level(1 - 2 * pow(0.5, l->reps), lvl, sizeof(lvl)) : "?");
}

/* ---- json: for programs (the slide deck) ------------------------------------------------- */

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\t': fputs("\\t", f); break;
        case '\r': fputs("\\r", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    fputc('"', f);
}

static void json_num(FILE *f, double v)
{
    if (isnan(v) || isinf(v))
        fputs("null", f);
    else
        fprintf(f, "%.6g", v);
}

static const char *verdict_key(enum verdict v)
{
    return v == VERDICT_HOLDS ? "holds" : v == VERDICT_FAILS ? "fails" : "cannot";
}

/* One object: {"format": "parlab-report-1", "dir", "labs": [...], "counts": {...}}. Each
 * lab: name, source, known (in this build's lab table), summary, machine (the meta that
 * says where the numbers come from), meta (every key), charts (name, png or null),
 * claims (experiment, text, verdict, verdict_key, numbers, why, parts), impossible. */
static void report_write_json(FILE *f, struct report_lab *labs, int n, const char *dir)
{
    int counts[3] = {0, 0, 0};
    fputs("{\"format\": \"parlab-report-1\", \"dir\": ", f);
    json_str(f, dir);
    fputs(",\n\"labs\": [", f);
    for (int i = 0; i < n; i++) {
        struct report_lab *l = &labs[i];
        int first = 1;
        fputs(i ? ",\n{" : "\n{", f);
        fputs("\"name\": ", f);
        json_str(f, l->name);
        fputs(", \"source\": ", f);
        json_str(f, l->source);
        fprintf(f, ", \"known\": %s, \"summary\": ", l->lab ? "true" : "false");
        json_str(f, l->lab ? l->lab->summary : "");
        fprintf(f, ",\n \"machine\": {\"cpus_usable\": %d, \"quick\": %s, \"reps\": %d, "
                   "\"ci_level\": ",
                l->usable, l->quick ? "true" : "false", l->reps);
        json_num(f, l->reps > 0 ? 1 - 2 * pow(0.5, l->reps) : NAN);
        for (size_t k = 0; k < 5; k++) {
            static const char *const keys[] = {"cpu_model", "python", "date", "kernel", "compiler"};
            fprintf(f, ", \"%s\": ", keys[k]);
            json_str(f, report_meta(l, keys[k]));
        }
        fputs("},\n \"meta\": {", f);
        for (int m = 0; m < l->nmeta; m++) {
            fputs(m ? ", " : "", f);
            json_str(f, l->meta[2 * m]);
            fputs(": ", f);
            json_str(f, l->meta[2 * m + 1]);
        }
        fputs("},\n \"charts\": [", f);
        for (const char *const *c = l->lab && l->lab->charts ? l->lab->charts : NULL; c && *c; c++) {
            char png[4096];
            struct stat st;
            snprintf(png, sizeof(png), "%s/plots/%s.png", dir, *c);
            fputs(first ? "" : ", ", f);
            first = 0;
            fputs("{\"name\": ", f);
            json_str(f, *c);
            fputs(", \"png\": ", f);
            if (stat(png, &st) == 0)
                json_str(f, png);
            else
                fputs("null", f);
            fputs("}", f);
        }
        fputs("],\n \"claims\": [", f);
        first = 1;
        for (const struct lab_claim *c = l->lab && l->lab->claims ? l->lab->claims : NULL; c && c->text; c++) {
            if (!report_claim_applies(l, c))
                continue;
            struct claim_out o;
            report_judge(l, c, &o);
            counts[o.verdict]++;
            fputs(first ? "\n  {" : ",\n  {", f);
            first = 0;
            fputs("\"experiment\": ", f);
            json_str(f, c->experiment);
            fputs(", \"text\": ", f);
            json_str(f, c->text);
            fputs(", \"verdict\": ", f);
            json_str(f, verdict_name(o.verdict));
            fputs(", \"verdict_key\": ", f);
            json_str(f, verdict_key(o.verdict));
            fputs(",\n   \"numbers\": ", f);
            json_str(f, o.numbers);
            fputs(", \"why\": ", f);
            json_str(f, o.why);
            fputs(",\n   \"parts\": [", f);
            for (int k = 0; k < o.nparts && k < CLAIM_MAX_PARTS; k++) {
                const struct claim_part *p = &o.parts[k];
                fputs(k ? ", {\"what\": " : "{\"what\": ", f);
                json_str(f, p->what);
                fputs(", \"unit\": ", f);
                json_str(f, p->unit);
                fputs(", \"median\": ", f);
                json_num(f, p->median);
                fputs(", \"lo\": ", f);
                json_num(f, p->lo);
                fputs(", \"hi\": ", f);
                json_num(f, p->hi);
                fputs(", \"cores\": ", f);
                json_num(f, p->cores);
                fputs("}", f);
            }
            fputs("]}", f);
        }
        fputs("],\n \"impossible\": [", f);
        first = 1;
        for (int r = 0; r < l->nrows; r++) {
            const struct sumrow *x = &l->rows[r];
            if (strcmp(x->metric, "speedup") || !flags_has(x->flags, "above-cores"))
                continue;
            fputs(first ? "{" : ", {", f);
            first = 0;
            fputs("\"experiment\": ", f);
            json_str(f, x->experiment);
            fputs(", \"variant\": ", f);
            json_str(f, x->variant);
            fprintf(f, ", \"workers\": %d, \"param\": ", x->workers);
            json_str(f, x->param);
            fputs(", \"speedup\": ", f);
            json_num(f, x->median);
            fputs("}", f);
        }
        fputs("]}", f);
    }
    fprintf(f, "\n],\n\"counts\": {\"holds\": %d, \"fails\": %d, \"cannot\": %d}}\n", counts[0],
            counts[1], counts[2]);
}

void report_write(FILE *f, struct report_lab *labs, int n, enum report_format fmt,
                  const char *dir)
{
    int counts[3] = {0, 0, 0};
    if (fmt == REPORT_JSON) {
        report_write_json(f, labs, n, dir);
        return;
    }
    if (fmt == REPORT_HTML)
        fputs("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
              "<title>parlab report</title>\n<style>\n"
              "body{font:16px/1.45 sans-serif;max-width:72em;margin:2em auto;padding:0 1em;color:#222}\n"
              "h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;margin-top:2em}\n"
              ".claim{margin:.6em 0;padding:.4em .8em;border-left:6px solid #999;background:#f7f7f7}\n"
              ".holds{border-color:#2a7d2a}.fails{border-color:#b3261e}.cannot{border-color:#b58900}\n"
              ".v{font-weight:bold;text-transform:uppercase;font-size:.85em;letter-spacing:.04em}\n"
              ".num{font-family:monospace;font-size:.92em}.why{color:#555}\n"
              "img{max-width:100%;border:1px solid #ddd;margin:.5em 0}\n"
              "</style></head><body>\n<h1>parlab report: each lesson's claims, judged on these "
              "numbers</h1>\n", f);
    else if (fmt == REPORT_MD)
        fputs("# parlab report: each lesson's claims, judged on these numbers\n\n", f);
    else
        fputs("parlab report: each lesson's claims (what the lesson says), judged on your numbers\n", f);

    for (int i = 0; i < n; i++) {
        struct report_lab *l = &labs[i];
        char mline[400];
        machine_line(l, mline, sizeof(mline));
        if (fmt == REPORT_HTML) {
            fprintf(f, "<h2>%s</h2>\n<p class=\"why\">", l->name);
            html_escape(f, l->source);
            fputs(": ", f);
            html_escape(f, mline);
            fputs("</p>\n", f);
        } else if (fmt == REPORT_MD) {
            fprintf(f, "## %s\n\n%s: %s\n\n", l->name, l->source, mline);
        } else {
            fprintf(f, "\n== %s (%s)\n   %s\n", l->name, l->source, mline);
        }
        if (!l->lab || !l->lab->claims || !l->lab->claims[0].text) {
            fprintf(f, "%s(no claims known for this lab)%s\n", fmt == REPORT_HTML ? "<p>" : "   ",
                    fmt == REPORT_HTML ? "</p>" : "");
        } else {
            for (const struct lab_claim *c = l->lab->claims; c->text; c++) {
                if (!report_claim_applies(l, c))
                    continue;
                struct claim_out o;
                report_judge(l, c, &o);
                counts[o.verdict]++;
                if (fmt == REPORT_HTML) {
                    fprintf(f, "<div class=\"claim %s\"><span class=\"v\">%s</span> ",
                            o.verdict == VERDICT_HOLDS ? "holds" : o.verdict == VERDICT_FAILS ? "fails" : "cannot",
                            verdict_name(o.verdict));
                    html_escape(f, c->text);
                    fputs("<br><span class=\"num\">your numbers: ", f);
                    html_escape(f, o.numbers[0] ? o.numbers : "(no numbers)");
                    fputs("</span>", f);
                    if (o.why[0]) {
                        fputs("<br><span class=\"why\">why: ", f);
                        html_escape(f, o.why);
                        fputs("</span>", f);
                    }
                    fputs("</div>\n", f);
                } else if (fmt == REPORT_MD) {
                    fprintf(f, "- **%s**: %s  \n  your numbers: %s%s%s\n", verdict_name(o.verdict),
                            c->text, o.numbers[0] ? o.numbers : "(none)", o.why[0] ? "  \n  why: " : "",
                            o.why);
                } else {
                    fprintf(f, "  %-13s %s\n", verdict_name(o.verdict), c->text);
                    if (o.numbers[0])
                        fprintf(f, "  %-13s your numbers: %s\n", "", o.numbers);
                    if (o.why[0])
                        fprintf(f, "  %-13s why: %s\n", "", o.why);
                }
            }
        }
        if (fmt == REPORT_HTML)
            fputs("<ul>\n", f);
        if (impossible_points(l, NULL, fmt) > 0) {
            if (fmt == REPORT_MD)
                fputs("\n", f);
            impossible_points(l, f, fmt);
        }
        if (fmt == REPORT_HTML)
            fputs("</ul>\n", f);
        if (fmt != REPORT_TEXT && l->lab && l->lab->charts)
            for (const char *const *c = l->lab->charts; *c; c++) {
                char png[4096];
                struct stat st;
                snprintf(png, sizeof(png), "%s/plots/%s.png", dir, *c);
                if (stat(png, &st) != 0)
                    continue;
                if (fmt == REPORT_MD) {
                    fprintf(f, "\n![%s](plots/%s.png)\n", *c, *c);
                } else {
                    fprintf(f, "<figure><img alt=\"%s chart\" src=\"", *c);
                    write_png_inline(f, png);
                    fprintf(f, "\"><figcaption>%s</figcaption></figure>\n", *c);
                }
            }
        if (fmt == REPORT_MD)
            fputs("\n", f);
    }
    if (fmt == REPORT_HTML)
        fprintf(f, "<p><b>%d hold, %d do not hold, %d cannot tell.</b></p>\n</body></html>\n",
                counts[0], counts[1], counts[2]);
    else
        fprintf(f, "\n%d hold, %d do not hold, %d cannot tell.\n", counts[0], counts[1], counts[2]);
}

int report_main(int argc, char **argv)
{
    const char *dir = "results", *out = NULL;
    enum report_format fmt = REPORT_TEXT;
    struct report_lab *labs;
    char err[4200];
    int n;
    FILE *f = stdout;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--format") || !strcmp(argv[i], "--out")) {
            if (i + 1 >= argc)
                usage_error("report: %s needs a value", argv[i]);
            if (!strcmp(argv[i], "--out")) {
                out = argv[++i];
                continue;
            }
            i++;
            if (!strcmp(argv[i], "text"))
                fmt = REPORT_TEXT;
            else if (!strcmp(argv[i], "md"))
                fmt = REPORT_MD;
            else if (!strcmp(argv[i], "html"))
                fmt = REPORT_HTML;
            else if (!strcmp(argv[i], "json"))
                fmt = REPORT_JSON;
            else
                usage_error("report: --format: '%s' is not text, md, html or json", argv[i]);
        } else if (!strcmp(argv[i], "--help")) {
            printf("usage: parlab report [DIR] [--format text|md|html|json] [--out FILE]\n"
                   "Judge each lesson's claims on the results in DIR (default results/).\n");
            return EXIT_OK;
        } else if (argv[i][0] == '-') {
            usage_error("report: unknown option '%s'", argv[i]);
        } else {
            dir = argv[i];
        }
    }
    if ((n = report_load_dir(dir, &labs, err, sizeof(err))) < 0)
        usage_error("report: %s", err);
    if (n == 0) {
        free(labs);
        usage_error("report: no *-summary.csv in '%s' (run a lab first: parlab run LAB)", dir);
    }
    if (out && !(f = fopen(out, "w")))
        die("report: cannot write '%s': %s", out, strerror(errno));
    report_write(f, labs, n, fmt, dir);
    if (out && fclose(f) != 0)
        die("report: cannot write '%s': %s", out, strerror(errno));
    for (int i = 0; i < n; i++)
        report_free(&labs[i]);
    free(labs);
    return EXIT_OK;
}

void report_conclude(struct lab_ctx *ctx, const struct lab_experiment *e)
{
    struct report_lab l;
    int printed = 0;
    char q[8], r[16], u[16];
    if (!ctx->lab->claims)
        return;
    memset(&l, 0, sizeof(l));
    l.name = xstrdup(ctx->lab->name);
    l.source = xstrdup("this run");
    l.nrows = results_summary_rows(ctx->res, &l.rows);
    snprintf(u, sizeof(u), "%d", ctx->topo->usable);
    snprintf(q, sizeof(q), "%d", ctx->quick);
    snprintf(r, sizeof(r), "%d", ctx->reps);
    {
        const char *ran = results_meta_get(ctx->res, "experiments");
        const char *kv[] = {"cpus_usable", u, "quick", q, "reps", r, "experiments", ran ? ran : ""};
        l.meta = xcalloc(8, sizeof(char *));
        for (int i = 0; i < 8; i++)
            l.meta[i] = xstrdup(kv[i]);
        l.nmeta = 4;
    }
    set_from_meta(&l);
    for (const struct lab_claim *c = ctx->lab->claims; c->text; c++) {
        struct claim_out o;
        if (!c->experiment || strcmp(c->experiment, e->name))
            continue;
        report_judge(&l, c, &o);
        if (!printed++) {
            harness_progress_clear();
            printf("\nwhat this run shows (parlab report judges the same claims on saved results):\n");
        }
        printf("  %-13s %s\n", verdict_name(o.verdict), c->text);
        if (o.numbers[0])
            printf("  %-13s your numbers: %s\n", "", o.numbers);
        if (o.why[0])
            printf("  %-13s why: %s\n", "", o.why);
    }
    if (printed)
        putchar('\n');
    fflush(stdout);
    report_free(&l);
}
