#!/usr/bin/env bash
# netkit kv and redis-server side by side under redis-benchmark, in one run: SET and GET requests/s
# with one request at a time per client (-P 1) and 16 pipelined (-P 16), and netkit's ratio to Redis.
#
# Usage: bench/compare-kv.sh
#   env: REQUESTS=200000 CLIENTS=50 ROUNDS=2 NETKIT_ARGS="" REDIS_ARGS="--save '' --appendonly no"
# Needs redis-server and redis-benchmark (apt-get install redis-server redis-tools).
#
# Client and servers share this machine's cores; both servers get the same client, so the ratio is
# the comparison. Extra server flags (durability, say) go in NETKIT_ARGS / REDIS_ARGS.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REQUESTS="${REQUESTS:-200000}"
CLIENTS="${CLIENTS:-50}"
ROUNDS="${ROUNDS:-2}"
NETKIT_ARGS="${NETKIT_ARGS:-}"
REDIS_ARGS="${REDIS_ARGS:---save '' --appendonly no}"
NAME=compare-kv
# shellcheck source=bench/lib/common.sh
. "$ROOT/bench/lib/common.sh"

for tool in redis-server redis-benchmark redis-cli; do
    command -v "$tool" >/dev/null || { echo "compare-kv: $tool is not installed (apt-get install redis-server redis-tools)" >&2; exit 1; }
done
build_netkit

# netkit on port 0: its first stdout line names the real port.
# shellcheck disable=SC2086
dotnet "$NETKIT_DLL" kv serve --bind 127.0.0.1:0 --log-level warning $NETKIT_ARGS >"$WORK/netkit.out" 2>&1 &
SERVER_PID=$!
wait_for_port "$WORK/netkit.out" netkit
NETKIT_PORT="$PORT"

# redis-server has no port 0: take a free port from the kernel, then start it there.
REDIS_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
eval "exec redis-server --port $REDIS_PORT --bind 127.0.0.1 --dir $WORK $REDIS_ARGS" >"$WORK/redis.log" 2>&1 &
EXTRA_PIDS+=($!)
for _ in $(seq 1 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

rps() { # port pipeline test -> requests/s
    redis-benchmark -p "$1" -t "$3" -n "$REQUESTS" -c "$CLIENTS" -P "$2" -q 2>/dev/null \
        | tr '\r' '\n' | grep 'requests per second' | tail -n 1 | awk '{print $2}'
}

# Warm netkit's JIT before measuring.
redis-benchmark -p "$NETKIT_PORT" -t set,get -n 50000 -c "$CLIENTS" -q >/dev/null 2>&1 || true

printf '%-6s %-4s %-6s %14s %14s %8s\n' round P test netkit redis ratio
for round in $(seq 1 "$ROUNDS"); do
    for P in 1 16; do
        for t in set get; do
            n="$(rps "$NETKIT_PORT" "$P" "$t")"
            r="$(rps "$REDIS_PORT" "$P" "$t")"
            printf '%-6s %-4s %-6s %14s %14s %8s\n' "$round" "$P" "$t" "$n" "$r" \
                "$(awk -v a="$n" -v b="$r" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')"
        done
    done
done
echo "redis-benchmark -n $REQUESTS -c $CLIENTS; $(load_average)"
