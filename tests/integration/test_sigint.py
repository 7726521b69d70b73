"""A capture killed with SIGINT (and SIGTERM) at a random moment under load
leaves a file tshark reads without error, with exactly as many packets as
the summary's "written"; -w - streams a pcapng tshark reads from a pipe."""
import os
import random
import signal
import subprocess
import threading
import time

from tsctest import Capture, check, done, free_port, need, send, summary, tmpdir, tshark

need("tshark")
d = tmpdir()


def loaded_capture(sig, delay):
    port = free_port()
    out = os.path.join(d, f"stop-{sig}.pcapng")
    cap = Capture([f"udp://127.0.0.1:{port}"], out)
    cap.wait_bound([port])
    stop = threading.Event()

    def load():
        n = 0
        while not stop.is_set() and n < 400_000:  # bounded: at most 400k datagrams
            send("127.0.0.1", port, [64, 700, 1400, 3000] * 250, first_seq=n)
            n += 1000

    t = threading.Thread(target=load)
    t.start()
    time.sleep(delay)
    rc = cap.stop(sig)
    stop.set()
    t.join()
    return rc, cap.stderr, out


for sig in (signal.SIGINT, signal.SIGTERM):
    delay = random.uniform(0.2, 1.5)
    rc, err, out = loaded_capture(sig, delay)
    check(rc == 0, f"{sig.name} after {delay:.2f}s: exit 0 (got {rc}: {err})")
    s = summary(err)
    rows = tshark(out, ["frame.number"])
    check(len(rows) == s["written"] and s["written"] > 0,
          f"{sig.name}: tshark counts {len(rows)} packets, summary wrote {s['written']}")

# -w -: the pcapng stream through a pipe into tshark.
port = free_port()
out = os.path.join(d, "via-pipe.txt")
with open(out, "w") as f:
    ts = subprocess.Popen(["tshark", "-n", "-r", "-", "-T", "fields", "-e", "udp.dstport"],
                          stdin=subprocess.PIPE, stdout=f, stderr=subprocess.PIPE)
    cap = Capture([f"udp://127.0.0.1:{port}"], "-", "-c", "200", stdout=ts.stdin)
    cap.wait_bound([port])
    send("127.0.0.1", port, [100] * 200)
    rc = cap.wait(30)
    ts.stdin.close()
    ts.wait(60)
check(rc == 0, f"capture -w - -c 200 exits 0: {cap.stderr}")
with open(out) as f:
    ports = f.read().split()
check(ports == [str(port)] * 200, f"tshark -r - read 200 UDP packets from the pipe (got {len(ports)})")
done()
