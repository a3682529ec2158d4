#!/usr/bin/env python3
"""Slow clients: N connections each send one byte every 2 s (a request that never completes). Prints how
many the server has closed, every 2 s for 14 s, then whether a real client is still served.
Usage: trickle.py PORT [N=1500]   (the server needs --max-connections >= N and ulimit -n above N)"""
import socket, sys, time

port = int(sys.argv[1])
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1500
socks = []
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.setblocking(False)
    socks.append(s)
start = time.time()
while time.time() - start < 14:
    for s in socks:
        if s is not None:
            try:
                s.send(b"x")
            except OSError:
                pass
    time.sleep(2)
    closed = 0
    for i, s in enumerate(socks):
        if s is None:
            closed += 1
            continue
        try:
            if s.recv(100) == b"":
                socks[i] = None
                closed += 1
        except BlockingIOError:
            pass
        except OSError:
            socks[i] = None
            closed += 1
    print(f"t={time.time() - start:.0f}s closed {closed}/{n}")
c = socket.create_connection(("127.0.0.1", port), timeout=5)
c.sendall(b"*1\r\n$4\r\nPING\r\n")
print("real client:", c.recv(100))
