#!/usr/bin/env python3
"""control.py FILE: the check's control for the cluster exercise. The same items and the
same work() as FILE (imported from it, not run), split into one equal slice per worker
and run on bare processes (multiprocessing, fork), started before the clock: the best
any engine could do on this machine. Two Python processes do not always run twice as
fast as one (two vCPUs that share a physical core slow each other down), so the check
judges your executor against this, not against a perfect 2x.

Prints the same last line as batch.py: compute_s S checksum C tasks T engine bare."""
import importlib.util
import multiprocessing as mp
import os
import sys
import time


def load(path):
    spec = importlib.util.spec_from_file_location("batch_under_test", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_slice(args):
    path, xs = args
    m = load(path)
    return [m.work(x) for x in xs]


def main():
    path = os.path.abspath(sys.argv[1])
    m = load(path)
    w = int(os.environ.get("PARLAB_WORKERS") or len(os.sched_getaffinity(0)))
    items = list(range(m.ITEMS))
    if w == 1:
        t0 = time.perf_counter()
        results = [m.work(x) for x in items]
        compute = time.perf_counter() - t0
    else:
        slices = [items[i::w] for i in range(w)]
        with mp.get_context("fork").Pool(w) as pool:
            pool.map(run_slice, [(path, [0])] * w, chunksize=1)  # started, and the code loaded
            t0 = time.perf_counter()
            parts = pool.map(run_slice, [(path, s) for s in slices], chunksize=1)
            compute = time.perf_counter() - t0
        results = [r for p in parts for r in p]
    print("compute_s %.6f checksum %d tasks %d engine bare" % (compute, sum(results) % 1000000007, w))


if __name__ == "__main__":
    main()
