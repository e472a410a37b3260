#!/usr/bin/python3
"""The frozen-UI exercise (labs/freeze/exercise/README.md).

A user interface redraws itself 60 times a second and, every half second, asks a slow
source for fresh data: a server that answers each request after 0.2 s. Here the UI
waits for that answer inside its own loop, so for 0.2 s nothing is drawn: the screen
freezes. Your task (TODO below): make the slow request on a worker thread, so the
loop keeps drawing while the thread waits, and hand each answer to the loop.

Run it alone:   /usr/bin/python3 ui.py          (3 s, then one line of statistics)
Check it:       sh check.sh ui.py

No terminal is needed: "drawing" is left out, the loop only measures how late each
frame was (drawn minus due), which is what a user sees as a stutter or a freeze.
"""
import os
import socket
import threading
import time

FPS = 60                                          # frames a second: one every 16.7 ms
DELAY = float(os.environ.get("FREEZE_DELAY", "0.2"))   # the source answers after this
EVERY = 0.5                                       # the UI wants fresh data this often
SECONDS = float(os.environ.get("FREEZE_SECONDS", "3"))


def slow_source(conn):
    """The far end of a socket: a server that answers each request after DELAY.
    (A thread here to keep the exercise in one file; it only sleeps, so it costs no
    CPU and takes the GIL only to answer.)"""
    while True:
        request = conn.recv(64)
        if not request:
            return
        time.sleep(DELAY)
        conn.sendall(b"42\n")


def fetch(sock):
    """One request, one answer: takes DELAY seconds, blocking the caller meanwhile."""
    sock.sendall(b"get\n")
    return sock.recv(64)


def main():
    ui_end, server_end = socket.socketpair()
    threading.Thread(target=slow_source, args=(server_end,), daemon=True).start()

    late = []          # every frame's lateness, seconds
    replies = 0        # answers the UI received
    t0 = time.monotonic()
    next_fetch = 0.0   # when the UI wants data next, seconds since t0
    k = 0              # the frame due next
    while True:
        due = t0 + k / FPS
        now = time.monotonic()
        if now < due:
            time.sleep(due - now)
            now = time.monotonic()
        if now - t0 >= SECONDS:
            break
        late.append(now - due)          # "draw" frame k: how late is it?
        # frames whose time passed while we were away are dropped, as a real UI does
        k = max(k + 1, int((now - t0) * FPS) + 1)

        if now - t0 >= next_fetch:
            # TODO: this waits DELAY seconds, and no frame is drawn meanwhile. Make the
            # request on a worker thread instead (threading.Thread), have it put each
            # answer in a queue.Queue, and take the answers here with get_nowait()
            # (counting them in `replies`), so the loop never waits.
            fetch(ui_end)
            replies += 1
            next_fetch += EVERY

    # frames late by half the delay or more: the moments the UI froze
    frozen = sum(1 for x in late if x >= DELAY / 2)
    late.sort()
    p99 = late[min(len(late) - 1, int(0.99 * len(late)))]
    print(f"frames={len(late)} replies={replies} frozen={frozen} late_p99_ms={p99 * 1e3:.1f} "
          f"late_worst_ms={late[-1] * 1e3:.1f}")


if __name__ == "__main__":
    main()
