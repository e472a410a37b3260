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

# TODO 1: pick the chunk size: how many tasks travel to a worker in one message.
# With 1, every task pays the whole fee. Try 10, 100, 1000 and run the check.
CHUNKSIZE = 1


def task(n):
    """A few microseconds of pure-Python work (n loop turns)."""
    for _ in range(n):
        pass
    return n


def chunk_size(ntasks, workers):
    # TODO 2 (after TODO 1): instead of a constant, compute a chunk size from the
    # number of tasks and workers, so that every worker gets a few chunks (why not
    # exactly one chunk each? think of a worker that is slowed down).
    return CHUNKSIZE


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
