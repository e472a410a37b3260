"""consumer.py: the stream lab's exercise. Make this consumer idempotent.

A payments stream carries deposits: each message is {"account": "a17", "amount": "25"}.
The consumer adds each amount to its account's balance, a hash at the broker. The
stream is read by a consumer group with at-least-once delivery: when a consumer dies
after handling part of a batch it never acknowledged, another consumer takes those
messages over (XAUTOCLAIM) and handles them again. So handle() below is called twice
for some messages, and as written it adds their amounts twice.

TODO: change handle() so that calling it again for a message it already applied does
nothing (it is "idempotent"), whatever happens between the two calls. Hints:
  - every message has an ID the broker gave it (msg_id, b"1733071234567-0"): the same
    message taken over keeps its ID;
  - remembering the IDs you applied is not enough on its own: "remember" and "apply"
    must happen together or not at all (a crash between the two would lose the deposit,
    or apply it twice). Redis runs a Lua script (r.register_script, EVAL) as one atomic
    step; a MULTI/EXEC transaction is atomic too but cannot decide anything halfway.

Check it: sh labs/stream/exercise/check.sh [this file]
"""


def handle(r, msg_id, fields):
    """Apply one deposit. r: a redis.Redis connection; msg_id: the message's ID (bytes);
    fields: its fields ({b"account": b"a17", b"amount": b"25"})."""
    r.hincrby("balances", fields[b"account"], int(fields[b"amount"]))
