"""A wall-clock step during a capture is detected and reported: one line
on stderr when it happens, a line in the summary, and a comment on the
first packet written after it (tshark's frame.comment, tscap read's
'# comment on packet N'), or on the statistics block if no packet
follows. The machine's clock is not touched: the LD_PRELOAD shim
clockshift.c moves CLOCK_REALTIME for tscap alone once a trigger file
appears (a time namespace cannot shift CLOCK_REALTIME); CLOCK_MONOTONIC
and the kernel's packet stamps stay as they are, so after the step the
user stamps run ahead of the kernel's by the step. Without a step there
is no report and no comment."""
import os
import re
import struct
import subprocess
import time

from tsctest import Capture, check, done, free_port, send, skip, summary, tmpdir, tscap_read, tshark

SHIM = os.environ.get("CLOCKSHIFT")
if not SHIM or not os.path.exists(SHIM):
    skip("the clockshift shim was not built (CLOCKSHIFT unset)")
d = tmpdir()
STEP = re.compile(r"^tscap: the wall clock \(CLOCK_REALTIME\) stepped ([+-]\d+\.\d{9}) s against "
                  r"CLOCK_MONOTONIC during the capture: packet times jump there \(noted in the file\)$")


def run(step_ns, after):
    """Capture 5 datagrams, maybe step the clock, then `after` more."""
    trigger = os.path.join(d, f"trigger-{step_ns}-{after}")
    out = os.path.join(d, f"step-{step_ns}-{after}.pcapng")
    saved = dict(os.environ)
    os.environ.update(LD_PRELOAD=SHIM, CLOCKSHIFT_TRIGGER=trigger, CLOCKSHIFT_NS=str(step_ns),
                      ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0")
    try:
        port = free_port()
        cap = Capture([f"udp://127.0.0.1:{port}"], out)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    cap.wait_bound([port])
    send("127.0.0.1", port, [100] * 5)
    time.sleep(0.4)
    if step_ns:
        open(trigger, "w").close()
    time.sleep(0.4)  # the capture looks at least every 100 ms
    send("127.0.0.1", port, [100] * after, first_seq=5)
    time.sleep(0.3)
    rc = cap.stop()
    return rc, cap.stderr, out


def ns(t):
    s, _, f = t.partition(".")
    return int(s) * 10**9 + int(f.ljust(9, "0"))


for step_ns in (5_000_000_000, -3_000_000_000):
    rc, err, out = run(step_ns, 5)
    what = f"step {step_ns / 1e9:+.0f} s"
    lines = [STEP.match(line) for line in err.splitlines() if "stepped" in line and "against" in line]
    check(rc == 0, f"{what}: exit 0 ({err})")
    check(len(lines) == 1 and lines[0] and abs(float(lines[0][1]) - step_ns / 1e9) < 0.001,
          f"{what}: one line on stderr gives the step: {err}")
    m = re.search(r"tscap: the wall clock stepped 1 time during the capture \(largest ([+-][\d.]+) s\)",
                  err)
    check(m is not None and abs(float(m[1]) - step_ns / 1e9) < 0.001, f"{what}: the summary says so")
    check(summary(err)["written"] == 10, f"{what}: all 10 datagrams written")
    rows = tshark(out, ["frame.number", "frame.comment"])
    noted = [r for r in rows if len(r) > 1 and r[1]]
    check(len(noted) == 1 and noted[0][0] == "6" and "stepped" in noted[0][1],
          f"{what}: tshark shows the comment on packet 6, the first after the step: {noted}")
    rc2, pkts, notes, _ = tscap_read(out)
    comments = [n for n in notes if n.startswith("# comment on packet")]
    check(rc2 == 0 and len(comments) == 1 and comments[0].startswith("# comment on packet 6: tscap: "
                                                                     "the wall clock"),
          f"{what}: tscap read prints it: {comments}")
    # the shim moved user space's CLOCK_REALTIME, not the kernel's stamps
    lag = [(ns(p["stamps"]["user"]) - ns(p["stamps"]["sw-rx"])) / 1e9 for p in pkts]
    check(all(abs(x) < 0.25 for x in lag[:5]) and all(abs(x - step_ns / 1e9) < 0.25 for x in lag[5:]),
          f"{what}: user - sw-rx is ~0 before and ~the step after: {[round(x, 3) for x in lag]}")

# A step with no packet after it: the comment goes on the statistics block.
rc, err, out = run(2_000_000_000, 0)
check(rc == 0 and sum(bool(STEP.match(line)) for line in err.splitlines()) == 1,
      f"step, then no packet: reported ({err})")
data = open(out, "rb").read()
off, isb_note = 0, False
while off + 12 <= len(data):
    btype, blen = struct.unpack_from("<II", data, off)
    if btype == 5 and re.search(rb"stepped \+(1\.99|2\.00)\d+ s", data[off:off + blen]):
        isb_note = True
    off += blen
check(isb_note, "the comment is in the file's statistics block")
tshark(out, ["frame.number"])  # and the file still reads cleanly

# No step: no report, no comment.
rc, err, out = run(0, 5)
check(rc == 0 and "stepped" not in err, f"no step: nothing reported ({err})")
rows = tshark(out, ["frame.comment"])
check(len(rows) == 10 and not any(r and r[0] for r in rows), f"no step: no comments: {rows}")
done()
