"""Built lookup maps (access.db, virtusertable.db, aliases.db), and how they are built.

Like sendmail, the running host reads only the built `.db` file, never the text source, so an
edit without `makemap`/`newaliases` changes nothing. A map is built into a temporary file and
renamed into place, so a failed build (a malformed line) leaves the old map serving.

Storage: this Python's `dbm` offers only `dbm.dumb`, which writes three files (.dat .dir .bak);
to keep `ls /etc/mail` showing one `access.db` as on a real host, a map is one sqlite3 file
(stdlib) holding a single key/value table.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from .files import fsync_dir
from .world import World


class MapError(ValueError):
    """A line a map builder refuses: str() reads like the real tools ("FILE: line N: reason")."""

    def __init__(self, filename: str, lineno: int, reason: str):
        super().__init__(f"{filename}: line {lineno}: {reason}")
        self.filename, self.lineno, self.reason = filename, lineno, reason


@dataclass(frozen=True)
class Entry:
    key: str
    value: str
    lineno: int


def write_db(path: Path, entries: Iterable[tuple[str, str]]) -> int:
    """Build the map at `path` atomically; returns the number of keys written."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.new{os.getpid()}-{threading.get_ident()}")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    try:
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("CREATE TABLE map (k TEXT PRIMARY KEY, v TEXT NOT NULL)")
        # Later lines win, as makemap's "duplicate key" replace mode (-r) does; makemap
        # without -r warns and keeps the first, which builders handle before calling here.
        con.executemany("INSERT OR REPLACE INTO map VALUES (?, ?)", entries)
        n = con.execute("SELECT count(*) FROM map").fetchone()[0]
        con.commit()
    finally:
        con.close()
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, 0o640)
    os.replace(tmp, path)
    fsync_dir(path.parent)
    return n


class MapReader:
    """Read-only view of a built map; reopens when the file is replaced (makemap renames)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._sig = None
        self._data: dict[str, str] = {}
        self._lock = threading.Lock()

    def _refresh(self) -> None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            self._sig, self._data = None, {}
            return
        sig = (st.st_ino, st.st_mtime_ns, st.st_size)
        if sig == self._sig:
            return
        con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            data = dict(con.execute("SELECT k, v FROM map"))
        except sqlite3.DatabaseError:
            data = {}  # not a map mailkit built (e.g. a stray file): serve nothing
        finally:
            con.close()
        self._sig, self._data = sig, data

    def get(self, key: str, default=None):
        with self._lock:
            self._refresh()
            return self._data.get(key, default)

    def items(self) -> list[tuple[str, str]]:
        with self._lock:
            self._refresh()
            return sorted(self._data.items())

    def exists(self) -> bool:
        return self.path.exists()


_readers: dict[str, MapReader] = {}
_readers_lock = threading.Lock()


def open_map(world: World, db_host_path: str) -> MapReader:
    # Keyed by host path so the per-lookup cost is a dict hit and one stat (the path was
    # checked against the world's root when the reader was made).
    key = f"{world.root}\0{db_host_path}"
    reader = _readers.get(key)
    if reader is None:
        with _readers_lock:
            reader = _readers.setdefault(key, MapReader(world.path(db_host_path)))
    return reader


def parse_key_value(text: str, filename: str) -> list[Entry]:
    """The makemap input format: "key<whitespace>value" lines, '#' comments, blank lines."""
    out = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split(None, 1)
        if len(parts) < 2:
            raise MapError(filename, lineno, f"no RHS for LHS {parts[0]}")
        out.append(Entry(parts[0], parts[1].strip(), lineno))
    return out


def build_map(
    world: World,
    db_host_path: str,
    text: str,
    source_name: str,
    parse: Callable[[str, str], list[Entry]] = parse_key_value,
    fold_case: bool = True,
) -> int:
    """Parse `text` (the map source) and build `db_host_path`. Raises MapError, leaving the old map."""
    entries = parse(text, source_name)
    return write_db(world.path(db_host_path), ((e.key.lower() if fold_case else e.key, e.value) for e in entries))
