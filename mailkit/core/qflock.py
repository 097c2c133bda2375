"""The lock on a queue job: a runner holds its qf locked while it works on the message.

sendmail locks each qf it processes; another runner (another `sendmail -q`, the daemon's own
delivery) skips a job whose qf is locked, and `mailq` marks such a job with `*` after its id.
mailkit does the same, so runners in different processes (`mailkit serve`, a notebook kernel,
a `mailkit sendmail -q` in a shell) never deliver one message twice.

The lock is flock(2), not fcntl/lockf. Both work between processes, but a POSIX fcntl lock
belongs to the process and ends when the process closes *any* descriptor of the file: the
runner reading the qf again (Queue.load opens and closes it) or a `mailq` in the same process
would drop it in the middle of a delivery, and a probe from the holding process always
succeeds. A flock lock belongs to the open file description: other open()/close() calls on the
file leave it alone, and two descriptions conflict even within one process, so the probe sees
the lock whoever holds it. The kernel drops it when the holder dies (even by SIGKILL).

A lock is taken on the file the path names *now*: after locking, the descriptor is checked
against the path, since the holder before us may have removed the qf (delivered) or renamed a
new one over it (deferred). Renaming a file keeps its lock (the lock is on the file, not the
name), so a holder rewrites its qf by locking the new file before renaming it into place.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .files import fsync_dir, write_file

_POLL = 0.002  # seconds between tries while waiting


class QfLock:
    """An exclusive, non-blocking lock on one qf file; true when held."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.fd: int | None = None

    def __bool__(self) -> bool:
        return self.fd is not None

    def acquire(self, wait: float = 0.0) -> bool:
        """Lock the file now at path. False when it is missing or another holder keeps it
        locked for longer than `wait` seconds (0: one try, as sendmail's LOCK_NB)."""
        if self.fd is not None:
            return True
        deadline = time.monotonic() + wait
        replaced = 0
        while True:
            try:
                fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
            except FileNotFoundError:
                return False
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                if time.monotonic() >= deadline:
                    return False
                time.sleep(_POLL)
                continue
            except BaseException:
                os.close(fd)
                raise
            if _names(fd, self.path):
                self.fd = fd
                return True
            # removed or replaced while we waited: the next round locks what is there now
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
            replaced += 1
            if replaced > 10:
                return False

    def replace(self, data: bytes, tmp: Path | str) -> None:
        """Rewrite the locked file without letting go: `data` goes to `tmp` (written, locked,
        fsync'ed), `tmp` is renamed over the path (the directory fsync'ed), and the lock now
        held is the new file's. Another runner never finds the new qf unlocked."""
        if self.fd is None:
            raise RuntimeError(f"{self.path}: not locked")
        tmp = Path(tmp)
        fd = write_file(tmp, data)
        try:
            # nobody else knows the tf yet; the only other lockers of a qf are runners
            # (which wait for our lock) and mailq's probe, which only sees the qf
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.fsync(fd)
            os.replace(tmp, self.path)
        except BaseException:
            os.close(fd)
            raise
        old, self.fd = self.fd, fd
        _unlock(old)
        fsync_dir(self.path.parent)

    def release(self) -> None:
        if self.fd is not None:
            fd, self.fd = self.fd, None
            _unlock(fd)

    def __enter__(self) -> "QfLock":
        return self

    def __exit__(self, *exc) -> None:
        self.release()


@contextmanager
def locked(path: Path | str, wait: float = 0.0) -> Iterator[QfLock]:
    """`with locked(qf) as got:` got is true when this process holds the qf's lock (the
    QfLock itself, for `.replace`); false when another holder has it or the file is gone.
    The lock is let go at the end of the block."""
    lock = QfLock(path)
    lock.acquire(wait)
    try:
        yield lock
    finally:
        lock.release()


def is_locked(path: Path | str) -> bool:
    """Is a runner (in any process, this one included) working on this qf? mailq's probe:
    a shared lock tried and let go at once, as sendmail's printqueue does."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except (FileNotFoundError, NotADirectoryError):
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _names(fd: int, path: Path) -> bool:
    """Does path still name the file open on fd?"""
    st = os.fstat(fd)
    try:
        now = os.stat(path)
    except FileNotFoundError:
        return False
    return st.st_nlink > 0 and (st.st_dev, st.st_ino) == (now.st_dev, now.st_ino)


def _unlock(fd: int) -> None:
    # unlock before close: a child forked meanwhile shares the description and would keep it
    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
