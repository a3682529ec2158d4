#!/usr/bin/env bash
# Two builds of netkit's kv side by side, in one run: did a change make the request path slower? Each round
# runs every test against the A build then the B build (the order swapped each round), ROUNDS rounds, and
# reports each median and the B/A ratio. Tests: `netkit bench kv` GET and SET at pipeline 1 and 16, and
# redis-benchmark GET and SET (-P 1 and -P 16); figures: requests/s and requests per server CPU-second
# (utime+stime from /proc over the run), the one that moves least on a shared machine.
#
# Usage: A_DLL=old/netkit.dll B_DLL=new/netkit.dll bash bench/compare-builds.sh
#   env: ROUNDS=3 DURATION=5 CONNECTIONS=50 MODEL=epoll REQUESTS=200000 (redis-benchmark, per test)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
A_DLL="${A_DLL:?A_DLL=path/to/netkit.dll}"
B_DLL="${B_DLL:?B_DLL=path/to/netkit.dll}"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-5}"
CONNECTIONS="${CONNECTIONS:-50}"
MODEL="${MODEL:-epoll}"
REQUESTS="${REQUESTS:-200000}"
WORK="$(mktemp -d)"
trap 'for p in $(cat "$WORK"/pids 2>/dev/null); do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

start_kv() { # $1 = dll; prints "PID PORT"
    local out="$WORK/kv.$RANDOM"
    dotnet "$1" --log-level warning kv serve --bind 127.0.0.1:0 --model "$MODEL" >"$out" 2>&1 &
    local pid=$!
    echo "$pid" >>"$WORK/pids"
    for _ in $(seq 200); do
        grep -q "listening on" "$out" 2>/dev/null && break
        sleep 0.05
    done
    echo "$pid $(grep -o 'tcp 127.0.0.1:[0-9]*' "$out" | head -1 | cut -d: -f2)"
}

run_one() { # $1 = dll, $2 = test; appends "test rps per_cpu"
    read -r pid port < <(start_kv "$1")
    local rps percpu
    case "$2" in
    bench-*)
        local op=${2#bench-}; op=${op%-P*}; local p=${2##*-P}
        dotnet "$B_DLL" bench kv --connect "127.0.0.1:$port" -c "$CONNECTIONS" -P "$p" --op "$op" -d "$DURATION" \
            --server-pid "$pid" --json "$WORK/r.json" >/dev/null 2>&1
        rps=$(python3 -c "import json;r=json.load(open('$WORK/r.json'))['results'];print(round(r['requests_per_second']))")
        percpu=$(python3 -c "import json;r=json.load(open('$WORK/r.json'))['results'];print(round(r.get('requests_per_server_cpu_second') or 0))")
        ;;
    rb-*)
        local op=${2#rb-}; op=${op%-P*}; local p=${2##*-P}
        local t0 t1; t0=$(cpu_ticks "$pid")
        rps=$(redis-benchmark -h 127.0.0.1 -p "$port" -c "$CONNECTIONS" -n "$REQUESTS" -P "$p" -t "$op" -q 2>/dev/null \
            | tr '\r' '\n' | grep -i "requests per second" | tail -1 | awk '{print int($2)}')
        t1=$(cpu_ticks "$pid")
        percpu=$(awk -v n="$REQUESTS" -v d=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%d", (d > 0) ? n / (d / hz) : 0 }')
        ;;
    esac
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo "$3 $2 $rps $percpu" >>"$WORK/results"
}

TESTS="${TESTS:-bench-get-P1 bench-set-P1 bench-get-P16 bench-set-P16 rb-get-P1 rb-set-P1 rb-get-P16 rb-set-P16}"
for round in $(seq "$ROUNDS"); do
    for t in $TESTS; do
        if [ $((round % 2)) -eq 1 ]; then run_one "$A_DLL" "$t" A; run_one "$B_DLL" "$t" B
        else run_one "$B_DLL" "$t" B; run_one "$A_DLL" "$t" A; fi
    done
    echo "round $round done (load $(cut -d' ' -f1 /proc/loadavg))" >&2
done

cp "$WORK/results" /tmp/compare-builds.results 2>/dev/null || true
python3 - "$WORK/results" <<'PY'
import sys, statistics
rows = [l.split() for l in open(sys.argv[1])]
tests = list(dict.fromkeys(r[1] for r in rows))
def med(b, t, i): return statistics.median(float(r[i]) for r in rows if r[0] == b and r[1] == t)
print(f"{'test':16} {'A req/s':>10} {'B req/s':>10} {'B/A':>6} {'A /cpu-s':>10} {'B /cpu-s':>10} {'B/A':>6}")
for t in tests:
    a, b, ac, bc = med('A', t, 2), med('B', t, 2), med('A', t, 3), med('B', t, 3)
    print(f"{t:16} {a:10.0f} {b:10.0f} {b/a if a else 0:6.2f} {ac:10.0f} {bc:10.0f} {bc/ac if ac else 0:6.2f}")
PY
