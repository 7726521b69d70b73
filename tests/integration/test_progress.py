"""On a terminal, a progress line (packets, pps, drops) refreshes on
stderr about once a second; not when stderr is a file."""
import os
import pty
import re
import subprocess
import threading
import time

from tsctest import TSCAP, check, done, free_port, send, tmpdir

port = free_port()
out = os.path.join(tmpdir(), "progress.pcapng")
master, slave = pty.openpty()
proc = subprocess.Popen([TSCAP, "capture", f"udp://127.0.0.1:{port}", "-w", out,
                         "--duration", "3.5"], stderr=slave, stdout=subprocess.DEVNULL)
os.close(slave)
stop = threading.Event()


def load():
    for i in range(300):  # bounded: 300 x 10 datagrams over about 3 s
        if stop.is_set():
            break
        send("127.0.0.1", port, [64] * 10)
        time.sleep(0.01)


time.sleep(0.3)
t = threading.Thread(target=load)
t.start()
chunks = []
while True:
    try:
        data = os.read(master, 4096)
    except OSError:
        break
    if not data:
        break
    chunks.append(data.decode(errors="replace"))
proc.wait(20)
stop.set()
t.join()
text = "".join(chunks)
lines = re.findall(r"\r(\d+) packets  (\d+) pps  (\d+) dropped", text)
check(2 <= len(lines) <= 4, f"about one progress line a second over 3.5 s: {len(lines)} in {text!r}")
check(all(int(p) > 0 for p, _, _ in lines[1:]), "the counts grow")
check("written to" in text, "the summary follows the progress line")

r = subprocess.run([TSCAP, "capture", f"udp://127.0.0.1:{port}", "-w", out, "--duration", "1.5"],
                   capture_output=True, text=True)
check("pps" not in r.stderr, "no progress line when stderr is not a terminal")

# -w - with stdout on a terminal: refused, like dumpcap, before any socket.
master, slave = pty.openpty()
r = subprocess.run([TSCAP, "capture", f"udp://127.0.0.1:{port}", "-w", "-"], stdout=slave,
                   stderr=subprocess.PIPE, text=True, timeout=20)
os.close(slave)
os.close(master)
check(r.returncode == 1 and "to the terminal" in r.stderr,
      f"-w - onto a terminal is refused with a one-line reason: {r.stderr}")
done()
