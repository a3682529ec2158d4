#!/usr/bin/env python3
"""TLS echo against plain echo, side by side: `netkit echo serve` started twice (plain, then with --tls-cert),
each driven by the same asyncio client for the same time; round trips/s and round trips per server
CPU-second, then bulk throughput (one connection streaming BULK MiB and reading it back).
netkit bench does not speak TLS, so this client does: it is the bottleneck, so compare the rows with each
other, not with netkit bench's figures.

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

def start(tls):
    extra = ["--tls-cert", os.path.join(tmp, "server.pem"), "--tls-key", os.path.join(tmp, "server.key")] if tls else []
    p = subprocess.Popen(cmd + ["--log-level", "warning", "echo", "serve", "--bind", "127.0.0.1:0"] + extra,
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

for tls in (False, True):
    server, port = start(tls)
    try:
        before = cpu_seconds(server.pid)
        started = time.monotonic()
        n = asyncio.run(round_trips(port, tls))
        elapsed = time.monotonic() - started
        cpu = cpu_seconds(server.pid) - before
        mib = asyncio.run(bulk(port, tls))
        print(f"{'tls  ' if tls else 'plain'}  {conns} connections: {n / elapsed:,.0f} round trips/s, "
              f"{n / cpu if cpu else 0:,.0f} per server CPU-s; bulk {mib:,.0f} MiB/s")
    finally:
        server.terminate()
        server.wait(timeout=20)
