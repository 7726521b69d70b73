"""tscap matrix, checked cell by cell: this file re-implements every cell
(which socket control message arrives on which socket kind, with the right
content) in plain Python over the same syscalls, runs it live on this
kernel, and compares with `tscap matrix --json`. Run with --self to print
only the table computed here."""
import errno
import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

from tsctest import TSCAP, check, done

SOL_SOCKET, SOL_IP, SOL_IPV6 = 1, 0, 41
SOF_RX = 0x8 | 0x10                    # RX_SOFTWARE | SOFTWARE
SOF_TX = 0x2 | 0x10 | 0x80 | 0x800     # TX_SOFTWARE | SOFTWARE | OPT_ID | OPT_TSONLY
STATES = ("ok", "not_compiled", "refused", "nothing", "wrong")
U, D, Q = socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.SOCK_SEQPACKET
AF_UNIX, AF_INET, AF_INET6 = socket.AF_UNIX, socket.AF_INET, socket.AF_INET6
COLUMNS = [("unix stream", AF_UNIX, U), ("unix dgram", AF_UNIX, D),
           ("unix seqpacket", AF_UNIX, Q), ("inet udp", AF_INET, D), ("inet tcp", AF_INET, U),
           ("inet6 udp", AF_INET6, D), ("inet6 tcp", AF_INET6, U)]


def now():
    return time.clock_gettime_ns(time.CLOCK_REALTIME)


class Refused(Exception):
    pass


def setopt(sock, level, opt, val, name):
    try:
        sock.setsockopt(level, opt, val)
    except OSError as e:
        raise Refused(f"setsockopt {name}: {e.strerror}") from None


def make_pair(fam, typ):
    """(receiver, sender), fresh for each cell."""
    if fam == AF_UNIX:
        return socket.socketpair(AF_UNIX, typ)
    host = "127.0.0.1" if fam == AF_INET else "::1"
    if typ == D:
        r = socket.socket(fam, D)
        r.bind((host, 0))
        s = socket.socket(fam, D)
        s.connect(r.getsockname())
        return r, s
    with socket.socket(fam, U) as lst:
        lst.bind((host, 0))
        lst.listen(1)
        s = socket.create_connection(lst.getsockname()[:2])
        r, _ = lst.accept()
        return r, s


class Child:
    """The sender in a forked process, so that pid/creds/pidfd name someone
    else than the receiver. It speaks JSON lines on one pipe and waits for
    words on another; it stays alive until finish() so its pid is valid
    while the parent inspects what arrived."""

    def __init__(self, body):
        cmd_r, self.cmd_w = os.pipe()
        self.rep_r, rep_w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(self.cmd_w)
            os.close(self.rep_r)
            self.cmd_r, self.rep_w = cmd_r, rep_w
            try:
                try:
                    body(self)
                except (OSError, Refused) as e:
                    self.report(refused=f"sender: {getattr(e, 'strerror', None) or e}")
                self.wait_word()  # "done", or EOF when the parent is gone
            finally:
                os._exit(0)
        os.close(cmd_r)
        os.close(rep_w)

    def report(self, **kw):  # child side
        os.write(self.rep_w, (json.dumps(kw) + "\n").encode())

    def wait_word(self):  # child side
        buf = b""
        while not buf.endswith(b"\n"):
            b = os.read(self.cmd_r, 1)
            if not b:
                break
            buf += b
        return buf.strip().decode()

    def read_report(self, timeout=5.0):  # parent side
        buf, end = b"", time.monotonic() + timeout
        while not buf.endswith(b"\n"):
            left = end - time.monotonic()
            if left <= 0 or not select.select([self.rep_r], [], [], left)[0]:
                raise Refused("sender did not report")
            b = os.read(self.rep_r, 4096)
            if not b:
                raise Refused("sender died")
            buf += b
        rep = json.loads(buf)
        if "refused" in rep:
            raise Refused(rep["refused"])
        return rep

    def tell(self, word):
        os.write(self.cmd_w, (word + "\n").encode())

    def finish(self):
        try:
            self.tell("done")
        except OSError:
            pass
        os.close(self.cmd_w)
        os.close(self.rep_r)
        for _ in range(500):
            if os.waitpid(self.pid, os.WNOHANG)[0]:
                return
            time.sleep(0.01)
        os.kill(self.pid, signal.SIGKILL)  # ours, and stuck
        os.waitpid(self.pid, 0)


def receive(sock, timeout=1.0):
    """(data, ancillary) or None if nothing arrived in time."""
    if not select.select([sock], [], [], timeout)[0]:
        return None
    data, anc, _, _ = sock.recvmsg(65536, 4096)
    return data, anc


def close_fds(anc):
    """Fds the kernel installed in us (SCM_RIGHTS, SCM_PIDFD) are ours to close."""
    for level, typ, data in anc:
        if level == SOL_SOCKET and typ in (1, 4):
            for (fd,) in struct.iter_unpack("i", data[:len(data) // 4 * 4]):
                os.close(fd)


def first(anc, want):
    return next((d for lv, ty, d in anc if (lv, ty) in want), None)


def shown(anc):
    return " ".join(f"({lv},{ty})" for lv, ty, _ in anc) or "none"


# ---- content checks: (payload bytes, ctx) -> (ok, reason) ----

def in_window(ns, ctx, unit_ns=1):
    """before <= stamp <= after, with before floored to the stamp's unit."""
    lo, hi = ctx["before"] // unit_ns * unit_ns, ctx["after"]
    return lo <= ns <= hi, f"stamp {ns} ns, window [{lo}, {hi}]"


def chk_timeval(d, ctx):
    sec, usec = struct.unpack_from("qq", d)
    return in_window((sec * 1_000_000 + usec) * 1000, ctx, 1000)


def chk_timespec(d, ctx):
    sec, nsec = struct.unpack_from("qq", d)
    return in_window(sec * 1_000_000_000 + nsec, ctx)


def chk_rights(d, ctx):
    st = os.fstat(struct.unpack_from("i", d)[0])
    return (st.st_dev, st.st_ino) == ctx["file"], f"fd is dev/ino {st.st_dev}/{st.st_ino}"


def chk_cred(d, ctx):
    pid, uid, gid = struct.unpack_from("iII", d)
    ok = (pid, uid, gid) == (ctx["pid"], os.getuid(), os.getgid())
    return ok, f"pid {pid} uid {uid} gid {gid}, sender pid {ctx['pid']}"


def chk_label(d, ctx):
    label = d.rstrip(b"\0")
    return bool(label), f"label {label!r}"


def chk_pidfd(d, ctx):
    fd = struct.unpack_from("i", d)[0]
    with open(f"/proc/self/fdinfo/{fd}") as f:
        pid = next((int(l.split()[1]) for l in f if l.startswith("Pid:")), None)
    return pid == ctx["pid"], f"pidfd of pid {pid}, sender pid {ctx['pid']}"


def chk_pktinfo(d, ctx):
    lo = socket.if_nametoindex("lo")
    if ctx["fam"] == AF_INET6:
        addr, ifindex = struct.unpack_from("16si", d)
        want = socket.inet_pton(AF_INET6, "::1")
    else:
        ifindex, _, addr = struct.unpack_from("i4s4s", d)
        want = socket.inet_pton(AF_INET, "127.0.0.1")
    fam = AF_INET6 if len(addr) == 16 else AF_INET
    return (ifindex == lo and addr == want,
            f"ifindex {ifindex} (lo {lo}) dst {socket.inet_ntop(fam, addr)}")


def chk_ttl(d, ctx):
    v = struct.unpack_from("i", d)[0]
    return v == 42, f"value {v}, sent 42"


def judge(chk, d, ctx):
    try:
        ok, why = chk(d, ctx)
    except (struct.error, OSError, ValueError) as e:  # short or unusable payload
        return "wrong", f"payload {d!r}: {e}"
    return ("ok" if ok else "wrong"), why


# ---- the cells ----

def run_forked(row, fam, typ, R, S):
    """Receiver options on R, a forked sender, one recvmsg, one check."""
    for level, opt, val, name in row["rx"](fam):
        setopt(R, level, opt, val, name)
    ctx = {"fam": fam}
    tmp = None
    if row["id"] == "rights":
        tmp = tempfile.TemporaryFile(prefix="tscap-it-matrix-")
        st = os.fstat(tmp.fileno())
        ctx["file"] = (st.st_dev, st.st_ino)

    def sender(ch):
        msg = []
        if row["id"] == "rights":
            msg = [(SOL_SOCKET, 1, struct.pack("i", tmp.fileno()))]
        if row["id"] == "ttl":
            if fam == AF_INET6:
                setopt(S, SOL_IPV6, 16, 42, "IPV6_UNICAST_HOPS")
            else:
                setopt(S, SOL_IP, 2, 42, "IP_TTL")
        before = now()
        S.sendmsg([b"x"], msg)
        ch.report(before=before)

    child = Child(sender)
    try:
        ctx["before"] = child.read_report()["before"]
        got = receive(R)
        ctx["after"], ctx["pid"] = now(), child.pid
        if got is None:
            return "nothing", "no data within 1 s"
        data, anc = got
        try:
            d = first(anc, row["want"](fam))
            if d is None:
                return "nothing", f"data arrived with cmsgs {shown(anc)}"
            return judge(row["check"], d, ctx)
        finally:
            close_fds(anc)
    finally:
        child.finish()
        if tmp:
            tmp.close()


def run_tx(row, fam, typ, R, S):
    """TX software stamp on the sender's error queue; no fork needed."""
    setopt(S, SOL_SOCKET, 37, SOF_TX, "SO_TIMESTAMPING_OLD")
    before = now()
    try:
        S.send(b"x")
    except OSError as e:
        raise Refused(f"send: {e.strerror}") from None
    receive(R)  # take the byte, so TCP does not hold back anything
    p = select.poll()
    p.register(S, select.POLLERR)
    if not p.poll(1000):
        return "nothing", "error queue empty after 1 s"
    _, anc, _, _ = S.recvmsg(65536, 4096, socket.MSG_ERRQUEUE)
    ctx = {"before": before, "after": now()}
    d = first(anc, {(SOL_SOCKET, 37)})
    if d is None:
        return "nothing", f"error queue had cmsgs {shown(anc)}"
    ee = first(anc, {(SOL_IP, 11), (SOL_IPV6, 25)})  # IP_RECVERR / IPV6_RECVERR
    if ee is not None:
        eerr, origin = struct.unpack_from("IB", ee)
        if (eerr, origin) != (errno.ENOMSG, 4):
            return "wrong", f"extended error errno {eerr} origin {origin}"
    return judge(chk_timespec, d, ctx)


def run_rxq(row, fam, typ, R, S):
    """Overflow R, drain it, then one more message must carry the drops."""
    setopt(R, SOL_SOCKET, 40, 1, "SO_RXQ_OVFL")
    setopt(R, SOL_SOCKET, socket.SO_RCVBUF, 1024, "SO_RCVBUF")
    msg = b"o" * 200

    def sender(ch):
        sent = 0
        for _ in range(64):
            try:
                S.send(msg, socket.MSG_DONTWAIT)
                sent += 1
            except OSError:  # a full queue refuses some; count the rest
                pass
        ch.report(sent=sent)
        ch.wait_word()
        S.settimeout(2)  # never hang the test on a stuck sender
        S.send(msg)
        ch.report(more=1)

    child = Child(sender)
    try:
        sent = child.read_report()["sent"]
        time.sleep(0.05)  # let loopback's softirq backlog land in R first
        got, seen = 0, False
        while True:
            try:
                _, anc, _, _ = R.recvmsg(65536, 4096, socket.MSG_DONTWAIT)
            except BlockingIOError:
                break
            got += 1
            seen |= first(anc, {(SOL_SOCKET, 40)}) is not None
        child.tell("more")
        child.read_report()
        last = receive(R)
        if last is None:
            return "nothing", "the last message did not arrive"
        d = first(last[1], {(SOL_SOCKET, 40)})
        if d is None and not seen:
            return "nothing", f"sent {sent}, drained {got}, no SO_RXQ_OVFL cmsg"
        v = struct.unpack_from("I", d)[0] if d is not None else 0
        return ("ok" if v == sent - got else "wrong"), f"drops {v}, sent {sent} drained {got}"
    finally:
        child.finish()


def sol(t):  # the cmsg(s) a row wants, per family
    return lambda fam: {(SOL_SOCKET, t)}


def rx_sol(opt, name, val=1):  # receiver options, per family
    return lambda fam: [(SOL_SOCKET, opt, val, name)]


def ip_or_ip6(v4, v6):  # unix columns try the IPv4 variant
    return lambda fam: v6 if fam == AF_INET6 else v4


ROWS = [
    {"id": "rights", "rx": lambda fam: [], "want": sol(1), "check": chk_rights},
    {"id": "credentials", "rx": rx_sol(16, "SO_PASSCRED"), "want": sol(2), "check": chk_cred},
    {"id": "security", "rx": rx_sol(34, "SO_PASSSEC"), "want": sol(3), "check": chk_label},
    {"id": "pidfd", "rx": rx_sol(76, "SO_PASSPIDFD"), "want": sol(4), "check": chk_pidfd},
    {"id": "timestamp_old", "rx": rx_sol(29, "SO_TIMESTAMP_OLD"), "want": sol(29),
     "check": chk_timeval},
    {"id": "timestamp_new", "rx": rx_sol(63, "SO_TIMESTAMP_NEW"), "want": sol(63),
     "check": chk_timeval},
    {"id": "timestampns_old", "rx": rx_sol(35, "SO_TIMESTAMPNS_OLD"), "want": sol(35),
     "check": chk_timespec},
    {"id": "timestampns_new", "rx": rx_sol(64, "SO_TIMESTAMPNS_NEW"), "want": sol(64),
     "check": chk_timespec},
    {"id": "timestamping_rx_old", "rx": rx_sol(37, "SO_TIMESTAMPING_OLD", SOF_RX),
     "want": sol(37), "check": chk_timespec},
    {"id": "timestamping_rx_new", "rx": rx_sol(65, "SO_TIMESTAMPING_NEW", SOF_RX),
     "want": sol(65), "check": chk_timespec},
    {"id": "timestamping_tx", "run": run_tx},
    {"id": "rxq_ovfl", "run": run_rxq},
    {"id": "pktinfo", "rx": ip_or_ip6([(SOL_IP, 8, 1, "IP_PKTINFO")],
                                      [(SOL_IPV6, 49, 1, "IPV6_RECVPKTINFO")]),
     "want": ip_or_ip6({(SOL_IP, 8)}, {(SOL_IPV6, 50)}), "check": chk_pktinfo},
    {"id": "ttl", "rx": ip_or_ip6([(SOL_IP, 12, 1, "IP_RECVTTL")],
                                  [(SOL_IPV6, 51, 1, "IPV6_RECVHOPLIMIT")]),
     "want": ip_or_ip6({(SOL_IP, 2)}, {(SOL_IPV6, 52)}), "check": chk_ttl},
]


def cell(row, fam, typ):
    try:
        R, S = make_pair(fam, typ)
    except OSError as e:
        return "refused", f"socket setup: {e.strerror}"
    try:
        return row.get("run", run_forked)(row, fam, typ, R, S)
    except Refused as e:
        return "refused", str(e)
    finally:
        R.close()
        S.close()


def compute():
    return {row["id"]: [cell(row, fam, typ) for _, fam, typ in COLUMNS] for row in ROWS}


def table(states):
    w = max(len(r) for r in states) + 1
    lines = [" " * w + " ".join(f"{c:>14}" for c, _, _ in COLUMNS)]
    lines += [f"{rid:<{w}}" + " ".join(f"{s:>14}" for s, _ in cells)
              for rid, cells in states.items()]
    return "\n".join(lines)


def tscap(*args, timeout=60):
    try:
        return subprocess.run([TSCAP, "matrix", *args], capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(args, -1, "", f"hung for {timeout} s")


if "--self" in sys.argv[1:]:
    mine = compute()
    print(table(mine))
    for rid, cells in mine.items():
        for (col, _, _), (state, why) in zip(COLUMNS, cells):
            print(f"{rid:<20} {col:<15} {state:<8} {why}")
    sys.exit(0)

# A socket of ours with software stamping on keeps the kernel's stamping
# switched on for the whole run: Linux switches it on through deferred work,
# and a packet racing that work arrives unstamped.
keeper = socket.socket(AF_INET, D)
keeper.setsockopt(SOL_SOCKET, 35, 1)
time.sleep(0.2)

r = tscap("--json")
check(r.returncode == 0, f"tscap matrix --json exits 0: rc={r.returncode} {r.stderr.strip()}")
try:
    got = json.loads(r.stdout)
except ValueError as e:
    check(False, f"tscap matrix --json prints JSON: {e}: {r.stdout[:200]!r}")
    done()
cols = [c for c, _, _ in COLUMNS]
check(got.get("columns") == cols, f"columns {got.get('columns')}")
check(isinstance(got.get("os"), str) and got["os"], f"os {got.get('os')!r}")
rows = got.get("rows") or []
check([x.get("id") for x in rows] == [x["id"] for x in ROWS],
      f"row ids in order: {[x.get('id') for x in rows]}")

mine = compute()
print(table(mine))
theirs = {}
for row in rows:
    cells = row.get("cells") or []
    check([c.get("column") for c in cells] == cols, f"{row.get('id')}: cells per column, in order")
    check(isinstance(row.get("cmsg"), str) and row["cmsg"], f"{row.get('id')}: cmsg name")
    for c in cells:
        where = f"{row.get('id')} / {c.get('column')}"
        check(c.get("state") in STATES, f"{where}: state {c.get('state')!r} is one of {STATES}")
        check(isinstance(c.get("reason"), str) and c["reason"].strip(), f"{where}: a reason")
        check(c.get("ok") is (c.get("state") == "ok"), f"{where}: ok {c.get('ok')} vs state")
        theirs[(row.get("id"), c.get("column"))] = c
for rid, cells in mine.items():
    for col, (state, why) in zip(cols, cells):
        t = theirs.get((rid, col))
        if t is None:
            check(False, f"{rid} / {col}: missing from tscap's output")
            continue
        check(t.get("ok") == (state == "ok"),
              f"{rid} / {col}: tscap {t.get('state')} ({t.get('reason')}), "
              f"Python {state} ({why})")

MUST = [("rights", ["unix stream", "unix dgram", "unix seqpacket"]),
        ("credentials", ["unix stream", "unix dgram"]),
        ("pidfd", ["unix stream", "unix dgram"])]
MUST += [(rid, ["unix dgram"] + cols[3:]) for rid in
         ("timestamp_old", "timestamp_new", "timestampns_old", "timestampns_new")]
MUST += [(rid, cols[3:]) for rid in ("timestamping_rx_old", "timestamping_rx_new")]
for rid, need_cols in MUST:
    for col in need_cols:
        state, why = mine[rid][cols.index(col)]
        check(state == "ok", f"{rid} / {col} works on this kernel (Python: {state}, {why})")
        t = theirs.get((rid, col), {})
        check(t.get("ok") is True, f"{rid} / {col} works on this kernel (tscap: "
              f"{t.get('state')}, {t.get('reason')})")

r = tscap()
check(r.returncode == 0 and r.stdout.strip(), f"tscap matrix: rc={r.returncode} {r.stderr}")
r = tscap("--markdown")
check(r.returncode == 0 and any(l.startswith("|") for l in r.stdout.splitlines())
      and "SCM_RIGHTS" in r.stdout, f"tscap matrix --markdown: rc={r.returncode} {r.stderr}")
r = tscap("--bogus", timeout=20)
check(r.returncode > 0 and len(r.stderr.strip().splitlines()) == 1,
      f"tscap matrix --bogus: non-zero, one stderr line: rc={r.returncode} {r.stderr!r}")
keeper.close()
done()
