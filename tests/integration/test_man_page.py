"""The manual page: groff renders it without a warning (-ww), and it
covers what the binary has: every command (synopsis, COMMANDS, OPTIONS,
EXIT STATUS), every option each command's --help lists, and the exit
codes it documents for the cases this test can make happen. Also the
habits around it: tscap --version, tscap help COMMAND = COMMAND --help,
one-line errors with exit 1 for bad usage."""
import atexit
import os
import re
import shutil
import socket
import subprocess

from aptget import ensure
from tsctest import FAILS, TSCAP, check, done, tmpdir

ensure("groff", "groff-base")
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
MAN = os.path.join(ROOT, "man", "tscap.1")
tmp = tmpdir()
atexit.register(lambda: FAILS or shutil.rmtree(tmp, ignore_errors=True))  # kept on failure


def run(*args, timeout=30):
    return subprocess.run([TSCAP, *args], capture_output=True, text=True, timeout=timeout)


r = subprocess.run(["groff", "-man", "-ww", "-z", MAN], capture_output=True, text=True,
                   timeout=60)
check(r.returncode == 0 and not r.stderr.strip(),
      f"groff -man -ww -z: rc={r.returncode}: {r.stderr.strip()[:600]}")

src = open(MAN, encoding="utf-8").read()
plain = re.sub(r"\\f[RBIP]|\\c", "", src).replace("\\-", "-").replace("\\(aq", "'")


def section(text, head, level):
    """Lines from `.SH head` / `.SS head` to the next heading of that level
    or higher ('' if there is none)."""
    pat = r"^\.%s \"?%s\"?\n(.*?)(?=^\.S[H%s] |\Z)" % (
        level, re.escape(head), "S" if level == "SS" else "")
    m = re.search(pat, text, re.S | re.M)
    return m[1] if m else ""


commands = re.findall(r"^  (\w+) ", run("--help").stdout, re.M)
check(len(commands) >= 7, f"tscap --help lists {commands}")
options_sh = section(plain, "OPTIONS", "SH")
exit_sh = section(plain, "EXIT STATUS", "SH")
every = section(options_sh, "every command", "SS")
for cmd in commands:
    check(re.search(r"^\.B tscap %s\b" % cmd, plain, re.M), f"SYNOPSIS lacks tscap {cmd}")
    check(re.search(r'^\.BI? "?%s\b' % cmd, section(plain, "COMMANDS", "SH"), re.M),
          f"COMMANDS lacks {cmd}")
    mine = section(options_sh, cmd, "SS")
    check(mine, f"OPTIONS has no .SS {cmd}")
    h = run(cmd, "--help")
    check(h.returncode == 0, f"tscap {cmd} --help: rc={h.returncode}")
    for line in h.stdout.splitlines():
        m = re.match(r"^  (-\w)?(?:, )?\s*(--[\w-]+)", line)
        if not m:
            continue
        for opt in filter(None, m.groups()):
            # As a word: "-s" must not match inside "--size".
            found = any(re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(opt), t)
                        for t in (mine, every))
            check(found, f"man page: {cmd} {opt} is not documented under OPTIONS")
    codes = re.findall(r"^\.B (\d)$", section(exit_sh, cmd, "SS"), re.M)
    check(codes[:2] == ["0", "1"], f"EXIT STATUS of {cmd}: codes {codes}")
    # Habits: help COMMAND is COMMAND --help; bad usage is one line and 1.
    hh = run("help", cmd)
    check(hh.returncode == 0 and hh.stdout == h.stdout, f"tscap help {cmd} != {cmd} --help")
    bad = run(cmd, "--no-such-option")
    check(bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1 and
          "--no-such-option" in bad.stderr, f"tscap {cmd} --no-such-option: rc="
          f"{bad.returncode} {bad.stderr.strip()[:200]!r}")

# The global codes.
v = run("--version")
version = re.search(r"^project\(tscap VERSION ([\d.]+)",
                    open(os.path.join(ROOT, "CMakeLists.txt")).read(), re.M)[1]
check(v.returncode == 0 and re.fullmatch(r"tscap %s(-\S+)?\n" % re.escape(version), v.stdout),
      f"tscap --version: {v.stdout!r} (project version {version})")
check(run().returncode == 1 and run("nope").returncode == 1, "tscap / tscap nope should exit 1")
check(run("help", "nope").returncode == 1, "tscap help nope should exit 1")
check(run("--help").returncode == 0 and run("help").returncode == 0, "tscap --help: exit 0")

# Documented codes the test can provoke cheaply.
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
closed = s.getsockname()[1]
s.close()
p = run("ping", f"udp://127.0.0.1:{closed}", "-c", "2", "-i", "10", "--timeout", "0.2", "-q")
check(p.returncode == 2, f"ping with no reflector: rc={p.returncode} (EXIT STATUS: 2)")
junk = os.path.join(tmp, "junk")
open(junk, "w").write("not a capture\n")
check(run("read", junk).returncode == 1, "read of a non-pcap file: EXIT STATUS says 1")
check(run("probe", "no-such-if0").returncode == 1, "probe of a missing interface: 1")
check(run("capture", "udp://127.0.0.1:1", "-w", "/nonexistent/dir/x.pcapng").returncode == 1,
      "capture to an unwritable file: EXIT STATUS says 1")
check(run("read", "x", "--plot", "/nonexistent/dir/x.svg").returncode == 1, "read --plot: 1")
done()
