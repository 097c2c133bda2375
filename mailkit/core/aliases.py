"""/etc/aliases: "name: target, target" with continuation lines, :include:, /file and |program.

sendmail reads the built aliases.db (`newaliases`, `sendmail -bi`), not the text file.
"""

from __future__ import annotations

from dataclasses import dataclass

from .maps import Entry, MapError, build_map, open_map
from .world import World


EX_SOFTWARE = 70  # sendmail's status after a syserr (a bad alias line)


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


def _logical_lines(text: str, filename: str, errors: list) -> list[tuple[int, str]]:
    """Join continuation lines as sendmail 8.17's readaliases does: (first line number, line).

    A line ending in a backslash continues on the next one; after an alias line, lines that
    start with a space or tab continue it (appended as they are). An indented line after a
    comment is taken as part of the comment; after a blank line (or first in the file) it is
    the error "Non-continuation line starts with space" (appended to `errors`), and the
    indented lines right after it are skipped with it.
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out: list[tuple[int, str]] = []
    skipping = False
    i = 0
    while i < len(lines):
        lineno, line = i + 1, lines[i]
        i += 1
        while line.endswith("\\") and i < len(lines):
            line = line[:-1] + lines[i]
            i += 1
        if line.startswith("#"):
            skipping = True
            continue
        if not line:
            skipping = False
            continue
        if line[0] in " \t":
            if line.strip() and not skipping:
                errors.append(MapError(filename, lineno, "Non-continuation line starts with space"))
            skipping = skipping or bool(line.strip())
            continue
        skipping = False
        while i < len(lines) and lines[i][:1] in (" ", "\t"):
            line += lines[i]  # sendmail appends the continuation as it is, whitespace and all
            i += 1
        out.append((lineno, line.rstrip("\r")))
    return out


def parse(text: str, filename: str = "/etc/aliases") -> list[Alias]:
    """Parse /etc/aliases; raises MapError("/etc/aliases: line N: reason") on the first bad line."""
    return [a for a, _ in parse_with_rhs(text, filename)]


def parse_with_rhs(text: str, filename: str = "/etc/aliases") -> list[tuple[Alias, str]]:
    """(alias, right-hand side as written) of every line; the first bad line raises MapError."""
    items, errors = read(text, filename)
    if errors:
        raise errors[0][0]
    return items


def read(text: str, filename: str = "/etc/aliases", name_of=None) -> tuple[list, list]:
    """Every good line as (Alias, right-hand side as written), and every bad one as
    (MapError, exit status) in file order, as newaliases reports them and goes on.

    name_of(name) -> (key, errors): how the cf parses an alias name (newaliases passes one
    that runs ruleset 0: "user@remote.example" cannot be aliased); without it a name is
    taken as written."""
    errors: list = []
    found = _logical_lines(text, filename, errors)
    errs = [(e, EX_SOFTWARE) for e in errors]
    aliases = []
    for lineno, line in found:
        name, colon, rhs = line.partition(":")
        if not colon:
            errs.append((MapError(filename, lineno, "missing colon"), EX_SOFTWARE))
            continue
        name = name.strip()
        if not name:
            errs.append((MapError(filename, lineno, f"{name[:40]}... illegal alias name"), EX_SOFTWARE))
            continue
        key, problems = name_of(name) if name_of else (name.lower(), [])
        if problems:
            errs += [(MapError(filename, lineno, why), status) for why, status in problems]
            continue
        rhs = rhs.lstrip()
        if not rhs:
            errs.append((MapError(filename, lineno, f"{line[:40]}... missing value for alias"), EX_SOFTWARE))
            continue
        aliases.append((Alias(key.lower(), tuple(split_targets(rhs)), lineno), rhs))
    errs.sort(key=lambda e: e[0].lineno)  # stable: a line's own errors keep their order
    return aliases, errs


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
    """newaliases: rebuild every AliasFile's .db; returns what sendmail prints per file."""
    return rebuild_report(world, cfg)[0]


def rebuild_report(world: World, cfg, name_of=None) -> tuple[list[str], int]:
    """As sendmail 8.17's newaliases: each bad line is reported ("/etc/aliases: line 37:
    missing colon") and left out, the good ones are built into the .db, then the summary line;
    the status is that of the first error (70 for a bad line, 64 for a name that does not
    parse), 0 when none. A file that cannot be read raises before any map is touched."""
    texts = [(af, world.read_text(af)) for af in cfg.alias_files]
    lines, status = [], 0
    for af, text in texts:
        items, errors = read(text, af, name_of)
        lines += [str(e) for e, _ in errors]
        status = status or next((st for _, st in errors), 0)
        # a name given twice: the later line wins, as in sendmail's hash map. The value is the
        # right-hand side as written (continuations joined), as sendmail stores it, and the
        # "@" key is the mark sendmail adds when a rebuild is complete (`makemap -u` shows both).
        entries = [Entry(a.name, rhs, a.lineno) for a, rhs in items] + [Entry("@", "@", 0)]
        build_map(world, db_path(af), "", af, parse=lambda _t, _f, e=entries: e)
        n, longest, total = stats(items)
        lines.append(f"{af}: {n} aliases, longest {longest} bytes, {total} bytes total")
    return lines, status


def rebuild_aliases(world: World, cfg) -> str:
    """`newaliases` / `sendmail -bi`: the lines sendmail prints, newline-terminated."""
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
