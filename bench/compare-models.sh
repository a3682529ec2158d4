#!/usr/bin/env bash
# Compares NetKit's two connection models (async vs threads) under the same closed-loop echo load, at
# 1, 100 and 1000 connections, and prints round trips/s and per-request latency for each.
#
# Usage: bench/compare-models.sh
#   env: DURATION=3 WARMUP=1 SIZE=64 CONNECTIONS="1 100 1000" MODELS="async threads" NETKIT_DLL=path
#
# Client and servers share this machine's cores, so the numbers compare the models with each other;
# they are not what either model does with a machine of its own.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${DURATION:-3}"
WARMUP="${WARMUP:-1}"
SIZE="${SIZE:-64}"
CONNECTIONS="${CONNECTIONS:-1 100 1000}"
MODELS="${MODELS:-async threads}"
RUN_TIMEOUT_S=$((WARMUP + DURATION + 60))
NAME=compare-models
# shellcheck source=bench/lib/common.sh
. "$ROOT/bench/lib/common.sh"
raise_open_files
build_netkit

# Starts `netkit echo serve` in MODEL on a free port; sets SERVER_PID and PORT.
start_server() {
    local model="$1" log="$WORK/server-$1.log"
    dotnet "$NETKIT_DLL" echo serve --bind 127.0.0.1:0 --model "$model" --log-level Warning >"$log" 2>&1 &
    SERVER_PID=$!
    wait_for_port "$log" "$model"
}

ROWS="$WORK/rows"
: >"$ROWS"
for model in $MODELS; do
    start_server "$model"
    echo "$model server on 127.0.0.1:$PORT (pid $SERVER_PID)" >&2
    for connections in $CONNECTIONS; do
        out="$WORK/bench-$model-$connections.out"
        status=0
        run_client "$out" echo --connect "127.0.0.1:$PORT" --connections "$connections" \
            --duration "$DURATION" --warmup "$WARMUP" --size "$SIZE" || status=$?
        read_report "$out" "$status"
        printf '%-8s %11s %14s %8s %8s %9s %9s %7s\n' "$model" "$connections" "$rts" "$p50" "$p99" "$p999" "$max" "$errors" >>"$ROWS"
    done
    stop_server
done

echo
# Anything else running skews a same-machine comparison; the load average says how much.
load_average
echo "echo, ${SIZE} B messages, ${DURATION} s measured after ${WARMUP} s warm-up, closed loop (latencies in us)"
printf '%-8s %11s %14s %8s %8s %9s %9s %7s\n' "model" "connections" "round trips/s" "p50" "p99" "p99.9" "max" "errors"
cat "$ROWS"
