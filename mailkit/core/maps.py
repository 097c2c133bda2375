"""Built lookup maps (access.db, virtusertable.db, aliases.db), and how they are built.

Like sendmail, the running host reads only the built `.db` file, never the text source, so an
edit without `makemap`/`newaliases` changes nothing. A map is built into a temporary file and
renamed into place, so a failed build (a malformed line) leaves the old map serving.

Storage: a map is one file (`ls /etc/mail` shows one `access.db`, as on a real host) in the
format of the standard library's `dbm.sqlite3`, the default `dbm` of Python 3.13+: an SQLite
database whose table `Dict (key BLOB UNIQUE NOT NULL, value BLOB NOT NULL)` holds each key and
value as UTF-8 bytes. `dbm.open(path, "r")` there reads a built map. The file is written with
the rollback journal rather than WAL, so reading it never leaves `-wal`/`-shm` files beside it.
Maps built in the earlier layout (a table `map(k TEXT, v TEXT)`) are still read.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from .files import fsync_dir
from .snapshot import file_key
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


# The dbm.sqlite3 layout (Python 3.13+ Lib/dbm/sqlite3.py): keys and values are BLOBs.
_DICT_SCHEMA = "CREATE TABLE Dict (key BLOB UNIQUE NOT NULL, value BLOB NOT NULL)"


def _blob(text: str) -> bytes:
    # What dbm.sqlite3's CAST(? AS BLOB) stores for a str: its UTF-8 bytes.
    return text.encode("utf-8")


def _text(value) -> str:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def write_db(path: Path, entries: Iterable[tuple[str, str]]) -> int:
    """Build the map at `path` atomically; returns the number of keys written."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.new{os.getpid()}-{threading.get_ident()}")
    tmp.unlink(missing_ok=True)
    try:
        con = sqlite3.connect(tmp)
        try:
            con.execute("PRAGMA journal_mode=OFF")
            con.execute(_DICT_SCHEMA)
            # Later lines win, as makemap's "duplicate key" replace mode (-r) does; makemap
            # without -r warns and keeps the first, which builders handle before calling here.
            con.executemany("REPLACE INTO Dict (key, value) VALUES (?, ?)",
                            ((_blob(k), _blob(v)) for k, v in entries))
            n = con.execute("SELECT count(key) FROM Dict").fetchone()[0]
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
    except BaseException:
        tmp.unlink(missing_ok=True)  # a failed build leaves the old map and no temporary file
        raise
    fsync_dir(path.parent)
    return n


def _read_map(con: sqlite3.Connection) -> dict[str, str]:
    tables = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "Dict" in tables:  # the dbm.sqlite3 layout
        return {_text(k): _text(v) for k, v in con.execute("SELECT key, value FROM Dict")}
    if "map" in tables:  # the earlier layout: map(k TEXT PRIMARY KEY, v TEXT)
        return {_text(k): _text(v) for k, v in con.execute("SELECT k, v FROM map")}
    return {}


class MapReader:
    """Read-only view of a built map; reopens when the file is replaced (makemap renames)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._sig = None
        self._data: dict[str, str] = {}
        self._lock = threading.Lock()

    def _refresh(self) -> None:
        sig = file_key(self.path)
        if sig is None:
            self._sig, self._data = None, {}
            return
        if sig == self._sig:
            return
        try:
            con = sqlite3.connect(f"{self.path.absolute().as_uri()}?mode=ro", uri=True)
        except sqlite3.Error:
            self._sig, self._data = sig, {}
            return
        try:
            data = _read_map(con)
        except sqlite3.DatabaseError:
            data = {}  # not a map (e.g. a stray file): serve nothing
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
