"""Packaging, with the real tools: `cmake --install` puts the binary, the
gzipped man page, the bash completion and the docs in place; `cpack -G
DEB` builds a .deb whose control fields are right (section net, a
maintainer, dependencies found by dpkg-shlibdeps); lintian reports no
error; dpkg installs it into a scratch root whose package database holds
this system's packages that the .deb depends on (so dpkg checks the
versions), the installed tscap runs, and dpkg removes it without a trace.
The dependencies are also checked against what apt would install on this
Debian, when its package lists are there."""
import atexit
import gzip
import os
import re
import shutil
import subprocess

from aptget import ensure
from tsctest import FAILS, TSCAP, check, done, skip, tmpdir

ensure("lintian", "lintian")
ensure("dpkg-shlibdeps", "dpkg-dev")
ensure("cpack", "cmake")
ensure("file", "file")  # CPack's shlibdeps step finds ELF files with it
BUILD = os.path.dirname(os.path.abspath(TSCAP))
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
if not os.path.exists(os.path.join(BUILD, "CPackConfig.cmake")):
    skip(f"{BUILD} is not a configured build directory (no CPackConfig.cmake)")
tmp = tmpdir()
atexit.register(lambda: FAILS or shutil.rmtree(tmp, ignore_errors=True))  # kept on failure
version = subprocess.run([TSCAP, "--version"], capture_output=True, text=True).stdout


def sh(*cmd, env=None, timeout=300):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                          env=dict(os.environ, **(env or {})))


# --- cmake --install ----------------------------------------------------------
dest = os.path.join(tmp, "dest")
r = sh("cmake", "--install", BUILD, "--prefix", "/usr", env={"DESTDIR": dest})
check(r.returncode == 0, f"cmake --install: {r.stderr.strip()[:300]}")
want = {"usr/bin/tscap", "usr/share/man/man1/tscap.1.gz",
        "usr/share/bash-completion/completions/tscap", "usr/share/doc/tscap/copyright",
        "usr/share/doc/tscap/json.md", "usr/share/doc/tscap/changelog.gz"}
have = {os.path.relpath(os.path.join(d, f), dest) for d, _, fs in os.walk(dest) for f in fs}
check(have == want, f"cmake --install put {sorted(have)}, expected {sorted(want)}")
if "usr/share/man/man1/tscap.1.gz" in have:
    with gzip.open(os.path.join(dest, "usr/share/man/man1/tscap.1.gz"), "rb") as f:
        check(f.read() == open(os.path.join(ROOT, "man", "tscap.1"), "rb").read(),
              "the installed man page is not man/tscap.1")
r = sh(os.path.join(dest, "usr/bin/tscap"), "--version")
check(r.stdout == version, f"installed tscap --version: {r.stdout!r} vs {version!r}")

# --- cpack -G DEB ---------------------------------------------------------------
out = os.path.join(tmp, "pkg")
r = sh("cpack", "-G", "DEB", "--config", os.path.join(BUILD, "CPackConfig.cmake"), "-B", out)
debs = [os.path.join(out, f) for f in os.listdir(out) if f.endswith(".deb")] \
    if os.path.isdir(out) else []
if not check(r.returncode == 0 and len(debs) == 1, f"cpack: rc={r.returncode} "
             f"{(r.stdout + r.stderr).strip()[-400:]}"):
    done()
deb = debs[0]
fields = {}
for line in sh("dpkg-deb", "-f", deb).stdout.splitlines():
    if line[:1] not in (" ", ""):
        k, _, v = line.partition(":")
        fields[k] = v.strip()
check(fields.get("Package") == "tscap" and fields.get("Section") == "net",
      f"control: {fields}")
check(re.fullmatch(r".+ <[^@ ]+@[^@ ]+\.[a-z]+>", fields.get("Maintainer", "")),
      f"Maintainer: {fields.get('Maintainer')!r}")
deps = [d.strip() for d in fields.get("Depends", "").split(",") if d.strip()]
names = [re.match(r"[\w.+-]+", d)[0] for d in deps]
check("libc6" in names and "liburing2" in names, f"Depends (shlibdeps): {deps}")
check(fields.get("Description", "").startswith("capture UDP"), f"Description: {fields}")
listing = sh("dpkg-deb", "-c", deb).stdout
for path in want:
    check(f"./{path}" in listing, f"the .deb lacks /{path}")
check(" root/root " in listing and not re.search(r"^\S+ (?!root/root)\S+/\S+ ", listing, re.M),
      "files in the .deb are not all root/root")

# --- lintian --------------------------------------------------------------------
r = sh("lintian", "--fail-on", "error", deb, timeout=280)
errors = [l for l in r.stdout.splitlines() if l.startswith("E:")]
check(r.returncode == 0 and not errors, f"lintian: rc={r.returncode} {errors[:10]}")
warnings = [l for l in r.stdout.splitlines() if l.startswith("W:")]
if warnings:
    print("lintian warnings (not errors):", *warnings, sep="\n  ")

# --- dpkg into a scratch root ---------------------------------------------------
root = os.path.join(tmp, "root")
admin = os.path.join(root, "var/lib/dpkg")
for d in ("info", "updates", "triggers"):
    os.makedirs(os.path.join(admin, d))
open(os.path.join(admin, "available"), "w").close()
# The package database: this system's entries for the packages the .deb
# depends on, so dpkg checks their versions as it would on this system.
status = open("/var/lib/dpkg/status", encoding="utf-8", errors="replace").read().split("\n\n")
with open(os.path.join(admin, "status"), "w") as f:
    for para in status:
        m = re.search(r"^Package: (\S+)$", para, re.M)
        if m and m[1] in names and "Status: install ok installed" in para:
            f.write(para.strip() + "\n\n")
            arch = re.search(r"^Architecture: (\S+)$", para, re.M)
            for listname in (m[1], f"{m[1]}:{arch[1] if arch else 'amd64'}"):
                open(os.path.join(admin, "info", listname + ".list"), "w").close()
dpkg = ["dpkg", f"--root={root}", "--force-not-root"]
r = sh(*dpkg, "-i", deb)
check(r.returncode == 0, f"dpkg -i into {root}: {(r.stdout + r.stderr).strip()[-500:]}")
st = sh(*dpkg, "-s", "tscap").stdout
check("Status: install ok installed" in st, f"dpkg -s tscap: {st[:200]}")
r = sh(os.path.join(root, "usr/bin/tscap"), "--version")
check(r.returncode == 0 and r.stdout == version, f"installed tscap: {r.stdout!r} {r.stderr}")
r = sh("bash", "--norc", "-c", f"source {root}/usr/share/bash-completion/completions/tscap "
       "&& complete -p tscap")
check(r.returncode == 0 and "_tscap" in r.stdout, f"installed completion: {r.stderr}")
r = sh(*dpkg, "-r", "tscap")
left = [os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root)
        for f in fs if not os.path.join(d, f).startswith(os.path.join(root, "var"))]
check(r.returncode == 0 and not left, f"dpkg -r: rc={r.returncode}, left {left}")

# --- installable from this system's archive ---------------------------------------
if shutil.which("apt-cache"):
    for dep in deps:
        m = re.match(r"([\w.+-]+)(?: \((\S+) (\S+)\))?", dep)
        pol = sh("apt-cache", "policy", m[1]).stdout
        cand = re.search(r"Candidate: (\S+)", pol)
        if not cand or cand[1] == "(none)":
            print(f"apt has no candidate for {m[1]} here: not checked")
            continue
        if m[2]:
            ok = sh("dpkg", "--compare-versions", cand[1], m[2], m[3]).returncode == 0
            check(ok, f"{dep}: apt's candidate is {cand[1]}")
done()
