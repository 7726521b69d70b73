"""A datagram longer than the snap length is cut, and its true length
kept (MSG_TRUNC); a receive buffer overflow is counted exactly, in the
summary, in the EPBs' epb_dropcount and in the ISB."""
import os
import re

from tsctest import Capture, check, done, free_port, need, send, summary, tmpdir, tscap_read, tshark

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
done()
