#!/usr/bin/env bash
# Runs the headline comparisons once, each run saved with `netkit bench --json`, and draws them with
# `netkit bench chart` into docs/charts/ (PNG), the charts docs/benchmarks.md embeds:
#   echo-100.png, echo-1000.png  echo at 100 and 1,000 connections: netkit epoll against the C floor
#                                (bench/peers/c-echo) and the Rust std thread-per-connection peer
#   echo-sweep.png               echo requests/s and per server CPU-second against connections, a line per
#                                server: netkit's three models, the C floor, Rust
#   kv-p1.png, kv-p16.png        kv GET and SET, pipeline 1 and 16: netkit kv (epoll) against redis-server
# The runs themselves stay beside the charts (docs/charts/runs/*.json, every run as a CSV row in runs.csv,
# when and where in run.txt), so a chart can be redrawn without running again:
#   dotnet netkit.dll bench chart docs/charts/runs/echo-100-*.json --out echo-100.png
# and DRAW_ONLY=1 redraws every chart from those files, running nothing.
#
# Usage: bench/charts.sh
#   env: DURATION=3 WARMUP=1 SIZE=64 CONNECTIONS="10 100 1000" MODELS="epoll async threads"
#        KV_CONNECTIONS=50 KV_SIZE=3 PIPELINES="1 16" OUT=docs/charts NETKIT_DLL=path
# One run per point, not medians of rounds (bench/compare-transport.sh does those): the charts show shapes
# and rough ratios. Every run is bounded (RUN_TIMEOUT_S). Needs cc, redis-server, python3; cargo for the
# Rust peer (left out, and said so, without it).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${DURATION:-3}"
WARMUP="${WARMUP:-1}"
SIZE="${SIZE:-64}"
CONNECTIONS="${CONNECTIONS:-10 100 1000}"
MODELS="${MODELS:-epoll async threads}"
KV_CONNECTIONS="${KV_CONNECTIONS:-50}"
KV_SIZE="${KV_SIZE:-3}"
PIPELINES="${PIPELINES:-1 16}"
OUT="${OUT:-$ROOT/docs/charts}"
RUN_TIMEOUT_S=$(awk -v w="$WARMUP" -v d="$DURATION" 'BEGIN { printf "%d", w + d + 60 }')
NAME=charts
# shellcheck source=bench/lib/common.sh
. "$ROOT/bench/lib/common.sh"

RUNS="$OUT/runs"
mkdir -p "$RUNS"
build_netkit
declare -A PID_OF PORT_OF
# Every echo server a chart may show: those whose runs failed or were left out are skipped when drawing.
ECHO_SERVERS=()
for model in $MODELS; do ECHO_SERVERS+=("netkit-$model"); done
ECHO_SERVERS+=(c rust)

thousands() { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }

label_of() {
    case "$1" in
        netkit-*) echo "netkit ${1#netkit-}" ;;
        c) echo "C epoll floor" ;;
        rust) echo "Rust std threads" ;;
    esac
}

# start NAME COMMAND...: a server that prints "listening on ... 127.0.0.1:PORT"; stopped by PID at exit.
start() {
    local name="$1" log="$WORK/server-$1.log"
    shift
    : >"$log"
    "$@" >"$log" 2>&1 &
    SERVER_PID=$!
    EXTRA_PIDS+=("$SERVER_PID")
    wait_for_port "$log" "$name"
    PID_OF[$name]="$SERVER_PID"
    PORT_OF[$name]="$PORT"
    SERVER_PID=""
    echo "$name on 127.0.0.1:${PORT_OF[$name]} (pid ${PID_OF[$name]})" >&2
}

# run FILE SERVER LABEL ARGS...: one `netkit bench ARGS` against SERVER, saved to RUNS/FILE.json and as a row
# of runs.csv; in the background, so a signal to the script is handled at once, and stopped after RUN_TIMEOUT_S.
run() {
    local file="$1" server="$2" label="$3"
    shift 3
    local json="$RUNS/$file.json" csv="$WORK/$file.csv" status=0
    bench_client "$@" --connect "127.0.0.1:${PORT_OF[$server]}" --duration "$DURATION" --warmup "$WARMUP" \
        --server-pid "${PID_OF[$server]}" --label "$label" --json "$json" --csv >"$csv" 2>"$csv.err" &
    CLIENT_PID=$!
    local deadline=$((SECONDS + RUN_TIMEOUT_S))
    while kill -0 "$CLIENT_PID" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    if kill -0 "$CLIENT_PID" 2>/dev/null; then
        echo "$NAME: $file overran ${RUN_TIMEOUT_S}s; stopping it" >&2
        stop_pid "$CLIENT_PID"
        status=1
    else
        wait "$CLIENT_PID" || status=$?
    fi
    CLIENT_PID=""
    cat "$csv.err" >&2
    if [ "$status" -ne 0 ] || [ ! -s "$json" ]; then
        echo "$NAME: $file failed (status $status); left out of the charts" >&2
        rm -f "$json"
        return 0
    fi
    [ -s "$OUT/runs.csv" ] || head -n 1 "$csv" >"$OUT/runs.csv"
    tail -n +2 "$csv" >>"$OUT/runs.csv"
    echo "$file: $(python3 -c 'import json, sys; print(round(json.load(open(sys.argv[1]))["results"]["requests_per_second"]))' "$json") requests/s" >&2
}

# chart OUT.png ARGS...: draws the runs that exist among ARGS (a run that failed is missing).
chart() {
    local png="$1" files=() args=()
    shift
    for a in "$@"; do
        case "$a" in
            *.json) [ -f "$a" ] && files+=("$a") ;;
            *) args+=("$a") ;;
        esac
    done
    if [ ${#files[@]} -eq 0 ]; then
        echo "$NAME: no runs for $png" >&2
        return 0
    fi
    dotnet "$NETKIT_DLL" bench chart "${files[@]}" "${args[@]}" --out "$OUT/$png"
}

# Every server up front, each run in turn, saved as runs/*.json and as rows of runs.csv.
run_all() {
    local most=0 c
    for c in $CONNECTIONS; do [ "$c" -gt "$most" ] && most="$c"; done
    raise_open_files $((2 * most + 1024))
    for tool in cc python3 redis-server redis-cli; do
        command -v "$tool" >/dev/null || { echo "$NAME: $tool not found" >&2; exit 1; }
    done
    echo "building the C floor (cc -O2)..." >&2
    cc -O2 -o "$WORK/c_echo" "$ROOT/bench/peers/c-echo/c_echo.c"
    local rust_dir="$ROOT/bench/peers/rust-echo" rust=""
    if command -v cargo >/dev/null \
        && cargo build --release --offline --quiet --manifest-path "$rust_dir/Cargo.toml" >"$WORK/cargo.log" 2>&1; then
        rust="$rust_dir/target/release/rust-echo"
    else
        echo "$NAME: no Rust peer (cargo missing or its build failed); its runs are left out" >&2
    fi

    rm -f "$RUNS"/*.json "$OUT/runs.csv"
    local load_before model server conns pipeline op name
    load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
    for model in $MODELS; do
        start "netkit-$model" dotnet "$NETKIT_DLL" echo serve --bind 127.0.0.1:0 --model "$model" --log-level warning
    done
    start c "$WORK/c_echo" 0
    [ -z "$rust" ] || start rust "$rust" echo 0
    start netkit-kv dotnet "$NETKIT_DLL" kv serve --bind 127.0.0.1:0 --model epoll --log-level warning
    # redis-server has no port 0: take a free port from the kernel, then start it there.
    PORT_OF[redis]="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    redis-server --port "${PORT_OF[redis]}" --bind 127.0.0.1 --dir "$WORK" --save '' --appendonly no >"$WORK/redis.log" 2>&1 &
    PID_OF[redis]=$!
    EXTRA_PIDS+=("${PID_OF[redis]}")
    for _ in $(seq 1 100); do redis-cli -p "${PORT_OF[redis]}" ping >/dev/null 2>&1 && break; sleep 0.1; done
    redis-cli -p "${PORT_OF[redis]}" ping >/dev/null || { echo "$NAME: redis-server did not start:" >&2; cat "$WORK/redis.log" >&2; exit 1; }

    for conns in $CONNECTIONS; do
        for server in "${ECHO_SERVERS[@]}"; do
            [ -n "${PORT_OF[$server]:-}" ] || continue
            run "echo-$conns-$server" "$server" "$(label_of "$server")" echo --size "$SIZE" --connections "$conns"
        done
    done
    for pipeline in $PIPELINES; do
        # SET before GET, so the GETs find the keys.
        for op in set get; do
            for server in netkit-kv redis; do
                name="netkit kv"; [ "$server" = redis ] && name="redis-server"
                run "kv-p$pipeline-$op-$server" "$server" "$name ${op^^}" kv --op "$op" --size "$KV_SIZE" \
                    --connections "$KV_CONNECTIONS" --pipeline "$pipeline"
            done
        done
    done

    # Anything else running skews a same-machine comparison: the load average says how much.
    cat >"$OUT/run.txt" <<EOF
$(date -u +%Y-%m-%dT%H:%M:%SZ), netkit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
$(nproc) cores, load average $load_before at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end
one run per point: ${DURATION} s measured after ${WARMUP} s warm-up; echo ${SIZE} B at $CONNECTIONS connections;
kv ${KV_SIZE} B values, $KV_CONNECTIONS connections, pipeline $PIPELINES; bash bench/charts.sh
EOF
}

[ -n "${DRAW_ONLY:-}" ] || run_all

for conns in 100 1000; do
    case " $CONNECTIONS " in *" $conns "*)
        chart "echo-$conns.png" "$RUNS/echo-$conns-netkit-epoll.json" "$RUNS/echo-$conns-c.json" "$RUNS/echo-$conns-rust.json" \
            --title "echo, $(thousands "$conns") connections" ;;
    esac
done
sweep=()
for server in "${ECHO_SERVERS[@]}"; do
    for conns in $CONNECTIONS; do sweep+=("$RUNS/echo-$conns-$server.json"); done
done
chart echo-sweep.png "${sweep[@]}" --kind sweep --title "echo, ${SIZE} B"
for pipeline in $PIPELINES; do
    chart "kv-p$pipeline.png" "$RUNS/kv-p$pipeline-get-netkit-kv.json" "$RUNS/kv-p$pipeline-get-redis.json" \
        "$RUNS/kv-p$pipeline-set-netkit-kv.json" "$RUNS/kv-p$pipeline-set-redis.json" \
        --title "kv, $KV_CONNECTIONS connections, pipeline $pipeline"
done

cat "$OUT/run.txt"
