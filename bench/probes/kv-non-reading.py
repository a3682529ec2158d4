#!/usr/bin/env python3
"""Non-reading kv clients: SET a large value, then CLIENTS connections each pipeline 20,000 GETs of it and
never read. Prints the server's RSS before, while they are stalled, and 12 s after they close.
Usage: kv-non-reading.py PORT SERVER_PID resp|inline [VALUE_BYTES=1000000] [CLIENTS=5]"""
import socket, sys, time

port, pid, mode = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
size = int(sys.argv[4]) if len(sys.argv) > 4 else 1_000_000
clients = int(sys.argv[5]) if len(sys.argv) > 5 else 5

def rss_mib():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024

c = socket.create_connection(("127.0.0.1", port), timeout=10)
value = b"x" * size
c.sendall(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$%d\r\n%s\r\n" % (len(value), value))
print("SET:", c.recv(100))
print("rss before MiB", rss_mib())
request = (b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n" if mode == "resp" else b"GET k\r\n") * 20_000
held = []
for _ in range(clients):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.setblocking(False)
    sent, start = 0, time.time()
    while sent < len(request) and time.time() - start < 5:
        try:
            sent += s.send(request[sent:])
        except BlockingIOError:
            time.sleep(0.05)
    held.append(s)
time.sleep(3)
print("rss stalled MiB", rss_mib(), "(last client sent", sent, "of", len(request), "bytes)")
for s in held:
    s.close()
time.sleep(12)
print("rss 12 s after close MiB", rss_mib())
