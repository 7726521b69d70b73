"""Least privilege and safe output files. While a capture runs (after
setup, still capturing), /proc/PID/status of every one of its threads
shows: with -Z nobody, and by default under sudo (SUDO_UID/SUDO_GID), the
user's uid/gid/groups and no capability at all (CapInh, CapPrm, CapEff,
CapBnd, CapAmb all 0, NoNewPrivs 1); -Z root keeps root; a binary given
cap_net_bind_service,cap_net_raw,cap_net_admin with setcap, run by
nobody, binds a port below 1024 and then holds no capability. Output
files belong to that user, with mode 0644 less the umask. A symbolic
link planted at the output path (in a sticky shared directory or not)
is refused with one line and its target left alone; --no-clobber
refuses an existing file."""
import os
import pwd
import shutil
import signal
import socket
import stat
import struct
import subprocess
import time

from tsctest import TSCAP, check, done, free_port, send, skip, summary, tmpdir, tshark

if os.geteuid() != 0:
    skip("switching users and planting files for other users needs root")
try:
    NOBODY = pwd.getpwnam("nobody")
except KeyError:
    skip("no user 'nobody' on this machine")
ZERO = "0000000000000000"
CAPS = ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")

d = tmpdir()
shared = os.path.join(d, "shared")  # like /tmp: sticky, everyone writes
os.mkdir(shared)
os.chmod(d, 0o755)
os.chmod(shared, 0o1777)
os.umask(0o022)


def status(pid):
    """{task id: {field: value}} for every thread of pid."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        fields = {}
        with open(f"/proc/{pid}/task/{tid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                fields[k] = v.strip()
        out[tid] = fields
    return out


def start(args, out, env=None, binary=TSCAP, **popen):
    port = popen.pop("port", None) or free_port()
    p = subprocess.Popen([binary, "capture", f"udp://127.0.0.1:{port}", "-w", out, "-q", *args],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                         env=env, **popen)
    end = time.time() + 10
    while time.time() < end and not os.path.exists(out) and p.poll() is None:
        time.sleep(0.02)
    time.sleep(0.1)  # the file exists: the drop happened just before it
    return p, port


def finish(p, port, n=20):
    """Still capturing: n datagrams in; then stop and return stderr."""
    send("127.0.0.1", port, [100] * n)
    time.sleep(0.3)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=30)
    return p.returncode, err


def expect_dropped(p, uid, gid, what, bnd=True):
    if p.poll() is not None:
        check(False, f"{what}: the capture is running ({p.stderr.read()})")
        return
    tasks = status(p.pid)
    for tid, st in tasks.items():
        ids = f"{uid}\t{uid}\t{uid}\t{uid}", f"{gid}\t{gid}\t{gid}\t{gid}"
        check(st["Uid"] == ids[0] and st["Gid"] == ids[1],
              f"{what}: thread {tid} runs as {uid}:{gid}: Uid {st['Uid']!r} Gid {st['Gid']!r}")
        caps = [c for c in CAPS if c != "CapBnd" or bnd]
        check(all(st[c] == ZERO for c in caps),
              f"{what}: thread {tid} holds no capability: {[(c, st[c]) for c in CAPS]}")
        check(st.get("NoNewPrivs") == "1", f"{what}: thread {tid} NoNewPrivs 1")
    return tasks


def file_ok(path, uid, mode, n, what):
    st = os.lstat(path)
    check(stat.S_ISREG(st.st_mode) and st.st_uid == uid and stat.S_IMODE(st.st_mode) == mode,
          f"{what}: {os.path.basename(path)} is a file of uid {uid} mode {mode:o} "
          f"(uid {st.st_uid} mode {stat.S_IMODE(st.st_mode):o})")
    rows = tshark(path, ["udp.length"])
    check(len(rows) == n, f"{what}: the {n} datagrams sent after the drop are in it ({len(rows)})")


# -Z nobody: one thread, two (every thread must have dropped), io_uring
# (its ring is set up before the drop).
probe = subprocess.run([TSCAP, "capture", f"udp://127.0.0.1:{free_port()}", "--rx", "uring", "-w",
                        "/dev/null", "--duration", "0.01"], capture_output=True, text=True, timeout=30)
uring = [] if "--rx uring:" in probe.stderr else [("1", "uring", [])]


def tcp_port():
    t = socket.socket()
    t.bind(("127.0.0.1", 0))
    port = t.getsockname()[1]
    t.close()
    return port


# --metrics starts an HTTP server thread: after the drop, so it has none either.
metrics = ([("1", "auto", ["--metrics", f"127.0.0.1:{tcp_port()}"])]
           if "--metrics" in subprocess.run([TSCAP, "capture", "--help"], capture_output=True,
                                            text=True).stdout else [])
for threads, rx, more in [("1", "auto", []), ("2", "auto", [])] + uring + metrics:
    out = os.path.join(shared, f"z{threads}{rx}{len(more)}.pcapng")
    p, port = start(["-Z", "nobody", "--threads", threads, "--rx", rx, *more], out)
    if more:
        check(p.poll() is None and len(status(p.pid)) >= 2,
              f"--metrics: the server thread runs ({p.poll()})")
    expect_dropped(p, NOBODY.pw_uid, NOBODY.pw_gid,
                   f"-Z nobody --threads {threads} --rx {rx} {' '.join(more)}")
    groups = status(p.pid)
    rc, err = finish(p, port)
    check(rc == 0, f"-Z nobody --threads {threads} --rx {rx} {' '.join(more)}: exit 0 ({err})")
    for f in ([out] if threads == "1" else [out.replace(".pcapng", f".{t}.pcapng") for t in (0, 1)]):
        st = os.lstat(f)
        check(st.st_uid == NOBODY.pw_uid and stat.S_IMODE(st.st_mode) == 0o644,
              f"-Z nobody: {os.path.basename(f)} belongs to nobody, mode 644")
    if threads == "1" and not more:
        file_ok(out, NOBODY.pw_uid, 0o644, 20, "-Z nobody")
        g = next(iter(groups.values()))["Groups"].split()
        check(g == [str(NOBODY.pw_gid)] or set(g) <= {str(x) for x in os.getgrouplist("nobody", NOBODY.pw_gid)},
              f"-Z nobody: nobody's groups only, none of root's: {g}")

# Under sudo, as root: the invoking user, by default.
env = dict(os.environ, SUDO_UID=str(NOBODY.pw_uid), SUDO_GID=str(NOBODY.pw_gid), SUDO_USER="nobody")
out = os.path.join(shared, "sudo.pcapng")
p, port = start([], out, env=env)
expect_dropped(p, NOBODY.pw_uid, NOBODY.pw_gid, "sudo, no -Z")
rc, err = finish(p, port)
check(rc == 0, f"sudo: exit 0 ({err})")
file_ok(out, NOBODY.pw_uid, 0o644, 20, "sudo")

# -Z root (also under sudo) keeps root and its capabilities.
out = os.path.join(shared, "root.pcapng")
p, port = start(["-Z", "root"], out, env=env)
st = next(iter(status(p.pid).values()))
check(st["Uid"].split() == ["0"] * 4 and st["CapEff"] != ZERO,
      f"-Z root: still root with capabilities ({st['Uid']}, CapEff {st['CapEff']})")
rc, err = finish(p, port)
check(rc == 0 and os.lstat(out).st_uid == 0, f"-Z root: exit 0, the file is root's ({err})")

# The umask is respected, and nothing is ever more open than 0644.
for mask, mode in ((0o077, 0o600), (0o027, 0o640), (0o000, 0o644)):
    out = os.path.join(shared, f"umask{mask:o}.pcapng")
    port = free_port()
    p = subprocess.Popen([TSCAP, "capture", f"udp://127.0.0.1:{port}", "-w", out, "-q", "-Z",
                          "nobody", "-C", "1k"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, preexec_fn=lambda m=mask: os.umask(m))
    end = time.time() + 10
    while time.time() < end and p.poll() is None and not any(
            f.startswith(f"umask{mask:o}_") for f in os.listdir(shared)):
        time.sleep(0.02)
    rc, err = finish(p, port, 30)
    files = sorted(f for f in os.listdir(shared) if f.startswith(f"umask{mask:o}_"))
    modes = {stat.S_IMODE(os.lstat(os.path.join(shared, f)).st_mode) for f in files}
    check(rc == 0 and len(files) > 1 and modes == {mode},
          f"umask {mask:03o}: every rotated file has mode {mode:o}: {len(files)} files, {modes} ({err})")

# A binary with file capabilities, run by nobody: it binds a port below
# 1024 (so the capability was there), then holds none.
with open("/proc/sys/net/ipv4/ip_unprivileged_port_start") as f:
    unpriv = int(f.read())
low = None
for cand in range(min(unpriv, 1024) - 1, 600, -1):
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", cand))
        s.close()
        low = cand
        break
    except OSError:
        continue
bindir = os.path.join(d, "bin")
os.mkdir(bindir)
os.chmod(bindir, 0o755)
capbin = os.path.join(bindir, "tscap")
shutil.copy(TSCAP, capbin)
os.chmod(capbin, 0o755)
# vfs_cap_data revision 2, effective: cap_net_bind_service (10), cap_net_admin (12), cap_net_raw (13)
want = (1 << 10) | (1 << 12) | (1 << 13)
try:
    os.setxattr(capbin, "security.capability", struct.pack("<IIIII", 0x02000001, want, 0, 0, 0))
    have_xattr = True
except OSError as e:
    have_xattr = False
    print(f"note: no file capabilities here ({e}); the setcap case is not tested", flush=True)
if have_xattr and low:
    out = os.path.join(shared, "setcap.pcapng")
    p, port = start([], out, binary=capbin, port=low, user=NOBODY.pw_uid, group=NOBODY.pw_gid,
                    extra_groups=[])
    check(p.poll() is None, f"setcap'd tscap run by nobody binds port {low} < {unpriv}")
    if p.poll() is None:
        expect_dropped(p, NOBODY.pw_uid, NOBODY.pw_gid, "setcap, run by nobody", bnd=False)
        rc, err = finish(p, port)
        check(rc == 0, f"setcap: exit 0 ({err})")
        file_ok(out, NOBODY.pw_uid, 0o644, 20, "setcap")
    # without the capability the same bind fails, so the test above means something
    os.removexattr(capbin, "security.capability")
    r = subprocess.run([capbin, "capture", f"udp://127.0.0.1:{low}", "-w",
                        os.path.join(shared, "nocap.pcapng"), "-c", "1"], user=NOBODY.pw_uid,
                       group=NOBODY.pw_gid, extra_groups=[], capture_output=True, text=True,
                       timeout=30)
    check(r.returncode == 1 and "needs privilege (CAP_NET_BIND_SERVICE)" in r.stderr,
          f"without it, nobody cannot bind port {low}: {r.returncode} {r.stderr!r}")

# A symbolic link planted at the output path: refused, its target untouched.
victim = os.path.join(d, "victim")
with open(victim, "w") as f:
    f.write("precious\n")
for where in (shared, d):
    for target in (victim, os.path.join(d, "not-there")):
        link = os.path.join(where, "planted.pcapng")
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(target, link)
        r = subprocess.run([TSCAP, "capture", f"udp://127.0.0.1:{free_port()}", "-w", link,
                            "-c", "1"], capture_output=True, text=True, timeout=30)
        lines = r.stderr.strip().splitlines()
        check(r.returncode == 1 and len(lines) == 1 and
              "is a symbolic link, which tscap does not follow" in lines[0],
              f"symlink in {where} to {os.path.basename(target)}: exit 1, one line ({r.stderr!r})")
        check(open(victim).read() == "precious\n" and not os.path.exists(os.path.join(d, "not-there")),
              "the link's target is untouched and nothing is created through it")
        check(os.path.islink(link), "the link is left as it was")

# --no-clobber: an existing file is refused and kept; a new one is made.
out = os.path.join(shared, "keep.pcapng")
with open(out, "w") as f:
    f.write("mine\n")
r = subprocess.run([TSCAP, "capture", f"udp://127.0.0.1:{free_port()}", "-w", out, "-c", "1",
                    "--no-clobber"], capture_output=True, text=True, timeout=30)
check(r.returncode == 1 and r.stderr.strip().splitlines() == [
    f"tscap: cannot write {out}: it exists (--no-clobber)"] and open(out).read() == "mine\n",
      f"--no-clobber refuses an existing file and keeps it: {r.stderr!r}")
out = os.path.join(shared, "fresh.pcapng")
p, port = start(["--no-clobber", "-Z", "nobody"], out)
rc, err = finish(p, port, 5)
check(rc == 0 and summary(err)["written"] == 5, f"--no-clobber writes a new file: {err}")

# After the drop the user must be able to create the file: one clear line.
closed = os.path.join(d, "closed")
os.mkdir(closed, 0o755)
r = subprocess.run([TSCAP, "capture", f"udp://127.0.0.1:{free_port()}", "-w",
                    os.path.join(closed, "x.pcapng"), "-Z", "nobody", "-c", "1"],
                   capture_output=True, text=True, timeout=30)
check(r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1 and
      "Permission denied" in r.stderr and not os.listdir(closed),
      f"-Z nobody into a directory nobody cannot write: exit 1, one line ({r.stderr!r})")

# Bad -Z: one line, exit 1, no file.
out = os.path.join(shared, "nouser.pcapng")
r = subprocess.run([TSCAP, "capture", f"udp://127.0.0.1:{free_port()}", "-w", out, "-Z",
                    "no-such-user-x"], capture_output=True, text=True, timeout=30)
check(r.returncode == 1 and r.stderr.strip() == "tscap: capture: -Z no-such-user-x: no such user" and
      not os.path.exists(out), f"-Z with an unknown user: {r.stderr!r}")
shutil.rmtree(d)
done()
