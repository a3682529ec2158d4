#!/usr/bin/env bash
# The JIT build (dotnet netkit.dll) and the native binary (PublishAot) side by side: time to the listening
# line of `netkit echo serve`, wall time of `netkit --version`, idle RSS of `netkit serve` (all six services)
# and of `netkit echo serve`, and echo round trips/s at 100 connections against each build's epoll server.
#
# Usage: bench/compare-native.sh
#   env: STARTS=20 ROUNDS=2 DURATION=5 CONNECTIONS=100 NETKIT_DLL=path NETKIT_NATIVE=path
#
# The load generator is the JIT build in both throughput rows, so only the server differs; the builds are
# alternated round by round. Client and server share this machine's cores: compare the two columns with
# each other, not with a machine of their own.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STARTS="${STARTS:-20}"
ROUNDS="${ROUNDS:-2}"
DURATION="${DURATION:-5}"
WARMUP="${WARMUP:-1}"
CONNECTIONS="${CONNECTIONS:-100}"
RUN_TIMEOUT_S=$((WARMUP + DURATION + 60))
NAME=compare-native
# shellcheck source=bench/lib/common.sh
. "$ROOT/bench/lib/common.sh"
raise_open_files
build_netkit

if [ -z "${NETKIT_NATIVE:-}" ]; then
    echo "publishing the native binary (a few minutes on 2 cores)..." >&2
    dotnet publish "$ROOT/src/NetKit.Cli" -c Release -r linux-x64 -p:PublishAot=true -nologo -v quiet \
        -o "$WORK/native" >"$WORK/publish.log" 2>&1 || {
        cat "$WORK/publish.log" >&2
        exit 1
    }
    NETKIT_NATIVE="$WORK/native/netkit"
fi

# The command line that runs each build.
build_command() {
    case "$1" in
        jit) echo "dotnet $NETKIT_DLL" ;;
        native) echo "$NETKIT_NATIVE" ;;
    esac
}

run_build() {
    case "$1" in
        jit) dotnet "$NETKIT_DLL" "${@:2}" ;;
        native) "$NETKIT_NATIVE" "${@:2}" ;;
    esac
}

# As run_build, in place of the calling (sub)shell, so its PID is netkit's.
exec_build() {
    case "$1" in
        jit) exec dotnet "$NETKIT_DLL" "${@:2}" ;;
        native) exec "$NETKIT_NATIVE" "${@:2}" ;;
    esac
}

# Milliseconds from exec to the first stdout line of `netkit echo serve --bind 127.0.0.1:0`, median of STARTS.
startup_ms() {
    local build="$1" samples=()
    for _ in $(seq 1 "$STARTS"); do
        local start end line pid
        start="$(date +%s%N)"
        exec 3< <(exec_build "$build" echo serve --bind 127.0.0.1:0 --log-level Warning 2>/dev/null)
        pid=$!
        EXTRA_PIDS+=("$pid")
        IFS= read -r -t "$STARTUP_TIMEOUT_S" line <&3 || true
        end="$(date +%s%N)"
        exec 3<&-
        stop_pid "$pid"
        case "$line" in
            *"listening on"*) samples+=($(((end - start) / 1000000))) ;;
            *) echo "$NAME: no listening line from the $build build" >&2; return 1 ;;
        esac
    done
    printf '%s\n' "${samples[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

# Mean wall time of `netkit --version` in ms: hyperfine when installed, else a loop of STARTS runs.
version_ms() {
    local build="$1"
    if command -v hyperfine >/dev/null 2>&1; then
        hyperfine -N --warmup 3 --runs "$((STARTS * 2))" --export-json "$WORK/version-$build.json" \
            "$(build_command "$build") --version" >/dev/null 2>&1
        python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["results"][0]["mean"] * 1000, 1))' \
            "$WORK/version-$build.json"
    else
        local start end
        start="$(date +%s%N)"
        for _ in $(seq 1 "$STARTS"); do run_build "$build" --version >/dev/null; done
        end="$(date +%s%N)"
        echo "$(((end - start) / 1000000 / STARTS))"
    fi
}

# Idle RSS in MiB, 2 s after the last of LINES listening lines, of `netkit ARGS`.
idle_rss_mib() {
    local build="$1" lines="$2"
    shift 2
    local log="$WORK/rss-$build.log"
    exec_build "$build" "$@" --log-level Warning >"$log" 2>&1 &
    SERVER_PID=$!
    local deadline=$((SECONDS + STARTUP_TIMEOUT_S))
    while [ "$(grep -c 'listening on' "$log" 2>/dev/null || true)" -lt "$lines" ]; do
        if ! kill -0 "$SERVER_PID" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
            echo "$NAME: netkit $* ($build) did not report $lines listening lines:" >&2
            cat "$log" >&2
            return 1
        fi
        sleep 0.1
    done
    sleep 2
    awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status"
    stop_server
}

# Round trips/s of the JIT load generator against BUILD's `echo serve --model epoll`; sets rts, p99, per_cpu.
throughput() {
    local build="$1" round="$2" log="$WORK/server-$1-$2.log" out="$WORK/bench-$1-$2.out"
    exec_build "$build" echo serve --bind 127.0.0.1:0 --model epoll --log-level Warning >"$log" 2>&1 &
    SERVER_PID=$!
    wait_for_port "$log" "$build"
    local status=0
    run_client "$out" echo --connect "127.0.0.1:$PORT" --connections "$CONNECTIONS" --duration "$DURATION" \
        --warmup "$WARMUP" --server-pid "$SERVER_PID" || status=$?
    read_report "$out" "$status" 2>/dev/null
    stop_server
}


declare -A result
for build in jit native; do
    result[$build.start]="$(startup_ms "$build")"
    result[$build.version]="$(version_ms "$build")"
    result[$build.rss_serve]="$(idle_rss_mib "$build" 6 serve --in-memory)"
    result[$build.rss_echo]="$(idle_rss_mib "$build" 1 echo serve --bind 127.0.0.1:0)"
done
for round in $(seq 1 "$ROUNDS"); do
    for build in jit native; do
        throughput "$build" "$round"
        result[$build.rts]="${result[$build.rts]:-}${result[$build.rts]:+ / }$rts"
        result[$build.p99]="${result[$build.p99]:-}${result[$build.p99]:+ / }$p99"
        result[$build.cpu]="${result[$build.cpu]:-}${result[$build.cpu]:+ / }$per_cpu"
    done
done

echo
load_average
echo "binary: $(du -h "$NETKIT_NATIVE" | cut -f1) native; JIT: $(du -ch "$(dirname "$NETKIT_DLL")"/*.dll | tail -n 1 | cut -f1) of assemblies plus the shared runtime"
printf '%-58s %18s %18s\n' "" "JIT (dotnet dll)" "native (AOT)"
printf '%-58s %18s %18s\n' "echo serve: exec to listening line, median of $STARTS (ms)" "${result[jit.start]}" "${result[native.start]}"
printf '%-58s %18s %18s\n' "--version: wall time, mean (ms)" "${result[jit.version]}" "${result[native.version]}"
printf '%-58s %18s %18s\n' "serve (six services, --in-memory): idle RSS (MiB)" "${result[jit.rss_serve]}" "${result[native.rss_serve]}"
printf '%-58s %18s %18s\n' "echo serve: idle RSS (MiB)" "${result[jit.rss_echo]}" "${result[native.rss_echo]}"
echo "echo, epoll server, $CONNECTIONS connections, ${DURATION} s, JIT load generator; rounds alternated:"
printf '%-58s %18s %18s\n' "  round trips/s" "${result[jit.rts]}" "${result[native.rts]}"
printf '%-58s %18s %18s\n' "  p99 (us)" "${result[jit.p99]}" "${result[native.p99]}"
printf '%-58s %18s %18s\n' "  round trips per server CPU-second" "${result[jit.cpu]}" "${result[native.cpu]}"
