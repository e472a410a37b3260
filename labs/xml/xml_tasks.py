"""xml_tasks.py: parsing XML in parallel in Python. The Python half of the xml lab
(labs/xml/xml.c): which parsers gain from threads, what processes cost.

Run it on its own:

    /usr/bin/python3 labs/xml/xml_tasks.py [--workers N] [FILE.xml|DIR ...]

and it times every variant below with 1 and N workers (N: the usable CPUs) on the XML
files named, or on the lab's generated corpus (datasets/xml/corpus.py), and prints a
table. Inside parlab (`parlab run xml --experiment python`) the lab's C side calls
load() with the same corpus it parses in C, then run(variant, workers) for every point
and times each call itself (paired series, the CPU used: the harness's clocks).

The work on one document, the same for every variant: parse it, then count its
<section> elements (a digest every variant must agree on: every document parsed once).

Variants, and what each teaches:
  lxml                 threads, a parser per thread: lxml releases the GIL while libxml2
                       parses (`with nogil:` around xmlCtxtReadMemory in lxml's
                       parser.pxi), so the threads parse at the same time
  lxml-default-parser  threads calling etree.fromstring(doc) with no parser: lxml gives
                       each thread a copy of the default parser on first use
  lxml-shared-parser   threads sharing ONE XMLParser object: its parser context has a
                       lock, so they take turns
  lxml-iterparse       threads streaming with iterparse: a Python step for every element,
                       each holding the GIL
  etree                threads with the standard library's ElementTree: expat and the
                       tree builder run in C, but with the GIL held throughout
  lxml-processes, etree-processes
                       a process pool (fork), pool start-up included: a GIL each; the
                       documents are inherited, only indices go out and digests come back
  etree-processes-trees
                       the same pool, but each worker sends the parsed tree back:
                       pickling a tree costs about what parsing it did
With 1 worker, the process variants are the plain loop in this process (no pool): the
speedup of a pool is against what you would run without one.
"""
import contextlib
import ctypes
import io
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

import xml.etree.ElementTree as ET

try:
    from lxml import etree as LX

    NO_LXML = None
except Exception as e:  # not installed
    LX = None
    NO_LXML = "cannot import lxml (%s): apt-get install python3-lxml (make deps)" % e

perf = time.perf_counter
FORK = mp.get_context("fork")

# The corpus: a list of bytes, set by load(). Forked workers inherit it: a task is only
# an index, so what crosses the pipe is small (but for etree-processes-trees' answers).
DOCS = []

VARIANTS = ["lxml", "lxml-default-parser", "lxml-shared-parser", "lxml-iterparse", "etree",
            "lxml-processes", "etree-processes", "etree-processes-trees"]


def load(docs):
    """The documents to parse (a list of bytes)."""
    global DOCS
    DOCS = list(docs)
    return sum(len(d) for d in DOCS)


# ---- the work on one document ----------------------------------------------------------------

def digest(root):
    """What we read from a parsed article: its number of sections."""
    body = root.find("body")
    return len(body) if body is not None else 0


_local = threading.local()


def lxml_own(i):
    """A parser per thread: made on the thread's first document, then reused."""
    p = getattr(_local, "parser", None)
    if p is None:
        p = _local.parser = LX.XMLParser()
    return digest(LX.fromstring(DOCS[i], p))


def lxml_default(i):
    return digest(LX.fromstring(DOCS[i]))


_SHARED = []


def lxml_shared(i):
    return digest(LX.fromstring(DOCS[i], _SHARED[0]))


def lxml_iterparse(i):
    """Streaming: lxml hands every element to Python as it ends (and still builds the
    tree): a Python step per element, each with the GIL held."""
    n = 0
    for _, el in LX.iterparse(io.BytesIO(DOCS[i])):
        if el.tag == "section":
            n += 1
    return n


def etree(i):
    return digest(ET.fromstring(DOCS[i]))


def etree_tree(i):
    """Parse, and send the whole tree back (the pool pickles it)."""
    return ET.fromstring(DOCS[i])


WORK = {"lxml": lxml_own, "lxml-default-parser": lxml_default, "lxml-shared-parser": lxml_shared,
        "lxml-iterparse": lxml_iterparse, "etree": etree, "lxml-processes": lxml_own,
        "etree-processes": etree, "etree-processes-trees": etree}


# ---- threads: each takes the next document until none is left --------------------------------

def in_threads(work, w):
    """w threads (this one and w - 1 more), each taking the next document from a shared
    iterator (next() on it is atomic under the GIL), each summing its digests."""
    it = iter(range(len(DOCS)))
    sums = [0] * w

    def member(k):
        s = 0
        for i in it:
            s += work(i)
        sums[k] = s

    threads = [threading.Thread(target=member, args=(k,)) for k in range(1, w)]
    for t in threads:
        t.start()
    member(0)
    for t in threads:
        t.join()
    return sum(sums)


# ---- processes --------------------------------------------------------------------------------

def _worker_start():
    """In each forked worker, first: the signals a pool worker expects (a fork copies the
    parent's handlers: inside parlab they only note "stop after this sample"), Ctrl-C
    left to the parent, and death with the parent (PR_SET_PDEATHSIG)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(Exception):
        ctypes.CDLL(None).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL


def in_processes(work, w, trees=False):
    """A pool of w forked processes, started and shut down inside the timed call (a
    script that parallelises one batch pays both). Tasks go in chunks of a quarter of a
    worker's share: few messages, and still some balance."""
    n = len(DOCS)
    chunk = max(1, n // (4 * w))
    with ProcessPoolExecutor(w, mp_context=FORK, initializer=_worker_start) as ex:
        if trees:
            return sum(digest(root) for root in ex.map(etree_tree, range(n), chunksize=chunk))
        return sum(ex.map(work, range(n), chunksize=chunk))


def run(variant, w):
    """Parse every document with variant on w workers; returns the sum of the digests."""
    work = WORK[variant]
    if variant == "lxml-shared-parser" and not _SHARED:
        _SHARED.append(LX.XMLParser())
    if variant.endswith("-processes") or variant.endswith("-trees"):
        if w == 1:
            return sum(work(i) for i in range(len(DOCS)))  # the plain loop: no pool
        return in_processes(work, w, trees=variant.endswith("-trees"))
    return in_threads(work, w)


def available(variant):
    """None if the variant can run here, else why not."""
    return NO_LXML if variant.startswith("lxml") else None


# ---- on its own ------------------------------------------------------------------------------

def read_inputs(args):
    """The XML files named (folders: their *.xml), or the lab's generated corpus, or the
    Debian files the lab also uses. Returns (documents, where they came from)."""
    paths = []
    for a in args:
        if os.path.isdir(a):
            paths += sorted(os.path.join(a, f) for f in os.listdir(a) if f.endswith(".xml"))
        else:
            paths.append(a)
    if paths:
        return [open(p, "rb").read() for p in paths], "%d files" % len(paths)
    here = os.path.dirname(os.path.abspath(__file__))
    gen = os.path.join(here, "..", "..", "datasets", "xml")
    if os.path.exists(os.path.join(gen, "corpus.py")):
        sys.path.insert(0, gen)
        import corpus  # datasets/xml/corpus.py: the same generator as the lab's C side

        return corpus.make(seed=1, docs=96, kb=24), "the generated corpus (seed 1, 96 x 24 KiB)"
    files = ["/usr/share/mime/packages/freedesktop.org.xml", "/usr/share/xml/iso-codes/iso_639-3.xml"]
    docs = [open(f, "rb").read() for f in files if os.path.exists(f)]
    if not docs:
        sys.exit("xml_tasks.py: no input: name XML files or a folder of them")
    return docs, "Debian's XML files"


def main():
    args = sys.argv[1:]
    w = len(os.sched_getaffinity(0))
    if args[:1] == ["--workers"]:
        w, args = int(args[1]), args[2:]
    w = max(2, w)
    docs, origin = read_inputs(args)
    mb = load(docs) / 1e6
    print("%s: %.1f MB in %d documents; 1 and %d workers, best of 3 runs" % (origin, mb, len(docs), w))
    print("%-22s %9s %9s %8s %10s" % ("variant", "1 worker", "%d" % w, "speedup", "MB/s at 1"))
    expected = None
    for v in VARIANTS:
        why = available(v)
        if why:
            print("%-22s skipped: %s" % (v, why))
            continue
        best = {}
        for _ in range(3):
            for k in (1, w):
                t0 = perf()
                got = run(v, k)
                best[k] = min(best.get(k, 1e9), perf() - t0)
                if expected is None:
                    expected = got
                elif got != expected:
                    sys.exit("%s with %d workers read %d sections, not %d" % (v, k, got, expected))
        print("%-22s %8.3fs %8.3fs %7.2fx %10.1f" % (v, best[1], best[w], best[1] / best[w], mb / best[1]))


if __name__ == "__main__":
    main()
