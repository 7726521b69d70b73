"""Every payload byte survives the receive slots, whatever the datagram's
size: the recvmmsg/recvmsg slots keep a datagram's first 256 bytes in one
dense array and the rest in a second iovec, and put a longer datagram
back together before it is written. On each rx path, for IPv4 and IPv6,
sizes on both sides of those boundaries (and the largest datagram lo
carries) are written as sent, cut where the snap length says and not
elsewhere: tshark reads every frame's payload and UDP checksum back."""
import socket

from tsctest import (Capture, check, done, free_port, need, pattern_ok, send, summary, tmpdir,
                     tshark)

need("tshark")
d = tmpdir()

SIZES = [1, 15, 16, 200, 255, 256, 257, 300, 511, 512, 513, 1000, 1400, 4096, 9000]
BIGGEST = {socket.AF_INET: 65507, socket.AF_INET6: 65527}
HDR = {socket.AF_INET: 42, socket.AF_INET6: 62}  # synthesized Ethernet + IP + UDP


def run(rx, family, snaplen):
    host = "127.0.0.1" if family == socket.AF_INET else "::1"
    port = free_port(family)
    ep = f"udp://{host}:{port}" if family == socket.AF_INET else f"udp://[{host}]:{port}"
    sizes = SIZES + [BIGGEST[family]]
    out = f"{d}/{rx}-{family}-{snaplen}.pcapng"
    args = ["--rx", rx, "-c", str(len(sizes))] + (["-s", str(snaplen)] if snaplen else [])
    cap = Capture([ep], out, *args)
    cap.wait_bound([port])
    send(host, port, sizes, family)
    rc = cap.wait(60)
    what = f"--rx {rx} {'IPv6' if family == socket.AF_INET6 else 'IPv4'} -s {snaplen or 'default'}"
    check(rc == 0 and summary(cap.stderr)["written"] == len(sizes),
          f"{what}: {len(sizes)} written, exit 0: {cap.stderr.strip()}")
    rows = tshark(out, ["frame.len", "frame.cap_len", "udp.length", "udp.checksum.status",
                        "data.data"], "-o", "udp.check_checksum:TRUE", "-d",
                  f"udp.port=={port},data")
    check(len(rows) == len(sizes), f"{what}: tshark reads {len(rows)} frames of {len(sizes)}")
    bad = []
    for size, (flen, clen, ulen, csum, hexdata) in zip(sizes, rows):
        whole = HDR[family] + size
        keep = min(whole, snaplen) if snaplen else whole
        data = bytes.fromhex(hexdata.replace(":", ""))
        ok = (int(flen) == whole and int(clen) == keep and int(ulen) == size + 8 and
              len(data) == keep - HDR[family])
        if size >= 16 and len(data) >= 16:
            # the sequence number and clock, then the pattern, cut where it was
            ok = ok and pattern_ok(data, sizes.index(size))
        elif len(data) == size:
            ok = ok and pattern_ok(data, sizes.index(size))
        # a whole datagram's checksum is computed; a cut one's cannot be
        if keep == whole:
            ok = ok and csum == "1"  # tshark: 1 Good, 0 Bad, 2 Unverified
        if not ok:
            bad.append(f"size {size}: len {flen} caplen {clen} udp {ulen} csum {csum} "
                       f"data {len(data)} bytes")
    check(not bad, f"{what}: frames as sent: {bad[:4]}")


for rx in ("msg", "mmsg", "uring"):
    for family in (socket.AF_INET, socket.AF_INET6):
        run(rx, family, 0)
    # cut inside the 256-byte head, and inside the rest of the slot
    run(rx, socket.AF_INET, 42 + 100)
    run(rx, socket.AF_INET, 42 + 700)
done()
