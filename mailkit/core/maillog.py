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
from .snapshot import file_key
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
    data = line.encode("utf-8", "backslashreplace")  # any other lone surrogate: never a lost line
    with _lock:
        os.write(_log_fd(world), data)  # one write of one line: O_APPEND keeps lines whole


# The open maillog of the worlds that wrote last: real path -> ((device, inode), fd). A line
# costs one stat to see that the name still leads to the file opened (a rotated or deleted log
# is opened again, a truncated one is the same file: O_APPEND writes at its new end).
_open_logs: dict[str, tuple[tuple, int]] = {}
MAX_OPEN_LOGS = 8


def _log_fd(world: World) -> int:
    real = os.path.join(world.root, MAILLOG.lstrip("/"))
    key = file_key(real)
    hit = _open_logs.get(real)
    if hit is not None and key is not None and hit[0] == key[:2]:
        return hit[1]
    if hit is not None:
        os.close(_open_logs.pop(real)[1])
    path = world.path(MAILLOG)  # opened again: checked again
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o644)
    except FileNotFoundError:  # first line of a fresh world: /var/log may not exist yet
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, flags, 0o644)
    while len(_open_logs) >= MAX_OPEN_LOGS:
        os.close(_open_logs.pop(next(iter(_open_logs)))[1])  # the world that wrote first
    st = os.fstat(fd)
    _open_logs[real] = ((st.st_dev, st.st_ino), fd)
    return fd


def read(world: World) -> list[str]:
    path = world.path(MAILLOG)
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []
