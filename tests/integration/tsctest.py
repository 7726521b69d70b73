"""Shared helpers for tscap's integration tests: run the real binary, send
real datagrams on loopback, read files back with independent readers.

Every load here is bounded in count and time, goes only to loopback, and
every process a test starts is stopped by the test."""
import atexit
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

# The tests are written against Linux (SO_TIMESTAMPING, /proc, ip netns):
# on another backend each says so and is skipped.
if os.environ.get("TSCAP_BACKEND", "linux") != "linux":
    print(f"SKIP: Linux-only test; this build's backend is {os.environ['TSCAP_BACKEND']}",
          file=sys.stderr)
    sys.exit(77)

TSCAP = os.environ.get("TSCAP", "tscap")
# Under sudo, tscap capture drops to the invoking user by default, who
# cannot write into the tests' root-owned temporary directories: the
# tests run tscap as whoever runs them (test_privileges sets these itself).
os.environ.pop("SUDO_UID", None)
os.environ.pop("SUDO_GID", None)
PCAP_NS_DUMP = os.environ.get("PCAP_NS_DUMP", "pcap_ns_dump")
FAILS = []


def skip(reason):
    print(f"SKIP: {reason}", file=sys.stderr)
    sys.exit(77)


def check(cond, what):
    """Record a failed expectation (and go on, to show all of them)."""
    if not cond:
        FAILS.append(what)
        print(f"FAIL: {what}", file=sys.stderr)
    return cond


def done():
    print(f"{1 if not FAILS else 0} passed, {1 if FAILS else 0} failed")
    sys.exit(1 if FAILS else 0)


def need(tool):
    if not shutil.which(tool):
        skip(f"{tool} is not installed (tools/check installs it)")


def tmpdir():
    """A scratch directory, removed when the test exits unless it failed
    (kept then, to look at)."""
    d = tempfile.mkdtemp(prefix="tscap-it-")
    atexit.register(lambda: FAILS or shutil.rmtree(d, ignore_errors=True))
    return d


def free_port(family=socket.AF_INET):
    """A UDP port nobody has bound on either stack right now."""
    for _ in range(100):
        s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s4.bind(("127.0.0.1", 0))
        port = s4.getsockname()[1]
        s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        try:
            s6.bind(("::1", port))
            return port
        except OSError:
            continue
        finally:
            s4.close()
            s6.close()
    raise RuntimeError("no free UDP port")


def _udp_sockets():
    """(local port, bytes queued to receive) of every UDP socket."""
    rows = []
    for path in ("/proc/net/udp", "/proc/net/udp6"):
        try:
            with open(path) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    rows.append((int(fields[1].rsplit(":", 1)[1], 16),
                                 int(fields[4].split(":")[1], 16)))
        except OSError:
            pass
    return rows


def _bound_ports():
    return {port for port, _ in _udp_sockets()}


def wait_bound(proc, ports, timeout=10):
    """Until proc (a tscap that opens UDP sockets: capture, reflect) has
    bound every port; it turns stamping on before it binds, so bound
    means ready."""
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"tscap exited early: {proc.stderr.read() if proc.stderr else ''}")
        if set(ports) <= _bound_ports():
            return
        time.sleep(0.02)
    raise RuntimeError(f"tscap did not bind {sorted(ports)} in time")


class Capture:
    """tscap capture running in the background."""

    def __init__(self, endpoints, out, *args, stdout=None):
        self.cmd = [TSCAP, "capture", *endpoints, "-w", out, "-q", *args]
        self.proc = subprocess.Popen(self.cmd, stdout=stdout or subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        self.stderr = ""
        self.ports = set()

    def wait_bound(self, ports, timeout=10):
        self.ports = set(ports)
        wait_bound(self.proc, ports, timeout)

    def wait_drained(self, timeout=20):
        """Until nothing is queued on the capture's sockets (or timeout).
        A stopped capture reads what is queued for a bounded time only
        and says how much it left uncounted; the tests that count every
        datagram stop it once it has read them all, however slow the
        machine (ASan, a loaded VM) made it."""
        end = time.time() + timeout
        while time.time() < end and self.proc.poll() is None:
            if not any(q for port, q in _udp_sockets() if port in self.ports):
                return
            time.sleep(0.02)

    def stop(self, sig=signal.SIGINT, timeout=60):
        if self.proc.poll() is None:
            self.wait_drained()
            self.proc.send_signal(sig)
        return self.wait(timeout)

    def wait(self, timeout=60):
        try:
            _, self.stderr = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, self.stderr = self.proc.communicate()
            raise
        return self.proc.returncode


def summary(stderr):
    """The totals line: 'N received, D dropped by the kernel, W written to F'."""
    m = re.search(r"tscap: (\d+) received, (\d+) dropped by the kernel, (\d+) written", stderr)
    if not m:
        raise AssertionError(f"no summary in stderr: {stderr!r}")
    return {"received": int(m[1]), "dropped": int(m[2]), "written": int(m[3])}


_PATTERN = bytes(i & 0xFF for i in range(70000 + 256))


def _fill(seq, start, end):
    """Bytes (seq + j) & 0xff for j in [start, end): a slice of _PATTERN."""
    o = (seq + start) & 0xFF
    return _PATTERN[o:o + (end - start)]


def payload(seq, size):
    """Sequence number and the sender's CLOCK_REALTIME ns just before send
    in the first 16 bytes (when the size allows), then a known pattern."""
    t = time.time_ns()
    if size < 16:
        return _fill(seq, 0, size), t
    return struct.pack("<QQ", seq, t) + _fill(seq, 16, size), t


def pattern_ok(data, seq):
    """data equals what payload(seq, len(data)) produced, clock aside."""
    if len(data) < 16:
        return data == _fill(seq, 0, len(data))
    return struct.unpack("<Q", data[:8])[0] == seq and data[16:] == _fill(seq, 16, len(data))


def send(host, port, sizes, family=socket.AF_INET, first_seq=0):
    """Send one datagram per size; returns [(seq, size, sender_ns)]."""
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    sent = []
    for i, size in enumerate(sizes):
        seq = first_seq + i
        data, t = payload(seq, size)
        s.sendto(data, (host, port))
        sent.append((seq, size, t))
    s.close()
    return sent


READ_LINE = re.compile(r"^(\d+) (-?\d+\.\d{9}) (\S+) (\S+) > (\S+) (\S+)(.*)$")


def tscap_read(path):
    """Packets and '#' lines of `tscap read`."""
    r = subprocess.run([TSCAP, "read", path], capture_output=True, text=True, timeout=300)
    pkts, notes = [], []
    for line in r.stdout.splitlines():
        if line.startswith("#"):
            notes.append(line)
            continue
        m = READ_LINE.match(line)
        if not m:
            raise AssertionError(f"unparsable tscap read line: {line!r}")
        p = {"index": int(m[1]), "time": m[2], "source": m[3], "src": m[4], "dst": m[5],
             "proto": m[6], "stamps": {}}
        for kv in m[7].split():
            k, _, v = kv.partition("=")
            if k in ("payload", "len", "caplen", "drops"):
                p[k] = int(v)
            elif v:
                p["stamps"][k] = v
        p["stamps"][p["source"]] = p["time"]
        pkts.append(p)
    return r.returncode, pkts, notes, r.stderr


def ns(text):
    """'1795436732.291331584' -> int ns, exactly."""
    sec, _, frac = text.partition(".")
    return int(sec) * 1_000_000_000 + int(frac.ljust(9, "0"))


def tshark(path, fields, *opts, display_filter=None):
    """Rows of tshark -T fields; fails the test on any warning tshark prints."""
    cmd = ["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=/t", *opts]
    if display_filter:
        cmd += ["-Y", display_filter]
    for f in fields:
        cmd += ["-e", f]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    noise = [l for l in r.stderr.splitlines() if l.strip() and "Running as user" not in l]
    check(r.returncode == 0 and not noise, f"tshark read {path} cleanly: rc={r.returncode} {noise[:3]}")
    return [line.split("\t") for line in r.stdout.splitlines()]
