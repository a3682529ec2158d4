# Shared by the bench/compare-*.sh scripts (sourced, not run): process handling that only ever stops
# what the script started, by PID; building netkit once; the load generator with a time bound; and
# reading its report. Set NAME (for messages) and ROOT before sourcing.

STARTUP_TIMEOUT_S="${STARTUP_TIMEOUT_S:-20}"
WORK="$(mktemp -d)"
SERVER_PID=""
CLIENT_PID=""
EXTRA_PIDS=()

# Raises the open-file limit to NEEDED (default 4096), or to the hard limit when that is lower: 1000
# client sockets plus 1000 server sockets in one session, with room for the runtimes' own files.
raise_open_files() {
    local needed="${1:-4096}"
    if [ "$(ulimit -n)" != "unlimited" ] && [ "$(ulimit -n)" -lt "$needed" ]; then
        local hard
        hard="$(ulimit -Hn)"
        if [ "$hard" != "unlimited" ] && [ "$hard" -lt "$needed" ]; then
            ulimit -n "$hard"
            echo "$NAME: open-file limit raised only to the hard limit $hard" >&2
        else
            ulimit -n "$needed"
        fi
    fi
}

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
    for pid in "${EXTRA_PIDS[@]}"; do
        stop_pid "$pid"
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Sets NETKIT_DLL: as given, or built (Release) once, asking MSBuild where the output went so the
# scripts follow the project if its assembly is renamed.
build_netkit() {
    local project="$ROOT/src/NetKit.Cli/NetKit.Cli.csproj"
    if [ -z "${NETKIT_DLL:-}" ]; then
        echo "building netkit (Release)..." >&2
        dotnet build "$project" -c Release -nologo -v quiet >"$WORK/build.log" 2>&1 || {
            cat "$WORK/build.log" >&2
            exit 1
        }
        NETKIT_DLL="$(dotnet msbuild "$project" -nologo -getProperty:TargetPath -p:Configuration=Release)"
    fi
}

# Waits for a "... listening on [tcp ]127.0.0.1:PORT" line in LOG from SERVER_PID; sets PORT.
wait_for_port() {
    local log="$1" what="$2"
    PORT=""
    local deadline=$((SECONDS + STARTUP_TIMEOUT_S))
    while [ -z "$PORT" ] && [ "$SECONDS" -lt "$deadline" ]; do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "$NAME: the $what server exited:" >&2
            cat "$log" >&2
            return 1
        fi
        # The log may not exist yet: the server's redirection runs in its own process.
        PORT="$(sed -n 's/.*listening on \(tcp \)\{0,1\}127\.0\.0\.1:\([0-9][0-9]*\).*/\2/p' "$log" 2>/dev/null | head -n 1 || true)"
        [ -n "$PORT" ] || sleep 0.1
    done
    if [ -z "$PORT" ]; then
        echo "$NAME: no 'listening on ... 127.0.0.1:PORT' line from the $what server in ${STARTUP_TIMEOUT_S}s:" >&2
        cat "$log" >&2
        return 1
    fi
}

# With the async engine (--engine async, or off Linux) the load generator's continuations are short and
# never block, so running them on the socket engine's epoll thread (instead of hopping to the thread pool)
# makes the client cheaper and leaves more of the shared cores to the server under test. Client only: the servers run with their own defaults.
bench_client() { DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 dotnet "$NETKIT_DLL" bench "$@"; }

# Runs `netkit bench ARGS` into OUT, in the background so a signal to the script is handled at once,
# and stops it if it runs RUN_TIMEOUT_S seconds.
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
        echo "$NAME: the load generator overran ${RUN_TIMEOUT_S}s; stopping it" >&2
        stop_pid "$CLIENT_PID"
        CLIENT_PID=""
        return 1
    fi
    local status=0
    wait "$CLIENT_PID" || status=$?
    CLIENT_PID=""
    return "$status"
}

# Sets rts p50 p99 p999 max errors from a `netkit bench` report (OUT), or marks the run failed; also
# srv_cpu and per_cpu (the server's CPU seconds over the window and requests per server CPU-second,
# "-" without --server-pid) and gen_cpu (the generator's own CPU seconds).
read_report() {
    local out="$1" ok="$2"
    cat "$out" >&2
    if [ "$ok" -eq 0 ]; then
        rts="$(sed -n 's/.*round trips\/s: \([0-9][0-9]*\).*/\1/p' "$out")"
        p50="$(sed -n 's/.*p50: \([0-9][0-9]*\) us.*/\1/p' "$out")"
        p99="$(sed -n 's/.*p99: \([0-9][0-9]*\) us.*/\1/p' "$out")"
        p999="$(sed -n 's/.*p99\.9: \([0-9][0-9]*\) us.*/\1/p' "$out")"
        max="$(sed -n 's/.*max: \([0-9][0-9]*\) us.*/\1/p' "$out")"
        errors="$(sed -n 's/.*errors: \([0-9][0-9]*\).*/\1/p' "$out")"
        srv_cpu="$(sed -n 's/^cpu: server \([0-9.][0-9.]*\) s.*/\1/p' "$out")"
        per_cpu="$(sed -n 's/.*per server cpu-second: \([0-9][0-9]*\).*/\1/p' "$out")"
        gen_cpu="$(sed -n 's/^cpu: .*generator \([0-9.][0-9.]*\) s.*/\1/p' "$out")"
        srv_cpu="${srv_cpu:--}" per_cpu="${per_cpu:--}" gen_cpu="${gen_cpu:--}"
    else
        rts="failed" p50="-" p99="-" p999="-" max="-" errors="-" srv_cpu="-" per_cpu="-" gen_cpu="-"
    fi
}

# CPU seconds (utime + stime) a process has used so far, from /proc/PID/stat (fields after the last ')').
cpu_seconds() {
    local ticks
    ticks="$(getconf CLK_TCK)"
    sed 's/.*) //' "/proc/$1/stat" | awk -v t="$ticks" '{ printf "%.3f", ($12 + $13) / t }'
}

load_average() { echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"; }
