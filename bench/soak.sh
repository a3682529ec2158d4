#!/usr/bin/env bash
# A soak: minutes of mixed load against `netkit kv serve --data-dir` (redis-benchmark: SET, GET, INCR over a
# bounded key space) and `netkit echo serve` (`netkit bench echo`) at once, sampling each server's resident
# memory, open descriptors and threads every 5 s. A server that leaks shows a last sample above its first.
#
# Usage: bench/soak.sh
#   env: DURATION=180 (seconds of load) MODEL=async KV_CLIENTS=20 ECHO_CONNECTIONS=50 KEYSPACE=10000
#        RSS_MARGIN_MIB=32 FD_MARGIN=16 THREAD_MARGIN=8 CSV=<where the samples go>
# Needs redis-benchmark and redis-cli (apt-get install redis-tools).
#
# The key space is small enough (10,000 keys, 64 B values) for the first round to fill it, so the data set
# stops growing within seconds and what grows after that is the server's own.
# "Flat" means last <= first + margin, the first sample taken 5 s into the load (so the working set of a
# loaded server is the baseline, not the idle one); the idle figures before the load are printed too.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${DURATION:-180}"
MODEL="${MODEL:-async}"
KV_CLIENTS="${KV_CLIENTS:-20}"
ECHO_CONNECTIONS="${ECHO_CONNECTIONS:-50}"
KEYSPACE="${KEYSPACE:-10000}"
RSS_MARGIN_MIB="${RSS_MARGIN_MIB:-32}"
FD_MARGIN="${FD_MARGIN:-16}"
THREAD_MARGIN="${THREAD_MARGIN:-8}"
SAMPLE_S=5
CSV="${CSV:-${TMPDIR:-/tmp}/netkit-soak-$(date +%Y%m%d-%H%M%S).csv}"
# One `netkit bench` run is at most this long, so the load ends close to DURATION.
ECHO_RUN_S=20
RUN_TIMEOUT_S=$((ECHO_RUN_S + 30))
NAME=soak
# shellcheck source=bench/lib/common.sh
. "$ROOT/bench/lib/common.sh"

command -v redis-benchmark >/dev/null || { echo "soak: redis-benchmark is not installed (apt-get install redis-tools)" >&2; exit 1; }
build_netkit
raise_open_files

# Both servers on port 0; each one's first stdout line names its real port. wait_for_port watches SERVER_PID,
# so echo is started as the server first and then kept among the extra PIDs.
dotnet "$NETKIT_DLL" echo serve --bind 127.0.0.1:0 --model "$MODEL" --log-level warning >"$WORK/echo.out" 2>&1 &
SERVER_PID=$!
wait_for_port "$WORK/echo.out" echo
ECHO_PID="$SERVER_PID"
ECHO_PORT="$PORT"
EXTRA_PIDS+=("$ECHO_PID")

mkdir -p "$WORK/kv-data"
dotnet "$NETKIT_DLL" kv serve --bind 127.0.0.1:0 --model "$MODEL" --data-dir "$WORK/kv-data" --fsync everysec \
    --log-level warning >"$WORK/kv.out" 2>&1 &
SERVER_PID=$!
wait_for_port "$WORK/kv.out" kv
KV_PID="$SERVER_PID"
KV_PORT="$PORT"

# Prints "rss_kib fds threads" of PID, or nothing once it has exited.
sample() {
    local pid="$1" rss threads fds
    [ -r "/proc/$pid/status" ] || return 0
    rss="$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")"
    threads="$(awk '/^Threads:/ { print $2 }' "/proc/$pid/status")"
    fds="$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)"
    echo "$rss $fds $threads"
}

record() {
    local t="$1" server pid
    for server in kv echo; do
        if [ "$server" = kv ]; then pid="$KV_PID"; else pid="$ECHO_PID"; fi
        local s
        s="$(sample "$pid")"
        if [ -z "$s" ]; then
            echo "soak: the $server server (PID $pid) has exited:" >&2
            cat "$WORK/$server.out" >&2
            exit 1
        fi
        # shellcheck disable=SC2086
        set -- $s
        echo "$t,$server,$1,$2,$3" >>"$CSV"
    done
}

echo "time_s,server,rss_kib,fds,threads" >"$CSV"
record idle

KV_LOAD_PID=""
ECHO_LOAD_PID=""
# The load clients' PIDs are held only until they are reaped (then cleared), so a stop never reaches a PID the
# kernel has since given to another process.
trap 'stop_pid "$KV_LOAD_PID"; stop_pid "$ECHO_LOAD_PID"; cleanup' EXIT
KV_ROUNDS=0
ECHO_ROUNDS=0
ECHO_RUNS=()
kv_failures=0
start=$SECONDS
deadline=$((start + DURATION))
next_sample=$((start + SAMPLE_S))
echo "soak: ${DURATION} s of load, model $MODEL: kv on $KV_PORT (redis-benchmark set,get,incr, $KV_CLIENTS clients," \
    "$KEYSPACE keys), echo on $ECHO_PORT ($ECHO_CONNECTIONS connections); samples every ${SAMPLE_S} s into $CSV" >&2
while [ "$SECONDS" -lt "$deadline" ]; do
    # Each client is restarted as soon as its previous round ends, until the deadline: load without a gap.
    if [ -n "$KV_LOAD_PID" ] && ! kill -0 "$KV_LOAD_PID" 2>/dev/null; then
        wait "$KV_LOAD_PID" || kv_failures=$((kv_failures + 1))
        KV_LOAD_PID=""
    fi
    if [ -z "$KV_LOAD_PID" ]; then
        redis-benchmark -p "$KV_PORT" -t set,get,incr -n 100000 -c "$KV_CLIENTS" -r "$KEYSPACE" -d 64 -q \
            >"$WORK/kv-load.$KV_ROUNDS.out" 2>&1 &
        KV_LOAD_PID=$!
        KV_ROUNDS=$((KV_ROUNDS + 1))
    fi
    if [ -n "$ECHO_LOAD_PID" ] && ! kill -0 "$ECHO_LOAD_PID" 2>/dev/null; then
        wait "$ECHO_LOAD_PID" || true
        ECHO_LOAD_PID=""
    fi
    left=$((deadline - SECONDS))
    if [ -z "$ECHO_LOAD_PID" ] && [ "$left" -ge 3 ]; then
        run_s=$((left < ECHO_RUN_S ? left - 1 : ECHO_RUN_S))
        out="$WORK/echo-load.$ECHO_ROUNDS.out"
        bench_client echo --connect "127.0.0.1:$ECHO_PORT" --connections "$ECHO_CONNECTIONS" --duration "$run_s" \
            --warmup 0 --size 64 >"$out" 2>&1 &
        ECHO_LOAD_PID=$!
        ECHO_RUNS+=("$out")
        ECHO_ROUNDS=$((ECHO_ROUNDS + 1))
    fi
    if [ "$SECONDS" -ge "$next_sample" ]; then
        record $((SECONDS - start))
        next_sample=$((next_sample + SAMPLE_S))
    fi
    sleep 0.2
done
record $((SECONDS - start))
stop_pid "$KV_LOAD_PID"
stop_pid "$ECHO_LOAD_PID"

# A last look: both servers still answer once the load is gone.
alive=yes
[ "$(redis-cli -p "$KV_PORT" ping 2>/dev/null)" = PONG ] || alive="no (kv did not answer PING)"
bench_client echo --connect "127.0.0.1:$ECHO_PORT" --connections 1 --duration 1 --warmup 0 --size 64 >"$WORK/echo-last.out" 2>&1 \
    || alive="no (echo did not answer)"

echo_rts=0
echo_errors=0
for out in "${ECHO_RUNS[@]}"; do
    rts="$(sed -n 's/.*round trips\/s: \([0-9][0-9]*\).*/\1/p' "$out")"
    errors="$(sed -n 's/.*errors: \([0-9][0-9]*\).*/\1/p' "$out")"
    echo_rts=$((echo_rts + ${rts:-0}))
    echo_errors=$((echo_errors + ${errors:-0}))
done

echo
echo "soak: ${DURATION} s, model $MODEL; $(load_average)"
echo "kv: $KV_ROUNDS redis-benchmark rounds (set,get,incr x 100000, -c $KV_CLIENTS, -r $KEYSPACE), $kv_failures failed;" \
    "log $(du -k "$WORK/kv-data/appendonly.aof" | cut -f1) KiB at the end"
echo "echo: $ECHO_ROUNDS netkit bench runs, mean $((ECHO_ROUNDS > 0 ? echo_rts / ECHO_ROUNDS : 0)) round trips/s, $echo_errors errors"
echo "both servers answer after the load: $alive"
echo "samples: $CSV"
printf '%-5s %-8s %10s %10s %10s %10s %7s\n' server figure idle first last max flat
verdict=0
for server in kv echo; do
    for column in 3 4 5; do
        case "$column" in
            3) figure=rss_kib margin=$((RSS_MARGIN_MIB * 1024)) ;;
            4) figure=fds margin="$FD_MARGIN" ;;
            5) figure=threads margin="$THREAD_MARGIN" ;;
        esac
        read -r idle first last max < <(awk -F, -v s="$server" -v c="$column" '
            $2 == s && $1 == "idle" { idle = $c }
            $2 == s && $1 != "idle" && $1 != "time_s" { if (first == "") first = $c; last = $c; if ($c + 0 > max + 0) max = $c }
            END { print idle, first, last, max }' "$CSV")
        if [ "$last" -le $((first + margin)) ]; then flat="yes"; else flat="NO"; verdict=1; fi
        printf '%-5s %-8s %10s %10s %10s %10s %7s\n' "$server" "$figure" "$idle" "$first" "$last" "$max" "$flat"
    done
done
echo "(flat: last <= first + margin; margins: RSS ${RSS_MARGIN_MIB} MiB, ${FD_MARGIN} descriptors, ${THREAD_MARGIN} threads)"
[ "$alive" = yes ] || verdict=1
exit "$verdict"
