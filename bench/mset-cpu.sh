#!/usr/bin/env bash
# Server CPU for one huge request that arrives in many reads: a single MSET of ARGS arguments (ARGS/2
# key/value pairs) sent in WRITE_SIZE-byte writes, to netkit kv and to redis-server in turn. A parser
# that starts again from the request's first byte on every read is quadratic here; a resumable one is
# linear. Reports each server's CPU seconds (utime+stime from /proc/PID/stat, before the first byte and
# after the +OK) and netkit's ratio to Redis, per round and as medians.
#
# Usage: bench/mset-cpu.sh
#   env: ARGS=500000 WRITE_SIZE=4096 ROUNDS=3 NETKIT_ARGS="" REDIS_ARGS="--save '' --appendonly no"
#        RUN_TIMEOUT_S=120 NETKIT_DLL=path
# Needs redis-server and python3 (apt-get install redis-server redis-tools).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ARGS="${ARGS:-500000}"
WRITE_SIZE="${WRITE_SIZE:-4096}"
ROUNDS="${ROUNDS:-3}"
NETKIT_ARGS="${NETKIT_ARGS:-}"
REDIS_ARGS="${REDIS_ARGS:---save '' --appendonly no}"
RUN_TIMEOUT_S="${RUN_TIMEOUT_S:-120}"
NAME=mset-cpu
# shellcheck source=bench/lib/common.sh
. "$ROOT/bench/lib/common.sh"

for tool in redis-server python3; do
    command -v "$tool" >/dev/null || { echo "mset-cpu: $tool is not installed (apt-get install redis-server redis-tools)" >&2; exit 1; }
done
build_netkit

# netkit on port 0: its first stdout line names the real port.
# shellcheck disable=SC2086
dotnet "$NETKIT_DLL" kv serve --bind 127.0.0.1:0 --log-level Warning $NETKIT_ARGS >"$WORK/netkit.out" 2>&1 &
SERVER_PID=$!
wait_for_port "$WORK/netkit.out" netkit
NETKIT_PORT="$PORT"
NETKIT_PID="$SERVER_PID"

# redis-server has no port 0: take a free port from the kernel, then start it there.
REDIS_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
eval "exec redis-server --port $REDIS_PORT --bind 127.0.0.1 --dir $WORK $REDIS_ARGS" >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!
EXTRA_PIDS+=("$REDIS_PID")

# The client: builds the request once, sends it in WRITE_SIZE writes (TCP_NODELAY, so each write leaves
# as its own segment), waits for +OK, and prints the server's CPU seconds over that window. Every socket
# wait is bounded by the timeout, and the whole run by `timeout`.
cat >"$WORK/mset.py" <<'EOF'
import os, socket, sys, time

port, pid, nargs, write_size, prefix, deadline_s = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], float(sys.argv[6])
ticks = os.sysconf("SC_CLK_TCK")

def cpu_seconds():
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime: fields 14 and 15 of stat(5)

def connect():
    s = socket.create_connection(("127.0.0.1", port), timeout=deadline_s)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s

def wait_reply(s, expected):
    got = b""
    while len(got) < len(expected):
        chunk = s.recv(4096)
        if not chunk:
            sys.exit(f"server closed after {got!r}")
        got += chunk
    if got != expected:
        sys.exit(f"unexpected reply {got[:200]!r}")

def request(pairs):
    parts = [b"*%d\r\n$4\r\nMSET\r\n" % (1 + 2 * pairs)]
    for i in range(pairs):
        k = b"%s:key:%08d" % (prefix.encode(), i)
        v = b"value:%08d" % i
        parts.append(b"$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v))
    return b"".join(parts)

# ARGS counts the arguments after MSET: ARGS/2 pairs.
data = request(nargs // 2)
s = connect()
# Outside the measured window: FLUSHALL, so every round fills an empty database (a store that grew
# round by round would make later rounds dearer), then a small MSET to warm the command path.
s.sendall(b"*1\r\n$8\r\nFLUSHALL\r\n")
wait_reply(s, b"+OK\r\n")
s.sendall(request(16))
wait_reply(s, b"+OK\r\n")
view = memoryview(data)
before, started = cpu_seconds(), time.monotonic()
for off in range(0, len(data), write_size):
    s.sendall(view[off:off + write_size])
wait_reply(s, b"+OK\r\n")
after, wall = cpu_seconds(), time.monotonic() - started
s.close()
print(f"{after - before:.3f} {wall:.3f} {len(data)}")
EOF

redis_ready=0
for _ in $(seq 1 100); do
    if python3 - "$REDIS_PORT" <<'EOF' 2>/dev/null; then redis_ready=1; break; fi
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1)
s.sendall(b"PING\r\n")
sys.exit(0 if s.recv(16).startswith(b"+PONG") else 1)
EOF
    sleep 0.1
done
[ "$redis_ready" -eq 1 ] || { echo "mset-cpu: redis-server did not answer PING:" >&2; cat "$WORK/redis.log" >&2; exit 1; }

measure() { # port pid prefix -> "cpu wall bytes"
    timeout "$RUN_TIMEOUT_S" python3 "$WORK/mset.py" "$1" "$2" "$ARGS" "$WRITE_SIZE" "$3" "$RUN_TIMEOUT_S"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

printf '%-6s %12s %12s %8s %10s %10s\n' round netkit_cpu_s redis_cpu_s ratio netkit_s redis_s
: >"$WORK/netkit.cpu"
: >"$WORK/redis.cpu"
for round in $(seq 1 "$ROUNDS"); do
    # Each round's keys have their own prefix, so none is a rewrite of a value already stored.
    n_out="$(measure "$NETKIT_PORT" "$NETKIT_PID" "r$round")"
    r_out="$(measure "$REDIS_PORT" "$REDIS_PID" "r$round")"
    read -r n_cpu n_wall bytes <<<"$n_out"
    read -r r_cpu r_wall _ <<<"$r_out"
    echo "$n_cpu" >>"$WORK/netkit.cpu"
    echo "$r_cpu" >>"$WORK/redis.cpu"
    printf '%-6s %12s %12s %8s %10s %10s\n' "$round" "$n_cpu" "$r_cpu" \
        "$(awk -v a="$n_cpu" -v b="$r_cpu" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')" "$n_wall" "$r_wall"
done
n_med="$(median <"$WORK/netkit.cpu")"
r_med="$(median <"$WORK/redis.cpu")"
printf '%-6s %12s %12s %8s\n' median "$n_med" "$r_med" \
    "$(awk -v a="$n_med" -v b="$r_med" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')"
echo "one MSET of $ARGS arguments ($bytes bytes) in $WRITE_SIZE-byte writes; CPU at $((1000 / $(getconf CLK_TCK))) ms resolution; $(load_average)"
