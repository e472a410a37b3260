/* labs/xml/xml.c: processing XML in parallel, a case study on real work.
 *
 * The question: you have many XML documents to read (feeds, exports, configuration, a
 * corpus). Does parsing them on several cores go faster, and with which parser, in
 * threads or in processes, in C or in Python?
 *
 * The data (xml_corpus.c; datasets/README.md): a generated corpus of articles, the
 * same bytes on every machine for the same seed and sizes (--docs, --doc-kb, --seed),
 * and the real XML files Debian packages install (the MIME database, the ISO code
 * lists, the keyboard layouts), read where they are.
 *
 * Three experiments, top to bottom:
 *   c-parse  the corpus parsed in C by expat (SAX: a callback per tag, no tree) and by
 *            libxml2 (DOM: a tree per document, walked and freed), on 1..P threads, each
 *            thread with a parser of its own, documents handed out one at a time; and the
 *            same loop with OpenMP. Parsing is CPU work on private data: it should
 *            scale with the cores.
 *   split    the Debian files, parsed a whole file per task, then cut at their records
 *            into ~--chunk-kb pieces first (the cut is a sequential scan, timed: the
 *            serial part). One file is 60% of the bytes: as whole files, the speedup
 *            can never pass total / largest (Amdahl with the big file as the serial
 *            part); cut into pieces, the same bytes scale.
 *   python   the corpus in Python (xml_tasks.py): lxml with a parser per thread, with
 *            its default parser, with one parser shared by all threads, lxml's
 *            iterparse, the standard library's ElementTree; lxml and ElementTree in a
 *            process pool (start-up included), and a pool that sends parsed trees back.
 *
 * How it is measured: each variant's worker counts form a paired series (harness.h):
 * every repetition runs 1, 2, ... P workers in turn (the next one P ... 1), and a
 * speedup is that repetition's one-worker time over its P-worker time. Every run is
 * checked: every document parsed once, the same number of elements (C) or sections
 * (Python) found by every parser at every worker count. MB/s = corpus bytes / seconds.
 *
 * The verdict: the claims in xml_claims.c, judged on this run (and by parlab report). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml.h"

/* The documents every experiment reads: made once, before the first experiment, and
 * freed when parlab exits (a lab has no hook after its last experiment). */
struct xml_state {
    struct xml_set corpus;
};
static struct xml_state *xml_live;

static void xml_state_free(void)
{
    if (xml_live) {
        xml_set_free(&xml_live->corpus);
        free(xml_live);
        xml_live = NULL;
    }
}

/* ---- the data -------------------------------------------------------------------------------- */

static int xml_prepare(struct lab_ctx *ctx)
{
    struct xml_state *st = xcalloc(1, sizeof(*st));
    static int registered;
    if (!registered++)
        atexit(xml_state_free);
    xml_state_free(); /* a second run in the same process (tests) */
    xml_live = st;
    int docs = (int)lab_opt(ctx, "docs"), kb = (int)lab_opt(ctx, "doc-kb");
    uint64_t seed = (uint64_t)lab_opt(ctx, "seed");
    double t0 = now_s();
    ctx->state = st;
    corpus_make(seed, docs, kb, &st->corpus);
    results_meta(ctx->res, "corpus", "seed=%llu;docs=%d;doc_kb=%d", (unsigned long long)seed, docs, kb);
    results_meta(ctx->res, "corpus_bytes", "%zu", st->corpus.bytes);
    results_meta(ctx->res, "corpus_fnv1a64", "%016llx", (unsigned long long)xml_set_fnv1a(&st->corpus));
    printf("corpus: %d articles of about %d KiB, %.2f MB (seed %llu, made in %.0f ms; the same\n"
           "bytes as python3 datasets/xml/corpus.py --seed %llu --docs %d --kb %d)\n",
           docs, kb, (double)st->corpus.bytes / 1e6, (unsigned long long)seed, 1e3 * (now_s() - t0),
           (unsigned long long)seed, docs, kb);
    xml_parsers_init(); /* libxml2's global set-up, in this thread, before any other */
    return EXIT_OK;
}

int xml_workers(const struct lab_ctx *ctx, int **out)
{
    int n = harness_workers_with_one(ctx, out), k = 0;
    if (!ctx->quick || ctx->workers_given)
        return n;
    for (int i = 0; i < n; i++) /* --quick: the points that can speed up, no more */
        if ((*out)[i] <= ctx->topo->usable || i == 0)
            (*out)[k++] = (*out)[i];
    return k;
}

/* ---- measuring a series, printing it --------------------------------------------------------- */

/* MB/s per repetition, from the seconds of that repetition. */
static void add_rates(struct lab_ctx *ctx, const struct point *pts, int n, size_t bytes)
{
    for (int i = 0; i < n; i++)
        for (int rep = 1; rep <= ctx->reps; rep++) {
            double t = results_value_at(ctx->res, &pts[i], "seconds", rep);
            if (!isnan(t) && t > 0)
                results_add(ctx->res, &pts[i], rep, "mb_per_s", (double)bytes / 1e6 / t, "MB/s");
        }
}

static void print_header(void)
{
    printf("  %-22s %7s  %8s  %8s  %-29s %6s  %s\n", "variant", "workers", "seconds", "MB/s",
           "speedup [interval] coverage", "cores", "flags");
}

static void print_row(struct lab_ctx *ctx, const struct point *pt)
{
    const struct summary *s;
    char flags[128], lvl[16], sp[48] = "-";
    if (!results_summary(ctx->res, pt, "seconds"))
        return; /* skipped */
    if ((s = results_summary(ctx->res, pt, "speedup"))) /* valid until the next results_ call */
        snprintf(sp, sizeof(sp), "%5.2fx [%.2f, %.2f] %s", s->median, s->ci_lo, s->ci_hi,
                 fmt_level(s->ci_level, lvl, sizeof(lvl)));
    results_flags(ctx->res, pt, flags, sizeof(flags));
    harness_progress_clear();
    printf("  %-22s %6d%s  %8.4f  %8.1f  %-29s %6.2f  %s\n", pt->variant, pt->workers,
           harness_oversubscribed(ctx, pt->workers) ? "*" : " ", results_median(ctx->res, pt, "seconds"),
           results_median(ctx->res, pt, "mb_per_s"), sp, results_median(ctx->res, pt, "cpu_cores"),
           flags);
    fflush(stdout);
}

/* ---- experiment 1: c-parse --------------------------------------------------------------------- */

static const struct {
    const char *name;
    enum xml_parser parser;
    enum xml_mode mode;
} c_variants[] = {
    {"expat-threads", XML_EXPAT, XML_PTHREADS},
    {"libxml2-threads", XML_LIBXML2, XML_PTHREADS},
    {"expat-openmp", XML_EXPAT, XML_OPENMP},
    {"libxml2-openmp", XML_LIBXML2, XML_OPENMP},
};

static int c_parse_points(const struct lab_ctx *ctx)
{
    int *w, nw = xml_workers(ctx, &w);
    free(w);
    return (int)ARRAY_SIZE(c_variants) * nw;
}

/* Every document parsed once, none failed, and the same elements as every other run. */
static const char *check_stats(struct xml_stats got, const struct xml_set *s, uint64_t *elements)
{
    static char why[160];
    if (got.docs != (uint64_t)s->n || got.errors) {
        snprintf(why, sizeof(why), "%llu of %d documents parsed, %llu failed",
                 (unsigned long long)got.docs, s->n, (unsigned long long)got.errors);
        return why;
    }
    if (*elements && got.elements != *elements) {
        snprintf(why, sizeof(why), "%llu elements found, other runs found %llu",
                 (unsigned long long)got.elements, (unsigned long long)*elements);
        return why;
    }
    *elements = got.elements;
    return NULL;
}

static int c_parse(struct lab_ctx *ctx)
{
    struct xml_state *st = ctx->state;
    int *w, nw = xml_workers(ctx, &w), rc = EXIT_OK;
    struct point *pts = xcalloc((size_t)nw, sizeof(*pts));
    uint64_t elements = 0;

    printf("\n== c-parse: the corpus (%.2f MB, %d documents) parsed in C, each thread with its "
           "own parser\n", (double)st->corpus.bytes / 1e6, st->corpus.n);
    print_header();
    for (size_t v = 0; v < ARRAY_SIZE(c_variants) && rc == EXIT_OK; v++) {
        const char *why = xml_parser_unavailable(c_variants[v].parser);
        for (int i = 0; i < nw; i++)
            pts[i] = (struct point){"c-parse", c_variants[v].name, w[i], "", harness_cores_for(ctx, w[i])};
        if (why) {
            for (int i = 0; i < nw; i++)
                harness_skip(ctx, &pts[i], "%s", why);
            continue;
        }
        harness_series(ctx, pts, nw);
        for (int rep; rc == EXIT_OK && harness_next_rep(ctx, &rep);)
            for (int k = 0; k < nw && rc == EXIT_OK; k++) {
                const struct point *pt = &pts[harness_series_order(rep, k, nw)];
                struct harness_clock c;
                struct xml_stats got;
                const char *bad;
                harness_clock_start(ctx, &c, pt);
                got = xml_parse_all(c_variants[v].parser, c_variants[v].mode, &st->corpus, pt->workers);
                harness_clock_stop(ctx, pt, rep, &c, 0);
                if ((bad = check_stats(got, &st->corpus, &elements))) {
                    harness_note(ctx, "c-parse: %s with %d workers: %s", pt->variant, pt->workers, bad);
                    rc = EXIT_FAIL;
                }
            }
        if (harness_interrupted())
            rc = EXIT_INTERRUPTED;
        if (rc != EXIT_OK)
            break;
        harness_speedup(ctx, pts, nw);
        add_rates(ctx, pts, nw, st->corpus.bytes);
        for (int i = 0; i < nw; i++)
            print_row(ctx, &pts[i]);
    }
    if (rc == EXIT_OK && elements)
        printf("  every run found the same %llu elements in the %d documents\n",
               (unsigned long long)elements, st->corpus.n);
    free(pts), free(w);
    return rc;
}

/* ---- experiment 2: split ----------------------------------------------------------------------- */

static const char *const split_variants[] = {"whole-files", "split-records"};

static int split_points(const struct lab_ctx *ctx)
{
    int *w, nw = xml_workers(ctx, &w);
    free(w);
    return (int)ARRAY_SIZE(split_variants) * nw;
}

/* The split variant's work: cut every file at its records (sequential), then parse the
 * pieces on w threads. *cut_s gets the cutting's seconds. */
static struct xml_stats split_and_parse(enum xml_parser p, const struct xml_set *files,
                                        size_t chunk, int w, double *cut_s, int *pieces)
{
    struct xml_set all = {xcalloc(1, sizeof(struct xml_doc)), 0, 0};
    struct xml_stats got;
    int cap = 1;
    double t0 = now_s();
    for (int f = 0; f < files->n; f++) {
        struct xml_set part;
        if (!xml_split_records(&files->docs[f], chunk, &part)) { /* no records: as it is */
            part.docs = xmalloc(sizeof(struct xml_doc));
            part.docs[0] = files->docs[f];
            part.docs[0].data = xmalloc(files->docs[f].len);
            memcpy(part.docs[0].data, files->docs[f].data, files->docs[f].len);
            part.n = 1;
            part.bytes = files->docs[f].len;
        }
        if (all.n + part.n > cap)
            all.docs = xrealloc(all.docs, sizeof(struct xml_doc) * (size_t)(cap = 2 * (all.n + part.n)));
        memcpy(all.docs + all.n, part.docs, sizeof(struct xml_doc) * (size_t)part.n);
        all.n += part.n;
        all.bytes += part.bytes;
        free(part.docs);
    }
    *cut_s = now_s() - t0;
    *pieces = all.n;
    got = xml_parse_all(p, XML_PTHREADS, &all, w);
    got.docs = got.docs == (uint64_t)all.n ? (uint64_t)files->n : got.docs; /* all pieces: all files */
    xml_set_free(&all);
    return got;
}

/* Real files are not always XML: Debian's iso_3166-2.xml (iso-codes 4.15) has an
 * unescaped '&' in two names, and every conforming parser rejects it. Such files are
 * left out, and named. */
static void drop_malformed(struct xml_set *files, enum xml_parser p)
{
    int k = 0;
    for (int i = 0; i < files->n; i++) {
        struct xml_stats st = xml_parse_one(p, &files->docs[i]);
        if (st.errors) {
            printf("  left out, not well-formed XML: %s\n", files->docs[i].name);
            files->bytes -= files->docs[i].len;
            free(files->docs[i].data);
        } else {
            files->docs[k++] = files->docs[i];
        }
    }
    files->n = k;
}

static int split(struct lab_ctx *ctx)
{
    struct xml_state *st = ctx->state;
    struct xml_set files = {NULL, 0, 0};
    char missing[1024], param[64];
    int *w, nw = xml_workers(ctx, &w), rc = EXIT_OK, pieces = 0;
    size_t chunk = (size_t)lab_opt(ctx, "chunk-kb") * 1024;
    /* libxml2 building trees (what loading a file usually means); expat with --quick,
     * 2-3 times faster on the same bytes, to keep the quick run short */
    enum xml_parser want = ctx->quick ? XML_EXPAT : XML_LIBXML2;
    enum xml_parser p = xml_parser_unavailable(want) ? (enum xml_parser)(XML_EXPAT + XML_LIBXML2 - want) : want;
    struct point *pts = xcalloc((size_t)nw * ARRAY_SIZE(split_variants), sizeof(*pts));
    uint64_t whole_elements = 0;
    const char *data = "debian";

    printf("\n== split: one large file caps the speedup; cut at its records, the same bytes scale\n");
    /* PARLAB_XML_ROOT: a folder standing for / (tests point it where the files are not) */
    xml_load_debian(getenv("PARLAB_XML_ROOT") ? getenv("PARLAB_XML_ROOT") : "", &files, missing,
                    sizeof(missing));
    if (!xml_parser_unavailable(p))
        drop_malformed(&files, p);
    if (files.n == 0) {
        xml_set_free(&files);
        corpus_collection(&st->corpus, &files);
        data = "generated";
        printf("  none of the Debian XML files is here (%s): the generated corpus as one file instead\n",
               missing);
    } else {
        printf("  %d Debian files, %.2f MB; the largest is %.0f%% of the bytes (%s)\n", files.n,
               (double)files.bytes / 1e6, 100.0 * (double)xml_set_largest(&files) / (double)files.bytes,
               files.docs[0].name);
        if (missing[0])
            printf("  not here (install the package to add them): %s\n", missing);
    }
    fmt_param(param, sizeof(param), "data=%s;parser=%s", data, p == XML_LIBXML2 ? "libxml2" : "expat");
    for (size_t v = 0; v < ARRAY_SIZE(split_variants); v++)
        for (int i = 0; i < nw; i++)
            pts[v * (size_t)nw + (size_t)i] =
                (struct point){"split", split_variants[v], w[i], param, harness_cores_for(ctx, w[i])};
    if (xml_parser_unavailable(p)) {
        for (int i = 0; i < nw * (int)ARRAY_SIZE(split_variants); i++)
            harness_skip(ctx, &pts[i], "%s; %s", xml_parser_unavailable(XML_LIBXML2),
                         xml_parser_unavailable(XML_EXPAT));
        goto out;
    }
    /* Amdahl with the largest file as the serial part: no worker count can beat
     * total / largest when a file is a task. Kept as a summary row (workers 0). */
    results_add_fit(ctx->res, &pts[0], "speedup_bound",
                    (double)files.bytes / (double)xml_set_largest(&files), "x", files.n);
    printf("  whole files can never pass %.2fx (total / largest); pieces of about %zu KiB\n",
           (double)files.bytes / (double)xml_set_largest(&files), chunk / 1024);
    print_header();
    for (size_t v = 0; v < ARRAY_SIZE(split_variants) && rc == EXIT_OK; v++) {
        struct point *vp = &pts[v * (size_t)nw];
        harness_series(ctx, vp, nw);
        for (int rep; rc == EXIT_OK && harness_next_rep(ctx, &rep);)
            for (int k = 0; k < nw && rc == EXIT_OK; k++) {
                const struct point *pt = &vp[harness_series_order(rep, k, nw)];
                struct harness_clock c;
                struct xml_stats got;
                double cut = 0;
                harness_clock_start(ctx, &c, pt);
                if (v == 0)
                    got = xml_parse_all(p, XML_PTHREADS, &files, pt->workers);
                else
                    got = split_and_parse(p, &files, chunk, pt->workers, &cut, &pieces);
                harness_clock_stop(ctx, pt, rep, &c, 0);
                if (v == 1 && rep > 0)
                    results_add(ctx->res, pt, rep, "cut_seconds", cut, "s");
                /* every piece adds one root element: the pieces hold the same records */
                if (v == 1)
                    got.elements -= (uint64_t)(pieces - files.n);
                if (got.docs != (uint64_t)files.n || got.errors ||
                    (whole_elements && got.elements != whole_elements)) {
                    harness_note(ctx, "split: %s with %d workers: %llu of %d files, %llu errors, "
                                      "%llu elements (whole files: %llu)", pt->variant, pt->workers,
                                 (unsigned long long)got.docs, files.n, (unsigned long long)got.errors,
                                 (unsigned long long)got.elements, (unsigned long long)whole_elements);
                    rc = EXIT_FAIL;
                }
                whole_elements = got.elements;
            }
        if (harness_interrupted())
            rc = EXIT_INTERRUPTED;
        if (rc != EXIT_OK)
            break;
        harness_speedup(ctx, vp, nw);
        add_rates(ctx, vp, nw, files.bytes);
        for (int i = 0; i < nw; i++)
            print_row(ctx, &vp[i]);
    }
    if (rc == EXIT_OK) {
        struct point one = {"split", "split-records", 1, param, 0};
        double cut = results_median(ctx->res, &one, "cut_seconds"), all = results_median(ctx->res, &one, "seconds");
        printf("  the cut into %d pieces took %.1f ms, %.1f%% of the one-worker time: the serial "
               "part of the split\n", pieces, 1e3 * cut, 100 * cut / all);
    }
out:
    xml_set_free(&files);
    free(pts), free(w);
    return rc;
}

/* ---- experiment 3: python ------------------------------------------------------------------------ */

static int python_points(const struct lab_ctx *ctx)
{
    int *w, nw = xml_workers(ctx, &w);
    free(w);
    int n = 0;
    for (int v = 0; v < xml_npy_variants; v++)
        n += xml_py_measured(ctx, v);
    return n * nw;
}

static int python(struct lab_ctx *ctx)
{
    struct xml_state *st = ctx->state;
    int *w, nw = xml_workers(ctx, &w), rc;
    struct point *pts = xcalloc((size_t)nw, sizeof(*pts));

    printf("\n== python: the same corpus in CPython: lxml and ElementTree, threads and processes\n");
    rc = xml_python(ctx, &st->corpus, w, nw);
    if (rc == EXIT_OK) {
        print_header();
        for (int v = 0; v < xml_npy_variants; v++) {
            if (!xml_py_measured(ctx, v))
                continue;
            for (int i = 0; i < nw; i++)
                pts[i] = (struct point){"python", xml_py_variants[v].name, w[i], "", 0};
            harness_speedup(ctx, pts, nw);
            add_rates(ctx, pts, nw, st->corpus.bytes);
            for (int i = 0; i < nw; i++)
                print_row(ctx, &pts[i]);
        }
        printf("  (process variants: 1 worker is the plain loop in this process, no pool)\n");
    }
    free(pts), free(w);
    return rc;
}

/* ---- the lab --------------------------------------------------------------------------------- */

static const struct lab_experiment xml_experiments[] = {
    {"c-parse", "the corpus in C: expat (SAX) and libxml2 (DOM), a parser per thread, 1..P "
                "pthreads or OpenMP; MB/s, paired speedups", c_parse, c_parse_points, 0},
    {"split", "Debian's XML files, whole files as tasks vs cut at their records first; the "
              "largest file's ceiling", split, split_points, 0},
    {"python", "the corpus in CPython: lxml (a parser per thread, default, shared, iterparse), "
               "ElementTree; threads vs processes", python, python_points, 0},
    {NULL, NULL, NULL, NULL, 0},
};

static const struct lab_option xml_options[] = {
    {"docs", "N", "articles in the generated corpus", LAB_OPT_INTEGER, 200, 96, 1, 100000},
    {"doc-kb", "K", "size of each article, in KiB", LAB_OPT_INTEGER, 24, 24, 1, 16384},
    {"seed", "S", "the corpus's seed: the same seed, the same bytes", LAB_OPT_INTEGER, 1, NAN, 0,
     2147483647},
    {"chunk-kb", "K", "split: the size of the pieces a large file is cut into, in KiB",
     LAB_OPT_INTEGER, 64, NAN, 1, 1048576},
    {NULL, NULL, NULL, 0, 0, 0, 0, 0},
};

/* More than 1 GiB of corpus would not fit many machines' memory twice (C, Python). */
static const char *xml_check(const struct lab_ctx *ctx)
{
    static char why[160];
    double mib = lab_opt(ctx, "docs") * lab_opt(ctx, "doc-kb") / 1024;
    if (mib > 1024) {
        snprintf(why, sizeof(why), "--docs x --doc-kb: a corpus of %.0f MiB; 1024 MiB at most", mib);
        return why;
    }
    return NULL;
}

static const char *const xml_charts[] = {"xml-scaling", "xml-throughput", NULL};

const struct lab lab_xml = {
    .name = "xml",
    .summary = "XML in parallel: expat and libxml2 in C, lxml and ElementTree in Python",
    .help =
        "A case study on real work: parsing many XML documents on several cores.\n"
        "  c-parse  a generated corpus (the same bytes for the same --seed, --docs, --doc-kb)\n"
        "           parsed in C by expat (SAX) and libxml2 (DOM), 1..P threads each with\n"
        "           its own parser, or OpenMP: seconds, MB/s, paired speedups, cpu_cores\n"
        "  split    Debian's XML files (MIME database, ISO codes, keyboard layouts) as whole\n"
        "           files, then cut at their records into --chunk-kb pieces first: the\n"
        "           largest file caps the first (speedup_bound), not the second; libxml2\n"
        "           (expat with --quick: faster)\n"
        "  python   the corpus in CPython: lxml with a parser per thread, its default\n"
        "           parser, one shared parser, iterparse; ElementTree; process pools\n"
        "           (start-up included), one sending the parsed trees back\n"
        "The Python: labs/xml/xml_tasks.py (runs alone). The data: datasets/README.md.\n"
        "Charts: plots/xml-scaling.gp, xml-throughput.gp.",
    .experiments = xml_experiments,
    .options = xml_options,
    .claims = xml_claims,
    .charts = xml_charts,
    .check = xml_check,
    .prepare = xml_prepare,
#if !defined(PARLAB_HAVE_EXPAT) && !defined(PARLAB_HAVE_LIBXML2) && !defined(PARLAB_HAVE_PYTHON)
    .unavailable = "built without expat, libxml2 and Python (apt-get install libexpat1-dev "
                   "libxml2-dev python3-dev, then make)",
#endif
    .default_reps = 5,
    .quick_reps = 5,
};
