#!/usr/bin/env python3
"""--metrics with a real Prometheus server: Debian's prometheus (installed
here when missing; skip only when that is impossible) scrapes `tscap ping
--metrics` and `tscap reflect --metrics` on loopback every second. After
ping has printed its --json summary (and lingers, --metrics-linger), once
Prometheus has scraped it again, its HTTP API (/api/v1/query) must give
counters equal to the summary, histogram counts equal to the summary's
sample counts, every bucket of the round-trip histogram equal to what
ping's own --csv says, and show that it saw the counters grow during the
run. The exposition also passes promtool's `check metrics`, OpenMetrics is
served to whoever asks for it, and bad --metrics arguments are refused."""
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tsctest as t  # noqa: E402

PROBES = 400
INTERVAL_MS = 20  # 8 s of probes: several scrapes while they run
OM_ACCEPT = ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
             "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")


def ensure_prometheus():
    if shutil.which("prometheus"):
        return
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if sudo and not shutil.which("sudo"):
        t.skip("prometheus is not installed and this user cannot install it (no root, no sudo)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = sudo + ["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "-q",
                      "--no-install-recommends", "prometheus"]
    for attempt in range(2):
        r = subprocess.run(install, env=env, capture_output=True, text=True, timeout=900)
        if r.returncode == 0 and shutil.which("prometheus"):
            return
        if attempt == 0:  # package lists may be missing or old
            subprocess.run(sudo + ["apt-get", "-o", "DPkg::Lock::Timeout=600", "update", "-q"],
                           env=env, capture_output=True, timeout=900)
    t.skip(f"Debian's prometheus package cannot be installed here: {r.stderr.strip()[-300:]}")


def tcp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def http_get(url, accept=None, timeout=5):
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, r.headers.get("Content-Type", ""), r.read().decode()


def query(prom, expr):
    """[(labels, float value)] of an instant query."""
    url = f"http://{prom}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    _, _, body = http_get(url)
    d = json.loads(body)
    if d.get("status") != "success":
        raise AssertionError(f"query {expr}: {d}")
    return [(r["metric"], float(r["value"][1])) for r in d["data"]["result"]]


def one(prom, expr):
    res = query(prom, expr)
    t.check(len(res) == 1, f"one series for {expr}: got {res}")
    return res[0][1] if res else None


def wait_ready(prom, proc, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"prometheus exited: {proc.stderr.read()[-2000:]}")
        try:
            if http_get(f"http://{prom}/-/ready", timeout=1)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("prometheus did not become ready")


def read_line(proc, timeout):
    """One line of proc's stdout, waiting at most timeout seconds."""
    buf = b""
    end = time.time() + timeout
    fd = proc.stdout.fileno()
    while not buf.endswith(b"\n") and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            buf += chunk
    return buf.decode()


def stop(proc):
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def bad_arguments(reflect_metrics):
    """A port in use and a malformed address: one line, exit 1."""
    for arg, want in ((reflect_metrics, "cannot listen on"), ("nonsense", "give ADDR:PORT")):
        r = subprocess.run([t.TSCAP, "ping", "udp://127.0.0.1:9", "-c", "1", "--metrics", arg],
                           capture_output=True, text=True, timeout=30)
        lines = r.stderr.strip().splitlines()
        t.check(r.returncode == 1 and len(lines) == 1 and want in lines[0],
                f"--metrics {arg}: exit 1 with one line saying '{want}': rc={r.returncode} "
                f"{r.stderr!r}")


def exposition(addr):
    """promtool accepts the text format; OpenMetrics comes when asked."""
    status, ctype, body = http_get(f"http://{addr}/metrics")
    t.check(status == 200 and ctype.startswith("text/plain; version=0.0.4"),
            f"{addr}: text format by default ({status} {ctype})")
    if shutil.which("promtool"):
        r = subprocess.run(["promtool", "check", "metrics"], input=body, capture_output=True,
                           text=True, timeout=30)
        t.check(r.returncode == 0, f"promtool check metrics accepts {addr}: "
                f"{(r.stdout + r.stderr).strip()[:500]}")
    status, ctype, body = http_get(f"http://{addr}/metrics", accept=OM_ACCEPT)
    t.check(ctype.startswith("application/openmetrics-text; version=1.0.0")
            and body.endswith("# EOF\n"),
            f"{addr}: OpenMetrics for Prometheus' Accept header ({ctype})")
    try:
        http_get(f"http://{addr}/nothing")
        t.check(False, "a path other than /metrics is 404")
    except urllib.error.HTTPError as e:
        t.check(e.code == 404, f"a path other than /metrics is 404 ({e.code})")


def capture_metrics(d):
    """tscap capture --metrics (port 0: it says which): what it received,
    per endpoint, while it runs; the exposition passes promtool."""
    port = t.free_port()
    cap = subprocess.Popen([t.TSCAP, "capture", f"udp://127.0.0.1:{port}", "-w",
                            os.path.join(d, "c.pcapng"), "-q", "--duration", "60",
                            "--metrics", "127.0.0.1:0"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        line = cap.stderr.readline()
        addr = line.strip().rsplit("http://", 1)[-1].removesuffix("/metrics")
        t.check(line.startswith("tscap: metrics at http://127.0.0.1:"),
                f"capture says where its metrics are: {line!r}")
        end = time.time() + 10
        while port not in t._bound_ports() and time.time() < end:
            time.sleep(0.05)
        t.send("127.0.0.1", port, [64] * 100)
        want = f'tscap_capture_received_total{{endpoint="udp://127.0.0.1:{port}"}} 100'
        body = ""
        end = time.time() + 10
        while want not in body and time.time() < end:
            time.sleep(0.2)
            body = http_get(f"http://{addr}/metrics")[2]
        t.check(want in body, f"capture's counter shows the 100 datagrams: {want}")
        t.check(f'tscap_capture_kernel_to_user_seconds_count{{endpoint="udp://127.0.0.1:{port}"}}'
                f" 100" in body, "capture's kernel->user histogram counts them")
        t.check('source="sw"' in body, "capture's stamp source gauge says kernel stamps")
        exposition(addr)
    finally:
        stop(cap)


def main():
    ensure_prometheus()
    d = t.tmpdir()
    procs = []
    try:
        run(d, procs)
    finally:
        for p in reversed(procs):
            stop(p)
        shutil.rmtree(d, ignore_errors=True)
    t.done()


def run(d, procs):
    ping_m, refl_m, prom = (f"127.0.0.1:{tcp_port()}" for _ in range(3))
    udp = t.free_port()
    cfg = os.path.join(d, "prometheus.yml")
    with open(cfg, "w") as f:
        f.write(f"""global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: ping
    static_configs: [{{targets: ['{ping_m}']}}]
  - job_name: reflect
    static_configs: [{{targets: ['{refl_m}']}}]
""")
    p = subprocess.Popen(["prometheus", f"--config.file={cfg}", f"--storage.tsdb.path={d}/data",
                          f"--web.listen-address={prom}", "--log.level=warn"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    procs.append(p)
    wait_ready(prom, p)

    refl = subprocess.Popen([t.TSCAP, "reflect", f"udp://127.0.0.1:{udp}", "-q",
                             "--metrics", refl_m, "--duration", "120"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    procs.append(refl)
    end = time.time() + 10
    while udp not in t._bound_ports() and time.time() < end and refl.poll() is None:
        time.sleep(0.05)
    csv = os.path.join(d, "ping.csv")
    ping = subprocess.Popen([t.TSCAP, "ping", f"udp://127.0.0.1:{udp}", "-c", str(PROBES),
                             "-i", str(INTERVAL_MS), "--json", "--csv", csv,
                             # Settle probes 5 s after sending: a reflector
                             # stalled for a second on a loaded machine
                             # still counts as answered, not late.
                             "--timeout", "5",
                             "--metrics", ping_m, "--metrics-linger", "60"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    procs.append(ping)
    line = read_line(ping, PROBES * INTERVAL_MS / 1000 + 30)
    summary_at = time.time()
    try:
        s = json.loads(line)
    except ValueError:
        t.check(False, f"ping printed its JSON summary: {line!r}")
        return
    t.check(ping.poll() is None, "ping lingers after its summary (--metrics-linger)")

    # Scrapes of both that began after the summary was printed.
    for job in ("ping", "reflect"):
        end = time.time() + 30
        scraped = 0
        while time.time() < end:
            r = query(prom, f'timestamp(tscap_build_info{{job="{job}"}})')
            scraped = r[0][1] if r else 0
            if scraped > summary_at:
                break
            time.sleep(0.3)
        t.check(scraped > summary_at, f"Prometheus scraped {job} after ping's summary "
                f"({scraped} vs {summary_at})")

    sel = '{job="ping"}'
    got = {k: one(prom, f"tscap_ping_{k}_total{sel}")
           for k in ("sent", "replies", "lost", "late", "duplicates", "reordered", "send_failed")}
    print(f"summary: {{sent: {s['sent']}, received: {s['received']}, lost: {s['lost']}, "
          f"duplicates: {s['duplicates']}, reordered: {s['reordered']}}}; Prometheus: {got}",
          file=sys.stderr)
    t.check(got["sent"] == s["sent"] == PROBES, f"sent: {got['sent']} = {s['sent']}")
    t.check(got["replies"] + got["late"] == s["received"],
            f"replies + late = received: {got['replies']} + {got['late']} = {s['received']}")
    t.check(got["lost"] - got["late"] == s["lost"],
            f"lost - late = lost: {got['lost']} - {got['late']} = {s['lost']}")
    for k in ("duplicates", "reordered", "send_failed"):
        t.check(got[k] == s[k], f"{k}: {got[k]} = {s[k]}")
    for series, key in (('tscap_ping_rtt_seconds_count{job="ping",stamps="kernel"}', "rtt"),
                        ('tscap_ping_rtt_seconds_count{job="ping",stamps="user"}', "rtt_user"),
                        ('tscap_ping_one_way_delay_seconds_count{direction="forward"}', "forward"),
                        ('tscap_ping_one_way_delay_seconds_count{direction="backward"}',
                         "backward")):
        n = one(prom, series)
        want = s[key]["n"] - got["late"] if s[key] else None
        t.check(n == want, f"{series} = {key}.n - late: {n} = {want}")

    # Every bucket of the kernel round trip against ping's own per-probe CSV.
    with open(csv) as f:
        head = f.readline().strip().split(",")
        rows = [dict(zip(head, line.strip().split(","))) for line in f]
    rtts = [int(r["rtt_ns"]) for r in rows if r["answered"] not in ("", "0") and r["rtt_ns"]]
    buckets = query(prom, 'tscap_ping_rtt_seconds_bucket{job="ping",stamps="kernel"}')
    t.check(len(buckets) == 38, f"38 buckets (37 bounds and +Inf): {len(buckets)}")
    bad = []
    for labels, v in buckets:
        le = labels["le"]
        want = len(rtts) if le == "+Inf" else sum(1 for x in rtts if x <= round(float(le) * 1e9))
        # Late replies are in the CSV, not in the histogram.
        if not want - got["late"] <= v <= want:
            bad.append((le, v, want))
    t.check(not bad, f"each rtt bucket holds what the CSV says (le, Prometheus, CSV): {bad[:5]}")

    # The stamp source in use, and what the reflector counted.
    src = query(prom, 'tscap_stamp_source{job="ping"}')
    t.check(len(src) == 1 and src[0][1] == 1 and src[0][0].get("source") == "sw"
            and src[0][0].get("target") == f"udp://127.0.0.1:{udp}",
            f"ping's stamp source gauge: kernel (sw) stamps on loopback: {src}")
    answered = one(prom, 'tscap_reflect_answered_total{job="reflect"}')
    t.check(answered == s["sent"] - s["send_failed"],
            f"the reflector answered every probe: {answered}")
    t.check(one(prom, 'tscap_reflect_kernel_to_user_seconds_count{job="reflect"}') == answered,
            "the reflector's kernel->user histogram counts every request")
    t.check(one(prom, 'tscap_ping_kernel_to_user_seconds_count{host="reflector"}') ==
            s["received"] - got["late"],
            "ping's view of the reflector's kernel->user delay, one per settled reply")
    t.check(all(v == 1 for _, v in query(prom, "up")) and len(query(prom, "up")) == 2,
            "both targets up")

    # Prometheus saw the run as it went, not only its end.
    seen = query(prom, 'min_over_time(tscap_ping_sent_total{job="ping"}[10m])')
    samples = query(prom, 'count_over_time(tscap_ping_sent_total{job="ping"}[10m])')
    t.check(seen and seen[0][1] < PROBES and samples and samples[0][1] >= 3,
            f"scrapes during the run saw a partial count: min {seen}, samples {samples}")

    exposition(ping_m)
    exposition(refl_m)
    bad_arguments(refl_m)
    capture_metrics(d)

    # SIGTERM ends the linger at once.
    t0 = time.time()
    ping.send_signal(signal.SIGTERM)
    try:
        rc = ping.wait(timeout=10)
    except subprocess.TimeoutExpired:
        rc = None
    t.check(rc == 0 and time.time() - t0 < 5, f"SIGTERM ends the linger: rc={rc}")


if __name__ == "__main__":
    main()
