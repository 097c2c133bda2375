"""What the daemon tidies in its queue when it starts, before its first queue run.

A crash can leave a message half written: its `tf` (the qf being written, renamed to qf only
once it and its df are on disk) and the df of the same id. Such a message was never
acknowledged (the 250 comes after the rename), so nothing anyone was promised is in it. A tf
nobody holds that was last written before the daemon started is removed, with its df when no
qf names that id. A df with neither qf nor tf is left where it is, as sendmail leaves it
(seen on sendmail 8.17: neither `-bd -q15m` nor `-q` touches it): it may be the message a
session of another process is still receiving, and only the administrator knows otherwise.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

from . import qflock
from .files import fsync_dir
from .world import World

# How long before the start a tf must have been last written to count as left over. Zero: a tf
# written before this daemon started is the crashed one's. Should another live process be
# committing into the same queue at that instant, removing its tf only makes its rename fail
# before it answers 250 (451 instead): no acknowledged message can be lost by it.
STALE_TF_AGE = 0.0


@dataclass
class Recovered:
    removed: list = field(default_factory=list)  # names of the tf (and df) files removed
    orphan_df: list = field(default_factory=list)  # df files without qf or tf, left in place


def tidy_queue(world: World, queue_dir: str, started: float | None = None) -> Recovered:
    """Remove the tf files (and their dfs) left by a crash; list the orphan df files.

    `started` (a time.time() value, default now) is when the daemon started: only a tf last
    written STALE_TF_AGE before it is old enough to be a leftover."""
    found = Recovered()
    real = world.path(queue_dir)
    try:
        names = set(os.listdir(real))
    except OSError:
        return found
    before = (time.time() if started is None else started) - STALE_TF_AGE
    for name in sorted(names):
        if not name.startswith("tf"):
            continue
        qid = name[2:]
        path = real / name
        try:
            if path.is_symlink() or not path.is_file() or path.stat().st_mtime > before:
                continue
        except OSError:
            continue
        with qflock.locked(path) as held:  # a runner rewriting its qf holds the tf locked
            if not held:
                continue
            path.unlink(missing_ok=True)
        found.removed.append(name)
        df = real / f"df{qid}"
        if f"qf{qid}" not in names and f"df{qid}" in names and not df.is_symlink():
            df.unlink(missing_ok=True)
            found.removed.append(f"df{qid}")
    for name in sorted(names):
        qid = name[2:]
        if name.startswith("df") and f"df{qid}" not in found.removed \
                and f"qf{qid}" not in names and f"tf{qid}" not in names:
            found.orphan_df.append(name)
    if found.removed:
        fsync_dir(real)
    return found
