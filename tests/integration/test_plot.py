"""tscap ping --plot and tscap read --plot: the SVG is well-formed
(xmllint), renders (rsvg-convert to PNG, whose pixels are decoded here:
the bars, the markers and the loss ticks are really drawn), and what it
marks equals the --json summary of the same run: p50/p90/p99/p99.9 on the
histogram and the CDF, the number of losses, and for ping every stage of
the stacked bar. The read cases cover the three delays `tscap read`
plots: one-way (tscap send payloads, with losses made on purpose),
kernel -> user (plain datagrams), inter-arrival (a pcap written here with
known times, so the percentiles are checked against our own arithmetic)."""
import atexit
import collections
import json
import os
import shutil
import socket
import struct
import subprocess
import time
import xml.etree.ElementTree as ET
import zlib

from aptget import ensure
from tsctest import Capture, FAILS, TSCAP, check, done, free_port, tmpdir, wait_bound

ensure("xmllint", "libxml2-utils")
ensure("rsvg-convert", "librsvg2-bin")
tmp = tmpdir()
atexit.register(lambda: FAILS or shutil.rmtree(tmp, ignore_errors=True))  # kept on failure
SVG = "{http://www.w3.org/2000/svg}"


def pct(values, p):
    """The percentile as tscap takes it: the value at round(p/100*(n-1))."""
    v = sorted(values)
    return v[min(len(v) - 1, int(p / 100 * (len(v) - 1) + 0.5))]


def png_size(path):
    data = open(path, "rb").read(24)
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
    return struct.unpack(">II", data[16:24])


def png_pixels(path):
    """Width, height and the rows (RGB or RGBA: 3 or 4 bytes per pixel) of
    an 8-bit non-interlaced PNG, what rsvg-convert writes, unfiltered as the
    PNG specification (section 9) says."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and not interlace, f"PNG {depth}/{ctype}"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride = zlib.decompress(idat), w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif f == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif f == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        prev = line
    return w, h, (bpp, rows)


def colors(pixels):
    """How many opaque pixels of each colour: {(r, g, b): count}."""
    bpp, rows = pixels
    c = collections.Counter(row[i:i + bpp] for row in rows for i in range(0, len(row), bpp))
    return {tuple(k[:3]): n for k, n in c.items() if bpp == 3 or k[3] == 255}


def checked_svg(svg, png, what, pixels=False):
    """xmllint accepts it, rsvg-convert renders it at its size; returns the
    parsed tree and, when asked, the colours of the rendered pixels (pure
    Python decoding takes a second or two, so only for some)."""
    r = subprocess.run(["xmllint", "--noout", svg], capture_output=True, text=True, timeout=60)
    check(r.returncode == 0 and not r.stderr.strip(), f"{what}: xmllint: {r.stderr.strip()[:300]}")
    r = subprocess.run(["rsvg-convert", "-o", png, svg], capture_output=True, text=True,
                       timeout=60)
    check(r.returncode == 0 and not r.stderr.strip(),
          f"{what}: rsvg-convert rc={r.returncode} {r.stderr.strip()[:300]}")
    root = ET.parse(svg).getroot()
    w, h = png_size(png)
    check((w, h) == (int(root.get("width")), int(root.get("height"))),
          f"{what}: PNG is {w}x{h}, the SVG says {root.get('width')}x{root.get('height')}")
    check(1000 <= w <= 1600 and 700 <= h <= 1000, f"{what}: {w}x{h} is not sized for a screen")
    text = " ".join(t.text or "" for t in root.iter(SVG + "text"))
    for unit_words in ("(µs)", "count", "share at or below", "time since the first packet"):
        check(unit_words in text, f"{what}: no axis label with {unit_words!r}")
    return root, colors(png_pixels(png)[2]) if pixels else None


def marks(root):
    """{pct: [ns, ...]} over every percentile marker of the SVG."""
    out = {}
    for g in root.iter(SVG + "g"):
        if g.get("class") == "pct":
            out.setdefault(float(g.get("data-pct")), []).append(int(g.get("data-ns")))
    return out


def check_marks(root, dist, what):
    m = marks(root)
    for p, key in ((50, "p50"), (90, "p90"), (99, "p99"), (99.9, "p99_9")):
        check(m.get(p) and all(v == dist[key] for v in m[p]),
              f"{what}: {key} marked {m.get(p)}, the JSON says {dist[key]}")
    check(len(m.get(50, [])) == 2 and len(m.get(99, [])) == 2,
          f"{what}: p50 and p99 should be marked on the histogram and the CDF: {m}")


def losses(root):
    for g in root.iter(SVG + "g"):
        if g.get("class") == "losses":
            return int(g.get("data-count"))
    return None


def check_drawn(px, what, lost):
    bars = px.get((0x00, 0x72, 0xB2), 0)
    check(bars > 2000, f"{what}: only {bars} px of the data colour: histogram/points not drawn")
    p50 = px.get((0xD5, 0x5E, 0x00), 0)
    check(p50 > 100, f"{what}: only {p50} px of the p50 colour: marker not drawn")
    red = px.get((0xD0, 0x00, 0x00), 0)
    check(red > 0 if lost else True, f"{what}: {lost} losses but no loss mark drawn")


# --- ping: a reflector that answers 150 of 200 probes --------------------------
port = free_port()
refl = subprocess.Popen([TSCAP, "reflect", f"udp://127.0.0.1:{port}", "-c", "150", "-q",
                         "--duration", "30"], stderr=subprocess.PIPE, text=True)
wait_bound(refl, [port])
svg, png = os.path.join(tmp, "ping.svg"), os.path.join(tmp, "ping.png")
r = subprocess.run([TSCAP, "ping", f"udp://127.0.0.1:{port}", "-c", "200", "-r", "1000", "-q",
                    "--timeout", "0.5", "--json", "--plot", svg],
                   capture_output=True, text=True, timeout=60)
refl.wait(timeout=30)
check(r.returncode == 0, f"ping --plot: rc={r.returncode} {r.stderr.strip()[:300]}")
js = json.loads(r.stdout)
check(js["received"] == 150 and js["lost"] == 50,
      f"ping: 150 answered and 50 lost expected, JSON says {js['received']}/{js['lost']}")
root, px = checked_svg(svg, png, "ping", pixels=True)
check_marks(root, js["rtt"], "ping")
check(losses(root) == js["lost"], f"ping: {losses(root)} losses marked, JSON lost {js['lost']}")
check_drawn(px, "ping", js["lost"])
stages = {g.get("data-stage"): g.get("data-ns") for g in root.iter(SVG + "g")
          if g.get("class") == "stage"}
check(set(stages) == set(js["stages"]), f"ping: stages drawn {sorted(stages)} vs JSON "
      f"{sorted(js['stages'])}")
for key, v in js["stages"].items():
    got = stages.get(key)
    check((v is None and got is None) or (got is not None and int(got) == v),
          f"ping: stage {key} drawn as {got}, JSON median {v}")
refs = {g.get("data-stage"): int(g.get("data-ns")) for g in root.iter(SVG + "g")
        if g.get("class") == "reference"}
check(refs.get("rtt") == js["rtt"]["p50"] and refs.get("rtt_user") == js["rtt_user"]["p50"],
      f"ping: reference bars {refs} vs rtt p50 {js['rtt']['p50']}, user {js['rtt_user']['p50']}")
# An unwritable plot is exit 1 with one line, the summary still printed.
r = subprocess.run([TSCAP, "ping", "udp://127.0.0.1:9", "-c", "1", "-q", "--timeout", "0.1",
                    "--plot", "/nonexistent/x.svg"], capture_output=True, text=True, timeout=30)
check(r.returncode == 1 and "/nonexistent/x.svg" in r.stderr,
      f"ping --plot to a missing directory: rc={r.returncode} {r.stderr.strip()[:200]}")


# --- read, one-way delay: tscap send payloads with every 10th missing ---------
def probe(session, seq):
    return b"TSCP" + struct.pack("<IQq", session, seq, time.time_ns()) + bytes(16)


port = free_port()
cap_file = os.path.join(tmp, "owd.pcapng")
cap = Capture([f"udp://127.0.0.1:{port}"], cap_file, "-c", "270")
cap.wait_bound([port])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for seq in range(300):
    if seq % 10 != 5:  # 30 lost, inside the run
        s.sendto(probe(0xC0FFEE, seq), ("127.0.0.1", port))
        time.sleep(0.0005)
s.close()
check(cap.wait(30) == 0, f"capture: {cap.stderr.strip()[:300]}")
svg, png = os.path.join(tmp, "owd.svg"), os.path.join(tmp, "owd.png")
r = subprocess.run([TSCAP, "read", cap_file, "--json", "--plot", svg], capture_output=True,
                   text=True, timeout=60)
check(r.returncode == 0, f"read --plot: rc={r.returncode} {r.stderr.strip()[:300]}")
js = json.loads(r.stdout)
check(js["delay_kind"] == "one_way", f"read: delay kind {js['delay_kind']} for send payloads")
check(js["sessions"][0]["lost"] == 30 and js["delay_lost"] == 30,
      f"read: 30 lost expected: session {js['sessions'][0]['lost']}, delay {js['delay_lost']}")
text = subprocess.run([TSCAP, "read", cap_file], capture_output=True, text=True,
                      timeout=60).stdout
owd = [int(w[4:]) for line in text.splitlines() for w in line.split() if w.startswith("owd=")]
check(len(owd) == 270 and js["delay"]["p50"] == pct(owd, 50) and
      js["delay"]["p99"] == pct(owd, 99), f"read: JSON delay {js['delay']} vs the owd= values")
root, px = checked_svg(svg, png, "read one-way", pixels=True)
check(root.get("data-delay") == "one_way", f"read: data-delay={root.get('data-delay')}")
check_marks(root, js["delay"], "read one-way")
check(losses(root) == 30, f"read one-way: {losses(root)} losses marked, 30 made")
check_drawn(px, "read one-way", 30)

# --- read, kernel -> user delay: datagrams without a send payload -------------
port = free_port()
cap_file = os.path.join(tmp, "k2u.pcapng")
cap = Capture([f"udp://127.0.0.1:{port}"], cap_file, "-c", "200")
cap.wait_bound([port])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(200):
    s.sendto(b"plain %d" % i, ("127.0.0.1", port))
    time.sleep(0.0003)
s.close()
check(cap.wait(30) == 0, f"capture: {cap.stderr.strip()[:300]}")
svg, png = os.path.join(tmp, "k2u.svg"), os.path.join(tmp, "k2u.png")
r = subprocess.run([TSCAP, "read", cap_file, "--json", "--plot", svg], capture_output=True,
                   text=True, timeout=60)
js = json.loads(r.stdout)
check(r.returncode == 0 and js["delay_kind"] == "kernel_to_user" and js["delay"]["n"] == 200,
      f"read: kernel->user expected for 200 plain datagrams: {js['delay_kind']} {js['delay']}")
root, _ = checked_svg(svg, png, "read kernel->user")
check(root.get("data-delay") == "kernel_to_user", f"read: data-delay={root.get('data-delay')}")
check_marks(root, js["delay"], "read kernel->user")
check(losses(root) == js["drops"] == 0, f"read kernel->user: losses {losses(root)}")

# --- read, inter-arrival: a nanosecond pcap with times we chose ----------------
# A file name that is not valid XML as it stands: markup and a non-UTF-8 byte.
pcap = os.path.join(tmp, os.fsdecode(b"iat & <odd\xff>.pcap"))
times = [1_700_000_000_000_000_000]
for i in range(1, 120):
    times.append(times[-1] + 1000 * (1 + i % 7) + (50_000 if i % 40 == 0 else 0))
frame = bytes(12) + b"\x08\x00" + bytes(46)
with open(pcap, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 65535, 1))
    for t in times:
        f.write(struct.pack("<IIII", t // 10**9, t % 10**9, len(frame), len(frame)) + frame)
iat = [b - a for a, b in zip(times, times[1:])]
svg, png = os.path.join(tmp, "iat.svg"), os.path.join(tmp, "iat.png")
r = subprocess.run([TSCAP, "read", pcap, "--json", "--plot", svg], capture_output=True,
                   text=True, timeout=60)
js = json.loads(r.stdout)
check(r.returncode == 0 and js["delay_kind"] == "inter_arrival", f"read pcap: {r.stdout[:300]}")
want = {"n": len(iat), "min": min(iat), "p50": pct(iat, 50), "p90": pct(iat, 90),
        "p99": pct(iat, 99), "p99_9": pct(iat, 99.9), "max": max(iat)}
check(all(js["delay"][k] == v for k, v in want.items()),
      f"read pcap: inter-arrival {js['delay']} vs computed {want}")
root, _ = checked_svg(svg, png, "read inter-arrival")
check_marks(root, js["delay"], "read inter-arrival")
done()
