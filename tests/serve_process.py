"""A `mailkit serve` child process for tests that measure the server from outside (its
/proc/PID/status), and a minimal SMTP exchange over a raw socket."""

import re
import subprocess
import sys


def start_host(world_dir):
    """`mailkit serve` on world_dir: (the process, the SMTP address it printed first)."""
    proc = subprocess.Popen([sys.executable, "-m", "mailkit", "serve", "--world", str(world_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in proc.stdout:
        m = re.match(r"sendmail: port 25 on ([\d.]+):(\d+)", line)
        if m:
            return proc, (m.group(1), int(m.group(2)))
    proc.wait(10)
    raise AssertionError("mailkit serve printed no SMTP port")


def status_kb(pid, field):
    """A kB field of /proc/PID/status (VmRSS, VmHWM)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def converse(s, f, line):
    """Send one SMTP line; the reply's last line (continuation lines read past)."""
    s.sendall(line + b"\r\n")
    while True:
        reply = f.readline().decode()
        if reply[3:4] != "-":
            return reply.rstrip("\r\n")
