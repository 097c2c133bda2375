"""/var/log/maillog: what the host did, one sendmail-style syslog line per event.

The servers never print; they write here. The message trace reads it back.
"""

from __future__ import annotations

import os
import threading

from .world import World

MAILLOG = "/var/log/maillog"
_lock = threading.Lock()


def log(world: World, clock, text: str, program: str = "sendmail", qid: str | None = None,
        with_pid: bool = True) -> None:
    """with_pid=False for programs that syslog without one (Dovecot: "dovecot: pop3(bob): ...")."""
    now = clock.now()
    stamp = now.strftime("%b ") + f"{now.day:>2}" + now.strftime(" %H:%M:%S")
    ident = f"{program}[{clock.pid}]" if with_pid else program
    line = f"{stamp} localhost {ident}: {qid + ': ' if qid else ''}{text}\n"
    path = world.path(MAILLOG)
    data = line.encode("utf-8")
    with _lock:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except FileNotFoundError:  # first line of a fresh world: /var/log may not exist yet
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, data)  # one write of one line: O_APPEND keeps lines whole
        finally:
            os.close(fd)


def read(world: World) -> list[str]:
    path = world.path(MAILLOG)
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []
