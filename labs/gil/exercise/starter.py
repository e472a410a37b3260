"""The gil lab's exercise: make a slow threaded Python function scale.

work(total, workers) does `total` steps of pure-Python counting, split over
`workers` threads. Run it: the time does not go down with more workers, because the
GIL lets only one thread run Python bytecode at a time (see labs/gil/README.md).

Your task: change work() so that it runs about `workers` times faster on `workers`
CPUs, and still returns `total` (every step counted, once).

Run:   python3 starter.py 20000000 2      (prints: steps done, seconds)
Check: sh check.sh starter.py
"""
import os
import sys
import threading
import time


def count(n):
    """Beazley's countdown, counting up: n steps of pure Python, holding the GIL."""
    i = 0
    while i < n:
        i += 1
    return i


def work(total, workers):
    shares = [total // workers + (i < total % workers) for i in range(workers)]
    done = [0] * workers

    def run(i):
        done[i] = count(shares[i])

    # TODO: these threads take turns on one GIL. Run the shares in separate processes
    # instead (multiprocessing.Pool or concurrent.futures.ProcessPoolExecutor: each
    # process has its own interpreter and its own GIL), or move count() into C code that
    # releases the GIL. Keep the guard `if __name__ == "__main__"` below: processes
    # started with "spawn" import this file.
    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done)


if __name__ == "__main__":
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000_000
    # workers: the second argument, or PARLAB_WORKERS (set by `parlab time`, as check.sh runs it)
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else int(os.environ.get("PARLAB_WORKERS", "2"))
    t0 = time.perf_counter()
    steps = work(total, workers)
    print(steps, "%.4f" % (time.perf_counter() - t0))
