"""cluster_tasks.py: the same Executor code on one machine and on a cluster.

The talk's "same code, more machines" step. concurrent.futures.ProcessPoolExecutor runs
tasks in processes on this machine; a Dask Client runs them on a Dask cluster (a
LocalCluster here, or workers on other hosts), and mpi4py's MPIPoolExecutor on MPI
ranks. All three offer the same interface: submit(fn, *args) returns a future, and
future.result() waits for it. run_all() below is written once and runs on each of
them unchanged. What changes is what one task costs: a function call, then a pickle,
a pipe or a socket, a scheduler's bookkeeping, another host.

Run it on its own:

    /usr/bin/python3 labs/cluster/cluster_tasks.py

and it prints, for each engine installed, how long it takes to start and the
microseconds one empty task costs.

Inside parlab (`parlab run cluster`), `--serve ENGINE WORKERS [RSH HOST...]` makes it a
small server: parlab sends one command a line on standard input and reads one answer a
line on standard output, so the harness's repetitions and calibration drive it:

    start                -> ok SECONDS   start the engine (its workers ready), timed
    hosts                -> ok hosts H.. the hostname each worker runs on
    turns_per_us         -> ok X         loop turns a microsecond, in this interpreter
    run TURNS N          -> ok SECONDS   N tasks of TURNS loop turns, submitted at once
    loop TURNS N         -> ok SECONDS   the same N tasks in a plain loop, here
and at the end of input it shuts the engine down (its workers too) and exits.

ENGINE: process-pool, dask-local (a LocalCluster of WORKERS processes), dask-hosts (a
scheduler here and one worker on each HOST, started through the launcher RSH as a real
cluster would start them through ssh), mpi4py (run under `mpirun -n WORKERS+1 python3 -m
mpi4py.futures`), ipyparallel (if installed).
"""
import ctypes
import itertools
import logging
import multiprocessing as mp
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor

perf = time.perf_counter


# ---- the task and the code that submits it: the same for every engine ---------------------

def task(i, turns):
    """One task: `turns` turns of an empty Python loop. Its number i makes every task
    different: Dask treats calls with equal arguments as the same task and runs it once."""
    for _ in range(turns):
        pass
    return i


_ids = itertools.count()


def run_all(ex, n, turns):
    """The Executor code: submit n tasks, then wait for every result. Written once, run
    unchanged on a ProcessPoolExecutor, a Dask Client, an MPIPoolExecutor."""
    futures = [ex.submit(task, next(_ids), turns) for _ in range(n)]
    for f in futures:
        f.result()


def hostname(_=None):
    return socket.gethostname()


def turns_per_us():
    """Loop turns this interpreter does in a microsecond: the fastest of five runs."""
    best = float("inf")
    for _ in range(5):
        t0 = perf()
        task(0, 200000)
        best = min(best, perf() - t0)
    return 200000 / best / 1e6


def _worker_start():
    """In each process-pool worker: die with this process (parlab kills it on Ctrl-C)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ctypes.CDLL(None).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except Exception:
        pass


# ---- the engines --------------------------------------------------------------------------

class Engine:
    """An executor and what it takes to start and stop it."""

    def __init__(self, name, workers, rsh=None, hosts=()):
        self.name, self.workers, self.rsh, self.hosts = name, workers, rsh, list(hosts)
        self.ex = None
        self.procs = []  # processes we started ourselves (dask-hosts)
        self.cluster = None

    def start(self):
        w = self.workers
        if self.name == "process-pool":
            self.ex = ProcessPoolExecutor(w, mp_context=mp.get_context("fork"), initializer=_worker_start)
            run_all(self.ex, w, 0)  # its workers start with the first tasks
        elif self.name == "dask-local":
            from dask.distributed import Client, LocalCluster
            self.cluster = LocalCluster(n_workers=w, threads_per_worker=1, processes=True,
                                        dashboard_address=None, silence_logs=logging.ERROR)
            self.ex = Client(self.cluster)
            self.ex.wait_for_workers(w)
        elif self.name == "dask-hosts":
            self.ex = self._dask_hosts()
        elif self.name == "mpi4py":
            from mpi4py.futures import MPIPoolExecutor
            self.ex = MPIPoolExecutor()
            self.ex.bootup(wait=True)
        elif self.name == "ipyparallel":
            import ipyparallel as ipp
            self.cluster = ipp.Cluster(n=w, log_level=logging.ERROR)
            rc = self.cluster.start_and_connect_sync()
            rc.wait_for_engines(w)
            self.ex = rc.executor()
        else:
            raise ValueError("unknown engine %r" % self.name)

    def _dask_hosts(self):
        """A Dask cluster as on real machines: the scheduler here (on the first host), one
        worker a host, each started through the launcher as ssh would start it."""
        from dask.distributed import Client
        here = self.hosts[0].split("=")[1]
        py = sys.executable
        tmp = os.environ.get("DASK_TEMPORARY_DIRECTORY") or tempfile.gettempdir()
        os.makedirs(tmp, exist_ok=True)
        sched_file = os.path.join(tmp, "scheduler.json")
        self.procs.append(subprocess.Popen(
            [py, "-m", "distributed.cli.dask_scheduler", "--host", here, "--port", "0",
             "--no-dashboard", "--scheduler-file", sched_file],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL))
        for _ in range(600):  # the scheduler writes its address when it listens
            if os.path.exists(sched_file) and os.path.getsize(sched_file) > 0:
                break
            time.sleep(0.01)
        import json
        addr = json.load(open(sched_file))["address"]
        for h in self.hosts[: self.workers]:
            name, ip = h.split("=")
            cmd = ("%s -m distributed.cli.dask_worker %s --nthreads 1 --nworkers 1 --no-nanny "
                   "--no-dashboard --host %s --local-directory %s/%s --name %s"
                   % (py, addr, ip, tmp, name, name))
            self.procs.append(subprocess.Popen([self.rsh, name, cmd], stdin=subprocess.DEVNULL,
                                               stdout=subprocess.DEVNULL))
        client = Client(addr)
        client.wait_for_workers(min(self.workers, len(self.hosts)))
        return client

    def hosts_of_workers(self):
        if self.name.startswith("dask"):
            return sorted(self.ex.run(hostname).values())
        return sorted(set(self.ex.map(hostname, range(4 * self.workers))))

    def stop(self):
        try:
            if self.ex is not None:
                if self.name.startswith("dask"):
                    self.ex.close()
                elif self.name == "ipyparallel":
                    pass
                else:
                    self.ex.shutdown(wait=True, cancel_futures=True)
            if self.cluster is not None:
                if self.name == "ipyparallel":
                    self.cluster.stop_cluster_sync()
                else:
                    self.cluster.close()
        finally:
            for p in reversed(self.procs):
                p.terminate()
            for p in self.procs:
                try:
                    p.wait(timeout=2)
                except subprocess.TimeoutExpired:
                    p.kill()


def missing(name):
    """Why an engine cannot run here, or None."""
    mods = {"dask-local": "distributed", "dask-hosts": "distributed", "mpi4py": "mpi4py.futures",
            "ipyparallel": "ipyparallel"}
    pkgs = {"distributed": "python3-distributed", "mpi4py.futures": "python3-mpi4py",
            "ipyparallel": "python3-ipyparallel"}
    mod = mods.get(name)
    if not mod:
        return None
    try:
        __import__(mod)
    except Exception as e:
        return "cannot import %s (%s): apt-get install %s" % (mod.split(".")[0], e, pkgs[mod])
    return None


# ---- the server: one command a line -------------------------------------------------------

def serve(name, workers, rsh=None, hosts=()):
    def say(*words):
        print(" ".join(str(w) for w in words), flush=True)

    why = missing(name)
    eng = None if why else Engine(name, workers, rsh, hosts)
    try:
        for line in sys.stdin:
            words = line.split()
            if not words:
                continue
            if why:
                say("err", why)
                continue
            try:
                if words[0] == "start":
                    t0 = perf()
                    eng.start()
                    say("ok", "%.6f" % (perf() - t0))
                elif words[0] == "hosts":
                    say("ok", "hosts", *eng.hosts_of_workers())
                elif words[0] == "turns_per_us":
                    say("ok", "%.6f" % turns_per_us())
                elif words[0] in ("run", "loop"):
                    turns, n = int(words[1]), int(words[2])
                    t0 = perf()
                    if words[0] == "run":
                        run_all(eng.ex, n, turns)
                    else:
                        for i in range(n):
                            task(i, turns)
                    say("ok", "%.9f" % (perf() - t0))
                else:
                    say("err", "unknown command %r" % words[0])
            except Exception as e:  # an engine that fails says why, on one line
                say("err", ("%s: %s" % (type(e).__name__, e)).replace("\n", " "))
    finally:
        if eng is not None:
            eng.stop()


# ---- on its own ---------------------------------------------------------------------------

def main():
    # Dask keeps its workers' files (and lock files) in a folder under the temporary
    # directory: a private one here, removed at the end (parlab gives its own).
    if os.environ.get("DASK_TEMPORARY_DIRECTORY"):
        return alone()
    with tempfile.TemporaryDirectory(prefix="cluster-tasks-") as tmp:
        os.environ["DASK_TEMPORARY_DIRECTORY"] = tmp
        return alone()


def alone():
    w = max(1, min(2, len(os.sched_getaffinity(0))))
    print("engine          start (s)   us per empty task (%d workers)" % w)
    for name in ("process-pool", "dask-local", "ipyparallel"):
        why = missing(name)
        if why:
            print("%-15s not run: %s" % (name, why))
            continue
        eng = Engine(name, w)
        t0 = perf()
        eng.start()
        start = perf() - t0
        try:
            run_all(eng.ex, 20, 0)
            n = 200
            t0 = perf()
            run_all(eng.ex, n, 0)
            print("%-15s %9.2f   %10.1f" % (name, start, (perf() - t0) / n * 1e6))
        finally:
            eng.stop()
    print("(mpi4py: mpirun.openmpi -n %d /usr/bin/python3 -m mpi4py.futures %s --serve mpi4py %d)"
          % (w + 1, sys.argv[0], w))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(sys.argv[2], int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else None, sys.argv[5:])
    else:
        main()
