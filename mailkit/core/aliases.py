"""/etc/aliases: "name: target, target" with continuation lines, :include:, /file and |program.

sendmail reads the built aliases.db (`newaliases`, `sendmail -bi`), not the text file.
"""

from __future__ import annotations

from dataclasses import dataclass

from .maps import Entry, MapError, build_map, open_map
from .world import World


@dataclass(frozen=True)
class Alias:
    name: str
    targets: tuple[str, ...]
    lineno: int


def split_targets(rhs: str) -> list[str]:
    """Split on commas outside double quotes ("|/usr/bin/prog, arg" stays whole when quoted)."""
    out, cur, quoted = [], [], False
    for ch in rhs:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur).strip())
    return [t.strip('"') if t.startswith('"|') or t.startswith('"/') else t for t in out if t]


def parse(text: str, filename: str = "/etc/aliases") -> list[Alias]:
    logical: list[tuple[int, str]] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        if raw.lstrip().startswith("#") or not raw.strip():
            continue
        if raw[:1] in (" ", "\t"):
            if not logical:
                raise MapError(filename, lineno, "continuation line without an alias")
            logical[-1] = (logical[-1][0], logical[-1][1] + " " + raw.strip())
            continue
        logical.append((lineno, raw.strip()))
    aliases = []
    for lineno, line in logical:
        name, colon, rhs = line.partition(":")
        if not colon:
            raise MapError(filename, lineno, "missing colon")
        name = name.strip()
        if not name or " " in name:
            raise MapError(filename, lineno, f"illegal alias name \"{name}\"")
        targets = split_targets(rhs)
        if not targets:
            raise MapError(filename, lineno, f"no recipients for alias \"{name}\"")
        aliases.append(Alias(name.lower(), tuple(targets), lineno))
    return aliases


def db_path(alias_file: str) -> str:
    return alias_file + ".db"


def rebuild(world: World, cfg) -> list[str]:
    """newaliases: rebuild every AliasFile's .db; returns sendmail's summary line per file.

    Raises MapError (with file and line) before touching any map when a file is malformed.
    """
    parsed = []
    for af in cfg.alias_files:
        text = world.read_text(af)
        parsed.append((af, parse(text, af)))
    lines = []
    for af, aliases in parsed:
        entries = [Entry(a.name, ",".join(a.targets), a.lineno) for a in aliases]
        build_map(world, db_path(af), "", af, parse=lambda _t, _f, e=entries: e)
        longest = max((len(", ".join(a.targets)) for a in aliases), default=0)
        total = sum(len(", ".join(a.targets)) for a in aliases)
        lines.append(f"{af}: {len(aliases)} aliases, longest {longest} bytes, {total} bytes total")
    return lines


def lookup(world: World, cfg, name: str) -> list[str] | None:
    """The targets of alias `name` from the built maps, or None when it is no alias."""
    for af in cfg.alias_files:
        v = open_map(world, db_path(af)).get(name.lower())
        if v is not None:
            return split_targets(v)
    return None
