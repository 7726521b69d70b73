"""bench/run's driver: CPU cost per packet of receiving the same UDP stream
with a do-nothing baseline, with each tscap rx path (stamps off/on, pcapng
to /dev/null or to a file), and with tcpdump and dumpcap; the highest
zero-drop rate; receive capacity with 1 and 2 threads; wire capture; and
the user-space microbenchmark. Sender (tscap send) on CPU 0, receiver on
CPU 1. Everything goes to 127.0.0.1 and stops by itself.

Two CPU figures per packet, both over the datagrams sent:
- process: the receiving process's time on CPU (/proc/PID/task/*/schedstat,
  user + system, ns) from ready to stream end;
- system: the same for everything the stream runs in: the sender (its
  rusage, which holds the loopback softirq work done in its sends), every
  receiving process, and ksoftirqd. A tap such as tcpdump's AF_PACKET ring
  is filled in the sender's softirq, not in tcpdump's own time: only this
  column sees what it costs. This kernel has no IRQ time accounting, so
  softirq work is charged to the task it interrupted.
The sender's own share of the system figure drifts by +-10% over minutes,
so where captures are held against each other in it (tcpdump against
tscap, taps on lo) they run in paired rounds: each round runs every one
of them in turn, and each is compared with the application alone of its
own round."""
import glob
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

BUILD = sys.argv[1] if __name__ == "__main__" else os.environ.get("BENCH_BUILD", "build")
OUT_JSON = sys.argv[2] if __name__ == "__main__" else None
TSCAP = os.path.join(BUILD, "tscap")
BASELINE = os.path.join(BUILD, "bench", "baseline_rx")
MICRO = os.path.join(BUILD, "bench", "bench_userspace")
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
COUNT = int(os.environ.get("BENCH_COUNT", "100000"))
RATE = int(os.environ.get("BENCH_RATE", "100000"))
BASE = "baseline (recvmmsg, no stamps), 200 us batching"
SHM = "/dev/shm" if os.path.isdir("/dev/shm") else "/tmp"
CPU_TX, CPU_RX = ("0", "1") if os.cpu_count() and os.cpu_count() > 1 else ("0", "0")
ALL_CPUS = f"0-{(os.cpu_count() or 1) - 1}"


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def cpu_ns(pid):
    """On-CPU ns of every thread of pid (io_uring's workers included)."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except OSError:
            pass
    return total


def ksoftirqd_pids():
    pids = []
    for comm in glob.glob("/proc/[0-9]*/comm"):
        try:
            with open(comm) as f:
                if f.read().startswith("ksoftirqd/"):
                    pids.append(int(comm.split("/")[2]))
        except OSError:
            pass
    return pids


def packet_sockets():
    try:
        with open("/proc/net/packet") as f:
            return len(f.readlines()) - 1
    except OSError:
        return 0


def bound(port):
    for path in ("/proc/net/udp", "/proc/net/udp6"):
        with open(path) as f:
            for line in f.readlines()[1:]:
                if int(line.split()[1].rsplit(":", 1)[1], 16) == port:
                    return True
    return False


WIRE_KERNEL = "kernel's part (AF_PACKET, name, stamp, drops, aux)"
KERNEL = "baseline + address, sw stamp, drops (the kernel's part)"


def receivers(port, size):
    """name -> (argv, output file or None). tcpdump and dumpcap capture
    beside a do-nothing receiver (APP): they watch traffic an application
    receives, and no datagram meets a closed port."""
    f = os.path.join(SHM, f"tscap-bench-{port}.pcapng")
    rx = {}
    rx["baseline (recvmmsg, no stamps), wake per packet"] = ([BASELINE, str(port)], None)
    rx[BASE] = ([BASELINE, str(port), "200"], None)
    rx[KERNEL] = ([BASELINE, str(port), "200", "name", "stamp", "ovfl"], None)
    for path in ("msg", "mmsg", "uring"):
        for stamp in ("none", "sw"):
            for dest, label in (("/dev/null", "pcapng to /dev/null"), (f, "pcapng to file")):
                name = f"tscap --rx {path} --stamp {stamp}, {label}"
                rx[name] = ([TSCAP, "capture", f"udp://127.0.0.1:{port}", "--rx", path,
                             "--stamp", stamp, "-w", dest, "-q"], f if dest == f else None)
    if shutil.which("tcpdump"):
        rx["tcpdump --time-stamp-precision=nano -w (+ baseline app)"] = (
            ["tcpdump", "-i", "lo", "-n", "-q", "--time-stamp-precision=nano", "-w", f,
             f"udp port {port}"], f)
    if shutil.which("dumpcap"):
        rx["dumpcap -w (+ baseline app)"] = (
            ["dumpcap", "-q", "-i", "lo", "-f", f"udp port {port}", "-w", f], f)
    return rx


def app(port):
    """The application beside a tap: the batching baseline receiver."""
    return [BASELINE, str(port), "200"]


def is_tapper(argv):
    return (argv[0] in ("tcpdump", "dumpcap") or (argv[0] == BASELINE and "wire" in argv)
            or any(a.startswith(("wire:", "pcap:")) for a in argv))


def start_rx(argv, port, cpus=CPU_RX):
    """Start a receiver pinned to cpus and wait until it is ready: its
    socket bound, or for a tap its packet socket open and a moment to
    attach the filter."""
    before = packet_sockets()
    proc = subprocess.Popen(["taskset", "-c", cpus, *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    end = time.time() + 10
    while time.time() < end and proc.poll() is None:
        if is_tapper(argv):
            if packet_sockets() > before:
                time.sleep(0.3)
                break
        elif bound(port):
            break
        time.sleep(0.02)
    return proc


def counts(text, sent):
    """(datagrams seen, drops) from a receiver's own summary."""
    if m := re.search(r"(\d+) received, (\d+) dropped by the kernel", text):
        return int(m[1]), int(m[2])
    if m := re.search(r"^(\d+) received", text, re.M):
        return int(m[1]), sent - int(m[1])
    if m := re.search(r"(\d+) packets? captured.*?(\d+) packets? dropped by kernel", text, re.S):
        # libpcap skips the outgoing copy on lo: one frame per datagram
        return int(m[1]), int(m[2])
    if m := re.search(r"Packets received/dropped on interface '?lo'?: (\d+)/(\d+)", text):
        return int(m[1]), int(m[2])
    return sent, 0


def run_one(argv, port, size, rate, count, flows=1):
    """Start the receiver (and beside a tap, the application), stream,
    stop. Returns (process ns, system ns, sent, seen, drops, sender pps)."""
    procs = []
    if is_tapper(argv):
        procs.append(start_rx(app(port), port))
    proc = start_rx(argv, port)
    procs.append(proc)
    soft = ksoftirqd_pids()
    t0, s0 = cpu_ns(proc.pid), sum(cpu_ns(p.pid) for p in procs) + sum(map(cpu_ns, soft))
    snd = subprocess.Popen(["taskset", "-c", CPU_TX, TSCAP, "send", f"udp://127.0.0.1:{port}",
                            "-c", str(count), "--rate", str(rate), "--size", str(size),
                            "--flows", str(flows), "-q"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = snd.stderr.read()
    _, _, ru = os.wait4(snd.pid, 0)
    m = re.search(r"sent (\d+) datagrams .* ([\d.]+) s: (\d+) pps", err)
    sent, pps = (int(m[1]), int(m[3])) if m else (count, 0)
    time.sleep(0.2)  # let the receiver finish the queue
    t1 = cpu_ns(proc.pid)
    s1 = sum(cpu_ns(p.pid) for p in procs) + sum(map(cpu_ns, soft))
    system = s1 - s0 + int((ru.ru_utime + ru.ru_stime) * 1e9)
    texts = []
    for p in reversed(procs):
        p.send_signal(signal.SIGINT)
        out, e = p.communicate(timeout=30)
        texts.append(out + e)
    got, drops = counts(texts[0], sent)
    return t1 - t0, system, sent, got, drops, pps


def median_spread(xs):
    return statistics.median(xs), min(xs), max(xs)


def cleanup(f):
    for name in glob.glob(f.replace(".pcapng", "*")):
        os.unlink(name)


def row_of(runs):
    """A table row from one configuration's runs (process ns/pkt, system
    ns/pkt, drops): medians with the process figure's spread."""
    med, lo, hi = median_spread([r[0] for r in runs])
    sysw = [r[1] for r in runs]
    return {"cpu_ns_per_pkt": round(med, 1), "min": round(lo, 1), "max": round(hi, 1),
            "system_ns_per_pkt": round(statistics.median(sysw), 1),
            "system_min": round(min(sysw), 1), "system_max": round(max(sysw), 1),
            "drops": sum(r[2] for r in runs)}


def paired(configs, port, size, rate, count, rounds):
    """Each round runs every configuration once, in turn, so the machine's
    drift (the sender's own 4-5 us per datagram moves by +-10% over
    minutes) falls on all of them alike; returns name -> per-round
    (process ns/pkt, system ns/pkt, drops)."""
    per = {name: [] for name in configs}
    for _ in range(rounds):
        for name, (argv, f) in configs.items():
            ns, system, sent, _, drops, _ = run_one(argv, port, size, rate, count)
            per[name].append((ns / max(sent, 1), system / max(sent, 1), drops))
            cleanup(f or "")
    return per


def over_app(per, name, app_name):
    """Per round, what NAME costs the whole system over the application
    alone in the same round: (median, min, max) ns/pkt."""
    return median_spread([r[1] - a[1] for r, a in zip(per[name], per[app_name])])


def system_section(results, per_size):
    """What capturing a stream adds to the whole system, from the main
    table's rounds: tcpdump and dumpcap beside the application, and tscap
    receiving the stream itself, each against the application alone (the
    batching baseline) of the same round."""
    print(f"== what capturing adds to the system, per round ({RUNS}) against the application "
          "alone in the same round\n   (tcpdump and dumpcap beside it, tscap in its place)")
    out = {}
    for size, per in per_size.items():
        tcpdump = next((n for n in per if n.startswith("tcpdump")), None)
        names = [n for n in per if n.startswith(("tcpdump", "dumpcap"))
                 or "--stamp sw, pcapng to file" in n]
        rows = {}
        print(f"-- payload {size} bytes")
        print(f"{'capture':58} {'system':>7} {'over app':>8} {'min-max':>13} {'cheaper':>8}")
        for name in names:
            med, lo, hi = over_app(per, name, BASE)
            row = {"over_app_ns": round(med, 1), "over_app_min": round(lo, 1),
                   "over_app_max": round(hi, 1)}
            line = (f"{name:58} {statistics.median(r[1] for r in per[name]):7.0f} {med:+8.0f} "
                    f"{lo:+6.0f}..{hi:<+6.0f}")
            if tcpdump and name.startswith("tscap"):
                wins = sum(r[1] < t[1] for r, t in zip(per[name], per[tcpdump]))
                row["rounds_cheaper_than_tcpdump"] = wins
                line += f" {wins}/{len(per[name])}"
            rows[name] = row
            print(line)
        out[str(size)] = rows
    print("cheaper = rounds in which the whole system spent less with tscap receiving the\n"
          "stream than with the application receiving it and tcpdump capturing it\n")
    results["system_over_app"] = out


def wire_section(results):
    """Frames on lo: tscap wire:/pcap: beside tcpdump, all of them taps on
    the same interface with the same filter beside the same application,
    so their copies cost the same softirq. Each keeps one frame per
    datagram: tscap with --direction in (the kernel does not even copy the
    outgoing frame to it), tcpdump by libpcap skipping the outgoing copy on
    lo in user space."""
    print("== frames on lo (wire:lo, pcap:lo --direction in; tcpdump -i lo), filter "
          "'udp port P', 64-byte payloads,\n   one frame kept per datagram, each beside the "
          "baseline application receiving the stream")
    port = free_port()
    f = os.path.join(SHM, f"tscap-bench-{port}.pcapng")
    flt = f"udp port {port}"
    rx = {WIRE_KERNEL: [BASELINE, str(port), "200", "wire", "name", "stamp", "ovfl", "aux"]}
    for path in ("mmsg", "uring", "ring"):
        rx[f"tscap wire:lo --rx {path} --stamp sw -w file"] = [
            TSCAP, "capture", "wire:lo", "-f", flt, "--direction", "in", "--rx", path,
            "--stamp", "sw", "-w", f, "-q"]
    rx["tscap pcap:lo -w file (libpcap, one stamp)"] = [
        TSCAP, "capture", "pcap:lo", "-f", flt, "--direction", "in", "-w", f, "-q"]
    if shutil.which("tcpdump"):
        rx["tcpdump -i lo --time-stamp-precision=nano -w file"] = [
            "tcpdump", "-i", "lo", "-n", "-q", "--time-stamp-precision=nano", "-w", f, flt]
    app_name = "baseline application alone (no tap)"
    configs = {app_name: (app(port), None), **{n: (argv, f) for n, argv in rx.items()}}
    per = paired(configs, port, 64, RATE, COUNT, max(RUNS, 5))
    app_sys = statistics.median(r[1] for r in per[app_name])
    rows = {app_name: {"system_ns_per_pkt": round(app_sys, 1)}}
    print(f"{'receiver':52} {'ns/frame':>8} {'min-max':>11} {'system':>7} {'+tap':>6} "
          f"{'min-max':>13} {'kept at max rate':>22}")
    print(f"{app_name:52} {'':8} {'':11} {app_sys:7.0f}")
    for name, argv in rx.items():
        own, lo, hi = median_spread([r[0] for r in per[name]])
        tap, tlo, thi = over_app(per, name, app_name)
        _, _, sent, got, drops, pps = run_one(argv, port, 64, 0, COUNT * 3)
        cleanup(f)
        rows[name] = {"cpu_ns_per_frame": round(own, 1), "min": round(lo, 1),
                      "max": round(hi, 1),
                      "system_ns_per_pkt": round(statistics.median(r[1] for r in per[name]), 1),
                      "system_over_app_ns": round(tap, 1), "system_over_app_min": round(tlo, 1),
                      "system_over_app_max": round(thi, 1), "max_rate_sender_pps": pps,
                      "frames_sent": sent, "frames_kept": got, "drops": drops}
        print(f"{name:52} {own:8.0f} {lo:5.0f}-{hi:<5.0f} "
              f"{rows[name]['system_ns_per_pkt']:7.0f} {tap:+6.0f} {tlo:+6.0f}..{thi:<+6.0f} "
              f"{got:>9}/{sent} at {pps} pps")
    results["wire_lo"] = rows
    print()


def zero_drop(results):
    """The sender flat out; for a receiver that drops there, lower rates
    until one loses nothing: the highest zero-drop rate per path."""
    print("== highest zero-drop rate, 64-byte payloads (sender flat out; where that drops, "
          "90%, 80%, ... of it)")
    port = free_port()
    rx = receivers(port, 64)
    zd = {}
    for name in [n for n in rx if "--stamp sw, pcapng to file" in n or n == BASE
                 or "tcpdump" in n]:
        argv, f = rx[name]
        _, _, sent, _, drops, top = run_one(argv, port, 64, 0, COUNT * 3)
        cleanup(f or "")
        row = {"sender_max_pps": top, "drops_at_max": drops, "sent": sent}
        rate, step = top, 0
        while drops and step < 5:
            step += 1
            rate = int(top * (1 - 0.1 * step))
            _, _, sent, _, drops, _ = run_one(argv, port, 64, rate, COUNT * 2)
            cleanup(f or "")
        row["zero_drop_pps"] = rate if not drops else None
        zd[name] = row
        verdict = (f"no drop at the sender's top rate, {top} pps" if not row["drops_at_max"]
                   else f"{row['drops_at_max']} of {row['sent']} dropped at {top} pps; "
                   + (f"none at {rate} pps" if not drops else f"still drops at {rate} pps"))
        print(f"{name:58} {verdict}")
    results["zero_drop"] = zd
    print()


def threads_section(results):
    """Receive capacity with --threads 1 and 2. Two CPUs cannot host a
    sender and two receivers at once, so the stream is queued first: tscap
    is stopped (SIGSTOP) with its sockets open, the sender fills them
    (64 flows, spread over the SO_REUSEPORT sockets by the kernel), then
    tscap continues and drains them; the figure is datagrams over the
    time from SIGCONT to the user-space stamp of the last one."""
    total = COUNT
    print(f"== --threads 1 vs 2: draining {total} queued 64-byte datagrams (SIGSTOP, send, "
          "SIGCONT), sender idle meanwhile")
    scal = {}
    for threads in (1, 2):
        walls, recvd = [], []
        for _ in range(RUNS):
            port = free_port()
            f = os.path.join(SHM, f"tscap-bench-{port}.pcapng")
            argv = [TSCAP, "capture", f"udp://127.0.0.1:{port}", "--stamp", "sw", "-w", f,
                    "--threads", str(threads), "--rcvbuf", "256000000", "-c", str(total)]
            proc = start_rx(argv, port, ALL_CPUS)
            time.sleep(0.2)
            proc.send_signal(signal.SIGSTOP)
            subprocess.run(["taskset", "-c", CPU_TX, TSCAP, "send", f"udp://127.0.0.1:{port}",
                            "-c", str(total), "--size", "64", "--flows", "64", "-q"],
                           capture_output=True)
            t0 = time.time_ns()
            proc.send_signal(signal.SIGCONT)
            out, err = proc.communicate(timeout=60)
            got, drops = counts(out + err, total)
            recvd.append(got)
            # Until the last batch was in hand: its user-space stamp (wall
            # clock), not the exit, which an idle thread's poll delays.
            files = sorted(glob.glob(f.replace(".pcapng", "*")))
            text = subprocess.run([TSCAP, "read", *files], capture_output=True,
                                  text=True).stdout
            last = max((int(a) * 10**9 + int(b)
                        for a, b in re.findall(r"user=(\d+)\.(\d{9})", text)), default=t0)
            walls.append((last - t0) / 1e9)
            cleanup(f)
        wall = statistics.median(walls)
        scal[threads] = {"drain_s": round(wall, 4), "pps": int(total / wall),
                         "min_s": round(min(walls), 4), "max_s": round(max(walls), 4),
                         "received": min(recvd)}
        print(f"threads {threads}: {total / wall:9.0f} datagrams/s drained ({wall * 1e3:.1f} ms, "
              f"min-max {min(walls) * 1e3:.1f}-{max(walls) * 1e3:.1f}), received {min(recvd)}")
    if scal[1]["pps"]:
        scal["speedup"] = round(scal[2]["pps"] / scal[1]["pps"], 2)
        print(f"speed-up 1 -> 2 threads: {scal['speedup']:.2f}x")
    results["threads"] = scal
    print()


def main():
    results = {"machine": {}, "rate_pps": RATE, "count": COUNT, "runs": RUNS, "sizes": {}}
    results["machine"]["cpus"] = os.cpu_count()
    results["machine"]["kernel"] = os.uname().release
    with open("/proc/cpuinfo") as f:
        mm = re.search(r"model name\s*:\s*(.*)", f.read())
        results["machine"]["cpu"] = mm[1] if mm else "?"
    print(f"tscap bench: {COUNT} datagrams at {RATE} pps per run, {RUNS} rounds of every "
          f"receiver in turn,\nsender on CPU {CPU_TX}, receiver on CPU {CPU_RX}; "
          f"{results['machine']['cpu']}, Linux {results['machine']['kernel']}")
    print("ns/pkt = receiver's on-CPU time (all threads) / datagrams sent (median, min-max);\n"
          "x base = ratio to the baseline with the same 200 us batching tscap uses, same run;\n"
          "system = sender + receivers + ksoftirqd on-CPU time / datagrams sent (median): it\n"
          "holds the AF_PACKET copies tcpdump and dumpcap get in the sender's softirq (on lo\n"
          "each datagram twice, out and in), which their own process time does not.\n")
    per_size = {}
    for size in (64, 1400):
        port = free_port()
        # Round after round of every receiver in turn, so the machine's
        # drift between the first row and the last falls on all alike.
        per = paired(receivers(port, size), port, size, RATE, COUNT, RUNS)
        per_size[size] = per
        rows = {name: row_of(runs) for name, runs in per.items()}
        base = rows[BASE]["cpu_ns_per_pkt"]
        print(f"== payload {size} bytes")
        print(f"{'receiver':58} {'ns/pkt':>7} {'min-max':>11} {'x base':>6} {'system':>7} "
              f"{'drops':>5}")
        for name, r in rows.items():
            r["ratio_to_baseline"] = round(r["cpu_ns_per_pkt"] / base, 2) if base else None
            print(f"{name:58} {r['cpu_ns_per_pkt']:7.0f} {r['min']:5.0f}-{r['max']:<5.0f} "
                  f"{r['ratio_to_baseline']:6.2f} {r['system_ns_per_pkt']:7.0f} {r['drops']:5d}")
        results["sizes"][str(size)] = rows
        print()
    system_section(results, per_size)
    zero_drop(results)
    threads_section(results)
    wire_section(results)
    print("== user-space work alone (no syscalls): bench_userspace")
    micro = subprocess.run([MICRO], capture_output=True, text=True).stdout
    print(micro, end="")
    results["userspace_micro"] = micro.splitlines()
    with open(OUT_JSON, "w") as f:
        json.dump(results, f, indent=1)
    print(f"\nJSON: {OUT_JSON}")


if __name__ == "__main__":
    main()
