/* xml_parse.c: the two C parsers the xml lab measures, and how their work is shared.
 *
 *   expat    a SAX ("push") parser: it calls a function for every start tag and every
 *            piece of text and keeps nothing; the caller decides what to remember.
 *   libxml2  here a DOM parser: xmlCtxtReadMemory builds the whole tree in memory,
 *            which the caller walks and frees (what lxml does under Python).
 *
 * Both are thread-safe as long as a parser is never shared: every thread creates its
 * own (an XML_Parser; an xmlParserCtxt, whose string dictionary is its own too) and
 * reuses it for every document it takes. libxml2 wants xmlInitParser() called once, in
 * the main thread, before threads use it. Documents are handed out one at a time (a
 * shared atomic counter; OpenMP's schedule(dynamic, 1)): a thread that drew small
 * documents takes more of them. */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef PARLAB_HAVE_EXPAT
#include <expat.h>
#endif
#ifdef PARLAB_HAVE_LIBXML2
#include <libxml/parser.h>
#include <libxml/tree.h>
#endif

#include "xml.h"

const char *xml_parser_unavailable(enum xml_parser p)
{
#ifndef PARLAB_HAVE_EXPAT
    if (p == XML_EXPAT)
        return "built without expat (apt-get install libexpat1-dev, then make)";
#endif
#ifndef PARLAB_HAVE_LIBXML2
    if (p == XML_LIBXML2)
        return "built without libxml2 (apt-get install libxml2-dev, then make)";
#endif
    (void)p;
    return NULL;
}

void xml_parsers_init(void)
{
#ifdef PARLAB_HAVE_LIBXML2
    xmlInitParser(); /* its global tables, once, before any thread parses */
#endif
}

/* ---- expat: a callback per start tag --------------------------------------------------------- */
#ifdef PARLAB_HAVE_EXPAT
static void XMLCALL on_start(void *user, const XML_Char *name, const XML_Char **atts)
{
    (void)name, (void)atts;
    ((struct xml_stats *)user)->elements++;
}

static XML_Parser expat_new(void)
{
    XML_Parser p = XML_ParserCreate(NULL);
    if (!p)
        die("expat: out of memory");
    return p;
}

static void expat_doc(XML_Parser p, const struct xml_doc *d, struct xml_stats *st)
{
    struct xml_stats one = {0, 0, 0};
    XML_ParserReset(p, NULL); /* ready for a new document; handlers are cleared */
    XML_SetUserData(p, &one);
    XML_SetStartElementHandler(p, on_start);
    if (XML_Parse(p, d->data, (int)d->len, 1) == XML_STATUS_ERROR) {
        st->errors++;
        return;
    }
    st->elements += one.elements;
    st->docs++;
}
#endif

/* ---- libxml2: a tree per document, walked, then freed ---------------------------------------- */
#ifdef PARLAB_HAVE_LIBXML2
static uint64_t count_elements(const xmlNode *n)
{
    uint64_t k = 0;
    for (; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE)
            k += 1 + count_elements(n->children);
    return k;
}

static xmlParserCtxtPtr libxml2_new(void)
{
    xmlParserCtxtPtr c = xmlNewParserCtxt();
    if (!c)
        die("libxml2: out of memory");
    return c;
}

static void libxml2_doc(xmlParserCtxtPtr c, const struct xml_doc *d, struct xml_stats *st)
{
    /* XML_PARSE_NONET: never fetch a DTD from the network; NOERROR/NOWARNING: a
     * document's complaints are counted, not printed from every thread */
    xmlDocPtr doc = xmlCtxtReadMemory(c, d->data, (int)d->len, d->name, NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        st->errors++;
        return;
    }
    st->elements += count_elements(xmlDocGetRootElement(doc));
    st->docs++;
    xmlFreeDoc(doc);
}
#endif

/* One parser of either kind, for one thread. */
struct parser {
    enum xml_parser kind;
    void *p;
};

static struct parser parser_new(enum xml_parser kind)
{
    struct parser p = {kind, NULL};
#ifdef PARLAB_HAVE_EXPAT
    if (kind == XML_EXPAT)
        p.p = expat_new();
#endif
#ifdef PARLAB_HAVE_LIBXML2
    if (kind == XML_LIBXML2)
        p.p = libxml2_new();
#endif
    if (!p.p)
        die("internal: parser %d is not built in", (int)kind);
    return p;
}

static void parser_doc(struct parser *p, const struct xml_doc *d, struct xml_stats *st)
{
#ifdef PARLAB_HAVE_EXPAT
    if (p->kind == XML_EXPAT)
        expat_doc(p->p, d, st);
#endif
#ifdef PARLAB_HAVE_LIBXML2
    if (p->kind == XML_LIBXML2)
        libxml2_doc(p->p, d, st);
#endif
    (void)p, (void)d, (void)st;
}

static void parser_free(struct parser *p)
{
#ifdef PARLAB_HAVE_EXPAT
    if (p->kind == XML_EXPAT)
        XML_ParserFree(p->p);
#endif
#ifdef PARLAB_HAVE_LIBXML2
    if (p->kind == XML_LIBXML2)
        xmlFreeParserCtxt(p->p);
#endif
    p->p = NULL;
}

struct xml_stats xml_parse_one(enum xml_parser kind, const struct xml_doc *d)
{
    struct xml_stats st = {0, 0, 0};
    struct parser p = parser_new(kind);
    parser_doc(&p, d, &st);
    parser_free(&p);
    return st;
}

/* ---- threads: each takes the next document until none is left -------------------------------- */

struct team {
    enum xml_parser kind;
    const struct xml_set *set;
    atomic_int next;
};

struct member {
    struct team *team;
    struct xml_stats st;
    pthread_t tid;
};

static void *member_main(void *arg)
{
    struct member *m = arg;
    struct team *t = m->team;
    struct parser p = parser_new(t->kind);
    for (int i; (i = atomic_fetch_add_explicit(&t->next, 1, memory_order_relaxed)) < t->set->n;)
        parser_doc(&p, &t->set->docs[i], &m->st);
    parser_free(&p);
    return NULL;
}

static struct xml_stats parse_pthreads(enum xml_parser kind, const struct xml_set *s, int workers)
{
    struct team t = {kind, s, 0};
    struct member *m = xcalloc((size_t)workers, sizeof(*m));
    struct xml_stats all = {0, 0, 0};
    for (int i = 0; i < workers; i++)
        m[i].team = &t;
    /* this thread is member 0; workers - 1 more are started, as a real program would */
    for (int i = 1; i < workers; i++)
        if (pthread_create(&m[i].tid, NULL, member_main, &m[i]) != 0)
            die("cannot create thread %d of %d", i, workers);
    member_main(&m[0]);
    for (int i = 1; i < workers; i++)
        pthread_join(m[i].tid, NULL);
    for (int i = 0; i < workers; i++)
        all.elements += m[i].st.elements, all.docs += m[i].st.docs, all.errors += m[i].st.errors;
    free(m);
    return all;
}

/* ---- OpenMP: the same loop, the runtime hands out the documents -------------------------------- */

static struct xml_stats parse_openmp(enum xml_parser kind, const struct xml_set *s, int workers)
{
    uint64_t el = 0, docs = 0, err = 0;
#pragma omp parallel num_threads(workers) reduction(+ : el, docs, err)
    {
        struct xml_stats st = {0, 0, 0};
        struct parser p = parser_new(kind); /* a parser per thread, as above */
#pragma omp for schedule(dynamic, 1)
        for (int i = 0; i < s->n; i++)
            parser_doc(&p, &s->docs[i], &st);
        parser_free(&p);
        el += st.elements, docs += st.docs, err += st.errors;
    }
    return (struct xml_stats){el, docs, err};
}

struct xml_stats xml_parse_all(enum xml_parser kind, enum xml_mode m, const struct xml_set *s,
                               int workers)
{
    return m == XML_OPENMP ? parse_openmp(kind, s, workers) : parse_pthreads(kind, s, workers);
}
