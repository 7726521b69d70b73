"""bench/run's driver: CPU cost per packet of receiving the same UDP stream
with a do-nothing baseline, with each tscap rx path (stamps off/on, pcapng
to /dev/null or to a file), and with tcpdump and dumpcap; the highest
zero-drop rate; and the user-space microbenchmark. Sender (tscap send) on
CPU 0, receiver on CPU 1. Everything goes to 127.0.0.1 and stops by itself.

CPU per packet = the receiving process's time on CPU (/proc/PID/schedstat,
user + system, ns) from ready to stream end, over the datagrams sent."""
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

BUILD = sys.argv[1]
OUT_JSON = sys.argv[2]
TSCAP = os.path.join(BUILD, "tscap")
BASELINE = os.path.join(BUILD, "bench", "baseline_rx")
MICRO = os.path.join(BUILD, "bench", "bench_userspace")
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
COUNT = int(os.environ.get("BENCH_COUNT", "100000"))
RATE = int(os.environ.get("BENCH_RATE", "100000"))
BASE = "baseline (recvmmsg, no stamps), 200 us batching"
SHM = "/dev/shm" if os.path.isdir("/dev/shm") else "/tmp"
CPU_TX, CPU_RX = ("0", "1") if os.cpu_count() and os.cpu_count() > 1 else ("0", "0")


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


def bound(port):
    for path in ("/proc/net/udp", "/proc/net/udp6"):
        with open(path) as f:
            for line in f.readlines()[1:]:
                if int(line.split()[1].rsplit(":", 1)[1], 16) == port:
                    return True
    return False


def receivers(port, size):
    """name -> (argv, how to tell it is ready, output file or None)."""
    f = os.path.join(SHM, f"tscap-bench-{port}.pcapng")
    rx = {}
    rx["baseline (recvmmsg, no stamps), wake per packet"] = ([BASELINE, str(port)], None)
    rx[BASE] = ([BASELINE, str(port), "200"], None)
    for path in ("msg", "mmsg", "uring"):
        for stamp in ("none", "sw"):
            for dest, label in (("/dev/null", "pcapng to /dev/null"), (f, "pcapng to file")):
                name = f"tscap --rx {path} --stamp {stamp}, {label}"
                rx[name] = ([TSCAP, "capture", f"udp://127.0.0.1:{port}", "--rx", path,
                             "--stamp", stamp, "-w", dest, "-q"], f if dest == f else None)
    if shutil.which("tcpdump"):
        rx["tcpdump --time-stamp-precision=nano -w"] = (
            ["tcpdump", "-i", "lo", "-n", "-q", "--time-stamp-precision=nano", "-w", f,
             f"udp port {port}"], f)
    if shutil.which("dumpcap"):
        rx["dumpcap -w"] = (["dumpcap", "-q", "-i", "lo", "-f", f"udp port {port}", "-w", f], f)
    return rx


def run_one(argv, port, size, rate, count, flows=1):
    """Start the receiver, stream, stop; (cpu ns, datagrams seen, drops)."""
    proc = subprocess.Popen(["taskset", "-c", CPU_RX, *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    end = time.time() + 10
    tapper = argv[0] in ("tcpdump", "dumpcap") or any(a.startswith(("wire:", "pcap:"))
                                                      for a in argv)
    while time.time() < end and not (bound(port) if not tapper else False):
        if tapper:
            time.sleep(1.5)  # they attach to lo with no socket to wait for
            break
        time.sleep(0.02)
    t0 = cpu_ns(proc.pid)
    snd = subprocess.run(["taskset", "-c", CPU_TX, TSCAP, "send", f"udp://127.0.0.1:{port}",
                          "-c", str(count), "--rate", str(rate), "--size", str(size),
                          "--flows", str(flows), "-q"],
                         capture_output=True, text=True)
    m = re.search(r"sent (\d+) datagrams .* ([\d.]+) s: (\d+) pps", snd.stderr)
    sent, pps = (int(m[1]), int(m[3])) if m else (count, 0)
    time.sleep(0.3)  # let the receiver finish the queue
    t1 = cpu_ns(proc.pid)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    text = out + err
    got, drops = sent, 0
    if m := re.search(r"(\d+) received, (\d+) dropped by the kernel", text):
        got, drops = int(m[1]), int(m[2])
    elif m := re.search(r"^(\d+) received", text, re.M):
        got = int(m[1])
        drops = sent - got
    elif m := re.search(r"(\d+) packets? captured.*?(\d+) packets? dropped by kernel", text, re.S):
        # libpcap skips the outgoing copy on lo: one frame per datagram
        got, drops = int(m[1]), int(m[2])
    elif m := re.search(r"Packets received/dropped on interface '?lo'?: (\d+)/(\d+)", text):
        got, drops = int(m[1]), int(m[2])
    return t1 - t0, sent, got, drops, pps


def median_spread(xs):
    return statistics.median(xs), min(xs), max(xs)


def wire_section(results):
    """Frames on lo: tscap wire:/pcap: beside tcpdump, all of them taps on
    the same interface with the same filter, so their copies cost the same
    softirq. Each keeps one frame per datagram: tscap with --direction in
    (the kernel does not even copy the outgoing frame to it), tcpdump by
    libpcap skipping the outgoing copy on lo in user space."""
    print("== frames on lo (wire:lo, pcap:lo --direction in; tcpdump -i lo), filter "
          "'udp port P', 64-byte payloads, one frame kept per datagram")
    port = free_port()
    f = os.path.join(SHM, f"tscap-bench-{port}.pcapng")
    flt = f"udp port {port}"
    rx = {}
    for path in ("mmsg", "uring", "ring"):
        rx[f"tscap wire:lo --rx {path} --stamp sw -w file"] = [
            TSCAP, "capture", "wire:lo", "-f", flt, "--direction", "in", "--rx", path,
            "--stamp", "sw", "-w", f, "-q"]
    rx["tscap pcap:lo -w file (libpcap, one stamp)"] = [
        TSCAP, "capture", "pcap:lo", "-f", flt, "--direction", "in", "-w", f, "-q"]
    if shutil.which("tcpdump"):
        rx["tcpdump -i lo --time-stamp-precision=nano -w file"] = [
            "tcpdump", "-i", "lo", "-n", "-q", "--time-stamp-precision=nano", "-w", f, flt]
    rows = {}
    print(f"{'receiver':52} {'ns/frame':>8} {'min-max':>15} {'kept at max rate':>22}")
    for name, argv in rx.items():
        per = []
        for _ in range(RUNS):
            ns, sent, got, dr, _ = run_one(argv, port, 64, RATE, COUNT)
            per.append(ns / max(sent, 1))
            if os.path.exists(f):
                os.unlink(f)
        _, sent, got, drops, pps = run_one(argv, port, 64, 0, COUNT * 3)
        if os.path.exists(f):
            os.unlink(f)
        med, lo, hi = median_spread(per)
        rows[name] = {"cpu_ns_per_frame": round(med, 1), "min": round(lo, 1), "max": round(hi, 1),
                      "max_rate_sender_pps": pps, "frames_sent": sent,
                      "frames_kept": got, "drops": drops}
        print(f"{name:52} {med:8.0f} {lo:7.0f}-{hi:<7.0f} {got:>9}/{sent} at {pps} pps")
    results["wire_lo"] = rows
    print()


def main():
    results = {"machine": {}, "rate_pps": RATE, "count": COUNT, "runs": RUNS, "sizes": {}}
    results["machine"]["cpus"] = os.cpu_count()
    results["machine"]["kernel"] = os.uname().release
    with open("/proc/cpuinfo") as f:
        mm = re.search(r"model name\s*:\s*(.*)", f.read())
        results["machine"]["cpu"] = mm[1] if mm else "?"
    print(f"tscap bench: {COUNT} datagrams at {RATE} pps per run, {RUNS} runs each, "
          f"sender on CPU {CPU_TX}, receiver on CPU {CPU_RX}; {results['machine']['cpu']}, "
          f"Linux {results['machine']['kernel']}")
    print("CPU ns/packet = receiver's on-CPU time (all threads) / datagrams sent (median, "
          "min-max);\nratio to the baseline with the same 200 us batching tscap uses, same run. "
          "tcpdump/dumpcap's\nrings get each datagram twice on lo (out and in; libpcap skips the "
          "outgoing copy); their\nAF_PACKET copies run in the sender's softirq, not in their own "
          "process time.\n")
    for size in (64, 1400):
        port = free_port()
        rows = {}
        for name, (argv, f) in receivers(port, size).items():
            per = []
            drops = 0
            for _ in range(RUNS):
                ns, sent, got, dr, _ = run_one(argv, port, size, RATE, COUNT)
                per.append(ns / max(sent, 1))
                drops += dr
                if f and os.path.exists(f):
                    os.unlink(f)
            med, lo, hi = median_spread(per)
            rows[name] = {"cpu_ns_per_pkt": round(med, 1), "min": round(lo, 1),
                          "max": round(hi, 1), "drops": drops}
        base = rows[BASE]["cpu_ns_per_pkt"]
        print(f"== payload {size} bytes")
        print(f"{'receiver':58} {'ns/pkt':>8} {'min-max':>15} {'x base':>7} {'drops':>6}")
        for name, r in rows.items():
            r["ratio_to_baseline"] = round(r["cpu_ns_per_pkt"] / base, 2) if base else None
            print(f"{name:58} {r['cpu_ns_per_pkt']:8.0f} {r['min']:7.0f}-{r['max']:<7.0f} "
                  f"{r['ratio_to_baseline']:7.2f} {r['drops']:6d}")
        results["sizes"][str(size)] = rows
        print()
    # Highest zero-drop rate: the sender flat out (--rate 0), 64-byte payloads.
    print("== zero-drop check at the sender's highest rate, 64-byte payloads")
    port = free_port()
    rx = receivers(port, 64)
    zd = {}
    for name in [n for n in rx if "--stamp sw, pcapng to file" in n or n == BASE
                 or "tcpdump" in n]:
        argv, f = rx[name]
        _, sent, got, drops, pps = run_one(argv, port, 64, 0, COUNT * 3)
        if f and os.path.exists(f):
            os.unlink(f)
        zd[name] = {"sender_pps": pps, "sent": sent, "drops": drops}
        print(f"{name:58} {pps:8d} pps sent, {drops} dropped")
    results["zero_drop_at_max_rate"] = zd
    print()
    # Threads: one SO_REUSEPORT socket and file per thread; 8 sender flows
    # so the kernel spreads them. Two CPUs here: thread 1 shares CPU 0
    # with the sender, so this shows the mechanism more than a speed-up.
    print("== --threads 1 vs 2, 8 sender flows flat out, 64-byte payloads")
    port = free_port()
    f = os.path.join(SHM, f"tscap-bench-{port}.pcapng")
    scal = {}
    for threads in (1, 2):
        argv = [TSCAP, "capture", f"udp://127.0.0.1:{port}", "--stamp", "sw", "-w", f, "-q",
                "--threads", str(threads)]
        ns, sent, got, drops, pps = run_one(argv, port, 64, 0, COUNT * 3, flows=8)
        for t in range(threads):
            for name in (f, f.replace(".pcapng", f".{t}.pcapng")):
                if os.path.exists(name):
                    os.unlink(name)
        scal[threads] = {"sender_pps": pps, "drops": drops, "cpu_ns_per_pkt": round(ns / sent, 1)}
        print(f"threads {threads}: {pps:8d} pps sent, {drops} dropped, "
              f"{ns / sent:7.0f} ns CPU/packet (all threads)")
    results["threads"] = scal
    print()
    wire_section(results)
    print("== user-space work alone (no syscalls): bench_userspace")
    micro = subprocess.run([MICRO], capture_output=True, text=True).stdout
    print(micro, end="")
    results["userspace_micro"] = micro.splitlines()
    with open(OUT_JSON, "w") as f:
        json.dump(results, f, indent=1)
    print(f"\nJSON: {OUT_JSON}")


main()
