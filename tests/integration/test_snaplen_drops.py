"""A datagram longer than the snap length is cut, and its true length
kept (MSG_TRUNC); a receive buffer overflow is counted exactly, in the
summary, in the EPBs' epb_dropcount and in the ISB; with `tscap send`'s
sequence numbers, on every rx path, each packet's epb_dropcount is
exactly the gap before it (SO_RXQ_OVFL) and captured + dropped = sent."""
import os
import re
import subprocess

from tsctest import (TSCAP, Capture, check, done, free_port, need, send, summary, tmpdir,
                     tscap_read, tshark)

need("tshark")
d = tmpdir()

# Snap length 200: frames cut at 200 bytes, the original length intact.
out = os.path.join(d, "snap.pcapng")
port = free_port()
cap = Capture([f"udp://127.0.0.1:{port}"], out, "--snaplen", "200", "-c", "3")
cap.wait_bound([port])
send("127.0.0.1", port, [100, 5000, 65000])
check(cap.wait(30) == 0, f"capture -c 3 exits 0: {cap.stderr}")
rows = tshark(out, ["frame.len", "frame.cap_len", "udp.length"])
check(rows == [["142", "142", "108"], ["5042", "200", "5008"], ["65042", "200", "65008"]],
      f"frame and UDP lengths are the true ones, captured bytes cut at 200: {rows}")
_, pkts, _, _ = tscap_read(out)
check([p.get("caplen") for p in pkts] == [None, 200, 200], "tscap read shows the cut ones")

# A receive buffer too small for a burst: drops happen and are counted.
out = os.path.join(d, "drops.pcapng")
port = free_port()
cap = Capture([f"udp://127.0.0.1:{port}"], out, "--rcvbuf", "4096", "--batch", "1", "--rx", "msg")
cap.wait_bound([port])
send("127.0.0.1", port, [1400] * 20000)
check(cap.stop() == 0, "capture exits 0")
s = summary(cap.stderr)
check(s["dropped"] > 0, f"a 4 KiB buffer under a 20000-datagram burst drops: {s}")
check(s["written"] + s["dropped"] == 20000, f"written + dropped == sent: {s}")
_, pkts, notes, _ = tscap_read(out)
epb_drops = sum(p.get("drops", 0) for p in pkts)
isb = [n for n in notes if n.startswith("# interface 0")]
m = re.search(r"received (\d+) dropped (\d+) delivered (\d+)", isb[0] if isb else "")
check(m is not None, f"an ISB with counts: {isb}")
if m:
    check(int(m[2]) == s["dropped"] and int(m[3]) == s["written"] and
          int(m[1]) == s["written"] + s["dropped"], f"ISB matches the summary: {isb[0]} {s}")
# Drops after the last packet can only be in the ISB; the EPBs carry the rest.
check(0 < epb_drops <= s["dropped"], f"epb_dropcount sums to {epb_drops} of {s['dropped']}")

# The same overflow on each rx path, checked against what was sent.
probe = subprocess.run([TSCAP, "capture", f"udp://127.0.0.1:{free_port()}", "--rx", "uring", "-w",
                        "/dev/null", "--duration", "0.01"], capture_output=True, text=True, timeout=30)
paths = ["msg", "mmsg"] + ([] if "--rx uring:" in probe.stderr else ["uring"])
N = 20000
for rx in paths:
    out = os.path.join(d, f"ovfl-{rx}.pcapng")
    port = free_port()
    cap = Capture([f"udp://127.0.0.1:{port}"], out, "--rcvbuf", "4096", "--rx", rx,
                  *(["--batch", "1"] if rx == "msg" else []))
    cap.wait_bound([port])
    r = subprocess.run([TSCAP, "send", f"udp://127.0.0.1:{port}", "-c", str(N), "--size", "1400",
                        "-q"], capture_output=True, text=True, timeout=60)
    m = re.search(r"sent (\d+) datagrams", r.stderr)
    sent = int(m[1]) if m else -1
    check(cap.stop() == 0, f"--rx {rx}: capture exits 0 ({cap.stderr})")
    s = summary(cap.stderr)
    _, pkts, notes, _ = tscap_read(out)
    seqs = [int(p["stamps"]["seq"]) for p in pkts if "seq" in p["stamps"]]
    check(sent == N and s["dropped"] > 0 and len(seqs) == len(pkts) == s["written"],
          f"--rx {rx}: {N} sent into a 4 KiB buffer, some dropped: {s}")
    check(len(pkts) + s["dropped"] == sent, f"--rx {rx}: captured {len(pkts)} + dropped "
          f"{s['dropped']} == sent {sent}")
    prev, wrong = -1, []
    for p, q in zip(pkts, seqs):
        if p.get("drops", 0) != q - prev - 1:
            wrong.append((q, p.get("drops", 0), q - prev - 1))
        prev = q
    check(seqs == sorted(set(seqs)) and not wrong,
          f"--rx {rx}: every packet's epb_dropcount is the gap before it: {wrong[:5]}")
    tail = N - 1 - (seqs[-1] if seqs else -1)
    epb = sum(p.get("drops", 0) for p in pkts)
    print(f"--rx {rx}: {s}, epb_dropcount {epb}, after the last packet {tail}")
    check(epb + tail == s["dropped"], f"--rx {rx}: epb_dropcount {epb} + unseen tail {tail} == "
          f"dropped {s['dropped']}")
    isb = [re.search(r"received (\d+) dropped (\d+) delivered (\d+)", n) for n in notes
           if n.startswith("# interface 0")]
    check(len(isb) == 1 and isb[0] and [int(x) for x in isb[0].groups()] ==
          [sent, s["dropped"], s["written"]], f"--rx {rx}: ISB received = sent, dropped, delivered")
done()
