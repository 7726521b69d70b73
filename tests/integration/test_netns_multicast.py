"""Multicast: udp://239.1.2.3:PORT%IFNAME joins the group on that
interface and captures what is sent to the group, IPv4 and IPv6: a sender
host and a capture host in two network namespaces of the test's own,
joined by a veth pair (so no datagram leaves this machine)."""
import os
import subprocess
import sys

from tsctest import TSCAP, check, done, skip, summary, tmpdir, tscap_read

if os.geteuid() != 0:
    skip("network namespaces need root")
ns = f"tscap-mc-{os.getpid()}"
ns_tx = f"tscap-mctx-{os.getpid()}"


def ip(*args):
    return subprocess.run(["ip", *args], capture_output=True, text=True)


if ip("netns", "add", ns).returncode != 0 or ip("netns", "add", ns_tx).returncode != 0:
    ip("netns", "del", ns)
    skip("cannot create network namespaces here")
try:
    for n in (ns, ns_tx):  # no duplicate address detection delay on link-local
        subprocess.run(["ip", "netns", "exec", n, "sysctl", "-qw",
                        "net.ipv6.conf.default.accept_dad=0"], check=True)
    check(ip("link", "add", "tsc-mc-tx", "netns", ns_tx, "type", "veth", "peer", "name",
             "tsc-mc-rx", "netns", ns).returncode == 0, "veth pair created")
    # 192.0.2.0/24 is TEST-NET-1: documentation only, and here only
    # inside these two namespaces.
    ip("-n", ns_tx, "addr", "add", "192.0.2.1/24", "dev", "tsc-mc-tx")
    ip("-n", ns, "addr", "add", "192.0.2.2/24", "dev", "tsc-mc-rx")
    ip("-n", ns_tx, "link", "set", "tsc-mc-tx", "up")
    ip("-n", ns, "link", "set", "tsc-mc-rx", "up")
    out = os.path.join(tmpdir(), "mc.pcapng")
    cap = subprocess.Popen(["ip", "netns", "exec", ns, TSCAP, "capture",
                            "udp://239.1.2.3:5000%tsc-mc-rx", "udp://[ff05::1:3]:5001%tsc-mc-rx",
                            "-w", out, "-q", "-c", "20", "--duration", "20"],
                           stderr=subprocess.PIPE, text=True)
    sender = r"""
import socket, struct, time
time.sleep(1.0)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("192.0.2.1"))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, socket.if_nametoindex("tsc-mc-tx"))
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 1)
for i in range(10):
    s.sendto(b"group %d" % i, ("239.1.2.3", 5000))
    s6.sendto(b"group6 %d" % i, ("ff05::1:3", 5001))
"""
    snd = subprocess.run(["ip", "netns", "exec", ns_tx, sys.executable, "-c", sender],
                         capture_output=True, text=True, timeout=30)
    check(snd.returncode == 0, f"sender ran: {snd.stderr}")
    _, err = cap.communicate(timeout=30)
    check(cap.returncode == 0, f"capture exits 0: {err}")
    s = summary(err)
    check(s["written"] == 20, f"20 group datagrams captured: {s}")
    rc, pkts, notes, _ = tscap_read(out)
    dsts = sorted({p["dst"] for p in pkts})
    check(dsts == ["239.1.2.3:5000", "[ff05::1:3]:5001"], f"destinations are the groups: {dsts}")
    check(any("udp://239.1.2.3:5000%tsc-mc-rx" in n for n in notes), f"ISB names the endpoint: {notes}")
finally:
    ip("netns", "del", ns)
    ip("netns", "del", ns_tx)
done()
