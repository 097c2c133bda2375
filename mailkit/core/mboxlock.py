"""One lock for a mailbox file, shared by the MDA and the POP3/IMAP servers.

Within a process a threading lock (POSIX record locks do not exclude threads of one process);
across processes `fcntl.lockf` on the mbox itself, the same lock stdlib `mailbox.mbox.lock()`
and procmail-style tools take, so a `mailkit sendmail` run in a shell cooperates too.
"""

from __future__ import annotations

import fcntl
import os
import threading
from contextlib import contextmanager
from pathlib import Path

_registry_lock = threading.Lock()
_locks: dict[str, threading.RLock] = {}


def thread_lock(path: Path) -> threading.RLock:
    """The in-process half of the lock of mailbox `path`: while a thread holds it, no other
    thread of this process holds the file's lockf lock (so closing a descriptor of the file
    then drops nobody's lock)."""
    key = _identity(path)
    with _registry_lock:
        return _locks.setdefault(key, threading.RLock())


def _identity(path: Path) -> object:
    """What names the mailbox whatever way the path took to it (/var/mail -> spool/mail): its
    directory's device and inode and its own name (two system calls, where a full realpath
    costs one per component); the realpath when the mailbox itself is a symlink."""
    p = os.fspath(path)
    parent, _, name = p.rpartition("/")
    try:
        if os.path.islink(p):
            return os.path.realpath(p)
        st = os.stat(parent or "/")
        return (st.st_dev, st.st_ino, name)
    except OSError:
        return os.path.realpath(p)


@contextmanager
def locked(path: Path, opener=None, in_process=None):
    """Hold the mailbox at `path` exclusively (it is created, mode 0600, if missing); yields the
    locked fd. `opener(flags, mode) -> fd` opens it instead of os.open (World.open: checked);
    `in_process` is thread_lock(path) when the caller already has it."""
    path = Path(path)
    if opener is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        opener = lambda flags, mode: os.open(path, flags, mode)  # noqa: E731
    with in_process or thread_lock(path):
        while True:
            fd = opener(os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.lockf(fd, fcntl.LOCK_EX)
            try:
                if os.fstat(fd).st_ino == os.stat(path).st_ino:
                    break
            except FileNotFoundError:
                pass
            # the store renamed a rewritten mbox into place while we waited: lock the new file
            os.close(fd)
        try:
            try:
                yield fd
            finally:
                fcntl.lockf(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
