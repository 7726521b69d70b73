"""bench/compare OLD NEW: is one tscap build as fast as another? Both
binaries capture the same kind of stream in turn (ABAB..., so drift of the
machine falls on both alike), for the main configurations of bench/run;
prints each one's median CPU ns/packet (min-max) and the change. Used to
show that a change left the Linux hot path as it was."""
import os
import statistics
import sys

import bench

RUNS = int(os.environ.get("BENCH_RUNS", "7"))


def configs(tscap, port, f):
    cap = [tscap, "capture", f"udp://127.0.0.1:{port}", "-w", f, "-q"]
    return {
        "--rx mmsg --stamp sw, pcapng to file, 64 B": (cap + ["--rx", "mmsg", "--stamp", "sw"], 64),
        "--rx uring --stamp sw, pcapng to file, 64 B": (cap + ["--rx", "uring", "--stamp", "sw"],
                                                        64),
        "--rx mmsg --stamp sw, pcapng to file, 1400 B": (cap + ["--rx", "mmsg", "--stamp", "sw"],
                                                         1400),
    }


def main():
    old, new = sys.argv[1], sys.argv[2]
    port = bench.free_port()
    f = os.path.join(bench.SHM, f"tscap-compare-{port}.pcapng")
    names = list(configs(old, port, f))
    per = {(n, b): [] for n in names for b in (old, new)}
    for _ in range(RUNS):
        for binary in (old, new):
            for name, (argv, size) in configs(binary, port, f).items():
                ns, _, sent, _, _, _ = bench.run_one(argv, port, size, bench.RATE, bench.COUNT)
                per[(name, binary)].append(ns / max(sent, 1))
                bench.cleanup(f)
    print(f"{bench.COUNT} datagrams at {bench.RATE} pps per run, {RUNS} runs each, interleaved")
    print(f"A = {old}\nB = {new}")
    print(f"{'configuration':46} {'A ns/pkt':>9} {'min-max':>11} {'B ns/pkt':>9} {'min-max':>11} "
          f"{'B/A':>6}")
    for name in names:
        a, b = per[(name, old)], per[(name, new)]
        ma, mb = statistics.median(a), statistics.median(b)
        print(f"{name:46} {ma:9.0f} {min(a):5.0f}-{max(a):<5.0f} {mb:9.0f} "
              f"{min(b):5.0f}-{max(b):<5.0f} {mb / ma:6.3f}")


main()
