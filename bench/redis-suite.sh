#!/usr/bin/env bash
# Redis's own Tcl test suite, in its external-server mode, against `netkit kv serve` (and, with
# BASELINE=1, against redis-server too): a table of passed and failed tests per unit, then the name
# and first line of the reason of each test that failed.
#
# Usage: bench/redis-suite.sh [REDIS_TESTS_DIR]          (default /work/redis-tests)
#   REDIS_TESTS_DIR holds tests/test_helper.tcl, tests/support/, tests/helpers/, tests/assets/ and
#   tests/unit/... of a Redis 7.0 source tree (they are Redis's files: keep them out of this repository).
#   env: UNITS="type/string type/incr ..."   the units to run (default: the ones below)
#        BASELINE=1                          run each unit against redis-server 7 as well
#        UNIT_TIMEOUT_S=300                  a unit still running after this is stopped and marked
#        TAGS="-needs:debug -needs:repl"     Redis's tag filter: DEBUG and replication tests do not count
#        NETKIT_ARGS="--inline-replies resp" extra `netkit kv serve` options
# Needs tclsh 8.5+ (apt-get install tcl) and, for BASELINE=1, redis-server (apt-get install redis-server).
#
# Each unit gets a fresh server, so one unit's leftovers (a password, a paused client) cannot fail the
# next. The suite runs with --durable: a test that errors counts as failed and the unit goes on.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TESTS_DIR="$(cd "${1:-/work/redis-tests}" && pwd)"
UNITS="${UNITS:-type/string type/incr type/hash expire keyspace protocol info-command auth quit multi pubsub}"
BASELINE="${BASELINE:-0}"
UNIT_TIMEOUT_S="${UNIT_TIMEOUT_S:-300}"
TAGS="${TAGS:--needs:debug -needs:repl}"
# Redis answers inline commands in RESP from the first byte; so does kv with this option.
NETKIT_ARGS="${NETKIT_ARGS:---inline-replies resp}"
NAME=redis-suite
# shellcheck source=bench/lib/common.sh
. "$ROOT/bench/lib/common.sh"

[ -f "$TESTS_DIR/tests/test_helper.tcl" ] || {
    echo "redis-suite: no tests/test_helper.tcl under $TESTS_DIR" >&2
    exit 2
}
command -v tclsh >/dev/null || { echo "redis-suite: tclsh is not installed (apt-get install tcl)" >&2; exit 1; }
if [ "$BASELINE" = 1 ]; then
    command -v redis-server >/dev/null || { echo "redis-suite: redis-server is not installed (apt-get install redis-server)" >&2; exit 1; }
fi
build_netkit

# A log of its own per start: the previous server's listening line must not be read as this one's.
start_netkit() {
    local log="$WORK/netkit-$1.log"
    # shellcheck disable=SC2086
    dotnet "$NETKIT_DLL" kv serve --bind 127.0.0.1:0 --log-level warning $NETKIT_ARGS >"$log" 2>&1 &
    SERVER_PID=$!
    wait_for_port "$log" netkit
}

# redis-server has no port 0: take a free port from the kernel, then start it there and wait for PONG.
start_redis() {
    PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    redis-server --port "$PORT" --bind 127.0.0.1 --dir "$WORK" --save '' --appendonly no >"$WORK/redis.log" 2>&1 &
    SERVER_PID=$!
    local deadline=$((SECONDS + STARTUP_TIMEOUT_S))
    until redis-cli -p "$PORT" ping >/dev/null 2>&1; do
        if ! kill -0 "$SERVER_PID" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
            echo "redis-suite: redis-server did not start on port $PORT:" >&2
            cat "$WORK/redis.log" >&2
            return 1
        fi
        sleep 0.1
    done
}

# Runs one unit against the server on PORT into OUT (colours stripped). `timeout` signals its whole
# process group, which holds the test helper and the client process it spawns, and nothing else.
run_unit() {
    local unit="$1" out="$2" status=0
    # The helper listens for its own test clients on a port below --baseport (21111 by default): a base of
    # our own per run keeps two runs on one machine from meeting there (below 32768, where the kernel picks
    # no ephemeral ports).
    local base=$((22000 + (RANDOM % 150) * 64))
    (cd "$TESTS_DIR" && timeout "$UNIT_TIMEOUT_S" tclsh tests/test_helper.tcl --host 127.0.0.1 --port "$PORT" \
        --baseport "$base" --single "unit/$unit" --tags "$TAGS" --durable --timeout "$UNIT_TIMEOUT_S" </dev/null 2>&1) \
        | sed 's/\x1b\[[0-9;]*m//g' >"$out" || true
    status="${PIPESTATUS[0]}"
    [ "$status" = 124 ] && echo "[timeout]: stopped after ${UNIT_TIMEOUT_S}s" >>"$out"
    return 0
}

# A failed test's line names it: "[err]: NAME in tests/unit/X.tcl".
passed_in() { grep -c '^\[ok\]: ' "$1" || true; }
failed_in() { grep '^\[err\]: ' "$1" | grep -c ' in tests/' || true; }
# A unit that did not run to its end: the helper's exception line, our timeout line, or (with --durable)
# an error outside any test, which ends the unit there.
aborted_in() {
    { grep -E '^\[(exception|timeout)\]: ' "$1" || true; grep '^\[err\]: ' "$1" | grep -v ' in tests/' || true; } \
        | head -n 1 | cut -c1-160
}

for unit in $UNITS; do
    key="${unit//\//_}"
    start_netkit "$key"
    run_unit "$unit" "$WORK/netkit-$key.out"
    stop_server
    if [ "$BASELINE" = 1 ]; then
        start_redis
        run_unit "$unit" "$WORK/redis-$key.out"
        stop_server
    fi
done

if [ "$BASELINE" = 1 ]; then
    printf '%-14s %8s %8s   %14s %14s\n' unit passed failed "redis passed" "redis failed"
else
    printf '%-14s %8s %8s\n' unit passed failed
fi
total_p=0 total_f=0 total_rp=0 total_rf=0
for unit in $UNITS; do
    key="${unit//\//_}"
    p="$(passed_in "$WORK/netkit-$key.out")" f="$(failed_in "$WORK/netkit-$key.out")"
    a="$(aborted_in "$WORK/netkit-$key.out")"
    total_p=$((total_p + p)) total_f=$((total_f + f))
    note=""
    [ -n "$a" ] && note="  (did not finish)"
    if [ "$BASELINE" = 1 ]; then
        rp="$(passed_in "$WORK/redis-$key.out")" rf="$(failed_in "$WORK/redis-$key.out")"
        [ -n "$(aborted_in "$WORK/redis-$key.out")" ] && note="$note  (redis-server did not finish)"
        total_rp=$((total_rp + rp)) total_rf=$((total_rf + rf))
        printf '%-14s %8s %8s   %14s %14s%s\n' "$unit" "$p" "$f" "$rp" "$rf" "$note"
    else
        printf '%-14s %8s %8s%s\n' "$unit" "$p" "$f" "$note"
    fi
done
if [ "$BASELINE" = 1 ]; then
    printf '%-14s %8s %8s   %14s %14s\n' total "$total_p" "$total_f" "$total_rp" "$total_rf"
else
    printf '%-14s %8s %8s\n' total "$total_p" "$total_f"
fi

# Each failed test: its name (the helper writes "NAME in tests/unit/X.tcl") and the assertion or the error.
for unit in $UNITS; do
    key="${unit//\//_}"
    for who in netkit redis; do
        out="$WORK/$who-$key.out"
        [ -f "$out" ] || continue
        a="$(aborted_in "$out")"
        if [ "$(failed_in "$out")" -gt 0 ] || [ -n "$a" ]; then
            echo
            echo "$unit, failed against $([ "$who" = netkit ] && echo netkit || echo redis-server):"
            # --durable writes an error that is not an assertion as its message with 10 characters cut,
            # then the full error (its errorInfo's first line): print that one.
            awk '{ line[NR] = $0 }
                END {
                    for (i = 1; i <= NR; i++) {
                        if (line[i] !~ /^\[err\]: .* in tests\//) continue
                        name = substr(line[i], 8); reason = line[i + 1]; full = line[i + 2]
                        if (length(full) > length(reason) && index(full, reason) > 0) reason = full
                        printf "  - %s\n      %s\n", name, substr(reason, 1, 200)
                    }
                }' "$out"
            [ -n "$a" ] && echo "  ! $a"
        fi
    done
done
if [ -n "${KEEP_LOGS:-}" ]; then
    mkdir -p "$KEEP_LOGS" && cp "$WORK"/*.out "$KEEP_LOGS"/ && echo "logs in $KEEP_LOGS" >&2
fi
