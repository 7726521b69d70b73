"""--threads 2: two SO_REUSEPORT sockets, two threads, two files. 32
sender flows spread over them (the kernel hashes each flow's ephemeral
source port to a socket: with 8 flows all would land on one socket in 1
run of 128, with 32 in 1 of 2 billion); together the files hold every datagram
(or it is counted dropped), each is a valid pcapng on its own, each flow
lands whole in one file, and -c counts exactly across threads."""
import os
import re
import subprocess

from tsctest import TSCAP, Capture, check, done, free_port, need, summary, tmpdir, tscap_read, tshark

need("tshark")
d = tmpdir()


FLOWS = 32


def send(port, count):
    r = subprocess.run([TSCAP, "send", f"udp://127.0.0.1:{port}", "-c", str(count), "--flows",
                        str(FLOWS), "-q"], capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, f"tscap send --flows {FLOWS}: {r.stderr}")


out = os.path.join(d, "t.pcapng")
port = free_port()
cap = Capture([f"udp://127.0.0.1:{port}"], out, "--threads", "2")
cap.wait_bound([port])
send(port, 20000)
check(cap.stop() == 0, f"capture --threads 2 exits 0: {cap.stderr}")
s = summary(cap.stderr)
check(s["written"] + s["dropped"] == 20000, f"written + dropped == sent across threads: {s}")
files = [os.path.join(d, f"t.{t}.pcapng") for t in (0, 1)]
per = [int(m) for m in re.findall(r"thread \d: (\d+) written", cap.stderr)]
check(len(per) == 2 and sum(per) == s["written"], f"per-thread counts add up: {per} {s}")
sessions = []
for f, n in zip(files, per):
    rows = tshark(f, ["frame.number"])
    check(len(rows) == n, f"{os.path.basename(f)} is valid on its own and holds {n} ({len(rows)})")
    _, _, notes, _ = tscap_read(f)
    sessions.append({re.search(r"session (\w+)", x)[1] for x in notes if x.startswith("# probes")})
check(sessions[0].isdisjoint(sessions[1]), f"each flow lands in one file only: {sessions}")
check(len(sessions[0] | sessions[1]) == FLOWS, f"all {FLOWS} flows arrived: {sessions}")
check(all(len(x) > 0 for x in sessions), f"both threads received flows: {sessions}")

# -c across threads: exactly that many, whichever thread took them.
out = os.path.join(d, "c.pcapng")
port = free_port()
cap = Capture([f"udp://127.0.0.1:{port}"], out, "--threads", "2", "-c", "5000")
cap.wait_bound([port])
send(port, 20000)
check(cap.wait(30) == 0, f"capture -c 5000 --threads 2 exits 0: {cap.stderr}")
s = summary(cap.stderr)
check(s["written"] == 5000, f"exactly 5000 written in total: {s}")
n = sum(len(tshark(os.path.join(d, f"c.{t}.pcapng"), ["frame.number"])) for t in (0, 1))
check(n == 5000, f"the two files hold 5000 packets together ({n})")

# Pinning stays inside the CPUs the user gave (taskset): thread n takes
# the n-th of them, not CPU n of the machine.
cpus = sorted(os.sched_getaffinity(0))
if len(cpus) > 1:
    last = cpus[-1]
    out = os.path.join(d, "p.pcapng")
    port = free_port()
    proc = subprocess.Popen(["taskset", "-c", str(last), TSCAP, "capture",
                             f"udp://127.0.0.1:{port}", "-w", out, "--threads", "2", "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    allowed = []
    for _ in range(200):
        tasks = os.listdir(f"/proc/{proc.pid}/task")
        allowed = []
        for t in tasks:
            with open(f"/proc/{proc.pid}/task/{t}/status") as f:
                allowed.append(re.search(r"Cpus_allowed_list:\s*(\S+)", f.read())[1])
        if len(tasks) >= 2 and all(a == str(last) for a in allowed):
            break
        subprocess.run(["sleep", "0.02"])
    proc.send_signal(2)
    _, err = proc.communicate(timeout=30)
    check(proc.returncode == 0, f"taskset -c {last} capture --threads 2 exits 0: {err}")
    check(len(allowed) >= 2 and all(a == str(last) for a in allowed),
          f"both threads stay on CPU {last} as taskset asked: {allowed}")
done()
