#!/usr/bin/env bash
# Compares NetKit's echo and lines services (async model) with two plain peers under the same
# closed-loop load from `netkit bench`: a Rust std thread-per-connection server
# (bench/peers/rust-echo) and a Node `net` server (bench/peers/node-echo.js). Prints round trips/s and
# per-request latency for each, and the ratios netkit/rust and netkit/node.
#
# Usage: bench/compare-peers.sh
#   env: DURATION=5 WARMUP=1 SIZE=64 CONNECTIONS="100 1000" MODES="echo lines"
#        SERVERS="netkit rust node" NETKIT_DLL=path
#
# Client and servers share this machine's cores, so the numbers compare the servers with each other;
# they are not what any of them does with a machine of its own. One server runs at a time.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${DURATION:-5}"
WARMUP="${WARMUP:-1}"
SIZE="${SIZE:-64}"
CONNECTIONS="${CONNECTIONS:-100 1000}"
MODES="${MODES:-echo lines}"
SERVERS="${SERVERS:-netkit rust node}"
STARTUP_TIMEOUT_S=20
# A run that takes this much longer than warm-up plus duration is stuck; it is stopped and reported.
RUN_TIMEOUT_S=$((WARMUP + DURATION + 60))

# 1000 client sockets plus 1000 server sockets in one session, with room for the runtimes' own files.
if [ "$(ulimit -n)" != "unlimited" ] && [ "$(ulimit -n)" -lt 4096 ]; then
    hard="$(ulimit -Hn)"
    if [ "$hard" != "unlimited" ] && [ "$hard" -lt 4096 ]; then
        ulimit -n "$hard"
        echo "compare-peers: open-file limit raised only to the hard limit $hard" >&2
    else
        ulimit -n 4096
    fi
fi

command -v cargo >/dev/null || { echo "compare-peers: cargo not found (needed for the Rust peer)" >&2; exit 1; }
command -v node >/dev/null || { echo "compare-peers: node not found (needed for the Node peer)" >&2; exit 1; }

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

RUST_DIR="$ROOT/bench/peers/rust-echo"
echo "building the Rust peer (release)..." >&2
cargo build --release --offline --quiet --manifest-path "$RUST_DIR/Cargo.toml" >"$WORK/cargo.log" 2>&1 || {
    cat "$WORK/cargo.log" >&2
    exit 1
}
RUST_BIN="$RUST_DIR/target/release/rust-echo"
NODE_JS="$ROOT/bench/peers/node-echo.js"

# The load generator's continuations are short and never block, so running them on the socket engine's
# epoll thread (instead of hopping to the thread pool) makes the client cheaper and leaves more of the
# shared cores to the server under test. Client only: the servers run with their defaults.
bench_client() { DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 dotnet "$NETKIT_DLL" bench "$@"; }

# Starts one server for one mode on a free port; sets SERVER_PID and PORT from its "listening" line
# (netkit prints "<service> listening on tcp 127.0.0.1:PORT", the peers "listening on 127.0.0.1:PORT").
start_server() {
    local server="$1" mode="$2" log="$WORK/server-$1-$2.log"
    case "$server" in
        netkit) dotnet "$NETKIT_DLL" "$mode" serve --bind 127.0.0.1:0 --log-level warning >"$log" 2>&1 & ;;
        rust) "$RUST_BIN" "$mode" 0 >"$log" 2>&1 & ;;
        node) node "$NODE_JS" "$mode" 0 >"$log" 2>&1 & ;;
        *) echo "compare-peers: unknown server '$server' (netkit, rust, node)" >&2; return 1 ;;
    esac
    SERVER_PID=$!
    PORT=""
    local deadline=$((SECONDS + STARTUP_TIMEOUT_S))
    while [ -z "$PORT" ] && [ "$SECONDS" -lt "$deadline" ]; do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "compare-peers: the $server $mode server exited:" >&2
            cat "$log" >&2
            return 1
        fi
        PORT="$(sed -n 's/.*listening on \(tcp \)\{0,1\}127\.0\.0\.1:\([0-9][0-9]*\).*/\2/p' "$log" | head -n 1)"
        [ -n "$PORT" ] || sleep 0.1
    done
    if [ -z "$PORT" ]; then
        echo "compare-peers: no 'listening on ... 127.0.0.1:PORT' line from the $server $mode server in ${STARTUP_TIMEOUT_S}s:" >&2
        cat "$log" >&2
        return 1
    fi
}

# Runs the load generator, in the background so a signal to this script is handled at once, and stops
# it if it overruns.
run_client() {
    local out="$1"
    shift
    bench_client "$@" >"$out" 2>&1 &
    CLIENT_PID=$!
    local deadline=$((SECONDS + RUN_TIMEOUT_S))
    while kill -0 "$CLIENT_PID" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
        sleep 0.2
    done
    if kill -0 "$CLIENT_PID" 2>/dev/null; then
        echo "compare-peers: the load generator overran ${RUN_TIMEOUT_S}s; stopping it" >&2
        stop_pid "$CLIENT_PID"
        CLIENT_PID=""
        return 1
    fi
    local status=0
    wait "$CLIENT_PID" || status=$?
    CLIENT_PID=""
    return "$status"
}

ROWS="$WORK/rows"
: >"$ROWS"
for mode in $MODES; do
    for server in $SERVERS; do
        start_server "$server" "$mode"
        echo "$server $mode server on 127.0.0.1:$PORT (pid $SERVER_PID)" >&2
        for connections in $CONNECTIONS; do
            out="$WORK/bench-$mode-$server-$connections.out"
            if run_client "$out" "$mode" --connect "127.0.0.1:$PORT" --connections "$connections" \
                --duration "$DURATION" --warmup "$WARMUP" --size "$SIZE"; then
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
            echo "$mode $server $connections ${rts:--} ${p50:--} ${p99:--} ${p999:--} ${max:--} ${errors:--}" >>"$ROWS"
        done
        stop_server
    done
done

echo
# Anything else running skews a same-machine comparison; the load average says how much.
echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo "${SIZE} B messages, ${DURATION} s measured after ${WARMUP} s warm-up, closed loop (latencies in us);"
echo "netkit is the async model; rust is std thread-per-connection; node is the net module"
awk '
    { key = $1 " " $3; rts[$2 " " key] = $4; row[NR] = $0 }
    END {
        fmt = "%-6s %-7s %11s %14s %8s %8s %9s %9s %7s %10s %10s\n"
        printf fmt, "mode", "server", "connections", "round trips/s", "p50", "p99", "p99.9", "max", "errors", "netkit/rust", "netkit/node"
        for (i = 1; i <= NR; i++) {
            split(row[i], f, " ")
            key = f[1] " " f[3]
            nk = rts["netkit " key]; ru = rts["rust " key]; no = rts["node " key]
            r1 = "-"; r2 = "-"
            if (f[2] == "netkit") {
                if (nk ~ /^[0-9]+$/ && ru ~ /^[0-9]+$/ && ru > 0) r1 = sprintf("%.2f", nk / ru)
                if (nk ~ /^[0-9]+$/ && no ~ /^[0-9]+$/ && no > 0) r2 = sprintf("%.2f", nk / no)
            }
            printf fmt, f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], r1, r2
        }
    }' "$ROWS"
