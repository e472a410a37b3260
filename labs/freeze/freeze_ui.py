"""freeze_ui.py: the frozen-UI demo in Python, the twin of bin/freeze (labs/freeze/).

A user interface redraws a spinner and a clock 60 times a second and logs how late
every frame is. Every half second it wants fresh data from a slow source: a child
process at the far end of a socket that answers after 0.2 s (a database, a web
service). The modes differ only in who waits for that answer, or what else runs:

    1  blocking      the UI loop itself: nothing is drawn while it waits (it freezes)
    2  io-thread     a worker thread waits; it wakes the UI through a pipe it polls
    3  cpu-thread    a thread hashing a big buffer (hashlib releases the GIL): no effect
    4  cpu-python    a thread running a pure-Python loop: it holds the GIL, and the UI
                     thread gets it back only when the switch interval forces a hand-over
                     (sys.getswitchinterval(), 5 ms by default): frames ~5 ms late

Run it on its own (a terminal of 60x12 or more):

    /usr/bin/python3 labs/freeze/freeze_ui.py [--mode M] [--delay S] [--every S]
        [--fps N] [--log FILE] [--seconds S] [--switch S]

Keys: 1 2 3 4 pick a mode, m or space the next one, q quits. --log FILE writes every
frame as CSV: t,mode,frame,late_ms,replies. Inside parlab (`parlab run freeze`), the
lab calls measure() below for each mode, with no terminal, and reports through the
harness like the C loop.
"""
import hashlib
import os
import select
import socket
import struct
import sys
import threading
import time

MODES = ("blocking", "io-thread", "cpu-thread", "cpu-python")
WHAT = {
    "blocking": "blocking I/O inside the UI loop",
    "io-thread": "the same I/O on a worker thread (wakes the UI through a pipe)",
    "cpu-thread": "a thread hashing a buffer in C (the GIL released)",
    "cpu-python": "a thread running pure Python (it holds the GIL)",
}
mono = time.monotonic


# ---- the slow source: a child process that answers after a delay ---------------------

def _source(sock, delay, parent):
    n = 0
    try:  # die with the UI, even in the middle of a delay (Linux: PR_SET_PDEATHSIG)
        import ctypes
        ctypes.CDLL(None).prctl(1, 9)
    except Exception:
        pass
    if os.getppid() != parent:
        os._exit(0)
    try:
        while sock.recv(1):
            time.sleep(delay)
            n += 1
            sock.sendall(struct.pack("=Q", n))
    except OSError:
        pass
    os._exit(0)


class UI:
    """The slow source, the worker thread of the current mode, and the frame loop."""

    def __init__(self, mode="blocking", fps=60.0, delay=0.2, every=0.5):
        self.fps, self.delay, self.every = fps, delay, every
        a, b = socket.socketpair()
        sys.stdout.flush()
        sys.stderr.flush()
        parent = os.getpid()
        self.pid = os.fork()  # before any thread: the child runs only _source
        if self.pid == 0:
            a.close()
            _source(b, delay, parent)
        b.close()
        self.sock = a
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        self.replies, self.last_wait = 0, 0.0
        self.stop_worker = threading.Event()
        self.worker = None
        self.stopped = False
        self.mode = None
        self.set_mode(mode)

    def fetch(self):
        """Ask the source and wait for its answer (the part that blocks)."""
        t = mono()
        self.sock.sendall(b"r")
        got = b""
        while len(got) < 8:
            chunk = self.sock.recv(8 - len(got))
            if not chunk:
                raise OSError("the slow source went away")
            got += chunk
        self.last_wait = mono() - t
        self.replies += 1

    # the worker threads
    def _io_worker(self):
        nxt = mono() + self.every / 2
        while not self.stop_worker.wait(min(0.01, max(0.0, nxt - mono()))):
            if mono() < nxt:
                continue
            self.fetch()
            os.write(self.wake_w, b"x")
            nxt += self.every
            if nxt < mono():
                nxt = mono() + self.every

    def _cpu_worker(self):
        buf = bytes(1 << 20)
        while not self.stop_worker.is_set():
            hashlib.sha256(buf).digest()  # 1 MiB: hashlib lets go of the GIL meanwhile

    def _python_worker(self):
        x = 0
        stop = self.stop_worker
        while not stop.is_set():
            for _ in range(1000):  # pure Python: the GIL is held throughout
                x = (x * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        return x

    def set_mode(self, mode):
        if mode == self.mode:
            return
        if self.worker:
            self.stop_worker.set()
            self.worker.join()
            self.worker = None
        self.mode = mode
        target = {"io-thread": self._io_worker, "cpu-thread": self._cpu_worker,
                  "cpu-python": self._python_worker}.get(mode)
        if target:
            self.stop_worker = threading.Event()
            self.worker = threading.Thread(target=target, name=mode, daemon=True)
            self.worker.start()

    def run(self, seconds=0, draw=None, on_frame=None, input_fd=None, on_input=None):
        """Frames for `seconds` (0: until stop()). Frame k is due at t0 + k / fps; its
        lateness is the time it was drawn minus that. Returns the frames drawn."""
        T = 1.0 / self.fps
        t0 = mono()
        next_fetch = t0 + self.every / 2  # half a period in: a short run makes one too
        k = frames = dropped = 0
        fds = [self.wake_r] + ([input_fd] if input_fd is not None else [])
        self.stopped = False
        while True:
            due = t0 + k * T
            if seconds and due - t0 >= seconds:
                break
            # wait for the frame's time: the only place the loop sleeps
            while not self.stopped:
                left = due - mono()
                if left <= 0:
                    break
                ready, _, _ = select.select(fds, [], [], left)
                if self.wake_r in ready:
                    try:
                        os.read(self.wake_r, 64)  # an answer came in
                    except BlockingIOError:
                        pass
                if input_fd is not None and input_fd in ready and on_input:
                    on_input()
            if self.stopped:
                break
            if self.mode == "blocking" and mono() >= next_fetch:
                self.fetch()  # here, in the loop: nothing is drawn until it answers
                next_fetch += self.every
                if next_fetch < mono():
                    next_fetch = mono() + self.every
            frame = {"k": k, "mode": self.mode, "replies": self.replies,
                     "last_wait": self.last_wait, "dropped": dropped}
            if draw:
                draw(frame)
            drawn = mono()
            frame["t"], frame["late"] = drawn - t0, drawn - due
            if on_frame:
                on_frame(frame)
            frames += 1
            k += 1
            while t0 + (k + 1) * T <= drawn:  # frames whose time passed: skipped
                k += 1
                dropped += 1
        return frames

    def stop(self):
        self.stopped = True

    def close(self):
        if self.worker:
            self.stop_worker.set()
            self.worker.join()
            self.worker = None
        self.sock.close()
        os.waitpid(self.pid, 0)
        os.close(self.wake_r)
        os.close(self.wake_w)


def frame_text(frame):
    t = time.time()
    lt = time.localtime(t)
    return "%s %02d:%02d:%02d.%03d  reply #%d (%.0f ms)" % (
        "|/-\\"[frame["k"] % 4], lt.tm_hour, lt.tm_min, lt.tm_sec, int(t * 1000) % 1000,
        frame["replies"], frame["last_wait"] * 1e3)


def stats(late):
    """median, 99th percentile (nearest rank) and worst of a list of lateness values."""
    v = sorted(late)
    if not v:
        return float("nan"), float("nan"), float("nan")
    n = len(v)
    med = v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2
    return med, v[max(0, -(-99 * n // 100) - 1)], v[-1]


# ---- for parlab: one mode, no terminal ----------------------------------------------------

def measure(mode, seconds, fps=60.0, delay=0.2, every=0.5, ui=None):
    """Run the loop in `mode` for `seconds` without a terminal (each frame's text is
    still made, as a UI would). Returns {"t": [...], "late_ms": [...], "switch_ms",
    "dropped", "replies"}. Pass ui= to reuse a UI (and its source) across calls."""
    own = ui is None
    if own:
        ui = UI(mode, fps, delay, every)
    ui.set_mode(mode)
    t, late = [], []
    last = {}

    def on_frame(f):
        t.append(f["t"])
        late.append(f["late"] * 1e3)
        last.update(f)

    try:
        ui.run(seconds, draw=frame_text, on_frame=on_frame)
    finally:
        if own:
            ui.close()
    return {"t": t, "late_ms": late, "switch_ms": sys.getswitchinterval() * 1e3,
            "dropped": last.get("dropped", 0), "replies": last.get("replies", 0)}


# ---- on its own: the curses screen ----------------------------------------------------------

def main(argv):
    import argparse
    import curses

    ap = argparse.ArgumentParser(description="The frozen-UI demo, in Python (keys: 1-4, m, q).")
    ap.add_argument("--mode", choices=MODES, default="blocking")
    ap.add_argument("--delay", type=float, default=0.2, help="the source answers after S seconds")
    ap.add_argument("--every", type=float, default=0.5, help="fresh data every S seconds")
    ap.add_argument("--fps", type=float, default=60.0)
    ap.add_argument("--log", help="every frame as CSV: t,mode,frame,late_ms,replies")
    ap.add_argument("--seconds", type=float, default=0, help="quit after S seconds (0: on q)")
    ap.add_argument("--switch", type=float, help="sys.setswitchinterval(S) first")
    a = ap.parse_args(argv)
    for name, v, lo in (("--delay", a.delay, 0.001), ("--every", a.every, 0.01), ("--fps", a.fps, 1)):
        if not lo <= v <= 1000:
            ap.error("%s: %g is out of range" % (name, v))
    if a.switch:
        sys.setswitchinterval(a.switch)
    log = open(a.log, "w", buffering=1) if a.log else None
    if log:
        log.write("t,mode,frame,late_ms,replies\n")
    ui = UI(a.mode, a.fps, a.delay, a.every)
    recent = []  # lateness of the last second of frames, for the screen

    def screen(scr):
        curses.curs_set(0)
        scr.nodelay(True)
        fd = sys.stdin.fileno()

        def on_input():
            while True:
                c = scr.getch()
                if c < 0:
                    return
                ch = chr(c) if c < 256 else ""
                if ch == "q":
                    ui.stop()
                elif ch in "1234" and ch:
                    ui.set_mode(MODES[int(ch) - 1])
                    recent.clear()
                elif ch in ("m", " "):
                    ui.set_mode(MODES[(MODES.index(ui.mode) + 1) % len(MODES)])
                    recent.clear()

        def draw(f):
            h, w = scr.getmaxyx()
            scr.erase()
            lines = [
                "freeze (Python %s, switch interval %.1f ms)" % (
                    sys.version.split()[0], sys.getswitchinterval() * 1e3),
                "",
                "   " + frame_text(f),
                "",
                "mode %d: %s" % (MODES.index(f["mode"]) + 1, WHAT[f["mode"]]),
            ]
            if recent:
                med, p99, worst = stats(recent)
                lines.append("last %d frames: median %.1f ms, p99 %.1f ms, worst %.1f ms late" % (
                    len(recent), med, p99, worst))
            lines += ["", "keys: 1 blocking  2 io-thread  3 cpu-thread  4 cpu-python  m next  q quit"]
            for i, s in enumerate(lines[:h]):
                try:
                    scr.addnstr(i, 0, s, max(1, w - 1))
                except curses.error:
                    pass
            scr.refresh()

        def on_frame(f):
            recent.append(f["late"] * 1e3)
            del recent[:-int(a.fps)]
            if log:
                log.write("%.4f,%s,%d,%.3f,%d\n" % (f["t"], f["mode"], f["k"], f["late"] * 1e3, f["replies"]))

        ui.run(a.seconds, draw=draw, on_frame=on_frame, input_fd=fd, on_input=on_input)

    try:
        curses.wrapper(screen)
    finally:
        ui.close()
        if log:
            log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
