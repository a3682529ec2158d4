#!/usr/bin/env python3
"""Two builds of netkit's echo side by side, in one run: did a change make the async or TLS request path slower?
Each round runs each model against the A build then the B build (the order swapped each round), ROUNDS rounds,
and reports each median and the B/A ratio of round trips/s and of round trips per server CPU-second (the
server's utime+stime from /proc over the measured window: on a shared machine, the figure that stays put).
async: `netkit bench echo` (the B build's) with --server-pid; tls: an asyncio client (netkit bench does not
speak TLS), which is the bottleneck of round trips/s, so read the per-CPU-second figure there.

Usage: A_DLL=old/netkit.dll B_DLL=new/netkit.dll python3 bench/compare-echo-builds.py
  env: ROUNDS=5 DURATION=5 CONNECTIONS=50 TLS_CONNECTIONS=20 MODELS="async tls"
Every server it starts is stopped by its PID; the throwaway certificate lives in a temporary directory."""
import asyncio, json, os, ssl, statistics, subprocess, sys, tempfile, time

A, B = os.environ["A_DLL"], os.environ["B_DLL"]
ROUNDS = int(os.environ.get("ROUNDS", "5"))
DURATION = float(os.environ.get("DURATION", "5"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "50"))
TLS_CONNECTIONS = int(os.environ.get("TLS_CONNECTIONS", "20"))
MODELS = os.environ.get("MODELS", "async tls").split()
tmp = tempfile.mkdtemp(prefix="nk-echo-builds-")

def sh(*args):
    subprocess.run(args, check=True, capture_output=True, cwd=tmp)

sh("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "key.pem",
   "-out", "cert.pem", "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1")
CERT = ["--tls-cert", os.path.join(tmp, "cert.pem"), "--tls-key", os.path.join(tmp, "key.pem")]

def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def start(dll, model):
    extra = CERT if model == "tls" else ["--model", model]
    p = subprocess.Popen(["dotnet", dll, "--log-level", "warning", "echo", "serve", "--bind", "127.0.0.1:0"] + extra,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return p, int(p.stdout.readline().rsplit(":", 1)[1])

async def tls_round_trips(port, seconds):
    context = ssl.create_default_context(cafile=os.path.join(tmp, "cert.pem"))
    stop = time.monotonic() + seconds
    message, total = b"x" * 64, [0]

    async def one():
        r, w = await asyncio.open_connection("127.0.0.1", port, ssl=context)
        while time.monotonic() < stop:
            w.write(message)
            await r.readexactly(64)
            total[0] += 1
        w.close()

    await asyncio.gather(*(one() for _ in range(TLS_CONNECTIONS)))
    return total[0]

def run(dll, model):
    server, port = start(dll, model)
    try:
        if model == "tls":
            asyncio.run(tls_round_trips(port, 1))  # warm-up: the JIT, the handshakes
            before, started = cpu_seconds(server.pid), time.monotonic()
            n = asyncio.run(tls_round_trips(port, DURATION))
            elapsed, cpu = time.monotonic() - started, cpu_seconds(server.pid) - before
            return n / elapsed, n / cpu if cpu else 0
        out = os.path.join(tmp, "r.json")
        subprocess.run(["dotnet", B, "bench", "echo", "--connect", f"127.0.0.1:{port}", "-c", str(CONNECTIONS),
                        "-d", str(DURATION), "--warmup", "1", "--server-pid", str(server.pid), "--json", out],
                       check=True, capture_output=True, timeout=DURATION + 120)
        r = json.load(open(out))["results"]
        return r["requests_per_second"], r.get("requests_per_server_cpu_second") or 0
    finally:
        server.terminate()
        server.wait(timeout=30)

rows = []
for round_ in range(1, ROUNDS + 1):
    for model in MODELS:
        order = (("A", A), ("B", B)) if round_ % 2 else (("B", B), ("A", A))
        for name, dll in order:
            rps, per_cpu = run(dll, model)
            rows.append((name, model, rps, per_cpu))
            print(f"round {round_} {model} {name}: {rps:.0f} rt/s, {per_cpu:.0f} per server CPU-s", file=sys.stderr)
    print(f"round {round_} done (load {open('/proc/loadavg').read().split()[0]})", file=sys.stderr)

def med(build, model, i):
    return statistics.median(r[i] for r in rows if r[0] == build and r[1] == model)

print(f"{'model':6} {'A rt/s':>10} {'B rt/s':>10} {'B/A':>6} {'A /cpu-s':>10} {'B /cpu-s':>10} {'B/A':>6}")
for model in MODELS:
    a, b, ac, bc = med("A", model, 2), med("B", model, 2), med("A", model, 3), med("B", model, 3)
    print(f"{model:6} {a:10.0f} {b:10.0f} {b / a if a else 0:6.2f} {ac:10.0f} {bc:10.0f} {bc / ac if ac else 0:6.2f}")
