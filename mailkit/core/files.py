"""Durable file writes: a file that is renamed into place is complete and on disk.

Given the `world`, a path is opened through `World.open_parent` (every component checked when
the file is opened, see core/world.py) and the file itself with O_NOFOLLOW, so a write never
lands outside the world whatever was swapped for a symlink since the path was computed. Without
a world (files that belong to no mail host, tests) the path is used as given.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


@contextmanager
def _directory(path: Path, world):
    """(dir fd or None, name) for the file at real `path`; the fd is closed afterwards."""
    if world is None:
        yield None, str(path)
        return
    dfd, name = world.open_parent(world.host_of(path))
    try:
        yield dfd, name
    finally:
        os.close(dfd)


def fsync_dir(directory: Path, world=None) -> None:
    fd = os.open(directory, os.O_RDONLY) if world is None else world.open_dir(world.host_of(directory))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, mode: int = 0o600, tmp_name: str | None = None, world=None) -> None:
    """Write `data` to a temporary file beside `path`, fsync it, rename it into place, fsync the dir."""
    path = Path(path)
    tmp = tmp_name or f".{path.name}.tmp{os.getpid()}"
    with _directory(path, world) as (dfd, name):
        if dfd is None:
            tmp_path = str(path.with_name(tmp))
            write_synced(Path(tmp_path), data, mode)
            os.replace(tmp_path, path)
            fsync_dir(path.parent)
            return
        fd = write_at(dfd, tmp, data, mode)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, name, src_dir_fd=dfd, dst_dir_fd=dfd)
        os.fsync(dfd)


def write_synced(path: Path, data: bytes, mode: int = 0o600, world=None) -> None:
    """Write a new file and fsync its data, without a directory fsync (the caller does one)."""
    fd = write_file(path, data, mode, world)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_file(path: Path, data: bytes, mode: int = 0o600, world=None) -> int:
    """Create (or truncate) `path` and write all of `data`; the open fd, not yet synced."""
    with _directory(Path(path), world) as (dfd, name):
        return write_at(dfd, name, data, mode)


def write_at(dfd: int | None, name: str, data: bytes, mode: int = 0o600) -> int:
    """Create (or truncate) `name` in the directory `dfd` (not following a symlink there) and
    write all of `data`; the open fd, not yet synced."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC
    fd = os.open(name, flags | (_NOFOLLOW if dfd is not None else 0), mode, dir_fd=dfd)
    try:
        write_all(fd, data)
    except BaseException:
        os.close(fd)
        raise
    return fd


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def sync_all(fds: list[int]) -> None:
    """fsync every fd. Writing them all first and syncing after lets the filesystem put the
    whole batch in few journal commits instead of one commit per file."""
    for fd in fds:
        os.fsync(fd)


def _load_syncfs():
    try:
        import ctypes

        fn = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError, ImportError):  # not Linux (or a libc without it)
        return None
    fn.argtypes = [ctypes.c_int]
    return fn


_syncfs = _load_syncfs()


def sync_batch(fds: list[int]) -> None:
    """Make the data of every fd durable; the fds are files of one directory (one filesystem).
    One syncfs(2) for the whole batch where the system has it: a queue batch of N messages is
    2N new files, and N+ fsyncs in a row cost a journal commit each, where one syncfs waits
    for one. Elsewhere, or when syncfs fails, every file is fsync'ed."""
    if not fds:
        return
    if _syncfs is not None and _syncfs(fds[0]) == 0:
        return
    sync_all(fds)
