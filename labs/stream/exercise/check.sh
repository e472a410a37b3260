#!/bin/sh
# check.sh [CONSUMER.py]: the self-check of the stream lab's exercise.
#   Runs check_failover.py on CONSUMER.py (default: consumer.py beside this script): a
#   private redis-server, 3000 deposits, three consumers of one group, one killed in the
#   middle of a batch it never acknowledged, its messages taken over and handled again.
#   PASS when every balance is exact (handle() is idempotent); FAIL when a deposit was
#   applied twice or lost. The crash is the same every run: the verdict judges the code,
#   not the machine. CANNOT JUDGE when redis-server or python3-redis is missing.
#   Environment: PYTHON (default /usr/bin/python3).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
file=${1:-$here/consumer.py}
py=${PYTHON:-/usr/bin/python3}
[ -f "$file" ] || { echo "FAIL: no such file: $file"; exit 1; }
if ! command -v redis-server >/dev/null 2>&1; then
    echo "CANNOT JUDGE: redis-server is not installed (apt-get install redis-server, or make deps)"
    exit 0
fi
exec "$py" "$here/check_failover.py" "$file"
