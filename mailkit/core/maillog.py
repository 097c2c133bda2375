"""/var/log/maillog: what the host did, one sendmail-style syslog line per event.

The servers never print; they write here. The message trace reads it back.

Text a client sent (addresses, Message-Id, HELO names) reaches these lines. A CentOS host's
rsyslog writes a control character as `#` and its three octal digits (ESC is `#033`, a bare CR
`#015`); so does `escape()` here, and a byte that is not UTF-8 becomes the same kind of
escape, so the log stays one line per event, valid UTF-8, and free of terminal sequences.
"""

from __future__ import annotations

import os
import re
import threading

from .hosts import hostname_of
from .world import World

MAILLOG = "/var/log/maillog"
_lock = threading.Lock()
# control characters, DEL, and the lone surrogates that stand for undecodable bytes
_UNSAFE = re.compile("[\x00-\x1f\x7f\udc80-\udcff]")


def _octal(m: re.Match) -> str:
    c = ord(m.group())
    return f"#{(c - 0xdc00 if c >= 0xdc00 else c):03o}"


def escape(text: str) -> str:
    """rsyslog's escaping of control characters (#ooo), also for undecodable bytes."""
    return _UNSAFE.sub(_octal, text)


def log(world: World, clock, text: str, program: str = "sendmail", qid: str | None = None,
        with_pid: bool = True) -> None:
    """with_pid=False for programs that syslog without one (Dovecot: "dovecot: pop3(bob): ...")."""
    now = clock.now()
    stamp = now.strftime("%b ") + f"{now.day:>2}" + now.strftime(" %H:%M:%S")
    ident = f"{program}[{clock.pid}]" if with_pid else program
    # rsyslog writes the machine's short name: "localhost" for a host alone, "mail" on mail.jeju.example
    host = hostname_of(world).split(".")[0]
    line = escape(f"{stamp} {host} {ident}: {qid + ': ' if qid else ''}{text}") + "\n"
    path = world.path(MAILLOG)
    data = line.encode("utf-8", "backslashreplace")  # any other lone surrogate: never a lost line
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
