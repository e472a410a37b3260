"""gil_convoy.py: the convoy effect (bpo-7946). An I/O thread sends a byte over a socket
and waits for the echo, again and again, while CPU-bound Python threads spin beside it.

Every recv() blocks, and a blocking call releases the GIL; when the byte is back the
I/O thread needs the GIL again, and a spinning thread gives it up only when its switch
interval (sys.setswitchinterval, 5 ms by default) has run out. So each round trip can
cost up to a switch interval: at most ~200 round trips a second at 5 ms, however fast
the other end answers.

Run alone (an echo process at the far end; 0, 1 and 2 spinning threads):

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
    """Round trips a second: send a byte, wait for it to come back, for `seconds`."""
    count = 0
    t0 = time.perf_counter()
    t_end = t0 + seconds
    while True:
        sock.send(b"x")
        sock.recv(1)
        count += 1
        t = time.perf_counter()
        if t >= t_end:
            return count / (t - t0)


class SpinningThreads:
    """n threads running pure Python until the with-block ends: CPU work that holds the
    GIL and lets go only when the switch interval asks it to."""

    def __init__(self, n):
        self.stop = False
        self.threads = [threading.Thread(target=self.spin) for _ in range(n)]

    def spin(self):
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
parent = os.getppid()
sys.stdout.write("r"); sys.stdout.flush()
while os.getppid() == parent:
    for _ in range(100000):
        pass
"""


class SpinningProcesses:
    """n other Python processes spinning until the with-block ends."""

    def __init__(self, n):
        self.n = n
        self.procs = []

    def __enter__(self):
        for _ in range(self.n):
            p = subprocess.Popen([sys.executable, "-c", SPIN_PROCESS], stdout=subprocess.PIPE)
            self.procs.append(p)
        for p in self.procs:
            p.stdout.read(1)  # it is spinning
        return self

    def __exit__(self, *exc):
        for p in self.procs:
            p.kill()
            p.wait()
            p.stdout.close()


def measure(fd, variant, switch_us, cpu_workers, seconds, cores_wanted):
    """parlab's convoy point: round trips a second over the socket fd, beside
    cpu_workers spinning threads (variant cpu-in-threads) or processes (cpu-in-process),
    with the switch interval set to switch_us microseconds. cores_wanted: the CPUs the
    spinners can keep busy (other programs on them change the race for the GIL)."""
    import _parlab

    param = "switch_us=%d;cpu_threads=%d" % (switch_us, cpu_workers)
    workers = 1 + cpu_workers  # the I/O thread and the spinners
    sock = socket.socket(fileno=fd)
    spinners = SpinningThreads if variant == "cpu-in-threads" else SpinningProcesses
    sys.setswitchinterval(switch_us / 1e6)
    _parlab.point("convoy", variant, workers, param, cores_wanted)
    try:
        with spinners(cpu_workers):
            while (rep := _parlab.next_rep()) is not None:
                r = round_trips(sock, seconds)
                if rep > 0:  # rep 0 is the warm-up
                    _parlab.result("convoy", variant, workers, param, rep,
                                   "roundtrips_per_s", r, "1/s")
    finally:
        sys.setswitchinterval(0.005)
        sock.detach()  # the fd is the caller's to close


def echo_process():
    """Run alone: an echo server in a process of its own (its own GIL), forked before
    any thread starts. Returns our end of the socket pair."""
    ours, theirs = socket.socketpair()
    if os.fork() == 0:
        ours.close()
        while data := theirs.recv(64):
            theirs.sendall(data)
        os._exit(0)
    theirs.close()
    return ours


if __name__ == "__main__":
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 0.5
    sock = echo_process()
    print(f"echo round trips a second over a socket pair, {seconds} s each, switch interval "
          f"{sys.getswitchinterval() * 1000:g} ms:")
    alone = None
    for n in range(3):
        with SpinningThreads(n):
            r = round_trips(sock, seconds)
        alone = alone or r
        what = f"beside {n} spinning thread" + ("s" if n != 1 else "")
        print(f"  {what:<27} {r:9.0f} a second"
              + (f"  ({alone / r:.0f}x fewer than alone)" if n else ""))
    sock.close()
    os.wait()
