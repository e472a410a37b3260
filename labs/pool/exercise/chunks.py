#!/usr/bin/env python3
"""chunks.py: make a process pool beat the plain loop (the pool lab's exercise).

20,000 tasks of about 10 microseconds each: 0.2 s of work in a plain loop. A process
pool with one worker per CPU should do it in half the time on 2 CPUs... but each task
sent on its own costs ~30 us of pickling, pipe writes and wake-ups (see
`parlab run pool`: py-mp-pool at chunksize=1), three times the task itself.

Run it:   python3 chunks.py          Check it:   sh check.sh
"""
import multiprocessing as mp
import os
import time

# TODO 1: pick the chunk size: how many tasks travel to a worker in one message.
# With 1, every task pays the whole fee. Try 10, 100, 1000 and watch "pool".
CHUNKSIZE = 1


def task(n):
    """About 10 microseconds of pure-Python work (n loop iterations)."""
    for _ in range(n):
        pass
    return n


def chunk_size(ntasks, workers):
    # TODO 2 (after TODO 1): instead of a constant, compute a chunk size from the
    # number of tasks and workers, so that every worker gets a few chunks (why not
    # exactly one chunk each? think of a worker that is slowed down).
    return CHUNKSIZE


def best_of(k, fn):
    best = float("inf")
    for _ in range(k):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main():
    workers = len(os.sched_getaffinity(0))
    # size the task to ~10 us on this machine
    t0 = time.perf_counter()
    task(200000)
    n = max(1, int(200000 * 10e-6 / (time.perf_counter() - t0)))
    tasks = [n] * 20000
    seq = best_of(3, lambda: [task(x) for x in tasks])
    c = chunk_size(len(tasks), workers)
    with mp.get_context("fork").Pool(workers) as pool:
        pool.map(task, tasks[:200], chunksize=c)  # warm-up: start the workers
        par = best_of(3, lambda: pool.map(task, tasks, chunksize=c))
    print("workers", workers)
    print("chunksize", c)
    print("sequential %.4f s" % seq)
    print("pool %.4f s" % par)
    print("speedup %.2f" % (seq / par))


if __name__ == "__main__":
    main()
