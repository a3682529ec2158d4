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
# A run that takes this much longer than warm-up plus duration is stuck; it is stopped and reported.
RUN_TIMEOUT_S=$((WARMUP + DURATION + 60))

NAME=compare-peers
# shellcheck source=bench/lib/common.sh
. "$ROOT/bench/lib/common.sh"
raise_open_files

command -v cargo >/dev/null || { echo "compare-peers: cargo not found (needed for the Rust peer)" >&2; exit 1; }
command -v node >/dev/null || { echo "compare-peers: node not found (needed for the Node peer)" >&2; exit 1; }
build_netkit

RUST_DIR="$ROOT/bench/peers/rust-echo"
echo "building the Rust peer (release)..." >&2
cargo build --release --offline --quiet --manifest-path "$RUST_DIR/Cargo.toml" >"$WORK/cargo.log" 2>&1 || {
    cat "$WORK/cargo.log" >&2
    exit 1
}
RUST_BIN="$RUST_DIR/target/release/rust-echo"
NODE_JS="$ROOT/bench/peers/node-echo.js"

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
    wait_for_port "$log" "$server $mode"
}

ROWS="$WORK/rows"
: >"$ROWS"
for mode in $MODES; do
    for server in $SERVERS; do
        start_server "$server" "$mode"
        echo "$server $mode server on 127.0.0.1:$PORT (pid $SERVER_PID)" >&2
        for connections in $CONNECTIONS; do
            out="$WORK/bench-$mode-$server-$connections.out"
            status=0
            run_client "$out" "$mode" --connect "127.0.0.1:$PORT" --connections "$connections" \
                --duration "$DURATION" --warmup "$WARMUP" --size "$SIZE" || status=$?
            read_report "$out" "$status"
            echo "$mode $server $connections ${rts:--} ${p50:--} ${p99:--} ${p999:--} ${max:--} ${errors:--}" >>"$ROWS"
        done
        stop_server
    done
done

echo
# Anything else running skews a same-machine comparison; the load average says how much.
load_average
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
