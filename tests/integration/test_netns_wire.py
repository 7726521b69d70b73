"""wire:IFACE: frames on an interface, captured by tscap beside tcpdump.

Two network namespaces of the test's own joined by a veth pair; host A
sends UDP (IPv4, IPv6), 802.1Q-tagged frames written on an AF_PACKET
socket (this kernel has no VLAN devices) and a TCP connection attempt to
port 22, to ports nobody listens on; host B captures with tscap and, on
the same interface at the same time, with tcpdump. For every filter the
frames tscap keeps are byte for byte the ones tcpdump keeps (libpcap reads
both files), VLAN tags included; every frame has a kernel software stamp
between the sender's clock before it sent and tscap's user-space stamp; a
syntax error is one line quoting libpcap; drops forced by a tiny receive
buffer are counted exactly."""
import os
from collections import Counter
import signal
import socket
import subprocess
import sys
import time

from tsctest import (PCAP_NS_DUMP, TSCAP, check, done, free_port, need, ns, skip, summary, tmpdir,
                     tscap_read, tshark)

if os.geteuid() != 0:
    skip("network namespaces and packet sockets need root")
need("tcpdump")
PY = "/usr/bin/python3"
tag = os.getpid() % 100000
NS_A, NS_B = f"tscap-wa-{tag}", f"tscap-wb-{tag}"
IF_A, IF_B = f"tw{tag}a", f"tw{tag}b"
P1, P2, P3 = 40001, 40002, 40003
d = tmpdir()


def ip(*args):
    return subprocess.run(["ip", *args], capture_output=True, text=True)


def in_b(*cmd, **kw):
    return subprocess.Popen(["ip", "netns", "exec", NS_B, *cmd], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, **kw)


def packet_sockets(ns=NS_B):
    """Bound packet sockets in ns (None: this namespace): the lines of its
    /proc/net/packet with a protocol. tscap opens its socket with
    protocol 0 and binds it only after stamping, the filter and the
    buffer are set, so a bound tscap socket is a ready one."""
    cmd = ["cat", "/proc/net/packet"] if ns is None else ["ip", "netns", "exec", ns, "cat",
                                                         "/proc/net/packet"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    return sum(1 for line in r.stdout.splitlines()[1:] if int(line.split()[3], 16) != 0)


def wait_packet_sockets(n, ns=NS_B, timeout=20):
    end = time.monotonic() + timeout
    while packet_sockets(ns) < n and time.monotonic() < end:
        time.sleep(0.05)
    return packet_sockets(ns) >= n


def mld_report(hexframe):
    """An MLDv2 report (ICMPv6 type 143 after IPv6 + hop-by-hop header):
    the kernel's own, sent whenever it likes, so it can land while one
    capture is stopping and another is not; not part of the test traffic."""
    return hexframe[24:28] == "86dd" and hexframe[40:42] == "00" and hexframe[124:126] == "8f"


def frames(path):
    """Each frame's bytes (hex), as libpcap reads the file, without the
    kernel's MLD reports."""
    r = subprocess.run([PCAP_NS_DUMP, "-x", path], capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, f"libpcap reads {path}: {r.stderr.strip()}")
    out = [line.split()[5] if len(line.split()) > 5 else "" for line in r.stdout.splitlines()]
    return [f for f in out if not mld_report(f)]


SENDER = r"""
import socket, struct, sys, time
P1, P2, IF_A = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
print(time.time_ns(), flush=True)   # before the first frame leaves
s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
for i in range(5):
    s4.sendto(b"v4 p1 %d" % i, ("192.0.2.2", P1))
    s4.sendto(b"v4 p2 %d" % i, ("192.0.2.2", P2))
    s6.sendto(b"v6 p1 %d" % i, ("2001:db8::2", P1))
# 802.1Q-tagged IPv4/UDP frames, VLAN 100 priority 1, written whole.
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s & 0xffff) + (s >> 16)
    return ~((s & 0xffff) + (s >> 16)) & 0xffff
raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
raw.bind((IF_A, 0))
mac_a = open(f"/sys/class/net/{IF_A}/address").read().strip()
mac_b = sys.argv[4]
for i in range(5):
    payload = b"vlan %d" % i
    udp = struct.pack("!HHHH", 5555, P1, 8 + len(payload), 0) + payload
    iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0,
                      socket.inet_aton("192.0.2.1"), socket.inet_aton("192.0.2.2"))
    iph = iph[:10] + struct.pack("!H", csum(iph)) + iph[12:]
    eth = bytes.fromhex(mac_b.replace(":", "")) + bytes.fromhex(mac_a.replace(":", ""))
    raw.send(eth + struct.pack("!HH", 0x8100, (1 << 13) | 100) + b"\x08\x00" + iph + udp)
# A TCP connection attempt to port 22: a SYN and B's reset.
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.settimeout(2)
try:
    t.connect(("192.0.2.2", 22))
except OSError:
    pass
time.sleep(0.3)
"""

FILTERS = [f"udp port {P1}", "ip6", "vlan and udp", "not port 22"]

if ip("netns", "add", NS_A).returncode != 0 or ip("netns", "add", NS_B).returncode != 0:
    ip("netns", "del", NS_A)
    skip("cannot create network namespaces here")
procs = []
try:
    # No IPv6 chatter of the kernel's own (router solicitations, repeated
    # MLD reports) that could land as one capture stops and another not.
    for n in (NS_A, NS_B):
        for knob in ("accept_dad=0", "router_solicitations=0", "accept_ra=0",
                     "mldv1_unsolicited_report_interval=1",
                     "mldv2_unsolicited_report_interval=1"):
            subprocess.run(["ip", "netns", "exec", n, "sysctl", "-qw",
                            f"net.ipv6.conf.default.{knob}"], check=True)
    check(ip("link", "add", IF_A, "netns", NS_A, "type", "veth", "peer", "name", IF_B,
             "netns", NS_B).returncode == 0, "veth pair created")
    # TEST-NET-1 and the IPv6 documentation prefix, only inside these namespaces.
    ip("-n", NS_A, "addr", "add", "192.0.2.1/24", "dev", IF_A)
    ip("-n", NS_B, "addr", "add", "192.0.2.2/24", "dev", IF_B)
    ip("-n", NS_A, "addr", "add", "2001:db8::1/64", "dev", IF_A, "nodad")
    ip("-n", NS_B, "addr", "add", "2001:db8::2/64", "dev", IF_B, "nodad")
    for n, i in ((NS_A, IF_A), (NS_B, IF_B)):  # the pair may carry the creator's defaults
        for knob in ("router_solicitations=0", "mldv1_unsolicited_report_interval=1",
                     "mldv2_unsolicited_report_interval=1"):
            subprocess.run(["ip", "netns", "exec", n, "sysctl", "-qw",
                            f"net.ipv6.conf.{i}.{knob}"], check=True)
    ip("-n", NS_A, "link", "set", IF_A, "up")
    ip("-n", NS_B, "link", "set", IF_B, "up")
    mac_b = subprocess.run(["ip", "netns", "exec", NS_B, "cat", f"/sys/class/net/{IF_B}/address"],
                           capture_output=True, text=True).stdout.strip()
    # Neighbours known up front: no ARP or ND racing the captures' start.
    mac_a = subprocess.run(["ip", "netns", "exec", NS_A, "cat", f"/sys/class/net/{IF_A}/address"],
                           capture_output=True, text=True).stdout.strip()
    ip("-n", NS_A, "neigh", "add", "192.0.2.2", "lladdr", mac_b, "dev", IF_A)
    ip("-n", NS_A, "neigh", "add", "2001:db8::2", "lladdr", mac_b, "dev", IF_A)
    ip("-n", NS_B, "neigh", "add", "192.0.2.1", "lladdr", mac_a, "dev", IF_B)
    ip("-n", NS_B, "neigh", "add", "2001:db8::1", "lladdr", mac_a, "dev", IF_B)

    time.sleep(0.5)  # the reports of joining the link's groups go out before any capture

    # A syntax error: one line, libpcap's words, nothing left running.
    bad = subprocess.run(["ip", "netns", "exec", NS_B, TSCAP, "capture", f"wire:{IF_B}", "-f",
                          "udp port", "-w", os.path.join(d, "bad.pcapng")],
                         capture_output=True, text=True, timeout=30)
    lines = bad.stderr.strip().splitlines()
    check(bad.returncode != 0 and len(lines) == 1 and "syntax error" in bad.stderr
          and "'udp port'" in bad.stderr, f"a bad filter is one line from libpcap: {bad.stderr!r}")
    check(not os.path.exists(os.path.join(d, "bad.pcapng")), "no file for a bad filter")

    # Every filter, tscap and tcpdump side by side on the same interface.
    runs = [("udp", "main")] + [(f, f"f{i}") for i, f in enumerate(FILTERS)]
    before = packet_sockets()
    # main through recvmmsg; the filters through --rx auto, which on veth
    # (no hardware stamps) is the mapped ring.
    for expr, name in runs:
        rx = ["--rx", "mmsg"] if name == "main" else []
        procs.append((expr, name, "tscap", in_b(TSCAP, "capture", f"wire:{IF_B}", "-f", expr,
                                                *rx, "-q", "-w",
                                                os.path.join(d, name + ".pcapng"),
                                                "--duration", "60")))
        procs.append((expr, name, "tcpdump", in_b("tcpdump", "-i", IF_B, "-n", "-U", "-p",
                                                  "--immediate-mode",
                                                  "--time-stamp-precision=nano", "-w",
                                                  os.path.join(d, name + ".pcap"), expr)))
    # The same through the other rx paths: io_uring and the mapped ring.
    for path in ("uring", "ring"):
        procs.append(("udp", path, "tscap", in_b(TSCAP, "capture", f"wire:{IF_B}", "-f", "udp",
                                                 "--rx", path, "-q", "-w",
                                                 os.path.join(d, path + ".pcapng"),
                                                 "--duration", "60")))
    # The same through libpcap's live capture (pcap:IFACE).
    procs.append(("udp", "libpcap", "tscap", in_b(TSCAP, "capture", f"pcap:{IF_B}", "-f", "udp",
                                                  "-q", "-w", os.path.join(d, "libpcap.pcapng"),
                                                  "--duration", "60")))
    check(wait_packet_sockets(before + len(procs)), "every capture has its packet socket bound")
    time.sleep(1.0)  # tcpdump sets its filter after binding its socket
    snd = subprocess.run(["ip", "netns", "exec", NS_A, PY, "-c", SENDER, str(P1), str(P2), IF_A,
                          mac_b], capture_output=True, text=True, timeout=60)
    check(snd.returncode == 0, f"sender ran: {snd.stderr}")
    t_before = int(snd.stdout.split()[0]) if snd.stdout.split() else 0
    time.sleep(0.5)
    errs = {}
    for expr, name, tool, p in procs:
        p.send_signal(signal.SIGINT)
    for expr, name, tool, p in procs:
        try:
            _, err = p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            _, err = p.communicate()
        errs[(name, tool)] = err
        check(p.returncode == 0, f"{tool} -f '{expr}' exits 0: {err[-300:]}")

    # Byte for byte what tcpdump kept, filter by filter.
    for expr, name in runs:
        ours, theirs = frames(os.path.join(d, name + ".pcapng")), frames(os.path.join(d, name + ".pcap"))
        check(len(theirs) > 0, f"tcpdump kept frames for '{expr}'")
        only_ours = [f[:160] for f in (Counter(ours) - Counter(theirs)).elements()]
        only_theirs = [f[:160] for f in (Counter(theirs) - Counter(ours)).elements()]
        check(ours == theirs, f"'{expr}': tscap kept the frames tcpdump kept "
                              f"({len(ours)} vs {len(theirs)}; only tscap: {only_ours}, "
                              f"only tcpdump: {only_theirs})")
    main = frames(os.path.join(d, "main.pcapng"))
    vlan = [f for f in main if f[24:32] == "81002064"]
    check(len(vlan) == 5, f"5 frames carry their 802.1Q tag (VLAN 100, PCP 1): {len(vlan)}")
    check(len(main) == 20, f"udp: 15 datagrams + 5 tagged frames: {len(main)}")
    expect = {f"udp port {P1}": 15, "vlan and udp": 5}
    for i, f in enumerate(FILTERS):
        if f in expect:
            n = len(frames(os.path.join(d, f"f{i}.pcapng")))
            check(n == expect[f], f"'{f}' keeps {expect[f]} frames: {n}")

    # --rx auto on an interface without hardware stamps: the ring, and the
    # file says the frames have one stamp each.
    for name in ("f0", "ring"):
        rows = tshark(os.path.join(d, name + ".pcapng"), ["frame.interface_description"])
        check(rows and all(r[0] == f"wire:{IF_B} (mapped ring, one stamp per frame)"
                           for r in rows), f"{name}: the ring, said in the file: {rows[:1]}")
    rows = tshark(os.path.join(d, "uring.pcapng"), ["frame.interface_description"])
    check(rows and "ring" not in rows[0][0], f"--rx uring is not labelled a ring: {rows[:1]}")
    for path in ("uring", "ring"):
        check(frames(os.path.join(d, path + ".pcapng")) == frames(os.path.join(d, "main.pcap")),
              f"--rx {path}: kept the frames tcpdump kept, tags put back")
        rc, pkts, _, _ = tscap_read(os.path.join(d, path + ".pcapng"))
        check(rc == 0 and len(pkts) == 20 and all("sw-rx" in p["stamps"] for p in pkts),
              f"--rx {path}: every frame has its software stamp")

    # pcap: the same frames, nanosecond stamps tshark reads, labelled with
    # libpcap's time stamp type.
    check(frames(os.path.join(d, "libpcap.pcapng")) == frames(os.path.join(d, "main.pcap")),
          "pcap: kept the frames tcpdump kept")
    rows = tshark(os.path.join(d, "libpcap.pcapng"),
                  ["frame.time_epoch", "frame.interface_description"])
    check(len(rows) == 20 and all(len(r[0].split(".")[1]) == 9 for r in rows)
          and any(not r[0].endswith("000") for r in rows),
          f"tshark reads 20 frames with nanosecond stamps: {rows[:2]}")
    check(all(r[1] == f"pcap:{IF_B} (libpcap time stamp type host)" for r in rows),
          f"the interface names libpcap's stamp type: {rows[:1]}")
    rc, pkts, notes, err = tscap_read(os.path.join(d, "libpcap.pcapng"))
    check(rc == 0 and [p["source"] for p in pkts] == ["sw-rx"] * 20,
          f"libpcap's host stamps are the kernel's software stamps, not more: "
          f"{[p['source'] for p in pkts][:3]}")

    # Every frame: a kernel software stamp after the sender's clock before
    # sending, before tscap's own user-space stamp.
    rc, pkts, notes, err = tscap_read(os.path.join(d, "main.pcapng"))
    check(rc == 0 and len(pkts) == 20, f"tscap read: {len(pkts)} frames {err}")
    bad_stamps = [p for p in pkts
                  if "sw-rx" not in p["stamps"] or "user" not in p["stamps"]
                  or not t_before <= ns(p["stamps"]["sw-rx"]) <= ns(p["stamps"]["user"])]
    check(t_before > 0 and not bad_stamps,
          f"every sw-rx within [sender before, user]: {bad_stamps[:2]} t_before={t_before}")
    s = summary(errs[("main", "tscap")])
    check(s["received"] == 20 and s["dropped"] == 0, f"tscap counted 20, no drops: {s}")

    # A receive buffer too small for a burst: captured + dropped = sent,
    # through a socket (a 4 kB buffer, 300 frames) and through the ring
    # --rx auto picks here (its 4 MiB minimum, 20,000 frames).
    for rx, sent in (("mmsg", 300), ("auto", 20000)):
        out = os.path.join(d, f"drops-{rx}.pcapng")
        before = packet_sockets()
        cap = in_b(TSCAP, "capture", f"wire:{IF_B}", "-f", f"udp port {P3}", "--rcvbuf", "4096",
                   "--rx", rx, "-q", "-w", out, "--duration", "60")
        check(wait_packet_sockets(before + 1), f"--rx {rx}: the capture's packet socket is bound")
        cap.send_signal(signal.SIGSTOP)
        burst = f"""
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range({sent}):
    s.sendto(b"x" * 200, ("192.0.2.2", {P3}))
"""
        subprocess.run(["ip", "netns", "exec", NS_A, PY, "-c", burst], check=True, timeout=60)
        time.sleep(0.3)
        cap.send_signal(signal.SIGCONT)
        time.sleep(0.5)
        cap.send_signal(signal.SIGINT)
        _, err = cap.communicate(timeout=30)
        s = summary(err)
        got = len(frames(out))
        check(s["dropped"] > 0, f"--rx {rx}: the buffer dropped frames: {s}")
        check(got == s["written"] and got + s["dropped"] == sent,
              f"--rx {rx}: captured {got} + dropped {s['dropped']} = {sent} sent")
        rc, pkts, notes, _ = tscap_read(out)
        isb = [n for n in notes if "dropped" in n and "interface 0" in n]
        check(any(f"dropped {s['dropped']}" in n for n in isb),
              f"--rx {rx}: the ISB says the drops: {isb}")

    # lo shows each datagram twice, out and in; --direction keeps one way.
    port = free_port()
    lo_before = packet_sockets(None)
    for direction, want in (("inout", ["out", "in"]), ("in", ["in"]), ("out", ["out"])):
        out = os.path.join(d, f"lo-{direction}.pcapng")
        cap = subprocess.Popen([TSCAP, "capture", "wire:lo", "-f", f"udp port {port}",
                                "--direction", direction, "-q", "-w", out, "-c", str(len(want)),
                                "--duration", "20"], stderr=subprocess.PIPE, text=True)
        check(wait_packet_sockets(lo_before + 1, None), f"--direction {direction}: bound")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.sendto(b"lo", ("127.0.0.1", port))
        cap.communicate(timeout=30)
        r = subprocess.run([TSCAP, "read", out], capture_output=True, text=True, timeout=30)
        got = ["out" if l.endswith(" out") else "in" for l in r.stdout.splitlines()
               if l[:1].isdigit()]
        check(got == want, f"wire:lo --direction {direction}: {got}, want {want}")
        rows = tshark(out, ["frame.packet_flags_direction"])
        check([int(x[0], 16) for x in rows] == [2 if w == "out" else 1 for w in want],
              f"--direction {direction}: epb_flags as tshark reads them: {rows}")
finally:
    for *_, p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()
    ip("netns", "del", NS_A)
    ip("netns", "del", NS_B)
done()
