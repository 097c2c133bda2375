"""One look at a file's state per piece of work.

The MTA asks whether its files changed (access.db, aliases.db, /etc/passwd, /etc/hostname...)
before answering from what it read last. Each such look is a stat(2), and one RCPT asked the
same few files a dozen times. Inside `one_look()` (one SMTP command, one delivery attempt) the
first look at a path is the answer for the rest of that piece of work: it sees the files as they
were when it began, as one answer of sendmail sees one state of its open maps, and an edit that
lands meanwhile counts from the next command. Outside a scope every look is a fresh stat.
"""

from __future__ import annotations

import contextvars
import os
from contextlib import contextmanager

_looks: contextvars.ContextVar[dict | None] = contextvars.ContextVar("mailkit_file_looks", default=None)


@contextmanager
def one_look():
    """A scope in which each path is stat'ed at most once (nested scopes share the outer one)."""
    if _looks.get() is not None:
        yield
        return
    token = _looks.set({})
    try:
        yield
    finally:
        _looks.reset(token)


def file_key(path: str | os.PathLike) -> tuple | None:
    """(device, inode, mtime in ns, size) of the file at `path` (symlinks followed), None when
    it cannot be stat'ed; inside one_look() the first answer for `path` is reused."""
    looks = _looks.get()
    p = os.fspath(path)
    if looks is not None and p in looks:
        return looks[p]
    try:
        st = os.stat(p)
        key = (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)
    except (OSError, ValueError):
        key = None
    if looks is not None:
        looks[p] = key
    return key
