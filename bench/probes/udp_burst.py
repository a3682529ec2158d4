# Sends bursts of N datagrams without waiting, then collects the replies (50 ms timeout per burst); bounded by --seconds.
import socket, sys, time
port, burst, seconds, size = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.connect(("127.0.0.1", port))
payload = b"x" * size
s.settimeout(0.05)
sent = got = 0
end = time.monotonic() + seconds
start = time.monotonic()
while time.monotonic() < end:
    for _ in range(burst):
        s.send(payload)
    sent += burst
    n = 0
    try:
        while n < burst:
            s.recv(65536); n += 1
    except socket.timeout:
        pass
    got += n
el = time.monotonic() - start
print(f"sent={sent} replies={got} lost={sent-got} replies/s={got/el:.0f}")
