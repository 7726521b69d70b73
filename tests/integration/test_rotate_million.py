"""A rotated 1,000,000-datagram capture from `tscap send` (64-byte
payloads, -C 20: about ten 20 MB files): libpcap, reading each file on
its own, finds every sequence number exactly once across the files, in
order across every rotation; what the kernel dropped (if the machine was
too busy) is accounted exactly: distinct sequence numbers + drops = sent,
and the files' ISBs add up to the summary. `tscap read` over all the
files agrees. capinfos (Wireshark's reader) checks every file; tshark
dissects the last one whole (dissecting all 1M packets takes tshark
over 80 s on the development machine)."""
import glob
import os
import re
import subprocess
import time

from tsctest import (PCAP_NS_DUMP, TSCAP, Capture, check, done, free_port, need, summary,
                     tmpdir, tshark)

need("capinfos")
need("tshark")
N = 1_000_000
SEQ_OFF = 14 + 20 + 8 + 8
d = tmpdir()
base = os.path.join(d, "m.pcapng")
port = free_port()
t0 = time.monotonic()
cap = Capture([f"udp://127.0.0.1:{port}"], base, "-C", "20")
cap.wait_bound([port])
r = subprocess.run([TSCAP, "send", f"udp://127.0.0.1:{port}", "-c", str(N), "--rate", "200000",
                    "--size", "64", "-q"], capture_output=True, text=True, timeout=240)
check(r.returncode == 0, f"tscap send exits 0: {r.stderr}")
check(cap.stop() == 0, f"capture exits 0: {cap.stderr}")
took = time.monotonic() - t0
s = summary(cap.stderr)
print(f"capture of {N}: {took:.1f} s, {s}")

files = sorted(glob.glob(os.path.join(d, "m_*.pcapng")))
check(8 <= len(files) <= 12, f"-C 20 over ~180 MB: about ten files ({len(files)})")
check(all(os.path.getsize(f) <= 20_000_000 for f in files), "none above 20,000,000 bytes")

per_file, seqs = [], []
for f in files:
    p = subprocess.run([PCAP_NS_DUMP, "-u", str(SEQ_OFF), f], capture_output=True, text=True,
                       timeout=120)
    check(p.returncode == 0, f"libpcap reads {os.path.basename(f)} alone: {p.stderr.strip()}")
    fs = [int(line.split()[5]) for line in p.stdout.splitlines()]
    per_file.append(fs)
    seqs += fs

distinct = set(seqs)
check(len(seqs) == s["written"], f"libpcap finds {len(seqs)} packets, the summary wrote {s['written']}")
check(len(distinct) == len(seqs), f"no sequence number twice ({len(seqs) - len(distinct)} duplicates)")
check(distinct <= set(range(N)), "every one is one that was sent")
check(len(distinct) + s["dropped"] == N,
      f"distinct {len(distinct)} + dropped by the kernel {s['dropped']} == sent {N}")
if s["dropped"] == 0:
    check(seqs == list(range(N)), "nothing dropped: 0..999999 in order across the files")
    for a, b in zip(per_file, per_file[1:]):
        if a and b:
            check(b[0] == a[-1] + 1, f"a rotation between {a[-1]} and {b[0]} lost or doubled nothing")

# Wireshark's reader on every file: one interface and its statistics block.
for f, fs in zip(files, per_file):
    c = subprocess.run(["capinfos", "-M", "-c", "-I", f], capture_output=True, text=True, timeout=120)
    m = re.search(r"Number of packets:\s+(\d+)", c.stdout)
    check(c.returncode == 0 and m and int(m[1]) == len(fs) and
          "Number of stat entries = 1" in c.stdout,
          f"capinfos {os.path.basename(f)}: {len(fs)} packets and one ISB ({c.stderr.strip()})")
rows = tshark(files[-1], ["udp.dstport"])
check(len(rows) == len(per_file[-1]) and all(x == [str(port)] for x in rows),
      f"tshark dissects the last file: {len(rows)} UDP packets to port {port}")

# tscap read over all the files as one capture.
t = subprocess.run([TSCAP, "read", "-s", *files], capture_output=True, text=True, timeout=300)
m = re.search(r"received (\d+), lost (\d+), reordered (\d+), duplicates (\d+), seq (\d+)\.\.(\d+)",
              t.stdout)
check(t.returncode == 0 and m is not None, f"tscap read -s over {len(files)} files: {t.stderr}")
if m:
    received, lost, reordered, dups, first, last = map(int, m.groups())
    check(received == len(distinct) and dups == 0 and reordered == 0,
          f"tscap read: {received} received, {dups} duplicates, {reordered} reordered")
    check(lost + first + (N - 1 - last) == s["dropped"],
          f"tscap read: lost {lost} + unseen head {first} and tail {N - 1 - last} == dropped")
isbs = re.findall(r"# interface 0 \S+ \(.*\): received (\d+) dropped (\d+) delivered (\d+)",
                  t.stdout)
check(len(isbs) == len(files), f"one ISB per file ({len(isbs)})")
check(sum(int(x[2]) for x in isbs) == s["written"] and
      sum(int(x[1]) for x in isbs) == s["dropped"] and
      sum(int(x[0]) for x in isbs) == s["written"] + s["dropped"],
      f"the files' ISBs add up to the summary: {isbs}")
done()
