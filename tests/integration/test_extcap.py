#!/usr/bin/env python3
"""Wireshark's extcap machinery, for real: tools/install-extcap links tscap
into the personal extcap folder of a scratch HOME; `tshark -D` lists
"tscap_udp (tscap UDP)"; `tshark -i tscap_udp -o extcap.tscap_udp.…
-a packets:N -w FILE` runs tscap through tshark and dumpcap and captures N
datagrams sent to loopback, which tshark -r then reads back with their
payloads and nanosecond kernel stamps (and tscap read finds tscap's own
stamps option, passed through dumpcap). A capture filter given to tshark
(-f) reaches tscap and leaves out what it should; a bad one is refused
with libpcap's reason."""
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tsctest as t  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
INSTALL = os.path.join(HERE, "..", "..", "tools", "install-extcap")
N = 20


def tshark_env(home):
    env = dict(os.environ, HOME=home)
    env.pop("XDG_CONFIG_HOME", None)
    return env


def capture(env, out, port, payloads, *extra, count=N):
    """tshark through tscap's extcap: send payloads once the extcap has
    bound the port; returns (rc, stderr, [(payload, sender_ns)])."""
    cmd = ["tshark", "-i", "tscap_udp",
           "-o", f"extcap.tscap_udp.endpoint:udp://127.0.0.1:{port}",
           "-o", "extcap.tscap_udp.stamp:sw",
           "-a", f"packets:{count}", "-a", "duration:60", "-w", out, *extra]
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    sent = []
    try:
        end = time.time() + 30
        while port not in t._bound_ports():
            if p.poll() is not None or time.time() > end:
                break
            time.sleep(0.05)
        if p.poll() is None and port in t._bound_ports():
            import socket
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            for data in payloads:
                sent.append((data, time.time_ns()))
                s.sendto(data, ("127.0.0.1", port))
                time.sleep(0.005)
            s.close()
        _, err = p.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
        t.check(False, "tshark did not stop after its packets")
    return p.returncode, err, sent


def main():
    t.need("tshark")
    d = t.tmpdir()
    try:
        run(d)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def run(d):
    tscap = os.path.abspath(t.TSCAP) if os.sep in t.TSCAP else t.TSCAP
    home = os.path.join(d, "home")
    os.makedirs(home)
    env = tshark_env(home)

    # tools/install-extcap --user puts the link where Wireshark 4.0 looks.
    r = subprocess.run([INSTALL, "--user", tscap], env=env, capture_output=True, text=True)
    link = os.path.join(home, ".config", "wireshark", "extcap", "tscap")
    t.check(r.returncode == 0 and os.path.islink(link),
            f"install-extcap linked {link}: rc={r.returncode} {r.stderr.strip()}")
    if not os.path.islink(link):
        t.done()

    r = subprocess.run(["tshark", "-D"], env=env, capture_output=True, text=True, timeout=120)
    listed = [l for l in r.stdout.splitlines() if "tscap_udp" in l]
    t.check(r.returncode == 0 and listed and listed[0].endswith("tscap_udp (tscap UDP)"),
            f"tshark -D lists 'tscap_udp (tscap UDP)': {listed} rc={r.returncode}")

    # The config Wireshark read from --extcap-config became preferences.
    r = subprocess.run(["tshark", "-G", "defaultprefs"], env=env, capture_output=True,
                       text=True, timeout=120)
    for pref in ("extcap.tscap_udp.endpoint", "extcap.tscap_udp.stamp", "extcap.tscap_udp.rx",
                 "extcap.tscap_udp.snaplen"):
        t.check(pref in r.stdout, f"tshark knows the option {pref}")

    # N datagrams through tshark -> tscap -> fifo -> dumpcap -> FILE.
    out = os.path.join(d, "extcap.pcapng")
    port = t.free_port()
    payloads = [t.payload(i, 40 + i)[0] for i in range(N)]
    rc, err, sent = capture(env, out, port, payloads)
    t.check(len(sent) == N, f"the extcap bound udp://127.0.0.1:{port} and {N} were sent "
            f"(sent {len(sent)}; tshark said {err.strip()[-300:]!r})")
    t.check(rc == 0, f"tshark exited 0 (rc={rc})")
    t.check("Error by extcap" not in err and "tscap:" not in err,
            f"tscap said nothing on stderr, which tshark would show as an error: {err!r}")
    rows = t.tshark(out, ["frame.time_epoch", "udp.dstport", "udp.payload"])
    t.check(len(rows) == N, f"tshark -r reads {N} packets (got {len(rows)})")
    times = []
    for i, row in enumerate(rows[:N]):
        if len(row) < 3:
            t.check(False, f"packet {i}: fields missing: {row}")
            continue
        got_ns = t.ns(row[0])
        times.append(got_ns)
        data, sender_ns = sent[i]
        t.check(bytes.fromhex(row[2]) == data and row[1] == str(port),
                f"packet {i}: payload and port as sent")
        # A kernel RX stamp: after the sender's clock read, well within 1 s.
        t.check(0 <= got_ns - sender_ns < 1_000_000_000,
                f"packet {i}: stamp {got_ns} follows the send at {sender_ns}")
    t.check(any(x % 1000 for x in times),
            f"nanosecond resolution: not every stamp is a whole microsecond ({times[:3]})")

    # dumpcap passed tscap's blocks through: the stamps option is there.
    rc, pkts, _, rerr = t.tscap_read(out)
    t.check(rc == 0 and len(pkts) == N, f"tscap read: {len(pkts)} packets, rc={rc} {rerr}")
    t.check(all(p["source"] == "sw-rx" and "user" in p["stamps"] for p in pkts),
            "every packet's time is the kernel's RX stamp, the user-space one beside it")

    # A capture filter given to tshark reaches tscap.
    out2 = os.path.join(d, "filtered.pcapng")
    port = t.free_port()
    mixed = [(b"keep%04d" if i % 2 else b"drop%04d") % i for i in range(2 * 6)]
    rc, err, sent = capture(env, out2, port, mixed, "-f", "udp[8:4] = 0x6b656570", count=6)
    rows = t.tshark(out2, ["udp.payload"])
    kept = [bytes.fromhex(r[0]) for r in rows if r and r[0]]
    t.check(rc == 0 and kept == [m for m in mixed if m.startswith(b"keep")],
            f"-f 'udp[8:4] = \"keep\"': only the keep packets, in order (rc={rc}, {kept})")

    # A bad filter: tshark fails and shows libpcap's reason from tscap.
    out3 = os.path.join(d, "bad.pcapng")
    port = t.free_port()
    rc, err, _ = capture(env, out3, port, [], "-f", "udp port", count=1)
    t.check(rc != 0 and "bad --filter 'udp port'" in err,
            f"a bad capture filter is refused with the reason: rc={rc} {err.strip()[-200:]!r}")
    t.done()


if __name__ == "__main__":
    main()
