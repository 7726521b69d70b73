"""tscap probe: what lo and a veth really deliver, from packets that
crossed them. On lo the probe's own echoes and TCP writes; on a veth pair
between two namespaces of the test's own, ICMP echo to the peer namespace
and TCP writes to a listener there. Neither stamps in hardware, so the
report must say: software RX/TX delivered on every packet, hardware not
advertised, ns granularity, sane spreads; --enable explains why it could
not; a missing interface is a one-line error."""
import json
import os
import subprocess
import sys
import time

from tsctest import TSCAP, check, done, skip

if os.geteuid() != 0:
    skip("network namespaces and raw ICMP sockets need root")


def probe(*args, ns=None):
    cmd = ([] if ns is None else ["ip", "netns", "exec", ns]) + [TSCAP, "probe", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def stamps(report):
    return {s["key"]: s for s in report["stamps"]}


def check_software_only(r, where, n, tcp):
    """The verdicts for an interface that stamps in software only."""
    st = stamps(r)
    check(r["answered"] == n, f"{where}: every echo answered ({r['answered']} of {n})")
    for key in ("rx_software", "tx_software", "tx_sched"):
        check(st[key]["delivered"] == st[key]["of"] == n,
              f"{where}: {key} on every packet: {st[key]}")
        check(1 <= st[key]["granularity_ns"] <= 1000,
              f"{where}: {key} granularity sane: {st[key]['granularity_ns']} ns")
    check(st["rx_software"]["verdict"] == "delivered", f"{where}: rx software verdict")
    check(st["tx_software"]["verdict"] == "delivered", f"{where}: tx software verdict")
    for key in ("rx_hardware", "tx_hardware"):
        check(st[key]["advertised"] is False and st[key]["delivered"] == 0 and
              st[key]["verdict"] == "not advertised", f"{where}: {key}: {st[key]}")
    if tcp:
        check(st["tx_ack"]["delivered"] == n and r["tcp_acked"] == n,
              f"{where}: an ACK stamp per TCP write: {st['tx_ack']}")
    check(r["phc"] is None and r["interface"]["phc_index"] == -1, f"{where}: no PHC")
    spreads = {s["key"]: s for s in r["spreads"]}
    u = spreads["rx_user_minus_software"]
    check(u["n"] == n and 0 <= u["min_ns"] <= u["median_ns"] <= u["max_ns"] < 1_000_000_000,
          f"{where}: user - software RX >= 0 and below a second: {u}")
    q = spreads["tx_software_minus_sched"]
    check(q["n"] == n and 0 <= q["min_ns"] <= q["max_ns"] < 1_000_000_000,
          f"{where}: TX sched comes before TX software: {q}")
    check(spreads["rx_software_minus_hardware"]["n"] == 0, f"{where}: no hw spread")


# --- loopback, IPv4 and IPv6 -------------------------------------------------
for peer in ("127.0.0.1", "::1"):
    p = probe("lo", "--peer", peer, "-c", "50", "-i", "1", "--json")
    check(p.returncode == 0, f"probe lo {peer} exits 0: {p.stderr}")
    if p.returncode == 0:
        r = json.loads(p.stdout)
        check(r["peer"] == peer, f"probed {peer}")
        flags = r["interface"]["so_timestamping"].split()
        check("RX_SOFTWARE" in flags and "SOFTWARE" in flags, f"lo advertises: {flags}")
        check(r["interface"]["hardware_config"] is None, "lo has no hardware config")
        check(r["interface"]["wire_hw_rx"] == "none",
              f"wire capture on lo: software stamps only: {r['interface'].get('wire_hw_rx')}")
        check_software_only(r, f"lo {peer}", 50, tcp=True)

text = probe("lo", "-c", "5", "-i", "1")
check(text.returncode == 0 and "RX software" in text.stdout and "not advertised" in text.stdout,
      f"text report: {text.stdout[-400:]} {text.stderr}")

# --- bad input ---------------------------------------------------------------
for args, what in ((["tscap-nosuch0"], "no interface named"),
                   (["lo", "--peer", "300.1.1.1"], "not an IPv4 or IPv6 address"),
                   (["lo", "-c", "0"], "--count")):
    b = probe(*args)
    lines = b.stderr.strip().splitlines()
    check(b.returncode != 0 and len(lines) == 1 and what in lines[0],
          f"probe {args}: one-line error with '{what}': rc {b.returncode} {lines}")

# --- a veth pair between two namespaces ------------------------------------
ns_a, ns_b = f"tscap-pa-{os.getpid()}", f"tscap-pb-{os.getpid()}"


def ip(*args):
    return subprocess.run(["ip", *args], capture_output=True, text=True)


if ip("netns", "add", ns_a).returncode != 0 or ip("netns", "add", ns_b).returncode != 0:
    ip("netns", "del", ns_a)
    print("SKIP part: cannot create network namespaces", file=sys.stderr)
    done()
listener = None
try:
    check(ip("link", "add", "tsc-pa", "netns", ns_a, "type", "veth", "peer", "name", "tsc-pb",
             "netns", ns_b).returncode == 0, "veth pair created")
    # 192.0.2.0/24 is TEST-NET-1, here only inside the two namespaces.
    ip("-n", ns_a, "addr", "add", "192.0.2.1/24", "dev", "tsc-pa")
    ip("-n", ns_b, "addr", "add", "192.0.2.2/24", "dev", "tsc-pb")
    for ns, dev in ((ns_a, "tsc-pa"), (ns_b, "tsc-pb")):
        ip("-n", ns, "link", "set", dev, "up")
        ip("-n", ns, "link", "set", "lo", "up")
    # The peer's TCP listener: accepts, reads and discards, for 30 s at most.
    server = r"""
import socket, sys, time
l = socket.socket(); l.bind(("192.0.2.2", 5201)); l.listen(1)
print("ready", flush=True)
l.settimeout(30); c, _ = l.accept(); c.settimeout(30)
while c.recv(4096): pass
"""
    listener = subprocess.Popen(["ip", "netns", "exec", ns_b, sys.executable, "-c", server],
                                stdout=subprocess.PIPE, text=True)
    check(listener.stdout.readline().strip() == "ready", "peer listener up")
    no_peer = probe("tsc-pa", ns=ns_a)
    check(no_peer.returncode != 0 and "--peer" in no_peer.stderr,
          f"a veth without --peer: asks for one: {no_peer.stderr}")
    v = probe("tsc-pa", "--peer", "192.0.2.2", "--tcp-port", "5201", "-c", "50", "-i", "1",
              "--enable", "--json", ns=ns_a)
    check(v.returncode == 0, f"probe on the veth exits 0: {v.stderr}")
    check("SIOCSHWTSTAMP" in v.stderr or "SIOCGHWTSTAMP" in v.stderr,
          f"--enable says why hardware stamping could not be switched on: {v.stderr}")
    if v.returncode == 0:
        r = json.loads(v.stdout)
        check(r["interface"]["name"] == "tsc-pa", "probed the veth")
        check("enabled_config_error" in r["interface"], f"--enable failure in the JSON: {r}")
        check_software_only(r, "veth", 50, tcp=True)
    unanswered = probe("tsc-pa", "--peer", "192.0.2.99", "-c", "2", "-i", "1", ns=ns_a)
    check(unanswered.returncode == 2 and "no echo came back" in unanswered.stderr,
          f"a peer that does not answer: exit 2 and said: {unanswered.returncode} "
          f"{unanswered.stderr}")
finally:
    if listener:
        listener.kill()
        listener.wait()
    ip("netns", "del", ns_a)
    ip("netns", "del", ns_b)
done()
