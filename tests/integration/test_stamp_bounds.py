"""Software RX stamps are kernel stamps: each lies between the sender's
clock just before send (carried in the payload) and the receiver's
user-space stamp taken after the receive call returned."""
import os
import socket
import struct

from tsctest import Capture, check, done, free_port, need, ns, send, tmpdir, tscap_read, tshark

need("tshark")
out = os.path.join(tmpdir(), "bounds.pcapng")
p4, p6 = free_port(), free_port()
for rx in ("uring", "mmsg", "msg"):
    cap = Capture([f"udp://127.0.0.1:{p4}", f"udp://[::1]:{p6}"], out, "--rx", rx)
    cap.wait_bound([p4, p6])
    sent = send("127.0.0.1", p4, [64] * 1000) + send("::1", p6, [200] * 1000, socket.AF_INET6)
    check(cap.stop() == 0, f"--rx {rx}: capture exits 0")
    _, pkts, _, _ = tscap_read(out)
    rows = tshark(out, ["data.data"], "-d", f"udp.port=={p4},data", "-d", f"udp.port=={p6},data")
    check(len(pkts) == len(rows) == 2000, f"--rx {rx}: 2000 packets ({len(pkts)}, {len(rows)})")
    bad = []
    for p, (hexdata,) in zip(pkts, rows):
        sender = struct.unpack("<Q", bytes.fromhex(hexdata.replace(":", ""))[8:16])[0]
        sw, user = ns(p["stamps"]["sw-rx"]), ns(p["stamps"]["user"])
        if not sender <= sw <= user:
            bad.append((p["index"], sender, sw, user))
    check(not bad, f"--rx {rx}: sender <= sw-rx <= user for every packet; {len(bad)} not: {bad[:3]}")
    delays = sorted(ns(p["stamps"]["user"]) - ns(p["stamps"]["sw-rx"]) for p in pkts)
    print(f"--rx {rx}: kernel->user delay median {delays[len(delays) // 2]} ns, max {delays[-1]} ns")
done()
