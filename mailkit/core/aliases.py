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


def split_list(rhs: str) -> list[str]:
    """The addresses of a list as written (quotes kept), split on commas outside double
    quotes and angle brackets, as sendmail's sendtolist splits an alias or an argument."""
    out, cur, quoted, angle = [], [], False, 0
    for ch in rhs:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "<":
            angle += 1
        elif not quoted and ch == ">" and angle:
            angle -= 1
        if ch == "," and not quoted and not angle:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur).strip())
    return [t for t in out if t]


def split_targets(rhs: str) -> list[str]:
    """split_list with the quotes of a quoted program or file taken off ("|/usr/bin/prog, arg")."""
    return [t.strip('"') if t.startswith('"|') or t.startswith('"/') else t for t in split_list(rhs)]


def _logical_lines(text: str, filename: str) -> list[tuple[int, str, str]]:
    """Join continuation lines as sendmail's readaliases does.

    Yields (first line number, the whole line, the raw right-hand side bytes sendmail stores):
    a line ending in a backslash continues on the next one; after an alias line, lines that
    start with a space or tab continue it (appended as they are); anywhere else such a line
    is the error "Non-continuation line starts with space".
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(lines):
        lineno, line = i + 1, lines[i]
        i += 1
        while line.endswith("\\") and i < len(lines):
            line = line[:-1] + lines[i]
            i += 1
        if not line or line.startswith("#"):
            continue
        if line[0] in " \t":
            if line.strip():
                raise MapError(filename, lineno, "Non-continuation line starts with space")
            continue
        while i < len(lines) and lines[i][:1] in (" ", "\t"):
            line += lines[i]  # sendmail appends the continuation as it is, whitespace and all
            i += 1
        out.append((lineno, line.rstrip("\r")))
    return out


def parse(text: str, filename: str = "/etc/aliases") -> list[Alias]:
    """Parse /etc/aliases; raises MapError("/etc/aliases: line N: reason") on the first bad line."""
    return [a for a, _ in parse_with_rhs(text, filename)]


def parse_with_rhs(text: str, filename: str = "/etc/aliases") -> list[tuple[Alias, str]]:
    aliases = []
    for lineno, line in _logical_lines(text, filename):
        name, colon, rhs = line.partition(":")
        if not colon:
            raise MapError(filename, lineno, "missing colon")
        name = name.strip()
        if not name or any(c.isspace() for c in name) or name.startswith("|") or name.startswith("/"):
            raise MapError(filename, lineno, f"{name[:40]}... illegal alias name")
        rhs = rhs.lstrip()
        targets = split_targets(rhs)
        if not targets:
            raise MapError(filename, lineno, f"{line[:40]}... missing value for alias")
        aliases.append((Alias(name.lower(), tuple(targets), lineno), rhs))
    return aliases


def db_path(alias_file: str) -> str:
    return alias_file + ".db"


def stats(parsed: list[tuple[Alias, str]]) -> tuple[int, int, int]:
    """(aliases, longest, total) as sendmail counts them: the right-hand side as written
    (after the colon and its leading blanks, continuations included) for "longest", and
    name + right-hand side for "bytes total"."""
    longest = max((len(rhs.encode()) for _, rhs in parsed), default=0)
    total = sum(len(a.name.encode()) + len(rhs.encode()) for a, rhs in parsed)
    return len(parsed), longest, total


def rebuild(world: World, cfg) -> list[str]:
    """newaliases: rebuild every AliasFile's .db; returns sendmail's summary line per file.

    Raises MapError (with file and line) before touching any map when a file is malformed,
    so the old aliases.db keeps serving.
    """
    parsed = [(af, parse_with_rhs(world.read_text(af), af)) for af in cfg.alias_files]
    lines = []
    for af, items in parsed:
        # a name given twice: the later line wins, as in sendmail's hash map. The value is the
        # right-hand side as written (continuations joined), as sendmail stores it, and the
        # "@" key is the mark sendmail adds when a rebuild is complete (`makemap -u` shows both).
        entries = [Entry(a.name, rhs, a.lineno) for a, rhs in items] + [Entry("@", "@", 0)]
        build_map(world, db_path(af), "", af, parse=lambda _t, _f, e=entries: e)
        n, longest, total = stats(items)
        lines.append(f"{af}: {n} aliases, longest {longest} bytes, {total} bytes total")
    return lines


def rebuild_aliases(world: World, cfg) -> str:
    """`newaliases` / `sendmail -bi`: the summary lines sendmail prints, newline-terminated."""
    return "".join(line + "\n" for line in rebuild(world, cfg))


def lookup(world: World, cfg, name: str) -> list[str] | None:
    """The targets of alias `name` from the built maps, or None when it is no alias."""
    v = lookup_raw(world, cfg, name)
    return None if v is None else split_targets(v)


def lookup_raw(world: World, cfg, name: str) -> str | None:
    """The right-hand side of alias `name` as stored (as written in /etc/aliases)."""
    if name == "@":  # the rebuild mark, no alias
        return None
    for af in cfg.alias_files:
        v = open_map(world, db_path(af)).get(name.lower())
        if v is not None:
            return v
    return None
