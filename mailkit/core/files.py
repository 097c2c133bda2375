"""Durable file writes: a file that is renamed into place is complete and on disk."""

from __future__ import annotations

import os
from pathlib import Path


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, mode: int = 0o600, tmp_name: str | None = None) -> None:
    """Write `data` to a temporary file beside `path`, fsync it, rename it into place, fsync the dir."""
    path = Path(path)
    tmp = path.with_name(tmp_name or f".{path.name}.tmp{os.getpid()}")
    write_synced(tmp, data, mode)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def write_synced(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write a new file and fsync its data, without a directory fsync (the caller does one)."""
    fd = write_file(path, data, mode)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_file(path: Path, data: bytes, mode: int = 0o600) -> int:
    """Create (or truncate) `path` and write all of `data`; the open fd, not yet synced."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
    except BaseException:
        os.close(fd)
        raise
    return fd


def sync_all(fds: list[int]) -> None:
    """fsync every fd. Writing them all first and syncing after lets the filesystem put the
    whole batch in few journal commits instead of one commit per file."""
    for fd in fds:
        os.fsync(fd)
