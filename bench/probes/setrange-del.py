#!/usr/bin/env python3
"""Memory given back: SETRANGE k 536870911 x (a 512 MB value), DEL k, then RSS for 12 s.
Usage: setrange-del.py PORT SERVER_PID"""
import socket, sys, time

port, pid = int(sys.argv[1]), int(sys.argv[2])

def rss_mib():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024

def call(c, *args):
    c.sendall(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))
    return c.recv(100)

c = socket.create_connection(("127.0.0.1", port), timeout=60)
print("rss at start MiB", rss_mib())
print(call(c, b"SETRANGE", b"k", b"536870911", b"x"), "rss after SETRANGE MiB", rss_mib())
print(call(c, b"DEL", b"k"), "rss after DEL MiB", rss_mib())
time.sleep(12)
print("rss 12 s later MiB", rss_mib())
