#!/usr/bin/env python3
"""Idle connections: server memory per idle connection at 5,000, 10,000 and 15,000 held connections (each
having done one 64 B round trip, then idle), and an active client's latency while they are held.

Usage: idle-connections.py NETKIT_DLL MODEL [COUNTS=5000,10000,15000]
Raises its own descriptor limit; the server is started with the same limit. Prints one line per count:
RSS delta per connection, then `netkit bench echo -c 10 -d 3` run alongside (round trips/s, p99)."""
import os, resource, socket, subprocess, sys, time

dll, model = sys.argv[1], sys.argv[2]
counts = [int(c) for c in (sys.argv[3] if len(sys.argv) > 3 else "5000,10000,15000").split(",")]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
want = min(hard, max(counts) * 2 + 1024)
resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))

srv = subprocess.Popen(["dotnet", dll, "echo", "serve", "--model", model, "--bind", "127.0.0.1:0",
                        "--max-connections", str(max(counts) + 100), "--log-level", "warning"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
port = int(srv.stdout.readline().rsplit(":", 1)[1])

def rss_kib():
    for line in open(f"/proc/{srv.pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1])

def open_round(n):
    socks = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(n)]
    for s in socks:
        s.sendall(b"x" * 64)
    for s in socks:
        got = 0
        while got < 64:
            got += len(s.recv(64 - got))
    return socks

def active_latency():
    out = subprocess.run(["dotnet", dll, "bench", "echo", "--connect", f"127.0.0.1:{port}", "-c", "10", "-d", "3",
                          "--warmup", "1"], capture_output=True, text=True, timeout=60).stdout
    line = next((l for l in out.splitlines() if l.startswith("round trips/s")), "")
    return " ".join(line.split()[:9])

# A warm-up round, so one-off costs (JIT, pools, loop tables) are not counted per connection.
for s in open_round(200):
    s.close()
time.sleep(1.5)
print(f"{model}: alone: {active_latency()}")
base = rss_kib()
held = []
try:
    for count in counts:
        held += open_round(count - len(held))
        time.sleep(2)
        per = (rss_kib() - base) * 1024 / count
        print(f"{model}: {count} idle: {per:.0f} bytes per connection; active client: {active_latency()}")
finally:
    for s in held:
        s.close()
    srv.terminate()
    srv.wait()
