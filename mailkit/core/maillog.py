"""/var/log/maillog: what the host did, one sendmail-style syslog line per event.

The servers never print; they write here. The message trace reads it back.
"""

from __future__ import annotations

import threading

from .world import World

MAILLOG = "/var/log/maillog"
_lock = threading.Lock()


def log(world: World, clock, text: str, program: str = "sendmail", qid: str | None = None) -> None:
    now = clock.now()
    stamp = now.strftime("%b ") + f"{now.day:>2}" + now.strftime(" %H:%M:%S")
    line = f"{stamp} localhost {program}[{clock.pid}]: {qid + ': ' if qid else ''}{text}\n"
    path = world.path(MAILLOG)
    with _lock:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as f:
            f.write(line)


def read(world: World) -> list[str]:
    path = world.path(MAILLOG)
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []
