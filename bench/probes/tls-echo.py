#!/usr/bin/env python3
"""TLS against plain, side by side. echo: `netkit echo serve` plain (epoll, then async: the TLS model runs
on the async machinery) and with --tls-cert, each driven by the same asyncio client for the same time;
round trips per server CPU-second, then bulk throughput (one connection streaming BULK MiB and reading it
back). netkit bench does not speak TLS, so this client does; it is the bottleneck of round trips/s, so read
the per-CPU-second figures. kv: redis-benchmark GET (plain and --tls, 50 connections) against netkit kv and
redis-server 7, when both are installed.

Usage: tls-echo.py NETKIT [CONNECTIONS=50] [SECONDS=5] [BULK_MIB=256]
NETKIT is a native binary or netkit.dll. Makes a throwaway CA and certificate with openssl in a temporary
directory; every server it starts is stopped by its PID at the end."""
import asyncio, os, ssl, subprocess, sys, tempfile, time

netkit = sys.argv[1]
conns = int(sys.argv[2]) if len(sys.argv) > 2 else 50
seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 5
bulk_mib = int(sys.argv[4]) if len(sys.argv) > 4 else 256
cmd = ["dotnet", netkit] if netkit.endswith(".dll") else [netkit]
tmp = tempfile.mkdtemp(prefix="nk-tls-probe-")

def sh(*args):
    subprocess.run(args, check=True, capture_output=True, cwd=tmp)

sh("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
   "-out", "ca.pem", "-days", "2", "-subj", "/CN=probe CA")
sh("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "server.key",
   "-out", "server.csr", "-subj", "/CN=localhost")
with open(os.path.join(tmp, "ext.cnf"), "w") as f:
    f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
sh("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
   "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf")

CERT = ["--tls-cert", os.path.join(tmp, "server.pem"), "--tls-key", os.path.join(tmp, "server.key")]

def start(service, extra):
    p = subprocess.Popen(cmd + ["--log-level", "warning", service, "serve", "--bind", "127.0.0.1:0"] + extra,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    port = int(p.stdout.readline().rsplit(":", 1)[1])
    return p, port

def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def context():
    c = ssl.create_default_context(cafile=os.path.join(tmp, "ca.pem"))
    return c

async def round_trips(port, tls):
    stop = time.monotonic() + seconds
    message = b"x" * 64
    counts = []

    async def one():
        r, w = await asyncio.open_connection("127.0.0.1", port, ssl=context() if tls else None)
        n = 0
        while time.monotonic() < stop:
            w.write(message)
            await r.readexactly(64)
            n += 1
        counts.append(n)
        w.close()

    await asyncio.gather(*(one() for _ in range(conns)))
    return sum(counts)

async def bulk(port, tls):
    r, w = await asyncio.open_connection("127.0.0.1", port, ssl=context() if tls else None, limit=1 << 20)
    chunk = b"\0" * (64 * 1024)
    total = bulk_mib * 1024 * 1024

    async def send():
        for _ in range(total // len(chunk)):
            w.write(chunk)
            await w.drain()

    async def receive():
        got = 0
        while got < total:
            data = await r.read(1 << 20)
            if not data:
                raise RuntimeError("the server closed early")
            got += len(data)

    started = time.monotonic()
    await asyncio.gather(send(), receive())
    elapsed = time.monotonic() - started
    w.close()
    return total / elapsed / (1024 * 1024)

def stop(p):
    p.terminate()
    p.wait(timeout=20)

for name, extra, tls in (("plain epoll", ["--model", "epoll"], False), ("plain async", ["--model", "async"], False),
                         ("tls", CERT, True)):
    server, port = start("echo", extra)
    try:
        before = cpu_seconds(server.pid)
        started = time.monotonic()
        n = asyncio.run(round_trips(port, tls))
        elapsed = time.monotonic() - started
        cpu = cpu_seconds(server.pid) - before
        mib = asyncio.run(bulk(port, tls))
        print(f"echo {name:11}  {conns} connections: {n / elapsed:,.0f} round trips/s, "
              f"{n / cpu if cpu else 0:,.0f} per server CPU-s; bulk {mib:,.0f} MiB/s")
    finally:
        stop(server)

def benchmark(port, tls, pid):
    args = ["redis-benchmark", "-p", str(port), "-t", "get", "-n", "200000", "-c", "50", "-q"]
    if tls:
        args += ["--tls", "--cacert", os.path.join(tmp, "ca.pem")]
    before = cpu_seconds(pid)
    out = subprocess.run(args, capture_output=True, text=True, timeout=300).stdout
    cpu = cpu_seconds(pid) - before
    rps = float(out.strip().splitlines()[-1].split("GET:")[1].split("requests")[0].replace(",", ""))
    return rps, 200000 / cpu if cpu else 0

if subprocess.run(["which", "redis-benchmark"], capture_output=True).returncode == 0 and \
        subprocess.run(["which", "redis-server"], capture_output=True).returncode == 0:
    kv, kv_port = start("kv", ["--tls-port", "0"] + CERT)
    kv_tls_port = int(kv.stdout.readline().rsplit(":", 1)[1])
    # redis-server takes fixed ports: two the kernel picked free a moment before (a probe, not a test).
    import socket
    picked = []
    for _ in range(2):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        picked.append(s)
    redis_port, redis_tls_port = (s.getsockname()[1] for s in picked)
    for s in picked:
        s.close()
    redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--tls-port", str(redis_tls_port),
                              "--tls-cert-file", os.path.join(tmp, "server.pem"), "--tls-key-file", os.path.join(tmp, "server.key"),
                              "--tls-ca-cert-file", os.path.join(tmp, "ca.pem"), "--tls-auth-clients", "no",
                              "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while subprocess.run(["redis-cli", "-p", str(redis_port), "ping"], capture_output=True, text=True).stdout.strip() != "PONG":
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.1)
        for name, pid, plain, tls_port in (("netkit kv", kv.pid, kv_port, kv_tls_port), ("redis-server", redis.pid, redis_port, redis_tls_port)):
            for tls, port in ((False, plain), (True, tls_port)):
                rps, per_cpu = benchmark(port, tls, pid)
                print(f"kv GET {name:12} {'tls  ' if tls else 'plain'}  redis-benchmark -c 50: {rps:,.0f} requests/s, {per_cpu:,.0f} per server CPU-s")
    finally:
        stop(kv)
        stop(redis)
