"""Every subcommand's --json against the schema in doc/json.md, both ways:
each key a command prints is documented with a matching type, each
documented key that is not optional is printed. Also: one JSON object on
stdout and nothing else, and the same figures as the text where both say
them (capture's counts, read's packets)."""
import atexit
import json
import os
import re
import shutil
import socket
import subprocess

from tsctest import Capture, FAILS, TSCAP, check, done, free_port, tmpdir, wait_bound

DOC = os.path.join(os.path.dirname(__file__), "..", "..", "doc", "json.md")
tmp = tmpdir()
atexit.register(lambda: FAILS or shutil.rmtree(tmp, ignore_errors=True))  # kept on failure


def schema():
    """{command: {path: (types, optional)}} from the doc's tables."""
    out, cmd = {}, None
    for line in open(DOC, encoding="utf-8"):
        m = re.match(r"^## tscap (\w+) --json", line)
        if m:
            cmd = out.setdefault(m[1], {})
            continue
        m = re.match(r"^\| `([^`]+)` \| ([^|]+?(?:\\\|[^|]+?)*) \| (.*)\|$", line)
        if cmd is not None and m:
            types = set(m[2].replace("\\|", "|").split("|"))
            cmd[m[1]] = ({t.strip() for t in types}, "*optional*" in m[3])
    return out


SCHEMA = schema()
DIST = {"n", "min", "mean", "p50", "p90", "p99", "p99_9", "max"}


def kind(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "string"
    return "array" if isinstance(v, list) else "object"


def fits(v, types):
    k = kind(v)
    if k in types or (k == "int" and "number" in types):
        return True
    if "dist" in types:
        return v is None or (k == "object" and set(v) == DIST and
                             all(isinstance(x, int) for x in v.values()))
    if "map" in types:
        return k == "object" and all(isinstance(x, int) and x > 0 for x in v.values())
    return False


def validate(cmd, obj):
    doc = SCHEMA.get(cmd)
    if not check(doc, f"doc/json.md has no table for tscap {cmd} --json"):
        return
    seen = set()

    def walk(v, path):
        seen.add(path)
        # Objects in arrays have no row of their own: their keys do.
        if path and not (path.endswith("[]") and isinstance(v, dict)):
            if not check(path in doc, f"{cmd} --json: `{path}` is not in doc/json.md"):
                return
            types = doc[path][0]
            check(fits(v, types), f"{cmd} --json: `{path}` is {json.dumps(v)[:80]}, doc: {types}")
            if types & {"dist", "map"}:
                return
        if isinstance(v, dict):
            for k, x in v.items():
                walk(x, f"{path}.{k}" if path else k)
        elif isinstance(v, list):
            for x in v:
                walk(x, f"{path}[]")

    walk(obj, "")
    for path, (types, optional) in doc.items():
        if optional or path in seen:
            continue
        parent = re.sub(r"\.[^.\[\]]+$|\[\]$", "", path)
        # Under a null or empty parent nothing can be printed.
        check(parent != path and parent_empty(obj, parent),
              f"{cmd} --json: documented `{path}` was not printed")


def parent_empty(obj, parent):
    """True when every value at `parent` is null or an empty array."""
    vals = [obj]
    for part in re.findall(r"[^.\[\]]+|\[\]", parent):
        nxt = []
        for v in vals:
            if part == "[]":
                nxt.extend(v if isinstance(v, list) else [])
            elif isinstance(v, dict) and part in v:
                nxt.append(v[part])
        vals = nxt
    return all(v is None or v == [] for v in vals)


def run_json(cmd, *args, timeout=60):
    r = subprocess.run([TSCAP, cmd, *args, "--json"], capture_output=True, text=True,
                       timeout=timeout)
    try:
        obj = json.loads(r.stdout)
    except ValueError:
        check(False, f"{cmd} --json: stdout is not one JSON object: {r.stdout[:200]!r} "
                     f"(rc={r.returncode}, {r.stderr.strip()[:200]})")
        return r, None
    check(isinstance(obj, dict), f"{cmd} --json: not an object")
    validate(cmd, obj)
    return r, obj


check(set(SCHEMA) == {"capture", "read", "send", "reflect", "ping", "probe", "matrix"},
      f"doc/json.md documents {sorted(SCHEMA)}")
helps = subprocess.run([TSCAP, "--help"], capture_output=True, text=True).stdout
for cmd in re.findall(r"^  (\w+) ", helps, re.M):
    h = subprocess.run([TSCAP, cmd, "--help"], capture_output=True, text=True).stdout
    check("--json" in h, f"tscap {cmd} has no --json")

# capture, with send --json as the load and read --json on the result.
port = free_port()
out = os.path.join(tmp, "c.pcapng")
cap = subprocess.Popen([TSCAP, "capture", f"udp://127.0.0.1:{port}", f"udp://[::1]:{port}",
                        "-w", out, "-c", "30", "-q", "--json"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
Capture.wait_bound(type("C", (), {"proc": cap})(), [port])
r, snd = run_json("send", f"udp://127.0.0.1:{port}", "-c", "20", "--tx-stamps")
check(r.returncode == 0 and snd and snd["sent"] == 20, f"send --json: {r.stdout[:200]}")
r, snd6 = run_json("send", f"udp://[::1]:{port}", "-c", "10")
check(r.returncode == 0 and snd6 and snd6["tx_stamps"] is None, f"send --json: {r.stdout[:200]}")
stdout, stderr = cap.communicate(timeout=30)
try:
    c = json.loads(stdout)
    validate("capture", c)
    check(c["received"] == c["written"] == 30 and [e["received"] for e in c["endpoints"]] ==
          [20, 10], f"capture --json counts: {stdout[:300]}")
    check(not stderr.strip(), f"capture --json still printed a text summary: {stderr[:200]}")
except ValueError:
    check(False, f"capture --json: not JSON: {stdout[:200]!r} {stderr[:200]}")
r, rd = run_json("read", out)
check(r.returncode == 0 and rd and rd["packets"] == 30 and len(rd["sessions"]) == 2,
      f"read --json: {r.stdout[:300]}")
r = subprocess.run([TSCAP, "capture", "udp://127.0.0.1:9", "-w", "-", "--json"],
                   capture_output=True, text=True, timeout=10)
check(r.returncode == 1 and "stdout" in r.stderr, f"capture --json -w -: rc={r.returncode}")

# reflect and ping against each other.
port = free_port()
refl = subprocess.Popen([TSCAP, "reflect", f"udp://127.0.0.1:{port}", "-c", "5", "-q",
                         "--duration", "20", "--json"], stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE, text=True)
wait_bound(refl, [port])
r, png = run_json("ping", f"udp://127.0.0.1:{port}", "-c", "5", "-i", "5", "-q")
check(r.returncode == 0 and png and png["received"] == 5, f"ping --json: {r.stdout[:200]}")
stdout, _ = refl.communicate(timeout=30)
try:
    rf = json.loads(stdout)
    validate("reflect", rf)
    check(rf["answered"] == 5, f"reflect --json: {stdout[:200]}")
except ValueError:
    check(False, f"reflect --json: not JSON: {stdout[:200]!r}")

# probe (raw ICMP or a ping socket) and matrix.
r, pr = run_json("probe", "lo", "-c", "5", "-i", "1")
check(r.returncode == 0 or "ICMP" in r.stderr, f"probe --json: rc={r.returncode} {r.stderr[:200]}")
r, mx = run_json("matrix", timeout=120)
check(r.returncode == 0 and mx and len(mx["rows"]) > 5, f"matrix --json: rc={r.returncode}")
done()
