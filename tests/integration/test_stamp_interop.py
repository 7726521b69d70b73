"""STAMP interop, both ways, against a minimal independent implementation
written here from RFC 8762 (base packets, no TLVs, struct only):

1. a plain RFC 8762 session-sender (NTP and PTP formats) -> tscap reflect:
   the reply is 44 bytes laid out as §4.3.1 says, the sender's fields
   copied, t2 <= t3 within the send..receive window, TTL filled;
2. tscap ping -> a plain stateless reflector: every probe answered and
   the figures add up (RTT = kernel round trip minus the dwell we report);
3. tscap reflect under a flood from tscap send keeps answering ping, and
   counts short packets (too small for STAMP) instead of answering them."""
import json
import os
import re
import socket
import struct
import subprocess
import threading
import time

from tsctest import TSCAP, check, done, free_port, need, tmpdir

need("tshark")
tmp = tmpdir()

NTP_UNIX = 2208988800


def ntp(ns):
    sec, sub = divmod(ns, 10**9)
    return struct.pack("!II", (sec + NTP_UNIX) & 0xffffffff, (sub << 32) // 10**9)


def from_ntp(b):
    sec, frac = struct.unpack("!II", b)
    return (sec - NTP_UNIX) * 10**9 + (frac * 10**9 >> 32)


def ptp(ns):
    return struct.pack("!II", (ns // 10**9) & 0xffffffff, ns % 10**9)


def from_ptp(b):
    sec, sub = struct.unpack("!II", b)
    return sec * 10**9 + sub


def start_reflector(port, *extra):
    p = subprocess.Popen([TSCAP, "reflect", f"udp://127.0.0.1:{port}", "--duration", "30",
                          *extra], stderr=subprocess.PIPE, text=True)
    # wait until it answers
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.1)
    for _ in range(50):
        s.sendto(struct.pack("!I", 0xffffffff) + bytes(40), ("127.0.0.1", port))
        try:
            s.recv(100)
            break
        except socket.timeout:
            pass
    s.close()
    return p


def stop(p):
    p.send_signal(2)
    _, err = p.communicate(timeout=10)
    return err


# --- 1. an RFC 8762 sender against tscap reflect -----------------------------
port = free_port()
refl = start_reflector(port)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
for fmt, enc, dec, z in (("ntp", ntp, from_ntp, 0), ("ptp", ptp, from_ptp, 1)):
    for seq in (1, 2, 0xfffffffe):
        before = time.time_ns()
        ee = (z << 14) | (1 << 8) | 1
        pkt = struct.pack("!I", seq) + enc(before) + struct.pack("!HH", ee, 0) + bytes(28)
        s.sendto(pkt, ("127.0.0.1", port))
        rep = s.recv(200)
        after = time.time_ns()
        check(len(rep) == 44, f"{fmt}: reply is 44 bytes like the request: {len(rep)}")
        rseq, = struct.unpack("!I", rep[0:4])
        rep_ee, = struct.unpack("!H", rep[12:14])
        t3 = dec(rep[4:12])
        t2 = dec(rep[16:24])
        check(rseq == seq, f"{fmt}: stateless reflector copies the sequence number {seq}")
        check((rep_ee >> 14) & 1 == z, f"{fmt}: answered in the sender's format (Z={z})")
        check(rep_ee & 0xff != 0, f"{fmt}: error estimate multiplier is not zero")
        check(not rep_ee & 0x8000, f"{fmt}: S (synchronised) not claimed")
        check(rep[24:28] == pkt[0:4] and rep[28:36] == pkt[4:12] and rep[36:38] == pkt[12:14],
              f"{fmt}: the sender's sequence, timestamp and error estimate are copied")
        check(rep[38:40] == b"\0\0" and rep[41:44] == b"\0\0\0", f"{fmt}: MBZ fields are zero")
        check(rep[40] == 64, f"{fmt}: the sender's TTL (64 on loopback) is reported: {rep[40]}")
        # NTP is 2^-32 s: allow one ns of rounding each way
        check(before - 1 <= t2 <= t3 <= after + 1,
              f"{fmt}: send <= t2 <= t3 <= receive: {t2 - before} {t3 - t2} {after - t3}")
# a TLV the reflector does not know comes back flagged U, same length
pkt = struct.pack("!I", 9) + ntp(time.time_ns()) + bytes(32) + struct.pack("!BBH", 0, 200, 4) + b"abcd"
s.sendto(pkt, ("127.0.0.1", port))
rep = s.recv(200)
check(len(rep) == len(pkt) and rep[44] == 0x80 and rep[45:52] == pkt[45:52],
      f"unknown TLV echoed with the U flag: {rep[44:52]!r}")
for short in (b"", b"x" * 43):
    s.sendto(short, ("127.0.0.1", port))
try:
    s.settimeout(0.3)
    extra = s.recv(200)
    check(False, f"a short packet was answered: {extra!r}")
except socket.timeout:
    pass
err = stop(refl)
check(refl.returncode == 0, f"reflect exits 0 on SIGINT: {err}")
check("2 too short for STAMP" in err, f"short packets counted: {err}")
check("1 unknown" in err, f"unknown TLV counted: {err}")

# --- 2. tscap ping against an RFC 8762 reflector ------------------------------
rport = free_port()
rsock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rsock.bind(("127.0.0.1", rport))
rsock.settimeout(5)
dwell_ns = []


def minimal_reflector(n):
    for _ in range(n):
        try:
            req, peer = rsock.recvfrom(2000)
        except socket.timeout:
            return
        t2 = time.time_ns()
        ee, = struct.unpack("!H", req[12:14])
        enc = ptp if ee & 0x4000 else ntp
        t3 = time.time_ns()
        dwell_ns.append(t3 - t2)
        rep = (req[0:4] + enc(t3) + req[12:14] + b"\0\0" + enc(t2) + req[0:4] + req[4:12] +
               req[12:14] + b"\0\0" + bytes([64]) + b"\0\0\0")
        rep += req[44:]  # symmetric size; TLVs echoed untouched
        rsock.sendto(rep, peer)


for fmt in ("ptp", "ntp"):
    th = threading.Thread(target=minimal_reflector, args=(20,))
    th.start()
    pcap = os.path.join(tmp, f"ping-{fmt}.pcapng")
    p = subprocess.run([TSCAP, "ping", f"udp://127.0.0.1:{rport}", "-c", "20", "-i", "2",
                        "--format", fmt, "--json", "-w", pcap], capture_output=True, text=True,
                       timeout=30)
    # -w: probes and replies, read back by tshark (ports both ways)
    ts = subprocess.run(["tshark", "-r", pcap, "-T", "fields", "-e", "udp.dstport"],
                        capture_output=True, text=True, timeout=60)
    ports = ts.stdout.split()
    check(ts.returncode == 0 and len(ports) == 40 and ports.count(str(rport)) == 20,
          f"{fmt}: -w file holds 20 probes and 20 replies for tshark: {ports[:4]} {ts.stderr}")
    th.join()
    check(p.returncode == 0, f"ping ({fmt}) against a plain reflector exits 0: {p.stderr}")
    if p.returncode == 0:
        r = json.loads(p.stdout)
        check(r["sent"] == 20 and r["received"] == 20 and r["lost"] == 0,
              f"{fmt}: all 20 answered: {r['sent']} {r['received']}")
        check(r["t1_kernel"] == 20 and r["t4_kernel"] == 20,
              f"{fmt}: t1 and t4 from kernel stamps on every probe: {r}")
        check(r["follow_ups"] == 0, f"{fmt}: a plain reflector sends no follow-up")
        check(0 < r["rtt"]["p50"] < 1_000_000, f"{fmt}: rtt p50 sane: {r['rtt']}")
        check(r["rtt"]["min"] > 0, f"{fmt}: the dwell is taken out, not more: {r['rtt']}")
        check(r["rtt_user"]["p50"] >= r["rtt"]["p50"],
              f"{fmt}: user-space rtt >= kernel rtt: {r['rtt_user']['p50']} {r['rtt']['p50']}")

# --- 3. flood from tscap send while ping runs, then short packets -------------
port = free_port()
refl = start_reflector(port)
flood = subprocess.Popen([TSCAP, "send", f"udp://127.0.0.1:{port}", "--size", "64",
                          "--rate", "20000", "--duration", "2", "-q"],
                         stderr=subprocess.PIPE, text=True)
time.sleep(0.2)
p = subprocess.run([TSCAP, "ping", f"udp://127.0.0.1:{port}", "-c", "200", "-i", "5", "--json"],
                   capture_output=True, text=True, timeout=60)
flood.wait(timeout=30)
shorts = subprocess.run([TSCAP, "send", f"udp://127.0.0.1:{port}", "--size", "20",
                         "-c", "500", "--rate", "2000", "-q"], capture_output=True, text=True,
                        timeout=30)
time.sleep(0.2)
err = stop(refl)
check(p.returncode == 0, f"ping under a flood exits 0: {p.stderr}")
if p.returncode == 0:
    r = json.loads(p.stdout)
    check(r["received"] >= 150, f"the reflector kept answering under the flood: {r['received']}/200")
m = [int(x) for x in re.findall(r"(\d+) ", err.split("reflect:")[-1])[:6]]
check(len(m) == 6 and m[0] > 20000, f"reflect counted the flood: {err}")
if len(m) == 6:
    received, answered, failed, short, trunc, drops = m
    check(short == 500, f"the 500 short datagrams counted, not answered: {err}")
    check(received == answered + failed + short + trunc,
          f"every received packet answered or counted: {err}")
done()
