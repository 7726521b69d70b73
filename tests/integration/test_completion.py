"""completions/tscap in a real bash: it loads without errors, registers
for tscap, and what it offers after each kind of word is right: the
commands of tscap --help, every option of each command's --help, the
choices of --stamp/--rx/--format, capture files for read, interfaces for
probe, endpoint hints (with bash's splitting of words at colons)."""
import atexit
import os
import re
import shlex
import shutil
import subprocess

from tsctest import FAILS, TSCAP, check, done, need, tmpdir

need("bash")
SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "completions",
                      "tscap")
tmp = tmpdir()
atexit.register(lambda: FAILS or shutil.rmtree(tmp, ignore_errors=True))  # kept on failure
for name in ("a.pcapng", "b.pcap", "notes.txt", "plot.svg"):
    open(os.path.join(tmp, name), "w").close()
os.mkdir(os.path.join(tmp, "sub"))


def complete(line):
    """COMPREPLY for the cursor at the end of `line`, as bash fills the
    COMP_* variables (COMP_WORDS split at COMP_WORDBREAKS too)."""
    prog = f"""
source {shlex.quote(SCRIPT)} || exit 3
complete -p tscap >/dev/null || exit 4
COMP_LINE={shlex.quote(line)}
COMP_POINT=${{#COMP_LINE}}
read -ra COMP_WORDS <<<"$COMP_LINE"
[[ $COMP_LINE == *' ' ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
_tscap
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", prog], capture_output=True,
                       text=True, timeout=30, cwd=tmp)
    check(r.returncode == 0 and not r.stderr.strip(),
          f"completion of {line!r}: rc={r.returncode} {r.stderr.strip()[:300]}")
    return [w for w in r.stdout.splitlines() if w]


r = subprocess.run(["bash", "-n", SCRIPT], capture_output=True, text=True)
check(r.returncode == 0, f"bash -n completions/tscap: {r.stderr.strip()}")
commands = re.findall(r"^  (\w+) ", subprocess.run([TSCAP, "--help"], capture_output=True,
                                                    text=True).stdout, re.M)
got = complete(f"{TSCAP} ")
check(set(got) == set(commands) | {"help", "--help", "--version"},
      f"first word: {got} vs commands {commands}")
check(set(complete(f"{TSCAP} help ")) == set(commands), "tscap help <TAB>")
check(complete(f"{TSCAP} ca") == ["capture"], "tscap ca<TAB>")
for cmd in commands:
    h = subprocess.run([TSCAP, cmd, "--help"], capture_output=True, text=True).stdout
    want = set(re.findall(r"^  (?:-\w, |    )(--[\w-]+)", h, re.M))
    got = set(complete(f"{TSCAP} {cmd} --"))
    check(got == want, f"{cmd} --<TAB>: {sorted(got ^ want)} differ from --help")
check(complete(f"{TSCAP} capture --stamp ") == ["auto", "hw", "sw", "none"], "--stamp <TAB>")
check(complete(f"{TSCAP} reflect --rx m") == ["mmsg", "msg"], "--rx m<TAB>")
check(complete(f"{TSCAP} ping --format ") == ["ptp", "ntp"], "--format <TAB>")
check(complete(f"{TSCAP} capture -c ") == [], "-c takes a number: nothing to offer")
check(set(complete(f"{TSCAP} read ")) == {"a.pcapng", "b.pcap", "sub"}, "read <TAB>: captures")
check(set(complete(f"{TSCAP} ping --plot ")) == {"plot.svg", "sub"}, "--plot <TAB>: svg")
check(set(complete(f"{TSCAP} capture -w ")) == {"a.pcapng", "sub"}, "-w <TAB>")
check("lo" in complete(f"{TSCAP} probe "), "probe <TAB>: interfaces")
# Endpoints: bash replaces only what follows the last ':' of the word.
check(set(complete(f"{TSCAP} capture ")) >= {"udp://127.0.0.1:", "udp://[::1]:"},
      "capture <TAB>: endpoint hints")
check(complete(f"{TSCAP} send udp://1") == ["//127.0.0.1:"], "udp://1<TAB> after the colon")
check(set(complete(f"{TSCAP} capture udp://127.0.0.1:9 udp://[:")) == {":1]:", ":]:"},
      "udp://[:<TAB>: the IPv6 hints, after the last colon")
check(complete(f"{TSCAP} capture --rx uring udp://[::1]:9000 --st") == ["--stamp"],
      "options after an endpoint")
done()
