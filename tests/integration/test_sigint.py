"""A capture killed with SIGINT (and SIGTERM) at a random moment under load
leaves a file tshark reads without error, with exactly as many packets as
the summary's "written"; -w - streams a pcapng tshark reads from a pipe;
a -w - reader that goes away ends the capture normally (exit 0), also
when no packet comes; after
SIGKILL the file is whole up to the last flush and a cut tail is read up
to where it ends, by tscap read (a note, exit 0) and by tshark."""
import os
import random
import signal
import struct
import subprocess
import threading
import time

from tsctest import (TSCAP, Capture, check, done, free_port, need, send, summary, tmpdir,
                     tscap_read, tshark)

need("tshark")
d = tmpdir()


def loaded_capture(sig, delay):
    port = free_port()
    out = os.path.join(d, f"stop-{sig}.pcapng")
    cap = Capture([f"udp://127.0.0.1:{port}"], out)
    cap.wait_bound([port])
    stop = threading.Event()

    def load():
        n = 0
        while not stop.is_set() and n < 400_000:  # bounded: at most 400k datagrams
            send("127.0.0.1", port, [64, 700, 1400, 3000] * 250, first_seq=n)
            n += 1000

    t = threading.Thread(target=load)
    t.start()
    time.sleep(delay)
    rc = cap.stop(sig)
    stop.set()
    t.join()
    return rc, cap.stderr, out


for sig in (signal.SIGINT, signal.SIGTERM):
    delay = random.uniform(0.2, 1.5)
    rc, err, out = loaded_capture(sig, delay)
    check(rc == 0, f"{sig.name} after {delay:.2f}s: exit 0 (got {rc}: {err})")
    s = summary(err)
    rows = tshark(out, ["frame.number"])
    check(len(rows) == s["written"] and s["written"] > 0,
          f"{sig.name}: tshark counts {len(rows)} packets, summary wrote {s['written']}")

# -w -: the pcapng stream through a pipe into tshark.
port = free_port()
out = os.path.join(d, "via-pipe.txt")
with open(out, "w") as f:
    ts = subprocess.Popen(["tshark", "-n", "-r", "-", "-T", "fields", "-e", "udp.dstport"],
                          stdin=subprocess.PIPE, stdout=f, stderr=subprocess.PIPE)
    cap = Capture([f"udp://127.0.0.1:{port}"], "-", "-c", "200", stdout=ts.stdin)
    cap.wait_bound([port])
    send("127.0.0.1", port, [100] * 200)
    rc = cap.wait(30)
    ts.stdin.close()
    ts.wait(60)
check(rc == 0, f"capture -w - -c 200 exits 0: {cap.stderr}")
with open(out) as f:
    ports = f.read().split()
check(ports == [str(port)] * 200, f"tshark -r - read 200 UDP packets from the pipe (got {len(ports)})")


# -w - whose reader goes away: a normal end, exit 0, said once in the
# summary — while packets flow (EPIPE on a write) and while idle (the
# pipe's write end polls an error, so no packet is needed to notice).
def reader_leaves(flowing):
    port = free_port()
    cap = Capture([f"udp://127.0.0.1:{port}"], "-", stdout=subprocess.PIPE)
    cap.wait_bound([port])
    sender = None
    if flowing:
        sender = subprocess.Popen([TSCAP, "send", f"udp://127.0.0.1:{port}", "--rate", "20000",
                                   "--duration", "20", "-q"], stderr=subprocess.DEVNULL)
        time.sleep(0.3)
    head = cap.proc.stdout.buffer.read(4000 if flowing else 100)  # the header comes at once
    cap.proc.stdout.close()
    t0 = time.monotonic()
    try:
        rc = cap.wait(10)
    finally:
        if sender:
            sender.kill()
            sender.wait()
    took = time.monotonic() - t0
    what = "flowing" if flowing else "idle"
    lines = cap.stderr.splitlines()
    check(len(head) > 0 and head[:4] == b"\x0a\x0d\x0d\x0a", f"{what}: the reader got pcapng")
    check(rc == 0, f"{what}: the reader went away: exit 0 (got {rc}: {cap.stderr})")
    check(took < 1.5, f"{what}: stopped {took:.2f} s after the reader left")
    check(sum(l == "tscap: the reader closed the pipe: capture ended" for l in lines) == 1 and
          "Broken pipe" not in cap.stderr and "failed" not in cap.stderr,
          f"{what}: one line says so, nothing says failed: {lines}")
    summary(cap.stderr)


reader_leaves(flowing=True)
reader_leaves(flowing=False)


# SIGKILL mid-capture: the file is whole up to the last flush (every
# datagram of tscap send from 0 on, none missing), and where the kill cut
# a write short, tscap read prints the packets before it and one note and
# exits 0, as tshark reads the same packets and says the file was "cut
# short" (exit 2). Then the same for cuts at chosen points of a file.
def blocks(path):
    """(type, start, end) of each whole pcapng block, by the lengths only."""
    data = open(path, "rb").read()
    out, off = [], 0
    while off + 12 <= len(data):
        btype, blen = struct.unpack_from("<II", data, off)
        if blen < 12 or off + blen > len(data):
            break
        out.append((btype, off, off + blen))
        off += blen
    return out, len(data)


def read_both(path):
    rc, pkts, notes, err = tscap_read(path)
    seqs = [int(p["stamps"]["seq"]) for p in pkts if "seq" in p["stamps"]]
    t = subprocess.run(["tshark", "-n", "-r", path, "-T", "fields", "-e", "frame.number"],
                       capture_output=True, text=True, timeout=120)
    return rc, pkts, notes, err, seqs, t


port = free_port()
out = os.path.join(d, "killed.pcapng")
cap = Capture([f"udp://127.0.0.1:{port}"], out)
cap.wait_bound([port])
sender = subprocess.Popen([TSCAP, "send", f"udp://127.0.0.1:{port}", "--rate", "20000",
                           "--duration", "20", "--size", "200", "-q"], stderr=subprocess.DEVNULL)
# Kill at a random moment once the file holds more than the 2100 packets
# checked below (each written packet is over 250 bytes), however slow the
# start of sender and capture was.
end = time.monotonic() + 20
while time.monotonic() < end and (not os.path.exists(out) or os.path.getsize(out) < 2100 * 250):
    time.sleep(0.02)
time.sleep(random.uniform(0, 0.6))
cap.proc.kill()
cap.proc.wait()
sender.kill()
sender.wait()
rc, pkts, notes, err, seqs, t = read_both(out)
cut = [n for n in notes if n.startswith("# truncated")]
check(rc == 0 and len(pkts) > 2100, f"SIGKILL: tscap read exits 0 with the packets ({rc}, {len(pkts)}): {err}")
check(seqs == list(range(len(seqs))) and len(seqs) == len(pkts),
      f"SIGKILL: the file holds datagrams 0..{len(seqs) - 1}, none missing")
tshark_n = len(t.stdout.split())
check(tshark_n == len(pkts), f"SIGKILL: tshark reads the same {len(pkts)} packets ({tshark_n})")
if cut:  # the kill landed inside a write
    check("cut short" in t.stderr and t.returncode == 2, f"SIGKILL: tshark says cut short: {t.stderr}")
else:
    check(t.returncode == 0, f"SIGKILL: a file ending on a block boundary reads cleanly: {t.stderr}")
print(f"SIGKILL after {len(pkts)} packets, {'inside' if cut else 'between'} writes")

# Cuts at chosen points (around packet 2000, to keep the reads short):
# inside an EPB, inside a block's 8-byte header, one byte short of a
# block's end, inside the header blocks' end.
bl, size = blocks(out)
epbs = [b for b in bl if b[0] == 6]
check(len(epbs) == len(pkts) and bl and bl[0][0] == 0x0A0D0D0A, "the block walk agrees")
hdr_end = max(b[2] for b in bl if b[0] in (0x0A0D0D0A, 1))
points = {"mid-EPB": (epbs[1995][1] + epbs[1995][2]) // 2, "in a block header": epbs[1997][1] + 5,
          "one byte short": epbs[1999][2] - 1, "after the header": hdr_end + 3}
for what, at in points.items():
    part = os.path.join(d, "part.pcapng")
    with open(out, "rb") as src, open(part, "wb") as dst:
        dst.write(src.read(at))
    whole = sum(1 for b in epbs if b[2] <= at)
    rc, pkts, notes, err, seqs, t = read_both(part)
    note = [n for n in notes if n.startswith("# truncated")]
    check(rc == 0 and len(pkts) == whole and seqs == list(range(whole)),
          f"cut {what}: tscap read exits 0 with the {whole} whole packets ({rc}, {len(pkts)}, {err})")
    check(note == [f"# truncated: {part} ends inside a block after packet {whole} (a capture "
                   f"that was killed); everything before it is above"],
          f"cut {what}: one note says where: {note}")
    check(len(t.stdout.split()) == whole and t.returncode == 2 and "cut short" in t.stderr,
          f"cut {what}: tshark reads {whole} and says cut short ({len(t.stdout.split())}, "
          f"{t.returncode}, {t.stderr.strip()[-120:]})")
done()
