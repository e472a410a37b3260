"""pool_tasks.py: what one task costs in Python's pools, and how big a task must be
for a pool to pay. The Python half of the pool lab (labs/pool/pool.c).

Run it on its own:

    /usr/bin/python3 labs/pool/pool_tasks.py [WORKERS]

and it prints the microseconds one empty task costs in each of Python's pools
(ThreadPoolExecutor, ProcessPoolExecutor, multiprocessing.Pool, joblib). Inside parlab
(`parlab run pool`) the same functions measure the lab's py-* variants and report
through the harness (the built-in module _parlab): every point, repetition and result
travels to parlab like those of the C variants.

The pools are always shut down by this file, also when the run is stopped (Ctrl-C
makes _parlab.next_rep() return None; then every `with` below closes its pool), so no
worker process is left behind.
"""
import contextlib
import ctypes
import multiprocessing as mp
import os
import signal
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

try:
    import _parlab  # inside parlab: the harness
except ImportError:
    _parlab = None  # on its own: the small stand-in at the end of this file prints

perf = time.perf_counter

# The pools fork their workers (the default on Linux in 3.11): the workers start with
# this interpreter's modules, so tasks are found by name.
FORK = mp.get_context("fork")

try:
    from joblib import Parallel, delayed
    from joblib.externals import cloudpickle
    from joblib.externals.loky import reusable_executor

    # joblib's workers are fresh interpreters (fork + exec): they cannot import this
    # file by name inside parlab, so its functions travel by value.
    if __name__ != "__main__":
        cloudpickle.register_pickle_by_value(sys.modules[__name__])
    NO_JOBLIB = None
except Exception as e:  # not installed, or too old
    NO_JOBLIB = "cannot import joblib (%s); apt-get install python3-joblib" % e


# ---- the work: a task of n loop turns ---------------------------------------------------

def spin(n):
    """The task: n turns of an empty Python loop. spin(0) is the "empty task": a call
    and a return, so what is timed is the pool."""
    for _ in range(n):
        pass
    return n


def loop_turns_per_us():
    """How many turns of spin's loop this interpreter does in a microsecond: the fastest
    of five runs (a run that was preempted would make the loop look slower)."""
    for _ in range(16):
        spin(1)  # CPython 3.11 specialises a function after its 8th call
    best = float("inf")
    for _ in range(5):
        t0 = perf()
        spin(200000)
        best = min(best, perf() - t0)
    return 200000 / best / 1e6


def loop_time(turns, count):
    """Seconds one task of `turns` takes in a plain loop (the fastest of 3 loops of
    `count` tasks): the baseline a pool's efficiency is measured against."""
    tasks = [turns] * count
    best = float("inf")
    for _ in range(3):
        t0 = perf()
        for x in tasks:
            spin(x)
        best = min(best, perf() - t0)
    return best / count


def tree_cpu():
    """CPU seconds of this process (all its threads) and of its live children (the
    pools' worker processes, whose time the OS only counts for us once they exit)."""
    s = time.process_time()
    for t in os.listdir("/proc/self/task"):
        try:
            kids = open("/proc/self/task/%s/children" % t).read().split()
        except OSError:
            continue
        for k in kids:
            try:
                for kt in os.listdir("/proc/%s/task" % k):
                    s += int(open("/proc/%s/task/%s/schedstat" % (k, kt)).read().split()[0]) * 1e-9
            except (OSError, ValueError, IndexError):
                pass  # it exited meanwhile
    return s


def _worker_start():
    """In each forked worker, first: signals as a pool worker expects them. A fork copies
    its parent's signal handlers, and inside parlab those only note "stop after this
    sample", which would make a worker ignore the SIGTERM that Pool.terminate() sends.
    Ctrl-C is for this process, which then shuts the pool down: the workers ignore it.
    And die if this process dies (a second Ctrl-C kills it with no time to clean up)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ctypes.CDLL(None).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except Exception:
        pass


# ---- the pools ----------------------------------------------------------------------------

POOLS = ["py-thread-pool", "py-process-pool", "py-mp-pool", "py-joblib"]


@contextlib.contextmanager
def pool(name, w):
    """A started pool of w workers, as a function run(tasks, chunksize=None) that maps
    spin over the tasks. Leaving the `with` shuts it down, also on an error or Ctrl-C."""
    if name == "py-thread-pool":
        ex = ThreadPoolExecutor(w)
        try:
            yield lambda a, c=None: list(ex.map(spin, a))
        finally:
            ex.shutdown(wait=True, cancel_futures=True)
    elif name == "py-process-pool":
        # ProcessPoolExecutor.map sends one task a message unless told otherwise
        ex = ProcessPoolExecutor(w, mp_context=FORK, initializer=_worker_start)
        try:
            yield lambda a, c=None: list(ex.map(spin, a, chunksize=c or 1))
        finally:
            ex.shutdown(wait=True, cancel_futures=True)
    elif name == "py-mp-pool":
        # Pool.map without a chunk size sends chunks of len(tasks) / (4 * workers)
        p = FORK.Pool(w, initializer=_worker_start)
        try:
            yield lambda a, c=None: p.map(spin, a, c)
        finally:
            p.terminate()
            p.join()
    elif name == "py-joblib":
        # joblib keeps its workers for the next Parallel (loky's reusable executor, a
        # module global): leaving the Parallel does not stop them, so stop them here
        try:
            with Parallel(n_jobs=w) as par:
                yield lambda a, c=None: par(delayed(spin)(x) for x in a)
        finally:
            ex = reusable_executor._executor  # None with 1 worker: joblib ran a plain loop
            if ex is not None:
                ex.shutdown(wait=True)
    else:
        raise ValueError(name)


# ---- measuring: a point, its repetitions -----------------------------------------------------

def calibrate(run, target, n=1024, cap=1 << 21):
    """How many empty tasks make one run last `target` seconds: the harness's one
    calibration (harness_calibrate: double until a run lasts long enough)."""
    return H.calibrate(lambda k: run([0] * k), target, n, cap)


def repetitions(exp, name, w, param, run, metric, unit, value, before=None):
    """The point's warm-up (rep 0), then its timed repetitions. Each records
    value(seconds, baseline) under metric, and the CPUs the pool used (cpu_cores);
    before() (may be None) is a baseline taken right before each timed run."""
    while True:
        rep = H.next_rep()
        if rep is None:
            return
        base = before() if before else None
        c0 = tree_cpu()
        t0 = perf()
        run()
        t = perf() - t0
        c1 = tree_cpu()
        if rep > 0:
            H.result(exp, name, w, param, rep, metric, value(t, base), unit)
            H.result(exp, name, w, param, rep, "cpu_cores", (c1 - c0) / t, "cores")
            if base is not None:
                H.result(exp, name, w, param, rep, "task_us_loop", base * 1e6, "us")


# joblib's workers are fresh interpreters that import joblib: starting and stopping
# them takes about a second, as long as the rest of a quick experiment's Python side.
# --quick measures joblib once, in task-overhead (its fee with automatic batching); the
# other experiments do not plan its points (the lab's points() agrees) and say so once.
QUICK_JOBLIB_NOTE = "python: --quick: py-joblib measured in task-overhead only (its workers take about a second to start)"


def each_pool(exp, workers, params, measure):
    """For every worker count and pool: the points params(name) names, measured by
    measure(name, w, run, param). A pool that cannot start or fails is skipped with its
    reason (the remaining points of it too); joblib's points are skipped without joblib."""
    for w in workers:
        for name in POOLS:
            todo = list(params(name))
            if H.interrupted():
                break
            if not todo:
                continue  # this experiment measures other pools
            if name == "py-joblib" and NO_JOBLIB:
                for p in todo:
                    H.skip(exp, name, w, p, NO_JOBLIB)
                continue
            try:
                with pool(name, w) as run:
                    while todo and not H.interrupted():
                        measure(name, w, run, todo.pop(0))  # announces the point
            except Exception as e:
                if H.interrupted():
                    break  # a worker stopped by Ctrl-C on the terminal: expected
                H.note("%s, %d workers: %s: %s" % (name, w, type(e).__name__, e))
                for p in todo:
                    H.skip(exp, name, w, p, "the pool failed (%s)" % type(e).__name__)
    if H.interrupted():
        H.note("python: stopped (Ctrl-C), every pool shut down")


# Where a task is long next to every pool's fee, its work is CPU-bound, and a point
# that got fewer CPUs than the work can use was held back by other programs: parlab
# flags it. Below, the CPUs idle because of the fee itself, which is what is measured.
CPU_BOUND_US = 1000


def cores_for(name, w, usable):
    """The CPUs the pool's work can use: one for threads under the GIL."""
    return 1.0 if name == "py-thread-pool" else float(min(w, usable))


# ---- the experiments (the lab calls these, with its plan) -------------------------------

def overhead_param(name):
    return {"py-thread-pool": "", "py-process-pool": "chunksize=1"}.get(name, "chunksize=auto")


def task_overhead(workers, usable, quick):
    """Microseconds per empty task: map spin over N zeros, N calibrated per pool so a run
    lasts long enough to time."""
    target = 0.02 if quick else 0.2

    def measure(name, w, run, param):
        # the fee is mostly waiting and handing over, not CPU work: cores_wanted 0
        H.point("task-overhead", name, w, param, 0.0)
        n = calibrate(run, target, 64)  # from 64: a process pool's task costs ~0.1 ms
        tasks = [0] * n
        repetitions("task-overhead", name, w, param, lambda: run(tasks), "us_per_task", "us",
                    lambda t, b: t / n * 1e6)

    each_pool("task-overhead", workers, lambda name: [overhead_param(name)], measure)


def refine_sizes(sizes, effs, per_level):
    """The finer sweep around a pool's crossings (pool_refine in pool_output.c's header,
    the same rule): each crossing of 0.5 and 0.9 between two coarse sizes gets
    per_level sizes spaced evenly on a log scale inside that interval; one interval
    crossed, or both levels in one, gets them all. Returns (sizes, why-not)."""
    lows = []
    for level in (0.5, 0.9):
        i = next((k for k, e in enumerate(effs) if e is not None and e >= level), None)
        if i is None or i == 0 or effs[i - 1] is None:
            continue  # never reached, or reached at the smallest size
        if not lows or lows[-1] != i - 1:
            lows.append(i - 1)
    if not lows:
        top = max((e for e in effs if e is not None), default=None)
        if top is not None and top < 0.5:
            return [], "its efficiency stays below 0.5: no crossing to refine"
        return [], "no crossing of 0.5 or 0.9 between two sizes to refine"
    m = 2 * per_level if len(lows) == 1 else per_level
    out = []
    for lo in lows:
        a, r = sizes[lo], sizes[lo + 1] / sizes[lo]
        out += [float("%.3g" % (a * r ** (j / (m + 1)))) for j in range(1, m + 1)]
    return out, ""


def granularity(workers, usable, sizes, quick, refine=1):
    """Efficiency = (tasks x the task's time in a plain loop / workers) / elapsed, for each
    task size: one a decade, then `refine` more around each of the pool's crossings of
    0.5 and 0.9. The plain loop is timed again right before every pooled run (paired):
    the interpreter's speed wanders on a shared machine, and a baseline from seconds
    earlier could make a pool look better or worse than it is."""
    target = 0.01 if quick else 0.04
    n_max = 100 if quick else 1000
    tpu = loop_turns_per_us()
    effs = {}  # (pool, workers, size) -> this run's efficiencies
    H.note("python: %.0f loop turns a microsecond here (the task: for _ in range(n): pass)" % tpu)

    def measure_size(name, w, run, us):
        param = "task_us=%g" % us
        turns = max(1, round(us * tpu))
        n = int(min(n_max, max(4 * w, target * w / (us * 1e-6))))
        count = max(1, min(n, int(0.002 / (us * 1e-6)) + 1))
        tasks = [turns] * n
        H.point("granularity", name, w, param,
                cores_for(name, w, usable) if us >= CPU_BOUND_US else 0.0)

        def value(t, base):
            e = n * base / w / t
            effs.setdefault((name, w, us), []).append(e)
            return e
        repetitions("granularity", name, w, param, lambda: run(tasks), "efficiency", "fraction",
                    value, before=lambda: loop_time(turns, count))

    def measure(name, w, run, param):
        if not param.startswith("refine="):
            return measure_size(name, w, run, float(param.split("=")[1]))
        k = int(param.split("=")[1]) - 1
        med = [statistics.median(effs[(name, w, s)]) if effs.get((name, w, s)) else None
               for s in sizes]
        fine, why = refine_sizes(sizes, med, refine)
        if k < len(fine):
            measure_size(name, w, run, fine[k])
        else:
            H.skip("granularity", name, w, param, why)

    if quick:
        H.note(QUICK_JOBLIB_NOTE)
    each_pool("granularity", workers,
              lambda name: [] if quick and name == "py-joblib" else
                           ["task_us=%g" % s for s in sizes] +
                           ["refine=%d" % (k + 1) for k in range(2 * refine)], measure)


def chunksize(workers, usable, chunks, task_us, quick):
    """Tasks a second against chunk size (tasks per message) for multiprocessing.Pool,
    joblib's automatic batching, and the plain loop."""
    n = 500 if quick else 4000
    turns = max(1, round(task_us * loop_turns_per_us()))
    tasks = [turns] * n

    def params(name):
        if name == "py-mp-pool":
            return ["chunksize=%d;task_us=%g" % (c, task_us) for c in chunks]
        return ["chunksize=auto;task_us=%g" % task_us] if name == "py-joblib" and not quick else []

    def measure(name, w, run, param):
        c = param.split(";")[0].split("=")[1]
        c = None if c == "auto" else int(c)
        # cores_wanted 0: the fee or the split of the tasks limits the throughput here
        H.point("chunksize", name, w, param, 0.0)
        repetitions("chunksize", name, w, param, lambda: run(tasks, c), "tasks_per_s", "1/s",
                    lambda t, b: n / t)

    if quick:
        H.note(QUICK_JOBLIB_NOTE)
    each_pool("chunksize", workers, params, measure)
    if not H.interrupted():  # the loop has no workers: once
        param = "chunksize=1;task_us=%g" % task_us
        H.point("chunksize", "py-sequential", 1, param, 1.0)
        repetitions("chunksize", "py-sequential", 1, param, lambda: [spin(x) for x in tasks],
                    "tasks_per_s", "1/s", lambda t, b: n / t)


# ---- on its own: a stand-in for the harness, and a table ---------------------------------------

class Alone:
    """What _parlab does, for a run without parlab: keep the numbers, print a table."""

    def __init__(self, reps=3):
        self.reps, self.rep, self.values = reps, None, {}

    def point(self, exp, name, w, param, cores=0.0):
        self.rep = -1

    def next_rep(self):
        self.rep = self.rep + 1 if self.rep < self.reps else None
        return self.rep

    def result(self, exp, name, w, param, rep, metric, value, unit):
        self.values.setdefault((name, w, metric), []).append(value)

    def skip(self, exp, name, w, param, why):
        print("  %-16s skipped: %s" % (name, why))

    def note(self, text):
        print(text)

    def interrupted(self):
        return False

    def calibrate(self, run, target, n, cap):
        """harness_calibrate's rule, alone: double n until run(n) lasts target."""
        while True:
            t0 = perf()
            run(n)
            if perf() - t0 >= target or n >= cap:
                return n
            n = min(cap, n * 2)


H = _parlab if _parlab is not None else Alone()


def main():
    w = int(sys.argv[1]) if len(sys.argv) > 1 else len(os.sched_getaffinity(0))
    print("microseconds per empty task, %d worker%s (median of %d runs):"
          % (w, "" if w == 1 else "s", H.reps))
    task_overhead([w], w, quick=True)
    for name in POOLS:
        v = H.values.get((name, w, "us_per_task"))
        if v:
            print("  %-16s %9.2f us   %s" % (name, statistics.median(v), overhead_param(name) or "-"))
    print("(parlab run pool measures these beside C's pools and OpenMP, with intervals)")


if __name__ == "__main__":
    main()
