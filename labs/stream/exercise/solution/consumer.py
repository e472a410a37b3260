"""consumer.py, a solution: an idempotent deposit.

The message's ID goes into a set of applied IDs and the amount into the balance in ONE
Lua script, which Redis runs atomically: either both happen or neither. A message taken
over from a dead consumer and handled again finds its ID already in the set, and the
script does nothing. (A production system would expire old IDs, or keep the last
applied ID per partition when the order of messages is guaranteed.)
"""

APPLY_ONCE = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 1 then
    redis.call('HINCRBY', KEYS[2], ARGV[2], ARGV[3])
    return 1
end
return 0
"""

_scripts = {}


def handle(r, msg_id, fields):
    """Apply one deposit, once: a second call with the same msg_id changes nothing."""
    script = _scripts.get(id(r))
    if script is None:
        script = _scripts[id(r)] = r.register_script(APPLY_ONCE)
    script(keys=["applied", "balances"], args=[msg_id, fields[b"account"], int(fields[b"amount"])])
