"""gil_work.py: the work of the gil lab, as a Python programmer writes it.

Each function does `n` units of work and returns how many it did, so the lab can check
that every worker did exactly its share:

  count(n)      Beazley's countdown, counting up: n steps of pure Python bytecode. The
                thread running it holds the GIL throughout (it lets go only when asked,
                every switch interval).
  spin(n)       the same loop "moved into C" (_parlab.spin, src/pyembed.c): it releases
                the GIL while it runs, as numpy, hashlib and zlib do. Only inside parlab.
  hash_work(n)  n 1 MiB blocks through hashlib.sha256: C code that releases the GIL.
  zlib_work(n)  n 1 MiB blocks through zlib.compress: the same.

Inside parlab (labs/gil/gil.c loads this file as the module gil_work) the lab's C code
calls these functions from its worker threads and processes and times them itself.
Run alone, it shows the lesson in three lines:

    /usr/bin/python3 labs/gil/gil_work.py [STEPS]

the same count() work on 1 thread, split over 2 threads, and split over 2 processes.
"""
import hashlib
import zlib

try:
    from _parlab import spin  # parlab's C loop that releases the GIL
except ImportError:  # run alone, or in a subinterpreter (which refuses _parlab)
    spin = None


def count(n):
    """n steps of pure Python: one comparison and one addition of ints a step."""
    i = 0
    while i < n:
        i += 1
    return i


BLOCK = bytes(range(256)) * 4096  # 1 MiB


def hash_work(n):
    """sha256 over n MiB; update() releases the GIL for buffers over 2 KiB."""
    h = hashlib.sha256()
    for _ in range(n):
        h.update(BLOCK)
    return n


def zlib_work(n):
    """Compress n MiB; zlib releases the GIL while it deflates."""
    for _ in range(n):
        zlib.compress(BLOCK, 6)
    return n


# A measurement trap, avoided here: CPython 3.11 rewrites a function's bytecode into
# faster, specialised instructions (PEP 659) only after the function's 8th *call*, not
# after long loops. A worker calls count() once a run, so without this the first runs
# would time the slow, generic bytecode (1.5-2x slower) and one worker (few calls) would
# run other code than four. Calling each function a few times with no work, right
# here at import, makes every timed call, in every thread, process and interpreter,
# run the same specialised code. Warm up your own Python benchmarks the same way.
for _ in range(16):
    count(1), hash_work(0), zlib_work(0)


if __name__ == "__main__":
    import multiprocessing
    import os
    import sys
    import threading
    import time

    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000_000
    half = [steps // 2, steps - steps // 2]

    def timed(fn):
        t0 = time.perf_counter()
        done = fn()
        return time.perf_counter() - t0, done

    def one_thread():
        return count(steps)

    def two_threads():
        done = [0, 0]

        def run(i):
            done[i] = count(half[i])

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return sum(done)

    # The two processes are started before the clock: only the work is timed.
    with multiprocessing.Pool(2) as pool:
        pool.map(count, [1, 1])

        def two_processes():
            return sum(pool.map(count, half, chunksize=1))

        print(f"count({steps:,}) on this machine, once each (parlab run gil repeats and pairs it):")
        t1, d = timed(one_thread)
        print(f"  1 thread      {t1:7.3f} s")
        for name, fn in [("2 threads", two_threads), ("2 processes", two_processes)]:
            t, d = timed(fn)
            assert d == steps, f"{name} counted {d} steps, not {steps}"
            print(f"  {name:<13} {t:7.3f} s   ({t1 / t:.2f}x as fast as 1 thread)")
    print(f"usable CPUs: {len(os.sched_getaffinity(0))}. Threads share one GIL;"
          " each process has its own.")
