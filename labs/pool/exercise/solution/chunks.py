#!/usr/bin/env python3
"""chunks.py: make a process pool beat the plain loop (the pool lab's exercise).

100,000 tasks of a few microseconds each (TURNS turns of an empty Python loop, ~5-10 us
on a 2020s core; the same work in every run, so two runs can be compared). With one
worker it runs them in a plain loop: the baseline. With more, it hands them to a
multiprocessing.Pool of that many worker processes.

The worker count comes from PARLAB_WORKERS (`parlab time` sets it), else from the
command line, else it is every CPU this process may use:

    python3 chunks.py 1          # the plain loop
    python3 chunks.py 2          # a pool of 2 workers
    sh check.sh                  # both, timed by `parlab time`: PASS or FAIL

As given, the pool sends every task in its own message (chunksize=1), and each message
costs more than the task it carries (pickling, a pipe write, a wake-up, the result back:
~30 us for py-mp-pool at chunksize 1 in `parlab run pool`): the pool loses to the loop.
"""
import multiprocessing as mp
import os
import sys

TASKS = 100000  # a few tenths of a second of work: enough to pay for starting the pool
TURNS = 400

# SOLUTION 1: a chunk size that shares the fee over many tasks: a fee of ~30 us shared
# by 100 tasks is ~0.3 us each, small next to a task of 5-10 us.
CHUNKSIZE = 100


def task(n):
    """A few microseconds of pure-Python work (n loop turns)."""
    for _ in range(n):
        pass
    return n


def chunk_size(ntasks, workers):
    # SOLUTION 2: many chunks a worker (32 here; multiprocessing.Pool.map's default is
    # 4): each message still carries ~1,560 tasks (100,000 / 64), a few ms of work against
    # a ~30 us fee, and a worker that the OS slows down holds back only a small share
    # of the work. Exactly one chunk a worker would leave the others idle at the end,
    # waiting for the slowest.
    return max(1, ntasks // (32 * workers))


def workers():
    w = os.environ.get("PARLAB_WORKERS") or (sys.argv[1] if len(sys.argv) > 1 else "")
    return int(w) if w else len(os.sched_getaffinity(0))


def main():
    w = workers()
    tasks = [TURNS] * TASKS
    if w == 1:
        c = "-"
        results = [task(x) for x in tasks]  # the plain loop: what the pool must beat
    else:
        c = chunk_size(len(tasks), w)
        with mp.get_context("fork").Pool(w) as pool:
            results = pool.map(task, tasks, chunksize=c)
    print("workers %d, chunksize %s" % (w, c))
    print("checksum %d" % sum(results))  # the same in every run: the check compares it


if __name__ == "__main__":
    main()
