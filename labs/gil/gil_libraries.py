"""gil_libraries.py: when Python threads do scale. Threads that spend their time in
library code written in C, which releases the GIL around its long loops (hashlib on
buffers over 2 KiB, zlib while it deflates, numpy, ...), run in parallel; threads that
run Python bytecode take turns on the one GIL.

Run alone (the same work on 1 thread, then split over as many threads as usable CPUs):

    /usr/bin/python3 labs/gil/gil_libraries.py [SECONDS]

Inside parlab (labs/gil/gil.c) the lab calls run() for each worker count of a series and
times it itself, the one-thread run and the N-thread runs of a repetition side by side.
"""
import threading

from gil_work import count, hash_work, zlib_work


def run(work, nthreads, total):
    """Split `total` units of work() over nthreads threads, the way a Python programmer
    would; returns the units each thread did. (Starting a thread costs ~0.1 ms here:
    small beside the work, so it stays inside the timed run, as in real code.)"""
    shares = [total // nthreads + (i < total % nthreads) for i in range(nthreads)]
    done = [0] * nthreads

    def worker(i):
        done[i] = work(shares[i])

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(nthreads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done


if __name__ == "__main__":
    import os
    import sys
    import time

    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 0.5
    n = max(2, len(os.sched_getaffinity(0)))

    def timed(work, nthreads, total):
        t0 = time.perf_counter()
        run(work, nthreads, total)
        return time.perf_counter() - t0

    print(f"{seconds} s of work on 1 thread, then split over {n} threads (once each; "
          "parlab run gil repeats and pairs them):")
    for name, work in [("hashlib.sha256", hash_work), ("zlib.compress", zlib_work),
                       ("pure Python", count)]:
        per_unit = timed(work, 1, 3) / 3 if work is not count else timed(work, 1, 10**6) / 10**6
        total = max(n, int(seconds / per_unit))
        t1 = timed(work, 1, total)
        tn = timed(work, n, total)
        print(f"  {name:<15} 1 thread {t1:6.3f} s, {n} threads {tn:6.3f} s: {t1 / tn:.2f}x")
