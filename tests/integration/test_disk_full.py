"""A full disk (a 1 MiB tmpfs) stops the capture with a clear error and a
non-zero exit, and leaves a valid pcapng holding exactly the packets the
summary says were written."""
import os
import subprocess
import threading

from tsctest import Capture, check, done, free_port, need, send, skip, summary, tmpdir, tshark

need("tshark")
mnt = tmpdir()
if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt],
                                       capture_output=True).returncode != 0:
    skip("mounting a small tmpfs needs root")
try:
    out = os.path.join(mnt, "full.pcapng")
    port = free_port()
    cap = Capture([f"udp://127.0.0.1:{port}"], out)
    cap.wait_bound([port])
    t = threading.Thread(target=lambda: send("127.0.0.1", port, [1000] * 3000))
    t.start()
    t.join()
    rc = cap.wait(30) if cap.proc.poll() is not None else cap.stop()
    err = cap.stderr
    check(rc == 2, f"exit code 2 on a full disk (got {rc}: {err})")
    check("No space left on device" in err, f"the error names the cause: {err}")
    s = summary(err)
    rows = tshark(out, ["frame.number"])
    check(len(rows) == s["written"] and s["written"] > 0,
          f"the file holds exactly the {s['written']} packets reported ({len(rows)})")
    check(s["received"] > s["written"], "the summary says some packets did not make it")
finally:
    subprocess.run(["umount", mnt])
done()
