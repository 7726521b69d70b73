"""100,000 datagrams over loopback, IPv4 and IPv6 at once, sizes 1 to 9000:
every one is in the file or counted as a kernel drop, tshark reads each as
ordinary UDP with the right ports, lengths, checksums and payload bytes, and
frame.time_epoch equals the packet time `tscap read` prints, to the ns."""
import collections
import os
import socket
import threading

from tsctest import (Capture, check, done, free_port, need, pattern_ok, send, summary,
                     tmpdir, tscap_read, tshark)

need("tshark")
N = 50_000  # per family
sizes = [1 + (i * 7919) % 9000 for i in range(N)]  # every size 1..9000
p4, p6 = free_port(), free_port()
out = os.path.join(tmpdir(), "100k.pcapng")

cap = Capture([f"udp://127.0.0.1:{p4}", f"udp://[::1]:{p6}"], out)
cap.wait_bound([p4, p6])
sent = {}
threads = [
    threading.Thread(target=lambda: sent.__setitem__(4, send("127.0.0.1", p4, sizes))),
    threading.Thread(target=lambda: sent.__setitem__(6, send("::1", p6, sizes, socket.AF_INET6))),
]
for t in threads:
    t.start()
for t in threads:
    t.join()
rc = cap.stop()
check(rc == 0, f"capture exits 0 after SIGINT (got {rc}: {cap.stderr})")
s = summary(cap.stderr)
print(f"sent {2 * N}, summary {s}")
check(s["written"] > 0 and s["written"] + s["dropped"] == 2 * N, f"written + dropped == sent: {s}")
check(s["received"] == s["written"], f"every received packet written: {s}")

rc, pkts, notes, err = tscap_read(out)
check(rc == 0 and not err, f"tscap read exits 0 without complaint: {rc} {err}")
check(len(pkts) == s["written"], f"tscap read shows {len(pkts)} packets, summary wrote {s['written']}")
check(all(p["source"] == "sw-rx" and "user" in p["stamps"] for p in pkts),
      "every packet is stamped by the kernel (sw-rx) and in user space")

# Decode our ports as plain data so no heuristic dissector claims them.
rows = tshark(out, ["frame.number", "frame.time_epoch", "udp.srcport", "udp.dstport",
                    "udp.length", "udp.checksum.status", "ip.checksum.status", "data.len"],
              "-o", "udp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE",
              "-d", f"udp.port=={p4},data", "-d", f"udp.port=={p6},data")
check(len(rows) == len(pkts), f"tshark shows {len(rows)} frames, tscap read {len(pkts)}")
got_sizes = {p4: collections.Counter(), p6: collections.Counter()}
bad = []
for row, p in zip(rows, pkts):
    num, epoch, sport, dport, ulen, ucs, ipcs, dlen = row
    if epoch != p["time"]:
        bad.append(f"frame {num}: tshark {epoch} != tscap read {p['time']}")
    if int(dport) not in got_sizes or ucs != "1" or (int(dport) == p4 and ipcs != "1"):
        bad.append(f"frame {num}: port {dport} udp checksum {ucs} ip checksum {ipcs}")
        continue
    size = int(dlen or 0)
    if int(ulen) != size + 8 or int(p["payload"]) != size:
        bad.append(f"frame {num}: udp.length {ulen} data.len {dlen} tscap payload {p['payload']}")
    got_sizes[int(dport)][size] += 1
check(not bad, f"{len(bad)} frames disagree, first: {bad[:3]}")
if s["dropped"] == 0:
    check(got_sizes[p4] == collections.Counter(sizes), "IPv4 payload sizes equal those sent")
    check(got_sizes[p6] == collections.Counter(sizes), "IPv6 payload sizes equal those sent")

# Payload bytes, checked on the first and last 500 frames.
n = len(rows)
sample = tshark(out, ["frame.number", "udp.dstport", "data.data"],
                "-d", f"udp.port=={p4},data", "-d", f"udp.port=={p6},data",
                display_filter=f"frame.number <= 500 || frame.number > {n - 500}")
wrong = []
for num, dport, hexdata in sample:
    data = bytes.fromhex(hexdata.replace(":", ""))
    seq = int.from_bytes(data[:8], "little") if len(data) >= 16 else None
    if seq is None or not pattern_ok(data, seq) or sizes[seq] != len(data):
        if len(data) >= 16:
            wrong.append(num)
check(not wrong, f"payload bytes equal the bytes sent (bad frames: {wrong[:5]})")
done()
