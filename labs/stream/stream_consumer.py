"""stream_consumer.py: a Redis Streams consumer in Python, run as N threads of one
process or as N processes: the stream lab's `gil` experiment (labs/stream/stream.c).

A consumer asks the broker for a batch of new messages for its group (XREADGROUP),
does the work of each, and acknowledges the batch (XACK). The work is either

  busy(turns)    CPU work in pure Python: the thread holds the GIL the whole time, so
                 N threads of one process take turns on one core;
  wait(seconds)  waiting (what a consumer that calls a web service or a database does):
                 time.sleep releases the GIL, so N threads wait at the same time.

Inside parlab, the lab's C code (stream_python.c) loads this file as the module
stream_consumer, fills the stream with its C producer, and times Team.run() for 1, 2,
... consumers of one team, repetition after repetition (paired speedups).

Run alone, it starts its own redis-server (on a Unix socket in a private temporary
folder, removed at the end) and shows the lesson in four lines:

    /usr/bin/python3 labs/stream/stream_consumer.py [MESSAGES]

one thread, 2 threads and 2 processes consuming MESSAGES messages of 50 us of CPU
work each, then 2 threads whose work is a 50 us wait.
"""
import ctypes
import multiprocessing as mp
import os
import queue
import signal
import threading
import time

try:
    import redis

    NO_REDIS = None
except Exception as e:  # not installed: the lab skips this experiment and says why
    redis = None
    NO_REDIS = "cannot import redis (%s): apt-get install python3-redis, or make deps" % e

# Worker processes are forked (Linux's default in 3.11): they start with this module.
FORK = mp.get_context("fork")


# ---- the work of one message -----------------------------------------------------------

def busy(turns):
    """CPU work in pure Python: `turns` turns of a loop, the GIL held throughout."""
    i = 0
    while i < turns:
        i += 1
    return i


def wait(seconds):
    """Waiting, as for a reply from another service: the GIL is released meanwhile."""
    time.sleep(seconds)
    return seconds


# CPython 3.11 specialises a function's bytecode after its 8th call (PEP 659): warm the
# work up here, so that every timed call, in every thread and process, runs the same code.
for _ in range(16):
    busy(1)

_turns_per_us = None


def turns_per_us():
    """busy() turns a microsecond on this machine: the fastest of 5 runs (a run that was
    preempted would make the loop look slower). Measured once."""
    global _turns_per_us
    if _turns_per_us is None:
        best = float("inf")
        for _ in range(5):
            t0 = time.perf_counter()
            busy(200000)
            best = min(best, time.perf_counter() - t0)
        _turns_per_us = 200000 / best / 1e6
    return _turns_per_us


# ---- the consumer -----------------------------------------------------------------------

def connect(where):
    """A connection of this thread's or process's own: a Unix socket path, or a port on
    127.0.0.1. Connections are never shared between consumers."""
    if isinstance(where, str):
        return redis.Redis(unix_socket_path=where)
    return redis.Redis(host="127.0.0.1", port=where)


def consume(r, stream, group, name, batch, work, arg):
    """Read the group's new messages in batches until none is left; work on each;
    acknowledge each batch. Returns how many messages this consumer handled."""
    done = 0
    while True:
        reply = r.xreadgroup(group, name, {stream: ">"}, count=batch)
        if not reply:
            return done  # nothing new for this group: the stream is drained
        for _stream, entries in reply:
            ids = []
            for msg_id, _fields in entries:
                work(arg)
                ids.append(msg_id)
            if ids:
                r.xack(stream, group, *ids)
            done += len(ids)


def _work_of(kind, work_us):
    if kind == "cpu":
        return busy, max(1, int(work_us * turns_per_us()))
    return wait, work_us * 1e-6


def _process_start():
    """In each forked worker, first: signals as a worker expects them. Inside parlab a
    fork copies handlers that only note "stop after this sample"; SIGTERM must end a
    worker, Ctrl-C is for the parent (which then closes the team), and a worker dies
    with its parent."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ctypes.CDLL(None).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except Exception:
        pass


def _process_main(conn, where, name, batch, work, arg):
    _process_start()
    r = connect(where)
    while True:
        cmd = conn.recv()
        if cmd is None:
            break
        stream, group = cmd
        c0 = time.process_time()
        try:
            done = consume(r, stream, group, name, batch, work, arg)
            conn.send((done, time.process_time() - c0, None))
        except Exception as e:
            conn.send((0, time.process_time() - c0, "%s: %s" % (type(e).__name__, e)))
    os._exit(0)


class Team:
    """n consumers, started once and held for a whole series: kind "threads" (threads of
    this process, one connection each) or "processes" (forked processes, one interpreter
    and one connection each). run(w, stream, group) wakes the first w of them on a fresh
    group and waits for all; the others keep waiting, without a CPU."""

    def __init__(self, kind, n, where, batch, work, work_us):
        self.kind, self.n = kind, n
        fn, arg = _work_of(work, work_us)
        names = ["py%d" % (i + 1) for i in range(n)]
        if kind == "threads":
            self.jobs = [queue.SimpleQueue() for _ in range(n)]
            self.results = queue.SimpleQueue()
            self.workers = [threading.Thread(target=self._thread_main, daemon=True,
                                             args=(self.jobs[i], where, names[i], batch, fn, arg))
                            for i in range(n)]
        else:
            pipes = [FORK.Pipe() for _ in range(n)]
            self.conns = [a for a, _ in pipes]
            self.workers = [FORK.Process(target=_process_main, daemon=True,
                                         args=(b, where, names[i], batch, fn, arg))
                            for i, (_, b) in enumerate(pipes)]
        for w in self.workers:
            w.start()

    def _thread_main(self, jobs, where, name, batch, work, arg):
        r = connect(where)
        while True:
            cmd = jobs.get()
            if cmd is None:
                return
            try:
                self.results.put((consume(r, cmd[0], cmd[1], name, batch, work, arg), 0.0, None))
            except Exception as e:
                self.results.put((0, 0.0, "%s: %s" % (type(e).__name__, e)))

    def run(self, w, stream, group):
        """The first w consumers drain the group; returns (messages handled, CPU seconds
        of worker processes: the threads' CPU time is this process's own)."""
        if self.kind == "threads":
            for i in range(w):
                self.jobs[i].put((stream, group))
            out = [self.results.get() for _ in range(w)]
        else:
            for i in range(w):
                self.conns[i].send((stream, group))
            out = [self.conns[i].recv() for i in range(w)]
        errors = [e for _, _, e in out if e]
        if errors:
            raise RuntimeError("a consumer failed: " + errors[0])
        return sum(d for d, _, _ in out), sum(c for _, c, _ in out)

    def close(self):
        """Stop every consumer and wait for it: no thread or process is left."""
        if self.kind == "threads":
            for q in self.jobs:
                q.put(None)
        else:
            for c in self.conns:
                try:
                    c.send(None)
                except OSError:
                    pass
        for w in self.workers:
            w.join(5)
            if self.kind != "threads" and w.is_alive():
                w.kill()
                w.join()


# ---- on its own: a private broker and the lesson in four lines ----------------------------------

def _own_broker():
    """A redis-server of our own on a Unix socket in a private folder, and a way to stop
    it that removes everything. Returns (socket path, stop function)."""
    import shutil
    import subprocess
    import tempfile

    server = shutil.which("redis-server")
    if not server:
        raise SystemExit("redis-server is not installed (apt-get install redis-server)")
    folder = tempfile.mkdtemp(prefix="parlab-stream-py.")
    sock = os.path.join(folder, "redis.sock")
    proc = subprocess.Popen([server, "--port", "0", "--unixsocket", sock, "--unixsocketperm", "700",
                             "--save", "", "--appendonly", "no", "--dir", folder,
                             "--logfile", os.path.join(folder, "redis.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop():
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(folder, ignore_errors=True)

    for _ in range(500):
        try:
            if redis.Redis(unix_socket_path=sock).ping():
                return sock, stop
        except redis.exceptions.ConnectionError:
            time.sleep(0.01)
    stop()
    raise SystemExit("redis-server did not answer")


def main():
    import sys

    if NO_REDIS:
        raise SystemExit(NO_REDIS)
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
    sock, stop = _own_broker()
    try:
        r = connect(sock)
        with r.pipeline(transaction=False) as p:
            for i in range(n):
                p.xadd("jobs", {"n": i})
            p.execute()
        print("%d messages, 50 us of work each, batches of 100 (usable CPUs: %d):"
              % (n, len(os.sched_getaffinity(0))))
        base = None
        for kind, work, w in [("threads", "cpu", 1), ("threads", "cpu", 2),
                              ("processes", "cpu", 2), ("threads", "io", 2)]:
            team = Team(kind, w, sock, 100, work, 50)
            try:
                group = "g-%s-%s-%d" % (kind, work, w)
                r.xgroup_create("jobs", group, id="0")
                t0 = time.perf_counter()
                done, _ = team.run(w, "jobs", group)
                t = time.perf_counter() - t0
            finally:
                team.close()
            assert done == n, "%d of %d messages handled" % (done, n)
            rate = n / t
            base = base or rate
            what = "CPU work" if work == "cpu" else "a wait  "
            print("  %d %-9s %s  %8.0f msg/s  (%.2fx one thread)" % (w, kind, what, rate, rate / base))
    finally:
        stop()
    print("Threads share one GIL: they help a consumer that waits, not one that computes.")


if __name__ == "__main__":
    main()
