#!/usr/bin/env bash
# The transport side by side, in one run: every contender of a test measured in the same round, the
# order rotated from round to round, ROUNDS rounds, and the median of each reported with its ratio to
# the reference. Servers are started once and stay up (idle) between their turns.
#   echo   at each CONNECTIONS: netkit (each --model in MODELS), the C epoll floor (bench/peers/c-echo),
#          the Rust std thread-per-connection server (bench/peers/rust-echo); reference: C
#   lines  at each CONNECTIONS: netkit (each model) and Rust; reference: Rust
#   kv     RESP GET and SET at KV_CONNECTIONS, pipeline 1 and 16: netkit kv and redis-server (--save ''
#          --appendonly no), each driven by `netkit bench kv` and by redis-benchmark; reference: Redis
# Reported: round trips (requests) per second, p99, and requests per server CPU-second (the server's
# utime+stime over the measured window): on a shared machine the last is the figure that stays put.
#
# Usage: bench/compare-transport.sh
#   env: ROUNDS=3 DURATION=5 WARMUP=1 SIZE=64 CONNECTIONS="100 1000" (add 10000 if the descriptor limit
#        allows) MODELS="async threads" KV_MODELS="$MODELS" KV_CONNECTIONS=50 PIPELINES="1 16" KV_SIZE=3 TESTS="echo lines kv"
#        NETKIT_DLL=path
# Needs cc, cargo, redis-server, redis-benchmark, python3. Every run is bounded (RUN_TIMEOUT_S).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-5}"
WARMUP="${WARMUP:-1}"
SIZE="${SIZE:-64}"
CONNECTIONS="${CONNECTIONS:-100 1000}"
MODELS="${MODELS:-async threads}"
KV_MODELS="${KV_MODELS:-$MODELS}"
KV_CONNECTIONS="${KV_CONNECTIONS:-50}"
PIPELINES="${PIPELINES:-1 16}"
# redis-benchmark's default value size, so its figures compare with the ones usually quoted.
KV_SIZE="${KV_SIZE:-3}"
TESTS="${TESTS:-echo lines kv}"
# A run that takes this much longer than warm-up plus duration is stuck; it is stopped and reported.
RUN_TIMEOUT_S=$(awk -v w="$WARMUP" -v d="$DURATION" 'BEGIN { printf "%d", w + d + 60 }')
NAME=compare-transport
# shellcheck source=bench/lib/common.sh
. "$ROOT/bench/lib/common.sh"

most=0
for c in $CONNECTIONS; do [ "$c" -gt "$most" ] && most="$c"; done
# Both ends of every connection live in this session, plus the runtimes' own files.
raise_open_files $((2 * most + 1024))

for tool in cc cargo python3; do
    command -v "$tool" >/dev/null || { echo "$NAME: $tool not found" >&2; exit 1; }
done
case " $TESTS " in *" kv "*)
    for tool in redis-server redis-benchmark redis-cli; do
        command -v "$tool" >/dev/null || { echo "$NAME: $tool is not installed (apt-get install redis-server redis-tools)" >&2; exit 1; }
    done ;;
esac
build_netkit

echo "building the C floor (cc -O2)..." >&2
C_BIN="$WORK/c_echo"
cc -O2 -o "$C_BIN" "$ROOT/bench/peers/c-echo/c_echo.c"

RUST_DIR="$ROOT/bench/peers/rust-echo"
echo "building the Rust peer (release)..." >&2
cargo build --release --offline --quiet --manifest-path "$RUST_DIR/Cargo.toml" >"$WORK/cargo.log" 2>&1 || {
    cat "$WORK/cargo.log" >&2
    exit 1
}
RUST_BIN="$RUST_DIR/target/release/rust-echo"

# Servers, by contender name: PID and port. All started up front, stopped by PID at exit.
declare -A PID_OF PORT_OF

# start NAME LOG COMMAND...: starts a server that prints "listening on ... 127.0.0.1:PORT".
start() {
    local name="$1" log="$WORK/server-$1.log"
    shift
    # Created here, not by the background job's redirection, which may come after the first look at it.
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

ECHO_SERVERS=() LINES_SERVERS=() KV_SERVERS=()
case " $TESTS " in *" echo "*)
    for model in $MODELS; do
        start "netkit-$model" dotnet "$NETKIT_DLL" echo serve --bind 127.0.0.1:0 --model "$model" --log-level warning
        ECHO_SERVERS+=("netkit-$model")
    done
    start c "$C_BIN" 0
    start rust "$RUST_BIN" echo 0
    ECHO_SERVERS+=(c rust) ;;
esac
case " $TESTS " in *" lines "*)
    for model in $MODELS; do
        start "netkit-$model-lines" dotnet "$NETKIT_DLL" lines serve --bind 127.0.0.1:0 --model "$model" --log-level warning
        LINES_SERVERS+=("netkit-$model-lines")
    done
    start rust-lines "$RUST_BIN" lines 0
    LINES_SERVERS+=(rust-lines) ;;
esac
case " $TESTS " in *" kv "*)
    KV_SERVERS=()
    for model in $KV_MODELS; do
        start "netkit-kv-$model" dotnet "$NETKIT_DLL" kv serve --bind 127.0.0.1:0 --model "$model" --log-level warning
        KV_SERVERS+=("netkit-kv-$model")
    done
    # redis-server has no port 0: take a free port from the kernel, then start it there.
    REDIS_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK" --save '' --appendonly no >"$WORK/redis.log" 2>&1 &
    EXTRA_PIDS+=($!)
    PID_OF[redis]=$!
    PORT_OF[redis]="$REDIS_PORT"
    for _ in $(seq 1 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
    redis-cli -p "$REDIS_PORT" ping >/dev/null || { echo "$NAME: redis-server did not start:" >&2; cat "$WORK/redis.log" >&2; exit 1; }
    KV_SERVERS+=(redis) ;;
esac

ROWS="$WORK/rows"
: >"$ROWS"

# row TEST CONNECTIONS PIPELINE CLIENT SERVER ROUND RTS P99 PER_CPU
row() { echo "$*" >>"$ROWS"; }

# One `netkit bench` run against SERVER; the rest of the arguments go to netkit bench.
netkit_run() {
    local test="$1" conns="$2" pipeline="$3" server="$4" round="$5"
    shift 5
    local out="$WORK/run-$test-$conns-$pipeline-$server-$round.out" status=0
    run_client "$out" "$@" --connect "127.0.0.1:${PORT_OF[$server]}" --connections "$conns" --pipeline "$pipeline" \
        --duration "$DURATION" --warmup "$WARMUP" --server-pid "${PID_OF[$server]}" || status=$?
    read_report "$out" "$status"
    row "$test" "$conns" "$pipeline" netkit-bench "$server" "$round" "${rts:--}" "${p99:--}" "${per_cpu:--}"
}

# One redis-benchmark run (GET or SET) against SERVER: requests/s and p99 from its CSV, server CPU from /proc.
redis_benchmark_run() {
    local op="$1" pipeline="$2" server="$3" round="$4"
    # Sized to take about DURATION seconds at the rates this machine reaches.
    local requests
    requests="$(awk -v d="$DURATION" -v p="$pipeline" 'BEGIN { printf "%d", d * (p > 1 ? 400000 : 60000) }')"
    local out="$WORK/redis-benchmark-$op-$pipeline-$server-$round.csv" before after status=0
    before="$(cpu_seconds "${PID_OF[$server]}")"
    timeout "$RUN_TIMEOUT_S" redis-benchmark -p "${PORT_OF[$server]}" -t "$op" -n "$requests" -c "$KV_CONNECTIONS" \
        -P "$pipeline" -d "$KV_SIZE" -r 1000 --csv >"$out" 2>"$out.err" || status=$?
    after="$(cpu_seconds "${PID_OF[$server]}")"
    local rps="-" p99="-" per="-"
    if [ "$status" -eq 0 ]; then
        # "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
        read -r rps p99 < <(tr -d '"' <"$out" | awk -F, 'NR > 1 { printf "%d %d\n", $2, $7 * 1000 }')
        per="$(awk -v n="$requests" -v a="$before" -v b="$after" 'BEGIN { if (b > a) printf "%d", n / (b - a); else print "-" }')"
    else
        echo "$NAME: redis-benchmark failed or overran ${RUN_TIMEOUT_S}s (status $status)" >&2
        cat "$out.err" >&2
    fi
    echo "redis-benchmark $op -P $pipeline on $server: $rps req/s, p99 $p99 us, $per per server CPU-second" >&2
    row "kv-${op}" "$KV_CONNECTIONS" "$pipeline" redis-benchmark "$server" "$round" "$rps" "$p99" "$per"
}

# rotate ROUND NAME...: the names, starting at ROUND (mod their count), so no contender always goes first.
rotate() {
    local r="$1"
    shift
    local list=("$@") n=$# i
    for ((i = 0; i < n; i++)); do printf '%s\n' "${list[$(((i + r) % n))]}"; done
}

for round in $(seq 1 "$ROUNDS"); do
    echo "== round $round of $ROUNDS" >&2
    for conns in $CONNECTIONS; do
        if [ ${#ECHO_SERVERS[@]} -gt 0 ]; then
            while read -r server; do
                netkit_run echo "$conns" 1 "$server" "$round" echo --size "$SIZE"
            done < <(rotate "$round" "${ECHO_SERVERS[@]}")
        fi
        if [ ${#LINES_SERVERS[@]} -gt 0 ]; then
            while read -r server; do
                netkit_run lines "$conns" 1 "$server" "$round" lines --size "$SIZE"
            done < <(rotate "$round" "${LINES_SERVERS[@]}")
        fi
    done
    if [ ${#KV_SERVERS[@]} -gt 0 ]; then
        for pipeline in $PIPELINES; do
            # SET before GET, so the GETs find the keys.
            for op in set get; do
                while read -r server; do
                    netkit_run "kv-$op" "$KV_CONNECTIONS" "$pipeline" "$server" "$round" kv --op "$op" --size "$KV_SIZE"
                    redis_benchmark_run "$op" "$pipeline" "$server" "$round"
                done < <(rotate "$round" "${KV_SERVERS[@]}")
            done
        done
    fi
done

echo
# Anything else running skews a same-machine comparison; the load average says how much.
echo "$(load_average); $ROUNDS rounds, medians; ${DURATION} s measured after ${WARMUP} s warm-up;"
echo "echo/lines ${SIZE} B closed loop; kv ${KV_SIZE} B values, ${KV_CONNECTIONS} connections; latencies in us."
echo "Reference: C floor for echo, Rust for lines, redis-server for kv (same client); 'vs rust' for echo too."
echo
python3 - "$ROWS" <<'PY'
import sys
from collections import defaultdict
from statistics import median

runs = defaultdict(lambda: {"rts": [], "p99": [], "per": [], "failed": 0})
order = []
for line in open(sys.argv[1]):
    test, conns, pipeline, client, server, _round, rts, p99, per = line.split()
    key = (test, int(conns), int(pipeline), client, server)
    if key not in runs:
        order.append(key)
    r = runs[key]
    if rts.isdigit():
        r["rts"].append(int(rts))
        if p99.isdigit():
            r["p99"].append(int(p99))
        if per.isdigit():
            r["per"].append(int(per))
    else:
        r["failed"] += 1

def med(values):
    return median(values) if values else None

def reference(test, server):
    if test == "echo":
        return "c"
    if test == "lines":
        return "rust-lines"
    return "redis"

def ratio(a, b):
    return f"{a / b:.2f}" if a is not None and b else "-"

def num(v):
    return f"{v:,.0f}" if v is not None else "-"

print("| test | connections | pipeline | client | server | round trips/s | p99 µs | per server CPU-s | ÷ ref (rt/s) | ÷ ref (per CPU-s) | ÷ rust (rt/s) | failed runs |")
print("|---|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|")
for key in sorted(order, key=lambda k: (["echo", "lines", "kv-set", "kv-get"].index(k[0]) if k[0] in ("echo", "lines", "kv-set", "kv-get") else 9, k[1], k[2], k[3], order.index(k))):
    test, conns, pipeline, client, server = key
    r = runs[key]
    rts, p99, per = med(r["rts"]), med(r["p99"]), med(r["per"])
    ref = runs.get((test, conns, pipeline, client, reference(test, server)))
    is_ref = server == reference(test, server)
    rrts = ratio(rts, med(ref["rts"])) if ref and not is_ref else "-"
    rper = ratio(per, med(ref["per"])) if ref and not is_ref else "-"
    rust = runs.get((test, conns, pipeline, client, "rust")) if test == "echo" else None
    rrust = ratio(rts, med(rust["rts"])) if rust and server.startswith("netkit") else "-"
    name = server.replace("-lines", "")
    print(f"| {test} | {conns:,} | {pipeline} | {client} | {name} | {num(rts)} | {num(p99)} | {num(per)} | {rrts} | {rper} | {rrust} | {r['failed']} |")
PY
