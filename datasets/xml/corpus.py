"""corpus.py: the xml lab's generated corpus, written to files.

    python3 datasets/xml/corpus.py [--seed S] [--docs N] [--kb K] OUTDIR
    python3 datasets/xml/corpus.py [--seed S] [--docs N] [--kb K] --checksum

writes N articles of about K KiB each (article-000000.xml, ...) into OUTDIR, or prints
the corpus's fingerprint (FNV-1a, 64 bits, over the articles one after the other) and
its size. The same generator as the lab's C side (labs/xml/xml_corpus.c), byte for
byte: `parlab run xml` records the fingerprint of the corpus it parsed (meta key
corpus_fnv1a64) and tests/t_xml.sh checks that this file prints the same.

Deterministic: article i is made from its own random stream, seeded from (seed, i), so
the same seed gives the same bytes on every machine, in any order. Defaults: seed 1,
200 articles of 24 KiB (4.9 MB), as the lab; its --quick uses 96 of them. Standard library
only; about 1 MB a second here (the lab makes it in C, 100 times faster).
"""
import os
import sys

MASK = (1 << 64) - 1

WORDS = [
    "parallel", "thread", "process", "core", "cache", "memory", "lock", "pool",
    "task", "queue", "speed", "python", "interpreter", "scheduler", "latency", "bandwidth",
    "barrier", "atomic", "mutex", "worker", "kernel", "socket", "buffer", "vector",
    "matrix", "cluster", "node", "message", "signal", "pipe", "fork", "spawn",
    "serial", "fraction", "amdahl", "gustafson", "efficiency", "overhead", "batch", "chunk",
    "parser", "element", "attribute", "document", "tree", "stream", "event", "handler",
    "model", "forest", "chain", "fold", "score", "label", "feature", "sample",
    "café", "naïve", "façade", "Zürich", "Ångström", "déjà", "über", "señor",
]
GIVEN = ["Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "Leslie",
         "Gene", "John", "Margaret", "Ken", "Radia", "Niklaus", "Sophie", "Tony"]
FAMILY = ["Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Lamport",
          "Amdahl", "Backus", "Hamilton", "Thompson", "Perlman", "Wirth", "Wilson", "Hoare"]
LANGS = ["en", "es", "fr", "de"]


class Rng:
    """The labs' LCG (src/work.h), its top 31 bits a draw."""

    def __init__(self, seed, i):
        self.x = (seed * 0x9E3779B97F4A7C15 + (i + 1) * 0xBF58476D1CE4E5B9) & MASK

    def below(self, n):
        self.x = (self.x * 6364136223846793005 + 1442695040888963407) & MASK
        return (self.x >> 33) % n


def some_words(r, n):
    return " ".join(WORDS[r.below(64)] for _ in range(n))


def paragraph(r, n):
    out = []
    for _ in range(n):
        kind = r.below(64)
        w = WORDS[r.below(64)]
        if kind == 0:
            to = r.below(100000)
            w2 = WORDS[r.below(64)]
            out.append('<ref to="a%06d">%s %s</ref>' % (to, w, w2))
        elif kind < 4:
            out.append("<em>%s</em>" % w)
        elif kind == 4:
            out.append("%s &amp;" % w)
        elif kind == 5:
            out.append("%s," % w)
        else:
            out.append(w)
    return " ".join(out) + "."


def article(seed, i, kb):
    """Article i of the corpus made from seed, about kb KiB, as bytes (UTF-8)."""
    r = Rng(seed, i)
    target = kb * 1024
    p = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    year = 1990 + r.below(35)
    lang = LANGS[r.below(4)]
    p.append('<article id="a%06d" year="%d" lang="%s">\n <title>' % (i, year, lang))
    p.append(some_words(r, 3 + r.below(6)))
    p.append("</title>\n <authors>\n")
    for _ in range(1 + r.below(4)):
        pid = r.below(100000)
        g = GIVEN[r.below(16)]
        f = FAMILY[r.below(16)]
        p.append('  <author id="p%05d"><given>%s</given><family>%s</family></author>\n' % (pid, g, f))
    p.append(" </authors>\n <keywords>")
    for _ in range(3 + r.below(4)):
        p.append("<kw>%s</kw>" % WORDS[r.below(64)])
    p.append("</keywords>\n <abstract>")
    p.append(paragraph(r, 20 + r.below(30)))
    p.append("</abstract>\n <body>\n")
    size = len("".join(p).encode())
    sec = 0
    while True:
        sec += 1
        s = ['  <section n="%d">\n   <heading>' % sec, some_words(r, 2 + r.below(5)), "</heading>\n"]
        for _ in range(2 + r.below(4)):
            s.append("   <p>" + paragraph(r, 30 + r.below(60)) + "</p>\n")
        s.append("  </section>\n")
        s = "".join(s)
        p.append(s)
        size += len(s.encode())
        if size + 200 >= target:
            break
    p.append(" </body>\n <refs>")
    for _ in range(r.below(9)):
        p.append('<cite to="a%06d"/>' % r.below(100000))
    p.append("</refs>\n</article>\n")
    return "".join(p).encode()


def make(seed=1, docs=200, kb=24):
    """The corpus: a list of docs articles (bytes)."""
    return [article(seed, i, kb) for i in range(docs)]


def fnv1a64(docs):
    h = 0xCBF29CE484222325
    for d in docs:
        for b in d:
            h = ((h ^ b) * 0x100000001B3) & MASK
    return h


def main():
    args = sys.argv[1:]
    opts = {"--seed": 1, "--docs": 200, "--kb": 24}
    out, checksum = None, False
    while args:
        a = args.pop(0)
        if a in opts and args:
            opts[a] = int(args.pop(0))
        elif a == "--checksum":
            checksum = True
        elif not a.startswith("--") and out is None:
            out = a
        else:
            sys.exit(__doc__.split("\n\n")[1])
    if (out is None) == (not checksum):
        sys.exit(__doc__.split("\n\n")[1])
    docs = make(opts["--seed"], opts["--docs"], opts["--kb"])
    if checksum:
        print("%016x %d %d" % (fnv1a64(docs), len(docs), sum(len(d) for d in docs)))
        return
    os.makedirs(out, exist_ok=True)
    for i, d in enumerate(docs):
        with open(os.path.join(out, "article-%06d.xml" % i), "wb") as f:
            f.write(d)
    print("%d articles, %d bytes, in %s" % (len(docs), sum(len(d) for d in docs), out))


if __name__ == "__main__":
    main()
