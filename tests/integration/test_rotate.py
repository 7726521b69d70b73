"""Rotation (-C, -G, -W): every file stands alone (SHB, IDB, ISB with
that file's counts; libpcap, capinfos and tshark read each one), no file
passes -C, -G rotates on time even with no traffic, -W keeps exactly the
newest files, the packets of all files together are each sequence number
of `tscap send` once, and bad values are refused with one line and no
file."""
import glob
import json
import os
import re
import signal
import subprocess
import time

from tsctest import (PCAP_NS_DUMP, TSCAP, Capture, check, done, free_port, need, ns, summary,
                     tmpdir, tscap_read)

need("capinfos")
need("tshark")
d = tmpdir()
NAME = re.compile(r"^(.*)_(\d{5})_(\d{14})(\.pcapng)?$")
ISB = re.compile(r"# interface 0 \S+ \(.*\): received (\d+) dropped (\d+) delivered (\d+) "
                 r"from (\S+) to (\S+)")
SEQ_OFF = 14 + 20 + 8 + 8  # Ethernet, IPv4, UDP, then "TSCP" and the session id


def send(port, count, rate, size=64):
    r = subprocess.run([TSCAP, "send", f"udp://127.0.0.1:{port}", "-c", str(count), "--rate",
                        str(rate), "--size", str(size), "-q"], capture_output=True, text=True,
                       timeout=120)
    check(r.returncode == 0, f"tscap send exits 0: {r.stderr}")


def files_of(base):
    stem = base[:-len(".pcapng")]
    return sorted(glob.glob(glob.escape(stem) + "_*.pcapng"))


def libpcap_seqs(path):
    """Sequence numbers as libpcap reads them from one file on its own."""
    r = subprocess.run([PCAP_NS_DUMP, "-u", str(SEQ_OFF), path], capture_output=True, text=True,
                       timeout=120)
    check(r.returncode == 0, f"libpcap reads {os.path.basename(path)}: {r.stderr.strip()}")
    return [int(line.split()[5]) for line in r.stdout.splitlines()]


def isbs(path):
    rc, pkts, notes, err = tscap_read(path)
    check(rc == 0, f"tscap read {path}: exit 0 ({err.strip()})")
    return [ISB.match(n) for n in notes if ISB.match(n)], pkts


def capinfos_ok(path):
    """capinfos (wiretap, not tscap) reads it: one interface, one ISB."""
    r = subprocess.run(["capinfos", "-M", "-c", "-I", path], capture_output=True, text=True, timeout=120)
    return (r.returncode == 0 and "Number of interfaces in file: 1" in r.stdout and
            "Number of stat entries = 1" in r.stdout), r.stdout + r.stderr


def check_standalone(files, what):
    """Each file valid alone, with its own statistics; returns all seqs in
    file order and the summed ISB counts."""
    seqs, recv, drop, deliv = [], 0, 0, 0
    for f in files:
        ok, out = capinfos_ok(f)
        check(ok, f"{what}: capinfos reads {os.path.basename(f)} with 1 interface and 1 ISB: "
                  f"{out[-300:]}")
        s = libpcap_seqs(f)
        blocks, pkts = isbs(f)
        check(len(blocks) == 1, f"{what}: {os.path.basename(f)} has one ISB ({len(blocks)})")
        if blocks:
            m = blocks[0]
            check(int(m[3]) == len(s) == len(pkts),
                  f"{what}: {os.path.basename(f)}: ISB delivered {m[3]} == libpcap {len(s)} == "
                  f"tscap read {len(pkts)}")
            recv, drop, deliv = recv + int(m[1]), drop + int(m[2]), deliv + int(m[3])
        seqs += s
    return seqs, recv, drop, deliv


def capture(base, *args):
    port = free_port()
    cap = Capture([f"udp://127.0.0.1:{port}"], base, *args)
    cap.wait_bound([port])
    return cap, port


# -C 20k: no file above 20480 bytes, each complete, nothing lost or doubled.
base = os.path.join(d, "size.pcapng")
cap, port = capture(base, "-C", "20k")
send(port, 3000, 50000)
check(cap.stop() == 0, f"-C 20k: exit 0 ({cap.stderr})")
s = summary(cap.stderr)
files = files_of(base)
sizes = [os.path.getsize(f) for f in files]
check(len(files) >= 10, f"-C 20k over ~500 KB made many files: {len(files)}")
check(all(x <= 20480 for x in sizes), f"no file passes 20480 bytes: {max(sizes or [0])}")
check(all(x > 20480 - 1024 for x in sizes[:-1]), f"and each but the last is nearly full: {sizes}")
names = [NAME.match(os.path.basename(f)) for f in files]
check(all(names) and [int(m[2]) for m in names] == list(range(1, len(files) + 1)) and
      all(m[1] == "size" for m in names),
      f"named like dumpcap, size_00001_YYYYmmddHHMMSS.pcapng on: {[os.path.basename(f) for f in files[:3]]}")
check(f"{len(files)} files: {files[0]} .. {files[-1]}" in cap.stderr,
      f"the summary names the files: {cap.stderr}")
seqs, recv, drop, deliv = check_standalone(files, "-C")
check(sorted(seqs) == list(range(3000 - s["dropped"])) or
      (len(set(seqs)) == len(seqs) and len(seqs) + s["dropped"] == 3000),
      f"every sequence number once across the files ({len(seqs)}, {len(set(seqs))} distinct, "
      f"{s['dropped']} dropped)")
check(deliv == s["written"] and drop == s["dropped"] and recv == deliv + drop,
      f"the files' ISBs add up to the summary: {recv} {drop} {deliv} vs {s}")
_, pkts, notes, _ = tscap_read(files[0])  # a file alone: the headers are all there
rc = subprocess.run(["tshark", "-n", "-r", files[1], "-c", "3", "-T", "fields", "-e", "udp.dstport"],
                    capture_output=True, text=True, timeout=60)
check(rc.returncode == 0 and rc.stdout.split() == [str(port)] * 3,
      f"tshark dissects a middle file on its own: {rc.stdout!r} {rc.stderr[-200:]}")
r = subprocess.run([TSCAP, "read", "-s", *files], capture_output=True, text=True, timeout=120)
m = re.search(r"received (\d+), lost (\d+), reordered (\d+), duplicates (\d+), seq (\d+)\.\.(\d+)",
              r.stdout)
check(r.returncode == 0 and m is not None and int(m[4]) == 0 and int(m[1]) == s["written"],
      f"tscap read over all files: one session, no duplicates: {m and m[0]}")

# -G 0.3 with a slow trickle: a file per 0.3 s, closed on time.
base = os.path.join(d, "time.pcapng")
cap, port = capture(base, "-G", "0.3")
send(port, 120, 100)  # 1.2 s
check(cap.stop() == 0, f"-G 0.3: exit 0 ({cap.stderr})")
files = files_of(base)
check(4 <= len(files) <= 7, f"-G 0.3 over ~1.3 s: 4 to 7 files ({len(files)})")
spans = []
for f in files[:-1]:
    blocks, _ = isbs(f)
    if blocks:
        spans.append((ns(blocks[0][5]) - ns(blocks[0][4])) / 1e9)
check(len(spans) == len(files) - 1 and all(0.299 <= x < 0.45 for x in spans),
      f"each file but the last covers 0.3 s (isb_starttime to isb_endtime): {spans}")
seqs, _, _, deliv = check_standalone(files, "-G")
check(sorted(seqs) == list(range(120)), f"-G: the 120 datagrams once each ({len(seqs)})")

# -G without traffic: files are still rotated, each valid and empty.
base = os.path.join(d, "idle.pcapng")
cap, port = capture(base, "-G", "0.2")
time.sleep(1.0)
check(cap.stop() == 0, f"idle -G 0.2: exit 0 ({cap.stderr})")
files = files_of(base)
check(4 <= len(files) <= 7, f"idle -G 0.2 for ~1 s: 4 to 7 files ({len(files)})")
seqs, _, _, _ = check_standalone(files, "idle -G")
check(seqs == [], "and no packets in them")

# -W 3 with -C: a ring of the newest three files, holding the last packets.
base = os.path.join(d, "ring.pcapng")
cap, port = capture(base, "-C", "10k", "-W", "3")
send(port, 3000, 50000)
check(cap.stop() == 0, f"-W 3: exit 0 ({cap.stderr})")
s = summary(cap.stderr)
files = files_of(base)
check(len(files) == 3, f"-W 3 leaves exactly 3 files: {[os.path.basename(f) for f in files]}")
nums = [int(NAME.match(os.path.basename(f))[2]) for f in files]
m = re.search(r"(\d+) files: .* \(the newest 3 kept, (\d+) older removed by -W\)", cap.stderr)
check(m is not None and nums == [int(m[1]) - 2, int(m[1]) - 1, int(m[1])] and
      int(m[2]) == int(m[1]) - 3, f"the newest three by number, the summary says so: {nums} "
      f"{m and m[0]}")
seqs, _, _, _ = check_standalone(files, "-W")
if s["dropped"] == 0:
    check(seqs == list(range(3000 - len(seqs), 3000)),
          f"and they hold the last {len(seqs)} datagrams in order")

# -W with -G: the ring works on time too.
base = os.path.join(d, "ringg.pcapng")
cap, port = capture(base, "-G", "0.1", "-W", "2")
time.sleep(0.8)
check(cap.stop() == 0, f"-G 0.1 -W 2: exit 0 ({cap.stderr})")
check(len(files_of(base)) == 2, f"-G 0.1 -W 2 leaves 2 files: {files_of(base)}")

# --json says the same (doc/json.md): every packet counted across the files.
base = os.path.join(d, "json.pcapng")
port = free_port()
p = subprocess.Popen([TSCAP, "capture", f"udp://127.0.0.1:{port}", "-w", base, "-q", "-C", "10k",
                      "-W", "2", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                     text=True)
end = time.time() + 10
while time.time() < end and not files_of(base):
    time.sleep(0.02)
send(port, 500, 50000)
time.sleep(0.3)
p.send_signal(signal.SIGINT)
out, err = p.communicate(timeout=30)
files = files_of(base)
try:
    j = json.loads(out)
    f = j["files"][0]
    nums = [int(NAME.match(os.path.basename(x))[2]) for x in files]
    check(p.returncode == 0 and j["written"] == f["written"] == 500 - j["dropped"] and
          f["file"] == files[-1] and f["first_kept"] == files[0] and len(files) == 2 and
          f["rotated_files"] == nums[-1] and f["removed_files"] == nums[-1] - 2,
          f"--json: {f} for {files}")
except (ValueError, KeyError, IndexError, TypeError) as e:
    check(False, f"--json prints the rotation: {e}: {out!r} {err!r}")

# Bad values: one line, exit 1, no file.
bad = [
    (["-C", "0"], "is not a size for -C"),
    (["-C", "10x"], "is not a size for -C"),
    (["-C", "k"], "is not a size for -C"),
    (["-C", "-5"], "is not a size for -C"),
    (["-C", "2000000000"], "is not a size for -C"),
    (["-G", "0"], "out of range for --rotate-seconds"),
    (["-G", "soon"], "not a number for --rotate-seconds"),
    (["-W", "0"], "out of range for --ring-files"),
    (["-W", "3"], "-W COUNT keeps a ring of files: it needs -C SIZE or -G SECONDS"),
]
for args, msg in bad:
    base = os.path.join(d, "bad.pcapng")
    r = subprocess.run([TSCAP, "capture", "udp://127.0.0.1:9", "-w", base, *args],
                       capture_output=True, text=True, timeout=30)
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 1 and len(lines) == 1 and msg in lines[0],
          f"{' '.join(args)}: exit 1 with one line '{msg}' (got {r.returncode}: {r.stderr!r})")
    check(not glob.glob(os.path.join(d, "bad*")), f"{' '.join(args)}: no file created")
r = subprocess.run(f"{TSCAP} capture udp://127.0.0.1:9 -w - -C 1 | cat", shell=True,
                   capture_output=True, text=True, timeout=30)
check("-C/-G start new files: give -w FILE, not -" in r.stderr and
      len(r.stderr.strip().splitlines()) == 1, f"-C with -w - is refused: {r.stderr!r}")
done()
