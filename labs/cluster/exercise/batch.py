#!/usr/bin/env python3
"""batch.py: make a cluster pay (the cluster lab's exercise).

1,000 items of about half a millisecond of pure-Python work each (half a second in all).
With one worker it runs them in a plain loop: the baseline. With more, it hands them to
an executor: a Dask Client on a LocalCluster of that many worker processes if Dask is
installed, else a concurrent.futures.ProcessPoolExecutor. The submitting code is the
same for both: submit(fn, *args) returns a future, future.result() waits for it.

As given, it submits one task per item, and one Dask task costs about 2 ms of the
scheduler's and the workers' time (the lab measured it: parlab run cluster --experiment
tasks), four times the work it carries: the cluster loses to the loop.

The worker count comes from PARLAB_WORKERS (`parlab time` sets it), else from the
command line, else it is every CPU this process may use:

    python3 batch.py 1          # the plain loop
    python3 batch.py 2          # the executor, 2 workers
    sh check.sh                 # both, timed by `parlab time`: PASS or FAIL

Its last line says how long the work itself took (the engine's start and stop are not
counted: on a real cluster they happen once for many jobs) and a checksum that must be
the same in every run.
"""
import os
import sys
import time

ITEMS = 1000
TURNS = 6000  # loop turns an item: about half a millisecond in CPython on a 2020s core


def work(x):
    """One item: TURNS turns of a Python loop, and a number to check."""
    s = x
    for i in range(TURNS):
        s = (s * 31 + i) % 1000003
    return s


# TODO 1: write a task that does a whole batch of items, so that each task carries
# enough work to pay for itself:
#     def work_batch(xs):
#         return [work(x) for x in xs]


def batch_size(items, workers):
    # TODO 2: how many items a task (one: every item pays the whole cost of a task).
    # Compute it from the items and the workers: every worker should get a few tasks
    # (why not exactly one each? think of a worker that is slowed down).
    return 1


def run(ex, items, workers):
    """The same code for every executor: submit, then wait for every result."""
    futures = [ex.submit(work, x) for x in items]  # TODO 1: submit batches of batch_size() items
    return [f.result() for f in futures]


def executor(workers):
    try:
        from dask.distributed import Client, LocalCluster
        import logging
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        return "dask", Client(cluster), cluster
    except ImportError:
        from concurrent.futures import ProcessPoolExecutor
        return "process-pool", ProcessPoolExecutor(workers), None


def flatten(results):
    out = []
    for r in results:
        out.extend(r if isinstance(r, list) else [r])
    return out


def main():
    w = os.environ.get("PARLAB_WORKERS") or (sys.argv[1] if len(sys.argv) > 1 else "")
    workers = int(w) if w else len(os.sched_getaffinity(0))
    items = list(range(ITEMS))
    if workers == 1:
        t0 = time.perf_counter()
        results = [work(x) for x in items]  # the plain loop: what the cluster must beat
        engine, tasks, compute = "loop", len(items), time.perf_counter() - t0
    else:
        engine, ex, cluster = executor(workers)
        try:
            run(ex, items[: 4 * workers], workers)  # warm-up: the workers are up and have the code
            t0 = time.perf_counter()
            results = flatten(run(ex, items, workers))
            compute = time.perf_counter() - t0
            tasks = -(-len(items) // batch_size(len(items), workers))
        finally:
            ex.close() if engine == "dask" else ex.shutdown()
            if cluster is not None:
                cluster.close()
    if len(results) != len(items):
        sys.exit("%d results for %d items: is every item in exactly one batch?" % (len(results), len(items)))
    print("engine %s, %d workers, %d tasks" % (engine, workers, tasks))
    print("compute_s %.6f checksum %d tasks %d engine %s" % (compute, sum(results) % 1000000007, tasks, engine))


if __name__ == "__main__":
    main()
