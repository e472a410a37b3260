/* test_xml.c: the xml lab's parts that do not depend on timing: the corpus generator is
 * deterministic (same seed, same bytes; the fingerprint datasets/xml/corpus.py prints),
 * its articles are well-formed XML of the size asked; the Debian files are looked for
 * under a root and the missing ones named; the record splitter keeps every record and
 * survives what can hide a '<'; every parser and worker count finds the same elements;
 * the plan; the claims on hand-written summaries. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../labs/xml/xml.h"
#include "testlib.h"
#include "claimlib.h"

/* ---- the corpus ------------------------------------------------------------------------ */

TEST(same_seed_same_bytes)
{
    struct xml_set a, b, c;
    corpus_make(1, 6, 4, &a);
    corpus_make(1, 6, 4, &b);
    corpus_make(2, 6, 4, &c);
    CHECK(a.n == 6 && a.bytes == b.bytes);
    for (int i = 0; i < a.n && i < b.n; i++)
        CHECK(a.docs[i].len == b.docs[i].len && !memcmp(a.docs[i].data, b.docs[i].data, a.docs[i].len));
    CHECK(xml_set_fnv1a(&a) == xml_set_fnv1a(&b));
    CHECK(xml_set_fnv1a(&a) != xml_set_fnv1a(&c));
    /* article 4 made alone is article 4 of the corpus: each has its own stream */
    {
        char *p;
        size_t len;
        corpus_article(1, 4, 4, &p, &len);
        CHECK(len == a.docs[4].len && !memcmp(p, a.docs[4].data, len));
        free(p);
    }
    xml_set_free(&a), xml_set_free(&b), xml_set_free(&c);
}

/* The fingerprint python3 datasets/xml/corpus.py --seed 1 --docs 4 --kb 8 --checksum
 * prints: the C and Python generators make the same bytes (t_xml.sh checks a larger
 * corpus against the Python file itself). A change to either generator shows here. */
TEST(fingerprint_matches_the_python_twin)
{
    struct xml_set s;
    corpus_make(1, 4, 8, &s);
    CHECK(s.bytes == 35107);
    CHECK(xml_set_fnv1a(&s) == 0x2868ee1b940163b6u);
    xml_set_free(&s);
}

TEST(articles_have_the_size_asked)
{
    for (int kb = 1; kb <= 64; kb *= 4) {
        struct xml_set s;
        corpus_make(7, 5, kb, &s);
        for (int i = 0; i < s.n; i++) {
            CHECK(s.docs[i].len + 200 >= (size_t)kb * 1024); /* reached, less the closing tags */
            CHECK(s.docs[i].len <= (size_t)kb * 1024 + 8192); /* at most one section over */
            CHECK(!strncmp(s.docs[i].data, "<?xml", 5));
            CHECK(strstr(s.docs[i].data, "</article>\n") != NULL);
        }
        xml_set_free(&s);
    }
}

/* ---- parsing ----------------------------------------------------------------------------- */

static int have(enum xml_parser p)
{
    return xml_parser_unavailable(p) == NULL;
}

TEST(parsers_agree_on_the_corpus)
{
    struct xml_set s;
    uint64_t e[2] = {0, 0};
    xml_parsers_init();
    corpus_make(3, 8, 8, &s);
    for (int k = 0; k < 2; k++) {
        enum xml_parser p = k ? XML_LIBXML2 : XML_EXPAT;
        if (!have(p))
            continue;
        for (int i = 0; i < s.n; i++) {
            struct xml_stats st = xml_parse_one(p, &s.docs[i]);
            CHECK(st.docs == 1 && st.errors == 0);
            e[k] += st.elements;
        }
        /* every worker count, threads and OpenMP, finds the same */
        for (int w = 1; w <= 4; w++)
            for (int m = 0; m < 2; m++) {
                struct xml_stats all = xml_parse_all(p, m ? XML_OPENMP : XML_PTHREADS, &s, w);
                CHECK(all.docs == (uint64_t)s.n && all.errors == 0 && all.elements == e[k]);
            }
    }
    if (have(XML_EXPAT) && have(XML_LIBXML2))
        CHECK(e[0] == e[1] && e[0] > 0);
    xml_set_free(&s);
}

TEST(a_broken_document_is_counted_not_fatal)
{
    struct xml_doc d = {(char *)"<a><b></a>", 10, "broken"};
    for (int k = 0; k < 2; k++) {
        enum xml_parser p = k ? XML_LIBXML2 : XML_EXPAT;
        if (have(p)) {
            struct xml_stats st = xml_parse_one(p, &d);
            CHECK(st.errors == 1 && st.docs == 0);
        }
    }
}

/* ---- splitting --------------------------------------------------------------------------- */

static uint64_t elements(enum xml_parser p, const struct xml_set *s, uint64_t *errors)
{
    uint64_t e = 0;
    *errors = 0;
    for (int i = 0; i < s->n; i++) {
        struct xml_stats st = xml_parse_one(p, &s->docs[i]);
        e += st.elements;
        *errors += st.errors;
    }
    return e;
}

/* The corpus as one <collection>, cut into pieces: every piece parses, the pieces hold
 * the same records (each adds one root element), and every piece but the last has at
 * least the chunk's size of records. */
TEST(split_keeps_every_record)
{
    enum xml_parser p = have(XML_EXPAT) ? XML_EXPAT : XML_LIBXML2;
    struct xml_set arts, one, parts;
    uint64_t whole, cut, err;
    if (!have(p))
        return;
    corpus_make(5, 40, 4, &arts);
    corpus_collection(&arts, &one);
    CHECK(one.n == 1);
    whole = elements(p, &one, &err);
    CHECK(err == 0 && whole > 40);
    CHECK(xml_split_records(&one.docs[0], 16 * 1024, &parts) > 1);
    cut = elements(p, &parts, &err);
    CHECK(err == 0);
    CHECK(cut - (uint64_t)(parts.n - 1) == whole);
    for (int i = 0; i + 1 < parts.n; i++)
        CHECK(parts.docs[i].len >= 16 * 1024);
    xml_set_free(&parts);
    /* pieces larger than the file: one piece, the file itself */
    CHECK(xml_split_records(&one.docs[0], one.bytes * 2, &parts) == 1);
    CHECK(elements(p, &parts, &err) == whole && err == 0);
    xml_set_free(&parts), xml_set_free(&one), xml_set_free(&arts);
}

/* What can hide a '<' or a '>' from a scanner: the DOCTYPE's internal subset (with a
 * '>' in a quoted default), comments, CDATA, processing instructions, quoted attribute
 * values; self-closing records; text between records; an entity the DOCTYPE declares
 * (each piece keeps the prolog, so the entity is still declared). */
TEST(split_survives_what_hides_brackets)
{
    static const char doc[] =
        "<?xml version=\"1.0\"?>\n"
        "<!-- a comment <not/> a tag -->\n"
        "<!DOCTYPE root [\n"
        "  <!ENTITY who \"the author\">\n"
        "  <!ATTLIST r note CDATA \"a > b\">\n"
        "  <!-- ] > inside the subset -->\n"
        "]>\n"
        "<root kind=\"x>y\">\n"
        " <r id=\"1\"><![CDATA[<r>not a record</r>]]></r>\n"
        " text between records\n"
        " <r id=\"2\" v='&gt;'/>\n"
        " <?pi <r> ?>\n"
        " <r id=\"3\"><s>&who;</s><s/></r>\n"
        " <r id=\"4\">4</r>\n"
        "</root>\n";
    struct xml_doc d = {(char *)doc, sizeof(doc) - 1, "tricky"};
    struct xml_set whole = {&d, 1, sizeof(doc) - 1}, parts;
    for (int k = 0; k < 2; k++) {
        enum xml_parser p = k ? XML_LIBXML2 : XML_EXPAT;
        uint64_t e, err;
        if (!have(p))
            continue;
        e = elements(p, &whole, &err);
        CHECK(err == 0 && e == 7);
        CHECK(xml_split_records(&d, 1, &parts) == 4); /* a record a piece */
        CHECK(elements(p, &parts, &err) - 3 == e && err == 0);
        xml_set_free(&parts);
    }
}

TEST(split_refuses_what_it_cannot_cut)
{
    static const char *const docs[] = {"<root/>", "<root>only text</root>", "<root><r></r>",
                                       "no markup at all", ""};
    for (size_t i = 0; i < ARRAY_SIZE(docs); i++) {
        struct xml_doc d = {(char *)docs[i], strlen(docs[i]), "x"};
        struct xml_set parts;
        CHECK(xml_split_records(&d, 1, &parts) == 0 && parts.n == 0);
        xml_set_free(&parts);
    }
}

/* ---- the Debian files ---------------------------------------------------------------------- */

TEST(debian_files_found_under_a_root_and_missing_ones_named)
{
    char root[] = "/tmp/test_xml_rootXXXXXX", path[512], missing[2048];
    struct xml_set s;
    FILE *f;
    CHECK(mkdtemp(root) != NULL);
    /* nothing there: nothing read, every package named */
    CHECK(xml_load_debian(root, &s, missing, sizeof(missing)) == 0 && s.n == 0);
    CHECK(strstr(missing, "shared-mime-info") && strstr(missing, "iso-codes") && strstr(missing, "xkb-data"));
    xml_set_free(&s);
    /* the MIME database alone */
    snprintf(path, sizeof(path), "%s/usr/share/mime/packages", root);
    for (char *q = path + strlen(root) + 1; (q = strchr(q, '/')); q++) {
        *q = '\0';
        mkdir(path, 0755);
        *q = '/';
    }
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s%s", root, xml_debian_files[0].path);
    f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs("<mime-info><mime-type type=\"a/b\"/></mime-info>\n", f);
        fclose(f);
    }
    CHECK(xml_load_debian(root, &s, missing, sizeof(missing)) == 1 && s.n == 1);
    CHECK(!strcmp(s.docs[0].name, xml_debian_files[0].path));
    CHECK(!strstr(missing, "shared-mime-info") && strstr(missing, "iso-codes"));
    xml_set_free(&s);
    unlink(path);
    for (char *q; (q = strrchr(path, '/')) && strlen(path) > strlen(root);) {
        *q = '\0';
        rmdir(path);
    }
}

/* ---- the plan and the claims ---------------------------------------------------------------- */

static struct sumrow row(const char *e, const char *v, int w, const char *m, double med)
{
    struct sumrow r;
    memset(&r, 0, sizeof(r));
    r.experiment = (char *)e, r.variant = (char *)v, r.param = (char *)"", r.metric = (char *)m;
    r.unit = (char *)"", r.flags = (char *)"";
    r.workers = w, r.n = 5, r.outliers = 0;
    r.median = med, r.min = r.ci_lo = 0.97 * med, r.max = r.ci_hi = 1.03 * med, r.ci_level = 0.94;
    return r;
}

enum { NCLAIMS = 12 };

/* The verdicts of the lab's claims on a summary where C threads reach c_sp, lxml lxml_sp,
 * ElementTree threads et_sp, the rest as given. */
static void judge(int usable, double c_sp, double lxml_sp, double et_sp, double procs_sp,
                  double trees_s, double whole_sp, enum verdict *v)
{
    struct sumrow rows[] = {
        row("c-parse", "expat-threads", 1, "mb_per_s", 120),
        row("c-parse", "libxml2-threads", 1, "mb_per_s", 45),
        row("c-parse", "expat-threads", 2, "speedup", c_sp),
        row("c-parse", "libxml2-threads", 2, "speedup", c_sp),
        row("c-parse", "expat-openmp", 2, "speedup", c_sp),
        row("c-parse", "libxml2-openmp", 2, "speedup", c_sp),
        row("split", "whole-files", 0, "speedup_bound", 1.58),
        row("split", "whole-files", 2, "speedup", whole_sp),
        row("split", "split-records", 2, "speedup", c_sp),
        row("python", "lxml", 2, "speedup", lxml_sp),
        row("python", "etree", 2, "speedup", et_sp),
        row("python", "lxml-iterparse", 2, "speedup", et_sp),
        row("python", "lxml-shared-parser", 2, "speedup", et_sp),
        row("python", "etree-processes", 2, "speedup", procs_sp),
        row("python", "etree-processes", 2, "seconds", 0.05),
        row("python", "etree-processes-trees", 2, "seconds", trees_s),
        row("python", "etree", 1, "mb_per_s", 50),
    };
    CHECK(tl_judge_all(&lab_xml, rows, (int)ARRAY_SIZE(rows), usable, 5, v, NCLAIMS) == NCLAIMS);
}

TEST(claims_follow_the_numbers)
{
    enum verdict v[NCLAIMS];
    judge(2, 1.9, 1.8, 0.95, 1.6, 0.5, 1.4, v); /* as the lesson says */
    for (int i = 0; i < NCLAIMS; i++)
        CHECK(v[i] == VERDICT_HOLDS);
    judge(2, 1.2, 1.0, 1.8, 0.9, 0.05, 1.95, v); /* everything the other way */
    for (int i = 0; i < NCLAIMS; i++)
        if (i != 2 && i != 11) /* MB/s ratios: the same rows in both */
            CHECK(v[i] == VERDICT_FAILS);
    judge(1, 1.9, 1.8, 0.95, 1.6, 0.5, 1.4, v); /* one CPU: no speedup claim can tell */
    for (int i = 0; i < NCLAIMS; i++)
        if (i != 2 && i != 11)
            CHECK(v[i] == VERDICT_CANNOT_TELL);
    CHECK(v[2] == VERDICT_HOLDS && v[11] == VERDICT_HOLDS);
}

/* The processes claim on ElementTree, on work of one_s seconds on one worker. */
static enum verdict etree_processes(double one_s, double sp)
{
    struct sumrow rows[] = {
        row("python", "etree-processes", 1, "seconds", one_s),
        row("python", "etree-processes", 2, "speedup", sp),
    };
    struct report_lab l;
    struct claim_out o = {0};
    memset(&l, 0, sizeof(l));
    l.lab = &lab_xml, l.rows = rows, l.nrows = (int)ARRAY_SIZE(rows), l.usable = 2, l.reps = 5;
    for (const struct lab_claim *c = lab_xml.claims; c->text; c++)
        if (!strncmp(c->text, "Processes speed ElementTree", 27))
            report_judge(&l, c, &o);
    return o.verdict;
}

TEST(work_too_short_for_a_pool_cannot_judge_it)
{
    CHECK(etree_processes(0.034, 0.9) == VERDICT_CANNOT_TELL); /* a quick run's 34 ms */
    CHECK(etree_processes(0.5, 0.9) == VERDICT_FAILS);
    CHECK(etree_processes(0.5, 1.6) == VERDICT_HOLDS);
}

TEST(quick_runs_stop_at_the_usable_cpus)
{
    struct topo t;
    struct lab_ctx ctx;
    int auto_w[] = {1, 2, 4}, *w, n;
    memset(&t, 0, sizeof(t));
    memset(&ctx, 0, sizeof(ctx));
    t.usable = 2;
    ctx.topo = &t, ctx.workers = auto_w, ctx.nworkers = 3, ctx.quick = true;
    n = xml_workers(&ctx, &w);
    CHECK(n == 2 && w[0] == 1 && w[1] == 2);
    free(w);
    ctx.quick = false;
    n = xml_workers(&ctx, &w);
    CHECK(n == 3 && w[2] == 4);
    free(w);
    ctx.quick = true, ctx.workers_given = true; /* --workers: as given */
    n = xml_workers(&ctx, &w);
    CHECK(n == 3);
    free(w);
    /* the trees variant is for full runs */
    {
        int q = 0, f = 0;
        for (int i = 0; i < xml_npy_variants; i++) {
            ctx.quick = true;
            q += xml_py_measured(&ctx, i);
            ctx.quick = false;
            f += xml_py_measured(&ctx, i);
        }
        CHECK(f == xml_npy_variants && q == f - 1);
    }
}

int main(void)
{
    RUN(same_seed_same_bytes);
    RUN(fingerprint_matches_the_python_twin);
    RUN(articles_have_the_size_asked);
    RUN(parsers_agree_on_the_corpus);
    RUN(a_broken_document_is_counted_not_fatal);
    RUN(split_keeps_every_record);
    RUN(split_survives_what_hides_brackets);
    RUN(split_refuses_what_it_cannot_cut);
    RUN(debian_files_found_under_a_root_and_missing_ones_named);
    RUN(claims_follow_the_numbers);
    RUN(work_too_short_for_a_pool_cannot_judge_it);
    RUN(quick_runs_stop_at_the_usable_cpus);
    return TEST_DONE();
}
