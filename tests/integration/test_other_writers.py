"""tscap read reads files written by others: dumpcap's pcapng and
tcpdump's classic pcap, with the same packet times tshark shows."""
import os
import subprocess
import time

from tsctest import check, done, free_port, need, send, skip, tmpdir, tscap_read, tshark

need("dumpcap")
need("tcpdump")
if os.geteuid() != 0:
    skip("capturing on lo with dumpcap and tcpdump needs root")
d = tmpdir()
port = free_port()
ng, classic = os.path.join(d, "dumpcap.pcapng"), os.path.join(d, "tcpdump.pcap")
procs = [
    subprocess.Popen(["dumpcap", "-q", "-i", "lo", "-f", f"udp port {port}", "-c", "10", "-w", ng],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
    subprocess.Popen(["tcpdump", "-i", "lo", "-n", "-c", "10", "-w", classic, f"udp port {port}"],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
]
time.sleep(2)  # both capture tools need a moment to attach
send("127.0.0.1", port, [100] * 10)
for p in procs:
    try:
        p.wait(20)
    except subprocess.TimeoutExpired:
        p.kill()
        check(False, f"{p.args[0]} did not capture 10 packets")
for path, fmt in ((ng, "pcapng"), (classic, "pcap")):
    rc, pkts, notes, err = tscap_read(path)
    check(rc == 0 and not err, f"tscap read {fmt}: rc {rc} {err}")
    times = [r[0] for r in tshark(path, ["frame.time_epoch"])]
    check([p["time"] for p in pkts] == times and len(times) == 10,
          f"{fmt}: the 10 packet times equal tshark's: {[p['time'] for p in pkts][:2]} {times[:2]}")
    check(all(p["proto"] == "UDP" and p["dst"] == f"127.0.0.1:{port}" for p in pkts),
          f"{fmt}: packets shown as UDP to the port")
    check(any("classic pcap" in n for n in notes) == (fmt == "pcap"), f"{fmt}: format noted")
done()
