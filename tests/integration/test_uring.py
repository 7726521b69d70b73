"""The io_uring rx path: the same traffic gives byte-identical frames to
the recvmmsg path (stamps aside); a tiny buffer ring runs dry (ENOBUFS),
is counted, re-armed, and loses nothing: written + dropped == sent."""
import os
import socket
import subprocess

from tsctest import (PCAP_NS_DUMP, Capture, check, done, free_port, payload, skip, summary,
                     tmpdir, tscap_read)

d = tmpdir()
sizes = [1 + (i * 131) % 3000 for i in range(2000)]


def fixed_send(host, port, family, src_port):
    """The same datagrams from the same source port, with a fixed clock
    field, so two runs put identical bytes on the wire."""
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.bind((host, src_port))
    for seq, size in enumerate(sizes):
        data, _ = payload(seq, size)
        s.sendto(data[:8] + bytes(8) + data[16:] if size >= 16 else data, (host, port))
    s.close()


def frames(path):
    r = subprocess.run([PCAP_NS_DUMP, "-x", path], capture_output=True, text=True, check=True)
    return [line.split()[2:] for line in r.stdout.splitlines()]  # caplen, len, linktype, bytes


probe = subprocess.run([os.environ.get("TSCAP", "tscap"), "capture", "udp://127.0.0.1:1",
                        "--rx", "uring", "-w", "/dev/null", "--duration", "0.01"],
                       capture_output=True, text=True)
if "--rx uring:" in probe.stderr:
    skip(f"no io_uring multishot recvmsg here: {probe.stderr.strip()}")

p4, p6, sp = free_port(), free_port(), free_port()
got = {}
for rx in ("mmsg", "uring"):
    out = os.path.join(d, f"{rx}.pcapng")
    cap = Capture([f"udp://127.0.0.1:{p4}", f"udp://[::1]:{p6}"], out, "--rx", rx)
    cap.wait_bound([p4, p6])
    fixed_send("127.0.0.1", p4, socket.AF_INET, sp)
    fixed_send("::1", p6, socket.AF_INET6, sp)
    check(cap.stop() == 0, f"--rx {rx}: exits 0: {cap.stderr}")
    s = summary(cap.stderr)
    check(s["written"] == 4000 and s["dropped"] == 0, f"--rx {rx}: all 4000 written: {s}")
    got[rx] = frames(out)
    _, pkts, _, _ = tscap_read(out)
    check(all(p["source"] == "sw-rx" and "user" in p["stamps"] for p in pkts),
          f"--rx {rx}: kernel and user-space stamps on every packet")
# Two endpoints interleave differently from run to run: compare per port.
for key in ("mmsg", "uring"):
    got[key] = sorted(got[key], key=lambda f: f[3])
check(got["mmsg"] == got["uring"] and len(got["uring"]) == 4000,
      "io_uring and recvmmsg captures hold byte-identical frames")

# Two provided buffers, one packet per call, a burst of 5000: the ring runs
# dry again and again; every datagram is still written or counted dropped.
out = os.path.join(d, "tiny.pcapng")
port = free_port()
cap = Capture([f"udp://127.0.0.1:{port}"], out, "--rx", "uring", "--ring-bufs", "2", "--batch", "1")
cap.wait_bound([port])
s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for seq in range(5000):
    s4.sendto(payload(seq, 300)[0], ("127.0.0.1", port))
s4.close()
check(cap.stop() == 0, f"tiny ring: exits 0: {cap.stderr}")
s = summary(cap.stderr)
check("ran out of buffers" in cap.stderr, f"ENOBUFS stalls are counted and reported: {cap.stderr}")
check(s["written"] + s["dropped"] == 5000 and s["written"] > 0, f"tiny ring: nothing lost: {s}")
_, pkts, _, _ = tscap_read(out)
check(len(pkts) == s["written"], "tscap read shows every written packet")
done()
