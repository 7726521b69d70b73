"""A file with several endpoints (IPv4 and IPv6 together) is read with the
same nanosecond stamps by libpcap (nano precision), tcpdump --nano and
tscap read; capinfos reports nanosecond resolution; editcap and mergecap
round trips keep tscap's extra stamps."""
import os
import socket
import subprocess

from tsctest import (PCAP_NS_DUMP, Capture, check, done, free_port, need, send, summary,
                     tmpdir, tscap_read)

for tool in ("tcpdump", "capinfos", "editcap", "mergecap"):
    need(tool)
d = tmpdir()
out = os.path.join(d, "multi.pcapng")
p4, p6, pany = free_port(), free_port(), free_port()
cap = Capture([f"udp://127.0.0.1:{p4}", f"udp://[::1]:{p6}", f"udp://[::]:{pany}"], out)
cap.wait_bound([p4, p6, pany])
sizes = [1 + (i * 37) % 1500 for i in range(300)]
send("127.0.0.1", p4, sizes)
send("::1", p6, sizes, socket.AF_INET6)
send("127.0.0.1", pany, sizes[:50])  # IPv4 into the dual-stack socket
send("::1", pany, sizes[:50], socket.AF_INET6)
check(cap.stop() == 0, f"capture exits 0: {cap.stderr}")
s = summary(cap.stderr)
check(s["written"] + s["dropped"] == 700 and s["written"] > 0, f"all 700 accounted: {s}")

rc, pkts, notes, err = tscap_read(out)
check(rc == 0, f"tscap read: {err}")
times = [p["time"] for p in pkts]
check(len(pkts) == s["written"], "tscap read shows every written packet")
check(any(p["src"].startswith("127.0.0.1:") and p["dst"].endswith(f":{pany}") for p in pkts),
      "IPv4 datagrams into [::] appear as IPv4 (unmapped)")
check(any(p["src"].startswith("[::1]:") and p["dst"] == f"[::1]:{pany}" for p in pkts),
      "IPv6 datagrams into [::] appear as IPv6")
check(sum(1 for n in notes if n.startswith("# interface")) == 3, f"an ISB per endpoint: {notes}")

r = subprocess.run([PCAP_NS_DUMP, out], capture_output=True, text=True)
check(r.returncode == 0, f"libpcap opens the file: {r.stderr}")
lp = [line.split() for line in r.stdout.splitlines()]
check([x[1] for x in lp] == times, "libpcap (nano precision) reads the same ns stamps")
check(all(x[4] == "1" for x in lp), "libpcap sees LINKTYPE_ETHERNET on every packet")

r = subprocess.run(["tcpdump", "--nano", "-tt", "-n", "-r", out], capture_output=True, text=True)
check(r.returncode == 0, f"tcpdump reads the file: {r.stderr}")
td = [line.split()[0] for line in r.stdout.splitlines()]
check(td == times, "tcpdump --nano prints the same ns stamps")
check(all(" UDP, length " in line for line in r.stdout.splitlines()),
      "tcpdump sees every packet as UDP")

r = subprocess.run(["capinfos", out], capture_output=True, text=True)
check(r.returncode == 0 and r.stdout.count("Time resolution = 0x09") == 3,
      "capinfos reports nanosecond resolution (0x09) on each interface")
check("Number of interfaces in file: 3" in r.stdout, "capinfos counts 3 interfaces")

ed = os.path.join(d, "edited.pcapng")
mg = os.path.join(d, "merged.pcapng")
subprocess.run(["editcap", out, ed], check=True, capture_output=True)
subprocess.run(["mergecap", "-w", mg, ed], check=True, capture_output=True)
for path, tool in ((ed, "editcap"), (mg, "mergecap")):
    _, again, _, _ = tscap_read(path)
    check([p["stamps"] for p in again] == [p["stamps"] for p in pkts],
          f"{tool} round trip keeps every stamp (user-space stamps included)")
check(all("user" in p["stamps"] for p in pkts), "every packet has its user-space stamp")
done()
