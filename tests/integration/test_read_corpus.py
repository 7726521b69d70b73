"""tscap read on every file of the pcapng_read fuzz corpus (captures by
tscap, dumpcap and tcpdump, a file cut inside a block, and the crafted
inputs that once broke it, tests/fuzz/corpus/pcapng_read/regress-*), in
this build: exit 0 with nothing on stderr or exit 1 with one line, within
a few seconds, every line not starting with '#' a packet line, and as many
of them as '# packets:' says."""
import glob
import os
import subprocess

from tsctest import READ_LINE, TSCAP, check, done

corpus = os.path.join(os.path.dirname(__file__), "..", "fuzz", "corpus", "pcapng_read")
files = sorted(glob.glob(os.path.join(corpus, "*")))
check(len(files) >= 6 and any("regress-" in f for f in files),
      f"the corpus has captures and regressions: {files}")
for path in files:
    name = os.path.basename(path)
    r = subprocess.run([TSCAP, "read", path], capture_output=True, timeout=30)
    out = r.stdout.decode("utf-8", "replace")
    err = r.stderr.decode("utf-8", "replace")
    check(r.returncode in (0, 1), f"{name}: exit {r.returncode}")
    if r.returncode == 0:
        check(err == "", f"{name}: exit 0 with stderr {err!r}")
    else:
        check(err.count("\n") == 1 and err.startswith("tscap: read: "),
              f"{name}: exit 1 with {err!r}")
    lines = out.splitlines()
    pkts = [l for l in lines if not l.startswith("#")]
    bad = [l for l in pkts if not READ_LINE.match(l)]
    check(not bad, f"{name}: lines that are not packets: {bad[:2]}")
    said = [int(l.split()[2]) for l in lines if l.startswith("# packets: ")]
    check(said == [len(pkts)] or (not said and r.returncode == 1 and not pkts),
          f"{name}: '# packets: {said}' for {len(pkts)} packet lines")
done()
