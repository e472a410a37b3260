#!/usr/bin/python3
"""The frozen-UI exercise, solved: the slow request runs on a worker thread, which puts
each answer in a queue; the UI loop takes what is there at each frame and never waits.
In Python this works despite the GIL: a thread blocked in recv() or sleep() has released
it, so the UI thread runs. (What the GIL still costs: a CPU-bound pure-Python thread
would make frames late by up to the switch interval, 5 ms: see the lab's cpu-python mode.)
"""
import os
import queue
import socket
import threading
import time

FPS = 60
DELAY = float(os.environ.get("FREEZE_DELAY", "0.2"))
EVERY = 0.5
SECONDS = float(os.environ.get("FREEZE_SECONDS", "3"))


def slow_source(conn):
    while True:
        request = conn.recv(64)
        if not request:
            return
        time.sleep(DELAY)
        conn.sendall(b"42\n")


def fetch(sock):
    sock.sendall(b"get\n")
    return sock.recv(64)


def fetcher(sock, answers, stop):
    """The worker: one request every EVERY seconds; each answer goes to the queue."""
    while not stop.is_set():
        answers.put(fetch(sock))
        stop.wait(EVERY)


def main():
    ui_end, server_end = socket.socketpair()
    threading.Thread(target=slow_source, args=(server_end,), daemon=True).start()
    answers, stop = queue.Queue(), threading.Event()
    threading.Thread(target=fetcher, args=(ui_end, answers, stop), daemon=True).start()

    late = []
    replies = 0
    t0 = time.monotonic()
    k = 0
    while True:
        due = t0 + k / FPS
        now = time.monotonic()
        if now < due:
            time.sleep(due - now)
            now = time.monotonic()
        if now - t0 >= SECONDS:
            break
        late.append(now - due)
        k = max(k + 1, int((now - t0) * FPS) + 1)
        while True:                     # whatever answers arrived: take them, never wait
            try:
                answers.get_nowait()
            except queue.Empty:
                break
            replies += 1
    stop.set()

    # frames late by half the delay or more: the moments the UI froze
    frozen = sum(1 for x in late if x >= DELAY / 2)
    late.sort()
    p99 = late[min(len(late) - 1, int(0.99 * len(late)))]
    print(f"frames={len(late)} replies={replies} frozen={frozen} late_p99_ms={p99 * 1e3:.1f} "
          f"late_worst_ms={late[-1] * 1e3:.1f}")


if __name__ == "__main__":
    main()
