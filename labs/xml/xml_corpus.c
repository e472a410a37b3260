/* xml_corpus.c: the xml lab's data. Two sources (datasets/README.md describes both):
 *
 *   - a generated corpus of articles: deterministic (a seed, a count, a size), so the
 *     numbers of two machines are about the same bytes whatever packages they have.
 *     datasets/xml/corpus.py is the same generator in Python, byte for byte (tests/
 *     t_xml.sh compares the two fingerprints), to write the corpus to files;
 *   - real XML files that Debian packages install (the MIME database, ISO codes, the
 *     keyboard layouts), read at run time where they are; and
 * the scanner that cuts one large document at its records (the split experiment). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml.h"

/* ---- a growing buffer ---------------------------------------------------------------------- */

struct sbuf {
    char *p;
    size_t n, cap;
};

static void sb_grow(struct sbuf *b, size_t more)
{
    if (b->n + more + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + more + 1)
            cap *= 2;
        b->p = xrealloc(b->p, cap);
        b->cap = cap;
    }
}

static void sb_mem(struct sbuf *b, const char *s, size_t len)
{
    sb_grow(b, len);
    memcpy(b->p + b->n, s, len);
    b->n += len;
    b->p[b->n] = '\0';
}

static void sb_put(struct sbuf *b, const char *s)
{
    sb_mem(b, s, strlen(s));
}

static void __attribute__((format(printf, 2, 3))) sb_printf(struct sbuf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    int k;
    va_start(ap, fmt);
    k = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    sb_mem(b, tmp, (size_t)k < sizeof(tmp) ? (size_t)k : sizeof(tmp) - 1);
}

/* ---- the generator ---------------------------------------------------------------------------
 * Each article has its own random stream, seeded from (seed, i): article 17 is the same
 * bytes whether it is made alone, first, or by another thread. The stream is the labs'
 * LCG (work.h's burn) and its top 31 bits. Every draw is its own statement: C leaves the
 * order of a call's arguments unspecified, and the Python twin must draw in the same
 * order. */
struct rng {
    uint64_t x;
};

static uint32_t draw(struct rng *r)
{
    r->x = r->x * 6364136223846793005u + 1442695040888963407u;
    return (uint32_t)(r->x >> 33);
}

static uint32_t below(struct rng *r, uint32_t n)
{
    return draw(r) % n;
}

/* A vocabulary about the subject, with a few words in UTF-8 so the parsers decode. */
static const char *const words[64] = {
    "parallel", "thread", "process", "core", "cache", "memory", "lock", "pool",
    "task", "queue", "speed", "python", "interpreter", "scheduler", "latency", "bandwidth",
    "barrier", "atomic", "mutex", "worker", "kernel", "socket", "buffer", "vector",
    "matrix", "cluster", "node", "message", "signal", "pipe", "fork", "spawn",
    "serial", "fraction", "amdahl", "gustafson", "efficiency", "overhead", "batch", "chunk",
    "parser", "element", "attribute", "document", "tree", "stream", "event", "handler",
    "model", "forest", "chain", "fold", "score", "label", "feature", "sample",
    "café", "naïve", "façade", "Zürich", "Ångström", "déjà", "über", "señor",
};
static const char *const given[16] = {
    "Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "Leslie",
    "Gene", "John", "Margaret", "Ken", "Radia", "Niklaus", "Sophie", "Tony",
};
static const char *const family[16] = {
    "Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Lamport",
    "Amdahl", "Backus", "Hamilton", "Thompson", "Perlman", "Wirth", "Wilson", "Hoare",
};
static const char *const langs[4] = {"en", "es", "fr", "de"};

static void some_words(struct sbuf *b, struct rng *r, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++) {
        uint32_t w = below(r, 64);
        if (k)
            sb_put(b, " ");
        sb_put(b, words[w]);
    }
}

/* A paragraph of n words: most plain, some emphasised, a few links to other articles,
 * an escaped ampersand now and then (an entity for the parser to decode). */
static void paragraph(struct sbuf *b, struct rng *r, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++) {
        uint32_t kind = below(r, 64), w = below(r, 64);
        if (k)
            sb_put(b, " ");
        if (kind == 0) {
            uint32_t to = below(r, 100000), w2 = below(r, 64);
            sb_printf(b, "<ref to=\"a%06u\">%s %s</ref>", to, words[w], words[w2]);
        } else if (kind < 4) {
            sb_printf(b, "<em>%s</em>", words[w]);
        } else if (kind == 4) {
            sb_printf(b, "%s &amp;", words[w]);
        } else if (kind == 5) {
            sb_printf(b, "%s,", words[w]);
        } else {
            sb_put(b, words[w]);
        }
    }
    sb_put(b, ".");
}

void corpus_article(uint64_t seed, int i, int kb, char **out, size_t *len)
{
    struct sbuf b = {NULL, 0, 0};
    struct rng r = {seed * 0x9E3779B97F4A7C15u + (uint64_t)(i + 1) * 0xBF58476D1CE4E5B9u};
    size_t target = (size_t)kb * 1024;
    uint32_t year, lang, n, sec = 0;

    sb_put(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    year = 1990 + below(&r, 35);
    lang = below(&r, 4);
    sb_printf(&b, "<article id=\"a%06d\" year=\"%u\" lang=\"%s\">\n <title>", i, year, langs[lang]);
    n = 3 + below(&r, 6);
    some_words(&b, &r, n);
    sb_put(&b, "</title>\n <authors>\n");
    n = 1 + below(&r, 4);
    for (uint32_t k = 0; k < n; k++) {
        uint32_t id = below(&r, 100000), g = below(&r, 16), f = below(&r, 16);
        sb_printf(&b, "  <author id=\"p%05u\"><given>%s</given><family>%s</family></author>\n", id,
                  given[g], family[f]);
    }
    sb_put(&b, " </authors>\n <keywords>");
    n = 3 + below(&r, 4);
    for (uint32_t k = 0; k < n; k++) {
        uint32_t w = below(&r, 64);
        sb_printf(&b, "<kw>%s</kw>", words[w]);
    }
    sb_put(&b, "</keywords>\n <abstract>");
    n = 20 + below(&r, 30);
    paragraph(&b, &r, n);
    sb_put(&b, "</abstract>\n <body>\n");
    /* Sections until the article reaches its size (at least one). */
    do {
        uint32_t paras;
        sb_printf(&b, "  <section n=\"%u\">\n   <heading>", ++sec);
        n = 2 + below(&r, 5);
        some_words(&b, &r, n);
        sb_put(&b, "</heading>\n");
        paras = 2 + below(&r, 4);
        for (uint32_t k = 0; k < paras; k++) {
            sb_put(&b, "   <p>");
            n = 30 + below(&r, 60);
            paragraph(&b, &r, n);
            sb_put(&b, "</p>\n");
        }
        sb_put(&b, "  </section>\n");
    } while (b.n + 200 < target);
    sb_put(&b, " </body>\n <refs>");
    n = below(&r, 9);
    for (uint32_t k = 0; k < n; k++) {
        uint32_t to = below(&r, 100000);
        sb_printf(&b, "<cite to=\"a%06u\"/>", to);
    }
    sb_put(&b, "</refs>\n</article>\n");
    *out = b.p;
    *len = b.n;
}

void corpus_make(uint64_t seed, int docs, int kb, struct xml_set *out)
{
    out->n = docs;
    out->docs = xcalloc((size_t)(docs > 0 ? docs : 1), sizeof(*out->docs));
    out->bytes = 0;
    for (int i = 0; i < docs; i++) {
        struct xml_doc *d = &out->docs[i];
        corpus_article(seed, i, kb, &d->data, &d->len);
        snprintf(d->name, sizeof(d->name), "article %d", i);
        out->bytes += d->len;
    }
}

void corpus_collection(const struct xml_set *articles, struct xml_set *out)
{
    static const char decl[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    struct sbuf b = {NULL, 0, 0};
    sb_put(&b, decl);
    sb_put(&b, "<collection>\n");
    for (int i = 0; i < articles->n; i++) {
        const struct xml_doc *d = &articles->docs[i];
        size_t skip = strncmp(d->data, decl, sizeof(decl) - 1) ? 0 : sizeof(decl) - 1;
        sb_mem(&b, d->data + skip, d->len - skip);
    }
    sb_put(&b, "</collection>\n");
    out->n = 1;
    out->docs = xcalloc(1, sizeof(*out->docs));
    out->docs[0].data = b.p;
    out->docs[0].len = b.n;
    snprintf(out->docs[0].name, sizeof(out->docs[0].name), "the corpus as one <collection>");
    out->bytes = b.n;
}

uint64_t xml_set_fnv1a(const struct xml_set *s)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (int i = 0; i < s->n; i++)
        for (size_t k = 0; k < s->docs[i].len; k++) {
            h ^= (unsigned char)s->docs[i].data[k];
            h *= 0x100000001b3u;
        }
    return h;
}

void xml_set_free(struct xml_set *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->docs[i].data);
    free(s->docs);
    s->docs = NULL;
    s->n = 0;
    s->bytes = 0;
}

size_t xml_set_largest(const struct xml_set *s)
{
    size_t m = 0;
    for (int i = 0; i < s->n; i++)
        m = s->docs[i].len > m ? s->docs[i].len : m;
    return m;
}

/* ---- the real files --------------------------------------------------------------------------
 * Files that Debian systems commonly have (none is essential: each is looked for). The
 * MIME database alone is 60% of the bytes: a lesson in itself (the split experiment). */
const struct xml_source xml_debian_files[] = {
    {"/usr/share/mime/packages/freedesktop.org.xml", "shared-mime-info"},
    {"/usr/share/xml/iso-codes/iso_639-3.xml", "iso-codes"},
    {"/usr/share/xml/iso-codes/iso_3166-2.xml", "iso-codes"},
    {"/usr/share/X11/xkb/rules/evdev.xml", "xkb-data"},
    {"/usr/share/xml/iso-codes/iso_639-2.xml", "iso-codes"},
    {"/usr/share/xml/iso-codes/iso_3166-1.xml", "iso-codes"},
    {"/usr/share/xml/iso-codes/iso_4217.xml", "iso-codes"},
    {"/usr/share/xml/iso-codes/iso_15924.xml", "iso-codes"},
};
const int xml_ndebian_files = (int)ARRAY_SIZE(xml_debian_files);

/* The whole of a regular file, or NULL. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    size_t n = 0, cap = 0, k;
    if (!f)
        return NULL;
    do {
        if (cap - n < 65536)
            p = xrealloc(p, cap = cap ? 2 * cap : 1 << 20);
        k = fread(p + n, 1, cap - n, f);
        n += k;
    } while (k > 0);
    if (ferror(f) || n == 0) {
        fclose(f);
        free(p);
        return NULL;
    }
    fclose(f);
    *len = n;
    return p;
}

int xml_load_debian(const char *root, struct xml_set *out, char *missing, size_t size)
{
    size_t mlen = 0;
    out->docs = xcalloc((size_t)xml_ndebian_files, sizeof(*out->docs));
    out->n = 0;
    out->bytes = 0;
    missing[0] = '\0';
    for (int i = 0; i < xml_ndebian_files; i++) {
        char path[512];
        struct xml_doc *d = &out->docs[out->n];
        snprintf(path, sizeof(path), "%s%s", root, xml_debian_files[i].path);
        if ((d->data = read_file(path, &d->len))) {
            snprintf(d->name, sizeof(d->name), "%s", xml_debian_files[i].path);
            out->bytes += d->len;
            out->n++;
        } else if (mlen < size) {
            mlen += (size_t)snprintf(missing + mlen, size - mlen, "%s%s (%s)", mlen ? ", " : "",
                                     xml_debian_files[i].path, xml_debian_files[i].package);
        }
    }
    return out->n;
}

/* ---- splitting at records ------------------------------------------------------------------ */

/* The position after the first occurrence of what at or after p, or end. */
static const char *past(const char *p, const char *end, const char *what)
{
    size_t w = strlen(what);
    for (; p + w <= end; p++)
        if (*p == what[0] && !memcmp(p, what, w))
            return p + w;
    return end;
}

/* p is at '<' of a markup item that is not an element (<?...?>, <!--...-->,
 * <![CDATA[...]]>, <!DOCTYPE ...>); returns the position after it. */
static const char *skip_special(const char *p, const char *end)
{
    if (p + 1 < end && p[1] == '?')
        return past(p + 2, end, "?>");
    if (end - p >= 4 && !memcmp(p, "<!--", 4))
        return past(p + 4, end, "-->");
    if (end - p >= 9 && !memcmp(p, "<![CDATA[", 9))
        return past(p + 9, end, "]]>");
    /* <!DOCTYPE ...>, with an internal subset [ ... ] that holds declarations, comments
     * and quoted strings, any of which may contain '>' */
    {
        int in_subset = 0;
        for (p += 2; p < end; p++) {
            if (*p == '"' || *p == '\'') {
                const char *q = memchr(p + 1, *p, (size_t)(end - p - 1));
                p = q ? q : end - 1;
            } else if (*p == '[') {
                in_subset = 1;
            } else if (*p == ']') {
                in_subset = 0;
            } else if (in_subset && *p == '<' && end - p >= 4 && !memcmp(p, "<!--", 4)) {
                p = past(p + 4, end, "-->") - 1;
            } else if (!in_subset && *p == '>') {
                return p + 1;
            }
        }
        return end;
    }
}

/* p is at the '<' of a start or end tag; returns the position after its '>' (quoted
 * attribute values may hold '>'), and *empty = 1 for <x/>. */
static const char *skip_tag(const char *p, const char *end, int *empty)
{
    for (p++; p < end; p++) {
        if (*p == '"' || *p == '\'') {
            const char *q = memchr(p + 1, *p, (size_t)(end - p - 1));
            p = q ? q : end - 1;
        } else if (*p == '>') {
            *empty = p[-1] == '/';
            return p + 1;
        }
    }
    *empty = 0;
    return end;
}

static int special(const char *p, const char *end)
{
    return p + 1 < end && (p[1] == '?' || p[1] == '!');
}

static void add_piece(struct xml_set *out, int *cap, const char *prolog, size_t plen,
                      const char *stag, size_t slen, const char *name, size_t nlen,
                      const char *a, const char *b, const char *origin)
{
    struct sbuf s = {NULL, 0, 0};
    struct xml_doc *d;
    if (out->n == *cap)
        out->docs = xrealloc(out->docs, sizeof(*out->docs) * (size_t)(*cap = *cap ? 2 * *cap : 16));
    sb_mem(&s, prolog, plen);
    sb_mem(&s, stag, slen);
    sb_mem(&s, a, (size_t)(b - a));
    sb_put(&s, "</");
    sb_mem(&s, name, nlen);
    sb_put(&s, ">\n");
    d = &out->docs[out->n];
    memset(d, 0, sizeof(*d));
    d->data = s.p;
    d->len = s.n;
    snprintf(d->name, sizeof(d->name), "%.70s, part %d", origin, out->n + 1);
    out->bytes += s.n;
    out->n++;
}

int xml_split_records(const struct xml_doc *doc, size_t chunk_bytes, struct xml_set *out)
{
    const char *p = doc->data, *end = doc->data + doc->len, *prolog_end, *stag, *content, *name;
    const char *cut, *q;
    size_t nlen;
    int depth = 1, empty, cap = 0, pending = 0; /* records since the last cut */

    out->docs = NULL;
    out->n = 0;
    out->bytes = 0;
    /* The prolog: declaration, comments, processing instructions, the DOCTYPE. */
    for (;;) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
            p++;
        if (p < end && *p == '<' && special(p, end))
            p = skip_special(p, end);
        else
            break;
    }
    if (p >= end || *p != '<')
        return 0;
    prolog_end = stag = p;
    name = p + 1;
    for (q = name; q < end && !strchr(" \t\r\n/>", *q); q++)
        ;
    nlen = (size_t)(q - name);
    content = skip_tag(p, end, &empty);
    if (empty || content >= end)
        return 0;
    /* The content, record by record: a cut after every record that ends a chunk of at
     * least chunk_bytes; the last chunk ends at the root's end tag. */
    cut = content;
    for (p = content; p < end;) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        if (!lt)
            break;
        if (special(lt, end)) {
            p = skip_special(lt, end);
            continue;
        }
        if (lt + 1 < end && lt[1] == '/') {
            p = skip_tag(lt, end, &empty);
            if (--depth == 0) { /* the root's end tag: the rest is the last chunk */
                if (pending)
                    add_piece(out, &cap, doc->data, (size_t)(prolog_end - doc->data), stag,
                              (size_t)(content - stag), name, nlen, cut, lt, doc->name);
                break;
            }
        } else {
            p = skip_tag(lt, end, &empty);
            if (!empty)
                depth++;
        }
        if (depth == 1) { /* a record of the root just ended */
            pending++;
            if ((size_t)(p - cut) >= chunk_bytes) {
                add_piece(out, &cap, doc->data, (size_t)(prolog_end - doc->data), stag,
                          (size_t)(content - stag), name, nlen, cut, p, doc->name);
                cut = p;
                pending = 0;
            }
        }
    }
    if (depth != 0) { /* unterminated: not a document we can split */
        xml_set_free(out);
        return 0;
    }
    return out->n;
}
