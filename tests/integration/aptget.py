"""Outside programs the integration tests drive for real (xmllint,
rsvg-convert, groff, lintian, dpkg-shlibdeps): installed with apt-get when
missing, as tools/deps does; a test skips (exit 77) only when that cannot
be done (no apt-get, not root and no sudo, the package not available)."""
import os
import shutil
import subprocess

from tsctest import skip


def _apt(args, timeout):
    cmd = ["apt-get", "-o", "DPkg::Lock::Timeout=240", "-y", "-qq", *args]
    if os.geteuid() != 0:
        cmd = ["sudo", "-n", *cmd]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return None


def ensure(command, package):
    """Make `command` available, installing Debian `package` if needed."""
    if shutil.which(command):
        return
    if not shutil.which("apt-get"):
        skip(f"{command} is missing and there is no apt-get to install {package}")
    if os.geteuid() != 0 and not shutil.which("sudo"):
        skip(f"{command} is missing: installing {package} needs root or sudo")
    r = _apt(["install", "--no-install-recommends", package], 270)
    if not shutil.which(command):
        _apt(["update"], 200)
        r = _apt(["install", "--no-install-recommends", package], 270)
    if not shutil.which(command):
        why = (r.stderr.strip().splitlines() or ["?"])[-1] if r else "apt-get timed out"
        skip(f"{command} is missing and installing {package} failed: {why}")
