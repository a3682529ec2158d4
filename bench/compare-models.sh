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
STARTUP_TIMEOUT_S=20

# 1000 client sockets plus 1000 server sockets in one session, with room for the runtime's own files.
if [ "$(ulimit -n)" != "unlimited" ] && [ "$(ulimit -n)" -lt 4096 ]; then
    if ! ulimit -n 4096 2>/dev/null; then
        echo "compare-models: cannot raise the open-file limit to 4096 (hard limit $(ulimit -Hn))" >&2
        exit 1
    fi
fi

WORK="$(mktemp -d)"
SERVER_PID=""

CLIENT_PID=""

# Stops one process this script started, by PID: SIGTERM, then SIGKILL if it is still there after 10 s.
stop_pid() {
    local pid="$1"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
}

stop_server() {
    stop_pid "$SERVER_PID"
    SERVER_PID=""
}

cleanup() {
    stop_pid "$CLIENT_PID"
    stop_server
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PROJECT="$ROOT/src/NetKit.Cli/NetKit.Cli.csproj"
# NETKIT_DLL may point at an already built netkit.dll; otherwise build Release once and ask MSBuild where
# the output went, so the script follows the project if its assembly is renamed.
if [ -z "${NETKIT_DLL:-}" ]; then
    echo "building netkit (Release)..." >&2
    dotnet build "$PROJECT" -c Release -nologo -v quiet >"$WORK/build.log" 2>&1 || {
        cat "$WORK/build.log" >&2
        exit 1
    }
    NETKIT_DLL="$(dotnet msbuild "$PROJECT" -nologo -getProperty:TargetPath -p:Configuration=Release)"
fi
# The load generator's continuations are short and never block, so running them on the socket engine's
# epoll thread (instead of hopping to the thread pool) makes the client cheaper and leaves more of the
# shared cores to the server under test. Client only: the servers run with the runtime's defaults.
bench_client() { DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 dotnet "$NETKIT_DLL" bench "$@"; }

# Starts `netkit echo serve` on a free port; sets SERVER_PID and PORT from its "listening" line.
start_server() {
    local model="$1" log="$WORK/server-$1.log"
    dotnet "$NETKIT_DLL" echo serve --bind 127.0.0.1:0 --model "$model" --log-level Warning >"$log" 2>&1 &
    SERVER_PID=$!
    PORT=""
    local deadline=$((SECONDS + STARTUP_TIMEOUT_S))
    while [ -z "$PORT" ] && [ "$SECONDS" -lt "$deadline" ]; do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "compare-models: the $model server exited:" >&2
            cat "$log" >&2
            return 1
        fi
        PORT="$(sed -n 's/.*echo listening on tcp 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$log" | head -n 1)"
        [ -n "$PORT" ] || sleep 0.1
    done
    if [ -z "$PORT" ]; then
        echo "compare-models: no 'echo listening on tcp 127.0.0.1:PORT' line from the $model server in ${STARTUP_TIMEOUT_S}s:" >&2
        cat "$log" >&2
        return 1
    fi
}

ROWS="$WORK/rows"
: >"$ROWS"
for model in $MODELS; do
    start_server "$model"
    echo "$model server on 127.0.0.1:$PORT (pid $SERVER_PID)" >&2
    for connections in $CONNECTIONS; do
        out="$WORK/bench-$model-$connections.out"
        # In the background so a signal to this script is handled at once, not after the run.
        bench_client echo --connect "127.0.0.1:$PORT" --connections "$connections" \
            --duration "$DURATION" --warmup "$WARMUP" --size "$SIZE" >"$out" 2>&1 &
        CLIENT_PID=$!
        status=0
        wait "$CLIENT_PID" || status=$?
        CLIENT_PID=""
        if [ "$status" -eq 0 ]; then
            cat "$out" >&2
            rts="$(sed -n 's/.*round trips\/s: \([0-9][0-9]*\).*/\1/p' "$out")"
            p50="$(sed -n 's/.*p50: \([0-9][0-9]*\) us.*/\1/p' "$out")"
            p99="$(sed -n 's/.*p99: \([0-9][0-9]*\) us.*/\1/p' "$out")"
            p999="$(sed -n 's/.*p99\.9: \([0-9][0-9]*\) us.*/\1/p' "$out")"
            max="$(sed -n 's/.*max: \([0-9][0-9]*\) us.*/\1/p' "$out")"
            errors="$(sed -n 's/.*errors: \([0-9][0-9]*\).*/\1/p' "$out")"
        else
            cat "$out" >&2
            rts="failed" p50="-" p99="-" p999="-" max="-" errors="-"
        fi
        printf '%-8s %11s %14s %8s %8s %9s %9s %7s\n' "$model" "$connections" "$rts" "$p50" "$p99" "$p999" "$max" "$errors" >>"$ROWS"
    done
    stop_server
done

echo
# Anything else running skews a same-machine comparison; the load average says how much.
echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo "echo, ${SIZE} B messages, ${DURATION} s measured after ${WARMUP} s warm-up, closed loop (latencies in us)"
printf '%-8s %11s %14s %8s %8s %9s %9s %7s\n' "model" "connections" "round trips/s" "p50" "p99" "p99.9" "max" "errors"
cat "$ROWS"
