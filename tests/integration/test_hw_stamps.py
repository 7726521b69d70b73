"""Hardware stamping, live: where a NIC has a PTP hardware clock, --stamp
hw switches its RX stamping on, captures, and exits cleanly (the NIC's
config is restored). Machines without such a NIC skip (exit 77); the
hardware decode path is covered byte by byte in the unit tests."""
import glob
import os
import subprocess

from tsctest import TSCAP, check, done, free_port, skip

nics = sorted({p.split("/")[4] for p in glob.glob("/sys/class/net/*/device/ptp/ptp*")})
if not nics:
    skip("no NIC with a PTP hardware clock here (/sys/class/net/*/device/ptp is empty): "
         "hardware stamps cannot be tested live")
if os.geteuid() != 0:
    skip("switching a NIC's RX stamping on needs CAP_NET_ADMIN")
port = free_port()
r = subprocess.run([TSCAP, "capture", f"udp://0.0.0.0:{port}%{nics[0]}", "--stamp", "hw",
                    "-w", "/dev/null", "--duration", "0.5"], capture_output=True, text=True,
                   timeout=30)
check(r.returncode == 0, f"--stamp hw on {nics[0]} opens and stops cleanly: {r.stderr}")
done()
