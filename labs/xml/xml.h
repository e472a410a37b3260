/* labs/xml/xml.h: the xml lab's parts, shared by its files and its tests. */
#ifndef PARLAB_XML_H
#define PARLAB_XML_H

#include <stddef.h>
#include <stdint.h>

#include "harness.h"
#include "report.h"

/* ---- documents ------------------------------------------------------------------------- */

/* One XML document in memory. */
struct xml_doc {
    char *data;
    size_t len;
    char name[96]; /* "article 17" or the file's path */
};

struct xml_set {
    struct xml_doc *docs;
    int n;
    size_t bytes;  /* the sum of the documents' lengths */
};

void xml_set_free(struct xml_set *s);
/* The largest document's length. */
size_t xml_set_largest(const struct xml_set *s);

/* ---- the generated corpus (xml_corpus.c; datasets/xml/corpus.py is its twin) ------------ */

/* Article i of the corpus made from seed: about kb KiB of XML, always the same bytes for
 * the same (seed, i, kb). Appended to *out (malloc'ed, *len its length). */
void corpus_article(uint64_t seed, int i, int kb, char **out, size_t *len);
/* The whole corpus: docs articles of about kb KiB each. */
void corpus_make(uint64_t seed, int docs, int kb, struct xml_set *out);
/* The same articles as ONE document, <collection> holding them all (the "one large
 * file" shape, for when no Debian file is here). */
void corpus_collection(const struct xml_set *articles, struct xml_set *out);
/* FNV-1a, 64 bits, over the documents one after the other: the corpus's fingerprint
 * (meta corpus_fnv1a64; datasets/xml/corpus.py --checksum prints the same). */
uint64_t xml_set_fnv1a(const struct xml_set *s);

/* ---- the real files of Debian packages (xml_corpus.c) ------------------------------------ */

struct xml_source {
    const char *path;    /* /usr/share/mime/packages/freedesktop.org.xml */
    const char *package; /* shared-mime-info */
};
extern const struct xml_source xml_debian_files[];
extern const int xml_ndebian_files;
/* Read the Debian files that are here into out (in the table's order); missing gets a
 * list of the absent ones ("shared-mime-info (/usr/...), ..."), or "" when all are here.
 * root: a prefix for every path ("" here; a folder in tests). Returns how many were read. */
int xml_load_debian(const char *root, struct xml_set *out, char *missing, size_t size);

/* ---- splitting one large document at its records ------------------------------------------ */

/* Cut doc at the boundaries of its root element's children into pieces of about
 * chunk_bytes, each a well-formed document of its own: the original prolog (XML
 * declaration, DOCTYPE), the root's start tag, whole records, the root's end tag.
 * Returns the number of pieces (0 when doc has no root element with children: then out
 * is empty). A scanner, not a parser: it skips comments, CDATA, processing
 * instructions, the DOCTYPE's internal subset and quoted attribute values, which is all
 * that can hide a '<' or '>'. It is sequential work: the split experiment times it. */
int xml_split_records(const struct xml_doc *doc, size_t chunk_bytes, struct xml_set *out);

/* ---- the C parsers (xml_parse.c) ------------------------------------------------------------ */

/* What a parser found in the documents: a checksum of the work, the same for every
 * parser and worker count on the same documents. */
struct xml_stats {
    uint64_t elements; /* start tags */
    uint64_t docs;     /* documents parsed */
    uint64_t errors;   /* documents that did not parse */
};

enum xml_parser { XML_EXPAT, XML_LIBXML2 };
enum xml_mode { XML_PTHREADS, XML_OPENMP };

/* NULL if this build has the parser, else why not (the package to install). */
const char *xml_parser_unavailable(enum xml_parser p);
/* Once, before any thread parses (libxml2's global set-up). */
void xml_parsers_init(void);
/* Parse every document of s with `workers` threads, each with a parser of its own,
 * documents handed out one at a time (a shared counter, or OpenMP's dynamic schedule). */
struct xml_stats xml_parse_all(enum xml_parser p, enum xml_mode m, const struct xml_set *s,
                               int workers);
/* One document with one parser, in this thread (tests). */
struct xml_stats xml_parse_one(enum xml_parser p, const struct xml_doc *d);

/* ---- the Python side (xml_python.c, xml_tasks.py) ------------------------------------------- */

/* The Python experiment's variants, in run order. */
struct xml_py_variant {
    const char *name;  /* the CSV's variant */
    int needs_lxml;
    int gil_bound;     /* threads that hold the GIL while they work: one CPU's worth */
    int processes;     /* a process pool: 1 worker = the plain loop, no pool */
    int full_only;     /* too slow for --quick: measured in full runs only */
};
extern const struct xml_py_variant xml_py_variants[];
extern const int xml_npy_variants;
/* The variants a run measures (--quick leaves out the full_only ones). */
int xml_py_measured(const struct lab_ctx *ctx, int v);
/* The worker counts of every series: 1, then --workers (or the default sweep); --quick
 * without --workers stops at the usable CPUs (no oversubscribed point). */
int xml_workers(const struct lab_ctx *ctx, int **out);
/* Measure the variants (the series of each) on the corpus, in a child process with an
 * embedded CPython. EXIT_OK, EXIT_FAIL or EXIT_INTERRUPTED. */
int xml_python(struct lab_ctx *ctx, const struct xml_set *corpus, const int *w, int nw);

/* ---- claims (xml_claims.c) --------------------------------------------------------------------- */
extern const struct lab_claim xml_claims[];

#endif
