"""gil_convoy.py: the convoy effect (bpo-7946). An I/O thread sends a byte over a socket
and waits for the echo, again and again, while CPU-bound Python threads spin beside it.

Every recv() blocks, and a blocking call releases the GIL; when the byte is back the
I/O thread needs the GIL again, and a spinning thread gives it up only when its switch
interval (sys.setswitchinterval, 5 ms by default) has run out. So a round trip costs
the answer's time plus one or two switch intervals whenever the spinner took the GIL
meanwhile: at most ~200 round trips a second at 5 ms, however fast the other end answers.

Run alone (an echo process at the far end; 0, 1 and 2 spinning threads, 1 spinning
process, then nothing with the other CPUs left to idle):

    /usr/bin/python3 labs/gil/gil_convoy.py [SECONDS]

Inside parlab (labs/gil/gil.c) measure() measures one point, with an echo thread written
in C at the far end (it never takes the GIL), and its repetitions driven by the harness
through _parlab.
"""
import os
import socket
import subprocess
import sys
import threading
import time


def round_trips(sock, seconds):
    """Send a byte, wait for it to come back, for `seconds`; returns how many times."""
    count = 0
    t_end = time.perf_counter() + seconds
    while True:
        sock.send(b"x")
        sock.recv(1)
        count += 1
        if time.perf_counter() >= t_end:
            return count


def pin(cpus):
    """Keep the calling thread on these CPUs (None: leave it where it is); returns the
    CPUs it was allowed before. On Linux, pid 0 is the calling thread, not the process."""
    before = os.sched_getaffinity(0)
    if cpus:
        os.sched_setaffinity(0, cpus)
    return before


class SpinningThreads:
    """n threads running pure Python until the with-block ends: CPU work that holds the
    GIL and lets go only when the switch interval asks it to. cpus: where they may run
    (kept off the I/O thread's CPU, so that only the GIL stands between them)."""

    def __init__(self, n, cpus=None):
        self.stop = False
        self.cpus = cpus
        self.threads = [threading.Thread(target=self.spin) for _ in range(n)]

    def spin(self):
        pin(self.cpus)
        n = 0
        while not self.stop:
            n += 1

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop = True
        for t in self.threads:
            t.join()


# A spinning process: its own interpreter and its own GIL. It stops by itself when its
# parent goes (a killed parlab leaves nothing spinning).
SPIN_PROCESS = """
import os, sys
if len(sys.argv) > 1:
    os.sched_setaffinity(0, {int(c) for c in sys.argv[1].split(",")})
parent = os.getppid()
sys.stdout.write("r"); sys.stdout.flush()
while os.getppid() == parent:
    for _ in range(100000):
        pass
"""


class SpinningProcesses:
    """n other Python processes spinning until the with-block ends, on cpus."""

    def __init__(self, n, cpus=None):
        self.n = n
        self.args = [",".join(str(c) for c in sorted(cpus))] if cpus else []
        self.procs = []

    def __enter__(self):
        for _ in range(self.n):
            p = subprocess.Popen([sys.executable, "-c", SPIN_PROCESS] + self.args,
                                 stdout=subprocess.PIPE)
            self.procs.append(p)
        for p in self.procs:
            p.stdout.read(1)  # it is spinning
        return self

    def __exit__(self, *exc):
        for p in self.procs:
            p.kill()
            p.wait()
            p.stdout.close()


class KeepAwake:
    """Run alone: keep these CPUs awake until the with-block ends, with a process at the
    lowest priority (SCHED_IDLE: anything else that wants the CPU preempts it at once)
    spinning on each. On a VM a CPU with nothing to do halts, and the scheduler's
    attempts to hand it work cost the busy CPU a trip through the hypervisor: on the EPYC
    VM an I/O thread and its echo, pinned to one CPU, made 4x fewer round trips while the
    other CPU idled. parlab does the same with threads (gil_python.c, struct keeper)."""

    def __init__(self, cpus):
        self.cpus = sorted(cpus or ())
        self.pids = []

    def __enter__(self):
        for c in self.cpus:
            pid = os.fork()
            if pid == 0:
                os.sched_setaffinity(0, {c})
                os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
                parent = os.getppid()
                while os.getppid() == parent:
                    for _ in range(100000):
                        pass
                os._exit(0)
            self.pids.append(pid)
        return self

    def __exit__(self, *exc):
        for pid in self.pids:
            os.kill(pid, 9)
            os.waitpid(pid, 0)


def measure(fd, variant, switch_us, cpu_workers, seconds, cores_wanted, io_cpu, cpu_cpus,
            switches):
    """parlab's convoy point: round trips a second over the socket fd, beside
    cpu_workers spinning threads (variant cpu-in-threads) or processes (cpu-in-process),
    with the switch interval set to switch_us microseconds. cores_wanted: the CPUs the
    spinners can keep busy (other programs on them change the race for the GIL).
    The I/O thread (this one) runs on io_cpu, where the C echo thread also runs, and the
    spinners on cpu_cpus (the other CPUs), which the caller keeps awake: so the only
    thing between the I/O thread and its echo is the GIL, not where the OS happened to
    put each thread or whether the other CPUs idle (placement() shows why that matters).
    switches(): CPython's count of GIL handoffs, or None."""
    import _parlab

    param = "switch_us=%d;cpu_threads=%d" % (switch_us, cpu_workers)
    workers = 1 + cpu_workers  # the I/O thread and the spinners
    sock = socket.socket(fileno=fd)
    spinners = SpinningThreads if variant == "cpu-in-threads" else SpinningProcesses
    sys.setswitchinterval(switch_us / 1e6)
    _parlab.point("convoy", variant, workers, param, cores_wanted)
    before = pin({io_cpu} if io_cpu >= 0 else None)
    try:
        with spinners(cpu_workers, set(cpu_cpus) or None):
            while (rep := _parlab.next_rep()) is not None:
                s0 = switches()
                t0 = time.perf_counter()
                n = round_trips(sock, seconds)
                t = time.perf_counter() - t0
                s1 = switches()
                if rep == 0:  # the warm-up
                    continue
                _parlab.result("convoy", variant, workers, param, rep, "roundtrips_per_s",
                               n / t, "1/s")
                if s0 is not None:
                    # each handoff of the GIL between threads; with one spinner, a round
                    # trip that waited for it once costs 2 (spinner -> I/O -> spinner)
                    _parlab.result("convoy", variant, workers, param, rep,
                                   "gil_handoffs_per_roundtrip", (s1 - s0) / n, "1")
    finally:
        sys.setswitchinterval(0.005)
        os.sched_setaffinity(0, before)
        sock.detach()  # the fd is the caller's to close


def placement(fds, params, seconds, slices, keep_awake):
    """parlab's convoy placement series: no CPU work at all, only where the echo runs.
    fds[i] is a socket to an echo thread pinned as params[i] says (on this thread's CPU,
    on another CPU, on another CPU kept awake by keep_awake(True)). Each repetition
    cuts `seconds` into slices and runs one slice of each in turn (ABBA), so the three
    see the same moments of the machine."""
    import _parlab

    socks = [socket.socket(fileno=fd) for fd in fds]
    try:
        while (rep := _parlab.next_rep()) is not None:
            count = [0] * len(socks)
            spent = [0.0] * len(socks)
            for j in range(slices):
                order = range(len(socks)) if (j + rep) % 2 == 0 else reversed(range(len(socks)))
                for i in order:
                    awake = "awake" in params[i]
                    if awake:
                        keep_awake(True)
                    t0 = time.perf_counter()
                    count[i] += round_trips(socks[i], seconds / slices)
                    spent[i] += time.perf_counter() - t0
                    if awake:
                        keep_awake(False)
            if rep > 0:
                for i, p in enumerate(params):
                    _parlab.result("convoy", "placement", 1, p, rep, "roundtrips_per_s",
                                   count[i] / spent[i], "1/s")
    finally:
        for s in socks:
            s.detach()


def echo_process(cpu, delay=0.0):
    """Run alone: an echo server in a process of its own (its own GIL) on CPU cpu,
    answering after `delay` seconds (busy, like parlab's C echo), forked before any
    thread starts. Returns our end of the socket pair."""
    ours, theirs = socket.socketpair()
    if os.fork() == 0:
        ours.close()
        os.sched_setaffinity(0, {cpu})
        while data := theirs.recv(64):
            end = time.perf_counter() + delay
            while time.perf_counter() < end:
                pass
            theirs.sendall(data)
        os._exit(0)
    theirs.close()
    return ours


def rate(sock, seconds):
    t0 = time.perf_counter()
    n = round_trips(sock, seconds)
    return n / (time.perf_counter() - t0)


if __name__ == "__main__":
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 0.5
    cpus = sorted(os.sched_getaffinity(0))
    io_cpu, rest = cpus[0], set(cpus[1:]) or None
    # As in parlab: the I/O thread and its echo (answering after 0.2 ms) share the first
    # CPU; the spinners run on the others, kept awake. Then the same with the others left
    # to idle, and echoes that answer at once, on this CPU and on another.
    socks = [echo_process(io_cpu, 0.0002), echo_process(io_cpu)]
    if len(cpus) > 1:
        socks.append(echo_process(cpus[1]))
    pin({io_cpu})
    print(f"echo round trips a second over a socket pair, {seconds} s each, switch interval "
          f"{sys.getswitchinterval() * 1000:g} ms; the I/O thread and its echo (answering "
          f"after 0.2 ms) on CPU {io_cpu}, the other CPUs kept awake:")
    alone = None
    for n in range(3):
        with KeepAwake(rest), SpinningThreads(n, rest):
            r = rate(socks[0], seconds)
        alone = alone or r
        what = f"beside {n} spinning thread" + ("s" if n != 1 else "")
        print(f"  {what:<27} {r:9.0f} a second"
              + (f"  ({alone / r:.0f}x fewer than alone)" if n else ""))
    with KeepAwake(rest), SpinningProcesses(1, rest):
        r = rate(socks[0], seconds)
    print(f"  {'beside 1 spinning process':<27} {r:9.0f} a second  (its own GIL)")
    r = rate(socks[0], seconds)
    print(f"  {'alone, the others idle':<27} {r:9.0f} a second  (not kept awake)")
    print("alone, an echo that answers at once:")
    print(f"  on the I/O thread's CPU ({io_cpu}) {rate(socks[1], seconds):9.0f} a second")
    if len(cpus) > 1:
        print(f"  on another CPU ({cpus[1]})        {rate(socks[2], seconds):9.0f} a second"
              "  (waking another CPU costs more than a switch on this one)")
    for s in socks:
        s.close()
    for s in socks:
        os.wait()
