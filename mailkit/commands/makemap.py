"""`makemap hash /etc/mail/access < /etc/mail/access`: build a map's .db from its text."""

from __future__ import annotations

from ..core import access, virtusers
from ..core.maps import Entry, MapError, build_map, open_map, parse_key_value
from ..core.world import PathEscape
from .base import EX_USAGE, EX_CONFIG, Host, Result, command

EX_CANTCREAT = 73  # sysexits.h: makemap -u on a map it cannot open
USAGE = "Usage: makemap [-N] [-c cachesize] [-D commentchar] [-d] [-e] [-f] [-l] [-o] [-r] [-s] [-t delimiter] [-u] [-v] type mapname\n"
TYPES = ("hash", "btree", "dbm", "cdb")
# The maps whose right-hand sides mailkit understands get checked as they are built.
CHECKERS = {"access": access.parse, "virtusertable": virtusers.parse}


def _without_duplicates(entries: list[Entry], source: str, replace: bool, warnings: list[str]) -> list[Entry]:
    seen: dict[str, int] = {}
    out: list[Entry] = []
    for e in entries:
        k = e.key.lower()
        if k in seen:
            if not replace:
                warnings.append(f"makemap: {source}: line {e.lineno}: duplicate key {e.key}")
                continue
            out[seen[k]] = e
            continue
        seen[k] = len(out)
        out.append(e)
    return out


@command("makemap")
def makemap(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    flags, args = set(), []
    for a in argv[1:]:
        if a.startswith("-") and len(a) > 1:
            flags.update(a[1:])
        else:
            args.append(a)
    if len(args) != 2:
        return Result(err=USAGE, code=EX_USAGE)
    mtype, mapname = args
    if mtype not in TYPES:
        return Result(err=f"makemap: Unknown database type {mtype}\n", code=EX_USAGE)
    db = mapname if mapname.endswith(".db") else mapname + ".db"
    try:
        host.world.path(db, host.cwd)
    except PathEscape as e:
        return Result(err=f"makemap: {e}\n", code=EX_CONFIG)
    db_abs = host.world.host_path(host.world.path(db, host.cwd))
    if "u" in flags:  # dump the built map, as `makemap -u` does
        m = open_map(host.world, db_abs)
        if not m.exists():
            return Result(err=f"makemap: error opening type {mtype} map {mapname}: No such file or directory\n", code=EX_CANTCREAT)
        return Result(out="".join(f"{k}\t{v}\n" for k, v in m.items()))
    if stdin is None:
        return Result(err="makemap: no input (use: makemap hash MAP < MAP)\n", code=EX_USAGE)
    source = db_abs[:-3]
    base = source.rsplit("/", 1)[-1]
    check = CHECKERS.get(base, parse_key_value)
    warnings: list[str] = []
    try:
        entries = _without_duplicates(check(stdin, source), source, "r" in flags, warnings)
        build_map(host.world, db_abs, stdin, source, parse=lambda _t, _f: entries, fold_case="f" not in flags)
    except MapError as e:
        return Result(err=f"makemap: {e}\n" + f"makemap: {db_abs} not rebuilt: the old map stays in use\n", code=EX_CONFIG)
    return Result(err="".join(w + "\n" for w in warnings))
