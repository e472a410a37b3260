"""A solution to the gil lab's exercise: the same work() in processes.

Each process has its own interpreter and its own GIL, so the shares really run at
the same time, one per CPU. The cost: starting the processes (tens of ms with "spawn",
a few with "fork") and sending arguments and results between them (pickling), which
is why this pays off only when each share is much longer than that.
"""
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor


def count(n):
    i = 0
    while i < n:
        i += 1
    return i


def work(total, workers):
    shares = [total // workers + (i < total % workers) for i in range(workers)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return sum(pool.map(count, shares))


if __name__ == "__main__":
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000_000
    # workers: the second argument, or PARLAB_WORKERS (set by `parlab time`, as check.sh runs it)
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else int(os.environ.get("PARLAB_WORKERS", "2"))
    t0 = time.perf_counter()
    steps = work(total, workers)
    print(steps, "%.4f" % (time.perf_counter() - t0))
