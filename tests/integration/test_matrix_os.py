"""tscap matrix --os: the backend this build has and the rows it covers,
printed without trying any cell (text and JSON)."""
import json
import subprocess

from tsctest import TSCAP, check, done

r = subprocess.run([TSCAP, "matrix", "--os", "--json"], capture_output=True, text=True,
                   timeout=30)
check(r.returncode == 0, f"matrix --os --json exits 0 ({r.returncode}: {r.stderr.strip()})")
j = json.loads(r.stdout)
check(j["backend"] == "linux", f"backend is linux ({j['backend']})")
ids = [row["id"] for row in j["rows"]]
check("rights" in ids and "timestamping_rx_new" in ids, f"the Linux rows are listed ({ids})")
check(len(j["columns"]) == 7, f"seven columns ({j['columns']})")

r = subprocess.run([TSCAP, "matrix", "--os"], capture_output=True, text=True, timeout=30)
check(r.returncode == 0, "matrix --os exits 0")
check(r.stdout.startswith("backend: linux (backends/linux)"), f"says the backend: {r.stdout[:60]!r}")
check("SCM_TIMESTAMPING RX (new) (1, 65)" in r.stdout, "lists each row with level and type")
check("linux, freebsd, xnu, haiku" in r.stdout, "names the decoders built in")
done()
