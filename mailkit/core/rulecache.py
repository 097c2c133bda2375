"""Answers of the cf's rulesets remembered per compiled cf and per state of the maps they read.

A ruleset's answer depends on the rules (core/rules.load compiles again when the cf changes),
its input, the macros given, and the files its maps read (access.db, virtusertable.db,
/etc/hosts...). The MTA asks the same questions over and over (every RCPT to the same user),
so the answers are kept until one of those files changes; a file is checked with one stat.
"""

from __future__ import annotations

import threading

from . import rules as rules_mod
from .snapshot import file_key

MAX_ENTRIES = 4096
# What a running sendmail adds to class w at start beyond the cf: the addresses of its
# interfaces as [a.b.c.d] (load_if_names), loopback skipped, and none at all under the stock
# cf's DontProbeInterfaces=True. So nothing: the real sendmail relays root@[127.0.0.1] with
# esmtp, and refuses it from another machine ("Relaying denied").
DAEMON_CLASSES: dict = {}

_lock = threading.Lock()
_states: dict = {}  # world root -> {"key": (rules, signature of their files), "answers": {...}}
MAX_WORLDS = 16


def _map_files(rs) -> tuple:
    """The real paths of the files the maps of `rs` read, found once per compiled cf (the maps
    themselves still open them through World.path, with its checks, at each lookup)."""
    files = getattr(rs, "_map_files", None)
    if files is None:
        names = {m.file for m in rs.maps.values() if m.file}
        names |= {m.hosts_file for m in rs.maps.values() if m.mclass == "host"}
        found = []
        for name in sorted(names):
            try:
                found.append(str(rs.world.path(name)))
            except (ValueError, OSError):
                found.append(None)  # a path the world refuses: never changes
        files = rs._map_files = tuple(found)
    return files


def signature(rs) -> tuple:
    """The state of the files the maps of `rs` read (one stat each, once per one_look()): a
    caller asking several questions for one message takes it once and passes it to remember()."""
    return tuple(file_key(path) if path else None for path in _map_files(rs))


def remember(rs, question: tuple, answer, sig: tuple | None = None):
    """The answer to `question` under rules `rs`: computed by answer() once, then reused.
    `sig`: signature(rs) when the caller already took it for this message. Answers are kept
    per world, so the hosts of a network running in one process (each asking its own rules)
    do not push each other's out."""
    if rs.world is None:
        return answer()
    key, root = (rs, sig if sig is not None else signature(rs)), str(rs.world.root)
    with _lock:
        st = _states.get(root)
        if st is not None and st["key"] == key and question in st["answers"]:
            return st["answers"][question]
    value = answer()
    with _lock:
        st = _states.get(root)
        if st is None or st["key"] != key or len(st["answers"]) >= MAX_ENTRIES:
            if st is None and len(_states) >= MAX_WORLDS:
                _states.pop(next(iter(_states)))  # the world asked about first
            st = _states[root] = {"key": key, "answers": {}}
        st["answers"][question] = value
    return value


_pinned: dict = {}
MAX_PINNED = 256


def rules_for(world, cfg):
    """The rules of the cf `cfg` was read from, as they were when first asked for this cfg: a
    running daemon keeps its rules (and class files) until it is restarted, as sendmail does;
    a fresh Config (a command, a restart) compiles the cf again if it changed."""
    hit = _pinned.get(id(cfg))
    if hit is not None and hit[0] is cfg and hit[1] == world.root:
        return hit[2]
    try:
        rs = rules_mod.load(world, getattr(cfg, "cf_path", rules_mod.SENDMAIL_CF))
    except Exception:  # a cf the engine cannot compile: the callers fall back (None)
        rs = None
    with _lock:
        while len(_pinned) >= MAX_PINNED:
            _pinned.pop(next(iter(_pinned)))  # the oldest first
        _pinned[id(cfg)] = (cfg, world.root, rs)
    return rs
