#!/usr/bin/env python3
"""titles.py: make an XML-reading script scale on the cores (the xml lab's exercise).

It reads every article of a folder of XML files (the lab's generated corpus, written by
datasets/xml/corpus.py; check.sh makes it once in a cache folder) and, for each, finds
its id, its title and how many sections and <ref> links it has. It prints a checksum of
all of that, the same whatever the worker count (so two runs can be compared).

The worker count comes from PARLAB_WORKERS (`parlab time` sets it), else from the
command line, else it is every CPU this process may use; the folder from PARLAB_XML_DIR,
else the second argument:

    python3 titles.py 1 DIR      # one worker
    python3 titles.py 2 DIR      # two
    sh check.sh                  # both, timed by `parlab time`: PASS or FAIL

As given, it hands one document at a time to a pool of THREADS that parse with the
standard library's ElementTree: it does not get faster with 2 workers. Why not?
"""
import hashlib
import os
import sys
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor


def workers():
    w = os.environ.get("PARLAB_WORKERS") or (sys.argv[1] if len(sys.argv) > 1 else "")
    return int(w) if w else len(os.sched_getaffinity(0))


def folder():
    d = os.environ.get("PARLAB_XML_DIR") or (sys.argv[2] if len(sys.argv) > 2 else "")
    if not d or not os.path.isdir(d):
        sys.exit("titles.py: give the corpus folder (PARLAB_XML_DIR or the 2nd argument); "
                 "make one: python3 datasets/xml/corpus.py --docs 320 --kb 32 DIR")
    return d


def read_one(data):
    """What we want from one article (bytes): (id, title, sections, refs).
    TODO 1: ElementTree parses holding the GIL: threads take turns. Which parser
    releases it while it parses, and how must each thread use it?"""
    root = ET.fromstring(data)
    return (root.get("id"), root.findtext("title"), len(root.findall("body/section")),
            len(root.findall(".//ref")))


def read_all(docs, w):
    """Every article, w workers. TODO 2: threads, or processes? If processes, how many
    documents a task (each task is a message), and what comes back?"""
    if w == 1:
        return [read_one(d) for d in docs]
    with ThreadPoolExecutor(w) as pool:
        return list(pool.map(read_one, docs))


def main():
    d = folder()
    docs = []
    for name in sorted(os.listdir(d)):
        if name.endswith(".xml"):
            with open(os.path.join(d, name), "rb") as f:
                docs.append(f.read())
    found = read_all(docs, workers())
    h = hashlib.sha1(repr(found).encode()).hexdigest()[:16]
    print("%d articles, %d sections, %d refs" % (len(found), sum(f[2] for f in found),
                                                  sum(f[3] for f in found)))
    print(h)


if __name__ == "__main__":
    main()
