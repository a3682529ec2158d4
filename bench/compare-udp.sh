#!/bin/bash
# Alternates the two UDP paths; per run: the client's figures and the server's CPU-seconds from /proc.
# Usage: BURST=64 SECS=5 SIZE=32 bench/compare-udp.sh (after a Release build). SIGTERM, not SIGINT: a
# background job of a non-interactive shell ignores SIGINT.
NETKIT=${NETKIT:-"$(dirname "$0")/../src/NetKit.Cli/bin/Release/net10.0/netkit"}
BURST=${BURST:-64}; SECS=${SECS:-5}; SIZE=${SIZE:-32}
TCK=$(getconf CLK_TCK)
# A server left behind (the script cut short) would hold the port for the next run.
trap '[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null' EXIT
for model in epoll async epoll async epoll async; do
  $NETKIT udp-echo serve --bind 127.0.0.1:9100 --model $model > "${TMPDIR:-/tmp}/netkit-udp-bench.log" 2>&1 &
  pid=$!
  for i in $(seq 100); do grep -q Listening "${TMPDIR:-/tmp}/netkit-udp-bench.log" && break; sleep 0.05; done
  read -r u0 s0 < <(awk '{print $14, $15}' /proc/$pid/stat)
  out=$(python3 "$(dirname "$0")/probes/udp_burst.py" 9100 $BURST $SECS $SIZE)
  read -r u1 s1 < <(awk '{print $14, $15}' /proc/$pid/stat)
  cpu=$(echo "scale=2; ($u1+$s1-$u0-$s0)/$TCK" | bc)
  got=$(echo "$out" | sed 's/.*replies=\([0-9]*\).*/\1/')
  echo "$model $out server_cpu_s=$cpu replies_per_cpu_s=$(echo "$got/$cpu" | bc)"
  idle0=$(awk "{print \$14+\$15}" /proc/$pid/stat); sleep 1; idle1=$(awk "{print \$14+\$15}" /proc/$pid/stat); echo "  idle ticks in 1 s after the run: $((idle1-idle0))"; kill -TERM $pid; wait $pid
done
