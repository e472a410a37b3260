"""check_failover.py CONSUMER.py: the stream exercise's judge (check.sh runs it).

It starts a redis-server of its own (a Unix socket in a private temporary folder,
removed at the end), fills a stream with 3000 deposits across 20 accounts, and lets
three consumer processes of one group apply them with CONSUMER.py's handle(). The first
dies by SIGKILL in the middle of its third batch, after applying 20 deposits it never
acknowledged; the two others then take its messages over (XAUTOCLAIM, once they have
been idle for 100 ms) with the rest of the stream, and apply them again. Then every balance is compared with the
sum of its deposits.

The same crash happens every run, at the same point: the verdict depends on the code of
handle(), not on the machine. PASS: every balance exact. FAIL: a balance is off (the
deposits that were applied twice, or lost). Exit 0 PASS (or CANNOT JUDGE: no
redis-server or python3-redis here), 1 FAIL, 2 bad usage.
"""
import importlib.util
import os
import signal
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(here))  # labs/stream: stream_consumer, for its broker
import stream_consumer  # noqa: E402

MESSAGES, ACCOUNTS, BATCH, IDLE_MS = 3000, 20, 50, 100
DIE_AT_BATCH, DIE_AFTER = 3, 20


def load(path):
    spec = importlib.util.spec_from_file_location("learner_consumer", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not callable(getattr(module, "handle", None)):
        raise SystemExit("FAIL: %s has no handle(r, msg_id, fields)" % path)
    return module


def consumer(sock, name, handle, victim, report):
    """One consumer process: read, handle, acknowledge; take over idle messages; stop
    when nothing is new and nothing is pending. The victim kills itself mid-batch."""
    stream_consumer._process_start()
    redis = stream_consumer.redis
    r = redis.Redis(unix_socket_path=sock)
    batches = 0
    try:
        while True:
            reply = r.xreadgroup("payments", name, {"deposits": ">"}, count=BATCH)
            entries = reply[0][1] if reply else []
            if not entries:  # nothing new: anything a dead consumer left?
                entries = r.xautoclaim("deposits", "payments", name, IDLE_MS, "0-0", count=BATCH)[1]
            if not entries:
                if r.xpending("deposits", "payments")["pending"] == 0:
                    break
                time.sleep(0.005)
                continue
            batches += 1
            for k, (msg_id, fields) in enumerate(entries):
                if victim and batches == DIE_AT_BATCH and k == DIE_AFTER:
                    os.kill(os.getpid(), signal.SIGKILL)  # a crash: no clean-up, no XACK
                handle(r, msg_id, fields)
            r.xack("deposits", "payments", *[m for m, _ in entries])
        report.send(None)
    except Exception as e:
        report.send("%s: %s" % (type(e).__name__, e))


def main():
    if len(sys.argv) != 2:
        print("usage: check_failover.py CONSUMER.py", file=sys.stderr)
        return 2
    if stream_consumer.NO_REDIS:
        print("CANNOT JUDGE: " + stream_consumer.NO_REDIS)
        return 0
    learner = load(sys.argv[1])
    try:
        sock, stop = stream_consumer._own_broker()
    except SystemExit as e:
        print("CANNOT JUDGE: %s" % e)
        return 0
    try:
        r = stream_consumer.connect(sock)
        expected = {}
        with r.pipeline(transaction=False) as p:
            for i in range(MESSAGES):
                account, amount = "a%02d" % (i % ACCOUNTS), i % 7 + 1
                expected[account] = expected.get(account, 0) + amount
                p.xadd("deposits", {"account": account, "amount": amount})
            p.execute()
        r.xgroup_create("deposits", "payments", id="0")
        # c1 first, alone, until it dies in its third batch (every run the same: in a race
        # for the messages under load it might get none to die with); then the others
        procs, pipes = [], []
        for i in range(3):
            mine, theirs = stream_consumer.FORK.Pipe()
            p = stream_consumer.FORK.Process(target=consumer, args=(sock, "c%d" % (i + 1), learner.handle, i == 0, theirs))
            p.start()
            if i == 0:
                p.join(120)
            procs.append(p)
            pipes.append(mine)
        errors = []
        for i, p in enumerate(procs):
            p.join(120)
            if p.is_alive():
                p.kill()
                p.join()
                errors.append("c%d did not finish in 120 s" % (i + 1))
            elif i > 0:
                msg = pipes[i].recv() if pipes[i].poll(1) else "c%d ended without a word" % (i + 1)
                if msg:
                    errors.append(msg)
        if procs[0].exitcode != -signal.SIGKILL:
            errors.append("the first consumer should have been killed mid-batch (exit code %s)" % procs[0].exitcode)
        if errors:
            print("FAIL: a consumer failed: " + errors[0])
            return 1
        got = {k.decode(): int(v) for k, v in r.hgetall("balances").items()}
        off = {a: got.get(a, 0) - want for a, want in expected.items() if got.get(a, 0) != want}
        print("3000 deposits to %d accounts; one consumer killed after applying %d deposits of a batch "
              "it never acknowledged; its messages taken over and applied again." % (ACCOUNTS, DIE_AFTER))
        if not off:
            print("PASS: every balance is exact: each deposit applied once, however often it was delivered")
            return 0
        extra = sum(off.values())
        print("FAIL: %d of %d balances are off, by %+d in all: %s" % (len(off), ACCOUNTS, extra, ", ".join(
            "%s %+d" % (a, d) for a, d in sorted(off.items())[:5]) + (" ..." if len(off) > 5 else "")))
        if extra > 0:
            print("      deposits delivered twice were applied twice: make handle() idempotent (the TODO)")
        else:
            print("      deposits were lost: remembering a message and applying it must be one atomic step")
        return 1
    finally:
        stop()


if __name__ == "__main__":
    sys.exit(main())
