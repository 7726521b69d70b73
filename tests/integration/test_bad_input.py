"""Bad input: a one-line error naming the problem, a non-zero exit, no
crash, no hang, and no file left behind."""
import os
import socket
import subprocess

from tsctest import TSCAP, check, done, free_port, tmpdir

d = tmpdir()
out = os.path.join(d, "never.pcapng")
text = os.path.join(d, "page.html")
with open(text, "w") as f:
    f.write("<!DOCTYPE html><p>not a capture</p>\n")
busy = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
busy.bind(("127.0.0.1", 0))
busy_port = busy.getsockname()[1]
port = free_port()

cases = [
    (["capture", "udp//127.0.0.1:9000", "-w", out], "expected udp://"),
    (["capture", "tcp://127.0.0.1:9000", "-w", out], "unknown scheme 'tcp'"),
    (["capture", "udp://127.0.0.1", "-w", out], "expected udp://HOST:PORT"),
    (["capture", "udp://127.0.0.1:70000", "-w", out], "port '70000'"),
    (["capture", "udp://127.0.0.300:9000", "-w", out], "'127.0.0.300' is not an IPv4"),
    (["capture", "udp://::1:9000", "-w", out], "expected udp://HOST:PORT"),
    (["capture", "udp://127.0.0.1:9000%nosuchif0", "-w", out], "no interface named 'nosuchif0'"),
    (["capture", f"udp://127.0.0.1:{port}", "-w", out, "--bogus"], "unknown option '--bogus'"),
    (["capture", f"udp://127.0.0.1:{port}", "-w", out, "--batch", "0"], "out of range for --batch"),
    (["capture", f"udp://127.0.0.1:{port}", "-w", out, "--stamp", "best"], "not a choice for --stamp"),
    (["capture", f"udp://127.0.0.1:{port}", "-w", out, "-c", "x"], "not a number for --count"),
    (["capture", f"udp://127.0.0.1:{port}", "-w"], "missing argument for '-w'"),
    (["capture", f"udp://127.0.0.1:{port}"], "no output file"),
    (["capture", "-w", out], "no endpoint given"),
    (["capture", f"udp://127.0.0.1:{busy_port}", "-w", out], f"port {busy_port} is already in use"),
    (["capture", f"udp://127.0.0.1:{port}", "-w", os.path.join(d, "no/such/dir/x.pcapng")],
     "cannot write"),
    (["capture", f"udp://127.0.0.1:{port}", "-w", out, "--stamp", "hw"],
     "does not timestamp received packets in hardware"),
    (["capture", f"udp://0.0.0.0:{port}", "-w", out, "--stamp", "hw"], "needs the interface"),
    (["capture", f"udp://[fe80::1]:{port}", "-w", out], "a link-local address needs the interface"),
    (["capture", f"udp://[ff02::1:5]:{port}", "-w", out], "a link-local address needs the interface"),
    (["capture", f"udp://127.0.0.1:{port}", "-w", out, "--ring-bufs", "3"], "not a power of 2"),
    # Linux stamps packets in CLOCK_REALTIME only; the error lists what it offers.
    (["capture", f"udp://127.0.0.1:{port}", "-w", out, "--clock", "bintime"],
     "the linux backend does not stamp packets with that clock (it offers auto, realtime)"),
    (["capture", f"udp://127.0.0.1:{port}", "-w", out, "--clock", "realtime", "--stamp", "none"],
     "--stamp none takes no kernel stamps"),
    (["capture", "wire:tscap-no-such0", "-w", out], "no interface named 'tscap-no-such0'"),
    (["capture", "wire:lo", "-f", "udp port", "-w", out], "syntax error"),
    (["capture", "wire:lo", "-f", "udp and port 99999", "-w", out], "port 99999"),
    (["capture", "wire:lo?filter=", "-w", out], "?filter= is empty"),
    (["capture", f"udp://127.0.0.1:{port}", "--direction", "in", "-w", out],
     "--direction applies to wire:IFACE and pcap:IFACE"),
    (["capture", f"udp://127.0.0.1:{port}", "--promisc", "-w", out], "--promisc applies to"),
    (["capture", "pcap:lo", "--threads", "2", "-w", out], "would see every frame once per thread"),
    (["capture", "pcap:lo", "--rx", "uring", "-w", out], "receives through libpcap"),
    (["capture", "pcap:lo", "--stamp", "hw", "-w", out], "offers no adapter time stamps"),
    (["capture", "pcap:any", f"udp://127.0.0.1:{port}", "-w", out],
     "capture them into separate files"),
    (["send", "wire:lo"], "only udp://HOST:PORT works here"),
    (["frobnicate"], "unknown command 'frobnicate'"),
    (["read", os.path.join(d, "missing.pcapng")], "No such file"),
    (["read", text], "not a pcapng or pcap file (starts with 3c 21 44 4f)"),
]
for args, expect in cases:
    try:
        r = subprocess.run([TSCAP, *args], capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        check(False, f"tscap {' '.join(args)} hangs")
        continue
    lines = r.stderr.strip().splitlines()
    check(r.returncode not in (0,) and r.returncode > 0,
          f"tscap {' '.join(args)}: non-zero exit, no crash (got {r.returncode})")
    check(len(lines) == 1 and expect in lines[0] and lines[0].startswith("tscap: "),
          f"tscap {' '.join(args)}: one line naming the problem '{expect}', got {lines}")
    check(not os.path.exists(out), f"tscap {' '.join(args)}: no file left behind")
busy.close()

# Read-only directory for a non-root user is not testable as root; an
# existing directory as the output path is.
r = subprocess.run([TSCAP, "capture", f"udp://127.0.0.1:{port}", "-w", d], capture_output=True,
                   text=True, timeout=20)
check(r.returncode == 1 and "Is a directory" in r.stderr, f"a directory as output: {r.stderr}")

# The clock Linux does offer is taken: the capture runs and ends cleanly.
r = subprocess.run([TSCAP, "capture", f"udp://127.0.0.1:{port}", "-w", out, "--clock", "realtime",
                    "--duration", "0.2", "-q"], capture_output=True, text=True, timeout=20)
check(r.returncode == 0 and os.path.getsize(out) > 0,
      f"--clock realtime on Linux captures: rc {r.returncode}, {r.stderr.strip()}")
done()
